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
 *        r3 = pointer to the payload: len words (bits 19:16 of r0)
 *   out: r0 = errval_t; r4-r11 preserved
 *
 * Exactly len words are loaded (one ldm, chosen from a table by len), so
 * the caller's array need not be padded to LMP_MSG_WORDS: the kernel
 * copies only len words and leaves every register but r0 as it was.  A
 * len above LMP_MSG_WORDS loads nothing; the kernel refuses it.
 */
    .global lmp_ep_send_raw
    .type   lmp_ep_send_raw, %function
lmp_ep_send_raw:
    push    {r4-r11, lr}
    ubfx    r12, r0, #16, #4            @ len
    cmp     r12, #10                    @ LMP_MSG_WORDS
    movhi   r12, #0
    add     pc, pc, r12, lsl #3         @ pc reads 8 ahead: entry len
    nop
    b       1f                          @ 0 words
    nop
    ldm     r3, {r3}                    @ 1 word
    b       1f
    ldm     r3, {r3-r4}
    b       1f
    ldm     r3, {r3-r5}
    b       1f
    ldm     r3, {r3-r6}
    b       1f
    ldm     r3, {r3-r7}
    b       1f
    ldm     r3, {r3-r8}
    b       1f
    ldm     r3, {r3-r9}
    b       1f
    ldm     r3, {r3-r10}
    b       1f
    ldm     r3, {r3-r11}
    b       1f
    ldm     r3, {r3-r12}                @ 10 words
1:  svc     #0
    pop     {r4-r11, pc}
    .size   lmp_ep_send_raw, . - lmp_ep_send_raw
