/* manifest_check.c - what a field table cannot say: one-of groups,
 * references between fields, the sidecar rules of KEP-753, uniqueness,
 * and the defaults the Kubernetes API server fills in.
 *
 * Runs only on a fully decoded object; reports every problem it finds. */
#include "manifest_check.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include "names.h"

struct chk {
	struct diag_list *dl;
	int rc;
};

static void fail(struct chk *c, uint32_t line, uint32_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void fail(struct chk *c, uint32_t line, uint32_t col, const char *fmt, ...)
{
	char text[LIM_DIAG_TEXT];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	c->rc = diag_error(c->dl, line, col, "%s", text);
}

#define AT(x) (x).line, (x).col

static void def_str(struct mf_val *v, const char *s)
{
	if (!v->set) {
		v->s = s;
		v->set = true;
	}
}

static void def_int(struct mf_val *v, int64_t i)
{
	if (!v->set) {
		v->i = i;
		v->set = true;
	}
}

static void sub(char *out, size_t len, const char *base, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void sub(char *out, size_t len, const char *base, const char *fmt, ...)
{
	int n = snprintf(out, len, "%s", base);
	va_list ap;
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < len)
		vsnprintf(out + n, len - (size_t)n, fmt, ap);
	va_end(ap);
}

static void sub(char *out, size_t len, const char *base, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

bool mf_is_sidecar(const struct mf_container *c)
{
	return c->restart_policy.set && c->restart_policy.s && !strcmp(c->restart_policy.s, "Always");
}

static bool has_port_name(const struct mf_container *ctr, const char *name)
{
	const struct mf_port *p = ctr->ports.v;
	for (uint32_t i = 0; i < ctr->ports.n; i++)
		if (p[i].name.set && !strcmp(p[i].name.s, name))
			return true;
	return false;
}

static void check_port_ref(struct chk *c, const struct mf_container *ctr, const struct mf_val *port,
			   const char *path)
{
	if (port->set && port->s && !has_port_name(ctr, port->s))
		fail(c, AT(*port), "%s: container has no port named \"%s\"", path, port->s);
}

static void check_exec(struct chk *c, const struct mf_exec *e, const char *path)
{
	if (e->node.set && !e->command.n)
		fail(c, AT(e->node), "%s.exec.command: must not be empty", path);
}

static void check_http(struct chk *c, const struct mf_container *ctr, struct mf_http *h,
		       const char *path)
{
	if (!h->node.set)
		return;
	if (h->path.set && !h->path.s[0])
		h->path.set = false; /* "" is unset, as in Kubernetes */
	def_str(&h->path, "/");
	def_str(&h->scheme, "HTTP");
	if (h->scheme.i == 1 && h->scheme.line)
		fail(c, AT(h->scheme), "%s.httpGet.scheme: HTTPS is not supported by podinit", path);
	if (h->path.s[0] != '/')
		fail(c, AT(h->path), "%s.httpGet.path: must start with '/'", path);
	char p[LIM_PATH_TEXT];
	sub(p, sizeof p, path, ".httpGet.port");
	check_port_ref(c, ctr, &h->port, p);
}

static void check_probe(struct chk *c, const struct mf_container *ctr, struct mf_probe *p,
			const char *path, bool readiness)
{
	if (!p->node.set)
		return;
	int handlers = p->exec.node.set + p->http.node.set + p->tcp.node.set;
	if (handlers != 1)
		fail(c, AT(p->node), "%s: must specify exactly one of exec, httpGet, tcpSocket%s", path,
		     handlers ? "" : " (none given)");
	check_exec(c, &p->exec, path);
	check_http(c, ctr, &p->http, path);
	if (p->tcp.node.set) {
		char tp[LIM_PATH_TEXT];
		sub(tp, sizeof tp, path, ".tcpSocket.port");
		check_port_ref(c, ctr, &p->tcp.port, tp);
	}
	if (!readiness && p->success.set && p->success.i != 1)
		fail(c, AT(p->success), "%s.successThreshold: must be 1 for liveness and startup probes",
		     path);
	if (readiness && p->grace.set)
		fail(c, AT(p->grace),
		     "%s.terminationGracePeriodSeconds: must not be set for readiness probes", path);
	def_int(&p->timeout, 1);
	def_int(&p->period, 10);
	def_int(&p->success, 1);
	def_int(&p->failure, 3);
}

static void check_handler(struct chk *c, const struct mf_container *ctr, struct mf_handler *h,
			  const char *path)
{
	if (!h->node.set)
		return;
	int handlers = h->exec.node.set + h->http.node.set + h->sleep.node.set;
	if (handlers != 1)
		fail(c, AT(h->node), "%s: must specify exactly one of exec, httpGet, sleep", path);
	check_exec(c, &h->exec, path);
	check_http(c, ctr, &h->http, path);
}

static void check_resources(struct chk *c, struct mf_resources *r, const char *path)
{
	struct mf_val *lim[2] = {&r->limits.cpu, &r->limits.memory};
	struct mf_val *req[2] = {&r->requests.cpu, &r->requests.memory};
	static const char *const names[2] = {"cpu", "memory"};
	for (int i = 0; i < 2; i++) {
		if (lim[i]->set && req[i]->set && req[i]->i > lim[i]->i)
			fail(c, AT(*req[i]), "%s.requests.%s: must be less than or equal to the limit %s",
			     path, names[i], lim[i]->s);
		if (lim[i]->set && !req[i]->set) { /* requests default to limits */
			*req[i] = *lim[i];
			req[i]->line = req[i]->col = 0;
			r->requests.node.set = true;
		}
	}
}

static const struct mf_volume *find_volume(const struct mf_pod_spec *s, const char *name)
{
	const struct mf_volume *v = s->volumes.v;
	for (uint32_t i = 0; i < s->volumes.n; i++)
		if (!strcmp(v[i].name.s, name))
			return &v[i];
	return NULL;
}

static const struct mf_container *find_container(const struct mf_pod_spec *s, const char *name)
{
	const struct mf_list *lists[2] = {&s->init_containers, &s->containers};
	for (int l = 0; l < 2; l++) {
		const struct mf_container *ctr = lists[l]->v;
		for (uint32_t i = 0; i < lists[l]->n; i++)
			if (!strcmp(ctr[i].name.s, name))
				return &ctr[i];
	}
	return NULL;
}

static void check_env(struct chk *c, const struct mf_pod_spec *s, struct mf_env *e,
		      const char *path)
{
	static const char *const field_paths[] = {
		"metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
		"spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP",
		"status.podIPs", NULL};
	static const char *const resources[] = {"limits.cpu", "limits.memory", "requests.cpu",
						"requests.memory", "limits.ephemeral-storage",
						"requests.ephemeral-storage", NULL};
	struct mf_env_source *f = &e->from;
	if (e->value.set && e->value.s[0] && f->node.set)
		fail(c, AT(f->node), "%s.valueFrom: may not be specified when value is not empty", path);
	if (!f->node.set)
		return;
	int n = f->field.node.set + f->resource.node.set + f->config_map.node.set + f->secret.node.set;
	if (n != 1)
		fail(c, AT(f->node), "%s.valueFrom: must specify exactly one of fieldRef, "
				     "resourceFieldRef, configMapKeyRef, secretKeyRef", path);
	if (f->field.node.set) {
		struct mf_val *fp = &f->field.field_path;
		bool ok = false;
		for (int i = 0; field_paths[i]; i++)
			ok |= !strcmp(fp->s, field_paths[i]);
		/* metadata.labels['key'] and metadata.annotations['key'] */
		if (!strncmp(fp->s, "metadata.labels['", 17) ||
		    !strncmp(fp->s, "metadata.annotations['", 22)) {
			const char *open = strchr(fp->s, '[') + 2;
			size_t l = strlen(fp->s);
			char key[LIM_DNS_SUBDOMAIN + 80];
			size_t kl = l >= 2 && fp->s + l - 2 >= open ? (size_t)(fp->s + l - 2 - open) : 0;
			ok = l > 2 && !strcmp(fp->s + l - 2, "']") && kl < sizeof key;
			if (ok) {
				memcpy(key, open, kl);
				key[kl] = 0;
				ok = !name_label_key(key);
			}
		}
		if (!ok)
			fail(c, AT(*fp), "%s.valueFrom.fieldRef.fieldPath: unsupported value \"%s\"", path,
			     fp->s);
		if (f->field.api_version.set && strcmp(f->field.api_version.s, "v1"))
			fail(c, AT(f->field.api_version),
			     "%s.valueFrom.fieldRef.apiVersion: unsupported value \"%s\"", path,
			     f->field.api_version.s);
		def_str(&f->field.api_version, "v1");
	}
	if (f->resource.node.set) {
		struct mf_res_ref *r = &f->resource;
		bool ok = false;
		for (int i = 0; resources[i]; i++)
			ok |= !strcmp(r->resource.s, resources[i]);
		if (!ok)
			fail(c, AT(r->resource),
			     "%s.valueFrom.resourceFieldRef.resource: unsupported value \"%s\"", path,
			     r->resource.s);
		if (r->container.set && !find_container(s, r->container.s))
			fail(c, AT(r->container),
			     "%s.valueFrom.resourceFieldRef.containerName: no container named \"%s\"",
			     path, r->container.s);
		if (r->divisor.set && r->divisor.i == 0)
			fail(c, AT(r->divisor), "%s.valueFrom.resourceFieldRef.divisor: must be positive",
			     path);
	}
}

static void check_env_from(struct chk *c, struct mf_env_from *e, const char *path)
{
	if (e->config_map.node.set + e->secret.node.set != 1)
		fail(c, AT(e->node), "%s: must specify exactly one of configMapRef, secretRef", path);
	if (e->prefix.set && e->prefix.s[0] && name_env(e->prefix.s))
		fail(c, AT(e->prefix), "%s.prefix: invalid value \"%s\"", path, e->prefix.s);
}

static void check_security(struct chk *c, struct mf_ctr_security *s, const char *path)
{
	if (!s->node.set)
		return;
	if (s->privileged.set && s->privileged.i && s->allow_escalation.set && !s->allow_escalation.i)
		fail(c, AT(s->allow_escalation),
		     "%s.allowPrivilegeEscalation: cannot set allowPrivilegeEscalation to false and "
		     "privileged to true", path);
	if (s->run_as_non_root.set && s->run_as_non_root.i && s->run_as_user.set &&
	    s->run_as_user.i == 0)
		fail(c, AT(s->run_as_user), "%s.runAsUser: runAsNonRoot is true but runAsUser is 0",
		     path);
}

static void check_seccomp(struct chk *c, const struct mf_seccomp *s, const char *path)
{
	if (!s->node.set)
		return;
	bool local = !strcmp(s->type.s, "Localhost");
	if (local && !s->localhost.set)
		fail(c, AT(s->node), "%s.seccompProfile.localhostProfile: required when type is Localhost",
		     path);
	if (!local && s->localhost.set)
		fail(c, AT(s->localhost),
		     "%s.seccompProfile.localhostProfile: may only be set when type is Localhost", path);
}

static void check_mounts(struct chk *c, const struct mf_pod_spec *s, const struct mf_container *ctr,
			 const char *path)
{
	const struct mf_mount *m = ctr->mounts.v;
	for (uint32_t i = 0; i < ctr->mounts.n; i++) {
		if (!find_volume(s, m[i].name.s))
			fail(c, AT(m[i].name), "%s.volumeMounts[%u].name: no volume named \"%s\"", path, i,
			     m[i].name.s);
		for (uint32_t j = 0; j < i; j++)
			if (!strcmp(m[i].mount_path.s, m[j].mount_path.s))
				fail(c, AT(m[i].mount_path),
				     "%s.volumeMounts[%u].mountPath: \"%s\" is already mounted", path, i,
				     m[i].mount_path.s);
	}
}

static void check_ports(struct chk *c, const struct mf_pod_spec *s, struct mf_container *ctr,
			const char *path)
{
	struct mf_port *p = ctr->ports.v;
	bool host_net = s->host_network.set && s->host_network.i;
	for (uint32_t i = 0; i < ctr->ports.n; i++) {
		def_str(&p[i].protocol, "TCP");
		if (p[i].host_port.set && p[i].host_port.i == 0)
			p[i].host_port.set = false; /* 0 is unset, as in Kubernetes */
		if (host_net && !p[i].host_port.set) { /* the defaulting of hostNetwork pods */
			p[i].host_port.i = p[i].container_port.i;
			p[i].host_port.set = true;
		}
		if (p[i].name.set)
			for (uint32_t j = 0; j < i; j++)
				if (p[j].name.set && !strcmp(p[i].name.s, p[j].name.s))
					fail(c, AT(p[i].name), "%s.ports[%u].name: duplicate name \"%s\"",
					     path, i, p[i].name.s);
		if (host_net && p[i].host_port.i != p[i].container_port.i)
			fail(c, AT(p[i].host_port),
			     "%s.ports[%u].hostPort: must match containerPort when hostNetwork is true",
			     path, i);
	}
}

static void check_container(struct chk *c, struct mf_pod_spec *s, struct mf_container *ctr,
			    const char *path, bool is_init)
{
	char p[LIM_PATH_TEXT];
	bool sidecar = mf_is_sidecar(ctr);
	if (!is_init && ctr->restart_policy.set)
		fail(c, AT(ctr->restart_policy),
		     "%s.restartPolicy: may only be set on init containers (native sidecars)", path);
	else if (is_init && ctr->restart_policy.set && !sidecar)
		fail(c, AT(ctr->restart_policy),
		     "%s.restartPolicy: unsupported value \"%s\": init containers support only \"Always\"",
		     path, ctr->restart_policy.s);
	if (is_init && !sidecar) {
		static const char *const what[] = {"livenessProbe", "readinessProbe", "startupProbe",
						   "lifecycle"};
		const struct mf_node *nodes[] = {&ctr->liveness.node, &ctr->readiness.node,
						 &ctr->startup.node, &ctr->lifecycle.node};
		for (int i = 0; i < 4; i++)
			if (nodes[i]->set)
				fail(c, nodes[i]->line, nodes[i]->col,
				     "%s.%s: may not be set for init containers without "
				     "restartPolicy: Always", path, what[i]);
	}
	sub(p, sizeof p, path, ".livenessProbe");
	check_probe(c, ctr, &ctr->liveness, p, false);
	sub(p, sizeof p, path, ".readinessProbe");
	check_probe(c, ctr, &ctr->readiness, p, true);
	sub(p, sizeof p, path, ".startupProbe");
	check_probe(c, ctr, &ctr->startup, p, false);
	sub(p, sizeof p, path, ".lifecycle.postStart");
	check_handler(c, ctr, &ctr->lifecycle.post_start, p);
	sub(p, sizeof p, path, ".lifecycle.preStop");
	check_handler(c, ctr, &ctr->lifecycle.pre_stop, p);
	sub(p, sizeof p, path, ".resources");
	check_resources(c, &ctr->resources, p);
	sub(p, sizeof p, path, ".securityContext");
	check_security(c, &ctr->security, p);
	check_seccomp(c, &ctr->security.seccomp, p);
	check_mounts(c, s, ctr, path);
	check_ports(c, s, ctr, path);
	struct mf_env *env = ctr->env.v;
	for (uint32_t i = 0; i < ctr->env.n; i++) {
		sub(p, sizeof p, path, ".env[%u]", i);
		check_env(c, s, &env[i], p);
	}
	struct mf_env_from *ef = ctr->env_from.v;
	for (uint32_t i = 0; i < ctr->env_from.n; i++) {
		sub(p, sizeof p, path, ".envFrom[%u]", i);
		check_env_from(c, &ef[i], p);
	}
}

static void check_items(struct chk *c, struct mf_config_vol *cv, const char *path)
{
	def_int(&cv->default_mode, 0644);
	const struct mf_key_path *it = cv->items.v;
	for (uint32_t i = 0; i < cv->items.n; i++)
		for (uint32_t j = 0; j < i; j++)
			if (!strcmp(it[i].path.s, it[j].path.s))
				fail(c, AT(it[i].path), "%s.items[%u].path: duplicate path \"%s\"", path, i,
				     it[i].path.s);
}

static void check_volumes(struct chk *c, struct mf_pod_spec *s)
{
	struct mf_volume *v = s->volumes.v;
	char p[LIM_PATH_TEXT];
	for (uint32_t i = 0; i < s->volumes.n; i++) {
		int n = v[i].empty_dir.node.set + v[i].host_path.node.set + v[i].config_map.node.set +
			v[i].secret.node.set;
		if (n != 1)
			fail(c, AT(v[i].node), "spec.volumes[%u]: must specify exactly one of emptyDir, "
					       "hostPath, configMap, secret", i);
		for (uint32_t j = 0; j < i; j++)
			if (!strcmp(v[i].name.s, v[j].name.s))
				fail(c, AT(v[i].name), "spec.volumes[%u].name: duplicate name \"%s\"", i,
				     v[i].name.s);
		if (v[i].config_map.node.set) {
			sub(p, sizeof p, "", "spec.volumes[%u].configMap", i);
			check_items(c, &v[i].config_map, p);
		}
		if (v[i].secret.node.set) {
			sub(p, sizeof p, "", "spec.volumes[%u].secret", i);
			check_items(c, &v[i].secret, p);
		}
	}
}

/* A hostPort/protocol may be used once in the whole pod. */
static void check_host_ports(struct chk *c, const struct mf_pod_spec *s)
{
	const struct mf_list *lists[2] = {&s->init_containers, &s->containers};
	static const char *const names[2] = {"initContainers", "containers"};
	const struct mf_port *seen[64];
	unsigned n = 0;
	for (int l = 0; l < 2; l++) {
		const struct mf_container *ctr = lists[l]->v;
		for (uint32_t i = 0; i < lists[l]->n; i++) {
			const struct mf_port *p = ctr[i].ports.v;
			for (uint32_t k = 0; k < ctr[i].ports.n; k++) {
				if (!p[k].host_port.set)
					continue;
				for (unsigned j = 0; j < n; j++)
					if (seen[j]->host_port.i == p[k].host_port.i &&
					    !strcmp(seen[j]->protocol.s, p[k].protocol.s)) {
						fail(c, AT(p[k].host_port),
						     "spec.%s[%u].ports[%u].hostPort: duplicate host port %lld/%s",
						     names[l], i, k, (long long)p[k].host_port.i, p[k].protocol.s);
						break;
					}
				if (n < 64)
					seen[n++] = &p[k];
			}
		}
	}
}

static void check_containers(struct chk *c, struct mf_pod_spec *s)
{
	struct mf_list *lists[2] = {&s->init_containers, &s->containers};
	static const char *const names[2] = {"initContainers", "containers"};
	char p[LIM_PATH_TEXT];
	for (int l = 0; l < 2; l++) {
		struct mf_container *ctr = lists[l]->v;
		for (uint32_t i = 0; i < lists[l]->n; i++) {
			sub(p, sizeof p, "", "spec.%s[%u]", names[l], i);
			check_container(c, s, &ctr[i], p, l == 0);
			/* names are unique across both lists */
			for (int l2 = 0; l2 <= l; l2++) {
				const struct mf_container *o = lists[l2]->v;
				uint32_t end = l2 == l ? i : lists[l2]->n;
				for (uint32_t j = 0; j < end; j++)
					if (!strcmp(o[j].name.s, ctr[i].name.s)) {
						fail(c, AT(ctr[i].name), "%s.name: duplicate container name \"%s\"",
						     p, ctr[i].name.s);
						l2 = l + 1; /* once per container */
						break;
					}
			}
		}
	}
	check_host_ports(c, s);
	if (!s->containers.n)
		fail(c, s->containers.set ? s->containers.line : s->node.line,
		     s->containers.set ? s->containers.col : s->node.col,
		     "spec.containers: a Pod needs at least one container");
	if (s->containers.n + s->init_containers.n > LIM_CONTAINERS)
		fail(c, s->containers.line, s->containers.col,
		     "spec.containers: %u containers and init containers: podinit runs at most %d per pod",
		     (unsigned)(s->containers.n + s->init_containers.n), LIM_CONTAINERS);
}

static void check_meta(struct chk *c, struct mf_meta *m, const char *(*name_rule)(const char *))
{
	const char *why = name_rule(m->name.s);
	if (why)
		fail(c, AT(m->name), "metadata.name: invalid value \"%s\": %s", m->name.s, why);
	def_str(&m->namespace_, "default");
	size_t total = 0;
	const struct mf_kv *a = m->annotations.v;
	for (uint32_t i = 0; i < m->annotations.n; i++)
		total += strlen(a[i].key.s) + strlen(a[i].val.s);
	if (total > LIM_ANNOTATIONS)
		fail(c, AT(m->annotations), "metadata.annotations: total size must be at most %d bytes",
		     LIM_ANNOTATIONS);
}

static void check_pod(struct chk *c, struct mf_pod *pod)
{
	struct mf_pod_spec *s = &pod->spec;
	check_meta(c, &pod->meta, name_dns_label);
	check_volumes(c, s);
	check_containers(c, s);
	check_seccomp(c, &s->security.seccomp, "spec.securityContext");
	if (s->security.run_as_non_root.set && s->security.run_as_non_root.i &&
	    s->security.run_as_user.set && s->security.run_as_user.i == 0)
		fail(c, AT(s->security.run_as_user),
		     "spec.securityContext.runAsUser: runAsNonRoot is true but runAsUser is 0");
	def_str(&s->restart_policy, "Always");
	def_int(&s->grace, 30);
}

static void check_service(struct chk *c, struct mf_service *svc)
{
	struct mf_svc_spec *s = &svc->spec;
	check_meta(c, &svc->meta, name_dns1035_label);
	def_str(&s->type, "ClusterIP");
	struct mf_svc_port *p = s->ports.v;
	if (!s->ports.n)
		fail(c, s->ports.set ? s->ports.line : s->node.line,
		     s->ports.set ? s->ports.col : s->node.col,
		     "spec.ports: a Service needs at least one port");
	for (uint32_t i = 0; i < s->ports.n; i++) {
		def_str(&p[i].protocol, "TCP");
		if (p[i].node_port.set && p[i].node_port.i == 0)
			p[i].node_port.set = false;
		if (!p[i].target_port.set) {
			p[i].target_port.i = p[i].port.i;
			p[i].target_port.set = true;
		}
		if (s->ports.n > 1 && !p[i].name.set)
			fail(c, AT(p[i].node), "spec.ports[%u].name: required when a Service has more "
					       "than one port", i);
		if (p[i].node_port.set && !strcmp(s->type.s, "ClusterIP"))
			fail(c, AT(p[i].node_port),
			     "spec.ports[%u].nodePort: may not be used when type is ClusterIP", i);
		for (uint32_t j = 0; j < i; j++) {
			if (p[i].name.set && p[j].name.set && !strcmp(p[i].name.s, p[j].name.s))
				fail(c, AT(p[i].name), "spec.ports[%u].name: duplicate name \"%s\"", i,
				     p[i].name.s);
			if (p[i].node_port.set && p[j].node_port.set &&
			    p[i].node_port.i == p[j].node_port.i && !strcmp(p[i].protocol.s, p[j].protocol.s))
				fail(c, AT(p[i].node_port), "spec.ports[%u].nodePort: duplicate nodePort %lld/%s", i,
				     (long long)p[i].node_port.i, p[i].protocol.s);
			if (p[i].port.i == p[j].port.i && !strcmp(p[i].protocol.s, p[j].protocol.s))
				fail(c, AT(p[i].port), "spec.ports[%u].port: duplicate port %lld/%s", i,
				     (long long)p[i].port.i, p[i].protocol.s);
		}
	}
}

static bool base64_ok(const char *s)
{
	size_t n = 0, pad = 0;
	for (; *s; s++, n++) {
		if (*s == '\n' || *s == '\r' || *s == ' ' || *s == '\t') {
			n--;
			continue;
		}
		if (*s == '=') {
			pad++;
			continue;
		}
		if (pad || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
			     (*s >= '0' && *s <= '9') || *s == '+' || *s == '/'))
			return false;
	}
	return n % 4 == 0 && pad <= 2;
}

static void check_config(struct chk *c, struct mf_config *cfg, bool secret)
{
	check_meta(c, &cfg->meta, name_dns_subdomain);
	const struct mf_kv *d = cfg->data.v, *d2 = cfg->data2.v;
	const char *b64_field = secret ? "data" : "binaryData";
	const struct mf_kv *b64 = secret ? d : d2;
	uint32_t nb64 = secret ? cfg->data.n : cfg->data2.n;
	size_t total = 0;
	for (uint32_t i = 0; i < nb64; i++)
		if (!base64_ok(b64[i].val.s))
			fail(c, AT(b64[i].val), "%s.%s: invalid base64 value", b64_field, b64[i].key.s);
	for (uint32_t i = 0; i < cfg->data.n; i++) {
		total += strlen(d[i].val.s);
		if (!secret)
			for (uint32_t j = 0; j < cfg->data2.n; j++)
				if (!strcmp(d[i].key.s, d2[j].key.s))
					fail(c, AT(d2[j].key), "binaryData.%s: duplicate of data.%s",
					     d2[j].key.s, d[i].key.s);
	}
	for (uint32_t i = 0; i < cfg->data2.n; i++)
		total += strlen(d2[i].val.s);
	if (total > LIM_CONFIG_DATA)
		fail(c, AT(cfg->node), "data: total size must be at most %d bytes", LIM_CONFIG_DATA);
	if (secret)
		def_str(&cfg->type, "Opaque");
}

int mf_check(struct mf_object *o, struct diag_list *dl)
{
	struct chk c = {.dl = dl};
	switch (o->kind) {
	case MF_POD:
		check_pod(&c, o->pod);
		break;
	case MF_SERVICE:
		check_service(&c, o->service);
		break;
	case MF_CONFIGMAP:
	case MF_SECRET:
		check_config(&c, o->config, o->kind == MF_SECRET);
		break;
	}
	return c.rc;
}
