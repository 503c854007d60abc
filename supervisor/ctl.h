/* ctl.h - the control socket (RUN/podinit.sock) and podctl.
 *
 * Protocol: the client sends "PODCTL1 <len>\n" and len bytes of
 * NUL-terminated arguments (podctl's own argv; apply sends the file's
 * text as an argument). The server answers with frames: one byte stream
 * ('1' stdout, '2' stderr, 'x' exit status), a 4-byte big-endian length,
 * the bytes. Requests are bounded in size and time; a client that reads
 * too slowly is dropped; the supervisor is never held up by one. */
#ifndef PODINIT_CTL_H
#define PODINIT_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "loop.h"

struct sv;

enum ctl_follow { CF_NONE, CF_LOGS, CF_EVENTS, CF_WAIT };

struct ctl_client {
	struct ctl_client *next;
	struct sv *sv;
	struct loop_watch w;
	struct loop_timer timer; /* request deadline, or wait --timeout */
	char *in;
	size_t in_len, in_need;  /* in_need: body length once the header is read */
	char *out;
	size_t out_len, out_off;
	bool closing, dead, header_done;
	enum ctl_follow follow;
	char pod[64], ctr[64];
	uint64_t pos;            /* log position or next event sequence */
	bool json;
	unsigned log_instance;   /* restart count when following started */
};

int ctl_listen(struct sv *sv);
/* Takes fd, a connected socket, as a client (the console's commands). */
int ctl_adopt(struct sv *sv, int fd);
void ctl_close(struct sv *sv);
/* Sends followers what happened since the last pass; frees dead clients. */
void ctl_flush(struct sv *sv);

#define CTL_FRAME_MAX 65536 /* bytes in one frame: longer output is split */

/* One frame into out (len + 5 bytes): stream, 4-byte big-endian length,
 * the bytes. Returns its size. */
size_t ctl_frame(char *out, char stream, const char *data, size_t len);
/* For commands: queue output to the client. */
void ctl_write(struct ctl_client *cl, char stream, const char *data, size_t len);
void ctl_printf(struct ctl_client *cl, char stream, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ctl_exit(struct ctl_client *cl, int code);

/* ctl_cmd.c: runs one request. */
void ctl_run(struct ctl_client *cl, int argc, char **argv);
/* ctl_cmd.c: what a follower gets on each pass; true when it is done. */
bool ctl_follow_step(struct ctl_client *cl);

/* podctl: the client side. */
int ctl_client_main(int argc, char **argv);

#endif
