# attacks.sh - the attack cases of tests/integration/run.sh (sourced).
#
# Each does what an attacker with root inside an ordinary container did
# to podinit (issue "Containers must not reach the host") and asserts
# that the attempt fails; docs/security.md lists them. The containers run
# as the image's root with no privileges asked for.

# ---------------------------------------------------------------------
# /proc and /sys: read-only and masked paths, no /proc/sys writes
# ---------------------------------------------------------------------
case_attack-proc() {
	manifest procs <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: procs
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c"]
    args:
    - |
      # the current value written back: harmless if the write went through
      cur=\$\$(cat /proc/sys/kernel/core_pattern)
      if printf '%s\n' "\$\$cur" > /proc/sys/kernel/core_pattern 2>/dev/null; then echo core_pattern=WRITTEN; else echo core_pattern=denied; fi
      if (: > /proc/sysrq-trigger) 2>/dev/null; then echo sysrq=OPENED; else echo sysrq=denied; fi
      for f in /proc/sys/vm/drop_caches /proc/irq/default_smp_affinity; do
        [ -e \$\$f ] || continue
        if (: > \$\$f) 2>/dev/null; then echo "ro \$\$f=WRITTEN"; else echo "ro \$\$f=denied"; fi
      done
      for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug /proc/latency_stats; do
        [ -e \$\$f ] || continue
        echo "masked \$\$f=\$\$(head -c 64 \$\$f 2>/dev/null | wc -c)"
      done
      echo "masked /sys/firmware=\$\$(ls -A /sys/firmware 2>/dev/null | wc -l)"
      echo "fds=\$\$(ls /proc/self/fd | wc -l)"
      echo "cgroupfs=\$\$(awk '\$\$2 ~ "^/sys/fs/cgroup" { print \$\$3 " " substr(\$\$4, 1, 2) }' /proc/mounts | sort -u | tr '\n' ' ')"
      if mkdir /sys/fs/cgroup/x 2>/dev/null || mkdir /sys/fs/cgroup/memory/x 2>/dev/null; then echo cgroup_mkdir=DONE; else echo cgroup_mkdir=denied; fi
      echo END
      $STAY
  - name: priv
    image: busybox
    securityContext:
      privileged: true
    command: ["sh", "-c", "echo timer_list=\$\$(head -c 64 /proc/timer_list 2>/dev/null | wc -c); if (: > /proc/sys/vm/drop_caches) 2>/dev/null; then echo procsys=rw; fi; echo END; $STAY"]
EOF
	start_podinit || return
	wait_logs procs "c priv" END 15 || return
	local out
	out=$(logs procs c)
	expect_line "core_pattern cannot be written" "$out" "core_pattern=denied"
	expect_line "/proc/sysrq-trigger cannot be opened for writing" "$out" "sysrq=denied"
	expect_no_match "read-only /proc paths" "$out" "ro [^=]*=WRITTEN"
	expect_no_match "masked /proc paths read nothing" "$out" "masked /proc/[^=]*=[1-9]"
	expect_line "/sys/firmware is empty" "$out" "masked /sys/firmware=0"
	expect_line "no fd of podinit's in the container (0, 1, 2 and ls's own)" "$out" "fds=4"
	expect_match "/sys/fs/cgroup mounted read-only" "$out" $'cgroupfs=[^\n]*cgroup2? ro|cgroupfs=[^\n]*cgroup ro'
	expect_no_match "/sys/fs/cgroup mounted read-write" "$out" $'cgroupfs=[^\n]*cgroup2? rw'
	expect_line "no cgroup can be made" "$out" "cgroup_mkdir=denied"
	out=$(logs procs priv)
	expect_match "privileged lifts the masks (timer_list readable)" "$out" "timer_list=[1-9]"
	expect_line "privileged lifts the read-only /proc/sys" "$out" "procsys=rw"
}

