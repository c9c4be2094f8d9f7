#!/usr/bin/env python3
"""scripts/labs.py -- the course labs: student trees, grading, hand-in, CI
(labs/README.md; the instructor's guide is labs/instructor/guide.md).

    labs.py skel --lab N --out DIR [--plats P,...]   write the student tree
    labs.py grade [--lab N]                          grade this tree
    labs.py handin [--lab N]                         the archive to hand in
    labs.py check [--labs N,...]                     CI: TAP, per lab

The solution lives in the real source.  A solution region is marked by
two comment lines (C, assembly, Markdown or Makefile comments):

    /* LAB 5 BEGIN: return LIB_ERR_NOT_IMPLEMENTED; */
    ... the solution ...
    /* LAB 5 END */

`skel` replaces the region by a "your code here" comment and the stub
after "BEGIN:" (no stub: the region goes, e.g. a helper only the solution
uses).  A line `/* LAB 5 UNUSED */` before a helper that the stubs no
longer call becomes `__attribute__((unused))` (the student may use it).
Files are found by their markers, not by a list.  Regions between
`INSTRUCTOR BEGIN` and `INSTRUCTOR END` lines, and labs/instructor/, go
from every student tree.

A student tree for lab N keeps the solution of the labs before N, has the
stubs of lab N, and also the stubs of every later lab M -- with the
objects compiled from the solution of each file that holds lab M's
regions as *reference objects* under labs/ref/<lab M's name>/<board>/,
which mk/labs.mk links instead of the stubs (`make REF=...`).  So a file
may hold the regions of one lab only.

The labs, their tests and points are in labs/labs.toml.  Only the Python 3
standard library is used.
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = 'labs/labs.toml'
GRADE_PLAT = 'vexpress-a9'

# A marker line: only the comment, alone on its line.
COMMENT = r'^([ \t]*)(?:/\*|<!--|#|@)[ \t]*'
END_COMMENT = r'[ \t]*(?:\*/|-->)?[ \t]*$'
BEGIN_RE = re.compile(COMMENT + r'LAB (\d+) BEGIN(?::[ \t]*(.*?))?' + END_COMMENT)
END_RE = re.compile(COMMENT + r'LAB (\d+) END' + END_COMMENT)
# Before a helper the lab's stubs no longer call: "unused" in its tree.
UNUSED_RE = re.compile(COMMENT + r'LAB (\d+) UNUSED' + END_COMMENT)
INSTR_BEGIN_RE = re.compile(COMMENT + r'INSTRUCTOR BEGIN' + END_COMMENT)
INSTR_END_RE = re.compile(COMMENT + r'INSTRUCTOR END' + END_COMMENT)
# Never transformed: the manifest, the handouts' examples, this script.
SKIP_PREFIXES = ('labs/', 'scripts/labs.py', '.git/')


def load_manifest(root=ROOT):
    with open(os.path.join(root, MANIFEST), 'rb') as f:
        labs = tomllib.load(f)['lab']
    return {lab['n']: lab for lab in labs}


def lab_by_arg(labs, arg):
    """LAB=3 or LAB=spawn."""
    for n, lab in labs.items():
        if str(arg) in (str(n), lab['name']):
            return lab
    sys.exit('labs.py: no lab %r (labs/labs.toml has %s)' %
             (arg, ', '.join('%d %s' % (n, l['name']) for n, l in sorted(labs.items()))))


def tree_files(root):
    """The tree's files: git's list (tracked and new, not ignored)."""
    out = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard', '-z'],
                         cwd=root, stdout=subprocess.PIPE, check=True).stdout
    return sorted(p for p in out.decode().split('\0')
                  if p and os.path.isfile(os.path.join(root, p)))


def read_text(path):
    try:
        with open(path, encoding='utf-8') as f:
            return f.read()
    except (UnicodeDecodeError, IsADirectoryError):
        return None


def lab_regions(text):
    """The lab numbers whose regions the text holds (checked for balance)."""
    found, open_lab = set(), None
    for i, line in enumerate(text.splitlines(), 1):
        b, e = BEGIN_RE.match(line), END_RE.match(line)
        if b:
            if open_lab is not None:
                raise ValueError('line %d: LAB %s BEGIN inside LAB %s' % (i, b.group(2), open_lab))
            open_lab = b.group(2)
        elif e:
            if e.group(2) != open_lab:
                raise ValueError('line %d: LAB %s END without its BEGIN' % (i, e.group(2)))
            found.add(int(open_lab))
            open_lab = None
    if open_lab is not None:
        raise ValueError('LAB %s BEGIN without its END' % open_lab)
    return found


def marked_files(root):
    """{path: set of lab numbers} of every file with solution regions."""
    result = {}
    for p in tree_files(root):
        if p.startswith(SKIP_PREFIXES):
            continue
        text = read_text(os.path.join(root, p))
        if text is None or 'LAB ' not in text:
            continue
        try:
            nums = lab_regions(text)
        except ValueError as e:
            sys.exit('labs.py: %s: %s' % (p, e))
        if len(nums) > 1:
            sys.exit('labs.py: %s holds regions of labs %s: one lab per file '
                     '(its reference object would give away the other)' % (p, sorted(nums)))
        if nums:
            result[p] = nums
    return result


def blank(text, lab_of_stub, handouts, markdown=False):
    """The text with the regions of the labs in lab_of_stub stubbed and
    every INSTRUCTOR region removed.  In Markdown the stub is the text."""
    out, skipping, instr = [], None, False
    for line in text.splitlines(keepends=True):
        if instr:
            instr = not INSTR_END_RE.match(line)
            continue
        if INSTR_BEGIN_RE.match(line):
            instr = True
            continue
        if skipping is not None:
            if END_RE.match(line):
                skipping = None
            continue
        u = UNUSED_RE.match(line)
        if u:
            if int(u.group(2)) in lab_of_stub:
                out.append('%s__attribute__((unused))\n' % u.group(1))
            continue
        b = BEGIN_RE.match(line)
        if b and int(b.group(2)) in lab_of_stub:
            indent, n, stub = b.group(1), int(b.group(2)), b.group(3)
            skipping = n
            if stub and markdown:
                out.append('%s%s\n' % (indent, stub))
            elif stub:
                out.append('%s/* LAB %d: your code here (%s) */\n' % (indent, n, handouts[n]))
                out.append('%s%s\n' % (indent, stub))
            continue
        if b or END_RE.match(line):
            continue            # an earlier lab's markers: its solution stays
        out.append(line)
    return ''.join(out)


# --------------------------------------------------------------------------
# make
# --------------------------------------------------------------------------

def make(root, *args, quiet=False, capture=False):
    cmd = ['make', '--no-print-directory', '-j%d' % max(2, os.cpu_count() or 2)] + list(args)
    if capture:
        return subprocess.run(cmd, cwd=root, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    return subprocess.run(cmd, cwd=root, stdout=subprocess.DEVNULL if quiet else None)


def make_value(root, plat, target):
    r = subprocess.run(['make', '-s', '--no-print-directory', 'PLAT=' + plat, 'REF=', target],
                       cwd=root, stdout=subprocess.PIPE, text=True, check=True)
    return r.stdout.strip()


def objects_of(root, plat, sources):
    """{source: [object paths under build/<plat>/]} of each source."""
    objs = make_value(root, plat, 'labs-objs').split()
    prefix = 'build/%s/' % plat
    result = {}
    for src in sources:
        stem = '/' + os.path.splitext(src)[0] + '.o'
        result[src] = [o[len(prefix):] for o in objs
                       if o.startswith(prefix) and ('/' + o[len(prefix):]).endswith(stem)]
    return result


# --------------------------------------------------------------------------
# skel
# --------------------------------------------------------------------------

def skel(lab_arg, out, plats, root=ROOT):
    labs = load_manifest(root)
    lab = lab_by_arg(labs, lab_arg)
    n = lab['n']
    handouts = {k: l['handout'] for k, l in labs.items()}
    marked = marked_files(root)
    stubbed = {k for k in labs if k >= n}
    later = sorted(k for k in labs if k > n)
    if os.path.exists(out) and os.listdir(out):
        sys.exit('labs.py: %s exists and is not empty' % out)
    os.makedirs(out, exist_ok=True)

    # Reference objects of the later labs, from this (the solution) tree.
    ref_sources = {k: sorted(p for p, ns in marked.items() if k in ns) for k in later}
    ref_sources = {k: v for k, v in ref_sources.items() if v}
    for plat in plats if ref_sources else []:
        srcs = [s for v in ref_sources.values() for s in v]
        objmap = objects_of(root, plat, srcs)
        wanted = sorted({'build/%s/%s' % (plat, o) for v in objmap.values() for o in v})
        if make(root, 'PLAT=' + plat, 'REF=', *wanted, quiet=True).returncode != 0:
            sys.exit('labs.py: building the reference objects for %s failed' % plat)
        for k, srcs_k in ref_sources.items():
            for s in srcs_k:
                for o in objmap[s]:
                    dst = os.path.join(out, 'labs/ref', labs[k]['name'], plat, o)
                    os.makedirs(os.path.dirname(dst), exist_ok=True)
                    shutil.copy2(os.path.join(root, 'build', plat, o), dst)

    for p in tree_files(root):
        if p.startswith('labs/instructor/'):
            continue
        src, dst = os.path.join(root, p), os.path.join(out, p)
        os.makedirs(os.path.dirname(dst) or '.', exist_ok=True)
        text = read_text(src)
        if text is None or p.startswith(SKIP_PREFIXES):
            shutil.copy2(src, dst)
            continue
        new = blank(text, stubbed, handouts, markdown=p.endswith('.md'))
        if new == text:
            shutil.copy2(src, dst)      # its time too: see share_build
            continue
        with open(dst, 'w', encoding='utf-8') as f:
            f.write(new)
        shutil.copymode(src, dst)
    os.makedirs(os.path.join(out, 'labs/ref'), exist_ok=True)
    with open(os.path.join(out, 'labs/ref/default'), 'w') as f:
        f.write(','.join(labs[k]['name'] for k in sorted(ref_sources)) + '\n')
    with open(os.path.join(out, 'labs/LAB'), 'w') as f:
        f.write('%d\n' % n)
    # A git repository, so that the student's tree is like the course's.
    subprocess.run(['git', 'init', '-q'], cwd=out, check=True)
    subprocess.run(['git', 'add', '-A'], cwd=out, check=True)
    subprocess.run(['git', '-c', 'user.name=labs', '-c', 'user.email=labs@sprat',
                    'commit', '-q', '-m', 'Sprat lab %d (%s): student tree' % (n, lab['name'])],
                   cwd=out, check=True)
    print('labs: lab %d (%s) student tree in %s; reference objects for: %s'
          % (n, lab['name'], out, ', '.join(labs[k]['name'] for k in ref_sources) or 'none'))


# --------------------------------------------------------------------------
# grade
# --------------------------------------------------------------------------

def current_lab(root):
    try:
        with open(os.path.join(root, 'labs/LAB')) as f:
            return f.read().strip()
    except OSError:
        return None


def build_targets(lab):
    host, images = [], []
    for t in lab['tests']:
        if 'host' in t:
            host.append('build/host/test_%s' % t['host'])
        for key in ('qemu', 'speed'):
            if key in t:
                images.append('build/%s/images/%s.elf' % (GRADE_PLAT, t[key]))
    return host, images


def run_test(root, t, qemu_cmd, logdir):
    """(passed: bool, points earned, note)."""
    pts = t['points']
    cfgdirs = ['--cfgdir', 'labs/grade']
    if 'host' in t:
        cmd = ['python3', 'scripts/testrun.py', '--logdir', logdir,
               '--host', 'build/host/test_%s' % t['host']]
    elif 'qemu' in t:
        image = 'build/%s/images/%s.elf' % (GRADE_PLAT, t['qemu'])
        cmd = ['python3', 'scripts/testrun.py', '--logdir', logdir] + cfgdirs + [
               '--board', '%s=%s' % (GRADE_PLAT, qemu_cmd),
               '--qemu', '%s/%s=%s' % (GRADE_PLAT, t['qemu'], image)]
    else:
        return run_speed(root, t, qemu_cmd)
    r = subprocess.run(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    last = (r.stdout.strip().splitlines() or [''])[-1]
    return r.returncode == 0, pts if r.returncode == 0 else 0, last


def run_speed(root, t, qemu_cmd):
    """The speed challenge: the BENCH value in instructions (deterministic
    under -icount shift=0), full points at or below the reference, none at
    twice it or above, linear in between."""
    image = 'build/%s/images/%s.elf' % (GRADE_PLAT, t['speed'])
    try:
        r = subprocess.run(shlex.split(qemu_cmd) + [image], cwd=root, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=t.get('timeout', 60))
        text = r.stdout.decode(errors='replace')
    except subprocess.TimeoutExpired:
        return False, 0, 'timed out'
    m = re.search(r'^BENCH %s (\d+(?:\.\d)?) \S+ n=[1-9]' % re.escape(t['metric']), text, re.M)
    if not m:
        return False, 0, 'no BENCH %s line' % t['metric']
    value, ref = float(m.group(1)), float(t['reference'])
    frac = 1.0 if value <= ref else max(0.0, (2 * ref - value) / ref)
    earned = round(t['points'] * frac)
    return earned == t['points'], earned, '%s = %g instructions (reference %g)' % (
        t['metric'], value, ref)


def reference_current(t, note, tag):
    """A speed reference must be the solution's own figure (within 1%):
    one left behind by a faster kernel would hand out full marks for a
    slower path.  note is run_speed's '<metric> = V instructions ...'."""
    m = re.match(r'\S+ = (\S+) instructions', note)
    value, ref = (float(m.group(1)) if m else 0.0), float(t['reference'])
    return (m is not None and ref * 0.99 <= value <= ref,
            '%s: the speed reference %g is the solution\'s own %s (within 1%%; '
            'update labs/labs.toml)' % (tag, ref, m.group(1) if m else '(no value)'))


