/* board.h - the board profile podinit runs with: its name and what
 * boards/<name>/board.mk says about the watchdog, memory, bounds and
 * defaults, read at boot from /etc/podinit/board.conf (KEY=VALUE lines,
 * written by rootfs/mkinitramfs.sh). Every key and its default is listed
 * in docs/boards.md. */
#ifndef PODINIT_BOARD_H
#define PODINIT_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct board {
	char name[64];
	char watchdog_dev[64];      /* "" = no watchdog */
	unsigned watchdog_timeout;  /* seconds */
	unsigned watchdog_budget;   /* seconds a critical pod may stay unhealthy */
	int64_t reserved_memory;    /* bytes */
	/* containment (docs/security.md) */
	bool seccomp_default;       /* RuntimeDefault unless a pod asks Unconfined */
	int64_t pod_pids_limit;     /* pids.max of each pod, as the kubelet's podPidsLimit */
	int64_t max_pods;           /* pods running at once (at most LIM_PODS) */
	int64_t tmpfs_default;      /* bytes of RAM a container's writable layer or a
				     * memory emptyDir may fill when nothing else bounds it;
				     * 0: a quarter of the device's memory */
	/* the network (docs/network.md) */
	char pod_cidr[20];          /* the bridge's address and the pod range: 10.88.0.1/16 */
	char service_cidr[20];      /* ClusterIP addresses: 10.96.0.0/16 */
	char uplink[16];            /* the device's interface to the world: "" = none */
	char uplink_addr[20];       /* its address: A.B.C.D/N, "dhcp", or "" (left alone) */
	char uplink_gateway[16];    /* the default route through it (with a static address) */
	char dns[16];               /* the nameserver pods get; "" = the device's resolv.conf */
	/* OTA trials (docs/ota.md) */
	unsigned ota_settle;        /* seconds healthy before a generation commits */
	unsigned ota_deadline;      /* seconds a trial may take; 0: no trials */
	unsigned ota_boots;         /* boots allowed during a trial */
	char images_dev[64];        /* the disk holding the image store, mounted read-only at
				     * --images by PID 1 (squashfs, else ext4); "" = none */
	char data_dev[64];          /* the disk holding --data (ext4), mounted by PID 1: the
				     * committed generation survives reboots; "" = none */
};

/* Fills b from `conf` (a missing file leaves the defaults); the name comes
 * from `name` if given, else the kernel command line podinit.board=, else
 * /etc/podinit/board, else the file's NAME. Problems go to *why; 0 or -errno. */
int board_load(struct board *b, const char *name, const char *conf, const char *cmdline,
	       const char *name_file, char *why, size_t len);

#endif