# ---------------------------------------------------------------------
# Devices: mknod and open in /dev, in an emptyDir and in a hostPath
# ---------------------------------------------------------------------
case_attack-devices() {
	mkdir -p "$TD/host/devs"
	mknod "$TD/host/devs/null" c 1 3
	mknod "$TD/host/devs/kmsg" c 1 11
	manifest devs <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: devs
spec:
  terminationGracePeriodSeconds: 1
  volumes:
  - name: scratch
    emptyDir: {}
  - name: hostdevs
    hostPath:
      path: $TD/host/devs
  containers:
  - name: c
    image: busybox
    volumeMounts:
    - {name: scratch, mountPath: /scratch}
    - {name: hostdevs, mountPath: /hostdevs}
    command: ["sh", "-c"]
    args:
    - |
      try() { if "\$\$@" 2>/dev/null; then echo "\$\$name=DONE"; else echo "\$\$name=denied"; fi; }
      name=mknod-dev-kmsg try mknod /dev/kmsg c 1 11
      name=mknod-dev-disk try mknod /dev/sda b 8 0
      name=mknod-emptydir-kmsg try mknod /scratch/kmsg c 1 11
      # null may be made (the allow-list has it), but not used there: nodev
      mknod /scratch/null c 1 3
      name=open-emptydir-null try sh -c 'echo x > /scratch/null'
      name=mknod-root-mem try mknod /mem c 1 1
      name=write-dev-null try sh -c 'echo x > /dev/null'
      name=read-dev-urandom try sh -c 'head -c 1 /dev/urandom >/dev/null'
      # nodes made on the host, seen through volumes: nodev
      name=open-hostpath-kmsg try sh -c 'echo x > /hostdevs/kmsg'
      name=open-hostpath-null try sh -c 'echo x > /hostdevs/null'
      echo END
      $STAY
EOF
	start_podinit || return
	wait_log devs c END 15 || return
	local out l
	out=$(logs devs c)
	for l in mknod-dev-kmsg mknod-dev-disk mknod-emptydir-kmsg open-emptydir-null mknod-root-mem \
		open-hostpath-kmsg open-hostpath-null; do
		expect_line "$l fails" "$out" "$l=denied"
	done
	expect_line "/dev/null still works" "$out" "write-dev-null=DONE"
	expect_line "/dev/urandom still works" "$out" "read-dev-urandom=DONE"
	# the controller itself, seen from the host
	local dev
	dev=$(ctr_cgdir devices devs c)
	if [[ -f $dev/devices.list ]]; then
		expect_no_match "v1 devices.list is an allow-list" "$(cat "$dev/devices.list")" "^a "
		note "devices.list: $(tr '\n' ' ' <"$dev/devices.list")"
	fi
}

# ---------------------------------------------------------------------
# The fd race (CVE-2024-21626 class): exec probes and a crash-looping
# sibling in a shared PID namespace, watched from inside
# ---------------------------------------------------------------------
ATTACK_SECONDS=${PODINIT_ITEST_ATTACK_SECONDS:-36}

case_attack-fd-race() {
	local mark=$TD/host/escaped
	manifest race-probe <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: race-probe
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: attacker
    image: busybox
    command: ["sh", "-c", "/bin/escape watch $ATTACK_SECONDS $mark; $STAY"]
    livenessProbe:
      exec:
        command: ["true"]
      periodSeconds: 1
      failureThreshold: 1000
    readinessProbe:
      exec:
        command: ["true"]
      periodSeconds: 1
EOF
	manifest race-shared <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: race-shared
spec:
  shareProcessNamespace: true
  terminationGracePeriodSeconds: 1
  containers:
  - name: attacker
    image: busybox
    command: ["sh", "-c", "/bin/escape watch $ATTACK_SECONDS $mark; $STAY"]
    livenessProbe:
      exec:
        command: ["true"]
      periodSeconds: 1
      failureThreshold: 1000
  - name: crasher
    image: busybox
    command: ["sh", "-c", "exit 1"]
EOF
	start_podinit --backoff 1s,2s,60s || return
	wait_logs race-probe attacker "escape: done" $((ATTACK_SECONDS + 15))
	wait_logs race-shared attacker "escape: done" 15
	local pod out line seen pin
	for pod in race-probe race-shared; do
		out=$(logs "$pod" attacker)
		line=$(grep 'escape: done' <<<"$out" | tail -1)
		note "$pod: $line"
		expect_match "$pod: the attacker saw podinit's children" "$line" "seen=([3-9][0-9]|[1-9][0-9][0-9]+) "
		expect_match "$pod: and caught some before their exec" "$line" "podinit=[1-9][0-9]* "
		expect_match "$pod: nothing escaped" "$line" "escaped=0$"
		expect_match "$pod: no fd or link could be opened before exec" "$line" "leaked=0 "
	done
	expect_eq "no file on the host" "$([[ -e $mark ]] && echo "$mark exists" || echo none)" none
	local runs
	runs=$(ctrj race-probe attacker "s['restartCount']")
	expect_eq "the attacker was never restarted (probes passed)" "$runs" 0
	runs=$(ctrj race-shared crasher "s['restartCount']")
	note "the crasher restarted $runs times"
	expect_match "the sibling crash-looped" "$runs" "^([3-9]|[1-9][0-9]+)$"
}

