#!/bin/sh
# /git-sync - git-sync v3.1.6 (kubernetes/git-sync) rewritten as a busybox sh script over git.
# The k8s.gcr.io/git-sync/v3.1.6 image's entrypoint (rootfs/mkimages.sh puts it at /git-sync).
#
#   /git-sync [--repo=URL] [--branch=B] [--rev=R] [--depth=N] [--root=DIR] [--dest=NAME]
#             [--wait=SECS] [--timeout=SECS] [--one-time] [--max-sync-failures=N]
#             [--change-permissions=N] [--add-user] [--git=CMD] [--version]
#
# Settings come from GIT_SYNC_REPO, _BRANCH (master), _REV (HEAD), _DEPTH (0: full), _ROOT
# ($HOME/git), _DEST (the repo's last path element), _WAIT (0 s), _TIMEOUT (120 s),
# _ONE_TIME (false), _MAX_SYNC_FAILURES (0), _PERMISSIONS (0), _ADD_USER (false), _GIT (git),
# _USERNAME and _PASSWORD (both set: git's credential store in $HOME);
# a flag of the same name overrides. An empty value is unset; an int, float or bool that does
# not parse is the default (ints and floats log "invalid env value, using default").
#
# What it does, as v3.1.6 (docs/images.md maps each step to upstream): the first sync clones
# REPO into ROOT itself (--no-checkout); each sync whose remote hash differs from the live
# checkout's fetches, adds the worktree ROOT/rev-<hash>, resets it to the hash, updates the
# submodules, applies the permissions, then swaps the relative symlink ROOT/DEST -> rev-<hash>
# (ln -snf to tmp-link, mv -T over DEST: one rename(2)) and removes the old worktree. A failed
# sync is retried after WAIT while fewer than MAX_SYNC_FAILURES failures happened in a row,
# else "failed to sync repo, aborting" and exit 1. As PID 1 it runs itself as a child and
# exits 0 whatever the child's status (v3.1.6's pid1 handler). Logs go to stderr.
set -u

# ---------------------------------------------------------------- logging (glogr-like)
q() { # a value quoted as Go's %q roughly does: backslash, quote, newline escaped
    printf '%s' "$1" | awk 'BEGIN { ORS = "" } { gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); if (NR > 1) print "\\n"; print }'
}
kv() { # KEY VALUE...: "key"="value" pairs
    while [ $# -ge 2 ]; do printf ' "%s"="%s"' "$1" "$(q "$2")"; shift 2; done
}
stamp() { date -u +'%m%d %H:%M:%S.000000'; }
log_info() { # MSG [KEY VALUE]...
    m=$1; shift
    printf 'I%s %7d git-sync.sh] "msg"="%s"%s\n' "$(stamp)" "$$" "$(q "$m")" "$(kv "$@")" >&2
}
log_error() { # ERR MSG [KEY VALUE]...
    e=$1 m=$2; shift 2
    printf 'E%s %7d git-sync.sh] "msg"="%s" "error"="%s"%s\n' "$(stamp)" "$$" "$(q "$m")" "$(q "$e")" "$(kv "$@")" >&2
}

# ---------------------------------------------------------------- PID 1
if [ "$$" = 1 ]; then
    echo "INFO: detected pid 1, running init handler" >&2
    "$0" "$@" &
    child=$!
    for sig in TERM INT HUP QUIT USR1 USR2; do
        # shellcheck disable=SC2064
        trap "kill -$sig $child 2>/dev/null" "$sig"
    done
    # wait returns early when a trapped signal arrives; the shell reaps every child
    while kill -0 "$child" 2>/dev/null; do wait "$child"; done
    exit 0
fi

# ---------------------------------------------------------------- settings
env_str() { eval "_v=\${$1:-}"; if [ -n "$_v" ]; then echo "$_v"; else echo "$2"; fi; }
env_int() {
    eval "_v=\${$1:-}"
    if [ -z "$_v" ]; then echo "$2"; return; fi
    if echo "$_v" | grep -Eq '^[+-]?[0-9]+$'; then echo "$_v" | sed -E 's/^\+//; s/^(-?)0+([0-9])/\1\2/'; return; fi
    log_error "strconv.Atoi: parsing \"$_v\": invalid syntax" "invalid env value, using default" key "$1" val "$_v" default "$2"
    echo "$2"
}
env_float() {
    eval "_v=\${$1:-}"
    if [ -z "$_v" ]; then echo "$2"; return; fi
    if echo "$_v" | grep -Eq '^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$'; then echo "$_v"; return; fi
    log_error "strconv.ParseFloat: parsing \"$_v\": invalid syntax" "invalid env value, using default" key "$1" val "$_v" default "$2"
    echo "$2"
}
parse_bool() { # VALUE DEFAULT: Go's strconv.ParseBool, the default when it does not parse
    case "$1" in
        1|t|T|TRUE|true|True) echo true ;;
        0|f|F|FALSE|false|False) echo false ;;
        *) echo "$2" ;;
    esac
}
env_bool() { eval "_v=\${$1:-}"; if [ -z "$_v" ]; then echo "$2"; else parse_bool "$_v" "$2"; fi; }

