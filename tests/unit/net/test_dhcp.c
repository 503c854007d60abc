/* Unit tests: net_dhcp.c's reader of a server's messages: an ACK with its
 * options, a message for another transaction or client, options that run
 * past the end, pads, and a message with no type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "net_dhcp.h"

static const unsigned char mac[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};

/* A BOOTREPLY for xid 0x11223344 to mac, with opts (ending in 255) after the cookie. */
static size_t reply(unsigned char *m, const unsigned char *opts, size_t nopts)
{
	memset(m, 0, 600);
	m[0] = 2;
	m[4] = 0x11, m[5] = 0x22, m[6] = 0x33, m[7] = 0x44;
	m[16] = 10, m[17] = 0, m[18] = 2, m[19] = 15; /* yiaddr */
	memcpy(m + 28, mac, 6);
	m[236] = 99, m[237] = 130, m[238] = 83, m[239] = 99;
	memcpy(m + 240, opts, nopts);
	return 240 + nopts;
}

static void ack(void **state)
{
	(void)state;
	unsigned char m[600];
	static const unsigned char opts[] = {53, 1, 5, 0, 0, 54, 4, 10, 0, 2, 2, 51, 4, 0, 0, 0x0e, 0x10,
					     1, 4, 255, 255, 255, 0, 3, 8, 10, 0, 2, 2, 10, 0, 2, 9,
					     6, 4, 10, 0, 2, 3, 255};
	size_t n = reply(m, opts, sizeof opts);
	struct dhcp_reply r;
	assert_true(net_dhcp_parse(m, n, 0x11223344, mac, &r));
	assert_int_equal(r.type, 5);
	assert_int_equal(r.yiaddr, 0x0a00020f);
	assert_int_equal(r.server, 0x0a000202);
	assert_int_equal(r.lease, 3600);
	assert_int_equal(r.mask, 0xffffff00);
	assert_int_equal(r.router, 0x0a000202); /* the first of two */
	assert_int_equal(r.dns, 0x0a000203);
}

static void not_ours(void **state)
{
	(void)state;
	unsigned char m[600], other[6] = {1, 2, 3, 4, 5, 6};
	static const unsigned char opts[] = {53, 1, 2, 255};
	size_t n = reply(m, opts, sizeof opts);
	struct dhcp_reply r;
	assert_true(net_dhcp_parse(m, n, 0x11223344, mac, &r));
	assert_false(net_dhcp_parse(m, n, 0x11223345, mac, &r));  /* another transaction */
	assert_false(net_dhcp_parse(m, n, 0x11223344, other, &r)); /* another client */
	assert_false(net_dhcp_parse(m, 239, 0x11223344, mac, &r)); /* short of the cookie */
	m[0] = 1;
	assert_false(net_dhcp_parse(m, n, 0x11223344, mac, &r)); /* a request */
	m[0] = 2;
	m[239] = 0;
	assert_false(net_dhcp_parse(m, n, 0x11223344, mac, &r)); /* no magic cookie */
}

static void bad_options(void **state)
{
	(void)state;
	unsigned char m[600];
	struct dhcp_reply r;
	static const unsigned char past_end[] = {53, 1, 5, 51, 40, 0, 0};
	size_t n = reply(m, past_end, sizeof past_end);
	assert_false(net_dhcp_parse(m, n, 0x11223344, mac, &r));
	static const unsigned char no_type[] = {51, 4, 0, 0, 1, 0, 255};
	n = reply(m, no_type, sizeof no_type);
	assert_false(net_dhcp_parse(m, n, 0x11223344, mac, &r));
	static const unsigned char short_values[] = {53, 1, 2, 54, 2, 10, 0, 3, 0, 255};
	n = reply(m, short_values, sizeof short_values);
	assert_true(net_dhcp_parse(m, n, 0x11223344, mac, &r));
	assert_int_equal(r.server, 0); /* too short to be an address */
	assert_int_equal(r.router, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ack),
		cmocka_unit_test(not_ours),
		cmocka_unit_test(bad_options),
	};
	return cmocka_run_group_tests_name("dhcp", tests, NULL, NULL);
}
