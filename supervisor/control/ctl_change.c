/* ctl_change.c - podctl apply and delete: the two commands that change
 * what runs, both by writing the manifests directory (temporary file,
 * fsync, rename, directory fsync: state.c) and asking for a rescan, so
 * the reconciler stays the one path by which pods change. apply answers
 * as kubectl does, per object: created (new), configured (changed) or
 * unchanged; an apply that changes nothing writes nothing. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ctl_int.h"
#include "lim.h"
#include "emit.h"
#include "manifest.h"
#include "pod.h"
#include "state.h"
#include "store.h"
#include "node.h"

/* The manifests directory, opened for one command: writes go through it
 * with plain names only. fd or -errno. */
static int manifests_dir(const struct ctl *ctl)
{
	int fd = open(ctl->cfg->manifests, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* "pod", "service", ... as kubectl prints kinds */
static void kind_word(enum mf_kind k, char *buf, size_t len)
{
	snprintf(buf, len, "%s", mf_kind_name(k));
	for (char *c = buf; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c | 0x20 : *c);
}

/* the file apply writes: the source's name, or the first object's */
static void file_name(const char *source, const struct mf_file *mf, char *out, size_t len)
{
	size_t nl = strlen(source);
	if (strcmp(source, "-") && nl > 5 &&
	    (!strcmp(source + nl - 5, ".yaml") || !strcmp(source + nl - 4, ".yml")))
		snprintf(out, len, "%s", source);
	else
		snprintf(out, len, "%s.yaml", mf_object_name(&mf->objs[0]));
}

static void apply_text(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a,
			   const char *name, const char *text);

/* The text of a file on the device (apply -f at the console: podctl
 * itself sends the text). NULL with errno; at most LIM_MANIFEST_BYTES. */
static char *read_manifest(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf = fd < 0 ? NULL : malloc(LIM_MANIFEST_BYTES + 2);
	size_t n = 0;
	ssize_t r = 0;
	while (buf && n <= LIM_MANIFEST_BYTES && (r = read(fd, buf + n, LIM_MANIFEST_BYTES + 1 - n)) > 0)
		n += (size_t)r;
	int err = r < 0 ? errno : n > LIM_MANIFEST_BYTES ? EFBIG : 0;
	if (fd >= 0)
		close(fd);
	if (buf && err) {
		free(buf);
		buf = NULL;
		errno = err;
	}
	if (buf)
		buf[n] = 0;
	return buf;
}

void ctl_cmd_apply(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a)
{
	const char *file = ARG("--filename");
	if (file && !ARG("--content")) {
		char *text = read_manifest(file);
		if (!text) {
			ERR(cl, "error: %s: %s\n", file, strerror(errno));
			ctl_exit(cl, 1);
			return;
		}
		const char *base = strrchr(file, '/');
		apply_text(cl, cmd, a, base ? base + 1 : file, text);
		free(text);
		return;
	}
	apply_text(cl, cmd, a, ARG("--name"), ARG("--content"));
}

static void apply_text(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a,
			   const char *name, const char *text)
{
	struct ctl *ctl = cl->ctl;
	if (!name || !text || a->npos) {
		ctl_usage(cl, cmd, "error: %s", a->npos ? "podctl apply takes no arguments but -f FILE"
						: "must specify -f FILE (or -f - for stdin)");
		return;
	}
	/* a name from the client is a plain file name or refused */
	if (strcmp(name, "-") && !state_name_ok(name)) {
		ctl_usage(cl, cmd, "error: \"%s\" is not a file name (no '/', no leading '.')", name);
		return;
	}
	struct diag_list *dl = malloc(sizeof *dl);
	struct mf_file mf;
	if (!dl) {
		ctl_exit(cl, 1);
		return;
	}
	diag_init(dl, name);
	int rc = mf_parse(text, strlen(text), &mf, dl);
	char fname[256];
	if (!rc && mf.n) {
		file_name(name, &mf, fname, sizeof fname);
		/* a port that another manifest of the device claims already */
		if (store_check_set(ctl->node->store, fname, &mf, dl))
			rc = -EINVAL;
	}
	struct membuf m;
	if (ctl_mb_open(&m)) {
		diag_print(dl, m.f);
		ctl_mb_send(cl, &m, '2');
	}
	free(dl);
	if (rc || !mf.n) {
		if (!rc)
			ERR(cl, "error: no objects passed to apply\n");
		mf_free(&mf);
		ctl_exit(cl, 1);
		return;
	}
	/* what each object is to the device: new, changed or the same */
	const char *word[LIM_DOCUMENTS];
	bool changes = false;
	for (unsigned i = 0; i < mf.n; i++) {
		const struct mf_object *o = &mf.objs[i];
		const struct store_file *f = NULL;
		const struct mf_object *old = store_object(ctl->node->store, o->kind, mf_object_name(o), &f);
		char kind[16];
		kind_word(o->kind, kind, sizeof kind);
		if (old && strcmp(f->name, fname)) {
			ERR(cl, "error: %s \"%s\" is defined in %s; apply that file instead\n", kind,
			    mf_object_name(o), f->name);
			mf_free(&mf);
			ctl_exit(cl, 1);
			return;
		}
		bool changed = !old || mf_object_hash(old) != mf_object_hash(o);
		word[i] = !old ? "created" : changed ? "configured" : "unchanged";
		changes |= changed;
	}
	/* the file may also hold objects that this text no longer has */
	const struct store_file *same = NULL;
	for (unsigned i = 0; i < ctl->node->store->n && !same; i++)
		if (!strcmp(ctl->node->store->files[i].name, fname))
			same = &ctl->node->store->files[i];
	if (same && same->gen && same->gen->file.n != mf.n)
		changes = true;
	if (changes || !same || same->broken) {
		int dfd = manifests_dir(ctl);
		rc = dfd < 0 ? dfd : state_write(dfd, fname, text, strlen(text), 0644);
		if (dfd >= 0)
			close(dfd);
		if (rc) {
			ERR(cl, "error: cannot write %s/%s: %s\n", ctl->cfg->manifests, fname, strerror(-rc));
			mf_free(&mf);
			ctl_exit(cl, 1);
			return;
		}
	}
	for (unsigned i = 0; i < mf.n; i++) {
		char kind[16];
		kind_word(mf.objs[i].kind, kind, sizeof kind);
		OUT(cl, "%s/%s %s\n", kind, mf_object_name(&mf.objs[i]), word[i]);
	}
	mf_free(&mf);
	ctl->host.rescan_now(ctl->host.ctx);
	ctl_exit(cl, 0);
}

/* kubectl's names for the kinds podctl deletes, and their plurals */
static int kind_of(const char *w, enum mf_kind *k)
{
	static const struct {
		const char *names[4];
		enum mf_kind kind;
	} kinds[] = {{{"pod", "pods", "po"}, MF_POD},
		     {{"service", "services", "svc"}, MF_SERVICE},
		     {{"configmap", "configmaps", "cm"}, MF_CONFIGMAP},
		     {{"secret", "secrets"}, MF_SECRET}};
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		for (int n = 0; n < 4 && kinds[i].names[n]; n++)
			if (!strcmp(w, kinds[i].names[n])) {
				*k = kinds[i].kind;
				return 0;
			}
	return -1;
}

/* Writes f back without object o (the other objects normalised). */
static int remove_object(int dfd, const struct store_file *f, const struct mf_object *o)
{
	if (f->gen->file.n == 1)
		return state_remove(dfd, f->name);
	struct membuf m;
	if (!ctl_mb_open(&m))
		return -ENOMEM;
	bool first = true;
	for (unsigned i = 0; i < f->gen->file.n; i++) {
		const struct mf_object *x = &f->gen->file.objs[i];
		if (x == o)
			continue;
		if (!first)
			fputs("---\n", m.f);
		first = false;
		struct emit e;
		emit_init(&e, m.f, EMIT_YAML);
		mf_emit(&e, x);
		emit_finish(&e);
	}
	fclose(m.f);
	int rc = state_write(dfd, f->name, m.buf, m.len, 0644);
	free(m.buf);
	return rc;
}

void ctl_cmd_delete(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a)
{
	struct ctl *ctl = cl->ctl;
	enum mf_kind kind;
	if (a->npos != 2 || kind_of(a->pos[0], &kind) < 0) {
		ctl_usage(cl, cmd, "error: podctl delete KIND NAME (KIND: pod, service, configmap, secret)%s%s",
			  a->npos == 2 ? ": not " : "", a->npos == 2 ? a->pos[0] : "");
		return;
	}
	const char *grace = ARG("--grace-period");
	long secs = -1;
	if (grace) {
		char *end;
		secs = strtol(grace, &end, 10);
		if (!*grace || *end || secs < -1 || secs > 86400) {
			ctl_usage(cl, cmd, "error: invalid argument \"%s\" for \"--grace-period\" flag", grace);
			return;
		}
	}
	if (ARG("--now"))
		secs = 1;
	if (ARG("--force") && secs < 0) {
		ctl_usage(cl, cmd, "error: --force needs --grace-period=0 (podctl: immediate termination)");
		return;
	}
	char word[16];
	kind_word(kind, word, sizeof word);
	const char *name = a->pos[1], *ns = ctl_namespace(cmd, a);
	const struct store_file *f = NULL;
	const struct mf_object *o = store_object(ctl->node->store, kind, name, &f);
	if (!o || (ns && strcmp(mf_meta_of(o)->namespace_.s, ns))) {
		ERR(cl, "Error from server (NotFound): %ss \"%s\" not found\n", word, name);
		ctl_exit(cl, 1);
		return;
	}
	int dfd = manifests_dir(ctl);
	int rc = dfd < 0 ? dfd : remove_object(dfd, f, o);
	if (dfd >= 0)
		close(dfd);
	if (rc) {
		ERR(cl, "error: cannot change %s/%s: %s\n", ctl->cfg->manifests, f->name, strerror(-rc));
		ctl_exit(cl, 1);
		return;
	}
	/* the termination this deletion starts gets the grace asked for */
	struct pod *p = kind == MF_POD ? node_find_pod(ctl->node, name) : NULL;
	if (p && secs >= 0)
		p->grace_override = secs;
	OUT(cl, "%s \"%s\" deleted\n", word, name);
	ctl->host.rescan_now(ctl->host.ctx);
	ctl_exit(cl, 0);
}
