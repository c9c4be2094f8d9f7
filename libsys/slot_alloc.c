/*
 * libsys/slot_alloc.c -- the slot allocator: which capability slots of the
 * domain's CSpace are free.
 *
 * Slots come from L2 CNodes of 256 slots, each tracked by a bitmap.  A
 * domain starts with three empty ones (ROOTCN_SLOT_SLOT_ALLOC0..2).  When
 * few slots remain, the allocator makes another L2 CNode from RAM and puts
 * it in a free slot of the root CNode -- keeping a reserve, because making
 * a CNode itself needs a slot or two.
 *
 * slot_alloc and slot_free are on the path of every capability a domain
 * receives (docs/rpc.md, section 6), so neither searches: a free finds
 * its pool through pool_of (indexed by the L2 CNode's root slot), and an
 * allocation finds the first word that is not full through two summary
 * bitmaps (pools_open, words_open) -- the very slot a search from the
 * first pool would take (first fit).  Both take the libsys lock in its
 * inline form, disp_disable (below).
 */
#include <string.h>
#include <sys/cspace.h>
#include <sys/invoke.h>
#include <sys/ram.h>
#include <sys/threads.h>

#define MAX_POOLS       64
#define REFILL_BELOW    32      /* free slots that trigger a new CNode */
#define POOL_WORDS      (L2_CNODE_SLOTS / 32)   /* bitmap words of a pool */

/*
 * The pools' state in one structure (one base address for the fast
 * paths).  The bitmaps are one array, pool after pool in the order they
 * were made: word g is word g % POOL_WORDS of pool g / POOL_WORDS.  First
 * fit is the first word that is not full in this order, found without a
 * search through two summaries: which pools have a word that is not full
 * (pools_open), and which words of a pool are not full (words_open).
 */
static struct {
    uint32_t pools_open[MAX_POOLS / 32];    /* bit i: pool i has a free slot */
    uint32_t total_free;
    unsigned num_pools;
    uint8_t words_open[MAX_POOLS];      /* pool i, bit w: its word w is not full */
    uint32_t cnode[MAX_POOLS];          /* pool i: the root slot of its L2 CNode */
    uint32_t free[MAX_POOLS];           /* pool i: its free slots */
    uint32_t bitmap[MAX_POOLS * POOL_WORDS];    /* 1 = in use */
} sa;
static bool refilling;
/* The root CNode starts with L1_CNODE_MIN_SLOTS slots; root_cnode_grow()
 * makes it bigger, up to what this bitmap can track. */
#define ROOT_SLOTS_MAX  (4 * L1_CNODE_MIN_SLOTS)
static uint32_t root_used[ROOT_SLOTS_MAX / 32];
static uint32_t root_slots = L1_CNODE_MIN_SLOTS;
/* The pool of the L2 CNode in root slot r is pool_of[r] - 1 (0: none),
 * so slot_free does not search. */
static uint8_t pool_of[ROOT_SLOTS_MAX];

/*
 * The libsys lock (thread_lock_libsys, libsys/threads.c) is the
 * dispatcher's disabled flag; slot_alloc and slot_free take it inline as
 * disp_disable / disp_restore -- the same lock, without two calls and the
 * nesting count (an outer holder keeps the flag set, so the restore leaves
 * it set).  Code that calls out of this file (refill) still uses
 * thread_lock_libsys, which nests inside it the same way.
 */
static inline bool slot_lock(void)
{
    return disp_disable();
}

static inline void slot_unlock(bool was)
{
    disp_restore(was);
}

static void add_pool(uint32_t cnode)
{
    unsigned i = sa.num_pools++;
    pool_of[cnode] = (uint8_t)(i + 1);
    sa.cnode[i] = cnode;
    sa.free[i] = L2_CNODE_SLOTS;
    memset(&sa.bitmap[i * POOL_WORDS], 0, POOL_WORDS * sizeof(uint32_t));
    sa.words_open[i] = (1u << POOL_WORDS) - 1;
    sa.pools_open[i / 32] |= 1u << (i % 32);
    sa.total_free += L2_CNODE_SLOTS;
}

