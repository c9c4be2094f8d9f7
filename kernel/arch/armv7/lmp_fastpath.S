/*
 * kernel/arch/armv7/lmp_fastpath.S -- the LMP send fast path
 * (docs/lmp.md, "The fast path block by block").
 *
 * Reached from svc_entry (vectors.S) with the caller's registers already
 * saved as a trap frame.  It handles exactly the common case:
 *
 *   - SYS_INVOKE with no capability to transfer, reserved bits clear, at
 *     most LMP_MSG_WORDS words, address level 0/2, and either the sync
 *     flag (switch to the receiver) or the non-blocking flag (stay);
 *   - the capability is found by the two-level lookup and is a minted
 *     EndPoint with the write right;
 *   - the receiver is another dispatcher, runnable or blocked;
 *   - the receiver's ring has room, and its size is a power of two (so the
 *     ring index is a mask, not a division: the Cortex-A9 has no divider);
 *   - no reschedule is due (the C path would switch at the end of it).
 *
 * It then does what the C slow path (kernel/lmp.c, lmp_send) does for that
 * case, with the same visible result: the message and its header in the
 * ring, the receiver's pending bit and counter, r0 = SYS_ERR_OK for the
 * sender, and for a sync send the sender's registers in its enabled or
 * disabled save area and the receiver resumed -- from its disabled save
 * area if it is disabled, else through run(udisp) with every other
 * register zero.  Anything else branches to exception_common, untouched,
 * and the C code handles it.
 *
 * Register use (everything is saved in the frame, so all are scratch):
 *   sp   the trap frame (struct trap_frame)
 *   r4   system call word          r5   payload length
 *   r6   the endpoint capability   r7   receiver DCB
 *   r8   receiver's ring (lmp_endpoint_kern)   r9  ring mask (size - 1)
 *   r10  sender DCB                r11  delivered count
 */
#include <arch/armv7.h>
#include <arch/trap.h>
#include <arch/asm_offsets.h>

    .text
    .syntax unified
    .arm

/* The system call word must be exactly: INVOKE, SYNC, no CAP/NB/GV,
 * reserved zero.  Method bits are ignored for endpoints, as in C. */
#define WORD_MUST_MASK  (SYSW_RESERVED_MASK | SYSW_FLAG_CAP | SYSW_FLAG_GIVEAWAY | \
                         SYSW_SYS_MASK)
#define WORD_MUST_BE    SYS_INVOKE
#define KVA_OFFSET      (ASM_KERNEL_VBASE - PLAT_RAM_BASE)
/* The user-settable CPSR bits: NZCVQ, GE, IT and T (dispatch.c). */
#define PSR_USER_BITS_  (0xf8000000 | 0x000f0000 | PSR_IT_MASK | PSR_T)

    .global lmp_fastpath
    .type   lmp_fastpath, %function
