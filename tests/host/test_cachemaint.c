/*
 * tests/host/test_cachemaint.c -- the order of cache maintenance, TLB
 * maintenance and barriers in the kernel's C code (kernel/arch/armv7/
 * cachemaint.c and kernel/vnode.c, compiled unchanged) against the
 * recording fake CP15 of tests/host/fake_cp15.c.  docs/hardware.md,
 * "Caches", says what each rule is for and where the ARM ARM states it.
 *
 * Each case is one thing QEMU forgives and a Cortex-A9 does not:
 *   - code written through the data side, then mapped executable (init's
 *     loader and libsys' spawn both do this): every written line cleaned
 *     to PoU, DSB, ICIALLU, BPIALL, DSB, ISB -- all before the descriptor
 *     that makes the page executable reaches the walker;
 *   - a new page table: its whole walked part cleaned, then DSB;
 *   - a descriptor written: its line cleaned, then DSB (before a TLB
 *     operation where one is needed: TLBIALL, DSB, ISB after removing).
 *
 * sources: kernel/arch/armv7/cachemaint.c kernel/vnode.c kernel/arch/armv7/asid.c tests/host/fake_cp15.c
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
#include <vnode.h>
#include <arch/asid.h>
#include <invocation.h>
#include <arch/armv7.h>
#include <arch/cache.h>
#include "fake_cp15.h"

#define LINE 32u

/* ---- the fake physical memory and the kernel functions vnode.c uses ---- */

#define PHYS_BASE   0x80000000u
#define ARENA_BYTES (1u << 20)
static uint8_t *arena;

void *cap_phys_to_kptr(paddr_t pa)
{
    assert_true(pa >= PHYS_BASE && pa - PHYS_BASE < ARENA_BYTES);
    return arena + (pa - PHYS_BASE);
}

errval_t cap_lookup(const struct capability *root, capaddr_t addr, unsigned level,
                    struct cte **out)
{
    (void)root; (void)addr; (void)level; (void)out;
    return SYS_ERR_CAP_NOT_FOUND;
}

NORETURN void panic_at(const char *file, int line, const char *fmt, ...)
{
    fail_msg("kernel panic at %s:%d (%s)", file, line, fmt);
    abort();
}

/* Objects in the arena (the host's shadows hold 8-byte pointers, so each
 * object gets twice its target size). */
#define L1_PA     (PHYS_BASE + 0x00000)     /* 64 KiB */
#define L2_PA     (PHYS_BASE + 0x10000)     /* 4 KiB */
#define FRAME_PA  (PHYS_BASE + 0x20000)     /* 2 pages */
#define FRAME_PAGES 2

static struct cte l1, l2, frame;

static void make_cte(struct cte *c, unsigned type, paddr_t base, uint32_t bytes)
{
    memset(c, 0, sizeof(*c));
    c->cap.type = type;
    c->cap.base = base;
    c->cap.bytes = bytes;
    c->cap.rights = CAPRIGHTS_ALLRIGHTS;
}

static int setup(void **state)
{
    (void)state;
    arena = calloc(1, ARENA_BYTES);
    assert_non_null(arena);
    make_cte(&l1, ObjType_VNode_ARM_l1, L1_PA, OBJSIZE_VNODE_ARM_L1);
    make_cte(&l2, ObjType_VNode_ARM_l2, L2_PA, OBJSIZE_VNODE_ARM_L2);
    make_cte(&frame, ObjType_Frame, FRAME_PA, FRAME_PAGES * BASE_PAGE_SIZE);
    fake_cp15_reset();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(arena);
    return 0;
}

static uintptr_t kaddr(paddr_t pa) { return (uintptr_t)cap_phys_to_kptr(pa); }

/* ---- checking the log ------------------------------------------------------ */

/* The log from `from` on must be exactly ops[0..n-1]. */
static void expect_tail(size_t from, const enum fake_cp15_op *ops, size_t n)
{
    if (fake_cp15_count - from != n) {
        fake_cp15_dump();
    }
    assert_int_equal(fake_cp15_count - from, n);
    for (size_t i = 0; i < n; i++) {
        if (fake_cp15_log[from + i].op != ops[i]) {
            fake_cp15_dump();
            fail_msg("entry %zu is %s, expected %s", from + i,
                     fake_cp15_name(fake_cp15_log[from + i].op), fake_cp15_name(ops[i]));
        }
    }
}

/* Entries [from, from + lines) clean, with op, each line of [start, start +
 * bytes) once and in order; returns the index after them. */
