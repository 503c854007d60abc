/* ctr_start.c - everything decided before clone, in the parent.
 *
 * All strings for the child are built in the container's arena; they stay
 * until the instance exits, because exec probes and hooks run with the
 * same environment and credentials. The
 * environment follows Kubernetes: image Env, then envFrom, then env in
 * order with $(VAR) references to earlier entries expanded. */
#include "ctr_start.h"
#include "ctr_env.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>
#include "arena.h"
#include "envlist.h"
#include "sandbox.h"
#include "seccomp.h"
#include "image.h"
#include "names.h"
#include "quantity.h"
#include "mset.h"
#include "node.h"
#include "base.h"


static void fail_wait(struct container *c, const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail_wait(struct container *c, const char *reason, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->waiting_message, sizeof c->waiting_message, fmt, ap);
	va_end(ap);
	c->waiting_reason = reason;
	char obj[160];
	snprintf(obj, sizeof obj, "pod/%s/%s", c->pod->name, c->spec->name.s);
	events_add(&c->pod->node->events, true, obj, "Failed", "%s: %s", reason, c->waiting_message);
}

static uint64_t cap_bits(const struct mf_list *l, bool *all)
{
	const struct mf_val *v = l->v;
	uint64_t bits = 0;
	*all = false;
	for (uint32_t i = 0; i < l->n; i++) {
		if (!strcmp(v[i].s, "ALL")) {
			*all = true;
			continue;
		}
		int cap = names_capability_number(v[i].s);
		if (cap >= 0 && cap < 64)
			bits |= 1ULL << cap;
	}
	return bits;
}

/* containerd's order: drop ALL empties the set, add is applied after it,
 * other drops last; never more than the supervisor itself holds. */
static uint64_t caps_of(const struct node *node, const struct mf_caps *caps)
{
	bool add_all, drop_all;
	uint64_t add = cap_bits(&caps->add, &add_all), drop = cap_bits(&caps->drop, &drop_all);
	uint64_t set = drop_all ? 0 : node->caps_default;
	set |= add_all ? ~0ULL : add;
	set &= ~drop;
	return set & node->caps_have;
}

/* The seccomp profile that applies: the container's, else the pod's,
 * else the board's default (RuntimeDefault unless SECCOMP_DEFAULT says
 * Unconfined; a privileged container is Unconfined unless it asks).
 * Returns "RuntimeDefault", "Unconfined" or "Localhost". */
static const char *seccomp_type(const struct container *c, bool privileged)
{
	const struct mf_seccomp *cs = &c->spec->security.seccomp;
	const struct mf_seccomp *ps = &c->pod->spec->spec.security.seccomp;
	if (cs->type.set)
		return cs->type.s;
	if (ps->type.set)
		return ps->type.s;
	return privileged || !c->pod->node->board.seccomp_default ? "Unconfined" : "RuntimeDefault";
}

/* RuntimeDefault for a process holding caps: the node's copy for that set
 * (made once, kept while podinit runs), else one in the instance's arena */
static const struct sock_fprog *seccomp_prog(struct node *node, struct arena *a, uint64_t caps)
{
	struct node_filter *slot = NULL;
	for (unsigned i = 0; i < NODE_FILTERS; i++) {
		if (node->filters[i].prog && node->filters[i].caps == caps)
			return node->filters[i].prog;
		if (!node->filters[i].prog && !slot)
			slot = &node->filters[i];
	}
	struct sock_filter f[SECCOMP_MAX_INSNS];
	unsigned n = seccomp_build(caps, f);
	struct sock_fprog *prog = slot ? malloc(sizeof *prog + n * sizeof *f) : arena_alloc(a, sizeof *prog + n * sizeof *f);
	if (!prog)
		return NULL;
	struct sock_filter *copy = (struct sock_filter *)(prog + 1);
	memcpy(copy, f, n * sizeof *copy);
	prog->len = (unsigned short)n;
	prog->filter = copy;
	if (slot)
		*slot = (struct node_filter){caps, prog};
	return prog;
}

/* The RAM the writable layer may fill: the container's ephemeral-storage
 * or memory limit, the smaller of the two, else the board's default. */
