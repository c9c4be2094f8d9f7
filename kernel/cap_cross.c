/*
 * kernel/cap_cross.c -- the derivation database's side of capabilities
 * crossing cores: export (mark lent), import (re-create, mark borrowed),
 * and the question revoke asks (docs/multikernel.md, "Capabilities
 * crossing cores").  kernel/xcap.c is the invocation side: where the
 * memory may lie.
 *
 * Pure C over CTEs, like kernel/cap.c: the host tests compile it
 * unchanged (tests/host/test_caps.c).
 *
 * Each core's derivation database stays the only authority over what it
 * holds.  A core that lends memory keeps its capability (marked lent) as
 * the record that another core may use it: no revoke reaches it, and it
 * cannot be retyped.  The borrowing core holds a root capability of its
 * own (marked borrowed): it may retype it as it likes, but not revoke it,
 * nor lend it on.  Barrelfish's monitors run a distributed revoke instead
 * (its mdbnode's remote_copies, remote_ancs and remote_descs bits send
 * the operation through the monitor: SYS_ERR_RETRY_THROUGH_MONITOR);
 * Sprat refuses with SYS_ERR_CAP_CROSSED.
 */
#include <cap.h>
#include <mdb.h>
#include <sprat/xcap.h>

static struct cte *group_first(struct cte *c)
{
    while (c->mdb.copy_of_prev) {
        c = c->mdb.prev;
    }
    return c;
}

/* Is any copy of c, or any descendant of its object, marked?  Revoke would
 * delete exactly those. */
bool cap_revoke_reaches_crossed(struct cte *cte)
{
    struct cte *last = mdb_group_last(cte);
    for (struct cte *c = group_first(cte);; c = c->mdb.next) {
        if (c->mdb.cross != 0) {
            return true;
        }
        if (c == last) {
            break;
        }
    }
    uint32_t depth = cte->mdb.depth;
    for (struct cte *d = mdb_first_descendant(cte); d != NULL;
         d = mdb_next_in_run(d, depth)) {
        if (d->mdb.cross != 0) {
            return true;
        }
    }
    return false;
}

static bool crosses(unsigned type)
{
    return type == ObjType_RAM || type == ObjType_Frame;
}

errval_t cap_export(struct cte *cte, struct cap_desc *desc)
{
    if (!crosses(cte->cap.type)) {
        return SYS_ERR_CAP_CROSS_TYPE;
    }
    if (cte->mdb.cross & MDB_CROSS_BORROWED) {
        return SYS_ERR_CAP_CROSS_FOREIGN;
    }
    /* RAM's descendants are objects this kernel uses (CNodes, page
     * tables...): the borrower could retype the same memory. */
    if (cte->cap.type == ObjType_RAM && mdb_has_descendants(cte)) {
        return SYS_ERR_CAP_CROSS_IN_USE;
    }
    struct cte *last = mdb_group_last(cte);
    for (struct cte *c = group_first(cte);; c = c->mdb.next) {
        c->mdb.cross |= MDB_CROSS_LENT;
        if (c == last) {
            break;
        }
    }
    *desc = (struct cap_desc){ cte->cap.type, cte->cap.rights, cte->cap.base,
                               cte->cap.bytes };
    return SYS_ERR_OK;
}

errval_t cap_desc_check(const struct cap_desc *d)
{
    if (!crosses(d->type)) {
        return SYS_ERR_CAP_CROSS_TYPE;
    }
    uint32_t align = objtype_align(d->type);    /* a power of two */
    if ((d->rights & ~CAPRIGHTS_ALLRIGHTS) != 0 || d->bytes == 0 ||
        ((d->base | d->bytes) & (align - 1)) != 0 ||
        (uint64_t)d->base + d->bytes > (1ull << 32)) {
        return SYS_ERR_CAP_CROSS_DESC;
    }
    return SYS_ERR_OK;
}

/* Does any capability on this core name memory in [base, base + bytes)?
 * A walk of the whole database: an import is rare (the inits only). */
static bool held_here(uint64_t base, uint64_t bytes)
{
    for (const struct cte *c = mdb_first(); c != NULL; c = c->mdb.next) {
        uint64_t cb = c->cap.base, ce = cb + c->cap.bytes;
        if (c->cap.bytes != 0 && cb < base + bytes && base < ce) {
            return true;
        }
    }
    return false;
}

errval_t cap_import(struct cte *dest, const struct cap_desc *d)
{
    errval_t err = cap_desc_check(d);
    if (err_is_fail(err)) {
        return err;
    }
    if (dest->cap.type != ObjType_Null) {
        return SYS_ERR_SLOT_IN_USE;
    }
    /* Borrowed twice, the same memory could be retyped twice. */
    if (held_here(d->base, d->bytes)) {
        return SYS_ERR_CAP_CROSS_OVERLAP;
    }
    struct capability cap = {
        .type = (uint8_t)d->type, .rights = (uint8_t)d->rights,
        .base = d->base, .bytes = d->bytes,
    };
    cap_create_root(dest, &cap);
    dest->mdb.cross = MDB_CROSS_BORROWED;
    return SYS_ERR_OK;
}
