/* logbuf.c - ring buffer addressed by absolute byte positions.
 * Invariant: the ring holds positions [total - min(total, size), total). */
#include "logbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int logbuf_init(struct logbuf *lb, size_t size)
{
	lb->buf = malloc(size ? size : 1);
	lb->size = size ? size : 1;
	lb->total = 0;
	return lb->buf ? 0 : -ENOMEM;
}

void logbuf_fini(struct logbuf *lb)
{
	free(lb->buf);
	lb->buf = NULL;
}

void logbuf_reset(struct logbuf *lb)
{
	lb->total = 0;
}

void logbuf_write(struct logbuf *lb, const char *data, size_t len)
{
	if (len > lb->size) { /* only the last size bytes survive */
		lb->total += len - lb->size;
		data += len - lb->size;
		len = lb->size;
	}
	size_t off = (size_t)(lb->total % lb->size);
	size_t first = len < lb->size - off ? len : lb->size - off;
	memcpy(lb->buf + off, data, first);
	memcpy(lb->buf, data + first, len - first);
	lb->total += len;
}

uint64_t logbuf_start(const struct logbuf *lb)
{
	return lb->total > lb->size ? lb->total - lb->size : 0;
}

static char at(const struct logbuf *lb, uint64_t pos)
{
	return lb->buf[pos % lb->size];
}

uint64_t logbuf_tail(const struct logbuf *lb, long lines)
{
	uint64_t start = logbuf_start(lb), pos = lb->total;
	if (lines < 0)
		return start;
	if (lines == 0)
		return lb->total; /* --tail 0: nothing */
	/* a final line without its newline counts as a line */
	if (pos > start && at(lb, pos - 1) == '\n')
		pos--;
	long seen = 0;
	while (pos > start) {
		if (at(lb, pos - 1) == '\n' && ++seen == lines)
			return pos;
		pos--;
	}
	return start;
}

size_t logbuf_read(const struct logbuf *lb, uint64_t *pos, char *out, size_t len)
{
	uint64_t start = logbuf_start(lb);
	if (*pos < start)
		*pos = start;
	size_t n = 0;
	while (n < len && *pos < lb->total) {
		size_t off = (size_t)(*pos % lb->size);
		size_t chunk = lb->size - off;
		if (chunk > len - n)
			chunk = len - n;
		if (chunk > lb->total - *pos)
			chunk = (size_t)(lb->total - *pos);
		memcpy(out + n, lb->buf + off, chunk);
		n += chunk;
		*pos += chunk;
	}
	return n;
}
