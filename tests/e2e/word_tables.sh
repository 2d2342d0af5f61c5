#!/bin/sh
# Audits in text documents (tests/data/word, written by make_fixtures.py): a Word memo holding
# the audit as a table (with a tracked deletion, a cell of two paragraphs, an agency cell
# merged over two rows as a grouped report does, a reason spanning two columns) and a
# signature table, the same audit in an OpenDocument text, and a Word document cut off.
# Before, both documents were skipped whole ("Word document: not read") and their ICE and
# protest searches were never flagged. Each table is read like a sheet, cited "memo.docx >
# table 1" with the document's SHA-256; the signature table is set aside as no log; the
# merged agency cell gives its agency to the row below; plates become tokens.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
need_sqlite3
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
D=tests/data/word
"$B/sunlight" scan "$D" -o "$T/out" --key "$T/k" >"$T/log" 2>&1
expect "exit code (the cut-off document is an error)" "$?" 1
q() { sqlite3 "$T/out/sunlight.db" "$1"; }
expect "sources" "$(q "SELECT id || ' ' || coalesce(parent_id, '-') || ' ' || cite || ' ' || format || ' ' || records || ' ' || searches || ' ' || set_aside || ' ' || flagged FROM sources ORDER BY id")" \
"1 - $D/audit_table_in_a_word_memo.docx docx 0 0 0 0
2 1 $D/audit_table_in_a_word_memo.docx > table 1 docx 3 3 0 2
3 1 $D/audit_table_in_a_word_memo.docx > table 2 docx 2 0 2 0
4 - $D/audit_table_in_an_opendocument_text.odt odt 0 0 0 0
5 4 $D/audit_table_in_an_opendocument_text.odt > Table1 odt 3 3 0 2
6 - $D/word_memo_cut_off.docx zip 0 0 0 0"
sha=$(sha256sum "$D/audit_table_in_a_word_memo.docx" | cut -d' ' -f1)
expect "a table is cited with the document's SHA-256" "$(q "SELECT sha256 FROM sources WHERE id = 2")" "$sha"
expect "flagged rows: source, record, name, org, reason, categories" \
    "$(q "SELECT source_id || ' ' || record || ' ' || name || ' ' || coalesce(org, '-') || ' ' || reason || ' ' || categories FROM flagged_rows ORDER BY row_id")" \
"2 2 M. Ortiz Springfield IL PD assist ICE with locate immigration
2 4 K. Wu Springfield IL PD protest at city hall first_amendment
5 2 M. Ortiz Springfield IL PD assist ICE with locate immigration
5 4 K. Wu Shelbyville IN SO protest at city hall first_amendment"
expect "the tracked deletion is not in the reason" "$(q "SELECT count(*) FROM flagged_rows WHERE reason LIKE '%HSI%'")" 0
expect "the plate is a token" "$(q "SELECT plate_state || ' ' || substr(plate_token, 1, 3) FROM flagged_rows WHERE source_id = 2 AND record = 2")" "value pt_"
check "! grep -rq 'KPX4471\|MWR215\|LPR5521' '$T/out'" "a plate of the documents reached an output raw"
check "! sqlite3 '$T/out/sunlight.db' .dump | grep -q 'KPX4471\|MWR215\|LPR5521'" "a plate of the documents is in the database"
expect "notes" "$(q "SELECT coalesce(source_id, 0) || ' ' || severity || ' ' || code FROM diagnostics ORDER BY source_id, code")" \
"2 info docx.merged_cells
3 info schema.sheet_not_a_log
6 error archive.unreadable
6 warn source.unread"
expect "flagged.csv cites the table" "$(grep -c "^$D/audit_table_in_a_word_memo.docx > table 1,$sha,,table 1,2,2,immigration," "$T/out/flagged.csv" | tr -d ' ')" 1

# The memo inside a zip: read the same way, cited through the zip.
mkdir "$T/z"
(cd "$D" && zip -q "$T/z/rel.zip" audit_table_in_a_word_memo.docx)
"$B/sunlight" scan "$T/z" -o "$T/outz" --key "$T/k" >"$T/logz" 2>&1
expect "zip: exit code" "$?" 0
expect "zip: the tables' sources" "$(sqlite3 "$T/outz/sunlight.db" "SELECT replace(cite, '$T/', '') || ' ' || searches || ' ' || flagged FROM sources WHERE sheet IS NOT NULL ORDER BY id")" \
"z/rel.zip > audit_table_in_a_word_memo.docx > table 1 3 2
z/rel.zip > audit_table_in_a_word_memo.docx > table 2 0 0"
finish
