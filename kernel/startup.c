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
 *
 * The address space and the arguments page are laid out by the code
 * libsys' spawn uses too (freestanding/domain_build.c), through the
 * callbacks init_ops below.
 */
#include <kernel.h>
#include <cap.h>
#include <dispatch.h>
#include <sched.h>
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
#include <sprat/domain_id.h>
#include <freestanding/domain_build.h>
#include <freestanding/elf.h>
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
    const struct objtype_info *ti = objtype_info(type);
    uint32_t align = MAX(ti->align, (uint32_t)BASE_PAGE_SIZE);
    struct cte *cte = boot_cap(cnode, slot, type, boot_alloc(bytes, align), bytes,
                               CAPRIGHTS_ALLRIGHTS);
    cap_hook_created(&cte->cap);
    return cte;
}

/* ---- init's address space: the callbacks of freestanding/domain_build.c */

/* What the callbacks need: init's L2 CNodes and its L1 table. */
struct init_space {
    struct cte *cn[ROOTCN_SLOTS_USER];
    struct cte *l1;
};

static struct cte *slot_cte(struct init_space *s, struct dom_slot at)
{
    return cnode_slot(&s->cn[at.cnode]->cap, at.slot);
}

static errval_t init_new_l2(void *ctx, struct dom_slot table, uint32_t l1_index)
{
    struct init_space *s = ctx;
    struct cte *l2 = boot_obj(&s->cn[table.cnode]->cap, table.slot, ObjType_VNode_ARM_l2,
                              OBJSIZE_VNODE_ARM_L2);
    return vnode_map(s->l1, l1_index, l2, 0, 1, 0);
}

static errval_t init_new_frame(void *ctx, struct dom_slot frame, uint32_t bytes)
{
    struct init_space *s = ctx;
    boot_obj(&s->cn[frame.cnode]->cap, frame.slot, ObjType_Frame, bytes);
    return SYS_ERR_OK;
}

/* The kernel writes a frame through its linear map of RAM. */
static errval_t init_write_frame(void *ctx, struct dom_slot frame, uint32_t bytes,
                                 void (*fill)(uint8_t *mem, void *arg), void *arg)
{
    fill(cap_phys_to_kptr(slot_cte(ctx, frame)->cap.base), arg);
    return SYS_ERR_OK;
}

static errval_t init_map(void *ctx, struct dom_slot table, uint32_t index,
                         struct dom_slot frame, uint32_t pages, uint32_t flags)
{
    return vnode_map(slot_cte(ctx, table), index, slot_cte(ctx, frame), 0, pages, flags);
}

static const struct dom_ops init_ops = {
    .new_l2 = init_new_l2, .new_frame = init_new_frame,
    .write_frame = init_write_frame, .map = init_map,
};

/* init's ELF segments, stack, dispatcher frame, arguments and bootinfo
 * pages (each filled before it is mapped: mapping a page executable is
 * what makes the kernel clean it for the I-cache, vnode.c's sync_code);
 * returns the entry point. */
static uint32_t build_space(struct dom_build *d, const uint8_t *image, uint32_t bytes)
{
    /* "init" on the boot core; "init core=N" on another
     * (user/sys/init/cores.c). */
    static char core_arg[] = "core=0";
    const char *const argv[] = { "init", core_arg, NULL };
    core_arg[5] = (char)('0' + my_core);
    const struct dom_slot bootinfo = { ROOTCN_SLOT_TASKCN, TASKCN_SLOT_BOOTINFO };
    struct elf_info info;
    errval_t err;

    if ((err = elf_parse(image, bytes, USER_IMAGE_LIMIT, &info))) {
        panic("init is not a loadable ELF file (error %u)", (unsigned)err);
    }
    if ((err = dom_set_args(d, domain_id_init(my_core), "init", my_core != 0 ? 2 : 1,
                            argv, NULL)) ||
        (err = dom_load_segments(d, image, &info)) ||
        (err = dom_map_standard(d, INIT_STACK_BYTES)) ||
        (err = dom_map_region(d, BOOTINFO_VADDR, bootinfo, BASE_PAGE_SIZE,
                              VREGION_FLAGS_READ))) {
        panic("cannot build init's address space (error %u)", (unsigned)err);
    }
    dom_finish(d);
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
    struct init_space s;            /* the callbacks' state (above) */
    struct cte **cn = s.cn;
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
    s.l1 = boot_obj(&cn[ROOTCN_SLOT_PAGECN]->cap, 0, ObjType_VNode_ARM_l1,
                    OBJSIZE_VNODE_ARM_L1);
    struct dom_build d;
    dom_build_init(&d, &init_ops, &s, cap_phys_to_kptr(argsf->cap.base));
    uint32_t entry = build_space(&d, (const uint8_t *)__bootfs_start + init_mod->offset,
                                 init_mod->bytes);

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
    dom_fill_shared(dcb->shared, entry, domain_id_init(my_core), "init");
    smp_init_built(dcb);

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
