#!/usr/bin/env python3
"""scripts/mkbootfs.py -- pack the boot list and user programs into a
bootfs archive (format: include/sprat/bootfs.h).

    mkbootfs.py -o OUT --bootlist FILE [NAME=PATH ...]

The boot list is stored as the entry "bootlist"; each NAME=PATH adds the
file PATH under NAME.  Every file starts on a 4 KiB boundary.
"""
import argparse
import struct
import sys

MAGIC = 0x53465442
NAME_LEN = 32
PAGE = 4096


def align(n, a=PAGE):
    return (n + a - 1) & ~(a - 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('-o', '--output', required=True)
    ap.add_argument('--bootlist', required=True)
    ap.add_argument('files', nargs='*', metavar='NAME=PATH')
    args = ap.parse_args()

    entries = [('bootlist', open(args.bootlist, 'rb').read())]
    for spec in args.files:
        name, _, path = spec.partition('=')
        if not name or not path:
            sys.exit('mkbootfs: bad file spec %r (want NAME=PATH)' % spec)
        if len(name.encode()) >= NAME_LEN:
            sys.exit('mkbootfs: name too long: %s' % name)
        if any(e[0] == name for e in entries):
            sys.exit('mkbootfs: duplicate name: %s' % name)
        entries.append((name, open(path, 'rb').read()))

    header_bytes = 16 + len(entries) * (NAME_LEN + 8)
    offset = align(header_bytes)
    table = b''
    blobs = b''
    for name, data in entries:
        table += struct.pack('<%dsII' % NAME_LEN, name.encode(), offset, len(data))
        blobs += data + b'\0' * (align(len(data)) - len(data))
        offset += align(len(data))
    total = align(header_bytes) + len(blobs)
    out = struct.pack('<IIII', MAGIC, len(entries), total, 0) + table
    out += b'\0' * (align(header_bytes) - len(out))
    out += blobs
    assert len(out) == total
    with open(args.output, 'wb') as f:
        f.write(out)


if __name__ == '__main__':
    main()
