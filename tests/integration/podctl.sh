# podctl.sh - podctl's command line (sourced by tests/integration/run.sh):
# every command refuses a flag it does not know and a flag without its
# value with one line and exit 2, changing nothing; kubectl's flags work
# or are refused by name; apply says created, configured or unchanged;
# podinit as PID 1 keeps the rest of its command line after a bad flag.

case_podctl-flags() {
	start_podinit || return
	local c out rc
	cat >"$TD/p.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: d
  labels: {app: web}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "$STAY"]
EOF
	# an unknown flag: one line naming it, exit 2
	for c in "get pods --bogus" "describe pod x --bogus" "logs x --bogus" "apply --bogus -f $TD/p.yaml" \
		"delete pod x --bogus" "events --bogus" "top --bogus" "wait --healthy --bogus" \
		"version --bogus" "poweroff --bogus" "reboot --bogus" "ota status --bogus" "get pods -Z"; do
		# shellcheck disable=SC2086
		out=$(pc $c 2>&1)
		rc=$?
		expect_eq "podctl $c: exit status" "$rc" 2
		expect_match "podctl $c: names the flag" "$out" "^error: unknown (shorthand )?flag: (--bogus|'Z' in -Z)"
		expect_eq "podctl $c: one line" "$(wc -l <<<"$out")" 1
	done
	# a flag without its value
	for c in "get pods -o" "logs x --tail" "logs x -c" "wait --healthy --timeout" "delete pod x --grace-period" \
		"get pods -l" "get pods -n"; do
		# shellcheck disable=SC2086
		out=$(pc $c 2>&1)
		rc=$?
		expect_eq "podctl $c: exit status" "$rc" 2
		expect_match "podctl $c: says what is missing" "$out" "^error: flag needs an argument"
	done
	out=$(pc apply -f 2>&1)
	expect_eq "podctl apply -f without a file: exit status" "$?" 2
	expect_match "podctl apply -f without a file" "$out" "flag needs an argument: -f"
	# missing arguments
	for c in "describe pod" "logs" "delete pod" "get"; do
		# shellcheck disable=SC2086
		out=$(pc $c 2>&1)
		expect_eq "podctl $c: exit status" "$?" 2
		expect_match "podctl $c: one line" "$out" "^error: .*\(usage: podctl "
	done
	# kubectl's flags that podctl does not do: refused by name, nothing changes
	for c in "apply --server-side -f $TD/p.yaml" "delete pod d --dry-run" \
		"delete pod d --all" "wait --for=condition=Ready"; do
		# shellcheck disable=SC2086
		out=$(pc $c 2>&1)
		rc=$?
		expect_eq "podctl $c: exit status" "$rc" 2
		expect_match "podctl $c: refused by name" "$out" "^error: --[a-z-]+ is not supported by podctl: "
	done
	# --dry-run: the plan, nothing changes (tests/integration/ota.sh has the plan's details)
	for c in "apply --dry-run -f $TD/p.yaml" "apply --dry-run=client -f $TD/p.yaml" \
		"apply --dry-run=server -f $TD/p.yaml"; do
		# shellcheck disable=SC2086
		out=$(pc $c 2>&1)
		expect_eq "podctl $c: exit status" "$?" 0
		expect_match "podctl $c: the plan" "$out" "create +pod/d"
	done
	out=$(pc apply --dry-run=later -f "$TD/p.yaml" 2>&1)
	expect_eq "a bad --dry-run value: exit status" "$?" 2
	expect_match "a bad --dry-run value: why" "$out" "Invalid dry-run value \(later\)"
	expect_eq "after the refused applies: the manifests directory" "$(ls -A "$MANIFESTS")" ""
	expect_eq "after the refused applies: nothing applied" "$(ls -A "$TD/data/applied" 2>/dev/null)" ""
	out=$(pc get pods 2>&1)
	expect_eq "after the refused applies: no pod" "$out" "No resources found in default namespace."
	# apply: created, unchanged, configured
	expect_eq "first apply" "$(pc apply -f "$TD/p.yaml" 2>&1)" "pod/d created"
	wait_phase d Running 10 || fail "pod d did not run"
	local uid
	uid=$(podj d "d['metadata']['uid']")
	expect_eq "the same file again" "$(pc apply -f "$TD/p.yaml" 2>&1)" "pod/d unchanged"
	expect_eq "an unchanged apply does not recreate the pod" "$(podj d "d['metadata']['uid']")" "$uid"
	sed -i 's/app: web/app: web2/' "$TD/p.yaml"
	expect_eq "a changed file" "$(pc apply -f "$TD/p.yaml" 2>&1)" "pod/d configured"
	expect_eq "the same objects from stdin: one operator's object" "$(pc apply -f - <"$TD/p.yaml" 2>&1)" \
		"pod/d unchanged"
	# flags that work as in kubectl, anywhere on the line
	wait_for "[[ \$(podj d \"d['metadata']['labels']['app']\") == web2 ]]" 10
	expect_match "get -l app=web2" "$(pc get pods -l app=web2 2>&1)" $'\nd '
	expect_eq "get -l app=other" "$(pc get pods -l app=other 2>&1)" "No resources found in default namespace."
	expect_eq "get -o name" "$(pc get pods -o name)" "pod/d"
	expect_eq "get -oname" "$(pc get pods -oname)" "pod/d"
	expect_eq "get --output=name" "$(pc get --output=name pods)" "pod/d"
	expect_match "get -A shows the namespace" "$(pc get pods -A)" $'^NAMESPACE +NAME .*\ndefault +d '
	expect_eq "get -n other" "$(pc get pods -n other 2>&1)" "No resources found in other namespace."
	expect_match "logs with -f first, then the pod" "$(timeout 2 "$PODCTL" --socket "$SOCK" logs -f d --tail 1; echo rc=$?)" "rc=124"
	out=$(pc delete pod d --grace-period=0 --force 2>&1)
	expect_eq "delete --grace-period=0 --force" "$out" "pod \"d\" deleted"
	wait_for "! pc get pod d" 10 || fail "pod d not gone after delete"
}

