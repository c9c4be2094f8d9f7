/*
 * tests/host/test_caps.c -- the capability code (kernel/cap.c, mdb.c,
 * cap_types.c, cnode.c) on the host: every retype rule, the errors, copy /
 * mint / delete / revoke, CNode destruction, and a randomized comparison
 * against a simple model of derivation.
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

/* ---- the fake physical memory ------------------------------------------ */

#define PHYS_BASE   0x80000000u
#define ARENA_BYTES (8u << 20)
static uint8_t *arena;

void *cap_phys_to_kptr(paddr_t pa)
{
    assert_true(pa >= PHYS_BASE && pa - PHYS_BASE < ARENA_BYTES);
    return arena + (pa - PHYS_BASE);
}

/* ---- hook stubs that record what the kernel would have done -------------- */

static int unmaps, destroys, moves, dispatchers_destroyed;
static unsigned last_destroyed_type;
void cap_hook_unmap(struct cte *cte) { unmaps++; memset(&cte->map, 0, sizeof(cte->map)); }
void cap_hook_moved(struct cte *dest, struct cte *src) { (void)dest; (void)src; moves++; }
void cap_hook_destroy(const struct capability *cap)
{
    destroys++;
    dispatchers_destroyed += cap->type == ObjType_Dispatcher;
    last_destroyed_type = cap->type;
}

/* Objects other kernel files would provide to cnode.c. */
errval_t cnode_replace_root(struct dcb *caller, struct cte *root)
{
    (void)caller;
    (void)root;
    return SYS_ERR_OK;
}

/* ---- fixture: a root CNode with one L2 CNode, and a big RAM cap ---------- */

static struct capability root;      /* L1CNode: 256 slots at PHYS_BASE */
static struct cte *l2;              /* root slot 0: L2CNode */
static struct cte *ram;             /* L2 slot 0: RAM */
#define RAM_BASE (PHYS_BASE + 0x100000u)
#define RAM_BYTES (4u << 20)

static struct cte *slot(unsigned i) { return cnode_slot(&l2->cap, i); }

static int setup(void **state)
{
    (void)state;
    arena = aligned_alloc(1 << 16, ARENA_BYTES);
    memset(arena, 0, ARENA_BYTES);
    mdb_reset();
    unmaps = destroys = moves = 0;
    root = (struct capability){ .type = ObjType_L1CNode, .rights = CAPRIGHTS_ALLRIGHTS,
                                .base = PHYS_BASE, .bytes = 256 * CTE_SIZE };
    l2 = cnode_slot(&root, 0);
    struct capability c = { .type = ObjType_L2CNode, .rights = CAPRIGHTS_ALLRIGHTS,
                            .base = PHYS_BASE + 0x10000, .bytes = OBJSIZE_L2CNODE };
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

/* ---- retype ----------------------------------------------------------------- */

static void test_retype_legal(void **state)
{
    (void)state;
    struct { unsigned type; uint32_t size; } ok[] = {
        { ObjType_RAM, 8192 }, { ObjType_Frame, 8192 }, { ObjType_L1CNode, 16384 },
        { ObjType_L2CNode, 0 }, { ObjType_VNode_ARM_l1, 0 }, { ObjType_VNode_ARM_l2, 0 },
        { ObjType_Dispatcher, 0 },
    };
    uint32_t off = 0;
    for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        off = (off + 0x8000) & ~0x7fffu;        /* aligned for everything */
        assert_int_equal(cap_retype(ram, off, ok[i].type, ok[i].size, 1, &l2->cap, 10 + i),
                         SYS_ERR_OK);
        assert_int_equal(slot(10 + i)->cap.type, ok[i].type);
        assert_int_equal(slot(10 + i)->cap.base, RAM_BASE + off);
        off += 0x8000;
    }
    /* Frame -> Frame, Dispatcher -> EndPoint (twice), PhysAddr -> RAM/DevFrame */
    assert_int_equal(cap_retype(slot(11), 0, ObjType_Frame, 4096, 1, &l2->cap, 30), SYS_ERR_OK);
    assert_int_equal(cap_retype(slot(16), 0, ObjType_EndPoint, 0, 2, &l2->cap, 31), SYS_ERR_OK);
    assert_int_equal(slot(32)->cap.type, ObjType_EndPoint);
    assert_int_equal(slot(32)->cap.base, slot(16)->cap.base);
    struct capability pa = { .type = ObjType_PhysAddr, .rights = CAPRIGHTS_ALLRIGHTS,
                             .base = PHYS_BASE + 0x600000, .bytes = 0x10000 };
    cap_create_root(slot(40), &pa);
    assert_int_equal(cap_retype(slot(40), 0, ObjType_RAM, 4096, 1, &l2->cap, 41), SYS_ERR_OK);
    assert_int_equal(cap_retype(slot(40), 4096, ObjType_DevFrame, 4096, 1, &l2->cap, 42), SYS_ERR_OK);
    assert_true(mdb_check_invariants());
}

