/* ctl_exec.c - podctl exec POD [-c CONTAINER] [-n NS] [-t] -- COMMAND...:
 * a process in a running container, joined as exec probes join it (its
 * namespaces, cgroup, credentials, PATH and environment), whose stdin,
 * stdout and stderr are the three fds the caller passed with the request
 * (SCM_RIGHTS: podctl its own, the API process its pipes or a pty).
 *
 * The answer: CTL_STARTED once the process runs, then the exit frame with
 * its exit status (128 + the signal that killed it; 126, or 127 when
 * not found, after an error line when it could not run). A pod, container
 * or state that does not allow it is refused at once, as the API server
 * words it. --dry-run only checks that. The session is the connection: a caller that
 * goes away takes the process with it (SIGKILL). PID 1 never reads or
 * writes the process's data, so a session costs it one client. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "action.h"
#include "base.h"
#include "ctl_int.h"
#include "ctl_proto.h"
#include "node.h"
#include "pod.h"

/* A passed fd may become a container's: never a directory or an O_PATH
 * handle, through which the container could walk the host's tree. */
static bool stdio_ok(int fd)
{
	struct stat st;
	int fl = fcntl(fd, F_GETFL);
	return fd >= 0 && fl >= 0 && !(fl & O_PATH) && fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode);
}

static void on_report(struct loop *l, struct loop_watch *w, uint32_t events)
{
	struct ctl_client *cl = container_of(w, struct ctl_client, exec_report);
	struct spawn_error e;
	(void)events;
	int r = spawn_result(&cl->exec, &e);
	if (r == -EAGAIN)
		return;
	loop_del(l, w);
	spawn_report_close(&cl->exec);
	w->fd = -1;
	if (r == 1) {
		ERR(cl, "error: cannot run %s: %s: %s\n", cl->ctr, spawn_step_name(e.step), strerror(e.err));
		cl->exec_code = e.step == SPAWN_EXEC && e.err == ENOENT ? 127 : 126;
	}
}

void ctl_cmd_exec(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a)
{
	const char *ns = ctl_namespace(cmd, a), *cname = ARG("--container");
	if (a->npos != 1 || a->nrest < 1) {
		ctl_usage(cl, cmd, "error: podctl exec POD [-c CONTAINER] -- COMMAND [ARGS...]");
		return;
	}
	bool dry = ctl_args_has(cmd->flags, a, "--dry-run");
	if (!dry && (cl->nfds != 3 || !stdio_ok(cl->fds[0]) || !stdio_ok(cl->fds[1]) || !stdio_ok(cl->fds[2]))) {
		ERR(cl, "error: exec needs the caller's stdin, stdout and stderr passed with the request\n");
		ctl_exit(cl, 2);
		return;
	}
	struct pod *p = ctl_pod_or_not_found(cl, ns ? ns : "default", a->pos[0]);
	if (!p)
		return;
	struct container *c = cname ? pod_container(p, cname) : p->nctrs > p->ninit ? &p->ctrs[p->ninit] : NULL;
	if (!c || c->is_init) {
		ERR(cl, "Error from server (BadRequest): container %s is not valid for pod %s\n", cname ? cname : "",
		    p->name);
		ctl_exit(cl, 1);
		return;
	}
	if (c->state != CS_RUNNING) {
		ERR(cl, "Error from server (BadRequest): container %s is not running in pod %s\n", c->spec->name.s,
		    p->name);
		ctl_exit(cl, 1);
		return;
	}
	if (dry) {
		ctl_exit(cl, 0);
		return;
	}
	if (ctl_followers_full(cl))
		return;
	snprintf(cl->ctr, sizeof cl->ctr, "%s", a->rest[0]);
	int e = container_exec(c, a->rest, cl->fds, ctl_args_has(cmd->flags, a, "--tty"), &cl->exec);
	for (unsigned i = 0; i < cl->nfds; i++)
		close(cl->fds[i]); /* the process holds them now */
	cl->nfds = 0;
	if (e) {
		cl->exec.pid = 0;
		ERR(cl, "Error from server (InternalError): cannot start %s: %s\n", a->rest[0], strerror(-e));
		ctl_exit(cl, 1);
		return;
	}
	cl->follow = CF_EXEC;
	cl->exec_code = -1;
	ctl_write(cl, CTL_STARTED, "", 0);
	cl->exec_report.fd = cl->exec.err_fd;
	cl->exec_report.cb = on_report;
	if (loop_add(&cl->ctl->node->loop, &cl->exec_report, EPOLLIN) < 0)
		cl->exec_report.fd = -1; /* then the exit status alone tells */
}

bool ctl_child_exited(struct ctl *ctl, pid_t pid, int status)
{
	for (struct ctl_client *cl = ctl->clients; cl; cl = cl->next) {
		if (cl->follow != CF_EXEC || cl->exec.pid != pid)
			continue;
		if (cl->exec_report.fd >= 0) /* the report, if any, is there now */
			on_report(&ctl->node->loop, &cl->exec_report, EPOLLIN);
		spawn_forget(&cl->exec);
		cl->exec.pid = 0;
		int code = cl->exec_code >= 0      ? cl->exec_code
			   : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
						 : WEXITSTATUS(status);
		ctl_exit(cl, code);
		return true;
	}
	return false;
}
