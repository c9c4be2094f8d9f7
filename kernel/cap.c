/*
 * kernel/cap.c -- the capability operations: lookup, retype, copy, mint,
 * delete, revoke and move (docs/capabilities.md).
 *
 * Pure C over CTEs in memory: the only outside services are
 * cap_phys_to_kptr() and the cap_hook_* functions, so the host tests
 * compile this file unchanged.
 */
#include <cap.h>
#include <mdb.h>
#include <sprat/dispatcher.h>
#include <sprat/lmp.h>
#ifdef HOST_TEST
#include <string.h>
#else
#include <kernel.h>
#endif

/* ---- CNodes and lookup ------------------------------------------------ */

uint32_t cnode_slots(const struct capability *cnode)
{
    return cnode->bytes / sizeof(struct cte);
}

struct cte *cnode_slot(const struct capability *cnode, uint32_t n)
{
    if (n >= cnode_slots(cnode)) {
        return NULL;
    }
    return (struct cte *)cap_phys_to_kptr(cnode->base) + n;
}

/* Mirrored in lmp_fastpath.S, block 2 (a level-2 lookup: the LOOKUP macro,
 * also used by block 5c for the capability sent and the receive slot). */
errval_t cap_lookup_slot(const struct capability *root, capaddr_t addr,
                         unsigned level, struct cte **slot,
                         const struct capability **cnode)
{
    if (root->type != ObjType_L1CNode) {
        return SYS_ERR_CNODE_TYPE;
    }
    if (level != CAP_LEVEL_L1 && level != CAP_LEVEL_L2) {
        return SYS_ERR_CAP_LOOKUP_DEPTH;
    }
    struct cte *l1 = cnode_slot(root, CAPADDR_L1(addr));
    if (l1 == NULL) {
        return SYS_ERR_L1_INDEX_OUT_OF_RANGE;
    }
    if (level == CAP_LEVEL_L1) {
        *slot = l1;
        if (cnode) {
            *cnode = root;
        }
        return SYS_ERR_OK;
    }
    if (l1->cap.type == ObjType_Null) {
        return SYS_ERR_CNODE_NOT_FOUND;
    }
    if (l1->cap.type != ObjType_L2CNode) {
        return SYS_ERR_CNODE_TYPE;
    }
    *slot = cnode_slot(&l1->cap, CAPADDR_L2(addr));
    if (*slot == NULL) {
        return SYS_ERR_L2_INDEX_OUT_OF_RANGE;
    }
    if (cnode) {
        *cnode = &l1->cap;
    }
    return SYS_ERR_OK;
}

errval_t cap_lookup(const struct capability *root, capaddr_t addr,
                    unsigned level, struct cte **ret)
{
    errval_t err = cap_lookup_slot(root, addr, level, ret, NULL);
    if (err_is_ok(err) && (*ret)->cap.type == ObjType_Null) {
        return SYS_ERR_CAP_NOT_FOUND;
    }
    return err;
}

/* ---- creating capabilities -------------------------------------------- */

/* Empty a slot in eight doubleword stores: the general memset takes 35
 * instructions for these 64 bytes, and a capability transfer and the
 * receiver's delete each clear one (docs/lmp.md, "Round two").  STRD
 * needs only word alignment (ARM ARM A3.2.1) and a CTE is word aligned. */
static inline void cte_clear(struct cte *c)
{
    uint64_t *d = (uint64_t *)c;
#pragma GCC unroll 16
    for (unsigned i = 0; i < sizeof(*c) / sizeof(*d); i++) {
        d[i] = 0;
    }
}

/* The one place that computes capability.fast (cap.h). */
uint8_t cap_fast_bits(const struct capability *cap)
{
    bool write = cap->rights & CAPRIGHTS_WRITE;

    switch (cap->type) {
    case ObjType_L2CNode:
        return CAPFAST_L2CNODE | (write ? CAPFAST_L2CNODE_W | CAPFAST_CNODE_W : 0);
    case ObjType_L1CNode:
        return write ? CAPFAST_CNODE_W : 0;
    case ObjType_EndPoint:
        if (!write || cap->param2 == 0) {
            return 0;                   /* lmp_send: C names the error */
        }
        return CAPFAST_SEND | ((cap->rights & CAPRIGHTS_GRANT) ? CAPFAST_SEND_CAP : 0);
    default:
        return 0;
    }
}

