/*
 * freestanding/domain_build.c -- building a domain's address space and
 * arguments page, for the kernel (init, kernel/startup.c) and libsys'
 * spawn (every other domain, libsys/spawn.c) alike; the callbacks of
 * struct dom_ops make and reach the objects (docs/spawning.md).
 * Freestanding: it calls only memcpy and strlen, which
 * freestanding/arch/armv7/string.S gives both sides.
 */
#include <stddef.h>
#include <freestanding/domain_build.h>
#include <freestanding/string.h>
#include <sprat/bootinfo.h>
#include <sprat/caps.h>
#include <sprat/vm_layout.h>

#define PAGE    BASE_PAGE_SIZE
#define MIB     (1u << 20)
#define L2_ENTRIES  256u        /* an ARM short-descriptor L2 table's */

void dom_build_init(struct dom_build *d, const struct dom_ops *ops, void *ctx,
                    struct spawn_args *args)
{
    d->ops = ops;
    d->ctx = ctx;
    d->args = args;
    d->pagecn_next = 1;
    d->segcn_next = 0;
    args->magic = SPAWN_ARGS_MAGIC;
}

/* ---- the command line ------------------------------------------------ */

static unsigned count_strings(const char *const *v)
{
    unsigned n = 0;
    while (v != NULL && v[n] != NULL) {
        n++;
    }
    return n;
}

errval_t dom_check_args(int argc, const char *const *argv, const char *const *envp)
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

/* Copy s into dst of size bytes, cut short and always NUL-terminated. */
static void copy_name(char *dst, const char *s, size_t size)
{
    size_t n = strlen(s);
    n = n < size - 1 ? n : size - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
}

errval_t dom_set_args(struct dom_build *d, uint32_t domain_id, const char *name,
                      int argc, const char *const *argv, const char *const *envp)
{
    struct spawn_args *a = d->args;
    uint32_t pos = 0;
    errval_t err = dom_check_args(argc, argv, envp);
    if (err_is_fail(err)) {
        return err;
    }
    a->domain_id = domain_id;
    copy_name(a->name, name, sizeof(a->name));
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
    return SYS_ERR_OK;
}

/* ---- the address space ----------------------------------------------- */

uint32_t dom_segment_flags(uint32_t elf_flags)
{
    return ((elf_flags & PF_R) ? VREGION_FLAGS_READ : 0) |
           ((elf_flags & PF_W) ? VREGION_FLAGS_WRITE : 0) |
           ((elf_flags & PF_X) ? VREGION_FLAGS_EXECUTE : 0);
}

errval_t dom_add_vregion(struct dom_build *d, uint32_t base, uint32_t bytes)
{
    struct spawn_args *a = d->args;
    if (a->num_vregions >= SPAWN_MAX_VREGIONS) {
        return LIB_ERR_VREGION_NO_SPACE;
    }
    a->vregions[a->num_vregions].base = base;
    a->vregions[a->num_vregions].bytes = bytes;
    a->num_vregions++;
    return SYS_ERR_OK;
}

errval_t dom_l2_for(struct dom_build *d, uint32_t va, struct dom_slot *table)
{
    struct spawn_args *a = d->args;
    uint32_t l1_index = va / MIB;

    for (uint32_t i = 0; i < a->num_l2; i++) {
        if (a->l2[i].l1_index == l1_index) {
            *table = (struct dom_slot){ ROOTCN_SLOT_PAGECN, a->l2[i].pagecn_slot };
            return SYS_ERR_OK;
        }
    }
    if (a->num_l2 >= SPAWN_MAX_L2 || d->pagecn_next >= L2_CNODE_SLOTS) {
        return LIB_ERR_VREGION_NO_SPACE;
    }
    struct dom_slot l2 = { ROOTCN_SLOT_PAGECN, d->pagecn_next };
    errval_t err = d->ops->new_l2(d->ctx, l2, l1_index);
    if (err_is_fail(err)) {
        return err;
    }
    d->pagecn_next++;
    a->l2[a->num_l2].l1_index = l1_index;
    a->l2[a->num_l2].pagecn_slot = l2.slot;
    a->num_l2++;
    *table = l2;
    return SYS_ERR_OK;
}

errval_t dom_map(struct dom_build *d, uint32_t va, struct dom_slot frame,
                 uint32_t bytes, uint32_t flags)
{
    struct dom_slot table;
    if (bytes == 0 || va % PAGE != 0 || bytes % PAGE != 0 ||
        va / MIB != (va + bytes - 1) / MIB) {
        return LIB_ERR_VREGION_BAD_ARGS;
    }
    errval_t err = dom_l2_for(d, va, &table);
    if (err_is_fail(err)) {
        return err;
    }
    return d->ops->map(d->ctx, table, (va / PAGE) % L2_ENTRIES, frame, bytes / PAGE, flags);
}

