#!/bin/sh
# podinit-manifests.sh - SWUpdate script for podinit manifest sets. In
# sw-description (see sw-description.example): the set comes as an "archive"
# extracted into STAGING, and this as a "shellscript", which SWUpdate runs
# from its scripts dir as `podinit-manifests.sh preinst [DATA]` before the
# images are installed, `... postinst [DATA]` after, and (SWUpdate >= 2023.05)
# `... postfailure [DATA]` when the update failed. DATA is the script's
# `data` attribute; unused here.
#
# postinst hands the staged set to podinit-ota and waits for podinit's
# verdict, so SWUpdate (and its server) reports podinit's commit or rollback.
set -u
OTA=${PODINIT_OTA:-podinit-ota}
STAGING=${PODINIT_SWU_STAGING:-/data/podinit/manifests.d/.swupdate-staging}

case ${1:-} in
preinst)
	# an empty staging dir, so no file of an older update leaks into this set
	rm -rf "$STAGING" && mkdir -p "$STAGING"
	;;
postinst)
	[ -n "$(ls -A "$STAGING" 2>/dev/null)" ] || {
		echo "podinit-manifests.sh: nothing was extracted into $STAGING" >&2
		exit 1
	}
	if "$OTA" install "$STAGING" && "$OTA" await; then
		rm -rf "$STAGING"
		exit 0
	fi
	"$OTA" rollback
	exit 1
	;;
postfailure)
	# a later image or script failed after our postinst: undo the swap
	# (a no-op when the symlink is already on the last good set)
	rm -rf "$STAGING"
	"$OTA" rollback 2>/dev/null
	exit 0
	;;
esac
exit 0
