#!/bin/bash
# rootfs/run.sh BOARD INITRAMFS [extra qemu-system arguments...]
#
# Boots INITRAMFS on Debian's kernel for BOARD under qemu-system, with the serial console on
# this terminal (QEMU_ARGS of boards/BOARD/board.mk use -nographic: Ctrl-A X quits QEMU,
# Ctrl-A C switches to its monitor). The kernel command line is the board's KERNEL_CMDLINE
# plus $APPEND. Installs qemu-system-arm from Debian when missing.
#   rootfs/run.sh qemu-virt-arm64 build/qemu-virt-arm64/initramfs.cpio.gz
#   APPEND=podinit.debug=1 rootfs/run.sh qemu-virt-armv7 build/qemu-virt-armv7/initramfs.cpio.gz -m 64
set -eu
set -o pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || { echo "usage: rootfs/run.sh BOARD INITRAMFS [qemu args...]" >&2; exit 2; }
BOARD=$1 INITRAMFS=$2
shift 2
board_vars "$BOARD"
[ -n "$QEMU_SYSTEM" ] || die "$BOARD cannot be emulated (no QEMU_SYSTEM in boards/$BOARD/board.mk); see docs/boards.md to install it"
[ -f "$INITRAMFS" ] || die "$INITRAMFS does not exist (make BOARD=$BOARD image)"
command -v "$QEMU_SYSTEM" >/dev/null || ensure_pkgs qemu-system-arm
KERNEL=$(KERNEL_PKG_GLOB=$KERNEL_PKG_GLOB "$TOP/rootfs/fetch.sh" "$ARCH")
# shellcheck disable=SC2086  # QEMU_ARGS is a word list
exec "$QEMU_SYSTEM" $QEMU_ARGS -kernel "$KERNEL" -initrd "$INITRAMFS" \
    -append "$KERNEL_CMDLINE${APPEND:+ $APPEND}" "$@"
