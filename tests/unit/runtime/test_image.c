/* Unit tests: the image module (image_ref.c, image_config.c, image_user.c,
 * image.c) - references, the image store, config.json, argv and env rules,
 * and users resolved inside a rootfs. Stores and rootfs trees
 * are built under a fresh mkdtemp directory and removed afterwards. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/openat2.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>
#include "image.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* ---- helpers: a scratch directory tree ---- */

struct tmp {
	char root[64];
};

static void mkdirs(const char *root, const char *rel)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

static void put(const char *root, const char *rel, const char *text)
{
	char p[PATH_MAX], dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", rel);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = 0;
		mkdirs(root, dir);
	}
	snprintf(p, sizeof p, "%s/%s", root, rel);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int tmp_setup(void **state)
{
	struct tmp *t = calloc(1, sizeof *t);
	if (!t)
		return -1;
	snprintf(t->root, sizeof t->root, "/tmp/test_image.XXXXXX");
	if (!mkdtemp(t->root))
		return -1;
	*state = t;
	return 0;
}

static int tmp_teardown(void **state)
{
	struct tmp *t = *state;
	nftw(t->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
	return 0;
}

/* ---- references ---- */

static const struct {
	const char *in, *out; /* out NULL: invalid, and out names part of the reason */
	const char *why;
} refs[] = {
	{"nginx", "docker.io/library/nginx:latest", NULL},
	{"nginx:1.27", "docker.io/library/nginx:1.27", NULL},
	{"user/app", "docker.io/user/app:latest", NULL},
	{"registry.k8s.io/git-sync/git-sync:v4.4.0", "registry.k8s.io/git-sync/git-sync:v4.4.0", NULL},
	{"localhost:5000/x:y", "localhost:5000/x:y", NULL},
	{"localhost/x", "localhost/x:latest", NULL},
	{"localhost:5000", "docker.io/library/localhost:5000", NULL}, /* no '/': a tag */
	{"index.docker.io/nginx", "docker.io/library/nginx:latest", NULL},
	{"index.docker.io/user/app:1", "docker.io/user/app:1", NULL},
	{"docker.io/nginx", "docker.io/library/nginx:latest", NULL},
	{"docker.io/library/nginx:latest", "docker.io/library/nginx:latest", NULL},
	{"nginx@sha256:" HEX64, "docker.io/library/nginx@sha256:" HEX64, NULL},
	{"nginx:1.27@sha256:" HEX64, "docker.io/library/nginx@sha256:" HEX64, NULL},
	{"ghcr.io/a/b/c/d:Tag_1.x-y", "ghcr.io/a/b/c/d:Tag_1.x-y", NULL},
	{"127.0.0.1:5000/app", "127.0.0.1:5000/app:latest", NULL},
	{"[::1]:5000/app:v1", "[::1]:5000/app:v1", NULL},
	{"Registry/app", "Registry/app:latest", NULL}, /* uppercase: a host */
	{"myhost:5000/app", "myhost:5000/app:latest", NULL},
	{"a__b/c-d--e.f_g:_x", "docker.io/a__b/c-d--e.f_g:_x", NULL},
	{"", NULL, "empty"},
	{"Nginx", NULL, "lowercase"},
	{"docker.io/Library/nginx", NULL, "lowercase"},
	{"nginx:", NULL, "empty tag"},
	{":1.0", NULL, "empty repository"},
	{"nginx@", NULL, "empty digest"},
	{"@sha256:" HEX64, NULL, "empty repository"},
	{"nginx@sha256:abc", NULL, "digest"},
	{"nginx@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", NULL,
	 "digest"},
	{"nginx@md5:0123456789abcdef0123456789abcdef", NULL, "digest"},
	{"nginx@sha256:" HEX64 "@x", NULL, "digest"},
	{"a//b", NULL, "empty path component"},
	{"/nginx", NULL, "empty path component"},
	{"nginx/", NULL, "ends with '/'"},
	{"nginx:tag!", NULL, "invalid tag"},
	{"nginx:.tag", NULL, "invalid tag"},
	{"nginx:-tag", NULL, "invalid tag"},
	{"nginx:1:2", NULL, "invalid tag"},
	{"a..b", NULL, "path component"},
	{"-nginx", NULL, "path component"},
	{"nginx_", NULL, "path component"},
	{"a___b", NULL, "path component"},
	{"exa_mple.com/app", NULL, "registry host"},
	{"-bad.com/app", NULL, "registry host"},
	{"example.com:/app", NULL, "port"},
	{"example.com:80a/app", NULL, "port"},
	{"[zz]:5000/app", NULL, "IPv6"},
	{HEX64, NULL, "hexadecimal"},
};

static void ref_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof refs / sizeof *refs; i++) {
		struct image_ref r;
		const char *why = NULL;
		char buf[700];
		int rc = image_ref_parse(refs[i].in, &r, &why);
		if (refs[i].out) {
			if (rc)
				fail_msg("\"%s\": refused: %s", refs[i].in, why);
			image_ref_format(&r, buf, sizeof buf);
			if (strcmp(buf, refs[i].out))
				fail_msg("\"%s\" -> \"%s\", want \"%s\"", refs[i].in, buf, refs[i].out);
			/* the normal form is a fixed point */
			struct image_ref again;
			assert_int_equal(image_ref_parse(buf, &again, &why), 0);
			assert_memory_equal(&r, &again, sizeof r);
		} else {
			if (rc != -EINVAL)
				fail_msg("\"%s\": accepted", refs[i].in);
			if (!why || !strstr(why, refs[i].why))
				fail_msg("\"%s\": reason \"%s\", want \"%s\"", refs[i].in, why,
					 refs[i].why);
		}
	}
}

