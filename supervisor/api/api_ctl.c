/* api_ctl.c - podctl's request and framed answer (ctl_proto.h), blocking
 * with a time limit: PID 1 answers from memory at once, never waits. */
#include "api_ctl.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include "ctl_proto.h"
#include "lim.h"

static int io_all(int fd, char *p, size_t n, bool out)
{
	while (n) {
		ssize_t r = out ? send(fd, p, n, MSG_NOSIGNAL) : read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -ECONNRESET;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int api_ctl_start(const char *sock, const char *const *argv)
{
	return api_ctl_start_fds(sock, argv, NULL);
}

int api_ctl_start_fds(const char *sock, const char *const *argv, const int *fds)
{
	size_t len = 0;
	for (int i = 0; argv[i]; i++)
		len += strlen(argv[i]) + 1;
	if (len > LIM_CTL_REQUEST)
		return -E2BIG;
	char *body = malloc(len ? len : 1), *p = body;
	if (!body)
		return -ENOMEM;
	for (int i = 0; argv[i]; i++)
		p = stpcpy(p, argv[i]) + 1;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = {.tv_sec = 10};
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int rc = -errno;
		if (fd >= 0)
			close(fd);
		free(body);
		return rc;
	}
	char head[CTL_HEAD_MAX];
	size_t hl = ctl_req_head(head, len);
	int rc = fds ? ctl_send_with_fds(fd, head, hl, fds) : io_all(fd, head, hl, true);
	if (!rc)
		rc = io_all(fd, body, len, true);
	free(body);
	if (rc) {
		close(fd);
		return rc;
	}
	return fd;
}

int api_ctl_frame(int fd, char *stream, char *buf, size_t max, size_t *len)
{
	unsigned char h[CTL_FRAME_HEAD];
	int rc = io_all(fd, (char *)h, sizeof h, false);
	size_t n = rc ? 0 : ctl_frame_len(h);
	if (rc)
		return rc;
	if (n > max)
		return -E2BIG;
	*stream = (char)h[0];
	*len = n;
	return io_all(fd, buf, n, false);
}

void api_ctl_call(const char *sock, const char *const *argv, struct api_answer *a)
{
	memset(a, 0, sizeof *a);
	int fd = api_ctl_start(sock, argv);
	if (fd < 0) {
		a->status = fd;
		return;
	}
	int rc = 0;
	size_t cap = 0, errn = 0;
	while (!rc) {
		unsigned char h[CTL_FRAME_HEAD];
		rc = io_all(fd, (char *)h, sizeof h, false);
		size_t n = rc ? 0 : ctl_frame_len(h);
		if (rc || n > CTL_FRAME_MAX)
			break;
		if (a->out_len + n > LIM_CTL_RESPONSE) {
			rc = -E2BIG;
			break;
		}
		if (a->out_len + n + 1 > cap) {
			size_t ncap = (a->out_len + n + 1) * 2;
			char *p = realloc(a->out, ncap);
			if (!p) {
				rc = -ENOMEM;
				break;
			}
			a->out = p;
			cap = ncap;
		}
		char *dst = a->out + a->out_len;
		rc = io_all(fd, dst, n, false);
		if (rc)
			break;
		if (h[0] == CTL_EXIT) {
			a->status = n ? (unsigned char)dst[0] : 1;
			break;
		}
		if (h[0] == CTL_STDERR) {
			size_t k = n < sizeof a->err - 1 - errn ? n : sizeof a->err - 1 - errn;
			memcpy(a->err + errn, dst, k);
			errn += k;
			a->err[errn] = 0;
		} else {
			a->out_len += n;
		}
	}
	close(fd);
	if (rc)
		a->status = rc;
	if (!a->out) {
		a->out = malloc(1);
		a->out_len = 0;
	}
	if (a->out)
		a->out[a->out_len] = 0;
}
