/* api_stream.c - blocking TLS I/O for a stream's own process: the socket
 * stays non-blocking (mbedTLS's calls return WANT_*), and poll waits
 * for what mbedTLS asked for. */
#include "api_stream.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include "api_int.h"
#include "api_ctl.h"
#include "ctl_proto.h"
#include "tls.h"

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

void api_stream_catch_term(void)
{
	struct sigaction sa = {.sa_handler = on_term}; /* no SA_RESTART: poll returns */
	sigaction(SIGTERM, &sa, NULL);
}

bool api_stream_stopping(void)
{
	return stopping;
}

static int wait_for(struct api_stream *s, ssize_t want, int other, int timeout_ms)
{
	struct pollfd p[2] = {{.fd = s->fd, .events = want == API_TLS_WANT_WRITE ? POLLOUT : POLLIN},
			      {.fd = other, .events = POLLIN}};
	int n = stopping ? -1 : poll(p, other >= 0 ? 2 : 1, timeout_ms);
	if (n < 0)
		return stopping ? -ESHUTDOWN : errno == EINTR ? 0 : -errno;
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

static ssize_t stream_read(struct api_stream *s, void *buf, size_t len, int other, int timeout_ms)
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

static int stream_head(struct api_stream *s, const char *type)
{
	char head[256];
	int n = snprintf(head, sizeof head,
			 "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n"
			 "Cache-Control: no-cache, private\r\nConnection: close\r\n\r\n",
			 type);
	return api_stream_write(s, head, (size_t)n);
}

static int stream_chunk(struct api_stream *s, const void *buf, size_t len)
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

int api_stream_relay(struct api_stream *s, int fd, const char *type, int timeout_ms)
{
	struct timeval none = {0};
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none);
	static char buf[CTL_FRAME_MAX];
	char stream;
	size_t n = 0;
	int rc = fd < 0 ? fd : api_ctl_frame(fd, &stream, buf, sizeof buf, &n);
	if (rc || (stream != CTL_STDOUT && stream != CTL_STARTED)) { /* an error first: the Status */
		struct api_answer ans = {.status = rc ? rc : 1};
		snprintf(ans.err, sizeof ans.err, "%.*s", (int)(rc ? 0 : n < sizeof ans.err ? n : sizeof ans.err - 1), buf);
		struct api_reply r = {0};
		api_status_of(&r, &ans);
		rc = api_stream_reply(s, &r);
		free(r.buf);
		if (fd >= 0)
			close(fd);
		return rc;
	}
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = stream_head(s, type);
	while (!rc && (stream == CTL_STDOUT || stream == CTL_STARTED)) {
		if (stream == CTL_STDOUT && n)
			rc = stream_chunk(s, buf, n);
		char c;
		while (!rc) { /* the client leaving ends it too, and the time limit */
			int left = -1;
			if (timeout_ms >= 0) {
				clock_gettime(CLOCK_MONOTONIC, &t);
				long long ms = (t.tv_sec - t0.tv_sec) * 1000LL + (t.tv_nsec - t0.tv_nsec) / 1000000;
				left = ms >= timeout_ms ? 0 : (int)(timeout_ms - ms);
			}
			ssize_t r = left == 0 ? -ETIMEDOUT : stream_read(s, &c, 1, fd, left);
			if (r == -EAGAIN)
				break;
			if (r <= 0) /* EPIPE: the client left */
				rc = r == -ETIMEDOUT || r == -ESHUTDOWN ? (int)r : -EPIPE;
		}
		if (!rc)
			rc = api_ctl_frame(fd, &stream, buf, sizeof buf, &n);
	}
	if (rc != -EPIPE) /* the end, the time limit, a stop, PID 1 gone: a clean end */
		rc = stream_chunk(s, "", 0);
	close(fd);
	return rc;
}
