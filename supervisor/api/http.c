/* http.c - reading one HTTP/1.1 request (see http.h).
 *
 * The buffer grows as bytes come, to HTTP_HEAD_MAX for the head and then
 * to the head plus Content-Length: a slow client holds what it sent, never
 * more than the bounds. The head is parsed in place once its blank line
 * has come (header names and values are NUL-terminated inside it). */
#include "http.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void http_init(struct http_req *r)
{
	memset(r, 0, sizeof *r);
}

void http_free(struct http_req *r)
{
	free(r->buf);
	http_init(r);
}

void http_reset(struct http_req *r)
{
	size_t used = r->head_done ? r->head_len + r->content_length : 0;
	char *buf = r->buf;
	size_t len = r->len, cap = r->cap;
	if (used > len)
		used = len;
	memmove(buf, buf + used, len - used);
	memset(r, 0, sizeof *r);
	r->buf = buf;
	r->cap = cap;
	r->len = len - used;
}

/* The pointers into the buffer once the head is parsed: its target,
 * query, body and headers. */
#define HTTP_PTRS (3 + 2 * HTTP_HEADERS_MAX)
static unsigned ptrs_of(struct http_req *r, const char **p[HTTP_PTRS])
{
	unsigned n = 0;
	p[n++] = &r->target;
	p[n++] = &r->query;
	p[n++] = &r->body;
	for (unsigned i = 0; i < r->nh; i++) {
		p[n++] = &r->h[i].name;
		p[n++] = &r->h[i].value;
	}
	return n;
}

/* Room for need bytes. Once the head is parsed, its target, query and
 * headers point into the buffer: they move with it, as offsets taken
 * before (a body larger than what came with the head reallocates it,
 * and they dangled). */
static int grow(struct http_req *r, size_t need)
{
	if (need <= r->cap)
		return 0;
	size_t cap = r->cap ? r->cap : 1024;
	while (cap < need)
		cap *= 2;
	const char **p[HTTP_PTRS];
	size_t off[HTTP_PTRS];
	unsigned n = r->buf ? ptrs_of(r, p) : 0;
	for (unsigned i = 0; i < n; i++) {
		/* "" for no query is not in the buffer */
		bool in = *p[i] && *p[i] >= r->buf && *p[i] <= r->buf + r->len;
		off[i] = in ? (size_t)(*p[i] - r->buf) : SIZE_MAX;
	}
	char *b = realloc(r->buf, cap);
	if (!b)
		return -ENOMEM;
	r->buf = b;
	r->cap = cap;
	for (unsigned i = 0; i < n; i++)
		if (off[i] != SIZE_MAX)
			*p[i] = b + off[i];
	return 0;
}

static int hex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
					      : c >= 'A' && c <= 'F' ? c - 'A' + 10
								  : -1;
}

/* Percent-decodes in[0..n) into out (plus as space when form); -1 on a bad
 * escape or a NUL, -2 when it does not fit. */
