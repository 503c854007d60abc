/* cgroup_fs.c - the cgroup files, read and written through directory fds
 * with fixed buffers on the stack, and the subtree walks that stand in for
 * v2's recursive files (v1, and v2 before cgroup.kill). A leaf: the
 * backends (cgroup_v1.c, cgroup_v2.c) and cgroup.c build on it, and it
 * calls none of them. A walk holds one 1 KiB directory buffer per level,
 * CG_WALK_DEPTH at most. */
#include "cgroup_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CG_MIN_QUOTA_US 1000       /* the kernel's smallest CFS quota */
#define CG_MAX_MILLIS 1000000000LL /* a million CPUs: keeps the arithmetic in range */
#define CG_WALK_DEPTH 8            /* group levels below a pod or container group */
#define CG_KILL_PASSES 3           /* reads of cgroup.procs per cg_walk_kill */

const char *const cg_ctrl_name[CG_NCTRL] = {"memory", "cpu", "cpuacct", "pids", "devices"};

/* ---- a group's directories ------------------------------------------ */

int cg_fd_of(const struct cg *g, enum cg_ctrl c)
{
	int h = g->sys->h_of[c];
	return h < 0 ? -1 : g->fd[h];
}

int cg_fd_v2(const struct cg *g)
{
	return g->sys->mode == CG_V2 ? g->fd[0] : -1;
}

/* ---- files ---------------------------------------------------------- */

