/* ota.c - the generation state machine: offer, trial, commit, rollback.
 *
 * rec is the one state: every change of it goes through set_state, which
 * writes the record before anything else may depend on it, and tells the
 * events. What runs (ota_running) derives from it: the trial's files
 * while on trial, else the committed ones. */
#include "ota_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "base.h"
#include "pod.h"
#include "state.h"

#define CRASH_RESTARTS 3 /* restarts of a trial's pod that make a crash loop */

static uint64_t secs(uint64_t ns)
{
	return ns / NS_PER_S;
}

static void set_state(struct ota *o, enum ota_state s, unsigned gen, uint64_t hash, const char *reason)
{
	o->rec.state = s;
	o->rec.gen = gen;
	o->rec.hash = hash;
	if (s != OTA_TRIAL)
		o->rec.boots = 0;
	if (reason) {
		snprintf(o->rec.reason, sizeof o->rec.reason, "%s", reason);
		for (char *c = o->rec.reason; *c; c++)
			if (*c == '\n')
				*c = ' ';
	}
	int rc = ota_store_write(o);
	if (rc)
		events_add(&o->node->events, true, "ota", "RecordUnwritable",
			   "cannot write %s/ota/record: %s; a reboot may not know generation %u is %s",
			   o->data, strerror(-rc), gen, ota_state_name(s));
}

static void end_trial(struct ota *o)
{
	loop_timer_cancel(&o->node->loop, &o->settle_timer);
	loop_timer_cancel(&o->node->loop, &o->deadline_timer);
	mpart_clear(&o->trial);
	o->on_trial = false;
	o->healthy_since = 0;
}

static void rollback(struct ota *o, const char *reason)
{
	unsigned gen = o->rec.gen;
	uint64_t hash = o->rec.hash;
	end_trial(o);
	set_state(o, OTA_ROLLED_BACK, gen, hash, reason);
	events_add(&o->node->events, true, "ota", "RolledBack",
		   "generation %u rolled back to generation %u: %s", gen, o->rec.committed, reason);
	if (o->changed)
		o->changed(o);
}

/* Commits part as generation gen: false when its files changed meanwhile
 * (a newer generation is on its way) and nothing was committed. */
static bool commit(struct ota *o, const struct mpart *part, unsigned gen)
{
	int rc = ota_store_commit(o, part, gen);
	if (rc == -ESTALE) {
		events_add(&o->node->events, false, "ota", "CommitDeferred",
			   "generation %u changed while it was committed; the next generation follows", gen);
		return false;
	}
	if (rc)
		events_add(&o->node->events, true, "ota", "CopyUnwritable",
			   "cannot keep generation %u under %s/ota: %s; it runs, but a reboot may return "
			   "to generation %u",
			   gen, o->data, strerror(-rc), o->rec.committed);
	struct mpart keep;
	mpart_copy(&keep, part);
	end_trial(o);
	mpart_clear(&o->committed);
	o->committed = keep;
	o->rec.committed = gen;
	o->rec.committed_hash = part->hash;
	set_state(o, OTA_COMMITTED, gen, part->hash, "");
	ota_store_clean(o);
	events_add(&o->node->events, false, "ota", "Committed", "generation %u (%016" PRIx64 ") committed",
		   gen, part->hash);
	return true;
}

static void start_trial(struct ota *o, const struct mpart *part, unsigned gen, bool resumed)
{
	end_trial(o);
	mpart_copy(&o->trial, part);
	o->on_trial = true;
	o->trial_start = loop_now();
	loop_timer_at(&o->node->loop, &o->deadline_timer, o->trial_start + o->deadline);
	if (!resumed) {
		o->rec.boots = 0;
		set_state(o, OTA_TRIAL, gen, part->hash, "");
	}
	events_add(&o->node->events, false, "ota", resumed ? "TrialResumed" : "TrialStarted",
		   "generation %u (%016" PRIx64 ") on trial%s: commits once healthy for %" PRIu64
		   " s, rolls back after %" PRIu64 " s (boot %u of %u allowed)",
		   gen, part->hash, resumed ? " again after a restart" : "", secs(o->settle),
		   secs(o->deadline), o->rec.boots, o->max_boots);
}

