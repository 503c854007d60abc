/* sv.c - the supervisor: command line, the event loop's sources
 * (signals, child exits, manifest changes, the control socket), and the
 * reconciler that turns the manifests into running pods.
 *
 * When not PID 1 it is a child subreaper, so every orphan of a container
 * is reparented to it and reaped here. Reconciling: pods whose spec is
 * unchanged are not touched; a changed pod is terminated and its new
 * version starts once the old one is gone; an invalid file changes
 * nothing (the store keeps its last valid version). */
#include "sv.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ctl.h"
#include "pod.h"
#include "quantity.h"
#include "spawn.h"
#include "state.h"
#include "store.h"

#define S_NS 1000000000ULL
#define SETTLE_NS (200 * 1000000ULL) /* manifest changes are collected this long */

#define usage_error(...) (diag_say(__VA_ARGS__), 2)

static int parse_backoff(struct sv_config *cfg, const char *s)
{
	char buf[96];
	int64_t v[3];
	snprintf(buf, sizeof buf, "%s", s);
	char *save = NULL, *tok = strtok_r(buf, ",", &save);
	for (int i = 0; i < 3; i++, tok = strtok_r(NULL, ",", &save))
		if (!tok || !dur_parse(tok, &v[i]))
			return -1;
	if (tok)
		return -1;
	cfg->backoff_initial = (uint64_t)v[0];
	cfg->backoff_cap = (uint64_t)v[1];
	cfg->backoff_reset = (uint64_t)v[2];
	return 0;
}

int sv_parse_args(struct sv_config *cfg, int argc, char **argv, const char **unused)
{
	(void)unused;
	*cfg = (struct sv_config){
		.manifests = "/etc/podinit/manifests", .images = "/var/lib/podinit/images",
		.data = "/var/lib/podinit", .run = "/run/podinit", .console = NULL, .board = NULL,
		.backoff_initial = 10 * S_NS, .backoff_cap = 300 * S_NS, .backoff_reset = 600 * S_NS,
		.log_bytes = LIM_LOG_BYTES, .log_file_bytes = 1024 * 1024, .ctl_gid = (gid_t)-1,
		.pid1 = getpid() == 1};
	/* every flag is read even after a bad one: as PID 1 podinit goes on
	 * with the rest (a typo on the kernel command line must not lose
	 * --console none); the first error is the exit status otherwise */
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char **dst = !strcmp(a, "--manifests") ? &cfg->manifests
				   : !strcmp(a, "--images")  ? &cfg->images
				   : !strcmp(a, "--data")    ? &cfg->data
				   : !strcmp(a, "--run")     ? &cfg->run
				   : !strcmp(a, "--console") ? &cfg->console
				   : !strcmp(a, "--board")   ? &cfg->board
							     : NULL;
		if (dst) {
			if (!v)
				rc = rc ? rc : usage_error("%s needs a value", a);
			else
				*dst = v;
			i++;
		} else if (!strcmp(a, "--backoff")) {
			if (!v || parse_backoff(cfg, v))
				rc = rc ? rc : usage_error("--backoff takes INITIAL,CAP,RESET durations, e.g. 10s,300s,600s (got %s)",
						   v ? v : "nothing");
			i++;
		} else if (!strcmp(a, "--log-size")) {
			int64_t n;
			if (!v || !qty_parse(v, 1, &n) || n < 1024 || n > 64 * 1024 * 1024)
				rc = rc ? rc : usage_error("--log-size takes a size from 1Ki to 64Mi (got %s)",
						   v ? v : "nothing");
			else
				cfg->log_bytes = (size_t)n;
			i++;
		} else if (!strcmp(a, "--log-files")) {
			char *end;
			unsigned long n = v ? strtoul(v, &end, 10) : 0;
			if (!v || *end || n > 100)
				rc = rc ? rc : usage_error("--log-files takes a count from 0 to 100 (got %s)",
						   v ? v : "nothing");
			else
				cfg->log_files = (unsigned)n;
			i++;
		} else if (!strcmp(a, "--log-file-size")) {
			int64_t n;
			if (!v || !qty_parse(v, 1, &n) || n < 4096)
				rc = rc ? rc : usage_error("--log-file-size takes a size of at least 4Ki (got %s)",
						   v ? v : "nothing");
			else
				cfg->log_file_bytes = (uint64_t)n;
			i++;
		} else if (!strcmp(a, "--ctl-group")) {
			char *end = NULL;
			unsigned long g = v ? strtoul(v, &end, 10) : 0;
			if (!v || !*v || *end || g >= (gid_t)-1)
				rc = rc ? rc : usage_error("--ctl-group takes a numeric group id (got %s)",
							   v ? v : "nothing");
			else
				cfg->ctl_gid = (gid_t)g;
			i++;
		} else if (!strncmp(a, "--ota-", 6)) {
			if (!v)
				rc = rc ? rc : usage_error("%s needs a value", a);
			i++; /* OTA trials come with their own issue; accepted now */
		} else {
			rc = rc ? rc : usage_error("unknown option %s (see podinit --help)", a);
		}
	}
	if (!cfg->console && cfg->pid1)
		cfg->console = "/dev/console";
	else if (cfg->console && !strcmp(cfg->console, "none"))
		cfg->console = NULL;
	return rc;
}

