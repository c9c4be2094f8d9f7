/*
 * libsys/include/sys/spawn.h -- starting a new domain from an ELF image
 * (docs/spawning.md).
 */
#ifndef LIBSYS_SPAWN_H
#define LIBSYS_SPAWN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/cspace.h>

/* RAM a new domain gets for its own use (heap, threads) unless asked. */
#define SPAWN_DEFAULT_RAM   (4u * 1024 * 1024)

struct spawninfo {
    char name[32];
    uint32_t domain_id;
    struct capref child_ram;    /* every object of the domain came from it */
    struct capref dispatcher;   /* our copy of its dispatcher capability */
};

/* Optional capabilities to place in the child's task CNode. */
#define SPAWN_EXTRA_CAPS    4
struct spawn_caps {
    struct capref init_ep;      /* -> TASKCN_SLOT_INITEP */
    struct capref death_ep;     /* told when it stops; badge = domain_id */
    /* -> TASKCN_SLOTS_FREE + i; NULL_CAP: none (init gives a service its
     * device's DevFrame and IRQ here, user/sys/init/system.c) */
    struct capref extra[SPAWN_EXTRA_CAPS];
};

/*
 * Build a domain from the ELF image (in our address space), ready to run:
 * command line argv[0..argc) (argv[0] names it), environment envp (a
 * NULL-terminated list of "NAME=value" strings, or NULL for none).
 * ram_bytes: its own RAM (0: SPAWN_DEFAULT_RAM).  Every error is returned,
 * never fatal, and leaves nothing behind (docs/spawning.md):
 *   LIB_ERR_SPAWN_ARGS        no argv[0], too many or too long strings
 *   LIB_ERR_ELF_*             the image is not a loadable ARM executable
 *                             (elf_parse: bad magic, wrong machine, a
 *                             segment in the kernel's half, ...)
 *   LIB_ERR_SPAWN_LAYOUT      a segment outside the program image area
 *   LIB_ERR_RAM_ALLOC         not enough memory
 *   SYS_ERR_*                 the kernel refused a step (e.g. SYS_ERR_DISP_FRAME_SIZE)
 */
errval_t spawn_load(const void *elf, size_t elf_bytes, int argc,
                    const char *const *argv, const char *const *envp,
                    uint32_t domain_id, const struct spawn_caps *caps,
                    size_t ram_bytes, struct spawninfo *si);
errval_t spawn_run(struct spawninfo *si);
/* After it stopped (or to abandon it): destroy every object of the
 * domain and free its memory. */
errval_t spawn_cleanup(struct spawninfo *si);

/* init only: the boot module called name (mapped read-only), or NULL. */
const void *spawn_find_module(const char *name, size_t *bytes);

#endif
