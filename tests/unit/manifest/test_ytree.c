/* Unit tests: ytree.c - YAML to a bounded tree. */
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "ytree.h"

struct fixture {
	struct arena a;
	struct diag_list dl;
	struct yt_file f;
};

static int load(struct fixture *fx, const char *text)
{
	arena_init(&fx->a, LIM_ARENA_BYTES);
	diag_init(&fx->dl, "t.yaml");
	return yt_load(text, strlen(text), &fx->a, &fx->a, &fx->dl, &fx->f);
}

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct fixture));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	arena_free(&fx->a);
	free(fx);
	return 0;
}

static void scalar_types(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(load(fx, "[1, -2, 0x1f, 0o17, 1.5, .inf, true, False, null, ~, "
				  "'1', \"true\", on, yes, !!str 5, abc, 1e3, 08]\n"),
			 0);
	const struct yt_node *l = fx->f.docs[0];
	assert_int_equal(l->kind, YT_SEQ);
	const enum yt_type want[] = {YS_INT,  YS_INT,  YS_INT, YS_INT,  YS_FLOAT, YS_FLOAT, YS_BOOL,
				     YS_BOOL, YS_NULL, YS_NULL, YS_STR, YS_STR, YS_STR,
				     YS_STR,  YS_STR,  YS_STR, YS_FLOAT, YS_INT};
	assert_int_equal(l->n, sizeof want / sizeof *want);
	for (unsigned i = 0; i < l->n; i++)
		assert_int_equal(l->kids[i]->type, want[i]);
	int64_t v;
	assert_true(yt_int(l->kids[2], &v));
	assert_int_equal(v, 31);
	assert_true(yt_int(l->kids[3], &v));
	assert_int_equal(v, 15);
	assert_true(yt_int(l->kids[1], &v));
	assert_int_equal(v, -2);
}

static void positions_and_docs(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(load(fx, "---\na: 1\n---\n---\nb:\n  c: [x]\n"), 0);
	assert_int_equal(fx->f.ndocs, 3);
	assert_null(fx->f.docs[1]);
	const struct yt_node *m = fx->f.docs[2];
	assert_int_equal(m->kind, YT_MAP);
	const struct yt_node *c = m->kids[1];
	assert_int_equal(c->line, 6);
	assert_int_equal(c->col, 3);
	assert_int_equal(c->kids[1]->kids[0]->col, 7);
}

static void aliases_share_nodes(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(load(fx, "a: &x [1, 2]\nb: *x\n"), 0);
	const struct yt_node *m = fx->f.docs[0];
	assert_ptr_equal(m->kids[1], m->kids[3]);
}

static void refused(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(load(fx, "a: *nope\n"), -EINVAL);
	assert_non_null(strstr(fx->dl.e[0].text, "unknown YAML anchor"));
	arena_free(&fx->a);
	assert_int_equal(load(fx, "a: &x [*x]\n"), -EINVAL); /* no cycles */
	arena_free(&fx->a);
	assert_int_equal(load(fx, "a: !custom 1\n"), -EINVAL);
	assert_non_null(strstr(fx->dl.e[0].text, "unsupported YAML tag"));
	arena_free(&fx->a);
	assert_int_equal(load(fx, "a: !!int abc\n"), -EINVAL);
	arena_free(&fx->a);
	assert_int_equal(load(fx, "a: [b\n"), -EINVAL);
	assert_int_equal(fx->dl.e[0].line, 2);
	assert_non_null(strstr(fx->dl.e[0].text, "YAML syntax error"));
	arena_free(&fx->a);
}

static void depth_limit(void **state)
{
	struct fixture *fx = *state;
	char deep[LIM_YAML_DEPTH * 2 + 8];
	memset(deep, '[', LIM_YAML_DEPTH + 1);
	memset(deep + LIM_YAML_DEPTH + 1, ']', LIM_YAML_DEPTH + 1);
	deep[2 * LIM_YAML_DEPTH + 2] = 0;
	assert_int_equal(load(fx, deep), -EINVAL);
	assert_non_null(strstr(fx->dl.e[0].text, "nested deeper"));
	arena_free(&fx->a);
	deep[LIM_YAML_DEPTH] = ']';
	memset(deep, '[', LIM_YAML_DEPTH);
	memset(deep + LIM_YAML_DEPTH, ']', LIM_YAML_DEPTH);
	deep[2 * LIM_YAML_DEPTH] = 0;
	assert_int_equal(load(fx, deep), 0);
}

static void node_limit(void **state)
{
	struct fixture *fx = *state;
	size_t n = LIM_YAML_NODES + 10;
	char *big = malloc(n * 2 + 4);
	assert_non_null(big);
	big[0] = '[';
	for (size_t i = 0; i < n; i++) {
		big[1 + 2 * i] = '1';
		big[2 + 2 * i] = ',';
	}
	big[2 * n] = ']';
	big[2 * n + 1] = 0;
	assert_int_equal(load(fx, big), -EINVAL);
	assert_non_null(strstr(fx->dl.e[0].text, "YAML nodes"));
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(scalar_types, setup, teardown),
		cmocka_unit_test_setup_teardown(positions_and_docs, setup, teardown),
		cmocka_unit_test_setup_teardown(aliases_share_nodes, setup, teardown),
		cmocka_unit_test_setup_teardown(refused, setup, teardown),
		cmocka_unit_test_setup_teardown(depth_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(node_limit, setup, teardown),
	};
	return cmocka_run_group_tests_name("ytree", tests, NULL, NULL);
}
