#!/bin/bash
# Runs each libFuzzer target for a bounded time, seeded with the golden
# manifests, as many at once as there are CPUs. A crash, leak or sanitizer
# report fails the target; the reproducer is kept under build/test/fuzz/crashes/.
# Usage: tests/fuzz/run.sh SECONDS BINARY...
secs=$1; shift
top=$(cd "$(dirname "$0")/../.." && pwd)
jobs=$(nproc 2>/dev/null || echo 1)
one() { # one BINARY: its verdict line in build/test/fuzz/NAME.verdict
	local bin=$1 name corpus crashes log runs
	name=$(basename "$bin")
	corpus=$top/build/test/fuzz/corpus-$name
	crashes=$top/build/test/fuzz/crashes
	mkdir -p "$corpus" "$crashes"
	cp "$top"/tests/manifests/*.yaml "$top"/tests/fuzz/regressions/* "$corpus"/ 2>/dev/null
	log=$top/build/test/fuzz/$name.log
	if "$bin" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=1024 \
		-artifact_prefix="$crashes/" -print_final_stats=1 "$corpus" >"$log" 2>&1; then
		runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
		echo "ok - $name (${runs:-?} inputs in ${secs}s)"
	else
		echo "not ok - $name"
		grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$log" | head -20 | sed 's/^/    /'
	fi >"$top/build/test/fuzz/$name.verdict"
}
running=0
for bin in "$@"; do
	one "$bin" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait
pass=0 fail=0
for bin in "$@"; do
	v=$top/build/test/fuzz/$(basename "$bin").verdict
	cat "$v" 2>/dev/null || echo "not ok - $(basename "$bin") (no verdict)"
	if grep -q '^ok - ' "$v" 2>/dev/null; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
