/* pod.c - the lifecycle engine: what starts, restarts and stops next.
 *
 * A container's state changes only through ctr_set (its table below) and
 * a pod's stage only through pod_set_stage; pod_advance then walks the pod
 * in declaration order and acts. Readiness and the end of a pod go out
 * through node_pod_changed, the one observer; nothing here calls up. Rules (numbers refer
 * to docs/lifecycle.md, after Kubernetes' KEP-753 and the kubelet):
 * the init list runs strictly in order, a sidecar releases the next entry
 * once Started; app containers start together after the last entry;
 * sidecars always restart, apps by the pod policy, with crash-loop
 * back-off; termination stops apps first, then sidecars one at a time in
 * reverse order, all within one grace period. */
#include "pod.h"
#include "pod_int.h"
#include "base.h"

#include <errno.h>
#include <sys/epoll.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ctr_start.h"
#include "probe.h"
#include "sandbox.h"
#include "mset.h"
#include "node.h"

#define KILL_AFTER_TERM (2 * NS_PER_S) /* SIGKILL no sooner than this after SIGTERM */

static void obj_name(const struct container *c, char *buf, size_t len)
{
	snprintf(buf, len, "pod/%s/%s", c->pod->name, c->spec->name.s);
}

static void ctr_event(const struct container *c, bool warn, const char *reason, const char *fmt,
		      ...) __attribute__((format(printf, 4, 5)));
static void ctr_event(const struct container *c, bool warn, const char *reason, const char *fmt,
		      ...)
{
	char obj[160], msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	obj_name(c, obj, sizeof obj);
	events_add(&c->pod->node->events, warn, obj, reason, "%s", msg);
}

static uint64_t grace_ns(const struct pod *p)
{
	int64_t s = p->grace_override >= 0 ? p->grace_override : p->spec->spec.grace.i;
	return (uint64_t)s * NS_PER_S;
}

static bool alive(const struct container *c)
{
	return c->state == CS_STARTING || c->state == CS_RUNNING;
}

/* ---- the state tables ------------------------------------------------ */

#define BAD CS_NSTATES
static const enum ctr_state ctr_next[CS_NSTATES][CE_NEVENTS] = {
	/*                SPAWNED      NOT_STARTED  EXEC_DONE   EXITED         RESTART */
	[CS_WAITING] = {CS_STARTING, CS_WAITING, BAD, BAD, CS_WAITING},
	[CS_STARTING] = {BAD, BAD, CS_RUNNING, CS_TERMINATED, BAD},
	[CS_RUNNING] = {BAD, BAD, BAD, CS_TERMINATED, BAD},
	[CS_TERMINATED] = {BAD, BAD, BAD, BAD, CS_WAITING},
};
#undef BAD

/* The one setter of a container's state: state x event -> state, by the
 * table above; an impossible transition is reported, never applied. */
static void ctr_set(struct container *c, enum ctr_event ev)
{
	static const char *const states[] = {"Waiting", "Starting", "Running", "Terminated"};
	enum ctr_state next = ctr_next[c->state][ev];
	if (next == CS_NSTATES) {
		/* a bug, not a reason to stop PID 1: say so, change nothing */
		ctr_event(c, true, "InternalError", "no transition from %s for event %d",
			  states[c->state], (int)ev);
		return;
	}
	*(enum ctr_state *)&c->state = next;
}

/* The pod's stages only move forward: INIT -> RUNNING -> TERMINATING ->
 * DONE, and INIT -> TERMINATING. */
static void pod_set_stage(struct pod *p, enum pod_stage next)
{
	static const bool allowed[PS_NSTAGES][PS_NSTAGES] = {
		[PS_INIT] = {[PS_RUNNING] = true, [PS_TERMINATING] = true},
		[PS_RUNNING] = {[PS_TERMINATING] = true},
		[PS_TERMINATING] = {[PS_DONE] = true},
	};
	if (!allowed[p->stage][next]) {
		events_add(&p->node->events, true, p->name, "InternalError",
			   "no stage transition %d -> %d", (int)p->stage, (int)next);
		return;
	}
	*(enum pod_stage *)&p->stage = next;
}

