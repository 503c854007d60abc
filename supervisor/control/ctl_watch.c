/* ctl_watch.c - podctl get pods -w: the pods' changes as they happen,
 * as kubectl get -w shows them (text rows), or as the API's watch events
 * (-o json: {"type":"ADDED|MODIFIED|DELETED","object":<Pod>} a line;
 * -o table: the object a Table of one row), for the API process.
 *
 * A watcher is stepped when the observer says pods changed or an event
 * was added; it renders each pod it watches and compares a hash of that
 * with what it sent last, so it says each change once and nothing else.
 * Its state is one block (freed with the client): the uid, hash and last
 * row of each pod it has seen, LIM_PODS at most.
 *
 * resourceVersion: pod lists carry ctl->pods_version. A watch from the
 * version now starts quiet; from an older one (a change in between) it
 * sends every pod as MODIFIED; from none or "0", every pod as ADDED.
 * --initial-events (the API's sendInitialEvents=true, client-go's watch
 * list): every pod as ADDED, then a BOOKMARK saying that was all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base.h"
#include "ctl_int.h"
#include "ctl_proto.h"
#include "emit.h"
#include "node.h"
#include "pod.h"
#include "status.h"

#define LAST_MAX 320 /* a pod's last row: name, ns, uid, created, ready, status, restarts, ip */

struct seen {
	char uid[37];
	bool live;       /* still there at this step */
	uint64_t hash;   /* of its JSON as last sent */
	struct timespec created;
	char last[LAST_MAX];
};

struct ctl_watch {
	enum { W_TEXT, W_JSON, W_TABLE } fmt;
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

static bool watched(const struct ctl_watch *w, const struct pod *p)
{
	return (w->all_ns || !strcmp(p->spec->meta.namespace_.s, w->ns)) && (!*w->name || !strcmp(p->name, w->name)) &&
	       (!*w->sel || ctl_selector_match(w->sel, &p->spec->meta.labels) == 1);
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

/* One change to the client: the pod p, or (gone) the row kept of it. */
static void send_change(struct ctl_client *cl, const char *type, const struct pod *p, const struct seen *gone)
{
	struct ctl_watch *w = cl->watch;
	struct membuf m;
	if (!ctl_mb_open(&m))
		return;
	struct pod_row r;
	if (p)
		ctl_pod_row(p, &r);
	else
		row_of_kept(gone, &r);
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

static struct seen *find(struct ctl_watch *w, const char *uid)
{
	for (unsigned i = 0; i < w->n; i++)
		if (!strcmp(w->seen[i].uid, uid))
			return &w->seen[i];
	return NULL;
}

/* Compares every watched pod with what was sent; quiet: record only. */
static void step(struct ctl_client *cl, const char *first_type, bool quiet)
{
	struct ctl_watch *w = cl->watch;
	for (unsigned i = 0; i < w->n; i++)
		w->seen[i].live = false;
	for (struct pod *p = cl->ctl->node->pods; p; p = p->next) {
		if (!watched(w, p))
			continue;
		uint64_t h = pod_hash(p);
		struct seen *s = find(w, p->uid);
		const char *type = s ? "MODIFIED" : first_type;
		if (!s && w->n < LIM_PODS) {
			s = &w->seen[w->n++];
			snprintf(s->uid, sizeof s->uid, "%s", p->uid);
			s->hash = 0;
			s->created = p->created;
		}
		if (!s)
			continue;
		s->live = true;
		if (s->hash == h)
			continue;
		s->hash = h;
		struct pod_row r;
		ctl_pod_row(p, &r);
		keep_row(s, &r);
		if (!quiet)
			send_change(cl, type, p, NULL);
	}
	for (unsigned i = 0; i < w->n;) {
		if (w->seen[i].live) {
			i++;
			continue;
		}
		send_change(cl, "DELETED", NULL, &w->seen[i]);
		w->seen[i] = w->seen[--w->n];
	}
}

static void bookmark(struct ctl_client *cl)
{
	char line[256];
	int n = snprintf(line, sizeof line,
			 "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":"
			 "{\"resourceVersion\":\"%llu\",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}}}}\n",
			 cl->ctl->pods_version);
	ctl_write(cl, '1', line, (size_t)n);
}

void ctl_watch_start(struct ctl_client *cl, const char *ns, const char *name, const char *sel, const char *fmt,
		     const char *rv, bool initial)
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
		bookmark(cl);
	cl->follow = CF_WATCH;
}

bool ctl_watch_step(struct ctl_client *cl)
{
	step(cl, "ADDED", false);
	return false; /* a watch ends with its client */
}
