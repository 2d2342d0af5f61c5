#!/bin/sh
# An Excel 2003 XML spreadsheet ("XML Spreadsheet 2003", which reporting tools write under a
# .xls or .xml name), cut off in the middle of a row. Before, it was set aside as the lines of a
# text document and its HSI row was never flagged; now its worksheet is read like a sheet
# ("file > Organization Audit"), a DateTime cell is a UTC time, the broken XML is an error that
# names the line, and the row it broke off in is counted as cut off.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
need_sqlite3
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
D=tests/data/xmlss
"$B/sunlight" scan "$D" -o "$T/out" --key "$T/k" >"$T/log" 2>&1
expect "exit code (an error in the input)" "$?" 1
q() { sqlite3 "$T/out/sunlight.db" "$1"; }
expect "sources" "$(q "SELECT id || ' ' || coalesce(parent_id, '-') || ' ' || cite || ' ' || format || ' ' || records || ' ' || searches || ' ' || rejected || ' ' || flagged FROM sources ORDER BY id")" \
"1 - $D/spreadsheet_2003_cut_off.xml xmlss 0 0 0 0
2 1 $D/spreadsheet_2003_cut_off.xml > Organization Audit xmlss 3 2 1 1"
sha=$(sha256sum "$D/spreadsheet_2003_cut_off.xml" | cut -d' ' -f1)
expect "the worksheet is cited with the file's SHA-256" "$(q "SELECT sha256 FROM sources WHERE id = 2")" "$sha"
expect "the flagged row" "$(q "SELECT record || ' ' || line || ' ' || reason || ' ' || categories || ' ' || search_time || ' ' || case_state FROM flagged_rows")" \
    "2 16 HSI request - removal order immigration 2025-06-01T13:02:03Z empty"
expect "notes" "$(q "SELECT code || ' ' || record || ' ' || line FROM diagnostics ORDER BY code")" \
"row.cut_off 4 31
xmlss.damaged 4 31"
check "grep -q 'broken XML at line 35 (no element found): the file is damaged or cut off' '$T/log'" "the terminal names the line where the XML breaks"
expect "the cut row is rejected as cut off" "$(q "SELECT reason || ' ' || count || ' ' || first_records FROM rejections")" "cut_off 1 4"

# A spreadsheet with no worksheet is said to be one, once (not also "source holds no records").
mkdir "$T/nosheet"
printf '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><DocumentProperties/></Workbook>\n' >"$T/nosheet/book.xml"
"$B/sunlight" scan "$T/nosheet" -o "$T/out2" --key "$T/k" >/dev/null 2>&1
expect "no worksheet: notes" "$(sqlite3 "$T/out2/sunlight.db" "SELECT code FROM diagnostics")" "xmlss.no_sheet"
finish
