/*
 * kernel/plat/pandaboard/platform.h -- the OMAP4460 addresses, interrupt
 * numbers and register bits Sprat uses on the PandaBoard ES.
 *
 * Sources, for every value below:
 *   [TRM]   OMAP4460 Multimedia Device Technical Reference Manual (TI
 *           SWPU235), cited by chapter and register name;
 *   [DTS]   Linux arch/arm/boot/dts/omap4.dtsi, the device tree the
 *           address or interrupt agrees with (node named);
 *   [LINUX] / [UBOOT]  the driver or header that uses the same value.
 * Nothing here has been checked on a board yet: docs/hardware.md lists
 * what to verify on the first boot.
 */
#ifndef PLAT_PANDABOARD_H
#define PLAT_PANDABOARD_H

#define CONSOLE_BAUD            115200

/* ---- UART3, the console on the board's DB-9 connector ---------------------
 * [TRM] ch. 2 "Memory Mapping", L4_PER: UART3 at 0x4802 0000.
 * [DTS] uart3: serial@48020000, interrupts = <GIC_SPI 74 ...>,
 *       clock-frequency = <48000000> (the 48 MHz functional clock
 *       FUNC_48M_FCLK, [TRM] ch. "UART/IrDA/CIR", "UART clocks").
 * The GIC numbers shared peripheral interrupts from 32: SPI 74 is ID 106. */
#define OMAP4_UART3_PA          0x48020000
#define OMAP4_UART3_IRQ         (32 + 74)
#define OMAP4_UART_CLOCK_HZ     48000000

/* The OMAP UART's registers beyond the 16550 set, byte offsets
 * ([TRM] "UART/IrDA/CIR" register summary: MDR1, SYSC, SYSS; [LINUX]
 * include/uapi/linux/serial_reg.h UART_OMAP_MDR1/SYSC/SYSS are the same
 * registers as indices 0x08, 0x15, 0x16 of 4-byte registers). */
