/* api_routes.c - one authenticated request into one answer: discovery,
 * version, health, and the pods, asked of PID 1 over the control socket
 * (api_ctl.h) and returned in the shapes kubectl reads
 * (../shared notes: kubectl on the wire). */
#include "api_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api_ctl.h"

#define JSON "application/json"

static const char version_json[] =
	"{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0-podinit\",\"gitCommit\":\"" PODINIT_VERSION
	"\",\"gitTreeState\":\"clean\",\"buildDate\":\"1970-01-01T00:00:00Z\",\"goVersion\":\"none\","
	"\"compiler\":\"podinit\",\"platform\":\"linux\"}";

static const char api_json[] =
	"{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":"
	"[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1\"}]}";

static const char apis_json[] = "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}";

/* only what is served is listed: kubectl asks for nothing else */
static const char v1_json[] =
	"{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"v1\",\"resources\":["
	"{\"name\":\"pods\",\"singularName\":\"pod\",\"namespaced\":true,\"kind\":\"Pod\","
	"\"verbs\":[\"get\",\"list\"],\"shortNames\":[\"po\"],\"categories\":[\"all\"]},"
	"{\"name\":\"events\",\"singularName\":\"event\",\"namespaced\":true,\"kind\":\"Event\","
	"\"verbs\":[\"get\",\"list\"],\"shortNames\":[\"ev\"]}]}";

/* /api/v1/[namespaces/NS/]pods[/NAME]: 1 with ns ("" for every
 * namespace) and name ("" for the list) filled in, 0 when not that path */
static int pods_path(const char *path, char *ns, size_t nslen, char *name, size_t namelen)
{
	const char *p = path + strlen("/api/v1/");
	*ns = *name = 0;
	if (strncmp(path, "/api/v1/", 8))
		return 0;
	if (!strncmp(p, "namespaces/", 11)) {
		p += 11;
		const char *slash = strchr(p, '/');
		if (!slash || slash == p || (size_t)(slash - p) >= nslen)
			return 0;
		memcpy(ns, p, (size_t)(slash - p));
		ns[slash - p] = 0;
		p = slash + 1;
	}
	if (strncmp(p, "pods", 4) || (p[4] && p[4] != '/'))
		return 0;
	if (p[4] == '/') {
		if (!p[5] || strchr(p + 5, '/') || strlen(p + 5) >= namelen)
			return 0;
		snprintf(name, namelen, "%s", p + 5);
	}
	return 1;
}

static void pods(struct api_reply *r, const struct api *a, const struct http_req *q, const char *ns,
		 const char *name)
{
	const char *accept = http_header(q, "Accept");
	bool table = accept && strstr(accept, "as=Table");
	const char *argv[10];
	int n = 0;
	argv[n++] = "get";
	argv[n++] = "pods";
	if (*name)
		argv[n++] = name;
	if (*ns) {
		argv[n++] = "-n";
		argv[n++] = ns;
	} else {
		argv[n++] = "-A";
	}
	argv[n++] = "-o";
	argv[n++] = table ? "table" : *name ? "json" : "podlist";
	argv[n] = NULL;
	struct api_answer ans;
	api_ctl_call(a->sock, argv, &ans);
	if (ans.status < 0)
		api_status(r, 503, "ServiceUnavailable", "podinit does not answer on its control socket");
	else if (ans.status && strstr(ans.err, "NotFound")) {
		char msg[300];
		snprintf(msg, sizeof msg, "pods \"%s\" not found", name);
		api_status(r, 404, "NotFound", msg);
	} else if (ans.status)
		api_status(r, 500, "InternalError", ans.err);
	else
		api_reply_set(r, 200, JSON, ans.out, ans.out_len);
	free(ans.out);
}

void api_route(struct api_reply *r, const struct api *a, const struct http_req *q)
{
	const char *auth = http_header(q, "Authorization");
	if (!auth || strncmp(auth, "Bearer ", 7) || !api_token_equal(a->token, auth + 7, strlen(auth + 7))) {
		api_status(r, 401, "Unauthorized", "Unauthorized");
		return;
	}
	const char *path = q->path;
	if (q->method != HTTP_GET && q->method != HTTP_HEAD) {
		api_status(r, 405, "MethodNotAllowed", "podinit serves get and list for now");
		return;
	}
	if (!strcmp(path, "/healthz") || !strcmp(path, "/livez") || !strcmp(path, "/readyz")) {
		api_reply_set(r, 200, "text/plain", "ok", 2);
		return;
	}
	static const struct {
		const char *path, *body;
	} fixed[] = {{"/version", version_json}, {"/api", api_json}, {"/apis", apis_json}, {"/api/v1", v1_json}};
	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
		if (!strcmp(path, fixed[i].path)) {
			api_reply_set(r, 200, JSON, fixed[i].body, strlen(fixed[i].body));
			return;
		}
	char ns[64], name[256];
	if (pods_path(path, ns, sizeof ns, name, sizeof name)) {
		pods(r, a, q, ns, name);
		return;
	}
	if (api_events(r, a, q))
		return;
	api_status(r, 404, "NotFound", "the server could not find the requested resource");
}
