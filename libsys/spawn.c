/*
 * libsys/spawn.c -- building a new domain (docs/spawning.md).
 *
 * Every kernel object of the child -- CNodes, page tables, dispatcher,
 * frames, and the RAM it gets for itself -- is retyped from one RAM
 * capability, child_ram.  Revoking child_ram therefore destroys the whole
 * domain, and deleting it gives the memory back: that is all cleanup does.
 *
 * To fill the child's CNodes the parent needs to *address* them: a slot
 * address reaches only L2 CNodes that sit in the caller's own root CNode.
 * So the child's L2 CNodes are made in free slots of our root first (and
 * copied into the child's root), used there while building, and our
 * copies deleted at the end.
 *
 * The address space and the arguments page are laid out by the code the
 * kernel uses for init too (freestanding/domain_build.c); this file gives
 * it the callbacks that make and reach the child's objects, and does the
 * CSpace, the capabilities and the hand-over to the kernel itself.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/spawn.h>
#include <sys/invoke.h>
#include <sys/paging.h>
#include <sys/ram.h>
#include <sprat/args.h>
#include <sprat/bootinfo.h>
#include <sprat/dispatcher.h>
#include <freestanding/domain_build.h>
#include <freestanding/elf.h>
#include <sprat/objtypes.h>
#include <sprat/vm_layout.h>

#define PAGE                4096u
#define CHILD_STACK_BYTES   (64u * 1024)
#define NUM_CHILD_CNODES    ROOTCN_SLOTS_USER

struct build {
    struct spawninfo *si;
    uint32_t ram_base;          /* physical base of child_ram */
    uint32_t ram_bytes;
    uint32_t next;              /* bump offset into child_ram */
    struct capref root;         /* our copy of the child's root CNode */
    uint32_t cn[NUM_CHILD_CNODES];  /* our root slots holding its L2 CNodes */
    struct dom_build d;         /* the shared part (freestanding/domain_build.c) */
    uint32_t args_vaddr;        /* its arguments page, mapped here */
    struct capref args_copy;    /* the copy of it that is mapped here */
    uint32_t frame_vaddr;       /* its dispatcher frame, mapped here */
    struct capref frame_copy;
};

static struct capref child_slot(struct build *b, uint32_t cnode, uint32_t slot)
{
    return (struct capref){ b->cn[cnode], slot };
}

/* The next aligned piece of child_ram, as an offset. */
static errval_t bump(struct build *b, uint32_t bytes, uint32_t align, uint32_t *off)
{
    uint32_t pa = (b->ram_base + b->next + align - 1) & ~(align - 1);
    uint32_t o = pa - b->ram_base;
    if (o > b->ram_bytes || bytes > b->ram_bytes - o) {
        return LIB_ERR_RAM_ALLOC;
    }
    *off = o;
    b->next = o + bytes;
    return SYS_ERR_OK;
}

/* Retype one object of type into dest from child_ram, aligned as its
 * type wants (sprat/objtypes.h); bytes counts for variable-size types. */
static errval_t make(struct build *b, struct capref dest, unsigned type,
                     uint32_t bytes)
{
    uint32_t off;
    bool fixed = objtype_fixed(type);
    errval_t err = bump(b, objtype_bytes(type, bytes), objtype_align(type), &off);
    if (err_is_fail(err)) {
        return err;
    }
    return cap_retype(dest, b->si->child_ram, off, type, fixed ? 0 : bytes, 1);
}

/* ---- the child's address space: the callbacks of freestanding/domain_build.c */

static struct capref slot_ref(struct build *b, struct dom_slot at)
{
    return child_slot(b, at.cnode, at.slot);
}

static errval_t child_new_l2(void *ctx, struct dom_slot table, uint32_t l1_index)
{
    struct build *b = ctx;
    struct capref l2 = slot_ref(b, table);
    struct capref l1 = child_slot(b, ROOTCN_SLOT_PAGECN, 0);
    errval_t err = make(b, l2, ObjType_VNode_ARM_l2, OBJSIZE_VNODE_ARM_L2);
    if (err_is_fail(err)) {
        return err;
    }
    return vnode_map_table(capref_addr(l1), l1_index, capref_addr(l2));
}

static errval_t child_new_frame(void *ctx, struct dom_slot frame, uint32_t bytes)
{
    return make(ctx, slot_ref(ctx, frame), ObjType_Frame, bytes);
}

