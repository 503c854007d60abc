#!/bin/bash
# tests/e2e/run.sh [BOARD...]      (default: qemu-virt-arm64 qemu-virt-armv7)
#
# End-to-end tests on emulated boards. For each board:
#   1. make BOARD=<board>  (build/<board>/podinit; skipped when E2E_BUILD_DIR is set)
#   2. rootfs/mkinitramfs.sh, with a short watchdog (WATCHDOG_TIMEOUT_OVERRIDE,
#      WATCHDOG_BUDGET_OVERRIDE), builds two images under build/test/e2e/<board>/:
#      initramfs.cpio.gz (the pods of tests/e2e/manifests/) and initramfs-critical.cpio.gz
#      (tests/e2e/manifests-watchdog-critical/)
# 3. tests/e2e/e2e.py then boots them, every board at once, several boots per board (see
#    that file for the boots and their checks) under qemu-system, and checks the serial
#    console and qemu's QMP events; console logs: build/test/e2e/<board>/console*.log
# 4. tests/e2e/ota.py: OTA generations and power cuts (docs/ota-e2e.md), on the image
#    build/test/e2e/<board>/ota/initramfs-ota.cpio.gz with an images disk and an ext4 data
#    disk, after e2e.py (about a minute for both boards with the default 5 cuts each)
# Prints `ok - ...` / `not ok - ...` per check, `# ...` remarks with times and figures (also
# appended to build/test/e2e/times.txt), and ends with `N passed, N failed, N skipped`.
# Exit status 1 when a check failed.
#
# Environment:
#   E2E_BUILD_DIR     take <dir>/<board>/podinit instead of building build/<board>/podinit
#   E2E_BOOT_TIMEOUT  bound on one boot with all its checks, seconds (default 180)
#   E2E_WATCHDOG_TIMEOUT, E2E_WATCHDOG_BUDGET   the test images' watchdog (default 4 s, 6 s)
#   E2E_JOBS          qemu processes at a time (default 4)
#   E2E_SCENARIOS     which boots (default "main reboot hang critical attack mem", and the OTA
#                     boots of tests/e2e/ota.py; with E2E_SCENARIOS set, "ota" selects those)
#   E2E_OTA_CUTS      power cuts per board in the OTA boots (default 5); E2E_OTA_SEED their
#                     random seed; E2E_OTA_RUNS "updates cuts" (default) or one of them
#   E2E_MEM           the -m sizes tried, MiB (default "64 56 48"; the largest is a check)
# A board without QEMU_SYSTEM (raspberrypi4) is build-only: its image is built, not booted.
# Installs qemu-system-arm and cpio from Debian when they are missing.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 2
. rootfs/lib.sh
[ $# -gt 0 ] || set -- qemu-virt-arm64 qemu-virt-armv7
OUTDIR=$TOP/build/test/e2e
mkdir -p "$OUTDIR"
rm -f "$OUTDIR/result.txt"
pass=0 fail=0 skip=0
summary=()
start_all=$(date +%s.%N)

count() { # reads e2e.py's last line
    local p f s
    read -r p _ f _ s _ < <(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
    pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0})); skip=$((skip + ${s:-0}))
    [ -n "${p:-}" ]
}

( ensure_pkgs qemu-system-arm cpio ) || { echo "not ok - installing qemu-system-arm and cpio"; fail=$((fail + 1)); }

WD_TIMEOUT=${E2E_WATCHDOG_TIMEOUT:-4} WD_BUDGET=${E2E_WATCHDOG_BUDGET:-6}
boot_boards=() binaries=() ota_boards=()

