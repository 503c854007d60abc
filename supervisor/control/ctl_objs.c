/* ctl_objs.c - podctl get for the objects that are not pods (services,
 * configmaps, secrets): they are what the desired set holds, nothing
 * runs for them, so they are shown from the set, as the manifest gave
 * them (json, yaml, name, or a NAME AGE-less table of names). The API
 * reads them here too (-o list: the typed ServiceList etc.). */
#include <stdio.h>
#include <string.h>
#include "ctl_int.h"
#include "emit.h"
#include "manifest.h"
#include "mset.h"
#include "node.h"
#include "lim.h"

int ctl_kind_of(const char *w, enum mf_kind *k)
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

void ctl_get_objects(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a, enum mf_kind kind)
{
	const char *fmt = ARG("--output"), *ns = ctl_namespace(cmd, a);
	const char *name = a->npos == 2 ? a->pos[1] : NULL;
	char word[16];
	mf_kind_word(kind, word, sizeof word);
	if (fmt && strcmp(fmt, "json") && strcmp(fmt, "yaml") && strcmp(fmt, "name") && strcmp(fmt, "list")) {
		ctl_usage(cl, cmd, "error: podctl get %ss prints json, yaml or name (not %s)", word, fmt);
		return;
	}
	const struct mset *set = cl->ctl->node->set;
	const struct mf_object *list[LIM_DOCUMENTS];
	unsigned n = 0;
	MSET_FOREACH(set, f, o)
		if (o->kind == kind && n < LIM_DOCUMENTS && (!ns || !strcmp(mf_meta_of(o)->namespace_.s, ns)) &&
		    (!name || !strcmp(mf_object_name(o), name)))
			list[n++] = o;
	if (name && !n) {
		ERR(cl, "Error from server (NotFound): %ss \"%s\" not found\n", word, name);
		ctl_exit(cl, 1);
		return;
	}
	struct membuf m;
	if (!ctl_mb_open(&m)) {
		ctl_exit(cl, 1);
		return;
	}
	if (fmt && strcmp(fmt, "name")) {
		struct emit e;
		emit_init(&e, m.f, !strcmp(fmt, "yaml") ? EMIT_YAML : EMIT_JSON);
		if (name) {
			mf_emit(&e, list[0]);
		} else {
			char kname[32];
			snprintf(kname, sizeof kname, "%sList", mf_kind_name(kind));
			emit_map(&e);
			emit_key(&e, "apiVersion");
			emit_str(&e, "v1");
			emit_key(&e, "kind");
			emit_str(&e, strcmp(fmt, "list") ? "List" : kname);
			emit_key(&e, "metadata");
			emit_map(&e);
			emit_key(&e, "resourceVersion");
			emit_str(&e, "");
			emit_end(&e);
			emit_key(&e, "items");
			emit_list(&e);
			for (unsigned i = 0; i < n; i++)
				mf_emit(&e, list[i]);
			emit_end(&e);
			emit_end(&e);
		}
		emit_finish(&e);
	} else if (fmt) {
		for (unsigned i = 0; i < n; i++)
			fprintf(m.f, "%s/%s\n", word, mf_object_name(list[i]));
	} else if (!n) {
		fprintf(m.f, "No resources found in %s namespace.\n", ns ? ns : "any");
	} else {
		fprintf(m.f, "%-*s  NAMESPACE\n", 30, "NAME");
		for (unsigned i = 0; i < n; i++)
			fprintf(m.f, "%-*s  %s\n", 30, mf_object_name(list[i]), mf_meta_of(list[i])->namespace_.s);
	}
	ctl_mb_send(cl, &m, n || fmt ? '1' : '2');
	ctl_exit(cl, 0);
}
