/*
 * kernel/arch/armv7/vectors.S -- the exception vector table and the
 * entry/exit stubs.
 *
 * Every stub builds a struct trap_frame (arch/trap.h) on the SVC stack and
 * calls exception_dispatch(frame, type) in C, in SVC mode with interrupts
 * masked.  Running all handlers in SVC mode means one stack and one frame
 * format for every kind of entry; the small per-mode stacks set up by
 * boot.S are never used by the stubs.
 *
 * srsdb ("store return state") pushes the exception's return address and
 * SPSR straight onto the SVC stack, which is what lets us leave the
 * exception mode in two instructions.
 */
#include <arch/armv7.h>
#include <arch/trap.h>

    .text
    .syntax unified
    .arm
    .align  5                           @ VBAR needs 32-byte alignment
    .global exception_vectors
exception_vectors:
    b       reset_entry                 @ 0x00 reset (not reached via VBAR)
    b       undef_entry                 @ 0x04 undefined instruction
#ifdef CONFIG_NO_LMP_FASTPATH
    b       svc_entry                   @ 0x08 supervisor call
#else
    b       lmp_fastpath                @ 0x08 supervisor call: the fast path
                                        @ builds the frame itself (SVC_FRAME)
#endif
    b       pabt_entry                  @ 0x0c prefetch abort
    b       dabt_entry                  @ 0x10 data abort
    b       reset_entry                 @ 0x14 reserved (HYP trap)
    b       irq_entry                   @ 0x18 IRQ
    b       fiq_entry                   @ 0x1c FIQ

/*
 * ENTRY_FRAME: build a trap frame on the SVC stack.
 *   in:  lr = the exception mode's return address, already adjusted so
 *        that it is the address to resume at (or the faulting instruction)
 *   out: SVC mode, sp = the frame, r0 = sp, r1 = type, all other registers
 *        of the interrupted context saved in the frame
 */
.macro ENTRY_FRAME type
    srsdb   sp!, #MODE_SVC              @ push {pc, cpsr} on the SVC stack
    cps     #MODE_SVC
    sub     sp, sp, #8                  @ room for the interrupted sp, lr
    push    {r0-r12}
    ldr     r0, [sp, #TF_CPSR]
    and     r0, r0, #MODE_MASK
    add     r1, sp, #TF_SP
    cmp     r0, #MODE_USR
    cmpne   r0, #MODE_SYS
    stmeq   r1, {sp, lr}^               @ from user: the user-banked sp, lr
    addne   r2, sp, #TF_SIZE            @ from the kernel: sp before the frame
    stmne   r1, {r2, lr}                @   and lr_svc, still intact
    mov     r0, sp
    mov     r1, #\type
.endm

undef_entry:
    @ lr_und = faulting instruction + 4 in ARM state (+2 in Thumb state);
    @ the C handler corrects the pc for Thumb.
    sub     lr, lr, #4
    ENTRY_FRAME EXC_UNDEF
    b       exception_common

/*
 * svc_entry -- a system call, when the LMP fast path is built out (the
 * *-slow images); otherwise the SVC vector goes to lmp_fastpath, which
 * builds the same frame and answers the null call there (block 1n).
 *   in:  lr_svc = the instruction after the svc, SPSR = the caller's CPSR
 *   out: the null system call returns at once; everything else reaches
 *        exception_common with sp = r0 = the frame
 */
#ifdef CONFIG_NO_LMP_FASTPATH
svc_entry:
    @ The null system call (r0 == 0: SYS_NOP, method 0, no flags) needs no
    @ state at all: return SYS_ERR_OK (= 0, already in r0) at once.
    cmp     r0, #0
    movseq  pc, lr                      @ back to the caller, SPSR -> CPSR
    SVC_FRAME
    mov     r0, sp
    mov     r1, #EXC_SVC
    b       exception_common
#endif

pabt_entry:
    sub     lr, lr, #4                  @ lr_abt = faulting instruction + 4
    ENTRY_FRAME EXC_PABT
    b       exception_common

dabt_entry:
    sub     lr, lr, #8                  @ lr_abt = faulting instruction + 8
    ENTRY_FRAME EXC_DABT
    b       exception_common

irq_entry:
    sub     lr, lr, #4                  @ lr_irq = interrupted instruction + 4
    ENTRY_FRAME EXC_IRQ
    b       exception_common

fiq_entry:
    sub     lr, lr, #4
    ENTRY_FRAME EXC_FIQ
    b       exception_common

reset_entry:
    @ A branch through address 0 of the vector table: treat it like an
    @ undefined instruction so it is reported, not silently restarted.
    ENTRY_FRAME EXC_UNDEF
    b       exception_common

/*
 * exception_common -- call the C handler, then return through the frame.
 *   in:  r0 = frame (= sp), r1 = type
 */
    .global exception_common
exception_common:
    mov     r4, sp                      @ the frame (r4 survives the call)
    bic     sp, sp, #7                  @ AAPCS: calls want an 8-byte aligned sp
    bl      exception_dispatch
    mov     sp, r4
    @ fall through

    .global exception_return
/*
 * exception_return -- resume the context in the trap frame at sp.
 *   in:  sp = struct trap_frame (possibly modified by the C handler)
 *   out: does not return; sp is back above the frame
 *
 * The frame may be another dispatcher's than the one that entered (a
 * switch, sched.c), so the local exclusive monitor is cleared first: an
 * ldrex of the old context must not pair with a strex of the new one
 * (ARM ARM A3.4.4, "Context switch support").  Clearing it on every return
 * costs one instruction and only makes a strex interrupted since its ldrex
 * fail and retry, which the ldrex/strex loop allows for anyway; the LMP
 * fast path clears it on its own switch (lmp_fastpath.S, block 10).
 */
exception_return:
    clrex
    ldr     r0, [sp, #TF_CPSR]
    and     r0, r0, #MODE_MASK
    add     r1, sp, #TF_SP
    cmp     r0, #MODE_USR
    cmpne   r0, #MODE_SYS
    ldmeq   r1, {sp, lr}^               @ to user: restore user sp, lr
    ldrne   lr, [sp, #TF_LR]            @ to the kernel: restore lr_svc
    pop     {r0-r12}
    add     sp, sp, #8                  @ skip sp, lr
    rfeia   sp!                         @ pop pc and cpsr: back we go
