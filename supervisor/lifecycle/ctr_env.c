/* ctr_env.c - a container's environment, as the kubelet builds it: the
 * image's Env, PATH, HOSTNAME and HOME when missing, envFrom (every key,
 * with its prefix), then env in order with $(VAR) expanded, fieldRef,
 * resourceFieldRef and the keys of ConfigMaps and Secrets of the pod's
 * manifests. */
#include "ctr_env.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>
#include "names.h"
#include "node.h"
#include "quantity.h"
#include "scan.h"
#include "mset.h"

static bool label_value(const struct mf_list *l, const char *key, const char **out)
{
	const struct mf_kv *kv = l->v;
	for (uint32_t i = 0; i < l->n; i++)
		if (!strcmp(kv[i].key.s, key)) {
			*out = kv[i].val.s;
			return true;
		}
	*out = "";
	return false;
}

/* the KEY of PREFIX KEY '] (metadata.labels['KEY'], checked by manifest_check) */
static bool map_key(const char *path, const char *prefix, char *key, size_t cap)
{
	return scan_lit(&path, prefix) && scan_until(&path, "'", key, cap) && scan_lit(&path, "']") &&
	       scan_end(path);
}

static int field_value(struct container *c, const char *path, char *buf, size_t len)
{
	const struct pod *p = c->pod;
	const char *v = "";
	char key[256], ip[16];
	if (!strcmp(path, "metadata.name"))
		v = p->name;
	else if (!strcmp(path, "metadata.namespace"))
		v = p->spec->meta.namespace_.s;
	else if (!strcmp(path, "metadata.uid"))
		v = p->uid;
	else if (!strcmp(path, "spec.nodeName")) {
		if (gethostname(buf, len) == 0)
			return 0;
	} else if (!strcmp(path, "status.podIP") || !strcmp(path, "status.podIPs")) {
		v = pod_ip(p, ip);
	} else if (!strcmp(path, "status.hostIP") || !strcmp(path, "status.hostIPs")) {
		v = pod_host_ip(p, ip);
	} else if (map_key(path, "metadata.labels['", key, sizeof key))
		label_value(&p->spec->meta.labels, key, &v);
	else if (map_key(path, "metadata.annotations['", key, sizeof key))
		label_value(&p->spec->meta.annotations, key, &v);
	snprintf(buf, len, "%s", v);
	return 0;
}

static int resource_value(struct container *c, const struct mf_res_ref *r, char *buf, size_t len)
{
	const struct mf_container *t = c->spec;
	if (r->container.set) {
		struct container *o = pod_container(c->pod, r->container.s);
		if (o)
			t = o->spec;
	}
	const struct mf_res_list *l = !strncmp(r->resource.s, "limits.", 7) ? &t->resources.limits
									     : &t->resources.requests;
	bool cpu = strstr(r->resource.s, "cpu") != NULL;
	const struct mf_val *q = cpu ? &l->cpu : &l->memory;
	int64_t v;
	struct sysinfo si;
	if (q->set)
		v = q->i;
	else if (cpu) /* no limit: the whole device, as the node's allocatable */
		v = 1000 * sysconf(_SC_NPROCESSORS_ONLN);
	else
		v = sysinfo(&si) == 0 ? (int64_t)si.totalram * si.mem_unit : 0;
	/* the divisor is in thousandths of a unit: 1m = 1, 1 = 1000, 1Mi =
	 * 1048576000; CPU values are millicores already, memory bytes */
	int64_t div = r->divisor.set && r->divisor.i ? r->divisor.i : 1000;
	int64_t num = cpu ? v : v * 1000;
	snprintf(buf, len, "%lld", (long long)((num + div - 1) / div));
	return 0;
}

/* A buffer as large as the largest ConfigMap or Secret value this
 * container can read (not LIM_CONFIG_DATA for every start: it would stay
 * in the heap). */
static size_t value_cap(const struct container *c)
{
	const struct mf_container *s = c->spec;
	const struct mset *st = c->pod->set;
	const char *ns = c->pod->spec->meta.namespace_.s;
	size_t vcap = 4096;
	const struct mf_env_from *efs = s->env_from.v;
	const struct mf_env *evs = s->env.v;
	for (uint32_t i = 0; i < s->env_from.n + s->env.n; i++) {
		bool secret;
		const char *name;
		if (i < s->env_from.n) {
			secret = efs[i].secret.node.set;
			name = secret ? efs[i].secret.name.s : efs[i].config_map.name.s;
		} else {
			const struct mf_env_source *f = &evs[i - s->env_from.n].from;
			if (!f->config_map.node.set && !f->secret.node.set)
				continue;
			secret = f->secret.node.set;
			name = secret ? f->secret.name.s : f->config_map.name.s;
		}
		const struct mf_config *cfg = mset_config(st, secret ? MF_SECRET : MF_CONFIGMAP, ns, name);
		const struct mf_list *lists[2] = {cfg ? &cfg->data : NULL, cfg ? &cfg->data2 : NULL};
		for (int l = 0; l < 2 && cfg; l++)
			for (uint32_t k = 0; k < lists[l]->n; k++) {
				size_t n = strlen(((const struct mf_kv *)lists[l]->v)[k].val.s) + 1;
				vcap = n > vcap ? n : vcap;
			}
	}
	return vcap;
}

