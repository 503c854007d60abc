/* image_user.c - the User of a container: "user[:group]" split as runc
 * splits it, and names resolved through etc/passwd and etc/group of the
 * image's rootfs.
 *
 * Invariants: etc/passwd and etc/group are streamed through fixed buffers
 * and opened relative to the rootfs, never through a symlink that leaves
 * it; no line or file is read past IMAGE_ETC_LINE or IMAGE_ETC_BYTES. */
#include "image_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define USER_ID_MAX      0x7fffffffu /* runc refuses larger uids and gids in User */
#define ETC_ID_MAX       0xfffffffeu /* (uid_t)-1 is never an id */

/* ---- users ---------------------------------------------------------- */

static bool parse_id(const char *s, size_t len, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > max)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

static bool all_digits(const char *s, size_t len)
{
	return len && strspn(s, "0123456789") >= len;
}

/* "user[:group]", each a name or a number; NULL or the reason it is not. */
const char *image_user_parse(const char *s, struct image_user_spec *sp)
{
	memset(sp, 0, sizeof *sp);
	const char *colon = strchr(s, ':');
	sp->u = s;
	sp->ulen = colon ? (size_t)(colon - s) : strlen(s);
	if (!sp->ulen)
		return "empty user name";
	if (colon) {
		sp->has_g = true;
		sp->g = colon + 1;
		sp->glen = strlen(sp->g);
		if (!sp->glen)
			return "empty group name";
		if (strchr(sp->g, ':'))
			return "expected user[:group]";
	}
	if (all_digits(sp->u, sp->ulen)) {
		if (!parse_id(sp->u, sp->ulen, USER_ID_MAX, &sp->uid))
			return "uid out of range 0-2147483647";
		sp->u_num = true;
	}
	if (sp->has_g && all_digits(sp->g, sp->glen)) {
		if (!parse_id(sp->g, sp->glen, USER_ID_MAX, &sp->gid))
			return "gid out of range 0-2147483647";
		sp->g_num = true;
	}
	return NULL;
}

/* ---- etc/passwd and etc/group --------------------------------------- */

static bool no_openat2; /* learnt once: the kernel or a seccomp filter lacks it */

