/* services.h - Services and hostPorts as the kernel's data path, and the
 * names pods see.
 *
 * From the manifests' Services and the running pods, services_sync builds
 * the entries of podinit's nftables table (net_nft.h) and replaces the
 * table when they changed:
 *   - every Service: its ClusterIP (a stable lease from SERVICE_CIDR),
 *     port -> the Ready pods its selector matches, at targetPort (a number,
 *     or a container port's name);
 *   - NodePort and LoadBalancer: nodePort (given, or a lease from
 *     30000-32767) on every local address; LoadBalancer also its port;
 *   - hostPort of a running pod's container: on every local address, to
 *     the pod's address and containerPort.
 * Where two claim one port, the first (in manifest order) keeps it and
 * the other is reported once as the event PortConflict.
 *
 * Each pod's /etc/hosts names the pod and every Service (NAME in its own
 * namespace, NAME.NAMESPACE, NAME.NAMESPACE.svc[.cluster.local]) at its
 * ClusterIP, and is rewritten in place when that list changes. */
#ifndef PODINIT_SERVICES_H
#define PODINIT_SERVICES_H

#include <stddef.h>
#include <stdint.h>
#include "lim.h"
#include "net_nft.h"

struct node;
struct pod;

struct services {
	struct nft_entry entries[LIM_SVC_ENTRIES];
	struct nft_endpoint endpoints[LIM_SVC_ENDPOINTS];
	unsigned nentries, nendpoints;
	uint64_t table_hash;   /* of what was last applied; 0 = nothing yet */
	uint64_t names_hash;   /* of the Service names and addresses in /etc/hosts */
	uint64_t conflict_hash; /* of the conflicts last reported */
	bool failed;           /* the last apply failed: retry on the next sync */
};

/* Rebuilds the table and the hosts files from what the node has now;
 * cheap when nothing changed. */
void services_sync(struct node *n);
/* A Service's ClusterIP (host byte order), 0 without the network. */
struct mf_service;
uint32_t services_cluster_ip(struct node *n, const struct mf_service *s);
/* Port i's nodePort: the manifest's, else its lease; 0 without one. */
uint16_t services_node_port(struct node *n, const struct mf_service *s, uint32_t i);
/* Writes p's /etc/hosts (in place: containers have it bind-mounted). */
int services_write_hosts(struct node *n, const struct pod *p);

#endif
