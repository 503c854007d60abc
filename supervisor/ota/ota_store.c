/* ota_store.c - what survives a reboot under DATA/ota: the record, and
 * gen-N/, a copy of the files of committed generation N.
 *
 * A commit writes the copy into .gen-N.tmp/ (each file fsynced), fsyncs
 * it, renames it to gen-N/, fsyncs DATA/ota, and only then replaces the
 * record (state_write: temporary, fsync, rename, fsync). A power cut
 * before the record's rename leaves the old record, whose committed copy
 * is still there; after it, the new one, whose copy is whole. What is
 * neither (a temporary, an older copy) is removed at the next open. */
#include "ota_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base.h"
#include "state.h"

/* Removes dirfd/name and the plain files in it (copies hold no more). */
static void remove_tree(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		unlinkat(dirfd, name, 0);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			unlinkat(fd, de->d_name, 0);
	closedir(d);
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

void ota_store_clean(struct ota *o)
{
	if (o->dirfd < 0)
		return;
	int fd = dup(o->dirfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	rewinddir(d); /* the dup shares its offset with dirfd's last reading */
	char keep[32];
	snprintf(keep, sizeof keep, "gen-%u", o->rec.committed);
	char names[16][NAME_MAX + 1];
	unsigned n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < 16)
		if ((!strncmp(de->d_name, "gen-", 4) && strcmp(de->d_name, keep)) ||
		    !strncmp(de->d_name, ".gen-", 5))
			snprintf(names[n++], sizeof names[0], "%s", de->d_name);
	closedir(d);
	for (unsigned i = 0; i < n; i++)
		remove_tree(o->dirfd, names[i]);
	if (n)
		fsync(o->dirfd);
}

int ota_store_read(struct ota *o)
{
	char buf[1024];
	size_t n;
	int rc = state_read(o->dirfd, "record", buf, sizeof buf, &n);
	if (rc)
		return rc == -ENOENT ? 1 : rc;
	return ota_record_parse(buf, &o->rec);
}

int ota_store_write(struct ota *o)
{
	if (o->dirfd < 0)
		return 0;
	char buf[1024];
	int n = ota_record_format(&o->rec, buf, sizeof buf);
	if (n < 0)
		return n;
	return state_write(o->dirfd, "record", buf, (size_t)n, 0600);
}

/* Copies one file of part from the manifests directory into dfd, if its
 * bytes are still those the part was read from. */
static int copy_file(const struct ota *o, const struct mfile *f, int dfd)
{
	char path[PATH_MAX], *text;
	size_t len;
	struct diag_list *dl = malloc(sizeof *dl);
	if (!dl)
		return -ENOMEM;
	diag_init(dl, f->name);
	snprintf(path, sizeof path, "%s/%s", o->manifests, f->name);
	int rc = mf_read(path, &text, &len, dl);
	free(dl);
	if (rc)
		return -ESTALE;
	if (fnv1a(FNV_START, text, len) != f->text_hash)
		rc = -ESTALE; /* changed since: the next generation is on its way */
	else
		rc = state_write(dfd, f->name, text, len, 0644);
	free(text);
	return rc;
}

int ota_store_commit(struct ota *o, const struct mpart *part, unsigned gen)
{
	if (o->dirfd < 0)
		return 0;
	char tmp[32], name[32];
	snprintf(tmp, sizeof tmp, ".gen-%u.tmp", gen);
	snprintf(name, sizeof name, "gen-%u", gen);
	remove_tree(o->dirfd, tmp);
	remove_tree(o->dirfd, name);
	if (mkdirat(o->dirfd, tmp, 0700) < 0)
		return -errno;
	int dfd = openat(o->dirfd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = dfd < 0 ? -errno : 0;
	for (unsigned i = 0; !rc && i < part->n; i++)
		rc = copy_file(o, part->f[i], dfd);
	if (dfd >= 0)
		close(dfd);
	if (!rc)
		rc = state_publish_dir(o->dirfd, tmp, name);
	if (rc)
		remove_tree(o->dirfd, tmp);
	return rc;
}

int ota_store_load(struct ota *o, struct mpart *out)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/ota/gen-%u", o->data, o->rec.committed);
	struct mset_report rep = {0};
	int rc = mpart_read(out, dir, MFILE_AGENT, NULL, &o->node->events, &rep);
	if (rc)
		return rc;
	if (out->broken || out->hash != o->rec.committed_hash) {
		mpart_clear(out);
		return -EBADMSG;
	}
	return 0;
}
