/*
 * kernel/arch/armv7/lmp_fastpath.S -- the LMP send fast path
 * (docs/lmp.md, "The fast path block by block").
 *
 * The SVC vector (vectors.S) branches here; SVC_FRAME (arch/trap.h)
 * saves the caller's registers as a trap frame, and they are still in
 * r0-r12.  This file handles exactly the common case of an LMP send:
 *
 *   - SYS_INVOKE at address level 0 or 2, method 0, reserved bits clear,
 *     at most LMP_MSG_WORDS payload words;
 *   - the capability is found by the two-level lookup and is an EndPoint
 *     with the write right, minted (mint allows only power-of-two rings:
 *     the ring index is a mask, the Cortex-A9 has no divide instruction);
 *   - the receiver is another dispatcher, runnable or blocked;
 *   - its ring has room for the message (a message that would cross the
 *     ring's end is copied word by word, still here);
 *   - with SYSW_FLAG_CAP, one capability *copied* (not GIVEAWAY): the
 *     endpoint has the grant right too, the sender's capability exists,
 *     and the receiver's receive slot is named, in an L2 CNode it may
 *     write, and empty (blocks 1c, 5c, 6c).
 *
 * and, beside it, libsys' cap_delete of a capability of which another
 * copy remains -- what a receiver does with every capability it drops
 * (blocks 1d-5d, with their own register contract there).
 *
 * It does what the C slow path (kernel/lmp.c, lmp_send) does for that
 * case, with the same visible result: the header and the payload in the
 * ring, the ring's delivered count, a capability copied into the receive
 * slot (the CTE and its place in the derivation database as cap_copy
 * leaves them), the receiver's pending bit and message counter, a blocked
 * receiver made runnable, r0 = SYS_ERR_OK for the sender.  Block 1 lets
 * only a send with the sync flag (and not the non-blocking flag) into the
 * copy of blocks 2-7 that goes on to switch; every other send runs a copy
 * of its own, which returns to the sender (block 1a).  With the sync flag
 * (and not the non-blocking flag) the sender's
 * registers then go to its enabled or disabled save area and the receiver
 * runs at once, for the rest of the sender's time slice: from its disabled
 * save area if it is disabled, else through run(udisp) with every other
 * register zero.  Anything else branches to `slow` before it has changed
 * a thing, and the C code handles it from the untouched frame.
 *
 * Every block names the C it mirrors, and each C original says
 * "Mirrored in lmp_fastpath.S, block N": change both together
 * (docs/extending.md, "Changing the LMP fast path").
 *
 * Two facts about the kernel make the path short:
 *   - sched_need_resched is never set while a dispatcher runs (the timer
 *     interrupt that sets it always ends in sched_choose, which switches
 *     and clears it), so the fast path need not look at it (the rule is
 *     written at sched_tick, kernel/sched.c, and tested by
 *     tests/kernel/test_sched.c);
 *   - LMP is local to one core and the kernel is not preemptible: nobody
 *     can look at the ring between our stores, so their order is free.
 *
 * Register contract:
 *   in:  (from the vector) SVC mode, IRQs masked, lr = the instruction
 *        after the svc, SPSR = the caller's CPSR, sp = the top of the SVC
 *        stack, r0-r12 = the caller's; after SVC_FRAME, sp = the trap
 *        frame (struct trap_frame) and lr = scratch (its value is in the
 *        frame's pc slot)
 *   out: leaves to user mode (the sender, the receiver, or the caller of
 *        the null system call) with sp back at the top of the SVC stack,
 *        or branches to exception_common with r0 = sp = the untouched
 *        frame and r1 = EXC_SVC
 */
#include <arch/armv7.h>
#include <arch/trap.h>
#include <arch/asm_offsets.h>

    .text
    .syntax unified
    .arm

/* Block 1's word, but for the length: sys = SYS_INVOKE, level 0 (or 2:
 * block 1 clears that bit), the sync flag alone, no reserved bits -- and
 * method 0.  The method means nothing to an endpoint (C ignores it too),
 * and libsys sends with 0; every invocation of another type has a method
 * of 1 or more (caps.h), so this sends them all to C at once, not after
 * the lookup of block 2 (24 instructions fewer for each). */
#define SYNC_SEND       (SYS_INVOKE | SYSW_FLAG_SYNC)
/* A word rotated right by 16 (the ror #16 of block 1). */
#define ROR16(x)        ((((x) >> 16) & 0xffff) | (((x) & 0xffff) << 16))

    .global lmp_fastpath
    .type   lmp_fastpath, %function
lmp_fastpath:
    SVC_FRAME                                   @ entry: sp = the frame
/* LAB 8 BEGIN: b       slow */

/* ---- the checks both sends make: one copy, used twice ------------------- */

