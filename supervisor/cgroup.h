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

struct cg_sys {
	enum cg_mode mode;
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

/* Detects the mode and makes the base group (kept if it exists) under the
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
 * while processes remain (signalled but still exiting, or just forked):
 * call again after the next SIGCHLD or a short timer. Either way the
 * processes are gone only when cg_populated() turns false. */
int cg_kill_all(struct cg *g);
/* Whether any process (zombies excluded) is left in g or below; true
 * when it cannot be read. Re-arms cg_events_fd. */
bool cg_populated(struct cg *g);
/* v2: cgroup.events, owned by g; EPOLLPRI when "populated" may have
 * changed, cleared by calling cg_populated. -1 in v1 (watch SIGCHLD). */
int cg_events_fd(const struct cg *g);
/* OOM kills in g and below since it was made. */
int cg_oom_kills(struct cg *g, uint64_t *n);
int cg_stats(struct cg *g, struct cg_stats *st);
/* Removes g in every hierarchy and closes its fds; -EBUSY while it has
 * processes or child groups (then g stays usable and may be retried). */
int cg_destroy(struct cg *g);
/* Gives a group up without removing it: closes its fds. */
void cg_release(struct cg *g);

/* ---- between cgroup.c, cgroup_v1.c and cgroup_v2.c only ---------------- */
#ifdef CG_BACKEND
#include <stddef.h>

#define CG_LEAF "_supervisor" /* v2: the supervisor's own leaf below the base */
#define CG_PERIOD_US 100000   /* CFS period, as the kubelet sets it */
#define CG_PATH_BYTES 4096    /* the supervisor's cgroup path */

extern const char *const cg_ctrl_name[CG_NCTRL]; /* "memory", "cpu", ... */

int cg_v2_init(struct cg_sys *s, int root, const char *self);
int cg_v1_init(struct cg_sys *s, int mount_root, const char *self);
int cg_v2_limits(struct cg *g, const struct cg_limits *lim);
int cg_v1_limits(struct cg *g, const struct cg_limits *lim);
/* The subtree below a directory, walked: for v1, and for v2 before
 * cgroup.kill (Linux 5.14). cg_walk_kill: 0 when nobody is left, or
 * -EAGAIN; cg_walk_populated: true also when it cannot tell. */
int cg_walk_kill(int dfd);
bool cg_walk_populated(int dfd);
int cg_walk_oom_kills(int dfd, uint64_t *n);

/* Files in a directory fd: 0 or -errno; cg_get returns the length read
 * (at most cap - 1, NUL-terminated); cg_put_opt ignores a missing file. */
int cg_put(int dfd, const char *file, const char *val);
int cg_put_opt(int dfd, const char *file, const char *val);
int cg_get(int dfd, const char *file, char *buf, size_t cap);
const char *cg_num(char v[static 24], int64_t n, const char *none); /* none when n < 0 */
/* fn(pid) for each pid in dfd's cgroup.procs; a non-zero return stops */
int cg_each_pid(int dfd, int (*fn)(pid_t pid, void *arg), void *arg);
/* The relative path of our cgroup in a hierarchy (ctrl NULL: v2), "." at
 * the root; opening it falls back to the root when it is not there. */
void cg_own_path(const char *self, const char *ctrl, char *out, size_t cap);
int cg_open_own(int root, const char *rel);
/* mkdir (an existing group is kept, *made false) and open: fd or -errno */
int cg_make_group(int parent, const char *name, bool *made);
int cg_get_key(int dfd, const char *file, const char *key, uint64_t *v); /* "key N" lines */
int64_t cg_quota_us(int64_t millis);
int64_t cg_shares(int64_t millis);
#endif

#endif
