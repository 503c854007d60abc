/* board.c - reading the board profile. Every value is checked; an unknown
 * key is ignored (a newer image on an older podinit), a bad value is an
 * error that leaves the default in place. */
#include "board.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "quantity.h"

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = 0;
}

/* podinit.board=NAME on the kernel command line: the kernel keeps dotted
 * words for modules, so init never sees it in argv */
static void name_from_cmdline(struct board *b, const char *cmdline)
{
	FILE *f = fopen(cmdline, "re");
	char line[4096];
	if (!f)
		return;
	if (fgets(line, sizeof line, f)) {
		for (char *save = NULL, *w = strtok_r(line, " \n", &save); w;
		     w = strtok_r(NULL, " \n", &save))
			if (!strncmp(w, "podinit.board=", 14))
				snprintf(b->name, sizeof b->name, "%s", w + 14);
	}
	fclose(f);
}

int board_load(struct board *b, const char *name, const char *conf, const char *cmdline,
	       const char *name_file, char *why, size_t len)
{
	memset(b, 0, sizeof *b);
	b->watchdog_timeout = 30;
	b->watchdog_budget = 300;
	*why = 0;
	int rc = 0;
	FILE *f = fopen(conf, "re");
	char line[256];
	while (f && fgets(line, sizeof line, f)) {
		trim(line);
		char *eq = strchr(line, '=');
		if (line[0] == '#' || !eq)
			continue;
		*eq = 0;
		const char *k = line, *v = eq + 1;
		char *end;
		if (!strcmp(k, "NAME")) {
			snprintf(b->name, sizeof b->name, "%s", v);
		} else if (!strcmp(k, "WATCHDOG_DEV")) {
			snprintf(b->watchdog_dev, sizeof b->watchdog_dev, "%s", v);
		} else if (!strcmp(k, "WATCHDOG_TIMEOUT") || !strcmp(k, "WATCHDOG_BUDGET")) {
			unsigned long n = strtoul(v, &end, 10);
			if (!*v || *end || n < 1 || n > 86400) {
				snprintf(why, len, "%s: %s=%s is not a number of seconds", conf, k, v);
				rc = -EINVAL;
				continue;
			}
			if (k[9] == 'T')
				b->watchdog_timeout = (unsigned)n;
			else
				b->watchdog_budget = (unsigned)n;
		} else if (!strcmp(k, "RESERVED_MEMORY")) {
			int64_t bytes;
			if (*v && !qty_parse(v, 1, &bytes)) {
				snprintf(why, len, "%s: RESERVED_MEMORY=%s is not a quantity", conf, v);
				rc = -EINVAL;
			} else if (*v) {
				b->reserved_memory = bytes;
			}
		}
	}
	if (f)
		fclose(f);
	char from_file[64] = "";
	FILE *nf = fopen(name_file, "re");
	if (nf) {
		if (fgets(from_file, sizeof from_file, nf))
			trim(from_file);
		fclose(nf);
	}
	if (from_file[0])
		snprintf(b->name, sizeof b->name, "%s", from_file);
	name_from_cmdline(b, cmdline);
	if (name && *name)
		snprintf(b->name, sizeof b->name, "%s", name);
	return rc;
}
