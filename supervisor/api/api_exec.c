/* api_exec.c - kubectl exec: GET .../pods/NAME/exec?command=..&container=C
 * [&stdin=true][&stdout=true][&stderr=true][&tty=true], upgraded to a
 * WebSocket speaking v5.channel.k8s.io (kubectl's SPDY fallback is
 * refused with a Status, which kubectl prints).
 *
 * The session is a stream process (api_stream.h). It makes the process's
 * stdio (pipes, or a pty when tty=true) and hands them to PID 1 with
 * `podctl exec` over the control socket (ctl_exec.c: PID 1 joins the
 * container as exec probes do and never touches the data). Then it copies:
 * channel 0 (stdin) to the process, its output to channels 1 and 2,
 * channel 4 (terminal size) to the pty, 255 (stdin closed) to an EOF.
 * When PID 1 reports the exit, what output is left is sent, then the
 * channel-3 Status (Success, NonZeroExitCode with the code, or the reason
 * it could not run) and a close frame. A client that leaves closes the
 * control connection, and PID 1 kills the process. */
#include "api_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <termios.h>
#include <unistd.h>
#include "api_ctl.h"
#include "api_ws.h"
#include "ctl_proto.h"

#define WS_PROTOCOL "v5.channel.k8s.io"
#define WS_FRAME_MAX 65536 /* a client frame's payload, at most */
#define EXEC_ARGS 48       /* the command's words, at most */

static bool query_true(const struct http_req *q, const char *key)
{
	char v[8];
	return http_query(q, key, v, sizeof v) == 0 && !strcmp(v, "true");
}

static bool is_exec(const struct api_obj *o)
{
	return !strcmp(o->res, "pods") && !strcmp(o->sub, "exec") && *o->ns && *o->name;
}

/* ---- the session ---------------------------------------------------------- */

struct session {
	struct api_stream *s;
	int in;        /* the process's stdin (pipe or pty master), -1 once closed */
	int out, err;  /* its stdout (or the pty master) and stderr, -1 when done */
	int ctl;       /* PID 1's answer */
	bool tty, client_done;
	char msg[512]; /* PID 1's error line, when it could not run the command */
	int code;      /* the exit status, -1 until known */
	unsigned char rx[WS_FRAME_MAX + 14];
	size_t rx_len;
	int msg_chan;  /* the channel of a fragmented message, -1 outside one */
	char *pend;    /* stdin not yet taken by the process */
	size_t pend_len, pend_off;
};

static void close_in(struct session *x)
{
	if (x->in >= 0 && !x->tty)
		close(x->in);
	x->in = -1;
}

static void resize(struct session *x, const char *json, size_t len)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), json);
	const char *w = strstr(buf, "\"Width\":"), *h = strstr(buf, "\"Height\":");
	struct winsize ws = {0};
	if (!x->tty || !w || !h)
		return;
	ws.ws_col = (unsigned short)atoi(w + 8);
	ws.ws_row = (unsigned short)atoi(h + 9);
	ioctl(x->out, TIOCSWINSZ, &ws);
}

/* Data of channel ch from the client. */
static void on_channel(struct session *x, int ch, unsigned char *p, size_t n)
{
	if (ch == 0 && x->in >= 0 && n) {
		char *b = malloc(n);
		if (!b)
			return;
		memcpy(b, p, n);
		x->pend = b;
		x->pend_len = n;
		x->pend_off = 0;
	} else if (ch == 4) {
		resize(x, (const char *)p, n);
	} else if (ch == 255 && n >= 1 && p[0] == 0) {
		close_in(x); /* v5: the client's stdin ended */
	}
}

/* Parses the frames in rx: 0, 1 when the session is over (a protocol
 * error: closed with its code), -errno when the client is gone. */
