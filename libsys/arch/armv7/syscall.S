/*
 * libsys/arch/armv7/syscall.S -- the user side of the system call ABI
 * (include/sprat/syscall.h, docs/syscalls.md).
 */
    .text
    .syntax unified
    .arm

/*
 * sys_call -- make one system call with every argument register.
 *   in:  r0 = struct sys_regs * (13 words: the values for r0-r12)
 *   out: words 0-3 of the block = r0-r3 after the call (error, results);
 *        r4-r11 preserved (AAPCS); r12 clobbered
 */
    .global sys_call
    .type   sys_call, %function
sys_call:
    push    {r4-r11, lr}
    push    {r0}                        @ the block, for after the svc
    ldm     r0, {r0-r12}                @ r0 is loaded last: base kept until then
    svc     #0
    ldr     r12, [sp], #4
    stm     r12, {r0-r3}
    pop     {r4-r11, pc}
    .size   sys_call, . - sys_call

/*
 * lmp_ep_send_raw -- an LMP send with the payload in registers.
 *   in:  r0 = system call word (SYS_INVOKE | len | flags), r1 = endpoint
 *        capability address, r2 = capability to send (or 0),
 *        r3 = pointer to LMP_MSG_WORDS payload words
 *   out: r0 = errval_t; r4-r11 preserved
 */
    .global lmp_ep_send_raw
    .type   lmp_ep_send_raw, %function
lmp_ep_send_raw:
    push    {r4-r11, lr}
    mov     r12, r3
    ldm     r12, {r3-r11}               @ payload words 0-8
    ldr     r12, [r12, #36]             @ payload word 9
    svc     #0
    pop     {r4-r11, pc}
    .size   lmp_ep_send_raw, . - lmp_ep_send_raw
