# lib.sh - helpers for tests/integration/run.sh (sourced, bash only).
#
# One podinit per test case: start_podinit runs the real binary as PID 1 of
# a fresh PID + mount namespace (unshare), inside cgroups of its own (one
# per v1 hierarchy, or one v2 group), so a case can tell its own leftovers
# from anything else on the machine. Every wait is bounded.
#
# Variables a case may use after start_podinit:
#   TD         the case's temp dir (manifests/ run/ data/ host/ below it)
#   MANIFESTS  the watched manifests directory
#   SOCK       the control socket
#   PODINIT    podinit's pid as the host sees it
#   UNSHARE    the pid of the unshare process (a child of the case shell)
#   PLOG       podinit's stderr (its events)

# ---- output and assertions -------------------------------------------------

FAILS=0

note() { printf '# %s\n' "$*"; }

fail() {
	FAILS=$((FAILS + 1))
	printf '# FAIL: %s\n' "$*"
}

# expect_eq DESC GOT WANT
expect_eq() {
	if [[ "$2" == "$3" ]]; then return 0; fi
	fail "$1: got '$2', want '$3'"
	return 1
}

# expect_match DESC TEXT ERE
expect_match() {
	if [[ "$2" =~ $3 ]]; then return 0; fi
	fail "$1: '$(printf '%s' "$2" | head -c 600)' does not match /$3/"
	return 1
}

# expect_no_match DESC TEXT ERE
expect_no_match() {
	if ! [[ "$2" =~ $3 ]]; then return 0; fi
	fail "$1: '$(printf '%s' "$2" | head -c 600)' matches /$3/"
	return 1
}

# expect_line DESC TEXT LINE: TEXT has a line exactly LINE
expect_line() {
	if grep -qxF -- "$3" <<<"$2"; then return 0; fi
	fail "$1: no line '$3' in: $(printf '%s' "$2" | head -c 800 | tr '\n' '|')"
	return 1
}

# ---- time and waiting --------------------------------------------------------

now_ms() {
	local t=${EPOCHREALTIME/./}
	echo $((t / 1000))
}

# wait_for CMD [TIMEOUT_S]: polls the shell command CMD (eval'd, output
# discarded) every 0.1 s until it succeeds; 1 after TIMEOUT_S (default 10).
wait_for() {
	local cmd=$1 limit=${2:-10}
	local deadline=$(($(now_ms) + limit * 1000))
	while ! eval "$cmd" >/dev/null 2>&1; do
		if (($(now_ms) >= deadline)); then
			return 1
		fi
		sleep 0.1
	done
	return 0
}

# ---- podctl and the pod's JSON -------------------------------------------------

# podctl with a bound on its run time
pc() { timeout 15 "$PODCTL" --socket "$SOCK" "$@"; }

# jq-like: json_get EXPR < JSON; EXPR is Python on d (the document).
# Prints strings bare, other values as JSON; "<missing>" when a key or index
# does not exist.
json_get() {
	python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except Exception as e:
    print("<bad json: %s>" % e); sys.exit(0)
try:
    v = eval(sys.argv[1], {"d": d})
except (KeyError, IndexError, TypeError):
    print("<missing>"); sys.exit(0)
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))
' "$1"
}

# json_lines EXPR < LINES: json_get for each line (a watch's events)
json_lines() {
	python3 -c '
import json, sys
for line in sys.stdin:
    if line.strip():
        d = json.loads(line)
        v = eval(sys.argv[1], {"d": d})
        print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))
' "$1"
}

# podj POD EXPR: a field of `podctl get pod POD -o json`
podj() {
	pc get pod "$1" -o json 2>/dev/null | json_get "$2"
}

# the status of container CTR (app or init) of POD, as an expression prefix
cs() { # cs CTR -> python expression for its status object
	echo "[c for c in d['status'].get('containerStatuses', []) + d['status'].get('initContainerStatuses', []) if c['name'] == '$1'][0]"
}

# ctrj POD CTR EXPR: EXPR on s, the container's status
ctrj() {
	local e
	e="(lambda s: $3)($(cs "$2"))"
	podj "$1" "$e"
}

phase() { podj "$1" "d['status']['phase']"; }

# wait_phase POD PHASE [TIMEOUT]
wait_phase() {
	wait_for "[[ \$(phase $1) == $2 ]]" "${3:-10}"
}

# wait_log POD CTR TEXT [TIMEOUT]: until `podctl logs` has a line with TEXT
wait_log() {
	wait_for "pc logs $1 -c $2 2>/dev/null | grep -qF -- '$3'" "${4:-10}"
}

