/* pod_status.c - phase, conditions and the STATUS column, derived from
 * the container states each time they are asked for (kubelet's getPhase
 * and kubectl's printPod). */
#include <stdio.h>
#include <string.h>
#include "pod.h"
#include "net_link.h"
#include "node.h"

/* getPhase counts what the container statuses show: a container still
 * being created (CS_STARTING) shows waiting ContainerCreating, so it is
 * waiting here too, unless an earlier instance terminated (then the
 * status has a lastState and getPhase counts it as stopped). */
const char *pod_phase(const struct pod *p)
{
	if (p->terminal)
		return p->terminal;
	if (!pod_initialized(p))
		return "Pending";
	unsigned waiting = 0;
	for (unsigned i = p->ninit; i < p->nctrs; i++) {
		const struct container *c = &p->ctrs[i];
		if (c->state != CS_RUNNING && c->state != CS_TERMINATED && !c->has_last)
			waiting++;
	}
	/* a completed Never/OnFailure pod stays Running until its sidecars
	 * are gone; pod_finish then fixes Succeeded or Failed */
	return waiting ? "Pending" : "Running";
}

bool pod_initialized(const struct pod *p)
{
	return p->initialized || p->init_done;
}

bool pod_containers_ready(const struct pod *p)
{
	if (p->stage == PS_DONE)
		return false;
	for (unsigned i = 0; i < p->nctrs; i++) {
		const struct container *c = &p->ctrs[i];
		if ((c->is_sidecar || !c->is_init) && !c->ready)
			return false;
	}
	return true;
}

bool pod_ready(const struct pod *p)
{
	return pod_containers_ready(p);
}

unsigned pod_ready_count(const struct pod *p, unsigned *total)
{
	unsigned n = 0, t = 0;
	for (unsigned i = 0; i < p->nctrs; i++) {
		const struct container *c = &p->ctrs[i];
		if (c->is_init && !c->is_sidecar)
			continue;
		t++;
		n += c->ready;
	}
	*total = t;
	return n;
}

unsigned pod_restarts(const struct pod *p)
{
	unsigned n = 0;
	for (unsigned i = 0; i < p->nctrs; i++)
		n += p->ctrs[i].restart_count;
	return n;
}

const char *pod_status_reason(const struct pod *p, char *buf, size_t len)
{
	if (p->stage == PS_TERMINATING && !p->completed)
		return "Terminating";
	if (p->setup_error[0])
		return "ContainerCreating";
	if (!pod_initialized(p)) {
		unsigned done = 0, plain = 0;
		for (unsigned i = 0; i < p->ninit; i++) {
			const struct container *c = &p->ctrs[i];
			if (c->waiting_reason && strcmp(c->waiting_reason, "PodInitializing")) {
				snprintf(buf, len, "Init:%s", c->waiting_reason);
				return buf;
			}
			if (c->state == CS_TERMINATED && c->last.exit_code) {
				snprintf(buf, len, "Init:%s", c->last.reason);
				return buf;
			}
			plain++;
			done += c->is_sidecar ? c->started : c->never_restart;
		}
		snprintf(buf, len, "Init:%u/%u", done, plain);
		return buf;
	}
	const char *reason = NULL;
	for (unsigned i = p->nctrs; i-- > p->ninit;) {
		const struct container *c = &p->ctrs[i];
		if (c->state == CS_WAITING && c->waiting_reason)
			reason = c->waiting_reason;
		else if (c->state == CS_TERMINATED && !reason)
			reason = c->last.reason;
	}
	const char *phase = pod_phase(p);
	if (!strcmp(phase, "Succeeded"))
		return "Completed";
	if (!strcmp(phase, "Failed"))
		return reason ? reason : "Error";
	if (reason && strcmp(reason, "Completed"))
		return reason;
	return phase;
}

struct container *pod_container(struct pod *p, const char *name)
{
	for (unsigned i = 0; i < p->nctrs; i++)
		if (!strcmp(p->ctrs[i].spec->name.s, name))
			return &p->ctrs[i];
	return NULL;
}

bool pod_healthy(const struct pod *p)
{
	return pod_ready(p) || !strcmp(pod_phase(p), "Succeeded");
}

bool pod_host_network(const struct pod *p)
{
	return p->spec->spec.host_network.set && p->spec->spec.host_network.i;
}

const char *pod_host_ip(const struct pod *p, char buf[16])
{
	const struct net *n = p->node->net;
	buf[0] = 0;
	if (n && n->up)
		net_fmt_ip(n->host_ip, buf);
	return buf;
}

const char *pod_ip(const struct pod *p, char buf[16])
{
	buf[0] = 0;
	if (pod_host_network(p))
		return pod_host_ip(p, buf);
	if (p->net.ip)
		net_fmt_ip(p->net.ip, buf);
	return buf;
}
