/*
 * kernel/cap_hooks.c -- what the capability code (kernel/cap.c) asks of the
 * rest of the kernel when a capability leaves its slot, moves, or was the
 * last one to its object.  Kept in one place so that cap.c stays pure C
 * that the host tests can compile with stubs instead.
 */
#include <kernel.h>
#include <cap.h>
#include <vnode.h>
#include <dispatch.h>
#include <irqcap.h>

void cap_hook_unmap(struct cte *cte)
{
    vnode_unmap_cte(cte);
}

void cap_hook_created(const struct capability *cap)
{
    vnode_created(cap);     /* page tables only */
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

void cap_hook_destroy(const struct capability *cap)
{
    switch (cap->type) {
    case ObjType_Dispatcher:
        dispatch_destroy(dcb_from_cap(cap));
        break;
    case ObjType_VNode_ARM_l1:
    case ObjType_VNode_ARM_l2:
        vnode_destroy(cap);
        break;
    case ObjType_IRQ:
        irqcap_destroy(cap->param1);
        break;
    default:
        break;
    }
}
