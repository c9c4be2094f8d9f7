#!/usr/bin/env python3
"""scripts/bench.py -- run benchmark images in QEMU and print their results.

    bench.py --qemu-cmd CMD LABEL=IMAGE ...

Each image prints "bench: <what>: <n> ns (...) per iteration" lines; under
`-icount shift=0` a nanosecond of guest time is one instruction.  The
results of all images are printed side by side, with the ratio to the
first image.  Performance is measured here, never tested.
"""
import argparse
import re
import shlex
import subprocess
import sys

LINE = re.compile(r'^bench: (.*): ([\d.]+) ns')


def run(cmd, image, timeout=600):
    out = subprocess.run(shlex.split(cmd) + [image], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, timeout=timeout)
    results = {}
    for line in out.stdout.decode(errors='replace').splitlines():
        m = LINE.match(line)
        if m:
            results[m.group(1)] = float(m.group(2))
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--qemu-cmd', required=True)
    ap.add_argument('images', nargs='+', metavar='LABEL=IMAGE')
    args = ap.parse_args()
    labels, runs = [], []
    for spec in args.images:
        label, _, image = spec.partition('=')
        print('# running %s (%s)' % (label, image), flush=True)
        labels.append(label)
        runs.append(run(args.qemu_cmd, image))
    names = [n for n in runs[0]]
    width = max(len(n) for n in names) if names else 10
    print('%-*s  %s' % (width, 'instructions per iteration (icount)',
                        '  '.join('%10s' % l for l in labels) + '   ratio'))
    for n in names:
        vals = [r.get(n) for r in runs]
        cells = '  '.join('%10.1f' % v if v is not None else '%10s' % '-' for v in vals)
        ratio = ''
        if len(vals) > 1 and vals[0] and vals[1]:
            ratio = '   %.2f' % (vals[0] / vals[1])
        print('%-*s  %s%s' % (width, n, cells, ratio))
    return 0 if names else 1


if __name__ == '__main__':
    sys.exit(main())
