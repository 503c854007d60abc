#!/bench/bin/sh
# bench/board-init.sh - PID 1 of the board bench's boot (bench/board.sh puts it at
# /bench/init and boots with rdinit=/bench/init). Busybox sh, on the board, under the
# board's cgroup v2: the host bench's rows (bench/run.sh), side by side in one boot:
#   start latency to the first instruction: podinit (podctl apply), crun run, unshare of
#     the same namespaces, fork+exec; one start and ten at once
#   podinit's Rss/Pss with 0, 10x1, 10x2 and 50x1 pods; its idle wake-ups over 10 s
# podinit runs as the host bench runs it: PID 1 of `unshare --pid --fork --mount`, with
# the board's image store. Every figure is a line "BENCH key value..." on the console,
# read by bench/board.py; "BENCH-END" is the last, then the board powers off.
export PATH=/bench/bin:/usr/bin:/sbin
B=/bench
T=/tmp/bench
N=${BENCH_N:-10}
say() { echo "BENCH $*"; }
die() { echo "BENCH-FAIL $*"; poweroff -f; sleep 5; }

mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
mount -t devtmpfs -o nosuid,mode=0755 devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o nosuid,noexec,gid=5,mode=0620,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs /run
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /tmp
mount -t cgroup2 -o nosuid,nodev,noexec,${BENCH_CGROUP_OPTS:-nsdelegate} cgroup2 /sys/fs/cgroup ||
	die "cannot mount cgroup2"
mount --make-rslave / 2>/dev/null
for m in $(cat /etc/podinit/modules); do insmod "$m" 2>/dev/null; done
ip link set lo up
for c in cpu memory pids; do echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control; done
kv=$(uname -r)
say machine "$(uname -m) $kv $(grep -c ^processor /proc/cpuinfo) cpu, $(awk '/MemTotal/ {print $2}' /proc/meminfo) kB"
say cgroup "$(cat /sys/fs/cgroup/cgroup.controllers) ($(grep cgroup2 /proc/mounts | awk '{print $4}'))"
say crun "$(crun --version | awk 'NR==1 {print $3}')"
say podinit "$(/sbin/init --version | head -1)"
say samples "$N"

mkdir -p $T/manifests $T/run $T/data $T/out $T/crunroot
IMG=/var/lib/podinit/images
STAMP=$B/bin/stamp # for fork+exec and unshare; the pods and crun run /bin/stamp of the busybox image
export PODINIT_SOCKET=$T/run/podinit.sock

unshare --pid --fork --mount /sbin/init --console none --manifests $T/manifests --images $IMG \
	--run $T/run --data $T/data >$T/podinit.log 2>&1 &
UNSHARE=$!
i=0
while [ ! -S $PODINIT_SOCKET ] && [ $i -lt 200 ]; do usleep 50000; i=$((i + 1)); done
PID=$(awk -v pp=$UNSHARE '$4 == pp {print $1; exit}' /proc/[0-9]*/stat 2>/dev/null) # unshare's child
[ -n "$PID" ] && podctl version >/dev/null 2>&1 || { cat $T/podinit.log; die "podinit did not start"; }

# pod NAME [CONTAINERS] [CMD]: a manifest of one pod
pod() {
	echo "apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  volumes: [{name: out, hostPath: {path: $T/out, type: Directory}}]
  containers:"
	k=0
	while [ $k -lt "${2:-1}" ]; do
		echo "  - {name: c$k, image: busybox, command: [$3], volumeMounts: [{name: out, mountPath: /out}]}"
		k=$((k + 1))
	done
}
# wait_gone NAME...: until podctl knows none of them (bounded)
wait_gone() {
	for n in "$@"; do
		k=0
		while podctl get pod "$n" >/dev/null 2>&1 && [ $k -lt 400 ]; do usleep 25000; k=$((k + 1)); done
	done
}
# sample ROW LAT-ARGS...: one lat run, as "BENCH lat ROW first_ms returned_ms"
sample() {
	row=$1
	shift
	line=$(lat "$@") || die "lat $row failed: $line"
	echo "$line" | awk -v r="$row" '{printf "BENCH lat %s %.3f %.3f\n", r, ($3 - $1) / 1e6, ($2 - $1) / 1e6}'
}

# ---- start latency: one start, then ten at once, the rows round robin
pod lat 1 "/bin/stamp, /out/t" >$T/lat.yaml
: >$T/lat10.yaml
i=0
while [ $i -lt 10 ]; do
	[ $i -gt 0 ] && echo --- >>$T/lat10.yaml
	pod lat$i 1 "/bin/stamp, /out/p.$i" >>$T/lat10.yaml
	i=$((i + 1))
