#!/bin/sh
# Headers as they come. Rows above the header: a title and a date line (some exports and PDF
# extractions), Excel's "sep=;" line. The header below them is found, the rows above are
# counted and set aside with one note, and "sep=;" names the delimiter, as does the header line
# below a title that holds a comma ("Audit report, Town PD"); before, the header was
# read as a data row and the columns were guessed from the values. A title with two commas,
# above a semicolon table whose reasons hold commas, no longer makes the comma the delimiter
# (every record was rejected as schema.no_header): the delimiter is the one the lines hold
# the same number of times. A field named twice
# ("Reason", "Reason_1"): only the first column is read, and a warning says so. A copy of
# sunlight's flagged.csv below a title (its byte order mark then starts the second line) is
# still recognised and set aside, not read as searches.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
need_sqlite3
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
D=tests/data/preamble
"$B/sunlight" scan "$D" -o "$T/out" --key "$T/k" >"$T/log" 2>&1
expect "exit code (a warning)" "$?" 1
q() { sqlite3 "$T/out/sunlight.db" "$1"; }
expect "title: records, searches, set aside, delimiter" \
    "$(q "SELECT records || ' ' || searches || ' ' || set_aside || ' ' || delim || ' ' || kind_how FROM sources WHERE cite LIKE '%title_rows_above_header.csv'")" \
    "5 2 3 , content: several organizations searching"
expect "sep=;: records, searches, set aside, delimiter" \
    "$(q "SELECT records || ' ' || searches || ' ' || set_aside || ' ' || delim || ' ' || kind_how FROM sources WHERE cite LIKE '%excel_sep_line_semicolon.csv'")" \
    "3 2 1 ; content: several organizations searching"
expect "notes" "$(q "SELECT code || ' ' || coalesce(record, '-') FROM diagnostics ORDER BY source_id")" \
    "schema.preamble 1
schema.preamble 1
schema.document_not_a_log -
schema.repeated_column 1
schema.preamble 1
schema.preamble 1
schema.preamble 1"
check "q \"SELECT message FROM diagnostics WHERE code = 'schema.repeated_column'\" | grep -q 'column 5 \"Reason_1\" names the reason field again (column 4'" "repeated column message"
check "q \"SELECT message FROM diagnostics\" | grep -q 'Flock Safety - Network Audit'" "the note does not quote the title"
expect "title with a comma above a semicolon table: records, searches, set aside, delimiter" \
    "$(q "SELECT records || ' ' || searches || ' ' || set_aside || ' ' || delim FROM sources WHERE cite LIKE '%title_with_comma_above_semicolon_table.csv'")" \
    "5 2 3 ;"
expect "title with commas above a semicolon table whose rows hold commas: records, searches, set aside, delimiter" \
    "$(q "SELECT records || ' ' || searches || ' ' || set_aside || ' ' || delim FROM sources WHERE cite LIKE '%title_with_commas_above_semicolon_table.csv'")" \
    "6 3 3 ;"
expect "flagged.csv below a title: kind, searches, set aside" \
    "$(q "SELECT kind || ' ' || searches || ' ' || set_aside FROM sources WHERE cite LIKE '%flagged_csv_below_a_title.csv'")" \
    "document 0 2"
expect "no column guessed" "$(q "SELECT COUNT(*) FROM diagnostics WHERE code = 'schema.inferred'")" 0
expect "the ICE rows flagged" "$(q "SELECT COUNT(*) FROM flagged_rows WHERE categories LIKE '%immigration%'")" 4
finish
