#!/bin/sh
# documents.sh: the papers a records release arrives with (README, cover letter, notes, JSON,
# Word and OpenDocument files) are not logs that failed. A text document's lines are counted
# and set aside (INFO; an XML or HTML file WARNs: it may hold a log not read yet), none
# rejected; a JSON list that is not a log is set aside with a warning; a Word or OpenDocument
# text is read for its tables (a letter holds none: a note, exit 0 for it); a presentation is
# skipped whole with one warning, not read part by part. A table that is not a log is still
# rejected, even named .txt. Fixtures: tests/data/
# release_with_documents/, documents_that_warn/, unknown_table/ (make_fixtures.py).
# Last line: "N passed, N failed, N skipped". SL_BUILD names the build folder (default build).
cd "$(dirname "$0")/../.." || exit 2
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
need_sqlite3
T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT
has() { # $1 = file, $2 = fixed string, $3 = what
    if grep -qF -- "$2" "$1"; then ok; else bad "$3: no '$2' in $1"; fi
}
# one line per source: name|kind|records|searches|rejected|blank|set_aside
sources() {
    sqlite3 "$1/sunlight.db" "select replace(cite, '$2/', '') || '|' || kind || '|' || records || '|' ||
        searches || '|' || rejected || '|' || blank || '|' || set_aside from sources order by id" 2>/dev/null
}
q() { sqlite3 "$1/sunlight.db" "$2" 2>/dev/null; }
# scan_case NAME DIR RC SOURCES: scans the fixture folder DIR into $T/NAME (log $T/NAME.log) and
# checks the exit code and the sources (as `sources` lists them)
scan_case() {
    "$B/sunlight" scan "$2" -o "$T/$1" --key "$T/k" >"$T/$1.log" 2>&1; rc=$?
    expect "exit code, $2" "$rc" "$3"
    expect "sources of $2" "$(sources "$T/$1" "$2")" "$4"
}
NL='
'

# 1. A clean log with a README, a cover letter and clerk's notes (no extension: prose by its
#    shape): every document line set aside, nothing rejected, nothing to warn about: exit 0.
R=tests/data/release_with_documents
scan_case a "$R" 0 \
"NOTES|document|4|0|0|0|4${NL}README.md|document|6|0|0|0|6${NL}cover_letter.txt|document|5|0|0|0|5${NL}network_audit.csv|network_audit|3|3|0|0|0"
expect "kind_how of the documents" "$(q "$T/a" "select kind_how from sources where kind = 'document' order by id")" \
"content: prose, not a table (3 of 4 sampled records hold one non-empty cell)${NL}file name (.md): a Markdown document${NL}file name (.txt): a plain-text document"
expect "diagnostics of $R" "$(q "$T/a" "select severity || ' ' || code || ' ' || count(*) from diagnostics group by severity, code")" \
    "info schema.document_not_a_log 3"
expect "README message" "$(q "$T/a" "select message from diagnostics where source_id = 2")" \
    "taken for a Markdown document, not an audit log (its name ends in .md): its lines (6 records) counted and set aside, none rejected"
expect "accounting" "$(q "$T/a" "select count(*) from sources where records != searches + rejected + header_repeats + blank + set_aside")" 0
has "$T/a.log" "18 records: 3 search rows, 0 rejected, 15 skipped (repeated headers, blank, set aside)" "CLI totals"
if command -v python3 >/dev/null 2>&1; then
    python3 - "$T/a/summary.json" <<'PY' && ok || bad "summary.json totals of $R"
import json, sys
t = json.load(open(sys.argv[1]))['totals']
assert (t['records'], t['rejected'], t['set_aside'], t['skipped']) == (18, 0, 15, 15), t
PY
else skip "python3 missing: summary.json not checked"; fi
has "$T/a/report.html" "documents that came with the release" "report says what set-aside rows are"
"$B/sunlight" inspect "$R/README.md" >"$T/i.txt" 2>/dev/null
has "$T/i.txt" "6 rows set aside: a document that came with the release, not a log" "inspect of a document"

