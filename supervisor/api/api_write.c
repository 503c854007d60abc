/* api_write.c - the writes kubectl sends: POST (apply's first time,
 * create), PUT (replace), DELETE, and the OpenAPI documents that apply's
 * validation asks for first (../shared notes: kubectl on the wire).
 *
 * A write goes to PID 1 as podctl apply / delete go (api_ctl.h), so an
 * object made through the API is the operator's, checked and admitted
 * as any manifest is; the body (JSON is YAML) is the manifest. PID 1's
 * refusals become the Status kubectl prints: AlreadyExists (409), a
 * field error as Invalid with its field path (422), an unknown field as
 * strict decoding's BadRequest (400). */
#include "api_int.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>
#include "api_ctl.h"
#include "ctl_proto.h"
#include "smp.h"
#include "scan.h"

#define JSON "application/json"

/* The minimal pair that turns on server-side field validation: a PATCH
 * operation per kind, with its group-version-kind and fieldValidation. */
static const char openapi_root[] = "{\"paths\":{\"api/v1\":{\"serverRelativeURL\":\"/openapi/v3/api/v1\"}}}";
#define PATCH_OP(k)                                                                                        \
	"\"/api/v1/namespaces/{namespace}/" k "/{name}\":{\"patch\":{\"x-kubernetes-group-version-kind\":" \
	"{\"group\":\"\",\"version\":\"v1\",\"kind\":\"" 
static const char openapi_v1[] =
	"{\"paths\":{"
	PATCH_OP("pods") "Pod\"},\"parameters\":[{\"name\":\"fieldValidation\",\"in\":\"query\"}]}},"
	PATCH_OP("services") "Service\"},\"parameters\":[{\"name\":\"fieldValidation\",\"in\":\"query\"}]}},"
	PATCH_OP("configmaps") "ConfigMap\"},\"parameters\":[{\"name\":\"fieldValidation\",\"in\":\"query\"}]}},"
	PATCH_OP("secrets") "Secret\"},\"parameters\":[{\"name\":\"fieldValidation\",\"in\":\"query\"}]}}}}";

bool api_openapi(struct api_reply *r, const char *path)
{
	const char *body = !strcmp(path, "/openapi/v3") ? openapi_root
			   : !strcmp(path, "/openapi/v3/api/v1") ? openapi_v1 : NULL;
	if (body)
		api_reply_set(r, 200, JSON, body, strlen(body));
	return body != NULL;
}

/* A scalar wanted at a dotted path of mapping keys (kind, metadata.name). */
struct field {
	const char *path;
	char *out; /* "" when absent or not a scalar */
	size_t len;
};

