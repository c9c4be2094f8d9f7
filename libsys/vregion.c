/*
 * libsys/vregion.c -- the range allocator (sys/vregion.h, docs/libsys.md).
 * Pure C: also compiled into the host tests.
 *
 * The map is a singly linked list of regions in address order that tiles
 * [base, limit) exactly.  Three invariants hold between calls, and every
 * function below relies on them:
 *   1. regions are contiguous: r->base + r->bytes == r->next->base;
 *   2. no region is empty;
 *   3. no two free regions are neighbours (a free region is maximal).
 * (3) is why alloc_fixed can say "overlap" as soon as a request runs past
 * the end of the free region holding its start: the next one is used.
 */
#include <sys/vregion.h>

static bool is_pow2(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }
static bool is_free(const struct vregion *r) { return !(r->flags & VREGION_USED); }

static struct vregion *node_get(struct vregion_map *m)
{
    struct vregion *n = m->spare;
    if (n) {
        m->spare = n->next;
        n->next = NULL;
        n->flags = 0;
        n->user = NULL;
    }
    return n;
}

static void node_put(struct vregion_map *m, struct vregion *n)
{
    n->next = m->spare;
    m->spare = n;
}

errval_t vregion_init(struct vregion_map *m, uint64_t base, uint64_t limit,
                      uint32_t granule, struct vregion *nodes, size_t n)
{
    m->head = NULL;
    m->spare = NULL;
    m->base = base;
    m->limit = base;            /* an empty map until all is checked */
    m->granule = granule;
    if (!is_pow2(granule) || base % granule != 0 || limit % granule != 0 ||
        base >= limit || nodes == NULL || n == 0) {
        m->granule = 1;         /* so that later calls fail cleanly */
        return LIB_ERR_VREGION_BAD_ARGS;
    }
    for (size_t i = 0; i < n; i++) {
        node_put(m, &nodes[i]);
    }
    m->limit = limit;
    m->head = node_get(m);
    m->head->base = base;
    m->head->bytes = limit - base;
    return SYS_ERR_OK;
}

/* LAB 2 BEGIN */
/*
 * Carve [addr, addr + bytes) out of free region r (which holds all of it;
 * prev is r's predecessor or NULL).  Up to two new free regions are cut
 * off: `pre` before and `post` after; r itself becomes the used part, so
 * pointers to r stay meaningful.  Needs both nodes up front: a half-done
 * split would break invariant 1.
 */
static errval_t carve(struct vregion_map *m, struct vregion *prev,
                      struct vregion *r, uint64_t addr, uint64_t bytes,
                      uint32_t flags)
{
    uint64_t before = addr - r->base;
    uint64_t after = (r->base + r->bytes) - (addr + bytes);
    struct vregion *pre = NULL, *post = NULL;

    if ((before && (pre = node_get(m)) == NULL) ||
        (after && (post = node_get(m)) == NULL)) {
        if (pre) {
            node_put(m, pre);
        }
        return LIB_ERR_VREGION_NO_SPACE;        /* out of nodes */
    }
    if (post) {
        post->base = addr + bytes;
        post->bytes = after;
        post->next = r->next;
        r->next = post;
    }
    if (pre) {
        pre->base = r->base;
        pre->bytes = before;
        pre->next = r;
        if (prev) {
            prev->next = pre;
        } else {
            m->head = pre;
        }
    }
    r->base = addr;
    r->bytes = bytes;
    r->flags = flags | VREGION_USED;
    r->user = NULL;
    return SYS_ERR_OK;
}
/* LAB 2 END */

/* LAB 2 BEGIN */
/* A size is good if it is a non-zero number of granules that could fit. */
static bool bad_size(const struct vregion_map *m, uint64_t bytes)
{
    return bytes == 0 || bytes % m->granule != 0 || bytes > m->limit - m->base;
}
/* LAB 2 END */

