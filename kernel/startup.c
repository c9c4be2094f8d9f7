/*
 * kernel/startup.c -- building the first domain, init, at boot
 * (docs/spawning.md).
 *
 * Init is the only domain the kernel builds; every other domain is spawned
 * by init through libsys.  The kernel takes the memory for init's objects
 * from the RAM just after its own image, creates each object's capability
 * directly (the boot-time "root" capabilities of the derivation database),
 * and hands init the rest of RAM as one RAM capability:
 *
 *   CSpace      root L1 CNode + the well-known L2 CNodes (<sprat/bootinfo.h>)
 *   VSpace      L1 table, L2 tables as needed; the ELF segments, a stack,
 *               the dispatcher frame, the arguments page, the bootinfo page
 *   Dispatcher  DCB + frame, entered through run() like any other domain
 *   for init    Kernel and IRQTable caps, a Frame per boot module, a
 *               DevFrame per device, RAM caps for all free memory
 */
#include <kernel.h>
#include <cap.h>
#include <dispatch.h>
#include <vnode.h>
#include <plat.h>
#include <timer.h>
#include <startup.h>
#include <smp.h>
#include <arch/armv7.h>
#include <arch/vm.h>
#include <sprat/args.h>
#include <sprat/bootfs.h>
#include <sprat/bootinfo.h>
#include <sprat/elf.h>
#include <sprat/vm_layout.h>

extern char __kernel_end[], __bootfs_start[], __bootfs_end[];

/* Pages of stack mapped for init up front; libsys maps the rest of the
 * USER_STACK_BYTES reservation on demand. */
#define INIT_STACK_BYTES   (64 * 1024)

/* ---- the boot-time allocator ------------------------------------------ */

static paddr_t boot_free;       /* next free physical address */
static paddr_t boot_first;      /* where the kernel's allocations started */
static paddr_t boot_limit;      /* the end of this core's share of RAM */

static paddr_t boot_alloc(uint32_t bytes, uint32_t align)
{
    paddr_t pa = ALIGN_UP(boot_free, align);
    if ((uint64_t)pa + bytes > (uint64_t)boot_limit) {
        panic("out of memory building init");
    }
    boot_free = pa + bytes;
    memset(cap_phys_to_kptr(pa), 0, bytes);
    return pa;
}

/* Make a capability to [base, base + bytes) in slot `slot` of cnode. */
static struct cte *boot_cap(const struct capability *cnode, uint32_t slot,
                            unsigned type, paddr_t base, uint32_t bytes,
                            uint8_t rights)
{
    struct cte *dest = cnode_slot(cnode, slot);
    struct capability cap = {
        .type = type, .rights = rights, .base = base, .bytes = bytes,
    };
    assert(dest != NULL && dest->cap.type == ObjType_Null);
    cap_create_root(dest, &cap);
    return dest;
}

/* Allocate a new object and make its capability.  The object was zeroed
 * through the data cache: cap_hook_created() does for it what it does
 * after a retype (cleans a page table for the walker). */
static struct cte *boot_obj(const struct capability *cnode, uint32_t slot,
                            unsigned type, uint32_t bytes)
{
    const struct cap_type_info *ti = cap_type_info(type);
    uint32_t align = MAX(ti->align, (uint32_t)BASE_PAGE_SIZE);
    struct cte *cte = boot_cap(cnode, slot, type, boot_alloc(bytes, align), bytes,
                               CAPRIGHTS_ALLRIGHTS);
    cap_hook_created(&cte->cap);
    return cte;
}

/* ---- init's address space --------------------------------------------- */

struct init_space {
    struct capability *pagecn;
    struct cte *l1;
    struct spawn_args *args;
    uint32_t pagecn_next;
    uint32_t segcn_next;
};

/* The L2 table covering va, created and mapped on first use. */
static struct cte *l2_for(struct init_space *s, vaddr_t va)
{
    uint32_t l1_index = va >> SECTION_SHIFT;
    struct spawn_args *a = s->args;