static size_t expect_cleaned(size_t from, enum fake_cp15_op op, uintptr_t start,
                             size_t bytes)
{
    uintptr_t first = start & ~(uintptr_t)(LINE - 1);
    size_t lines = (start + bytes - first + LINE - 1) / LINE;

    assert_true(fake_cp15_count >= from + lines);
    for (size_t i = 0; i < lines; i++) {
        const struct fake_cp15_entry *e = &fake_cp15_log[from + i];
        if (e->op != op || e->arg != first + i * LINE) {
            fake_cp15_dump();
            fail_msg("entry %zu: %s %#lx, expected %s %#lx", from + i,
                     fake_cp15_name(e->op), (unsigned long)e->arg, fake_cp15_name(op),
                     (unsigned long)(first + i * LINE));
        }
    }
    return from + lines;
}

static const enum fake_cp15_op code_tail[] = { OP_DSB, OP_ICIALLU, OP_BPIALL, OP_DSB, OP_ISB };
static const enum fake_cp15_op dsb_only[] = { OP_DSB };

/* ---- the sequences themselves ---------------------------------------------- */

static void sync_code_cleans_every_line_then_invalidates(void **state)
{
    static uint8_t code[3 * LINE] __attribute__((aligned(32)));
    (void)state;

    /* A range starting and ending mid-line covers both partial lines. */
    cache_sync_code(code + 4, 2 * LINE);
    size_t i = expect_cleaned(0, OP_DCCMVAU, (uintptr_t)code + 4, 2 * LINE);
    assert_int_equal(i, 3);
    expect_tail(i, code_tail, 5);
}

static void sync_code_follows_the_cache_type_register(void **state)
{
    static uint8_t code[256] __attribute__((aligned(64)));
    (void)state;

    fake_cp15_ctr = 4u << 16;           /* DminLine: 16 words, 64 bytes */
    cache_sync_code(code, sizeof(code));
    assert_int_equal(fake_cp15_count_op(0, fake_cp15_count, OP_DCCMVAU), 4);
}

static void clean_table_cleans_to_poc_then_dsb(void **state)
{
    static uint32_t table[256] __attribute__((aligned(1024)));
    (void)state;

    cache_clean_table(table, sizeof(table));
    size_t i = expect_cleaned(0, OP_DCCMVAC, (uintptr_t)table, sizeof(table));
    expect_tail(i, dsb_only, 1);
}

/* ---- creating a page table ---------------------------------------------------- */

static void new_l1_table_is_cleaned_whole(void **state)
{
    (void)state;
    vnode_created(&l1.cap);
    /* The part TTBR0 walks with TTBCR.N = 1: the 2048 user entries. */
    size_t i = expect_cleaned(0, OP_DCCMVAC, kaddr(L1_PA), ARM_L1_USER_ENTRIES * 4);
    expect_tail(i, dsb_only, 1);
}

static void new_l2_table_is_cleaned_whole(void **state)
{
    (void)state;
    vnode_created(&l2.cap);
    size_t i = expect_cleaned(0, OP_DCCMVAC, kaddr(L2_PA), ARM_L2_TABLE_BYTES);
    expect_tail(i, dsb_only, 1);
}

static void other_objects_need_no_cleaning(void **state)
{
    (void)state;
    vnode_created(&frame.cap);
    assert_int_equal(fake_cp15_count, 0);
}

/* ---- changing descriptors ------------------------------------------------------- */

static void mapping_l2_cleans_the_l1_entry(void **state)
{
    (void)state;
    assert_int_equal(vnode_map(&l1, 5, &l2, 0, 1, 0), SYS_ERR_OK);
    size_t i = expect_cleaned(0, OP_DCCMVAC, kaddr(L1_PA) + 5 * 4, 4);
    expect_tail(i, dsb_only, 1);
    assert_int_equal(((uint32_t *)cap_phys_to_kptr(L1_PA))[5] & L1_TYPE_MASK,
                     L1_TYPE_PAGETABLE);
}

static void mapping_data_frame_cleans_entries_only(void **state)
{
    (void)state;
    assert_int_equal(vnode_map(&l2, 7, &frame, 0, FRAME_PAGES, VREGION_FLAGS_READ_WRITE),
                     SYS_ERR_OK);
    /* No instruction-side maintenance for a page that cannot be executed. */
    size_t i = expect_cleaned(0, OP_DCCMVAC, kaddr(L2_PA) + 7 * 4, FRAME_PAGES * 4);
    expect_tail(i, dsb_only, 1);
}

static void unmapping_cleans_then_invalidates_the_tlb(void **state)
{
    (void)state;
    assert_int_equal(vnode_map(&l2, 7, &frame, 0, FRAME_PAGES, VREGION_FLAGS_READ_WRITE),
                     SYS_ERR_OK);
    size_t from = fake_cp15_count;
    vnode_unmap_cte(&frame);
    /* ARM ARM B3.10.1: entry written and cleaned, DSB; then the TLB
     * invalidated, DSB for its completion, ISB before relying on it. */
    size_t i = expect_cleaned(from, OP_DCCMVAC, kaddr(L2_PA) + 7 * 4, FRAME_PAGES * 4);
    static const enum fake_cp15_op tail[] = { OP_DSB, OP_DSB, OP_TLBIALL, OP_DSB, OP_ISB, OP_ISB };
    expect_tail(i, tail, ARRAY_SIZE(tail));
    assert_int_equal(((uint32_t *)cap_phys_to_kptr(L2_PA))[7], L2_TYPE_FAULT);
}