def grade(lab_arg, root=ROOT, quiet=False):
    """Grade the tree at root; returns (score, total, results)."""
    labs = load_manifest(root)
    lab = lab_by_arg(labs, lab_arg or current_lab(root) or sys.exit(
        'labs.py grade: which lab? make grade LAB=N'))
    host, images = build_targets(lab)
    say = (lambda *a: None) if quiet else print
    say('grade: lab %d (%s), board %s' % (lab['n'], lab['name'], GRADE_PLAT))
    built = make(root, 'PLAT=' + GRADE_PLAT, *(host + images), capture=True)
    results, score, total = [], 0, sum(t['points'] for t in lab['tests'])
    if built.returncode != 0:
        say(built.stdout[-3000:])
        say('grade: the build failed: 0/%d' % total)
        return 0, total, [(t['name'], False, 0, 'build failed') for t in lab['tests']]
    qemu_cmd = make_value(root, GRADE_PLAT, 'labs-qemu-cmd')
    logdir = os.path.join('build', 'grade-logs', lab['name'])
    for t in lab['tests']:
        ok, earned, note = run_test(root, t, qemu_cmd, logdir)
        score += earned
        results.append((t['name'], ok, earned, note))
        say('  %-40s %3d/%-3d %s  %s' % (t['name'], earned, t['points'],
                                          'PASS' if ok else 'FAIL', note))
    say('grade: logs in %s' % logdir)
    say('score: %d/%d' % (score, total))
    return score, total, results


