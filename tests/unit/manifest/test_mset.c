/* Unit tests: mset.c - reading a directory into a part (hash, reuse of
 * unchanged files, broken files), the rules across files, lookups, and
 * the memory a pod asks for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <errno.h>
#include "mset.h"

static char dir[] = "/tmp/podinit-mset-XXXXXX";

static void put(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void rm(const char *name)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	const char *names[] = {"a.yaml", "b.yaml", "c.yml", ".hidden.yaml", "notes.txt", "p.yaml", "q.yaml"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		rm(names[i]);
	rmdir(dir);
	return 0;
}

static const char pod_a[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n"
			    "  - {name: c, image: busybox}\n";
static const char pod_b[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec:\n  containers:\n"
			    "  - {name: c, image: busybox}\n";

static void reads_and_reuses(void **state)
{
	(void)state;
	put("a.yaml", pod_a);
	put("b.yaml", pod_b);
	put(".hidden.yaml", "not: read");
	put("notes.txt", "not read either");
	struct mpart p1, p2, p3;
	struct mset_report rep = {0};
	assert_int_equal(mpart_read(&p1, dir, MFILE_AGENT, NULL, NULL, &rep), 0);
	assert_int_equal(p1.n, 2);
	assert_int_equal(p1.broken, 0);
	assert_string_equal(p1.f[0]->name, "a.yaml");
	assert_string_equal(p1.f[1]->name, "b.yaml");
	/* the same bytes: the same hash, and the files are shared, not parsed again */
	assert_int_equal(mpart_read(&p2, dir, MFILE_AGENT, &p1, NULL, &rep), 0);
	assert_true(p2.hash == p1.hash);
	assert_ptr_equal(p2.f[0], p1.f[0]);
	assert_int_equal(p1.f[0]->refs, 2);
	/* one file changed: a new hash; the other file is still shared */
	put("b.yaml", "# a comment changes the bytes\n");
	char path[256];
	snprintf(path, sizeof path, "%s/b.yaml", dir);
	FILE *f = fopen(path, "a");
	fputs(pod_b, f);
	fclose(f);
	assert_int_equal(mpart_read(&p3, dir, MFILE_AGENT, &p2, NULL, &rep), 0);
	assert_true(p3.hash != p2.hash);
	assert_ptr_equal(p3.f[0], p2.f[0]);
	assert_ptr_not_equal(p3.f[1], p2.f[1]);
	/* the object's hash is the content's, not the text's */
	assert_true(mfile_object_hash(p3.f[1], &p3.f[1]->file.objs[0]) ==
		    mfile_object_hash(p2.f[1], &p2.f[1]->file.objs[0]));
	assert_int_equal(rep.errors, 0);
	mpart_clear(&p1);
	mpart_clear(&p2);
	mpart_clear(&p3);
}

static void broken_files_count(void **state)
{
	(void)state;
	put("a.yaml", pod_a);
	put("b.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n spec: [\n");
	struct mpart p;
	struct mset_report rep = {0};
	assert_int_equal(mpart_read(&p, dir, MFILE_AGENT, NULL, NULL, &rep), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.broken, 1);
	assert_true(rep.errors >= 1);
	assert_non_null(strstr(rep.first, "b.yaml:5:2: "));
	mpart_clear(&p);
	rm("b.yaml");
	/* a missing operator's directory is an empty part; the agent's is an
	 * error (a symlink to nowhere must not mean "no pods") */
	assert_int_equal(mpart_read(&p, "/nonexistent/podinit-mset", MFILE_OPERATOR, NULL, NULL, &rep), 0);
	assert_int_equal(p.n, 0);
	mpart_clear(&p);
	assert_int_equal(mpart_read(&p, "/nonexistent/podinit-mset", MFILE_AGENT, NULL, NULL, &rep), -ENOENT);
}

static void rules_across_files(void **state)
{
	(void)state;
	put("a.yaml", pod_a);
	put("b.yaml", pod_a); /* the same pod twice */
	struct mpart agent, op = {0};
	struct mset_report rep = {0};
	assert_int_equal(mpart_read(&agent, dir, MFILE_AGENT, NULL, NULL, &rep), 0);
	struct mset *s = mset_new(&agent, &op, 1);
	assert_non_null(s);
	assert_int_equal(mset_check(s, NULL, &rep), 1);
	assert_non_null(strstr(rep.first, "b.yaml:3:"));
	assert_non_null(strstr(rep.first, "is defined in a.yaml already"));
	mset_unref(s);
	mpart_clear(&agent);
	/* two host ports */
	put("b.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec:\n  containers:\n"
		      "  - name: c\n    image: busybox\n    ports: [{containerPort: 80, hostPort: 8080}]\n");
	put("c.yml", "apiVersion: v1\nkind: Pod\nmetadata: {name: c}\nspec:\n  containers:\n"
		     "  - name: c\n    image: busybox\n    ports: [{containerPort: 81, hostPort: 8080}]\n");
	memset(&rep, 0, sizeof rep);
	assert_int_equal(mpart_read(&agent, dir, MFILE_AGENT, NULL, NULL, &rep), 0);
	assert_int_equal(agent.n, 3);
	s = mset_new(&agent, &op, 1);
	assert_int_equal(mset_check(s, NULL, &rep), 1);
	assert_non_null(strstr(rep.first, "c.yml:"));
	/* lookups */
	const struct mfile *f = NULL;
	const struct mf_object *o = mset_object(s, MF_POD, "default", "b", &f);
	assert_non_null(o);
	assert_string_equal(f->name, "b.yaml");
	assert_null(mset_object(s, MF_POD, "other", "b", NULL));
	assert_null(mset_object(s, MF_SERVICE, NULL, "b", NULL));
	mset_unref(s);
	mpart_clear(&agent);
	rm("c.yml");
}

static void pod_memory(void **state)
{
	(void)state;
	put("a.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n"
		      "  initContainers:\n"
		      "  - {name: i1, image: busybox, resources: {requests: {memory: 100Mi}}}\n"
		      "  - {name: s1, image: busybox, restartPolicy: Always, resources: {requests: {memory: 10Mi}}}\n"
		      "  - {name: i2, image: busybox, resources: {limits: {memory: 50Mi}}}\n"
		      "  containers:\n"
		      "  - {name: c1, image: busybox, resources: {requests: {memory: 20Mi}}}\n"
		      "  - {name: c2, image: busybox}\n");
	rm("b.yaml");
	struct mpart p;
	struct mset_report rep = {0};
	assert_int_equal(mpart_read(&p, dir, MFILE_AGENT, NULL, NULL, &rep), 0);
	assert_int_equal(rep.errors, 0);
	/* max(100, 10 + 50 (limit as request), 10 + 20) */
	assert_int_equal(mset_pod_memory(p.f[0]->file.objs[0].pod), 100 << 20);
	mpart_clear(&p);
	put("a.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n"
		      "  initContainers:\n"
		      "  - {name: s1, image: busybox, restartPolicy: Always, resources: {requests: {memory: 64Mi}}}\n"
		      "  containers:\n"
		      "  - {name: c1, image: busybox, resources: {requests: {memory: 64Mi}}}\n");
	assert_int_equal(mpart_read(&p, dir, MFILE_AGENT, NULL, NULL, &rep), 0);
	assert_int_equal(mset_pod_memory(p.f[0]->file.objs[0].pod), 128 << 20);
	mpart_clear(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_and_reuses),
		cmocka_unit_test(broken_files_count),
		cmocka_unit_test(rules_across_files),
		cmocka_unit_test(pod_memory),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
