/* events.h - the recent-events ring behind `podctl events`.
 *
 * Bounded twice: at most EVENTS_MAX events, and their text (object,
 * reason, message) packed into EVENTS_TEXT bytes; the oldest go first.
 * A fixed slot per event held 256 x 416 B = 104 KiB once the ring had
 * filled, most of it the unused tails of message[]. Each event has a
 * sequence number so followers (events -f, the console, watches) can ask
 * for what came after the last one they saw. */
#ifndef PODINIT_EVENTS_H
#define PODINIT_EVENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define EVENTS_MAX 256
#define EVENTS_TEXT 24576 /* about 96 B an event when full; typical ones are 60-90 */

#define EVENT_OBJECT 96   /* pod/NAME or pod/NAME/CONTAINER or manifest FILE */
#define EVENT_REASON 32   /* Kubernetes' reason: Created, Started, Killing, BackOff ... */
#define EVENT_MESSAGE 256 /* each with its NUL */

/* One event as events_get copies it out. */
struct event {
	uint64_t seq;
	struct timespec when; /* CLOCK_REALTIME */
	bool warning;
	char object[EVENT_OBJECT];
	char reason[EVENT_REASON];
	char message[EVENT_MESSAGE];
};

struct events {
	uint64_t first, next; /* the events held are [first, next) */
	uint64_t text_end;    /* bytes ever written to text: the next one goes at text_end % EVENTS_TEXT */
	struct event_slot {
		uint64_t at; /* where its text starts (as text_end counts) */
		struct timespec when;
		uint16_t len; /* object, reason and message, each with its NUL */
		bool warning;
	} slot[EVENTS_MAX]; /* event seq is slot[seq % EVENTS_MAX] */
	char text[EVENTS_TEXT];
	/* every event is also handed here as one line (stderr, or the
	 * console's bounded buffer) */
	void (*echo)(void *ctx, const char *line, size_t len);
	void *echo_ctx;
};

void events_init(struct events *ev, void (*echo)(void *ctx, const char *line, size_t len),
		 void *ctx);
/* An echo that writes to the FILE given as ctx. */
void events_echo_file(void *ctx, const char *line, size_t len);
/* Adds an event; object, reason and message are cut to struct event's sizes. */
void events_add(struct events *ev, bool warning, const char *object, const char *reason,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Copies event seq to *out; false when it is gone or not yet there. */
bool events_get(const struct events *ev, uint64_t seq, struct event *out);
uint64_t events_first(const struct events *ev);

#endif
