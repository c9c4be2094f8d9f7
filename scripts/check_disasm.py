#!/usr/bin/env python3
"""scripts/check_disasm.py -- check the kernel's machine code for the
address-space switch and the exclusive monitor (docs/dispatch.md,
sections 4 and 6).

    check_disasm.py [--objdump PROG] KERNEL.elf...

Reads each image with `objdump -d` and prints TAP (scripts/testrun.py runs
it in `make test`, over the release, test and testslow kernels).  What
QEMU cannot show -- it neither tags its TLB with ASIDs nor walks tables
speculatively -- is checked in the code itself:

  switch   every write of CONTEXTIDR sits in the safe sequence of ARM ARM
           B3.10.4 that kernel/arch/armv7/asid.c uses, with nothing else
           in between:
               mrc TTBR1 -> rN; mcr rN -> TTBR0; isb     (no user entries)
               dsb; mcr -> CONTEXTIDR; isb                (erratum 754322)
           and every write of TTBR0 is either that first one or the one
           right after it: mcr -> TTBR0; isb.  (Boot code, which runs
           before any ASID is used, is exempt: see EXEMPT.)  The LMP fast
           path (block 10) takes TTBR1's value from the DCB instead, where
           dispatch_setup put it: there rN must come, on every path back,
           from an ldm from lr (the DCB) that loads it as word 6,
           kernel_ttbr (the order asm_offsets.c asserts); see TTBR_FROM_DCB.
  clrex    every instruction that returns to user mode (movs pc, lr;
           subs pc, lr; rfe; ldm {..pc}^) is reached only through a clrex,
           on every path of the control flow graph back from it -- unless
           it is one of the returns that never follow a switch (EXEMPT).

The control flow graph is built from the disassembly: fall-through,
direct branches, calls (which return), and for a computed jump
(add pc, ...) every later instruction of the same symbol.
"""
import argparse
import re
import subprocess
import sys

# Returns to user mode (or the boot's leaving of Hyp mode) that never
# follow a switch of dispatcher, by the symbol they are in.
# (The boot code's symbol is _start or, where the linker script puts one at
# the same address, __kernel_start.)
EXEMPT_RETURNS = {
    '_start': 'boot: leaves Hyp mode, no user context yet',
    '__kernel_start': 'boot: leaves Hyp mode, no user context yet',
    '_start_secondary': 'a secondary core\'s boot: leaves Hyp mode, no user context yet',
    'svc_entry': 'the null system call returns to its caller at once',
    'null_call': 'the fast path answers the null system call: no switch',
    'to_sender': 'the LMP fast path returns to the sender: no switch',
    'delete_return': 'the fast path\'s delete returns to its caller: no switch',
}
# TTBR0 writes outside the safe sequence, by symbol.
EXEMPT_TTBR0 = {
    '_start': 'boot, MMU off: boot_l1 with ASID 0, before any domain',
    '__kernel_start': 'boot, MMU off: boot_l1 with ASID 0, before any domain',
    '_start_secondary': 'a secondary core\'s boot, MMU off: ASID 0, before any domain',
}

# Where the first TTBR0 write of the sequence may take the kernel's table
# from the DCB rather than from an mrc of TTBR1, by symbol: the word of
# struct dcb the ldm must load it from (kernel_ttbr: asm_offsets.c asserts
# it is the DCB's word 6).
TTBR_FROM_DCB = {
    'asid_ok': 6,
}

CONTEXTIDR = ('cr13', 'cr0', '{1}')
TTBR0 = ('cr2', 'cr0', '{0}')
TTBR1 = ('cr2', 'cr0', '{1}')
COND = r'(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)?'

LINE = re.compile(r'^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$')
SYMBOL = re.compile(r'^([0-9a-f]+) <([^>]+)>:$')
TARGET = re.compile(r'^([0-9a-f]+) <')


class Insn:
    def __init__(self, addr, mnem, ops, sym):
        self.addr, self.mnem, self.ops, self.sym = addr, mnem, ops, sym
        self.succ, self.pred = [], []

    def __str__(self):
        return '%08x <%s>: %s %s' % (self.addr, self.sym, self.mnem, self.ops)


def disassemble(objdump, path):
    out = subprocess.run([objdump, '-d', '--no-show-raw-insn', path], check=True,
                         capture_output=True, text=True).stdout
    insns, sym = [], '?'
    for line in out.splitlines():
        m = SYMBOL.match(line)
        if m:
            sym = m.group(2)
            continue
        m = LINE.match(line)
        if m:
            ops = m.group(3).split(';')[0].strip()
            insns.append(Insn(int(m.group(1), 16), m.group(2), ops, sym))
    return insns


