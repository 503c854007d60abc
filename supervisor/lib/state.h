/* state.h - files that stay whole across a crash or a power cut, and
 * directories made on the way.
 *
 * A write goes to a hidden temporary name beside the target (.NAME.tmp:
 * the manifests scanner never reads dot-files), is fsynced, renamed over
 * the target, and the directory is fsynced: after a power cut the file
 * holds the old content or the new one, never a part. Everything goes
 * through the directory's fd with plain names (not empty, no '/', not
 * starting with '.', at most 250 bytes; others are -EINVAL), so no name
 * a client sends can lead elsewhere. */
#ifndef PODINIT_STATE_H
#define PODINIT_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Writes buf to dirfd/name atomically (mode for a new file). 0 or -errno. */
int state_write(int dirfd, const char *name, const void *buf, size_t len, mode_t mode);
/* Reads the whole regular file dirfd/name (not through a symlink) into
 * buf, NUL-terminated: *len bytes before the NUL. -EFBIG when it does not
 * fit in size - 1 bytes; other -errno. */
int state_read(int dirfd, const char *name, void *buf, size_t size, size_t *len);
/* Publishes a directory filled under a temporary name (its files written
 * with state_write): fsyncs it, renames dirfd/tmp to dirfd/name (which
 * must not exist), fsyncs dirfd. After a power cut name is whole or
 * absent. 0 or -errno. */
int state_publish_dir(int dirfd, const char *tmp, const char *name);
/* Removes dirfd/name and makes that durable. 0 or -errno (-ENOENT). */
int state_remove(int dirfd, const char *name);
/* mkdir -p of an absolute or relative path. 0 or -errno. */
int state_mkdir_p(const char *path, mode_t mode);

#endif
