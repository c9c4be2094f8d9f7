# Board configuration: ARM Versatile Express with a CoreTile A9x4, as QEMU
# models it (`-M vexpress-a9`).  QEMU's model uses the "legacy" motherboard
# memory map: RAM at 0x60000000, motherboard peripherals at 0x10000000 and the
# Cortex-A9 MPCore private peripherals (SCU, GIC, timers) at 0x1e000000.

PLAT_RAM_BASE  := 0x60000000
PLAT_RAM_SIZE  := 0x20000000
# QEMU loads an ELF at its physical (LMA) addresses; keep the first 64 KiB of
# RAM free as QEMU does for raw images.
PLAT_KERNEL_PA := 0x60010000

PLAT_SRCS := kernel/plat/common.c kernel/plat/vexpress-a9/platform.c \
             kernel/plat/vexpress-a9/pen.S \
             kernel/dev/pl011.c kernel/dev/gicv2.c kernel/dev/a9_timer.c \
             kernel/dev/a9_mpcore.c

QEMU         := qemu-system-arm
# (-audiodev none: the board has a PL041 sound chip; without a silent audio
# backend QEMU complains about the host having no sound card.)
# Two cores (docs/multikernel.md): QEMU's CoreTile has up to four.
QEMU_MACHINE := -M vexpress-a9 -cpu cortex-a9 -smp 2 -m 512M \
                -audiodev none,id=snd0 -global pl041.audiodev=snd0
# The same board with the Security Extensions' Secure world modelled: a
# shim (tests/qemu/ns_shim) starts the kernel Non-secure, as the
# PandaBoard's U-Boot does.  `make test` runs ktest and usertest that way.
QEMU_MACHINE_NS := -M vexpress-a9,secure=on -cpu cortex-a9 -m 512M \
                -audiodev none,id=snd0 -global pl041.audiodev=snd0
NS_SHIM_LOAD := 0x7ff00000
