#!/bin/sh
# Releases too big for a portal's upload limit arrive split into volumes: a zip cut into
# numbered pieces (release.zip.001, .002, .003: 7-Zip, HJSplit, split), a zip split by zip -s
# (release.z01, release.zip), a CSV cut mid-row. Before, each piece was a "binary file" or a
# "damaged" archive and no row was read. Now the pieces of one file are read joined, as the
# first piece, its size and SHA-256 those of the pieces joined in order; a missing piece is
# named; two whole exports that only carry numbers (each with its header) are read apart.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
need_sqlite3
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
D=tests/data/volumes
"$B/sunlight" scan "$D" -o "$T/out" --key "$T/k" >"$T/log" 2>&1
expect "exit code (the missing volumes are warnings)" "$?" 1
q() { sqlite3 "$T/out/sunlight.db" "$1"; }
expect "sources" "$(q "SELECT coalesce(parent_id, '-') || ' ' || cite || ' ' || format || ' ' || records || ' ' || searches || ' ' || flagged FROM sources ORDER BY id")" \
"- $D/numbered/release.zip.001 zip 0 0 0
1 $D/numbered/release.zip.001 > export/audit.csv csv 3000 3000 3000
- $D/one_missing/release.zip.001 zip 0 0 0
- $D/split_zip/release.z01 zip 0 0 0
4 $D/split_zip/release.z01 > export/audit.csv csv 1100 1100 1100
- $D/split_zip_without_its_last_part/release.z01 zip 0 0 0
6 $D/split_zip_without_its_last_part/release.z01 > export/audit.csv csv 948 947 947
- $D/text_cut_in_two/audit.csv.001 csv 300 300 300
- $D/whole_exports_numbered/audit.001 csv 2 2 0
- $D/whole_exports_numbered/audit.002 csv 2 2 0"
joined=$(cat "$D"/numbered/release.zip.0* | sha256sum | cut -d' ' -f1)
expect "the pieces' hash: the pieces joined in order" "$(q "SELECT sha256 || ' ' || size FROM sources WHERE id = 1")" \
    "$joined $(cat "$D"/numbered/release.zip.0* | wc -c | tr -d ' ')"
expect "the text cut mid-row reads whole: its hash is the whole text's" "$(q "SELECT sha256 FROM sources WHERE cite LIKE '%audit.csv.001'")" \
    "$(cat "$D"/text_cut_in_two/audit.csv.00* | sha256sum | cut -d' ' -f1)"
expect "the text cut mid-row: no row cut, none rejected" "$(q "SELECT rejected FROM sources WHERE cite LIKE '%audit.csv.001'")" 0
expect "the 'assist ICE' rows cite the first piece" "$(q "SELECT count(*) FROM flagged_rows r JOIN sources s ON s.id = r.source_id WHERE s.cite = '$D/numbered/release.zip.001 > export/audit.csv' AND r.categories = 'immigration'")" 31
check "grep -q 'one_missing/release.zip.001: release.zip.002, a volume of this split file, is missing' '$T/log'" "the missing piece is named"
check "grep -q 'split_zip_without_its_last_part/release.z01: release.zip, the last volume of this split zip (the one that lists its files), is missing' '$T/log'" "the split zip's missing .zip is named"
check "grep -q 'one_missing/release.zip.003: binary file' '$T/log'" "the piece after the gap is said to be unreadable on its own"
expect "notes: the pieces read joined" "$(q "SELECT replace(message, '$D/', '') FROM diagnostics WHERE code = 'read.volumes' ORDER BY message")" \
"numbered/release.zip.001: the first of 3 volumes (to release.zip.003), read as one file joined in order: its size and hash are those of the volumes joined
split_zip/release.z01: the first of 2 volumes (to release.zip), read as one file joined in order: its size and hash are those of the volumes joined
text_cut_in_two/audit.csv.001: the first of 2 volumes (to audit.csv.002), read as one file joined in order: its size and hash are those of the volumes joined"
expect "notes: the pieces missing" "$(q "SELECT substr(message, 1, instr(message, ',') - 1) FROM diagnostics WHERE code = 'read.volume_missing' ORDER BY message")" \
"release.zip
release.zip.002"
expect "files counted: every piece" "$(grep -o '^read [0-9]* files' "$T/log")" "read 12 files"
finish