# --------------------------------------------------------------------------
# handin
# --------------------------------------------------------------------------

def handin(lab_arg, root=ROOT):
    labs = load_manifest(root)
    lab = lab_by_arg(labs, lab_arg or current_lab(root) or sys.exit(
        'labs.py handin: which lab? make handin LAB=N'))
    user = os.environ.get('USER', 'student')
    name = 'handin-lab%d-%s-%s.tar.gz' % (lab['n'], lab['name'], user)
    # Not the course's reference objects: the grader has its own.
    files = [p for p in tree_files(root)
             if not p.startswith(('build/', 'labs/ref/')) and not p.startswith('handin-')]
    with tarfile.open(os.path.join(root, name), 'w:gz') as tar:
        for p in files:
            if p != name:
                tar.add(os.path.join(root, p), arcname='sprat-lab%d/%s' % (lab['n'], p))
    print('handin: %s (%d files); hand in this file.' % (name, len(files)))


# --------------------------------------------------------------------------
# check (CI)
# --------------------------------------------------------------------------

def share_build(root, out):
    """Start the student tree's build from the solution's objects: the
    files skel left alone keep their times, so make compiles only the
    stubbed ones (and copies the reference objects).  Copies, never links:
    the compiler rewrites an object in place."""
    for d in (os.path.join('build', GRADE_PLAT), os.path.join('build', 'host')):
        if os.path.isdir(os.path.join(root, d)):
            shutil.copytree(os.path.join(root, d), os.path.join(out, d), symlinks=True,
                            ignore=shutil.ignore_patterns('images', 'test-logs', '*.img'))


