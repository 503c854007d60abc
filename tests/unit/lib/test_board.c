/* Unit tests: board.c - the board profile, its bad values, the name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "board.h"

static char dir[] = "/tmp/podinit-board-XXXXXX";
static char conf[128], cmdline[128], name[128];

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(conf, sizeof conf, "%s/board.conf", dir);
	snprintf(cmdline, sizeof cmdline, "%s/cmdline", dir);
	snprintf(name, sizeof name, "%s/board", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(conf);
	unlink(cmdline);
	unlink(name);
	return rmdir(dir);
}

static void reads_profile(void **state)
{
	(void)state;
	struct board b;
	char why[256];
	put(conf, "# comment\nNAME=qemu-virt-arm64\nWATCHDOG_DEV=/dev/watchdog0\n"
		  "WATCHDOG_TIMEOUT=4\nWATCHDOG_BUDGET=6\nRESERVED_MEMORY=32Mi\nNEWER_KEY=x\n");
	put(cmdline, "console=ttyAMA0 quiet\n");
	unlink(name);
	assert_int_equal(board_load(&b, NULL, conf, cmdline, name, why, sizeof why), 0);
	assert_string_equal(b.name, "qemu-virt-arm64");
	assert_string_equal(b.watchdog_dev, "/dev/watchdog0");
	assert_int_equal(b.watchdog_timeout, 4);
	assert_int_equal(b.watchdog_budget, 6);
	assert_int_equal(b.reserved_memory, 32 << 20);
	/* containment defaults, and the keys that change them */
	assert_true(b.seccomp_default);
	assert_int_equal(b.pod_pids_limit, 1024);
	assert_int_equal(b.tmpfs_default, 0);
	put(conf, "SECCOMP_DEFAULT=Unconfined\nPOD_PIDS_LIMIT=500\nMAX_PODS=8\nTMPFS_DEFAULT=64Mi\n");
	assert_int_equal(board_load(&b, NULL, conf, cmdline, name, why, sizeof why), 0);
	assert_false(b.seccomp_default);
	assert_int_equal(b.pod_pids_limit, 500);
	assert_int_equal(b.max_pods, 8);
	assert_int_equal(b.tmpfs_default, 64 << 20);
	/* the kernel command line over the file, --board over both */
	put(cmdline, "quiet podinit.board=raspberrypi4 panic=-1\n");
	assert_int_equal(board_load(&b, NULL, conf, cmdline, name, why, sizeof why), 0);
	assert_string_equal(b.name, "raspberrypi4");
	assert_int_equal(board_load(&b, "mine", conf, cmdline, name, why, sizeof why), 0);
	assert_string_equal(b.name, "mine");
}

static void bad_values_keep_defaults(void **state)
{
	(void)state;
	struct board b;
	char why[256];
	put(conf, "WATCHDOG_TIMEOUT=soon\n");
	assert_int_equal(board_load(&b, NULL, conf, cmdline, name, why, sizeof why), -22);
	assert_non_null(strstr(why, "WATCHDOG_TIMEOUT=soon is not a number of seconds"));
	assert_int_equal(b.watchdog_timeout, 30);
	put(conf, "RESERVED_MEMORY=lots\n");
	assert_int_equal(board_load(&b, NULL, conf, cmdline, name, why, sizeof why), -22);
	assert_non_null(strstr(why, "RESERVED_MEMORY=lots is not a quantity"));
	put(conf, "SECCOMP_DEFAULT=Localhost\nPOD_PIDS_LIMIT=3\nMAX_PODS=100000\n");
	assert_int_equal(board_load(&b, NULL, conf, cmdline, name, why, sizeof why), -22);
	assert_true(b.seccomp_default);
	assert_int_equal(b.pod_pids_limit, 1024);
	assert_int_equal(b.max_pods, 128);
	assert_non_null(strstr(why, "MAX_PODS=100000 is not a count from 1 to 128"));
	/* the network's keys: ranges, addresses, dhcp */
	put(conf, "POD_CIDR=10.1.0.1/24\nSERVICE_CIDR=10.2.0.0/20\nUPLINK=eth0\nUPLINK_ADDR=dhcp\n"
		  "UPLINK_GATEWAY=10.0.2.2\nDNS=10.0.2.3\n");
	assert_int_equal(board_load(&b, NULL, conf, cmdline, name, why, sizeof why), 0);
	assert_string_equal(b.pod_cidr, "10.1.0.1/24");
	assert_string_equal(b.service_cidr, "10.2.0.0/20");
	assert_string_equal(b.uplink, "eth0");
	assert_string_equal(b.uplink_addr, "dhcp");
	assert_string_equal(b.uplink_gateway, "10.0.2.2");
	assert_string_equal(b.dns, "10.0.2.3");
	put(conf, "POD_CIDR=10.88.0.1\nSERVICE_CIDR=10.96.0.0/33\nUPLINK_ADDR=10.0.2.300/24\nDNS=nine\n");
	assert_int_equal(board_load(&b, NULL, conf, cmdline, name, why, sizeof why), -22);
	assert_string_equal(b.pod_cidr, "10.88.0.1/16"); /* the defaults stay */
	assert_string_equal(b.service_cidr, "10.96.0.0/16");
	assert_string_equal(b.uplink_addr, "");
	assert_string_equal(b.dns, "");
	assert_non_null(strstr(why, "DNS=nine is not an IPv4 address")); /* the last bad line */
	/* no profile at all: defaults, no watchdog */
	unlink(conf);
	assert_int_equal(board_load(&b, NULL, conf, cmdline, name, why, sizeof why), 0);
	assert_string_equal(b.watchdog_dev, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_profile),
		cmocka_unit_test(bad_values_keep_defaults),
	};
	return cmocka_run_group_tests_name("board", tests, setup, teardown);
}
