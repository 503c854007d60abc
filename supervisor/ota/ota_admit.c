/* ota_admit.c - whether a whole set may run on this device (images,
 * memory, the rules across files), and the plan of what a change does.
 *
 * Memory admission is the scheduler's: the sum of the pods' requests
 * (mset_pod_memory) must fit the board's allocatable memory, MemTotal
 * less RESERVED_MEMORY (podinit's own reserve and the system's). */
#include "ota_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include "arena.h"
#include "image.h"
#include "quantity.h"

static int64_t allocatable(const struct ota *o, int64_t *total)
{
	struct sysinfo si;
	*total = sysinfo(&si) == 0 ? (int64_t)si.totalram * si.mem_unit : 0;
	int64_t a = *total - o->node->board.reserved_memory;
	return a > 0 ? a : 0;
}

static int64_t set_memory(const struct mset *s)
{
	int64_t sum = 0;
	MSET_FOREACH(s, f, ob)
	if (ob->kind == MF_POD)
		sum += mset_pod_memory(ob->pod);
	return sum;
}

static void check_images(const struct ota *o, const struct mset *s, struct events *ev,
			 struct mset_report *rep)
{
	struct arena a;
	struct diag_list *dl = malloc(sizeof *dl);
	if (!dl) {
		mset_problem(rep, ev, "ota", "out of memory");
		return;
	}
	MSET_FOREACH(s, f, ob)
	{
		if (ob->kind != MF_POD)
			continue;
		const struct mf_pod_spec *ps = &ob->pod->spec;
		const struct mf_container *init = ps->init_containers.v, *app = ps->containers.v;
		for (uint32_t i = 0; i < ps->init_containers.n + ps->containers.n; i++) {
			const struct mf_container *c =
				i < ps->init_containers.n ? &init[i] : &app[i - ps->init_containers.n];
			struct image_ref ref;
			struct image img;
			const char *why;
			if (image_ref_parse(c->image.s, &ref, &why))
				continue; /* the manifest's own check reports it */
			arena_init(&a, 64 * 1024);
			diag_init(dl, f->name);
			int rc = image_find(o->images, &ref, &a, dl, &img);
			arena_free(&a);
			if (rc == -ENOENT)
				mset_problem(rep, ev, "ota",
					     "%s:%u:%u: pod \"%s\": container \"%s\": image \"%s\" is not in "
					     "the image store %s",
					     f->name, c->image.line, c->image.col, mf_object_name(ob), c->name.s,
					     c->image.s, o->images);
			else if (rc)
				mset_problem(rep, ev, "ota", "%s:%u:%u: pod \"%s\": image \"%s\": %s", f->name,
					     c->image.line, c->image.col, mf_object_name(ob), c->image.s,
					     dl->n ? dl->e[0].text : strerror(-rc));
		}
	}
	free(dl);
}

static void check_memory(const struct ota *o, const struct mset *s, struct events *ev,
			 struct mset_report *rep)
{
	int64_t total, avail = allocatable(o, &total), sum = set_memory(s);
	if (sum <= avail)
		return;
	/* name the pods that ask most, largest first, as far as they fit */
	char list[240] = "";
	size_t len = 0;
	int64_t shown = INT64_MAX;
	for (int k = 0; k < 4; k++) {
		int64_t best = 0;
		const char *name = NULL;
		MSET_FOREACH(s, f, ob)
		if (ob->kind == MF_POD) {
			int64_t m = mset_pod_memory(ob->pod);
			if (m > best && m < shown)
				best = m, name = mf_object_name(ob);
		}
		if (!name)
			break;
		char q[32];
		qty_format_bytes(best, q, sizeof q);
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s %s", k ? ", " : "", name, q);
		if (len >= sizeof list)
			break;
		shown = best;
	}
	char qs[32], qa[32], qt[32], qr[32];
	qty_format_about(sum, qs, sizeof qs);
	qty_format_about(avail, qa, sizeof qa);
	qty_format_about(total, qt, sizeof qt);
	qty_format_bytes(o->node->board.reserved_memory, qr, sizeof qr);
	mset_problem(rep, ev, "ota",
		     "memory: the pods request %s (%s) but the device has %s allocatable (%s less "
		     "RESERVED_MEMORY %s)",
		     qs, list, qa, qt, qr);
}

unsigned ota_admit(const struct ota *o, const struct mset *s, struct events *ev,
		   struct mset_report *rep)
{
	unsigned before = rep->errors;
	mset_check(s, ev, rep);
	check_images(o, s, ev, rep);
	check_memory(o, s, ev, rep);
	return rep->errors - before;
}

static const struct mf_object *find_in(const struct mset *s, const struct mf_object *o,
				       uint64_t *hash)
{
	const struct mfile *f = NULL;
	const struct mf_object *x = mset_object(s, o->kind, mf_meta_of(o)->namespace_.s,
						mf_object_name(o), &f);
	if (x)
		*hash = mfile_object_hash(f, x);
	return x;
}

void ota_plan(const struct ota *o, const struct mset *now, const struct mset *next, FILE *out)
{
	/* stops first (their memory is free then), then recreations, then
	 * new objects: the order the reconciler takes */
	static const char *const steps[] = {"delete", "recreate", "create"};
	unsigned count[3] = {0}, same = 0;
	for (int step = 0; step < 3; step++) {
		const struct mset *walk = step == 0 ? now : next;
		MSET_FOREACH(walk, f, ob)
		{
			uint64_t h = 0;
			const struct mf_object *other = find_in(step == 0 ? next : now, ob, &h);
			bool changed = other && h != mfile_object_hash(f, ob);
			if ((step == 0 && other) || (step == 1 && !changed) || (step == 2 && other)) {
				if (step == 1 && other)
					same++;
				continue;
			}
			char kind[16];
			mf_kind_word(ob->kind, kind, sizeof kind);
			const char *verb = steps[step];
			if (step == 1 && ob->kind != MF_POD)
				verb = "configure";
			fprintf(out, "%-10s %s/%s%s\n", verb, kind, mf_object_name(ob),
				 step == 1 && ob->kind == MF_POD ? " (stopped, then started with the new spec)"
								 : "");
			count[step]++;
		}
	}
	if (!count[0] && !count[1] && !count[2])
		fprintf(out, "no changes\n");
	fprintf(out, "%u to delete, %u to recreate or configure, %u to create, %u unchanged\n", count[0],
		count[1], count[2], same);
	int64_t total, avail = allocatable(o, &total), before = set_memory(now), after = set_memory(next);
	char qb[32], qa[32], qd[32], qv[32];
	qty_format_bytes(before, qb, sizeof qb);
	qty_format_bytes(after, qa, sizeof qa);
	qty_format_bytes(after >= before ? after - before : before - after, qd, sizeof qd);
	qty_format_about(avail, qv, sizeof qv);
	fprintf(out, "memory requests: %s -> %s (%s%s) of %s allocatable\n", qb, qa,
		after >= before ? "+" : "-", qd, qv);
	struct mset_report rep = {0};
	if (ota_admit(o, next, NULL, &rep))
		fprintf(out, "admission: refused: %s%s\n", rep.first, rep.errors > 1 ? " (and more)" : "");
	else
		fprintf(out, "admission: passes\n");
}
