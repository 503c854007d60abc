/* ctl_watch.c - podctl get pods|svc|cm|secrets -w: the changes as they
 * happen, as kubectl get -w shows them (text rows, pods), or as the API's
 * watch events (-o json: {"type":"ADDED|MODIFIED|DELETED","object":...}
 * on a line; -o table: the object a Table of one row), for the API process.
 *
 * A watcher is stepped when the observer says pods changed or an event
 * was added (a new desired set says so too); it compares a hash of each
 * object it watches with what it sent last (a pod's rendered status; a
 * Service's, ConfigMap's or Secret's manifest hash), so it says each change
 * once and nothing else. Its state is one block: for each object seen (at
 * most LIM_PODS), its identity, hash and last row (a pod) or a reference to
 * the file holding it (the others: a DELETED event shows the object as it
 * was, from that file).
 *
 * resourceVersion: lists carry ctl->pods_version. A watch from the version
 * now starts quiet; from an older one (a change in between) it sends every
 * object as MODIFIED; from none or "0", every object as ADDED.
 * --initial-events (the API's sendInitialEvents=true, client-go's watch
 * list): every object as ADDED, then a BOOKMARK saying that was all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base.h"
#include "ctl_int.h"
#include "ctl_proto.h"
#include "emit.h"
#include "mset.h"
#include "node.h"
#include "pod.h"
#include "status.h"

#define LAST_MAX 320 /* a pod's last row: name, ns, uid, created, ready, status, restarts, ip */

struct seen {
	uint64_t id;     /* a pod's uid, an object's namespace/name, hashed */
	bool live;       /* still there at this step */
	uint64_t hash;   /* as last sent */
	struct timespec created;
	struct mfile *file; /* the others: the file of the object as last sent (a reference) */
	unsigned obj;       /* and its index there */
	char last[LAST_MAX];
};

struct ctl_watch {
	enum { W_TEXT, W_JSON, W_TABLE } fmt;
	enum mf_kind kind;
	bool all_ns;
	char ns[64], name[254], sel[256];
	unsigned n;
	struct seen seen[LIM_PODS];
};

/* the row's fields, NUL-separated, into last (truncated to fit) */
static void keep_row(struct seen *s, const struct pod_row *r)
{
	const char *f[] = {r->name, r->ns, r->uid, r->created, r->ready, r->status, r->restarts, r->ip};
	size_t at = 0;
	for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
		int k = snprintf(s->last + at, sizeof s->last - at, "%s", f[i]);
		at += k < 0 ? 0 : (size_t)k + 1;
		if (at >= sizeof s->last) {
			s->last[sizeof s->last - 1] = 0;
			return;
		}
	}
}

static void row_of_kept(const struct seen *s, struct pod_row *r)
{
	char *f[] = {r->name, r->ns, r->uid, r->created, r->ready, r->status, r->restarts, r->ip};
	size_t len[] = {sizeof r->name, sizeof r->ns, sizeof r->uid, sizeof r->created,
			sizeof r->ready, sizeof r->status, sizeof r->restarts, sizeof r->ip};
	*r = (struct pod_row){.labels = NULL};
	const char *p = s->last, *end = s->last + sizeof s->last;
	for (size_t i = 0; i < sizeof f / sizeof *f && p < end; i++) {
		snprintf(f[i], len[i], "%s", p);
		p += strnlen(p, (size_t)(end - p)) + 1;
	}
	status_age(&s->created, r->age, sizeof r->age);
	gethostname(r->node, sizeof r->node);
	r->node[sizeof r->node - 1] = 0;
}

static bool in_scope(const struct ctl_watch *w, const char *ns, const char *name, const struct mf_list *labels)
{
	return (w->all_ns || !strcmp(ns, w->ns)) && (!*w->name || !strcmp(name, w->name)) &&
	       (!*w->sel || ctl_selector_match(w->sel, labels) == 1);
}