static errval_t child_map(void *ctx, struct dom_slot table, uint32_t index,
                          struct dom_slot frame, uint32_t pages, uint32_t flags)
{
    return vnode_map(capref_addr(slot_ref(ctx, table)), index,
                     capref_addr(slot_ref(ctx, frame)), 0, pages, flags);
}

/* Map one of the child's frames here too (a capability copy in a slot of
 * ours, remembered in *copy and *va for release_build). */
static errval_t map_here(struct capref frame, uint32_t bytes, struct capref *copy,
                         uint32_t *va)
{
    errval_t err;
    *va = 0;
    if ((err = slot_alloc(copy))) {
        *copy = NULL_CAP;
        return err;
    }
    if ((err = cap_copy(*copy, frame)) ||
        (err = paging_map_frame(va, *copy, bytes, VREGION_FLAGS_READ_WRITE))) {
        *va = 0;
    }
    return err;
}

static void unmap_here(struct capref *copy, uint32_t *va, uint32_t bytes)
{
    if (*va != 0) {
        paging_unmap(*va, bytes);
        *va = 0;
    }
    if (!capref_is_null(*copy)) {
        cap_delete(*copy);
        slot_free(*copy);
        *copy = NULL_CAP;
    }
}

/* Map a copy of the child's frame here, let fill() write it, unmap it. */
static errval_t child_write_frame(void *ctx, struct dom_slot frame, uint32_t bytes,
                                  void (*fill)(uint8_t *mem, void *arg), void *arg)
{
    struct capref copy;
    uint32_t va;
    errval_t err = map_here(slot_ref(ctx, frame), bytes, &copy, &va);
    if (err_is_ok(err)) {
        fill((uint8_t *)va, arg);
    }
    unmap_here(&copy, &va, bytes);
    return err;
}

static const struct dom_ops child_ops = {
    .new_l2 = child_new_l2, .new_frame = child_new_frame,
    .write_frame = child_write_frame, .map = child_map,
};

/* ---- the CSpace ------------------------------------------------------------ */

static errval_t make_cspace(struct build *b)
{
    errval_t err;

    if ((err = slot_alloc(&b->root)) ||
        (err = make(b, b->root, ObjType_L1CNode, L1_CNODE_MIN_SLOTS * CTE_SIZE))) {
        return err;
    }
    for (uint32_t i = 0; i < NUM_CHILD_CNODES; i++) {
        if ((err = root_slot_alloc(&b->cn[i]))) {
            return err;
        }
        struct capref here = { ROOT_CNODE, b->cn[i] };
        if ((err = make(b, here, ObjType_L2CNode, OBJSIZE_L2CNODE)) ||
            (err = cap_copy_into(capref_addr(b->root), CAP_LEVEL_L2, i, here))) {
            return err;
        }
    }
    struct capref task0 = child_slot(b, ROOTCN_SLOT_TASKCN, TASKCN_SLOT_TASKCN);
    struct capref rootcn = child_slot(b, ROOTCN_SLOT_TASKCN, TASKCN_SLOT_ROOTCN);
    if ((err = cap_copy(task0, (struct capref){ ROOT_CNODE, b->cn[ROOTCN_SLOT_TASKCN] })) ||
        (err = cap_copy(rootcn, b->root))) {
        return err;
    }
    return SYS_ERR_OK;
}

static errval_t give_cap(struct build *b, uint32_t slot, struct capref cap)
{
    if (capref_is_null(cap)) {
        return SYS_ERR_OK;
    }
    return cap_copy(child_slot(b, ROOTCN_SLOT_TASKCN, slot), cap);
}

/* ---- putting it together ------------------------------------------------------ */

/* Every segment must lie in the program image area: above the NULL guard
 * (elf_parse checked that, and that nothing reaches the kernel's half)
 * and below the dispatcher frame, arguments page, heap and stack, which
 * spawn places itself. */
static errval_t check_layout(const struct elf_info *info)
{
    for (unsigned i = 0; i < info->num_segments; i++) {
        const struct elf_segment *seg = &info->segments[i];
        if (seg->vaddr < USER_IMAGE_BASE || seg->vaddr > USER_IMAGE_LIMIT ||
            seg->memsz > USER_IMAGE_LIMIT - seg->vaddr) {
            return LIB_ERR_SPAWN_LAYOUT;
        }
    }
    return SYS_ERR_OK;
}

/* The RAM the domain's objects need besides its own ram_bytes (an upper
 * bound: alignment gaps included). */
