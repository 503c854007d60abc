/* sv_args.c - podinit's command line into struct config (sv.h). */
#include "sv.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base.h"
#include "diag.h"
#include "lim.h"
#include "quantity.h"

#define usage_error(...) (diag_say(__VA_ARGS__), 2)

bool sv_api_addr_ok(const char *s)
{
	char host[32];
	struct in_addr a;
	const char *colon = strrchr(s, ':');
	char *end;
	long port = colon ? strtol(colon + 1, &end, 10) : 0;
	if (!colon || (size_t)(colon - s) >= sizeof host || !colon[1] || *end || port < 1 || port > 65535)
		return false;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = 0;
	return inet_pton(AF_INET, host, &a) == 1;
}

static int parse_backoff(struct config *cfg, const char *s)
{
	char buf[96];
	int64_t v[3];
	snprintf(buf, sizeof buf, "%s", s);
	char *save = NULL, *tok = strtok_r(buf, ",", &save);
	for (int i = 0; i < 3; i++, tok = strtok_r(NULL, ",", &save))
		if (!tok || !dur_parse(tok, &v[i]))
			return -1;
	if (tok)
		return -1;
	cfg->backoff_initial = (uint64_t)v[0];
	cfg->backoff_cap = (uint64_t)v[1];
	cfg->backoff_reset = (uint64_t)v[2];
	return 0;
}

int sv_parse_args(struct config *cfg, int argc, char **argv)
{
	*cfg = (struct config){
		.manifests = "/etc/podinit/manifests", .images = "/var/lib/podinit/images",
		.data = "/var/lib/podinit", .run = "/run/podinit", .console = NULL, .board = NULL,
		.api = "127.0.0.1:6443",
		.backoff_initial = 10 * NS_PER_S, .backoff_cap = 300 * NS_PER_S, .backoff_reset = 600 * NS_PER_S,
		.log_bytes = LIM_LOG_BYTES, .log_file_bytes = 1024 * 1024, .ctl_gid = (gid_t)-1,
		.ota_settle = UINT64_MAX, .ota_deadline = UINT64_MAX, .ota_boots = -1,
		.pid1 = getpid() == 1};
	/* every flag is read even after a bad one: as PID 1 podinit goes on
	 * with the rest (a typo on the kernel command line must not lose
	 * --console none); the first error is the exit status otherwise */
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char **dst = !strcmp(a, "--manifests") ? &cfg->manifests
				   : !strcmp(a, "--images")  ? &cfg->images
				   : !strcmp(a, "--data")    ? &cfg->data
				   : !strcmp(a, "--run")     ? &cfg->run
				   : !strcmp(a, "--console") ? &cfg->console
				   : !strcmp(a, "--board")   ? &cfg->board
				   : !strcmp(a, "--api")     ? &cfg->api
							     : NULL;
		if (dst) {
			if (!v)
				rc = rc ? rc : usage_error("%s needs a value", a);
			else
				*dst = v;
			i++;
		} else if (!strcmp(a, "--backoff")) {
			if (!v || parse_backoff(cfg, v))
				rc = rc ? rc : usage_error("--backoff takes INITIAL,CAP,RESET durations, e.g. 10s,300s,600s (got %s)",
						   v ? v : "nothing");
			i++;
		} else if (!strcmp(a, "--log-size")) {
			int64_t n;
			if (!v || !qty_parse(v, 1, &n) || n < 1024 || n > 64 * 1024 * 1024)
				rc = rc ? rc : usage_error("--log-size takes a size from 1Ki to 64Mi (got %s)",
						   v ? v : "nothing");
			else
				cfg->log_bytes = (size_t)n;
			i++;
		} else if (!strcmp(a, "--log-files")) {
			char *end;
			unsigned long n = v ? strtoul(v, &end, 10) : 0;
			if (!v || *end || n > 100)
				rc = rc ? rc : usage_error("--log-files takes a count from 0 to 100 (got %s)",
						   v ? v : "nothing");
			else
				cfg->log_files = (unsigned)n;
			i++;
		} else if (!strcmp(a, "--log-file-size")) {
			int64_t n;
			if (!v || !qty_parse(v, 1, &n) || n < 4096)
				rc = rc ? rc : usage_error("--log-file-size takes a size of at least 4Ki (got %s)",
						   v ? v : "nothing");
			else
				cfg->log_file_bytes = (uint64_t)n;
			i++;
		} else if (!strcmp(a, "--ctl-group")) {
			char *end = NULL;
			unsigned long g = v ? strtoul(v, &end, 10) : 0;
			if (!v || !*v || *end || g >= (gid_t)-1)
				rc = rc ? rc : usage_error("--ctl-group takes a numeric group id (got %s)",
							   v ? v : "nothing");
			else
				cfg->ctl_gid = (gid_t)g;
			i++;
		} else if (!strcmp(a, "--ota-settle") || !strcmp(a, "--ota-deadline")) {
			int64_t d;
			if (!v || !dur_parse(v, &d) || d < 0)
				rc = rc ? rc : usage_error("%s takes a duration, e.g. 30s or 5m (got %s)", a,
							   v ? v : "nothing");
			else
				*(a[6] == 's' ? &cfg->ota_settle : &cfg->ota_deadline) = (uint64_t)d;
			i++;
		} else if (!strcmp(a, "--ota-boots")) {
			char *end = NULL;
			long n = v ? strtol(v, &end, 10) : -1;
			if (!v || !*v || *end || n < 0 || n > 100)
				rc = rc ? rc : usage_error("--ota-boots takes a count from 0 to 100 (got %s)",
							   v ? v : "nothing");
			else
				cfg->ota_boots = (int)n;
			i++;
		} else {
			rc = rc ? rc : usage_error("unknown option %s (see podinit --help)", a);
		}
	}
	if (cfg->api && !strcmp(cfg->api, "none"))
		cfg->api = NULL;
	if (cfg->api && !sv_api_addr_ok(cfg->api)) {
		rc = rc ? rc : usage_error("--api takes ADDR:PORT (an IPv4 address and a port) or none (got %s)",
					   cfg->api);
		cfg->api = NULL;
	}
	if (!cfg->console && cfg->pid1)
		cfg->console = "/dev/console";
	else if (cfg->console && !strcmp(cfg->console, "none"))
		cfg->console = NULL;
	return rc;
}