static void ref_parts_and_lengths(void **state)
{
	(void)state;
	struct image_ref r;
	const char *why;
	assert_int_equal(image_ref_parse("localhost:5000/a/b:c", &r, &why), 0);
	assert_string_equal(r.registry, "localhost:5000");
	assert_string_equal(r.repo, "a/b");
	assert_string_equal(r.tag, "c");
	assert_int_equal(image_ref_parse("nginx@sha256:" HEX64, &r, NULL), 0);
	assert_string_equal(r.tag, "sha256:" HEX64);

	char text[600];
	/* docker.io/library/ + 237 = 255 characters: the longest name */
	memset(text, 'a', 237);
	text[237] = 0;
	assert_int_equal(image_ref_parse(text, &r, &why), 0);
	text[237] = 'a';
	text[238] = 0;
	assert_int_equal(image_ref_parse(text, &r, &why), -EINVAL);
	assert_non_null(strstr(why, "255"));
	/* a tag of 128 characters, and one of 129 */
	memcpy(text, "x:", 2);
	memset(text + 2, 't', 128);
	text[130] = 0;
	assert_int_equal(image_ref_parse(text, &r, &why), 0);
	text[130] = 't';
	text[131] = 0;
	assert_int_equal(image_ref_parse(text, &r, &why), -EINVAL);
	assert_non_null(strstr(why, "128"));
}

/* ---- config.json ---- */

struct cfx {
	struct arena a;
	struct diag_list dl;
	struct image_config cfg;
};

static int cfx_setup(void **state)
{
	struct cfx *c = calloc(1, sizeof *c);
	if (!c)
		return -1;
	arena_init(&c->a, 1024 * 1024);
	*state = c;
	return 0;
}

static int cfx_teardown(void **state)
{
	struct cfx *c = *state;
	arena_free(&c->a);
	free(c);
	return 0;
}

static int cfg_parse(struct cfx *c, const char *text)
{
	diag_init(&c->dl, "config.json");
	return image_config_parse(text, strlen(text), &c->a, &c->dl, &c->cfg);
}

/* The first diagnostic contains needle and sits at line:col. */
static void cfg_bad(struct cfx *c, const char *text, unsigned line, unsigned col,
		    const char *needle)
{
	assert_int_equal(cfg_parse(c, text), -EINVAL);
	assert_true(c->dl.n >= 1);
	if (!strstr(c->dl.e[0].text, needle))
		fail_msg("got \"%s\", want \"%s\"", c->dl.e[0].text, needle);
	assert_int_equal(c->dl.e[0].line, line);
	assert_int_equal(c->dl.e[0].col, col);
	assert_null(c->cfg.cmd); /* nothing half-decoded is returned */
}

static const char docker_config[] =
	"{\"architecture\":\"arm64\",\"os\":\"linux\",\n"
	" \"config\":{\"ExposedPorts\":{\"80/tcp\":{}},\n"
	"  \"Env\":[\"PATH=/usr/local/sbin:/usr/bin\",\"NGINX_VERSION=1.27.3\",\"EMPTY=\"],\n"
	"  \"Entrypoint\":[\"/docker-entrypoint.sh\"],\n"
	"  \"Cmd\":[\"nginx\",\"-g\",\"daemon off;\"],\n"
	"  \"WorkingDir\":\"/usr/share/nginx\",\"User\":\"101:101\",\n"
	"  \"Labels\":{\"maintainer\":\"x\"},\"StopSignal\":\"SIGQUIT\",\"ArgsEscaped\":true},\n"
	" \"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" HEX64 "\"]},\n"
	" \"history\":[{\"created\":\"2024-01-01T00:00:00Z\",\"created_by\":\"/bin/sh -c \\\"x\\\"\","
	"\"empty_layer\":true}]}\n";

