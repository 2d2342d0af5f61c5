#!/usr/bin/env python3
"""make_fixtures.py: writes the small container, workbook, encoding and document fixtures under
tests/data/ (xlsx/, xls/, ods/, archives/, zip/, text/, gz/, mail/, json/, word/, release_with_documents/,
documents_that_warn/, unknown_table/), each named for what it breaks. Standard library only
(zstd.csv.zst needs the zstd command). Deterministic: fixed zip timestamps, gzip mtime 0.
Run from the repository root: python3 tests/data/make_fixtures.py"""
import gzip
import io
import os
import shutil
import struct
import subprocess
import zipfile
import zlib

ROOT = os.path.dirname(os.path.abspath(__file__))
DATE = (2025, 1, 1, 0, 0, 0)

CSV = ('Name,Org Name,Search Time,Reason\r\n'
       'José Núñez,Springfield PD,"06/01/2025, 1:02:03 PM UTC",théft “quoted” – 5€\r\n'
       'Ann Lee,Shelbyville SO,"06/02/2025, 4:05:06 AM UTC",stolen vehicle\r\n')


def put(rel, data):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data)


def zbytes(members, compression=zipfile.ZIP_DEFLATED):
    """members: list of (name, bytes or None for a folder entry)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', compression) as z:
        for name, data in members:
            zi = zipfile.ZipInfo(name, DATE)
            if data is None:
                zi.external_attr = 0o40755 << 16 | 0x10
                z.writestr(zi, b'')
            else:
                zi.compress_type = compression
                zi.external_attr = 0o100644 << 16
                z.writestr(zi, data)
    return buf.getvalue()


NS = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')


def sheet_xml(rows_xml, prefix=''):
    p = prefix + ':' if prefix else ''
    ns = NS if not prefix else NS.replace('xmlns=', 'xmlns:%s=' % prefix)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<%sworksheet %s><%sdimension ref="A1"/><%ssheetData>%s</%ssheetData></%sworksheet>'
            % (p, ns, p, p, rows_xml, p, p)).encode()


def workbook(sheets, shared=None, styles=None, meta_last=False):
    """sheets: list of (name, sheet xml bytes). Returns xlsx bytes."""
    ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
          'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
          '</Types>').encode()
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>').encode()
    wb = ('<?xml version="1.0" encoding="UTF-8"?><workbook %s><sheets>' % NS +
          ''.join('<sheet name="%s" sheetId="%d" r:id="rId%d"/>' % (n, i + 1, i + 1)
                  for i, (n, _) in enumerate(sheets)) + '</sheets></workbook>').encode()
    wrels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
             'openxmlformats.org/package/2006/relationships">' +
             ''.join('<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/'
                     'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>'
                     % (i + 1, i + 1) for i in range(len(sheets))) +
             '</Relationships>').encode()
    parts = [('[Content_Types].xml', ct), ('_rels/.rels', rels), ('xl/workbook.xml', wb),
             ('xl/_rels/workbook.xml.rels', wrels)]
    meta = []
    if shared is not None:
        sst = ('<?xml version="1.0" encoding="UTF-8"?><sst %s count="%d" uniqueCount="%d">'
               % (NS, len(shared), len(shared)) + ''.join(shared) + '</sst>').encode()
        meta.append(('xl/sharedStrings.xml', sst))
    if styles is not None:
        meta.append(('xl/styles.xml', styles.encode()))
    sheet_parts = [('xl/worksheets/sheet%d.xml' % (i + 1), x) for i, (_, x) in enumerate(sheets)]
    parts += (sheet_parts + meta) if meta_last else (meta + sheet_parts)
    return zbytes(parts)


def c(ref, v, t=None, s=None):
    a = ' r="%s"' % ref if ref else ''
    if t:
        a += ' t="%s"' % t
    if s is not None:
        a += ' s="%d"' % s
    if t == 'inlineStr':
        return '<c%s><is><t xml:space="preserve">%s</t></is></c>' % (a, v)
    return '<c%s><v>%s</v></c>' % (a, v)


def row(r, cells, extra=''):
    return '<row r="%d"%s>%s</row>' % (r, extra, ''.join(cells))


STYLES = ('<?xml version="1.0" encoding="UTF-8"?><styleSheet %s><numFmts count="3">'
          '<numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd\\ hh:mm:ss"/>'
          '<numFmt numFmtId="165" formatCode="0.00&quot;days&quot;"/>'
          '<numFmt numFmtId="166" formatCode="[Red]0.00"/></numFmts>'
          '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>'
          '<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="22"/>'
          '<xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/></cellXfs></styleSheet>'
          % NS)


def make_xlsx():
    # Inline strings, rich text runs, phonetic runs ignored, a cell spanning lines, entities;
    # no sharedStrings.xml at all; a second sheet whose elements carry a namespace prefix.
    s1 = sheet_xml(
        row(1, [c('A1', 'Name', 'inlineStr'), c('B1', 'Reason', 'inlineStr')]) +
        row(2, ['<c r="A2" t="inlineStr"><is><r><t>Hel</t></r><r><t>lo</t></r>'
                '<rPh sb="0" eb="1"><t>PHONETIC</t></rPh></is></c>',
                c('B2', 'line one\nline two &amp; &lt;three&gt;', 'inlineStr')]) +
        row(3, [c('A3', 'Tab&#9;and&#10;newline', 'inlineStr'), c('B3', 'ok', 'str')]))
    s2 = sheet_xml('<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>prefixed</x:t></x:is>'
                   '</x:c><x:c r="B1"><x:v>7</x:v></x:c></x:row>', prefix='x')
    put('xlsx/inline_strings.xlsx', workbook([('Inline', s1), ('Prefixed', s2)]))

    # Date serials around the 1900 leap-year bug, date styles builtin and custom, numbers.
    s = sheet_xml(
        row(1, [c('A1', 0, 's'), c('B1', 1, 's')]) +
        row(2, [c('A2', '1', s=1), c('B2', '59', s=1)]) +
        row(3, [c('A3', '60', s=1), c('B3', '61', s=1)]) +
        row(4, [c('A4', '45826.001444317131', s=3), c('B4', '45658.5', s=2)]) +
        row(5, [c('A5', '12', s=0), c('B5', '12.0')]) +
        row(6, [c('A6', '3.14', s=4), c('B6', '0.30000000000000004', s=5)]) +
        row(7, [c('A7', '1E+21'), c('B7', '-0.5')]) +
        row(8, [c('A8', '1', 'b'), c('B8', '0', 'b')]) +
        row(9, [c('A9', '#N/A', 'e'), c('B9', '0.5', s=1)]))
    put('xlsx/date_serials_1900_leap.xlsx',
        workbook([('Dates', s)], shared=['<si><t>When</t></si>', '<si><t>Other</t></si>'],
                 styles=STYLES))

    # Cells missing between present ones, a row starting at column D, cells without r.
    s = sheet_xml(
        row(1, [c('A1', 'a', 'inlineStr'), c('B1', 'b', 'inlineStr'), c('C1', 'c', 'inlineStr'),
                c('D1', 'd', 'inlineStr')]) +
        row(2, [c('A2', 'x', 'inlineStr'), c('C2', 'z', 'inlineStr')]) +
        row(3, [c('D3', 'only d', 'inlineStr')]) +
        row(4, [c(None, 'p', 'inlineStr'), c(None, 'q', 'inlineStr'), c('E4', 'e', 'inlineStr')]))
    put('xlsx/sparse_cells.xlsx', workbook([('Sparse', s)]))

    # Blank rows: styled empty cells, a missing row, a whitespace-only row, trailing blanks.
    s = sheet_xml(
        row(1, [c('A1', 'h1', 'inlineStr'), c('B1', 'h2', 'inlineStr')]) +
        row(2, [c('A2', 'r2', 'inlineStr')]) +
        row(3, ['<c r="A3" s="0"/>', '<c r="B3" s="0"/>']) +
        row(5, [c('B5', 'r5', 'inlineStr')]) +
        row(6, [c('A6', '   ', 'inlineStr')]) +
        row(7, [c('A7', 'r7', 'inlineStr')]) +
        row(8, ['<c r="A8" s="0"/>']))
    put('xlsx/blank_rows.xlsx', workbook([('Blanks', s)]))

    # A sheet that begins with rows of empty cells, before any cell has held text (found by
    # fuzz_read: the row's text buffer was not allocated yet when they were checked).
    s = sheet_xml(
        row(1, ['<c r="A1" s="0"/>', '<c r="B1"/>']) +
        row(2, ['<c r="A2" t="inlineStr"><is><t></t></is></c>']) +
        row(3, [c('A3', 'h1', 'inlineStr'), c('B3', 'h2', 'inlineStr')]) +
        row(4, ['<c r="A4"/>']) +
        row(5, [c('B5', 'r5', 'inlineStr')]))
    put('xlsx/empty_cells_before_any_text.xlsx', workbook([('Empty', s)]))

    # A notes sheet, then data with no header row.
    notes = sheet_xml(row(1, [c('A1', 'About this release', 'inlineStr')]) +
                      row(3, [c('A3', 'Prepared by the records office', 'inlineStr')]))
    data = sheet_xml(
        row(1, [c('A1', 'Ann Lee', 'inlineStr'), c('B1', 'Springfield PD', 'inlineStr'),
                c('C1', '45658.5', s=2), c('D1', 'theft', 'inlineStr')]) +
        row(2, [c('A2', 'Bo Chan', 'inlineStr'), c('B2', 'Shelbyville SO', 'inlineStr'),
                c('C2', '45659.25', s=2), c('D2', 'robbery', 'inlineStr')]))
    put('xlsx/sheet_without_header.xlsx', workbook([('Notes', notes), ('Data', data)],
                                                    styles=STYLES))

    # sharedStrings and styles stored after the sheets in the zip; workbook order differs
    # from zip order (sheet2.xml is listed first).
    first = sheet_xml(row(1, [c('A1', 0, 's'), c('B1', 1, 's')]) +
                      row(2, [c('A2', 2, 's'), c('B2', '45658.5', s=1)]))
    second = sheet_xml(row(1, [c('A1', 3, 's')]))
    raw = workbook([('First', first), ('Second', second)],
                   shared=['<si><t>Reason</t></si>', '<si><t>When</t></si>',
                           '<si><r><t>rich </t></r><r><t>text</t></r></si>',
                           '<si><t>second sheet</t></si>'],
                   styles=STYLES, meta_last=True)
    # Swap the sheet order in workbook.xml: Second first.
    zin = zipfile.ZipFile(io.BytesIO(raw))
    members = []
    for info in zin.infolist():
        d = zin.read(info.filename)
        if info.filename == 'xl/workbook.xml':
            d = d.replace(b'<sheet name="First" sheetId="1" r:id="rId1"/>'
                          b'<sheet name="Second" sheetId="2" r:id="rId2"/>',
                          b'<sheet name="Second" sheetId="2" r:id="rId2"/>'
                          b'<sheet name="First" sheetId="1" r:id="rId1"/>')
        members.append((info.filename, d))
    put('xlsx/strings_after_sheets.xlsx', zbytes(members))

    # What a hand-written writer may put in a sheet, which the tokenizer in front of expat
    # (lib/xmlp.c) leaves to expat from that byte on: a comment between rows, a CDATA section,
    # a carriage return in a cell's text; and shared strings with a comment. The rows after
    # each must read as expat alone reads them (test_xlsx compares the two).
    hand = sheet_xml(
        row(1, [c('A1', 0, 's'), c('B1', 'Reason', 'inlineStr')]) +
        '<!-- rows 2 and 3 were added by hand -->' +
        row(2, [c('A2', 1, 's'), '<c r="B2" t="inlineStr"><is><t><![CDATA[assist <ICE> & HSI]]>'
                '</t></is></c>']) +
        row(3, [c('A3', 'Shelbyville SO', 'inlineStr'), c('B3', 'line one\r\nline two', 'inlineStr')]) +
        row(4, [c('A4', 'Ogdenville PD', 'inlineStr'), c('B4', 'stolen &amp; recovered', 'inlineStr')]))
    put('xlsx/sheet_with_comment_cdata_and_cr.xlsx',
        workbook([('Hand', hand)],
                 shared=['<si><t>Org</t></si>', '<!-- one more --><si><t>Springfield PD</t></si>']))

    # Billion laughs in a sheet: must be refused at the DOCTYPE.
    lol = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">' +
           ''.join('<!ENTITY lol%d "%s">' % (i, ('&lol%d;' % (i - 1) if i > 1 else '&lol;') * 10)
                   for i in range(1, 10)) +
           ']>\n<worksheet %s><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t>'
           '</is></c></row></sheetData></worksheet>' % NS).encode()
    ok = sheet_xml(row(1, [c('A1', 'fine', 'inlineStr')]))
    put('xlsx/entity_bomb.xlsx', workbook([('Bomb', lol), ('Fine', ok)]))


def wrong_crc(raw, member, crc_of=None):
    """A zip whose recorded CRC-32 of one member (local header and central directory) is not
    that of its content: the CRC of crc_of when given (what the member held before damage),
    else its own CRC with one bit flipped. What damaged zips look like once inflated."""
    import struct
    import zlib
    z = zipfile.ZipFile(io.BytesIO(raw))
    info = z.getinfo(member)
    crc = zlib.crc32(crc_of) if crc_of is not None else info.CRC ^ 1
    out = bytearray(raw)
    struct.pack_into('<I', out, info.header_offset + 14, crc)
    pos = out.find(b'PK\x01\x02')  # central directory headers
    while pos >= 0:
        nlen = struct.unpack_from('<H', out, pos + 28)[0]
        if out[pos + 46:pos + 46 + nlen].decode() == member:
            struct.pack_into('<I', out, pos + 16, crc)
        pos = out.find(b'PK\x01\x02', pos + 4)
    return bytes(out)


def replace_member(raw, member, data):
    """The zip with one member's content replaced (same order, names and dates)."""
    zin = zipfile.ZipFile(io.BytesIO(raw))
    return zbytes([(i.filename, data if i.filename == member else zin.read(i.filename))
                   for i in zin.infolist()])


