/* Unit tests: net_nft.c and net_sysctl - podinit's nftables table applied
 * in a network namespace of the test's own (a forked child unshares one;
 * root only, skipped otherwise) and checked by traffic: a Service address
 * is DNATed to its endpoint, a Service without endpoints refuses at once,
 * and once the table is removed nothing answers there. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <cmocka.h>
#include "net_link.h"
#include "net_nft.h"

#define LO_NET 0x0a600001  /* 10.96.0.1/16 on lo: the "Service range" routes back in */
#define SVC 0x0a60000a     /* 10.96.0.10:80 -> 10.96.0.1:8080 */
#define SVC_EMPTY 0x0a60000b /* 10.96.0.11:8080, no endpoints */
/* lo makes its whole /16 local: without the table, 10.96.0.11:8080 reaches
 * the listener on every address and 10.96.0.10:80 finds nobody */

/* connect to ip:port within a second: 0, or the errno */
static int try_connect(uint32_t ip, uint16_t port)
{
	int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = {.tv_sec = 1};
	setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(ip)};
	int rc = connect(c, (struct sockaddr *)&sa, sizeof sa) < 0 ? errno : 0;
	close(c);
	return rc;
}

static int in_netns(void)
{
	if (unshare(CLONE_NEWNET) < 0)
		return 100;
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	struct nl_sock rt, nft;
	if (nl_open(&rt, NETLINK_ROUTE, -1, self))
		return 1;
	if (nl_open(&nft, NETLINK_NETFILTER, -1, self))
		return 101; /* no nf_tables in this kernel */
	int lo = net_link_index(&rt, "lo");
	if (lo <= 0 || net_link_up(&rt, lo) || net_addr_add(&rt, lo, LO_NET, 16))
		return 2;
	/* the sysctl writer, in this namespace's own /proc/sys/net */
	char v[4] = "";
	int fd = -1;
	if (net_sysctl("net/ipv4/ip_forward", "1") ||
	    (fd = open("/proc/sys/net/ipv4/ip_forward", O_RDONLY | O_CLOEXEC)) < 0 ||
	    read(fd, v, sizeof v - 1) < 1 || v[0] != '1')
		return 3;
	close(fd);
	if (net_sysctl("net/ipv4/no_such_knob", "1") != -ENOENT)
		return 4;
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(8080),
				 .sin_addr.s_addr = htonl(INADDR_ANY)};
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof sa) || listen(l, 4))
		return 5;
	static _Alignas(8) unsigned char buf[64 * 1024];
	struct nl_msg m;
	struct nft_endpoint ep = {LO_NET, 8080};
	struct nft_entry e[] = {{IPPROTO_TCP, SVC, 80, 1, &ep}, {IPPROTO_TCP, SVC_EMPTY, 8080, 0, NULL}};
	struct nft_cfg cfg = {0x0a580000, 16, "podinit0", 0, 0};
	nl_init(&m, buf, sizeof buf);
	if (try_connect(SVC_EMPTY, 8080) != 0)
		return 14; /* before the table: the listener answers everywhere */
	if (net_nft_apply(&nft, &m, &cfg, e, 2))
		return 6;
	if (try_connect(SVC, 80) != 0)
		return 7; /* DNATed to the listener */
	if (try_connect(SVC_EMPTY, 8080) != ECONNREFUSED)
		return 8; /* refused at once, not left to time out */
	/* applied again with one entry: the table is replaced whole */
	nl_init(&m, buf, sizeof buf);
	if (net_nft_apply(&nft, &m, &cfg, e + 1, 1) || try_connect(SVC, 80) != ECONNREFUSED)
		return 9;
	/* too small a buffer: refused, the old table stays */
	static _Alignas(8) unsigned char small[256];
	nl_init(&m, small, sizeof small);
	if (net_nft_apply(&nft, &m, &cfg, e, 2) != -EMSGSIZE || try_connect(SVC_EMPTY, 8080) != ECONNREFUSED)
		return 10;
	/* the Service range's catch-all: 10.96.1.5:8080 has no entry and would
	 * reach the listener (lo makes it local), but is in the range: refused */
	struct nft_cfg ranged = {0x0a580000, 16, "podinit0", 0x0a600100, 24};
	nl_init(&m, buf, sizeof buf);
	if (try_connect(0x0a600105, 8080) != 0)
		return 15;
	if (net_nft_apply(&nft, &m, &ranged, e, 2))
		return 16;
	int r = try_connect(0x0a600105, 8080);
	if (r != ECONNREFUSED)
		return r == ETIMEDOUT || r == EINPROGRESS ? 17 : r == EHOSTUNREACH ? 18 : 19;
	if (try_connect(SVC, 80) != 0)
		return 20;
	nl_init(&m, buf, sizeof buf);
	if (net_nft_remove(&nft, &m))
		return 11;
	nl_init(&m, buf, sizeof buf);
	if (net_nft_remove(&nft, &m)) /* none there: no error */
		return 12;
	if (try_connect(SVC_EMPTY, 8080) != 0 || try_connect(SVC, 80) != ECONNREFUSED)
		return 13; /* the addresses are plain local ones again */
	close(l);
	nl_close(&rt);
	nl_close(&nft);
	return 0;
}

static void table_in_a_namespace(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	pid_t pid = fork();
	if (pid == 0)
		_exit(in_netns());
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) >= 100)
		skip(); /* no network namespaces or nf_tables here */
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_in_a_namespace),
	};
	return cmocka_run_group_tests_name("net_nft", tests, NULL, NULL);
}
