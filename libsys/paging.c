/*
 * libsys/paging.c -- the paging library (sys/paging.h).
 *
 * The domain keeps a map of its virtual address space (a vregion map) and
 * a table of its L2 page tables, one per MiB, made on demand from RAM and
 * mapped into the L1 table (PAGECN slot 0).  A frame mapped across several
 * MiB needs one capability copy per L2 table, since the kernel records one
 * mapping per copy.  Lazily backed regions (the heap, the main stack,
 * paging_alloc_lazy) get a frame per page in the pagefault upcall, when
 * the page is first touched (docs/dispatch.md, section 8).
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
    /* The page below the dispatcher frame stays unmapped, so that an
     * overflow of the upcall stack faults instead of writing over
     * whatever would be mapped there. */
    vregion_alloc_fixed(&vspace, DISP_GUARD_VADDR, PAGE, 0);
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
    err = vnode_map_table(capref_addr(l1_table), l1_index, capref_addr(slot));
    if (err_is_fail(err)) {
        return err;
    }
    l2_tables[l1_index] = capref_addr(slot);
    *ret = l2_tables[l1_index];
    return SYS_ERR_OK;
}

/* The part of [va, va + bytes) that one L2 table covers: its first entry
 * and the number of pages. */
static void l2_chunk(uint32_t va, uint32_t bytes, uint32_t *entry, uint32_t *count)
{
    *entry = (va / PAGE) % 256;
    *count = bytes / PAGE;
    if (*count > 256 - *entry) {
        *count = 256 - *entry;
    }
}

/* Unmap [vaddr, vaddr + bytes) and delete the extra capability copies
 * mapping it needed; stops at the first chunk that is not mapped. */
static errval_t unmap_locked(uint32_t vaddr, uint32_t bytes)
{
    errval_t err = SYS_ERR_OK;
    for (uint32_t off = 0; off < bytes && err_is_ok(err);) {
        uint32_t entry, count;
        l2_chunk(vaddr + off, bytes - off, &entry, &count);
        capaddr_t l2 = l2_tables[(vaddr + off) / L2_SPAN];
        err = l2 ? vnode_unmap(l2, entry, count)
                 : SYS_ERR_VNODE_NOT_MAPPED;
        off += count * PAGE;
    }
    struct split_mapping *sm = split_find(vaddr, false);
    while (sm && sm->n > 0) {
        sm->n--;
        cap_delete(sm->copies[sm->n]);
        slot_free(sm->copies[sm->n]);
    }
    return err;
}

/* Map one L2 table's part of a mapping; a part after the first needs a
 * capability copy of its own (remembered for unmap_locked). */
static errval_t map_chunk(uint32_t vaddr, uint32_t offset, struct capref frame,
                          uint32_t bytes, uint32_t flags, uint32_t *count)
{
    uint32_t va = vaddr + offset, entry;
    capaddr_t l2;
    struct capref cap = frame;

    l2_chunk(va, bytes - offset, &entry, count);
    errval_t err = l2_table(va / L2_SPAN, &l2);
    if (err_is_fail(err)) {
        return err;
    }
    if (offset != 0) {
        struct split_mapping *sm = split_find(vaddr, true);
        if (sm == NULL || sm->n == MAX_EXTRA_COPIES) {
            return LIB_ERR_VREGION_NO_SPACE;
        }
        if ((err = slot_alloc(&cap))) {
            return err;
        }
        if ((err = cap_copy(cap, frame))) {
            slot_free(cap);
            return err;
        }
        sm->copies[sm->n++] = cap;
    }
    return vnode_map(l2, entry, capref_addr(cap), offset, *count, flags);
}

