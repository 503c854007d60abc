/* lat.c - one start-latency sample for bench/run.sh.
 *
 *   lat OUT -- CMD ARG...    t0, fork+exec CMD, wait for it (t1), then wait
 *                            until OUT holds a stamp (ts)
 *   lat OUT -w SRC DST       t0, copy SRC to DIR/.NAME.tmp and rename it to
 *                            DST (DIR/NAME) (t1), then wait for OUT
 *   lat -n N OUT ...         N starts at once (bench/board-init.sh's parallel
 *                            rows): waits for OUT.0 ... OUT.N-1, ts the last
 *
 * Prints "t0 t1 ts" in ns of CLOCK_MONOTONIC (stamp writes the same clock).
 * OUT is removed first. Exits 1 when no stamp came within 20 s. OUT "-":
 * no stamp is waited for (ts 0), for timing a command alone. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static unsigned long long now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (unsigned long long)t.tv_sec * 1000000000ULL + (unsigned long long)t.tv_nsec;
}

static int copy_rename(const char *src, const char *dst)
{
	static char buf[1 << 20];
	char tmp[4096], d[4096], b[4096];
	snprintf(d, sizeof d, "%s", dst);
	snprintf(b, sizeof b, "%s", dst);
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dirname(d), basename(b));
	int in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	ssize_t n = read(in, buf, sizeof buf);
	close(in);
	int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (n < 0 || out < 0 || write(out, buf, (size_t)n) != n || close(out) < 0)
		return -1;
	return rename(tmp, dst);
}

/* The stamp in path, or 0 while there is none (yet). */
static unsigned long long read_stamp(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0 || buf[n - 1] != '\n')
		return 0;
	buf[n] = 0;
	return strtoull(buf, NULL, 10);
}

/* OUT, or OUT.i with -n */
static const char *stamp_path(char *buf, size_t len, const char *out, int count, int i)
{
	if (count)
		snprintf(buf, len, "%s.%d", out, i);
	else
		snprintf(buf, len, "%s", out);
	return buf;
}

int main(int argc, char **argv)
{
	int count = 0; /* 0: one stamp in OUT itself */
	if (argc > 3 && !strcmp(argv[1], "-n")) {
		count = atoi(argv[2]);
		if (count < 1 || count > 100) {
			fprintf(stderr, "lat: -n takes 1 to 100\n");
			return 2;
		}
		argv += 2;
		argc -= 2;
	}
	if (argc < 4 || (strcmp(argv[2], "--") && (strcmp(argv[2], "-w") || argc != 5))) {
		fprintf(stderr, "usage: lat [-n N] OUT -- CMD ARG... | lat [-n N] OUT -w SRC DST\n");
		return 2;
	}
	const char *out = argv[1];
	bool stamp = strcmp(out, "-") != 0;
	int npaths = count ? count : 1;
	char path[4096];
	for (int i = 0; stamp && i < npaths; i++)
		unlink(stamp_path(path, sizeof path, out, count, i));
	unsigned long long t0 = now(), t1;
	if (!strcmp(argv[2], "-w")) {
		if (copy_rename(argv[3], argv[4]) < 0) {
			perror("lat: write");
			return 1;
		}
		t1 = now();
	} else {
		pid_t pid = fork();
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);
			dup2(null, 1);
			execvp(argv[3], argv + 3);
			_exit(127);
		}
		int st;
		if (pid < 0 || waitpid(pid, &st, 0) < 0)
			return 1;
		t1 = now();
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "lat: %s failed (status %d)\n", argv[3], st);
			return 1;
		}
	}
	if (!stamp) {
		printf("%llu %llu 0\n", t0, t1);
		return 0;
	}
	/* the stamps: poll every 0.5 ms; their values, not this wait, are the sample */
	unsigned long long last = 0;
	int seen = 0;
	bool got[100] = {false};
	for (unsigned long long give_up = now() + 20000000000ULL; now() < give_up;) {
		for (int i = 0; i < npaths; i++) {
			unsigned long long ts = got[i] ? 0 : read_stamp(stamp_path(path, sizeof path, out, count, i));
			if (ts) {
				got[i] = true;
				seen++;
				last = ts > last ? ts : last;
			}
		}
		if (seen == npaths) {
			printf("%llu %llu %llu\n", t0, t1, last);
			return 0;
		}
		nanosleep(&(struct timespec){0, 500000}, NULL);
	}
	fprintf(stderr, "lat: %d of %d stamps in %s after 20 s\n", seen, npaths, out);
	return 1;
}
