/* ytree.c - libyaml events to a tree, with every bound checked.
 *
 * Invariants: the kid stack and the frame stack are fixed arrays sized by
 * limits.h; an anchor is registered only when its node is complete, so an
 * alias can never point at one of its own ancestors (no cycles). */
#include "ytree.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define TAG_PREFIX "tag:yaml.org,2002:"

struct anchor {
	const char *name;
	struct yt_node *node;
};

struct loader {
	struct arena *a;    /* nodes, anchors, the document list */
	struct arena *text; /* scalars */
	struct diag_list *dl;
	struct yt_node **kids; /* pending kids of open collections */
	unsigned nkids, nodes;
	struct yt_node *open[LIM_YAML_DEPTH];
	unsigned open_base[LIM_YAML_DEPTH];
	unsigned depth;
	struct anchor anchors[LIM_YAML_ANCHORS];
	unsigned nanchors;
	struct yt_node *root;
	const char *buf; /* the input, to place reader errors given as offsets */
};

static bool is_digits(const char *s, const char *set)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr(set, *s))
			return false;
	return true;
}

static bool looks_float(const char *s)
{
	static const char *const special[] = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
					      "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN"};
	for (size_t i = 0; i < sizeof special / sizeof *special; i++)
		if (!strcmp(s, special[i]))
			return true;
	const char *p = s;
	if (*p == '+' || *p == '-')
		p++;
	size_t before = strspn(p, "0123456789");
	p += before;
	size_t after = 0;
	if (*p == '.') {
		p++;
		after = strspn(p, "0123456789");
		p += after;
	}
	if (!before && !after)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!is_digits(p, "0123456789"))
			return false;
		return true;
	}
	return *p == 0;
}

/* YAML 1.2 core schema resolution of a plain scalar. */
enum yt_type yt_resolve(const char *s)
{
	if (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	    !strcmp(s, "NULL"))
		return YS_NULL;
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE") ||
	    !strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		return YS_BOOL;
	const char *p = (*s == '+' || *s == '-') ? s + 1 : s;
	if (is_digits(p, "0123456789"))
		return YS_INT;
	if (s[0] == '0' && s[1] == 'o' && is_digits(s + 2, "01234567"))
		return YS_INT;
	if (s[0] == '0' && s[1] == 'x' && is_digits(s + 2, "0123456789abcdefABCDEF"))
		return YS_INT;
	if (looks_float(s))
		return YS_FLOAT;
	return YS_STR;
}

bool yt_int(const struct yt_node *n, int64_t *out)
{
	const char *s = n->s;
	int base = 10;
	bool neg = false;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (s[0] == '0' && s[1] == 'o') {
		base = 8;
		s += 2;
	} else if (s[0] == '0' && s[1] == 'x') {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	uint64_t v = 0;
	for (; *s; s++) {
		unsigned d = *s <= '9' ? (unsigned)(*s - '0') : (unsigned)((*s | 0x20) - 'a' + 10);
		if (d >= (unsigned)base || v > (UINT64_MAX - d) / (unsigned)base)
			return false;
		v = v * (unsigned)base + d;
	}
	if (v > (uint64_t)INT64_MAX + neg)
		return false;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

bool yt_bool(const struct yt_node *n)
{
	return n->s[0] == 't' || n->s[0] == 'T';
}

const char *yt_type_name(const struct yt_node *n)
{
	if (n->kind == YT_MAP)
		return "a map";
	if (n->kind == YT_SEQ)
		return "a list";
	static const char *const names[] = {"null", "a boolean", "an integer", "a number",
					    "a string"};
	return names[n->type];
}

static int tag_type(struct loader *L, const char *tag, unsigned line, unsigned col,
		    enum yt_type *out)
{
	static const struct {
		const char *name;
		enum yt_type type;
	} tags[] = {{"str", YS_STR}, {"int", YS_INT},     {"bool", YS_BOOL},
		    {"null", YS_NULL}, {"float", YS_FLOAT}};
	if (!strcmp(tag, "!")) {
		*out = YS_STR;
		return 0;
	}
	if (!strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)))
		for (size_t i = 0; i < sizeof tags / sizeof *tags; i++)
			if (!strcmp(tag + strlen(TAG_PREFIX), tags[i].name)) {
				*out = tags[i].type;
				return 0;
			}
	return diag_error(L->dl, line, col, "unsupported YAML tag %s", tag);
}

