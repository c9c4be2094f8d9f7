/*
 * kernel/plat/vexpress-a9/pen.S -- where a secondary core waits until the
 * boot core's kernel starts it (docs/multikernel.md, "Booting a core").
 *
 * QEMU starts every core of vexpress-a9 at an ELF kernel's entry point
 * (hw/arm/boot.c treats a non-Linux image so); the board's boot monitor
 * and QEMU's stub for Linux images hold them instead.  This pen does what
 * they do, so plat_start_core() (platform.c) is the same either way:
 * enable this core's GIC CPU interface so an SGI can wake it, then sleep
 * in WFI until SYS_FLAGS holds an entry address and jump there.
 */
#include <platform.h>
#include <dev/a9_mpcore.h>
#include <arch/armv7.h>

    .text
    .syntax unified
    .arm
    .global plat_secondary_pen
/*
 * plat_secondary_pen -- a secondary core's holding pen.
 *   in:  MMU off, r0 = the core's number (unused: one flag for all cores,
 *        and cores are started one at a time)
 *   out: jumps to the address written to SYS_FLAGS; never returns
 *   register use: r1 = GIC CPU interface, r2 = SYS_FLAGS, r3 = scratch
 */
plat_secondary_pen:
    cpsid   aif
    ldr     r1, =(A9_PERIPHBASE_PA + A9_GIC_CPU_OFFSET)
    ldr     r2, =(VEXPRESS_SYSREGS_PA + VEXPRESS_SYS_FLAGS)
    mov     r3, #1
    str     r3, [r1, #GICC_CTLR_OFFSET]     @ signal interrupts to this core
    mov     r3, #0xff
    str     r3, [r1, #GICC_PMR_OFFSET]      @ let every priority through
1:  dsb
    wfi                                     @ an SGI wakes us (IRQs masked)
    ldr     r3, [r2]
    cmp     r3, #0
    beq     1b
    bx      r3
