/* Unit tests: http.c - requests whole, in pieces, kept alive, and every
 * bound answered with its status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>
#include "http.h"

static int feed_all(struct http_req *r, const char *text)
{
	return http_feed(r, text, strlen(text));
}

static void get_with_query(void **state)
{
	(void)state;
	struct http_req r;
	http_init(&r);
	const char *req = "GET /api/v1/namespaces/default/pods?limit=500&labelSelector=app%3Dweb%2Ctier+in+%28a%29 HTTP/1.1\r\n"
			  "Host: 127.0.0.1:6443\r\nUser-Agent: kubectl/v1.32.4\r\nAuthorization:  Bearer abc \r\n"
			  "Accept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json\r\n\r\n";
	assert_int_equal(feed_all(&r, req), HTTP_DONE);
	assert_int_equal(r.method, HTTP_GET);
	assert_string_equal(r.path, "/api/v1/namespaces/default/pods");
	assert_true(r.keep_alive);
	assert_string_equal(http_header(&r, "authorization"), "Bearer abc");
	assert_null(http_header(&r, "Content-Type"));
	char v[64];
	assert_int_equal(http_query(&r, "limit", v, sizeof v), 0);
	assert_string_equal(v, "500");
	assert_int_equal(http_query(&r, "labelSelector", v, sizeof v), 0);
	assert_string_equal(v, "app=web,tier in (a)");
	assert_int_equal(http_query(&r, "watch", v, sizeof v), -ENOENT);
	assert_int_equal(http_query(&r, "labelSelector", v, 4), -E2BIG);
	assert_int_equal(r.content_length, 0);
	http_free(&r);
}

static void body_in_pieces_then_next(void **state)
{
	(void)state;
	struct http_req r;
	http_init(&r);
	const char *head = "PATCH /api/v1/namespaces/default/pods/web HTTP/1.1\r\nContent-Length: 11\r\n"
			   "Content-Type: application/strategic-merge-patch+json\r\n\r\n";
	/* one byte at a time */
	int rc = HTTP_MORE;
	for (const char *p = head; *p; p++) {
		rc = http_feed(&r, p, 1);
		assert_int_equal(rc, HTTP_MORE);
	}
	assert_int_equal(http_feed(&r, "{\"a\":", 5), HTTP_MORE);
	/* the body's end and the next request come together */
	const char *rest = "\"bcd\"}GET /version HTTP/1.1\r\n\r\n";
	assert_int_equal(feed_all(&r, rest), HTTP_DONE);
	assert_int_equal(r.method, HTTP_PATCH);
	assert_int_equal(r.content_length, 11);
	assert_memory_equal(r.body, "{\"a\":\"bcd\"}", 11);
	http_reset(&r);
	assert_int_equal(http_feed(&r, "", 0), HTTP_DONE);
	assert_int_equal(r.method, HTTP_GET);
	assert_string_equal(r.path, "/version");
	http_reset(&r);
	assert_int_equal(http_feed(&r, "", 0), HTTP_MORE);
	http_free(&r);
}

/* A body much larger than what came with the head: the buffer is
 * reallocated, and the head's target, query and headers move with it
 * (they pointed into the freed buffer: found by ASan, api-apply's 1 MiB
 * patch). */
static void large_body_moves_the_head(void **state)
{
	(void)state;
	struct http_req r;
	http_init(&r);
	static char body[600000];
	memset(body, 'x', sizeof body);
	char head[200];
	snprintf(head, sizeof head,
		 "PATCH /api/v1/namespaces/default/pods/web?fieldManager=kubectl HTTP/1.1\r\n"
		 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n", sizeof body);
	assert_int_equal(feed_all(&r, head), HTTP_MORE);
	int rc = HTTP_MORE;
	for (size_t off = 0; off < sizeof body; off += 4096) {
		size_t n = sizeof body - off < 4096 ? sizeof body - off : 4096;
		rc = http_feed(&r, body + off, n);
	}
	assert_int_equal(rc, HTTP_DONE);
	assert_string_equal(http_header(&r, "content-type"), "application/json");
	assert_string_equal(r.path, "/api/v1/namespaces/default/pods/web");
	assert_string_equal(r.query, "fieldManager=kubectl");
	char fm[32];
	assert_int_equal(http_query(&r, "fieldManager", fm, sizeof fm), 0);
	assert_string_equal(fm, "kubectl");
	assert_true(r.target >= r.buf && r.target < r.buf + r.head_len);
	assert_ptr_equal(r.body, r.buf + r.head_len);
	assert_memory_equal(r.body, body, sizeof body);
	http_free(&r);
}

static void bounds_and_errors(void **state)
{
	(void)state;
	struct {
		const char *text;
		int want;
	} cases[] = {
		{"GET / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n", 413},
		{"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 501},
		{"GET /a b HTTP/1.1\r\n\r\n", 400},
		{"GET nothing HTTP/1.1\r\n\r\n", 400},
		{"GET / HTTP/2\r\n\r\n", 400},
		{"GET / HTTP/1.1\r\nNo colon\r\n\r\n", 400},
		{"GET / HTTP/1.1\r\n folded\r\n\r\n", 400},
		{"GET /%zz HTTP/1.1\r\n\r\n", 400},
		{"GET /%00 HTTP/1.1\r\n\r\n", 400},
		{"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
		{"G(T / HTTP/1.1\r\n\r\n", 400},
		{"GET / HTTP/1.0\r\n\r\n", HTTP_DONE},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct http_req r;
		http_init(&r);
		assert_int_equal(feed_all(&r, cases[i].text), cases[i].want);
		if (cases[i].want == HTTP_DONE)
			assert_false(r.keep_alive);
		http_free(&r);
	}
	/* too many headers, too long a head, too long a target */
	struct http_req r;
	http_init(&r);
	char *big = malloc(HTTP_HEAD_MAX + 64);
	size_t n = (size_t)sprintf(big, "GET / HTTP/1.1\r\n");
	for (int i = 0; i < HTTP_HEADERS_MAX + 1; i++)
		n += (size_t)sprintf(big + n, "X-%d: y\r\n", i);
	strcpy(big + n, "\r\n");
	assert_int_equal(feed_all(&r, big), 431);
	http_free(&r);
	http_init(&r);
	memset(big, 'a', HTTP_HEAD_MAX + 10);
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	big[HTTP_HEAD_MAX + 10] = 0;
	assert_int_equal(feed_all(&r, big), 431);
	http_free(&r);
	http_init(&r);
	memset(big, 'a', HTTP_TARGET_MAX + 10);
	memcpy(big, "GET /", 5);
	strcpy(big + HTTP_TARGET_MAX + 10, " HTTP/1.1\r\n\r\n");
	assert_int_equal(feed_all(&r, big), 414);
	http_free(&r);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(get_with_query),
		cmocka_unit_test(body_in_pieces_then_next),
		cmocka_unit_test(large_body_moves_the_head),
		cmocka_unit_test(bounds_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
