#!/bin/bash
# tests/ota-agents/run.sh - the OTA agent integrations (rootfs/ota/) driven
# by fake agents that call them as Mender, RAUC and SWUpdate do.
#
#   tests/ota-agents/run.sh [PODINIT]    (PODINIT default build/host/podinit)
#
# (a) every case against a fake podctl (bin/podctl, a scenario file per
#     case), twice: under /bin/sh and under busybox sh with busybox's
#     applets first on PATH (skipped without busybox);
# (b) as root, with PODINIT built: the same agents against the real podinit,
#     PID 1 of fresh namespaces, with a busybox image store; "# SKIP" while
#     `podctl ota status -o json` gives no "state".
# Output: "ok N - ..." / "not ok N - ..." / "ok N - ... # SKIP why", then
# "N passed, N failed, N skipped". Exit 1 on a failure.
# PODINIT_OTA_TEST_KEEP=1 keeps the temp dir; PODINIT_OTA_TEST_FLAGS adds
# podinit flags in (b) (default: --ota-settle 2s --ota-deadline 30s when
# podinit --help lists them).
# shellcheck source-path=SCRIPTDIR
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
OTA=$TOP/rootfs/ota
PODINIT=$(readlink -f "${1:-$TOP/build/host/podinit}")
W=$(mktemp -d /tmp/ota-agents.XXXXXX)
SYSPATH=$PATH
N=0 PASS=0 FAIL=0 SKIP=0
cleanup() { [[ -n ${PODINIT_OTA_TEST_KEEP:-} ]] || rm -rf "$W"; }
trap cleanup EXIT

