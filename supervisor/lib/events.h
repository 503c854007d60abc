/* events.h - the recent-events ring behind `podctl events`.
 *
 * Fixed capacity; each event has a sequence number so followers (events
 * -f, the console) can ask for what came after the last one they saw. */
#ifndef PODINIT_EVENTS_H
#define PODINIT_EVENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define EVENTS_MAX 256

struct event {
	uint64_t seq;
	struct timespec when; /* CLOCK_REALTIME */
	bool warning;
	char object[96];  /* pod/NAME or pod/NAME/CONTAINER or manifest FILE */
	char reason[32];  /* Kubernetes' reason: Created, Started, Killing, BackOff ... */
	char message[256];
};

struct events {
	struct event ring[EVENTS_MAX];
	uint64_t next; /* sequence of the next event; events [next - held, next) exist */
	/* every event is also handed here as one line (stderr, or the
	 * console's bounded buffer) */
	void (*echo)(void *ctx, const char *line, size_t len);
	void *echo_ctx;
};

void events_init(struct events *ev, void (*echo)(void *ctx, const char *line, size_t len),
		 void *ctx);
/* An echo that writes to the FILE given as ctx. */
void events_echo_file(void *ctx, const char *line, size_t len);
void events_add(struct events *ev, bool warning, const char *object, const char *reason,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The event with sequence seq, or NULL when it is gone or not yet there. */
const struct event *events_get(const struct events *ev, uint64_t seq);
uint64_t events_first(const struct events *ev);

#endif
