#!/usr/bin/env python3
"""scripts/check_tutorial.py -- follow a doc's tutorial literally and check it.

    check_tutorial.py --qemu-cmd CMD [--plat PLAT] [--doc docs/rpc.md]
                      [--keep]

Copies the source tree (without build/ and .git) to a temporary folder,
applies the tutorial's code blocks there, builds the image `make qemu`
boots, boots it under the deterministic QEMU flags, types the commands of
the tutorial's session at the prompt and checks that every line the
session shows appears, in order; then runs each tests/qemu/NAME.cfg the
tutorial changed, as `make test` would.  So the tutorial in docs/rpc.md
(section 9) cannot go stale: renaming a function it uses, or adding its
service to the tree (then "create" finds the file already there), fails
`make test` (check/tutorial).

The doc marks what to do with the fenced code block that follows:
    <!-- tutorial: create PATH -->   a new file; it must not exist yet
    <!-- tutorial: append PATH -->   added to the end of an existing file
    <!-- tutorial: session -->       "sprat> CMD" lines are typed at the
                                     prompt; every other line must appear

Prints TAP.  Only the Python 3 standard library (and make, QEMU).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testrun import run_process  # noqa: E402

MARK_RE = re.compile(r'^<!--\s*tutorial:\s*(create|append|session)\s*(\S*)\s*-->\s*$')
FENCE_RE = re.compile(r'^\s*```')
PROMPT = 'sprat> '


def read_steps(doc):
    """[(action, path, text)] in the order the doc gives them."""
    steps, pending, block, lineno = [], None, None, 0
    with open(doc) as f:
        for lineno, line in enumerate(f, 1):
            if block is not None:
                if FENCE_RE.match(line):
                    steps.append(pending + (''.join(block),))
                    pending, block = None, None
                else:
                    block.append(line)
                continue
            m = MARK_RE.match(line.rstrip('\n'))
            if m:
                pending = (m.group(1), m.group(2), lineno)
            elif pending and FENCE_RE.match(line):
                block = []
    if pending or block is not None:
        sys.exit('%s:%d: a tutorial mark without its code block' % (doc, lineno))
    return steps


def copy_tree(dst):
    def ignore(d, names):
        return [n for n in names if n in ('build', '.git') and d == '.']
    shutil.copytree('.', dst, ignore=ignore, symlinks=True)


def apply(root, action, path, text):
    """None if done, else why not."""
    full = os.path.join(root, path)
    if action == 'create':
        if os.path.exists(full):
            return '%s already exists: the tutorial must start from nothing' % path
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, 'w') as f:
            f.write(text)
    else:
        if not os.path.exists(full):
            return '%s does not exist, so there is nothing to append to' % path
        with open(full, 'a') as f:
            f.write(text)
    return None


def session(root, image, qemu_cmd, text, timeout):
    """Type the session's commands; [(expected line, seen?)]."""
    feed, expects = [], []
    for line in text.splitlines():
        if line.startswith(PROMPT):
            feed.append((r'^sprat> $', (line[len(PROMPT):] + '\r').encode()))
        elif line.strip():
            expects.append(line.rstrip())

    def matched(lines):
        """How many expected lines appeared, in order."""
        i = 0
        for line in lines:
            if i < len(expects) and line.rstrip() == expects[i]:
                i += 1
        return i

    cmd = qemu_cmd.split() + [image]
    log = os.path.join(root, 'tutorial-session.log')
    lines, _, _ = run_process(cmd, timeout, log, feed=feed,
                              stop_when=lambda ls: matched(ls) == len(expects))
    n = matched(lines)
    return [(e, j < n) for j, e in enumerate(expects)], lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--qemu-cmd', required=True)
    ap.add_argument('--plat', default='vexpress-a9')
    ap.add_argument('--doc', default='docs/rpc.md')
    ap.add_argument('--timeout', type=float, default=90)
    ap.add_argument('--keep', action='store_true', help='keep the folder')
    args = ap.parse_args()

    steps = read_steps(args.doc)
    lines = []
    results = []
    root = tempfile.mkdtemp(prefix='sprat-tutorial-')
    try:
        copy_tree(os.path.join(root, 'tree'))
        tree = os.path.join(root, 'tree')
        texts = [s for s in steps if s[0] == 'session']
        for action, path, lineno, text in steps:
            if action == 'session':
                continue
            why = apply(tree, action, path, text)
            results.append((why is None, '%s:%d: %s %s%s' % (
                args.doc, lineno, action, path, ': ' + why if why else '')))
        image = 'build/%s/images/sprat.elf' % args.plat
        built = None
        if all(ok for ok, _ in results):
            env = {k: v for k, v in os.environ.items()
                   if k not in ('MAKEFLAGS', 'MFLAGS', 'MAKELEVEL')}
            built = subprocess.run(
                ['make', '-s', '-j2', 'PLAT=' + args.plat, image], cwd=tree,
                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            results.append((built.returncode == 0,
                            'the tree with the tutorial applied builds %s' % image))
        if built is not None and built.returncode == 0 and texts:
            seen, lines = session(tree, os.path.join(tree, image), args.qemu_cmd,
                                  texts[0][3], args.timeout)
            for expect, ok in seen:
                results.append((ok, '%s:%d: the session shows "%s"' % (
                    args.doc, texts[0][2], expect)))
        cfgs = sorted({os.path.basename(p)[:-4] for a, p, _, _ in steps
                       if p.startswith('tests/qemu/') and p.endswith('.cfg')})
        for name in cfgs if built is not None and built.returncode == 0 else []:
            # The tutorial's own test, run as `make test` would run it.
            run = subprocess.run(
                [sys.executable, 'scripts/testrun.py', '--logdir', 'tutorial-logs',
                 '--board', '%s=%s' % (args.plat, args.qemu_cmd),
                 '--qemu', '%s/%s=%s' % (args.plat, name, image)],
                cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            out = run.stdout.decode('utf-8', 'replace').splitlines()
            results.append((run.returncode == 0, 'tests/qemu/%s.cfg with the '
                            'tutorial\'s lines passes (%s)' % (name, out[-1] if out else '')))
            if run.returncode != 0:
                lines = out
        if not texts:
            results.append((False, '%s: no <!-- tutorial: session --> block' % args.doc))
        print('1..%d' % len(results))
        for i, (ok, text) in enumerate(results, 1):
            print('%s %d - %s' % ('ok' if ok else 'not ok', i, text))
        if built is not None and built.returncode != 0:
            out = built.stdout.decode('utf-8', 'replace').splitlines()
            errors = [l for l in out if re.search(r'error|Error', l)]
            for line in (errors or out)[-30:]:
                print('# ' + line)
        if built is not None and built.returncode == 0 and not all(ok for ok, _ in results):
            print('# the console, from the end:')
            for line in lines[-30:]:
                print('#   ' + line)
    finally:
        if args.keep:
            print('# kept in %s' % root)
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
