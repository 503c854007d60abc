/* mset.c - reading directories into parts, and sets of two parts.
 *
 * A part is read in two steps: the names (the first LIM_MANIFEST_FILES in
 * name order, whatever order the directory lists them in), then each
 * file's bytes, which are hashed into the part's identity and parsed
 * unless the previous part had the same name with the same bytes. */
#include "mset.h"
#include "base.h"
#include "manifest_set.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool wanted(const char *name)
{
	size_t n = strlen(name);
	if (name[0] == '.' || n >= sizeof ((struct mfile *)0)->name)
		return false;
	return (n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml"));
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void mset_problem(struct mset_report *rep, struct events *ev, const char *object, const char *fmt, ...)
{
	char text[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (rep && !rep->errors++)
		snprintf(rep->first, sizeof rep->first, "%s", text);
	if (ev)
		events_add(ev, true, object, "InvalidManifest", "%s", text);
}

void mfile_ref(struct mfile *f)
{
	f->refs++;
}

void mfile_unref(struct mfile *f)
{
	if (f && --f->refs == 0) {
		mf_free(&f->file);
		free(f);
	}
}

void mpart_clear(struct mpart *p)
{
	for (unsigned i = 0; i < p->n; i++)
		mfile_unref(p->f[i]);
	memset(p, 0, sizeof *p);
}

void mpart_copy(struct mpart *dst, const struct mpart *src)
{
	*dst = *src;
	for (unsigned i = 0; i < dst->n; i++)
		dst->f[i]->refs++;
}

/* The names of dir's wanted files into names, and in sorted[] pointers to
 * them in name order; their count. Names past the limit are reported. */
static int list_names(const char *dir, bool missing_ok, char (*names)[256], char **sorted,
		      unsigned *count, struct events *ev)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT && missing_ok ? (*count = 0, 0) : -errno;
	unsigned n = 0, left_out = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!wanted(de->d_name))
			continue;
		if (n < LIM_MANIFEST_FILES) {
			snprintf(names[n], 256, "%s", de->d_name);
			sorted[n] = names[n];
			n++;
			continue;
		}
		/* keep the LIM_MANIFEST_FILES first in name order */
		left_out++;
		unsigned max = 0;
		for (unsigned i = 1; i < n; i++)
			if (strcmp(sorted[i], sorted[max]) > 0)
				max = i;
		if (strcmp(de->d_name, sorted[max]) < 0)
			snprintf(sorted[max], 256, "%s", de->d_name);
	}
	closedir(d);
	qsort(sorted, n, sizeof *sorted, by_name);
	if (left_out)
		events_add(ev, true, "manifests", "TooManyFiles",
			   "only %d manifest files of %s are read (the first in name order); %u left out",
			   LIM_MANIFEST_FILES, dir, left_out);
	*count = n;
	return 0;
}

/* Each object's hash, once, in the file's arena. */
static int hash_objects(struct mfile *f)
{
	if (!f->file.n)
		return 0;
	f->obj_hash = arena_alloc(&f->file.arena, f->file.n * sizeof *f->obj_hash);
	if (!f->obj_hash)
		return -ENOMEM;
	for (unsigned i = 0; i < f->file.n; i++)
		f->obj_hash[i] = mf_object_hash(&f->file.objs[i]);
	clock_gettime(CLOCK_REALTIME, &f->read_at);
	return 0;
}

struct mfile *mfile_adopt(const char *name, enum mfile_origin origin, struct mf_file *mf)
{
	struct mfile *f = calloc(1, sizeof *f);
	if (!f) {
		mf_free(mf);
		return NULL;
	}
	f->file = *mf;
	memset(mf, 0, sizeof *mf);
	if (hash_objects(f)) {
		mf_free(&f->file);
		free(f);
		return NULL;
	}
	f->refs = 1;
	f->origin = origin;
	snprintf(f->name, sizeof f->name, "%s", name);
	return f;
}

/* Parses text as file name into a new mfile; NULL when it does not parse
 * (reported) or without memory. */
