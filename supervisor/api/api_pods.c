/* api_pods.c - GET of pods: one (Pod, or a Table of one row), a list
 * (PodList or Table; labelSelector and fieldSelector metadata.name), and
 * watch=true (of services, configmaps and secrets too), a stream of watch
 * events (api_stream.h) that PID 1 writes
 * (`podctl get KIND -w -o json|table`, ctl_watch.c) from the list's
 * resourceVersion on (or, with sendInitialEvents=true, every pod and a
 * BOOKMARK first: client-go's watch list), ended after timeoutSeconds. */
#include "api_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api_ctl.h"

#define JSON "application/json"

struct pod_query {
	char label[256], field[320], rv[32], timeout[16];
	bool table, watch;
	const char *argv[20];
};

/* podctl get's arguments for the request; 0, or -1 when a parameter is
 * too long (then r holds the answer) */
static int pod_args(struct api_reply *r, const struct http_req *q, const struct api_obj *o, struct pod_query *pq)
{
	const char *accept = http_header(q, "Accept");
	char w[8] = "";
	pq->table = accept && strstr(accept, "as=Table");
	pq->watch = api_is_watch(q);
	int n = 0, bad = 0;
	const char **argv = pq->argv;
	argv[n++] = "get";
	argv[n++] = o->res;
	if (*o->name)
		argv[n++] = o->name;
	if (*o->ns) {
		argv[n++] = "-n";
		argv[n++] = o->ns;
	} else {
		argv[n++] = "-A";
	}
	int rc = http_query(q, "labelSelector", pq->label, sizeof pq->label);
	bad |= rc && rc != -ENOENT;
	if (!rc && *pq->label) {
		argv[n++] = "-l";
		argv[n++] = pq->label;
	}
	rc = http_query(q, "fieldSelector", pq->field, sizeof pq->field);
	bad |= rc && rc != -ENOENT;
	if (!rc && *pq->field) {
		argv[n++] = "--field-selector";
		argv[n++] = pq->field;
	}
	argv[n++] = "-o";
	argv[n++] = pq->table ? "table" : pq->watch ? "json" : *o->name ? "json" : "podlist";
	if (pq->watch) {
		argv[n++] = "-w";
		rc = http_query(q, "resourceVersion", pq->rv, sizeof pq->rv);
		bad |= rc && rc != -ENOENT;
		if (!rc) {
			argv[n++] = "--resource-version";
			argv[n++] = pq->rv;
		}
		rc = http_query(q, "timeoutSeconds", pq->timeout, sizeof pq->timeout);
		bad |= rc && rc != -ENOENT;
		if (http_query(q, "sendInitialEvents", w, sizeof w) == 0 && !strcmp(w, "true"))
			argv[n++] = "--initial-events";
	}
	argv[n] = NULL;
	if (bad)
		api_status(r, 400, "BadRequest", "a query parameter is too long");
	return bad ? -1 : 0;
}

static int watch(struct api_stream *s)
{
	struct api_obj o;
	struct pod_query pq = {0};
	struct api_reply r = {0};
	api_obj_path(s->req->path, &o);
	if (pod_args(&r, s->req, &o, &pq)) { /* checked before the fork: not reached */
		free(r.buf);
		return 1;
	}
	long t = *pq.timeout ? atol(pq.timeout) : -1;
	int ms = t < 0 || t > 24 * 3600 ? -1 : (int)t * 1000;
	return api_stream_relay(s, api_ctl_start(s->api->sock, pq.argv), JSON, ms) ? 1 : 0;
}

bool api_is_watch(const struct http_req *q)
{
	char w[8];
	return http_query(q, "watch", w, sizeof w) == 0 && (!strcmp(w, "true") || !strcmp(w, "1"));
}

bool api_pods(struct api_reply *r, const struct api *a, const struct http_req *q, const struct api_obj *o)
{
	bool watchable = !strcmp(o->res, "services") || !strcmp(o->res, "configmaps") || !strcmp(o->res, "secrets");
	if (*o->sub || (strcmp(o->res, "pods") && !(watchable && api_is_watch(q))))
		return false;
	struct pod_query pq = {0};
	if (pod_args(r, q, o, &pq))
		return true;
	if (pq.watch) {
		r->stream = watch;
		return true;
	}
	struct api_answer ans;
	api_ctl_call(a->sock, pq.argv, &ans);
	if (ans.status)
		api_status_of(r, &ans);
	else
		api_reply_set(r, 200, JSON, ans.out, ans.out_len);
	free(ans.out);
	return true;
}
