#!/bin/sh
# Repeated content is counted once: a release holding two byte-identical copies of one export,
# and one holding an export as CSV and again as XLSX, must give the same counts, flagged rows,
# hits and flagged.csv rows as a scan of a single copy, while the accounting still shows every
# source read (records, searches) and notes which source each repeat duplicates.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
if ! command -v python3 >/dev/null 2>&1; then
    echo "skipped: python3 missing (needed to build the workbook and compare)"; echo "0 passed, 0 failed, 1 skipped"; exit 0
fi
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
"$B/slgen" --out "$T/gen" --seed 5 --months 1 --rows 400 --quirks none >/dev/null 2>&1 || bad "slgen"
NET=$(ls "$T/gen" | grep '^network_audit.*\.csv$' | head -n 1)
[ -n "$NET" ] || bad "no network audit generated"
mkdir -p "$T/one" "$T/two/x" "$T/two/y" "$T/fmt"
cp "$T/gen/$NET" "$T/one/net.csv"
cp "$T/gen/$NET" "$T/two/x/net.csv"
cp "$T/gen/$NET" "$T/two/y/net.csv"
cp "$T/gen/$NET" "$T/fmt/a_net.csv"
python3 - "$T/gen/$NET" "$T/fmt/b_net.xlsx" <<'PY' || bad "workbook failed"
import csv, datetime, importlib.util, sys
spec = importlib.util.spec_from_file_location('mf', 'tests/data/make_fixtures.py')
mf = importlib.util.module_from_spec(spec); spec.loader.exec_module(mf)
def esc(s): return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
def colref(i):
    s = ''
    i += 1
    while i: i, r = divmod(i - 1, 26); s = chr(65 + r) + s
    return s
EPOCH = datetime.datetime(1899, 12, 30, tzinfo=datetime.timezone.utc)
def serial(text):
    d = datetime.datetime.strptime(text.replace(' UTC', ''), '%m/%d/%Y, %I:%M:%S %p').replace(tzinfo=datetime.timezone.utc)
    return (d - EPOCH).total_seconds() / 86400.0
rows = list(csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline='')))
hdr = [h.strip() for h in rows[0]]
st = hdr.index('Search Time')
out = []
for r, cells in enumerate(rows, start=1):
    cs = []
    for i, v in enumerate(cells):
        if r > 1 and i == st: cs.append(mf.c(colref(i) + str(r), repr(serial(v)), s=3))
        elif v != '': cs.append(mf.c(colref(i) + str(r), esc(v), t='inlineStr'))
    out.append(mf.row(r, cs))
open(sys.argv[2], 'wb').write(mf.workbook([('Audit', mf.sheet_xml(''.join(out)))], styles=mf.STYLES))
PY
cp tests/golden/test.key "$T/key"
for d in one two fmt; do
    "$B/sunlight" scan "$T/$d" -o "$T/o_$d" --key "$T/key" -q --threads 2 >"$T/log_$d" 2>&1; rc=$?
    [ $rc -le 1 ] && ok || bad "scan $d exit $rc: $(tail -n 3 "$T/log_$d")"
    # a dropped repeat with rows written on the calling thread: the same database
    "$B/sunlight" scan "$T/$d" -o "$T/o1_$d" --key "$T/key" -q --threads 1 >/dev/null 2>&1
    cmp -s "$T/o_$d/sunlight.db" "$T/o1_$d/sunlight.db" && ok || bad "$d: --threads 1 and 2 differ"
    # the flagged rows' pages (lib/btree.c), after a dropped source's rows were taken back
    ic=$(sqlite3 "$T/o_$d/sunlight.db" "pragma integrity_check" 2>&1)
    [ "$ic" = ok ] && ok || bad "$d: integrity_check: $ic"
done
python3 - "$T" <<'PY' >"$T/py" 2>&1
import csv, json, os, sqlite3, sys
T = sys.argv[1]
passes, fails = 0, []
def check(c, m):
    global passes
    if c: passes += 1
    else: fails.append(m)