static void reject(struct ota *o, unsigned gen, uint64_t hash, const struct mset_report *rep)
{
	char reason[sizeof o->rec.reason];
	if (rep->errors > 1)
		snprintf(reason, sizeof reason, "%.340s (and %u more)", rep->first, rep->errors - 1);
	else
		snprintf(reason, sizeof reason, "%s", rep->errors ? rep->first : "invalid");
	set_state(o, OTA_REJECTED, gen, hash, reason);
	events_add(&o->node->events, true, "ota", "GenerationRejected",
		   "generation %u (%016" PRIx64 ") rejected, nothing changes%s: %s", gen, hash,
		   o->rec.committed ? "" : " (no generation was committed yet: no pod runs)", reason);
}

/* The first pod that keeps the node from being healthy, as "pod NAME: STATUS". */
static void unhealthy_pod(const struct ota *o, char *buf, size_t len)
{
	snprintf(buf, len, "not every pod of the generation runs");
	for (const struct pod *p = o->node->pods; p; p = p->next)
		if (!pod_healthy(p)) {
			char st[64];
			snprintf(buf, len, "pod %s is %s", p->name, pod_status_reason(p, st, sizeof st));
			return;
		}
}

static void on_deadline(struct loop *l, struct loop_timer *t)
{
	struct ota *o = container_of(t, struct ota, deadline_timer);
	(void)l;
	char why[200], reason[300];
	unhealthy_pod(o, why, sizeof why);
	snprintf(reason, sizeof reason, "not healthy within the deadline of %" PRIu64 " s: %s",
		 secs(o->deadline), why);
	rollback(o, reason);
}

static void on_settle(struct loop *l, struct loop_timer *t)
{
	struct ota *o = container_of(t, struct ota, settle_timer);
	(void)l;
	if (!o->on_trial || o->held)
		return;
	if (!node_all_healthy(o->node)) {
		o->healthy_since = 0;
		return;
	}
	struct mpart part;
	mpart_copy(&part, &o->trial);
	commit(o, &part, o->rec.gen);
	mpart_clear(&part);
}

void ota_open(struct ota *o, struct node *node, const struct config *cfg)
{
	memset(o, 0, sizeof *o);
	o->node = node;
	o->manifests = cfg->manifests;
	o->images = cfg->images;
	o->data = cfg->data;
	o->settle = cfg->ota_settle != UINT64_MAX ? cfg->ota_settle : node->board.ota_settle * NS_PER_S;
	o->deadline = cfg->ota_deadline != UINT64_MAX ? cfg->ota_deadline
						      : node->board.ota_deadline * NS_PER_S;
	o->max_boots = cfg->ota_boots >= 0 ? (unsigned)cfg->ota_boots : node->board.ota_boots;
	o->settle_timer.cb = on_settle;
	o->deadline_timer.cb = on_deadline;
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/ota", cfg->data);
	int rc = state_mkdir_p(dir, 0700);
	o->dirfd = rc ? -1 : open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->dirfd < 0) {
		events_add(&node->events, true, "ota", "RecordUnavailable",
			   "cannot use %s: %s; generations are not kept across reboots", dir,
			   strerror(rc ? -rc : errno));
		return;
	}
	rc = ota_store_read(o);
	if (rc < 0) {
		events_add(&node->events, true, "ota", "RecordDamaged",
			   "%s/record is unreadable or damaged (%s): starting afresh, the manifests "
			   "directory becomes the committed generation",
			   dir, strerror(-rc));
		memset(&o->rec, 0, sizeof o->rec);
	}
	if (o->rec.committed && (rc = ota_store_load(o, &o->committed))) {
		events_add(&node->events, true, "ota", "CopyDamaged",
			   "the copy of committed generation %u is missing or damaged (%s): the "
			   "manifests directory becomes the committed generation",
			   o->rec.committed, strerror(-rc));
		o->rec.committed = 0;
		o->rec.state = OTA_NONE;
	}
	ota_store_clean(o);
	if (o->rec.state == OTA_TRIAL) {
		o->rec.boots++;
		set_state(o, OTA_TRIAL, o->rec.gen, o->rec.hash, NULL);
	}
}

