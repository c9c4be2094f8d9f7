#!/usr/bin/env python3
"""scripts/icache_order.py -- prove in QEMU that code is made visible to
instruction fetch between the last write into an executable frame and the
first instruction fetched from it, for init and for spawned domains
(docs/hardware.md, "Caches"; issue 12, bug 1).

    icache_order.py --qemu-cmd "QEMU COMMAND" --image IMAGE.elf
                    --init INIT.elf --ram-base ADDR [--domains N]

QEMU does not model caches, so the test watches the order of events
instead, through QEMU's gdb stub driven by gdb-multiarch (Python):

  write  the kernel's memcpy/memset into a page (kernel virtual address,
         linear map), or init's spawn code finishing writing a frame
         through its own mapping (libsys/spawn.c unmap_here, entered after
         the fill; its pages translated with QEMU's "gva2gpa")
  sync   the kernel's cache_sync_code(kva, bytes): clean D to PoU,
         ICIALLU, BPIALL, DSB, ISB
  fetch  a domain's first instruction, at the user entry point; its page
         translated with "gva2gpa"

For the page of every first fetch (init's, then N spawned domains'), the
last sync covering that physical page must come after the last write to
it.  Prints TAP; scripts/testrun.py runs it in `make test`.
ICACHE_DEBUG=1 in the environment copies gdb's output to stderr.  Only the
Python 3 standard library, gdb-multiarch and QEMU are used.
"""
import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time

from elfsyms import Symbols

# The gdb side: runs inside gdb-multiarch, reports "RESULT ..." lines.
GDB_SCRIPT = r'''
import gdb

PAGE = 4096
KVBASE = 0x80000000
RAM_BASE = @RAM_BASE@
WANT = @DOMAINS@ + 1            # init and this many spawned domains
WRITE_SITES = [@WRITE_SITES@]   # the kernel's memcpy/memset calls that fill frames
SYNC = @SYNC@                   # cache_sync_code
INIT_UNMAP = @INIT_UNMAP@       # libsys' unmap_here in init.elf
INIT_UNMAP_BYTES = bytes.fromhex('@INIT_UNMAP_BYTES@')
ENTRY = @ENTRY@

seq = [0]
last_write = {}     # physical page -> event number
last_sync = {}
checked = []
entered = set()

def tick():
    seq[0] += 1
    return seq[0]

def reg(name):
    return int(gdb.parse_and_eval('$' + name)) & 0xffffffff

def kva_pages(va, n):
    if n == 0 or va < KVBASE:
        return []
    first = (va - KVBASE + RAM_BASE) & ~(PAGE - 1)
    last = (va + n - 1 - KVBASE + RAM_BASE) & ~(PAGE - 1)
    return range(first, last + PAGE, PAGE)

def gva2gpa(va):
    out = gdb.execute('monitor gva2gpa 0x%x' % va, to_string=True)
    try:
        return int(out.strip().split()[-1], 16) & ~(PAGE - 1)
    except ValueError:
        return None

def on_kernel_write():
    # At the call: memcpy/memset(dst = r0, ..., n = r2).
    t = tick()
    for p in kva_pages(reg('r0'), reg('r2')):
        last_write[p] = t

def on_sync():
    t = tick()
    for p in kva_pages(reg('r0'), reg('r1')):
        last_sync[p] = t

def on_user_unmap():
    # unmap_here(struct capref *copy, uint32_t *va, uint32_t bytes), entered
    # after the fill.  The same address in every program: is this init's?
    code = bytes(gdb.selected_inferior().read_memory(reg('pc'), len(INIT_UNMAP_BYTES)))
    if code != INIT_UNMAP_BYTES:
        return
    t = tick()
    va = int(gdb.parse_and_eval('*(unsigned int *)0x%x' % reg('r1'))) & 0xffffffff
    for off in range(0, reg('r2'), PAGE):
        p = gva2gpa(va + off)
        if p is not None:
            last_write[p] = t

def on_entry():
    # Every upcall enters a domain at its entry point: only the first
    # entry through each physical page is a first fetch.
    p = gva2gpa(ENTRY)
    if p in entered:
        return
    entered.add(p)
    t = tick()
    w, s = last_write.get(p), last_sync.get(p)
    who = 'init' if not checked else 'spawned domain %d' % len(checked)
    ok = p is not None and w is not None and s is not None and w < s < t
    print('RESULT %s %s: entry page 0x%08x: last write #%s, last I-cache sync #%s, '
          'first fetch #%d' % ('ok' if ok else 'not-ok', who, p or 0, w, s, t), flush=True)
    checked.append(ok)

# Hardware breakpoints (QEMU compares the virtual address): a software one
# at a user address would be written into whichever page is mapped there.
handlers = {SYNC: on_sync, INIT_UNMAP: on_user_unmap, ENTRY: on_entry}
for site in WRITE_SITES:
    handlers[site] = on_kernel_write
for addr in handlers:
    gdb.execute('hbreak *0x%x' % addr, to_string=True)
try:
    while len(checked) < WANT:
        gdb.execute('continue', to_string=True)
        handlers.get(reg('pc'), lambda: None)()
finally:
    print('RESULT done %d events' % seq[0], flush=True)
    gdb.execute('kill')
'''


