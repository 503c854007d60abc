#!/bin/bash
# rootfs/mkimages.sh ARCH OUTDIR [--squashfs]
#
# Builds podinit's container images from Debian packages into the image store OUTDIR
# (layout: docs/design.md "Images"; what each image holds: docs/images.md):
#
#   OUTDIR/docker.io/library/busybox/latest/   busybox-static, applets as symlinks
#   OUTDIR/docker.io/library/nginx/latest/     Debian's nginx, set up like the official image
#   OUTDIR/k8s.gcr.io/git-sync/v3.1.6/         rootfs/git-sync.sh (v3.1.6's behaviour) over Debian's git
#
# each holding rootfs/ (or rootfs.squashfs with --squashfs), config.json (an OCI image
# config) and packages.txt (the Debian packages and versions in it).
#
#   ARCH   host (the build machine's architecture), aarch64 or armhf
#
# Packages are fetched with `apt-get download` and unpacked with `dpkg-deb -x`: nothing is
# installed for the image's architecture. The shared-library closure is taken from the
# packages' Depends (minus what an image never needs, EXCLUDE below), then checked
# against the ELF NEEDED entries of every binary: the build fails if a library is missing.
# Downloaded .deb files are kept in build/deps/images/<debarch>/ for the next run.
# Build-host tools (binutils for readelf, squashfs-tools, python3) are installed with
# apt-get when missing; a foreign architecture is enabled with dpkg --add-architecture
# (as boards/deps.sh does) when its package lists are missing.
set -eu
set -o pipefail
# shellcheck source=rootfs/lib.sh
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: rootfs/mkimages.sh host|aarch64|armhf OUTDIR [--squashfs]" >&2; exit 2; }
if [ $# -lt 2 ] || [ $# -gt 3 ]; then usage; fi
ARGV=("$@")
ARCH=$1 OUT=$2 SQUASH=0
if [ $# -eq 3 ]; then
    if [ "$3" = --squashfs ]; then SQUASH=1; else usage; fi
fi
case "$ARCH" in
    host) DEBARCH=$(dpkg --print-architecture) ;;
    *) DEBARCH=$(arch_debarch "$ARCH") ;;
esac
case "$DEBARCH" in   # the OCI config's architecture/variant, and the dynamic loader
    amd64) OCI_ARCH=amd64 OCI_VARIANT="" TRIPLET=x86_64-linux-gnu ;;
    arm64) OCI_ARCH=arm64 OCI_VARIANT=v8 TRIPLET=aarch64-linux-gnu ;;
    armhf) OCI_ARCH=arm OCI_VARIANT=v7 TRIPLET=arm-linux-gnueabihf ;;
    *) die "unsupported architecture $DEBARCH" ;;
esac

HERE=$TOP/rootfs
DEBS=$DEPS_DIR/images/$DEBARCH
WORK=$DEPS_DIR/images/work-$DEBARCH
log() { echo "mkimages.sh: $*" >&2; }
# apt's binary caches of our own: some systems turn the default ones off (Dir::Cache::pkgcache
# ""), and then every apt-cache call parses all the package lists again (over a second)
APT_OPTS=(-o "Dir::Cache::pkgcache=$DEPS_DIR/images/pkgcache.bin" -o "Dir::Cache::srcpkgcache=$DEPS_DIR/images/srcpkgcache.bin")

# Never put into an image: maintainer-script and documentation machinery, perl (git's perl
# commands are removed below), iproute2 (nginx's package wants it for nothing it runs), openssl
# (the CLI; ca-certificates wants it only for update-ca-certificates, done here instead),
# libsasl2-modules-db (SASL's server-side password database, and Berkeley DB with it).
EXCLUDE=" perl perl-base perl-modules-5.36 libperl5.36 liberror-perl git-man debconf debconf-2.0
          cdebconf iproute2 lsb-base dpkg install-info sensible-utils ucf openssl adduser
          init-system-helpers libsasl2-modules-db "

mkdir -p "$DEBS" "$OUT"
ensure_pkgs binutils python3 busybox-static
[ "$SQUASH" = 0 ] || ensure_pkgs squashfs-tools

# ---- the image architecture's package lists
if [ "$DEBARCH" != "$(dpkg --print-architecture)" ]; then
    case " $(dpkg --print-foreign-architectures | tr '\n' ' ') " in
        *" $DEBARCH "*) ;;
        *) log "enabling foreign architecture $DEBARCH"; dpkg --add-architecture "$DEBARCH" ;;
    esac
