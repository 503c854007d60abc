# tests/integration/ota.sh - over-the-air generations (docs/ota.md), sourced
# by run.sh: commit, only changed pods recreated, rejections (YAML, image,
# memory), rollback of a crash loop, trials across restarts, symlink swaps
# and in-place rewrites, the operator's apply and delete, the dry-run
# plan, and power cuts (SIGKILL of podinit) at random points of updates.
#
# The manifests directory is what an update agent installs: here
# $TD/agent/gen-K directories behind the symlink $TD/manifests.

# ota JSON KEY: a field of `podctl ota status -o json`
ota() { pc ota status -o json 2>/dev/null | json_get "d['$1']"; }

# agent_pod NAME VERSION [EXTRA SPEC LINES]: a pod whose container says its version
agent_pod() {
	cat <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $1
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "echo $1-$2; $STAY"]
    env: [{name: VERSION, value: "$2"}]
${3:-}
EOF
}

# agent_install K: the agent's atomic install: gen-K fsynced, then the
# symlink swapped by rename
agent_install() {
	sync -f "$TD/agent/gen-$1" 2>/dev/null
	ln -sfn "agent/gen-$1" "$TD/.manifests.new" && mv -T "$TD/.manifests.new" "$TD/manifests"
}

# agent_dir K: makes gen-K (empty) and echoes its path
agent_dir() {
	mkdir -p "$TD/agent/gen-$1"
	echo "$TD/agent/gen-$1"
}

# ota_start [FLAGS]: podinit with trials on and a symlinked manifests directory
ota_start() {
	if [[ ! -L $TD/manifests ]]; then
		rm -rf "$TD/manifests"
		[[ -d $TD/agent/gen-0 ]] || agent_dir 0 >/dev/null
		ln -s agent/gen-0 "$TD/manifests"
	fi
	MANIFESTS=$TD/manifests
	OTA_FLAGS="--ota-settle ${SETTLE:-1s} --ota-deadline ${DEADLINE:-20s}" start_podinit "$@"
}

uid_of() { podj "$1" "d['metadata']['uid']"; }

# wait_state STATE [TIMEOUT]
wait_state() {
	wait_for "[[ \$(ota state) == $1 ]]" "${2:-15}"
}

case_ota-commit() {
	local d0 d1 t0 t1
	d0=$(agent_dir 0)
	agent_pod a 1 >"$d0/a.yaml"
	ota_start || return
	wait_state committed 10 || fail "the first generation was not committed: $(pc ota status)"
	expect_eq "first boot: generation 1" "$(ota generation)" 1
	expect_eq "first boot: committed at once" "$(ota committedGeneration)" 1
	wait_phase a Running 10 || return
	local ua rss0
	ua=$(uid_of a)
	rss0=$(podinit_rss_kb)
	# a good update: a second pod; the first is not touched
	d1=$(agent_dir 1)
	cp "$d0/a.yaml" "$d1/"
	agent_pod b 1 >"$d1/b.yaml"
	t0=$(now_ms)
	agent_install 1
	wait_state trial 5 || fail "generation 2 did not go on trial: $(pc ota status)"
	expect_eq "the trial's generation" "$(ota generation)" 2
	expect_eq "the trial keeps generation 1 committed" "$(ota committedGeneration)" 1
	expect_match "ota status text: trial remaining" "$(pc ota status)" "trial remaining: +[0-9]+s"
	wait_state committed 15 || fail "generation 2 was not committed: $(pc ota status)"
	t1=$(now_ms)
	note "directory change to committed generation (one new pod, settle 1 s): $((t1 - t0)) ms"
	expect_eq "committed generation 2" "$(ota committedGeneration)" 2
	expect_eq "committed hash is the generation's" "$(ota committedHash)" "$(ota hash)"
	expect_eq "the unchanged pod a was not touched" "$(uid_of a)" "$ua"
	expect_eq "b runs" "$(phase b)" Running
	# the copy under DATA is the agent's bytes
	local copy=$TD/data/ota/gen-2
	cmp -s "$copy/a.yaml" "$d1/a.yaml" && cmp -s "$copy/b.yaml" "$d1/b.yaml" ||
		fail "DATA/ota/gen-2 is not a byte copy of the generation ($(ls "$copy" 2>&1))"
	[[ -e $TD/data/ota/gen-1 ]] && fail "the older copy gen-1 was not removed"
	expect_match "the record" "$(cat "$TD/data/ota/record")" "state committed"
	note "OTA record on disk: $(stat -c %s "$TD/data/ota/record") B record + $(du -sb "$copy" | cut -f1) B copy"
	expect_match "events: each step" "$(pc events)" "TrialStarted +ota +generation 2"
	expect_match "events: committed" "$(pc events)" "Committed +ota +generation 2"
	# only changed pods are recreated: a changes, b stays
	local d2 ub
	ub=$(uid_of b)
	d2=$(agent_dir 2)
	agent_pod a 2 >"$d2/a.yaml"
	cp "$d1/b.yaml" "$d2/"
	agent_install 2
	wait_for "[[ \$(ota generation) == 3 ]]" 5 || fail "no generation 3"
	wait_state committed 20 || fail "generation 3 was not committed: $(pc ota status)"
	wait_log a c a-2 10 || fail "a was not recreated with version 2"
	[[ $(uid_of a) != "$ua" ]] || fail "the changed pod a kept its uid"
	expect_eq "the unchanged pod b was not touched" "$(uid_of b)" "$ub"
	note "podinit VmRSS: $rss0 KiB with generation 1 committed, $(podinit_rss_kb) KiB after three generations and a trial each"
	# a restart with the committed generation in place: nothing new
	stop_podinit 20
	ota_start || return
	wait_phase a Running 10 || return
	expect_eq "after a restart: still generation 3" "$(ota generation)" 3
	expect_eq "after a restart: committed" "$(ota state)" committed
}

