/* ctl_proto.h - the control socket's wire format, written once: the
 * server (ctl.c), podctl (ctl_client.c) and the console use it.
 *
 * Request: the head "PODCTL1 <len>\n", then len bytes of NUL-terminated
 * arguments (podctl's own argv; apply sends the file's text as one).
 * Answer: frames of one byte stream (CTL_STDOUT, CTL_STDERR, CTL_STARTED, CTL_EXIT),
 * a 4-byte big-endian length and the bytes; the exit frame holds the
 * status in one byte and ends the answer. */
#ifndef PODINIT_CTL_PROTO_H
#define PODINIT_CTL_PROTO_H

#include <stddef.h>

#define CTL_HEAD_MAX 32     /* a request head, with its newline */
#define CTL_FRAME_HEAD 5    /* stream byte and length */
#define CTL_FRAME_MAX 65536 /* bytes in one frame: longer output is split */
#define CTL_ARGS_MAX 64     /* arguments of one request, the NULL included */

/* CTL_STARTED (no bytes): exec's process runs (what follows is its exit),
 * a watch is set (what follows are its changes) */
enum { CTL_STDOUT = '1', CTL_STDERR = '2', CTL_EXIT = 'x', CTL_STARTED = 's' };

/* The head for a body of len bytes into out; its length. */
size_t ctl_req_head(char out[CTL_HEAD_MAX], size_t len);
/* A head line with its newline replaced by NUL: the body length, 0 when
 * malformed, empty or longer than max. */
size_t ctl_req_parse_head(const char *line, size_t max);
/* Splits a NUL-terminated body into argv (CTL_ARGS_MAX - 1 at most,
 * NULL-ended); returns argc. */
int ctl_req_args(char *body, size_t len, char *argv[CTL_ARGS_MAX]);
/* One frame into out (len + CTL_FRAME_HEAD bytes); returns its size. */
size_t ctl_frame(char *out, char stream, const char *data, size_t len);
/* The body length a frame head announces. */
size_t ctl_frame_len(const unsigned char head[CTL_FRAME_HEAD]);

/* Sends buf (a request's head) with three fds passed along (SCM_RIGHTS:
 * exec's stdin, stdout, stderr). 0 or -errno. */
int ctl_send_with_fds(int sock, const void *buf, size_t len, const int fds[3]);

#endif
