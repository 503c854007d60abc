/* ctl_logs.c - podctl logs: a container's log ring (or the previous
 * instance's), the last N lines or those since a time, each line after
 * its time with --timestamps (RFC 3339 with nanoseconds, as the kubelet
 * writes it), and -f, which follows the container across restarts until
 * its pod goes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ctl_int.h"
#include "pod.h"
#include "quantity.h"
#include "node.h"

/* "2026-12-03T08:02:17.123456789Z " (Go's RFC3339Nano: no trailing zeros) */
static size_t stamp(int64_t ns, char out[48])
{
	time_t sec = (time_t)(ns / 1000000000);
	long frac = (long)(ns % 1000000000);
	struct tm tm;
	gmtime_r(&sec, &tm);
	size_t n = strftime(out, 48, "%Y-%m-%dT%H:%M:%S", &tm);
	if (frac) {
		char f[16];
		int k = snprintf(f, sizeof f, ".%09ld", frac);
		while (k > 1 && f[k - 1] == '0')
			f[--k] = 0;
		memcpy(out + n, f, (size_t)k);
		n += (size_t)k;
	}
	memcpy(out + n, "Z ", 3);
	return n + 2;
}

static void send_log(struct ctl_client *cl, const struct logbuf *lb, uint64_t *pos, bool stamps)
{
	char buf[8192];
	size_t n;
	if (!stamps) {
		while (!cl->dead && (n = logbuf_read(lb, pos, buf, sizeof buf)) > 0)
			ctl_write(cl, '1', buf, n);
		return;
	}
	/* a line at a time, after its time */
	while (!cl->dead) {
		uint64_t at = *pos;
		if (at < logbuf_start(lb))
			at = logbuf_start(lb);
		if (!(n = logbuf_read(lb, pos, buf, sizeof buf)))
			return;
		char *nl = memchr(buf, '\n', n);
		size_t line = nl ? (size_t)(nl - buf) + 1 : n;
		if (logbuf_line_start(lb, at)) {
			char t[48];
			size_t tn = stamp(logbuf_time(lb, at), t);
			ctl_write(cl, '1', t, tn);
		}
		ctl_write(cl, '1', buf, line);
		*pos = at + line; /* the rest is read again, as lines */
	}
}

/* --since DUR or --since-time T: the time in ns, 0 without; -1 malformed */
static int64_t since_of(const char *since, const char *since_time)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t d, now_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	if (since) /* longer ago than the epoch: every line */
		return dur_parse(since, &d) && d >= 0 ? (d < now_ns ? now_ns - d : 0) : -1;
	if (!since_time)
		return 0;
	struct tm tm = {0};
	char *rest = strptime(since_time, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!rest)
		return -1;
	long frac = 0; /* nanoseconds: digits past the ninth are dropped */
	if (*rest == '.' && rest[1] >= '0' && rest[1] <= '9') {
		long scale = 100000000;
		for (rest++; *rest >= '0' && *rest <= '9'; rest++, scale /= 10)
			frac += (*rest - '0') * scale;
	}
	if (strcmp(rest, "Z"))
		return -1;
	/* in ns from the epoch: before it every line, past 2262 (int64) none */
	time_t t = timegm(&tm);
	if (t <= 0)
		return 0;
	if (t >= INT64_MAX / 1000000000 - 1)
		return INT64_MAX;
	return (int64_t)t * 1000000000 + frac;
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
	bool stamps = ARG("--timestamps") != NULL;
	int64_t since = since_of(ARG("--since"), ARG("--since-time"));
	if (since < 0) {
		ctl_usage(cl, cmd, "error: --since takes a duration (5m, 1h), --since-time a time (2026-12-03T08:00:00Z)");
		return;
	}
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
		if (since) { /* both: the later of the two, as the kubelet does */
			uint64_t s2 = logbuf_since(lb, since);
			pos = s2 > pos ? s2 : pos;
		}
		send_log(cl, lb, &pos, stamps);
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
	cl->stamps = stamps;
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
		send_log(cl, &c->log, &cl->pos, cl->stamps);
	return c->state == CS_TERMINATED && c->log_watch.fd < 0;
}
