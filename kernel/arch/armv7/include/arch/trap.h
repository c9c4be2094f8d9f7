/*
 * kernel/arch/armv7/include/arch/trap.h -- the register frame an exception
 * entry stub saves, and the exception types it reports.
 */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

/* Exception types passed to exception_dispatch() (vector order). */
#define EXC_UNDEF       1
#define EXC_SVC         2
#define EXC_PABT        3
#define EXC_DABT        4
#define EXC_IRQ         6
#define EXC_FIQ         7

/* Byte offsets into struct trap_frame, for the assembly stubs. */
#define TF_R0           0
#define TF_SP           52
#define TF_LR           56
#define TF_PC           60
#define TF_CPSR         64
#define TF_SIZE         68

#ifndef __ASSEMBLY__
#include <types.h>

/*
 * The interrupted context.  The layout (r0-r12, sp, lr, pc, cpsr) matches the
 * order the stubs push it and is also the layout of a dispatcher save area.
 * For an abort or undefined instruction, pc is the faulting instruction.
 */
struct trap_frame {
    uint32_t r[13];
    uint32_t sp;
    uint32_t lr;
    uint32_t pc;
    uint32_t cpsr;
};
STATIC_ASSERT(sizeof(struct trap_frame) == TF_SIZE, "trap frame layout");

/*
 * Copy a frame in eight doubleword loads and stores and one word: the
 * C path saves and restores a frame on every switch (kernel/sched.c,
 * kernel/dispatch.c), and the general memcpy takes 31 instructions for
 * these 68 bytes.  LDRD/STRD need only word alignment (ARM ARM A3.2.1),
 * which every frame and save area has.
 */
static inline void trap_frame_copy(struct trap_frame *dst, const struct trap_frame *src)
{
    uint64_t *d = (uint64_t *)dst;
    const uint64_t *s = (const uint64_t *)src;
#pragma GCC unroll 8
    for (unsigned i = 0; i < TF_CPSR / 8; i++) {
        d[i] = s[i];
    }
    dst->cpsr = src->cpsr;
}

void exception_dispatch(struct trap_frame *tf, unsigned type);
void trap_frame_dump(const struct trap_frame *tf);

/* A one-line description of a short-descriptor fault status (DFSR/IFSR). */
const char *fault_status_name(uint32_t fsr);

#else /* __ASSEMBLY__ */

/*
 * SVC_FRAME: the trap frame of a system call, in three instructions.  Only
 * user code makes system calls (the kernel never executes svc), so this
 * needs none of ENTRY_FRAME's tests (vectors.S): srsdb pushes the return
 * address and SPSR, one stm^ stores r0-r12 and the user-banked sp and lr
 * below them.  Used by svc_entry (vectors.S) when the LMP fast path is
 * built out, else by lmp_fastpath itself, which the SVC vector reaches
 * directly (one branch fewer on every system call).
 *   in:  SVC mode, lr_svc = the instruction after the svc, SPSR = the
 *        caller's CPSR, sp = the top of the SVC stack
 *   out: sp = the frame; r0-r12 still the caller's
 */
.macro SVC_FRAME
    srsdb   sp!, #MODE_SVC              @ push {pc, cpsr}
    stmdb   sp, {r0-lr}^                @ r0-r12, sp_usr, lr_usr below them
    sub     sp, sp, #TF_PC              @ sp = the frame
.endm
#endif

#endif