logs() { pc logs "$1" -c "$2" 2>&1; }

# wait_logs POD "CTR..." TEXT [TIMEOUT]: until every CTR's log has TEXT
# (one shared deadline); a failure for each that has not
wait_logs() {
	local pod=$1 ctrs=$2 text=$3 limit=${4:-10} c all
	all=
	for c in $ctrs; do all+="pc logs $pod -c $c 2>/dev/null | grep -qF -- '$text' && "; done
	wait_for "$all true" "$limit" && return 0
	for c in $ctrs; do
		pc logs "$pod" -c "$c" 2>/dev/null | grep -qF -- "$text" ||
			fail "$pod/$c did not print $text: $(podj "$pod" "$(cs "$c")['state']")"
	done
	return 1
}

# ---- the image store -------------------------------------------------------------

# make_images DIR: busybox and cfgimg:1 (with an OCI config)
make_images() {
	local store=$1 r
	r=$store/docker.io/library/busybox/latest/rootfs
	mkdir -p "$r/bin" "$r/etc" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" || return 1
	chmod 1777 "$r/tmp"
	cp /bin/busybox "$r/bin/busybox" || return 1
	local a
	for a in $(/bin/busybox --list); do
		[[ $a == busybox ]] || ln -sf busybox "$r/bin/$a"
	done
	# the attacker of the attack cases (escape.c), static like busybox
	cc -static -O2 -o "$r/bin/escape" "$(dirname "${BASH_SOURCE[0]}")/escape.c" || return 1
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$r/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
	local c=$store/docker.io/library/cfgimg/1
	mkdir -p "$c"
	cp -a "$r" "$c/rootfs"
	cat >"$c/config.json" <<'EOF'
{"config":{"Entrypoint":["/bin/sh","-c"],"Cmd":["echo from-image-cmd; env; sleep 3600"],"Env":["FROM_IMAGE=yes","PATH=/bin"],"WorkingDir":"/tmp","User":"nobody"}}
EOF
}

# ---- cgroups of the case ---------------------------------------------------------

# CG_DIRS: the case's own groups, one per hierarchy podinit uses
CG_DIRS=()

cg_setup() {
	local name=$1 ctrls path dir
	CG_DIRS=()
	while IFS=: read -r _ ctrls path; do
		case $ctrls in
		memory | cpu | cpuacct | pids | devices | cpu,cpuacct | cpuacct,cpu) dir=/sys/fs/cgroup/$ctrls ;;
		*) continue ;;
		esac
		[[ -d $dir ]] || continue
		dir=$dir${path%/}/$name
		mkdir -p "$dir" 2>/dev/null && CG_DIRS+=("$dir")
	done </proc/self/cgroup
}

# Until no process is left in the case's groups (bounded): after a power cut
# nothing of the old boot runs, but the kernel tears a killed PID
# namespace down after its init is reaped, so a podinit started at once
# would find its predecessor's groups still busy.
wait_procs_gone() {
	wait_for '[[ -z $(cat /dev/null $(for d in "${CG_DIRS[@]}"; do find "$d" -mindepth 2 -name cgroup.procs; done 2>/dev/null) 2>/dev/null) ]]' 5
}

# Groups left below the case's own ones (podinit's base and pods)
cg_leftovers() {
	local d
	for d in "${CG_DIRS[@]}"; do
		[[ -d $d ]] && find "$d" -mindepth 1 -type d 2>/dev/null
	done
}

