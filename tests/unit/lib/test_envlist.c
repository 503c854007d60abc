/* Unit tests: envlist.c - a container's environment as ctr_start builds
 * it: the image's Env, replaced in place by later entries, and $(VAR). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "envlist.h"

static struct arena a;

static int setup(void **state)
{
	(void)state;
	arena_init(&a, 64 * 1024);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(&a);
	return 0;
}

static void later_replaces_in_place(void **state)
{
	(void)state;
	const char *slots[9];
	struct envlist e;
	envlist_init(&e, slots, 8);
	const char *const base[] = {"PATH=/usr/bin", "A=1", "AB=2", "B=2", "A=dup"};
	for (int i = 0; i < 5; i++)
		assert_int_equal(envlist_put(&e, base[i]), 0);
	assert_int_equal(envlist_set(&e, &a, "A", 1, "x", 1), 0);
	assert_int_equal(envlist_set(&e, &a, "C", 1, "3", 1), 0);
	assert_int_equal(envlist_set(&e, &a, "B", 1, "", 0), 0);
	assert_int_equal(envlist_put(&e, "A=y"), 0);
	const char *want[] = {"PATH=/usr/bin", "A=y", "AB=2", "B=", "C=3"};
	assert_int_equal(e.n, 5);
	for (unsigned i = 0; i < e.n; i++)
		assert_string_equal(slots[i], want[i]);
	assert_null(slots[e.n]);
	assert_string_equal(envlist_get(&e, "AB", 2), "2");
	assert_string_equal(envlist_get(&e, "B", 1), "");
	assert_null(envlist_get(&e, "D", 1));
	/* a prefix is not a name */
	assert_null(envlist_get(&e, "PAT", 3));
}

static void bad_entries_and_bounds(void **state)
{
	(void)state;
	const char *slots[3];
	struct envlist e;
	envlist_init(&e, slots, 2);
	assert_int_equal(envlist_put(&e, "NOEQ"), -EINVAL);
	assert_int_equal(envlist_put(&e, "=v"), -EINVAL);
	assert_int_equal(envlist_set(&e, &a, "", 0, "v", 1), -EINVAL);
	assert_int_equal(envlist_put(&e, "A=1"), 0);
	assert_int_equal(envlist_put(&e, "B=1"), 0);
	/* two entries and the NULL fill three slots; replacing needs none more */
	assert_int_equal(envlist_put(&e, "C=1"), -E2BIG);
	assert_int_equal(envlist_put(&e, "A=2"), 0);
	assert_int_equal(e.n, 2);
	assert_null(slots[2]);
}

static void references(void **state)
{
	(void)state;
	const char *slots[9];
	struct envlist e;
	envlist_init(&e, slots, 8);
	envlist_put(&e, "HOST=web");
	envlist_put(&e, "PORT=8080");
	envlist_put(&e, "EMPTY=");
	assert_string_equal(envlist_expand(&e, &a, "$(HOST):$(PORT)/x"), "web:8080/x");
	/* unknown references and unclosed ones stay as written */
	assert_string_equal(envlist_expand(&e, &a, "$(NOPE) $(HOST"), "$(NOPE) $(HOST");
	/* $$ is a literal $, even before ( */
	assert_string_equal(envlist_expand(&e, &a, "$$(HOST) $$$(HOST) a$$b"), "$(HOST) $web a$b");
	assert_string_equal(envlist_expand(&e, &a, "[$(EMPTY)]"), "[]");
	assert_string_equal(envlist_expand(&e, &a, "$"), "$");
	const char *plain = "no references";
	assert_ptr_equal(envlist_expand(&e, &a, plain), plain);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(later_replaces_in_place),
		cmocka_unit_test(bad_entries_and_bounds),
		cmocka_unit_test(references),
	};
	return cmocka_run_group_tests_name("envlist", tests, setup, teardown);
}
