/*
 * libsys/vregion.c -- the range allocator (include: sys/vregion.h).
 * Pure C: also compiled into the host tests.
 */
#include <sys/vregion.h>

static bool is_pow2(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

static struct vregion *node_get(struct vregion_map *m)
{
    struct vregion *n = m->spare;
    if (n) {
        m->spare = n->next;
        n->next = NULL;
        n->user = NULL;
    }
    return n;
}

static void node_put(struct vregion_map *m, struct vregion *n)
{
    n->next = m->spare;
    m->spare = n;
}

void vregion_init(struct vregion_map *m, uint64_t base, uint64_t limit,
                  uint32_t granule, struct vregion *nodes, size_t n)
{
    m->spare = NULL;
    for (size_t i = 0; i < n; i++) {
        node_put(m, &nodes[i]);
    }
    m->base = base;
    m->limit = limit;
    m->granule = granule;
    m->head = node_get(m);
    m->head->base = base;
    m->head->bytes = limit - base;
    m->head->flags = 0;
}

/* Carve [addr, addr + bytes) out of free region r (which contains it). */
static errval_t carve(struct vregion_map *m, struct vregion *r, uint64_t addr,
                      uint64_t bytes, uint32_t flags)
{
    uint64_t before = addr - r->base;
    uint64_t after = r->base + r->bytes - (addr + bytes);
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
        post->flags = 0;
        post->next = r->next;
        r->next = post;
    }
    if (pre) {
        /* r becomes the used part; pre takes r's place in the list. */
        *pre = *r;
        pre->bytes = before;
        pre->next = r;
        struct vregion **pp = &m->head;
        while (*pp != r) {
            pp = &(*pp)->next;
        }
        *pp = pre;
    }
    r->base = addr;
    r->bytes = bytes;
    r->flags = flags | VREGION_USED;
    r->user = NULL;
    return SYS_ERR_OK;
}

static bool bad_size(const struct vregion_map *m, uint64_t bytes)
{
    return bytes == 0 || bytes % m->granule != 0 || bytes > m->limit - m->base;
}

errval_t vregion_alloc(struct vregion_map *m, uint64_t bytes, uint64_t align,
                       uint32_t flags, uint64_t *ret)
{
    if (bad_size(m, bytes) || !is_pow2(align)) {
        return LIB_ERR_VREGION_BAD_ARGS;
    }
    if (align < m->granule) {
        align = m->granule;
    }
    for (struct vregion *r = m->head; r; r = r->next) {
        if (r->flags & VREGION_USED) {
            continue;
        }
        uint64_t a = (r->base + align - 1) & ~(align - 1);
        if (a >= r->base && a - r->base <= r->bytes && r->bytes - (a - r->base) >= bytes) {
            errval_t err = carve(m, r, a, bytes, flags);
            if (err == SYS_ERR_OK) {
                *ret = a;
            }
            return err;
        }
    }
    return LIB_ERR_VREGION_NO_SPACE;
}

errval_t vregion_alloc_fixed(struct vregion_map *m, uint64_t addr,
                             uint64_t bytes, uint32_t flags)
{
    if (bad_size(m, bytes) || addr % m->granule != 0 || addr < m->base ||
        addr > m->limit - bytes) {
        return LIB_ERR_VREGION_BAD_ARGS;
    }
    for (struct vregion *r = m->head; r; r = r->next) {
        if (addr >= r->base && addr < r->base + r->bytes) {
            if ((r->flags & VREGION_USED) || addr + bytes > r->base + r->bytes) {
                return LIB_ERR_VREGION_OVERLAP;
            }
            return carve(m, r, addr, bytes, flags);
        }
    }
    return LIB_ERR_VREGION_OVERLAP;
}

errval_t vregion_free(struct vregion_map *m, uint64_t addr)
{
    struct vregion *prev = NULL;
    for (struct vregion *r = m->head; r; prev = r, r = r->next) {
        if (r->base != addr || !(r->flags & VREGION_USED)) {
            continue;
        }
        r->flags = 0;
        r->user = NULL;
        struct vregion *next = r->next;
        if (next && !(next->flags & VREGION_USED)) {     /* merge right */
            r->bytes += next->bytes;
            r->next = next->next;
            node_put(m, next);
        }
        if (prev && !(prev->flags & VREGION_USED)) {     /* merge left */
            prev->bytes += r->bytes;
            prev->next = r->next;
            node_put(m, r);
        }
        return SYS_ERR_OK;
    }
    return LIB_ERR_VREGION_NOT_FOUND;
}

struct vregion *vregion_find(struct vregion_map *m, uint64_t addr)
{
    for (struct vregion *r = m->head; r; r = r->next) {
        if (addr >= r->base && addr - r->base < r->bytes) {
            return (r->flags & VREGION_USED) ? r : NULL;
        }
    }
    return NULL;
}

uint64_t vregion_free_bytes(const struct vregion_map *m)
{
    uint64_t n = 0;
    for (const struct vregion *r = m->head; r; r = r->next) {
        if (!(r->flags & VREGION_USED)) {
            n += r->bytes;
        }
    }
    return n;
}