def make_damaged():
    """Damage as it arrives: inflate hands out wrong bytes before anything notices, and only the
    zip's CRC, checked at the end of a member, tells. A sheet whose XML breaks after three
    rows (its recorded CRC is that of the intact sheet): the rows before are read and the
    error says the data is damaged, not only that the XML is. The same in the shared strings,
    before any row: nothing is read, and the source is not called empty. A CSV member and a
    shared-strings part that read fine but whose CRC does not match: read, with a warning."""
    head = row(1, [c('A1', 'Name', 'inlineStr'), c('B1', 'Org Name', 'inlineStr')])
    intact = sheet_xml(head + ''.join(row(r, [c('A%d' % r, 'Officer %d' % r, 'inlineStr'),
                                              c('B%d' % r, 'Springfield PD', 'inlineStr')])
                                      for r in range(2, 6)))
    broken = intact[:intact.find(b'<row r="5"')] + b'<row r="5"><c r="A5" t=\x07\x13 x\x1f'
    raw = workbook([('Damaged', broken)])
    put('xlsx/sheet_damaged_wrong_checksum.xlsx',
        wrong_crc(raw, 'xl/worksheets/sheet1.xml', crc_of=intact))
    shared = ['<si><t>Name</t></si>', '<si><t>Org Name</t></si>', '<si><t>Ann Lee</t></si>']
    sh = sheet_xml(row(1, [c('A1', '0', 's'), c('B1', '1', 's')]) +
                   row(2, [c('A2', '2', 's'), c('B2', 'Shelbyville SO', 'inlineStr')]))
    put('xlsx/strings_wrong_checksum.xlsx',
        wrong_crc(workbook([('Book', sh)], shared=shared), 'xl/sharedStrings.xml'))
    sst = ('<?xml version="1.0" encoding="UTF-8"?><sst %s count="3" uniqueCount="3">' % NS +
           ''.join(shared) + '</sst>').encode()
    cut = sst[:sst.find(b'<si><t>Ann')] + b'<si><t>A\x07\x13n'
    raw = workbook([('Book', sh)], shared=['<si><t>Name</t></si>'])
    put('xlsx/strings_damaged_wrong_checksum.xlsx',
        wrong_crc(replace_member(raw, 'xl/sharedStrings.xml', cut), 'xl/sharedStrings.xml',
                  crc_of=sst))
    put('zip/member_wrong_checksum.zip', wrong_crc(zbytes([('audit.csv', CSV.encode())]),
                                                   'audit.csv'))
    # Cut off before their end, where a zip lists its files (a download that stopped): said
    # to be cut off, not "Unrecognized archive format".
    whole = zbytes([('audit.csv', (CSV * 20).encode())])
    put('zip/cut_off_before_its_end.zip', whole[:len(whole) // 2])
    book = open(os.path.join(ROOT, 'xlsx/inline_strings.xlsx'), 'rb').read()
    put('xlsx/workbook_cut_off.xlsx', book[:len(book) * 2 // 3])


def make_text():
    put('text/utf16le_bom.csv', b'\xff\xfe' + (CSV + 'Emoji 😀,X PD,"06/03/2025, 1:00:00 PM UTC",test\r\n').encode('utf-16-le'))
    put('text/utf16be_bom.csv', b'\xfe\xff' + (CSV + 'Emoji 😀,X PD,"06/03/2025, 1:00:00 PM UTC",test\r\n').encode('utf-16-be'))
    put('text/cp1252_fallback.csv', CSV.encode('cp1252'))
    put('text/utf8_bom.csv', b'\xef\xbb\xbf' + CSV.encode())
    # UTF-8 with two damaged bytes (a character cut in half, a stray 0xFF) among many good
    # accented names: UTF-8, not Windows-1252; the bad bytes reach no output as they are.
    rows = ''.join(f'Jos\u00e9 N\u00fa\u00f1ez {i},Santa Mar\u00eda CA PD,"06/{1 + i % 28:02d}/2025, '
                   f'{1 + i % 12}:00:00 PM UTC",assist ICE {i}\r\n' for i in range(40))
    put('text/utf8_damaged_bytes.csv', CSV.encode() + rows.encode()
        + b'Ofc Pe\xc3,Santa Mar\xc3\xada CA PD,"06/29/2025, 1:00:00 PM UTC",assist ICE hold \xff now\r\n')
    # Two organizations whose names differ only in a damaged byte: every output writes both as
    # "Springfield \ufffd PD", so the counts must add them, not fail on a duplicate key (found
    # by fuzz_scan: the scan stopped with a database error).
    put('text/orgs_differing_only_in_damaged_bytes.csv', CSV.encode() + rows.encode()
        + b'Ofc A,Springfield \xa6 PD,"06/29/2025, 1:00:00 PM UTC",assist ICE hold\r\n'
        + b'Ofc B,Springfield \x9d PD,"06/29/2025, 2:00:00 PM UTC",assist ICE hold\r\n')


def cut_off_gzip(keep=0.6):
    """A gzip cut at 60% of its bytes (or `keep`): what came before the cut must still be read."""
    rows = ''.join(f'Officer {i},Springfield PD,"06/{1 + i % 28:02d}/2025, {1 + i % 12}:00:00 PM UTC",'
                   f'case {(i * 7919) % 1000003:07d}\n' for i in range(4000))
    z = gzip.compress(('Name,Org Name,Search Time,Reason\n' + rows).encode(), mtime=0)
    return z[:int(len(z) * keep)]


def make_compressed():
    put('gz/gzipped.csv.gz', gzip.compress(CSV.encode(), mtime=0))
    put('gz/cut_off_at_60_percent.csv.gz', cut_off_gzip())
    put('gz/cut_off_within_its_first_64_kib.csv.gz', cut_off_gzip(0.12))
    zst = os.path.join(ROOT, 'gz/zstd.csv.zst')
    if shutil.which('zstd'):
        out = subprocess.run(['zstd', '-q', '-c', '-19'], input=CSV.encode(),
                             stdout=subprocess.PIPE, check=True).stdout
        put('gz/zstd.csv.zst', out)
    elif not os.path.exists(zst):
        print('zstd not found: gz/zstd.csv.zst not written')


def raw_zip(members):
    """A stored (uncompressed) zip of (name bytes, flag bits, data), names as given."""
    local, central = b'', b''
    for name, flags, data in members:
        crc = zlib.crc32(data)
        head = struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, flags, 0, 0, 0x21, crc, len(data),
                           len(data), len(name), 0)
        central += struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 20, 20, flags, 0, 0, 0x21, crc,
                               len(data), len(data), len(name), 0, 0, 0, 0, 0o100644 << 16,
                               len(local)) + name
        local += head + name + data
    end = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, len(members), len(members), len(central),
                      len(local), 0)
    return local + central + end


def make_zip():
    book = open(os.path.join(ROOT, 'xlsx/inline_strings.xlsx'), 'rb').read()
    put('zip/nested.zip', zbytes([
        ('release/', None),
        ('release/2025/', None),
        ('release/2025/jan.csv', CSV.encode()),
        ('release/2025/feb.tsv', CSV.replace(',', '\t').replace('"06/0', '06/0')
         .replace(' UTC"', ' UTC').encode()),
        ('release/.DS_Store', b'\0\0\0\1Bud1'),
        ('__MACOSX/release/2025/._jan.csv', b'\0\5\26\7'),
        ('release/book.xlsx', book),
        ('release/mar.csv.gz', gzip.compress(CSV.encode(), mtime=0)),
    ]))
    deeper = zbytes([('y.csv', b'a,b\r\n1,2\r\n')])
    inner = zbytes([('x.csv', b'a,b\r\n3,4\r\n'), ('deeper.zip', deeper)])
    put('zip/zip_in_zip.zip', zbytes([('inner.zip', inner)]))

    # 256 MiB of zeros as bzip2 in a zip: a few hundred bytes that expand far past 1000:1.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_BZIP2) as z:
        zi = zipfile.ZipInfo('zeros.csv', DATE)
        zi.compress_type = zipfile.ZIP_BZIP2
        with z.open(zi, 'w', force_zip64=True) as w:
            block = b'\0' * (1 << 20)
            for _ in range(256):
                w.write(block)
    put('zip/bomb_bzip2_256mib.zip', buf.getvalue())

    # Member names that are not ASCII, written byte for byte (Python's zipfile always sets the
    # UTF-8 flag for them). The second member of each comes after the odd name: it must be read.
    data = CSV.encode()
    put('zip/member_name_utf8.zip', raw_zip([
        ('Búsqueda – enero.csv'.encode(), 0x800, data), (b'after.csv', 0, data)]))
    # A member protected by a password (flag bit 0: "encrypted"), between two that are not:
    # an error naming it, not a note; the others read.
    put('zip/member_protected_by_password.zip', raw_zip([
        (b'before.csv', 0, CSV.encode()), (b'audit.csv', 1, bytes(12) + CSV.encode()),
        (b'after.csv', 0, CSV.encode())]))
    put('zip/member_name_cp1252_unflagged.zip', raw_zip([
        ('Búsqueda – enero.csv'.encode('cp1252'), 0, data), (b'after.csv', 0, data)]))
    put('zip/member_name_flagged_utf8_but_not.zip', raw_zip([
        ('Búsqueda – enero.csv'.encode('cp1252'), 0x800, data), (b'after.csv', 0, data)]))


# A small network audit in the generator's shape: the log that documents come with.
AUDIT = ('ID,Name,Org Name,Total Networks Searched,Time Frame,License Plate,Reason,Case #,'
         'Filters,Search Time,Search Type,Text Prompt,Moderation\r\n'
         '0c2c9101-13fb-464e-95ae-2fb793f4096a,***,Twin Rivers County CA SO,3,"09/01/2025, '
         '04:08:00 AM UTC\r\n10/01/2025, 04:08:00 AM UTC",***,stolen vehicle,P25720151,,'
         '"10/01/2025, 04:13:45 AM UTC",lookup,,\r\n'
         'c8be04da-59e4-44bf-b9d1-e7e124eb06db,***,Alder Creek CA PD,1,"09/02/2025, '
         '01:00:00 PM UTC\r\n10/02/2025, 01:00:00 PM UTC",***,burglary suspect vehicle,25-1188,,'
         '"10/02/2025, 01:02:03 PM UTC",search,,\r\n'
         '5b0e8a52-7d3c-4c59-9a4e-0f7d2b1e6a11,***,Alder Creek CA PD,1,"09/03/2025, '
         '08:30:00 AM UTC\r\n10/03/2025, 08:30:00 AM UTC",***,missing person,25-1202,,'
         '"10/03/2025, 08:31:10 AM UTC",lookup,,\r\n')


def office(kind):
    """The few parts that make a zip a Word document, a PowerPoint deck or an OpenDocument
    text for a reader that looks at member names (and ODF's stored "mimetype" member)."""
    ct = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          'content-types"/>').encode()
    core = b'<?xml version="1.0"?><cp:coreProperties xmlns:cp="c"><t>Letter</t></cp:coreProperties>'
    if kind == 'docx':
        return zbytes([('[Content_Types].xml', ct),
                       ('word/document.xml', b'<?xml version="1.0"?><w:document xmlns:w="w">'
                        b'<w:body><w:p><w:r><w:t>Dear requester</w:t></w:r></w:p></w:body>'
                        b'</w:document>'),
                       ('docProps/core.xml', core)])
    if kind == 'pptx':
        return zbytes([('[Content_Types].xml', ct),
                       ('ppt/presentation.xml', b'<?xml version="1.0"?><p:presentation '
                        b'xmlns:p="p"/>'),
                       ('docProps/core.xml', core)])
    return zbytes([('mimetype', b'application/vnd.oasis.opendocument.text'),
                   ('content.xml', b'<?xml version="1.0"?><office:document-content '
                    b'xmlns:office="o"><t>Dear requester</t></office:document-content>')],
                  zipfile.ZIP_STORED)