/* ---- starting ------------------------------------------------------- */

static void pod_finish(struct pod *p);
static void on_spawn_report(struct loop *l, struct loop_watch *w, uint32_t events);

static void ctr_try_start(struct container *c)
{
	struct pod *p = c->pod;
	if (p->stage >= PS_TERMINATING || alive(c) || loop_timer_armed(&c->timer))
		return;
	if (c->ever_started) {
		/* a new instance: the old output becomes --previous */
		struct logbuf t = c->prev_log;
		c->prev_log = c->log;
		c->log = t;
		c->has_prev_log = true;
		logbuf_reset(&c->log);
		c->restart_count++;
	}
	c->term_sent = false;
	c->start_error[0] = 0;
	if (p->node->cfg->log_files && c->file.fd < 0 &&
	    logfile_open(&c->file, p->node->cfg->data, p->name, c->spec->name.s) < 0)
		ctr_event(c, true, "FailedLogFile", "cannot open the log file under %s", p->node->cfg->data);
	if (ctr_start(c) == 0) {
		ctr_set(c, CE_SPAWNED);
		c->err_watch.cb = on_spawn_report;
		loop_add(&p->node->loop, &c->err_watch, EPOLLIN);
		c->ever_started = true;
		ctr_event(c, false, "Created", "Created container %s", c->spec->name.s);
		return;
	}
	/* not started (image missing, configuration error): try again later,
	 * with the same back-off as a crash loop */
	ctr_set(c, CE_NOT_STARTED);
	uint64_t delay = c->backoff ? c->backoff : p->node->cfg->backoff_initial;
	c->backoff = delay * 2 < p->node->cfg->backoff_cap ? delay * 2 : p->node->cfg->backoff_cap;
	loop_timer_at(&p->node->loop, &c->timer, loop_now() + delay);
}

/* ---- hooks and probes ---------------------------------------------- */

#define POST_START_NS (120 * NS_PER_S) /* a postStart hook is given at most this */

/* c's probe of kind k, NULL when its spec has none */
static struct probe *probe_of(struct container *c, enum probe_kind k)
{
	return c->act && c->act->probes[k].spec ? &c->act->probes[k] : NULL;
}

/* c's postStart hook (post) or preStop hook runs now */
static bool hook_running(const struct container *c, bool post)
{
	return c->act && (post ? c->act->post_start.running : c->act->pre_stop.running);
}

static void run_hook(struct container *c, struct action *a, const struct mf_handler *h,
		     uint64_t timeout, void (*done)(struct action *, bool, const char *))
{
	a->c = c;
	a->exec = h->exec.node.set ? &h->exec : NULL;
	a->http = h->http.node.set ? &h->http : NULL;
	a->tcp = NULL;
	a->sleep = h->sleep.node.set ? &h->sleep : NULL;
	a->done = done;
	action_run(a, timeout);
}

/* Started: running, postStart returned, startupProbe passed (rule 6). */
static void mark_started(struct container *c)
{
	c->started = true;
	if (c->is_sidecar)
		c->init_done = true;
	/* initialDelaySeconds counts from the container's start, as in the
	 * kubelet's prober worker */
	struct probe *live = probe_of(c, PROBE_LIVENESS), *ready = probe_of(c, PROBE_READINESS);
	if (live)
		probe_start(live, c->started_mono);
	if (ready)
		probe_start(ready, c->started_mono); /* not ready until it passes */
	else
		c->ready = true;
	if (!c->is_init)
		c->pod->initialized = true;
	node_pod_changed(c->pod->node, c->pod, NODE_POD_READY);
	pod_advance(c->pod);
}

