/* ctr_start.c - everything decided before clone, in the parent.
 *
 * All strings for the child are built in the container's arena; they stay
 * until the instance exits, because exec probes and hooks run with the
 * same environment and credentials. The
 * environment follows Kubernetes: image Env, then envFrom, then env in
 * order with $(VAR) references to earlier entries expanded. */
#include "ctr_start.h"

#include <errno.h>
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
#include "store.h"
#include "node.h"
#include "base.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

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

static bool label_value(const struct mf_list *l, const char *key, const char **out)
{
	const struct mf_kv *kv = l->v;
	for (uint32_t i = 0; i < l->n; i++)
		if (!strcmp(kv[i].key.s, key)) {
			*out = kv[i].val.s;
			return true;
		}
	*out = "";
	return false;
}

static int field_value(struct container *c, const char *path, char *buf, size_t len)
{
	const struct pod *p = c->pod;
	const char *v = "";
	char key[256];
	if (!strcmp(path, "metadata.name"))
		v = p->name;
	else if (!strcmp(path, "metadata.namespace"))
		v = p->spec->meta.namespace_.s;
	else if (!strcmp(path, "metadata.uid"))
		v = p->uid;
	else if (!strcmp(path, "spec.nodeName")) {
		if (gethostname(buf, len) == 0)
			return 0;
	} else if (!strncmp(path, "status.", 7)) {
		v = "127.0.0.1"; /* until the pod network exists: see docs/runtime.md */
	} else if (sscanf(path, "metadata.labels['%255[^']']", key) == 1)
		label_value(&p->spec->meta.labels, key, &v);
	else if (sscanf(path, "metadata.annotations['%255[^']']", key) == 1)
		label_value(&p->spec->meta.annotations, key, &v);
	snprintf(buf, len, "%s", v);
	return 0;
}

static int resource_value(struct container *c, const struct mf_res_ref *r, char *buf, size_t len)
{
	const struct mf_container *t = c->spec;
	if (r->container.set) {
		struct container *o = pod_container(c->pod, r->container.s);
		if (o)
			t = o->spec;
	}
	const struct mf_res_list *l = !strncmp(r->resource.s, "limits.", 7) ? &t->resources.limits
									     : &t->resources.requests;
	bool cpu = strstr(r->resource.s, "cpu") != NULL;
	const struct mf_val *q = cpu ? &l->cpu : &l->memory;
	int64_t v;
	struct sysinfo si;
	if (q->set)
		v = q->i;
	else if (cpu) /* no limit: the whole device, as the node's allocatable */
		v = 1000 * sysconf(_SC_NPROCESSORS_ONLN);
	else
		v = sysinfo(&si) == 0 ? (int64_t)si.totalram * si.mem_unit : 0;
	/* the divisor is in thousandths of a unit: 1m = 1, 1 = 1000, 1Mi =
	 * 1048576000; CPU values are millicores already, memory bytes */
	int64_t div = r->divisor.set && r->divisor.i ? r->divisor.i : 1000;
	int64_t num = cpu ? v : v * 1000;
	snprintf(buf, len, "%lld", (long long)((num + div - 1) / div));
	return 0;
}

