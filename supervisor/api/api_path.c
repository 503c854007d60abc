/* api_path.c - the paths of the API's objects, read once for every
 * route: /api/v1/[namespaces/NS/]RESOURCE[/NAME]. */
#include "api_int.h"

#include <stdio.h>
#include <string.h>

/* /api/v1/[namespaces/NS/]RESOURCE[/NAME[/SUB]]: 1 with o filled in, 0
 * when not such a path (or a part is too long) */
int api_obj_path(const char *path, struct api_obj *o)
{
	*o->res = *o->ns = *o->name = *o->sub = 0;
	if (strncmp(path, "/api/v1/", 8))
		return 0;
	const char *p = path + 8;
	char *part[4] = {o->ns, o->res, o->name, o->sub};
	size_t cap[4] = {sizeof o->ns, sizeof o->res, sizeof o->name, sizeof o->sub};
	int i = 1;
	if (!strncmp(p, "namespaces/", 11)) {
		p += 11;
		i = 0;
	}
	for (; *p; i++) {
		size_t n = strcspn(p, "/");
		if (i > 3 || !n || n >= cap[i])
			return 0;
		memcpy(part[i], p, n);
		part[i][n] = 0;
		p += n;
		if (*p == '/' && !*++p)
			return 0; /* a trailing slash */
	}
	return *o->res != 0;
}
