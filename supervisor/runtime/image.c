/* image.c - the local image store: finding an image by its reference.
 *
 * podinit never pulls: an image is the directory IMAGES/<registry>/<repo>/
 * <tag>/ (see image.h). The path is built only from a parsed reference,
 * which cannot leave the store. config.json is read whole into one
 * bounded buffer and decoded by image_config.c. */
#include "image_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* dst = dir/name; image_find has checked that the longest name fits. */
static void path_join(char dst[PATH_MAX], const char *dir, const char *name)
{
	size_t d = strlen(dir), n = strlen(name);
	if (d + 1 + n >= PATH_MAX)
		d = n = 0;
	memcpy(dst, dir, d);
	dst[d] = '/';
	memcpy(dst + d + 1, name, n + 1);
}

static int read_config(int dirfd, struct image *out, struct arena *a, struct diag_list *dl)
{
	int fd = openat(dirfd, "config.json", O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0) {
		int e = errno;
		diag_error(dl, 0, 0, "%s: %s", out->config, strerror(e));
		return -e;
	}
	out->has_config = true;
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int rc;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		rc = diag_error(dl, 0, 0, "not a regular file");
		goto out_close;
	}
	buf = malloc(IMAGE_CONFIG_BYTES + 1);
	rc = -ENOMEM;
	if (!buf)
		goto out_close;
	while (len <= IMAGE_CONFIG_BYTES) {
		ssize_t n = read(fd, buf + len, IMAGE_CONFIG_BYTES + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			diag_error(dl, 0, 0, "%s", strerror(errno));
			goto out_free;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	rc = image_config_decode(buf, len, a, dl, &out->cfg);
out_free:
	free(buf);
out_close:
	close(fd);
	return rc;
}

int image_find(const char *images_dir, const struct image_ref *r, struct arena *a,
	       struct diag_list *dl, struct image *out)
{
	char name[sizeof r->registry + sizeof r->repo + sizeof r->tag];
	struct stat st;
	memset(out, 0, sizeof *out);
	image_ref_format(r, name, sizeof name);
	int n = snprintf(out->dir, sizeof out->dir, "%s/%s/%s/%s", images_dir, r->registry,
			 r->repo, r->tag);
	if (n < 0 || (size_t)n + sizeof "/rootfs.squashfs" > sizeof out->dir) {
		diag_error(dl, 0, 0, "image %s: path under %s too long", name, images_dir);
		return -ENAMETOOLONG;
	}
	path_join(out->config, out->dir, "config.json");

	int dirfd = open(out->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		int e = errno;
		if (e == ENOENT || e == ENOTDIR) {
			diag_error(dl, 0, 0, "image %s is not present in the image store: no directory %s/",
				   name, out->dir);
			return -ENOENT;
		}
		diag_error(dl, 0, 0, "image %s: %s: %s", name, out->dir, strerror(e));
		return -e;
	}
	int rc = 0;
	if (!fstatat(dirfd, "rootfs", &st, 0)) {
		if (!S_ISDIR(st.st_mode)) {
			rc = diag_error(dl, 0, 0, "image %s: %s/rootfs is not a directory", name,
					out->dir);
			goto out_close;
		}
		path_join(out->rootfs, out->dir, "rootfs");
	} else if (!fstatat(dirfd, "rootfs.squashfs", &st, 0)) {
		if (!S_ISREG(st.st_mode)) {
			rc = diag_error(dl, 0, 0, "image %s: %s/rootfs.squashfs is not a regular file",
					name, out->dir);
			goto out_close;
		}
		path_join(out->rootfs, out->dir, "rootfs.squashfs");
		out->squashfs = true;
	} else {
		diag_error(dl, 0, 0,
			   "image %s is not present in the image store: %s/ holds neither rootfs/ "
			   "nor rootfs.squashfs",
			   name, out->dir);
		rc = -ENOENT;
		goto out_close;
	}
	rc = read_config(dirfd, out, a, dl);
	if (!out->has_config)
		out->config[0] = 0;
out_close:
	close(dirfd);
	return rc;
}
