/* Unit tests: arena.c - zeroed, aligned, capped, and a large request in a
 * chunk of its own that leaves the head's free space in use. */
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "arena.h"

static void zeroed_and_aligned(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 20);
	for (unsigned i = 1; i < 200; i += 7) {
		unsigned char *p = arena_alloc(&a, i);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
		for (unsigned k = 0; k < i; k++)
			assert_int_equal(p[k], 0);
		memset(p, 0xff, i);
	}
	char *s = arena_strndup(&a, "hello world", 5);
	assert_string_equal(s, "hello");
	arena_free(&a);
	assert_int_equal(a.used, 0);
}

static void capped(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 4096);
	assert_null(arena_alloc(&a, 8192));
	assert_non_null(arena_alloc(&a, 512));
	assert_null(arena_alloc(&a, 4000)); /* with what is used, past the cap */
	assert_true(a.used <= 4096);
	arena_free(&a);
}

/* A run of small requests with large ones between them (a decoded pod:
 * its strings, and a list of containers of 2.9 KB each): the large ones
 * cost their size, the small ones keep filling the chunk they were in. */
static void large_requests_own_chunks(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 20);
	char *small = arena_alloc(&a, 64);
	size_t after_first = a.used;
	char *big = arena_alloc(&a, 5856);
	assert_non_null(big);
	char *small2 = arena_alloc(&a, 64);
	/* still in the first chunk, right after the first request */
	assert_ptr_equal(small2, small + 64);
	assert_true(a.used - after_first < 5856 + 64);
	char *big2 = arena_alloc(&a, 11712);
	assert_non_null(big2);
	memset(big, 1, 5856);
	memset(big2, 2, 11712);
	size_t total = 0;
	for (unsigned i = 0; i < 100; i++)
		total += arena_alloc(&a, 40) ? 48 : 0;
	/* used: 1 KiB first chunk, the two large ones, and chunks for the rest */
	assert_true(a.used < 1024 + 5856 + 11712 + 2 * total + 4 * 64);
	assert_int_equal(big[5855], 1);
	assert_int_equal(big2[0], 2);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zeroed_and_aligned),
		cmocka_unit_test(capped),
		cmocka_unit_test(large_requests_own_chunks),
	};
	return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
