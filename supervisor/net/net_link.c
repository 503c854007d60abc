/* net_link.c - rtnetlink requests for links, addresses and routes.
 *
 * Requests are built in a small buffer on the stack (a link or address
 * message is well under a kilobyte); answers to GET requests are read
 * through nl_call's callback. */
#include "net_link.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MSG_BYTES 1024

struct msgbuf {
	uint32_t words[MSG_BYTES / 4];
	struct nl_msg m;
};

static struct nl_msg *msg(struct msgbuf *b)
{
	nl_init(&b->m, b->words, sizeof b->words);
	return &b->m;
}

/* ---- GET link ----------------------------------------------------------- */

static int got_index(const void *nlmsg, size_t len, void *arg)
{
	(void)len;
	const struct ifinfomsg *ifi = NLMSG_DATA((const struct nlmsghdr *)nlmsg);
	*(int *)arg = ifi->ifi_index;
	return 0;
}

int net_link_index(struct nl_sock *s, const char *name)
{
	struct msgbuf b;
	struct nl_msg *m = msg(&b);
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	nl_begin(m, RTM_GETLINK, 0, &ifi, sizeof ifi);
	nl_put_str(m, IFLA_IFNAME, name);
	nl_end(m);
	int index = 0;
	int rc = nl_call(s, m, got_index, &index);
	if (rc)
		return rc;
	return index > 0 ? index : -ENODEV;
}

/* ---- NEWLINK ------------------------------------------------------------ */

