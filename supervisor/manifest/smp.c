/* smp.c - the strategic merge patch (smp.h) over ytrees: the result is a
 * new tree in the same arena that shares the leaves of both inputs; the
 * work is bounded by a count of nodes visited (the inputs' aliases make
 * DAGs). */
#include "smp.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include "diag.h"
#include "emit.h"
#include "lim.h"
#include "ytree.h"

#define PATH_MAX_DEPTH LIM_YAML_DEPTH

struct smp {
	struct arena *a;
	const char *path[PATH_MAX_DEPTH]; /* field names down to here (list indices left out) */
	unsigned depth;
	unsigned long visits;
	int err;
	char *msg;
	size_t msglen;
};

/* the marker of a value to delete ($patch: delete) */
static struct yt_node deleted;

static int fail(struct smp *m, int err, const char *what)
{
	if (!m->err) {
		m->err = err;
		snprintf(m->msg, m->msglen, "%s", what);
	}
	return err;
}

static bool counted(struct smp *m)
{
	if (++m->visits <= LIM_YAML_VISITS)
		return true;
	fail(m, -E2BIG, "the patch and the object are too large to merge");
	return false;
}

static struct yt_node *node(struct smp *m, int kind, uint32_t nkids)
{
	struct yt_node *n = arena_alloc(m->a, sizeof *n);
	if (!n || (nkids && !(n->kids = arena_alloc(m->a, nkids * sizeof *n->kids)))) {
		fail(m, -ENOMEM, "out of memory");
		return NULL;
	}
	n->kind = (uint8_t)kind;
	n->type = 0;
	n->line = n->col = 0;
	n->n = 0;
	if (!nkids)
		n->kids = NULL;
	return n;
}

static bool is_scalar(const struct yt_node *n, const char *s)
{
	return n && n->kind == YT_SCALAR && (!s || !strcmp(n->s, s));
}

static bool is_null(const struct yt_node *n)
{
	return n && n->kind == YT_SCALAR && n->type == YS_NULL;
}

static const struct yt_node *get(const struct yt_node *map, const char *key)
{
	if (!map || map->kind != YT_MAP)
		return NULL;
	for (uint32_t i = 0; i + 1 < map->n; i += 2)
		if (is_scalar(map->kids[i], key))
			return map->kids[i + 1];
	return NULL;
}

/* ---- merge keys ------------------------------------------------------- */

static bool is_ctr_list(const char *f)
{
	return !strcmp(f, "containers") || !strcmp(f, "initContainers") || !strcmp(f, "ephemeralContainers");
}

/* The merge key of the list at the current path, NULL: replaced whole. */
static const char *merge_key(const struct smp *m)
{
	unsigned d = m->depth;
	if (!d)
		return NULL;
	const char *f = m->path[d - 1], *up = d >= 2 ? m->path[d - 2] : "", *top = d >= 3 ? m->path[d - 3] : "";
	if (is_ctr_list(f) && !strcmp(up, "spec"))
		return "name";
	if (is_ctr_list(up) && !strcmp(top, "spec")) {
		static const struct {
			const char *field, *key;
		} ctr[] = {{"env", "name"}, {"ports", "containerPort"}, {"volumeMounts", "mountPath"},
			   {"volumeDevices", "devicePath"}, {"resizePolicy", "resourceName"}};
		for (size_t i = 0; i < sizeof ctr / sizeof *ctr; i++)
			if (!strcmp(f, ctr[i].field))
				return ctr[i].key;
		return NULL;
	}
	if (!strcmp(up, "spec") && d == 2) {
		static const struct {
			const char *field, *key;
		} spec[] = {{"volumes", "name"},       {"imagePullSecrets", "name"}, {"hostAliases", "ip"},
			    {"resourceClaims", "name"}, {"schedulingGates", "name"},  {"ports", "port"},
			    {"topologySpreadConstraints", "topologyKey"}};
		for (size_t i = 0; i < sizeof spec / sizeof *spec; i++)
			if (!strcmp(f, spec[i].field))
				return spec[i].key;
	}
	if (!strcmp(up, "metadata") && d == 2 && !strcmp(f, "ownerReferences"))
		return "uid";
	return NULL;
}

/* ---- merging ------------------------------------------------------------ */

