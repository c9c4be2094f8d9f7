/*
 * libsys/ram.c -- memory objects from RAM capabilities (sys/ram.h).
 *
 * Each RAM source is one RAM capability with a bitmap of its 4 KiB pages.
 * An object is retyped straight out of the source at a free, aligned
 * offset; the kernel's derivation database guarantees no two objects
 * overlap, the bitmap only spares us asking it to find out.
 */
#include <stdint.h>
#include <string.h>
#include <sys/ram.h>
#include <sys/threads.h>
#include <sprat/bootinfo.h>
#include <sprat/objtypes.h>

#define MAX_SOURCES         16
#define PAGE                4096u
/* Bitmap space for all sources: one bit per page, 768 MiB in all. */
#define BITMAP_WORDS        (768u * 1024 * 1024 / PAGE / 32)

struct ram_source {
    struct capref cap;
    uint32_t base;
    uint32_t pages;
    uint32_t free_pages;
    uint32_t hint;              /* no free page below this index */
    uint32_t *bitmap;           /* 1 = in use */
};

static struct ram_source sources[MAX_SOURCES];
static unsigned num_sources;
static uint32_t bitmap_pool[BITMAP_WORDS];
static uint32_t bitmap_used;
static uint32_t reserved_pages;         /* promised to the heap (ram_reserve) */
static bool drawing_reserve;            /* ram_draw_on_reserve */

errval_t (*ram_refill_hook)(size_t bytes);

static bool page_used(const struct ram_source *s, uint32_t i)
{
    return s->bitmap[i / 32] & (1u << (i % 32));
}

static void mark(struct ram_source *s, uint32_t first, uint32_t n, bool used)
{
    for (uint32_t i = first; i < first + n; i++) {
        if (used) {
            s->bitmap[i / 32] |= 1u << (i % 32);
        } else {
            s->bitmap[i / 32] &= ~(1u << (i % 32));
        }
    }
    if (used) {
        s->free_pages -= n;
        if (first == s->hint) {
            s->hint = first + n;
        }
    } else {
        s->free_pages += n;
        if (first < s->hint) {
            s->hint = first;
        }
    }
}

errval_t ram_add_source(struct capref ram)
{
    struct capability_info info;
    errval_t err = cap_identify(ram, &info);
    if (err_is_fail(err)) {
        return err;
    }
    if (info.type != ObjType_RAM) {
        return SYS_ERR_WRONG_CAP_TYPE;
    }
    uint32_t pages = info.bytes / PAGE;
    uint32_t words = (pages + 31) / 32;
    thread_lock_libsys();
    if (num_sources == MAX_SOURCES || bitmap_used + words > BITMAP_WORDS) {
        thread_unlock_libsys();
        return LIB_ERR_RAM_ALLOC;
    }
    struct ram_source *s = &sources[num_sources++];
    s->cap = ram;
    s->base = info.base;
    s->pages = pages;
    s->free_pages = pages;
    s->hint = 0;
    s->bitmap = &bitmap_pool[bitmap_used];
    bitmap_used += words;
    thread_unlock_libsys();
    return SYS_ERR_OK;
}

/* A run of n free pages whose physical address is a multiple of align. */
static bool find_run(struct ram_source *s, uint32_t n, uint32_t align,
                     uint32_t *first)
{
    uint32_t step = align / PAGE;
    uint32_t i = s->hint;
    uint32_t mis = ((s->base / PAGE) + i) % step;
    if (mis) {
        i += step - mis;
    }
    for (; i + n <= s->pages; i += step) {
        uint32_t j = 0;
        while (j < n && !page_used(s, i + j)) {
            j++;
        }
        if (j == n) {
            *first = i;
            return true;
        }
    }
    return false;
}

/* Objects are placed in whole pages: the type's alignment
 * (sprat/objtypes.h), at least a page. */
static uint32_t object_align(unsigned type)
{
    uint32_t align = objtype_align(type);
    return align > PAGE ? align : PAGE;
}

static uint32_t object_bytes(unsigned type, size_t bytes)
{
    return objtype_bytes(type, (uint32_t)bytes);
}

static uint32_t free_pages(void)
{
    uint32_t n = 0;
    for (unsigned i = 0; i < num_sources; i++) {
        n += sources[i].free_pages;
    }
    return n;
}

/* align: a power of two, at least a page (the caller checks).  count
 * objects into count slots from dest on (one system call), from one run
 * of pages; *base (if asked for) the physical address of the first. */
static errval_t retype_from_sources(struct capref dest, unsigned type, size_t bytes,
                                    uint32_t align, uint32_t count, uint32_t *base)
{
    uint32_t size = object_bytes(type, bytes);
    uint32_t pages = (size + PAGE - 1) / PAGE * count;
    uint32_t first;

    /* A fixed-size object smaller than a page (an L2 table, a DCB) takes
     * a page of its own here; any other size is whole pages. */
    bool fixed = objtype_fixed(type);
    if (size == 0 || (!fixed && size % PAGE != 0)) {
        return SYS_ERR_RETYPE_INVALID_SIZE;
    }
    if (!drawing_reserve && free_pages() - reserved_pages < pages) {
        return LIB_ERR_RAM_ALLOC;       /* the rest is promised to the heap */
    }
    for (unsigned i = 0; i < num_sources; i++) {
        struct ram_source *s = &sources[i];
        if (s->free_pages < pages || !find_run(s, pages, align, &first)) {
            continue;
        }
        errval_t err = cap_retype(dest, s->cap, first * PAGE, type,
                                  fixed ? 0 : size, count);
        if (err_is_ok(err)) {
            if (base != NULL) {
                *base = s->base + first * PAGE;
            }
            mark(s, first, pages, true);
            if (drawing_reserve) {
                reserved_pages -= pages < reserved_pages ? pages : reserved_pages;
            }
        }
        return err;
    }
    return LIB_ERR_RAM_ALLOC;
}

