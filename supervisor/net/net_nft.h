/* net_nft.h - podinit's nftables table "ip podinit": the data path of
 * Services, hostPorts and egress, in the kernel (DNAT, masquerade,
 * conntrack; traffic never passes through PID 1).
 *
 * The table is always replaced whole, in one nf_tables batch (a
 * transaction: the old rules hold until the new ones are in), from a list
 * of entries: "this port, on this address or on every local address,
 * goes to one of these endpoints". An entry without endpoints refuses at
 * once (TCP reset, ICMP port unreachable). Connections that were DNATed
 * are masqueraded (hairpin, loopback, replies that must come back
 * through the device), and so is traffic from the pod range that leaves
 * through another interface than the bridge. */
#ifndef PODINIT_NET_NFT_H
#define PODINIT_NET_NFT_H

#include <stdbool.h>
#include <stdint.h>
#include "nl.h"

#define NET_NFT_TABLE "podinit"

struct nft_endpoint {
	uint32_t ip;   /* host byte order */
	uint16_t port;
};

struct nft_entry {
	uint8_t proto;        /* IPPROTO_TCP or IPPROTO_UDP */
	uint32_t addr;        /* the (cluster) address matched; 0 = every local address */
	uint16_t port;
	unsigned nep;
	const struct nft_endpoint *ep;
};

struct nft_cfg {
	uint32_t pod_net;     /* the pod range, for egress masquerade */
	unsigned pod_prefix;
	const char *bridge;   /* its interface: traffic staying on it is not masqueraded */
	uint32_t svc_net;     /* the Service range: what is sent there and not DNATed is */
	unsigned svc_prefix;  /* refused (0: no such rule) */
};

/* Replaces the table with the rules for entries (m: a buffer big enough
 * for the batch; -EMSGSIZE when not). 0 or -errno (s->err says why). */
int net_nft_apply(struct nl_sock *s, struct nl_msg *m, const struct nft_cfg *cfg,
		  const struct nft_entry *e, unsigned n);
/* Deletes the table (none there is no error). */
int net_nft_remove(struct nl_sock *s, struct nl_msg *m);

#endif
