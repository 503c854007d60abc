/* net.c - the device's side of the pod network, and each pod's veth.
 *
 * Order at start: forwarding and route_localnet (NodePorts answer on
 * 127.0.0.1, as kube-proxy does), lo, the uplink as the board says, the
 * sweep of an earlier instance's veths, the bridge with its address,
 * the leases. A pod's veth is made by the kernel straight into the pod's
 * namespace as eth0 (VETH_INFO_PEER with IFLA_NET_NS_FD); its address and
 * route go through a netlink socket opened in that namespace. */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "board.h"
#include "lim.h"
#include "net_link.h"
#include "net_nft.h"
#include "state.h"

#define NODEPORT_LO 30000
#define NODEPORT_HI 32767

static int fail(struct net *n, int rc, const char *what)
{
	snprintf(n->err, sizeof n->err, "%.100s: %.40s%s%.160s", what, strerror(-rc), n->rt.err[0] ? " - " : "",
		 n->rt.err);
	return rc;
}

static void sweep_one(int ifindex, const char *name, void *arg)
{
	struct net *n = arg;
	(void)name;
	net_link_del(&n->rt, ifindex);
}

static uint32_t bcast(uint32_t net, unsigned prefix)
{
	return net | (~0U >> prefix);
}

/* The uplink as the board profile says: a static address and gateway
 * (the QEMU boards: user-mode networking gives 10.0.2.15/24 via
 * 10.0.2.2), or nothing. */
static int uplink(struct net *n, const struct board *b)
{
	if (!b->uplink[0])
		return 0;
	int index = net_link_index(&n->rt, b->uplink);
	if (index < 0)
		return fail(n, index, b->uplink);
	int rc = net_link_up(&n->rt, index);
	if (rc)
		return fail(n, rc, "uplink up");
	uint32_t ip, gw;
	unsigned prefix;
	if (b->uplink_addr[0] && net_parse_cidr(b->uplink_addr, &ip, &prefix) == 0) {
		if ((rc = net_addr_add(&n->rt, index, ip, prefix)))
			return fail(n, rc, "uplink address");
		n->host_ip = ip;
	}
	if (b->uplink_gateway[0] && net_parse_ip(b->uplink_gateway, &gw) == 0 &&
	    (rc = net_route_default(&n->rt, gw, index)))
		return fail(n, rc, "uplink default route");
	n->uplink = index;
	return 0;
}

static int leases(struct net *n, const char *data)
{
	char dir[256], path[300];
	snprintf(dir, sizeof dir, "%s/network", data);
	int rc = state_mkdir_p(dir, 0700);
	if (rc)
		return fail(n, rc, dir);
	snprintf(path, sizeof path, "%s/pods", dir);
	/* the pod range: past the network address, before the broadcast one */
	if ((rc = ipam_init(&n->pods, path, n->net + 1, bcast(n->net, n->prefix) - 1, LIM_NET_LEASES)))
		return fail(n, rc, "leases");
	/* the bridge's own address is never a pod's */
	uint32_t v;
	ipam_get(&n->pods, "-/gateway", &v);
	if (v != n->gw) {
		/* an old file: the gateway's lease moved; give it back to the gateway */
		ipam_fini(&n->pods);
		unlink(path);
		if ((rc = ipam_init(&n->pods, path, n->net + 1, bcast(n->net, n->prefix) - 1,
				    LIM_NET_LEASES)))
			return fail(n, rc, "leases");
		struct ipam_lease *l = n->pods.l;
		snprintf(l->key, sizeof l->key, "-/gateway");
		l->val = n->gw;
		l->busy = true;
		n->pods.n = 1;
	}
	snprintf(path, sizeof path, "%s/services", dir);
	if ((rc = ipam_init(&n->svcs, path, n->svc_net + 1, bcast(n->svc_net, n->svc_prefix) - 1,
			    LIM_NET_LEASES)))
		return fail(n, rc, "leases");
	snprintf(path, sizeof path, "%s/nodeports", dir);
	if ((rc = ipam_init(&n->ports, path, NODEPORT_LO, NODEPORT_HI, LIM_NET_LEASES)))
		return fail(n, rc, "leases");
	return 0;
}

