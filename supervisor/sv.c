/* sv.c - the supervisor: command line, the event loop's sources
 * (signals, child exits, manifest changes, the control socket), and the
 * reconciler that turns the desired state (node.set) into running pods.
 *
 * When not PID 1 it is a child subreaper, so every orphan of a container
 * is reparented to it and reaped here. Reconciling: pods whose spec is
 * unchanged are not touched; a changed pod is terminated and its new
 * version starts once the old one is gone. Which generation of the
 * manifests directory the desired state holds is ota's to say (ota.h);
 * the operator's part (podctl apply, DATA/applied) joins it as it is. */
#include "sv.h"
#include "base.h"
#include "net_link.h"

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
#include <sys/mount.h>
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
#include "mset.h"
#include "ota.h"
#include "scan.h"

static void sv_request_stop(struct sv *sv, enum stop_how how, const char *who);

#define SETTLE_NS (200 * 1000000ULL) /* manifest changes are collected this long */

/* ---- pods ----------------------------------------------------------- */

static void reconcile(struct sv *sv)
{
	sv->need_reconcile = false;
	sv->need_services = true; /* Services, pods, addresses may all change */
	sv->need_trial = true;    /* new pods start unhealthy */
	/* running pods against the manifests */
	for (struct pod *p = sv->node.pods, *next; p; p = next) {
		next = p->next;
		const struct mf_object *want = NULL;
		const struct mfile *wantf = NULL;
		MSET_FOREACH(sv->node.set, f, o)
		if (!want && o->kind == MF_POD && !strcmp(o->pod->meta.name.s, p->name))
			want = o, wantf = f;
		bool gone = !want || sv->stopping;
		if (!gone && mfile_object_hash(wantf, want) == p->hash) {
			if (p->setup_error[0])
				pod_retry_setup(p);
			continue;
		}
		/* gone or changed: a finished pod is simply dropped */
		if (p->stage == PS_DONE) {
			node_drop_pod(&sv->node, p);
			continue;
		}
		p->remove_when_done = true;
		pod_terminate(p, sv->stopping ? "shutting down" : gone ? "deleted" : "spec changed");
	}
	if (sv->stopping)
		return;
	/* manifests without a pod */
	MSET_FOREACH(sv->node.set, f, o)
	{
		if (o->kind != MF_POD)
			continue;
		struct pod *p = node_find_pod(&sv->node, o->pod->meta.name.s);
		if (p)
			continue; /* running, or its old version is still stopping */
		unsigned count = node_pod_count(&sv->node);
		if (count >= (unsigned)sv->node.board.max_pods) {
			events_add(&sv->node.events, true, o->pod->meta.name.s, "FailedCreate",
				   "the device runs %u pods already, its limit (MAX_PODS)", count);
			continue;
		}
		p = pod_create(&sv->node, sv->node.set, o->pod, mfile_object_hash(f, o));
		if (p)
			node_add_pod(&sv->node, p);
	}
}

/* The lifecycle's one way out: a pod that finished may be replaced now. */
static void on_pod_changed(struct node_observer *o, struct pod *p, enum node_change what)
{
	struct sv *sv = container_of(o, struct sv, observer);
	(void)p;
	if (what == NODE_POD_DONE)
		sv->need_reconcile = true;
	sv->need_services = true; /* endpoints follow readiness */
	sv->need_trial = true;    /* a trial, `podctl wait` and the watchdog ask the health again */
}

/* ---- the desired state ---------------------------------------------- */

/* node.set from the agent part ota runs and the operator's part: a new
 * set only when either differs. */
static void install_set(struct sv *sv)
{
	unsigned gen;
	const struct mpart *agent = ota_running(&sv->ota, &gen);
	struct mset *cur = sv->node.set;
	sv->need_install = false;
	if (cur && cur->gen == gen && cur->agent.hash == agent->hash && cur->agent.n == agent->n &&
	    cur->op.hash == sv->op.hash && cur->op.n == sv->op.n)
		return;
	struct mset *s = mset_new(agent, &sv->op, gen);
	if (!s) {
		events_add(&sv->node.events, true, "podinit", "FailedScan", "out of memory");
		return;
	}
	mset_unref(cur);
	sv->node.set = s;
	sv->need_reconcile = sv->need_trial = true;
}

