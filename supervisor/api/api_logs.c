/* api_logs.c - kubectl logs: GET .../pods/NAME/log?container=C
 * [&tailLines=N][&previous=true][&follow=true], answered as podctl logs
 * answers (the container's log ring, kept by PID 1), in text/plain.
 * follow=true is a stream (api_stream.h): PID 1's frames go out as chunks
 * until the container is gone or the client leaves. timestamps=true is
 * refused: the rings keep no time of their lines. */
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

/* podctl logs's arguments for the request into argv (NULL-ended) */
static void log_args(const struct http_req *q, const char *ns, const char *name, char ctr[256], char tail[32],
		     const char *argv[12])
{
	char v[16];
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
	argv[n] = NULL;
}

static int follow(struct api_stream *s)
{
	char ctr[256] = "", tail[32] = "";
	const char *argv[12];
	struct api_obj o;
	api_obj_path(s->req->path, &o);
	log_args(s->req, o.ns, o.name, ctr, tail, argv);
	return api_stream_relay(s, api_ctl_start(s->api->sock, argv), "text/plain", -1) ? 1 : 0;
}

bool api_logs(struct api_reply *r, const struct api *a, const struct http_req *q, const struct api_obj *o)
{
	char ctr[256] = "", tail[32] = "", v[16];
	const char *ns = o->ns, *name = o->name;
	if (q->method != HTTP_GET || !is_log(o))
		return false;
	if (http_query(q, "timestamps", v, sizeof v) == 0 && !strcmp(v, "true")) {
		api_status(r, 400, "BadRequest", "podinit's log rings keep no time of their lines: "
						 "logs without --timestamps");
		return true;
	}
	if (http_query(q, "follow", v, sizeof v) == 0 && !strcmp(v, "true")) {
		r->stream = follow;
		return true;
	}
	const char *argv[12];
	log_args(q, ns, name, ctr, tail, argv);
	struct api_answer ans;
	api_ctl_call(a->sock, argv, &ans);
	if (ans.status)
		api_status_of(r, &ans);
	else
		api_reply_set(r, 200, "text/plain", ans.out, ans.out_len);
	free(ans.out);
	return true;
}
