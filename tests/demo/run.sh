#!/bin/bash
# tests/demo/run.sh - the founding example as `make demo` runs it, end to end on the
# emulated qemu-virt-arm64 board (DEMO_BATCH=1): images built from Debian packages on
# the board's image disk, a git daemon on the host's loopback, the manifest applied at
# the console, the page through the Service, a commit, the page changed.
#
# Each step rootfs/demo.py reports ("demo: ok: ..." / "demo: FAILED: ...") is one check;
# ends with "N passed, N failed, N skipped". Output: build/test/demo/demo.log.
# Needs root (the images are built with file owners kept) and QEMU (installed from
# Debian when missing, as tests/e2e does).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 2
OUT=$TOP/build/test/demo
mkdir -p "$OUT"
if [ "$(id -u)" != 0 ]; then
	echo "SKIP - demo: not root"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
. rootfs/lib.sh
command -v qemu-system-aarch64 >/dev/null || ensure_pkgs qemu-system-arm
BOARD=qemu-virt-arm64
fail=0
if ! make --no-print-directory -s BOARD=$BOARD >"$OUT/build.log" 2>&1 ||
	! make --no-print-directory -s BOARD=$BOARD images >>"$OUT/build.log" 2>&1 ||
	! rootfs/mkimagesdisk.sh "build/$BOARD/images" "build/$BOARD/images.disk" >>"$OUT/build.log" 2>&1; then
	echo "not ok - demo: podinit, the images and their disk build"
	tail -20 "$OUT/build.log" | sed 's/^/#   /'
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
echo "ok - demo: podinit, the images and their disk build ($(du -k "build/$BOARD/images.disk" | cut -f1) KiB disk)"
DEMO_BATCH=1 timeout -k 10 600 rootfs/demo.py "$OUT/run" "build/$BOARD/images.disk" >"$OUT/demo.log" 2>&1
rc=$?
pass=1
while IFS= read -r line; do
	case $line in
	"demo: ok: "*) echo "ok - ${line#demo: ok: }"; pass=$((pass + 1)) ;;
	"demo: FAILED: "*) echo "not ok - ${line#demo: FAILED: }"; fail=$((fail + 1)) ;;
	"demo: podinit's RSS"* | "demo: the board's memory"* | "demo: http://"*) echo "# ${line#demo: }" ;;
	esac
done <"$OUT/demo.log"
if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
	echo "not ok - demo: rootfs/demo.py ended with status $rc"
	tail -20 "$OUT/demo.log" | sed 's/^/#   /'
	fail=1
fi
# the steps it must have reported, whatever it printed
wants=("(kubectl|podctl) apply .*: pod/git-sync created" "the page through the Service" "the page changed after the commit")
# with a kubectl (boards/deps.sh host fetches one) the host drives the board's API through QEMU's port forward
[ -x build/test/kubectl ] && wants+=("kubectl get pods" "kubectl logs" "kubectl exec into ctr-web" "kubectl delete -f")
for want in "${wants[@]}"; do
	grep -Eq "^demo: (ok|FAILED): $want" "$OUT/demo.log" || {
		echo "not ok - demo: never got to: $want"
		fail=$((fail + 1))
	}
done
echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
