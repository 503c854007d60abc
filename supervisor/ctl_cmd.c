/* ctl_cmd.c - podctl's commands, run inside the supervisor: tables as
 * kubectl prints them, JSON/YAML through the emitter, logs and events
 * (with -f), apply and delete through the manifests directory.
 *
 * apply and delete only write files (atomically: NAME.tmp, fsync, rename,
 * fsync the directory) and ask for a rescan: the reconciler is the one
 * path by which pods change, whoever changed the manifests. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ctl.h"
#include "emit.h"
#include "manifest.h"
#include "limits.h"
#include "pod.h"
#include "quantity.h"
#include "state.h"
#include "status.h"
#include "store.h"
#include "sv.h"

#define OUT(cl, ...) ctl_printf(cl, '1', __VA_ARGS__)
#define ERR(cl, ...) ctl_printf(cl, '2', __VA_ARGS__)

/* Output through a memory FILE, for the emitter and wide tables. */
struct membuf {
	char *buf;
	size_t len;
	FILE *f;
};

static FILE *mb_open(struct membuf *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	return m->f;
}

static void mb_send(struct ctl_client *cl, struct membuf *m, char stream)
{
	if (m->f) {
		fclose(m->f);
		ctl_write(cl, stream, m->buf, m->len);
	}
	free(m->buf);
}

static const char *opt(int argc, char **argv, const char *name)
{
	for (int i = 0; i + 1 < argc; i++)
		if (!strcmp(argv[i], name))
			return argv[i + 1];
	return NULL;
}

static bool flag(int argc, char **argv, const char *name)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

/* The pod, or NULL after answering NotFound as kubectl shows it. */
static struct pod *pod_or_not_found(struct ctl_client *cl, const char *name)
{
	struct pod *p = sv_find_pod(cl->sv, name);
	if (!p) {
		ERR(cl, "Error from server (NotFound): pods \"%s\" not found\n", name);
		ctl_exit(cl, 1);
	}
	return p;
}

/* ---- get ------------------------------------------------------------ */

static void table_row(FILE *f, const struct pod *p, bool wide)
{
	unsigned total, ready = pod_ready_count(p, &total);
	char rdy[16], age[16], status[64];
	snprintf(rdy, sizeof rdy, "%u/%u", ready, total);
	status_age(&p->created, age, sizeof age);
	fprintf(f, "%-24s %-7s %-26s %-9u %s", p->name, rdy,
		pod_status_reason(p, status, sizeof status), pod_restarts(p), age);
	if (wide) {
		char host[64] = "";
		gethostname(host, sizeof host);
		bool hn = p->spec->spec.host_network.set && p->spec->spec.host_network.i;
		fprintf(f, "   %-15s %s", hn ? "<host>" : "<none>", host);
	}
	fputc('\n', f);
}

static void cmd_get(struct ctl_client *cl, int argc, char **argv)
{
	struct sv *sv = cl->sv;
	const char *fmt = opt(argc, argv, "-o");
	const char *name = argc > 2 && argv[2][0] != '-' ? argv[2] : NULL;
	if (argc < 2 || (strcmp(argv[1], "pods") && strcmp(argv[1], "pod") && strcmp(argv[1], "po"))) {
		ERR(cl, "podctl get: only pods can be listed (get pods, get pod NAME)\n");
		ctl_exit(cl, 2);
		return;
	}
	if (fmt && strcmp(fmt, "json") && strcmp(fmt, "yaml") && strcmp(fmt, "wide")) {
		ERR(cl, "podctl get: unknown output format %s (json, yaml, wide)\n", fmt);
		ctl_exit(cl, 2);
		return;
	}
	struct pod *one = name ? pod_or_not_found(cl, name) : NULL;
	if (name && !one)
		return;
	struct membuf m;
	if (!mb_open(&m)) {
		ctl_exit(cl, 1);
		return;
	}
	if (fmt && (!strcmp(fmt, "json") || !strcmp(fmt, "yaml"))) {
		struct emit e;
		emit_init(&e, m.f, !strcmp(fmt, "json") ? EMIT_JSON : EMIT_YAML);
		if (one) {
			status_emit_pod(&e, one);
		} else {
			emit_map(&e);
			emit_key(&e, "apiVersion");
			emit_str(&e, "v1");
			emit_key(&e, "kind");
			emit_str(&e, "List");
			emit_key(&e, "items");
			emit_list(&e);
			for (struct pod *p = sv->pods; p; p = p->next)
				status_emit_pod(&e, p);
			emit_end(&e);
			emit_end(&e);
		}
		emit_finish(&e);
	} else if (!sv->pods) {
		fprintf(m.f, "No resources found in default namespace.\n");
	} else {
		bool wide = fmt && !strcmp(fmt, "wide");
		fprintf(m.f, "%-24s %-7s %-26s %-9s %s%s\n", "NAME", "READY", "STATUS", "RESTARTS", "AGE",
			wide ? "   IP              NODE" : "");
		for (struct pod *p = one ? one : sv->pods; p; p = one ? NULL : p->next)
			table_row(m.f, p, wide);
	}
	mb_send(cl, &m, '1');
	ctl_exit(cl, 0);
}

