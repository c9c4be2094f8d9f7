/*
 * kernel/include/fault_catch.h -- recovering from an expected kernel fault.
 *
 * In-kernel tests (test builds only) prove that a fault is caught and
 * reported with the right cause by provoking it:
 *
 *     struct fault_info fi;
 *     if (fault_catch(&fi, provoke_fn, arg)) {
 *         ... the fault happened; fi says what it was ...
 *     }
 *
 * fault_catch() calls provoke_fn(arg).  If it faults, the exception handler
 * reports the fault as usual, fills in fi and makes fault_catch() return
 * true (a setjmp/longjmp-style escape, tests/kernel/fault_catch_asm.S).
 * Outside such a call, or in release builds, a kernel fault panics.
 */
#ifndef SPRAT_FAULT_CATCH_H
#define SPRAT_FAULT_CATCH_H

#include <types.h>

struct trap_frame;

struct fault_info {
    unsigned type;          /* EXC_DABT, EXC_PABT, EXC_UNDEF, ... */
    uint32_t pc;            /* faulting instruction */
    uint32_t address;       /* DFAR/IFAR, or the pc for undefined instructions */
    uint32_t status;        /* DFSR/IFSR */
    bool is_write;
    const char *cause;      /* decoded status, e.g. "translation fault (section)" */
};

/* Decode the fault the exception of type took at tf. */
void fault_describe(const struct trap_frame *tf, unsigned type,
                    struct fault_info *fi);

/* Print "data abort at pc ...: cause, address ..." for fi. */
void fault_report(const struct fault_info *fi);

#ifdef CONFIG_TEST
bool fault_catch(struct fault_info *fi, void (*fn)(void *), void *arg);
/* Called by the fault handler: if a catcher is armed, record fi and
 * redirect tf to the catcher's landing point; returns true if it did. */
bool fault_catch_take(struct trap_frame *tf, const struct fault_info *fi);
#else
static inline bool fault_catch_take(struct trap_frame *tf,
                                    const struct fault_info *fi)
{
    (void)tf;
    (void)fi;
    return false;
}
#endif

#endif
