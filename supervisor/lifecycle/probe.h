/* probe.h - startup, readiness and liveness probes of one container.
 *
 * A probe runs its handler every periodSeconds after initialDelaySeconds,
 * each run bounded by timeoutSeconds, and counts consecutive results
 * against successThreshold and failureThreshold. It reports only changes
 * of its verdict, through the callback its owner gave (pod.c). */
#ifndef PODINIT_PROBE_H
#define PODINIT_PROBE_H

#include <stdbool.h>
#include "action.h"

enum probe_kind { PROBE_STARTUP, PROBE_READINESS, PROBE_LIVENESS, PROBE_KINDS };

struct probe {
	struct action act;
	const struct mf_probe *spec; /* NULL: the container has no such probe */
	enum probe_kind kind;
	struct loop_timer next;
	uint64_t last_start;
	unsigned successes, failures;
	bool active;
	bool healthy; /* the verdict last reported */
	/* the verdict changed: startup passed or failed for good, readiness
	 * flipped, liveness failed */
	void (*verdict)(struct probe *p, bool healthy);
};

void probe_init(struct probe *p, struct container *c, const struct mf_probe *spec,
		enum probe_kind kind, void (*verdict)(struct probe *p, bool healthy));
/* Starts probing initialDelaySeconds after `since` (the container's
 * start, CLOCK_MONOTONIC ns); no-op without a spec. */
void probe_start(struct probe *p, uint64_t since);
void probe_stop(struct probe *p);

#endif
