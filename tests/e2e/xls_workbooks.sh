#!/bin/sh
# Excel 97-2003 workbooks (.xls), as older agency systems export them. Before, every .xls was
# skipped with "this format is not read (yet)", and its "assist ICE" row was never flagged.
# Now each worksheet is a source cited "file > sheet" with the workbook's SHA-256; text,
# numbers and date-time cells read as in an XLSX; a blank row counted; a notes sheet set
# aside. A workbook cut off, one protected by a password (an .xls, or an .xlsx, which Office
# then stores as an OLE2 file), and a Word or PowerPoint 97-2003 file or an Outlook message
# (OLE2 files too) are each said to be what they are, naming the file; so is a damaged workbook
# on which FreeXL reads past a string (found by fuzzing; FreeXL runs in a child process, so
# that the scan outlives it). The same workbook inside a zip, or compressed with gzip or zstd
# (so is a web page), is read the same way. No plate of the workbook reaches an output.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
need_sqlite3
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
D=tests/data/xls
mkdir "$T/rel"
cp "$D"/* "$T/rel/"
"$B/sunlight" scan "$T/rel" -o "$T/out" --key "$T/k" >"$T/log" 2>&1
expect "exit code (errors and warnings)" "$?" 1
q() { sqlite3 "$T/out/sunlight.db" "$1"; }
expect "sources" "$(q "SELECT id || ' ' || coalesce(parent_id, '-') || ' ' || replace(cite, '$T/', '') || ' ' || format || ' ' || records || ' ' || searches || ' ' || blank || ' ' || set_aside || ' ' || flagged FROM sources ORDER BY id")" \
"1 - rel/audit_saved_as_97_2003.xls xls 0 0 0 0 0
2 1 rel/audit_saved_as_97_2003.xls > Notes xls 2 0 0 2 0
3 1 rel/audit_saved_as_97_2003.xls > Network Audit xls 4 3 1 0 2
4 - rel/export_sent_as_outlook_message.msg msg 0 0 0 0 0
5 - rel/password_protected.xls xls 0 0 0 0 0
6 - rel/password_protected.xlsx xls 0 0 0 0 0
7 - rel/powerpoint_97_presentation.ppt ppt 0 0 0 0 0
8 - rel/shared_strings_table.xls xls 0 0 0 0 0
9 8 rel/shared_strings_table.xls > Audit xls 1 1 0 0 1
10 - rel/string_longer_than_its_record.xls xls 0 0 0 0 0
11 - rel/word_97_document.doc doc 0 0 0 0 0
12 - rel/workbook_cut_off.xls xls 0 0 0 0 0"
sha=$(sha256sum "$D/audit_saved_as_97_2003.xls" | cut -d' ' -f1)
expect "a sheet is cited with the workbook's SHA-256" "$(q "SELECT sha256 FROM sources WHERE id = 3")" "$sha"
expect "flagged rows: record, line, name, networks, search time, reason, categories" \
    "$(q "SELECT record || ' ' || line || ' ' || name || ' ' || coalesce(networks, '-') || ' ' || search_time || ' ' || reason || ' ' || categories FROM flagged_rows ORDER BY row_id")" \
"2 2 José Núñez 14 2025-06-02T13:02:33Z assist ICE with locate immigration
5 5 B Jones - 2025-06-04T00:00:00Z Immigration (criminal) immigration
2 2 José Núñez 14 2025-06-02T13:02:33Z assist ICE with locate immigration"
expect "flagged.csv cites the sheet" "$(grep -c "^rel/audit_saved_as_97_2003.xls > Network Audit,$sha,,Network Audit,2,2," "$T/out/flagged.csv" | tr -d ' ')" 1
check "! grep -rq 'KPX4471\|MWR215' '$T/out'" "a plate of the workbook reached an output raw"
expect "notes" "$(q "SELECT source_id || ' ' || code FROM diagnostics WHERE source_id != 10 ORDER BY source_id, code")" \
"2 schema.sheet_not_a_log
3 field.unparseable_networks
3 xlsx.blank_rows
4 mail.no_attachment
5 source.unread
5 xls.encrypted
6 source.unread
6 xls.encrypted
7 xls.not_a_workbook
11 xls.not_a_workbook
12 source.unread
12 xls.damaged"
# The fuzz crasher (FreeXL reads past a string): what FreeXL then reads is whatever lies past
# its buffer, so it is said as damage, or now and then as a file holding no workbook; said
# either way (test_xls runs it many times over).
case "$(q "SELECT group_concat(code, ' ') FROM (SELECT code FROM diagnostics WHERE source_id = 10 ORDER BY code)")" in
"source.unread xls.damaged" | "xls.not_a_workbook") ok ;;
*) bad "the fuzz crasher's notes: $(q "SELECT code FROM diagnostics WHERE source_id = 10")" ;;
esac
check "grep -q 'workbook_cut_off.xls: cannot be read as an Excel 97-2003 workbook: it ends before the data it announces (cut off?)' '$T/log'" "the cut-off workbook is named on the terminal"
check "grep -q 'password_protected.xls: no worksheet could be read from the workbook: it is most likely protected by a password' '$T/log'" "the protected workbook is named on the terminal"
# An .xlsx protected by a password is an OLE2 file too (an "EncryptedPackage" stream): before,
# it was called "an Office 97-2003 file that holds no Excel workbook (a Word or PowerPoint
# document?)".
check "grep -q 'password_protected.xlsx: protected by a password (an encrypted .xlsx, .docx or .pptx)' '$T/log'" "the protected .xlsx is said to be protected"
# A Word or PowerPoint 97-2003 file, and an Outlook message (an export e-mailed by the agency),
# are OLE2 files too: each is said to be what it is (before, each was "a Word or PowerPoint
# document?"); the message is read for its attachments (this one has none; tests/e2e/mail.sh).
check "grep -q 'word_97_document.doc: a Word 97-2003 document (.doc), not a workbook' '$T/log'" "the .doc is said to be a Word document"
check "grep -q 'powerpoint_97_presentation.ppt: a PowerPoint 97-2003 presentation (.ppt), not a workbook' '$T/log'" "the .ppt is said to be a presentation"
check "grep -q 'export_sent_as_outlook_message.msg: an e-mail message with no attachment' '$T/log'" "the .msg is read as an e-mail, and said to hold no attachment"

# inspect: a sheet has no bytes of its own; it shows the workbook's hash as the workbook's.
expect "inspect: the sheet's format line" "$("$B/sunlight" inspect "$D/audit_saved_as_97_2003.xls" 2>/dev/null | grep -A2 '> Network Audit$' | grep 'format' | sed 's/  */ /g')" \
    " format xls, utf-8, sha256 $(echo "$sha" | cut -c1-16)... (the workbook's)"