static void test_retype_errors(void **state)
{
    (void)state;
    assert_int_equal(cap_retype(ram, 0, ObjType_EndPoint, 0, 1, &l2->cap, 1), SYS_ERR_ILLEGAL_DEST_TYPE);
    assert_int_equal(cap_retype(ram, 0, ObjType_Kernel, 0, 1, &l2->cap, 1), SYS_ERR_ILLEGAL_DEST_TYPE);
    assert_int_equal(cap_retype(ram, 0, ObjType_Num + 3, 0, 1, &l2->cap, 1), SYS_ERR_ILLEGAL_DEST_TYPE);
    assert_int_equal(cap_retype(ram, 0, ObjType_Frame, 100, 1, &l2->cap, 1), SYS_ERR_RETYPE_INVALID_SIZE);
    assert_int_equal(cap_retype(ram, 0, ObjType_Frame, 0, 1, &l2->cap, 1), SYS_ERR_RETYPE_INVALID_SIZE);
    assert_int_equal(cap_retype(ram, 0, ObjType_RAM, RAM_BYTES, 1, &l2->cap, 1),
                     SYS_ERR_RETYPE_INVALID_SIZE);  /* would look like a copy */
    assert_int_equal(cap_retype(ram, 0, ObjType_L2CNode, 4096, 1, &l2->cap, 1), SYS_ERR_RETYPE_INVALID_SIZE);
    assert_int_equal(cap_retype(ram, 0x800, ObjType_Frame, 4096, 1, &l2->cap, 1), SYS_ERR_RETYPE_MISALIGNED);
    assert_int_equal(cap_retype(ram, 0x1000, ObjType_VNode_ARM_l1, 0, 1, &l2->cap, 1), SYS_ERR_RETYPE_MISALIGNED);
    assert_int_equal(cap_retype(ram, 0, ObjType_Frame, RAM_BYTES + 4096, 1, &l2->cap, 1), SYS_ERR_RETYPE_OUT_OF_RANGE);
    assert_int_equal(cap_retype(ram, 0xfffff000u, ObjType_Frame, 8192, 1, &l2->cap, 1), SYS_ERR_RETYPE_OUT_OF_RANGE);
    assert_int_equal(cap_retype(ram, 0, ObjType_Frame, 4096, 0, &l2->cap, 1), SYS_ERR_RETYPE_INVALID_COUNT);
    assert_int_equal(cap_retype(ram, 0, ObjType_Frame, 4096, 257, &l2->cap, 1), SYS_ERR_RETYPE_INVALID_COUNT);
    assert_int_equal(cap_retype(ram, 0, ObjType_Frame, 4096, 2, &l2->cap, 255), SYS_ERR_DEST_RANGE);
    assert_int_equal(cap_retype(ram, 0, ObjType_Frame, 4096, 1, &l2->cap, 0), SYS_ERR_SLOT_IN_USE);
    assert_int_equal(cap_retype(ram, 0, ObjType_Frame, 8192, 1, &l2->cap, 1), SYS_ERR_OK);
    assert_int_equal(cap_retype(ram, 4096, ObjType_Frame, 4096, 1, &l2->cap, 2), SYS_ERR_RETYPE_OVERLAP);
    /* A copy of the source sees the same descendants. */
    assert_int_equal(cap_copy(slot(3), ram, CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK);
    assert_int_equal(cap_retype(slot(3), 0, ObjType_Frame, 4096, 1, &l2->cap, 2), SYS_ERR_RETYPE_OVERLAP);
    /* No write right: no retype. */
    assert_int_equal(cap_copy(slot(4), ram, CAPRIGHTS_READ), SYS_ERR_OK);
    assert_int_equal(cap_retype(slot(4), 0x10000, ObjType_Frame, 4096, 1, &l2->cap, 5), SYS_ERR_INSUFFICIENT_RIGHTS);
    /* Deleting the child gives the range back. */
    assert_int_equal(cap_delete(slot(1)), SYS_ERR_OK);
    assert_int_equal(cap_retype(ram, 4096, ObjType_Frame, 4096, 1, &l2->cap, 2), SYS_ERR_OK);
    assert_true(mdb_check_invariants());
}

/* ---- lookup -------------------------------------------------------------------- */

static void test_lookup(void **state)
{
    (void)state;
    struct cte *c;
    assert_int_equal(cap_lookup(&root, CAPADDR(0, 0), 2, &c), SYS_ERR_OK);
    assert_ptr_equal(c, ram);
    assert_int_equal(cap_lookup(&root, CAPADDR(0, 7), 2, &c), SYS_ERR_CAP_NOT_FOUND);
    assert_int_equal(cap_lookup(&root, CAPADDR(0, 0), 3, &c), SYS_ERR_CAP_LOOKUP_DEPTH);
    assert_int_equal(cap_lookup(&root, CAPADDR(0, 0), 0, &c), SYS_ERR_CAP_LOOKUP_DEPTH);
    assert_int_equal(cap_lookup(&root, CAPADDR(256, 0), 2, &c), SYS_ERR_L1_INDEX_OUT_OF_RANGE);
    assert_int_equal(cap_lookup(&root, CAPADDR(5, 0), 2, &c), SYS_ERR_CNODE_NOT_FOUND);
    assert_int_equal(cap_lookup(&root, CAPADDR(0, 0), 1, &c), SYS_ERR_OK);
    assert_ptr_equal(c, l2);
    /* A root slot holding a Frame is not a CNode. */
    assert_int_equal(cap_retype(ram, 0, ObjType_Frame, 4096, 1, &root, 5), SYS_ERR_OK);
    assert_int_equal(cap_lookup(&root, CAPADDR(5, 0), 2, &c), SYS_ERR_CNODE_TYPE);
    struct capability notroot = ram->cap;
    assert_int_equal(cap_lookup(&notroot, 0, 2, &c), SYS_ERR_CNODE_TYPE);
}

/* ---- copy, mint, delete, revoke ------------------------------------------------ */

static void test_copy_mint(void **state)
{
    (void)state;
    assert_int_equal(cap_retype(ram, 0, ObjType_Frame, 4096, 1, &l2->cap, 1), SYS_ERR_OK);
    assert_int_equal(cap_copy(slot(2), slot(1), CAPRIGHTS_READ), SYS_ERR_OK);
    assert_int_equal(slot(2)->cap.rights, CAPRIGHTS_READ);
    assert_int_equal(cap_copy(slot(3), slot(2), CAPRIGHTS_READ_WRITE), SYS_ERR_RIGHTS_ESCALATION);
    assert_int_equal(cap_copy(slot(2), slot(1), CAPRIGHTS_READ), SYS_ERR_SLOT_IN_USE);
    assert_int_equal(cap_copy(slot(3), slot(9), CAPRIGHTS_READ), SYS_ERR_CAP_NOT_FOUND);
    assert_true(mdb_has_copies(slot(1)));
    assert_int_equal(cap_mint(slot(3), slot(1), CAPRIGHTS_READ, 1, 0), SYS_ERR_INVALID_MINT_PARAMS);

    /* RAM -> Dispatcher -> EndPoint -> minted EndPoint */
    assert_int_equal(cap_retype(ram, 0x10000, ObjType_Dispatcher, 0, 1, &l2->cap, 10), SYS_ERR_OK);
    assert_int_equal(cap_retype(slot(10), 0, ObjType_EndPoint, 0, 1, &l2->cap, 11), SYS_ERR_OK);
    struct { uint32_t off, len; } bad[] = {
        { 0x100, 64 }, { 0x4002, 64 }, { 0x4000, 8 }, { 0x4000, 62 },
        { 0xff00, 0x200 }, { 0x4000, 0xfffffff0u }, { 0xfffffffcu, 64 },
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(cap_mint(slot(12), slot(11), CAPRIGHTS_ALLRIGHTS, bad[i].off, bad[i].len),
                         SYS_ERR_INVALID_MINT_PARAMS);
    }
    assert_int_equal(cap_mint(slot(12), slot(11), CAPRIGHTS_ALLRIGHTS, 0x4000, 0x100), SYS_ERR_OK);
    assert_int_equal(cap_mint(slot(13), slot(12), CAPRIGHTS_ALLRIGHTS, 0x5000, 0x100),
                     SYS_ERR_INVALID_MINT_PARAMS);      /* already minted */
    assert_int_equal(cap_mint(slot(13), slot(12), CAPRIGHTS_READ_WRITE, 0x4000, 0x100), SYS_ERR_OK);
    assert_true(mdb_has_descendants(slot(11)));
    assert_true(mdb_has_copies(slot(12)));

    /* Revoking the RAM takes everything derived from it. */
    dispatchers_destroyed = 0;
    assert_int_equal(cap_revoke(ram), SYS_ERR_OK);
    for (unsigned i = 1; i < 16; i++) {
        assert_int_equal(slot(i)->cap.type, ObjType_Null);
    }
    assert_int_equal(dispatchers_destroyed, 1);     /* the dispatcher, once */
    assert_false(mdb_has_descendants(ram));
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
    /* A mapped copy is unmapped when deleted; a copy's deletion destroys nothing. */
    assert_int_equal(cap_copy(slot(3), slot(2), CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK);
    slot(3)->map.table = PHYS_BASE + 0x20000;
    destroys = 0;
    assert_int_equal(cap_delete(slot(3)), SYS_ERR_OK);
    assert_int_equal(unmaps, 1);
    assert_int_equal(destroys, 0);
    assert_int_equal(cap_retype(ram, 0x20000, ObjType_VNode_ARM_l2, 0, 1, &l2->cap, 4), SYS_ERR_OK);
    assert_int_equal(cap_delete(slot(4)), SYS_ERR_OK);
    assert_int_equal(destroys, 1);
    assert_int_equal(last_destroyed_type, ObjType_VNode_ARM_l2);
    /* cap_move keeps the list consistent. */
    moves = 0;
    slot(2)->map.table = PHYS_BASE + 0x20000;
    cap_move(slot(9), slot(2));
    assert_int_equal(slot(2)->cap.type, ObjType_Null);
    assert_int_equal(moves, 1);
    assert_true(mdb_check_invariants());
    assert_int_equal(cap_delete(slot(9)), SYS_ERR_OK);
    assert_int_equal(cap_retype(ram, 0, ObjType_RAM, 0x10000, 1, &l2->cap, 1), SYS_ERR_OK);
}

/* A CNode's destruction empties it, even with cycles, without recursing. */
static void test_cnode_destroy(void **state)
{
    (void)state;
    assert_int_equal(cap_retype(ram, 0, ObjType_L2CNode, 0, 2, &l2->cap, 1), SYS_ERR_OK);
    struct capability *a = &slot(1)->cap, *b = &slot(2)->cap;
    assert_int_equal(cap_retype(ram, 0x10000, ObjType_Frame, 4096, 1, a, 0), SYS_ERR_OK);
    assert_int_equal(cap_copy(cnode_slot(a, 1), slot(2), CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK); /* A holds B */
    assert_int_equal(cap_copy(cnode_slot(b, 1), slot(1), CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK); /* B holds A */
    assert_int_equal(cap_copy(cnode_slot(b, 2), slot(2), CAPRIGHTS_ALLRIGHTS), SYS_ERR_OK); /* B holds B */
    /* Our caps go; the cycle keeps both alive (unreachable) ... */
    assert_int_equal(cap_delete(slot(1)), SYS_ERR_OK);
    assert_int_equal(cap_delete(slot(2)), SYS_ERR_OK);
    assert_true(mdb_check_invariants());
    assert_true(mdb_has_descendants(ram));
    /* ... until revoking the RAM they came from reclaims all of it. */
    assert_int_equal(cap_revoke(ram), SYS_ERR_OK);
    assert_false(mdb_has_descendants(ram));
    assert_true(mdb_check_invariants());
    /* A chain of CNodes, each holding the only cap to the next. */
    assert_int_equal(cap_retype(ram, 0, ObjType_L2CNode, 0, 64, &l2->cap, 100), SYS_ERR_OK);
    for (unsigned i = 162; i >= 100; i--) {
        cap_move(cnode_slot(&slot(i)->cap, 0), slot(i + 1));
    }
    assert_int_equal(cap_delete(slot(100)), SYS_ERR_OK);
    assert_false(mdb_has_descendants(ram));
    assert_int_equal(cap_retype(ram, 0, ObjType_Frame, RAM_BYTES, 1, &l2->cap, 1), SYS_ERR_OK);
}

/* ---- the CNode invocations -------------------------------------------------------- */

static errval_t invoke(unsigned method, uint32_t *ret, unsigned n, ...)
{
    struct invocation inv = { .root = &root, .cte = l2, .method = method };
    va_list ap;
    va_start(ap, n);
    for (unsigned i = 0; i < n; i++) {
        inv.args[i] = va_arg(ap, uint32_t);
    }
    va_end(ap);
    errval_t err = cnode_invoke(&inv);
    if (ret) {
        memcpy(ret, inv.ret, sizeof(inv.ret));
    }
    return err;
}

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
    assert_int_equal(invoke(CNodeCmd_Mint, NULL, 8, CAPADDR(0, 0), 1, 7, CAPADDR(0, 5), 0,
                            CAPRIGHTS_READ, 0, 0), SYS_ERR_OK);
    assert_int_equal(invoke(CNodeCmd_Copy, NULL, 6, CAPADDR(0, 0), 1, 8, CAPADDR(0, 5), 0, 0xff),
                     SYS_ERR_RIGHTS_ESCALATION);
    assert_int_equal(invoke(CNodeCmd_Delete, NULL, 2, CAPADDR(0, 6), 0), SYS_ERR_OK);
    assert_int_equal(invoke(CNodeCmd_Delete, NULL, 2, CAPADDR(0, 6), 0), SYS_ERR_CAP_NOT_FOUND);
    assert_int_equal(invoke(CNodeCmd_Revoke, NULL, 2, CAPADDR(0, 0), 0), SYS_ERR_OK);
    assert_int_equal(invoke(CNodeCmd_Identify, r, 2, CAPADDR(0, 7), 0), SYS_ERR_CAP_NOT_FOUND);
    assert_int_equal(invoke(99, NULL, 0), SYS_ERR_ILLEGAL_INVOCATION);
    /* Without the write right on the CNode, its slots cannot change. */
    l2->cap.rights = CAPRIGHTS_READ;
    assert_int_equal(invoke(CNodeCmd_Delete, NULL, 2, CAPADDR(0, 0), 0), SYS_ERR_INSUFFICIENT_RIGHTS);
    l2->cap.rights = CAPRIGHTS_ALLRIGHTS;
}

/* ---- randomized: the real thing against a model ------------------------------------ */

#define NSLOTS 64
#define MAXOBJ 100000
struct model {
    bool live;
    unsigned type;
    uint32_t base, bytes;
    unsigned object;        /* object identity: copies share it */
};
static struct model m[NSLOTS];
static int obj_parent[MAXOBJ];      /* object -> the object it came from */
static unsigned next_object = 1;

static bool model_descends(int child, int ancestor)
{
    for (int o = obj_parent[m[child].object]; o > 0; o = obj_parent[o]) {
        if ((unsigned)o == m[ancestor].object) {
            return true;
        }
    }
    return false;
}

static bool model_has_copies(int i)
{
    for (int j = 0; j < NSLOTS; j++) {
        if (j != i && m[j].live && m[j].object == m[i].object) {
            return true;
        }
    }
    return false;
}

static void check_against_model(void)
{
    assert_true(mdb_check_invariants());
    for (int i = 1; i < NSLOTS; i++) {
        assert_int_equal(m[i].live, slot(i)->cap.type != ObjType_Null);
        if (!m[i].live) {
            continue;
        }
        assert_int_equal(mdb_has_copies(slot(i)), model_has_copies(i));
        for (int j = 0; j < NSLOTS; j++) {
            if (j == i || !m[j].live || m[i].object == m[j].object) {
                continue;
            }
            bool overlap = m[i].base < m[j].base + m[j].bytes && m[j].base < m[i].base + m[i].bytes;
            if (overlap) {
                /* Two live objects overlap only along a derivation line. */
                assert_true(model_descends(i, j) || model_descends(j, i));
            }
        }
    }
}

static int free_slot(void)
{
    for (int tries = 0; tries < 50; tries++) {
        int i = 1 + rand() % (NSLOTS - 1);
        if (!m[i].live) {
            return i;
        }
    }
    return -1;
}

/* The model's deletion: when the last copy goes, the object's children
 * become its parent's (the kernel's adoption). */
static void model_delete(int i)
{
    m[i].live = false;
    if (model_has_copies(i)) {
        return;
    }
    unsigned o = m[i].object;
    for (unsigned c = 1; c < next_object; c++) {
        if (obj_parent[c] == (int)o) {
            obj_parent[c] = obj_parent[o];
        }
    }
}

static void sync_model_from_kernel(void)
{
    /* a revoke removes many: mirror the kernel's slots */
    for (int i = 1; i < NSLOTS; i++) {
        if (m[i].live && slot(i)->cap.type == ObjType_Null) {
            model_delete(i);
        }
    }
}

static void random_round(unsigned seed)
{
    srand(seed);
    setup(NULL);
    memset(m, 0, sizeof(m));
    memset(obj_parent, 0, sizeof(obj_parent));
    next_object = 1;
    m[0] = (struct model){ true, ObjType_RAM, RAM_BASE, RAM_BYTES, next_object++ };
    for (int step = 0; step < 2000; step++) {
        int src = rand() % NSLOTS;
        if (!m[src].live) {
            continue;
        }
        int op = rand() % 10;
        if (op < 4 && (m[src].type == ObjType_RAM || m[src].type == ObjType_Frame)) {
            int d = free_slot();
            if (d < 0) {
                continue;
            }
            unsigned type = m[src].type == ObjType_Frame || rand() % 2 ? ObjType_Frame : ObjType_RAM;
            uint32_t pages = m[src].bytes / 4096;
            uint32_t size = 4096 * (1 + rand() % (pages > 4 ? pages / 4 : 1));
            uint32_t off = 4096 * (rand() % pages);
            errval_t err = cap_retype(slot(src), off, type, size, 1, &l2->cap, d);
            if (err_is_ok(err)) {
                obj_parent[next_object] = (int)m[src].object;
                m[d] = (struct model){ true, type, m[src].base + off, size, next_object++ };
            } else {
                assert_true(err == SYS_ERR_RETYPE_OVERLAP || err == SYS_ERR_RETYPE_OUT_OF_RANGE ||
                            err == SYS_ERR_RETYPE_INVALID_SIZE);
            }
        } else if (op < 6) {
            int d = free_slot();
            if (d >= 0 && err_is_ok(cap_copy(slot(d), slot(src), slot(src)->cap.rights))) {
                m[d] = m[src];
            }
        } else if (op < 9) {
            if (src == 0) {
                continue;
            }
            assert_int_equal(cap_delete(slot(src)), SYS_ERR_OK);
            model_delete(src);
            sync_model_from_kernel();
        } else {
            if (m[src].object == m[0].object) {
                continue;       /* keep the root RAM (a revoke would take it) */
            }
            assert_int_equal(cap_revoke(slot(src)), SYS_ERR_OK);
            sync_model_from_kernel();
        }
        check_against_model();
    }
    /* Delete everything: the whole RAM can be retyped again. */
    for (int i = 1; i < NSLOTS; i++) {
        if (slot(i)->cap.type != ObjType_Null) {
            cap_delete(slot(i));
        }
    }
    assert_false(mdb_has_descendants(ram));
    assert_int_equal(cap_retype(ram, 0, ObjType_Frame, RAM_BYTES, 1, &l2->cap, 1), SYS_ERR_OK);
    teardown(NULL);
}

static void test_random(void **state)
{
    (void)state;
    teardown(NULL);
    for (unsigned seed = 1; seed <= 8; seed++) {
        random_round(seed);
    }
    setup(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_retype_legal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retype_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_mint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_adopt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cnode_destroy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invocations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