case_ota-reject() {
	local d0 d1 ua
	d0=$(agent_dir 0)
	agent_pod a 1 >"$d0/a.yaml"
	ota_start || return
	wait_phase a Running 10 || return
	ua=$(uid_of a)
	# broken YAML in one file of several: rejected, nothing changes
	d1=$(agent_dir 1)
	agent_pod a 2 >"$d1/a.yaml"
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n spec: [\n' >"$d1/x.yaml"
	agent_install 1
	wait_state rejected 5 || fail "broken YAML: not rejected: $(pc ota status)"
	expect_match "broken YAML: the reason names FILE:LINE:COL" "$(ota reason)" '^x\.yaml:5:2: '
	expect_match "broken YAML: an event" "$(pc events)" "GenerationRejected +ota +generation 2"
	sleep 0.5
	expect_eq "broken YAML: a untouched" "$(uid_of a)" "$ua"
	pc logs a -c c | grep -q a-2 && fail "broken YAML: the good file of the rejected generation ran"
	# a missing image
	local d2
	d2=$(agent_dir 2)
	cp "$d0/a.yaml" "$d2/"
	agent_pod y 1 | sed 's/image: busybox/image: nosuch:1/' >"$d2/y.yaml"
	agent_install 2
	wait_for "[[ \$(ota generation) == 3 ]]" 5
	expect_eq "missing image: rejected" "$(ota state)" rejected
	expect_match "missing image: the reason" "$(ota reason)" 'y\.yaml:[0-9]+:[0-9]+: pod "y": container "c": image "nosuch:1" is not in the image store'
	pc get pod y >/dev/null 2>&1 && fail "missing image: pod y runs"
	# over budget: the numbers and the pods
	local d3
	d3=$(agent_dir 3)
	cp "$d0/a.yaml" "$d3/"
	agent_pod big 1 "    resources: {requests: {memory: 1Pi}}" >"$d3/big.yaml"
	agent_pod small 1 "    resources: {requests: {memory: 64Mi}}" >"$d3/small.yaml"
	agent_install 3
	wait_for "[[ \$(ota generation) == 4 ]]" 5
	expect_eq "over budget: rejected" "$(ota state)" rejected
	expect_match "over budget: the numbers" "$(ota reason)" '^memory: the pods request [0-9.]+[KMGTP]i \(big 1Pi, small 64Mi\) but the device has [0-9.]+[KMGTP]i allocatable'
	pc get pod small >/dev/null 2>&1 && fail "over budget: pod small runs"
	expect_eq "after three rejections: a untouched" "$(uid_of a)" "$ua"
	expect_eq "after three rejections: generation 1 committed" "$(ota committedGeneration)" 1
	# a restart keeps the verdict: the rejected content is not retried
	stop_podinit 20
	ota_start || return
	wait_phase a Running 10 || return
	expect_eq "after a restart: still rejected" "$(ota state)" rejected
	expect_eq "after a restart: the same generation" "$(ota generation)" 4
	pc get pod small >/dev/null 2>&1 && fail "after a restart: pod small of the rejected generation runs"
}

case_ota-rollback() {
	local d0 d1 ua
	d0=$(agent_dir 0)
	agent_pod a 1 >"$d0/a.yaml"
	DEADLINE=6s ota_start || return
	wait_phase a Running 10 || return
	ua=$(uid_of a)
	# the update changes a and adds a pod that crash-loops
	d1=$(agent_dir 1)
	agent_pod a 2 >"$d1/a.yaml"
	cat >"$d1/crash.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: crash
spec:
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "echo crashing; exit 3"]
EOF
	agent_install 1
	wait_state trial 5 || fail "no trial: $(pc ota status)"
	wait_log a c a-2 10 || fail "the trial's a (version 2) did not start"
	wait_state rolled-back 20 || fail "not rolled back: $(pc ota status)"
	expect_match "the reason" "$(ota reason)" "crash"
	note "rollback reason: $(ota reason)"
	expect_eq "rolled back to generation 1" "$(ota committedGeneration)" 1
	wait_for "! pc get pod crash" 10 || fail "the crash-looping pod stays after the rollback"
	wait_log a c a-1 15 || fail "the old a (version 1) is not back"
	expect_eq "the old a runs" "$(phase a)" Running
	expect_match "events: RolledBack" "$(pc events)" "RolledBack +ota +generation 2 rolled back to generation 1"
	# the rolled-back content is not tried again after a restart
	stop_podinit 20
	DEADLINE=6s ota_start || return
	wait_phase a Running 10 || return
	expect_eq "after a restart: still rolled back" "$(ota state)" rolled-back
	pc get pod crash >/dev/null 2>&1 && fail "after a restart: the rolled-back pod runs"
	# the agent's own rollback (the committed content again): committed
	agent_install 0
	wait_state committed 5 || fail "the committed content again: $(pc ota status)"
	expect_eq "the committed content again: generation 1" "$(ota generation)" 1
}

