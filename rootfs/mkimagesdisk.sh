#!/bin/bash
# rootfs/mkimagesdisk.sh STORE DISK
#
# Packs an image store (rootfs/mkimages.sh's output) into DISK, a squashfs file system that a
# board mounts read-only at --images (the board profile's IMAGES_DEV; QEMU attaches DISK as a
# virtio disk). The images keep their own rootfs.squashfs files: squashfs over squashfs costs
# nothing at run time, and the disk is not in RAM. Rebuilt only when the store is newer.
set -eu
. "$(dirname "$0")/lib.sh"
[ $# -eq 2 ] || { echo "usage: rootfs/mkimagesdisk.sh STORE DISK" >&2; exit 2; }
STORE=$1 DISK=$2
[ -d "$STORE" ] || die "no image store at $STORE (make BOARD=... images)"
command -v mksquashfs >/dev/null || ensure_pkgs squashfs-tools
if [ -f "$DISK" ] && [ -z "$(find "$STORE" -newer "$DISK" -print -quit)" ]; then
    exit 0
fi
mksquashfs "$STORE" "$DISK.tmp" -noappend -quiet -all-root >/dev/null
mv "$DISK.tmp" "$DISK"
