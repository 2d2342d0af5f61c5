#!/bin/sh
# inspect.sh: `sunlight inspect` end to end: header-less, repeated-header, shifted-row, event-log
# and --map fixtures, a generated 1,048,575-row export (truncation), the promise that inspect
# writes nothing and opens no key, and the real files in ../shared/data (skipped when absent).
# Last line: "N passed, N failed, N skipped". SL_BUILD names the build folder (default build).
cd "$(dirname "$0")/../.." || exit 2
B=${SL_BUILD:-build}
SL="$B/sunlight"
. tests/e2e_common.sh
has() { # $1 = file, $2 = fixed string, $3 = what
    if grep -qF -- "$2" "$1"; then ok; else bad "$3: no '$2' in $1"; fi
}
T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/home" "$T/cwd"

# Nothing may be written anywhere: not the cwd, not HOME, not a key.
run() { (cd "$T/cwd" && HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" SUNLIGHT_KEY="$T/home/k.key" \
         "$OLDPWD/$SL" inspect "$@"); }
R=$(pwd)

run "$R/tests/data/infer" "$R/tests/data/eventlog" >"$T/a.txt" 2>"$T/a.err"
rc=$?
[ $rc -eq 1 ] && ok || bad "inspect fixtures: exit $rc, expected 1 (warnings)"
has "$T/a.txt" "columns inferred from values: col 1 name, col 2 org" "header-less inferred"
has "$T/a.txt" "records     5: 5 parsed, 0 rejected" "header-less rows parsed"
has "$T/a.txt" "records     3: 2 parsed, 0 rejected, 1 repeated headers" "repeated header counted"
has "$T/a.txt" "2 rows shifted by one cell" "shifted rows"
has "$T/a.err" "cells 4 and 5 belong together" "shift message"
has "$T/a.txt" "kind        event_log" "event log kind"
has "$T/a.txt" "(parsed: 11 search rows, 3 event-log events, 0 rows of reference lists)" "events counted apart"
has "$T/a.txt" "15 records, 14 parsed, 0 rejected, 1 skipped" "totals add up"
[ -z "$(find "$T/home" "$T/cwd" -mindepth 1)" ] && ok || bad "inspect wrote files: $(find "$T/home" "$T/cwd" -mindepth 1)"

run --json "$R/tests/data/infer/repeated_header_inside.csv" >"$T/b.json" 2>/dev/null
if command -v python3 >/dev/null 2>&1; then
    if python3 - "$T/b.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["sources"][0]
assert s["kind"] == "network_audit", s["kind"]
assert (s["records"], s["parsed"], s["header_repeats"]) == (3, 2, 1)
assert s["fields"]["search_time"]["column"] == 6
assert s["fields"]["reason"]["cells"] == {"value": 2}
assert "plate" in s["not_exported"]
assert d["totals"]["searches"] == 2 and d["error"] is None
PY
    then ok; else bad "inspect --json content"; fi
else
    skip "python3 not found: JSON content not checked"
fi

# --map: a Vigilant LEARN audit.
run --map "$R/maps/vigilant_learn_audit.map" "$R/tests/data/maps" >"$T/c.txt" 2>"$T/c.err"
has "$T/c.txt" "kind        alpr_audit (map \"Vigilant LEARN audit\"" "map kind"
has "$T/c.txt" "search_time      <- col 4 \"Query Date\": 4 value, 1 unparseable" "map time format"
run --map "$R/tests/data/maps/does_not_exist.map" "$R/tests/data/maps" >/dev/null 2>"$T/d.err"
rc=$?
[ $rc -eq 2 ] && ok || bad "missing map: exit $rc, expected 2"
has "$T/d.err" "does_not_exist.map: cannot open the map file" "missing map message"

# Truncation: exactly the Excel row limit, generated here (too big to check in).
awk 'BEGIN { print "Org Name,Search Time,Reason,Total Networks Searched";
             for (i = 0; i < 1048575; i++) printf "A TX PD,2025-06-01T00:%02d:%02dZ,x,%d\n", (i / 60) % 60, i % 60, i % 7 }' \
    >"$T/cwd/big_export.csv"
run "$T/cwd/big_export.csv" >"$T/e.txt" 2>/dev/null
has "$T/e.txt" "exactly 1,048,575 data rows, the Excel row limit" "truncation finding"
has "$T/e.txt" "WARNING     exactly the Excel row limit" "truncation warning per source"
rm -f "$T/cwd/big_export.csv"

D=${SL_SHARED_DATA:-../shared/data}
if [ -d "$D/portal" ] && [ -d "$D/eventlog" ]; then
    run "$(cd "$D" && pwd)" >"$T/f.txt" 2>"$T/f.err"
    has "$T/f.txt" "records     4,294: 4,294 parsed, 0 rejected" "EPD csv"
    has "$T/f.txt" "records     4,377: 4,377 parsed, 0 rejected" "EPD workbook Log sheet"
    has "$T/f.txt" "records     91: 91 parsed, 0 rejected" "San Mateo portal"
    has "$T/f.txt" "records     28: 28 parsed, 0 rejected" "Stow portal"
    has "$T/f.txt" "records     80: 80 parsed, 0 rejected" "event log"
    has "$T/f.txt" "users       1 distinct; most rows: Steve Casazza (80)" "event log users"
    has "$T/f.txt" "EPDSearchAuditLogs.csv and data/portal/EPDSearchAuditLogs.xlsx > Log (portal) overlap" "same log in two formats"
    # README.md is a document that came with the files: its 15 lines set aside, not rejected
    has "$T/f.txt" "28,493 records, 28,069 parsed, 0 rejected, 424 skipped" "accounting over the release"
    has "$T/f.txt" "(parsed: 8,790 search rows, 80 event-log events, 19,199 rows of reference lists)" "parsed split"
    n=$(grep -c "^  kind        portal" "$T/f.txt"); [ "$n" -eq 4 ] && ok || bad "portal sources: $n, expected 4"
    # Reference lists are recognised for what they are (counts from shared/data/README.md).
    has "$T/f.txt" "kind        agency_list" "FBI UCR agency list kind"
    has "$T/f.txt" "records     18,702: 18,702 parsed, 0 rejected" "FBI UCR agency list rows"
    has "$T/f.txt" "kind        roster" "roster kind"
    has "$T/f.txt" "kind        shared_networks" "Shared Networks kind"
    # the workbook's cover page and 4 pivot sheets; README.md is a document
    n=$(grep -c "^  kind        unknown" "$T/f.txt"); [ "$n" -eq 5 ] && ok || bad "unknown sources: $n, expected 5"
    has "$T/f.txt" "kind        document (file name (.md): a Markdown document)" "README.md a document"
    [ -z "$(find "$T/home" "$T/cwd" -mindepth 1)" ] && ok || bad "inspect wrote files"
else
    skip "shared data not present: real files not inspected"
fi
finish
