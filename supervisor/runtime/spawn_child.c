/* spawn_child.c - the cloned children, before exec.
 *
 * Runs in the cloned child of a single-threaded supervisor: system calls
 * only, no allocation, no stdio; every failure is reported to the parent
 * with its step. The first step closes every fd the child does not need,
 * so nothing of podinit's (cgroup directories, other pods' namespaces,
 * sockets) can reach a container through /proc/<pid>/fd or a working
 * directory; the child is not dumpable (inherited from podinit) until
 * exec. Credentials change before capabilities are cut so that setuid
 * still works; the seccomp filter goes in while the child still holds
 * CAP_SYS_ADMIN (so no_new_privs is not required for it) and allows what
 * the remaining steps call; no_new_privs comes last. */
#include "spawn_child.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <linux/filter.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

#define PATHBUF 4096

_Noreturn static void die(int err_fd, int step, int err, int index)
{
	struct spawn_error e = {.step = step, .err = err, .index = index};
	ssize_t r = write(err_fd, &e, sizeof e);
	(void)r;
	_exit(127);
}

/* Closes every fd but those in keep (n entries, -1 ignored). */
static int close_others(int *keep, int n)
{
	/* insertion sort: n is a handful */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];
			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	unsigned lo = 3;
	for (int i = 0; i < n; i++) {
		if (keep[i] < 3)
			continue;
		if ((unsigned)keep[i] > lo && syscall(SYS_close_range, lo, (unsigned)keep[i] - 1, 0) < 0)
			return -1;
		lo = (unsigned)keep[i] + 1;
	}
	return (int)syscall(SYS_close_range, lo, ~0U, 0);
}

static void hygiene(int *keep, int n, int err_fd)
{
	/* inherited from podinit already; a second time costs nothing */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || close_others(keep, n) < 0)
		die(err_fd, SPAWN_FDS, errno, -1);
}

/* Needs CAP_SETPCAP, so it runs before the user changes. */
static int drop_bounding(const struct spawn_cred *req)
{
	if (!req->privileged)
		for (unsigned c = 0; c <= req->last_cap && c < 64; c++)
			if (!(req->caps & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 &&
			    errno != EINVAL)
				return -1;
	return 0;
}

static int set_caps(const struct spawn_cred *req)
{
	if (req->uid != 0)
		return 0; /* setresuid cleared permitted and effective, as for Docker */
	/* caps holds only what the supervisor itself has (privileged: all of
	 * that), so the kernel never refuses it */
	uint64_t keep = req->caps;
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {
		{.effective = (uint32_t)keep, .permitted = (uint32_t)keep},
		{.effective = (uint32_t)(keep >> 32), .permitted = (uint32_t)(keep >> 32)}};
	return (int)syscall(SYS_capset, &h, d);
}

static int exec_path(char *const *argv, char *const *envp, const char *path)
{
	const char *cmd = argv[0];
	if (strchr(cmd, '/')) {
		execve(cmd, argv, envp);
		return -1;
	}
	char buf[PATHBUF];
	int first_err = ENOENT;
	for (const char *p = path; *p;) {
		const char *end = strchr(p, ':');
		size_t dl = end ? (size_t)(end - p) : strlen(p);
		if (dl + 1 + strlen(cmd) + 1 <= sizeof buf) {
			memcpy(buf, p, dl);
			buf[dl] = '/';
			strcpy(buf + dl + 1, cmd);
			execve(buf, argv, envp);
			if (errno != ENOENT && errno != ENOTDIR && first_err == ENOENT)
				first_err = errno; /* e.g. EACCES: report it, as execvp does */
		}
		if (!end)
			break;
		p = end + 1;
	}
	errno = first_err;
	return -1;
}

/* containerd's open files limit, lowered to what the supervisor has where
 * that is less (raising a hard limit is refused) */
static int set_limits(void)
{
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) < 0)
		return -1;
	if (nofile.rlim_max > 524288)
		nofile.rlim_max = 524288;
	nofile.rlim_cur = nofile.rlim_max < 1024 ? nofile.rlim_max : 1024;
	return setrlimit(RLIMIT_NOFILE, &nofile);
}

/* Credentials: the seccomp filter (while CAP_SYS_ADMIN is still held),
 * the bounding set (it needs CAP_SETPCAP), then the user, then the
 * capabilities the user keeps, then no_new_privs. */
static void become(const struct spawn_cred *cred, int err_fd)
{
	if (cred->seccomp && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, cred->seccomp, 0, 0) < 0)
		die(err_fd, SPAWN_SECCOMP, errno, -1);
	if (drop_bounding(cred) < 0)
		die(err_fd, SPAWN_CAPS, errno, -1);
	if (setgroups(cred->ngroups, cred->groups) < 0 ||
	    setresgid(cred->gid, cred->gid, cred->gid) < 0 ||
	    setresuid(cred->uid, cred->uid, cred->uid) < 0)
		die(err_fd, SPAWN_USER, errno, -1);
	if (set_caps(cred) < 0)
		die(err_fd, SPAWN_CAPS, errno, -1);
	if (cred->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die(err_fd, SPAWN_NO_NEW_PRIVS, errno, -1);
}

