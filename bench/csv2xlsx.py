#!/usr/bin/env python3
"""csv2xlsx.py: turns a CSV audit export into an .xlsx workbook shaped like the ones Excel
writes, for bench/run.sh. Standard library only, streaming (the sheet is never held whole),
deterministic (fixed zip timestamps and member order, no document properties with dates).

    python3 bench/csv2xlsx.py IN.csv OUT.xlsx [--inline] [--sheet NAME]

Text cells go to a shared-string table (xl/sharedStrings.xml, after the sheet in the zip, as
Excel stores it) or, with --inline, into the sheet as inline strings. The `Search Time` column
(`MM/DD/YYYY, HH:MM:SS AM UTC`) becomes a date-styled Excel serial; whole-number cells of
`Total Networks Searched` / `Total Devices Searched` become numbers; empty cells are left out."""
import csv
import datetime
import re
import sys
import zipfile

DATE = (2025, 1, 1, 0, 0, 0)
NS = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
HDR = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
EPOCH = datetime.datetime(1899, 12, 30)
TIME_RE = re.compile(r'^\s*(\d{1,2})/(\d{1,2})/(\d{4}),?\s+(\d{1,2}):(\d{2}):(\d{2})\s*([AaPp][Mm])'
                     r'\s*(?:UTC)?\s*$')
NUM_COLS = ('total networks searched', 'total devices searched')
# XML 1.0 forbids most C0 controls even as character references: drop them, keep tab and LF.
BAD_CTRL = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


def col_letters(i):
    s = ''
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def esc(s):
    s = BAD_CTRL.sub('', s)
    return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;').replace('\r', '&#13;')


def t_elem(s):
    e = esc(s)
    if s != s.strip() or '\n' in s:
        return '<t xml:space="preserve">%s</t>' % e
    return '<t>%s</t>' % e


def excel_serial(s):
    m = TIME_RE.match(s)
    if not m:
        return None
    mo, d, y, h, mi, sec, ampm = m.groups()
    h = int(h) % 12 + (12 if ampm.upper() == 'PM' else 0)
    try:
        t = datetime.datetime(int(y), int(mo), int(d), h, int(mi), int(sec))
    except ValueError:
        return None
    delta = t - EPOCH
    return repr(delta.days + delta.seconds / 86400.0)


def member(z, name):
    zi = zipfile.ZipInfo(name, DATE)
    zi.compress_type = zipfile.ZIP_DEFLATED
    zi.external_attr = 0o100644 << 16
    return zi


def write_small(z, name, text):
    z.writestr(member(z, name), text.encode('utf-8'))


