#!/bin/sh
# Web pages in a release. An audit that a web system's "Export to Excel" wrote as an HTML table
# under a .xls name (Windows-1252, a title row, &nbsp; cells, <br> in the time frame) is read
# table by table, cited "file > table 1" with the page's SHA-256; before, its rows were set
# aside as the lines of a text document and its "assist ICE" row was never flagged. A sign-in
# page saved under an export's name is said to be one, with its title. A page cut off inside
# a table has its last row counted as cut off. The same page inside a zip is read the same way.
# Two audit tables on one page share the page's SHA-256 and are not copies of each other
# (before, the second was taken for a byte-for-byte copy of the first and its flagged rows
# were left out of the counts); the same page saved twice is, table by table.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
need_sqlite3
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
D=tests/data/html
mkdir "$T/rel"
cp "$D"/* "$T/rel/"
"$B/sunlight" scan "$T/rel" -o "$T/out" --key "$T/k" >"$T/log" 2>&1
expect "exit code (warnings)" "$?" 1
q() { sqlite3 "$T/out/sunlight.db" "$1"; }
expect "sources" "$(q "SELECT id || ' ' || coalesce(parent_id, '-') || ' ' || replace(cite, '$T/', '') || ' ' || format || ' ' || records || ' ' || searches || ' ' || blank || ' ' || set_aside || ' ' || flagged FROM sources ORDER BY id")" \
"1 - rel/audit_table_saved_as_xls.xls html 0 0 0 0 0
2 1 rel/audit_table_saved_as_xls.xls > table 1 html 5 3 1 1 2
3 - rel/sign_in_page_saved_as_csv.csv html 0 0 0 0 0
4 - rel/table_cut_off.html html 0 0 0 0 0
5 4 rel/table_cut_off.html > table 1 html 2 1 0 0 0"
sha=$(sha256sum "$D/audit_table_saved_as_xls.xls" | cut -d' ' -f1)
expect "a table is cited with the page's SHA-256" "$(q "SELECT sha256 FROM sources WHERE id = 2")" "$sha"
expect "flagged rows: record, line, name, time frame, reason, categories" \
    "$(q "SELECT record || ' ' || line || ' ' || name || ' ' || tf_start || ' ' || tf_end || ' ' || reason || ' ' || categories FROM flagged_rows ORDER BY row_id")" \
"3 14 José Núñez 2025-05-01T00:00:00Z 2025-05-08T23:59:59Z assist ICE with locate immigration
6 22 B Jones 2025-05-04T00:00:00Z 2025-05-05T00:00:00Z Immigration (civil/administrative) - federal_searcher,immigration"
expect "&nbsp; is an empty case number" "$(q "SELECT case_state FROM flagged_rows WHERE record = 3")" "empty"
expect "flagged.csv cites the table" "$(grep -c "^rel/audit_table_saved_as_xls.xls > table 1,$sha,,table 1,3,14," "$T/out/flagged.csv" | tr -d ' ')" 1
check "! grep -rq 'KPX4471\|MWR215' '$T/out'" "a plate of the page reached an output raw"
expect "notes" "$(q "SELECT source_id || ' ' || code || ' ' || coalesce(record, '-') FROM diagnostics ORDER BY source_id, code")" \
"2 schema.preamble 1
3 html.no_table -
5 html.cut 3
5 row.cut_off 3"
check "q \"SELECT message FROM diagnostics WHERE code = 'html.no_table'\" | grep -q 'a web page titled \"Sign in – Records Portal\" with no table: not an export'" "the sign-in page is named by its title"
expect "the cut row is rejected as cut off" "$(q "SELECT reason || ' ' || count || ' ' || first_records FROM rejections")" "cut_off 1 3"

# The page inside a zip: read the same way, cited through the zip.
mkdir "$T/z"
(cd "$D" && zip -q "$T/z/rel.zip" audit_table_saved_as_xls.xls)
"$B/sunlight" scan "$T/z" -o "$T/outz" --key "$T/k" >"$T/logz" 2>&1
expect "zip: exit code" "$?" 0
expect "zip: the table's source" "$(sqlite3 "$T/outz/sunlight.db" "SELECT replace(cite, '$T/', '') || ' ' || sha256 || ' ' || searches FROM sources WHERE parent_id IS NOT NULL AND format = 'html' AND sheet IS NOT NULL")" \
    "z/rel.zip > audit_table_saved_as_xls.xls > table 1 $sha 3"
expect "zip: the same flagged rows" "$(sqlite3 "$T/outz/sunlight.db" "SELECT record || ' ' || name FROM flagged_rows ORDER BY row_id")" "3 José Núñez
6 B Jones"

# Two tables on one page, and the page saved twice.
mkdir "$T/two"
row() { printf '<tr><td>%s</td><td>%s</td><td>%s</td><td>2025-05-0%sT10:00:00Z</td></tr>' "$@"; }
{
    printf '<html><body><table><tr><th>Name<th>Org Name<th>Reason<th>Search Time</tr>'
    row "A Smith" "Town PD" "ICE detainer" 1; row "B Jones" "Town PD" "theft" 2
    printf '</table><p>Organization audit</p><table><tr><th>Name<th>Org Name<th>Reason<th>Search Time</tr>'
    row "C Diaz" "City PD" "assist HSI" 3; row "D Wu" "City PD" "burglary" 4
    printf '</table></body></html>\n'
} >"$T/two/network_and_org_audit.html"
"$B/sunlight" scan "$T/two" -o "$T/out2" --key "$T/k" >"$T/log2" 2>&1
expect "two tables: exit code" "$?" 0
q2() { sqlite3 "$T/out2/sunlight.db" "$1"; }
expect "two tables: both read and flagged" "$(q2 "SELECT sheet || ' ' || searches || ' ' || flagged FROM sources WHERE sheet IS NOT NULL ORDER BY id")" "table 1 2 1
table 2 2 1"
expect "two tables: neither a copy" "$(q2 "SELECT COUNT(*) FROM diagnostics WHERE code = 'source.duplicate'")" 0
expect "two tables: both flagged rows counted" "$(q2 "SELECT SUM(rows) FROM counts WHERE category = 'immigration'")" 2
cp "$T/two/network_and_org_audit.html" "$T/two/network_and_org_audit (1).html"
"$B/sunlight" scan "$T/two" -o "$T/out3" --key "$T/k" >"$T/log3" 2>&1
expect "the page twice: each table repeats its twin" "$(sqlite3 "$T/out3/sunlight.db" "SELECT message FROM diagnostics WHERE code = 'source.duplicate' ORDER BY source_id" | sed 's/: its.*//; s/(.*> /(/')" "repeats source 2 (table 1: same bytes)
repeats source 3 (table 2: same bytes)"
finish
