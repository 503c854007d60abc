#!/bin/bash
# tests/golden.sh [--bless] BINARY [NAME...]
#
# Golden tests of the manifest parser. For each tests/manifests/NAME.yaml (sorted; only the
# given NAMEs when some are listed) it runs, from the repository root,
#     $RUNNER BINARY -n tests/manifests/NAME.yaml
# and compares with the expectations beside the file:
#   NAME.ok   expected stdout; the exit status must then be 0, and stderr must equal NAME.err
#             if that exists (warnings), else be empty;
#   NAME.err  alone: expected stderr; the exit status must be 1 (stdout is not compared);
#   NAME.json expected stdout of `BINARY -o json -n tests/manifests/NAME.yaml` (a test of its
#             own, with the same exit status rule as above).
#   NAME.xfail marks a known parser bug: the expectation files hold the correct output and the
#             test is expected to fail until the bug is fixed. Its first line says why. Such a
#             test prints "not ok - NAME # TODO ..." and counts as skipped, not failed; once it
#             passes it fails with "remove NAME.xfail", so a fix is noticed and then kept.
#             --bless leaves xfail tests alone (it would write the wrong output).
# A .yaml without .ok or .err fails ("no expectation"), so does an expectation without .yaml.
# When no NAMEs are given, one more test checks that every IGN/UNSUP entry of
# supervisor/manifest/manifest_schema.c is exercised by ignored-fields.yaml / unsupported-fields.yaml.
# Prints "ok - NAME" / "not ok - NAME" (with a unified diff, at most 40 lines) and ends with
# "N passed, N failed, N skipped" (skipped: xfail tests); exits 1 if any test failed.
# Every valid case is also printed, parsed and printed again: "NAME (round trip)".
#
# --bless rewrites the expectations from the current output: .ok (exit 0) or .err (exit 1,
# or warnings on exit 0), removing the one that no longer applies, and .json where it exists.
# Read what it wrote (git diff) before committing: blessing a wrong output hides a bug.
#
# RUNNER (environment) is put before BINARY, e.g. RUNNER=qemu-aarch64-static.
# GOLDEN_TIMEOUT (seconds, default 20) bounds each run: a hang is a failure.
set -u

usage() {
    echo "usage: $0 [--bless] BINARY [NAME...]" >&2
    exit 2
}

bless=0
if [ "${1-}" = --bless ]; then
    bless=1
    shift
fi
[ $# -ge 1 ] || usage
bin=$1
shift
case $bin in
*/*) [ -e "$bin" ] && bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin") ;;
esac
if [[ $bin == */* && ! -x $bin ]]; then
    echo "$0: $bin: not an executable file" >&2
    exit 2
fi

TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 2
DIR=tests/manifests
read -r -a runner <<<"${RUNNER-}"
TIMEOUT=${GOLDEN_TIMEOUT:-20}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/golden.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

pass=0 fail=0 skip=0

ok() {
    echo "ok - $1"
    pass=$((pass + 1))
}
not_ok() { # NAME [REASON]
    echo "not ok - $1${2:+ ($2)}"
    fail=$((fail + 1))
}
# run OUT_PREFIX ARGS...: runs the binary, leaves OUT_PREFIX.out/.err/.rc
run() {
    local p=$1
    shift
    if command -v timeout >/dev/null; then
        timeout "$TIMEOUT" ${runner[@]+"${runner[@]}"} "$bin" "$@" >"$p.out" 2>"$p.err" </dev/null
    else
        ${runner[@]+"${runner[@]}"} "$bin" "$@" >"$p.out" 2>"$p.err" </dev/null
    fi
    echo $? >"$p.rc"
}
# status_note RC: a word for an exit status that is neither 0 nor 1
status_note() {
    case $1 in
    0 | 1) echo "exit $1" ;;
    124) echo "timed out after ${TIMEOUT}s" ;;
    *) if [ "$1" -gt 128 ]; then echo "exit $1, killed by signal $(($1 - 128))"; else echo "exit $1"; fi ;;
    esac
}
# put SRC DEST: bless one file, saying so when it changed
put() {
    if [ -f "$2" ] && cmp -s "$1" "$2"; then
        return
    fi
    cp "$1" "$2"
    echo "    wrote $2"
}
drop() {
    if [ -e "$1" ]; then
        rm -f "$1"
        echo "    removed $1"
    fi
}

