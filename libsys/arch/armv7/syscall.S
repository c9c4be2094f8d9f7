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
 * Exactly len words are loaded, so the caller's array need not be padded
 * to LMP_MSG_WORDS: the kernel copies only len words and leaves every
 * register but r0 as it was.  One table entry of four instructions per
 * value of the 4-bit length, so no compare: each saves only the
 * callee-saved registers its ldm overwrites (none for 0 or 1 word, which
 * need no stack at all), and a len above LMP_MSG_WORDS loads nothing and
 * lets the kernel refuse it.
 */
    .global lmp_ep_send_raw
    .type   lmp_ep_send_raw, %function
lmp_ep_send_raw:
    ubfx    r12, r0, #16, #4            @ len
    add     pc, pc, r12, lsl #4         @ pc reads 8 ahead: entry len
    nop
    svc     #0                          @ 0 words
    bx      lr
    nop
    nop
    ldr     r3, [r3]                    @ 1 word
    svc     #0
    bx      lr
    nop
    push    {r4, lr}                    @ 2 words
    ldm     r3, {r3-r4}
    svc     #0
    pop     {r4, pc}
.irp last, r5, r6, r7, r8, r9, r10, r11
    push    {r4-\last, lr}               @ 3-9 words
    ldm     r3, {r3-\last}
    svc     #0
    pop     {r4-\last, pc}
.endr
    push    {r4-r11, lr}                @ 10 words (r12 is the caller's to lose)
    ldm     r3, {r3-r12}
    svc     #0
    pop     {r4-r11, pc}
.rept 5
    svc     #0                          @ 11-15 words: the kernel refuses them
    bx      lr
    nop
    nop
.endr
    .size   lmp_ep_send_raw, . - lmp_ep_send_raw
