#!/bin/bash
# tests/images/run.sh - checks the images of rootfs/mkimages.sh and rootfs/import-image.py.
#
#   tests/images/run.sh          (as root; `make images-test`)
#
# Builds the host image store into build/test/images with `rootfs/mkimages.sh host` (unless
# it is newer than everything it is made from), then runs the images WITHOUT podinit: each
# suite runs in namespaces of its own (unshare --fork --pid --mount --net --mount-proc, only
# lo up, so no traffic leaves the machine), each container in a copy of its image's rootfs
# with chroot, a /dev tmpfs and /proc, containerd's default capability bounding set and
# no_new_privs (setpriv), as the image's user. git-sync's repository is served by a
# `git daemon` on 127.0.0.1 inside the suite's own network namespace.
#
# Prints one line per check: `ok - NAME`, `not ok - NAME` (followed by `#` lines of detail),
# or `SKIP: NAME: reason`; ends with exactly `N passed, N failed, N skipped`.
# When `make BOARD=qemu-virt-arm64 images` / `BOARD=qemu-virt-armv7` were built, their
# programs are also run under qemu-user (else those checks are skipped).
# Logs: build/test/images-run/*.log. IMAGES_STORE=DIR tests another host store instead.
set -eu
set -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
SELF=$HERE/run.sh
STORE=${IMAGES_STORE:-$TOP/build/test/images}
RUN=$TOP/build/test/images-run
RESULTS=$RUN/results
export LC_ALL=C
BUSYBOX=docker.io/library/busybox/latest
NGINX=docker.io/library/nginx/latest
GITSYNC=k8s.gcr.io/git-sync/v3.1.6
# containerd's default capabilities (what podinit grants too: docs/runtime.md)
CAPS=chown,dac_override,fsetid,fowner,mknod,net_raw,setgid,setuid,setfcap,setpcap,net_bind_service,sys_chroot,kill,audit_write

# ---------------------------------------------------------------- reporting
report() { # ok|fail|skip NAME [DETAIL]
    case "$1" in
        ok) echo "ok - $2" ;;
        fail) echo "not ok - $2"; [ -z "${3:-}" ] || printf '%s\n' "$3" | sed 's/^/#   /' ;;
        skip) echo "SKIP: $2: ${3:-}" ;;
    esac | tee -a "$RESULTS"
}
LOG=/dev/null
# ck NAME CMD...: ok when CMD succeeds; on failure the end of its log is the detail
ck() {
    local name=$1 out
    shift
    LOG=$RUN/$name.log
    : >"$LOG"
    if "$@" >>"$LOG" 2>&1; then
        report ok "$name"
    else
        out=$(tail -n 12 "$LOG")
        report fail "$name" "$out"
    fi
}
say() { echo "$*" >&2; }   # into the check's log (ck sends stderr there)

# ---------------------------------------------------------------- containers (inside the suite's namespaces)
# cfg IMAGE EXPR: a Python expression over the config's "config" object `c`, printed
# (lists: one element per line, NUL-separated with cfg0)
cfg() {
    python3 - "$STORE/$1/config.json" "$2" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1])).get("config", {})
v = eval(sys.argv[2])
print("\n".join(v) if isinstance(v, list) else v)
EOF
}
cfg0() {
    python3 - "$STORE/$1/config.json" "$2" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1])).get("config", {})
sys.stdout.write("".join(x + "\0" for x in eval(sys.argv[2])))
EOF
}

# mkroot IMAGE NAME: a fresh copy of IMAGE's rootfs in RUN/roots/NAME with /proc and a /dev
# (null zero random urandom tty, fd stdin stdout stderr links); prints its path
mkroot() {
    local r=$RUN/roots/$2 d
    if mountpoint -q "$r/proc" 2>/dev/null; then umount -l "$r/proc"; fi
    if mountpoint -q "$r/dev" 2>/dev/null; then umount -l "$r/dev"; fi
    rm -rf "$r"
    mkdir -p "$RUN/roots"
    cp -a "$STORE/$1/rootfs" "$r"
    mount -t proc proc "$r/proc"
    mount -t tmpfs -o mode=0755,size=1m tmpfs "$r/dev"
    for d in null:1:3 zero:1:5 random:1:8 urandom:1:9 tty:5:0; do
        IFS=: read -r n ma mi <<<"$d"
        mknod -m 0666 "$r/dev/$n" c "$ma" "$mi"
    done
    ln -s /proc/self/fd "$r/dev/fd"
    ln -s /proc/self/fd/0 "$r/dev/stdin"
    ln -s /proc/self/fd/1 "$r/dev/stdout"
    ln -s /proc/self/fd/2 "$r/dev/stderr"
    echo "$r"
}

