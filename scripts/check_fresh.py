#!/usr/bin/env python3
"""scripts/check_fresh.py -- the README's first commands, from nothing.

A newcomer clones the repository and types `make qemu`.  A tree where
`make test` already ran has every image built, so it hides a target that
forgets to build what it boots (that is how `make qemu` once broke
unnoticed).  This check makes the newcomer's tree itself: a fresh clone of
the repository in a temporary folder, with the working tree's uncommitted
changes copied over and an empty build/, then types the README's commands
at a terminal (a pseudo-terminal, so QEMU's -nographic console behaves as
it does for a person):

  1. `make qemu` builds from nothing and reaches `sprat> `; a command typed
     at the prompt answers; Ctrl-A x ends QEMU.
  2. After an edit to a boot list, a user program, libsys, a kernel file,
     one service's interface (only its programs) or one libsys uses,
     `make kernel` rebuilds what the edit affects
     and nothing it does not (read from `make --trace`), and `make qemu`
     boots the new image.
  3. `make debug` (a second fresh clone) halts QEMU with a gdb stub;
     `make gdb` attaches, stops at kernel_main and continues to the banner.

Prints TAP (run by `make test` through scripts/testrun.py --check).
Only the Python 3 standard library is used.

    check_fresh.py [--repo DIR] [--keep]
"""
import argparse
import os
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

BUILD_SECONDS = 600     # one build from nothing, -j1, on a slow machine
BOOT_SECONDS = 60

PROMPT = re.compile(rb'sprat> ')
ANSI = re.compile(rb'\x1b\[[0-9;?]*[A-Za-z]')
BANNER = re.compile(rb'Sprat \S+ -- a capability microkernel for ARMv7')


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def result(self, ok, name, detail=''):
        self.n += 1
        self.failed += not ok
        print('%s %d - %s' % ('ok' if ok else 'not ok', self.n, name))
        for line in detail.splitlines()[-25:] if (detail and not ok) else []:
            print('#   ' + line)
        sys.stdout.flush()
        return ok


def newcomer_env():
    """The environment of a person at a shell: no make of ours around it."""
    env = dict(os.environ)
    for var in ('MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'MAKEOVERRIDES',
                'MAKE_TERMOUT', 'MAKE_TERMERR', 'PLAT', 'V', 'TESTS'):
        env.pop(var, None)
    env['TERM'] = 'xterm'
    return env


def git(repo, *args):
    return subprocess.run(['git', '-C', repo] + list(args), check=True,
                          stdout=subprocess.PIPE, text=True).stdout


def fresh_copy(repo, dest):
    """A clone of repo at dest plus the work tree's uncommitted changes,
    staged or not (renames as a deletion and an addition): what a
    newcomer would have if those changes were committed."""
    subprocess.run(['git', 'clone', '-q', '--shared', repo, dest], check=True)
    changed = git(repo, 'diff', '-z', '--name-only', '--no-renames', 'HEAD').split('\0') + \
        git(repo, 'ls-files', '-z', '-o', '--exclude-standard').split('\0')
    for path in filter(None, changed):
        source, target = os.path.join(repo, path), os.path.join(dest, path)
        if os.path.lexists(source):
            os.makedirs(os.path.dirname(target) or dest, exist_ok=True)
            shutil.copy2(source, target)
        elif os.path.lexists(target):
            os.remove(target)
    assert not os.path.exists(os.path.join(dest, 'build'))