void slot_alloc_init(void)
{
    for (uint32_t i = 0; i < ROOTCN_SLOTS_USER; i++) {
        root_used[i / 32] |= 1u << (i % 32);
    }
    add_pool(ROOTCN_SLOT_SLOT_ALLOC0);
    add_pool(ROOTCN_SLOT_SLOT_ALLOC1);
    add_pool(ROOTCN_SLOT_SLOT_ALLOC2);
}

errval_t root_slot_alloc(uint32_t *ret)
{
    for (uint32_t i = ROOTCN_SLOTS_USER; i < root_slots; i++) {
        if (!(root_used[i / 32] & (1u << (i % 32)))) {
            root_used[i / 32] |= 1u << (i % 32);
            *ret = i;
            return SYS_ERR_OK;
        }
    }
    return LIB_ERR_SLOT_ALLOC_FULL;
}

void root_slot_free(uint32_t slot)
{
    if (slot >= ROOTCN_SLOTS_USER && slot < root_slots) {
        root_used[slot / 32] &= ~(1u << (slot % 32));
    }
}

/*
 * A bigger root CNode: the kernel moves every slot of the current one into
 * a new L1 CNode made from our RAM (CNodeCmd_Resize); L2 CNodes stay where
 * they are, so every capability address stays valid.  The old root comes
 * back, empty, and is deleted.
 */
errval_t root_cnode_grow(uint32_t slots)
{
    struct capref new_root, old_root;
    errval_t err;

    if (slots > ROOT_SLOTS_MAX) {
        return LIB_ERR_SLOT_ALLOC_FULL;
    }
    if ((err = mem_retype(ObjType_L1CNode, (size_t)slots * CTE_SIZE, &new_root))) {
        return err;
    }
    if ((err = slot_alloc(&old_root))) {
        mem_free(new_root);
        return err;
    }
    err = cnode_resize(new_root, old_root);
    if (err_is_fail(err)) {
        mem_free(new_root);
        slot_free(old_root);
        return err;
    }
    slot_free(new_root);            /* it moved into TASKCN_SLOT_ROOTCN */
    cap_delete(old_root);
    slot_free(old_root);
    thread_lock_libsys();
    root_slots = slots;
    thread_unlock_libsys();
    return SYS_ERR_OK;
}

/* Make one more L2 CNode for the pools. */
static void refill(void)
{
    uint32_t root;

    if (refilling || sa.num_pools == MAX_POOLS || err_is_fail(root_slot_alloc(&root))) {
        return;
    }
    refilling = true;
    struct capref where = { ROOT_CNODE, root };
    if (err_is_ok(mem_retype_at(where, ObjType_L2CNode, OBJSIZE_L2CNODE))) {
        add_pool(root);
    } else {
        root_slot_free(root);
    }
    refilling = false;
}

/* Word g's bits `bits` taken: the summaries follow it. */
static inline void take_bits(uint32_t g, uint32_t bits, uint32_t n)
{
    uint32_t i = g / POOL_WORDS;
    sa.bitmap[g] |= bits;
    sa.free[i] -= n;
    sa.total_free -= n;
    if (sa.bitmap[g] == 0xffffffffu) {
        sa.words_open[i] &= ~(1u << (g % POOL_WORDS));
        if (sa.words_open[i] == 0) {
            sa.pools_open[i / 32] &= ~(1u << (i % 32));
        }
    }
}

/* The first word that is not full (first fit), or -1: the first open
 * pool's first open word. */
static inline int first_open_word(void)
{
    for (uint32_t k = 0; k < MAX_POOLS / 32; k++) {
        if (sa.pools_open[k] != 0) {
            uint32_t i = k * 32 + __builtin_ctz(sa.pools_open[k]);
            return (int)(i * POOL_WORDS + __builtin_ctz(sa.words_open[i]));
        }
    }
    return -1;
}