fi
if ! apt-cache "${APT_OPTS[@]}" show --no-all-versions "libc6:$DEBARCH" >/dev/null 2>&1; then
    log "no $DEBARCH package lists: apt-get update"
    apt-get -q update >&2 || true
fi

# ---- package metadata
declare -A STANZA=()
pkg_field() { # PKG FIELD: the field of PKG's candidate for DEBARCH (or arch all)
    local out
    if [ -z "${STANZA[$1]+set}" ]; then
        # an arch-all package is not found as PKG:ARCH for a foreign ARCH (apt says nothing)
        out=$(apt-cache "${APT_OPTS[@]}" show --no-all-versions "$1:$DEBARCH" 2>/dev/null) || out=""
        [ -n "$out" ] || out=$(apt-cache "${APT_OPTS[@]}" show --no-all-versions "$1" 2>/dev/null) || out=""
        grep -qxE "Architecture: ($DEBARCH|all)" <<<"$out" || out=""   # never another arch's
        STANZA[$1]=$out
    fi
    out=${STANZA[$1]}
    [ -n "$out" ] || return 1
    awk -v f="$2" 'BEGIN { IGNORECASE = 1 } $0 ~ "^" f ":" { sub("^[^:]*: *", ""); print; exit }' <<<"$out"
}

