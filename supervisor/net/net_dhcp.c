/* net_dhcp.c - the uplink's DHCP client (net_dhcp.h).
 *
 * A message is the BOOTP header (236 bytes), the magic cookie and options,
 * built and read in fixed buffers. Only what a small device needs is read
 * from a reply: message type, server identifier, lease time, subnet mask,
 * router, DNS server. The broadcast flag is set in every request, so the
 * server answers to 255.255.255.255, which a UDP socket bound to port 68
 * on the uplink receives before the interface has an address. */
#include "net_dhcp.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>
#include "base.h"
#include "net.h"
#include "net_link.h"

#define BOOTP_LEN 236
#define MSG_MAX 576 /* what every DHCP server must accept */
#define BACKOFF_MAX 64

enum { DISCOVER = 1, OFFER = 2, REQUEST = 3, ACK = 5, NAK = 6 };
enum { OPT_MASK = 1, OPT_ROUTER = 3, OPT_DNS = 6, OPT_REQ_IP = 50, OPT_LEASE = 51, OPT_TYPE = 53,
       OPT_SERVER = 54, OPT_PARAMS = 55, OPT_END = 255 };
static const unsigned char cookie[4] = {99, 130, 83, 99};

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A DISCOVER or REQUEST; with ciaddr set when renewing its own address. */
static size_t build(const struct net_dhcp *d, unsigned char *m, int type)
{
	memset(m, 0, MSG_MAX);
	m[0] = 1; /* BOOTREQUEST */
	m[1] = 1; /* Ethernet */
	m[2] = 6;
	put32(m + 4, d->xid);
	m[10] = 0x80; /* broadcast: answer to 255.255.255.255 */
	if (d->state == DHCP_RENEWING)
		put32(m + 12, d->addr);
	memcpy(m + 28, d->mac, 6);
	size_t n = BOOTP_LEN;
	memcpy(m + n, cookie, 4);
	n += 4;
	m[n++] = OPT_TYPE, m[n++] = 1, m[n++] = (unsigned char)type;
	if (type == REQUEST && d->state == DHCP_REQUESTING) {
		m[n++] = OPT_REQ_IP, m[n++] = 4;
		put32(m + n, d->offered), n += 4;
		m[n++] = OPT_SERVER, m[n++] = 4;
		put32(m + n, d->server), n += 4;
	}
	m[n++] = OPT_PARAMS, m[n++] = 4;
	m[n++] = OPT_MASK, m[n++] = OPT_ROUTER, m[n++] = OPT_DNS, m[n++] = OPT_LEASE;
	m[n++] = OPT_END;
	return n < 300 ? 300 : n; /* BOOTP's minimum size, for old relays */
}

static void send_msg(struct net_dhcp *d, int type)
{
	unsigned char m[MSG_MAX];
	size_t n = build(d, m, type);
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(67),
				 .sin_addr.s_addr = htonl(INADDR_BROADCAST)};
	if (sendto(d->watch.fd, m, n, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof to) < 0)
		snprintf(d->err, sizeof d->err, "%s: sending: %s", d->ifname, strerror(errno));
}

static void arm(struct net_dhcp *d, uint64_t at)
{
	loop_timer_at(d->loop, &d->timer, at);
}

/* Sends type now and again after the back-off, doubling it. */
static void ask(struct net_dhcp *d, int type)
{
	send_msg(d, type);
	uint64_t at = loop_now() + (uint64_t)d->backoff * NS_PER_S;
	d->backoff = d->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : d->backoff * 2;
	if (d->state == DHCP_RENEWING && at > d->lease_end)
		at = d->lease_end;
	arm(d, at);
}

/* A new transaction id; without entropy yet (early boot), the MAC and the clock. */
static void new_xid(struct net_dhcp *d)
{
	if (getrandom(&d->xid, sizeof d->xid, GRND_NONBLOCK) == sizeof d->xid)
		return;
	uint64_t t = loop_now();
	d->xid = (uint32_t)(t ^ (t >> 32)) ^ get32(d->mac + 2) ^ (d->xid * 2654435761U);
}

static void start_over(struct net_dhcp *d)
{
	bool had = d->state >= DHCP_BOUND;
	if (had) {
		net_addr_flush(&d->net->rt, d->ifindex);
		d->addr = d->router = 0;
	}
	if (had) { /* the device's address is the bridge's again, and no DNS from DHCP */
		d->net->host_ip = d->net->gw;
		d->net->dns = 0;
	}
	d->state = DHCP_SELECTING;
	d->backoff = 2;
	new_xid(d);
	if (had && d->changed)
		d->changed(d, false);
	ask(d, DISCOVER);
}