# a pod that is Ready only once $TD/host/ready exists
ready_pod() {
	agent_pod "$1" "$2" "    readinessProbe: {exec: {command: [test, -e, /host/ready]}, periodSeconds: 1}
    volumeMounts: [{name: host, mountPath: /host}]
  volumes: [{name: host, hostPath: {path: $TD/host}}]"
}

case_ota-reboot() {
	local d0 d1
	d0=$(agent_dir 0)
	agent_pod a 1 >"$d0/a.yaml"
	ota_start --ota-boots 1 || return
	wait_phase a Running 10 || return
	d1=$(agent_dir 1)
	cp "$d0/a.yaml" "$d1/"
	ready_pod slow 1 >"$d1/slow.yaml"
	agent_install 1
	wait_state trial 5 || fail "no trial: $(pc ota status)"
	# a power cut during the trial; the next boot resumes it
	kill_podinit
	wait "$UNSHARE" 2>/dev/null
	ota_start --ota-boots 1 || return
	wait_state trial 5 || fail "after a restart: the trial did not resume: $(pc ota status)"
	expect_eq "after a restart: boot 1 of the trial" "$(ota trialBoots)" 1
	expect_match "events: TrialResumed" "$(pc events)" "TrialResumed"
	touch "$TD/host/ready"
	wait_state committed 15 || fail "the resumed trial did not commit: $(pc ota status)"
	expect_eq "committed across a restart" "$(ota committedGeneration)" 2
	# a trial that restarts too often: rolled back on the boot past the limit
	rm -f "$TD/host/ready"
	local d2
	d2=$(agent_dir 2)
	cp "$d1/a.yaml" "$d2/"
	ready_pod slow 2 >"$d2/slow.yaml"
	agent_install 2
	wait_state trial 5 || fail "no second trial: $(pc ota status)"
	local i
	for i in 1 2; do
		kill_podinit
		wait "$UNSHARE" 2>/dev/null
		ota_start --ota-boots 1 || return
	done
	wait_state rolled-back 10 || fail "two restarts with one allowed: not rolled back: $(pc ota status)"
	expect_match "the reason counts the restarts" "$(ota reason)" "restarted 2 times during the trial \(1 allowed\)"
	expect_eq "back to generation 2" "$(ota committedGeneration)" 2
	wait_for "[[ \$(podj slow \"d['spec']['containers'][0]['env'][0]['value']\") == 1 ]]" 10 ||
		fail "slow is not back at version 1"
}

