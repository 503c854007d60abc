/* ctl_cmd.c - podctl's commands, run inside the supervisor (for the
 * control socket and the serial console alike): one table of commands,
 * each with the table of flags it takes. A flag outside the table, or one
 * without its value, is a usage error naming it (exit 2, nothing done);
 * the kubectl flags podctl does not do are refused by name
 * (docs/podctl.md lists them). The views are in ctl_show.c and
 * ctl_logs.c, the changes in ctl_change.c. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "ctl_int.h"
#include "lim.h"
#include "pod.h"
#include "quantity.h"
#include "state.h"
#include "node.h"
#include "ota.h"

/* ---- flags people bring from kubectl ----------------------------------- */

#define F_NS {"--namespace", 'n', CF_VALUE, NULL}
#define F_HELP {"--help", 'h', CF_BOOL, NULL}
#define F_DRY_RUN {"--dry-run", 0, CF_REFUSED, "see what a change does with podctl apply --dry-run -f"}

static const struct ctl_flag get_flags[] = {
	F_NS, F_HELP, {"--output", 'o', CF_VALUE, NULL}, {"--selector", 'l', CF_VALUE, NULL},
	{"--all-namespaces", 'A', CF_BOOL, NULL}, {"--watch", 'w', CF_BOOL, NULL},
	{"--resource-version", 0, CF_VALUE, NULL}, /* the API's watch: where it starts */
	{"--field-selector", 0, CF_VALUE, NULL},   /* metadata.name=NAME: a list of that one */
	{"--initial-events", 0, CF_BOOL, NULL},    /* the API's sendInitialEvents=true */
	{"--show-labels", 0, CF_REFUSED, "see the labels with -o yaml"}, {NULL, 0, 0, NULL}};
static const struct ctl_flag describe_flags[] = {F_NS, F_HELP, {NULL, 0, 0, NULL}};
static const struct ctl_flag logs_flags[] = {
	F_NS, F_HELP, {"--container", 'c', CF_VALUE, NULL}, {"--follow", 'f', CF_BOOL, NULL},
	{"--previous", 'p', CF_BOOL, NULL}, {"--tail", 0, CF_VALUE, NULL},
	{"--timestamps", 0, CF_BOOL, NULL}, {"--since", 0, CF_VALUE, NULL}, {"--since-time", 0, CF_VALUE, NULL},
	{"--all-containers", 0, CF_REFUSED, "name one with -c"}, {NULL, 0, 0, NULL}};
static const struct ctl_flag apply_flags[] = {
	F_NS, F_HELP, {"--name", 0, CF_VALUE, NULL}, {"--content", 0, CF_VALUE, NULL}, {"--create", 0, CF_BOOL, NULL},
	{"--filename", 'f', CF_VALUE, NULL}, {"--dry-run", 0, CF_OPTVAL, NULL},
	{"--server-side", 0, CF_REFUSED, "podctl applies the whole file"},
	{"--prune", 0, CF_REFUSED, "delete what is gone with podctl delete"},
	{"--output", 'o', CF_REFUSED, "apply prints KIND/NAME created|configured|unchanged"},
	{"--force", 0, CF_REFUSED, "a changed pod is recreated anyway"}, {NULL, 0, 0, NULL}};
static const struct ctl_flag delete_flags[] = {
	F_NS, F_HELP, {"--grace-period", 0, CF_VALUE, NULL}, {"--now", 0, CF_BOOL, NULL},
	{"--force", 0, CF_BOOL, NULL}, F_DRY_RUN,
	{"--all", 0, CF_REFUSED, "name each object: podctl delete KIND NAME"},
	{"--filename", 'f', CF_REFUSED, "name the object: podctl delete KIND NAME"},
	{"--selector", 'l', CF_REFUSED, "name the object: podctl delete KIND NAME"},
	{NULL, 0, 0, NULL}};
static const struct ctl_flag events_flags[] = {
	F_NS, F_HELP, {"--follow", 'f', CF_BOOL, NULL}, {"--watch", 'w', CF_BOOL, NULL},
	{"--output", 'o', CF_VALUE, NULL}, {"--all-namespaces", 'A', CF_BOOL, NULL},
	{"--for-pod", 0, CF_VALUE, NULL}, {"--name", 0, CF_VALUE, NULL}, {"--resource-version", 0, CF_VALUE, NULL},
	{NULL, 0, 0, NULL}};
static const struct ctl_flag top_flags[] = {F_NS, F_HELP, {NULL, 0, 0, NULL}};
static const struct ctl_flag wait_flags[] = {
	F_HELP, {"--healthy", 0, CF_BOOL, NULL}, {"--timeout", 0, CF_VALUE, NULL},
	{"--for", 0, CF_REFUSED, "podctl wait --healthy waits for every pod"}, {NULL, 0, 0, NULL}};