static uint64_t id_of(const char *a, const char *b)
{
	uint64_t h = fnv1a(FNV_START, a, strlen(a) + 1);
	return fnv1a(h, b, strlen(b));
}

static uint64_t pod_hash(const struct pod *p)
{
	uint64_t h;
	FILE *f = emit_hash_file(&h);
	if (!f)
		return 0;
	struct emit e;
	emit_init(&e, f, EMIT_JSON_LINE);
	status_emit_pod(&e, p);
	fclose(f);
	return h ? h : 1;
}

/* the object seen s names, in its file */
static const struct mf_object *kept_obj(const struct seen *s)
{
	return &s->file->file.objs[s->obj];
}

/* One change to the client: the pod p, or the object s holds, or (a pod
 * gone) the row kept of it. */
static void send_change(struct ctl_client *cl, const char *type, const struct pod *p, const struct seen *s)
{
	struct ctl_watch *w = cl->watch;
	struct membuf m;
	if (!ctl_mb_open(&m))
		return;
	if (w->kind != MF_POD) {
		const struct mf_object *o = kept_obj(s);
		fprintf(m.f, "{\"type\":\"%s\",\"object\":", type);
		if (w->fmt == W_TABLE) {
			const struct mfile *f = s->file;
			ctl_objs_table(m.f, cl->ctl->node, w->kind, &o, &f, 1, cl->ctl->pods_version, true);
		} else {
			struct emit e;
			emit_init(&e, m.f, EMIT_JSON_LINE);
			mf_emit(&e, o);
			emit_finish(&e);
		}
		fputs("}\n", m.f);
		ctl_mb_send(cl, &m, '1');
		return;
	}
	struct pod_row r;
	if (p)
		ctl_pod_row(p, &r);
	else
		row_of_kept(s, &r);
	if (w->fmt == W_TEXT) {
		if (p) {
			ctl_pod_line(m.f, p, false, w->all_ns);
		} else {
			if (w->all_ns)
				fprintf(m.f, "%-16s ", r.ns);
			fprintf(m.f, "%-24s %-7s %-26s %-9s %s\n", r.name, r.ready, r.status, r.restarts, r.age);
		}
	} else {
		fprintf(m.f, "{\"type\":\"%s\",\"object\":", type);
		if (w->fmt == W_TABLE) {
			ctl_pod_row_table(m.f, &r, cl->ctl->pods_version);
		} else if (p) {
			struct emit e;
			emit_init(&e, m.f, EMIT_JSON_LINE);
			status_emit_pod(&e, p);
			emit_finish(&e);
		} else {
			fprintf(m.f, "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"%s\","
				     "\"namespace\":\"%s\",\"uid\":\"%s\"}}", r.name, r.ns, r.uid);
		}
		fputs("}\n", m.f);
	}
	ctl_mb_send(cl, &m, '1');
}

/* The entry of id (made when new; NULL when the table is full). */
static struct seen *entry(struct ctl_watch *w, uint64_t id, bool *fresh)
{
	*fresh = false;
	for (unsigned i = 0; i < w->n; i++)
		if (w->seen[i].id == id)
			return &w->seen[i];
	if (w->n >= LIM_PODS)
		return NULL;
	struct seen *s = &w->seen[w->n++];
	*s = (struct seen){.id = id};
	*fresh = true;
	return s;
}

static void drop(struct seen *s)
{
	mfile_unref(s->file);
	s->file = NULL;
}

