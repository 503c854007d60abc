/* spawn.c - the parent side of starting a container: clone3 into new
 * namespaces (and a cgroup), the release pipe and the error report. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "spawn_child.h"

uint64_t spawn_default_caps(void)
{
	static const int caps[] = {CAP_CHOWN,	     CAP_DAC_OVERRIDE, CAP_FSETID,	 CAP_FOWNER,
				   CAP_MKNOD,	     CAP_NET_RAW,      CAP_SETGID,	 CAP_SETUID,
				   CAP_SETFCAP,	     CAP_SETPCAP,      CAP_NET_BIND_SERVICE,
				   CAP_SYS_CHROOT,   CAP_KILL,	       CAP_AUDIT_WRITE};
	uint64_t set = 0;
	for (size_t i = 0; i < sizeof caps / sizeof *caps; i++)
		set |= 1ULL << caps[i];
	return set;
}

const char *spawn_step_name(int step)
{
	static const char *const names[SPAWN_NSTEPS] = {
		"ok", "waiting for release", "setting up stdio", "joining the pod namespaces",
		"making mounts private", "mounting the container's tmpfs", "mounting the root filesystem",
		"mounting /proc", "mounting /sys", "setting up /dev", "mounting a volume",
		"creating the working directory", "pivot_root", "setting rlimits",
		"setting user and groups", "setting capabilities", "setting no_new_privs",
		"changing to the working directory", "exec"};
	return step >= 0 && step < SPAWN_NSTEPS ? names[step] : "unknown step";
}

static pid_t clone_child(const struct spawn_req *req)
{
	/* shareProcessNamespace: the child is born in the pod's PID namespace,
	 * which only the namespace for our children can name */
	uint64_t newpid = req->pidns >= 0 ? 0 : CLONE_NEWPID;
	if (req->pidns >= 0 && setns(req->pidns, CLONE_NEWPID) < 0)
		return -1;
	struct clone_args args = {
		.flags = CLONE_NEWNS | newpid,
		.exit_signal = SIGCHLD,
	};
	if (req->cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)req->cgroup_fd;
	}
	long pid = syscall(SYS_clone3, &args, sizeof args);
	if (pid < 0 && (errno == ENOSYS || (errno == EINVAL && req->cgroup_fd >= 0))) {
		/* old kernel or no cgroup v2 placement: plain clone, the caller
		 * attaches the child to its cgroups before releasing it */
		pid = syscall(SYS_clone, CLONE_NEWNS | newpid | SIGCHLD, 0, 0, 0, 0);
	}
	if (pid != 0 && req->pidns >= 0) {
		int err = errno;
		/* back to our own namespace for later children; cannot fail for
		 * an ancestor namespace we are a member of */
		if (setns(req->self_pidns, CLONE_NEWPID) < 0 && pid > 0) {
			kill((pid_t)pid, SIGKILL);
			return -1;
		}
		errno = err;
	}
	return (pid_t)pid;
}

int spawn_start(const struct spawn_req *req, struct spawn_proc *out)
{
	int errp[2], syncp[2];
	if (pipe2(errp, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(syncp, O_CLOEXEC) < 0) {
		int err = -errno;
		close(errp[0]);
		close(errp[1]);
		return err;
	}
	pid_t pid = clone_child(req);
	if (pid == 0) {
		close(errp[0]);
		close(syncp[1]);
		spawn_child(req, syncp[0], errp[1]); /* never returns */
	}
	int err = pid < 0 ? -errno : 0;
	close(errp[1]);
	close(syncp[0]);
	if (err) {
		close(errp[0]);
		close(syncp[1]);
		return err;
	}
	/* the report is read from the event loop */
	if (fcntl(errp[0], F_SETFL, O_NONBLOCK) < 0) {
		err = -errno;
		kill(pid, SIGKILL);
		close(errp[0]);
		close(syncp[1]);
		return err;
	}
	out->pid = pid;
	out->err_fd = errp[0];
	out->sync_fd = syncp[1];
	return 0;
}

int spawn_release(struct spawn_proc *p)
{
	char go = 1;
	ssize_t r;
	do
		r = write(p->sync_fd, &go, 1);
	while (r < 0 && errno == EINTR);
	int err = r == 1 ? 0 : -errno;
	close(p->sync_fd);
	p->sync_fd = -1;
	return err;
}

int spawn_result(struct spawn_proc *p, struct spawn_error *e)
{
	ssize_t r;
	do
		r = read(p->err_fd, e, sizeof *e);
	while (r < 0 && errno == EINTR);
	if (r < 0 && errno == EAGAIN)
		return -EAGAIN;
	close(p->err_fd);
	p->err_fd = -1;
	if (r == (ssize_t)sizeof *e)
		return 1;
	if (r == 0)
		return 0;
	/* a short or failed read: the child died before reporting properly */
	e->step = SPAWN_SYNC;
	e->err = r < 0 ? errno : EIO;
	e->index = -1;
	return 1;
}
