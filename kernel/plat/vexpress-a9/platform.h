/*
 * kernel/plat/vexpress-a9/platform.h -- physical addresses and interrupt
 * numbers of the devices Sprat uses on the Versatile Express A9 as QEMU
 * models it (QEMU hw/arm/vexpress.c, "legacy" motherboard map, and the
 * CoreTile Express A9x4 TRM, ARM DUI 0448).
 */
#ifndef PLAT_VEXPRESS_A9_H
#define PLAT_VEXPRESS_A9_H

/* Motherboard UART 0 (PL011); its reference clock is 24 MHz
 * (Motherboard Express uATX TRM, ARM DUI 0447, "Clock architecture"). */
#define VEXPRESS_UART0_PA       0x10009000
#define VEXPRESS_UART0_IRQ      37              /* SPI 5 */
#define VEXPRESS_UART_CLOCK_HZ  24000000
#define CONSOLE_BAUD            115200

/* Cortex-A9 MPCore private memory region (PERIPHBASE); the offsets of its
 * blocks are the same on every A9 MPCore: dev/a9_mpcore.h. */
#define A9_PERIPHBASE_PA        0x1e000000
#define A9_PERIPH_SIZE          0x2000
/* The motherboard's system registers (ARM DUI 0447, "V2M-P1 motherboard
 * Technical Reference Manual", 4.3 "Register summary"): SYS_FLAGS reads
 * the flags, SYS_FLAGSSET sets bits, SYS_FLAGSCLR clears them.  The boot
 * monitor -- and QEMU's boot stub, hw/arm/vexpress.c -- hold a secondary
 * core in WFI until an interrupt, then jump to SYS_FLAGS if it is not 0. */
#define VEXPRESS_SYSREGS_PA     0x10000000
#define VEXPRESS_SYS_FLAGS      0x30        /* read */
#define VEXPRESS_SYS_FLAGSSET   0x30        /* write: set bits */
#define VEXPRESS_SYS_FLAGSCLR   0x34        /* write: clear bits */

/* The private and global timers run at PERIPHCLK.  QEMU's model counts
 * them at 100 MHz with a prescaler of 0 (hw/timer/arm_mptimer.c: 10 ns per
 * tick); under -icount shift=0 that is one tick per 10 instructions. */
#define VEXPRESS_PERIPHCLK_HZ   100000000

#endif
