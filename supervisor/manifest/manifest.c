/* manifest.c - loading a manifest file (read, YAML, decode, check) and
 * printing its objects normalised, by walking the same field tables. */
#include "manifest.h"
#include "base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "manifest_check.h"
#include "manifest_decode.h"
#include "quantity.h"
#include "ytree.h"

const char *mf_kind_name(enum mf_kind k)
{
	static const char *const names[] = {"Pod", "Service", "ConfigMap", "Secret"};
	return names[k];
}

const struct mf_meta *mf_meta_of(const struct mf_object *o)
{
	switch (o->kind) {
	case MF_POD:
		return &o->pod->meta;
	case MF_SERVICE:
		return &o->service->meta;
	default:
		return &o->config->meta;
	}
}

void mf_kind_word(enum mf_kind k, char *buf, size_t len)
{
	snprintf(buf, len, "%s", mf_kind_name(k));
	for (char *c = buf; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c | 0x20 : *c);
}

const char *mf_object_name(const struct mf_object *o)
{
	return mf_meta_of(o)->name.s;
}

uint64_t mf_object_hash(const struct mf_object *o)
{
	uint64_t h;
	FILE *f = emit_hash_file(&h);
	if (!f)
		return 0;
	struct emit e;
	emit_init(&e, f, EMIT_JSON);
	mf_emit(&e, o);
	fclose(f);
	return h;
}

static void check_unique(const struct mf_file *f, struct diag_list *dl)
{
	for (unsigned i = 0; i < f->n; i++)
		for (unsigned j = 0; j < i; j++) {
			const struct mf_meta *a = mf_meta_of(&f->objs[i]), *b = mf_meta_of(&f->objs[j]);
			if (f->objs[i].kind == f->objs[j].kind && !strcmp(a->name.s, b->name.s))
				diag_error(dl, a->name.line, a->name.col,
					   "metadata.name: %s \"%s\" is defined twice in this file",
					   mf_kind_name(f->objs[i].kind), a->name.s);
		}
}

static int decode_all(const struct yt_file *yf, struct mf_file *out, struct diag_list *dl)
{
	out->objs = arena_alloc(&out->arena, (yf->ndocs ? yf->ndocs : 1) * sizeof *out->objs);
	if (!out->objs)
		return diag_error(dl, 0, 0, "out of memory");
	for (unsigned i = 0; i < yf->ndocs; i++) {
		if (!yf->docs[i])
			continue; /* an empty document, as after a trailing --- */
		struct mf_object *o = &out->objs[out->n];
		unsigned before = dl->errors;
		if (mf_decode(yf->docs[i], &out->arena, dl, o) == 0 && dl->errors == before) {
			/* cross-field rules need every field decoded */
			mf_check(o, dl);
			out->n++;
		}
	}
	if (!dl->errors)
		check_unique(out, dl);
	return dl->errors ? -EINVAL : 0;
}

/* The tree is read into an arena of its own, freed once decoded: the
 * objects keep only the scalars' text (in the file's arena). A pod's file
 * kept its nodes and document list (6 KB) for as long as it ran before. */
int mf_parse(const char *buf, size_t len, struct mf_file *out, struct diag_list *dl)
{
	struct yt_file yf;
	struct arena tree;
	arena_init(&tree, LIM_ARENA_BYTES);
	arena_init(&out->arena, LIM_ARENA_BYTES);
	out->objs = NULL;
	out->n = 0;
	int rc = yt_load(buf, len, &tree, &out->arena, dl, &yf);
	if (!rc)
		rc = decode_all(&yf, out, dl);
	arena_free(&tree);
	return rc;
}

int mf_read(const char *path, char **text, size_t *len, struct diag_list *dl)
{
	*text = NULL;
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return diag_error(dl, 0, 0, "cannot open: %s", strerror(errno));
	struct stat st;
	char *buf = NULL;
	int rc = 0;
	if (fstat(fd, &st) < 0) {
		rc = diag_error(dl, 0, 0, "cannot stat: %s", strerror(errno));
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = diag_error(dl, 0, 0, "not a regular file");
		goto out_close;
	}
	if (st.st_size > LIM_MANIFEST_BYTES) {
		rc = diag_error(dl, 0, 0, "file larger than %d bytes", LIM_MANIFEST_BYTES);
		goto out_close;
	}
	/* sized by the file, one byte more to notice a file that grew
	 * meanwhile (a large transient buffer would stay in the heap) */
	size_t cap = (size_t)st.st_size + 1;
	buf = malloc(cap);
	if (!buf) {
		rc = diag_error(dl, 0, 0, "out of memory");
		goto out_close;
	}
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = diag_error(dl, 0, 0, "cannot read: %s", strerror(errno));
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap) {
			rc = diag_error(dl, 0, 0, "the file grew while it was read; it is read again "
						  "once it is quiet");
			break;
		}
	}
	if (rc)
		free(buf);
	else {
		*text = buf;
		*len = n;
	}
