/* ctl.c - the control socket server: accept, peer credentials, bounded
 * requests with a deadline, framed non-blocking output.
 *
 * A client is freed only after the loop pass (ctl_flush), so a callback
 * never frees a watch that another event of the same batch still names. */
#include "ctl.h"
#include "base.h"
#include "ctl_proto.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "lim.h"
#include "node.h"

#define REQUEST_NS (5 * 1000000000ULL) /* a request must arrive within this */

/* An exec session (ctl_exec.c) ends with its client: the process too. */
static void end_exec(struct ctl_client *cl)
{
	if (cl->exec_report.fd >= 0) {
		loop_del(&cl->ctl->node->loop, &cl->exec_report);
		spawn_report_close(&cl->exec);
		cl->exec_report.fd = -1;
	}
	if (cl->exec.pid > 0) {
		spawn_signal(&cl->exec, SIGKILL); /* reaped later as an orphan */
		spawn_forget(&cl->exec);
		cl->exec.pid = 0;
	}
}

static void client_drop(struct ctl_client *cl)
{
	if (cl->dead)
		return;
	cl->dead = true;
	end_exec(cl);
	loop_del(&cl->ctl->node->loop, &cl->w);
	/* read what the client sent beyond its request (bounded), so that the
	 * close is a clean EOF for it rather than a reset */
	char sink[4096];
	for (int i = 0; i < 16 && recv(cl->w.fd, sink, sizeof sink, MSG_DONTWAIT) > 0; i++)
		;
	if (loop_timer_armed(&cl->timer))
		loop_timer_cancel(&cl->ctl->node->loop, &cl->timer);
	close(cl->w.fd);
	cl->w.fd = -1;
}

static void flush_out(struct ctl_client *cl)
{
	while (!cl->dead && cl->out_off < cl->out_len) {
		ssize_t n = send(cl->w.fd, cl->out + cl->out_off, cl->out_len - cl->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			loop_mod(&cl->ctl->node->loop, &cl->w, EPOLLIN | EPOLLOUT);
			return;
		}
		if (n < 0) {
			client_drop(cl);
			return;
		}
		cl->out_off += (size_t)n;
	}
	cl->out_len = cl->out_off = 0;
	if (cl->dead)
		return;
	loop_mod(&cl->ctl->node->loop, &cl->w, EPOLLIN);
	if (cl->closing)
		client_drop(cl);
}

void ctl_write(struct ctl_client *cl, char stream, const char *data, size_t len)
{
	while (len > CTL_FRAME_MAX) {
		ctl_write(cl, stream, data, CTL_FRAME_MAX);
		data += CTL_FRAME_MAX;
		len -= CTL_FRAME_MAX;
	}
	if (cl->dead)
		return;
	size_t need = cl->out_len + 5 + len;
	/* one answer may be large (a pod as JSON); what a follower has not
	 * read yet may not: a client that does not read is dropped, never
	 * waited for */
	if (need > (cl->follow == CF_NONE ? LIM_CTL_RESPONSE : LIM_CTL_OUTPUT)) {
		client_drop(cl);
		return;
	}
	char *p = realloc(cl->out, need);
	if (!p) {
		client_drop(cl);
		return;
	}
	cl->out = p;
	ctl_frame(p + cl->out_len, stream, data, len);
	cl->out_len = need;
}