#define OMAP_UART_MDR1          0x20    /* mode definition 1 */
#define   MDR1_MODE_UART16X     0x0     /* UART, 16x oversampling */
#define   MDR1_MODE_DISABLE     0x7     /* the reset value: UART off */
#define OMAP_UART_FCR           0x08    /* FIFO control (write) */
#define   FCR_FIFO_EN_CLEAR     0x07    /* FIFOs on, both emptied */
#define OMAP_UART_LSR           0x14    /* line status */
#define   LSR_RX_FIFO_E         0x01    /* set while the receive FIFO holds
                                           data (the 16550's DR, despite
                                           the TRM's name) */
#define   LSR_TX_FIFO_E         0x20    /* transmit FIFO empty */
#define   LSR_TX_SR_E           0x40    /* ... and the shift register too */
#define OMAP_UART_SYSC          0x54    /* system configuration */
#define   SYSC_SOFTRESET        (1u << 1)
#define   SYSC_IDLEMODE_NOIDLE  (1u << 3)   /* IDLEMODE (bits 4:3) = 1 */
#define OMAP_UART_SYSS          0x58    /* system status */
#define   SYSS_RESETDONE        (1u << 0)

/* ---- Cortex-A9 MPU subsystem private region --------------------------------
 * [TRM] ch. 2, "MPU subsystem memory map": SCU, GIC, timers from 0x4824 0000;
 * [DTS] gic: interrupt-controller@48241000, reg = <0x48241000 0x1000>,
 *       <0x48240100 0x0100>; local-timer@48240600 (the private timer,
 *       clocks = <&mpu_periphclk>).  Offsets: Cortex-A9 MPCore TRM
 *       (ARM DDI 0407G) table 1-3, the same on every A9 MPCore
 *       (dev/a9_mpcore.h). */
#define A9_PERIPHBASE_PA        0x48240000
#define A9_PERIPH_SIZE          0x3000      /* up to and with the PL310 */
/* The ROM monitor's services for starting CPU1 ([LINUX] omap-smc.S) and
 * AUX_CORE_BOOT_0's "CPU1 may boot" bit, as Linux sets it (0x200). */
#define OMAP4_MON_AUXCORE_BOOT0_INDEX   0x104
#define OMAP4_MON_AUXCORE_BOOT1_INDEX   0x105
#define AUX_CORE_BOOT0_GO               0x200u

/* PERIPHCLK, which clocks the private and global timers, is the MPU clock
 * divided by 2 ([LINUX] omap44xx-clocks.dtsi, mpu_periphclk:
 * fixed-factor-clock, clock-div = <2>, of the MPU DPLL).  The MPU clock is
 * whatever U-Boot programmed (700 MHz at OPP100, 920 MHz at OPP Turbo for
 * the 4460), so the kernel measures PERIPHCLK against the 32 kHz sync
 * timer at boot; this value is used only if that fails. */
#define OMAP4_PERIPHCLK_NOMINAL_HZ  350000000

/* ---- PL310 L2 cache controller ------------------------------------------
 * [DTS] L2: l2-cache-controller@48242000, compatible "arm,pl310-cache".
 * Registers: ARM CoreLink Level 2 Cache Controller L2C-310 TRM (ARM DDI
 * 0246), "Register summary"; [LINUX] asm/hardware/cache-l2x0.h. */
#define OMAP4_L2C_PA            0x48242000
#define L2C_CTRL                0x100   /* bit 0: L2 cache enabled */
#define   L2C_CTRL_ENABLE       (1u << 0)
#define L2C_AUX_CTRL            0x104
#define   L2C_AUX_16WAY         (1u << 16)  /* associativity: 16 ways, else 8 */
#define L2C_CACHE_SYNC          0x730
#define L2C_CLEAN_INV_WAY       0x7fc   /* one bit per way; busy while set */

/* The L2C-310's control register may only be written in the Secure world:
 * the OMAP4 ROM code's monitor does it for us through an SMC with the
 * service number in r12 ([LINUX] arch/arm/mach-omap2/omap-secure.h,
 * OMAP4_MON_L2X0_CTRL_INDEX; omap4-common.c omap4_l2c310_write_sec()). */
#define OMAP4_MON_L2X0_CTRL_INDEX   0x102

/* ---- L4_WKUP: 32 kHz sync timer, watchdog 2, wake-up clock control ------
 * One 1 MiB device section, 0x4A30 0000, holds all three. */
#define OMAP4_L4_WKUP_PA        0x4a300000
#define OMAP4_L4_WKUP_SIZE      0x20000

/* 32 kHz synchronised counter: [TRM] ch. "Timers", COUNTER_32K,
 * REG_32KSYNCNT_CR at 0x4A30 4010; [DTS] counter32k: counter@4a304000
 * (in l4_wkup, ranges <0 0x4a300000 ...>); [LINUX]
 * drivers/clocksource/timer-ti-32k.c: the counter is at offset 0x10 on the
 * OMAP4's (legacy-scheme) module.  It counts the 32768 Hz SYS_32K clock. */
#define OMAP4_SYNCTIMER_CR_PA   0x4a304010
#define OMAP4_SYNCTIMER_HZ      32768

/* Watchdog timer 2, the one the boot ROM can leave running: [TRM] ch.
 * "Timers", "Watchdog Timer", registers WWPS and WSPR; [DTS] wdt2:
 * wdt@4a314000; [LINUX] drivers/watchdog/omap_wdt.h (WPS 0x34, SPR 0x48)
 * and omap_wdt.c omap_wdt_disable(): write 0xAAAA then 0x5555 to WSPR,
 * each time waiting until WWPS.W_PEND_WSPR clears (writes are posted). */
#define OMAP4_WDT2_PA           0x4a314000
#define WDT_WWPS                0x34    /* write-posting status */
#define   WWPS_W_PEND_WSPR      (1u << 4)
#define WDT_WSPR                0x48    /* start/stop */
#define   WSPR_STOP_1           0xaaaa
#define   WSPR_STOP_2           0x5555

/* Module clock control in the WKUP_CM block of the PRM ([TRM] ch. 3
 * "Power, Reset, and Clock Management", WKUP_CM registers; the same
 * addresses in [UBOOT] arch/arm/include/asm/arch-omap4 prcm layout).  We
 * read IDLEST to avoid touching a module whose clock is off: on the OMAP4
 * that is a bus error, i.e. an external abort. */
#define OMAP4_CM_WKUP_WDTIMER2_CLKCTRL_PA   0x4a307830
#define OMAP4_CM_WKUP_SYNCTIMER_CLKCTRL_PA  0x4a307850
#define   CLKCTRL_IDLEST_SHIFT  16          /* bits 17:16 */
#define   CLKCTRL_IDLEST_MASK   0x3
#define   CLKCTRL_IDLEST_FUNC   0x0         /* module fully functional */

#endif
