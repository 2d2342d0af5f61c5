#!/bin/sh
# Logs that arrive as JSON (tests/data/json, written by make_fixtures.py): a transparency
# portal's list of objects, an API client's save with the list under "data" (a two-line time
# frame, a plate, a nested object holding another plate, a list of filters), a scraper's JSON
# Lines with one line broken mid-way and the last cut off (searches of the API's file), a
# Datasette export (a "columns" list beside rows of arrays), a list saved by Windows
# PowerShell (UTF-16 with a BOM), and a file named .json that is not JSON. Before, every one
# of them was set aside as "a JSON file" and its ICE searches were never flagged. Each list is
# read like a sheet, cited "file > data" with the file's SHA-256 and the record (the object's
# number) and line; a time given in milliseconds since 1970 is read; plates become tokens and
# none reaches an output raw; the broken line is counted as malformed and the reading goes on;
# the cut-off line is counted as cut off.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
need_sqlite3
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
D=tests/data/json
"$B/sunlight" scan "$D" -o "$T/out" --key "$T/k" >"$T/log" 2>&1
expect "exit code (warnings)" "$?" 1
q() { sqlite3 "$T/out/sunlight.db" "$1"; }
expect "sources" "$(q "SELECT id || ' ' || coalesce(parent_id, '-') || ' ' || cite || ' ' || format || ' ' || records || ' ' || searches || ' ' || rejected || ' ' || set_aside || ' ' || flagged FROM sources ORDER BY id")" \
"1 - $D/datasette_export.json json 0 0 0 0 0
2 1 $D/datasette_export.json > rows json 2 2 0 0 1
3 - $D/named_json_but_not_json.json csv 2 0 0 2 0
4 - $D/network_audit_from_the_api.json json 0 0 0 0 0
5 4 $D/network_audit_from_the_api.json > data json 3 3 0 0 2
6 - $D/network_audit_scraped_cut_off.jsonl json 0 0 0 0 0
7 6 $D/network_audit_scraped_cut_off.jsonl > records json 4 2 2 0 2
8 - $D/portal_saved_by_powershell_utf16.json json 0 0 0 0 0
9 8 $D/portal_saved_by_powershell_utf16.json > records json 2 2 0 0 1
10 - $D/portal_search_audit.json json 0 0 0 0 0
11 10 $D/portal_search_audit.json > records json 4 4 0 0 2"
sha=$(sha256sum "$D/network_audit_from_the_api.json" | cut -d' ' -f1)
expect "a list is cited with the file's SHA-256" "$(q "SELECT sha256 FROM sources WHERE id = 5")" "$sha"
expect "kinds" "$(q "SELECT id || ' ' || kind FROM sources WHERE parent_id IS NOT NULL ORDER BY id")" \
"2 org_audit
5 network_audit
7 network_audit
9 portal
11 portal"
expect "flagged rows: source, record, line, org, time frame, reason, categories" \
    "$(q "SELECT source_id || ' ' || record || ' ' || line || ' ' || coalesce(org, '-') || ' ' || coalesce(tf_start, '-') || ' ' || coalesce(tf_end, '-') || ' ' || reason || ' ' || categories FROM flagged_rows ORDER BY row_id")" \
"2 1 1 Shelbyville IN SO - - HSI ERO detainer pickup immigration
5 1 5 Springfield IL PD 2025-05-01T00:00:00Z 2025-05-08T23:59:59Z assist ICE with locate immigration
5 3 33 [Federal] DHS HSI Chicago 2025-05-03T00:00:00Z 2025-05-10T23:59:59Z inv federal_searcher,vague_or_no_purpose
7 1 1 Springfield IL PD - - assist ICE with locate immigration
7 3 3 [Federal] DHS HSI Chicago - - inv federal_searcher,vague_or_no_purpose
9 1 2 - - - ICE ERO request - locate immigration
11 1 2 - - - ICE ERO request - locate immigration
11 3 22 - - - protest at city hall first_amendment"
expect "the portal's offense types joined" "$(q "SELECT offense FROM flagged_rows WHERE source_id = 11 AND record = 1")" \
    "Immigration (civil/administrative)"
expect "UTF-16 (PowerShell's Out-File) decoded" "$(q "SELECT s.encoding || ' ' || f.user_id FROM flagged_rows f JOIN sources s ON s.id = f.source_id WHERE s.id = 9")" \
    "utf-16le José Núñez"
expect "a list of filters joined" "$(q "SELECT filters FROM flagged_rows WHERE source_id = 5 AND record = 3")" \
    "Body Type: SUV, Color: Black"
expect "the plate is a token" "$(q "SELECT plate_state || ' ' || substr(plate_token, 1, 3) FROM flagged_rows WHERE source_id = 5 AND record = 1")" "value pt_"
check "! grep -rq 'KPX4471\|MWR215\|8XYZ512' '$T/out'" "a plate of the JSON files reached an output raw"
check "! sqlite3 '$T/out/sunlight.db' .dump | grep -q 'KPX4471\|MWR215\|8XYZ512'" "a plate of the JSON files is in the database"
expect "flagged.csv cites the list" "$(grep -c "^$D/network_audit_from_the_api.json > data,$sha,,data,1,5,immigration," "$T/out/flagged.csv" | tr -d ' ')" 1
expect "notes" "$(q "SELECT coalesce(source_id, 0) || ' ' || code || ' ' || coalesce(record, '-') FROM diagnostics ORDER BY source_id, code")" \
"3 schema.document_not_a_log -
7 json.bad_line 2
7 json.cut_off 4
7 row.cut_off 4
7 row.malformed 2"
check "grep -q 'the file ends inside a value at line 4: it is cut off' '$T/log'" "the cut is said with its line"
check "grep -q 'it does not read as JSON from its start' '$T/log'" "the file that is not JSON is said to be so"
expect "the time in milliseconds is read" "$(q "SELECT time_min || ' ' || time_max FROM sources WHERE id = 11")" \
    "2025-06-02T14:03:11Z 2025-06-05T08:00:00Z"
check "grep -q 'line 2 is not whole JSON (lexical error: invalid char in json text.): counted as malformed and skipped; reading goes on at the next line' '$T/log'" "the broken line is said, and the reading goes on"
expect "the cut line is rejected as cut off" "$(q "SELECT source_id || ' ' || reason || ' ' || count || ' ' || first_records FROM rejections")" "7 cut_off 1 4
7 malformed 1 2"

# The same files in a zip: read the same way, cited through the zip.
mkdir "$T/z"
(cd "$D" && zip -q "$T/z/rel.zip" network_audit_from_the_api.json portal_search_audit.json portal_saved_by_powershell_utf16.json)
"$B/sunlight" scan "$T/z" -o "$T/outz" --key "$T/k" >"$T/logz" 2>&1
expect "zip: exit code" "$?" 0
expect "zip: the lists' sources" "$(sqlite3 "$T/outz/sunlight.db" "SELECT replace(cite, '$T/', '') || ' ' || searches || ' ' || flagged FROM sources WHERE sheet IS NOT NULL ORDER BY id")" \
"z/rel.zip > network_audit_from_the_api.json > data 3 2
z/rel.zip > portal_search_audit.json > records 4 2
z/rel.zip > portal_saved_by_powershell_utf16.json > records 2 1"
expect "zip: the same flagged rows" "$(sqlite3 "$T/outz/sunlight.db" "SELECT record || ' ' || line || ' ' || categories FROM flagged_rows ORDER BY row_id")" \
"1 5 immigration
3 33 federal_searcher,vague_or_no_purpose
1 2 immigration
3 22 first_amendment
1 2 immigration"
finish
