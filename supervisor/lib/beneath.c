/* beneath.c - resolution inside a directory fd (see beneath.h).
 *
 * A component is created with mkdirat in the fd of its parent as resolved
 * beneath root; mkdirat never follows a symlink in its last component, and
 * the next lookup resolves beneath root again, so a symlink swapped in
 * between cannot lead out either. */
#include "beneath.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BENEATH_PATH 4096

int beneath_open(int root, const char *path, int flags, mode_t mode)
{
	struct open_how how = {.flags = (uint64_t)flags | O_CLOEXEC,
			       .mode = (flags & O_CREAT) ? mode : 0,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	while (*path == '/')
		path++;
	return (int)syscall(SYS_openat2, root, *path ? path : ".", &how, sizeof how);
}

/* makes the component name in the directory prefix (resolved beneath root) */
static int make_one(int root, const char *prefix, const char *name, bool file, mode_t dir_mode)
{
	int dfd = beneath_open(root, prefix, O_PATH | O_DIRECTORY, 0);
	if (dfd < 0)
		return -1;
	int rc;
	if (file) {
		int fd = openat(dfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
		rc = fd < 0 ? -1 : 0;
		if (fd >= 0)
			close(fd);
	} else {
		rc = mkdirat(dfd, name, dir_mode);
	}
	int err = errno;
	close(dfd);
	if (rc < 0 && err != EEXIST) {
		errno = err;
		return -1;
	}
	return 0;
}

int beneath_mkpath(int root, const char *path, bool file, mode_t dir_mode)
{
	char prefix[BENEATH_PATH];
	size_t len = strlen(path);
	if (len >= BENEATH_PATH) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(prefix, path, len + 1);
	/* the longest prefix that exists, then each missing component */
	for (size_t i = 0; i <= len; i++) {
		if (prefix[i] != '/' && prefix[i] != 0)
			continue;
		if (i == 0)
			continue;
		char c = prefix[i];
		prefix[i] = 0;
		bool last = c == 0 || (c == '/' && path[i + 1] == 0);
		int fd = beneath_open(root, prefix, O_PATH, 0);
		if (fd >= 0) {
			if (last)
				return fd;
			close(fd);
			prefix[i] = c;
			continue;
		}
		if (errno != ENOENT)
			return -1;
		char *slash = strrchr(prefix, '/');
		const char *name = slash ? slash + 1 : prefix;
		if (slash)
			*slash = 0;
		int rc = *name ? make_one(root, slash ? prefix : "", name, last && file, dir_mode) : 0;
		if (slash)
			*slash = '/';
		if (rc < 0)
			return -1;
		prefix[i] = c;
		if (last)
			return beneath_open(root, prefix, O_PATH, 0);
	}
	return beneath_open(root, "/", O_PATH, 0);
}