void ctl_printf(struct ctl_client *cl, char stream, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	ctl_write(cl, stream, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

void ctl_exit(struct ctl_client *cl, int code)
{
	char c = (char)code;
	ctl_write(cl, 'x', &c, 1);
	cl->follow = CF_NONE;
	cl->closing = true;
	flush_out(cl);
}

static void run_request(struct ctl_client *cl)
{
	char *argv[CTL_ARGS_MAX];
	int argc = ctl_req_args(cl->in, cl->in_need, argv);
	if (loop_timer_armed(&cl->timer))
		loop_timer_cancel(&cl->ctl->node->loop, &cl->timer);
	cl->ctl->run(cl, argc, argv);
	free(cl->in);
	cl->in = NULL;
	flush_out(cl);
}

static void on_timeout(struct loop *l, struct loop_timer *t)
{
	struct ctl_client *cl = container_of(t, struct ctl_client, timer);
	(void)l;
	if (cl->follow == CF_WAIT) {
		ctl_printf(cl, '2', "timed out waiting for every pod to be healthy\n");
		ctl_exit(cl, 1);
		return;
	}
	ctl_printf(cl, '2', "request not received in time\n");
	ctl_exit(cl, 2);
}

/* recv, keeping the fds the request passes (exec's stdio: CTL_FDS at
 * most, the rest closed), close-on-exec */
static ssize_t recv_req(struct ctl_client *cl, void *buf, size_t len)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int) * CTL_FDS)];
	} u;
	struct iovec iov = {buf, len};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b};
	ssize_t n = recvmsg(cl->w.fd, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	for (struct cmsghdr *c = n >= 0 ? CMSG_FIRSTHDR(&m) : NULL; c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof fd, sizeof fd);
			if (cl->nfds < CTL_FDS)
				cl->fds[cl->nfds++] = fd;
			else
				close(fd);
		}
	}
	return n;
}

static void on_client(struct loop *l, struct loop_watch *w, uint32_t events)
{
	struct ctl_client *cl = container_of(w, struct ctl_client, w);
	(void)l;
	if (cl->dead)
		return;
	if (events & EPOLLOUT)
		flush_out(cl);
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)) || cl->dead)
		return;
	if (cl->header_done && cl->in_len == cl->in_need) {
		/* the request is in: more input means the client went away */
		char b[256];
		ssize_t n = recv(w->fd, b, sizeof b, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			client_drop(cl);
		return;
	}
	size_t want = cl->header_done ? cl->in_need - cl->in_len : CTL_HEAD_MAX - cl->in_len;
	ssize_t n = recv_req(cl, cl->in + cl->in_len, want);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_drop(cl);
		return;
	}
	cl->in_len += (size_t)n;
	if (!cl->header_done) {
		char *nl = memchr(cl->in, '\n', cl->in_len);
		if (!nl) {
			if (cl->in_len >= CTL_HEAD_MAX) {
				ctl_printf(cl, '2', "malformed request\n");
				ctl_exit(cl, 2);
			}
			return;
		}
		*nl = 0;
		size_t len = ctl_req_parse_head(cl->in, LIM_CTL_REQUEST);
		if (!len) {
			ctl_printf(cl, '2', "malformed or oversized request\n");
			ctl_exit(cl, 2);
			return;
		}
		size_t extra = cl->in_len - (size_t)(nl + 1 - cl->in);
		char *body = malloc(len + 1);
		if (!body || extra > len) {
			free(body);
			ctl_printf(cl, '2', "malformed request\n");
			ctl_exit(cl, 2);
			return;
		}
		memcpy(body, nl + 1, extra);
		free(cl->in);
		cl->in = body;
		cl->in_len = extra;
		cl->in_need = len;
		cl->header_done = true;
	}
	if (cl->in_len == cl->in_need) {
		cl->in[cl->in_need] = 0;
		run_request(cl);
	}
}

/* root, our own user, or a member of --ctl-group (its primary group or
 * a supplementary one, as the kernel recorded them at connect) */
static bool peer_allowed(struct ctl *ctl, int fd, struct ucred *cred)
{
	socklen_t len = sizeof *cred;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cred, &len) < 0)
		return false;
	if (cred->uid == 0 || cred->uid == geteuid())
		return true;
	gid_t want = ctl->cfg->ctl_gid;
	if (want == (gid_t)-1)
		return false;
	if (cred->gid == want)
		return true;
	gid_t groups[LIM_PEER_GROUPS];
	len = sizeof groups;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0)
		return false; /* ERANGE: more groups than we look at */
	for (size_t i = 0; i < len / sizeof *groups; i++)
		if (groups[i] == want)
			return true;
	return false;
}

