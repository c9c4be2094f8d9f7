# Board configuration: QEMU's generic ARM board, `-M virt`, with a
# Cortex-A15 (ARMv7-A with the Generic Timer and a working PMU cycle
# counter).  Memory map from the device tree QEMU generates for it
# (`qemu-system-arm -M virt,dumpdtb=virt.dtb`; QEMU 7.2 hw/arm/virt.c):
# RAM at 0x40000000, GICv2, PL011.
#
# This board also proves the U-Boot boot path in emulation:
# `make PLAT=virt qemu-uboot` (docs/hardware.md).

PLAT_RAM_BASE  := 0x40000000
PLAT_RAM_SIZE  := 0x20000000
# Where the kernel is loaded, clear of everything the boot loaders put at
# the bottom of RAM: QEMU's device tree at 0x40000000 (1 MiB), and U-Boot's
# script and kernel buffers (scriptaddr 0x40200000, kernel_addr_r
# 0x40400000, from U-Boot's include/configs/qemu-arm.h).  bootm refuses a
# load address that overlaps the image it copies from, so the uImage may
# grow to 12 MiB before the two meet.
PLAT_KERNEL_PA := 0x41000000

PLAT_SRCS := kernel/plat/common.c kernel/plat/virt/platform.c kernel/plat/park.S \
             kernel/dev/pl011.c kernel/dev/gicv2.c kernel/dev/generic_timer.c

QEMU         := qemu-system-arm
# (-nic none: QEMU would otherwise add a virtio network card whose boot ROM
# Debian ships in another package; nothing here uses a network.)
# Two cores (docs/multikernel.md); the second starts powered off, PSCI
# CPU_ON starts it.
QEMU_MACHINE := -M virt -cpu cortex-a15 -smp 2 -m 512M -nic none
# The same board starting the kernel in Hyp mode, as U-Boot does where it
# prepares for a hypervisor: `make test` boots ktest this way too, to prove
# that boot.S leaves Hyp mode.
QEMU_MACHINE_HYP := -M virt,virtualization=on -cpu cortex-a15 -m 512M -nic none

# U-Boot: `make uimage`, `make sdcard` (a disk image with the SD card's
# layout, minus the PandaBoard's boot loader files) and `make qemu-uboot`,
# which boots it with Debian's U-Boot for this board (package u-boot-qemu)
# as the firmware.
UBOOT_BOARD := yes
UBOOT_QEMU_BIOS := /usr/lib/u-boot/qemu_arm/u-boot.bin
