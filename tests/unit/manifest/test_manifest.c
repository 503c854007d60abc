/* Unit tests: manifest module - decoding into the model, defaults, the
 * rules of manifest_check.c, bounds, and file loading. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "manifest.h"

struct fixture {
	struct mf_file f;
	struct diag_list dl;
};

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct fixture));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	mf_free(&fx->f);
	free(fx);
	return 0;
}

static int parse(struct fixture *fx, const char *text)
{
	mf_free(&fx->f);
	diag_init(&fx->dl, "m.yaml");
	return mf_parse(text, strlen(text), &fx->f, &fx->dl);
}

/* The first error contains `needle` and sits at line:col. */
static void expect_error(struct fixture *fx, const char *text, unsigned line, unsigned col,
			 const char *needle)
{
	assert_int_equal(parse(fx, text), -EINVAL);
	assert_true(fx->dl.errors >= 1);
	for (unsigned i = 0; i < fx->dl.n; i++)
		if (fx->dl.e[i].level == DIAG_ERROR) {
			if (!strstr(fx->dl.e[i].text, needle))
				fail_msg("got \"%s\", want \"%s\"", fx->dl.e[i].text, needle);
			assert_int_equal(fx->dl.e[i].line, line);
			assert_int_equal(fx->dl.e[i].col, col);
			return;
		}
	fail();
}

static const char pod[] = "apiVersion: v1\n"
			  "kind: Pod\n"
			  "metadata:\n"
			  "  name: web\n"
			  "spec:\n"
			  "  initContainers:\n"
			  "  - name: setup\n"
			  "    image: busybox\n"
			  "  - name: sync\n"
			  "    image: git-sync\n"
			  "    restartPolicy: Always\n"
			  "    startupProbe:\n"
			  "      tcpSocket: {port: 8080}\n"
			  "  containers:\n"
			  "  - name: app\n"
			  "    image: nginx\n"
			  "    resources:\n"
			  "      limits: {memory: 64Mi, cpu: 0.5}\n"
			  "    livenessProbe:\n"
			  "      httpGet: {port: 80}\n";

static void decodes_pod(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(parse(fx, pod), 0);
	assert_int_equal(fx->f.n, 1);
	assert_int_equal(fx->f.objs[0].kind, MF_POD);
	const struct mf_pod *p = fx->f.objs[0].pod;
	assert_string_equal(p->meta.name.s, "web");
	assert_string_equal(p->meta.namespace_.s, "default");
	assert_int_equal(p->spec.init_containers.n, 2);
	const struct mf_container *init = p->spec.init_containers.v;
	assert_false(mf_is_sidecar(&init[0]));
	assert_true(mf_is_sidecar(&init[1]));
	assert_int_equal(init[1].startup.tcp.port.i, 8080);
	assert_int_equal(init[1].startup.failure.i, 3);
	const struct mf_container *app = p->spec.containers.v;
	assert_int_equal(app->resources.limits.memory.i, 64 << 20);
	assert_int_equal(app->resources.limits.cpu.i, 500);
	/* requests default to limits, marked as defaults (no position) */
	assert_int_equal(app->resources.requests.memory.i, 64 << 20);
	assert_int_equal(app->resources.requests.memory.line, 0);
	assert_string_equal(app->liveness.http.path.s, "/");
	assert_string_equal(app->liveness.http.scheme.s, "HTTP");
	assert_int_equal(app->liveness.period.i, 10);
	assert_int_equal(app->liveness.timeout.i, 1);
	assert_string_equal(p->spec.restart_policy.s, "Always");
	assert_int_equal(p->spec.grace.i, 30);
	assert_int_equal(app->name.line, 15);
	assert_int_equal(app->name.col, 11);
}

static void decodes_service_and_config(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(parse(fx, "kind: Service\napiVersion: v1\nmetadata: {name: web}\n"
				   "spec:\n  ports: [{port: 80}]\n  selector: {app: web}\n"
				   "---\n"
				   "kind: Secret\napiVersion: v1\nmetadata: {name: s.x}\n"
				   "data: {k: aGk=}\n"
				   "---\n"
				   "kind: ConfigMap\napiVersion: v1\nmetadata: {name: c}\n"
				   "data: {index.html: hello}\n"),
			 0);
	assert_int_equal(fx->f.n, 3);
	const struct mf_service *s = fx->f.objs[0].service;
	const struct mf_svc_port *port = s->spec.ports.v;
	assert_string_equal(s->spec.type.s, "ClusterIP");
	assert_int_equal(port->target_port.i, 80);
	assert_null(port->target_port.s);
	assert_string_equal(port->protocol.s, "TCP");
	assert_int_equal(fx->f.objs[1].kind, MF_SECRET);
	assert_string_equal(fx->f.objs[1].config->type.s, "Opaque");
	const struct mf_kv *kv = fx->f.objs[2].config->data.v;
	assert_string_equal(kv->key.s, "index.html");
	assert_string_equal(kv->val.s, "hello");
}

