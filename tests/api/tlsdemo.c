/* tlsdemo.c - the api layer's TLS over an epoll loop, as kubectl sees it
 * (tests/api/run.sh drives it).
 *
 *   tlsdemo creds DIR ADDR...      make what is missing/stale; prints "made: ca server token"
 *   tlsdemo serve DIR PORT         HTTPS on 127.0.0.1:PORT (0: any free port; prints "port N")
 *
 * GET /version with "Authorization: Bearer <DIR/token>" answers the version
 * JSON; any other request with the token: 404; without it: 401 with a
 * Kubernetes Status. A request body (Content-Length) is read and counted:
 * POST /upload answers {"received":N}. Connections are kept alive. After each
 * connection, a line on stderr says the memory it took: "mem: peak P
 * established E" (bytes mbedTLS held above the server's own, at the
 * handshake's peak and once established). SIGTERM ends it. */
#include "tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define HDR_MAX 8192

static const char VERSION_JSON[] = "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0\"}";
static const char UNAUTH_JSON[] = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
				  "\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}";
static const char NOTFOUND_JSON[] = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
				    "\"message\":\"the server could not find the requested resource\","
				    "\"reason\":\"NotFound\",\"code\":404}";

enum state { HANDSHAKE, HEADERS, BODY, WRITE, SHUTDOWN };

struct conn {
	int fd;
	enum state st;
	struct api_tls_conn *tls;
	char in[HDR_MAX];
	size_t in_len;
	unsigned long long body_left, body_total;
	int chunked, cstate; /* Transfer-Encoding: chunked: 0 size line, 1 data, 2 CRLF, 3 trailer */
	char cline[32];
	size_t cline_len;
	char method[8], path[128];
	int authed;
	char out[1024];
	size_t out_len, out_off;
	size_t mem_base, mem_est;
};

static char token[API_TOKEN_HEX + 1];
static struct api_tls *tls;
static int ep;
static volatile sig_atomic_t stop;

static void on_term(int s) { (void)s; stop = 1; }

static void conn_close(struct conn *c)
{
	struct api_tls_mem m;
	api_tls_mem(&m);
	fprintf(stderr, "mem: peak %zu established %zu\n", m.peak - c->mem_base, c->mem_est);
	api_tls_conn_free(c->tls);
	close(c->fd);
	free(c);
}

