# QEMU `-M virt`, 32-bit ARMv7 hard-float. Booted by rootfs/run.sh and tests/e2e/ (docs/boards.md).
ARCH := armhf
BOARD_DESC := QEMU virt machine, 32-bit ARMv7 hard-float (armhf)

# Debian's armmp kernel (an XZ zImage: about 2 s of each boot is the guest decompressing it).
# `*` stands for the ABI (e.g. 6.1.0-50), so the -rt- flavour does not match.
KERNEL_PKG_GLOB := linux-image-*-armmp
QEMU_SYSTEM := qemu-system-arm
QEMU_ARGS := -M virt -m 256 -nographic -no-reboot -nic none
KERNEL_CMDLINE := console=ttyAMA0 panic=-1 rdinit=/sbin/init quiet
CONSOLE := ttyAMA0
# Put into the initramfs as /lib/modules/*.ko, which PID 1 loads; paths are under the kernel's
# lib/modules/<version>/kernel/. overlay (every container's root), loop + squashfs
# (rootfs.squashfs images); the watchdog is softdog: the armmp kernel has no i6300esb
# driver, and QEMU no SP805 model.
MODULES := fs/overlayfs/overlay.ko drivers/block/loop.ko fs/squashfs/squashfs.ko \
           drivers/watchdog/softdog.ko
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