static struct yt_node *new_node(struct loader *L, enum yt_kind kind, const yaml_mark_t *m)
{
	if (++L->nodes > LIM_YAML_NODES) {
		diag_error(L->dl, (unsigned)m->line + 1, (unsigned)m->column + 1,
			   "more than %d YAML nodes in one file", LIM_YAML_NODES);
		return NULL;
	}
	struct yt_node *n = arena_alloc(L->a, sizeof *n);
	if (!n) {
		diag_error(L->dl, (unsigned)m->line + 1, (unsigned)m->column + 1,
			   "manifest too large for memory limit");
		return NULL;
	}
	n->kind = (uint8_t)kind;
	n->line = (uint32_t)m->line + 1;
	n->col = (uint32_t)m->column + 1;
	return n;
}

static int push_kid(struct loader *L, struct yt_node *n)
{
	if (L->depth == 0) {
		L->root = n;
		return 0;
	}
	if (L->nkids >= LIM_YAML_NODES)
		return diag_error(L->dl, n->line, n->col, "too many YAML nodes");
	L->kids[L->nkids++] = n;
	return 0;
}

static int add_anchor(struct loader *L, const yaml_char_t *name, struct yt_node *n)
{
	if (!name)
		return 0;
	if (L->nanchors >= LIM_YAML_ANCHORS)
		return diag_error(L->dl, n->line, n->col, "more than %d anchors in one document",
				  LIM_YAML_ANCHORS);
	const char *s = arena_strndup(L->a, (const char *)name, strlen((const char *)name));
	if (!s)
		return -ENOMEM;
	/* A redefined anchor shadows the earlier one, as YAML says. */
	L->anchors[L->nanchors].name = s;
	L->anchors[L->nanchors++].node = n;
	return 0;
}

static int on_scalar(struct loader *L, yaml_event_t *ev)
{
	const yaml_mark_t *m = &ev->start_mark;
	if (ev->data.scalar.length > LIM_YAML_SCALAR)
		return diag_error(L->dl, (unsigned)m->line + 1, (unsigned)m->column + 1,
				  "scalar longer than %d bytes", LIM_YAML_SCALAR);
	struct yt_node *n = new_node(L, YT_SCALAR, m);
	if (!n)
		return -EINVAL;
	n->s = arena_strndup(L->text, (const char *)ev->data.scalar.value, ev->data.scalar.length);
	if (!n->s)
		return -ENOMEM;
	if (strlen(n->s) != ev->data.scalar.length)
		return diag_error(L->dl, n->line, n->col, "scalar contains a NUL character");
	n->n = (uint32_t)ev->data.scalar.length;
	enum yt_type t = YS_STR;
	const char *tag = (const char *)ev->data.scalar.tag;
	if (tag && !(ev->data.scalar.plain_implicit || ev->data.scalar.quoted_implicit)) {
		if (tag_type(L, tag, n->line, n->col, &t))
			return -EINVAL;
		if (t != YS_STR && yt_resolve(n->s) != t)
			return diag_error(L->dl, n->line, n->col, "\"%s\" is not a valid %s", n->s,
					  tag + strlen(TAG_PREFIX));
	} else if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		t = yt_resolve(n->s);
	}
	n->type = (uint8_t)t;
	if (push_kid(L, n) || add_anchor(L, ev->data.scalar.anchor, n))
		return -EINVAL;
	return 0;
}

static int on_open(struct loader *L, yaml_event_t *ev, enum yt_kind kind)
{
	const yaml_mark_t *m = &ev->start_mark;
	const yaml_char_t *tag = kind == YT_MAP ? ev->data.mapping_start.tag
						: ev->data.sequence_start.tag;
	const char *want = kind == YT_MAP ? TAG_PREFIX "map" : TAG_PREFIX "seq";
	if (tag && strcmp((const char *)tag, want) && strcmp((const char *)tag, "!"))
		return diag_error(L->dl, (unsigned)m->line + 1, (unsigned)m->column + 1,
				  "unsupported YAML tag %s", tag);
	if (L->depth >= LIM_YAML_DEPTH)
		return diag_error(L->dl, (unsigned)m->line + 1, (unsigned)m->column + 1,
				  "YAML nested deeper than %d levels", LIM_YAML_DEPTH);
	struct yt_node *n = new_node(L, kind, m);
	if (!n)
		return -EINVAL;
	L->open[L->depth] = n;
	L->open_base[L->depth++] = L->nkids;
	return 0;
}

static int on_close(struct loader *L, const yaml_char_t *anchor)
{
	struct yt_node *n = L->open[--L->depth];
	unsigned base = L->open_base[L->depth], count = L->nkids - base;
	if (count) {
		n->kids = arena_alloc(L->a, count * sizeof *n->kids);
		if (!n->kids)
			return diag_error(L->dl, n->line, n->col, "manifest too large for memory limit");
		memcpy(n->kids, L->kids + base, count * sizeof *n->kids);
	}
	n->n = count;
	L->nkids = base;
	if (push_kid(L, n) || add_anchor(L, anchor, n))
		return -EINVAL;
	return 0;
}