static void reports_errors_with_place(void **state)
{
	struct fixture *fx = *state;
	expect_error(fx, "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n"
			 "  - {name: a, image: b, foo: 1}\n",
			 6, 25, "spec.containers[0]: unknown field \"foo\"");
	expect_error(fx, "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n"
			 "  restartPolicy: Alway\n  containers: [{name: a, image: b}]\n",
			 5, 18, "unsupported value \"Alway\"");
	expect_error(fx, "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n"
			 "  containers: [{name: a, image: b, env: [{name: P, value: 80}]}]\n",
			 5, 59, "expected a string, got an integer");
	expect_error(fx, "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {}\n", 4, 7,
		     "at least one container");
	expect_error(fx, "apiVersion: apps/v1\nkind: Deployment\n", 1, 13, "apiVersion");
	expect_error(fx, "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n"
			 "  containers: [{name: a, image: b, volumeMounts: [{name: v, mountPath: /v}]}]\n",
			 5, 58, "no volume named \"v\"");
	expect_error(fx, "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n"
			 "  initContainers: [{name: i, image: b, readinessProbe: {exec: {command: [x]}}}]\n"
			 "  containers: [{name: a, image: b}]\n",
			 5, 56, "may not be set for init containers");
	expect_error(fx, "apiVersion: v1\nkind: Pod\nmetadata: {name: x, labels: {a: x, a: y}}\n", 3,
		     36, "duplicate key \"a\"");
}

static void warns_for_ignored_fields(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(parse(fx, "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n"
				   "  nodeSelector: {a: b}\n  containers: [{name: a, image: b, "
				   "imagePullPolicy: Always}]\n"),
			 0);
	assert_int_equal(fx->dl.warnings, 2);
	assert_int_equal(fx->dl.errors, 0);
	assert_non_null(strstr(fx->dl.e[0].text, "spec.nodeSelector: ignored"));
}

/* Aliases that are all of the right type, so only the visit count can
 * stop them: 40 copies of a container holding two 1000-entry lists. */
static void alias_bomb_is_refused(void **state)
{
	struct fixture *fx = *state;
	size_t cap = 16384, n = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	n += (size_t)snprintf(text + n, cap - n, "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n"
					       "spec:\n  containers:\n  - name: a\n    image: b\n"
					       "    args: &s [");
	for (int i = 0; i < 1000; i++)
		n += (size_t)snprintf(text + n, cap - n, "%sw", i ? "," : "");
	n += (size_t)snprintf(text + n, cap - n,
			      "]\n  - &c {name: c, image: b, args: *s, command: *s}\n");
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(text + n, cap - n, "  - *c\n");
	assert_true(n < cap);
	assert_int_equal(parse(fx, text), -EINVAL);
	free(text);
	assert_int_equal(fx->dl.errors, 1);
	assert_non_null(strstr(fx->dl.e[0].text, "alias bomb"));
	assert_true(fx->f.arena.used < 8 * 1024 * 1024);
}

static void loads_files(void **state)
{
	struct fixture *fx = *state;
	diag_init(&fx->dl, "missing.yaml");
	assert_int_equal(mf_load("/nonexistent/missing.yaml", &fx->f, &fx->dl), -EINVAL);
	assert_non_null(strstr(fx->dl.e[0].text, "cannot open"));
	mf_free(&fx->f);
	diag_init(&fx->dl, "/");
	assert_int_equal(mf_load("/", &fx->f, &fx->dl), -EINVAL);
	assert_non_null(strstr(fx->dl.e[0].text, "not a regular file"));
	mf_free(&fx->f);
	char path[] = "/tmp/podinit-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, LIM_MANIFEST_BYTES + 1), 0);
	close(fd);
	diag_init(&fx->dl, path);
	assert_int_equal(mf_load(path, &fx->f, &fx->dl), -EINVAL);
	assert_non_null(strstr(fx->dl.e[0].text, "larger than"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(decodes_pod, setup, teardown),
		cmocka_unit_test_setup_teardown(decodes_service_and_config, setup, teardown),
		cmocka_unit_test_setup_teardown(reports_errors_with_place, setup, teardown),
		cmocka_unit_test_setup_teardown(warns_for_ignored_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(alias_bomb_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(loads_files, setup, teardown),
	};
	return cmocka_run_group_tests_name("manifest", tests, NULL, NULL);
}
