/* ctl_show.c - podctl's read-only views: get (tables as kubectl prints
 * them, -o wide|json|yaml|name, -l selectors, -n/-A), describe, events,
 * top. Everything is derived from the running pods at the moment asked. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ctl_int.h"
#include "manifest.h"
#include "ctl_proto.h"
#include "emit.h"
#include "events.h"
#include "pod.h"
#include "quantity.h"
#include "status.h"
#include "node.h"
#include "scan.h"

/* ---- get ------------------------------------------------------------ */

static bool is_pods(const char *kind)
{
	return !strcmp(kind, "pods") || !strcmp(kind, "pod") || !strcmp(kind, "po");
}

void ctl_cmd_get(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a)
{
	struct ctl *ctl = cl->ctl;
	const char *fmt = ARG("--output"), *sel = ARG("--selector");
	const char *ns = ctl_namespace(cmd, a);
	enum mf_kind kind;
	bool manifest = fmt && !strcmp(fmt, "manifest"); /* a pod as the set holds it (the API's patches) */
	if (a->npos >= 1 && a->npos <= 2 && (manifest || !is_pods(a->pos[0])) && !ctl_kind_of(a->pos[0], &kind)) {
		if (ARG("--watch") && (!fmt || !strcmp(fmt, "json") || !strcmp(fmt, "table")))
			ctl_watch_start(cl, kind, ctl_namespace(cmd, a), a->npos == 2 ? a->pos[1] : NULL, sel,
					fmt ? fmt : "table", ARG("--resource-version"), ARG("--initial-events") != NULL);
		else
			ctl_get_objects(cl, cmd, a, kind);
		return;
	}
	if (a->npos < 1 || !is_pods(a->pos[0])) {
		ctl_usage(cl, cmd, "error: podctl get lists pods: get pods, get pod NAME%s%s",
			  a->npos ? "; not " : "", a->npos ? a->pos[0] : "");
		return;
	}
	if (a->npos > 2) {
		ctl_usage(cl, cmd, "error: podctl get takes one pod name (got %s and %s)", a->pos[1], a->pos[2]);
		return;
	}
	if (fmt && strcmp(fmt, "json") && strcmp(fmt, "yaml") && strcmp(fmt, "wide") && strcmp(fmt, "name") &&
	    strcmp(fmt, "table") && strcmp(fmt, "podlist")) {
		ctl_usage(cl, cmd, "error: unable to match a printer suitable for the output format \"%s\", "
			  "the allowed formats are: json,name,wide,yaml (and for the API: table,podlist)", fmt);
		return;
	}
	if (sel && ctl_selector_match(sel, &(struct mf_list){0}) < 0) {
		ctl_usage(cl, cmd, "error: unable to parse requirement: \"%s\" is not a label selector", sel);
		return;
	}
	const char *name = a->npos == 2 ? a->pos[1] : NULL, *field = ARG("--field-selector");
	if (field && (strncmp(field, "metadata.name=", 14) || name || strchr(field, ','))) {
		ctl_usage(cl, cmd, "error: podctl get pods selects fields by metadata.name=NAME only (not %s)", field);
		return;
	}
	struct pod *one = name ? ctl_pod_or_not_found(cl, ns ? ns : "default", name) : NULL;
	if (name && !one)
		return;
	if (ARG("--watch")) {
		if (fmt && strcmp(fmt, "json") && strcmp(fmt, "table")) {
			ctl_usage(cl, cmd, "error: podctl get pods -w prints rows (or, for the API, -o json|table)");
			return;
		}
		ctl_watch_start(cl, MF_POD, ns, field ? field + 14 : name, sel, fmt, ARG("--resource-version"),
				ARG("--initial-events") != NULL);
		return;
	}
	struct pod *list[LIM_PODS];
	unsigned n = 0;
	for (struct pod *p = one ? one : ctl->node->pods; p && n < LIM_PODS; p = one ? NULL : p->next)
		if ((!ns || !strcmp(p->spec->meta.namespace_.s, ns)) &&
		    (!sel || ctl_selector_match(sel, &p->spec->meta.labels) == 1) &&
		    (!field || !strcmp(p->name, field + 14)))
			list[n++] = p;
	struct membuf m;
	if (!ctl_mb_open(&m)) {
		ctl_exit(cl, 1);
		return;
	}
	if (fmt && !strcmp(fmt, "table")) {
		ctl_pods_table(m.f, list, n, ctl->pods_version);
	} else if (fmt && (!strcmp(fmt, "json") || !strcmp(fmt, "yaml") || !strcmp(fmt, "podlist"))) {
		struct emit e;
		emit_init(&e, m.f, !strcmp(fmt, "yaml") ? EMIT_YAML : EMIT_JSON);
		if (one) {
			status_emit_pod(&e, one);
		} else {
			status_emit_list_head(&e, !strcmp(fmt, "podlist") ? "PodList" : "List", ctl->pods_version);
			for (unsigned i = 0; i < n; i++)
				status_emit_pod(&e, list[i]);
			status_emit_list_end(&e);
		}
		emit_finish(&e);
	} else if (fmt && !strcmp(fmt, "name")) {
		for (unsigned i = 0; i < n; i++)
			fprintf(m.f, "pod/%s\n", list[i]->name);
	} else if (!n) {
		if (ns)
			fprintf(m.f, "No resources found in %s namespace.\n", ns);
		else
			fprintf(m.f, "No resources found\n");
	} else {
		bool wide = fmt && !strcmp(fmt, "wide");
		ctl_pods_head(m.f, wide, !ns);
		for (unsigned i = 0; i < n; i++)
			ctl_pod_line(m.f, list[i], wide, !ns);
	}
	/* kubectl says "No resources found" on stderr */
	bool structured = fmt && strcmp(fmt, "wide");
	ctl_mb_send(cl, &m, n || structured ? '1' : '2');
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

static bool event_of(const struct event *e, const struct pod *p)
{
	size_t nl = strlen(p->name);
	return !strcmp(e->object, p->name) ||
	       (!strncmp(e->object, "pod/", 4) && !strncmp(e->object + 4, p->name, nl) &&
		(e->object[4 + nl] == '/' || !e->object[4 + nl]));
}

void ctl_cmd_describe(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a)
{
	struct ctl *ctl = cl->ctl;
	if (a->npos != 2 || !is_pods(a->pos[0])) {
		ctl_usage(cl, cmd, "error: podctl describe pod NAME: %s",
			  a->npos < 2 ? "a pod name is needed" : a->npos > 2 ? "one pod name only" : "only pods");
		return;
	}
	const char *ns = ctl_namespace(cmd, a);
	struct pod *p = ctl_pod_or_not_found(cl, ns ? ns : "default", a->pos[1]);
	if (!p)
		return;
	struct membuf m;
	if (!ctl_mb_open(&m)) {
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
	for (uint64_t s = events_first(&ctl->node->events); s < ctl->node->events.next; s++) {
		struct event got, *e = &got;
		if (!events_get(&ctl->node->events, s, e) || !event_of(e, p))
			continue;
		char age[16];
		status_age(&e->when, age, sizeof age);
		fprintf(f, "  %-8s %-22s %-10s %s\n", e->warning ? "Warning" : "Normal", e->reason, age,
			e->message);
	}
	ctl_mb_send(cl, &m, '1');
	ctl_exit(cl, 0);
}

/* ---- events --------------------------------------------------------- */

void ctl_send_event(struct ctl_client *cl, const struct event *e)
{
	if (cl->kwatch) { /* the API's watch of events */
		struct membuf m;
		if (ctl_mb_open(&m)) {
			ctl_event_watch_line(cl->ctl, m.f, e, cl->kwatch == 't', *cl->pod ? cl->pod : NULL);
			ctl_mb_send(cl, &m, '1');
		}
		return;
	}
	char t[40];
	status_time(&(struct timespec){e->when.tv_sec, 0}, t, sizeof t);
	if (cl->json) {
		struct membuf m;
		if (!ctl_mb_open(&m))
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
		ctl_mb_send(cl, &m, '1');
		return;
	}
	OUT(cl, "%s  %-7s  %-20s %-32s %s\n", t, e->warning ? "Warning" : "Normal", e->reason,
	    e->object, e->message);
}

void ctl_cmd_events(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a)
{
	struct ctl *ctl = cl->ctl;
	const char *fmt = ARG("--output");
	bool follow = ARG("--follow") || ARG("--watch");
	if (a->npos) {
		ctl_usage(cl, cmd, "error: podctl events takes no arguments (got %s)", a->pos[0]);
		return;
	}
	bool k8s = fmt && (!strcmp(fmt, "eventlist") || !strcmp(fmt, "table"));
	if (fmt && strcmp(fmt, "json") && !k8s) {
		ctl_usage(cl, cmd, "error: podctl events: output format \"%s\": only json (for the API: "
			  "eventlist, table)", fmt);
		return;
	}
	const char *ns = ctl_namespace(cmd, a), *name = ARG("--name"), *rv = ARG("--resource-version");
	if (k8s && follow) { /* a watch: from rv (the list's next seq) on */
		if (ctl_followers_full(cl))
			return;
		cl->kwatch = !strcmp(fmt, "table") ? 't' : 'j';
		snprintf(cl->pod, sizeof cl->pod, "%s", ns ? ns : "");
		char *end = NULL;
		unsigned long long from = rv ? strtoull(rv, &end, 10) : 0;
		cl->pos = rv && *rv && !*end && from ? from : events_first(&ctl->node->events);
		if (cl->pos < events_first(&ctl->node->events))
			cl->pos = events_first(&ctl->node->events);
		ctl_write(cl, CTL_STARTED, "", 0);
		cl->follow = CF_EVENTS;
		return;
	}
	if (k8s) {
		struct membuf m;
		if (!ctl_mb_open(&m)) {
			ctl_exit(cl, 1);
			return;
		}
		if (ctl_events_k8s(ctl, m.f, !strcmp(fmt, "table"), ns, ARG("--for-pod"), name) < 0) {
			fclose(m.f);
			free(m.buf);
			ERR(cl, "Error from server (NotFound): events \"%s\" not found\n", name);
			ctl_exit(cl, 1);
			return;
		}
		ctl_mb_send(cl, &m, '1');
		ctl_exit(cl, 0);
		return;
	}
	if (follow && ctl_followers_full(cl))
		return;
	cl->json = fmt != NULL;
	struct event e;
	for (uint64_t s = events_first(&ctl->node->events); s < ctl->node->events.next; s++)
		if (events_get(&ctl->node->events, s, &e))
			ctl_send_event(cl, &e);
	if (!follow) {
		ctl_exit(cl, 0);
		return;
	}
	cl->pos = ctl->node->events.next;
	cl->follow = CF_EVENTS;
}

/* ---- top ------------------------------------------------------------ */

void ctl_cmd_top(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a)
{
	struct ctl *ctl = cl->ctl;
	if (a->npos > 1 || (a->npos && !is_pods(a->pos[0]))) {
		ctl_usage(cl, cmd, "error: podctl top shows pods: top [pods]");
		return;
	}
	struct membuf m;
	if (!ctl_mb_open(&m)) {
		ctl_exit(cl, 1);
		return;
	}
	/* the supervisor itself first: what a device owner asks about most */
	FILE *status = fopen("/proc/self/status", "re");
	char line[128], rss[32] = "?";
	while (status && fgets(line, sizeof line, status)) {
		const char *s = line;
		if (scan_lit(&s, "VmRSS:") && scan_blanks(&s) && scan_until(&s, " \t\n", rss, sizeof rss))
			break;
	}
	if (status)
		fclose(status);
	unsigned npods = 0;
	for (struct pod *q = ctl->node->pods; q; q = q->next)
		npods++;
	fprintf(m.f, "podinit: RSS %s KiB, %u pods, %u loop wake-ups\n", rss, npods,
		ctl->node->loop.wakeups);
	/* the device: what `kubectl top node` would say of memory */
	FILE *mi = fopen("/proc/meminfo", "re");
	unsigned long total = 0, avail = 0;
	while (mi && fgets(line, sizeof line, mi)) {
		const char *s = line;
		if (scan_lit(&s, "MemTotal:") && scan_blanks(&s))
			scan_uint(&s, 19, ULONG_MAX, &total);
		else if (scan_lit(&s, "MemAvailable:") && scan_blanks(&s))
			scan_uint(&s, 19, ULONG_MAX, &avail);
	}
	if (mi)
		fclose(mi);
	if (total)
		fprintf(m.f, "device: MemTotal %lu KiB, MemAvailable %lu KiB\n", total, avail);
	fprintf(m.f, "%-24s %-20s %-12s %s\n", "POD", "CONTAINER", "CPU(cores)", "MEMORY(bytes)");
	for (struct pod *p = ctl->node->pods; p; p = p->next)
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
	ctl_mb_send(cl, &m, '1');
	ctl_exit(cl, 0);
}
