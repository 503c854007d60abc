/* status.c - core/v1 Pod and PodStatus shapes from the pod's state. */
#include "status.h"
#include "mset.h"
#include "node.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

void status_time(const struct timespec *t, char *buf, size_t len)
{
	struct tm tm;
	time_t s = t->tv_sec;
	gmtime_r(&s, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void status_age(const struct timespec *since, char *buf, size_t len)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	long long d = (long long)(now.tv_sec - since->tv_sec);
	if (d < 0)
		d = 0;
	if (d < 120)
		snprintf(buf, len, "%llds", d);
	else if (d < 3600 * 3)
		snprintf(buf, len, "%lldm", d / 60);
	else if (d < 86400 * 2)
		snprintf(buf, len, "%lldh", d / 3600);
	else
		snprintf(buf, len, "%lldd", d / 86400);
}

static void key_time(struct emit *e, const char *key, const struct timespec *t)
{
	char buf[40];
	status_time(t, buf, sizeof buf);
	emit_key(e, key);
	emit_str(e, buf);
}

static void emit_term(struct emit *e, const struct ctr_term *t)
{
	emit_map(e);
	emit_key(e, "terminated");
	emit_map(e);
	emit_key(e, "exitCode");
	emit_int(e, t->exit_code);
	if (t->signal) {
		emit_key(e, "signal");
		emit_int(e, t->signal);
	}
	emit_key(e, "reason");
	emit_str(e, t->reason);
	if (t->message[0]) {
		emit_key(e, "message");
		emit_str(e, t->message);
	}
	key_time(e, "startedAt", &t->started);
	key_time(e, "finishedAt", &t->finished);
	emit_end(e);
	emit_end(e);
}

static void emit_state(struct emit *e, const struct container *c)
{
	if (c->state == CS_TERMINATED) {
		emit_term(e, &c->last);
		return;
	}
	emit_map(e);
	if (c->state == CS_RUNNING) {
		emit_key(e, "running");
		emit_map(e);
		key_time(e, "startedAt", &c->started_at);
		emit_end(e);
	} else {
		const char *reason = c->waiting_reason ? c->waiting_reason
				     : c->state == CS_STARTING ? "ContainerCreating"
				     : c->is_init ? "PodInitializing" : "PodInitializing";
		emit_key(e, "waiting");
		emit_map(e);
		emit_key(e, "reason");
		emit_str(e, reason);
		if (c->waiting_reason && c->waiting_message[0]) {
			emit_key(e, "message");
			emit_str(e, c->waiting_message);
		}
		emit_end(e);
	}
	emit_end(e);
}

static void emit_ctr_status(struct emit *e, const struct container *c)
{
	emit_map(e);
	emit_key(e, "name");
	emit_str(e, c->spec->name.s);
	emit_key(e, "image");
	emit_str(e, c->spec->image.s);
	emit_key(e, "ready");
	emit_bool(e, c->ready);
	emit_key(e, "started");
	emit_bool(e, c->started);
	emit_key(e, "restartCount");
	emit_int(e, c->restart_count);
	emit_key(e, "state");
	emit_state(e, c);
	emit_key(e, "lastState");
	/* lastState is the previous instance: for a terminated container it is
	 * the one before the last exit */
	if (c->state == CS_TERMINATED ? c->has_prev : c->has_last)
		emit_term(e, c->state == CS_TERMINATED ? &c->prev : &c->last);
	else {
		emit_map(e);
		emit_end(e);
	}
	emit_end(e);
}

static void condition(struct emit *e, const char *type, bool ok)
{
	emit_map(e);
	emit_key(e, "type");
	emit_str(e, type);
	emit_key(e, "status");
	emit_str(e, ok ? "True" : "False");
	emit_end(e);
}

static void emit_kv(struct emit *e, const char *key, const struct mf_list *l)
{
	if (!l->n)
		return;
	const struct mf_kv *kv = l->v;
	emit_key(e, key);
	emit_map(e);
	for (uint32_t i = 0; i < l->n; i++) {
		emit_key(e, kv[i].key.s);
		emit_str(e, kv[i].val.s);
	}
	emit_end(e);
}

void status_emit_pod(struct emit *e, const struct pod *p)
{
	emit_map(e);
	emit_key(e, "apiVersion");
	emit_str(e, "v1");
	emit_key(e, "kind");
	emit_str(e, "Pod");
	emit_key(e, "metadata");
	emit_map(e);
	emit_key(e, "name");
	emit_str(e, p->name);
	emit_key(e, "namespace");
	emit_str(e, p->spec->meta.namespace_.s);
	emit_key(e, "uid");
	emit_str(e, p->uid);
	key_time(e, "creationTimestamp", &p->created);
	/* as the API server marks a pod being deleted: one whose object left
	 * the set (a pod being replaced by a changed one, or stopped with
	 * podinit, is not deleted) */
	if (p->stage >= PS_TERMINATING && p->node->set &&
	    !mset_object(p->node->set, MF_POD, p->spec->meta.namespace_.s, p->name, NULL)) {
		key_time(e, "deletionTimestamp", &p->deletion);
		emit_key(e, "deletionGracePeriodSeconds");
		emit_int(e, p->grace_s);
	}
	emit_kv(e, "labels", &p->spec->meta.labels);
	emit_kv(e, "annotations", &p->spec->meta.annotations);
	emit_end(e);
	char node[64] = "";
	gethostname(node, sizeof node);
	node[sizeof node - 1] = 0;
	emit_key(e, "spec");
	mf_emit_pod_spec(e, p->spec, node);
	emit_key(e, "status");
	emit_map(e);
	emit_key(e, "phase");
	emit_str(e, pod_phase(p));
	emit_key(e, "conditions");
	emit_list(e);
	condition(e, "PodScheduled", true);
	condition(e, "Initialized", pod_initialized(p));
	condition(e, "ContainersReady", pod_containers_ready(p));
	condition(e, "Ready", pod_ready(p));
	emit_end(e);
	if (p->setup_error[0]) {
		emit_key(e, "message");
		emit_str(e, p->setup_error);
	}
	char ip[16];
	const char *addrs[2][2] = {{"hostIP", "hostIPs"}, {"podIP", "podIPs"}};
	for (int k = 0; k < 2; k++) {
		if (!*(k ? pod_ip(p, ip) : pod_host_ip(p, ip)))
			continue;
		emit_key(e, addrs[k][0]);
		emit_str(e, ip);
		emit_key(e, addrs[k][1]);
		emit_list(e);
		emit_map(e);
		emit_key(e, "ip");
		emit_str(e, ip);
		emit_end(e);
		emit_end(e);
	}
	if (p->stage >= PS_RUNNING || p->initialized)
		key_time(e, "startTime", p->start_time.tv_sec ? &p->start_time : &p->created);
	else
		key_time(e, "startTime", &p->created);
	for (int init = 1; init >= 0; init--) {
		emit_key(e, init ? "initContainerStatuses" : "containerStatuses");
		emit_list(e);
		for (unsigned i = 0; i < p->nctrs; i++)
			if (p->ctrs[i].is_init == (bool)init)
				emit_ctr_status(e, &p->ctrs[i]);
		emit_end(e);
	}
	emit_end(e);
	emit_end(e);
}

void status_emit_list_head(struct emit *e, const char *kind, unsigned long long rv)
{
	char v[24] = "";
	if (rv)
		snprintf(v, sizeof v, "%llu", rv);
	emit_map(e);
	emit_key(e, "apiVersion");
	emit_str(e, "v1");
	emit_key(e, "kind");
	emit_str(e, kind);
	if (strcmp(kind, "List")) { /* the API's typed list */
		emit_key(e, "metadata");
		emit_map(e);
		emit_key(e, "resourceVersion");
		emit_str(e, v);
		emit_end(e);
	}
	emit_key(e, "items");
	emit_list(e);
}

void status_emit_list_end(struct emit *e)
{
	emit_end(e);
	emit_end(e);
}