case_ota-swap() {
	local d0 d1
	d0=$(agent_dir 0)
	agent_pod a 1 >"$d0/a.yaml"
	ota_start || return
	wait_phase a Running 10 || return
	# a symlink swap
	d1=$(agent_dir 1)
	agent_pod a 1 >"$d1/a.yaml"
	agent_pod s 1 >"$d1/s.yaml"
	agent_install 1
	wait_for "[[ \$(ota generation) == 2 && \$(ota state) == committed ]]" 15 || fail "symlink swap: not committed: $(pc ota status)"
	wait_phase s Running 10 || fail "symlink swap: s does not run"
	# rewritten in place, in pieces (not atomic): read once quiet
	{
		agent_pod a 1
		echo "---"
		head -c 60 < <(agent_pod w 1)
	} >"$d1/a.yaml"
	sleep 0.05
	{
		agent_pod a 1
		echo "---"
		agent_pod w 1
	} >"$d1/a.yaml"
	wait_for "[[ \$(ota generation) -ge 3 ]] && [[ \$(ota state) == committed ]]" 15 ||
		fail "in-place rewrite: not committed: $(pc ota status)"
	wait_phase w Running 10 || fail "in-place rewrite: w does not run"
	expect_eq "in-place rewrite: one generation, not one per write" "$(ota generation)" 3
	# a symlink to nowhere (an agent's mistake) is no generation: what runs keeps running
	ln -sfn agent/gen-none "$TD/.manifests.new" && mv -T "$TD/.manifests.new" "$TD/manifests"
	wait_for "grep -q 'cannot read .*manifests: No such file' '$PLOG'" 5 ||
		fail "a dangling symlink: no FailedScan event"
	sleep 0.3
	expect_eq "a dangling symlink: still generation 3" "$(ota generation)" 3
	expect_eq "a dangling symlink: w still runs" "$(phase w)" Running
	agent_install 1
	# a file removed: its pod goes
	rm "$d1/s.yaml"
	wait_for "! pc get pod s" 15 || fail "a removed file's pod stays"
	wait_for "[[ \$(ota generation) == 4 && \$(ota state) == committed ]]" 15 ||
		fail "after the removal: not committed as generation 4: $(pc ota status)"
}

case_ota-operator() {
	local d0
	d0=$(agent_dir 0)
	agent_pod a 1 >"$d0/a.yaml"
	printf '# the agent'"'"'s comment\n---\n' >"$d0/multi.yaml"
	agent_pod m1 1 >>"$d0/multi.yaml"
	echo "---" >>"$d0/multi.yaml"
	agent_pod m2 1 >>"$d0/multi.yaml"
	cp "$d0/multi.yaml" "$TD/multi.orig"
	ota_start || return
	wait_phase a Running 10 && wait_phase m2 Running 10 || return
	# the operator's apply: committed at once, no trial, no new generation
	agent_pod op 1 >"$TD/op.yaml"
	local out
	out=$(pc apply -f "$TD/op.yaml" 2>&1)
	expect_eq "operator apply" "$out" "pod/op created"
	expect_eq "operator apply: no trial" "$(ota state)" committed
	expect_eq "operator apply: the agent's generation stays" "$(ota generation)" 1
	expect_eq "operator apply: counted" "$(ota operatorObjects)" 1
	wait_phase op Running 10 || fail "op does not run"
	# the operator's delete of the operator's object
	out=$(pc delete pod op 2>&1)
	expect_eq "operator delete" "$out" 'pod "op" deleted'
	wait_for "! pc get pod op" 10 || fail "op stays after delete"
	# delete of an agent's object: refused, its file byte for byte
	out=$(pc delete pod m1 2>&1)
	expect_eq "delete of an agent's object exits 1" "$?" 1
	expect_match "delete of an agent's object: why" "$out" "comes from the manifests directory .*multi\.yaml.*update agent"
	cmp -s "$d0/multi.yaml" "$TD/multi.orig" || fail "delete rewrote the agent's multi.yaml"
	expect_eq "m1 still runs" "$(phase m1)" Running
	# apply of an agent's object: refused likewise
	agent_pod m1 9 >"$TD/m1.yaml"
	out=$(pc apply -f "$TD/m1.yaml" 2>&1)
	expect_eq "apply of an agent's object exits 1" "$?" 1
	expect_match "apply of an agent's object: why" "$out" "update agent"
	# a generation that defines what the operator applied: rejected, naming both
	pc apply -f "$TD/op.yaml" >/dev/null 2>&1
	local d1
	d1=$(agent_dir 1)
	cp "$d0/a.yaml" "$d0/multi.yaml" "$d1/"
	agent_pod op 2 >"$d1/op.yaml"
	agent_install 1
	wait_state rejected 5 || fail "a generation clashing with the operator's object: $(pc ota status)"
	expect_match "the clash named" "$(ota reason)" 'op\.yaml:.*"op" is defined in pod_default_op\.yaml'
}

