/* spawn.c - the parent side of starting a container: clone3 into new
 * namespaces (and a cgroup) with a pidfd, the release pipe and the error
 * report.
 *
 * A PID namespace to clone into is named by a pidfd of a process in it
 * (setns(pidfd, CLONE_NEWPID)), never by /proc/<pid>/ns/pid: the /proc
 * that podinit sees may belong to another PID namespace than its own
 * (contract §2: tests run it without --mount-proc), and a PID may have
 * been reused. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "spawn_child.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

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
		"changing to the working directory", "exec", "closing inherited files",
		"masking /proc and /sys paths", "mounting /sys/fs/cgroup", "installing the seccomp filter"};
	return step >= 0 && step < SPAWN_NSTEPS ? names[step] : "unknown step";
}

/* clone3 with flags and a pidfd, into a cgroup (v2) and, when pidns >= 0
 * (a pidfd), into that process's PID namespace. */
static pid_t clone_into(uint64_t flags, int cgroup_fd, int pidns, int self_pidns, int *pidfd)
{
	*pidfd = -1;
	if (pidns >= 0 && setns(pidns, CLONE_NEWPID) < 0)
		return -1;
	struct clone_args args = {.flags = flags | CLONE_PIDFD, .exit_signal = SIGCHLD,
				  .pidfd = (uint64_t)(uintptr_t)pidfd};
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}
	long pid = syscall(SYS_clone3, &args, sizeof args);
	if (pid < 0 && (errno == ENOSYS || (errno == EINVAL && cgroup_fd >= 0))) {
		/* old kernel or no cgroup v2 placement: plain clone, the caller
		 * attaches the child to its cgroups before releasing it; the
		 * child waits for its release, so its PID cannot be reused
		 * before pidfd_open */
		pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
		if (pid > 0)
			*pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
	}
	if (pid != 0 && pidns >= 0) {
		int err = errno;
		/* back to our own namespace for later children; cannot fail for
		 * an ancestor namespace we are a member of */
		if (setns(self_pidns, CLONE_NEWPID) < 0 && pid > 0) {
			kill((pid_t)pid, SIGKILL);
			return -1;
		}
		errno = err;
	}
	if (pid > 0 && *pidfd < 0) {
		/* a pidfd is how the child is named from now on: without it,
		 * it must not run */
		kill((pid_t)pid, SIGKILL);
		errno = EMFILE;
		return -1;
	}
	return (pid_t)pid;
}

struct pipes {
	int err[2], sync[2];
};

static int open_pipes(struct pipes *p)
{
	if (pipe2(p->err, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(p->sync, O_CLOEXEC) < 0) {
		int err = -errno;
		close(p->err[0]);
		close(p->err[1]);
		return err;
	}
	return 0;
}

/* The parent's half after clone: keep the read end of the report and the
 * write end of the release. */
static int finish_parent(struct pipes *p, pid_t pid, int pidfd, struct spawn_proc *out)
{
	int err = pid < 0 ? -errno : 0;
	close(p->err[1]);
	close(p->sync[0]);
	if (!err && fcntl(p->err[0], F_SETFL, O_NONBLOCK) < 0) {
		err = -errno;
		kill(pid, SIGKILL);
	}
	if (err) {
		close(p->err[0]);
		close(p->sync[1]);
		if (pidfd >= 0)
			close(pidfd);
		return err;
	}
	out->pid = pid;
	out->pidfd = pidfd;
	out->err_fd = p->err[0];
	out->sync_fd = p->sync[1];
	return 0;
}

int spawn_start(const struct spawn_req *req, struct spawn_proc *out)
{
	struct pipes p;
	int err = open_pipes(&p), pidfd;
	if (err)
		return err;
	uint64_t flags = CLONE_NEWNS | (req->pidns >= 0 ? 0 : CLONE_NEWPID);
	pid_t pid = clone_into(flags, req->cgroup_fd, req->pidns, req->self_pidns, &pidfd);
	if (pid == 0)
		spawn_child(req, p.sync[0], p.err[1]); /* never returns */
	return finish_parent(&p, pid, pidfd, out);
}

int spawn_exec_start(const struct spawn_exec_req *req, struct spawn_proc *out)
{
	struct pipes p;
	int err = req->target_pidfd < 0 ? -ESRCH : open_pipes(&p), pidfd;
	if (err)
		return err;
	pid_t pid = clone_into(0, req->cgroup_fd, req->target_pidfd, req->self_pidns, &pidfd);
	if (pid == 0)
		spawn_exec_child(req, p.sync[0], p.err[1]); /* never returns */
	return finish_parent(&p, pid, pidfd, out);
}

int spawn_pause(const char *self_exe, struct spawn_proc *out)
{
	int pidfd;
	pid_t pid = clone_into(CLONE_NEWPID, -1, -1, -1, &pidfd);
	if (pid == 0)
		spawn_pause_child(self_exe); /* never returns */
	if (pid < 0)
		return -errno;
	out->pid = pid;
	out->pidfd = pidfd;
	out->err_fd = out->sync_fd = -1;
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

void spawn_report_close(struct spawn_proc *p)
{
	if (p->err_fd >= 0)
		close(p->err_fd);
	p->err_fd = -1;
}

int spawn_signal(const struct spawn_proc *p, int sig)
{
	if (p->pidfd < 0)
		return -ESRCH;
	return syscall(SYS_pidfd_send_signal, p->pidfd, sig, NULL, 0) < 0 ? -errno : 0;
}

void spawn_forget(struct spawn_proc *p)
{
	if (p->pidfd >= 0)
		close(p->pidfd);
	p->pidfd = -1;
	p->pid = 0;
}

int spawn_drop_all(void)
{
	for (int c = 0; c < 64; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {{0}, {0}};
	if (syscall(SYS_capset, &h, d) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return -errno;
	return 0;
}