def write_sites(image):
    # The kernel's calls of memcpy/memset that write frames before they are
    # mapped: the boot allocator (startup.c), init's loader (the shared
    # freestanding/domain_build.c: fill_chunk copies the segments, dom_*
    # the arguments page), retype's zeroing (cap.c).
    out = subprocess.run(['arm-none-eabi-objdump', '-d', image], capture_output=True,
                         text=True, check=True).stdout
    sites, fn = [], ''
    for line in out.splitlines():
        m = re.match(r'^[0-9a-f]+ <(.*)>:$', line)
        if m:
            fn = m.group(1)
        elif re.search(r'\tbl?\t[0-9a-f]+ <(memcpy|memset)>', line) and \
                re.match(r'(startup_init|boot_|fill_chunk|dom_|cap_retype)', fn):
            sites.append(int(line.split(':')[0], 16))
    return sites


def elf_symbol(path, name):
    return Symbols([path]).address_of(name)


def elf_entry(path):
    out = subprocess.run(['arm-none-eabi-readelf', '-h', path], capture_output=True,
                         text=True, check=True).stdout
    for line in out.splitlines():
        if 'Entry point address' in line:
            return int(line.split()[-1], 16)
    raise SystemExit('%s: no entry point' % path)


def code_bytes(path, addr, n):
    """n bytes of path's code at virtual address addr (from its .text)."""
    with tempfile.NamedTemporaryFile() as tmp:
        subprocess.run(['arm-none-eabi-objcopy', '-O', 'binary', '--only-section=.text',
                        path, tmp.name], check=True)
        data = open(tmp.name, 'rb').read()
    text = elf_symbol(path, '_start')       # .text starts with _start
    return data[addr - text:addr - text + n]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--qemu-cmd', required=True)
    ap.add_argument('--image', required=True)
    ap.add_argument('--init', required=True)
    ap.add_argument('--ram-base', required=True)
    ap.add_argument('--domains', type=int, default=3)
    ap.add_argument('--timeout', type=int, default=120)
    args = ap.parse_args()

    unmap = elf_symbol(args.init, 'unmap_here')
    if unmap is None:
        print('1..1\nnot ok 1 - init.elf has no unmap_here (libsys/spawn.c changed?)')
        return 1
    sites = write_sites(args.image)
    script = (GDB_SCRIPT.replace('@RAM_BASE@', args.ram_base)
              .replace('@WRITE_SITES@', ', '.join(hex(a) for a in sites))
              .replace('@SYNC@', hex(elf_symbol(args.image, 'cache_sync_code') or 0))
              .replace('@DOMAINS@', str(args.domains))
              .replace('@INIT_UNMAP@', hex(unmap))
              .replace('@INIT_UNMAP_BYTES@', code_bytes(args.init, unmap, 16).hex())
              .replace('@ENTRY@', hex(elf_entry(args.init))))

    with tempfile.TemporaryDirectory() as tmp:
        sock = os.path.join(tmp, 'gdb.sock')
        py = os.path.join(tmp, 'order.py')
        with open(py, 'w') as f:
            f.write(script)
        # The command ends with -kernel (make's qemu_test_cmd): image next.
        qemu = subprocess.Popen(shlex.split(args.qemu_cmd) + [
            args.image, '-S', '-gdb', 'unix:%s,server=on,wait=off' % sock],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            # Wait for QEMU's gdb socket (up to 20 s on a loaded machine).
            for _ in range(400):
                if os.path.exists(sock) or qemu.poll() is not None:
                    break
                time.sleep(0.05)
            gdb = subprocess.run(
                ['gdb-multiarch', '--batch', '-nx', '-ex', 'set pagination off',
                 '-ex', 'set confirm off', '-ex', 'file %s' % args.image,
                 '-ex', 'target remote %s' % sock, '-x', py],
                capture_output=True, text=True, timeout=args.timeout)
            out = gdb.stdout + gdb.stderr
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b'').decode(errors='replace') + '\ngdb timed out'
        finally:
            qemu.kill()
            qemu.wait()

    if os.environ.get('ICACHE_DEBUG'):
        sys.stderr.write(out)
    results = [l.split(' ', 2)[1:] for l in out.splitlines() if l.startswith('RESULT ')]
    checks = [r for r in results if r[0] in ('ok', 'not-ok')]
    print('1..%d' % (args.domains + 1))
    for i in range(args.domains + 1):
        if i < len(checks):
            print('%s %d - %s' % ('ok' if checks[i][0] == 'ok' else 'not ok', i + 1,
                                  checks[i][1]))
        else:
            print('not ok %d - first fetch #%d never seen' % (i + 1, i + 1))
    if len(checks) < args.domains + 1 or any(c[0] != 'ok' for c in checks):
        sys.stdout.write(''.join('# ' + l + '\n' for l in out.splitlines()[-30:]))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
