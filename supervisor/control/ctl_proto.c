/* ctl_proto.c - the control socket's wire format (ctl_proto.h). */
#include "ctl_proto.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define MAGIC "PODCTL1 "

size_t ctl_req_head(char out[CTL_HEAD_MAX], size_t len)
{
	int n = snprintf(out, CTL_HEAD_MAX, MAGIC "%zu\n", len);
	return n < 0 ? 0 : (size_t)n;
}

size_t ctl_req_parse_head(const char *line, size_t max)
{
	if (strncmp(line, MAGIC, strlen(MAGIC)))
		return 0;
	const char *digits = line + strlen(MAGIC);
	if (*digits < '0' || *digits > '9')
		return 0;
	char *end;
	unsigned long len = strtoul(digits, &end, 10);
	return *end || len > max ? 0 : (size_t)len;
}

int ctl_req_args(char *body, size_t len, char *argv[CTL_ARGS_MAX])
{
	int argc = 0;
	for (size_t off = 0; off < len && argc < CTL_ARGS_MAX - 1;) {
		argv[argc++] = body + off;
		off += strnlen(body + off, len - off) + 1;
	}
	argv[argc] = NULL;
	return argc;
}

size_t ctl_frame(char *out, char stream, const char *data, size_t len)
{
	out[0] = stream;
	out[1] = (char)(len >> 24);
	out[2] = (char)(len >> 16);
	out[3] = (char)(len >> 8);
	out[4] = (char)len;
	memcpy(out + CTL_FRAME_HEAD, data, len);
	return len + CTL_FRAME_HEAD;
}

size_t ctl_frame_len(const unsigned char head[CTL_FRAME_HEAD])
{
	return (size_t)head[1] << 24 | (size_t)head[2] << 16 | (size_t)head[3] << 8 | head[4];
}

int ctl_send_with_fds(int sock, const void *buf, size_t len, const int fds[3])
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(3 * sizeof(int))];
	} u;
	memset(&u, 0, sizeof u);
	struct iovec iov = {(void *)buf, len};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(3 * sizeof(int));
	memcpy(CMSG_DATA(c), fds, 3 * sizeof(int));
	ssize_t n;
	do
		n = sendmsg(sock, &m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : n < 0 ? -errno : -EIO;
}