void ota_close(struct ota *o)
{
	if (o->node)
		end_trial(o);
	mpart_clear(&o->committed);
	if (o->dirfd >= 0)
		close(o->dirfd);
	o->dirfd = -1;
}

/* The same content as the generation last seen, after a restart or a
 * change of the operator's part only. */
static void offer_known(struct ota *o, const struct mpart *agent)
{
	switch (o->rec.state) {
	case OTA_COMMITTED:
		if (!o->committed.n && !o->committed.hash)
			mpart_copy(&o->committed, agent);
		break;
	case OTA_TRIAL:
		if (o->on_trial)
			break;
		if (o->rec.boots > o->max_boots) {
			char reason[200];
			snprintf(reason, sizeof reason,
				 "the device restarted %u times during the trial (%u allowed)",
				 o->rec.boots, o->max_boots);
			rollback(o, reason);
		} else if (!o->deadline) {
			commit(o, agent, o->rec.gen);
		} else {
			start_trial(o, agent, o->rec.gen, true);
		}
		break;
	default: /* rejected or rolled back: the committed generation runs */
		break;
	}
}

void ota_offer(struct ota *o, const struct mpart *agent, const struct mset_report *rep,
	       const struct mpart *op)
{
	uint64_t h = agent->hash;
	if (o->held)
		return; /* shutting down: the next boot reads the directory */
	if (o->rec.state != OTA_NONE && h == o->rec.hash) {
		offer_known(o, agent);
		return;
	}
	if (o->rec.committed && h == o->rec.committed_hash) {
		/* the directory holds the committed generation again (the
		 * agent's own rollback, or an update undone) */
		if (o->on_trial)
			events_add(&o->node->events, false, "ota", "TrialEnded",
				   "the manifests directory holds committed generation %u again: the trial "
				   "of generation %u ends",
				   o->rec.committed, o->rec.gen);
		end_trial(o);
		set_state(o, OTA_COMMITTED, o->rec.committed, h, "");
		return;
	}
	unsigned gen = ++o->rec.numbered;
	if (o->on_trial)
		events_add(&o->node->events, false, "ota", "TrialEnded",
			   "generation %u is superseded by generation %u before its trial ended", o->rec.gen,
			   gen);
	end_trial(o);
	events_add(&o->node->events, false, "ota", "Generation",
		   "generation %u (%016" PRIx64 "): %u files, validating", gen, h, agent->n + agent->broken);
	struct mset_report r = *rep;
	if (!agent->broken && !r.errors) {
		struct mset *s = mset_new(agent, op, gen);
		if (!s)
			mset_problem(&r, &o->node->events, "ota", "out of memory");
		else
			ota_admit(o, s, &o->node->events, &r);
		mset_unref(s);
	}
	if (agent->broken || r.errors) {
		reject(o, gen, h, &r);
		return;
	}
	if (!o->rec.committed || !o->deadline)
		commit(o, agent, gen);
	else
		start_trial(o, agent, gen, false);
}

const struct mpart *ota_running(const struct ota *o, unsigned *gen)
{
	*gen = o->on_trial ? o->rec.gen : o->rec.committed;
	return o->on_trial ? &o->trial : &o->committed;
}

/* The hash of the pod named name in part, and whether it is there. */
static bool pod_in(const struct mpart *part, const char *name, uint64_t *hash)
{
	for (unsigned i = 0; i < part->n; i++)
		for (unsigned k = 0; k < part->f[i]->file.n; k++) {
			const struct mf_object *x = &part->f[i]->file.objs[k];
			if (x->kind == MF_POD && !strcmp(mf_object_name(x), name)) {
				*hash = mfile_object_hash(part->f[i], x);
				return true;
			}
		}
	return false;
}

/* A pod the trial made: in the trial's files, not the same in the
 * committed ones. */
static bool trial_pod(const struct ota *o, const struct pod *p)
{
	uint64_t t, c;
	if (!pod_in(&o->trial, p->name, &t) || t != p->hash)
		return false;
	return !pod_in(&o->committed, p->name, &c) || c != p->hash;
}

