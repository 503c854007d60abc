#!/bin/bash
# bench/run.sh - podinit's figures: memory and fds idle with 0/10/50 pods,
# binary sizes, start latency (podctl apply -> first instruction of the app,
# and the same through a file written into the manifests directory), the
# same start with crun, unshare and plain fork+exec, idle wake-ups, and the
# Service data path (connect latency and throughput through a ClusterIP and
# a NodePort against straight to the pod).
#
# A benchmark, not a test: it prints figures (markdown tables) and asserts
# nothing about speed; it exits non-zero only when it could not measure.
# Needs root. Installs what it lacks from Debian (crun, busybox-static, gcc,
# libc6-dev, python3, strace; gdb is optional: the heap column), builds
# podinit (make), works in a temp dir and removes it.
#
#   bench/run.sh                 every section, N=30 samples per latency row
#   BENCH_RUNS=50 bench/run.sh   more samples
#   BENCH_RAW=FILE bench/run.sh  also append every raw sample to FILE
#   BENCH_KEEP=1 bench/run.sh    keep the temp dir (logs, strace) for a look
#
# See docs/performance.md for what each figure means.
set -u
cd "$(dirname "$0")/.." || exit 2
TOP=$PWD
N=${BENCH_RUNS:-30}
RAW=${BENCH_RAW:-}
PODINIT=$TOP/build/host/podinit
PODCTL=$TOP/build/host/podctl

die() {
	echo "bench: $*" >&2
	if [ -n "${UNSHARE_PID:-}" ] && [ -f "$T/podinit.log" ]; then
		echo "bench: podctl get pods, describe pod lat, and the end of podinit's log:" >&2
		"$PODCTL" get pods >&2
		"$PODCTL" describe pod lat >&2
		tail -40 "$T/podinit.log" >&2
	fi
	exit 1
}
[ "$(id -u)" = 0 ] || die "needs root (namespaces, mounts, cgroups)"
[ "$N" -ge 1 ] 2>/dev/null || die "BENCH_RUNS must be a number"

# ---- what it needs -------------------------------------------------------
need=()
for pkg in crun busybox-static gcc libc6-dev python3 strace; do
	dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed' ||
		need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
	echo "bench: installing ${need[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y "${need[@]}" >/dev/null 2>&1 ||
		{ apt-get update >/dev/null 2>&1 && apt-get install -y "${need[@]}" >/dev/null; } ||
		die "apt-get install ${need[*]} failed"
fi
BUSYBOX=$(command -v busybox) || die "no busybox"
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' || BUSYBOX=/bin/busybox
make -s >/dev/null || die "make failed"

# ---- temp dir and cleanup ------------------------------------------------
T=$(mktemp -d /tmp/podinit-bench.XXXXXX) || die "mktemp"
UNSHARE_PID='' PID=''
BENCH_CGS=()
export PODINIT_SOCKET=$T/run/podinit.sock

