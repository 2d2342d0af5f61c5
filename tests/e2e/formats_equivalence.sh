#!/bin/sh
# Issue 3's acceptance test: one generated release scanned twice, once as plain CSV files and
# once repackaged the way releases arrive (an XLSX workbook with date serials, a ZIP with a
# folder, a zip inside a zip, gzip, zstd, UTF-16LE with BOM, Windows-1252, an HTML table saved
# as .xls in Windows-1252 with character references, an Excel 2003 XML spreadsheet with
# DateTime cells and cells placed by ss:Index, an Excel 97-2003 workbook with date-time
# cells, an OpenDocument spreadsheet with date cells and numbers, a .tar.gz with a folder, a 7z
# when the 7z command is there, a JSON list of objects under a key, JSON Lines). Both scans must give
# the same search rows, the same flagged rows and the same counts, and every repackaged source
# must be cited down to member and sheet.
set -u
B=${SL_BUILD:-build}
. tests/e2e_common.sh
if ! command -v python3 >/dev/null 2>&1; then
    echo "skipped: python3 missing (needed to repackage the release)"; echo "0 passed, 0 failed, 1 skipped"; exit 0
fi
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
"$B/slgen" --out "$T/plain" --seed 11 --months 7 --rows 1200 --quirks none >/dev/null 2>&1 || bad "slgen"
rm -f "$T/plain/truth.csv" "$T/plain/truth.json"
python3 - "$T/plain" "$T/mixed" <<'PY' || bad "repackaging failed"
import csv, gzip, io, json, os, shutil, subprocess, sys, zipfile, importlib.util, datetime
src, dst = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location('mf', 'tests/data/make_fixtures.py')
mf = importlib.util.module_from_spec(spec); spec.loader.exec_module(mf)
spec = importlib.util.spec_from_file_location('biff8', 'tests/data/biff8.py')
biff8 = importlib.util.module_from_spec(spec); spec.loader.exec_module(biff8)
os.makedirs(dst)
files = sorted(f for f in os.listdir(src) if f.endswith('.csv'))
assert len(files) >= 14, files
def esc(s): return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
def colref(i):
    s = ''
    i += 1
    while i: i, r = divmod(i - 1, 26); s = chr(65 + r) + s
    return s
EPOCH = datetime.datetime(1899, 12, 30, tzinfo=datetime.timezone.utc)
def to_serial(text):
    # "MM/DD/YYYY, HH:MM:SS AM UTC" -> Excel serial (days since 1899-12-30), as Excel stores it
    d = datetime.datetime.strptime(text.replace(' UTC', ''), '%m/%d/%Y, %I:%M:%S %p').replace(tzinfo=datetime.timezone.utc)
    return (d - EPOCH).total_seconds() / 86400.0
def xlsx_of(path):
    rows = list(csv.reader(open(path, encoding='utf-8-sig', newline='')))
    hdr = [h.strip() for h in rows[0]]
    st = hdr.index('Search Time') if 'Search Time' in hdr else -1
    out = []
    for r, cells in enumerate(rows, start=1):
        cs = []
        for i, v in enumerate(cells):
            if r > 1 and i == st:
                cs.append(mf.c(colref(i) + str(r), repr(to_serial(v)), s=3))   # date-styled serial
            elif v != '':
                cs.append(mf.c(colref(i) + str(r), esc(v), t='inlineStr'))
        out.append(mf.row(r, cs))
    notes = mf.sheet_xml(mf.row(1, [mf.c('A1', 'Released under a public records request', t='inlineStr')]))
    return mf.workbook([('Notes', notes), ('Audit', mf.sheet_xml(''.join(out)))], styles=mf.STYLES)
def html_of(path):
    # as a web system's "Export to Excel" writes it: an HTML table under a .xls name
    rows = list(csv.reader(open(path, encoding='utf-8-sig', newline='')))
    out = ['<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
           '<title>Audit</title></head><body>\r\n<table border="1">\r\n']
    for r, cells in enumerate(rows):
        tag = 'th' if r == 0 else 'td'
        out.append('<tr>' + ''.join('<%s>%s</%s>' % (tag, esc(v).replace('\n', '<br>') or '&nbsp;', tag)
                                    for v in cells) + '</tr>\r\n')
    out.append('</table></body></html>\r\n')
    return ''.join(out).encode('cp1252', 'xmlcharrefreplace')
