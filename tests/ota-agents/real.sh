# shellcheck shell=bash
# real.sh - part (b) of tests/ota-agents/run.sh (sourced, bash): the fake
# agents against the real podinit, PID 1 of fresh PID, mount and network
# namespaces:
#   unshare --pid --fork --mount --net PODINIT --console none --manifests M
#     --images I --data D --run R [--ota-settle 2s --ota-deadline 30s]
# M is the symlink the agents swap; I a busybox image store made as
# tests/integration/lib.sh makes it. One podinit serves every case in turn.
# Every case is a SKIP unless `podctl ota status -o json` answers a "state".

REAL_CASES=(
	"mender: a good set commits:r_mender_good"
	"mender: re-deploying the live set succeeds at once:r_mender_same"
	"mender: a set with a missing image is rejected, rolled back:r_mender_rejected"
	"rauc: a good set commits, mark-good:r_rauc_good"
	"swupdate: a good set commits, bootcount cleared:r_swu_good"
	"mender: a crash-looping set is rolled back:r_mender_crashloop"
)

real_skip_all() {
	local c
	for c in "${REAL_CASES[@]}"; do skip "[podinit] ${c%:*}" "$1"; done
}

# pod NAME [COMMAND] [IMAGE]: a Pod manifest
pod() {
	cat <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $1
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: ${3:-busybox}
    command: ["sh", "-c", "${2:-trap 'exit 0' TERM; sleep 3600 & wait}"]
EOF
}

real_images() { # the image store: busybox:latest from the static /bin/busybox
	local r=$1/docker.io/library/busybox/latest/rootfs a
	mkdir -p "$r/bin" "$r/etc" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" || return 1
	chmod 1777 "$r/tmp"
	cp /bin/busybox "$r/bin/busybox" || return 1
	for a in $(/bin/busybox --list); do
		[[ $a == busybox ]] || ln -sf busybox "$r/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$r/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
}