static int on_frames(struct session *x)
{
	size_t off = 0;
	int rc = 0;
	while (!rc && !x->pend) {
		int op;
		bool fin;
		unsigned char *p;
		size_t len;
		ssize_t n = api_ws_frame(x->rx + off, x->rx_len - off, WS_FRAME_MAX, &op, &fin, &p, &len);
		if (n == 0)
			break;
		if (n < 0) { /* bounded, and clients mask */
			unsigned char code[2] = {0x03, n == -EMSGSIZE ? 0xf1 : 0xea}; /* 1009, 1002 */
			api_ws_send(x->s, WS_CLOSE, -1, code, 2);
			return 1;
		}
		if (op == WS_CLOSE) {
			x->client_done = true; /* it sends no more: stdin is over too */
			close_in(x);
		} else if (op == WS_PING) {
			rc = api_ws_send(x->s, WS_PONG, -1, p, len);
		} else if (op == WS_BINARY || op == WS_TEXT || op == WS_CONT) {
			int ch = op != WS_CONT ? (len ? p[0] : -1) : x->msg_chan;
			size_t skip = op != WS_CONT && len ? 1 : 0;
			on_channel(x, ch, p + skip, len - skip);
			x->msg_chan = fin ? -1 : ch;
		}
		off += (size_t)n;
	}
	memmove(x->rx, x->rx + off, x->rx_len - off);
	x->rx_len -= off;
	return rc;
}

/* What the client sent: decrypted bytes first, then the socket (never
 * waiting). 0, 1 when the session is over, -errno when the client left. */
static int from_client(struct session *x)
{
	while (!x->client_done && !x->pend) {
		if (x->rx_len == sizeof x->rx)
			return 1;
		ssize_t r = api_tls_read(x->s->tls, x->rx + x->rx_len, sizeof x->rx - x->rx_len);
		if (r == API_TLS_WANT_READ || r == API_TLS_WANT_WRITE)
			return 0;
		if (r <= 0)
			return -ECONNRESET;
		x->rx_len += (size_t)r;
		int rc = on_frames(x);
		if (rc)
			return rc;
	}
	return on_frames(x);
}

/* The process's output on fd, as channel ch: 0, or -1 at its end. */
static int relay_out(struct session *x, int fd, int ch)
{
	char buf[16384];
	ssize_t n = read(fd, buf, sizeof buf);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) /* EOF, or EIO: the pty's last holder closed it */
		return -1;
	return api_ws_send(x->s, WS_BINARY, ch, buf, (size_t)n) ? -2 : 0;
}

static void to_process(struct session *x)
{
	ssize_t n = write(x->in, x->pend + x->pend_off, x->pend_len - x->pend_off);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) { /* the process closed its stdin: what is left is dropped */
		close_in(x);
		n = (ssize_t)(x->pend_len - x->pend_off);
	}
	x->pend_off += (size_t)n;
	if (x->pend_off == x->pend_len) {
		free(x->pend);
		x->pend = NULL;
	}
}

/* PID 1's answer: an error line, the exit frame. 0, 1 at the exit. */
static int from_pid1(struct session *x)
{
	char buf[CTL_FRAME_MAX], stream;
	size_t n;
	if (api_ctl_frame(x->ctl, &stream, buf, sizeof buf, &n)) {
		snprintf(x->msg, sizeof x->msg, "podinit ended the session");
		x->code = 1;
		return 1;
	}
	if (stream == CTL_EXIT) {
		x->code = n ? (unsigned char)buf[0] : 1;
		return 1;
	}
	const char *nl = memchr(buf, '\n', n);
	if (stream == CTL_STDERR && !*x->msg)
		snprintf(x->msg, sizeof x->msg, "%.*s", (int)(nl ? (size_t)(nl - buf) : n), buf);
	return 0;
}

static void send_status(struct session *x)
{
	char body[1024];
	const char *m = x->msg;
	if (!strncmp(m, "error: ", 7))
		m += 7;
	const char *nf = strstr(m, "(NotFound): ");
	if (nf)
		m = nf + 12;
	if (*m) {
		FILE *f = fmemopen(body, sizeof body, "w");
		if (!f)
			return;
		fputs("{\"metadata\":{},\"status\":\"Failure\",\"message\":", f);
		api_json_str(f, m);
		fprintf(f, ",\"reason\":\"%s\",\"code\":%d}", nf || strstr(m, "not found") ? "NotFound" : "InternalError",
			nf || strstr(m, "not found") ? 404 : 500);
		fputc(0, f);
		fclose(f);
	} else if (x->code == 0) {
		snprintf(body, sizeof body, "{\"metadata\":{},\"status\":\"Success\"}");
	} else {
		snprintf(body, sizeof body,
			 "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit "
			 "code: error executing command [...], exit code %d\",\"reason\":\"NonZeroExitCode\","
			 "\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"%d\"}]}}",
			 x->code, x->code);
	}
	body[sizeof body - 1] = 0;
	if (!api_ws_send(x->s, WS_BINARY, 3, body, strlen(body))) {
		unsigned char code[2] = {0x03, 0xe8}; /* 1000 */
		api_ws_send(x->s, WS_CLOSE, -1, code, 2);
	}
}

