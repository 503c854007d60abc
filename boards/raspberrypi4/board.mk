# Raspberry Pi 4 Model B, 64-bit userland. Build-only: QEMU 7.2 has no Pi 4 model.
# How to install: docs/boards.md.
ARCH := aarch64
BOARD_DESC := Raspberry Pi 4 Model B (BCM2711, Cortex-A72), 64-bit (aarch64)

# For `make image`: Debian's arm64 kernel (its modules go into the initramfs). A Raspberry Pi
# OS kernel works as well, with its own modules (docs/boards.md).
KERNEL_PKG_GLOB := linux-image-*-arm64-unsigned
QEMU_SYSTEM :=
QEMU_ARGS :=
# GPIO 14/15 UART: ttyS1 (mini UART) with Debian's kernel and upstream device tree;
# ttyS0 with the Raspberry Pi OS kernel, or ttyAMA0 there with dtoverlay=disable-bt.
# cgroup_enable=memory cgroup_memory=1: Raspberry Pi kernels disable the memory cgroup
# otherwise (other kernels pass these to init's environment, harmlessly).
KERNEL_CMDLINE := console=ttyS1,115200 panic=-1 rdinit=/sbin/init cgroup_enable=memory cgroup_memory=1 quiet
CONSOLE := ttyS1
# Debian's arm64 kernel: overlay (every container's root), loop + squashfs (rootfs.squashfs
# images) and the watchdog bcm2835_wdt are modules (Raspberry Pi OS builds the watchdog in).
# The pod network (docs/network.md), and the Pi 4's Ethernet (genet) as the uplink;
# rootfs/moddeps.py adds their dependencies in load order.
NET_MODULES := net/bridge/bridge.ko drivers/net/veth.ko crypto/crc32c_generic.ko net/netfilter/nf_tables.ko \
           net/netfilter/nft_chain_nat.ko net/netfilter/nft_nat.ko net/netfilter/nft_masq.ko \
           net/netfilter/nft_ct.ko net/netfilter/nft_numgen.ko net/ipv4/netfilter/nft_fib_ipv4.ko \
           net/ipv4/netfilter/nft_reject_ipv4.ko
MODULES := fs/overlayfs/overlay.ko drivers/block/loop.ko fs/squashfs/squashfs.ko fs/ext4/ext4.ko \
           drivers/watchdog/bcm2835_wdt.ko $(NET_MODULES) drivers/net/ethernet/broadcom/genet/genet.ko
# The uplink: its address, route and DNS server by DHCP (or set UPLINK_ADDR=A.B.C.D/N and
# UPLINK_GATEWAY for a static one).
UPLINK := eth0
UPLINK_ADDR := dhcp
POD_CIDR := 10.88.0.1/16
SERVICE_CIDR := 10.96.0.0/16
WATCHDOG_DEV := /dev/watchdog0
# the BCM2835 watchdog's hardware maximum is 15 s
WATCHDOG_TIMEOUT := 15
# A pod annotated podinit.io/critical: "true" that stays unhealthy this many seconds
# stops the watchdog feeding, so the board resets (supervisor/control/watchdog.c).
WATCHDOG_BUDGET := 300
# Memory kept for the kernel and podinit; pods' requests must fit in the rest.
RESERVED_MEMORY := 32Mi
# Containment (docs/security.md): seccomp for pods that do not say, processes per pod, pods,
# and the RAM a writable layer or memory emptyDir may fill when no limit bounds it.
SECCOMP_DEFAULT := RuntimeDefault
POD_PIDS_LIMIT := 1024
MAX_PODS := 64
TMPFS_DEFAULT := 64Mi
# OTA trials (docs/ota.md): healthy this long to commit, at most this long, reboots allowed.
OTA_SETTLE := 10
OTA_DEADLINE := 300
OTA_BOOTS := 2