class Terminal:
    """A command on a pseudo-terminal: type at it, wait for its output."""

    def __init__(self, cmd, cwd, logpath):
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=newcomer_env(),
                                     stdin=slave, stdout=slave, stderr=slave,
                                     start_new_session=True)
        os.close(slave)
        self.raw = b''
        self.out = b''          # raw without colour and terminal-mode codes
        self.mark = 0           # wait() looks at output after this offset
        self.log = open(logpath, 'wb')

    def wait(self, regex, seconds):
        """Wait for regex in the output since the last match; True if seen."""
        deadline = time.monotonic() + seconds
        while True:
            m = regex.search(self.out, self.mark)
            if m:
                self.mark = m.end()
                return True
            left = deadline - time.monotonic()
            if left <= 0 or not self._read(min(left, 0.5)):
                if self.proc.poll() is not None and not self._read(0):
                    return bool(regex.search(self.out, self.mark))
                if left <= 0:
                    return False

    def _read(self, seconds):
        ready, _, _ = select.select([self.master], [], [], seconds)
        if not ready:
            return True         # nothing yet, still alive as far as we know
        try:
            chunk = os.read(self.master, 65536)
        except OSError:
            return False        # the other side closed
        if not chunk:
            return False
        self.raw += chunk
        self.out = ANSI.sub(b'', self.raw)
        self.log.write(chunk)
        self.log.flush()
        return True

    def type(self, data):
        os.write(self.master, data)

    def exited(self, seconds):
        """Wait for the command to end; its exit status, or None."""
        deadline = time.monotonic() + seconds
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._read(0.2)
        return self.proc.poll()

    def tail(self):
        return self.out.decode('utf-8', 'replace').replace('\r', '')

    def close(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        os.close(self.master)
        self.log.close()


def boot_and_type(tap, tree, logdir, label, command, answer, at_boot=None):
    """`make qemu` in tree: see at_boot (if given) and the prompt, type
    command, see answer, quit with Ctrl-A x."""
    term = Terminal(['make', 'qemu'], tree, os.path.join(logdir, label.replace(' ', '-') + '.log'))
    try:
        if at_boot and not tap.result(
                term.wait(re.compile(re.escape(at_boot.encode())), BUILD_SECONDS + BOOT_SECONDS),
                '%s: `make qemu` boots the new image ("%s")' % (label, at_boot), term.tail()):
            return False
        ok = tap.result(term.wait(PROMPT, BUILD_SECONDS + BOOT_SECONDS),
                        '%s: `make qemu` reaches the prompt' % label, term.tail())
        if not ok:
            return False
        term.type(command.encode() + b'\r')
        ok = tap.result(term.wait(re.compile(re.escape(answer.encode())), BOOT_SECONDS),
                        '%s: typed `%s`, saw "%s"' % (label, command, answer), term.tail())
        term.type(b'\x01x')                         # Ctrl-A x: QEMU quits
        rc = term.exited(30)
        tap.result(rc == 0, '%s: Ctrl-A x ends QEMU and make (status %s)' % (label, rc),
                   term.tail())
        return ok
    finally:
        term.close()


def make_trace(tree, logdir, label):
    """Run `make --trace kernel`; the set of targets it remade."""
    proc = subprocess.run(['make', '--trace', 'kernel'], cwd=tree, env=newcomer_env(),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=BUILD_SECONDS)
    text = proc.stdout.decode('utf-8', 'replace')
    with open(os.path.join(logdir, label + '.log'), 'w') as f:
        f.write(text)
    remade = set(re.findall(r"update target '([^']+)'", text))
    return proc.returncode, remade, text


# Edits a newcomer makes, and what each must and must not rebuild.
# (path, how to edit it, patterns one of which each remade target list
#  must contain, patterns no remade target may match)
EDITS = [
    ('boot/default.bootlist', 'bootlist',
     ['build/vexpress-a9/images/sprat.bootfs', 'build/vexpress-a9/images/sprat.elf'],
     [r'\.o$(?<!bootfs\.o)']),
    ('user/apps/hello/main.c', 'comment',
     ['build/vexpress-a9/user/apps/hello/main.o', 'build/vexpress-a9/user/hello.elf',
      'build/vexpress-a9/images/sprat.elf'],
     [r'/release/', r'/libsys/', r'/user/(?!apps/hello/)\w+/\w+/', r'/tests/']),
    ('libsys/stdio.c', 'comment',
     ['build/vexpress-a9/libsys/stdio.o', 'build/vexpress-a9/libsys/libsys.a', 'build/vexpress-a9/user/init.elf',
      'build/vexpress-a9/images/sprat.elf'],
     [r'/release/', r'(user|tests)/\w+/.*\.o$']),
    ('kernel/lmp.c', 'comment',
     ['build/vexpress-a9/release/kernel/lmp.o', 'build/vexpress-a9/images/sprat.elf'],
     [r'/user/', r'/libsys/', r'release/kernel/(?!lmp\.o)']),
    # One service's interface (docs/rpc.md, section 2): its own programs
    # (the server dice, the client roll) and nothing else.
    ('user/apps/dice/dice.idl', 'comment',
     ['build/vexpress-a9/gen/if/dice.h', 'build/vexpress-a9/user/apps/dice/main.o',
      'build/vexpress-a9/user/apps/roll/main.o', 'build/vexpress-a9/user/dice.elf',
      'build/vexpress-a9/user/roll.elf', 'build/vexpress-a9/images/sprat.elf'],
     [r'/release/', r'/libsys/', r'/gen/if/(?!dice\.)', r'/user/(?!apps/(dice|roll)/)\w+/\w+/',
      r'/user/(?!(dice|roll)\.elf)\w+\.elf$', r'/tests/']),
    # An interface libsys uses: libsys and every program are relinked, but
    # only the files that include <if/memserv.h> are compiled again.
    ('libsys/if/memserv.idl', 'comment',
     ['build/vexpress-a9/gen/if/memserv.h', 'build/vexpress-a9/user/sys/memserv/main.o',
      'build/vexpress-a9/libsys/rpc_client.o', 'build/vexpress-a9/libsys/libsys.a',
      'build/vexpress-a9/images/sprat.elf'],
     [r'/release/', r'/gen/if/(?!memserv\.)', r'/user/apps/(?!memeater/)\w+/.*\.o$',
      r'/user/sys/(shell|serial)/.*\.o$', r'/libsys/(?!rpc_client\.o|libsys\.a)']),
]


def edit(tree, path, how):
    with open(os.path.join(tree, path), 'a') as f:
        if how == 'bootlist':
            f.write('hello edited by check_fresh\n')
        elif path.endswith('.idl'):
            f.write('# edited by check_fresh\n')
        else:
            f.write('/* edited by check_fresh */\n')


def check_rebuilds(tap, tree, logdir):
    for path, how, must, must_not in EDITS:
        time.sleep(1.1)         # a new mtime even on coarse file systems
        edit(tree, path, how)
        rc, remade, text = make_trace(tree, logdir, 'rebuild-' + path.replace('/', '_'))
        missing = [t for t in must if t not in remade]
        extra = sorted(t for t in remade for p in must_not if re.search(p, t))
        detail = 'missing: %s\nrebuilt but should not: %s\n%s' % (missing, extra, text)
        tap.result(rc == 0 and not missing and not extra,
                   'after editing %s, `make kernel` rebuilds what it affects, '
                   'nothing else' % path, detail)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def check_debug(tap, tree, logdir):
    """`make debug` halts QEMU; `make gdb` attaches, breaks, continues."""
    port = str(free_port())
    qemu = Terminal(['make', 'debug', 'GDB_PORT=' + port], tree,
                    os.path.join(logdir, 'debug-qemu.log'))
    gdb = None
    try:
        ok = tap.result(qemu.wait(re.compile(rb'QEMU is halted'), BUILD_SECONDS),
                        'fresh clone: `make debug` builds and halts QEMU', qemu.tail())
        if not ok:
            return
        # The stub listens once QEMU has started; give it a moment.
        qemu.wait(re.compile(rb'-S\b'), 10)
        time.sleep(1)
        gdb = Terminal(['make', 'gdb', 'GDB_PORT=' + port], tree,
                       os.path.join(logdir, 'debug-gdb.log'))
        ok = tap.result(gdb.wait(re.compile(rb'Connected\.'), 120),
                        '`make gdb` connects to the halted QEMU', gdb.tail())
        if not ok:
            return
        gdb.type(b'break kernel_main\n')
        gdb.wait(re.compile(rb'Breakpoint 1 at'), 30)
        gdb.type(b'continue\n')
        tap.result(gdb.wait(re.compile(rb'Breakpoint 1, kernel_main'), 60),
                   'gdb stops at kernel_main', gdb.tail())
        gdb.type(b'continue\n')
        tap.result(qemu.wait(BANNER, 60),
                   'gdb continues and the kernel prints its banner', qemu.tail())
    finally:
        if gdb:
            gdb.close()
        qemu.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--repo', default=os.getcwd())
    ap.add_argument('--logdir', default='build/test-logs/fresh')
    ap.add_argument('--keep', action='store_true', help='keep the temporary clones')
    args = ap.parse_args()
    repo = os.path.abspath(args.repo)
    logdir = os.path.abspath(args.logdir)
    os.makedirs(logdir, exist_ok=True)
    tap = Tap()
    print('1..17')
    tmp = tempfile.mkdtemp(prefix='sprat-fresh-')
    try:
        tree = os.path.join(tmp, 'qemu')
        fresh_copy(repo, tree)
        if boot_and_type(tap, tree, logdir, 'fresh clone', 'run hello a newcomer',
                         'hello from hello: a newcomer'):
            check_rebuilds(tap, tree, logdir)
            boot_and_type(tap, tree, logdir, 'after the edits', 'run hello again',
                          'hello from hello: again',
                          at_boot='hello from hello: edited by check_fresh')
        debug_tree = os.path.join(tmp, 'debug')
        fresh_copy(repo, debug_tree)
        check_debug(tap, debug_tree, logdir)
    finally:
        if args.keep:
            print('# kept ' + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if tap.failed else 0


if __name__ == '__main__':
    sys.exit(main())
