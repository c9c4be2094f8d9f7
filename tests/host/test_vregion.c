/*
 * tests/host/test_vregion.c -- the range allocator (libsys/vregion.c):
 * argument checks, coalescing and node exhaustion by hand, then long
 * random runs against a reference model (one bit per page) that check
 * every answer and the list's invariants after every operation.
 *
 * sources: libsys/vregion.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sprat/vm_layout.h>
#include <sys/vregion.h>

#define PAGE 4096u

/* ---- invariants -------------------------------------------------------------- */

static size_t list_len(const struct vregion *r)
{
    size_t n = 0;
    for (; r; r = r->next) {
        n++;
    }
    return n;
}

/* The list tiles [base, limit) with non-empty, granule-aligned regions,
 * no two free ones adjacent, and no node is lost. */
static void check_map(const struct vregion_map *m, size_t nodes)
{
    uint64_t at = m->base;
    bool prev_free = false;
    for (const struct vregion *r = m->head; r; r = r->next) {
        assert_int_equal(r->base, at);
        assert_true(r->bytes > 0);
        assert_int_equal(r->bytes % m->granule, 0);
        bool free_ = !(r->flags & VREGION_USED);
        assert_false(free_ && prev_free);
        prev_free = free_;
        at += r->bytes;
    }
    assert_int_equal(at, m->limit);
    assert_int_equal(list_len(m->head) + list_len(m->spare), nodes);
}

#define NODES 64
static struct vregion nodes[NODES];

static void init_map(struct vregion_map *m, uint64_t base, uint64_t limit)
{
    assert_int_equal(vregion_init(m, base, limit, PAGE, nodes, NODES), SYS_ERR_OK);
    check_map(m, NODES);
}

/* ---- by hand ------------------------------------------------------------------- */

