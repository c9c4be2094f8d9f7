/*
 * tests/host/test_domain_build.c -- building a domain's address space and
 * arguments page (freestanding/domain_build.c, compiled unchanged), the
 * code the kernel (init) and libsys' spawn share, against fake callbacks
 * that keep frames in host memory and record every call: which L2 table
 * covers an address and when one is made, the limits of the arguments
 * page (L2 tables, ranges, SEGCN slots) answered with named errors, the
 * segments cut at MiB boundaries and filled before they are mapped, the
 * standard layout, the command line, the free slots and the shared page.
 *
 * sources: freestanding/domain_build.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <freestanding/domain_build.h>
#include <sprat/bootinfo.h>
#include <sprat/caps.h>
#include <sprat/vm_layout.h>

#define PAGE 4096u
#define MIB  (1u << 20)
#define MAX_CALLS 1024

enum op { OP_NEW_L2, OP_NEW_FRAME, OP_WRITE, OP_MAP };

struct call {
    enum op op;
    struct dom_slot at;         /* the table or the frame */
    uint32_t a, b, c;           /* l1_index | bytes | index, pages, flags */
    struct dom_slot frame;      /* OP_MAP's frame */
};

/* The fake builder: one host buffer per SEGCN/TASKCN frame, every call
 * recorded; fail_at makes the call with that number fail. */
struct fake {
    struct call calls[MAX_CALLS];
    unsigned n;
    unsigned fail_at;           /* 1-based; 0: nothing fails */
    uint8_t *frames[ROOTCN_SLOTS_USER][L2_CNODE_SLOTS];
    uint32_t frame_bytes[ROOTCN_SLOTS_USER][L2_CNODE_SLOTS];
};

static errval_t record(struct fake *f, struct call c)
{
    assert_true(f->n < MAX_CALLS);
    f->calls[f->n++] = c;
    return f->n == f->fail_at ? SYS_ERR_RETYPE_NOT_RAM : SYS_ERR_OK;
}

static errval_t fake_new_l2(void *ctx, struct dom_slot table, uint32_t l1_index)
{
    return record(ctx, (struct call){ OP_NEW_L2, table, l1_index, 0, 0, { 0, 0 } });
}

static errval_t fake_new_frame(void *ctx, struct dom_slot frame, uint32_t bytes)
{
    struct fake *f = ctx;
    errval_t err = record(f, (struct call){ OP_NEW_FRAME, frame, bytes, 0, 0, { 0, 0 } });
    if (err == SYS_ERR_OK) {
        assert_null(f->frames[frame.cnode][frame.slot]);
        f->frames[frame.cnode][frame.slot] = calloc(1, bytes);
        f->frame_bytes[frame.cnode][frame.slot] = bytes;
    }
    return err;
}

static errval_t fake_write(void *ctx, struct dom_slot frame, uint32_t bytes,
                           void (*fill)(uint8_t *mem, void *arg), void *arg)
{
    struct fake *f = ctx;
    errval_t err = record(f, (struct call){ OP_WRITE, frame, bytes, 0, 0, { 0, 0 } });
    assert_non_null(f->frames[frame.cnode][frame.slot]);
    assert_int_equal(f->frame_bytes[frame.cnode][frame.slot], bytes);
    if (err == SYS_ERR_OK) {
        fill(f->frames[frame.cnode][frame.slot], arg);
    }
    return err;
}

static errval_t fake_map(void *ctx, struct dom_slot table, uint32_t index,
                         struct dom_slot frame, uint32_t pages, uint32_t flags)
{
    return record(ctx, (struct call){ OP_MAP, table, index, pages, flags, frame });
}

static const struct dom_ops fake_ops = {
    .new_l2 = fake_new_l2, .new_frame = fake_new_frame,
    .write_frame = fake_write, .map = fake_map,
};

struct world {
    struct fake f;
    struct spawn_args args;
    struct dom_build d;
};