def make_documents():
    # A clean log with the papers a release arrives with: every document's lines set aside
    # (INFO), none rejected; the scan exits 0.
    put('release_with_documents/network_audit.csv', AUDIT.encode())
    put('release_with_documents/README.md',
        b'# Records release 25-0412\n\nThis folder holds the records, as exported.\n\n'
        b'- network_audit.csv: the network audit, September to October 2025\n'
        b'- cover_letter.txt: the letter\n')
    put('release_with_documents/cover_letter.txt',
        b'Dear requester,\nAttached are the records you asked for, in CSV, as kept.\n'
        b'Some fields are redacted under 7923.600 GC.\nSincerely,\nRecords Unit\n')
    # No extension: a document by its shape (prose, not a table), though commas split it.
    put('release_with_documents/NOTES',
        b'Notes from the clerk\nThe export ran twice, on Monday and Tuesday.\n'
        b'Rows before October were not kept.\nCall if anything is missing.\n')
    # Files that may hold a log in a format not read yet: each one warning, the scan exits 1.
    put('documents_that_warn/records_index.json',
        b'{\n  "request": "25-0412",\n  "files": [\n    {"name": "network_audit.csv", '
        b'"rows": 3}\n  ]\n}\n')
    put('documents_that_warn/letter.docx', office('docx'))
    put('documents_that_warn/slides.pptx', office('pptx'))
    put('documents_that_warn/letter.odt', office('odt'))
    # An office document inside a zip is skipped whole, not read part by part.
    put('documents_that_warn/release.zip',
        zbytes([('network_audit.csv', AUDIT.encode()), ('letter.docx', office('docx'))]))
    # Tables that are not a log: rejected as before, for someone to look at, even named .txt.
    put('unknown_table/inventory.csv',
        b'Camera,Location,Installed\r\nC-01,Main St & 4th,2023-02-01\r\n'
        b'C-02,Oak Ave,2023-03-15\r\nC-03,River Rd,2024-07-30\r\n')
    put('unknown_table/camera_list.txt',
        b'Camera\tLocation\tInstalled\nC-01\tMain St\t2023-02-01\nC-02\tOak Ave\t2023-03-15\n')
    # One value per line: a document by shape, but not when named as a table (.csv). A log cut
    # by '|' is read as a table (format psv), its header found; without a header, two lines
    # are too few to infer its columns, so it stays rejected.
    put('unknown_table/plates_one_column.csv', b'Plate\r\nABC1234\r\n7XYZ123\r\nKLM9087\r\n')
    put('unknown_table/pipe_delimited_log.txt',
        b'Org Name|Search Time|Reason\nAlder Creek CA PD|2025-10-01T04:13:45Z|stolen vehicle\n'
        b'Twin Rivers County CA SO|2025-10-02T13:02:03Z|missing person\n')
    put('unknown_table/pipe_delimited_log', b'Alder Creek CA PD|2025-10-01T04:13:45Z|stolen vehicle\n'
        b'Twin Rivers County CA SO|2025-10-02T13:02:03Z|missing person\n')


