/*
 * libsys/cspace.c -- the capability operations as invocations of the
 * domain's own root CNode (include/sprat/caps.h lists the arguments).
 */
#include <sys/cspace.h>
#include <sys/invoke.h>

#define ROOTCN_CAP      TASKCN_CAP(TASKCN_SLOT_ROOTCN)

/* A destination is named by its CNode and a slot index: an L2 CNode in a
 * root slot (level 1), or the root CNode itself (in the task CNode). */
#define DEST(c) ((c).cnode == ROOT_CNODE ? ROOTCN_CAP : CAPADDR((c).cnode, 0)), \
                ((c).cnode == ROOT_CNODE ? CAP_LEVEL_L2 : CAP_LEVEL_L1), (c).slot
#define SRC(c)  capref_addr(c), capref_level(c)

errval_t cap_retype(struct capref dest, struct capref src, uint32_t offset,
                    unsigned type, uint32_t objsize, uint32_t count)
{
    return cap_invoke(ROOTCN_CAP, CNodeCmd_Retype, 9, SRC(src),
                      offset, type, objsize, count, DEST(dest)).err;
}

errval_t cap_copy_rights(struct capref dest, struct capref src, unsigned rights)
{
    return cap_invoke(ROOTCN_CAP, CNodeCmd_Copy, 6, DEST(dest),
                      SRC(src), rights).err;
}

errval_t cap_copy(struct capref dest, struct capref src)
{
    /* Asking for a right the source lacks is an error, so ask for exactly
     * the rights the source has. */
    struct capability_info info;
    errval_t err = cap_identify(src, &info);
    if (err_is_fail(err)) {
        return err;
    }
    return cap_copy_rights(dest, src, info.rights);
}

errval_t cap_mint(struct capref dest, struct capref src, unsigned rights,
                  uint32_t param1, uint32_t param2)
{
    return cap_invoke(ROOTCN_CAP, CNodeCmd_Mint, 8, DEST(dest),
                      SRC(src), rights, param1, param2).err;
}

errval_t cap_delete(struct capref cap)
{
    return cap_invoke2(ROOTCN_CAP, CNodeCmd_Delete, SRC(cap));
}

void cap_destroy(struct capref cap)
{
    if (!capref_is_null(cap)) {
        cap_delete(cap);
        slot_free(cap);
    }
}

errval_t cap_revoke(struct capref cap)
{
    return cap_invoke(ROOTCN_CAP, CNodeCmd_Revoke, 2, SRC(cap)).err;
}

errval_t cap_identify(struct capref cap, struct capability_info *info)
{
    struct sysret r = cap_invoke(ROOTCN_CAP, CNodeCmd_Identify, 2,
                                 SRC(cap));
    if (err_is_ok(r.err)) {
        info->type = r.v[0] & 0xff;
        info->rights = (r.v[0] >> 8) & 0xff;
        info->base = r.v[1];
        info->bytes = r.v[2];
    }
    return r.err;
}

errval_t cnode_resize(struct capref new_root, struct capref retslot)
{
    return cap_invoke(ROOTCN_CAP, CNodeCmd_Resize, 5, SRC(new_root),
                      DEST(retslot)).err;
}

errval_t cap_copy_into(capaddr_t cnode, unsigned level, uint32_t slot,
                       struct capref src)
{
    struct capability_info info;
    errval_t err = cap_identify(src, &info);
    if (err_is_fail(err)) {
        return err;
    }
    return cap_invoke(ROOTCN_CAP, CNodeCmd_Copy, 6, cnode, level, slot,
                      SRC(src), info.rights).err;
}