/* A rollback: the agent part to run is the committed one again. */
static void on_ota_changed(struct ota *o)
{
	struct sv *sv = container_of(o, struct sv, ota);
	sv->need_install = true;
}

/* The operator's files (DATA/applied) into sv->op: 0, or -errno and
 * sv->op as it was. */
static int read_operator(struct sv *sv)
{
	struct mset_report rep = {0};
	struct mpart op;
	int rc = mpart_read(&op, sv->applied, MFILE_OPERATOR, &sv->op, &sv->node.events, &rep);
	if (rc) {
		events_add(&sv->node.events, true, "manifests", "FailedScan",
			   "cannot read %s: %s; what runs keeps running", sv->applied, strerror(-rc));
		return rc;
	}
	mpart_clear(&sv->op);
	sv->op = op;
	return 0;
}

/* Reads the manifests directory and the operator's files; ota decides. */
static void rescan(struct sv *sv)
{
	struct mset_report rep = {0};
	struct mpart agent;
	sv->need_rescan = false;
	int rc = mpart_read(&agent, sv->cfg.manifests, MFILE_AGENT, &sv->agent_seen, &sv->node.events, &rep);
	if (rc) {
		events_add(&sv->node.events, true, "manifests", "FailedScan",
			   "cannot read %s: %s; what runs keeps running", sv->cfg.manifests, strerror(-rc));
		return;
	}
	if (read_operator(sv)) {
		mpart_clear(&agent);
		return;
	}
	mpart_clear(&sv->agent_seen);
	sv->agent_seen = agent;
	ota_offer(&sv->ota, &sv->agent_seen, &rep, &sv->op);
	install_set(sv);
}

/* ---- the API process ------------------------------------------------ */

/* The Kubernetes API runs as a process of its own (HTTP, JSON and TLS
 * never in PID 1): the same binary, no capabilities (it drops them),
 * restarted after a back-off when it ends; pods never notice. */
static void api_start(struct sv *sv)
{
	if (!sv->cfg.api || sv->stopping || sv->api_pid)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		char *argv[] = {"podinit", "--api-process", "--listen", (char *)sv->cfg.api, "--run",
				(char *)sv->cfg.run, "--data", (char *)sv->cfg.data, NULL};
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	if (pid < 0) {
		events_add(&sv->node.events, true, "podinit", "ApiFailed", "cannot start the API: %s",
			   strerror(errno));
		return;
	}
	sv->api_pid = pid;
	sv->api_started = loop_now();
	events_add(&sv->node.events, false, "podinit", "ApiStarted", "the Kubernetes API on %s (pid %d)",
		   sv->cfg.api, (int)pid);
}

static void on_api_timer(struct loop *l, struct loop_timer *t)
{
	(void)l;
	api_start(container_of(t, struct sv, api_timer));
}

/* The API ended: again after 1 s, doubling to 60 s while it keeps failing. */
static void api_exited(struct sv *sv, int status)
{
	sv->api_pid = 0;
	if (sv->stopping)
		return;
	uint64_t now = loop_now();
	sv->api_backoff = now - sv->api_started > 60 * NS_PER_S || !sv->api_backoff ? NS_PER_S
			  : sv->api_backoff * 2 > 60 * NS_PER_S ? 60 * NS_PER_S : sv->api_backoff * 2;
	events_add(&sv->node.events, true, "podinit", "ApiExited",
		   "the API process ended (%s %d); again in %llu s",
		   WIFSIGNALED(status) ? "signal" : "status",
		   WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
		   (unsigned long long)(sv->api_backoff / NS_PER_S));
	loop_timer_at(&sv->node.loop, &sv->api_timer, now + sv->api_backoff);
}

