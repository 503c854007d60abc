/* ctl_change.c - podctl apply and delete: the operator's changes.
 *
 * They never touch the manifests directory: that is the update agent's,
 * byte for byte (docs/ota.md). apply keeps each object it is given as a
 * file of its own under DATA/applied (temporary file, fsync, rename,
 * directory fsync: state.c), after the whole set it would make passed
 * the checks an update passes; delete removes such a file, and refuses
 * an object of the agent's. Both then ask for a rescan, so the
 * reconciler stays the one path by which pods change, and the change is
 * committed at once (no trial). apply answers as kubectl does, per
 * object: created (new), configured (changed) or unchanged; an apply that
 * changes nothing writes nothing. */
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
#include "mset.h"
#include "ota.h"
#include "node.h"

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

/* The operator's file of one object: KIND_NAMESPACE_NAME.yaml ('_' is
 * in no Kubernetes name, so the name is unique and plain). */
static void op_file_name(const struct mf_object *o, char *buf, size_t len)
{
	char kind[16];
	mf_kind_word(o->kind, kind, sizeof kind);
	snprintf(buf, len, "%s_%s_%s.yaml", kind, mf_meta_of(o)->namespace_.s, mf_object_name(o));
}

/* The set apply would make: the running set with the operator's files of
 * mf's objects replaced by mf (taken over). NULL without memory. */
static struct mset *set_with(const struct ctl *ctl, struct mf_file *mf)
{
	const struct mset *now = ctl->node->set;
	struct mpart op = {0};
	for (unsigned i = 0; now && i < now->op.n; i++) {
		const struct mfile *f = now->op.f[i];
		bool replaced = false;
		for (unsigned k = 0; k < mf->n && !replaced; k++) {
			char name[300];
			op_file_name(&mf->objs[k], name, sizeof name);
			replaced = !strcmp(name, f->name);
		}
		if (!replaced && op.n < LIM_MANIFEST_FILES) {
			op.f[op.n++] = now->op.f[i];
			now->op.f[i]->refs++;
		}
	}
	struct mfile *mine = mfile_adopt("(applied)", MFILE_OPERATOR, mf);
	struct mset *next = NULL;
	if (mine && op.n < LIM_MANIFEST_FILES) {
		op.f[op.n++] = mine;
		mine = NULL;
		struct mpart none = {0};
		next = mset_new(now ? &now->agent : &none, &op, now ? now->gen : 0);
	}
	if (mine)
		mfile_unref(mine);
	mpart_clear(&op);
	return next;
}

/* Refuses an object the update agent's files hold: they are its payload. */
static bool agent_owned(struct ctl_client *cl, const struct mf_object *o, const char *verb)
{
	const struct mfile *f = NULL;
	const struct mf_object *x = mset_object(cl->ctl->node->set, o->kind, mf_meta_of(o)->namespace_.s,
						mf_object_name(o), &f);
	if (!x || f->origin != MFILE_AGENT)
		return false;
	char kind[16];
	mf_kind_word(o->kind, kind, sizeof kind);
	ERR(cl,
	    "error: %s \"%s\" comes from the manifests directory (%s/%s), which the update agent "
	    "owns: %s it there (podctl %ss only what podctl apply made)\n",
	    kind, mf_object_name(o), cl->ctl->cfg->manifests, f->name, verb, verb);
	return true;
}

/* Writes each changed object of next's applied file as the operator's own
 * file. 0 or -errno (the failing file named to the client). */