bool net_dhcp_parse(const unsigned char *m, size_t n, uint32_t xid, const unsigned char mac[6],
		    struct dhcp_reply *r)
{
	memset(r, 0, sizeof *r);
	if (n < BOOTP_LEN + 4 || m[0] != 2 || get32(m + 4) != xid || memcmp(m + 28, mac, 6) ||
	    memcmp(m + BOOTP_LEN, cookie, 4))
		return false;
	r->yiaddr = get32(m + 16);
	for (size_t i = BOOTP_LEN + 4; i < n && m[i] != OPT_END;) {
		if (m[i] == 0) { /* pad */
			i++;
			continue;
		}
		if (i + 2 > n || i + 2 + m[i + 1] > n)
			return false;
		const unsigned char *v = m + i + 2;
		unsigned len = m[i + 1];
		switch (m[i]) {
		case OPT_TYPE:
			r->type = len >= 1 ? v[0] : 0;
			break;
		case OPT_SERVER:
			r->server = len >= 4 ? get32(v) : 0;
			break;
		case OPT_LEASE:
			r->lease = len >= 4 ? get32(v) : 0;
			break;
		case OPT_MASK:
			r->mask = len >= 4 ? get32(v) : 0;
			break;
		case OPT_ROUTER:
			r->router = len >= 4 ? get32(v) : 0; /* the first one */
			break;
		case OPT_DNS:
			r->dns = len >= 4 ? get32(v) : 0;
			break;
		}
		i += 2 + len;
	}
	return r->type != 0;
}

/* An address a server may give the uplink: a unicast one outside the pod
 * and Service ranges (a rogue or misconfigured server must not take the
 * bridge's network or the ClusterIPs). */
static bool usable(const struct net_dhcp *d, uint32_t ip)
{
	const struct net *n = d->net;
	uint32_t pod_mask = ~0U << (32 - n->prefix), svc_mask = ~0U << (32 - n->svc_prefix);
	return ip && ip != UINT32_MAX && (ip >> 24) != 127 && (ip >> 28) != 14 /* multicast */ &&
	       (ip >> 24) != 0 && (ip & pod_mask) != n->net && (ip & svc_mask) != n->svc_net;
}

static unsigned prefix_of(uint32_t mask)
{
	unsigned p = 0;
	while (p < 32 && (mask & (1U << (31 - p))))
		p++;
	return p;
}

/* The ACK: the address (a new one replaces the old), the route, the timers. */
static void bound(struct net_dhcp *d, const struct dhcp_reply *r)
{
	unsigned prefix = r->mask ? prefix_of(r->mask) : 24;
	if (prefix < 8 || prefix > 30)
		prefix = 24; /* a mask no small network has: the common one */
	bool moved = r->yiaddr != d->addr || prefix != d->prefix || r->router != d->router;
	if (moved) {
		struct nl_sock *rt = &d->net->rt;
		int rc = net_addr_flush(rt, d->ifindex);
		if (!rc)
			rc = net_addr_add(rt, d->ifindex, r->yiaddr, prefix);
		if (!rc && r->router)
			rc = net_route_default(rt, r->router, d->ifindex);
		if (rc) {
			snprintf(d->err, sizeof d->err, "%.15s: the address from DHCP: %.40s %.100s", d->ifname,
				 strerror(-rc), rt->err);
			start_over(d);
			return;
		}
	}
	d->addr = r->yiaddr;
	d->prefix = prefix;
	d->router = r->router;
	d->dns = r->dns;
	d->server = r->server;
	d->state = DHCP_BOUND;
	d->net->host_ip = d->addr;
	d->net->dns = d->dns;
	uint64_t lease = r->lease ? r->lease : 3600, now = loop_now();
	if (lease == UINT32_MAX) /* infinite: ask again once a day anyway */
		lease = 2 * 86400;
	d->lease_end = now + lease * NS_PER_S;
	d->renew_at = now + lease * NS_PER_S / 2;
	arm(d, d->renew_at);
	if (moved && d->changed)
		d->changed(d, true);
}

