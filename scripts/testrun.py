#!/usr/bin/env python3
"""scripts/testrun.py -- run Sprat's tests and print one summary line.

Runs host unit-test programs, check commands and QEMU test images, each
with a wall-clock timeout, reads their TAP output ("ok N - name" /
"not ok N - name") and ends with the line "N passed, N failed" summed over
everything.  Exits non-zero if anything failed.

    testrun.py [--host BINARY]... [--check NAME=COMMAND]...
               [--board BOARD=QEMU_COMMAND]... [--qemu BOARD/NAME=IMAGE]...
               [@ARGFILE]

A board's QEMU command gets the image path in place of "{image}", or
appended if it has none.  An @ARGFILE holds further arguments, one per line
(`make test` collects each board's arguments that way).  A check command is
any program that prints TAP, e.g. scripts/check_bootimages.py.

A QEMU image run fails as a whole (and counts as one failed test) when it
times out, panics, ends without its TAP plan ("1..N"), reports a different
number of results than its plan, or QEMU exits non-zero.

The lines of a QEMU run are read as a terminal shows them (see
screen_line): a carriage return inside a line goes back to its start,
a backspace one column back, ESC [ K erases to the end of the line, and
other ESC [ ... sequences show nothing.  So a line that the serial
driver rubbed out and printed over reads as what replaced it; the log
file keeps the bytes as they came.

A kernel panic is known by QEMU's exit status, PANIC_EXIT_STATUS, never by
the text: a domain can print "PANIC at ..." at the start of a line (its
own output is its own), but only the kernel can end QEMU through
semihosting, and a test kernel's panic() does so with that status
(kernel/include/semihosting.h).  The "PANIC at" line is then shown as the
cause.  A line that looks like a panic without that status is reported as
a note and is not a failure.  Release kernels have no semihosting: their
panic halts, and the run fails by its timeout or its missing expects.

Per-image settings (docs/testing.md, "The .cfg format") come from
tests/qemu/<name>.cfg when it exists, as "key = value" lines; a line
"key@BOARD = value" applies on that board only
(e.g. "expect@virt = ^cpu: +ARM Cortex-A15").
    timeout = 60            wall-clock seconds (default 120)
    expect = <regex>        a line matching it must appear; may repeat.
                            Each expect counts as one test.
    reject = <regex>        no line may match it; may repeat.  Each
                            reject counts as one test.
    concurrent = <regex> <regex> ...
                            each regex (no blanks in them) matches some
                            line, and the stretches of the log from the
                            first to the last match of each overlap: the
                            outputs were produced at the same time.  One
                            test per line.
    same = <regex>          the last two lines that match it are equal
                            (e.g. `free` before and after a domain that
                            took memory was stopped: all of it is back).
                            One test per line.
    mode = tap | expect     tap (default): run to the end, read TAP.
                            expect: stop QEMU once every expect matched
                            (for images that never exit, e.g. release).
    panic = expected        the image panics on purpose: it passes only if
                            the kernel panics: a "PANIC at" line, and QEMU
                            exits by itself with PANIC_EXIT_STATUS (no TAP
                            plan needed).
    input_after = <regex>   then
    input = <text>          bytes typed on the serial console once a line
                            matching input_after appears.  Python string
                            escapes are decoded: \\r (Enter), \\n, and
                            \\xNN for any byte, e.g. \\x03 Ctrl-C, \\x15
                            Ctrl-U, \\x7f backspace, \\x1b[A up arrow,
                            \\x1b[B down arrow.
                            The regex is also tried on the unfinished last
                            line (a prompt).  Pairs may repeat: each waits
                            for output that came after the previous input.
    abort = <regex>         a line matching it ends the run at once, failed
                            (the labs' grading images stop at the first
                            stub that answers "not implemented"); may repeat.
    kernel = <variant>      which kernel build (informational)

Only the Python 3 standard library is used.
"""
import argparse
import os
import re
import select
import shlex
import subprocess
import sys
import time

