# shellcheck shell=bash
# rootfs/lib.sh - shared by rootfs/*.sh and tests/e2e/run.sh (sourced, bash).
#
#   TOP                   repo root
#   DEPS_DIR              build/deps (or $DEPS_DIR)
#   board_vars BOARD      sets ARCH BOARD_DESC KERNEL_PKG_GLOB QEMU_SYSTEM QEMU_ARGS KERNEL_CMDLINE
#                         CONSOLE MODULES WATCHDOG_DEV WATCHDOG_TIMEOUT from boards/BOARD/board.mk
#   ensure_pkgs PKG...    apt-get install what dpkg-query says is missing (root, else sudo -n)
#   arch_debarch ARCH     aarch64 -> arm64, armhf -> armhf

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
DEPS_DIR=${DEPS_DIR:-$TOP/build/deps}
export LC_ALL=C

# what board.conf carries for podinit (supervisor/lib/board.c), written when board.mk sets it
BOARD_PROFILE_KEYS=(WATCHDOG_DEV WATCHDOG_TIMEOUT WATCHDOG_BUDGET RESERVED_MEMORY SECCOMP_DEFAULT
                    POD_PIDS_LIMIT MAX_PODS TMPFS_DEFAULT POD_CIDR SERVICE_CIDR UPLINK UPLINK_ADDR
                    UPLINK_GATEWAY DNS IMAGES_DEV DATA_DEV OTA_SETTLE OTA_DEADLINE OTA_BOOTS)
BOARD_VARS=(ARCH BOARD_DESC KERNEL_PKG_GLOB QEMU_SYSTEM QEMU_ARGS KERNEL_CMDLINE CONSOLE MODULES
            "${BOARD_PROFILE_KEYS[@]}")

die() { echo "${0##*/}: $*" >&2; exit 1; }

# board_vars BOARD: the board's variables, read through make so board.mk stays the only source
board_vars() {
    local b=$1 out k v
    [ -f "$TOP/boards/$b/board.mk" ] \
        || die "unknown board '$b' (boards: $(cd "$TOP/boards" && ls -d */ | tr -d / | tr '\n' ' '))"
    out=$(env -u MAKEFLAGS -u MAKEFILES -u MAKELEVEL -u MFLAGS \
          make --no-print-directory -s -f - TOP="$TOP" BOARD="$b" VARS="${BOARD_VARS[*]}" 2>&1 <<'EOF'
include $(TOP)/boards/$(BOARD)/board.mk
$(foreach v,$(VARS),$(info $(v)=$(strip $($(v)))))
all: ; @:
EOF
) || die "reading boards/$b/board.mk: $out"
    for k in "${BOARD_VARS[@]}"; do printf -v "$k" '%s' ""; done
    while IFS= read -r line; do
        k=${line%%=*}; v=${line#*=}
        case " ${BOARD_VARS[*]} " in *" $k "*) printf -v "$k" '%s' "$v" ;; esac
    done <<<"$out"
    [ -n "$ARCH" ] || die "boards/$b/board.mk sets no ARCH"
}

# board_net_problem: after board_vars, says what is wrong with the network's keys
# (POD_CIDR, SERVICE_CIDR, UPLINK_ADDR, UPLINK_GATEWAY, DNS) and fails, or is quiet.
# podinit would only say so at boot (the event BoardProfile) and run with its defaults.
board_net_problem() {
    local ip='(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}' k v
    local cidr="^$ip/([89]|[12][0-9]|30)\$" addr="^$ip\$"
    for k in POD_CIDR SERVICE_CIDR; do
        v=${!k:-}
        [ -z "$v" ] || [[ $v =~ $cidr ]] ||
            { echo "$k=$v is not an IPv4 address/prefix (8 to 30), e.g. 10.88.0.1/16"; return 1; }
    done
    v=${UPLINK_ADDR:-}
    [ -z "$v" ] || [ "$v" = dhcp ] || [[ $v =~ $cidr ]] ||
        { echo "UPLINK_ADDR=$v is not dhcp or an IPv4 address/prefix"; return 1; }
    for k in UPLINK_GATEWAY DNS; do
        v=${!k:-}
        [ -z "$v" ] || [[ $v =~ $addr ]] || { echo "$k=$v is not an IPv4 address"; return 1; }
    done
    return 0
}

arch_debarch() {
    case "$1" in
        aarch64) echo arm64 ;;
        armhf) echo armhf ;;
        *) die "unknown architecture '$1' (expected aarch64 or armhf)" ;;
    esac
}

is_installed() {
    local s
    s=$(dpkg-query -W -f='${db:Status-Status}\n' "$1" 2>/dev/null | head -n 1) || true
    [ "$s" = installed ]
}

ensure_pkgs() { # PKG...: install the missing ones, quietly; the output goes to build/deps/logs/
    local p missing=() sudo=() log=$DEPS_DIR/logs/apt-rootfs.log
    for p in "$@"; do is_installed "$p" || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" = 0 ] || sudo=(sudo -n -E)
    mkdir -p "$DEPS_DIR/logs"
    echo "${0##*/}: installing ${missing[*]} (log: $log)" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! "${sudo[@]}" apt-get -y -q -o Dpkg::Use-Pty=0 install --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
        # the package lists may be missing or stale on a fresh machine; an index that fails
        # (the armhf security index, see docs/toolchain.md) is not fatal
        "${sudo[@]}" apt-get -q update >>"$log" 2>&1 || true
        "${sudo[@]}" apt-get -y -q -o Dpkg::Use-Pty=0 install --no-install-recommends "${missing[@]}" >>"$log" 2>&1 \
            || { tail -n 15 "$log" >&2; die "apt-get install ${missing[*]} failed (log: $log)"; }
    fi
}
