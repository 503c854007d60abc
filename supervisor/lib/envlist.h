/* envlist.h - a container's environment while it is built: "NAME=value"
 * entries in order, a later NAME replacing an earlier one in place (the
 * image's Env, then envFrom, then env, as Kubernetes and containerd merge
 * them), and Kubernetes' $(VAR) references expanded against what is
 * there so far. Entries point into the caller's arena; the list itself
 * is the caller's array of max + 1 slots (NULL-terminated). */
#ifndef PODINIT_ENVLIST_H
#define PODINIT_ENVLIST_H

#include <stddef.h>
#include "arena.h"

struct envlist {
	const char **v;
	unsigned n, max;
};

void envlist_init(struct envlist *e, const char **slots, unsigned max);
/* Adds kv ("NAME=value", NAME not empty) or replaces NAME's entry.
 * 0, -EINVAL, -E2BIG. */
int envlist_put(struct envlist *e, const char *kv);
/* The same with NAME and value apart, copied into a. 0, -ENOMEM, -E2BIG. */
int envlist_set(struct envlist *e, struct arena *a, const char *name, size_t nlen,
		const char *val, size_t vlen);
/* NAME's value, or NULL. */
const char *envlist_get(const struct envlist *e, const char *name, size_t nlen);
/* s with $(NAME) replaced by NAME's value where NAME is set, $$ as $,
 * anything else as written; s itself when it has no '$' (or when a is
 * out of space). */
const char *envlist_expand(const struct envlist *e, struct arena *a, const char *s);

#endif
