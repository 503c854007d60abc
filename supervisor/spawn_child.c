/* spawn_child.c - inside the new mount and PID namespaces, before exec.
 *
 * Runs in the cloned child of a single-threaded supervisor: system calls
 * only, no allocation, no stdio; every failure is reported to the parent
 * with its step. Order matters: the root is built under a private tmpfs
 * (overlay upper + work), special filesystems and volumes are mounted
 * below it, then pivot_root; credentials change before capabilities are
 * cut so that setuid still works, and no_new_privs comes last. */
#include "spawn_child.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define PATHBUF 4096

_Noreturn static void die(int err_fd, int step, int err, int index)
{
	struct spawn_error e = {.step = step, .err = err, .index = index};
	ssize_t r = write(err_fd, &e, sizeof e);
	(void)r;
	_exit(127);
}

static int join(int fd, int type)
{
	return fd < 0 ? 0 : setns(fd, type);
}

/* a + b into buf; false when it does not fit */
static int cat(char *buf, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la + lb + 1 > PATHBUF) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, a, la);
	memcpy(buf + la, b, lb + 1);
	return 0;
}

static int open_in_root(int root, const char *path, int flags, mode_t mode)
{
	struct open_how how = {.flags = (uint64_t)flags | O_CLOEXEC, .mode = flags & O_CREAT ? mode : 0,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	return (int)syscall(SYS_openat2, root, path, &how, sizeof how);
}

/* Creates path (absolute, inside the container root) and its parents,
 * resolving symlinks as the container will see them, never outside it.
 * Returns an O_PATH fd on the target, or -1 with errno. */
static int make_path(int root, const char *path, bool file)
{
	char prefix[PATHBUF];
	size_t len = strlen(path);
	if (len >= PATHBUF) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (size_t i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != 0)
			continue;
		memcpy(prefix, path, i);
		prefix[i] = 0;
		bool last = path[i] == 0 || (path[i] == '/' && path[i + 1] == 0);
		int fd = open_in_root(root, prefix, O_PATH, 0);
		if (fd >= 0) {
			if (last)
				return fd;
			close(fd);
			continue;
		}
		if (errno != ENOENT)
			return -1;
		if (last && file) {
			fd = open_in_root(root, prefix, O_CREAT | O_WRONLY, 0644);
			if (fd < 0)
				return -1;
			close(fd);
		} else {
			/* mkdir in the resolved parent */
			char *slash = strrchr(prefix, '/');
			const char *name = slash + 1;
			*slash = 0;
			int dfd = open_in_root(root, slash == prefix ? "/" : prefix, O_PATH | O_DIRECTORY, 0);
			if (dfd < 0)
				return -1;
			int rc = mkdirat(dfd, name, 0755);
			int err = errno;
			close(dfd);
			if (rc < 0 && err != EEXIST) {
				errno = err;
				return -1;
			}
		}
		if (last)
			return open_in_root(root, path, O_PATH, 0);
	}
	return open_in_root(root, "/", O_PATH, 0);
}

/* mount onto a target given by an O_PATH fd */
static int mount_at(const char *src, int target, const char *type, unsigned long flags,
		    const char *data)
{
	char p[64];
	snprintf(p, sizeof p, "/proc/self/fd/%d", target);
	return mount(src, p, type, flags, data);
}

static int mount_in(int root, const char *dst, const char *src, const char *type,
		    unsigned long flags, const char *data, bool file)
{
	int fd = make_path(root, dst, file);
	if (fd < 0)
		return -1;
	/* read-only is always made per mount, after the fact: a bind mount
	 * ignores MS_RDONLY, and a filesystem whose superblock is shared (the
	 * pod's sysfs, one per network namespace) would turn read-only for
	 * every container, a privileged one included */
	int rc = mount_at(src, fd, type, flags & ~MS_RDONLY, data);
	int err = errno;
	close(fd);
	if (rc == 0 && (flags & MS_RDONLY)) {
		/* the old fd names what lies under the new mount: look it up again */
		int t = open_in_root(root, dst, O_PATH, 0);
		unsigned long keep = flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC);
		rc = t < 0 ? -1 : mount_at(NULL, t, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | keep, NULL);
		err = errno;
		if (t >= 0)
			close(t);
	}
	errno = err;
	return rc;
}