def cp15(insn, direction, reg):
    """The register an mcr (direction 'mcr') or mrc moves for reg, else None."""
    if insn.mnem != direction:
        return None
    parts = [p.strip() for p in insn.ops.split(',')]
    if len(parts) == 6 and parts[0] == '15' and parts[1] == '0' and tuple(parts[3:]) == reg:
        return parts[2]
    return None


def is_return_to_user(i):
    if re.match(r'^movs' + COND + '$', i.mnem) and i.ops.startswith('pc,'):
        return True
    if re.match(r'^subs' + COND + '$', i.mnem) and i.ops.startswith('pc,'):
        return True
    if i.mnem.startswith('rfe') or i.mnem == 'eret':
        return True
    return i.mnem.startswith('ldm') and 'pc}' in i.ops and i.ops.endswith('^')


RETURNING = re.compile(r'^(bx|movs|subs|eret|pop|rfe(ia|ib|da|db)?|'
                       r'ldm(ia|ib|da|db|fd|fa|ed|ea)?)' + COND + '$')


def has_condition(mnem):
    m = RETURNING.match(mnem)
    return m is not None and m.group(4) not in (None, 'al')


def conditional(mnem, base):
    m = re.match('^' + base + COND + r'(\.[nw])?$', mnem)
    return m is not None and m.group(1) not in (None, 'al')


def build_cfg(insns):
    at = {i.addr: n for n, i in enumerate(insns)}
    for n, i in enumerate(insns):
        nxt = [n + 1] if n + 1 < len(insns) else []
        target = TARGET.match(i.ops)
        if i.mnem.startswith('.') or i.mnem == 'udf':
            succ = []                                   # data, or a trap
        elif re.match(r'^b' + COND + r'(\.[nw])?$', i.mnem) and target:
            t = [at[int(target.group(1), 16)]] if int(target.group(1), 16) in at else []
            succ = t + (nxt if conditional(i.mnem, 'b') else [])
        elif re.match(r'^blx?' + COND + '$', i.mnem):
            succ = nxt                                  # the call returns
        elif re.match(r'^bx' + COND + '$', i.mnem) or is_return_to_user(i) or \
                (i.mnem.startswith(('pop', 'ldm')) and 'pc' in i.ops):
            succ = nxt if has_condition(i.mnem) else []  # a return
        elif re.match(r'^(add|mov|ldr)' + COND + '$', i.mnem) and i.ops.startswith('pc,'):
            # A computed jump: anywhere later in the same symbol.
            succ = [k for k in range(n + 1, len(insns)) if insns[k].sym == i.sym]
        else:
            succ = nxt
        i.succ = succ
        for s in succ:
            insns[s].pred.append(n)


# Register-only data processing: may sit between the steps of the sequence
# (the compiler puts a constant in a register there); no memory access,
# no branch, no coprocessor operation.
NEUTRAL = re.compile(r'^(mov|movw|movt|mvn|add|sub|orr|and|bic|eor|uxtb|lsl|lsr)$')


def step(insns, n, direction):
    """The next instruction from n in direction (+1/-1) that is not
    NEUTRAL (and does not write pc), and the registers those wrote."""
    written = set()
    n += direction
    while 0 <= n < len(insns) and NEUTRAL.match(insns[n].mnem) and \
            not insns[n].ops.startswith('pc'):
        written.add(insns[n].ops.split(',')[0])
        n += direction
    return (n if 0 <= n < len(insns) else None), written


def reg_list(ops):
    """The registers of an ldm/stm list, in order, expanding ranges."""
    m = re.search(r'\{([^}]*)\}', ops)
    if not m:
        return []
    names = {'sl': 'r10', 'fp': 'r11', 'ip': 'r12'}
    out = []
    for part in m.group(1).split(','):
        part = names.get(part.strip(), part.strip())
        out.append(part)
    return out


CLOBBERED_BY_CALL = {'r0', 'r1', 'r2', 'r3', 'r12', 'lr'}     # AAPCS


def writes(i, reg):
    """Whether instruction i may write register reg."""
    names = {'r10': 'sl', 'r11': 'fp', 'r12': 'ip'}
    alias = {reg, names.get(reg, reg)}
    ops = [p.strip() for p in i.ops.split(',')]
    if re.match(r'^bl' + COND + '$', i.mnem) or re.match(r'^blx' + COND + '$', i.mnem):
        return reg in CLOBBERED_BY_CALL
    if i.mnem.startswith(('ldm', 'pop')):
        return reg in reg_list(i.ops) or (i.ops.split(',')[0].rstrip('!') in alias
                                          and '!' in i.ops.split(',')[0])
    if re.match(r'^(str|stm|push|cmp|cmn|tst|teq|b|bx|mcr|dsb|isb|dmb|clrex|nop|msr|srs|rfe)',
                i.mnem):
        return '!' in i.ops and any(a in i.ops.split('[')[-1] for a in alias)
    if i.mnem.startswith('mrc'):
        return len(ops) > 2 and ops[2] in alias
    return bool(ops) and ops[0] in alias or ('!' in i.ops or '], ' in i.ops) and \
        any('[' + a in i.ops for a in alias)


