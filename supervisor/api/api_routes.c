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
	"\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"update\"],\"shortNames\":[\"po\"],\"categories\":[\"all\"]},"
	"{\"name\":\"pods/log\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"Pod\",\"verbs\":[\"get\"]},"
	"{\"name\":\"services\",\"singularName\":\"service\",\"namespaced\":true,\"kind\":\"Service\","
	"\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"update\"],\"shortNames\":[\"svc\"],\"categories\":[\"all\"]},"
	"{\"name\":\"configmaps\",\"singularName\":\"configmap\",\"namespaced\":true,\"kind\":\"ConfigMap\","
	"\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"update\"],\"shortNames\":[\"cm\"]},"
	"{\"name\":\"secrets\",\"singularName\":\"secret\",\"namespaced\":true,\"kind\":\"Secret\","
	"\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"update\"]},"
	"{\"name\":\"events\",\"singularName\":\"event\",\"namespaced\":true,\"kind\":\"Event\","
	"\"verbs\":[\"get\",\"list\"],\"shortNames\":[\"ev\"]}]}";

void api_route(struct api_reply *r, const struct api *a, const struct http_req *q)
{
	const char *auth = http_header(q, "Authorization");
	if (!auth || strncmp(auth, "Bearer ", 7) || !api_token_equal(a->token, auth + 7, strlen(auth + 7))) {
		api_status(r, 401, "Unauthorized", "Unauthorized");
		return;
	}
	const char *path = q->path;
	struct api_obj o;
	bool obj = api_obj_path(path, &o);
	if (obj && ((!*o.sub && api_write(r, a, q, &o)) || api_exec(r, a, q, &o)))
		return;
	if (q->method != HTTP_GET && q->method != HTTP_HEAD) {
		api_status(r, 405, "MethodNotAllowed", "podinit does not serve this method here");
		return;
	}
	if (api_openapi(r, path) || (obj && api_logs(r, a, q, &o)))
		return;
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
	if (obj && api_pods(r, a, q, &o))
		return;
	if (obj && api_events(r, a, q, &o))
		return;
	api_status(r, 404, "NotFound", "the server could not find the requested resource");
}
