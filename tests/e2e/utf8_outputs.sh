#!/bin/sh
# Every output is valid UTF-8, whatever bytes the release held: a UTF-8 export with two
# damaged bytes (read as UTF-8, so its accented names stay right) and a zip whose member name
# is Windows-1252. The database must open in Python's sqlite3 (what pandas and most scripts
# use), which refuses a whole table over one invalid byte in a text value.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
if ! command -v python3 >/dev/null 2>&1; then
    echo "skipped: python3 missing"; echo "0 passed, 0 failed, 1 skipped"; exit 0
fi
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
"$B/sunlight" scan tests/data/text/utf8_damaged_bytes.csv tests/data/zip/member_name_cp1252_unflagged.zip \
    -o "$T/out" --key "$T/k" >"$T/log" 2>&1
rc=$?
check "[ $rc -le 1 ]" "scan failed ($rc): $(tail -n 3 "$T/log")"
python3 - "$T/out" <<'PY' >"$T/py" 2>&1
import sqlite3, sys, os
out = sys.argv[1]
bad = []
for f in ('flagged.csv', 'summary.json', 'report.html'):
    try:
        open(os.path.join(out, f), 'rb').read().decode('utf-8')
    except UnicodeDecodeError as e:
        bad.append(f'{f}: {e}')
db = sqlite3.connect(os.path.join(out, 'sunlight.db'))
for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"):
    try:
        db.execute(f'SELECT * FROM "{t}"').fetchall()
    except sqlite3.Error as e:
        bad.append(f'table {t}: {e}')
print('\n'.join(bad) if bad else 'all valid')
enc = db.execute("SELECT encoding FROM sources WHERE cite LIKE '%utf8_damaged_bytes.csv'").fetchone()
print('encoding', enc and enc[0])
print('name', db.execute("SELECT COUNT(*) FROM flagged_rows WHERE name LIKE 'Jos\u00e9 N\u00fa\u00f1ez%'").fetchone()[0])
print('reason', db.execute("SELECT reason FROM flagged_rows WHERE reason LIKE 'assist ICE hold%'").fetchone()[0])
print('member', db.execute("SELECT cite FROM sources WHERE member IS NOT NULL AND cite LIKE '%enero%'").fetchone()[0])
PY
expect "outputs" "$(sed -n 1p "$T/py")" "all valid"
expect "encoding" "$(grep '^encoding' "$T/py")" "encoding utf-8"
check "grep -q '^name [1-9]' '$T/py'" "accented names not kept: $(grep '^name' "$T/py")"
expect "reason" "$(grep '^reason' "$T/py")" "reason assist ICE hold $(printf '\357\277\275') now"
expect "member" "$(grep '^member' "$T/py")" "member tests/data/zip/member_name_cp1252_unflagged.zip > B$(printf '\357\277\275')squeda $(printf '\357\277\275') enero.csv"

# Two organizations whose names differ only in a damaged byte are one name in every output:
# their counts are added (the scan had stopped on a duplicate key in the counts table).
"$B/sunlight" scan tests/data/text/orgs_differing_only_in_damaged_bytes.csv -o "$T/out2" --key "$T/k" \
    >"$T/log2" 2>&1
rc=$?
check "[ $rc -le 1 ]" "orgs differing in a damaged byte: scan failed ($rc): $(tail -n 2 "$T/log2")"
expect "their rows, added" "$(sqlite3 "$T/out2/sunlight.db" "SELECT category || ' ' || rows FROM counts WHERE org = 'Springfield ' || char(65533) || ' PD' ORDER BY category" 2>&1 | tr '\n' ' ')" \
    "all 2 immigration 2 "
finish