static void on_reply(struct loop *l, struct loop_watch *w, uint32_t events)
{
	struct net_dhcp *d = container_of(w, struct net_dhcp, watch);
	(void)l;
	(void)events;
	for (int i = 0; i < 8; i++) { /* bounded: other events get their turn */
		unsigned char m[1500];
		ssize_t n = recv(w->fd, m, sizeof m, MSG_DONTWAIT);
		if (n < 0)
			return;
		struct dhcp_reply r;
		if (!net_dhcp_parse(m, (size_t)n, d->xid, d->mac, &r))
			continue;
		if (r.yiaddr && !usable(d, r.yiaddr)) {
			char ip[16];
			net_fmt_ip(r.yiaddr, ip);
			snprintf(d->err, sizeof d->err, "%s: refused the offered address %s", d->ifname, ip);
			continue;
		}
		if (r.server && d->state == DHCP_REQUESTING && r.server != d->server)
			continue; /* another server's answer to our broadcast */
		if (d->state == DHCP_SELECTING && r.type == OFFER && r.yiaddr && r.server) {
			d->offered = r.yiaddr;
			d->server = r.server;
			d->state = DHCP_REQUESTING;
			d->backoff = 2;
			ask(d, REQUEST);
		} else if ((d->state == DHCP_REQUESTING || d->state == DHCP_RENEWING) && r.type == ACK &&
			   r.yiaddr) {
			bound(d, &r);
		} else if ((d->state == DHCP_REQUESTING || d->state == DHCP_RENEWING) && r.type == NAK) {
			snprintf(d->err, sizeof d->err, "%s: the server refused the address (NAK)", d->ifname);
			start_over(d);
		}
	}
}

static void on_timer(struct loop *l, struct loop_timer *t)
{
	struct net_dhcp *d = container_of(t, struct net_dhcp, timer);
	(void)l;
	uint64_t now = loop_now();
	switch (d->state) {
	case DHCP_SELECTING:
		ask(d, DISCOVER);
		break;
	case DHCP_REQUESTING:
		start_over(d); /* no ACK for the offer: look again */
		break;
	case DHCP_BOUND:
		d->state = DHCP_RENEWING;
		d->backoff = 2;
		new_xid(d);
		ask(d, REQUEST);
		break;
	case DHCP_RENEWING:
		if (now >= d->lease_end) {
			snprintf(d->err, sizeof d->err, "%s: the lease ran out unrenewed", d->ifname);
			start_over(d);
		} else {
			ask(d, REQUEST);
		}
		break;
	case DHCP_OFF:
		break;
	}
}

int net_dhcp_start(struct net_dhcp *d, struct net *n, struct loop *l, const char *ifname)
{
	void (*changed)(struct net_dhcp *, bool) = d->changed;
	memset(d, 0, sizeof *d);
	d->changed = changed;
	d->net = n;
	d->loop = l;
	d->watch.fd = -1;
	snprintf(d->ifname, sizeof d->ifname, "%s", ifname);
	d->ifindex = net_link_index(&n->rt, ifname);
	if (d->ifindex <= 0) {
		snprintf(d->err, sizeof d->err, "%s: %s", ifname, strerror(d->ifindex ? -d->ifindex : ENODEV));
		return d->ifindex ? d->ifindex : -ENODEV;
	}
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	struct sockaddr_in me = {.sin_family = AF_INET, .sin_port = htons(68)};
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) ||
	    bind(fd, (struct sockaddr *)&me, sizeof me) || ioctl(fd, SIOCGIFHWADDR, &ifr)) {
		int err = errno;
		snprintf(d->err, sizeof d->err, "%s: the DHCP socket: %s", ifname, strerror(err));
		if (fd >= 0)
			close(fd);
		return -err;
	}
	memcpy(d->mac, ifr.ifr_hwaddr.sa_data, 6);
	d->watch.fd = fd;
	d->watch.cb = on_reply;
	d->timer.cb = on_timer;
	int rc = loop_add(l, &d->watch, EPOLLIN);
	if (rc) {
		close(fd);
		d->watch.fd = -1;
		snprintf(d->err, sizeof d->err, "%s: %s", ifname, strerror(-rc));
		return rc;
	}
	start_over(d);
	return 0;
}

void net_dhcp_stop(struct net_dhcp *d)
{
	if (d->watch.fd >= 0) {
		loop_del(d->loop, &d->watch);
		close(d->watch.fd);
		d->watch.fd = -1;
	}
	if (d->loop && loop_timer_armed(&d->timer))
		loop_timer_cancel(d->loop, &d->timer);
	d->state = DHCP_OFF;
}
