/* image.h - container images in the local image store: references, lookup,
 * the OCI config and what a container runs.
 *
 * podinit never pulls. A reference is normalised as Docker does and names
 * the directory IMAGES/<registry>/<repository>/<tag>/, which holds rootfs/
 * or rootfs.squashfs and optionally config.json. A digest reference uses
 * the directory "sha256:<hex>" in place of the tag: a tag can never hold a
 * ':', so the two cannot collide. Every part of a valid reference starts
 * with a letter, digit or '_' and holds no '/', so a reference can never
 * name "." or ".." and never leaves IMAGES. */
#ifndef PODINIT_IMAGE_H
#define PODINIT_IMAGE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "arena.h"
#include "diag.h"

#define IMAGE_NAME_MAX     255          /* registry/repository, as Docker */
#define IMAGE_TAG_MAX      128          /* a tag, as Docker */
#define IMAGE_DIGEST_MAX   (7 + 128)    /* "sha512:" and 128 hex digits */
#define IMAGE_CONFIG_BYTES (256 * 1024) /* config.json */
#define IMAGE_TREE_BYTES   (4 * 1024 * 1024) /* its parse tree, freed after decoding */
#define IMAGE_LIST_MAX     1024         /* entries of Entrypoint, Cmd or Env */
#define IMAGE_ETC_BYTES    (4 * 1024 * 1024) /* etc/passwd or etc/group */
#define IMAGE_ETC_LINE     1024         /* bytes of a passwd/group line looked at */

/* Waiting reasons, as the kubelet words them. podinit has no registry
 * client, so a missing image is always the case of imagePullPolicy: Never. */
#define IMAGE_REASON_MISSING "ErrImageNeverPull"
#define IMAGE_REASON_INVALID "InvalidImageName"

struct image_ref {
	char registry[IMAGE_NAME_MAX + 1]; /* docker.io, localhost:5000, [::1]:5000 */
	char repo[IMAGE_NAME_MAX + 1];     /* library/nginx */
	char tag[IMAGE_DIGEST_MAX + 1];    /* latest, or sha256:<hex> for a digest */
};

/* Parses and normalises text (nginx -> docker.io/library/nginx:latest).
 * A digest wins over a tag given with it. Returns 0, or -EINVAL with *why
 * set to a static reason. */
int image_ref_parse(const char *text, struct image_ref *out, const char **why);
/* registry/repo:tag, or registry/repo@sha256:<hex>; truncated to len. */
void image_ref_format(const struct image_ref *r, char *buf, size_t len);

/* The part of an OCI image config that says what to run. Arrays and
 * strings live in the caller's arena. */
struct image_config {
	const char **entrypoint, **cmd, **env; /* env entries are NAME=value */
	unsigned n_entrypoint, n_cmd, n_env;
	const char *workdir; /* absolute; NULL when the image sets none */
	const char *user;    /* User as written; NULL when the image sets none */
	const char *stop_signal; /* StopSignal as written ("SIGQUIT"); NULL when none */
	bool has_uid, has_gid; /* the parts of user that are numbers */
	uid_t uid;
	gid_t gid;
};

/* A signal by name (SIGQUIT, QUIT, any case) or number: 1..64, or -1. */
int image_signal_number(const char *s);

/* Decodes config.json text (len <= IMAGE_CONFIG_BYTES) with the YAML
 * reader. Unknown fields are ignored, keys match ignoring case and the last
 * duplicate wins (as Go's decoder). Each problem goes to dl with its line
 * and column. Returns 0, -EINVAL or -ENOMEM; out is all empty on error. */
int image_config_parse(const char *buf, size_t len, struct arena *a, struct diag_list *dl,
		       struct image_config *out);

struct image {
	char dir[PATH_MAX];    /* IMAGES/<registry>/<repo>/<tag> */
	char rootfs[PATH_MAX]; /* dir/rootfs, or dir/rootfs.squashfs */
	char config[PATH_MAX]; /* dir/config.json, "" when there is none */
	bool squashfs;
	bool has_config;
	struct image_config cfg; /* all empty without config.json */
};

/* Finds r under images_dir; the rootfs/ directory is preferred over
 * rootfs.squashfs. Returns 0; -ENOENT when the image is not in the store
 * (the diagnostic names the directory looked at); -EINVAL when the image
 * directory is broken or config.json is invalid (those diagnostics carry
 * config.json's line:col: print them with dl->file = out->config); other
 * -errno on I/O errors. */
int image_find(const char *images_dir, const struct image_ref *r, struct arena *a,
	       struct diag_list *dl, struct image *out);

/* The container's argv as Kubernetes builds it: command replaces the
 * Entrypoint and args replace Cmd, but a command without args drops Cmd.
 * An empty list counts as not given. Writes *argc entries and a NULL to
 * argv[0..max). cfg may be NULL. Returns 0, -EINVAL when the result is
 * empty ("no command specified") or -E2BIG when it does not fit. */
int image_argv(const struct image_config *cfg, const char *const *command, unsigned ncommand,
	       const char *const *args, unsigned nargs, const char **argv, unsigned max,
	       unsigned *argc);

/* The working directory: the container's, else the image's, else "/". */
const char *image_workdir(const struct image_config *cfg, const char *container_workdir);

/* Resolves a User string ("", "uid", "uid:gid", "name", "name:group" or a
 * mix) as runc does, reading etc/passwd and etc/group of the rootfs open at
 * rootfs_dirfd (O_PATH will do). Paths resolve inside that root (openat2
 * RESOLVE_IN_ROOT), or, where openat2 is missing, without following any
 * symlink. A missing file holds no entries. "" is 0:0; a user alone gets
 * the primary group of its passwd entry, or 0. Only the first
 * IMAGE_ETC_LINE bytes of a line are looked at. Returns 0; -EINVAL for a
 * malformed user or a file that is not a regular one; -ENOENT when a name
 * has no entry; -ELOOP for a symlink refused or looping; -EFBIG for a file
 * over IMAGE_ETC_BYTES; other -errno. */
int image_resolve_user(int rootfs_dirfd, const char *user, uid_t *uid, gid_t *gid);
/* The home directory of uid in the image's /etc/passwd (an absolute path)
 * into buf; -ENOENT without such an entry, else as image_resolve_user. */
int image_user_home(int rootfs_dirfd, uid_t uid, char *buf, size_t len);

#endif
