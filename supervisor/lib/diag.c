/* diag.c - a bounded list of diagnostics, printed sorted by place. */
#include "diag.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

void diag_init(struct diag_list *dl, const char *file)
{
	dl->file = file;
	dl->n = dl->errors = dl->warnings = dl->dropped = 0;
}

static void add(struct diag_list *dl, enum diag_level level, unsigned line, unsigned col,
		const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
static void add(struct diag_list *dl, enum diag_level level, unsigned line, unsigned col,
		const char *fmt, va_list ap)
{
	if (level == DIAG_ERROR)
		dl->errors++;
	else
		dl->warnings++;
	if (dl->n >= LIM_DIAGS) {
		dl->dropped++;
		return;
	}
	struct diag_entry *e = &dl->e[dl->n];
	e->line = line;
	e->col = col;
	e->seq = dl->n++;
	e->level = level;
	vsnprintf(e->text, sizeof e->text, fmt, ap);
}

int diag_error(struct diag_list *dl, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(dl, DIAG_ERROR, line, col, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void diag_warn(struct diag_list *dl, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(dl, DIAG_WARNING, line, col, fmt, ap);
	va_end(ap);
}

static int by_place(const void *a, const void *b)
{
	const struct diag_entry *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void diag_print(struct diag_list *dl, FILE *out)
{
	qsort(dl->e, dl->n, sizeof dl->e[0], by_place);
	for (unsigned i = 0; i < dl->n; i++) {
		const struct diag_entry *e = &dl->e[i];
		const char *lvl = e->level == DIAG_WARNING ? "warning: " : "";
		if (e->line)
			fprintf(out, "%s:%u:%u: %s%s\n", dl->file, e->line, e->col, lvl, e->text);
		else
			fprintf(out, "%s: %s%s\n", dl->file, lvl, e->text);
	}
	if (dl->dropped)
		fprintf(out, "%s: %u more diagnostics not shown\n", dl->file, dl->dropped);
}

void diag_say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("podinit: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}
