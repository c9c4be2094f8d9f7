/*
 * tests/user/init_test/bootcheck.c -- in test images, init first checks what the
 * kernel handed it at boot against include/sprat/bootinfo.h: the
 * well-known slots hold what they should, and every region the bootinfo
 * page lists has the capability it names, with the right type, base and
 * size (docs/capabilities.md, "Boot-time capabilities").
 */
#include <string.h>
#include <sys/cspace.h>
#include <sys/invoke.h>
#include <systest.h>
#include <sprat/bootinfo.h>
#include <sprat/dispatcher.h>
#include <sprat/vm_layout.h>
#include "init_test.h"

#define PAGE 4096u

static struct capref at(capaddr_t addr)
{
    return (struct capref){ CAPADDR_L1(addr), CAPADDR_L2(addr) };
}

/* Does c hold a capability of type?  (Its identity in *info.) */
static bool holds(struct capref c, unsigned type, struct capability_info *info)
{
    struct capability_info mine;
    if (info == NULL) {
        info = &mine;
    }
    return err_is_ok(cap_identify(c, info)) && info->type == type;
}

static void check_well_known_slots(void)
{
    struct capability_info root, frame, bi;
    bool ok = holds(taskcn_cap(TASKCN_SLOT_TASKCN), ObjType_L2CNode, NULL) &&
              holds(taskcn_cap(TASKCN_SLOT_DISPATCHER), ObjType_Dispatcher, NULL) &&
              holds(taskcn_cap(TASKCN_SLOT_ROOTCN), ObjType_L1CNode, &root) &&
              holds(taskcn_cap(TASKCN_SLOT_DISPFRAME), ObjType_Frame, &frame) &&
              holds(taskcn_cap(TASKCN_SLOT_ARGSPAGE), ObjType_Frame, NULL) &&
              holds(taskcn_cap(TASKCN_SLOT_SELFEP), ObjType_EndPoint, NULL) &&
              holds(taskcn_cap(TASKCN_SLOT_KERNELCAP), ObjType_Kernel, NULL) &&
              holds(taskcn_cap(TASKCN_SLOT_IRQTABLE), ObjType_IRQTable, NULL) &&
              holds(taskcn_cap(TASKCN_SLOT_BOOTINFO), ObjType_Frame, &bi) &&
              holds((struct capref){ ROOTCN_SLOT_PAGECN, 0 }, ObjType_VNode_ARM_l1, NULL);
    test_report(ok && root.bytes == L1_CNODE_MIN_SLOTS * CTE_SIZE &&
                frame.bytes == DISPATCHER_FRAME_BYTES && bi.bytes == PAGE,
                "boot caps: dispatcher, root CNode, L1 table, dispatcher frame, "
                "Kernel, IRQ table, bootinfo");
    ok = true;
    for (uint32_t i = 0; i < ROOTCN_SLOTS_USER; i++) {
        ok &= holds((struct capref){ ROOT_CNODE, i }, ObjType_L2CNode, NULL);
    }
    test_report(ok, "boot caps: an L2 CNode in every well-known root slot");
}

/* Each region's capability is what the region says. */
static bool region_matches(const struct mem_region *r)
{
    struct capability_info i;
    struct capref c = at(r->cap);

    switch (r->type) {
    case RegionType_Empty:
        return holds(c, ObjType_RAM, &i) && i.base == r->base && i.bytes == r->bytes &&
               i.rights == CAPRIGHTS_ALLRIGHTS;
    case RegionType_Module:
        return holds(c, ObjType_Frame, &i) && i.base == r->base &&
               i.bytes == ((r->bytes ? r->bytes : 1) + PAGE - 1) / PAGE * PAGE &&
               i.rights == CAPRIGHTS_READ;
    case RegionType_Device: {
        struct capability_info p;
        struct capref pa = { ROOTCN_SLOT_DEVCN, DEVCN_SLOT_PHYSADDR(c.slot) };
        return c.cnode == ROOTCN_SLOT_DEVCN && holds(c, ObjType_DevFrame, &i) &&
               i.base == r->base && i.bytes == r->bytes &&
               holds(pa, ObjType_PhysAddr, &p) && p.base == r->base && p.bytes == r->bytes;
    }
    case RegionType_InitUsed:
    case RegionType_OtherCores:
        return r->cap == CPTR_NULL;
    default:
        return false;
    }
}

