# network.sh - the pod network cases of tests/integration/run.sh (sourced).
#
# podinit runs in a network namespace of the case's own (start_podinit
# unshares one; NETNS_HOLDER keeps one across restarts), so every packet
# here stays inside namespaces the test made: the pods', podinit's, and an
# "outside" namespace standing for the world behind the device's uplink.
# The host's tools (python3, ip, nft) look in through nsenter; the device
# itself uses none of them.

# in_net CMD...: CMD in podinit's network namespace
in_net() { nsenter -t "$PODINIT" -n "$@"; }

# tcp_get IP PORT [FROM_PID]: "BODY|MS" of an HTTP GET, or "ERR:ECONNREFUSED|MS"; a
# connect is given 3 s. From podinit's namespace, or from FROM_PID's.
tcp_get() {
	local pid=${3:-$PODINIT}
	nsenter -t "$pid" -n python3 - "$1" "$2" <<'EOF'
import errno, socket, sys, time
t = time.monotonic()
s = socket.socket()
s.settimeout(3)
try:
    s.connect((sys.argv[1], int(sys.argv[2])))
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    data = b""
    while True:
        b = s.recv(4096)
        if not b:
            break
        data += b
    body = data.split(b"\r\n\r\n", 1)[-1].decode(errors="replace").strip()
except socket.timeout:
    body = "ERR:TIMEOUT"
except OSError as e:
    body = "ERR:" + errno.errorcode.get(e.errno, str(e.errno))
print("%s|%d" % (body, (time.monotonic() - t) * 1000))
EOF
}

# a pod serving "NAME" over HTTP on 8080, labelled app=LABEL, ready while
# /tmp/ready exists (made at start)
web_pod() { # web_pod NAME LABEL [EXTRA PORT LINES]
	cat <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $1
  labels: {app: $2}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: busybox
    command: ["sh", "-c", "mkdir -p /w && echo $1 > /w/index.html && touch /tmp/ready && exec httpd -f -p 8080 -h /w"]
    ports:
    - {name: http, containerPort: 8080${3:+, hostPort: $3}}
    readinessProbe:
      exec: {command: ["test", "-e", "/tmp/ready"]}
      periodSeconds: 1
EOF
}

pod_ip() { podj "$1" "d['status'].get('podIP', '')"; }

# the links, addresses and podinit's table in podinit's namespace
net_state() {
	in_net ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | tr '\n' ' '
	echo "| $(in_net ip -4 -o addr show | awk '{print $2, $4}' | sort | tr '\n' ' ')"
	echo "| $(in_net nft list tables 2>/dev/null | tr '\n' ' ')"
}

