#!/bin/bash
# Runs cmocka unit test binaries in TAP mode and sums their results.
# Usage: tests/unit/run.sh BINARY...
pass=0 fail=0 skip=0
for bin in "$@"; do
	name=$(basename "$bin")
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$bin" 2>&1)
	rc=$?
	p=$(grep -c '^ok ' <<<"$out")
	s=$(grep -c '^not ok .*# SKIP' <<<"$out")
	f=$(( $(grep -c '^not ok ' <<<"$out") - s ))
	skip=$((skip + s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed or failed outside a test (sanitizer report, setup)
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -ne 0 ]; then
		echo "not ok - $name ($p passed, $f failed)"
		echo "$out" | grep -v '^ok ' | head -60 | sed 's/^/    /'
	else
		extra=""
		[ "$s" -gt 0 ] && extra=", $s skipped"
		echo "ok - $name ($p tests$extra)"
	fi
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
