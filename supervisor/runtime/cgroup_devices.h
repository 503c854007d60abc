/* cgroup_devices.h - the device nodes a container may create and open.
 *
 * containerd's allow-list for a container that is not privileged: null,
 * zero, full, random, urandom, tty, console, ptmx, pts, fuse and net/tun,
 * each for read, write and mknod; any other node cannot be made or
 * opened, whatever the container's capabilities. Enforced by the devices
 * controller on cgroup v1 (devices.deny, devices.allow) and by a
 * BPF_CGROUP_DEVICE program on v2, loaded once and attached to each
 * container's group before its first process is cloned into it. */
#ifndef PODINIT_CGROUP_DEVICES_H
#define PODINIT_CGROUP_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include "cgroup.h"

struct cg_devices {
	int prog_fd; /* v2: the loaded program, -1 in v1 or when it could not be loaded */
	int load_err; /* why not: -errno */
};

/* v2: loads the program (log, if given, gets the verifier's words). */
int cg_devices_init(struct cg_devices *d, const struct cg_sys *s);
void cg_devices_fini(struct cg_devices *d);
/* Restricts g, a group just made, to the allow-list (privileged: every
 * device); once per group (a group reused keeps it). 0 or -errno;
 * -ENOTSUP when this system cannot enforce it (no v1 devices hierarchy,
 * no BPF program), so that the caller refuses to start the container. */
int cg_devices_apply(const struct cg_devices *d, struct cg *g, bool privileged);

/* The v1 rules, one "TYPE MAJOR:MINOR ACCESS" per entry, for tests. */
const char *cg_devices_v1_rule(unsigned i);

#endif
