/* node.h - what the pods of this device share, and how the lifecycle
 * tells the world about them.
 *
 * The supervisor owns one struct node and sets it up; the lifecycle
 * modules (pod, container start, probes, sandbox) reach everything they
 * need through it and never call up. What happens to a pod goes out
 * through the one observer (node_observer): the supervisor reconciles on
 * it, and the Services, the OTA trial and `podctl wait` read the same
 * derived state (pod_status.c) when told. */
#ifndef PODINIT_NODE_H
#define PODINIT_NODE_H

#include <stdbool.h>
#include <stdint.h>
#include "board.h"
#include "cgroup.h"
#include "cgroup_devices.h"
#include "config.h"
#include "events.h"
#include "lim.h"
#include "loop.h"
#include "net.h"
#include "services.h"
#include "squash.h"

struct pod;
struct mset;

enum node_change {
	NODE_POD_READY, /* a container's readiness or start changed: pod_ready may differ */
	NODE_POD_DONE,  /* every container stopped (the pod may be dropped now) */
};

struct node_observer {
	void (*pod_changed)(struct node_observer *o, struct pod *p, enum node_change what);
};

#define NODE_FILTERS 4

struct sock_fprog;
struct node {
	const struct config *cfg;
	struct loop loop;
	struct events events;
	struct cg_sys cg;
	bool cg_ok;
	struct cg_devices devices; /* the device allow-list for containers */
	struct squash squash;      /* squashfs images mounted under RUN/images */
	struct board board;
	struct mset *set;          /* the desired state now (mset.h); changed by the supervisor only */
	struct pod *pods;          /* running pods, in creation order */
	struct pod *dead_pods;     /* dropped: freed by the owner after the loop pass */
	int self_pidns;            /* our PID namespace, to return to after joining a pod's */
	int self_netns;            /* our network namespace, likewise */
	uint64_t caps_default;
	uint64_t caps_have;        /* our permitted set: containers never get more */
	unsigned last_cap;
	int64_t tmpfs_default;     /* the board's TMPFS_DEFAULT, or a quarter of the memory */
	struct cg leftover[LIM_CG_LEFTOVER]; /* groups to remove once their processes are gone */
	unsigned nleftover, leftover_tries;
	struct loop_timer leftover_timer;
	struct net *net;           /* the pod network; NULL or not up: pods get none */
	struct services services;  /* what the Services' table and hosts files hold */
	struct node_observer *observer;
	/* RuntimeDefault filters by the capabilities they allow (ctr_start.c):
	 * containers with the same set share one, made once (NODE_FILTERS) */
	struct node_filter {
		uint64_t caps;
		struct sock_fprog *prog; /* NULL: a free slot */
	} filters[NODE_FILTERS];
};

struct pod *node_find_pod(struct node *n, const char *name);
unsigned node_pod_count(const struct node *n);
/* Appends p to the pod list. */
void node_add_pod(struct node *n, struct pod *p);
/* Moves p from the pod list to the dead list. */
void node_drop_pod(struct node *n, struct pod *p);
/* Called by the lifecycle as a pod changes: drops a finished pod that was
 * marked remove_when_done, then tells the observer. */
void node_pod_changed(struct node *n, struct pod *p, enum node_change what);
/* True when every pod of the desired state runs in its current version
 * and every pod is ready or has succeeded: the one health predicate of
 * the OTA trial and podctl wait --healthy (the watchdog's critical pods
 * use pod_healthy, its part for one pod). */
bool node_all_healthy(const struct node *n);
/* Takes over a group that could not be removed yet (its last processes
 * still exiting): removed on a few retries spread over seconds, then given
 * up with the event CgroupLeft. The caller's struct cg is emptied. */
void node_cgroup_leftover(struct node *n, struct cg *g, const char *pod);

#endif
