/* action.c - exec, httpGet, tcpSocket and sleep handlers.
 *
 * Success is Kubernetes': exit status 0, an HTTP status from 200 to 399,
 * a TCP connection accepted. HTTP and TCP go to the pod's own address
 * (the kubelet's default host) from inside its network namespace, with
 * the kubelet's User-Agent. Exactly one `done` per run. */
#include "action.h"
#include "base.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "pod.h"
#include "sandbox.h"
#include "node.h"
#include "scan.h"


static struct loop *loop_of(struct action *a)
{
	return &a->c->pod->node->loop;
}

static void stop(struct action *a)
{
	struct loop *l = loop_of(a);
	if (loop_timer_armed(&a->timer))
		loop_timer_cancel(l, &a->timer);
	if (a->watch.fd >= 0) {
		loop_del(l, &a->watch);
		close(a->watch.fd); /* the socket, or the exec report pipe */
		if (a->proc.err_fd == a->watch.fd)
			a->proc.err_fd = -1;
		a->watch.fd = -1;
	}
	if (a->proc.sync_fd >= 0) {
		close(a->proc.sync_fd);
		a->proc.sync_fd = -1;
	}
	if (a->proc.pid > 0) {
		/* its exit is reaped by the supervisor and claimed by nobody */
		spawn_signal(&a->proc, SIGKILL);
		spawn_forget(&a->proc);
	}
	a->running = false;
}

static void finish(struct action *a, bool ok, const char *why)
{
	if (!a->running)
		return;
	stop(a);
	a->done(a, ok, why);
}

void action_cancel(struct action *a)
{
	if (a->running)
		stop(a);
}

static void on_timer(struct loop *l, struct loop_timer *t)
{
	struct action *a = container_of(t, struct action, timer);
	(void)l;
	if (a->sleep) {
		finish(a, true, NULL);
		return;
	}
	finish(a, false, a->buf[0] && !a->len ? a->buf : "timeout");
}

/* A failure known at once is reported from the loop, not from inside
 * action_run, so that callers never see their callback re-entered. */
static void fail_soon(struct action *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail_soon(struct action *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->buf, sizeof a->buf, fmt, ap);
	va_end(ap);
	a->len = 0;
	if (a->watch.fd >= 0) {
		loop_del(loop_of(a), &a->watch);
		close(a->watch.fd);
		a->watch.fd = -1;
	}
	loop_timer_at(loop_of(a), &a->timer, loop_now());
}

/* ---- exec ----------------------------------------------------------- */

static void on_exec_report(struct loop *l, struct loop_watch *w, uint32_t events)
{
	struct action *a = container_of(w, struct action, watch);
	struct spawn_error e;
	(void)events;
	int r = spawn_result(&a->proc, &e);
	if (r == -EAGAIN)
		return;
	loop_del(l, w);
	spawn_report_close(&a->proc);
	w->fd = -1;
	if (r == 1) {
		char why[160];
		snprintf(why, sizeof why, "%s: %s", spawn_step_name(e.step), strerror(e.err));
		finish(a, false, why);
	}
	/* else exec succeeded: the exit status decides */
}

bool action_child_exited(struct action *a, pid_t pid, int status)
{
	if (!a->running || a->proc.pid <= 0 || a->proc.pid != pid)
		return false;
	spawn_forget(&a->proc);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		finish(a, true, NULL);
	} else {
		char why[64];
		if (WIFSIGNALED(status))
			snprintf(why, sizeof why, "killed by signal %d", WTERMSIG(status));
		else
			snprintf(why, sizeof why, "exit status %d", WEXITSTATUS(status));
		finish(a, false, why);
	}
	return true;
}

int container_exec(struct container *c, char *const *argv, const int stdio[3], bool tty, struct spawn_proc *out)
{
	if (c->state != CS_RUNNING || c->proc.pidfd < 0)
		return -ESRCH;
	struct spawn_exec_req req = {
		.target_pidfd = c->proc.pidfd, .argv = argv, .envp = c->envp, .path = c->path,
		.cred = c->cred, .cgroup_fd = c->cg_live ? cg_fd_v2(&c->cg) : -1,
		.self_pidns = c->pod->node->self_pidns, .stdio = {stdio[0], stdio[1], stdio[2]}, .tty = tty};
	int e = spawn_exec_start(&req, out);
	if (e)
		return e;
	if (c->cg_live && req.cgroup_fd < 0)
		cg_attach(&c->cg, out->pid);
	spawn_release(out);
	return 0;
}

static void run_exec(struct action *a)
{
	const struct mf_val *cmd = a->exec->command.v;
	const char *argv[65];
	unsigned n = a->exec->command.n < 64 ? a->exec->command.n : 64;
	for (unsigned i = 0; i < n; i++)
		argv[i] = cmd[i].s;
	argv[n] = NULL;
	static const int none[3] = {-1, -1, -1};
	int e = container_exec(a->c, (char *const *)argv, none, false, &a->proc);
	if (e) {
		fail_soon(a, "cannot start: %s", strerror(-e));
		return;
	}
	a->watch.fd = a->proc.err_fd;
	a->watch.cb = on_exec_report;
	loop_add(loop_of(a), &a->watch, EPOLLIN);
}

