/* ctr_env.h - a container's environment, built into an envlist. */
#ifndef PODINIT_CTR_ENV_H
#define PODINIT_CTR_ENV_H

#include <stddef.h>
#include <sys/types.h>
#include "arena.h"
#include "envlist.h"
#include "image.h"
#include "pod.h"

#define CTR_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The environment of c (running as uid, from img) into e, strings in a.
 * 0, or -errno with a one-line reason in why (a missing ConfigMap, Secret
 * or key that is not optional; too many variables; no memory). */
int ctr_env_build(struct container *c, const struct image *img, uid_t uid, struct arena *a,
		  struct envlist *e, char *why, size_t len);

#endif
