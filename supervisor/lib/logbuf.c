/* logbuf.c - ring buffer addressed by absolute byte positions.
 * Invariant: the ring holds positions [total - min(total, size), total).
 * It has no bytes until the first write, then LOGBUF_FIRST, and doubles
 * (realloc) as output comes, up to max; it wraps only once it is that
 * large, so while it grows every byte held is at its own position and
 * realloc keeps them. Without memory (size 0) writes only count. */
#include "logbuf.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void logbuf_init(struct logbuf *lb, size_t size)
{
	lb->max = size ? size : 1;
	lb->size = 0;
	lb->buf = NULL;
	lb->total = 0;
	lb->nmarks = 0;
}

/* Room for len more bytes without wrapping, as far as max allows; a
 * failed realloc makes the present size the ring's for good. */
static void grow(struct logbuf *lb, size_t len)
{
	if (lb->size >= lb->max || lb->total + len <= lb->size)
		return;
	size_t want = lb->size ? lb->size : LOGBUF_FIRST;
	while (want < lb->total + len && want < lb->max)
		want *= 2;
	if (want > lb->max)
		want = lb->max;
	char *p = realloc(lb->buf, want);
	if (!p) {
		lb->max = lb->size;
		return;
	}
	lb->buf = p;
	lb->size = want;
}

void logbuf_fini(struct logbuf *lb)
{
	free(lb->buf);
	lb->buf = NULL;
	lb->size = 0;
}

void logbuf_reset(struct logbuf *lb)
{
	lb->total = 0;
	lb->nmarks = 0;
}

void logbuf_write(struct logbuf *lb, const char *data, size_t len)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	logbuf_write_at(lb, data, len, (int64_t)t.tv_sec * 1000000000 + t.tv_nsec);
}

void logbuf_write_at(struct logbuf *lb, const char *data, size_t len, int64_t ns)
{
	if (!len)
		return;
	lb->marks[lb->nmarks++ % LOGBUF_MARKS] = (struct logbuf_mark){lb->total, ns};
	grow(lb, len);
	if (!lb->size) { /* no memory for any: counted, not kept */
		lb->total += len;
		return;
	}
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

/* the marks kept, oldest first: k from 0 to kept - 1 */
static unsigned kept(const struct logbuf *lb)
{
	return lb->nmarks < LOGBUF_MARKS ? lb->nmarks : LOGBUF_MARKS;
}

static const struct logbuf_mark *mark(const struct logbuf *lb, unsigned k)
{
	return &lb->marks[(lb->nmarks - kept(lb) + k) % LOGBUF_MARKS];
}

int64_t logbuf_time(const struct logbuf *lb, uint64_t pos)
{
	unsigned n = kept(lb);
	if (!n)
		return 0;
	for (unsigned k = n; k-- > 0;)
		if (mark(lb, k)->pos <= pos)
			return mark(lb, k)->ns;
	return mark(lb, 0)->ns;
}

bool logbuf_line_start(const struct logbuf *lb, uint64_t pos)
{
	return pos <= logbuf_start(lb) || at(lb, pos - 1) == '\n';
}

uint64_t logbuf_since(const struct logbuf *lb, int64_t ns)
{
	for (unsigned k = 0; k < kept(lb); k++) {
		const struct logbuf_mark *m = mark(lb, k);
		if (m->ns < ns)
			continue;
		/* a line begun in an earlier write is older: the next one */
		uint64_t pos = m->pos < logbuf_start(lb) ? logbuf_start(lb) : m->pos;
		while (pos < lb->total && !logbuf_line_start(lb, pos))
			pos++;
		return pos;
	}
	return lb->total;
}
