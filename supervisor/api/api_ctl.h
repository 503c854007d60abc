/* api_ctl.h - one podctl command from the API process to PID 1, over the
 * control socket: the API holds no state of its own, PID 1 answers as it
 * answers podctl and the console (one source of truth). */
#ifndef PODINIT_API_CTL_H
#define PODINIT_API_CTL_H

#include <stddef.h>

struct api_answer {
	char *out;      /* stdout, NUL-terminated (malloc'd) */
	size_t out_len;
	char err[512];  /* the start of stderr */
	int status;     /* podctl's exit status; -errno when PID 1 could not be asked */
};

/* Runs argv (NULL-ended) at the socket; the answer in *a (free a->out). */
void api_ctl_call(const char *sock, const char *const *argv, struct api_answer *a);

/* A command whose answer is read frame by frame (logs -f, events -f): the
 * connected socket with the request sent, or -errno. */
int api_ctl_start(const char *sock, const char *const *argv);
/* The same, passing fds[0..2] with the request (exec's stdin, stdout,
 * stderr: PID 1 keeps copies). */
int api_ctl_start_fds(const char *sock, const char *const *argv, const int *fds);
/* One answer frame (ctl_proto.h) into buf: *stream is CTL_STDOUT,
 * CTL_STDERR or CTL_EXIT, *len its bytes. 0 or -errno (-E2BIG: longer than
 * max). Blocks up to the socket's 10 s time limit (-EAGAIN then). */
int api_ctl_frame(int fd, char *stream, char *buf, size_t max, size_t *len);

#endif
