/* Unit tests: names.c - Kubernetes name syntax. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "names.h"

#define OK(fn, s) assert_null(fn(s))
#define BAD(fn, s) assert_non_null(fn(s))

static void dns_labels(void **state)
{
	(void)state;
	OK(name_dns_label, "nginx");
	OK(name_dns_label, "a-1");
	OK(name_dns_label, "1a");
	BAD(name_dns_label, "");
	BAD(name_dns_label, "Nginx");
	BAD(name_dns_label, "a_b");
	BAD(name_dns_label, "-a");
	BAD(name_dns_label, "a-");
	BAD(name_dns_label, "a.b");
	char long_name[70];
	memset(long_name, 'a', 64);
	long_name[64] = 0;
	BAD(name_dns_label, long_name);
	long_name[63] = 0;
	OK(name_dns_label, long_name);
	OK(name_dns1035_label, "web");
	BAD(name_dns1035_label, "1web");
	OK(name_dns_subdomain, "app.config-1");
	BAD(name_dns_subdomain, "app..config");
	BAD(name_dns_subdomain, "App");
}

static void ports_and_labels(void **state)
{
	(void)state;
	OK(name_port, "http");
	OK(name_port, "http-2");
	BAD(name_port, "80");
	BAD(name_port, "http--x");
	BAD(name_port, "-http");
	BAD(name_port, "averyveryverylongname");
	BAD(name_port, "HTTP");
	OK(name_label_key, "app");
	OK(name_label_key, "app.kubernetes.io/name");
	OK(name_label_key, "A_b.c-D");
	BAD(name_label_key, "/name");
	BAD(name_label_key, "Bad_Prefix/name");
	BAD(name_label_key, "a/");
	BAD(name_label_key, "-a");
	OK(name_label_value, "");
	OK(name_label_value, "v1.2_x-Y");
	BAD(name_label_value, "has space");
	BAD(name_label_value, "x-");
}

static void paths_env_caps(void **state)
{
	(void)state;
	OK(name_env, "PATH");
	OK(name_env, "my.var-1");
	BAD(name_env, "A=B");
	BAD(name_env, "");
	OK(name_config_key, "index.html");
	BAD(name_config_key, "a/b");
	BAD(name_config_key, "..");
	OK(name_abs_path, "/usr/share");
	BAD(name_abs_path, "usr/share");
	OK(name_rel_path, "current/html");
	OK(name_rel_path, "a..b");
	BAD(name_rel_path, "../x");
	BAD(name_rel_path, "a/../x");
	BAD(name_rel_path, "a/..");
	BAD(name_rel_path, "/abs");
	OK(name_capability, "NET_ADMIN");
	OK(name_capability, "CAP_NET_BIND_SERVICE");
	OK(name_capability, "ALL");
	OK(name_capability, "sys_time");
	BAD(name_capability, "NET_ADMINX");
	BAD(name_capability, "12");
	BAD(name_capability, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dns_labels),
		cmocka_unit_test(ports_and_labels),
		cmocka_unit_test(paths_env_caps),
	};
	return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}