static const struct ctl_flag ota_flags[] = {F_HELP, {"--output", 'o', CF_VALUE, NULL},
					    {NULL, 0, 0, NULL}};
static const struct ctl_flag exec_flags[] = {
	F_NS, F_HELP, {"--container", 'c', CF_VALUE, NULL},
	{"--stdin", 'i', CF_BOOL, NULL}, /* podctl passes its stdin always */
	{"--tty", 't', CF_BOOL, NULL},   /* stdin is a terminal no session holds (the API's pty) */
	{"--dry-run", 0, CF_BOOL, NULL}, /* only check that it could run (the API's SPDY answer) */
	{NULL, 0, 0, NULL}};
static const struct ctl_flag kubeconfig_flags[] = {F_HELP, {"--server", 0, CF_VALUE, NULL}, {NULL, 0, 0, NULL}};
static const struct ctl_flag plain_flags[] = {F_HELP, {NULL, 0, 0, NULL}};

/* ---- the small commands -------------------------------------------------- */

static void cmd_wait(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a)
{
	const char *t = ARG("--timeout");
	int64_t ns = 0;
	if (!ARG("--healthy") || a->npos) {
		ctl_usage(cl, cmd, "error: podctl wait waits for every pod: --healthy is needed");
		return;
	}
	if (t && !dur_parse(t, &ns)) {
		ctl_usage(cl, cmd, "error: invalid argument \"%s\" for \"--timeout\" flag: a duration (30s, 5m)", t);
		return;
	}
	if (!cl->ctl->host.rescan_pending(cl->ctl->host.ctx) && node_all_healthy(cl->ctl->node)) {
		ctl_exit(cl, 0);
		return;
	}
	if (ctl_followers_full(cl))
		return;
	cl->follow = CF_WAIT;
	loop_timer_at(&cl->ctl->node->loop, &cl->timer, loop_now() + (uint64_t)(t ? ns : 300000000000LL));
}

static void cmd_version(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a)
{
	if (a->npos) {
		ctl_usage(cl, cmd, "error: podctl version takes no arguments");
		return;
	}
	OUT(cl, "podinit %s\n", PODINIT_VERSION);
	ctl_exit(cl, 0);
}

/* RUN/kubeconfig, which the API process wrote: for a field engineer at
 * the console, or a test, to use kubectl from another machine (--server:
 * the address it reaches the device at, e.g. through ssh -L). */
static void cmd_kubeconfig(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a)
{
	const char *server = ARG("--server");
	if (a->npos) {
		ctl_usage(cl, cmd, "error: podctl kubeconfig takes no arguments");
		return;
	}
	if (server && (strncmp(server, "https://", 8) || strpbrk(server, " \n\"'"))) {
		ctl_usage(cl, cmd, "error: --server takes https://HOST:PORT (got %s)", server);
		return;
	}
	static char text[16384];
	size_t len = 0;
	int rc = state_read(AT_FDCWD, cl->ctl->kubeconfig, text, sizeof text - 1, &len);
	if (rc) {
		ERR(cl, "error: %s: %s (is the API on? podinit --api)\n", cl->ctl->kubeconfig, strerror(-rc));
		ctl_exit(cl, 1);
		return;
	}
	text[len] = 0;
	char *at = server ? strstr(text, "    server: ") : NULL;
	if (at) {
		at += 12;
		size_t old = strcspn(at, "\n");
		OUT(cl, "%.*s%s", (int)(at - text), text, server);
		ctl_write(cl, '1', at + old, len - (size_t)(at + old - text));
	} else {
		ctl_write(cl, '1', text, len);
	}
	ctl_exit(cl, 0);
}

static void cmd_power(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a)
{
	if (a->npos) {
		ctl_usage(cl, cmd, "error: podctl %s takes no arguments", cmd->name);
		return;
	}
	OUT(cl, "%s: stopping every pod\n", cmd->name);
	cl->ctl->host.request_stop(cl->ctl->host.ctx, !strcmp(cmd->name, "reboot") ? STOP_REBOOT : STOP_POWEROFF,
			"podctl");
	ctl_exit(cl, 0);
}

static void cmd_ota(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a)
{
	const char *o = ARG("--output");
	if (a->npos != 1 || strcmp(a->pos[0], "status")) {
		ctl_usage(cl, cmd, "error: podctl ota status [-o json]");
		return;
	}
	if (o && strcmp(o, "json")) {
		ctl_usage(cl, cmd, "error: podctl ota status prints text or -o json, not %s", o);
		return;
	}
	struct membuf m;
	if (ctl_mb_open(&m)) {
		ota_status(cl->ctl->ota, m.f, o != NULL);
		ctl_mb_send(cl, &m, '1');
	}
	ctl_exit(cl, 0);
}