static void after_post_start(struct container *c)
{
	struct probe *startup = probe_of(c, PROBE_STARTUP);
	if (startup) {
		probe_start(startup, c->started_mono);
		pod_advance(c->pod); /* the next app container may start now */
	} else {
		mark_started(c);
	}
}

static void ctr_kill_graceful(struct container *c, const char *why, uint64_t grace);

static void on_post_start(struct action *a, bool ok, const char *why)
{
	struct container *c = a->c;
	if (c->state != CS_RUNNING)
		return;
	if (ok) {
		after_post_start(c);
		return;
	}
	ctr_event(c, true, "FailedPostStartHook", "PostStartHook failed: %s", why ? why : "");
	ctr_kill_graceful(c, "FailedPostStartHook", grace_ns(c->pod));
}

void ctr_stop_probes(struct container *c, bool readiness_too)
{
	if (!c->act)
		return;
	probe_stop(&c->act->probes[PROBE_STARTUP]);
	probe_stop(&c->act->probes[PROBE_LIVENESS]);
	if (readiness_too)
		probe_stop(&c->act->probes[PROBE_READINESS]);
}

void ctr_cancel_hooks(struct container *c, bool post, bool pre)
{
	if (c->act && post)
		action_cancel(&c->act->post_start);
	if (c->act && pre)
		action_cancel(&c->act->pre_stop);
}

/* The verdict of probe p changed (startup passed or failed for good,
 * readiness flipped, liveness failed). */
void ctr_on_verdict(struct probe *p, bool healthy)
{
	struct container *c = p->act.c;
	if (c->state != CS_RUNNING || c->killing)
		return;
	uint64_t grace = p->spec->grace.set ? (uint64_t)p->spec->grace.i * NS_PER_S : grace_ns(c->pod);
	switch (p->kind) {
	case PROBE_STARTUP:
		if (healthy) {
			probe_stop(p);
			mark_started(c);
		} else {
			ctr_kill_graceful(c, "startup probe failed", grace);
		}
		break;
	case PROBE_LIVENESS:
		if (!healthy)
			ctr_kill_graceful(c, "liveness probe failed", grace);
		break;
	case PROBE_READINESS:
		c->ready = healthy;
		node_pod_changed(c->pod->node, c->pod, NODE_POD_READY);
		break;
	default:
		break;
	}
}

/* The spawn report of c arrived: NULL = exec succeeded. */
static void spawn_reported(struct container *c, const struct spawn_error *e)
{
	if (e) {
		/* the child exits 127 now; its exit is reported as StartError */
		snprintf(c->start_error, sizeof c->start_error, "%s: %s", spawn_step_name(e->step),
			 strerror(e->err));
		return;
	}
	if (c->state != CS_STARTING)
		return;
	ctr_set(c, CE_EXEC_DONE);
	c->started = c->ready = false;
	c->killing = c->pre_stop_ran = false;
	c->started_mono = loop_now();
	ctr_event(c, false, "Started", "Started container %s", c->spec->name.s);
	if (c->pod->stage >= PS_TERMINATING)
		return; /* it got its SIGTERM while starting: no hooks, no probes */
	const struct mf_handler *ps = &c->spec->lifecycle.post_start;
	if (ps->node.set) {
		/* nothing else in the pod starts until it returns (rule 7) */
		run_hook(c, &c->act->post_start, ps, POST_START_NS, on_post_start); /* act: it has a hook */
		return;
	}
	after_post_start(c);
}

/* ---- exits ---------------------------------------------------------- */

