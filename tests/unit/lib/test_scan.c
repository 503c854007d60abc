/* Unit tests: scan.c - the cursor reads that replaced sscanf: each moves
 * only on success, numbers are bounded, fields too long are errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <cmocka.h>
#include "scan.h"

static void literals_and_blanks(void **state)
{
	(void)state;
	const char *s = "api:3", *at = s;
	assert_true(scan_lit(&s, "api:"));
	assert_ptr_equal(s, at + 4);
	assert_false(scan_lit(&s, "x"));
	assert_ptr_equal(s, at + 4);
	s = " \t\nx";
	assert_true(scan_blanks(&s));
	assert_string_equal(s, "x");
	assert_true(scan_blanks(&s)); /* none is fine */
	assert_string_equal(s, "x");
	assert_false(scan_end(s));
	assert_true(scan_end(s + 1));
}

static void numbers(void **state)
{
	(void)state;
	unsigned long v = 7;
	const char *s = "255.1";
	assert_true(scan_uint(&s, 3, 255, &v));
	assert_int_equal(v, 255);
	assert_string_equal(s, ".1");
	s = "256";
	assert_false(scan_uint(&s, 3, 255, &v)); /* over max */
	assert_string_equal(s, "256");
	s = "0001";
	assert_false(scan_uint(&s, 3, 255, &v)); /* more than ndigits */
	s = "-1";
	assert_false(scan_uint(&s, 9, UINT_MAX, &v)); /* no sign */
	s = " 1";
	assert_false(scan_uint(&s, 9, UINT_MAX, &v)); /* no blanks skipped */
	s = "";
	assert_false(scan_uint(&s, 9, UINT_MAX, &v));
	s = "4294967295x";
	assert_true(scan_uint(&s, 10, UINT32_MAX, &v));
	assert_int_equal(v, 4294967295UL);
	assert_string_equal(s, "x");
	s = "4294967296";
	assert_false(scan_uint(&s, 10, UINT32_MAX, &v)); /* overflow is caught, not wrapped */
	s = "99";
	assert_true(scan_uint(&s, 2, ULONG_MAX, &v)); /* max near the type's top: no overflow in the check */
	assert_int_equal(v, 99);
}

static void fields(void **state)
{
	(void)state;
	char b[4];
	const char *s = "abc/def";
	assert_true(scan_until(&s, "/", b, sizeof b));
	assert_string_equal(b, "abc");
	assert_string_equal(s, "/def");
	assert_false(scan_until(&s, "/", b, sizeof b)); /* empty */
	assert_true(scan_lit(&s, "/"));
	assert_true(scan_until(&s, "/", b, sizeof b)); /* to the end */
	assert_string_equal(b, "def");
	assert_true(scan_end(s));
	s = "abcd/";
	assert_false(scan_until(&s, "/", b, sizeof b)); /* does not fit: an error, not a cut */
	assert_string_equal(s, "abcd/");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(literals_and_blanks),
		cmocka_unit_test(numbers),
		cmocka_unit_test(fields),
	};
	return cmocka_run_group_tests_name("scan", tests, NULL, NULL);
}
