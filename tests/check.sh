#!/bin/bash
# make check: every test layer, each in turn, even after a failure; the
# last line sums them as "N passed, N failed, N skipped". Logs:
# build/test/logs/. The counts come from each layer's own runner (its
# last "N passed, N failed, N skipped" lines), never from this file.
#   lint         the layering (docs/design.md): includes, no module cycle,
#                no unused exports, each layer links with only those below
#   unit         cmocka unit tests of each module
#   golden       tests/manifests/*.yaml against their .ok/.err/.json, and their round trip
#   asan         unit and golden tests again under ASan + UBSan
#   integration  the real podinit as PID 1 of a fresh PID + mount namespace, attacks included
#   lifecycle    native-sidecar scenarios after Kubernetes' node e2e suite
#   fuzz         libFuzzer on every parser for FUZZ_SECONDS (default 60)
#   boards       static musl builds of every board, checked and run under qemu-user
#   images-test  the images built from Debian packages, run as the official ones behave
#   e2e          Debian's ARM kernels boot podinit as PID 1 under qemu-system
#   demo-test    the founding example as `make demo` runs it, on the arm64 board
#
# A layer that could not run at all (no root, no namespaces, no QEMU...) is
# shown as SKIPPED with its runner's reason and counted as skipped. With
# CHECK_REQUIRE_ALL=1 (.ci/run sets it: the CI machine can run every
# layer) such a layer is a failure.
set -u
cd "$(dirname "$0")/.." || exit 2
logs=build/test/logs
mkdir -p "$logs"
layers=${CHECK_LAYERS:-"lint unit golden asan images-test integration lifecycle fuzz boards e2e demo-test"}
total_pass=0 total_fail=0 total_skip=0
summary=()

# Host dependencies first: a fresh machine has none of them.
if ! make --no-print-directory host-deps >"$logs/deps.log" 2>&1; then
	tail -20 "$logs/deps.log"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi

for layer in $layers; do
	echo "=== $layer"
	start=$(date +%s)
	make --no-print-directory "$layer" >"$logs/$layer.log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	grep -E '^(ok|not ok|#|    |SKIP)' "$logs/$layer.log" | grep -v '^ok ' | head -80
	p=0 f=0 s=0 counted=0
	# a layer runs several runners (asan: unit + golden): sum all of them
	while read -r line; do
		if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)?$ ]]; then
			p=$((p + BASH_REMATCH[1])) f=$((f + BASH_REMATCH[2])) s=$((s + ${BASH_REMATCH[4]:-0}))
			counted=1
		fi
	done < <(grep -E '^[0-9]+ passed, [0-9]+ failed' "$logs/$layer.log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # the build or the runner itself failed
		tail -15 "$logs/$layer.log"
	fi
	state=""
	if [ "$counted" -eq 0 ] && [ "$f" -eq 0 ]; then
		f=1
		state=" (no count from its runner)"
	elif [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		why=$(grep -m1 -E '^SKIP' "$logs/$layer.log" | sed -E 's/^SKIP[: -]*//')
		state=" SKIPPED: ${why:-nothing ran}"
		[ "$s" -gt 0 ] || s=1
		if [ "${CHECK_REQUIRE_ALL:-0}" = 1 ]; then
			f=1
			state="$state (this machine must run it: CHECK_REQUIRE_ALL=1)"
		fi
	fi
	line="$layer: $p passed, $f failed, $s skipped (${secs}s)$state"
	summary+=("$line")
	echo "$line"
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
done
echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
