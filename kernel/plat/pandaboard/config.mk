# Board configuration: PandaBoard ES (TI OMAP4460, dual Cortex-A9, 1 GiB of
# LPDDR2 at 0x80000000), booted by U-Boot.  Board support is minimal until
# the real-hardware issue completes it (see docs/hardware.md when it lands).

PLAT_RAM_BASE  := 0x80000000
PLAT_RAM_SIZE  := 0x40000000
# U-Boot's conventional kernel load address on OMAP4 (its loadaddr).
PLAT_KERNEL_PA := 0x80008000

PLAT_SRCS := kernel/plat/pandaboard/platform.c \
             kernel/dev/ns16550.c kernel/dev/gicv2.c kernel/dev/a9_timer.c

# There is no QEMU model of the OMAP4; `make qemu` is for the QEMU boards.
QEMU         := false
QEMU_MACHINE :=
