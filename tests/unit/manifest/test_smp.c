/* Unit tests: smp.c - strategic merge patches as the API server applies
 * them (Kubernetes' "Update API Objects in Place Using kubectl patch" and
 * the strategic-merge-patch design document): merge keys, null deletes,
 * the directives, atomic lists; and inputs that are not patches. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "smp.h"

static int merged(const char *live, const char *patch, char **out, char *err)
{
	size_t len = 0;
	FILE *f = open_memstream(out, &len);
	assert_non_null(f);
	int rc = smp_apply(live, strlen(live), patch, strlen(patch), f, err, 300);
	fclose(f);
	return rc;
}

static void expect(const char *live, const char *patch, const char *want)
{
	char *out = NULL, err[300] = "";
	int rc = merged(live, patch, &out, err);
	if (rc)
		fail_msg("smp_apply: %d %s", rc, err);
	assert_string_equal(out, want);
	free(out);
}

#define POD_A "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\",\"annotations\":{\"a\":\"1\"}},\"spec\":{\"containers\":[" \
	      "{\"name\":\"a\",\"image\":\"x:1\",\"env\":[{\"name\":\"E1\",\"value\":\"1\"},{\"name\":\"E2\",\"value\":\"2\"}]," \
	      "\"args\":[\"-v\",\"-q\"]},{\"name\":\"b\",\"image\":\"y\"}]}}"

/* what kubectl apply sends: a changed image by name, an env entry gone and
 * one new, the element order, the annotation */
static void apply_patch(void **state)
{
	(void)state;
	expect(POD_A,
	       "{\"metadata\":{\"annotations\":{\"a\":\"2\"}},\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"b\"},"
	       "{\"name\":\"a\"}],\"containers\":[{\"name\":\"a\",\"image\":\"x:2\",\"$setElementOrder/env\":[{\"name\":\"E1\"},"
	       "{\"name\":\"E3\"}],\"env\":[{\"name\":\"E2\",\"$patch\":\"delete\"},{\"name\":\"E3\",\"value\":\"3\"}]}]}}",
	       "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\",\"annotations\":{\"a\":\"2\"}},\"spec\":{\"containers\":["
	       "{\"name\":\"b\",\"image\":\"y\"},{\"name\":\"a\",\"image\":\"x:2\",\"env\":[{\"name\":\"E1\",\"value\":\"1\"},"
	       "{\"name\":\"E3\",\"value\":\"3\"}],\"args\":[\"-v\",\"-q\"]}]}}");
}

static void null_deletes(void **state)
{
	(void)state;
	expect("{\"metadata\":{\"labels\":{\"x\":\"1\",\"y\":\"2\"}}}", "{\"metadata\":{\"labels\":{\"x\":null}}}",
	       "{\"metadata\":{\"labels\":{\"y\":\"2\"}}}");
}

/* a list without a merge key (args, command) is replaced whole */
static void atomic_list(void **state)
{
	(void)state;
	expect("{\"spec\":{\"containers\":[{\"name\":\"a\",\"args\":[\"1\",\"2\"]}]}}",
	       "{\"spec\":{\"containers\":[{\"name\":\"a\",\"args\":[\"3\"]}]}}",
	       "{\"spec\":{\"containers\":[{\"name\":\"a\",\"args\":[\"3\"]}]}}");
}

/* a new container is appended; a container's ports merge by containerPort,
 * its volumeMounts by mountPath; the pod's volumes by name */
static void merge_keys(void **state)
{
	(void)state;
	expect("{\"spec\":{\"containers\":[{\"name\":\"a\",\"ports\":[{\"containerPort\":80,\"name\":\"http\"}],"
	       "\"volumeMounts\":[{\"mountPath\":\"/d\",\"name\":\"v\"}]}],\"volumes\":[{\"name\":\"v\",\"emptyDir\":{}}]}}",
	       "{\"spec\":{\"containers\":[{\"name\":\"a\",\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\"},"
	       "{\"containerPort\":443}],\"volumeMounts\":[{\"mountPath\":\"/d\",\"readOnly\":true}]},{\"name\":\"c\",\"image\":\"z\"}],"
	       "\"volumes\":[{\"name\":\"w\",\"emptyDir\":{\"medium\":\"Memory\"}}]}}",
	       "{\"spec\":{\"containers\":[{\"name\":\"a\",\"ports\":[{\"containerPort\":80,\"name\":\"http\",\"protocol\":\"TCP\"},"
	       "{\"containerPort\":443}],\"volumeMounts\":[{\"mountPath\":\"/d\",\"name\":\"v\",\"readOnly\":true}]},"
	       "{\"name\":\"c\",\"image\":\"z\"}],\"volumes\":[{\"name\":\"v\",\"emptyDir\":{}},{\"name\":\"w\",\"emptyDir\":"
	       "{\"medium\":\"Memory\"}}]}}");
}

