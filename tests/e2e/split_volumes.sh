#!/bin/sh
# Releases too big for a portal's upload limit arrive split into volumes: a zip cut into
# numbered pieces (release.zip.001, .002, .003: 7-Zip, HJSplit, split), a zip split by zip -s
# (release.z01, release.zip; one without its .zip, one without a middle part), a RAR in
# volumes (release.part1.rar, ...), a CSV cut mid-row.
# Before, each piece was a "binary file" or a "damaged" archive and no row was read (and a
# RAR volume was read as if whole, its shared file cut short without a word). Now the pieces
# of one file are read joined (a RAR across its volumes), as the first piece, its size and
# SHA-256 those of the pieces joined in order; a missing piece is named, and so is a RAR
# volume alone; two whole exports that only carry numbers (each with its header) are read
# apart.
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
"- $D/first_volume_alone/release.zip.001 zip 0 0 0
- $D/numbered/release.zip.001 zip 0 0 0
2 $D/numbered/release.zip.001 > export/audit.csv csv 3000 3000 3000
- $D/one_missing/release.zip.001 zip 0 0 0
- $D/rar/release.part1.rar rar 0 0 0
5 $D/rar/release.part1.rar > export/audit.csv csv 300 300 300
- $D/rar_volume_alone/old_style.rar rar 0 0 0
7 $D/rar_volume_alone/old_style.rar > audit.csv csv 20 20 20
- $D/rar_volume_alone/release.part1.rar rar 0 0 0
9 $D/rar_volume_alone/release.part1.rar > export/audit.csv csv 101 100 100
- $D/split_zip/release.z01 zip 0 0 0
11 $D/split_zip/release.z01 > export/audit.csv csv 1100 1100 1100
- $D/split_zip_missing_a_middle_part/release.z01 zip 0 0 0
13 $D/split_zip_missing_a_middle_part/release.z01 > export/audit.csv csv 1068 1067 1066
- $D/split_zip_without_its_last_part/release.z01 zip 0 0 0
15 $D/split_zip_without_its_last_part/release.z01 > export/audit.csv csv 948 947 947
- $D/text_cut_in_two/audit.csv.001 csv 300 300 300
- $D/whole_exports_numbered/audit.001 csv 2 2 0
- $D/whole_exports_numbered/audit.002 csv 2 2 0"
joined=$(cat "$D"/numbered/release.zip.0* | sha256sum | cut -d' ' -f1)
expect "the pieces' hash: the pieces joined in order" "$(q "SELECT sha256 || ' ' || size FROM sources WHERE id = 2")" \
    "$joined $(cat "$D"/numbered/release.zip.0* | wc -c | tr -d ' ')"
expect "the text cut mid-row reads whole: its hash is the whole text's" "$(q "SELECT sha256 FROM sources WHERE cite LIKE '%audit.csv.001'")" \
    "$(cat "$D"/text_cut_in_two/audit.csv.00* | sha256sum | cut -d' ' -f1)"
expect "the text cut mid-row: no row cut, none rejected" "$(q "SELECT rejected FROM sources WHERE cite LIKE '%audit.csv.001'")" 0
expect "the 'assist ICE' rows cite the first piece" "$(q "SELECT count(*) FROM flagged_rows r JOIN sources s ON s.id = r.source_id WHERE s.cite = '$D/numbered/release.zip.001 > export/audit.csv' AND r.categories = 'immigration'")" 31
check "grep -q 'one_missing/release.zip.001: release.zip.002, a volume of this split file, is missing' '$T/log'" "the missing piece is named"
check "grep -q 'split_zip_without_its_last_part/release.z01: release.zip, the last volume of this split zip (the one that lists its files), is missing' '$T/log'" "the split zip's missing .zip is named"
check "grep -q 'split_zip_missing_a_middle_part/release.z01: release.z02, a volume of this split file, is missing' '$T/log'" "a split zip's missing middle part is named (its .zip counts the parts)"
check "grep -q 'one_missing/release.zip.003: binary file' '$T/log'" "the piece after the gap is said to be unreadable on its own"
expect "notes: the pieces read joined" "$(q "SELECT replace(message, '$D/', '') FROM diagnostics WHERE code = 'read.volumes' ORDER BY message")" \
"numbered/release.zip.001: the first of 3 volumes (to release.zip.003), read as one file joined in order: its size and hash are those of the volumes joined
rar/release.part1.rar: the first of 3 volumes of a RAR archive (to release.part3.rar), read as one: its size and hash are those of the volumes joined
split_zip/release.z01: the first of 2 volumes (to release.zip), read as one file joined in order: its size and hash are those of the volumes joined
split_zip_missing_a_middle_part/release.z01: the first of 2 volumes (to release.zip), read as one file joined in order: its size and hash are those of the volumes joined
text_cut_in_two/audit.csv.001: the first of 2 volumes (to audit.csv.002), read as one file joined in order: its size and hash are those of the volumes joined"
expect "notes: the pieces missing" "$(q "SELECT substr(message, 1, instr(message, ',') - 1) FROM diagnostics WHERE code = 'read.volume_missing' ORDER BY message")" \
"release.z02
release.zip
release.zip.002"
# RAR volumes are read across (libarchive), not joined: the hash is still of all of them
expect "the RAR's hash: its volumes joined in order" "$(q "SELECT sha256 FROM sources WHERE id = 5")" \
    "$(cat "$D"/rar/release.part1.rar "$D"/rar/release.part2.rar "$D"/rar/release.part3.rar | sha256sum | cut -d' ' -f1)"
# One RAR volume alone reads as if whole (libarchive says nothing): said for each, RAR 5 and 4
expect "a RAR volume alone is said to be one" "$(grep -c 'one volume of a multi-volume RAR archive, read without the others' "$T/log")" 2
check "grep -q 'rar_volume_alone/release.part1.rar: one volume of a multi-volume RAR' '$T/log'" "the RAR 5 volume alone is named"
check "grep -q 'rar_volume_alone/old_style.rar: one volume of a multi-volume RAR' '$T/log'" "the RAR 4 volume alone is named"
# A first volume alone, with nothing to join: the damage it reads as is said, and so is the
# likelier cause
check "grep -q 'first_volume_alone/release.zip.001: cannot open as zip: .*; its name is the first volume.s of a file split in pieces (name.001, name.002, ...): if the others were not with it, put them in the folder and scan again' '$T/log'" "a first volume alone is said to be one"
expect "files counted: every piece" "$(grep -o '^read [0-9]* files' "$T/log")" "read 20 files"
finish
