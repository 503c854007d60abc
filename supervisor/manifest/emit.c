/* emit.c - block-style YAML (as kubectl prints it) and indented JSON.
 *
 * EMIT_JSON_LINE is the JSON on one line, without a newline at the end.
 *
 * YAML layout: nested maps indent by two, lists under a key start at the
 * key's column ("containers:\n- name: x"), the first key of a map in a
 * list shares the "- " line. Containers are opened lazily so that empty
 * ones print as {} or []. Strings are plain when that reads back as the
 * same string, else double-quoted with JSON escapes (valid YAML too). */
#include "emit.h"

#include <ctype.h>
#include <inttypes.h>
#include <string.h>
#include "base.h"
#include "ytree.h"

void emit_init(struct emit *e, FILE *f, enum emit_format fmt)
{
	memset(e, 0, sizeof *e);
	e->f = f;
	e->fmt = fmt;
}

static void indent(struct emit *e, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		fputs("  ", e->f);
}

static void quoted(struct emit *e, const char *s)
{
	fputc('"', e->f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", e->f); break;
		case '\\': fputs("\\\\", e->f); break;
		case '\n': fputs("\\n", e->f); break;
		case '\t': fputs("\\t", e->f); break;
		case '\r': fputs("\\r", e->f); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(e->f, "\\u%04x", *p);
			else
				fputc(*p, e->f);
		}
	}
	fputc('"', e->f);
}

static bool yaml_plain_ok(const char *s)
{
	static const char *const yaml11[] = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No",
					     "NO", "on", "On", "ON", "off", "Off", "OFF"};
	size_t n = strlen(s);
	if (!n || s[0] == ' ' || s[n - 1] == ' ' || s[n - 1] == ':')
		return false;
	if (strchr("?:,[]{}#&*!|>'\"%@`", s[0]))
		return false;
	if (s[0] == '-' && (n == 1 || s[1] == ' '))
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return false;
	if (strstr(s, ": ") || strstr(s, " #") || !strncmp(s, "---", 3) || !strncmp(s, "...", 3))
		return false;
	for (size_t i = 0; i < sizeof yaml11 / sizeof *yaml11; i++)
		if (!strcmp(s, yaml11[i]))
			return false;
	return yt_resolve(s) == YS_STR;
}

/* YAML: the column (in units of two spaces) where entries of level d go. */
static unsigned yaml_col(const struct emit *e, unsigned d)
{
	unsigned col = 0;
	for (unsigned i = 1; i <= d && i < EMIT_DEPTH; i++)
		col += (e->st[i].map || !e->st[i - 1].map) ? 1 : 0;
	return col;
}

/* Starts a new entry (a key, or a list item) of the innermost container:
 * separators and indentation, and the "- " of a list item. */
static void entry(struct emit *e)
{
	e->after_key = false;
	if (!e->depth)
		return;
	unsigned d = e->depth - 1 < EMIT_DEPTH ? e->depth - 1 : EMIT_DEPTH - 1;
	if (e->fmt == EMIT_JSON_LINE) {
		if (e->st[d].items)
			fputc(',', e->f);
	} else if (e->fmt == EMIT_JSON) {
		fputs(e->st[d].items ? ",\n" : "\n", e->f);
		indent(e, e->depth);
	} else {
		if (!(e->st[d].inl && !e->st[d].items)) {
			if (e->midline)
				fputc('\n', e->f);
			indent(e, yaml_col(e, d));
		}
		if (!e->st[d].map)
			fputs("- ", e->f);
		e->midline = true;
	}
	e->st[d].items++;
}

static bool in_list(const struct emit *e)
{
	return e->depth && e->depth <= EMIT_DEPTH && !e->st[e->depth - 1].map;
}

/* Before a scalar or a container: the list item lead, or the space after
 * "key:". */
static void begin_value(struct emit *e)
{
	if (in_list(e))
		entry(e);
	else if (e->after_key && e->fmt == EMIT_YAML)
		fputc(' ', e->f);
	if (e->fmt == EMIT_YAML)
		e->midline = true;
}

static void open(struct emit *e, bool map)
{
	bool inl = in_list(e);
	if (inl)
		entry(e);
	if (e->fmt != EMIT_YAML)
		fputc(map ? '{' : '[', e->f);
	if (e->depth < EMIT_DEPTH) {
		e->st[e->depth].map = map;
		e->st[e->depth].inl = inl;
		e->st[e->depth].items = 0;
	}
	e->depth++;
	/* after_key stays set until the first entry: an empty map after a key
	 * prints as "key: {}" */
}

void emit_map(struct emit *e)
{
	open(e, true);
}

void emit_list(struct emit *e)
{
	open(e, false);
}

void emit_end(struct emit *e)
{
	if (!e->depth)
		return;
	unsigned d = --e->depth < EMIT_DEPTH ? e->depth : EMIT_DEPTH - 1;
	bool empty = !e->st[d].items;
	if (e->fmt != EMIT_YAML) {
		if (!empty && e->fmt == EMIT_JSON) {
			fputc('\n', e->f);
			indent(e, e->depth);
		}
		fputc(e->st[d].map ? '}' : ']', e->f);
	} else if (empty) {
		if (e->after_key)
			fputc(' ', e->f);
		fputs(e->st[d].map ? "{}" : "[]", e->f);
		e->midline = true;
	}
	e->after_key = false;
}

void emit_key(struct emit *e, const char *key)
{
	entry(e);
	if (e->fmt != EMIT_YAML) {
		quoted(e, key);
		fputs(e->fmt == EMIT_JSON ? ": " : ":", e->f);
	} else {
		if (yaml_plain_ok(key))
			fputs(key, e->f);
		else
			quoted(e, key);
		fputc(':', e->f);
	}
	e->after_key = true;
}

static void scalar_done(struct emit *e)
{
	e->after_key = false;
}

void emit_str(struct emit *e, const char *s)
{
	begin_value(e);
	if (e->fmt == EMIT_YAML && yaml_plain_ok(s))
		fputs(s, e->f);
	else
		quoted(e, s);
	scalar_done(e);
}

void emit_int(struct emit *e, int64_t v)
{
	begin_value(e);
	fprintf(e->f, "%" PRId64, v);
	scalar_done(e);
}

void emit_number(struct emit *e, const char *text)
{
	begin_value(e);
	fputs(text, e->f);
	scalar_done(e);
}

void emit_bool(struct emit *e, bool v)
{
	begin_value(e);
	fputs(v ? "true" : "false", e->f);
	scalar_done(e);
}

void emit_null(struct emit *e)
{
	begin_value(e);
	fputs("null", e->f);
	scalar_done(e);
}

void emit_finish(struct emit *e)
{
	if (e->fmt != EMIT_JSON_LINE)
		fputc('\n', e->f);
	e->midline = false;
}

static ssize_t hash_write(void *cookie, const char *buf, size_t n)
{
	uint64_t *h = cookie;
	*h = fnv1a(*h, buf, n);
	return (ssize_t)n;
}

FILE *emit_hash_file(uint64_t *h)
{
	cookie_io_functions_t io = {.write = hash_write};
	*h = FNV_START;
	return fopencookie(h, "w", io);
}