TAP_RE = re.compile(r'^(not )?ok\b(?:\s+(\d+))?\s*-?\s*(.*)$')
PLAN_RE = re.compile(r'^1\.\.(\d+)\s*$')
# Wall-clock limit of a host test or a check (a check may build a tree).
HOST_TIMEOUT = 900
PANIC_LINE_RE = re.compile(r'^PANIC at ')
# QEMU's exit status after a test kernel's panic: SEMIHOSTING_PANIC_STATUS
# in kernel/include/semihosting.h.
PANIC_EXIT_STATUS = 3


class Totals:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failures = []

    def result(self, ok, name):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            self.failures.append(name)


# Where the .cfg files are looked for, first to last (--cfgdir adds one
# in front: the labs' grading images keep theirs in labs/grade).
CFG_DIRS = [os.path.join('tests', 'qemu')]


def cfg_path(name):
    for d in CFG_DIRS:
        for n in (name, name.rsplit('-', 1)[0] if '-' in name else None):
            # A variant of an image ("msgtest-slow") shares its settings.
            if n and os.path.exists(os.path.join(d, n + '.cfg')):
                return os.path.join(d, n + '.cfg')
    return os.path.join(CFG_DIRS[-1], name + '.cfg')


def read_cfg(name, board):
    cfg = {'timeout': '120', 'mode': 'tap', 'expect': [], 'reject': [],
           'concurrent': [], 'same': [], 'inputs': [], 'abort': []}
    path = cfg_path(name)
    if not os.path.exists(path):
        return cfg
    with open(path) as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith('#'):
                continue
            key, _, value = line.partition('=')
            key, value = key.strip(), value.strip()
            key, _, only_on = key.partition('@')
            if only_on and only_on != board:
                continue
            if key in ('expect', 'reject', 'concurrent', 'same', 'abort'):
                cfg[key].append(value)
            elif key == 'input_after':
                cfg['inputs'].append([value, None])
            elif key == 'input':
                if not cfg['inputs'] or cfg['inputs'][-1][1] is not None:
                    cfg['inputs'].append(['.', None])
                cfg['inputs'][-1][1] = unescape(value)
            else:
                cfg[key] = value
    return cfg


CSI_RE = re.compile(r'\x1b\[([0-9;]*)([@-~])')


def screen_line(text):
    """What a terminal shows of one line of output (see the top)."""
    cells, col, i = [], 0, 0
    while i < len(text):
        ch = text[i]
        m = CSI_RE.match(text, i) if ch == '\x1b' else None
        if m:
            if m.group(2) == 'K' and m.group(1) in ('', '0'):
                del cells[col:]
            i = m.end()
            continue
        if ch == '\r':
            col = 0
        elif ch == '\b':
            col = max(col - 1, 0)
        else:
            if col >= len(cells):
                cells.extend(' ' * (col - len(cells) + 1))
            cells[col] = ch
            col += 1
        i += 1
    # Blanks after the cursor are what backspacing left (a rubbed-out
    # character), not text.
    return ''.join(cells[:col]) + ''.join(cells[col:]).rstrip(' ')


def unescape(text):
    return text.encode().decode('unicode_escape').encode('latin-1')


def run_process(cmd, timeout, logpath, stop_when=None, feed=()):
    """Run cmd, tee its output to logpath; return (lines, rc, timed_out).

    stop_when(lines) -> True ends the run early (counts as a clean stop).
    feed = [(regex, bytes), ...]: write each bytes to stdin, in order, once
    a line (or the unfinished last line) matches its regex.
    """
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    lines, buf = [], b''
    deadline = time.monotonic() + timeout
    timed_out = stopped = False
    pending = list(feed)
    fed_at = (0, 0)             # output seen when we last typed

    def type_next():
        nonlocal fed_at
        proc.stdin.write(pending.pop(0)[1])
        proc.stdin.flush()
        fed_at = (len(lines), len(buf))
    with open(logpath, 'wb') as log:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([proc.stdout], [], [], min(left, 0.5))
            if ready:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                log.write(chunk)
                log.flush()
                buf += chunk
                while b'\n' in buf:
                    raw, buf = buf.split(b'\n', 1)
                    line = screen_line(raw.decode('utf-8', 'replace').rstrip('\r'))
                    lines.append(line)
                    if pending and len(lines) > fed_at[0] and re.search(pending[0][0], line):
                        type_next()
                partial = screen_line(buf.decode('utf-8', 'replace').rstrip('\r'))
                if (pending and (len(lines), len(buf)) > fed_at and
                        re.search(pending[0][0], partial)):
                    type_next()
                if stop_when is not None and stop_when(lines):
                    stopped = True
                    break
            elif proc.poll() is not None:
                break
        if buf:
            lines.append(screen_line(buf.decode('utf-8', 'replace').rstrip('\r')))
    if proc.poll() is None:
        proc.kill()
    rc = proc.wait()
    return lines, (0 if stopped else rc), timed_out


