/* net_nft.c - the nf_tables batch for the "ip podinit" table.
 *
 *   table ip podinit
 *     chain prerouting  nat hook prerouting priority -100: jump services
 *     chain output      nat hook output priority -100:     jump services
 *     chain postrouting nat hook postrouting priority 100:
 *       ct status dnat masquerade
 *       ip saddr POD_NET oifname != BRIDGE masquerade
 *     chain services
 *       [ip daddr A | fib daddr type local] l4proto P th dport N goto ep-I   (entries with endpoints)
 *     chain ep-I: one of its endpoints, chosen at random: numgen random mod
 *       (k) == 0 dnat to ip:port, for k = n..1 (each rule takes its share of
 *       what the earlier ones left)
 *     chain filter-{input,forward,output} filter hooks priority 0:
 *       [match] reject                                      (entries without)
 *       ip daddr SVC_NET reject   (forward, output: a ClusterIP packet that was
 *                                  not DNATed, e.g. a flow conntrack knew before
 *                                  its Service had endpoints, is refused, never
 *                                  routed on to nowhere)
 *
 * The batch begins by creating the table (harmless when it exists) and
 * deleting it, so that the new one replaces it in the same transaction. */
#include "net_nft.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#define T(msg) ((uint16_t)((NFNL_SUBSYS_NFTABLES << 8) | (msg)))

static void begin(struct nl_msg *m, uint16_t msg, uint16_t flags)
{
	struct nfgenmsg g = {.nfgen_family = NFPROTO_IPV4, .version = NFNETLINK_V0};
	nl_begin(m, T(msg), flags, &g, sizeof g);
}

static void batch(struct nl_msg *m, uint16_t type)
{
	struct nfgenmsg g = {.nfgen_family = AF_UNSPEC, .version = NFNETLINK_V0,
			     .res_id = htons(NFNL_SUBSYS_NFTABLES)};
	nl_begin(m, type, 0, &g, sizeof g);
	nl_noack(m);
	nl_end(m);
}

/* ---- expressions ------------------------------------------------------- */

static void expr_open(struct nl_msg *m, const char *name)
{
	nl_nest_start(m, NFTA_LIST_ELEM);
	nl_put_str(m, NFTA_EXPR_NAME, name);
	nl_nest_start(m, NFTA_EXPR_DATA);
}

static void expr_close(struct nl_msg *m)
{
	nl_nest_end(m);
	nl_nest_end(m);
}

static void data(struct nl_msg *m, uint16_t attr, const void *v, size_t len)
{
	nl_nest_start(m, attr);
	nl_put(m, NFTA_DATA_VALUE, v, len);
	nl_nest_end(m);
}

static void payload(struct nl_msg *m, uint32_t base, uint32_t off, uint32_t len)
{
	expr_open(m, "payload");
	nl_put_be32(m, NFTA_PAYLOAD_DREG, NFT_REG_1);
	nl_put_be32(m, NFTA_PAYLOAD_BASE, base);
	nl_put_be32(m, NFTA_PAYLOAD_OFFSET, off);
	nl_put_be32(m, NFTA_PAYLOAD_LEN, len);
	expr_close(m);
}

static void cmp(struct nl_msg *m, uint32_t op, const void *v, size_t len)
{
	expr_open(m, "cmp");
	nl_put_be32(m, NFTA_CMP_SREG, NFT_REG_1);
	nl_put_be32(m, NFTA_CMP_OP, op);
	data(m, NFTA_CMP_DATA, v, len);
	expr_close(m);
}

static void meta(struct nl_msg *m, uint32_t key)
{
	expr_open(m, "meta");
	nl_put_be32(m, NFTA_META_DREG, NFT_REG_1);
	nl_put_be32(m, NFTA_META_KEY, key);
	expr_close(m);
}

static void bitwise(struct nl_msg *m, const void *mask, const void *xor, uint32_t len)
{
	expr_open(m, "bitwise");
	nl_put_be32(m, NFTA_BITWISE_SREG, NFT_REG_1);
	nl_put_be32(m, NFTA_BITWISE_DREG, NFT_REG_1);
	nl_put_be32(m, NFTA_BITWISE_LEN, len);
	data(m, NFTA_BITWISE_MASK, mask, len);
	data(m, NFTA_BITWISE_XOR, xor, len);
	expr_close(m);
}

static void verdict(struct nl_msg *m, int code, const char *chain)
{
	expr_open(m, "immediate");
	nl_put_be32(m, NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT);
	nl_nest_start(m, NFTA_IMMEDIATE_DATA);
	nl_nest_start(m, NFTA_DATA_VERDICT);
	nl_put_be32(m, NFTA_VERDICT_CODE, (uint32_t)code);
	if (chain)
		nl_put_str(m, NFTA_VERDICT_CHAIN, chain);
	nl_nest_end(m);
	nl_nest_end(m);
	expr_close(m);
}

static void immediate(struct nl_msg *m, uint32_t reg, const void *v, size_t len)
{
	expr_open(m, "immediate");
	nl_put_be32(m, NFTA_IMMEDIATE_DREG, reg);
	data(m, NFTA_IMMEDIATE_DATA, v, len);
	expr_close(m);
}

