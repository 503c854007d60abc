/* cgroup_v1.c - one hierarchy per controller: setup, limit files, and
 * the subtree walks that stand in for v2's recursive files.
 *
 * Each of memory, cpu, cpuacct, pids and devices is looked for at MOUNT/<name>;
 * memory and pids must be there. A hierarchy mounted under two names
 * (cpu,cpuacct) is used once. Swap is off by memsw = limit where swap is
 * accounted, and swappiness 0. v1 has no memory.oom.group: after an OOM
 * kill the caller ends the rest of the group with cg_kill_all. A walk
 * holds one 1 KiB directory buffer per level, CG_WALK_DEPTH at most. */
#define CG_BACKEND
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CG_WALK_DEPTH 8  /* group levels below a pod or container group */
#define CG_KILL_PASSES 3 /* reads of cgroup.procs per cg_walk_kill */

int cg_v1_init(struct cg_sys *s, int mroot, const char *self)
{
	dev_t dev[CG_MAXH];
	char rel[CG_PATH_BYTES];
	for (int c = 0; c < CG_NCTRL; c++) {
		s->h_of[c] = -1;
		int root = openat(mroot, cg_ctrl_name[c], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (root < 0)
			continue;
		struct stat st;
		/* "tasks" is v1's alone; the same device is the same hierarchy
		 * (cpu,cpuacct mounted together and linked under both names) */
		if (faccessat(root, "tasks", F_OK, 0) < 0 || fstat(root, &st) < 0) {
			close(root);
			continue;
		}
		for (unsigned h = 0; h < s->nh; h++)
			if (dev[h] == st.st_dev)
				s->h_of[c] = (signed char)h;
		if (s->h_of[c] >= 0) {
			close(root);
			continue;
		}
		cg_own_path(self, cg_ctrl_name[c], rel, sizeof rel);
		int own = cg_open_own(root, rel);
		close(root);
		if (own < 0)
			return own;
		bool made;
		int base = cg_make_group(own, s->base_name, &made);
		if (base < 0) {
			close(own);
			return base;
		}
		dev[s->nh] = st.st_dev;
		s->own[s->nh] = own;
		s->base[s->nh] = base;
		s->h_of[c] = (signed char)s->nh++;
	}
	if (s->h_of[CG_MEMORY] < 0 || s->h_of[CG_PIDS] < 0)
		return -ENOTSUP;
	for (int c = 0; c < CG_NCTRL; c++) {
		int h = s->h_of[c];
		if (h < 0)
			continue;
		size_t l = strlen(s->v1_name[h]);
		snprintf(s->v1_name[h] + l, sizeof s->v1_name[h] - l, "%s%s", l ? "," : "",
			 cg_ctrl_name[c]);
	}
	for (unsigned h = 0; h < s->nh; h++)
		s->v1_names[h] = s->v1_name[h];
	s->v1_names[s->nh] = NULL;
	s->mode = CG_V1;
	return 0;
}

int cg_v1_limits(struct cg *g, const struct cg_limits *lim)
{
	int m = cg_fd_of(g, CG_MEMORY), c = cg_fd_of(g, CG_CPU), err;
	char v[24], p[24];
	const char *mem = cg_num(v, lim->mem_max, "-1");
	/* the kernel keeps memsw >= limit: raising the limit past memsw
	 * fails until memsw is raised, lowering memsw below it likewise */
	err = cg_put(m, "memory.limit_in_bytes", mem);
	if (err == -EINVAL && !(err = cg_put_opt(m, "memory.memsw.limit_in_bytes", mem)))
		err = cg_put(m, "memory.limit_in_bytes", mem);
	if (err || (err = cg_put_opt(m, "memory.memsw.limit_in_bytes", mem)) ||
	    (err = cg_put_opt(m, "memory.swappiness", "0")) ||
	    (err = cg_put(cg_fd_of(g, CG_PIDS), "pids.max", cg_num(p, lim->pids_max, "max"))))
		return err;
	if (c < 0)
		return 0;
	if ((err = cg_put(c, "cpu.cfs_period_us", cg_num(v, CG_PERIOD_US, ""))) ||
	    (err = cg_put(c, "cpu.cfs_quota_us",
			  lim->cpu_max < 0 ? "-1" : cg_num(v, cg_quota_us(lim->cpu_max), ""))))
		return err;
	/* unset: the kernel's default weight */
	return cg_put(c, "cpu.shares",
		      lim->cpu_request < 0 ? "1024" : cg_num(v, cg_shares(lim->cpu_request), ""));
}

/* ---- walking a subtree: v1 has no recursive kill, populated or oom_kill file */

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

bool cg_walk_populated(int dfd)
{
	return walk(dfd, 0, has_procs, NULL) != 0; /* errors count as populated */
}

int cg_walk_oom_kills(int dfd, uint64_t *n)
{
	*n = 0;
	return walk(dfd, 0, add_oom_kills, n);
}