def xmlss_of(path):
    # Excel 2003 XML: empty cells left out (the next one placed by ss:Index), times as DateTime
    rows = list(csv.reader(open(path, encoding='utf-8-sig', newline='')))
    hdr = [h.strip() for h in rows[0]]
    st = hdr.index('Search Time') if 'Search Time' in hdr else -1
    out = ['<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n'
           '<Worksheet ss:Name="Audit"><Table>\n']
    for r, cells in enumerate(rows):
        cs, gap = [], False
        for i, v in enumerate(cells):
            if v == '':
                gap = True
                continue
            at = ' ss:Index="%d"' % (i + 1) if gap else ''
            gap = False
            if r > 0 and i == st:
                d = datetime.datetime.strptime(v.replace(' UTC', ''), '%m/%d/%Y, %I:%M:%S %p')
                cs.append('<Cell%s><Data ss:Type="DateTime">%s.000</Data></Cell>' % (at, d.strftime('%Y-%m-%dT%H:%M:%S')))
            else:
                cs.append('<Cell%s><Data ss:Type="String">%s</Data></Cell>' % (at, esc(v).replace('\n', '&#10;')))
        out.append('<Row>' + ''.join(cs) + '</Row>\n')
    out.append('</Table></Worksheet>\n</Workbook>\n')
    return ''.join(out).encode('utf-8')
def xls97_of(path):
    # Excel 97-2003: text cells, empty cells left out, times as date-time cells
    rows = list(csv.reader(open(path, encoding='utf-8-sig', newline='')))
    hdr = [h.strip() for h in rows[0]]
    st = hdr.index('Search Time') if 'Search Time' in hdr else -1
    cells = [[('date', to_serial(v)) if r > 0 and i == st else (v if v != '' else None)
              for i, v in enumerate(row)] for r, row in enumerate(rows)]
    return biff8.workbook([('Audit', cells)])
def ods_of(path):
    # OpenDocument, as LibreOffice saves it: times as date cells, networks as numbers, empty
    # cells empty, equal rows side by side stored once with a repeat count (none in this
    # release; tests/data/ods has them)
    rows = list(csv.reader(open(path, encoding='utf-8-sig', newline='')))
    hdr = [h.strip() for h in rows[0]]
    st = hdr.index('Search Time') if 'Search Time' in hdr else -1
    nw = hdr.index('Total Networks Searched') if 'Total Networks Searched' in hdr else -1
    def cell(r, i, v):
        if v == '': return None
        if r > 0 and i == st:
            d = datetime.datetime.strptime(v.replace(' UTC', ''), '%m/%d/%Y, %I:%M:%S %p')
            return ('date', d.strftime('%Y-%m-%dT%H:%M:%S'))
        if r > 0 and i == nw and v.isdigit(): return int(v)
        return esc(v)
    out = []
    for r, row in enumerate(rows):
        cells = [cell(r, i, v) for i, v in enumerate(row)]
        if out and out[-1][2] == cells: out[-1] = ('repeat', out[-1][1] + 1, cells)
        else: out.append(('repeat', 1, cells))
    return mf.ods([('Notes', [['Released under a public records request']]), ('Audit', out)])
def records_of(path):
    # as an API client saves them: one object per row, the header's names as keys, empty
    # cells left out or null
    rows = list(csv.reader(open(path, encoding='utf-8-sig', newline='')))
    out = []
    for r, cells in enumerate(rows[1:]):
        o = {}
        for i, v in enumerate(cells):
            if v != '': o[rows[0][i]] = v
            elif r % 2: o[rows[0][i]] = None
        out.append(o)
    return out
