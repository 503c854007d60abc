/* net_ipam.c - leases of numbers by name, in a text file of "KEY VALUE
 * USED" lines written with state.c (temporary file, fsync, rename). */
#include "net_ipam.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "scan.h"
#include "state.h"

/* the directory part of path as an fd, and the name */
static int dir_of(const char *path, const char **name)
{
	char dir[256];
	const char *slash = strrchr(path, '/');
	if (!slash) {
		*name = path;
		return open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	*name = slash + 1;
	return open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int save(const struct ipam *a)
{
	/* bounded: max lines of at most IPAM_KEY + 24 bytes */
	size_t cap = (size_t)a->n * (IPAM_KEY + 24) + 1, len = 0;
	char *buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (unsigned i = 0; i < a->n; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s %u %u\n", a->l[i].key, a->l[i].val,
					a->l[i].used);
	const char *name;
	int dfd = dir_of(a->path, &name), rc;
	rc = dfd < 0 ? -errno : state_write(dfd, name, buf, len, 0600);
	if (dfd >= 0)
		close(dfd);
	free(buf);
	return rc;
}

int ipam_init(struct ipam *a, const char *path, uint32_t lo, uint32_t hi, unsigned max)
{
	memset(a, 0, sizeof *a);
	snprintf(a->path, sizeof a->path, "%s", path);
	a->lo = lo;
	a->hi = hi;
	a->max = max;
	if (!(a->l = calloc(max, sizeof *a->l)))
		return -ENOMEM;
	FILE *f = fopen(path, "re");
	char line[IPAM_KEY + 64];
	while (f && a->n < max && fgets(line, sizeof line, f)) {
		struct ipam_lease *l = &a->l[a->n];
		char key[IPAM_KEY];
		unsigned long v, u;
		const char *s = line;
		if (!(scan_until(&s, " \t\n", key, sizeof key) && scan_lit(&s, " ") &&
		      scan_uint(&s, 10, UINT32_MAX, &v) && scan_lit(&s, " ") &&
		      scan_uint(&s, 10, UINT32_MAX, &u)) ||
		    v < lo || v > hi || ipam_find(a, key))
			continue;
		bool taken = false;
		for (unsigned i = 0; i < a->n && !taken; i++)
			taken = a->l[i].val == v;
		if (taken)
			continue;
		snprintf(l->key, sizeof l->key, "%s", key);
		l->val = (uint32_t)v;
		l->used = (uint32_t)u;
		a->clock = u > a->clock ? u : a->clock;
		a->n++;
	}
	if (f)
		fclose(f);
	return 0;
}

void ipam_fini(struct ipam *a)
{
	free(a->l);
	a->l = NULL;
	a->n = 0;
}

const struct ipam_lease *ipam_find(const struct ipam *a, const char *key)
{
	for (unsigned i = 0; i < a->n; i++)
		if (!strcmp(a->l[i].key, key))
			return &a->l[i];
	return NULL;
}

/* the lowest number no lease has, or 0 */
static uint32_t free_number(const struct ipam *a)
{
	for (uint32_t v = a->lo; v <= a->hi && v >= a->lo; v++) {
		bool taken = false;
		for (unsigned i = 0; i < a->n && !taken; i++)
			taken = a->l[i].val == v;
		if (!taken)
			return v;
	}
	return 0;
}

int ipam_get(struct ipam *a, const char *key, uint32_t *val)
{
	struct ipam_lease *l = (struct ipam_lease *)ipam_find(a, key);
	if (l) {
		l->busy = true;
		l->used = ++a->clock; /* kept in memory; saved with the next new lease */
		*val = l->val;
		return 0;
	}
	if (strlen(key) >= IPAM_KEY)
		return -ENAMETOOLONG;
	uint32_t v = a->n < a->max ? free_number(a) : 0;
	if (v) {
		l = &a->l[a->n++];
	} else {
		/* the idle lease unused longest gives up its number */
		for (unsigned i = 0; i < a->n; i++)
			if (!a->l[i].busy && (!l || a->l[i].used < l->used))
				l = &a->l[i];
		if (!l)
			return -ENOSPC;
		v = l->val;
	}
	snprintf(l->key, sizeof l->key, "%s", key);
	l->val = v;
	l->used = ++a->clock;
	l->busy = true;
	*val = v;
	return save(a);
}

void ipam_put(struct ipam *a, const char *key)
{
	struct ipam_lease *l = (struct ipam_lease *)ipam_find(a, key);
	if (l)
		l->busy = false;
}
