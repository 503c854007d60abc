/* squash.c - loop-mounting squashfs image files.
 *
 * LOOP_CONFIGURE (Linux 5.8) sets the backing file and the flags in one
 * call; with LO_FLAGS_AUTOCLEAR the loop device frees itself when the
 * mount goes away, so nothing but the mount has to be undone. */
#include "squash.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "names.h"

void squash_init(struct squash *s, const char *run)
{
	s->run = run;
	s->n = 0;
}

static int attach_loop(int file_fd, char *dev, size_t len)
{
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return -errno;
	int rc = -EBUSY;
	/* another process may take the free device first: retry a few times */
	for (int tries = 0; tries < 8; tries++) {
		int nr = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (nr < 0) {
			rc = -errno;
			break;
		}
		snprintf(dev, len, "/dev/loop%d", nr);
		int lfd = open(dev, O_RDONLY | O_CLOEXEC);
		if (lfd < 0) {
			rc = -errno;
			break;
		}
		struct loop_config cfg = {.fd = (uint32_t)file_fd,
					  .info = {.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR}};
		if (ioctl(lfd, LOOP_CONFIGURE, &cfg) == 0) {
			close(ctl);
			return lfd; /* kept open until mounted: autoclear needs a user */
		}
		rc = -errno;
		close(lfd);
		if (rc != -EBUSY)
			break;
	}
	close(ctl);
	return rc;
}

int squash_get(struct squash *s, const char *file, char *dir, size_t len)
{
	for (unsigned i = 0; i < s->n; i++)
		if (!strcmp(s->m[i].file, file))
			return pathf(dir, len, "%s", s->m[i].dir);
	if (s->n >= SQUASH_MAX)
		return -ENOSPC;
	struct squash_mount *m = &s->m[s->n];
	char base[4096], dev[64];
	if (pathf(m->file, sizeof m->file, "%s", file) || pathf(base, sizeof base, "%s/images", s->run) ||
	    pathf(m->dir, sizeof m->dir, "%s/images/%u", s->run, s->n))
		return -ENAMETOOLONG;
	if ((mkdir(base, 0755) < 0 && errno != EEXIST) || (mkdir(m->dir, 0755) < 0 && errno != EEXIST))
		return -errno;
	int ffd = open(file, O_RDONLY | O_CLOEXEC);
	if (ffd < 0)
		return -errno;
	int lfd = attach_loop(ffd, dev, sizeof dev);
	close(ffd);
	if (lfd < 0)
		return lfd;
	int rc = mount(dev, m->dir, "squashfs", MS_RDONLY | MS_NODEV | MS_NOSUID, NULL) < 0 ? -errno : 0;
	close(lfd); /* the mount holds the device now; autoclear frees it after */
	if (rc)
		return rc;
	s->n++;
	return pathf(dir, len, "%s", m->dir);
}

void squash_fini(struct squash *s)
{
	for (unsigned i = 0; i < s->n; i++)
		umount2(s->m[i].dir, MNT_DETACH);
	s->n = 0;
}
