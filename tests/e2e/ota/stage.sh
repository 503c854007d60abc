#!/bin/bash
# tests/e2e/ota/stage.sh OUT IDS
#
# Writes what the e2e OTA image and data disks hold (docs/ota-e2e.md), under OUT/:
#   etc/      goes to the image's /etc/podinit/ota-e2e/: agent.sh, agent.yaml, the
#             sets src/{a,b,bad,crash,c}/*.yaml, and order/order-ID-WHAT.yaml for
#             ID 1..IDS and WHAT a set or "ready" (a ConfigMap "order" the agent polls)
#   data/     the data disk's first content: agent/gen-1/ (set a) and the symlink
#             agent/manifests -> gen-1
#   extra     the EXTRA_FILES list for rootfs/mkinitramfs.sh
# The sets (pod=VERSION): a = keep=1 web=1; b = keep=1 (the same bytes) web=2 new=2;
# bad = b's keep and new, web=3 and broken.yaml (invalid YAML at line 5, column 2);
# crash = b, web=4 and pod crash, which exits 3 at once; c = b and pod slow, Ready only
# once /var/lib/podinit/agent/ready exists (order "ready").
set -eu
OUT=$1 IDS=$2
HERE=$(cd "$(dirname "$0")" && pwd)
rm -rf "$OUT"
mkdir -p "$OUT/etc/order" "$OUT/data/agent"
cp "$HERE/agent.sh" "$HERE/agent.yaml" "$OUT/etc/"

pod() { # NAME VERSION [EXTRA CONTAINER LINES [EXTRA SPEC LINES]]
	cat <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: $1
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "trap 'exit 0' TERM; echo $1-\$(VERSION); sleep 1000000 & wait"]
    env: [{name: VERSION, value: "$2"}]
${3:-}${4:-}
YAML
}
set_of() { # SET NAME=VERSION...
	local s=$1 d
	shift
	d=$OUT/etc/src/$s
	mkdir -p "$d"
	for nv in "$@"; do pod "${nv%=*}" "${nv#*=}" >"$d/${nv%=*}.yaml"; done
}
set_of a keep=1 web=1
set_of b keep=1 web=2 new=2
set_of bad keep=1 web=3 new=2
printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n spec: [\n' >"$OUT/etc/src/bad/broken.yaml"
set_of crash keep=1 web=4 new=2
cat >"$OUT/etc/src/crash/crash.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: crash
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "echo crashing; exit 3"]
    env: [{name: VERSION, value: "9"}]
YAML
set_of c keep=1 web=2 new=2
pod slow 1 "    readinessProbe: {exec: {command: [test, -e, /agent/ready]}, periodSeconds: 1}
    volumeMounts: [{name: agent, mountPath: /agent}]
" "  volumes: [{name: agent, hostPath: {path: /var/lib/podinit/agent}}]
" >"$OUT/etc/src/c/slow.yaml"
for ((i = 1; i <= IDS; i++)); do
	for w in a b bad crash c ready; do
		printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: order\ndata:\n  order: order-%s-%s\n' "$i" "$w" \
			>"$OUT/etc/order/order-$i-$w.yaml"
	done
done
cp -r "$OUT/etc/src/a" "$OUT/data/agent/gen-1"
ln -s gen-1 "$OUT/data/agent/manifests"
(cd "$OUT/etc" && find . -type f -printf '%P\n' | sort) | while read -r f; do
	printf '%s:/etc/podinit/ota-e2e/%s ' "$OUT/etc/$f" "$f"
done >"$OUT/extra"
