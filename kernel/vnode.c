/*
 * kernel/vnode.c -- page tables as capabilities: mapping L2 tables into L1
 * tables and frames into L2 tables, unmapping, and what happens when
 * either side of a mapping is deleted (a destroyed L1 table gives its ASID
 * back to kernel/arch/armv7/asid.c).
 *
 * Every mapping is recorded twice: in the mapped capability's CTE
 * (struct mapping_info: which table, which entries) and in the table's
 * shadow half (a back-pointer to that CTE per entry).  So deleting a frame
 * capability finds its page-table entries, and deleting a table finds the
 * capabilities mapped in it, without a search.  See docs/capabilities.md.
 */
#include <kernel.h>
#include <vnode.h>
#include <dispatch.h>
#include <invocation.h>
#include <arch/armv7.h>
#include <arch/asid.h>
#include <arch/cache.h>
#include <arch/cp15.h>
#include <arch/vm.h>

/* ---- table access ------------------------------------------------------ */

static uint32_t *l1_table(paddr_t base) { return cap_phys_to_kptr(base); }
static struct cte **l1_shadow(paddr_t base)
{
    return (struct cte **)((char *)cap_phys_to_kptr(base) + ARM_L1_TABLE_BYTES);
}
static uint32_t *l2_table(paddr_t base) { return cap_phys_to_kptr(base); }
static struct cte **l2_shadow(paddr_t base)
{
    return (struct cte **)((char *)cap_phys_to_kptr(base) + ARM_L2_TABLE_BYTES);
}

/* The bytes of a table the walker reads: with TTBCR.N = 1 only the user
 * half of an L1 table (ARM ARM B3.5.4, "Selecting between TTBR0 and
 * TTBR1"); the shadow halves are the kernel's alone. */
#define L1_WALKED_BYTES (ARM_L1_USER_ENTRIES * sizeof(uint32_t))
#define L2_WALKED_BYTES ARM_L2_TABLE_BYTES

/* The uniprocessor Cortex-A9's table walker does not look in the L1 data
 * cache (ACTLR.SMP = 0): a written entry must be cleaned to memory, and a
 * DSB must complete the clean, before the walker may read it. */
static void pte_sync(uint32_t *first, unsigned count)
{
    cache_clean_table(first, count * sizeof(uint32_t));
}

/* Removing a mapping: any ASID may have cached it; unmapping is rare
 * enough that flushing the whole TLB is the simple, safe choice. */
static void tlb_sync_unmap(void)
{
    dsb();
    tlb_invalidate_all();
    isb();
}

/* ---- creation ---------------------------------------------------------- */

/* A new table was zeroed through the data cache (retype, or the kernel's
 * boot allocator): the walker would read whatever RAM held before --
 * stale descriptors mapping random physical memory -- so clean the whole
 * table before it can be mapped or loaded into TTBR0. */
void vnode_created(const struct capability *cap)
{
    if (cap->type == ObjType_VNode_ARM_l1) {
        cache_clean_table(l1_table(cap->base), L1_WALKED_BYTES);
    } else if (cap->type == ObjType_VNode_ARM_l2) {
        cache_clean_table(l2_table(cap->base), L2_WALKED_BYTES);
    }
}

/* ---- mapping ----------------------------------------------------------- */

static void record_mapping(struct cte *cte, paddr_t table, uint32_t entry,
                           uint32_t count, uint32_t offset)
{
    cte->map.table = table;
    cte->map.entry = entry;
    cte->map.count = count;
    cte->map.offset = offset;
}

static errval_t map_l1(struct cte *l1, uint32_t entry, struct cte *l2)
{
    if (l2->cap.type != ObjType_VNode_ARM_l2) {
        return SYS_ERR_VNODE_TYPE;
    }
    if (entry >= ARM_L1_USER_ENTRIES) {
        return SYS_ERR_VNODE_SLOT_INVALID;
    }
    uint32_t *t = l1_table(l1->cap.base);
    struct cte **shadow = l1_shadow(l1->cap.base);
    if (t[entry] != L1_TYPE_FAULT || shadow[entry] != NULL) {
        return SYS_ERR_VNODE_SLOT_IN_USE;
    }
    if (l2->map.table != 0) {
        return SYS_ERR_CAP_ALREADY_MAPPED;
    }
    t[entry] = (l2->cap.base & L1_PT_BASE_MASK) | L1_TYPE_PAGETABLE;
    shadow[entry] = l2;
    record_mapping(l2, l1->cap.base, entry, 1, 0);
    pte_sync(&t[entry], 1);
    return SYS_ERR_OK;
}

