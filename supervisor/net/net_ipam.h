/* net_ipam.h - stable numbers for names: a pod's address, a Service's
 * cluster address, a NodePort, each the same for the same name across
 * restarts and reboots (kept in a file under --data, written crash-safe).
 *
 * A lease is held while its name is in use (ipam_get .. ipam_put) and
 * kept afterwards, so a pod deleted and made again gets its address
 * back; when the range or the table is full, the lease unused longest is
 * given to the new name. Bounded: at most `max` leases. */
#ifndef PODINIT_NET_IPAM_H
#define PODINIT_NET_IPAM_H

#include <stdbool.h>
#include <stdint.h>

#define IPAM_KEY 160 /* "namespace/name/port": two DNS labels (63 each) and an index */

struct ipam_lease {
	char key[IPAM_KEY];
	uint32_t val;
	uint32_t used; /* when it was last taken: the larger, the later */
	bool busy;
};

struct ipam {
	char path[256]; /* the file, under --data */
	uint32_t lo, hi; /* the range, inclusive */
	struct ipam_lease *l;
	unsigned n, max;
	uint32_t clock;
};

/* Reads path (a missing or broken file is an empty table; leases outside
 * lo..hi are dropped). 0 or -ENOMEM. */
int ipam_init(struct ipam *a, const char *path, uint32_t lo, uint32_t hi, unsigned max);
void ipam_fini(struct ipam *a);
/* key's number: its lease, or a new one (saved before it is returned).
 * 0, -ENOSPC when every number of the range is busy, or -errno of the save. */
int ipam_get(struct ipam *a, const char *key, uint32_t *val);
/* key no longer in use (its lease stays for the next time). */
void ipam_put(struct ipam *a, const char *key);
/* The lease of key, or NULL; does not take it. */
const struct ipam_lease *ipam_find(const struct ipam *a, const char *key);

#endif
