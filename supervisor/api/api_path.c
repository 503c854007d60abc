/* api_path.c - the paths of the API's objects, read once for every
 * route: /api/v1/[namespaces/NS/]RESOURCE[/NAME]. */
#include "api_int.h"

#include <stdio.h>
#include <string.h>

/* /api/v1/[namespaces/NS/]RESOURCE[/NAME]: 1 with the resource, ns (""
 * for every namespace) and name ("" for the list) filled in, 0 when not
 * such a path */
int api_obj_path(const char *path, char *res, size_t reslen, char *ns, size_t nslen, char *name,
		    size_t namelen)
{
	const char *p = path + strlen("/api/v1/");
	*res = *ns = *name = 0;
	if (strncmp(path, "/api/v1/", 8))
		return 0;
	if (!strncmp(p, "namespaces/", 11)) {
		p += 11;
		const char *slash = strchr(p, '/');
		if (!slash || slash == p || (size_t)(slash - p) >= nslen)
			return 0;
		memcpy(ns, p, (size_t)(slash - p));
		ns[slash - p] = 0;
		p = slash + 1;
	}
	size_t rl = strcspn(p, "/");
	if (!rl || rl >= reslen)
		return 0;
	memcpy(res, p, rl);
	res[rl] = 0;
	p += rl;
	if (*p == '/') {
		if (!p[1] || strchr(p + 1, '/') || strlen(p + 1) >= namelen)
			return 0;
		snprintf(name, namelen, "%s", p + 1);
	}
	return 1;
}