    for (uint32_t i = 0; i < a->num_l2; i++) {
        if (a->l2[i].l1_index == l1_index) {
            return cnode_slot(s->pagecn, a->l2[i].pagecn_slot);
        }
    }
    assert(a->num_l2 < SPAWN_MAX_L2);
    uint32_t slot = s->pagecn_next++;
    struct cte *l2 = boot_obj(s->pagecn, slot, ObjType_VNode_ARM_l2,
                              OBJSIZE_VNODE_ARM_L2);
    errval_t err = vnode_map(s->l1, l1_index, l2, 0, 1, 0);
    assert(err_is_ok(err));
    a->l2[a->num_l2].l1_index = l1_index;
    a->l2[a->num_l2].pagecn_slot = slot;
    a->num_l2++;
    return l2;
}

/* Map the whole frame in cte at va (it must not cross a 1 MiB boundary). */
static void map_frame(struct init_space *s, vaddr_t va, struct cte *frame,
                      uint32_t flags)
{
    uint32_t pages = frame->cap.bytes / BASE_PAGE_SIZE;
    assert((va >> SECTION_SHIFT) == ((va + frame->cap.bytes - 1) >> SECTION_SHIFT));
    errval_t err = vnode_map(l2_for(s, va), (va >> PAGE_SHIFT) & 0xff, frame,
                             0, pages, flags);
    assert(err_is_ok(err));
}

static void add_vregion(struct spawn_args *a, vaddr_t base, uint32_t bytes)
{
    assert(a->num_vregions < SPAWN_MAX_VREGIONS);
    a->vregions[a->num_vregions].base = base;
    a->vregions[a->num_vregions].bytes = bytes;
    a->num_vregions++;
}

/* A fresh zeroed page (a Frame in SEGCN), not mapped yet. */
static struct cte *new_page(struct init_space *s, struct capability *segcn)
{
    return boot_obj(segcn, s->segcn_next++, ObjType_Frame, BASE_PAGE_SIZE);
}

static uint32_t segment_flags(uint32_t elf_flags)
{
    uint32_t f = 0;
    if (elf_flags & PF_R) f |= VREGION_FLAGS_READ;
    if (elf_flags & PF_W) f |= VREGION_FLAGS_WRITE;
    if (elf_flags & PF_X) f |= VREGION_FLAGS_EXECUTE;
    return f;
}

/* Load init's ELF segments page by page (one Frame per page in SEGCN).
 * Each page is filled first and mapped after: mapping a page executable
 * is what makes the kernel clean the D-cache and invalidate the I-cache
 * for it (vnode.c, sync_code), so it must come after the last write. */
static uint32_t load_elf(struct init_space *s, struct capability *segcn,
                         const uint8_t *image, uint32_t bytes)
{
    struct elf_info info;
    errval_t err = elf_parse(image, bytes, USER_IMAGE_LIMIT, &info);
    if (err_is_fail(err)) {
        panic("init is not a loadable ELF file (error %u)", (unsigned)err);
    }
    for (unsigned i = 0; i < info.num_segments; i++) {
        const struct elf_segment *seg = &info.segments[i];
        vaddr_t start = ALIGN_DOWN(seg->vaddr, BASE_PAGE_SIZE);
        vaddr_t end = ALIGN_UP(seg->vaddr + seg->memsz, BASE_PAGE_SIZE);
        for (vaddr_t va = start; va < end; va += BASE_PAGE_SIZE) {
            struct cte *frame = new_page(s, segcn);
            uint8_t *page = cap_phys_to_kptr(frame->cap.base);
            /* The part of the file that lands in this page. */
            vaddr_t file_end = seg->vaddr + seg->filesz;
            vaddr_t lo = MAX(va, seg->vaddr);
            vaddr_t hi = MIN(va + BASE_PAGE_SIZE, file_end);
            if (lo < hi) {
                memcpy(page + (lo - va), image + seg->offset + (lo - seg->vaddr),
                       hi - lo);
            }
            map_frame(s, va, frame, segment_flags(seg->flags));
        }
        add_vregion(s->args, start, end - start);
    }
    return info.entry;
}