/* ---- describe ------------------------------------------------------- */

static void describe_ctr(FILE *f, const struct container *c)
{
	const struct mf_container *s = c->spec;
	char t[40];
	fprintf(f, "  %s:\n    Image:          %s\n", s->name.s, s->image.s);
	if (c->is_sidecar)
		fprintf(f, "    Restart Policy: Always (sidecar)\n");
	switch (c->state) {
	case CS_RUNNING:
		status_time(&c->started_at, t, sizeof t);
		fprintf(f, "    State:          Running\n      Started:      %s\n", t);
		break;
	case CS_TERMINATED:
		fprintf(f, "    State:          Terminated\n      Reason:       %s\n      Exit Code:    %d\n",
			c->last.reason, c->last.exit_code);
		if (c->last.message[0])
			fprintf(f, "      Message:      %s\n", c->last.message);
		break;
	default:
		fprintf(f, "    State:          Waiting\n      Reason:       %s\n",
			c->waiting_reason ? c->waiting_reason
			: c->state == CS_STARTING ? "ContainerCreating" : "PodInitializing");
		if (c->waiting_reason && c->waiting_message[0])
			fprintf(f, "      Message:      %s\n", c->waiting_message);
	}
	const struct ctr_term *last = c->state == CS_TERMINATED ? (c->has_prev ? &c->prev : NULL)
								: (c->has_last ? &c->last : NULL);
	if (last)
		fprintf(f, "    Last State:     Terminated\n      Reason:       %s\n      Exit Code:    %d\n",
			last->reason, last->exit_code);
	fprintf(f, "    Ready:          %s\n    Restart Count:  %u\n", c->ready ? "True" : "False",
		c->restart_count);
	const struct mf_res_list *lim = &s->resources.limits;
	char b[32];
	if (lim->memory.set || lim->cpu.set) {
		fprintf(f, "    Limits:\n");
		if (lim->cpu.set) {
			qty_format_millis(lim->cpu.i, b, sizeof b);
			fprintf(f, "      cpu:     %s\n", b);
		}
		if (lim->memory.set) {
			qty_format_bytes(lim->memory.i, b, sizeof b);
			fprintf(f, "      memory:  %s\n", b);
		}
	}
	const struct mf_mount *mt = s->mounts.v;
	if (s->mounts.n)
		fprintf(f, "    Mounts:\n");
	for (uint32_t i = 0; i < s->mounts.n; i++)
		fprintf(f, "      %s from %s (%s)\n", mt[i].mount_path.s, mt[i].name.s,
			mt[i].read_only.set && mt[i].read_only.i ? "ro" : "rw");
}

