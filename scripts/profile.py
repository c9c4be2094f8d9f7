#!/usr/bin/env python3
"""scripts/profile.py -- where a long-running part of a test image spends
its instructions, by sampling.

    profile.py --image build/vexpress-a9/images/bench.elf \\
               --symbols build/vexpress-a9/user/bench.elf \\
               --from 'rpc_send_string of 4096 bytes: .* per call' \\
               --to 'rpc_send_string of 1048576 bytes: .* per call'

Boots IMAGE in QEMU (the same -icount flags as the tests) with its
monitor on a socket.  Once a console line matches FROM it asks the
monitor for the program counter every few milliseconds until a line
matches TO, and prints how many samples fell in each function (kernel
functions marked).  Under `-icount shift=0,sleep=off` QEMU runs the guest
as fast as it can, so the samples spread over the guest's instructions --
not exactly evenly (some instructions take QEMU longer than others), but
well enough to see where millions of them go.  For an exact count of a
short path, use scripts/trace.py.
"""
import argparse
import collections
import os
import re
import shlex
import socket
import subprocess
import sys
import tempfile
import time

from elfsyms import KERNEL_BASE, Symbols

ICOUNT = '-icount shift=0,sleep=off,align=off -rtc clock=vm'
SEMIHOST = '-semihosting-config enable=on,target=native'
MACHINE = ('-M vexpress-a9 -cpu cortex-a9 -m 512M '
           '-audiodev none,id=snd0 -global pl041.audiodev=snd0')
PC_RE = re.compile(r'R15=([0-9a-f]{8})')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--image', required=True)
    ap.add_argument('--symbols', action='append', default=[])
    ap.add_argument('--from', dest='start', required=True, help='regex: start sampling')
    ap.add_argument('--to', dest='stop', required=True, help='regex: stop sampling')
    ap.add_argument('--interval', type=float, default=0.002, help='seconds between samples')
    ap.add_argument('--machine', default=MACHINE)
    ap.add_argument('--top', type=int, default=30)
    args = ap.parse_args()

    syms = Symbols([args.image] + args.symbols)
    start, stop = re.compile(args.start), re.compile(args.stop)

    with tempfile.TemporaryDirectory() as tmp:
        sock_path = os.path.join(tmp, 'monitor')
        qemu = subprocess.Popen(
            ['qemu-system-arm'] + shlex.split(args.machine) + shlex.split(ICOUNT) +
            shlex.split(SEMIHOST) + ['-display', 'none', '-serial', 'stdio', '-no-reboot',
                                     '-monitor', 'unix:%s,server,nowait' % sock_path,
                                     '-kernel', args.image],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists(sock_path):
                break
            time.sleep(0.05)
        mon = socket.socket(socket.AF_UNIX)
        mon.connect(sock_path)
        mon.setblocking(False)
        os.set_blocking(qemu.stdout.fileno(), False)

        def console_lines(buf=[b'']):
            try:
                chunk = os.read(qemu.stdout.fileno(), 65536)
            except BlockingIOError:
                return []
            if not chunk:
                raise EOFError
            buf[0] += chunk
            *lines, buf[0] = buf[0].split(b'\n')
            return [l.decode(errors='replace') for l in lines]

        samples = []
        sampling = False
        reply = b''
        try:
            while True:
                for line in console_lines():
                    if not sampling and start.search(line):
                        sampling = True
                    elif sampling and stop.search(line):
                        raise EOFError
                if sampling:
                    mon.sendall(b'info registers\n')
                    time.sleep(args.interval)
                    try:
                        reply += mon.recv(1 << 20)
                    except BlockingIOError:
                        pass
                    for m in PC_RE.finditer(reply.decode(errors='replace')):
                        samples.append(int(m.group(1), 16))
                    reply = b''
                else:
                    time.sleep(0.01)
        except EOFError:
            pass
        finally:
            qemu.kill()
            qemu.wait()

    if not samples:
        sys.exit('profile: no samples (did FROM and TO match?)')
    counts = collections.Counter()
    for pc in samples:
        name = syms.name_of(pc)
        counts[(name, pc >= KERNEL_BASE)] += 1
    total = len(samples)
    print('%d samples' % total)
    for (name, kernel), n in counts.most_common(args.top):
        print('  %5.1f%%  %-36s %s' % (100.0 * n / total, name, 'kernel' if kernel else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