/* Map all of it, or nothing: a failure unmaps the parts already mapped. */
static errval_t map_locked(uint32_t vaddr, struct capref frame, size_t bytes,
                           uint32_t flags)
{
    for (uint32_t offset = 0; offset < bytes;) {
        uint32_t count;
        errval_t err = map_chunk(vaddr, offset, frame, bytes, flags, &count);
        if (err_is_fail(err)) {
            unmap_locked(vaddr, offset);
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
    /* Claim the range first: it must not be in use by anything else
     * (LIB_ERR_VREGION_OVERLAP), and must not be handed out later. */
    errval_t err = vregion_alloc_fixed(&vspace, vaddr, bytes, 0);
    if (err_is_ok(err)) {
        err = map_locked(vaddr, frame, bytes, flags);
        if (err_is_fail(err)) {
            vregion_free(&vspace, vaddr);
        }
    }
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
    bytes = (bytes + PAGE - 1) & ~(PAGE - 1);
    thread_lock_libsys();
    errval_t err = unmap_locked(vaddr, bytes);
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

/* ---- the heap: picolibc's malloc grows it with sbrk -------------------------- */

/*
 * The heap is [USER_HEAP_BASE, heap_break) of the lazily backed heap
 * region.  sbrk only moves the break and reserves the RAM the new pages
 * will need (ram_reserve); a page gets its frame when it is first touched,
 * in the page-fault upcall.  A malloc that the domain's RAM cannot back
 * fails with NULL there and then, instead of killing the domain with a
 * page fault later -- and so does one whose pages the slot allocator
 * could not give a slot each (heap_unbacked counts the pages promised
 * and not yet backed; SBRK_SLOT_MARGIN slots stay for everything else).
 */
#define SBRK_SLOT_MARGIN    64
static uint32_t heap_break = USER_HEAP_BASE;
static uint32_t heap_unbacked;

static uint32_t page_up(uint32_t a)
{
    return (a + PAGE - 1) & ~(PAGE - 1);
}

void *sbrk(ptrdiff_t increment);
void *sbrk(ptrdiff_t increment)
{
    uint32_t old = heap_break;
    if (increment < 0 || (uint32_t)increment > USER_HEAP_LIMIT - heap_break) {
        return (void *)-1;
    }
    uint32_t new_break = old + (uint32_t)increment;
    /* The new pages, and an L2 table for every MiB they start. */
    uint32_t pages = (page_up(new_break) - page_up(old)) / PAGE;
    uint32_t tables = (page_up(new_break) + L2_SPAN - 1) / L2_SPAN -
                      (page_up(old) + L2_SPAN - 1) / L2_SPAN;
    if (pages > 0 && heap_unbacked + pages + tables + SBRK_SLOT_MARGIN > slot_alloc_capacity()) {
        return (void *)-1;                  /* no slots for them: ENOMEM */
    }
    if (pages > 0 && err_is_fail(ram_reserve((pages + tables) * PAGE))) {
        return (void *)-1;                  /* malloc returns NULL: ENOMEM */
    }
    heap_unbacked += pages;
    heap_break = new_break;
    return (void *)old;
}

/* Back the page at addr with a fresh frame.  For a heap page the frame
 * (and the L2 table, if the MiB has none yet) come out of the RAM sbrk
 * reserved. */
static errval_t back_page(uint32_t addr, bool heap)
{
    struct capref frame;
    errval_t err = slot_alloc(&frame);
    if (err_is_fail(err)) {
        return err;
    }
    ram_draw_on_reserve(heap);
    err = mem_retype_at(frame, ObjType_Frame, PAGE);
    if (err_is_ok(err)) {
        err = map_locked(addr & ~(PAGE - 1), frame, PAGE, VREGION_FLAGS_READ_WRITE);
        if (err_is_fail(err)) {
            mem_free(frame);
        } else if (heap && heap_unbacked > 0) {
            heap_unbacked--;                /* its slot is taken now */
        }
    } else {
        slot_free(frame);
    }
    ram_draw_on_reserve(false);
    return err;
}

errval_t paging_handle_fault(uint32_t addr)
{
    thread_lock_libsys();
    struct vregion *r = vregion_find(&vspace, addr);
    errval_t err = LIB_ERR_PAGEFAULT;
    if (r != NULL && (r->flags & VREGION_LAZY)) {
        bool heap = r->base == USER_HEAP_BASE;
        if (!heap || addr < heap_break) {
            err = back_page(addr, heap);
        }
        if (err_is_ok(err)) {
            faults_served++;
        } else if (err != LIB_ERR_PAGEFAULT) {
            /* Say why before the kernel reports the fault itself. */
            static const char msg[] = "libsys: no memory to back a lazily mapped page\n";
            sys_debug_print(msg, sizeof(msg) - 1);
        }
    }
    thread_unlock_libsys();
    return err;
}

uint32_t paging_faults_served(void)
{
    return faults_served;
}

uint64_t paging_free_vspace_bytes(void)
{
    thread_lock_libsys();
    uint64_t n = vregion_free_bytes(&vspace);
    thread_unlock_libsys();
    return n;
}
