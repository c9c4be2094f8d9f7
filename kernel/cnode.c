/*
 * kernel/cnode.c -- the CNode invocations: the system-call side of the
 * capability operations in kernel/cap.c.  Arguments name capabilities by
 * address in the caller's CSpace (include/sprat/caps.h lists them).
 */
#include <cap.h>
#include <invocation.h>
#include <dispatch.h>
#ifdef HOST_TEST
#include <string.h>
#else
#include <kernel.h>
#endif

static unsigned level_arg(uint32_t level)
{
    return level == 0 ? CAP_LEVEL_L2 : level;
}

/* The capability at (addr, level), which must not be empty. */
static errval_t lookup_src(struct invocation *inv, uint32_t addr, uint32_t level,
                           struct cte **ret)
{
    return cap_lookup(inv->root, addr, level_arg(level), ret);
}

/* A slot the caller may change: the CNode holding it needs WRITE
 * (invocation.h; kernel/xcap.c uses it too). */
errval_t lookup_writable_slot(struct invocation *inv, uint32_t addr,
                                     uint32_t level, struct cte **ret)
{
    const struct capability *cnode;
    errval_t err = cap_lookup_slot(inv->root, addr, level_arg(level), ret, &cnode);
    if (err_is_fail(err)) {
        return err;
    }
    return (cnode->rights & CAPRIGHTS_WRITE) ? SYS_ERR_OK : SYS_ERR_INSUFFICIENT_RIGHTS;
}

/* A destination CNode capability (any slot of it may be written). */
static errval_t lookup_dest_cnode(struct invocation *inv, uint32_t addr,
                                  uint32_t level, const struct capability **ret)
{
    struct cte *cte;
    errval_t err = lookup_src(inv, addr, level, &cte);
    if (err_is_fail(err)) {
        return err;
    }
    if (cte->cap.type != ObjType_L1CNode && cte->cap.type != ObjType_L2CNode) {
        return SYS_ERR_CNODE_TYPE;
    }
    if (!(cte->cap.rights & CAPRIGHTS_WRITE)) {
        return SYS_ERR_INSUFFICIENT_RIGHTS;
    }
    *ret = &cte->cap;
    return SYS_ERR_OK;
}

/* Destination (cnode, level, slot) for copy and mint: an empty slot. */
static errval_t lookup_dest_slot(struct invocation *inv, const uint32_t *a,
                                 struct cte **ret)
{
    const struct capability *cnode;
    errval_t err = lookup_dest_cnode(inv, a[0], a[1], &cnode);
    if (err_is_fail(err)) {
        return err;
    }
    *ret = cnode_slot(cnode, a[2]);
    if (*ret == NULL) {
        return SYS_ERR_L2_INDEX_OUT_OF_RANGE;
    }
    return (*ret)->cap.type == ObjType_Null ? SYS_ERR_OK : SYS_ERR_SLOT_IN_USE;
}

static errval_t invoke_retype(struct invocation *inv)
{
    const uint32_t *a = inv->args;
    struct cte *src;
    const struct capability *dest;
    errval_t err;

    if ((err = lookup_src(inv, a[0], a[1], &src)) ||
        (err = lookup_dest_cnode(inv, a[6], a[7], &dest))) {
        return err;
    }
    return cap_retype(src, a[2], a[3], a[4], a[5], dest, a[8]);
}

static errval_t invoke_copy_mint(struct invocation *inv, bool mint)
{
    const uint32_t *a = inv->args;
    struct cte *src, *dest;
    errval_t err;

    if ((err = lookup_src(inv, a[3], a[4], &src)) ||
        (err = lookup_dest_slot(inv, a, &dest))) {
        return err;
    }
    if (a[5] & ~CAPRIGHTS_ALLRIGHTS) {
        return SYS_ERR_RIGHTS_ESCALATION;
    }
    if (mint) {
        return cap_mint(dest, src, a[5], a[6], a[7]);
    }
    return cap_copy(dest, src, a[5]);
}

static errval_t invoke_delete_revoke(struct invocation *inv, bool revoke)
{
    struct cte *cte;
    errval_t err = lookup_writable_slot(inv, inv->args[0], inv->args[1], &cte);
    if (err_is_fail(err)) {
        return err;
    }
    if (cte->cap.type == ObjType_Null) {
        return SYS_ERR_CAP_NOT_FOUND;
    }
    return revoke ? cap_revoke(cte) : cap_delete(cte);
}

/*
 * CNodeCmd_Delete without the general invocation path, for the deletes
 * that destroy nothing (cap_delete_leaf): the one a receiver makes of
 * every capability it drops.  The system call layer tries it first
 * (syscall_delete_fast, kernel/syscall.c) for a delete whose addresses are
 * both level 2 (libsys' cap_delete): the invoked capability must be a
 * CNode with the rights cap_invoke_rights asks for, the slot must be in a
 * CNode with the write right and hold a capability -- invoke_delete_revoke's
 * checks.  Returns false, having changed nothing, where any check or
 * cap_delete_leaf says no: the general path then does the delete or names
 * the error, exactly as without this shortcut.  Mirrored in
 * lmp_fastpath.S, block 2d (the invoked CNode) and block 3d (the slot).
 */