static struct yt_node *merge(struct smp *m, const struct yt_node *orig, const struct yt_node *patch);

/* A map's value under key k: the path grows by k while it merges. */
static struct yt_node *merge_field(struct smp *m, const char *k, const struct yt_node *orig,
				   const struct yt_node *patch)
{
	if (m->depth >= PATH_MAX_DEPTH) {
		fail(m, -E2BIG, "the patch nests too deep");
		return NULL;
	}
	m->path[m->depth++] = k;
	struct yt_node *r = merge(m, orig, patch);
	m->depth--;
	return r;
}

static bool same_key(const struct yt_node *a, const struct yt_node *b, const char *key)
{
	const struct yt_node *x = get(a, key), *y = get(b, key);
	return x && y && x->kind == YT_SCALAR && y->kind == YT_SCALAR && !strcmp(x->s, y->s);
}

/* a list's elements other than {$patch: ...} markers */
static struct yt_node *without_markers(struct smp *m, const struct yt_node *l)
{
	struct yt_node *r = node(m, YT_SEQ, l->n);
	for (uint32_t i = 0; r && i < l->n; i++)
		if (!get(l->kids[i], "$patch"))
			r->kids[r->n++] = (struct yt_node *)l->kids[i];
	return r;
}

static struct yt_node *merge_list(struct smp *m, const struct yt_node *orig, const struct yt_node *patch)
{
	const char *key = merge_key(m);
	for (uint32_t i = 0; i < patch->n; i++) /* {$patch: replace}: the list is the patch's */
		if (is_scalar(get(patch->kids[i], "$patch"), "replace"))
			return without_markers(m, patch);
	if (!key || !orig || orig->kind != YT_SEQ) { /* atomic, or nothing to merge into */
		struct yt_node *r = node(m, YT_SEQ, patch->n);
		for (uint32_t i = 0; r && i < patch->n; i++) {
			const struct yt_node *e = patch->kids[i];
			if (key && is_scalar(get(e, "$patch"), "delete"))
				continue;
			struct yt_node *v = key ? merge(m, NULL, e) : (struct yt_node *)e;
			if (!v)
				return NULL;
			if (v != &deleted)
				r->kids[r->n++] = v;
		}
		return r;
	}
	struct yt_node *r = node(m, YT_SEQ, orig->n + patch->n);
	if (!r)
		return NULL;
	for (uint32_t i = 0; i < orig->n; i++)
		r->kids[r->n++] = (struct yt_node *)orig->kids[i];
	for (uint32_t i = 0; i < patch->n; i++) {
		const struct yt_node *e = patch->kids[i];
		if (!counted(m))
			return NULL;
		uint32_t at = r->n;
		for (uint32_t k = 0; k < r->n; k++)
			if (same_key(r->kids[k], e, key)) {
				at = k;
				break;
			}
		if (is_scalar(get(e, "$patch"), "delete")) {
			if (at < r->n)
				memmove(&r->kids[at], &r->kids[at + 1], (r->n-- - at - 1) * sizeof *r->kids);
			continue;
		}
		struct yt_node *v = merge(m, at < r->n ? r->kids[at] : NULL, e);
		if (!v)
			return NULL;
		if (v == &deleted) {
			if (at < r->n)
				memmove(&r->kids[at], &r->kids[at + 1], (r->n-- - at - 1) * sizeof *r->kids);
		} else if (at < r->n) {
			r->kids[at] = v;
		} else {
			r->kids[r->n++] = v;
		}
	}
	return r;
}

/* $setElementOrder/FIELD: the elements in the order given (by merge key,
 * or by value for a list of scalars), the others after them as they were */
static void set_order(struct smp *m, struct yt_node *list, const struct yt_node *order, const char *key)
{
	if (!list || list->kind != YT_SEQ || !order || order->kind != YT_SEQ)
		return;
	uint32_t done = 0;
	for (uint32_t i = 0; i < order->n && counted(m); i++)
		for (uint32_t k = done; k < list->n; k++) {
			bool same = key ? same_key(list->kids[k], order->kids[i], key)
					: list->kids[k]->kind == YT_SCALAR && is_scalar(order->kids[i], list->kids[k]->s);
			if (same) {
				struct yt_node *t = list->kids[k];
				memmove(&list->kids[done + 1], &list->kids[done], (k - done) * sizeof *list->kids);
				list->kids[done++] = t;
				break;
			}
		}
}

