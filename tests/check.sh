#!/bin/bash
# make check: every test layer, each in turn, even after a failure; the
# last line sums them as "N passed, N failed". Logs: build/test/logs/.
#   unit    cmocka unit tests of each module
#   golden  tests/manifests/*.yaml against their .ok/.err/.json
#   asan    unit and golden tests again under ASan + UBSan
#   integration  the real podinit as PID 1 of a fresh PID + mount namespace
#   lifecycle    59 native-sidecar scenarios after Kubernetes' node e2e suite
#   fuzz    libFuzzer on the manifest parser for FUZZ_SECONDS (default 60)
#   boards  static musl builds of every board, checked and run under qemu-user
#   e2e     Debian's ARM kernels boot podinit as PID 1 under qemu-system
set -u
cd "$(dirname "$0")/.." || exit 2
logs=build/test/logs
mkdir -p "$logs"
layers=${CHECK_LAYERS:-"unit golden asan integration lifecycle fuzz boards e2e"}
total_pass=0 total_fail=0
summary=()

# Host dependencies first: a fresh machine has none of them.
if ! make --no-print-directory host-deps >"$logs/deps.log" 2>&1; then
	tail -20 "$logs/deps.log"
	echo "0 passed, 1 failed"
	exit 1
fi

for layer in $layers; do
	echo "=== $layer"
	start=$(date +%s)
	make --no-print-directory "$layer" >"$logs/$layer.log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	grep -E '^(ok|not ok|#|    )' "$logs/$layer.log" | grep -v '^ok ' | head -80
	p=0 f=0
	# a layer runs several runners (asan: unit + golden): sum all of them
	while read -r a _ b _; do
		p=$((p + a)); f=$((f + b))
	done < <(grep -E '^[0-9]+ passed, [0-9]+ failed' "$logs/$layer.log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # the build or the runner itself failed
		tail -15 "$logs/$layer.log"
	fi
	summary+=("$layer: $p passed, $f failed (${secs}s)")
	echo "$layer: $p passed, $f failed (${secs}s)"
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
done
echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
