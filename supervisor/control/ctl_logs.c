/* ctl_logs.c - podctl logs: a container's log ring (or the previous
 * instance's), the last N lines, and -f, which follows the container
 * across restarts until its pod goes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctl_int.h"
#include "pod.h"
#include "node.h"

static void send_log(struct ctl_client *cl, const struct logbuf *lb, uint64_t *pos)
{
	char buf[8192];
	size_t n;
	while (!cl->dead && (n = logbuf_read(lb, pos, buf, sizeof buf)) > 0)
		ctl_write(cl, '1', buf, n);
}

void ctl_cmd_logs(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a)
{
	if (a->npos != 1) {
		ctl_usage(cl, cmd, "error: podctl logs POD: %s",
			  a->npos ? "one pod only (use -c for a container)" : "a pod name is needed");
		return;
	}
	const char *tail = ARG("--tail"), *cname = ARG("--container");
	bool follow = ARG("--follow") != NULL, prev = ARG("--previous") != NULL;
	char *end = NULL;
	long lines = tail ? strtol(tail, &end, 10) : -1;
	if (tail && (!*tail || *end || lines < -1)) {
		ctl_usage(cl, cmd, "error: invalid argument \"%s\" for \"--tail\" flag: a number of lines", tail);
		return;
	}
	const char *ns = ctl_namespace(cmd, a);
	struct pod *p = ctl_pod_or_not_found(cl, ns ? ns : "default", a->pos[0]);
	if (!p)
		return;
	/* kubectl's default: the first app container */
	struct container *c = cname ? pod_container(p, cname) : &p->ctrs[p->ninit];
	if (!c) {
		ERR(cl, "error: container %s is not valid for pod %s\n", cname, p->name);
		ctl_exit(cl, 1);
		return;
	}
	if (follow && !prev && ctl_followers_full(cl))
		return;
	const struct logbuf *lb = prev ? &c->prev_log : &c->log;
	if (prev && !c->has_prev_log) {
		ERR(cl, "Error from server (BadRequest): previous terminated container \"%s\" in pod \"%s\" not found\n",
		    c->spec->name.s, p->name);
		ctl_exit(cl, 1);
		return;
	}
	uint64_t pos = 0;
	if (lb->buf) {
		pos = logbuf_tail(lb, lines);
		send_log(cl, lb, &pos);
	}
	if (!follow || prev) {
		ctl_exit(cl, 0);
		return;
	}
	cl->pos = pos;
	cl->follow = CF_LOGS;
	snprintf(cl->pod, sizeof cl->pod, "%s", p->name);
	snprintf(cl->ctr, sizeof cl->ctr, "%s", c->spec->name.s);
	cl->log_instance = c->restart_count;
}

/* One pass of logs -f: what the container wrote since; true at the end
 * (its pod is gone, or it terminated for good and its pipe is drained). */
bool ctl_logs_step(struct ctl_client *cl)
{
	struct pod *p = node_find_pod(cl->ctl->node, cl->pod);
	struct container *c = p ? pod_container(p, cl->ctr) : NULL;
	if (!c)
		return true; /* the pod is gone: the stream ends */
	if (c->restart_count != cl->log_instance) {
		/* a new instance: follow it from its start, as kubectl -f does not */
		cl->log_instance = c->restart_count;
		cl->pos = 0;
	}
	if (c->log.buf)
		send_log(cl, &c->log, &cl->pos);
	return c->state == CS_TERMINATED && c->log_watch.fd < 0;
}
