/*
 * kernel/cap_hooks.c -- the per-type table of what the kernel does with a
 * capability of each type (its invocation handler, what happens when an
 * object is made and when its last capability goes), and the hooks the
 * capability code (kernel/cap.c) calls when a capability leaves its slot,
 * moves, or was the last one to its object.  Kept apart from cap.c so that
 * cap.c stays pure C that the host tests can compile with stubs instead
 * (docs/capabilities.md; adding a type: docs/extending.md).
 */
#include <kernel.h>
#include <cap.h>
#include <vnode.h>
#include <dispatch.h>
#include <irqcap.h>
#include <invocation.h>

static void dispatcher_destroy(const struct capability *cap)
{
    dispatch_destroy(dcb_from_cap(cap));
}

static void irq_destroy(const struct capability *cap)
{
    irqcap_destroy(cap->param1);
}

errval_t cap_no_invoke(struct invocation *inv)
{
    (void)inv;
    return SYS_ERR_ILLEGAL_INVOCATION;
}

/* One row for every type (struct cap_type_ops, kernel/include/invocation.h):
 * cap_no_invoke for a type without invocations, NULL for a hook with
 * nothing to do. */
const struct cap_type_ops cap_ops[ObjType_Num] = {
    [ObjType_Null]         = { cap_no_invoke, NULL, NULL },
    [ObjType_PhysAddr]     = { cap_no_invoke, NULL, NULL },
    [ObjType_RAM]          = { cap_no_invoke, NULL, NULL },
    [ObjType_Frame]        = { cap_no_invoke, NULL, NULL },
    [ObjType_DevFrame]     = { cap_no_invoke, NULL, NULL },
    [ObjType_L1CNode]      = { cnode_invoke, NULL, NULL },
    [ObjType_L2CNode]      = { cnode_invoke, NULL, NULL },
    [ObjType_VNode_ARM_l1] = { vnode_invoke, vnode_created, vnode_destroy },
    [ObjType_VNode_ARM_l2] = { vnode_invoke, vnode_created, vnode_destroy },
    [ObjType_Dispatcher]   = { dispatcher_invoke, NULL, dispatcher_destroy },
    [ObjType_EndPoint]     = { cap_no_invoke, NULL, NULL },     /* lmp_send */
    [ObjType_Kernel]       = { kernel_invoke, NULL, NULL },
    [ObjType_IRQTable]     = { irq_invoke, NULL, NULL },
    [ObjType_IRQ]          = { irq_invoke, NULL, irq_destroy },
};

void cap_hook_created(const struct capability *cap)
{
    if (cap->type < ObjType_Num && cap_ops[cap->type].created != NULL) {
        cap_ops[cap->type].created(cap);
    }
}

void cap_hook_destroy(const struct capability *cap)
{
    if (cap->type < ObjType_Num && cap_ops[cap->type].destroy != NULL) {
        cap_ops[cap->type].destroy(cap);
    }
}

void cap_hook_unmap(struct cte *cte)
{
    vnode_unmap_cte(cte);
}

void cap_hook_moved(struct cte *dest, struct cte *src)
{
    (void)src;
    vnode_moved(dest);
}

void cap_hook_held_deleted(struct cte *cte)
{
    dispatch_held_deleted(cte);     /* only DCBs hold capabilities */
}
