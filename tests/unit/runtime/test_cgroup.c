/* Unit tests: cgroup.c - the exact files written into a fake v2 tree in a
 * temp dir; the life of a group in the real v1 hierarchies of a hybrid
 * host (skipped where /sys/fs/cgroup/memory is not a v1 memory hierarchy);
 * and v2 process tracking in the hybrid host's unified tree, which has no
 * controllers but the same cgroup.events, cgroup.kill and clone3. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sched.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "cgroup.h"

#define MiB (1024 * 1024LL)

/* ---- helpers ---------------------------------------------------------- */

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* whole file, or "<errno text>" so a failed read shows in the assertion */
static const char *slurp_at(int dfd, const char *file)
{
	static char buf[4096];
	int fd = openat(dfd, file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(buf, sizeof buf, "<%s: %s>", file, strerror(errno));
		return buf;
	}
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static const char *slurp(const char *path)
{
	return slurp_at(AT_FDCWD, path);
}

static bool lists_pid(const char *text, pid_t pid)
{
	char want[24];
	snprintf(want, sizeof want, "%d", (int)pid);
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		if (n == strlen(want) && !strncmp(p, want, n))
			return true;
		p += n + (p[n] == '\n');
	}
	return false;
}

/* ---- a fake v2 tree ---------------------------------------------------- */

struct fake {
	char root[64];
	char self[96]; /* our /proc/self/cgroup */
	char own[160]; /* the supervisor's group: root/system.slice/podinit.service */
	struct cg_sys s;
	bool inited;
};

static char path_buf[4][512];

/* a path below the fake root; four rotating buffers, for use in one call */
static const char *at(struct fake *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *at(struct fake *f, const char *fmt, ...)
{
	static unsigned i;
	char *p = path_buf[i++ % 4];
	int n = snprintf(p, 512, "%s/", f->root);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p + n, 512 - (size_t)n, fmt, ap);
	va_end(ap);
	return p;
}

