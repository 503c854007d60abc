/* ctl.h - the control socket (RUN/podinit.sock) and podctl.
 *
 * The wire format is ctl_proto.h. Requests are bounded in size and time;
 * a client that reads too slowly is dropped; the supervisor is never
 * held up by one. */
#ifndef PODINIT_CTL_H
#define PODINIT_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "loop.h"
#include "spawn.h"
#include "stop.h"

struct ota;

struct node;
struct ctl_client;

/* What the commands may ask of the supervisor above: the narrow way up. */
struct ctl_host {
	void *ctx;
	void (*request_stop)(void *ctx, enum stop_how how, const char *who);
	/* re-read the operator's files and reconcile now (apply and delete:
	 * the change is in effect when the command returns) */
	void (*rescan_now)(void *ctx);
	bool (*rescan_pending)(void *ctx); /* a change is seen but not read yet */
};

/* The server. Its owner fills node, cfg, host and the command entry
 * points (ctl_cmd.c's ctl_run, ctl_follow_step, ctl_watch_end), then calls ctl_listen. */
struct ctl {
	struct node *node; /* the pods, events, loop and manifests commands read */
	const struct config *cfg;
	struct ota *ota;       /* ota status, and the checks apply shares with updates */
	const char *applied;   /* DATA/applied: the operator's files, one per object */
	const char *kubeconfig; /* RUN/kubeconfig, which the API process writes */
	struct ctl_host host;
	void (*run)(struct ctl_client *cl, int argc, char **argv);
	bool (*follow_step)(struct ctl_client *cl); /* true when the follower is done */
	void (*free_watch)(struct ctl_client *cl);  /* ctl_watch.c's, as the client goes */
	bool debug;        /* podinit.debug=1: podctl debug commands */
	bool pods_changed; /* since the last flush: `podctl wait` asks the health again */
	unsigned long long pods_version; /* counts those changes: the resourceVersion
					  * of pod lists, where watches start */
	uint64_t events_seen; /* the events' next sequence at the last flush */
	struct loop_watch watch;
	struct ctl_client *clients;
	unsigned nclients;
};

enum ctl_follow { CF_NONE, CF_LOGS, CF_EVENTS, CF_WAIT, CF_EXEC, CF_WATCH };

#define CTL_FDS 3 /* fds a request may pass: exec's stdin, stdout, stderr */

struct ctl_client {
	struct ctl_client *next;
	struct ctl *ctl;
	struct loop_watch w;
	struct loop_timer timer; /* request deadline, or wait --timeout */
	char *in;
	size_t in_len, in_need;  /* in_need: body length once the header is read */
	char *out;
	size_t out_len, out_off;
	bool closing, dead, header_done;
	enum ctl_follow follow;
	char pod[64], ctr[64];
	uint64_t pos;            /* log position or next event sequence */
	bool json;
	unsigned log_instance;   /* restart count when following started */
	bool stamps;             /* logs -f --timestamps */
	char kwatch;             /* events -w for the API: 'j' Events, 't' Table rows */
	int fds[CTL_FDS];        /* passed with the request, until used */
	unsigned nfds;
	struct spawn_proc exec;  /* exec: the process while it runs (pid 0: none) */
	struct loop_watch exec_report;
	int exec_code;           /* exec: the status when it could not run, else -1 */
	struct ctl_watch *watch; /* get pods -w (ctl_watch.c) */
};

int ctl_listen(struct ctl *ctl);
/* Takes fd, a connected socket, as a client (the console's commands). */
int ctl_adopt(struct ctl *ctl, int fd);
void ctl_close(struct ctl *ctl);
/* Sends followers what happened since the last pass; frees dead clients. */
void ctl_flush(struct ctl *ctl);
/* The lifecycle's observer (through the supervisor) says pods or the
 * desired state changed: the next flush asks waiting clients again. */
void ctl_pods_changed(struct ctl *ctl);

/* Feeds a reaped child; true when it was an exec session's process
 * (ctl_exec.c), whose client then gets its exit status. */
bool ctl_child_exited(struct ctl *ctl, pid_t pid, int status);

/* For commands: queue output to the client. */
void ctl_write(struct ctl_client *cl, char stream, const char *data, size_t len);
void ctl_printf(struct ctl_client *cl, char stream, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ctl_exit(struct ctl_client *cl, int code);

/* ctl_cmd.c, above the server: runs one request. */
void ctl_run(struct ctl_client *cl, int argc, char **argv);
/* ctl_cmd.c: what a follower gets on each pass; true when it is done. */
bool ctl_follow_step(struct ctl_client *cl);
/* ctl_cmd.c: a watcher's state let go as its client goes. */
void ctl_watch_end(struct ctl_client *cl);

/* podctl: the client side. */
int ctl_client_main(int argc, char **argv);

#endif