/* The other derived field (cap.h). */
void *cap_kva(const struct capability *cap)
{
    switch (cap->type) {
    case ObjType_L1CNode:
    case ObjType_L2CNode:
    case ObjType_Dispatcher:
    case ObjType_EndPoint:
        return cap_phys_to_kptr(cap->base);
    default:
        return NULL;
    }
}

/* Every capability enters a slot here (or moves whole: cap_move), and
 * only here are its derived fields computed. */
static void cte_set(struct cte *dest, const struct capability *cap)
{
    cte_clear(dest);
    dest->cap = *cap;
    dest->cap.fast = cap_fast_bits(cap);
    dest->cap.kva = cap_kva(cap);
}

void cap_create_root(struct cte *dest, const struct capability *cap)
{
    cte_set(dest, cap);
    mdb_insert_root(dest);
}

/* LAB 1 BEGIN */
static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}
/* LAB 1 END */

/*
 * The retype high-water mark.  Retype must refuse a range that overlaps a
 * live descendant of its source, and walking the descendants takes a step
 * for each -- a memory server keeps a copy of every capability it handed
 * out, thousands of them.  But most retypes take memory above everything
 * taken before (libsys' allocators fill from the bottom up), so every copy
 * of a RAM or PhysAddr capability carries the same mark: no descendant of
 * the object reaches above it.  A range that starts at or above the mark
 * cannot overlap, nor can any range of an object without descendants;
 * only a range below it (memory given back and taken again) needs the
 * walk.  seL4's untyped capabilities keep a similar "free index".
 */
static bool has_watermark(const struct cte *c)
{
    return c->cap.type == ObjType_RAM || c->cap.type == ObjType_PhysAddr;
}

/* Set (fresh: the object had no descendants) or raise the mark of every
 * copy in src's group to end. */
static void watermark_update(struct cte *src, uint32_t end, bool fresh)
{
    struct cte *c = src;
    while (c->mdb.copy_of_prev) {
        c = c->mdb.prev;
    }
    struct cte *last = mdb_group_last(src);
    for (;; c = c->mdb.next) {
        if (fresh || c->map.retyped_to < end) {
            c->map.retyped_to = end;
        }
        if (c == last) {
            break;
        }
    }
}

/* LAB 1 BEGIN */
/* Does [base, base + bytes) overlap a live descendant of src's object? */
static bool overlaps_descendant(struct cte *src, uint64_t base, uint64_t bytes)
{
    uint32_t depth = src->mdb.depth;
    for (struct cte *d = mdb_first_descendant(src); d != NULL;
         d = mdb_next_in_run(d, depth)) {
        if (d->cap.bytes != 0 &&
            ranges_overlap(base, bytes, d->cap.base, d->cap.bytes)) {
            return true;
        }
    }
    return false;
}
/* LAB 1 END */

