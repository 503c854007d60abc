/* ctl_int.h - what podctl's commands share (internal to ctl_*.c): the
 * command table entry, output helpers, the lookups that answer NotFound
 * as kubectl shows it. */
#ifndef PODINIT_CTL_INT_H
#define PODINIT_CTL_INT_H

#include <stdbool.h>
#include <stdio.h>
#include "ctl.h"
#include "ctl_args.h"

struct pod;
struct event;
enum mf_kind;

struct ctl_cmd {
	const char *name;
	const struct ctl_flag *flags;
	void (*run)(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a);
	const char *usage; /* after "podctl " */
};

#define OUT(cl, ...) ctl_printf(cl, '1', __VA_ARGS__)
#define ERR(cl, ...) ctl_printf(cl, '2', __VA_ARGS__)
/* a flag's value in a handler: NULL when not given */
#define ARG(name) ctl_args_get(cmd->flags, a, name)

/* Output through a memory FILE, for the emitter and tables. */
struct membuf {
	char *buf;
	size_t len;
	FILE *f;
};
FILE *ctl_mb_open(struct membuf *m);
void ctl_mb_send(struct ctl_client *cl, struct membuf *m, char stream);

/* A usage error: one line, exit 2. */
void ctl_usage(struct ctl_client *cl, const struct ctl_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The namespace the command is for (-n, default "default"); NULL with -A. */
const char *ctl_namespace(const struct ctl_cmd *cmd, const struct ctl_args *a);
/* The pod NAME in ns, or NULL after answering NotFound. */
struct pod *ctl_pod_or_not_found(struct ctl_client *cl, const char *ns, const char *name);
/* True (after answering) when cl may not become one more follower. */
bool ctl_followers_full(struct ctl_client *cl);

/* ctl_table.c: the API's Table. begin (the columns), then per row:
 * row_begin, its cells (emit_str, emit_int), row_end (its metadata:
 * uid and labels may be NULL); then end. */
struct emit;
struct mf_list;
struct ctl_col {
	const char *name;
	int priority; /* 1: shown with -o wide */
	bool integer, is_name;
};
void ctl_table_begin(struct emit *e, const struct ctl_col *cols, size_t n, unsigned long long rv /* 0: "" */);
void ctl_table_row_begin(struct emit *e);
void ctl_table_row_end(struct emit *e, const char *name, const char *ns, const char *uid, const char *created,
		       const struct mf_list *labels);
void ctl_table_end(struct emit *e);

/* ctl_podrow.c: one pod's row as kubectl's get prints it, the same cells
 * for podctl's table, the API's Table and a watch's events */
struct pod_row {
	char name[254], ns[64], uid[37], created[40];
	char ready[16], status[64], restarts[16], age[16], ip[16], node[64];
	const struct mf_list *labels; /* NULL: none (a pod that is gone) */
};
void ctl_pod_row(const struct pod *p, struct pod_row *r);
/* a label selector (a=b, a!=b, a, !a; comma-joined) against labels: 1
 * match, 0 no match, -1 not a selector */
int ctl_selector_match(const char *sel, const struct mf_list *labels);
void ctl_pods_head(FILE *f, bool wide, bool all_ns);
void ctl_pod_line(FILE *f, const struct pod *p, bool wide, bool all_ns);
/* The API's Table of pods, and of one row */
void ctl_pods_table(FILE *f, struct pod *const *list, unsigned n, unsigned long long rv);
void ctl_pod_row_table(FILE *f, const struct pod_row *r, unsigned long long rv);
/* ctl_watch.c: get pods|svc|cm|secrets -w (ns NULL: all; name, sel NULL: every pod; fmt
 * NULL text rows, "json" or "table" the API's watch events; rv the version
 * the caller listed at, NULL or "0": every pod is ADDED first; initial:
 * every pod ADDED, then the BOOKMARK that ends the initial events) */
void ctl_watch_start(struct ctl_client *cl, enum mf_kind kind, const char *ns, const char *name, const char *sel,
		     const char *fmt, const char *rv, bool initial);
bool ctl_watch_step(struct ctl_client *cl);
/* What a watcher holds (references to the files of the objects it saw). */
void ctl_watch_free(struct ctl_client *cl);
/* ctl_show.c */
void ctl_cmd_get(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a);
void ctl_cmd_describe(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a);
void ctl_cmd_events(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a);
void ctl_cmd_top(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a);
void ctl_send_event(struct ctl_client *cl, const struct event *e);
/* The events as an EventList or the API's Table (ctl_kevents.c): of
 * namespace ns (NULL: all), of the pod NS/NAME/UID only when sel is given;
 * with name, that one event (-1: not there). */
int ctl_events_k8s(struct ctl *ctl, FILE *f, bool table, const char *ns, const char *sel, const char *name);
/* One event as a watch's line: {"type":"ADDED","object":...}; nothing when
 * it is not of namespace ns (NULL: any). */
void ctl_event_watch_line(struct ctl *ctl, FILE *f, const struct event *e, bool table, const char *ns);
/* ctl_logs.c */
void ctl_cmd_logs(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a);
bool ctl_logs_step(struct ctl_client *cl);
/* ctl_objs.c: services, configmaps and secrets as the set holds them */
int ctl_kind_of(const char *word, enum mf_kind *k); /* "svc" -> MF_SERVICE; -1 unknown */
void ctl_get_objects(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a, enum mf_kind kind);
/* The API server's Table of n services, configmaps or secrets (each of
 * files[i]), with resourceVersion rv (0: ""); line: on one line. */
struct node;
struct mfile;
struct mf_object;
void ctl_objs_table(FILE *f, struct node *node, enum mf_kind kind, const struct mf_object *const *list,
		    const struct mfile *const *files, unsigned n, unsigned long long rv, bool line);
/* ctl_exec.c */
void ctl_cmd_exec(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a);
/* ctl_change.c */
void ctl_cmd_apply(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a);
void ctl_cmd_delete(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a);

#endif