static void check_bootinfo(const struct bootinfo *bi)
{
    uint32_t ram_bytes = 0;
    errval_t err = kernel_info(TASKCN_CAP(TASKCN_SLOT_KERNELCAP), &ram_bytes, NULL);
    test_report(bi->magic == BOOTINFO_MAGIC && err_is_ok(err) &&
                bi->ram_bytes == ram_bytes && bi->num_regions <= BOOTINFO_MAX_REGIONS,
                "bootinfo: magic, and %u MiB of RAM as the kernel says",
                (unsigned)(bi->ram_bytes >> 20));

    const struct mem_region *used = NULL, *ram = NULL, *others = NULL;
    unsigned bad = 0, modules = 0, devices = 0, rams = 0;
    uint32_t ram_end = bi->ram_base + bi->ram_bytes;
    for (uint32_t k = 0; k < bi->num_regions; k++) {
        const struct mem_region *r = &bi->regions[k];
        bad += !region_matches(r);
        if (r->type == RegionType_InitUsed) {
            used = r;
        } else if (r->type == RegionType_Empty) {
            ram = r;
            rams++;
        } else if (r->type == RegionType_Module) {
            modules++;
        } else if (r->type == RegionType_OtherCores) {
            others = r;
        } else if (r->type == RegionType_Device) {
            devices++;
            bad += r->base < ram_end && r->base + r->bytes > bi->ram_base;  /* not RAM */
        }
    }
    test_report(bad == 0 && modules > 0 && devices > 0,
                "bootinfo: %u modules, %u devices, each with its capability",
                modules, devices);
    /* RAM: the kernel image (with the modules), init's objects, then one
     * RAM capability for everything else, to the last byte -- or to the
     * other cores' share, which runs to the end (docs/multikernel.md). */
    uint32_t my_end = others != NULL ? others->base : ram_end;
    bool ok = used != NULL && ram != NULL && rams == 1 && used->base > bi->ram_base &&
              ram->base == (used->base + used->bytes + PAGE - 1) / PAGE * PAGE &&
              ram->base + ram->bytes == my_end &&
              (others == NULL || others->base + others->bytes == ram_end);
    for (uint32_t k = 0; ok && k < bi->num_regions; k++) {
        const struct mem_region *r = &bi->regions[k];
        if (r->type == RegionType_Module) {
            ok = r->base >= bi->ram_base && r->base + r->bytes <= used->base;
        }
    }
    test_report(ok, "bootinfo: free RAM runs from init's objects to the end of memory");
    test_report(bi->bootlist_module < bi->num_regions &&
                strcmp(bi->regions[bi->bootlist_module].name, "bootlist") == 0,
                "bootinfo: names the boot list");
}

/* PhysAddr is untyped address space: device registers never become RAM. */
static void check_physaddr(void)
{
    struct capref pa = { ROOTCN_SLOT_DEVCN, DEVCN_SLOT_PHYSADDR(0) }, dest;
    if (err_is_fail(slot_alloc(&dest))) {
        test_report(false, "boot caps: a free slot");
        return;
    }
    TEST_ERR(cap_retype(dest, pa, 0, ObjType_RAM, PAGE, 1), SYS_ERR_RETYPE_NOT_RAM);
    TEST_ERR(cap_retype(dest, pa, 0, ObjType_DevFrame, PAGE, 1), SYS_ERR_RETYPE_OVERLAP);
    TEST_ERR(cap_retype(dest, pa, 0, ObjType_Frame, PAGE, 1), SYS_ERR_ILLEGAL_DEST_TYPE);
    slot_free(dest);
}

/* The privileged capabilities check their rights too (the refused calls
 * would shut the machine down or take an interrupt line). */
static void check_privileged_rights(void)
{
    struct capref kernel, irqtable;
    if (err_is_fail(slot_alloc(&kernel)) || err_is_fail(slot_alloc(&irqtable))) {
        test_report(false, "boot caps: free slots");
        return;
    }
    TEST_ERR(cap_copy_rights(kernel, taskcn_cap(TASKCN_SLOT_KERNELCAP), CAPRIGHTS_READ),
             SYS_ERR_OK);
    TEST_ERR(cap_copy_rights(irqtable, taskcn_cap(TASKCN_SLOT_IRQTABLE), CAPRIGHTS_READ),
             SYS_ERR_OK);
    TEST_ERR(kernel_info(capref_addr(kernel), NULL, NULL), SYS_ERR_OK);
    TEST_ERR(kernel_shutdown(capref_addr(kernel), 1),
             SYS_ERR_INSUFFICIENT_RIGHTS);
    TEST_ERR(cap_invoke(capref_addr(kernel), 77, 0).err, SYS_ERR_KERNEL_OP);
    TEST_ERR(irqtable_get(capref_addr(irqtable), 1, 0, 0, 0),
             SYS_ERR_INSUFFICIENT_RIGHTS);
    TEST_ERR(irqtable_get(TASKCN_CAP(TASKCN_SLOT_IRQTABLE), 1000, 0, 0, 0),
             SYS_ERR_IRQ_INVALID);
    TEST_ERR(cap_delete(kernel), SYS_ERR_OK);
    TEST_ERR(cap_delete(irqtable), SYS_ERR_OK);
    slot_free(kernel);
    slot_free(irqtable);
}

void bootcheck_run(void)
{
    check_well_known_slots();
    check_bootinfo((const struct bootinfo *)BOOTINFO_VADDR);
    check_physaddr();
    check_privileged_rights();
}
