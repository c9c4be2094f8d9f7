#!/usr/bin/env python3
"""scripts/check_bootimages.py -- check a U-Boot board's boot images.

    check_bootimages.py --elf sprat.elf --uimage uImage --load-address ADDR
                        --script boot.cmd --boot-scr boot.scr --disk sdcard.img
                        --file NAME=PATH... [--openocd-board CFG]

Checks, without the board, what a board would need from them, and prints
TAP (scripts/testrun.py runs it in `make test`):

  uImage    the header as `mkimage -l` reports it and as the bytes say
            (magic, CRCs, ARM/Linux/kernel/uncompressed, load address and
            entry point = the ELF's physical entry), the payload = the
            release image's loadable bytes, and no semihosting call in it
  boot.scr  a script image whose text is boot.cmd
  disk      an MBR with one bootable FAT32 (LBA) partition at 1 MiB, as
            sfdisk reads it; a FAT32 boot sector; each --file in its root
            directory (mdir) with the same bytes (mtype); MLO first, with
            a valid GP-device header; the FAT's total sectors = the
            partition's size (the OMAP4 ROM's check); nothing that would
            send U-Boot SPL's Falcon mode past U-Boot (no file "args", no
            file "uImage")
  openocd   OpenOCD accepts its board file (configuration stage only)

Only the Python 3 standard library and Debian's mtools, fdisk, u-boot-tools
and openocd are used.
"""
import argparse
import json
import os
import re
import struct
import subprocess
import sys
import zlib

UIMAGE_MAGIC = 0x27051956
# include/image.h of U-Boot: IH_OS_LINUX, IH_ARCH_ARM, IH_TYPE_*, IH_COMP_NONE
IH_OS_LINUX, IH_ARCH_ARM = 5, 2
IH_TYPE_KERNEL, IH_TYPE_SCRIPT, IH_COMP_NONE = 2, 6, 0
UIMAGE_HEADER = struct.Struct('>7I4B32s')     # 64 bytes, big-endian
# ARM semihosting in A32 state is "svc 0x123456" (ARM DUI 0471): in a
# hardware image it would be an ordinary system call gone astray.
SEMIHOSTING_SVC = struct.pack('<I', 0xef123456)
PARTITION_START = 2048                         # sectors: 1 MiB
SECTOR = 512
# OMAP4 GP-device boot image (what MLO is after its 512-byte table of
# contents): size, then load address, which for the OMAP4's MLO is the
# public SRAM at 0x40300000 (U-Boot's SPL_TEXT_BASE for omap4).
MLO_TOC_BYTES = 512
OMAP4_SRAM_LOAD = 0x40300000
# U-Boot SPL's Falcon mode (CONFIG_SPL_OS_BOOT, on in omap4_panda_defconfig):
# common/spl/spl_fat.c spl_load_image_fat_os() reads the file
# CONFIG_SPL_FS_LOAD_ARGS_NAME ("args") and, if it exists, boots
# CONFIG_SPL_FS_LOAD_KERNEL_NAME ("uImage") directly instead of u-boot.img.
# FAT names compare without case.
FALCON_NAMES = ('args', 'uimage')

results = []


def report(ok, name, detail=''):
    results.append((bool(ok), name))
    print('%s %d - %s%s' % ('ok' if ok else 'not ok', len(results), name,
                            '' if ok or not detail else ' # ' + detail))


def run(*cmd):
    env = dict(os.environ, MTOOLS_SKIP_CHECK='1')
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    return proc.returncode, proc.stdout


def uimage_header(data):
    (magic, hcrc, time, size, load, ep, dcrc, os_, arch, type_, comp,
     name) = UIMAGE_HEADER.unpack_from(data)
    zeroed = data[:4] + b'\0\0\0\0' + data[8:64]
    return dict(magic=magic, hcrc=hcrc, hcrc_ok=(zlib.crc32(zeroed) == hcrc),
                size=size, load=load, ep=ep, dcrc=dcrc, os=os_, arch=arch,
                type=type_, comp=comp, name=name.rstrip(b'\0').decode('latin-1'))