/* Compares every watched object with what was sent; quiet: record only. */
static void step(struct ctl_client *cl, const char *first_type, bool quiet)
{
	struct ctl_watch *w = cl->watch;
	for (unsigned i = 0; i < w->n; i++)
		w->seen[i].live = false;
	bool fresh;
	if (w->kind == MF_POD) {
		for (struct pod *p = cl->ctl->node->pods; p; p = p->next) {
			struct seen *s;
			if (!in_scope(w, p->spec->meta.namespace_.s, p->name, &p->spec->meta.labels) ||
			    !(s = entry(w, id_of(p->uid, ""), &fresh)))
				continue;
			s->live = true;
			uint64_t h = pod_hash(p);
			if (s->hash == h)
				continue;
			s->hash = h;
			s->created = p->created;
			struct pod_row r;
			ctl_pod_row(p, &r);
			keep_row(s, &r);
			if (!quiet)
				send_change(cl, fresh ? first_type : "MODIFIED", p, NULL);
		}
	} else {
		MSET_FOREACH(cl->ctl->node->set, f, o) {
			const struct mf_meta *m = mf_meta_of(o);
			struct seen *s;
			if (o->kind != w->kind || !in_scope(w, m->namespace_.s, m->name.s, &m->labels) ||
			    !(s = entry(w, id_of(m->namespace_.s, m->name.s), &fresh)))
				continue;
			s->live = true;
			uint64_t h = mfile_object_hash(f, o);
			if (s->hash == h)
				continue;
			drop(s);
			s->hash = h;
			s->file = (struct mfile *)f;
			mfile_ref(s->file);
			s->obj = o_i;
			if (!quiet)
				send_change(cl, fresh ? first_type : "MODIFIED", NULL, s);
		}
	}
	for (unsigned i = 0; i < w->n;) {
		if (w->seen[i].live) {
			i++;
			continue;
		}
		send_change(cl, "DELETED", NULL, &w->seen[i]);
		drop(&w->seen[i]);
		w->seen[i] = w->seen[--w->n];
	}
}

static void bookmark(struct ctl_client *cl, enum mf_kind kind)
{
	char line[256];
	int n = snprintf(line, sizeof line,
			 "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"%s\",\"apiVersion\":\"v1\",\"metadata\":"
			 "{\"resourceVersion\":\"%llu\",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}}}}\n",
			 mf_kind_name(kind), cl->ctl->pods_version);
	ctl_write(cl, '1', line, (size_t)n);
}

void ctl_watch_start(struct ctl_client *cl, enum mf_kind kind, const char *ns, const char *name, const char *sel,
		     const char *fmt, const char *rv, bool initial)
{
	if (ctl_followers_full(cl))
		return;
	struct ctl_watch *w = calloc(1, sizeof *w);
	if (!w) {
		ERR(cl, "Error from server (InternalError): out of memory\n");
		ctl_exit(cl, 1);
		return;
	}
	cl->watch = w;
	ctl_write(cl, CTL_STARTED, "", 0); /* the API answers its head now */
	w->fmt = !fmt ? W_TEXT : !strcmp(fmt, "table") ? W_TABLE : W_JSON;
	w->kind = kind;
	w->all_ns = !ns;
	snprintf(w->ns, sizeof w->ns, "%s", ns ? ns : "");
	snprintf(w->name, sizeof w->name, "%s", name ? name : "");
	snprintf(w->sel, sizeof w->sel, "%s", sel ? sel : "");
	bool fresh = !rv || !*rv || !strcmp(rv, "0");
	char now[24];
	snprintf(now, sizeof now, "%llu", cl->ctl->pods_version);
	if (w->fmt == W_TEXT) { /* as kubectl get -w: the list first */
		struct membuf m;
		if (ctl_mb_open(&m)) {
			ctl_pods_head(m.f, false, w->all_ns);
			ctl_mb_send(cl, &m, '1');
		}
	}
	step(cl, fresh || initial ? "ADDED" : "MODIFIED", !fresh && !initial && !strcmp(rv, now));
	if (initial && w->fmt != W_TEXT)
		bookmark(cl, kind);
	cl->follow = CF_WATCH;
}

bool ctl_watch_step(struct ctl_client *cl)
{
	step(cl, "ADDED", false);
	return false; /* a watch ends with its client */
}

void ctl_watch_free(struct ctl_client *cl)
{
	struct ctl_watch *w = cl->watch;
	for (unsigned i = 0; w && i < w->n; i++)
		drop(&w->seen[i]);
	free(w);
	cl->watch = NULL;
}