int ctl_adopt(struct ctl *ctl, int fd)
{
	struct ctl_client *cl = NULL;
	if (ctl->nclients >= LIM_CTL_CLIENTS || !(cl = calloc(1, sizeof *cl)) ||
	    !(cl->in = malloc(CTL_HEAD_MAX))) {
		static const char msg[] = "podctl: podinit is busy: too many clients\n";
		char busy[sizeof msg + 16];
		size_t n = ctl_frame(busy, '2', msg, sizeof msg - 1);
		n += ctl_frame(busy + n, 'x', "\1", 1);
		/* best effort, a new socket has room for it */
		(void)!send(fd, busy, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		free(cl);
		close(fd);
		return -EBUSY;
	}
	cl->ctl = ctl;
	cl->exec_report.fd = -1;
	cl->w.fd = fd;
	cl->w.cb = on_client;
	cl->timer.cb = on_timeout;
	if (loop_add(&ctl->node->loop, &cl->w, EPOLLIN) < 0) {
		free(cl->in);
		free(cl);
		close(fd);
		return -EIO;
	}
	loop_timer_at(&ctl->node->loop, &cl->timer, loop_now() + REQUEST_NS);
	cl->next = ctl->clients;
	ctl->clients = cl;
	ctl->nclients++;
	return 0;
}

static void on_accept(struct loop *l, struct loop_watch *w, uint32_t events)
{
	struct ctl *ctl = container_of(w, struct ctl, watch);
	(void)l;
	(void)events;
	for (int i = 0; i < 8; i++) {
		int fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return; /* EAGAIN, or a client that left already */
		struct ucred cred = {0};
		bool ok = peer_allowed(ctl, fd, &cred);
		if (ctl_adopt(ctl, fd) < 0 || ok)
			continue;
		/* an answer, not a reset or a SIGPIPE: the client reads why */
		struct ctl_client *cl = ctl->clients;
		ctl_printf(cl, '2', "podctl: permission denied: uid %u is neither root nor in the control group\n",
			   (unsigned)cred.uid);
		ctl_exit(cl, 1);
	}
}

int ctl_listen(struct ctl *ctl)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if ((size_t)snprintf(sa.sun_path, sizeof sa.sun_path, "%s/podinit.sock", ctl->cfg->run) >=
	    sizeof sa.sun_path)
		return -ENAMETOOLONG;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(sa.sun_path);
	mode_t old = umask(0177); /* the socket is born 0600 */
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (rc == 0 && ctl->cfg->ctl_gid != (gid_t)-1)
		rc = chown(sa.sun_path, 0, ctl->cfg->ctl_gid) || chmod(sa.sun_path, 0660);
	if (rc < 0 || listen(fd, 8) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	ctl->watch.fd = fd;
	ctl->watch.cb = on_accept;
	return loop_add(&ctl->node->loop, &ctl->watch, EPOLLIN);
}

void ctl_pods_changed(struct ctl *ctl)
{
	ctl->pods_changed = true;
	ctl->pods_version++;
}

void ctl_flush(struct ctl *ctl)
{
	/* an event may say what no readiness change does (a restart's back-off) */
	bool changed = ctl->pods_changed, events = ctl->node->events.next != ctl->events_seen;
	ctl->pods_changed = false;
	ctl->events_seen = ctl->node->events.next;
	for (struct ctl_client **pp = &ctl->clients; *pp;) {
		struct ctl_client *cl = *pp;
		/* a wait is asked again only when the observer said something changed */
		bool step = cl->follow == CF_WAIT    ? changed
			    : cl->follow == CF_WATCH ? changed || events
						     : cl->follow != CF_NONE;
		if (!cl->dead && step && cl->ctl->follow_step(cl))
			ctl_exit(cl, 0);
		else if (!cl->dead && cl->out_len)
			flush_out(cl);
		if (cl->dead) {
			*pp = cl->next;
			ctl->nclients--;
			for (unsigned i = 0; i < cl->nfds; i++)
				close(cl->fds[i]);
			if (cl->watch)
				ctl->free_watch(cl);
			free(cl->in);
			free(cl->out);
			free(cl);
			continue;
		}
		pp = &cl->next;
	}
}

void ctl_close(struct ctl *ctl)
{
	for (struct ctl_client *cl = ctl->clients; cl; cl = cl->next)
		client_drop(cl);
	ctl_flush(ctl);
	if (ctl->watch.fd >= 0) {
		loop_del(&ctl->node->loop, &ctl->watch);
		close(ctl->watch.fd);
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/podinit.sock", ctl->cfg->run);
		unlink(path);
	}
}