/* Check a retype request; on success *size is each object's size. */
static errval_t retype_check(const struct cte *src, uint32_t offset,
                             unsigned type, uint32_t objsize, uint32_t count,
                             uint32_t *size)
{
    /* LAB 1 BEGIN: return SYS_ERR_NOT_IMPLEMENTED; */
    const struct objtype_info *from = objtype_info(src->cap.type);
    const struct objtype_info *to = objtype_info(type);

    if (to == NULL || !(from->retype_to & OBJTYPE_BIT(type))) {
        return SYS_ERR_ILLEGAL_DEST_TYPE;
    }
    if (!(src->cap.rights & CAPRIGHTS_WRITE)) {
        return SYS_ERR_INSUFFICIENT_RIGHTS;
    }
    if (count == 0 || count > L2_CNODE_SLOTS) {
        return SYS_ERR_RETYPE_INVALID_COUNT;
    }
    if (type == ObjType_EndPoint) {
        *size = 0;              /* endpoints name the dispatcher: no memory */
        return SYS_ERR_OK;
    }
    if (to->fixed_bytes != 0) {
        if (objsize != 0 && objsize != to->fixed_bytes) {
            return SYS_ERR_RETYPE_INVALID_SIZE;
        }
        *size = to->fixed_bytes;
    } else {
        /* min_bytes and align are powers of two (tests/host/test_objtypes.c
         * checks every row): masks, not a software division -- the
         * Cortex-A9 has no UDIV (its ID_ISAR0.Divide_instrs is 0, Cortex-A9
         * TRM), so `%` by a table value is a call to __aeabi_uidivmod. */
        if (objsize == 0 || (objsize & (to->min_bytes - 1)) != 0) {
            return SYS_ERR_RETYPE_INVALID_SIZE;
        }
        *size = objsize;
    }
    /* A child of the same type covering all of its source would name the
     * same memory the same way: indistinguishable from a copy. */
    if (type == src->cap.type && count == 1 && *size == src->cap.bytes) {
        return SYS_ERR_RETYPE_INVALID_SIZE;
    }
    if (((src->cap.base + offset) & (to->align - 1)) != 0 ||
        (*size & (to->align - 1)) != 0) {
        return SYS_ERR_RETYPE_MISALIGNED;
    }
    uint64_t end = (uint64_t)offset + (uint64_t)count * *size;
    if (end > src->cap.bytes) {
        return SYS_ERR_RETYPE_OUT_OF_RANGE;
    }
    /* Untyped address space may hold device registers: only RAM the
     * kernel maps can carry objects the kernel reads and writes. */
    if (src->cap.type == ObjType_PhysAddr && type == ObjType_RAM &&
        !cap_range_is_ram(src->cap.base + offset, (uint64_t)count * *size)) {
        return SYS_ERR_RETYPE_NOT_RAM;
    }
    bool may_overlap = mdb_first_descendant((struct cte *)src) != NULL &&
                       !(has_watermark(src) && offset >= src->map.retyped_to);
    if (may_overlap && overlaps_descendant((struct cte *)src,
                                           (uint64_t)src->cap.base + offset,
                                           (uint64_t)count * *size)) {
        return SYS_ERR_RETYPE_OVERLAP;
    }
    return SYS_ERR_OK;
    /* LAB 1 END */
}

errval_t cap_retype(struct cte *src, uint32_t offset, unsigned type,
                    uint32_t objsize, uint32_t count,
                    const struct capability *dest_cnode, uint32_t dest_slot)
{
    uint32_t size;
    if (src->mdb.cross & MDB_CROSS_LENT) {
        return SYS_ERR_CAP_LENT;        /* another core may use it (cap_cross.c) */
    }
    errval_t err = retype_check(src, offset, type, objsize, count, &size);
    if (err_is_fail(err)) {
        return err;
    }
    if (dest_slot >= cnode_slots(dest_cnode) ||
        count > cnode_slots(dest_cnode) - dest_slot) {
        return SYS_ERR_DEST_RANGE;
    }
    for (uint32_t i = 0; i < count; i++) {
        if (cnode_slot(dest_cnode, dest_slot + i)->cap.type != ObjType_Null) {
            return SYS_ERR_SLOT_IN_USE;
        }
    }
    bool zero = objtype_info(type)->zero_on_create;
    if (has_watermark(src)) {
        watermark_update(src, offset + count * size, mdb_first_descendant(src) == NULL);
    }
    for (uint32_t i = 0; i < count; i++) {
        struct capability cap = {
            .type = type, .rights = src->cap.rights,
            .base = src->cap.base + offset + i * size, .bytes = size,
        };
        if (type == ObjType_EndPoint) {
            cap.base = src->cap.base;
            cap.bytes = src->cap.bytes;
        } else if (zero) {
            memset(cap_phys_to_kptr(cap.base), 0, size);
        }
        cap_hook_created(&cap);
        struct cte *dest = cnode_slot(dest_cnode, dest_slot + i);
        cte_set(dest, &cap);
        mdb_insert_child(src, dest);
    }
    return SYS_ERR_OK;
}