def from_dcb(insns, first, reg, word):
    """Whether, on every path back from instruction first, the last write
    of reg is an ldm from lr that loads it as the given word."""
    seen, todo, ok = set(), list(insns[first].pred), True
    if not todo:
        return False
    while todo and ok:
        k = todo.pop()
        if k in seen:
            continue
        seen.add(k)
        i = insns[k]
        if writes(i, reg):
            regs = reg_list(i.ops)
            ok = (i.mnem in ('ldm', 'ldmia') and i.ops.startswith('lr,') and
                  word < len(regs) and regs[word] == reg)
            continue
        if not i.pred:
            ok = False
        todo.extend(i.pred)
    return ok


def safe_sequence(insns, n):
    """If the CONTEXTIDR write at n is in the safe sequence, the index of
    its first TTBR0 write (the kernel's table) and of the second (the new
    table, or None); else None."""
    k, _ = step(insns, n, -1)
    if k is None or insns[k].mnem != 'dsb':
        return None
    k, _ = step(insns, k, -1)
    if k is None or insns[k].mnem != 'isb':
        return None
    k, _ = step(insns, k, -1)
    reg = cp15(insns[k], 'mcr', TTBR0) if k is not None else None
    first = k
    k, written = step(insns, k, -1) if reg else (None, set())
    if reg and insns[first].sym in TTBR_FROM_DCB:
        if not from_dcb(insns, first, reg, TTBR_FROM_DCB[insns[first].sym]):
            return None
    elif k is None or cp15(insns[k], 'mrc', TTBR1) != reg or reg in written:
        return None
    k, _ = step(insns, n, +1)
    if k is None or insns[k].mnem != 'isb':
        return None
    k, _ = step(insns, k, +1)
    if k is None or cp15(insns[k], 'mcr', TTBR0) is None:
        return first, None
    j, _ = step(insns, k, +1)
    return first, (k if j is not None and insns[j].mnem == 'isb' else None)


def check_switch(insns, say):
    """Every CONTEXTIDR and TTBR0 write in the safe sequence."""
    ok, seqs, allowed_ttbr0 = True, 0, set()
    for n, i in enumerate(insns):
        if cp15(i, 'mcr', CONTEXTIDR) is None or i.sym in EXEMPT_TTBR0:
            continue
        found = safe_sequence(insns, n)
        if found is None:
            ok = False
            say('# CONTEXTIDR written outside the safe sequence (TTBR0 = TTBR1, '
                'isb, dsb, write, isb): %s' % i)
            continue
        seqs += 1
        allowed_ttbr0.update(k for k in found if k is not None)
    for n, i in enumerate(insns):
        if cp15(i, 'mcr', TTBR0) is not None and n not in allowed_ttbr0 \
                and i.sym not in EXEMPT_TTBR0:
            ok = False
            say('# TTBR0 written outside the safe sequence: %s' % i)
    if seqs == 0:
        ok = False
        say('# no address-space switch found at all')
    return ok, seqs


def check_clrex(insns, say):
    """Every return to user mode only through a clrex."""
    ok, checked = True, 0
    for n, i in enumerate(insns):
        if not is_return_to_user(i) or i.sym in EXEMPT_RETURNS:
            continue
        checked += 1
        seen, todo = set(), list(i.pred)
        while todo:
            k = todo.pop()
            if k in seen:
                continue
            seen.add(k)
            if insns[k].mnem == 'clrex':
                continue
            if not insns[k].pred:
                ok = False
                say('# %s is reached from %s without a clrex' % (i, insns[k]))
                break
            todo.extend(insns[k].pred)
    if checked == 0:
        ok = False
        say('# no return to user mode found at all')
    return ok, checked


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--objdump', default='arm-none-eabi-objdump')
    ap.add_argument('images', nargs='+')
    args = ap.parse_args()
    print('1..%d' % (2 * len(args.images)))
    failed, n = 0, 0
    for path in args.images:
        insns = disassemble(args.objdump, path)
        build_cfg(insns)
        for name, check in (('switch', check_switch), ('clrex', check_clrex)):
            n += 1
            lines = []
            good, count = check(insns, lines.append)
            what = ('%d address-space switches in the safe sequence of ARM ARM '
                    'B3.10.4, every TTBR0 write in one' % count if name == 'switch' else
                    '%d returns to user mode, each only through a clrex' % count)
            print('%s %d - %s: %s' % ('ok' if good else 'not ok', n, path, what))
            for line in lines:
                print(line)
            failed += not good
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