REPO=$(env_str GIT_SYNC_REPO "")
BRANCH=$(env_str GIT_SYNC_BRANCH master)
REV=$(env_str GIT_SYNC_REV HEAD)
DEPTH=$(env_int GIT_SYNC_DEPTH 0)
ROOT=$(env_str GIT_SYNC_ROOT "$(env_str HOME "")/git")
DEST=$(env_str GIT_SYNC_DEST "")
WAIT=$(env_float GIT_SYNC_WAIT 0)
TIMEOUT=$(env_int GIT_SYNC_TIMEOUT 120)
ONE_TIME=$(env_bool GIT_SYNC_ONE_TIME false)
MAX_FAILURES=$(env_int GIT_SYNC_MAX_SYNC_FAILURES 0)
CHMOD=$(env_int GIT_SYNC_PERMISSIONS 0)
ADD_USER=$(env_bool GIT_SYNC_ADD_USER false)
GIT=$(env_str GIT_SYNC_GIT git)

usage() {
    cat >&2 <<EOF
Usage of $0:
  -add-user             add a record to /etc/passwd for the current UID/GID (GIT_SYNC_ADD_USER)
  -branch string        the git branch to check out (GIT_SYNC_BRANCH, default "master")
  -change-permissions int  the file permissions to apply to the checked-out files (GIT_SYNC_PERMISSIONS)
  -depth int            use a shallow clone with a history truncated to the specified number of commits (GIT_SYNC_DEPTH)
  -dest string          the name of (a symlink to) a directory in which to check-out files under --root (GIT_SYNC_DEST)
  -git string           the git command to run (GIT_SYNC_GIT, default "git")
  -max-sync-failures int  the number of consecutive failures allowed before aborting (GIT_SYNC_MAX_SYNC_FAILURES)
  -one-time             exit after the first sync (GIT_SYNC_ONE_TIME)
  -repo string          the git repository to clone (GIT_SYNC_REPO)
  -rev string           the git revision (tag or hash) to check out (GIT_SYNC_REV, default "HEAD")
  -root string          the root directory for git-sync operations, under which --dest will be created (GIT_SYNC_ROOT, default "\$HOME/git")
  -timeout int          the max number of seconds allowed for a complete sync (GIT_SYNC_TIMEOUT, default 120)
  -version              print the version and exit
  -wait float           the number of seconds between syncs (GIT_SYNC_WAIT)
EOF
}
flag_int() { # FLAG VALUE
    if echo "$2" | grep -Eq '^[+-]?[0-9]+$'; then echo "$2"; return 0; fi
    echo "invalid value \"$2\" for flag -$1: parse error" >&2; usage; exit 2
}
ARGS=$*
while [ $# -gt 0 ]; do
    a=$1; shift
    case "$a" in --) break ;; --*) a=${a#--} ;; -*) a=${a#-} ;; *) break ;; esac
    name=${a%%=*}
    case "$a" in
        *=*) val=${a#*=}; has=1 ;;
        *) val=""; has=0 ;;
    esac
    case "$name" in
        one-time|add-user|version)
            if [ $has = 1 ]; then val=$(parse_bool "$val" invalid); else val=true; fi
            [ "$val" != invalid ] || { echo "invalid boolean value for flag -$name" >&2; usage; exit 2; } ;;
        repo|branch|rev|depth|root|dest|wait|timeout|max-sync-failures|change-permissions|git)
            if [ $has = 0 ]; then
                [ $# -gt 0 ] || { echo "flag needs an argument: -$name" >&2; usage; exit 2; }
                val=$1; shift
            fi ;;
        help|h) usage; exit 0 ;;
        *) echo "flag provided but not defined: -$name" >&2; usage; exit 2 ;;
    esac
    case "$name" in
        repo) REPO=$val ;; branch) BRANCH=$val ;; rev) REV=$val ;; root) ROOT=$val ;;
        dest) DEST=$val ;; git) GIT=$val ;; one-time) ONE_TIME=$val ;; add-user) ADD_USER=$val ;;
        depth) DEPTH=$(flag_int "$name" "$val") ;; timeout) TIMEOUT=$(flag_int "$name" "$val") ;;
        max-sync-failures) MAX_FAILURES=$(flag_int "$name" "$val") ;;
        change-permissions) CHMOD=$(flag_int "$name" "$val") ;;
        wait) echo "$val" | grep -Eq '^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$' \
                  || { echo "invalid value \"$val\" for flag -wait: parse error" >&2; usage; exit 2; }
              WAIT=$val ;;
        version) [ "$val" = true ] && { echo v3.1.6; exit 0; } ;;
    esac
