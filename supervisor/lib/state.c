/* state.c - crash-safe files (see state.h). */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool state_name_ok(const char *name)
{
	size_t n = strnlen(name, NAME_MAX + 1);
	return n > 0 && n <= NAME_MAX - 5 && name[0] != '.' && !memchr(name, '/', n);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int state_write(int dirfd, const char *name, const void *buf, size_t len, mode_t mode)
{
	if (!state_name_ok(name))
		return -EINVAL;
	char tmp[NAME_MAX + 1];
	snprintf(tmp, sizeof tmp, ".%s.tmp", name);
	/* a stale temporary (a crash mid-write) is replaced */
	unlinkat(dirfd, tmp, 0);
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	int rc = write_all(fd, buf, len);
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && renameat(dirfd, tmp, dirfd, name) < 0)
		rc = -errno;
	if (rc) {
		unlinkat(dirfd, tmp, 0);
		return rc;
	}
	return fsync(dirfd) < 0 ? -errno : 0;
}

int state_read(int dirfd, const char *name, void *buf, size_t size, size_t *len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	char *p = buf;
	size_t n = 0;
	int rc = 0;
	for (;;) {
		ssize_t r = read(fd, p + n, size - n); /* one byte past the room: too large */
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n >= size) {
			rc = -EFBIG;
			break;
		}
	}
	close(fd);
	if (rc)
		return rc;
	p[n] = 0;
	*len = n;
	return 0;
}

int state_publish_dir(int dirfd, const char *tmp, const char *name)
{
	int fd = openat(dirfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = fsync(fd) < 0 ? -errno : 0;
	close(fd);
	if (!rc && renameat(dirfd, tmp, dirfd, name) < 0)
		rc = -errno;
	if (!rc && fsync(dirfd) < 0)
		rc = -errno;
	return rc;
}

int state_remove(int dirfd, const char *name)
{
	if (!state_name_ok(name))
		return -EINVAL;
	if (unlinkat(dirfd, name, 0) < 0)
		return -errno;
	return fsync(dirfd) < 0 ? -errno : 0;
}

int state_mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return -ENAMETOOLONG;
	for (char *s = buf + 1;; s++) {
		if (*s == '/' || !*s) {
			char c = *s;
			*s = 0;
			if (mkdir(buf, mode) < 0 && errno != EEXIST)
				return -errno;
			*s = c;
			if (!c)
				return 0;
		}
	}
}