static void want(struct conn *c, int r)
{
	struct epoll_event ev = {.events = r == API_TLS_WANT_WRITE ? EPOLLOUT : EPOLLIN, .data.ptr = c};
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void respond(struct conn *c, int code, const char *reason, const char *body)
{
	c->out_len = (size_t)snprintf(c->out, sizeof c->out,
				      "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
				      "Cache-Control: no-cache, private\r\nContent-Length: %zu\r\n\r\n%s",
				      code, reason, strlen(body), body);
	c->out_off = 0;
	c->st = WRITE;
}

static void answer(struct conn *c)
{
	char body[128];
	char *q = strchr(c->path, '?'); /* kubectl asks for /version?timeout=32s */
	if (q)
		*q = 0;
	if (!c->authed)
		respond(c, 401, "Unauthorized", UNAUTH_JSON);
	else if (!strcmp(c->method, "GET") && !strcmp(c->path, "/version"))
		respond(c, 200, "OK", VERSION_JSON);
	else if (!strcmp(c->method, "POST") && !strcmp(c->path, "/upload")) {
		snprintf(body, sizeof body, "{\"received\":%llu}", c->body_total);
		respond(c, 200, "OK", body);
	} else
		respond(c, 404, "Not Found", NOTFOUND_JSON);
}

/* the request's line and headers are in c->in (up to "\r\n\r\n" at end) */
static int parse(struct conn *c, size_t end)
{
	c->in[end] = 0;
	char *save, *line = strtok_r(c->in, "\r\n", &save);
	if (!line || sscanf(line, "%7s %127s", c->method, c->path) != 2)
		return -1;
	c->authed = 0;
	c->chunked = 0;
	c->body_left = c->body_total = 0;
	while ((line = strtok_r(NULL, "\r\n", &save))) {
		if (!strncasecmp(line, "authorization:", 14)) {
			const char *v = line + 14;
			while (*v == ' ')
				v++;
			if (!strncasecmp(v, "Bearer ", 7))
				c->authed = api_token_equal(token, v + 7, strlen(v + 7));
		} else if (!strncasecmp(line, "content-length:", 15)) {
			c->body_left = c->body_total = strtoull(line + 15, NULL, 10);
		} else if (!strncasecmp(line, "transfer-encoding:", 18) && strcasestr(line + 18, "chunked")) {
			c->chunked = 1;
			c->cstate = 0;
			c->cline_len = 0;
		}
	}
	return 0;
}

/* eats a chunked body from c->in; 1 at its end, -1 if malformed */
static int dechunk(struct conn *c)
{
	size_t i = 0;
	int done = 0;
	while (i < c->in_len && !done) {
		char ch = c->in[i];
		switch (c->cstate) {
		case 0:
		case 3:
			i++;
			if (ch == '\r')
				break;
			if (ch != '\n') {
				if (c->cline_len >= sizeof c->cline - 1)
					return -1;
				c->cline[c->cline_len++] = ch;
				break;
			}
			c->cline[c->cline_len] = 0;
			if (c->cstate == 3) {
				done = c->cline_len == 0;
			} else {
				c->body_left = strtoull(c->cline, NULL, 16);
				c->cstate = c->body_left ? 1 : 3;
			}
			c->cline_len = 0;
			break;
		case 1: {
			size_t take = c->in_len - i < c->body_left ? c->in_len - i : (size_t)c->body_left;
			i += take;
			c->body_left -= take;
			c->body_total += take;
			if (!c->body_left)
				c->cstate = 2;
			break;
		}
		case 2:
			i++;
			if (ch == '\n')
				c->cstate = 0;
			break;
		}
	}
	memmove(c->in, c->in + i, c->in_len - i);
	c->in_len -= i;
	return done;
}

/* runs a connection as far as it goes; 1 when it is done */
static int step(struct conn *c)
{
	for (;;) {
		ssize_t r = 0;
		switch (c->st) {
		case HANDSHAKE:
			r = api_tls_handshake(c->tls);
			if (r == 0) {
				struct api_tls_mem m;
				api_tls_mem(&m);
				c->mem_est = m.in_use - c->mem_base;
				c->st = HEADERS;
				continue;
			}
			break;
		case HEADERS: {
			char *e = c->in_len >= 4 ? memmem(c->in, c->in_len, "\r\n\r\n", 4) : NULL;
			if (e) {
				size_t end = (size_t)(e - c->in) + 4, rest = c->in_len - end;
				char tail[HDR_MAX];
				memcpy(tail, c->in + end, rest);
				if (parse(c, end - 2))
					return 1;
				memcpy(c->in, tail, rest);
				c->in_len = rest;
				c->st = BODY;
				continue;
			}
			if (c->in_len >= HDR_MAX - 1)
				return 1;
			r = api_tls_read(c->tls, c->in + c->in_len, HDR_MAX - 1 - c->in_len);
			if (r > 0) {
				c->in_len += (size_t)r;
				continue;
			}
			if (r == 0)
				return 1;
			break;
		}
		case BODY: {
			if (c->chunked) {
				int d = dechunk(c);
				if (d < 0)
					return 1;
				if (d) {
					answer(c);
					continue;
				}
				goto more;
			}
			size_t take = c->in_len < c->body_left ? c->in_len : (size_t)c->body_left;
			c->body_left -= take;
			memmove(c->in, c->in + take, c->in_len - take);
			c->in_len -= take;
			if (!c->body_left) {
				answer(c);
				continue;
			}
		more:
			r = api_tls_read(c->tls, c->in, sizeof c->in);
			if (r > 0) {
				c->in_len = (size_t)r;
				continue;
			}
			if (r == 0)
				return 1;
			break;
		}
		case WRITE:
			if (c->out_off == c->out_len) {
				c->st = HEADERS; /* keep-alive */
				continue;
			}
			r = api_tls_write(c->tls, c->out + c->out_off, c->out_len - c->out_off);
			if (r > 0) {
				c->out_off += (size_t)r;
				continue;
			}
			break;
		case SHUTDOWN:
			return 1;
		}
		if (r == API_TLS_WANT_READ || r == API_TLS_WANT_WRITE) {
			want(c, (int)r);
			return 0;
		}
		if (r < 0 && c->st == HANDSHAKE)
			fprintf(stderr, "tlsdemo: handshake: %s (mbedTLS -0x%04x)\n", strerror((int)-r),
				(unsigned)-api_tls_last_error(c->tls));
		else if (r < 0)
			fprintf(stderr, "tlsdemo: connection: %s (mbedTLS -0x%04x)\n", strerror((int)-r),
				(unsigned)-api_tls_last_error(c->tls));
		return 1;
	}
}

static int serve(const char *dir, int port)
{
	int rc = api_token_read(dir, token);
	if (!rc)
		rc = api_tls_open(&tls, dir);
	if (rc) {
		fprintf(stderr, "tlsdemo: %s: %s\n", dir, strerror(-rc));
		return 1;
	}
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t sl = sizeof sa;
	if (bind(ls, (struct sockaddr *)&sa, sizeof sa) || listen(ls, 16) ||
	    getsockname(ls, (struct sockaddr *)&sa, &sl)) {
		perror("tlsdemo: listen");
		return 1;
	}
	struct api_tls_mem m;
	api_tls_mem(&m);
	printf("port %d\nmem: server %zu\n", ntohs(sa.sin_port), m.in_use);
	fflush(stdout);
	ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
	epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	while (!stop) {
		struct epoll_event evs[16];
		int n = epoll_wait(ep, evs, 16, -1);
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (!c) {
				int fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
				if (fd < 0)
					continue;
				c = calloc(1, sizeof *c);
				c->fd = fd;
				api_tls_mem_reset_peak();
				api_tls_mem(&m);
				c->mem_base = m.in_use;
				if (api_tls_conn_new(tls, fd, &c->tls)) {
					close(fd);
					free(c);
					continue;
				}
				ev = (struct epoll_event){.events = EPOLLIN, .data.ptr = c};
				epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
			}
			if (step(c))
				conn_close(c);
		}
	}
	api_tls_free(tls);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "creds")) {
		unsigned made = 0;
		int rc = api_creds_ensure(argv[2], (const char *const *)argv + 3, (size_t)argc - 3, &made);
		if (rc) {
			fprintf(stderr, "tlsdemo: creds %s: %s\n", argv[2], strerror(-rc));
			return 1;
		}
		printf("made:%s%s%s\n", made & API_MADE_CA ? " ca" : "", made & API_MADE_SERVER ? " server" : "",
		       made & API_MADE_TOKEN ? " token" : "");
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "serve"))
		return serve(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: tlsdemo creds DIR ADDR... | tlsdemo serve DIR PORT\n");
	return 2;
}