# ctr_cmd IMAGE ROOT USER [NAME=VALUE]... -- CMD...: into the array CTR, the command that runs
# CMD in ROOT as USER (uid:gid) with the image's Env, then the NAME=VALUEs, and nothing else
# of the caller's environment. Run "${CTR[@]}" directly (also with &: then $! is the
# container's process, as every step execs the next). ctr ...: the same, run at once.
ctr_cmd() {
    local image=$1 root=$2 user=$3 envs=()
    shift 3
    mapfile -t envs < <(cfg "$image" 'c.get("Env") or []')
    while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    CTR=(env -i "${envs[@]}" setpriv --bounding-set "-all,+${CAPS//,/,+}" --no-new-privs
         chroot --userspec="$user" --groups="${user#*:}" "$root" "$@")
}
ctr() { ctr_cmd "$@"; "${CTR[@]}"; }

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds (1 on timeout)
wait_for() {
    local t=$1 i=0
    shift
    while ! "$@" >/dev/null 2>&1; do
        i=$((i + 1))
        [ "$i" -lt $((t * 10)) ] || return 1
        sleep 0.1
    done
}
alive() { kill -0 "$1" 2>/dev/null && [ "$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null)" != Z ]; }
# stop PID: SIGKILL and reap (a container left behind)
stop() { kill -KILL "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# ---------------------------------------------------------------- busybox
busybox_echo() {
    local r out
    r=$(mkroot "$BUSYBOX" bb)
    out=$(ctr "$BUSYBOX" "$r" 0:0 -- sh -c 'echo ok')
    say "output: $out"
    [ "$out" = ok ]
}
busybox_layout() {
    local r=$STORE/$BUSYBOX/rootfs
    [ "$(readlink "$r/bin/sh")" = busybox ] || { say "bin/sh is not a link to busybox"; return 1; }
    [ -L "$r/bin/ls" ] && [ -L "$r/usr/bin/wget" ] || { say "applet links missing"; return 1; }
    grep -q '^root:x:0:0:' "$r/etc/passwd" && grep -q '^nobody:x:65534:65534:' "$r/etc/passwd" \
        || { say "passwd: $(cat "$r/etc/passwd")"; return 1; }
    grep -q '^root:x:0:' "$r/etc/group" && grep -q '^nobody:x:65534:' "$r/etc/group" \
        || { say "group: $(cat "$r/etc/group")"; return 1; }
    [ "$(stat -c %a "$r/tmp")" = 1777 ] || { say "/tmp is $(stat -c %a "$r/tmp")"; return 1; }
}
suite_busybox() {
    ck busybox-runs-sh-echo-ok busybox_echo
    ck busybox-applets-passwd-group-tmp busybox_layout
}

# ---------------------------------------------------------------- nginx
NG_ROOT="" NG_PID=""
nginx_start() { # the image's Entrypoint + Cmd as root with the default capabilities
    local argv=()
    NG_ROOT=$(mkroot "$NGINX" nginx)
    mapfile -d '' argv < <(cfg0 "$NGINX" '(c.get("Entrypoint") or []) + (c.get("Cmd") or [])')
    say "starting: ${argv[*]}"
    # a file for stdout and stderr: nginx reopens /dev/stdout and /dev/stderr by path
    ctr_cmd "$NGINX" "$NG_ROOT" 0:0 -- "${argv[@]}"
    "${CTR[@]}" >"$RUN/nginx.out" 2>"$RUN/nginx.err" &
    NG_PID=$!
    wait_for 10 ctr "$NGINX" "$NG_ROOT" 0:0 -- wget -q -O /dev/null http://127.0.0.1/ \
        || { say "nginx did not answer on 127.0.0.1:80"; cat "$RUN/nginx.err" >&2; return 1; }
}
nginx_page() {
    local page
    page=$(ctr "$NGINX" "$NG_ROOT" 0:0 -- wget -q -O - http://127.0.0.1/) || return 1
    say "$page"
    grep -q '<h1>Welcome to nginx!</h1>' <<<"$page"
}
nginx_access_log() {
    [ "$(readlink "$NG_ROOT/var/log/nginx/access.log")" = /dev/stdout ] || { say "access.log is no link to /dev/stdout"; return 1; }
    [ "$(readlink "$NG_ROOT/var/log/nginx/error.log")" = /dev/stderr ] || { say "error.log is no link to /dev/stderr"; return 1; }
    wait_for 3 grep -q '"GET / HTTP/1.1" 200 ' "$RUN/nginx.out" || { say "stdout: $(cat "$RUN/nginx.out")"; return 1; }
    grep -q 'start worker process' "$RUN/nginx.err" || { say "stderr: $(cat "$RUN/nginx.err")"; return 1; }
}
nginx_users() {
    local master=$NG_PID kids k n=0
    [ "$(awk '/^Uid:/ { print $2 }' "/proc/$master/status")" = 0 ] || { say "master is not root"; return 1; }
    kids=$(pgrep -P "$master")
    for k in $kids; do
        say "worker $k: $(grep -E '^(Name|Uid|Gid):' "/proc/$k/status" | tr '\n\t' '  ')"
        [ "$(awk '/^Uid:/ { print $2 }' "/proc/$k/status")" = 101 ] || return 1
        [ "$(awk '/^Gid:/ { print $2 }' "/proc/$k/status")" = 101 ] || return 1
        n=$((n + 1))
    done
    [ "$n" -ge 1 ]
}
nginx_sigquit() {
    local sig rc
    sig=$(cfg "$NGINX" 'c.get("StopSignal")')
    [ "$sig" = SIGQUIT ] || { say "StopSignal is $sig"; return 1; }
    kill -QUIT "$NG_PID"
    wait_for 10 eval '! alive $NG_PID' || { say "still running 10 s after SIGQUIT"; stop "$NG_PID"; return 1; }
    rc=0; wait "$NG_PID" || rc=$?
    say "exit status $rc"; tail -n 5 "$RUN/nginx.err" >&2
    [ "$rc" = 0 ] && grep -q 'gracefully shutting down' "$RUN/nginx.err" && grep -q '\] [0-9]*#[0-9]*: exit$' "$RUN/nginx.err"
}
suite_nginx() {
    LOG=$RUN/nginx-start.log
    if ! nginx_start >"$LOG" 2>&1; then
        report fail nginx-starts-as-root-with-default-caps "$(tail -n 12 "$LOG")"
        [ -z "$NG_PID" ] || stop "$NG_PID"
        return 0
    fi
    report ok nginx-starts-as-root-with-default-caps
    ck nginx-serves-welcome-page-on-127.0.0.1-80 nginx_page
    ck nginx-logs-request-to-stdout nginx_access_log
    ck nginx-master-root-workers-uid-101 nginx_users
    ck nginx-exits-gracefully-on-sigquit nginx_sigquit
}

# ---------------------------------------------------------------- git-sync
SRV=$RUN/git-srv
W=$SRV/site
gcommit() { # FILE CONTENT MESSAGE: a commit in the served repository
    printf '%s\n' "$2" >"$W/$1"
    git -C "$W" add -A && git -C "$W" commit -q -m "$3"
}
head_of() { git -C "$W" rev-parse "${1:-HEAD}"; }
gs_repo() { # the served repository: master (3 commits, tag v1 on the first), dev (1 more)
    rm -rf "$SRV"
    mkdir -p "$W"
    git -C "$W" init -q -b master
    git -C "$W" config user.email test@example.invalid
    git -C "$W" config user.name test
    printf 'This is the README\n' >"$W/README.md"
    gcommit index.html "This is version 1.0" v1
    git -C "$W" tag v1
    gcommit index.html "This is version 2.0" v2
    gcommit index.html "This is version 3.0" v3
    git -C "$W" checkout -q -b dev
    gcommit index.html "This is dev" dev
    git -C "$W" checkout -q master
}
DAEMON_PID=""
gs_daemon() { # git daemon on 127.0.0.1:9418 inside this suite's network namespace
    git daemon --reuseaddr --export-all --base-path="$SRV" --listen=127.0.0.1 --port=9418 \
        >>"$RUN/git-daemon.log" 2>&1 &
    DAEMON_PID=$!
    wait_for 10 git ls-remote git://127.0.0.1/site
}
REPO=git://127.0.0.1/site
GS_ROOT="" GS_PID="" GS_LOG=""
# gs_start NAME [NAME=VALUE]...: git-sync (its Entrypoint, as its User) in a fresh root
gs_start() {
    local name=$1
    shift
    gs_start_in "$(mkroot "$GITSYNC" "$name")" "$name" "$@"
}
gs_start_in() { # ROOT NAME [NAME=VALUE]...: the same in a root made already
    local name=$2 argv=() user
    GS_ROOT=$1
    shift 2
    GS_LOG=$RUN/$name.git-sync.log
    mapfile -d '' argv < <(cfg0 "$GITSYNC" '(c.get("Entrypoint") or []) + (c.get("Cmd") or [])')
    user=$(cfg "$GITSYNC" 'c.get("User")')
    ctr_cmd "$GITSYNC" "$GS_ROOT" "$user:$user" "$@" -- "${argv[@]}"
    "${CTR[@]}" >"$GS_LOG" 2>&1 &
    GS_PID=$!
}
# gs_exit SECONDS: into RC, git-sync's exit status once it exits (124: still running then)
gs_exit() {
    if ! wait_for "$1" eval '! alive $GS_PID'; then stop "$GS_PID"; RC=124; return; fi
    RC=0
    wait "$GS_PID" || RC=$?
}
link_is() { [ "$(readlink "$GS_ROOT/tmp/git/$1" 2>/dev/null)" = "rev-$2" ]; }
gitq() { git -c safe.directory='*' "$@"; }   # the clone belongs to uid 65533

gs_initial() { # default ROOT ($HOME/git = /tmp/git) and DEST (the repo's last element)
    local h g=$GS_ROOT/tmp/git
    h=$(head_of master)
    wait_for 10 link_is site "$h" || { say "no link site -> rev-$h"; ls -la "$g" >&2; cat "$GS_LOG" >&2; return 1; }
    say "site -> $(readlink "$g/site")"
    [[ "$(readlink "$g/site")" =~ ^rev-[0-9a-f]{40}$ ]] || return 1
    [ -d "$g/rev-$h" ] && [ "$(cat "$g/site/index.html")" = "This is version 3.0" ] || return 1
    [ -f "$g/site/README.md" ] || return 1
    [ "$(cat "$g/rev-$h/.git")" = "gitdir: ../.git/worktrees/rev-$h" ] || { say ".git: $(cat "$g/rev-$h/.git")"; return 1; }
    [ "$(stat -c %u "$g/rev-$h/index.html")" = 65533 ] || { say "owner $(stat -c %u "$g/rev-$h/index.html")"; return 1; }
    [ -d "$g/.git" ] || { say "the clone is not ROOT/.git"; return 1; }
}
GS_T=""
gs_update() { # WAIT=1: a new commit shows within WAIT (+ the time of one sync)
    local h t0 t1
    gcommit index.html "This is version 4.0" v4
    h=$(head_of master)
    t0=$(date +%s%N)
    wait_for 10 link_is site "$h" || { say "not picked up in 10 s"; cat "$GS_LOG" >&2; return 1; }
    t1=$(date +%s%N)
    GS_T=$(( (t1 - t0) / 1000000 ))
    say "picked up after $GS_T ms"
    [ "$(cat "$GS_ROOT/tmp/git/site/index.html")" = "This is version 4.0" ] && [ "$GS_T" -le 4000 ]
}
gs_emptydir_root() { # ROOT a root-owned 0777 directory, as an emptyDir volume is
    local rc
    GS_ROOT=$(mkroot "$GITSYNC" gs-emptydir)
    mkdir -m 0777 "$GS_ROOT/tmp/git"
    gs_start_in "$GS_ROOT" gs-emptydir GIT_SYNC_REPO=$REPO GIT_SYNC_ONE_TIME=true GIT_SYNC_DEST=html
    gs_exit 20; rc=$RC
    say "exit $rc"; cat "$GS_LOG" >&2
    [ "$rc" = 0 ] && link_is html "$(head_of master)" && [ "$(stat -c %u "$GS_ROOT/tmp/git")" = 0 ]
}
gs_old_removed() {
    local g=$GS_ROOT/tmp/git n
    sleep 0.5
    n=$(find "$g" -maxdepth 1 -name 'rev-*' | wc -l)
    say "checkouts: $(cd "$g" && echo rev-*); .git/worktrees: $(ls "$g/.git/worktrees")"
    [ "$n" = 1 ] && [ "$(ls "$g/.git/worktrees" | wc -l)" = 1 ] && [ -d "$g/rev-$(head_of master)" ] \
        && ! [ -e "$g/tmp-link" ]
}
gs_quiet() { # polls that find nothing new change nothing
    local before after
    before=$(grep -c '"update required"' "$GS_LOG" || true)
    sleep 2.5
    after=$(grep -c '"update required"' "$GS_LOG" || true)
    say "update required: $before then $after"; alive "$GS_PID" && [ "$before" = "$after" ]
}
gs_depth() {
    local rc g
    gs_start gs-depth GIT_SYNC_REPO=$REPO GIT_SYNC_DEPTH=1 GIT_SYNC_ONE_TIME=true GIT_SYNC_DEST=html
    gs_exit 20; rc=$RC; g=$GS_ROOT/tmp/git
    say "exit $rc"; cat "$GS_LOG" >&2
    [ "$rc" = 0 ] && [ -f "$g/.git/shallow" ] || return 1
    say "commits in the clone: $(gitq -C "$g" rev-list --count HEAD), in the repository: $(git -C "$W" rev-list --count master)"
    [ "$(gitq -C "$g" rev-list --count HEAD)" = 1 ] && link_is html "$(head_of master)"
}
gs_branch() {
    local rc
    gs_start gs-branch GIT_SYNC_REPO=$REPO GIT_SYNC_BRANCH=dev GIT_SYNC_ONE_TIME=1 GIT_SYNC_DEST=html
    gs_exit 20; rc=$RC
    say "exit $rc"; cat "$GS_LOG" >&2
    [ "$rc" = 0 ] && link_is html "$(head_of dev)" && [ "$(cat "$GS_ROOT/tmp/git/html/index.html")" = "This is dev" ]
}
gs_rev_hash() { # a hash: checked out, then no further sync (it keeps running)
    local h
    h=$(head_of v1)
    gs_start gs-rev GIT_SYNC_REPO=$REPO GIT_SYNC_REV="$h" GIT_SYNC_WAIT=0.2 GIT_SYNC_DEST=html
    wait_for 10 link_is html "$h" || { cat "$GS_LOG" >&2; stop "$GS_PID"; return 1; }
    gcommit other.txt "more" "after the pin"
    sleep 1.5
    cat "$GS_LOG" >&2
    alive "$GS_PID" || { say "exited"; return 1; }
    stop "$GS_PID"
    link_is html "$h" && [ "$(cat "$GS_ROOT/tmp/git/html/index.html")" = "This is version 1.0" ] \
        && grep -q '"msg"="rev appears to be a git hash, no further sync needed"' "$GS_LOG"
}
gs_rev_tag() {
    local rc
    gs_start gs-tag GIT_SYNC_REPO=$REPO GIT_SYNC_REV=v1 GIT_SYNC_ONE_TIME=true GIT_SYNC_DEST=html
    gs_exit 20; rc=$RC
    say "exit $rc"; cat "$GS_LOG" >&2
    [ "$rc" = 0 ] && link_is html "$(head_of v1)" && [ "$(cat "$GS_ROOT/tmp/git/html/index.html")" = "This is version 1.0" ]
}
gs_one_time() {
    local rc
    gs_start gs-one GIT_SYNC_REPO=$REPO GIT_SYNC_ONE_TIME=true GIT_SYNC_WAIT=30
    gs_exit 10; rc=$RC
    say "exit $rc"; cat "$GS_LOG" >&2
    [ "$rc" = 0 ] && link_is site "$(head_of master)"
}
gs_restart() { # a restarted git-sync finds ROOT/DEST/.git and only polls (after gs_one_time)
    local h
    h=$(head_of master)
    gs_start_in "$GS_ROOT" gs-restart GIT_SYNC_REPO=$REPO GIT_SYNC_WAIT=0.2
    sleep 1.5
    gcommit index.html "This is version 5.0" v5
    wait_for 10 link_is site "$(head_of master)" || { cat "$GS_LOG" >&2; stop "$GS_PID"; return 1; }
    stop "$GS_PID"
    cat "$GS_LOG" >&2
    ! grep -q '"msg"="cloning repo"' "$GS_LOG" && grep -q "\"local\"=\"$h\"" "$GS_LOG" \
        && [ "$(cat "$GS_ROOT/tmp/git/site/index.html")" = "This is version 5.0" ]
}
gs_unreachable() { # MAX_SYNC_FAILURES=0: the first failure ends it, exit 1
    local rc
    gs_start gs-unreach GIT_SYNC_REPO=git://127.0.0.1:9/nothing GIT_SYNC_WAIT=0.1
    gs_exit 20; rc=$RC
    say "exit $rc"; cat "$GS_LOG" >&2
    [ "$rc" = 1 ] && grep -q '^E.*"msg"="failed to sync repo, aborting" "error"="error running command: exit status 128: ' "$GS_LOG" \
        && ! grep -q 'will retry' "$GS_LOG"
}
gs_max_failures() { # MAX_SYNC_FAILURES=2: two retries, then the third failure ends it
    local rc n
    gs_start gs-maxfail GIT_SYNC_REPO=git://127.0.0.1:9/nothing GIT_SYNC_WAIT=0.1 GIT_SYNC_MAX_SYNC_FAILURES=2
    gs_exit 20; rc=$RC
    n=$(grep -c '"msg"="unexpected error syncing repo, will retry"' "$GS_LOG" || true)
    say "exit $rc, $n retries"; cat "$GS_LOG" >&2
    [ "$rc" = 1 ] && [ "$n" = 2 ] && [ "$(grep -c '"msg"="failed to sync repo, aborting"' "$GS_LOG")" = 1 ]
}
gs_retry_forever() { # -1: retries until the repository comes (its daemon is started late)
    local n
    kill "$DAEMON_PID" 2>/dev/null; wait "$DAEMON_PID" 2>/dev/null || true
    gs_start gs-forever GIT_SYNC_REPO=$REPO GIT_SYNC_WAIT=0.2 GIT_SYNC_MAX_SYNC_FAILURES=-1
    sleep 1.5
    n=$(grep -c 'will retry' "$GS_LOG" || true)
    say "$n retries while the daemon is down"
    gs_daemon || return 1
    wait_for 10 link_is site "$(head_of master)" || { cat "$GS_LOG" >&2; stop "$GS_PID"; return 1; }
    stop "$GS_PID"
    [ "$n" -ge 2 ]
}
gs_no_repo() {
    local rc
    gs_start gs-norepo
    gs_exit 10; rc=$RC
    say "exit $rc"; cat "$GS_LOG" >&2
    [ "$rc" = 1 ] && grep -qx 'ERROR: --repo must be provided' "$GS_LOG"
}
gs_pid1() { # v3.1.6 as PID 1 re-runs itself as a child, and exits 0 whatever the child did
    local argv=() user rc=0 r out
    r=$(mkroot "$GITSYNC" gs-pid1)
    mapfile -d '' argv < <(cfg0 "$GITSYNC" '(c.get("Entrypoint") or []) + (c.get("Cmd") or [])')
    user=$(cfg "$GITSYNC" 'c.get("User")')
    ctr_cmd "$GITSYNC" "$r" "$user:$user" GIT_SYNC_REPO=git://127.0.0.1:9/x -- "${argv[@]}"
    out=$(unshare --pid --fork "${CTR[@]}" 2>&1) || rc=$?
    say "exit $rc"; say "$out"
    [ "$rc" = 0 ] && grep -qx 'INFO: detected pid 1, running init handler' <<<"$out" \
        && grep -q '"msg"="failed to sync repo, aborting"' <<<"$out"
}
gs_permissions() { # an int read as decimal, applied with %#o: 511 is 0777
    local rc
    gs_start gs-perm GIT_SYNC_REPO=$REPO GIT_SYNC_ONE_TIME=true GIT_SYNC_PERMISSIONS=511
    gs_exit 20; rc=$RC
    say "exit $rc, mode $(stat -c %a "$GS_ROOT/tmp/git/site/index.html")"; cat "$GS_LOG" >&2
    [ "$rc" = 0 ] && [ "$(stat -c %a "$GS_ROOT/tmp/git/site/index.html")" = 777 ]
}
gs_credentials() { # USERNAME + PASSWORD: git's credential store in $HOME (/tmp)
    local rc
    gs_start gs-cred GIT_SYNC_REPO=$REPO GIT_SYNC_ONE_TIME=true GIT_SYNC_USERNAME=user GIT_SYNC_PASSWORD=secret
    gs_exit 20; rc=$RC
    say "exit $rc"; cat "$GS_LOG" >&2; cat "$GS_ROOT/tmp/.git-credentials" >&2
    [ "$rc" = 0 ] && grep -q '^git://user:secret@127.0.0.1' "$GS_ROOT/tmp/.git-credentials" \
        && grep -q 'helper = store' "$GS_ROOT/tmp/.gitconfig"
}
suite_gitsync() {
    LOG=$RUN/git-sync-setup.log
    if ! { gs_repo && gs_daemon; } >"$LOG" 2>&1; then
        report fail git-sync-test-repository-served "$(tail -n 12 "$LOG")"
        return 0
    fi
    gs_start gs-main GIT_SYNC_REPO=$REPO GIT_SYNC_WAIT=1
    ck git-sync-initial-sync-rev-hash-relative-link gs_initial
    ck git-sync-no-update-while-unchanged gs_quiet
    if ck git-sync-new-commit-picked-up-within-wait gs_update && [ -n "$GS_T" ]; then
        echo "#   (WAIT=1: picked up after $GS_T ms)" | tee -a "$RESULTS"
    fi
    ck git-sync-old-worktree-removed gs_old_removed
    stop "$GS_PID"
    ck git-sync-root-owned-by-root-like-emptydir gs_emptydir_root
    ck git-sync-depth-1-shallow gs_depth
    ck git-sync-branch-selects-branch gs_branch
    ck git-sync-rev-pins-hash gs_rev_hash
    ck git-sync-rev-tag gs_rev_tag
    ck git-sync-one-time-exits-0 gs_one_time
    ck git-sync-restart-only-polls gs_restart
    ck git-sync-unreachable-exits-1 gs_unreachable
    ck git-sync-max-sync-failures-counts gs_max_failures
    ck git-sync-max-sync-failures-minus-1-retries gs_retry_forever
    ck git-sync-no-repo-exits-1 gs_no_repo
    ck git-sync-as-pid-1-exits-0 gs_pid1
    ck git-sync-permissions gs_permissions
    ck git-sync-username-password-credential-store gs_credentials
    [ -z "$DAEMON_PID" ] || { kill "$DAEMON_PID" 2>/dev/null; wait "$DAEMON_PID" 2>/dev/null || true; }
}

# ---------------------------------------------------------------- image configs (no container)
config_check() { # IMAGE PYTHON-ASSERTIONS over cfg (the whole config) and c (its "config")
    python3 - "$STORE/$1/config.json" "$2" "$(dpkg --print-architecture)" <<'EOF'
import json, sys
cfg = json.load(open(sys.argv[1])); c = cfg["config"]; arch = sys.argv[3]
print(json.dumps(cfg, indent=1))
assert cfg["architecture"] == arch and cfg["os"] == "linux", "architecture/os"
exec(sys.argv[2])
EOF
}
nginx_user() {
    grep -q '^nginx:x:101:101:' "$STORE/$NGINX/rootfs/etc/passwd" && grep -q '^nginx:x:101:' "$STORE/$NGINX/rootfs/etc/group"
}
suite_configs() {
    ck busybox-config-json config_check "$BUSYBOX" 'assert c["Cmd"] == ["sh"]'
    ck nginx-config-json config_check "$NGINX" '
assert c["Entrypoint"] == ["/docker-entrypoint.sh"], "Entrypoint"
assert c["Cmd"] == ["nginx", "-g", "daemon off;"], "Cmd"
assert c["StopSignal"] == "SIGQUIT", "StopSignal"
assert "80/tcp" in c["ExposedPorts"], "ExposedPorts"
assert any(e.startswith("PATH=") for e in c["Env"]), "PATH"'
    ck git-sync-config-json config_check "$GITSYNC" '
assert c["Entrypoint"] == ["/git-sync"] and not c.get("Cmd"), "Entrypoint/Cmd"
assert c["User"] == "65533", "User"
assert "HOME=/tmp" in c["Env"] and any(e.startswith("PATH=") for e in c["Env"]), "Env"
assert c["WorkingDir"] == "/tmp", "WorkingDir"
pw = open(sys.argv[1].rsplit("/", 1)[0] + "/rootfs/etc/passwd").read()
assert "git-sync:x:65533:65533::/tmp:/sbin/nologin\n" in pw, "passwd"'
    ck nginx-user-101-in-passwd-group nginx_user
}

# ---------------------------------------------------------------- import-image.py
import_check() { # SRC-NAME: import the fixture and compare the root with what the layers make
    local f=$RUN/fixtures st=$RUN/store-$1 r
    rm -rf "$st"
    python3 "$TOP/rootfs/import-image.py" "$f/$1" "$st" test/app:1.0 || return 1
    r=$st/docker.io/test/app/1.0/rootfs
    (cd "$r" && find . | sort) >&2
    cmp "$f/config.json" "$st/docker.io/test/app/1.0/config.json" || { say "config.json differs"; return 1; }
    [ "$(cat "$r/etc/hostname")" = two ] || { say "etc/hostname not overwritten"; return 1; }
    [ ! -e "$r/a/f1" ] && [ -f "$r/a/f2" ] || { say ".wh.f1 not honoured"; return 1; }
    [ "$(stat -c %i "$r/a/f2")" = "$(stat -c %i "$r/a/f2hard")" ] || { say "hard link lost"; return 1; }
    [ ! -e "$r/b/x" ] && [ ! -e "$r/b/sub" ] && [ "$(cat "$r/b/y")" = y ] || { say "opaque b/ wrong"; return 1; }
    [ "$(ls "$r/d")" = again ] || { say "d/ after its whiteout: $(ls "$r/d")"; return 1; }
    [ "$(cat "$r/c/new")" = new ] && [ "$(readlink "$r/lnk")" = a/f2 ] || return 1
    [ "$(stat -c %a "$r/bin/tool")" = 755 ] || { say "bin/tool mode $(stat -c %a "$r/bin/tool")"; return 1; }
    [ -z "$(find "$r" -name '.wh.*')" ] || { say "whiteout files left"; return 1; }
}
import_evil() {
    local st=$RUN/store-evil
    rm -rf "$st" "$RUN/escaped"
    if python3 "$TOP/rootfs/import-image.py" "$RUN/fixtures/evil" "$st/sub" evil:1; then return 1; fi
    [ ! -e "$st/escaped" ] && [ ! -e "$st/sub/docker.io/library/evil/1" ] \
        && [ -z "$(find "$st" -name '*.importing')" ]
}
import_corrupt() {
    local st=$RUN/store-corrupt out
    rm -rf "$st"
    if out=$(python3 "$TOP/rootfs/import-image.py" "$RUN/fixtures/corrupt" "$st" test/app:1.0 2>&1); then return 1; fi
    say "$out"
    grep -q 'does not match its digest' <<<"$out" && [ ! -e "$st/docker.io/test/app/1.0" ]
}
suite_import() {
    if ! python3 "$HERE/mkoci.py" "$RUN/fixtures" >"$RUN/fixtures.log" 2>&1; then
        report fail import-fixtures "$(tail -n 12 "$RUN/fixtures.log")"
        return 0
    fi
    ck import-oci-layout-dir-whiteouts import_check oci
    ck import-oci-layout-tar-whiteouts import_check oci.tar
    ck import-docker-save-tar-whiteouts import_check docker.tar
    ck import-refuses-path-outside-root import_evil
    ck import-refuses-blob-not-matching-digest import_corrupt
}

# ---------------------------------------------------------------- boards' stores (optional)
# foreign_check BOARD ARCH QEMU: the programs of `make BOARD=<board> images` load their
# libraries and run under qemu-user (-L: the image is the library root)
foreign_check() {
    local b=$1 q=$3 st=$TOP/build/$1/images x=$RUN/foreign-$1 out
    rm -rf "$x"
    mkdir -p "$x"
    unsquashfs -q -d "$x/bb" "$st/$BUSYBOX/rootfs.squashfs" >/dev/null
    unsquashfs -q -d "$x/ng" "$st/$NGINX/rootfs.squashfs" >/dev/null
    unsquashfs -q -d "$x/gs" "$st/$GITSYNC/rootfs.squashfs" >/dev/null
    out=$("$q" -L "$x/bb" "$x/bb/bin/busybox" sh -c 'echo ok') && say "busybox: $out" && [ "$out" = ok ] || return 1
    out=$("$q" -L "$x/ng" "$x/ng/usr/sbin/nginx" -v 2>&1) && say "nginx: $out" || return 1
    out=$("$q" -L "$x/gs" "$x/gs/usr/bin/git" --version) && say "git: $out" || return 1
    out=$("$q" -L "$x/gs" "$x/gs/usr/lib/git-core/git-remote-https" 2>&1 || true)   # usage, exit 1
    say "git-remote-https: $out"; grep -q 'usage: git remote-curl' <<<"$out" || return 1
    python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); assert c["architecture"] == sys.argv[2], c["architecture"]' \
        "$st/$NGINX/config.json" "$2"
}
suite_foreign() {
    local b arch oci q
    for b in qemu-virt-arm64:aarch64:arm64:qemu-aarch64-static qemu-virt-armv7:armhf:arm:qemu-arm-static; do
        IFS=: read -r b arch oci q <<<"$b"
        if [ ! -f "$TOP/build/$b/images/$GITSYNC/rootfs.squashfs" ]; then
            report skip "$arch-images-run-under-qemu" "build/$b/images not built (make BOARD=$b images)"
        elif ! command -v "$q" >/dev/null || ! command -v unsquashfs >/dev/null; then
            report skip "$arch-images-run-under-qemu" "no $q or unsquashfs on this machine"
        else
            ck "$arch-images-run-under-qemu" foreign_check "$b" "$oci" "$q"
        fi
    done
}

# ---------------------------------------------------------------- main
if [ "${1:-}" = --ns ]; then   # inside the suite's namespaces
    ip link set lo up
    "$2"
    exit 0
fi

[ "$(id -u)" = 0 ] || { echo "tests/images/run.sh: run as root (namespaces, chroot, mknod)" >&2; exit 2; }
# what the checks run on the host (a fresh Debian may lack git, iproute2, procps)
# shellcheck source=../../rootfs/lib.sh
. "$TOP/rootfs/lib.sh"
ensure_pkgs git iproute2 procps python3 util-linux coreutils
mkdir -p "$RUN"
: >"$RESULTS"
build_log=$RUN/mkimages.log
stale=1
if [ -f "$STORE/.stamp" ] && [ -z "$(find "$TOP/rootfs/mkimages.sh" "$TOP/rootfs/lib.sh" "$TOP/rootfs/git-sync.sh" \
        "$TOP/rootfs/images" -newer "$STORE/.stamp" 2>/dev/null)" ]; then
    stale=0
fi
if [ -n "${IMAGES_STORE:-}" ]; then stale=0; fi
if [ "$stale" = 0 ]; then
    report ok images-build
    echo "#   (reused ${STORE#"$TOP"/}: newer than what it is built from)" | tee -a "$RESULTS"
else
    echo "# building the host image store into ${STORE#"$TOP"/} (log: ${build_log#"$TOP"/})"
    if "$TOP/rootfs/mkimages.sh" host "$STORE" >"$build_log" 2>&1; then
        touch "$STORE/.stamp"
        report ok images-build
    else
        report fail images-build "$(tail -n 12 "$build_log")"
    fi
fi
if [ -f "$STORE/$BUSYBOX/config.json" ] && [ -f "$STORE/$NGINX/config.json" ] && [ -f "$STORE/$GITSYNC/config.json" ]; then
    for t in busybox nginx gitsync; do
        LOG=$RUN/suite-$t.log
        unshare --fork --pid --mount --net --mount-proc "$SELF" --ns "suite_$t" 2>"$LOG" \
            || report fail "suite-$t-ran-to-the-end" "$(tail -n 12 "$LOG")"
    done
    suite_configs
else
    report skip image-checks "no image store at $STORE (the build failed)"
fi
suite_import
suite_foreign

passed=$(grep -c '^ok - ' "$RESULTS" || true)
failed=$(grep -c '^not ok - ' "$RESULTS" || true)
skipped=$(grep -c '^SKIP: ' "$RESULTS" || true)
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