/* The fields' scalars in a YAML or JSON text, in one pass. */
static void fields_of(const char *text, size_t len, struct field *f, size_t nf)
{
	yaml_parser_t p;
	size_t found = 0;
	for (size_t i = 0; i < nf; i++)
		*f[i].out = 0;
	if (!yaml_parser_initialize(&p))
		return;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	char path[256] = "";
	size_t plen[16] = {0};
	bool key[16] = {false};
	int depth = -1, done = 0;
	while (!done) {
		yaml_event_t e;
		if (!yaml_parser_parse(&p, &e))
			break;
		switch (e.type) {
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			if (++depth >= 16)
				done = 1;
			else {
				key[depth] = e.type == YAML_MAPPING_START_EVENT;
				plen[depth] = strlen(path);
			}
			if (e.type == YAML_SEQUENCE_START_EVENT && depth < 16)
				key[depth] = false, plen[depth] = (size_t)-1; /* lists: nothing below counts */
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			depth--;
			if (depth >= 0 && plen[depth] != (size_t)-1) {
				path[plen[depth]] = 0;
				key[depth] = true;
			}
			break;
		case YAML_SCALAR_EVENT:
			if (depth < 0 || plen[depth] == (size_t)-1)
				break;
			if (key[depth]) {
				snprintf(path + plen[depth], sizeof path - plen[depth], "%s%s", plen[depth] ? "." : "",
					 (const char *)e.data.scalar.value);
				key[depth] = false;
			} else {
				for (size_t i = 0; i < nf; i++)
					if (!*f[i].out && !strcmp(path, f[i].path)) {
						snprintf(f[i].out, f[i].len, "%s", (const char *)e.data.scalar.value);
						done = ++found == nf;
					}
				path[plen[depth]] = 0;
				key[depth] = true;
			}
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
}

static void field_of(const char *text, size_t len, const char *want, char *out, size_t outlen)
{
	struct field f = {want, out, outlen};
	fields_of(text, len, &f, 1);
}

/* kubectl's resource (plural) and the kind a body of it names */
static const char *kind_for(const char *plural)
{
	return !strcmp(plural, "pods")         ? "Pod"
	       : !strcmp(plural, "services")   ? "Service"
	       : !strcmp(plural, "configmaps") ? "ConfigMap"
	       : !strcmp(plural, "secrets")    ? "Secret"
					       : NULL;
}

/* The Invalid Status: one cause per field error PID 1 gave
 * ("api:LINE:COL: PATH: TEXT" lines), as the API server words them. */
static void invalid(struct api_reply *r, const char *kind, const char *name, const char *err)
{
	char *body = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&body, &n);
	if (!f) {
		api_status(r, 500, "InternalError", "out of memory");
		return;
	}
	fprintf(f, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":");
	api_json_str(f, err);
	fprintf(f, ",\"reason\":\"Invalid\",\"details\":{\"name\":");
	api_json_str(f, name);
	fprintf(f, ",\"kind\":\"%s\",\"causes\":[", kind);
	int nc = 0;
	for (const char *line = err; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char text[1024], field[512] = "", msg[512];
		snprintf(text, sizeof text, "%.*s", (int)len, line);
		line += len + (end != NULL);
		unsigned long ln, col;
		const char *t = text;
		if (!(scan_lit(&t, "api:") && scan_uint(&t, 9, UINT_MAX, &ln) && scan_lit(&t, ":") &&
		      scan_uint(&t, 9, UINT_MAX, &col) && scan_lit(&t, ":") && scan_blanks(&t)))
			continue;
		const char *colon = strstr(t, ": ");
		const char *req = strstr(t, "missing required field \"");
		if (req) { /* spec.containers[0]: missing required field "image" */
			const char *q = req + strlen("missing required field \"");
			snprintf(field, sizeof field, "%.*s%s%.*s", colon && colon < req ? (int)(colon - t) : 0, t,
				 colon && colon < req ? "." : "", (int)strcspn(q, "\""), q);
			snprintf(msg, sizeof msg, "Required value");
		} else if (colon) {
			snprintf(field, sizeof field, "%.*s", (int)(colon - t), t);
			snprintf(msg, sizeof msg, "%s", colon + 2);
		} else {
			snprintf(msg, sizeof msg, "%s", t);
		}
		fprintf(f, "%s{\"reason\":\"%s\",\"message\":", nc++ ? "," : "",
			req ? "FieldValueRequired" : "FieldValueInvalid");
		api_json_str(f, msg);
		fprintf(f, ",\"field\":");
		api_json_str(f, field);
		fputc('}', f);
	}
	fprintf(f, "]},\"code\":422}");
	fclose(f);
	api_reply_set(r, 422, JSON, body, n);
	free(body);
}

/* PID 1's refusal of a write as the Status kubectl prints. */
static void refused(struct api_reply *r, const struct api_answer *ans, const char *plural, const char *kind,
		    const char *name)
{
	char msg[768];
	const char *unknown = strstr(ans->err, "unknown field \"");
	if (ans->status < 0) {
		api_status(r, 503, "ServiceUnavailable", "podinit does not answer on its control socket");
	} else if (strstr(ans->err, "(AlreadyExists)")) {
		snprintf(msg, sizeof msg, "%s \"%s\" already exists", plural, name);
		api_status(r, 409, "AlreadyExists", msg);
	} else if (strstr(ans->err, "(NotFound)")) {
		snprintf(msg, sizeof msg, "%s \"%s\" not found", plural, name);
		api_status(r, 404, "NotFound", msg);
	} else if (unknown) {
		const char *colon = strstr(ans->err, ": ");
		const char *path = colon ? strstr(colon + 2, ": ") : NULL; /* api:L:C: PATH: unknown field */
		const char *start = colon ? colon + 2 : "";
		const char *f = unknown + strlen("unknown field \"");
		snprintf(msg, sizeof msg, "%s in version \"v1\" cannot be handled as a %s: strict decoding error: "
			 "unknown field \"%.*s%s%.*s\"", kind, kind, path && path < unknown ? (int)(path - start) : 0,
			 start, path && path < unknown ? "." : "", (int)strcspn(f, "\""), f);
		api_status(r, 400, "BadRequest", msg);
	} else if (strstr(ans->err, "api:")) {
		invalid(r, kind, name, ans->err);
	} else {
		const char *e = ans->err;
		if (!strncmp(e, "error: ", 7))
			e += 7;
		snprintf(msg, sizeof msg, "%s \"%s\" is forbidden: %.*s", plural, name, (int)strcspn(e, "\n"), e);
		api_status(r, 403, "Forbidden", msg);
	}
}

/* The object as GET shows it, answered with code. */
static void object_as(struct api_reply *r, const struct api *a, int code, const char *plural, const char *ns,
		      const char *name, bool table)
{
	const char *argv[] = {"get", plural, "-n", ns, "-o", table ? "table" : name ? "json" : "list", name, NULL};
	struct api_answer ans;
	api_ctl_call(a->sock, argv, &ans);
	if (ans.status)
		refused(r, &ans, plural, kind_for(plural), name);
	else
		api_reply_set(r, code, JSON, ans.out, ans.out_len);
	free(ans.out);
}

static void object(struct api_reply *r, const struct api *a, int code, const char *plural, const char *ns,
		   const char *name)
{
	object_as(r, a, code, plural, ns, name, false);
}

/* POST (create: nothing of the name may exist) and PUT (replace: it must) */
static void put(struct api_reply *r, const struct api *a, const struct http_req *q, const char *plural,
		const char *ns, const char *path_name)
{
	const char *kind = kind_for(plural);
	char bkind[64], name[256], bns[64];
	struct field f[] = {{"kind", bkind, sizeof bkind}, {"metadata.name", name, sizeof name},
			    {"metadata.namespace", bns, sizeof bns}};
	fields_of(q->body, q->content_length, f, 3);
	char msg[512];
	if (!q->content_length || strcmp(bkind, kind)) {
		snprintf(msg, sizeof msg, "the body is not a %s (kind \"%s\")", kind, bkind);
		api_status(r, 400, "BadRequest", msg);
		return;
	}
	if (*bns && strcmp(bns, ns)) {
		api_status(r, 400, "BadRequest",
			   "the namespace of the provided object does not match the namespace sent on the request");
		return;
	}
	if (*path_name && strcmp(path_name, name)) {
		api_status(r, 400, "BadRequest", "the name of the object does not match the name on the URL");
		return;
	}
	char *text = malloc(q->content_length + 1);
	if (!text) {
		api_status(r, 500, "InternalError", "out of memory");
		return;
	}
	memcpy(text, q->body, q->content_length);
	text[q->content_length] = 0;
	const char *argv[] = {"apply", "--name", "api", "--content", text, "-n", ns,
			      q->method == HTTP_POST ? "--create" : NULL, NULL};
	struct api_answer ans;
	if (q->method == HTTP_PUT) { /* replace: the object must be there */
		const char *get[] = {"get", plural, name, "-n", ns, "-o", "name", NULL};
		api_ctl_call(a->sock, get, &ans);
		if (ans.status) {
			refused(r, &ans, plural, kind, name);
			free(ans.out);
			free(text);
			return;
		}
		free(ans.out);
	}
	api_ctl_call(a->sock, argv, &ans);
	free(text);
	if (ans.status)
		refused(r, &ans, plural, kind, name);
	else
		object(r, a, q->method == HTTP_POST ? 201 : 200, plural, ns, name);
	free(ans.out);
}

static void del(struct api_reply *r, const struct api *a, const struct http_req *q, const char *plural,
		const char *ns, const char *name)
{
	char grace[32];
	field_of(q->body ? q->body : "", q->content_length, "gracePeriodSeconds", grace, sizeof grace);
	const char *argv[] = {"delete", plural, name, "-n", ns, *grace ? "--grace-period" : NULL, grace, NULL};
	struct api_answer ans;
	api_ctl_call(a->sock, argv, &ans);
	if (ans.status) {
		refused(r, &ans, plural, kind_for(plural), name);
	} else {
		char *body = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&body, &n);
		if (f) {
			fprintf(f, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Success\","
				   "\"details\":{\"name\":");
			api_json_str(f, name);
			fprintf(f, ",\"kind\":\"%s\"}}", plural);
			fclose(f);
		}
		api_reply_set(r, 200, JSON, body ? body : "{}", body ? n : 2);
		free(body);
	}
	free(ans.out);
}

