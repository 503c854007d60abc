/* board.c - reading the board profile from one table of keys. Every value
 * is checked; an unknown key is ignored (a newer image on an older
 * podinit), a bad value is an error that leaves the default in place. */
#include "board.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lim.h"
#include "quantity.h"
#include "scan.h"

enum key_type { K_STR, K_SECONDS, K_BYTES, K_COUNT, K_SECCOMP, K_CIDR, K_IP, K_UPLINK_ADDR };

struct key {
	const char *name;
	enum key_type type;
	size_t off, size;
	int64_t min, max; /* K_SECONDS, K_COUNT */
	const char *what;  /* for the error: "is not ..." */
};

#define KEY(n, t, f, lo, hi, w) {n, t, offsetof(struct board, f), sizeof ((struct board *)0)->f, lo, hi, w}

static const struct key keys[] = {
	KEY("NAME", K_STR, name, 0, 0, ""),
	KEY("WATCHDOG_DEV", K_STR, watchdog_dev, 0, 0, ""),
	KEY("WATCHDOG_TIMEOUT", K_SECONDS, watchdog_timeout, 1, 86400, "a number of seconds"),
	KEY("WATCHDOG_BUDGET", K_SECONDS, watchdog_budget, 1, 86400, "a number of seconds"),
	KEY("RESERVED_MEMORY", K_BYTES, reserved_memory, 0, 0, "a quantity"),
	KEY("SECCOMP_DEFAULT", K_SECCOMP, seccomp_default, 0, 0, "RuntimeDefault or Unconfined"),
	KEY("POD_PIDS_LIMIT", K_COUNT, pod_pids_limit, 16, 4194304, "a count from 16 to 4194304"),
	KEY("MAX_PODS", K_COUNT, max_pods, 1, LIM_PODS, "a count from 1 to " LIM_STR(LIM_PODS)),
	KEY("TMPFS_DEFAULT", K_BYTES, tmpfs_default, 0, 0, "a quantity"),
	KEY("POD_CIDR", K_CIDR, pod_cidr, 8, 30, "an IPv4 address/prefix (8 to 30), e.g. 10.88.0.1/16"),
	KEY("SERVICE_CIDR", K_CIDR, service_cidr, 8, 30, "an IPv4 range/prefix (8 to 30), e.g. 10.96.0.0/16"),
	KEY("UPLINK", K_STR, uplink, 0, 0, ""),
	KEY("UPLINK_ADDR", K_UPLINK_ADDR, uplink_addr, 1, 32, "dhcp or an IPv4 address/prefix"),
	KEY("UPLINK_GATEWAY", K_IP, uplink_gateway, 0, 0, "an IPv4 address"),
	KEY("DNS", K_IP, dns, 0, 0, "an IPv4 address"),
	KEY("IMAGES_DEV", K_STR, images_dev, 0, 0, ""),
	KEY("DATA_DEV", K_STR, data_dev, 0, 0, ""),
	KEY("OTA_SETTLE", K_SECONDS, ota_settle, 0, 86400, "a number of seconds"),
	KEY("OTA_DEADLINE", K_SECONDS, ota_deadline, 0, 7 * 86400, "a number of seconds"),
	KEY("OTA_BOOTS", K_COUNT, ota_boots, 0, 100, "a count from 0 to 100"),
};

static void defaults(struct board *b)
{
	memset(b, 0, sizeof *b);
	b->watchdog_timeout = 30;
	b->watchdog_budget = 300;
	b->seccomp_default = true;
	b->pod_pids_limit = 1024;
	b->max_pods = LIM_PODS;
	b->ota_settle = 10;
	b->ota_deadline = 300;
	b->ota_boots = 2;
	snprintf(b->pod_cidr, sizeof b->pod_cidr, "10.88.0.1/16");
	snprintf(b->service_cidr, sizeof b->service_cidr, "10.96.0.0/16");
}

/* A.B.C.D, each part 0..255 */
static bool is_ip(const char *v)
{
	unsigned long part;
	for (int i = 0; i < 4; i++)
		if ((i && !scan_lit(&v, ".")) || !scan_uint(&v, 3, 255, &part))
			return false;
	return scan_end(v);
}

/* A.B.C.D/N with min <= N <= max */
static bool is_cidr(const char *v, int64_t min, int64_t max)
{
	char ip[20], *end;
	const char *slash = strchr(v, '/');
	if (!slash || (size_t)(slash - v) >= sizeof ip)
		return false;
	memcpy(ip, v, (size_t)(slash - v));
	ip[slash - v] = 0;
	long n = strtol(slash + 1, &end, 10);
	return is_ip(ip) && slash[1] && !*end && n >= min && n <= max;
}

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = 0;
}

/* 0, or -EINVAL when v is not a value of k */
static int set(struct board *b, const struct key *k, const char *v)
{
	char *dst = (char *)b + k->off, *end;
	int64_t n;
	switch (k->type) {
	case K_STR:
		snprintf(dst, k->size, "%s", v);
		return 0;
	case K_SECONDS:
	case K_COUNT:
		n = strtoll(v, &end, 10);
		if (!*v || *end || n < k->min || n > k->max)
			return -EINVAL;
		if (k->size == sizeof(unsigned))
			*(unsigned *)dst = (unsigned)n;
		else
			*(int64_t *)dst = n;
		return 0;
	case K_BYTES:
		if (!*v)
			return 0; /* unset in board.mk: the default */
		if (!qty_parse(v, 1, &n) || n < 0)
			return -EINVAL;
		*(int64_t *)dst = n;
		return 0;
	case K_SECCOMP:
		if (strcmp(v, "RuntimeDefault") && strcmp(v, "Unconfined"))
			return -EINVAL;
		*(bool *)dst = !strcmp(v, "RuntimeDefault");
		return 0;
	case K_CIDR:
		if (!is_cidr(v, k->min, k->max))
			return -EINVAL;
		snprintf(dst, k->size, "%s", v);
		return 0;
	case K_UPLINK_ADDR:
		if (*v && strcmp(v, "dhcp") && !is_cidr(v, k->min, k->max))
			return -EINVAL;
		snprintf(dst, k->size, "%s", v);
		return 0;
	case K_IP:
		if (*v && !is_ip(v))
			return -EINVAL;
		snprintf(dst, k->size, "%s", v);
		return 0;
	}
	return -EINVAL;
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
	defaults(b);
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
		const char *v = eq + 1;
		for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
			if (strcmp(line, keys[i].name))
				continue;
			if (set(b, &keys[i], v) < 0) {
				snprintf(why, len, "%s: %s=%s is not %s", conf, line, v, keys[i].what);
				rc = -EINVAL;
			}
			break;
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