/* ---- pods ----------------------------------------------------------- */

struct pod *sv_find_pod(struct sv *sv, const char *name)
{
	for (struct pod *p = sv->pods; p; p = p->next)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

static void unlink_pod(struct sv *sv, struct pod *p)
{
	for (struct pod **pp = &sv->pods; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			p->next = sv->dead_pods;
			sv->dead_pods = p;
			return;
		}
}

static void reconcile(struct sv *sv)
{
	sv->need_reconcile = false;
	/* running pods against the manifests */
	for (struct pod *p = sv->pods, *next; p; p = next) {
		next = p->next;
		const struct mf_object *want = NULL;
		STORE_FOREACH(sv->store, f, o)
		if (!want && o->kind == MF_POD && !strcmp(o->pod->meta.name.s, p->name))
			want = o;
		bool gone = !want || sv->stopping;
		if (!gone && mf_object_hash(want) == p->hash) {
			if (p->setup_error[0])
				pod_retry_setup(p);
			continue;
		}
		/* gone or changed: a finished pod is simply dropped */
		if (p->stage == PS_DONE) {
			unlink_pod(sv, p);
			continue;
		}
		p->remove_when_done = true;
		pod_terminate(p, sv->stopping ? "shutting down" : gone ? "deleted" : "spec changed");
	}
	if (sv->stopping)
		return;
	/* manifests without a pod */
	STORE_FOREACH(sv->store, f, o)
	{
		if (o->kind != MF_POD)
			continue;
		struct pod *p = sv_find_pod(sv, o->pod->meta.name.s);
		if (p)
			continue; /* running, or its old version is still stopping */
		unsigned count = 0;
		for (struct pod *q = sv->pods; q; q = q->next)
			count++;
		if (count >= (unsigned)sv->board.max_pods) {
			events_add(&sv->events, true, o->pod->meta.name.s, "FailedCreate",
				   "the device runs %u pods already, its limit (MAX_PODS)", count);
			continue;
		}
		p = pod_create(sv, f->gen, o->pod, mf_object_hash(o));
		if (!p)
			continue;
		struct pod **tail = &sv->pods;
		while (*tail)
			tail = &(*tail)->next;
		*tail = p;
	}
}

void sv_pod_changed(struct sv *sv, struct pod *p)
{
	if (p->stage == PS_DONE && p->remove_when_done) {
		unlink_pod(sv, p);
		sv->need_reconcile = true;
	}
}

/* ---- event sources -------------------------------------------------- */

static void reap(struct sv *sv)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid <= 0)
			return; /* 0: none left now; -1 ECHILD: no children */
		bool mine = false;
		for (struct pod *p = sv->pods; p && !mine; p = p->next)
			mine = pod_child_exited(p, pid, status);
		/* else an orphan reparented to us: reaping it was the job */
	}
}

