/*
 * libsys/include/sys/vregion.h -- a range allocator: which parts of
 * [base, limit) are in use.  The paging library uses it for virtual
 * addresses, the RAM allocator for physical ranges of its RAM capabilities
 * (docs/libsys.md).
 *
 * The map is a list of regions, sorted by address, that covers the whole
 * range: free regions and used ones alternate as allocations come and go,
 * and a freed region merges with free neighbours.  Nodes come from an
 * array the caller provides (the allocator is used before malloc exists).
 */
#ifndef LIBSYS_VREGION_H
#define LIBSYS_VREGION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sprat/errors.h>

#define VREGION_USED    (1u << 0)
#define VREGION_LAZY    (1u << 1)   /* backed with frames on page faults */

struct vregion {
    uint64_t base;
    uint64_t bytes;
    uint32_t flags;
    void *user;                 /* the owner's data about this region */
    struct vregion *next;
};

struct vregion_map {
    struct vregion *head;       /* regions in address order */
    struct vregion *spare;      /* unused nodes */
    uint64_t base, limit;
    uint32_t granule;           /* every address and size is a multiple */
};

void vregion_init(struct vregion_map *m, uint64_t base, uint64_t limit,
                  uint32_t granule, struct vregion *nodes, size_t n);
/* First fit: bytes at an address aligned to align (a power of two). */
errval_t vregion_alloc(struct vregion_map *m, uint64_t bytes, uint64_t align,
                       uint32_t flags, uint64_t *ret);
errval_t vregion_alloc_fixed(struct vregion_map *m, uint64_t addr,
                             uint64_t bytes, uint32_t flags);
/* Free the used region that starts at addr. */
errval_t vregion_free(struct vregion_map *m, uint64_t addr);
/* The used region containing addr, or NULL. */
struct vregion *vregion_find(struct vregion_map *m, uint64_t addr);
/* Total free bytes. */
uint64_t vregion_free_bytes(const struct vregion_map *m);

#endif