/* The small-page descriptor bits for a mapping with flags. */
static uint32_t l2_attributes(unsigned type, uint32_t flags)
{
    uint32_t pte = L2_TYPE_SMALL | L2_SMALL_NG;     /* per-ASID */

    /* AP[2:0] = 011: read/write for everyone; 010: user read-only. */
    pte |= (flags & VREGION_FLAGS_WRITE) ? (L2_SMALL_AP0 | L2_SMALL_AP1)
                                         : L2_SMALL_AP1;
    if (!(flags & VREGION_FLAGS_EXECUTE) || type == ObjType_DevFrame) {
        pte |= L2_SMALL_XN;
    }
    if (type == ObjType_DevFrame) {
        pte |= L2_SMALL_B;                          /* shareable device */
    } else if (flags & VREGION_FLAGS_NOCACHE) {
        pte |= L2_SMALL_TEX0;                       /* normal, uncached */
    } else {
        /* Normal write-back write-allocate, Shareable: the same
         * attributes as the kernel's linear map of RAM, so the two
         * aliases agree, and coherent with the other core (a UMP frame
         * is mapped on both: docs/multikernel.md). */
        pte |= L2_SMALL_TEX0 | L2_SMALL_C | L2_SMALL_B | L2_SMALL_S;
    }
    return pte;
}

/*
 * The pages [pa, pa + count pages) are about to become executable.  Code
 * written into them through any data-side mapping (the kernel's loader,
 * a spawning parent's mapping, a frame reused for new code) may still sit
 * in the D-cache, and the VIPT I-cache may hold what the memory held
 * before: make fetches see the memory (docs/hardware.md, "Caches").  This
 * is Sprat's one place for that maintenance, and the only way user space
 * gets it: to run code it rewrote in place, it maps the frame again.
 */
static void sync_code(paddr_t pa, uint32_t count)
{
    cache_sync_code(cap_phys_to_kptr(pa), count * BASE_PAGE_SIZE);
}

static errval_t map_l2(struct cte *l2, uint32_t entry, struct cte *frame,
                       uint32_t offset, uint32_t count, uint32_t flags)
{
    unsigned type = frame->cap.type;

    if (type != ObjType_Frame && type != ObjType_DevFrame) {
        return SYS_ERR_VNODE_TYPE;
    }
    if (count == 0 || entry >= ARM_L2_ENTRIES || count > ARM_L2_ENTRIES - entry) {
        return SYS_ERR_VNODE_SLOT_INVALID;
    }
    if (!IS_ALIGNED(offset, BASE_PAGE_SIZE)) {
        return SYS_ERR_MISALIGNED;
    }
    if (offset > frame->cap.bytes ||
        count > (frame->cap.bytes - offset) / BASE_PAGE_SIZE) {
        return SYS_ERR_FRAME_OFFSET_INVALID;
    }
    if (!(frame->cap.rights & CAPRIGHTS_READ) ||
        ((flags & VREGION_FLAGS_WRITE) && !(frame->cap.rights & CAPRIGHTS_WRITE))) {
        return SYS_ERR_INSUFFICIENT_RIGHTS;
    }
    if (frame->map.table != 0) {
        return SYS_ERR_CAP_ALREADY_MAPPED;
    }
    uint32_t *t = l2_table(l2->cap.base);
    struct cte **shadow = l2_shadow(l2->cap.base);
    for (uint32_t i = entry; i < entry + count; i++) {
        if (t[i] != L2_TYPE_FAULT || shadow[i] != NULL) {
            return SYS_ERR_VNODE_SLOT_IN_USE;
        }
    }
    uint32_t attrs = l2_attributes(type, flags);
    paddr_t pa = frame->cap.base + offset;
    if (!(attrs & L2_SMALL_XN)) {
        sync_code(pa, count);
    }
    for (uint32_t i = 0; i < count; i++) {
        t[entry + i] = (pa + i * BASE_PAGE_SIZE) | attrs;
        shadow[entry + i] = frame;
    }
    record_mapping(frame, l2->cap.base, entry, count, offset);
    pte_sync(&t[entry], count);
    return SYS_ERR_OK;
}