static struct mfile *parse(const char *name, enum mfile_origin origin, const char *text, size_t len,
			   uint64_t hash, struct events *ev, struct mset_report *rep)
{
	struct mfile *f = calloc(1, sizeof *f);
	struct diag_list *dl = malloc(sizeof *dl);
	char object[300];
	snprintf(object, sizeof object, "manifest/%s", name);
	if (!f || !dl) {
		mset_problem(rep, ev, object, "%s: out of memory", name);
		free(f);
		free(dl);
		return NULL;
	}
	diag_init(dl, name);
	int rc = mf_parse(text, len, &f->file, dl);
	for (unsigned i = 0; i < dl->n && i < 10; i++) {
		const struct diag_entry *e = &dl->e[i];
		if (e->level == DIAG_ERROR)
			mset_problem(rep, ev, object, "%s:%u:%u: %s", name, e->line, e->col, e->text);
		else
			events_add(ev, false, object, "IgnoredField", "%s:%u:%u: %s", name, e->line,
				   e->col, e->text);
	}
	free(dl);
	if (!rc)
		rc = hash_objects(f);
	if (rc) {
		if (rc == -ENOMEM)
			mset_problem(rep, ev, object, "%s: out of memory", name);
		mf_free(&f->file);
		free(f);
		return NULL;
	}
	f->refs = 1;
	f->origin = origin;
	f->text_hash = hash;
	snprintf(f->name, sizeof f->name, "%s", name);
	return f;
}

int mpart_read(struct mpart *out, const char *dir, enum mfile_origin origin,
	       const struct mpart *prev, struct events *ev, struct mset_report *rep)
{
	memset(out, 0, sizeof *out);
	char (*names)[256] = malloc(LIM_MANIFEST_FILES * 256);
	if (!names)
		return -ENOMEM;
	char *sorted[LIM_MANIFEST_FILES];
	unsigned n;
	/* the operator's directory is made by the first apply; the agent's
	 * missing (a symlink to nowhere) is an error, not "no pods" */
	int rc = list_names(dir, origin == MFILE_OPERATOR, names, sorted, &n, ev);
	uint64_t h = FNV_START;
	for (unsigned i = 0; !rc && i < n; i++) {
		char path[PATH_MAX], *text;
		size_t len;
		struct diag_list *dl = malloc(sizeof *dl);
		if (!dl) {
			rc = -ENOMEM;
			break;
		}
		snprintf(path, sizeof path, "%s/%s", dir, sorted[i]);
		diag_init(dl, sorted[i]);
		int r = mf_read(path, &text, &len, dl);
		h = fnv1a(h, sorted[i], strlen(sorted[i]) + 1);
		if (r) {
			if (dl->n)
				mset_problem(rep, ev, "manifests", "%s: %s", sorted[i], dl->e[0].text);
			free(dl);
			h = fnv1a(h, "\1", 1); /* unreadable differs from empty */
			out->broken++;
			continue;
		}
		free(dl);
		uint64_t th = fnv1a(FNV_START, text, len);
		h = fnv1a(h, text, len);
		h = fnv1a(h, "", 1);
		struct mfile *f = NULL;
		for (unsigned j = 0; prev && j < prev->n && !f; j++)
			if (prev->f[j]->text_hash == th && !strcmp(prev->f[j]->name, sorted[i])) {
				f = prev->f[j];
				f->refs++;
			}
		if (!f)
			f = parse(sorted[i], origin, text, len, th, ev, rep);
		free(text);
		if (f)
			out->f[out->n++] = f;
		else
			out->broken++;
	}
	free(names);
	out->hash = h;
	if (rc)
		mpart_clear(out);
	return rc;
}

struct mset *mset_new(const struct mpart *agent, const struct mpart *op, unsigned gen)
{
	struct mset *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->refs = 1;
	s->gen = gen;
	mpart_copy(&s->agent, agent);
	mpart_copy(&s->op, op);
	return s;
}

void mset_ref(struct mset *s)
{
	s->refs++;
}

