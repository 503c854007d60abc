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

/* Copies s into rec at off, cut to cap - 1 bytes, with its NUL; the
 * bytes taken. */
static size_t pack(char *rec, size_t off, const char *s, size_t cap)
{
	size_t n = strnlen(s, cap - 1);
	memcpy(rec + off, s, n);
	rec[off + n] = 0;
	return n + 1;
}

void events_add(struct events *ev, bool warning, const char *object, const char *reason,
		const char *fmt, ...)
{
	/* packed: object NUL reason NUL message NUL, each cut to its size
	 * in struct event (at most 381 bytes) */
	struct timespec when;
	clock_gettime(CLOCK_REALTIME, &when);
	char rec[EVENT_OBJECT + EVENT_REASON + EVENT_MESSAGE];
	size_t at_why = pack(rec, 0, object, EVENT_OBJECT);
	size_t at_msg = at_why + pack(rec, at_why, reason, EVENT_REASON);
	const char *obj = rec, *why = rec + at_why, *msg = rec + at_msg;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rec + at_msg, EVENT_MESSAGE, fmt, ap);
	va_end(ap);
	size_t len = at_msg + strlen(msg) + 1;
	while (ev->first < ev->next &&
	       (ev->next - ev->first >= EVENTS_MAX ||
		ev->text_end + len - ev->slot[ev->first % EVENTS_MAX].at > EVENTS_TEXT))
		ev->first++;
	ev->slot[ev->next % EVENTS_MAX] = (struct event_slot){
		.at = ev->text_end, .when = when, .len = (uint16_t)len, .warning = warning};
	text_put(ev, ev->text_end, rec, len);
	ev->text_end += len;
	ev->next++;

	if (ev->echo) {
		char line[512];
		int n = snprintf(line, sizeof line, "podinit: %s %s %s: %s\n",
				 warning ? "Warning" : "Normal", obj, why, msg);
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
	char rec[EVENT_OBJECT + EVENT_REASON + EVENT_MESSAGE];
	text_get(ev, s->at, rec, s->len);
	/* the three strings were cut to these sizes when added */
	size_t lo = strlen(rec) + 1, lr = strlen(rec + lo) + 1;
	*out = (struct event){.seq = seq, .when = s->when, .warning = s->warning};
	memcpy(out->object, rec, lo);
	memcpy(out->reason, rec + lo, lr);
	memcpy(out->message, rec + lo + lr, s->len - lo - lr);
	return true;
}
