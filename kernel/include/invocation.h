/*
 * kernel/include/invocation.h -- one capability invocation, as the system
 * call layer (kernel/syscall.c) hands it to the handler of the invoked
 * capability's type.
 */
#ifndef SPRAT_INVOCATION_H
#define SPRAT_INVOCATION_H

#include <cap.h>

#define INVOKE_ARGS 11          /* r2..r12 */

struct dcb;

struct invocation {
    struct dcb *caller;         /* the invoking dispatcher */
    struct capability *root;    /* the caller's CSpace root (an L1CNode) */
    struct cte *cte;            /* the invoked capability's slot */
    uint32_t word;              /* the system call word (r0) */
    uint32_t method;            /* its method field */
    /* r2..r12 on entry, read where they are: the caller's trap frame
     * (copying the 11 words and zeroing them first was about 80
     * instructions of every C invocation, docs/lmp.md) */
    const uint32_t *args;
    uint32_t ret[3];            /* r1..r3 on return (zeroed before the call) */
};

/* The invoked capability's type's handler (the table in kernel/cap_hooks.c),
 * or SYS_ERR_ILLEGAL_INVOCATION for a type without invocations. */
errval_t cap_type_invoke(struct invocation *inv);
/* Whether the type has an invocation handler in that table. */
bool cap_type_invocable(unsigned type);

/* Handlers, one per capability type that has invocations (their rows in
 * kernel/cap_hooks.c). */
errval_t cnode_invoke(struct invocation *inv);       /* kernel/cnode.c */
errval_t vnode_invoke(struct invocation *inv);       /* kernel/vnode.c */
errval_t dispatcher_invoke(struct invocation *inv);  /* kernel/dispatch.c */
errval_t kernel_invoke(struct invocation *inv);      /* kernel/syscall.c */
errval_t irq_invoke(struct invocation *inv);         /* kernel/irqcap.c */

#endif
