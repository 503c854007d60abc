/* pod.h - a running Pod and its containers: the lifecycle engine.
 *
 * A pod is created from a validated mf_pod; from then on events (a child
 * exited, a spawn report, a timer) are fed in and pod.c decides what
 * starts, restarts or stops next, following Kubernetes' native-sidecar
 * rules (../docs/lifecycle.md). Phase, conditions and reasons are derived
 * from the container states when asked, never stored twice. */
#ifndef PODINIT_POD_H
#define PODINIT_POD_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "arena.h"
#include "cgroup.h"
#include "logbuf.h"
#include "logfile.h"
#include "loop.h"
#include "manifest.h"
#include "net.h"
#include "probe.h"
#include "spawn.h"

struct node;
struct mset;

enum ctr_state { CS_WAITING, CS_STARTING, CS_RUNNING, CS_TERMINATED, CS_NSTATES };

/* What happens to a container instance; ctr_set applies the table. */
enum ctr_event {
	CE_SPAWNED,      /* the process was cloned and released */
	CE_NOT_STARTED,  /* it could not be created (image, config): still waiting */
	CE_EXEC_DONE,    /* its exec succeeded */
	CE_EXITED,       /* it was reaped */
	CE_RESTART,      /* a new instance is due (now or after back-off) */
	CE_NEVENTS
};

/* A container's probes and hooks: 2.1 KB, so allocated only for a container
 * whose spec has a probe or a hook (most have neither). */
struct ctr_actions {
	struct probe probes[PROBE_KINDS];
	struct action post_start, pre_stop;
};

struct ctr_term {
	int exit_code, signal;
	const char *reason; /* Completed, Error, OOMKilled, StartError */
	char message[200];
	struct timespec started, finished;
};

struct container {
	struct pod *pod;
	const struct mf_container *spec;
	bool is_init, is_sidecar;
	const enum ctr_state state; /* only ctr_set changes it */
	const char *waiting_reason; /* ContainerCreating, PodInitializing, CrashLoopBackOff ... */
	char waiting_message[200];
	struct spawn_proc proc;
	struct loop_watch err_watch, log_watch;
	struct cg cg;
	bool cg_live;
	struct logbuf log, prev_log;
	struct logfile file; /* with --log-files */
	struct arena arena;  /* argv, env, groups of the running instance */
	char **envp;         /* its environment, for exec probes and hooks */
	const char *path;    /* its PATH */
	struct spawn_cred cred;
	int stop_signal;     /* the image's StopSignal, else SIGTERM */
	struct ctr_actions *act; /* NULL: the spec has no probe and no hook */
	bool killing;      /* a probe or hook failure is stopping this instance */
	bool pre_stop_ran; /* at most once per instance */
	bool init_done;    /* a sidecar was Started once: its init entry is done */
	bool has_prev_log;
	struct loop_timer timer; /* back-off, or SIGKILL after SIGTERM */
	unsigned restart_count;
	bool started, ready, has_last, ever_started, term_sent;
	bool never_restart;      /* a plain init container that succeeded */
	struct ctr_term last, prev; /* the latest exit, and the one before it */
	bool has_prev;
	struct timespec started_at;
	uint64_t started_mono, term_sent_mono, backoff;
	uint64_t oom_before;
	char start_error[160]; /* the spawn step that failed, for StartError */
};

enum pod_stage { PS_INIT, PS_RUNNING, PS_TERMINATING, PS_DONE, PS_NSTAGES };

struct pod {
	struct pod *next;
	struct node *node;
	struct mset *set; /* the manifest set spec points into: its ConfigMaps and Secrets */
	const struct mf_pod *spec;
	const char *name;
	char uid[37];
	uint64_t hash;
	struct container *ctrs; /* init list, then app containers */
	unsigned nctrs, ninit;
	int netns, ipcns, utsns;
	struct net_attach net; /* its address and veth on the bridge (sandbox.c) */
	struct spawn_proc pause; /* shareProcessNamespace: the init of the pod's
				  * PID namespace; its pidfd names that namespace */
	struct cg cg;
	bool cg_live;
	struct timespec created, start_time;
	struct timespec deletion; /* terminating: when the grace period ends (deletionTimestamp) */
	unsigned grace_s;         /* and its length (deletionGracePeriodSeconds) */
	const enum pod_stage stage; /* only pod_set_stage changes it */
	bool initialized;   /* an app container has started: stays true */
	bool init_done;     /* every init entry finished once */
	bool remove_when_done; /* deleted: drop from the list once DONE */
	bool init_failed, deleted_early, completed;
	const char *terminal;  /* "Succeeded"/"Failed" once decided; never changes */
	int64_t grace_override; /* seconds: podctl delete --grace-period; -1 = the spec's */
	struct loop_timer grace_timer;
	uint64_t grace_deadline;
	bool grace_over;
	char setup_error[200];
	unsigned mem_tmpfs; /* emptyDir medium Memory mounts made, to undo */
	uint64_t unhealthy_since; /* critical pods: since when (watchdog.c), 0 = healthy */
	char dir[]; /* RUN/pods/NAME, allocated to its length (PATH_MAX was 4 KB a pod) */
};

/* Creates the pod's sandbox (namespaces, cgroup, volumes, files) and
 * starts it. On failure the pod still exists, Pending with a reason. */
struct pod *pod_create(struct node *node, struct mset *set, const struct mf_pod *spec, uint64_t hash);
/* Starts termination (deletion, spec change, shutdown). */
void pod_terminate(struct pod *p, const char *why);
void pod_free(struct pod *p);
/* Feeds the exit of a child; false when pid belongs to none of the pod's. */
bool pod_child_exited(struct pod *p, pid_t pid, int status);
void pod_retry_setup(struct pod *p);

/* Derived status */
const char *pod_phase(const struct pod *p);
bool pod_ready(const struct pod *p);
/* Ready, or Succeeded: what podctl wait --healthy and the watchdog ask. */
bool pod_healthy(const struct pod *p);
bool pod_initialized(const struct pod *p);
bool pod_containers_ready(const struct pod *p);
unsigned pod_ready_count(const struct pod *p, unsigned *total);
unsigned pod_restarts(const struct pod *p);
const char *pod_status_reason(const struct pod *p, char *buf, size_t len); /* get pods STATUS */
struct container *pod_container(struct pod *p, const char *name);
/* hostNetwork: true (the device's namespace and address) */
bool pod_host_network(const struct pod *p);
/* The one accessor for a pod's address, dotted: its own on the bridge, the
 * device's for a hostNetwork pod, "" while it has none (status.podIP). */
const char *pod_ip(const struct pod *p, char buf[16]);
/* The device's address (status.hostIP), "" without the pod network. */
const char *pod_host_ip(const struct pod *p, char buf[16]);

#endif