void mset_unref(struct mset *s)
{
	if (s && --s->refs == 0) {
		mpart_clear(&s->agent);
		mpart_clear(&s->op);
		free(s);
	}
}

static const struct mfile *file_at(const struct mset *s, unsigned i)
{
	return i < s->agent.n ? s->agent.f[i] : s->op.f[i - s->agent.n];
}

/* An object of s, by its place in MSET_FOREACH order. */
struct placed {
	uint64_t key;    /* FNV-1a of kind, namespace and name */
	unsigned pos, file;
	const struct mf_object *o;
};

static int by_key(const void *a, const void *b)
{
	const struct placed *x = a, *y = b;
	return x->key != y->key ? (x->key < y->key ? -1 : 1) : (x->pos > y->pos) - (x->pos < y->pos);
}

static bool same_object(const struct mf_object *a, const struct mf_object *b)
{
	const struct mf_meta *x = mf_meta_of(a), *y = mf_meta_of(b);
	return a->kind == b->kind && !strcmp(x->name.s, y->name.s) && !strcmp(x->namespace_.s, y->namespace_.s);
}

/* One object per kind, namespace and name across files: sorted by a key
 * (not every pair compared: a directory may hold thousands of objects),
 * reported in the set's order, each against its first definition. */
static void check_names(const struct mset *s, struct events *ev, struct mset_report *rep)
{
	unsigned n = 0;
	MSET_FOREACH(s, f, o)
	n++;
	struct placed *all = n ? calloc(n, sizeof *all) : NULL;
	unsigned *first = n ? calloc(n, sizeof *first) : NULL; /* by pos: pos of the first, or pos itself */
	if (n && (!all || !first)) {
		mset_problem(rep, ev, "manifests", "out of memory");
		free(all);
		free(first);
		return;
	}
	unsigned k = 0;
	MSET_FOREACH(s, f, o)
	{
		const struct mf_meta *m = mf_meta_of(o);
		uint64_t h = fnv1a(FNV_START, &o->kind, sizeof o->kind);
		h = fnv1a(h, m->namespace_.s, strlen(m->namespace_.s) + 1);
		all[k] = (struct placed){fnv1a(h, m->name.s, strlen(m->name.s) + 1), k, f_i, o};
		first[k] = k;
		k++;
	}
	if (n) /* qsort's base may not be NULL, even for no elements */
		qsort(all, n, sizeof *all, by_key);
	/* the nearest earlier equal one already knows the first */
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j-- > 0 && all[j].key == all[i].key;)
			if (same_object(all[j].o, all[i].o)) {
				first[all[i].pos] = first[all[j].pos];
				break;
			}
	/* back to the set's order: where each object is */
	struct placed *at_pos = malloc(n * sizeof *at_pos);
	for (unsigned i = 0; at_pos && i < n; i++)
		at_pos[all[i].pos] = all[i];
	for (unsigned p = 0; at_pos && p < n; p++) {
		if (first[p] == p)
			continue;
		const struct mfile *f = file_at(s, at_pos[p].file), *g = file_at(s, at_pos[first[p]].file);
		const struct mf_meta *m = mf_meta_of(at_pos[p].o), *gm = mf_meta_of(at_pos[first[p]].o);
		/* an update that brings what the operator applied: the update's
		 * file is the one to blame */
		bool op_first = f->origin == MFILE_OPERATOR && g->origin == MFILE_AGENT;
		const struct mfile *blamed = op_first ? g : f, *other = op_first ? f : g;
		const struct mf_meta *bm = op_first ? gm : m;
		mset_problem(rep, ev, "manifests", "%s:%u:%u: %s \"%s\" is defined in %s already%s", blamed->name,
			     bm->name.line, bm->name.col, mf_kind_name(at_pos[p].o->kind), m->name.s, other->name,
			     other->origin == MFILE_OPERATOR && blamed->origin == MFILE_AGENT
				     ? " (applied by the operator: podctl delete it first)"
				     : "");
	}
	if (n && !at_pos)
		mset_problem(rep, ev, "manifests", "out of memory");
	free(at_pos);
	free(all);
	free(first);
}

