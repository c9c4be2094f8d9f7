/*
 * libsys/include/sys/vregion.h -- a range allocator: which parts of
 * [base, limit) are in use.  The paging library uses it for the virtual
 * address space of its domain (docs/libsys.md).  Addresses are 64-bit so
 * that it can track physical ranges too.
 *
 * The map is a list of regions, sorted by address, that covers the whole
 * range: free regions and used ones alternate as allocations come and go,
 * and a freed region merges with free neighbours.  Nodes come from an
 * array the caller provides (the allocator is used before malloc exists):
 * n nodes track at most about n/2 used regions in the worst case (every
 * used region with a free gap after it); running out of nodes is
 * reported as LIB_ERR_VREGION_NO_SPACE.
 *
 * Not thread-safe: callers lock (paging.c holds the libsys lock).
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

/*
 * All of [base, limit) free.  granule (a power of two, e.g. the page size)
 * divides base, limit and every address and size later passed in.
 * LIB_ERR_VREGION_BAD_ARGS if not (or no nodes): the map is then empty and
 * every allocation fails.
 */
errval_t vregion_init(struct vregion_map *m, uint64_t base, uint64_t limit,
                      uint32_t granule, struct vregion *nodes, size_t n);
/*
 * First fit: bytes at the lowest address aligned to align (a power of
 * two; smaller than granule means granule).  The region is marked
 * VREGION_USED | flags, its user pointer is NULL.  Errors:
 * LIB_ERR_VREGION_BAD_ARGS (bytes 0, not a multiple of granule, larger
 * than the map; align not a power of two), LIB_ERR_VREGION_NO_SPACE (no
 * gap, or out of nodes).
 */
errval_t vregion_alloc(struct vregion_map *m, uint64_t bytes, uint64_t align,
                       uint32_t flags, uint64_t *ret);
/* Exactly [addr, addr + bytes).  LIB_ERR_VREGION_BAD_ARGS (as above, or
 * outside [base, limit)), LIB_ERR_VREGION_OVERLAP (any of it in use),
 * LIB_ERR_VREGION_NO_SPACE (out of nodes). */
errval_t vregion_alloc_fixed(struct vregion_map *m, uint64_t addr,
                             uint64_t bytes, uint32_t flags);
/* Free the whole used region that starts at addr; it merges with free
 * neighbours.  LIB_ERR_VREGION_NOT_FOUND if no used region starts there. */
errval_t vregion_free(struct vregion_map *m, uint64_t addr);
/* The used region containing addr, or NULL (free, or outside the map).
 * The page-fault handler asks this, then looks at flags and user. */
struct vregion *vregion_find(struct vregion_map *m, uint64_t addr);
/* Total free bytes. */
uint64_t vregion_free_bytes(const struct vregion_map *m);

#endif