def check_tap(label, lines, totals, require_plan):
    """Count TAP results; returns (results, plan, problems)."""
    results, plan, problems = 0, None, []
    for line in lines:
        m = TAP_RE.match(line)
        if m:
            results += 1
            ok = m.group(1) is None
            name = m.group(3) or ('test %d' % results)
            totals.result(ok, '%s: %s' % (label, name))
            print('%s %d - %s: %s' % ('ok' if ok else 'not ok', results, label, name))
            continue
        m = PLAN_RE.match(line)
        if m:
            plan = int(m.group(1))
    if require_plan:
        if plan is None:
            problems.append('no TAP plan (1..N): the run did not finish')
        elif plan != results:
            problems.append('plan says %d tests, saw %d results' % (plan, results))
    return results, plan, problems


def run_host(label, cmd, totals, logdir):
    """Run a program that prints TAP (a host unit test or a check)."""
    env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT='TAP')
    logpath = os.path.join(logdir, label.replace('/', '_') + '.log')
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env=env, timeout=HOST_TIMEOUT)
        output, rc = proc.stdout, proc.returncode
    except subprocess.TimeoutExpired as e:
        output, rc = e.stdout or b'', None
    with open(logpath, 'wb') as f:
        f.write(output)
    lines = output.decode('utf-8', 'replace').splitlines()
    _, _, problems = check_tap(label, lines, totals, require_plan=True)
    if rc is None:
        problems.append('timed out after %d s' % HOST_TIMEOUT)
    elif rc != 0:
        problems.append('exit status %d' % rc)
    report_problems(label, problems, lines, logpath, totals)


def report_problems(label, problems, lines, logpath, totals):
    for p in problems:
        totals.result(False, '%s: %s' % (label, p))
        print('not ok - %s: %s' % (label, p))
    if problems:
        print('# --- last lines of %s (full log: %s) ---' % (label, logpath))
        for line in lines[-25:]:
            print('#   ' + line)


def qemu_command(template, image):
    words = shlex.split(template)
    if any('{image}' in w for w in words):
        return [w.replace('{image}', image) for w in words]
    return words + [image]