static void schedule_restart(struct container *c)
{
	struct node *node = c->pod->node;
	uint64_t ran = loop_now() - c->started_mono;
	if (c->ever_started && ran >= node->cfg->backoff_reset)
		c->backoff = 0; /* ran cleanly long enough: forget the crash loop */
	uint64_t delay = c->backoff;
	c->backoff = delay ? (delay * 2 < node->cfg->backoff_cap ? delay * 2 : node->cfg->backoff_cap)
			   : node->cfg->backoff_initial;
	ctr_set(c, CE_RESTART);
	if (!delay) {
		c->waiting_reason = NULL;
		return; /* pod_advance starts it now */
	}
	c->waiting_reason = "CrashLoopBackOff";
	snprintf(c->waiting_message, sizeof c->waiting_message,
		 "back-off %llus restarting failed container=%s pod=%s",
		 (unsigned long long)(delay / NS_PER_S), c->spec->name.s, c->pod->name);
	ctr_event(c, true, "BackOff", "Back-off restarting failed container %s", c->spec->name.s);
	loop_timer_at(&node->loop, &c->timer, loop_now() + delay);
}

static void ctr_exited(struct container *c, int status)
{
	struct pod *p = c->pod;
	struct node *node = p->node;
	if (c->state == CS_STARTING && c->proc.err_fd >= 0) {
		/* reaped before its report was read: the pipe holds it now */
		struct spawn_error e;
		loop_del(&node->loop, &c->err_watch);
		c->err_watch.fd = -1;
		int r = spawn_result(&c->proc, &e);
		spawn_report_close(&c->proc);
		if (r == 1)
			snprintf(c->start_error, sizeof c->start_error, "%s%s: %s",
				 spawn_step_name(e.step), e.step == SPAWN_VOLUME ? " (a volumeMount)" : "",
				 strerror(e.err));
	}
	uint64_t ooms = 0;
	bool oom = c->cg_live && cg_oom_kills(&c->cg, &ooms) == 0 && ooms > c->oom_before;
	if (c->has_last) {
		c->prev = c->last;
		c->has_prev = true;
	}
	struct ctr_term *t = &c->last;
	memset(t, 0, sizeof *t);
	t->started = c->started_at;
	clock_gettime(CLOCK_REALTIME, &t->finished);
	if (WIFSIGNALED(status)) {
		t->signal = WTERMSIG(status);
		t->exit_code = 128 + t->signal;
	} else {
		t->exit_code = WEXITSTATUS(status);
	}
	if (c->start_error[0]) {
		t->reason = "StartError";
		t->exit_code = 128;
		snprintf(t->message, sizeof t->message, "%s", c->start_error);
	} else if (oom) {
		/* the code stays what the main process said, as containerd keeps it */
		t->reason = "OOMKilled";
	} else {
		t->reason = t->exit_code == 0 ? "Completed" : "Error";
	}
	/* nothing of the container may outlive its main process */
	if (c->cg_live)
		cg_kill_all(&c->cg);
	ctr_stop_probes(c, true);
	ctr_cancel_hooks(c, true, true);
	c->killing = false;
	ctr_log_close(c);
	arena_free(&c->arena);
	c->envp = NULL;
	if (c->cg_live) {
		if (cg_destroy(&c->cg) == 0)
			c->cg_live = false;
	}
	c->has_last = true;
	ctr_set(c, CE_EXITED);
	c->started = c->ready = false;
	c->waiting_reason = NULL;
	ctr_event(c, t->exit_code != 0, oom ? "OOMKilled" : t->exit_code ? "Died" : "Completed",
		  "container %s exited with code %d (%s)%s%s", c->spec->name.s, t->exit_code, t->reason,
		  t->message[0] ? ": " : "", t->message);
	if (loop_timer_armed(&c->timer))
		loop_timer_cancel(&node->loop, &c->timer);
	if (p->stage >= PS_TERMINATING) {
		pod_advance(p);
		return;
	}
	const char *policy = p->spec->spec.restart_policy.s;
	bool restart;
	if (c->is_sidecar) {
		restart = true;
	} else if (c->is_init) {
		if (t->exit_code == 0) {
			c->never_restart = true;
			restart = false;
		} else if (!strcmp(policy, "Never")) {
			p->init_failed = true;
			p->terminal = "Failed"; /* at once, as getPhase says; it never changes */
			pod_terminate(p, "an init container failed");
			return;
		} else {
			restart = true;
		}
	} else {
		restart = !strcmp(policy, "Always") || (!strcmp(policy, "OnFailure") && t->exit_code);
	}
	if (restart)
		schedule_restart(c);
	pod_advance(p);
}