/* ip daddr == a, or the destination is one of ours (fib daddr type local) */
static void match_dest(struct nl_msg *m, uint32_t addr)
{
	if (addr) {
		uint32_t be = htonl(addr);
		payload(m, NFT_PAYLOAD_NETWORK_HEADER, 16, 4);
		cmp(m, NFT_CMP_EQ, &be, 4);
		return;
	}
	expr_open(m, "fib");
	nl_put_be32(m, NFTA_FIB_DREG, NFT_REG_1);
	nl_put_be32(m, NFTA_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
	nl_put_be32(m, NFTA_FIB_FLAGS, NFTA_FIB_F_DADDR);
	expr_close(m);
	uint32_t local = RTN_LOCAL;
	cmp(m, NFT_CMP_EQ, &local, 4);
}

static void match_port(struct nl_msg *m, uint8_t proto, uint16_t port)
{
	meta(m, NFT_META_L4PROTO);
	cmp(m, NFT_CMP_EQ, &proto, 1);
	uint16_t be = htons(port);
	payload(m, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	cmp(m, NFT_CMP_EQ, &be, 2);
}

/* ---- tables, chains, rules --------------------------------------------- */

static void rule_open(struct nl_msg *m, const char *chain)
{
	begin(m, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);
	nl_put_str(m, NFTA_RULE_TABLE, NET_NFT_TABLE);
	nl_put_str(m, NFTA_RULE_CHAIN, chain);
	nl_nest_start(m, NFTA_RULE_EXPRESSIONS);
}

static void rule_close(struct nl_msg *m)
{
	nl_nest_end(m);
	nl_end(m);
}

static void chain(struct nl_msg *m, const char *name, const char *type, int hook, int prio)
{
	begin(m, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
	nl_put_str(m, NFTA_CHAIN_TABLE, NET_NFT_TABLE);
	nl_put_str(m, NFTA_CHAIN_NAME, name);
	if (type) {
		nl_nest_start(m, NFTA_CHAIN_HOOK);
		nl_put_be32(m, NFTA_HOOK_HOOKNUM, (uint32_t)hook);
		nl_put_be32(m, NFTA_HOOK_PRIORITY, (uint32_t)prio);
		nl_nest_end(m);
		nl_put_be32(m, NFTA_CHAIN_POLICY, NF_ACCEPT);
		nl_put_str(m, NFTA_CHAIN_TYPE, type);
	}
	nl_end(m);
}

static void table(struct nl_msg *m, uint16_t msg, uint16_t flags)
{
	begin(m, msg, flags);
	nl_put_str(m, NFTA_TABLE_NAME, NET_NFT_TABLE);
	nl_end(m);
}

static void jump_rule(struct nl_msg *m, const char *from, const char *to)
{
	rule_open(m, from);
	verdict(m, NFT_JUMP, to);
	rule_close(m);
}

static void postrouting(struct nl_msg *m, const struct nft_cfg *cfg)
{
	/* ct status & dnat != 0: masquerade */
	rule_open(m, "postrouting");
	expr_open(m, "ct");
	nl_put_be32(m, NFTA_CT_DREG, NFT_REG_1);
	nl_put_be32(m, NFTA_CT_KEY, NFT_CT_STATUS);
	expr_close(m);
	uint32_t mask = IPS_DST_NAT, zero = 0;
	bitwise(m, &mask, &zero, 4);
	cmp(m, NFT_CMP_NEQ, &zero, 4);
	expr_open(m, "masq");
	expr_close(m);
	rule_close(m);
	/* ip saddr POD_NET/PREFIX oifname != BRIDGE: masquerade (egress) */
	rule_open(m, "postrouting");
	payload(m, NFT_PAYLOAD_NETWORK_HEADER, 12, 4);
	uint32_t netmask = htonl(cfg->pod_prefix ? ~0U << (32 - cfg->pod_prefix) : 0);
	uint32_t net = htonl(cfg->pod_net) & netmask;
	bitwise(m, &netmask, &zero, 4);
	cmp(m, NFT_CMP_EQ, &net, 4);
	meta(m, NFT_META_OIFNAME);
	char name[16] = {0};
	snprintf(name, sizeof name, "%s", cfg->bridge);
	cmp(m, NFT_CMP_NEQ, name, sizeof name);
	expr_open(m, "masq");
	expr_close(m);
	rule_close(m);
}

static void dnat(struct nl_msg *m, const struct nft_endpoint *ep)
{
	uint32_t ip = htonl(ep->ip);
	uint16_t port = htons(ep->port);
	immediate(m, NFT_REG_1, &ip, 4);
	immediate(m, NFT_REG_2, &port, 2);
	expr_open(m, "nat");
	nl_put_be32(m, NFTA_NAT_TYPE, NFT_NAT_DNAT);
	nl_put_be32(m, NFTA_NAT_FAMILY, NFPROTO_IPV4);
	nl_put_be32(m, NFTA_NAT_REG_ADDR_MIN, NFT_REG_1);
	nl_put_be32(m, NFTA_NAT_REG_PROTO_MIN, NFT_REG_2);
	nl_put_be32(m, NFTA_NAT_FLAGS, NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED);
	expr_close(m);
}

/* reject: a TCP reset for TCP, else ICMP port unreachable (both ECONNREFUSED) */
static void reject(struct nl_msg *m, bool tcp)
{
	expr_open(m, "reject");
	if (tcp) {
		nl_put_be32(m, NFTA_REJECT_TYPE, NFT_REJECT_TCP_RST);
	} else {
		nl_put_be32(m, NFTA_REJECT_TYPE, NFT_REJECT_ICMP_UNREACH);
		nl_put_u8(m, NFTA_REJECT_ICMP_CODE, 3); /* port unreachable */
	}
	expr_close(m);
}

static void entry(struct nl_msg *m, const struct nft_entry *e, unsigned i)
{
	char ep_chain[24];
	snprintf(ep_chain, sizeof ep_chain, "ep-%u", i);
	if (!e->nep) {
		/* no endpoint: refused at once, wherever the packet goes */
		static const char *const where[] = {"filter-input", "filter-forward", "filter-output"};
		for (int w = 0; w < 3; w++) {
			rule_open(m, where[w]);
			match_dest(m, e->addr);
			match_port(m, e->proto, e->port);
			reject(m, e->proto == IPPROTO_TCP);
			rule_close(m);
		}
		return;
	}
	chain(m, ep_chain, NULL, 0, 0);
	rule_open(m, "services");
	match_dest(m, e->addr);
	match_port(m, e->proto, e->port);
	verdict(m, NFT_GOTO, ep_chain);
	rule_close(m);
	for (unsigned k = 0; k < e->nep; k++) {
		rule_open(m, ep_chain);
		unsigned left = e->nep - k;
		if (left > 1) {
			expr_open(m, "numgen");
			nl_put_be32(m, NFTA_NG_DREG, NFT_REG_1);
			nl_put_be32(m, NFTA_NG_MODULUS, left);
			nl_put_be32(m, NFTA_NG_TYPE, NFT_NG_RANDOM);
			expr_close(m);
			uint32_t zero = 0;
			cmp(m, NFT_CMP_EQ, &zero, 4);
		}
		dnat(m, &e->ep[k]);
		rule_close(m);
	}
}

/* ip daddr SVC_NET [meta l4proto tcp] reject (with tcp reset) */
static void range_reject(struct nl_msg *m, const char *chain_name, const struct nft_cfg *cfg, bool tcp)
{
	rule_open(m, chain_name);
	payload(m, NFT_PAYLOAD_NETWORK_HEADER, 16, 4);
	uint32_t mask = htonl(~0U << (32 - cfg->svc_prefix)), zero = 0;
	uint32_t net = htonl(cfg->svc_net) & mask;
	bitwise(m, &mask, &zero, 4);
	cmp(m, NFT_CMP_EQ, &net, 4);
	if (tcp) {
		meta(m, NFT_META_L4PROTO);
		uint8_t proto = IPPROTO_TCP;
		cmp(m, NFT_CMP_EQ, &proto, 1);
	}
	reject(m, tcp);
	rule_close(m);
}

int net_nft_apply(struct nl_sock *s, struct nl_msg *m, const struct nft_cfg *cfg,
		  const struct nft_entry *e, unsigned n)
{
	nl_reset(m);
	batch(m, NFNL_MSG_BATCH_BEGIN);
	table(m, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	table(m, NFT_MSG_DELTABLE, 0);
	table(m, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	chain(m, "services", NULL, 0, 0);
	chain(m, "prerouting", "nat", NF_INET_PRE_ROUTING, -100);
	chain(m, "output", "nat", NF_INET_LOCAL_OUT, -100);
	chain(m, "postrouting", "nat", NF_INET_POST_ROUTING, 100);
	chain(m, "filter-input", "filter", NF_INET_LOCAL_IN, 0);
	chain(m, "filter-forward", "filter", NF_INET_FORWARD, 0);
	chain(m, "filter-output", "filter", NF_INET_LOCAL_OUT, 0);
	jump_rule(m, "prerouting", "services");
	jump_rule(m, "output", "services");
	postrouting(m, cfg);
	for (unsigned i = 0; i < n; i++)
		entry(m, &e[i], i);
	if (cfg->svc_prefix)
		for (int r = 0; r < 4; r++) /* forward and output; TCP with a reset, the rest ICMP */
			range_reject(m, r & 1 ? "filter-output" : "filter-forward", cfg, r < 2);
	batch(m, NFNL_MSG_BATCH_END);
	return nl_talk(s, m);
}

int net_nft_remove(struct nl_sock *s, struct nl_msg *m)
{
	nl_reset(m);
	batch(m, NFNL_MSG_BATCH_BEGIN);
	table(m, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	table(m, NFT_MSG_DELTABLE, 0);
	batch(m, NFNL_MSG_BATCH_END);
	return nl_talk(s, m);
}