/* LAB 2 BEGIN */
/* Where in free region r an aligned block of bytes fits; false if not.
 * Computed as an offset from r->base so that nothing can wrap. */
static bool fit(const struct vregion *r, uint64_t bytes, uint64_t align,
                uint64_t *addr)
{
    uint64_t pad = (align - (r->base & (align - 1))) & (align - 1);
    if (pad >= r->bytes || r->bytes - pad < bytes) {
        return false;
    }
    *addr = r->base + pad;
    return true;
}
/* LAB 2 END */

errval_t vregion_alloc(struct vregion_map *m, uint64_t bytes, uint64_t align,
                       uint32_t flags, uint64_t *ret)
{
    /* LAB 2 BEGIN: return LIB_ERR_NOT_IMPLEMENTED; */
    if (bad_size(m, bytes) || !is_pow2(align)) {
        return LIB_ERR_VREGION_BAD_ARGS;
    }
    if (align < m->granule) {
        align = m->granule;
    }
    struct vregion *prev = NULL;
    for (struct vregion *r = m->head; r; prev = r, r = r->next) {
        uint64_t a;
        if (is_free(r) && fit(r, bytes, align, &a)) {
            errval_t err = carve(m, prev, r, a, bytes, flags);
            if (err == SYS_ERR_OK) {
                *ret = a;
            }
            return err;
        }
    }
    return LIB_ERR_VREGION_NO_SPACE;
    /* LAB 2 END */
}

errval_t vregion_alloc_fixed(struct vregion_map *m, uint64_t addr,
                             uint64_t bytes, uint32_t flags)
{
    /* LAB 2 BEGIN: return LIB_ERR_NOT_IMPLEMENTED; */
    if (bad_size(m, bytes) || addr % m->granule != 0 || addr < m->base ||
        addr >= m->limit || bytes > m->limit - addr) {
        return LIB_ERR_VREGION_BAD_ARGS;
    }
    struct vregion *prev = NULL;
    for (struct vregion *r = m->head; r; prev = r, r = r->next) {
        if (addr - r->base < r->bytes) {        /* r holds addr (addr >= base) */
            if (!is_free(r) || bytes > r->bytes - (addr - r->base)) {
                return LIB_ERR_VREGION_OVERLAP; /* used, or runs into used */
            }
            return carve(m, prev, r, addr, bytes, flags);
        }
    }
    return LIB_ERR_VREGION_OVERLAP;             /* not reached: the list tiles */
    /* LAB 2 END */
}

errval_t vregion_free(struct vregion_map *m, uint64_t addr)
{
    /* LAB 2 BEGIN: return LIB_ERR_NOT_IMPLEMENTED; */
    struct vregion *prev = NULL;
    for (struct vregion *r = m->head; r; prev = r, r = r->next) {
        if (r->base != addr || is_free(r)) {
            continue;
        }
        r->flags = 0;
        r->user = NULL;
        struct vregion *next = r->next;
        if (next && is_free(next)) {                    /* merge right */
            r->bytes += next->bytes;
            r->next = next->next;
            node_put(m, next);
        }
        if (prev && is_free(prev)) {                    /* merge left */
            prev->bytes += r->bytes;
            prev->next = r->next;
            node_put(m, r);
        }
        return SYS_ERR_OK;
    }
    return LIB_ERR_VREGION_NOT_FOUND;
    /* LAB 2 END */
}

struct vregion *vregion_find(struct vregion_map *m, uint64_t addr)
{
    for (struct vregion *r = m->head; r; r = r->next) {
        if (addr >= r->base && addr - r->base < r->bytes) {
            return is_free(r) ? NULL : r;
        }
    }
    return NULL;
}

uint64_t vregion_free_bytes(const struct vregion_map *m)
{
    uint64_t n = 0;
    for (const struct vregion *r = m->head; r; r = r->next) {
        if (is_free(r)) {
            n += r->bytes;
        }
    }
    return n;
}