/* The process's stdio: ours[] the session's ends, theirs[] PID 1's. */
static int make_stdio(struct session *x, const struct http_req *q, int theirs[3])
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC), p[2];
	theirs[0] = theirs[1] = theirs[2] = null;
	if (null < 0)
		return -errno;
	if (x->tty) {
		char name[64];
		int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), sl = -1;
		if (m < 0 || grantpt(m) || unlockpt(m) || ptsname_r(m, name, sizeof name) ||
		    (sl = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
			int e = -errno;
			if (m >= 0)
				close(m);
			return e;
		}
		/* kubectl's size (channel 4) may come after the process starts:
		 * until then it sees a terminal's usual 80x24, never 0x0 */
		struct winsize ws = {.ws_row = 24, .ws_col = 80};
		ioctl(m, TIOCSWINSZ, &ws);
		x->in = x->out = m;
		theirs[0] = theirs[1] = theirs[2] = sl;
		return 0;
	}
	if (query_true(q, "stdin")) {
		if (pipe2(p, O_CLOEXEC))
			return -errno;
		theirs[0] = p[0];
		x->in = p[1];
		fcntl(x->in, F_SETFL, O_NONBLOCK);
	}
	if (query_true(q, "stdout")) {
		if (pipe2(p, O_CLOEXEC))
			return -errno;
		x->out = p[0];
		theirs[1] = p[1];
	}
	if (query_true(q, "stderr")) {
		if (pipe2(p, O_CLOEXEC))
			return -errno;
		x->err = p[0];
		theirs[2] = p[1];
	}
	return 0;
}

/* podctl exec's arguments into argv (NULL-ended), the command from the
 * repeated command= parameters; the words in store. 0 or -E2BIG. */
static int exec_args(const struct http_req *q, const struct api_obj *o, bool tty, char ctr[256],
		     char store[][HTTP_TARGET_MAX / 8], const char *argv[EXEC_ARGS + 10])
{
	int n = 0;
	argv[n++] = "exec";
	argv[n++] = o->name;
	argv[n++] = "-n";
	argv[n++] = o->ns;
	if (http_query(q, "container", ctr, 256) == 0) {
		argv[n++] = "-c";
		argv[n++] = ctr;
	}
	if (tty)
		argv[n++] = "--tty";
	argv[n++] = "--";
	for (int i = 0;; i++) {
		int rc = http_query_nth(q, "command", i, store[i], HTTP_TARGET_MAX / 8);
		if (rc == -ENOENT)
			break;
		if (rc || i == EXEC_ARGS)
			return -E2BIG;
		argv[n++] = store[i];
	}
	argv[n] = NULL;
	return 0;
}