/* ---- boot modules ---------------------------------------------------------- */

const struct bootfs_entry *bootfs_find(const char *name)
{
    const struct bootfs_header *h = (const void *)__bootfs_start;
    const struct bootfs_entry *e = (const void *)(h + 1);

    if ((size_t)(__bootfs_end - __bootfs_start) < sizeof(*h) ||
        h->magic != BOOTFS_MAGIC) {
        return NULL;
    }
    for (uint32_t i = 0; i < h->count; i++) {
        if (strncmp(e[i].name, name, BOOTFS_NAME_LEN) == 0) {
            return &e[i];
        }
    }
    return NULL;
}

static void add_region(struct bootinfo *bi, paddr_t base, uint32_t bytes,
                       uint32_t type, capaddr_t cap, const char *name)
{
    assert(bi->num_regions < BOOTINFO_MAX_REGIONS);
    struct mem_region *r = &bi->regions[bi->num_regions++];
    r->base = base;
    r->bytes = bytes;
    r->type = type;
    r->cap = cap;
    strlcpy_k(r->name, name, sizeof(r->name));
}

/* A read-only Frame for every module (they live in the kernel image). */
static void give_modules(struct capability *modulecn, struct bootinfo *bi)
{
    const struct bootfs_header *h = (const void *)__bootfs_start;
    const struct bootfs_entry *e = (const void *)(h + 1);

    for (uint32_t i = 0; i < h->count && i < L2_CNODE_SLOTS; i++) {
        paddr_t base = kva_to_phys((lvaddr_t)__bootfs_start + e[i].offset);
        uint32_t bytes = ALIGN_UP(MAX(e[i].bytes, 1u), BASE_PAGE_SIZE);
        boot_cap(modulecn, i, ObjType_Frame, base, bytes, CAPRIGHTS_READ);
        if (strncmp(e[i].name, BOOTFS_BOOTLIST, BOOTFS_NAME_LEN) == 0) {
            bi->bootlist_module = bi->num_regions;
        }
        add_region(bi, base, e[i].bytes, RegionType_Module,
                   CAPADDR(ROOTCN_SLOT_MODULECN, i), e[i].name);
    }
}

/* A device's registers as a PhysAddr capability (untyped address space)
 * and the DevFrame retyped from it, which is what a driver maps. */
static void give_devices(struct capability *devcn, struct bootinfo *bi)
{
    size_t n;
    const struct plat_device *devs = plat_devices(&n);

    for (size_t i = 0; i < n && i < DEVCN_MAX_DEVICES; i++) {
        paddr_t base = ALIGN_DOWN(devs[i].base, BASE_PAGE_SIZE);
        uint32_t bytes = ALIGN_UP(devs[i].base + devs[i].bytes, BASE_PAGE_SIZE) - base;
        struct cte *pa = boot_cap(devcn, DEVCN_SLOT_PHYSADDR(i), ObjType_PhysAddr,
                                  base, bytes, CAPRIGHTS_READ_WRITE);
        errval_t err = cap_retype(pa, 0, ObjType_DevFrame, bytes, 1, devcn, i);
        assert(err_is_ok(err));
        add_region(bi, base, bytes, RegionType_Device,
                   CAPADDR(ROOTCN_SLOT_DEVCN, i), devs[i].name);
    }
    if (n > 0) {
        bi->irq_uart = devs[0].irq;
    }
}

/* ---- putting it together --------------------------------------------------- */