out_close:
	close(fd);
	return rc;
}

int mf_load(const char *path, struct mf_file *out, struct diag_list *dl)
{
	arena_init(&out->arena, LIM_ARENA_BYTES);
	out->objs = NULL;
	out->n = 0;
	char *buf;
	size_t len;
	int rc = mf_read(path, &buf, &len, dl);
	if (rc)
		return rc;
	rc = mf_parse(buf, len, out, dl);
	free(buf);
	return rc;
}

void mf_free(struct mf_file *f)
{
	arena_free(&f->arena);
	f->objs = NULL;
	f->n = 0;
}

static void emit_val(struct emit *e, const struct mf_field *f, const struct mf_val *v)
{
	char buf[32];
	switch (f->type) {
	case FT_INT:
	case FT_INTS:
		emit_int(e, v->i);
		break;
	case FT_BOOL:
		emit_bool(e, v->i);
		break;
	case FT_MEM:
		qty_format_bytes(v->i, buf, sizeof buf);
		emit_str(e, buf);
		break;
	case FT_CPU:
		qty_format_millis(v->i, buf, sizeof buf);
		emit_str(e, buf);
		break;
	case FT_QTY: /* whole units with a binary suffix when exact, else "m" */
		if (v->i % 1000 == 0)
			qty_format_bytes(v->i / 1000, buf, sizeof buf);
		else
			qty_format_millis(v->i, buf, sizeof buf);
		emit_str(e, buf);
		break;
	case FT_INTSTR:
		if (v->s)
			emit_str(e, v->s);
		else
			emit_int(e, v->i);
		break;
	default:
		emit_str(e, v->s);
	}
}

static void emit_obj(struct emit *e, const struct mf_schema *s, const void *base);

/* the set fields of base, into the map open in e */
static void emit_fields(struct emit *e, const struct mf_schema *s, const void *base)
{
	for (const struct mf_field *f = s->fields; f->name; f++) {
		const void *p = (const char *)base + f->off;
		switch (f->type) {
		case FT_IGNORED:
		case FT_UNSUPPORTED:
			break;
		case FT_OBJ:
			if (((const struct mf_node *)p)->set) {
				emit_key(e, f->name);
				emit_obj(e, f->sub, p);
			}
			break;
		case FT_LIST:
		case FT_STRS:
		case FT_INTS:
		case FT_MAP: {
			const struct mf_list *l = p;
			if (!l->set && !l->n)
				break;
			emit_key(e, f->name);
			if (f->type == FT_MAP) {
				const struct mf_kv *kv = l->v;
				emit_map(e);
				for (uint32_t i = 0; i < l->n; i++) {
					emit_key(e, kv[i].key.s);
					emit_str(e, kv[i].val.s);
				}
				emit_end(e);
				break;
			}
			emit_list(e);
			for (uint32_t i = 0; i < l->n; i++) {
				if (f->type == FT_LIST)
					emit_obj(e, f->sub, (const char *)l->v + i * f->sub->size);
				else
					emit_val(e, f, (const struct mf_val *)l->v + i);
			}
			emit_end(e);
			break;
		}
		default:
			if (((const struct mf_val *)p)->set) {
				emit_key(e, f->name);
				emit_val(e, f, p);
			}
		}
	}
}

static void emit_obj(struct emit *e, const struct mf_schema *s, const void *base)
{
	emit_map(e);
	emit_fields(e, s, base);
	emit_end(e);
}

void mf_emit_pod_spec(struct emit *e, const struct mf_pod *p, const char *node_name)
{
	emit_map(e);
	emit_fields(e, &mf_schema_pod_spec, &p->spec);
	if (node_name && *node_name) {
		emit_key(e, "nodeName");
		emit_str(e, node_name);
	}
	emit_end(e);
}

void mf_emit(struct emit *e, const struct mf_object *o)
{
	static const struct mf_schema *const schemas[] = {&mf_schema_pod, &mf_schema_service,
							  &mf_schema_configmap, &mf_schema_secret};
	emit_obj(e, schemas[o->kind], o->any);
}
