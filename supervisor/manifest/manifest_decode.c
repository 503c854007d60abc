/* manifest_decode.c - YAML tree to model structs, driven by the field
 * tables of manifest_schema.c.
 *
 * Decoding never stops at the first problem: every error in a file is
 * reported, with the Kubernetes field path. Nodes are counted as they are
 * decoded (aliases included), so an alias bomb ends in one error. */
#include "manifest_decode.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "quantity.h"
#include "ytree.h"

struct dec {
	struct arena *a;
	struct diag_list *dl;
	char path[LIM_PATH_TEXT];
	size_t plen;
	unsigned visits;
	bool over; /* the visit limit was hit: stop decoding this document */
};

static size_t push_key(struct dec *d, const char *key)
{
	size_t old = d->plen;
	int n = snprintf(d->path + old, sizeof d->path - old, "%s%s", old ? "." : "", key);
	if (n > 0)
		d->plen = old + (size_t)n < sizeof d->path ? old + (size_t)n : sizeof d->path - 1;
	return old;
}

static size_t push_index(struct dec *d, unsigned i)
{
	size_t old = d->plen;
	int n = snprintf(d->path + old, sizeof d->path - old, "[%u]", i);
	if (n > 0)
		d->plen = old + (size_t)n < sizeof d->path ? old + (size_t)n : sizeof d->path - 1;
	return old;
}

static void pop(struct dec *d, size_t old)
{
	d->plen = old;
	d->path[old] = 0;
}

#define ERR(d, n, ...) diag_error((d)->dl, (n)->line, (n)->col, __VA_ARGS__)

static bool visit(struct dec *d, const struct yt_node *n)
{
	if (d->over)
		return false;
	if (++d->visits > LIM_YAML_VISITS) {
		d->over = true;
		ERR(d, n, "document expands to more than %d nodes (alias bomb?)", LIM_YAML_VISITS);
		return false;
	}
	return true;
}

static void mark(struct mf_val *v, const struct yt_node *n)
{
	v->line = n->line;
	v->col = n->col;
	v->set = true;
}

static int want_type(struct dec *d, const struct yt_node *n, enum yt_type t, const char *what)
{
	if (n->kind == YT_SCALAR && n->type == t)
		return 0;
	return ERR(d, n, "%s: expected %s, got %s", d->path, what, yt_type_name(n));
}

static int check_str(struct dec *d, const struct yt_node *n, const char *(*check)(const char *))
{
	const char *why = check ? check(n->s) : NULL;
	if (why)
		return ERR(d, n, "%s: invalid value \"%s\": %s", d->path, n->s, why);
	return 0;
}

static int check_range(struct dec *d, const struct mf_field *f, const struct yt_node *n,
		       int64_t v)
{
	if (v < f->min || v > f->max)
		return ERR(d, n, "%s: must be between %lld and %lld, got %lld", d->path,
			   (long long)f->min, (long long)f->max, (long long)v);
	return 0;
}

static int dec_int(struct dec *d, const struct mf_field *f, const struct yt_node *n,
		   struct mf_val *v)
{
	if (want_type(d, n, YS_INT, "an integer"))
		return -EINVAL;
	bool octal = (f->flags & FF_OCTAL) && n->s[0] == '0' && n->s[1] >= '0' && n->s[1] <= '7';
	if (octal) { /* 0644: octal, as YAML 1.1 and so Kubernetes read it */
		char *end;
		v->i = (int64_t)strtoll(n->s, &end, 8);
		if (*end)
			return ERR(d, n, "%s: invalid octal number %s", d->path, n->s);
	} else if (!yt_int(n, &v->i)) {
		return ERR(d, n, "%s: integer %s out of range", d->path, n->s);
	}
	mark(v, n);
	return check_range(d, f, n, v->i);
}

static int dec_enum(struct dec *d, const struct mf_field *f, const struct yt_node *n,
		    struct mf_val *v)
{
	if (want_type(d, n, YS_STR, "a string"))
		return -EINVAL;
	for (unsigned i = 0; f->enums[i]; i++)
		if (!strcmp(n->s, f->enums[i])) {
			v->s = f->enums[i];
			v->i = i;
			mark(v, n);
			return 0;
		}
	char list[200] = "";
	for (unsigned i = 0; f->enums[i]; i++) {
		size_t l = strlen(list);
		snprintf(list + l, sizeof list - l, "%s\"%s\"", i ? ", " : "", f->enums[i]);
	}
	return ERR(d, n, "%s: unsupported value \"%s\": supported values: %s", d->path, n->s, list);
}