static uint32_t object_bytes(const struct elf_info *info)
{
    uint32_t n = L1_CNODE_MIN_SLOTS * CTE_SIZE + NUM_CHILD_CNODES * OBJSIZE_L2CNODE +
                 OBJSIZE_VNODE_ARM_L1 +
                 objtype_align(ObjType_VNode_ARM_l1) +       /* its alignment */
                 16 * PAGE +                                 /* L2 tables */
                 PAGE + DISPATCHER_FRAME_BYTES + PAGE + CHILD_STACK_BYTES;
    for (unsigned i = 0; i < info->num_segments; i++) {
        n += info->segments[i].memsz + 2 * PAGE;
    }
    return (n + PAGE - 1) & ~(PAGE - 1);
}

static errval_t build_domain(struct build *b, const uint8_t *elf,
                             const struct elf_info *info, int argc,
                             const char *const *argv, const char *const *envp,
                             const struct spawn_caps *caps, size_t ram_bytes)
{
    struct spawninfo *si = b->si;
    errval_t err;

    if ((err = make_cspace(b))) {
        return err;
    }
    /* Dispatcher, its endpoint, its frame, the arguments page. */
    struct capref disp = child_slot(b, ROOTCN_SLOT_TASKCN, TASKCN_SLOT_DISPATCHER);
    struct capref frame = child_slot(b, ROOTCN_SLOT_TASKCN, TASKCN_SLOT_DISPFRAME);
    struct capref argsf = child_slot(b, ROOTCN_SLOT_TASKCN, TASKCN_SLOT_ARGSPAGE);
    struct capref l1 = child_slot(b, ROOTCN_SLOT_PAGECN, 0);
    if ((err = make(b, disp, ObjType_Dispatcher, OBJSIZE_DISPATCHER)) ||
        (err = cap_retype(child_slot(b, ROOTCN_SLOT_TASKCN, TASKCN_SLOT_SELFEP),
                          disp, 0, ObjType_EndPoint, 0, 1)) ||
        (err = make(b, frame, ObjType_Frame, DISPATCHER_FRAME_BYTES)) ||
        (err = make(b, argsf, ObjType_Frame, PAGE)) ||
        (err = make(b, l1, ObjType_VNode_ARM_l1, OBJSIZE_VNODE_ARM_L1))) {
        return err;
    }
    /* Its arguments page stays mapped here while we build. */
    if ((err = map_here(argsf, PAGE, &b->args_copy, &b->args_vaddr))) {
        return err;
    }
    dom_build_init(&b->d, &child_ops, b, (struct spawn_args *)b->args_vaddr);

    /* The address space. */
    if ((err = dom_set_args(&b->d, si->domain_id, si->name, argc, argv, envp)) ||
        (err = dom_load_segments(&b->d, elf, info)) ||
        (err = dom_map_standard(&b->d, CHILD_STACK_BYTES))) {
        return err;
    }

    /* Its own RAM, and the endpoints it starts with. */
    struct capref ram = child_slot(b, ROOTCN_SLOT_BASE_PAGE_CN, 0);
    if ((err = make(b, ram, ObjType_RAM, (uint32_t)ram_bytes)) ||
        (err = give_cap(b, TASKCN_SLOT_INITEP, caps->init_ep))) {
        return err;
    }
    for (unsigned i = 0; i < SPAWN_EXTRA_CAPS; i++) {
        if ((err = give_cap(b, TASKCN_SLOTS_FREE + i, caps->extra[i]))) {
            return err;
        }
    }
    dom_finish(&b->d);

    /* The dispatcher's shared part: name, entry points, stack. */
    if ((err = map_here(frame, DISPATCHER_FRAME_BYTES, &b->frame_copy, &b->frame_vaddr))) {
        return err;
    }
    dom_fill_shared((void *)(b->frame_vaddr + DISP_SHARED_OFFSET), info->entry,
                    si->domain_id, si->name);

    /* Hand it to the kernel. */
    capaddr_t death = capref_is_null(caps->death_ep) ? CPTR_NULL
                                                      : capref_addr(caps->death_ep);
    if ((err = dispatcher_setup(capref_addr(disp), capref_addr(b->root), capref_addr(l1),
                                capref_addr(frame), death, si->domain_id))) {
        return err;
    }
    if ((err = slot_alloc(&si->dispatcher))) {
        si->dispatcher = NULL_CAP;
        return err;
    }
    return cap_copy(si->dispatcher, disp);
}

/* Drop the scaffolding, whether the build worked or not: the child's
 * pages mapped here, and our copies of its CNodes. */
