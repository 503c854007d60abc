/* services.c - Services, hostPorts and /etc/hosts (services.h).
 *
 * Everything is derived again on each sync from the manifests and the
 * pods' states; only a change of the result touches the kernel, so a
 * sync after an unrelated event costs a walk and two hashes. */
#include "services.h"
#include "base.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "net.h"
#include "net_link.h"
#include "node.h"
#include "pod.h"
#include "mset.h"
#include "scan.h"

#define HOSTS_BYTES (LIM_SVC_ENTRIES * 512) /* /etc/hosts of one pod: a line per Service at most */


/* the namespace, "default" when the manifest gave none (manifest_check fills it in) */
static const char *ns_of(const struct mf_meta *m)
{
	return m->namespace_.s;
}

/* The address a pod answers on: its own, or the device's (hostNetwork). */
static uint32_t pod_addr(const struct node *n, const struct pod *p)
{
	return pod_host_network(p) ? n->net->host_ip : p->net.ip;
}

static bool selects(const struct mf_service *s, const struct pod *p)
{
	const struct mf_kv *want = s->spec.selector.v, *have = p->spec->meta.labels.v;
	if (!s->spec.selector.n || strcmp(ns_of(&s->meta), ns_of(&p->spec->meta)))
		return false; /* a Service without a selector has no endpoints here */
	for (uint32_t i = 0; i < s->spec.selector.n; i++) {
		uint32_t k = 0;
		while (k < p->spec->meta.labels.n &&
		       (strcmp(have[k].key.s, want[i].key.s) || strcmp(have[k].val.s, want[i].val.s)))
			k++;
		if (k == p->spec->meta.labels.n)
			return false;
	}
	return true;
}

/* targetPort on pod p: the number, or the container port of that name */
static uint16_t target_port(const struct mf_svc_port *sp, const struct pod *p)
{
	if (!sp->target_port.s)
		return (uint16_t)sp->target_port.i;
	const struct mf_list *lists[2] = {&p->spec->spec.init_containers, &p->spec->spec.containers};
	for (int l = 0; l < 2; l++) {
		const struct mf_container *c = lists[l]->v;
		for (uint32_t i = 0; i < lists[l]->n; i++) {
			const struct mf_port *cp = c[i].ports.v;
			for (uint32_t k = 0; k < c[i].ports.n; k++)
				if (cp[k].name.set && !strcmp(cp[k].name.s, sp->target_port.s) &&
				    !strcmp(cp[k].protocol.s, sp->protocol.s))
					return (uint16_t)cp[k].container_port.i;
		}
	}
	return 0;
}

static uint8_t proto_of(const char *p)
{
	return !strcmp(p, "UDP") ? IPPROTO_UDP : !strcmp(p, "SCTP") ? IPPROTO_SCTP : IPPROTO_TCP;
}

/* ---- building the entries ---------------------------------------------- */

struct build {
	struct node *n;
	struct services *s;
	char conflicts[512];
	size_t clen;
	uint64_t chash;
};

static void conflict(struct build *b, const char *who, uint8_t proto, uint16_t port)
{
	char line[160];
	int l = snprintf(line, sizeof line, "%s%s %u/%s", b->clen ? "; " : "", who, (unsigned)port,
			 proto == IPPROTO_UDP ? "UDP" : "TCP");
	b->chash = fnv1a(b->chash, line, (size_t)l);
	if (l > 0 && b->clen + (size_t)l < sizeof b->conflicts) {
		memcpy(b->conflicts + b->clen, line, (size_t)l + 1);
		b->clen += (size_t)l;
	}
}