static uint64_t stage_bytes(const struct container *c)
{
	const struct mf_res_list *l = &c->spec->resources.limits;
	int64_t n = c->pod->node->tmpfs_default;
	if (l->ephemeral.set)
		n = l->ephemeral.i;
	if (l->memory.set && (!l->ephemeral.set || l->memory.i < n))
		n = l->memory.i;
	return (uint64_t)(n > 4096 ? n : 4096);
}

static void on_log(struct loop *l, struct loop_watch *w, uint32_t events);
static int user_of(struct container *c, const struct image *img, uid_t *uid, gid_t *gid)
{
	const struct mf_ctr_security *cs = &c->spec->security;
	const struct mf_pod_security *ps = &c->pod->spec->spec.security;
	*uid = 0;
	*gid = 0;
	if (img->cfg.user && *img->cfg.user) {
		int root = open(img->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
		int rc = root < 0 ? -errno : image_resolve_user(root, img->cfg.user, uid, gid);
		if (root >= 0)
			close(root);
		if (rc) {
			fail_wait(c, "CreateContainerConfigError", "cannot resolve the image user \"%s\": %s",
				  img->cfg.user, strerror(-rc));
			return rc;
		}
	}
	if (cs->run_as_user.set)
		*uid = (uid_t)cs->run_as_user.i;
	else if (ps->run_as_user.set)
		*uid = (uid_t)ps->run_as_user.i;
	if ((cs->run_as_user.set || ps->run_as_user.set) && !cs->run_as_group.set &&
	    !ps->run_as_group.set) {
		/* as containerd: a numeric user alone gets its passwd group, or 0 */
		char u[16];
		uid_t ignored;
		snprintf(u, sizeof u, "%u", (unsigned)*uid);
		int root = open(img->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root < 0 || image_resolve_user(root, u, &ignored, gid) < 0)
			*gid = 0;
		if (root >= 0)
			close(root);
	}
	if (cs->run_as_group.set)
		*gid = (gid_t)cs->run_as_group.i;
	else if (ps->run_as_group.set)
		*gid = (gid_t)ps->run_as_group.i;
	bool non_root = cs->run_as_non_root.set ? cs->run_as_non_root.i
			: ps->run_as_non_root.set ? ps->run_as_non_root.i
						  : false;
	if (non_root && *uid == 0) {
		fail_wait(c, "CreateContainerConfigError",
			  "container has runAsNonRoot and image will run as root");
		return -EPERM;
	}
	return 0;
}

/* What one start gathers on its way to clone; freed (or handed to the
 * instance's arena) when ctr_start returns. */
struct start {
	struct image img;
	struct diag_list *dl;
	const char **env_slots, **argv;
	struct envlist env;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	unsigned ngroups;
	struct spawn_mount mounts[LIM_CTR_MOUNTS];
	char (*srcs)[PATH_MAX];
	int fds[LIM_CTR_MOUNTS], nfds, nmounts;
	char stage[PATH_MAX];
	int logp[2];
	bool privileged;
	uint64_t caps;
	const struct sock_fprog *filter;
};

static int find_image(struct container *c, struct start *st)
{
	const char *why = NULL, *name = c->spec->image.s;
	struct image_ref ref;
	if (image_ref_parse(name, &ref, &why)) {
		fail_wait(c, "InvalidImageName", "%s: %s", name, why);
		return -1;
	}
	int found = image_find(c->pod->node->cfg->images, &ref, &c->arena, st->dl, &st->img);
	if (found) {
		char msg[LIM_DIAG_TEXT] = "not found";
		if (st->dl->n)
			snprintf(msg, sizeof msg, "%s", st->dl->e[0].text);
		/* only a missing image is "never pulled"; a broken one, or EMFILE,
		 * is an error creating the container */
		fail_wait(c, found == -ENOENT ? "ErrImageNeverPull" : "CreateContainerError",
			  "image %s: %s", name, msg);
		return -1;
	}
	if (st->img.squashfs) {
		int e = squash_get(&c->pod->node->squash, st->img.rootfs, st->img.rootfs,
				   sizeof st->img.rootfs);
		if (e) {
			fail_wait(c, "CreateContainerError", "image %s: cannot mount its squashfs: %s",
				  name, strerror(-e));
			return -1;
		}
	}
	return 0;
}

/* The user, the environment, argv (the spec's command and args expanded,
 * over the image's) and the supplemental groups. */
static int command_of(struct container *c, struct start *st)
{
	const struct mf_container *s = c->spec;
	struct arena *a = &c->arena;
	if (user_of(c, &st->img, &st->uid, &st->gid))
		return -1;
	const char **cmd = arena_alloc(a, (s->command.n + 1) * sizeof *cmd);
	const char **args = arena_alloc(a, (s->args.n + 1) * sizeof *args);
	char why[200] = "out of memory";
	if (!cmd || !args || ctr_env_build(c, &st->img, st->uid, a, &st->env, why, sizeof why)) {
		fail_wait(c, "CreateContainerConfigError", "%s", why);
		return -1;
	}
	for (uint32_t i = 0; i < s->command.n; i++)
		cmd[i] = envlist_expand(&st->env, a, ((const struct mf_val *)s->command.v)[i].s);
	for (uint32_t i = 0; i < s->args.n; i++)
		args[i] = envlist_expand(&st->env, a, ((const struct mf_val *)s->args.v)[i].s);
	unsigned argc = 0;
	if (image_argv(&st->img.cfg, s->command.set ? cmd : NULL, s->command.n, s->args.set ? args : NULL,
		       s->args.n, st->argv, LIM_ARGS + 1, &argc)) {
		fail_wait(c, "CreateContainerError", "no command specified");
		return -1;
	}
	st->argv[argc] = NULL;
	/* the pod's supplemental groups, and fsGroup after them */
	if (!(st->groups = arena_alloc(a, (LIM_SUPP_GROUPS + 1) * sizeof *st->groups))) {
		fail_wait(c, "CreateContainerError", "out of memory");
		return -1;
	}
	const struct mf_pod_security *ps = &c->pod->spec->spec.security;
	const struct mf_val *sg = ps->supplemental_groups.v;
	for (uint32_t i = 0; i < ps->supplemental_groups.n && st->ngroups < LIM_SUPP_GROUPS; i++)
		st->groups[st->ngroups++] = (gid_t)sg[i].i;
	if (ps->fs_group.set)
		st->groups[st->ngroups++] = (gid_t)ps->fs_group.i;
	return 0;
}

/* The volumes, the container's stage directory and its log pipe. */
static int filesystem_of(struct container *c, struct start *st)
{
	struct pod *p = c->pod;
	char why[200];
	st->nmounts = sandbox_mounts(p, c->spec, st->mounts, st->srcs, st->fds, LIM_CTR_MOUNTS, why,
				     sizeof why);
	if (st->nmounts < 0) {
		fail_wait(c, "CreateContainerConfigError", "%s", why);
		return -1;
	}
	st->nfds = st->nmounts;
	if (pathf(st->stage, sizeof st->stage, "%s/%s", p->dir, c->spec->name.s) ||
	    (mkdir(st->stage, 0700) < 0 && errno != EEXIST)) {
		fail_wait(c, "CreateContainerError", "cannot create %s: %s", st->stage, strerror(errno));
		return -1;
	}
	if (pipe2(st->logp, O_CLOEXEC | O_NONBLOCK) < 0) {
		fail_wait(c, "CreateContainerError", "cannot create the log pipe: %s", strerror(errno));
		return -1;
	}
	/* the child writes blocking; only our end is non-blocking */
	if (fcntl(st->logp[1], F_SETFL, 0) < 0) {
		fail_wait(c, "CreateContainerError", "log pipe: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Capabilities and the seccomp filter. */
static int security_of(struct container *c, struct start *st)
{
	const struct mf_ctr_security *cs = &c->spec->security;
	struct node *node = c->pod->node;
	st->privileged = cs->privileged.set && cs->privileged.i;
	st->caps = st->privileged ? node->caps_have : caps_of(node, &cs->caps);
	const char *sc = seccomp_type(c, st->privileged);
	if (!strcmp(sc, "Localhost")) {
		fail_wait(c, "CreateContainerConfigError",
			  "seccompProfile type Localhost is not supported by podinit (RuntimeDefault, Unconfined)");
		return -1;
	}
	if (!strcmp(sc, "RuntimeDefault") && !(st->filter = seccomp_prog(c->pod->node, &c->arena, st->caps))) {
		fail_wait(c, "CreateContainerError", "out of memory");
		return -1;
	}
	return 0;
}

/* The container's cgroup with its limits and device list. */
static int cgroup_of(struct container *c, struct start *st)
{
	struct node *node = c->pod->node;
	if (!node->cg_ok)
		return 0;
	const struct mf_resources *res = &c->spec->resources;
	/* pids are bounded per pod (the board's POD_PIDS_LIMIT) */
	struct cg_limits lim = {
		.mem_max = res->limits.memory.set ? res->limits.memory.i : -1,
		.cpu_max = res->limits.cpu.set ? res->limits.cpu.i : -1,
		.cpu_request = res->requests.cpu.set ? res->requests.cpu.i : -1,
		.pids_max = -1};
	/* the last instance's group may still be there (v1: its last
	 * processes were exiting): use it again */
	bool reused = c->cg_live;
	int e = reused ? cg_set_limits(&c->cg, &lim)
		       : cg_create(&node->cg, &c->pod->cg, c->spec->name.s, &lim, &c->cg);
	if (e) {
		fail_wait(c, "CreateContainerError", "cannot create the cgroup: %s", strerror(-e));
		return -1;
	}
	c->cg_live = true;
	cg_oom_kills(&c->cg, &c->oom_before);
	/* before the first process is in the group; a reused one has it */
	if (!reused && (e = cg_devices_apply(&node->devices, &c->cg, st->privileged))) {
		if (cg_destroy(&c->cg) == 0) /* made just now: empty */
			c->cg_live = false;
		fail_wait(c, "CreateContainerError", "cannot restrict its devices: %s%s",
			  strerror(-e), e == -ENOTSUP ? " (no device control on this system)" : "");
		return -1;
	}
	return 0;
}

/* Clone, attach (v1), release, and watch the output. */
static int launch(struct container *c, struct start *st)
{
	struct pod *p = c->pod;
	struct node *node = p->node;
	const struct mf_ctr_security *cs = &c->spec->security;
	bool escalate = cs->allow_escalation.set && cs->allow_escalation.i;
	const char *path = envlist_get(&st->env, "PATH", 4);
	/* what the process is started with stays until it exits: exec probes
	 * and hooks run with the same environment and credentials */
	c->envp = arena_alloc(&c->arena, (st->env.n + 1) * sizeof *c->envp);
	if (!c->envp) {
		fail_wait(c, "CreateContainerError", "out of memory");
		return -1;
	}
	memcpy(c->envp, st->env.v, (st->env.n + 1) * sizeof *c->envp);
	struct spawn_req req = {
		.netns = p->netns, .ipcns = p->ipcns, .utsns = p->utsns, .pidns = p->pause.pidfd,
		.self_pidns = node->self_pidns, .lower = st->img.rootfs,
		.stage = st->stage, .stage_bytes = stage_bytes(c),
		.read_only_root = cs->read_only_root.set && cs->read_only_root.i,
		.cred = {.uid = st->uid, .gid = st->gid, .groups = st->groups, .ngroups = st->ngroups,
			 .caps = st->caps, .last_cap = node->last_cap,
			 .privileged = st->privileged, .no_new_privs = !escalate && !st->privileged,
			 .seccomp = st->filter},
		.cgroupfs = {.v2 = node->cg_ok && node->cg.mode == CG_V2,
			     .v1 = node->cg_ok && node->cg.mode == CG_V1 ? node->cg.v1_names : NULL},
		.mounts = st->mounts, .nmounts = (unsigned)st->nmounts, .argv = (char *const *)st->argv,
		.envp = c->envp, .path = path ? path : CTR_DEFAULT_PATH,
		.workdir = image_workdir(&st->img.cfg, c->spec->working_dir.set ? c->spec->working_dir.s : NULL),
		.out_fd = st->logp[1],
		.cgroup_fd = c->cg_live ? cg_fd_v2(&c->cg) : -1};
	c->path = req.path;
	c->cred = req.cred;
	int sig = st->img.cfg.stop_signal ? image_signal_number(st->img.cfg.stop_signal) : -1;
	c->stop_signal = sig > 0 ? sig : SIGTERM;
	int e = spawn_start(&req, &c->proc);
	if (e) {
		fail_wait(c, "CreateContainerError", "cannot start the process: %s", strerror(-e));
		return -1;
	}
	if (c->cg_live && req.cgroup_fd < 0 && (e = cg_attach(&c->cg, c->proc.pid))) {
		/* v1: the child waits for its release; without a cgroup it must not
		 * run: closing the release pipe makes it exit, and its exit is
		 * reported as a StartError */
		close(c->proc.sync_fd);
		c->proc.sync_fd = -1;
		snprintf(c->start_error, sizeof c->start_error, "cannot attach to the cgroup: %s",
			 strerror(-e));
	} else {
		spawn_release(&c->proc);
	}
	c->waiting_reason = NULL;
	clock_gettime(CLOCK_REALTIME, &c->started_at);
	c->started_mono = loop_now();
	c->log_watch.fd = st->logp[0];
	c->log_watch.cb = on_log;
	st->logp[0] = -1;
	loop_add(&node->loop, &c->log_watch, EPOLLIN);
	c->err_watch.fd = c->proc.err_fd; /* the caller watches the spawn report */
	return 0;
}

int ctr_start(struct container *c)
{
	static int (*const steps[])(struct container *, struct start *) = {
		find_image, command_of, filesystem_of, security_of, cgroup_of, launch};
	struct start *st = calloc(1, sizeof *st);
	int rc = -1;
	c->waiting_message[0] = 0;
	/* the instance's arena holds argv, env and groups until it exits */
	arena_free(&c->arena);
	arena_init(&c->arena, 4 * 1024 * 1024);
	if (st) {
		st->logp[0] = st->logp[1] = -1;
		st->dl = malloc(sizeof *st->dl);
		st->env_slots = malloc((LIM_ARGS + 1) * sizeof *st->env_slots);
		st->argv = malloc((LIM_ARGS + 1) * sizeof *st->argv);
		st->srcs = malloc(LIM_CTR_MOUNTS * sizeof *st->srcs);
	}
	if (!st || !st->dl || !st->env_slots || !st->argv || !st->srcs) {
		fail_wait(c, "CreateContainerError", "out of memory");
	} else {
		envlist_init(&st->env, st->env_slots, LIM_ARGS);
		diag_init(st->dl, "config.json");
		rc = 0;
		for (size_t i = 0; i < sizeof steps / sizeof *steps && rc == 0; i++)
			rc = steps[i](c, st);
	}
	if (st) {
		for (int i = 0; i < st->nfds; i++)
			if (st->fds[i] >= 0)
				close(st->fds[i]);
		for (int i = 0; i < 2; i++)
			if (st->logp[i] >= 0)
				close(st->logp[i]);
		free(st->srcs);
		free(st->dl);
		free(st->env_slots);
		free(st->argv);
		free(st);
	}
	if (rc)
		arena_free(&c->arena);
	return rc;
}

static void read_log(struct loop *l, struct container *c, int passes)
{
	struct loop_watch *w = &c->log_watch;
	char buf[4096];
	for (int i = 0; i < passes; i++) {
		ssize_t n = read(w->fd, buf, sizeof buf);
		if (n > 0) {
			logbuf_write(&c->log, buf, (size_t)n);
			if (c->file.fd >= 0) {
				const struct config *cfg = c->pod->node->cfg;
				logfile_write(&c->file, buf, (size_t)n, cfg->log_file_bytes, cfg->log_files);
			}
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		/* EOF: every writer is gone */
		loop_del(l, w);
		close(w->fd);
		w->fd = -1;
		return;
	}
}

static void on_log(struct loop *l, struct loop_watch *w, uint32_t events)
{
	struct container *c = container_of(w, struct container, log_watch);
	(void)events;
	read_log(l, c, 16); /* bounded: other events get their turn */
}

void ctr_log_close(struct container *c)
{
	struct loop *l = &c->pod->node->loop;
	if (c->log_watch.fd < 0)
		return;
	/* what the pipe still holds belongs to this instance (bounded: the
	 * pipe holds at most 64 KiB) */
	read_log(l, c, 32);
	if (c->log_watch.fd >= 0) {
		loop_del(l, &c->log_watch);
		close(c->log_watch.fd);
		c->log_watch.fd = -1;
	}
}
