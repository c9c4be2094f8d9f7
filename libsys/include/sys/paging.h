/*
 * libsys/include/sys/paging.h -- the domain's own address space: mapping
 * frames, lazily backed regions (heap, stacks), and the page-fault handler
 * (docs/libsys.md).
 */
#ifndef LIBSYS_PAGING_H
#define LIBSYS_PAGING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/cspace.h>
#include <sys/vregion.h>

void paging_init(void);

/* Map bytes of frame (from its start) at vaddr / at a free address. */
errval_t paging_map_fixed(uint32_t vaddr, struct capref frame, size_t bytes,
                          uint32_t flags);
errval_t paging_map_frame(uint32_t *vaddr, struct capref frame, size_t bytes,
                          uint32_t flags);
/* Undo paging_map_frame/paging_map_fixed (the frame capability stays). */
errval_t paging_unmap(uint32_t vaddr, size_t bytes);

/* Reserve a region that is backed with fresh frames on first touch. */
errval_t paging_alloc_lazy(uint32_t *vaddr, size_t bytes);

/* The page-fault upcall's work: back addr if it lies in a lazy region
 * (the heap only below its break; see sbrk in paging.c). */
errval_t paging_handle_fault(uint32_t addr);

/* Statistics for tests: pages mapped on faults so far, and the virtual
 * address space still free. */
uint32_t paging_faults_served(void);
uint64_t paging_free_vspace_bytes(void);

#endif
