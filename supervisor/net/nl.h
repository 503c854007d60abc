/* nl.h - netlink messages, built in a fixed buffer and sent synchronously.
 *
 * podinit builds its own rtnetlink and nf_tables messages here: Debian's
 * archive serves libmnl and libnftnl only as binaries (their source
 * packages are not there to rebuild against musl), so the few message
 * shapes podinit needs are written with this one builder. Every request
 * asks for an ack; the kernel's answer (an errno and its extended ack
 * text) comes back to the caller. Nothing allocates; a message that does
 * not fit its buffer is -EMSGSIZE, never a truncated request. */
#ifndef PODINIT_NL_H
#define PODINIT_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NL_NEST 8

struct nl_msg {
	unsigned char *buf; /* the caller's storage, 4-byte aligned */
	size_t cap;
	size_t len;     /* of the whole buffer (several messages in a batch) */
	size_t start;   /* of the message being built */
	size_t nest[NL_NEST];
	unsigned depth;
	bool overflow;
	uint32_t seq;
	unsigned count; /* messages in the buffer */
};

struct nl_sock {
	int fd;
	int proto;
	uint32_t seq;
	char err[160]; /* the kernel's extended ack text of the last failure */
};

/* A netlink socket of proto (NETLINK_ROUTE, NETLINK_NETFILTER) in the
 * network namespace netns_fd (-1: ours); it stays bound to that
 * namespace. back_fd is our own namespace, to return to. 0 or -errno. */
int nl_open(struct nl_sock *s, int proto, int netns_fd, int back_fd);
void nl_close(struct nl_sock *s);

/* Starts a message of type with flags (NLM_F_REQUEST|NLM_F_ACK always)
 * and its fixed header (hdr, hdrlen bytes). */
void nl_begin(struct nl_msg *m, uint16_t type, uint16_t flags, const void *hdr, size_t hdrlen);
/* The message being built asks for no ack (nf_tables batch markers). */
void nl_noack(struct nl_msg *m);
void nl_put(struct nl_msg *m, uint16_t type, const void *data, size_t len);
/* Bytes as they are (a nested header such as veth's peer ifinfomsg). */
void nl_put_raw(struct nl_msg *m, const void *data, size_t len);
void nl_put_u8(struct nl_msg *m, uint16_t type, uint8_t v);
void nl_put_u32(struct nl_msg *m, uint16_t type, uint32_t v);
void nl_put_be32(struct nl_msg *m, uint16_t type, uint32_t v);
void nl_put_str(struct nl_msg *m, uint16_t type, const char *s);
void nl_nest_start(struct nl_msg *m, uint16_t type);
void nl_nest_end(struct nl_msg *m);
void nl_end(struct nl_msg *m);
/* m over storage (cap bytes, 4-byte aligned), empty. */
void nl_init(struct nl_msg *m, void *storage, size_t cap);
/* Empties m for a new message or batch. */
void nl_reset(struct nl_msg *m);

/* Sends every message in m and reads one ack for each: 0, or the first
 * error (-errno, with the kernel's words in s->err). -EMSGSIZE when m
 * overflowed. */
int nl_talk(struct nl_sock *s, struct nl_msg *m);
/* The same, with fn called for each answer that is not an ack (a GET's
 * reply); fn returns 0 to go on. */
int nl_call(struct nl_sock *s, struct nl_msg *m,
	    int (*fn)(const void *nlmsg, size_t len, void *arg), void *arg);
/* Sends one dump request and calls fn for each answer message; fn
 * returns 0 to go on. 0 or -errno. */
int nl_dump(struct nl_sock *s, struct nl_msg *m,
	    int (*fn)(const void *nlmsg, size_t len, void *arg), void *arg);

/* Walks the attributes of a received message after its fixed header of
 * hdrlen bytes: fn(type, data, len, arg) for each, 0 to go on. */
int nl_attrs(const void *nlmsg, size_t hdrlen, int (*fn)(uint16_t type, const void *data,
							   size_t len, void *arg),
	     void *arg);

#endif