# closure PKG...: PKG and their Depends/Pre-Depends, recursively, first alternative of each
# (a virtual one: its first provider), minus EXCLUDE
closure() {
    CLOSURE=()
    local -A seen=()
    local queue=("$@") p deps d alt
    while [ ${#queue[@]} -gt 0 ]; do
        p=${queue[0]}; queue=("${queue[@]:1}")
        [ -n "${seen[$p]:-}" ] && continue
        case "$EXCLUDE" in *" $p "*) continue ;; esac
        if ! pkg_field "$p" Package >/dev/null; then
            alt=$(apt-cache "${APT_OPTS[@]}" showpkg "$p" 2>/dev/null | awk '/^Reverse Provides:/ { if (getline > 0 && NF) print $1; exit }')
            [ -n "$alt" ] || die "no package $p for $DEBARCH"
            queue+=("$alt"); continue
        fi
        seen[$p]=1
        CLOSURE+=("$p")
        deps="$(pkg_field "$p" Pre-Depends || true), $(pkg_field "$p" Depends || true)"
        IFS=, read -ra ds <<<"$deps"
        for d in "${ds[@]}"; do
            d=${d%%|*}; d=${d%%(*}; d=${d%%:*}; d=${d//[[:space:]]/}
            if [ -n "$d" ]; then queue+=("$d"); fi
        done
    done
}

download() { # PKG: the candidate .deb in $DEBS, downloaded once; prints its path
    local p=$1 v a f
    v=$(pkg_field "$p" Version) a=$(pkg_field "$p" Architecture)
    f=$DEBS/${p}_${v//:/%3a}_${a}.deb
    if [ ! -s "$f" ]; then
        local spec=$p
        [ "$a" = all ] || spec=$p:$DEBARCH
        (cd "$DEBS" && apt-get "${APT_OPTS[@]}" -q -o APT::Sandbox::User="$(id -un)" download "$spec=$v" >>"$DEBS/download.log" 2>&1) \
            || { log "apt-get download $spec=$v failed (log: $DEBS/download.log)"; return 3; }
    fi
    [ -s "$f" ] || die "apt-get download $p left no $f"
    echo "$f"
}

# Stale package lists name versions the mirror no longer has: update them once and start
# again, every version chosen anew.
retry_after_update() {
    [ -z "${MKIMAGES_UPDATED:-}" ] || die "downloading from the Debian archive failed (log: $DEBS/download.log)"
    log "apt-get update, then starting again"
    apt-get -q update >>"$DEBS/download.log" 2>&1 || true
    flock -u 9
    MKIMAGES_UPDATED=1 exec "$0" "${ARGV[@]}"
}

# unpack IMAGE_ROOT PKG...: the packages and their closure into IMAGE_ROOT; their names and
# versions into IMAGE_ROOT/../packages.txt
unpack() {
    local root=$1 p f
    shift
    closure "$@"
    for p in "${CLOSURE[@]}"; do
        f=$(download "$p") || retry_after_update
        dpkg-deb -x "$f" "$root"
        printf '%s %s %s\n' "$p" "$(pkg_field "$p" Version)" "$(pkg_field "$p" Architecture)" >>"$root/../packages.txt"
    done
}

# ---- common image steps
new_image() { # DIR: an empty image directory (to be renamed by finish) with rootfs/ and the base directories
    rm -rf "$1"
    mkdir -p "$1/rootfs"
    : >"$1/packages.txt"
    base_dirs "$1/rootfs"
}
base_dirs() { # ROOT: the directories every image has (also after strip_common)
    local r=$1
    mkdir -p "$r"/{bin,dev,etc,proc,root,run,sys,tmp,var/tmp}
    chmod 1777 "$r/tmp" "$r/var/tmp"
    chmod 0700 "$r/root"
}

busybox_links() { # ROOT: a symlink for each applet of ROOT/bin/busybox that is not a file already
    local r=$1 list app rel
    if [ "$DEBARCH" = "$(dpkg --print-architecture)" ]; then
        list=$("$r/bin/busybox" --list-full)
    else
        # a foreign binary: Debian builds busybox-static with one configuration on every
        # architecture, so the build host's busybox-static lists the same applets
        list=$(/bin/busybox --list-full)
    fi
    for app in $list; do
        [ -e "$r/$app" ] || [ -L "$r/$app" ] && continue
        case "$app" in
            bin/*) rel=busybox ;;
            sbin/*) rel=../bin/busybox ;;
            usr/bin/*|usr/sbin/*) rel=../../bin/busybox ;;
            *) continue ;;
        esac
        mkdir -p "$r/${app%/*}"
        ln -s "$rel" "$r/$app"
    done
}

# strip ROOT: what no image here needs (docs/images.md lists it)
strip_common() {
    local r=$1
    rm -rf "$r"/usr/share/{doc,doc-base,man,info,locale,lintian,bug,bash-completion,menu,zsh,perl5,apport} \
           "$r"/usr/lib/"$TRIPLET"/gconv "$r"/usr/lib/"$TRIPLET"/perl* "$r"/usr/share/perl* \
           "$r"/etc/{init.d,logrotate.d,ufw,default,cron.daily,systemd} \
           "$r"/lib/systemd "$r"/usr/lib/systemd "$r"/usr/lib/tmpfiles.d \
           "$r"/usr/share/common-licenses "$r"/usr/share/debconf "$r"/usr/share/pkgconfig \
           "$r"/usr/share/gcc "$r"/usr/share/gdb "$r"/usr/lib/"$TRIPLET"/gconv \
           "$r"/sbin/ldconfig "$r"/usr/bin/{ldd,iconv,getconf,getent,locale,localedef,catchsegv,tzselect,zdump,pldd,sotruss,sprof,gencat} \
           "$r"/usr/sbin/{iconvconfig,zic} "$r"/usr/share/zoneinfo
    find "$r" -depth -type d -empty ! -path "$r/dev" ! -path "$r/proc" ! -path "$r/sys" \
         ! -path "$r/tmp" ! -path "$r/run" ! -path "$r/root" ! -path "$r/var/tmp" \
         ! -path "$r/var/cache/nginx" ! -path "$r/var/lib/nginx" ! -path "$r/docker-entrypoint.d" \
         ! -path "$r/var/log/nginx" -delete
    base_dirs "$r"
}

# check_elf ROOT: every NEEDED library of every ELF file is in the image's library directories
check_elf() {
    local r=$1 f lib nmissing=0 dirs
    dirs=("$r/lib/$TRIPLET" "$r/usr/lib/$TRIPLET" "$r/lib" "$r/usr/lib")
    while IFS= read -r f; do
        [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = 177ELF ] || continue
        for lib in $(readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
            local found=0 d
            for d in "${dirs[@]}"; do [ -e "$d/$lib" ] && { found=1; break; }; done
            [ "$found" = 1 ] || { log "${f#"$r"}: needs $lib, which is not in the image"; nmissing=1; }
        done
    done < <(find "$r" -type f \( -perm -u+x -o -name '*.so*' \))
    [ "$nmissing" = 0 ] || die "missing shared libraries in $r"
}

# prune_libs ROOT: shared libraries in the top of the library directories that no program of
# the image needs (ELF NEEDED, transitively) go, but for those that glibc or programs dlopen
# by name (the loader, libgcc_s, NSS modules, the small libc companions). Subdirectories
# (OpenSSL's providers and engines, krb5 plugins) are left alone.
prune_libs() {
    python3 - "$1" "$TRIPLET" <<'PY'
import os, re, subprocess, sys
root, triplet = sys.argv[1], sys.argv[2]
dirs = [f"lib/{triplet}", f"usr/lib/{triplet}", "lib", "usr/lib"]
keep = re.compile(r"^(ld-linux.*|ld64.*|libc\.so.*|libgcc_s.*|libnss_(files|dns).*|libm\.so.*|libdl\.so.*"
                  r"|libpthread\.so.*|librt\.so.*|libutil\.so.*|libresolv\.so.*)$")
def elf(p):
    try:
        with open(p, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False
def needed(p):
    out = subprocess.run(["readelf", "-d", p], capture_output=True, text=True).stdout
    return re.findall(r"\(NEEDED\).*\[(.*)\]", out)
def find(lib):
    for d in dirs:
        p = os.path.join(root, d, lib)
        if os.path.exists(p):
            return os.path.realpath(p)
libs, todo = set(), []
for d, _, files in os.walk(root):
    for f in files:
        p = os.path.join(d, f)
        if not os.path.islink(p) and elf(p) and ".so" not in f:
            todo += needed(p)
reach = set()
while todo:
    p = find(todo.pop())
    if p and p not in reach:
        reach.add(p)
        todo += needed(p)
for d in dirs:
    top = os.path.join(root, d)
    if not os.path.isdir(top):
        continue
    for f in sorted(os.listdir(top)):
        p = os.path.join(top, f)
        if ".so" in f and not os.path.isdir(p) and not keep.match(f) and os.path.realpath(p) not in reach:
            os.unlink(p)
PY
}

write_config() { # DIR JSON-OF-config: config.json, an OCI image config
    ARCH_J=$OCI_ARCH VARIANT_J=$OCI_VARIANT CONFIG_J=$2 python3 - "$1/config.json" <<'EOF'
import json, os, sys, datetime
cfg = {
    "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "architecture": os.environ["ARCH_J"],
    "os": "linux",
    "config": json.loads(os.environ["CONFIG_J"]),
    "rootfs": {"type": "layers", "diff_ids": []},
    "history": [{"created_by": "podinit rootfs/mkimages.sh (Debian packages, see packages.txt)"}],
}
if os.environ["VARIANT_J"]:
    cfg["variant"] = os.environ["VARIANT_J"]
with open(sys.argv[1], "w") as f:
    json.dump(cfg, f, indent=2)
    f.write("\n")
EOF
}

# finish DIR FINAL: unneeded libraries out, checks, rootfs.squashfs in place of rootfs/ when
# asked, then DIR renamed to FINAL (an image is replaced only by a complete one)
finish() {
    local d=$1 final=$2 what
    prune_libs "$d/rootfs"
    check_elf "$d/rootfs"
    if [ "$SQUASH" = 1 ]; then
        rm -f "$d/rootfs.squashfs"
        mksquashfs "$d/rootfs" "$d/rootfs.squashfs" -comp xz -noappend -quiet >/dev/null
        rm -rf "$d/rootfs"
        what="rootfs.squashfs, $(du -k "$d/rootfs.squashfs" | cut -f1) KiB"
    else
        what="rootfs/, $(du -sk "$d/rootfs" | cut -f1) KiB"
    fi
    rm -rf "$final"
    mv "$d" "$final"
    log "built $final ($what)"
}

PATH_ENV="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# ---- busybox
build_busybox() {
    local final=$OUT/docker.io/library/busybox/latest d r
    d=$final.building
    r=$d/rootfs
    new_image "$d"
    unpack "$r" busybox-static
    busybox_links "$r"
    strip_common "$r"
    mkdir -p "$r/home"
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$r/etc/passwd"
    printf 'root:x:0:\nnobody:x:65534:\n' >"$r/etc/group"
    write_config "$d" "{\"Env\": [\"$PATH_ENV\"], \"Cmd\": [\"sh\"]}"
    finish "$d" "$final"
}

# ---- nginx, set up as the official image (docs/images.md)
build_nginx() {
    local final=$OUT/docker.io/library/nginx/latest d r
    d=$final.building
    r=$d/rootfs
    new_image "$d"
    unpack "$r" nginx nginx-common busybox-static
    busybox_links "$r"
    strip_common "$r"
    # Debian's site, module and packaging files give way to the official image's configuration
    rm -rf "$r"/etc/nginx/{sites-available,sites-enabled,modules-available,modules-enabled,nginx.conf} \
           "$r"/var/www "$r"/usr/share/nginx/html "$r"/usr/share/nginx/modules* "$r"/usr/lib/nginx \
           "$r"/usr/share/apport "$r"/usr/share/vim "$r"/etc/ufw
    mkdir -p "$r"/etc/nginx/conf.d "$r"/usr/share/nginx/html "$r"/var/log/nginx \
             "$r"/var/lib/nginx "$r"/var/cache/nginx "$r"/docker-entrypoint.d
    cp "$HERE/images/nginx/nginx.conf" "$r/etc/nginx/nginx.conf"
    cp "$HERE/images/nginx/default.conf" "$r/etc/nginx/conf.d/default.conf"
    cp "$HERE/images/nginx/index.html" "$HERE/images/nginx/50x.html" "$r/usr/share/nginx/html/"
    install -m 0755 "$HERE/images/nginx/docker-entrypoint.sh" "$r/docker-entrypoint.sh"
    ln -sf /dev/stdout "$r/var/log/nginx/access.log"
    ln -sf /dev/stderr "$r/var/log/nginx/error.log"
    cat >"$r/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nginx:x:101:101:nginx user:/nonexistent:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
    printf 'root:x:0:\nnginx:x:101:\nnogroup:x:65534:\n' >"$r/etc/group"
    write_config "$d" "{\"Env\": [\"$PATH_ENV\", \"NGINX_VERSION=$(pkg_field nginx Version)\"],
        \"Entrypoint\": [\"/docker-entrypoint.sh\"], \"Cmd\": [\"nginx\", \"-g\", \"daemon off;\"],
        \"ExposedPorts\": {\"80/tcp\": {}}, \"StopSignal\": \"SIGQUIT\"}"
    finish "$d" "$final"
}

# ---- git-sync v3.1.6 over Debian's git
build_git_sync() {
    local final=$OUT/k8s.gcr.io/git-sync/v3.1.6 d r f
    d=$final.building
    r=$d/rootfs
    new_image "$d"
    unpack "$r" git ca-certificates busybox-static
    busybox_links "$r"
    strip_common "$r"
    # git's perl commands (perl is left out), its web and GUI parts, the sample hooks
    for f in "$r"/usr/lib/git-core/*; do
        [ -f "$f" ] && [ ! -L "$f" ] && head -c 64 "$f" | grep -q '^#!.*perl' && rm -f "$f"
    done
    # the server side, mail, scalar, dumb-HTTP push/fetch helpers; /usr/bin/git is the same file
    rm -f "$r"/usr/bin/{scalar,git-shell} "$r"/usr/lib/git-core/{scalar,git-shell,git-daemon,git-http-backend} \
          "$r"/usr/lib/git-core/{git-http-push,git-http-fetch,git-imap-send}
    ln -f "$r/usr/lib/git-core/git" "$r/usr/bin/git"
    rm -rf "$r"/usr/share/gitweb "$r"/usr/share/git-core/templates/hooks "$r"/usr/lib/git-core/mergetools \
           "$r"/usr/share/git-core/contrib "$r"/usr/lib/git-core/git-{instaweb,gui*,citool,web--browse}
    # ca-certificates' postinst, done here: one PEM bundle where git's libcurl looks for it
    mkdir -p "$r/etc/ssl/certs"
    find "$r/usr/share/ca-certificates" -name '*.crt' | sort | xargs cat >"$r/etc/ssl/certs/ca-certificates.crt"
    install -m 0755 "$HERE/git-sync.sh" "$r/git-sync"
    cat >"$r/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
git-sync:x:65533:65533::/tmp:/sbin/nologin
EOF
    chmod 0666 "$r/etc/passwd"   # as v3.1.6: GIT_SYNC_ADD_USER appends to it as the running user
    printf 'root:x:0:\ngit-sync:x:65533:\nnogroup:x:65534:\n' >"$r/etc/group"
    write_config "$d" "{\"Env\": [\"$PATH_ENV\", \"HOME=/tmp\"], \"Entrypoint\": [\"/git-sync\"],
        \"WorkingDir\": \"/tmp\", \"User\": \"65533\"}"
    finish "$d" "$final"
}

mkdir -p "$DEBS" "$OUT"
exec 9>"$DEBS/.lock"
flock 9
build_busybox
build_nginx
build_git_sync
rm -rf "$WORK"
log "done: $OUT"
