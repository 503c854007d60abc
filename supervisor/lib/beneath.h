/* beneath.h - paths opened and created beneath a directory fd, as if that
 * directory were the root: no symlink, "..", absolute link or magic link
 * ever leads out of it.
 *
 * For every path below a directory that a container can write (its root,
 * an emptyDir, a hostPath it shares): a symlink planted there is resolved
 * inside the directory, never in podinit's own view of the filesystem.
 * No allocation and no stdio: the spawn child uses these too. */
#ifndef PODINIT_BENEATH_H
#define PODINIT_BENEATH_H

#include <stdbool.h>
#include <sys/types.h>

/* openat2 with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS; O_CLOEXEC always.
 * fd, or -1 with errno. */
int beneath_open(int root, const char *path, int flags, mode_t mode);
/* Creates path and its missing parents below root, one component at a
 * time (mkdirat in the resolved parent; the last one a file when file is
 * true), and returns an O_PATH fd on it, or -1 with errno. Directories
 * are made with dir_mode. */
int beneath_mkpath(int root, const char *path, bool file, mode_t dir_mode);

#endif