lmp_fastpath:
    /* ---- 1. the system call word ---------------------------------- */
    ldr     r4, [sp, #TF_R0]
    ldr     r2, =WORD_MUST_MASK
    and     r2, r4, r2
    ldr     r3, =WORD_MUST_BE
    cmp     r2, r3
    bne     slow
    tst     r4, #SYSW_FLAG_SYNC | SYSW_FLAG_NONBLOCK
    beq     slow                                @ neither: C decides
    ldr     r2, =sched_need_resched
    ldrb    r2, [r2]
    cmp     r2, #0
    bne     slow                                @ a switch is due anyway
    ubfx    r5, r4, #SYSW_LEN_SHIFT, #4         @ payload words
    cmp     r5, #LMP_MSG_WORDS
    bhi     slow
    ubfx    r2, r4, #SYSW_LEVEL_SHIFT, #4       @ level 0 or 2 only
    cmp     r2, #0
    cmpne   r2, #2
    bne     slow

    /* ---- 2. look up the endpoint: root -> L2 CNode -> slot ------------ */
    ldr     r2, =dcb_current
    ldr     r10, [r2]                           @ sender
    ldr     r2, [sp, #TF_R0 + 4]                @ r1: the capability address
    lsr     r3, r2, #8                          @ L1 index
    ldr     r12, [r10, #DCB_CSPACE + CAP_BYTES]
    cmp     r3, r12, lsr #CTE_SIZE_SHIFT        @ within the root CNode?
    bhs     slow
    ldr     r12, [r10, #DCB_CSPACE + CAP_BASE]
    ldr     r0, =KVA_OFFSET
    add     r12, r12, r0                        @ root slots (kernel address)
    add     r12, r12, r3, lsl #CTE_SIZE_SHIFT   @ the L1 slot
    ldrb    r3, [r12, #CAP_TYPE]
    cmp     r3, #ASM_TYPE_L2CNODE
    bne     slow
    ldr     r12, [r12, #CAP_BASE]
    add     r12, r12, r0
    and     r2, r2, #0xff                       @ L2 index
    add     r6, r12, r2, lsl #CTE_SIZE_SHIFT    @ the endpoint's slot

    /* ---- 3. a minted endpoint we may write to ------------------------- */
    ldrb    r3, [r6, #CAP_TYPE]
    cmp     r3, #ASM_TYPE_ENDPOINT
    bne     slow
    ldrb    r3, [r6, #CAP_RIGHTS]
    tst     r3, #ASM_CAPRIGHTS_WRITE
    beq     slow
    ldr     r9, [r6, #CAP_PARAM2]               @ buffer bytes
    cmp     r9, #0
    beq     slow

    /* ---- 4. the receiver: another dispatcher, runnable or blocked ------ */
    ldr     r7, [r6, #CAP_BASE]
    add     r7, r7, r0                          @ receiver DCB
    cmp     r7, r10
    beq     slow
    ldr     r3, [r7, #DCB_STATE]
    cmp     r3, #ASM_DCB_RUNNABLE
    cmpne   r3, #ASM_DCB_BLOCKED
    bne     slow

    /* ---- 5. room in a power-of-two ring -------------------------------- */
    sub     r9, r9, #LEP_BUF                    @ ring bytes
    lsr     r9, r9, #2                          @ ring words
    sub     r3, r9, #1
    tst     r9, r3
    bne     slow                                @ not a power of two
    mov     r9, r3                              @ r9 = mask
    ldr     r8, [r7, #DCB_FRAME_KVA]
    ldr     r3, [r6, #CAP_PARAM1]
    add     r8, r8, r3                          @ the ring
    ldr     r11, [r8, #LEP_DELIVERED]
    ldr     r3, [r8, #LEP_CONSUMED]
    sub     r3, r11, r3                         @ words in use
    add     r2, r9, #1                          @ size
    cmp     r3, r2
    bhi     slow                                @ counters corrupted: C decides
    sub     r2, r2, r3                          @ free words
    add     r3, r5, #1                          @ needed: header + payload
    cmp     r2, r3
    blo     slow

    /* ---- 6. deliver: header, then r3.. from the frame ------------------- */
    and     r2, r11, r9
    add     r12, r8, #LEP_BUF
    str     r5, [r12, r2, lsl #2]               @ header = length, no cap
    add     r0, sp, #TF_R0 + 12                 @ the payload: saved r3...
    mov     r1, #0
1:  cmp     r1, r5
    beq     2f
    add     r2, r11, #1
    add     r2, r2, r1
    and     r2, r2, r9
    ldr     r3, [r0, r1, lsl #2]
    str     r3, [r12, r2, lsl #2]
    add     r1, r1, #1
    b       1b
2:  add     r11, r11, r5
    add     r11, r11, #1
    str     r11, [r8, #LEP_DELIVERED]           @ publish after the words
    ldr     r2, [r7, #DCB_SHARED]
    ldr     r3, [r8, #LEP_ID]
    and     r3, r3, #31
    mov     r1, #1
    ldr     r0, [r2, #DS_LMP_PENDING]
    orr     r0, r0, r1, lsl r3
    str     r0, [r2, #DS_LMP_PENDING]
    ldr     r0, [r2, #DS_LMP_DELIVERED]
    add     r0, r0, #1
    str     r0, [r2, #DS_LMP_DELIVERED]

    /* ---- 7. a blocked receiver joins the run queue ---------------------- */
    ldr     r3, [r7, #DCB_STATE]
    cmp     r3, #ASM_DCB_BLOCKED
    bne     3f
    mov     r0, r7
    bl      sched_make_runnable                 @ AAPCS: r4-r11 survive
3:
    /* ---- 8. the sender: r0 = OK; non-blocking: back to it --------------- */
    mov     r0, #0
    str     r0, [sp, #TF_R0]
    tst     r4, #SYSW_FLAG_NONBLOCK
    bne     exception_return
    /* sync: its registers to the save area its mode calls for */
    ldr     r2, [r10, #DCB_SHARED]
    ldr     r3, [r2, #DS_DISABLED]
    cmp     r3, #0
    addeq   r2, r2, #DS_ENABLED_AREA
    addne   r2, r2, #DS_DISABLED_AREA
    mov     r3, sp
    .rept   TF_SIZE / 4                         @ 17 words
    ldr     r0, [r3], #4
    str     r0, [r2], #4
    .endr

    /* ---- 9. the receiver becomes current: a new time slice --------------- */
    ldr     r2, =dcb_current
    str     r7, [r2]
    ldr     r2, =sched_slice_left
    mov     r0, #ASM_TIME_SLICE
    str     r0, [r2]
    ldr     r2, [r7, #DCB_SHARED]
    ldr     r0, [r2, #DS_DISABLED]
    cmp     r0, #0
    beq     4f
    /* disabled: resume exactly where it was; only the flags, GE, IT and
     * Thumb bits of its saved CPSR count (dispatch_sanitize_cpsr) */
    add     r1, r2, #DS_DISABLED_AREA
    mov     r3, sp
    .rept   TF_SIZE / 4
    ldr     r0, [r1], #4
    str     r0, [r3], #4
    .endr
    ldr     r0, [sp, #TF_CPSR]
    ldr     r1, =PSR_USER_BITS_
    and     r0, r0, r1
    orr     r0, r0, #MODE_USR
    str     r0, [sp, #TF_CPSR]
    b       5f
4:  /* enabled: disabled from now on, entered through run(udisp) */
    mov     r0, #1
    str     r0, [r2, #DS_DISABLED]
    mov     r0, #0                              @ every register zero ...
    mov     r1, sp
    .rept   TF_SIZE / 4
    str     r0, [r1], #4
    .endr
    ldr     r0, [r2, #DS_UDISP]
    str     r0, [sp, #TF_R0]                    @ ... but r0 = udisp,
    ldr     r0, [r2, #DS_STACK_TOP]
    str     r0, [sp, #TF_SP]                    @ sp = the upcall stack,
    ldr     r0, [r2, #DS_RUN_ENTRY]
    bic     r1, r0, #1
    str     r1, [sp, #TF_PC]                    @ pc = run(),
    and     r0, r0, #1                          @ Thumb if bit 0 was set
    lsl     r0, r0, #5                          @ (PSR_T is bit 5)
    orr     r0, r0, #MODE_USR
    str     r0, [sp, #TF_CPSR]                  @ user mode, IRQs on

    /* ---- 10. its address space and thread pointer ----------------------- */
5:
    ldr     r0, [r7, #DCB_ASID]
    mcr     p15, 0, r0, c13, c0, 1              @ CONTEXTIDR: ASID first
    isb
    ldr     r0, [r7, #DCB_TTBR0]
    orr     r0, r0, #TTBR_WALK_WBWA
    mcr     p15, 0, r0, c2, c0, 0               @ TTBR0
    isb
    ldr     r0, [r2, #DS_THREAD_POINTER]
    mcr     p15, 0, r0, c13, c0, 3              @ TPIDRURO
    b       exception_return

slow:
    mov     r0, sp
    mov     r1, #EXC_SVC
    b       exception_common
    .size   lmp_fastpath, . - lmp_fastpath
    .ltorg
