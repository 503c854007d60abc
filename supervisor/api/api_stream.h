/* api_stream.h - a request answered by a process of its own: a watch,
 * logs -f, exec. The route names the handler (api_reply.stream); api.c
 * forks, and the child runs the handler over the connection, blocking,
 * then exits. So the API's loop never waits on a stream, a stream never
 * waits on another, and a stream that fails loses only itself. At most
 * API_STREAMS run at once (429 TooManyRequests beyond); each dies with
 * the API process (PR_SET_PDEATHSIG). */
#ifndef PODINIT_API_STREAM_H
#define PODINIT_API_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define API_STREAMS 16

struct api;
struct http_req;
struct api_tls_conn;

struct api_stream {
	struct api_tls_conn *tls;
	int fd; /* the connection's socket, non-blocking */
	const struct api *api;
	const struct http_req *req;
};

/* In a stream's process: SIGTERM (the API stopping) ends what it waits
 * for, so it can end its answer cleanly. */
void api_stream_catch_term(void);
bool api_stream_stopping(void);

/* The child's work; its return value is the child's exit status. */
typedef int (*api_stream_fn)(struct api_stream *s);

/* Writes all of buf: 0 or -errno (the client went away). */
int api_stream_write(struct api_stream *s, const void *buf, size_t len);
/* A whole answer (api_int.h's api_reply), saying Connection: close: the
 * process ends with it, so the client must not send another request on
 * the connection. 0 or -errno. */
struct api_reply;
int api_stream_reply(struct api_stream *s, const struct api_reply *r);

/* Answers with what PID 1 sends on fd (api_ctl_start's socket): a Status
 * when its first frame is an error, else (at once when it says
 * CTL_STARTED) a 200 of type with a chunked body of its stdout frames,
 * until it ends, the client leaves, the API stops or timeout_ms (-1:
 * none) pass; closes fd. 0 or -errno. */
int api_stream_relay(struct api_stream *s, int fd, const char *type, int timeout_ms);

#endif