db = {d: sqlite3.connect(os.path.join(T, 'o_' + d, 'sunlight.db')) for d in ('one', 'two', 'fmt')}
def q(d, sql): return db[d].execute(sql).fetchall()
counts = {d: q(d, 'select org, month, category, rows from counts order by 1, 2, 3') for d in db}
rows = {d: q(d, 'select record, search_time, org, reason, categories, plate_token from flagged_rows order by row_id') for d in db}
hits = {d: q(d, 'select h.rule_id, h.field, h.start, h."end", h.matched from flag_hits h order by h.row_id, h.rule_id, h.field, h.start') for d in db}
total = {d: q(d, "select sum(rows) from counts where category = 'all'")[0][0] for d in db}
check(len(rows['one']) > 20, 'too few flagged rows to compare: %d' % len(rows['one']))
for d in db:  # the writers' total comes from sources.flagged: a repeat must add nothing there
    check(q(d, 'select (select count(*) from flagged_rows), (select sum(flagged) from sources)')[0] == (len(rows[d]), len(rows[d])),
          '%s: sources.flagged does not sum to the flagged rows' % d)
    check(q(d, 'select count(*) from flagged_rows r left join hit_sets h on h.set_id = r.hit_set where h.set_id is null')[0][0] == 0,
          '%s: a flagged row points at a missing hit set' % d)
    check(q(d, 'select count(*) from hit_sets h where not exists (select 1 from flagged_rows r where r.hit_set = h.set_id)')[0][0] == 0,
          '%s: a hit set no row uses (a dropped source left it)' % d)
for d in ('two', 'fmt'):
    check(total[d] == total['one'], '%s: counted rows %s, one copy %s' % (d, total[d], total['one']))
    check(counts[d] == counts['one'], '%s: counts differ from one copy (%d vs %d cells)' % (d, len(counts[d]), len(counts['one'])))
    check(rows[d] == rows['one'], '%s: flagged rows differ from one copy (%d vs %d)' % (d, len(rows[d]), len(rows['one'])))
    check(hits[d] == hits['one'], '%s: flag hits differ from one copy (%d vs %d)' % (d, len(hits[d]), len(hits['one'])))
    # flagged.csv: the same rows, all cited from the first copy
    def body(d):
        with open(os.path.join(T, 'o_' + d, 'flagged.csv'), encoding='utf-8-sig', newline='') as f:
            r = list(csv.reader(f))
        return r[0], [x[4:] for x in r[1:]], set(x[0] for x in r[1:])
    h1, b1, c1 = body('one'); hd, bd, cd = body(d)
    check(hd == h1 and bd == b1, '%s: flagged.csv rows differ from one copy (%d vs %d)' % (d, len(bd), len(b1)))
    check(len(cd) == 1, '%s: flagged.csv cites %r, expected the first copy only' % (d, sorted(cd)))
    # accounting: both sources read and shown
    src = q(d, 'select id, cite, records, searches, flagged from sources where records > 0 order by id')
    one = q('one', 'select records, searches, flagged from sources where records > 0')[0]
    check(len(src) == 2, '%s: expected two sources with records, got %r' % (d, src))
    if len(src) == 2:
        check(src[0][2:4] == one[0:2] and src[1][2:4] == one[0:2], '%s: records/searches not accounted per source: %r' % (d, src))
        check(src[0][4] == one[2] and src[1][4] == 0, '%s: flagged per source %r, expected %d then 0' % (d, src, one[2]))
        chk = q(d, 'select duplicate_of, duplicate_how from source_checks where source_id = %d' % src[1][0])
        want = 'same bytes' if d == 'two' else 'same rows in another format'
        check(chk and chk[0][0] is not None and chk[0][1] == want, '%s: source_checks of the repeat %r, want duplicate of the first, %s' % (d, chk, want))
        if chk and chk[0][0] is not None:
            canon = q(d, 'select id from sources where id = %d' % chk[0][0])
            check(canon and canon[0][0] == src[0][0], '%s: duplicate_of %r is not the first copy %d' % (d, chk, src[0][0]))
        dg = q(d, "select count(*) from diagnostics where code = 'source.duplicate' and source_id = %d" % src[1][0])[0][0]
        check(dg == 1, '%s: no source.duplicate note in diagnostics' % d)
    sm = json.load(open(os.path.join(T, 'o_' + d, 'summary.json')))
    s1 = json.load(open(os.path.join(T, 'o_one', 'summary.json')))
    check(json.dumps(sm.get('categories')) == json.dumps(s1.get('categories')), '%s: summary categories differ from one copy' % d)
for m in fails: print('FAIL: ' + m)
print('PY %d %d' % (passes, len(fails)))
PY
grep -v '^PY ' "$T/py"
line=$(grep '^PY ' "$T/py")
if [ -n "$line" ]; then P=$((P + $(echo "$line" | cut -d' ' -f2))); F=$((F + $(echo "$line" | cut -d' ' -f3)))
else bad "comparison crashed"; fi
finish