# Removes the case's groups, killing whatever is still in them.
cg_remove() {
	local d sub pid i
	for d in "${CG_DIRS[@]}"; do
		[[ -d $d ]] || continue
		for i in 1 2 3 4 5; do
			local any=
			while read -r sub; do
				while read -r pid; do
					[[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null && any=1
				done <"$sub/cgroup.procs"
			done < <(find "$d" -type d 2>/dev/null)
			[[ -z $any ]] && break
			sleep 0.2
		done
		find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
	done
}

# ---- podinit ------------------------------------------------------------------------

# case_dirs NAME: makes TD and its parts
case_dirs() {
	TD=$WORK/cases/$1
	rm -rf "$TD"
	mkdir -p "$TD/manifests" "$TD/run" "$TD/data" "$TD/host"
	MANIFESTS=$TD/manifests
	SOCK=$TD/run/podinit.sock
	PLOG=$TD/podinit.log
}

# start_podinit [EXTRA FLAGS]: starts podinit and waits for its socket. It
# is PID 1 of fresh PID, mount and network namespaces; with NETNS_HOLDER
# (a pid) it joins that process's network namespace instead, so a case can
# restart podinit in the same one. These cases are about pods, not updates:
# with OTA_FLAGS unset every valid generation commits at once (--ota-deadline
# 0, a contract flag); tests/integration/ota.sh sets OTA_FLAGS for trials.
start_podinit() {
	cg_setup "podinit-itest-$$-${CASE_NAME}"
	printf '%s\n' "${CG_DIRS[@]}" >"$TD/cgdirs"
	(
		for d in "${CG_DIRS[@]}"; do
			echo "$BASHPID" >"$d/cgroup.procs" || exit 99
		done
		# a network namespace of its own, or the one NETNS_HOLDER keeps across restarts
		local netns=(--net)
		[[ -n ${NETNS_HOLDER:-} ]] && netns=()
		exec ${NETNS_HOLDER:+nsenter --net=/proc/$NETNS_HOLDER/ns/net} \
			unshare --pid --fork --mount "${netns[@]}" --kill-child=SIGKILL \
			"$BIN" --manifests "$MANIFESTS" --images "$IMAGES" --run "$TD/run" \
			--data "$TD/data" --console none --backoff 1s,5s,60s ${OTA_FLAGS:---ota-deadline 0} "$@"
	) >"$TD/podinit.stdout" 2>"$PLOG" &
	UNSHARE=$!
	echo "$UNSHARE" >"$TD/unshare.pid"
	PODINIT=
	if ! wait_for "[[ -n \$(cat /proc/$UNSHARE/task/$UNSHARE/children) ]]" 5; then
		fail "podinit did not start"
		return 1
	fi
	PODINIT=$(awk '{print $1}' "/proc/$UNSHARE/task/$UNSHARE/children")
	echo "$PODINIT" >"$TD/podinit.pid"
	if ! wait_for "[[ -S $SOCK ]] && pc version" 5; then
		fail "podinit's control socket $SOCK did not answer"
		return 1
	fi
	return 0
}

# stop_podinit [TIMEOUT]: poweroff, then a bounded wait; sets PODINIT_RC
# (exit status of the unshare process: podinit's status, or 128+signal).
stop_podinit() {
	local limit=${1:-20}
	PODINIT_RC=
	[[ -n $UNSHARE ]] || return 0
	if kill -0 "$UNSHARE" 2>/dev/null; then
		pc poweroff >/dev/null 2>&1
		if ! wait_for "! kill -0 $UNSHARE" "$limit"; then
			fail "podinit did not stop within ${limit}s of poweroff"
			kill_podinit
		fi
	fi
	wait "$UNSHARE" 2>/dev/null
	PODINIT_RC=$?
	return 0
}

# kill_podinit: the last resort; the namespace dies with its PID 1
kill_podinit() {
	[[ -n $PODINIT ]] && kill -KILL "$PODINIT" 2>/dev/null
	[[ -n $UNSHARE ]] && kill -KILL "$UNSHARE" 2>/dev/null
	wait_for "! kill -0 ${UNSHARE:-0}" 5
}

# ---- the host's view of podinit and its containers --------------------------------------

podinit_cgroup() { # podinit_cgroup HIERARCHY -> podinit's own group path
	awk -F: -v h="$1" '$2 == h { print $3 }' "/proc/$PODINIT/cgroup"
}

# the directory of POD/CTR in hierarchy H (memory, pids, ...)
ctr_cgdir() {
	local h=$1 pod=$2 ctr=${3:-} own
	own=$(podinit_cgroup "$h")
	echo "/sys/fs/cgroup/$h${own%/}/podinit/$pod${ctr:+/$ctr}"
}

# host pids of every process of POD/CTR
ctr_pids() {
	cat "$(ctr_cgdir pids "$1" "$2")/cgroup.procs" 2>/dev/null
}

# the host pid of the main process of POD/CTR: podinit's child in its group
ctr_main_pid() {
	local pid
	for pid in $(ctr_pids "$1" "$2"); do
		if [[ $(awk '/^PPid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) == "$PODINIT" ]]; then
			echo "$pid"
			return 0
		fi
	done
	return 1
}

podinit_fds() { ls "/proc/$PODINIT/fd" 2>/dev/null | wc -l; }
podinit_rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$PODINIT/status"; }
podinit_zombies() { ps -o stat= --ppid "$PODINIT" 2>/dev/null | grep -c '^Z'; }

# manifest FILE: writes stdin to the manifests dir as FILE.yaml, atomically
manifest() {
	local f=$MANIFESTS/$1.yaml
	cat >"$TD/.$1.tmp" && mv "$TD/.$1.tmp" "$f"
}
