/* sandbox.h - what a pod's containers share: the pod directory under RUN,
 * the network, IPC and UTS namespaces (held as fds, no pause process),
 * the pod cgroup, the volumes and the /etc files.
 *
 * Everything sandbox_create makes, sandbox_destroy undoes, including when
 * creation stopped half-way. */
#ifndef PODINIT_SANDBOX_H
#define PODINIT_SANDBOX_H

#include <stddef.h>
#include "pod.h"
#include "spawn.h"

/* 0, or -errno with a one-line reason in why. */
int sandbox_create(struct pod *p, char *why, size_t len);
void sandbox_destroy(struct pod *p);

/* A non-blocking TCP socket in the pod's network namespace. fd or -errno. */
int sandbox_socket(struct pod *p);

/* The mounts of container c: its volumeMounts and the /etc files. Each
 * source is opened (O_PATH, resolved inside its volume) so that a symlink
 * in a subPath cannot lead out; the fds go to fds[] for the caller to
 * close after the spawn. Returns the count, or -errno with why. */
int sandbox_mounts(struct pod *p, const struct mf_container *c, struct spawn_mount *out,
		   char (*srcs)[4096], int *fds, unsigned max, char *why, size_t len);

#endif