static void cmd_describe(struct ctl_client *cl, int argc, char **argv)
{
	struct sv *sv = cl->sv;
	if (argc < 3 || (strcmp(argv[1], "pod") && strcmp(argv[1], "pods"))) {
		ERR(cl, "usage: podctl describe pod NAME\n");
		ctl_exit(cl, 2);
		return;
	}
	struct pod *p = pod_or_not_found(cl, argv[2]);
	if (!p)
		return;
	struct membuf m;
	if (!mb_open(&m)) {
		ctl_exit(cl, 1);
		return;
	}
	FILE *f = m.f;
	char t[40], st[64];
	status_time(&p->created, t, sizeof t);
	fprintf(f, "Name:         %s\nNamespace:    %s\nUID:          %s\nStart Time:   %s\n", p->name,
		p->spec->meta.namespace_.s, p->uid, t);
	const struct mf_kv *kv = p->spec->meta.labels.v;
	fprintf(f, "Labels:       ");
	for (uint32_t i = 0; i < p->spec->meta.labels.n; i++)
		fprintf(f, "%s%s=%s\n", i ? "              " : "", kv[i].key.s, kv[i].val.s);
	if (!p->spec->meta.labels.n)
		fprintf(f, "<none>\n");
	fprintf(f, "Status:       %s\n", pod_phase(p));
	if (p->setup_error[0])
		fprintf(f, "Message:      %s\n", p->setup_error);
	fprintf(f, "Reason:       %s\n", pod_status_reason(p, st, sizeof st));
	if (p->ninit) {
		fprintf(f, "Init Containers:\n");
		for (unsigned i = 0; i < p->ninit; i++)
			describe_ctr(f, &p->ctrs[i]);
	}
	fprintf(f, "Containers:\n");
	for (unsigned i = p->ninit; i < p->nctrs; i++)
		describe_ctr(f, &p->ctrs[i]);
	fprintf(f, "Conditions:\n  Type              Status\n");
	fprintf(f, "  PodScheduled      True\n  Initialized       %s\n  ContainersReady   %s\n"
		   "  Ready             %s\n",
		pod_initialized(p) ? "True" : "False", pod_containers_ready(p) ? "True" : "False",
		pod_ready(p) ? "True" : "False");
	fprintf(f, "Events:\n  %-8s %-22s %-10s %s\n", "Type", "Reason", "Age", "Message");
	size_t nl = strlen(p->name);
	for (uint64_t s = events_first(&sv->events); s < sv->events.next; s++) {
		const struct event *e = events_get(&sv->events, s);
		bool mine = !strcmp(e->object, p->name) ||
			    (!strncmp(e->object, "pod/", 4) && !strncmp(e->object + 4, p->name, nl) &&
			     (e->object[4 + nl] == '/' || !e->object[4 + nl]));
		if (!mine)
			continue;
		char age[16];
		status_age(&e->when, age, sizeof age);
		fprintf(f, "  %-8s %-22s %-10s %s\n", e->warning ? "Warning" : "Normal", e->reason, age,
			e->message);
	}
	mb_send(cl, &m, '1');
	ctl_exit(cl, 0);
}

/* Followers (-f, wait) hold their connection: at most LIM_CTL_FOLLOWERS,
 * so that a few connections always stay free for new requests. True
 * (after answering) when cl may not become one more. */
static bool followers_full(struct ctl_client *cl)
{
	unsigned n = 0;
	for (const struct ctl_client *o = cl->sv->clients; o; o = o->next)
		n += !o->dead && o->follow != CF_NONE;
	if (n < LIM_CTL_FOLLOWERS)
		return false;
	ERR(cl, "Error from server (TooManyRequests): %u clients are following already (at most %d)\n",
	    n, LIM_CTL_FOLLOWERS);
	ctl_exit(cl, 1);
	return true;
}

/* ---- logs ----------------------------------------------------------- */

static void send_log(struct ctl_client *cl, const struct logbuf *lb, uint64_t *pos)
{
	char buf[8192];
	size_t n;
	while (!cl->dead && (n = logbuf_read(lb, pos, buf, sizeof buf)) > 0)
		ctl_write(cl, '1', buf, n);
}

