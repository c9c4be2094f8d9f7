/*
 * tests/host/test_caps.c -- the capability code (kernel/cap.c, mdb.c,
 * cap_types.c, cnode.c) on the host.
 *
 * The rules are written down here a second time, independently of
 * kernel/cap_types.c (the table `spec` below, from docs/capabilities.md), and
 * the kernel's code is checked against them: every pair of source and
 * destination type, each way a retype can be illegal, the lookup errors,
 * copy / mint / delete / revoke, CNode destruction, the rights each
 * invocation needs, root CNode resizing, and a randomized run of thousands
 * of operations against a reference model of derivation that predicts
 * every result and is compared with the kernel's state after every step.
 *
 * sources: kernel/cap_types.c kernel/mdb.c kernel/cap.c kernel/cnode.c kernel/cap_cross.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cap.h>
#include <mdb.h>
#include <invocation.h>
#include <sprat/dispatcher.h>
#include <sprat/lmp.h>
#include <sprat/xcap.h>

#define KIB 1024u
#define T(type) (1u << (type))

/* ---- the rules, as docs/capabilities.md states them ------------------------ */

static const struct spec {
    uint32_t fixed;         /* fixed object size, or 0 */
    uint32_t min;           /* variable size: a nonzero multiple of this */
    uint32_t align;         /* alignment of the base (and of the size) */
    uint32_t to;            /* may be retyped into */
    bool zeroed;            /* retype clears the memory */
} spec[ObjType_Num] = {
    [ObjType_PhysAddr]     = { 0, 4 * KIB, 4 * KIB,
                               T(ObjType_PhysAddr) | T(ObjType_RAM) | T(ObjType_DevFrame), false },
    [ObjType_RAM]          = { 0, 4 * KIB, 4 * KIB,
                               T(ObjType_RAM) | T(ObjType_Frame) | T(ObjType_L1CNode) |
                               T(ObjType_L2CNode) | T(ObjType_VNode_ARM_l1) |
                               T(ObjType_VNode_ARM_l2) | T(ObjType_Dispatcher), false },
    [ObjType_Frame]        = { 0, 4 * KIB, 4 * KIB, T(ObjType_Frame), true },
    [ObjType_DevFrame]     = { 0, 4 * KIB, 4 * KIB, 0, false },
    [ObjType_L1CNode]      = { 0, 16 * KIB, 4 * KIB, 0, true },
    [ObjType_L2CNode]      = { 16 * KIB, 0, 4 * KIB, 0, true },
    [ObjType_VNode_ARM_l1] = { 32 * KIB, 0, 16 * KIB, 0, true },
    [ObjType_VNode_ARM_l2] = { 2 * KIB, 0, 1 * KIB, 0, true },
    [ObjType_Dispatcher]   = { 1 * KIB, 0, 1 * KIB, T(ObjType_EndPoint), true },
    [ObjType_EndPoint]     = { 0, 0, 1, 0, false },
};

static bool spec_allows(unsigned from, unsigned to)
{
    return from < ObjType_Num && to < ObjType_Num && (spec[from].to & T(to));
}

/* A size that is legal for type (what a caller would pass). */
static uint32_t legal_size(unsigned type)
{
    return spec[type].fixed ? 0 : spec[type].min;
}

/* An endpoint buffer inside the LMP area of a dispatcher frame. */
/* Endpoint buffers with rings of 16 and 128 words. */
#define EP16    LMP_ENDPOINT_BYTES(16)
#define EP128   LMP_ENDPOINT_BYTES(128)

static bool ep_buffer_ok(uint32_t off, uint32_t len)
{
    uint32_t words = (len - LMP_ENDPOINT_HEADER_BYTES) / 4;

    return off >= DISP_LMP_AREA_OFFSET && off % 4 == 0 && len % 4 == 0 &&
           len >= LMP_ENDPOINT_MIN_BYTES && (uint64_t)off + len <= DISPATCHER_FRAME_BYTES &&
           (words & (words - 1)) == 0;      /* a power-of-two ring */
}

/* ---- the fake physical memory ------------------------------------------ */

#define PHYS_BASE   0x80000000u
#define ARENA_BYTES (8u << 20)
static uint8_t *arena;

void *cap_phys_to_kptr(paddr_t pa)
{
    assert_true(pa >= PHYS_BASE && pa - PHYS_BASE < ARENA_BYTES);
    return arena + (pa - PHYS_BASE);
}

/* The arena is this machine's "RAM"; anything else is device space. */
bool cap_range_is_ram(paddr_t base, uint64_t bytes)
{
    return base >= PHYS_BASE && (uint64_t)base + bytes <= (uint64_t)PHYS_BASE + ARENA_BYTES;
}

/* ---- hook stubs that record what the kernel would have done -------------- */

static int unmaps, destroys, moves, held_deleted;
static int destroyed[ObjType_Num];
static unsigned last_destroyed_type;
static struct cte *last_held;
void cap_hook_unmap(struct cte *cte) { unmaps++; memset(&cte->map, 0, sizeof(cte->map)); }
void cap_hook_moved(struct cte *dest, struct cte *src) { (void)dest; (void)src; moves++; }
/* Called for every new object, after it was zeroed (the kernel cleans page
 * tables from the data cache here, so the zeros must already be there). */
static int created;
void cap_hook_created(const struct capability *cap)
{
    created++;
    if (cap->type == ObjType_VNode_ARM_l1 || cap->type == ObjType_VNode_ARM_l2) {
        const uint8_t *p = cap_phys_to_kptr(cap->base);
        for (uint32_t i = 0; i < cap->bytes; i++) {
            assert_int_equal(p[i], 0);
        }
    }
}
void cap_hook_destroy(const struct capability *cap)
{
    destroys++;
    assert_true(cap->type < ObjType_Num);
    destroyed[cap->type]++;
    last_destroyed_type = cap->type;
}
void cap_hook_held_deleted(struct cte *cte)
{
    held_deleted++;
    last_held = cte;
    assert_true(cte->flags & CTE_HELD);
    assert_int_not_equal(cte->cap.type, ObjType_Null);     /* called before it goes */
}

/* The dispatcher code's part of a root resize: the fixture's root follows. */
static struct capability root;      /* L1CNode: 256 CTE_SIZE slots at PHYS_BASE */
errval_t cnode_replace_root(struct dcb *caller, struct cte *new_root)
{
    (void)caller;
    root = new_root->cap;
    return SYS_ERR_OK;
}

/* ---- fixture: a root CNode with one L2 CNode, and a big RAM cap ---------- */

static struct cte *l2;              /* root slot 0: L2CNode */
static struct cte *ram;             /* L2 slot 0: RAM */
#define L2_BASE   (PHYS_BASE + 0x10000u)
#define RAM_BASE  (PHYS_BASE + 0x100000u)
#define RAM_BYTES (4u << 20)
#define SPARE_BASE (PHYS_BASE + 0x600000u)     /* arena outside the RAM cap */
#define DEVICE_BASE 0x10000000u                /* outside the arena: not RAM */

static struct cte *slot(unsigned i) { return cnode_slot(&l2->cap, i); }

static void reset_counters(void)
{
    unmaps = destroys = moves = held_deleted = 0;
    memset(destroyed, 0, sizeof(destroyed));
    last_held = NULL;
}

static int setup(void **state)
{
    (void)state;
    arena = aligned_alloc(1 << 16, ARENA_BYTES);
    /* Only the fixture's CNodes must start empty: every object the tests
     * make is cleared by retype if its type says so, and nothing reads
     * untyped RAM. */
    memset(arena, 0, RAM_BASE - PHYS_BASE);
    mdb_reset();
    reset_counters();
    root = (struct capability){ .type = ObjType_L1CNode, .rights = CAPRIGHTS_ALLRIGHTS,
                                .base = PHYS_BASE, .bytes = 256 * CTE_SIZE };
    l2 = cnode_slot(&root, 0);
    struct capability c = { .type = ObjType_L2CNode, .rights = CAPRIGHTS_ALLRIGHTS,
                            .base = L2_BASE, .bytes = OBJSIZE_L2CNODE };
    cap_create_root(l2, &c);
    ram = slot(0);
    struct capability r = { .type = ObjType_RAM, .rights = CAPRIGHTS_ALLRIGHTS,
                            .base = RAM_BASE, .bytes = RAM_BYTES };
    cap_create_root(ram, &r);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(arena);
    return 0;
}

/* A root capability of type in slot i (as the kernel makes at boot). */
static struct cte *make_root(unsigned i, unsigned type, paddr_t base, uint32_t bytes,
                             uint8_t rights)
{
    struct capability c = { .type = type, .rights = rights, .base = base, .bytes = bytes };
    cap_create_root(slot(i), &c);
    return slot(i);
}

/* ---- retype: the whole matrix ----------------------------------------------- */

/*
 * Every source type against every destination type (and a few numbers that
 * are no type at all): allowed pairs make an object of the right type,
 * base, size and rights; every other pair is SYS_ERR_ILLEGAL_DEST_TYPE and
 * changes nothing.
 */
static void test_retype_matrix(void **state)
{
    (void)state;
    teardown(NULL);
    for (unsigned from = ObjType_Null + 1; from < ObjType_Num; from++) {
        for (unsigned to = 0; to < ObjType_Num + 2; to++) {
            setup(NULL);
            /* A 64 KiB source at a 64 KiB boundary: aligned for anything. */
            paddr_t base = SPARE_BASE;
            uint32_t bytes = 64 * KIB;
            if (from == ObjType_Kernel || from == ObjType_IRQTable || from == ObjType_IRQ) {
                bytes = 0;
                base = 0;
            } else if (from == ObjType_EndPoint) {
                bytes = spec[ObjType_Dispatcher].fixed;     /* its dispatcher's */
            } else if (from == ObjType_Dispatcher || from == ObjType_L2CNode ||
                       from == ObjType_VNode_ARM_l1 || from == ObjType_VNode_ARM_l2) {
                bytes = spec[from].fixed;
            }
            struct cte *src = make_root(1, from, base, bytes, CAPRIGHTS_ALLRIGHTS);
            errval_t err = cap_retype(src, 0, to, to < ObjType_Num ? legal_size(to) : 4096,
                                      1, &l2->cap, 2);
            if (spec_allows(from, to)) {
                assert_int_equal(err, SYS_ERR_OK);
                assert_int_equal(slot(2)->cap.type, to);
                assert_int_equal(slot(2)->cap.rights, CAPRIGHTS_ALLRIGHTS);
                assert_int_equal(slot(2)->cap.base, base);
                uint32_t want = to == ObjType_EndPoint ? bytes
                              : spec[to].fixed ? spec[to].fixed : spec[to].min;
                assert_int_equal(slot(2)->cap.bytes, want);
                assert_true(mdb_has_descendants(src));
            } else {
                if (err != SYS_ERR_ILLEGAL_DEST_TYPE) {
                    fail_msg("%s -> %u: got error %u", cap_type_name(from), to, err);
                }
                assert_int_equal(slot(2)->cap.type, ObjType_Null);
                assert_false(mdb_has_descendants(src));
            }
            assert_true(mdb_check_invariants());
            teardown(NULL);
        }
    }
    setup(NULL);
}

/* Each legal retype from RAM: the objects sit where asked, memory is
 * cleared for the types that say so and left alone for the others. */
static void test_retype_legal(void **state)
{
    (void)state;
    static const struct { unsigned type; uint32_t size; uint32_t count; } ok[] = {
        { ObjType_RAM, 8192, 2 }, { ObjType_Frame, 8192, 3 }, { ObjType_L1CNode, 16384, 1 },
        { ObjType_L1CNode, 32768, 1 }, { ObjType_L2CNode, 0, 2 }, { ObjType_VNode_ARM_l1, 0, 1 },
        { ObjType_VNode_ARM_l2, 0, 4 },
        { ObjType_L2CNode, OBJSIZE_L2CNODE, 1 },        /* the fixed size, spelled out */
        { ObjType_Dispatcher, 0, 3 },
    };
    memset(arena + (RAM_BASE - PHYS_BASE), 0xa5, RAM_BYTES);
    uint32_t off = 0, dest = 10;
    for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        unsigned type = ok[i].type;
        uint32_t size = ok[i].size ? ok[i].size : spec[type].fixed;
        off = (off + 0xffff) & ~0xffffu;                /* aligned for everything */
        int created_before = created;
        assert_int_equal(cap_retype(ram, off, type, ok[i].size, ok[i].count, &l2->cap, dest),
                         SYS_ERR_OK);
        /* One creation hook per object (page tables are cleaned there). */
        assert_int_equal(created - created_before, ok[i].count);
        for (uint32_t k = 0; k < ok[i].count; k++) {
            const struct capability *c = &slot(dest + k)->cap;
            assert_int_equal(c->type, type);
            assert_int_equal(c->base, RAM_BASE + off + k * size);
            assert_int_equal(c->bytes, size);
            const uint8_t *mem = arena + (c->base - PHYS_BASE);
            assert_int_equal(mem[0], spec[type].zeroed ? 0 : 0xa5);
            assert_int_equal(mem[size - 1], spec[type].zeroed ? 0 : 0xa5);
            assert_int_equal(slot(dest + k)->mdb.depth, 1);
        }
        off += ok[i].count * size;
        dest += ok[i].count;
    }
    /* Frame -> Frame, Dispatcher -> EndPoint (several), PhysAddr -> all three */
    assert_int_equal(cap_retype(slot(12), 4096, ObjType_Frame, 4096, 1, &l2->cap, 60), SYS_ERR_OK);
    assert_int_equal(slot(60)->cap.base, slot(12)->cap.base + 4096);
    struct cte *disp = slot(dest - 1);
    assert_int_equal(disp->cap.type, ObjType_Dispatcher);
    assert_int_equal(cap_retype(disp, 0, ObjType_EndPoint, 0, 3, &l2->cap, 61), SYS_ERR_OK);
    for (unsigned k = 61; k < 64; k++) {
        assert_int_equal(slot(k)->cap.type, ObjType_EndPoint);
        assert_int_equal(slot(k)->cap.base, disp->cap.base);
        assert_int_equal(slot(k)->cap.bytes, disp->cap.bytes);
        assert_int_equal(slot(k)->cap.param2, 0);       /* unminted */
        assert_false(mdb_has_copies(slot(k)));          /* three endpoints, not copies */
    }
    struct cte *pa = make_root(70, ObjType_PhysAddr, SPARE_BASE, 0x10000, CAPRIGHTS_ALLRIGHTS);
    memset(arena + (SPARE_BASE - PHYS_BASE), 0x5a, 0x10000);
    assert_int_equal(cap_retype(pa, 0, ObjType_RAM, 4096, 1, &l2->cap, 71), SYS_ERR_OK);
    assert_int_equal(cap_retype(pa, 4096, ObjType_DevFrame, 4096, 1, &l2->cap, 72), SYS_ERR_OK);
    assert_int_equal(cap_retype(pa, 8192, ObjType_PhysAddr, 8192, 1, &l2->cap, 73), SYS_ERR_OK);
    assert_int_equal(arena[SPARE_BASE - PHYS_BASE], 0x5a);         /* RAM: not cleared */
    assert_int_equal(arena[SPARE_BASE - PHYS_BASE + 4096], 0x5a);  /* device: never */
    assert_true(mdb_check_invariants());
}