/* A new entry for proto/addr/port, or NULL when it is taken or full. */
static struct nft_entry *entry(struct build *b, const char *who, uint8_t proto, uint32_t addr,
			       uint16_t port)
{
	struct services *s = b->s;
	/* a ClusterIP is no local address, so it never meets a port on
	 * every address: only the same address and port clash */
	for (unsigned i = 0; i < s->nentries; i++) {
		const struct nft_entry *e = &s->entries[i];
		if (e->proto == proto && e->port == port && e->addr == addr) {
			conflict(b, who, proto, port);
			return NULL;
		}
	}
	if (s->nentries == LIM_SVC_ENTRIES) {
		conflict(b, who, proto, port);
		return NULL;
	}
	struct nft_entry *e = &s->entries[s->nentries++];
	*e = (struct nft_entry){proto, addr, port, 0, s->endpoints + s->nendpoints};
	return e;
}

static void endpoint(struct build *b, struct nft_entry *e, uint32_t ip, uint16_t port)
{
	struct services *s = b->s;
	if (!ip || !port || s->nendpoints == LIM_SVC_ENDPOINTS)
		return;
	s->endpoints[s->nendpoints++] = (struct nft_endpoint){ip, port};
	e->nep++;
}

/* The ready pods behind one port of a Service, into e. */
static void endpoints_of(struct build *b, const struct mf_service *svc, const struct mf_svc_port *sp,
			 struct nft_entry *e)
{
	for (const struct pod *p = b->n->pods; p; p = p->next)
		if (p->stage < PS_TERMINATING && pod_ready(p) && selects(svc, p))
			endpoint(b, e, pod_addr(b->n, p), target_port(sp, p));
}

uint16_t services_node_port(struct node *n, const struct mf_service *svc, uint32_t i)
{
	const struct mf_svc_port *sp = &((const struct mf_svc_port *)svc->spec.ports.v)[i];
	if (sp->node_port.set)
		return (uint16_t)sp->node_port.i;
	char key[IPAM_KEY];
	uint32_t v;
	snprintf(key, sizeof key, "%s/%s/%u", ns_of(&svc->meta), svc->meta.name.s, i);
	return !n->net || ipam_get(&n->net->ports, key, &v) ? 0 : (uint16_t)v;
}

static void service(struct build *b, const struct mf_service *svc)
{
	char who[160];
	snprintf(who, sizeof who, "service/%s", svc->meta.name.s);
	uint32_t vip = services_cluster_ip(b->n, svc);
	bool np = strcmp(svc->spec.type.s, "ClusterIP"), lb = !strcmp(svc->spec.type.s, "LoadBalancer");
	const struct mf_svc_port *sp = svc->spec.ports.v;
	for (uint32_t i = 0; i < svc->spec.ports.n; i++) {
		uint8_t proto = proto_of(sp[i].protocol.s);
		uint16_t ports[3] = {(uint16_t)sp[i].port.i, np ? services_node_port(b->n, svc, i) : 0,
				     lb ? (uint16_t)sp[i].port.i : 0};
		uint32_t addrs[3] = {vip, 0, 0};
		for (int k = 0; k < 3; k++) {
			if (!ports[k] || (k == 0 && !vip))
				continue;
			struct nft_entry *e = entry(b, who, proto, addrs[k], ports[k]);
			if (e)
				endpoints_of(b, svc, &sp[i], e);
		}
	}
}

static void host_ports(struct build *b, const struct pod *p)
{
	if (pod_host_network(p) || !p->net.ip || p->stage >= PS_DONE)
		return;
	char who[160];
	snprintf(who, sizeof who, "pod/%s", p->name);
	const struct mf_list *lists[2] = {&p->spec->spec.init_containers, &p->spec->spec.containers};
	for (int l = 0; l < 2; l++) {
		const struct mf_container *c = lists[l]->v;
		for (uint32_t i = 0; i < lists[l]->n; i++) {
			const struct mf_port *cp = c[i].ports.v;
			for (uint32_t k = 0; k < c[i].ports.n; k++) {
				if (!cp[k].host_port.set || !cp[k].host_port.i)
					continue;
				uint8_t proto = proto_of(cp[k].protocol.s);
				struct nft_entry *e = entry(b, who, proto, 0, (uint16_t)cp[k].host_port.i);
				if (e)
					endpoint(b, e, p->net.ip, (uint16_t)cp[k].container_port.i);
			}
		}
	}
}