cleanup() {
	trap - EXIT INT TERM
	if [ -n "$UNSHARE_PID" ] && kill -0 "$UNSHARE_PID" 2>/dev/null; then
		"$PODCTL" poweroff >/dev/null 2>&1
		for _ in $(seq 600); do
			kill -0 "$UNSHARE_PID" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$UNSHARE_PID" 2>/dev/null; then
			echo "bench: podinit did not stop in 60 s; killing pid $PID" >&2
			[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
			sleep 0.5
			kill -KILL "$UNSHARE_PID" 2>/dev/null
		fi
		wait "$UNSHARE_PID" 2>/dev/null
	fi
	for d in "${BENCH_CGS[@]}"; do
		rmdir "$d/podinit" "$d" 2>/dev/null
	done
	if [ -d "$T/crunroot" ]; then
		for c in $(crun --root "$T/crunroot" list -q 2>/dev/null); do
			crun --root "$T/crunroot" delete -f "$c" >/dev/null 2>&1
		done
	fi
	# mounts were made in private mount namespaces; undo any that leaked
	grep -o " ${T}[^ ]*" /proc/self/mounts 2>/dev/null | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null
	done
	if [ -n "${BENCH_KEEP:-}" ]; then
		echo "bench: kept $T (podinit.log, strace.txt, the samples)" >&2
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the image store, stamp, lat -----------------------------------------
ROOTFS=$T/images/docker.io/library/busybox/latest/rootfs
mkdir -p "$ROOTFS"/{bin,etc,proc,sys,dev,tmp} "$T"/{manifests,run,data,out,pods}
cp "$BUSYBOX" "$ROOTFS/bin/busybox"
for a in $("$BUSYBOX" --list); do
	[ "$a" = busybox ] || ln -s busybox "$ROOTFS/bin/$a"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$ROOTFS/etc/passwd"
gcc -O2 -static -o "$ROOTFS/bin/stamp" bench/stamp.c || die "cannot build stamp"
gcc -O2 -o "$T/lat" bench/lat.c || die "cannot build lat"
STAMP=$ROOTFS/bin/stamp

raw() { [ -z "$RAW" ] || echo "$*" >>"$RAW"; }

# stats: ms values on stdin -> "median p90 min max n"
# (median: mean of the two middle values for even n; p90: nearest rank)
stats() {
	sort -g | awk '{v[NR]=$1} END {
		if (NR == 0) { print "- - - - 0"; exit }
		m = NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2
		r = int(0.9 * NR); if (r < 0.9 * NR) r++
		printf "%.2f %.2f %.2f %.2f %d\n", m, v[r], v[1], v[NR], NR }'
}
row() { # row LABEL FILE: a table row of median | p90 | min | max | n
	read -r med p90 min max n < <(stats <"$2")
	printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$med" "$p90" "$min" "$max" "$n"
}
lat_header() {
	echo '| what | median ms | p90 ms | min ms | max ms | n |'
	echo '|---|---:|---:|---:|---:|---:|'
}

# ---- podinit --------------------------------------------------------------
# A v1 group of our own in each hierarchy podinit uses (below this shell's
# group there), so that podinit's base group OWN/podinit is shared with no
# other podinit on this host: one that stops removes an empty base group
# from under the others.
make_cgroups() {
	local ctrls path c d seen=" "
	while IFS=: read -r _ ctrls path; do
		for c in ${ctrls//,/ }; do
			case $c in memory | cpu | cpuacct | pids | devices) ;; *) continue ;; esac
			d=$(readlink -f "/sys/fs/cgroup/$c")$path
			d=${d%/}/${T##*/}
			case $seen in *" $d "*) continue ;; esac
			seen="$seen$d "
			mkdir -p "$d" && BENCH_CGS+=("$d")
		done
	done </proc/self/cgroup
}

start_podinit() {
	make_cgroups
	# --console none: as PID 1 (of this PID namespace) podinit would
	# otherwise write its events to /dev/console, a slow serial line here
	CGS="${BENCH_CGS[*]}" bash -c 'for d in $CGS; do echo $$ >"$d/cgroup.procs" || exit 1; done; exec "$@"' \
		_ unshare --pid --fork --mount --net --mount-proc "$PODINIT" --console none --manifests "$T/manifests" \
		--images "$T/images" --run "$T/run" --data "$T/data" >"$T/podinit.log" 2>&1 &
	UNSHARE_PID=$!
	for _ in $(seq 100); do
		[ -S "$PODINIT_SOCKET" ] && PID=$(tr -d " " <"/proc/$UNSHARE_PID/task/$UNSHARE_PID/children" 2>/dev/null) &&
			[ -n "$PID" ] && return 0
		sleep 0.05
	done
	cat "$T/podinit.log" >&2
	die "podinit did not start"
}

pod_yaml() { # pod_yaml NAME CONTAINERS
	local i
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\nspec:\n' "$1"
	printf '  terminationGracePeriodSeconds: 1\n  containers:\n'
	for i in $(seq 1 "$2"); do
		printf '  - name: c%d\n    image: busybox\n    command: ["sleep", "3600"]\n' "$i"
	done
}