/* ---- event sources -------------------------------------------------- */

static void reap(struct sv *sv)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid <= 0)
			return; /* 0: none left now; -1 ECHILD: no children */
		bool mine = pid == sv->api_pid;
		if (mine)
			api_exited(sv, status);
		for (struct pod *p = sv->node.pods; p && !mine; p = p->next)
			mine = pod_child_exited(p, pid, status);
		if (!mine)
			mine = ctl_child_exited(&sv->ctl, pid, status);
		/* else an orphan reparented to us: reaping it was the job */
	}
}

static void on_signal(struct loop *l, struct loop_watch *w, uint32_t events)
{
	struct sv *sv = container_of(w, struct sv, sig_watch);
	struct signalfd_siginfo si;
	(void)l;
	(void)events;
	while (read(w->fd, &si, sizeof si) == (ssize_t)sizeof si) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			reap(sv);
			break;
		case SIGHUP:
			sv->need_rescan = true;
			break;
		default: {
			enum stop_how how;
			char who[32];
			snprintf(who, sizeof who, "signal %d", (int)si.ssi_signo);
			if (stop_of_signal((int)si.ssi_signo, &how))
				sv_request_stop(sv, how, who);
			break;
		}
		}
	}
}

static void on_rescan_timer(struct loop *l, struct loop_timer *t)
{
	struct sv *sv = container_of(t, struct sv, rescan_timer);
	(void)l;
	sv->need_rescan = true;
}

#define DIR_EVENTS                                                                         \
	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_ATTRIB |  \
	 IN_DELETE_SELF | IN_MOVE_SELF)

/* (Re)watches the manifests directory: after a symlink swap the path
 * leads to another directory. */
static void watch_manifests(struct sv *sv)
{
	int wd = inotify_add_watch(sv->inotify_watch.fd, sv->cfg.manifests, DIR_EVENTS);
	if (wd >= 0 && sv->inotify_wd >= 0 && wd != sv->inotify_wd)
		inotify_rm_watch(sv->inotify_watch.fd, sv->inotify_wd);
	sv->inotify_wd = wd;
}

static void on_inotify(struct loop *l, struct loop_watch *w, uint32_t events)
{
	struct sv *sv = container_of(w, struct sv, inotify_watch);
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	(void)events;
	bool changed = false, swapped = false;
	ssize_t n;
	while ((n = read(w->fd, buf, sizeof buf)) > 0)
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *e = (const struct inotify_event *)p;
			p += sizeof *e + e->len;
			if (e->wd != sv->parent_wd)
				changed = true;
			else if (e->len && !strcmp(e->name, sv->manifests_base))
				swapped = true; /* the directory's name now leads elsewhere */
		}
	if (swapped)
		watch_manifests(sv);
	/* collect a burst of changes (an editor, an OTA agent) into one scan */
	if (changed || swapped)
		loop_timer_at(l, &sv->rescan_timer, loop_now() + SETTLE_NS);
}

/* Stops every pod by the lifecycle rules, then sv_main returns with how
 * (the first request decides); who names the requester in the event.
 * Signals, podctl and the console all come here. */
static void sv_request_stop(struct sv *sv, enum stop_how how, const char *who)
{
	if (!sv->stopping) {
		sv->stop_how = how;
		ota_hold(&sv->ota);
		if (sv->api_pid)
			kill(sv->api_pid, SIGTERM);
		loop_timer_cancel(&sv->node.loop, &sv->api_timer);
		events_add(&sv->node.events, false, "podinit", "Shutdown", "%s: stopping every pod", who);
	}
	sv->stopping = true;
	sv->need_reconcile = true;
}

/* ---- what control may ask (struct ctl_host) ------------------------ */

static void host_request_stop(void *ctx, enum stop_how how, const char *who)
{
	sv_request_stop(ctx, how, who);
}

static bool host_rescan_pending(void *ctx)
{
	struct sv *sv = ctx;
	return sv->need_rescan;
}

