#!/bin/bash
# rootfs/mkinitramfs.sh BOARD OUT.cpio.gz [MANIFEST_DIR]
#   (IMAGE_BINS="FILE...": static programs added to the busybox image's /bin;
#    EXTRA_FILES="SRC:/DST ...": more files, e.g. make demo's manifest to apply;
#    MANIFESTS_LINK=/ABS/DIR: /etc/podinit/manifests is a symlink to DIR instead of a
#    directory, and DIR an empty directory of the image (a placeholder that the data disk
#    mounted over its parent hides); MANIFEST_DIR's files are then not copied. The e2e
#    OTA tests use it to keep the agent's sets on the data disk, docs/ota-e2e.md)
#
# Builds a bootable initramfs (newc cpio, gzip) for BOARD with podinit as /sbin/init:
#
#   /sbin/init                      build/<BOARD>/podinit (or $PODINIT)
#   /sbin/podctl -> init            podctl is chosen by argv[0]
#   /etc/podinit/manifests/         the *.yaml/*.yml files of MANIFEST_DIR (default rootfs/manifests/),
#                                   checked first with `podinit -n` under qemu-user
#   /etc/podinit/board              the board's name (podinit's --board default)
#   /lib/modules/*.ko               the board's MODULES from Debian's kernel (rootfs/fetch.sh), flat:
#                                   PID 1 loads every /lib/modules/*.ko (init/stage1.c)
#   /etc/podinit/modules            the same modules, one absolute path a line, in MODULES order
#   /var/lib/podinit/images/docker.io/library/busybox/latest/
#       rootfs/                     busybox-static for the board's arch: bin/busybox, a symlink
#                                   per applet, etc/passwd, etc/group, empty proc sys dev tmp
#       config.json                 OCI image config: PATH, Cmd ["sh"] (as Docker's busybox)
#   /dev /proc /sys /run /tmp /etc /root   empty
#
# Everything is owned by root (cpio -R 0:0) and dated SOURCE_DATE_EPOCH (default: the last
# commit's time), so the same inputs give the same bytes. Prints the image's size.
# Needs: rootfs/fetch.sh (kernel + busybox), cpio (installed from Debian when missing;
# rootfs/cpio.py writes the archive if that fails), gzip, qemu-user-static.
set -eu
set -o pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] && [ $# -le 3 ] || { echo "usage: rootfs/mkinitramfs.sh BOARD OUT.cpio.gz [MANIFEST_DIR]" >&2; exit 2; }
BOARD=$1
OUT=$(realpath -m "$2")
MANIFEST_DIR=$(realpath -m "${3:-$TOP/rootfs/manifests}")
board_vars "$BOARD"
# the network's keys, checked here where a mistake is cheap (rootfs/lib.sh)
why=$(board_net_problem) || die "boards/$BOARD/board.mk: $why"
PODINIT=$(realpath -m "${PODINIT:-$TOP/build/$BOARD/podinit}")
[ -f "$PODINIT" ] || die "$PODINIT does not exist: run 'make BOARD=$BOARD' first"
[ -d "$MANIFEST_DIR" ] || die "manifest directory $MANIFEST_DIR does not exist"
case "$ARCH" in
    aarch64) QEMU_USER=qemu-aarch64-static ;;
    armhf)   QEMU_USER=qemu-arm-static ;;
    *) die "unknown ARCH '$ARCH' in boards/$BOARD/board.mk" ;;
esac
log() { echo "mkinitramfs.sh: $*" >&2; }

# ---- inputs
KERNEL_PKG_GLOB=$KERNEL_PKG_GLOB "$TOP/rootfs/fetch.sh" "$ARCH" >/dev/null
K=$DEPS_DIR/kernel/$ARCH
KVER=$(cat "$K/kernel.version")
BUSYBOX=$K/busybox/bin/busybox
command -v "$QEMU_USER" >/dev/null || ensure_pkgs qemu-user-static

