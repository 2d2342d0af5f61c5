#!/bin/sh
# bench/scale.sh, small: it generates an audit, reads it with wc -l, scans it and fails when
# the scan's search rows, distinct searches or immigration rows and searches differ from the
# generator's truth.json; then the same for a collection of 8 agencies' audits. Run here at 20M (about 100,000 rows) so the script cannot rot between
# the hand runs at 28500M that bench/RESULTS.md records; no timing is checked. Then a check
# that it refuses, before writing anything, a size the disk cannot hold.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
command -v python3 >/dev/null 2>&1 || { echo "skipped: python3 missing"; echo "0 passed, 0 failed, 1 skipped"; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

SCALE_SIZE=20M SCALE_DIR="$T" sh bench/scale.sh "$B" >"$T/out" 2>"$T/err"; rc=$?
check '[ $rc -eq 0 ]' "bench/scale.sh at 20M: exit $rc: $(tail -n 3 "$T/err")"
check 'grep -q "search rows, [0-9]* searches; immigration: [0-9]* rows, [0-9]* searches: as truth.json |" "$T/out"' \
    "no verdict against truth.json: $(cat "$T/out")"
check 'grep -q "^| wc -l |" "$T/out"' "no wc -l row: $(cat "$T/out")"
check '[ ! -e "$T/scale-out" ]' "the scan's outputs were left in $T"
check '[ -s "$T/scale-20M-11/truth.json" ] && [ -s "$T/scale-20M-11/.stamp" ]' "the data was not kept for the next run"
# a collection: 8 agencies' audits, a search a row in each that it touched, linked as
# truth.json says
SCALE_SIZE=20M SCALE_AGENCIES=8 SCALE_DIR="$T" sh bench/scale.sh "$B" >"$T/outc" 2>"$T/errc"; rc=$?
check '[ $rc -eq 0 ]' "bench/scale.sh, a collection at 20M: exit $rc: $(tail -n 3 "$T/errc")"
check 'grep -q "search rows, [0-9]* searches; immigration: [0-9]* rows, [0-9]* searches: as truth.json |" "$T/outc"' \
    "no verdict against truth.json for the collection: $(cat "$T/outc")"
check 'grep -q "^| find, cat, wc -l |" "$T/outc"' "no wc -l row for the collection: $(cat "$T/outc")"
rows=$(sed -n 's/.*| \([0-9]*\) search rows, \([0-9]*\) searches;.*/\1 \2/p' "$T/outc")
check '[ -n "$rows" ] && [ "${rows% *}" -gt $((2 * ${rows#* })) ]' "the collection's rows are not twice its searches: $rows"
SCALE_SIZE=20M SCALE_AGENCIES=1 SCALE_DIR="$T" sh bench/scale.sh "$B" >/dev/null 2>"$T/err1"; rc=$?
check '[ $rc -eq 2 ]' "SCALE_AGENCIES=1: exit $rc"
# far more than any disk here: refused before generating anything
SCALE_SIZE=999999999M SCALE_DIR="$T/big" sh bench/scale.sh "$B" >"$T/out2" 2>"$T/err2"; rc=$?
check '[ $rc -eq 1 ]' "an impossible size: exit $rc"
check 'grep -q "MB free; this run needs about" "$T/err2"' "no disk message: $(cat "$T/err2")"
check '[ -z "$(ls -A "$T/big" 2>/dev/null)" ]' "an impossible size left files: $(ls -A "$T/big")"
finish
