/* api_events.c - /api/v1/[namespaces/NS/]events: PID 1's events ring as
 * an EventList, or the Table `kubectl get events` prints (PID 1 shapes both:
 * `podctl events -o eventlist|table`). The fieldSelector kubectl describe
 * sends (involvedObject.name, .namespace, .uid) narrows them to one pod: the
 * one of that uid, so an earlier pod of the same name shows nothing. */
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

int api_events(struct api_reply *r, const struct api *a, const struct http_req *q, const struct api_obj *o)
{
	if (strcmp(o->res, "events") || *o->name)
		return 0;
	const char *ns = o->ns;
	char sel[1024] = "", oname[256], ons[64], ouid[64], forpod[400];
	int rc = http_query(q, "fieldSelector", sel, sizeof sel);
	if (rc && rc != -ENOENT) {
		api_status(r, 400, "BadRequest", "fieldSelector too long");
		return 1;
	}
	field(sel, "involvedObject.name", oname, sizeof oname);
	field(sel, "involvedObject.namespace", ons, sizeof ons);
	field(sel, "involvedObject.uid", ouid, sizeof ouid);
	const char *accept = http_header(q, "Accept");
	const char *argv[10];
	int n = 0;
	argv[n++] = "events";
	argv[n++] = "-o";
	argv[n++] = accept && strstr(accept, "as=Table") ? "table" : "eventlist";
	if (*ns) {
		argv[n++] = "-n";
		argv[n++] = ns;
	} else {
		argv[n++] = "-A";
	}
	if (*oname) {
		snprintf(forpod, sizeof forpod, "%s/%s/%s", *ons ? ons : *ns ? ns : "default", oname,
			 *ouid ? ouid : "*");
		argv[n++] = "--for-pod";
		argv[n++] = forpod;
	}
	argv[n] = NULL;
	struct api_answer ans;
	api_ctl_call(a->sock, argv, &ans);
	if (ans.status < 0)
		api_status(r, 503, "ServiceUnavailable", "podinit does not answer on its control socket");
	else if (ans.status)
		api_status(r, 500, "InternalError", ans.err);
	else
		api_reply_set(r, 200, "application/json", ans.out, ans.out_len);
	free(ans.out);
	return 1;
}
