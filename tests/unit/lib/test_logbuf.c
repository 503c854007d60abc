/* Unit tests: logbuf.c - ring positions, wrap-around, tail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "logbuf.h"

static void read_all(struct logbuf *lb, uint64_t pos, char *out, size_t len)
{
	size_t n = logbuf_read(lb, &pos, out, len - 1);
	out[n] = 0;
}

static void wraps_and_tails(void **state)
{
	(void)state;
	struct logbuf lb;
	char out[64];
	logbuf_init(&lb, 16);
	logbuf_write(&lb, "one\ntwo\n", 8);
	read_all(&lb, 0, out, sizeof out);
	assert_string_equal(out, "one\ntwo\n");
	logbuf_write(&lb, "three\nfour\n", 11); /* 19 bytes: "one" is overwritten */
	assert_int_equal(logbuf_start(&lb), 3);
	read_all(&lb, 0, out, sizeof out);
	assert_string_equal(out, "\ntwo\nthree\nfour\n");
	read_all(&lb, logbuf_tail(&lb, 1), out, sizeof out);
	assert_string_equal(out, "four\n");
	read_all(&lb, logbuf_tail(&lb, 0), out, sizeof out); /* --tail 0 */
	assert_string_equal(out, "");
	read_all(&lb, logbuf_tail(&lb, 2), out, sizeof out);
	assert_string_equal(out, "three\nfour\n");
	read_all(&lb, logbuf_tail(&lb, 10), out, sizeof out);
	assert_string_equal(out, "\ntwo\nthree\nfour\n");
	logbuf_write(&lb, "partial", 7);
	read_all(&lb, logbuf_tail(&lb, 1), out, sizeof out);
	assert_string_equal(out, "partial");
	/* a follower at the end reads nothing until more comes */
	uint64_t pos = lb.total;
	assert_int_equal(logbuf_read(&lb, &pos, out, sizeof out), 0);
	logbuf_write(&lb, "0123456789abcdefXYZ", 19); /* larger than the ring */
	read_all(&lb, 0, out, sizeof out);
	assert_string_equal(out, "3456789abcdefXYZ");
	logbuf_fini(&lb);
}

/* the times of lines: the write each began in; since: the first line
 * begun at or after a time; older than every mark kept: the oldest */
static void marks_and_since(void **state)
{
	(void)state;
	struct logbuf lb;
	logbuf_init(&lb, 4096);
	assert_int_equal(logbuf_time(&lb, 0), 0);
	logbuf_write_at(&lb, "a\nb", 3, 100);   /* "b" continues ... */
	logbuf_write_at(&lb, "b\nc\n", 4, 200); /* ... into the next write */
	logbuf_write_at(&lb, "d\n", 2, 300);
	assert_int_equal(logbuf_time(&lb, 0), 100); /* a */
	assert_int_equal(logbuf_time(&lb, 2), 100); /* b began at 100 */
	assert_int_equal(logbuf_time(&lb, 5), 200); /* c */
	assert_int_equal(logbuf_time(&lb, 7), 300); /* d */
	assert_true(logbuf_line_start(&lb, 0) && logbuf_line_start(&lb, 2) && !logbuf_line_start(&lb, 3));
	assert_int_equal(logbuf_since(&lb, 150), 5);   /* c: b began before 150 */
	assert_int_equal(logbuf_since(&lb, 300), 7);   /* d */
	assert_int_equal(logbuf_since(&lb, 301), lb.total);
	assert_int_equal(logbuf_since(&lb, 0), 0);
	for (int i = 0; i < LOGBUF_MARKS + 5; i++)
		logbuf_write_at(&lb, "x\n", 2, 1000 + i);
	assert_int_equal(logbuf_time(&lb, 0), 1005); /* older than every mark: the oldest kept */
	logbuf_reset(&lb);
	assert_int_equal(logbuf_time(&lb, 0), 0);
	logbuf_fini(&lb);
}

/* a quiet container holds LOGBUF_FIRST bytes; the ring grows to its bound
 * as output comes, keeping every byte, and wraps only there */
static void grows_then_wraps(void **state)
{
	(void)state;
	struct logbuf lb;
	static char chunk[3000], out[20000];
	memset(chunk, 'a', sizeof chunk);
	logbuf_init(&lb, 10000);
	/* quiet: nothing held, nothing allocated, every reader content */
	assert_null(lb.buf);
	assert_int_equal(lb.size, 0);
	assert_int_equal(logbuf_start(&lb), 0);
	assert_int_equal(logbuf_tail(&lb, 5), 0);
	assert_int_equal(logbuf_since(&lb, 0), 0);
	read_all(&lb, 0, out, sizeof out);
	assert_string_equal(out, "");
	logbuf_write(&lb, "first\n", 6);
	assert_int_equal(lb.size, LOGBUF_FIRST);
	for (int i = 0; i < 2; i++)
		logbuf_write(&lb, chunk, sizeof chunk);
	assert_int_equal(lb.size, 8192);
	read_all(&lb, 0, out, sizeof out);
	assert_int_equal(strlen(out), 6006);
	assert_memory_equal(out, "first\naaa", 9);
	for (int i = 0; i < 3; i++)
		logbuf_write(&lb, chunk, sizeof chunk);
	assert_int_equal(lb.size, 10000); /* the bound */
	assert_int_equal(logbuf_start(&lb), 15006 - 10000);
	read_all(&lb, 0, out, sizeof out);
	assert_int_equal(strlen(out), 10000);
	logbuf_fini(&lb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(wraps_and_tails), cmocka_unit_test(marks_and_since), cmocka_unit_test(grows_then_wraps)};
	return cmocka_run_group_tests_name("logbuf", tests, NULL, NULL);
}
