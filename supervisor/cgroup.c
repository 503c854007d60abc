/* cgroup.c - what v1 and v2 share: files read and written through
 * directory fds, the supervisor's own cgroup, and the groups' life cycle.
 * The modes differ in setup and limit files (cgroup_v1.c, cgroup_v2.c).
 *
 * A hierarchy is a slot h < nh: v2 has one, v1 one per mounted controller
 * (cpu and cpuacct share a slot when mounted together). h_of[] maps a
 * controller to its slot, so code here asks for "the memory directory"
 * and does not care which mode it runs in.
 *
 * Invariants: every fd is O_CLOEXEC; a struct cg's fd[h] stays open until
 * that directory is gone, so a failed cg_destroy can be retried; files
 * are read and written whole through fixed buffers on the stack. */
#define CG_BACKEND
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CG_MIN_QUOTA_US 1000       /* the kernel's smallest CFS quota */
#define CG_MAX_MILLIS 1000000000LL /* a million CPUs: keeps the arithmetic in range */
#define CG_SELF_BYTES 8192         /* /proc/self/cgroup */

const char *const cg_ctrl_name[CG_NCTRL] = {"memory", "cpu", "cpuacct", "pids", "devices"};

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
static int keyval(const char *text, const char *key, uint64_t *v)
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
	return n < 0 ? n : keyval(buf, key, v);
}

static int get_u64(int dfd, const char *file, uint64_t *v)
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

/* ---- the supervisor's own cgroup ------------------------------------ */