# ---------------------------------------------------------------------
# A pod's address: status, -o wide, fieldRef, /etc/hosts, probes; egress
# masqueraded through the uplink; no reaching another pod's loopback
# ---------------------------------------------------------------------
case_net-pods() {
	start_podinit || return
	# the world behind the device: an outside namespace on a veth "uplink"
	unshare --net sleep 300 &
	local outside=$!
	wait_for "[[ \$(readlink /proc/$outside/ns/net) != \$(readlink /proc/$PODINIT/ns/net) ]]" 5
	in_net ip link add up0 type veth peer name out0 netns "/proc/$outside/ns/net"
	in_net ip addr add 192.0.2.1/24 dev up0
	in_net ip link set up0 up
	nsenter -t "$outside" -n ip addr add 192.0.2.2/24 dev out0
	nsenter -t "$outside" -n ip link set out0 up
	nsenter -t "$outside" -n ip link set lo up
	# outside: who connected, as the peer address it saw
	nsenter -t "$outside" -n python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.0.2.2", 9999)); s.listen(8)
while True:
    c, a = s.accept(); c.recv(4096)  # the request first: closing before it is read resets
    c.sendall(("HTTP/1.0 200 OK\r\n\r\nfrom " + a[0] + "\n").encode()); c.close()
' &
	local listener=$!
	web_pod alpha alpha | manifest alpha
	manifest beta <<EOF
apiVersion: v1
kind: Pod
metadata: {name: beta}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    env:
    - name: MY_IP
      valueFrom: {fieldRef: {fieldPath: status.podIP}}
    - name: HOST_IP
      valueFrom: {fieldRef: {fieldPath: status.hostIP}}
    command: ["sh", "-c", "echo MY_IP=\$(MY_IP) HOST_IP=\$(HOST_IP); echo lo-secret > /tmp/i; httpd -p 127.0.0.1:9000 -h /tmp; touch /tmp/ready; $STAY"]
    readinessProbe:
      httpGet: {path: /i, port: 9000, host: 127.0.0.1}
      periodSeconds: 1
    livenessProbe:
      tcpSocket: {port: 9000}
      periodSeconds: 1
      failureThreshold: 2
EOF
	wait_phase alpha Running 15 && wait_phase beta Running 15 || return
	wait_for "[[ \$(podj alpha \"d['status']['conditions'][3]['status']\") == True ]]" 10
	local a b
	a=$(pod_ip alpha)
	b=$(pod_ip beta)
	expect_match "alpha's podIP is in the pod range" "$a" '^10\.88\.[0-9]+\.[0-9]+$'
	expect_match "beta's podIP is in the pod range" "$b" '^10\.88\.[0-9]+\.[0-9]+$'
	[[ $a != "$b" ]] || fail "two pods share the address $a"
	expect_eq "podIPs[0]" "$(podj alpha "d['status']['podIPs'][0]['ip']")" "$a"
	expect_eq "hostIP (the bridge's address, no uplink in the profile)" "$(podj alpha "d['status']['hostIP']")" 10.88.0.1
	expect_match "get pods -o wide shows the address" "$(pc get pods -o wide)" "alpha +1/1 +Running .* $a "
	wait_log beta c "MY_IP=" 10
	expect_line "fieldRef status.podIP and status.hostIP" "$(logs beta c)" "MY_IP=$b HOST_IP=10.88.0.1"
	expect_line "beta's /etc/hosts names it at its address" "$(cat "$TD/run/pods/beta/etc/hosts")" "$b"$'\t'"beta"
	# probes: an httpGet to 127.0.0.1 inside the pod; the default tcpSocket host is the pod's address,
	# where nothing listens (httpd is on 127.0.0.1 only): liveness fails and restarts it
	wait_for "[[ \$(podj beta \"d['status']['containerStatuses'][0]['restartCount']\") -ge 1 ]]" 15 ||
		fail "a tcpSocket probe without host went to 127.0.0.1, not the pod's address"
	# traffic
	expect_eq "the device reaches a pod" "$(tcp_get "$a" 8080 | cut -d'|' -f1)" alpha
	local alpha_pid
	alpha_pid=$(ctr_main_pid alpha web)
	expect_eq "pod to pod by address" "$(tcp_get "$a" 8080 "$alpha_pid" | cut -d'|' -f1)" alpha
	# another pod's loopback is its own
	local r
	r=$(tcp_get "$b" 9000 "$alpha_pid" | cut -d'|' -f1)
	expect_match "alpha cannot reach beta's 127.0.0.1:9000 through beta's address" "$r" '^ERR:'
	r=$(tcp_get 127.0.0.1 9000 "$alpha_pid" | cut -d'|' -f1)
	expect_eq "alpha's 127.0.0.1:9000 is alpha's own (nothing)" "$r" ERR:ECONNREFUSED
	# egress: out through the uplink, masqueraded to the device's address there
	in_net ip route replace default via 192.0.2.2 dev up0
	r=$(tcp_get 192.0.2.2 9999 "$alpha_pid" | cut -d'|' -f1)
	expect_eq "egress from a pod is masqueraded" "$r" "from 192.0.2.1"
	kill "$listener" "$outside" 2>/dev/null
}

# ---------------------------------------------------------------------
# Services: ClusterIP by name, hairpin, NodePort and LoadBalancer on
# every address, hostPort, endpoints follow readiness, refused at once
# ---------------------------------------------------------------------
case_net-services() {
	start_podinit || return
	# a second address of the device, on a link of its own (a veth: the
	# dummy module may be missing)
	in_net ip link add ext0 type veth peer name ext1 && in_net ip addr add 198.51.100.1/24 dev ext0 &&
		in_net ip link set ext0 up && in_net ip link set ext1 up ||
		fail "no second link for a second device address"
	web_pod one web 18080 | manifest one
	web_pod two web | manifest two
	manifest svc <<EOF
apiVersion: v1
kind: Service
metadata: {name: websvc}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: webnp}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 81, targetPort: 8080, nodePort: 30080}]
---
apiVersion: v1
kind: Service
metadata: {name: weblb}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 8088, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: empty}
spec:
  type: NodePort
  selector: {app: nobody}
  ports: [{port: 82, nodePort: 30082}]
