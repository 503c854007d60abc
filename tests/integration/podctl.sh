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
		"get pods -w" "get pods --watch" "delete pod d --all" "logs d --timestamps" "wait --for=condition=Ready"; do
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