def run_qemu(board, name, image, qemu_cmd, totals, logdir):
    label = 'qemu/%s/%s' % (board, name)
    cfg = read_cfg(name, board)
    timeout = float(cfg['timeout'])
    expects = [re.compile(e) for e in cfg['expect']]
    mode = cfg['mode']
    cmd = qemu_command(qemu_cmd, image)
    feed = [(after, text) for after, text in cfg['inputs'] if text is not None]

    panic_expected = cfg.get('panic') == 'expected'

    aborts = [re.compile(a) for a in cfg['abort']]
    aborted, seen = [], [0]

    def all_expects_seen(lines):
        new, seen[0] = lines[seen[0]:], len(lines)
        aborted.extend(l for l in new if any(a.search(l) for a in aborts))
        if aborted:
            return True
        return mode == 'expect' and not panic_expected and all(
            any(e.search(l) for l in lines) for e in expects)

    os.makedirs(os.path.join(logdir, board), exist_ok=True)
    logpath = os.path.join(logdir, board, name + '.log')
    t0 = time.monotonic()
    lines, rc, timed_out = run_process(cmd, timeout, logpath,
                                       stop_when=all_expects_seen, feed=feed)
    elapsed = time.monotonic() - t0

    problems = []
    if mode == 'tap':
        _, _, problems = check_tap(label, lines, totals, require_plan=True)
    for e in expects:
        ok = any(e.search(l) for l in lines)
        totals.result(ok, '%s: output matches /%s/' % (label, e.pattern))
        print('%s - %s: output matches /%s/' % ('ok' if ok else 'not ok',
                                               label, e.pattern))
    for r in [re.compile(r) for r in cfg['reject']]:
        bad = [l for l in lines if r.search(l)]
        totals.result(not bad, '%s: no line matches /%s/' % (label, r.pattern))
        print('%s - %s: no line matches /%s/' % ('not ok' if bad else 'ok',
                                                 label, r.pattern))
        for l in bad[:5]:
            print('#   ' + l)
    for spec in cfg['concurrent']:
        regexes = [re.compile(r) for r in spec.split()]
        spans = []
        for r in regexes:
            hits = [i for i, l in enumerate(lines) if r.search(l)]
            spans.append((hits[0], hits[-1]) if hits else None)
        ok = None not in spans and all(a[0] <= b[1] and b[0] <= a[1]
                                       for a in spans for b in spans)
        totals.result(ok, '%s: output of /%s/ came at the same time' % (label, spec))
        print('%s - %s: output of /%s/ came at the same time' % ('ok' if ok else 'not ok',
                                                                 label, spec))
    for r in [re.compile(r) for r in cfg['same']]:
        hits = [l for l in lines if r.search(l)]
        ok = len(hits) >= 2 and hits[-1] == hits[-2]
        totals.result(ok, '%s: the last two lines matching /%s/ are equal' % (label, r.pattern))
        print('%s - %s: the last two lines matching /%s/ are equal' %
              ('ok' if ok else 'not ok', label, r.pattern))
        for l in hits[-2:]:
            print('#   ' + l)
    if timed_out:
        problems.append('timed out after %.0f s' % timeout)
    if aborted:
        problems.append('stopped at a line that means failure: %s' % aborted[0])
    panic_lines = [l for l in lines if PANIC_LINE_RE.search(l)]
    panicked = rc == PANIC_EXIT_STATUS and not timed_out
    if panic_expected:
        ok = panicked and bool(panic_lines)
        totals.result(ok, '%s: the kernel panics and QEMU ends' % label)
        print('%s - %s: the kernel panics and QEMU ends (exit status %d)' %
              ('ok' if ok else 'not ok', label, rc))
    elif panicked:
        problems.append('kernel panic: %s' % (panic_lines[-1] if panic_lines
                                              else '(no PANIC line)'))
    elif panic_lines:
        print('# %s: %d line(s) look like a panic, but QEMU did not end with '
              'the panic status: domain output, not a kernel panic' %
              (label, len(panic_lines)))
    if mode == 'tap' and rc != 0 and not timed_out and not panicked:
        problems.append('QEMU exit status %d' % rc)
    print('# %s: %.1f s' % (label, elapsed))
    report_problems(label, problems, lines, logpath, totals)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0],
                                 fromfile_prefix_chars='@')
    ap.add_argument('--host', action='append', default=[], metavar='BINARY')
    ap.add_argument('--check', action='append', default=[], metavar='NAME=COMMAND')
    ap.add_argument('--board', action='append', default=[], metavar='BOARD=QEMU_COMMAND')
    ap.add_argument('--qemu', action='append', default=[], metavar='BOARD/NAME=IMAGE')
    ap.add_argument('--logdir', default='build/test-logs')
    ap.add_argument('--cfgdir', action='append', default=[], metavar='DIR')
    args = ap.parse_args()
    CFG_DIRS[:0] = args.cfgdir

    os.makedirs(args.logdir, exist_ok=True)
    boards = dict(spec.split('=', 1) for spec in args.board)
    totals = Totals()
    for path in args.host:
        run_host('host/' + os.path.basename(path), [path], totals, args.logdir)
    for spec in args.check:
        name, _, cmd = spec.partition('=')
        run_host('check/' + name, shlex.split(cmd), totals, args.logdir)
    for spec in args.qemu:
        target, _, image = spec.partition('=')
        board, _, name = target.partition('/')
        if board not in boards:
            ap.error('--qemu %s: no --board %s=...' % (spec, board))
        run_qemu(board, name, image, boards[board], totals, args.logdir)

    if totals.failures:
        print('# failed:')
        for f in totals.failures:
            print('#   ' + f)
    print('%d passed, %d failed' % (totals.passed, totals.failed))
    return 1 if totals.failed else 0


if __name__ == '__main__':
    sys.exit(main())