static void on_signal(struct loop *l, struct loop_watch *w, uint32_t events)
{
	struct sv *sv = (struct sv *)((char *)w - offsetof(struct sv, sig_watch));
	struct signalfd_siginfo si;
	(void)l;
	(void)events;
	while (read(w->fd, &si, sizeof si) == (ssize_t)sizeof si) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			reap(sv);
			break;
		case SIGTERM:
		case SIGINT:
		case SIGUSR1:
		case SIGUSR2:
		case SIGPWR: {
			/* as BusyBox init: TERM and INT (Ctrl-Alt-Del) reboot, USR1
			 * halts, USR2 and PWR power off */
			char who[32];
			snprintf(who, sizeof who, "signal %d", (int)si.ssi_signo);
			sv_request_stop(sv,
					si.ssi_signo == SIGUSR1 ? SV_STOP_HALT
					: si.ssi_signo == SIGUSR2 || si.ssi_signo == SIGPWR ? SV_STOP_POWEROFF
											   : SV_STOP_REBOOT,
					who);
			break;
		}
		case SIGHUP:
			sv->need_rescan = true;
			break;
		}
	}
}

static void on_rescan_timer(struct loop *l, struct loop_timer *t)
{
	struct sv *sv = (struct sv *)((char *)t - offsetof(struct sv, rescan_timer));
	(void)l;
	sv->need_rescan = true;
}

static void on_inotify(struct loop *l, struct loop_watch *w, uint32_t events)
{
	struct sv *sv = (struct sv *)((char *)w - offsetof(struct sv, inotify_watch));
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	(void)events;
	while (read(w->fd, buf, sizeof buf) > 0)
		;
	/* collect a burst of changes (an editor, an OTA agent) into one scan */
	loop_timer_at(l, &sv->rescan_timer, loop_now() + SETTLE_NS);
}

static void on_leftover(struct loop *l, struct loop_timer *t)
{
	struct sv *sv = (struct sv *)((char *)t - offsetof(struct sv, leftover_timer));
	unsigned keep = 0;
	bool last = ++sv->leftover_tries >= 8; /* about 6 s in all */
	for (unsigned i = 0; i < sv->nleftover; i++) {
		struct cg *g = &sv->leftover[i];
		if (cg_destroy(g) == 0)
			continue;
		if (last) {
			events_add(&sv->events, true, "podinit", "CgroupLeft",
				   "cgroup %s could not be removed: processes are still in it", g->name);
			cg_release(g);
			continue;
		}
		sv->leftover[keep++] = *g;
	}
	sv->nleftover = keep;
	if (keep)
		loop_timer_at(l, t, loop_now() + (50 * 1000000ULL << sv->leftover_tries));
}

void sv_cgroup_leftover(struct sv *sv, struct cg *g, const char *pod)
{
	if (sv->nleftover == LIM_CG_LEFTOVER) {
		events_add(&sv->events, true, pod, "CgroupLeft", "cgroup %s could not be removed", g->name);
		cg_release(g);
		return;
	}
	/* in order: a container's group before its pod's */
	sv->leftover[sv->nleftover++] = *g;
	for (unsigned h = 0; h < CG_MAXH; h++)
		g->fd[h] = -1;
	g->events_fd = -1;
	sv->leftover_tries = 0;
	sv->leftover_timer.cb = on_leftover;
	if (!loop_timer_armed(&sv->leftover_timer))
		loop_timer_at(&sv->loop, &sv->leftover_timer, loop_now() + 50 * 1000000ULL);
}

void sv_request_stop(struct sv *sv, enum sv_stop how, const char *who)
{
	if (!sv->stopping) {
		sv->stop_how = how;
		events_add(&sv->events, false, "podinit", "Shutdown", "%s: stopping every pod", who);
	}
	sv->stopping = true;
	sv->need_reconcile = true;
}

void sv_request_rescan(struct sv *sv)
{
	sv->need_rescan = true;
}

void sv_rescan_now(struct sv *sv)
{
	sv->need_rescan = false;
	if (store_scan(sv->store, sv->cfg.manifests, &sv->events))
		reconcile(sv);
}

/* ---- setup and the loop --------------------------------------------- */