/* The object a PATCH makes: apply-patch+yaml (kubectl apply --server-side)
 * is the whole object; a strategic merge patch (kubectl apply's three-way
 * patch, kubectl patch) is merged into the object as PID 1 holds it
 * (smp.h); other patch types are refused (415). NULL with *code and *msg. */
static char *patched(const struct api *a, const struct http_req *q, const char *plural, const char *ns,
		     const char *name, int *code, char *msg, size_t msglen)
{
	const char *type = http_header(q, "Content-Type");
	char *text = NULL;
	if (type && !strncmp(type, "application/apply-patch+yaml", 28)) {
		text = malloc(q->content_length + 1);
		if (text) {
			memcpy(text, q->body, q->content_length);
			text[q->content_length] = 0;
		}
		return text;
	}
	if (!type || strncmp(type, "application/strategic-merge-patch+json", 38)) {
		*code = 415;
		snprintf(msg, msglen, "podinit takes strategic-merge-patch+json (kubectl apply, kubectl patch) "
				      "and apply-patch+yaml (kubectl apply --server-side), not %s", type ? type : "none");
		return NULL;
	}
	const char *get[] = {"get", plural, name, "-n", ns, "-o", "manifest", NULL};
	struct api_answer ans;
	api_ctl_call(a->sock, get, &ans);
	if (ans.status) {
		*code = ans.status < 0 ? 503 : 404;
		snprintf(msg, msglen, ans.status < 0 ? "podinit does not answer on its control socket"
						     : "%s \"%s\" not found", plural, name);
		free(ans.out);
		return NULL;
	}
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);
	int rc = f ? smp_apply(ans.out, ans.out_len, q->body, q->content_length, f, msg, msglen) : -ENOMEM;
	if (f)
		fclose(f);
	free(ans.out);
	if (rc) {
		*code = rc == -ENOMEM ? 500 : rc == -E2BIG ? 413 : 400;
		free(text);
		return NULL;
	}
	return text;
}

