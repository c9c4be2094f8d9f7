/*
 * libsys/paging.c -- the paging library (sys/paging.h).
 *
 * The domain keeps a map of its virtual address space (a vregion map) and
 * a table of its L2 page tables, one per MiB, made on demand from RAM and
 * mapped into the L1 table (PAGECN slot 0).  A frame mapped across several
 * MiB needs one capability copy per L2 table, since the kernel records one
 * mapping per copy.
 */
#include <string.h>
#include <sys/paging.h>
#include <sys/invoke.h>
#include <sys/ram.h>
#include <sys/disp.h>
#include <sys/threads.h>
#include <sprat/args.h>
#include <sprat/bootinfo.h>
#include <sprat/vm_layout.h>

#define PAGE            4096u
#define L2_SPAN         (1u << 20)
#define HEAP_BYTES      (USER_HEAP_LIMIT - USER_HEAP_BASE)
#define MAX_VREGIONS    256

static struct vregion_map vspace;
static struct vregion vnodes[MAX_VREGIONS];
static capaddr_t l2_tables[ARM_L1_USER_ENTRIES];    /* 0: none yet */
static uint32_t pagecn_next;
static uint32_t faults_served;

static const struct capref l1_table = { ROOTCN_SLOT_PAGECN, 0 };

/* The extra capability copies a mapping across several MiB needed (one
 * per further L2 table); paging_unmap deletes them again. */
#define MAX_SPLIT_MAPPINGS  32
#define MAX_EXTRA_COPIES    8
static struct split_mapping {
    uint32_t vaddr;
    unsigned n;
    struct capref copies[MAX_EXTRA_COPIES];
} splits[MAX_SPLIT_MAPPINGS];

static struct split_mapping *split_find(uint32_t vaddr, bool make)
{
    for (unsigned i = 0; i < MAX_SPLIT_MAPPINGS; i++) {
        if (splits[i].n > 0 && splits[i].vaddr == vaddr) {
            return &splits[i];
        }
    }
    for (unsigned i = 0; make && i < MAX_SPLIT_MAPPINGS; i++) {
        if (splits[i].n == 0) {
            splits[i].vaddr = vaddr;
            return &splits[i];
        }
    }
    return NULL;
}

void paging_init(void)
{
    const struct spawn_args *a = disp_args();

    vregion_init(&vspace, USER_NULL_GUARD, USER_VADDR_LIMIT, PAGE, vnodes,
                 MAX_VREGIONS);
    for (uint32_t i = 0; i < a->num_vregions && i < SPAWN_MAX_VREGIONS; i++) {
        uint32_t base = a->vregions[i].base;
        /* The stack reservation is backed on demand below what the
         * builder mapped. */
        uint32_t flags = base + a->vregions[i].bytes == USER_STACK_TOP ? VREGION_LAZY : 0;
        vregion_alloc_fixed(&vspace, base, a->vregions[i].bytes, flags);
    }
    for (uint32_t i = 0; i < a->num_l2 && i < SPAWN_MAX_L2; i++) {
        l2_tables[a->l2[i].l1_index] = CAPADDR(ROOTCN_SLOT_PAGECN, a->l2[i].pagecn_slot);
    }
    pagecn_next = a->pagecn_free;
    vregion_alloc_fixed(&vspace, USER_HEAP_BASE, HEAP_BYTES, VREGION_LAZY);
}

/* The L2 table for the MiB at l1_index, made and mapped if need be. */
static errval_t l2_table(uint32_t l1_index, capaddr_t *ret)
{
    if (l2_tables[l1_index] != 0) {
        *ret = l2_tables[l1_index];
        return SYS_ERR_OK;
    }
    struct capref slot;
    errval_t err;
    if (pagecn_next < L2_CNODE_SLOTS) {
        slot = (struct capref){ ROOTCN_SLOT_PAGECN, pagecn_next++ };
        err = mem_retype_at(slot, ObjType_VNode_ARM_l2, 0);
    } else {
        err = mem_retype(ObjType_VNode_ARM_l2, 0, &slot);
    }
    if (err_is_fail(err)) {
        return err;
    }
    err = cap_invoke(capref_addr(l1_table), VNodeCmd_Map, 3, l1_index,
                     capref_addr(slot), CAP_LEVEL_L2).err;
    if (err_is_fail(err)) {
        return err;
    }
    l2_tables[l1_index] = capref_addr(slot);
    *ret = l2_tables[l1_index];
    return SYS_ERR_OK;
}

static errval_t map_locked(uint32_t vaddr, struct capref frame, size_t bytes,
                           uint32_t flags)
{
    uint32_t offset = 0;
    struct capref cap = frame;

    while (offset < bytes) {
        uint32_t va = vaddr + offset;
        uint32_t entry = (va / PAGE) % 256;
        uint32_t count = (bytes - offset) / PAGE;
        if (count > 256 - entry) {
            count = 256 - entry;
        }
        capaddr_t l2;
        errval_t err = l2_table(va / L2_SPAN, &l2);
        if (err_is_fail(err)) {
            return err;
        }
        if (offset != 0) {          /* another L2 table: another copy */
            struct split_mapping *sm = split_find(vaddr, true);
            if (sm == NULL || sm->n == MAX_EXTRA_COPIES) {
                return LIB_ERR_VREGION_NO_SPACE;
            }
            if ((err = slot_alloc(&cap)) || (err = cap_copy(cap, frame))) {
                return err;
            }
            sm->copies[sm->n++] = cap;
        }
        err = cap_invoke(l2, VNodeCmd_Map, 6, entry, capref_addr(cap),
                         CAP_LEVEL_L2, offset, count, flags).err;
        if (err_is_fail(err)) {
            return err;
        }
        offset += count * PAGE;
    }
    return SYS_ERR_OK;
}