static bool valid_name(const char *name)
{
	size_t n = strnlen(name, CG_NAME_MAX);
	if (n == 0 || n == CG_NAME_MAX || name[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
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

int cg_sys_init(struct cg_sys *s, const char *mount_root, const char *base, const char *self_cgroup)
{
	memset(s, 0, sizeof *s);
	for (int h = 0; h < CG_MAXH; h++)
		s->own[h] = s->base[h] = -1;
	memset(s->h_of, -1, sizeof s->h_of);
	if (!valid_name(base))
		return -EINVAL;
	snprintf(s->base_name, sizeof s->base_name, "%s", base);
	char self[CG_SELF_BYTES];
	int n = cg_get(AT_FDCWD, self_cgroup ? self_cgroup : "/proc/self/cgroup", self, sizeof self);
	if (n < 0)
		return n;
	if ((size_t)n == sizeof self - 1)
		return -E2BIG;
	int mroot = open(mount_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mroot < 0)
		return -errno;
	/* pure v2 at the mount root, or the unified tree of a hybrid host */
	int err = -ENOTSUP;
	int root = -1;
	if (faccessat(mroot, "cgroup.controllers", F_OK, 0) == 0)
		root = openat(mroot, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	else if (faccessat(mroot, "unified/cgroup.controllers", F_OK, 0) == 0)
		root = openat(mroot, "unified", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root >= 0) {
		err = cg_v2_init(s, root, self);
		close(root);
	}
	if (err == -ENOTSUP) {
		err = cg_v1_init(s, mroot, self);
		if (err)
			cg_sys_fini(s);
	}
	close(mroot);
	return err;
}

void cg_sys_fini(struct cg_sys *s)
{
	for (unsigned h = 0; h < CG_MAXH; h++) {
		if (s->base[h] >= 0)
			close(s->base[h]);
		if (s->own[h] >= 0) {
			/* best effort: fails while pods or podinit itself are inside.
			 * Two podinits started from one cgroup share the base: give
			 * each its own cgroup (the tests and bench/ do) */
			(void)unlinkat(s->own[h], s->base_name, AT_REMOVEDIR);
			close(s->own[h]);
		}
		s->own[h] = s->base[h] = -1;
	}
	s->nh = 0;
	s->mode = CG_NONE;
}

const char *cg_mode_name(const struct cg_sys *s)
{
	return s->mode == CG_V2 ? "v2" : s->mode == CG_V1 ? "v1" : "none";
}

/* ---- groups --------------------------------------------------------- */

int cg_fd_of(const struct cg *g, enum cg_ctrl c)
{
	int h = g->sys->h_of[c];
	return h < 0 ? -1 : g->fd[h];
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

static bool lacks_cpu(const struct cg_sys *s, const struct cg_limits *lim)
{
	return s->h_of[CG_CPU] < 0 && (lim->cpu_max >= 0 || lim->cpu_request >= 0);
}

int cg_set_limits(struct cg *g, const struct cg_limits *lim)
{
	if (lacks_cpu(g->sys, lim))
		return -ENOTSUP;
	for (unsigned h = 0; h < g->sys->nh; h++)
		if (g->fd[h] < 0)
			return -EBADF; /* destroyed */
	return g->sys->mode == CG_V2 ? cg_v2_limits(g, lim) : cg_v1_limits(g, lim);
}

int cg_create(struct cg_sys *s, struct cg *parent, const char *name, const struct cg_limits *lim,
	      struct cg *out)
{
	if (s->mode == CG_NONE || lacks_cpu(s, lim))
		return -ENOTSUP;
	if (!valid_name(name) || (!parent && !strcmp(name, CG_LEAF)))
		return -EINVAL;
	memset(out, 0, sizeof *out);
	out->sys = s;
	out->events_fd = -1;
	snprintf(out->name, sizeof out->name, "%s", name);
	bool made[CG_MAXH] = {false};
	int err = 0;
	unsigned h;
	for (h = 0; h < CG_MAXH; h++)
		out->fd[h] = -1;
	for (h = 0; h < s->nh; h++) {
		int pfd = parent ? parent->fd[h] : s->base[h];
		if (pfd < 0) {
			err = -EBADF;
			goto undo;
		}
		/* v2: the parent hands its controllers down (the base does
		 * already); this is where a pod group must be empty */
		if (s->mode == CG_V2 && parent && (err = cg_put(pfd, "cgroup.subtree_control", s->enable)))
			goto undo;
		if ((err = out->fd[h] = cg_make_group(pfd, name, &made[h])) < 0)
			goto undo;
	}
	if (s->mode == CG_V2) {
		out->events_fd = openat(out->fd[0], "cgroup.events", O_RDONLY | O_CLOEXEC);
		if (out->events_fd < 0) {
			err = -errno;
			goto undo;
		}
	}
	if ((err = cg_set_limits(out, lim)))
		goto undo;
	return 0;

undo:
	if (out->events_fd >= 0)
		close(out->events_fd);
	for (h = 0; h < s->nh; h++) {
		if (out->fd[h] >= 0)
			close(out->fd[h]);
		if (made[h])
			unlinkat(parent ? parent->fd[h] : s->base[h], name, AT_REMOVEDIR);
		out->fd[h] = -1;
	}
	out->events_fd = -1;
	return err;
}

int cg_fd_v2(const struct cg *g)
{
	return g->sys->mode == CG_V2 ? g->fd[0] : -1;
}

int cg_events_fd(const struct cg *g)
{
	return g->events_fd;
}

int cg_attach(struct cg *g, pid_t pid)
{
	char v[24];
	if (pid <= 0)
		return -EINVAL;
	cg_num(v, pid, "");
	for (unsigned h = 0; h < g->sys->nh; h++) {
		int err = g->fd[h] < 0 ? -EBADF : cg_put(g->fd[h], "cgroup.procs", v);
		if (err)
			return err;
	}
	return 0;
}

/* the hierarchy whose cgroup.procs is read: pids in v1 */
static int procs_fd(const struct cg *g)
{
	return g->sys->mode == CG_V2 ? g->fd[0] : cg_fd_of(g, CG_PIDS);
}

int cg_kill_all(struct cg *g)
{
	int d = procs_fd(g);
	if (d < 0)
		return -EBADF;
	if (g->sys->mode == CG_V2) {
		/* the kernel kills the subtree and forks racing with it */
		int err = cg_put(d, "cgroup.kill", "1");
		if (err != -ENOENT) /* before Linux 5.14 */
			return err;
	}
	return cg_walk_kill(d);
}

bool cg_populated(struct cg *g)
{
	if (g->events_fd >= 0) {
		/* reading from offset 0 also re-arms EPOLLPRI */
		char buf[128];
		uint64_t v;
		ssize_t n;
		do
			n = pread(g->events_fd, buf, sizeof buf - 1, 0);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return true;
		buf[n] = '\0';
		return keyval(buf, "populated", &v) < 0 || v != 0;
	}
	int d = procs_fd(g);
	return d < 0 || cg_walk_populated(d);
}

int cg_oom_kills(struct cg *g, uint64_t *n)
{
	int d = cg_fd_of(g, CG_MEMORY);
	if (d < 0)
		return -EBADF;
	*n = 0;
	if (g->sys->mode == CG_V2)
		return cg_get_key(d, "memory.events", "oom_kill", n); /* hierarchical */
	return cg_walk_oom_kills(d, n); /* v1 counts per group */
}

int cg_stats(struct cg *g, struct cg_stats *st)
{
	int m = cg_fd_of(g, CG_MEMORY), a = cg_fd_of(g, CG_CPUACCT), err;
	if (m < 0)
		return -EBADF;
	st->cpu_usec = CG_STAT_NONE;
	if (g->sys->mode == CG_V2) {
		if ((err = get_u64(m, "memory.current", &st->mem_bytes)))
			return err;
		return cg_get_key(a, "cpu.stat", "usage_usec", &st->cpu_usec);
	}
	if ((err = get_u64(m, "memory.usage_in_bytes", &st->mem_bytes)) || a < 0)
		return err;
	uint64_t ns;
	if ((err = get_u64(a, "cpuacct.usage", &ns)))
		return err;
	st->cpu_usec = ns / 1000;
	return 0;
}

int cg_destroy(struct cg *g)
{
	/* v1: not one hierarchy removed while another still holds processes */
	if (g->sys->nh > 1 && procs_fd(g) >= 0 && cg_populated(g))
		return -EBUSY;
	int err = 0;
	for (unsigned h = 0; h < g->sys->nh; h++) {
		if (g->fd[h] < 0)
			continue;
		int p = openat(g->fd[h], "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		int e = p < 0 ? -errno : 0;
		if (p >= 0) {
			if (unlinkat(p, g->name, AT_REMOVEDIR) < 0 && errno != ENOENT)
				e = -errno;
			close(p);
		}
		if (e) {
			err = err ? err : e;
			continue;
		}
		close(g->fd[h]);
		g->fd[h] = -1;
	}
	if (!err && g->events_fd >= 0) {
		close(g->events_fd);
		g->events_fd = -1;
	}
	return err;
}

void cg_release(struct cg *g)
{
	for (unsigned h = 0; h < CG_MAXH; h++)
		if (g->fd[h] >= 0) {
			close(g->fd[h]);
			g->fd[h] = -1;
		}
	if (g->events_fd >= 0) {
		close(g->events_fd);
		g->events_fd = -1;
	}
}