/* Mirrored in lmp_fastpath.S, block 5c (a capability an LMP send copies,
 * with its own rights: the CTE and the retype mark written here, then
 * mdb_insert_copy, then the cross-core mark -- 5c writes copy_of_prev
 * and cross as one word, the source's with copy_of_prev set). */
errval_t cap_copy(struct cte *dest, struct cte *src, uint8_t rights)
{
    if (src->cap.type == ObjType_Null) {
        return SYS_ERR_CAP_NOT_FOUND;
    }
    if (dest->cap.type != ObjType_Null) {
        return SYS_ERR_SLOT_IN_USE;
    }
    if (rights & ~src->cap.rights) {
        return SYS_ERR_RIGHTS_ESCALATION;
    }
    struct capability cap = src->cap;
    cap.rights = rights;
    cte_set(dest, &cap);
    if (has_watermark(src)) {
        dest->map.retyped_to = src->map.retyped_to;     /* one mark per object */
    }
    mdb_insert_copy(src, dest);
    dest->mdb.cross = src->mdb.cross;   /* a copy group's mark (cap_cross.c) */
    return SYS_ERR_OK;
}

/*
 * An endpoint's buffer must lie in the LMP area of the dispatcher frame,
 * and its ring must be a power of two words long: both paths index it as
 * counter & (words - 1) (kernel/lmp.c, lmp_fastpath.S), and only for a
 * power of two is that the same slot on both sides of the counters'
 * wrap at 2^32 (2^32 is a multiple of the ring).  An 11-word ring,
 * indexed modulo 11, jumped back 4 slots there and wrote payload over a
 * message header.
 */
static bool ep_buffer_valid(uint32_t offset, uint32_t bytes)
{
    uint32_t words = (bytes - LMP_ENDPOINT_HEADER_BYTES) / 4;

    return offset >= DISP_LMP_AREA_OFFSET && offset % 4 == 0 && bytes % 4 == 0 &&
           bytes >= LMP_ENDPOINT_MIN_BYTES && offset <= DISPATCHER_FRAME_BYTES &&
           bytes <= DISPATCHER_FRAME_BYTES - offset && (words & (words - 1)) == 0;
}

errval_t cap_mint(struct cte *dest, struct cte *src, uint8_t rights,
                  uint32_t param1, uint32_t param2)
{
    if (src->cap.type == ObjType_Null) {
        return SYS_ERR_CAP_NOT_FOUND;
    }
    bool same = param1 == src->cap.param1 && param2 == src->cap.param2;
    if (src->cap.type != ObjType_EndPoint || same) {
        if (!same) {
            return SYS_ERR_INVALID_MINT_PARAMS;  /* no parameters to set */
        }
        return cap_copy(dest, src, rights);
    }
    /* A new endpoint: a buffer for an unminted one. */
    if (src->cap.param2 != 0 || !ep_buffer_valid(param1, param2)) {
        return SYS_ERR_INVALID_MINT_PARAMS;
    }
    if (dest->cap.type != ObjType_Null) {
        return SYS_ERR_SLOT_IN_USE;
    }
    if (rights & ~src->cap.rights) {
        return SYS_ERR_RIGHTS_ESCALATION;
    }
    struct capability cap = src->cap;
    cap.rights = rights;
    cap.param1 = param1;
    cap.param2 = param2;
    cte_set(dest, &cap);
    mdb_insert_child(src, dest);
    return SYS_ERR_OK;
}

/* ---- deleting ------------------------------------------------------------- */

/*
 * CNodes whose last capability went away and whose slots still have to be
 * emptied.  Instead of recursing (a chain of CNodes is as deep as a user
 * makes it), each such CNode is pushed on a list threaded through the
 * spare words of its own slot 0 -- its memory is ours until the system
 * call ends -- and the outermost cap_delete drains the list.
 */
static struct cte *cnode_work;
static bool draining;

static void cnode_push(const struct capability *cnode)
{
    struct cte *first = cnode_slot(cnode, 0);
    first->work.next = cnode_work;
    first->work.slots = cnode_slots(cnode);
    cnode_work = first;
}

static errval_t delete_one(struct cte *cte);

