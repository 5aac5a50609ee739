#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Structure-aware damage to an EROFS image, for the kernel campaign.

    mutate.py -s SEED [-n COUNT] [-k KIND] [-p N] BASE OUT

Reads the EROFS image BASE, applies 1..COUNT (default 3) mutations chosen by
SEED and writes OUT. The superblock stays valid: its checksum is recomputed
whenever the image declares one, so damage beyond the superblock is what
the kernel meets. Prints one line: the mutations applied, "kind:detail"
separated by spaces. The same SEED and BASE always give the same OUT.

Kinds: sb (a superblock field), inode (format, layout, mode, size, block
address, xattr count, link count, inode number), dirent (nid, nameoff,
file type), xattr (inline xattr header or entry, shared xattr block),
zindex (compressed map header or lcluster index), data (bytes in a data
block), flip (random bit flips in the metadata), trunc (cut at a metadata
boundary, the declared size kept or made to fit; -p N: the Nth boundary
in order, so that a run of N = 0, 1, ... cuts at every one), garbage (everything after
the superblock random).

Offsets follow fs/erofs/erofs_fs.h of Linux 6.12.
"""
import argparse
import random
import struct
import sys

SB = 1024
MAGIC = 0xE0F5E1E2
COMPAT_SB_CHKSUM = 0x1

# superblock field: (offset, struct format)
SB_FIELDS = {
    'root_nid': (14, '<H'), 'inos': (16, '<Q'), 'blocks': (36, '<I'),
    'meta_blkaddr': (40, '<I'), 'xattr_blkaddr': (44, '<I'),
    'feature_incompat': (80, '<I'), 'u1': (84, '<H'),
    'extra_devices': (86, '<H'), 'devt_slotoff': (88, '<H'),
    'dirblkbits': (90, '<B'), 'xattr_prefix_count': (91, '<B'),
    'xattr_prefix_start': (92, '<I'), 'packed_nid': (96, '<Q'),
    'sb_extslots': (13, '<B'),
}

LAYOUT_FLAT_PLAIN, LAYOUT_COMP_FULL, LAYOUT_FLAT_INLINE = 0, 1, 2
LAYOUT_COMP_COMPACT, LAYOUT_CHUNK = 3, 4


def crc32c_table():
    table = []
    for c in range(256):
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


TABLE = crc32c_table()


def crc32c(data, crc=0xFFFFFFFF):
    for b in data:
        crc = TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


class Image:
    def __init__(self, data):
        self.d = bytearray(data)
        if len(self.d) < SB + 128 or self.u(SB, '<I') != MAGIC:
            raise ValueError('not an EROFS image')
        self.bits = self.d[SB + 12]
        self.bs = 1 << self.bits
        self.meta = self.sbf('meta_blkaddr') * self.bs
        self.inodes = {}    # nid -> dict
        self.dirblocks = []  # (offset, length) of directory blocks
        self.walk()

    def u(self, off, fmt):
        return struct.unpack_from(fmt, self.d, off)[0]

    def put(self, off, fmt, val):
        size = struct.calcsize(fmt)
        if off < 0 or off + size > len(self.d):
            return False
        val &= (1 << (8 * size)) - 1
        struct.pack_into(fmt, self.d, off, val)
        return True

    def sbf(self, name):
        off, fmt = SB_FIELDS[name]
        return self.u(SB + off, fmt)

    def has_checksum(self):
        return self.u(SB + 8, '<I') & COMPAT_SB_CHKSUM

    def reseal(self):
        """Recompute the superblock checksum as erofs_superblock_csum_verify()."""
        if not self.has_checksum() or len(self.d) < SB + 4:
            return
        n = self.bs - SB if self.bs > SB else self.bs
        sb = bytearray(self.d[SB:SB + n])
        sb[4:8] = b'\0\0\0\0'
        self.put(SB + 4, '<I', crc32c(sb))

    def inode_at(self, nid):
        return self.meta + nid * 32

    def parse_inode(self, nid):
        off = self.inode_at(nid)
        if off < 0 or off + 32 > len(self.d):
            return None
        fmt = self.u(off, '<H')
        ext = fmt & 1
        isize = 64 if ext else 32
        if off + isize > len(self.d):
            return None
        icount = self.u(off + 2, '<H')
        ino = {
            'nid': nid, 'off': off, 'ext': ext, 'isize': isize,
            'layout': (fmt >> 1) & 7, 'icount': icount,
            'xsize': 12 + 4 * (icount - 1) if icount else 0,
            'mode': self.u(off + 4, '<H'),
            'size': self.u(off + 8, '<Q' if ext else '<I'),
            'raw': self.u(off + 16, '<I'),
        }
        return ino

    def dir_blocks(self, ino):
        """(offset, length) of each directory block of a flat directory."""
        out = []
        bs, size = self.bs, ino['size']
        if size > 64 * 1024 * 1024:
            return out
        if ino['layout'] == LAYOUT_FLAT_PLAIN:
            full, tail = -(-size // bs), 0
        elif ino['layout'] == LAYOUT_FLAT_INLINE:
            full, tail = size // bs, size % bs
        else:
            return out
        for i in range(full):
            off = (ino['raw'] + i) * bs
            length = min(bs, size - i * bs)
            if off + length <= len(self.d):
                out.append((off, length))
        if tail:
            off = ino['off'] + ino['isize'] + ino['xsize']
            if off + tail <= len(self.d):
                out.append((off, tail))
        return out

    def dirents(self, block):
        off, length = block
        if length < 12:
            return []
        first = self.u(off + 8, '<H')
        n = first // 12
        if n == 0 or n * 12 > length:
            return []
        out = []
        for i in range(n):
            e = off + 12 * i
            nameoff = self.u(e + 8, '<H')
            end = self.u(e + 20, '<H') if i + 1 < n else length
            end = min(end, length)
            name = bytes(self.d[off + nameoff:off + end]).split(b'\0')[0]
            out.append((e, self.u(e, '<Q'), name))
        return out

    def walk(self):
        queue = [self.sbf('root_nid')]
        while queue and len(self.inodes) < 5000:
            nid = queue.pop(0)
            if nid in self.inodes:
                continue
            ino = self.parse_inode(nid)
            if not ino:
                continue
            self.inodes[nid] = ino
            if (ino['mode'] & 0o170000) != 0o040000:
                continue
            for blk in self.dir_blocks(ino):
                self.dirblocks.append(blk)
                for _, child, name in self.dirents(blk):
                    if name not in (b'.', b'..'):
                        queue.append(child)


def interesting(rng, img, width):
    top = (1 << (8 * width)) - 1
    blocks = img.sbf('blocks')
    return rng.choice([
        0, 1, top, top >> 1, img.bs - 1, img.bs, img.bs + 1, blocks,
        blocks - 1, blocks + 1, len(img.d), rng.randrange(0, top + 1),
        rng.randrange(0, max(1, blocks * 2)),
    ])


def m_sb(rng, img):
    name = rng.choice(sorted(n for n in SB_FIELDS if n != 'sb_extslots') + ['sb_extslots'])
    off, fmt = SB_FIELDS[name]
    if name == 'feature_incompat' and rng.random() < 0.7:
        val = img.sbf(name) ^ (1 << rng.randrange(0, 8))
    elif name in ('root_nid', 'packed_nid') and img.inodes and rng.random() < 0.5:
        val = rng.choice(sorted(img.inodes)) + rng.choice([0, 1, 2, -1])
    elif name == 'dirblkbits':
        val = rng.choice([1, 2, 12, 255])
    else:
        val = interesting(rng, img, struct.calcsize(fmt))
    img.put(SB + off, fmt, val)
    return f'sb:{name}={val:#x}'


def m_inode(rng, img):
    if not img.inodes:
        return m_flip(rng, img)
    ino = img.inodes[rng.choice(sorted(img.inodes))]
    off, ext = ino['off'], ino['ext']
    field = rng.choice(['format', 'layout', 'xattr_icount', 'mode', 'size',
                        'raw_blkaddr', 'ino', 'nlink', 'ext'])
    if field == 'format':
        val = rng.randrange(0, 1 << 16)
        img.put(off, '<H', val)
    elif field == 'layout':
        val = rng.randrange(0, 8)
        img.put(off, '<H', (img.u(off, '<H') & ~0xE) | val << 1)
    elif field == 'ext':
        val = img.u(off, '<H') ^ 1
        img.put(off, '<H', val)
    elif field == 'xattr_icount':
        val = rng.choice([1, 2, 0xFFFF, ino['icount'] + 1, rng.randrange(0, 300)])
        img.put(off + 2, '<H', val)
    elif field == 'mode':
        val = (ino['mode'] & 0o7777) | rng.choice(
            [0o010000, 0o020000, 0o040000, 0o060000, 0o100000, 0o120000,
             0o140000, 0, 0o170000])
        img.put(off + 4, '<H', val)
    elif field == 'size':
        width = 8 if ext else 4
        val = rng.choice([interesting(rng, img, width), ino['size'] + 1,
                          ino['size'] - 1, ino['size'] * 2 + img.bs])
        img.put(off + 8, '<Q' if ext else '<I', val)
    elif field == 'raw_blkaddr':
        val = rng.choice([interesting(rng, img, 4), ino['raw'] + 1, ino['raw'] - 1,
                          img.meta // img.bs])
        img.put(off + 16, '<I', val)
    elif field == 'ino':
        val = rng.randrange(0, 1 << 32)
        img.put(off + 20, '<I', val)
    else:
        val = rng.choice([0, 1, 0xFFFF, 0xFFFFFFFF])
        img.put(off + (44 if ext else 6), '<I' if ext else '<H', val)
    return f'inode:nid={ino["nid"]}:{field}={val:#x}'


def m_dirent(rng, img):
    if not img.dirblocks:
        return m_inode(rng, img)
    blk = rng.choice(img.dirblocks)
    ents = img.dirents(blk)
    if not ents:
        return m_flip(rng, img)
    e, nid, _ = rng.choice(ents)
    field = rng.choice(['nid', 'nameoff', 'nameoff', 'file_type', 'count'])
    if field == 'nid':
        val = rng.choice([0, nid + 1, nid - 1, (1 << 64) - 1, 1 << 32,
                          img.sbf('root_nid'), rng.choice(sorted(img.inodes) or [0]),
                          rng.randrange(0, 1 << 20)])
        img.put(e, '<Q', val)
    elif field == 'nameoff':
        cur = img.u(e + 8, '<H')
        val = rng.choice([0, 1, 11, 12, cur - 1, cur + 1, cur + 12, blk[1] - 1,
                          blk[1], blk[1] + 1, 0xFFFF, rng.randrange(0, 1 << 16)])
        img.put(e + 8, '<H', val)
    elif field == 'file_type':
        val = rng.randrange(0, 256)
        img.put(e + 10, '<B', val)
    else:
        # the first entry's nameoff gives the number of entries
        e = blk[0]
        val = rng.choice([0, 12, blk[1], blk[1] + 12, 12 * rng.randrange(1, 400)])
        img.put(e + 8, '<H', val)
    return f'dirent:at={e:#x}:{field}={val:#x}'


def m_xattr(rng, img):
    with_x = [i for i in img.inodes.values() if i['icount']]
    if with_x and rng.random() < 0.8:
        ino = rng.choice(with_x)
        base = ino['off'] + ino['isize']
        rel = rng.choice([4, 5, 12, 13, 14, 16, rng.randrange(0, ino['xsize'])])
        width = rng.choice([1, 2])
        val = rng.choice([0, 0xFF, 0xFFFF, rng.randrange(0, 1 << 16)])
        img.put(base + rel, '<B' if width == 1 else '<H', val)
        return f'xattr:nid={ino["nid"]}:+{rel}={val:#x}'
    xoff = img.sbf('xattr_blkaddr') * img.bs
    if 0 < xoff < len(img.d):
        rel = rng.randrange(0, min(img.bs, len(img.d) - xoff))
        val = rng.randrange(0, 256)
        img.put(xoff + rel, '<B', val)
        return f'xattr:shared+{rel}={val:#x}'
    return m_inode(rng, img)


def m_zindex(rng, img):
    comp = [i for i in img.inodes.values()
            if i['layout'] in (LAYOUT_COMP_FULL, LAYOUT_COMP_COMPACT)]
    if not comp:
        return m_inode(rng, img)
    ino = rng.choice(comp)
    hdr = (ino['off'] + ino['isize'] + ino['xsize'] + 7) & ~7
    if rng.random() < 0.4:
        rel = rng.randrange(0, 8)
    else:
        clusters = -(-ino['size'] // img.bs)
        span = 8 * min(clusters, 512) if ino['layout'] == LAYOUT_COMP_FULL else 4 * min(clusters, 1024)
        rel = 8 + rng.randrange(0, max(1, span))
    val = rng.choice([0, 0xFF, rng.randrange(0, 256), img.d[hdr + rel] ^ (1 << rng.randrange(8))]
                     if hdr + rel < len(img.d) else [0])
    img.put(hdr + rel, '<B', val)
    return f'zindex:nid={ino["nid"]}:+{rel}={val:#x}'


def metadata_range(img):
    lo = max(SB + 128, img.meta)
    hi = len(img.d)
    return lo, hi


def m_flip(rng, img):
    lo, hi = metadata_range(img)
    if lo >= hi:
        lo = SB + 128
    n = rng.choice([1, 2, 4, 16])
    for _ in range(n):
        at = rng.randrange(lo, hi)
        img.d[at] ^= 1 << rng.randrange(8)
    return f'flip:{n}'


def m_data(rng, img):
    at = rng.randrange(SB + 128, len(img.d))
    n = rng.randrange(1, 64)
    for i in range(n):
        if at + i < len(img.d):
            img.d[at + i] = rng.randrange(256)
    return f'data:at={at:#x}:{n}'


def m_trunc(rng, img):
    points = {len(img.d) - 1, len(img.d) - img.bs, img.meta, img.meta + 32}
    for i in img.inodes.values():
        cuts = (0, 16, i['isize']) if POINT else (rng.choice([0, 16, i['isize']]),)
        points.update(i['off'] + c for c in cuts)
    xoff = img.sbf('xattr_blkaddr') * img.bs
    points.update(p for p in (SB + 128, xoff) if p)
    points.update(o for o, _ in img.dirblocks)
    points = sorted(p for p in points if SB + 128 <= p < len(img.d))
    if not points:
        return m_flip(rng, img)
    # --point N walks the boundaries in order, one per run
    at = points[POINT[0] % len(points)] if POINT else rng.choice(points)
    del img.d[at:]
    fit = rng.random() < 0.5
    if fit:
        # make the declared size fit, so that only what is cut is missing
        blocks = -(-at // img.bs)
        img.d.extend(b'\0' * (blocks * img.bs - at))
        img.put(SB + 36, '<I', blocks)
    return f'trunc:at={at:#x}:{"fit" if fit else "keep"}:of={len(points)}'


def m_garbage(rng, img):
    keep = SB + 128
    img.d[keep:] = bytes(rng.randrange(256) for _ in range(len(img.d) - keep))
    return 'garbage'


POINT = []  # set by --point

KINDS = [(m_sb, 2), (m_inode, 6), (m_dirent, 5), (m_xattr, 3), (m_zindex, 4),
         (m_flip, 3), (m_data, 1), (m_trunc, 1), (m_garbage, 0.2)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('-s', '--seed', required=True)
    ap.add_argument('-n', '--count', type=int, default=3)
    ap.add_argument('-k', '--kind', help='only this kind (sb, inode, ...)')
    ap.add_argument('-p', '--point', type=int,
                    help='trunc: cut at the Nth metadata boundary (mod their number)')
    ap.add_argument('base')
    ap.add_argument('out')
    a = ap.parse_args()
    rng = random.Random(a.seed)
    if a.point is not None:
        POINT.append(a.point)
    with open(a.base, 'rb') as f:
        try:
            img = Image(f.read())
        except ValueError as e:
            sys.exit(f'mutate.py: {a.base}: {e}')
    funcs = [k for k, _ in KINDS]
    weights = [w for _, w in KINDS]
    if a.kind:
        funcs = [k for k in funcs if k.__name__ == 'm_' + a.kind]
        if not funcs:
            sys.exit(f'mutate.py: unknown kind {a.kind}')
        weights = [1]
    done = []
    for _ in range(rng.randint(1, max(1, a.count))):
        done.append(rng.choices(funcs, weights)[0](rng, img))
        if done[-1] == 'garbage' or done[-1].startswith('trunc'):
            break
    img.reseal()
    with open(a.out, 'wb') as f:
        f.write(img.d)
    print(' '.join(done))


if __name__ == '__main__':
    main()