# ---------------------------------------------------------------------
# subPath through a symlink another container planted
# ---------------------------------------------------------------------
case_attack-subpath() {
	mkdir -p "$TD/host/target"
	manifest subp <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: subp
spec:
  terminationGracePeriodSeconds: 1
  volumes:
  - name: shared
    emptyDir: {}
  initContainers:
  - name: plant
    image: busybox
    volumeMounts:
    - {name: shared, mountPath: /shared}
    command: ["sh", "-c", "ln -s $TD/host/target /shared/link && ln -s ../../../../../../../.. /shared/up && echo planted"]
  containers:
  - name: absolute
    image: busybox
    volumeMounts:
    - {name: shared, mountPath: /deep, subPath: link/new/deeper}
    command: ["sh", "-c", "touch /deep/file; echo END; $STAY"]
  - name: relative
    image: busybox
    volumeMounts:
    - {name: shared, mountPath: /up, subPath: up/tmp/podinit-escape-subpath}
    command: ["sh", "-c", "touch /up/file; echo END; $STAY"]
EOF
	start_podinit || return
	# up/...: the link resolves to the volume's own root, the rest is
	# made there; link/...: its target does not exist inside the volume,
	# so the container cannot be created, as the kubelet refuses a subPath
	# that leaves its volume
	wait_log subp relative END 15 || fail "relative: $(podj subp "$(cs relative)")"
	wait_for "[[ \$(ctrj subp absolute \"s['state'].get('waiting', {}).get('reason')\") == CreateContainerConfigError ]]" 10 ||
		fail "absolute: $(podj subp "$(cs absolute)")"
	expect_match "the refusal names the subPath" "$(ctrj subp absolute "s['state']['waiting']['message']")" \
		"subPath link/new/deeper"
	expect_eq "nothing made below the symlink's host target" "$(ls -A "$TD/host/target")" ""
	expect_eq "nothing made in the host's /tmp" \
		"$([[ -e /tmp/podinit-escape-subpath ]] && echo exists || echo none)" none
	rm -rf /tmp/podinit-escape-subpath
	local vol=$TD/run/pods/subp/volumes/shared
	expect_eq "the relative one was made inside the volume" \
		"$([[ -e $vol/tmp/podinit-escape-subpath/file ]] && echo inside)" inside
}