static void cmd_logs(struct ctl_client *cl, int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-') {
		ERR(cl, "usage: podctl logs POD [-c CONTAINER] [-f] [--previous] [--tail N]\n");
		ctl_exit(cl, 2);
		return;
	}
	struct pod *p = pod_or_not_found(cl, argv[1]);
	if (!p)
		return;
	const char *cname = opt(argc, argv, "-c");
	struct container *c = NULL;
	if (cname)
		c = pod_container(p, cname);
	else if (p->nctrs - p->ninit == 1)
		c = &p->ctrs[p->ninit];
	else
		c = &p->ctrs[p->ninit]; /* kubectl picks the default container: the first */
	if (!c) {
		ERR(cl, "error: container %s is not valid for pod %s\n", cname, p->name);
		ctl_exit(cl, 1);
		return;
	}
	if (flag(argc, argv, "-f") && followers_full(cl))
		return;
	const char *tail = opt(argc, argv, "--tail");
	long lines = tail ? strtol(tail, NULL, 10) : -1;
	bool prev = flag(argc, argv, "--previous") || flag(argc, argv, "-p");
	const struct logbuf *lb = prev ? &c->prev_log : &c->log;
	if (prev && !c->has_prev_log) {
		ERR(cl, "Error from server (BadRequest): previous terminated container \"%s\" in pod \"%s\" not found\n",
		    c->spec->name.s, p->name);
		ctl_exit(cl, 1);
		return;
	}
	if (!lb->buf) {
		if (flag(argc, argv, "-f"))
			goto follow;
		ctl_exit(cl, 0);
		return;
	}
	uint64_t pos = logbuf_tail(lb, lines);
	send_log(cl, lb, &pos);
	if (!flag(argc, argv, "-f") || prev) {
		ctl_exit(cl, 0);
		return;
	}
	cl->pos = pos;
follow:
	cl->follow = CF_LOGS;
	snprintf(cl->pod, sizeof cl->pod, "%s", p->name);
	snprintf(cl->ctr, sizeof cl->ctr, "%s", c->spec->name.s);
	cl->log_instance = c->restart_count;
}

/* ---- events --------------------------------------------------------- */

static void send_event(struct ctl_client *cl, const struct event *e)
{
	char t[40];
	status_time(&(struct timespec){e->when.tv_sec, 0}, t, sizeof t);
	if (cl->json) {
		struct membuf m;
		if (!mb_open(&m))
			return;
		struct emit em;
		emit_init(&em, m.f, EMIT_JSON);
		emit_map(&em);
		emit_key(&em, "time");
		emit_str(&em, t);
		emit_key(&em, "type");
		emit_str(&em, e->warning ? "Warning" : "Normal");
		emit_key(&em, "object");
		emit_str(&em, e->object);
		emit_key(&em, "reason");
		emit_str(&em, e->reason);
		emit_key(&em, "message");
		emit_str(&em, e->message);
		emit_end(&em);
		emit_finish(&em);
		mb_send(cl, &m, '1');
		return;
	}
	OUT(cl, "%s  %-7s  %-20s %-32s %s\n", t, e->warning ? "Warning" : "Normal", e->reason,
	    e->object, e->message);
}

static void cmd_events(struct ctl_client *cl, int argc, char **argv)
{
	struct sv *sv = cl->sv;
	const char *fmt = opt(argc, argv, "-o");
	if (flag(argc, argv, "-f") && followers_full(cl))
		return;
	cl->json = fmt && !strcmp(fmt, "json");
	for (uint64_t s = events_first(&sv->events); s < sv->events.next; s++)
		send_event(cl, events_get(&sv->events, s));
	if (!flag(argc, argv, "-f")) {
		ctl_exit(cl, 0);
		return;
	}
	cl->pos = sv->events.next;
	cl->follow = CF_EVENTS;
}

/* ---- wait ----------------------------------------------------------- */

static bool all_healthy(const struct sv *sv)
{
	for (const struct pod *p = sv->pods; p; p = p->next)
		if (!pod_ready(p) && strcmp(pod_phase(p), "Succeeded"))
			return false;
	return true;
}

static void cmd_wait(struct ctl_client *cl, int argc, char **argv)
{
	if (!flag(argc, argv, "--healthy")) {
		ERR(cl, "usage: podctl wait --healthy [--timeout DUR]\n");
		ctl_exit(cl, 2);
		return;
	}
	const char *t = opt(argc, argv, "--timeout");
	int64_t ns = 0;
	if (t && !dur_parse(t, &ns)) {
		ERR(cl, "podctl wait: invalid duration %s\n", t);
		ctl_exit(cl, 2);
		return;
	}
	if (!cl->sv->need_rescan && all_healthy(cl->sv)) {
		ctl_exit(cl, 0);
		return;
	}
	if (followers_full(cl))
		return;
	cl->follow = CF_WAIT;
	loop_timer_at(&cl->sv->loop, &cl->timer, loop_now() + (uint64_t)(t ? ns : 300000000000LL));
}

