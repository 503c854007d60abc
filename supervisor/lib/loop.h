/* loop.h - the supervisor's one event loop: epoll over file descriptors,
 * and timers as absolute CLOCK_MONOTONIC deadlines on one timerfd.
 *
 * epoll_wait is the only blocking call in the supervisor. Watches and
 * timers are owned by their callers (embedded in pods, containers,
 * clients); the loop only links them, so it never allocates after init.
 * An idle loop with no timers due sleeps without wake-ups.
 *
 * A callback may delete any watch, but must not free one that another
 * event of the same batch may still name: free such objects after
 * loop_run_once returns (the supervisor keeps a list of the dead). */
#ifndef PODINIT_LOOP_H
#define PODINIT_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct loop;

struct loop_watch {
	int fd;
	void (*cb)(struct loop *l, struct loop_watch *w, uint32_t events);
};

struct loop_timer {
	uint64_t deadline; /* CLOCK_MONOTONIC, ns */
	unsigned slot;     /* position in the heap + 1; 0 when not armed */
	void (*cb)(struct loop *l, struct loop_timer *t);
};

struct loop {
	int epfd, timerfd;
	struct loop_watch timer_watch;
	struct loop_timer **heap;
	unsigned ntimers, cap;
	uint64_t armed; /* deadline the timerfd is set to, 0 = disarmed */
	unsigned wakeups; /* epoll_wait returns, for tests and `podctl top` */
};

/* cap bounds the number of armed timers at once. 0 or -errno. */
int loop_init(struct loop *l, unsigned cap);
void loop_fini(struct loop *l);
int loop_add(struct loop *l, struct loop_watch *w, uint32_t events);
int loop_mod(struct loop *l, struct loop_watch *w, uint32_t events);
void loop_del(struct loop *l, struct loop_watch *w);

uint64_t loop_now(void);
/* Arms (or re-arms) t at an absolute deadline; -ENOSPC past cap. */
int loop_timer_at(struct loop *l, struct loop_timer *t, uint64_t deadline);
void loop_timer_cancel(struct loop *l, struct loop_timer *t);
static inline bool loop_timer_armed(const struct loop_timer *t)
{
	return t->slot != 0;
}

/* Waits for events (up to max_ms, -1 = no limit) and runs their callbacks,
 * then every timer that is due. Returns 0 or -errno of epoll_wait. */
int loop_run_once(struct loop *l, int max_ms);

#endif