/* What the kernel would show in a new group: every file podinit touches. */
static void fake_group(struct fake *f, const char *rel, const char *controllers)
{
	static const char *const files[] = {
		"cgroup.subtree_control", "cgroup.procs", "cgroup.kill", "memory.max",
		"memory.swap.max", "memory.oom.group", "cpu.max", "cpu.weight", "pids.max"};
	char dir[512];
	snprintf(dir, sizeof dir, "%s", at(f, "%s", rel));
	for (char *p = dir + strlen(f->root) + 1; (p = strchr(p, '/')); *p++ = '/') {
		*p = '\0';
		assert_true(mkdir(dir, 0755) == 0 || errno == EEXIST);
	}
	assert_true(mkdir(dir, 0755) == 0 || errno == EEXIST);
	for (size_t i = 0; i < sizeof files / sizeof *files; i++)
		put_file(at(f, "%s/%s", rel, files[i]), "");
	put_file(at(f, "%s/cgroup.controllers", rel), controllers);
	put_file(at(f, "%s/cgroup.type", rel), "domain\n"); /* every group but the root */
	put_file(at(f, "%s/cgroup.events", rel), "populated 0\nfrozen 0\n");
	put_file(at(f, "%s/memory.events", rel), "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
	put_file(at(f, "%s/memory.current", rel), "0\n");
	put_file(at(f, "%s/cpu.stat", rel), "usage_usec 0\nuser_usec 0\nsystem_usec 0\n");
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static int fake_setup(void **state)
{
	static struct fake f;
	memset(&f, 0, sizeof f);
	snprintf(f.root, sizeof f.root, "/tmp/podinit-cg-XXXXXX");
	if (!mkdtemp(f.root))
		return -1;
	snprintf(f.self, sizeof f.self, "%s/self-cgroup", f.root);
	snprintf(f.own, sizeof f.own, "system.slice/podinit.service");
	*state = &f;
	return 0;
}

static int fake_teardown(void **state)
{
	struct fake *f = *state;
	if (f->inited)
		cg_sys_fini(&f->s);
	return nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A device-like tree: controllers at the root and in the supervisor's
 * group, which holds only us; the base and its groups made in advance
 * (a real cgroupfs fills a new directory with files, mkdir here cannot). */
static void fake_tree(struct fake *f, const char *controllers)
{
	char pid[32];
	put_file(at(f, "cgroup.controllers"), controllers);
	put_file(at(f, "cgroup.subtree_control"), "");
	fake_group(f, f->own, controllers);
	snprintf(pid, sizeof pid, "%d\n", (int)getpid());
	put_file(at(f, "%s/cgroup.procs", f->own), pid);
	fake_group(f, "system.slice/podinit.service/podinit", controllers);
	fake_group(f, "system.slice/podinit.service/podinit/_supervisor", controllers);
	fake_group(f, "system.slice/podinit.service/podinit/web", controllers);
	fake_group(f, "system.slice/podinit.service/podinit/web/app", controllers);
	put_file(f->self, "0::/system.slice/podinit.service\n");
}

static void empty_dir(struct fake *f, const char *rel)
{
	static const char *const files[] = {
		"cgroup.controllers", "cgroup.subtree_control", "cgroup.procs", "cgroup.kill",
		"cgroup.events", "cgroup.type", "memory.max", "memory.swap.max", "memory.oom.group", "memory.events",
		"memory.current", "cpu.max", "cpu.weight", "cpu.stat", "pids.max"};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++)
		assert_int_equal(unlink(at(f, "%s/%s", rel, files[i])), 0);
}

#define BASE "system.slice/podinit.service/podinit"

static void v2_writes_the_expected_files(void **state)
{
	struct fake *f = *state;
	char pid[24];
	fake_tree(f, "cpuset cpu io memory pids\n");
	assert_int_equal(cg_sys_init(&f->s, f->root, "podinit", f->self), 0);
	f->inited = true;
	assert_string_equal(cg_mode_name(&f->s), "v2");
	/* podinit left its group for a leaf, then handed the controllers down */
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	assert_string_equal(slurp(at(f, BASE "/_supervisor/cgroup.procs")), pid);
	assert_string_equal(slurp(at(f, "%s/cgroup.subtree_control", f->own)), "+memory +pids +cpu");
	assert_string_equal(slurp(at(f, BASE "/cgroup.subtree_control")), "+memory +pids +cpu");
	assert_string_equal(slurp(at(f, "cgroup.subtree_control")), ""); /* above us: not ours */

	struct cg pod, app;
	struct cg_limits pl = {.mem_max = 64 * MiB, .cpu_max = 500, .cpu_request = 250, .pids_max = 128};
	assert_int_equal(cg_create(&f->s, NULL, "web", &pl, &pod), 0);
	assert_string_equal(slurp(at(f, BASE "/web/memory.max")), "67108864");
	assert_string_equal(slurp(at(f, BASE "/web/memory.swap.max")), "0");
	assert_string_equal(slurp(at(f, BASE "/web/memory.oom.group")), "1");
	assert_string_equal(slurp(at(f, BASE "/web/cpu.max")), "50000 100000");
	/* 250m: shares 256, weight 1 + 254 * 9999 / 262142 */
	assert_string_equal(slurp(at(f, BASE "/web/cpu.weight")), "10");
	assert_string_equal(slurp(at(f, BASE "/web/pids.max")), "128");
	assert_string_equal(slurp(at(f, BASE "/web/cgroup.subtree_control")), "");

	struct cg_limits al = {.mem_max = -1, .cpu_max = -1, .cpu_request = 100, .pids_max = -1};
	assert_int_equal(cg_create(&f->s, &pod, "app", &al, &app), 0);
	assert_string_equal(slurp(at(f, BASE "/web/cgroup.subtree_control")), "+memory +pids +cpu");
	assert_string_equal(slurp(at(f, BASE "/web/app/memory.max")), "max");
	assert_string_equal(slurp(at(f, BASE "/web/app/cpu.max")), "max 100000");
	assert_string_equal(slurp(at(f, BASE "/web/app/cpu.weight")), "4"); /* shares 102 */
	assert_string_equal(slurp(at(f, BASE "/web/app/pids.max")), "max");
	assert_true(cg_fd_v2(&app) >= 0);
	assert_true(app.events_fd >= 0);

	/* limits are rewritten whole; a tiny quota is the kernel's 1 ms */
	struct cg_limits nl = {.mem_max = 1 * MiB, .cpu_max = 1, .cpu_request = 1000, .pids_max = 7};
	assert_int_equal(cg_set_limits(&app, &nl), 0);
	assert_string_equal(slurp(at(f, BASE "/web/app/memory.max")), "1048576");
	assert_string_equal(slurp(at(f, BASE "/web/app/cpu.max")), "1000 100000");
	assert_string_equal(slurp(at(f, BASE "/web/app/cpu.weight")), "39"); /* shares 1024 */
	assert_string_equal(slurp(at(f, BASE "/web/app/pids.max")), "7");

	/* cgroup.events, memory.events, memory.current, cpu.stat are read */
	put_file(at(f, BASE "/web/app/cgroup.events"), "populated 1\nfrozen 0\n");
	assert_true(cg_populated(&app));
	put_file(at(f, BASE "/web/app/cgroup.events"), "populated 0\nfrozen 0\n");
	assert_false(cg_populated(&app));
	put_file(at(f, BASE "/web/memory.events"),
		 "low 0\nhigh 0\nmax 9\noom 3\noom_kill 2\noom_group_kill 1\n");
	uint64_t n = 0;
	assert_int_equal(cg_oom_kills(&pod, &n), 0);
	assert_int_equal(n, 2);
	put_file(at(f, BASE "/web/memory.current"), "1052672\n");
	put_file(at(f, BASE "/web/cpu.stat"), "usage_usec 12345\nuser_usec 10000\nsystem_usec 2345\n");
	struct cg_stats st;
	assert_int_equal(cg_stats(&pod, &st), 0);
	assert_int_equal(st.mem_bytes, 1052672);
	assert_int_equal(st.cpu_usec, 12345);

	assert_int_equal(cg_kill_all(&pod), 0);
	assert_string_equal(slurp(at(f, BASE "/web/cgroup.kill")), "1");

	/* cgroupfs removes a group's files with it; a temp dir needs help */
	empty_dir(f, BASE "/web/app");
	assert_int_equal(cg_destroy(&app), 0);
	assert_int_equal(access(at(f, BASE "/web/app"), F_OK), -1);
	assert_int_equal(cg_destroy(&pod), -ENOTEMPTY); /* kept, and retried */
	empty_dir(f, BASE "/web");
	assert_int_equal(cg_destroy(&pod), 0);
	assert_int_equal(access(at(f, BASE "/web"), F_OK), -1);
}

/* PID 1 sits in the root, which may hold processes: no leaf, no move. */
static void v2_at_root_without_cpu(void **state)
{
	struct fake *f = *state;
	put_file(at(f, "cgroup.controllers"), "memory pids\n");
	put_file(at(f, "cgroup.subtree_control"), "");
	fake_group(f, "podinit", "memory pids\n");
	fake_group(f, "podinit/web", "memory pids\n");
	put_file(f->self, "12:pids:/\n0::/\n");
	assert_int_equal(cg_sys_init(&f->s, f->root, "podinit", f->self), 0);
	f->inited = true;
	assert_int_equal(access(at(f, "podinit/_supervisor"), F_OK), -1);
	assert_string_equal(slurp(at(f, "cgroup.subtree_control")), "+memory +pids");
	assert_string_equal(slurp(at(f, "podinit/cgroup.subtree_control")), "+memory +pids");

	struct cg pod;
	struct cg_limits cpu = {.mem_max = -1, .cpu_max = 100, .cpu_request = -1, .pids_max = -1};
	assert_int_equal(cg_create(&f->s, NULL, "web", &cpu, &pod), -ENOTSUP);
	struct cg_limits mem = {.mem_max = 4096, .cpu_max = -1, .cpu_request = -1, .pids_max = 10};
	assert_int_equal(cg_create(&f->s, NULL, "web", &mem, &pod), 0);
	assert_string_equal(slurp(at(f, "podinit/web/memory.max")), "4096");
	assert_string_equal(slurp(at(f, "podinit/web/cpu.max")), ""); /* untouched */
	empty_dir(f, "podinit/web");
	assert_int_equal(cg_destroy(&pod), 0);
}

/* The root of a cgroup namespace looks like "/" but is an ordinary group. */
static void v2_namespace_root_is_no_root(void **state)
{
	struct fake *f = *state;
	char pid[32];
	put_file(at(f, "cgroup.controllers"), "memory pids\n");
	put_file(at(f, "cgroup.subtree_control"), "");
	put_file(at(f, "cgroup.type"), "domain\n");
	snprintf(pid, sizeof pid, "%d\n", (int)getpid());
	put_file(at(f, "cgroup.procs"), pid);
	fake_group(f, "podinit", "memory pids\n");
	fake_group(f, "podinit/_supervisor", "memory pids\n");
	put_file(f->self, "0::/\n");
	assert_int_equal(cg_sys_init(&f->s, f->root, "podinit", f->self), 0);
	f->inited = true;
	pid[strlen(pid) - 1] = '\0';
	assert_string_equal(slurp(at(f, "podinit/_supervisor/cgroup.procs")), pid);
	assert_string_equal(slurp(at(f, "cgroup.subtree_control")), "+memory +pids");
}

/* A restarted podinit finds itself in the leaf and uses the group above. */
static void v2_init_again_from_the_leaf(void **state)
{
	struct fake *f = *state;
	fake_tree(f, "cpu memory pids\n");
	put_file(at(f, "%s/cgroup.procs", f->own), "");
	put_file(f->self, "0::/system.slice/podinit.service/podinit/_supervisor\n");
	assert_int_equal(cg_sys_init(&f->s, f->root, "podinit", f->self), 0);
	f->inited = true;
	assert_string_equal(slurp(at(f, "%s/cgroup.subtree_control", f->own)), "+memory +pids +cpu");
	assert_int_equal(access(at(f, BASE "/podinit"), F_OK), -1);
}

static void v2_refuses_a_shared_group(void **state)
{
	struct fake *f = *state;
	char procs[48];
	fake_tree(f, "cpu memory pids\n");
	snprintf(procs, sizeof procs, "%d\n%d\n", (int)getpid(), (int)getpid() + 1);
	put_file(at(f, "%s/cgroup.procs", f->own), procs);
	assert_int_equal(cg_sys_init(&f->s, f->root, "podinit", f->self), -EBUSY);
	assert_string_equal(slurp(at(f, "%s/cgroup.subtree_control", f->own)), "");
}

/* An empty unified tree (a hybrid host's) and no v1 hierarchies. */
static void no_usable_controllers(void **state)
{
	struct fake *f = *state;
	assert_int_equal(mkdir(at(f, "unified"), 0755), 0);
	put_file(at(f, "unified/cgroup.controllers"), "\n");
	put_file(f->self, "0::/\n");
	assert_int_equal(cg_sys_init(&f->s, f->root, "podinit", f->self), -ENOTSUP);
	assert_string_equal(cg_mode_name(&f->s), "none");
	put_file(at(f, "unified/cgroup.controllers"), "cpu io\n");
	assert_int_equal(cg_sys_init(&f->s, f->root, "podinit", f->self), -ENOTSUP);
}

static void names_are_checked(void **state)
{
	struct fake *f = *state;
	static const char *const bad[] = {
		"", ".", "..", "a/b", "../x", ".hidden", "a b", "a\nb", "_supervisor",
		"0123456789012345678901234567890123456789012345678901234567890123"};
	fake_tree(f, "cpu memory pids\n");
	assert_int_equal(cg_sys_init(&f->s, f->root, "../podinit", f->self), -EINVAL);
	assert_int_equal(cg_sys_init(&f->s, f->root, "podinit", f->self), 0);
	f->inited = true;
	struct cg g;
	struct cg_limits none = {.mem_max = -1, .cpu_max = -1, .cpu_request = -1, .pids_max = -1};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(cg_create(&f->s, NULL, bad[i], &none, &g), -EINVAL);
}

/* ---- the real v1 hierarchies ------------------------------------------ */

struct real {
	struct cg_sys s;
	bool inited;
	struct cg g[4];
	bool live[4];
	pid_t child[2];
};

static int real_setup(void **state)
{
	static struct real r;
	memset(&r, 0, sizeof r);
	*state = &r;
	return 0;
}

/* Whatever the test got to: children killed and reaped, groups removed. */
static int real_teardown(void **state)
{
	struct real *r = *state;
	for (int i = 0; i < 2; i++)
		if (r->child[i] > 0) {
			kill(r->child[i], SIGKILL);
			waitpid(r->child[i], NULL, 0);
		}
	for (int i = 3; i >= 0; i--)
		if (r->live[i]) {
			cg_kill_all(&r->g[i]);
			if (cg_destroy(&r->g[i]))
				fprintf(stderr, "# left behind: cgroup %s\n", r->g[i].name);
		}
	if (r->inited)
		cg_sys_fini(&r->s);
	return 0;
}

/* The machine this runs on must offer v1 memory, or the test says why not. */
static void real_v1_or_skip(struct real *r)
{
	if (access("/sys/fs/cgroup/memory/tasks", F_OK) ||
	    access("/sys/fs/cgroup/memory/memory.limit_in_bytes", F_OK)) {
		fprintf(stderr, "# SKIP: /sys/fs/cgroup/memory is not a cgroup v1 memory hierarchy\n");
		skip();
	}
	if (geteuid() != 0) {
		fprintf(stderr, "# SKIP: making cgroups needs root\n");
		skip();
	}
	char base[CG_NAME_MAX];
	snprintf(base, sizeof base, "podinit-test.%d", (int)getpid()); /* tests may run in parallel */
	int err = cg_sys_init(&r->s, "/sys/fs/cgroup", base, NULL);
	assert_int_equal(err, 0);
	r->inited = true;
	if (r->s.mode != CG_V1) {
		fprintf(stderr, "# SKIP: this host has usable cgroup v2; the v1 path is not used\n");
		skip();
	}
}

static int hfd(struct real *r, int i, enum cg_ctrl c)
{
	return r->g[i].fd[r->s.h_of[c]];
}

static pid_t fork_waiting(int *go)
{
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char c;
		close(p[1]);
		ssize_t n = read(p[0], &c, 1);
		if (n != 1)
			_exit(2);
		/* released: touch 64 MiB, one page at a time */
		size_t size = 64 * MiB;
		char *m = malloc(size);
		if (!m)
			_exit(3);
		for (size_t i = 0; i < size; i += 4096)
			m[i] = 1;
		_exit(m[size - 4096] == 1 ? 0 : 4);
	}
	close(p[0]);
	*go = p[1];
	return pid;
}

static void v1_limits_attach_kill_destroy(void **state)
{
	struct real *r = *state;
	real_v1_or_skip(r);
	struct cg_limits pl = {.mem_max = 32 * MiB, .cpu_max = 500, .cpu_request = 250, .pids_max = 64};
	assert_int_equal(cg_create(&r->s, NULL, "pod", &pl, &r->g[0]), 0);
	r->live[0] = true;
	int m = hfd(r, 0, CG_MEMORY), c = hfd(r, 0, CG_CPU);
	assert_string_equal(slurp_at(m, "memory.limit_in_bytes"), "33554432\n");
	if (!access("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes", F_OK))
		assert_string_equal(slurp_at(m, "memory.memsw.limit_in_bytes"), "33554432\n");
	assert_string_equal(slurp_at(m, "memory.swappiness"), "0\n");
	assert_string_equal(slurp_at(c, "cpu.cfs_quota_us"), "50000\n");
	assert_string_equal(slurp_at(c, "cpu.cfs_period_us"), "100000\n");
	assert_string_equal(slurp_at(c, "cpu.shares"), "256\n");
	assert_string_equal(slurp_at(hfd(r, 0, CG_PIDS), "pids.max"), "64\n");
	assert_int_equal(cg_fd_v2(&r->g[0]), -1);
	assert_int_equal(r->g[0].events_fd, -1);

	/* raising past memsw, then lowering, then none: memsw order both ways */
	pl.mem_max = 64 * MiB;
	assert_int_equal(cg_set_limits(&r->g[0], &pl), 0);
	assert_string_equal(slurp_at(m, "memory.limit_in_bytes"), "67108864\n");
	pl.mem_max = 32 * MiB;
	assert_int_equal(cg_set_limits(&r->g[0], &pl), 0);
	assert_string_equal(slurp_at(m, "memory.limit_in_bytes"), "33554432\n");
	pl.mem_max = -1;
	pl.cpu_max = -1;
	assert_int_equal(cg_set_limits(&r->g[0], &pl), 0);
	assert_string_equal(slurp_at(c, "cpu.cfs_quota_us"), "-1\n");
	pl.mem_max = 32 * MiB;
	pl.cpu_max = 500;
	assert_int_equal(cg_set_limits(&r->g[0], &pl), 0);

	/* a container group below the pod; the child lives there */
	struct cg_limits cl = {.mem_max = -1, .cpu_max = -1, .cpu_request = -1, .pids_max = -1};
	assert_int_equal(cg_create(&r->s, &r->g[0], "app", &cl, &r->g[1]), 0);
	r->live[1] = true;
	assert_false(cg_populated(&r->g[0]));
	int go;
	r->child[0] = fork_waiting(&go);
	assert_int_equal(cg_attach(&r->g[1], r->child[0]), 0);
	for (unsigned h = 0; h < r->s.nh; h++)
		assert_true(lists_pid(slurp_at(r->g[1].fd[h], "cgroup.procs"), r->child[0]));
	assert_true(cg_populated(&r->g[1]));
	assert_true(cg_populated(&r->g[0])); /* the subtree counts */
	assert_int_equal(cg_destroy(&r->g[0]), -EBUSY);

	int rc = cg_kill_all(&r->g[0]);
	assert_true(rc == 0 || rc == -EAGAIN); /* exits are asynchronous */
	int ws;
	assert_int_equal(waitpid(r->child[0], &ws, 0), r->child[0]);
	r->child[0] = 0;
	close(go);
	assert_true(WIFSIGNALED(ws));
	assert_int_equal(WTERMSIG(ws), SIGKILL);
	assert_int_equal(cg_kill_all(&r->g[0]), 0);
	assert_false(cg_populated(&r->g[0]));
	assert_false(cg_populated(&r->g[1]));

	struct stat st;
	assert_int_equal(cg_destroy(&r->g[0]), -EBUSY); /* app is still there */
	assert_int_equal(cg_destroy(&r->g[1]), 0);
	r->live[1] = false;
	assert_int_equal(cg_destroy(&r->g[0]), 0);
	r->live[0] = false;
	for (unsigned h = 0; h < r->s.nh; h++) {
		assert_int_equal(fstatat(r->s.base[h], "pod", &st, 0), -1);
		assert_int_equal(errno, ENOENT);
	}
}

static void v1_oom_kill_is_counted(void **state)
{
	struct real *r = *state;
	real_v1_or_skip(r);
	struct cg_limits pl = {.mem_max = -1, .cpu_max = -1, .cpu_request = -1, .pids_max = 64};
	struct cg_limits cl = {.mem_max = 16 * MiB, .cpu_max = -1, .cpu_request = -1, .pids_max = -1};
	assert_int_equal(cg_create(&r->s, NULL, "oompod", &pl, &r->g[0]), 0);
	r->live[0] = true;
	assert_int_equal(cg_create(&r->s, &r->g[0], "hog", &cl, &r->g[1]), 0);
	r->live[1] = true;
	uint64_t n = 99;
	assert_int_equal(cg_oom_kills(&r->g[1], &n), 0);
	assert_int_equal(n, 0);

	int go;
	r->child[0] = fork_waiting(&go);
	assert_int_equal(cg_attach(&r->g[1], r->child[0]), 0);
	assert_int_equal(write(go, "g", 1), 1);
	close(go);
	int ws;
	assert_int_equal(waitpid(r->child[0], &ws, 0), r->child[0]);
	r->child[0] = 0;
	assert_true(WIFSIGNALED(ws));
	assert_int_equal(WTERMSIG(ws), SIGKILL);
	assert_int_equal(cg_oom_kills(&r->g[1], &n), 0);
	assert_true(n >= 1);
	assert_int_equal(cg_oom_kills(&r->g[0], &n), 0); /* summed over the subtree */
	assert_true(n >= 1);

	struct cg_stats st;
	assert_int_equal(cg_stats(&r->g[0], &st), 0);
	assert_true(st.mem_bytes < 16 * MiB);
	if (r->s.h_of[CG_CPUACCT] >= 0)
		assert_true(st.cpu_usec > 0 && st.cpu_usec != CG_STAT_NONE); /* it touched 16 MiB */

	assert_false(cg_populated(&r->g[0]));
	assert_int_equal(cg_destroy(&r->g[1]), 0);
	r->live[1] = false;
	assert_int_equal(cg_destroy(&r->g[0]), 0);
	r->live[0] = false;
}

/* ---- v2 process tracking in a real unified tree without controllers ----- */

/* cg_sys_init refuses a v2 tree without memory and pids, and cg_create
 * would write their files: so this group is set up by hand, as they would. */
static void v2_tracking_in_the_unified_tree(void **state)
{
	struct real *r = *state;
	const char *unified = "/sys/fs/cgroup/unified";
	char dir[256];
	if (access("/sys/fs/cgroup/unified/cgroup.procs", F_OK) || geteuid() != 0) {
		fprintf(stderr, "# SKIP: no cgroup v2 tree at %s (or not root)\n", unified);
		skip();
	}
	memset(&r->s, 0, sizeof r->s);
	r->s.mode = CG_V2;
	r->s.nh = 1;
	r->s.h_of[CG_CPU] = -1;
	for (int h = 0; h < CG_MAXH; h++)
		r->s.own[h] = r->s.base[h] = -1;
	r->s.base[0] = open(unified, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(r->s.base[0] >= 0);
	r->inited = true;
	struct cg *g = &r->g[0];
	memset(g, 0, sizeof *g);
	g->sys = &r->s;
	g->fd[1] = g->fd[2] = g->fd[3] = -1;
	snprintf(g->name, sizeof g->name, "podinit-test.%d", (int)getpid());
	snprintf(dir, sizeof dir, "%s/%s", unified, g->name);
	assert_int_equal(mkdir(dir, 0755), 0);
	g->fd[0] = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	g->events_fd = openat(g->fd[0], "cgroup.events", O_RDONLY | O_CLOEXEC);
	r->live[0] = true;
	assert_true(g->fd[0] >= 0 && g->events_fd >= 0);

	int ep = epoll_create1(EPOLL_CLOEXEC);
	assert_true(ep >= 0);
	struct epoll_event ev = {.events = EPOLLPRI, .data.fd = g->events_fd};
	assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, g->events_fd, &ev), 0);
	assert_false(cg_populated(g));
	assert_int_equal(epoll_wait(ep, &ev, 1, 0), 0);

	/* born inside the group, as the container runtime starts containers */
	struct clone_args ca = {.flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD,
				.cgroup = (uint64_t)cg_fd_v2(g)};
	long pid = syscall(SYS_clone3, &ca, sizeof ca);
	if (pid < 0 && errno == ENOSYS) {
		close(ep);
		fprintf(stderr, "# SKIP: no clone3 on this kernel\n");
		skip();
	}
	if (pid == 0)
		for (;;)
			pause();
	assert_true(pid > 0);
	r->child[0] = (pid_t)pid;
	assert_int_equal(epoll_wait(ep, &ev, 1, 1000), 1);
	assert_true(ev.events & EPOLLPRI);
	assert_true(cg_populated(g));
	assert_int_equal(epoll_wait(ep, &ev, 1, 0), 0); /* the read re-armed it */
	assert_true(lists_pid(slurp_at(g->fd[0], "cgroup.procs"), r->child[0]));
	assert_int_equal(cg_destroy(g), -EBUSY);

	assert_int_equal(cg_kill_all(g), 0); /* cgroup.kill */
	int ws;
	assert_int_equal(waitpid(r->child[0], &ws, 0), r->child[0]);
	r->child[0] = 0;
	assert_true(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL);
	assert_int_equal(epoll_wait(ep, &ev, 1, 1000), 1);
	assert_false(cg_populated(g));

	/* the fallback: fork, then attach */
	pid = fork();
	if (pid == 0)
		for (;;)
			pause();
	assert_true(pid > 0);
	r->child[0] = (pid_t)pid;
	assert_int_equal(cg_attach(g, r->child[0]), 0);
	assert_true(cg_populated(g));
	assert_int_equal(cg_kill_all(g), 0);
	assert_int_equal(waitpid(r->child[0], &ws, 0), r->child[0]);
	r->child[0] = 0;
	assert_true(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL);
	assert_false(cg_populated(g));
	close(ep);

	assert_int_equal(cg_destroy(g), 0);
	r->live[0] = false;
	assert_int_equal(access(dir, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(v2_writes_the_expected_files, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(v2_at_root_without_cpu, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(v2_namespace_root_is_no_root, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(v2_init_again_from_the_leaf, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(v2_refuses_a_shared_group, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(no_usable_controllers, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(names_are_checked, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(v1_limits_attach_kill_destroy, real_setup, real_teardown),
		cmocka_unit_test_setup_teardown(v1_oom_kill_is_counted, real_setup, real_teardown),
		cmocka_unit_test_setup_teardown(v2_tracking_in_the_unified_tree, real_setup,
						real_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
