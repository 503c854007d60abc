/* image.c - image references, the image store, config.json and the user.
 *
 * Invariants: a parsed reference holds only characters of Docker's grammar
 * and no part that is empty, "." or "..", so joining it under the store
 * stays inside the store. config.json is read whole into one bounded buffer
 * and parsed into a scratch arena that is freed before returning; only the
 * strings the container needs are copied into the caller's arena.
 * etc/passwd and etc/group are streamed through fixed buffers and opened
 * relative to the rootfs, never through a symlink that leaves it. */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "ytree.h"

#define DEFAULT_REGISTRY "docker.io"
#define LEGACY_REGISTRY  "index.docker.io"
#define OFFICIAL_PREFIX  "library/"
#define USER_ID_MAX      0x7fffffffu /* runc refuses larger uids and gids in User */
#define ETC_ID_MAX       0xfffffffeu /* (uid_t)-1 is never an id */

/* ---- references ----------------------------------------------------- */

static bool lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool alnum(char c)
{
	return lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static bool has_upper(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			return true;
	return false;
}

/* [a-z0-9]+ ( ([._]|__|-+) [a-z0-9]+ )* */
static bool path_component_ok(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if (!lower_alnum(s[i]))
			return false;
		while (i < len && lower_alnum(s[i]))
			i++;
		if (i == len)
			break;
		if (s[i] == '.')
			i++;
		else if (s[i] == '_')
			i += i + 1 < len && s[i + 1] == '_' ? 2 : 1;
		else if (s[i] == '-')
			while (i < len && s[i] == '-')
				i++;
		else
			return false;
		if (i == len)
			return false; /* a separator at the end */
	}
	return len > 0;
}

static const char *remote_ok(const char *s, size_t len)
{
	while (len) {
		const char *slash = memchr(s, '/', len);
		size_t n = slash ? (size_t)(slash - s) : len;
		if (!n)
			return "empty path component in repository name";
		if (!path_component_ok(s, n))
			return "invalid repository path component: use [a-z0-9] separated by '.', '_', "
			       "'__' or '-'";
		if (!slash)
			return NULL;
		s += n + 1;
		len -= n + 1;
		if (!len)
			return "repository name ends with '/'";
	}
	return "empty repository name";
}

/* host[:port]: components of [A-Za-z0-9-] joined by '.', not starting or
 * ending with '-', or an IPv6 address in brackets; the port is digits. */
static const char *domain_ok(const char *s, size_t len)
{
	size_t i = 0;
	if (s[0] == '[') {
		for (i = 1; i < len && s[i] != ']'; i++)
			if (!strchr("0123456789abcdefABCDEF:", s[i]))
				return "invalid IPv6 address in registry";
		if (i == len || i == 1)
			return "invalid IPv6 address in registry";
		i++;
	} else {
		for (;;) {
			size_t start = i;
			while (i < len && (alnum(s[i]) || s[i] == '-'))
				i++;
			if (i == start || s[start] == '-' || s[i - 1] == '-')
				return "invalid registry host name";
			if (i == len || s[i] != '.')
				break;
			i++;
		}
	}
	if (i == len)
		return NULL;
	if (s[i] != ':')
		return "invalid character in registry host name";
	if (i + 1 == len)
		return "empty registry port";
	for (i++; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return "invalid registry port";
	return NULL;
}

/* [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} */
static const char *tag_ok(const char *s, size_t len)
{
	if (!len)
		return "empty tag";
	if (len > IMAGE_TAG_MAX)
		return "tag longer than 128 characters";
	for (size_t i = 0; i < len; i++)
		if (!alnum(s[i]) && s[i] != '_' && (!i || (s[i] != '.' && s[i] != '-')))
			return "invalid tag: use [A-Za-z0-9_.-], not starting with '.' or '-'";
	return NULL;
}

static bool lower_hex(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!s[i] || !strchr("0123456789abcdef", s[i]))
			return false;
	return true;
}

