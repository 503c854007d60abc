/* cgroup_v2.c - the unified hierarchy: setup and limit files.
 *
 * v2 forbids processes in a group that hands controllers to its children
 * (the root excepted). So the supervisor, unless it is in the root, moves
 * into the leaf BASE/_supervisor before enabling controllers in its own
 * group, and refuses to start when others share that group: whoever
 * started it must give it a group of its own (systemd: Delegate=yes). */
#include "cgroup_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* cpu.shares → cpu.weight, as runc and the kubelet convert them */
static int64_t weight(int64_t millis)
{
	return 1 + ((cg_shares(millis) - 2) * 9999) / 262142;
}

static int other_proc(pid_t pid, void *arg)
{
	(void)arg;
	return pid != getpid() ? -EBUSY : 0;
}

/* Init again from inside our leaf (a restart): rel ends in
 * BASE/_supervisor, and the group to use is the one above BASE. */
static void above_leaf(char *rel, size_t cap, const char *base)
{
	char tail[CG_NAME_MAX + sizeof CG_LEAF + 1];
	snprintf(tail, sizeof tail, "%s/%s", base, CG_LEAF);
	size_t rl = strlen(rel), tl = strlen(tail);
	if (rl == tl && !strcmp(rel, tail))
		snprintf(rel, cap, ".");
	else if (rl > tl && !strcmp(rel + rl - tl, tail) && rel[rl - tl - 1] == '/')
		rel[rl - tl - 1] = '\0';
}

static int controllers(int own, bool have[CG_NCTRL])
{
	char buf[256], *save;
	int n = cg_get(own, "cgroup.controllers", buf, sizeof buf);
	if (n < 0)
		return n;
	for (char *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
		for (int c = 0; c < CG_NCTRL; c++)
			have[c] |= !strcmp(t, cg_ctrl_name[c]);
	return 0;
}

/* v2 is used when the supervisor's group can hand memory and pids down. */
static int v2_init(struct cg_sys *s, int root, const char *self)
{
	char rel[CG_PATH_BYTES];
	bool have[CG_NCTRL] = {false};
	cg_own_path(self, NULL, rel, sizeof rel);
	above_leaf(rel, sizeof rel, s->base_name);
	int own = cg_open_own(root, rel);
	if (own < 0)
		return own;
	int err = controllers(own, have);
	if (err)
		goto close_own;
	err = -ENOTSUP;
	if (!have[CG_MEMORY] || !have[CG_PIDS])
		goto close_own;
	/* A group with controllers enabled for its children may hold no
	 * process: we are the only one allowed in ours, and leave for a leaf.
	 * The true root is exempt, and is the one group without cgroup.type
	 * (the root of a cgroup namespace has one). */
	bool at_root = faccessat(own, "cgroup.type", F_OK, 0) < 0 && errno == ENOENT;
	if (!at_root && (err = cg_each_pid(own, other_proc, NULL)) < 0)
		goto close_own;
	bool made, leaf_made = false;
	int base = cg_make_group(own, s->base_name, &made);
	if ((err = base) < 0)
		goto close_own;
	if (!at_root) {
		int leaf = cg_make_group(base, CG_LEAF, &leaf_made);
		if ((err = leaf) < 0)
			goto remove_base;
		char pid[24];
		err = cg_put(leaf, "cgroup.procs", cg_num(pid, getpid(), "0"));
		close(leaf);
		if (err)
			goto remove_leaf;
	}
	snprintf(s->enable, sizeof s->enable, "+memory +pids%s", have[CG_CPU] ? " +cpu" : "");
	if ((err = cg_put(own, "cgroup.subtree_control", s->enable)) ||
	    (err = cg_put(base, "cgroup.subtree_control", s->enable)))
		goto remove_leaf; /* we stay in the leaf: harmless, and init may be retried */
	s->mode = CG_V2;
	s->nh = 1;
	s->own[0] = own;
	s->base[0] = base;
	s->h_of[CG_MEMORY] = s->h_of[CG_PIDS] = s->h_of[CG_CPUACCT] = 0; /* cpu.stat is core */
	s->h_of[CG_CPU] = have[CG_CPU] ? 0 : -1;
	return 0;

remove_leaf:
	if (!at_root && leaf_made)
		unlinkat(base, CG_LEAF, AT_REMOVEDIR);
remove_base:
	close(base);
	if (made)
		unlinkat(own, s->base_name, AT_REMOVEDIR);
close_own:
	close(own);
	return err;
}

static int v2_limits(struct cg *g, const struct cg_limits *lim)
{
	int d = g->fd[0], err;
	char v[24], q[48];
	if ((err = cg_put(d, "memory.max", cg_num(v, lim->mem_max, "max"))) ||
	    (err = cg_put_opt(d, "memory.swap.max", "0")) ||
	    (err = cg_put_opt(d, "memory.oom.group", "1")) ||
	    (err = cg_put(d, "pids.max", cg_num(v, lim->pids_max, "max"))))
		return err;
	if (cg_fd_of(g, CG_CPU) < 0)
		return 0;
	if (lim->cpu_max < 0)
		snprintf(q, sizeof q, "max %d", CG_PERIOD_US);
	else
		snprintf(q, sizeof q, "%lld %d", (long long)cg_quota_us(lim->cpu_max), CG_PERIOD_US);
	if ((err = cg_put(d, "cpu.max", q)))
		return err;
	/* unset: the kernel's default weight */
	return cg_put(d, "cpu.weight",
		      lim->cpu_request < 0 ? "100" : cg_num(v, weight(lim->cpu_request), ""));
}

const struct cg_ops cg_v2_ops = {.init = v2_init, .limits = v2_limits};
