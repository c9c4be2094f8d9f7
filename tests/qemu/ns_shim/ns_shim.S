/*
 * tests/qemu/ns_shim/ns_shim.S -- a tiny Secure-world boot shim for QEMU's
 * vexpress-a9 with secure=on: it does what the PandaBoard's ROM and U-Boot
 * leave behind, then starts the kernel in the Non-secure world, so that
 * `make test` also runs the kernel the way the PandaBoard runs it
 * (docs/hardware.md, "Security state").
 *
 * QEMU starts it (-device loader,...,cpu-num=0) in Secure SVC mode with the
 * MMU and caches off; the kernel image is loaded by a second loader.
 *   1. every GIC interrupt to Group 1 (Non-secure), as the OMAP4 ROM does
 *      for the peripherals;
 *   2. SCU Non-secure Access Control: the private and global timers
 *      accessible from the Non-secure world (Cortex-A9 MPCore TRM 2.2.9);
 *   3. NSACR: nothing beyond the reset value (no CP10/CP11, no ACTLR.SMP);
 *   4. an SMC into a minimal monitor (MVBAR) that sets SCR.NS and returns:
 *      the next instruction runs in Non-secure SVC;
 *   5. jump to the kernel's entry with the boot loader's registers: r0 = 0,
 *      r1 = the vexpress machine type, r2 = 0 (no device tree).
 * Register use: r0-r3 scratch.  The monitor is never entered again.
 */
    .syntax unified
    .arm
    .arch_extension sec
    .text
    .global _start

#define GICD_BASE        0x1e001000  /* vexpress-a9 PERIPHBASE + 0x1000 */
#define GICC_BASE        0x1e000100  /* PERIPHBASE + 0x100 */
#define GICD_TYPER       0x004
#define GICD_IGROUPR     0x080
#define SCU_SNSAC        0x1e000054  /* SCU Non-secure Access Control */
#define SNSAC_CPU0_TIMERS ((1 << 4) | (1 << 8))  /* private, global timer */
#define SCR_NS           (1 << 0)
#define SCR_FW_AW        ((1 << 4) | (1 << 5))   /* NS may change CPSR.F, A */
#define MACH_VEXPRESS    2272
#define KERNEL_ENTRY     0x60010000

_start:
    ldr     r0, =GICD_BASE
    ldr     r1, [r0, #GICD_TYPER]
    and     r1, r1, #0x1f
    add     r1, r1, #1                  @ 32-interrupt words
    add     r2, r0, #GICD_IGROUPR
    mvn     r3, #0
1:  str     r3, [r2], #4                @ all Group 1
    subs    r1, r1, #1
    bne     1b
    mov     r1, #3                      @ Secure view: EnableGrp0 | EnableGrp1
    str     r1, [r0]                    @ GICD_CTLR (see 2. above)
    ldr     r2, =GICC_BASE
    str     r1, [r2]                    @ GICC_CTLR
    mov     r1, #0xff                   @ GICC_PMR out of the Secure range:
    str     r1, [r2, #4]                @ Non-secure writes to it are
                                        @ ignored while it is below 0x80
    ldr     r0, =SCU_SNSAC
    ldr     r1, =SNSAC_CPU0_TIMERS
    str     r1, [r0]
    ldr     r0, =monitor_vectors
    mcr     p15, 0, r0, c12, c0, 1      @ MVBAR
    isb
    smc     #0                          @ -> monitor_smc, back Non-secure
    mov     r0, #0
    ldr     r1, =MACH_VEXPRESS
    mov     r2, #0
    ldr     pc, =KERNEL_ENTRY

/* Monitor vectors (ARM ARM B1.8.1): only the SMC entry (offset 8) is used. */
    .balign 32
monitor_vectors:
    b       .
    b       .
    b       monitor_smc
    b       .
    b       .
    b       .
    b       .
    b       .

monitor_smc:
    mrc     p15, 0, r0, c1, c1, 0       @ SCR
    orr     r0, r0, #(SCR_NS | SCR_FW_AW)
    mcr     p15, 0, r0, c1, c1, 0
    isb
    movs    pc, lr                      @ to SVC, now Non-secure
    .ltorg
