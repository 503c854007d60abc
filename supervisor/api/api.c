/* api.c - the API process: credentials, kubeconfig, the listening
 * socket and its TLS connections in one epoll loop.
 *
 * Each connection is stepped as far as it goes (handshake, read a
 * request, answer, next request) and parks on WANT_READ/WANT_WRITE, so a
 * slow client never stalls another. Bounds: API_CONNS connections,
 * requests as http.h bounds them, an idle connection closed after
 * API_IDLE_S seconds (the only timer, armed only while connections exist). */
#include "api.h"
#include "api_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "state.h"

#define API_CONNS 32
#define API_IDLE_S 120

struct conn {
	int fd;
	struct api_tls *cfg; /* the credentials it was accepted with */
	struct api_tls_conn *tls;
	bool established, close_after;
	struct http_req req;
	struct api_reply out;
	size_t out_off;
	time_t last;
};

static int epfd = -1, listen_fd = -1;
static volatile sig_atomic_t streams; /* stream processes running */
static volatile pid_t stream_pids[API_STREAMS]; /* theirs, 0 once reaped */
static struct conn *conns[API_CONNS];
static volatile sig_atomic_t stop;

/* The certificate's addresses. Listening on 0.0.0.0 it names every
 * address of the device; when a connection comes to one it does not name
 * (DHCP gave a new one), new credentials are made before its handshake
 * and serve the connections from then on (a connection keeps the ones it
 * began with: those are freed with the last of them). */
static struct creds {
	char dir[4096], host[64];
	char addrs[API_MAX_ADDRS][INET6_ADDRSTRLEN];
	size_t n;
	struct api_tls *tls;
	time_t checked; /* at most one renewal a second, whatever the clients do */
} creds;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void on_child(int sig)
{
	(void)sig;
	int e = errno;
	pid_t pid;
	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0) {
		streams--;
		for (int i = 0; i < API_STREAMS; i++)
			if (stream_pids[i] == pid)
				stream_pids[i] = 0; /* never signalled again: its pid may be reused */
	}
	errno = e;
}

/* forget: the connection went to a stream's process, which ends its TLS */
static void conn_free(struct conn *c, bool forget)
{
	for (int i = 0; i < API_CONNS; i++)
		if (conns[i] == c)
			conns[i] = NULL;
	if (c->established && !forget)
		api_tls_shutdown(c->tls); /* close_notify, best effort: the socket is non-blocking */
	api_tls_conn_free(c->tls);
	bool used = c->cfg == creds.tls;
	for (int i = 0; i < API_CONNS && !used; i++)
		used = conns[i] && conns[i]->cfg == c->cfg;
	if (!used) /* older credentials, their last connection */
		api_tls_free(c->cfg);
	/* before close: a stream's process holds the same socket open, and
	 * epoll would go on reporting it for a connection freed here */
	epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	http_free(&c->req);
	free(c->out.buf);
	free(c);
}

static void conn_close(struct conn *c)
{
	conn_free(c, false);
}

/* The request is answered by a process of its own (api_stream.h): 1 when
 * the connection went to it, 0 when refused (the answer says why). */