static int dec_quantity(struct dec *d, const struct mf_field *f, const struct yt_node *n,
			struct mf_val *v)
{
	if (n->kind != YT_SCALAR || (n->type != YS_STR && n->type != YS_INT && n->type != YS_FLOAT))
		return ERR(d, n, "%s: expected a quantity, got %s", d->path, yt_type_name(n));
	if (!qty_parse(n->s, f->type == FT_MEM ? 1 : 1000, &v->i))
		return ERR(d, n, "%s: invalid quantity \"%s\"", d->path, n->s);
	v->s = n->s;
	mark(v, n);
	return 0;
}

/* A scalar field into *v. */
static int dec_scalar(struct dec *d, const struct mf_field *f, const struct yt_node *n,
		      struct mf_val *v)
{
	switch (f->type) {
	case FT_STR:
		if (want_type(d, n, YS_STR, "a string"))
			return -EINVAL;
		v->s = n->s;
		mark(v, n);
		return check_str(d, n, f->check);
	case FT_INT:
		return dec_int(d, f, n, v);
	case FT_BOOL:
		if (want_type(d, n, YS_BOOL, "a boolean"))
			return -EINVAL;
		v->i = yt_bool(n);
		mark(v, n);
		return 0;
	case FT_MEM:
	case FT_CPU:
	case FT_QTY:
		return dec_quantity(d, f, n, v);
	case FT_INTSTR:
		if (n->kind == YT_SCALAR && n->type == YS_STR) {
			v->s = n->s;
			mark(v, n);
			return check_str(d, n, f->check);
		}
		if (n->kind != YT_SCALAR || n->type != YS_INT)
			return ERR(d, n, "%s: expected a number or a name, got %s", d->path,
				   yt_type_name(n));
		return dec_int(d, f, n, v);
	case FT_ENUM:
		return dec_enum(d, f, n, v);
	}
	return ERR(d, n, "%s: internal error: bad field type", d->path);
}

static int dec_obj(struct dec *d, const struct mf_schema *s, const struct yt_node *n, void *dst);

static int cmp_key(const void *a, const void *b)
{
	const struct yt_node *x = *(const struct yt_node *const *)a;
	const struct yt_node *y = *(const struct yt_node *const *)b;
	return strcmp(x->s, y->s);
}

/* Rejects a repeated key of a string map in O(n log n). */
static int check_dup_keys(struct dec *d, const struct yt_node *n)
{
	unsigned count = n->n / 2;
	if (count < 2)
		return 0;
	const struct yt_node **keys = malloc(count * sizeof *keys);
	if (!keys)
		return -ENOMEM;
	for (unsigned i = 0; i < count; i++)
		keys[i] = n->kids[2 * i];
	qsort(keys, count, sizeof *keys, cmp_key);
	int rc = 0;
	for (unsigned i = 1; i < count; i++)
		if (!strcmp(keys[i]->s, keys[i - 1]->s)) {
			const struct yt_node *a = keys[i], *b = keys[i - 1];
			bool a_later = a->line != b->line ? a->line > b->line : a->col > b->col;
			const struct yt_node *k = a_later ? a : b;
			rc = ERR(d, k, "%s: duplicate key \"%s\"", d->path, k->s);
		}
	free(keys);
	return rc;
}

static int key_scalar(struct dec *d, const struct yt_node *k)
{
	if (!visit(d, k))
		return -EINVAL;
	if (k->kind != YT_SCALAR || k->type == YS_NULL)
		return ERR(d, k, "%s: map keys must be strings", d->path);
	if (!strcmp(k->s, "<<"))
		return ERR(d, k, "%s: YAML merge keys (<<) are not supported", d->path);
	return 0;
}

