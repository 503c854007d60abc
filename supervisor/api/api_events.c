/* api_events.c - /api/v1/[namespaces/NS/]events: PID 1's events ring as
 * an EventList, or the Table `kubectl get events` prints (PID 1 shapes both:
 * `podctl events -o eventlist|table`). The fieldSelector kubectl describe
 * sends (involvedObject.name, .namespace, .uid) narrows them to one pod: the
 * one of that uid, so an earlier pod of the same name shows nothing. One
 * event by its name; watch=true, a stream of them from resourceVersion. */
#include "api_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api_ctl.h"

/* involvedObject.KEY=VALUE out of a decoded fieldSelector */
static void field(const char *sel, const char *key, char *out, size_t len)
{
	*out = 0;
	size_t kl = strlen(key);
	for (const char *p = sel; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == '=') {
			const char *v = p + kl + 1, *end = strchr(v, ',');
			size_t n = end ? (size_t)(end - v) : strlen(v);
			snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), v);
			return;
		}
}

struct ev_query {
	char sel[1024], oname[256], ons[64], ouid[64], forpod[400], rv[32], timeout[16];
	bool watch;
	const char *argv[16];
};

/* podctl events's arguments for the request; 0, or -1 with the answer in r */
static int ev_args(struct api_reply *r, const struct http_req *q, const struct api_obj *o, struct ev_query *eq)
{
	int rc = http_query(q, "fieldSelector", eq->sel, sizeof eq->sel);
	if (rc && rc != -ENOENT) {
		api_status(r, 400, "BadRequest", "fieldSelector too long");
		return -1;
	}
	field(eq->sel, "involvedObject.name", eq->oname, sizeof eq->oname);
	field(eq->sel, "involvedObject.namespace", eq->ons, sizeof eq->ons);
	field(eq->sel, "involvedObject.uid", eq->ouid, sizeof eq->ouid);
	char w[8];
	eq->watch = http_query(q, "watch", w, sizeof w) == 0 && (!strcmp(w, "true") || !strcmp(w, "1"));
	const char *accept = http_header(q, "Accept");
	const char **argv = eq->argv;
	int n = 0;
	argv[n++] = "events";
	argv[n++] = "-o";
	argv[n++] = accept && strstr(accept, "as=Table") ? "table" : "eventlist";
	if (*o->ns) {
		argv[n++] = "-n";
		argv[n++] = o->ns;
	} else {
		argv[n++] = "-A";
	}
	if (*o->name) {
		argv[n++] = "--name";
		argv[n++] = o->name;
	}
	if (*eq->oname) {
		snprintf(eq->forpod, sizeof eq->forpod, "%s/%s/%s", *eq->ons ? eq->ons : *o->ns ? o->ns : "default",
			 eq->oname, *eq->ouid ? eq->ouid : "*");
		argv[n++] = "--for-pod";
		argv[n++] = eq->forpod;
	}
	if (eq->watch) {
		argv[n++] = "-w";
		if (http_query(q, "resourceVersion", eq->rv, sizeof eq->rv) == 0) {
			argv[n++] = "--resource-version";
			argv[n++] = eq->rv;
		}
		http_query(q, "timeoutSeconds", eq->timeout, sizeof eq->timeout);
	}
	argv[n] = NULL;
	return 0;
}

static int watch(struct api_stream *s)
{
	struct api_obj o;
	static struct ev_query eq;
	struct api_reply r = {0};
	api_obj_path(s->req->path, &o);
	if (ev_args(&r, s->req, &o, &eq)) {
		free(r.buf);
		return 1;
	}
	long t = *eq.timeout ? atol(eq.timeout) : -1;
	int ms = t < 0 || t > 24 * 3600 ? -1 : (int)t * 1000;
	return api_stream_relay(s, api_ctl_start(s->api->sock, eq.argv), "application/json", ms) ? 1 : 0;
}

int api_events(struct api_reply *r, const struct api *a, const struct http_req *q, const struct api_obj *o)
{
	if (strcmp(o->res, "events") || *o->sub)
		return 0;
	struct ev_query eq;
	if (ev_args(r, q, o, &eq))
		return 1;
	if (eq.watch) {
		r->stream = watch;
		return 1;
	}
	struct api_answer ans;
	api_ctl_call(a->sock, eq.argv, &ans);
	if (ans.status)
		api_status_of(r, &ans);
	else
		api_reply_set(r, 200, "application/json", ans.out, ans.out_len);
	free(ans.out);
	return 1;
}