static void patch(struct api_reply *r, const struct api *a, const struct http_req *q, const char *plural,
		  const char *ns, const char *name)
{
	int code = 500;
	char msg[512] = "out of memory";
	char *text = patched(a, q, plural, ns, name, &code, msg, sizeof msg);
	if (!text) {
		api_status(r, code, api_status_reason(code), msg);
		return;
	}
	char bname[256];
	field_of(text, strlen(text), "metadata.name", bname, sizeof bname);
	if (strcmp(bname, name)) {
		free(text);
		api_status(r, 400, "BadRequest", "the name of the object does not match the name on the URL");
		return;
	}
	const char *argv[] = {"apply", "--name", "api", "--content", text, "-n", ns, NULL};
	struct api_answer ans;
	api_ctl_call(a->sock, argv, &ans);
	free(text);
	if (ans.status)
		refused(r, &ans, plural, kind_for(plural), name);
	else
		object(r, a, strstr(ans.out, " created") ? 201 : 200, plural, ns, name);
	free(ans.out);
}

/* A pod's DELETE is answered once the pod is gone, as the API server's
 * is once the kubelet confirmed (kubectl then finds it absent; on a
 * real server it watches for that): its own process, which hears PID
 * 1's events and asks again after each, up to the grace period and a
 * minute more. */
