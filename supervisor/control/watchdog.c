/* watchdog.c - /dev/watchdog through the Linux watchdog API. */
#include "watchdog.h"
#include "base.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/watchdog.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "pod.h"
#include "node.h"


static bool critical(const struct pod *p)
{
	const struct mf_kv *a = p->spec->meta.annotations.v;
	for (uint32_t i = 0; i < p->spec->meta.annotations.n; i++)
		if (!strcmp(a[i].key.s, "podinit.io/critical") && !strcmp(a[i].val.s, "true"))
			return true;
	return false;
}

void watchdog_pods_changed(struct watchdog *w)
{
	if (w->fd < 0)
		return;
	uint64_t now = loop_now();
	for (struct pod *p = w->node->pods; p; p = p->next)
		if (!critical(p) || pod_healthy(p))
			p->unhealthy_since = 0;
		else if (!p->unhealthy_since)
			p->unhealthy_since = now;
}

/* true while every critical pod is within its budget */
static bool critical_pods_ok(struct watchdog *w, uint64_t now)
{
	for (struct pod *p = w->node->pods; p; p = p->next) {
		if (!p->unhealthy_since)
			continue;
		if (now - p->unhealthy_since > w->budget) {
			events_add(&w->node->events, true, p->name, "WatchdogStarved",
				   "critical pod %s unhealthy for more than %llus: the watchdog is no "
				   "longer fed, the board will reset",
				   p->name, (unsigned long long)(w->budget / NS_PER_S));
			return false;
		}
	}
	return true;
}

static void on_feed(struct loop *l, struct loop_timer *t)
{
	struct watchdog *w = container_of(t, struct watchdog, feed);
	uint64_t now = loop_now();
	if (w->starving)
		return;
	if (!critical_pods_ok(w, now)) {
		w->starving = true;
		return;
	}
	int dummy;
	if (ioctl(w->fd, WDIOC_KEEPALIVE, &dummy) < 0)
		events_add(&w->node->events, true, "podinit", "WatchdogError", "keepalive: %s",
			   strerror(errno));
	/* half the timeout: one late pass of the loop does not reset the board */
	uint64_t period = (uint64_t)w->timeout * NS_PER_S / 2;
	loop_timer_at(l, &w->feed, now + (period ? period : NS_PER_S / 2));
}

int watchdog_open(struct watchdog *w, struct node *node, const char *dev, unsigned timeout,
		  unsigned budget)
{
	memset(w, 0, sizeof *w);
	w->node = node;
	w->budget = (uint64_t)budget * NS_PER_S;
	w->feed.cb = on_feed;
	w->fd = open(dev, O_WRONLY | O_CLOEXEC);
	if (w->fd < 0)
		return -errno;
	struct watchdog_info info;
	if (ioctl(w->fd, WDIOC_GETSUPPORT, &info) == 0)
		snprintf(w->identity, sizeof w->identity, "%s", (const char *)info.identity);
	int t = (int)timeout;
	if (ioctl(w->fd, WDIOC_SETTIMEOUT, &t) < 0 && ioctl(w->fd, WDIOC_GETTIMEOUT, &t) < 0)
		t = (int)timeout;
	w->timeout = t > 0 ? (unsigned)t : timeout;
	events_add(&node->events, false, "podinit", "Watchdog", "%s (%s) armed, timeout %us", dev,
		   w->identity[0] ? w->identity : "unknown", w->timeout);
	on_feed(&node->loop, &w->feed);
	return 0;
}

void watchdog_close(struct watchdog *w)
{
	if (w->fd < 0)
		return;
	if (loop_timer_armed(&w->feed))
		loop_timer_cancel(&w->node->loop, &w->feed);
	/* the magic close: 'V' then close stops the timer (without nowayout) */
	if (write(w->fd, "V", 1) != 1)
		events_add(&w->node->events, true, "podinit", "WatchdogError", "magic close: %s",
			   strerror(errno));
	close(w->fd);
	w->fd = -1;
}