int cg_put(int dfd, const char *file, const char *val)
{
	int fd = openat(dfd, file, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = strlen(val);
	ssize_t w;
	do
		w = write(fd, val, len);
	while (w < 0 && errno == EINTR);
	int err = w < 0 ? -errno : (size_t)w != len ? -EIO : 0;
	close(fd);
	return err;
}

/* For knobs a kernel may lack (no swap accounting, no oom.group): the
 * limit they would set cannot be exceeded through them then either. */
int cg_put_opt(int dfd, const char *file, const char *val)
{
	int err = cg_put(dfd, file, val);
	return err == -ENOENT ? 0 : err;
}

const char *cg_num(char v[static 24], int64_t n, const char *none)
{
	if (n < 0)
		return none;
	snprintf(v, 24, "%lld", (long long)n);
	return v;
}

/* Reads from fd's current offset up to cap - 1 bytes; NUL-terminated. */
static int read_all(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	while (n < cap - 1) {
		ssize_t r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	return (int)n;
}

int cg_get(int dfd, const char *file, char *buf, size_t cap)
{
	int fd = openat(dfd, file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int n = read_all(fd, buf, cap);
	close(fd);
	return n;
}

/* A decimal number running up to end (or to the first non-digit when end
 * is NULL): 0, or -EINVAL/-ERANGE. */
static int parse_u64(const char *p, const char *end, uint64_t *v)
{
	uint64_t n = 0;
	const char *s = p;
	for (; (!end || p < end) && *p >= '0' && *p <= '9'; p++) {
		if (n > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -ERANGE;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (p == s || (end && p != end) || (!end && *p && *p != '\n'))
		return -EINVAL;
	*v = n;
	return 0;
}

/* "key N" lines (memory.events, cpu.stat, cgroup.events): only complete
 * lines count, so a truncated read cannot yield a truncated number. */
int cg_parse_key(const char *text, const char *key, uint64_t *v)
{
	size_t kl = strlen(key);
	for (const char *p = text, *nl; (nl = strchr(p, '\n')); p = nl + 1)
		if (!strncmp(p, key, kl) && p[kl] == ' ')
			return parse_u64(p + kl + 1, nl, v);
	return -ENOENT;
}

int cg_get_key(int dfd, const char *file, const char *key, uint64_t *v)
{
	char buf[1024];
	int n = cg_get(dfd, file, buf, sizeof buf);
	return n < 0 ? n : cg_parse_key(buf, key, v);
}

int cg_get_u64(int dfd, const char *file, uint64_t *v)
{
	char buf[32];
	int n = cg_get(dfd, file, buf, sizeof buf);
	return n < 0 ? n : parse_u64(buf, NULL, v);
}

/* Calls fn on every pid listed in dfd's cgroup.procs, read in chunks so
 * any number of pids fits. fn returns 0 to go on, else that is returned. */
int cg_each_pid(int dfd, int (*fn)(pid_t pid, void *arg), void *arg)
{
	int fd = openat(dfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	char buf[512];
	long pid = -1; /* digits carried over a chunk boundary */
	int rc = 0;
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			rc = r < 0 ? -errno : pid >= 0 ? fn((pid_t)pid, arg) : 0;
			break;
		}
		for (ssize_t i = 0; i < r && !rc; i++) {
			if (buf[i] >= '0' && buf[i] <= '9') {
				pid = (pid < 0 ? 0 : pid) * 10 + (buf[i] - '0');
				if (pid > 0x3fffffff)
					rc = -EINVAL;
			} else if (pid >= 0) {
				rc = fn((pid_t)pid, arg);
				pid = -1;
			}
		}
		if (rc)
			break;
	}
	close(fd);
	return rc;
}

/* a ".." component: our cgroup lies outside the namespace's root */
static bool dotdot(const char *path, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((i == 0 || path[i - 1] == '/') && path[i] == '.' && i + 1 < len &&
		    path[i + 1] == '.' && (i + 2 == len || path[i + 2] == '/'))
			return true;
	return false;
}

/* The path /proc/self/cgroup gives for a hierarchy: ctrl names a v1
 * controller, NULL the v2 line "0::". Written relative ("." for the
 * root); a path outside our cgroup namespace's view also becomes ".". */
void cg_own_path(const char *text, const char *ctrl, char *out, size_t cap)
{
	snprintf(out, cap, ".");
	for (const char *p = text, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
		const char *c1 = memchr(p, ':', (size_t)(nl - p));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(nl - c1 - 1)) : NULL;
		if (!c2)
			continue;
		bool match = false;
		if (!ctrl) {
			match = c1 - p == 1 && *p == '0' && c2 == c1 + 1;
		} else {
			size_t cl = strlen(ctrl);
			for (const char *t = c1 + 1; t < c2;) {
				const char *e = memchr(t, ',', (size_t)(c2 - t));
				if (!e)
					e = c2;
				match |= (size_t)(e - t) == cl && !strncmp(t, ctrl, cl);
				t = e + 1;
			}
		}
		if (!match)
			continue;
		const char *path = c2 + 1;
		size_t len = (size_t)(nl - path);
		while (len && *path == '/')
			path++, len--;
		if (len && len < cap && !dotdot(path, len))
			snprintf(out, cap, "%.*s", (int)len, path);
		return;
	}
}

/* The supervisor's group in one hierarchy, or the root when that path is
 * not there (a cgroup namespace that does not match the mount). */
int cg_open_own(int root, const char *rel)
{
	int fd = openat(root, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		fd = openat(root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* mkdir (an existing group is kept) and open */
int cg_make_group(int parent, const char *name, bool *made)
{
	*made = mkdirat(parent, name, 0755) == 0;
	if (!*made && errno != EEXIST)
		return -errno;
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int err = -errno;
		if (*made)
			unlinkat(parent, name, AT_REMOVEDIR);
		return err;
	}
	return fd;
}

/* Kubernetes' millicores → CFS quota per 100 ms period, and → cpu.shares
 * (v1) → cpu.weight (v2) as runc converts them. */
int64_t cg_quota_us(int64_t millis)
{
	int64_t q = (millis > CG_MAX_MILLIS ? CG_MAX_MILLIS : millis) * (CG_PERIOD_US / 1000);
	return q < CG_MIN_QUOTA_US ? CG_MIN_QUOTA_US : q;
}

int64_t cg_shares(int64_t millis)
{
	int64_t s = (millis > CG_MAX_MILLIS ? CG_MAX_MILLIS : millis) * 1024 / 1000;
	return s < 2 ? 2 : s > 262144 ? 262144 : s;
}

/* linux_dirent64, spelled out: musl no longer names struct dirent64 */
struct cg_dirent {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* fn(dfd) for dfd and every group below it, parents first. A non-zero
 * return stops the walk and is returned; -ELOOP below CG_WALK_DEPTH. */
static int walk(int dfd, unsigned depth, int (*fn)(int dfd, void *arg), void *arg)
{
	int rc = fn(dfd, arg);
	if (rc)
		return rc;
	/* a fresh open file description: getdents moves its offset */
	int d = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d < 0)
		return -errno;
	_Alignas(8) char buf[1024];
	for (;;) {
		long n = syscall(SYS_getdents64, d, buf, sizeof buf);
		if (n <= 0) {
			rc = n < 0 ? -errno : 0;
			break;
		}
		for (long off = 0; off < n && !rc;) {
			unsigned short reclen;
			unsigned char type;
			memcpy(&reclen, buf + off + offsetof(struct cg_dirent, reclen), sizeof reclen);
			memcpy(&type, buf + off + offsetof(struct cg_dirent, type), sizeof type);
			if (reclen == 0) {
				rc = -EIO;
				break;
			}
			const char *name = buf + off + offsetof(struct cg_dirent, name);
			off += reclen;
			struct stat st;
			if (!strcmp(name, ".") || !strcmp(name, ".."))
				continue;
			if (type == DT_UNKNOWN && fstatat(d, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISDIR(st.st_mode))
				type = DT_DIR;
			if (type != DT_DIR)
				continue;
			if (depth + 1 >= CG_WALK_DEPTH) {
				rc = -ELOOP;
				break;
			}
			int c = openat(d, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (c < 0) {
				if (errno != ENOENT) /* removed meanwhile */
					rc = -errno;
				continue;
			}
			rc = walk(c, depth + 1, fn, arg);
			close(c);
		}
		if (rc)
			break;
	}
	close(d);
	return rc;
}

static int stop_at_first(pid_t pid, void *arg)
{
	(void)pid;
	(void)arg;
	return 1;
}

static int has_procs(int dfd, void *arg)
{
	(void)arg;
	return cg_each_pid(dfd, stop_at_first, NULL);
}

static int kill_one(pid_t pid, void *arg)
{
	unsigned *found = arg;
	if (pid <= 1 || pid == getpid())
		return 0;
	if (kill(pid, SIGKILL) < 0)
		return errno == ESRCH ? 0 : -errno; /* ESRCH: exited meanwhile */
	(*found)++;
	return 0;
}

static int kill_procs(int dfd, void *arg)
{
	return cg_each_pid(dfd, kill_one, arg);
}

static int add_oom_kills(int dfd, void *arg)
{
	uint64_t n, *sum = arg;
	int err = cg_get_key(dfd, "memory.oom_control", "oom_kill", &n);
	if (err)
		return err;
	*sum += n;
	return 0;
}

int cg_walk_kill(int dfd)
{
	/* Signals are delivered, not awaited: a killed process stays listed
	 * until it has exited, and one forking right now may add a child
	 * after our read. So: a few passes, then let the caller come back. */
	for (unsigned pass = 0; pass < CG_KILL_PASSES; pass++) {
		unsigned found = 0;
		int err = walk(dfd, 0, kill_procs, &found);
		if (err)
			return err;
		if (!found)
			return 0;
	}
	return -EAGAIN;
}

/* Removes every empty group below dfd, children first; the busy stay. */
static void rmdir_below(int dfd, unsigned depth)
{
	if (depth >= CG_WALK_DEPTH)
		return;
	int d = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = d < 0 ? NULL : fdopendir(d);
	if (!dir) {
		if (d >= 0)
			close(d);
		return;
	}
	struct dirent *de;
	while ((de = readdir(dir))) {
		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		int c = openat(d, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (c < 0)
			continue;
		rmdir_below(c, depth + 1);
		close(c);
		unlinkat(d, de->d_name, AT_REMOVEDIR); /* EBUSY: processes left, kept */
	}
	closedir(dir);
}

void cg_walk_rmdir(int dfd)
{
	rmdir_below(dfd, 0);
}

bool cg_walk_populated(int dfd)
{
	return walk(dfd, 0, has_procs, NULL) != 0; /* errors count as populated */
}

int cg_walk_oom_kills(int dfd, uint64_t *n)
{
	*n = 0;
	return walk(dfd, 0, add_oom_kills, n);
}