static int decode(const char *in, size_t n, bool form, char *out, size_t cap)
{
	size_t o = 0;
	if (!cap)
		return -2;
	for (size_t i = 0; i < n; i++) {
		char c = in[i];
		if (c == '%') {
			int hi = i + 2 < n ? hex(in[i + 1]) : -1, lo = i + 2 < n ? hex(in[i + 2]) : -1;
			if (hi < 0 || lo < 0 || !(hi | lo))
				return -1; /* a bad escape, or a NUL */
			c = (char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && form) {
			c = ' ';
		}
		if (o + 1 >= cap)
			return -2;
		out[o++] = c;
	}
	out[o] = 0;
	return 0;
}

static const struct {
	const char *name;
	enum http_method m;
} methods[] = {{"GET", HTTP_GET},     {"HEAD", HTTP_HEAD},   {"POST", HTTP_POST},
	       {"PUT", HTTP_PUT},     {"PATCH", HTTP_PATCH}, {"DELETE", HTTP_DELETE}};

static bool token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* The head buf[0..head_len) in place: request line, then headers. */
static int parse_head(struct http_req *r)
{
	char *p = r->buf, *end = r->buf + r->head_len;
	char *eol = memchr(p, '\n', (size_t)(end - p));
	if (!eol)
		return 400;
	*eol = 0;
	if (eol > p && eol[-1] == '\r')
		eol[-1] = 0;
	/* METHOD SP TARGET SP HTTP/1.x */
	char *sp1 = strchr(p, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp1 || !sp2 || strchr(sp2 + 1, ' '))
		return 400;
	*sp1 = *sp2 = 0;
	r->method = HTTP_OTHER;
	for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
		if (!strcmp(p, methods[i].name))
			r->method = methods[i].m;
	for (const char *c = p; *c; c++)
		if (!token_char(*c))
			return 400;
	if (!strcmp(sp2 + 1, "HTTP/1.1"))
		r->http11 = true;
	else if (strcmp(sp2 + 1, "HTTP/1.0"))
		return 400;
	r->target = sp1 + 1;
	size_t tlen = strlen(r->target);
	if (tlen >= HTTP_TARGET_MAX)
		return 414;
	if (r->target[0] != '/')
		return 400;
	for (const char *c = r->target; *c; c++)
		if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f)
			return 400;
	const char *q = strchr(r->target, '?');
	size_t plen = q ? (size_t)(q - r->target) : tlen;
	r->query = q ? q + 1 : "";
	if (decode(r->target, plen, false, r->path, sizeof r->path))
		return 400;
	r->keep_alive = r->http11;
	bool have_length = false;
	for (p = eol + 1; p < end;) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			return 400;
		*eol = 0;
		if (eol > p && eol[-1] == '\r')
			eol[-1] = 0;
		if (!*p)
			break; /* the blank line */
		if (*p == ' ' || *p == '\t')
			return 400; /* obsolete line folding */
		char *colon = strchr(p, ':');
		if (!colon || colon == p)
			return 400;
		*colon = 0;
		for (const char *c = p; *c; c++)
			if (!token_char(*c))
				return 400;
		char *v = colon + 1, *ve = v + strlen(v);
		while (*v == ' ' || *v == '\t')
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			*--ve = 0;
		for (const char *c = v; *c; c++)
			if ((unsigned char)*c < ' ' && *c != '\t')
				return 400;
		if (r->nh >= HTTP_HEADERS_MAX)
			return 431;
		r->h[r->nh++] = (struct http_header){p, v};
		if (!strcasecmp(p, "Content-Length")) {
			char *e;
			unsigned long long n = strtoull(v, &e, 10);
			if (!*v || *e || *v == '-' || (have_length && n != r->content_length))
				return 400;
			if (n > HTTP_BODY_MAX)
				return 413;
			r->content_length = (size_t)n;
			have_length = true;
		} else if (!strcasecmp(p, "Transfer-Encoding")) {
			return 501; /* kubectl sends lengths; chunked bodies are refused */
		} else if (!strcasecmp(p, "Connection")) {
			if (!strcasecmp(v, "close"))
				r->keep_alive = false;
			else if (!strcasecmp(v, "keep-alive"))
				r->keep_alive = true;
		}
		p = eol + 1;
	}
	return 0;
}

/* The end of the head (after its blank line) in buf[0..len), or 0. */
static size_t head_end(const char *buf, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

int http_feed(struct http_req *r, const char *data, size_t len)
{
	/* a whole request, and what a client sends after it before it has its
	 * answer (the caller stops reading once a request is whole) */
	if (r->len + len > 2 * HTTP_HEAD_MAX + HTTP_BODY_MAX)
		return 413;
	if (grow(r, r->len + len + 1) < 0)
		return -ENOMEM;
	memcpy(r->buf + r->len, data, len);
	r->len += len;
	r->buf[r->len] = 0;
	if (!r->head_done) {
		size_t he = head_end(r->buf, r->len);
		if (!he || he > HTTP_HEAD_MAX)
			return r->len > HTTP_HEAD_MAX ? 431 : HTTP_MORE;
		r->head_len = he;
		int st = parse_head(r);
		if (st)
			return st;
		r->head_done = true;
	}
	if (r->len < r->head_len + r->content_length)
		return HTTP_MORE;
	r->body = r->buf + r->head_len;
	return HTTP_DONE;
}

const char *http_header(const struct http_req *r, const char *name)
{
	for (unsigned i = 0; i < r->nh; i++)
		if (!strcasecmp(r->h[i].name, name))
			return r->h[i].value;
	return NULL;
}

int http_query(const struct http_req *r, const char *key, char *out, size_t len)
{
	return http_query_nth(r, key, 0, out, len);
}

int http_query_nth(const struct http_req *r, const char *key, unsigned nth, char *out, size_t len)
{
	size_t klen = strlen(key);
	for (const char *p = r->query; *p;) {
		const char *amp = strchr(p, '&');
		size_t n = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', n);
		size_t kn = eq ? (size_t)(eq - p) : n;
		char k[128];
		if (kn < sizeof k && decode(p, kn, true, k, sizeof k) == 0 && strlen(k) == klen &&
		    !strcmp(k, key) && !nth--) {
			int rc = eq ? decode(eq + 1, n - kn - 1, true, out, len) : (len ? (out[0] = 0, 0) : -2);
			return rc == -2 ? -E2BIG : rc ? -EINVAL : 0;
		}
		p += n + (amp ? 1 : 0);
	}
	return -ENOENT;
}