static int dec_map(struct dec *d, const struct mf_field *f, const struct yt_node *n,
		   struct mf_list *l)
{
	if (n->kind != YT_MAP)
		return ERR(d, n, "%s: expected a map, got %s", d->path, yt_type_name(n));
	int rc = check_dup_keys(d, n);
	struct mf_kv *kv = n->n ? arena_alloc(d->a, n->n / 2 * sizeof *kv) : NULL;
	if (n->n && !kv)
		return ERR(d, n, "manifest too large for memory limit");
	l->v = kv;
	l->n = 0;
	for (unsigned i = 0; i + 1 < n->n; i += 2) {
		const struct yt_node *k = n->kids[i], *v = n->kids[i + 1];
		if (key_scalar(d, k) || !visit(d, v)) {
			rc = -EINVAL;
			continue;
		}
		size_t old = push_key(d, k->s);
		int r = check_str(d, k, f->check);
		if (!r && v->kind == YT_SCALAR && v->type == YS_STR) {
			kv[l->n].key.s = k->s;
			mark(&kv[l->n].key, k);
			kv[l->n].val.s = v->s;
			mark(&kv[l->n].val, v);
			l->n++;
			r = check_str(d, v, f->check_val);
		} else if (!r) {
			r = ERR(d, v, "%s: expected a string, got %s", d->path, yt_type_name(v));
		}
		rc = rc ? rc : r;
		pop(d, old);
	}
	return rc;
}

static int dec_list(struct dec *d, const struct mf_field *f, const struct yt_node *n,
		    struct mf_list *l)
{
	if (n->kind != YT_SEQ)
		return ERR(d, n, "%s: expected a list, got %s", d->path, yt_type_name(n));
	size_t esize = f->type == FT_LIST ? f->sub->size : sizeof(struct mf_val);
	l->n = 0;
	l->v = n->n ? arena_alloc(d->a, n->n * esize) : NULL;
	if (n->n && !l->v)
		return ERR(d, n, "manifest too large for memory limit");
	int rc = 0;
	for (unsigned i = 0; i < n->n; i++) {
		const struct yt_node *item = n->kids[i];
		if (!visit(d, item))
			return -EINVAL;
		size_t old = push_index(d, i);
		void *dst = (char *)l->v + l->n * esize;
		int r;
		if (f->type == FT_LIST) {
			r = dec_obj(d, f->sub, item, dst);
		} else {
			struct mf_field ef = *f;
			ef.type = f->type == FT_STRS ? FT_STR : FT_INT;
			r = dec_scalar(d, &ef, item, dst);
		}
		l->n++; /* even when invalid: a slot is never decoded into twice */
		rc = rc ? rc : r;
		pop(d, old);
	}
	return rc;
}

static void list_mark(struct mf_list *l, const struct yt_node *n)
{
	l->line = n->line;
	l->col = n->col;
	l->set = true;
}

static int dec_field(struct dec *d, const struct mf_field *f, const struct yt_node *k,
		     const struct yt_node *v, void *base)
{
	void *dst = (char *)base + f->off;
	switch (f->type) {
	case FT_IGNORED:
		diag_warn(d->dl, k->line, k->col, "%s: ignored: it has no meaning on a single device",
			  d->path);
		return 0;
	case FT_UNSUPPORTED:
		return ERR(d, k, "%s: %s", d->path, f->why);
	default:
		break;
	}
	if (v->kind == YT_SCALAR && v->type == YS_NULL)
		return 0; /* null is the same as absent, as in Kubernetes' JSON */
	switch (f->type) {
	case FT_OBJ:
		return dec_obj(d, f->sub, v, dst);
	case FT_LIST:
	case FT_STRS:
	case FT_INTS:
		list_mark(dst, v);
		return dec_list(d, f, v, dst);
	case FT_MAP:
		list_mark(dst, v);
		return dec_map(d, f, v, dst);
	default:
		return dec_scalar(d, f, v, dst);
	}
}

