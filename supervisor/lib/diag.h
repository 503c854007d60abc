/* diag.h - diagnostics: errors and warnings with file:line:col.
 *
 * Deep code records what went wrong here and returns; only the program's
 * boundary (the CLI, the control socket, the event log) prints them. The
 * list is a fixed array: past LIM_DIAGS further entries are only counted. */
#ifndef PODINIT_DIAG_H
#define PODINIT_DIAG_H

#include <stdbool.h>
#include <stdio.h>
#include "lim.h"

enum diag_level { DIAG_ERROR, DIAG_WARNING };

struct diag_entry {
	unsigned line, col; /* 1-based; 0 when the place is the whole file */
	unsigned seq;       /* order of arrival, to keep the sort stable */
	enum diag_level level;
	char text[LIM_DIAG_TEXT];
};

struct diag_list {
	const char *file; /* name printed before each entry; not owned */
	unsigned n, errors, warnings, dropped;
	struct diag_entry e[LIM_DIAGS];
};

void diag_init(struct diag_list *dl, const char *file);
/* Records one entry; returns -EINVAL for errors so callers can
 * `return diag_error(...)`, 0 for warnings. */
int diag_error(struct diag_list *dl, unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void diag_warn(struct diag_list *dl, unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* One line "podinit: ..." on stderr, for the program's own boundary
 * (bad flags, PID 1's boot steps). */
void diag_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints every entry sorted by place as FILE:LINE:COL: [warning: ]text. */
void diag_print(struct diag_list *dl, FILE *out);

#endif