apply_pods() { # apply_pods PREFIX FROM TO CONTAINERS
	local i
	for i in $(seq "$2" "$3"); do
		pod_yaml "$(printf '%s-%02d' "$1" "$i")" "$4" >"$T/pods/$1-$i.yaml"
		"$PODCTL" apply -f "$T/pods/$1-$i.yaml" >/dev/null || die "apply $1-$i failed"
	done
}

running() { "$PODCTL" get pods 2>/dev/null | awk 'NR > 1 && $3 == "Running"' | wc -l; }

wait_running() { # wait_running COUNT
	"$PODCTL" wait --healthy --timeout 120s >/dev/null
	for _ in $(seq 600); do
		[ "$(running)" -eq "$1" ] && return 0
		sleep 0.1
	done
	"$PODCTL" get pods >&2
	die "expected $1 running pods"
}

delete_all() {
	local p
	for p in $("$PODCTL" get pods 2>/dev/null | awk 'NR > 1 {print $1}'); do
		"$PODCTL" delete pod "$p" >/dev/null
	done
	for _ in $(seq 1200); do
		"$PODCTL" get pods 2>&1 | grep -q '^No resources' && return 0 # kubectl's words, on stderr
		sleep 0.1
	done
	die "pods did not go away"
}

quiet() { sleep "${1:-2}"; } # let the settle-window rescan and exits pass

# glibc's heap bytes in use (mallinfo2 through gdb, when gdb is there), kB:
# tells memory still held by podinit from memory glibc keeps after free
heap_in_use() {
	local kb
	command -v gdb >/dev/null || { echo -; return; }
	for _ in 1 2 3; do
		kb=$(gdb -p "$PID" -batch -ex 'p (struct mallinfo2) mallinfo2()' 2>>"$T/gdb.err" |
			tee -a "$T/gdb.out" | awk -F'[ ,{}]+' '/uordblks/ {
				for (i = 1; i < NF; i++) { if ($i == "hblkhd") h = $(i + 2); if ($i == "uordblks") u = $(i + 2) }
				printf "%d", (h + u) / 1024 }')
		[ -n "$kb" ] && break
		sleep 0.5
	done
	[ -n "$kb" ] || echo "bench: gdb could not read mallinfo2: $(grep -v 'PID namespaces\|epoll_wait\|^$' \
		"$T/gdb.err" | tail -2 | tr '\n' ' ')" >&2
	echo "${kb:--}"
}

# mem_row LABEL PODS CONTAINERS: one row of the memory table; keeps the
# figures in RSS/PSS/HEAP/FDS[LABEL] for the increments
declare -A PSS RSS HEAP FDS
mem_row() {
	local r p pa pf hwm fds thr heap
	r=$(awk '/^Rss:/ {print $2}' "/proc/$PID/smaps_rollup")
	p=$(awk '/^Pss:/ {print $2}' "/proc/$PID/smaps_rollup")
	pa=$(awk '/^Pss_Anon:/ {print $2}' "/proc/$PID/smaps_rollup")
	pf=$(awk '/^Pss_File:/ {print $2}' "/proc/$PID/smaps_rollup")
	hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$PID/status")
	thr=$(awk '/^Threads:/ {print $2}' "/proc/$PID/status")
	fds=$(ls "/proc/$PID/fd" | wc -l)
	heap=$(heap_in_use)
	RSS[$1]=$r PSS[$1]=$p HEAP[$1]=$heap FDS[$1]=$fds
	raw "mem $1 pods=$2 ctrs=$3 rss=$r pss=$p pss_anon=$pa pss_file=$pf hwm=$hwm fds=$fds threads=$thr heap=$heap"
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$r" "$p" "$pa" "$pf" \
		"$hwm" "$heap" "$fds"
}