case_ota-dry-run() {
	local d0
	d0=$(agent_dir 0)
	agent_pod a 1 >"$d0/a.yaml"
	ota_start || return
	wait_phase a Running 10 || return
	pc apply -f <(agent_pod op 1 "    resources: {requests: {memory: 16Mi}}") >/dev/null || fail "apply op"
	wait_phase op Running 10 || return
	local out
	{
		agent_pod op 2 "    resources: {requests: {memory: 48Mi}}"
		echo "---"
		agent_pod new 1 "    resources: {requests: {memory: 8Mi}}"
	} >"$TD/plan.yaml"
	out=$(pc apply --dry-run=client -f "$TD/plan.yaml" 2>&1)
	expect_eq "dry run exits 0" "$?" 0
	expect_match "the plan: recreate op" "$out" "recreate +pod/op"
	expect_match "the plan: create new" "$out" "create +pod/new"
	expect_match "the plan: counts" "$out" "0 to delete, 1 to recreate or configure, 1 to create, 1 unchanged"
	expect_match "the plan: memory" "$out" "memory requests: 16Mi -> 56Mi \(\+40Mi\)"
	expect_match "the plan: admission" "$out" "admission: passes"
	pc get pod new >/dev/null 2>&1 && fail "dry run created the pod"
	[[ -e $TD/data/applied/pod_default_new.yaml ]] && fail "dry run wrote a file"
	agent_pod huge 1 "    resources: {requests: {memory: 1Pi}}" >"$TD/huge.yaml"
	out=$(pc apply --dry-run -f "$TD/huge.yaml" 2>&1)
	expect_match "dry run of an over-budget pod: refused" "$out" "admission: refused: memory: the pods request"
	out=$(pc apply -f "$TD/huge.yaml" 2>&1)
	expect_eq "apply of an over-budget pod exits 1" "$?" 1
	expect_match "apply of an over-budget pod: why" "$out" "memory: the pods request"
}

# ---- power cuts -----------------------------------------------------------------------

# The pods that run, "name=version ...", sorted
running_set() {
	pc get pods -o json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
items = d.get("items", [d]) if isinstance(d, dict) else d
out = []
for p in items:
    env = p["spec"]["containers"][0].get("env", [])
    out.append("%s=%s" % (p["metadata"]["name"], env[0]["value"] if env else "?"))
print(" ".join(sorted(out)))'
}

