# tests/e2e/ota/agent.sh - the e2e OTA tests' update agent (busybox sh, in pod "agent";
# docs/ota-e2e.md). Volumes: /host-etc = the board's /etc/podinit (RAM, the initramfs),
# /data = the board's /var/lib/podinit (the ext4 data disk).
#
# Its store, on the data disk: /data/agent/gen-K/ (the sets it installed) and the symlink
# /data/agent/manifests -> gen-K, which the image's /etc/podinit/manifests points at, so
# what was installed outlives a power cut. An order is the operator's ConfigMap "order"
# (`apply -f /etc/podinit/ota-e2e/order/order-ID-WHAT.yaml` at the console; podinit keeps
# it in /data/applied/), polled twice a second. WHAT is a set under
# /host-etc/ota-e2e/src/ (installed as gen-K: copied into a hidden directory, synced,
# renamed, then the symlink swapped by rename and synced), or "ready" (touch
# /data/agent/ready, which pod slow's readiness probe waits for). An order already given
# when the agent starts is not acted on (not retried after a power cut).
# Why /etc/podinit/manifests is also swapped (for a new symlink with the same target):
# podinit sets its inotify watches before it mounts the data disk, so it watches the
# initramfs's directories under /var/lib/podinit that the mount then hides; a rename in
# /etc/podinit (the watched parent) makes it watch again and rescan.
# Prints "agent: ..." lines (its log; `logs agent`), and one "agent: report ..." line each
# time podinit's record or its list of copies changes: the link and its set, the record,
# and podinit's copies with the VERSION of each pod: "gen-2: keep=1 new=2 web=2".
E=/host-etc/ota-e2e
A=/data/agent
say() { echo "agent: $*"; }
order() { grep -o 'order-[0-9]*-[a-z]*' /data/applied/configmap_default_order.yaml 2>/dev/null | head -n 1; }
versions() { # DIR: "name=VERSION ..." of its yaml files
	for f in "$1"/*.yaml; do
		[ -f "$f" ] || continue
		n=${f##*/}
		v=$(sed -n 's/.*value: *"\([^"]*\)".*/\1/p' "$f" | head -n 1)
		printf ' %s=%s' "${n%.yaml}" "${v:-?}"
	done
}
report() {
	r=$(tr '\n' ';' </data/ota/record 2>/dev/null)
	c=
	for d in /data/ota/gen-*; do [ -d "$d" ] && c="$c ${d##*/}:$(versions "$d");"; done
	say "report #$1 link=$(readlink $A/manifests) ($(versions $A/manifests) ) | record: $r| copies:$c"
}
act() { # order-ID-WHAT
	id=${1#order-}
	what=${id#*-}
	id=${id%%-*}
	if [ "$what" = ready ]; then
		touch $A/ready && sync
		say "order $id: ready"
		return
	fi
	[ -d "$E/src/$what" ] || { say "order $id: no set $what"; return; }
	rm -f $A/ready
	k=1
	for d in $A/gen-*; do
		n=${d##*/gen-}
		[ "$n" -ge "$k" ] 2>/dev/null && k=$((n + 1))
	done
	say "order $id: installing $what as gen-$k"
	rm -rf $A/.new && mkdir $A/.new && cp "$E/src/$what"/*.yaml $A/.new/ && sync && mv $A/.new $A/gen-$k && sync ||
		{ say "order $id: cannot write gen-$k"; return; }
	ln -s gen-$k $A/.link && mv -T $A/.link $A/manifests && sync || { say "order $id: cannot swap"; return; }
	say "order $id: swapped to gen-$k ($what)"
	ln -s /var/lib/podinit/agent/manifests "$E/../.manifests.new" && mv -T "$E/../.manifests.new" "$E/../manifests"
	say "order $id: installed gen-$k ($what)"
	for d in $A/gen-*; do # keep the new set and the one before
		n=${d##*/gen-}
		[ "$n" -lt $((k - 1)) ] 2>/dev/null && rm -rf "$d"
	done
	sync
}
mkdir -p $A
rm -rf $A/.new $A/.link
seen=$(order)
say "started: link=$(readlink $A/manifests), order ${seen:-none} given before this start (not acted on)"
last='' nrep=0
while :; do
	o=$(order)
	if [ "$o" != "$seen" ]; then
		seen=$o
		[ -n "$o" ] && act "$o"
	fi
	s=$(stat -c '%i %Y %s' /data/ota/record 2>/dev/null; ls /data/ota 2>/dev/null)
	if [ "$s" != "$last" ]; then
		last=$s nrep=$((nrep + 1))
		report $nrep
	fi
	sleep 0.5
done