static int stream_start(struct conn *c, const struct api *a)
{
	api_stream_fn fn = c->out.stream;
	c->out.stream = NULL;
	pid_t pid = streams >= API_STREAMS ? -2 : fork();
	if (pid < 0) {
		api_status(&c->out, 429, "TooManyRequests", pid == -2 ? "too many watches, logs -f and exec at once"
								      : "cannot start a stream");
		c->close_after = true;
		return 0;
	}
	if (pid > 0) {
		for (int i = 0; i < API_STREAMS; i++)
			if (stream_pids[i] <= 0) {
				stream_pids[i] = pid;
				break;
			}
		streams++;
		conn_free(c, true);
		return 1;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	signal(SIGCHLD, SIG_DFL);
	api_stream_catch_term();
	close(listen_fd);
	close(epfd);
	for (int i = 0; i < API_CONNS; i++)
		if (conns[i] && conns[i] != c)
			close(conns[i]->fd);
	struct api_stream s = {.tls = c->tls, .fd = c->fd, .api = a, .req = &c->req};
	int rc = fn(&s);
	api_tls_shutdown(c->tls);
	_exit(rc);
}

static void want(struct conn *c, int what)
{
	struct epoll_event ev = {.events = what == API_TLS_WANT_WRITE ? EPOLLOUT : EPOLLIN, .data.ptr = c};
	epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static void answer(struct conn *c, const struct api *a, int rc)
{
	if (rc == HTTP_DONE) {
		api_route(&c->out, a, &c->req);
		c->close_after = !c->req.keep_alive;
		if (c->req.method == HTTP_HEAD) { /* the head only */
			char *end = c->out.buf ? strstr(c->out.buf, "\r\n\r\n") : NULL;
			if (end)
				c->out.len = (size_t)(end + 4 - c->out.buf);
		}
	} else {
		api_status(&c->out, rc > 0 ? rc : 500, "BadRequest", api_reason(rc > 0 ? rc : 500));
		c->close_after = true;
	}
	c->out_off = 0;
}

/* 1 when the connection is to be closed, 2 when it went to a stream */
static int step(struct conn *c, const struct api *a)
{
	char buf[16384];
	for (;;) {
		ssize_t r;
		if (c->out.stream) {
			if (stream_start(c, a))
				return 2;
			continue;
		}
		if (!c->established) {
			r = api_tls_handshake(c->tls);
			if (r == 0) {
				c->established = true;
				continue;
			}
		} else if (c->out.len) {
			if (c->out_off < c->out.len) {
				r = api_tls_write(c->tls, c->out.buf + c->out_off, c->out.len - c->out_off);
				if (r > 0) {
					c->out_off += (size_t)r;
					continue;
				}
			} else {
				free(c->out.buf);
				c->out = (struct api_reply){0};
				if (c->close_after)
					return 1;
				http_reset(&c->req);
				int rc = http_feed(&c->req, "", 0); /* the next request may be here */
				if (rc != HTTP_MORE)
					answer(c, a, rc);
				continue;
			}
		} else {
			r = api_tls_read(c->tls, buf, sizeof buf);
			if (r > 0) {
				c->last = time(NULL);
				int rc = http_feed(&c->req, buf, (size_t)r);
				if (rc != HTTP_MORE)
					answer(c, a, rc);
				continue;
			}
			if (r == 0)
				return 1;
		}
		if (r == API_TLS_WANT_READ || r == API_TLS_WANT_WRITE) {
			want(c, (int)r);
			return 0;
		}
		if (r < 0 && !c->established && api_tls_last_error(c->tls))
			fprintf(stderr, "podinit-api: a TLS handshake failed (mbedTLS -0x%04x)\n",
				(unsigned)-api_tls_last_error(c->tls));
		return 1;
	}
}

/* addrs to name in the certificate: the one listened on, or every
 * address of the device for 0.0.0.0; 127.0.0.1 always */
static size_t cert_addrs(const char *host, char (*out)[INET6_ADDRSTRLEN], size_t max)
{
	size_t n = 0;
	snprintf(out[n++], INET6_ADDRSTRLEN, "127.0.0.1");
	if (strcmp(host, "0.0.0.0")) {
		if (strcmp(host, "127.0.0.1"))
			snprintf(out[n++], INET6_ADDRSTRLEN, "%.45s", host);
		return n;
	}
	struct ifaddrs *ifs = NULL;
	if (getifaddrs(&ifs) == 0)
		for (struct ifaddrs *i = ifs; i && n < max; i = i->ifa_next)
			if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET) {
				char s[INET6_ADDRSTRLEN];
				inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, s, sizeof s);
				if (strcmp(s, "127.0.0.1"))
					snprintf(out[n++], INET6_ADDRSTRLEN, "%s", s);
			}
	freeifaddrs(ifs);
	return n;
}

static bool named(const struct creds *cr, int fd)
{
	struct sockaddr_in local;
	socklen_t len = sizeof local;
	char s[INET6_ADDRSTRLEN];
	if (strcmp(cr->host, "0.0.0.0") || getsockname(fd, (struct sockaddr *)&local, &len) ||
	    local.sin_family != AF_INET || !inet_ntop(AF_INET, &local.sin_addr, s, sizeof s))
		return true;
	for (size_t i = 0; i < cr->n; i++)
		if (!strcmp(cr->addrs[i], s))
			return true;
	return false;
}