int net_link_bridge(struct nl_sock *s, const char *name)
{
	int index = net_link_index(s, name);
	if (index == -ENODEV) {
		struct msgbuf b;
		struct nl_msg *m = msg(&b);
		struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
		nl_begin(m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
		nl_put_str(m, IFLA_IFNAME, name);
		nl_nest_start(m, IFLA_LINKINFO);
		nl_put_str(m, IFLA_INFO_KIND, "bridge");
		nl_nest_end(m);
		nl_end(m);
		int rc = nl_talk(s, m);
		if (rc && rc != -EEXIST)
			return rc;
		index = net_link_index(s, name);
	}
	if (index < 0)
		return index;
	int rc = net_link_up(s, index);
	return rc ? rc : index;
}

int net_link_veth(struct nl_sock *s, const char *host_name, int bridge_ifindex,
		  const char *peer_name, int peer_netns)
{
	struct msgbuf b;
	struct nl_msg *m = msg(&b);
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	nl_begin(m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
	nl_put_str(m, IFLA_IFNAME, host_name);
	nl_put_u32(m, IFLA_MASTER, (uint32_t)bridge_ifindex);
	nl_nest_start(m, IFLA_LINKINFO);
	nl_put_str(m, IFLA_INFO_KIND, "veth");
	nl_nest_start(m, IFLA_INFO_DATA);
	nl_nest_start(m, VETH_INFO_PEER);
	/* the peer's own ifinfomsg comes first in VETH_INFO_PEER */
	struct ifinfomsg peer = {.ifi_family = AF_UNSPEC};
	nl_put_raw(m, &peer, sizeof peer);
	nl_put_str(m, IFLA_IFNAME, peer_name);
	nl_put_u32(m, IFLA_NET_NS_FD, (uint32_t)peer_netns);
	nl_nest_end(m);
	nl_nest_end(m);
	nl_nest_end(m);
	nl_end(m);
	int rc = nl_talk(s, m);
	if (rc)
		return rc;
	int index = net_link_index(s, host_name);
	if (index < 0)
		return index;
	/* hairpin: a pod's packet to a Service may come back to the same port */
	nl_reset(m);
	ifi.ifi_index = index;
	nl_begin(m, RTM_NEWLINK, 0, &ifi, sizeof ifi);
	nl_nest_start(m, IFLA_LINKINFO);
	nl_put_str(m, IFLA_INFO_SLAVE_KIND, "bridge");
	nl_nest_start(m, IFLA_INFO_SLAVE_DATA);
	nl_put_u8(m, IFLA_BRPORT_MODE, 1);
	nl_nest_end(m);
	nl_nest_end(m);
	nl_end(m);
	rc = nl_talk(s, m);
	return rc ? rc : net_link_up(s, index);
}

int net_link_up(struct nl_sock *s, int ifindex)
{
	struct msgbuf b;
	struct nl_msg *m = msg(&b);
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex, .ifi_flags = IFF_UP,
				.ifi_change = IFF_UP};
	nl_begin(m, RTM_NEWLINK, 0, &ifi, sizeof ifi);
	nl_end(m);
	return nl_talk(s, m);
}

int net_link_set_mac(struct nl_sock *s, int ifindex, const unsigned char mac[6])
{
	struct msgbuf b;
	struct nl_msg *m = msg(&b);
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	nl_begin(m, RTM_NEWLINK, 0, &ifi, sizeof ifi);
	nl_put(m, IFLA_ADDRESS, mac, 6);
	nl_end(m);
	return nl_talk(s, m);
}

int net_link_del(struct nl_sock *s, int ifindex)
{
	struct msgbuf b;
	struct nl_msg *m = msg(&b);
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	nl_begin(m, RTM_DELLINK, 0, &ifi, sizeof ifi);
	nl_end(m);
	int rc = nl_talk(s, m);
	return rc == -ENODEV ? 0 : rc;
}

/* ---- addresses and routes ----------------------------------------------- */

int net_addr_add(struct nl_sock *s, int ifindex, uint32_t ip, unsigned prefix)
{
	struct msgbuf b;
	struct nl_msg *m = msg(&b);
	struct ifaddrmsg ifa = {.ifa_family = AF_INET, .ifa_prefixlen = (unsigned char)prefix,
				.ifa_index = (unsigned)ifindex, .ifa_scope = RT_SCOPE_UNIVERSE};
	nl_begin(m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof ifa);
	nl_put_be32(m, IFA_LOCAL, ip);
	nl_put_be32(m, IFA_ADDRESS, ip);
	if (prefix < 31)
		nl_put_be32(m, IFA_BROADCAST, ip | (prefix ? ~0U >> prefix : ~0U));
	nl_end(m);
	int rc = nl_talk(s, m);
	return rc == -EEXIST ? 0 : rc;
}

struct addr_list {
	int ifindex;
	uint32_t ip[16];
	unsigned prefix[16], n;
};

static int addr_attr(uint16_t type, const void *data, size_t len, void *arg)
{
	uint32_t *ip = arg;
	if (type == IFA_LOCAL && len == 4)
		memcpy(ip, data, 4);
	return 0;
}

static int got_addr(const void *nlmsg, size_t len, void *arg)
{
	(void)len;
	struct addr_list *l = arg;
	const struct ifaddrmsg *ifa = NLMSG_DATA((const struct nlmsghdr *)nlmsg);
	if ((int)ifa->ifa_index != l->ifindex || l->n == 16)
		return 0;
	uint32_t be = 0;
	nl_attrs(nlmsg, sizeof *ifa, addr_attr, &be);
	l->ip[l->n] = ntohl(be);
	l->prefix[l->n++] = ifa->ifa_prefixlen;
	return 0;
}

int net_addr_flush(struct nl_sock *s, int ifindex)
{
	struct msgbuf b;
	struct nl_msg *m = msg(&b);
	struct ifaddrmsg ifa = {.ifa_family = AF_INET};
	nl_begin(m, RTM_GETADDR, 0, &ifa, sizeof ifa);
	nl_end(m);
	struct addr_list l = {.ifindex = ifindex};
	int rc = nl_dump(s, m, got_addr, &l);
	for (unsigned i = 0; !rc && i < l.n; i++) {
		nl_reset(m);
		struct ifaddrmsg del = {.ifa_family = AF_INET, .ifa_prefixlen = (unsigned char)l.prefix[i],
					.ifa_index = (unsigned)ifindex};
		nl_begin(m, RTM_DELADDR, 0, &del, sizeof del);
		nl_put_be32(m, IFA_LOCAL, l.ip[i]);
		nl_end(m);
		rc = nl_talk(s, m);
		if (rc == -EADDRNOTAVAIL)
			rc = 0;
	}
	return rc;
}

int net_route_default(struct nl_sock *s, uint32_t gw, int ifindex)
{
	struct msgbuf b;
	struct nl_msg *m = msg(&b);
	struct rtmsg rt = {.rtm_family = AF_INET, .rtm_table = RT_TABLE_MAIN,
			   .rtm_protocol = RTPROT_BOOT, .rtm_scope = RT_SCOPE_UNIVERSE,
			   .rtm_type = RTN_UNICAST};
	nl_begin(m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, &rt, sizeof rt);
	nl_put_be32(m, RTA_GATEWAY, gw);
	nl_put_u32(m, RTA_OIF, (uint32_t)ifindex);
	nl_end(m);
	return nl_talk(s, m);
}

int net_route_link(struct nl_sock *s, uint32_t dst, unsigned prefix, int ifindex)
{
	struct msgbuf b;
	struct nl_msg *m = msg(&b);
	struct rtmsg rt = {.rtm_family = AF_INET, .rtm_dst_len = (unsigned char)prefix,
			   .rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_BOOT,
			   .rtm_scope = RT_SCOPE_LINK, .rtm_type = RTN_UNICAST};
	nl_begin(m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, &rt, sizeof rt);
	nl_put_be32(m, RTA_DST, dst);
	nl_put_u32(m, RTA_OIF, (uint32_t)ifindex);
	nl_end(m);
	return nl_talk(s, m);
}

/* ---- a sweep -------------------------------------------------------------- */

struct each {
	const char *prefix;
	void (*fn)(int ifindex, const char *name, void *arg);
	void *arg;
	int index[64];
	char name[64][NET_IFNAME];
	unsigned n;
};

static int name_attr(uint16_t type, const void *data, size_t len, void *arg)
{
	if (type == IFLA_IFNAME && len && len <= NET_IFNAME)
		snprintf(arg, NET_IFNAME, "%.*s", (int)len, (const char *)data);
	return 0;
}

static int got_link(const void *nlmsg, size_t len, void *arg)
{
	(void)len;
	struct each *e = arg;
	const struct ifinfomsg *ifi = NLMSG_DATA((const struct nlmsghdr *)nlmsg);
	char name[NET_IFNAME] = "";
	nl_attrs(nlmsg, sizeof *ifi, name_attr, name);
	if (e->n < 64 && !strncmp(name, e->prefix, strlen(e->prefix))) {
		e->index[e->n] = ifi->ifi_index;
		memcpy(e->name[e->n++], name, NET_IFNAME);
	}
	return 0;
}

int net_link_each(struct nl_sock *s, const char *prefix,
		  void (*fn)(int ifindex, const char *name, void *arg), void *arg)
{
	struct msgbuf b;
	struct nl_msg *m = msg(&b);
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	nl_begin(m, RTM_GETLINK, 0, &ifi, sizeof ifi);
	nl_end(m);
	static struct each e; /* 1.3 KiB: not on PID 1's stack */
	e.prefix = prefix;
	e.n = 0;
	int rc = nl_dump(s, m, got_link, &e);
	/* called after the dump: fn may send requests of its own */
	for (unsigned i = 0; !rc && i < e.n; i++)
		fn(e.index[i], e.name[i], arg);
	return rc;
}

/* ---- sysctl and addresses as text ---------------------------------------- */

int net_sysctl(const char *key, const char *value)
{
	char path[128];
	snprintf(path, sizeof path, "/proc/sys/%s", key);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t n = strlen(value);
	ssize_t w = write(fd, value, n);
	int err = w == (ssize_t)n ? 0 : w < 0 ? -errno : -EIO;
	close(fd);
	return err;
}

int net_parse_cidr(const char *s, uint32_t *ip, unsigned *prefix)
{
	char buf[32];
	const char *slash = strchr(s, '/');
	if (!slash || (size_t)(slash - s) >= sizeof buf)
		return -EINVAL;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = 0;
	struct in_addr a;
	char *end;
	long p = strtol(slash + 1, &end, 10);
	if (inet_pton(AF_INET, buf, &a) != 1 || !slash[1] || *end || p < 8 || p > 30)
		return -EINVAL;
	*ip = ntohl(a.s_addr);
	*prefix = (unsigned)p;
	return 0;
}

int net_parse_ip(const char *s, uint32_t *ip)
{
	struct in_addr a;
	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*ip = ntohl(a.s_addr);
	return 0;
}

void net_fmt_ip(uint32_t ip, char out[16])
{
	snprintf(out, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}