static void config_valid(void **state)
{
	struct cfx *c = *state;
	assert_int_equal(cfg_parse(c, docker_config), 0);
	const struct image_config *g = &c->cfg;
	assert_int_equal(g->n_entrypoint, 1);
	assert_string_equal(g->entrypoint[0], "/docker-entrypoint.sh");
	assert_int_equal(g->n_cmd, 3);
	assert_string_equal(g->cmd[2], "daemon off;");
	assert_int_equal(g->n_env, 3);
	assert_string_equal(g->env[1], "NGINX_VERSION=1.27.3");
	assert_string_equal(g->env[2], "EMPTY=");
	assert_string_equal(g->workdir, "/usr/share/nginx");
	assert_string_equal(g->user, "101:101");
	assert_true(g->has_uid && g->has_gid);
	assert_int_equal(g->uid, 101);
	assert_int_equal(g->gid, 101);
	assert_string_equal(g->stop_signal, "SIGQUIT");
	assert_int_equal(c->dl.n, 0);
	/* a StopSignal that is no signal is an error with its place */
	cfg_bad(c, "{\"config\":{\"StopSignal\":\"SIGNOPE\"}}", 1, 25,
		"config.StopSignal: \"SIGNOPE\": is not a signal (SIGQUIT, QUIT or 3)");

	/* a user by name is kept raw, with no number */
	assert_int_equal(cfg_parse(c, "{\"config\":{\"User\":\"nginx:33\"}}"), 0);
	assert_string_equal(c->cfg.user, "nginx:33");
	assert_false(c->cfg.has_uid);
	assert_true(c->cfg.has_gid);
	assert_int_equal(c->cfg.gid, 33);

	/* keys match ignoring case, the last duplicate wins, as Go's decoder */
	assert_int_equal(cfg_parse(c, "{\"config\":{\"Cmd\":[\"a\"],\"cmd\":[\"b\",\"c\"]}}"), 0);
	assert_int_equal(c->cfg.n_cmd, 2);
	assert_string_equal(c->cfg.cmd[0], "b");
	/* JSON escapes, a BOM and tabs */
	assert_int_equal(cfg_parse(c, "\xef\xbb\xbf{\"config\":\t{\"Cmd\":[\"a\\/b\\u00e9\\n\"]}}"), 0);
	assert_string_equal(c->cfg.cmd[0], "a/b\xc3\xa9\n");
}

/* JSON that libyaml, a YAML 1.1 reader, would refuse on its own. */
static void config_json_not_yaml(void **state)
{
	struct cfx *c = *state;
	/* tabs before and after the object, where YAML forbids them */
	assert_int_equal(cfg_parse(c, "\t{\"config\":{\"Cmd\":[\"a\\tb\"]}}\n\t\n"), 0);
	assert_string_equal(c->cfg.cmd[0], "a\tb");
	assert_int_equal(cfg_parse(c, "\n\t\t{\n\t\"config\":\t{\"Cmd\": [\"x\"]}\t}\t"), 0);
	/* a tab inside a string stays a tab */
	assert_int_equal(cfg_parse(c, "{\"config\":{\"Cmd\":[\"a\tb\"]}}"), 0);
	assert_string_equal(c->cfg.cmd[0], "a\tb");
	/* UTF-16 surrogate escapes, as Python's json.dumps writes them */
	assert_int_equal(cfg_parse(c, "{\"config\":{\"Cmd\":[\"\\ud83d\\ude00!\", "
				      "\"\\\\ud83d\", \"\\ud83dx\", \"\\udc00\\ud83d\\u0041\"]}}"),
			 0);
	assert_string_equal(c->cfg.cmd[0], "\xf0\x9f\x98\x80!");
	assert_string_equal(c->cfg.cmd[1], "\\ud83d"); /* an escaped backslash */
	assert_string_equal(c->cfg.cmd[2], "\xef\xbf\xbdx");
	assert_string_equal(c->cfg.cmd[3], "\xef\xbf\xbd\xef\xbf\xbd" "A");
	/* a truncated escape is still an error */
	cfg_bad(c, "{\"config\":{\"Cmd\":[\"\\ud8\"]}}", 1, 22, "YAML syntax error");
}

