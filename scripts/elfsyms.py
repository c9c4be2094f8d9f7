"""scripts/elfsyms.py -- function symbols of ELF files, for trace.py and
profile.py: which function an address is in."""
import bisect
import subprocess

KERNEL_BASE = 0x80000000      # kernel addresses; user ones are below


class Symbols:
    def __init__(self, paths):
        """The function symbols of every ELF file in paths (arm-none-eabi-nm)."""
        syms = []
        for path in paths:
            out = subprocess.run(['arm-none-eabi-nm', '-n', path], check=True,
                                 stdout=subprocess.PIPE).stdout.decode()
            for line in out.splitlines():
                parts = line.split()
                if len(parts) == 3 and parts[1] in 'tTwW' and not parts[2].startswith('$'):
                    syms.append((int(parts[0], 16), parts[2]))
        syms.sort()
        self.syms = syms
        self.addrs = [a for a, _ in syms]

    def name_of(self, pc):
        i = bisect.bisect_right(self.addrs, pc) - 1
        return self.syms[i][1] if i >= 0 else '?'

    def address_of(self, name):
        for addr, n in self.syms:
            if n == name:
                return addr
        return None
