/* Unit tests: events.c - the ring's two bounds (count, text), wrap-around,
 * cut fields, the echo line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "events.h"

static struct events ev; /* 32 KiB: not on the stack */

static void held(uint64_t first, uint64_t next)
{
	assert_int_equal(events_first(&ev), first);
	assert_int_equal(ev.next, next);
}

static void count_bound(void **state)
{
	(void)state;
	struct event e;
	events_init(&ev, NULL, NULL);
	assert_false(events_get(&ev, 0, &e));
	for (unsigned i = 0; i < EVENTS_MAX + 10; i++)
		events_add(&ev, i % 2, "pod/a", "Started", "n%u", i);
	held(10, EVENTS_MAX + 10);
	assert_false(events_get(&ev, 9, &e));
	assert_false(events_get(&ev, EVENTS_MAX + 10, &e));
	for (uint64_t s = 10; s < EVENTS_MAX + 10; s++) {
		char want[16];
		snprintf(want, sizeof want, "n%u", (unsigned)s);
		assert_true(events_get(&ev, s, &e));
		assert_int_equal(e.seq, s);
		assert_int_equal(e.warning, s % 2);
		assert_string_equal(e.object, "pod/a");
		assert_string_equal(e.reason, "Started");
		assert_string_equal(e.message, want);
		assert_true(e.when.tv_sec > 0);
	}
}

/* Long messages: the text bound drops the oldest first, and a record
 * that crosses the end of the ring reads back whole. */
static void text_bound_and_wrap(void **state)
{
	(void)state;
	char msg[300];
	struct event e;
	events_init(&ev, NULL, NULL);
	for (unsigned i = 0; i < 1000; i++) {
		memset(msg, 'a' + i % 26, sizeof msg - 1);
		msg[sizeof msg - 1] = 0;
		events_add(&ev, false, "manifest /m/x.yaml", "Invalid", "%u %s", i, msg);
		uint64_t first = events_first(&ev);
		/* every held record fits in the text, and no more than it */
		const unsigned rec = 19 + 8 + 256; /* object, reason, message, each with its NUL */
		assert_true((ev.next - first) * rec <= EVENTS_TEXT);
		assert_true(i < EVENTS_TEXT / rec || (ev.next - first + 1) * rec > EVENTS_TEXT);
		for (uint64_t s = first; s < ev.next; s++) {
			assert_true(events_get(&ev, s, &e));
			assert_int_equal(strlen(e.message), sizeof e.message - 1); /* cut to 255 */
			char head[8];
			snprintf(head, sizeof head, "%u ", (unsigned)s);
			assert_memory_equal(e.message, head, strlen(head));
			assert_int_equal(e.message[254], 'a' + s % 26);
			assert_string_equal(e.object, "manifest /m/x.yaml");
		}
	}
	/* short ones again: the count bound takes over */
	for (unsigned i = 0; i < 2 * EVENTS_MAX; i++)
		events_add(&ev, false, "pod/b", "Pulled", "ok");
	held(ev.next - EVENTS_MAX, 1000 + 2 * EVENTS_MAX);
	assert_true(events_get(&ev, ev.next - 1, &e));
	assert_string_equal(e.message, "ok");
}

static void cut_fields(void **state)
{
	(void)state;
	char obj[200], reason[100];
	memset(obj, 'o', sizeof obj - 1);
	obj[sizeof obj - 1] = 0;
	memset(reason, 'r', sizeof reason - 1);
	reason[sizeof reason - 1] = 0;
	struct event e;
	events_init(&ev, NULL, NULL);
	events_add(&ev, true, obj, reason, "%s", "");
	assert_true(events_get(&ev, 0, &e));
	assert_int_equal(strlen(e.object), sizeof e.object - 1);
	assert_int_equal(strlen(e.reason), sizeof e.reason - 1);
	assert_string_equal(e.message, "");
	assert_true(e.warning);
}

static char echoed[600];
static void echo(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	memcpy(echoed, line, len);
	echoed[len] = 0;
}

static void echo_line(void **state)
{
	(void)state;
	events_init(&ev, echo, NULL);
	events_add(&ev, true, "pod/web/nginx", "BackOff", "restarting in %d s", 10);
	assert_string_equal(echoed, "podinit: Warning pod/web/nginx BackOff: restarting in 10 s\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(count_bound),
		cmocka_unit_test(text_bound_and_wrap),
		cmocka_unit_test(cut_fields),
		cmocka_unit_test(echo_line),
	};
	return cmocka_run_group_tests_name("events", tests, NULL, NULL);
}
