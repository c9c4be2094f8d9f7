/*
 * libsys/include/sys/ram.h -- getting memory objects: RAM capabilities
 * and the objects retyped from them (docs/libsys.md).
 *
 * A domain owns a few "RAM sources": big RAM capabilities (from its
 * creator, or from the memory server) each with a free-range allocator.
 * An object is retyped straight from a source at a free, suitably aligned
 * offset; freeing it deletes the capability and returns the range.
 */
#ifndef LIBSYS_RAM_H
#define LIBSYS_RAM_H

#include <stddef.h>
#include <sys/cspace.h>

/* Add a RAM capability to the sources (start-up, or memory from a server). */
errval_t ram_add_source(struct capref ram);

/* A new object of type (bytes for variable-size types) in a new slot. */
errval_t mem_retype(unsigned type, size_t bytes, struct capref *ret);
/* The same, into the given empty slot. */
errval_t mem_retype_at(struct capref dest, unsigned type, size_t bytes);
/* Delete an object made by mem_retype and give its memory back. */
errval_t mem_free(struct capref cap);

/* Convenience: a RAM / Frame capability of bytes (a multiple of 4 KiB). */
errval_t ram_alloc(struct capref *ret, size_t bytes);
errval_t frame_alloc(struct capref *ret, size_t bytes);
/* A RAM capability whose physical base is a multiple of alignment: a
 * power of two up to RAM_MAX_ALIGNMENT, or 0 for no constraint (RAM
 * starts on a page anyway).  LIB_ERR_RAM_ALLOC if no source has such a
 * free run, or the alignment is not a power of two. */
#define RAM_MAX_ALIGNMENT   (1u << 31)
errval_t ram_alloc_aligned(struct capref *ret, size_t bytes, size_t alignment);

/* count RAM capabilities of one page each, from one run of physical
 * pages, in one system call: into the count slots from first on (see
 * slot_alloc_run); *base is the physical address of the first, page i
 * is at *base + i * 4 KiB.  No refill: LIB_ERR_RAM_ALLOC if no source has
 * such a run.  Each is freed on its own with mem_free.  (The memory
 * server's ready pages: docs/rpc.md, "The memory server".) */
errval_t ram_alloc_pages(struct capref first, uint32_t count, uint32_t *base);

/* Bytes still free in all sources and not reserved (below). */
size_t ram_free_bytes(void);

/*
 * Reservations for the lazily backed heap (libsys/paging.c): sbrk sets
 * pages aside when the heap grows, and the page-fault upcall -- which runs
 * disabled and so cannot ask the memory server for more -- draws on them
 * when it backs a heap page.  Other allocations leave reserved pages
 * alone.  When the sources do not hold bytes more, ram_reserve asks the
 * memory server for the rest once (its RPC path allocates nothing: it runs
 * inside malloc) and fails with LIB_ERR_RAM_ALLOC if that is refused.
 */
errval_t ram_reserve(size_t bytes);
/* While on (libsys lock held), allocations may use reserved pages and
 * count what they take against the reservation. */
void ram_draw_on_reserve(bool on);

/* Start-up: the RAM the domain was given. */
void ram_init(void);

/* Called when the sources run dry: may add a source of at least
 * min_bytes (libsys asks the memory server; docs/rpc.md). */
extern errval_t (*ram_refill_hook)(size_t min_bytes);

#endif