EOF
	manifest client <<EOF
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "$STAY"]
EOF
	wait_phase one Running 15 && wait_phase two Running 15 && wait_phase client Running 15 || return
	wait_for "pc get pods | grep -q '^one .*1/1' && pc get pods | grep -q '^two .*1/1'" 10
	local cpid vip got r ms i
	cpid=$(ctr_main_pid client c)
	vip=$(awk '$1 !~ /^(127|::1|10\.88)/ && $2 == "websvc.default.svc.cluster.local" {print $1}' "$TD/run/pods/client/etc/hosts")
	expect_match "websvc's ClusterIP from the Service range, in client's /etc/hosts" "$vip" '^10\.96\.'
	expect_match "/etc/hosts names websvc short and long" "$(cat "$TD/run/pods/client/etc/hosts")" \
		"websvc.default.svc.cluster.local websvc.default.svc websvc.default websvc"
	# pod to pod through the Service name, as the client's own tools resolve it
	got=$(nsenter -t "$cpid" -n -m -- sh -c 'for i in 1 2 3 4 5 6; do wget -q -O- http://websvc/; done' 2>&1 |
	      sort -u | tr '\n' ' ')
	expect_match "the Service's name reaches its pods" "$got" "(one|two)"
	# every endpoint gets traffic (random choice among them)
	local seen=""
	for i in $(seq 1 30); do
		seen+=" $(tcp_get "$vip" 80 "$cpid" | cut -d'|' -f1)"
	done
	expect_match "both endpoints get connections" "$seen" "one"
	expect_match "both endpoints get connections" "$seen" "two"
	# hairpin: a pod reaches itself through its Service
	local one_pid
	one_pid=$(ctr_main_pid one web)
	for i in $(seq 1 12); do
		r=$(tcp_get "$vip" 80 "$one_pid" | cut -d'|' -f1)
		[[ $r == one || $r == two ]] || { fail "hairpin through the Service: $r"; break; }
	done
	# NodePort, LoadBalancer and hostPort on every address of the device, loopback included
	for addr in 127.0.0.1 10.88.0.1 198.51.100.1; do
		expect_match "NodePort 30080 on $addr" "$(tcp_get $addr 30080 | cut -d'|' -f1)" '^(one|two)$'
		expect_match "LoadBalancer port 8088 on $addr" "$(tcp_get $addr 8088 | cut -d'|' -f1)" '^(one|two)$'
		expect_eq "hostPort 18080 on $addr" "$(tcp_get $addr 18080 | cut -d'|' -f1)" one
	done
	expect_match "NodePort from a pod, on the device's bridge address" \
		"$(tcp_get 10.88.0.1 30080 "$cpid" | cut -d'|' -f1)" '^(one|two)$'
	# no Ready endpoint: refused at once, not left to time out
	r=$(tcp_get 127.0.0.1 30082)
	expect_eq "a Service without endpoints refuses" "${r%%|*}" ERR:ECONNREFUSED
	ms=${r##*|}
	((ms < 1000)) || fail "the refusal took ${ms} ms"
	local evip
	evip=$(awk '$2 == "empty.default.svc.cluster.local" {print $1}' "$TD/run/pods/client/etc/hosts")
	r=$(tcp_get "$evip" 82 "$cpid")
	expect_eq "its ClusterIP ($evip) refuses too" "${r%%|*}" ERR:ECONNREFUSED
	# endpoints follow readiness: two becomes unready, then ready again
	nsenter -t "$(ctr_main_pid two web)" -m rm /tmp/ready
	wait_for "pc get pods | grep -q '^two .*0/1'" 10 || fail "two did not turn unready"
	sleep 0.5
	seen=""
	for i in $(seq 1 20); do seen+=" $(tcp_get "$vip" 80 "$cpid" | cut -d'|' -f1)"; done
	expect_no_match "an unready pod gets no Service traffic" "$seen" "two"
	nsenter -t "$(ctr_main_pid two web)" -m touch /tmp/ready
	wait_for "pc get pods | grep -q '^two .*1/1'" 10 || fail "two did not turn ready again"
	sleep 0.5
	seen=""
	for i in $(seq 1 30); do seen+=" $(tcp_get "$vip" 80 "$cpid" | cut -d'|' -f1)"; done
	expect_match "a pod ready again gets traffic again" "$seen" "two"
	# a Service that comes later appears in running pods' /etc/hosts; one deleted goes
	manifest late <<EOF
apiVersion: v1
kind: Service
metadata: {name: late}
spec:
  selector: {app: web}
  ports: [{port: 90, targetPort: 8080}]
EOF
	wait_for "grep -q ' late\$' $TD/run/pods/client/etc/hosts" 5 || fail "a new Service is not in running pods' /etc/hosts"
	expect_match "the container sees the same file" "$(nsenter -t "$cpid" -m cat /etc/hosts)" " late"
	expect_match "its rule is in podinit's table" "$(in_net nft list table ip podinit)" "dport 90 "
	rm "$MANIFESTS/late.yaml"
	wait_for "! grep -q ' late\$' $TD/run/pods/client/etc/hosts" 5 || fail "a deleted Service stays in /etc/hosts"
	expect_no_match "a deleted Service leaves no rule" "$(in_net nft list table ip podinit)" "dport 90 "
	# deleting a pod takes its endpoint and its hostPort away
	rm "$MANIFESTS/one.yaml"
	wait_for "! pc get pod one >/dev/null 2>&1" 15
	r=$(tcp_get 127.0.0.1 18080)
	expect_match "hostPort gone with its pod" "${r%%|*}" '^ERR:'
	seen=""
	for i in $(seq 1 12); do seen+=" $(tcp_get "$vip" 80 "$cpid" | cut -d'|' -f1)"; done
	expect_no_match "a deleted pod gets no Service traffic" "$seen" "one"
	expect_eq "the deleted pod's veth is gone: two pods, two veths" "$(in_net ip -o link show | grep -c ': pi')" 2
}