def make_xls():
    """Excel 97-2003 workbooks (biff8.py): text cells, numbers, date-time cells, a blank row, a
    notes sheet; the same audit with a shared string table; cut off; protected by a password;
    and a Word 97-2003 document, a PowerPoint presentation and an Outlook message, which are
    OLE2 files too."""
    import biff8
    audit = [['Name', 'Org Name', 'Total Networks Searched', 'License Plate', 'Reason', 'Case #',
              'Search Time'],
             ['José Núñez', 'Springfield PD', 14, 'KPX4471', 'assist ICE with locate', '25-101',
              ('date', 45810.5434375)],
             [],
             ['Ann Lee', 'Shelbyville SO', 2, None, 'stolen vehicle', '25-102', ('date', 45811.25)],
             ['B Jones', 'Capital City PD', 1.5, 'MWR215', 'Immigration (criminal)', None,
              ('date', 45812.0)]]
    notes = [['Released under a public records request'], ['Plates are partly redacted']]
    put('xls/audit_saved_as_97_2003.xls', biff8.workbook([('Notes', notes), ('Network Audit', audit)]))
    put('xls/shared_strings_table.xls', biff8.workbook([('Audit', audit[:2])], sst=True))
    whole = biff8.workbook([('Network Audit', audit * 40)])
    put('xls/workbook_cut_off.xls', whole[:len(whole) // 2])
    stream = biff8.biff_stream([('Audit', audit)])
    filepass = biff8.rec(0x002F, bytes.fromhex('0000') + bytes(4))  # XOR obfuscation
    put('xls/password_protected.xls', biff8.compound_file(stream[:20] + filepass + stream[20:]))
    put('xls/word_97_document.doc', biff8.compound_file(b'\xEC\xA5' + bytes(600), 'WordDocument'))
    put('xls/powerpoint_97_presentation.ppt', biff8.compound_file(bytes(600),
                                                                   'PowerPoint Document'))
    # An Outlook message: the agency e-mailed the export; its attachments are not read
    put('xls/export_sent_as_outlook_message.msg', biff8.compound_file(bytes(600),
                                                                      '__properties_version1.0'))
    # An .xlsx protected by a password is an OLE2 file holding an "EncryptedPackage" stream
    # (and no workbook FreeXL can find): said to be protected, not "a Word document?".
    put('xls/password_protected.xlsx', biff8.compound_file(bytes(range(256)) * 20,
                                                           'EncryptedPackage'))


ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/"')


def ods_cell(v, rep=1):
    """A table cell as LibreOffice writes it: str -> a string (lines as paragraphs), int/float
    -> a float whose shown text differs from its value, ('date', iso), ('time', 'PT..'),
    ('bool', 'true'), ('note', text, comment), None -> empty; rep -> number-columns-repeated."""
    r = ' table:number-columns-repeated="%d"' % rep if rep > 1 else ''
    if v is None:
        return '<table:table-cell%s/>' % r
    if isinstance(v, tuple) and v[0] == 'date':
        return ('<table:table-cell%s office:value-type="date" office:date-value="%s" '
                'calcext:value-type="date"><text:p>shown as locale date</text:p></table:table-cell>'
                % (r, v[1]))
    if isinstance(v, tuple) and v[0] == 'time':
        return ('<table:table-cell%s office:value-type="time" office:time-value="%s" '
                'calcext:value-type="time"><text:p>01:02:03 PM</text:p></table:table-cell>' % (r, v[1]))
    if isinstance(v, tuple) and v[0] == 'bool':
        return ('<table:table-cell%s office:value-type="boolean" office:boolean-value="%s">'
                '<text:p>shown</text:p></table:table-cell>' % (r, v[1]))
    if isinstance(v, tuple) and v[0] == 'note':
        return ('<table:table-cell%s office:value-type="string" calcext:value-type="string">'
                '<office:annotation><dc:creator>clerk</dc:creator><text:p>%s</text:p>'
                '</office:annotation><text:p>%s</text:p></table:table-cell>' % (r, v[2], v[1]))
    if isinstance(v, (int, float)):
        return ('<table:table-cell%s office:value-type="float" office:value="%s" '
                'calcext:value-type="float"><text:p>%s</text:p></table:table-cell>'
                % (r, repr(v), '{:,.2f}'.format(v)))
    paras = ''.join('<text:p>%s</text:p>' % line for line in v.split('\n'))
    return ('<table:table-cell%s office:value-type="string" calcext:value-type="string">%s'
            '</table:table-cell>' % (r, paras))


def ods_table(name, rows):
    """rows: lists of cells (ods_cell arguments, or ('raw', xml)), or ('repeat', n, cells):
    one row element repeated n times. Each table ends as LibreOffice's do: its empty cells and
    rows to the sheet's edge stored once, with large repeat counts."""
    out = ['<table:table table:name="%s"><table:table-column table:number-columns-repeated='
           '"1024"/>' % name]
    for r in rows:
        rep, cells = 1, r
        if isinstance(r, tuple) and r[0] == 'repeat':
            rep, cells = r[1], r[2]
        xml = ''.join(c[1] if isinstance(c, tuple) and c[0] == 'raw' else ods_cell(c)
                      for c in cells)
        xml += '<table:table-cell table:number-columns-repeated="%d"/>' % (1024 - len(cells))
        attr = ' table:number-rows-repeated="%d"' % rep if rep > 1 else ''
        out.append('<table:table-row%s>%s</table:table-row>' % (attr, xml))
    out.append('<table:table-row table:number-rows-repeated="1048560"><table:table-cell '
               'table:number-columns-repeated="1024"/></table:table-row></table:table>')
    return ''.join(out)


def ods(tables, content=None, manifest_extra=''):
    """An OpenDocument spreadsheet as LibreOffice lays it out: a stored "mimetype" first."""
    if content is None:
        content = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content %s '
                   'office:version="1.3"><office:body><office:spreadsheet>%s'
                   '</office:spreadsheet></office:body></office:document-content>'
                   % (ODS_NS, ''.join(ods_table(n, r) for n, r in tables))).encode()
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest='
                '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
                'vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
                '"content.xml" manifest:media-type="text/xml">%s</manifest:file-entry>'
                '</manifest:manifest>' % manifest_extra).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as z:
        for name, data, how in [('mimetype', b'application/vnd.oasis.opendocument.spreadsheet',
                                 zipfile.ZIP_STORED),
                                ('content.xml', content, zipfile.ZIP_DEFLATED),
                                ('META-INF/manifest.xml', manifest, zipfile.ZIP_DEFLATED)]:
            zi = zipfile.ZipInfo(name, DATE)
            zi.compress_type = how
            zi.external_attr = 0o100644 << 16
            z.writestr(zi, data)
    return buf.getvalue()


