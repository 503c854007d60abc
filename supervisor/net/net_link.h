/* net_link.h - links, addresses, routes and the few sysctls, through
 * rtnetlink (nl.h): the bridge, a pod's veth pair, lo, the uplink.
 * Every call takes the rtnetlink socket of the namespace it acts in
 * (nl_open with that namespace), returns 0 or -errno, and leaves the
 * kernel's reason in s->err. Addresses are IPv4, host byte order. */
#ifndef PODINIT_NET_LINK_H
#define PODINIT_NET_LINK_H

#include <stdbool.h>
#include <stdint.h>
#include "nl.h"

#define NET_IFNAME 16 /* IFNAMSIZ */

/* ifindex of name in s's namespace, -ENODEV when there is none */
int net_link_index(struct nl_sock *s, const char *name);
/* The bridge name (kept when it exists), up. ifindex or -errno. */
int net_link_bridge(struct nl_sock *s, const char *name);
/* A veth pair: host_name here, enslaved to bridge_ifindex and up, with
 * hairpin on (a pod reaching itself through a Service); its peer created
 * right in the namespace peer_netns as peer_name. 0 or -errno. */
int net_link_veth(struct nl_sock *s, const char *host_name, int bridge_ifindex,
		  const char *peer_name, int peer_netns);
int net_link_up(struct nl_sock *s, int ifindex);
/* Sets the link's Ethernet address. 0 or -errno. */
int net_link_set_mac(struct nl_sock *s, int ifindex, const unsigned char mac[6]);
int net_link_del(struct nl_sock *s, int ifindex);
/* ip/prefix on ifindex (EEXIST is no error). */
int net_addr_add(struct nl_sock *s, int ifindex, uint32_t ip, unsigned prefix);
/* Every IPv4 address of ifindex removed (a sweep, or a new range). */
int net_addr_flush(struct nl_sock *s, int ifindex);
/* The default route through gw (replaced when there is one). */
int net_route_default(struct nl_sock *s, uint32_t gw, int ifindex);
/* dst/prefix on the link ifindex (no gateway), replacing one there. */
int net_route_link(struct nl_sock *s, uint32_t dst, unsigned prefix, int ifindex);
/* Calls fn for each link whose name starts with prefix (to sweep). */
int net_link_each(struct nl_sock *s, const char *prefix,
		  void (*fn)(int ifindex, const char *name, void *arg), void *arg);
/* /proc/sys/KEY = VALUE in our own namespace. 0 or -errno. */
int net_sysctl(const char *key, const char *value);

/* "10.88.0.1/16" -> ip, prefix; 0 or -EINVAL */
int net_parse_cidr(const char *s, uint32_t *ip, unsigned *prefix);
/* A.B.C.D into host byte order: 0 or -EINVAL. */
int net_parse_ip(const char *s, uint32_t *ip);
void net_fmt_ip(uint32_t ip, char out[16]);

#endif
