/*
 * kernel/plat/virt/pen.S -- a secondary core that reached _start
 * (docs/multikernel.md, section 1).  On QEMU's virt board the other cores
 * start powered off and PSCI CPU_ON starts them at _start_secondary; on
 * the PandaBoard (which links this file too) CPU1 waits in the ROM until
 * plat_start_core(); so none comes here.  Should one, it sleeps for good.
 */
    .text
    .syntax unified
    .arm
    .global plat_secondary_pen
/*
 * plat_secondary_pen -- park this core.
 *   in:  r0 = the core's number; never returns
 */
plat_secondary_pen:
    cpsid   aif
1:  wfi
    b       1b
