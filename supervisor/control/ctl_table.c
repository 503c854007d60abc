/* ctl_table.c - the API's Table (meta.k8s.io/v1), written once for pods,
 * events, Services, ConfigMaps and Secrets: the columns as the API
 * server's printers define them, then rows whose cells kubectl prints as
 * they come, each with the object's metadata (for --show-labels, -A). */
#include <stdio.h>
#include <string.h>
#include "ctl_int.h"
#include "emit.h"
#include "manifest.h"

static void kv(struct emit *e, const char *key, const char *val)
{
	emit_key(e, key);
	emit_str(e, val);
}

void ctl_table_begin(struct emit *e, const struct ctl_col *cols, size_t n, unsigned long long rv)
{
	char v[24] = "";
	if (rv)
		snprintf(v, sizeof v, "%llu", rv);
	emit_map(e);
	kv(e, "kind", "Table");
	kv(e, "apiVersion", "meta.k8s.io/v1");
	emit_key(e, "metadata");
	emit_map(e);
	kv(e, "resourceVersion", v);
	emit_end(e);
	emit_key(e, "columnDefinitions");
	emit_list(e);
	for (size_t i = 0; i < n; i++) {
		emit_map(e);
		kv(e, "name", cols[i].name);
		kv(e, "type", cols[i].integer ? "integer" : "string");
		kv(e, "format", cols[i].is_name ? "name" : "");
		kv(e, "description", "");
		emit_key(e, "priority");
		emit_int(e, cols[i].priority);
		emit_end(e);
	}
	emit_end(e);
	emit_key(e, "rows");
	emit_list(e);
}

void ctl_table_row_begin(struct emit *e)
{
	emit_map(e);
	emit_key(e, "cells");
	emit_list(e);
}

void ctl_table_row_end(struct emit *e, const char *name, const char *ns, const char *uid, const char *created,
		       const struct mf_list *labels)
{
	emit_end(e);
	emit_key(e, "object");
	emit_map(e);
	kv(e, "kind", "PartialObjectMetadata");
	kv(e, "apiVersion", "meta.k8s.io/v1");
	emit_key(e, "metadata");
	emit_map(e);
	kv(e, "name", name);
	kv(e, "namespace", ns);
	if (uid)
		kv(e, "uid", uid);
	kv(e, "creationTimestamp", created);
	const struct mf_kv *l = labels ? labels->v : NULL;
	if (labels && labels->n) {
		emit_key(e, "labels");
		emit_map(e);
		for (uint32_t k = 0; k < labels->n; k++)
			kv(e, l[k].key.s, l[k].val.s);
		emit_end(e);
	}
	emit_end(e);
	emit_end(e);
	emit_end(e);
}

void ctl_table_end(struct emit *e)
{
	emit_end(e);
	emit_end(e);
}
