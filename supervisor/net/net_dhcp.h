/* net_dhcp.h - a DHCP client for the uplink (RFC 2131), in the event loop.
 *
 * DISCOVER, OFFER, REQUEST, ACK; the ACK's address, router and DNS server
 * become the uplink's address, the default route and what pods get in
 * resolv.conf (when the board names no DNS). At half the lease it asks
 * again (a broadcast REQUEST for its own address); when the lease runs out
 * or a NAK comes, the address goes and it starts over. Unanswered messages
 * are sent again after 2, 4, ... 64 s. One UDP socket bound to port 68 on
 * the uplink and one timer: no thread, no helper process, nothing blocks.
 * Replies are asked for as broadcasts, so no raw socket is needed. */
#ifndef PODINIT_NET_DHCP_H
#define PODINIT_NET_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "loop.h"

struct net;

enum dhcp_state { DHCP_OFF, DHCP_SELECTING, DHCP_REQUESTING, DHCP_BOUND, DHCP_RENEWING };

struct net_dhcp {
	struct net *net;
	struct loop *loop;
	struct loop_watch watch;
	struct loop_timer timer;
	enum dhcp_state state;
	int ifindex;
	char ifname[16];
	unsigned char mac[6];
	uint32_t xid;
	uint32_t offered, server;      /* the OFFER's address and its server */
	uint32_t addr, router, dns;    /* what the last ACK gave; host byte order */
	unsigned prefix;
	uint64_t renew_at, lease_end;  /* CLOCK_MONOTONIC ns */
	unsigned backoff;              /* seconds until the next retry */
	/* told when the uplink got an address (bound) or lost it */
	void (*changed)(struct net_dhcp *d, bool bound);
	char err[200];                 /* the last failure, for the event */
};

/* What podinit reads of a server's message (host byte order, 0 = absent). */
struct dhcp_reply {
	int type; /* 2 OFFER, 5 ACK, 6 NAK */
	uint32_t yiaddr, server, mask, router, dns, lease;
};

/* A reply to transaction xid for mac: false when it is none (short, not a
 * BOOTREPLY, another transaction or client, no cookie, options that run
 * past the end, no message type). Reads only within m[0..n). */
bool net_dhcp_parse(const unsigned char *m, size_t n, uint32_t xid, const unsigned char mac[6],
		    struct dhcp_reply *r);

/* Starts on the uplink ifname (up already). 0, or -errno with d->err. */
int net_dhcp_start(struct net_dhcp *d, struct net *n, struct loop *l, const char *ifname);
/* Stops; the address stays until the net goes (net_fini). */
void net_dhcp_stop(struct net_dhcp *d);

#endif