# 1b. An earlier run's flagged.csv copied in beside the log: its rows are copies, so it is set
#     aside with a warning, not read as the network audit its columns resemble.
"$B/slgen" --out "$T/gen" --seed 5 --size 200K >/dev/null 2>&1
mkdir -p "$T/own"
cp "$T/gen/network_audit_big.csv" "$T/own/"
"$B/sunlight" scan "$T/own" -o "$T/o1" --key "$T/k" -q >/dev/null 2>&1
nf=$(q "$T/o1" "select sum(flagged) from sources")
recs=$(q "$T/o1" "select records from sources")
cp "$T/o1/flagged.csv" "$T/own/old_flagged.csv"
"$B/sunlight" scan "$T/own" -o "$T/o" --key "$T/k" >"$T/o.log" 2>&1; rc=$?
expect "exit code, a copied flagged.csv" "$rc" 1
expect "sources with a copied flagged.csv" "$(sources "$T/o" own)" \
"network_audit_big.csv|network_audit|$recs|$recs|0|0|0${NL}old_flagged.csv|document|$nf|0|0|0|$nf"
expect "flagged rows with a copied flagged.csv" "$(q "$T/o" "select sum(flagged) from sources")" "$nf"
has "$T/o.log" "taken for sunlight's own flagged.csv, not an audit log" "copied flagged.csv named"
# and its summary.json and report.html: outputs of an earlier scan (INFO), not "a format not
# read yet" (a warning)
cp "$T/o1/summary.json" "$T/o1/report.html" "$T/own/"
"$B/sunlight" scan "$T/own" -o "$T/o2" --key "$T/k" >"$T/o2.log" 2>&1
expect "kinds of copied outputs" "$(q "$T/o2" "select kind_how from sources where kind = 'document' order by id")" \
"header: flagged.csv written by sunlight${NL}content: sunlight's own report.html${NL}content: sunlight's own summary.json"
expect "warnings about copied outputs" "$(grep -c 'does not read this format' "$T/o2.log")" 0

# 2. Files that may hold a log in a format not read yet: the JSON's list (an index of files)
#    read, and set aside with a warning, its one record counted; the Word and OpenDocument
#    letters (also the Word one inside a zip) read for tables, none found, a note each; the
#    PowerPoint deck skipped whole, one warning, none of its XML parts read as texts: exit 1.
R=tests/data/documents_that_warn
scan_case b "$R" 1 \
"letter.docx|unknown|0|0|0|0|0${NL}letter.odt|unknown|0|0|0|0|0${NL}records_index.json|unknown|0|0|0|0|0${NL}records_index.json > files|unknown|1|0|0|0|1${NL}release.zip|unknown|0|0|0|0|0${NL}release.zip > network_audit.csv|network_audit|3|3|0|0|0${NL}release.zip > letter.docx|unknown|0|0|0|0|0"
expect "unsupported formats" "$(grep -c 'read.unsupported_format' "$T/b.log")" 1
has "$T/b.log" "warning: $R/slides.pptx: PowerPoint presentation: not read (yet)" "PowerPoint skipped"
expect "letters without a table: notes, not warnings" "$(q "$T/b" "select replace(s.cite, '$R/', '') || ' ' || d.severity || ' ' || d.code from diagnostics d join sources s on s.id = d.source_id where d.code like '%.no_table' order by s.id")" \
"letter.docx info docx.no_table${NL}letter.odt info odt.no_table${NL}release.zip > letter.docx info docx.no_table"
has "$T/b.log" "warning: $R/records_index.json > files record 1 (line 4): list of records holds no audit log (its keys are not a log's columns, and the columns cannot be told from the values: too few records (1) to infer columns); found: \"name\", \"rows\" (2 cells); its records are counted and set aside. If it is another system's log, describe its keys in a map file (--map) [schema.json_not_a_log]" "JSON list that is no log set aside with a warning"
expect "no error" "$(grep -c '^error:' "$T/b.log")" 0
# Files skipped whole are about the run (no source), a member skipped is about its zip; the
# stored message names the file either way, and the report lists them.
expect "skipped files in the database" "$(q "$T/b" "select coalesce(source_id, 0) || '|' || message from diagnostics where code = 'read.unsupported_format' order by 1")" \
"0|$R/slides.pptx: PowerPoint presentation: not read (yet); if it holds a log, export it as CSV; file skipped"
has "$T/b/report.html" "<code>read.unsupported_format</code> &times; 1" "report lists the skipped file"

# 3. Tables that are not a log stay rejected, for someone to look at: a CSV; a tab-delimited
#    .txt (a document name, but shaped like a table); a one-column .csv (one value per line,
#    but named as a table); a log cut by '|' with no header, two lines too few to infer its
#    columns. The same log with its header, named .txt, is read: the reader splits on '|'.
R=tests/data/unknown_table
scan_case c "$R" 1 \
"camera_list.txt|unknown|3|0|3|0|0${NL}inventory.csv|unknown|4|0|4|0|0${NL}pipe_delimited_log|unknown|2|0|2|0|0${NL}pipe_delimited_log.txt|network_audit|2|2|0|0|0${NL}plates_one_column.csv|unknown|4|0|4|0|0"
expect "errors of $R" "$(grep -c 'schema.no_header' "$T/c.log")" 4
expect "the pipe log's format" "$(q "$T/c" "select format from sources where cite like '%pipe_delimited_log.txt'")" psv
finish