/* The image's environment, then what every container gets. */
static int env_base(struct container *c, const struct image *img, uid_t uid, struct arena *a,
		    struct envlist *e)
{
	int rc = 0;
	for (unsigned i = 0; i < img->cfg.n_env && !rc; i++)
		rc = envlist_put(e, img->cfg.env[i]); /* NAME=value, checked when the config was read */
	if (!rc && !envlist_get(e, "PATH", 4))
		rc = envlist_set(e, a, "PATH", 4, CTR_DEFAULT_PATH, strlen(CTR_DEFAULT_PATH));
	const char *hn = c->pod->spec->spec.hostname.set ? c->pod->spec->spec.hostname.s : c->pod->name;
	if (!rc)
		rc = envlist_set(e, a, "HOSTNAME", 8, hn, strlen(hn));
	/* as runc: HOME from the user's passwd entry in the image when neither
	 * the image nor the pod sets it (env below may still), else / */
	if (!rc && !envlist_get(e, "HOME", 4)) {
		char home[256];
		int root = open(img->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root < 0 || image_user_home(root, uid, home, sizeof home))
			snprintf(home, sizeof home, "/");
		if (root >= 0)
			close(root);
		rc = envlist_set(e, a, "HOME", 4, home, strlen(home));
	}
	return rc;
}

/* envFrom: every key of each ConfigMap or Secret, with its prefix. */
static int env_from(struct container *c, struct arena *a, struct envlist *e, char *val, size_t vcap,
		    char *why, size_t len)
{
	const struct mf_container *s = c->spec;
	const struct mset *st = c->pod->set;
	const char *ns = c->pod->spec->meta.namespace_.s;
	const struct mf_env_from *ef = s->env_from.v;
	int rc = 0;
	for (uint32_t i = 0; i < s->env_from.n && !rc; i++) {
		bool secret = ef[i].secret.node.set;
		const struct mf_obj_ref *ref = secret ? &ef[i].secret : &ef[i].config_map;
		const struct mf_config *cfg = mset_config(st, secret ? MF_SECRET : MF_CONFIGMAP, ns, ref->name.s);
		if (!cfg) {
			if (ref->optional.set && ref->optional.i)
				continue;
			snprintf(why, len, "%s \"%s\" not found", secret ? "secret" : "configmap",
				 ref->name.s);
			return -ENOENT;
		}
		const struct mf_list *lists[2] = {&cfg->data, &cfg->data2};
		for (int l = 0; l < 2 && !rc; l++) {
			const struct mf_kv *kv = lists[l]->v;
			for (uint32_t k = 0; k < lists[l]->n && !rc; k++) {
				char name[512];
				size_t n;
				snprintf(name, sizeof name, "%s%s", ef[i].prefix.set ? ef[i].prefix.s : "",
					 kv[k].key.s);
				if (name_env(name) ||
				    mset_config_value(cfg, secret, kv[k].key.s, val, vcap, &n))
					continue; /* Kubernetes skips invalid names */
				rc = envlist_set(e, a, name, strlen(name), val, n);
			}
		}
	}
	return rc;
}

/* env: values with $(VAR) expanded, fieldRefs, resourceFieldRefs, keys of
 * ConfigMaps and Secrets. */
static int env_vars(struct container *c, struct arena *a, struct envlist *e, char *val, size_t vcap,
		    char *why, size_t len)
{
	const struct mf_container *s = c->spec;
	const struct mset *st = c->pod->set;
	const char *ns = c->pod->spec->meta.namespace_.s;
	const struct mf_env *ev = s->env.v;
	int rc = 0;
	for (uint32_t i = 0; i < s->env.n && !rc; i++) {
		const char *name = ev[i].name.s;
		const struct mf_env_source *f = &ev[i].from;
		size_t n = 0;
		if (!f->node.set) {
			const char *v = ev[i].value.set ? envlist_expand(e, a, ev[i].value.s) : "";
			rc = envlist_set(e, a, name, strlen(name), v, strlen(v));
			continue;
		}
		if (f->field.node.set) {
			field_value(c, f->field.field_path.s, val, vcap);
			n = strlen(val);
		} else if (f->resource.node.set) {
			resource_value(c, &f->resource, val, vcap);
			n = strlen(val);
		} else {
			bool secret = f->secret.node.set;
			const struct mf_key_ref *k = secret ? &f->secret : &f->config_map;
			const struct mf_config *cfg =
				mset_config(st, secret ? MF_SECRET : MF_CONFIGMAP, ns, k->name.s);
			int r = cfg ? mset_config_value(cfg, secret, k->key.s, val, vcap, &n)
				    : -ENOENT;
			if (r == -ENOENT && k->optional.set && k->optional.i)
				continue;
			if (r) {
				snprintf(why, len, cfg ? "key \"%s\" not found in %s \"%s\"" : "%s%s \"%s\" not found",
					 cfg ? k->key.s : "", secret ? "secret" : "configmap", k->name.s);
				return -ENOENT;
			}
		}
		rc = envlist_set(e, a, name, strlen(name), val, n);
	}
	return rc;
}

int ctr_env_build(struct container *c, const struct image *img, uid_t uid, struct arena *a,
		  struct envlist *e, char *why, size_t len)
{
	size_t vcap = value_cap(c);
	char *val = malloc(vcap + 1);
	snprintf(why, len, "out of memory");
	if (!val)
		return -ENOMEM;
	int rc = env_base(c, img, uid, a, e);
	if (!rc)
		rc = env_from(c, a, e, val, vcap, why, len);
	if (!rc)
		rc = env_vars(c, a, e, val, vcap, why, len);
	free(val);
	if (rc == -E2BIG)
		snprintf(why, len, "more than %d environment variables", LIM_ARGS);
	return rc;
}
