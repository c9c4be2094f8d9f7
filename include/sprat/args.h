/*
 * include/sprat/args.h -- the arguments page every domain starts with,
 * mapped read-write at ARGS_VADDR (<sprat/vm_layout.h>).
 *
 * Whoever builds a domain (the kernel for init, libsys' spawn for every
 * other domain) fills it in: the command line, and the state of the
 * domain's address space and CSpace so that the domain's own libsys can
 * carry on managing them (which L2 tables exist and where they are mapped,
 * which slots are used, which virtual ranges are taken).
 */
#ifndef SPRAT_ARGS_H
#define SPRAT_ARGS_H

#include <stdint.h>
#include <sprat/caps.h>

#define SPAWN_ARGS_MAGIC        0x41726773u     /* "Args" */
#define SPAWN_MAX_ARGS          32
#define SPAWN_MAX_ENV           32
#define SPAWN_ARGS_STRINGS      1024
#define SPAWN_MAX_L2            64
#define SPAWN_MAX_VREGIONS      16

struct spawn_vregion {
    uint32_t base;          /* page aligned */
    uint32_t bytes;
};

struct spawn_args {
    uint32_t magic;
    uint32_t domain_id;
    char name[32];

    /* Command line: argv[i] = strings + argv_offset[i], NUL-terminated. */
    uint32_t argc;
    uint32_t argv_offset[SPAWN_MAX_ARGS];
    char strings[SPAWN_ARGS_STRINGS];   /* the arguments, then the environment */

    /* Environment: envp[0..envc) are "NAME=value" strings in strings[],
     * given as the domain's own (user) addresses and followed by a 0, so
     * that C's environ can point straight at envp (libsys/environ.c). */
    uint32_t envc;
    uint32_t envp[SPAWN_MAX_ENV + 1];

    /* Address space: L2 tables in ROOTCN_SLOT_PAGECN (slot 0 is the L1
     * table), each mapped at L1 entry l1_index. */
    uint32_t num_l2;
    struct {
        uint16_t l1_index;
        uint16_t pagecn_slot;
    } l2[SPAWN_MAX_L2];
    /* Virtual ranges already mapped (image, stack, dispatcher frame, this
     * page, bootinfo). */
    uint32_t num_vregions;
    struct spawn_vregion vregions[SPAWN_MAX_VREGIONS];
    uint32_t stack_mapped_bytes;    /* mapped below USER_STACK_TOP */

    /* First free slots in the CNodes the builder filled. */
    uint32_t pagecn_free;
    uint32_t segcn_free;
    uint32_t taskcn_free;
};
_Static_assert(sizeof(struct spawn_args) <= 4096, "the arguments page is one page");

#endif
