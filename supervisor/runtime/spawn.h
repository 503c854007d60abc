/* spawn.h - start one container process: namespaces, root filesystem,
 * mounts, credentials, capabilities, seccomp, exec.
 *
 * The parent prepares every string and array in a struct spawn_req; the
 * child runs only system calls on it (no allocation, no stdio) and reports
 * a failure as {step, errno} over a close-on-exec pipe, so EOF on that
 * pipe means exec succeeded. The child waits on a second pipe until the
 * parent has put it into its cgroups (spawn_release).
 *
 * Every child podinit forks on the way into a container (the container's
 * process, an exec probe or hook, a pod's PID-namespace init) closes all
 * of podinit's fds but the few it needs as its first step, is never
 * dumpable before exec (podinit itself is not, and the child inherits it),
 * and joins a container's namespaces only after that. Processes are named
 * by pidfd, never by a /proc/<pid> path. */
#ifndef PODINIT_SPAWN_H
#define PODINIT_SPAWN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum spawn_mount_flags {
	SPM_RDONLY = 1,  /* read-only, recursively */
	SPM_FILE = 2,    /* the source is a file: the target is created as a file */
};

struct spawn_mount {
	const char *src; /* host path */
	const char *sub; /* NULL, or a path below src resolved inside it (subPath) */
	const char *dst; /* absolute path inside the container */
	unsigned flags;
};

struct sock_fprog;

/* Who the process runs as. */
struct spawn_cred {
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	unsigned ngroups;
	uint64_t caps;     /* capability bits kept (ignored when privileged) */
	unsigned last_cap; /* /proc/sys/kernel/cap_last_cap */
	bool privileged;
	bool no_new_privs;
	const struct sock_fprog *seccomp; /* NULL: unconfined */
};

/* /sys/fs/cgroup inside the container, in its own cgroup namespace. */
struct spawn_cgroupfs {
	bool v2;                    /* mount cgroup2 */
	const char *const *v1;      /* else these v1 hierarchies ("memory", "cpu,cpuacct"), NULL-ended */
};

struct spawn_req {
	int netns, ipcns, utsns; /* the pod's namespaces to join, -1 = keep the host's */
	int pidns;               /* the pod's shared PID namespace (a pidfd), -1 = a new one */
	int self_pidns;          /* the supervisor's own, to return to after joining */
	const char *lower;       /* image root directory */
	const char *stage;       /* empty host directory for the container's tmpfs */
	uint64_t stage_bytes;    /* size of that tmpfs: the writable layer */
	bool read_only_root;
	struct spawn_cred cred;
	struct spawn_cgroupfs cgroupfs;
	const struct spawn_mount *mounts;
	unsigned nmounts;
	char *const *argv;
	char *const *envp;
	const char *path;        /* PATH of the container's environment, for argv[0] */
	const char *workdir;
	int out_fd;              /* stdout and stderr; stdin is /dev/null */
	int cgroup_fd;           /* cgroup v2 directory for CLONE_INTO_CGROUP, or -1 */
};

struct spawn_proc {
	pid_t pid;
	int pidfd;   /* the process, race-free: signals and setns go through it */
	int err_fd;  /* read end: {step, errno} on failure, EOF after exec */
	int sync_fd; /* write end: one byte releases the child */
};

enum spawn_step {
	SPAWN_OK, SPAWN_SYNC, SPAWN_STDIO, SPAWN_SETNS, SPAWN_MOUNT_PRIVATE, SPAWN_STAGE,
	SPAWN_ROOTFS, SPAWN_PROC, SPAWN_SYS, SPAWN_DEV, SPAWN_VOLUME, SPAWN_WORKDIR,
	SPAWN_PIVOT, SPAWN_RLIMIT, SPAWN_USER, SPAWN_CAPS, SPAWN_NO_NEW_PRIVS, SPAWN_CHDIR,
	SPAWN_EXEC, SPAWN_FDS, SPAWN_MASK, SPAWN_CGROUP, SPAWN_SECCOMP, SPAWN_NSTEPS
};

struct spawn_error {
	int32_t step, err, index; /* index: which mount, for SPAWN_VOLUME */
};

/* A process inside a running container (exec probes and hooks): it joins
 * the namespaces of the process target names, its cgroup and its
 * credentials. */
struct spawn_exec_req {
	int target_pidfd; /* the container's main process */
	char *const *argv;
	char *const *envp;
	const char *path;
	struct spawn_cred cred;
	int cgroup_fd;  /* cgroup v2 directory, or -1 (then attach before release) */
	int self_pidns; /* the supervisor's own PID namespace */
	int stdio[3];   /* its stdin, stdout, stderr; -1: /dev/null (probes, hooks) */
	bool tty;       /* stdin is a terminal: it becomes the controlling one */
};

/* Clones the child into new mount, PID and cgroup namespaces (and the
 * cgroup of req->cgroup_fd when given); it waits until spawn_release.
 * 0 or -errno. */
int spawn_start(const struct spawn_req *req, struct spawn_proc *out);
/* Like spawn_start, for a process inside a running container. */
int spawn_exec_start(const struct spawn_exec_req *req, struct spawn_proc *out);
/* The init of a pod's shared PID namespace: `self_exe --pause` in a new
 * PID namespace, stdio on /dev/null. out->pidfd names it (and, for
 * setns, its namespace); no pipes. 0 or -errno. */
int spawn_pause(const char *self_exe, struct spawn_proc *out);
int spawn_release(struct spawn_proc *p);
/* Reads the child's report once err_fd is readable: 0 = exec done, 1 =
 * failure filled in, -EAGAIN = nothing yet. Leaves err_fd open: take it
 * out of epoll first, then spawn_report_close (closing an fd that a child
 * still shares does not remove it from epoll). */
int spawn_result(struct spawn_proc *p, struct spawn_error *e);
void spawn_report_close(struct spawn_proc *p);
/* Sends sig to the process through its pidfd (no PID reuse race); 0 or
 * -errno, -ESRCH once it is gone. */
int spawn_signal(const struct spawn_proc *p, int sig);
/* Closes the pidfd once the process is reaped. */
void spawn_forget(struct spawn_proc *p);
const char *spawn_step_name(int step);

/* Kubernetes' default capability set, as containerd and CRI-O grant it. */
uint64_t spawn_default_caps(void);

/* For the PID-1 pause process: no capabilities left, no privileges to
 * gain, not dumpable. 0 or -errno. */
int spawn_drop_all(void);

#endif