static void config_missing_fields(void **state)
{
	struct cfx *c = *state;
	const char *empty[] = {"{}", "{\"architecture\":\"amd64\"}", "{\"config\":null}",
			       "{\"config\":{}}",
			       ("{\"config\":{\"Cmd\":null,\"Entrypoint\":null,\"Env\":null,"
				"\"WorkingDir\":\"\",\"User\":\"\"}}")};
	for (size_t i = 0; i < sizeof empty / sizeof *empty; i++) {
		assert_int_equal(cfg_parse(c, empty[i]), 0);
		assert_int_equal(c->cfg.n_cmd + c->cfg.n_entrypoint + c->cfg.n_env, 0);
		assert_null(c->cfg.workdir);
		assert_null(c->cfg.user);
		assert_false(c->cfg.has_uid);
	}
	assert_int_equal(cfg_parse(c, "{\"config\":{\"Cmd\":[]}}"), 0);
	assert_int_equal(c->cfg.n_cmd, 0);
}

static void config_wrong_types(void **state)
{
	struct cfx *c = *state;
	cfg_bad(c,
		"{\n"
		"  \"config\": {\n"
		"    \"Env\": [\"A=1\", \"B=2\",\n"
		"            3]\n"
		"  }\n"
		"}\n",
		4, 13, "config.Env[2]: expected a string, got an integer");
	cfg_bad(c, "{\"config\": {\"Cmd\": \"nginx\"}}", 1, 20,
		"config.Cmd: expected a list of strings, got a string");
	cfg_bad(c, "{\"config\": {\"Entrypoint\": [[\"x\"]]}}", 1, 28,
		"config.Entrypoint[0]: expected a string, got a list");
	cfg_bad(c, "{\"config\": {\"WorkingDir\": 5}}", 1, 27,
		"config.WorkingDir: expected a string, got an integer");
	cfg_bad(c, "{\"config\": {\"WorkingDir\": \"app\"}}", 1, 27, "absolute path");
	cfg_bad(c, "{\"config\": {\"User\": \"nginx:\"}}", 1, 21, "empty group name");
	cfg_bad(c, "{\"config\": {\"User\": \"99999999999\"}}", 1, 21, "uid out of range");
	cfg_bad(c, "{\"config\": {\"User\": true}}", 1, 21, "expected a string, got a boolean");
	cfg_bad(c, "{\"config\": {\"Env\": [\"NOVALUE\"]}}", 1, 21, "expected NAME=value");
	cfg_bad(c, "{\"config\": [1]}", 1, 12, "config: expected a map, got a list");
	/* every error of a file is reported */
	assert_int_equal(cfg_parse(c, "{\"config\":{\"Cmd\":[1,2],\"User\":\":x\"}}"), -EINVAL);
	assert_int_equal(c->dl.errors, 3);
}

static void config_not_json(void **state)
{
	struct cfx *c = *state;
	cfg_bad(c, "", 0, 0, "empty");
	cfg_bad(c, "  \n", 0, 0, "empty");
	cfg_bad(c, "hello", 1, 1, "expected a JSON object");
	cfg_bad(c, "\n  [1, 2]", 2, 3, "expected a JSON object");
	cfg_bad(c, "config:\n  Cmd: [x]\n", 1, 1, "expected a JSON object");
	cfg_bad(c, "{\"config\": {\"Cmd\": [\"x\"]}", 2, 1, "YAML syntax error");
	cfg_bad(c, "{} {}", 1, 4, "YAML syntax error");
	cfg_bad(c, "{}\n---\n{}\n", 0, 0, "one JSON object");
}

static void config_bounds(void **state)
{
	struct cfx *c = *state;
	size_t len = IMAGE_CONFIG_BYTES + 1;
	char *big = malloc(len + 1);
	assert_non_null(big);
	memset(big, ' ', len);
	memcpy(big, "{}", 2);
	big[len] = 0;
	cfg_bad(c, big, 0, 0, "larger than");
	free(big);

	/* more entries than IMAGE_LIST_MAX */
	size_t n = IMAGE_LIST_MAX + 1;
	char *many = malloc(40 + 4 * n);
	assert_non_null(many);
	char *p = many + sprintf(many, "{\"config\":{\"Cmd\":[");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s\"x\"", i ? "," : "");
	strcpy(p, "]}}");
	cfg_bad(c, many, 1, 18, "more than");
	free(many);

	/* the caller's arena bounds what is kept */
	struct arena tiny;
	arena_init(&tiny, 64);
	diag_init(&c->dl, "config.json");
	assert_int_equal(image_config_parse(docker_config, strlen(docker_config), &tiny, &c->dl,
					    &c->cfg),
			 -ENOMEM);
	arena_free(&tiny);
}

/* ---- the image store ---- */