case_podinit-flags() {
	# as PID 1, a bad flag is reported and the rest of the line still counts
	start_podinit --bogus-flag --log-files 1 || return
	expect_match "the bad flag is reported" "$(cat "$PLOG")" "unknown option --bogus-flag"
	expect_no_match "--console none still holds" "$(cat "$PLOG")" "cannot open the console"
	pc version >/dev/null 2>&1
	expect_eq "podinit answers" "$?" 0
	# not as PID 1: exit status 2, one line
	local out
	out=$("$BIN" --manifests "$MANIFESTS" --bogus-flag 2>&1)
	expect_eq "not PID 1: a bad flag is exit 2" "$?" 2
	expect_match "not PID 1: the line names it" "$out" "unknown option --bogus-flag"
	out=$("$BIN" --manifests "$MANIFESTS" --ctl-group 2>&1)
	expect_eq "not PID 1: a flag without its value is exit 2" "$?" 2
	expect_match "not PID 1: the line says so" "$out" "--ctl-group takes a numeric group id"
	# the flags of OTA trials and the API: each bad value named
	local bad want
	for bad in "--ota-settle soon:--ota-settle takes a duration" "--ota-deadline -5s:--ota-deadline takes a duration" \
		"--ota-boots 101:--ota-boots takes a count from 0 to 100" \
		"--api localhost:--api takes ADDR:PORT" "--api 127.0.0.1:99999:--api takes ADDR:PORT"; do
		want=${bad##*:--}
		# shellcheck disable=SC2086 # the flag and its value
		out=$("$BIN" --manifests "$MANIFESTS" ${bad%%:--*} 2>&1)
		expect_eq "not PID 1: ${bad%%:--*} is exit 2" "$?" 2
		expect_match "not PID 1: ${bad%%:--*} is named" "$out" "--$want"
	done
}

# podctl exec: a process in the running container, as exec probes join it
# (its namespaces, cgroup, credentials), with podctl's own stdin, stdout
# and stderr; its exit status is podctl's; the session ends with podctl.
# in_group HIERARCHY CMDLINE: a process of web/app's group runs CMDLINE
in_group() {
	local pid
	for pid in $(cat "$(ctr_cgdir "$1" web app)/cgroup.procs" 2>/dev/null); do
		[[ $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) == "$2" ]] && return 0
	done
	return 1
}

case_podctl-exec() {
	manifest web <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "$STAY"]
    env: [{name: GREETING, value: hello-from-env}]
  - name: side
    image: busybox
    command: ["sh", "-c", "$STAY"]
