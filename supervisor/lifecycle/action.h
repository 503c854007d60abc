/* action.h - one run of a handler against a container: an exec inside
 * it, an HTTP GET or a TCP connect to the pod, or a sleep; bounded by a
 * timeout, reported once through a callback.
 *
 * Probes and lifecycle hooks are both made of these. An action never
 * blocks: the exec child, the socket and the timeout are event sources of
 * the supervisor's loop. */
#ifndef PODINIT_ACTION_H
#define PODINIT_ACTION_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "loop.h"
#include "manifest.h"
#include "spawn.h"

struct container;

struct action {
	struct container *c;
	const struct mf_exec *exec;
	const struct mf_http *http;
	const struct mf_tcp *tcp;
	const struct mf_sleep *sleep;
	void (*done)(struct action *a, bool ok, const char *why);
	/* while running */
	bool running;
	struct spawn_proc proc; /* exec */
	struct loop_watch watch; /* exec report pipe, or the socket */
	struct loop_timer timer; /* timeout, or the sleep */
	bool sent;
	char buf[256];
	size_t len;
};

/* Starts it; done is called later (never from within action_run). A start
 * that fails at once is reported on the next loop pass as a failure. */
void action_run(struct action *a, uint64_t timeout_ns);
/* Stops a running action without calling done. */
void action_cancel(struct action *a);
/* A process in the running container c (exec probes and hooks, podctl
 * exec): its namespaces, cgroup and credentials, argv run with its PATH
 * and environment, stdio as spawn_exec_req says; released. 0 or -errno
 * (-ESRCH: c is not running). */
int container_exec(struct container *c, char *const *argv, const int stdio[3], bool tty, struct spawn_proc *out);
/* Feeds a reaped child; true when it was this action's exec. */
bool action_child_exited(struct action *a, pid_t pid, int status);

#endif
