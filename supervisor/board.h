/* board.h - the board profile podinit runs with: its name and what
 * boards/<name>/board.mk says about the watchdog and reserved memory,
 * read at boot from /etc/podinit/board.conf (KEY=VALUE lines, written by
 * rootfs/mkinitramfs.sh). */
#ifndef PODINIT_BOARD_H
#define PODINIT_BOARD_H

#include <stddef.h>
#include <stdint.h>

struct board {
	char name[64];
	char watchdog_dev[64];      /* "" = no watchdog */
	unsigned watchdog_timeout;  /* seconds */
	unsigned watchdog_budget;   /* seconds a critical pod may stay unhealthy */
	int64_t reserved_memory;    /* bytes */
};

/* Fills b from `conf` (a missing file leaves the defaults); the name comes
 * from `name` if given, else the kernel command line podinit.board=, else
 * /etc/podinit/board, else the file's NAME. Problems go to *why; 0 or -errno. */
int board_load(struct board *b, const char *name, const char *conf, const char *cmdline,
	       const char *name_file, char *why, size_t len);

#endif
