/* stage1.c - PID 1's own duties around the supervisor.
 *
 * The mount table is checked entry by entry: a failure is reported with
 * the entry and errno, and the boot goes on (EBUSY means the kernel
 * mounted it already). The final stage mirrors BusyBox init: TERM to
 * everything left, a short grace, KILL, sync, unmount, reboot(2). */
#include "stage1.h"
#include "diag.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct early_mount {
	const char *src, *dst, *type;
	unsigned long flags;
	const char *data;
};

static const struct early_mount early[] = {
	{"proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL},
	{"sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL},
	{"devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755"},
	{"devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "gid=5,mode=0620,ptmxmode=0666"},
	{"tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777"},
	{"tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"},
	{"cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, "nsdelegate"},
};

#define say diag_say

static void load_one(int dfd, const char *path, const char *name)
{
	int fd = openat(dfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (syscall(SYS_finit_module, fd, "", 0) < 0 && errno != EEXIST)
		say("module %s: %s", name, strerror(errno));
	else
		say("loaded module %s", name);
	close(fd);
}

/* In the board's order (/etc/podinit/modules, one path a line): the first
 * watchdog driver loaded becomes /dev/watchdog0. Else all of /lib/modules. */
static void load_modules(void)
{
	FILE *list = fopen("/etc/podinit/modules", "re");
	if (list) {
		char line[256];
		while (fgets(line, sizeof line, list)) {
			line[strcspn(line, "\n")] = 0;
			if (line[0] == '/') {
				const char *base = strrchr(line, '/') + 1;
				load_one(AT_FDCWD, line, base);
			}
		}
		fclose(list);
		return;
	}
	DIR *d = opendir("/lib/modules");
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n >= 4 && !strcmp(de->d_name + n - 3, ".ko"))
			load_one(dirfd(d), de->d_name, de->d_name);
	}
	closedir(d);
}

/* A mount point is on another device than its parent directory. */
static bool mounted(const char *path)
{
	char parent[64];
	struct stat a, b;
	snprintf(parent, sizeof parent, "%s/..", path);
	return stat(path, &a) == 0 && stat(parent, &b) == 0 && a.st_dev != b.st_dev;
}

/* PID 1 of a new PID namespace may find another namespace's /proc (the
 * contract's `unshare --pid --fork --mount`, no --mount-proc): there
 * /proc/<pid> names other processes than podinit's PIDs. It mounts its
 * own, in its own mount namespace only (a slave of the parent's, so
 * nothing propagates back). A device's PID 1 finds /proc/self = 1. */
static void own_proc(void)
{
	char self[16];
	ssize_t n = readlink("/proc/self", self, sizeof self - 1);
	if (n == 1 && self[0] == '1')
		return;
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		say("cannot make the mounts private: %s", strerror(errno));
	else if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		say("cannot mount a /proc of its own: %s", strerror(errno));
}

void stage1_boot(const char *console)
{
	umask(022);
	/* What is mounted already stays: the kernel may have mounted devtmpfs,
	 * and as PID 1 of a test namespace (unshare --pid --mount) the host's
	 * /proc, /sys and cgroup hierarchies are there and must stay visible. */
	for (size_t i = 0; i < sizeof early / sizeof *early; i++) {
		const struct early_mount *m = &early[i];
		if (mkdir(m->dst, 0755) < 0 && errno != EEXIST)
			say("cannot create %s: %s", m->dst, strerror(errno));
		if (mounted(m->dst))
			continue;
		if (mount(m->src, m->dst, m->type, m->flags, m->data) < 0 && errno != EBUSY)
			say("cannot mount %s: %s", m->dst, strerror(errno));
	}
	own_proc();
	/* the console: the kernel hands it over as fds 0-2 when the initramfs
	 * has /dev/console; reopen it now that devtmpfs is there */
	if (console) {
		int con = open(console, O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (con >= 0) {
			dup2(con, 0);
			dup2(con, 1);
			dup2(con, 2);
			close(con);
		}
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	/* name the device, but never rename a host we only share a UTS
	 * namespace with */
	char hn[65] = "";
	if (gethostname(hn, sizeof hn - 1) == 0 && (!hn[0] || !strcmp(hn, "(none)")))
		sethostname("podinit", 7);
	load_modules();
}

static void kill_all(int sig)
{
	kill(-1, sig); /* every process but PID 1 */
}

/* Reaps until nothing is left or ms have passed; waits for SIGCHLD (kept
 * blocked since the supervisor's signalfd) rather than polling. */
static void reap_for(long ms)
{
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	struct timespec now, end;
	clock_gettime(CLOCK_MONOTONIC, &end);
	long long end_ns = (long long)end.tv_sec * 1000000000LL + end.tv_nsec + ms * 1000000LL;
	for (;;) {
		pid_t p;
		while ((p = waitpid(-1, NULL, WNOHANG)) > 0)
			;
		if (p < 0 && errno == ECHILD)
			return; /* nothing left */
		clock_gettime(CLOCK_MONOTONIC, &now);
		long long left = end_ns - ((long long)now.tv_sec * 1000000000LL + now.tv_nsec);
		if (left <= 0)
			return;
		struct timespec ts = {(time_t)(left / 1000000000LL), (long)(left % 1000000000LL)};
		sigtimedwait(&chld, NULL, &ts);
	}
}

_Noreturn void stage1_final(enum stop_how action)
{
	static const char *const what[] = {"power off", "reboot", "halt"};
	fprintf(stderr, "podinit: every pod stopped; stopping the remaining processes, then %s\n",
		what[action]);
	kill_all(SIGTERM);
	reap_for(2000);
	kill_all(SIGKILL);
	reap_for(1000);
	sync();
	static const char *const unmount[] = {"/sys/fs/cgroup", "/dev/shm", "/dev/pts", "/tmp", "/run"};
	for (size_t i = 0; i < sizeof unmount / sizeof *unmount; i++)
		umount2(unmount[i], MNT_DETACH);
	sync();
	/* PID 1 of a container or test namespace ends the namespace with a
	 * plain exit 0 (reboot(2) there would end it too, but as a signal
	 * death); the initial PID namespace has a fixed inode number */
	struct stat ns;
	if (stat("/proc/self/ns/pid", &ns) == 0 && ns.st_ino != 0xEFFFFFFCU)
		_exit(0);
	int cmd = action == STOP_REBOOT ? RB_AUTOBOOT : action == STOP_HALT ? RB_HALT_SYSTEM
									       : RB_POWER_OFF;
	reboot(cmd);
	/* reboot(2) does not return on success; if it did, stay alive: PID 1
	 * must never exit */
	fprintf(stderr, "podinit: reboot(2) failed: %s\n", strerror(errno));
	for (;;)
		pause();
}

static void on_crash(int sig)
{
	/* async-signal-safe only: write, execve, _exit */
	static const char msg[] = "podinit: fatal signal in PID 1: starting again\n";
	ssize_t w = write(2, msg, sizeof msg - 1);
	(void)w;
	(void)sig;
	char *argv[] = {"podinit", "--recover", NULL}, *envp[] = {NULL};
	execve("/proc/self/exe", argv, envp);
	execve("/sbin/init", argv, envp);
	_exit(127); /* nothing else is left to try */
}

void stage1_crash_guard(void)
{
	static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaction(sigs[i], &sa, NULL);
}

void stage1_recover(void)
{
	/* the pods of the crashed instance are unknown to this one: stop them,
	 * then everything starts from the top, as after a cold boot */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	fprintf(stderr, "podinit: recovering: stopping what the crashed instance left\n");
	kill_all(SIGKILL);
	reap_for(3000);
}

_Noreturn void stage1_safe_mode(void)
{
	sigset_t set;
	sigemptyset(&set);
	int sigs[] = {SIGCHLD, SIGTERM, SIGINT, SIGUSR1, SIGUSR2, SIGPWR};
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fprintf(stderr, "podinit: safe mode: reaping, waiting for a reboot signal\n");
	for (;;) {
		siginfo_t si;
		if (sigwaitinfo(&set, &si) < 0)
			continue;
		if (si.si_signo == SIGCHLD) {
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
			continue;
		}
		enum stop_how how;
		if (stop_of_signal(si.si_signo, &how))
			stage1_final(how);
	}
}
