#!/bin/bash
# tests/boards/run.sh BOARD...
#
# Checks the cross-built build/<BOARD>/podinit of each board: exists, static, right machine,
# stripped, size; then runs it under qemu-user (binfmt_misc is not assumed):
#   podinit -n tests/manifests/founding-example.yaml   -> exit 0 (SKIP if the manifest is absent)
#   podinit -n <nonexistent file>                      -> exit 1
# QEMU_USER / FILE_MACHINE come from boards/<BOARD>/board.mk + boards/cross.mk (via make).
# Prints "ok - ..." / "not ok - ..." per check and "N passed, N failed" at the end; exit 1 on failure.
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
MANIFEST=tests/manifests/founding-example.yaml
MISSING=tests/manifests/does-not-exist-$$.yaml
TIMEOUT=${PODINIT_TEST_TIMEOUT:-60}

pass=0 fail=0 skip=0
ok()     { echo "ok - $*"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $*"; fail=$((fail + 1)); }
check()  { # <description> <command...>
    local d=$1; shift
    if "$@"; then ok "$d"; else not_ok "$d"; fi
}

# board_vars BOARD -> sets ARCH QEMU_USER FILE_MACHINE from the make fragments
board_vars() {
    local out
    out=$(env -u MAKEFLAGS -u MAKEFILES -u MAKELEVEL -u MFLAGS \
          make --no-print-directory -s -f - print-board-vars TOP="$TOP" BOARD="$1" 2>&1 <<'EOF'
include $(TOP)/boards/$(BOARD)/board.mk
include $(TOP)/boards/cross.mk
print-board-vars: ; @printf '%s\n' '$(ARCH)' '$(QEMU_USER)' '$(FILE_MACHINE)'
EOF
) || { echo "# $out"; return 1; }
    { read -r ARCH; read -r QEMU_USER; read -r FILE_MACHINE; } <<<"$out"
    [ -n "$ARCH" ] && [ -n "$QEMU_USER" ] && [ -n "$FILE_MACHINE" ]
}

run_rc() { # <expected rc> <description> <command...>
    local want=$1 d=$2 rc out
    shift 2
    out=$(timeout "$TIMEOUT" "$@" 2>&1 </dev/null)
    rc=$?
    if [ "$rc" -eq "$want" ]; then
        ok "$d (exit $rc)"
    else
        not_ok "$d (exit $rc, expected $want)"
        [ -n "$out" ] && printf '%s\n' "$out" | tail -n 20 | sed 's/^/#   /'
    fi
}

if [ $# -eq 0 ]; then
    echo "usage: tests/boards/run.sh BOARD..." >&2
    exit 2
fi

for b in "$@"; do
    echo "# board $b"
    if [ ! -f "boards/$b/board.mk" ]; then
        not_ok "$b: boards/$b/board.mk exists"
        continue
    fi
    if ! board_vars "$b"; then
        not_ok "$b: reading ARCH/QEMU_USER/FILE_MACHINE from boards/$b/board.mk + boards/cross.mk"
        continue
    fi
    bin=build/$b/podinit
    if [ ! -f "$bin" ]; then
        not_ok "$b: $bin exists"
        continue
    fi
    ok "$b: $bin exists"
    desc=$(file -b "$bin")
    echo "# $bin: $desc"
    check "$b: statically linked" grep -qF 'statically linked' <<<"$desc"
    check "$b: machine is '$FILE_MACHINE' (ARCH=$ARCH)" grep -qF "$FILE_MACHINE" <<<"$desc"
    check "$b: stripped" grep -qE ', stripped($|,)' <<<"$desc"
    echo "# $b: size $(stat -c %s "$bin") bytes"
    if ! command -v "$QEMU_USER" >/dev/null; then
        not_ok "$b: $QEMU_USER is installed (boards/deps.sh $ARCH)"
        continue
    fi
    if [ -f "$MANIFEST" ]; then
        run_rc 0 "$b: podinit -n $MANIFEST" "$QEMU_USER" "$bin" -n "$MANIFEST"
    else
        echo "SKIP: $b: podinit -n $MANIFEST ($MANIFEST does not exist yet)"
        skip=$((skip + 1))
    fi
    run_rc 1 "$b: podinit -n <nonexistent file>" "$QEMU_USER" "$bin" -n "$MISSING"
done

# the network's keys of a board profile, as rootfs/mkinitramfs.sh checks them
net_problem() { # KEY=VALUE... -> what board_net_problem says ("" when all is well)
    (POD_CIDR= SERVICE_CIDR= UPLINK_ADDR= UPLINK_GATEWAY= DNS=; . rootfs/lib.sh; for a in "$@"; do printf -v "${a%%=*}" '%s' "${a#*=}"; done; board_net_problem)
}
for b in "$@"; do
    (. rootfs/lib.sh; board_vars "$b" >/dev/null && board_net_problem >/dev/null) &&
        ok "$b: the network's keys of its profile parse" || not_ok "$b: $(. rootfs/lib.sh; board_vars "$b"; board_net_problem)"
done
for c in "POD_CIDR=10.88.0.1|POD_CIDR=10.88.0.1 is not an IPv4 address/prefix (8 to 30), e.g. 10.88.0.1/16" \
         "SERVICE_CIDR=10.96.0.0/31|SERVICE_CIDR=10.96.0.0/31 is not an IPv4 address/prefix (8 to 30), e.g. 10.88.0.1/16" \
         "UPLINK_ADDR=10.0.2.300/24|UPLINK_ADDR=10.0.2.300/24 is not dhcp or an IPv4 address/prefix" \
         "DNS=nine|DNS=nine is not an IPv4 address" \
         "UPLINK_ADDR=dhcp|" "POD_CIDR=10.1.0.1/24|" "UPLINK_GATEWAY=10.0.2.2|" "DNS=10.0.2.3|"; do
    got=$(net_problem "${c%%|*}")
    want=${c#*|}
    check "board profile ${c%%|*}: ${want:-accepted}" [ "$got" = "$want" ]
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