def elf_entry_and_payload(path):
    """The ELF's entry point and its loadable bytes laid out from the lowest
    physical address, as `objcopy -O binary` makes them."""
    data = open(path, 'rb').read()
    if data[:4] != b'\x7fELF' or data[4] != 1 or data[5] != 1:
        raise ValueError('%s: not a 32-bit little-endian ELF file' % path)
    entry, phoff = struct.unpack_from('<II', data, 24)
    phentsize, phnum = struct.unpack_from('<HH', data, 42)
    segs = []
    for i in range(phnum):
        (ptype, off, _vaddr, paddr, filesz, _memsz, _flags,
         _align) = struct.unpack_from('<8I', data, phoff + i * phentsize)
        if ptype == 1 and filesz > 0:                   # PT_LOAD
            segs.append((paddr, data[off:off + filesz]))
    base = min(p for p, _ in segs)
    image = bytearray(max(p + len(b) for p, b in segs) - base)
    for p, b in segs:
        image[p - base:p - base + len(b)] = b
    return entry, base, bytes(image)


def check_uimage(args):
    load = int(args.load_address, 0)
    data = open(args.uimage, 'rb').read()
    h = uimage_header(data)
    payload = data[64:]
    rc, out = run('mkimage', '-l', args.uimage)
    text = out.decode('utf-8', 'replace')
    report(rc == 0 and 'ARM Linux Kernel Image (uncompressed)' in text,
           'mkimage -l: an uncompressed ARM Linux kernel image', text.strip()[-200:])
    report(re.search(r'Load Address:\s*%08x\b' % load, text),
           'mkimage -l: load address %08x' % load)
    report(re.search(r'Entry Point:\s*%08x\b' % load, text),
           'mkimage -l: entry point %08x' % load)
    report(re.search(r'Data Size:\s*%d Bytes' % len(payload), text),
           'mkimage -l: data size %d bytes' % len(payload))
    report(h['magic'] == UIMAGE_MAGIC and h['hcrc_ok'], 'header: magic and header CRC')
    report(h['dcrc'] == zlib.crc32(payload) and h['size'] == len(payload),
           'header: data size and data CRC')
    report((h['os'], h['arch'], h['type'], h['comp']) ==
           (IH_OS_LINUX, IH_ARCH_ARM, IH_TYPE_KERNEL, IH_COMP_NONE),
           'header: OS linux, arch ARM, type kernel, no compression (bootm hands over the Linux way)')
    report(h['name'].startswith('Sprat'), 'header: image name "%s"' % h['name'])

    entry, base, image = elf_entry_and_payload(args.elf)
    report(base == load and entry == load,
           'the ELF loads at %08x and is entered there (_start first)' % load,
           'base %08x entry %08x' % (base, entry))
    report(payload == image, 'payload = the release image\'s loadable bytes')
    words = [payload[i:i + 4] for i in range(0, len(payload) - 3, 4)]
    report(SEMIHOSTING_SVC not in words, 'no semihosting call in the hardware image')


def check_script(args):
    data = open(args.boot_scr, 'rb').read()
    h = uimage_header(data)
    rc, out = run('mkimage', '-l', args.boot_scr)
    report(rc == 0 and 'ARM Linux Script' in out.decode('utf-8', 'replace'),
           'mkimage -l: boot.scr is a script image')
    report(h['type'] == IH_TYPE_SCRIPT and h['hcrc_ok'] and
           h['dcrc'] == zlib.crc32(data[64:]), 'boot.scr: header, type and CRCs')
    # A script image's data: a table of part sizes ending in 0, then the text.
    first_len, terminator = struct.unpack_from('>II', data, 64)
    text = data[72:72 + first_len]
    report(terminator == 0 and text == open(args.script, 'rb').read(),
           'boot.scr holds the text of %s' % args.script)