static int on_alias(struct loader *L, yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	for (unsigned i = L->nanchors; i-- > 0;)
		if (!strcmp(L->anchors[i].name, name))
			return push_kid(L, L->anchors[i].node);
	return diag_error(L->dl, (unsigned)ev->start_mark.line + 1,
			  (unsigned)ev->start_mark.column + 1, "unknown YAML anchor *%s", name);
}

/* The anchor of a collection is known at its start event but registered at
 * its end; keep it in the arena meanwhile. */
static const yaml_char_t *keep_anchor(struct loader *L, const yaml_char_t *anchor,
				      const yaml_char_t **slot)
{
	*slot = anchor ? (const yaml_char_t *)arena_strndup(L->a, (const char *)anchor,
							    strlen((const char *)anchor))
		       : NULL;
	return *slot;
}

static int syntax_error(struct loader *L, const yaml_parser_t *p)
{
	const yaml_mark_t *m = &p->problem_mark;
	if (p->error == YAML_MEMORY_ERROR)
		return diag_error(L->dl, 0, 0, "out of memory while reading YAML");
	if (p->error == YAML_READER_ERROR) {
		/* reader errors (bad UTF-8, control characters) come as a byte offset */
		unsigned line = 1, col = 1;
		for (size_t i = 0; i < p->problem_offset; i++) {
			if (L->buf[i] == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)L->buf[i] & 0xc0) != 0x80) {
				col++;
			}
		}
		return diag_error(L->dl, line, col, "YAML syntax error: %s", p->problem);
	}
	if (p->context)
		return diag_error(L->dl, (unsigned)m->line + 1, (unsigned)m->column + 1,
				  "YAML syntax error: %s %s", p->problem, p->context);
	return diag_error(L->dl, (unsigned)m->line + 1, (unsigned)m->column + 1,
			  "YAML syntax error: %s", p->problem ? p->problem : "unknown");
}

static int run(struct loader *L, yaml_parser_t *p, struct yt_file *out)
{
	const yaml_char_t *anchors[LIM_YAML_DEPTH];
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(p, &ev))
			return syntax_error(L, p);
		int rc = 0;
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			L->nanchors = 0;
			L->root = NULL;
			break;
		case YAML_DOCUMENT_END_EVENT:
			if (out->ndocs >= LIM_DOCUMENTS)
				rc = diag_error(L->dl, (unsigned)ev.start_mark.line + 1, 1,
						"more than %d documents in one file", LIM_DOCUMENTS);
			else /* an empty document comes as a null scalar */
				out->docs[out->ndocs++] =
					L->root && L->root->kind == YT_SCALAR &&
							L->root->type == YS_NULL
						? NULL
						: L->root;
			break;
		case YAML_SCALAR_EVENT:
			rc = on_scalar(L, &ev);
			break;
		case YAML_ALIAS_EVENT:
			rc = on_alias(L, &ev);
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT: {
			bool map = ev.type == YAML_MAPPING_START_EVENT;
			rc = on_open(L, &ev, map ? YT_MAP : YT_SEQ);
			if (!rc)
				keep_anchor(L, map ? ev.data.mapping_start.anchor
						   : ev.data.sequence_start.anchor,
					    &anchors[L->depth - 1]);
			break;
		}
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			rc = on_close(L, anchors[L->depth - 1]);
			break;
		case YAML_STREAM_END_EVENT:
			yaml_event_delete(&ev);
			return 0;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (rc)
			return rc;
	}
}

int yt_load(const char *buf, size_t len, struct arena *a, struct arena *text, struct diag_list *dl,
	    struct yt_file *out)
{
	out->ndocs = 0;
	if (len > LIM_MANIFEST_BYTES)
		return diag_error(dl, 0, 0, "file larger than %d bytes", LIM_MANIFEST_BYTES);
	out->docs = arena_alloc(a, LIM_DOCUMENTS * sizeof *out->docs);
	struct loader *L = calloc(1, sizeof *L);
	struct yt_node **kids = malloc(LIM_YAML_NODES * sizeof *kids);
	int rc = -ENOMEM;
	yaml_parser_t p;
	if (!out->docs || !L || !kids)
		goto out_free;
	L->a = a;
	L->text = text;
	L->dl = dl;
	L->kids = kids;
	L->buf = buf;
	if (!yaml_parser_initialize(&p))
		goto out_free;
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	rc = run(L, &p, out);
	yaml_parser_delete(&p);
out_free:
	if (rc == -ENOMEM)
		diag_error(dl, 0, 0, "out of memory while reading YAML");
	free(kids);
	free(L);
	return rc;
}