int net_init(struct net *n, const struct board *b, const char *data, int self_netns)
{
	memset(n, 0, sizeof *n);
	n->rt.fd = n->nft.fd = -1;
	n->self_netns = self_netns;
	int rc;
	if (self_netns < 0) { /* a pod's netlink socket could not return PID 1 to its own */
		snprintf(n->err, sizeof n->err, "cannot open podinit's own network namespace");
		return -EBADF;
	}
	if (net_parse_cidr(b->pod_cidr, &n->gw, &n->prefix) ||
	    net_parse_cidr(b->service_cidr, &n->svc_net, &n->svc_prefix)) {
		snprintf(n->err, sizeof n->err, "POD_CIDR %s or SERVICE_CIDR %s is not an IPv4 range",
			 b->pod_cidr, b->service_cidr);
		return -EINVAL;
	}
	n->net = n->gw & (~0U << (32 - n->prefix));
	n->svc_net &= ~0U << (32 - n->svc_prefix);
	n->host_ip = n->gw;
	if ((rc = nl_open(&n->rt, NETLINK_ROUTE, -1, -1)) ||
	    (rc = nl_open(&n->nft, NETLINK_NETFILTER, -1, -1)))
		return fail(n, rc, "netlink");
	if ((rc = net_sysctl("net/ipv4/ip_forward", "1")))
		return fail(n, rc, "net.ipv4.ip_forward");
	/* DNAT of 127.0.0.1 (NodePorts on loopback) needs route_localnet */
	if ((rc = net_sysctl("net/ipv4/conf/all/route_localnet", "1")))
		return fail(n, rc, "net.ipv4.conf.all.route_localnet");
	int lo = net_link_index(&n->rt, "lo");
	if (lo < 0 || (rc = net_link_up(&n->rt, lo)))
		return fail(n, lo < 0 ? lo : rc, "lo");
	if ((rc = uplink(n, b)))
		return rc;
	if ((rc = net_link_each(&n->rt, NET_VETH_PREFIX, sweep_one, n)))
		return fail(n, rc, "sweeping old veths");
	n->bridge = net_link_bridge(&n->rt, NET_BRIDGE);
	if (n->bridge < 0)
		return fail(n, n->bridge, "bridge " NET_BRIDGE);
	/* A fixed Ethernet address: a bridge left to itself takes the lowest of
	 * its ports' and changes it as veths come and go, and a pod that cached
	 * the old one in its ARP table then sends to a port's address, which
	 * the bridge passes up as another host's and IP drops: the pod's
	 * traffic through the gateway hangs until its ARP entry expires. This
	 * one is locally administered and derived from the bridge's IP. */
	unsigned char mac[6] = {0x02, 0x50, (unsigned char)(n->gw >> 24), (unsigned char)(n->gw >> 16),
				(unsigned char)(n->gw >> 8), (unsigned char)n->gw};
	if ((rc = net_link_set_mac(&n->rt, n->bridge, mac)))
		return fail(n, rc, "bridge address (Ethernet)");
	if ((rc = net_addr_flush(&n->rt, n->bridge)) || (rc = net_addr_add(&n->rt, n->bridge, n->gw, n->prefix)))
		return fail(n, rc, "bridge address");
	/* no ICMP redirects from the bridge: a pod's packet to a ClusterIP is
	 * DNATed and sent back out of the bridge, and a redirect would teach
	 * the pod to send the ClusterIP's next packets straight to the
	 * endpoint, which drops them (the kernel ORs "all" with the device) */
	if ((rc = net_sysctl("net/ipv4/conf/all/send_redirects", "0")) ||
	    (rc = net_sysctl("net/ipv4/conf/" NET_BRIDGE "/send_redirects", "0")))
		return fail(n, rc, "send_redirects");
	/* the Service range routes to the bridge: a ClusterIP without
	 * endpoints reaches the rule that refuses it, and never leaks out by
	 * the default route */
	if ((rc = net_link_up(&n->rt, n->bridge)) ||
	    (rc = net_route_link(&n->rt, n->svc_net, n->svc_prefix, n->bridge)))
		return fail(n, rc, "the Service range's route");
	if ((rc = leases(n, data)))
		return rc;
	if (!(n->batch = malloc(NET_NFT_BATCH)))
		return fail(n, -ENOMEM, "nftables batch");
	n->up = true;
	return 0;
}