static int setup(void **state)
{
    struct world *w = calloc(1, sizeof(*w));
    dom_build_init(&w->d, &fake_ops, &w->f, &w->args);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    for (unsigned c = 0; c < ROOTCN_SLOTS_USER; c++) {
        for (unsigned s = 0; s < L2_CNODE_SLOTS; s++) {
            free(w->f.frames[c][s]);
        }
    }
    free(w);
    return 0;
}

static unsigned count_ops(const struct fake *f, enum op op)
{
    unsigned n = 0;
    for (unsigned i = 0; i < f->n; i++) {
        n += f->calls[i].op == op;
    }
    return n;
}

static const struct dom_slot task_frame = { ROOTCN_SLOT_TASKCN, TASKCN_SLOT_DISPFRAME };

/* ---- the L2 tables ----------------------------------------------------- */

static void test_init_state(void **state)
{
    struct world *w = *state;
    assert_int_equal(w->args.magic, SPAWN_ARGS_MAGIC);
    assert_int_equal(w->d.pagecn_next, 1);          /* slot 0: the L1 table */
    assert_int_equal(w->d.segcn_next, 0);
}

static void test_l2_made_once_per_mib(void **state)
{
    struct world *w = *state;
    assert_int_equal(dom_map(&w->d, 0x10000, task_frame, PAGE, VREGION_FLAGS_READ), SYS_ERR_OK);
    assert_int_equal(dom_map(&w->d, 0xff000, task_frame, PAGE, VREGION_FLAGS_READ), SYS_ERR_OK);
    assert_int_equal(dom_map(&w->d, 0x300000, task_frame, 2 * PAGE, VREGION_FLAGS_READ),
                     SYS_ERR_OK);
    assert_int_equal(count_ops(&w->f, OP_NEW_L2), 2);
    assert_int_equal(w->args.num_l2, 2);
    assert_int_equal(w->args.l2[0].l1_index, 0);
    assert_int_equal(w->args.l2[0].pagecn_slot, 1);
    assert_int_equal(w->args.l2[1].l1_index, 3);
    assert_int_equal(w->args.l2[1].pagecn_slot, 2);
    assert_int_equal(w->d.pagecn_next, 3);
    /* The first call made the table, the second mapped into it. */
    assert_int_equal(w->f.calls[0].op, OP_NEW_L2);
    assert_int_equal(w->f.calls[0].at.cnode, ROOTCN_SLOT_PAGECN);
    assert_int_equal(w->f.calls[0].a, 0);
    const struct call *m = &w->f.calls[4];          /* l2, map, map, l2, map */
    assert_int_equal(m->op, OP_MAP);
    assert_int_equal(m->at.slot, 2);
    assert_int_equal(m->a, 0);                      /* entry 0 of that MiB */
    assert_int_equal(m->b, 2);                      /* pages */
    assert_int_equal(w->f.calls[2].a, 0xff);        /* 0xff000: the last entry */
}

static void test_l2_limit(void **state)
{
    struct world *w = *state;
    for (uint32_t i = 0; i < SPAWN_MAX_L2; i++) {
        assert_int_equal(dom_map(&w->d, i * MIB, task_frame, PAGE, 0), SYS_ERR_OK);
    }
    unsigned before = w->f.n;
    assert_int_equal(dom_map(&w->d, SPAWN_MAX_L2 * MIB, task_frame, PAGE, 0),
                     LIB_ERR_VREGION_NO_SPACE);
    assert_int_equal(w->f.n, before);               /* nothing made */
    assert_int_equal(w->args.num_l2, SPAWN_MAX_L2);
    /* A MiB that has its table still maps. */
    assert_int_equal(dom_map(&w->d, 5 * MIB + PAGE, task_frame, PAGE, 0), SYS_ERR_OK);
}

static void test_l2_pagecn_full(void **state)
{
    struct world *w = *state;
    w->d.pagecn_next = L2_CNODE_SLOTS;
    assert_int_equal(dom_map(&w->d, 0, task_frame, PAGE, 0), LIB_ERR_VREGION_NO_SPACE);
    assert_int_equal(w->f.n, 0);
}

