/* Unit tests: nl.c and net_link.c - a bridge, a veth pair into a second
 * network namespace, addresses and a default route, made through
 * rtnetlink in network namespaces of the test's own (a forked child
 * unshares one; root only, skipped otherwise), checked with ioctl and
 * /proc and by a ping-free TCP connect across the pair. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <cmocka.h>
#include "net_link.h"

static void cidr(void **state)
{
	(void)state;
	uint32_t ip;
	unsigned p;
	assert_int_equal(net_parse_cidr("10.88.0.1/16", &ip, &p), 0);
	assert_int_equal(ip, 0x0a580001);
	assert_int_equal(p, 16);
	assert_int_equal(net_parse_cidr("10.88.0.1", &ip, &p), -EINVAL);
	assert_int_equal(net_parse_cidr("10.88.0.1/", &ip, &p), -EINVAL);
	assert_int_equal(net_parse_cidr("10.88.0.1/33", &ip, &p), -EINVAL);
	assert_int_equal(net_parse_cidr("10.88.0/16", &ip, &p), -EINVAL);
	assert_int_equal(net_parse_cidr("10.88.0.1/16x", &ip, &p), -EINVAL);
	char b[16];
	net_fmt_ip(0x0a580001, b);
	assert_string_equal(b, "10.88.0.1");
}

static bool is_up(const char *name)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
	bool up = s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_UP);
	if (s >= 0)
		close(s);
	return up;
}

static void count(int ifindex, const char *name, void *arg)
{
	(void)ifindex;
	(void)name;
	(*(int *)arg)++;
}

/* In a child with network namespaces of its own; exit status = first failed step. */
static int in_netns(void)
{
	if (unshare(CLONE_NEWNET) < 0)
		return 100;
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	/* a second namespace, held by fd, as a pod's */
	if (unshare(CLONE_NEWNET) < 0)
		return 101;
	int pod = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (setns(self, CLONE_NEWNET) < 0)
		return 102;
	struct nl_sock host, in;
	if (nl_open(&host, NETLINK_ROUTE, -1, self) || nl_open(&in, NETLINK_ROUTE, pod, self))
		return 1;
	int br = net_link_bridge(&host, "podinit0");
	if (br <= 0 || net_link_bridge(&host, "podinit0") != br) /* a second time: kept */
		return 2;
	if (net_addr_add(&host, br, 0x0a580001, 16) || net_addr_add(&host, br, 0x0a580001, 16))
		return 3;
	if (net_link_veth(&host, "pi-test", br, "eth0", pod))
		return 4;
	if (net_link_veth(&host, "pi-test", br, "eth0", pod) != -EEXIST)
		return 5;
	int eth0 = net_link_index(&in, "eth0");
	int lo = net_link_index(&in, "lo");
	if (eth0 <= 0 || lo <= 0 || net_link_index(&host, "eth0") != -ENODEV)
		return 6;
	if (net_link_up(&in, lo) || net_link_up(&in, eth0) || net_addr_add(&in, eth0, 0x0a580002, 16) ||
	    net_route_default(&in, 0x0a580001, eth0))
		return 7;
	if (!is_up("podinit0") || !is_up("pi-test"))
		return 8;
	/* a listener on the bridge address, reached from the pod's side */
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(4242),
				 .sin_addr.s_addr = htonl(0x0a580001)};
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof sa) || listen(l, 1))
		return 9;
	if (setns(pod, CLONE_NEWNET) < 0)
		return 10;
	int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in far = {.sin_family = AF_INET, .sin_port = htons(4242),
				  .sin_addr.s_addr = htonl(0x0a580001)};
	int rc = connect(c, (struct sockaddr *)&far, sizeof far);
	if (setns(self, CLONE_NEWNET) < 0 || rc < 0)
		return 11;
	close(c);
	close(l);
	/* the sweep finds our links by prefix; deleting one end removes both */
	int seen = 0;

	if (net_link_each(&host, "pi-", count, &seen) || seen != 1)
		return 12;
	if (net_link_del(&host, net_link_index(&host, "pi-test")) || net_link_index(&in, "eth0") != -ENODEV)
		return 13;
	if (net_addr_flush(&host, br))
		return 14;
	nl_close(&host);
	nl_close(&in);
	return 0;
}


static void links_in_a_namespace(void **state)
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
		skip(); /* no network namespaces here */
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cidr),
		cmocka_unit_test(links_in_a_namespace),
	};
	return cmocka_run_group_tests_name("net_link", tests, NULL, NULL);
}
