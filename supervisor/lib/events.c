/* events.c - a ring of the last EVENTS_MAX events. */
#include "events.h"

#include <stdarg.h>
#include <string.h>

void events_init(struct events *ev, void (*echo)(void *ctx, const char *line, size_t len),
		 void *ctx)
{
	memset(ev, 0, sizeof *ev);
	ev->echo = echo;
	ev->echo_ctx = ctx;
}

void events_echo_file(void *ctx, const char *line, size_t len)
{
	fwrite(line, 1, len, ctx);
	fflush(ctx);
}

void events_add(struct events *ev, bool warning, const char *object, const char *reason,
		const char *fmt, ...)
{
	struct event *e = &ev->ring[ev->next % EVENTS_MAX];
	e->seq = ev->next++;
	clock_gettime(CLOCK_REALTIME, &e->when);
	e->warning = warning;
	snprintf(e->object, sizeof e->object, "%s", object);
	snprintf(e->reason, sizeof e->reason, "%s", reason);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	if (ev->echo) {
		char line[512];
		int n = snprintf(line, sizeof line, "podinit: %s %s %s: %s\n",
				 warning ? "Warning" : "Normal", e->object, e->reason, e->message);
		if (n > 0)
			ev->echo(ev->echo_ctx, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
	}
}

uint64_t events_first(const struct events *ev)
{
	return ev->next > EVENTS_MAX ? ev->next - EVENTS_MAX : 0;
}

const struct event *events_get(const struct events *ev, uint64_t seq)
{
	if (seq < events_first(ev) || seq >= ev->next)
		return NULL;
	return &ev->ring[seq % EVENTS_MAX];
}
