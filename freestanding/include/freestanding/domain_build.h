/*
 * freestanding/include/freestanding/domain_build.h -- building a domain's
 * address space and arguments page, written once for the two builders:
 * the kernel, which builds init at boot (kernel/startup.c), and libsys'
 * spawn, which builds every other domain (libsys/spawn.c).
 * docs/spawning.md; the code is freestanding/domain_build.c.
 *
 * What differs between the two is how an object is made and reached --
 * the kernel allocates from the RAM after its image and writes through
 * its linear map, spawn retypes child_ram and maps a frame to write it --
 * and that is what the callbacks of struct dom_ops do.  Everything else
 * is here: which L2 table covers an address (made on first use), the
 * ELF segments cut into frames of at most one MiB, the segment
 * permissions, the virtual ranges and free-slot counts written into the
 * arguments page (<sprat/args.h>), the command line, and the
 * dispatcher's shared page.  No error here panics: each is returned.
 */
#ifndef FREESTANDING_DOMAIN_BUILD_H
#define FREESTANDING_DOMAIN_BUILD_H

#include <stdint.h>
#include <sprat/args.h>
#include <sprat/dispatcher.h>
#include <sprat/errors.h>
#include <freestanding/elf.h>

/* A slot of the new domain's CSpace: slot `slot` of the L2 CNode in slot
 * `cnode` of its root CNode (ROOTCN_SLOT_*, <sprat/bootinfo.h>). */
struct dom_slot {
    uint32_t cnode;
    uint32_t slot;
};

/* What the builder does for the shared code.  ctx is its own state. */
struct dom_ops {
    /* Make an L2 page table in `table` and map it at entry l1_index of
     * the domain's L1 table (PAGECN slot 0). */
    errval_t (*new_l2)(void *ctx, struct dom_slot table, uint32_t l1_index);
    /* Make a zeroed Frame of `bytes` (a multiple of the page) in `frame`. */
    errval_t (*new_frame)(void *ctx, struct dom_slot frame, uint32_t bytes);
    /* Call fill(mem, arg) with the frame's bytes writable at mem. */
    errval_t (*write_frame)(void *ctx, struct dom_slot frame, uint32_t bytes,
                            void (*fill)(uint8_t *mem, void *arg), void *arg);
    /* Map `pages` pages of frame at entry `index` of the L2 table in
     * `table`, with VREGION_FLAGS_* permissions. */
    errval_t (*map)(void *ctx, struct dom_slot table, uint32_t index,
                    struct dom_slot frame, uint32_t pages, uint32_t flags);
};

struct dom_build {
    const struct dom_ops *ops;
    void *ctx;
    struct spawn_args *args;    /* the domain's arguments page, writable here */
    uint32_t pagecn_next;       /* next free slot of its PAGECN (0: L1 table) */
    uint32_t segcn_next;        /* next free slot of its SEGCN */
};

/* Start a build; args is the zeroed arguments page. */
void dom_build_init(struct dom_build *d, const struct dom_ops *ops, void *ctx,
                    struct spawn_args *args);

/* LIB_ERR_SPAWN_ARGS unless argv[0..argc) (argv[0] not empty) and the
 * NULL-terminated envp (may be NULL) fit the arguments page. */
errval_t dom_check_args(int argc, const char *const *argv, const char *const *envp);
/* Write the command line, environment, name and id (checked first). */
errval_t dom_set_args(struct dom_build *d, uint32_t domain_id, const char *name,
                      int argc, const char *const *argv, const char *const *envp);

/* VREGION_FLAGS_* for an ELF segment's PF_R/PF_W/PF_X. */
uint32_t dom_segment_flags(uint32_t elf_flags);
/* Record [base, base + bytes) as taken (LIB_ERR_VREGION_NO_SPACE if full). */
errval_t dom_add_vregion(struct dom_build *d, uint32_t base, uint32_t bytes);
/* The L2 table covering va, made and mapped on first use. */
errval_t dom_l2_for(struct dom_build *d, uint32_t va, struct dom_slot *table);
/* Map the whole frame (bytes, inside one MiB) at va. */
errval_t dom_map(struct dom_build *d, uint32_t va, struct dom_slot frame,
                 uint32_t bytes, uint32_t flags);
/* The same, and record the range as taken. */
errval_t dom_map_region(struct dom_build *d, uint32_t va, struct dom_slot frame,
                        uint32_t bytes, uint32_t flags);

/* Every loadable segment: frames of at most a MiB in SEGCN, filled with
 * the file's bytes (the rest stays zero), then mapped -- in that order,
 * because mapping a page executable is what cleans it to the point of
 * unification for the I-cache (docs/hardware.md, "Caches"). */
errval_t dom_load_segments(struct dom_build *d, const uint8_t *elf,
                           const struct elf_info *info);
/* The main thread's stack: stack_bytes mapped below USER_STACK_TOP (a
 * frame in SEGCN), the whole USER_STACK_BYTES reserved; then the
 * dispatcher frame and the arguments page (in TASKCN, made by the
 * builder) at their addresses. */
errval_t dom_map_standard(struct dom_build *d, uint32_t stack_bytes);
/* Write the free slots of the CNodes the build filled into the
 * arguments page, for the domain's own libsys. */
void dom_finish(struct dom_build *d);

/* The dispatcher's shared page: entered through run() at entry, on the
 * dispatcher stack, with its id and name. */
void dom_fill_shared(struct dispatcher_shared *sh, uint32_t entry,
                     uint32_t domain_id, const char *name);

#endif