/* Waits for the release, clears the signal mask, sets up stdio: in, out
 * and err (-1: /dev/null); a new session, with in as its terminal when tty. */
static void start(int sync_fd, int err_fd, const int stdio[3], bool tty)
{
	char go;
	if (read(sync_fd, &go, 1) != 1)
		_exit(127); /* the parent gave up on us */
	close(sync_fd);
	/* the supervisor blocks the signals it reads from a signalfd; the mask
	 * survives exec, so a container would never see its SIGTERM */
	sigset_t none;
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		die(err_fd, SPAWN_STDIO, errno, -1);
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		die(err_fd, SPAWN_STDIO, errno, -1);
	/* moved above 2 first, so that no dup2 below overwrites a source */
	int fd[3];
	for (int i = 0; i < 3; i++)
		if ((fd[i] = fcntl(stdio[i] < 0 ? devnull : stdio[i], F_DUPFD_CLOEXEC, 3)) < 0)
			die(err_fd, SPAWN_STDIO, errno, -1);
	for (int i = 0; i < 3; i++)
		if (dup2(fd[i], i) < 0)
			die(err_fd, SPAWN_STDIO, errno, -1);
	if (setsid() < 0 || (tty && ioctl(0, TIOCSCTTY, 0) < 0))
		die(err_fd, SPAWN_STDIO, errno, -1);
	/* only 0, 1 and 2 go on (a source may be one fd twice: EBADF then) */
	close(devnull);
	for (int i = 0; i < 3; i++) {
		close(fd[i]);
		if (stdio[i] > 2)
			close(stdio[i]);
	}
}

/* chdir, and a working directory that must lie inside the root: a
 * leaked directory fd named as /proc/self/fd/N would be outside it
 * (CVE-2024-21626), and getcwd then does not start with '/' */
static void enter_workdir(const char *dir, int err_fd)
{
	char buf[PATHBUF];
	if (chdir(dir) < 0)
		die(err_fd, SPAWN_CHDIR, errno, -1);
	long n = syscall(SYS_getcwd, buf, sizeof buf);
	if (n < 0 || buf[0] != '/')
		die(err_fd, SPAWN_CHDIR, n < 0 ? errno : EPERM, -1);
}

static void join(int fd, int type, int err_fd)
{
	if (fd >= 0 && (setns(fd, type) < 0 || close(fd) < 0))
		die(err_fd, SPAWN_SETNS, errno, -1);
}

_Noreturn void spawn_exec_child(const struct spawn_exec_req *req, int sync_fd, int err_fd)
{
	int keep[6] = {sync_fd, err_fd, req->target_pidfd, req->stdio[0], req->stdio[1], req->stdio[2]};
	hygiene(keep, 6, err_fd);
	start(sync_fd, err_fd, req->stdio, req->tty);
	/* every namespace of the container in one call; the mount namespace
	 * also moves us to its root. Our PID namespace was chosen at clone. */
	if (setns(req->target_pidfd,
		  CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWNS) < 0)
		die(err_fd, SPAWN_SETNS, errno, -1);
	close(req->target_pidfd);
	if (chdir("/") < 0)
		die(err_fd, SPAWN_CHDIR, errno, -1);
	if (set_limits() < 0)
		die(err_fd, SPAWN_RLIMIT, errno, -1);
	become(&req->cred, err_fd);
	exec_path(req->argv, req->envp, req->path);
	die(err_fd, SPAWN_EXEC, errno, -1);
}

_Noreturn void spawn_child(const struct spawn_req *req, int sync_fd, int err_fd)
{
	int keep[6] = {sync_fd, err_fd, req->out_fd, req->netns, req->ipcns, req->utsns};
	hygiene(keep, 6, err_fd);
	int stdio[3] = {-1, req->out_fd, req->out_fd};
	start(sync_fd, err_fd, stdio, false);
	join(req->netns, CLONE_NEWNET, err_fd);
	join(req->ipcns, CLONE_NEWIPC, err_fd);
	join(req->utsns, CLONE_NEWUTS, err_fd);
	/* released: the parent has put us into our cgroups (v1) or we were
	 * cloned into it (v2), so the new cgroup namespace is rooted there */
	if (unshare(CLONE_NEWCGROUP) < 0)
		die(err_fd, SPAWN_CGROUP, errno, -1);
	int step, index;
	if (spawn_fs(req, &step, &index) < 0)
		die(err_fd, step, errno, index);
	if (set_limits() < 0)
		die(err_fd, SPAWN_RLIMIT, errno, -1);
	become(&req->cred, err_fd);
	enter_workdir(req->workdir, err_fd);
	exec_path(req->argv, req->envp, req->path);
	die(err_fd, SPAWN_EXEC, errno, -1);
}

_Noreturn void spawn_pause_child(const char *self_exe)
{
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0)
		_exit(127);
	int none = -1;
	if (close_others(&none, 0) < 0)
		_exit(127);
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	char *argv[] = {"podinit", "--pause", NULL}, *envp[] = {NULL};
	execve(self_exe, argv, envp);
	_exit(127);
}
