#!/bin/sh
# OpenDocument spreadsheets (.ods), as LibreOffice saves an export. Before, every .ods was
# skipped with "OpenDocument spreadsheet: not read (yet)", and its "assist ICE" row was never
# flagged. Now each table is a source cited "file > sheet" with the file's SHA-256; numbers as
# their value, dates as UTC times, a two-line time frame as two lines; equal rows stored once
# with a repeat count are counted once per repeat; a notes sheet set aside. A file cut off
# inside its XML names the sheet and the last row read; one protected by a password says so.
# The same spreadsheet inside a zip is read the same way. No plate reaches an output.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
need_sqlite3
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
D=tests/data/ods
mkdir "$T/rel"
cp "$D/audit_saved_by_libreoffice.ods" "$D/content_cut_off_in_a_row.ods" "$D/password_protected.ods" "$T/rel/"
"$B/sunlight" scan "$T/rel" -o "$T/out" --key "$T/k" >"$T/log" 2>&1
expect "exit code (errors and warnings)" "$?" 1
q() { sqlite3 "$T/out/sunlight.db" "$1"; }
expect "sources" "$(q "SELECT id || ' ' || coalesce(parent_id, '-') || ' ' || replace(cite, '$T/', '') || ' ' || format || ' ' || records || ' ' || searches || ' ' || blank || ' ' || set_aside || ' ' || flagged FROM sources ORDER BY id")" \
"1 - rel/audit_saved_by_libreoffice.ods ods 0 0 0 0 0
2 1 rel/audit_saved_by_libreoffice.ods > Notes ods 5 0 0 5 0
3 1 rel/audit_saved_by_libreoffice.ods > Network Audit ods 5 4 1 0 3
4 - rel/content_cut_off_in_a_row.ods ods 0 0 0 0 0
5 4 rel/content_cut_off_in_a_row.ods > Network Audit ods 14 14 0 0 7
6 - rel/password_protected.ods ods 0 0 0 0 0"
sha=$(sha256sum "$D/audit_saved_by_libreoffice.ods" | cut -d' ' -f1)
expect "a sheet is cited with the file's SHA-256" "$(q "SELECT sha256 FROM sources WHERE id = 3")" "$sha"
expect "flagged rows of the audit: record, name, networks, time frame, search time, reason" \
    "$(q "SELECT record || ' ' || name || ' ' || networks || ' ' || coalesce(tf_start, '-') || ' ' || coalesce(tf_end, '-') || ' ' || search_time || ' ' || reason FROM flagged_rows WHERE source_id = 3 ORDER BY row_id")" \
"2 José Núñez 14 2025-05-30T13:00:00Z 2025-06-01T13:00:00Z 2025-06-01T13:02:33Z assist ICE with locate
5 B Jones 1500 - - 2025-06-03T00:00:00Z Immigration (criminal)
6 B Jones 1500 - - 2025-06-03T00:00:00Z Immigration (criminal)"
expect "flagged.csv cites the sheet" "$(grep -c "^rel/audit_saved_by_libreoffice.ods > Network Audit,$sha,,Network Audit,2,2," "$T/out/flagged.csv" | tr -d ' ')" 1
check "! grep -rq 'KPX4471\|MWR215' '$T/out'" "a plate of the spreadsheet reached an output raw"
expect "notes" "$(q "SELECT source_id || ' ' || code FROM diagnostics ORDER BY source_id, code")" \
"2 ods.inner_table
2 schema.sheet_not_a_log
3 xlsx.blank_rows
5 ods.damaged
6 ods.encrypted
6 source.unread"
check "grep -q 'content_cut_off_in_a_row.ods > Network Audit: ods: malformed XML at line 2, byte [0-9]* of the sheet: unclosed token; rows after row 15, the last one read, are lost' '$T/log'" "the cut-off spreadsheet is named on the terminal, with its sheet and last row"
check "grep -q 'password_protected.ods: ods: protected by a password' '$T/log'" "the protected spreadsheet is named on the terminal"
check "! grep -q 'not read (yet)' '$T/log'" "an .ods is no longer skipped"

# inspect: a table's bytes are its part of content.xml; the hash is the file's.
expect "inspect: the sheet's format line" "$("$B/sunlight" inspect "$D/audit_saved_by_libreoffice.ods" 2>/dev/null | grep -A2 '> Network Audit$' | grep 'format' | sed 's/  */ /g; s/[0-9,]* bytes/N bytes/')" \
    " format ods, utf-8, N bytes of content.xml, sha256 $(echo "$sha" | cut -c1-16)... (the file's)"

# The spreadsheet inside a zip: read the same way, cited through the zip.
"$B/sunlight" scan "$D/release.zip" -o "$T/outz" --key "$T/k" >"$T/logz" 2>&1
expect "zip: exit code (a note only)" "$?" 0
expect "zip: the sheet's source" "$(sqlite3 "$T/outz/sunlight.db" "SELECT replace(cite, 'tests/data/ods/', '') || ' ' || format || ' ' || searches || ' ' || flagged FROM sources WHERE sheet = 'Network Audit'")" \
    "release.zip > audit_may.ods > Network Audit ods 4 3"

# The same table in two copies of one file is one table of the release seen twice; two
# tables of one file are not copies of each other (both share the file's hash).
mkdir "$T/two"
cp "$D/audit_saved_by_libreoffice.ods" "$T/two/a.ods"
cp "$D/audit_saved_by_libreoffice.ods" "$T/two/b.ods"
"$B/sunlight" scan "$T/two" -o "$T/outtwo" --key "$T/k" >/dev/null 2>&1
expect "copies: each table of the second file repeats its twin, not the other table" "$(sqlite3 "$T/outtwo/sunlight.db" "SELECT message FROM diagnostics WHERE code = 'source.duplicate' ORDER BY source_id" | sed 's/: its.*//; s/(.*> /(/')" "repeats source 2 (Notes: same bytes)
repeats source 3 (Network Audit: same bytes)"
finish
