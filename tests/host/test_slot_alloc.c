/*
 * tests/host/test_slot_alloc.c -- the slot allocator of
 * libsys/slot_alloc.c (docs/rpc.md, section 6): its shortcuts change no
 * answer.
 *
 *   first fit    every slot_alloc returns the slot a search of every pool
 *                from the first would (the reference model below), through
 *                any mix of allocations, frees, runs and new pools -- the
 *                summaries of open pools and words stay true
 *   frees        a slot of none of our pools, out of range, or not in use
 *                is left alone (nothing counted, nothing given out twice)
 *   the lock     every change is made with the dispatcher disabled (the
 *                libsys lock), and the disabled flag is what it was before
 *
 * The RAM allocator and the kernel are stubs: a new L2 CNode always
 * "works", so the pools grow as they would in a domain.
 *
 * sources: libsys/slot_alloc.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sys/cspace.h>
#include <sys/ram.h>
#include <sys/threads.h>

/* ---- stubs: the dispatcher's flag, the libsys lock, RAM, the kernel ---- */

static bool disabled;
static int changes_enabled;     /* a slot handed out or freed while enabled */

bool disp_disable(void)
{
    bool was = disabled;
    disabled = true;
    return was;
}

void disp_enable(void)
{
    disabled = false;
}

static unsigned lock_depth;
static bool lock_was;

void thread_lock_libsys(void)
{
    bool was = disp_disable();
    if (lock_depth++ == 0) {
        lock_was = was;
    }
}

void thread_unlock_libsys(void)
{
    if (--lock_depth == 0 && !lock_was) {
        disp_enable();
    }
}

static int cnodes_made;

errval_t mem_retype_at(struct capref dest, unsigned type, size_t bytes)
{
    (void)dest; (void)type; (void)bytes;
    if (!disabled) {
        changes_enabled++;
    }
    cnodes_made++;
    return SYS_ERR_OK;
}

errval_t mem_retype(unsigned type, size_t bytes, struct capref *ret)
{
    (void)type; (void)bytes; (void)ret;
    return LIB_ERR_NOT_IMPLEMENTED;
}

errval_t mem_free(struct capref cap) { (void)cap; return SYS_ERR_OK; }
errval_t cap_delete(struct capref cap) { (void)cap; return SYS_ERR_OK; }
errval_t cnode_resize(struct capref n, struct capref r) { (void)n; (void)r; return LIB_ERR_NOT_IMPLEMENTED; }

/* ---- the reference: first fit over the pools, in the order they came ---- */

#define POOLS   64
static uint32_t model_cnode[POOLS];
static bool model_used[POOLS][L2_CNODE_SLOTS];
static unsigned model_pools;

/* Learn a pool the allocator made (they come in order of creation). */
static unsigned model_pool(uint32_t cnode)
{
    for (unsigned i = 0; i < model_pools; i++) {
        if (model_cnode[i] == cnode) {
            return i;
        }
    }
    model_cnode[model_pools] = cnode;
    return model_pools++;
}

/* The slot first fit would give, or false if the known pools are full
 * (then a new pool must be the answer). */
static bool model_first(struct capref *ret)
{
    for (unsigned i = 0; i < model_pools; i++) {
        for (uint32_t s = 0; s < L2_CNODE_SLOTS; s++) {
            if (!model_used[i][s]) {
                *ret = (struct capref){ model_cnode[i], s };
                return true;
            }
        }
    }
    return false;
}

static void model_reset(void)
{
    memset(model_used, 0, sizeof(model_used));
    model_pools = 0;
    /* the three pools every domain starts with, in that order */
    model_pool(ROOTCN_SLOT_SLOT_ALLOC0);
    model_pool(ROOTCN_SLOT_SLOT_ALLOC1);
    model_pool(ROOTCN_SLOT_SLOT_ALLOC2);
}

/* One slot_alloc, checked against the model. */
static struct capref alloc_checked(void)
{
    struct capref want, got;
    bool known = model_first(&want);
    disabled = false;
    assert_int_equal(slot_alloc(&got), SYS_ERR_OK);
    assert_false(disabled);
    if (known) {
        assert_int_equal(got.cnode, want.cnode);
        assert_int_equal(got.slot, want.slot);
    }
    unsigned p = model_pool(got.cnode);
    assert_false(model_used[p][got.slot]);
    model_used[p][got.slot] = true;
    return got;
}

static void free_checked(struct capref c)
{
    disabled = false;
    slot_free(c);
    assert_false(disabled);
    model_used[model_pool(c.cnode)][c.slot] = false;
}

/* slot_alloc.c keeps its state in statics: each test runs in a fresh
 * process image only once, so the tests share one allocator and the model
 * follows it from the start. */
static int setup_once(void **state)
{
    (void)state;
    static bool done;
    if (!done) {
        slot_alloc_init();
        model_reset();
        done = true;
    }
    return 0;
}

/* ---- the tests --------------------------------------------------------- */

static struct capref held[4096];
static unsigned nheld;

static void test_first_fit_random(void **state)
{
    (void)state;
    srand(13);
    for (unsigned step = 0; step < 40000; step++) {
        unsigned r = (unsigned)rand() % 100;
        if (nheld == 0 || (r < 55 && nheld < 4096)) {
            held[nheld++] = alloc_checked();
        } else if (r < 58) {
            /* a run, as memserv's ready pages take them */
            uint32_t n = 1 + (unsigned)rand() % 32;
            struct capref first;
            if (err_is_ok(slot_alloc_run(n, &first))) {
                unsigned p = model_pool(first.cnode);
                for (uint32_t i = 0; i < n; i++) {
                    assert_false(model_used[p][first.slot + i]);
                    model_used[p][first.slot + i] = true;
                    if (nheld < 4096) {
                        held[nheld++] = (struct capref){ first.cnode, first.slot + i };
                    }
                }
            }
        } else {
            unsigned i = (unsigned)rand() % nheld;
            free_checked(held[i]);
            held[i] = held[--nheld];
        }
        assert_int_equal(changes_enabled, 0);
    }
    assert_true(cnodes_made > 0);           /* new pools were part of it */
}

static void test_bad_frees_change_nothing(void **state)
{
    (void)state;
    struct capref c = alloc_checked();
    free_checked(c);
    uint32_t before = slot_alloc_free_count();
    slot_free(c);                                           /* not in use */
    slot_free((struct capref){ 2, 0 });                     /* no pool there */
    slot_free((struct capref){ ROOTCN_SLOT_SLOT_ALLOC0, L2_CNODE_SLOTS });   /* past it */
    slot_free((struct capref){ 0xffffffffu, 3 });           /* past the root */
    assert_int_equal(slot_alloc_free_count(), before);
    struct capref again = alloc_checked();                  /* the model agrees */
    free_checked(again);
}

static void test_lock_nests(void **state)
{
    (void)state;
    struct capref c;
    disabled = true;                /* a caller under the libsys lock */
    assert_int_equal(slot_alloc(&c), SYS_ERR_OK);
    assert_true(disabled);
    slot_free(c);
    assert_true(disabled);
    disabled = false;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_first_fit_random, setup_once),
        cmocka_unit_test_setup(test_bad_frees_change_nothing, setup_once),
        cmocka_unit_test_setup(test_lock_nests, setup_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