/* ---- loading code and mapping it executable -------------------------------------- */

/* The loader's order (kernel/startup.c load_elf, libsys/spawn.c
 * load_segments): write the code, then map the frame executable. */
static void mapping_code_syncs_before_the_entry_is_visible(void **state)
{
    (void)state;
    memset(cap_phys_to_kptr(FRAME_PA), 0xe7, FRAME_PAGES * BASE_PAGE_SIZE);
    assert_int_equal(vnode_map(&l2, 3, &frame, 0, FRAME_PAGES,
                               VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE), SYS_ERR_OK);
    /* Every line of both pages cleaned to PoU through the kernel alias... */
    size_t i = expect_cleaned(0, OP_DCCMVAU, kaddr(FRAME_PA), FRAME_PAGES * BASE_PAGE_SIZE);
    /* ...then the I-cache and branch predictor, with their barriers... */
    for (size_t k = 0; k < ARRAY_SIZE(code_tail); k++) {
        assert_int_equal(fake_cp15_log[i + k].op, code_tail[k]);
    }
    i += ARRAY_SIZE(code_tail);
    /* ...and only then the descriptors reach the walker. */
    i = expect_cleaned(i, OP_DCCMVAC, kaddr(L2_PA) + 3 * 4, FRAME_PAGES * 4);
    expect_tail(i, dsb_only, 1);
    uint32_t pte = ((uint32_t *)cap_phys_to_kptr(L2_PA))[3];
    assert_int_equal(pte & L2_SMALL_XN, 0);
}

/* A frame reused for new code: unmapped, rewritten, mapped again -- the
 * maintenance happens again. */
static void remapping_code_syncs_again(void **state)
{
    (void)state;
    uint32_t x = VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE;
    assert_int_equal(vnode_map(&l2, 3, &frame, 0, 1, x), SYS_ERR_OK);
    vnode_unmap_cte(&frame);
    size_t from = fake_cp15_count;
    assert_int_equal(vnode_map(&l2, 3, &frame, 0, 1, x), SYS_ERR_OK);
    assert_int_equal(fake_cp15_count_op(from, fake_cp15_count, OP_DCCMVAU),
                     BASE_PAGE_SIZE / LINE);
    assert_int_equal(fake_cp15_count_op(from, fake_cp15_count, OP_ICIALLU), 1);
}

/* A refused mapping does no maintenance (and the kernel does no work for
 * a bad request). */
static void refused_mapping_does_nothing(void **state)
{
    (void)state;
    uint32_t x = VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE;
    assert_int_equal(vnode_map(&l2, 255, &frame, 0, FRAME_PAGES, x),
                     SYS_ERR_VNODE_SLOT_INVALID);
    assert_int_equal(fake_cp15_count, 0);
}

/* ---- the table live in TTBR0 is destroyed --------------------------------------- */

/* The CPU leaves a live table for the kernel's own (TTBR1's, whose user
 * half boot.S zeroed with the MMU off: clean) before the table's ASID is
 * invalidated (kernel/arch/armv7/asid.c, asid_release). */
static void destroying_live_l1_leaves_it_first(void **state)
{
    (void)state;
    uint32_t asid = asid_get(L1_PA | TTBR_WALK_WBWA);
    fake_cp15_ttbr0 = L1_PA | TTBR_WALK_WBWA;
    fake_cp15_ttbr1 = 0x60004000u | TTBR_WALK_WBWA;
    vnode_destroy(&l1.cap);
    long ttbr = fake_cp15_find(0, OP_WRITE_TTBR0, true, fake_cp15_ttbr1);
    assert_true(ttbr >= 0);
    long asid_inval = fake_cp15_find((size_t)ttbr, OP_TLBIASID, true, asid);
    assert_true(asid_inval > ttbr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(sync_code_cleans_every_line_then_invalidates),
        T(sync_code_follows_the_cache_type_register),
        T(clean_table_cleans_to_poc_then_dsb),
        T(new_l1_table_is_cleaned_whole),
        T(new_l2_table_is_cleaned_whole),
        T(other_objects_need_no_cleaning),
        T(mapping_l2_cleans_the_l1_entry),
        T(mapping_data_frame_cleans_entries_only),
        T(unmapping_cleans_then_invalidates_the_tlb),
        T(mapping_code_syncs_before_the_entry_is_visible),
        T(remapping_code_syncs_again),
        T(refused_mapping_does_nothing),
        T(destroying_live_l1_leaves_it_first),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
