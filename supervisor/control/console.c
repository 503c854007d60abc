/* console.c - prompt and output of the serial console.
 *
 * The tty stays in canonical mode with echo, so the kernel edits lines;
 * we read whole lines. An empty line shows the prompt (or, while a command
 * is still streaming, such as logs -f, ends it). */
#include "console.h"
#include "base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>
#include "ctl.h"
#include "ctl_proto.h"
#include "lim.h"
#include "node.h"

#define PROMPT "podinit> "

static void flush(struct console *c)
{
	while (c->out_len) {
		size_t chunk = CONSOLE_OUT - c->out_head;
		if (chunk > c->out_len)
			chunk = c->out_len;
		ssize_t n = write(c->w.fd, c->out + c->out_head, chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0 && errno != EAGAIN) { /* a gone console: drop, count */
				c->dropped += c->out_len;
				c->out_len = 0;
				break;
			}
			if (!c->writable_wait && loop_mod(&c->ctl->node->loop, &c->w, EPOLLIN | EPOLLOUT) == 0)
				c->writable_wait = true;
			return;
		}
		c->out_head = (c->out_head + (size_t)n) % CONSOLE_OUT;
		c->out_len -= (size_t)n;
	}
	if (c->writable_wait && loop_mod(&c->ctl->node->loop, &c->w, EPOLLIN) == 0)
		c->writable_wait = false;
}

static void console_write(struct console *c, const char *s, size_t n)
{
	if (c->w.fd < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (c->out_len == CONSOLE_OUT) {
			c->dropped += n - i;
			break;
		}
		c->out[(c->out_head + c->out_len) % CONSOLE_OUT] = s[i];
		c->out_len++;
	}
	flush(c);
}

void console_echo(void *ctx, const char *line, size_t len)
{
	/* an event may follow a shown prompt on its line; the prompt is not
	 * drawn again, so a script waiting for it never sees a stale one */
	console_write(ctx, line, len);
}

static void show_prompt(struct console *c)
{
	c->prompt = true;
	console_write(c, PROMPT, strlen(PROMPT));
}

static void end_command(struct console *c)
{
	if (c->cmd.fd >= 0) {
		loop_del(&c->ctl->node->loop, &c->cmd);
		close(c->cmd.fd);
		c->cmd.fd = -1;
	}
	show_prompt(c);
}

/* Frames of the answer: stdout and stderr to the console, the status ends. */
static void on_answer(struct loop *l, struct loop_watch *w, uint32_t events)
{
	struct console *c = container_of(w, struct console, cmd);
	char buf[1024];
	(void)l;
	(void)events;
	for (int pass = 0; pass < 8; pass++) {
		ssize_t n = recv(w->fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			end_command(c);
			return;
		}
		for (ssize_t i = 0; i < n;) {
			if (c->hdr_len < CTL_FRAME_HEAD) {
				c->hdr[c->hdr_len++] = (unsigned char)buf[i++];
				if (c->hdr_len == CTL_FRAME_HEAD) {
					c->stream = (char)c->hdr[0];
					c->body_left = ctl_frame_len(c->hdr);
				}
				continue;
			}
			size_t take = (size_t)(n - i) < c->body_left ? (size_t)(n - i) : c->body_left;
			if (c->stream == CTL_EXIT) {
				end_command(c);
				return;
			}
			console_write(c, buf + i, take);
			i += (ssize_t)take;
			c->body_left -= take;
			if (!c->body_left)
				c->hdr_len = 0;
		}
	}
}