/* The Service ns/name of the manifests, or NULL (names repeat across namespaces). */
static const struct mf_object *service_in(const struct node *n, const char *ns, const char *name)
{
	MSET_FOREACH(n->set, f, o)
	if (o->kind == MF_SERVICE && !strcmp(o->service->meta.name.s, name) &&
	    !strcmp(ns_of(&o->service->meta), ns))
		return o;
	return NULL;
}

/* Leases of Services (and their NodePorts) that are gone are given back. */
static void release_gone(struct node *n)
{
	struct ipam *tables[2] = {&n->net->svcs, &n->net->ports};
	for (int t = 0; t < 2; t++)
		for (unsigned i = 0; i < tables[t]->n; i++) {
			struct ipam_lease *l = &tables[t]->l[i];
			if (!l->busy)
				continue;
			char ns[IPAM_KEY], name[IPAM_KEY];
			const char *s = l->key;
			if (!(scan_until(&s, "/", ns, sizeof ns) && scan_lit(&s, "/") &&
			      scan_until(&s, "/", name, sizeof name)))
				continue;
			const struct mf_object *o = service_in(n, ns, name);
			bool keep = o != NULL;
			if (keep && t == 1) {
				unsigned long idx;
				const char *at = strrchr(l->key, '/'); /* ns/name/INDEX */
				keep = at && scan_lit(&at, "/") && scan_uint(&at, 9, UINT_MAX, &idx) &&
				       idx < o->service->spec.ports.n &&
				       strcmp(o->service->spec.type.s, "ClusterIP") &&
				       !((const struct mf_svc_port *)o->service->spec.ports.v)[idx].node_port.set;
			}
			if (!keep)
				ipam_put(tables[t], l->key);
		}
}

/* ---- /etc/hosts ------------------------------------------------------- */

/* p's /etc/hosts into buf: its length, or 0 when it does not fit. */
static size_t services_hosts(struct node *n, const struct pod *p, char *buf, size_t cap)
{
	const char *hn = p->spec->spec.hostname.set ? p->spec->spec.hostname.s : p->name;
	char ip[16] = "127.0.1.1";
	if (n->net && n->net->up && pod_addr(n, p))
		net_fmt_ip(pod_addr(n, p), ip);
	size_t len = 0;
	int w = snprintf(buf, cap, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n%s\t%s\n",
			 ip, hn);
	if (w < 0 || (size_t)w >= cap)
		return 0;
	len = (size_t)w;
	if (!n->net || !n->net->up)
		return len;
	const char *mine = ns_of(&p->spec->meta);
	MSET_FOREACH(n->set, f, o)
	{
		if (o->kind != MF_SERVICE)
			continue;
		const struct mf_service *s = o->service;
		uint32_t vip = services_cluster_ip(n, s);
		if (!vip)
			continue;
		char a[16];
		net_fmt_ip(vip, a);
		const char *nm = s->meta.name.s, *ns = ns_of(&s->meta);
		bool same = !strcmp(ns, mine);
		w = snprintf(buf + len, cap - len, "%s\t%s.%s.svc.cluster.local %s.%s.svc %s.%s%s%s\n", a, nm,
			     ns, nm, ns, nm, ns, same ? " " : "", same ? nm : "");
		if (w < 0 || (size_t)w >= cap - len)
			return 0;
		len += (size_t)w;
	}
	return len;
}