# ---- reporting ---------------------------------------------------------------
ERRS=()
check() { # check DESC CONDITION...: records a failure of the case
	local desc=$1
	shift
	"$@" || ERRS+=("$desc")
}
has() { grep -qF -- "$2" "$1"; }
hasnt() { ! grep -qF -- "$2" "$1"; }
# in_order FILE LINE...: FILE has lines equal to these, in this order
in_order() {
	local f=$1 l
	shift
	while IFS= read -r l && (($#)); do
		[[ $l == "$1" ]] && shift
	done <"$f"
	(($# == 0)) || { ERRS+=("no line '$1' (in order) in ${f##*/}"); return 1; }
}
run_case() { # run_case DESC FUNC
	N=$((N + 1))
	ERRS=()
	setup_case "$N"
	"$2" >"$C/out" 2>&1 || ERRS+=("the case returned $?")
	if ((${#ERRS[@]} == 0)); then
		echo "ok $N - $1"
		PASS=$((PASS + 1))
	else
		echo "not ok $N - $1"
		printf '#   %s\n' "${ERRS[@]}"
		sed 's/^/#   | /' "$C/log" "$C/out" 2>/dev/null | tail -n 25
		FAIL=$((FAIL + 1))
	fi
}
skip() {
	N=$((N + 1))
	SKIP=$((SKIP + 1))
	echo "ok $N - $1 # SKIP $2"
}

# ---- a case's device: the symlink, the store, the fakes ------------------------
setup_case() {
	C=$W/case$1
	mkdir -p "$C/etc/podinit" "$C/store/gen-0" "$C/bin" "$C/fake" "$C/tmp"
	echo 'kind: Pod # first' >"$C/store/gen-0/a.yaml"
	ln -s "$C/store/gen-0" "$C/etc/podinit/manifests"
	: >"$C/log"
	: >"$C/scenario"
	# what the device has on PATH, run by the shell under test
	local s
	for s in podinit-ota rauc/podinit-rauc-mark-good swupdate/podinit-swupdate-confirm; do
		printf '#!/bin/sh\nexec %s %s "$@"\n' "$AGENT_SH" "$OTA/$s" >"$C/bin/${s##*/}"
		chmod +x "$C/bin/${s##*/}"
	done
	echo boot-1 >"$C/boot_id"
	export PATH=$BBPATH$HERE/bin:$C/bin:$SYSPATH
	export PODINIT_OTA_LINK=$C/etc/podinit/manifests PODINIT_OTA_STORE=$C/store
	export PODINIT_OTA_STATE=$C/store/.ota PODINIT_OTA_BOOT_ID_FILE=$C/boot_id
	export PODINIT_OTA_POLL=0.05 PODINIT_OTA_TIMEOUT=3
	export FAKE_PODCTL_SCENARIO=$C/scenario FAKE_PODCTL_DIR=$C/fake OTA_TEST_LOG=$C/log
	export MENDER_DATADIR=$C/mender FAKE_RAUC_SLOTS=$C/slots FAKE_UBOOT_ENV=$C/uboot.env
	export TMPDIR=$C/tmp RAUC_SYSTEM_COMPATIBLE=podinit-test
	export PODINIT_SWU_STAGING=$C/store/.swupdate-staging
	unset PODCTL PODINIT_SOCKET
	printf 'bootlimit=3\nbootcount=0\nupgrade_available=0\n' >"$C/uboot.env"
}
scenario() { # scenario KEY=VALUE...: the fake podctl's scenario file
	local a
	: >"$C/scenario"
	for a; do printf "%s='%s'\n" "${a%%=*}" "${a#*=}" >>"$C/scenario"; done
}
target() { readlink "$PODINIT_OTA_LINK"; }
live() { cat "$PODINIT_OTA_LINK"/*.yaml 2>/dev/null; }
# a reboot: new boot id; podinit (the fake) starts afresh on the current set
reboot_device() {
	echo "boot-$RANDOM" >"$C/boot_id"
	rm -rf "$C/fake"
	scenario "AT_BOOT=1" "SEEN_AFTER=0" "$@"
}
# U-Boot's boot counting, as its bootcmd does it before booting
uboot_boot() {
	local c
	if grep -qx upgrade_available=1 "$C/uboot.env"; then
		c=$(sed -n 's/^bootcount=//p' "$C/uboot.env")
		sed -i "s/^bootcount=.*/bootcount=$((c + 1))/" "$C/uboot.env"
	fi
	echo "uboot: boot $(tr '\n' ' ' <"$C/uboot.env")" >>"$C/log"
}

# artifacts: a manifest set of one file with TEXT, in each agent's packaging
mender_artifact() { # DIR TEXT [tar]
	mkdir -p "$1/files" "$1/scripts"
	echo "release-2" >"$1/artifact_name"
	if [[ ${3:-} == tar ]]; then
		mkdir -p "$1/set" && echo "$2" >"$1/set/b.yaml"
		tar -C "$1/set" -czf "$1/files/manifests.tar.gz" .
	else
		echo "$2" >"$1/files/b.yaml"
	fi
	cp "$OTA/mender/ArtifactCommit_Enter_50_podinit" "$1/scripts/"
}
rauc_bundle() { # DIR TEXT install|post-install [COMPATIBLE]
	mkdir -p "$1/set"
	echo "$2" >"$1/set/b.yaml"
	tar -C "$1/set" -cf "$1/manifests.tar" .
	cp "$OTA/rauc/hook" "$1/hook"
	printf '[update]\ncompatible=%s\nversion=2\n\n[hooks]\nfilename=hook\nhooks=install-check\n\n[image.manifests]\nfilename=manifests.tar\nhooks=%s\n' \
		"${4:-podinit-test}" "$3" >"$1/manifest.raucm"
}
swu() { # DIR TEXT [bootenv]
	mkdir -p "$1/set"
	echo "$2" >"$1/set/b.yaml"
	tar -C "$1/set" -cf "$1/manifests.tar" .
	cp "$OTA/swupdate/podinit-manifests.sh" "$1/"
	sed "s#/data/podinit/manifests.d/.swupdate-staging#$C/store/.swupdate-staging#" \
		"$OTA/swupdate/sw-description.example" >"$1/sw-description"
	[[ ${3:-} == bootenv ]] || sed -i '/bootenv/,$d' "$1/sw-description"
}
MOD=$OTA/mender/podinit-manifests

# =============================================================================
# podinit-ota itself
# =============================================================================
c_ota_install_keeps_two() {
	for i in 1 2 3; do
		mkdir -p "$C/in$i" && echo "set $i" >"$C/in$i/b.yaml"
		podinit-ota install "$C/in$i" && podinit-ota await || ERRS+=("install/await $i failed")
	done
	check "link on gen-3" [ "$(target)" = "$C/store/gen-3" ]
	check "only gen-2 and gen-3 kept" [ "$(cd "$C/store" && echo gen-*)" = "gen-2 gen-3" ]
	check "previous is gen-2" [ "$(cat "$C/store/.ota/previous")" = "$C/store/gen-2" ]
	podinit-ota rollback
	check "rollback to gen-2" [ "$(target)" = "$C/store/gen-2" ]
	check "set 2 live" [ "$(live)" = "set 2" ]
}
c_ota_refuses_dir() {
	rm "$PODINIT_OTA_LINK" && mkdir "$PODINIT_OTA_LINK"
	mkdir -p "$C/in" && echo x >"$C/in/b.yaml"
	! podinit-ota install "$C/in" || ERRS+=("install over a real dir succeeded")
	check "says why" has "$C/out" "is not a symlink"
}
c_ota_podinit_down() {
	scenario DOWN=1
	mkdir -p "$C/in" && echo x >"$C/in/b.yaml"
	! podinit-ota install "$C/in" || ERRS+=("install without podinit succeeded")
	check "link unchanged" [ "$(target)" = "$C/store/gen-0" ]
	check "says why" has "$C/out" "no OTA status"
}
c_ota_pretty_json_reason() {
	scenario PRETTY=1 SEEN_AFTER=2 TRIAL_CALLS=3 OUTCOME=rolled-back "REASON=pod web: CrashLoopBackOff (3 restarts)"
	mkdir -p "$C/in" && echo x >"$C/in/b.yaml"
	podinit-ota install "$C/in" || ERRS+=("install failed")
	! podinit-ota await || ERRS+=("await succeeded on rolled-back")
	check "reason shown" has "$C/out" "generation 4 rolled-back: pod web: CrashLoopBackOff (3 restarts)"
	check "waited through trial" [ "$(grep -c 'podctl ota status' "$C/log")" -ge 7 ]
}
c_ota_quoted_reason() {
	# a reason quoting JSON must not pass for the status itself
	scenario OUTCOME=rejected 'REASON=x.yaml: pod \"state\":\"committed\", \\ bad'
	mkdir -p "$C/in" && echo x >"$C/in/b.yaml"
	podinit-ota install "$C/in" || ERRS+=("install failed")
	! podinit-ota await || ERRS+=("await succeeded on rejected")
	check "reason unescaped" has "$C/out" 'rejected: x.yaml: pod "state":"committed", \ bad'
}
c_ota_same_content() {
	# podinit makes no generation of a set equal to the live one
	scenario SEEN_AFTER=never
	mkdir -p "$C/in" && cp "$PODINIT_OTA_LINK/a.yaml" "$C/in/"
	podinit-ota install "$C/in" || ERRS+=("install failed")
	podinit-ota await --timeout 2 || ERRS+=("await on an unchanged set failed")
	check "at once" [ "$(grep -c 'podctl ota status' "$C/log")" -le 2 ]
}
c_ota_after_reboot() {
	scenario SEEN_AFTER=never
	mkdir -p "$C/in" && echo x >"$C/in/b.yaml"
	podinit-ota install "$C/in" || ERRS+=("install failed")
	# powered off before podinit saw it; the new boot's podinit commits it
	# with a generation counter that started again
	reboot_device START_GEN=0 OUTCOME=committed TRIAL_CALLS=0
	podinit-ota await --timeout 2 || ERRS+=("await after reboot failed")
	check "good recorded" [ "$(cat "$C/store/.ota/good")" = "$C/store/gen-1" ]
}

# =============================================================================
# Mender: update module + ArtifactCommit_Enter state script
# =============================================================================
c_mender_success() {
	scenario SEEN_AFTER=2 TRIAL_CALLS=2
	mender_artifact "$C/art" "set mender"
	$AGENT_SH "$HERE/fake-mender" "$MOD" "$C/art" || ERRS+=("deployment failed")
	check "state order" in_order "$C/log" "mender: SupportsRollback -> 0 [Yes]" \
		"mender: ProvidePayloadFileSizes -> 0" "mender: Download -> 0" "mender: ArtifactInstall -> 0" \
		"mender: NeedsArtifactReboot -> 0 [No]" "mender: script ArtifactCommit_Enter_50_podinit -> 0" \
		"mender: ArtifactCommit -> 0" "mender: Cleanup -> 0" "mender: deployment success"
	check "set live" [ "$(live)" = "set mender" ]
	check "no rollback" hasnt "$C/log" ArtifactRollback
}
c_mender_tarball() {
	mender_artifact "$C/art" "set tarred" tar
	$AGENT_SH "$HERE/fake-mender" "$MOD" "$C/art" || ERRS+=("deployment failed")
	check "set live" [ "$(live)" = "set tarred" ]
}
mender_fails() { # REASON-TEXT: the deployment fails, rolled back
	mender_artifact "$C/art" "set bad"
	! $AGENT_SH "$HERE/fake-mender" "$MOD" "$C/art" || ERRS+=("deployment succeeded")
	check "Commit_Enter failed" has "$C/log" "mender: script ArtifactCommit_Enter_50_podinit -> 1"
	check "error path" in_order "$C/log" "mender: ArtifactRollback -> 0" "mender: ArtifactFailure -> 0" \
		"mender: Cleanup -> 0" "mender: deployment failure"
	check "ArtifactCommit not run" hasnt "$C/log" "mender: ArtifactCommit ->"
	check "link back on gen-0" [ "$(target)" = "$C/store/gen-0" ]
	check "reason in the deployment log" has "$C/out" "$1"
}
c_mender_rolled_back() {
	scenario OUTCOME=rolled-back "REASON=trial deadline passed"
	mender_fails "rolled-back: trial deadline passed"
}
c_mender_rejected() {
	scenario OUTCOME=rejected "REASON=image docker.io/library/nope: not in the store"
	mender_fails "rejected: image docker.io/library/nope: not in the store"
}
c_mender_timeout() {
	scenario SEEN_AFTER=never
	mender_fails "timed out after 3s"
}
c_mender_no_state_script() {
	scenario OUTCOME=rolled-back "REASON=too many reboots"
	mender_artifact "$C/art" "set bad"
	rm "$C/art/scripts/"*
	! $AGENT_SH "$HERE/fake-mender" "$MOD" "$C/art" || ERRS+=("deployment succeeded")
	check "ArtifactCommit failed" has "$C/log" "mender: ArtifactCommit -> 1"
	check "rolled back" in_order "$C/log" "mender: ArtifactRollback -> 0" "mender: deployment failure"
	check "link back on gen-0" [ "$(target)" = "$C/store/gen-0" ]
}

# =============================================================================
# RAUC: bundle hook + mark-good at boot
# =============================================================================
c_rauc_install_hook() {
	rauc_bundle "$C/b" "set rauc" install
	rauc install "$C/b" || ERRS+=("rauc install failed")
	check "hooks" in_order "$C/log" "rauc: hook install-check -> 0" "rauc: hook slot-install -> 0" "rauc: install done"
	check "set live" [ "$(live)" = "set rauc" ]
	reboot_device OUTCOME=committed
	podinit-rauc-mark-good || ERRS+=("mark-good script failed")
	check "marked good" has "$C/log" "rauc status mark-good booted"
}
c_rauc_post_install() {
	rauc_bundle "$C/b" "set slot" post-install
	rauc install "$C/b" || ERRS+=("rauc install failed")
	check "post-install hook" has "$C/log" "rauc: hook slot-post-install -> 0"
	check "set live" [ "$(live)" = "set slot" ]
	check "copied out of the slot" [ "$(target)" = "$C/store/gen-1" ]
}
c_rauc_rolled_back() {
	scenario OUTCOME=rolled-back "REASON=pod db not Ready by the deadline"
	rauc_bundle "$C/b" "set bad" install
	! rauc install "$C/b" || ERRS+=("rauc install succeeded")
	check "hook failed" has "$C/log" "rauc: hook slot-install -> 1"
	check "link back on gen-0" [ "$(target)" = "$C/store/gen-0" ]
	check "reason" has "$C/out" "pod db not Ready by the deadline"
	reboot_device OUTCOME=rolled-back TRIAL_CALLS=0 "REASON=crash loop"
	! podinit-rauc-mark-good || ERRS+=("mark-good script succeeded")
	check "marked bad" has "$C/log" "rauc status mark-bad booted"
	check "not marked good" hasnt "$C/log" "mark-good"
}
c_rauc_incompatible() {
	rauc_bundle "$C/b" "set other" install other-product
	! rauc install "$C/b" || ERRS+=("rauc install succeeded")
	check "install-check rejected (10)" has "$C/log" "rauc: hook install-check -> 10"
	check "reason" has "$C/out" "bundle rejected: bundle is for 'other-product'"
	check "podinit not asked" hasnt "$C/log" podctl
	check "link unchanged" [ "$(target)" = "$C/store/gen-0" ]
}

# =============================================================================
# SWUpdate: shellscript + U-Boot boot counting
# =============================================================================
c_swu_success() {
	swu "$C/s" "set swu" bootenv
	$AGENT_SH "$HERE/fake-swupdate" "$C/s" || ERRS+=("swupdate failed")
	check "order" in_order "$C/log" "swupdate: script podinit-manifests.sh preinst -> 0" \
		"swupdate: archive manifests.tar -> $C/store/.swupdate-staging" \
		"swupdate: script podinit-manifests.sh postinst -> 0" "fw_setenv upgrade_available 1" \
		"swupdate: update successful"
	check "set live" [ "$(live)" = "set swu" ]
	check "staging removed" [ ! -e "$C/store/.swupdate-staging" ]
	reboot_device OUTCOME=committed
	uboot_boot
	check "bootcount 1" grep -qx bootcount=1 "$C/uboot.env"
	podinit-swupdate-confirm || ERRS+=("confirm failed")
	check "confirmed" in_order "$C/log" "fw_setenv upgrade_available 0" "fw_setenv bootcount 0"
	check "env clear" grep -qx upgrade_available=0 "$C/uboot.env"
}
c_swu_rejected() {
	scenario OUTCOME=rejected "REASON=memory: requests 900Mi, 512Mi allocatable"
	swu "$C/s" "set big" bootenv
	! $AGENT_SH "$HERE/fake-swupdate" "$C/s" || ERRS+=("swupdate succeeded")
	check "postinst failed, postfailure ran" in_order "$C/log" \
		"swupdate: script podinit-manifests.sh postinst -> 1" \
		"swupdate: script podinit-manifests.sh postfailure -> 0" "swupdate: update failed"
	check "no bootenv" hasnt "$C/log" "fw_setenv upgrade_available 1"
	check "link back on gen-0" [ "$(target)" = "$C/store/gen-0" ]
	check "reason" has "$C/out" "512Mi allocatable"
}
c_swu_timeout() {
	scenario SEEN_AFTER=never
	swu "$C/s" "set slow"
	! $AGENT_SH "$HERE/fake-swupdate" "$C/s" || ERRS+=("swupdate succeeded")
	check "link back on gen-0" [ "$(target)" = "$C/store/gen-0" ]
	check "timeout said" has "$C/out" "timed out"
}
c_swu_boot_rolled_back() {
	swu "$C/s" "set new" bootenv
	$AGENT_SH "$HERE/fake-swupdate" "$C/s" || ERRS+=("swupdate failed")
	reboot_device OUTCOME=rolled-back TRIAL_CALLS=1 "REASON=3 reboots during the trial"
	uboot_boot
	! podinit-swupdate-confirm --reboot-on-failure || ERRS+=("confirm succeeded")
	check "flag kept" grep -qx upgrade_available=1 "$C/uboot.env"
	check "not cleared" hasnt "$C/log" "fw_setenv upgrade_available 0"
	check "rebooted for U-Boot to count" has "$C/log" "podctl reboot"
}
c_swu_nothing_pending() {
	podinit-swupdate-confirm || ERRS+=("confirm failed")
	check "podinit not asked" hasnt "$C/log" podctl
	check "env untouched" hasnt "$C/log" fw_setenv
}

FAKE_CASES=(
	"podinit-ota: install keeps the new and the last good set; rollback:c_ota_install_keeps_two"
	"podinit-ota: refuses a live dir that is not a symlink:c_ota_refuses_dir"
	"podinit-ota: install fails while podinit is unreachable:c_ota_podinit_down"
	"podinit-ota: multi-line JSON, trial, rolled-back reason:c_ota_pretty_json_reason"
	"podinit-ota: a reason quoting JSON is only a reason:c_ota_quoted_reason"
	"podinit-ota: a set equal to the live one needs no new generation:c_ota_same_content"
	"podinit-ota: await after a reboot ignores the old generation:c_ota_after_reboot"
	"mender: success commit through ArtifactCommit_Enter:c_mender_success"
	"mender: tarball payload:c_mender_tarball"
	"mender: podinit rolled back -> ArtifactRollback:c_mender_rolled_back"
	"mender: podinit rejected -> ArtifactRollback:c_mender_rejected"
	"mender: podinit never sees it -> timeout, rollback:c_mender_timeout"
	"mender: without the state script ArtifactCommit checks:c_mender_no_state_script"
	"rauc: slot-install hook commit, mark-good at boot:c_rauc_install_hook"
	"rauc: slot-post-install from the mounted slot:c_rauc_post_install"
	"rauc: podinit rolled back -> install fails, mark-bad at boot:c_rauc_rolled_back"
	"rauc: install-check rejects another product's bundle:c_rauc_incompatible"
	"swupdate: postinst commit, bootcount cleared after boot:c_swu_success"
	"swupdate: podinit rejected -> postinst fails, postfailure:c_swu_rejected"
	"swupdate: podinit never sees it -> timeout:c_swu_timeout"
	"swupdate: rolled back after reboot -> upgrade_available kept:c_swu_boot_rolled_back"
	"swupdate: no update pending -> nothing to confirm:c_swu_nothing_pending"
)

run_fake_pass() { # run_fake_pass LABEL
	local c
	for c in "${FAKE_CASES[@]}"; do
		run_case "[$1] ${c%:*}" "${c##*:}"
	done
}

AGENT_SH=/bin/sh BBPATH=
run_fake_pass sh
if command -v busybox >/dev/null; then
	mkdir -p "$W/bb"
	for a in sh sed grep tr cat mv ln rm mkdir cp tar gzip readlink date sleep sync ls head tail wc touch awk diff; do
		ln -s "$(command -v busybox)" "$W/bb/$a"
	done
	AGENT_SH="$(command -v busybox) sh" BBPATH=$W/bb:
	run_fake_pass "busybox sh"
	AGENT_SH=/bin/sh BBPATH=
else
	for c in "${FAKE_CASES[@]}"; do skip "[busybox sh] ${c%:*}" "no busybox"; done
fi

# =============================================================================
# (b) the real podinit
# =============================================================================
# shellcheck source=real.sh
. "$HERE/real.sh"
real_podinit_cases

echo "$PASS passed, $FAIL failed, $SKIP skipped"
((FAIL == 0))