errval_t dom_map_region(struct dom_build *d, uint32_t va, struct dom_slot frame,
                        uint32_t bytes, uint32_t flags)
{
    errval_t err = dom_map(d, va, frame, bytes, flags);
    return err_is_fail(err) ? err : dom_add_vregion(d, va, bytes);
}

/* A new frame of bytes in the next free SEGCN slot. */
static errval_t new_segframe(struct dom_build *d, uint32_t bytes, struct dom_slot *frame)
{
    if (d->segcn_next >= L2_CNODE_SLOTS) {
        return LIB_ERR_SLOT_ALLOC_FULL;
    }
    *frame = (struct dom_slot){ ROOTCN_SLOT_SEGCN, d->segcn_next };
    errval_t err = d->ops->new_frame(d->ctx, *frame, bytes);
    if (err_is_ok(err)) {
        d->segcn_next++;
    }
    return err;
}

/* One piece of a segment: [va, va + bytes), and the file it comes from. */
struct chunk {
    const uint8_t *elf;
    const struct elf_segment *seg;
    uint32_t va;
    uint32_t bytes;
};

/* Copy the part of the segment's file bytes that lands in the chunk. */
static void fill_chunk(uint8_t *mem, void *arg)
{
    const struct chunk *c = arg;
    uint32_t file_end = c->seg->vaddr + c->seg->filesz;
    uint32_t lo = c->va > c->seg->vaddr ? c->va : c->seg->vaddr;
    uint32_t hi = c->va + c->bytes < file_end ? c->va + c->bytes : file_end;
    if (lo < hi) {
        memcpy(mem + (lo - c->va), c->elf + c->seg->offset + (lo - c->seg->vaddr), hi - lo);
    }
}

/* A segment in pieces that do not cross a MiB (one L2 table each). */
static errval_t load_segment(struct dom_build *d, const uint8_t *elf,
                             const struct elf_segment *seg)
{
    uint32_t start = seg->vaddr & ~(PAGE - 1);
    uint32_t end = (seg->vaddr + seg->memsz + PAGE - 1) & ~(PAGE - 1);
    errval_t err;

    for (uint32_t va = start; va < end;) {
        uint32_t mib_end = (va / MIB + 1) * MIB;
        struct chunk c = { elf, seg, va, (end < mib_end ? end : mib_end) - va };
        struct dom_slot frame;
        if ((err = new_segframe(d, c.bytes, &frame)) ||
            (err = d->ops->write_frame(d->ctx, frame, c.bytes, fill_chunk, &c)) ||
            (err = dom_map(d, va, frame, c.bytes, dom_segment_flags(seg->flags)))) {
            return err;
        }
        va += c.bytes;
    }
    return dom_add_vregion(d, start, end - start);
}

errval_t dom_load_segments(struct dom_build *d, const uint8_t *elf,
                           const struct elf_info *info)
{
    for (unsigned i = 0; i < info->num_segments; i++) {
        errval_t err = load_segment(d, elf, &info->segments[i]);
        if (err_is_fail(err)) {
            return err;
        }
    }
    return SYS_ERR_OK;
}

errval_t dom_map_standard(struct dom_build *d, uint32_t stack_bytes)
{
    const struct dom_slot dispframe = { ROOTCN_SLOT_TASKCN, TASKCN_SLOT_DISPFRAME };
    const struct dom_slot argspage = { ROOTCN_SLOT_TASKCN, TASKCN_SLOT_ARGSPAGE };
    struct dom_slot stack;
    errval_t err;

    if ((err = new_segframe(d, stack_bytes, &stack)) ||
        (err = dom_map(d, USER_STACK_TOP - stack_bytes, stack, stack_bytes,
                       VREGION_FLAGS_READ_WRITE)) ||
        (err = dom_add_vregion(d, USER_STACK_TOP - USER_STACK_BYTES, USER_STACK_BYTES)) ||
        (err = dom_map_region(d, DISPATCHER_VADDR, dispframe, DISPATCHER_FRAME_BYTES,
                              VREGION_FLAGS_READ_WRITE)) ||
        (err = dom_map_region(d, ARGS_VADDR, argspage, PAGE, VREGION_FLAGS_READ_WRITE))) {
        return err;
    }
    d->args->stack_mapped_bytes = stack_bytes;
    return SYS_ERR_OK;
}

void dom_finish(struct dom_build *d)
{
    d->args->pagecn_free = d->pagecn_next;
    d->args->segcn_free = d->segcn_next;
    d->args->taskcn_free = TASKCN_SLOTS_FREE;
}

void dom_fill_shared(struct dispatcher_shared *sh, uint32_t entry,
                     uint32_t domain_id, const char *name)
{
    sh->udisp = DISPATCHER_VADDR;
    sh->run_entry = entry;
    sh->stack_top = DISPATCHER_VADDR + DISP_STACK_TOP;
    sh->domain_id = domain_id;
    copy_name(sh->name, name, DISP_NAME_LEN);
}
