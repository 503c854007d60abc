#!/bin/bash
# bench/board.sh BOARD - the bench on an emulated board (`make BOARD=<board> bench`).
#
# Builds a bench image: the board's own initramfs (rootfs/mkinitramfs.sh, podinit as
# /sbin/init, no pods) with a second cpio archive appended (the kernel unpacks both):
#   /bench/init             bench/board-init.sh, booted with rdinit=/bench/init
#   /bench/bin/             the board's busybox-static with its applets, lat and stamp
#                           (bench/*.c, static musl builds for the board)
#   /usr/bin/crun + libs    Debian's crun (and strace) for the board's architecture and the
#                           shared libraries they need (apt-get download, dpkg-deb -x)
#   /bench/crun/one, pN/    OCI bundles over the busybox image's root (stamp to /out/t, /out/p.N)
#   bin/stamp               in the busybox image too, for podinit's pods
# and boots it under qemu-system (tests/e2e/boot.py) with 512 MiB: bench/board-init.sh runs
# podinit, crun, unshare and fork+exec side by side under the board's cgroup v2 and prints
# its figures on the console. A second boot of the board's plain image (podinit as PID 1, one
# pod whose container is stamp) gives the time from the kernel's start to the first app
# container's first instruction. bench/board.py reads both consoles and prints the tables
# (markdown) with the per-part size table of the binary from its link map.
#
# Environment: BENCH_N samples per latency row (default 10); BENCH_KEEP=1 keeps
# build/bench/<board>/ (the images and the console logs are there either way).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
. rootfs/lib.sh
[ $# -eq 1 ] || { echo "usage: bench/board.sh BOARD" >&2; exit 2; }
BOARD=$1
board_vars "$BOARD"
[ -n "$QEMU_SYSTEM" ] || die "boards/$BOARD/board.mk has no QEMU_SYSTEM: it cannot be emulated"
DEBARCH=$(arch_debarch "$ARCH")
case "$ARCH" in
    aarch64) TRIPLET=aarch64-linux-gnu QEMU_USER=qemu-aarch64-static ;;
    armhf) TRIPLET=arm-linux-gnueabihf QEMU_USER=qemu-arm-static ;;
esac
B=$TOP/build/$BOARD
W=$TOP/build/bench/$BOARD
log() { echo "board.sh: $*" >&2; }
for f in "$B/podinit" "$B/bench/lat" "$B/bench/stamp"; do
    [ -x "$f" ] || die "$f is missing: run 'make BOARD=$BOARD bench'"
done
command -v "$QEMU_SYSTEM" >/dev/null || ensure_pkgs qemu-system-arm
command -v cpio >/dev/null || ensure_pkgs cpio
rm -rf "$W"
mkdir -p "$W/debs" "$W/crun" "$W/stage" "$W/manifests-empty" "$W/manifests-first"

# ---- Debian's crun for the board, with what it links (names from its Depends, recursively)
log "crun for $DEBARCH (apt-get download)"
want=(crun strace) # strace: one traced start, where the time goes
have=" "
while [ ${#want[@]} -gt 0 ]; do
    p=${want[0]}
    want=("${want[@]:1}")
    case "$have" in *" $p "*) continue ;; esac
    have="$have$p "
    (cd "$W/debs" && apt-get -q -o APT::Sandbox::User="$(id -un)" download "$p:$DEBARCH" >>"$W/debs/download.log" 2>&1) ||
        die "apt-get download $p:$DEBARCH failed (log: $W/debs/download.log)"
    deb=$(ls "$W"/debs/"${p}"_*_"$DEBARCH".deb | head -n 1)
    dpkg-deb -x "$deb" "$W/crun"
    # Depends: the shared libraries only (lib*), first alternative, no version
    for d in $(dpkg-deb -f "$deb" Depends Pre-Depends | sed 's/^[A-Za-z-]*: //' | tr ',' '\n' | sed -e 's/|.*//' -e 's/(.*)//' -e 's/:any//' | tr -d ' '); do
        case "$d" in lib*) want+=("$d") ;; esac
    done
