/* ctl_kevents.c - the events ring in the API server's shapes, for the API
 * process (`podctl events -o eventlist|table [--for-pod NS/NAME/UID]
 * [--name NAME] [-w]`): an EventList, or the Table `kubectl get events`
 * prints, one Event by its name (OBJECT.SEQ), or a watch's ADDED events
 * (each event's resourceVersion is its seq + 1; a list's, the next seq:
 * a watch from there misses nothing and repeats nothing). An event of a pod
 * is about the pod of that name that exists now, if it was made before the
 * event; every other event is about the node (podinit's own). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ctl_int.h"
#include "emit.h"
#include "events.h"
#include "pod.h"
#include "status.h"
#include "node.h"
#include "scan.h"

struct kev {
	const struct pod *pod; /* NULL: the node's, or a pod no longer there */
	char name[96], ctr[64];
	bool is_pod;
};

static bool before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec <= b->tv_nsec);
}

static void kev_of(const struct ctl *ctl, const struct event *e, struct kev *k)
{
	*k = (struct kev){0};
	const char *o = e->object;
	if (!strncmp(o, "pod/", 4)) {
		const char *slash = strchr(o + 4, '/');
		size_t n = slash ? (size_t)(slash - o - 4) : strlen(o + 4);
		snprintf(k->name, sizeof k->name, "%.*s", (int)n, o + 4);
		if (slash)
			snprintf(k->ctr, sizeof k->ctr, "%s", slash + 1);
		k->is_pod = true;
	} else {
		snprintf(k->name, sizeof k->name, "%s", o);
	}
	for (const struct pod *p = ctl->node->pods; p; p = p->next)
		if (!strcmp(p->name, k->name)) {
			k->is_pod = true;
			if (before(&p->created, &e->when))
				k->pod = p;
			break;
		}
}

/* the container's place in the spec, as the kubelet names it: an init
 * container (a sidecar too) is under spec.initContainers; "" for none */
static const char *field_path(const struct kev *k, char *buf, size_t len)
{
	bool init = false;
	for (unsigned i = 0; k->pod && i < k->pod->nctrs; i++)
		if (!strcmp(k->pod->ctrs[i].spec->name.s, k->ctr))
			init = k->pod->ctrs[i].is_init;
	if (!k->ctr[0])
		*buf = 0;
	else
		snprintf(buf, len, init ? "spec.initContainers{%s}" : "spec.containers{%s}", k->ctr);
	return buf;
}

static void kv(struct emit *e, const char *key, const char *val)
{
	emit_key(e, key);
	emit_str(e, val);
}

static void emit_event(struct emit *em, const struct event *e, const struct kev *k, const char *node)
{
	char t[40], name[160], rv[24], path[96];
	status_time(&(struct timespec){e->when.tv_sec, 0}, t, sizeof t);
	const char *ns = k->pod ? k->pod->spec->meta.namespace_.s : "default";
	snprintf(name, sizeof name, "%s.%llu", k->is_pod ? k->name : node, (unsigned long long)e->seq);
	snprintf(rv, sizeof rv, "%llu", (unsigned long long)e->seq + 1);
	emit_map(em);
	kv(em, "kind", "Event");
	kv(em, "apiVersion", "v1");
	emit_key(em, "metadata");
	emit_map(em);
	kv(em, "name", name);
	kv(em, "namespace", ns);
	kv(em, "resourceVersion", rv);
	kv(em, "creationTimestamp", t);
	emit_end(em);
	emit_key(em, "involvedObject");
	emit_map(em);
	kv(em, "kind", k->is_pod ? "Pod" : "Node");
	if (k->is_pod)
		kv(em, "namespace", ns);
	kv(em, "name", k->is_pod ? k->name : node);
	if (k->pod)
		kv(em, "uid", k->pod->uid);
	kv(em, "apiVersion", "v1");
	if (*field_path(k, path, sizeof path))
		kv(em, "fieldPath", path);
	emit_end(em);
	kv(em, "reason", e->reason);
	kv(em, "message", e->message);
	emit_key(em, "source");
	emit_map(em);
	kv(em, "component", k->is_pod ? "kubelet" : "podinit");
	kv(em, "host", node);
	emit_end(em);
	kv(em, "firstTimestamp", t);
	kv(em, "lastTimestamp", t);
	emit_key(em, "count");
	emit_int(em, 1);
	kv(em, "type", e->warning ? "Warning" : "Normal");
	emit_end(em);
}

/* the Table's columns as the API server's event printer gives them */
static const struct ctl_col table_cols[] = {
	{"Last Seen", 0, false, false}, {"Type", 0, false, false},       {"Reason", 0, false, false},
	{"Object", 0, false, false},    {"Subobject", 1, false, false},  {"Source", 1, false, false},
	{"Message", 0, false, false},   {"First Seen", 1, false, false}, {"Count", 1, true, false},
	{"Name", 1, false, true}};