bool ctl_follow_step(struct ctl_client *cl)
{
	struct sv *sv = cl->sv;
	if (cl->follow == CF_EVENTS) {
		for (; cl->pos < sv->events.next; cl->pos++) {
			const struct event *e = events_get(&sv->events, cl->pos);
			if (e)
				send_event(cl, e);
		}
		return false;
	}
	if (cl->follow == CF_WAIT)
		return !sv->need_rescan && all_healthy(sv);
	struct pod *p = sv_find_pod(sv, cl->pod);
	struct container *c = p ? pod_container(p, cl->ctr) : NULL;
	if (!c)
		return true; /* the pod is gone: the stream ends */
	if (c->restart_count != cl->log_instance) {
		/* a new instance: follow it from its start, as kubectl -f does not */
		cl->log_instance = c->restart_count;
		cl->pos = 0;
	}
	if (c->log.buf)
		send_log(cl, &c->log, &cl->pos);
	return c->state == CS_TERMINATED && c->log_watch.fd < 0;
}

/* ---- apply / delete ------------------------------------------------- */

/* The manifests directory, opened for one command: writes go through it
 * with plain names only. fd or -errno. */
static int manifests_dir(const struct sv *sv)
{
	int fd = open(sv->cfg.manifests, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* The file that defines a pod, or NULL. */
static const struct store_file *file_of(const struct store *s, const char *pod)
{
	STORE_FOREACH(s, f, o)
	if (o->kind == MF_POD && !strcmp(o->pod->meta.name.s, pod))
		return f;
	return NULL;
}

static void cmd_apply(struct ctl_client *cl, int argc, char **argv)
{
	struct sv *sv = cl->sv;
	const char *name = opt(argc, argv, "--name"), *text = opt(argc, argv, "--content");
	if (!name || !text) {
		ERR(cl, "usage: podctl apply -f FILE|-\n");
		ctl_exit(cl, 2);
		return;
	}
	struct diag_list *dl = malloc(sizeof *dl);
	struct mf_file mf;
	if (!dl) {
		ctl_exit(cl, 1);
		return;
	}
	diag_init(dl, name);
	int rc = mf_parse(text, strlen(text), &mf, dl);
	struct membuf m;
	if (mb_open(&m)) {
		diag_print(dl, m.f);
		mb_send(cl, &m, '2');
	}
	free(dl);
	if (rc || !mf.n) {
		if (!rc)
			ERR(cl, "error: no objects passed to apply\n");
		mf_free(&mf);
		ctl_exit(cl, 1);
		return;
	}
	/* the file is named after the source, or after its first object; a
	 * name from the client is a plain file name or refused */
	if (strcmp(name, "-") && !state_name_ok(name)) {
		ERR(cl, "error: \"%s\" is not a file name (no '/', no leading '.')\n", name);
		mf_free(&mf);
		ctl_exit(cl, 2);
		return;
	}
	char fname[256];
	const char *first = mf.objs[0].kind == MF_POD	   ? mf.objs[0].pod->meta.name.s
			    : mf.objs[0].kind == MF_SERVICE ? mf.objs[0].service->meta.name.s
							    : mf.objs[0].config->meta.name.s;
	size_t nl = strlen(name);
	if (strcmp(name, "-") && nl > 5 && (!strcmp(name + nl - 5, ".yaml") || !strcmp(name + nl - 4, ".yml")))
		snprintf(fname, sizeof fname, "%s", name);
	else
		snprintf(fname, sizeof fname, "%s.yaml", first);
	for (unsigned i = 0; i < mf.n; i++) {
		if (mf.objs[i].kind != MF_POD)
			continue;
		const struct store_file *f = file_of(sv->store, mf.objs[i].pod->meta.name.s);
		if (f && strcmp(f->name, fname)) {
			ERR(cl, "error: pod \"%s\" is defined in %s; apply that file instead\n",
			    mf.objs[i].pod->meta.name.s, f->name);
			mf_free(&mf);
			ctl_exit(cl, 1);
			return;
		}
	}
	int dfd = manifests_dir(sv);
	rc = dfd < 0 ? dfd : state_write(dfd, fname, text, strlen(text), 0644);
	if (dfd >= 0)
		close(dfd);
	if (rc) {
		ERR(cl, "error: cannot write %s/%s: %s\n", sv->cfg.manifests, fname, strerror(-rc));
		mf_free(&mf);
		ctl_exit(cl, 1);
		return;
	}
	for (unsigned i = 0; i < mf.n; i++) {
		const struct mf_object *o = &mf.objs[i];
		const char *n = o->kind == MF_POD ? o->pod->meta.name.s
				: o->kind == MF_SERVICE ? o->service->meta.name.s
							: o->config->meta.name.s;
		char kind[16];
		snprintf(kind, sizeof kind, "%s", mf_kind_name(o->kind));
		for (char *k = kind; *k; k++)
			*k = (char)(*k >= 'A' && *k <= 'Z' ? *k | 0x20 : *k);
		OUT(cl, "%s/%s configured\n", kind, n);
	}
	mf_free(&mf);
	sv_rescan_now(sv);
	ctl_exit(cl, 0);
}

static void cmd_delete(struct ctl_client *cl, int argc, char **argv)
{
	struct sv *sv = cl->sv;
	if (argc < 3 || (strcmp(argv[1], "pod") && strcmp(argv[1], "pods"))) {
		ERR(cl, "usage: podctl delete pod NAME\n");
		ctl_exit(cl, 2);
		return;
	}
	const struct store_file *f = file_of(sv->store, argv[2]);
	if (!f) {
		ERR(cl, "Error from server (NotFound): pods \"%s\" not found\n", argv[2]);
		ctl_exit(cl, 1);
		return;
	}
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", sv->cfg.manifests, f->name);
	int rc = 0, dfd = manifests_dir(sv);
	if (dfd < 0) {
		rc = dfd;
	} else if (f->gen->file.n == 1) {
		rc = state_remove(dfd, f->name);
	} else {
		/* the file holds more: write it back without this pod */
		struct membuf m;
		if (!mb_open(&m)) {
			ctl_exit(cl, 1);
			return;
		}
		bool first = true;
		for (unsigned i = 0; i < f->gen->file.n; i++) {
			const struct mf_object *o = &f->gen->file.objs[i];
			if (o->kind == MF_POD && !strcmp(o->pod->meta.name.s, argv[2]))
				continue;
			if (!first)
				fputs("---\n", m.f);
			first = false;
			struct emit e;
			emit_init(&e, m.f, EMIT_YAML);
			mf_emit(&e, o);
			emit_finish(&e);
		}
		fclose(m.f);
		m.f = NULL;
		rc = state_write(dfd, f->name, m.buf, m.len, 0644);
		free(m.buf);
	}
	if (dfd >= 0)
		close(dfd);
	if (rc) {
		ERR(cl, "error: cannot change %s: %s\n", path, strerror(-rc));
		ctl_exit(cl, 1);
		return;
	}
	OUT(cl, "pod \"%s\" deleted\n", argv[2]);
	sv_rescan_now(sv);
	ctl_exit(cl, 0);
}

/* ---- top ------------------------------------------------------------ */

static void cmd_top(struct ctl_client *cl)
{
	struct sv *sv = cl->sv;
	struct membuf m;
	if (!mb_open(&m)) {
		ctl_exit(cl, 1);
		return;
	}
	/* the supervisor itself first: what a device owner asks about most */
	FILE *status = fopen("/proc/self/status", "re");
	char line[128], rss[32] = "?";
	while (status && fgets(line, sizeof line, status))
		if (sscanf(line, "VmRSS: %31s", rss) == 1)
			break;
	if (status)
		fclose(status);
	unsigned npods = 0;
	for (struct pod *q = sv->pods; q; q = q->next)
		npods++;
	fprintf(m.f, "podinit: RSS %s KiB, %u pods, %u loop wake-ups\n", rss, npods,
		sv->loop.wakeups);
	fprintf(m.f, "%-24s %-20s %-12s %s\n", "POD", "CONTAINER", "CPU(cores)", "MEMORY(bytes)");
	for (struct pod *p = sv->pods; p; p = p->next)
		for (unsigned i = 0; i < p->nctrs; i++) {
			struct container *c = &p->ctrs[i];
			struct cg_stats st;
			if (!c->cg_live || cg_stats(&c->cg, &st))
				continue;
			char mem[32], cpu[32] = "-";
			/* as kubectl top: whole Mi, or Ki below one Mi */
			uint64_t unit = st.mem_bytes >= 1024 * 1024 ? 1024 * 1024 : 1024;
			qty_format_bytes((int64_t)((st.mem_bytes + unit - 1) / unit * unit), mem,
					 sizeof mem);
			if (st.cpu_usec != CG_STAT_NONE)
				snprintf(cpu, sizeof cpu, "%llums", (unsigned long long)(st.cpu_usec / 1000));
			fprintf(m.f, "%-24s %-20s %-12s %s\n", p->name, c->spec->name.s, cpu, mem);
		}
	mb_send(cl, &m, '1');
	ctl_exit(cl, 0);
}

void ctl_run(struct ctl_client *cl, int argc, char **argv)
{
	if (argc < 1) {
		ctl_exit(cl, 2);
		return;
	}
	const char *cmd = argv[0];
	if (!strcmp(cmd, "version")) {
		OUT(cl, "podinit %s\n", PODINIT_VERSION);
		ctl_exit(cl, 0);
	} else if (!strcmp(cmd, "get")) {
		cmd_get(cl, argc, argv);
	} else if (!strcmp(cmd, "describe")) {
		cmd_describe(cl, argc, argv);
	} else if (!strcmp(cmd, "logs")) {
		cmd_logs(cl, argc, argv);
	} else if (!strcmp(cmd, "events")) {
		cmd_events(cl, argc, argv);
	} else if (!strcmp(cmd, "apply")) {
		cmd_apply(cl, argc, argv);
	} else if (!strcmp(cmd, "delete")) {
		cmd_delete(cl, argc, argv);
	} else if (!strcmp(cmd, "top")) {
		cmd_top(cl);
	} else if (!strcmp(cmd, "wait")) {
		cmd_wait(cl, argc, argv);
	} else if (!strcmp(cmd, "poweroff") || !strcmp(cmd, "reboot")) {
		OUT(cl, "%s: stopping every pod\n", cmd);
		if (!cl->sv->stopping)
			cl->sv->stop_how = !strcmp(cmd, "reboot") ? SV_STOP_REBOOT : SV_STOP_POWEROFF;
		cl->sv->stopping = true;
		cl->sv->need_reconcile = true;
		ctl_exit(cl, 0);
	} else if (!strcmp(cmd, "debug") && argc > 1 && !strcmp(argv[1], "hang") && cl->sv->debug) {
		/* tests only (podinit.debug=1): a hung loop, for the watchdog; the
		 * event reaches the console, an answer through the loop never would */
		events_add(&cl->sv->events, true, "podinit", "DebugHang", "hanging the event loop");
		for (;;)
			pause();
	} else if (!strcmp(cmd, "debug") && argc > 1 && !strcmp(argv[1], "crash") && cl->sv->debug) {
		/* tests only (podinit.debug=1): PID 1's crash recovery */
		OUT(cl, "crashing PID 1\n");
		ctl_exit(cl, 0);
		raise(SIGSEGV);
	} else if (!strcmp(cmd, "debug")) {
		ERR(cl, "podctl debug: only with podinit.debug=1 on the kernel command line\n");
		ctl_exit(cl, 2);
	} else if (!strcmp(cmd, "ota")) {
		ERR(cl, "podctl ota: OTA trials are not implemented yet\n");
		ctl_exit(cl, 1);
	} else {
		ERR(cl, "podctl: unknown command \"%s\"\n", cmd);
		ctl_exit(cl, 2);
	}
}