real_start() {
	R=$W/real
	mkdir -p "$R/etc/podinit" "$R/store/gen-0" "$R/images" "$R/data" "$R/run" "$R/bin"
	pod base >"$R/store/gen-0/base.yaml"
	ln -sfn "$R/store/gen-0" "$R/etc/podinit/manifests"
	real_images "$R/images" || return 1
	# the device's PATH: the real podctl, the fakes of the agents' own tools
	ln -sf "$(dirname "$PODINIT")/podctl" "$R/bin/podctl"
	[[ -e $R/bin/podctl ]] || ln -sf "$PODINIT" "$R/bin/podctl"
	ln -sf "$HERE/bin/rauc" "$HERE/bin/fw_setenv" "$HERE/bin/fw_printenv" "$R/bin/"
	local extra=()
	"$PODINIT" --help 2>&1 | grep -q -- --ota-settle && extra=(--ota-settle 2s --ota-deadline 30s)
	# shellcheck disable=SC2206 # flags, split on purpose
	[[ -n ${PODINIT_OTA_TEST_FLAGS:-} ]] && extra=($PODINIT_OTA_TEST_FLAGS)
	unshare --pid --fork --mount --net --kill-child=SIGKILL "$PODINIT" --console none \
		--manifests "$R/etc/podinit/manifests" --images "$R/images" --data "$R/data" \
		--run "$R/run" "${extra[@]}" >"$R/podinit.out" 2>"$R/podinit.log" &
	REAL_PID=$!
	local _
	for _ in $(seq 50); do
		[[ -S $R/run/podinit.sock ]] && "$R/bin/podctl" --socket "$R/run/podinit.sock" version >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

real_stop() {
	[[ -n ${REAL_PID:-} ]] || return 0
	PODINIT_SOCKET=$R/run/podinit.sock timeout 10 "$R/bin/podctl" poweroff >/dev/null 2>&1
	local _
	for _ in $(seq 100); do
		kill -0 "$REAL_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$REAL_PID" 2>/dev/null
	wait "$REAL_PID" 2>/dev/null
	REAL_PID=
}

# a case's environment: setup_case's, pointed at the real podinit
real_env() {
	export PATH=$R/bin:$C/bin:$SYSPATH
	export PODINIT_SOCKET=$R/run/podinit.sock
	export PODINIT_OTA_LINK=$R/etc/podinit/manifests PODINIT_OTA_STORE=$R/store
	export PODINIT_OTA_STATE=$R/store/.ota PODINIT_OTA_POLL=0.5 PODINIT_OTA_TIMEOUT=120
	export PODINIT_SWU_STAGING=$R/store/.swupdate-staging
	unset PODINIT_OTA_BOOT_ID_FILE
}
ota_state() { podctl ota status -o json 2>/dev/null | tr -d '\n' | sed -n 's/.*"state"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p'; }
# the live set must be one pod NAME (besides base) Running
pod_running() { podctl get pods "$1" 2>/dev/null | grep -q Running; }

r_mender_good() {
	real_env
	mkdir -p "$C/art/files" "$C/art/scripts"
	pod web >"$C/art/files/web.yaml"
	cp "$OTA/mender/ArtifactCommit_Enter_50_podinit" "$C/art/scripts/"
	$AGENT_SH "$HERE/fake-mender" "$MOD" "$C/art" || ERRS+=("deployment failed")
	check "podinit committed" [ "$(ota_state)" = committed ]
	check "web running" pod_running web
}
r_mender_same() {
	real_env
	mkdir -p "$C/art/files" "$C/art/scripts"
	cp "$PODINIT_OTA_LINK"/* "$C/art/files/"
	cp "$OTA/mender/ArtifactCommit_Enter_50_podinit" "$C/art/scripts/"
	PODINIT_OTA_TIMEOUT=10 $AGENT_SH "$HERE/fake-mender" "$MOD" "$C/art" || ERRS+=("deployment failed")
	check "podinit committed" [ "$(ota_state)" = committed ]
}
r_mender_rejected() {
	real_env
	local before
	before=$(readlink "$PODINIT_OTA_LINK")
	mkdir -p "$C/art/files" "$C/art/scripts"
	pod ghost "" docker.io/library/no-such-image:1 >"$C/art/files/ghost.yaml"
	cp "$OTA/mender/ArtifactCommit_Enter_50_podinit" "$C/art/scripts/"
	! $AGENT_SH "$HERE/fake-mender" "$MOD" "$C/art" || ERRS+=("deployment succeeded")
	check "said rejected" has "$C/out" rejected
	check "link back" [ "$(readlink "$PODINIT_OTA_LINK")" = "$before" ]
	check "ArtifactRollback ran" has "$C/log" "mender: ArtifactRollback -> 0"
}
r_rauc_good() {
	real_env
	mkdir -p "$C/b/set"
	pod api >"$C/b/set/api.yaml"
	tar -C "$C/b/set" -cf "$C/b/manifests.tar" .
	cp "$OTA/rauc/hook" "$C/b/hook"
	printf '[update]\ncompatible=podinit-test\nversion=2\n\n[hooks]\nfilename=hook\nhooks=install-check\n\n[image.manifests]\nfilename=manifests.tar\nhooks=install\n' >"$C/b/manifest.raucm"
	rauc install "$C/b" || ERRS+=("rauc install failed")
	check "api running" pod_running api
	podinit-rauc-mark-good || ERRS+=("mark-good script failed")
	check "marked good" has "$C/log" "rauc status mark-good booted"
}
r_swu_good() {
	real_env
	mkdir -p "$C/s/set"
	pod cache >"$C/s/set/cache.yaml"
	tar -C "$C/s/set" -cf "$C/s/manifests.tar" .
	cp "$OTA/swupdate/podinit-manifests.sh" "$C/s/"
	sed "s#/data/podinit/manifests.d/.swupdate-staging#$PODINIT_SWU_STAGING#" \
		"$OTA/swupdate/sw-description.example" >"$C/s/sw-description"
	$AGENT_SH "$HERE/fake-swupdate" "$C/s" || ERRS+=("swupdate failed")
	check "cache running" pod_running cache
	uboot_boot
	podinit-swupdate-confirm || ERRS+=("confirm failed")
	check "env clear" grep -qx upgrade_available=0 "$C/uboot.env"
}
r_mender_crashloop() {
	real_env
	local before
	before=$(readlink "$PODINIT_OTA_LINK")
	mkdir -p "$C/art/files" "$C/art/scripts"
	pod crash "echo boom; exit 1" >"$C/art/files/crash.yaml"
	cp "$OTA/mender/ArtifactCommit_Enter_50_podinit" "$C/art/scripts/"
	! $AGENT_SH "$HERE/fake-mender" "$MOD" "$C/art" || ERRS+=("deployment succeeded")
	check "said rolled-back" has "$C/out" rolled-back
	check "link back" [ "$(readlink "$PODINIT_OTA_LINK")" = "$before" ]
	check "podinit back on a committed set" [ "$(ota_state)" != trial ]
}

real_podinit_cases() {
	local c why='' json
	if [[ ! -x $PODINIT ]]; then
		why="no podinit at $PODINIT"
	elif ((EUID != 0)); then
		why="needs root"
	elif ! command -v unshare >/dev/null; then
		why="no unshare"
	elif ! file -L /bin/busybox 2>/dev/null | grep -q 'statically linked'; then
		why="no static /bin/busybox for the image"
	elif ! real_start; then
		why="podinit did not start: $(tail -n 3 "$R/podinit.log" 2>/dev/null | tr '\n' ' ')"
	else
		json=$(PODINIT_SOCKET=$R/run/podinit.sock podctl_real ota status -o json 2>&1 | tr -d '\n')
		[[ $json == *'"state"'* ]] || why="podctl ota status -o json gave no \"state\": ${json:0:120}"
	fi
	if [[ -n $why ]]; then
		real_stop
		real_skip_all "$why"
		return
	fi
	# the trial of the base set podinit started with
	PATH=$R/bin:$SYSPATH PODINIT_SOCKET=$R/run/podinit.sock PODINIT_OTA_POLL=0.5 \
		PODINIT_OTA_STATE=$R/store/.ota PODINIT_OTA_LINK=$R/etc/podinit/manifests \
		"$OTA/podinit-ota" await --timeout 60 >/dev/null 2>&1
	for c in "${REAL_CASES[@]}"; do
		run_case "[podinit] ${c%:*}" "${c##*:}"
	done
	real_stop
	if ((FAIL)); then
		echo "# podinit's log (last 20 lines):"
		tail -n 20 "$R/podinit.log" | sed 's/^/#   /'
	fi
}
podctl_real() { "$R/bin/podctl" "$@"; }