raw = {f: open(os.path.join(src, f), 'rb').read() for f in files}
plan = {}
plan[files[0]] = 'xlsx'; plan[files[1]] = 'zip'; plan[files[2]] = 'zipzip'; plan[files[3]] = 'gz'
plan[files[4]] = 'utf16'; plan[files[5]] = 'zst'; plan[files[6]] = 'html'; plan[files[7]] = 'xmlss'
plan[files[8]] = 'xls97'; plan[files[9]] = 'ods'
plan[files[10]] = 'targz'; plan[files[11]] = '7z'
plan[files[12]] = 'json'; plan[files[13]] = 'jsonl'
for f in files:
    how = plan.get(f, 'plain')
    base = f[:-4]
    if how == 'xlsx':
        open(os.path.join(dst, base + '.xlsx'), 'wb').write(xlsx_of(os.path.join(src, f)))
    elif how == 'zip':
        open(os.path.join(dst, base + '.zip'), 'wb').write(mf.zbytes([('export/', None), ('export/' + f, raw[f])]))
    elif how == 'zipzip':
        inner = mf.zbytes([(f, raw[f])])
        open(os.path.join(dst, base + '_outer.zip'), 'wb').write(mf.zbytes([('inner.zip', inner)]))
    elif how == 'html':
        open(os.path.join(dst, base + '.xls'), 'wb').write(html_of(os.path.join(src, f)))
    elif how == 'targz':
        open(os.path.join(dst, base + '.tar.gz'), 'wb').write(
            gzip.compress(mf.tar_bytes([('export/', None), ('export/' + f, raw[f])]), mtime=0))
    elif how == '7z':
        if shutil.which('7z'):
            os.makedirs(os.path.join(dst, 'tmp7z'))
            open(os.path.join(dst, 'tmp7z', f), 'wb').write(raw[f])
            subprocess.run(['7z', 'a', '-bso0', '-bsp0', os.path.join(dst, base + '.7z'), f],
                           cwd=os.path.join(dst, 'tmp7z'), check=True)
            shutil.rmtree(os.path.join(dst, 'tmp7z'))
        else:
            open(os.path.join(dst, f), 'wb').write(raw[f])
    elif how == 'ods':
        open(os.path.join(dst, base + '.ods'), 'wb').write(ods_of(os.path.join(src, f)))
    elif how == 'xls97':
        open(os.path.join(dst, base + '_97.xls'), 'wb').write(xls97_of(os.path.join(src, f)))
    elif how == 'xmlss':
        open(os.path.join(dst, base + '_2003.xml'), 'wb').write(xmlss_of(os.path.join(src, f)))
    elif how == 'json':
        open(os.path.join(dst, base + '.json'), 'w').write(json.dumps(
            {'exported': '2026-03-01', 'count': 0, 'data': records_of(os.path.join(src, f))}, indent=2))
    elif how == 'jsonl':
        open(os.path.join(dst, base + '.jsonl'), 'w').write(
            ''.join(json.dumps(o) + '\n' for o in records_of(os.path.join(src, f))))
    elif how == 'gz':
        open(os.path.join(dst, f + '.gz'), 'wb').write(gzip.compress(raw[f], mtime=0))
    elif how == 'utf16':
        t = raw[f].decode('utf-8-sig')
        open(os.path.join(dst, f), 'wb').write(b'\xff\xfe' + t.encode('utf-16-le'))
    elif how == 'zst':
        if shutil.which('zstd'):
            subprocess.run(['zstd', '-q', '-o', os.path.join(dst, f + '.zst'), os.path.join(src, f)], check=True)
        else:
            open(os.path.join(dst, f), 'wb').write(raw[f])
    else:
        open(os.path.join(dst, f), 'wb').write(raw[f])
PY
cp tests/golden/test.key "$T/key"
"$B/sunlight" scan "$T/plain" -o "$T/op" --key "$T/key" -q >"$T/lp" 2>&1; rp=$?
"$B/sunlight" scan "$T/mixed" -o "$T/om" --key "$T/key" -q >"$T/lm" 2>&1; rm_=$?
[ $rp -le 1 ] && ok || bad "plain scan exit $rp: $(tail -n 3 "$T/lp")"
[ $rm_ -le 1 ] && ok || bad "mixed scan exit $rm_: $(tail -n 3 "$T/lm")"
python3 - "$T/op/sunlight.db" "$T/om/sunlight.db" <<'PY' >"$T/py" 2>&1
import sqlite3, sys, os, re
a, b = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
passes, fails = 0, []
def check(c, m):
    global passes
    if c: passes += 1
    else: fails.append(m)