void net_fini(struct net *n)
{
	if (n->up) {
		struct nl_msg m;
		nl_init(&m, n->batch, NET_NFT_BATCH);
		net_nft_remove(&n->nft, &m);
		net_link_each(&n->rt, NET_VETH_PREFIX, sweep_one, n);
		net_addr_flush(&n->rt, n->bridge);
		net_link_del(&n->rt, n->bridge);
	}
	free(n->batch);
	n->batch = NULL;
	ipam_fini(&n->pods);
	ipam_fini(&n->svcs);
	ipam_fini(&n->ports);
	nl_close(&n->rt);
	nl_close(&n->nft);
	n->up = false;
}

int net_attach(struct net *n, const char *key, int netns, struct net_attach *a, char *why,
	       size_t len)
{
	if (!n->up) {
		snprintf(why, len, "the pod network is not available: %s", n->err);
		return -ENETDOWN;
	}
	if (n->self_netns < 0) {
		snprintf(why, len, "podinit cannot name its own network namespace to return to");
		return -EBADF;
	}
	uint32_t ip;
	int rc = ipam_get(&n->pods, key, &ip);
	if (rc) {
		ipam_put(&n->pods, key); /* a save that failed may have left it taken */
		char r[16];
		net_fmt_ip(n->net, r);
		if (rc == -ENOSPC)
			snprintf(why, len, "no address left in %s/%u", r, n->prefix);
		else
			snprintf(why, len, "cannot keep its address: %s", strerror(-rc));
		return rc;
	}
	snprintf(a->veth, sizeof a->veth, NET_VETH_PREFIX "%08x", ip);
	int old = net_link_index(&n->rt, a->veth);
	if (old > 0)
		net_link_del(&n->rt, old); /* a stale pair of the same address */
	struct nl_sock in;
	if ((rc = nl_open(&in, NETLINK_ROUTE, netns, n->self_netns))) {
		snprintf(why, len, "netlink in the pod's namespace: %s", strerror(-rc));
		a->veth[0] = 0;
		ipam_put(&n->pods, key);
		return rc;
	}
	const char *step = "veth";
	rc = net_link_veth(&n->rt, a->veth, n->bridge, "eth0", netns);
	const char *err = n->rt.err;
	int eth0 = rc ? rc : net_link_index(&in, "eth0"), lo = net_link_index(&in, "lo");
	if (!rc && (eth0 < 0 || lo < 0))
		rc = eth0 < 0 ? eth0 : lo;
	if (!rc) {
		err = in.err;
		step = "the pod's eth0";
		if (!(rc = net_link_up(&in, lo)) && !(rc = net_link_up(&in, eth0)) &&
		    !(rc = net_addr_add(&in, eth0, ip, n->prefix)))
			rc = net_route_default(&in, n->gw, eth0);
	}
	if (rc)
		snprintf(why, len, "%s: %s%s%s", step, strerror(-rc), err[0] ? " - " : "", err);
	nl_close(&in);
	if (rc) {
		net_detach(n, key, a);
		return rc;
	}
	a->ip = ip;
	return 0;
}

void net_detach(struct net *n, const char *key, struct net_attach *a)
{
	if (n->up && a->veth[0]) {
		int index = net_link_index(&n->rt, a->veth);
		if (index > 0)
			net_link_del(&n->rt, index);
	}
	if (n->up && (a->veth[0] || a->ip))
		ipam_put(&n->pods, key);
	a->veth[0] = 0;
	a->ip = 0;
}