static int delete_pod(struct api_stream *s)
{
	struct api_obj o;
	api_obj_path(s->req->path, &o);
	const char *ns = o.ns, *name = o.name;
	const char *follow[] = {"events", "-f", NULL};
	int ev = api_ctl_start(s->api->sock, follow); /* before the delete: no event is missed */
	struct api_reply r = {0};
	del(&r, s->api, s->req, o.res, ns, name);
	char grace[32];
	field_of(s->req->body ? s->req->body : "", s->req->content_length, "gracePeriodSeconds", grace, sizeof grace);
	long wait_s = (*grace ? atol(grace) : 30) + 60;
	if (ev >= 0 && r.buf && strstr(r.buf, " 200 OK")) {
		struct timeval none = {0};
		setsockopt(ev, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none);
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (bool ask = true;;) {
			const char *get[] = {"get", "pods", name, "-n", ns, "-o", "name", NULL};
			struct api_answer ans = {0};
			if (ask)
				api_ctl_call(s->api->sock, get, &ans);
			free(ans.out);
			struct timespec t;
			clock_gettime(CLOCK_MONOTONIC, &t);
			long left = wait_s - (t.tv_sec - t0.tv_sec);
			if (ans.status || left <= 0)
				break;
			struct pollfd p = {.fd = ev, .events = POLLIN};
			char buf[CTL_FRAME_MAX], stream;
			size_t n;
			if (poll(&p, 1, (int)left * 1000) <= 0 || api_ctl_frame(ev, &stream, buf, sizeof buf - 1, &n) ||
			    stream == CTL_EXIT)
				break;
			buf[n] = 0;
			ask = strstr(buf, name) != NULL; /* an event of another object changes nothing */
		}
	}
	if (ev >= 0)
		close(ev);
	int rc = api_stream_reply(s, &r);
	free(r.buf);
	return rc ? 1 : 0;
}

static bool accept_table(const struct http_req *q)
{
	const char *accept = http_header(q, "Accept");
	return accept && strstr(accept, "as=Table");
}

bool api_write(struct api_reply *r, const struct api *a, const struct http_req *q, const struct api_obj *o)
{
	const char *plural = o->res, *ns = o->ns, *name = o->name;
	if (!kind_for(plural) || !*ns)
		return false;
	if (q->method == HTTP_POST && !*name)
		put(r, a, q, plural, ns, "");
	else if (q->method == HTTP_PUT && *name)
		put(r, a, q, plural, ns, name);
	else if (q->method == HTTP_PATCH && *name)
		patch(r, a, q, plural, ns, name);
	else if (q->method == HTTP_DELETE && *name && !strcmp(plural, "pods"))
		r->stream = delete_pod;
	else if (q->method == HTTP_DELETE && *name)
		del(r, a, q, plural, ns, name);
	else if (q->method == HTTP_GET && strcmp(plural, "pods") && !api_is_watch(q))
		object_as(r, a, 200, plural, ns, *name ? name : NULL, accept_table(q));
	else
		return false;
	return true;
}
