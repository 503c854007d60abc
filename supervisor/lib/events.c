/* events.c - the last events, their text packed in one byte ring. */
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

/* Copies n bytes into the text ring at position at, wrapping. */
static void text_put(struct events *ev, uint64_t at, const char *src, size_t n)
{
	size_t off = at % EVENTS_TEXT, first = n < EVENTS_TEXT - off ? n : EVENTS_TEXT - off;
	memcpy(ev->text + off, src, first);
	memcpy(ev->text, src + first, n - first);
}

static void text_get(const struct events *ev, uint64_t at, char *dst, size_t n)
{
	size_t off = at % EVENTS_TEXT, first = n < EVENTS_TEXT - off ? n : EVENTS_TEXT - off;
	memcpy(dst, ev->text + off, first);
	memcpy(dst + first, ev->text, n - first);
}

void events_add(struct events *ev, bool warning, const char *object, const char *reason,
		const char *fmt, ...)
{
	struct event e = {.seq = ev->next, .warning = warning};
	clock_gettime(CLOCK_REALTIME, &e.when);
	snprintf(e.object, sizeof e.object, "%s", object);
	snprintf(e.reason, sizeof e.reason, "%s", reason);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e.message, sizeof e.message, fmt, ap);
	va_end(ap);

	/* packed: object NUL reason NUL message NUL (at most 381 bytes) */
	char rec[sizeof e.object + sizeof e.reason + sizeof e.message];
	size_t lo = strlen(e.object) + 1, lr = strlen(e.reason) + 1, lm = strlen(e.message) + 1;
	memcpy(rec, e.object, lo);
	memcpy(rec + lo, e.reason, lr);
	memcpy(rec + lo + lr, e.message, lm);
	size_t len = lo + lr + lm;
	while (ev->first < ev->next &&
	       (ev->next - ev->first >= EVENTS_MAX ||
		ev->text_end + len - ev->slot[ev->first % EVENTS_MAX].at > EVENTS_TEXT))
		ev->first++;
	ev->slot[ev->next % EVENTS_MAX] = (struct event_slot){
		.at = ev->text_end, .when = e.when, .len = (uint16_t)len, .warning = warning};
	text_put(ev, ev->text_end, rec, len);
	ev->text_end += len;
	ev->next++;

	if (ev->echo) {
		char line[512];
		int n = snprintf(line, sizeof line, "podinit: %s %s %s: %s\n",
				 warning ? "Warning" : "Normal", e.object, e.reason, e.message);
		if (n > 0)
			ev->echo(ev->echo_ctx, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
	}
}

uint64_t events_first(const struct events *ev)
{
	return ev->first;
}

bool events_get(const struct events *ev, uint64_t seq, struct event *out)
{
	if (seq < ev->first || seq >= ev->next)
		return false;
	const struct event_slot *s = &ev->slot[seq % EVENTS_MAX];
	char rec[sizeof out->object + sizeof out->reason + sizeof out->message];
	text_get(ev, s->at, rec, s->len);
	/* the three strings were cut to these sizes when added */
	size_t lo = strlen(rec) + 1, lr = strlen(rec + lo) + 1;
	*out = (struct event){.seq = seq, .when = s->when, .warning = s->warning};
	memcpy(out->object, rec, lo);
	memcpy(out->reason, rec + lo, lr);
	memcpy(out->message, rec + lo + lr, s->len - lo - lr);
	return true;
}
