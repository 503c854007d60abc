/* loop.c - epoll dispatch and a binary min-heap of timer deadlines.
 *
 * Invariants: heap[i]->slot == i + 1 for every armed timer; the timerfd is
 * armed to heap[0]'s deadline (TFD_TIMER_ABSTIME), or disarmed when the
 * heap is empty, and is only re-set when that earliest deadline changes. */
#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

uint64_t loop_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void swap(struct loop *l, unsigned a, unsigned b)
{
	struct loop_timer *t = l->heap[a];
	l->heap[a] = l->heap[b];
	l->heap[b] = t;
	l->heap[a]->slot = a + 1;
	l->heap[b]->slot = b + 1;
}

static void sift_up(struct loop *l, unsigned i)
{
	while (i && l->heap[(i - 1) / 2]->deadline > l->heap[i]->deadline) {
		swap(l, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void sift_down(struct loop *l, unsigned i)
{
	for (;;) {
		unsigned m = i, a = 2 * i + 1, b = 2 * i + 2;
		if (a < l->ntimers && l->heap[a]->deadline < l->heap[m]->deadline)
			m = a;
		if (b < l->ntimers && l->heap[b]->deadline < l->heap[m]->deadline)
			m = b;
		if (m == i)
			return;
		swap(l, i, m);
		i = m;
	}
}

static void rearm(struct loop *l)
{
	uint64_t want = l->ntimers ? l->heap[0]->deadline : 0;
	if (want == l->armed)
		return;
	struct itimerspec its = {0};
	if (want) {
		/* a deadline of 0 would disarm: the earliest possible is 1 ns */
		its.it_value.tv_sec = (time_t)(want / 1000000000ULL);
		its.it_value.tv_nsec = (long)(want % 1000000000ULL);
	}
	if (timerfd_settime(l->timerfd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		l->armed = want;
}

static void remove_at(struct loop *l, unsigned i)
{
	struct loop_timer *t = l->heap[i];
	unsigned last = --l->ntimers;
	if (i != last) {
		l->heap[i] = l->heap[last];
		l->heap[i]->slot = i + 1;
		sift_down(l, i);
		sift_up(l, i);
	}
	t->slot = 0;
}

int loop_timer_at(struct loop *l, struct loop_timer *t, uint64_t deadline)
{
	if (!deadline)
		deadline = 1;
	if (t->slot) {
		t->deadline = deadline;
		sift_down(l, t->slot - 1);
		sift_up(l, t->slot - 1);
	} else {
		if (l->ntimers >= l->cap)
			return -ENOSPC;
		t->deadline = deadline;
		l->heap[l->ntimers] = t;
		t->slot = ++l->ntimers;
		sift_up(l, l->ntimers - 1);
	}
	rearm(l);
	return 0;
}

void loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
	if (!t->slot)
		return;
	remove_at(l, t->slot - 1);
	rearm(l);
}

static void run_timers(struct loop *l)
{
	uint64_t now = loop_now();
	/* a callback may re-arm its timer for now: handle each at most once
	 * per pass by bounding the pass to the timers due at its start */
	unsigned budget = l->ntimers;
	while (budget-- && l->ntimers && l->heap[0]->deadline <= now) {
		struct loop_timer *t = l->heap[0];
		remove_at(l, 0);
		t->cb(l, t);
	}
	rearm(l);
}

static void on_timerfd(struct loop *l, struct loop_watch *w, uint32_t events)
{
	(void)events;
	uint64_t expirations;
	/* nonblocking: EAGAIN when the timer was re-set meanwhile, harmless */
	ssize_t r = read(w->fd, &expirations, sizeof expirations);
	(void)r;
	l->armed = 0; /* an ABSTIME one-shot fired: it is disarmed now */
	run_timers(l);
}

int loop_init(struct loop *l, unsigned cap)
{
	memset(l, 0, sizeof *l);
	l->epfd = l->timerfd = -1;
	l->heap = calloc(cap ? cap : 1, sizeof *l->heap);
	if (!l->heap)
		return -ENOMEM;
	l->cap = cap;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		goto fail;
	l->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (l->timerfd < 0)
		goto fail;
	l->timer_watch.fd = l->timerfd;
	l->timer_watch.cb = on_timerfd;
	if (loop_add(l, &l->timer_watch, EPOLLIN) < 0)
		goto fail;
	return 0;
fail:;
	int err = -errno;
	loop_fini(l);
	return err;
}

void loop_fini(struct loop *l)
{
	if (l->timerfd >= 0)
		close(l->timerfd);
	if (l->epfd >= 0)
		close(l->epfd);
	free(l->heap);
	l->heap = NULL;
	l->epfd = l->timerfd = -1;
}

int loop_add(struct loop *l, struct loop_watch *w, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = w};
	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, w->fd, &ev) < 0 ? -errno : 0;
}

int loop_mod(struct loop *l, struct loop_watch *w, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = w};
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, w->fd, &ev) < 0 ? -errno : 0;
}

void loop_del(struct loop *l, struct loop_watch *w)
{
	/* fails only for an fd that was never added or is closed: nothing to undo */
	(void)epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
}

int loop_run_once(struct loop *l, int max_ms)
{
	struct epoll_event evs[16];
	int n = epoll_wait(l->epfd, evs, 16, max_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n > 0)
		l->wakeups++;
	for (int i = 0; i < n; i++) {
		struct loop_watch *w = evs[i].data.ptr;
		w->cb(l, w, evs[i].events);
	}
	/* timers that came due while callbacks ran */
	if (l->ntimers && l->heap[0]->deadline <= loop_now())
		run_timers(l);
	return 0;
}