/* New credentials for the device's addresses now; 0 or -errno (the old
 * ones stay). */
static int renew(struct creds *cr)
{
	char addrs[API_MAX_ADDRS][INET6_ADDRSTRLEN];
	const char *ap[API_MAX_ADDRS];
	size_t n = cert_addrs(cr->host, addrs, API_MAX_ADDRS);
	for (size_t i = 0; i < n; i++)
		ap[i] = addrs[i];
	struct api_tls *t = NULL;
	int rc = api_creds_ensure(cr->dir, ap, n, NULL);
	if (!rc)
		rc = api_tls_open(&t, cr->dir);
	if (rc)
		return rc;
	bool used = false;
	for (int i = 0; i < API_CONNS && !used; i++)
		used = conns[i] && conns[i]->cfg == cr->tls;
	if (!used)
		api_tls_free(cr->tls);
	cr->tls = t;
	memcpy(cr->addrs, addrs, sizeof addrs);
	cr->n = n;
	fprintf(stderr, "podinit-api: the device's addresses changed: a new certificate names them\n");
	return 0;
}

static void base64(const unsigned char *in, size_t n, FILE *f)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) |
			     (i + 2 < n ? in[i + 2] : 0);
		fputc(t[v >> 18 & 63], f);
		fputc(t[v >> 12 & 63], f);
		fputc(i + 1 < n ? t[v >> 6 & 63] : '=', f);
		fputc(i + 2 < n ? t[v & 63] : '=', f);
	}
}

/* RUN/kubeconfig, 0600: what kubectl needs to reach this API */
static int write_kubeconfig(const char *run, const char *dir, const char *server, const char *token)
{
	char ca[8192];
	size_t n;
	int cfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = cfd < 0 ? -errno : state_read(cfd, "ca.crt", ca, sizeof ca, &n);
	if (cfd >= 0)
		close(cfd);
	if (rc)
		return rc;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return -ENOMEM;
	fprintf(f, "apiVersion: v1\nkind: Config\nclusters:\n- name: podinit\n  cluster:\n    server: %s\n"
		   "    certificate-authority-data: ",
		server);
	base64((const unsigned char *)ca, n, f);
	fprintf(f, "\nusers:\n- name: podinit\n  user:\n    token: %s\ncontexts:\n- name: podinit\n  context:\n"
		   "    cluster: podinit\n    user: podinit\n    namespace: default\ncurrent-context: podinit\n",
		token);
	fclose(f);
	int dfd = open(run, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rc = dfd < 0 ? -errno : state_write(dfd, "kubeconfig", text, len, 0600);
	if (dfd >= 0)
		close(dfd);
	free(text);
	return rc;
}

/* No capability is needed to serve a port above 1024 and to read root's
 * 0600 files as root: drop them all, and never gain any again. */
static void drop_privileges(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {{0}};
	for (int c = 0; c <= 63; c++)
		prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
	syscall(SYS_capset, &h, d);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* the keys are in this memory */
}

static int serve(int ls, const struct api *a)
{
	listen_fd = ls;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
	if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, ls, &ev) < 0)
		return 1;
	while (!stop) {
		bool any = false;
		for (int i = 0; i < API_CONNS; i++)
			any |= conns[i] != NULL;
		struct epoll_event evs[16];
		int n = epoll_wait(epfd, evs, 16, any ? 10000 : -1);
		time_t now = time(NULL);
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (!c) {
				int fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
				int slot = -1;
				for (int k = 0; k < API_CONNS && slot < 0; k++)
					if (!conns[k])
						slot = k;
				if (fd >= 0 && slot < 0) { /* full: the newest waits elsewhere */
					close(fd);
					continue;
				}
				if (fd < 0 || !(c = calloc(1, sizeof *c))) {
					if (fd >= 0)
						close(fd);
					continue;
				}
				if (!named(&creds, fd) && now != creds.checked) {
					creds.checked = now;
					int e = renew(&creds);
					if (e)
						fprintf(stderr, "podinit-api: a new certificate: %s\n", strerror(-e));
				}
				/* an answer is a few small TLS records: sent as they are
				 * written, not held for the client's (delayed) ACK */
				int one = 1;
				setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
				c->fd = fd;
				c->last = now;
				c->cfg = creds.tls;
				http_init(&c->req);
				if (api_tls_conn_new(creds.tls, fd, &c->tls)) {
					close(fd);
					free(c);
					continue;
				}
				conns[slot] = c;
				ev = (struct epoll_event){.events = EPOLLIN, .data.ptr = c};
				epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
			}
			int rc = step(c, a);
			if (rc == 1)
				conn_close(c);
		}
		for (int i = 0; i < API_CONNS; i++)
			if (conns[i] && now - conns[i]->last > API_IDLE_S)
				conn_close(conns[i]);
	}
	return 0;
}

