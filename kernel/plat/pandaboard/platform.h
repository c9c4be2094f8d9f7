/*
 * kernel/plat/pandaboard/platform.h -- OMAP4460 addresses Sprat uses.
 * Source: OMAP4460 Multimedia Device TRM (SWPU235), chapter 2 "Memory
 * Mapping" and chapter 23 "UART"; they agree with Linux's omap4.dtsi.
 */
#ifndef PLAT_PANDABOARD_H
#define PLAT_PANDABOARD_H

/* UART3, the console on the PandaBoard's DB9 connector (TRM table 2-4,
 * L4_PER: UART3 at 0x4802_0000; MA_IRQ_74 = SPI 42, TRM table 17-2). */
#define OMAP4_UART3_PA          0x48020000
#define OMAP4_UART3_IRQ         74
#define OMAP4_UART_CLOCK_HZ     48000000    /* functional clock, TRM 23.3.4 */
#define CONSOLE_BAUD            115200

/* Cortex-A9 MPU subsystem private memory region (TRM table 2-3,
 * "MPU subsystem": SCU, GIC, timers at 0x4824_0000). */
#define A9_PERIPHBASE_PA        0x48240000
#define A9_PERIPH_SIZE          0x2000
#define A9_GIC_CPU_OFFSET       0x0100
#define A9_GIC_DIST_OFFSET      0x1000

/* PERIPHCLK is the MPU clock divided by 2 (Cortex-A9 MPCore TRM).  U-Boot
 * programs DPLL_MPU for the 4460's OPP100, 700 MHz, so PERIPHCLK is
 * 350 MHz.  (To be measured against the 32 kHz sync timer when the board
 * layer is completed.) */
#define OMAP4_PERIPHCLK_HZ      350000000

#endif
