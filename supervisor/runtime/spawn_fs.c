/* spawn_fs.c - the container's filesystem, in the child, before exec.
 *
 * Order: a private tmpfs (sized: the writable layer is RAM) holds the
 * overlay's upper and work directories and the new root; /proc, /sys,
 * /sys/fs/cgroup, /dev and the volumes are mounted below it; then
 * pivot_root. Every target is created beneath the new root, resolving
 * symlinks as the container will see them, never outside it. A default
 * (unprivileged) container gets runc's and containerd's read-only and
 * masked /proc and /sys paths; volume binds are nosuid and nodev. */
#include "spawn_child.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "beneath.h"

#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif

#define PATHBUF 4096

/* containerd's defaults for a container that is not privileged */
static const char *const readonly_paths[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
					     "/proc/sysrq-trigger"};
static const char *const masked_paths[] = {
	"/proc/acpi",	    "/proc/asound",	"/proc/kcore",	    "/proc/keys",
	"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
	"/proc/scsi",	    "/sys/firmware",	"/sys/devices/virtual/powercap"};

/* a + b into buf, -1 with ENAMETOOLONG when it does not fit */
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

static void fd_path(char p[32], int fd)
{
	snprintf(p, 32, "/proc/self/fd/%d", fd);
}

/* mount onto a target given by an O_PATH fd */
static int mount_at(const char *src, int target, const char *type, unsigned long flags,
		    const char *data)
{
	char p[32];
	fd_path(p, target);
	return mount(src, p, type, flags, data);
}

/* Mount attributes on the mount at fd and every mount below it; an old
 * kernel (before 5.12) gets them on the top mount only. */
static int set_attr(int fd, uint64_t attr)
{
	struct mount_attr a = {.attr_set = attr};
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) == 0)
		return 0;
	if (errno != ENOSYS)
		return -1;
	unsigned long fl = MS_REMOUNT | MS_BIND;
	fl |= attr & MOUNT_ATTR_RDONLY ? MS_RDONLY : 0;
	fl |= attr & MOUNT_ATTR_NOSUID ? MS_NOSUID : 0;
	fl |= attr & MOUNT_ATTR_NODEV ? MS_NODEV : 0;
	fl |= attr & MOUNT_ATTR_NOEXEC ? MS_NOEXEC : 0;
	return mount_at(NULL, fd, NULL, fl, NULL);
}

/* Mounts onto dst below root, creating it (a file when file is set).
 * attr, when not 0, is applied afterwards to the new mount and those
 * below it: a bind mount ignores MS_RDONLY, and a filesystem whose
 * superblock is shared (the pod's sysfs, one per network namespace)
 * would turn read-only for every container, a privileged one included. */
