#!/usr/bin/env python3
"""scripts/trace.py -- count the instructions of one pass through a code path.

    trace.py --image build/vexpress-a9/images/bench.elf \\
             --symbols build/vexpress-a9/user/bench.elf \\
             --at lmp_chan_send --skip 100 [--steps 5000]

Boots IMAGE in QEMU under the same -icount flags as the tests, halted, with
its gdb stub; gdb-multiarch stops at address AT (a symbol of the image or
of a --symbols ELF, or a hex address) once it has been reached SKIP times,
then single-steps every instruction until AT is reached again (or STEPS
instructions have run) and prints where they went: the functions in the
order they ran, with the number of instructions each, and a total.

QEMU masks interrupts while gdb single-steps, so a trace is exactly one
pass of the path with no timer interrupt in it -- which is what the
benchmarks' averages converge to.  User addresses are the same in every
domain, so choose an AT that only the domain you mean runs (docs/lmp.md
shows how the LMP numbers were found this way).
"""
import argparse
import os
import shlex
import socket
import subprocess
import sys
import tempfile

from elfsyms import KERNEL_BASE, Symbols

ICOUNT = '-icount shift=0,sleep=off,align=off -rtc clock=vm'
SEMIHOST = '-semihosting-config enable=on,target=native'

GDB_SCRIPT = r'''
import gdb
gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("target remote :%(port)d")
bp = gdb.Breakpoint("*%(at)#x")
bp.ignore_count = %(skip)d
gdb.execute("continue")
out = open("%(out)s", "w")
pc = int(gdb.parse_and_eval("$pc")) & 0xffffffff
for i in range(%(steps)d):
    out.write("%%x\n" %% pc)
    gdb.execute("stepi", to_string=True)
    pc = int(gdb.parse_and_eval("$pc")) & 0xffffffff
    if pc == %(at)#x:
        break
out.close()
gdb.execute("kill")
'''


def resolve(syms, where):
    try:
        return int(where, 16)
    except ValueError:
        addr = syms.address_of(where)
        if addr is None:
            sys.exit('trace: no symbol %r' % where)
        return addr


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--image', required=True)
    ap.add_argument('--symbols', action='append', default=[],
                    help='another ELF whose symbols to use (user programs)')
    ap.add_argument('--at', required=True)
    ap.add_argument('--skip', type=int, default=0)
    ap.add_argument('--steps', type=int, default=5000)
    ap.add_argument('--machine', default='-M vexpress-a9 -cpu cortex-a9 -m 512M -audiodev none,id=snd0 -global pl041.audiodev=snd0')
    ap.add_argument('--raw', action='store_true', help='also print every pc')
    args = ap.parse_args()

    syms = Symbols([args.image] + args.symbols)
    at = resolve(syms, args.at)
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        pcs_path = os.path.join(tmp, 'pcs')
        script = os.path.join(tmp, 'trace.py')
        with open(script, 'w') as f:
            f.write(GDB_SCRIPT % dict(port=port, at=at, skip=args.skip,
                                      steps=args.steps, out=pcs_path))
        qemu = subprocess.Popen(
            ['qemu-system-arm'] + shlex.split(args.machine) + shlex.split(ICOUNT) +
            shlex.split(SEMIHOST) + ['-display', 'none', '-monitor', 'none',
                                     '-serial', 'null', '-no-reboot',
                                     '-gdb', 'tcp::%d' % port, '-S',
                                     '-kernel', args.image])
        try:
            subprocess.run(['gdb-multiarch', '-q', '-nx', '-batch', args.image,
                            '-x', script], stdout=subprocess.DEVNULL, timeout=600)
        finally:
            qemu.kill()
            qemu.wait()
        pcs = [int(l, 16) for l in open(pcs_path)] if os.path.exists(pcs_path) else []

    if not pcs:
        sys.exit('trace: %s was never reached %d times' % (args.at, args.skip + 1))
    runs = []                       # consecutive instructions in one function
    for pc in pcs:
        n = syms.name_of(pc)
        if args.raw:
            print('  %08x %s' % (pc, n))
        kernel = pc >= KERNEL_BASE
        if runs and runs[-1][0] == n and runs[-1][2] == kernel:
            runs[-1][1] += 1
        else:
            runs.append([n, 1, kernel])
    print('path, in order (function: instructions)')
    for n, c, kernel in runs:
        print('  %-32s %5d  %s' % (n, c, 'kernel' if kernel else ''))
    totals = {}
    for n, c, _ in runs:
        totals[n] = totals.get(n, 0) + c
    print('by function')
    for n, c in sorted(totals.items(), key=lambda x: -x[1]):
        print('  %-32s %5d' % (n, c))
    print('total: %d instructions%s' % (len(pcs), '' if len(pcs) < args.steps
                                         else ' (stopped at --steps)'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
