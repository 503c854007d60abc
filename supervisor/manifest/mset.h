/* mset.h - the desired state as one immutable manifest set.
 *
 * A set has two parts: the update agent's (every file of the manifests
 * directory, one generation: docs/ota.md) and the operator's (what
 * `podctl apply` stored under DATA/applied). Each part is read whole, in
 * name order; a file is parsed once and shared by every later set that
 * holds the same bytes under the same name. Pods keep the set they were
 * made from (its ConfigMaps and Secrets are the ones they see), so files
 * and sets are reference counted; neither changes once made. */
#ifndef PODINIT_MSET_H
#define PODINIT_MSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "events.h"
#include "lim.h"
#include "manifest.h"

enum mfile_origin { MFILE_AGENT, MFILE_OPERATOR };

struct mfile {
	unsigned refs;
	enum mfile_origin origin;
	uint64_t text_hash; /* FNV-1a of the bytes */
	char name[256];
	struct mf_file file;
	uint64_t *obj_hash; /* mf_object_hash of each object, once (in file's arena) */
	struct timespec read_at; /* when these bytes were read (CLOCK_REALTIME): the
				  * age of the Services, ConfigMaps and Secrets in it */
};

/* One directory's files, in name order. */
struct mpart {
	uint64_t hash;   /* of every name and its bytes: a generation's identity */
	unsigned n;
	unsigned broken; /* files that do not parse: a part with any is invalid */
	struct mfile *f[LIM_MANIFEST_FILES];
};

/* Why a part or a set is not valid, in one line: the first problem as
 * FILE:LINE:COL: text, and how many there are. Each is also an event. */
struct mset_report {
	unsigned errors;
	char first[400];
};

/* Reads the first LIM_MANIFEST_FILES *.yaml and *.yml files of dir (not
 * dot-files: the temporary names of atomic writes) into out, reusing
 * prev's files whose name and bytes are the same (prev may be NULL). A
 * file that does not parse counts in out->broken and is reported. 0 or
 * -errno when dir cannot be read (a missing operator's dir is an empty
 * part, a missing agent's dir -ENOENT). */
int mpart_read(struct mpart *out, const char *dir, enum mfile_origin origin,
	       const struct mpart *prev, struct events *ev, struct mset_report *rep);
/* A file of objects parsed elsewhere (podctl apply's text): takes mf
 * over, refs 1. NULL without memory (mf is freed then). */
struct mfile *mfile_adopt(const char *name, enum mfile_origin origin, struct mf_file *mf);
void mfile_ref(struct mfile *f);
void mfile_unref(struct mfile *f);
/* *dst = src, taking a reference on each file; mpart_clear drops them. */
void mpart_copy(struct mpart *dst, const struct mpart *src);
void mpart_clear(struct mpart *p);
/* Records a problem: rep->first keeps the first, an event each. */
void mset_problem(struct mset_report *rep, struct events *ev, const char *object, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

struct mset {
	unsigned refs;
	unsigned gen;       /* the agent part's generation number (ota.h) */
	struct mpart agent, op;
};

/* A new set of the two parts (references taken), refs 1; NULL: no memory. */
struct mset *mset_new(const struct mpart *agent, const struct mpart *op, unsigned gen);
void mset_ref(struct mset *s);
void mset_unref(struct mset *s);
/* The rules across files: one object of a kind and name per namespace,
 * one claim of each device port (manifest_set.h). Problems go to rep and
 * ev; returns their number. */
unsigned mset_check(const struct mset *s, struct events *ev, struct mset_report *rep);

/* Walks every object of s, the agent's files first, each in name order. */
#define MSET_FOREACH(s, f, o)                                                                   \
	for (unsigned f##_i = 0; (s) && f##_i < (s)->agent.n + (s)->op.n; f##_i++)                \
		for (const struct mfile *f = f##_i < (s)->agent.n ? (s)->agent.f[f##_i]            \
								  : (s)->op.f[f##_i - (s)->agent.n]; \
		     f; f = NULL)                                                                 \
			for (unsigned o##_i = 0; o##_i < f->file.n; o##_i++)                          \
				for (const struct mf_object *o = &f->file.objs[o##_i]; o; o = NULL)

/* The object of kind and name in namespace ns (NULL: any), and the file
 * holding it; NULL if absent. */
const struct mf_object *mset_object(const struct mset *s, enum mf_kind kind, const char *ns,
				    const char *name, const struct mfile **file);
/* The hash of o, an object of f (computed once at load). */
uint64_t mfile_object_hash(const struct mfile *f, const struct mf_object *o);
/* A ConfigMap or Secret by namespace and name, NULL if absent. */
const struct mf_config *mset_config(const struct mset *s, enum mf_kind kind, const char *ns,
				   const char *name);
/* The value of key in a ConfigMap (data, binaryData decoded) or Secret
 * (data decoded, stringData) into buf; -ENOENT, -E2BIG. */
int mset_config_value(const struct mf_config *c, bool secret, const char *key, char *buf,
		      size_t len, size_t *outlen);
/* The memory a pod asks the scheduler for, as Kubernetes sums it: the
 * larger of its app containers plus sidecars and of each init
 * container plus the sidecars started before it. Bytes. */
int64_t mset_pod_memory(const struct mf_pod *p);

#endif