static void find_layouts(void **state)
{
	struct tmp *t = *state;
	struct arena a;
	struct diag_list *dl = malloc(sizeof *dl);
	struct image *img = malloc(sizeof *img);
	struct image_ref r;
	assert_non_null(dl);
	assert_non_null(img);
	arena_init(&a, 1024 * 1024);
	mkdirs(t->root, "docker.io/library/dir/latest/rootfs/bin");
	put(t->root, "docker.io/library/sq/1.0/rootfs.squashfs", "hsqs");
	mkdirs(t->root, "docker.io/library/both/latest/rootfs");
	put(t->root, "docker.io/library/both/latest/rootfs.squashfs", "hsqs");
	mkdirs(t->root, "localhost:5000/team/app/sha256:" HEX64 "/rootfs");
	put(t->root, "localhost:5000/team/app/sha256:" HEX64 "/config.json", docker_config);
	mkdirs(t->root, "docker.io/library/empty/latest");
	put(t->root, "docker.io/library/file/latest/rootfs", "not a dir");
	mkdirs(t->root, "docker.io/library/badcfg/latest/rootfs");
	put(t->root, "docker.io/library/badcfg/latest/config.json",
	    "{\"config\":{\n  \"Env\":[1]}}");

	char want[PATH_MAX];
	diag_init(dl, "pod/web");
	assert_int_equal(image_ref_parse("dir", &r, NULL), 0);
	assert_int_equal(image_find(t->root, &r, &a, dl, img), 0);
	snprintf(want, sizeof want, "%s/docker.io/library/dir/latest/rootfs", t->root);
	assert_string_equal(img->rootfs, want);
	assert_false(img->squashfs);
	assert_false(img->has_config);
	assert_string_equal(img->config, "");
	assert_int_equal(img->cfg.n_cmd, 0);

	assert_int_equal(image_ref_parse("sq:1.0", &r, NULL), 0);
	assert_int_equal(image_find(t->root, &r, &a, dl, img), 0);
	assert_true(img->squashfs);
	assert_non_null(strstr(img->rootfs, "/sq/1.0/rootfs.squashfs"));

	assert_int_equal(image_ref_parse("both", &r, NULL), 0);
	assert_int_equal(image_find(t->root, &r, &a, dl, img), 0);
	assert_false(img->squashfs); /* the directory is preferred */

	assert_int_equal(image_ref_parse("localhost:5000/team/app:v1@sha256:" HEX64, &r, NULL), 0);
	assert_int_equal(image_find(t->root, &r, &a, dl, img), 0);
	assert_true(img->has_config);
	assert_int_equal(img->cfg.n_cmd, 3);
	assert_string_equal(img->cfg.workdir, "/usr/share/nginx");
	assert_int_equal(dl->n, 0);

	/* missing: the message names the directory looked at */
	assert_int_equal(image_ref_parse("ghost:2", &r, NULL), 0);
	assert_int_equal(image_find(t->root, &r, &a, dl, img), -ENOENT);
	snprintf(want, sizeof want, "no directory %s/docker.io/library/ghost/2/", t->root);
	assert_non_null(strstr(dl->e[0].text, want));
	assert_non_null(strstr(dl->e[0].text, "docker.io/library/ghost:2 is not present"));
	assert_string_equal(dl->file, "pod/web");

	diag_init(dl, "pod/web");
	assert_int_equal(image_ref_parse("empty", &r, NULL), 0);
	assert_int_equal(image_find(t->root, &r, &a, dl, img), -ENOENT);
	assert_non_null(strstr(dl->e[0].text, "holds neither rootfs/ nor rootfs.squashfs"));

	diag_init(dl, "pod/web");
	assert_int_equal(image_ref_parse("file", &r, NULL), 0);
	assert_int_equal(image_find(t->root, &r, &a, dl, img), -EINVAL);
	assert_non_null(strstr(dl->e[0].text, "rootfs is not a directory"));

	/* a bad config.json: entries read CONFIG:LINE:COL */
	diag_init(dl, "pod/web");
	assert_int_equal(image_ref_parse("badcfg", &r, NULL), 0);
	assert_int_equal(image_find(t->root, &r, &a, dl, img), -EINVAL);
	snprintf(want, sizeof want, "%s/docker.io/library/badcfg/latest/config.json", t->root);
	assert_true(img->has_config);
	assert_string_equal(img->config, want);
	assert_string_equal(dl->file, "pod/web"); /* the caller's to set */
	assert_int_equal(dl->e[0].line, 2);
	assert_int_equal(dl->e[0].col, 10);
	assert_non_null(strstr(dl->e[0].text, "config.Env[0]: expected a string"));

	/* an oversized config.json */
	char *big = malloc(IMAGE_CONFIG_BYTES + 2);
	assert_non_null(big);
	memset(big, ' ', IMAGE_CONFIG_BYTES + 1);
	memcpy(big, "{}", 2);
	big[IMAGE_CONFIG_BYTES + 1] = 0;
	put(t->root, "docker.io/library/badcfg/latest/config.json", big);
	free(big);
	diag_init(dl, "pod/web");
	assert_int_equal(image_find(t->root, &r, &a, dl, img), -EINVAL);
	assert_non_null(strstr(dl->e[0].text, "larger than"));

	arena_free(&a);
	free(img);
	free(dl);
}

