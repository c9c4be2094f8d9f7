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

/*
 * What the kernel does with a capability of each type: the table
 * cap_ops[] in kernel/cap_hooks.c, one row for every type.
 *   invoke    the handler of SYS_INVOKE on a capability of this type (the
 *             rights each method needs: kernel/cap_types.c), or
 *             cap_no_invoke.  An EndPoint is not invoked but sent to:
 *             lmp_send (kernel/lmp.c).
 *   created   after a retype made the object (or boot made it)
 *   destroy   the last capability to the object was deleted.  CNodes are
 *             emptied by cap.c itself (cnode_drain), without recursion.
 */
struct cap_type_ops {
    errval_t (*invoke)(struct invocation *inv);
    void (*created)(const struct capability *cap);
    void (*destroy)(const struct capability *cap);
};
extern const struct cap_type_ops cap_ops[ObjType_Num];
/* The invoke of a type without invocations: SYS_ERR_ILLEGAL_INVOCATION. */
errval_t cap_no_invoke(struct invocation *inv);

/* Whether the type has an invocation handler in that table. */
static inline bool cap_type_invocable(unsigned type)
{
    return type < ObjType_Num && cap_ops[type].invoke != cap_no_invoke;
}

/* Call the invoked capability's type's handler (cap_no_invoke answers
 * for a type without invocations).  Inline: every invocation passes here,
 * and the table has no gaps to test for. */
static inline errval_t cap_type_invoke(struct invocation *inv)
{
    unsigned type = inv->cte->cap.type;
    return type < ObjType_Num ? cap_ops[type].invoke(inv) : SYS_ERR_ILLEGAL_INVOCATION;
}

/* The slot (addr, level; level 0 means 2) in the caller's CSpace, whose
 * CNode the caller may write (WRITE right); it may be empty
 * (kernel/cnode.c). */
errval_t lookup_writable_slot(struct invocation *inv, uint32_t addr,
                              uint32_t level, struct cte **ret);

/* Handlers, one per capability type that has invocations (their rows in
 * kernel/cap_hooks.c). */
errval_t cnode_invoke(struct invocation *inv);       /* kernel/cnode.c */
errval_t vnode_invoke(struct invocation *inv);       /* kernel/vnode.c */
errval_t dispatcher_invoke(struct invocation *inv);  /* kernel/dispatch.c */
errval_t kernel_invoke(struct invocation *inv);      /* kernel/syscall.c */
errval_t irq_invoke(struct invocation *inv);         /* kernel/irqcap.c */

#endif