/* ---- HTTP and TCP --------------------------------------------------- */

/* The default host of a probe or hook: the pod's address, or 127.0.0.1
 * inside its namespace when it has none (no pod network on this device). */
static const char *probe_host(const struct pod *p, char ip[16])
{
	return *pod_ip(p, ip) ? ip : "127.0.0.1";
}

static int port_number(const struct container *c, const struct mf_val *port)
{
	if (!port->s)
		return (int)port->i;
	const struct mf_port *p = c->spec->ports.v;
	for (uint32_t i = 0; i < c->spec->ports.n; i++)
		if (p[i].name.set && !strcmp(p[i].name.s, port->s))
			return (int)p[i].container_port.i;
	return -1;
}

static void on_socket(struct loop *l, struct loop_watch *w, uint32_t events)
{
	struct action *a = container_of(w, struct action, watch);
	if (!a->sent) {
		int err = 0;
		socklen_t len = sizeof err;
		if (getsockopt(w->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err) {
			char why[96];
			snprintf(why, sizeof why, "connect: %s", strerror(err));
			finish(a, false, why);
			return;
		}
		if (a->tcp) {
			finish(a, true, NULL);
			return;
		}
		const struct mf_http *h = a->http;
		char req[2048], ip[16];
		int n = snprintf(req, sizeof req,
				 "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: kube-probe/1.33\r\n"
				 "Accept: */*\r\nConnection: close\r\n",
				 h->path.s, h->host.set ? h->host.s : probe_host(a->c->pod, ip));
		const struct mf_http_header *hd = h->headers.v;
		for (uint32_t i = 0; i < h->headers.n && n > 0 && (size_t)n < sizeof req; i++)
			n += snprintf(req + n, sizeof req - (size_t)n, "%s: %s\r\n", hd[i].name.s,
				      hd[i].value.s);
		if (n < 0 || (size_t)n + 3 > sizeof req) {
			finish(a, false, "request too large");
			return;
		}
		memcpy(req + n, "\r\n", 3);
		n += 2;
		if (send(w->fd, req, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) != n) {
			finish(a, false, "cannot send the request");
			return;
		}
		a->sent = true;
		a->len = 0;
		loop_mod(l, w, EPOLLIN);
		return;
	}
	(void)events;
	ssize_t r = recv(w->fd, a->buf + a->len, sizeof a->buf - 1 - a->len, MSG_DONTWAIT);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r > 0)
		a->len += (size_t)r;
	a->buf[a->len] = 0;
	char *eol = strstr(a->buf, "\r\n");
	if (!eol && r > 0 && a->len < sizeof a->buf - 1)
		return; /* the status line is not complete yet */
	unsigned long minor, code;
	const char *s = a->buf;
	if (!(scan_lit(&s, "HTTP/1.") && scan_uint(&s, 1, 9, &minor) && scan_lit(&s, " ") &&
	      scan_uint(&s, 3, 999, &code))) {
		finish(a, false, "not an HTTP response");
		return;
	}
	char why[64];
	snprintf(why, sizeof why, "HTTP probe failed with statuscode: %lu", code);
	finish(a, code >= 200 && code < 400, why);
}

static void run_socket(struct action *a)
{
	struct container *c = a->c;
	const struct mf_val *port = a->http ? &a->http->port : &a->tcp->port;
	const struct mf_val *host = a->http ? &a->http->host : &a->tcp->host;
	int num = port_number(c, port);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)num)};
	char ip[16];
	const char *h = host->set ? host->s : probe_host(c->pod, ip);
	if (num <= 0 || num > 65535) {
		fail_soon(a, "no port %s", port->s ? port->s : "?");
		return;
	}
	if (inet_pton(AF_INET, h, &sa.sin_addr) != 1) {
		fail_soon(a, "host %s is not an IPv4 address", h);
		return;
	}
	int fd = sandbox_socket(c->pod);
	if (fd < 0) {
		fail_soon(a, "socket: %s", strerror(-fd));
		return;
	}
	a->watch.fd = fd;
	a->watch.cb = on_socket;
	a->sent = false;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS) {
		fail_soon(a, "connect: %s", strerror(errno));
		return;
	}
	loop_add(loop_of(a), &a->watch, EPOLLOUT);
}

void action_run(struct action *a, uint64_t timeout_ns)
{
	a->timer.cb = on_timer;
	a->watch.fd = -1;
	a->proc.pid = 0;
	a->proc.pidfd = a->proc.err_fd = a->proc.sync_fd = -1;
	a->buf[0] = 0;
	a->len = 0;
	a->running = true;
	if (a->sleep) {
		loop_timer_at(loop_of(a), &a->timer, loop_now() + (uint64_t)a->sleep->seconds.i * NS_PER_S);
		return;
	}
	loop_timer_at(loop_of(a), &a->timer, loop_now() + timeout_ns);
	if (a->exec)
		run_exec(a);
	else
		run_socket(a);
}