/* ---- what to run ---- */

static const char *const ep[] = {"/docker-entrypoint.sh"};
static const char *const cmd[] = {"nginx", "-g", "daemon off;"};

static void expect_argv(const struct image_config *cfg, const char *const *command, unsigned nc,
			const char *const *args, unsigned na, const char *want)
{
	const char *argv[8];
	unsigned argc = 99;
	char got[256] = "";
	assert_int_equal(image_argv(cfg, command, nc, args, na, argv, 8, &argc), 0);
	for (unsigned i = 0; i < argc; i++)
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? "|" : "", argv[i]);
	assert_string_equal(got, want);
	assert_null(argv[argc]);
}

static void argv_rules(void **state)
{
	(void)state;
	struct image_config cfg = {.entrypoint = (const char **)ep, .n_entrypoint = 1,
				   .cmd = (const char **)cmd, .n_cmd = 3};
	const char *const c[] = {"/bin/sh", "-c"};
	const char *const a[] = {"echo hi"};
	expect_argv(&cfg, NULL, 0, NULL, 0, "/docker-entrypoint.sh|nginx|-g|daemon off;");
	expect_argv(&cfg, c, 2, NULL, 0, "/bin/sh|-c"); /* Cmd is dropped */
	expect_argv(&cfg, NULL, 0, a, 1, "/docker-entrypoint.sh|echo hi");
	expect_argv(&cfg, c, 2, a, 1, "/bin/sh|-c|echo hi");
	/* an image with Cmd only, and no image config at all */
	struct image_config only_cmd = {.cmd = (const char **)cmd, .n_cmd = 3};
	expect_argv(&only_cmd, NULL, 0, NULL, 0, "nginx|-g|daemon off;");
	expect_argv(&only_cmd, NULL, 0, a, 1, "echo hi");
	expect_argv(NULL, c, 2, a, 1, "/bin/sh|-c|echo hi");

	const char *argv[5];
	unsigned argc = 7;
	struct image_config none = {0};
	assert_int_equal(image_argv(&none, NULL, 0, NULL, 0, argv, 4, &argc), -EINVAL);
	assert_int_equal(argc, 0);
	assert_int_equal(image_argv(NULL, NULL, 0, NULL, 0, argv, 4, &argc), -EINVAL);
	/* entrypoint only, and args given for an image without one */
	struct image_config only_ep = {.entrypoint = (const char **)ep, .n_entrypoint = 1};
	assert_int_equal(image_argv(&only_ep, NULL, 0, NULL, 0, argv, 4, &argc), 0);
	assert_int_equal(argc, 1);
	/* 4 entries and the NULL do not fit in 4 */
	assert_int_equal(image_argv(&cfg, NULL, 0, NULL, 0, argv, 4, &argc), -E2BIG);
	assert_int_equal(image_argv(&cfg, NULL, 0, NULL, 0, argv, 5, &argc), 0);
}

static void workdir_rules(void **state)
{
	(void)state;
	struct image_config cfg = {.workdir = "/srv"};
	assert_string_equal(image_workdir(&cfg, "/app"), "/app");
	assert_string_equal(image_workdir(&cfg, NULL), "/srv");
	assert_string_equal(image_workdir(&cfg, ""), "/srv");
	cfg.workdir = NULL;
	assert_string_equal(image_workdir(&cfg, NULL), "/");
	assert_string_equal(image_workdir(NULL, NULL), "/");
}

/* ---- users ---- */

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
			     "# a comment line\n"
			     "\n"
			     "broken:x:abc:1::/:/bin/false\n"
			     "nginx:x:101:102:nginx:/var/cache/nginx:/sbin/nologin\n"
			     "app:x:1000:1000::/home/app:/bin/sh"; /* no final newline */

static int open_root(const char *root, const char *rel)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	int fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	return fd;
}

