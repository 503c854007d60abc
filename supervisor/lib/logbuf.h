/* logbuf.h - a bounded ring of a container's output bytes.
 *
 * It holds no memory until the first output, then LOGBUF_FIRST bytes, and
 * grows as output comes, up to the size given at creation; from then on
 * the oldest bytes are overwritten. So a quiet container holds nothing and
 * a chatty one the bound. Readers name a position by the total count of
 * bytes ever written, so a follower (podctl logs -f) can tell what it
 * missed.
 *
 * Time: each write is marked with the wall clock at that moment, in a
 * small ring of marks of its own (the last LOGBUF_MARKS writes), so a line
 * has the time of the write it began in (kubectl logs --timestamps,
 * --since). A line older than every mark kept gets the oldest mark's
 * time: at the latest then, maybe earlier. */
#ifndef PODINIT_LOGBUF_H
#define PODINIT_LOGBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOGBUF_MARKS 32
#define LOGBUF_FIRST 4096

struct logbuf {
	char *buf;      /* NULL until the first write */
	size_t size;    /* now (0 with no buf) */
	size_t max;     /* at most */
	uint64_t total; /* bytes ever written */
	struct logbuf_mark {
		uint64_t pos;
		int64_t ns; /* CLOCK_REALTIME */
	} marks[LOGBUF_MARKS];
	unsigned nmarks; /* marks ever made: the newest is (nmarks - 1) % LOGBUF_MARKS */
};

/* An empty ring of at most size bytes; it allocates on the first write. */
void logbuf_init(struct logbuf *lb, size_t size);
void logbuf_fini(struct logbuf *lb);
void logbuf_reset(struct logbuf *lb);
void logbuf_write(struct logbuf *lb, const char *data, size_t len);
/* The same, marked with the time given (ns since the epoch). */
void logbuf_write_at(struct logbuf *lb, const char *data, size_t len, int64_t ns);
/* The time of the write that byte pos came in (0: nothing marked). */
int64_t logbuf_time(const struct logbuf *lb, uint64_t pos);
/* Where the first line written at or after ns begins (total: none). */
uint64_t logbuf_since(const struct logbuf *lb, int64_t ns);
/* True when pos begins a line (the oldest byte held counts as one). */
bool logbuf_line_start(const struct logbuf *lb, uint64_t pos);
/* Oldest position still held. */
uint64_t logbuf_start(const struct logbuf *lb);
/* Position where the last `lines` lines begin (lines < 0: all held). */
uint64_t logbuf_tail(const struct logbuf *lb, long lines);
/* Copies bytes from position pos (clamped to what is held) into out, up
 * to len; returns the count and advances *pos. */
size_t logbuf_read(const struct logbuf *lb, uint64_t *pos, char *out, size_t len);

#endif
