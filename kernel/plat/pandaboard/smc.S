/*
 * kernel/plat/pandaboard/smc.S -- a call into the OMAP4 ROM code's secure
 * monitor (the OMAP4 "monitor API": service number in r12, argument in
 * r0; the same convention as Linux's arch/arm/mach-omap2/omap-smc.S).
 */
    .syntax unified
    .arm
    .arch_extension sec
    .text
    .global omap4_smc1, omap4_smc2
/*
 * omap4_smc1 -- ask the secure monitor for one service.
 *   in:   r0 = service number (e.g. OMAP4_MON_L2X0_CTRL_INDEX),
 *         r1 = its argument
 *   out:  r0 = what the monitor returns
 *   The monitor may use any register, so all callee-saved ones are saved.
 */
omap4_smc1:
    push    {r4-r12, lr}
    mov     r12, r0
    mov     r0, r1
    dsb
    smc     #0
    pop     {r4-r12, pc}

/*
 * omap4_smc2 -- a monitor service with two arguments (e.g. 0x104, modify
 * AUX_CORE_BOOT_0: r0 = bits to set, r1 = bits to clear).
 *   in:   r0 = service number, r1, r2 = its arguments
 *   out:  r0 = what the monitor returns; saves r4-r12 as omap4_smc1
 */
omap4_smc2:
    push    {r4-r12, lr}
    mov     r12, r0
    mov     r0, r1
    mov     r1, r2
    dsb
    smc     #0
    pop     {r4-r12, pc}
