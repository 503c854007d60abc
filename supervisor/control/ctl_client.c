/* ctl_client.c - podctl: sends its arguments to podinit's control socket
 * and copies the framed answer to stdout and stderr.
 *
 * `apply -f FILE` (or `-f -`) sends the file's text, so the supervisor
 * validates and writes it itself. Exit: what the server says; 1 when the
 * server cannot be reached or the answer breaks off; 2 for usage. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "ctl.h"
#include "ctl_proto.h"
#include "lim.h"

static int usage(void)
{
	fputs("usage: podctl [--socket PATH] COMMAND [FLAGS]   (podctl COMMAND --help)\n"
	      "  get pods [NAME] [-o wide|json|yaml|name] [-l SELECTOR] [-n NS|-A]\n"
	      "  describe pod NAME                 logs POD [-c CONTAINER] [-f] [-p] [--tail N]\n"
	      "  apply -f FILE|-                   delete KIND NAME [--grace-period N|--now] [--force]\n"
	      "  exec POD [-c CONTAINER] -- COMMAND [ARGS...]\n"
	      "  events [-f] [-o json]             top [pods]\n"
	      "  wait --healthy [--timeout DUR]    reboot | poweroff\n"
	      "  ota status [-o json]              version\n",
	      stderr);
	return 2;
}

static char *read_all(const char *path, size_t *len)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0)
		return NULL;
	size_t cap = LIM_MANIFEST_BYTES + 1, n = 0;
	char *buf = malloc(cap + 1);
	while (buf && n < cap) {
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	if (fd)
		close(fd);
	if (buf && n > LIM_MANIFEST_BYTES) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	if (buf)
		buf[n] = 0;
	*len = n;
	return buf;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = fd > 2 ? send(fd, p, n, MSG_NOSIGNAL) : write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_full(int fd, char *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* The request body being built: NUL-terminated arguments. */
struct req {
	char *buf;
	size_t len, cap;
};

static int req_add(struct req *r, const char *arg)
{
	size_t l = strlen(arg) + 1;
	if (r->len + l > r->cap) {
		size_t cap = (r->len + l) * 2;
		char *p = realloc(r->buf, cap);
		if (!p)
			return -ENOMEM; /* r->buf stays the caller's to free */
		r->buf = p;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, arg, l);
	r->len += l;
	return 0;
}

/* apply's -f FILE, --filename FILE, -fFILE, --filename=FILE: the file,
 * or NULL for any other argument (*k moves past a separate value). */
static const char *apply_file(int argc, char **argv, int *k, bool *missing)
{
	const char *a = argv[*k];
	*missing = false;
	if (!strcmp(a, "-f") || !strcmp(a, "--filename")) {
		if (*k + 1 >= argc) {
			*missing = true;
			return NULL;
		}
		return argv[++*k];
	}
	if (!strncmp(a, "--filename=", 11))
		return a + 11;
	if (!strncmp(a, "-f", 2) && a[2])
		return a + 2 + (a[2] == '=');
	return NULL;
}

/* Our arguments from argv[i] on, with apply's file replaced by its name
 * and text. 0, or the exit status after saying why. */
static int build_request(int argc, char **argv, int i, struct req *r)
{
	bool is_apply = !strcmp(argv[i], "apply"), have_file = false;
	for (int k = i; k < argc; k++) {
		bool missing;
		const char *file = is_apply ? apply_file(argc, argv, &k, &missing) : NULL;
		if (is_apply && missing) {
			fprintf(stderr, "error: flag needs an argument: %s\n", argv[k]);
			return 2;
		}
		if (!file) {
			if (req_add(r, argv[k]))
				goto nomem;
			continue;
		}
		if (have_file) {
			fputs("error: podctl apply takes one -f FILE\n", stderr);
			return 2;
		}
		have_file = true;
		size_t clen = 0;
		char *content = read_all(file, &clen);
		if (!content) {
			fprintf(stderr, "podctl: %s: %s\n", file, strerror(errno));
			return 1;
		}
		const char *base = strrchr(file, '/');
		char name[256];
		snprintf(name, sizeof name, "%s", strcmp(file, "-") ? (base ? base + 1 : file) : "-");
		int rc = req_add(r, "--name") || req_add(r, name) || req_add(r, "--content") ||
			 req_add(r, content);
		free(content);
		if (rc)
			goto nomem;
	}
	return 0;
nomem:
	fputs("podctl: out of memory\n", stderr);
	return 1;
}

/* Copies the framed answer to stdout and stderr; the exit frame's status. */
static int relay(int fd)
{
	char *buf = malloc(CTL_FRAME_MAX);
	for (;;) {
		unsigned char h[CTL_FRAME_HEAD];
		if (!buf || read_full(fd, (char *)h, sizeof h)) {
			fputs("podctl: the connection to podinit broke off\n", stderr);
			free(buf);
			return 1;
		}
		size_t n = ctl_frame_len(h);
		if (n > CTL_FRAME_MAX || read_full(fd, buf, n)) {
			fputs("podctl: malformed answer from podinit\n", stderr);
			free(buf);
			return 1;
		}
		if (h[0] == CTL_EXIT) {
			int code = n ? (unsigned char)buf[0] : 1;
			free(buf);
			return code;
		}
		if (h[0] == CTL_STARTED)
			continue;
		if (write_all(h[0] == CTL_STDERR ? 2 : 1, buf, n) && h[0] != CTL_STDERR) {
			free(buf);
			return 1; /* stdout closed (podctl logs -f | head) */
		}
	}
}

int ctl_client_main(int argc, char **argv)
{
	const char *sock = getenv("PODINIT_SOCKET");
	int i = 1;
	if (i + 1 < argc && !strcmp(argv[i], "--socket")) {
		sock = argv[i + 1];
		i += 2;
	}
	if (!sock || !*sock)
		sock = "/run/podinit/podinit.sock";
	if (i >= argc || !strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
		return usage();
	struct req r = {NULL, 0, 0};
	int rc = build_request(argc, argv, i, &r);
	if (rc) {
		free(r.buf);
		return rc;
	}
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		fprintf(stderr, "podctl: cannot reach podinit at %s: %s\n", sock, strerror(errno));
		free(r.buf);
		return 1;
	}
	char head[CTL_HEAD_MAX];
	size_t hl = ctl_req_head(head, r.len);
	/* exec: our stdin, stdout and stderr go with the request, for the command */
	static const int stdio[3] = {0, 1, 2};
	int sent = !strcmp(argv[i], "exec") ? ctl_send_with_fds(fd, head, hl, stdio) : write_all(fd, head, hl);
	if ((sent || write_all(fd, r.buf, r.len)) && errno != EPIPE &&
	    errno != ECONNRESET) {
		fprintf(stderr, "podctl: cannot send the request: %s\n", strerror(errno));
		free(r.buf);
		return 1;
	}
	/* a refused or busy server answers and closes before it reads all of
	 * the request: its answer is still there to read */
	free(r.buf);
	return relay(fd);
}
