/* store.c - scanning the manifests directory into generations.
 *
 * Only *.yaml and *.yml files that do not start with '.' are read, so the
 * temporary files of an atomic write (NAME.tmp, .NAME) are never seen
 * half-written. A file is re-parsed only when its inode, size or mtime
 * changed. */
#include "store.h"
#include "manifest_set.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void store_init(struct store *s)
{
	memset(s, 0, sizeof *s);
}

void gen_ref(struct gen *g)
{
	g->refs++;
}

void gen_unref(struct gen *g)
{
	if (g && --g->refs == 0) {
		mf_free(&g->file);
		free(g);
	}
}

void store_fini(struct store *s)
{
	for (unsigned i = 0; i < s->n; i++)
		gen_unref(s->files[i].gen);
	s->n = 0;
}

static bool wanted(const char *name)
{
	size_t n = strlen(name);
	if (name[0] == '.' || n >= sizeof ((struct store_file *)0)->name)
		return false;
	return (n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml"));
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Parses one file; on success replaces f->gen. */
static bool load(const struct store *s, struct store_file *f, const char *dir, struct events *ev)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, f->name);
	struct gen *g = calloc(1, sizeof *g);
	struct diag_list *dl = malloc(sizeof *dl);
	char object[300];
	snprintf(object, sizeof object, "manifest/%s", f->name);
	if (!g || !dl) {
		events_add(ev, true, object, "FailedLoad", "out of memory");
		free(g);
		free(dl);
		return false;
	}
	diag_init(dl, path);
	int rc = mf_load(path, &g->file, dl);
	if (!rc && store_check_set(s, f->name, &g->file, dl))
		rc = -EINVAL;
	/* every line, then the verdict: the operator sees FILE:LINE:COL */
	for (unsigned i = 0; i < dl->n && i < 10; i++) {
		const struct diag_entry *e = &dl->e[i];
		events_add(ev, true, object, e->level == DIAG_ERROR ? "InvalidManifest" : "IgnoredField",
			   "%s:%u:%u: %s", f->name, e->line, e->col, e->text);
	}
	free(dl);
	if (rc) {
		events_add(ev, true, object, "InvalidManifest",
			   "%s has errors; %s", f->name,
			   f->gen ? "keeping its last valid version" : "nothing from it runs");
		mf_free(&g->file);
		free(g);
		f->broken = true;
		return true;
	}
	g->refs = 1;
	gen_unref(f->gen);
	f->gen = g;
	f->broken = false;
	return true;
}

/* Names the files past the limit (those after last, in name order). */
static void report_left_out(DIR *d, struct events *ev, const char *last, unsigned count)
{
	char list[400] = "";
	size_t len = 0;
	unsigned named = 0;
	struct dirent *de;
	rewinddir(d);
	while ((de = readdir(d)))
		if (wanted(de->d_name) && strcmp(de->d_name, last) > 0 &&
		    len + strlen(de->d_name) + 3 < sizeof list - 16) {
			len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", named ? ", " : "",
						de->d_name);
			named++;
		}
	events_add(ev, true, "manifests", "TooManyFiles",
		   "only %d manifest files are read (the first in name order); left out: %s%s", LIM_MANIFEST_FILES,
		   list, named < count ? ", ..." : "");
}

bool store_scan(struct store *s, const char *dir, struct events *ev)
{
	DIR *d = opendir(dir);
	if (!d) {
		events_add(ev, true, "manifests", "FailedScan", "cannot read %s: %s", dir,
			   strerror(errno));
		return false;
	}
	char (*names)[256] = s->scratch;
	char *sorted[LIM_MANIFEST_FILES];
	unsigned n = 0, left_out = 0;
	struct dirent *de;
	/* the LIM_MANIFEST_FILES first names in name order, whatever order
	 * the directory lists them in */
	while ((de = readdir(d))) {
		if (!wanted(de->d_name))
			continue;
		if (n < LIM_MANIFEST_FILES) {
			snprintf(names[n], sizeof names[n], "%s", de->d_name);
			sorted[n] = names[n];
			n++;
			continue;
		}
		left_out++;
		unsigned max = 0;
		for (unsigned i = 1; i < n; i++)
			if (strcmp(sorted[i], sorted[max]) > 0)
				max = i;
		if (strcmp(de->d_name, sorted[max]) < 0)
			snprintf(sorted[max], 256, "%s", de->d_name);
	}
	qsort(sorted, n, sizeof *sorted, by_name);
	if (left_out)
		report_left_out(d, ev, sorted[n - 1], left_out);
	closedir(d);

	struct store_file *next = calloc(LIM_MANIFEST_FILES, sizeof *next);
	if (!next) {
		events_add(ev, true, "manifests", "FailedScan", "out of memory");
		return false;
	}
	bool changed = false;
	unsigned j = 0;
	for (unsigned i = 0; i < n; i++) {
		struct store_file *f = &next[i];
		/* carry over what we knew about this file */
		while (j < s->n && strcmp(s->files[j].name, sorted[i]) < 0) {
			changed = true; /* removed */
			gen_unref(s->files[j++].gen);
		}
		if (j < s->n && !strcmp(s->files[j].name, sorted[i]))
			*f = s->files[j++];
		else
			snprintf(f->name, sizeof f->name, "%s", sorted[i]);
		char path[PATH_MAX];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, f->name);
		if (stat(path, &st) < 0)
			continue; /* vanished meanwhile: the next scan drops it */
		if (st.st_ino == f->ino && st.st_size == f->size &&
		    st.st_mtim.tv_sec == f->mtime.tv_sec && st.st_mtim.tv_nsec == f->mtime.tv_nsec)
			continue;
		f->ino = st.st_ino;
		f->size = st.st_size;
		f->mtime = st.st_mtim;
		changed |= load(s, f, dir, ev);
	}
	for (; j < s->n; j++) {
		changed = true;
		gen_unref(s->files[j].gen);
	}
	memcpy(s->files, next, n * sizeof *next);
	s->n = n;
	free(next);
	return changed;
}

const struct mf_object *store_object(const struct store *s, enum mf_kind kind, const char *name,
				     const struct store_file **file)
{
	STORE_FOREACH(s, f, o)
	if (o->kind == kind && !strcmp(mf_object_name(o), name)) {
		if (file)
			*file = f;
		return o;
	}
	return NULL;
}

const struct mf_config *store_config(const struct store *s, enum mf_kind kind, const char *name)
{
	for (unsigned i = 0; i < s->n; i++) {
		const struct gen *g = s->files[i].gen;
		for (unsigned k = 0; g && k < g->file.n; k++) {
			const struct mf_object *o = &g->file.objs[k];
			if (o->kind == kind && !strcmp(o->config->meta.name.s, name))
				return o->config;
		}
	}
	return NULL;
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

int store_config_value(const struct mf_config *c, bool secret, const char *key, char *buf,
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

unsigned store_check_set(const struct store *s, const char *as, const struct mf_file *f,
			 struct diag_list *dl)
{
	const struct mf_file *others[LIM_MANIFEST_FILES];
	unsigned n = 0;
	for (unsigned i = 0; i < s->n; i++)
		if (s->files[i].gen && strcmp(s->files[i].name, as))
			others[n++] = &s->files[i].gen->file;
	return mf_check_ports(f, others, n, dl);
}