static void cnode_drain(void)
{
    if (draining) {
        return;                 /* the outer call is already draining */
    }
    draining = true;
    while (cnode_work != NULL) {
        struct cte *slots = cnode_work;
        uint32_t n = slots->work.slots;
        cnode_work = slots->work.next;
        slots->work.next = NULL;
        slots->work.slots = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (slots[i].cap.type != ObjType_Null) {
                delete_one(&slots[i]);
            }
        }
    }
    draining = false;
}

static void destroy_object(const struct capability *cap)
{
    if (cap->type == ObjType_L1CNode || cap->type == ObjType_L2CNode) {
        cnode_push(cap);
    } else {
        cap_hook_destroy(cap);
    }
}

static errval_t delete_one(struct cte *cte)
{
    if (cte->cap.type == ObjType_Null) {
        return SYS_ERR_CAP_NOT_FOUND;
    }
    if (cte->flags & CTE_HELD) {
        cap_hook_held_deleted(cte);
    }
    if (cte->map.table != 0) {
        cap_hook_unmap(cte);
    }
    struct capability cap = cte->cap;
    bool last = !mdb_has_copies(cte);
    if (last) {
        mdb_adopt_descendants(cte);
    }
    mdb_remove(cte);
    cte_clear(cte);
    if (last) {
        destroy_object(&cap);
    }
    return SYS_ERR_OK;
}

/* Objects that are memory and nothing more: their destruction hands the
 * range back to the parent (it is in the parent's range already) and has
 * no work for the kernel beyond cap_hook_destroy. */
static bool is_plain_memory(unsigned type)
{
    return type == ObjType_RAM || type == ObjType_Frame ||
           type == ObjType_PhysAddr || type == ObjType_DevFrame;
}

/* What delete_one does, for the slots whose deletion adopts nothing, drains
 * no CNode and stops no dispatcher (cap.h says which).  Mirrored in
 * lmp_fastpath.S, blocks 4d (the tests) and 5d (mdb_remove, cte_clear),
 * for a slot of which another copy remains; the last copy is left here. */
bool cap_delete_leaf(struct cte *cte)
{
    if (cte->cap.type == ObjType_Null || (cte->flags & CTE_HELD) ||
        cte->map.table != 0) {
        return false;
    }
    if (!mdb_has_copies(cte)) {
        if (!is_plain_memory(cte->cap.type) || mdb_has_descendants(cte)) {
            return false;
        }
        cap_hook_destroy(&cte->cap);    /* the last copy: as destroy_object */
    }
    mdb_remove(cte);
    cte_clear(cte);
    return true;
}

errval_t cap_delete(struct cte *cte)
{
    errval_t err = delete_one(cte);
    if (cnode_work != NULL) {       /* only a CNode's destruction queues */
        cnode_drain();
    }
    return err;
}

errval_t cap_revoke(struct cte *cte)
{
    /* Refused whole, before anything goes: the other core would keep
     * using what this one freed (kernel/cap_cross.c). */
    if (cap_revoke_reaches_crossed(cte)) {
        return SYS_ERR_CAP_CROSSED;
    }
    /* LAB 1 BEGIN: return SYS_ERR_NOT_IMPLEMENTED; */
    if (cte->cap.type == ObjType_Null) {
        return SYS_ERR_CAP_NOT_FOUND;
    }
    /* Every other copy (deleting a copy never destroys anything)... */
    while (cte->mdb.copy_of_prev) {
        cap_delete(cte->mdb.prev);
    }
    while (mdb_has_copies(cte)) {
        cap_delete(cte->mdb.next);
    }
    /* ...then every descendant, first to last.  A deletion may destroy
     * more (a CNode's contents), so the first one is looked up afresh each
     * time; cte itself may vanish if it lived in such a CNode. */
    struct cte *d;
    while (cte->cap.type != ObjType_Null && (d = mdb_first_descendant(cte)) != NULL) {
        cap_delete(d);
    }
    return SYS_ERR_OK;
    /* LAB 1 END */
}

void cap_move(struct cte *dest, struct cte *src)
{
    *dest = *src;
    mdb_relink(dest, src);
    cte_clear(src);
    if (dest->map.table != 0) {
        cap_hook_moved(dest, src);
    }
}
