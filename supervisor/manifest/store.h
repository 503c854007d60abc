/* store.h - the manifests directory as last read: one generation of
 * parsed objects per file.
 *
 * A file that fails to parse keeps its last valid generation (what was
 * running keeps running) and records why. Pods point into a generation's
 * arena, so generations are reference-counted and freed with their last
 * pod. */
#ifndef PODINIT_STORE_H
#define PODINIT_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "events.h"
#include "lim.h"
#include "manifest.h"

struct gen {
	unsigned refs;
	struct mf_file file;
};

struct store_file {
	char name[256];
	struct gen *gen;  /* last valid version, or NULL */
	bool broken;      /* the current text is invalid */
	struct timespec mtime;
	off_t size;
	ino_t ino;
};

struct store {
	struct store_file files[LIM_MANIFEST_FILES];
	unsigned n;
	char scratch[LIM_MANIFEST_FILES][256]; /* names while scanning */
};

void store_init(struct store *s);
void store_fini(struct store *s);
/* Re-reads changed, new and removed files of dir; reports invalid files
 * as events with every FILE:LINE:COL line. Returns true if anything changed. */
bool store_scan(struct store *s, const char *dir, struct events *ev);

void gen_ref(struct gen *g);
void gen_unref(struct gen *g);

/* Walks every object of every file, in file name order. */
#define STORE_FOREACH(s, f, o)                                                       \
	for (unsigned f##_i = 0; f##_i < (s)->n; f##_i++)                              \
		for (const struct store_file *f = &(s)->files[f##_i]; f; f = NULL)             \
			for (unsigned o##_i = 0; f->gen && o##_i < f->gen->file.n; o##_i++) \
				for (const struct mf_object *o = &f->gen->file.objs[o##_i]; o; o = NULL)

/* The object of kind and name (and, in *file, the file holding it), or
 * NULL. */
const struct mf_object *store_object(const struct store *s, enum mf_kind kind, const char *name,
				     const struct store_file **file);
/* The rules across files (manifest_set.h) for f, which is to replace the
 * file named `as`, against every other file's last valid version: the
 * errors go to dl; returns their number. */
unsigned store_check_set(const struct store *s, const char *as, const struct mf_file *f,
			 struct diag_list *dl);
/* A ConfigMap or Secret by name, NULL if absent. */
const struct mf_config *store_config(const struct store *s, enum mf_kind kind, const char *name);
/* The value of key in a ConfigMap (data, binaryData decoded) or Secret
 * (data decoded, stringData) into buf; -ENOENT, -E2BIG. */
int store_config_value(const struct mf_config *c, bool secret, const char *key, char *buf,
		       size_t len, size_t *outlen);

#endif