# ---------------------------------------------------------------------
# The control socket: a raw client's file name, a supplementary group,
# followers against new clients
# ---------------------------------------------------------------------
case_attack-control() {
	start_podinit --ctl-group 4242 || return
	local body out
	body='apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: c\n    image: busybox\n'
	out=$(ctl_raw "b'PODCTL1 %d\\n' % len(r) + r if (r := b'apply\\0--name\\0/../../../../tmp/podinit-traversal.yaml\\0--content\\0$body\\0') else b''")
	# the name a client sends only labels its diagnostics: the operator's
	# file is named by the object (docs/ota.md), nothing is made elsewhere
	expect_match "a path as the file name: only a label" "$out" "pod/x created.*x:b'\\\\x00' closed$"
	expect_eq "no file outside DATA/applied" \
		"$([[ -e /tmp/podinit-traversal.yaml ]] && echo exists || echo none)" none
	expect_eq "the operator's file is named by the object" "$(ls -A "$TD/data/applied")" "pod_default_x.yaml"
	out=$(ctl_raw "b'PODCTL1 %d\\n' % len(r) + r if (r := b'apply\\0--name\\0.hidden.yaml\\0--content\\0$body\\0') else b''")
	expect_match "a dot-file name: only a label" "$out" "pod/x unchanged"
	expect_eq "no dot-file made" "$(ls -A "$TD/data/applied" "$MANIFESTS" | grep -c '^\.')" 0
	expect_eq "the manifests directory holds nothing" "$(ls -A "$MANIFESTS")" ""
	# a member of --ctl-group through a supplementary group only: the
	# socket and a podctl must be reachable for that user
	chmod 711 "$WORK" "$WORK/cases" "$TD"
	install -m 755 "$BIN" "$TD/podctl"
	local u=podinit-itest-$$
	useradd -M -N -g nogroup -G 4242 "$u" 2>/dev/null || groupadd -g 4242 "pg$$" 2>/dev/null
	useradd -M -N -g nogroup -G 4242 "$u" 2>/dev/null
	if id "$u" >/dev/null 2>&1; then
		out=$(setpriv --reuid "$u" --regid nogroup --init-groups timeout 10 "$TD/podctl" --socket "$SOCK" version 2>&1)
		expect_match "a supplementary member of --ctl-group is let in" "$out" "^podinit "
		out=$(setpriv --reuid "$u" --regid nogroup --clear-groups timeout 10 "$TD/podctl" --socket "$SOCK" version 2>&1)
		expect_eq "podctl's exit status without the group" "$?" 1
		expect_match "anyone else is refused by the socket's mode, with a message" "$out" "Permission denied"
		# past the socket's mode (a mode widened by hand), podinit refuses
		chmod 666 "$SOCK"
		out=$(setpriv --reuid "$u" --regid nogroup --clear-groups timeout 10 "$TD/podctl" --socket "$SOCK" version 2>&1)
		expect_eq "podctl's exit status when podinit refuses" "$?" 1
		expect_match "podinit refuses with a message, not a SIGPIPE" "$out" "permission denied: uid [0-9]+ is neither root nor in the control group"
		chmod 660 "$SOCK"
		userdel "$u" 2>/dev/null
		groupdel "pg$$" 2>/dev/null
	else
		note "no user could be made: the group checks did not run"
		fail "useradd failed"
	fi
	# followers never starve a new client
	manifest quiet <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: quiet
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "echo hello; $STAY"]
EOF
	wait_log quiet c hello 10
	local pids=() i refused=0
	for i in $(seq 1 16); do
		timeout 60 "$PODCTL" --socket "$SOCK" logs quiet -f >"$TD/follow.$i" 2>&1 &
		pids+=($!)
	done
	sleep 1
	out=$(pc get pods 2>&1)
	expect_match "get pods with 16 followers attached" "$out" "quiet"
	pc version >/dev/null 2>&1
	expect_eq "version with 16 followers attached" "$?" 0
	for i in $(seq 1 16); do grep -q TooManyRequests "$TD/follow.$i" && refused=$((refused + 1)); done
	expect_eq "followers past the limit are refused" "$refused" 4
	pc poweroff >/dev/null 2>&1
	expect_eq "poweroff goes through with followers attached" "$?" 0
	wait_for "! kill -0 $UNSHARE" 20 || fail "podinit did not stop"
	kill "${pids[@]}" 2>/dev/null
	wait "${pids[@]}" 2>/dev/null
}

# ---------------------------------------------------------------------
# Bounds: a fork bomb under the pod's pids limit, a tmpfs fill under
# the pod's memory limit
# ---------------------------------------------------------------------
case_attack-bounds() {
	manifest bomb <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: bomb
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "echo START; b() { b & b & wait; }; b"]
EOF
	manifest fill <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: fill
spec:
  terminationGracePeriodSeconds: 1
  volumes:
  - name: mem
    emptyDir:
      medium: Memory
      sizeLimit: 32Mi
  containers:
  - name: c
    image: busybox
    resources:
      limits:
        ephemeral-storage: 32Mi
    volumeMounts:
    - {name: mem, mountPath: /mem}
    command: ["sh", "-c"]
    args:
    - |
      dd if=/dev/zero of=/big bs=1M count=200 2>/dev/null; echo "root=\$\$(du -m /big | cut -f1)"; rm -f /big
      dd if=/dev/zero of=/mem/big bs=1M count=200 2>/dev/null; echo "mem=\$\$(du -m /mem/big | cut -f1)"; rm -f /mem/big
      echo END
      $STAY
EOF
	# with a memory limit: the tmpfs are sized by it, and a write past it
	# is an OOM kill of the writer, as in Kubernetes
	manifest fill-limit <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: fill-limit
