/* envlist.c - building a container's environment (see envlist.h). */
#include "envlist.h"

#include <errno.h>
#include <string.h>

void envlist_init(struct envlist *e, const char **slots, unsigned max)
{
	e->v = slots;
	e->n = 0;
	e->max = max;
	slots[0] = NULL;
}

static const char *const *find(const struct envlist *e, const char *name, size_t nlen)
{
	for (unsigned i = 0; i < e->n; i++)
		if (!strncmp(e->v[i], name, nlen) && e->v[i][nlen] == '=')
			return &e->v[i];
	return NULL;
}

int envlist_put(struct envlist *e, const char *kv)
{
	const char *eq = strchr(kv, '=');
	if (!eq || eq == kv)
		return -EINVAL;
	const char *const *old = find(e, kv, (size_t)(eq - kv));
	if (old) {
		*(const char **)old = kv;
		return 0;
	}
	if (e->n >= e->max)
		return -E2BIG;
	e->v[e->n++] = kv;
	e->v[e->n] = NULL;
	return 0;
}

int envlist_set(struct envlist *e, struct arena *a, const char *name, size_t nlen,
		const char *val, size_t vlen)
{
	if (!nlen)
		return -EINVAL;
	char *kv = arena_alloc(a, nlen + vlen + 2);
	if (!kv)
		return -ENOMEM;
	memcpy(kv, name, nlen);
	kv[nlen] = '=';
	memcpy(kv + nlen + 1, val, vlen);
	kv[nlen + 1 + vlen] = 0;
	return envlist_put(e, kv);
}

const char *envlist_get(const struct envlist *e, const char *name, size_t nlen)
{
	const char *const *kv = find(e, name, nlen);
	return kv ? *kv + nlen + 1 : NULL;
}

const char *envlist_expand(const struct envlist *e, struct arena *a, const char *s)
{
	if (!strchr(s, '$'))
		return s;
	/* two passes: the length, then the text */
	char *out = NULL;
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++) {
		n = 0;
		for (const char *p = s; *p;) {
			const char *add = p;
			size_t alen = 1, skip = 1;
			if (p[0] == '$' && p[1] == '$') {
				skip = 2;
			} else if (p[0] == '$' && p[1] == '(') {
				const char *end = strchr(p + 2, ')');
				const char *v = end ? envlist_get(e, p + 2, (size_t)(end - p - 2)) : NULL;
				if (v) {
					add = v;
					alen = strlen(v);
					skip = (size_t)(end - p) + 1;
				}
			}
			if (pass)
				memcpy(out + n, add, alen);
			n += alen;
			p += skip;
		}
		if (!pass && !(out = arena_alloc(a, n + 1)))
			return s;
	}
	out[n] = 0;
	return out;
}
