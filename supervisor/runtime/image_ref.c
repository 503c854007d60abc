/* image_ref.c - image references: parsing, normalisation and formatting.
 *
 * References are normalised as Docker does (nginx ->
 * docker.io/library/nginx:latest). Invariant: a parsed reference holds
 * only characters of Docker's grammar and no part that is empty, "." or
 * "..", so joining it under the store stays inside the store. */
#include "image.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_REGISTRY "docker.io"
#define LEGACY_REGISTRY  "index.docker.io"
#define OFFICIAL_PREFIX  "library/"

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
