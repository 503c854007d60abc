/* config.h - podinit's command line, as parsed (sv_args.c fills it).
 * Plain data, read by every layer; nobody changes it after start-up. */
#ifndef PODINIT_CONFIG_H
#define PODINIT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct config {
	const char *manifests, *images, *data, *run, *console, *board;
	const char *api;    /* the Kubernetes API's ADDR:PORT; NULL: none */
	uint64_t backoff_initial, backoff_cap, backoff_reset; /* ns */
	size_t log_bytes;   /* ring per container instance */
	unsigned log_files; /* files kept per container under DATA/logs; 0 = none */
	uint64_t log_file_bytes;
	uint64_t ota_settle, ota_deadline; /* ns; UINT64_MAX: the board profile's */
	int ota_boots;      /* -1: the board profile's */
	gid_t ctl_gid;      /* group allowed on the control socket; (gid_t)-1 = root only */
	bool pid1;
};

#endif