def check_disk(args):
    rc, out = run('sfdisk', '--json', args.disk)
    table = json.loads(out)['partitiontable'] if rc == 0 else {}
    parts = table.get('partitions', [])
    report(table.get('label') == 'dos' and len(parts) == 1,
           'sfdisk: an MBR (dos) partition table with one partition', out.decode()[-200:])
    p = parts[0] if parts else {}
    report(p.get('start') == PARTITION_START and p.get('type') == 'c' and p.get('bootable'),
           'partition 1: starts at 1 MiB, type 0x0c (FAT32 LBA), bootable', str(p))
    disk = open(args.disk, 'rb').read(PARTITION_START * SECTOR + SECTOR)
    report(disk[510:512] == b'\x55\xaa', 'MBR boot signature 55 aa')
    boot = disk[PARTITION_START * SECTOR:]
    hidden = struct.unpack_from('<I', boot, 28)[0]
    report(boot[82:90] == b'FAT32   ' and boot[510:512] == b'\x55\xaa' and
           hidden == PARTITION_START,
           'partition 1: a FAT32 boot sector, hidden sectors = its start')
    # BPB_TotSec16 (offset 19) must be 0 on FAT32 and BPB_TotSec32 (offset
    # 32) the partition's size: the OMAP4 ROM rejects a FAT whose size
    # disagrees with the MBR's entry.
    tot16 = struct.unpack_from('<H', boot, 19)[0]
    tot32 = struct.unpack_from('<I', boot, 32)[0]
    report(tot16 == 0 and tot32 == p.get('size'),
           'partition 1: FAT total sectors %d = MBR partition size %s' % (tot32, p.get('size')))

    img = '%s@@%d' % (args.disk, PARTITION_START * SECTOR)
    rc, out = run('mdir', '-b', '-i', img, '::/')
    listed = [os.path.basename(l).lower() for l in out.decode().split()]
    wanted = [f.split('=', 1) for f in args.file]
    report(rc == 0 and sorted(listed) == sorted(n.lower() for n, _ in wanted),
           'mdir: the root directory holds exactly %s' % ', '.join(n for n, _ in wanted),
           ' '.join(listed))
    falcon = [n for n in listed if n in FALCON_NAMES]
    report(not falcon, 'no file U-Boot SPL Falcon mode boots from (%s)' %
           ', '.join(FALCON_NAMES), ' '.join(falcon))
    for name, path in wanted:
        rc, out = run('mtype', '-i', img, '::' + name)
        report(rc == 0 and out == open(path, 'rb').read(),
               'mtype: %s = %s' % (name, path))
    if any(n == 'MLO' for n, _ in wanted):
        report(listed and listed[0] == 'mlo', 'MLO is the first file written')
        mlo = open(dict(wanted)['MLO'], 'rb').read()
        size, load = struct.unpack_from('<II', mlo, MLO_TOC_BYTES)
        report(size == len(mlo) - MLO_TOC_BYTES and load == OMAP4_SRAM_LOAD,
               'MLO: GP header size %d, load address %08x (OMAP4 SRAM)' % (size, load))


def check_openocd(args):
    rc, out = run('openocd', '-f', 'interface/dummy.cfg', '-f', args.openocd_board,
                  '-c', 'shutdown')
    report(rc == 0, 'openocd accepts %s' % args.openocd_board, out.decode()[-200:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--elf', required=True)
    ap.add_argument('--uimage', required=True)
    ap.add_argument('--load-address', required=True)
    ap.add_argument('--script', required=True)
    ap.add_argument('--boot-scr', required=True)
    ap.add_argument('--disk', required=True)
    ap.add_argument('--file', action='append', default=[], metavar='NAME=PATH')
    ap.add_argument('--openocd-board')
    args = ap.parse_args()

    check_uimage(args)
    check_script(args)
    check_disk(args)
    if args.openocd_board:
        check_openocd(args)
    print('1..%d' % len(results))
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
