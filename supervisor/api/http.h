/* http.h - one HTTP/1.1 request, read incrementally and bounded: the
 * Kubernetes API process's reader of what kubectl (or anyone on the
 * port) sends. Nothing of it runs in PID 1.
 *
 * Bytes go in as they arrive (http_feed); the request is whole once the
 * head and a Content-Length body have come. Every bound is a status a
 * server answers with: 400 bad syntax, 413 body too large, 414 target too
 * long, 431 too many or too large headers, 501 chunked or unknown
 * transfer coding. Names and values point into the request's own
 * buffer, which the request owns; http_reset makes it ready for the next
 * request of a kept-alive connection. */
#ifndef PODINIT_HTTP_H
#define PODINIT_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_HEAD_MAX 16384     /* request line and headers */
#define HTTP_TARGET_MAX 4096    /* the request line's target */
#define HTTP_HEADERS_MAX 48
#define HTTP_BODY_MAX (1024 * 1024 + 65536) /* a manifest's worth, and JSON around it */

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE, HTTP_OTHER };

struct http_header {
	const char *name, *value; /* value without surrounding blanks */
};

struct http_req {
	enum http_method method;
	const char *target;         /* as sent: /api/v1/pods?limit=500 */
	char path[HTTP_TARGET_MAX]; /* percent-decoded, without the query */
	const char *query;          /* after '?', still encoded; "" without */
	struct http_header h[HTTP_HEADERS_MAX];
	unsigned nh;
	bool http11, keep_alive;
	size_t content_length;
	const char *body;           /* content_length bytes (not NUL-terminated) */
	/* the parser's own */
	char *buf;
	size_t len, cap, head_len;
	bool head_done;
};

enum { HTTP_MORE = 0, HTTP_DONE = 1 };

void http_init(struct http_req *r);
void http_free(struct http_req *r);
/* Forgets the request whose answer went out; bytes of the next one that
 * came with it are kept. */
void http_reset(struct http_req *r);
/* Takes len bytes: HTTP_MORE, HTTP_DONE, or the HTTP status of the error
 * (400, 413, 414, 431, 501) and the request is to be answered with it
 * and the connection closed; -ENOMEM. */
int http_feed(struct http_req *r, const char *data, size_t len);
/* The value of header name (any case), NULL if absent. */
const char *http_header(const struct http_req *r, const char *name);
/* The decoded value of query parameter key into out ('+' is a space);
 * 0, -ENOENT when absent, -E2BIG when it does not fit. */
int http_query(const struct http_req *r, const char *key, char *out, size_t len);
/* The nth (from 0) of a repeated key (exec's command=), as http_query. */
int http_query_nth(const struct http_req *r, const char *key, unsigned nth, char *out, size_t len);

#endif
