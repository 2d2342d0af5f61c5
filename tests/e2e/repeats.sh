#!/bin/sh
# One plate, searched again and again ("the same plate searched forty times by one officer"):
# on a generated release the pair the generator planted (truth.json planted_repeat: a
# producer's officer who searches one plate in a share of their lookups) is the one finding,
# its token that of the planted plate under the run's key (HMAC-SHA256 computed in Python), its
# searches, rows, days, first and last times and case numbers equal to an independent count in
# Python over the release's own CSVs, and every row cited. The report and summary.json say the
# same as the database, the plate never appears, one thread and two give the same bytes. Then
# small hand-made logs: a hot-list lookup, a wildcard and a burst on two days are not findings;
# a duplicate file is counted once; a release whose names and plates are "***" counts nothing
# and says why.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
need_sqlite3
command -v python3 >/dev/null 2>&1 || { echo "skipped: python3 missing"; echo "0 passed, 0 failed, 1 skipped"; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

"$B/slgen" --out "$T/rel" --seed 42 >/dev/null || bad "slgen failed"
mv "$T/rel/truth.csv" "$T/rel/truth.json" "$T/"
"$B/sunlight" scan "$T/rel" -o "$T/out" --key "$T/key" --threads 2 >"$T/log" 2>&1
rc=$?
check '[ $rc -le 1 ]' "scan of the generated release: exit $rc"
DB=$T/out/sunlight.db
q() { sqlite3 -separator '|' "$DB" "$1"; }

planted=$(python3 -c "
import json; p = json.load(open('$T/truth.json'))['planted_repeat']
print(p['org'] + '|' + p['name'] + '|' + p['plate'])")
check '[ -n "$planted" ]' "truth.json names no planted repeat"
org=$(echo "$planted" | cut -d'|' -f1); name=$(echo "$planted" | cut -d'|' -f2)
plate=$(echo "$planted" | cut -d'|' -f3)
token=$(python3 -c "
import hmac, hashlib, re, sys
key = bytes.fromhex(open('$T/key').read().strip())
p = re.sub('[^A-Z0-9]', '', '$plate'.upper()).encode()
print('pt_' + hmac.new(key, p, hashlib.sha256).hexdigest()[:16])")
expect "findings: the planted pair alone" \
    "$(q "SELECT org || '|' || user || '|' || user_field || '|' || source || '|' || plate_token FROM plate_repeats")" \
    "$org|$name|name||$token"

# An independent count over the release's CSVs: the planted user's rows of the plate (by the
# Org Name, Name and License Plate cells), their search times parsed, copies with the same
# time one search; case numbers and reasons trimmed and compared without case (a reason that
# is redacted, empty or a placeholder is none, by the forms the generator writes); a search is
# flagged when one of its rows is in flagged.csv.
python3 - "$T/rel" "$planted" "$T/out/flagged.csv" >"$T/py" <<'EOF'
import csv, glob, os, sys, datetime, re
rel, planted, flagged_csv = sys.argv[1], sys.argv[2], sys.argv[3]
flagged_at = set()
with open(flagged_csv, newline='', encoding='utf-8-sig') as f:
    for rec in csv.DictReader(f):
        flagged_at.add((os.path.basename(rec['source']), int(rec['record'])))
def no_reason(r):
    r = r.strip()
    return (not r or '\u2588' in r or r.upper().startswith('REDACTED') or '***' in r or
            r.lower() in ('none', 'n/a', 'na', '-', 'x', 'test', '0', '.', '[redacted]', '###') or
            not re.search('[A-Za-z0-9]', r))
org, name, plate = planted.split('|')
def norm(p): return re.sub('[^A-Z0-9]', '', p.upper())
def when(s):
    m = re.match(r'\s*(\d+)/(\d+)/(\d{4}), (\d+):(\d\d):(\d\d) (AM|PM) UTC\s*$', s)
    mo, d, y, h, mi, se, ap = m.groups()
    h = int(h) % 12 + (12 if ap == 'PM' else 0)
    t = datetime.datetime(int(y), int(mo), int(d), h, int(mi), int(se), tzinfo=datetime.timezone.utc)
    return int(t.timestamp())
rows, times, cases, with_case = 0, set(), set(), set()
reasons, with_reason, flagged = set(), set(), set()
for path in sorted(glob.glob(os.path.join(rel, '*.csv'))):
    with open(path, newline='', encoding='utf-8-sig') as f:
        r = csv.reader(f)
        head = [h.strip() for h in next(r)]
        ix = {k: head.index(k) for k in ('Org Name', 'Name', 'License Plate', 'Search Time', 'Case #', 'Search Type') if k in head}
        if len(ix) < 6:
            continue
        for n, rec in enumerate(r, start=2):
            if len(rec) < len(head) or [c.strip() for c in rec[:len(head)]] == head:
                continue
            if rec[ix['Org Name']].strip() != org or rec[ix['Name']].strip() != name:
                continue
            if norm(rec[ix['License Plate']]) != plate or rec[ix['Search Type']].lower().startswith('hotlist'):
                continue
            t = when(rec[ix['Search Time']])
            rows += 1
            times.add(t)
            c = rec[ix['Case #']].strip()
            if c and c not in ('***', 'REDACTED'):
                cases.add(c.lower())
                with_case.add(t)
            reason = rec[head.index('Reason')]
            if not no_reason(reason):
                reasons.add(reason.strip().lower())
                with_reason.add(t)
            if (os.path.basename(path), n) in flagged_at:
                flagged.add(t)
fmt = lambda t: datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
print('|'.join(str(v) for v in (len(times), rows, len({t // 86400 for t in times}),
                                fmt(min(times)), fmt(max(times)), len(with_case), len(cases),
                                len(reasons), len(times - with_reason), len(flagged))))
EOF
expect "finding: searches, rows, days, first, last, with a case, case numbers, reasons, without, flagged (Python)" \
    "$(q "SELECT searches || '|' || rows || '|' || days || '|' || first_time || '|' || last_time || '|' || searches_with_case || '|' || case_numbers || '|' || reasons || '|' || searches_no_reason || '|' || searches_flagged FROM plate_repeats")" \
    "$(cat "$T/py")"
check '[ "$(cut -d"|" -f1 "$T/py")" -ge 10 ] && [ "$(cut -d"|" -f2 "$T/py")" -gt "$(cut -d"|" -f1 "$T/py")" ]' \
    "the planted pair has fewer than 10 searches, or no search seen in two logs: $(cat "$T/py")"
expect "plate_repeat_rows: one per row" "$(q "SELECT COUNT(*) FROM plate_repeat_rows WHERE rank = 1")" "$(cut -d'|' -f2 "$T/py")"
check '[ "$(q "SELECT value FROM run WHERE key = '"'plate_repeat_rows'"'")" -gt 1000 ]' "run: plate_repeat_rows"

# Every cited row holds the plate, in the file and record the database names.
q "SELECT s.path || '|' || r.record FROM plate_repeat_rows r JOIN sources s ON s.id = r.source_id ORDER BY r.rowid" >"$T/cited"
python3 - "$T/cited" "$plate" "$T" >"$T/cited_check" <<'EOF'
import csv, os, re, sys
cited, plate, base = open(sys.argv[1]).read().split('\n'), sys.argv[2], sys.argv[3]
bad = 0
cache = {}
for line in filter(None, cited):
    path, rec = line.rsplit('|', 1)
    if path not in cache:
        with open(os.path.join(base, path), newline='', encoding='utf-8-sig') as f:
            cache[path] = list(csv.reader(f))  # the database's paths: below the folder scanned
    recs = cache[path]
    row = recs[int(rec) - 1]  # record 1 is the header
    head = [h.strip() for h in recs[0]]
    if re.sub('[^A-Z0-9]', '', row[head.index('License Plate')].upper()) != plate:
        bad += 1
print(bad)
EOF
expect "every cited row holds the plate" "$(cat "$T/cited_check")" 0

# The report, summary.json, the closing line; the plate nowhere.
sec() { sed -n '/<h2 id="repeats">/,/<h2 id="examples">/p' "$1"; }
check 'grep -q "href=\"#repeats\"" "$T/out/report.html"' "report: the section in the contents"
check 'sec "$T/out/report.html" | grep -q "<td>$name</td><td class=\"mono\">$token</td>"' "report: the planted user and token"
check 'sec "$T/out/report.html" | grep -q "rel/[a-z_0-9-]*\.csv record [0-9]* (line [0-9]*)"' "report: the finding's rows cited"
check 'sec "$T/out/report.html" | grep -q " 1 (user, plate) pair listed\.<"' "report: one listed"
check 'grep -q "^<p>Leads about single users: .*1 user and plate searched again and again (<a href=\"#repeats\">" "$T/out/report.html"' \
    "report: the lead on the first screen"
check 'grep -q "^  1 finding under the report.s \"One plate, searched again and again\"" "$T/log"' \
    "the scan's closing line"
expect "summary.json" "$(python3 -c "
import json; o = json.load(open('$T/out/summary.json'))['plate_repeats']
f = o['findings']
print(len(f), f[0]['user'], f[0]['plate_token'], f[0]['searches'], f[0]['rows'], len(f[0]['first_rows']), type(o['rows_counted']).__name__)")" \
    "1 $name $token $(cut -d'|' -f1 "$T/py") $(cut -d'|' -f2 "$T/py") 3 int"
check '! grep -rq "$plate" "$T/out"' "the planted plate appears in an output"

# One thread and two: the same bytes.
"$B/sunlight" scan "$T/rel" -o "$T/out1" --key "$T/key" -q --threads 1 >/dev/null 2>&1
for f in report.html summary.json flagged.csv; do
    check 'cmp -s "$T/out/$f" "$T/out1/$f"' "--threads 1 and 2 differ: $f"
done

# Hand-made logs. One officer: 12 lookups of 7ABC123 on 4 days (a finding; 6 of them with a
# second plate in the cell, 9ZZZ111, counted apart); 12 hot-list
# lookups of 8XYZ999 on 4 days; 12 searches of the pattern 6DE*45 on 4 days; 40 lookups of
# 5QRS777 on 2 days. The same file twice under another name: its rows count once.
mkdir "$T/hand"
{
    echo 'Name,Org Name,Total Networks Searched,License Plate,Reason,Case #,Search Time,Search Type'
    i=0
    while [ $i -lt 12 ]; do
        i=$((i + 1))
        d=$((i % 4 + 1))
        p7=7abc-123
        [ $i -gt 6 ] && p7='"9ZZZ111, 7ABC123"' # two plates in the cell
        printf 'Pat Doe,Foo CA PD,3,%s,inv,,"06/%02d/2025, 11:%02d:00 AM UTC",lookup\n' "$p7" $d $i
        printf 'Pat Doe,Foo CA PD,3,8XYZ999,hot list,,"06/%02d/2025, 11:%02d:00 AM UTC",hotlist\n' $d $i
        printf 'Pat Doe,Foo CA PD,3,6DE*45,inv,,"06/%02d/2025, 11:%02d:00 AM UTC",search\n' $d $i
    done
    i=0
    while [ $i -lt 40 ]; do
        i=$((i + 1))
        printf 'Pat Doe,Foo CA PD,3,5QRS777,pursuit,,"06/%02d/2025, 1:%02d:00 PM UTC",lookup\n' $((i % 2 + 1)) $i
    done
} >"$T/hand/organization_audit.csv"
cp "$T/hand/organization_audit.csv" "$T/hand/organization_audit_copy.csv"
"$B/sunlight" scan "$T/hand" -o "$T/hout" --key "$T/key" >"$T/hlog" 2>&1
DB=$T/hout/sunlight.db
tok7=$(python3 -c "
import hmac, hashlib
key = bytes.fromhex(open('$T/key').read().strip())
print('pt_' + hmac.new(key, b'7ABC123', hashlib.sha256).hexdigest()[:16])")
expect "hand-made: 7ABC123 alone, 12 searches, 12 rows, 4 days" \
    "$(q "SELECT plate_token || '|' || searches || '|' || rows || '|' || days FROM plate_repeats")" "$tok7|12|12|4"
expect "hand-made: rows counted (the copy left out; hot list and pattern not counted)" \
    "$(q "SELECT value FROM run WHERE key = 'plate_repeat_rows'")" 58

# Names and plates all "***" (Flock's network audits since December 2025).
mkdir "$T/red"
{
    echo 'Name,Org Name,Total Networks Searched,License Plate,Reason,Case #,Search Time'
    i=0
    while [ $i -lt 30 ]; do
        i=$((i + 1))
        printf '***,Foo CA PD,3,***,inv,,"06/%02d/2025, 11:00:00 AM UTC"\n' $((i % 28 + 1))
    done
} >"$T/red/network_audit.csv"
"$B/sunlight" scan "$T/red" -o "$T/rout" --key "$T/key" >"$T/rlog" 2>&1
check '! grep -q "again and again" "$T/rlog"' "names redacted: the scan speaks of a repeat"
DB=$T/rout/sunlight.db
expect "names redacted: nothing counted" "$(q "SELECT value FROM run WHERE key = 'plate_repeat_rows'")" 0
check 'sec "$T/rout/report.html" | grep -q "No row could be counted"' "names redacted: the report says why"
finish