/* Block 2: the two-level lookup of cap_lookup_slot (kernel/cap.c), level
 * 2: the L1 index within the root CNode of dcb's CSpace, an L2CNode there
 * (with the write right too if `fast` says so: find_recv_slot and the
 * delete want WRITE), any L2 index (an L2 CNode always has 256 slots).
 * The root's slots are read from the DCB's root_slots and root_kva (one
 * ldrd, no physical-to-kernel conversion: dispatch_root_changed keeps
 * them); the L1 slot's type and rights are one bit of the word its ldrd
 * reads with the L2 CNode's slots' kernel address (capability.fast and
 * kva, cap.h: no conversion either).  out = the slot's CTE,
 * which may be empty; ev:od (an even register and the next) and ix are
 * scratch; anything else goes to C. */
.macro LOOKUP dcb, addr, out, ev, od, ix, fast=ASM_CAPFAST_L2CNODE
    ldrd    \ev, \od, [\dcb, #DCB_ROOT_SLOTS]   @ slots, their kernel address
    lsr     \ix, \addr, #ASM_L2_CNODE_BITS      @ L1 index
    cmp     \ix, \ev                            @ ... < number of root slots?
    bhs     slow
    add     \ev, \od, \ix, lsl #CTE_SIZE_SHIFT  @ the L1 slot
    ldrd    \ev, \od, [\ev, #CAP_TYPE]          @ type, rights, fast; kva
    tst     \ev, #((\fast) << CAP_FAST_SHIFT)  @ an L2CNode (with WRITE)?
    beq     slow
    uxtb    \ix, \addr                          @ L2 index
    add     \out, \od, \ix, lsl #CTE_SIZE_SHIFT
.endm

/* Block 3: r6 holds a minted EndPoint with (at least) the rights lmp_send
 * asks -- all one bit, `fast` (capability.fast, cap.h: cap_fast_bits
 * derives it from the type, the rights and param2 when the capability is
 * made).  One ldrd reads it and the receiver's DCB (kva), for block 4.
 * A capability without the bit -- another type, a right missing, not
 * minted -- goes to C, which names the error.  out: r3 = the DCB;
 * scratch r2. */
.macro EP_OK fast
    ldrd    r2, r3, [r6, #CAP_TYPE]             @ type, rights, fast; kva
    tst     r2, #((\fast) << CAP_FAST_SHIFT)
    beq     slow                                @ C: INSUFFICIENT_RIGHTS, ...
.endm

/* Block 4: the receiver (lr = the DCB the endpoint r6 names: r3, from
 * block 3) is another dispatcher than r10, runnable or blocked
 * (lmp_deliver's state checks, kernel/lmp.c).  Both tests end in one
 * branch: state - RUNNABLE is 0 or 1 (BLOCKED = RUNNABLE + 1) exactly
 * when 1 - it does not borrow, which leaves the carry set; only then does
 * the teq run, and it leaves the carry alone (TEQ with an unshifted
 * register: ARM ARM, TEQ (register)).  So HI (carry set, not equal) says
 * "runnable or blocked, and not the sender"; LS goes to C.  Scratch r3. */
.macro RECEIVER_OK
    mov     lr, r3                              @ lr = receiver DCB
    ldr     r3, [lr, #DCB_STATE]
    sub     r3, r3, #ASM_DCB_RUNNABLE           @ runnable 0, blocked 1
    rsbs    r3, r3, #1                          @ carry set iff it was 0 or 1
    teqcs   lr, r10                             @ then equal iff to itself
    bls     slow                                @ C: to itself (no switch),
.endm                                           @ dead, not set up, ...

/* Block 5: the ring has room.
 * param1 = the buffer's offset in the receiver's frame, param2 = its
 * bytes.  The endpoint is minted (block 3's bit says so), and mint accepts
 * only a ring of a power of two words, at least one full message
 * (ep_buffer_valid, kernel/cap.c), so the ring needs no test here.
 * Everything is said with the index mask (size - 1), which param2 gives
 * four times over in one subtraction (param2 - LEP_BUF = 4 x size, a
 * multiple of 4: mint checks it); the shifts are in the operands that
 * read it (r11, lsr #2), so the mask itself is never made.
 * Room as lmp_deliver tests it, "used > size || size - used < len + 1",
 * is "used > mask - len" in one unsigned compare: for used <= size the two
 * say the same (size = mask + 1), and a used above size (corrupt
 * counters) is above mask - len too.  mask - len never borrows: a ring has
 * at least 16 words (LMP_ENDPOINT_MIN_BYTES), a message at most 11.  The
 * same mask - len is the last index a header may have without the message
 * crossing the ring's end (block 6's test).  The ldrd with writeback
 * leaves the ring's address in r2 (its offset register differs from the
 * two loaded and from the base, as ARM ARM, LDRD (register) requires).
 * in: r5 = length, r6 = endpoint CTE, lr = receiver
 * out: r0 = delivered, r2 = struct lmp_endpoint_kern, r4 = mask - len,
 *      r11 = 4 x the index mask; r1, r8, r9 scratch */
.macro RING_ROOM
    ldr     r2, [lr, #DCB_FRAME_KVA]
    ldrd    r8, r9, [r6, #CAP_PARAM1]           @ r8 = offset, r9 = bytes
    sub     r11, r9, #LEP_BUF + 4               @ r11 = 4 x mask
    ldrd    r0, r1, [r2, r8]!                   @ r2 = struct lmp_endpoint_kern;
                                                @ r0 = delivered, r1 = consumed
    sub     r1, r0, r1                          @ words in use
    rsb     r4, r5, r11, lsr #2                 @ r4 = mask - len
    cmp     r1, r4                              @ room for len + 1 words?
    bhi     slow                                @ C: BUF_OVERFLOW
.endm

/* Block 6, the message's start: the ring's end (the header's index, r3,
 * past mask - len: the message would cross it, 6'), then the delivered
 * count and the header (order free: see above) (lmp_deliver).  The
 * compare, not taken, leaves the carry set (HS: no borrow), so one adc
 * makes delivered + len + 1.
 * in: r0 = delivered, r2 = ring, r4 = mask - len, r5 = length,
 *     r11 = 4 x mask, \hdr = the header
 * out: r0 = the header's address, r3 = its index; scratch r12 */
.macro DELIVER hdr, wrap
    and     r3, r0, r11, lsr #2                 @ r3 = index of the header
    cmp     r4, r3                              @ past mask - len?
    blo     \wrap                               @ it would cross the end
    adc     r12, r0, r5                         @ delivered + len + 1
    str     r12, [r2, #LEP_DELIVERED]           @ (order free: see above)
    add     r0, r2, r3, lsl #2
    str     \hdr, [r0, #LEP_BUF]!
.endm

/* Block 6, the payload: the frame's r3-r12, after the header, through a
 * table of entries by length, each copying from the frame with one
 * ldm/stm pair (one ldr/str for one word).  An address table (not an add
 * to pc over entries of equal size) lets any entry be the one that falls
 * into block 7 (tell_\inst) without a branch: the one-word entry, the
 * benchmark's and the shortest with a payload; a message of 0 words goes
 * straight to block 7, and the others -- 10 words too -- branch there.
 * in: r0 = the header, r5 = length; scratch r3-r12 */
.macro PAYLOAD_WORDS n, last, inst
payload_\n\()_\inst:
    add     r3, sp, #TF_R0 + 12                 @ 2-10 words: saved r3-...
    ldm     r3, {r3-\last}
    stmib   r0, {r3-\last}
.ifc \inst, sync
.if \n >= 8
    mrc     p15, 0, r10, c13, c0, 4             @ the sender again, for block 9
.endif
.endif
    b       tell_\inst
.endm
.macro PAYLOAD inst
payload_\inst:                                  @ r0 = the header, r5 = length
    ldr     pc, [pc, r5, lsl #2]                @ pc reads 8 ahead: entry r5
    .word   0                                   @ (skipped: the table is at pc)
    .word   tell_\inst                          @ 0 words: nothing to copy
    .word   payload_1_\inst
    .word   payload_2_\inst
    .word   payload_3_\inst
    .word   payload_4_\inst
    .word   payload_5_\inst
    .word   payload_6_\inst
    .word   payload_7_\inst
    .word   payload_8_\inst
    .word   payload_9_\inst
    .word   payload_10_\inst
    PAYLOAD_WORDS 2, r4, \inst
    PAYLOAD_WORDS 3, r5, \inst
    PAYLOAD_WORDS 4, r6, \inst
    PAYLOAD_WORDS 5, r7, \inst
    PAYLOAD_WORDS 6, r8, \inst
    PAYLOAD_WORDS 7, r9, \inst
    PAYLOAD_WORDS 8, r10, \inst
    PAYLOAD_WORDS 9, r11, \inst
    PAYLOAD_WORDS 10, r12, \inst
payload_1_\inst:                                @ 1 word: the saved r3, after
    ldr     r3, [sp, #TF_R0 + 12]               @ the header; on into block 7
    str     r3, [r0, #4]
tell_\inst:
.endm

/* Block 7: tell the receiver: pending bit, counter, run queue (a blocked
 * receiver joins it at wake_\inst, 7') (lmp_deliver's end).
 * in: r2 = the ring, lr = receiver DCB; scratch r0, r1, r3-r5 */
.macro TELL inst
    ldr     r3, [r2, #LEP_ID]
    ldr     r4, [lr, #DCB_SHARED]               @ receiver's dispatcher_shared
    and     r3, r3, #31
    mov     r5, #1
    ldrd    r0, r1, [r4, #DS_LMP_PENDING]       @ r0 = pending, r1 = delivered
    orr     r0, r0, r5, lsl r3
    add     r1, r1, #1
    strd    r0, r1, [r4, #DS_LMP_PENDING]
    ldr     r3, [lr, #DCB_STATE]
    cmp     r3, #ASM_DCB_BLOCKED
    beq     wake_\inst
woken_\inst:
.endm

/* Blocks 2-5 of a send: the endpoint (with the capability.fast bit
 * `fast`: the rights a send asks), the receiver, room in its ring.
 * in: r1 = the endpoint's address, r5 = length; out: as RING_ROOM,
 * r10 = sender DCB */
.macro SEND_CHECKS fast
    mrc     p15, 0, r10, c13, c0, 4             @ r10 = sender DCB (TPIDRPRW:
                                                @ dcb_current, sched.h)
    LOOKUP  r10, r1, r6, r2, r3, r12            @ block 2: r6 = the endpoint
    EP_OK   \fast                               @ block 3: a minted EndPoint
    RECEIVER_OK                                 @ block 4: lr = receiver
    RING_ROOM                                   @ block 5: r2 = ring, ...
.endm

/* Blocks 2-7 of a send without a capability, up to the receiver told:
 * one copy for each end of the send (block 8), \inst = sync (on to
 * block 9) or async (back to the sender, to_sender). */
.macro SEND_PLAIN inst
    SEND_CHECKS ASM_CAPFAST_SEND                @ a minted EndPoint, WRITE
    DELIVER r5, wrap_\inst                      @ block 6: header = length
    PAYLOAD \inst
    TELL    \inst                               @ block 7
.endm

/* Block 6': the message crosses the end of the ring: word by word.
 * in: r0 = delivered, r2 = ring, r3 = index, r5 = length, r11 = 4 x mask,
 *     lr = receiver; at wrap_hdr_\inst, r7 = the header (block 6c's has
 *     the capability bit) */
.macro WRAP inst
wrap_\inst:
    mov     r7, r5                              @ header = length, no cap
wrap_hdr_\inst:
    add     r12, r0, r5
    add     r12, r12, #1                        @ delivered + len + 1
    str     r12, [r2, #LEP_DELIVERED]
    add     r0, r2, #LEP_BUF
    str     r7, [r0, r3, lsl #2]                @ the header
    add     r1, sp, #TF_R0 + 12                 @ the payload in the frame
1:  subs    r5, r5, #1
    blo     tell_\inst
    add     r3, r3, #1
    and     r3, r3, r11, lsr #2
    ldr     r12, [r1], #4
    str     r12, [r0, r3, lsl #2]
    b       1b
.endm

/* Block 7': a blocked receiver joins the run queue. */
.macro WAKE inst
wake_\inst:
    mov     r7, lr                              @ r4-r11 survive the call
    mov     r0, lr
    mov     r4, sp
    bic     sp, sp, #7                          @ AAPCS: 8-byte aligned calls
    bl      sched_make_runnable
    mov     sp, r4
    mov     lr, r7
    b       woken_\inst
.endm

    /* ---- 1. the system call word (r0): a sync send we can do here ----
     * (syscall_handle, sys_invoke in kernel/syscall.c; lmp_send's end).
     * Rotated by 16, the word's length field is its lowest (bits 0-3),
     * and every other bit belongs to a field with one value here: the
     * flags (4-7: sync alone -- a capability, the non-blocking flag or
     * GIVEAWAY, and the word is block 1a's), the reserved bits (8-15),
     * sys (16-19: SYS_INVOKE), the level (20-23: 0 or 2, so its bit 1 is
     * cleared first) and the method (24-31: 0 -- see SYNC_SEND).  So the
     * eor with those values leaves the length alone if they all match,
     * and a number of 16 or more if one does not: one compare tests
     * "this kind of word, at most LMP_MSG_WORDS" (else C:
     * PAYLOAD_TOO_LONG).  Only r4 and r5 change: block 1a's null call
     * and delete find r1-r3 as the caller left them. */
    ldr     r5, =ROR16(SYNC_SEND)
    bic     r4, r0, #(ASM_CAP_LEVEL_L2 << SYSW_LEVEL_SHIFT)
    eor     r5, r5, r4, ror #16                 @ r5 = payload words, or > 15
    cmp     r5, #LMP_MSG_WORDS
    bhi     not_sync                            @ another word (block 1a)

    SEND_PLAIN sync                             @ blocks 2-7
    /* ---- 8. nothing left to test: block 1 let only a sync send (and not
     * a non-blocking one) through here, which switches (lmp_send's end);
     * block 1a sends the others down their own copy of blocks 2-7 ---- */

    /* ---- 9. sync: the sender's registers to the save area of its mode,
     * and the receiver becomes current (it runs out the sender's slice):
     * sched_save_current, then sched_dispatch(receiver) (kernel/sched.c).
     * lr = receiver, r10 = the sender: block 2's, kept through blocks 3-7
     * (the payload entries that load r10 -- 8 words or more -- and block
     * 6c, after 5c's copy, read TPIDRPRW again); the copy uses r0-r12. */
    mcr     p15, 0, lr, c13, c0, 4              @ dcb_current = the receiver
    mrc     p15, 0, r0, c13, c0, 2              @ the sender's TPIDRURW
    str     r0, [r10, #DCB_TPIDRURW]            @ (dispatch_save_cpu_state)
    ldr     r2, [r10, #DCB_ENABLED_AREA]        @ &shared->enabled_area
    ldm     sp!, {r3-r12}                       @ frame r0-r9 (TF_R0 = 0)
    ldr     r0, [r2, #DS_DISABLED - DS_ENABLED_AREA]
    cmp     r0, #0
    addne   r2, r2, #DS_DISABLED_AREA - DS_ENABLED_AREA
    mov     r3, #0                              @ r0 = SYS_ERR_OK
    stm     r2!, {r3-r12}                       @ save area r0-r9
    ldm     sp!, {r3-r9}                        @ frame r10-r12, sp, lr, pc, cpsr
    stm     r2, {r3-r9}                         @ sp = the top: the stack is empty

    /* ---- 10. the receiver's (lr) address space and user CPU state -----
     * as dispatch_switch_vspace does it: its cached ASID if asid_owner
     * still names its table (asid_valid: the DCB's asid_slot is always
     * &asid_owner[asid]), else dispatch_asid (10'); then
     * vspace_load's sequence (asid.c, ARM ARM B3.10.4): TTBR0 = the
     * kernel's table, which has no user entries (TTBR1's value, which
     * dispatch_setup keeps in the DCB's kernel_ttbr: one register of the
     * ldm, not an mrc; scripts/check_disasm.py checks where the value
     * comes from); DSB (Cortex-A9 erratum
     * 754322) and CONTEXTIDR; TTBR0 -- an isb after each write, and no
     * branch in between.  Then clrex (no ldrex of the sender's may pair
     * with a strex of the receiver's: ARM ARM A3.4.4), TPIDRURW and
     * TPIDRURO (dispatch_resume, sched_exit). */
    ldm     lr, {r2-r8, r11, lr}                @ shared, frame_kva, ttbr0, asid,
                                                @ tpidrurw, asid_slot, kernel_ttbr,
                                                @ psr_user_bits (r11: 10' keeps it),
                                                @ disabled_area: the DCB's first
                                                @ words (lr, the base, last:
                                                @ no writeback, ARM ARM A8.8.58)
    ldr     r3, [r7]                            @ asid_owner[asid]
    cmp     r3, r4
    bne     asid_stale
asid_ok:
    mcr     p15, 0, r8, c2, c0, 0               @ TTBR0 = the kernel's table
                                                @ (TTBR1's value, kept in the DCB)
    isb
    dsb
    mcr     p15, 0, r5, c13, c0, 1              @ CONTEXTIDR = the ASID
    isb
    mcr     p15, 0, r4, c2, c0, 0               @ TTBR0 (walk bits included)
    isb
    clrex
    mcr     p15, 0, r6, c13, c0, 2              @ TPIDRURW
    ldrd    r0, r1, [r2, #DS_DISABLED]          @ disabled, thread_pointer
    mcr     p15, 0, r1, c13, c0, 3              @ TPIDRURO
    cmp     r0, #0
    beq     enter_run

    /* ---- 11a. disabled: resume exactly where it was, from its disabled
     * save area (lr_svc, from block 10's ldm); only the user bits of its
     * saved CPSR count (dispatch_resume, dispatch_sanitize_cpsr:
     * kernel/dispatch.c) ------ */
    ldr     r0, [lr, #TF_CPSR]
    and     r0, r0, r11                         @ the DCB's psr_user_bits:
                                                @ PSR_USER_BITS, no literal
    orr     r0, r0, #MODE_USR
    msr     spsr_fsxc, r0
    ldm     lr, {r0-lr}^                        @ r0-r12, the user sp and lr
    ldr     lr, [lr, #TF_PC]                    @ (the base: lr_svc, banked)
    movs    pc, lr                              @ SPSR -> CPSR: user mode

    /* ---- 11b. enabled: disabled from now on, entered through run(udisp)
     * on its upcall stack, every other register zero (dispatch_resume,
     * upcall: kernel/dispatch.c) ------------------------------------------ */
enter_run:
    mov     r0, #1
    str     r0, [r2, #DS_DISABLED]
    ldr     r0, [r2, #DS_RUN_ENTRY]
    and     r1, r0, #1                          @ bit 0: a Thumb function
    bic     lr, r0, #1                          @ lr_svc = run()
    lsl     r1, r1, #5                          @ PSR_T is bit 5
    orr     r1, r1, #MODE_USR
    msr     spsr_fsxc, r1
    ldr     r1, [r2, #DS_STACK_TOP]
    mov     r3, #0
    str     r1, [sp, #TF_SP - TF_SIZE]          @ (the frame's old place,
    str     r3, [sp, #TF_LR - TF_SIZE]          @ below the empty stack)
    sub     r1, sp, #TF_SIZE - TF_SP
    ldm     r1, {sp, lr}^                       @ user sp = upcall stack, lr = 0
    ldr     r0, [r2, #DS_UDISP]                 @ r0 = udisp
    ldr     r12, =lmp_zero_words
    ldm     r12, {r1-r12}                       @ r12 is loaded last
    movs    pc, lr

    /* ---- 1a. every other word (block 1's compare failed): the null
     * call; a send with other flags (async, non-blocking) or with a
     * capability; the delete; else C.  in: r0 = the word, r5 = the
     * length eor'd with the word's fields as block 1 left it; r1-r3 and
     * r6-r12 the caller's, r4 scratch */
not_sync:
    cmp     r0, #0
    beq     null_call                           @ the null call (block 1n)
    bic     r5, r5, #ROR16(SYSW_FLAG_CAP | SYSW_FLAG_SYNC | SYSW_FLAG_NONBLOCK)
    cmp     r5, #LMP_MSG_WORDS                  @ a send but for those flags,
    bhi     delete_word                         @ at most 10 words? else 1d
    tst     r0, #SYSW_FLAG_CAP                  @ (a GIVEAWAY is not: C's
    bne     send_cap                            @ cap_move, from 1d)

    /* ---- 2-7 of an async or non-blocking send, then back to the
     * sender, r0 = SYS_ERR_OK and every other register its own (lmp_send
     * without the switch) */
    SEND_PLAIN async
to_sender:
    ldm     sp, {r0-lr}^                        @ r0-r12, the user sp and lr
    mov     r0, #0                              @ r0 = SYS_ERR_OK
    add     sp, sp, #TF_PC
    rfeia   sp!                                 @ pc, cpsr; sp = stack top

    /* ---- 1c. a send that carries a capability (SYSW_FLAG_CAP), copied,
     * not moved (a GIVEAWAY is cap_move's: block 1a left it to C).
     * Blocks 2-5 as for a plain send, with the grant right too (lmp_send),
     * and block 5c.  in: r5 = length */
send_cap:
    SEND_CHECKS ASM_CAPFAST_SEND_CAP            @ block 3, with GRANT too

    /* ---- 5c. the capability: the sender's is there, the receiver's
     * receive slot is named, in an L2 CNode it may write, and empty
     * (lmp_send, find_recv_slot: kernel/lmp.c); then it is copied there
     * with its own rights, as cap_copy and mdb_insert_copy do
     * (kernel/cap.c, kernel/mdb.c): the slot as cte_set leaves it, the
     * copy right after the source in the derivation list, with the
     * source's depth and its cross-core mark (MDB_CROSS_*: a copy of a
     * lent or borrowed capability is one too, docs/multikernel.md
     * section 6) -- the word after depth holds copy_of_prev and cross,
     * so it is the source's with copy_of_prev set.
     * in: blocks 1-5's registers, r10 = sender; r1, r3, r7-r9, r12 free */
    ldr     r1, [sp, #TF_R0 + 8]                @ the sender's r2
    LOOKUP  r10, r1, r7, r8, r9, r3             @ r7 = the source CTE
    ldrb    r3, [r7, #CAP_TYPE]
    cmp     r3, #ASM_TYPE_NULL
    beq     slow                                @ C: CAPTRANSFER_SRC
    ldr     r1, [r2, #LEP_RECV_SLOT]
    cmp     r1, #0                              @ CPTR_NULL: refuses them
    beq     slow                                @ C: CAPTRANSFER_DST_LOOKUP
    LOOKUP  lr, r1, r8, r8, r9, r3, ASM_CAPFAST_L2CNODE_W
    ldrb    r3, [r8, #CAP_TYPE]
    cmp     r3, #ASM_TYPE_NULL
    bne     slow                                @ C: CAPTRANSFER_DST_FULL
    /* Every check is done: from here on the send happens.  Kept: r0, r2,
     * r5, r11, lr; r4 is recomputed below. */
    ldm     r7, {r1, r3, r4, r6, r9, r10}       @ the capability, its rights
    stm     r8, {r1, r3, r4, r6, r9, r10}       @ (and fast, kva: the same)
    add     r3, r7, #CTE_MDB_NEXT
    ldm     r3, {r9, r10, r12}                  @ the source's next, depth, and
                                                @ copy_of_prev | cross << 8 (padding 0)
    orr     r12, r12, #1                        @ copy_of_prev; cross: the source's
    add     r3, r8, #CTE_MDB_PREV
    stm     r3, {r7, r9, r10, r12}              @ prev = the source, its next
    str     r8, [r7, #CTE_MDB_NEXT]             @ link_after(source, copy)
    cmp     r9, #0
    strne   r8, [r9, #CTE_MDB_PREV]
    and     r1, r1, #0xff                       @ the type
    cmp     r1, #ASM_TYPE_RAM                   @ one retype mark per object
    cmpne   r1, #ASM_TYPE_PHYSADDR              @ (has_watermark)
    ldreq   r3, [r7, #CTE_MAP_RETYPED_TO]
    movne   r3, #0
    mov     r6, #0
    mov     r7, #0
    strd    r6, r7, [r8, #CTE_MAP]              @ not mapped
    str     r3, [r8, #CTE_MAP_RETYPED_TO]
    strd    r6, r7, [r8, #CTE_WORK]             @ work
    str     r6, [r8, #CTE_FLAGS]

    /* ---- 6c. deliver as block 6, the header saying a capability came,
     * into the copy of blocks 6-7 for the word's end: for a capability
     * send, block 8 is here (lmp_send's end), the word read again from
     * the frame -- no register lasts through blocks 2-5c */
    ldr     r1, [sp, #TF_R0]                    @ the system call word
    and     r1, r1, #SYSW_FLAG_SYNC | SYSW_FLAG_NONBLOCK
    rsb     r4, r5, r11, lsr #2                 @ r4 = mask - len again
    orr     r7, r5, #ASM_LMP_HDR_CAP            @ r7 = the header
    cmp     r1, #SYSW_FLAG_SYNC
    bne     cap_async
    mrc     p15, 0, r10, c13, c0, 4             @ the sender again (5c used
                                                @ r10), for block 9
    DELIVER r7, wrap_hdr_sync
    b       payload_sync
cap_async:
    DELIVER r7, wrap_hdr_async
    b       payload_async

    /* ---- 1n. the null system call (r0 == 0: SYS_NOP, method 0, no
     * flags) returns SYS_ERR_OK, already in r0, at once -- what
     * svc_entry does before its frame when the fast path is built out;
     * here it costs a sync send nothing (a word of 0 fails block 1's
     * compare).  Every other register as the caller left it: block 1
     * changed only r4 and r5. */
null_call:
    ldrd    r4, r5, [sp, #TF_R0 + 16]           @ the caller's r4, r5
    add     sp, sp, #TF_SIZE                    @ drop the frame
    movs    pc, lr                              @ back to the caller, SPSR -> CPSR

    WRAP    sync                                @ block 6'
    WRAP    async

    /* ---- 10'. the receiver's table lost its ASID in a rollover, or it
     * never ran: dispatch_asid(receiver) finds or makes one (a rollover
     * leaves every user table first, then invalidates the TLB).  The
     * receiver is current since block 9: TPIDRPRW.
     * in: r2, r4, r6, r8, r11, lr as in block 10 (r8 and r11 live
     * through the call: callee-saved); out: r5 = the ASID */
asid_stale:
    mov     r9, lr                              @ r4-r11 survive the call
    mov     r10, r2
    mrc     p15, 0, r0, c13, c0, 4              @ the receiver
    mov     r7, sp
    bic     sp, sp, #7                          @ AAPCS: 8-byte aligned calls
    bl      dispatch_asid
    mov     sp, r7
    mov     lr, r9
    mov     r2, r10
    mov     r5, r0
    b       asid_ok

    WAKE    sync                                @ block 7'
    WAKE    async

/* ---- The delete: libsys' cap_delete of a capability with another copy
 * ---------------------------------------------------------------------
 * What syscall_delete_fast -> cnode_delete_fast -> cap_delete_leaf
 * (kernel/syscall.c, kernel/cnode.c, kernel/cap.c) do for the common case,
 * a received capability dropped by its receiver: the sender keeps its own
 * copy, so the delete unlinks one entry of the derivation database and
 * empties one slot -- nothing is destroyed, no dispatcher changes state,
 * the caller goes on.  The same checks as the C shortcut, in its order;
 * the two cases it takes that this path leaves to it -- the last copy of
 * plain memory (cap_hook_destroy), and the first entry of the whole
 * derivation list (mdb_head is mdb.c's) -- and everything C would refuse
 * go to `slow` with nothing changed: C then does the delete or names the
 * error, as without this path.  Built out with the rest of the file
 * (CONFIG_NO_LMP_FASTPATH: the -slow images delete through C alone).
 *
 * Register contract (blocks 1d-5d):
 *   in:  (from block 1a) sp = the trap frame, r0 = the system call word
 *        (not 0), r1-r3 = the caller's, r4 and r5 = scratch (their values
 *        are in the frame), r6-r12 = the caller's (also in the frame), lr
 *        = scratch; SVC mode, IRQs masked
 *   out: back to the caller with r0 = SYS_ERR_OK and r1-r3 = 0 (no
 *        results, as sys_invoke leaves them), r4-r12 as it left them,
 *        TPIDRURO = its thread pointer, sp at the top of the SVC stack;
 *        or `slow` with the frame untouched
 *   scratch: r0-r12, lr
 */

    /* ---- 1d. the word: exactly cap_invoke2's for CNodeCmd_Delete, the
     * invoked capability at level 2 (syscall_delete_fast).  Every other
     * word goes to C after these 3. */
delete_word:
    movw    r4, #ASM_SYSW_CNODE_DELETE
    cmp     r0, r4
    bne     slow

    /* ---- 2d. the slot's level is 2 too (r3); the invoked capability
     * (r1), looked up as in block 2, is a CNode -- L1 or L2 -- with the
     * right cap_invoke_rights asks of a delete, WRITE (kernel/cap_types.c)
     * (cnode_delete_fast) */
    cmp     r3, #ASM_CAP_LEVEL_L2
    bne     slow                                @ C: its own lookup's error
    mrc     p15, 0, r10, c13, c0, 4             @ r10 = the caller's DCB
    LOOKUP  r10, r1, r6, r4, r5, r12            @ r6 = the invoked CTE
    ldrb    r3, [r6, #CAP_FAST]                 @ capability.fast (cap.h)
    tst     r3, #ASM_CAPFAST_CNODE_W
    beq     slow                                @ C: not a CNode, no WRITE, ...

    /* ---- 3d. the slot (the caller's r2), in an L2 CNode with the write
     * right (cnode_delete_fast; cap_slot_l2 as block 2) */
    LOOKUP  r10, r2, r7, r4, r5, r12, ASM_CAPFAST_L2CNODE_W @ r7 = the slot

    /* ---- 4d. cap_delete_leaf's tests (kernel/cap.c): a capability, not
     * CTE_HELD, not mapped; another copy of it -- copy_of_prev, or a next
     * entry that continues its copy group (mdb_has_copies, kernel/mdb.c);
     * and an entry before it, which mdb_remove relinks (the list's first
     * entry is mdb_head's, in C) */
    ldrb    r3, [r7, #CAP_TYPE]
    ldr     r4, [r7, #CTE_FLAGS]
    ldr     r5, [r7, #CTE_MAP_TABLE]
    cmp     r3, #ASM_TYPE_NULL
    beq     slow                                @ C: CAP_NOT_FOUND
    and     r4, r4, #ASM_CTE_HELD
    orrs    r4, r4, r5                          @ held or mapped:
    bne     slow                                @ C's general delete
    ldrd    r0, r1, [r7, #CTE_MDB_PREV]         @ r0 = prev, r1 = next
    ldrb    r3, [r7, #CTE_MDB_COPY_OF_PREV]
    cmp     r0, #0
    beq     slow                                @ the list's head: C
    cmp     r3, #0
    bne     delete_unlink                       @ a copy of prev: in its group
    cmp     r1, #0                              @ else it heads its group:
    ldrbne  r4, [r1, #CTE_MDB_COPY_OF_PREV]     @ does next continue it?
    cmpne   r4, #0
    beq     slow                                @ the last copy: C decides
    /* Every check is done: from here on the delete happens. */
    strb    r3, [r1, #CTE_MDB_COPY_OF_PREV]     @ next heads it now (r3 = 0)

    /* ---- 5d. mdb_remove's unlink and cte_clear (kernel/mdb.c,
     * kernel/cap.c), then back to the caller as syscall_delete_fast
     * returns: SYS_ERR_OK, no results, its TPIDRURO loaded (sched_exit) */
delete_unlink:
    str     r1, [r0, #CTE_MDB_NEXT]             @ prev->next = next
    cmp     r1, #0
    strne   r0, [r1, #CTE_MDB_PREV]             @ next->prev = prev
    ldr     r0, =lmp_zero_words
    ldm     r0, {r0-r6, r8}                     @ eight zeros (no writeback: the
                                                @ base may be in the list)
    stm     r7!, {r0-r6, r8}                    @ the slot: 64 bytes of zero
    stm     r7, {r0-r6, r8}
    ldr     r4, [r10, #DCB_SHARED]
    ldr     r4, [r4, #DS_THREAD_POINTER]
    mcr     p15, 0, r4, c13, c0, 3              @ TPIDRURO
delete_return:                                  @ r0-r3 = 0: OK, no results
    add     r4, sp, #TF_R0 + 16
    ldm     r4, {r4-r12}                        @ the caller's r4-r12
    add     sp, sp, #TF_PC
    rfeia   sp!                                 @ pc, cpsr; sp = stack top

/* LAB 8 END */
slow:
    mov     r0, sp
    mov     r1, #EXC_SVC
    b       exception_common
    .size   lmp_fastpath, . - lmp_fastpath
    .ltorg

/* Twelve zero words: the registers an upcall starts with (11b). */
    .section .rodata
    .align  2
lmp_zero_words:
    .rept   12
    .word   0
    .endr
