/* cgroup_int.h - between cgroup.c, cgroup_fs.c and the backends
 * cgroup_v1.c and cgroup_v2.c only. The backends call cgroup_fs.c and
 * nothing above it; cgroup.c reaches them through struct cg_ops. */
#ifndef PODINIT_CGROUP_INT_H
#define PODINIT_CGROUP_INT_H

#include <stddef.h>
#include "cgroup.h"

#define CG_LEAF "_supervisor" /* v2: the supervisor's own leaf below the base */
#define CG_PERIOD_US 100000   /* CFS period, as the kubelet sets it */
#define CG_PATH_BYTES 4096    /* the supervisor's cgroup path */

extern const char *const cg_ctrl_name[CG_NCTRL]; /* "memory", "cpu", ... */

/* A mode: init finds its hierarchies under root (v2: the unified tree;
 * v1: the directory holding one mount per controller) and makes the base
 * group; limits writes every knob of lim into g. 0 or -errno. */
struct cg_ops {
	int (*init)(struct cg_sys *s, int root, const char *self);
	int (*limits)(struct cg *g, const struct cg_limits *lim);
};
extern const struct cg_ops cg_v1_ops, cg_v2_ops;
/* The subtree below a directory, walked: for v1, and for v2 before
 * cgroup.kill (Linux 5.14). cg_walk_kill: 0 when nobody is left, or
 * -EAGAIN; cg_walk_populated: true also when it cannot tell. */
int cg_walk_kill(int dfd);
bool cg_walk_populated(int dfd);
/* Removes the empty groups below dfd (not dfd itself). */
void cg_walk_rmdir(int dfd);
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
int cg_parse_key(const char *text, const char *key, uint64_t *v);     /* the same in text */
int cg_get_u64(int dfd, const char *file, uint64_t *v);               /* a file holding one number */
int64_t cg_quota_us(int64_t millis);
int64_t cg_shares(int64_t millis);

#endif