def convert(src, dst, inline=False, sheet='Sheet1'):
    sst = {}
    sst_list = []
    nrows = 0
    ncols_max = 1
    with open(src, newline='', encoding='utf-8-sig') as f, \
            zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        write_small(z, '[Content_Types].xml',
                    HDR + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                    'content-types"><Default Extension="rels" ContentType="application/vnd.'
                    'openxmlformats-package.relationships+xml"/><Default Extension="xml" '
                    'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
                    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                    'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
                    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                    'worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="'
                    'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                    + ('' if inline else
                       '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                       'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
                    + '</Types>')
        write_small(z, '_rels/.rels',
                    HDR + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
                    'org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.'
                    'xml"/></Relationships>')
        write_small(z, 'xl/workbook.xml',
                    HDR + '<workbook %s><sheets><sheet name="%s" sheetId="1" r:id="rId1"/>'
                    '</sheets></workbook>' % (NS, esc(sheet).replace('"', '&quot;')))
        write_small(z, 'xl/_rels/workbook.xml.rels',
                    HDR + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
                    'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.'
                    'xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/styles" Target="styles.xml"/>'
                    + ('' if inline else
                       '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/'
                       'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.'
                       'xml"/>')
                    + '</Relationships>')
        write_small(z, 'xl/styles.xml',
                    HDR + '<styleSheet %s><numFmts count="1"><numFmt numFmtId="164" formatCode='
                    '"mm/dd/yyyy\\ hh:mm:ss\\ AM/PM"/></numFmts><fonts count="1"><font><sz val='
                    '"11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill'
                    ' patternType="none"/></fill></fills><borders count="1"><border/></borders>'
                    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
                    '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" '
                    'borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0"'
                    ' xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>' % NS)

        rd = csv.reader(f)
        header = next(rd, None) or []
        names = [h.strip().lower() for h in header]
        time_col = names.index('search time') if 'search time' in names else -1
        num_cols = {i for i, n in enumerate(names) if n in NUM_COLS}
        letters = [col_letters(i) for i in range(16384)]

        def text_cell(ref, v):
            if inline:
                return '<c r="%s" t="inlineStr"><is>%s</is></c>' % (ref, t_elem(v))
            k = sst.get(v)
            if k is None:
                k = sst[v] = len(sst_list)
                sst_list.append(v)
            return '<c r="%s" t="s"><v>%d</v></c>' % (ref, k)

        def row_xml(r, cells, is_header):
            out = []
            for i, v in enumerate(cells[:16384]):
                if v == '':
                    continue
                ref = '%s%d' % (letters[i], r)
                if not is_header and i == time_col:
                    ser = excel_serial(v)
                    if ser is not None:
                        out.append('<c r="%s" s="1"><v>%s</v></c>' % (ref, ser))
                        continue
                if not is_header and i in num_cols and v.isdigit() and len(v) < 15:
                    out.append('<c r="%s"><v>%d</v></c>' % (ref, int(v)))
                    continue
                out.append(text_cell(ref, v))
            return '<row r="%d" spans="1:%d">%s</row>' % (r, max(len(cells), 1), ''.join(out))

        with z.open(member(z, 'xl/worksheets/sheet1.xml'), 'w', force_zip64=True) as w:
            w.write((HDR + '<worksheet %s><sheetViews><sheetView workbookViewId="0"/>'
                     '</sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>'
                     % NS).encode())
            batch = [row_xml(1, header, True)]
            nrows = 1
            ncols_max = max(len(header), 1)
            for cells in rd:
                nrows += 1
                if len(cells) > ncols_max:
                    ncols_max = len(cells)
                batch.append(row_xml(nrows, cells, False))
                if len(batch) >= 2000:
                    w.write(''.join(batch).encode('utf-8'))
                    batch = []
            batch.append('</sheetData></worksheet>')
            w.write(''.join(batch).encode('utf-8'))

        if not inline:
            with z.open(member(z, 'xl/sharedStrings.xml'), 'w', force_zip64=True) as w:
                w.write((HDR + '<sst %s count="%d" uniqueCount="%d">'
                         % (NS, len(sst_list), len(sst_list))).encode())
                for i in range(0, len(sst_list), 2000):
                    w.write(''.join('<si>%s</si>' % t_elem(s)
                                    for s in sst_list[i:i + 2000]).encode('utf-8'))
                w.write(b'</sst>')
    return nrows, ncols_max, len(sst_list)


def main(argv):
    args = [a for a in argv if not a.startswith('--')]
    inline = '--inline' in argv
    sheet = 'Sheet1'
    if '--sheet' in argv:
        i = argv.index('--sheet')
        if i + 1 >= len(argv):
            print('csv2xlsx: --sheet needs a name', file=sys.stderr)
            return 2
        sheet = argv[i + 1]
        args.remove(sheet)
    unknown = [a for a in argv if a.startswith('--') and a not in ('--inline', '--sheet')]
    if len(args) != 2 or unknown:
        print('usage: csv2xlsx.py IN.csv OUT.xlsx [--inline] [--sheet NAME]', file=sys.stderr)
        return 2
    rows, cols, nsst = convert(args[0], args[1], inline, sheet)
    print('%d rows (header included), %d columns, %d shared strings' % (rows, cols, nsst))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