int api_main(int argc, char **argv)
{
	const char *listen_at = "127.0.0.1:6443", *run = "/run/podinit", *data = "/var/lib/podinit";
	for (int i = 1; i + 1 < argc; i++) {
		if (!strcmp(argv[i], "--listen"))
			listen_at = argv[++i];
		else if (!strcmp(argv[i], "--run"))
			run = argv[++i];
		else if (!strcmp(argv[i], "--data"))
			data = argv[++i];
	}
	char host[64];
	const char *colon = strrchr(listen_at, ':');
	long port = colon ? strtol(colon + 1, NULL, 10) : 0;
	if (!colon || (size_t)(colon - listen_at) >= sizeof host || port <= 0 || port > 65535) {
		fprintf(stderr, "podinit-api: --listen takes ADDR:PORT (got %s)\n", listen_at);
		return 2;
	}
	memcpy(host, listen_at, (size_t)(colon - listen_at));
	host[colon - listen_at] = 0;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		fprintf(stderr, "podinit-api: %s is not an IPv4 address\n", host);
		return 2;
	}
	struct api a = {0};
	snprintf(a.sock, sizeof a.sock, "%s/podinit.sock", run);
	char *dir = creds.dir;
	snprintf(creds.dir, sizeof creds.dir, "%s/api", data);
	snprintf(creds.host, sizeof creds.host, "%s", host);
	const char *ap[API_MAX_ADDRS];
	creds.n = cert_addrs(host, creds.addrs, API_MAX_ADDRS);
	for (size_t i = 0; i < creds.n; i++)
		ap[i] = creds.addrs[i];
	int rc = state_mkdir_p(data, 0755);
	if (!rc)
		rc = api_creds_ensure(dir, ap, creds.n, NULL);
	if (!rc)
		rc = api_token_read(dir, a.token);
	if (!rc)
		rc = api_tls_open(&creds.tls, dir);
	if (rc) {
		fprintf(stderr, "podinit-api: credentials under %s: %s\n", dir, strerror(-rc));
		return 1;
	}
	char server[128];
	snprintf(server, sizeof server, "https://%s:%ld", strcmp(host, "0.0.0.0") ? host : "127.0.0.1", port);
	if ((rc = write_kubeconfig(run, dir, server, a.token)))
		fprintf(stderr, "podinit-api: cannot write %s/kubeconfig: %s\n", run, strerror(-rc));
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(ls, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(ls, 16) < 0) {
		fprintf(stderr, "podinit-api: cannot listen on %s: %s\n", listen_at, strerror(errno));
		return 1;
	}
	/* TLS memory bounded as a whole: every connection's buffers and
	 * handshakes (docs/api.md) */
	api_tls_mem_set_limit(API_CONNS * 48 * 1024);
	drop_privileges();
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sc = {.sa_handler = on_child, .sa_flags = SA_NOCLDSTOP};
	sigaction(SIGCHLD, &sc, NULL);
	fprintf(stderr, "podinit-api: serving %s (kubeconfig: %s/kubeconfig)\n", server, run);
	rc = serve(ls, &a);
	/* stopping: each stream ends its answer (a watch its last chunk, so
	 * kubectl get -w ends cleanly), within 2 s; they die with us anyway */
	signal(SIGCHLD, SIG_DFL);
	for (int i = 0; i < API_STREAMS; i++)
		if (stream_pids[i] > 0)
			kill(stream_pids[i], SIGTERM);
	alarm(2);
	while (waitpid(-1, NULL, 0) > 0)
		;
	api_tls_free(creds.tls);
	return rc;
}
