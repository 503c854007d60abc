/* api_stream.c - blocking TLS I/O for a stream's own process: the socket
 * stays non-blocking (mbedTLS's calls return WANT_*), and poll waits
 * for what mbedTLS asked for. */
#include "api_stream.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include "api_int.h"
#include "tls.h"

static int wait_for(struct api_stream *s, ssize_t want, int other, int timeout_ms)
{
	struct pollfd p[2] = {{.fd = s->fd, .events = want == API_TLS_WANT_WRITE ? POLLOUT : POLLIN},
			      {.fd = other, .events = POLLIN}};
	int n = poll(p, other >= 0 ? 2 : 1, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n == 0)
		return -ETIMEDOUT;
	if (other >= 0 && p[1].revents)
		return -EAGAIN;
	return 0;
}

int api_stream_write(struct api_stream *s, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t r = api_tls_write(s->tls, p, len);
		if (r > 0) {
			p += r;
			len -= (size_t)r;
			continue;
		}
		if (r != API_TLS_WANT_READ && r != API_TLS_WANT_WRITE)
			return r < 0 ? (int)r : -ECONNRESET;
		int rc = wait_for(s, r, -1, -1);
		if (rc)
			return rc;
	}
	return 0;
}

ssize_t api_stream_read(struct api_stream *s, void *buf, size_t len, int other, int timeout_ms)
{
	for (;;) {
		ssize_t r = api_tls_read(s->tls, buf, len); /* what the record buffer holds first */
		if (r != API_TLS_WANT_READ && r != API_TLS_WANT_WRITE)
			return r;
		int rc = wait_for(s, r, other, timeout_ms);
		if (rc)
			return rc;
	}
}

int api_stream_head(struct api_stream *s, const char *type)
{
	char head[256];
	int n = snprintf(head, sizeof head,
			 "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n"
			 "Cache-Control: no-cache, private\r\nConnection: close\r\n\r\n",
			 type);
	return api_stream_write(s, head, (size_t)n);
}

int api_stream_chunk(struct api_stream *s, const void *buf, size_t len)
{
	char head[24];
	int n = snprintf(head, sizeof head, "%zx\r\n", len);
	int rc = api_stream_write(s, head, (size_t)n);
	if (!rc && len)
		rc = api_stream_write(s, buf, len);
	if (!rc)
		rc = api_stream_write(s, "\r\n", 2);
	return rc;
}

int api_stream_reply(struct api_stream *s, const struct api_reply *r)
{
	char *end = r->buf ? strstr(r->buf, "\r\n\r\n") : NULL;
	if (!end)
		return -ENOMEM;
	size_t head = (size_t)(end + 2 - r->buf);
	int rc = api_stream_write(s, r->buf, head);
	if (!rc)
		rc = api_stream_write(s, "Connection: close\r\n", 19);
	return rc ? rc : api_stream_write(s, end + 2, r->len - head);
}
