/* Unit tests: net_ipam.c - stable numbers by name, saved and read back,
 * reused after a put, the idle lease unused longest given away, none
 * while every number is busy. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "net_ipam.h"

static char dir[] = "/tmp/podinit-ipam-XXXXXX", path[128];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/leases", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

static void stable_and_saved(void **state)
{
	(void)state;
	struct ipam a;
	uint32_t v;
	assert_int_equal(ipam_init(&a, path, 10, 12, 8), 0);
	assert_int_equal(ipam_get(&a, "default/web", &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(ipam_get(&a, "default/db", &v), 0);
	assert_int_equal(v, 11);
	assert_int_equal(ipam_get(&a, "default/web", &v), 0);
	assert_int_equal(v, 10);
	ipam_fini(&a);
	/* a reboot: the same numbers */
	assert_int_equal(ipam_init(&a, path, 10, 12, 8), 0);
	assert_int_equal(ipam_get(&a, "default/db", &v), 0);
	assert_int_equal(v, 11);
	assert_int_equal(ipam_get(&a, "default/web", &v), 0);
	assert_int_equal(v, 10);
	/* the range is full once a third name is busy */
	assert_int_equal(ipam_get(&a, "default/c", &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(ipam_get(&a, "default/d", &v), -ENOSPC);
	/* a put frees nothing, but lets the lease go to a new name when needed:
	 * the idle one unused longest */
	ipam_put(&a, "default/db");
	ipam_put(&a, "default/web");
	assert_int_equal(ipam_get(&a, "default/d", &v), 0);
	assert_int_equal(v, 11); /* db's: taken before web's last get */
	assert_null(ipam_find(&a, "default/db"));
	assert_int_equal(ipam_get(&a, "default/web", &v), 0);
	assert_int_equal(v, 10);
	ipam_fini(&a);
	/* a narrower range drops the leases outside it */
	assert_int_equal(ipam_init(&a, path, 11, 12, 8), 0);
	assert_null(ipam_find(&a, "default/web"));
	assert_non_null(ipam_find(&a, "default/d"));
	ipam_fini(&a);
}

static void broken_file(void **state)
{
	(void)state;
	FILE *f = fopen(path, "w");
	fputs("garbage\nx 5 1\nok 20 2\nok 21 3\ndup 20 4\n", f);
	fclose(f);
	struct ipam a;
	uint32_t v;
	assert_int_equal(ipam_init(&a, path, 20, 30, 4), 0);
	assert_int_equal(a.n, 1); /* only "ok 20": the out-of-range, repeated and taken ones go */
	assert_int_equal(ipam_get(&a, "ok", &v), 0);
	assert_int_equal(v, 20);
	char longkey[200];
	memset(longkey, 'k', sizeof longkey - 1);
	longkey[sizeof longkey - 1] = 0;
	assert_int_equal(ipam_get(&a, longkey, &v), -ENAMETOOLONG);
	ipam_fini(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stable_and_saved),
		cmocka_unit_test(broken_file),
	};
	return cmocka_run_group_tests_name("ipam", tests, setup, teardown);
}
