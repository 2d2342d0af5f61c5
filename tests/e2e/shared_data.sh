#!/bin/sh
# End-to-end on real public files from records releases, read from ../shared/data (never copied
# into the project). Checks full accounting per source, the kinds recognised, exact record
# counts, time ranges, and byte-identical outputs on a second run. Skips when the folder is
# absent (a fresh clone without ../shared).
set -u
B=${SL_BUILD:-build}
D=${SL_SHARED_DATA:-../shared/data}
. tests/e2e_common.sh
if [ ! -d "$D/portal" ]; then
    echo "skipped: $D/portal not found (real sample files are not part of a fresh clone)"
    echo "0 passed, 0 failed, 1 skipped"; exit 0
fi
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
"$B/sunlight" scan "$D/portal" -o "$T/o1" --key "$T/key" -q >"$T/log" 2>&1; rc=$?
check '[ $rc -le 1 ]' "scan of the portal files exited $rc: $(tail -n 5 "$T/log")"
"$B/sunlight" scan "$D/portal" -o "$T/o2" --key "$T/key" -q >/dev/null 2>&1
for f in sunlight.db report.html flagged.csv summary.json; do
    check 'cmp -s "$T/o1/$f" "$T/o2/$f"' "$f differs between two runs"
done
q() { sqlite3 "$T/o1/sunlight.db" "$1" 2>/dev/null; }
check '[ "$(q "pragma integrity_check")" = ok ]' "integrity_check: $(q "pragma integrity_check")"
# Every record of every source is a search, rejected, a repeated header or blank.
check '[ "$(q "select count(*) from sources where records != searches + rejected + header_repeats + blank + set_aside")" = 0 ]' \
    "accounting does not add up: $(q "select cite from sources where records != searches + rejected + header_repeats + blank + set_aside")"
# Exact counts from the files' own documentation (shared/data/README.md).
row() { q "select kind || '|' || records || '|' || searches || '|' || rejected from sources where cite like '%$1'"; }
expect "EPD csv" "$(row /EPDSearchAuditLogs.csv)" "portal|4294|4294|0"
expect "San Mateo portal" "$(row /search_audit.a871b2fc.csv)" "portal|91|91|0"
expect "Stow portal" "$(row /stow-ma-search_audit.csv)" "portal|28|28|0"
expect "EPD workbook Log sheet" "$(row 'EPDSearchAuditLogs.xlsx > Log')" "portal|4377|4377|0"
# The CSV's rows are all in the workbook's 4,377, whose 83 more rows repeat searches of its
# own (a count of the sheet's ids says so): the same log, not a fuller export.
fuller="%4,294 rows of 4,294 and 4,377 are in both, likely every row of %EPDSearchAuditLogs.csv, "
fuller="${fuller}and the 83 more rows of %EPDSearchAuditLogs.xlsx > Log repeat searches it lists "
fuller="${fuller}already (see Rows and searches): the same log: rows counted twice, searches once"
expect "EPD CSV inside the workbook" "$(q "select count(*) from release_findings where
    code = 'release.period_overlap' and message like '$fuller'")" 1
# Rows linked into searches: every portal row has an id. The distinct ids, read here from the
# CSVs and from the workbook's Log sheet (zipfile and ElementTree): the workbook repeats 83 of
# its rows, and 2 ids of each export are not in the other.
if command -v python3 >/dev/null 2>&1; then
    ids=$(python3 - "$D/portal" <<'PYEOF'
import csv, glob, os, re, sys, zipfile
import xml.etree.ElementTree as ET
ids = set()
for p in glob.glob(os.path.join(sys.argv[1], '*.csv')):
    ids |= {r['id'] for r in csv.DictReader(open(p, newline='', encoding='utf-8-sig'))}
m = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
r = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}'
z = zipfile.ZipFile(os.path.join(sys.argv[1], 'EPDSearchAuditLogs.xlsx'))
rid = [s.get(r + 'id') for s in ET.fromstring(z.read('xl/workbook.xml')).iter(m + 'sheet')
       if s.get('name') == 'Log'][0]
target = [x.get('Target') for x in ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))
          if x.get('Id') == rid][0]
ss = [''.join(t.text or '' for t in si.iter(m + 't'))
      for si in ET.fromstring(z.read('xl/sharedStrings.xml'))]
rows = 0
sheet = set()
for c in ET.fromstring(z.read('xl/' + target.replace('/xl/', ''))).iter(m + 'c'):
    v = c.find(m + 'v')
    if re.fullmatch(r'A\d+', c.get('r')) and v is not None and c.get('r') != 'A1':
        sheet.add(ss[int(v.text)] if c.get('t') == 's' else v.text)
        rows += 1
ids |= sheet
print(len(ids), rows, rows - len(sheet))
PYEOF
)
    set -- $ids
    expect "the workbook's Log rows, read in Python" "$2" 4377
    expect "searches: the distinct ids of the portal files" \
        "$(q "select value from run where key = 'searches'")" "$1"
    expect "the workbook's rows that repeat an id of the same sheet" \
        "$(q "select k.repeats from source_searches k join sources s on s.id = k.source_id
              where s.cite like '%EPDSearchAuditLogs.xlsx > Log'")" "$3"
    expect "every portal row linked by its id" \
        "$(q "select value from run where key = 'link_rows_by_id'")|$(q "select value from run where key = 'link_rows'")" \
        "8790|8790"
else
    skip "python3 missing: the portal files' ids are not counted"
fi
expect "EPD time range" "$(q "select time_min || ' ' || time_max from sources where cite like '%/EPDSearchAuditLogs.csv'")" \
    "2025-06-18T00:02:04Z 2025-12-02T23:01:50Z"
# Six sheets of the workbook are sources of their own, cited workbook > sheet.
expect "workbook sheets as sources" "$(q "select count(*) from sources where cite like '%EPDSearchAuditLogs.xlsx > %'")" 6
expect "sources without SHA-256" "$(q "select count(*) from sources where sha256 is null or length(sha256) != 64")" 0
# Totals in summary.json equal the sum over sources.
if command -v python3 >/dev/null 2>&1; then
    python3 - "$T/o1" <<'PY' && ok || bad "summary.json totals disagree with the sources table"
import json, sqlite3, sys
o = sys.argv[1]
sm = json.load(open(o + '/summary.json'))
db = sqlite3.connect(o + '/sunlight.db')
rec, srch = db.execute('select sum(records), sum(searches) from sources').fetchone()
txt = json.dumps(sm)
assert str(rec) in txt and str(srch) in txt, (rec, srch)
PY
else S=$((S + 1)); fi
# The event log is recognised as such.
if [ -f "$D/eventlog/san-mateo-event-logs.csv" ]; then
    "$B/sunlight" scan "$D/eventlog" -o "$T/ev" --key "$T/key" -q >/dev/null 2>&1
    expect "event log kind" "$(sqlite3 "$T/ev/sunlight.db" "select kind from sources" 2>/dev/null)" event_log
fi
finish