bool pod_child_exited(struct pod *p, pid_t pid, int status)
{
	for (unsigned i = 0; i < p->nctrs; i++) {
		struct container *c = &p->ctrs[i];
		struct ctr_actions *a = c->act;
		for (int k = 0; a && k < PROBE_KINDS; k++)
			if (action_child_exited(&a->probes[k].act, pid, status))
				return true;
		if (a && (action_child_exited(&a->post_start, pid, status) ||
			  action_child_exited(&a->pre_stop, pid, status)))
			return true;
		if (alive(c) && c->proc.pid == pid) {
			spawn_forget(&c->proc);
			ctr_exited(c, status);
			return true;
		}
	}
	return false;
}

/* ---- stopping ------------------------------------------------------- */

static void ctr_kill(struct container *c)
{
	if (c->cg_live)
		cg_kill_all(&c->cg);
	if (c->proc.pid > 0)
		spawn_signal(&c->proc, SIGKILL);
}

static void ctr_term(struct container *c)
{
	struct pod *p = c->pod;
	if (c->term_sent || c->proc.pid <= 0 || hook_running(c, false))
		return; /* SIGTERM follows the preStop hook (rule 21) */
	ctr_event(c, false, "Killing", "Stopping container %s", c->spec->name.s);
	spawn_signal(&c->proc, c->stop_signal ? c->stop_signal : SIGTERM); /* StopSignal */
	c->term_sent = true;
	c->term_sent_mono = loop_now();
	if (p->grace_over) /* the budget is spent: SIGKILL follows soon */
		loop_timer_at(&p->node->loop, &c->timer, c->term_sent_mono + KILL_AFTER_TERM);
}

static void on_pre_stop(struct action *a, bool ok, const char *why);

/* Starts c's preStop hook, once per instance; true when it is running. */
static bool pre_stop(struct container *c, uint64_t timeout)
{
	const struct mf_handler *h = &c->spec->lifecycle.pre_stop;
	if (!h->node.set || c->pre_stop_ran || !alive(c))
		return hook_running(c, false);
	c->pre_stop_ran = true;
	run_hook(c, &c->act->pre_stop, h, timeout, on_pre_stop); /* act: it has a hook */
	return true;
}

/* One container is stopped and then follows its restart policy: a failed
 * liveness or startup probe, a failed postStart hook. */
static void ctr_kill_graceful(struct container *c, const char *why, uint64_t grace)
{
	struct pod *p = c->pod;
	if (c->killing || !alive(c))
		return;
	c->killing = true;
	ctr_stop_probes(c, false);
	ctr_event(c, false, "Killing", "Container %s %s, will be restarted", c->spec->name.s, why);
	uint64_t now = loop_now();
	if (!pre_stop(c, grace)) {
		ctr_term(c);
		grace = grace > KILL_AFTER_TERM ? grace : KILL_AFTER_TERM;
	}
	/* with a hook running, the timer ends the hook and sends SIGTERM */
	loop_timer_at(&p->node->loop, &c->timer, now + grace);
}

static void term_step(struct pod *p)
{
	bool apps_alive = false, any_alive = false;
	for (unsigned i = 0; i < p->nctrs; i++) {
		struct container *c = &p->ctrs[i];
		if (!alive(c))
			continue;
		any_alive = true;
		if (!c->is_sidecar) {
			apps_alive = true;
			ctr_term(c);
		}
	}
	if (!any_alive) {
		pod_finish(p);
		return;
	}
	if (apps_alive)
		return;
	/* sidecars: the last one still running, then the one before it */
	for (unsigned i = p->ninit; i-- > 0;)
		if (alive(&p->ctrs[i])) {
			ctr_term(&p->ctrs[i]);
			return;
		}
}