static int setup_dev(int root)
{
	static const struct {
		const char *name;
		unsigned maj, min;
	} nodes[] = {{"/dev/null", 1, 3},    {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
		     {"/dev/random", 1, 8},  {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};
	if (mount_in(root, "/dev", "tmpfs", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k",
		     false) < 0)
		return -1;
	int dev = open_in_root(root, "/dev", O_PATH | O_DIRECTORY, 0);
	if (dev < 0)
		return -1;
	for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++)
		if (mknodat(dev, nodes[i].name + 5, S_IFCHR | 0666, makedev(nodes[i].maj, nodes[i].min)) < 0)
			goto fail;
	if (fchmodat(dev, "null", 0666, 0) < 0 || mkdirat(dev, "pts", 0755) < 0 ||
	    mkdirat(dev, "shm", 01777) < 0 || mkdirat(dev, "mqueue", 0755) < 0)
		goto fail;
	if (symlinkat("pts/ptmx", dev, "ptmx") < 0 || symlinkat("/proc/self/fd", dev, "fd") < 0 ||
	    symlinkat("/proc/self/fd/0", dev, "stdin") < 0 ||
	    symlinkat("/proc/self/fd/1", dev, "stdout") < 0 ||
	    symlinkat("/proc/self/fd/2", dev, "stderr") < 0)
		goto fail;
	close(dev);
	if (mount_in(root, "/dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
		     "newinstance,ptmxmode=0666,mode=0620", false) < 0)
		return -1;
	if (mount_in(root, "/dev/shm", "shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		     "mode=1777,size=65536k", false) < 0)
		return -1;
	return mount_in(root, "/dev/mqueue", "mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			NULL, false);
fail:;
	int err = errno;
	close(dev);
	errno = err;
	return -1;
}

static int build_root(const struct spawn_req *req, char *root_path)
{
	char upper[PATHBUF], work[PATHBUF], opts[3 * PATHBUF + 64];
	if (mount("podinit", req->stage, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755") < 0)
		return -1;
	if (cat(root_path, req->stage, "/root") < 0 || cat(upper, req->stage, "/upper") < 0 ||
	    cat(work, req->stage, "/work") < 0)
		return -1;
	if (mkdir(root_path, 0755) < 0)
		return -1;
	/* readOnlyRootFilesystem too gets the overlay: mount points for volumes
	 * and /etc files are made in the tmpfs upper layer (never in the
	 * image), and the root is made read-only once they are in place */
	if (mkdir(upper, 0755) < 0 || mkdir(work, 0755) < 0)
		return -1;
	int n = snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s,workdir=%s", req->lower, upper,
			 work);
	if (n < 0 || (size_t)n >= sizeof opts) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return mount("overlay", root_path, "overlay", 0, opts);
}

static int pivot(const char *root_path)
{
	if (chdir(root_path) < 0)
		return -1;
	if (syscall(SYS_pivot_root, ".", ".") == 0)
		return umount2(".", MNT_DETACH) < 0 ? -1 : chdir("/");
	if (errno != EINVAL)
		return -1;
	/* the initramfs root cannot be pivoted: move the new root over it */
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0)
		return -1;
	return chdir("/");
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

/* Credentials: the bounding set first (it needs CAP_SETPCAP), then the
 * user, then the capabilities the user keeps, then no_new_privs. */
static void become(const struct spawn_cred *cred, int err_fd)
{
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

/* Waits for the release, clears the signal mask, sets up stdio. */
static void start(int sync_fd, int err_fd, int out_fd)
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
	if (out_fd < 0)
		out_fd = devnull;
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0 ||
	    setsid() < 0)
		die(err_fd, SPAWN_STDIO, errno, -1);
}

_Noreturn void spawn_exec_child(const struct spawn_exec_req *req, const int ns[5], int sync_fd,
				int err_fd)
{
	static const int types[5] = {CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNET, CLONE_NEWCGROUP,
				     CLONE_NEWNS};
	start(sync_fd, err_fd, -1);
	/* the mount namespace last: joining it also moves us to its root */
	for (int i = 0; i < 5; i++)
		if (ns[i] >= 0 && setns(ns[i], types[i]) < 0)
			die(err_fd, SPAWN_SETNS, errno, i);
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
	char root_path[PATHBUF];
	start(sync_fd, err_fd, req->out_fd);
	if (join(req->netns, CLONE_NEWNET) < 0 || join(req->ipcns, CLONE_NEWIPC) < 0 ||
	    join(req->utsns, CLONE_NEWUTS) < 0)
		die(err_fd, SPAWN_SETNS, errno, -1);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die(err_fd, SPAWN_MOUNT_PRIVATE, errno, -1);
	if (build_root(req, root_path) < 0)
		die(err_fd, SPAWN_ROOTFS, errno, -1);
	int root = open(root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		die(err_fd, SPAWN_ROOTFS, errno, -1);
	if (mount_in(root, "/proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, false) < 0)
		die(err_fd, SPAWN_PROC, errno, -1);
	if (mount_in(root, "/sys", "sysfs", "sysfs",
		     MS_NOSUID | MS_NODEV | MS_NOEXEC | (req->cred.privileged ? 0 : MS_RDONLY), NULL,
		     false) < 0)
		die(err_fd, SPAWN_SYS, errno, -1);
	if (setup_dev(root) < 0)
		die(err_fd, SPAWN_DEV, errno, -1);
	for (unsigned i = 0; i < req->nmounts; i++) {
		const struct spawn_mount *m = &req->mounts[i];
		unsigned long fl = MS_BIND | MS_REC | (m->flags & SPM_RDONLY ? MS_RDONLY : 0);
		char src[64];
		int sfd = -1;
		if (m->sub) {
			/* resolved here, in this mount namespace, and never outside
			 * the volume: a symlink in a subPath cannot lead out */
			int vfd = open(m->src, O_PATH | O_DIRECTORY | O_CLOEXEC);
			sfd = vfd < 0 ? -1 : open_in_root(vfd, m->sub, O_PATH, 0);
			if (vfd >= 0)
				close(vfd);
			if (sfd < 0)
				die(err_fd, SPAWN_VOLUME, errno, (int)i);
			snprintf(src, sizeof src, "/proc/self/fd/%d", sfd);
		}
		if (mount_in(root, m->dst, m->sub ? src : m->src, NULL, fl, NULL, m->flags & SPM_FILE) < 0)
			die(err_fd, SPAWN_VOLUME, errno, (int)i);
		if (sfd >= 0)
			close(sfd);
	}
	int wd = make_path(root, req->workdir, false);
	if (wd < 0)
		die(err_fd, SPAWN_WORKDIR, errno, -1);
	close(wd);
	close(root);
	if (req->read_only_root &&
	    mount(NULL, root_path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		die(err_fd, SPAWN_ROOTFS, errno, -1);
	if (pivot(root_path) < 0)
		die(err_fd, SPAWN_PIVOT, errno, -1);
	if (set_limits() < 0)
		die(err_fd, SPAWN_RLIMIT, errno, -1);
	become(&req->cred, err_fd);
	if (chdir(req->workdir) < 0)
		die(err_fd, SPAWN_CHDIR, errno, -1);
	exec_path(req->argv, req->envp, req->path);
	die(err_fd, SPAWN_EXEC, errno, -1);
}