static int dec_obj(struct dec *d, const struct mf_schema *s, const struct yt_node *n, void *dst)
{
	if (n->kind != YT_MAP)
		return ERR(d, n, "%s: expected a map, got %s", d->path, yt_type_name(n));
	struct mf_node *node = dst; /* every model struct starts with its mf_node */
	node->line = n->line;
	node->col = n->col;
	node->set = true;
	uint64_t seen = 0, present = 0;
	int rc = 0;
	bool bad_key = false;
	for (unsigned i = 0; i + 1 < n->n; i += 2) {
		const struct yt_node *k = n->kids[i], *v = n->kids[i + 1];
		if (key_scalar(d, k) || !visit(d, v)) {
			rc = -EINVAL;
			bad_key = true; /* what it held is unknown: no "missing" errors */
			if (d->over)
				return rc;
			continue;
		}
		unsigned fi = 0;
		while (s->fields[fi].name && strcmp(s->fields[fi].name, k->s))
			fi++;
		const struct mf_field *f = &s->fields[fi];
		if (!f->name) {
			rc = ERR(d, k, "%s%sunknown field \"%s\"", d->path, d->plen ? ": " : "",
				 k->s);
			continue;
		}
		size_t old = push_key(d, k->s);
		int r;
		if (fi < 64 && (seen & (1ULL << fi)))
			r = ERR(d, k, "%s: duplicate field \"%s\"", d->path, k->s);
		else {
			if (fi < 64) {
				seen |= 1ULL << fi;
				if (!(v->kind == YT_SCALAR && v->type == YS_NULL))
					present |= 1ULL << fi;
			}
			r = dec_field(d, f, k, v, dst);
		}
		pop(d, old);
		rc = rc ? rc : r;
		if (d->over)
			return rc;
	}
	for (unsigned fi = 0; !bad_key && s->fields[fi].name && fi < 64; fi++)
		if ((s->fields[fi].flags & FF_REQUIRED) && !(present & (1ULL << fi)))
			rc = ERR(d, n, "%s%smissing required field \"%s\"", d->path,
				 d->plen ? ": " : "", s->fields[fi].name);
	return rc;
}

/* The kind of a document, read before decoding so the right table is used. */
static const struct mf_schema *doc_schema(struct dec *d, const struct yt_node *root,
					  enum mf_kind *kind)
{
	static const struct {
		const char *name;
		const struct mf_schema *s;
		enum mf_kind kind;
	} kinds[] = {{"Pod", &mf_schema_pod, MF_POD},
		     {"Service", &mf_schema_service, MF_SERVICE},
		     {"ConfigMap", &mf_schema_configmap, MF_CONFIGMAP},
		     {"Secret", &mf_schema_secret, MF_SECRET}};
	if (root->kind != YT_MAP) {
		ERR(d, root, "a manifest document must be a map, got %s", yt_type_name(root));
		return NULL;
	}
	const struct yt_node *kv = NULL, *av = NULL;
	for (unsigned i = 0; i + 1 < root->n; i += 2) {
		const struct yt_node *k = root->kids[i];
		if (k->kind == YT_SCALAR && !strcmp(k->s, "kind"))
			kv = root->kids[i + 1];
		if (k->kind == YT_SCALAR && !strcmp(k->s, "apiVersion"))
			av = root->kids[i + 1];
	}
	if (!kv || kv->kind != YT_SCALAR || kv->type != YS_STR) {
		ERR(d, kv ? kv : root, "missing or invalid \"kind\"");
		return NULL;
	}
	if (!av) {
		ERR(d, root, "missing required field \"apiVersion\"");
		return NULL;
	}
	if (av->kind != YT_SCALAR || av->type != YS_STR || strcmp(av->s, "v1")) {
		ERR(d, av ? av : root, "apiVersion: unsupported value%s%s%s: podinit reads apiVersion \"v1\"",
		    av && av->kind == YT_SCALAR ? " \"" : "", av && av->kind == YT_SCALAR ? av->s : "",
		    av && av->kind == YT_SCALAR ? "\"" : "");
		return NULL;
	}
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (!strcmp(kv->s, kinds[i].name)) {
			*kind = kinds[i].kind;
			return kinds[i].s;
		}
	ERR(d, kv, "kind: unsupported value \"%s\": supported values: \"Pod\", \"Service\", "
		   "\"ConfigMap\", \"Secret\"", kv->s);
	return NULL;
}

int mf_decode(const struct yt_node *root, struct arena *a, struct diag_list *dl,
	      struct mf_object *out)
{
	struct dec d = {.a = a, .dl = dl};
	const struct mf_schema *s = doc_schema(&d, root, &out->kind);
	if (!s)
		return -EINVAL;
	out->any = arena_alloc(a, s->size);
	if (!out->any)
		return diag_error(dl, root->line, root->col, "manifest too large for memory limit");
	return dec_obj(&d, s, root, out->any);
}
