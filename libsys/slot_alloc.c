/*
 * libsys/slot_alloc.c -- the slot allocator: which capability slots of the
 * domain's CSpace are free.
 *
 * Slots come from L2 CNodes of 256 slots, each tracked by a bitmap.  A
 * domain starts with three empty ones (ROOTCN_SLOT_SLOT_ALLOC0..2).  When
 * few slots remain, the allocator makes another L2 CNode from RAM and puts
 * it in a free slot of the root CNode -- keeping a reserve, because making
 * a CNode itself needs a slot or two.
 */
#include <string.h>
#include <sys/cspace.h>
#include <sys/ram.h>
#include <sys/threads.h>

#define MAX_POOLS       64
#define REFILL_BELOW    32      /* free slots that trigger a new CNode */

struct slot_pool {
    uint32_t cnode;                     /* root slot of the L2 CNode */
    uint32_t free;
    uint32_t bitmap[L2_CNODE_SLOTS / 32];   /* 1 = in use */
};

static struct slot_pool pools[MAX_POOLS];
static unsigned num_pools;
static uint32_t total_free;
static bool refilling;
static uint32_t root_used[L1_CNODE_MIN_SLOTS / 32];

static void add_pool(uint32_t cnode)
{
    struct slot_pool *p = &pools[num_pools++];
    p->cnode = cnode;
    p->free = L2_CNODE_SLOTS;
    memset(p->bitmap, 0, sizeof(p->bitmap));
    total_free += L2_CNODE_SLOTS;
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
    for (uint32_t i = ROOTCN_SLOTS_USER; i < L1_CNODE_MIN_SLOTS; i++) {
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
    if (slot >= ROOTCN_SLOTS_USER && slot < L1_CNODE_MIN_SLOTS) {
        root_used[slot / 32] &= ~(1u << (slot % 32));
    }
}

/* Make one more L2 CNode for the pools. */
static void refill(void)
{
    uint32_t root;

    if (refilling || num_pools == MAX_POOLS || err_is_fail(root_slot_alloc(&root))) {
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

static errval_t take_slot(struct capref *ret)
{
    for (unsigned i = 0; i < num_pools; i++) {
        struct slot_pool *p = &pools[i];
        if (p->free == 0) {
            continue;
        }
        for (uint32_t w = 0; w < L2_CNODE_SLOTS / 32; w++) {
            if (p->bitmap[w] != 0xffffffffu) {
                uint32_t b = __builtin_ctz(~p->bitmap[w]);
                p->bitmap[w] |= 1u << b;
                p->free--;
                total_free--;
                ret->cnode = p->cnode;
                ret->slot = w * 32 + b;
                return SYS_ERR_OK;
            }
        }
    }
    return LIB_ERR_SLOT_ALLOC_FULL;
}

errval_t slot_alloc(struct capref *ret)
{
    thread_lock_libsys();
    errval_t err = take_slot(ret);
    if (err_is_ok(err) && total_free < REFILL_BELOW) {
        refill();
    }
    thread_unlock_libsys();
    return err;
}

void slot_free(struct capref slot)
{
    thread_lock_libsys();
    for (unsigned i = 0; i < num_pools; i++) {
        struct slot_pool *p = &pools[i];
        uint32_t bit = 1u << (slot.slot % 32);
        if (p->cnode == slot.cnode && slot.slot < L2_CNODE_SLOTS &&
            (p->bitmap[slot.slot / 32] & bit)) {
            p->bitmap[slot.slot / 32] &= ~bit;
            p->free++;
            total_free++;
            break;
        }
    }
    thread_unlock_libsys();
}

uint32_t slot_alloc_free_count(void)
{
    return total_free;
}