/* podctl apply or delete changed the operator's files: only those are
 * read again (the agent's directory is inotify's to report) */
static void host_rescan_now(void *ctx)
{
	struct sv *sv = ctx;
	if (read_operator(sv) == 0)
		install_set(sv);
	if (sv->need_reconcile)
		reconcile(sv);
}

/* dropped pods are freed after the loop pass: a callback of this pass may
 * still name one */
static void free_dead(struct node *n)
{
	while (n->dead_pods) {
		struct pod *p = n->dead_pods;
		n->dead_pods = p->next;
		pod_free(p);
	}
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
	unsigned long v = 40;
	char line[16];
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	if (f) {
		const char *s = line;
		if (!fgets(line, sizeof line, f) || !scan_uint(&s, 3, 255, &v))
			v = 40;
		fclose(f);
	}
	return (unsigned)v;
}

/* The kernel command line's word that is word, or that starts with word
 * when it ends in '=' (its value then into val): true when there. */
static bool cmdline_word(const char *word, char *val, size_t vlen)
{
	char line[4096] = "";
	FILE *f = fopen("/proc/cmdline", "re");
	if (!f)
		return false;
	bool found = false;
	size_t wl = strlen(word);
	bool prefix = wl && word[wl - 1] == '=' && val;
	if (fgets(line, sizeof line, f))
		for (char *save = NULL, *w = strtok_r(line, " \n", &save); w && !found;
		     w = strtok_r(NULL, " \n", &save))
			if (prefix ? !strncmp(w, word, wl) : !strcmp(w, word)) {
				found = true;
				if (prefix)
					snprintf(val, vlen, "%s", w + wl);
			}
	fclose(f);
	return found;
}

static bool cmdline_has(const char *word)
{
	return cmdline_word(word, NULL, 0);
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
	if (sv->sig_watch.fd < 0 || loop_add(&sv->node.loop, &sv->sig_watch, EPOLLIN) < 0)
		return -errno;
	sv->inotify_watch.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	sv->inotify_watch.cb = on_inotify;
	if (sv->inotify_watch.fd < 0)
		return -errno;
	sv->inotify_wd = -1;
	watch_manifests(sv);
	if (sv->inotify_wd < 0 || loop_add(&sv->node.loop, &sv->inotify_watch, EPOLLIN) < 0)
		return -errno;
	/* the directory's parent, for a symlink swapped or a directory renamed over it */
	char parent[PATH_MAX];
	snprintf(parent, sizeof parent, "%s", sv->cfg.manifests);
	char *slash = strrchr(parent, '/');
	while (slash && slash > parent && !slash[1]) { /* trailing slashes */
		*slash = 0;
		slash = strrchr(parent, '/');
	}
	const char *base = slash ? slash + 1 : parent;
	if (strlen(base) < sizeof sv->manifests_base)
		memcpy(sv->manifests_base, base, strlen(base) + 1);
	if (slash)
		*(slash == parent ? slash + 1 : slash) = 0;
	else
		snprintf(parent, sizeof parent, ".");
	sv->parent_wd = inotify_add_watch(sv->inotify_watch.fd, parent,
					  IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM |
						  IN_DONT_FOLLOW | IN_ONLYDIR);
	sv->rescan_timer.cb = on_rescan_timer;
	sv->api_timer.cb = on_api_timer;
	return 0;
}

/* The context and its wiring: the node the lifecycle gets, the observer
 * the reconciler listens on, the control server's way up. */
