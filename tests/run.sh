#!/bin/sh
# Runs every test program and end-to-end script against each build folder given
# (e.g. "build build/san"), and adds up their "N passed, N failed, N skipped" lines.
# The last line of the output is the total. Exit status: 0 only when nothing failed.
set -u
cd "$(dirname "$0")/.." || exit 2
[ $# -gt 0 ] || set -- build
P=0; F=0; S=0
# A library's own leak, named in the file, is not the project's (ASan builds only).
LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"; export LSAN_OPTIONS
tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT

add_counts() { # $1 = name, $2 = exit code; reads tmp
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$tmp" | tail -n 1)
    if [ -z "$line" ]; then
        echo "FAIL $1: no result line (exit $2)"; tail -n 20 "$tmp"; F=$((F + 1)); return
    fi
    p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
    f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
    s=$(echo "$line" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p'); s=${s:-0}
    if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "FAIL $1: exit $2 with no failed check"; fi
    P=$((P + p)); F=$((F + f)); S=$((S + s))
    if [ "$f" -ne 0 ]; then echo "FAIL $1: $line"; grep -v -E '^[0-9]+ passed' "$tmp" | tail -n 40
    else echo "ok   $1: $line"; fi
}

for b in "$@"; do
    [ -x "$b/sunlight" ] || { echo "FAIL $b: not built"; F=$((F + 1)); continue; }
    for t in "$b"/tests/test_*; do
        [ -x "$t" ] || continue
        SL_BUILD="$b" "$t" >"$tmp" 2>&1; rc=$?
        add_counts "$t" $rc
    done
    for e in tests/e2e/*.sh; do
        [ -f "$e" ] || continue
        SL_BUILD="$b" sh "$e" >"$tmp" 2>&1; rc=$?
        add_counts "$e [$b]" $rc
    done
done
echo "$P passed, $F failed, $S skipped"
[ "$F" -eq 0 ]