errval_t vnode_map(struct cte *vnode, uint32_t entry, struct cte *src,
                   uint32_t offset, uint32_t count, uint32_t flags)
{
    if (vnode->cap.type == ObjType_VNode_ARM_l1) {
        return map_l1(vnode, entry, src);
    }
    return map_l2(vnode, entry, src, offset, count, flags);
}

/* ---- unmapping ------------------------------------------------------------ */

/* Clear the entries a mapped capability occupies (it says where). */
void vnode_unmap_cte(struct cte *cte)
{
    paddr_t table = cte->map.table;

    if (table == 0) {
        return;
    }
    if (cte->cap.type == ObjType_VNode_ARM_l2) {
        l1_table(table)[cte->map.entry] = L1_TYPE_FAULT;
        l1_shadow(table)[cte->map.entry] = NULL;
        pte_sync(&l1_table(table)[cte->map.entry], 1);
    } else {
        uint32_t *t = l2_table(table);
        for (uint32_t i = cte->map.entry; i < cte->map.entry + cte->map.count; i++) {
            t[i] = L2_TYPE_FAULT;
            l2_shadow(table)[i] = NULL;
        }
        pte_sync(&t[cte->map.entry], cte->map.count);
    }
    record_mapping(cte, 0, 0, 0, 0);
    tlb_sync_unmap();
}

static errval_t unmap_entry(struct cte *vnode, uint32_t entry, uint32_t count)
{
    bool l1 = vnode->cap.type == ObjType_VNode_ARM_l1;
    uint32_t limit = l1 ? ARM_L1_USER_ENTRIES : ARM_L2_ENTRIES;

    if (entry >= limit) {
        return SYS_ERR_VNODE_SLOT_INVALID;
    }
    struct cte *mapped = l1 ? l1_shadow(vnode->cap.base)[entry]
                            : l2_shadow(vnode->cap.base)[entry];
    if (mapped == NULL || mapped->map.entry != entry ||
        mapped->map.table != vnode->cap.base || (!l1 && mapped->map.count != count)) {
        return SYS_ERR_VNODE_NOT_MAPPED;
    }
    vnode_unmap_cte(mapped);
    return SYS_ERR_OK;
}

/* A mapped capability moved to another slot: re-point the back-pointers. */
void vnode_moved(struct cte *dest)
{
    paddr_t table = dest->map.table;

    if (table == 0) {
        return;
    }
    if (dest->cap.type == ObjType_VNode_ARM_l2) {
        l1_shadow(table)[dest->map.entry] = dest;
    } else {
        for (uint32_t i = 0; i < dest->map.count; i++) {
            l2_shadow(table)[dest->map.entry + i] = dest;
        }
    }
}

/* The last capability to a table is gone: forget everything mapped in it. */
void vnode_destroy(const struct capability *cap)
{
    bool l1 = cap->type == ObjType_VNode_ARM_l1;
    uint32_t n = l1 ? ARM_L1_USER_ENTRIES : ARM_L2_ENTRIES;
    uint32_t *t = l1 ? l1_table(cap->base) : l2_table(cap->base);
    struct cte **shadow = l1 ? l1_shadow(cap->base) : l2_shadow(cap->base);

    for (uint32_t i = 0; i < n; i++) {
        if (shadow[i] != NULL) {
            record_mapping(shadow[i], 0, 0, 0, 0);
            shadow[i] = NULL;
        }
        t[i] = 0;
    }
    pte_sync(t, n);
    if (l1) {
        asid_release(cap->base);
    }
    tlb_sync_unmap();
}

/* ---- invocations ---------------------------------------------------------- */

errval_t vnode_invoke(struct invocation *inv)
{
    struct cte *vnode = inv->cte;
    const uint32_t *a = inv->args;
    struct cte *src;
    errval_t err;

    switch (inv->method) {
    case VNodeCmd_Map:
        err = cap_lookup(inv->root, a[1], a[2] ? a[2] : CAP_LEVEL_L2, &src);
        if (err_is_fail(err)) {
            return err;
        }
        return vnode_map(vnode, a[0], src, a[3], a[4], a[5]);
    case VNodeCmd_Unmap:
        return unmap_entry(vnode, a[0], a[1]);
    default:
        return SYS_ERR_ILLEGAL_INVOCATION;
    }
}
