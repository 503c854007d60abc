/* image_config.c - config.json of an image, and what a container runs:
 * its argv, environment and working directory, as Kubernetes builds them
 * from the image config and the container spec.
 *
 * Invariants: config.json is parsed into a scratch arena that is freed
 * before returning; only the strings the container needs, each checked,
 * are copied into the caller's arena. On any error the result is empty. */
#include "image_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ytree.h"

/* ---- config.json ---------------------------------------------------- */

static const char *check_env(const char *s)
{
	return s[0] && s[0] != '=' && strchr(s, '=') ? NULL : "expected NAME=value";
}

static const char *check_workdir(const char *s)
{
	return !s[0] || s[0] == '/' ? NULL : "must be an absolute path";
}

static const char *check_user(const char *s)
{
	struct image_user_spec sp;
	return s[0] ? image_user_parse(s, &sp) : NULL;
}

int image_signal_number(const char *s)
{
	static const char *const names[] = {
		NULL,   "HUP",  "INT",  "QUIT", "ILL",  "TRAP", "ABRT",   "BUS",  "FPE",   "KILL", "USR1",
		"SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
		"TTOU", "URG",  "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO",  "PWR",  "SYS"};
	if (*s >= '0' && *s <= '9') {
		char *end;
		long n = strtol(s, &end, 10);
		return *end || n < 1 || n > 64 ? -1 : (int)n;
	}
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (int i = 1; i < (int)(sizeof names / sizeof *names); i++)
		if (!strcasecmp(s, names[i]))
			return i;
	return -1;
}

static const char *check_signal(const char *s)
{
	return !s[0] || image_signal_number(s) > 0 ? NULL : "is not a signal (SIGQUIT, QUIT or 3)";
}

/* The fields of "config" that podinit uses; all others are ignored. */
static const struct cfg_field {
	const char *name;
	bool list;
	size_t off, count_off; /* of the value, and of a list's count */
	const char *(*check)(const char *s);
} cfg_fields[] = {
	{"Entrypoint", true, offsetof(struct image_config, entrypoint),
	 offsetof(struct image_config, n_entrypoint), NULL},
	{"Cmd", true, offsetof(struct image_config, cmd), offsetof(struct image_config, n_cmd),
	 NULL},
	{"Env", true, offsetof(struct image_config, env), offsetof(struct image_config, n_env),
	 check_env},
	{"WorkingDir", false, offsetof(struct image_config, workdir), 0, check_workdir},
	{"User", false, offsetof(struct image_config, user), 0, check_user},
	{"StopSignal", false, offsetof(struct image_config, stop_signal), 0, check_signal},
};

#define ERR(dl, n, ...) diag_error((dl), (n)->line, (n)->col, __VA_ARGS__)

static bool is_null(const struct yt_node *n)
{
	return n->kind == YT_SCALAR && n->type == YS_NULL;
}

static bool is_str(const struct yt_node *n)
{
	return n->kind == YT_SCALAR && n->type == YS_STR;
}

static int copy_str(struct arena *a, struct diag_list *dl, const struct yt_node *n,
		    const char **out)
{
	*out = arena_strndup(a, n->s, n->n);
	if (*out)
		return 0;
	diag_error(dl, n->line, n->col, "config.json too large for the memory limit");
	return -ENOMEM;
}

static int decode_field(const struct cfg_field *f, const struct yt_node *n, struct arena *a,
			struct diag_list *dl, struct image_config *out)
{
	const char **slot = (const char **)((char *)out + f->off);
	const char *why;
	if (is_null(n))
		return 0;
	if (!f->list) {
		if (!is_str(n))
			return ERR(dl, n, "config.%s: expected a string, got %s", f->name,
				   yt_type_name(n));
		if ((why = f->check(n->s)))
			return ERR(dl, n, "config.%s: \"%s\": %s", f->name, n->s, why);
		return n->n ? copy_str(a, dl, n, slot) : 0;
	}
	if (n->kind != YT_SEQ)
		return ERR(dl, n, "config.%s: expected a list of strings, got %s", f->name,
			   yt_type_name(n));
	if (n->n > IMAGE_LIST_MAX)
		return ERR(dl, n, "config.%s: more than %d entries", f->name, IMAGE_LIST_MAX);
	const char **v = arena_alloc(a, (n->n + 1) * sizeof *v);
	if (!v) {
		diag_error(dl, n->line, n->col, "config.json too large for the memory limit");
		return -ENOMEM;
	}
	int rc = 0;
	for (unsigned i = 0; i < n->n && rc != -ENOMEM; i++) {
		const struct yt_node *k = n->kids[i];
		if (!is_str(k))
			rc = ERR(dl, k, "config.%s[%u]: expected a string, got %s", f->name, i,
				 yt_type_name(k));
		else if (f->check && (why = f->check(k->s)))
			rc = ERR(dl, k, "config.%s[%u]: \"%s\": %s", f->name, i, k->s, why);
		else if (copy_str(a, dl, k, &v[i]))
			rc = -ENOMEM;
	}
	*(const char ***)slot = v;
	*(unsigned *)((char *)out + f->count_off) = n->n;
	return rc;
}

