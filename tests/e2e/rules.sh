#!/bin/sh
# rules.sh: makes `make check` enforce the shipped rule packs: `sunlight rules test` must pass
# every inline example, and `sunlight rules eval` on tests/eval/*.tsv must keep every category
# at or above the precision and recall floors written in its pack. One check per command, plus
# one per category of the eval table. Run from the repo root with SL_BUILD=build-dir.
set -u
B=${SL_BUILD:-build}
SL="$B/sunlight"
. tests/e2e_common.sh

if [ ! -x "$SL" ]; then
    fail "$SL not built"
    echo "$P passed, $F failed, 0 skipped"; exit 1
fi
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

"$SL" rules test --rules rules >"$T/test" 2>&1; rc=$?
if [ "$rc" -eq 0 ] && grep -Eq '^[0-9]+ examples: [0-9]+ passed, 0 failed$' "$T/test"; then pass
else fail "rules test (exit $rc)"; grep -E '^FAIL|examples' "$T/test" | head -n 40; fi

"$SL" rules eval --rules rules tests/eval/*.tsv >"$T/eval" 2>&1; rc=$?
if [ "$rc" -eq 0 ]; then pass
else fail "rules eval (exit $rc)"; cat "$T/eval"; fi

# Every category must appear with a result; each category's row is a check of its own.
n=0
while read -r cat exp tp fp fn prec rec floor result rest; do
    case "$cat" in category|overall|'') continue ;; esac
    case "$exp" in *[!0-9]*|'') continue ;; esac
    n=$((n + 1))
    if [ "$result" = "PASS" ]; then pass
    else fail "category $cat: precision $prec recall $rec floor $floor: $result $rest"; fi
done <"$T/eval"
if [ "$n" -ge 18 ]; then pass; else fail "rules eval printed $n categories, expected at least 18"; fi
tail -n 1 "$T/eval"

# A '#' line is a comment only without a tab: "#25-1234<TAB>..." is a reason to score.
printf '# a comment\n#25-1234\tvague_or_no_purpose\n' >"$T/hash.tsv"
"$SL" rules eval --rules rules "$T/hash.tsv" >"$T/hash" 2>&1
if grep -q '^1 texts' "$T/hash" && grep -Eq '^vague_or_no_purpose +1 +1 +0 +0 ' "$T/hash"; then pass
else fail "rules eval: a '#' reason with a tab was not scored"; cat "$T/hash"; fi

finish