static void on_pre_stop(struct action *a, bool ok, const char *why)
{
	struct container *c = a->c;
	if (!ok)
		ctr_event(c, true, "FailedPreStopHook", "PreStopHook failed: %s", why ? why : "");
	if (c->pod->stage >= PS_TERMINATING) {
		term_step(c->pod);
	} else if (c->killing) {
		ctr_term(c);
		uint64_t at = c->term_sent_mono + KILL_AFTER_TERM;
		if (c->timer.deadline < at)
			loop_timer_at(&c->pod->node->loop, &c->timer, at);
	}
}

void pod_on_grace(struct loop *l, struct loop_timer *t)
{
	struct pod *p = container_of(t, struct pod, grace_timer);
	uint64_t now = loop_now();
	p->grace_over = true;
	for (unsigned i = 0; i < p->nctrs; i++) {
		struct container *c = &p->ctrs[i];
		if (!alive(c))
			continue;
		ctr_cancel_hooks(c, false, true); /* the budget is spent, hooks included */
		if (!c->term_sent) {
			ctr_term(c);
			continue;
		}
		uint64_t at = c->term_sent_mono + KILL_AFTER_TERM;
		loop_timer_at(l, &c->timer, at > now ? at : now);
	}
}

void ctr_on_timer(struct loop *l, struct loop_timer *t)
{
	struct container *c = container_of(t, struct container, timer);
	(void)l;
	if (c->killing && c->pod->stage < PS_TERMINATING && alive(c) && !c->term_sent) {
		/* the grace ran out in the preStop hook: SIGTERM now, SIGKILL no
		 * sooner than 2 s after it */
		ctr_cancel_hooks(c, false, true);
		ctr_term(c);
		loop_timer_at(&c->pod->node->loop, &c->timer, loop_now() + KILL_AFTER_TERM);
		return;
	}
	if (c->pod->stage >= PS_TERMINATING || c->killing) {
		if (alive(c)) {
			ctr_event(c, true, "Killing", "Container %s did not stop in time: SIGKILL",
				  c->spec->name.s);
			ctr_kill(c);
		}
		return;
	}
	/* back-off over: the container may start again */
	if (c->waiting_reason && !strcmp(c->waiting_reason, "CrashLoopBackOff"))
		c->waiting_reason = NULL;
	pod_advance(c->pod);
}

void pod_terminate(struct pod *p, const char *why)
{
	if (p->stage >= PS_TERMINATING)
		return;
	if (!p->initialized && p->stage == PS_INIT)
		p->deleted_early = true;
	pod_set_stage(p, PS_TERMINATING);
	events_add(&p->node->events, false, p->name[0] ? p->name : "pod", "Terminating", "pod %s: %s",
		   p->name, why);
	for (unsigned i = 0; i < p->nctrs; i++) {
		struct container *c = &p->ctrs[i];
		if (loop_timer_armed(&c->timer))
			loop_timer_cancel(&p->node->loop, &c->timer);
		/* readiness goes on during termination; startup and liveness stop */
		ctr_stop_probes(c, false);
		ctr_cancel_hooks(c, true, false);
	}
	p->grace_deadline = loop_now() + grace_ns(p);
	clock_gettime(CLOCK_REALTIME, &p->deletion);
	p->grace_s = (unsigned)(grace_ns(p) / 1000000000ULL);
	p->deletion.tv_sec += p->grace_s;
	/* rule 21: every running container's preStop starts now, in parallel */
	for (unsigned i = 0; i < p->nctrs; i++)
		pre_stop(&p->ctrs[i], grace_ns(p));
	loop_timer_at(&p->node->loop, &p->grace_timer, p->grace_deadline);
	term_step(p);
}