static void drop_key(struct yt_node *map, const char *key)
{
	for (uint32_t i = 0; i + 1 < map->n; i += 2)
		if (is_scalar(map->kids[i], key)) {
			memmove(&map->kids[i], &map->kids[i + 2], (map->n - i - 2) * sizeof *map->kids);
			map->n -= 2;
			return;
		}
}

static struct yt_node **slot(struct yt_node *map, const char *key)
{
	for (uint32_t i = 0; i + 1 < map->n; i += 2)
		if (is_scalar(map->kids[i], key))
			return &map->kids[i + 1];
	return NULL;
}

/* what a directive names: "$setElementOrder/containers" -> "containers" */
static const char *directive_of(const char *k, const char *prefix)
{
	size_t n = strlen(prefix);
	return !strncmp(k, prefix, n) && k[n] == '/' && k[n + 1] ? k + n + 1 : NULL;
}

static struct yt_node *merge_map(struct smp *m, const struct yt_node *orig, const struct yt_node *patch)
{
	const struct yt_node *how = get(patch, "$patch");
	if (is_scalar(how, "delete"))
		return &deleted;
	bool replace = is_scalar(how, "replace");
	if (replace || !orig || orig->kind != YT_MAP)
		orig = NULL;
	struct yt_node *r = node(m, YT_MAP, (orig ? orig->n : 0) + patch->n);
	if (!r)
		return NULL;
	for (uint32_t i = 0; orig && i < orig->n; i++)
		r->kids[r->n++] = (struct yt_node *)orig->kids[i];
	for (uint32_t i = 0; i + 1 < patch->n; i += 2) {
		const struct yt_node *k = patch->kids[i], *v = patch->kids[i + 1];
		if (!counted(m))
			return NULL;
		if (k->kind != YT_SCALAR)
			return fail(m, -EINVAL, "a map key of the patch is not a string"), NULL;
		if (k->s[0] == '$')
			continue; /* directives, below */
		if (is_null(v)) {
			drop_key(r, k->s);
			continue;
		}
		struct yt_node **at = slot(r, k->s);
		struct yt_node *nv = merge_field(m, k->s, at ? *at : NULL, v);
		if (!nv)
			return NULL;
		if (nv == &deleted)
			drop_key(r, k->s);
		else if (at)
			*at = nv;
		else {
			r->kids[r->n++] = (struct yt_node *)k;
			r->kids[r->n++] = nv;
		}
	}
	for (uint32_t i = 0; i + 1 < patch->n; i += 2) {
		const char *k = patch->kids[i]->s, *f;
		const struct yt_node *v = patch->kids[i + 1];
		struct yt_node **at;
		if ((f = directive_of(k, "$setElementOrder")) && (at = slot(r, f))) {
			m->path[m->depth++] = f; /* depth < PATH_MAX_DEPTH: merge_field checked */
			set_order(m, *at, v, merge_key(m));
			m->depth--;
		} else if ((f = directive_of(k, "$deleteFromPrimitiveList")) && (at = slot(r, f)) &&
			   (*at)->kind == YT_SEQ && v->kind == YT_SEQ) {
			struct yt_node *l = *at;
			for (uint32_t e = 0; e < l->n;) {
				bool gone = false;
				for (uint32_t d = 0; d < v->n && !gone; d++)
					gone = l->kids[e]->kind == YT_SCALAR && is_scalar(v->kids[d], l->kids[e]->s);
				if (gone)
					memmove(&l->kids[e], &l->kids[e + 1], (l->n-- - e - 1) * sizeof *l->kids);
				else
					e++;
			}
		} else if (!strcmp(k, "$retainKeys") && v->kind == YT_SEQ) {
			for (uint32_t e = 0; e + 1 < r->n;) {
				bool keep = false;
				for (uint32_t d = 0; d < v->n && !keep; d++)
					keep = is_scalar(v->kids[d], r->kids[e]->s);
				if (keep)
					e += 2;
				else
					drop_key(r, r->kids[e]->s);
			}
		}
	}
	return r;
}

