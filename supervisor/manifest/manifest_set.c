/* manifest_set.c - ports claimed across objects (manifest_set.h). */
#include "manifest_set.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lim.h"

struct claim {
	const char *proto, *kind, *who;
	int64_t port;
};

struct claims {
	struct claim c[LIM_SVC_ENTRIES];
	unsigned n;
};

/* The earlier claim of proto/port, or NULL; records this one. */
static const struct claim *claim(struct claims *cs, const char *proto, int64_t port, const char *kind,
				  const char *who)
{
	for (unsigned i = 0; i < cs->n; i++)
		if (cs->c[i].port == port && !strcmp(cs->c[i].proto, proto))
			return &cs->c[i];
	if (cs->n < LIM_SVC_ENTRIES)
		cs->c[cs->n++] = (struct claim){proto, kind, who, port};
	return NULL;
}

/* The claims of o into cs; with dl, each one taken already is an error. */
static void each_claim(const struct mf_object *o, struct claims *cs, struct diag_list *dl, unsigned *errors)
{
	if (o->kind == MF_POD) {
		const struct mf_pod *p = o->pod;
		const struct mf_list *lists[2] = {&p->spec.init_containers, &p->spec.containers};
		for (int l = 0; l < 2; l++) {
			const struct mf_container *c = lists[l]->v;
			for (uint32_t i = 0; i < lists[l]->n; i++) {
				const struct mf_port *pt = c[i].ports.v;
				for (uint32_t k = 0; k < c[i].ports.n; k++) {
					if (!pt[k].host_port.set || !pt[k].host_port.i)
						continue;
					const struct claim *was = claim(cs, pt[k].protocol.s, pt[k].host_port.i, "pod", p->meta.name.s);
					if (was && dl) {
						diag_error(dl, pt[k].host_port.line, pt[k].host_port.col,
							   "hostPort %lld/%s: taken already by %s/%s",
							   (long long)pt[k].host_port.i, pt[k].protocol.s, was->kind,
							   was->who);
						++*errors;
					}
				}
			}
		}
		return;
	}
	if (o->kind != MF_SERVICE)
		return;
	const struct mf_service *s = o->service;
	bool lb = !strcmp(s->spec.type.s, "LoadBalancer");
	const struct mf_svc_port *sp = s->spec.ports.v;
	for (uint32_t i = 0; i < s->spec.ports.n; i++) {
		const struct mf_val *v[2] = {&sp[i].node_port, lb ? &sp[i].port : NULL};
		for (int k = 0; k < 2; k++) {
			if (!v[k] || !v[k]->set)
				continue;
			const struct claim *was = claim(cs, sp[i].protocol.s, v[k]->i, "service", s->meta.name.s);
			if (was && dl) {
				diag_error(dl, v[k]->line, v[k]->col, "%s %lld/%s: taken already by %s/%s",
					   k ? "port (LoadBalancer)" : "nodePort", (long long)v[k]->i,
					   sp[i].protocol.s, was->kind, was->who);
				++*errors;
			}
		}
	}
}

unsigned mf_check_ports(const struct mf_file *f, const struct mf_file *const *others, unsigned n,
			struct diag_list *dl)
{
	struct claims *cs = malloc(sizeof *cs); /* 12 KiB: not on PID 1's stack */
	unsigned errors = 0;
	if (!cs) {
		diag_error(dl, 0, 0, "out of memory checking the ports");
		return 1;
	}
	cs->n = 0;
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; others[i] && j < others[i]->n; j++)
			each_claim(&others[i]->objs[j], cs, NULL, &errors);
	for (unsigned j = 0; j < f->n; j++)
		each_claim(&f->objs[j], cs, dl, &errors);
	free(cs);
	return errors;
}
