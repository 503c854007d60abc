/* probe.c - the probe worker, after the kubelet's prober/worker.go: runs
 * are never concurrent; the next run is due a period after the start of
 * the last one (or at once, if that run took longer). */
#include "probe.h"
#include "base.h"

#include <string.h>
#include "pod.h"
#include "node.h"


static const char *probe_name(enum probe_kind kind)
{
	static const char *const names[] = {"Startup", "Readiness", "Liveness"};
	return names[kind];
}

static struct loop *loop_of(struct probe *p)
{
	return &p->act.c->pod->node->loop;
}

static void schedule(struct probe *p, uint64_t at)
{
	loop_timer_at(loop_of(p), &p->next, at);
}

static void on_result(struct action *a, bool ok, const char *why)
{
	struct probe *p = container_of(a, struct probe, act);
	struct container *c = a->c;
	const struct mf_probe *s = p->spec;
	if (ok) {
		p->failures = 0;
		p->successes++;
	} else {
		p->successes = 0;
		p->failures++;
		char obj[160];
		snprintf(obj, sizeof obj, "pod/%s/%s", c->pod->name, c->spec->name.s);
		events_add(&c->pod->node->events, true, obj, "Unhealthy", "%s probe failed: %s",
			   probe_name(p->kind), why ? why : "");
	}
	uint64_t period = (uint64_t)s->period.i * NS_PER_S;
	uint64_t at = p->last_start + period;
	uint64_t now = loop_now();
	schedule(p, at > now ? at : now);
	/* a verdict changes only at its threshold */
	if (ok && !p->healthy && p->successes >= (unsigned)s->success.i) {
		p->healthy = true;
		p->verdict(p, true);
	} else if (!ok && (p->healthy || p->kind != PROBE_READINESS) &&
		   p->failures >= (unsigned)s->failure.i) {
		p->healthy = false;
		p->failures = 0;
		p->verdict(p, false);
	}
}

static void on_due(struct loop *l, struct loop_timer *t)
{
	struct probe *p = container_of(t, struct probe, next);
	(void)l;
	if (!p->active || p->act.running)
		return;
	const struct mf_probe *s = p->spec;
	p->act.exec = s->exec.node.set ? &s->exec : NULL;
	p->act.http = s->http.node.set ? &s->http : NULL;
	p->act.tcp = s->tcp.node.set ? &s->tcp : NULL;
	p->act.sleep = NULL;
	p->act.done = on_result;
	p->last_start = loop_now();
	action_run(&p->act, (uint64_t)s->timeout.i * NS_PER_S);
}

void probe_init(struct probe *p, struct container *c, const struct mf_probe *spec,
		enum probe_kind kind, void (*verdict)(struct probe *p, bool healthy))
{
	memset(p, 0, sizeof *p);
	p->verdict = verdict;
	p->act.c = c;
	p->act.watch.fd = -1;
	p->act.proc.pidfd = p->act.proc.err_fd = p->act.proc.sync_fd = -1;
	p->spec = spec && spec->node.set ? spec : NULL;
	p->kind = kind;
	p->next.cb = on_due;
}

void probe_start(struct probe *p, uint64_t since)
{
	if (!p->spec || p->active)
		return;
	p->active = true;
	p->successes = p->failures = 0;
	p->healthy = false;
	uint64_t at = since + (uint64_t)p->spec->initial_delay.i * NS_PER_S, now = loop_now();
	schedule(p, at > now ? at : now);
}

void probe_stop(struct probe *p)
{
	if (!p->active)
		return;
	p->active = false;
	action_cancel(&p->act);
	if (loop_timer_armed(&p->next))
		loop_timer_cancel(loop_of(p), &p->next);
}