done
s=0
while [ $s -lt "$N" ]; do
	usleep 200000
	sample podinit $T/out/t -- podctl apply -f $T/lat.yaml
	podctl delete pod lat >/dev/null 2>&1
	wait_gone lat
	usleep 200000
	sample crun $T/out/t -- crun --root $T/crunroot run --no-pivot --bundle $B/crun/one c0
	usleep 200000
	sample unshare $T/out/t -- unshare --fork --pid --mount --ipc --uts --net $STAMP $T/out/t
	usleep 200000
	sample forkexec $T/out/t -- $STAMP $T/out/t
	usleep 200000
	sample podinit10 -n 10 $T/out/p -- podctl apply -f $T/lat10.yaml
	for j in 0 1 2 3 4 5 6 7 8 9; do podctl delete pod lat$j >/dev/null 2>&1; done
	wait_gone lat0 lat1 lat2 lat3 lat4 lat5 lat6 lat7 lat8 lat9
	usleep 200000
	sample crun10 -n 10 $T/out/p -- sh -c "j=0; while [ \$j -lt 10 ]; do crun --root $T/crunroot run --no-pivot --bundle $B/crun/p\$j p\$j >/dev/null & j=\$((j + 1)); done; wait"
	usleep 200000
	sample forkexec10 -n 10 $T/out/p -- sh -c "j=0; while [ \$j -lt 10 ]; do $STAMP $T/out/p.\$j & j=\$((j + 1)); done; wait"
	s=$((s + 1))
done

# ---- one more start, traced (in no table): podinit's slowest calls, its waits left out
strace -f -T -o $T/strace -p $PID 2>/dev/null &
TRACER=$!
sleep 2
lat $T/out/t -- podctl apply -f $T/lat.yaml >/dev/null
sleep 1
kill $TRACER
wait $TRACER 2>/dev/null
podctl delete pod lat >/dev/null 2>&1
wait_gone lat
grep -v -e 'epoll_pwait' -e 'epoll_wait' -e 'resumed> ) *= ? <' $T/strace |
	sed -n 's/^\([0-9]*\) *\([a-z0-9_]*\)(\(.\{0,60\}\).*<\([0-9.]*\)>$/\4 \1 \2(\3/p' |
	sort -rn | head -12 | while read -r t p call; do say slow "$t" "$([ "$p" = "$PID" ] && echo podinit || echo child)" "$call"; done
say calls "$(grep -c . $T/strace)"
podctl delete pod lat >/dev/null 2>&1

# ---- memory: podinit's Rss and Pss (kB) with 0, 10x1, 10x2 and 50x1 sleeping pods
mem() { # mem ROW PODS CONTAINERS
	sleep 2
	r=$(awk '/^Rss:/ {r = $2} /^Pss:/ {p = $2} /^Pss_Anon:/ {a = $2} END {print r, p, a}' /proc/$PID/smaps_rollup)
	say mem "$1" "$2" "$3" $r "$(ls /proc/$PID/fd | wc -l)"
}
running() { # running N: until N pods run (bounded)
	k=0
	while [ "$(podctl get pods 2>/dev/null | grep -c ' Running ')" -lt "$1" ] && [ $k -lt 600 ]; do
		usleep 100000
		k=$((k + 1))
	done
}
apply_pods() { # apply_pods FROM TO CONTAINERS
	i=$1
	while [ $i -lt $2 ]; do
		pod s$i "$3" "sleep, '3600'" >$T/s.yaml
		podctl apply -f $T/s.yaml >/dev/null || die "apply s$i failed"
		i=$((i + 1))
	done
}
delete_pods() { # delete_pods FROM TO
	i=$1
	while [ $i -lt $2 ]; do podctl delete pod s$i >/dev/null 2>&1; i=$((i + 1)); done
	i=$1
	while [ $i -lt $2 ]; do wait_gone s$i; i=$((i + 1)); done
}
idle() { # idle ROW: podinit's context switches and CPU ticks over 10 s of nothing
	a=$(awk '/^voluntary_ctxt/ {v = $2} /^nonvoluntary_ctxt/ {n = $2} END {print v + n}' /proc/$PID/status)
	c=$(awk '{print $14 + $15}' /proc/$PID/stat)
	sleep 10
	b=$(awk '/^voluntary_ctxt/ {v = $2} /^nonvoluntary_ctxt/ {n = $2} END {print v + n}' /proc/$PID/status)
	d=$(awk '{print $14 + $15}' /proc/$PID/stat)
	say idle "$1" $((b - a)) $((d - c))
}
mem fresh 0 0
idle 0
apply_pods 0 10 1
running 10
mem 10x1 10 10
idle 10x1
delete_pods 0 10
apply_pods 0 10 2
running 10
mem 10x2 10 20
delete_pods 0 10
apply_pods 0 50 1
running 50
mem 50x1 50 50
idle 50x1
delete_pods 0 50
mem "after-delete" 0 0
say board_mem "$(awk '/MemAvailable/ {print $2}' /proc/meminfo)"
podctl poweroff >/dev/null 2>&1
wait $UNSHARE
echo BENCH-END
poweroff -f
sleep 10
