/* api_logs.c - kubectl logs: GET .../pods/NAME/log?container=C
 * [&tailLines=N][&previous=true][&follow=true], answered as podctl logs
 * answers (the container's log ring, kept by PID 1), in text/plain.
 * follow=true is a stream (api_stream.h): PID 1's frames go out as chunks
 * until the container is gone or the client leaves. timestamps=true,
 * sinceSeconds and sinceTime: the times of the lines (logbuf.h). */
#include "api_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "api_ctl.h"
#include "ctl_proto.h"

/* .../pods/NAME/log */
static bool is_log(const struct api_obj *o)
{
	return !strcmp(o->res, "pods") && !strcmp(o->sub, "log") && *o->ns && *o->name;
}

struct log_query {
	char ctr[256], tail[32], since[40], since_time[64];
	const char *argv[20];
};

/* podctl logs's arguments for the request into lq->argv (NULL-ended) */
static void log_args(const struct http_req *q, const char *ns, const char *name, struct log_query *lq)
{
	char v[16];
	const char **argv = lq->argv;
	char *ctr = lq->ctr, *tail = lq->tail;
	int n = 0;
	argv[n++] = "logs";
	argv[n++] = name;
	argv[n++] = "-n";
	argv[n++] = ns;
	if (http_query(q, "container", ctr, 256) == 0) {
		argv[n++] = "-c";
		argv[n++] = ctr;
	}
	if (http_query(q, "tailLines", tail, 32) == 0) {
		argv[n++] = "--tail";
		argv[n++] = tail;
	}
	if (http_query(q, "previous", v, sizeof v) == 0 && !strcmp(v, "true"))
		argv[n++] = "-p";
	if (http_query(q, "follow", v, sizeof v) == 0 && !strcmp(v, "true"))
		argv[n++] = "-f";
	if (http_query(q, "timestamps", v, sizeof v) == 0 && !strcmp(v, "true"))
		argv[n++] = "--timestamps";
	if (http_query(q, "sinceSeconds", v, sizeof v) == 0) {
		snprintf(lq->since, sizeof lq->since, "%ss", v);
		argv[n++] = "--since";
		argv[n++] = lq->since;
	} else if (http_query(q, "sinceTime", lq->since_time, sizeof lq->since_time) == 0) {
		argv[n++] = "--since-time";
		argv[n++] = lq->since_time;
	}
	argv[n] = NULL;
}

static int follow(struct api_stream *s)
{
	static struct log_query lq;
	struct api_obj o;
	api_obj_path(s->req->path, &o);
	log_args(s->req, o.ns, o.name, &lq);
	return api_stream_relay(s, api_ctl_start(s->api->sock, lq.argv), "text/plain", -1) ? 1 : 0;
}

bool api_logs(struct api_reply *r, const struct api *a, const struct http_req *q, const struct api_obj *o)
{
	char v[16];
	if (q->method != HTTP_GET || !is_log(o))
		return false;
	if (http_query(q, "follow", v, sizeof v) == 0 && !strcmp(v, "true")) {
		r->stream = follow;
		return true;
	}
	struct log_query lq;
	log_args(q, o->ns, o->name, &lq);
	struct api_answer ans;
	api_ctl_call(a->sock, lq.argv, &ans);
	if (ans.status)
		api_status_of(r, &ans);
	else
		api_reply_set(r, 200, "text/plain", ans.out, ans.out_len);
	free(ans.out);
	return true;
}
