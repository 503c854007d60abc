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

#endif