static void user_resolve(void **state)
{
	struct tmp *t = *state;
	put(t->root, "r/etc/passwd", passwd);
	/* a group line longer than IMAGE_ETC_LINE comes first */
	char *group = malloc(3 * IMAGE_ETC_LINE + 200);
	assert_non_null(group);
	char *p = group + sprintf(group, "root:x:0:\nbig:x:3000:");
	for (int i = 0; i < IMAGE_ETC_LINE / 2; i++)
		p += sprintf(p, "%su%d", i ? "," : "", i);
	sprintf(p, "\nnginx:x:102:\nweb:x:2000:app,nginx\n");
	put(t->root, "r/etc/group", group);
	free(group);
	int root = open_root(t->root, "r");

	static const struct {
		const char *user;
		int rc;
		uid_t uid;
		gid_t gid;
	} cases[] = {
		{"", 0, 0, 0},
		{"root", 0, 0, 0},
		{"nginx", 0, 101, 102},
		{"nginx:web", 0, 101, 2000},
		{"nginx:big", 0, 101, 3000},
		{"101", 0, 101, 102}, /* a uid with an entry gets its group */
		{"4242", 0, 4242, 0},
		{"4242:4343", 0, 4242, 4343},
		{"app", 0, 1000, 1000}, /* the last line, without '\n' */
		{"app:0", 0, 1000, 0},
		{"1000:web", 0, 1000, 2000},
		{"ghost", -ENOENT, 0, 0},
		{"broken", -ENOENT, 0, 0},
		{"nginx:ghosts", -ENOENT, 0, 0},
		{":x", -EINVAL, 0, 0},
		{"a:", -EINVAL, 0, 0},
		{"a:b:c", -EINVAL, 0, 0},
		{"99999999999", -EINVAL, 0, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		uid_t uid = 77;
		gid_t gid = 77;
		int rc = image_resolve_user(root, cases[i].user, &uid, &gid);
		if (rc != cases[i].rc)
			fail_msg("\"%s\": rc %d, want %d", cases[i].user, rc, cases[i].rc);
		if (!rc && (uid != cases[i].uid || gid != cases[i].gid))
			fail_msg("\"%s\": %u:%u, want %u:%u", cases[i].user, uid, gid, cases[i].uid,
				 cases[i].gid);
	}
	close(root);

	/* no etc at all: numbers work, names do not */
	mkdirs(t->root, "bare");
	root = open_root(t->root, "bare");
	uid_t uid;
	gid_t gid;
	assert_int_equal(image_resolve_user(root, "1234", &uid, &gid), 0);
	assert_int_equal(uid, 1234);
	assert_int_equal(gid, 0);
	assert_int_equal(image_resolve_user(root, "nginx", &uid, &gid), -ENOENT);
	close(root);
}

/* HOME from passwd, as runc sets it when the image does not */
static void user_home(void **state)
{
	struct tmp *t = *state;
	put(t->root, "h/etc/passwd", passwd);
	int root = open_root(t->root, "h");
	char home[64];
	assert_int_equal(image_user_home(root, 0, home, sizeof home), 0);
	assert_string_equal(home, "/root");
	assert_int_equal(image_user_home(root, 101, home, sizeof home), 0);
	assert_string_equal(home, "/var/cache/nginx");
	assert_int_equal(image_user_home(root, 1000, home, sizeof home), 0); /* no final newline */
	assert_string_equal(home, "/home/app");
	assert_int_equal(image_user_home(root, 4242, home, sizeof home), -ENOENT);
	assert_string_equal(home, "");
	close(root);
	mkdirs(t->root, "nohome");
	root = open_root(t->root, "nohome");
	assert_int_equal(image_user_home(root, 0, home, sizeof home), -ENOENT);
	close(root);
}

/* StopSignal: by name with or without SIG, any case, or by number */
static void stop_signals(void **state)
{
	(void)state;
	assert_int_equal(image_signal_number("SIGQUIT"), 3);
	assert_int_equal(image_signal_number("quit"), 3);
	assert_int_equal(image_signal_number("SIGTERM"), 15);
	assert_int_equal(image_signal_number("WINCH"), 28);
	assert_int_equal(image_signal_number("9"), 9);
	assert_int_equal(image_signal_number("0"), -1);
	assert_int_equal(image_signal_number("65"), -1);
	assert_int_equal(image_signal_number("SIGNOPE"), -1);
	assert_int_equal(image_signal_number("3x"), -1);
}

static void user_symlinks_stay_inside(void **state)
{
	struct tmp *t = *state;
	char host[PATH_MAX], link[PATH_MAX];
	uid_t uid = 0;
	gid_t gid = 0;
	/* a passwd outside the rootfs that would resolve "evil" */
	put(t->root, "host/etc/passwd", "evil:x:666:666::/:/bin/sh\n");
	put(t->root, "host/etc/group", "evil:x:666:\n");

	/* etc/passwd -> an absolute path on the host */
	mkdirs(t->root, "r1/etc");
	snprintf(host, sizeof host, "%s/host/etc/passwd", t->root);
	snprintf(link, sizeof link, "%s/r1/etc/passwd", t->root);
	assert_int_equal(symlink(host, link), 0);
	int root = open_root(t->root, "r1");
	assert_int_not_equal(image_resolve_user(root, "evil", &uid, &gid), 0);
	assert_int_not_equal(uid, 666);
	close(root);

	/* etc/passwd -> /etc/passwd: that is itself inside the root */
	mkdirs(t->root, "r2/etc");
	snprintf(link, sizeof link, "%s/r2/etc/passwd", t->root);
	assert_int_equal(symlink("/etc/passwd", link), 0);
	root = open_root(t->root, "r2");
	assert_int_not_equal(image_resolve_user(root, "root", &uid, &gid), 0);
	close(root);

	/* etc -> the host's etc directory, and a relative escape with .. */
	mkdirs(t->root, "r3");
	snprintf(host, sizeof host, "%s/host/etc", t->root);
	snprintf(link, sizeof link, "%s/r3/etc", t->root);
	assert_int_equal(symlink(host, link), 0);
	root = open_root(t->root, "r3");
	assert_int_not_equal(image_resolve_user(root, "evil", &uid, &gid), 0);
	assert_int_not_equal(image_resolve_user(root, "0:evil", &uid, &gid), 0);
	assert_int_not_equal(gid, 666);
	close(root);
	mkdirs(t->root, "r4/etc");
	snprintf(link, sizeof link, "%s/r4/etc/passwd", t->root);
	assert_int_equal(symlink("../../host/etc/passwd", link), 0);
	root = open_root(t->root, "r4");
	assert_int_not_equal(image_resolve_user(root, "evil", &uid, &gid), 0);
	assert_int_not_equal(uid, 666);
	close(root);
}

/* With openat2, a symlink that stays inside the rootfs is followed there. */
static void user_symlink_inside(void **state)
{
	struct tmp *t = *state;
	struct open_how how = {.flags = O_RDONLY, .resolve = RESOLVE_IN_ROOT};
	long fd = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof how);
	if (fd < 0)
		skip(); /* openat2 missing: no symlink is followed at all */
	close((int)fd);
	put(t->root, "r5/usr/lib/passwd", "lib:x:55:56::/:/bin/sh\n");
	mkdirs(t->root, "r5/etc");
	char link[PATH_MAX];
	snprintf(link, sizeof link, "%s/r5/etc/passwd", t->root);
	assert_int_equal(symlink("/usr/lib/passwd", link), 0);
	int root = open_root(t->root, "r5");
	uid_t uid;
	gid_t gid;
	assert_int_equal(image_resolve_user(root, "lib", &uid, &gid), 0);
	assert_int_equal(uid, 55);
	assert_int_equal(gid, 56);
	close(root);
}