unsigned mset_check(const struct mset *s, struct events *ev, struct mset_report *rep)
{
	unsigned before = rep->errors, nfiles = s->agent.n + s->op.n;
	check_names(s, ev, rep);
	/* ports: each file against those before it */
	const struct mf_file *others[2 * LIM_MANIFEST_FILES];
	for (unsigned i = 0; i < nfiles; i++) {
		const struct mfile *f = file_at(s, i);
		struct diag_list *dl = malloc(sizeof *dl);
		if (!dl) {
			mset_problem(rep, ev, "manifests", "out of memory");
			break;
		}
		diag_init(dl, f->name);
		if (mf_check_ports(&f->file, others, i, dl))
			for (unsigned k = 0; k < dl->n; k++)
				mset_problem(rep, ev, "manifests", "%s:%u:%u: %s", f->name, dl->e[k].line,
					     dl->e[k].col, dl->e[k].text);
		free(dl);
		others[i] = &f->file;
	}
	return rep->errors - before;
}

const struct mf_object *mset_object(const struct mset *s, enum mf_kind kind, const char *ns,
				    const char *name, const struct mfile **file)
{
	MSET_FOREACH(s, f, o)
	if (o->kind == kind && !strcmp(mf_object_name(o), name) &&
	    (!ns || !strcmp(mf_meta_of(o)->namespace_.s, ns))) {
		if (file)
			*file = f;
		return o;
	}
	return NULL;
}

uint64_t mfile_object_hash(const struct mfile *f, const struct mf_object *o)
{
	return f->obj_hash[o - f->file.objs];
}

const struct mf_config *mset_config(const struct mset *s, enum mf_kind kind, const char *ns,
				   const char *name)
{
	const struct mf_object *o = mset_object(s, kind, ns, name, NULL);
	return o ? o->config : NULL;
}

static int b64(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

static int decode64(const char *in, char *out, size_t len, size_t *outlen)
{
	size_t n = 0;
	unsigned acc = 0, bits = 0;
	for (; *in && *in != '='; in++) {
		if (*in == '\n' || *in == '\r' || *in == ' ' || *in == '\t')
			continue;
		int v = b64(*in);
		if (v < 0)
			return -EINVAL;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= len)
				return -E2BIG;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	*outlen = n;
	return 0;
}

int mset_config_value(const struct mf_config *c, bool secret, const char *key, char *buf,
		      size_t len, size_t *outlen)
{
	const struct mf_list *lists[2] = {&c->data, &c->data2};
	for (int l = 0; l < 2; l++) {
		const struct mf_kv *kv = lists[l]->v;
		for (uint32_t i = 0; i < lists[l]->n; i++) {
			if (strcmp(kv[i].key.s, key))
				continue;
			/* base64: Secret data, ConfigMap binaryData */
			bool encoded = secret ? l == 0 : l == 1;
			if (encoded)
				return decode64(kv[i].val.s, buf, len, outlen);
			size_t n = strlen(kv[i].val.s);
			if (n > len)
				return -E2BIG;
			memcpy(buf, kv[i].val.s, n);
			*outlen = n;
			return 0;
		}
	}
	return -ENOENT;
}

static int64_t request_of(const struct mf_container *c)
{
	const struct mf_val *r = &c->resources.requests.memory;
	return r->set ? r->i : 0;
}

int64_t mset_pod_memory(const struct mf_pod *p)
{
	int64_t sidecars = 0, peak = 0, apps = 0;
	const struct mf_container *init = p->spec.init_containers.v;
	for (uint32_t i = 0; i < p->spec.init_containers.n; i++) {
		bool sidecar = mf_is_sidecar(&init[i]);
		int64_t here = sidecars + request_of(&init[i]);
		if (here > peak)
			peak = here;
		if (sidecar)
			sidecars += request_of(&init[i]);
	}
	const struct mf_container *app = p->spec.containers.v;
	for (uint32_t i = 0; i < p->spec.containers.n; i++)
		apps += request_of(&app[i]);
	return sidecars + apps > peak ? sidecars + apps : peak;
}
