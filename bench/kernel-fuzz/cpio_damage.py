# SPDX-License-Identifier: GPL-2.0
"""Damage to the cpio archives around an EROFS image, for the kernel campaign.

damage(rng, data) returns (bytes, description) for a newc archive (an early
microcode prefix or a trailing archive) or a compressed one (gzip: the
damage then hits the compressed stream). Kinds:

  field    one header field of one entry set to a boundary value, a random
           number or non-hexadecimal characters (filesize, namesize, mode,
           nlink, ...)
  magic    the magic of one entry changed (070707, 070702, junk)
  cut      the archive cut at a header boundary, inside a header, inside a
           name or inside file data
  trailer  the TRAILER!!! entry removed: the archive runs into what follows
  flip     bit flips in the headers
  name     a name without its NUL, or a name size of 0 or 1
  stream   (compressed) bytes of the compressed stream changed or cut
"""
import random

HDR = 110
# field: offset in the header
FIELDS = {'ino': 6, 'mode': 14, 'uid': 22, 'gid': 30, 'nlink': 38, 'mtime': 46,
          'filesize': 54, 'devmajor': 62, 'devminor': 70, 'rdevmajor': 78,
          'rdevminor': 86, 'namesize': 94, 'check': 102}


def entries(d):
    """Offsets of the newc headers of the archive at the start of d."""
    out, pos = [], 0
    while pos + HDR <= len(d) and d[pos:pos + 6] in (b'070701', b'070702'):
        try:
            fsize = int(d[pos + 54:pos + 62], 16)
            nsize = int(d[pos + 94:pos + 102], 16)
        except ValueError:
            break
        out.append(pos)
        name = d[pos + HDR:pos + HDR + nsize]
        pos = (pos + HDR + nsize + 3) & ~3
        pos = (pos + fsize + 3) & ~3
        if name.startswith(b'TRAILER!!!'):
            break
    return out


def hex8(v):
    return b'%08X' % (v & 0xFFFFFFFF)


def damage(rng, data):
    d = bytearray(data)
    if d[:2] == b'\x1f\x8b' or not d.startswith(b'0707'):
        return stream(rng, d)
    ents = entries(d)
    if not ents:
        return stream(rng, d)
    kind = rng.choice(['field', 'field', 'field', 'magic', 'cut', 'cut', 'trailer',
                       'flip', 'name'])
    e = rng.choice(ents)
    if kind == 'field':
        f = rng.choice(sorted(FIELDS))
        v = rng.choice([hex8(0), hex8(1), hex8(0xFFFFFFFF), hex8(0x7FFFFFFF),
                        hex8(int(d[e + FIELDS[f]:e + FIELDS[f] + 8], 16) + rng.choice([1, -1, 4, 4096])),
                        hex8(rng.randrange(1 << 32)), b'ZZZZZZZZ', b'0000000g', b'-0000001'])
        d[e + FIELDS[f]:e + FIELDS[f] + 8] = v
        return bytes(d), f'cpio:field:{f}@{e}={v.decode()}'
    if kind == 'magic':
        v = rng.choice([b'070707', b'070702', b'070700', b'x70701', b'\0\0\0\0\0\0'])
        d[e:e + 6] = v
        return bytes(d), f'cpio:magic@{e}={v!r}'
    if kind == 'cut':
        nsize = int(d[e + 94:e + 102], 16)
        at = rng.choice([e, e + 1, e + 6, e + 54, e + HDR - 1, e + HDR,
                         e + HDR + max(0, nsize - 1), (e + HDR + nsize + 3) & ~3,
                         rng.randrange(e, len(d))])
        at = min(at, len(d))
        return bytes(d[:at]), f'cpio:cut@{at}'
    if kind == 'trailer':
        last = ents[-1]
        if d[last + HDR:last + HDR + 10] == b'TRAILER!!!':
            return bytes(d[:last]), f'cpio:trailer-removed@{last}'
        kind = 'flip'
    if kind == 'name':
        nsize = int(d[e + 94:e + 102], 16)
        if nsize and rng.random() < 0.5:
            d[e + HDR + nsize - 1] = ord('x')
            return bytes(d), f'cpio:name-no-nul@{e}'
        v = rng.choice([0, 1])
        d[e + 94:e + 102] = hex8(v)
        return bytes(d), f'cpio:namesize@{e}={v}'
    n = rng.choice([1, 2, 8])
    for _ in range(n):
        h = rng.choice(ents)
        at = h + rng.randrange(HDR)
        if at < len(d):
            d[at] ^= 1 << rng.randrange(8)
    return bytes(d), f'cpio:flip:{n}'


def stream(rng, d):
    if len(d) < 20:
        return bytes(d), 'cpio:stream:short'
    if rng.random() < 0.4:
        at = rng.randrange(10, len(d))
        return bytes(d[:at]), f'cpio:stream:cut@{at}'
    n = rng.choice([1, 4, 32])
    at = rng.randrange(10, len(d))
    for i in range(n):
        if at + i < len(d):
            d[at + i] = rng.randrange(256)
    return bytes(d), f'cpio:stream:{n}@{at}'
