/* logfile.c - append and rotate. Rotation renames NAME.log.(i) to
 * NAME.log.(i+1) from the oldest down, then NAME.log to NAME.log.1, and
 * starts a new NAME.log; the oldest falls off the end. */
#include "logfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "names.h"

void logfile_init(struct logfile *lf)
{
	lf->fd = -1;
	lf->size = lf->dropped = 0;
	lf->path = NULL;
}

int logfile_open(struct logfile *lf, const char *data, const char *pod, const char *ctr)
{
	char dir[4096], path[4096];
	if (pathf(dir, sizeof dir, "%s/logs", data) || pathf(path, sizeof path, "%s/%s_%s.log", dir, pod, ctr))
		return -ENAMETOOLONG;
	free(lf->path);
	if (!(lf->path = strdup(path))) /* held only with --log-files */
		return -ENOMEM;
	if (mkdir(dir, 0750) < 0 && errno != EEXIST)
		return -errno;
	lf->fd = open(lf->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (lf->fd < 0)
		return -errno;
	struct stat st;
	lf->size = fstat(lf->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	return 0;
}

static void rotate(struct logfile *lf, unsigned count)
{
	char from[4200], to[4200];
	close(lf->fd);
	lf->fd = -1;
	for (unsigned i = count - 1; i >= 1; i--) {
		if (i == 1)
			snprintf(from, sizeof from, "%s", lf->path);
		else
			snprintf(from, sizeof from, "%s.%u", lf->path, i - 1);
		snprintf(to, sizeof to, "%s.%u", lf->path, i);
		rename(from, to); /* a missing older file is fine */
	}
	if (count <= 1)
		unlink(lf->path);
	lf->fd = open(lf->path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640);
	lf->size = 0;
}

void logfile_write(struct logfile *lf, const char *buf, size_t len, uint64_t max_size,
		   unsigned count)
{
	if (lf->fd < 0) {
		lf->dropped += len;
		return;
	}
	if (lf->size + len > max_size && lf->size > 0)
		rotate(lf, count);
	if (lf->fd < 0) {
		lf->dropped += len;
		return;
	}
	ssize_t w = write(lf->fd, buf, len);
	if (w > 0)
		lf->size += (uint64_t)w;
	if (w < 0 || (size_t)w < len)
		lf->dropped += len - (w > 0 ? (size_t)w : 0);
}

void logfile_close(struct logfile *lf)
{
	if (lf->fd >= 0)
		close(lf->fd);
	lf->fd = -1;
	free(lf->path);
	lf->path = NULL;
}