static struct yt_node *merge(struct smp *m, const struct yt_node *orig, const struct yt_node *patch)
{
	if (!counted(m))
		return NULL;
	if (patch->kind == YT_MAP)
		return merge_map(m, orig, patch);
	if (patch->kind == YT_SEQ)
		return merge_list(m, orig, patch);
	return (struct yt_node *)patch;
}

/* ---- out ------------------------------------------------------------------ */

/* Whether what is written so far still fits in a manifest: aliases are
 * shared nodes in the tree but written out whole, so a small object and
 * patch can make a result past what reads back (ytree.h's bound). */
static bool fits(struct smp *m, const struct emit *e)
{
	long at = ftell(e->f); /* -1 on a stream that cannot tell: the reader's bound remains */
	if (at <= LIM_MANIFEST_BYTES)
		return true;
	fail(m, -E2BIG, "the merged object is larger than a manifest may be (1 MiB)");
	return false;
}

static int write_node(struct smp *m, struct emit *e, const struct yt_node *n)
{
	if (!counted(m) || !fits(m, e))
		return m->err;
	if (n->kind == YT_MAP) {
		emit_map(e);
		for (uint32_t i = 0; i + 1 < n->n; i += 2) {
			if (n->kids[i]->kind != YT_SCALAR)
				return fail(m, -EINVAL, "a map key of the object is not a string");
			if (n->kids[i]->s[0] == '$')
				continue; /* a directive left in a value added whole */
			emit_key(e, n->kids[i]->s);
			if (!counted(m) || write_node(m, e, n->kids[i + 1]))
				return m->err;
		}
		emit_end(e);
	} else if (n->kind == YT_SEQ) {
		emit_list(e);
		for (uint32_t i = 0; i < n->n; i++)
			if (write_node(m, e, n->kids[i]))
				return m->err;
		emit_end(e);
	} else {
		int64_t v;
		if (n->type == YS_NULL)
			emit_null(e);
		else if (n->type == YS_BOOL)
			emit_bool(e, yt_bool(n));
		else if (n->type == YS_INT && yt_int(n, &v))
			emit_int(e, v);
		else if (n->type == YS_FLOAT)
			emit_number(e, n->s);
		else
			emit_str(e, n->s);
	}
	return 0;
}

static const struct yt_node *one_doc(struct smp *m, const char *text, size_t len, const char *what,
				     struct diag_list *dl)
{
	struct yt_file f;
	diag_init(dl, what);
	if (yt_load(text, len, m->a, m->a, dl, &f)) {
		char line[300];
		const struct diag_entry *d = dl->n ? &dl->e[0] : NULL;
		snprintf(line, sizeof line, "%s:%u:%u: %.200s", what, d ? d->line : 0, d ? d->col : 0, d ? d->text : "invalid");
		fail(m, -EINVAL, line);
		return NULL;
	}
	if (f.ndocs != 1 || !f.docs[0] || f.docs[0]->kind != YT_MAP) {
		fail(m, -EINVAL, strcmp(what, "patch") ? "the object is not one map" : "the patch is not one map");
		return NULL;
	}
	return f.docs[0];
}

int smp_apply(const char *live, size_t live_len, const char *patch, size_t patch_len, FILE *out, char *err,
	      size_t errlen)
{
	struct arena a;
	arena_init(&a, LIM_ARENA_BYTES);
	struct smp m = {.a = &a, .msg = err, .msglen = errlen};
	static struct diag_list dl; /* large: not on the stack */
	const struct yt_node *o = one_doc(&m, live, live_len, "object", &dl);
	const struct yt_node *p = o ? one_doc(&m, patch, patch_len, "patch", &dl) : NULL;
	struct yt_node *r = p ? merge(&m, o, p) : NULL;
	if (r == &deleted)
		fail(&m, -EINVAL, "the patch deletes the whole object");
	if (r && !m.err) {
		struct emit e;
		emit_init(&e, out, EMIT_JSON_LINE);
		/* the writing walk has a bound of its own: what reads back as a
		 * manifest (every key a node too) */
		m.visits = LIM_YAML_VISITS - LIM_YAML_NODES;
		if (!write_node(&m, &e, r) && fits(&m, &e))
			emit_finish(&e);
	}
	arena_free(&a);
	return m.err;
}
