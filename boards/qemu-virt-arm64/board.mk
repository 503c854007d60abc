# QEMU `-M virt`, 64-bit. Booted by rootfs/run.sh and tests/e2e/ (docs/boards.md).
ARCH := aarch64
BOARD_DESC := QEMU virt machine, 64-bit ARMv8 (aarch64)

# Debian's kernel: rootfs/fetch.sh picks the newest ABI that matches; `*` stands for the
# ABI (e.g. 6.1.0-50), so the -rt- and -cloud- flavours do not match.
KERNEL_PKG_GLOB := linux-image-*-arm64-unsigned
QEMU_SYSTEM := qemu-system-aarch64
# cortex-a53: -cpu max is 5x slower under TCG (pointer authentication). i6300esb: a PCI watchdog.
QEMU_ARGS := -M virt -cpu cortex-a53 -m 256 -nographic -no-reboot -netdev user,id=net0 -device virtio-net-pci,netdev=net0,romfile= -device i6300esb
KERNEL_CMDLINE := console=ttyAMA0 panic=-1 rdinit=/sbin/init quiet
CONSOLE := ttyAMA0
# Put into the initramfs as /lib/modules/*.ko, which PID 1 loads; paths are under the kernel's
# lib/modules/<version>/kernel/. Debian builds overlayfs (every container's root), loop and
# squashfs (rootfs.squashfs images) as modules. None of these has dependencies.
# The pod network (docs/network.md): the bridge and veths, nf_tables with NAT, conntrack,
# masquerade, random choice, fib and reject; rootfs/moddeps.py adds what they depend on
# (llc, stp, nfnetlink, nf_conntrack, nf_nat, ...) in load order. crc32c_generic is
# libcrc32c's soft dependency, named by an alias moddeps.py cannot resolve: listed first.
NET_MODULES := net/bridge/bridge.ko drivers/net/veth.ko crypto/crc32c_generic.ko net/netfilter/nf_tables.ko \
           net/netfilter/nft_chain_nat.ko net/netfilter/nft_nat.ko net/netfilter/nft_masq.ko \
           net/netfilter/nft_ct.ko net/netfilter/nft_numgen.ko net/ipv4/netfilter/nft_fib_ipv4.ko \
           net/ipv4/netfilter/nft_reject_ipv4.ko
MODULES := fs/overlayfs/overlay.ko drivers/block/loop.ko fs/squashfs/squashfs.ko fs/ext4/ext4.ko \
           drivers/watchdog/i6300esb.ko drivers/watchdog/softdog.ko \
           $(NET_MODULES) drivers/virtio/virtio_pci.ko drivers/net/virtio_net.ko drivers/block/virtio_blk.ko
# The uplink: QEMU's user-mode network (slirp) gives the guest 10.0.2.15/24, the host as
# 10.0.2.2 and a DNS forwarder at 10.0.2.3, always the same: a static address.
UPLINK := eth0
UPLINK_ADDR := 10.0.2.15/24
UPLINK_GATEWAY := 10.0.2.2
DNS := 10.0.2.3
# The image store on a disk, not in the initramfs (images take no RAM): `make demo` and
# `make BOARD=... run` attach build/<board>/images.disk as the first virtio disk.
IMAGES_DEV := /dev/vda
# --data on the second virtio disk (ext4), when attached: the committed OTA generation and
# the leases outlive a reboot (docs/ota.md). Without it --data is in RAM.
DATA_DEV := /dev/vdb
POD_CIDR := 10.88.0.1/16
SERVICE_CIDR := 10.96.0.0/16
WATCHDOG_DEV := /dev/watchdog0
WATCHDOG_TIMEOUT := 30
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
