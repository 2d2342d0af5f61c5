#!/bin/sh
# damaged.sh: damaged zips and workbooks as a scan reports them. Inflate often hands out wrong
# bytes without noticing; only the zip's CRC, checked at the end of a member, tells. So a
# sheet whose XML breaks is reported as damaged data (with the rows before it read), a part
# whose CRC does not match is read with a warning, and a workbook that yields no record
# because of damage is not called empty. Fixtures: tests/data/xlsx/*wrong_checksum*.xlsx,
# tests/data/zip/member_wrong_checksum.zip (make_fixtures.py).
# Last line: "N passed, N failed, N skipped". SL_BUILD names the build folder (default build).
cd "$(dirname "$0")/../.." || exit 2
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
need_sqlite3
T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT
q() { sqlite3 "$T/out/sunlight.db" "$1" 2>/dev/null; }

mkdir -p "$T/in"
for f in xlsx/sheet_damaged_wrong_checksum.xlsx xlsx/strings_wrong_checksum.xlsx \
         xlsx/strings_damaged_wrong_checksum.xlsx zip/member_wrong_checksum.zip; do
    cp "tests/data/$f" "$T/in/" || bad "fixture $f missing"
done
"$B/sunlight" scan "$T/in" -o "$T/out" --key "$T/k" >"$T/log" 2>&1; rc=$?
expect "exit code (ran with errors and warnings)" "$rc" 1

# severity|code|source for every warning and error, and what the zip member's one names
expect "diagnostics" "$(q "select d.severity || '|' || d.code || '|' || replace(s.cite, 'in/', '')
    from diagnostics d join sources s on s.id = d.source_id where d.severity != 'info'
    order by s.cite, d.code")" \
"warn|archive.bad_checksum|member_wrong_checksum.zip
error|xlsx.sheet|sheet_damaged_wrong_checksum.xlsx > Damaged
warn|source.unread|strings_damaged_wrong_checksum.xlsx
error|xlsx.part|strings_damaged_wrong_checksum.xlsx
warn|xlsx.bad_checksum|strings_wrong_checksum.xlsx"
expect "the member named" "$(q "select message like 'in/member_wrong_checksum.zip > audit.csv: its content does not match%'
    from diagnostics where code = 'archive.bad_checksum'")" 1

# The damaged sheet: its first four rows (header and three records) were read.
expect "records read before the damage" \
    "$(q "select records from sources where cite like '%sheet_damaged_wrong_checksum.xlsx > Damaged'")" 4
expect "what the damaged sheet's error says" \
    "$(q "select message like '%compressed data is damaged (ZIP bad CRC:%rows after row 4, the last one read, are lost'
          from diagnostics where code = 'xlsx.sheet'")" 1
# Nothing in a damaged source is called empty.
expect "no source called empty" "$(q "select count(*) from diagnostics where code = 'source.empty'")" 0
# The terminal says it too, naming file and part.
if grep -qF "strings_damaged_wrong_checksum.xlsx: xlsx: the part's compressed data is damaged" "$T/log"
then ok; else bad "terminal message for the damaged part missing: $(head -3 "$T/log")"; fi

# A zip or a workbook cut off before its end (where a zip lists its files): said to be cut
# off, naming the file, not "Unrecognized archive format"; accounted for as a source.
mkdir "$T/cut"
cp tests/data/zip/cut_off_before_its_end.zip tests/data/xlsx/workbook_cut_off.xlsx "$T/cut/"
"$B/sunlight" scan "$T/cut" -o "$T/oc" --key "$T/k" >"$T/logc" 2>&1
expect "cut off: exit code" "$?" 1
expect "cut off: errors" "$(sqlite3 "$T/oc/sunlight.db" "select s.format || ' ' || d.code || ' ' || (d.message like 'cannot open as zip: its end, where a zip lists its files, is missing: the file was most likely cut off%') from diagnostics d join sources s on s.id = d.source_id where d.severity = 'error' order by s.cite")" \
"zip archive.unreadable 1
zip archive.unreadable 1"
if grep -q "workbook_cut_off.xlsx: cannot open as zip: its end, where a zip lists its files, is missing" "$T/logc"
then ok; else bad "terminal message for the cut-off workbook missing: $(head -3 "$T/logc")"; fi

# What an empty source is said to be: an empty file, a file of blank lines, a file of spaces.
mkdir "$T/empty"
: >"$T/empty/a_empty.csv"
printf '\r\n\n\r\n' >"$T/empty/b_blank_lines.csv"
printf '   ' >"$T/empty/c_spaces.csv"
"$B/sunlight" scan "$T/empty" -o "$T/oe" --key "$T/k" >/dev/null 2>&1
expect "empty sources" "$(sqlite3 "$T/oe/sunlight.db" "select message from diagnostics where code = 'source.empty' order by source_id")" \
"source holds no records (empty file)
source holds no records, only blank lines
source holds no records, only blank lines"
finish