# check MODE NAME: MODE is yaml or json
check() {
    local mode=$1 name=$2 f=$DIR/$2.yaml p=$tmp/$2.$1 label=$2
    local okf=$DIR/$name.ok errf=$DIR/$name.err jsonf=$DIR/$name.json xfail=$DIR/$name.xfail
    if [ $bless = 1 ] && [ -f "$xfail" ]; then
        echo "skip - $label (known bug, $name.xfail: not blessed)"
        skip=$((skip + 1))
        return
    fi
    if [ "$mode" = json ]; then
        label="$name (json)"
        run "$p" -o json -n "$f"
    else
        run "$p" -n "$f"
    fi
    local rc
    rc=$(cat "$p.rc")

    if [ $bless = 1 ]; then
        if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
            not_ok "$label" "not blessed: $(status_note "$rc")"
            head -n 20 "$p.err" | sed 's/^/    /'
            return
        fi
        if [ "$mode" = json ]; then
            put "$p.out" "$jsonf"
        elif [ "$rc" = 0 ]; then
            put "$p.out" "$okf"
            if [ -s "$p.err" ]; then put "$p.err" "$errf"; else drop "$errf"; fi
        else
            put "$p.err" "$errf"
            drop "$okf"
        fi
        ok "$label"
        return
    fi

    local want_rc problems=()
    if [ -f "$okf" ]; then
        want_rc=0
    elif [ -f "$errf" ]; then
        want_rc=1
    else
        not_ok "$label" "no expectation: add $name.ok or $name.err, or run --bless"
        return
    fi
    # diffs: EXPECTED ACTUAL WHAT triples; stderr first when the exit status is wrong
    local diffs=()
    if [ "$rc" != "$want_rc" ]; then
        problems+=("expected exit $want_rc, got $(status_note "$rc")")
        if [ "$want_rc" = 0 ] || [ "$mode" = json ]; then
            local e=/dev/null
            [ "$mode" = yaml ] && [ -f "$errf" ] && e=$errf
            diffs+=("$e" "$p.err" stderr)
        fi
    fi
    if [ "$mode" = json ]; then
        cmp -s "$jsonf" "$p.out" || { problems+=("stdout differs from $name.json"); diffs+=("$jsonf" "$p.out" stdout); }
    elif [ "$want_rc" = 0 ]; then
        cmp -s "$okf" "$p.out" || { problems+=("stdout differs from $name.ok"); diffs+=("$okf" "$p.out" stdout); }
        if [ "$rc" = "$want_rc" ]; then
            if [ -f "$errf" ]; then
                cmp -s "$errf" "$p.err" || { problems+=("stderr differs from $name.err"); diffs+=("$errf" "$p.err" stderr); }
            elif [ -s "$p.err" ]; then
                problems+=("stderr not empty")
                diffs+=(/dev/null "$p.err" stderr)
            fi
        fi
    else
        cmp -s "$errf" "$p.err" || { problems+=("stderr differs from $name.err"); diffs+=("$errf" "$p.err" stderr); }
    fi
    if [ -f "$xfail" ]; then
        if [ ${#problems[@]} = 0 ]; then
            not_ok "$label" "passes now: the known bug is fixed, remove $name.xfail"
        else
            echo "not ok - $label # TODO known bug: $(head -n 1 "$xfail")"
            skip=$((skip + 1))
        fi
        return
    fi
    if [ ${#problems[@]} = 0 ]; then
        ok "$label"
        return
    fi
    local why
    why=$(printf '%s; ' "${problems[@]}")
    not_ok "$label" "${why%; }"
    local i
    for ((i = 0; i < ${#diffs[@]}; i += 3)); do
        diff -u --label "$name ${diffs[i + 2]} (expected)" --label "$name ${diffs[i + 2]} (actual)" \
            "${diffs[i]}" "${diffs[i + 1]}"
    done | head -n 40 | sed 's/^/    /'
}

# roundtrip NAME: the normalised print of a valid file, parsed and printed
# again, is the same text (a fixed point: what podinit writes, it reads back
# as the same objects)
roundtrip() {
    local name=$1 p=$tmp/$1.rt
    [ -f "$DIR/$name.ok" ] && [ ! -f "$DIR/$name.xfail" ] || return 0
    cp "$DIR/$name.ok" "$p.yaml"
    run "$p" -n "$p.yaml"
    if [ "$(cat "$p.rc")" = 0 ] && cmp -s "$DIR/$name.ok" "$p.out"; then
        ok "$name (round trip)"
    else
        not_ok "$name (round trip)" "printing $name.ok again gives another text: $(status_note "$(cat "$p.rc")")"
        diff -u --label "$name.ok" --label "$name.ok printed again" "$DIR/$name.ok" "$p.out" | head -n 20 | sed 's/^/    /'
        head -n 5 "$p.err" | sed 's/^/    /'
    fi
}

names=()
if [ $# -gt 0 ]; then
    for n in "$@"; do
        n=${n##*/}
        names+=("${n%.yaml}")
    done
else
    shopt -s nullglob
    for f in "$DIR"/*.yaml; do
        n=${f##*/}
        names+=("${n%.yaml}")
    done
    shopt -u nullglob
    # expectations whose manifest is gone
    for f in "$DIR"/*.ok "$DIR"/*.err "$DIR"/*.json "$DIR"/*.xfail; do
        [ -e "$f" ] || continue
        n=${f##*/}
        [ -f "$DIR/${n%.*}.yaml" ] || not_ok "$n" "no ${n%.*}.yaml for this expectation"
    done
fi
if [ ${#names[@]} -gt 0 ]; then
    IFS=$'\n' read -r -d '' -a names < <(printf '%s\n' "${names[@]}" | LC_ALL=C sort -u) || true
fi

for n in ${names[@]+"${names[@]}"}; do
    if [ ! -f "$DIR/$n.yaml" ]; then
        not_ok "$n" "no $DIR/$n.yaml"
        continue
    fi
    check yaml "$n"
    [ -f "$DIR/$n.json" ] && check json "$n"
    [ $bless = 1 ] || roundtrip "$n"
done

# Coverage: every accepted-and-ignored (IGN) and unsupported (UNSUP) field of the schema
# appears in ignored-fields.err / unsupported-fields.err, so a new entry needs a test.
schema=supervisor/manifest/manifest_schema.c
if [ $bless = 0 ] && [ $# = 0 ] && [ -f $schema ]; then
    missing=()
    for f in $(grep -o 'IGN("[^"]*")' $schema | sed 's/IGN("\(.*\)")/\1/' | sort -u); do
        grep -q -e "[.:] $f: ignored" -e "[.]$f: ignored" "$DIR/ignored-fields.err" 2>/dev/null || missing+=("$f")
    done
    for f in $(grep -o 'UNSUP\(_VOL\)\?("[^"]*"' $schema | sed 's/.*("//; s/"$//' | sort -u); do
        grep -q -e "[.]$f: " -e ": $f: " "$DIR/unsupported-fields.err" 2>/dev/null || missing+=("$f")
    done
    if [ ${#missing[@]} = 0 ]; then
        ok "schema coverage (every IGN and UNSUP field is tested)"
    else
        not_ok "schema coverage" "not in ignored-fields / unsupported-fields: ${missing[*]}"
    fi
fi

echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