errval_t paging_map_fixed(uint32_t vaddr, struct capref frame, size_t bytes,
                          uint32_t flags)
{
    if (vaddr % PAGE != 0 || bytes == 0 || bytes % PAGE != 0) {
        return LIB_ERR_VREGION_BAD_ARGS;
    }
    thread_lock_libsys();
    errval_t err = map_locked(vaddr, frame, bytes, flags);
    thread_unlock_libsys();
    return err;
}

errval_t paging_map_frame(uint32_t *vaddr, struct capref frame, size_t bytes,
                          uint32_t flags)
{
    uint64_t va;
    bytes = (bytes + PAGE - 1) & ~(PAGE - 1);
    thread_lock_libsys();
    errval_t err = vregion_alloc(&vspace, bytes, PAGE, 0, &va);
    if (err_is_ok(err)) {
        err = map_locked((uint32_t)va, frame, bytes, flags);
        if (err_is_fail(err)) {
            vregion_free(&vspace, va);
        }
    }
    thread_unlock_libsys();
    if (err_is_ok(err)) {
        *vaddr = (uint32_t)va;
    }
    return err;
}

errval_t paging_unmap(uint32_t vaddr, size_t bytes)
{
    errval_t err = SYS_ERR_OK;
    bytes = (bytes + PAGE - 1) & ~(PAGE - 1);
    thread_lock_libsys();
    for (uint32_t off = 0; off < bytes && err_is_ok(err);) {
        uint32_t va = vaddr + off;
        uint32_t entry = (va / PAGE) % 256;
        uint32_t count = (bytes - off) / PAGE;
        if (count > 256 - entry) {
            count = 256 - entry;
        }
        capaddr_t l2 = l2_tables[va / L2_SPAN];
        err = l2 ? cap_invoke(l2, VNodeCmd_Unmap, 2, entry, count).err
                 : SYS_ERR_VNODE_NOT_MAPPED;
        off += count * PAGE;
    }
    struct split_mapping *sm = split_find(vaddr, false);
    while (sm && sm->n > 0) {
        sm->n--;
        cap_delete(sm->copies[sm->n]);
        slot_free(sm->copies[sm->n]);
    }
    vregion_free(&vspace, vaddr);
    thread_unlock_libsys();
    return err;
}

errval_t paging_alloc_lazy(uint32_t *vaddr, size_t bytes)
{
    uint64_t va;
    bytes = (bytes + PAGE - 1) & ~(PAGE - 1);
    thread_lock_libsys();
    errval_t err = vregion_alloc(&vspace, bytes, PAGE, VREGION_LAZY, &va);
    thread_unlock_libsys();
    if (err_is_ok(err)) {
        *vaddr = (uint32_t)va;
    }
    return err;
}

errval_t paging_handle_fault(uint32_t addr)
{
    thread_lock_libsys();
    struct vregion *r = vregion_find(&vspace, addr);
    errval_t err = LIB_ERR_PAGEFAULT;
    if (r != NULL && (r->flags & VREGION_LAZY)) {
        struct capref frame;
        err = frame_alloc(&frame, PAGE);
        if (err_is_ok(err)) {
            err = map_locked(addr & ~(PAGE - 1), frame, PAGE,
                             VREGION_FLAGS_READ_WRITE);
        }
        if (err_is_ok(err)) {
            faults_served++;
        }
    }
    thread_unlock_libsys();
    return err;
}

uint32_t paging_faults_served(void)
{
    return faults_served;
}

/* ---- the heap: picolibc's malloc grows it with sbrk -------------------------- */

static uint32_t heap_break = USER_HEAP_BASE;

void *sbrk(ptrdiff_t increment);
void *sbrk(ptrdiff_t increment)
{
    uint32_t old = heap_break;
    if (increment < 0 || (uint32_t)increment > USER_HEAP_LIMIT - heap_break) {
        return (void *)-1;
    }
    /* The page-fault upcall runs disabled and cannot ask the memory
     * server for RAM: make sure our RAM sources hold the new pages (and a
     * page table for each MiB) before we touch them.  Out of memory is
     * then malloc returning NULL, not a fault.  (We are inside malloc
     * here: the refill's RPC path must not allocate -- rpc_client.c.) */
    uint32_t first = (old + PAGE - 1) & ~(PAGE - 1);
    uint32_t end = (old + (uint32_t)increment + PAGE - 1) & ~(PAGE - 1);
    size_t need = end - first + ((end - first) / L2_SPAN + 1) * PAGE;
    size_t have = ram_free_bytes();
    if (end > first && have < need &&
        (ram_refill_hook == NULL || err_is_fail(ram_refill_hook(need - have)))) {
        return (void *)-1;
    }
    heap_break += increment;
    /* Touch every new page now, enabled, so the page-fault upcall backs
     * it: libsys code that runs disabled may then use heap memory. */
    for (uint32_t p = (old + PAGE - 1) & ~(PAGE - 1); p < heap_break; p += PAGE) {
        *(volatile char *)p = 0;
    }
    return (void *)old;
}