/* etc/<name> of the rootfs, never reached through a symlink out of it. */
static int open_etc(int rootfd, const char *name)
{
	const int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	char path[32];
	snprintf(path, sizeof path, "etc/%s", name);
	if (!no_openat2) {
		struct open_how how = {.flags = flags,
				       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
		long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof how);
		if (fd >= 0)
			return (int)fd;
		if (errno != ENOSYS && errno != EPERM)
			return -errno;
		no_openat2 = true;
	}
	/* No symlink is followed at all: not "etc", not the file. */
	int etc = openat(rootfd, "etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (etc < 0)
		return -errno;
	int fd = openat(etc, name, flags | O_NOFOLLOW);
	int e = errno;
	close(etc);
	return fd < 0 ? -e : fd;
}

struct etc_query {
	const char *file;  /* "passwd" or "group" */
	unsigned nid;      /* numeric fields after name:password: 2 or 1 */
	const char *name;  /* match by name (nlen bytes) ... */
	size_t nlen;
	bool by_id;        /* ... or by the first numeric field */
	uint32_t id;
	bool found;
	uint32_t ids[2];
	char *home;        /* passwd: where the entry's home directory goes, or NULL */
	size_t home_len;
};

/* name:password:id[:id]:... The line may have been cut at IMAGE_ETC_LINE
 * bytes: a numeric field not ended by ':' before the cut is not trusted. */
static void etc_line(struct etc_query *q, char *line, bool cut)
{
	char *f[4];
	unsigned n = 1;
	char *p = line;
	f[0] = line;
	while (n < 2 + q->nid && (p = strchr(p, ':'))) {
		*p++ = 0;
		f[n++] = p;
	}
	if (n < 2 + q->nid)
		return;
	char *end = strchr(f[n - 1], ':');
	if (end)
		*end = 0;
	else if (cut)
		return;
	/* gecos:home:shell after the ids */
	char *gecos_end = end ? strchr(end + 1, ':') : NULL;
	char *home = gecos_end ? gecos_end + 1 : NULL, *home_end = home ? strchr(home, ':') : NULL;
	uint32_t ids[2];
	for (unsigned i = 0; i < q->nid; i++)
		if (!parse_id(f[2 + i], strlen(f[2 + i]), ETC_ID_MAX, &ids[i]))
			return;
	if (q->by_id ? ids[0] != q->id
		     : (strlen(f[0]) != q->nlen || memcmp(f[0], q->name, q->nlen)))
		return;
	q->found = true;
	memcpy(q->ids, ids, sizeof ids);
	if (q->home && home && (home_end || !cut) && home[0] == '/')
		snprintf(q->home, q->home_len, "%.*s", home_end ? (int)(home_end - home) : (int)strlen(home),
			 home);
}

static int etc_lookup(int rootfd, struct etc_query *q)
{
	int fd = open_etc(rootfd, q->file);
	if (fd == -ENOENT)
		return 0; /* as runc: no file, no entries */
	if (fd < 0)
		return fd;
	char chunk[4096], line[IMAGE_ETC_LINE + 1];
	size_t ll = 0, total = 0;
	bool cut = false;
	struct stat st;
	int rc = 0;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		goto out_close;
	}
	while (!q->found) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		total += (size_t)n;
		if (total > IMAGE_ETC_BYTES) {
			rc = -EFBIG;
			break;
		}
		for (ssize_t i = 0; i < n && !q->found; i++) {
			if (chunk[i] == '\n') {
				line[ll] = 0;
				etc_line(q, line, cut);
				ll = 0;
				cut = false;
			} else if (ll < IMAGE_ETC_LINE) {
				line[ll++] = chunk[i];
			} else {
				cut = true;
			}
		}
		if (!n) {
			line[ll] = 0; /* a last line without '\n' */
			if (ll)
				etc_line(q, line, cut);
			break;
		}
	}
out_close:
	close(fd);
	return rc;
}

int image_resolve_user(int rootfs_dirfd, const char *user, uid_t *uid, gid_t *gid)
{
	struct image_user_spec sp;
	*uid = 0;
	*gid = 0;
	if (!user || !*user)
		return 0;
	if (image_user_parse(user, &sp))
		return -EINVAL;
	if (sp.u_num && sp.g_num) {
		*uid = sp.uid;
		*gid = sp.gid;
		return 0;
	}
	struct etc_query pw = {.file = "passwd", .nid = 2, .name = sp.u, .nlen = sp.ulen,
			       .by_id = sp.u_num, .id = sp.uid};
	int rc = etc_lookup(rootfs_dirfd, &pw);
	if (rc)
		return rc;
	if (pw.found) {
		*uid = pw.ids[0];
		*gid = pw.ids[1];
	} else if (sp.u_num) {
		*uid = sp.uid;
	} else {
		return -ENOENT;
	}
	if (!sp.has_g)
		return 0;
	if (sp.g_num) {
		*gid = sp.gid;
		return 0;
	}
	struct etc_query gr = {.file = "group", .nid = 1, .name = sp.g, .nlen = sp.glen};
	rc = etc_lookup(rootfs_dirfd, &gr);
	if (rc)
		return rc;
	if (!gr.found)
		return -ENOENT;
	*gid = gr.ids[0];
	return 0;
}

int image_user_home(int rootfs_dirfd, uid_t uid, char *buf, size_t len)
{
	buf[0] = 0;
	struct etc_query pw = {.file = "passwd", .nid = 2, .by_id = true, .id = uid, .home = buf,
			       .home_len = len};
	int rc = etc_lookup(rootfs_dirfd, &pw);
	if (rc)
		return rc;
	return pw.found && buf[0] ? 0 : -ENOENT;
}
