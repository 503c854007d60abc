/* Unit tests: loop.c - fd dispatch and the timer heap. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <cmocka.h>
#include "loop.h"

#define MS 1000000ULL

static unsigned order[64], nfired;

struct tagged {
	struct loop_timer t;
	unsigned tag;
};

static void fire(struct loop *l, struct loop_timer *t)
{
	(void)l;
	order[nfired++] = ((struct tagged *)t)->tag;
}

static void timers_fire_in_deadline_order(void **state)
{
	(void)state;
	struct loop l;
	assert_int_equal(loop_init(&l, 8), 0);
	struct tagged t[5];
	uint64_t now = loop_now();
	const unsigned delay_ms[5] = {40, 10, 30, 20, 50};
	nfired = 0;
	for (unsigned i = 0; i < 5; i++) {
		memset(&t[i], 0, sizeof t[i]);
		t[i].t.cb = fire;
		t[i].tag = delay_ms[i];
		assert_int_equal(loop_timer_at(&l, &t[i].t, now + delay_ms[i] * MS), 0);
	}
	loop_timer_cancel(&l, &t[2].t); /* 30 never fires */
	assert_false(loop_timer_armed(&t[2].t));
	assert_int_equal(loop_timer_at(&l, &t[4].t, now + 5 * MS), 0); /* 50 moves first */
	while (nfired < 4)
		assert_int_equal(loop_run_once(&l, 1000), 0);
	assert_int_equal(order[0], 50);
	assert_int_equal(order[1], 10);
	assert_int_equal(order[2], 20);
	assert_int_equal(order[3], 40);
	assert_true(loop_now() >= now + 40 * MS);
	assert_int_equal(l.ntimers, 0);
	/* idle: nothing armed, nothing ready, no wake-up */
	unsigned w = l.wakeups;
	assert_int_equal(loop_run_once(&l, 30), 0);
	assert_int_equal(l.wakeups, w);
	loop_fini(&l);
}

static void timer_capacity_is_bounded(void **state)
{
	(void)state;
	struct loop l;
	assert_int_equal(loop_init(&l, 2), 0);
	struct loop_timer t[3];
	memset(t, 0, sizeof t);
	uint64_t now = loop_now();
	assert_int_equal(loop_timer_at(&l, &t[0], now + MS), 0);
	assert_int_equal(loop_timer_at(&l, &t[1], now + MS), 0);
	assert_int_equal(loop_timer_at(&l, &t[2], now + MS), -ENOSPC);
	loop_fini(&l);
}

static int readable;
static void on_read(struct loop *l, struct loop_watch *w, uint32_t events)
{
	char c;
	(void)l;
	assert_true(events & EPOLLIN);
	assert_int_equal(read(w->fd, &c, 1), 1);
	readable++;
}

static void fd_watches_dispatch(void **state)
{
	(void)state;
	struct loop l;
	int p[2];
	assert_int_equal(loop_init(&l, 1), 0);
	assert_int_equal(pipe(p), 0);
	struct loop_watch w = {.fd = p[0], .cb = on_read};
	assert_int_equal(loop_add(&l, &w, EPOLLIN), 0);
	readable = 0;
	assert_int_equal(write(p[1], "xy", 2), 2);
	assert_int_equal(loop_run_once(&l, 1000), 0);
	assert_int_equal(loop_run_once(&l, 1000), 0);
	assert_int_equal(readable, 2);
	loop_del(&l, &w);
	assert_int_equal(write(p[1], "z", 1), 1);
	assert_int_equal(loop_run_once(&l, 20), 0);
	assert_int_equal(readable, 2);
	close(p[0]);
	close(p[1]);
	loop_fini(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timers_fire_in_deadline_order),
		cmocka_unit_test(timer_capacity_is_bounded),
		cmocka_unit_test(fd_watches_dispatch),
	};
	return cmocka_run_group_tests_name("loop", tests, NULL, NULL);
}
