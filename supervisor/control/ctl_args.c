/* ctl_args.c - parsing one command line against a flag table (ctl_args.h). */
#include "ctl_args.h"

#include <stdio.h>
#include <string.h>

static int find_long(const struct ctl_flag *f, const char *name, size_t len)
{
	for (int i = 0; f[i].name; i++)
		if (strlen(f[i].name) == len + 2 && !strncmp(f[i].name + 2, name, len))
			return i;
	return -1;
}

static int find_short(const struct ctl_flag *f, char c)
{
	for (int i = 0; f[i].name; i++)
		if (f[i].shorthand == c)
			return i;
	return -1;
}

static int refuse(const struct ctl_flag *f, char *err, size_t errlen)
{
	snprintf(err, errlen, "error: %s is not supported by podctl: %s", f->name, f->why);
	return -1;
}

int ctl_args_parse(const struct ctl_flag *flags, int argc, char **argv, struct ctl_args *out,
		   char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || !a[1]) { /* "-" alone is a value (stdin) */
			if (out->npos == CTL_ARGS_POS) {
				snprintf(err, errlen, "error: too many arguments (%s)", a);
				return -1;
			}
			out->pos[out->npos++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			out->rest = argv + i + 1;
			out->nrest = argc - i - 1;
			break;
		}
		int k;
		const char *inline_val = NULL;
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			k = find_long(flags, a + 2, len);
			if (k < 0) {
				snprintf(err, errlen, "error: unknown flag: --%.*s", (int)len, a + 2);
				return -1;
			}
			inline_val = eq ? eq + 1 : NULL;
		} else {
			k = find_short(flags, a[1]);
			if (k < 0) {
				snprintf(err, errlen, "error: unknown shorthand flag: '%c' in %s", a[1], a);
				return -1;
			}
			if (a[2])
				inline_val = a[2] == '=' ? a + 3 : a + 2;
		}
		const struct ctl_flag *f = &flags[k];
		if (f->kind == CF_REFUSED)
			return refuse(f, err, errlen);
		if (f->kind == CF_OPTVAL) {
			out->val[k] = inline_val ? inline_val : "";
			continue;
		}
		if (f->kind == CF_BOOL) {
			if (inline_val && strcmp(inline_val, "true") && strcmp(inline_val, "false")) {
				snprintf(err, errlen, "error: invalid argument \"%s\" for \"%s\" flag: a boolean",
					 inline_val, f->name);
				return -1;
			}
			out->val[k] = inline_val && !strcmp(inline_val, "false") ? NULL : "";
			continue;
		}
		if (!inline_val) {
			if (i + 1 >= argc) {
				if (a[1] == '-')
					snprintf(err, errlen, "error: flag needs an argument: %s", f->name);
				else
					snprintf(err, errlen, "error: flag needs an argument: '%c' in -%c", f->shorthand,
						 f->shorthand);
				return -1;
			}
			inline_val = argv[++i];
		}
		out->val[k] = inline_val;
	}
	return 0;
}

static int index_of(const struct ctl_flag *flags, const char *name)
{
	for (int i = 0; flags[i].name; i++)
		if (!strcmp(flags[i].name, name))
			return i;
	return -1;
}

const char *ctl_args_get(const struct ctl_flag *flags, const struct ctl_args *a, const char *name)
{
	int k = index_of(flags, name);
	return k < 0 ? NULL : a->val[k];
}

bool ctl_args_has(const struct ctl_flag *flags, const struct ctl_args *a, const char *name)
{
	return ctl_args_get(flags, a, name) != NULL;
}