done

if [ -z "$REPO" ]; then
    echo "ERROR: --repo must be provided" >&2
    usage
    exit 1
fi
if [ -z "$DEST" ]; then   # the last element of the repo, slashes trimmed
    DEST=$(printf '%s' "$REPO" | sed -e 's#^/*##' -e 's#/*$##')
    DEST=${DEST##*/}
fi
case "$DEST" in */*)
    echo "ERROR: --dest must be a bare name" >&2
    usage
    exit 1 ;;
esac
if ! command -v "$GIT" >/dev/null 2>&1; then
    echo "ERROR: git executable \"$GIT\" not found: exec: \"$GIT\": executable file not found in \$PATH" >&2
    exit 1
fi
if [ "$ADD_USER" = true ]; then
    home=${HOME:-$(pwd)}
    if ! echo "git-sync:x:$(id -u):$(id -g)::$home:/sbin/nologin" >>/etc/passwd; then
        echo "ERROR: can't write to /etc/passwd: open /etc/passwd: permission denied" >&2
        exit 1
    fi
fi
case "$ROOT" in /*) ;; *) ROOT=$(pwd)/$ROOT ;; esac

# ROOT is usually a volume whose directory belongs to root (an emptyDir, mode 0777) while
# the clone in it is ours; since 2.35.2 git refuses such a repository ("detected dubious
# ownership"), the git of v3.1.6's image did not check. So ROOT is declared safe, to every
# git command (GIT_CONFIG_*, no file written); other repositories are still checked.
# git compares the real path, so a ROOT reached through a symlink is declared both ways.
_n=${GIT_CONFIG_COUNT:-0}
for _p in "$ROOT" "$(readlink -f "$ROOT" 2>/dev/null || true)"; do
    [ -n "$_p" ] || continue
    export "GIT_CONFIG_KEY_$_n=safe.directory" "GIT_CONFIG_VALUE_$_n=$_p"
    _n=$((_n + 1))
done
export GIT_CONFIG_COUNT="$_n"

# v3.1.6 features this image leaves out (docs/images.md): SSH needs openssh-client, which is
# not in the image, so asking for it is an error; the others are only warned about
SSH=$(env_bool GIT_SYNC_SSH false)
if [ "$SSH" = true ]; then
    echo "ERROR: GIT_SYNC_SSH is not supported by this image (no ssh client; use git:// or https://)" >&2
    exit 1
fi
for v in GIT_SYNC_WEBHOOK_URL GIT_SYNC_HTTP_BIND GIT_ASKPASS_URL GIT_COOKIE_FILE; do
    eval "_v=\${$v:-}"
    [ -z "$_v" ] || echo "WARNING: $v is not supported by this image and is ignored" >&2
done

# WAIT seconds as v3.1.6 sleeps them: whole milliseconds
WAIT_MS=$(awk -v w="$WAIT" 'BEGIN { ms = int(w * 1000); if (ms < 0) ms = 0; print ms }')
WAIT_STR=$(awk -v ms="$WAIT_MS" 'BEGIN {
    if (ms == 0) print "0s"; else if (ms < 1000) print ms "ms"; else if (ms % 1000 == 0) print ms / 1000 "s";
    else printf "%gs\n", ms / 1000 }')
pause() { [ "$WAIT_MS" -gt 0 ] && sleep "$(awk -v ms="$WAIT_MS" 'BEGIN { printf "%.3f", ms / 1000 }')"; return 0; }

# ---------------------------------------------------------------- commands
# run CWD CMD ARG...: CMD's combined output in OUT; on failure ERR says why, as v3.1.6 does,
# and 1 is returned. Every command of a sync shares the sync's TIMEOUT (DEADLINE).
run() {
    _cwd=$1; shift
    _left=$((DEADLINE - $(date +%s)))
    [ "$_left" -gt 0 ] || _left=1
    if [ -n "$_cwd" ]; then
        OUT=$(cd "$_cwd" 2>&1 && timeout "$_left" "$@" 2>&1)
    else
        OUT=$(timeout "$_left" "$@" 2>&1)
    fi
    _rc=$?
    [ "$_rc" = 0 ] && return 0
    if [ "$(date +%s)" -ge "$DEADLINE" ]; then
        ERR="command timed out: exit status $_rc: \"$OUT\""
    else
        ERR="error running command: exit status $_rc: \"$OUT\""
    fi
    return 1
}

depth_args() { [ "$DEPTH" != 0 ] && echo "--depth $DEPTH"; return 0; }

clone_repo() {
    log_info "cloning repo" origin "$REPO" path "$ROOT"
    # shellcheck disable=SC2046
    if run "" "$GIT" clone --no-checkout -b "$BRANCH" $(depth_args) "$REPO" "$ROOT"; then return 0; fi
    case "$OUT" in
        *"already exists and is not an empty directory"*)
            # maybe a previous run crashed: git will not use the directory
            log_info "git root exists and is not empty (previous crash?), cleaning up" path "$ROOT"
            if ! rm -rf "$ROOT" 2>/dev/null && [ -n "$(ls -A "$ROOT" 2>/dev/null)" ]; then
                ERR="unlinkat $ROOT: could not remove it"; return 1
            fi
            # shellcheck disable=SC2046
            run "" "$GIT" clone --no-checkout -b "$BRANCH" $(depth_args) "$REPO" "$ROOT" ;;
        *) return 1 ;;
    esac
}

# add_worktree_and_swap HASH: the new checkout ROOT/rev-HASH, then the symlink swap
add_worktree_and_swap() {
    h=$1
    log_info "syncing git" rev "$REV" hash "$h"
    # shellcheck disable=SC2046
    run "$ROOT" "$GIT" fetch -f --tags $(depth_args) origin "$BRANCH" || return 1
    run "$ROOT" "$GIT" gc --prune=all || return 1
    wt=$ROOT/rev-$h
    run "$ROOT" "$GIT" worktree add "$wt" "origin/$BRANCH"; _ok=$?
    log_info "adding worktree" path "$wt" branch "origin/$BRANCH"
    [ "$_ok" = 0 ] || return 1
    # a relative gitdir, so that another container can mount the volume elsewhere
    printf 'gitdir: ../.git/worktrees/rev-%s\n' "$h" >"$wt/.git" || { ERR="open $wt/.git: cannot write"; return 1; }
    run "$wt" "$GIT" reset --hard "$h" || return 1
    log_info "reset worktree to hash" path "$wt" hash "$h"
    log_info "updating submodules"
    # shellcheck disable=SC2046
    run "$wt" "$GIT" submodule update --init --recursive $(depth_args) || return 1
    if [ "$CHMOD" != 0 ]; then
        # v3.1.6 reads the value as a decimal int and prints it with %#o
        mode=$(printf '%#o' "$CHMOD")
        log_info "changing file permissions" mode "$mode"
        run "" chmod -R "$mode" "$wt" || return 1
    fi
    # the swap: the old target first, then tmp-link renamed over DEST
    old=""
    if [ -e "$ROOT/$DEST" ] || [ -L "$ROOT/$DEST" ]; then
        old=$(readlink -f "$ROOT/$DEST") || { ERR="error accessing current worktree"; return 1; }
    fi
    run "$ROOT" ln -snf "rev-$h" tmp-link || { ERR="error creating symlink: $ERR"; return 1; }
    run "$ROOT" mv -T tmp-link "$DEST" || { ERR="error replacing symlink: $ERR"; return 1; }
    if [ -n "$old" ] && [ "$old" != "$wt" ]; then
        rm -rf "$old" || { ERR="error removing directory: $old"; return 1; }
        run "$ROOT" "$GIT" worktree prune || return 1
    fi
    return 0
}

# sync_repo: one sync; 1 with ERR set on failure
sync_repo() {
    target=$ROOT/$DEST
    if [ ! -e "$target/.git" ]; then
        # the first time: clone, and the hash REV names
        clone_repo || return 1
        run "$ROOT" "$GIT" rev-parse "$REV" || return 1
        h=$OUT
    else
        run "$target" "$GIT" rev-parse "$REV" || return 1
        local_h=$OUT
        if [ "$REV" = HEAD ]; then ref=refs/heads/$BRANCH; else ref=refs/tags/$REV; fi
        run "$target" "$GIT" ls-remote -q origin "$ref" || return 1
        remote_h=$(printf '%s' "$OUT" | cut -f1)
        [ "$local_h" = "$remote_h" ] && return 0   # no update required
        log_info "update required" rev "$REV" local "$local_h" remote "$remote_h"
        h=$remote_h
    fi
    add_worktree_and_swap "$h"
}

rev_is_hash() { # 0: REV is a commit hash (prefix); 1: it is not; 2: cannot tell (ERR)
    run "$ROOT" "$GIT" cat-file -t "$REV" || return 2
    [ "$OUT" = commit ] || return 1
    run "$ROOT" "$GIT" rev-parse "$REV" || return 2
    case "$OUT" in "$REV"*) return 0 ;; esac
    return 1
}

sleep_forever() { # until SIGINT (exit 0); SIGTERM kills, as no handler is installed upstream
    trap 'exit 0' INT
    while :; do sleep 3600 & wait $!; done
}

# ---------------------------------------------------------------- main loop
# username and password: git's credential store, as v3.1.6 sets it up
USERNAME=$(env_str GIT_SYNC_USERNAME "")
PASSWORD=$(env_str GIT_SYNC_PASSWORD "")
if [ -n "$USERNAME" ] && [ -n "$PASSWORD" ]; then
    DEADLINE=$(($(date +%s) + 30)) ERR=""
    if ! run "" "$GIT" config --global credential.helper store ||
       ! OUT=$(printf 'url=%s\nusername=%s\npassword=%s\n' "$REPO" "$USERNAME" "$PASSWORD" |
               "$GIT" credential approve 2>&1); then
        echo "ERROR: can't create .netrc file: error setting up git credentials: $ERR$OUT" >&2
        exit 1
    fi
fi

args_list=$(printf '%s' "$0 $ARGS" | awk '{ for (i = 1; i <= NF; i++) printf "%s\"%s\"", (i > 1 ? "," : ""), $i }')
printf 'I%s %7d git-sync.sh] "msg"="starting up" "args"=[%s]\n' "$(stamp)" "$$" "$args_list" >&2

initial=1
fails=0
while :; do
    DEADLINE=$(($(date +%s) + TIMEOUT))
    ERR=""
    if ! sync_repo; then
        if [ "$MAX_FAILURES" != -1 ] && [ "$fails" -ge "$MAX_FAILURES" ]; then
            # maybe the error is not recoverable
            log_error "$ERR" "failed to sync repo, aborting"
            exit 1
        fi
        fails=$((fails + 1))
        log_error "$ERR" "unexpected error syncing repo, will retry"
        log_info "waiting before retrying" waitTime "$WAIT_STR"
        pause
        continue
    fi
    if [ "$initial" = 1 ]; then
        [ "$ONE_TIME" = true ] && exit 0
        rev_is_hash; rc=$?
        if [ "$rc" = 2 ]; then
            log_error "$ERR" "can't tell if rev is a git hash, exiting" rev "$REV"
            exit 1
        elif [ "$rc" = 0 ]; then
            log_info "rev appears to be a git hash, no further sync needed" rev "$REV"
            sleep_forever
        fi
        initial=0
    fi
    fails=0
    pause
done
