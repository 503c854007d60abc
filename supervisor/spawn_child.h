/* spawn_child.h - what the cloned child runs (internal to spawn). */
#ifndef PODINIT_SPAWN_CHILD_H
#define PODINIT_SPAWN_CHILD_H

#include "spawn.h"

/* Sets the container up and execs it; on failure reports over err_fd and
 * exits 127. Never returns. */
_Noreturn void spawn_child(const struct spawn_req *req, int sync_fd, int err_fd);
/* The same for a process joining a running container: ns holds its IPC,
 * UTS, net, cgroup and mount namespace fds (-1 to skip). */
_Noreturn void spawn_exec_child(const struct spawn_exec_req *req, const int ns[5], int sync_fd,
				int err_fd);

#endif