static void user_not_regular(void **state)
{
	struct tmp *t = *state;
	mkdirs(t->root, "r6/etc/passwd");
	int root = open_root(t->root, "r6");
	uid_t uid;
	gid_t gid;
	assert_int_equal(image_resolve_user(root, "x", &uid, &gid), -EINVAL);
	close(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ref_table),
		cmocka_unit_test(ref_parts_and_lengths),
		cmocka_unit_test_setup_teardown(config_valid, cfx_setup, cfx_teardown),
		cmocka_unit_test_setup_teardown(config_json_not_yaml, cfx_setup, cfx_teardown),
		cmocka_unit_test_setup_teardown(config_missing_fields, cfx_setup, cfx_teardown),
		cmocka_unit_test_setup_teardown(config_wrong_types, cfx_setup, cfx_teardown),
		cmocka_unit_test_setup_teardown(config_not_json, cfx_setup, cfx_teardown),
		cmocka_unit_test_setup_teardown(config_bounds, cfx_setup, cfx_teardown),
		cmocka_unit_test_setup_teardown(find_layouts, tmp_setup, tmp_teardown),
		cmocka_unit_test(argv_rules),
		cmocka_unit_test(workdir_rules),
		cmocka_unit_test_setup_teardown(user_resolve, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(user_home, tmp_setup, tmp_teardown),
		cmocka_unit_test(stop_signals),
		cmocka_unit_test_setup_teardown(user_symlinks_stay_inside, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(user_symlink_inside, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(user_not_regular, tmp_setup, tmp_teardown),
	};
	return cmocka_run_group_tests_name("image", tests, NULL, NULL);
}