manifests=()
for f in "$MANIFEST_DIR"/*.yaml "$MANIFEST_DIR"/*.yml; do
    [ -f "$f" ] && manifests+=("$f")
done
[ ${#manifests[@]} -gt 0 ] || log "warning: no *.yaml/*.yml in $MANIFEST_DIR: the image runs no pod"
if [ ${#manifests[@]} -gt 0 ]; then
    if ! out=$("$QEMU_USER" "$PODINIT" -n "${manifests[@]}" 2>&1 >/dev/null); then
        printf '%s\n' "$out" >&2
        die "invalid manifests in $MANIFEST_DIR (podinit -n)"
    fi
fi

# ---- staging tree
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/podinit-initramfs.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
cd "$STAGE"
umask 022
mkdir -p dev proc sys run tmp etc root sbin etc/podinit/manifests lib/modules var/lib/podinit/images
chmod 1777 tmp
chmod 700 root
install -m 755 "$PODINIT" sbin/init
ln -s init sbin/podctl
if [ -n "${MANIFESTS_LINK:-}" ]; then
    [ "${MANIFESTS_LINK#/}" != "$MANIFESTS_LINK" ] || die "MANIFESTS_LINK must be an absolute path"
    rmdir etc/podinit/manifests
    ln -s "$MANIFESTS_LINK" etc/podinit/manifests
    mkdir -p ".$MANIFESTS_LINK"
else
    for f in "${manifests[@]}"; do install -m 644 "$f" etc/podinit/manifests/; done
fi
echo "$BOARD" >etc/podinit/board
# the board profile podinit reads at boot (supervisor/lib/board.c)
{
    echo "# boards/$BOARD/board.mk, as podinit reads it"
    echo "NAME=$BOARD"
    WATCHDOG_TIMEOUT=${WATCHDOG_TIMEOUT_OVERRIDE:-$WATCHDOG_TIMEOUT}
    WATCHDOG_BUDGET=${WATCHDOG_BUDGET_OVERRIDE:-$WATCHDOG_BUDGET}
    for k in "${BOARD_PROFILE_KEYS[@]}"; do
        [ -n "${!k}" ] && echo "$k=${!k}"
    done
} >etc/podinit/board.conf

: >etc/podinit/modules
# MODULES and what they depend on, dependencies first (rootfs/moddeps.py)
KMOD=$K/linux/lib/modules/$KVER/kernel
ORDERED=$(python3 "$TOP/rootfs/moddeps.py" "$KMOD" $MODULES) ||
    die "the modules of boards/$BOARD/board.mk (MODULES) are not all in $KMOD"
for m in $ORDERED; do
    src=$KMOD/$m
    b=${m##*/}
    [ ! -e "lib/modules/$b" ] || die "two modules named $b in MODULES"
    install -m 644 "$src" "lib/modules/$b"
    echo "/lib/modules/$b" >>etc/podinit/modules
done

for x in ${EXTRA_FILES:-}; do
    src=${x%%:*} dst=${x#*:}
    [ -f "$src" ] && [ "${dst#/}" != "$dst" ] || die "EXTRA_FILES: $x is not SRC:/DST with SRC a file"
    install -D -m 644 "$src" ".$dst"
done

# the busybox image, laid out as Docker's busybox image (every applet in /bin)
IMG=var/lib/podinit/images/docker.io/library/busybox/latest
R=$IMG/rootfs
mkdir -p "$R/bin" "$R/etc" "$R/proc" "$R/sys" "$R/dev" "$R/tmp" "$R/root" "$R/home" "$R/var"
chmod 1777 "$R/tmp"
chmod 700 "$R/root"
install -m 755 "$BUSYBOX" "$R/bin/busybox"
# IMAGE_BINS: more static programs for the busybox image's /bin (the e2e attack boot's)
for b in ${IMAGE_BINS:-}; do install -m 755 "$b" "$R/bin/"; done
applets=$("$QEMU_USER" "$BUSYBOX" --list 2>/dev/null) || applets=""
if [ -z "$applets" ]; then
    # same Debian version on the host (busybox-static): its list is the closest substitute
    log "warning: '$QEMU_USER busybox --list' failed; using the host's busybox --list"
    applets=$(busybox --list) || die "no applet list: neither $QEMU_USER nor a host busybox works"
fi
n=0
for a in $applets; do
    case "$a" in busybox|*/*|'') continue ;; esac   # never a link busybox -> busybox
    ln -s busybox "$R/bin/$a"
    n=$((n + 1))
done
cat >"$R/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/home:/bin/false
EOF
cat >"$R/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
EOF
case "$ARCH" in aarch64) oci_arch=arm64 ;; *) oci_arch=arm ;; esac
cat >"$IMG/config.json" <<EOF
{
  "architecture": "$oci_arch",
  "os": "linux",
  "config": {
    "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
    "Cmd": ["sh"]
  }
}
EOF

# ---- archive
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$TOP" log -1 --format=%ct 2>/dev/null || echo 0)}
find . -mindepth 1 -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
mkdir -p "$(dirname "$OUT")"
command -v cpio >/dev/null || ( ensure_pkgs cpio ) || true
if command -v cpio >/dev/null; then
    find . -mindepth 1 -printf '%P\n' | sort | cpio -o -H newc -R 0:0 --reproducible --quiet | gzip -9n >"$OUT.tmp"
else
    log "cpio is not available: writing the archive with rootfs/cpio.py"
    python3 "$TOP/rootfs/cpio.py" . | gzip -9n >"$OUT.tmp"
fi
mv "$OUT.tmp" "$OUT"
size=$(stat -c %s "$OUT")
what="${#manifests[@]} manifests"
[ -z "${MANIFESTS_LINK:-}" ] || what="manifests -> $MANIFESTS_LINK"
echo "$OUT: $size bytes ($((size / 1024)) KiB; kernel $KVER, $what, busybox image with $n applets, modules: ${MODULES:-none})"
