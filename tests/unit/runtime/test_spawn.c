/* Unit tests: spawn - a real container process from a busybox image:
 * own PID 1, private mounts, the default capability set, user switch,
 * volumes, read-only root, and exec errors reported with their step.
 * Needs root and busybox-static (installed by boards/deps.sh host). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "spawn.h"

static char tmp[] = "/tmp/podinit-spawn-XXXXXX";
static char image[64], stage[64], vol[64];

static int make_image(void **state)
{
	(void)state;
	if (geteuid() != 0 || access("/bin/busybox", X_OK) != 0)
		return 0;
	if (!mkdtemp(tmp))
		return -1;
	snprintf(image, sizeof image, "%s/image", tmp);
	snprintf(stage, sizeof stage, "%s/stage", tmp);
	snprintf(vol, sizeof vol, "%s/vol", tmp);
	char cmd[4096];
	snprintf(cmd, sizeof cmd,
		 "mkdir -p %s/bin %s/etc %s %s && mkdir -p %s/proc %s/sys %s/dev %s/data/vol %s/work && cp /bin/busybox %s/bin/ && "
		 "for a in sh cat id ls grep echo sleep hostname; do ln -s busybox %s/bin/$a; done && "
		 "echo 'root:x:0:0::/root:/bin/sh' > %s/etc/passwd && echo hello > %s/greeting",
		 image, image, stage, vol, image, image, image, image, image, image, image, image, vol);
	return system(cmd) == 0 ? 0 : -1;
}

static int remove_image(void **state)
{
	(void)state;
	char cmd[512];
	if (tmp[strlen(tmp) - 1] != 'X') {
		snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
		return system(cmd) == 0 ? 0 : -1;
	}
	return 0;
}

/* Runs script in a container; returns its exit status, output in out. */
static int run(const char *script, bool ro, uid_t uid, struct spawn_error *err, char *out,
	       size_t outlen)
{
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	char *argv[] = {"sh", "-c", (char *)script, NULL};
	char *envp[] = {"PATH=/bin", NULL};
	struct spawn_mount mounts[] = {{vol, NULL, "/data/vol", SPM_RDONLY}};
	struct spawn_req req = {
		.netns = -1, .ipcns = -1, .utsns = -1, .pidns = -1, .lower = image, .stage = stage,
		.read_only_root = ro, .mounts = mounts, .nmounts = 1,
		.cred = {.uid = uid, .gid = uid, .caps = spawn_default_caps(), .last_cap = 40,
			 .no_new_privs = true},
		.argv = argv, .envp = envp, .path = "/bin", .workdir = "/work", .out_fd = p[1],
		.cgroup_fd = -1};
	struct spawn_proc proc;
	assert_int_equal(spawn_start(&req, &proc), 0);
	close(p[1]);
	assert_int_equal(spawn_release(&proc), 0);
	int flags = fcntl(proc.err_fd, F_GETFL);
	fcntl(proc.err_fd, F_SETFL, flags & ~O_NONBLOCK);
	int rep = spawn_result(&proc, err);
	spawn_report_close(&proc);
	size_t n = 0;
	ssize_t r;
	while (n + 1 < outlen && (r = read(p[0], out + n, outlen - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = 0;
	close(p[0]);
	int status;
	assert_int_equal(waitpid(proc.pid, &status, 0), proc.pid);
	if (rep == 1) {
		fprintf(stderr, "# spawn failed at %s: %s (mount %d)\n", spawn_step_name(err->step),
			strerror(err->err), err->index);
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#define NEED_ROOT()                                                                   \
	do {                                                                          \
		if (geteuid() != 0 || access("/bin/busybox", X_OK) != 0)              \
			skip();                                                       \
	} while (0)

static void isolated_process(void **state)
{
	(void)state;
	NEED_ROOT();
	char out[8192];
	struct spawn_error e;
	/* as in the supervisor, whose signalfd needs SIGTERM blocked */
	sigset_t term, old;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &old);
	int rc = run("echo pid=$$; grep -E '^(Cap(Bnd|Eff)|NoNewPrivs|SigBlk)' /proc/self/status; "
		     "cat /data/vol/greeting; pwd; ls /dev | tr '\\n' ' '; echo; "
		     "touch /data/vol/x 2>/dev/null && echo vol-writable || echo vol-readonly; "
		     "touch /newfile && echo root-writable; set -- /proc/[0-9]*; echo procs=$#",
		     false, 0, &e, out, sizeof out);
	sigprocmask(SIG_SETMASK, &old, NULL);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "pid=1\n"));
	assert_non_null(strstr(out, "SigBlk:\t0000000000000000"));
	/* containerd's 14 default capabilities: 0x00000000a80425fb */
	assert_non_null(strstr(out, "CapBnd:\t00000000a80425fb"));
	assert_non_null(strstr(out, "CapEff:\t00000000a80425fb"));
	assert_non_null(strstr(out, "NoNewPrivs:\t1"));
	assert_non_null(strstr(out, "hello\n"));
	assert_non_null(strstr(out, "/work\n"));
	assert_non_null(strstr(out, "null"));
	assert_non_null(strstr(out, "vol-readonly"));
	assert_non_null(strstr(out, "root-writable"));
	/* only this container's sh is there: the shell itself expands the
	 * glob, no other process runs at that moment (counting with ls | grep
	 * saw the pipeline's own members, and under load one more) */
	assert_non_null(strstr(out, "procs=1\n"));
	/* the writable layer was the container's own: the image is untouched */
	char path[300];
	snprintf(path, sizeof path, "%s/newfile", image);
	assert_int_not_equal(access(path, F_OK), 0);
}

static void non_root_user_and_read_only_root(void **state)
{
	(void)state;
	NEED_ROOT();
	char out[4096];
	struct spawn_error e;
	int rc = run("id -u; grep -E '^CapEff' /proc/self/status; touch /x 2>&1 || echo ro-root",
		     true, 1000, &e, out, sizeof out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "1000\n"));
	assert_non_null(strstr(out, "CapEff:\t0000000000000000"));
	assert_non_null(strstr(out, "ro-root"));
}

static void exec_failure_is_reported(void **state)
{
	(void)state;
	NEED_ROOT();
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	char *argv[] = {"no-such-command", NULL};
	char *envp[] = {NULL};
	struct spawn_req req = {.netns = -1, .ipcns = -1, .utsns = -1, .pidns = -1, .lower = image,
				.stage = stage, .argv = argv, .envp = envp, .path = "/bin",
				.workdir = "/", .cred = {.caps = spawn_default_caps(), .last_cap = 40},
				.out_fd = p[1], .cgroup_fd = -1};
	struct spawn_proc proc;
	assert_int_equal(spawn_start(&req, &proc), 0);
	close(p[1]);
	assert_int_equal(spawn_release(&proc), 0);
	int flags = fcntl(proc.err_fd, F_GETFL);
	fcntl(proc.err_fd, F_SETFL, flags & ~O_NONBLOCK);
	struct spawn_error e;
	assert_int_equal(spawn_result(&proc, &e), 1);
	spawn_report_close(&proc);
	if (e.step != SPAWN_EXEC)
		fail_msg("failed at %s: %s", spawn_step_name(e.step), strerror(e.err));
	assert_int_equal(e.err, ENOENT);
	assert_string_equal(spawn_step_name(e.step), "exec");
	int status;
	assert_int_equal(waitpid(proc.pid, &status, 0), proc.pid);
	assert_int_equal(WEXITSTATUS(status), 127);
	close(p[0]);
}

/* As the contract runs podinit: PID 1 of a new PID namespace that still
 * sees the host's /proc. A process joins a container through the pidfd of
 * its main process: it lands in the container's mount and PID namespaces
 * (the image's passwd, the container's PID 1 is sleep). Runs in a child
 * that exits with what went wrong (0: nothing). */
static int exec_in_new_pidns(void)
{
	int self_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (self_pidns < 0)
		return 10;
	char *argv[] = {"sleep", "30", NULL}, *envp[] = {"PATH=/bin", NULL};
	struct spawn_req req = {.netns = -1, .ipcns = -1, .utsns = -1, .pidns = -1, .lower = image,
				.stage = stage, .stage_bytes = 1 << 20, .argv = argv, .envp = envp,
				.path = "/bin", .workdir = "/",
				.cred = {.caps = spawn_default_caps(), .last_cap = 40}, .out_fd = -1,
				.cgroup_fd = -1, .self_pidns = self_pidns};
	struct spawn_proc ctr, ex;
	if (spawn_start(&req, &ctr) || spawn_release(&ctr))
		return 11;
	int flags = fcntl(ctr.err_fd, F_GETFL);
	fcntl(ctr.err_fd, F_SETFL, flags & ~O_NONBLOCK);
	struct spawn_error e;
	if (spawn_result(&ctr, &e) != 0)
		return 12;
	char *xargv[] = {"sh", "-c", "grep -q '::/root:' /etc/passwd && grep -q sleep /proc/1/cmdline && [ $$ -gt 1 ]", NULL};
	struct spawn_exec_req x = {.target_pidfd = ctr.pidfd, .argv = xargv, .envp = envp,
				   .path = "/bin", .cred = {.caps = spawn_default_caps(), .last_cap = 40},
				   .cgroup_fd = -1, .self_pidns = self_pidns};
	int rc = spawn_exec_start(&x, &ex);
	if (rc)
		return 13;
	spawn_release(&ex);
	int status, ret = 0;
	if (waitpid(ex.pid, &status, 0) != ex.pid || !WIFEXITED(status) || WEXITSTATUS(status))
		ret = 14;
	spawn_signal(&ctr, SIGKILL);
	waitpid(ctr.pid, &status, 0);
	return ret;
}

static void exec_joins_by_pidfd(void **state)
{
	(void)state;
	NEED_ROOT();
	pid_t pid = fork();
	if (pid == 0) {
		/* the next child is PID 1 of a new PID namespace, /proc stays */
		if (unshare(CLONE_NEWPID) < 0)
			_exit(20);
		pid_t init = fork();
		if (init == 0)
			_exit(getpid() == 1 ? exec_in_new_pidns() : 21);
		int status;
		_exit(waitpid(init, &status, 0) == init && WIFEXITED(status) ? WEXITSTATUS(status) : 22);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(isolated_process),
		cmocka_unit_test(non_root_user_and_read_only_root),
		cmocka_unit_test(exec_failure_is_reported),
		cmocka_unit_test(exec_joins_by_pidfd),
	};
	return cmocka_run_group_tests_name("spawn", tests, make_image, remove_image);
}
