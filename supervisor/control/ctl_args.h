/* ctl_args.h - one podctl command line, parsed against the command's table
 * of flags, as kubectl reads them: flags anywhere among the arguments,
 * `-o json`, `-ojson`, `--output json`, `--output=json`. `--` ends
 * what is parsed: what follows is the command of exec, kept whole. A flag the table does not know, or one that needs a
 * value and has none, is a usage error naming it (exit 2, nothing
 * changed). Flags that people type out of kubectl habit but podctl does
 * not do are in the table as refused, with the reason. */
#ifndef PODINIT_CTL_ARGS_H
#define PODINIT_CTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#define CTL_ARGS_POS 8   /* positional arguments kept */
#define CTL_ARGS_FLAGS 12 /* flags one command knows */

enum ctl_flag_kind {
	CF_BOOL,    /* present or not; "--x=false" turns it off */
	CF_VALUE,   /* needs a value */
	CF_OPTVAL,  /* alone (""), or with an inline value: --dry-run=server */
	CF_REFUSED, /* known, not supported: why says so */
};

struct ctl_flag {
	const char *name; /* "--output" */
	char shorthand;   /* 'o', or 0 */
	enum ctl_flag_kind kind;
	const char *why;  /* CF_REFUSED: the rest of the error line */
};

struct ctl_args {
	const char *pos[CTL_ARGS_POS];
	int npos;
	char **rest; /* after `--` (exec's command), nrest of them */
	int nrest;
	const char *val[CTL_ARGS_FLAGS]; /* by index in the table: the value, "" for a bool set */
};

/* Parses argv[1..argc) (argv[0] is the command) with flags, a table ended
 * by a NULL name. 0, or -1 with one line (no newline) in err. */
int ctl_args_parse(const struct ctl_flag *flags, int argc, char **argv, struct ctl_args *out,
		   char *err, size_t errlen);
/* The value of flag name ("--output"), or NULL when not given. */
const char *ctl_args_get(const struct ctl_flag *flags, const struct ctl_args *a, const char *name);
bool ctl_args_has(const struct ctl_flag *flags, const struct ctl_args *a, const char *name);

#endif