/* Keys match as Go's encoding/json matches them: ignoring case, and the
 * last of duplicates wins. */
static const struct yt_node *member(const struct yt_node *m, const char *key)
{
	const struct yt_node *v = NULL;
	for (unsigned i = 0; i + 1 < m->n; i += 2)
		if (m->kids[i]->kind == YT_SCALAR && !strcasecmp(m->kids[i]->s, key))
			v = m->kids[i + 1];
	return v;
}

static int decode_config(const struct yt_node *m, struct arena *a, struct diag_list *dl,
			 struct image_config *out)
{
	if (m->kind != YT_MAP)
		return ERR(dl, m, "config: expected a map, got %s", yt_type_name(m));
	int rc = 0;
	for (size_t j = 0; j < sizeof cfg_fields / sizeof *cfg_fields && rc != -ENOMEM; j++) {
		const struct yt_node *v = member(m, cfg_fields[j].name);
		int r = v ? decode_field(&cfg_fields[j], v, a, dl, out) : 0;
		if (r == -ENOMEM || !rc)
			rc = r;
	}
	return rc;
}

/* JSON is YAML 1.2, but libyaml also takes YAML that is not JSON: insist on
 * an object at the top, which rules out block YAML. */
static int expect_object(const char *buf, size_t len, struct diag_list *dl)
{
	unsigned line = 1, col = 1;
	size_t i = len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3) ? 3 : 0;
	for (; i < len; i++) {
		if (buf[i] == '\n') {
			line++;
			col = 1;
		} else if (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r') {
			col++;
		} else if (buf[i] == '{') {
			return 0;
		} else {
			return diag_error(dl, line, col, "not JSON: expected a JSON object ('{')");
		}
	}
	return diag_error(dl, 0, 0, "empty file: expected a JSON object");
}

static bool hex4(const char *s, size_t len, unsigned *out)
{
	*out = 0;
	if (len < 4)
		return false;
	for (size_t i = 0; i < 4; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9'		? (unsigned)(c - '0')
			     : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (unsigned)((c | 0x20) - 'a' + 10)
								      : 16;
		if (d > 15)
			return false;
		*out = *out << 4 | d;
	}
	return true;
}

/* But libyaml reads YAML 1.1, which refuses some JSON. Rewrite that JSON in
 * place, never longer: a tab outside strings becomes a space (the same
 * column), a UTF-16 surrogate pair escape becomes one \UXXXXXXXX escape
 * (two columns shorter), and a lone surrogate becomes \uFFFD as Go's
 * decoder makes it. Returns the new length. */
static size_t json_for_libyaml(char *s, size_t len)
{
	size_t r = 0, w = 0;
	bool in_str = false;
	unsigned hi, lo;
	while (r < len) {
		char c = s[r];
		if (!in_str || c == '"') {
			in_str ^= c == '"';
			s[w++] = c == '\t' ? ' ' : c;
			r++;
		} else if (c != '\\' || r + 1 == len) {
			s[w++] = s[r++];
		} else if (s[r + 1] != 'u' || !hex4(s + r + 2, len - r - 2, &hi) || hi < 0xd800 ||
			   hi > 0xdfff) {
			s[w++] = s[r++]; /* any other escape, both bytes */
			s[w++] = s[r++];
		} else if (hi < 0xdc00 && len - r >= 12 && s[r + 6] == '\\' && s[r + 7] == 'u' &&
			   hex4(s + r + 8, 4, &lo) && lo >= 0xdc00 && lo <= 0xdfff) {
			unsigned cp = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
			s[w++] = '\\';
			s[w++] = 'U';
			for (int sh = 28; sh >= 0; sh -= 4)
				s[w++] = "0123456789abcdef"[cp >> sh & 0xf];
			r += 12;
		} else {
			memcpy(s + w, "\\ufffd", 6);
			w += 6;
			r += 6;
		}
	}
	return w;
}