# ---------------------------------------------------------------------
# Restarts: the same address; nothing left after delete, an orderly
# stop, or SIGKILL (the next start sweeps)
# ---------------------------------------------------------------------
case_net-restart() {
	unshare --net sleep 300 &
	NETNS_HOLDER=$!
	wait_for "[[ \$(readlink /proc/$NETNS_HOLDER/ns/net) != \$(readlink /proc/self/ns/net) ]]" 5
	nsenter -t "$NETNS_HOLDER" -n ip link set lo up
	local before
	before=$(nsenter -t "$NETNS_HOLDER" -n sh -c 'ip -o link show | wc -l')
	start_podinit || return
	web_pod keep keep 18081 | manifest keep
	web_pod other other | manifest other
	manifest svc <<EOF
apiVersion: v1
kind: Service
metadata: {name: keepsvc}
spec:
  type: NodePort
  selector: {app: keep}
  ports: [{port: 80, targetPort: 8080}]
EOF
	wait_phase keep Running 15 && wait_phase other Running 15 || return
	local ip1 ip2
	ip1=$(pod_ip keep)
	expect_match "keep has an address" "$ip1" '^10\.88\.'
	expect_eq "two veths, one per pod" "$(in_net ip -o link show | grep -c ': pi')" 2
	# delete: its veth and its rules go
	rm "$MANIFESTS/other.yaml"
	wait_for "! pc get pod other >/dev/null 2>&1" 15
	expect_eq "a deleted pod's veth goes" "$(in_net ip -o link show | grep -c ': pi')" 1
	# SIGKILL of podinit: the next start sweeps, the pod comes back at its address
	kill -KILL "$PODINIT"
	wait_for "! kill -0 $UNSHARE" 5
	wait "$UNSHARE" 2>/dev/null
	start_podinit || return
	wait_phase keep Running 20 || return
	ip2=$(pod_ip keep)
	expect_eq "the same address after podinit was killed and restarted" "$ip2" "$ip1"
	expect_eq "one veth after the restart" "$(in_net ip -o link show | grep -c ': pi')" 1
	expect_eq "one podinit table" "$(in_net nft list tables | grep -c 'ip podinit')" 1
	wait_for "[[ \$(tcp_get 127.0.0.1 18081 | cut -d'|' -f1) == keep ]]" 10 || fail "hostPort after the restart"
	# an orderly stop: no veth, address, route or rule of podinit stays
	stop_podinit 30
	expect_eq "podinit's exit status after poweroff" "$PODINIT_RC" 0
	UNSHARE=
	local left
	left=$(nsenter -t "$NETNS_HOLDER" -n sh -c 'ip -o link show | grep -E ": (pi|podinit0)"; ip -4 route; nft list tables 2>/dev/null | grep podinit')
	expect_eq "nothing of podinit's in the namespace after an orderly stop" "$left" ""
	expect_eq "as many links as before" "$(nsenter -t "$NETNS_HOLDER" -n sh -c 'ip -o link show | wc -l')" "$before"
	# and once more: the address survives an orderly restart too
	start_podinit || return
	wait_phase keep Running 20 || return
	expect_eq "the same address after an orderly restart" "$(pod_ip keep)" "$ip1"
	kill "$NETNS_HOLDER" 2>/dev/null
}

