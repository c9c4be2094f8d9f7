/*
 * libsys/arch/armv7/lmp_call.S -- the LMP call: a sync send and the
 * receive of the answer in one routine (docs/lmp.md, section 3, "A
 * call"; the figures in section 5, "Round six").
 *
 * A sync send hands the CPU to the receiver, and the kernel hands it
 * back right after our svc with every register but r0 as it was
 * (include/sprat/syscall.h, and lmp_fastpath.S's register contract): so
 * what the receive needs -- the call's address -- can stay on the stack
 * we already pushed, and the receive runs in the same routine, without a
 * return to C and a call of the inline receive in between.  A server
 * uses the same routine as its reply-and-receive: on Sprat's
 * asynchronous ring the two are the same operation (send, then take what
 * is in our ring), unlike seL4's Call and ReplyRecv, which wait in the
 * kernel.
 *
 * The receive is lmp_endpoint_recv's common case (sys/lmp_endpoint.h,
 * which points here): nothing the ring says is trusted -- a header above
 * LMP_MSG_WORDS (a capability bit makes it so) or a message that runs
 * past the ring's end goes to the C lmp_endpoint_recv_any, as does an
 * empty ring (which answers LIB_ERR_LMP_NO_MESSAGE: the rule and the
 * error are written once, there); `consumed` is stored after the words
 * are read.  The offsets are sys/lmp_call_layout.h's, checked against the
 * C structures by sys/lmp_endpoint.h.
 */
#include <sprat/syscall.h>
#include <sys/lmp_call_layout.h>

    .text
    .syntax unified
    .arm

/*
 * errval_t lmp_ep_call(struct lmp_call *c)
 *   in:  r0 = c: c->msg (len, words) is sent with lmp_call_word(c->word,
 *        len), to
 *        c->ep, with c->cap; the answer is taken from c->kern's ring
 *        (mask c->ring_mask, its last word at c->last) into c->msg
 *   out: r0 = the send's error if it failed (c->msg untouched, nothing
 *        consumed); else SYS_ERR_OK with the answer in c->msg and
 *        `consumed` past it, or what lmp_endpoint_recv_any(c->reply,
 *        &c->msg, NULL) returns for every other case (tail call);
 *        r4-r11, sp preserved (AAPCS); r1-r3, r12, lr clobbered
 *   inside: lr = &c->msg (its len) from before the svc to the end: the
 *        kernel preserves it, and every field is at a fixed offset from
 *        it -- word, ep, cap just below (one ldmda with msg.len), kern,
 *        ring_mask, last below them (one ldmdb), msg.words above
 *
 * All ten words are loaded whatever the length -- msg.words always has
 * ten, and the kernel copies only len -- so there is no jump table on
 * the way in.  The receive's copy has one: an entry of eight
 * instructions per length, each ending the call itself.  The header,
 * once checked, is the length: it goes to msg.len in the same stm as the
 * words (len in r1, below the words' registers).
 */
#define AT_LEN(off)     ((off) - LMP_CALL_MSG_LEN)      /* lr-relative */

    .global lmp_ep_call
    .type   lmp_ep_call, %function
lmp_ep_call:
    push    {r4-r11, lr}                @ the payload's registers
    add     lr, r0, #LMP_CALL_MSG_LEN
    ldmda   lr, {r0-r3}                 @ word, ep, cap, msg.len
    /* lmp_call_word's rule (sys/lmp_endpoint.h): a length the kernel
     * refuses stays one -- 11 to 2^31 - 1 saturate to 15, 2^31 and above
     * (negative) to -16, whose bits above the field are the word's
     * reserved ones. */
    ssat    r3, #LMP_CALL_LEN_SAT, r3
    orr     r0, r0, r3, lsl #SYSW_LEN_SHIFT
    ldmib   lr, {r3-r12}                @ msg.words[0-9]
    svc     #0                          @ r1-r12, sp, lr come back unchanged
    ldmdb   lr, {r4-r5, r9-r12}         @ kern, mask, last (word, ep, cap: unused)
    ldrd    r6, r7, [r4]                @ delivered, consumed
    /* Two tests, one branch: empty (Z from the cmp), or the send failed
     * -- 1 - r0 is above 0 without a borrow (hi) only for r0 = 0. */
    cmp     r6, r7
    rsbsne  r8, r0, #1
    bls     in_c
    /* at = consumed & mask; mask - at = ~consumed & mask (at has only
     * mask's bits), which is what both the header's address (counted
     * back from the ring's last word) and the wrap test need. */
    bic     r8, r5, r7                  @ r8 = mask - at
    ldr     r1, [r9, -r8, lsl #2]!      @ the header; r9 = its address
    cmp     r1, r8                      @ at + len > mask (it wraps),
    cmpls   r1, #LMP_MSG_WORDS          @ or len > 10, or the cap bit set:
    bhi     in_c                        @ the C receive takes it
    strb    r0, [lr, #AT_LEN(LMP_CALL_MSG_HAS_CAP)]     @ false (r0 = 0)
    add     pc, pc, r1, lsl #5          @ pc reads 8 ahead: entry len
    nop
    /* len 0: nothing to copy */
    add     r7, r7, #1
    str     r7, [r4, #LMP_KERN_CONSUMED]
    str     r1, [lr]                    @ msg.len = 0
    pop     {r4-r11, pc}
    .rept 4
    nop
    .endr
    /* len 1-9: the words to registers, consumed past them (they are
     * read), the length and the words to msg, return.  The registers are
     * above r1 (stm stores the lowest first) and spare r4 (kern) and r7
     * (consumed); r9, the base, may be in the list (no writeback). */
    .macro copy len, regs
    ldmib   r9, {\regs}
    add     r7, r7, #(\len + 1)
    str     r7, [r4, #LMP_KERN_CONSUMED]
    stm     lr, {r1, \regs}
    pop     {r4-r11, pc}
    nop
    nop
    nop
    .endm
    copy 1, "r2"
    copy 2, "r2-r3"
    copy 3, "r2-r3, r5"
    copy 4, "r2-r3, r5-r6"
    copy 5, "r2-r3, r5-r6, r8"
    copy 6, "r2-r3, r5-r6, r8-r9"
    copy 7, "r2-r3, r5-r6, r8-r10"
    copy 8, "r2-r3, r5-r6, r8-r11"
    copy 9, "r2-r3, r5-r6, r8-r12"
    /* len 10: one register short for a single stm -- the length apart */
    str     r1, [lr]                    @ msg.len = 10
    ldmib   r9, {r1-r3, r5-r6, r8-r12}
    add     r7, r7, #(LMP_MSG_WORDS + 1)
    str     r7, [r4, #LMP_KERN_CONSUMED]
    stmib   lr, {r1-r3, r5-r6, r8-r12}
    pop     {r4-r11, pc}
in_c:                                   @ lr = &c->msg
    cmp     r0, #0
    popne   {r4-r11, pc}                @ the send failed: its error
    ldr     r0, [lr, #AT_LEN(LMP_CALL_REPLY)]
    mov     r1, lr                      @ &c->msg
    mov     r2, #0                      @ a capability that came is deleted
    pop     {r4-r11, lr}
    b       lmp_endpoint_recv_any
    .size   lmp_ep_call, . - lmp_ep_call