# The workbook inside a zip: read the same way, cited through the zip.
mkdir "$T/z"
(cd "$D" && zip -q "$T/z/rel.zip" audit_saved_as_97_2003.xls)
"$B/sunlight" scan "$T/z" -o "$T/outz" --key "$T/k" >"$T/logz" 2>&1
expect "zip: exit code (a warning)" "$?" 1
expect "zip: the sheet's source" "$(sqlite3 "$T/outz/sunlight.db" "SELECT replace(cite, '$T/', '') || ' ' || sha256 || ' ' || searches FROM sources WHERE sheet = 'Network Audit'")" \
    "z/rel.zip > audit_saved_as_97_2003.xls > Network Audit $sha 3"
expect "zip: the same flagged rows" "$(sqlite3 "$T/outz/sunlight.db" "SELECT record || ' ' || name FROM flagged_rows ORDER BY row_id")" "2 José Núñez
5 B Jones"

# Compressed on their own (gzip, zstd), a workbook and a web page are read as what they hold;
# before, they were read as text: the workbook skipped, the page set aside as a document.
mkdir "$T/gz"
gzip -c "$D/audit_saved_as_97_2003.xls" >"$T/gz/audit.xls.gz"
zstd -q -c tests/data/html/audit_table_saved_as_xls.xls >"$T/gz/export.xls.zst"
"$B/sunlight" scan "$T/gz" -o "$T/outgz" --key "$T/k" >"$T/loggz" 2>&1
expect "compressed: sources" "$(sqlite3 "$T/outgz/sunlight.db" "SELECT replace(cite, '$T/', '') || ' ' || format || ' ' || searches || ' ' || flagged FROM sources ORDER BY id")" \
"gz/audit.xls.gz xls 0 0
gz/audit.xls.gz > Notes xls 0 0
gz/audit.xls.gz > Network Audit xls 3 2
gz/export.xls.zst html 0 0
gz/export.xls.zst > table 1 html 3 2"
expect "compressed: the workbook's sheet cites the decompressed bytes' SHA-256" "$(sqlite3 "$T/outgz/sunlight.db" "SELECT sha256 FROM sources WHERE cite LIKE '%Network Audit'")" "$sha"
finish