static struct sv *sv_new(const struct config *cfg)
{
	struct sv *sv = calloc(1, sizeof *sv);
	if (!sv)
		return NULL;
	sv->cfg = *cfg;
	sv->node.cfg = &sv->cfg;
	snprintf(sv->applied, sizeof sv->applied, "%s/applied", cfg->data);
	snprintf(sv->kubeconfig, sizeof sv->kubeconfig, "%s/kubeconfig", cfg->run);
	sv->ota.dirfd = -1;
	sv->parent_wd = -1;
	sv->observer.pod_changed = on_pod_changed;
	sv->node.observer = &sv->observer;
	sv->ctl = (struct ctl){
		.node = &sv->node, .cfg = &sv->cfg, .ota = &sv->ota, .applied = sv->applied,
		.kubeconfig = sv->kubeconfig, .run = ctl_run, .follow_step = ctl_follow_step,
		.free_watch = ctl_watch_end,
		.host = {.ctx = sv, .request_stop = host_request_stop, .rescan_now = host_rescan_now,
			 .rescan_pending = host_rescan_pending},
		.watch = {.fd = -1}};
	sv->console.w.fd = sv->console.cmd.fd = -1;
	sv->watchdog.fd = -1;
	sv->node.devices.prog_fd = -1;
	sv->dhcp.watch.fd = -1;
	return sv;
}

/* What the process itself needs: not dumpable, file limits, subreaper. */
static void setup_process(const struct config *cfg)
{
	/* not dumpable: nothing that podinit forks on the way into a
	 * container can be ptraced or have its /proc/<pid>/fd opened by the
	 * container before it execs (children inherit this; exec resets it) */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		fprintf(stderr, "podinit: cannot make itself non-dumpable: %s\n", strerror(errno));
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
}

/* The loop, its sources and the control socket: 0, or the exit status. */
static int setup_loop(struct sv *sv)
{
	int rc = loop_init(&sv->node.loop, LIM_TIMERS);
	if (rc == 0)
		rc = setup_sources(sv);
	if (rc == 0)
		rc = ctl_listen(&sv->ctl);
	if (rc && sv->cfg.pid1) {
		/* PID 1 goes on without a control socket: the console still works */
		fprintf(stderr, "podinit: no control socket: %s\n", strerror(-rc));
		rc = 0;
	}
	if (rc) {
		fprintf(stderr, "podinit: cannot start: %s\n", strerror(-rc));
		return 2;
	}
	if (sv->cfg.console) {
		rc = console_open(&sv->console, &sv->ctl, sv->cfg.console);
		if (rc)
			fprintf(stderr, "podinit: cannot open the console %s: %s\n", sv->cfg.console,
				strerror(-rc));
		else
			events_init(&sv->node.events, console_echo, &sv->console);
	}
	return 0;
}

/* The uplink's address came from DHCP, or went. */
static void on_dhcp(struct net_dhcp *d, bool bound)
{
	struct sv *sv = container_of(d, struct sv, dhcp);
	char ip[16], gw[16], dns[16];
	sv->need_services = true; /* hostNetwork endpoints are the device's address */
	net_fmt_ip(d->addr, ip);
	net_fmt_ip(d->router, gw);
	net_fmt_ip(d->dns, dns);
	if (bound)
		events_add(&sv->node.events, false, "podinit", "UplinkAddress", "%s %s/%u via %s, DNS %s (DHCP)",
			   d->ifname, ip, d->prefix, gw, dns);
	else
		events_add(&sv->node.events, true, "podinit", "UplinkAddress", "%s lost its address: %s",
			   d->ifname, d->err);
}

/* PID 1: the board's image disk at --images, read-only (images take no
 * RAM). A failure is an event: images already under --images still run. */
static void mount_images(struct sv *sv)
{
	const char *dev = sv->node.board.images_dev;
	if (!sv->cfg.pid1 || !dev[0])
		return;
	static const char *const types[] = {"squashfs", "ext4"};
	int err = 0;
	for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
		if (mount(dev, sv->cfg.images, types[i], MS_RDONLY | MS_NODEV | MS_NOSUID, NULL) == 0) {
			events_add(&sv->node.events, false, "podinit", "ImagesMounted", "%s (%s) at %s", dev,
				   types[i], sv->cfg.images);
			return;
		}
		if (!err || errno != EINVAL)
			err = errno; /* EINVAL: not this type; keep the first real reason */
	}
	events_add(&sv->node.events, true, "podinit", "ImagesUnavailable", "cannot mount %s at %s: %s", dev,
		   sv->cfg.images, strerror(err));
}