static void release_build(struct build *b)
{
    unmap_here(&b->args_copy, &b->args_vaddr, PAGE);
    unmap_here(&b->frame_copy, &b->frame_vaddr, DISPATCHER_FRAME_BYTES);
    for (uint32_t i = 0; i < NUM_CHILD_CNODES; i++) {
        if (b->cn[i]) {
            cap_delete((struct capref){ ROOT_CNODE, b->cn[i] });
            root_slot_free(b->cn[i]);
        }
    }
    if (!capref_is_null(b->root)) {
        cap_delete(b->root);
        slot_free(b->root);
    }
}

errval_t spawn_load(const void *elf, size_t elf_bytes, int argc,
                    const char *const *argv, const char *const *envp,
                    uint32_t domain_id, const struct spawn_caps *caps,
                    size_t ram_bytes, struct spawninfo *si)
{
    struct elf_info info;
    struct build b;
    errval_t err;

    memset(si, 0, sizeof(*si));
    if ((err = dom_check_args(argc, argv, envp)) ||
        (err = elf_parse(elf, elf_bytes, USER_VADDR_LIMIT, &info)) ||
        (err = check_layout(&info))) {
        return err;
    }
    if (ram_bytes == 0) {
        ram_bytes = SPAWN_DEFAULT_RAM;
    }
    if (ram_bytes > UINT32_MAX - object_bytes(&info) - PAGE) {
        return LIB_ERR_RAM_ALLOC;               /* more than there is */
    }
    ram_bytes = (ram_bytes + PAGE - 1) & ~(PAGE - 1);
    snprintf(si->name, sizeof(si->name), "%s", argv[0]);
    si->domain_id = domain_id;

    memset(&b, 0, sizeof(b));
    b.si = si;
    b.ram_bytes = object_bytes(&info) + (uint32_t)ram_bytes;
    struct capability_info ri;
    if ((err = ram_alloc(&si->child_ram, b.ram_bytes))) {
        si->child_ram = NULL_CAP;
        return err;
    }
    if ((err = cap_identify(si->child_ram, &ri))) {
        mem_free(si->child_ram);
        si->child_ram = NULL_CAP;
        return err;
    }
    b.ram_base = ri.base;
    err = build_domain(&b, elf, &info, argc, argv, envp, caps, ram_bytes);
    release_build(&b);
    if (err_is_fail(err)) {
        spawn_cleanup(si);
    }
    return err;
}

errval_t spawn_run(struct spawninfo *si)
{
    return dispatcher_run(capref_addr(si->dispatcher));
}

errval_t spawn_cleanup(struct spawninfo *si)
{
    if (capref_is_null(si->child_ram)) {
        return SYS_ERR_OK;                      /* nothing was built */
    }
    errval_t err = cap_revoke(si->child_ram);
    if (!capref_is_null(si->dispatcher)) {
        slot_free(si->dispatcher);      /* emptied by the revoke */
        si->dispatcher = NULL_CAP;
    }
    if (err_is_ok(err)) {
        err = mem_free(si->child_ram);
        si->child_ram = NULL_CAP;
    }
    return err;
}

/* ---- boot modules (init) ---------------------------------------------------- */

const void *spawn_find_module(const char *name, size_t *bytes)
{
    const struct bootinfo *bi = (const struct bootinfo *)BOOTINFO_VADDR;

    for (uint32_t i = 0; i < bi->num_regions && i < BOOTINFO_MAX_REGIONS; i++) {
        const struct mem_region *r = &bi->regions[i];
        if (r->type != RegionType_Module ||
            strncmp(r->name, name, BOOTINFO_NAME_LEN) != 0) {
            continue;
        }
        /* Map it once and keep it: modules are read-only and small. */
        static struct { capaddr_t cap; uint32_t va; } mapped[BOOTINFO_MAX_MODULES];
        for (unsigned j = 0; j < BOOTINFO_MAX_MODULES; j++) {
            if (mapped[j].cap == r->cap) {
                *bytes = r->bytes;
                return (const void *)mapped[j].va;
            }
            if (mapped[j].cap == 0) {
                struct capref c = { CAPADDR_L1(r->cap), CAPADDR_L2(r->cap) };
                uint32_t va;
                uint32_t len = (r->bytes + PAGE - 1) & ~(PAGE - 1);
                if (err_is_fail(paging_map_frame(&va, c, len ? len : PAGE,
                                                 VREGION_FLAGS_READ))) {
                    return NULL;
                }
                mapped[j].cap = r->cap;
                mapped[j].va = va;
                *bytes = r->bytes;
                return (const void *)va;
            }
        }
        return NULL;
    }
    return NULL;
}