static const char *digest_ok(const char *s)
{
	static const struct {
		const char *alg;
		size_t hex;
	} algs[] = {{"sha256:", 64}, {"sha384:", 96}, {"sha512:", 128}};
	if (!*s)
		return "empty digest";
	for (size_t i = 0; i < sizeof algs / sizeof *algs; i++) {
		size_t n = strlen(algs[i].alg);
		if (strncmp(s, algs[i].alg, n))
			continue;
		if (strlen(s + n) != algs[i].hex || !lower_hex(s + n, algs[i].hex))
			return "invalid digest: wrong length or not lowercase hex";
		return NULL;
	}
	return "invalid digest: expected sha256:, sha384: or sha512: and lowercase hex";
}

/* Docker's rule: a first component names a registry if it holds '.' or
 * ':', is "localhost", or has an uppercase letter (a repository cannot). */
static bool looks_like_host(const char *s, size_t n)
{
	return (n == 9 && !memcmp(s, "localhost", 9)) || memchr(s, '.', n) || memchr(s, ':', n) ||
	       has_upper(s, n);
}

static int refuse(const char **why, const char *reason)
{
	*why = reason;
	return -EINVAL;
}

int image_ref_parse(const char *text, struct image_ref *out, const char **why)
{
	const char *unused;
	if (!why)
		why = &unused;
	memset(out, 0, sizeof *out);
	size_t len = strlen(text);
	if (!len)
		return refuse(why, "empty image reference");
	if (len == 64 && lower_hex(text, 64))
		return refuse(why, "a 64-digit hexadecimal identifier is not a repository name");

	const char *at = strchr(text, '@');
	size_t nlen = at ? (size_t)(at - text) : len;
	if (at) {
		const char *r = digest_ok(at + 1);
		if (r)
			return refuse(why, r);
		memcpy(out->tag, at + 1, len - nlen - 1); /* fits: digest_ok bounds it */
	}
	if (!nlen)
		return refuse(why, "empty repository name");

	const char *rem = text, *domain = DEFAULT_REGISTRY;
	size_t dlen = strlen(DEFAULT_REGISTRY);
	const char *slash = memchr(text, '/', nlen);
	if (slash && looks_like_host(text, (size_t)(slash - text))) {
		const char *r = domain_ok(text, (size_t)(slash - text));
		if (r)
			return refuse(why, r);
		domain = text;
		dlen = (size_t)(slash - text);
		rem = slash + 1;
	}
	if (dlen == strlen(LEGACY_REGISTRY) && !memcmp(domain, LEGACY_REGISTRY, dlen)) {
		domain = DEFAULT_REGISTRY;
		dlen = strlen(DEFAULT_REGISTRY);
	}
	size_t rlen = nlen - (size_t)(rem - text);
	const char *colon = memchr(rem, ':', rlen);
	size_t plen = colon ? (size_t)(colon - rem) : rlen;
	if (has_upper(rem, plen))
		return refuse(why, "repository name must be lowercase");
	const char *r = remote_ok(rem, plen);
	if (!r && colon)
		r = tag_ok(colon + 1, rlen - plen - 1);
	if (r)
		return refuse(why, r);

	bool official = dlen == strlen(DEFAULT_REGISTRY) &&
			!memcmp(domain, DEFAULT_REGISTRY, dlen) && !memchr(rem, '/', plen);
	size_t prefix = official ? strlen(OFFICIAL_PREFIX) : 0;
	if (dlen + 1 + prefix + plen > IMAGE_NAME_MAX)
		return refuse(why, "repository name longer than 255 characters");
	memcpy(out->registry, domain, dlen);
	memcpy(out->repo, OFFICIAL_PREFIX, prefix);
	memcpy(out->repo + prefix, rem, plen);
	if (!at) {
		if (colon)
			memcpy(out->tag, colon + 1, rlen - plen - 1);
		else
			strcpy(out->tag, "latest");
	}
	return 0;
}

void image_ref_format(const struct image_ref *r, char *buf, size_t len)
{
	/* a tag never holds ':', a digest always does */
	snprintf(buf, len, "%s/%s%c%s", r->registry, r->repo, strchr(r->tag, ':') ? '@' : ':',
		 r->tag);
}