def make_ods():
    """OpenDocument spreadsheets as LibreOffice saves them: a notes sheet and the audit (a
    two-line time frame as two paragraphs, numbers shown other than their value, a date cell,
    a comment on a cell, a merged cell, equal rows stored once with a repeat, empty cells and
    rows repeated to the sheet's edge); the audit cut off inside its XML; and one protected by
    a password."""
    head = ['Name', 'Org Name', 'Total Networks Searched', 'Time Frame', 'License Plate',
            'Reason', 'Case #', 'Search Time']
    r1 = ['José Núñez', 'Springfield PD', 14, '05/30/2025 1:00 PM\n06/01/2025 1:00 PM',
          'KPX4471', ('note', 'assist ICE with locate', 'asked by ERO'), '25-101',
          ('date', '2025-06-01T13:02:33')]
    r2 = ['Ann Lee', 'Shelbyville SO', 2, None, None, 'stolen   vehicle', None,
          ('date', '2025-06-02T06:00:00.4')]
    same = ['B Jones', 'Capital City PD', 1500, None, 'MWR215', 'Immigration (criminal)',
            '25-103', ('date', '2025-06-03')]
    notes = [['Released under a public records request'],
             [('raw', '<table:table-cell table:number-columns-spanned="2" office:value-type='
                      '"string"><text:p>Plates are partly redacted</text:p></table:table-cell>'
                      '<table:covered-table-cell/>')],
             [('bool', 'true'), ('time', 'PT13H02M33S'), 0.25],
             [('raw', '<table:table-cell office:value-type="string"><text:p>a<text:s text:c="3"/>'
                      'b<text:tab/>c<text:line-break/>d <text:span>e</text:span></text:p>'
                      '</table:table-cell><table:table-cell table:number-columns-repeated="3" '
                      'office:value-type="string"><text:p>x</text:p></table:table-cell>')],
             # a writer's text as an attribute; a table inside a cell (left out, with a
             # warning); the cell after it still in its place
             [('raw', '<table:table-cell office:value-type="string" office:string-value="as '
                      'attribute"><text:p>shown</text:p></table:table-cell><table:table-cell>'
                      '<table:table table:name="inner"><table:table-row><table:table-cell>'
                      '<text:p>inner</text:p></table:table-cell></table:table-row></table:table>'
                      '</table:table-cell><table:table-cell office:value-type="string"><text:p>'
                      'after</text:p></table:table-cell>')]]
    audit = [head, r1, [], r2, ('repeat', 2, same)]
    put('ods/audit_saved_by_libreoffice.ods', ods([('Notes', notes), ('Network Audit', audit)]))
    whole = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content %s><office:body>'
             '<office:spreadsheet>%s' % (ODS_NS, ods_table('Network Audit', [head] + [r1, r2] * 20)))
    put('ods/content_cut_off_in_a_row.ods', ods(None, whole[:len(whole) * 2 // 5].encode()))
    put('ods/password_protected.ods',
        ods(None, bytes(range(256)) * 8,
            '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum='
            '"AAAA"><manifest:algorithm manifest:algorithm-name="Blowfish CFB" '
            'manifest:initialisation-vector="AAAA"/></manifest:encryption-data>'))
    put('ods/release.zip', zbytes([('audit_may.ods', ods([('Network Audit', audit)]))]))
    # A row with text repeated four billion times: the rows past the sheet's last are not
    # handed out (a warning), the table after it is still read.
    put('ods/row_repeated_four_billion_times.ods',
        ods([('Big', [['note'], ('repeat', 4000000000, ['same text'])]),
             ('After', [['still read']])]))
    # Four billion spaces (<text:s text:c>) where no text is being gathered (a cell whose
    # text is its office:string-value) and inside a paragraph (past the row's cap)
    put('ods/four_billion_spaces.ods', ods([('Spaces', [
        [('raw', '<table:table-cell office:value-type="string" office:string-value="kept">'
                 '<text:p>x<text:s text:c="4000000000"/></text:p></table:table-cell>')],
        [('raw', '<table:table-cell office:value-type="string"><text:p>y<text:s '
                 'text:c="4000000000"/></text:p></table:table-cell>')],
        ['after']])]))


def tar_bytes(members):
    """A tar (POSIX ustar) of (name, bytes or None for a folder), mtimes and owners zeroed."""
    import tarfile
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w', format=tarfile.USTAR_FORMAT) as t:
        for name, data in members:
            ti = tarfile.TarInfo(name)
            ti.mtime, ti.uid, ti.gid, ti.uname, ti.gname = 0, 0, 0, '', ''
            if data is None:
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
                t.addfile(ti)
            else:
                ti.size, ti.mode = len(data), 0o644
                t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def rar4(members, protected=(), volume=False):
    """A RAR 4 archive (the format WinRAR wrote before 5.0) of (name, bytes or None for a
    folder), members stored (method 0x30), host Unix, dated 2025-01-01. A name in `protected`
    is marked as encrypted (its bytes are not: no reader gets that far without the password).
    Written here, as no free tool writes RAR; libarchive and p7zip read these."""
    def block(htype, flags, body, data=b''):
        h = struct.pack('<BHH', htype, flags, 7 + len(body)) + body
        return struct.pack('<H', zlib.crc32(h) & 0xFFFF) + h + data
    out = b'Rar!\x1a\x07\x00' + block(0x73, 1 if volume else 0, struct.pack('<HI', 0, 0))
    dos = ((2025 - 1980) << 25) | (1 << 21) | (1 << 16)
    for name, data in members:
        flags, attr = 0x8000, 0o100644  # 0x8000: a data area follows
        if data is None:
            flags, attr, data = flags | 0x00E0, 0o40755, b''  # 0xE0: a folder
        if name in protected:
            flags |= 0x0004
        n = name.encode()
        out += block(0x74, flags, struct.pack('<IIBIIBBHI', len(data), len(data), 3,
                                              zlib.crc32(data), dos, 20, 0x30, len(n), attr) + n,
                     data)
    return out + block(0x7B, 0x4000, b'')


def vint(v):
    """RAR 5's variable-length number: seven bits a byte, low first, high bit: more follow."""
    b = bytearray()
    while True:
        b.append((v & 0x7F) | (0x80 if v > 0x7F else 0))
        v >>= 7
        if not v:
            return bytes(b)


def rar5_header(htype, hflags, fields, data=None):
    """A RAR 5 header block (CRC32, size, type, flags, [data size], fields), then its data."""
    body = vint(htype) + vint(hflags | (2 if data is not None else 0))
    body += (vint(len(data)) if data is not None else b'') + fields
    h = vint(len(body)) + body
    return struct.pack('<I', zlib.crc32(h)) + h + (data or b'')


def rar5(members):
    """The same as a RAR 5 archive (WinRAR 5.0 and later)."""
    out = b'Rar!\x1a\x07\x01\x00' + rar5_header(1, 0, vint(0))
    for name, data in members:
        n = name.encode()
        if data is None:  # file flags: folder, time; no size, no CRC
            f = vint(0x3) + vint(0) + vint(0o40755) + struct.pack('<I', 1735689600)
            data = b''
        else:  # file flags: time, CRC
            f = (vint(0x6) + vint(len(data)) + vint(0o100644) +
                 struct.pack('<II', 1735689600, zlib.crc32(data)))
        out += rar5_header(2, 0, f + vint(0) + vint(1) + vint(len(n)) + n, data)  # stored, Unix
    return out + rar5_header(5, 0, vint(0))


def rar5_volumes(name, data, nvol):
    """One stored file in a RAR 5 archive of nvol volumes (name.part1.rar, ...), as WinRAR's
    "split to volumes" writes them: each volume's file header carries its piece of the data,
    marked as continued from the one before and in the next; the last holds the file's CRC."""
    n, step, vols = name.encode(), (len(data) + nvol - 1) // nvol, []
    for v in range(nvol):
        last = v == nvol - 1
        out = b'Rar!\x1a\x07\x01\x00' + rar5_header(1, 0, vint(1 | (2 if v else 0)) +
                                                     (vint(v) if v else b''))
        f = (vint(0x2 | (0x4 if last else 0)) + vint(len(data)) + vint(0o100644) +
             struct.pack('<I', 1735689600) + (struct.pack('<I', zlib.crc32(data)) if last else b'') +
             vint(0) + vint(1) + vint(len(n)) + n)
        out += rar5_header(2, (0x8 if v else 0) | (0 if last else 0x10), f,
                           data[v * step:(v + 1) * step])
        vols.append(out + rar5_header(5, 0, vint(0 if last else 1)))
    return vols


def make_archives():
    """Releases packed as tar (plain, gzip, xz, bzip2, zstd) and 7z, as researchers and some
    portals send them: a folder, an audit with an "assist ICE" row, a hidden file, a note. One
    .tar.gz cut off halfway: what came before the cut is read, the cut said."""
    import bz2
    import lzma
    members = [('export/', None), ('export/audit.csv', CSV.encode()),
               ('export/.DS_Store', b'\0\0\0\1Bud1'), ('export/README.txt',
               b'Records release 25-0412: the search audit, as exported.\n')]
    tar = tar_bytes(members)
    put('archives/release.tar', tar)
    put('archives/release.tar.gz', gzip.compress(tar, mtime=0))
    put('archives/release.tar.xz', lzma.compress(tar, preset=6))
    put('archives/release.tar.bz2', bz2.compress(tar, 9))
    zst = os.path.join(ROOT, 'archives/release.tar.zst')
    if shutil.which('zstd'):
        put('archives/release.tar.zst', subprocess.run(['zstd', '-q', '-c', '-19'], input=tar,
                                                       stdout=subprocess.PIPE, check=True).stdout)
    elif not os.path.exists(zst):
        print('zstd not found: archives/release.tar.zst not written')
    rows = ''.join(f'Officer {i},Springfield PD,"06/{1 + i % 28:02d}/2025, {1 + i % 12}:00:00 PM '
                   f'UTC",case {(i * 7919) % 1000003:07d}\n' for i in range(4000))
    big = tar_bytes([('audit_a.csv', ('Name,Org Name,Search Time,Reason\n' + rows).encode()),
                     ('audit_b.csv', CSV.encode())])
    z = gzip.compress(big, mtime=0)
    put('archives/cut_off_halfway.tar.gz', z[:len(z) // 2])
    # RAR 4 and RAR 5 (stored: no free tool compresses RAR), one member with a password, and
    # one cut off inside its first member
    put('archives/release.rar', rar4(members))
    put('archives/release_rar5.rar', rar5(members))
    put('archives/member_protected_by_password.rar', rar4(members, ('export/audit.csv',)))
    r = rar4([('audit_a.csv', ('Name,Org Name,Search Time,Reason\n' + rows).encode()),
              ('audit_b.csv', CSV.encode())])
    put('archives/cut_off_halfway.rar', r[:len(r) // 2])
    # cut before 64 KiB of its member: the encoding is sniffed from those bytes, and a cut
    # there used to lose them all while saying they were read
    put('archives/cut_off_within_its_first_64_kib.rar', r[:40000])
    # 7z: written by the 7z command (p7zip-full) when it is there and the file is not, from
    # files dated 2025-01-01: the release; the same with a password on its members; and with
    # its list of files encrypted too (7z encrypts with a random salt: written once, kept).
    for out, extra in [('release.7z', []), ('member_protected_by_password.7z', ['-psecret']),
                       ('protected_by_password_list_too.7z', ['-psecret', '-mhe=on'])]:
        sz = os.path.join(ROOT, 'archives', out)
        if os.path.exists(sz):
            continue
        if not shutil.which('7z'):
            print('7z not found: archives/%s not written' % out)
            continue
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            for name, data in members:
                path = os.path.join(d, name)
                if data is None:
                    os.makedirs(path, exist_ok=True)
                else:
                    with open(path, 'wb') as f:
                        f.write(data)
            for root, dirs, files in os.walk(d):
                for n in dirs + files:
                    os.utime(os.path.join(root, n), (1735689600, 1735689600))
            subprocess.run(['7z', 'a', '-bso0', '-bsp0', '-mtc=off', '-mta=off'] + extra +
                           [sz, 'export'], cwd=d, check=True)


def make_volumes():
    """Files split into volumes, as releases too big for a portal's upload limit arrive: a zip
    cut into numbered pieces (release.zip.001, .002, .003, as 7-Zip or HJSplit cut it), a CSV
    cut into pieces mid-row, two whole exports that merely carry numbers (each with its
    header: read apart), pieces with one missing, a RAR in volumes (release.part1.rar, ...)
    and volumes alone, and a zip split by zip -s (release.z01, release.zip), whole and
    without its last part. The zip -s files are written
    by Info-ZIP's zip when it is there and they are not, then kept."""
    def audit(n, org='Springfield PD'):
        return ('Name,Org Name,Search Time,Reason\n' + ''.join(
            f'Officer {i},{org},"06/{1 + i % 28:02d}/2025, {1 + i % 12}:00:00 PM UTC",'
            f'{"assist ICE" if i % 97 == 0 else "case %07d" % ((i * 7919) % 1000003)}\n'
            for i in range(n))).encode()
    z = zbytes([('export/audit.csv', audit(3000))])
    third = len(z) // 3
    pieces = [z[:third], z[third:2 * third], z[2 * third:]]
    for k, p in enumerate(pieces):
        put('volumes/numbered/release.zip.%03d' % (k + 1), p)
    put('volumes/first_volume_alone/release.zip.001', pieces[0])
    put('volumes/one_missing/release.zip.001', pieces[0])
    put('volumes/one_missing/release.zip.003', pieces[2])
    text = audit(300)
    half = len(text) // 2 + 7  # mid-row
    put('volumes/text_cut_in_two/audit.csv.001', text[:half])
    put('volumes/text_cut_in_two/audit.csv.002', text[half:])
    put('volumes/whole_exports_numbered/audit.001', CSV.encode())
    put('volumes/whole_exports_numbered/audit.002', CSV.encode().replace(b'06/0', b'07/0'))
    # a RAR in volumes (read across them, not joined), and volumes alone (RAR 5 and RAR 4),
    # which libarchive reads as if whole: the cut file would be short without a word
    for k, v in enumerate(rar5_volumes('export/audit.csv', audit(300, 'Shelbyville SO'), 3)):
        put('volumes/rar/release.part%d.rar' % (k + 1), v)
        if k == 0:
            put('volumes/rar_volume_alone/release.part1.rar', v)
    put('volumes/rar_volume_alone/old_style.rar', rar4([('audit.csv', audit(20, 'Ogdenville PD'))],
                                                       volume=True))
    def zip_split(folder, rows):
        """release.z01 ... release.zip by Info-ZIP's zip -s 64k, stored, into folder (when zip
        is there and the folder's release.zip is not); False when it could not be written."""
        if os.path.exists(os.path.join(folder, 'release.zip')):
            return True
        if not shutil.which('zip'):
            print('zip not found: %s not written' % os.path.relpath(folder, ROOT))
            return False
        import tempfile
        os.makedirs(folder, exist_ok=True)
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, 'export'))
            src = os.path.join(d, 'export', 'audit.csv')
            with open(src, 'wb') as f:
                f.write(audit(rows))  # stored, over zip -s's smallest part (64 KiB)
            os.utime(src, (1735689600, 1735689600))
            subprocess.run(['zip', '-q', '-X', '-0', '-s', '64k', os.path.join(folder, 'release.zip'),
                            'export/audit.csv'], cwd=d, check=True)
        return True
    split = os.path.join(ROOT, 'volumes/split_zip')
    if not zip_split(split, 1100):
        return
    # three parts, the middle one missing: the .zip's end record says two came before it
    middle = os.path.join(ROOT, 'volumes/split_zip_missing_a_middle_part')
    if not os.path.exists(os.path.join(middle, 'release.zip')):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            if zip_split(d, 2000):
                os.makedirs(middle, exist_ok=True)
                for n in ('release.z01', 'release.zip'):
                    shutil.copyfile(os.path.join(d, n), os.path.join(middle, n))
    last = os.path.join(ROOT, 'volumes/split_zip_without_its_last_part')
    os.makedirs(last, exist_ok=True)
    for n in sorted(os.listdir(split)):
        if n != 'release.zip':
            shutil.copyfile(os.path.join(split, n), os.path.join(last, n))


MAIL_CSV = ('Name,Org Name,Search Time,Reason,Case #\r\n' +
            ''.join('Officer %d,Springfield PD,"11/%02d/2025, %d:15:00 PM UTC",%s,25-%04d\r\n'
                    % (i, 1 + i % 28, 1 + i % 12, 'assist ICE with locate' if i % 10 == 3
                       else 'stolen vehicle', 1000 + i) for i in range(60)))


def mail_message(subject, body, attachments=(), html=False, number=1):
    """An e-mail as a records unit sends it (headers fixed, boundaries named, so the bytes are
    the same on every run). attachments: (file name or None, bytes or a message, type, cte)."""
    from email.message import EmailMessage
    from email.policy import SMTP
    m = EmailMessage()
    m['From'] = 'Records Unit <records@springfield.example.gov>'
    m['To'] = 'reporter@news.example.org'
    m['Subject'] = subject
    m['Date'] = 'Tue, 04 Nov 2025 10:12:%02d -0800' % number
    m['Message-ID'] = '<prr-25-1187.%d@springfield.example.gov>' % number
    m['MIME-Version'] = '1.0'
    m.set_content(body)
    if html:
        m.add_alternative('<p>%s</p>\n' % body, subtype='html')
    for name, data, mime, cte in attachments:
        if isinstance(data, EmailMessage):
            m.add_attachment(data)
            continue
        main, sub = mime.split('/')
        kw = {'filename': name} if name else {}
        if not name:
            kw['disposition'] = 'attachment'
        m.add_attachment(data, maintype=main, subtype=sub, cte=cte, **kw)
    n = 0
    for part in m.walk():
        if part.is_multipart():
            n += 1
            part.set_boundary('=_sunlight_%d_%d' % (number, n))
    return m if subject is None else m.as_bytes(policy=SMTP)


def tnef(attachments):
    """winmail.dat as Outlook writes it ([MS-OXTNEF]): the signature and key, the TNEF version
    and message class, then per attachment its rendering data, title and bytes; every
    attribute is level, id, length, data and the 16-bit sum of the data's bytes."""
    def attr(level, ident, data):
        return (struct.pack('<BII', level, ident, len(data)) + data +
                struct.pack('<H', sum(data) & 0xFFFF))
    out = struct.pack('<IH', 0x223E9F78, 0x0101)
    out += attr(1, 0x00089006, struct.pack('<I', 0x00010000))  # attTnefVersion
    out += attr(1, 0x00078008, b'IPM.Note\x00')                 # attMessageClass
    for name, data in attachments:
        out += attr(2, 0x00069002, struct.pack('<HIHHI', 1, 0xFFFFFFFF, 0, 0, 0))  # RendData
        out += attr(2, 0x00018010, name.encode('latin-1') + b'\x00')               # Title
        out += attr(2, 0x0006800F, data)                                          # Data
    return out


def make_mail():
    """Records sent by e-mail, saved as the reporter's mail program saves them: an .eml with
    the audit attached (base64), attached as quoted-printable under an RFC 2231 name, zipped,
    forwarded inside another message, cut off inside its attachment, sent with a logo in its
    signature, pasted into the message as a table, a message with only a link, one whose attachments Outlook packed in winmail.dat, a signed one, and a mailbox
    (.mbox, as Gmail's export writes it) holding two messages."""
    from email.message import EmailMessage
    from email.mime.application import MIMEApplication
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText
    audit = MAIL_CSV.encode()
    body = 'Attached are the records responsive to PRR 25-1187.\n'
    csv_part = ('network_audit.csv', audit, 'text/csv', 'base64')
    plain = mail_message('PRR 25-1187: Flock audit', body, [csv_part], html=True)
    put('mail/audit_attached_as_csv.eml', plain)
    put('mail/audit_attached_quoted_printable_named_in_utf8.eml', mail_message(
        'PRR 25-1187', body, [('Prüfprotokoll – audit.csv', audit, 'text/csv', 'quoted-printable')],
        number=2))
    put('mail/audit_attached_zipped_without_a_name.eml', mail_message(
        'PRR 25-1187 (zipped)', body, [(None, zbytes([('export/audit.csv', audit)]),
                                        'application/zip', 'base64')], number=3))
    inner = mail_message(None, body, [csv_part], number=4)
    inner.replace_header('Subject', 'PRR 25-1187: Flock audit')
    put('mail/audit_in_a_forwarded_message.eml', mail_message(
        'Fwd: PRR 25-1187: Flock audit', 'See the message below.\n', [(None, inner, None, None)],
        number=5))
    put('mail/cut_off_inside_its_attachment.eml', plain[:len(plain) * 3 // 5])
    # Pasted from a spreadsheet into the message, as Gmail writes it (no attachment): the
    # table is read like a web page's; the signature's layout table is set aside
    import csv as csvmod
    rows = list(csvmod.reader(io.StringIO(MAIL_CSV)))[:11]
    cells = ''.join('<tr>' + ''.join('<td style="padding:2px 3px">%s</td>' % c for c in r) + '</tr>'
                    for r in rows)
    html = ('<div dir="ltr">Here is the audit you asked for:<br><table border="1" cellspacing="0">'
            '<tbody>%s</tbody></table><br>-- <br><table><tr><td>Jane Roe</td><td>Records Unit, '
            'Springfield PD</td></tr></table></div>\n' % cells)
    text = 'Here is the audit you asked for:\n' + '\n'.join('\t'.join(r) for r in rows) + '\n'
    pasted = mail_message(None, text, number=12)
    pasted.add_alternative(html, subtype='html')
    pasted.replace_header('Subject', 'PRR 25-1187')
    pasted.set_boundary('=_sunlight_12_1')
    from email.policy import SMTP
    put('mail/audit_pasted_into_the_message_as_a_table.eml', pasted.as_bytes(policy=SMTP))
    # Excel's "Single File Web Page" (.mht): MIME with one HTML part holding the sheet
    rows_html = ''.join('<tr>' + ''.join('<td>%s</td>' % c for c in r) + '</tr>\n' for r in rows)
    put('mail/sheet_saved_as_single_file_web_page.mht', (
        'MIME-Version: 1.0\r\nX-Document-Type: Workbook\r\n'
        'Content-Type: multipart/related; boundary="----=_NextPart_01DB4F"\r\n\r\n'
        'This document is a Single File Web Page, also known as a Web Archive file.\r\n\r\n'
        '------=_NextPart_01DB4F\r\nContent-Location: file:///C:/Users/rec/audit.htm\r\n'
        'Content-Transfer-Encoding: 8bit\r\nContent-Type: text/html; charset="utf-8"\r\n\r\n'
        '<html><body><table border=0>\r\n%s</table></body></html>\r\n\r\n'
        '------=_NextPart_01DB4F--\r\n' % rows_html).encode())
    # Outlook's way: an HTML body whose signature shows the agency's logo (an inline image)
    logo = mail_message(None, body, html=True, number=11)
    logo.get_payload()[1].add_related(b'\x89PNG\r\n\x1a\n' + bytes(120), 'image', 'png',
                                      cid='<image001.png@01DB4F>', filename='image001.png',
                                      disposition='inline')
    logo.add_attachment(audit, maintype='text', subtype='csv', filename='network_audit.csv')
    logo.replace_header('Subject', 'PRR 25-1187')
    n = 0
    for part in logo.walk():
        if part.is_multipart():
            n += 1
            part.set_boundary('=_sunlight_11_%d' % n)
    from email.policy import SMTP
    put('mail/audit_with_a_logo_in_the_signature.eml', logo.as_bytes(policy=SMTP))
    put('mail/no_attachment_only_a_link.eml', mail_message(
        'PRR 25-1187', 'Download the records at https://portal.example.gov/r/25-1187\n', number=6))
    packed = tnef([('network_audit.csv', audit), ('march.csv', CSV.encode())])
    put('mail/attachments_in_winmail_dat.eml', mail_message(
        'PRR 25-1187', body, [('winmail.dat', packed, 'application/ms-tnef', 'base64')],
        number=7))
    put('mail/winmail_dat_cut_off_inside_an_attachment.eml', mail_message(
        'PRR 25-1187', body, [('winmail.dat', packed[:3000], 'application/ms-tnef', 'base64')],
        number=14))
    put('mail/winmail_dat_that_is_not_tnef.eml', mail_message(
        'PRR 25-1187', body, [('winmail.dat', b'not what Outlook writes' + bytes(40),
                               'application/ms-tnef', 'base64')], number=15))
    signed = MIMEMultipart('signed', protocol='application/pkcs7-signature', micalg='sha-256',
                           boundary='=_sunlight_8_1')
    content = MIMEMultipart('mixed', boundary='=_sunlight_8_2')
    content.attach(MIMEText(body))
    att = MIMEApplication(audit, 'csv', name='network_audit.csv')
    att.replace_header('Content-Type', 'text/csv; name="network_audit.csv"')
    att.add_header('Content-Disposition', 'attachment', filename='network_audit.csv')
    content.attach(att)
    signed.attach(content)
    sig = MIMEApplication(bytes(range(64)), 'pkcs7-signature', name='smime.p7s')
    sig.add_header('Content-Disposition', 'attachment', filename='smime.p7s')
    signed.attach(sig)
    for k, v in (('From', 'Records Unit <records@springfield.example.gov>'),
                 ('To', 'reporter@news.example.org'), ('Subject', 'PRR 25-1187 (signed)'),
                 ('Date', 'Tue, 04 Nov 2025 10:12:08 -0800'),
                 ('Message-ID', '<prr-25-1187.8@springfield.example.gov>')):
        signed[k] = v
    put('mail/signed_message.eml', signed.as_bytes())
    box = b''
    for n, subject in ((9, 'PRR 25-1187, part 1'), (10, 'PRR 25-1187, part 2'),
                       (13, 'Re: PRR 25-1187')):
        att = [('network_audit_%d.csv' % (n - 8), audit, 'text/csv', 'base64')] if n < 13 else []
        m = mail_message(subject, body if att else 'Thank you.\n', att,
                         number=n).replace(b'\r\n', b'\n')
        box += b'From records@springfield.example.gov Tue Nov  4 10:12:00 2025\n' + m + b'\n'
    put('mail/mailbox_of_three_messages.mbox', box)

    # Outlook's own format (.msg, an OLE2 file): the audit attached (in sectors of its own), a
    # small one (in the mini stream), the agency's logo, and a forwarded message holding
    # another copy; one cut off; one whose only attachment is a link to a file share.
    import cfb
    inner = cfb.msg('PRR 25-1187: Flock audit', body, [('network_audit.csv', audit)], embedded=True)
    whole = cfb.compound(cfb.msg('Fwd: PRR 25-1187', body, [
        ('network_audit.csv', audit), ('march.csv', CSV.encode()),
        ('image001.png', b'\x89PNG\r\n\x1a\n' + bytes(120)), (None, inner)]))
    put('mail/audit_attached_to_an_outlook_message.msg', whole)
    put('mail/outlook_message_cut_off.msg', whole[:len(whole) // 2])
    # cut before the directory that names its streams: what it is cannot be told
    put('mail/outlook_message_cut_before_its_directory.msg', whole[:2048])
    put('mail/audit_pasted_into_an_outlook_message.msg', cfb.compound(cfb.msg(
        'PRR 25-1187', text, [], html=('<html><body>' + html + '</body></html>').encode())))
    put('mail/outlook_message_with_a_link_instead.msg', cfb.compound(cfb.msg(
        'PRR 25-1187', body, [('\\\\records\\share\\network_audit.csv', None)])))


def make_json():
    """Logs as JSON: what a transparency portal's page loads (a list of objects), an API
    client's save (the list under "data", nested values; a time in milliseconds since 1970),
    a scraper's JSON Lines cut off
    mid-line, a Datasette export (a "columns" list beside rows of arrays), and a file named
    .json that is not JSON."""
    import json
    portal = [
        {'id': 'b1d2c3a4-0001-4e5f-8a9b-0c1d2e3f4a51', 'userId': 'jdoe', 'searchDate': '2025-06-02T14:03:11Z',
         'networkCount': 1204, 'reason': 'ICE ERO request - locate', 'caseNumber': '25-0412',
         'offenseType': ['Immigration (civil/administrative)']},
        {'id': 'b1d2c3a4-0002-4e5f-8a9b-0c1d2e3f4a52', 'userId': 'asmith', 'searchDate': 1748942100000,
         'networkCount': 3, 'reason': 'stolen vehicle', 'caseNumber': '25-0413', 'offenseType': []},
        {'id': 'b1d2c3a4-0003-4e5f-8a9b-0c1d2e3f4a53', 'userId': 'jdoe', 'searchDate': '2025-06-04T22:40:09Z',
         'networkCount': 2, 'reason': 'protest at city hall', 'caseNumber': None},
        {'searchDate': '2025-06-05T08:00:00Z', 'id': 'b1d2c3a4-0004-4e5f-8a9b-0c1d2e3f4a54', 'userId': 'blee',
         'networkCount': 5, 'reason': 'hit and run', 'caseNumber': '25-0420', 'offenseType': ['Hit and run', 'Other']},
    ]
    put('json/portal_search_audit.json', json.dumps(portal, indent=2).encode())
    # as Windows PowerShell 5.1 saves it (ConvertTo-Json | Out-File): UTF-16LE with a BOM, CRLF
    ps = [dict(portal[0], userId='José Núñez', id='b1d2c3a4-0011-4e5f-8a9b-0c1d2e3f4a51'),
          dict(portal[1], id='b1d2c3a4-0012-4e5f-8a9b-0c1d2e3f4a52')]
    put('json/portal_saved_by_powershell_utf16.json',
        b'\xff\xfe' + json.dumps(ps, indent=4, ensure_ascii=False).replace('\n', '\r\n').encode('utf-16-le'))
    rows = [
        {'ID': 'c0ffee00-0001-4abc-9def-000000000001', 'Name': 'M. Ortiz', 'Org Name': 'Springfield IL PD',
         'Total Networks Searched': 41, 'Time Frame': '05/01/2025, 12:00:00 AM UTC\n05/08/2025, 11:59:59 PM UTC',
         'License Plate': 'KPX4471', 'Reason': 'assist ICE with locate', 'Case #': '',
         'Search Time': '05/08/2025, 3:12:44 PM UTC', 'Search Type': 'lookup',
         'vehicle': {'plate': '8XYZ512', 'state': 'IL'}},
        {'ID': 'c0ffee00-0002-4abc-9def-000000000002', 'Name': 'R. Patel', 'Org Name': 'Springfield IL PD',
         'Total Networks Searched': 2, 'Time Frame': '05/02/2025, 12:00:00 AM UTC\n05/09/2025, 11:59:59 PM UTC',
         'License Plate': 'MWR215', 'Reason': 'burglary suspect vehicle', 'Case #': '25-1187',
         'Search Time': '05/09/2025, 9:01:02 AM UTC', 'Search Type': 'search'},
        {'ID': 'c0ffee00-0003-4abc-9def-000000000003', 'Name': 'M. Ortiz', 'Org Name': '[Federal] DHS HSI Chicago',
         'Total Networks Searched': 1890, 'Time Frame': '05/03/2025, 12:00:00 AM UTC\n05/10/2025, 11:59:59 PM UTC',
         'License Plate': '***', 'Reason': 'inv', 'Case #': None,
         'Search Time': '05/10/2025, 6:30:00 PM UTC', 'Search Type': 'search', 'Filters': ['Body Type: SUV', 'Color: Black']},
    ]
    put('json/network_audit_from_the_api.json', json.dumps(
        {'exportedAt': '2025-06-01T00:00:00Z', 'total': 3, 'data': rows}, indent=1).encode())
    lines = [json.dumps({'ID': r['ID'], 'Org Name': r['Org Name'], 'Reason': r['Reason'],
                         'Search Time': r['Search Time'], 'Total Networks Searched': r['Total Networks Searched']})
             for r in rows]
    # the scraper stopped mid-line once and went on with the same record on the same line (that
    # line is not JSON: counted as malformed, the reading goes on), then stopped for good
    put('json/network_audit_scraped_cut_off.jsonl', '\n'.join(
        [lines[0], lines[1][:35] + lines[1], lines[2], lines[0][:40]]).encode())
    put('json/datasette_export.json', json.dumps({
        'database': 'flock', 'table': 'audit', 'columns': ['Org Name', 'Reason', 'Search Time', 'Name'],
        'rows': [['Shelbyville IN SO', 'HSI ERO detainer pickup', '2025-05-20T10:00:00Z', 'K. Wu'],
                 ['Shelbyville IN SO', 'welfare check', '2025-05-21T10:00:00Z', 'K. Wu']]}).encode())
    put('json/named_json_but_not_json.json', b'Flock audit export failed: session expired\nTry again\n')


W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'


def w_par(*runs):
    return '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>%s</w:p>' % ''.join(runs)


def w_run(text):
    return '<w:r><w:t xml:space="preserve">%s</w:t></w:r>' % text


def w_cell(*paras, span=1, vmerge=None):
    pr = ''
    if span > 1: pr += '<w:gridSpan w:val="%d"/>' % span
    if vmerge is not None: pr += '<w:vMerge%s/>' % (' w:val="%s"' % vmerge if vmerge else '')
    return '<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/>%s</w:tcPr>%s</w:tc>' % (
        pr, ''.join(paras) or '<w:p/>')


def docx(body):
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.'
          'openxmlformats.org/package/2006/content-types"><Default Extension="xml" '
          'ContentType="application/xml"/></Types>')
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="%s">'
           '<w:body>%s<w:sectPr/></w:body></w:document>' % (W, body))
    return zbytes([('[Content_Types].xml', ct.encode()), ('word/document.xml', doc.encode()),
                   ('docProps/core.xml', b'<?xml version="1.0"?><cp:coreProperties xmlns:cp="c"/>')])


def make_word():
    """Audits in text documents: a Word memo with the audit as a table (a tracked deletion, a
    cell of two paragraphs, a tab, a cell spanning two columns, a cell merged with the one
    above) and a signature table that is no log; the same audit in an OpenDocument text; a
    Word document cut off."""
    hdr = ['Name', 'Org Name', 'Search Time', 'Reason', 'License Plate']
    rows = [['M. Ortiz', 'Springfield IL PD', '05/08/2025, 3:12:44 PM UTC',
             'assist ICE with locate', 'KPX4471'],
            ['R. Patel', 'Springfield IL PD', '05/09/2025, 9:01:02 AM UTC',
             'burglary suspect vehicle', 'MWR215'],
            ['K. Wu', 'Shelbyville IN SO', '05/10/2025, 6:30:00 PM UTC', 'protest at city hall',
             'LPR5521']]
    def tr(cells): return '<w:tr>%s</w:tr>' % ''.join(cells)
    table = ['<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>'
             '<w:gridCol/><w:gridCol/><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>']
    table.append(tr([w_cell(w_par(w_run(h))) for h in hdr]))
    r = rows[0]   # the reason with a tracked deletion and a field code that are not its text
    table.append(tr([w_cell(w_par(w_run(r[0]))), w_cell(w_par(w_run(r[1]))), w_cell(w_par(w_run(r[2]))),
                     w_cell(w_par(w_run('assist '), '<w:del w:id="1" w:author="clerk"><w:r><w:delText>'
                                  'HSI </w:delText></w:r></w:del>', w_run('ICE with locate'),
                                  '<w:r><w:instrText> PAGE </w:instrText></w:r>')),
                     w_cell(w_par(w_run(r[4])))]))
    r = rows[1]   # a name of two paragraphs, a tab inside the reason, an org merged with below
    table.append(tr([w_cell(w_par(w_run('R.')), w_par(w_run('Patel'))),
                     w_cell(w_par(w_run(r[1])), vmerge='restart'),
                     w_cell(w_par(w_run(r[2]))),
                     w_cell(w_par(w_run('burglary'), '<w:r><w:tab/></w:r>', w_run('suspect vehicle'))),
                     w_cell(w_par(w_run(r[4])))]))
    r = rows[2]   # the org merged with the one above (stored empty); a cell spanning two
    table.append(tr([w_cell(w_par(w_run(r[0]))), w_cell(vmerge=''), w_cell(w_par(w_run(r[2]))),
                     w_cell(w_par(w_run(r[3])), span=2)]))
    table.append('</w:tbl>')
    sign = ('<w:tbl>' + tr([w_cell(w_par(w_run('Prepared by'))), w_cell(w_par(w_run('Records Unit')))])
            + tr([w_cell(w_par(w_run('Date'))), w_cell(w_par(w_run('June 2, 2025')))]) + '</w:tbl>')
    body = (w_par(w_run('MEMORANDUM')) + w_par(w_run('Flock searches, May 2025, as requested:'))
            + ''.join(table) + w_par(w_run('')) + sign)
    whole = docx(body)
    put('word/audit_table_in_a_word_memo.docx', whole)
    put('word/word_memo_cut_off.docx', whole[:len(whole) * 2 // 3])
    def cell(t): return '<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>' % t
    odt_rows = ''.join('<table:table-row>%s</table:table-row>' % ''.join(cell(x) for x in r)
                       for r in [hdr] + rows)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
               '<text:p>Flock searches, May 2025</text:p><table:table table:name="Table1">'
               '<table:table-column table:number-columns-repeated="5"/>%s</table:table>'
               '<text:p>Records Unit</text:p></office:text></office:body></office:document-content>'
               % odt_rows)
    put('word/audit_table_in_an_opendocument_text.odt', zbytes(
        [('mimetype', b'application/vnd.oasis.opendocument.text'), ('content.xml', content.encode())],
        zipfile.ZIP_STORED))


if __name__ == '__main__':
    make_word()
    make_json()
    make_volumes()
    make_archives()
    make_ods()
    make_xls()
    make_xlsx()
    make_text()
    make_compressed()
    make_zip()
    make_damaged()
    make_documents()
    make_mail()
