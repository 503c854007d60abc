/* nl.c - the netlink message builder and its synchronous transport.
 *
 * A request always carries NLM_F_ACK, so each message is answered by
 * exactly one NLMSG_ERROR (error 0 = done). Batches (nf_tables) are
 * several messages in one buffer, sent in one sendmsg and acked one by
 * one. The socket is blocking with a receive timeout: the kernel answers
 * at once, the timeout only guards against a bug never leaving PID 1 stuck. */
#include "nl.h"

#include <errno.h>
#include <linux/netlink.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NLMSGERR_ATTR_MSG
#define NLMSGERR_ATTR_MSG 1
#endif

#define ALIGN4(n) (((n) + 3) & ~(size_t)3)

int nl_open(struct nl_sock *s, int proto, int netns_fd, int back_fd)
{
	s->fd = -1;
	s->seq = 1;
	s->err[0] = 0;
	s->proto = proto;
	if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET) < 0)
		return -errno;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	int err = fd < 0 ? -errno : 0;
	/* back at once: nothing else of PID 1 runs in the pod's namespace */
	if (netns_fd >= 0 && setns(back_fd, CLONE_NEWNET) < 0) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	if (err)
		return err;
	int one = 1;
	struct timeval tv = {.tv_sec = 2};
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	s->fd = fd;
	return 0;
}

void nl_close(struct nl_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

void nl_init(struct nl_msg *m, void *storage, size_t cap)
{
	m->buf = storage;
	m->cap = cap;
	nl_reset(m);
}

void nl_reset(struct nl_msg *m)
{
	m->len = m->start = 0;
	m->depth = 0;
	m->overflow = false;
	m->count = 0;
}

static void *room(struct nl_msg *m, size_t n)
{
	if (m->overflow || m->len + ALIGN4(n) > m->cap) {
		m->overflow = true;
		return NULL;
	}
	void *p = m->buf + m->len;
	memset(p, 0, ALIGN4(n));
	m->len += ALIGN4(n);
	return p;
}

void nl_begin(struct nl_msg *m, uint16_t type, uint16_t flags, const void *hdr, size_t hdrlen)
{
	m->start = m->len;
	struct nlmsghdr *h = room(m, NLMSG_HDRLEN);
	if (!h)
		return;
	h->nlmsg_type = type;
	h->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags);
	void *p = room(m, hdrlen);
	if (p && hdrlen)
		memcpy(p, hdr, hdrlen);
}

void nl_noack(struct nl_msg *m)
{
	if (!m->overflow)
		((struct nlmsghdr *)(m->buf + m->start))->nlmsg_flags &= (uint16_t)~NLM_F_ACK;
}

void nl_put(struct nl_msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = room(m, NLA_HDRLEN + len);
	if (!a)
		return;
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
}

void nl_put_raw(struct nl_msg *m, const void *data, size_t len)
{
	void *p = room(m, len);
	if (p)
		memcpy(p, data, len);
}

void nl_put_u8(struct nl_msg *m, uint16_t type, uint8_t v)
{
	nl_put(m, type, &v, 1);
}

void nl_put_u32(struct nl_msg *m, uint16_t type, uint32_t v)
{
	nl_put(m, type, &v, 4);
}

void nl_put_be32(struct nl_msg *m, uint16_t type, uint32_t v)
{
	uint32_t be = __builtin_bswap32(v);
	nl_put(m, type, &be, 4);
}

void nl_put_str(struct nl_msg *m, uint16_t type, const char *s)
{
	nl_put(m, type, s, strlen(s) + 1);
}

void nl_nest_start(struct nl_msg *m, uint16_t type)
{
	if (m->depth == NL_NEST) {
		m->overflow = true;
		return;
	}
	m->nest[m->depth++] = m->len;
	nl_put(m, type | NLA_F_NESTED, NULL, 0);
}

void nl_nest_end(struct nl_msg *m)
{
	if (!m->depth || m->overflow)
		return;
	struct nlattr *a = (struct nlattr *)(m->buf + m->nest[--m->depth]);
	a->nla_len = (uint16_t)(m->len - m->nest[m->depth]);
}

void nl_end(struct nl_msg *m)
{
	if (m->overflow)
		return;
	struct nlmsghdr *h = (struct nlmsghdr *)(m->buf + m->start);
	h->nlmsg_len = (uint32_t)(m->len - m->start);
	m->count++;
}

