#!/bin/sh
# An Excel 2003 XML spreadsheet ("XML Spreadsheet 2003", which reporting tools write under a
# .xls or .xml name), cut off in the middle of a row. Before, it was set aside as the lines of a
# text document and its HSI row was never flagged; now its worksheet is read like a sheet
# ("file > Organization Audit"), a DateTime cell is a UTC time, the broken XML is an error that
# names the line, and the row it broke off in is counted as cut off. Two worksheets of one
# file share its SHA-256 and are not taken for copies of each other.
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

# Two worksheets of monthly audits: both read, neither a copy of the other.
mkdir "$T/two"
ws() { # name, org, reason
    printf '<Worksheet ss:Name="%s"><Table><Row><Cell><Data ss:Type="String">Org Name</Data></Cell><Cell><Data ss:Type="String">Reason</Data></Cell><Cell><Data ss:Type="String">Search Time</Data></Cell></Row>' "$1"
    printf '<Row><Cell><Data ss:Type="String">%s</Data></Cell><Cell><Data ss:Type="String">%s</Data></Cell><Cell><Data ss:Type="DateTime">2025-06-01T10:00:00.000</Data></Cell></Row></Table></Worksheet>\n' "$2" "$3"
}
{
    printf '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n'
    ws May "Town PD" "ICE detainer"; ws June "City PD" "assist HSI"
    printf '</Workbook>\n'
} >"$T/two/audits_2025.xml"
"$B/sunlight" scan "$T/two" -o "$T/out3" --key "$T/k" >/dev/null 2>&1
expect "two worksheets: both flagged, no copy" "$(sqlite3 "$T/out3/sunlight.db" "SELECT group_concat(sheet || ' ' || flagged, ', ') FROM sources WHERE sheet IS NOT NULL; SELECT COUNT(*) FROM diagnostics WHERE code = 'source.duplicate'")" "May 1, June 1
0"
finish