/* ---- the pod -------------------------------------------------------- */

static const char *decide_terminal(const struct pod *p)
{
	if (p->init_failed || p->deleted_early)
		return "Failed";
	for (unsigned i = p->ninit; i < p->nctrs; i++) {
		const struct container *c = &p->ctrs[i];
		if (!c->has_last || c->last.exit_code != 0)
			return "Failed";
	}
	return "Succeeded";
}

/* After the last container stopped: release the sandbox, fix the phase. */
static void pod_finish(struct pod *p)
{
	if (p->stage == PS_DONE)
		return;
	pod_set_stage(p, PS_DONE);
	if (loop_timer_armed(&p->grace_timer))
		loop_timer_cancel(&p->node->loop, &p->grace_timer);
	for (unsigned i = 0; i < p->nctrs; i++) {
		struct container *c = &p->ctrs[i];
		if (loop_timer_armed(&c->timer))
			loop_timer_cancel(&p->node->loop, &c->timer);
		if (c->cg_live && cg_destroy(&c->cg) == 0)
			c->cg_live = false;
	}
	if (!p->terminal)
		p->terminal = decide_terminal(p);
	sandbox_destroy(p);
	events_add(&p->node->events, false, p->name, "Stopped", "pod %s stopped (%s)", p->name,
		   p->terminal);
	node_pod_changed(p->node, p, NODE_POD_DONE);
}

static bool app_done(const struct pod *p, const struct container *c)
{
	(void)p;
	return c->state == CS_TERMINATED; /* exited and not to be restarted */
}

void pod_advance(struct pod *p)
{
	if (p->stage == PS_DONE)
		return;
	if (p->stage == PS_TERMINATING) {
		term_step(p);
		return;
	}
	if (p->setup_error[0])
		return;
	if (p->stage == PS_INIT) {
		for (unsigned i = 0; i < p->ninit; i++) {
			struct container *c = &p->ctrs[i];
			/* an entry once done stays done, as in the kubelet's
			 * computeInitContainerActions: a crashing sidecar restarts
			 * but holds nothing back */
			if (c->is_sidecar && c->state == CS_WAITING)
				ctr_try_start(c);
			if (c->is_sidecar ? c->init_done : c->never_restart)
				continue;
			if (c->state == CS_WAITING)
				ctr_try_start(c);
			return; /* this entry is not done: nothing after it may start */
		}
		pod_set_stage(p, PS_RUNNING);
		p->init_done = true;
		clock_gettime(CLOCK_REALTIME, &p->start_time);
	}
	/* sidecars restart on their own */
	for (unsigned i = 0; i < p->ninit; i++)
		if (p->ctrs[i].is_sidecar && p->ctrs[i].state == CS_WAITING)
			ctr_try_start(&p->ctrs[i]);
	/* apps in declaration order; one whose exec or postStart hook has not
	 * returned yet holds back the ones after it (rule 7) */
	for (unsigned i = p->ninit; i < p->nctrs; i++) {
		struct container *c = &p->ctrs[i];
		if (c->state == CS_WAITING)
			ctr_try_start(c);
		if (c->state == CS_STARTING || hook_running(c, true))
			break;
	}
	if (strcmp(p->spec->spec.restart_policy.s, "Always")) {
		for (unsigned i = p->ninit; i < p->nctrs; i++)
			if (!app_done(p, &p->ctrs[i]))
				return;
		p->completed = true;
		pod_terminate(p, "all containers completed");
	}
}

static void on_spawn_report(struct loop *l, struct loop_watch *w, uint32_t events)
{
	struct container *c = container_of(w, struct container, err_watch);
	struct spawn_error e;
	(void)events;
	int r = spawn_result(&c->proc, &e);
	if (r == -EAGAIN)
		return;
	loop_del(l, w);
	spawn_report_close(&c->proc);
	w->fd = -1;
	spawn_reported(c, r == 1 ? &e : NULL);
}