static int session(struct api_stream *s)
{
	static struct session x;
	x = (struct session){.s = s, .in = -1, .out = -1, .err = -1, .ctl = -1, .code = -1, .msg_chan = -1};
	x.tty = query_true(s->req, "tty");
	char accept[32], ctr[256] = "";
	static char store[EXEC_ARGS][HTTP_TARGET_MAX / 8];
	const char *argv[EXEC_ARGS + 10];
	struct api_obj o;
	api_obj_path(s->req->path, &o);
	int theirs[3] = {-1, -1, -1};
	if (api_ws_accept(http_header(s->req, "Sec-WebSocket-Key"), accept))
		return 1;
	struct api_answer ans = {.status = 1};
	int rc = exec_args(s->req, &o, x.tty, ctr, store, argv);
	if (rc)
		snprintf(ans.err, sizeof ans.err, "error: the command is too long (at most %d words)", EXEC_ARGS);
	else if ((rc = make_stdio(&x, s->req, theirs)))
		snprintf(ans.err, sizeof ans.err, "Error from server (InternalError): no stdio for the process: %s",
			 strerror(-rc));
	else if ((x.ctl = api_ctl_start_fds(s->api->sock, argv, theirs)) < 0)
		ans.status = x.ctl;
	for (int i = 0; i < 3; i++) /* PID 1 holds them now, or the session failed */
		if (theirs[i] >= 0 && (i == 0 || theirs[i] != theirs[i - 1]))
			close(theirs[i]);
	/* PID 1 refuses at once (pod, container, state), before the upgrade,
	 * as the API server does; else it says the process runs */
	char buf[CTL_FRAME_MAX], stream = CTL_STDERR;
	size_t n = 0;
	while (x.ctl >= 0 && !api_ctl_frame(x.ctl, &stream, buf, sizeof buf - 1, &n) && stream == CTL_STDERR) {
		snprintf(ans.err, sizeof ans.err, "%.*s", (int)(n < sizeof ans.err ? n : sizeof ans.err - 1), buf);
	}
	if (stream != CTL_STARTED) {
		struct api_reply r = {0};
		api_status_of(&r, &ans);
		api_stream_reply(s, &r);
		free(r.buf);
		return 0;
	}
	char head[256];
	int hn = snprintf(head, sizeof head,
			  "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
			  "Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: " WS_PROTOCOL "\r\n\r\n",
			  accept);
	if (api_stream_write(s, head, (size_t)hn))
		return 1;
	struct timeval none = {0};
	if (x.ctl >= 0)
		setsockopt(x.ctl, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none);
	while (x.ctl >= 0 && x.code < 0) {
		struct pollfd p[5] = {
			{.fd = x.client_done || x.pend ? -1 : s->fd, .events = POLLIN},
			{.fd = x.out, .events = POLLIN},
			{.fd = x.tty ? -1 : x.err, .events = POLLIN},
			{.fd = x.ctl, .events = POLLIN},
			{.fd = x.pend ? x.in : -1, .events = POLLOUT}};
		rc = from_client(&x); /* decrypted bytes may wait with the socket idle */
		if (rc)
			break;
		if (!x.pend)
			p[4].fd = -1;
		if ((poll(p, 5, -1) < 0 && errno != EINTR) || api_stream_stopping()) {
			snprintf(x.msg, sizeof x.msg, "the API server is stopping");
			break;
		}
		if (p[4].revents)
			to_process(&x);
		if (p[1].revents && relay_out(&x, x.out, 1) == -1)
			x.out = x.tty ? x.out : (close(x.out), -1);
		if (p[2].revents && relay_out(&x, x.err, 2) == -1)
			x.err = (close(x.err), -1);
		if (p[3].revents && from_pid1(&x))
			break;
	}
	if (rc < 0)
		return 0; /* the client left: closing the control socket ends the process */
	/* the process is gone: what it wrote is in the pipes; send it */
	for (int ch = 1; ch <= 2; ch++) {
		int fd = ch == 1 ? x.out : x.tty ? -1 : x.err;
		if (fd >= 0)
			fcntl(fd, F_SETFL, O_NONBLOCK);
		while (fd >= 0 && relay_out(&x, fd, ch) == 0) {
			int avail = 0;
			if (ioctl(fd, FIONREAD, &avail) || !avail)
				break;
		}
	}
	send_status(&x);
	return 0;
}

/* kubectl's SPDY fallback (after a failed upgrade) gets what the upgrade
 * would have got: PID 1's refusal, else the protocol to use */
static void spdy(struct api_reply *r, const struct api *a, const struct http_req *q, const struct api_obj *o)
{
	char ctr[256] = "";
	const char *argv[12] = {"exec", o->name, "-n", o->ns, "--dry-run"};
	int n = 5;
	if (http_query(q, "container", ctr, sizeof ctr) == 0) {
		argv[n++] = "-c";
		argv[n++] = ctr;
	}
	argv[n++] = "--";
	argv[n++] = "true";
	argv[n] = NULL;
	struct api_answer ans;
	api_ctl_call(a->sock, argv, &ans);
	free(ans.out);
	if (ans.status)
		api_status_of(r, &ans);
	else
		api_status(r, 400, "BadRequest",
			   "podinit serves exec over WebSocket, protocol " WS_PROTOCOL " (kubectl 1.30 and later)");
}

bool api_exec(struct api_reply *r, const struct api *a, const struct http_req *q, const struct api_obj *o)
{
	if (!is_exec(o))
		return false;
	const char *up = http_header(q, "Upgrade"), *proto = http_header(q, "Sec-WebSocket-Protocol"),
		   *key = http_header(q, "Sec-WebSocket-Key");
	char cmd[8];
	if (q->method != HTTP_GET || !up || strcasecmp(up, "websocket") || !key || strlen(key) > 64 || !proto ||
	    !strstr(proto, WS_PROTOCOL))
		spdy(r, a, q, o);
	else if (http_query(q, "command", cmd, sizeof cmd) == -ENOENT)
		api_status(r, 400, "BadRequest", "you must specify at least 1 command");
	else
		r->stream = session;
	return true;
}