EOF
	start_podinit || return
	wait_phase web Running 10 || return
	local out rc main ns
	main=$(ctr_main_pid web app) || { fail "no main process of web/app"; return; }
	local fds0
	fds0=$(podinit_fds)
	out=$(pc exec web -- sh -c 'echo out; echo err >&2; exit 3' 2>"$TD/err")
	rc=$?
	expect_eq "exec: stdout" "$out" out
	expect_eq "exec: stderr" "$(cat "$TD/err")" err
	expect_eq "exec: the command's exit status" "$rc" 3
	expect_eq "exec: stdin" "$(printf 'line one\nline two\n' | pc exec web -- cat)" $'line one\nline two'
	expect_eq "exec: the container's environment" "$(pc exec web -- sh -c 'echo $GREETING')" hello-from-env
	expect_eq "exec: the first app container by default" "$(pc exec web -- hostname)" web
	for ns in mnt net pid uts ipc cgroup; do
		expect_eq "exec: the container's $ns namespace" "$(pc exec web -c app -- readlink /proc/self/ns/$ns)" \
			"$(readlink "/proc/$main/ns/$ns")"
	done
	expect_eq "exec: the container's capabilities" "$(pc exec web -- grep CapBnd /proc/self/status)" \
		"$(grep CapBnd "/proc/$main/status")"
	expect_eq "exec: its no_new_privs" "$(pc exec web -- grep NoNewPrivs /proc/self/status)" \
		"$(grep NoNewPrivs "/proc/$main/status")"
	expect_eq "exec: its seccomp filter" "$(pc exec web -- grep '^Seccomp:' /proc/self/status)" \
		"$(grep '^Seccomp:' "/proc/$main/status")"
	# the container's cgroup, seen from the host: the process is in its groups
	"$PODCTL" --socket "$SOCK" exec web -- sleep 4243 &
	local bg=$! h
	for h in pids memory; do
		wait_for "in_group $h 'sleep 4243 '" 5 || fail "exec: not in the container's $h cgroup"
	done
	kill "$bg" 2>/dev/null
	wait "$bg" 2>/dev/null
	# nothing of podinit's reaches the process: stdio only (3 is ls's own)
	expect_eq "exec: no fd but stdio" "$(pc exec web -- ls /proc/self/fd | tr '\n' ' ')" "0 1 2 3 "
	expect_match "exec -c side" "$(pc exec web -c side -- sh -c 'cat /proc/1/cmdline | tr "\0" " "')" "sleep|sh -c"
	out=$(pc exec web -- /nonexistent 2>&1)
	rc=$?
	expect_eq "exec of a missing command: 127" "$rc" 127
	expect_match "exec of a missing command: why" "$out" "cannot run /nonexistent: .*No such file"
	expect_eq "exec -c nope: as the API server says it" "$(pc exec web -c nope -- true 2>&1)" \
		'Error from server (BadRequest): container nope is not valid for pod web'
	expect_eq "exec into a pod that is not there" "$(pc exec nope -- true 2>&1)" \
		'Error from server (NotFound): pods "nope" not found'
	out=$(pc exec web 2>&1)
	expect_eq "exec without a command: usage, 2" "$?" 2
	out=$(pc get pods -- web 2>&1)
	expect_eq "get with arguments after --: usage, 2" "$?" 2
	# a session ends with its client: podctl killed, the process goes too
	"$PODCTL" --socket "$SOCK" exec web -- sleep 4242 &
	bg=$!
	wait_for "in_group pids 'sleep 4242 '" 5 || fail "exec: sleep 4242 did not start"
	kill -KILL "$bg"
	wait "$bg" 2>/dev/null
	wait_for "! in_group pids 'sleep 4242 '" 5 ||
		fail "exec: the process outlived its client"
	# fds that the request does not pass, or that are not stdio
	out=$(python3 - "$SOCK" <<'PY'
import os, socket, sys
def ask(fds):
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
    body = b"exec\0web\0--\0true\0"
    head = b"PODCTL1 %d\n" % len(body)
    if fds: socket.send_fds(s, [head], fds)
    else: s.sendall(head)
    s.sendall(body)
    out = b""
    while True:
        b = s.recv(4096)
        if not b: break
        out += b
    return out[5:].split(b"\n")[0].decode()
print(ask([]))
d = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
print(ask([d, 1, 2]))
PY
)
	expect_eq "exec without stdio passed: refused" "$(sed -n 1p <<<"$out")" \
		"error: exec needs the caller's stdin, stdout and stderr passed with the request"
	expect_eq "exec with a directory as stdin: refused" "$(sed -n 2p <<<"$out")" \
		"error: exec needs the caller's stdin, stdout and stderr passed with the request"
	expect_eq "after the sessions: no zombies" "$(podinit_zombies)" 0
	wait_for "[[ \$(podinit_fds) == $fds0 ]]" 5 || fail "after the sessions: podinit holds $(podinit_fds) fds, $fds0 before"
	expect_eq "web is still running" "$(phase web)" Running
}

# --log-files N: each container's output also in DATA/logs/POD_CONTAINER.log
case_log-files() {
	manifest lf <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: lf
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "echo to-the-file; $STAY"]
EOF
	start_podinit --log-files 2 || return
	wait_for "grep -qx to-the-file $TD/data/logs/lf_c.log 2>/dev/null" 10 ||
		fail "no DATA/logs/lf_c.log with the line: $(ls "$TD/data/logs" 2>&1)"
	expect_eq "the ring has it too" "$(pc logs lf)" to-the-file
	stop_podinit 10
}