/* PID 1: the board's data disk at --data (ext4), where the committed
 * generation and the leases outlive a reboot. A failure is an event: the
 * device runs, but forgets across reboots. */
static void mount_data(struct sv *sv)
{
	const char *dev = sv->node.board.data_dev;
	if (!sv->cfg.pid1 || !dev[0])
		return;
	if (mount(dev, sv->cfg.data, "ext4", MS_NODEV | MS_NOSUID | MS_NOEXEC, NULL) == 0)
		events_add(&sv->node.events, false, "podinit", "DataMounted", "%s (ext4) at %s", dev,
			   sv->cfg.data);
	else /* no such disk is a board without one: not a warning */
		events_add(&sv->node.events, errno != ENOENT && errno != ENXIO, "podinit", "DataUnavailable",
			   "cannot mount %s at %s: %s; nothing under it outlives a reboot", dev, sv->cfg.data,
			   strerror(errno));
}

/* The board profile and its disks, before anything looks at the
 * directories: the manifests (or their symlink's target), the images and
 * --data may all lie on them. */
static void setup_board(struct sv *sv)
{
	char why[300];
	if (board_load(&sv->node.board, sv->cfg.board, "/etc/podinit/board.conf", "/proc/cmdline",
		       "/etc/podinit/board", why, sizeof why))
		events_add(&sv->node.events, true, "podinit", "BoardProfile", "%s", why);
	if (sv->cfg.pid1)
		state_mkdir_p(sv->cfg.data, 0755);
	mount_data(sv); /* first: --images may lie below --data */
	if (sv->cfg.pid1)
		state_mkdir_p(sv->cfg.images, 0755);
	mount_images(sv);
}

/* What the pods share that the device provides: namespaces to return to,
 * capabilities, cgroups and device control, the board profile, the
 * watchdog. Problems are events: podinit runs with what there is. */
static void setup_node(struct sv *sv)
{
	struct node *n = &sv->node;
	n->last_cap = read_last_cap();
	n->self_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	n->self_netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	squash_init(&n->squash, sv->cfg.run);
	n->caps_default = spawn_default_caps();
	n->caps_have = read_caps_have();
	n->cg_ok = cg_sys_init(&n->cg, "/sys/fs/cgroup", "podinit", NULL) == 0;
	if (n->cg_ok && cg_devices_init(&n->devices, &n->cg) < 0)
		events_add(&n->events, true, "podinit", "DeviceControl",
			   "cannot load the device program (%s): only privileged containers can start",
			   strerror(-n->devices.load_err));
	if (n->cg_ok && n->cg.mode == CG_V1 && n->cg.h_of[CG_DEVICES] < 0)
		events_add(&n->events, true, "podinit", "DeviceControl",
			   "no v1 devices hierarchy: only privileged containers can start");
	struct sysinfo si;
	n->tmpfs_default = n->board.tmpfs_default ? n->board.tmpfs_default
			   : sysinfo(&si) == 0 ? (int64_t)si.totalram * si.mem_unit / 4
					       : 64 << 20;
	if (n->board.watchdog_dev[0]) {
		int rc = watchdog_open(&sv->watchdog, n, n->board.watchdog_dev, n->board.watchdog_timeout,
				       n->board.watchdog_budget);
		if (rc)
			events_add(&n->events, true, "podinit", "WatchdogError", "%s: %s",
				   n->board.watchdog_dev, strerror(-rc));
	}
	sv->debug = sv->ctl.debug = sv->cfg.pid1 && cmdline_has("podinit.debug=1");
	/* podinit.api=ADDR:PORT|none on the kernel command line: where the
	 * API listens on a board whose init line is fixed (docs/api.md) */
	static char api_at[32];
	if (sv->cfg.pid1 && cmdline_word("podinit.api=", api_at, sizeof api_at)) {
		if (!strcmp(api_at, "none"))
			sv->cfg.api = NULL;
		else if (sv_api_addr_ok(api_at))
			sv->cfg.api = api_at;
		else
			events_add(&n->events, true, "podinit", "ApiFailed",
				   "podinit.api=%s is not ADDR:PORT (an IPv4 address and a port): %s kept", api_at,
				   sv->cfg.api ? sv->cfg.api : "none");
	}
	ota_open(&sv->ota, n, &sv->cfg);
	sv->ota.changed = on_ota_changed;
	if (net_init(&sv->net, &n->board, sv->cfg.data, n->self_netns))
		events_add(&n->events, true, "podinit", "NetworkUnavailable",
			   "no pod network (pods get lo only): %s", sv->net.err);
	n->net = &sv->net;
	sv->need_services = true; /* the table's base chains: egress masquerade */
	if (sv->net.up && n->board.uplink[0] && !strcmp(n->board.uplink_addr, "dhcp")) {
		sv->dhcp.changed = on_dhcp;
		if (net_dhcp_start(&sv->dhcp, &sv->net, &n->loop, n->board.uplink))
			events_add(&n->events, true, "podinit", "UplinkUnavailable", "DHCP: %s", sv->dhcp.err);
	}
}

