/* sv.h - the one supervisor context, and the supervisor's entry.
 *
 * Everything the running supervisor knows hangs off one struct sv: its
 * configuration, the event loop, the pods, the manifest generations, the
 * control clients and the events. No other global state exists. */
#ifndef PODINIT_SV_H
#define PODINIT_SV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "cgroup.h"
#include "cgroup_devices.h"
#include "limits.h"
#include "board.h"
#include "console.h"
#include "events.h"
#include "loop.h"
#include "squash.h"
#include "watchdog.h"

struct sv_config {
	const char *manifests, *images, *data, *run, *console, *board;
	uint64_t backoff_initial, backoff_cap, backoff_reset; /* ns */
	size_t log_bytes;   /* ring per container instance */
	unsigned log_files; /* files kept per container under DATA/logs; 0 = none */
	uint64_t log_file_bytes;
	gid_t ctl_gid;      /* group allowed on the control socket; (gid_t)-1 = root only */
	bool pid1;
};

enum sv_stop { SV_STOP_POWEROFF, SV_STOP_REBOOT, SV_STOP_HALT };

struct pod;
struct store;
struct ctl_client;

struct sv {
	struct sv_config cfg;
	struct loop loop;
	struct loop_watch sig_watch, inotify_watch, ctl_watch;
	struct loop_timer rescan_timer;
	int inotify_wd;
	struct cg_sys cg;
	bool cg_ok;
	struct cg_devices devices; /* the device allow-list for containers */
	struct cg leftover[LIM_CG_LEFTOVER]; /* groups to remove once their processes are gone */
	unsigned nleftover, leftover_tries;
	struct loop_timer leftover_timer;
	int64_t tmpfs_default;     /* the board's TMPFS_DEFAULT, or a quarter of the memory */
	struct events events;
	struct squash squash;     /* squashfs images mounted under RUN/images */
	struct console console;   /* with --console (PID 1: /dev/console) */
	struct board board;
	struct watchdog watchdog;
	bool debug;               /* podinit.debug=1 on the kernel command line */
	struct store *store;      /* manifests as last read, per file */
	struct pod *pods;         /* running pods, in creation order */
	struct pod *dead_pods;    /* freed after the current loop pass */
	struct ctl_client *clients;
	unsigned nclients;
	unsigned last_cap;
	int self_pidns;           /* our PID namespace, to return to after joining a pod's */
	int self_netns;           /* ours, to return to after making a pod socket */
	uint64_t caps_default;
	uint64_t caps_have;       /* our permitted set: containers never get more */
	bool stopping;            /* SIGTERM/poweroff: terminate everything, then exit */
	bool need_rescan, need_reconcile;
	enum sv_stop stop_how;
	int exit_code;
	uint64_t start_time;      /* CLOCK_REALTIME ns */
};

/* Parses the command line into cfg (exit status 2 on bad flags). */
int sv_parse_args(struct sv_config *cfg, int argc, char **argv, const char **manifest_check);
/* Runs the supervisor until it is told to stop; returns the exit status
 * and, in *how, what was asked for (PID 1 then reboots accordingly). */
int sv_main(struct sv_config *cfg, enum sv_stop *how);

/* Called by pods as their state changes, so followers and the reconciler
 * can react (e.g. a terminated pod being replaced by its new spec). */
void sv_pod_changed(struct sv *sv, struct pod *p);
struct pod *sv_find_pod(struct sv *sv, const char *name);
/* Stops every pod by the lifecycle rules, then returns from sv_main with
 * how (the first request decides); who names the requester in the event. */
void sv_request_stop(struct sv *sv, enum sv_stop how, const char *who);
/* Takes over a group that could not be removed yet (its last processes
 * still exiting): removed on a few retries spread over seconds, then given
 * up with the event CgroupLeft. The caller's struct cg is emptied. */
void sv_cgroup_leftover(struct sv *sv, struct cg *g, const char *pod);
/* Re-read the manifests directory at the end of this loop pass. */
void sv_request_rescan(struct sv *sv);
/* Re-read it and reconcile now (podctl apply and delete: the change is in
 * effect when the command returns). */
void sv_rescan_now(struct sv *sv);

#endif