/* a Service's ports merge by port; its selector is a map */
static void service_ports(void **state)
{
	(void)state;
	expect("{\"kind\":\"Service\",\"spec\":{\"selector\":{\"app\":\"a\"},\"ports\":[{\"port\":80,\"targetPort\":8080}]}}",
	       "{\"spec\":{\"selector\":{\"tier\":\"web\"},\"ports\":[{\"port\":80,\"targetPort\":9090},{\"port\":81}]}}",
	       "{\"kind\":\"Service\",\"spec\":{\"selector\":{\"app\":\"a\",\"tier\":\"web\"},\"ports\":[{\"port\":80,"
	       "\"targetPort\":9090},{\"port\":81}]}}");
}

static void directives(void **state)
{
	(void)state;
	/* $patch: replace on a map: the patch's map, nothing of the old */
	expect("{\"data\":{\"a\":\"1\",\"b\":\"2\"}}", "{\"data\":{\"$patch\":\"replace\",\"c\":\"3\"}}",
	       "{\"data\":{\"c\":\"3\"}}");
	/* $patch: replace as a list element: the list is the patch's */
	expect("{\"spec\":{\"volumes\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}",
	       "{\"spec\":{\"volumes\":[{\"name\":\"c\"},{\"$patch\":\"replace\"}]}}", "{\"spec\":{\"volumes\":[{\"name\":\"c\"}]}}");
	/* $retainKeys: only those keys stay */
	expect("{\"spec\":{\"strategy\":{\"type\":\"A\",\"rollingUpdate\":{\"x\":1}}}}",
	       "{\"spec\":{\"strategy\":{\"$retainKeys\":[\"type\"],\"type\":\"B\"}}}", "{\"spec\":{\"strategy\":{\"type\":\"B\"}}}");
	/* $deleteFromPrimitiveList */
	expect("{\"metadata\":{\"finalizers\":[\"a\",\"b\",\"c\"]}}",
	       "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"b\"]}}", "{\"metadata\":{\"finalizers\":[\"a\",\"c\"]}}");
	/* a value added whole loses its directives */
	expect("{}", "{\"spec\":{\"containers\":[{\"name\":\"a\",\"env\":[{\"name\":\"X\",\"$patch\":\"delete\"}]}]}}",
	       "{\"spec\":{\"containers\":[{\"name\":\"a\",\"env\":[]}]}}");
}

/* YAML in, numbers and booleans kept as they were */
static void yaml_and_scalars(void **state)
{
	(void)state;
	expect("spec:\n  replicas: 1\n  ratio: 0.5\n  on: true\n", "{\"spec\":{\"replicas\":2}}",
	       "{\"spec\":{\"replicas\":2,\"ratio\":0.5,\"on\":true}}");
}

static void bad_input(void **state)
{
	(void)state;
	char *out = NULL, err[300] = "";
	assert_int_equal(merged("{}", "[1,2]", &out, err), -EINVAL);
	assert_string_equal(err, "the patch is not one map");
	free(out);
	out = NULL;
	assert_int_equal(merged("{}", "{\"a\": [", &out, err), -EINVAL);
	assert_true(!strncmp(err, "patch:", 6) && strstr(err, ": ") != NULL);
	free(out);
	out = NULL;
	assert_int_equal(merged("{\"a\":1}", "{\"$patch\":\"delete\"}", &out, err), -EINVAL);
	assert_string_equal(err, "the patch deletes the whole object");
	free(out);
	/* an alias bomb in the patch is bounded */
	const char *bomb = "a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
			   "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
			   "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n";
	out = NULL;
	int rc = merged("{}", bomb, &out, err);
	assert_true(rc == -E2BIG || rc == -EINVAL);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(apply_patch),  cmocka_unit_test(null_deletes), cmocka_unit_test(atomic_list),
		cmocka_unit_test(merge_keys),   cmocka_unit_test(service_ports), cmocka_unit_test(directives),
		cmocka_unit_test(yaml_and_scalars), cmocka_unit_test(bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