static void test_l2_failure_leaves_nothing(void **state)
{
    struct world *w = *state;
    w->f.fail_at = 1;
    assert_int_equal(dom_map(&w->d, 0, task_frame, PAGE, 0), SYS_ERR_RETYPE_NOT_RAM);
    assert_int_equal(w->args.num_l2, 0);
    assert_int_equal(w->d.pagecn_next, 1);
    w->f.fail_at = 0;
    assert_int_equal(dom_map(&w->d, 0, task_frame, PAGE, 0), SYS_ERR_OK);
    assert_int_equal(w->args.l2[0].pagecn_slot, 1);
}

static void test_map_refuses_bad_ranges(void **state)
{
    struct world *w = *state;
    assert_int_equal(dom_map(&w->d, MIB - PAGE, task_frame, 2 * PAGE, 0),
                     LIB_ERR_VREGION_BAD_ARGS);     /* crosses a MiB */
    assert_int_equal(dom_map(&w->d, 0x1001, task_frame, PAGE, 0), LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(dom_map(&w->d, 0x1000, task_frame, 100, 0), LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(dom_map(&w->d, 0x1000, task_frame, 0, 0), LIB_ERR_VREGION_BAD_ARGS);
    assert_int_equal(w->f.n, 0);
}

/* ---- ranges and flags -------------------------------------------------- */

static void test_vregions_full(void **state)
{
    struct world *w = *state;
    for (uint32_t i = 0; i < SPAWN_MAX_VREGIONS; i++) {
        assert_int_equal(dom_add_vregion(&w->d, i * PAGE, PAGE), SYS_ERR_OK);
    }
    assert_int_equal(dom_add_vregion(&w->d, 0x100000, PAGE), LIB_ERR_VREGION_NO_SPACE);
    assert_int_equal(w->args.num_vregions, SPAWN_MAX_VREGIONS);
    assert_int_equal(w->args.vregions[3].base, 3 * PAGE);
}

static void test_segment_flags(void **state)
{
    (void)state;
    assert_int_equal(dom_segment_flags(0), 0);
    assert_int_equal(dom_segment_flags(PF_R), VREGION_FLAGS_READ);
    assert_int_equal(dom_segment_flags(PF_R | PF_W), VREGION_FLAGS_READ_WRITE);
    assert_int_equal(dom_segment_flags(PF_R | PF_X), VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE);
    assert_int_equal(dom_segment_flags(PF_W), VREGION_FLAGS_WRITE);
    assert_int_equal(dom_segment_flags(0xfffffff8u), 0);    /* other bits: nothing */
}

/* ---- segments ------------------------------------------------------------ */

/* A file of n bytes, byte i = i * 7 + 1 (never 0, so zeros are bss). */
static uint8_t *make_file(size_t n)
{
    uint8_t *f = malloc(n);
    for (size_t i = 0; i < n; i++) {
        f[i] = (uint8_t)(i * 7 + 1);
    }
    return f;
}

/* A data segment at 0xf8100 (not page aligned), crossing into the next
 * MiB, with 0x9000 file bytes and more bss: two chunks. */
static void test_segments_cut_filled_mapped(void **state)
{
    struct world *w = *state;
    uint8_t *file = make_file(0x20000);
    struct elf_info info = { .entry = 0x8000, .num_segments = 2 };
    info.segments[0] = (struct elf_segment){ 0x8000, 0x1800, 0x0, 0x1800, PF_R | PF_X };
    info.segments[1] = (struct elf_segment){ 0xf8100, 0x10000, 0x4100, 0x9000, PF_R | PF_W };
    assert_int_equal(dom_load_segments(&w->d, file, &info), SYS_ERR_OK);

    /* Segment 0: one frame of two pages; segment 1: 0xf8000-0x100000 and
     * 0x100000-0x109000 (end rounded up from 0x108100). */
    assert_int_equal(w->d.segcn_next, 3);
    assert_int_equal(w->f.frame_bytes[ROOTCN_SLOT_SEGCN][0], 2 * PAGE);
    assert_int_equal(w->f.frame_bytes[ROOTCN_SLOT_SEGCN][1], 0x8000);
    assert_int_equal(w->f.frame_bytes[ROOTCN_SLOT_SEGCN][2], 0x9000);
    /* Contents: file bytes where the file has them, zero elsewhere. */
    const uint8_t *text = w->f.frames[ROOTCN_SLOT_SEGCN][0];
    assert_memory_equal(text, file, 0x1800);
    for (uint32_t i = 0x1800; i < 2 * PAGE; i++) {
        assert_int_equal(text[i], 0);
    }
    const uint8_t *d0 = w->f.frames[ROOTCN_SLOT_SEGCN][1];
    const uint8_t *d1 = w->f.frames[ROOTCN_SLOT_SEGCN][2];
    for (uint32_t va = 0xf8000; va < 0x109000; va++) {
        uint8_t got = va < 0x100000 ? d0[va - 0xf8000] : d1[va - 0x100000];
        uint8_t want = va >= 0xf8100 && va < 0xf8100 + 0x9000 ? file[0x4100 + va - 0xf8100] : 0;
        if (got != want) {
            fail_msg("byte at 0x%x: got %u, want %u", (unsigned)va, got, want);
        }
    }
    /* Each frame: made, written, then mapped -- never mapped before its
     * last write (mapping executable is what cleans it for the I-cache). */
    for (unsigned slot = 0; slot < 3; slot++) {
        int made = -1, written = -1, mapped = -1;
        for (unsigned i = 0; i < w->f.n; i++) {
            const struct call *c = &w->f.calls[i];
            struct dom_slot s = c->op == OP_MAP ? c->frame : c->at;
            if (s.cnode != ROOTCN_SLOT_SEGCN || s.slot != slot) {
                continue;
            }
            if (c->op == OP_NEW_FRAME) made = i;
            if (c->op == OP_WRITE) written = i;
            if (c->op == OP_MAP) mapped = i;
        }
        assert_true(made >= 0 && made < written && written < mapped);
    }
    /* Permissions and ranges. */
    assert_int_equal(w->args.num_vregions, 2);
    assert_int_equal(w->args.vregions[0].base, 0x8000);
    assert_int_equal(w->args.vregions[0].bytes, 0x2000);
    assert_int_equal(w->args.vregions[1].base, 0xf8000);
    assert_int_equal(w->args.vregions[1].bytes, 0x11000);
    unsigned maps = 0;
    for (unsigned i = 0; i < w->f.n; i++) {
        const struct call *c = &w->f.calls[i];
        if (c->op == OP_MAP) {
            maps++;
            assert_int_equal(c->c, c->frame.slot == 0 ? (VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE)
                                                      : VREGION_FLAGS_READ_WRITE);
        }
    }
    assert_int_equal(maps, 3);
    assert_int_equal(w->args.num_l2, 2);            /* MiB 0 and MiB 1 */
    free(file);
}

static void test_segcn_full(void **state)
{
    struct world *w = *state;
    uint8_t file[16] = { 0 };
    struct elf_info info = { .num_segments = 1 };
    info.segments[0] = (struct elf_segment){ 0x8000, 16, 0, 16, PF_R };
    w->d.segcn_next = L2_CNODE_SLOTS;
    assert_int_equal(dom_load_segments(&w->d, file, &info), LIB_ERR_SLOT_ALLOC_FULL);
    assert_int_equal(w->f.n, 0);
}

static void test_segment_errors_stop(void **state)
{
    struct world *w = *state;
    uint8_t *file = make_file(0x3000);
    struct elf_info info = { .num_segments = 1 };
    info.segments[0] = (struct elf_segment){ 0x8000, 0x3000, 0, 0x3000, PF_R };
    for (unsigned fail = 1; fail <= 4; fail++) {       /* frame, write, l2, map */
        struct world fresh;
        memset(&fresh, 0, sizeof(fresh));
        dom_build_init(&fresh.d, &fake_ops, &fresh.f, &fresh.args);
        fresh.f.fail_at = fail;
        assert_int_equal(dom_load_segments(&fresh.d, file, &info), SYS_ERR_RETYPE_NOT_RAM);
        assert_int_equal(fresh.f.n, fail);             /* nothing after the failure */
        assert_int_equal(fresh.args.num_vregions, 0);
        free(fresh.f.frames[ROOTCN_SLOT_SEGCN][0]);
    }
    (void)w;
    free(file);
}

/* ---- the standard layout, the end, the shared page ---------------------- */

static void test_map_standard(void **state)
{
    struct world *w = *state;
    assert_int_equal(dom_map_standard(&w->d, 0x10000), SYS_ERR_OK);
    assert_int_equal(w->args.stack_mapped_bytes, 0x10000);
    assert_int_equal(w->f.frame_bytes[ROOTCN_SLOT_SEGCN][0], 0x10000);
    assert_int_equal(w->args.num_vregions, 3);
    assert_int_equal(w->args.vregions[0].base, USER_STACK_TOP - USER_STACK_BYTES);
    assert_int_equal(w->args.vregions[0].bytes, USER_STACK_BYTES);
    assert_int_equal(w->args.vregions[1].base, DISPATCHER_VADDR);
    assert_int_equal(w->args.vregions[1].bytes, DISPATCHER_FRAME_BYTES);
    assert_int_equal(w->args.vregions[2].base, ARGS_VADDR);
    assert_int_equal(w->args.vregions[2].bytes, PAGE);
    /* Maps: the stack at the top, then the TASKCN frames. */
    struct dom_slot want[] = {
        { ROOTCN_SLOT_SEGCN, 0 },
        { ROOTCN_SLOT_TASKCN, TASKCN_SLOT_DISPFRAME },
        { ROOTCN_SLOT_TASKCN, TASKCN_SLOT_ARGSPAGE },
    };
    uint32_t want_index[] = { ((USER_STACK_TOP - 0x10000) / PAGE) % 256,
                              (DISPATCHER_VADDR / PAGE) % 256, (ARGS_VADDR / PAGE) % 256 };
    unsigned k = 0;
    for (unsigned i = 0; i < w->f.n; i++) {
        const struct call *c = &w->f.calls[i];
        if (c->op != OP_MAP) {
            continue;
        }
        assert_true(k < 3);
        assert_int_equal(c->frame.cnode, want[k].cnode);
        assert_int_equal(c->frame.slot, want[k].slot);
        assert_int_equal(c->a, want_index[k]);
        assert_int_equal(c->c, VREGION_FLAGS_READ_WRITE);
        k++;
    }
    assert_int_equal(k, 3);
}

static void test_finish(void **state)
{
    struct world *w = *state;
    assert_int_equal(dom_map_standard(&w->d, PAGE), SYS_ERR_OK);
    dom_finish(&w->d);
    assert_int_equal(w->args.pagecn_free, w->d.pagecn_next);
    assert_int_equal(w->args.pagecn_free, 1 + w->args.num_l2);
    assert_int_equal(w->args.segcn_free, 1);
    assert_int_equal(w->args.taskcn_free, TASKCN_SLOTS_FREE);
}

static void test_fill_shared(void **state)
{
    (void)state;
    struct dispatcher_shared sh;
    memset(&sh, 0x55, sizeof(sh));
    dom_fill_shared(&sh, 0x8123, 42, "a-name-longer-than-thirty-two-bytes-by-far");
    assert_int_equal(sh.udisp, DISPATCHER_VADDR);
    assert_int_equal(sh.run_entry, 0x8123);
    assert_int_equal(sh.stack_top, DISPATCHER_VADDR + DISP_STACK_TOP);
    assert_int_equal(sh.domain_id, 42);
    assert_int_equal(strlen(sh.name), DISP_NAME_LEN - 1);
    assert_memory_equal(sh.name, "a-name-longer-than-thirty-two-by", DISP_NAME_LEN - 1);
}

/* ---- the command line -------------------------------------------------- */

static void test_args_written(void **state)
{
    struct world *w = *state;
    const char *argv[] = { "prog", "", "two", NULL };
    const char *envp[] = { "A=1", "EMPTY=", NULL };
    assert_int_equal(dom_set_args(&w->d, 9, "prog", 3, argv, envp), SYS_ERR_OK);
    struct spawn_args *a = &w->args;
    assert_int_equal(a->domain_id, 9);
    assert_string_equal(a->name, "prog");
    assert_int_equal(a->argc, 3);
    for (int i = 0; i < 3; i++) {
        assert_string_equal(a->strings + a->argv_offset[i], argv[i]);
    }
    assert_int_equal(a->envc, 2);
    for (int i = 0; i < 2; i++) {
        uint32_t off = a->envp[i] - ARGS_VADDR;     /* the domain's address */
        assert_true(off >= offsetof(struct spawn_args, strings));
        assert_string_equal((const char *)a + off, envp[i]);
    }
    assert_int_equal(a->envp[2], 0);
}

static void test_args_refused(void **state)
{
    (void)state;
    static char big[SPAWN_ARGS_STRINGS + 1];
    memset(big, 'x', sizeof(big) - 1);
    const char *ok[] = { "p", NULL };
    const char *empty[] = { "", NULL };
    const char *hole[] = { "p", NULL, "q", NULL };
    const char *toolong[] = { big, NULL };
    const char *many[SPAWN_MAX_ENV + 2];
    for (int i = 0; i <= SPAWN_MAX_ENV; i++) {
        many[i] = "E=1";
    }
    many[SPAWN_MAX_ENV + 1] = NULL;
    const char *fits[SPAWN_MAX_ENV + 1];
    memcpy(fits, many, sizeof(fits));
    fits[SPAWN_MAX_ENV] = NULL;

    assert_int_equal(dom_check_args(1, ok, NULL), SYS_ERR_OK);
    assert_int_equal(dom_check_args(0, ok, NULL), LIB_ERR_SPAWN_ARGS);
    assert_int_equal(dom_check_args(SPAWN_MAX_ARGS + 1, ok, NULL), LIB_ERR_SPAWN_ARGS);
    assert_int_equal(dom_check_args(1, empty, NULL), LIB_ERR_SPAWN_ARGS);
    assert_int_equal(dom_check_args(3, hole, NULL), LIB_ERR_SPAWN_ARGS);
    assert_int_equal(dom_check_args(1, toolong, NULL), LIB_ERR_SPAWN_ARGS);
    assert_int_equal(dom_check_args(1, ok, many), LIB_ERR_SPAWN_ARGS);
    assert_int_equal(dom_check_args(1, ok, fits), SYS_ERR_OK);
    big[SPAWN_ARGS_STRINGS - 1] = '\0';             /* exactly fills the page's strings */
    assert_int_equal(dom_check_args(1, toolong, NULL), SYS_ERR_OK);
}

static void test_refused_args_write_nothing(void **state)
{
    struct world *w = *state;
    const char *empty[] = { "", NULL };
    assert_int_equal(dom_set_args(&w->d, 3, "x", 1, empty, NULL), LIB_ERR_SPAWN_ARGS);
    assert_int_equal(w->args.argc, 0);
    assert_int_equal(w->args.domain_id, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_init_state),
        T(test_l2_made_once_per_mib),
        T(test_l2_limit),
        T(test_l2_pagecn_full),
        T(test_l2_failure_leaves_nothing),
        T(test_map_refuses_bad_ranges),
        T(test_vregions_full),
        cmocka_unit_test(test_segment_flags),
        T(test_segments_cut_filled_mapped),
        T(test_segcn_full),
        T(test_segment_errors_stop),
        T(test_map_standard),
        T(test_finish),
        cmocka_unit_test(test_fill_shared),
        T(test_args_written),
        cmocka_unit_test(test_args_refused),
        T(test_refused_args_write_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
