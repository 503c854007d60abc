/* Unit tests: cgroup_devices.c - the device allow-list: the v1 rules as
 * text, and the v2 BPF program run by the kernel for a child put into a
 * cgroup2 group it is attached to (as root, where a cgroup2 hierarchy is
 * mounted: /sys/fs/cgroup or a hybrid host's /sys/fs/cgroup/unified;
 * skipped elsewhere). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>
#include <cmocka.h>
#include "cgroup_devices.h"

static void v1_rules(void **state)
{
	(void)state;
	const char *want[] = {"c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
			      "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm", "c 10:229 rwm",
			      "c 10:200 rwm"};
	unsigned i = 0;
	for (const char *r; (r = cg_devices_v1_rule(i)); i++) {
		assert_true(i < sizeof want / sizeof *want);
		assert_string_equal(r, want[i]);
	}
	assert_int_equal(i, sizeof want / sizeof *want);
}

/* a cgroup2 mount this test may make a group in, or NULL */
static const char *cgroup2_root(void)
{
	static const char *const roots[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
	struct statfs st;
	for (size_t i = 0; i < sizeof roots / sizeof *roots; i++)
		if (statfs(roots[i], &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
			return roots[i];
	return NULL;
}

/* what the child may do: bit set = refused with EPERM */
static int child(const char *dir)
{
	int bad = 0;
	char p[256];
	snprintf(p, sizeof p, "%s/kmsg", dir);
	if (mknod(p, S_IFCHR | 0600, makedev(1, 11)) == 0 || errno != EPERM)
		bad |= 1; /* kmsg may not be made */
	snprintf(p, sizeof p, "%s/null", dir);
	if (mknod(p, S_IFCHR | 0666, makedev(1, 3)) < 0)
		bad |= 2; /* null may */
	int fd = open("/dev/null", O_WRONLY);
	if (fd < 0)
		bad |= 4;
	else
		close(fd);
	fd = open("/dev/kmsg", O_RDONLY);
	if (fd >= 0 || errno != EPERM)
		bad |= 8;
	if (fd >= 0)
		close(fd);
	snprintf(p, sizeof p, "%s/disk", dir);
	if (mknod(p, S_IFBLK | 0600, makedev(8, 0)) == 0 || errno != EPERM)
		bad |= 16; /* nor a block device */
	return bad;
}

static void v2_program(void **state)
{
	(void)state;
	const char *root = cgroup2_root();
	if (geteuid() != 0 || !root || access("/dev/kmsg", F_OK) != 0)
		skip();
	struct cg_sys s = {.mode = CG_V2};
	struct cg_devices d;
	int rc = cg_devices_init(&d, &s);
	if (rc == -EPERM || rc == -EINVAL)
		skip(); /* no BPF for cgroups in this kernel or sandbox */
	assert_int_equal(rc, 0);
	char group[256], tmp[] = "/tmp/podinit-devices-XXXXXX";
	snprintf(group, sizeof group, "%s/podinit-devtest-%d", root, (int)getpid());
	assert_int_equal(mkdir(group, 0755), 0);
	assert_non_null(mkdtemp(tmp));
	struct cg g = {.sys = &s, .events_fd = -1};
	for (int h = 0; h < CG_MAXH; h++)
		g.fd[h] = -1;
	g.fd[0] = open(group, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(g.fd[0] >= 0);
	assert_int_equal(cg_devices_apply(&d, &g, false), 0);
	pid_t pid = fork();
	if (pid == 0) {
		char procs[300], me[16];
		snprintf(procs, sizeof procs, "%s/cgroup.procs", group);
		int fd = open(procs, O_WRONLY);
		int n = snprintf(me, sizeof me, "%d", (int)getpid());
		if (fd < 0 || write(fd, me, (size_t)n) != n)
			_exit(100);
		close(fd);
		_exit(child(tmp));
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(g.fd[0]);
	rmdir(group);
	char p[300];
	snprintf(p, sizeof p, "%s/null", tmp);
	unlink(p);
	rmdir(tmp);
	cg_devices_fini(&d);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(v1_rules),
		cmocka_unit_test(v2_program),
	};
	return cmocka_run_group_tests_name("cgroup_devices", tests, NULL, NULL);
}