/* ---- users ---------------------------------------------------------- */

struct user_spec {
	const char *u, *g; /* not NUL-terminated: u ends at ':' */
	size_t ulen, glen;
	bool has_g, u_num, g_num;
	uint32_t uid, gid;
};

static bool parse_id(const char *s, size_t len, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > max)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

static bool all_digits(const char *s, size_t len)
{
	return len && strspn(s, "0123456789") >= len;
}

/* "user[:group]", each a name or a number; NULL or the reason it is not. */
static const char *user_parse(const char *s, struct user_spec *sp)
{
	memset(sp, 0, sizeof *sp);
	const char *colon = strchr(s, ':');
	sp->u = s;
	sp->ulen = colon ? (size_t)(colon - s) : strlen(s);
	if (!sp->ulen)
		return "empty user name";
	if (colon) {
		sp->has_g = true;
		sp->g = colon + 1;
		sp->glen = strlen(sp->g);
		if (!sp->glen)
			return "empty group name";
		if (strchr(sp->g, ':'))
			return "expected user[:group]";
	}
	if (all_digits(sp->u, sp->ulen)) {
		if (!parse_id(sp->u, sp->ulen, USER_ID_MAX, &sp->uid))
			return "uid out of range 0-2147483647";
		sp->u_num = true;
	}
	if (sp->has_g && all_digits(sp->g, sp->glen)) {
		if (!parse_id(sp->g, sp->glen, USER_ID_MAX, &sp->gid))
			return "gid out of range 0-2147483647";
		sp->g_num = true;
	}
	return NULL;
}

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
	struct user_spec sp;
	return s[0] ? user_parse(s, &sp) : NULL;
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
static int parse_config(char *buf, size_t len, struct arena *a, struct diag_list *dl,
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
	int rc = yt_load(buf, len, &tree, dl, &yf);
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
	struct user_spec sp;
	if (out->user && !user_parse(out->user, &sp)) {
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
	int rc = parse_config(copy, len, a, dl, out);
	free(copy);
	return rc;
}

/* ---- the image store ------------------------------------------------ */

/* dst = dir/name; image_find has checked that the longest name fits. */
static void path_join(char dst[PATH_MAX], const char *dir, const char *name)
{
	size_t d = strlen(dir), n = strlen(name);
	if (d + 1 + n >= PATH_MAX)
		d = n = 0;
	memcpy(dst, dir, d);
	dst[d] = '/';
	memcpy(dst + d + 1, name, n + 1);
}

static int read_config(int dirfd, struct image *out, struct arena *a, struct diag_list *dl)
{
	int fd = openat(dirfd, "config.json", O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0) {
		int e = errno;
		diag_error(dl, 0, 0, "%s: %s", out->config, strerror(e));
		return -e;
	}
	out->has_config = true;
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int rc;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		rc = diag_error(dl, 0, 0, "not a regular file");
		goto out_close;
	}
	buf = malloc(IMAGE_CONFIG_BYTES + 1);
	rc = -ENOMEM;
	if (!buf)
		goto out_close;
	while (len <= IMAGE_CONFIG_BYTES) {
		ssize_t n = read(fd, buf + len, IMAGE_CONFIG_BYTES + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			diag_error(dl, 0, 0, "%s", strerror(errno));
			goto out_free;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	rc = parse_config(buf, len, a, dl, &out->cfg);
out_free:
	free(buf);
out_close:
	close(fd);
	return rc;
}

int image_find(const char *images_dir, const struct image_ref *r, struct arena *a,
	       struct diag_list *dl, struct image *out)
{
	char name[sizeof r->registry + sizeof r->repo + sizeof r->tag];
	struct stat st;
	memset(out, 0, sizeof *out);
	image_ref_format(r, name, sizeof name);
	int n = snprintf(out->dir, sizeof out->dir, "%s/%s/%s/%s", images_dir, r->registry,
			 r->repo, r->tag);
	if (n < 0 || (size_t)n + sizeof "/rootfs.squashfs" > sizeof out->dir) {
		diag_error(dl, 0, 0, "image %s: path under %s too long", name, images_dir);
		return -ENAMETOOLONG;
	}
	path_join(out->config, out->dir, "config.json");

	int dirfd = open(out->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		int e = errno;
		if (e == ENOENT || e == ENOTDIR) {
			diag_error(dl, 0, 0, "image %s is not present in the image store: no directory %s/",
				   name, out->dir);
			return -ENOENT;
		}
		diag_error(dl, 0, 0, "image %s: %s: %s", name, out->dir, strerror(e));
		return -e;
	}
	int rc = 0;
	if (!fstatat(dirfd, "rootfs", &st, 0)) {
		if (!S_ISDIR(st.st_mode)) {
			rc = diag_error(dl, 0, 0, "image %s: %s/rootfs is not a directory", name,
					out->dir);
			goto out_close;
		}
		path_join(out->rootfs, out->dir, "rootfs");
	} else if (!fstatat(dirfd, "rootfs.squashfs", &st, 0)) {
		if (!S_ISREG(st.st_mode)) {
			rc = diag_error(dl, 0, 0, "image %s: %s/rootfs.squashfs is not a regular file",
					name, out->dir);
			goto out_close;
		}
		path_join(out->rootfs, out->dir, "rootfs.squashfs");
		out->squashfs = true;
	} else {
		diag_error(dl, 0, 0,
			   "image %s is not present in the image store: %s/ holds neither rootfs/ "
			   "nor rootfs.squashfs",
			   name, out->dir);
		rc = -ENOENT;
		goto out_close;
	}
	rc = read_config(dirfd, out, a, dl);
	if (!out->has_config)
		out->config[0] = 0;
out_close:
	close(dirfd);
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

static int env_put(const char *kv, const char **out, unsigned max, unsigned *n)
{
	const char *eq = strchr(kv, '=');
	if (!eq || eq == kv)
		return -EINVAL;
	size_t len = (size_t)(eq - kv) + 1; /* NAME= */
	for (unsigned i = 0; i < *n; i++)
		if (!strncmp(out[i], kv, len)) {
			out[i] = kv;
			return 0;
		}
	if (*n + 1 >= max)
		return -E2BIG;
	out[(*n)++] = kv;
	return 0;
}

int image_env_merge(const char *const *base, unsigned nbase, const char *const *over,
		    unsigned nover, const char **out, unsigned max, unsigned *n)
{
	int rc = 0;
	*n = 0;
	if (!max)
		return -E2BIG;
	for (unsigned i = 0; i < nbase && !rc; i++)
		rc = env_put(base[i], out, max, n);
	for (unsigned i = 0; i < nover && !rc; i++)
		rc = env_put(over[i], out, max, n);
	out[*n] = NULL;
	return rc;
}

const char *image_workdir(const struct image_config *cfg, const char *container_workdir)
{
	if (container_workdir && *container_workdir)
		return container_workdir;
	if (cfg && cfg->workdir && *cfg->workdir)
		return cfg->workdir;
	return "/";
}

/* ---- etc/passwd and etc/group --------------------------------------- */

static bool no_openat2; /* learnt once: the kernel or a seccomp filter lacks it */

/* etc/<name> of the rootfs, never reached through a symlink out of it. */
static int open_etc(int rootfd, const char *name)
{
	const int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	char path[32];
	snprintf(path, sizeof path, "etc/%s", name);
	if (!no_openat2) {
		struct open_how how = {.flags = flags,
				       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
		long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof how);
		if (fd >= 0)
			return (int)fd;
		if (errno != ENOSYS && errno != EPERM)
			return -errno;
		no_openat2 = true;
	}
	/* No symlink is followed at all: not "etc", not the file. */
	int etc = openat(rootfd, "etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (etc < 0)
		return -errno;
	int fd = openat(etc, name, flags | O_NOFOLLOW);
	int e = errno;
	close(etc);
	return fd < 0 ? -e : fd;
}

struct etc_query {
	const char *file;  /* "passwd" or "group" */
	unsigned nid;      /* numeric fields after name:password: 2 or 1 */
	const char *name;  /* match by name (nlen bytes) ... */
	size_t nlen;
	bool by_id;        /* ... or by the first numeric field */
	uint32_t id;
	bool found;
	uint32_t ids[2];
};

/* name:password:id[:id]:... The line may have been cut at IMAGE_ETC_LINE
 * bytes: a numeric field not ended by ':' before the cut is not trusted. */
static void etc_line(struct etc_query *q, char *line, bool cut)
{
	char *f[4];
	unsigned n = 1;
	char *p = line;
	f[0] = line;
	while (n < 2 + q->nid && (p = strchr(p, ':'))) {
		*p++ = 0;
		f[n++] = p;
	}
	if (n < 2 + q->nid)
		return;
	char *end = strchr(f[n - 1], ':');
	if (end)
		*end = 0;
	else if (cut)
		return;
	uint32_t ids[2];
	for (unsigned i = 0; i < q->nid; i++)
		if (!parse_id(f[2 + i], strlen(f[2 + i]), ETC_ID_MAX, &ids[i]))
			return;
	if (q->by_id ? ids[0] != q->id
		     : (strlen(f[0]) != q->nlen || memcmp(f[0], q->name, q->nlen)))
		return;
	q->found = true;
	memcpy(q->ids, ids, sizeof ids);
}

static int etc_lookup(int rootfd, struct etc_query *q)
{
	int fd = open_etc(rootfd, q->file);
	if (fd == -ENOENT)
		return 0; /* as runc: no file, no entries */
	if (fd < 0)
		return fd;
	char chunk[4096], line[IMAGE_ETC_LINE + 1];
	size_t ll = 0, total = 0;
	bool cut = false;
	struct stat st;
	int rc = 0;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		goto out_close;
	}
	while (!q->found) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		total += (size_t)n;
		if (total > IMAGE_ETC_BYTES) {
			rc = -EFBIG;
			break;
		}
		for (ssize_t i = 0; i < n && !q->found; i++) {
			if (chunk[i] == '\n') {
				line[ll] = 0;
				etc_line(q, line, cut);
				ll = 0;
				cut = false;
			} else if (ll < IMAGE_ETC_LINE) {
				line[ll++] = chunk[i];
			} else {
				cut = true;
			}
		}
		if (!n) {
			line[ll] = 0; /* a last line without '\n' */
			if (ll)
				etc_line(q, line, cut);
			break;
		}
	}
out_close:
	close(fd);
	return rc;
}

int image_resolve_user(int rootfs_dirfd, const char *user, uid_t *uid, gid_t *gid)
{
	struct user_spec sp;
	*uid = 0;
	*gid = 0;
	if (!user || !*user)
		return 0;
	if (user_parse(user, &sp))
		return -EINVAL;
	if (sp.u_num && sp.g_num) {
		*uid = sp.uid;
		*gid = sp.gid;
		return 0;
	}
	struct etc_query pw = {.file = "passwd", .nid = 2, .name = sp.u, .nlen = sp.ulen,
			       .by_id = sp.u_num, .id = sp.uid};
	int rc = etc_lookup(rootfs_dirfd, &pw);
	if (rc)
		return rc;
	if (pw.found) {
		*uid = pw.ids[0];
		*gid = pw.ids[1];
	} else if (sp.u_num) {
		*uid = sp.uid;
	} else {
		return -ENOENT;
	}
	if (!sp.has_g)
		return 0;
	if (sp.g_num) {
		*gid = sp.gid;
		return 0;
	}
	struct etc_query gr = {.file = "group", .nid = 1, .name = sp.g, .nlen = sp.glen};
	rc = etc_lookup(rootfs_dirfd, &gr);
	if (rc)
		return rc;
	if (!gr.found)
		return -ENOENT;
	*gid = gr.ids[0];
	return 0;
}
