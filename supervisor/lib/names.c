/* names.c - name syntax as Kubernetes' apimachinery validation defines it. */
#include "names.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include "lim.h"

static bool lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool alnum(char c)
{
	return lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static const char *label_n(const char *s, size_t n)
{
	if (n == 0)
		return "must not be empty";
	if (n > LIM_DNS_LABEL)
		return "must be no more than 63 characters";
	for (size_t i = 0; i < n; i++)
		if (!lower_alnum(s[i]) && s[i] != '-')
			return "must consist of lower case alphanumeric characters or '-'";
	if (!lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
		return "must start and end with an alphanumeric character";
	return NULL;
}

const char *name_dns_label(const char *s)
{
	return label_n(s, strlen(s));
}

const char *name_dns1035_label(const char *s)
{
	const char *why = name_dns_label(s);
	if (!why && !(s[0] >= 'a' && s[0] <= 'z'))
		return "must start with a lower case letter";
	return why;
}

const char *name_dns_subdomain(const char *s)
{
	size_t n = strlen(s);
	if (n > LIM_DNS_SUBDOMAIN)
		return "must be no more than 253 characters";
	if (n == 0)
		return "must not be empty";
	for (const char *p = s;;) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		if (label_n(p, len))
			return "must be lower case alphanumeric labels separated by '.'";
		if (!dot)
			return NULL;
		p = dot + 1;
	}
}

const char *name_port(const char *s)
{
	size_t n = strlen(s);
	bool letter = false;
	if (n == 0 || n > 15)
		return "must be 1 to 15 characters";
	for (size_t i = 0; i < n; i++) {
		if (!lower_alnum(s[i]) && s[i] != '-')
			return "must contain only lower case alphanumeric characters or '-'";
		if (s[i] >= 'a' && s[i] <= 'z')
			letter = true;
		if (s[i] == '-' && s[i + 1] == '-')
			return "must not contain consecutive hyphens";
	}
	if (s[0] == '-' || s[n - 1] == '-')
		return "must not begin or end with a hyphen";
	if (!letter)
		return "must contain at least one letter";
	return NULL;
}

/* name part of a qualified name: [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])? */
static const char *qualified_name(const char *s, size_t n, bool empty_ok)
{
	if (n == 0)
		return empty_ok ? NULL : "name part must not be empty";
	if (n > 63)
		return "must be no more than 63 characters";
	for (size_t i = 0; i < n; i++)
		if (!alnum(s[i]) && !strchr("-_.", s[i]))
			return "must consist of alphanumeric characters, '-', '_' or '.'";
	if (!alnum(s[0]) || !alnum(s[n - 1]))
		return "must start and end with an alphanumeric character";
	return NULL;
}

const char *name_label_key(const char *s)
{
	const char *slash = strchr(s, '/');
	if (slash) {
		char prefix[LIM_DNS_SUBDOMAIN + 1];
		size_t pl = (size_t)(slash - s);
		if (pl == 0 || pl > LIM_DNS_SUBDOMAIN)
			return "prefix must be a DNS subdomain";
		memcpy(prefix, s, pl);
		prefix[pl] = 0;
		if (name_dns_subdomain(prefix))
			return "prefix must be a DNS subdomain";
		s = slash + 1;
	}
	return qualified_name(s, strlen(s), false);
}

const char *name_label_value(const char *s)
{
	return qualified_name(s, strlen(s), true);
}

const char *name_env(const char *s)
{
	if (!*s)
		return "must not be empty";
	for (; *s; s++)
		if (*s == '=' || *s < 0x20 || *s > 0x7e)
			return "must consist of printable characters other than '='";
	return NULL;
}

const char *name_config_key(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > LIM_DNS_SUBDOMAIN)
		return "must be 1 to 253 characters";
	for (size_t i = 0; i < n; i++)
		if (!alnum(s[i]) && !strchr("-_.", s[i]))
			return "must consist of alphanumeric characters, '-', '_' or '.'";
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return "must not be '.' or '..'";
	return NULL;
}

const char *name_abs_path(const char *s)
{
	if (s[0] != '/')
		return "must be an absolute path";
	if (strlen(s) >= 4096)
		return "is too long";
	return NULL;
}

const char *name_rel_path(const char *s)
{
	if (!*s)
		return "must not be empty";
	if (s[0] == '/')
		return "must be a relative path";
	if (strlen(s) >= 4096)
		return "is too long";
	for (const char *p = s; p;) {
		if (!strncmp(p, "..", 2) && (p[2] == '/' || !p[2]))
			return "must not contain '..'";
		p = strchr(p, '/');
		if (p)
			p++;
	}
	return NULL;
}

const char *name_nonempty(const char *s)
{
	return *s ? NULL : "must not be empty";
}

int names_capability_number(const char *s)
{
	char full[64] = "cap_";
	cap_value_t v;
	if (!strncasecmp(s, "CAP_", 4))
		s += 4;
	size_t n = strlen(s);
	if (!n || n >= sizeof full - 5 || (s[0] >= '0' && s[0] <= '9'))
		return -1;
	for (size_t i = 0; i <= n; i++)
		full[4 + i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] | 0x20 : s[i]);
	return cap_from_name(full, &v) == 0 ? (int)v : -1;
}

const char *name_capability(const char *s)
{
	char full[64] = "cap_";
	cap_value_t v;
	size_t n = strlen(s);
	if (!strcmp(s, "ALL")) /* drop: [ALL] */
		return NULL;
	if (n >= 4 && !strncasecmp(s, "CAP_", 4)) {
		s += 4;
		n -= 4;
	}
	if (!n || n >= sizeof full - 5)
		return "is not a Linux capability";
	for (size_t i = 0; i <= n; i++)
		full[4 + i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] | 0x20 : s[i]);
	if (cap_from_name(full, &v) != 0)
		return "is not a Linux capability";
	/* cap_from_name also takes numbers, which Kubernetes does not */
	if (full[4] >= '0' && full[4] <= '9')
		return "is not a Linux capability";
	return NULL;
}

int pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}
