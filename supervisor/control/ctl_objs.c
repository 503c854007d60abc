/* ctl_objs.c - podctl get for the objects that are not pods (services,
 * configmaps, secrets): they are what the desired set holds, nothing
 * runs for them, so they are shown from the set, as the manifest gave
 * them (json, yaml, name, or a table of names). The API reads them here
 * too: -o list, the typed ServiceList etc.; -o manifest (pods too), the
 * object as the set holds it, which a patch applies to; -o table, the API server's
 * Table of the kind (a Service's ClusterIP and nodePorts are the leases
 * podinit holds; an object's age runs from when podinit read its file). */
#include <stdio.h>
#include <string.h>
#include "ctl_int.h"
#include "net_link.h"
#include "services.h"
#include "status.h"
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

/* "a=b,c=d" of a list of mf_kv, or "<none>" */
static void join_kv(const struct mf_list *l, char *buf, size_t len)
{
	const struct mf_kv *kv = l->v;
	size_t at = 0;
	snprintf(buf, len, "<none>");
	for (uint32_t i = 0; i < l->n && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s=%s", i ? "," : "", kv[i].key.s, kv[i].val.s);
}

static void service_cells(struct emit *e, struct node *node, const struct mf_service *s)
{
	char ip[16] = "<none>", ext[16] = "<none>", ports[256] = "<none>", sel[256];
	uint32_t vip = services_cluster_ip(node, s);
	if (vip)
		net_fmt_ip(vip, ip);
	bool np = strcmp(s->spec.type.s, "ClusterIP");
	if (!strcmp(s->spec.type.s, "LoadBalancer") && node->net && node->net->up)
		net_fmt_ip(node->net->host_ip, ext); /* served on the device's own address */
	const struct mf_svc_port *sp = s->spec.ports.v;
	size_t at = 0;
	for (uint32_t i = 0; i < s->spec.ports.n && at < sizeof ports; i++) {
		uint16_t nport = np ? services_node_port(node, s, i) : 0;
		char nodeport[8] = "";
		if (nport)
			snprintf(nodeport, sizeof nodeport, ":%u", nport);
		at += (size_t)snprintf(ports + at, sizeof ports - at, "%s%lld%s/%s", i ? "," : "", (long long)sp[i].port.i,
				       nodeport, sp[i].protocol.s);
	}
	join_kv(&s->spec.selector, sel, sizeof sel);
	const char *cells[] = {s->spec.type.s, ip, ext, ports};
	for (size_t i = 0; i < sizeof cells / sizeof *cells; i++)
		emit_str(e, cells[i]);
}

void ctl_objs_table(FILE *f, struct node *node, enum mf_kind kind, const struct mf_object *const *list,
		    const struct mfile *const *files, unsigned n, unsigned long long rv, bool line)
{
	static const struct ctl_col svc[] = {{"Name", 0, false, true}, {"Type", 0, false, false},
					     {"Cluster-IP", 0, false, false}, {"External-IP", 0, false, false},
					     {"Port(s)", 0, false, false}, {"Age", 0, false, false},
					     {"Selector", 1, false, false}};
	static const struct ctl_col cm[] = {{"Name", 0, false, true}, {"Data", 0, true, false}, {"Age", 0, false, false}};
	static const struct ctl_col secret[] = {{"Name", 0, false, true}, {"Type", 0, false, false},
						{"Data", 0, true, false}, {"Age", 0, false, false}};
	struct emit e;
	emit_init(&e, f, line ? EMIT_JSON_LINE : EMIT_JSON);
	if (kind == MF_SERVICE)
		ctl_table_begin(&e, svc, sizeof svc / sizeof *svc, rv);
	else if (kind == MF_CONFIGMAP)
		ctl_table_begin(&e, cm, sizeof cm / sizeof *cm, rv);
	else
		ctl_table_begin(&e, secret, sizeof secret / sizeof *secret, rv);
	for (unsigned i = 0; i < n; i++) {
		const struct mf_meta *m = mf_meta_of(list[i]);
		char age[16], created[40], sel[256];
		status_age(&files[i]->read_at, age, sizeof age);
		status_time(&files[i]->read_at, created, sizeof created);
		ctl_table_row_begin(&e);
		emit_str(&e, m->name.s);
		if (kind == MF_SERVICE) {
			service_cells(&e, node, list[i]->service);
		} else {
			const struct mf_config *c = list[i]->config;
			if (kind == MF_SECRET)
				emit_str(&e, c->type.set ? c->type.s : "Opaque");
			emit_int(&e, (long long)(c->data.n + c->data2.n));
		}
		emit_str(&e, age);
		if (kind == MF_SERVICE) {
			join_kv(&list[i]->service->spec.selector, sel, sizeof sel);
			emit_str(&e, sel);
		}
		ctl_table_row_end(&e, m->name.s, m->namespace_.s, NULL, created, &m->labels);
	}
	ctl_table_end(&e);
	emit_finish(&e);
}

void ctl_get_objects(struct ctl_client *cl, const struct ctl_cmd *cmd, const struct ctl_args *a, enum mf_kind kind)
{
	const char *fmt = ARG("--output"), *ns = ctl_namespace(cmd, a);
	const char *name = a->npos == 2 ? a->pos[1] : NULL;
	char word[16];
	mf_kind_word(kind, word, sizeof word);
	if (fmt && !strcmp(fmt, "manifest"))
		fmt = "json"; /* what these kinds show is the manifest already */
	if (fmt && strcmp(fmt, "json") && strcmp(fmt, "yaml") && strcmp(fmt, "name") && strcmp(fmt, "list") &&
	    strcmp(fmt, "table")) {
		ctl_usage(cl, cmd, "error: podctl get %ss prints json, yaml or name (not %s)", word, fmt);
		return;
	}
	const struct mset *set = cl->ctl->node->set;
	const struct mf_object *list[LIM_DOCUMENTS];
	const struct mfile *files[LIM_DOCUMENTS];
	unsigned n = 0;
	MSET_FOREACH(set, f, o)
		if (o->kind == kind && n < LIM_DOCUMENTS && (!ns || !strcmp(mf_meta_of(o)->namespace_.s, ns)) &&
		    (!name || !strcmp(mf_object_name(o), name))) {
			files[n] = f;
			list[n++] = o;
		}
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
	if (fmt && !strcmp(fmt, "table")) {
		ctl_objs_table(m.f, cl->ctl->node, kind, list, files, n, cl->ctl->pods_version, false);
	} else if (fmt && strcmp(fmt, "name")) {
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
			emit_key(&e, "resourceVersion"); /* where a watch starts */
			char rv[24];
			snprintf(rv, sizeof rv, "%llu", cl->ctl->pods_version);
			emit_str(&e, rv);
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
