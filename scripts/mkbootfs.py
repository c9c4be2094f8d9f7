#!/usr/bin/env python3
"""scripts/mkbootfs.py -- pack the boot list and the user programs it
names into a bootfs archive (format: include/sprat/bootfs.h), and tell
make which programs those are.

    mkbootfs.py -o OUT --bootlist FILE --programs DIR [--module NAME ...]
                [--depfile DEP] [--deps-only] [NAME=PATH ...]

The boot list is stored as the entry "bootlist".  Every program it names
(below), and every --module NAME, is stored as NAME, read from
DIR/NAME.elf; each NAME=PATH adds the file PATH under NAME.  Every file
starts on a 4 KiB boundary.

--depfile DEP writes a makefile fragment: OUT depends on the boot list
and on DIR/NAME.elf of every program.  The Makefile
includes it, so this script is where the build reads boot lists: make
never parses them.  --deps-only writes DEP and no archive.

The programs of a boot list: the first word of every line that is not a
directive (`@...`) or a NAME=value environment setting, without a
leading "!" or "&" (a marker); and the module words of the directives
@module NAME, @spawntest NAME, @memtest N [!]NAME and
@service DEVICE NAME; "@core N LINE" is LINE (run by core N's init).
"#" at the start
of a word ends the line.  init reads the same lines (user/sys/init/bootlist.c,
run_bootlist and split); a directive init does not know is refused here,
so that a misspelt one fails the build instead of being ignored at boot.
"""
import argparse
import os
import struct
import sys

MAGIC = 0x53465442
NAME_LEN = 32
PAGE = 4096

# Every directive init knows, and which of its words (if any) names a
# program: @memtest N [!]NAME, @spawntest NAME, @module NAME,
# @service DEVICE NAME.
DIRECTIVES = {'@wait': None, '@test': None, '@quota': None,
              '@module': 1, '@spawntest': 1, '@memtest': 2, '@cores': None,
              '@umpbench': None, '@service': 2, '@waitcores': None,
              '@dieatreap': 1}


def align(n, a=PAGE):
    return (n + a - 1) & ~(a - 1)


def words(line):
    """A line's words, as init's split() makes them."""
    out = []
    for w in line.split():
        if w.startswith('#'):
            break
        out.append(w)
    return out


def is_env(word):
    return '=' in word and not word.startswith('=')


def bootlist_programs(path):
    """The programs a boot list names, each once."""
    names = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            w = words(line)
            if w and w[0] == '@core':
                if len(w) < 3 or not w[1].isdigit():
                    sys.exit('%s:%d: @core without a core and a line' % (path, lineno))
                w = w[2:]
            if not w:
                continue
            if w[0].startswith('@'):
                if w[0] not in DIRECTIVES:
                    sys.exit('%s:%d: unknown directive %s (init knows %s)'
                             % (path, lineno, w[0], ' '.join(sorted(DIRECTIVES))))
                at = DIRECTIVES[w[0]]
                if at is None:
                    continue
                if len(w) <= at:
                    sys.exit('%s:%d: %s without a program' % (path, lineno, w[0]))
                name = w[at].lstrip('!')
            else:
                w[0] = w[0][1:] if w[0][0] in '!&' else w[0]
                rest = [x for x in w if not is_env(x)]
                if not rest:
                    sys.exit('%s:%d: no program on this line' % (path, lineno))
                name = rest[0]
            if name not in names:
                names.append(name)
    return names


def write_depfile(dep, out, bootlist, elves):
    """OUT depends on the boot list and the programs.  (Not DEP itself:
    the Makefile remakes DEP when the boot list changes, and a program
    rebuilt must not make make read its makefiles again.)"""
    with open(dep, 'w') as f:
        f.write('%s: %s %s\n' % (out, bootlist, ' '.join(elves)))


def pack(out_path, entries):
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
    with open(out_path, 'wb') as f:
        f.write(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('-o', '--output', required=True)
    ap.add_argument('--bootlist', required=True)
    ap.add_argument('--programs', help='the folder of the programs, NAME.elf')
    ap.add_argument('--module', action='append', default=[],
                    help='a program to store whatever the boot list says')
    ap.add_argument('--depfile')
    ap.add_argument('--deps-only', action='store_true')
    ap.add_argument('files', nargs='*', metavar='NAME=PATH')
    args = ap.parse_args()

    # In name order: the same lists make the same archive, byte for byte.
    programs = sorted(set(args.module) | set(bootlist_programs(args.bootlist)))
    if programs and not args.programs:
        sys.exit('mkbootfs: %s names programs; say where they are (--programs)'
                 % args.bootlist)
    files = ['%s=%s' % (p, os.path.join(args.programs, p + '.elf')) for p in programs]
    files += args.files
    if args.depfile:
        write_depfile(args.depfile, args.output, args.bootlist,
                      [f.partition('=')[2] for f in files])
    if args.deps_only:
        return

    entries = [('bootlist', open(args.bootlist, 'rb').read())]
    for spec in files:
        name, _, path = spec.partition('=')
        if not name or not path:
            sys.exit('mkbootfs: bad file spec %r (want NAME=PATH)' % spec)
        if len(name.encode()) >= NAME_LEN:
            sys.exit('mkbootfs: name too long: %s' % name)
        if any(e[0] == name for e in entries):
            sys.exit('mkbootfs: duplicate name: %s' % name)
        entries.append((name, open(path, 'rb').read()))
    pack(args.output, entries)


if __name__ == '__main__':
    main()
