"""biff8.py: writes Excel 97-2003 workbooks (.xls: BIFF8 records in an OLE2 compound file),
enough of the format for the fixtures and the repackaged release of the tests: worksheets of
text cells (LABEL, or LABELSST with a shared string table), numbers (NUMBER) and date-times
(NUMBER under a date format), as Excel and the libraries that export .xls write them.
Standard library only; deterministic.

    workbook([('Audit', [['Name', 'Search Time'], ['Ann', ('date', 45000.5)]])], sst=False)

A cell is a str (text), an int or float (number), ('date', serial) or None (no cell)."""
import struct

ENDOFCHAIN, FREESECT, FATSECT = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
SECTOR = 512


def rec(kind, data):
    return struct.pack('<HH', kind, len(data)) + data


def xl_string(s, len_bytes=2):
    """XLUnicodeString: a character count, a flags byte (1: UTF-16LE), the characters."""
    u = s.encode('utf-16-le')
    return struct.pack('<H' if len_bytes == 2 else '<B', len(u) // 2) + b'\x01' + u


def globals_records(sheet_names, strings):
    r = rec(0x0809, struct.pack('<HHHHII', 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x0006))  # BOF
    r += rec(0x0042, struct.pack('<H', 1200))         # CODEPAGE: UTF-16
    r += rec(0x0022, struct.pack('<H', 0))            # DATEMODE: 1900
    font = struct.pack('<HHHHHBBBB', 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + xl_string('Arial', 1)
    for _ in range(4):                                # FONT (index 4 is never used)
        r += rec(0x0031, font)
    r += rec(0x041E, struct.pack('<H', 164) + xl_string('yyyy-mm-dd hh:mm:ss'))  # FORMAT
    # XF: 15 style XFs, then cell XF 15 (General) and 16 (the date-time format)
    style = struct.pack('<HHHBBBBIIH', 0, 0, 0xFFF5, 0x20, 0, 0, 0, 0, 0, 0x20C0)
    for _ in range(15):
        r += rec(0x00E0, style)
    r += rec(0x00E0, struct.pack('<HHHBBBBIIH', 0, 0, 0x0001, 0x20, 0, 0, 0, 0, 0, 0x20C0))
    r += rec(0x00E0, struct.pack('<HHHBBBBIIH', 0, 164, 0x0001, 0x20, 0, 0, 0, 0, 0, 0x20C0))
    bound_at = []
    for name in sheet_names:                          # BOUNDSHEET8, offsets patched later
        bound_at.append(len(r) + 4)
        r += rec(0x0085, struct.pack('<IBB', 0, 0, 0) + xl_string(name, 1))
    if strings is not None:                           # SST (one record: small tables only)
        body = struct.pack('<II', len(strings), len(strings))
        for s in strings:
            body += xl_string(s)
        assert len(body) <= 8224, 'SST larger than one record: use LABEL cells'
        r += rec(0x00FC, body)
    r += rec(0x000A, b'')                             # EOF
    return bytearray(r), bound_at


def sheet_records(rows, sst_index):
    ncols = max((len(r) for r in rows), default=0)
    r = bytearray()
    r += rec(0x0809, struct.pack('<HHHHII', 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x0006))
    r += rec(0x0200, struct.pack('<IIHHH', 0, len(rows), 0, ncols, 0))   # DIMENSIONS
    for i, cells in enumerate(rows):
        for j, v in enumerate(cells):
            if v is None:
                continue
            if isinstance(v, tuple):
                r += rec(0x0203, struct.pack('<HHHd', i, j, 16, float(v[1])))
            elif isinstance(v, (int, float)):
                r += rec(0x0203, struct.pack('<HHHd', i, j, 15, float(v)))
            elif sst_index is not None:
                r += rec(0x00FD, struct.pack('<HHHI', i, j, 15, sst_index[v]))   # LABELSST
            else:
                r += rec(0x0204, struct.pack('<HHH', i, j, 15) + xl_string(v))   # LABEL
    return bytes(r + rec(0x000A, b''))


def biff_stream(sheets, sst=False):
    strings = None
    sst_index = None
    if sst:
        strings = []
        sst_index = {}
        for _, rows in sheets:
            for cells in rows:
                for v in cells:
                    if isinstance(v, str) and v not in sst_index:
                        sst_index[v] = len(strings)
                        strings.append(v)
    g, bound_at = globals_records([n for n, _ in sheets], strings)
    out = g
    for k, (_, rows) in enumerate(sheets):
        struct.pack_into('<I', out, bound_at[k], len(out))
        out += sheet_records(rows, sst_index)
    return bytes(out)


def compound_file(stream, name='Workbook'):
    """An OLE2 compound file (version 3, 512-byte sectors) holding one stream. A stream under
    4096 bytes would live in the mini stream: it is padded with zero bytes past its end."""
    if len(stream) < 4096:
        stream = stream + b'\0' * (4096 - len(stream))
    nstream = (len(stream) + SECTOR - 1) // SECTOR
    # sectors: the stream, the directory, the FAT sectors, then the DIFAT sectors (which list
    # the FAT sectors past the header's 109, 127 to a sector)
    per = SECTOR // 4
    nfat, ndifat = 1, 0
    while True:
        ndifat = max(0, (nfat - 109 + per - 2) // (per - 1))
        if nstream + 1 + nfat + ndifat <= nfat * per:
            break
        nfat += 1
    dir_sector = nstream
    fat_start = nstream + 1
    difat_start = fat_start + nfat
    fat = []
    for s in range(nstream):
        fat.append(s + 1 if s + 1 < nstream else ENDOFCHAIN)
    fat.append(ENDOFCHAIN)                  # the directory
    fat += [FATSECT] * nfat
    fat += [0xFFFFFFFC] * ndifat            # DIFSECT
    fat += [FREESECT] * (nfat * per - len(fat))
    header = b'\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1' + b'\0' * 16
    header += struct.pack('<HHHHH', 0x003E, 0x0003, 0xFFFE, 9, 6) + b'\0' * 6
    header += struct.pack('<IIIIIIII', 0, nfat, dir_sector, 0, 4096, ENDOFCHAIN, 0,
                          difat_start if ndifat else ENDOFCHAIN)
    header += struct.pack('<I', ndifat)
    fats = [fat_start + i for i in range(nfat)]
    difat = fats[:109] + [FREESECT] * (109 - min(nfat, 109))
    header += struct.pack('<109I', *difat)
    difat_sectors = b''
    rest = fats[109:]
    for k in range(ndifat):
        part = rest[k * (per - 1):(k + 1) * (per - 1)]
        part += [FREESECT] * (per - 1 - len(part))
        nxt = difat_start + k + 1 if k + 1 < ndifat else ENDOFCHAIN
        difat_sectors += struct.pack('<%dI' % per, *(part + [nxt]))
    assert len(header) == SECTOR

    def entry(ename, kind, child, start, size):
        u = (ename + '\0').encode('utf-16-le') if ename else b''
        e = u + b'\0' * (64 - len(u))
        e += struct.pack('<HBB', len(u), kind, 1)                  # name length, type, black
        e += struct.pack('<III', FREESECT, FREESECT, child)         # left, right, child
        e += b'\0' * 16 + struct.pack('<I', 0) + b'\0' * 16         # clsid, state, times
        e += struct.pack('<IQ', start, size)
        assert len(e) == 128
        return e
    directory = entry('Root Entry', 5, 1, ENDOFCHAIN, 0) + entry(name, 2, FREESECT, 0, len(stream))
    directory += entry('', 0, FREESECT, FREESECT, 0) * 2
    body = stream + b'\0' * (nstream * SECTOR - len(stream)) + directory
    body += struct.pack('<%dI' % len(fat), *fat) + difat_sectors
    return header + body


def workbook(sheets, sst=False):
    return compound_file(biff_stream(sheets, sst))
