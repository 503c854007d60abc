/* net.h - the pod network: the device's side (lo, the uplink, the bridge
 * podinit0, forwarding, the nftables table) and each pod's attachment
 * (an address that stays with its name, a veth pair into the bridge, lo,
 * a default route). Services and hostPorts are lifecycle/services.c,
 * which writes the table through net_nft.h.
 *
 * All of it through netlink from podinit's own network namespace: a
 * pod's side is configured through a netlink socket made in the pod's
 * namespace, so PID 1 never runs in it. On start the leftovers of an
 * earlier podinit (veths named pi*, the nftables table) are swept. */
#ifndef PODINIT_NET_H
#define PODINIT_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "net_ipam.h"
#include "nl.h"

struct board;

#define NET_BRIDGE "podinit0"
#define NET_VETH_PREFIX "pi"
#define NET_NFT_BATCH (256 * 1024) /* the whole table in one transaction */

struct net {
	bool up;                 /* the bridge and the table are there */
	int self_netns;          /* ours (the device's) */
	struct nl_sock rt, nft;  /* in our namespace */
	int bridge;              /* its ifindex */
	uint32_t gw, net;        /* the bridge's address, the pod range */
	unsigned prefix;
	uint32_t svc_net;        /* the Service range */
	unsigned svc_prefix;
	uint32_t host_ip;        /* the uplink's address (status.hostIP), else the gateway */
	int uplink;              /* its ifindex, 0 = none */
	uint32_t dns;            /* the uplink's DNS server from DHCP, 0 = none */
	struct ipam pods, svcs, ports;
	uint32_t *batch;         /* NET_NFT_BATCH bytes, for net_nft_apply */
	char err[320];           /* why not up */
};

/* Sets the device's side up from the board profile (POD_CIDR,
 * SERVICE_CIDR, UPLINK*): sysctls, lo, the uplink, the bridge, the base
 * table, after sweeping what an earlier instance left. Leases live in
 * data. 0, or -errno with the reason in n->err (pods then cannot get a
 * network; hostNetwork pods still run). */
int net_init(struct net *n, const struct board *b, const char *data, int self_netns);
/* Orderly end: the table, the bridge's address and the veths go. */
void net_fini(struct net *n);

/* What one pod holds of the network: its address and its veth. */
struct net_attach {
	uint32_t ip;  /* 0 = none */
	char veth[16]; /* the bridge side, "" = none */
};

/* Gives the pod named key ("namespace/name") its address and attaches
 * its network namespace netns to the bridge: eth0 and lo up, the
 * address, the default route. 0, or -errno with a one-line reason in why
 * (then nothing is left made). */
int net_attach(struct net *n, const char *key, int netns, struct net_attach *a, char *why,
	       size_t len);
/* Removes the veth; the lease is kept for the next time. */
void net_detach(struct net *n, const char *key, struct net_attach *a);

#endif