static void cmd_debug(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a)
{
	const char *what = a->npos == 1 ? a->pos[0] : "";
	if (!cl->ctl->debug) {
		ERR(cl, "podctl debug: only with podinit.debug=1 on the kernel command line\n");
		ctl_exit(cl, 2);
	} else if (!strcmp(what, "hang")) {
		/* tests only: a hung loop, for the watchdog; the event reaches
		 * the console, an answer through the loop never would */
		events_add(&cl->ctl->node->events, true, "podinit", "DebugHang", "hanging the event loop");
		for (;;)
			pause();
	} else if (!strcmp(what, "crash")) {
		/* tests only: PID 1's crash recovery */
		OUT(cl, "crashing PID 1\n");
		ctl_exit(cl, 0);
		raise(SIGSEGV);
	} else {
		ctl_usage(cl, cmd, "error: podctl debug hang|crash");
	}
}

static const struct ctl_cmd commands[] = {
	{"get", get_flags, ctl_cmd_get, "get pods|svc|cm|secrets [NAME] [-o wide|json|yaml|name] [-l SELECTOR] [-n NS|-A] [-w]"},
	{"describe", describe_flags, ctl_cmd_describe, "describe pod NAME"},
	{"logs", logs_flags, ctl_cmd_logs, "logs POD [-c CONTAINER] [-f] [--previous] [--tail N] [--timestamps] [--since DUR|--since-time T]"},
	{"apply", apply_flags, ctl_cmd_apply, "apply -f FILE|-"},
	{"delete", delete_flags, ctl_cmd_delete, "delete KIND NAME [--grace-period N|--now] [--force]"},
	{"events", events_flags, ctl_cmd_events, "events [-f] [-o json] (for the API: -o eventlist|table [--for-pod NS/NAME/UID])"},
	{"top", top_flags, ctl_cmd_top, "top [pods]"},
	{"exec", exec_flags, ctl_cmd_exec, "exec POD [-c CONTAINER] -- COMMAND [ARGS...]"},
	{"wait", wait_flags, cmd_wait, "wait --healthy [--timeout DUR]"},
	{"ota", ota_flags, cmd_ota, "ota status [-o json]"},
	{"version", plain_flags, cmd_version, "version"},
	{"kubeconfig", kubeconfig_flags, cmd_kubeconfig, "kubeconfig [--server https://HOST:PORT]"},
	{"poweroff", plain_flags, cmd_power, "poweroff"},
	{"reboot", plain_flags, cmd_power, "reboot"},
	{"debug", plain_flags, cmd_debug, "debug hang|crash"},
};

void ctl_run(struct ctl_client *cl, int argc, char **argv)
{
	if (argc < 1) {
		ERR(cl, "error: no command (podctl get|describe|logs|exec|apply|delete|events|top|wait|ota|"
			"version|poweroff|reboot)\n");
		ctl_exit(cl, 2);
		return;
	}
	const struct ctl_cmd *cmd = NULL;
	for (size_t i = 0; i < sizeof commands / sizeof *commands && !cmd; i++)
		if (!strcmp(commands[i].name, argv[0]))
			cmd = &commands[i];
	if (!cmd) {
		ERR(cl, "error: unknown command \"%s\" for \"podctl\"\n", argv[0]);
		ctl_exit(cl, 2);
		return;
	}
	struct ctl_args a;
	char err[300];
	if (ctl_args_parse(cmd->flags, argc, argv, &a, err, sizeof err) < 0) {
		ERR(cl, "%s (usage: podctl %s)\n", err, cmd->usage);
		ctl_exit(cl, 2);
		return;
	}
	if (a.nrest && cmd->run != ctl_cmd_exec) {
		ctl_usage(cl, cmd, "error: podctl %s takes nothing after --", cmd->name);
		return;
	}
	if (ctl_args_has(cmd->flags, &a, "--help")) {
		OUT(cl, "usage: podctl %s\n", cmd->usage);
		ctl_exit(cl, 0);
		return;
	}
	cmd->run(cl, cmd, &a);
}

void ctl_watch_end(struct ctl_client *cl)
{
	ctl_watch_free(cl);
}

bool ctl_follow_step(struct ctl_client *cl)
{
	struct ctl *ctl = cl->ctl;
	if (cl->follow == CF_EVENTS) {
		for (; cl->pos < ctl->node->events.next; cl->pos++) {
			struct event e;
			if (events_get(&ctl->node->events, cl->pos, &e))
				ctl_send_event(cl, &e);
		}
		return false;
	}
	if (cl->follow == CF_EXEC)
		return false; /* the process's exit ends it (ctl_child_exited) */
	if (cl->follow == CF_WATCH)
		return ctl_watch_step(cl);
	if (cl->follow == CF_WAIT)
		return !ctl->host.rescan_pending(ctl->host.ctx) && node_all_healthy(ctl->node);
	return ctl_logs_step(cl);
}
