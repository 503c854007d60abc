/* spawn_child.h - what the cloned children run (internal to spawn). */
#ifndef PODINIT_SPAWN_CHILD_H
#define PODINIT_SPAWN_CHILD_H

#include "spawn.h"

/* Sets the container up and execs it; on failure reports over err_fd and
 * exits 127. Never returns. */
_Noreturn void spawn_child(const struct spawn_req *req, int sync_fd, int err_fd);
/* The same for a process joining the running container whose main
 * process req->target_pidfd names. */
_Noreturn void spawn_exec_child(const struct spawn_exec_req *req, int sync_fd, int err_fd);
/* The pod's PID-namespace init: stdio on /dev/null, nothing else open. */
_Noreturn void spawn_pause_child(const char *self_exe);

/* spawn_fs.c: the container's filesystem, built below a private tmpfs
 * and entered with pivot_root; on failure *step and errno say where.
 * The volume index goes to *index. 0 or -1. */
int spawn_fs(const struct spawn_req *req, int *step, int *index);

#endif
