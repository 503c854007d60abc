/* Unit tests: emit.c - the same walk printed as YAML and as JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "emit.h"

static char *render(enum emit_format fmt, void (*walk)(struct emit *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	struct emit e;
	emit_init(&e, f, fmt);
	walk(&e);
	emit_finish(&e);
	fclose(f);
	return buf;
}

static void nested(struct emit *e)
{
	emit_map(e);
	emit_key(e, "name");
	emit_str(e, "web");
	emit_key(e, "empty");
	emit_map(e);
	emit_end(e);
	emit_key(e, "none");
	emit_list(e);
	emit_end(e);
	emit_key(e, "items");
	emit_list(e);
	emit_map(e);
	emit_key(e, "a");
	emit_int(e, 1);
	emit_key(e, "b");
	emit_bool(e, true);
	emit_end(e);
	emit_str(e, "x");
	emit_map(e);
	emit_end(e);
	emit_list(e);
	emit_str(e, "deep");
	emit_end(e);
	emit_end(e);
	emit_key(e, "sub");
	emit_map(e);
	emit_key(e, "k");
	emit_null(e);
	emit_end(e);
	emit_end(e);
}

static void yaml_layout(void **state)
{
	(void)state;
	char *s = render(EMIT_YAML, nested);
	assert_string_equal(s, "name: web\n"
			       "empty: {}\n"
			       "none: []\n"
			       "items:\n"
			       "- a: 1\n"
			       "  b: true\n"
			       "- x\n"
			       "- {}\n"
			       "- - deep\n"
			       "sub:\n"
			       "  k: null\n");
	free(s);
}

/* a watch event's object: the same JSON on one line, no newline after */
static void json_line_layout(void **state)
{
	(void)state;
	char *s = render(EMIT_JSON_LINE, nested);
	assert_string_equal(s, "{\"name\":\"web\",\"empty\":{},\"none\":[],\"items\":[{\"a\":1,\"b\":true},\"x\",{},"
			       "[\"deep\"]],\"sub\":{\"k\":null}}");
	free(s);
}

static void json_layout(void **state)
{
	(void)state;
	char *s = render(EMIT_JSON, nested);
	assert_string_equal(s, "{\n"
			       "  \"name\": \"web\",\n"
			       "  \"empty\": {},\n"
			       "  \"none\": [],\n"
			       "  \"items\": [\n"
			       "    {\n"
			       "      \"a\": 1,\n"
			       "      \"b\": true\n"
			       "    },\n"
			       "    \"x\",\n"
			       "    {},\n"
			       "    [\n"
			       "      \"deep\"\n"
			       "    ]\n"
			       "  ],\n"
			       "  \"sub\": {\n"
			       "    \"k\": null\n"
			       "  }\n"
			       "}\n");
	free(s);
}

static void scalars(struct emit *e)
{
	emit_list(e);
	emit_str(e, "plain");
	emit_str(e, "80");
	emit_str(e, "true");
	emit_str(e, "on");
	emit_str(e, "");
	emit_str(e, "a: b");
	emit_str(e, "line\nbreak \"q\"");
	emit_str(e, "--repo=x");
	emit_str(e, "-");
	emit_str(e, "#c");
	emit_str(e, "null");
	emit_str(e, "1.5");
	emit_str(e, "\x01");
	emit_end(e);
}

static void quoting(void **state)
{
	(void)state;
	char *s = render(EMIT_YAML, scalars);
	assert_string_equal(s, "- plain\n"
			       "- \"80\"\n"
			       "- \"true\"\n"
			       "- \"on\"\n"
			       "- \"\"\n"
			       "- \"a: b\"\n"
			       "- \"line\\nbreak \\\"q\\\"\"\n"
			       "- --repo=x\n"
			       "- \"-\"\n"
			       "- \"#c\"\n"
			       "- \"null\"\n"
			       "- \"1.5\"\n"
			       "- \"\\u0001\"\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(yaml_layout),
		cmocka_unit_test(json_layout),
		cmocka_unit_test(json_line_layout),
		cmocka_unit_test(quoting),
	};
	return cmocka_run_group_tests_name("emit", tests, NULL, NULL);
}
