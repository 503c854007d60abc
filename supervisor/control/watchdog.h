/* watchdog.h - feeding the board's hardware watchdog from the event loop.
 *
 * The feed is a loop timer at half the timeout, so a hung loop stops it
 * and the board resets. It also stops, on purpose, when a pod annotated
 * podinit.io/critical: "true" has been unhealthy (not Ready, not
 * Succeeded) for longer than the board's budget. An orderly shutdown
 * disarms it with the magic close. */
#ifndef PODINIT_WATCHDOG_H
#define PODINIT_WATCHDOG_H

#include <stdbool.h>
#include <stdint.h>
#include "loop.h"

struct node;

struct watchdog {
	struct node *node;
	int fd;
	unsigned timeout;      /* seconds, as the driver set it */
	uint64_t budget;       /* ns */
	struct loop_timer feed;
	bool starving;
	char identity[40];
};

/* Opens dev and sets its timeout; -errno (the board runs without one). */
int watchdog_open(struct watchdog *w, struct node *node, const char *dev, unsigned timeout,
		  unsigned budget);
/* Pods changed (the lifecycle's observer, through the supervisor): each
 * critical pod's unhealthy time starts or ends here, by pod_healthy;
 * the feed only compares those times with the budget. */
void watchdog_pods_changed(struct watchdog *w);
/* Magic close: the watchdog stops without resetting the board. */
void watchdog_close(struct watchdog *w);

#endif
