/* sv.h - the supervisor: the one context at the top, and its entry.
 *
 * struct sv owns the node (what the pods share, node.h), the control
 * server, the console and the watchdog, and the loop's own sources
 * (signals, manifest changes). It is the only module that sees all of
 * them; everything below is handed the part it needs. No other global
 * state exists. */
#ifndef PODINIT_SV_H
#define PODINIT_SV_H

#include <stdbool.h>
#include <stdint.h>
#include "config.h"
#include "console.h"
#include "ctl.h"
#include "net.h"
#include "net_dhcp.h"
#include "mset.h"
#include "node.h"
#include "ota.h"
#include "stop.h"
#include "watchdog.h"

struct sv {
	struct config cfg;
	struct node node;
	struct net net;           /* the pod network (node.net points here when up) */
	struct net_dhcp dhcp;     /* the uplink's address, when the board says UPLINK_ADDR=dhcp */
	struct node_observer observer; /* the reconciler's ear on the lifecycle */
	struct ota ota;           /* which generation of the manifests directory runs */
	struct mpart agent_seen;  /* the manifests directory as last read */
	struct mpart op;          /* the operator's files (podctl apply) as last read */
	char applied[4096];       /* DATA/applied: where podctl apply keeps them */
	char kubeconfig[4096];    /* RUN/kubeconfig (the API process writes it) */
	struct ctl ctl;
	struct console console;   /* with --console (PID 1: /dev/console) */
	struct watchdog watchdog;
	struct loop_watch sig_watch, inotify_watch;
	struct loop_timer rescan_timer;
	pid_t api_pid;            /* the API process (api.h), 0 when not running */
	uint64_t api_started, api_backoff; /* ns */
	struct loop_timer api_timer; /* its restart after a back-off */
	int inotify_wd, parent_wd; /* the manifests directory, and its parent (symlink swaps) */
	char manifests_base[256];
	bool debug;               /* podinit.debug=1 on the kernel command line */
	bool stopping;            /* SIGTERM/poweroff: terminate everything, then exit */
	bool need_rescan, need_reconcile;
	bool need_install;        /* ota changed the agent part to run (a rollback) */
	bool need_trial;          /* pods changed: ota_pods_changed */
	bool need_services;       /* pods or Services changed: sync the table and hosts */
	enum stop_how stop_how;
};

/* Parses the command line into cfg (exit status 2 on bad flags). */
int sv_parse_args(struct config *cfg, int argc, char **argv);
/* A.B.C.D:PORT, what the API process can listen on */
bool sv_api_addr_ok(const char *s);
/* Runs the supervisor until it is told to stop; returns the exit status
 * and, in *how, what was asked for (PID 1 then reboots accordingly). */
int sv_main(struct config *cfg, enum stop_how *how);

#endif