static int setup_dirs(struct sv *sv)
{
	char path[PATH_MAX];
	struct stat st;
	if (sv->cfg.pid1) { /* a device boots with what it has: make what is missing */
		const char *dirs[] = {sv->cfg.manifests, sv->cfg.images, sv->cfg.data};
		for (int i = 0; i < 3; i++)
			state_mkdir_p(dirs[i], 0755);
	}
	if (stat(sv->cfg.manifests, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "podinit: --manifests %s is not a directory\n", sv->cfg.manifests);
		return -1;
	}
	snprintf(path, sizeof path, "%s/pods", sv->cfg.run);
	if ((mkdir(sv->cfg.run, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(path, 0700) < 0 && errno != EEXIST)) {
		fprintf(stderr, "podinit: cannot create %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static unsigned read_last_cap(void)
{
	unsigned v = 40;
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	if (f) {
		if (fscanf(f, "%u", &v) != 1)
			v = 40;
		fclose(f);
	}
	return v;
}

static bool cmdline_has(const char *word)
{
	char line[4096] = "";
	FILE *f = fopen("/proc/cmdline", "re");
	if (!f)
		return false;
	bool found = false;
	if (fgets(line, sizeof line, f))
		for (char *save = NULL, *w = strtok_r(line, " \n", &save); w && !found;
		     w = strtok_r(NULL, " \n", &save))
			found = !strcmp(w, word);
	fclose(f);
	return found;
}

static uint64_t read_caps_have(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) < 0)
		return ~0ULL;
	return (uint64_t)d[0].permitted | (uint64_t)d[1].permitted << 32;
}

static int setup_sources(struct sv *sv)
{
	sigset_t set;
	sigemptyset(&set);
	int sigs[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGPWR, SIGPIPE};
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaddset(&set, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	sigdelset(&set, SIGPIPE); /* blocked only: writes to a gone client get EPIPE */
	sv->sig_watch.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	sv->sig_watch.cb = on_signal;
	if (sv->sig_watch.fd < 0 || loop_add(&sv->loop, &sv->sig_watch, EPOLLIN) < 0)
		return -errno;
	sv->inotify_watch.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	sv->inotify_watch.cb = on_inotify;
	if (sv->inotify_watch.fd < 0)
		return -errno;
	sv->inotify_wd = inotify_add_watch(sv->inotify_watch.fd, sv->cfg.manifests,
					   IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
						   IN_CREATE | IN_ATTRIB | IN_DELETE_SELF |
						   IN_MOVE_SELF);
	if (sv->inotify_wd < 0 || loop_add(&sv->loop, &sv->inotify_watch, EPOLLIN) < 0)
		return -errno;
	sv->rescan_timer.cb = on_rescan_timer;
	return 0;
}

static void free_dead(struct sv *sv)
{
	while (sv->dead_pods) {
		struct pod *p = sv->dead_pods;
		sv->dead_pods = p->next;
		pod_free(p);
	}
}

int sv_main(struct sv_config *cfg, enum sv_stop *how)
{
	struct sv *sv = calloc(1, sizeof *sv);
	struct store *store = malloc(sizeof *store);
	if (!sv || !store) {
		fputs("podinit: out of memory\n", stderr);
		return 1;
	}
	sv->cfg = *cfg;
	sv->store = store;
	/* not dumpable: nothing that podinit forks on the way into a
	 * container can be ptraced or have its /proc/<pid>/fd opened by the
	 * container before it execs (children inherit this; exec resets it) */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		fprintf(stderr, "podinit: cannot make itself non-dumpable: %s\n", strerror(errno));
	store_init(store);
	events_init(&sv->events, events_echo_file, stderr);
	sv->last_cap = read_last_cap();
	sv->self_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	sv->self_netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	squash_init(&sv->squash, cfg->run);
	sv->caps_default = spawn_default_caps();
	sv->caps_have = read_caps_have();
	if (setup_dirs(sv))
		return 2;
	/* a dozen fds per pod: the kernel gives init 1024, so use the hard
	 * limit, and as PID 1 raise that too (containers get their own) */
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
		if (cfg->pid1 && nofile.rlim_max < 65536)
			nofile.rlim_max = 65536;
		nofile.rlim_cur = nofile.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &nofile) < 0 && getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
			nofile.rlim_cur = nofile.rlim_max;
			setrlimit(RLIMIT_NOFILE, &nofile);
		}
	}
	if (!cfg->pid1 && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		fprintf(stderr, "podinit: cannot become a subreaper: %s\n", strerror(errno));
	int rc = loop_init(&sv->loop, LIM_TIMERS);
	if (rc == 0)
		rc = setup_sources(sv);
	if (rc == 0)
		rc = ctl_listen(sv);
	if (rc && cfg->pid1) {
		/* PID 1 goes on without a control socket: the console still works */
		fprintf(stderr, "podinit: no control socket: %s\n", strerror(-rc));
		rc = 0;
	}
	if (rc) {
		fprintf(stderr, "podinit: cannot start: %s\n", strerror(-rc));
		return 2;
	}
	sv->console.w.fd = sv->console.cmd.fd = -1;
	if (cfg->console) {
		rc = console_open(&sv->console, sv, cfg->console);
		if (rc)
			fprintf(stderr, "podinit: cannot open the console %s: %s\n", cfg->console,
				strerror(-rc));
		else
			events_init(&sv->events, console_echo, &sv->console);
	}
	sv->cg_ok = cg_sys_init(&sv->cg, "/sys/fs/cgroup", "podinit", NULL) == 0;
	sv->devices.prog_fd = -1;
	if (sv->cg_ok && cg_devices_init(&sv->devices, &sv->cg) < 0)
		events_add(&sv->events, true, "podinit", "DeviceControl",
			   "cannot load the device program (%s): only privileged containers can start",
			   strerror(-sv->devices.load_err));
	if (sv->cg_ok && sv->cg.mode == CG_V1 && sv->cg.h_of[CG_DEVICES] < 0)
		events_add(&sv->events, true, "podinit", "DeviceControl",
			   "no v1 devices hierarchy: only privileged containers can start");
	char why[300];
	if (board_load(&sv->board, cfg->board, "/etc/podinit/board.conf", "/proc/cmdline",
		       "/etc/podinit/board", why, sizeof why))
		events_add(&sv->events, true, "podinit", "BoardProfile", "%s", why);
	struct sysinfo si;
	sv->tmpfs_default = sv->board.tmpfs_default ? sv->board.tmpfs_default
			    : sysinfo(&si) == 0 ? (int64_t)si.totalram * si.mem_unit / 4
						: 64 << 20;
	sv->watchdog.fd = -1;
	if (sv->board.watchdog_dev[0]) {
		rc = watchdog_open(&sv->watchdog, sv, sv->board.watchdog_dev,
				   sv->board.watchdog_timeout, sv->board.watchdog_budget);
		if (rc)
			events_add(&sv->events, true, "podinit", "WatchdogError", "%s: %s",
				   sv->board.watchdog_dev, strerror(-rc));
	}
	sv->debug = cfg->pid1 && cmdline_has("podinit.debug=1");
	events_add(&sv->events, false, "podinit", "Starting",
		   "podinit %s, cgroups %s, manifests %s", PODINIT_VERSION,
		   sv->cg_ok ? cg_mode_name(&sv->cg) : "unavailable", cfg->manifests);
	sv->need_rescan = true;
	for (;;) {
		if (sv->need_rescan) {
			sv->need_rescan = false;
			if (store_scan(store, cfg->manifests, &sv->events))
				sv->need_reconcile = true;
		}
		if (sv->need_reconcile)
			reconcile(sv);
		free_dead(sv);
		ctl_flush(sv);
		if (sv->stopping && !sv->pods && !sv->nleftover)
			break;
		if (sv->need_rescan || sv->need_reconcile)
			continue;
		if (loop_run_once(&sv->loop, -1) < 0)
			fprintf(stderr, "podinit: epoll_wait: %s\n", strerror(errno));
	}
	events_add(&sv->events, false, "podinit", "Stopped", "every pod is stopped");
	*how = sv->stop_how;
	watchdog_close(&sv->watchdog);
	console_close(&sv->console);
	ctl_close(sv);
	squash_fini(&sv->squash);
	store_fini(store);
	cg_devices_fini(&sv->devices);
	if (sv->cg_ok)
		cg_sys_fini(&sv->cg);
	loop_fini(&sv->loop);
	free(store);
	free(sv);
	return 0;
}