/* The first free slot, in pool order (first fit). */
static errval_t take_slot(struct capref *ret)
{
    int g = first_open_word();
    if (g < 0) {
        return LIB_ERR_SLOT_ALLOC_FULL;
    }
    uint32_t b = __builtin_ctz(~sa.bitmap[g]);
    take_bits((uint32_t)g, 1u << b, 1);
    *ret = (struct capref){ sa.cnode[g / POOL_WORDS], (g % POOL_WORDS) * 32 + b };
    return SYS_ERR_OK;
}

/* n (1-32) free slots side by side in one word of one pool's bitmap --
 * the first such run, from the first word that is not full on; a pool
 * with fewer than n free slots is skipped whole. */
static errval_t take_run(uint32_t n, struct capref *first)
{
    uint32_t ones = n == 32 ? 0xffffffffu : (1u << n) - 1;
    int start = first_open_word();
    for (uint32_t g = start < 0 ? ~0u : (uint32_t)start; g < sa.num_pools * POOL_WORDS; g++) {
        if (sa.free[g / POOL_WORDS] < n) {
            g |= POOL_WORDS - 1;        /* on to the next pool */
            continue;
        }
        for (uint32_t b = 0; b + n <= 32; b++) {
            if ((sa.bitmap[g] & (ones << b)) == 0) {
                take_bits(g, ones << b, n);
                *first = (struct capref){ sa.cnode[g / POOL_WORDS], (g % POOL_WORDS) * 32 + b };
                return SYS_ERR_OK;
            }
        }
    }
    return LIB_ERR_SLOT_ALLOC_FULL;
}

errval_t slot_alloc_run(uint32_t n, struct capref *first)
{
    if (n == 0 || n > 32) {
        return LIB_ERR_SLOT_ALLOC_FULL;
    }
    bool was = slot_lock();
    errval_t err = take_run(n, first);
    if (sa.total_free < REFILL_BELOW) {
        refill();
    }
    slot_unlock(was);
    return err;
}

errval_t slot_alloc(struct capref *ret)
{
    bool was = slot_lock();
    errval_t err = take_slot(ret);
    if (err_is_ok(err) && sa.total_free < REFILL_BELOW) {
        refill();
    }
    slot_unlock(was);
    return err;
}

/* A slot that is not one of our pools' or not in use is left alone.
 * (pool_of is read before the lock: an entry is written once, under it,
 * when its pool is made -- before any slot of that pool is handed out.) */
void slot_free(struct capref slot)
{
    if (slot.cnode >= ROOT_SLOTS_MAX || slot.slot >= L2_CNODE_SLOTS ||
        pool_of[slot.cnode] == 0) {
        return;
    }
    uint32_t i = pool_of[slot.cnode] - 1u;
    uint32_t g = i * POOL_WORDS + slot.slot / 32, bit = 1u << (slot.slot % 32);
    bool was = slot_lock();
    if (sa.bitmap[g] & bit) {
        sa.bitmap[g] &= ~bit;
        sa.free[i]++;
        sa.total_free++;
        sa.words_open[i] |= 1u << (g % POOL_WORDS);
        sa.pools_open[i / 32] |= 1u << (i % 32);
    }
    slot_unlock(was);
}

uint32_t slot_alloc_free_count(void)
{
    return sa.total_free;
}

/* The free slots, and those of the L2 CNodes we can still make (one per
 * free root slot, MAX_POOLS pools in all).  Read without the lock: an
 * estimate for sbrk, which promises a slot to every heap page. */
uint32_t slot_alloc_capacity(void)
{
    uint32_t root_free = 0;
    for (uint32_t i = ROOTCN_SLOTS_USER; i < root_slots; i++) {
        root_free += !(root_used[i / 32] & (1u << (i % 32)));
    }
    uint32_t cnodes = MAX_POOLS - sa.num_pools;
    return sa.total_free + (cnodes < root_free ? cnodes : root_free) * L2_CNODE_SLOTS;
}
