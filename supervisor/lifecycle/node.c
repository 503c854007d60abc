/* node.c - the pod list, the observer, and the cgroups left to remove
 * (node.h). */
#include "node.h"

#include <string.h>
#include "base.h"
#include "mset.h"
#include "pod.h"

struct pod *node_find_pod(struct node *n, const char *name)
{
	for (struct pod *p = n->pods; p; p = p->next)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

unsigned node_pod_count(const struct node *n)
{
	unsigned count = 0;
	for (const struct pod *p = n->pods; p; p = p->next)
		count++;
	return count;
}

void node_add_pod(struct node *n, struct pod *p)
{
	struct pod **tail = &n->pods;
	while (*tail)
		tail = &(*tail)->next;
	p->next = NULL;
	*tail = p;
}

void node_drop_pod(struct node *n, struct pod *p)
{
	for (struct pod **pp = &n->pods; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			p->next = n->dead_pods;
			n->dead_pods = p;
			return;
		}
}

void node_pod_changed(struct node *n, struct pod *p, enum node_change what)
{
	if (what == NODE_POD_DONE && p->remove_when_done)
		node_drop_pod(n, p);
	if (n->observer && n->observer->pod_changed)
		n->observer->pod_changed(n->observer, p, what);
}

bool node_all_healthy(const struct node *n)
{
	for (const struct pod *p = n->pods; p; p = p->next)
		if (!pod_healthy(p))
			return false;
	/* and every pod of the desired state runs, in its version there */
	MSET_FOREACH(n->set, f, o)
	if (o->kind == MF_POD) {
		const struct pod *p = n->pods;
		while (p && strcmp(p->name, mf_object_name(o)))
			p = p->next;
		if (!p || p->hash != mfile_object_hash(f, o))
			return false;
	}
	return true;
}

static void on_leftover(struct loop *l, struct loop_timer *t)
{
	struct node *n = container_of(t, struct node, leftover_timer);
	unsigned keep = 0;
	bool last = ++n->leftover_tries >= 8; /* about 6 s in all */
	for (unsigned i = 0; i < n->nleftover; i++) {
		struct cg *g = &n->leftover[i];
		if (cg_destroy(g) == 0)
			continue;
		if (last) {
			events_add(&n->events, true, "podinit", "CgroupLeft",
				   "cgroup %s could not be removed: processes are still in it", g->name);
			cg_release(g);
			continue;
		}
		n->leftover[keep++] = *g;
	}
	n->nleftover = keep;
	if (keep)
		loop_timer_at(l, t, loop_now() + (50 * NS_PER_MS << n->leftover_tries));
}

void node_cgroup_leftover(struct node *n, struct cg *g, const char *pod)
{
	if (n->nleftover == LIM_CG_LEFTOVER) {
		events_add(&n->events, true, pod, "CgroupLeft", "cgroup %s could not be removed", g->name);
		cg_release(g);
		return;
	}
	/* in order: a container's group before its pod's */
	n->leftover[n->nleftover++] = *g;
	for (unsigned h = 0; h < CG_MAXH; h++)
		g->fd[h] = -1;
	g->events_fd = -1;
	n->leftover_tries = 0;
	n->leftover_timer.cb = on_leftover;
	if (!loop_timer_armed(&n->leftover_timer))
		loop_timer_at(&n->loop, &n->leftover_timer, loop_now() + 50 * NS_PER_MS);
}