bool cnode_delete_fast(const struct capability *root, capaddr_t invoked,
                       capaddr_t addr)
{
    const struct capability *cnode;
    const struct cte *cn = cap_slot_l2(root, invoked, &cnode);
    if (cn == NULL || (cn->cap.type != ObjType_L1CNode && cn->cap.type != ObjType_L2CNode)) {
        return false;
    }
    uint8_t need = cap_invoke_rights(cn->cap.type, CNodeCmd_Delete);
    if ((cn->cap.rights & need) != need) {
        return false;
    }
    struct cte *cte = cap_slot_l2(root, addr, &cnode);
    if (cte == NULL || !(cnode->rights & CAPRIGHTS_WRITE)) {
        return false;
    }
    return cap_delete_leaf(cte);
}

static errval_t invoke_identify(struct invocation *inv)
{
    struct cte *cte;
    errval_t err = lookup_src(inv, inv->args[0], inv->args[1], &cte);
    if (err_is_fail(err)) {
        return err;
    }
    inv->ret[0] = cte->cap.type | (uint32_t)cte->cap.rights << 8;
    if (cte->cap.type == ObjType_EndPoint) {
        inv->ret[1] = cte->cap.param1;
        inv->ret[2] = cte->cap.param2;
    } else {
        inv->ret[1] = cte->cap.base;
        inv->ret[2] = cte->cap.bytes;
    }
    return SYS_ERR_OK;
}

/* Is slot c one of the slots of the CNode object cnode names? */
static bool cte_in_cnode(const struct cte *c, const struct capability *cnode)
{
    const struct cte *first = cnode_slot(cnode, 0);
    return c >= first && c < first + cnode_slots(cnode);
}

/*
 * Resize the caller's root CNode: move every slot of it into the larger,
 * empty new L1 CNode, which then takes the old one's place (in the task
 * CNode's ROOTCN slot and as the dispatcher's CSpace); the old root object,
 * now empty, ends up in retslot for the caller to delete or reuse.
 * L2 CNodes do not move, so addresses stay valid.
 *
 * The three capabilities involved must live in L2 CNodes: one inside
 * either root would be moved (or overwritten) by the move itself.
 */
static errval_t invoke_resize(struct invocation *inv)
{
    const uint32_t *a = inv->args;
    struct cte *old = inv->cte, *new_root, *ret;
    errval_t err;

    if (old->cap.type != ObjType_L1CNode || !cap_is_copy(&old->cap, inv->root)) {
        return SYS_ERR_ILLEGAL_INVOCATION;      /* only one's own root */
    }
    if ((err = lookup_src(inv, a[0], a[1], &new_root))) {
        return err;
    }
    if (new_root->cap.type != ObjType_L1CNode) {
        return SYS_ERR_CNODE_TYPE;
    }
    if (cnode_slots(&new_root->cap) <= cnode_slots(&old->cap)) {
        return SYS_ERR_CNODE_RESIZE;
    }
    for (uint32_t i = 0; i < cnode_slots(&new_root->cap); i++) {
        if (cnode_slot(&new_root->cap, i)->cap.type != ObjType_Null) {
            return SYS_ERR_SLOT_IN_USE;
        }
    }
    uint32_t d[3] = { a[2], a[3], a[4] };
    if ((err = lookup_dest_slot(inv, d, &ret))) {
        return err;
    }
    const struct cte *involved[] = { old, new_root, ret };
    for (unsigned i = 0; i < 3; i++) {
        if (cte_in_cnode(involved[i], &old->cap) ||
            cte_in_cnode(involved[i], &new_root->cap)) {
            return SYS_ERR_CNODE_RESIZE_SLOT;
        }
    }
    for (uint32_t i = 0; i < cnode_slots(&old->cap); i++) {
        struct cte *from = cnode_slot(&old->cap, i);
        if (from->cap.type != ObjType_Null) {
            cap_move(cnode_slot(&new_root->cap, i), from);
        }
    }
    /* The swap: old root -> retslot, new root -> where the old one was. */
    cap_move(ret, old);
    cap_move(old, new_root);
    return cnode_replace_root(inv->caller, old);
}

errval_t cnode_invoke(struct invocation *inv)
{
    switch (inv->method) {
    case CNodeCmd_Retype:
        return invoke_retype(inv);
    case CNodeCmd_Copy:
        return invoke_copy_mint(inv, false);
    case CNodeCmd_Mint:
        return invoke_copy_mint(inv, true);
    case CNodeCmd_Delete:
        return invoke_delete_revoke(inv, false);
    case CNodeCmd_Revoke:
        return invoke_delete_revoke(inv, true);
    case CNodeCmd_Identify:
        return invoke_identify(inv);
    case CNodeCmd_Resize:
        return invoke_resize(inv);
    default:
        return SYS_ERR_ILLEGAL_INVOCATION;
    }
}