# One cut: generation A committed, the agent installs B (atomically, or
# by rewriting files in place, where a cut may leave one half-written),
# podinit is SIGKILLed at a random moment, then boots again: it must run
# A or B whole, and its record must agree with what runs.
one_cut() {
	local i=$1 mode=$2 delay=$3 settle=$4
	rm -rf "$TD/agent" "$TD/data" "$TD/manifests" "$TD/run"
	mkdir -p "$TD/data" "$TD/run"
	local da db
	da=$(agent_dir 0)
	agent_pod p 1 >"$da/p.yaml"
	agent_pod q 1 >"$da/q.yaml"
	SETTLE=$settle ota_start >/dev/null || return 1
	if ! wait_for "[[ \$(ota state) == committed ]] && [[ \$(running_set) == 'p=1 q=1' ]]" 10; then
		echo "cut $i: generation A did not come up: $(running_set)"
		kill_podinit
		return 1
	fi
	local want_a="p=1 q=1" want_b="p=2 r=2" writer=
	case $mode in
	swap)
		db=$(agent_dir 1)
		agent_pod p 2 >"$db/p.yaml"
		agent_pod r 2 >"$db/r.yaml"
		agent_install 1
		;;
	inplace) # the agent rewrites in place; the cut may land mid-file
		agent_pod p 2 >"$TD/p2" && agent_pod r 2 >"$TD/r2"
		(
			cat "$TD/p2" >"$da/p.yaml"
			rm "$da/q.yaml"
			cat "$TD/r2" >"$da/r.yaml"
		) &
		writer=$!
		;;
	esac
	sleep "$delay"
	# a cut in mid-write: the part of a file that reached the disk. The cut
	# lands in the last line, an unclosed flow sequence, so the part never
	# parses: a torn file that happened to parse would be content of its
	# own, which no reader can tell from an intended one (agents write
	# atomically: rootfs/ota/podinit-ota)
	if [[ $mode == inplace ]] && ((RANDOM % 3 == 0)); then
		wait "$writer"
		head -c $(($(stat -c %s "$TD/r2") - 3 - RANDOM % 25)) "$TD/r2" >"$da/r.yaml"
	fi
	kill_podinit
	wait "$UNSHARE" 2>/dev/null
	[[ -n $writer ]] && wait "$writer"
	wait_procs_gone # the power went: nothing of the old boot runs
	SETTLE=$settle ota_start >/dev/null || return 1
	local got="" st=""
	wait_for "st=\$(ota state); [[ \$st == committed || \$st == rejected || \$st == rolled-back ]] && got=\$(running_set) && [[ \$got == '$want_a' || \$got == '$want_b' ]]" 15
	got=$(running_set)
	st=$(ota state)
	local n
	n=$(ota committedGeneration)
	if [[ $got != "$want_a" && $got != "$want_b" ]]; then
		echo "cut $i ($mode, ${delay}s): runs '$got' (state $st), neither A nor B"
		kill_podinit
		return 1
	fi
	# the record agrees with what runs: A is generation 1; B runs only
	# once committed, and its copy under DATA is B
	local copy=$TD/data/ota/gen-$n
	if [[ $got == "$want_a" && $n != 1 ]] ||
		[[ $got == "$want_b" && ($n == 1 || ! -f $copy/r.yaml || ! -f $copy/p.yaml || -e $copy/q.yaml) ]]; then
		echo "cut $i ($mode, ${delay}s): runs ${got// /,} but the record commits generation $n ($(ls "$copy" 2>&1 | tr '\n' ' '))"
		kill_podinit
		return 1
	fi
	if ! grep -q 'value: "'"${got:2:1}"'"' "$copy/p.yaml"; then
		echo "cut $i ($mode, ${delay}s): the copy of generation $n is not what runs"
		kill_podinit
		return 1
	fi
	echo "cut $i ($mode, ${delay}s, settle $settle): ${got// /,} ($st)"
	stop_podinit 15 >/dev/null
	return 0
}

case_ota-power-cut() {
	local n=${PODINIT_OTA_CUTS:-50} i ok=0 a=0 b=0 delay mode line
	for ((i = 0; i < n; i++)); do
		mode=$([[ $((i % 3)) == 2 ]] && echo inplace || echo swap)
		delay=$(printf '0.%03d' $((RANDOM % 500)))
		# in this shell (not $(...)): a failed cut's podinit must be
		# killable here
		# every other cut with a settle time: cut during the trial, resumed
		one_cut "$i" "$mode" "$delay" "$((i % 2))s" >"$TD/cut.out" 2>&1
		local rc=$?
		line=$(cat "$TD/cut.out")
		if ((rc == 0)); then
			ok=$((ok + 1))
			[[ $line == *"p=1,q=1"* ]] && a=$((a + 1)) || b=$((b + 1))
		else
			fail "$line"
		fi
	done
	note "power cuts: $n tried, $ok came up whole ($a with generation A, $b with B), $((n - ok)) not"
	expect_eq "every cut came up with one whole generation" "$ok" "$n"
}
