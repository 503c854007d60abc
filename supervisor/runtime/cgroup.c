/* cgroup.c - the supervisor's own cgroup and the groups' life cycle. The
 * modes differ in setup and limit files, behind the operations table of
 * cgroup_v1.c and cgroup_v2.c; the files themselves are cgroup_fs.c.
 *
 * A hierarchy is a slot h < nh: v2 has one, v1 one per mounted controller
 * (cpu and cpuacct share a slot when mounted together). h_of[] maps a
 * controller to its slot, so code here asks for "the memory directory"
 * and does not care which mode it runs in.
 *
 * Invariants: every fd is O_CLOEXEC; a struct cg's fd[h] stays open until
 * that directory is gone, so a failed cg_destroy can be retried; files
 * are read and written whole through fixed buffers on the stack. */
#include "cgroup_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CG_SELF_BYTES 8192 /* /proc/self/cgroup */

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
		s->ops = &cg_v2_ops;
		err = s->ops->init(s, root, self);
		close(root);
	}
	if (err == -ENOTSUP) {
		s->ops = &cg_v1_ops;
		err = s->ops->init(s, mroot, self);
		if (err)
			cg_sys_fini(s);
	}
	close(mroot);
	/* groups an earlier podinit left (it was killed, or the power went
	 * while it ran): nothing of ours runs yet, so the empty ones go */
	for (unsigned h = 0; !err && h < s->nh; h++)
		if (s->base[h] >= 0)
			cg_walk_rmdir(s->base[h]);
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
	return g->sys->ops->limits(g, lim);
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
		return cg_parse_key(buf, "populated", &v) < 0 || v != 0;
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
		if ((err = cg_get_u64(m, "memory.current", &st->mem_bytes)))
			return err;
		return cg_get_key(a, "cpu.stat", "usage_usec", &st->cpu_usec);
	}
	if ((err = cg_get_u64(m, "memory.usage_in_bytes", &st->mem_bytes)) || a < 0)
		return err;
	uint64_t ns;
	if ((err = cg_get_u64(a, "cpuacct.usage", &ns)))
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
