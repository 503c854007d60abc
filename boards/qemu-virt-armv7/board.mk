# QEMU `-M virt`, 32-bit ARMv7 hard-float. Booted by rootfs/run.sh and tests/e2e/ (docs/boards.md).
ARCH := armhf
BOARD_DESC := QEMU virt machine, 32-bit ARMv7 hard-float (armhf)

# Debian's armmp kernel (an XZ zImage: about 2 s of each boot is the guest decompressing it).
# `*` stands for the ABI (e.g. 6.1.0-50), so the -rt- flavour does not match.
KERNEL_PKG_GLOB := linux-image-*-armmp
QEMU_SYSTEM := qemu-system-arm
QEMU_ARGS := -M virt -m 256 -nographic -no-reboot -netdev user,id=net0 -device virtio-net-device,netdev=net0
KERNEL_CMDLINE := console=ttyAMA0 panic=-1 rdinit=/sbin/init quiet
CONSOLE := ttyAMA0
# Put into the initramfs as /lib/modules/*.ko, which PID 1 loads; paths are under the kernel's
# lib/modules/<version>/kernel/. overlay (every container's root), loop + squashfs
# (rootfs.squashfs images); the watchdog is softdog: the armmp kernel has no i6300esb
# driver, and QEMU no SP805 model.
# The pod network (docs/network.md): the bridge and veths, nf_tables with NAT, conntrack,
# masquerade, random choice, fib and reject; rootfs/moddeps.py adds what they depend on
# (llc, stp, nfnetlink, nf_conntrack, nf_nat, ...) in load order. crc32c_generic is
# libcrc32c's soft dependency, named by an alias moddeps.py cannot resolve: listed first.
NET_MODULES := net/bridge/bridge.ko drivers/net/veth.ko crypto/crc32c_generic.ko net/netfilter/nf_tables.ko \
           net/netfilter/nft_chain_nat.ko net/netfilter/nft_nat.ko net/netfilter/nft_masq.ko \
           net/netfilter/nft_ct.ko net/netfilter/nft_numgen.ko net/ipv4/netfilter/nft_fib_ipv4.ko \
           net/ipv4/netfilter/nft_reject_ipv4.ko
MODULES := fs/overlayfs/overlay.ko drivers/block/loop.ko fs/squashfs/squashfs.ko fs/ext4/ext4.ko \
           drivers/watchdog/softdog.ko \
           $(NET_MODULES) drivers/virtio/virtio_mmio.ko drivers/net/virtio_net.ko drivers/block/virtio_blk.ko
# The uplink: QEMU's user-mode network (slirp) and its DHCP server (10.0.2.15/24 via
# 10.0.2.2, DNS 10.0.2.3). This board asks by DHCP, as a real one would; the arm64 board
# sets the same address statically, so both ways are booted in the e2e tests.
UPLINK := eth0
UPLINK_ADDR := dhcp
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
