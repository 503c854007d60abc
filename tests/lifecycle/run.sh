#!/bin/bash
# tests/lifecycle/run.sh PATH/TO/podinit [SCENARIO...]
#
# Pod lifecycle scenarios (native sidecars, restarts, probes, hooks, phase and
# conditions, termination), one per rule group of /work/shared/spec/sidecar-rules.md,
# modelled on Kubernetes' test/e2e_node/container_lifecycle_test.go. Each scenario
# is a Pod whose containers append `NAME EVENT UPTIME` lines to a shared hostPath
# file; the checks read that file, `podctl get pod -o json` and podinit's events.
#
# Needs root, unshare (PID + mount namespaces), python3 and a static /bin/busybox.
# Scenarios run in parallel inside a few podinit instances (most in one instance
# started with --backoff 1s,4s,60s). Prints `ok - NAME` / `not ok - NAME` with
# diagnostics, then `N passed, N failed`; exit status 1 if any failed.
#   --list               list the scenarios
#   LIFECYCLE_JOBS=N     scenarios run at once (default 10)
#   LIFECYCLE_KEEP=1     keep the work directory
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
if [[ ${1:-} != --list ]]; then
	if [[ $# -lt 1 ]]; then
		echo "usage: $0 PATH/TO/podinit [SCENARIO...] | --list" >&2
		exit 2
	fi
	why=
	if [[ $(id -u) != 0 ]]; then
		why="not root"
	elif [[ ! -x $1 ]]; then
		why="$1 is not an executable"
	elif [[ ! -x /bin/busybox ]] || ! /bin/busybox --list >/dev/null 2>&1; then
		why="no /bin/busybox"
	elif ! command -v unshare >/dev/null || ! command -v python3 >/dev/null; then
		why="needs unshare and python3"
	elif ! unshare --pid --fork --mount true 2>/dev/null; then
		why="cannot create PID and mount namespaces here"
	fi
	if [[ -n $why ]]; then
		n=$(python3 "$HERE/lifecycle.py" --list 2>/dev/null | wc -l)
		echo "SKIP - lifecycle ($n scenarios): $why"
		echo "0 passed, 0 failed, $((n > 0 ? n : 1)) skipped"
		exit 0
	fi
fi
exec python3 "$HERE/lifecycle.py" "$@"