static int write_objects(struct ctl_client *cl, const struct mfile *f, const char *const *word)
{
	struct ctl *ctl = cl->ctl;
	int rc = state_mkdir_p(ctl->applied, 0700);
	int dfd = rc ? rc : open(ctl->applied, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		rc = rc ? rc : -errno;
		ERR(cl, "error: cannot open %s: %s\n", ctl->applied, strerror(-rc));
		return rc;
	}
	for (unsigned i = 0; !rc && i < f->file.n; i++) {
		if (!strcmp(word[i], "unchanged"))
			continue;
		char name[300];
		op_file_name(&f->file.objs[i], name, sizeof name);
		struct membuf m;
		if (!ctl_mb_open(&m)) {
			rc = -ENOMEM;
			break;
		}
		struct emit e;
		emit_init(&e, m.f, EMIT_YAML);
		mf_emit(&e, &f->file.objs[i]);
		emit_finish(&e);
		fclose(m.f);
		rc = state_write(dfd, name, m.buf, m.len, 0600);
		free(m.buf);
		if (rc)
			ERR(cl, "error: cannot write %s/%s: %s\n", ctl->applied, name, strerror(-rc));
	}
	close(dfd);
	return rc;
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
	struct diag_list *dl = malloc(sizeof *dl);
	struct mf_file mf;
	if (!dl) {
		ctl_exit(cl, 1);
		return;
	}
	diag_init(dl, name);
	int rc = mf_parse(text, strlen(text), &mf, dl);
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
	for (unsigned i = 0; i < mf.n; i++)
		if (agent_owned(cl, &mf.objs[i], "change")) {
			mf_free(&mf);
			ctl_exit(cl, 1);
			return;
		}
	/* create (kubectl create, the API's POST): nothing of that name yet */
	for (unsigned i = 0; ARG("--create") && i < mf.n; i++) {
		const struct mf_object *o = &mf.objs[i];
		if (mset_object(ctl->node->set, o->kind, mf_meta_of(o)->namespace_.s, mf_object_name(o), NULL)) {
			char kind[16];
			mf_kind_word(o->kind, kind, sizeof kind);
			ERR(cl, "Error from server (AlreadyExists): %ss \"%s\" already exists\n", kind,
			    mf_object_name(o));
			mf_free(&mf);
			ctl_exit(cl, 1);
			return;
		}
	}
	struct mset *next = set_with(ctl, &mf);
	if (!next) {
		ERR(cl, "error: out of memory\n");
		ctl_exit(cl, 1);
		return;
	}
	const struct mfile *mine = next->op.f[next->op.n - 1];
	/* what each object is to the device: new, changed or the same */
	const char *word[LIM_DOCUMENTS];
	bool changes = false;
	for (unsigned i = 0; i < mine->file.n; i++) {
		const struct mf_object *o = &mine->file.objs[i];
		const struct mfile *f = NULL;
		const struct mf_object *old = mset_object(ctl->node->set, o->kind, mf_meta_of(o)->namespace_.s,
							  mf_object_name(o), &f);
		bool changed = !old || mfile_object_hash(f, old) != mfile_object_hash(mine, o);
		word[i] = !old ? "created" : changed ? "configured" : "unchanged";
		changes |= changed;
	}
	const char *dry = ARG("--dry-run");
	if (dry && strcmp(dry, "") && strcmp(dry, "client") && strcmp(dry, "server") && strcmp(dry, "none")) {
		mset_unref(next);
		ctl_usage(cl, cmd, "error: Invalid dry-run value (%s). Must be \"none\", \"server\", or \"client\".", dry);
		return;
	}
	if (dry && strcmp(dry, "none")) {
		if (ctl_mb_open(&m)) {
			ota_plan(ctl->ota, ctl->node->set, next, m.f);
			ctl_mb_send(cl, &m, '1');
		}
		mset_unref(next);
		ctl_exit(cl, 0);
		return;
	}
	/* the whole set as an update's would be: images, memory, ports, names */
	struct mset_report rep = {0};
	if (changes && ota_admit(ctl->ota, next, NULL, &rep)) {
		ERR(cl, "error: %s%s\n", rep.first, rep.errors > 1 ? " (and more: podctl apply --dry-run)" : "");
		mset_unref(next);
		ctl_exit(cl, 1);
		return;
	}
	rc = changes ? write_objects(cl, mine, word) : 0;
	if (!rc)
		for (unsigned i = 0; i < mine->file.n; i++) {
			char kind[16];
			mf_kind_word(mine->file.objs[i].kind, kind, sizeof kind);
			OUT(cl, "%s/%s %s\n", kind, mf_object_name(&mine->file.objs[i]), word[i]);
		}
	mset_unref(next);
	if (changes)
		ctl->host.rescan_now(ctl->host.ctx);
	ctl_exit(cl, rc ? 1 : 0);
}

void ctl_cmd_delete(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a)
{
	struct ctl *ctl = cl->ctl;
	enum mf_kind kind;
	if (a->npos != 2 || ctl_kind_of(a->pos[0], &kind) < 0) {
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
	mf_kind_word(kind, word, sizeof word);
	const char *name = a->pos[1], *ns = ctl_namespace(cmd, a);
	const struct mfile *f = NULL;
	const struct mf_object *o = mset_object(ctl->node->set, kind, ns, name, &f);
	if (!o) {
		ERR(cl, "Error from server (NotFound): %ss \"%s\" not found\n", word, name);
		ctl_exit(cl, 1);
		return;
	}
	if (agent_owned(cl, o, "delete")) {
		ctl_exit(cl, 1);
		return;
	}
	int dfd = open(ctl->applied, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = dfd < 0 ? -errno : state_remove(dfd, f->name);
	if (dfd >= 0)
		close(dfd);
	if (rc) {
		ERR(cl, "error: cannot remove %s/%s: %s\n", ctl->applied, f->name, strerror(-rc));
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
