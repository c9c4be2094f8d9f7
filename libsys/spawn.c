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
#include <freestanding/elf.h>
#include <sprat/vm_layout.h>

#define PAGE                4096u
#define MIB                 (1u << 20)
#define CHILD_STACK_BYTES   (64u * 1024)
#define NUM_CHILD_CNODES    ROOTCN_SLOTS_USER

struct build {
    struct spawninfo *si;
    uint32_t ram_base;          /* physical base of child_ram */
    uint32_t ram_bytes;
    uint32_t next;              /* bump offset into child_ram */
    struct capref root;         /* our copy of the child's root CNode */
    uint32_t cn[NUM_CHILD_CNODES];  /* our root slots holding its L2 CNodes */
    uint32_t pagecn_next;
    uint32_t segcn_next;
    struct spawn_args *args;    /* its arguments page, mapped here */
    uint32_t args_vaddr;
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

/* Retype one object of type into dest from child_ram. */
static errval_t make(struct build *b, struct capref dest, unsigned type,
                     uint32_t bytes, uint32_t align)
{
    uint32_t off;
    errval_t err = bump(b, bytes, align, &off);
    if (err_is_fail(err)) {
        return err;
    }
    bool fixed = type == ObjType_L2CNode || type == ObjType_VNode_ARM_l1 ||
                 type == ObjType_VNode_ARM_l2 || type == ObjType_Dispatcher;
    return cap_retype(dest, b->si->child_ram, off, type, fixed ? 0 : bytes, 1);
}

/* ---- the child's address space ------------------------------------------- */

static errval_t child_l2(struct build *b, uint32_t l1_index, struct capref *ret)
{
    struct spawn_args *a = b->args;
    for (uint32_t i = 0; i < a->num_l2; i++) {
        if (a->l2[i].l1_index == l1_index) {
            *ret = child_slot(b, ROOTCN_SLOT_PAGECN, a->l2[i].pagecn_slot);
            return SYS_ERR_OK;
        }
    }
    if (a->num_l2 == SPAWN_MAX_L2 || b->pagecn_next == L2_CNODE_SLOTS) {
        return LIB_ERR_VREGION_NO_SPACE;
    }
    uint32_t slot = b->pagecn_next++;
    struct capref l2 = child_slot(b, ROOTCN_SLOT_PAGECN, slot);
    errval_t err = make(b, l2, ObjType_VNode_ARM_l2, OBJSIZE_VNODE_ARM_L2, 1024);
    if (err_is_fail(err)) {
        return err;
    }
    struct capref l1 = child_slot(b, ROOTCN_SLOT_PAGECN, 0);
    err = cap_invoke(capref_addr(l1), VNodeCmd_Map, 3, l1_index,
                     capref_addr(l2), CAP_LEVEL_L2).err;
    if (err_is_fail(err)) {
        return err;
    }
    a->l2[a->num_l2].l1_index = l1_index;
    a->l2[a->num_l2].pagecn_slot = slot;
    a->num_l2++;
    *ret = l2;
    return SYS_ERR_OK;
}

/* Map a whole frame (inside one MiB) at vaddr in the child. */
static errval_t child_map(struct build *b, uint32_t vaddr, struct capref frame,
                          uint32_t bytes, uint32_t flags)
{
    struct capref l2;
    errval_t err = child_l2(b, vaddr / MIB, &l2);
    if (err_is_fail(err)) {
        return err;
    }
    return cap_invoke(capref_addr(l2), VNodeCmd_Map, 6, (vaddr / PAGE) % 256,
                      capref_addr(frame), CAP_LEVEL_L2, 0, bytes / PAGE, flags).err;
}

static errval_t add_vregion(struct build *b, uint32_t base, uint32_t bytes)
{
    struct spawn_args *a = b->args;
    if (a->num_vregions == SPAWN_MAX_VREGIONS) {
        return LIB_ERR_VREGION_NO_SPACE;
    }
    a->vregions[a->num_vregions].base = base;
    a->vregions[a->num_vregions].bytes = bytes;
    a->num_vregions++;
    return SYS_ERR_OK;
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

/* Map a copy of frame here, let fill() write it, unmap it again. */
static errval_t with_frame_mapped(struct capref frame, uint32_t bytes,
                                  void (*fill)(void *mem, void *arg), void *arg)
{
    struct capref copy;
    uint32_t va;
    errval_t err = map_here(frame, bytes, &copy, &va);
    if (err_is_ok(err)) {
        fill((void *)va, arg);
    }
    unmap_here(&copy, &va, bytes);
    return err;
}

struct chunk_fill {
    const uint8_t *elf;
    const struct elf_segment *seg;
    uint32_t chunk_va;          /* page-aligned start of this chunk */
    uint32_t chunk_bytes;
};

static void fill_chunk(void *mem, void *arg)
{
    struct chunk_fill *c = arg;
    uint32_t file_lo = c->seg->vaddr;
    uint32_t file_hi = c->seg->vaddr + c->seg->filesz;
    uint32_t lo = c->chunk_va > file_lo ? c->chunk_va : file_lo;
    uint32_t hi = c->chunk_va + c->chunk_bytes < file_hi ? c->chunk_va + c->chunk_bytes
                                                           : file_hi;
    if (lo < hi) {
        memcpy((uint8_t *)mem + (lo - c->chunk_va),
               c->elf + c->seg->offset + (lo - c->seg->vaddr), hi - lo);
    }
}

static uint32_t seg_flags(uint32_t f)
{
    return ((f & PF_R) ? VREGION_FLAGS_READ : 0) |
           ((f & PF_W) ? VREGION_FLAGS_WRITE : 0) |
           ((f & PF_X) ? VREGION_FLAGS_EXECUTE : 0);
}

/* Each segment, in pieces that do not cross a MiB (one L2 table each). */
static errval_t load_segments(struct build *b, const uint8_t *elf,
                              const struct elf_info *info)
{
    for (unsigned i = 0; i < info->num_segments; i++) {
        const struct elf_segment *seg = &info->segments[i];
        uint32_t start = seg->vaddr & ~(PAGE - 1);
        uint32_t end = (seg->vaddr + seg->memsz + PAGE - 1) & ~(PAGE - 1);
        for (uint32_t va = start; va < end;) {
            uint32_t chunk_end = (va / MIB + 1) * MIB;
            uint32_t bytes = (end < chunk_end ? end : chunk_end) - va;
            struct capref frame = child_slot(b, ROOTCN_SLOT_SEGCN, b->segcn_next++);
            errval_t err;
            if (b->segcn_next > L2_CNODE_SLOTS) {
                return LIB_ERR_SLOT_ALLOC_FULL;
            }
            if ((err = make(b, frame, ObjType_Frame, bytes, PAGE))) {
                return err;
            }
            struct chunk_fill c = { elf, seg, va, bytes };
            if ((err = with_frame_mapped(frame, bytes, fill_chunk, &c)) ||
                (err = child_map(b, va, frame, bytes, seg_flags(seg->flags)))) {
                return err;
            }
            va += bytes;
        }
        errval_t err = add_vregion(b, start, end - start);
        if (err_is_fail(err)) {
            return err;
        }
    }
    return SYS_ERR_OK;
}

/* ---- the CSpace ------------------------------------------------------------ */

static errval_t make_cspace(struct build *b)
{
    errval_t err;

    if ((err = slot_alloc(&b->root)) ||
        (err = make(b, b->root, ObjType_L1CNode, L1_CNODE_MIN_SLOTS * CTE_SIZE, PAGE))) {
        return err;
    }
    for (uint32_t i = 0; i < NUM_CHILD_CNODES; i++) {
        if ((err = root_slot_alloc(&b->cn[i]))) {
            return err;
        }
        struct capref here = { ROOT_CNODE, b->cn[i] };
        if ((err = make(b, here, ObjType_L2CNode, OBJSIZE_L2CNODE, PAGE)) ||
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

/* ---- arguments and environment ------------------------------------------ */

static unsigned count_strings(const char *const *v)
{
    unsigned n = 0;
    while (v != NULL && v[n] != NULL) {
        n++;
    }
    return n;
}

/* Bad arguments are the caller's error: refuse them before building
 * anything, rather than cut them short. */
static errval_t check_args(int argc, const char *const *argv, const char *const *envp)
{
    size_t bytes = 0;

    if (argc < 1 || argc > SPAWN_MAX_ARGS || argv[0] == NULL || argv[0][0] == '\0' ||
        count_strings(envp) > SPAWN_MAX_ENV) {
        return LIB_ERR_SPAWN_ARGS;
    }
    for (int i = 0; i < argc; i++) {
        if (argv[i] == NULL) {
            return LIB_ERR_SPAWN_ARGS;
        }
        bytes += strlen(argv[i]) + 1;
    }
    for (unsigned i = 0; i < count_strings(envp); i++) {
        bytes += strlen(envp[i]) + 1;
    }
    return bytes <= SPAWN_ARGS_STRINGS ? SYS_ERR_OK : LIB_ERR_SPAWN_ARGS;
}

/* Fill the arguments page (check_args said everything fits). */
static void fill_args(struct build *b, int argc, const char *const *argv,
                      const char *const *envp)
{
    struct spawn_args *a = b->args;
    uint32_t pos = 0;

    a->magic = SPAWN_ARGS_MAGIC;
    a->domain_id = b->si->domain_id;
    memcpy(a->name, b->si->name, sizeof(a->name) - 1);
    a->argc = argc;
    for (int i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]) + 1;
        memcpy(a->strings + pos, argv[i], n);
        a->argv_offset[i] = pos;
        pos += n;
    }
    a->envc = count_strings(envp);
    for (uint32_t i = 0; i < a->envc; i++) {
        size_t n = strlen(envp[i]) + 1;
        memcpy(a->strings + pos, envp[i], n);
        a->envp[i] = ARGS_VADDR + offsetof(struct spawn_args, strings) + pos;
        pos += n;
    }
    a->envp[a->envc] = 0;
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
                 OBJSIZE_VNODE_ARM_L1 + 16 * 1024 +          /* its alignment */
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
    if ((err = make(b, disp, ObjType_Dispatcher, OBJSIZE_DISPATCHER, 1024)) ||
        (err = cap_retype(child_slot(b, ROOTCN_SLOT_TASKCN, TASKCN_SLOT_SELFEP),
                          disp, 0, ObjType_EndPoint, 0, 1)) ||
        (err = make(b, frame, ObjType_Frame, DISPATCHER_FRAME_BYTES, PAGE)) ||
        (err = make(b, argsf, ObjType_Frame, PAGE, PAGE)) ||
        (err = make(b, l1, ObjType_VNode_ARM_l1, OBJSIZE_VNODE_ARM_L1, 16384))) {
        return err;
    }
    /* Its arguments page stays mapped here while we build. */
    if ((err = map_here(argsf, PAGE, &b->args_copy, &b->args_vaddr))) {
        return err;
    }
    b->args = (struct spawn_args *)b->args_vaddr;
    b->pagecn_next = 1;
    fill_args(b, argc, argv, envp);

    /* The address space. */
    struct capref stack = child_slot(b, ROOTCN_SLOT_SEGCN, b->segcn_next++);
    if ((err = load_segments(b, elf, info)) ||
        (err = make(b, stack, ObjType_Frame, CHILD_STACK_BYTES, PAGE)) ||
        (err = child_map(b, USER_STACK_TOP - CHILD_STACK_BYTES, stack,
                         CHILD_STACK_BYTES, VREGION_FLAGS_READ_WRITE)) ||
        (err = add_vregion(b, USER_STACK_TOP - USER_STACK_BYTES, USER_STACK_BYTES)) ||
        (err = child_map(b, DISPATCHER_VADDR, frame, DISPATCHER_FRAME_BYTES,
                         VREGION_FLAGS_READ_WRITE)) ||
        (err = add_vregion(b, DISPATCHER_VADDR, DISPATCHER_FRAME_BYTES)) ||
        (err = child_map(b, ARGS_VADDR, argsf, PAGE, VREGION_FLAGS_READ_WRITE)) ||
        (err = add_vregion(b, ARGS_VADDR, PAGE))) {
        return err;
    }
    b->args->stack_mapped_bytes = CHILD_STACK_BYTES;

    /* Its own RAM, and the endpoints it starts with. */
    struct capref ram = child_slot(b, ROOTCN_SLOT_BASE_PAGE_CN, 0);
    if ((err = make(b, ram, ObjType_RAM, (uint32_t)ram_bytes, PAGE)) ||
        (err = give_cap(b, TASKCN_SLOT_INITEP, caps->init_ep))) {
        return err;
    }
    for (unsigned i = 0; i < SPAWN_EXTRA_CAPS; i++) {
        if ((err = give_cap(b, TASKCN_SLOTS_FREE + i, caps->extra[i]))) {
            return err;
        }
    }
    b->args->pagecn_free = b->pagecn_next;
    b->args->segcn_free = b->segcn_next;
    b->args->taskcn_free = TASKCN_SLOTS_FREE;

    /* The dispatcher's shared part: name, entry points, stack. */
    if ((err = map_here(frame, DISPATCHER_FRAME_BYTES, &b->frame_copy, &b->frame_vaddr))) {
        return err;
    }
    struct dispatcher_shared *sh = (void *)(b->frame_vaddr + DISP_SHARED_OFFSET);
    sh->udisp = DISPATCHER_VADDR;
    sh->run_entry = info->entry;
    sh->stack_top = DISPATCHER_VADDR + DISP_STACK_TOP;
    sh->domain_id = si->domain_id;
    memcpy(sh->name, si->name, DISP_NAME_LEN - 1);

    /* Hand it to the kernel. */
    capaddr_t death = capref_is_null(caps->death_ep) ? CPTR_NULL
                                                      : capref_addr(caps->death_ep);
    if ((err = cap_invoke(capref_addr(disp), DispatcherCmd_Setup, 5,
                          capref_addr(b->root), capref_addr(l1), capref_addr(frame),
                          death, si->domain_id).err)) {
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
    if ((err = check_args(argc, argv, envp)) ||
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
    return cap_invoke(capref_addr(si->dispatcher), DispatcherCmd_Run, 0).err;
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