/* Each way a retype can be illegal gets its own error and leaves no trace. */
static void test_retype_errors(void **state)
{
    (void)state;
    struct cte *c;
#define RETYPE(src, off, type, size, count, dest) \
    cap_retype((src), (off), (type), (size), (count), &l2->cap, (dest))
    /* wrong source type / destination type */
    assert_int_equal(RETYPE(ram, 0, ObjType_EndPoint, 0, 1, 1), SYS_ERR_ILLEGAL_DEST_TYPE);
    assert_int_equal(RETYPE(ram, 0, ObjType_Kernel, 0, 1, 1), SYS_ERR_ILLEGAL_DEST_TYPE);
    assert_int_equal(RETYPE(ram, 0, ObjType_PhysAddr, 4096, 1, 1), SYS_ERR_ILLEGAL_DEST_TYPE);
    assert_int_equal(RETYPE(ram, 0, ObjType_Null, 0, 1, 1), SYS_ERR_ILLEGAL_DEST_TYPE);
    assert_int_equal(RETYPE(ram, 0, ObjType_Num + 3, 0, 1, 1), SYS_ERR_ILLEGAL_DEST_TYPE);
    /* size: not a multiple, zero, a fixed type's wrong size, the source's own size */
    assert_int_equal(RETYPE(ram, 0, ObjType_Frame, 100, 1, 1), SYS_ERR_RETYPE_INVALID_SIZE);
    assert_int_equal(RETYPE(ram, 0, ObjType_Frame, 0, 1, 1), SYS_ERR_RETYPE_INVALID_SIZE);
    assert_int_equal(RETYPE(ram, 0, ObjType_L1CNode, 4096, 1, 1), SYS_ERR_RETYPE_INVALID_SIZE);
    assert_int_equal(RETYPE(ram, 0, ObjType_L2CNode, 4096, 1, 1), SYS_ERR_RETYPE_INVALID_SIZE);
    assert_int_equal(RETYPE(ram, 0, ObjType_Dispatcher, 2048, 1, 1), SYS_ERR_RETYPE_INVALID_SIZE);
    assert_int_equal(RETYPE(ram, 0, ObjType_RAM, RAM_BYTES, 1, 1),
                     SYS_ERR_RETYPE_INVALID_SIZE);  /* would look like a copy */
    /* misaligned: offset against the type's alignment */
    assert_int_equal(RETYPE(ram, 0x800, ObjType_Frame, 4096, 1, 1), SYS_ERR_RETYPE_MISALIGNED);
    assert_int_equal(RETYPE(ram, 0x1000, ObjType_VNode_ARM_l1, 0, 1, 1), SYS_ERR_RETYPE_MISALIGNED);
    assert_int_equal(RETYPE(ram, 0x200, ObjType_VNode_ARM_l2, 0, 1, 1), SYS_ERR_RETYPE_MISALIGNED);
    assert_int_equal(RETYPE(ram, 0x200, ObjType_Dispatcher, 0, 1, 1), SYS_ERR_RETYPE_MISALIGNED);
    assert_int_equal(RETYPE(ram, 0x400, ObjType_VNode_ARM_l2, 0, 1, 1), SYS_ERR_OK);
    assert_int_equal(cap_delete(slot(1)), SYS_ERR_OK);
    /* too big: past the end of the source, also through 32-bit wrap-around */
    assert_int_equal(RETYPE(ram, 0, ObjType_Frame, RAM_BYTES + 4096, 1, 1), SYS_ERR_RETYPE_OUT_OF_RANGE);
    assert_int_equal(RETYPE(ram, RAM_BYTES, ObjType_Frame, 4096, 1, 1), SYS_ERR_RETYPE_OUT_OF_RANGE);
    assert_int_equal(RETYPE(ram, 0xfffff000u, ObjType_Frame, 8192, 1, 1), SYS_ERR_RETYPE_OUT_OF_RANGE);
    assert_int_equal(RETYPE(ram, 0, ObjType_Frame, 0x100000, 5, 1), SYS_ERR_RETYPE_OUT_OF_RANGE);
    assert_int_equal(RETYPE(ram, 0, ObjType_Frame, 0x80000000u, 0x100, 1),
                     SYS_ERR_RETYPE_OUT_OF_RANGE);  /* count * size wraps 32 bits */
    /* bad count */
    assert_int_equal(RETYPE(ram, 0, ObjType_Frame, 4096, 0, 1), SYS_ERR_RETYPE_INVALID_COUNT);
    assert_int_equal(RETYPE(ram, 0, ObjType_Frame, 4096, 257, 1), SYS_ERR_RETYPE_INVALID_COUNT);
    assert_int_equal(RETYPE(ram, 0, ObjType_Frame, 4096, 0xffffffffu, 1), SYS_ERR_RETYPE_INVALID_COUNT);
    /* destination: past the CNode's end, occupied (also only the last of several) */
    uint32_t n = cnode_slots(&l2->cap);
    assert_int_equal(RETYPE(ram, 0, ObjType_Frame, 4096, 2, n - 1), SYS_ERR_DEST_RANGE);
    assert_int_equal(RETYPE(ram, 0, ObjType_Frame, 4096, 1, n), SYS_ERR_DEST_RANGE);
    assert_int_equal(RETYPE(ram, 0, ObjType_Frame, 4096, 1, 0xffffffffu), SYS_ERR_DEST_RANGE);
    assert_int_equal(RETYPE(ram, 0, ObjType_Frame, 4096, 1, 0), SYS_ERR_SLOT_IN_USE);
    make_root(5, ObjType_Kernel, 0, 0, CAPRIGHTS_ALLRIGHTS);
    assert_int_equal(RETYPE(ram, 0, ObjType_Frame, 4096, 3, 3), SYS_ERR_SLOT_IN_USE);
    assert_int_equal(slot(3)->cap.type, ObjType_Null);     /* all or nothing */
    assert_int_equal(slot(4)->cap.type, ObjType_Null);
    /* overlap with a live descendant, seen from a copy of the source too */
    assert_int_equal(RETYPE(ram, 0, ObjType_Frame, 8192, 1, 1), SYS_ERR_OK);
    assert_int_equal(RETYPE(ram, 4096, ObjType_Frame, 4096, 1, 2), SYS_ERR_RETYPE_OVERLAP);
    assert_int_equal(RETYPE(ram, 0, ObjType_RAM, 0x10000, 1, 2), SYS_ERR_RETYPE_OVERLAP);
    assert_int_equal(RETYPE(ram, 8192, ObjType_Frame, 4096, 1, 2), SYS_ERR_OK);   /* adjacent */
    assert_int_equal(cap_copy(slot(3), ram, CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK);
    assert_int_equal(RETYPE(slot(3), 0, ObjType_Frame, 4096, 1, 4), SYS_ERR_RETYPE_OVERLAP);
    /* a grandchild counts as well (the frame's own child) */
    assert_int_equal(cap_delete(slot(2)), SYS_ERR_OK);
    assert_int_equal(RETYPE(ram, 0x20000, ObjType_RAM, 0x10000, 1, 2), SYS_ERR_OK);
    assert_int_equal(RETYPE(slot(2), 0x4000, ObjType_Frame, 4096, 1, 4), SYS_ERR_OK);
    assert_int_equal(cap_delete(slot(2)), SYS_ERR_OK);     /* the frame stays */
    assert_int_equal(RETYPE(ram, 0x24000, ObjType_Frame, 4096, 1, 2), SYS_ERR_RETYPE_OVERLAP);
    assert_int_equal(cap_delete(slot(4)), SYS_ERR_OK);
    assert_int_equal(RETYPE(ram, 0x24000, ObjType_Frame, 4096, 1, 2), SYS_ERR_OK);
    /* no write right on the source */
    assert_int_equal(cap_copy(slot(6), ram, CAPRIGHTS_READ), SYS_ERR_OK);
    assert_int_equal(RETYPE(slot(6), 0x10000, ObjType_Frame, 4096, 1, 7), SYS_ERR_INSUFFICIENT_RIGHTS);
    /* RAM only from RAM: a PhysAddr over device registers gives DevFrames */
    c = make_root(8, ObjType_PhysAddr, DEVICE_BASE, 0x10000, CAPRIGHTS_ALLRIGHTS);
    assert_int_equal(RETYPE(c, 0, ObjType_RAM, 4096, 1, 9), SYS_ERR_RETYPE_NOT_RAM);
    assert_int_equal(RETYPE(c, 0, ObjType_DevFrame, 4096, 1, 9), SYS_ERR_OK);
    c = make_root(10, ObjType_PhysAddr, PHYS_BASE + ARENA_BYTES - 4096, 8192, CAPRIGHTS_ALLRIGHTS);
    assert_int_equal(RETYPE(c, 0, ObjType_RAM, 8192, 1, 11), SYS_ERR_RETYPE_NOT_RAM);  /* half */
    assert_int_equal(RETYPE(c, 0, ObjType_RAM, 4096, 1, 11), SYS_ERR_OK);
    /* deleting the child gives the range back */
    assert_int_equal(cap_delete(slot(1)), SYS_ERR_OK);
    assert_int_equal(RETYPE(ram, 4096, ObjType_Frame, 4096, 1, 1), SYS_ERR_OK);
    assert_true(mdb_check_invariants());
#undef RETYPE
}

/* ---- lookup -------------------------------------------------------------------- */

static void test_lookup(void **state)
{
    (void)state;
    struct cte *c;
    const struct capability *cn;
    assert_int_equal(cap_lookup(&root, CAPADDR(0, 0), 2, &c), SYS_ERR_OK);
    assert_ptr_equal(c, ram);
    assert_int_equal(cap_lookup_slot(&root, CAPADDR(0, 7), 2, &c, &cn), SYS_ERR_OK);
    assert_ptr_equal(c, slot(7));
    assert_ptr_equal(cn, &l2->cap);
    assert_int_equal(cap_lookup(&root, CAPADDR(0, 7), 2, &c), SYS_ERR_CAP_NOT_FOUND);
    assert_int_equal(cap_lookup(&root, CAPADDR(0, 0), 3, &c), SYS_ERR_CAP_LOOKUP_DEPTH);
    assert_int_equal(cap_lookup(&root, CAPADDR(0, 0), 0, &c), SYS_ERR_CAP_LOOKUP_DEPTH);
    assert_int_equal(cap_lookup(&root, CAPADDR(0, 0), 15, &c), SYS_ERR_CAP_LOOKUP_DEPTH);
    assert_int_equal(cap_lookup(&root, CAPADDR(256, 0), 2, &c), SYS_ERR_L1_INDEX_OUT_OF_RANGE);
    assert_int_equal(cap_lookup(&root, 0xffffffffu, 2, &c), SYS_ERR_L1_INDEX_OUT_OF_RANGE);
    assert_int_equal(cap_lookup(&root, CAPADDR(256, 0), 1, &c), SYS_ERR_L1_INDEX_OUT_OF_RANGE);
    assert_int_equal(cap_lookup(&root, CAPADDR(5, 0), 2, &c), SYS_ERR_CNODE_NOT_FOUND);
    assert_int_equal(cap_lookup(&root, CAPADDR(5, 0), 1, &c), SYS_ERR_CAP_NOT_FOUND);
    assert_int_equal(cap_lookup(&root, CAPADDR(0, 0), 1, &c), SYS_ERR_OK);
    assert_ptr_equal(c, l2);
    /* On the host a CTE is bigger than CTE_SIZE, so an L2 CNode has fewer
     * than 256 slots and an L2 index can be out of range. */
    uint32_t n = cnode_slots(&l2->cap);
    assert_true(n < L2_CNODE_SLOTS);
    assert_int_equal(cap_lookup_slot(&root, CAPADDR(0, n - 1), 2, &c, NULL), SYS_ERR_OK);
    assert_int_equal(cap_lookup(&root, CAPADDR(0, n), 2, &c), SYS_ERR_L2_INDEX_OUT_OF_RANGE);
    /* A root slot holding a Frame is not a CNode; nor is a root that is not
     * an L1 CNode. */
    assert_int_equal(cap_retype(ram, 0, ObjType_Frame, 4096, 1, &root, 5), SYS_ERR_OK);
    assert_int_equal(cap_lookup(&root, CAPADDR(5, 0), 2, &c), SYS_ERR_CNODE_TYPE);
    assert_int_equal(cap_retype(ram, 0x10000, ObjType_L1CNode, 16384, 1, &root, 6), SYS_ERR_OK);
    assert_int_equal(cap_lookup(&root, CAPADDR(6, 0), 2, &c), SYS_ERR_CNODE_TYPE);
    struct capability notroot = ram->cap;
    assert_int_equal(cap_lookup(&notroot, 0, 2, &c), SYS_ERR_CNODE_TYPE);
    notroot = l2->cap;      /* an L2 CNode is not a root */
    assert_int_equal(cap_lookup(&notroot, 0, 2, &c), SYS_ERR_CNODE_TYPE);
    assert_null(cap_slot_l2(&notroot, 0, &cn));
    /* The inline lookup of the shortcuts (cap_slot_l2) finds exactly the
     * slots cap_lookup_slot finds at level 2, and fails where it fails. */
    static const uint32_t l1s[] = { 0, 1, 5, 6, 7, 255, 256, 0xffffff };
    const uint32_t l2s[] = { 0, 1, 7, n - 1, n, 255 };
    for (unsigned i = 0; i < sizeof(l1s) / sizeof(l1s[0]); i++) {
        for (unsigned j = 0; j < sizeof(l2s) / sizeof(l2s[0]); j++) {
            capaddr_t a = CAPADDR(l1s[i], l2s[j]);
            const struct capability *cn1 = NULL, *cn2 = NULL;
            struct cte *c1 = NULL;
            errval_t err = cap_lookup_slot(&root, a, 2, &c1, &cn1);
            struct cte *c2 = cap_slot_l2(&root, a, &cn2);
            assert_ptr_equal(c2, err_is_ok(err) ? c1 : NULL);
            if (c2 != NULL) {
                assert_ptr_equal(cn2, cn1);
            }
        }
    }
}

/* ---- copy, mint, delete, revoke ------------------------------------------------ */

static void test_copy_mint(void **state)
{
    (void)state;
    assert_int_equal(cap_retype(ram, 0, ObjType_Frame, 4096, 1, &l2->cap, 1), SYS_ERR_OK);
    assert_int_equal(cap_copy(slot(2), slot(1), CAPRIGHTS_READ), SYS_ERR_OK);
    assert_int_equal(slot(2)->cap.rights, CAPRIGHTS_READ);
    assert_int_equal(slot(2)->cap.base, slot(1)->cap.base);
    assert_int_equal(cap_copy(slot(3), slot(2), CAPRIGHTS_READ_WRITE), SYS_ERR_RIGHTS_ESCALATION);
    assert_int_equal(cap_copy(slot(3), slot(2), 0x80), SYS_ERR_RIGHTS_ESCALATION);
    assert_int_equal(cap_copy(slot(2), slot(1), CAPRIGHTS_READ), SYS_ERR_SLOT_IN_USE);
    assert_int_equal(cap_copy(slot(3), slot(9), CAPRIGHTS_READ), SYS_ERR_CAP_NOT_FOUND);
    assert_int_equal(cap_copy(slot(3), slot(2), CAPRIGHTS_NORIGHTS), SYS_ERR_OK);
    assert_true(mdb_has_copies(slot(1)));
    assert_true(mdb_has_copies(slot(3)));
    /* Types without parameters: a mint is a copy, and only with (0, 0). */
    assert_int_equal(cap_mint(slot(4), slot(1), CAPRIGHTS_READ, 1, 0), SYS_ERR_INVALID_MINT_PARAMS);
    assert_int_equal(cap_mint(slot(4), slot(1), CAPRIGHTS_READ, 0, 4096), SYS_ERR_INVALID_MINT_PARAMS);
    assert_int_equal(cap_mint(slot(4), slot(1), CAPRIGHTS_READ, 0, 0), SYS_ERR_OK);
    assert_int_equal(slot(4)->mdb.depth, slot(1)->mdb.depth);
    assert_int_equal(cap_mint(slot(5), slot(9), CAPRIGHTS_READ, 0, 0), SYS_ERR_CAP_NOT_FOUND);

    /* RAM -> Dispatcher -> EndPoint -> minted EndPoint */
    assert_int_equal(cap_retype(ram, 0x10000, ObjType_Dispatcher, 0, 1, &l2->cap, 10), SYS_ERR_OK);
    assert_int_equal(cap_retype(slot(10), 0, ObjType_EndPoint, 0, 1, &l2->cap, 11), SYS_ERR_OK);
    struct { uint32_t off, len; } bad[] = {
        { 0x100, 64 }, { 0x4002, 64 }, { 0x4000, 8 }, { 0x4000, 62 }, { 0x4000, 56 },
        { 0xff00, 0x200 }, { 0x4000, 0xfffffff0u }, { 0xfffffffcu, 64 }, { 0x10000, 64 },
        /* rings of 11 and 60 words: not powers of two */
        { 0x4000, LMP_ENDPOINT_MIN_BYTES }, { 0x4000, 0x100 },
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(ep_buffer_ok(bad[i].off, bad[i].len));
        assert_int_equal(cap_mint(slot(12), slot(11), CAPRIGHTS_ALLRIGHTS, bad[i].off, bad[i].len),
                         SYS_ERR_INVALID_MINT_PARAMS);
    }
    assert_int_equal(cap_mint(slot(12), slot(11), CAPRIGHTS_ALLRIGHTS, 0x4000, EP16), SYS_ERR_OK);
    assert_int_equal(slot(12)->cap.param1, 0x4000);
    assert_int_equal(slot(12)->cap.param2, EP16);
    assert_int_equal(slot(12)->mdb.depth, slot(11)->mdb.depth + 1);
    assert_int_equal(cap_mint(slot(13), slot(12), CAPRIGHTS_ALLRIGHTS, 0x5000, EP16),
                     SYS_ERR_INVALID_MINT_PARAMS);      /* already minted */
    assert_int_equal(cap_mint(slot(13), slot(11), CAPRIGHTS_ALLRIGHTS, 0x5000, EP16),
                     SYS_ERR_OK);                       /* another buffer */
    assert_int_equal(cap_mint(slot(12), slot(11), CAPRIGHTS_ALLRIGHTS, 0x6000, EP16),
                     SYS_ERR_SLOT_IN_USE);
    assert_int_equal(cap_copy(slot(14), slot(11), CAPRIGHTS_READ), SYS_ERR_OK);
    assert_int_equal(cap_mint(slot(15), slot(14), CAPRIGHTS_ALLRIGHTS, 0x6000, EP16),
                     SYS_ERR_RIGHTS_ESCALATION);
    assert_int_equal(cap_mint(slot(15), slot(12), CAPRIGHTS_READ_WRITE, 0x4000, EP16),
                     SYS_ERR_OK);                       /* same buffer: a copy */
    assert_int_equal(slot(15)->cap.rights, CAPRIGHTS_READ_WRITE);
    assert_true(mdb_has_descendants(slot(11)));
    assert_true(mdb_has_copies(slot(12)));
    assert_false(mdb_has_copies(slot(13)));

    /* Two mints of the same buffer are two endpoints, not copies: revoking
     * one leaves the other. */
    assert_int_equal(cap_mint(slot(16), slot(11), CAPRIGHTS_ALLRIGHTS, 0x5000, EP16), SYS_ERR_OK);
    assert_true(cap_is_copy(&slot(16)->cap, &slot(13)->cap));
    assert_false(mdb_has_copies(slot(16)));
    assert_int_equal(cap_revoke(slot(16)), SYS_ERR_OK);
    assert_int_equal(slot(13)->cap.type, ObjType_EndPoint);
    assert_true(mdb_check_invariants());

    /* Revoking the RAM takes everything derived from it, and destroys the
     * dispatcher exactly once. */
    reset_counters();
    assert_int_equal(cap_revoke(ram), SYS_ERR_OK);
    for (unsigned i = 1; i < 20; i++) {
        assert_int_equal(slot(i)->cap.type, ObjType_Null);
    }
    assert_int_equal(destroyed[ObjType_Dispatcher], 1);
    assert_int_equal(destroyed[ObjType_Frame], 1);
    assert_false(mdb_has_descendants(ram));
    assert_true(mdb_check_invariants());
}

/* ---- capability.fast and .kva: derived for the fast path (cap.h) -------- */

/* capability.kva as cap.h states it: the object the kernel reads. */
static void *spec_kva(unsigned type, paddr_t base)
{
    bool kernel_reads = type == ObjType_L1CNode || type == ObjType_L2CNode ||
                        type == ObjType_Dispatcher || type == ObjType_EndPoint;
    return kernel_reads ? cap_phys_to_kptr(base) : NULL;
}

/* The bits as cap.h states them, written out a second time. */
static uint8_t spec_fast(unsigned type, uint8_t rights, uint32_t param2)
{
    bool w = rights & CAPRIGHTS_WRITE, g = rights & CAPRIGHTS_GRANT;
    uint8_t f = 0;
    if (type == ObjType_L2CNode) {
        f |= CAPFAST_L2CNODE | (w ? CAPFAST_L2CNODE_W : 0);
    }
    if ((type == ObjType_L1CNode || type == ObjType_L2CNode) && w) {
        f |= CAPFAST_CNODE_W;
    }
    if (type == ObjType_EndPoint && w && param2 != 0) {
        f |= CAPFAST_SEND | (g ? CAPFAST_SEND_CAP : 0);
    }
    return f;
}

/* cap_fast_bits for every type, every rights byte, minted or not; and the
 * bits in the slots that retype, copy, mint, move and import fill (each
 * makes its capability in its own way): each a right lost or a parameter
 * not given clears the bit the fast path would have acted on. */
static void test_fast_bits(void **state)
{
    (void)state;
    static const struct { unsigned type; uint8_t rights; uint32_t param2; uint8_t want; } c[] = {
        { ObjType_L2CNode, CAPRIGHTS_ALLRIGHTS, 0,
          CAPFAST_L2CNODE | CAPFAST_L2CNODE_W | CAPFAST_CNODE_W },
        { ObjType_L2CNode, CAPRIGHTS_READ, 0, CAPFAST_L2CNODE },
        { ObjType_L2CNode, CAPRIGHTS_NORIGHTS, 0, CAPFAST_L2CNODE },
        { ObjType_L1CNode, CAPRIGHTS_WRITE, 0, CAPFAST_CNODE_W },
        { ObjType_L1CNode, CAPRIGHTS_READ | CAPRIGHTS_GRANT, 0, 0 },
        { ObjType_EndPoint, CAPRIGHTS_ALLRIGHTS, EP16, CAPFAST_SEND | CAPFAST_SEND_CAP },
        { ObjType_EndPoint, CAPRIGHTS_WRITE, EP16, CAPFAST_SEND },
        { ObjType_EndPoint, CAPRIGHTS_READ | CAPRIGHTS_GRANT, EP16, 0 },
        { ObjType_EndPoint, CAPRIGHTS_ALLRIGHTS, 0, 0 },        /* not minted */
        { ObjType_Dispatcher, CAPRIGHTS_ALLRIGHTS, 0, 0 },
        { ObjType_RAM, CAPRIGHTS_ALLRIGHTS, 0, 0 },
    };
    for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        struct capability cap = { .type = c[i].type, .rights = c[i].rights, .param2 = c[i].param2 };
        assert_int_equal(cap_fast_bits(&cap), c[i].want);
    }
    for (unsigned t = 0; t < ObjType_Num; t++) {
        for (unsigned r = 0; r < 256; r++) {
            for (uint32_t p2 = 0; p2 <= EP16; p2 += EP16) {
                struct capability cap = { .type = t, .rights = r, .param2 = p2 };
                assert_int_equal(cap_fast_bits(&cap), spec_fast(t, r, p2));
            }
        }
    }

    /* The fixture's boot capabilities (cap_create_root) */
    assert_int_equal(l2->cap.fast, CAPFAST_L2CNODE | CAPFAST_L2CNODE_W | CAPFAST_CNODE_W);
    assert_ptr_equal(l2->cap.kva, arena + (L2_BASE - PHYS_BASE));
    assert_int_equal(ram->cap.fast, 0);
    assert_null(ram->cap.kva);
    /* retype: an L2 CNode, a dispatcher and its unminted endpoint */
    assert_int_equal(cap_retype(ram, 0, ObjType_L2CNode, 0, 1, &l2->cap, 1), SYS_ERR_OK);
    assert_int_equal(slot(1)->cap.fast, CAPFAST_L2CNODE | CAPFAST_L2CNODE_W | CAPFAST_CNODE_W);
    assert_int_equal(cap_retype(ram, 0x10000, ObjType_Dispatcher, 0, 1, &l2->cap, 2), SYS_ERR_OK);
    assert_int_equal(cap_retype(slot(2), 0, ObjType_EndPoint, 0, 1, &l2->cap, 3), SYS_ERR_OK);
    assert_int_equal(slot(3)->cap.fast, 0);
    assert_ptr_equal(slot(1)->cap.kva, arena + (RAM_BASE - PHYS_BASE));
    assert_ptr_equal(slot(2)->cap.kva, arena + (RAM_BASE + 0x10000 - PHYS_BASE));
    assert_ptr_equal(slot(3)->cap.kva, slot(2)->cap.kva);      /* its DCB */
    /* copy: a right less, a bit less; the same object */
    assert_int_equal(cap_copy(slot(4), slot(1), CAPRIGHTS_READ), SYS_ERR_OK);
    assert_int_equal(slot(4)->cap.fast, CAPFAST_L2CNODE);
    assert_ptr_equal(slot(4)->cap.kva, slot(1)->cap.kva);
    /* mint: a buffer makes it sendable; a copy with fewer rights is less */
    assert_int_equal(cap_mint(slot(5), slot(3), CAPRIGHTS_ALLRIGHTS, 0x4000, EP16), SYS_ERR_OK);
    assert_int_equal(slot(5)->cap.fast, CAPFAST_SEND | CAPFAST_SEND_CAP);
    assert_ptr_equal(slot(5)->cap.kva, slot(2)->cap.kva);
    assert_int_equal(cap_mint(slot(6), slot(5), CAPRIGHTS_READ_WRITE, 0x4000, EP16), SYS_ERR_OK);
    assert_int_equal(slot(6)->cap.fast, CAPFAST_SEND);
    assert_int_equal(cap_copy(slot(7), slot(6), CAPRIGHTS_READ), SYS_ERR_OK);
    assert_int_equal(slot(7)->cap.fast, 0);
    assert_int_equal(cap_copy(slot(8), slot(5), CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK);
    assert_int_equal(slot(8)->cap.fast, CAPFAST_SEND | CAPFAST_SEND_CAP);
    /* move: the capability whole */
    cap_move(slot(9), slot(8));
    assert_int_equal(slot(9)->cap.fast, CAPFAST_SEND | CAPFAST_SEND_CAP);
    assert_ptr_equal(slot(9)->cap.kva, slot(2)->cap.kva);
    assert_int_equal(slot(8)->cap.fast, 0);
    assert_null(slot(8)->cap.kva);
    /* delete empties it with the rest */
    assert_int_equal(cap_delete(slot(6)), SYS_ERR_OK);
    assert_int_equal(slot(6)->cap.fast, 0);
    assert_null(slot(6)->cap.kva);
    assert_true(mdb_check_invariants());
    /* mdb_check_invariants checks every slot's derived fields */
    slot(9)->cap.fast = 0;
    assert_false(mdb_check_invariants());
    slot(9)->cap.fast = CAPFAST_SEND | CAPFAST_SEND_CAP;
    slot(9)->cap.kva = slot(1)->cap.kva;
    assert_false(mdb_check_invariants());
    slot(9)->cap.kva = slot(2)->cap.kva;
    assert_true(mdb_check_invariants());
}

static void test_delete_adopt(void **state)
{
    (void)state;
    /* RAM -> RAM(sub) -> Frame; deleting the sub-RAM leaves the frame as a
     * descendant of the big RAM, which still cannot overlap it. */
    assert_int_equal(cap_retype(ram, 0, ObjType_RAM, 0x10000, 1, &l2->cap, 1), SYS_ERR_OK);
    assert_int_equal(cap_retype(slot(1), 0x1000, ObjType_Frame, 4096, 1, &l2->cap, 2), SYS_ERR_OK);
    assert_int_equal(slot(2)->mdb.depth, 2u);
    assert_int_equal(cap_delete(slot(1)), SYS_ERR_OK);
    assert_int_equal(slot(2)->mdb.depth, 1u);
    assert_true(mdb_check_invariants());
    assert_int_equal(cap_retype(ram, 0, ObjType_RAM, 0x10000, 1, &l2->cap, 1), SYS_ERR_RETYPE_OVERLAP);
    assert_int_equal(cap_delete(slot(1)), SYS_ERR_CAP_NOT_FOUND);
    /* A mapped copy is unmapped when deleted; a copy's deletion destroys nothing. */
    reset_counters();
    assert_int_equal(cap_copy(slot(3), slot(2), CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK);
    slot(3)->map.table = PHYS_BASE + 0x20000;
    assert_int_equal(cap_delete(slot(3)), SYS_ERR_OK);
    assert_int_equal(unmaps, 1);
    assert_int_equal(destroys, 0);
    /* The last copy of each kind of object is destroyed, once. */
    assert_int_equal(cap_retype(ram, 0x20000, ObjType_VNode_ARM_l2, 0, 1, &l2->cap, 4), SYS_ERR_OK);
    assert_int_equal(cap_copy(slot(5), slot(4), CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK);
    assert_int_equal(cap_delete(slot(4)), SYS_ERR_OK);
    assert_int_equal(destroys, 0);
    assert_int_equal(cap_delete(slot(5)), SYS_ERR_OK);
    assert_int_equal(destroys, 1);
    assert_int_equal(last_destroyed_type, ObjType_VNode_ARM_l2);
    struct cte *irq = make_root(6, ObjType_IRQ, 0, 0, CAPRIGHTS_ALLRIGHTS);
    irq->cap.param1 = 38;
    assert_int_equal(cap_delete(irq), SYS_ERR_OK);
    assert_int_equal(last_destroyed_type, ObjType_IRQ);
    /* cap_move keeps the list consistent. */
    slot(2)->map.table = PHYS_BASE + 0x20000;
    cap_move(slot(9), slot(2));
    assert_int_equal(slot(2)->cap.type, ObjType_Null);
    assert_int_equal(moves, 1);
    assert_true(mdb_check_invariants());
    assert_int_equal(cap_delete(slot(9)), SYS_ERR_OK);
    assert_int_equal(cap_retype(ram, 0, ObjType_RAM, 0x10000, 1, &l2->cap, 1), SYS_ERR_OK);
}

/*
 * Revoke is complete: every copy but the revoked one goes (before and after
 * it in its group, and inside other CNodes), every descendant at any depth
 * goes, and nothing else is touched.
 */
static void test_revoke_complete(void **state)
{
    (void)state;
    /* RAM -> A (RAM 64K, with copies) -> {Frame F, RAM B -> Frame G}; a
     * sibling S of A with a child; a CNode X under A holding copies of
     * unrelated caps and of A itself. */
    assert_int_equal(cap_retype(ram, 0, ObjType_RAM, 0x20000, 1, &l2->cap, 1), SYS_ERR_OK);   /* A */
    assert_int_equal(cap_copy(slot(2), slot(1), CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK);             /* A' */
    assert_int_equal(cap_copy(slot(3), slot(2), CAPRIGHTS_READ_WRITE), SYS_ERR_OK);            /* A'' */
    assert_int_equal(cap_retype(slot(3), 0, ObjType_Frame, 4096, 2, &l2->cap, 4), SYS_ERR_OK); /* F, F2 */
    assert_int_equal(cap_retype(slot(1), 0x8000, ObjType_RAM, 0x8000, 1, &l2->cap, 6), SYS_ERR_OK); /* B */
    assert_int_equal(cap_retype(slot(6), 0x1000, ObjType_Frame, 4096, 1, &l2->cap, 7), SYS_ERR_OK); /* G */
    assert_int_equal(cap_copy(slot(8), slot(7), CAPRIGHTS_READ), SYS_ERR_OK);                  /* G' */
    assert_int_equal(cap_retype(slot(2), 0x10000, ObjType_L2CNode, 0, 1, &l2->cap, 9), SYS_ERR_OK); /* X */
    assert_int_equal(cap_retype(ram, 0x40000, ObjType_RAM, 0x10000, 1, &l2->cap, 20), SYS_ERR_OK); /* S */
    assert_int_equal(cap_retype(slot(20), 0, ObjType_Frame, 4096, 1, &l2->cap, 21), SYS_ERR_OK);
    struct capability *x = &slot(9)->cap;
    assert_int_equal(cap_copy(cnode_slot(x, 0), slot(21), CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK); /* S's frame */
    assert_int_equal(cap_copy(cnode_slot(x, 1), slot(1), CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK);  /* A */
    assert_int_equal(cap_copy(slot(22), slot(21), CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK);
    assert_true(mdb_check_invariants());

    reset_counters();
    assert_int_equal(cap_revoke(slot(2)), SYS_ERR_OK);     /* the middle copy */
    assert_int_equal(slot(2)->cap.type, ObjType_RAM);      /* it stays */
    assert_false(mdb_has_copies(slot(2)));
    assert_false(mdb_has_descendants(slot(2)));
    for (unsigned i = 1; i < 10; i++) {
        if (i != 2) {
            assert_int_equal(slot(i)->cap.type, ObjType_Null);
        }
    }
    /* X's contents went with X; S and its frame's other copy stay. */
    assert_int_equal(slot(20)->cap.type, ObjType_RAM);
    assert_int_equal(slot(21)->cap.type, ObjType_Frame);
    assert_int_equal(slot(22)->cap.type, ObjType_Frame);
    assert_true(mdb_has_copies(slot(21)));
    assert_int_equal(destroyed[ObjType_Frame], 3);          /* F, F2, G */
    /* A's whole range is free again; S's is not. */
    assert_int_equal(cap_retype(slot(2), 0, ObjType_Frame, 0x20000, 1, &l2->cap, 1), SYS_ERR_OK);
    assert_int_equal(cap_retype(ram, 0x40000, ObjType_Frame, 4096, 1, &l2->cap, 3),
                     SYS_ERR_RETYPE_OVERLAP);
    assert_int_equal(cap_revoke(slot(7)), SYS_ERR_CAP_NOT_FOUND);
    assert_true(mdb_check_invariants());
}

/* A CNode's destruction empties it, even with cycles, without recursing. */
/* The retype high-water mark (cap.c) only shortens the overlap check:
 * what it refuses and allows must be exactly what the walk would. */
static void test_retype_watermark(void **state)
{
    (void)state;
    /* Two copies of the RAM cap: A (the fixture's) and B. */
    assert_int_equal(cap_copy(slot(1), ram, CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK);
    struct cte *b = slot(1);
    /* Through A, high up: B's mark must rise too ... */
    assert_int_equal(cap_retype(ram, 0x40000, ObjType_Frame, 4096, 2, &l2->cap, 10), SYS_ERR_OK);
    /* ... so B cannot take the same memory, nor a range reaching into it. */
    assert_int_equal(cap_retype(b, 0x40000, ObjType_Frame, 4096, 1, &l2->cap, 12),
                     SYS_ERR_RETYPE_OVERLAP);
    assert_int_equal(cap_retype(b, 0x3f000, ObjType_Frame, 8192, 1, &l2->cap, 12),
                     SYS_ERR_RETYPE_OVERLAP);
    /* Below the mark, where nothing is: allowed (the walk finds nothing);
     * above it: allowed without a walk. */
    assert_int_equal(cap_retype(b, 0x1000, ObjType_Frame, 4096, 1, &l2->cap, 12), SYS_ERR_OK);
    assert_int_equal(cap_retype(b, 0x42000, ObjType_Frame, 4096, 1, &l2->cap, 13), SYS_ERR_OK);
    /* A new copy inherits the mark: it cannot take what A and B took. */
    assert_int_equal(cap_copy(slot(2), b, CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK);
    assert_int_equal(cap_retype(slot(2), 0x42000, ObjType_Frame, 4096, 1, &l2->cap, 14),
                     SYS_ERR_RETYPE_OVERLAP);
    /* Move a copy: the mark goes with it. */
    cap_move(slot(3), slot(2));
    assert_int_equal(cap_retype(slot(3), 0x41000, ObjType_Frame, 4096, 1, &l2->cap, 14),
                     SYS_ERR_RETYPE_OVERLAP);
    /* Every descendant gone: any range is free again, below the old mark. */
    for (unsigned i = 10; i <= 13; i++) {
        assert_int_equal(cap_delete(slot(i)), SYS_ERR_OK);
    }
    assert_false(mdb_has_descendants(ram));
    assert_int_equal(cap_retype(slot(3), 0x40000, ObjType_Frame, 4096, 1, &l2->cap, 14),
                     SYS_ERR_OK);
    /* ... and the mark starts over: just above that one frame. */
    assert_int_equal(cap_retype(ram, 0x40000, ObjType_Frame, 4096, 1, &l2->cap, 15),
                     SYS_ERR_RETYPE_OVERLAP);
    assert_int_equal(cap_retype(ram, 0x41000, ObjType_Frame, 4096, 1, &l2->cap, 15), SYS_ERR_OK);
    assert_true(mdb_check_invariants());
}

static void test_cnode_destroy(void **state)
{
    (void)state;
    assert_int_equal(cap_retype(ram, 0, ObjType_L2CNode, 0, 2, &l2->cap, 1), SYS_ERR_OK);
    struct capability *a = &slot(1)->cap, *b = &slot(2)->cap;
    assert_int_equal(cap_retype(ram, 0x10000, ObjType_Frame, 4096, 1, a, 0), SYS_ERR_OK);
    assert_int_equal(cap_retype(ram, 0x11000, ObjType_Dispatcher, 0, 1, a, 3), SYS_ERR_OK);
    assert_int_equal(cap_copy(cnode_slot(a, 1), slot(2), CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK); /* A holds B */
    assert_int_equal(cap_copy(cnode_slot(b, 1), slot(1), CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK); /* B holds A */
    assert_int_equal(cap_copy(cnode_slot(b, 2), slot(2), CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK); /* B holds B */
    /* Our caps go; the cycle keeps both alive (unreachable) ... */
    reset_counters();
    assert_int_equal(cap_delete(slot(1)), SYS_ERR_OK);
    assert_int_equal(cap_delete(slot(2)), SYS_ERR_OK);
    assert_int_equal(destroys, 0);
    assert_true(mdb_check_invariants());
    assert_true(mdb_has_descendants(ram));
    /* ... until revoking the RAM they came from reclaims all of it. */
    assert_int_equal(cap_revoke(ram), SYS_ERR_OK);
    assert_false(mdb_has_descendants(ram));
    assert_int_equal(destroyed[ObjType_Dispatcher], 1);
    assert_int_equal(destroyed[ObjType_Frame], 1);
    assert_true(mdb_check_invariants());
    /* A CNode whose last cap is deleted: its contents are deleted too (the
     * dispatcher in it is destroyed), and its memory comes back. */
    reset_counters();
    assert_int_equal(cap_retype(ram, 0, ObjType_L2CNode, 0, 1, &l2->cap, 1), SYS_ERR_OK);
    a = &slot(1)->cap;
    assert_int_equal(cap_retype(ram, 0x10000, ObjType_Dispatcher, 0, 1, a, 7), SYS_ERR_OK);
    assert_int_equal(cap_retype(cnode_slot(a, 7), 0, ObjType_EndPoint, 0, 1, a, 8), SYS_ERR_OK);
    assert_int_equal(cap_delete(slot(1)), SYS_ERR_OK);
    assert_int_equal(destroyed[ObjType_Dispatcher], 1);
    assert_false(mdb_has_descendants(ram));
    assert_int_equal(cap_retype(ram, 0, ObjType_Frame, 0x20000, 1, &l2->cap, 1), SYS_ERR_OK);
    assert_int_equal(cap_delete(slot(1)), SYS_ERR_OK);
    /* A chain of CNodes, each holding the only cap to the next. */
    assert_int_equal(cap_retype(ram, 0, ObjType_L2CNode, 0, 64, &l2->cap, 100), SYS_ERR_OK);
    for (unsigned i = 162; i >= 100; i--) {
        cap_move(cnode_slot(&slot(i)->cap, 0), slot(i + 1));
    }
    assert_int_equal(cap_delete(slot(100)), SYS_ERR_OK);
    assert_false(mdb_has_descendants(ram));
    assert_int_equal(cap_retype(ram, 0, ObjType_Frame, RAM_BYTES, 1, &l2->cap, 1), SYS_ERR_OK);
}

/* ---- capabilities crossing cores (kernel/cap_cross.c) ---------------------- */

/* Export marks the copy group lent; a lent capability is not retyped, and
 * no revoke that would delete it -- of a copy, of an ancestor -- deletes
 * anything. */
static void test_cross_export(void **state)
{
    (void)state;
    struct cap_desc d;
    assert_int_equal(cap_export(l2, &d), SYS_ERR_CAP_CROSS_TYPE);
    assert_int_equal(cap_retype(ram, 0, ObjType_RAM, 64 * KIB, 1, &l2->cap, 1), SYS_ERR_OK);
    assert_int_equal(cap_retype(slot(1), 0, ObjType_Frame, 8 * KIB, 1, &l2->cap, 2), SYS_ERR_OK);
    assert_int_equal(cap_export(slot(1), &d), SYS_ERR_CAP_CROSS_IN_USE);   /* RAM in use */
    assert_int_equal(cap_copy(slot(3), slot(2), CAPRIGHTS_READ), SYS_ERR_OK);
    assert_int_equal(cap_export(slot(3), &d), SYS_ERR_OK);
    assert_int_equal(d.type, ObjType_Frame);
    assert_int_equal(d.rights, CAPRIGHTS_READ);
    assert_int_equal(d.base, RAM_BASE);
    assert_int_equal(d.bytes, 8 * KIB);
    assert_true(slot(2)->mdb.cross & MDB_CROSS_LENT);      /* the whole group */
    assert_int_equal(cap_copy(slot(4), slot(2), CAPRIGHTS_READ), SYS_ERR_OK);
    assert_true(slot(4)->mdb.cross & MDB_CROSS_LENT);      /* copies inherit */
    assert_int_equal(cap_retype(slot(2), 0, ObjType_Frame, 4 * KIB, 1, &l2->cap, 5),
                     SYS_ERR_CAP_LENT);

    /* A RAM capability without descendants crosses too. */
    assert_int_equal(cap_retype(ram, 64 * KIB, ObjType_RAM, 16 * KIB, 1, &l2->cap, 6),
                     SYS_ERR_OK);
    assert_int_equal(cap_export(slot(6), &d), SYS_ERR_OK);
    assert_int_equal(cap_retype(slot(6), 0, ObjType_Frame, 4 * KIB, 1, &l2->cap, 7),
                     SYS_ERR_CAP_LENT);

    reset_counters();
    struct cte *refused[] = { slot(2), slot(3), slot(1), ram, slot(6) };
    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        assert_int_equal(cap_revoke(refused[i]), SYS_ERR_CAP_CROSSED);
    }
    assert_int_equal(destroys, 0);
    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        assert_int_not_equal(refused[i]->cap.type, ObjType_Null);
    }
    assert_int_equal(slot(4)->cap.type, ObjType_Frame);
    /* Deleting a copy is not refused (the others keep the record); the
     * retype overlap check still sees the lent range. */
    assert_int_equal(cap_delete(slot(4)), SYS_ERR_OK);
    assert_int_equal(cap_retype(slot(1), 0, ObjType_Frame, 4 * KIB, 1, &l2->cap, 4),
                     SYS_ERR_RETYPE_OVERLAP);
    assert_true(mdb_check_invariants());
}

/* Import: the description's shape, the slot, memory held here already;
 * an imported RAM capability is retyped as usual but neither revoked nor
 * lent on. */
static void test_cross_import(void **state)
{
    (void)state;
    const struct { struct cap_desc d; errval_t err; } bad[] = {
        { { ObjType_L2CNode, CAPRIGHTS_ALLRIGHTS, SPARE_BASE, 16 * KIB }, SYS_ERR_CAP_CROSS_TYPE },
        { { ObjType_Kernel, CAPRIGHTS_ALLRIGHTS, 0, 0 }, SYS_ERR_CAP_CROSS_TYPE },
        { { ObjType_Num + 1, CAPRIGHTS_ALLRIGHTS, SPARE_BASE, 4 * KIB }, SYS_ERR_CAP_CROSS_TYPE },
        { { ObjType_RAM, 0x80, SPARE_BASE, 4 * KIB }, SYS_ERR_CAP_CROSS_DESC },
        { { ObjType_RAM, CAPRIGHTS_ALLRIGHTS, SPARE_BASE, 0 }, SYS_ERR_CAP_CROSS_DESC },
        { { ObjType_RAM, CAPRIGHTS_ALLRIGHTS, SPARE_BASE + 512, 4 * KIB }, SYS_ERR_CAP_CROSS_DESC },
        { { ObjType_Frame, CAPRIGHTS_ALLRIGHTS, SPARE_BASE, 6 * KIB }, SYS_ERR_CAP_CROSS_DESC },
        { { ObjType_Frame, CAPRIGHTS_ALLRIGHTS, 0xfffff000u, 8 * KIB }, SYS_ERR_CAP_CROSS_DESC },
        /* the fixture's own RAM: held here already */
        { { ObjType_RAM, CAPRIGHTS_ALLRIGHTS, RAM_BASE + 4 * KIB, 4 * KIB }, SYS_ERR_CAP_CROSS_OVERLAP },
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(cap_import(slot(1), &bad[i].d), bad[i].err);
        assert_int_equal(slot(1)->cap.type, ObjType_Null);
    }
    struct cap_desc d = { ObjType_RAM, CAPRIGHTS_READ_WRITE, SPARE_BASE, 64 * KIB };
    assert_int_equal(cap_import(ram, &d), SYS_ERR_SLOT_IN_USE);
    assert_int_equal(cap_import(slot(1), &d), SYS_ERR_OK);
    assert_int_equal(slot(1)->cap.type, ObjType_RAM);
    assert_int_equal(slot(1)->cap.rights, CAPRIGHTS_READ_WRITE);
    assert_int_equal(slot(1)->cap.base, SPARE_BASE);
    assert_int_equal(slot(1)->mdb.depth, 0);
    assert_true(slot(1)->mdb.cross & MDB_CROSS_BORROWED);
    struct cap_desc part = { ObjType_Frame, CAPRIGHTS_READ, SPARE_BASE + 60 * KIB, 8 * KIB };
    assert_int_equal(cap_import(slot(2), &part), SYS_ERR_CAP_CROSS_OVERLAP);

    /* Retype works as for any RAM; the children are not marked. */
    assert_int_equal(cap_retype(slot(1), 0, ObjType_Frame, 4 * KIB, 2, &l2->cap, 2), SYS_ERR_OK);
    assert_int_equal(slot(2)->mdb.cross, 0);
    assert_int_equal(cap_retype(slot(1), 16 * KIB, ObjType_L2CNode, 0, 1, &l2->cap, 4), SYS_ERR_OK);
    struct cap_desc out;
    assert_int_equal(cap_export(slot(1), &out), SYS_ERR_CAP_CROSS_FOREIGN);
    assert_int_equal(cap_export(slot(2), &out), SYS_ERR_OK);   /* a frame made here */
    assert_int_equal(cap_copy(slot(5), slot(1), CAPRIGHTS_READ), SYS_ERR_OK);
    assert_true(slot(5)->mdb.cross & MDB_CROSS_BORROWED);
    assert_int_equal(cap_revoke(slot(5)), SYS_ERR_CAP_CROSSED);
    assert_int_equal(cap_revoke(slot(1)), SYS_ERR_CAP_CROSSED);
    assert_int_equal(slot(4)->cap.type, ObjType_L2CNode);
    reset_counters();
    assert_int_equal(cap_revoke(slot(3)), SYS_ERR_OK);         /* nothing crossed below */
    assert_int_equal(cap_revoke(slot(4)), SYS_ERR_OK);
    /* Deleting the borrowed capability is the borrower's way to give it
     * up; its descendants pass to the top level. */
    assert_int_equal(cap_delete(slot(5)), SYS_ERR_OK);
    assert_int_equal(cap_delete(slot(1)), SYS_ERR_OK);
    assert_int_equal(slot(2)->mdb.depth, 0);
    assert_true(mdb_check_invariants());
    /* What is still derived from it keeps the range held. */
    assert_int_equal(cap_import(slot(1), &d), SYS_ERR_CAP_CROSS_OVERLAP);
    assert_int_equal(cap_delete(slot(2)), SYS_ERR_OK);
    assert_int_equal(cap_delete(slot(3)), SYS_ERR_OK);
    assert_int_equal(cap_delete(slot(4)), SYS_ERR_OK);
    assert_int_equal(cap_import(slot(1), &d), SYS_ERR_OK);
    assert_true(mdb_check_invariants());
}

/* A slot the kernel holds for a dispatcher (CTE_HELD) tells the kernel
 * before it goes; nothing else does. */
static void test_held_slots(void **state)
{
    (void)state;
    static struct cte held;             /* as in a struct dcb */
    assert_int_equal(cap_retype(ram, 0, ObjType_Frame, 0x10000, 1, &l2->cap, 1), SYS_ERR_OK);
    assert_int_equal(cap_copy(&held, slot(1), CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK);
    held.flags = CTE_HELD;
    assert_int_equal(cap_copy(slot(2), &held, CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK);
    assert_int_equal(slot(2)->flags, 0);                /* copies are not held */
    reset_counters();
    assert_int_equal(cap_delete(slot(2)), SYS_ERR_OK);
    assert_int_equal(held_deleted, 0);
    assert_int_equal(cap_revoke(slot(1)), SYS_ERR_OK);  /* takes the held copy */
    assert_int_equal(held_deleted, 1);
    assert_ptr_equal(last_held, &held);
    assert_int_equal(held.cap.type, ObjType_Null);
    assert_int_equal(held.flags, 0);
    /* ... also when an ancestor is revoked. */
    assert_int_equal(cap_copy(&held, slot(1), CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK);
    held.flags = CTE_HELD;
    assert_int_equal(cap_revoke(ram), SYS_ERR_OK);
    assert_int_equal(held_deleted, 2);
    assert_false(mdb_has_descendants(ram));
}

/*
 * The delete shortcut (cap_delete_leaf) takes only the slots whose deletion
 * adopts no descendants, drains no CNode, stops nothing and unmaps nothing:
 * another copy remains, or it is the last copy of plain memory without
 * descendants.  For every other slot it says no and changes nothing -- each
 * refusal below is a deletion with relations the shortcut would get wrong.
 */
static void test_delete_leaf(void **state)
{
    (void)state;
    static struct cte held;             /* as in a struct dcb */
    /* RAM(sub, slot 1) -> Frame (slot 2), and a copy of the sub-RAM (3). */
    assert_int_equal(cap_retype(ram, 0, ObjType_RAM, 0x10000, 1, &l2->cap, 1), SYS_ERR_OK);
    assert_int_equal(cap_retype(slot(1), 0x1000, ObjType_Frame, 4096, 1, &l2->cap, 2), SYS_ERR_OK);
    assert_int_equal(cap_copy(slot(3), slot(1), CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK);
    reset_counters();
    /* A copy goes; the object and its descendant stay, the frame as deep. */
    assert_true(cap_delete_leaf(slot(3)));
    assert_int_equal(slot(3)->cap.type, ObjType_Null);
    assert_int_equal(destroys, 0);
    assert_int_equal(slot(2)->mdb.depth, 2u);
    assert_true(mdb_has_descendants(slot(1)));
    assert_true(mdb_check_invariants());
    /* The last copy with a descendant: that needs the adoption. */
    assert_false(cap_delete_leaf(slot(1)));
    assert_int_equal(slot(1)->cap.type, ObjType_RAM);
    assert_int_equal(slot(2)->mdb.depth, 2u);
    assert_true(mdb_check_invariants());
    assert_int_equal(cap_delete(slot(1)), SYS_ERR_OK);
    assert_int_equal(slot(2)->mdb.depth, 1u);
    /* Mapped: cap_delete must unmap it first.  Held: only revoke, with the hook. */
    slot(2)->map.table = PHYS_BASE + 0x20000;
    assert_false(cap_delete_leaf(slot(2)));
    assert_int_equal(unmaps, 0);
    slot(2)->map.table = 0;
    assert_int_equal(cap_copy(&held, slot(2), CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK);
    held.flags = CTE_HELD;
    assert_false(cap_delete_leaf(&held));
    assert_int_equal(held_deleted, 0);
    assert_int_equal(held.cap.type, ObjType_Frame);
    assert_true(cap_delete_leaf(slot(2)));              /* the held copy remains */
    assert_int_equal(destroyed[ObjType_Frame], 0);
    held.flags = 0;
    assert_int_equal(cap_delete(&held), SYS_ERR_OK);
    assert_int_equal(destroyed[ObjType_Frame], 1);
    /* The last copy of plain memory without descendants: destroyed (the
     * hook called) as cap_delete would. */
    reset_counters();
    assert_int_equal(cap_retype(ram, 0x10000, ObjType_Frame, 4096, 1, &l2->cap, 4), SYS_ERR_OK);
    assert_true(cap_delete_leaf(slot(4)));
    assert_int_equal(destroys, 1);
    assert_int_equal(last_destroyed_type, ObjType_Frame);
    /* Last copies of objects whose destruction is work: a CNode (drained),
     * a dispatcher (stopped, reaped), a page table, an endpoint, an IRQ. */
    reset_counters();
    assert_int_equal(cap_retype(ram, 0x20000, ObjType_L2CNode, 0, 1, &l2->cap, 5), SYS_ERR_OK);
    assert_int_equal(cap_retype(ram, 0x30000, ObjType_Dispatcher, 0, 1, &l2->cap, 6), SYS_ERR_OK);
    assert_int_equal(cap_retype(slot(6), 0, ObjType_EndPoint, 0, 1, &l2->cap, 7), SYS_ERR_OK);
    assert_int_equal(cap_retype(ram, 0x40000, ObjType_VNode_ARM_l2, 0, 1, &l2->cap, 8), SYS_ERR_OK);
    struct cte *irq = make_root(9, ObjType_IRQ, 0, 0, CAPRIGHTS_ALLRIGHTS);
    static const unsigned refused[] = { 5, 6, 7, 8, 9, 10 /* empty */ };
    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        struct cte before = *slot(refused[i]);
        assert_false(cap_delete_leaf(slot(refused[i])));
        assert_memory_equal(slot(refused[i]), &before, sizeof(before));
    }
    assert_int_equal(destroys, 0);
    assert_int_equal(irq->cap.type, ObjType_IRQ);
    /* A copy of any of them goes and destroys nothing -- also the one that
     * heads its group, with the endpoint after the group. */
    assert_int_equal(cap_copy(slot(11), slot(6), CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK);
    assert_true(cap_delete_leaf(slot(6)));
    assert_int_equal(destroys, 0);
    assert_true(mdb_check_invariants());
    assert_ptr_equal(mdb_first_descendant(slot(11)), slot(7));
    assert_false(cap_delete_leaf(slot(11)));            /* the last one now */
    assert_true(mdb_check_invariants());
}

/* ---- the CNode invocations -------------------------------------------------------- */

static errval_t invoke_on(struct cte *cte, unsigned method, uint32_t *ret, unsigned n, ...)
{
    uint32_t args[INVOKE_ARGS] = { 0 };
    struct invocation inv = { .root = &root, .cte = cte, .method = method, .args = args };
    va_list ap;
    va_start(ap, n);
    for (unsigned i = 0; i < n; i++) {
        args[i] = va_arg(ap, uint32_t);
    }
    va_end(ap);
    errval_t err = cnode_invoke(&inv);
    if (ret) {
        memcpy(ret, inv.ret, sizeof(inv.ret));
    }
    return err;
}
#define invoke(...) invoke_on(l2, __VA_ARGS__)

static void test_invocations(void **state)
{
    (void)state;
    uint32_t r[3];
    assert_int_equal(invoke(CNodeCmd_Retype, NULL, 9, CAPADDR(0, 0), 0, 0, ObjType_Frame, 4096, 1,
                            CAPADDR(0, 0), 1, 5), SYS_ERR_OK);
    assert_int_equal(invoke(CNodeCmd_Identify, r, 2, CAPADDR(0, 5), 2), SYS_ERR_OK);
    assert_int_equal(r[0], ObjType_Frame | CAPRIGHTS_ALLRIGHTS << 8);
    assert_int_equal(r[1], RAM_BASE);
    assert_int_equal(r[2], 4096);
    assert_int_equal(invoke(CNodeCmd_Copy, NULL, 6, CAPADDR(0, 0), 1, 6, CAPADDR(0, 5), 0,
                            CAPRIGHTS_READ), SYS_ERR_OK);
    assert_int_equal(invoke(CNodeCmd_Identify, r, 2, CAPADDR(0, 6), 0), SYS_ERR_OK);
    assert_int_equal(r[0], ObjType_Frame | CAPRIGHTS_READ << 8);
    assert_int_equal(invoke(CNodeCmd_Mint, NULL, 8, CAPADDR(0, 0), 1, 7, CAPADDR(0, 5), 0,
                            CAPRIGHTS_READ, 0, 0), SYS_ERR_OK);
    assert_int_equal(invoke(CNodeCmd_Copy, NULL, 6, CAPADDR(0, 0), 1, 8, CAPADDR(0, 5), 0, 0xff),
                     SYS_ERR_RIGHTS_ESCALATION);
    assert_int_equal(invoke(CNodeCmd_Copy, NULL, 6, CAPADDR(0, 0), 1, 500, CAPADDR(0, 5), 0, 1),
                     SYS_ERR_L2_INDEX_OUT_OF_RANGE);
    assert_int_equal(invoke(CNodeCmd_Copy, NULL, 6, CAPADDR(0, 0), 1, 5, CAPADDR(0, 5), 0, 1),
                     SYS_ERR_SLOT_IN_USE);
    assert_int_equal(invoke(CNodeCmd_Copy, NULL, 6, CAPADDR(0, 5), 2, 9, CAPADDR(0, 5), 0, 1),
                     SYS_ERR_CNODE_TYPE);           /* the destination is a Frame */
    assert_int_equal(invoke(CNodeCmd_Copy, NULL, 6, CAPADDR(0, 0), 1, 9, CAPADDR(0, 99), 0, 1),
                     SYS_ERR_CAP_NOT_FOUND);
    assert_int_equal(invoke(CNodeCmd_Retype, NULL, 9, CAPADDR(0, 0), 7, 0, ObjType_Frame, 4096, 1,
                            CAPADDR(0, 0), 1, 9), SYS_ERR_CAP_LOOKUP_DEPTH);
    assert_int_equal(invoke(CNodeCmd_Delete, NULL, 2, CAPADDR(0, 6), 0), SYS_ERR_OK);
    assert_int_equal(invoke(CNodeCmd_Delete, NULL, 2, CAPADDR(0, 6), 0), SYS_ERR_CAP_NOT_FOUND);
    assert_int_equal(invoke(CNodeCmd_Delete, NULL, 2, CAPADDR(9, 6), 0), SYS_ERR_CNODE_NOT_FOUND);
    assert_int_equal(invoke(CNodeCmd_Revoke, NULL, 2, CAPADDR(0, 0), 0), SYS_ERR_OK);
    assert_int_equal(invoke(CNodeCmd_Identify, r, 2, CAPADDR(0, 7), 0), SYS_ERR_CAP_NOT_FOUND);
    assert_int_equal(invoke(99, NULL, 0), SYS_ERR_ILLEGAL_INVOCATION);
    assert_int_equal(invoke(0, NULL, 0), SYS_ERR_ILLEGAL_INVOCATION);
    /* Identify of an endpoint reports its buffer. */
    assert_int_equal(cap_retype(ram, 0x10000, ObjType_Dispatcher, 0, 1, &l2->cap, 10), SYS_ERR_OK);
    assert_int_equal(cap_retype(slot(10), 0, ObjType_EndPoint, 0, 1, &l2->cap, 11), SYS_ERR_OK);
    assert_int_equal(invoke(CNodeCmd_Mint, NULL, 8, CAPADDR(0, 0), 1, 12, CAPADDR(0, 11), 2,
                            CAPRIGHTS_ALLRIGHTS, 0x4000, EP128), SYS_ERR_OK);
    assert_int_equal(invoke(CNodeCmd_Identify, r, 2, CAPADDR(0, 12), 2), SYS_ERR_OK);
    assert_int_equal(r[0], ObjType_EndPoint | CAPRIGHTS_ALLRIGHTS << 8);
    assert_int_equal(r[1], 0x4000);
    assert_int_equal(r[2], EP128);
    /* Without the write right on a CNode, its slots cannot change. */
    l2->cap.rights = CAPRIGHTS_READ;
    assert_int_equal(invoke(CNodeCmd_Delete, NULL, 2, CAPADDR(0, 0), 0), SYS_ERR_INSUFFICIENT_RIGHTS);
    assert_int_equal(invoke(CNodeCmd_Revoke, NULL, 2, CAPADDR(0, 0), 0), SYS_ERR_INSUFFICIENT_RIGHTS);
    assert_int_equal(invoke(CNodeCmd_Copy, NULL, 6, CAPADDR(0, 0), 1, 20, CAPADDR(0, 0), 0, 1),
                     SYS_ERR_INSUFFICIENT_RIGHTS);
    assert_int_equal(invoke(CNodeCmd_Retype, NULL, 9, CAPADDR(0, 0), 0, 0x40000, ObjType_Frame,
                            4096, 1, CAPADDR(0, 0), 1, 20), SYS_ERR_INSUFFICIENT_RIGHTS);
    assert_int_equal(invoke(CNodeCmd_Identify, r, 2, CAPADDR(0, 0), 0), SYS_ERR_OK);
    l2->cap.rights = CAPRIGHTS_ALLRIGHTS;
}

/*
 * The system call side of the delete shortcut (cnode_delete_fast): it
 * deletes only where the general invocation would succeed, and says no,
 * changing nothing, wherever that path names an error -- or where the
 * deletion needs cap_delete's general work.
 */
static void test_delete_fast(void **state)
{
    (void)state;
    /* The invoked CNode must be found at level 2: a copy of ours in slot 20,
     * and one with READ only in 21. */
    assert_int_equal(cap_copy(slot(20), l2, CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK);
    assert_int_equal(cap_copy(slot(21), l2, CAPRIGHTS_READ), SYS_ERR_OK);
    assert_int_equal(cap_retype(ram, 0, ObjType_Frame, 4096, 1, &l2->cap, 5), SYS_ERR_OK);
    assert_int_equal(cap_copy(slot(6), slot(5), CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK);
    const capaddr_t cn = CAPADDR(0, 20);
    struct cte before = *slot(6);
    /* Each refusal, then what the general path answers to the same call. */
    assert_false(cnode_delete_fast(&root, CAPADDR(0, 5), CAPADDR(0, 6)));    /* a Frame */
    assert_false(cnode_delete_fast(&root, CAPADDR(0, 21), CAPADDR(0, 6)));   /* READ only */
    /* ...the right lmp_fastpath.S, block 2d, has written in for both: */
    assert_int_equal(cap_invoke_rights(ObjType_L1CNode, CNodeCmd_Delete), CAPRIGHTS_WRITE);
    assert_int_equal(cap_invoke_rights(ObjType_L2CNode, CNodeCmd_Delete), CAPRIGHTS_WRITE);
    assert_false(cnode_delete_fast(&root, CAPADDR(0, 99), CAPADDR(0, 6)));   /* empty */
    assert_false(cnode_delete_fast(&root, CAPADDR(9, 20), CAPADDR(0, 6)));   /* no CNode */
    assert_false(cnode_delete_fast(&root, cn, CAPADDR(0, 99)));
    assert_int_equal(invoke(CNodeCmd_Delete, NULL, 2, CAPADDR(0, 99), 2), SYS_ERR_CAP_NOT_FOUND);
    assert_false(cnode_delete_fast(&root, cn, CAPADDR(9, 6)));
    assert_int_equal(invoke(CNodeCmd_Delete, NULL, 2, CAPADDR(9, 6), 2), SYS_ERR_CNODE_NOT_FOUND);
    assert_false(cnode_delete_fast(&root, cn, CAPADDR(256, 6)));
    assert_int_equal(invoke(CNodeCmd_Delete, NULL, 2, CAPADDR(256, 6), 2),
                     SYS_ERR_L1_INDEX_OUT_OF_RANGE);
    l2->cap.rights = CAPRIGHTS_READ;    /* the slot's CNode without WRITE */
    slot(20)->cap.rights = CAPRIGHTS_ALLRIGHTS;
    assert_false(cnode_delete_fast(&root, cn, CAPADDR(0, 6)));
    assert_int_equal(invoke(CNodeCmd_Delete, NULL, 2, CAPADDR(0, 6), 2),
                     SYS_ERR_INSUFFICIENT_RIGHTS);
    l2->cap.rights = CAPRIGHTS_ALLRIGHTS;
    assert_memory_equal(slot(6), &before, sizeof(before));
    /* The RAM itself has descendants: the general path's work. */
    assert_false(cnode_delete_fast(&root, cn, CAPADDR(0, 0)));
    assert_int_equal(ram->cap.type, ObjType_RAM);
    /* A copy: deleted, as the invocation would. */
    reset_counters();
    assert_true(cnode_delete_fast(&root, cn, CAPADDR(0, 6)));
    assert_int_equal(slot(6)->cap.type, ObjType_Null);
    assert_int_equal(slot(5)->cap.type, ObjType_Frame);
    assert_int_equal(destroys, 0);
    assert_true(mdb_check_invariants());
    assert_false(cnode_delete_fast(&root, cn, CAPADDR(0, 6)));    /* now empty */
}

/* The rights each invocation needs: every method of every type needs one
 * (READ to ask, WRITE to change), a method a type lacks needs none (its
 * handler refuses it). */
static void test_invoke_rights(void **state)
{
    (void)state;
    static const struct { unsigned type, first, last; } methods[] = {
        { ObjType_L1CNode, CNodeCmd_Retype, CNodeCmd_Resize },
        { ObjType_L2CNode, CNodeCmd_Retype, CNodeCmd_Identify },
        { ObjType_VNode_ARM_l1, VNodeCmd_Map, VNodeCmd_Unmap },
        { ObjType_VNode_ARM_l2, VNodeCmd_Map, VNodeCmd_Unmap },
        { ObjType_Dispatcher, DispatcherCmd_Setup, DispatcherCmd_Query },
        { ObjType_Kernel, KernelCmd_Shutdown, KernelCmd_CapImport },
        { ObjType_IRQTable, IRQTableCmd_Get, IRQTableCmd_Get },
        { ObjType_IRQ, IRQCmd_Connect, IRQCmd_Ack },
    };
    static const struct { unsigned type, method; } readers[] = {
        { ObjType_L1CNode, CNodeCmd_Identify }, { ObjType_L2CNode, CNodeCmd_Identify },
        { ObjType_Dispatcher, DispatcherCmd_Query }, { ObjType_Kernel, KernelCmd_Info },
    };
    unsigned checked = 0;
    for (unsigned type = 0; type < ObjType_Num + 2; type++) {
        for (unsigned method = 0; method < 300; method++) {
            uint8_t need = cap_invoke_rights(type, method);
            bool has = false, reads = false;
            for (unsigned i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
                has |= methods[i].type == type && method >= methods[i].first &&
                       method <= methods[i].last;
            }
            for (unsigned i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
                reads |= readers[i].type == type && readers[i].method == method;
            }
            if (!has) {
                assert_int_equal(need, 0);
            } else {
                assert_int_equal(need, reads ? CAPRIGHTS_READ : CAPRIGHTS_WRITE);
                checked++;
            }
        }
    }
    assert_int_equal(checked, 7 + 6 + 2 + 2 + 4 + 7 + 1 + 2);
}

static errval_t resize(struct cte *invoked, capaddr_t new_root, unsigned level,
                       capaddr_t ret_cnode, unsigned ret_level, uint32_t ret_slot)
{
    return invoke_on(invoked, CNodeCmd_Resize, NULL, 5, new_root, level, ret_cnode,
                     ret_level, ret_slot);
}

/* The root CNode grows: its slots move to a bigger one, addresses stay. */
static void test_root_resize(void **state)
{
    (void)state;
    uint32_t r[3];
    /* The root's own capability lives in the L2 CNode (as TASKCN_SLOT_ROOTCN). */
    struct cte *self = slot(2);
    cap_create_root(self, &root);
    assert_int_equal(cap_retype(ram, 0x10000, ObjType_Frame, 4096, 1, &l2->cap, 3), SYS_ERR_OK);
    assert_int_equal(cap_retype(ram, 0x20000, ObjType_L1CNode, 2 * 256 * CTE_SIZE, 1,
                                &l2->cap, 4), SYS_ERR_OK);
    assert_int_equal(cap_retype(ram, 0x40000, ObjType_L1CNode, 256 * CTE_SIZE, 1,
                                &l2->cap, 5), SYS_ERR_OK);
    assert_int_equal(cap_retype(ram, 0x50000, ObjType_L2CNode, 0, 1, &root, 7), SYS_ERR_OK);
    uint32_t old_slots = cnode_slots(&root);
    paddr_t old_base = root.base;
    /* errors: not one's own root, not a CNode, not bigger, not empty, and
     * capabilities inside a root */
    static const struct {
        bool own_root;
        capaddr_t new_root;
        unsigned level;
        capaddr_t ret_cnode;
        unsigned ret_level;
        uint32_t ret_slot;
        errval_t want;
    } bad[] = {
        { false, CAPADDR(0, 4), 2, CAPADDR(0, 0), 1, 9, SYS_ERR_ILLEGAL_INVOCATION },
        { true, CAPADDR(0, 3), 2, CAPADDR(0, 0), 1, 9, SYS_ERR_CNODE_TYPE },         /* a Frame */
        { true, CAPADDR(0, 5), 2, CAPADDR(0, 0), 1, 9, SYS_ERR_CNODE_RESIZE },       /* same size */
        { true, CAPADDR(0, 9), 2, CAPADDR(0, 0), 1, 9, SYS_ERR_CAP_NOT_FOUND },
        { true, CAPADDR(0, 4), 2, CAPADDR(0, 0), 1, 3, SYS_ERR_SLOT_IN_USE },        /* ret taken */
        /* the return slot inside the new root (where the old slots go) or
         * inside the old one */
        { true, CAPADDR(0, 4), 2, CAPADDR(0, 4), 2, 0, SYS_ERR_CNODE_RESIZE_SLOT },
        { true, CAPADDR(0, 4), 2, CAPADDR(0, 2), 2, 20, SYS_ERR_CNODE_RESIZE_SLOT },
        /* the new root named inside the old one (a copy in root slot 30) */
        { true, CAPADDR(30, 0), 1, CAPADDR(0, 0), 1, 9, SYS_ERR_CNODE_RESIZE_SLOT },
    };
    assert_int_equal(cap_copy(cnode_slot(&root, 30), slot(4), CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK);
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(resize(bad[i].own_root ? self : l2, bad[i].new_root, bad[i].level,
                                bad[i].ret_cnode, bad[i].ret_level, bad[i].ret_slot),
                         bad[i].want);
    }
    assert_int_equal(cap_delete(cnode_slot(&root, 30)), SYS_ERR_OK);
    struct cte *new_contents = cnode_slot(&slot(4)->cap, 0);
    cap_create_root(new_contents, &ram->cap);
    assert_int_equal(resize(self, CAPADDR(0, 4), 2, CAPADDR(0, 0), 1, 9),
                     SYS_ERR_SLOT_IN_USE);          /* the new root is not empty */
    cap_delete(new_contents);
    assert_true(mdb_check_invariants());
    /* the real thing */
    assert_int_equal(resize(self, CAPADDR(0, 4), 2, CAPADDR(0, 0), 1, 9), SYS_ERR_OK);
    assert_int_equal(root.bytes, 2 * 256 * CTE_SIZE);
    assert_true(cnode_slots(&root) > old_slots);
    assert_int_equal(l2->cap.type, ObjType_Null);          /* moved to the new root */
    l2 = cnode_slot(&root, 0);
    assert_int_equal(self->cap.base, root.base);           /* the new root in its place */
    assert_int_equal(slot(4)->cap.type, ObjType_Null);
    assert_int_equal(slot(9)->cap.type, ObjType_L1CNode);  /* the old root, empty */
    assert_int_equal(slot(9)->cap.base, old_base);
    assert_int_equal(l2->cap.base, L2_BASE);
    struct cte *c;
    assert_int_equal(cap_lookup(&root, CAPADDR(0, 3), 2, &c), SYS_ERR_OK);   /* still there */
    assert_int_equal(cap_lookup(&root, CAPADDR(7, 0), 2, &c), SYS_ERR_CAP_NOT_FOUND);
    assert_int_equal(cap_lookup(&root, CAPADDR(old_slots + 10, 0), 2, &c), SYS_ERR_CNODE_NOT_FOUND);
    assert_int_equal(cap_lookup(&root, CAPADDR(cnode_slots(&root), 0), 2, &c),
                     SYS_ERR_L1_INDEX_OUT_OF_RANGE);
    assert_int_equal(cap_retype(ram, 0x60000, ObjType_L2CNode, 0, 1, &root, old_slots + 10),
                     SYS_ERR_OK);
    assert_int_equal(invoke_on(slot(2), CNodeCmd_Identify, r, 2, CAPADDR(old_slots + 10, 0), 1),
                     SYS_ERR_OK);
    assert_int_equal(r[0] & 0xff, ObjType_L2CNode);
    for (uint32_t i = 0; i < old_slots; i++) {
        const struct cte *o = cnode_slot(&slot(9)->cap, i);
        assert_int_equal(o->cap.type, ObjType_Null);
    }
    assert_true(mdb_check_invariants());
    assert_int_equal(cap_delete(slot(9)), SYS_ERR_OK);
}

/* ---- randomized: the kernel against an independent model ------------------------- */

/*
 * The model knows nothing of the MDB's list or depths.  It keeps copy
 * groups (capabilities made from one another by copy), each with the group
 * it was derived from, and predicts from the rules above what every
 * operation must do -- which error (any one of those that apply) or which
 * new state.  After every operation the kernel's slots, its has-copies and
 * has-descendants answers, the no-overlap invariant and the destroy calls
 * must match.
 */
#define MSLOTS      4096
#define MGROUPS     16384
#define FIX_SLOTS   64          /* fixture L2 slots in play (0 is the RAM root) */
#define CN_SLOTS    8           /* slots used in each retyped CNode */
#define STEPS       3000
#define ROUNDS      8

struct mgroup {
    int parent;                 /* derived from (-1: a root) */
    int members;                /* live capabilities in the group */
    struct capability cap;      /* rights are per slot */
};
struct mslot {
    struct cte *cte;
    int container;              /* -1: the fixture L2 CNode; else a CNode group */
    int index;
    int group;                  /* -1: empty */
    uint8_t rights;
    bool retired;               /* its CNode was destroyed */
};
static struct mgroup groups[MGROUPS];
static struct mslot mslots[MSLOTS];
static int num_groups, num_mslots;
static int want_destroyed[ObjType_Num];

static int new_group(int parent, const struct capability *cap)
{
    assert_true(num_groups < MGROUPS);
    groups[num_groups] = (struct mgroup){ parent, 0, *cap };
    groups[num_groups].cap.rights = 0;
    return num_groups++;
}

static const struct capability *container_cap(int container)
{
    return container < 0 ? &l2->cap : &groups[container].cap;
}

/* The model slot for (container, index), made on first use; -1 if the
 * index is past the CNode's end. */
static int mslot_get(int container, uint32_t index)
{
    for (int i = 0; i < num_mslots; i++) {
        if (!mslots[i].retired && mslots[i].container == container &&
            mslots[i].index == (int)index) {
            return i;
        }
    }
    struct cte *cte = cnode_slot(container_cap(container), index);
    if (cte == NULL || num_mslots == MSLOTS) {
        return -1;
    }
    mslots[num_mslots] = (struct mslot){ cte, container, (int)index, -1, 0, false };
    return num_mslots++;
}

static bool descends(int g, int ancestor)
{
    for (int p = groups[g].parent; p >= 0; p = groups[p].parent) {
        if (p == ancestor) {
            return true;
        }
    }
    return false;
}

static void model_delete(int s);

/* A group's last capability went: its object is destroyed. */
static void group_died(int g)
{
    for (int h = 0; h < num_groups; h++) {
        if (groups[h].parent == g) {
            groups[h].parent = groups[g].parent;        /* adoption */
        }
    }
    unsigned type = groups[g].cap.type;
    if (type == ObjType_L1CNode || type == ObjType_L2CNode) {
        for (int i = 0; i < num_mslots; i++) {
            if (mslots[i].container == g && !mslots[i].retired) {
                if (mslots[i].group >= 0) {
                    model_delete(i);
                }
                mslots[i].retired = true;
            }
        }
    } else {
        want_destroyed[type]++;
    }
}

static void model_delete(int s)
{
    int g = mslots[s].group;
    mslots[s].group = -1;
    if (--groups[g].members == 0) {
        group_died(g);
    }
}

static void model_put(int s, int g, uint8_t rights)
{
    mslots[s].group = g;
    mslots[s].rights = rights;
    groups[g].members++;
}

static bool live(int s) { return s >= 0 && mslots[s].group >= 0; }

static int random_live_slot(bool fixture_only)
{
    for (int tries = 0; tries < 200; tries++) {
        int s = rand() % num_mslots;
        if (live(s) && !mslots[s].retired && (!fixture_only || mslots[s].container < 0)) {
            return s;
        }
    }
    return -1;
}

/* A destination: mostly a fixture slot, often a slot of a live CNode,
 * now and then the last slot of a CNode. */
static int random_dest(int *container, uint32_t *index)
{
    int pick = rand() % 10;
    if (pick >= 5) {
        int s = random_live_slot(false);
        if (s >= 0 && (groups[mslots[s].group].cap.type == ObjType_L2CNode ||
                       groups[mslots[s].group].cap.type == ObjType_L1CNode)) {
            *container = mslots[s].group;
            *index = pick == 9 ? cnode_slots(&groups[*container].cap) - 1 : (uint32_t)(rand() % CN_SLOTS);
            return mslot_get(*container, *index);
        }
    }
    *container = -1;
    *index = 1 + (uint32_t)(rand() % (FIX_SLOTS - 1));
    return mslot_get(-1, *index);
}

static bool in_set(errval_t err, const errval_t *set, int n)
{
    for (int i = 0; i < n; i++) {
        if (set[i] == err) {
            return true;
        }
    }
    return false;
}

/* The kernel said err; the model says the errors in v[0..n) apply. */
static void expect(errval_t err, const errval_t *v, int n, const char *op)
{
    if (n == 0 && err != SYS_ERR_OK) {
        fail_msg("%s: the model expects success, the kernel said %u", op, err);
    }
    if (n > 0 && !in_set(err, v, n)) {
        fail_msg("%s: the kernel said %u, the model expects one of %d errors (first %u)",
                 op, err, n, v[0]);
    }
}

/* A source: mostly one that can be retyped and has the right to. */
static int retype_source(void)
{
    int s = random_live_slot(false);
    for (int tries = 0; tries < 8 && rand() % 10 != 0 && s >= 0; tries++) {
        if (spec[groups[mslots[s].group].cap.type].to != 0 &&
            (mslots[s].rights & CAPRIGHTS_WRITE)) {
            break;
        }
        s = random_live_slot(false);
    }
    return s;
}

static void op_retype(void)
{
    int s = retype_source();
    if (s < 0) {
        return;
    }
    const struct capability src = groups[mslots[s].group].cap;
    unsigned from = src.type;
    unsigned type;
    if (rand() % 8 != 0 && spec[from].to != 0) {
        do {
            type = rand() % ObjType_Num;
        } while (!spec_allows(from, type));
    } else {
        type = rand() % (ObjType_Num + 1);
    }
    const struct spec *ts = type < ObjType_Num ? &spec[type] : &spec[ObjType_Null];
    uint32_t align = ts->align ? ts->align : 1;
    uint32_t objsize;
    int r = rand() % 20;
    if (ts->fixed) {
        objsize = r == 0 ? ts->fixed : r == 1 ? ts->fixed / 2 : 0;
    } else if (ts->min) {
        uint32_t most = src.bytes / ts->min;
        objsize = r == 0 ? 0 : r == 1 ? ts->min + 512 :
                  ts->min * (1 + rand() % (most > 16 ? 16 : most ? most : 1));
    } else {
        objsize = 0;
    }
    uint32_t size = ts->fixed ? ts->fixed : objsize;
    uint32_t step = align > 4096 ? align : 4096;
    uint32_t offset;
    r = rand() % 20;
    if (r == 0) {
        offset = 512 * (rand() % 64);
    } else if (r == 1) {
        offset = 0xfffff000u;
    } else {
        offset = src.bytes >= step ? step * (rand() % (src.bytes / step)) : 0;
    }
    r = rand() % 40;
    uint32_t count = r == 0 ? 0 : r == 1 ? 257 : r < 6 ? 2 + rand() % 2 : 1;
    int container;
    uint32_t d;
    random_dest(&container, &d);

    /* What may go wrong. */
    errval_t v[12];
    int n = 0;
    uint64_t total = (uint64_t)count * size;
    if (!spec_allows(from, type)) {
        v[n++] = SYS_ERR_ILLEGAL_DEST_TYPE;
    }
    if (!(mslots[s].rights & CAPRIGHTS_WRITE)) {
        v[n++] = SYS_ERR_INSUFFICIENT_RIGHTS;
    }
    if (count == 0 || count > 256) {
        v[n++] = SYS_ERR_RETYPE_INVALID_COUNT;
    }
    if (type != ObjType_EndPoint) {
        if ((ts->fixed && objsize != 0 && objsize != ts->fixed) ||
            (!ts->fixed && (objsize == 0 || (ts->min && objsize % ts->min != 0))) ||
            (type == from && count == 1 && size == src.bytes)) {
            v[n++] = SYS_ERR_RETYPE_INVALID_SIZE;
        }
        if (((uint64_t)src.base + offset) % align != 0 || size % align != 0) {
            v[n++] = SYS_ERR_RETYPE_MISALIGNED;
        }
        if ((uint64_t)offset + total > src.bytes) {
            v[n++] = SYS_ERR_RETYPE_OUT_OF_RANGE;
        }
        if (from == ObjType_PhysAddr && type == ObjType_RAM &&
            !((uint64_t)src.base + offset >= PHYS_BASE &&
              (uint64_t)src.base + offset + total <= (uint64_t)PHYS_BASE + ARENA_BYTES)) {
            v[n++] = SYS_ERR_RETYPE_NOT_RAM;
        }
        uint64_t lo = (uint64_t)src.base + offset, hi = lo + total;
        for (int i = 0; i < num_mslots; i++) {
            int g = mslots[i].group;
            if (live(i) && !mslots[i].retired && descends(g, mslots[s].group) &&
                groups[g].cap.bytes != 0 && groups[g].cap.base < hi &&
                lo < (uint64_t)groups[g].cap.base + groups[g].cap.bytes) {
                v[n++] = SYS_ERR_RETYPE_OVERLAP;
                break;
            }
        }
    }
    uint32_t cn_slots = cnode_slots(container_cap(container));
    if (d >= cn_slots || count > cn_slots - d) {
        v[n++] = SYS_ERR_DEST_RANGE;
    } else {
        for (uint32_t k = 0; k < count && k < 256; k++) {
            if (live(mslot_get(container, d + k))) {
                v[n++] = SYS_ERR_SLOT_IN_USE;
                break;
            }
        }
    }
    errval_t err = cap_retype(mslots[s].cte, offset, type, objsize, count,
                              container_cap(container), d);
    expect(err, v, n, "retype");
    if (n == 0) {
        for (uint32_t k = 0; k < count; k++) {
            struct capability c = { .type = type, .base = src.base + offset + k * size,
                                    .bytes = size };
            if (type == ObjType_EndPoint) {
                c.base = src.base;
                c.bytes = src.bytes;
            }
            int ds = mslot_get(container, d + k);
            assert_true(ds >= 0);
            model_put(ds, new_group(mslots[s].group, &c), mslots[s].rights);
        }
    }
}

static uint8_t random_rights(uint8_t have)
{
    switch (rand() % 8) {
    case 0:  return CAPRIGHTS_ALLRIGHTS;
    case 1:  return 0x10;
    case 2:  return CAPRIGHTS_READ;
    default: return have & (uint8_t)rand();
    }
}

static void op_copy_mint(bool mint)
{
    int s = rand() % 20 == 0 ? mslot_get(-1, 1 + rand() % (FIX_SLOTS - 1)) : random_live_slot(false);
    if (s < 0) {
        return;
    }
    int container;
    uint32_t d;
    int ds = random_dest(&container, &d);
    if (ds < 0) {
        return;
    }
    uint8_t rights = random_rights(mslots[s].rights);
    errval_t v[4];
    int n = 0;
    uint32_t p1 = 0, p2 = 0;
    bool child = false;
    if (!live(s)) {
        v[n++] = SYS_ERR_CAP_NOT_FOUND;
        p1 = rand() % 2 ? 0x4000 : 0;
        p2 = p1 ? EP16 : 0;
    } else {
        const struct capability *c = &groups[mslots[s].group].cap;
        if (!mint || rand() % 3 == 0) {
            p1 = c->param1;
            p2 = c->param2;
        } else {
            p1 = DISP_LMP_AREA_OFFSET + 4 * (rand() % 0x3000) - (rand() % 8 == 0 ? 0x4000 : 0);
            p2 = rand() % 2 ? 4u * (unsigned)(rand() % 0x400)
                            : LMP_ENDPOINT_BYTES(1u << (rand() % 10));
        }
        bool same = p1 == c->param1 && p2 == c->param2;
        if (c->type != ObjType_EndPoint || same) {
            if (!same) {
                v[n++] = SYS_ERR_INVALID_MINT_PARAMS;
            }
        } else {
            child = true;
            if (c->param2 != 0 || !ep_buffer_ok(p1, p2)) {
                v[n++] = SYS_ERR_INVALID_MINT_PARAMS;
            }
        }
        if (live(ds)) {
            v[n++] = SYS_ERR_SLOT_IN_USE;
        }
        if (rights & ~mslots[s].rights) {
            v[n++] = SYS_ERR_RIGHTS_ESCALATION;
        }
    }
    errval_t err = mint ? cap_mint(mslots[ds].cte, mslots[s].cte, rights, p1, p2)
                        : cap_copy(mslots[ds].cte, mslots[s].cte, rights);
    expect(err, v, n, mint ? "mint" : "copy");
    if (n == 0) {
        if (child) {
            struct capability c = groups[mslots[s].group].cap;
            c.param1 = p1;
            c.param2 = p2;
            model_put(ds, new_group(mslots[s].group, &c), rights);
        } else {
            model_put(ds, mslots[s].group, rights);
        }
    }
}

/* The roots' own slots are never deleted, so the three root objects (and
 * with them everything) can be revoked at the end. */
static bool is_root_slot(int s)
{
    return mslots[s].container < 0 &&
           (mslots[s].index == 0 || mslots[s].index >= FIX_SLOTS - 2);
}

static void op_delete(void)
{
    int s = rand() % 10 == 0 ? mslot_get(-1, 1 + rand() % (FIX_SLOTS - 1)) : random_live_slot(false);
    if (s < 0 || is_root_slot(s)) {
        return;
    }
    /* Half of them try the shortcut first, as the kernel does: the model
     * then checks that it deleted only what it may, exactly as cap_delete. */
    errval_t err = (rand() % 2 && cap_delete_leaf(mslots[s].cte)) ? SYS_ERR_OK
                                                                 : cap_delete(mslots[s].cte);
    if (live(s)) {
        assert_int_equal(err, SYS_ERR_OK);
        model_delete(s);
    } else {
        assert_int_equal(err, SYS_ERR_CAP_NOT_FOUND);
    }
}

/* Revoke a capability in the fixture CNode (which is never destroyed, so
 * the revoked one always survives its own revoke). */
static void op_revoke(void)
{
    int s = random_live_slot(true);
    if (s < 0 || groups[mslots[s].group].parent < 0) {
        return;                 /* a root's revoke would end the game */
    }
    int g = mslots[s].group;
    assert_int_equal(cap_revoke(mslots[s].cte), SYS_ERR_OK);
    for (int i = 0; i < num_mslots; i++) {
        if (i != s && mslots[i].group == g && !mslots[i].retired) {
            model_delete(i);
        }
    }
    for (bool again = true; again;) {
        again = false;
        for (int i = 0; i < num_mslots; i++) {
            if (live(i) && !mslots[i].retired && descends(mslots[i].group, g)) {
                model_delete(i);
                again = true;
            }
        }
    }
}

static int cmp_group_base(const void *a, const void *b)
{
    uint32_t x = groups[*(const int *)a].cap.base, y = groups[*(const int *)b].cap.base;
    return x < y ? -1 : x > y;
}

static void check_against_model(void)
{
    assert_true(mdb_check_invariants());
    static bool has_desc[MGROUPS];
    memset(has_desc, 0, sizeof(bool) * (size_t)num_groups);
    for (int i = 0; i < num_mslots; i++) {
        if (live(i) && !mslots[i].retired) {
            for (int p = groups[mslots[i].group].parent; p >= 0; p = groups[p].parent) {
                has_desc[p] = true;
            }
        }
    }
    for (int i = 0; i < num_mslots; i++) {
        if (mslots[i].retired) {
            continue;
        }
        const struct cte *c = mslots[i].cte;
        if (!live(i)) {
            assert_int_equal(c->cap.type, ObjType_Null);
            continue;
        }
        const struct mgroup *g = &groups[mslots[i].group];
        assert_int_equal(c->cap.type, g->cap.type);
        assert_int_equal(c->cap.base, g->cap.base);
        assert_int_equal(c->cap.bytes, g->cap.bytes);
        assert_int_equal(c->cap.param1, g->cap.param1);
        assert_int_equal(c->cap.param2, g->cap.param2);
        assert_int_equal(c->cap.rights, mslots[i].rights);
        assert_int_equal(c->cap.fast, spec_fast(g->cap.type, mslots[i].rights, g->cap.param2));
        assert_ptr_equal(c->cap.kva, spec_kva(g->cap.type, g->cap.base));
        assert_int_equal(mdb_has_copies(c), g->members > 1);
        assert_int_equal(mdb_has_descendants(c), has_desc[mslots[i].group]);
    }
    /* No two live memory objects overlap unless one descends from the other
     * (endpoints name their dispatcher's memory but are not memory). */
    static int mem[MGROUPS];
    int n = 0;
    for (int g = 0; g < num_groups; g++) {
        if (groups[g].members > 0 && groups[g].cap.bytes != 0 &&
            groups[g].cap.type != ObjType_EndPoint) {
            mem[n++] = g;
        }
    }
    qsort(mem, (size_t)n, sizeof(int), cmp_group_base);
    for (int i = 0; i < n; i++) {
        uint64_t end = (uint64_t)groups[mem[i]].cap.base + groups[mem[i]].cap.bytes;
        for (int j = i + 1; j < n && groups[mem[j]].cap.base < end; j++) {
            assert_true(descends(mem[i], mem[j]) || descends(mem[j], mem[i]));
        }
    }
    for (unsigned t = 0; t < ObjType_Num; t++) {
        assert_int_equal(destroyed[t], want_destroyed[t]);
    }
}

static void random_round(unsigned seed)
{
    srand(seed);
    setup(NULL);
    num_groups = num_mslots = 0;
    memset(want_destroyed, 0, sizeof(want_destroyed));
    model_put(mslot_get(-1, 0), new_group(-1, &ram->cap), CAPRIGHTS_ALLRIGHTS);
    /* Untyped address space: some of the arena, and device registers. */
    struct cte *pa = make_root(FIX_SLOTS - 1, ObjType_PhysAddr, SPARE_BASE, 0x100000,
                               CAPRIGHTS_ALLRIGHTS);
    model_put(mslot_get(-1, FIX_SLOTS - 1), new_group(-1, &pa->cap), CAPRIGHTS_ALLRIGHTS);
    pa = make_root(FIX_SLOTS - 2, ObjType_PhysAddr, DEVICE_BASE, 0x40000, CAPRIGHTS_READ_WRITE);
    model_put(mslot_get(-1, FIX_SLOTS - 2), new_group(-1, &pa->cap), CAPRIGHTS_READ_WRITE);
    int roots[] = { 0, FIX_SLOTS - 1, FIX_SLOTS - 2 };

    for (int step = 0; step < STEPS; step++) {
        int op = rand() % 40;
        if (op < 20) {
            op_retype();
        } else if (op < 27) {
            op_copy_mint(false);
        } else if (op < 31) {
            op_copy_mint(true);
        } else if (op < 39) {
            op_delete();
        } else {
            op_revoke();
        }
        check_against_model();
    }
    /* Revoking the roots deletes everything: all memory is free again and
     * only the roots are left in the MDB. */
    for (unsigned i = 0; i < 3; i++) {
        struct cte *c = slot((unsigned)roots[i]);
        assert_int_equal(cap_revoke(c), SYS_ERR_OK);
        assert_false(mdb_has_descendants(c));
        assert_false(mdb_has_copies(c));
    }
    for (int i = 1; i < FIX_SLOTS - 2; i++) {
        assert_int_equal(slot(i)->cap.type, ObjType_Null);
    }
    unsigned entries = 0;
    for (const struct cte *c = mdb_first(); c != NULL; c = c->mdb.next) {
        entries++;
    }
    assert_int_equal(entries, 4);       /* the L2 CNode, the RAM, two PhysAddr */
    assert_int_equal(cap_retype(ram, 0, ObjType_Frame, RAM_BYTES, 1, &l2->cap, 1), SYS_ERR_OK);
    assert_int_equal(cap_retype(slot(FIX_SLOTS - 1), 0, ObjType_RAM, 0x100000, 1, &l2->cap, 2),
                     SYS_ERR_OK);
    teardown(NULL);
}

static void test_random(void **state)
{
    (void)state;
    teardown(NULL);
    for (unsigned seed = 1; seed <= ROUNDS; seed++) {
        random_round(seed);
    }
    setup(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_retype_matrix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retype_legal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retype_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_mint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fast_bits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_adopt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_revoke_complete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retype_watermark, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cnode_destroy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_held_slots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cross_export, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cross_import, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_leaf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_fast, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invocations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invoke_rights, setup, teardown),
        cmocka_unit_test_setup_teardown(test_root_resize, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
