/* logbuf.h - a fixed-size ring of a container's output bytes.
 *
 * Memory per container is fixed at creation; the oldest bytes are
 * overwritten. Readers name a position by the total count of bytes ever
 * written, so a follower (podctl logs -f) can tell what it missed. */
#ifndef PODINIT_LOGBUF_H
#define PODINIT_LOGBUF_H

#include <stddef.h>
#include <stdint.h>

struct logbuf {
	char *buf;
	size_t size;
	uint64_t total; /* bytes ever written */
};

int logbuf_init(struct logbuf *lb, size_t size);
void logbuf_fini(struct logbuf *lb);
void logbuf_reset(struct logbuf *lb);
void logbuf_write(struct logbuf *lb, const char *data, size_t len);
/* Oldest position still held. */
uint64_t logbuf_start(const struct logbuf *lb);
/* Position where the last `lines` lines begin (lines < 0: all held). */
uint64_t logbuf_tail(const struct logbuf *lb, long lines);
/* Copies bytes from position pos (clamped to what is held) into out, up
 * to len; returns the count and advances *pos. */
size_t logbuf_read(const struct logbuf *lb, uint64_t *pos, char *out, size_t len);

#endif
