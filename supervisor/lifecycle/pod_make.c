/* pod_make.c - a pod's making and unmaking: its containers and probes
 * laid out from the spec, the sandbox, the first step; and everything
 * released at the end. The lifecycle itself is pod.c. */
#include "pod.h"
#include "pod_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <unistd.h>
#include "manifest_check.h"
#include "node.h"
#include "sandbox.h"
#include "mset.h"

static void uuid4(char out[37])
{
	unsigned char b[16];
	if (getrandom(b, sizeof b, GRND_NONBLOCK) != sizeof b) {
		uint64_t t = loop_now();
		for (int i = 0; i < 16; i++)
			b[i] = (unsigned char)(t >> (8 * (i % 8))) ^ (unsigned char)(i * 37);
	}
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

static bool has_actions(const struct mf_container *c)
{
	return c->startup.node.set || c->readiness.node.set || c->liveness.node.set ||
	       c->lifecycle.post_start.node.set || c->lifecycle.pre_stop.node.set;
}

/* The probes and hooks of the containers that have any; all or nothing. */
static bool alloc_actions(struct container *ctrs, const struct mf_pod_spec *s)
{
	unsigned ni = s->init_containers.n, n = ni + s->containers.n;
	for (unsigned i = 0; i < n; i++) {
		const struct mf_container *spec = i < ni ? &((const struct mf_container *)s->init_containers.v)[i]
							: &((const struct mf_container *)s->containers.v)[i - ni];
		if (has_actions(spec) && !(ctrs[i].act = calloc(1, sizeof *ctrs[i].act))) {
			while (i--)
				free(ctrs[i].act);
			return false;
		}
	}
	return true;
}

struct pod *pod_create(struct node *node, struct mset *set, const struct mf_pod *spec, uint64_t hash)
{
	const struct mf_pod_spec *s = &spec->spec;
	int dir_len = snprintf(NULL, 0, "%s/pods/%s", node->cfg->run, spec->meta.name.s);
	if (dir_len < 0 || dir_len >= PATH_MAX) {
		events_add(&node->events, true, spec->meta.name.s, "FailedCreate",
			   "its directory under %s would be longer than %d bytes", node->cfg->run, PATH_MAX - 1);
		return NULL;
	}
	struct pod *p = calloc(1, sizeof *p + (size_t)dir_len + 1);
	unsigned n = s->init_containers.n + s->containers.n;
	if (!p || !(p->ctrs = calloc(n, sizeof *p->ctrs)) || !alloc_actions(p->ctrs, s)) {
		if (p)
			free(p->ctrs);
		free(p);
		events_add(&node->events, true, spec->meta.name.s, "FailedCreate", "out of memory");
		return NULL;
	}
	p->node = node;
	p->set = set;
	mset_ref(set);
	p->spec = spec;
	p->name = spec->meta.name.s;
	p->hash = hash;
	p->nctrs = n;
	p->ninit = s->init_containers.n;
	p->netns = p->ipcns = p->utsns = -1;
	p->pause.pidfd = p->pause.err_fd = p->pause.sync_fd = -1;
	p->grace_override = -1;
	p->grace_timer.cb = pod_on_grace;
	uuid4(p->uid);
	clock_gettime(CLOCK_REALTIME, &p->created);
	snprintf(p->dir, (size_t)dir_len + 1, "%s/pods/%s", node->cfg->run, p->name);
	for (unsigned i = 0; i < n; i++) {
		struct container *c = &p->ctrs[i];
		bool init = i < p->ninit;
		c->pod = p;
		c->spec = init ? &((const struct mf_container *)s->init_containers.v)[i]
			       : &((const struct mf_container *)s->containers.v)[i - p->ninit];
		c->is_init = init;
		c->is_sidecar = mf_is_sidecar(c->spec);
		c->waiting_reason = init ? NULL : "PodInitializing"; /* state: CS_WAITING (0) */
		c->proc.pidfd = c->proc.err_fd = c->proc.sync_fd = -1;
		c->log_watch.fd = c->err_watch.fd = -1;
		c->timer.cb = ctr_on_timer;
		logfile_init(&c->file);
		logbuf_init(&c->log, node->cfg->log_bytes);
		logbuf_init(&c->prev_log, node->cfg->log_bytes);
		struct ctr_actions *a = c->act;
		if (!a)
			continue;
		probe_init(&a->probes[PROBE_STARTUP], c, &c->spec->startup, PROBE_STARTUP, ctr_on_verdict);
		probe_init(&a->probes[PROBE_READINESS], c, &c->spec->readiness, PROBE_READINESS, ctr_on_verdict);
		probe_init(&a->probes[PROBE_LIVENESS], c, &c->spec->liveness, PROBE_LIVENESS, ctr_on_verdict);
		a->post_start.c = a->pre_stop.c = c;
		a->post_start.watch.fd = a->pre_stop.watch.fd = -1;
		a->post_start.proc.pidfd = a->pre_stop.proc.pidfd = -1;
	}
	events_add(&node->events, false, p->name, "Scheduled", "pod %s created", p->name);
	if (sandbox_create(p, p->setup_error, sizeof p->setup_error)) {
		events_add(&node->events, true, p->name, "FailedCreatePodSandBox", "%s", p->setup_error);
		return p;
	}
	pod_advance(p);
	return p;
}

/* Retries a pod whose sandbox could not be made (a ConfigMap appeared). */
void pod_retry_setup(struct pod *p)
{
	if (!p->setup_error[0] || p->stage != PS_INIT)
		return;
	sandbox_destroy(p);
	p->setup_error[0] = 0;
	if (sandbox_create(p, p->setup_error, sizeof p->setup_error)) {
		events_add(&p->node->events, true, p->name, "FailedCreatePodSandBox", "%s", p->setup_error);
		return;
	}
	pod_advance(p);
}

void pod_free(struct pod *p)
{
	for (unsigned i = 0; i < p->nctrs; i++) {
		struct container *c = &p->ctrs[i];
		if (loop_timer_armed(&c->timer))
			loop_timer_cancel(&p->node->loop, &c->timer);
		if (c->log_watch.fd >= 0) {
			loop_del(&p->node->loop, &c->log_watch);
			close(c->log_watch.fd);
		}
		if (c->proc.err_fd >= 0) {
			loop_del(&p->node->loop, &c->err_watch);
			spawn_report_close(&c->proc);
		}
		if (c->proc.sync_fd >= 0)
			close(c->proc.sync_fd);
		spawn_forget(&c->proc);
		logbuf_fini(&c->log);
		logbuf_fini(&c->prev_log);
		logfile_close(&c->file);
		arena_free(&c->arena);
		ctr_stop_probes(c, true);
		ctr_cancel_hooks(c, true, true);
		free(c->act);
		/* its last processes may still be exiting (reaped by the pod's
		 * PID-namespace init): the supervisor tries again a little later */
		if (c->cg_live && cg_destroy(&c->cg) < 0)
			node_cgroup_leftover(p->node, &c->cg, p->name);
	}
	if (loop_timer_armed(&p->grace_timer))
		loop_timer_cancel(&p->node->loop, &p->grace_timer);
	if (p->cg_live && cg_destroy(&p->cg) < 0)
		node_cgroup_leftover(p->node, &p->cg, p->name);
	mset_unref(p->set);
	free(p->ctrs);
	free(p);
}