static int build_env(struct container *c, const struct image *img, uid_t uid, struct arena *a,
		     struct envlist *e)
{
	const struct mf_container *s = c->spec;
	const struct store *st = c->pod->node->store;
	/* a buffer as large as the largest value this container can read
	 * (not LIM_CONFIG_DATA for every start: it would stay in the heap) */
	size_t vcap = 4096;
	const struct mf_env_from *efs = s->env_from.v;
	const struct mf_env *evs = s->env.v;
	for (uint32_t i = 0; i < s->env_from.n + s->env.n; i++) {
		bool secret;
		const char *name;
		if (i < s->env_from.n) {
			secret = efs[i].secret.node.set;
			name = secret ? efs[i].secret.name.s : efs[i].config_map.name.s;
		} else {
			const struct mf_env_source *f = &evs[i - s->env_from.n].from;
			if (!f->config_map.node.set && !f->secret.node.set)
				continue;
			secret = f->secret.node.set;
			name = secret ? f->secret.name.s : f->config_map.name.s;
		}
		const struct mf_config *cfg = store_config(st, secret ? MF_SECRET : MF_CONFIGMAP, name);
		const struct mf_list *lists[2] = {cfg ? &cfg->data : NULL, cfg ? &cfg->data2 : NULL};
		for (int l = 0; l < 2 && cfg; l++)
			for (uint32_t k = 0; k < lists[l]->n; k++) {
				size_t n = strlen(((const struct mf_kv *)lists[l]->v)[k].val.s) + 1;
				vcap = n > vcap ? n : vcap;
			}
	}
	char *val = malloc(vcap + 1);
	int rc = 0;
	if (!val)
		return -ENOMEM;
	for (unsigned i = 0; i < img->cfg.n_env && !rc; i++)
		rc = envlist_put(e, img->cfg.env[i]); /* NAME=value, checked when the config was read */
	if (!rc && !envlist_get(e, "PATH", 4))
		rc = envlist_set(e, a, "PATH", 4, DEFAULT_PATH, strlen(DEFAULT_PATH));
	const char *hn = c->pod->spec->spec.hostname.set ? c->pod->spec->spec.hostname.s : c->pod->name;
	if (!rc)
		rc = envlist_set(e, a, "HOSTNAME", 8, hn, strlen(hn));
	/* runc sets HOME when the image does not; its home directory from
	 * passwd would be exact, root's and / are what nearly every image has */
	if (!rc && !envlist_get(e, "HOME", 4)) {
		const char *home = uid == 0 ? "/root" : "/";
		rc = envlist_set(e, a, "HOME", 4, home, strlen(home));
	}
	const struct mf_env_from *ef = s->env_from.v;
	for (uint32_t i = 0; i < s->env_from.n && !rc; i++) {
		bool secret = ef[i].secret.node.set;
		const struct mf_obj_ref *ref = secret ? &ef[i].secret : &ef[i].config_map;
		const struct mf_config *cfg = store_config(st, secret ? MF_SECRET : MF_CONFIGMAP, ref->name.s);
		if (!cfg) {
			if (ref->optional.set && ref->optional.i)
				continue;
			fail_wait(c, "CreateContainerConfigError", "%s \"%s\" not found",
				  secret ? "secret" : "configmap", ref->name.s);
			rc = -ENOENT;
			break;
		}
		const struct mf_list *lists[2] = {&cfg->data, &cfg->data2};
		for (int l = 0; l < 2 && !rc; l++) {
			const struct mf_kv *kv = lists[l]->v;
			for (uint32_t k = 0; k < lists[l]->n && !rc; k++) {
				char name[512];
				size_t n;
				snprintf(name, sizeof name, "%s%s", ef[i].prefix.set ? ef[i].prefix.s : "",
					 kv[k].key.s);
				if (name_env(name) ||
				    store_config_value(cfg, secret, kv[k].key.s, val, vcap, &n))
					continue; /* Kubernetes skips invalid names */
				rc = envlist_set(e, a, name, strlen(name), val, n);
			}
		}
	}
	const struct mf_env *ev = s->env.v;
	for (uint32_t i = 0; i < s->env.n && !rc; i++) {
		const char *name = ev[i].name.s;
		const struct mf_env_source *f = &ev[i].from;
		size_t n = 0;
		if (!f->node.set) {
			const char *v = ev[i].value.set ? envlist_expand(e, a, ev[i].value.s) : "";
			rc = envlist_set(e, a, name, strlen(name), v, strlen(v));
			continue;
		}
		if (f->field.node.set) {
			field_value(c, f->field.field_path.s, val, vcap);
			n = strlen(val);
		} else if (f->resource.node.set) {
			resource_value(c, &f->resource, val, vcap);
			n = strlen(val);
		} else {
			bool secret = f->secret.node.set;
			const struct mf_key_ref *k = secret ? &f->secret : &f->config_map;
			const struct mf_config *cfg =
				store_config(st, secret ? MF_SECRET : MF_CONFIGMAP, k->name.s);
			int r = cfg ? store_config_value(cfg, secret, k->key.s, val, vcap, &n)
				    : -ENOENT;
			if (r == -ENOENT && k->optional.set && k->optional.i)
				continue;
			if (r) {
				fail_wait(c, "CreateContainerConfigError", cfg ? "key \"%s\" not found in %s \"%s\""
									 : "%s%s \"%s\" not found",
					  cfg ? k->key.s : "", secret ? "secret" : "configmap", k->name.s);
				rc = -ENOENT;
				break;
			}
		}
		rc = envlist_set(e, a, name, strlen(name), val, n);
	}
	free(val);
	if (rc == -E2BIG)
		fail_wait(c, "CreateContainerConfigError", "more than %d environment variables", LIM_ARGS);
	return rc;
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

/* RuntimeDefault for a process holding caps, in the instance's arena */
static const struct sock_fprog *seccomp_prog(struct arena *a, uint64_t caps)
{
	struct sock_filter f[SECCOMP_MAX_INSNS];
	unsigned n = seccomp_build(caps, f);
	struct sock_fprog *prog = arena_alloc(a, sizeof *prog);
	struct sock_filter *copy = arena_alloc(a, n * sizeof *copy);
	if (!prog || !copy)
		return NULL;
	memcpy(copy, f, n * sizeof *copy);
	prog->len = (unsigned short)n;
	prog->filter = copy;
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

int ctr_start(struct container *c)
{
	c->waiting_message[0] = 0;
	struct pod *p = c->pod;
	struct node *node = p->node;
	const struct mf_container *s = c->spec;
	struct arena *a = &c->arena;
	struct image img;
	struct image_ref ref;
	struct diag_list *dl = malloc(sizeof *dl);
	const char **env_slots = malloc((LIM_ARGS + 1) * sizeof *env_slots);
	struct envlist envl, *env = &envl;
	const char **argv = malloc((LIM_ARGS + 1) * sizeof *argv);
	struct spawn_mount mounts[64];
	char (*srcs)[4096] = malloc(64 * sizeof *srcs);
	int fds[64], nfds = 0, logp[2] = {-1, -1}, rc = -1;
	const char *why = NULL;
	/* what the process is started with stays until it exits: exec probes
	 * and hooks run with the same environment and credentials */
	arena_free(a);
	arena_init(a, 4 * 1024 * 1024);
	if (!dl || !env_slots || !argv || !srcs) {
		fail_wait(c, "CreateContainerError", "out of memory");
		goto out;
	}
	envlist_init(env, env_slots, LIM_ARGS);
	diag_init(dl, "config.json");
	if (image_ref_parse(s->image.s, &ref, &why)) {
		fail_wait(c, "InvalidImageName", "%s: %s", s->image.s, why);
		goto out;
	}
	int found = image_find(node->cfg->images, &ref, a, dl, &img);
	if (found) {
		char msg[LIM_DIAG_TEXT] = "not found";
		if (dl->n)
			snprintf(msg, sizeof msg, "%s", dl->e[0].text);
		/* only a missing image is "never pulled"; a broken one, or EMFILE,
		 * is an error creating the container */
		fail_wait(c, found == -ENOENT ? "ErrImageNeverPull" : "CreateContainerError",
			  "image %s: %s", s->image.s, msg);
		goto out;
	}
	if (img.squashfs) {
		int e = squash_get(&node->squash, img.rootfs, img.rootfs, sizeof img.rootfs);
		if (e) {
			fail_wait(c, "CreateContainerError", "image %s: cannot mount its squashfs: %s",
				  s->image.s, strerror(-e));
			goto out;
		}
	}
	unsigned argc = 0;
	uid_t uid;
	gid_t gid;
	if (user_of(c, &img, &uid, &gid))
		goto out;
	/* command and args from the spec, as plain string arrays */
	const char **cmd = arena_alloc(a, (s->command.n + 1) * sizeof *cmd);
	const char **args = arena_alloc(a, (s->args.n + 1) * sizeof *args);
	if (!cmd || !args || build_env(c, &img, uid, a, env))
		goto out_config;
	for (uint32_t i = 0; i < s->command.n; i++)
		cmd[i] = envlist_expand(env, a, ((const struct mf_val *)s->command.v)[i].s);
	for (uint32_t i = 0; i < s->args.n; i++)
		args[i] = envlist_expand(env, a, ((const struct mf_val *)s->args.v)[i].s);
	if (image_argv(&img.cfg, s->command.set ? cmd : NULL, s->command.n, s->args.set ? args : NULL,
		       s->args.n, argv, LIM_ARGS + 1, &argc)) {
		fail_wait(c, "CreateContainerError", "no command specified");
		goto out;
	}
	argv[argc] = NULL;
	gid_t *groups = arena_alloc(a, 66 * sizeof *groups);
	unsigned ngroups = 0;
	if (!groups) {
		fail_wait(c, "CreateContainerError", "out of memory");
		goto out;
	}
	const struct mf_pod_security *ps = &p->spec->spec.security;
	const struct mf_val *sg = ps->supplemental_groups.v;
	for (uint32_t i = 0; i < ps->supplemental_groups.n && ngroups < 64; i++)
		groups[ngroups++] = (gid_t)sg[i].i;
	if (ps->fs_group.set)
		groups[ngroups++] = (gid_t)ps->fs_group.i;
	char mwhy[200];
	int nm = sandbox_mounts(p, s, mounts, srcs, fds, 64, mwhy, sizeof mwhy);
	if (nm < 0) {
		fail_wait(c, "CreateContainerConfigError", "%s", mwhy);
		goto out;
	}
	nfds = nm;
	char stage[PATH_MAX];
	if (pathf(stage, sizeof stage, "%s/%s", p->dir, s->name.s) ||
	    (mkdir(stage, 0700) < 0 && errno != EEXIST)) {
		fail_wait(c, "CreateContainerError", "cannot create %s: %s", stage, strerror(errno));
		goto out;
	}
	if (pipe2(logp, O_CLOEXEC | O_NONBLOCK) < 0) {
		fail_wait(c, "CreateContainerError", "cannot create the log pipe: %s", strerror(errno));
		goto out;
	}
	/* the child writes blocking; only our end is non-blocking */
	if (fcntl(logp[1], F_SETFL, 0) < 0) {
		fail_wait(c, "CreateContainerError", "log pipe: %s", strerror(errno));
		goto out;
	}
	const struct mf_ctr_security *cs = &s->security;
	bool privileged = cs->privileged.set && cs->privileged.i;
	bool escalate = cs->allow_escalation.set && cs->allow_escalation.i;
	const char *path = envlist_get(env, "PATH", 4);
	const char *workdir = image_workdir(&img.cfg, s->working_dir.set ? s->working_dir.s : NULL);
	uint64_t caps = privileged ? node->caps_have : caps_of(node, &cs->caps);
	const char *sc = seccomp_type(c, privileged);
	const struct sock_fprog *filter = NULL;
	if (!strcmp(sc, "Localhost")) {
		fail_wait(c, "CreateContainerConfigError",
			  "seccompProfile type Localhost is not supported by podinit (RuntimeDefault, Unconfined)");
		goto out;
	}
	if (!strcmp(sc, "RuntimeDefault") && !(filter = seccomp_prog(a, caps))) {
		fail_wait(c, "CreateContainerError", "out of memory");
		goto out;
	}
	if (node->cg_ok) {
		const struct mf_resources *res = &s->resources;
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
			       : cg_create(&node->cg, &p->cg, s->name.s, &lim, &c->cg);
		if (e) {
			fail_wait(c, "CreateContainerError", "cannot create the cgroup: %s", strerror(-e));
			goto out;
		}
		c->cg_live = true;
		cg_oom_kills(&c->cg, &c->oom_before);
		/* before the first process is in the group; a reused one has it */
		if (!reused && (e = cg_devices_apply(&node->devices, &c->cg, privileged))) {
			if (cg_destroy(&c->cg) == 0) /* made just now: empty */
				c->cg_live = false;
			fail_wait(c, "CreateContainerError", "cannot restrict its devices: %s%s",
				  strerror(-e), e == -ENOTSUP ? " (no device control on this system)" : "");
			goto out;
		}
	}
	struct spawn_req req = {
		.netns = p->netns, .ipcns = p->ipcns, .utsns = p->utsns, .pidns = p->pause.pidfd,
		.self_pidns = node->self_pidns, .lower = img.rootfs,
		.stage = stage, .stage_bytes = stage_bytes(c),
		.read_only_root = cs->read_only_root.set && cs->read_only_root.i,
		.cred = {.uid = uid, .gid = gid, .groups = groups, .ngroups = ngroups,
			 .caps = caps, .last_cap = node->last_cap,
			 .privileged = privileged, .no_new_privs = !escalate && !privileged,
			 .seccomp = filter},
		.cgroupfs = {.v2 = node->cg_ok && node->cg.mode == CG_V2,
			     .v1 = node->cg_ok && node->cg.mode == CG_V1 ? node->cg.v1_names : NULL},
		.mounts = mounts, .nmounts = (unsigned)nm, .argv = (char *const *)argv,
		.envp = (char *const *)env->v, .path = path ? path : DEFAULT_PATH, .workdir = workdir,
		.out_fd = logp[1],
		.cgroup_fd = c->cg_live ? cg_fd_v2(&c->cg) : -1};
	c->envp = arena_alloc(a, (env->n + 1) * sizeof *c->envp);
	if (!c->envp) {
		fail_wait(c, "CreateContainerError", "out of memory");
		goto out;
	}
	memcpy(c->envp, env->v, (env->n + 1) * sizeof *c->envp);
	req.envp = c->envp;
	c->path = req.path;
	c->cred = req.cred;
	int e = spawn_start(&req, &c->proc);
	if (e) {
		fail_wait(c, "CreateContainerError", "cannot start the process: %s", strerror(-e));
		goto out;
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
	c->log_watch.fd = logp[0];
	c->log_watch.cb = on_log;
	logp[0] = -1;
	loop_add(&node->loop, &c->log_watch, EPOLLIN);
	c->err_watch.fd = c->proc.err_fd; /* the caller watches the spawn report */
	rc = 0;
	goto out;
out_config:
	if (!c->waiting_message[0]) /* no step has said why */
		fail_wait(c, "CreateContainerConfigError", "out of memory");
out:
	for (int i = 0; i < nfds; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(srcs);
	if (logp[0] >= 0)
		close(logp[0]);
	if (logp[1] >= 0)
		close(logp[1]);
	if (rc)
		arena_free(a);
	free(dl);
	free(env_slots);
	free(argv);
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
