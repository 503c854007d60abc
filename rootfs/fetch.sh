#!/bin/bash
# rootfs/fetch.sh ARCH          (ARCH: aarch64 | armhf)
#
# Downloads Debian's kernel and busybox-static for ARCH with `apt-get download` and unpacks
# them with `dpkg-deb -x` (nothing is installed). Idempotent: a stamp file records what was
# unpacked, and a second run only checks it. Prints the kernel's path on stdout.
#
#   build/deps/kernel/<ARCH>/
#     debs/                     the downloaded .deb files
#     linux/                    the kernel package unpacked (boot/vmlinuz-*, lib/modules/<ver>/, usr/lib/linux-image-*/ dtbs)
#     busybox/                  busybox-static unpacked (bin/busybox)
#     vmlinuz                   symlink to linux/boot/vmlinuz-<ver>
#     kernel.version            <ver> (e.g. 6.1.0-50-arm64), the lib/modules/ directory name
#     versions.txt              package=version of what was unpacked
#     .stamp                    written last; names the kernel package and version
#
# Environment:
#   KERNEL_PKG_GLOB  kernel package name, `*` standing for the ABI (e.g. 6.1.0-50). Default:
#                    linux-image-*-arm64-unsigned (aarch64), linux-image-*-armmp (armhf).
#                    The newest ABI in the apt indexes is taken; if its download fails
#                    (an unusable security index, see docs/toolchain.md) the next one is tried.
#   KERNEL_PKG       an exact package name instead (e.g. linux-image-6.1.0-47-armmp).
#   DEPS_DIR         default build/deps
#
# Calls boards/deps.sh ARCH first when build/deps/.stamp-ARCH is missing (it enables the
# foreign architecture and fetches its indexes).
set -eu
set -o pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || { echo "usage: rootfs/fetch.sh aarch64|armhf" >&2; exit 2; }
ARCH=$1
DEBARCH=$(arch_debarch "$ARCH")
case "$ARCH" in
    aarch64) : "${KERNEL_PKG_GLOB:=linux-image-*-arm64-unsigned}" ;;
    armhf)   : "${KERNEL_PKG_GLOB:=linux-image-*-armmp}" ;;
esac
K=$DEPS_DIR/kernel/$ARCH
STAMP=$K/.stamp
log() { echo "fetch.sh: $*" >&2; }
mkdir -p "$K"
exec 9>"$K/.lock"   # two boards of one arch (qemu-virt-arm64, raspberrypi4) may fetch at once
flock 9

# ---- already done?
if [ -f "$STAMP" ] && [ -z "${KERNEL_PKG:-}" ]; then
    read -r have_glob _ <"$STAMP" || true
    if [ "$have_glob" = "$KERNEL_PKG_GLOB" ] && [ -e "$K/vmlinuz" ] && [ -x "$K/busybox/bin/busybox" ]; then
        readlink -f "$K/vmlinuz"
        exit 0
    fi
elif [ -f "$STAMP" ]; then
    read -r _ have_pkg _ <"$STAMP" || true
    if [ "$have_pkg" = "$KERNEL_PKG" ] && [ -e "$K/vmlinuz" ] && [ -x "$K/busybox/bin/busybox" ]; then
        readlink -f "$K/vmlinuz"
        exit 0
    fi
fi

# ---- the foreign architecture and its indexes come from boards/deps.sh
if [ ! -f "$DEPS_DIR/.stamp-$ARCH" ]; then
    log "build/deps/.stamp-$ARCH is missing: running boards/deps.sh $ARCH first"
    DEPS_DIR=$DEPS_DIR "$TOP/boards/deps.sh" "$ARCH" >&2
fi

# candidates: package names matching the glob, `*` = an ABI such as 6.1.0-50, newest first
candidates() {
    if [ -n "${KERNEL_PKG:-}" ]; then echo "$KERNEL_PKG"; return; fi
    local re
    re=$(sed -e 's/[.+]/\\&/g' -e 's/\*/[0-9]+(\\.[0-9]+)*-[0-9]+/g' <<<"$KERNEL_PKG_GLOB")
    apt-cache pkgnames linux-image- 2>/dev/null | grep -E "^$re\$" | sort -u | sort -rV || true
}

apt_download() { # PKG:ARCH -> the .deb in $K/debs (newest version first; next one if a download fails)
    local p=$1 v
    for v in $(apt-cache madison "$p" 2>/dev/null \
               | awk -F'|' -v a="$DEBARCH" '$3 ~ (" " a " Packages") { gsub(/ /, "", $2); print $2 }' \
               | sort -u | sort -rV); do
        if (cd "$K/debs" && apt-get -q -o APT::Sandbox::User="$(id -un)" download "$p=$v" >>"$K/debs/download.log" 2>&1); then
            echo "$v"
            return 0
        fi
        log "download of $p=$v failed, trying the next version"
    done
    return 1
}

rm -rf "$K/debs" "$K/linux" "$K/busybox" "$STAMP"
mkdir -p "$K/debs"

cands=$(candidates)
if [ -z "$cands" ]; then
    # the indexes of $DEBARCH may never have been fetched on this machine
    log "no package matches $KERNEL_PKG_GLOB for $DEBARCH: running apt-get update"
    apt-get -q update >>"$K/debs/download.log" 2>&1 || true
    cands=$(candidates)
fi
[ -n "$cands" ] || die "no kernel package matches '${KERNEL_PKG:-$KERNEL_PKG_GLOB}' in the $DEBARCH indexes (log: $K/debs/download.log)"

kpkg="" kver=""
for c in $cands; do
    if kver=$(apt_download "$c:$DEBARCH"); then kpkg=$c; break; fi
done
[ -n "$kpkg" ] || die "could not download any of: $(tr '\n' ' ' <<<"$cands") (log: $K/debs/download.log)"
bver=$(apt_download "busybox-static:$DEBARCH") || die "could not download busybox-static:$DEBARCH (log: $K/debs/download.log)"

log "unpacking $kpkg=$kver and busybox-static=$bver for $DEBARCH"
dpkg-deb -x "$(ls "$K"/debs/"${kpkg}"_*_"$DEBARCH".deb | head -n 1)" "$K/linux"
dpkg-deb -x "$(ls "$K"/debs/busybox-static_*_"$DEBARCH".deb | head -n 1)" "$K/busybox"

vmlinuz=$(ls "$K"/linux/boot/vmlinuz-* 2>/dev/null | head -n 1)
[ -n "$vmlinuz" ] || die "$kpkg has no boot/vmlinuz-*"
kabi=${vmlinuz##*/vmlinuz-}
[ -d "$K/linux/lib/modules/$kabi/kernel" ] || die "$kpkg has no lib/modules/$kabi/kernel"
[ -x "$K/busybox/bin/busybox" ] || die "busybox-static:$DEBARCH has no bin/busybox"
ln -sfn "linux/boot/vmlinuz-$kabi" "$K/vmlinuz"
echo "$kabi" >"$K/kernel.version"
printf '%s=%s\nbusybox-static=%s\n' "$kpkg" "$kver" "$bver" >"$K/versions.txt"
rm -f "$K"/debs/*.deb   # unpacked; keeps build/deps small (about 60 MB less per arch)
echo "$KERNEL_PKG_GLOB $kpkg $kver" >"$STAMP"
readlink -f "$K/vmlinuz"
