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
 *   in:  r0 = c: c->msg (len, words) is sent with c->word | len, to
 *        c->ep, with c->cap; the answer is taken from c->kern's ring
 *        (mask c->ring_mask) into c->msg
 *   out: r0 = the send's error if it failed (c->msg untouched, nothing
 *        consumed); else SYS_ERR_OK with the answer in c->msg and
 *        `consumed` past it, or what lmp_endpoint_recv_any(c->reply,
 *        &c->msg, NULL) returns for every other case (tail call);
 *        r4-r11, sp preserved (AAPCS); r1-r3, r12, lr clobbered
 *   inside: lr = &c->msg.words from before the svc to the end: the
 *        kernel preserves it, and every field is at a fixed offset from it
 *
 * All ten words are loaded whatever the length -- msg.words always has
 * ten, and the kernel copies only len -- so there is no jump table on
 * the way in.  The receive's copy has one: an entry of eight
 * instructions per length, each ending the call itself.
 */
#define AT_WORDS(off)   ((off) - LMP_CALL_MSG_WORDS)   /* lr-relative */

    .global lmp_ep_call
    .type   lmp_ep_call, %function
lmp_ep_call:
    push    {r4-r11, lr}                @ the payload's registers
    add     lr, r0, #LMP_CALL_MSG_WORDS
    ldmdb   lr, {r0-r3}                 @ word, ep, cap, msg.len
    cmp     r3, #LMP_MSG_WORDS
    movhi   r3, #SYSW_LEN_MASK          @ too long: a length the kernel refuses
    orr     r0, r0, r3, lsl #SYSW_LEN_SHIFT
    ldm     lr, {r3-r12}                @ msg.words[0-9]
    svc     #0                          @ r1-r12, sp, lr come back unchanged
    ldrd    r4, r5, [lr, #AT_WORDS(LMP_CALL_KERN)]      @ kern, mask
    ldrd    r6, r7, [r4]                @ delivered, consumed
    /* Two tests, one branch: empty (Z from the cmp), or the send failed
     * -- 1 - r0 is above 0 without a borrow (hi) only for r0 = 0. */
    cmp     r6, r7
    rsbsne  r8, r0, #1
    bls     in_c
    and     r8, r7, r5                  @ at = consumed & mask
    add     r9, r4, r8, lsl #2
    ldr     r10, [r9, #LMP_KERN_BUF]!   @ the header; r9 = its address
    cmp     r10, #LMP_MSG_WORDS         @ len > 10, or the cap bit set,
    addls   r8, r8, r10
    cmpls   r8, r5                      @ or at + len > mask (it wraps):
    bhi     in_c                        @ the C receive takes it
    str     r10, [lr, #AT_WORDS(LMP_CALL_MSG_LEN)]
    strb    r0, [lr, #AT_WORDS(LMP_CALL_MSG_HAS_CAP)]   @ false (r0 = 0)
    add     pc, pc, r10, lsl #5         @ pc reads 8 ahead: entry len
    nop
    /* len 0: nothing to copy */
    add     r7, r7, #1
    str     r7, [r4, #LMP_KERN_CONSUMED]
    pop     {r4-r11, pc}
    .rept 5
    nop
    .endr
    /* len 1-10: the words to registers, consumed past them (they are
     * read), the words to msg.words, return.  r9, the base, is loaded
     * last, so it may be in the list (no writeback). */
    .macro copy len, regs
    ldmib   r9, {\regs}
    add     r7, r7, #(\len + 1)
    str     r7, [r4, #LMP_KERN_CONSUMED]
    stm     lr, {\regs}
    pop     {r4-r11, pc}
    nop
    nop
    nop
    .endm
    copy 1, "r1"
    copy 2, "r1-r2"
    copy 3, "r1-r3"
    copy 4, "r1-r3, r5"
    copy 5, "r1-r3, r5-r6"
    copy 6, "r1-r3, r5-r6, r8"
    copy 7, "r1-r3, r5-r6, r8-r9"
    copy 8, "r1-r3, r5-r6, r8-r10"
    copy 9, "r1-r3, r5-r6, r8-r11"
    copy 10, "r1-r3, r5-r6, r8-r12"
in_c:                                   @ lr = &c->msg.words
    cmp     r0, #0
    popne   {r4-r11, pc}                @ the send failed: its error
    ldr     r0, [lr, #AT_WORDS(LMP_CALL_REPLY)]
    sub     r1, lr, #(LMP_CALL_MSG_WORDS - LMP_CALL_MSG_LEN)  @ &c->msg
    mov     r2, #0                      @ a capability that came is deleted
    pop     {r4-r11, lr}
    b       lmp_endpoint_recv_any
    .size   lmp_ep_call, . - lmp_ep_call