ctxt() { awk '/^voluntary_ctxt_switches:/ {v=$2} /^nonvoluntary_ctxt_switches:/ {n=$2} END {print v, n}' \
	"/proc/$PID/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }

idle_row() { # idle_row LABEL PODS SECONDS
	local v0 n0 v1 n1 c0 c1
	read -r v0 n0 < <(ctxt)
	c0=$(cpu_ticks)
	sleep "$3"
	read -r v1 n1 < <(ctxt)
	c1=$(cpu_ticks)
	raw "idle $1 pods=$2 secs=$3 voluntary=$((v1 - v0)) nonvoluntary=$((n1 - n0)) ticks=$((c1 - c0))"
	printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$((v1 - v0))" "$((n1 - n0))" \
		"$(( (c1 - c0) * 1000 / $(getconf CLK_TCK) ))"
}

# The Kubernetes API process (podinit --api-process, PID 1's child): its
# memory, and `kubectl get pods` beside `podctl get pods` with 10 pods (the
# medians of N; kubectl's own start is in its figure, curl's is the request
# alone: TLS handshake, token, PID 1's answer)
api_section() {
	local api k c ms_p ms_k ms_c tok
	api=$(pgrep -P "$PID" -f -- --api-process | head -1)
	k=$TOP/build/test/kubectl
	echo "## The Kubernetes API process (10 pods running)"
	echo
	if [ -z "$api" ]; then
		echo "(no API process)"
		return
	fi
	echo "| figure | value |"
	echo "|---|---:|"
	echo "| API process Rss / Pss (kB) | $(awk '/^Rss:/ {r=$2} /^Pss:/ {p=$2} END {print r " / " p}' "/proc/$api/smaps_rollup") |"
	ms_p=$(lat_ms "$PODCTL" get pods)
	echo "| \`podctl get pods\` (ms, median of $N) | $ms_p |"
	tok=$(cat "$T/data/api/token" 2>/dev/null)
	ms_c=$(lat_ms nsenter -t "$PID" -n curl -sk -o /dev/null -H "Authorization: Bearer $tok" \
		-H "Accept: application/json;as=Table;v=v1;g=meta.k8s.io" https://127.0.0.1:6443/api/v1/namespaces/default/pods)
	echo "| GET pods as a Table over HTTPS, curl (ms, median of $N) | $ms_c |"
	if [ -x "$k" ]; then
		KUBECONFIG=$T/run/kubeconfig nsenter -t "$PID" -n "$k" --cache-dir "$T/kcache" get pods >/dev/null 2>&1
		ms_k=$(KUBECONFIG=$T/run/kubeconfig lat_ms nsenter -t "$PID" -n "$k" --cache-dir "$T/kcache" get pods)
		echo "| \`kubectl get pods\` (ms, median of $N; its discovery cached) | $ms_k |"
		echo "| kubectl / podctl | $(awk -v a="$ms_k" -v b="$ms_p" 'BEGIN {printf "%.1f", a / b}') |"
	fi
	echo "| API process Rss after those (kB) | $(awk '/^VmRSS:/ {print $2}' "/proc/$api/status") |"
}

# the median wall time of N runs of a command, in ms
lat_ms() {
	local i t0 t1
	for i in $(seq "$N"); do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000))
	done | sort -n | awk '{a[NR] = $1} END {printf "%.1f", a[int((NR + 1) / 2)] / 1000}'
}

kb_per() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN {printf "%.1f", (b - a) / n}'; }