def check(lab_args, keep=False, root=ROOT):
    """For each lab: its skeleton builds with -Werror, scores below full
    marks with the lab's tests failing; the solution scores full marks.
    Prints TAP."""
    labs = load_manifest(root)
    chosen = [lab_by_arg(labs, a) for a in lab_args] if lab_args else \
        [labs[k] for k in sorted(labs)]
    speed = sum(1 for lab in chosen for t in lab['tests'] if 'speed' in t)
    print('1..%d' % (4 * len(chosen) + speed))
    i, failed = 0, 0

    def tap(ok, what):
        nonlocal i, failed
        i += 1
        failed += not ok
        print('%sok %d - %s' % ('' if ok else 'not ', i, what), flush=True)

    tmp = tempfile.mkdtemp(prefix='sprat-labs-')
    marked = marked_files(root)
    try:
        for lab in chosen:
            t0 = time.monotonic()
            tag = 'lab %d (%s)' % (lab['n'], lab['name'])
            out = os.path.join(tmp, lab['name'])
            with open(os.devnull, 'w') as null:
                old = sys.stdout
                sys.stdout = null
                try:
                    skel(str(lab['n']), out, [GRADE_PLAT], root)
                finally:
                    sys.stdout = old
            times = [('skel', time.monotonic() - t0)]
            share_build(root, out)
            b = make(out, 'PLAT=' + GRADE_PLAT, 'labs-build', capture=True)
            times.append(('build', time.monotonic() - t0 - sum(t for _, t in times)))
            tap(b.returncode == 0, '%s: the student tree builds with -Werror' % tag)
            if b.returncode != 0:
                print('# ' + '\n# '.join(b.stdout.strip().splitlines()[-15:]))
                tap(False, '%s: the student tree fails the grader (not built)' % tag)
                tap(False, '%s: the solution put back (not built)' % tag)
            else:
                s, tot, res = grade(str(lab['n']), out, quiet=True)
                times.append(('grade', time.monotonic() - t0 - sum(t for _, t in times)))
                fails = [r[0] for r in res if not r[1]]
                tap(s < tot and fails, '%s: the student tree fails the grader: %d/%d, '
                    'failing %s' % (tag, s, tot, ', '.join(fails) or 'nothing'))
                # The lab's solution put back: the later labs come from
                # the reference objects, and it must get full marks.
                for p, ns in marked.items():
                    if lab['n'] in ns:
                        shutil.copy(os.path.join(root, p), os.path.join(out, p))
                s, tot, res = grade(str(lab['n']), out, quiet=True)
                times.append(('put back', time.monotonic() - t0 - sum(t for _, t in times)))
                tap(s == tot, '%s: the student tree with the solution of this lab put back '
                    '(later labs from reference objects) scores %d/%d' % (tag, s, tot))
                if s != tot:
                    for r in res:
                        print('#   %s: %s %s' % (r[0], 'PASS' if r[1] else 'FAIL', r[3]))
            s, tot, res = grade(str(lab['n']), root, quiet=True)
            times.append(('solution', time.monotonic() - t0 - sum(t for _, t in times)))
            tap(s == tot, '%s: the solution scores %d/%d' % (tag, s, tot))
            for t, r in zip(lab['tests'], res):
                if 'speed' in t:
                    tap(*reference_current(t, r[3], tag))
            print('# %s: %s' % (tag, ', '.join('%s %.1f s' % t for t in times)))
            if s != tot:
                for r in res:
                    print('#   %s: %s %s' % (r[0], 'PASS' if r[1] else 'FAIL', r[3]))
            if not keep:
                shutil.rmtree(out, ignore_errors=True)
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('skel')
    p.add_argument('--lab', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--plats', default='vexpress-a9,virt,pandaboard')
    p = sub.add_parser('grade')
    p.add_argument('--lab')
    p = sub.add_parser('handin')
    p.add_argument('--lab')
    p = sub.add_parser('check')
    p.add_argument('--labs', default='')
    p.add_argument('--keep', action='store_true')
    sub.add_parser('markers')
    args = ap.parse_args()
    os.chdir(ROOT)
    if args.cmd == 'skel':
        skel(args.lab, os.path.abspath(args.out), args.plats.split(','))
    elif args.cmd == 'grade':
        s, tot, _ = grade(args.lab)
        return 0 if s == tot else 1
    elif args.cmd == 'handin':
        handin(args.lab)
    elif args.cmd == 'check':
        return check([a for a in args.labs.split(',') if a], args.keep)
    elif args.cmd == 'markers':
        for p, ns in sorted(marked_files(ROOT).items()):
            print('%s: lab %s' % (p, ', '.join(map(str, sorted(ns)))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
