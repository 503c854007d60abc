/* ctl_podrow.c - how a pod shows in a list, written once: kubectl get's
 * row (podctl's table, the API's Table, a watch's events) and the label
 * selectors that pick the pods. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "ctl_int.h"
#include "emit.h"
#include "pod.h"
#include "status.h"

/* ---- label selectors: k=v, k==v, k!=v, k, !k, comma-separated ------- */

static const char *label(const struct mf_list *l, const char *key, size_t klen)
{
	const struct mf_kv *kv = l->v;
	for (uint32_t i = 0; i < l->n; i++)
		if (strlen(kv[i].key.s) == klen && !strncmp(kv[i].key.s, key, klen))
			return kv[i].val.s;
	return NULL;
}

int ctl_selector_match(const char *sel, const struct mf_list *labels)
{
	int match = 1;
	for (const char *p = sel; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (!len)
			return -1;
		const char *ne = memmem(p, len, "!=", 2), *eq = memchr(p, '=', len);
		bool negate = p[0] == '!';
		if (ne || eq) {
			const char *op = ne ? ne : eq;
			size_t klen = (size_t)(op - p);
			const char *v = op + (ne ? 2 : (op[1] == '=' ? 2 : 1));
			size_t vlen = (size_t)(p + len - v);
			if (!klen || negate)
				return -1;
			const char *have = label(labels, p, klen);
			bool same = have && strlen(have) == vlen && !strncmp(have, v, vlen);
			if (ne ? same : !same)
				match = 0;
		} else {
			const char *k = negate ? p + 1 : p;
			size_t klen = negate ? len - 1 : len;
			if (!klen)
				return -1;
			if ((label(labels, k, klen) != NULL) == negate)
				match = 0;
		}
		p += len + (end ? 1 : 0);
	}
	return match;
}


void ctl_pods_head(FILE *f, bool wide, bool all_ns)
{
	if (all_ns)
		fprintf(f, "%-16s ", "NAMESPACE");
	fprintf(f, "%-24s %-7s %-26s %-9s %s%s\n", "NAME", "READY", "STATUS", "RESTARTS", "AGE",
		wide ? "   IP              NODE" : "");
}

void ctl_pod_row(const struct pod *p, struct pod_row *r)
{
	snprintf(r->name, sizeof r->name, "%s", p->name);
	snprintf(r->ns, sizeof r->ns, "%s", p->spec->meta.namespace_.s);
	snprintf(r->uid, sizeof r->uid, "%s", p->uid);
	status_time(&p->created, r->created, sizeof r->created);
	r->labels = &p->spec->meta.labels;
	unsigned total, ready = pod_ready_count(p, &total);
	snprintf(r->ready, sizeof r->ready, "%u/%u", ready, total);
	char st[sizeof r->status];
	snprintf(r->status, sizeof r->status, "%s", pod_status_reason(p, st, sizeof st));
	snprintf(r->restarts, sizeof r->restarts, "%u", pod_restarts(p));
	status_age(&p->created, r->age, sizeof r->age);
	char ip[16];
	snprintf(r->ip, sizeof r->ip, "%s", *pod_ip(p, ip) ? ip : "<none>");
	r->node[0] = 0;
	gethostname(r->node, sizeof r->node);
}

void ctl_pod_line(FILE *f, const struct pod *p, bool wide, bool all_ns)
{
	struct pod_row r;
	ctl_pod_row(p, &r);
	if (all_ns)
		fprintf(f, "%-16s ", p->spec->meta.namespace_.s);
	fprintf(f, "%-24s %-7s %-26s %-9s %s", p->name, r.ready, r.status, r.restarts, r.age);
	if (wide)
		fprintf(f, "   %-15s %s", r.ip, r.node);
	fputc('\n', f);
}

/* The API's Table (meta.k8s.io/v1) of pods: the columns the API server
 * gives (IP and Node at priority 1: -o wide), the cells as kubectl prints
 * them (it prints a Table's cells as they come, ages included), each row
 * with the pod's metadata for labels and namespaces. */
static const struct ctl_col pod_cols[] = {{"Name", 0, false, true}, {"Ready", 0, false, false},
					  {"Status", 0, false, false}, {"Restarts", 0, false, false},
					  {"Age", 0, false, false},   {"IP", 1, false, false},
					  {"Node", 1, false, false}};

static void pod_table_row(struct emit *e, const struct pod_row *r)
{
	const char *cells[] = {r->name, r->ready, r->status, r->restarts, r->age, r->ip, r->node};
	ctl_table_row_begin(e);
	for (size_t c = 0; c < sizeof cells / sizeof *cells; c++)
		emit_str(e, cells[c]);
	ctl_table_row_end(e, r->name, r->ns, r->uid, r->created, r->labels);
}

void ctl_pods_table(FILE *f, struct pod *const *list, unsigned n, unsigned long long rv)
{
	struct emit e;
	emit_init(&e, f, EMIT_JSON);
	ctl_table_begin(&e, pod_cols, sizeof pod_cols / sizeof *pod_cols, rv);
	for (unsigned i = 0; i < n; i++) {
		struct pod_row r;
		ctl_pod_row(list[i], &r);
		pod_table_row(&e, &r);
	}
	ctl_table_end(&e);
	emit_finish(&e);
}

void ctl_pod_row_table(FILE *f, const struct pod_row *r, unsigned long long rv)
{
	struct emit e;
	emit_init(&e, f, EMIT_JSON_LINE);
	ctl_table_begin(&e, pod_cols, sizeof pod_cols / sizeof *pod_cols, rv);
	pod_table_row(&e, r);
	ctl_table_end(&e);
	emit_finish(&e);
}

