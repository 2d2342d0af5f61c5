"""cfb.py: writes an OLE2 compound file (version 3, 512-byte sectors) holding any tree of
storages and streams, as Outlook's .msg files are: streams under 4096 bytes in the mini
stream, the rest in sectors of their own; each storage's children chained in the directory's
sort order (by name length, then upper-cased name). Standard library only; deterministic.
biff8.py keeps its own one-stream writer, so that the fixtures it wrote stay byte for byte."""
import struct

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _order(name):
    return (len(name), name.upper())


def compound(tree):
    """tree: {name: bytes (a stream) or dict (a storage)}. Returns the file's bytes."""
    entries = []  # [name, kind, data or None, children indexes]

    def add(name, node, kind):
        i = len(entries)
        entries.append([name, kind, node if kind == 2 else None, []])
        if kind != 2:
            for k in sorted(node, key=_order):
                v = node[k]
                entries[i][3].append(add(k, v, 1 if isinstance(v, dict) else 2))
        return i
    add('Root Entry', tree, 5)

    # mini stream and large streams
    mini = b''
    placed = {}  # entry -> ('mini', first mini sector) or ('big', index in bigs)
    bigs = []
    for i, (name, kind, data, _) in enumerate(entries):
        if kind != 2:
            continue
        if len(data) < CUTOFF:
            placed[i] = ('mini', len(mini) // MINI)
            mini += data + bytes(-len(data) % MINI)
        else:
            placed[i] = ('big', len(bigs))
            bigs.append(data)
    n_mini_sectors = len(mini) // MINI
    minifat = []
    for i in sorted(p for p in placed if placed[p][0] == 'mini'):
        start, n = placed[i][1], max(1, -(-len(entries[i][2]) // MINI))
        if len(entries[i][2]) == 0:
            continue
        for k in range(n):
            minifat.append(start + k + 1 if k < n - 1 else END)
    minifat_bytes = b''.join(struct.pack('<I', v) for v in minifat)
    minifat_bytes += b'\xff' * (-len(minifat_bytes) % SECTOR)
    n_minifat = len(minifat_bytes) // SECTOR
    ministream = mini + bytes(-len(mini) % SECTOR)
    n_ministream = len(ministream) // SECTOR
    n_dir = -(-len(entries) * 128 // SECTOR)
    big_sectors = [-(-len(b) // SECTOR) for b in bigs]
    rest = n_dir + n_minifat + n_ministream + sum(big_sectors)
    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + rest:
        n_fat += 1
    assert n_fat <= 109

    fat = [FATSECT] * n_fat
    def chain(n):
        start = len(fat)
        for k in range(n):
            fat.append(start + k + 1 if k < n - 1 else END)
        return start if n else END
    dir_start = chain(n_dir)
    minifat_start = chain(n_minifat)
    ministream_start = chain(n_ministream)
    big_start = [chain(n) for n in big_sectors]
    fat += [FREE] * (n_fat * (SECTOR // 4) - len(fat))

    def entry(i):
        name, kind, data, children = entries[i]
        u = name.encode('utf-16-le')
        e = u + bytes(64 - len(u)) + struct.pack('<HBB', len(u) + 2, kind, 1)
        right = NOSTREAM
        # siblings: each storage's children chained through their right pointers
        for p in entries:
            if i in p[3]:
                k = p[3].index(i)
                right = p[3][k + 1] if k + 1 < len(p[3]) else NOSTREAM
        child = children[0] if children else NOSTREAM
        e += struct.pack('<III', NOSTREAM, right, child) + bytes(16 + 4 + 16)
        if kind == 5:
            start, size = (ministream_start if mini else END), len(mini)
        elif kind == 2 and len(data) == 0:
            start, size = END, 0
        elif kind == 2 and placed[i][0] == 'mini':
            start, size = placed[i][1], len(data)
        elif kind == 2:
            start, size = big_start[placed[i][1]], len(data)
        else:
            start, size = 0, 0
        return e + struct.pack('<IQ', start, size)

    directory = b''.join(entry(i) for i in range(len(entries)))
    directory += (b'\x00' * 64 + struct.pack('<HBB', 0, 0, 0) +
                  struct.pack('<III', NOSTREAM, NOSTREAM, NOSTREAM) + bytes(36) +
                  struct.pack('<IQ', 0, 0)) * ((n_dir * SECTOR - len(directory)) // 128)
    header = (b'\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1' + bytes(16) +
              struct.pack('<HHHHH', 0x3E, 3, 0xFFFE, 9, 6) + bytes(6) +
              struct.pack('<IIIIIIIII', 0, n_fat, dir_start, 0, CUTOFF,
                          minifat_start if n_minifat else END, n_minifat, END, 0))
    difat = list(range(n_fat)) + [FREE] * (109 - n_fat)
    header += b''.join(struct.pack('<I', v) for v in difat)
    assert len(header) == SECTOR
    out = header + b''.join(struct.pack('<I', v) for v in fat) + directory + minifat_bytes + ministream
    for b in bigs:
        out += b + bytes(-len(b) % SECTOR)
    return out


def utf16z(s):
    """A .msg string property (PT_UNICODE): UTF-16LE with its terminating NUL."""
    return s.encode('utf-16-le') + b'\x00\x00'


def msg(subject, body, attachments, embedded=False, html=None):
    """An Outlook message: subject and plain body, and attachments, each (file name, bytes),
    (file name, None) for one attached by reference (a link), or (None, msg(...,
    embedded=True)) for an attached message (attach method 5), whose storage has no
    named-property map and a shorter property header. A .png gets its MIME type. html: the
    message's HTML form (PidTagHtml, binary), when given."""
    def props(n, header):
        return bytes(header) + b''.join(struct.pack('<IIQ', tag, 6, val) for tag, val in n)
    tree = {
        '__substg1.0_0037001F': utf16z(subject),
        '__substg1.0_1000001F': utf16z(body),
        '__substg1.0_001A001F': utf16z('IPM.Note'),
        '__properties_version1.0': props([(0x0E070003, 1)], 24 if embedded else 32),
    }
    if html is not None:
        tree['__substg1.0_10130102'] = html
    if not embedded:
        tree['__nameid_version1.0'] = {'__substg1.0_00020102': b'', '__substg1.0_00030102': b'',
                                       '__substg1.0_00040102': b''}
    for k, (name, data) in enumerate(attachments):
        a = {}
        if name is None:
            a['__substg1.0_3701000D'] = data
            a['__properties_version1.0'] = props([(0x37050003, 5)], 8)
        elif data is None:  # attached by reference: a link, no bytes
            a['__substg1.0_3707001F'] = utf16z(name)
            a['__properties_version1.0'] = props([(0x37050003, 2)], 8)
        else:
            if name.endswith('.png'):
                a['__substg1.0_370E001F'] = utf16z('image/png')
            a['__substg1.0_37010102'] = data
            a['__substg1.0_3707001F'] = utf16z(name)
            a['__substg1.0_3704001F'] = utf16z(name[:8])
            a['__properties_version1.0'] = props([(0x37050003, 1)], 8)
        tree['__attach_version1.0_#%08X' % k] = a
    return tree
