# Board configuration: PandaBoard ES (TI OMAP4460, dual Cortex-A9, 1 GiB of
# LPDDR2 at 0x80000000), booted by U-Boot from an SD card.  See
# docs/hardware.md for the memory map, the boot flow and what has been
# verified where.

PLAT_RAM_BASE  := 0x80000000
PLAT_RAM_SIZE  := 0x40000000
# 32 KiB into RAM, where ARM Linux kernels traditionally run; below it,
# at 0x80000100, is where U-Boot would put ATAGs.  U-Boot loads the uImage
# at kernel_addr_r (0x82000000) and bootm copies the kernel down here.
PLAT_KERNEL_PA := 0x80008000

PLAT_SRCS := kernel/plat/common.c kernel/plat/pandaboard/platform.c \
             kernel/plat/pandaboard/smc.S kernel/plat/park.S \
             kernel/dev/ns16550.c kernel/dev/gicv2.c kernel/dev/a9_timer.c \
             kernel/dev/a9_mpcore.c

# There is no QEMU model of the OMAP4; `make qemu` is for the QEMU boards.
QEMU         := false
QEMU_MACHINE :=

# U-Boot: `make uimage`, `make sdcard`.  The first two stages of the boot
# loader come from Debian's u-boot-omap package (built for armhf, so
# scripts/deps.sh enables that architecture to install it); give your own
# with MLO=... UBOOT_IMG=...
UBOOT_BOARD := yes
MLO       ?= /usr/lib/u-boot/omap4_panda/MLO
UBOOT_IMG ?= /usr/lib/u-boot/omap4_panda/u-boot.img
BOOTLOADER_FILES := MLO=$(MLO) u-boot.img=$(UBOOT_IMG)

# JTAG: OpenOCD's own board file (`make openocd`, `make jtag-gdb`).
OPENOCD_BOARD := board/ti_pandaboard_es.cfg
