/* squash.h - read-only mounts of squashfs images, one per image file,
 * shared by every container that uses the image.
 *
 * The image file is attached to a loop device (LOOP_CONFIGURE, read-only,
 * autoclear) and mounted under RUN/images/; the mount is kept while the
 * supervisor runs, so a restart of a container costs nothing. */
#ifndef PODINIT_SQUASH_H
#define PODINIT_SQUASH_H

#include <stddef.h>

#define SQUASH_MAX 32 /* distinct squashfs images mounted at once */

struct squash_mount {
	char file[4096];
	char dir[4096];
};

struct squash {
	const char *run; /* RUN directory */
	struct squash_mount m[SQUASH_MAX];
	unsigned n;
};

void squash_init(struct squash *s, const char *run);
/* The directory where image file `file` is mounted, mounting it first if
 * needed; 0 or -errno. */
int squash_get(struct squash *s, const char *file, char *dir, size_t len);
/* Unmounts everything (at shutdown). */
void squash_fini(struct squash *s);

#endif