echo "# podinit benchmarks"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- machine: $(nproc) CPUs ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/^MemTotal/ {printf "%d MiB", $2/1024}' /proc/meminfo) RAM, kernel $(uname -r)"
echo "- $("$PODINIT" --version 2>/dev/null | head -1) (git describe: $(git describe --always --dirty 2>/dev/null)), crun $(crun --version | awk 'NR==1 {print $3}'), busybox $("$BUSYBOX" | head -1 | awk '{print $2}')"
echo "- latency samples per row: $N; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# ---- 1. sizes --------------------------------------------------------------
echo "## Binary sizes"
echo
echo '| binary | bytes | text | data | bss | linking |'
echo '|---|---:|---:|---:|---:|---|'
strip -o "$T/podinit.stripped" "$PODINIT"
for b in "$PODINIT" "$T/podinit.stripped" "$TOP/build/qemu-virt-arm64/podinit" "$TOP/build/qemu-virt-armv7/podinit"; do
	[ -f "$b" ] || continue
	name=${b#"$TOP"/}
	[ "$b" = "$T/podinit.stripped" ] && name="build/host/podinit, stripped"
	link=$(file -L "$b" | grep -o 'statically linked\|dynamically linked')
	arch=$(file -L "$b" | awk -F', ' '{print $2}')
	read -r text data bss < <(size -A "$b" 2>/dev/null | awk '
		$1 ~ /^\.(text|init|fini|rodata|eh_frame|eh_frame_hdr|gcc_except_table|plt|plt\.got|plt\.sec|rela\.dyn|rela\.plt|gnu\.hash|dynsym|dynstr|gnu\.version|gnu\.version_r|note\.gnu\.build-id|note\.ABI-tag|interp|ARM\.exidx|ARM\.extab|rel\.dyn|rel\.plt|hash)$/ {t += $2}
		$1 ~ /^\.(data|data\.rel\.ro|got|got\.plt|init_array|fini_array|dynamic|tdata)$/ {d += $2}
		$1 ~ /^\.(bss|tbss)$/ {b += $2}
		END {print t + 0, d + 0, b + 0}')
	printf '| %s | %s | %s | %s | %s | %s, %s |\n' "$name" "$(stat -c %s "$b")" "$text" "$data" "$bss" "$arch" "$link"
done
echo

# ---- 2. memory and idle ----------------------------------------------------
start_podinit
quiet 1
echo "## podinit memory and fds, idle (kB; pods are busybox \`sleep 3600\`, no limits)"
echo
echo '| state | pods | containers | Rss | Pss | Pss_Anon | Pss_File | VmHWM | heap in use | fds |'
echo '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
mem_row fresh 0 0
apply_pods idle 1 10 1
wait_running 10
quiet
mem_row 10x1 10 10
IDLE10=$(idle_row "10 pods x 1" 10 10)
API_SECTION=$(api_section)
apply_pods idle 11 50 1
wait_running 50
quiet
mem_row 50x1 50 50
IDLE50=$(idle_row "50 pods x 1" 50 10)
delete_all
quiet
mem_row "0, after 50 deleted" 0 0
apply_pods multi 1 10 5
wait_running 10
quiet
mem_row 10x5 10 50
delete_all
quiet
mem_row "0, after 10x5 deleted" 0 0
IDLE0=$(idle_row "0 pods" 0 10)
echo
echo "Increments, kB. Resident (Pss), measured while the count only grows: per pod (1 container)" \
	"0 -> 10 pods $(kb_per "${PSS[fresh]}" "${PSS[10x1]}" 10), 10 -> 50 pods $(kb_per "${PSS[10x1]}" "${PSS[50x1]}" 40)" \
	"(Rss: $(kb_per "${RSS[fresh]}" "${RSS[10x1]}" 10) and $(kb_per "${RSS[10x1]}" "${RSS[50x1]}" 40))."
[ "${HEAP[10x1]}" = - ] || echo "Heap in use (malloc'd, resident or not): per pod with 1 container (10 -> 50 pods)" \
	"$(kb_per "${HEAP[10x1]}" "${HEAP[50x1]}" 40), per extra container (10x1 -> 10x5)" \
	"$(kb_per "${HEAP[10x1]}" "${HEAP[10x5]}" 40), so per pod without containers" \
	"$(awk -v a="${HEAP[10x1]}" -v b="${HEAP[50x1]}" -v c="${HEAP[10x5]}" 'BEGIN {printf "%.1f", (b - a) / 40 - (c - a) / 40}')."
echo "fds: per pod with 1 container $(( (FDS[50x1] - FDS[10x1]) / 40 )), per extra container $(( (FDS[10x5] - FDS[10x1]) / 40 ))."
echo "Pss after deletions is not comparable with the fresh figures: glibc keeps freed heap (see the heap column)."
echo
echo "$API_SECTION"
echo
echo "## Idle wake-ups of podinit"
echo
echo '| state | pods | seconds | voluntary ctxt switches | involuntary | CPU ms |'
echo '|---|---:|---:|---:|---:|---:|'
echo "$IDLE0"
echo "$IDLE10"
echo "$IDLE50"
echo

# ---- 3. start latency --------------------------------------------------------
cat >"$T/lat.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: lat
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  volumes:
  - name: out
    hostPath:
      path: $T/out
      type: Directory
  containers:
  - name: stamp
    image: busybox
    command: ["/bin/stamp", "/out/t"]
    volumeMounts:
    - name: out
      mountPath: /out
EOF

gone() { # lat made by podctl apply (the operator's) or by a file in the manifests directory (the agent's)
	rm -f "$T/manifests/lat.yaml"
	"$PODCTL" delete pod lat >/dev/null 2>&1
	for _ in $(seq 300); do
		"$PODCTL" get pod lat >/dev/null 2>&1 || { sleep 0.4; return 0; }
		sleep 0.02
	done
	die "pod lat did not go away"
}

# Every sample starts "cold": moving a task into a v1 cgroup waits for an
# RCU grace period (cgroup_threadgroup_rwsem) unless another move happened
# a moment ago, which makes a start right after another runtime's start
# ~10 ms faster. 200 ms of nothing first lets that state lapse, so no row
# profits from the one before it, as a lone start on a device would not.
cold() { sleep 0.2; }

# one NAME LAT-ARGS...: one sample; appends ms to $T/NAME.{first,ret,spawn}
# (first: t0 -> stamp; ret: t0 -> the command returned, or the file was
# renamed; spawn: from then -> stamp)
one() {
	local name=$1 line t0 t1 ts
	shift
	cold
	line=$("$T/lat" "$T/out/t" "$@") || die "$name: a sample failed"
	read -r t0 t1 ts <<<"$line"
	record "$name" "$t0" "$t1" "$ts"
}
record() { # record NAME T0 T1 TS
	raw "lat $1 t0=$2 t1=$3 ts=$4"
	awk -v a="$2" -v b="$3" -v c="$4" -v f="$T/$1" 'BEGIN {
		printf "%.3f\n", (c - a) / 1e6 >>(f ".first")
		printf "%.3f\n", (b - a) / 1e6 >>(f ".ret")
		printf "%.3f\n", (c - b) / 1e6 >>(f ".spawn") }'
}

# crun: an OCI bundle over the same rootfs
mkdir -p "$T/crun" "$T/crunroot"
(cd "$T/crun" && crun spec) || die "crun spec failed"
python3 "$TOP/bench/oci_bundle.py" "$T/crun/config.json" "$T/crun" "$ROOTFS" "$T/out" /bin/stamp /out/t ||
	die "cannot adapt config.json"

# podctl's own round trip, for scale
for i in $(seq "$N"); do
	"$T/lat" - -- "$PODCTL" version | awk '{printf "%.3f\n", ($2 - $1) / 1e6}' >>"$T/version.ms"
done
quiet 1
# Round robin, so that whatever else the machine does spreads over every
# row alike. crun 1.8 refuses a hybrid host ("hybrid mode not supported"):
# it runs in a private mount namespace, made before lat starts its clock,
# where an empty tmpfs replaces the v2 tree. Not just unmounted: crun still
# makes ID/cgroup.procs under /sys/fs/cgroup/unified for the 0:: line of
# /proc/self/cgroup, and without the tmpfs that lands in the host's
# /sys/fs/cgroup tmpfs, hidden under the v2 mount, and is never removed.
for i in $(seq "$N"); do
	one apply -- "$PODCTL" apply -f "$T/lat.yaml"
	gone
	one direct -w "$T/lat.yaml" "$T/manifests/lat.yaml"
	gone
	one forkexec -- "$STAMP" "$T/out/t"
	one unshare -- unshare --fork --pid --mount --ipc --uts --net "$STAMP" "$T/out/t"
	cold
	unshare --mount --propagation private sh -c 'umount /sys/fs/cgroup/unified &&
		mount -t tmpfs -o size=64k bench /sys/fs/cgroup/unified && exec "$@"' _ \
		"$T/lat" "$T/out/t" -- crun --root "$T/crunroot" run --bundle "$T/crun" bench >"$T/crun.line" ||
		die "crun: a sample failed"
	read -r t0 t1 ts <"$T/crun.line"
	record crun "$t0" "$t1" "$ts"
done
# one more start, traced: podinit's slowest system calls (strace stops
# podinit at every call, so this sample is in no table; -T is the time
# spent inside each call, which the tracing does not inflate much)
mkdir -p "$T/strace"
strace -f -ff -p "$PID" -T -y -o "$T/strace/pid" 2>/dev/null &
STRACE_PID=$!
sleep 1
"$T/lat" "$T/out/t" -- "$PODCTL" apply -f "$T/lat.yaml" >"$T/traced.lat" || die "traced sample failed"
sleep 0.3
kill "$STRACE_PID" 2>/dev/null
wait "$STRACE_PID" 2>/dev/null
gone
# -ff: one file per process, PROC<TAB>CALL lines; the waits are left out:
# epoll_wait (podinit idle) and the child's read of its release pipe (it
# waits there while podinit puts it into its cgroups)
for f in "$T"/strace/pid.*; do
	who=child
	[ "${f##*.}" = "$PID" ] && who=podinit
	sed "s/^/$who\t/" "$f"
done >"$T/strace.txt"
SLOW=$(grep -v 'epoll_wait\|wait4\|^child.read(.*"\\1", 1) *= 1 <' "$T/strace.txt" |
	sed -nE 's/^([a-z]+)\t(.*) <([0-9.]+)>$/\3 \1 \2/p' | sort -rn | head -8 |
	awk '{ ms = $1 * 1000; who = $2; $1 = ""; $2 = ""; sub(/^ +/, ""); gsub(/\|/, "\\|");
		printf "| %.2f | %s | `%s` |\n", ms, who, substr($0, 1, 150) }')
RELEASE_MS=$(sed -nE 's/^child.read\(.*"\\1", 1\) *= 1 <([0-9.]+)>$/\1/p' "$T/strace.txt" |
	awk '{printf "%.2f", $1 * 1000; exit}')
SYSCALLS=$(grep -c ' <[0-9.]*>$' "$T/strace.txt")
SYSCALL_MS=$(grep -v 'epoll_wait' "$T/strace.txt" | sed -nE 's/.* <([0-9.]+)>$/\1/p' |
	awk '{s += $1} END {printf "%.2f", s * 1000}')
quiet
MEM_AFTER_LAT=$(mem_row "0, after $((2 * N)) create/delete cycles" 0 0)

# ---- 4. the Service data path ------------------------------------------------
# One web pod (busybox httpd) with a 32 MiB file, behind a ClusterIP and a
# NodePort; from podinit's network namespace: connect latency and
# throughput straight to the pod's address, through the ClusterIP, and
# through the NodePort on 127.0.0.1; podinit's CPU time across it all.
cat >"$T/net.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: netweb, labels: {app: netweb}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: busybox
    command: ["sh", "-c", "mkdir -p /w && dd if=/dev/zero of=/w/big bs=1M count=32 2>/dev/null && exec httpd -f -p 8080 -h /w"]
    readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: netsvc}
