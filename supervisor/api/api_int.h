/* api_int.h - what the API process's modules share. */
#ifndef PODINIT_API_INT_H
#define PODINIT_API_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "http.h"
#include "tls.h"
#include "api_stream.h"

struct api {
	char sock[256];                   /* PID 1's control socket */
	char token[API_TOKEN_HEX + 1];
};

/* One answer: status line, headers and body, ready to send. */
struct api_reply {
	char *buf;
	size_t len;
	api_stream_fn stream; /* set: nothing to send, this answers (api_stream.h) */
};

/* "OK", "Not Found", ... */
const char *api_reason(int code);
void api_reply_set(struct api_reply *r, int code, const char *type, const char *body, size_t len);
/* The Status reason of an HTTP code ("NotFound" for 404; "InternalError"
 * for a code without one). */
const char *api_status_reason(int code);
/* A Kubernetes Status body with code, reason and message. */
void api_status(struct api_reply *r, int code, const char *reason, const char *message);
/* PID 1's refusal as the API server's Status: its line "Error from server
 * (REASON): MESSAGE" (podctl speaks as kubectl does) gives the reason
 * and its code, "error: MESSAGE" a BadRequest; 503 when PID 1 did not
 * answer. */
struct api_answer;
void api_status_of(struct api_reply *r, const struct api_answer *ans);
/* s as a JSON string, quoted and escaped. */
void api_json_str(FILE *f, const char *s);
/* The answer to an authenticated or not request (api_routes.c). */
void api_route(struct api_reply *r, const struct api *a, const struct http_req *q);
/* /api/v1/[namespaces/NS/]events (api_events.c): 1 answered, 0 not that path. */
struct api_obj;
int api_events(struct api_reply *r, const struct api *a, const struct http_req *q, const struct api_obj *o);

/* An object's path: /api/v1/[namespaces/NS/]RESOURCE[/NAME[/SUB]]; ns
 * "" for every namespace, name "" for the list, sub the subresource
 * (log, exec) or "". */
struct api_obj {
	char res[32], ns[64], name[256], sub[16];
};
/* 1 with o filled in, 0 when path is not such a path. */
int api_obj_path(const char *path, struct api_obj *o);
/* api_logs.c: GET .../pods/NAME/log (false: not that path) */
bool api_logs(struct api_reply *r, const struct api *a, const struct http_req *q, const struct api_obj *o);
/* api_pods.c: GET of pods, one, a list, a watch (and the watches of
 * services, configmaps, secrets); false: not those */
bool api_is_watch(const struct http_req *q);
bool api_pods(struct api_reply *r, const struct api *a, const struct http_req *q, const struct api_obj *o);
/* api_exec.c: GET .../pods/NAME/exec, a WebSocket (false: not that path) */
bool api_exec(struct api_reply *r, const struct api *a, const struct http_req *q, const struct api_obj *o);
/* api_write.c: /openapi/v3 and /openapi/v3/api/v1 (false: not those) */
bool api_openapi(struct api_reply *r, const char *path);
/* POST, PUT and DELETE of plural (pods, services, configmaps, secrets) in
 * ns, and GET of the kinds other than pods; false when not one of those. */
bool api_write(struct api_reply *r, const struct api *a, const struct http_req *q, const struct api_obj *o);

#endif