static void run_line(struct console *c, char *line)
{
	char req[600];
	size_t len = 0;
	int argc = 0;
	/* words separated by blanks; "podctl" in front is allowed */
	for (char *save = NULL, *w = strtok_r(line, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (!argc && !strcmp(w, "podctl"))
			continue;
		size_t l = strlen(w) + 1;
		if (len + l > sizeof req)
			break;
		memcpy(req + len, w, l);
		len += l;
		argc++;
	}
	if (!argc) {
		show_prompt(c);
		return;
	}
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sp) < 0) {
		console_write(c, "podinit: cannot run the command\n", 32);
		show_prompt(c);
		return;
	}
	char head[CTL_HEAD_MAX];
	ssize_t hl = (ssize_t)ctl_req_head(head, len);
	/* a fresh socket's buffer takes the small request at once */
	if (ctl_adopt(c->ctl, sp[0]) < 0 || write(sp[1], head, (size_t)hl) != hl ||
	    write(sp[1], req, len) != (ssize_t)len) {
		close(sp[1]);
		console_write(c, "podinit: cannot run the command\n", 32);
		show_prompt(c);
		return;
	}
	c->prompt = false;
	c->hdr_len = 0;
	c->cmd.fd = sp[1];
	c->cmd.cb = on_answer;
	if (loop_add(&c->ctl->node->loop, &c->cmd, EPOLLIN) < 0)
		end_command(c);
}

static void on_input(struct loop *l, struct loop_watch *w, uint32_t events)
{
	struct console *c = container_of(w, struct console, w);
	(void)l;
	if (events & EPOLLOUT)
		flush(c);
	if (!(events & EPOLLIN))
		return;
	char buf[256];
	ssize_t n = read(w->fd, buf, sizeof buf);
	if (n <= 0)
		return; /* EAGAIN, or a hang-up: nothing to do */
	for (ssize_t i = 0; i < n; i++) {
		char ch = buf[i];
		if (ch != '\n' && ch != '\r') {
			if (c->in_len < sizeof c->in - 1)
				c->in[c->in_len++] = ch;
			else
				c->overlong = true;
			continue;
		}
		c->in[c->in_len] = 0;
		bool empty = c->in_len == 0;
		bool overlong = c->overlong;
		c->in_len = 0;
		c->overlong = false;
		if (c->cmd.fd >= 0) { /* Enter ends a streaming command */
			if (empty)
				end_command(c);
			continue;
		}
		if (overlong) {
			console_write(c, "podinit: line too long\n", 23);
			show_prompt(c);
		} else if (!c->prompt || empty) {
			show_prompt(c);
		} else {
			run_line(c, c->in);
		}
	}
}

int console_open(struct console *c, struct ctl *ctl, const char *dev)
{
	memset(c, 0, sizeof *c);
	c->ctl = ctl;
	c->cmd.fd = -1;
	c->w.fd = open(dev, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (c->w.fd < 0)
		return -errno;
	struct termios t;
	if (tcgetattr(c->w.fd, &t) == 0) {
		/* the kernel edits lines and echoes them; \r (a terminal's Enter)
		 * ends a line; output newlines become \r\n */
		t.c_iflag |= ICRNL;
		t.c_lflag |= ICANON | ECHO | ECHOE;
		t.c_oflag |= OPOST | ONLCR;
		tcsetattr(c->w.fd, TCSANOW, &t);
	}
	c->w.cb = on_input;
	int rc = loop_add(&ctl->node->loop, &c->w, EPOLLIN);
	if (rc) {
		close(c->w.fd);
		c->w.fd = -1;
	}
	return rc;
}

void console_close(struct console *c)
{
	if (c->cmd.fd >= 0) {
		loop_del(&c->ctl->node->loop, &c->cmd);
		close(c->cmd.fd);
		c->cmd.fd = -1;
	}
	if (c->w.fd >= 0) {
		/* what is still queued goes out blocking, bounded by the ring */
		int fl = fcntl(c->w.fd, F_GETFL);
		if (fl >= 0)
			fcntl(c->w.fd, F_SETFL, fl & ~O_NONBLOCK);
		flush(c);
		loop_del(&c->ctl->node->loop, &c->w);
		close(c->w.fd);
		c->w.fd = -1;
	}
}
