/* cgroup.h - one cgroup per pod and one per container inside it.
 *
 * cgroup v2 where the memory and pids controllers are available (cpu when
 * it is there), else the v1 hierarchies memory, cpu, cpuacct and pids.
 * Groups live under a base group ("podinit") made below the supervisor's
 * own cgroup. Files are read and written through directory fds with fixed
 * buffers: nothing here allocates or sleeps.
 *
 * v2's rule: a group with controllers enabled for children holds no
 * process. So a pod group that gets container groups must stay empty
 * itself (put processes in leaf groups only), and when podinit is not in
 * the root cgroup, cg_sys_init moves it into the leaf BASE/_supervisor. */
#ifndef PODINIT_CGROUP_H
#define PODINIT_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define CG_NAME_MAX 64 /* a group's name, with its NUL: a DNS label fits */
#define CG_MAXH 5      /* hierarchies: v2 uses one, v1 memory, cpu, cpuacct, pids, devices */
#define CG_STAT_NONE UINT64_MAX

enum cg_mode { CG_NONE, CG_V1, CG_V2 };
/* CG_DEVICES: v1 only (v2 controls devices with a BPF program, devices.h) */
enum cg_ctrl { CG_MEMORY, CG_CPU, CG_CPUACCT, CG_PIDS, CG_DEVICES, CG_NCTRL };

struct cg_limits {
	int64_t mem_max;     /* bytes, <0 none; swap is always off */
	int64_t cpu_max;     /* millicores, <0 none */
	int64_t cpu_request; /* millicores, <0 the kernel's default weight */
	int64_t pids_max;    /* <0 none */
};

struct cg_stats {
	uint64_t mem_bytes; /* memory charged now, children included */
	uint64_t cpu_usec;  /* CPU time used; CG_STAT_NONE without cpuacct (v1) */
};

struct cg_ops;

struct cg_sys {
	enum cg_mode mode;
	const struct cg_ops *ops;    /* the mode's setup and limit files (cgroup_int.h) */
	unsigned nh;                /* hierarchies in use */
	signed char h_of[CG_NCTRL]; /* hierarchy serving each controller, -1 none */
	int own[CG_MAXH];           /* dir fds: the supervisor's cgroup, parent of base */
	int base[CG_MAXH];          /* dir fds: the base group */
	char base_name[CG_NAME_MAX];
	char enable[32];            /* v2 cgroup.subtree_control line, "+memory +pids +cpu" */
	char v1_name[CG_MAXH][48];  /* v1: each hierarchy's controllers, "cpu,cpuacct" */
	const char *v1_names[CG_MAXH + 1]; /* NULL-ended, for mounting them in a container */
};

struct cg {
	struct cg_sys *sys;
	int fd[CG_MAXH]; /* dir fds, -1 once removed */
	int events_fd;   /* v2 cgroup.events, -1 in v1 */
	char name[CG_NAME_MAX];
};

/* Detects the mode and makes the base group (kept if it exists, the empty
 * groups below it removed: an earlier podinit's, killed) under the
 * supervisor's cgroup as /proc/self/cgroup names it, or at the root.
 * self_cgroup is that file's path; NULL means /proc/self/cgroup (tests
 * pass their own). -ENOTSUP when neither v2 nor v1 has memory and pids;
 * in v2, -EBUSY when other processes share the supervisor's cgroup. */
int cg_sys_init(struct cg_sys *s, const char *mount_root, const char *base,
		const char *self_cgroup);
/* Closes the fds and removes the base group if it is empty. Also safe
 * after a failed cg_sys_init. */
void cg_sys_fini(struct cg_sys *s);
const char *cg_mode_name(const struct cg_sys *s);

/* Makes parent/name (parent NULL = the base group) and sets lim. A group
 * that exists already is adopted, its limits rewritten. Names are
 * [A-Za-z0-9_.-], not starting with '.'. -ENOTSUP when lim needs the cpu
 * controller and there is none; v2: -EBUSY when parent holds processes. */
int cg_create(struct cg_sys *s, struct cg *parent, const char *name,
	      const struct cg_limits *lim, struct cg *out);
/* Dir fd of g in the hierarchy of controller c, -1 without it. */
int cg_fd_of(const struct cg *g, enum cg_ctrl c);
/* Writes every knob, so the group ends up exactly as lim says. */
int cg_set_limits(struct cg *g, const struct cg_limits *lim);
/* The v2 directory fd for clone3(CLONE_INTO_CGROUP); -1 in v1. */
int cg_fd_v2(const struct cg *g);
/* Moves pid (as this PID namespace sees it) and its threads into g in
 * every hierarchy. Memory already charged stays where it was, so attach
 * before the process runs (after clone, before releasing it to exec). */
int cg_attach(struct cg *g, pid_t pid);
/* Sends SIGKILL to every process in g and below. v2 with cgroup.kill:
 * 0 once the kernel has signalled them all, forks racing with it too.
 * Else a few passes over cgroup.procs: 0 when one finds nobody, -EAGAIN
 * while processes remain (signalled but still exiting, or just forked).
 * Signals are delivered, not awaited: podinit does not wait for the group
 * to empty, it removes the group with cg_destroy and hands one that is
 * still busy to the leftover list (cg_leftover.h), which retries. */
int cg_kill_all(struct cg *g);
/* Whether any process (zombies excluded) is left in g or below; true
 * when it cannot be read. */
bool cg_populated(struct cg *g);
/* OOM kills in g and below since it was made. */
int cg_oom_kills(struct cg *g, uint64_t *n);
int cg_stats(struct cg *g, struct cg_stats *st);
/* Removes g in every hierarchy and closes its fds; -EBUSY while it has
 * processes or child groups (then g stays usable and may be retried). */
int cg_destroy(struct cg *g);
/* Gives a group up without removing it: closes its fds. */
void cg_release(struct cg *g);

#endif