/* An object at a physical address that is a multiple of align, from the
 * sources, or from new RAM the refill hook gets. */
static errval_t retype_aligned(struct capref dest, unsigned type, size_t bytes,
                               uint32_t align)
{
    thread_lock_libsys();
    errval_t err = retype_from_sources(dest, type, bytes, align, 1, NULL);
    thread_unlock_libsys();
    size_t size = object_bytes(type, bytes);
    if (err == LIB_ERR_RAM_ALLOC && ram_refill_hook && !disp_is_disabled() &&
        size <= SIZE_MAX - align) {
        /* Enough for the object wherever the new RAM's aligned spot is. */
        if (err_is_ok(ram_refill_hook(size + align - PAGE))) {
            thread_lock_libsys();
            err = retype_from_sources(dest, type, bytes, align, 1, NULL);
            thread_unlock_libsys();
        }
    }
    return err;
}

errval_t mem_retype_at(struct capref dest, unsigned type, size_t bytes)
{
    return retype_aligned(dest, type, bytes, object_align(type));
}

errval_t mem_retype(unsigned type, size_t bytes, struct capref *ret)
{
    errval_t err = slot_alloc(ret);
    if (err_is_fail(err)) {
        return err;
    }
    err = mem_retype_at(*ret, type, bytes);
    if (err_is_fail(err)) {
        slot_free(*ret);
    }
    return err;
}

errval_t mem_free(struct capref cap)
{
    struct capability_info info;
    errval_t err = cap_identify(cap, &info);
    if (err_is_fail(err)) {
        return err;
    }
    err = cap_delete(cap);
    if (err_is_fail(err)) {
        return err;
    }
    slot_free(cap);
    thread_lock_libsys();
    for (unsigned i = 0; i < num_sources; i++) {
        struct ram_source *s = &sources[i];
        if (info.base >= s->base && info.base - s->base < s->pages * PAGE) {
            uint32_t first = (info.base - s->base) / PAGE;
            uint32_t n = (info.bytes + PAGE - 1) / PAGE;
            mark(s, first, n, false);
            break;
        }
    }
    thread_unlock_libsys();
    return SYS_ERR_OK;
}

errval_t ram_alloc(struct capref *ret, size_t bytes)
{
    return mem_retype(ObjType_RAM, bytes, ret);
}

errval_t ram_alloc_aligned(struct capref *ret, size_t bytes, size_t alignment)
{
    if (alignment & (alignment - 1) || alignment > RAM_MAX_ALIGNMENT) {
        return LIB_ERR_RAM_ALLOC;
    }
    errval_t err = slot_alloc(ret);
    if (err_is_fail(err)) {
        return err;
    }
    /* Every RAM capability starts on a page: smaller alignments (and 0,
     * no constraint) are met by any. */
    err = retype_aligned(*ret, ObjType_RAM, bytes, alignment > PAGE ? alignment : PAGE);
    if (err_is_fail(err)) {
        slot_free(*ret);
    }
    return err;
}

errval_t ram_alloc_pages(struct capref first, uint32_t count, uint32_t *base)
{
    thread_lock_libsys();
    errval_t err = retype_from_sources(first, ObjType_RAM, PAGE, PAGE, count, base);
    thread_unlock_libsys();
    return err;
}

errval_t frame_alloc(struct capref *ret, size_t bytes)
{
    return mem_retype(ObjType_Frame, bytes, ret);
}

size_t ram_free_bytes(void)
{
    thread_lock_libsys();
    size_t n = (size_t)(free_pages() - reserved_pages) * PAGE;
    thread_unlock_libsys();
    return n;
}

errval_t ram_reserve(size_t bytes)
{
    if (bytes > SIZE_MAX - PAGE) {
        return LIB_ERR_RAM_ALLOC;
    }
    uint32_t pages = (bytes + PAGE - 1) / PAGE;
    for (bool refilled = false;; refilled = true) {
        thread_lock_libsys();
        uint32_t have = free_pages() - reserved_pages;
        if (have >= pages) {
            reserved_pages += pages;
            thread_unlock_libsys();
            return SYS_ERR_OK;
        }
        thread_unlock_libsys();
        /* Short: ask the memory server for the rest, once.  (We may be
         * inside malloc here -- sbrk -- which is why the refill's RPC path
         * allocates nothing; never while disabled: an RPC may block.) */
        if (refilled || ram_refill_hook == NULL || disp_is_disabled() ||
            err_is_fail(ram_refill_hook((size_t)(pages - have) * PAGE))) {
            return LIB_ERR_RAM_ALLOC;
        }
    }
}

void ram_draw_on_reserve(bool on)
{
    drawing_reserve = on;
}

/* The domain's first RAM: what its creator put in BASE_PAGE_CN slot 0,
 * or, for init, the kernel's RAM capability in SUPERCN slot 0. */
void ram_init(void)
{
    struct capref given = { ROOTCN_SLOT_BASE_PAGE_CN, 0 };
    if (err_is_fail(ram_add_source(given))) {
        ram_add_source((struct capref){ ROOTCN_SLOT_SUPERCN, 0 });
    }
}