static int mount_in(int root, const char *dst, const char *src, const char *type,
		    unsigned long flags, const char *data, bool file, uint64_t attr)
{
	int fd = beneath_mkpath(root, dst, file, 0755);
	if (fd < 0)
		return -1;
	int rc = mount_at(src, fd, type, flags, data);
	int err = errno;
	close(fd);
	if (rc == 0 && attr) {
		/* the old fd names what lies under the new mount: look it up again */
		int t = beneath_open(root, dst, O_PATH, 0);
		rc = t < 0 ? -1 : set_attr(t, attr);
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
	} nodes[] = {{"null", 1, 3},	{"zero", 1, 5},	   {"full", 1, 7},
		     {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
	static const struct {
		const char *target, *name;
	} links[] = {{"pts/ptmx", "ptmx"},	   {"/proc/self/fd", "fd"},
		     {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
		     {"/proc/self/fd/2", "stderr"}, {"/proc/kcore", "core"}};
	if (mount_in(root, "/dev", "tmpfs", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k",
		     false, 0) < 0)
		return -1;
	int dev = beneath_open(root, "/dev", O_PATH | O_DIRECTORY, 0);
	if (dev < 0)
		return -1;
	for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++)
		if (mknodat(dev, nodes[i].name, S_IFCHR | 0666, makedev(nodes[i].maj, nodes[i].min)) < 0)
			goto fail;
	if (fchmodat(dev, "null", 0666, 0) < 0 || mkdirat(dev, "pts", 0755) < 0 ||
	    mkdirat(dev, "shm", 01777) < 0 || mkdirat(dev, "mqueue", 0755) < 0)
		goto fail;
	for (size_t i = 0; i < sizeof links / sizeof *links; i++)
		if (symlinkat(links[i].target, dev, links[i].name) < 0)
			goto fail;
	close(dev);
	if (mount_in(root, "/dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
		     "newinstance,ptmxmode=0666,mode=0620", false, 0) < 0)
		return -1;
	if (mount_in(root, "/dev/shm", "shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		     "mode=1777,size=65536k", false, 0) < 0)
		return -1;
	return mount_in(root, "/dev/mqueue", "mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			NULL, false, 0);
fail:;
	int err = errno;
	close(dev);
	errno = err;
	return -1;
}

/* runc's readonlyPaths and maskedPaths: a path that this kernel does not
 * have is skipped; a directory is covered by an empty read-only tmpfs, a
 * file by /dev/null. Nothing is created. */
static int mask_paths(int root)
{
	for (size_t i = 0; i < sizeof readonly_paths / sizeof *readonly_paths; i++) {
		int fd = beneath_open(root, readonly_paths[i], O_PATH | O_NOFOLLOW, 0);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0)
			return -1;
		/* a bind of the path onto itself, then made read-only */
		char p[32];
		fd_path(p, fd);
		int rc = mount(p, p, NULL, MS_BIND | MS_REC, NULL);
		int err = errno;
		close(fd);
		if (rc == 0) {
			fd = beneath_open(root, readonly_paths[i], O_PATH | O_NOFOLLOW, 0);
			rc = fd < 0 ? -1
				    : set_attr(fd, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
						       MOUNT_ATTR_NOEXEC);
			err = errno;
			if (fd >= 0)
				close(fd);
		}
		if (rc < 0) {
			errno = err;
			return -1;
		}
	}
	for (size_t i = 0; i < sizeof masked_paths / sizeof *masked_paths; i++) {
		int fd = beneath_open(root, masked_paths[i], O_PATH | O_NOFOLLOW, 0);
		if (fd < 0 && errno == ENOENT)
			continue;
		struct stat st;
		int rc = fd < 0 || fstat(fd, &st) < 0 ? -1
			 : S_ISDIR(st.st_mode)
				 ? mount_at("tmpfs", fd, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
					    "size=0,mode=555")
				 : mount_at("/dev/null", fd, NULL, MS_BIND, NULL);
		int err = errno;
		if (fd >= 0)
			close(fd);
		if (rc < 0) {
			errno = err;
			return -1;
		}
	}
	return 0;
}

/* /sys/fs/cgroup in the container's own cgroup namespace (made by the
 * caller after it was put into its group): the container sees its own
 * group as the root, read-only unless privileged. */
static int mount_cgroupfs(int root, const struct spawn_cgroupfs *cg, bool rw)
{
	unsigned long fl = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	uint64_t ro = rw ? 0 : MOUNT_ATTR_RDONLY;
	if (cg->v2)
		return mount_in(root, "/sys/fs/cgroup", "cgroup2", "cgroup2", fl, NULL, false, ro);
	if (!cg->v1 || !cg->v1[0])
		return 0;
	if (mount_in(root, "/sys/fs/cgroup", "tmpfs", "tmpfs", fl, "mode=755,size=16k", false, 0) < 0)
		return -1;
	for (const char *const *h = cg->v1; *h; h++) {
		char dst[PATHBUF];
		if (cat(dst, "/sys/fs/cgroup/", *h) < 0 ||
		    mount_in(root, dst, "cgroup", "cgroup", fl, *h, false, ro) < 0)
			return -1;
	}
	if (rw)
		return 0;
	int fd = beneath_open(root, "/sys/fs/cgroup", O_PATH, 0);
	int rc = fd < 0 ? -1 : mount_at(NULL, fd, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | fl, NULL);
	int err = errno;
	if (fd >= 0)
		close(fd);
	errno = err;
	return rc;
}

static int build_root(const struct spawn_req *req, char *root_path)
{
	char upper[PATHBUF], work[PATHBUF], opts[3 * PATHBUF + 64];
	char size[64];
	snprintf(size, sizeof size, "mode=755,size=%llu", (unsigned long long)req->stage_bytes);
	if (mount("podinit", req->stage, "tmpfs", MS_NOSUID | MS_NODEV, size) < 0)
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

static int volumes(const struct spawn_req *req, int root, int *index)
{
	bool priv = req->cred.privileged;
	for (unsigned i = 0; i < req->nmounts; i++) {
		const struct spawn_mount *m = &req->mounts[i];
		uint64_t attr = (priv ? 0 : MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV) |
				(m->flags & SPM_RDONLY ? MOUNT_ATTR_RDONLY : 0);
		char src[32];
		int sfd = -1;
		*index = (int)i;
		if (m->sub) {
			/* resolved here, in this mount namespace, and never outside
			 * the volume: a symlink in a subPath cannot lead out */
			int vfd = open(m->src, O_PATH | O_DIRECTORY | O_CLOEXEC);
			sfd = vfd < 0 ? -1 : beneath_open(vfd, m->sub, O_PATH, 0);
			int err = errno;
			if (vfd >= 0)
				close(vfd);
			if (sfd < 0) {
				errno = err;
				return -1;
			}
			fd_path(src, sfd);
		}
		int rc = mount_in(root, m->dst, m->sub ? src : m->src, NULL, MS_BIND | MS_REC, NULL,
				  m->flags & SPM_FILE, attr);
		int err = errno;
		if (sfd >= 0)
			close(sfd);
		if (rc < 0) {
			errno = err;
			return -1;
		}
	}
	*index = -1;
	return 0;
}

int spawn_fs(const struct spawn_req *req, int *step, int *index)
{
	char root_path[PATHBUF];
	bool priv = req->cred.privileged;
	*index = -1;
	*step = SPAWN_MOUNT_PRIVATE;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	*step = SPAWN_ROOTFS;
	if (build_root(req, root_path) < 0)
		return -1;
	int root = open(root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -1;
	int rc = -1;
	*step = SPAWN_PROC;
	if (mount_in(root, "/proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, false, 0) < 0)
		goto out;
	*step = SPAWN_SYS;
	if (mount_in(root, "/sys", "sysfs", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, false,
		     priv ? 0 : MOUNT_ATTR_RDONLY) < 0)
		goto out;
	*step = SPAWN_MASK;
	if (!priv && mask_paths(root) < 0)
		goto out;
	*step = SPAWN_CGROUP;
	if (mount_cgroupfs(root, &req->cgroupfs, priv) < 0)
		goto out;
	*step = SPAWN_DEV;
	if (setup_dev(root) < 0)
		goto out;
	*step = SPAWN_VOLUME;
	if (volumes(req, root, index) < 0)
		goto out;
	*step = SPAWN_WORKDIR;
	int wd = beneath_mkpath(root, req->workdir, false, 0755);
	if (wd < 0)
		goto out;
	close(wd);
	*step = SPAWN_ROOTFS;
	if (req->read_only_root &&
	    mount(NULL, root_path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		goto out;
	close(root);
	root = -1;
	*step = SPAWN_PIVOT;
	if (pivot(root_path) < 0)
		goto out;
	rc = 0;
out:;
	int err = errno;
	if (root >= 0)
		close(root);
	errno = err;
	return rc;
}