spec:
  type: NodePort
  selector: {app: netweb}
  ports: [{port: 80, targetPort: 8080, nodePort: 30081}]
EOF
"$PODCTL" apply -f "$T/net.yaml" >/dev/null || die "apply net.yaml failed"
"$PODCTL" wait --healthy --timeout 60s >/dev/null || die "netweb did not become ready"
NET_POD=$("$PODCTL" get pod netweb -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"]["podIP"])')
NET_VIP=$(awk '$2 == "netsvc.default.svc.cluster.local" {print $1}' "$T/run/pods/netweb/etc/hosts")
[ -n "$NET_POD" ] && [ -n "$NET_VIP" ] || die "no pod address or ClusterIP"
NET_N=$((N > 30 ? N : 30))
CPU0=$(cpu_ticks)
NET_ROWS=$(nsenter -t "$PID" -n python3 "$TOP/bench/service_path.py" "$NET_N" "$NET_POD" "$NET_VIP") ||
	die "the Service measurements failed"
CPU1=$(cpu_ticks)
NET_CPU_MS=$(((CPU1 - CPU0) * 1000 / $(getconf CLK_TCK)))
"$PODCTL" delete pod netweb --now >/dev/null
"$PODCTL" poweroff >/dev/null
wait "$UNSHARE_PID" 2>/dev/null
UNSHARE_PID=''
SETTLE_MS=$(grep -o 'SETTLE_NS (\?[0-9]*' supervisor/sv.c | grep -o '[0-9]*$')
SETTLE_MS=${SETTLE_MS:-200}
awk -v s="$SETTLE_MS" '{printf "%.3f\n", $1 - s}' "$T/direct.first" >"$T/direct.nosettle"

echo "## Start latency (ms, CLOCK_MONOTONIC; first instruction = the static \`stamp\` program's first clock read)"
echo
lat_header
row "podinit: podctl apply -> first instruction" "$T/apply.first"
row "podinit: podctl apply round trip (returns)" "$T/apply.ret"
row "podinit: apply returned -> first instruction" "$T/apply.spawn"
row "podinit: file renamed into manifests dir -> first instruction (raw)" "$T/direct.first"
row "podinit: the same minus the ${SETTLE_MS} ms settle window" "$T/direct.nosettle"
row "podctl version round trip (fork, exec, connect, answer, exit)" "$T/version.ms"
row "crun run: start -> first instruction" "$T/crun.first"
row "crun run: start -> crun exited" "$T/crun.ret"
row "unshare --fork --pid --mount --ipc --uts --net: -> first instruction" "$T/unshare.first"
row "unshare ...: -> unshare exited" "$T/unshare.ret"
row "fork+exec: -> first instruction" "$T/forkexec.first"
row "fork+exec: -> exited" "$T/forkexec.ret"
echo
echo "## One traced start (strace -f -T -y on podinit): the slowest system calls"
echo
echo "$SYSCALLS system calls, $SYSCALL_MS ms inside them in all (epoll_wait left out);" \
	"the child waited $RELEASE_MS ms for its release (podinit putting it into its cgroups)."
echo
echo '| ms | process | call |'
echo '|---:|---|---|'
echo "$SLOW"
echo
echo "## Memory after the latency runs"
echo
echo '| state | pods | containers | Rss | Pss | Pss_Anon | Pss_File | VmHWM | heap in use | fds |'
echo '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
echo "$MEM_AFTER_LAT"
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (anything else running on the machine shows in the p90 and max columns)."
echo
echo "## The Service data path (from podinit's network namespace; ratios to the pod's own address, one run)"
echo
echo '| path | connect median (µs) | connect p90 (µs) | ratio | throughput (MB/s, 3 x 32 MiB) | ratio |'
echo '|---|---:|---:|---:|---:|---:|'
echo "$NET_ROWS"
echo
echo "podinit's CPU time across $((3 * NET_N)) connects and 9 transfers of 32 MiB: ${NET_CPU_MS} ms" \
	"(the packets go through the kernel's nftables and conntrack, not through PID 1)."