static void table_row(struct emit *em, const struct event *e, const struct kev *k, const char *node)
{
	char age[16], obj[128], sub[96], src[96], name[160], t[40];
	status_age(&e->when, age, sizeof age);
	status_time(&(struct timespec){e->when.tv_sec, 0}, t, sizeof t);
	snprintf(obj, sizeof obj, "%s/%s", k->is_pod ? "pod" : "node", k->is_pod ? k->name : node);
	field_path(k, sub, sizeof sub);
	snprintf(src, sizeof src, "%s, %s", k->is_pod ? "kubelet" : "podinit", node);
	snprintf(name, sizeof name, "%s.%llu", k->is_pod ? k->name : node, (unsigned long long)e->seq);
	const char *ns = k->pod ? k->pod->spec->meta.namespace_.s : "default";
	const char *cells[] = {age, e->warning ? "Warning" : "Normal", e->reason, obj, sub, src, e->message, age};
	ctl_table_row_begin(em);
	for (size_t i = 0; i < sizeof cells / sizeof *cells; i++)
		emit_str(em, cells[i]);
	emit_int(em, 1);
	emit_str(em, name);
	ctl_table_row_end(em, name, ns, NULL, t, NULL);
}

/* the pod --for-pod NS/NAME/UID names, if it is there with that uid (*: any) */
static const struct pod *for_pod(const struct ctl *ctl, const char *sel, bool *none)
{
	char ns[64], name[96], uid[40];
	*none = false;
	if (!sel)
		return NULL;
	*none = true;
	const char *s = sel;
	if (!(scan_until(&s, "/", ns, sizeof ns) && scan_lit(&s, "/") &&
	      scan_until(&s, "/", name, sizeof name) && scan_lit(&s, "/") &&
	      scan_until(&s, " \t\n", uid, sizeof uid)))
		return NULL;
	for (const struct pod *p = ctl->node->pods; p; p = p->next)
		if (!strcmp(p->name, name) && !strcmp(p->spec->meta.namespace_.s, ns) &&
		    (!strcmp(uid, "*") || !strcmp(p->uid, uid))) {
			*none = false;
			return p;
		}
	return NULL;
}

/* The event's name as the API shows it (OBJECT.SEQ) and back: the seq of
 * a name, or -1 */
static long long seq_of_name(const char *name)
{
	const char *dot = strrchr(name, '.');
	char *end;
	long long seq = dot ? strtoll(dot + 1, &end, 10) : -1;
	return dot && dot[1] && !*end && seq >= 0 ? seq : -1;
}

static bool shown(const struct ctl *ctl, const struct event *e, struct kev *k, const struct pod *only,
		  const char *ns)
{
	kev_of(ctl, e, k);
	return (!only || k->pod == only) && (!ns || !strcmp(k->pod ? k->pod->spec->meta.namespace_.s : "default", ns));
}

int ctl_events_k8s(struct ctl *ctl, FILE *f, bool table, const char *ns, const char *sel, const char *name)
{
	char node[64] = "";
	gethostname(node, sizeof node);
	node[sizeof node - 1] = 0;
	bool none;
	const struct pod *only = for_pod(ctl, sel, &none);
	struct emit em;
	emit_init(&em, f, EMIT_JSON);
	if (name) { /* one event: found by its seq, its name must match */
		long long seq = seq_of_name(name);
		struct event got;
		const struct event *e = seq >= 0 && events_get(&ctl->node->events, (uint64_t)seq, &got)
					? &got : NULL;
		struct kev k;
		char want[160];
		if (!e || !shown(ctl, e, &k, only, ns))
			return -1;
		snprintf(want, sizeof want, "%s.%llu", k.is_pod ? k.name : node, (unsigned long long)e->seq);
		if (strcmp(want, name))
			return -1;
		if (table) {
			ctl_table_begin(&em, table_cols, sizeof table_cols / sizeof *table_cols, 0);
			table_row(&em, e, &k, node);
			ctl_table_end(&em);
		} else {
			emit_event(&em, e, &k, node);
		}
		emit_finish(&em);
		return 0;
	}
	if (table) {
		ctl_table_begin(&em, table_cols, sizeof table_cols / sizeof *table_cols, ctl->node->events.next);
	} else {
		emit_map(&em);
		kv(&em, "kind", "EventList");
		kv(&em, "apiVersion", "v1");
		emit_key(&em, "metadata");
		emit_map(&em);
		char rv[24];
		snprintf(rv, sizeof rv, "%llu", (unsigned long long)ctl->node->events.next);
		kv(&em, "resourceVersion", rv);
		emit_end(&em);
		emit_key(&em, "items");
		emit_list(&em);
	}
	for (uint64_t s = events_first(&ctl->node->events); !none && s < ctl->node->events.next; s++) {
		struct event got, *e = &got;
		struct kev k;
		if (!events_get(&ctl->node->events, s, e) || !shown(ctl, e, &k, only, ns))
			continue;
		if (table)
			table_row(&em, e, &k, node);
		else
			emit_event(&em, e, &k, node);
	}
	emit_end(&em);
	emit_end(&em);
	emit_finish(&em);
	return 0;
}

void ctl_event_watch_line(struct ctl *ctl, FILE *f, const struct event *e, bool table, const char *ns)
{
	char node[64] = "";
	gethostname(node, sizeof node);
	node[sizeof node - 1] = 0;
	struct kev k;
	if (!shown(ctl, e, &k, NULL, ns))
		return;
	struct emit em;
	emit_init(&em, f, EMIT_JSON_LINE);
	fputs("{\"type\":\"ADDED\",\"object\":", f);
	if (table) {
		ctl_table_begin(&em, table_cols, sizeof table_cols / sizeof *table_cols, e->seq + 1);
		table_row(&em, e, &k, node);
		ctl_table_end(&em);
	} else {
		emit_event(&em, e, &k, node);
	}
	emit_finish(&em);
	fputs("}\n", f);
}
