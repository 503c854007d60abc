/* console.h - the serial console: events and boot progress out, and after
 * Enter a `podinit> ` prompt that takes podctl's commands.
 *
 * Output goes through a fixed ring written without blocking: a slow or
 * absent serial line never holds the supervisor up; what does not fit is
 * counted and dropped. A command runs through the control socket's own
 * code (one end of a socketpair becomes a control client). */
#ifndef PODINIT_CONSOLE_H
#define PODINIT_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ctl_proto.h"
#include "loop.h"

#define CONSOLE_OUT 16384

struct ctl;

struct console {
	struct ctl *ctl;
	struct loop_watch w;    /* the console device */
	struct loop_watch cmd;  /* our end of a running command's socketpair */
	char in[512];
	size_t in_len;
	bool overlong;          /* the line being typed is too long: dropped */
	char out[CONSOLE_OUT];  /* ring */
	size_t out_head, out_len;
	uint64_t dropped;
	bool writable_wait;     /* waiting for EPOLLOUT */
	bool prompt;            /* the prompt is shown: lines are commands */
	unsigned char hdr[CTL_FRAME_HEAD]; /* the frame header being read */
	size_t hdr_len, body_left;
	char stream;
};

/* 0 or -errno. */
int console_open(struct console *c, struct ctl *ctl, const char *dev);
void console_close(struct console *c);
/* An events echo for the console (ctx is the struct console). */
void console_echo(void *ctx, const char *line, size_t len);

#endif