static void test_init_bad_args(void **state)
{
    struct vregion_map m;
    uint64_t va;
    assert_int_equal(vregion_init(&m, 0x10000, 0x20000, 0, nodes, NODES),
                     LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(vregion_init(&m, 0x10000, 0x20000, 3000, nodes, NODES),
                     LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(vregion_init(&m, 0x20000, 0x20000, PAGE, nodes, NODES),
                     LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(vregion_init(&m, 0x30000, 0x20000, PAGE, nodes, NODES),
                     LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(vregion_init(&m, 0x10800, 0x20000, PAGE, nodes, NODES),
                     LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(vregion_init(&m, 0x10000, 0x20000, PAGE, nodes, 0),
                     LIB_ERR_VREGION_BAD_ARGS);
    /* The failed map is empty and safe to use. */
    assert_int_equal(vregion_alloc(&m, PAGE, PAGE, 0, &va), LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(vregion_alloc_fixed(&m, 0x10000, PAGE, 0), LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(vregion_free(&m, 0x10000), LIB_ERR_VREGION_NOT_FOUND);
    assert_null(vregion_find(&m, 0x10000));
    assert_int_equal(vregion_free_bytes(&m), 0);
}

static void test_alloc_bad_args(void **state)
{
    struct vregion_map m;
    uint64_t va;
    init_map(&m, 0x10000, 0x110000);
    assert_int_equal(vregion_alloc(&m, 0, PAGE, 0, &va), LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(vregion_alloc(&m, 100, PAGE, 0, &va), LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(vregion_alloc(&m, PAGE + 1, PAGE, 0, &va), LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(vregion_alloc(&m, PAGE, 0, 0, &va), LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(vregion_alloc(&m, PAGE, 3 * PAGE, 0, &va), LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(vregion_alloc(&m, 0x100000 + PAGE, PAGE, 0, &va),
                     LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(vregion_alloc(&m, UINT64_MAX & ~(uint64_t)(PAGE - 1), PAGE, 0, &va),
                     LIB_ERR_VREGION_BAD_ARGS);
    /* Fixed: misaligned, outside, running past the end, wrapping. */
    assert_int_equal(vregion_alloc_fixed(&m, 0x10800, PAGE, 0), LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(vregion_alloc_fixed(&m, 0x0f000, PAGE, 0), LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(vregion_alloc_fixed(&m, 0x0f000, 2 * PAGE, 0), LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(vregion_alloc_fixed(&m, 0x110000, PAGE, 0), LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(vregion_alloc_fixed(&m, 0x10f000, 2 * PAGE, 0), LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(vregion_alloc_fixed(&m, UINT64_MAX & ~(uint64_t)(PAGE - 1), 2 * PAGE, 0),
                     LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(vregion_alloc_fixed(&m, 0x10000, 0, 0), LIB_ERR_VREGION_BAD_ARGS);
    /* Nothing changed. */
    assert_int_equal(vregion_free_bytes(&m), 0x100000);
    check_map(&m, NODES);
}

static void test_first_fit_and_alignment(void **state)
{
    struct vregion_map m;
    uint64_t a, b, c;
    init_map(&m, 0x10000, 0x1000000);
    assert_int_equal(vregion_alloc(&m, PAGE, 1, 0, &a), SYS_ERR_OK);
    assert_int_equal(a, 0x10000);
    assert_int_equal(vregion_alloc(&m, 2 * PAGE, PAGE, 0, &b), SYS_ERR_OK);
    assert_int_equal(b, 0x11000);
    /* 1 MiB alignment: the gap below 0x100000 stays free. */
    assert_int_equal(vregion_alloc(&m, PAGE, 0x100000, 0, &c), SYS_ERR_OK);
    assert_int_equal(c, 0x100000);
    check_map(&m, NODES);
    /* The first hole that fits is used: free a, ask for one page. */
    assert_int_equal(vregion_free(&m, a), SYS_ERR_OK);
    assert_int_equal(vregion_alloc(&m, PAGE, PAGE, 0, &a), SYS_ERR_OK);
    assert_int_equal(a, 0x10000);
    /* Two pages do not fit there: they go after b. */
    assert_int_equal(vregion_free(&m, a), SYS_ERR_OK);
    uint64_t d;
    assert_int_equal(vregion_alloc(&m, 2 * PAGE, PAGE, 0, &d), SYS_ERR_OK);
    assert_int_equal(d, 0x13000);
    check_map(&m, NODES);
}

static void test_whole_map(void **state)
{
    struct vregion_map m;
    uint64_t va;
    init_map(&m, 0x10000, 0x20000);
    assert_int_equal(vregion_alloc(&m, 0x10000, PAGE, 0, &va), SYS_ERR_OK);
    assert_int_equal(va, 0x10000);
    assert_int_equal(vregion_free_bytes(&m), 0);
    assert_int_equal(vregion_alloc(&m, PAGE, PAGE, 0, &va), LIB_ERR_VREGION_NO_SPACE);
    assert_int_equal(vregion_alloc_fixed(&m, 0x1f000, PAGE, 0), LIB_ERR_VREGION_OVERLAP);
    check_map(&m, NODES);
    assert_int_equal(vregion_free(&m, 0x10000), SYS_ERR_OK);
    assert_int_equal(vregion_free_bytes(&m), 0x10000);
    assert_int_equal(list_len(m.head), 1);
}

static void test_fixed_overlap(void **state)
{
    struct vregion_map m;
    init_map(&m, 0x10000, 0x100000);
    assert_int_equal(vregion_alloc_fixed(&m, 0x20000, 4 * PAGE, 0), SYS_ERR_OK);
    assert_int_equal(vregion_alloc_fixed(&m, 0x20000, PAGE, 0), LIB_ERR_VREGION_OVERLAP);
    assert_int_equal(vregion_alloc_fixed(&m, 0x23000, PAGE, 0), LIB_ERR_VREGION_OVERLAP);
    assert_int_equal(vregion_alloc_fixed(&m, 0x1f000, 2 * PAGE, 0), LIB_ERR_VREGION_OVERLAP);
    assert_int_equal(vregion_alloc_fixed(&m, 0x1f000, 8 * PAGE, 0), LIB_ERR_VREGION_OVERLAP);
    /* Touching is fine on both sides. */
    assert_int_equal(vregion_alloc_fixed(&m, 0x1f000, PAGE, 0), SYS_ERR_OK);
    assert_int_equal(vregion_alloc_fixed(&m, 0x24000, PAGE, 0), SYS_ERR_OK);
    check_map(&m, NODES);
}

static void test_find_flags_user(void **state)
{
    struct vregion_map m;
    uint64_t va;
    int owner;
    init_map(&m, USER_NULL_GUARD, USER_VADDR_LIMIT);    /* as paging.c does */
    assert_int_equal(vregion_alloc_fixed(&m, USER_HEAP_BASE, 0x100000, VREGION_LAZY),
                     SYS_ERR_OK);
    struct vregion *r = vregion_find(&m, USER_HEAP_BASE + 0x1234);
    assert_non_null(r);
    assert_int_equal(r->base, USER_HEAP_BASE);
    assert_int_equal(r->bytes, 0x100000);
    assert_true(r->flags & VREGION_LAZY);
    assert_true(r->flags & VREGION_USED);
    assert_null(r->user);
    r->user = &owner;
    assert_ptr_equal(vregion_find(&m, USER_HEAP_BASE)->user, &owner);
    assert_ptr_equal(vregion_find(&m, USER_HEAP_BASE + 0xfffff)->user, &owner);
    assert_null(vregion_find(&m, USER_HEAP_BASE + 0x100000));     /* just after */
    assert_null(vregion_find(&m, USER_HEAP_BASE - 1));            /* just before */
    assert_null(vregion_find(&m, 0));                             /* below the map */
    assert_null(vregion_find(&m, USER_VADDR_LIMIT));              /* above it */
    assert_int_equal(vregion_alloc(&m, PAGE, PAGE, 0, &va), SYS_ERR_OK);
    r = vregion_find(&m, va);
    assert_non_null(r);
    assert_false(r->flags & VREGION_LAZY);
    /* Freed, the user pointer does not come back with the next region. */
    assert_int_equal(vregion_free(&m, USER_HEAP_BASE), SYS_ERR_OK);
    assert_null(vregion_find(&m, USER_HEAP_BASE));
    assert_int_equal(vregion_alloc_fixed(&m, USER_HEAP_BASE, PAGE, 0), SYS_ERR_OK);
    assert_null(vregion_find(&m, USER_HEAP_BASE)->user);
}

static void test_free_errors(void **state)
{
    struct vregion_map m;
    uint64_t va;
    init_map(&m, 0x10000, 0x100000);
    assert_int_equal(vregion_alloc(&m, 4 * PAGE, PAGE, 0, &va), SYS_ERR_OK);
    assert_int_equal(vregion_free(&m, va + PAGE), LIB_ERR_VREGION_NOT_FOUND);  /* inside */
    assert_int_equal(vregion_free(&m, va + 4 * PAGE), LIB_ERR_VREGION_NOT_FOUND); /* free */
    assert_int_equal(vregion_free(&m, 0), LIB_ERR_VREGION_NOT_FOUND);
    assert_int_equal(vregion_free(&m, va), SYS_ERR_OK);
    assert_int_equal(vregion_free(&m, va), LIB_ERR_VREGION_NOT_FOUND);         /* twice */
    check_map(&m, NODES);
}

/* Free a, b, c of three neighbours in every order: always one region. */
static void test_coalesce_all_orders(void **state)
{
    static const int orders[6][3] = {
        {0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0},
    };
    for (int o = 0; o < 6; o++) {
        struct vregion_map m;
        uint64_t va[3];
        init_map(&m, 0x10000, 0x100000);
        for (int i = 0; i < 3; i++) {
            assert_int_equal(vregion_alloc_fixed(&m, 0x20000 + i * 0x3000, 0x3000, 0),
                             SYS_ERR_OK);
            va[i] = 0x20000 + i * 0x3000;
        }
        assert_int_equal(list_len(m.head), 5);
        for (int i = 0; i < 3; i++) {
            assert_int_equal(vregion_free(&m, va[orders[o][i]]), SYS_ERR_OK);
            check_map(&m, NODES);
        }
        assert_int_equal(list_len(m.head), 1);
        assert_int_equal(m.head->bytes, 0xf0000);
    }
}

/* Three nodes: one region at start, a split in the middle uses the other
 * two; a further split fails cleanly, an exact fit still works. */
static void test_out_of_nodes(void **state)
{
    struct vregion_map m;
    struct vregion few[3];
    uint64_t va;
    assert_int_equal(vregion_init(&m, 0x10000, 0x20000, PAGE, few, 3), SYS_ERR_OK);
    assert_int_equal(vregion_alloc_fixed(&m, 0x14000, PAGE, 0), SYS_ERR_OK);
    check_map(&m, 3);
    assert_int_equal(vregion_alloc_fixed(&m, 0x16000, PAGE, 0), LIB_ERR_VREGION_NO_SPACE);
    assert_int_equal(vregion_alloc(&m, PAGE, PAGE, 0, &va), LIB_ERR_VREGION_NO_SPACE);
    check_map(&m, 3);
    assert_int_equal(vregion_free_bytes(&m), 0xf000);
    /* [0x10000, 0x14000) is free: taking all of it needs no node. */
    assert_int_equal(vregion_alloc(&m, 4 * PAGE, PAGE, 0, &va), SYS_ERR_OK);
    assert_int_equal(va, 0x10000);
    check_map(&m, 3);
    assert_int_equal(vregion_free(&m, 0x10000), SYS_ERR_OK);
    assert_int_equal(vregion_free(&m, 0x14000), SYS_ERR_OK);
    check_map(&m, 3);
    assert_int_equal(list_len(m.head), 1);
}

/* ---- random runs against a model ---------------------------------------------------- */

#define MPAGES      1024
#define MBASE       0x10000u
#define MNODES      (2 * MPAGES + 1)
#define MAX_ALLOCS  MPAGES

struct model {
    uint8_t used[MPAGES];               /* one flag per page; owners in a[] */
    struct { uint64_t base, pages; uint32_t flags; bool live; } a[MAX_ALLOCS + 1];
    unsigned nlive;
};

static uint64_t rng;
static uint64_t rnd(void)                /* xorshift64* */
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ull;
}
static uint64_t rnd_below(uint64_t n) { return rnd() % n; }

static bool model_range_free(const struct model *md, uint64_t page, uint64_t n)
{
    if (page + n > MPAGES) {
        return false;
    }
    for (uint64_t p = page; p < page + n; p++) {
        if (md->used[p]) {
            return false;
        }
    }
    return true;
}

static unsigned model_slot(const struct model *md)
{
    for (unsigned i = 1; i <= MAX_ALLOCS; i++) {
        if (!md->a[i].live) {
            return i;
        }
    }
    fail_msg("model full");
    return 0;
}

static void model_take(struct model *md, uint64_t page, uint64_t n, uint32_t flags)
{
    unsigned i = model_slot(md);
    md->a[i].base = page;
    md->a[i].pages = n;
    md->a[i].flags = flags;
    md->a[i].live = true;
    md->nlive++;
    memset(&md->used[page], 1, n);
}

static int model_find(const struct model *md, uint64_t page)
{
    for (unsigned i = 1; i <= MAX_ALLOCS; i++) {
        if (md->a[i].live && page >= md->a[i].base && page < md->a[i].base + md->a[i].pages) {
            return (int)i;
        }
    }
    return 0;
}

static void model_free(struct model *md, unsigned i)
{
    memset(&md->used[md->a[i].base], 0, md->a[i].pages);
    md->a[i].live = false;
    md->nlive--;
}

static uint64_t pg_addr(uint64_t page) { return MBASE + page * PAGE; }

/* Every used region is a model allocation and vice versa. */
static void check_against_model(const struct vregion_map *m, const struct model *md)
{
    unsigned used = 0;
    uint64_t free_pages = 0;
    for (const struct vregion *r = m->head; r; r = r->next) {
        uint64_t page = (r->base - MBASE) / PAGE;
        if (r->flags & VREGION_USED) {
            int i = model_find(md, page);
            assert_true(i > 0);
            assert_int_equal(md->a[i].base, page);
            assert_int_equal(md->a[i].pages * PAGE, r->bytes);
            assert_int_equal(md->a[i].flags | VREGION_USED, r->flags);
            used++;
        } else {
            assert_true(model_range_free(md, page, r->bytes / PAGE));
            free_pages += r->bytes / PAGE;
        }
    }
    assert_int_equal(used, md->nlive);
    assert_int_equal(vregion_free_bytes(m), free_pages * PAGE);
}

static void random_op(struct vregion_map *m, struct model *md)
{
    uint64_t pages = 1 + rnd_below(rnd_below(4) == 0 ? 128 : 8);
    uint32_t flags = rnd_below(2) ? VREGION_LAZY : 0;
    switch (rnd_below(5)) {
    case 0:
    case 1: {                                       /* alloc */
        uint64_t align_pages = 1ull << rnd_below(7);
        uint64_t va;
        errval_t err = vregion_alloc(m, pages * PAGE, align_pages * PAGE, flags, &va);
        /* First fit = the lowest aligned address with room. */
        uint64_t want = UINT64_MAX;
        for (uint64_t p = 0; p < MPAGES; p++) {
            if (pg_addr(p) % (align_pages * PAGE) == 0 && model_range_free(md, p, pages)) {
                want = p;
                break;
            }
        }
        if (want == UINT64_MAX) {
            assert_int_equal(err, LIB_ERR_VREGION_NO_SPACE);
        } else {
            assert_int_equal(err, SYS_ERR_OK);
            assert_int_equal(va, pg_addr(want));
            model_take(md, want, pages, flags);
        }
        break;
    }
    case 2: {                                       /* alloc_fixed */
        uint64_t page = rnd_below(MPAGES + 8);
        errval_t err = vregion_alloc_fixed(m, pg_addr(page), pages * PAGE, flags);
        if (page + pages > MPAGES) {
            assert_int_equal(err, LIB_ERR_VREGION_BAD_ARGS);
        } else if (!model_range_free(md, page, pages)) {
            assert_int_equal(err, LIB_ERR_VREGION_OVERLAP);
        } else {
            assert_int_equal(err, SYS_ERR_OK);
            model_take(md, page, pages, flags);
        }
        break;
    }
    case 3: {                                       /* free */
        uint64_t page = rnd_below(MPAGES);
        int i = model_find(md, page);
        if (i > 0 && rnd_below(4) != 0) {
            page = md->a[i].base;                   /* mostly a real start */
        }
        errval_t err = vregion_free(m, pg_addr(page));
        if (i > 0 && md->a[i].base == page) {
            assert_int_equal(err, SYS_ERR_OK);
            model_free(md, (unsigned)i);
        } else {
            assert_int_equal(err, LIB_ERR_VREGION_NOT_FOUND);
        }
        break;
    }
    default: {                                      /* find */
        uint64_t addr = MBASE + rnd_below(MPAGES * PAGE);
        int i = model_find(md, (addr - MBASE) / PAGE);
        struct vregion *r = vregion_find(m, addr);
        if (i == 0) {
            assert_null(r);
        } else {
            assert_non_null(r);
            assert_int_equal(r->base, pg_addr(md->a[i].base));
        }
        break;
    }
    }
}

static struct vregion mnodes[MNODES];

static void run_seed(uint64_t seed, int ops)
{
    static struct model md;
    struct vregion_map m;
    memset(&md, 0, sizeof(md));
    rng = seed;
    assert_int_equal(vregion_init(&m, MBASE, pg_addr(MPAGES), PAGE, mnodes, MNODES),
                     SYS_ERR_OK);
    for (int op = 0; op < ops; op++) {
        random_op(&m, &md);
        check_map(&m, MNODES);
        if (op % 16 == 0) {
            check_against_model(&m, &md);
        }
    }
    check_against_model(&m, &md);
    /* Free everything in a random order: it must all coalesce back. */
    while (md.nlive > 0) {
        unsigned i = 1 + (unsigned)rnd_below(MAX_ALLOCS);
        if (md.a[i].live) {
            assert_int_equal(vregion_free(&m, pg_addr(md.a[i].base)), SYS_ERR_OK);
            model_free(&md, i);
            check_map(&m, MNODES);
        }
    }
    assert_int_equal(list_len(m.head), 1);
    assert_int_equal(m.head->base, MBASE);
    assert_int_equal(m.head->bytes, MPAGES * PAGE);
    assert_false(m.head->flags & VREGION_USED);
    assert_int_equal(list_len(m.spare), MNODES - 1);
}

static void test_random_against_model(void **state)
{
    static const uint64_t seeds[] = { 1, 2, 3, 42, 0x5eed, 0xdeadbeef, 12345678, 99 };
    for (size_t s = 0; s < sizeof(seeds) / sizeof(seeds[0]); s++) {
        run_seed(seeds[s], 5000);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_bad_args),
        cmocka_unit_test(test_alloc_bad_args),
        cmocka_unit_test(test_first_fit_and_alignment),
        cmocka_unit_test(test_whole_map),
        cmocka_unit_test(test_fixed_overlap),
        cmocka_unit_test(test_find_flags_user),
        cmocka_unit_test(test_free_errors),
        cmocka_unit_test(test_coalesce_all_orders),
        cmocka_unit_test(test_out_of_nodes),
        cmocka_unit_test(test_random_against_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