# ---------------------------------------------------------------------
# The founding example on the host: the images built from Debian
# packages, docs/initsidecar.yml with only GIT_SYNC_REPO changed, a git
# daemon in podinit's network namespace (on the bridge's address), the
# page through the LoadBalancer Service, a commit, the page changed
# ---------------------------------------------------------------------
# founding_start: podinit with the images, a git repository at version 1.0
# served by a git daemon in podinit's network namespace (FOUNDING_DAEMON),
# $TD/initsidecar.yml pointing at it; founding_commit VERSION: a new page
founding_start() {
	local store=${FOUNDING_IMAGES:-$TOP/build/test/images}
	if [[ ! -d $store/k8s.gcr.io/git-sync/v3.1.6 ]]; then
		note "building the host's image store in $store (rootfs/mkimages.sh)"
		"$TOP/rootfs/mkimages.sh" host "$store" >"$TD/mkimages.log" 2>&1 ||
			{ fail "rootfs/mkimages.sh host $store: $(tail -3 "$TD/mkimages.log")"; return 1; }
	fi
	start_podinit --images "$store" || return 1
	local site=$TD/site repo=$TD/git/site.git
	mkdir -p "$site" "$repo"
	git "${GITENV[@]}" init -q --bare "$repo"
	git "${GITENV[@]}" -C "$site" init -q
	echo "<h1>This is version 1.0</h1>" >"$site/index.html"
	echo "the site" >"$site/README.md"
	git "${GITENV[@]}" -C "$site" add . && git "${GITENV[@]}" -C "$site" commit -qm v1 &&
		git -C "$site" push -q "$repo" master || { fail "cannot make the repository"; return 1; }
	# straight under the case shell (a function in the background would be a
	# subshell, and killing it would leave git daemon running); bounded by
	# timeout should the case end early
	timeout 170 nsenter -t "$PODINIT" -n git daemon --reuseaddr --listen=10.88.0.1 --port=9418 \
		--export-all --base-path="$TD/git" "$TD/git" >"$TD/git-daemon.log" 2>&1 &
	FOUNDING_DAEMON=$!
	sed 's#value: https://github.com/nigelpoulton/ps-sidecar.git#value: git://10.88.0.1/site.git#' \
		"$TOP/docs/initsidecar.yml" >"$TD/initsidecar.yml"
	expect_eq "only GIT_SYNC_REPO differs from docs/initsidecar.yml" \
		"$(diff "$TOP/docs/initsidecar.yml" "$TD/initsidecar.yml" | grep -c '^[<>]')" 2
}
GITENV=(-c user.name=t -c user.email=t@t.invalid -c init.defaultBranch=master)

founding_commit() {
	echo "<h1>This is version $1</h1>" >"$TD/site/index.html"
	git "${GITENV[@]}" -C "$TD/site" commit -qam "v$1" && git -C "$TD/site" push -q "$TD/git/site.git" master
}

founding_stop() {
	kill "$FOUNDING_DAEMON" 2>/dev/null
	wait "$FOUNDING_DAEMON" 2>/dev/null
	pkill -f -- "--base-path=$TD/git" 2>/dev/null
}

case_founding-example() {
	founding_start || return
	local out
	out=$(pc apply -f "$TD/initsidecar.yml" 2>&1)
	expect_line "apply: the pod" "$out" "pod/git-sync created"
	expect_line "apply: the Service" "$out" "service/svc-sidecar created"
	wait_for "[[ \$(tcp_get 127.0.0.1 80 | cut -d'|' -f1) == *'This is version 1.0'* ]]" 60 ||
		fail "the page through svc-sidecar on 127.0.0.1:80: $(tcp_get 127.0.0.1 80); $(logs git-sync ctr-sync | tail -3)"
	local ev
	ev=$(pc events 2>&1 | grep -E 'pod/git-sync/ctr-(sync|web) +Started|ctr-(sync|web) Started|Started container ctr' | head -2)
	expect_match "the sidecar ctr-sync started before the app ctr-web" "$ev" "ctr-sync.*"$'\n'".*ctr-web"
	expect_match "the page on the device's bridge address too" "$(tcp_get 10.88.0.1 80 | cut -d'|' -f1)" "This is version 1.0"
	founding_commit 2.0
	wait_for "[[ \$(tcp_get 127.0.0.1 80 | cut -d'|' -f1) == *'This is version 2.0'* ]]" 30 ||
		fail "the page did not change after the commit: $(tcp_get 127.0.0.1 80)"
	expect_match "git-sync's layout: html a relative link to rev-HASH" \
		"$(readlink "$TD/run/pods/git-sync/volumes/html/html")" '^rev-[0-9a-f]{40}$'
	founding_stop
}