bool startup_init(void)
{
    const struct bootfs_entry *init_mod = bootfs_find("init");
    if (init_mod == NULL) {
        return false;
    }
    /* This core's share of RAM (kernel/smp.c): on the boot core after the
     * image and the other cores' per-core regions. */
    struct smp_ram ram;
    smp_core_ram(my_core, &ram);
    boot_free = boot_first = ram.base;
    boot_limit = ram.end;

    /* CSpace: the root CNode, then the L2 CNodes in its slots. */
    uint32_t root_bytes = L1_CNODE_MIN_SLOTS * CTE_SIZE;
    struct capability root = {
        .type = ObjType_L1CNode, .rights = CAPRIGHTS_ALLRIGHTS,
        .base = boot_alloc(root_bytes, BASE_PAGE_SIZE), .bytes = root_bytes,
    };
    struct cte *cn[ROOTCN_SLOTS_USER];
    for (uint32_t i = 0; i < ROOTCN_SLOTS_USER; i++) {
        cn[i] = boot_obj(&root, i, ObjType_L2CNode, OBJSIZE_L2CNODE);
    }
    struct capability *taskcn = &cn[ROOTCN_SLOT_TASKCN]->cap;
    struct cte *rootcte = boot_cap(taskcn, TASKCN_SLOT_ROOTCN, ObjType_L1CNode,
                                   root.base, root.bytes, CAPRIGHTS_ALLRIGHTS);
    cap_copy(cnode_slot(taskcn, TASKCN_SLOT_TASKCN), cn[ROOTCN_SLOT_TASKCN],
             CAPRIGHTS_ALLRIGHTS);

    /* Dispatcher, its frame, its self endpoint (unminted). */
    struct cte *disp = boot_obj(taskcn, TASKCN_SLOT_DISPATCHER, ObjType_Dispatcher,
                                OBJSIZE_DISPATCHER);
    struct cte *frame = boot_obj(taskcn, TASKCN_SLOT_DISPFRAME, ObjType_Frame,
                                 DISPATCHER_FRAME_BYTES);
    errval_t err = cap_retype(disp, 0, ObjType_EndPoint, 0, 1, taskcn,
                              TASKCN_SLOT_SELFEP);
    assert(err_is_ok(err));
    boot_cap(taskcn, TASKCN_SLOT_KERNELCAP, ObjType_Kernel, 0, 0, CAPRIGHTS_ALLRIGHTS);
    if (my_core == 0) {         /* devices and interrupts: the boot core's */
        boot_cap(taskcn, TASKCN_SLOT_IRQTABLE, ObjType_IRQTable, 0, 0, CAPRIGHTS_ALLRIGHTS);
    }
    if (ram.shared_frame != 0 && my_core == 0) {
        memset(cap_phys_to_kptr(ram.shared_frame), 0, BASE_PAGE_SIZE);
    }
    if (ram.shared_frame != 0) {
        boot_cap(taskcn, TASKCN_SLOT_COREFRAME, ObjType_Frame, ram.shared_frame,
                 BASE_PAGE_SIZE, CAPRIGHTS_READ_WRITE);
    }
    struct cte *argsf = boot_obj(taskcn, TASKCN_SLOT_ARGSPAGE, ObjType_Frame, BASE_PAGE_SIZE);
    struct cte *bif = boot_obj(taskcn, TASKCN_SLOT_BOOTINFO, ObjType_Frame, BASE_PAGE_SIZE);

    /* Address space. */
    struct init_space s = {
        .pagecn = &cn[ROOTCN_SLOT_PAGECN]->cap,
        .args = cap_phys_to_kptr(argsf->cap.base),
        .pagecn_next = 1,
    };
    s.l1 = boot_obj(s.pagecn, 0, ObjType_VNode_ARM_l1, OBJSIZE_VNODE_ARM_L1);
    struct spawn_args *a = s.args;
    a->magic = SPAWN_ARGS_MAGIC;
    a->domain_id = 1;
    strlcpy_k(a->name, "init", sizeof(a->name));
    /* "init" on the boot core; "init core=N" on another (user/init/cores.c). */
    a->argc = 1;
    a->argv_offset[0] = 0;
    strlcpy_k(a->strings, "init", sizeof(a->strings));
    if (my_core != 0) {
        a->argc = 2;
        a->argv_offset[1] = 5;
        strlcpy_k(a->strings + 5, "core=1", sizeof(a->strings) - 5);
        a->strings[10] = (char)('0' + my_core);
    }

    struct capability *segcn = &cn[ROOTCN_SLOT_SEGCN]->cap;
    uint32_t entry = load_elf(&s, segcn, (const uint8_t *)__bootfs_start + init_mod->offset,
                              init_mod->bytes);
    for (vaddr_t va = USER_STACK_TOP - INIT_STACK_BYTES; va < USER_STACK_TOP;
         va += BASE_PAGE_SIZE) {
        map_frame(&s, va, new_page(&s, segcn), VREGION_FLAGS_READ_WRITE);
    }
    add_vregion(a, USER_STACK_TOP - USER_STACK_BYTES, USER_STACK_BYTES);
    a->stack_mapped_bytes = INIT_STACK_BYTES;
    map_frame(&s, DISPATCHER_VADDR, frame, VREGION_FLAGS_READ_WRITE);
    add_vregion(a, DISPATCHER_VADDR, DISPATCHER_FRAME_BYTES);
    map_frame(&s, ARGS_VADDR, argsf, VREGION_FLAGS_READ_WRITE);
    add_vregion(a, ARGS_VADDR, BASE_PAGE_SIZE);
    map_frame(&s, BOOTINFO_VADDR, bif, VREGION_FLAGS_READ);
    add_vregion(a, BOOTINFO_VADDR, BASE_PAGE_SIZE);

    /* What init gets to hand out. */
    struct bootinfo *bi = cap_phys_to_kptr(bif->cap.base);
    STATIC_ASSERT(sizeof(struct bootinfo) <= BASE_PAGE_SIZE, "bootinfo fits a page");
    bi->magic = BOOTINFO_MAGIC;
    bi->ram_base = PLAT_RAM_BASE;
    bi->ram_bytes = PLAT_RAM_SIZE;
    bi->kernel_tick_hz = KERNEL_TICK_HZ;
    give_modules(&cn[ROOTCN_SLOT_MODULECN]->cap, bi);
    if (my_core == 0) {
        give_devices(&cn[ROOTCN_SLOT_DEVCN]->cap, bi);
    }

    /* The dispatcher: entered through run() at the ELF entry point. */
    struct dcb *dcb = dcb_from_cap(&disp->cap);
    err = dispatch_setup(dcb, rootcte, s.l1, frame, NULL, 0);
    assert(err_is_ok(err));
    struct dispatcher_shared *sh = dcb->shared;
    sh->udisp = DISPATCHER_VADDR;
    sh->run_entry = entry;
    sh->stack_top = DISPATCHER_VADDR + DISP_STACK_TOP;
    sh->domain_id = 1;
    strlcpy_k(sh->name, "init", sizeof(sh->name));

    a->pagecn_free = s.pagecn_next;
    a->segcn_free = s.segcn_next;
    a->taskcn_free = TASKCN_SLOTS_FREE;

    /* Everything else is free RAM for init. */
    add_region(bi, boot_first, boot_free - boot_first, RegionType_InitUsed, CPTR_NULL,
               "init");
    paddr_t free_base = ALIGN_UP(boot_free, BASE_PAGE_SIZE);
    paddr_t ram_end = ram.end;
    boot_cap(&cn[ROOTCN_SLOT_SUPERCN]->cap, 0, ObjType_RAM, free_base,
             ram_end - free_base, CAPRIGHTS_ALLRIGHTS);
    add_region(bi, free_base, ram_end - free_base, RegionType_Empty,
               CAPADDR(ROOTCN_SLOT_SUPERCN, 0), "ram");
    if (my_core == 0 && ram.end < (paddr_t)PLAT_RAM_BASE + (paddr_t)PLAT_RAM_SIZE) {
        add_region(bi, ram.end, (paddr_t)PLAT_RAM_BASE + (paddr_t)PLAT_RAM_SIZE - ram.end,
                   RegionType_OtherCores, CPTR_NULL, "other cores");
    }

    kprintf("kernel: core %u starting init (%u KiB of kernel-built objects, %u MiB free)\n",
            my_core,
            (unsigned)((boot_free - boot_first) >> 10),
            (unsigned)((ram_end - free_base) >> 20));
    sched_make_runnable(dcb);
    return true;
}