spec:
  terminationGracePeriodSeconds: 1
  volumes:
  - name: mem
    emptyDir:
      medium: Memory
  containers:
  - name: c
    image: busybox
    resources:
      limits:
        memory: 48Mi
    volumeMounts:
    - {name: mem, mountPath: /mem}
    command: ["sh", "-c"]
    args:
    - |
      echo "rootsize=\$\$(df -m / | awk 'NR==2 { print \$\$2 }') memsize=\$\$(df -m /mem | awk 'NR==2 { print \$\$2 }')"
      dd if=/dev/zero of=/mem/big bs=1M count=200 2>/dev/null
      echo "dd=\$\$? size=\$\$(du -m /mem/big | cut -f1)"
      $STAY
EOF
	start_podinit || return
	wait_log bomb c START 10
	sleep 4
	local pids
	pids=$(cat "$(ctr_cgdir pids bomb)/pids.current" 2>/dev/null)
	note "the bomb holds $pids processes"
	expect_match "the fork bomb stays under the pod's pids limit (1024)" "$pids" "^([0-9]{1,3}|10[01][0-9]|102[0-4])$"
	local t0
	t0=$(now_ms)
	pc get pods >/dev/null 2>&1
	expect_eq "podinit answers during the fork bomb" "$?" 0
	note "get pods during the bomb: $(($(now_ms) - t0)) ms"
	wait_log fill c END 30 || fail "fill: $(podj fill "$(cs c)")"
	local out
	out=$(logs fill c)
	note "$(tr '\n' ' ' <<<"$out")"
	expect_match "the writable layer holds its ephemeral-storage limit, no more" "$out" $'root=(3[0-2]|[12][0-9])\n'
	expect_match "a memory emptyDir holds its sizeLimit, no more" "$out" $'mem=(3[0-2]|[12][0-9])\n'
	# cgroup v1 kills the writer (dd), v2 the whole container (oom.group)
	wait_for "pc logs fill-limit -c c | grep -q dd= || [[ \$(ctrj fill-limit c \"(s['lastState'].get('terminated') or {}).get('reason')\") == OOMKilled ]]" 30 ||
		fail "fill-limit: neither killed nor done: $(podj fill-limit "$(cs c)")"
	out=$(logs fill-limit c)
	expect_match "both tmpfs are sized by the memory limit" "$out" "rootsize=4[0-9] memsize=4[0-9]"
	if [[ $out == *dd=* ]]; then
		expect_match "the write past the limit was stopped (OOM kill of the writer)" "$out" "dd=(137|1) size=([0-9]|[1-4][0-9])$"
	fi
	rm -f "$MANIFESTS/bomb.yaml"
	wait_for "! pc get pod bomb" 20 || fail "the fork bomb's pod did not go away"
}

# ---------------------------------------------------------------------
# seccomp: RuntimeDefault by default, Unconfined when asked
# ---------------------------------------------------------------------
case_attack-seccomp() {
	manifest sc <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: sc
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: default
    image: busybox
    command: ["sh", "-c", "/bin/escape syscalls; echo END; $STAY"]
  - name: runtime-default
    image: busybox
    securityContext:
      seccompProfile:
        type: RuntimeDefault
    command: ["sh", "-c", "/bin/escape syscalls; echo END; $STAY"]
  - name: unconfined
    image: busybox
    securityContext:
      seccompProfile:
        type: Unconfined
    command: ["sh", "-c", "/bin/escape syscalls; echo END; $STAY"]
EOF
	start_podinit || return
	wait_logs sc "default runtime-default unconfined" END 15 || return
	local c out
	for c in default runtime-default; do
		out=$(logs sc "$c")
		expect_line "$c: keyctl refused" "$out" "keyctl=EPERM"
		expect_line "$c: add_key refused" "$out" "add_key=EPERM"
		expect_line "$c: unshare(CLONE_NEWUSER) refused" "$out" "unshare_user=EPERM"
		expect_line "$c: mount refused" "$out" "mount=EPERM"
		expect_match "$c: seccomp filter mode 2" "$(grep Seccomp: "/proc/$(ctr_main_pid sc "$c")/status")" "Seccomp:[[:space:]]+2"
	done
	out=$(logs sc unconfined)
	expect_no_match "unconfined: keyctl reaches the kernel" "$out" "keyctl=EPERM"
	expect_match "unconfined: no filter" "$(grep Seccomp: "/proc/$(ctr_main_pid sc unconfined)/status")" "Seccomp:[[:space:]]+0"
}