# ota_image BOARD PODINIT DIR: DIR/initramfs-ota.cpio.gz (/etc/podinit/manifests a symlink into
# the data disk, the agent, its sets and orders), DIR/images.squashfs (the image store, from
# that image, as the images disk), DIR/seed/ (the data disk's first content)
ota_image() {
    local board=$1 bin=$2 dir=$3 ids
    ids=$(( ${E2E_OTA_CUTS:-5} + 10 ))
    { command -v mkfs.ext4 >/dev/null || ensure_pkgs e2fsprogs; } &&
    rm -rf "$dir" && mkdir -p "$dir" &&
    tests/e2e/ota/stage.sh "$dir/stage" "$ids" &&
    EXTRA_FILES=$(cat "$dir/stage/extra") MANIFESTS_LINK=/var/lib/podinit/agent/manifests PODINIT=$bin \
        rootfs/mkinitramfs.sh "$board" "$dir/initramfs-ota.cpio.gz" "$dir/stage/etc/src/a" &&
    mkdir -p "$dir/store" &&
    (cd "$dir/store" && zcat "$dir/initramfs-ota.cpio.gz" | cpio -idm --quiet 'var/lib/podinit/images/*') &&
    rootfs/mkimagesdisk.sh "$dir/store/var/lib/podinit/images" "$dir/images.squashfs" &&
    mv "$dir/stage/data" "$dir/seed"
}
for b in "$@"; do
    echo "# board $b"
    t0=$(date +%s.%N)
    d=$OUTDIR/$b
    rm -rf "$d"; mkdir -p "$d"
    if ! ( board_vars "$b" ) >"$d/board.log" 2>&1; then
        echo "not ok - $b: boards/$b/board.mk can be read"; sed 's/^/#   /' "$d/board.log"
        fail=$((fail + 1)); continue
    fi
    board_vars "$b"
    if [ -n "${E2E_BUILD_DIR:-}" ]; then
        bin=$(realpath -m "$E2E_BUILD_DIR/$b/podinit")
    else
        bin=$TOP/build/$b/podinit
        if ! make --no-print-directory BOARD="$b" >"$d/build.log" 2>&1; then
            echo "not ok - $b: make BOARD=$b"; tail -n 15 "$d/build.log" | sed 's/^/#   /'
            fail=$((fail + 1)); continue
        fi
    fi
    built=1
    if ! make --no-print-directory BOARD="$b" "build/$b/escape" >"$d/escape.log" 2>&1; then
        echo "not ok - $b: the attack program builds (make BOARD=$b build/$b/escape)"; tail -n 15 "$d/escape.log" | sed 's/^/#   /'
        fail=$((fail + 1)); continue
    fi
    for img in main critical attack; do
        bins=
        case $img in
            main)     out=$d/initramfs.cpio.gz;          mdir=tests/e2e/manifests ;;
            critical) out=$d/initramfs-critical.cpio.gz; mdir=tests/e2e/manifests-watchdog-critical ;;
            attack)   out=$d/initramfs-attack.cpio.gz;   mdir=tests/e2e/manifests-attack; bins=$TOP/build/$b/escape ;;
        esac
        if ! IMAGE_BINS=$bins PODINIT=$bin WATCHDOG_TIMEOUT_OVERRIDE=$WD_TIMEOUT WATCHDOG_BUDGET_OVERRIDE=$WD_BUDGET \
                rootfs/mkinitramfs.sh "$b" "$out" "$mdir" >"$d/image-$img.log" 2>&1; then
            echo "not ok - $b: rootfs/mkinitramfs.sh builds the test image ($mdir)"
            tail -n 15 "$d/image-$img.log" | sed 's/^/#   /'
            fail=$((fail + 1)); built=0; break
        fi
        echo "ok - $b: test image built: $(tail -n 1 "$d/image-$img.log" | sed "s|^$TOP/||")"
        pass=$((pass + 1))
    done
    [ "$built" = 1 ] || continue
    # the OTA boots' image, images disk and data disk seed (tests/e2e/ota.py, docs/ota-e2e.md)
    if [ -n "$QEMU_SYSTEM" ] && [[ " ${E2E_SCENARIOS:-ota} " == *" ota "* ]]; then
        if ! ota_image "$b" "$bin" "$d/ota" >"$d/image-ota.log" 2>&1; then
            echo "not ok - $b: the OTA test image and disks build (tests/e2e/ota/stage.sh, rootfs/mkinitramfs.sh)"
            tail -n 15 "$d/image-ota.log" | sed 's/^/#   /'
            fail=$((fail + 1)); continue
        fi
        echo "ok - $b: OTA test image and disks built: $(tail -n 1 "$d/image-ota.log" | sed "s|^$TOP/||")"
        pass=$((pass + 1))
        ota_boards+=("$b")
    fi
    if [ -z "$QEMU_SYSTEM" ]; then
        echo "ok - $b: boot under qemu-system # SKIP build-only board (no QEMU_SYSTEM in boards/$b/board.mk)"
        skip=$((skip + 1)); continue
    fi
    boot_boards+=("$b") binaries+=(--binary "$b=$bin")
    secs=$(echo "$(date +%s.%N) - $t0" | bc 2>/dev/null || echo "?")
    summary+=("$b: $(printf '%.1f' "$secs" 2>/dev/null || echo "$secs") s (build + images); console logs: ${d#"$TOP"/}/console*.log")
done

if [ ${#boot_boards[@]} -gt 0 ]; then
    echo "# booting ${boot_boards[*]} (tests/e2e/e2e.py; about a minute)"
    python3 tests/e2e/e2e.py "${boot_boards[@]}" "${binaries[@]}" --dir "$OUTDIR" --times "$OUTDIR/times.txt" \
        --watchdog-timeout "$WD_TIMEOUT" --watchdog-budget "$WD_BUDGET" \
        | tee "$OUTDIR/result.txt" | grep -vE '^[0-9]+ passed, [0-9]+ failed'
    count "$OUTDIR/result.txt" || { echo "not ok - tests/e2e/e2e.py ran to its end"; fail=$((fail + 1)); }
fi

if [ ${#ota_boards[@]} -gt 0 ]; then
    run_ota=()
    for b in "${ota_boards[@]}"; do [[ " ${boot_boards[*]} " == *" $b "* ]] && run_ota+=("$b"); done
    if [ ${#run_ota[@]} -gt 0 ]; then
        echo "# OTA boots on ${run_ota[*]} (tests/e2e/ota.py; ${E2E_OTA_CUTS:-5} power cuts per board)"
        python3 tests/e2e/ota.py "${run_ota[@]}" --dir "$OUTDIR" --times "$OUTDIR/times.txt" \
            | tee "$OUTDIR/result-ota.txt" | grep -vE '^[0-9]+ passed, [0-9]+ failed'
        count "$OUTDIR/result-ota.txt" || { echo "not ok - tests/e2e/ota.py ran to its end"; fail=$((fail + 1)); }
    fi
fi

for l in "${summary[@]}"; do echo "# $l"; done
total=$(echo "$(date +%s.%N) - $start_all" | bc 2>/dev/null || echo "?")
echo "# e2e total: $(printf '%.1f' "$total" 2>/dev/null || echo "$total") s"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
