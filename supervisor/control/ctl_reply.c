/* ctl_reply.c - the answers podctl's commands share: a usage error, the
 * namespace asked for, NotFound as kubectl words it, the follower limit,
 * and output gathered in a memory FILE (ctl_int.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctl_int.h"
#include "lim.h"
#include "node.h"
#include "pod.h"

FILE *ctl_mb_open(struct membuf *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	return m->f;
}

void ctl_mb_send(struct ctl_client *cl, struct membuf *m, char stream)
{
	if (m->f) {
		fclose(m->f);
		ctl_write(cl, stream, m->buf, m->len);
	}
	free(m->buf);
}

void ctl_usage(struct ctl_client *cl, const struct ctl_cmd *cmd, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	ERR(cl, "%s (usage: podctl %s)\n", line, cmd->usage);
	ctl_exit(cl, 2);
}

const char *ctl_namespace(const struct ctl_cmd *cmd, const struct ctl_args *a)
{
	if (ctl_args_has(cmd->flags, a, "--all-namespaces"))
		return NULL;
	const char *ns = ctl_args_get(cmd->flags, a, "--namespace");
	return ns ? ns : "default";
}

struct pod *ctl_pod_or_not_found(struct ctl_client *cl, const char *ns, const char *name)
{
	struct pod *p = node_find_pod(cl->ctl->node, name);
	if (p && ns && strcmp(p->spec->meta.namespace_.s, ns))
		p = NULL;
	if (!p) {
		ERR(cl, "Error from server (NotFound): pods \"%s\" not found\n", name);
		ctl_exit(cl, 1);
	}
	return p;
}

/* Followers (-f, wait) hold their connection: at most LIM_CTL_FOLLOWERS,
 * so that a few connections always stay free for new requests. */
bool ctl_followers_full(struct ctl_client *cl)
{
	unsigned n = 0;
	for (const struct ctl_client *o = cl->ctl->clients; o; o = o->next)
		n += !o->dead && o->follow != CF_NONE;
	if (n < LIM_CTL_FOLLOWERS)
		return false;
	ERR(cl, "Error from server (TooManyRequests): %u clients are following already (at most %d)\n",
	    n, LIM_CTL_FOLLOWERS);
	ctl_exit(cl, 1);
	return true;
}
