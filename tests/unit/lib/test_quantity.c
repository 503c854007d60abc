/* Unit tests: quantity.c - Kubernetes quantities and Go durations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "quantity.h"

static int64_t bytes(const char *s)
{
	int64_t v = -1;
	assert_true(qty_parse(s, 1, &v));
	return v;
}

static int64_t millis(const char *s)
{
	int64_t v = -1;
	assert_true(qty_parse(s, 1000, &v));
	return v;
}

static void memory_quantities(void **state)
{
	(void)state;
	assert_int_equal(bytes("64Mi"), 64LL << 20);
	assert_int_equal(bytes("1Gi"), 1LL << 30);
	assert_int_equal(bytes("128974848"), 128974848);
	assert_int_equal(bytes("129e6"), 129000000);
	assert_int_equal(bytes("129E6"), 129000000);
	assert_int_equal(bytes("123M"), 123000000);
	assert_int_equal(bytes("1k"), 1000);
	assert_int_equal(bytes("0.5Ki"), 512);
	assert_int_equal(bytes("0.1Gi"), 107374183); /* 107374182.4 rounded up */
	assert_int_equal(bytes("1E"), 1000000000000000000LL);
	assert_int_equal(bytes("+5"), 5);
	assert_int_equal(bytes("0"), 0);
	assert_int_equal(bytes(".5k"), 500);
}

static void cpu_quantities(void **state)
{
	(void)state;
	assert_int_equal(millis("500m"), 500);
	assert_int_equal(millis("0.5"), 500);
	assert_int_equal(millis("1"), 1000);
	assert_int_equal(millis("2.25"), 2250);
	assert_int_equal(millis("100m"), 100);
	assert_int_equal(millis("0.0001"), 1); /* below 1m rounds up to 1m */
	assert_int_equal(millis("1500u"), 2);
}

static void bad_quantities(void **state)
{
	(void)state;
	int64_t v;
	const char *bad[] = {"", "64Mx", "-1Gi", "1.2.3", "abc", "Mi", "1 Mi", "1e", "e3",
			     "99999999999999999999", "9Ei0", "1e99", "9223372036854775807Ki",
			     "1234567890.1234567890123"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_false(qty_parse(bad[i], 1, &v));
}

static void formatting(void **state)
{
	(void)state;
	char buf[32];
	qty_format_bytes(64LL << 20, buf, sizeof buf);
	assert_string_equal(buf, "64Mi");
	qty_format_bytes(123000000, buf, sizeof buf);
	assert_string_equal(buf, "123000000");
	qty_format_bytes(0, buf, sizeof buf);
	assert_string_equal(buf, "0");
	qty_format_millis(500, buf, sizeof buf);
	assert_string_equal(buf, "500m");
	qty_format_millis(2000, buf, sizeof buf);
	assert_string_equal(buf, "2");
}

static void durations(void **state)
{
	(void)state;
	int64_t ns;
	assert_true(dur_parse("10s", &ns));
	assert_int_equal(ns, 10000000000LL);
	assert_true(dur_parse("1m30s", &ns));
	assert_int_equal(ns, 90000000000LL);
	assert_true(dur_parse("250ms", &ns));
	assert_int_equal(ns, 250000000LL);
	assert_true(dur_parse("1.5h", &ns));
	assert_int_equal(ns, 5400000000000LL);
	assert_true(dur_parse("0", &ns));
	assert_int_equal(ns, 0);
	const char *bad[] = {"", "10", "s", "-1s", "1x", "10 s", "9999999999999h"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_false(dur_parse(bad[i], &ns));
	char buf[32];
	dur_format(300000000000LL, buf, sizeof buf);
	assert_string_equal(buf, "300s");
	dur_format(1500000, buf, sizeof buf);
	assert_string_equal(buf, "1500000ns");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(memory_quantities), cmocka_unit_test(cpu_quantities),
		cmocka_unit_test(bad_quantities),    cmocka_unit_test(formatting),
		cmocka_unit_test(durations),
	};
	return cmocka_run_group_tests_name("quantity", tests, NULL, NULL);
}