done
log "crun, strace and $(( $(wc -w <<<"$have") - 2 )) libraries: $have"
S=$W/stage
mkdir -p "$S/usr/bin" "$S/lib" "$S/lib/$TRIPLET" "$S/usr/lib/$TRIPLET"
cp -a "$W/crun/usr/bin/crun" "$W/crun/usr/bin/strace" "$S/usr/bin/"
for d in "lib/$TRIPLET" "usr/lib/$TRIPLET"; do
    [ -d "$W/crun/$d" ] && find "$W/crun/$d" -maxdepth 1 -name '*.so*' -exec cp -a {} "$S/$d/" \;
done
cp -a "$W/crun"/lib/ld-linux-* "$S/lib/"
"$QEMU_USER" -L "$S" "$S/usr/bin/crun" --version >/dev/null || die "crun does not run under $QEMU_USER -L (its libraries?)"

# ---- busybox, lat, stamp, the init
KERNEL_PKG_GLOB=$KERNEL_PKG_GLOB rootfs/fetch.sh "$ARCH" >/dev/null # the kernel and busybox-static
K=$DEPS_DIR/kernel/$ARCH
mkdir -p "$S/bench/bin" "$S/var/lib/podinit/images/docker.io/library/busybox/latest/rootfs/bin"
install -m 755 "$K/busybox/bin/busybox" "$S/bench/bin/busybox"
for a in $("$QEMU_USER" "$S/bench/bin/busybox" --list); do [ "$a" = busybox ] || ln -sf busybox "$S/bench/bin/$a"; done
install -m 755 "$B/bench/lat" "$B/bench/stamp" "$S/bench/bin/"
install -m 755 "$B/bench/stamp" "$S/var/lib/podinit/images/docker.io/library/busybox/latest/rootfs/bin/stamp"
install -m 755 bench/board-init.sh "$S/bench/init"

# ---- eleven OCI bundles (bench/oci_bundle.py, as the host bench makes its one): crun spec's
# defaults, the busybox image's root read-only, stamp writing /out/t (one) or /out/p.N (pN)
command -v crun >/dev/null || ensure_pkgs crun
(cd "$W" && crun spec) || die "crun spec failed"
BUSYBOX_ROOT=/var/lib/podinit/images/docker.io/library/busybox/latest/rootfs
python3 bench/oci_bundle.py "$W/config.json" "$S/bench/crun/one" $BUSYBOX_ROOT /tmp/bench/out /bin/stamp /out/t
for n in 0 1 2 3 4 5 6 7 8 9; do
    python3 bench/oci_bundle.py "$W/config.json" "$S/bench/crun/p$n" $BUSYBOX_ROOT /tmp/bench/out /bin/stamp "/out/p.$n"
done

# the overlay archive: owned by root, after the board's own image
(cd "$S" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -9n) >"$W/overlay.cpio.gz"

# ---- the bench image, and the boot-time image (one pod: stamp, to its log)
PODINIT=$B/podinit rootfs/mkinitramfs.sh "$BOARD" "$W/base.cpio.gz" "$W/manifests-empty" 2>"$W/mkinitramfs.log" ||
    { cat "$W/mkinitramfs.log" >&2; die "rootfs/mkinitramfs.sh failed"; }
cat "$W/base.cpio.gz" "$W/overlay.cpio.gz" >"$W/bench.cpio.gz"
cat >"$W/manifests-first/first.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: first}
spec:
  restartPolicy: Never
  containers:
  - {name: stamp, image: busybox, command: [/bin/stamp]}
EOF
# mkinitramfs.sh checks the manifest with the busybox image it lays out (without stamp: fine)
PODINIT=$B/podinit rootfs/mkinitramfs.sh "$BOARD" "$W/first-base.cpio.gz" "$W/manifests-first" 2>>"$W/mkinitramfs.log" ||
    { cat "$W/mkinitramfs.log" >&2; die "rootfs/mkinitramfs.sh (boot-time image) failed"; }
cat "$W/first-base.cpio.gz" "$W/overlay.cpio.gz" >"$W/first.cpio.gz"

log "booting $BOARD (bench image: $(stat -c %s "$W/bench.cpio.gz") bytes; a few minutes under emulation)"
python3 bench/board.py "$BOARD" "$W" "$B/podinit"
