/*
 * kernel/plat/virt/platform.h -- physical addresses and interrupt numbers
 * of the devices Sprat uses on QEMU's virt board.  Source: the device tree
 * QEMU 7.2 generates (`-M virt,dumpdtb=...`), which follows hw/arm/virt.c
 * (base_memmap[] and a15irqmap[]).
 */
#ifndef PLAT_VIRT_H
#define PLAT_VIRT_H

/* GICv2: distributor and CPU interface (node intc@8000000, "reg"). */
#define VIRT_GIC_DIST_PA        0x08000000
#define VIRT_GIC_CPU_PA         0x08010000
#define VIRT_GIC_REGION_SIZE    0x10000

/* PL011 UART (node pl011@9000000): SPI 1, interrupt ID 32 + 1; its
 * clock is the fixed 24 MHz "apb-pclk" (node apb-pclk). */
#define VIRT_UART0_PA           0x09000000
#define VIRT_UART0_IRQ          33
#define VIRT_UART_CLOCK_HZ      24000000
#define CONSOLE_BAUD            115200

#endif
