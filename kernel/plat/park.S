/*
 * kernel/plat/park.S -- the holding pen of the boards whose secondary
 * cores never reach _start (docs/multikernel.md, section 1), shared by
 * their config.mk: on QEMU's virt board the other cores start powered off
 * and PSCI CPU_ON starts them at _start_secondary; on the PandaBoard CPU1
 * waits in the ROM until plat_start_core().  Should one come here anyway,
 * it sleeps for good.  (vexpress-a9's cores do come here: its own pen.S.)
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