/* Until every pod has stopped after a stop request. */
static void run(struct sv *sv)
{
	sv->need_rescan = true;
	for (;;) {
		if (sv->need_rescan)
			rescan(sv);
		if (sv->need_install)
			install_set(sv);
		if (sv->need_reconcile)
			reconcile(sv);
		if (sv->need_trial) { /* the one health predicate's listeners */
			sv->need_trial = false;
			ota_pods_changed(&sv->ota);
			ctl_pods_changed(&sv->ctl);
			watchdog_pods_changed(&sv->watchdog);
		}
		free_dead(&sv->node);
		if (sv->need_services) {
			sv->need_services = false;
			services_sync(&sv->node);
		}
		ctl_flush(&sv->ctl);
		if (sv->stopping && !sv->node.pods && !sv->node.nleftover)
			break;
		if (sv->need_rescan || sv->need_reconcile || sv->need_install || sv->need_trial)
			continue;
		if (loop_run_once(&sv->node.loop, -1) < 0)
			fprintf(stderr, "podinit: epoll_wait: %s\n", strerror(errno));
	}
}

static void sv_free(struct sv *sv)
{
	net_dhcp_stop(&sv->dhcp);
	net_fini(&sv->net);
	watchdog_close(&sv->watchdog);
	console_close(&sv->console);
	ctl_close(&sv->ctl);
	squash_fini(&sv->node.squash);
	ota_close(&sv->ota);
	mset_unref(sv->node.set);
	mpart_clear(&sv->agent_seen);
	mpart_clear(&sv->op);
	cg_devices_fini(&sv->node.devices);
	if (sv->node.cg_ok)
		cg_sys_fini(&sv->node.cg);
	loop_fini(&sv->node.loop);
	free(sv);
}

int sv_main(struct config *cfg, enum stop_how *how)
{
	struct sv *sv = sv_new(cfg);
	if (!sv) {
		fputs("podinit: out of memory\n", stderr);
		return 1;
	}
	events_init(&sv->node.events, events_echo_file, stderr);
	setup_process(cfg);
	setup_board(sv);
	int rc = setup_dirs(sv) ? 2 : setup_loop(sv);
	if (rc)
		return rc;
	setup_node(sv);
	events_add(&sv->node.events, false, "podinit", "Starting",
		   "podinit %s, cgroups %s, manifests %s", PODINIT_VERSION,
		   sv->node.cg_ok ? cg_mode_name(&sv->node.cg) : "unavailable", cfg->manifests);
	api_start(sv);
	run(sv);
	if (sv->api_pid) /* not PID 1: what it started ends with it */
		kill(sv->api_pid, SIGTERM);
	events_add(&sv->node.events, false, "podinit", "Stopped", "every pod is stopped");
	*how = sv->stop_how;
	sv_free(sv);
	return 0;
}