void ota_hold(struct ota *o)
{
	o->held = true;
	loop_timer_cancel(&o->node->loop, &o->settle_timer);
	loop_timer_cancel(&o->node->loop, &o->deadline_timer);
}

void ota_pods_changed(struct ota *o)
{
	if (!o->on_trial || o->held)
		return;
	for (struct pod *p = o->node->pods; p; p = p->next) {
		if (p->stage == PS_TERMINATING || p->remove_when_done || !trial_pod(o, p))
			continue;
		char reason[300] = "";
		unsigned restarts = pod_restarts(p);
		if (restarts >= CRASH_RESTARTS)
			snprintf(reason, sizeof reason, "pod %s is crash-looping (%u restarts)", p->name,
				 restarts);
		else if (!strcmp(pod_phase(p), "Failed"))
			snprintf(reason, sizeof reason, "pod %s failed", p->name);
		if (reason[0]) {
			rollback(o, reason);
			return;
		}
	}
	bool healthy = node_all_healthy(o->node);
	if (healthy && !o->healthy_since) {
		o->healthy_since = loop_now();
		loop_timer_at(&o->node->loop, &o->settle_timer, o->healthy_since + o->settle);
	} else if (!healthy && o->healthy_since) {
		o->healthy_since = 0;
		loop_timer_cancel(&o->node->loop, &o->settle_timer);
	}
}

void ota_status(const struct ota *o, FILE *out, bool json)
{
	uint64_t now = loop_now(), left = 0;
	if (o->on_trial && o->trial_start + o->deadline > now)
		left = secs(o->trial_start + o->deadline - now + NS_PER_S - 1);
	unsigned ops = 0;
	for (unsigned i = 0; o->node->set && i < o->node->set->op.n; i++)
		ops += o->node->set->op.f[i]->file.n;
	const char *state = o->rec.state == OTA_NONE ? "committed" : ota_state_name(o->rec.state);
	if (json) {
		fprintf(out,
			"{\"generation\":%u,\"hash\":\"%016" PRIx64 "\",\"state\":\"%s\","
			"\"committedGeneration\":%u,\"committedHash\":\"%016" PRIx64 "\",\"reason\":\"",
			o->rec.gen, o->rec.hash, state, o->rec.committed, o->rec.committed_hash);
		for (const char *c = o->rec.reason; *c; c++) {
			if (*c == '"' || *c == '\\')
				fputc('\\', out);
			if ((unsigned char)*c >= 0x20)
				fputc(*c, out);
		}
		fprintf(out,
			"\",\"trialRemainingSeconds\":%" PRIu64 ",\"trialBoots\":%u,\"bootsAllowed\":%u,"
			"\"settleSeconds\":%" PRIu64 ",\"deadlineSeconds\":%" PRIu64
			",\"operatorObjects\":%u,\"recordKept\":%s}\n",
			left, o->rec.boots, o->max_boots, secs(o->settle), secs(o->deadline), ops,
			o->dirfd >= 0 ? "true" : "false");
		return;
	}
	fprintf(out, "generation:        %u\nhash:              %016" PRIx64 "\nstate:             %s\n",
		o->rec.gen, o->rec.hash, state);
	fprintf(out, "committed:         %u (%016" PRIx64 ")\n", o->rec.committed, o->rec.committed_hash);
	if (o->rec.reason[0])
		fprintf(out, "reason:            %s\n", o->rec.reason);
	if (o->on_trial)
		fprintf(out, "trial remaining:   %" PRIu64 "s (boot %u of %u allowed)\n", left, o->rec.boots,
			o->max_boots);
	fprintf(out, "trial:             settle %" PRIu64 "s, deadline %" PRIu64 "s%s\n", secs(o->settle),
		secs(o->deadline), o->deadline ? "" : " (off: generations commit at once)");
	fprintf(out, "operator objects:  %u\n", ops);
	if (o->dirfd < 0)
		fprintf(out, "record:            not kept (%s/ota is unusable)\n", o->data);
}