int services_write_hosts(struct node *n, const struct pod *p)
{
	char *buf = malloc(HOSTS_BYTES), path[PATH_MAX + 16];
	if (!buf)
		return -ENOMEM;
	size_t len = services_hosts(n, p, buf, HOSTS_BYTES);
	int rc = len ? 0 : -E2BIG;
	snprintf(path, sizeof path, "%s/etc/hosts", p->dir);
	/* the same inode: every container of the pod has it bind-mounted */
	int fd = rc ? -1 : open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (!rc && fd < 0)
		rc = -errno;
	for (size_t off = 0; !rc && off < len;) {
		ssize_t w = pwrite(fd, buf + off, len - off, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			rc = -errno;
		else
			off += (size_t)w;
	}
	if (!rc && ftruncate(fd, (off_t)len) < 0)
		rc = -errno;
	if (fd >= 0)
		close(fd);
	free(buf);
	return rc;
}

/* ---- the sync --------------------------------------------------------- */

uint32_t services_cluster_ip(struct node *n, const struct mf_service *s)
{
	if (!n->net || !n->net->up)
		return 0;
	char key[IPAM_KEY];
	uint32_t v;
	snprintf(key, sizeof key, "%s/%s", ns_of(&s->meta), s->meta.name.s);
	return ipam_get(&n->net->svcs, key, &v) ? 0 : v;
}

static uint64_t names_hash(struct node *n)
{
	uint64_t h = FNV_START;
	MSET_FOREACH(n->set, f, o)
	if (o->kind == MF_SERVICE) {
		uint32_t vip = services_cluster_ip(n, o->service);
		h = fnv1a(h, o->service->meta.name.s, strlen(o->service->meta.name.s) + 1);
		h = fnv1a(h, ns_of(&o->service->meta), strlen(ns_of(&o->service->meta)) + 1);
		h = fnv1a(h, &vip, sizeof vip);
	}
	return h;
}

void services_sync(struct node *n)
{
	struct net *net = n->net;
	struct services *s = &n->services;
	if (!net || !net->up)
		return;
	struct build b = {.n = n, .s = s, .chash = 1};
	s->nentries = s->nendpoints = 0;
	MSET_FOREACH(n->set, f, o)
	if (o->kind == MF_SERVICE)
		service(&b, o->service);
	for (const struct pod *p = n->pods; p; p = p->next)
		host_ports(&b, p);
	release_gone(n);
	if (b.clen && b.chash != s->conflict_hash)
		events_add(&n->events, true, "podinit", "PortConflict",
			   "taken already, not served: %s", b.conflicts);
	s->conflict_hash = b.clen ? b.chash : 0;
	uint64_t h = fnv1a(FNV_START, &s->nentries, sizeof s->nentries);
	for (unsigned i = 0; i < s->nentries; i++) {
		const struct nft_entry *e = &s->entries[i];
		h = fnv1a(h, &e->proto, sizeof e->proto);
		h = fnv1a(h, &e->addr, sizeof e->addr);
		h = fnv1a(h, &e->port, sizeof e->port);
		h = fnv1a(h, &e->nep, sizeof e->nep);
		h = fnv1a(h, e->ep, e->nep * sizeof *e->ep);
	}
	h |= 1; /* never 0, the "nothing applied yet" mark */
	if (h != s->table_hash || s->failed) {
		struct nl_msg m;
		nl_init(&m, net->batch, NET_NFT_BATCH);
		struct nft_cfg cfg = {net->net, net->prefix, NET_BRIDGE, net->svc_net, net->svc_prefix};
		int rc = net_nft_apply(&net->nft, &m, &cfg, s->entries, s->nentries);
		if (rc && !s->failed)
			events_add(&n->events, true, "podinit", "NetworkError",
				   "cannot apply the Services' rules: %s%s%s", strerror(-rc),
				   net->nft.err[0] ? " - " : "", net->nft.err);
		s->failed = rc != 0;
		s->table_hash = rc ? 0 : h;
	}
	uint64_t nh = names_hash(n);
	if (nh != s->names_hash) {
		int bad = 0, rc = 0;
		for (const struct pod *p = n->pods; p; p = p->next)
			if (p->stage < PS_DONE && p->dir[0] && (rc = services_write_hosts(n, p)))
				bad++;
		/* a rewrite that failed is tried again on the next sync */
		s->names_hash = bad ? 0 : nh;
		if (bad)
			events_add(&n->events, true, "podinit", "HostsNotWritten",
				   "/etc/hosts of %d pods could not be rewritten: %s", bad, strerror(-rc));
	}
}
