/* Unit tests: tls.c, tls_creds.c - first-boot credentials, the token,
 * and the memory mbedTLS holds, counted and bounded. (The handshake with
 * real clients: tests/api/run.sh, tests/integration/api.sh.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "tls.h"

static char dir[] = "/tmp/podinit-tls-XXXXXX";

static void creds_token_and_memory(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	char d[64];
	snprintf(d, sizeof d, "%s/api", dir);
	const char *addrs[] = {"127.0.0.1", "10.0.2.15"};
	unsigned made = 0;
	assert_int_equal(api_creds_ensure(d, addrs, 2, &made), 0);
	assert_int_equal(made, API_MADE_CA | API_MADE_SERVER | API_MADE_TOKEN);
	assert_int_equal(api_creds_ensure(d, addrs, 2, &made), 0);
	assert_int_equal(made, 0);
	const char *moved[] = {"127.0.0.1", "10.0.2.16"}; /* DHCP gave another address */
	assert_int_equal(api_creds_ensure(d, moved, 2, &made), 0);
	assert_int_equal(made, API_MADE_SERVER);
	char tok[API_TOKEN_HEX + 1];
	assert_int_equal(api_token_read(d, tok), 0);
	assert_int_equal(strlen(tok), API_TOKEN_HEX);
	assert_true(api_token_equal(tok, tok, strlen(tok)));
	char other[API_TOKEN_HEX + 1];
	memcpy(other, tok, sizeof other);
	other[0] = other[0] == 'a' ? 'b' : 'a';
	assert_false(api_token_equal(tok, other, strlen(other)));
	assert_false(api_token_equal(tok, tok, 10));
	struct api_tls *t = NULL;
	api_tls_mem_reset_peak();
	assert_int_equal(api_tls_open(&t, d), 0);
	struct api_tls_mem m;
	api_tls_mem(&m);
	assert_true(m.in_use > 0);
	assert_true(m.peak >= m.in_use);
	/* past the limit, a new connection cannot get its buffers */
	api_tls_mem_set_limit(m.in_use + 1024);
	struct api_tls_conn *c = NULL;
	assert_int_not_equal(api_tls_conn_new(t, 0, &c), 0);
	api_tls_mem_set_limit(0);
	api_tls_free(t);
	const char *files[] = {"ca.key", "ca.crt", "server.key", "server.crt", "server.sans", "token"};
	char p[128];
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(p, sizeof p, "%s/%s", d, files[i]);
		unlink(p);
	}
	rmdir(d);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(creds_token_and_memory)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