def one(db, q): return db.execute(q).fetchone()[0]
for q in ('select sum(searches) from sources', 'select sum(flagged) from sources',
          'select sum(rejected) from sources'):
    check(one(a, q) == one(b, q), '%s: plain %s, mixed %s' % (q, one(a, q), one(b, q)))
ca = a.execute('select org, month, category, rows from counts order by 1,2,3').fetchall()
cb = b.execute('select org, month, category, rows from counts order by 1,2,3').fetchall()
check(ca == cb, 'counts by org x month x category differ (%d vs %d rows)' % (len(ca), len(cb)))
def logical(cite):
    # "mixed/x.xlsx > Audit" -> "x"; "plain/x.csv" -> "x"; zip members -> member base name
    last = [p.strip() for p in cite.split('>')]
    name = [p for p in last if re.search(r'audit_\d{4}-\d{2}', p)]
    base = os.path.basename(name[-1] if name else last[-1])
    return re.sub(r'(_outer|_2003|_97)?(\.csv)?(\.gz|\.zst|\.xlsx|\.xls|\.xml|\.zip|\.ods|\.tar\.gz|\.7z|\.jsonl|\.json)?$', '', base)
def rows(db):
    q = ('select s.cite, f.record, f.search_time, f.org, f.reason, f.categories, f.plate_token '
         'from flagged_rows f join sources s on s.id = f.source_id')
    # a JSON record is its object's number: the CSV's record is one more (its header is 1)
    return sorted((logical(c), r[0] + ('.json' in c)) + tuple(r[1:]) for c, *r in db.execute(q))
ra, rb = rows(a), rows(b)
check(len(ra) > 100, 'too few flagged rows to compare: %d' % len(ra))
check(ra == rb, 'flagged rows differ: %r' % [x for x in ra if x not in rb][:3])
cites = [r[0] for r in b.execute('select cite from sources')]
check(any(c.endswith('.xlsx > Audit') for c in cites), 'no sheet citation: %r' % cites)
check(any('.zip > export/' in c for c in cites), 'no member-in-folder citation')
check(any('_outer.zip > inner.zip > ' in c for c in cites), 'no zip-in-zip citation')
check(any(c.endswith('.csv.gz') for c in cites), 'no gzip source')
check(any(c.endswith('.xls > table 1') for c in cites), 'no HTML table citation: %r' % cites)
check(any(c.endswith('_2003.xml > Audit') for c in cites), 'no XML spreadsheet citation: %r' % cites)
check(any(c.endswith('_97.xls > Audit') for c in cites), 'no Excel 97-2003 citation: %r' % cites)
check(any(c.endswith('.ods > Audit') for c in cites), 'no OpenDocument citation: %r' % cites)
check(any('.tar.gz > export/' in c for c in cites), 'no tar.gz member citation: %r' % cites)
check(any(c.endswith('.json > data') for c in cites), 'no JSON list citation: %r' % cites)
check(any(c.endswith('.jsonl > records') for c in cites), 'no JSON Lines citation: %r' % cites)
enc = dict(b.execute("select cite, encoding from sources where encoding is not null"))
check(any(v.startswith('utf-16') for v in enc.values()), 'UTF-16 not reported: %r' % sorted(set(enc.values())))
for m in fails: print('FAIL: ' + m)
print('PY %d %d' % (passes, len(fails)))
PY
grep -v '^PY ' "$T/py"
line=$(grep '^PY ' "$T/py")
if [ -n "$line" ]; then P=$((P + $(echo "$line" | cut -d' ' -f2))); F=$((F + $(echo "$line" | cut -d' ' -f3)))
else bad "comparison crashed"; fi
finish
