/* stamp.c - the "app" of the start-latency benchmark: its first act is to
 * read CLOCK_MONOTONIC and write it, in ns, to the file argv[1] (stdout
 * without an argument). Built static (gcc -static), so nothing runs before
 * main but the C library's start-up. CLOCK_MONOTONIC because no container
 * here has a time namespace: host and container read the same clock, and
 * no NTP step can move it between the two readings. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%lld%09ld\n", (long long)t.tv_sec, t.tv_nsec);
	int fd = argc > 1 ? open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : 1;
	if (fd < 0 || write(fd, buf, (size_t)n) != n)
		return 1;
	return fd == 1 ? 0 : close(fd) != 0;
}
