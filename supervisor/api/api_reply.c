/* api_reply.c - an HTTP answer, and the Status bodies behind kubectl's
 * error lines ("Error from server (NotFound): ..."). */
#include "api_int.h"
#include "api_ctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scan.h"

const char *api_reason(int code)
{
	switch (code) {
	case 200: return "OK";
	case 201: return "Created";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	default: return "Error";
	}
}

void api_reply_set(struct api_reply *r, int code, const char *type, const char *body, size_t len)
{
	free(r->buf);
	*r = (struct api_reply){0};
	size_t n = 0;
	FILE *f = open_memstream(&r->buf, &n);
	if (!f)
		return;
	fprintf(f, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nCache-Control: no-cache, private\r\n\r\n",
		code, api_reason(code), type, len);
	fwrite(body, 1, len, f);
	fclose(f);
	r->len = n;
}


void api_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const char *c = s; *c; c++)
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (*c == '\n')
			fputs("\\n", f);
		else if ((unsigned char)*c < ' ')
			fprintf(f, "\\u%04x", (unsigned char)*c);
		else
			fputc(*c, f);
	fputc('"', f);
}

void api_status(struct api_reply *r, int code, const char *reason, const char *message)
{
	char *msg = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&msg, &n);
	if (f) {
		fprintf(f, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
			   "\"message\":");
		api_json_str(f, message);
		fprintf(f, ",\"reason\":\"%s\",\"code\":%d}", reason, code);
		fclose(f);
	}
	api_reply_set(r, code, "application/json", msg ? msg : "", msg ? n : 0);
	free(msg);
}


/* The Status reasons PID 1's refusals name and the API's own answers use,
 * with their codes (the first of a code is its reason). */
static const struct {
	const char *reason;
	int code;
} codes[] = {{"BadRequest", 400},
	     {"Forbidden", 403},
	     {"NotFound", 404},
	     {"AlreadyExists", 409},
	     {"Conflict", 409},
	     {"RequestEntityTooLarge", 413},
	     {"UnsupportedMediaType", 415},
	     {"Invalid", 422},
	     {"TooManyRequests", 429},
	     {"InternalError", 500},
	     {"ServiceUnavailable", 503}};

const char *api_status_reason(int code)
{
	for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
		if (codes[i].code == code)
			return codes[i].reason;
	return "InternalError";
}

void api_status_of(struct api_reply *r, const struct api_answer *ans)
{
	if (ans->status < 0) {
		api_status(r, 503, "ServiceUnavailable", "podinit does not answer on its control socket");
		return;
	}
	const char *e = ans->err, *reason = "BadRequest";
	char why[32] = "", msg[512];
	int code = 400;
	const char *s = e;
	if (scan_lit(&s, "Error from server (") && scan_until(&s, ")", why, sizeof why) &&
	    scan_lit(&s, "): ")) {
		e = s;
		for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
			if (!strcmp(why, codes[i].reason)) {
				reason = codes[i].reason;
				code = codes[i].code;
			}
	} else if (!strncmp(e, "error: ", 7)) {
		e += 7;
	}
	snprintf(msg, sizeof msg, "%.*s", (int)strcspn(e, "\n"), e);
	api_status(r, code, reason, msg);
}
