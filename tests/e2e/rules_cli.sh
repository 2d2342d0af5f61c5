#!/bin/sh
# rules_cli.sh: `sunlight rules test|explain|list` on the fixture packs of tests/data/rules/:
# exit codes, the FAIL line format, the explain account and its final Categories line.
# Run from the repo root with SL_BUILD=build-dir.
set -u
B=${SL_BUILD:-build}
SL="$B/sunlight"
D=tests/data/rules
. tests/e2e_common.sh
# expect WHAT WANT GOT
expect() { if [ "$2" = "$3" ]; then pass; else fail "$1: expected [$2], got [$3]"; fi; }

if [ ! -x "$SL" ]; then
    fail "$SL not built"
    echo "$P passed, $F failed, 0 skipped"; exit 1
fi
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

"$SL" rules test --rules "$D/basic.rules" >"$T/out" 2>&1; rc=$?
expect "rules test exit" 0 "$rc"
expect "rules test summary" "25 examples: 25 passed, 0 failed" "$(tail -n 1 "$T/out")"

"$SL" rules test --rules "$D/failing_examples.rules" >"$T/out" 2>&1; rc=$?
expect "failing rules test exit" 1 "$rc"
expect "first FAIL line" 'FAIL tests/data/rules/failing_examples.rules:6 fails.ice: expected fire: "police"' \
    "$(head -n 1 "$T/out")"
expect "second FAIL line" 'FAIL tests/data/rules/failing_examples.rules:7 fails.ice: expected no fire: "ICE agents"' \
    "$(sed -n 2p "$T/out")"
expect "failing summary" "3 examples: 1 passed, 2 failed" "$(tail -n 1 "$T/out")"

"$SL" rules test --rules "$D/bad_duplicate_id.rules" >"$T/out" 2>&1; rc=$?
expect "bad pack exit" 1 "$rc"
grep -q "bad_duplicate_id.rules:8: duplicate rule id 'dup.a'" "$T/out" && pass || fail "bad pack message: $(cat "$T/out")"

"$SL" rules explain --rules "$D/basic.rules" "ice cream, then ICE hold" "police notice" >"$T/out" 2>&1; rc=$?
expect "explain exit" 0 "$rc"
grep -q '^Categories: immigration (immigration.ice_hold)$' "$T/out" && pass || fail "explain categories line"
grep -q 'matched  "ice cream, then \[ICE hold\]" (bytes 16-24)' "$T/out" && pass || fail "explain span"
grep -q "except' pattern ice\\\\W+cream overlaps" "$T/out" && pass || fail "explain veto"
grep -q 'SUPPRESSED: .* group immig is won by immigration.ice_hold (priority 10 < 20)' "$T/out" && pass || fail "explain suppress"
expect "explain no category" "No category fires." "$(tail -n 1 "$T/out")"
# Why "police" is not ICE: the match inside a word is shown and not counted.
grep -q 'inside a word, not counted: "pol\[ice\] notice"' "$T/out" && pass || fail "explain shows a match inside a word"
grep -q 'No rule matched a whole word.' "$T/out" && pass || fail "explain says no whole-word match"
grep -q 'basic.rules:[0-9]* (pack ' "$T/out" && pass || fail "explain cites pack file, version and hash"

"$SL" rules list --rules "$D/multi" >"$T/out" 2>&1; rc=$?
expect "list exit" 0 "$rc"
grep -q '^first .* aaead6c2b17c  a_first.rules$' "$T/out" && pass || fail "list pack line: $(cat "$T/out")"
grep -q '^second.protest  second  *-  *Protest$' "$T/out" && pass || fail "list rule line"

"$SL" rules explain --rules "$D/basic.rules" >/dev/null 2>&1; rc=$?
expect "explain without text" 2 "$rc"
"$SL" rules frobnicate >/dev/null 2>&1; rc=$?
expect "unknown subcommand" 2 "$rc"
"$SL" rules test --bogus >/dev/null 2>&1; rc=$?
expect "unknown option" 2 "$rc"

finish