/* the text of NLMSGERR_ATTR_MSG after an error message, if the kernel sent one */
static void ext_ack(struct nl_sock *s, const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off = NLMSG_HDRLEN + sizeof *e;
	/* without NLM_F_CAPPED the request is echoed after the error */
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	while (off + NLA_HDRLEN <= h->nlmsg_len) {
		const struct nlattr *a = (const void *)((const char *)h + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > h->nlmsg_len)
			return;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			snprintf(s->err, sizeof s->err, "%.*s", (int)(a->nla_len - NLA_HDRLEN),
				 (const char *)a + NLA_HDRLEN);
			return;
		}
		off += ALIGN4(a->nla_len);
	}
}

/* numbers the messages, sends them */
static int send_all(struct nl_sock *s, struct nl_msg *m, uint32_t *first)
{
	if (m->overflow || m->depth)
		return -EMSGSIZE;
	*first = s->seq;
	for (size_t off = 0; off < m->len;) {
		struct nlmsghdr *h = (struct nlmsghdr *)(m->buf + off);
		h->nlmsg_seq = s->seq++;
		off += ALIGN4(h->nlmsg_len);
	}
	struct sockaddr_nl to = {.nl_family = AF_NETLINK};
	ssize_t n;
	do
		n = sendto(s->fd, m->buf, m->len, 0, (struct sockaddr *)&to, sizeof to);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)m->len ? 0 : n < 0 ? -errno : -EIO;
}

int nl_talk(struct nl_sock *s, struct nl_msg *m)
{
	return nl_call(s, m, NULL, NULL);
}

int nl_call(struct nl_sock *s, struct nl_msg *m,
	    int (*fn)(const void *nlmsg, size_t len, void *arg), void *arg)
{
	uint32_t first;
	s->err[0] = 0;
	int err = send_all(s, m, &first), ret = 0;
	if (err)
		return err;
	/* an ack per message that asked for one; batch markers ask for none */
	unsigned want = 0;
	for (size_t off = 0; off < m->len;) {
		struct nlmsghdr *h = (struct nlmsghdr *)(m->buf + off);
		want += (h->nlmsg_flags & NLM_F_ACK) != 0;
		off += ALIGN4(h->nlmsg_len);
	}
	static unsigned char rb[8192] __attribute__((aligned(4)));
	while (want) {
		ssize_t n = recv(s->fd, rb, sizeof rb, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		for (struct nlmsghdr *h = (void *)rb; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq < first || h->nlmsg_seq >= s->seq)
				continue; /* an answer to an earlier, timed-out request */
			if (h->nlmsg_type != NLMSG_ERROR) {
				if (fn && !ret)
					ret = fn(h, h->nlmsg_len, arg);
				continue;
			}
			const struct nlmsgerr *e = NLMSG_DATA(h);
			if (e->error && !ret) {
				ret = e->error;
				ext_ack(s, h);
			}
			want--;
		}
	}
	return ret;
}

int nl_dump(struct nl_sock *s, struct nl_msg *m,
	    int (*fn)(const void *nlmsg, size_t len, void *arg), void *arg)
{
	uint32_t first;
	struct nlmsghdr *req = (struct nlmsghdr *)m->buf;
	req->nlmsg_flags = (uint16_t)((req->nlmsg_flags & ~NLM_F_ACK) | NLM_F_DUMP);
	int err = send_all(s, m, &first);
	if (err)
		return err;
	static unsigned char rb[32768] __attribute__((aligned(4)));
	for (;;) {
		ssize_t n = recv(s->fd, rb, sizeof rb, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		for (struct nlmsghdr *h = (void *)rb; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != first)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return err;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				if (e->error)
					return e->error;
				continue;
			}
			if (!err) /* after an error, read on to the end of the dump */
				err = fn(h, h->nlmsg_len, arg);
		}
	}
}

int nl_attrs(const void *nlmsg, size_t hdrlen,
	     int (*fn)(uint16_t type, const void *data, size_t len, void *arg), void *arg)
{
	const struct nlmsghdr *h = nlmsg;
	size_t off = NLMSG_HDRLEN + ALIGN4(hdrlen);
	while (off + NLA_HDRLEN <= h->nlmsg_len) {
		const struct nlattr *a = (const void *)((const char *)h + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > h->nlmsg_len)
			return -EINVAL;
		int rc = fn(a->nla_type & NLA_TYPE_MASK, (const char *)a + NLA_HDRLEN,
			    a->nla_len - NLA_HDRLEN, arg);
		if (rc)
			return rc;
		off += ALIGN4(a->nla_len);
	}
	return 0;
}
