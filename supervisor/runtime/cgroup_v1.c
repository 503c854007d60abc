/* cgroup_v1.c - one hierarchy per controller: setup and limit files.
 *
 * Each of memory, cpu, cpuacct, pids and devices is looked for at MOUNT/<name>;
 * memory and pids must be there. A hierarchy mounted under two names
 * (cpu,cpuacct) is used once. Swap is off by memsw = limit where swap is
 * accounted, and swappiness 0. v1 has no memory.oom.group: after an OOM
 * kill the caller ends the rest of the group with cg_kill_all. */
#include "cgroup_int.h"

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


static int v1_init(struct cg_sys *s, int mroot, const char *self)
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

static int v1_limits(struct cg *g, const struct cg_limits *lim)
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

const struct cg_ops cg_v1_ops = {.init = v1_init, .limits = v1_limits};
