/* Unit tests: ota_record.c - the OTA record's text, round trip and damage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "ota.h"

static void round_trip(void **state)
{
	(void)state;
	struct ota_record r = {.gen = 7, .hash = 0x0123456789abcdefULL, .state = OTA_TRIAL,
			       .committed = 5, .committed_hash = 0xfedcba9876543210ULL,
			       .numbered = 7, .boots = 2};
	snprintf(r.reason, sizeof r.reason, "pod x is crash-looping (3 restarts)");
	char buf[1024];
	int n = ota_record_format(&r, buf, sizeof buf);
	assert_true(n > 0);
	struct ota_record back;
	assert_int_equal(ota_record_parse(buf, &back), 0);
	assert_int_equal(back.gen, 7);
	assert_true(back.hash == r.hash);
	assert_int_equal(back.state, OTA_TRIAL);
	assert_int_equal(back.committed, 5);
	assert_true(back.committed_hash == r.committed_hash);
	assert_int_equal(back.numbered, 7);
	assert_int_equal(back.boots, 2);
	assert_string_equal(back.reason, r.reason);
	for (int s = OTA_COMMITTED; s <= OTA_REJECTED; s++) {
		r.state = (enum ota_state)s;
		ota_record_format(&r, buf, sizeof buf);
		assert_int_equal(ota_record_parse(buf, &back), 0);
		assert_int_equal(back.state, s);
	}
	/* a key a newer podinit wrote is skipped */
	char newer[1100];
	snprintf(newer, sizeof newer, "%sfuture-key some value\n", buf);
	assert_int_equal(ota_record_parse(newer, &back), 0);
}

static void damage_is_refused(void **state)
{
	(void)state;
	struct ota_record r = {.gen = 3, .hash = 1, .state = OTA_COMMITTED, .committed = 3,
			       .committed_hash = 1, .numbered = 3};
	char buf[1024], cut[1024];
	int n = ota_record_format(&r, buf, sizeof buf);
	struct ota_record back;
	/* cut anywhere short of the end: a part of a record is no record */
	for (int i = 0; i < n - 1; i++) {
		memcpy(cut, buf, (size_t)i);
		cut[i] = 0;
		assert_int_not_equal(ota_record_parse(cut, &back), 0);
	}
	const char *bad[] = {
		"",
		"podinit-ota 2\nstate committed\n",
		"podinit-ota 1\nstate sideways\n",
		"podinit-ota 1\nstate committed\nhash 12\n",
		"podinit-ota 1\nstate committed\ngeneration x\n",
		"podinit-ota 1\nstate committed\ncommitted 4\nnumbered 3\n",
		"podinit-ota 1\ngeneration 1\n", /* no state */
		"podinit-ota 1\nstate committed\nnospace\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_not_equal(ota_record_parse(bad[i], &back), 0);
	/* too small a buffer */
	assert_int_equal(ota_record_format(&r, buf, 20), -7 /* -E2BIG */);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(damage_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
