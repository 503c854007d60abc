/* libFuzzer target: config.json decoding on the whole input, and image
 * references on its first line. Checks what callers rely on: a normalised
 * reference parses back to itself and never names "." or "..", and a
 * decoded config holds only complete, checked strings. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "envlist.h"
#include "image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ref(const uint8_t *data, size_t size)
{
	char text[1024], back[1024];
	const char *nl = memchr(data, '\n', size);
	size_t len = nl ? (size_t)(nl - (const char *)data) : size;
	if (len >= sizeof text)
		len = sizeof text - 1;
	memcpy(text, data, len);
	text[len] = 0; /* an embedded NUL just ends the reference early */
	struct image_ref r, again;
	const char *why = NULL;
	if (image_ref_parse(text, &r, &why)) {
		if (!why)
			abort();
		return;
	}
	image_ref_format(&r, back, sizeof back);
	if (image_ref_parse(back, &again, &why) || memcmp(&r, &again, sizeof r))
		abort();
	if (!r.registry[0] || !r.repo[0] || !r.tag[0] || strstr(back, "/../") ||
	    strstr(back, "/./") || r.repo[0] == '.' || r.tag[0] == '.')
		abort();
}

static void check_config(const struct image_config *c)
{
	const char *argv[IMAGE_LIST_MAX * 2 + 1], *env[IMAGE_LIST_MAX + 3];
	unsigned n;
	for (unsigned i = 0; i < c->n_env; i++)
		if (!strchr(c->env[i], '=') || c->env[i][0] == '=')
			abort();
	if (c->workdir && c->workdir[0] != '/')
		abort();
	int rc = image_argv(c, NULL, 0, NULL, 0, argv, sizeof argv / sizeof *argv, &n);
	if (rc ? rc != -EINVAL || c->n_entrypoint + c->n_cmd : n != c->n_entrypoint + c->n_cmd)
		abort();
	/* the image's Env, then what the runtime sets, as ctr_start builds it */
	const char *over[] = {"PATH=/bin", "HOSTNAME=fuzz"};
	struct envlist el;
	envlist_init(&el, env, IMAGE_LIST_MAX + 2);
	for (unsigned i = 0; i < c->n_env; i++)
		if (envlist_put(&el, c->env[i]))
			abort();
	for (unsigned i = 0; i < 2; i++)
		if (envlist_put(&el, over[i]))
			abort();
	if (el.n > c->n_env + 2 || env[el.n] || !envlist_get(&el, "HOSTNAME", 8))
		abort();
	if (c->user) {
		uid_t uid;
		gid_t gid;
		/* fd -1: numbers resolve, names fail to open; nothing is read */
		int r = image_resolve_user(-1, c->user, &uid, &gid);
		if (!r && c->has_uid && uid != c->uid)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct diag_list dl;
	static FILE *sink;
	if (!sink && !(sink = fopen("/dev/null", "w")))
		abort();
	check_ref(data, size);

	struct arena a;
	struct image_config cfg;
	arena_init(&a, 4 * 1024 * 1024);
	diag_init(&dl, "config.json");
	int rc = image_config_parse((const char *)data, size, &a, &dl, &cfg);
	if (rc == 0)
		check_config(&cfg);
	else if (!dl.errors)
		abort(); /* every refusal says why */
	diag_print(&dl, sink);
	arena_free(&a);
	return 0;
}