/* Decodes buf, which json_for_libyaml may rewrite. */
int image_config_decode(char *buf, size_t len, struct arena *a, struct diag_list *dl,
			struct image_config *out)
{
	memset(out, 0, sizeof *out);
	if (len > IMAGE_CONFIG_BYTES)
		return diag_error(dl, 0, 0, "larger than %d bytes", IMAGE_CONFIG_BYTES);
	if (expect_object(buf, len, dl))
		return -EINVAL;
	len = json_for_libyaml(buf, len);
	struct arena tree;
	struct yt_file yf;
	arena_init(&tree, IMAGE_TREE_BYTES);
	unsigned before = dl->errors;
	int rc = yt_load(buf, len, &tree, &tree, dl, &yf);
	if (rc)
		goto out_tree;
	if (yf.ndocs != 1 || !yf.docs[0]) {
		rc = diag_error(dl, 0, 0, "expected one JSON object");
		goto out_tree;
	}
	const struct yt_node *root = yf.docs[0];
	if (root->kind != YT_MAP) {
		rc = ERR(dl, root, "expected a JSON object, got %s", yt_type_name(root));
		goto out_tree;
	}
	const struct yt_node *cfg = member(root, "config");
	if (cfg && !is_null(cfg))
		rc = decode_config(cfg, a, dl, out);
	struct image_user_spec sp;
	if (out->user && !image_user_parse(out->user, &sp)) {
		out->has_uid = sp.u_num;
		out->has_gid = sp.g_num;
		out->uid = sp.uid;
		out->gid = sp.gid;
	}
	if (!rc && dl->errors > before)
		rc = -EINVAL;
out_tree:
	arena_free(&tree);
	if (rc)
		memset(out, 0, sizeof *out);
	return rc;
}

int image_config_parse(const char *buf, size_t len, struct arena *a, struct diag_list *dl,
		       struct image_config *out)
{
	memset(out, 0, sizeof *out);
	if (len > IMAGE_CONFIG_BYTES)
		return diag_error(dl, 0, 0, "larger than %d bytes", IMAGE_CONFIG_BYTES);
	char *copy = malloc(len ? len : 1);
	if (!copy) {
		diag_error(dl, 0, 0, "out of memory");
		return -ENOMEM;
	}
	memcpy(copy, buf, len);
	int rc = image_config_decode(copy, len, a, dl, out);
	free(copy);
	return rc;
}

/* ---- what to run ---------------------------------------------------- */

int image_argv(const struct image_config *cfg, const char *const *command, unsigned ncommand,
	       const char *const *args, unsigned nargs, const char **argv, unsigned max,
	       unsigned *argc)
{
	const char *const *head = command, *const *tail = args;
	unsigned nhead = ncommand, ntail = nargs;
	*argc = 0;
	if (!ncommand) {
		head = cfg ? cfg->entrypoint : NULL;
		nhead = cfg ? cfg->n_entrypoint : 0;
		if (!nargs) {
			tail = cfg ? cfg->cmd : NULL;
			ntail = cfg ? cfg->n_cmd : 0;
		}
	}
	if (!nhead && !ntail)
		return -EINVAL;
	if ((size_t)nhead + ntail >= max)
		return -E2BIG;
	for (unsigned i = 0; i < nhead; i++)
		argv[(*argc)++] = head[i];
	for (unsigned i = 0; i < ntail; i++)
		argv[(*argc)++] = tail[i];
	argv[*argc] = NULL;
	return 0;
}

const char *image_workdir(const struct image_config *cfg, const char *container_workdir)
{
	if (container_workdir && *container_workdir)
		return container_workdir;
	if (cfg && cfg->workdir && *cfg->workdir)
		return cfg->workdir;
	return "/";
}
