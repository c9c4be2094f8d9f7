/*
 * tests/user/init_test/cores_xcap.c -- "@cores": capabilities crossing
 * cores through the two inits (user/sys/init/xcap.c, KernelCmd_CapExport
 * and KernelCmd_CapImport; docs/multikernel.md, "Capabilities crossing
 * cores").  Both sides are here: cores_xcap_check() runs in the boot
 * core's init, init_test_core_msg() answers in core 1's (called from
 * handle() in user/sys/init/cores.c).  The descriptions travel over the
 * raw cores_chan: a message of 7 words holds one with room to spare.
 *
 *   1. init.1 makes a frame of its RAM, writes a pattern, exports it;
 *      init.0 imports, maps, reads the pattern, writes an answer, which
 *      init.1 then sees in its own mapping.
 *   2. init.0 lends a RAM capability (which stays lent in a domain
 *      that receives a copy of it over LMP: tests/user/t_lent); init.1
 *      imports it, retypes it into a frame and uses that.
 *   3. Revoke of a crossed capability is refused on both cores; so are
 *      imports of the wrong type, of the importer's own RAM, of memory
 *      outside RAM or in no core's share, a second import of the same
 *      memory, the export of a CNode, and both operations through a
 *      READ-only Kernel capability.
 */
#include <stdio.h>
#include <sys/cspace.h>
#include <sys/invoke.h>
#include <sys/paging.h>
#include <sys/ram.h>
#include <sys/spawn.h>
#include <sys/ump_chan.h>
#include <sprat/vm_layout.h>
#include <systest.h>
#include "core_msg.h"
#include "cores.h"
#include "init.h"
#include "init_test.h"
#include "xcap.h"

#define XCAP_PAGE       4096u
#define XCAP_WORDS      (XCAP_PAGE / 4)
#define XCAP_ANSWER     0xa115e11fu     /* init.0's word, last in the frame */

/* Word i of the pattern in the frame (its last word is for the answer). */
static uint32_t pattern(uint32_t i)
{
    return 0x5ca70000u ^ (i * 2654435761u);
}

static void fill(volatile uint32_t *p)
{
    for (uint32_t i = 0; i < XCAP_WORDS - 1; i++) {
        p[i] = pattern(i);
    }
    p[XCAP_WORDS - 1] = 0;
}

static bool holds_pattern(const volatile uint32_t *p)
{
    for (uint32_t i = 0; i < XCAP_WORDS - 1; i++) {
        if (p[i] != pattern(i)) {
            return false;
        }
    }
    return true;
}

/* ---- core 1's init: the lending and borrowing side --------------------- */

static struct capref lent;              /* kept: the record of the loan */
static volatile uint32_t *lent_va;
static uint32_t lent_desc[CAP_DESC_WORDS];

/* CORE_MSG_XCAP_FRAME: a frame of our RAM with the pattern, exported. */
static void lend_frame(uint32_t *r)
{
    uint32_t va;
    errval_t err = frame_alloc(&lent, XCAP_PAGE);
    if (err_is_ok(err)) {
        err = paging_map_frame(&va, lent, XCAP_PAGE, VREGION_FLAGS_READ_WRITE);
    }
    if (err_is_ok(err)) {
        lent_va = (volatile uint32_t *)va;
        fill(lent_va);
        err = xcap_export(lent, lent_desc);
    }
    r[1] = err;
    for (unsigned i = 0; i < CAP_DESC_WORDS; i++) {
        r[2 + i] = lent_desc[i];
    }
}

/* CORE_MSG_XCAP_SEEN: did core 0's answer arrive?  Revoking our frame and
 * importing our own memory back must both be refused. */
static void seen(uint32_t *r)
{
    struct capref back;
    r[1] = lent_va != NULL && lent_va[XCAP_WORDS - 1] == XCAP_ANSWER;
    r[2] = cap_revoke(lent);
    r[3] = xcap_import(lent_desc, &back);
}

/* CORE_MSG_XCAP_RAM: borrow core 0's RAM, make a frame of it, use it. */
static void borrow_ram(const uint32_t *w, uint32_t *r)
{
    struct capref ram, frame;
    uint32_t va = 0;
    r[1] = xcap_import(&w[1], &ram);
    r[2] = err_is_ok(r[1]) ? slot_alloc(&frame) : r[1];
    if (err_is_ok(r[2])) {
        r[2] = cap_retype(frame, ram, 0, ObjType_Frame, XCAP_PAGE, 1);
    }
    r[3] = err_is_ok(r[2]) ? paging_map_frame(&va, frame, XCAP_PAGE, VREGION_FLAGS_READ_WRITE)
                           : r[2];
    if (err_is_ok(r[3])) {
        fill((volatile uint32_t *)va);
        r[4] = holds_pattern((volatile uint32_t *)va);
    }
    r[5] = err_is_ok(r[1]) ? cap_revoke(ram) : r[1];
}

bool init_test_core_msg(const uint32_t *w, unsigned len)
{
    uint32_t r[UMP_PAYLOAD_WORDS] = { w[0] };
    switch (w[0]) {
    case CORE_MSG_XCAP_FRAME:
        lend_frame(r);
        break;
    case CORE_MSG_XCAP_SEEN:
        seen(r);
        break;
    case CORE_MSG_XCAP_RAM:
        if (len < 1 + CAP_DESC_WORDS) {
            return false;
        }
        borrow_ram(w, r);
        break;
    default:
        return false;
    }
    ump_chan_send_retry(&cores_chan, r, UMP_PAYLOAD_WORDS, 0);
    return true;
}

/* ---- the boot core's init: the tests ------------------------------------ */

static bool ask(uint32_t msg, const uint32_t *desc, uint32_t *w)
{
    unsigned len = 1;
    w[0] = msg;
    for (unsigned i = 0; desc != NULL && i < CAP_DESC_WORDS; i++) {
        w[len++] = desc[i];
    }
    if (err_is_fail(ump_chan_send_retry(&cores_chan, w, len, 0))) {
        return false;
    }
    cores_recv_wait(w, &len);
    return len == UMP_PAYLOAD_WORDS && w[0] == msg;
}

/* 1: core 1's frame, read and answered here. */
static void check_frame_from_core1(uint32_t core1_desc[CAP_DESC_WORDS])
{
    uint32_t w[UMP_PAYLOAD_WORDS], va;
    struct capref frame;
    if (!test_report(ask(CORE_MSG_XCAP_FRAME, NULL, w) && w[1] == SYS_ERR_OK,
                     "xcap: core 1 exports a frame of its RAM")) {
        return;
    }
    for (unsigned i = 0; i < CAP_DESC_WORDS; i++) {
        core1_desc[i] = w[2 + i];
    }
    test_report(w[2] == ObjType_Frame && (w[3] & CAPRIGHTS_READ_WRITE) == CAPRIGHTS_READ_WRITE &&
                w[5] == XCAP_PAGE, "xcap: the description is the frame's type, rights and size");
    struct capability_info info;
    if (!TEST_ERR(xcap_import(core1_desc, &frame), SYS_ERR_OK) ||
        !TEST_ERR(cap_identify(frame, &info), SYS_ERR_OK) ||
        !TEST_ERR(paging_map_frame(&va, frame, XCAP_PAGE, VREGION_FLAGS_READ_WRITE),
                  SYS_ERR_OK)) {
        return;
    }
    test_report(info.type == w[2] && info.rights == w[3] && info.base == w[4] &&
                info.bytes == w[5], "xcap: the imported capability is the one described");
    volatile uint32_t *p = (volatile uint32_t *)va;
    test_report(holds_pattern(p), "xcap: core 0 reads core 1's pattern in the imported frame");
    p[XCAP_WORDS - 1] = XCAP_ANSWER;
    TEST_ERR(cap_revoke(frame), SYS_ERR_CAP_CROSSED);
    struct capref again;
    TEST_ERR(xcap_import(core1_desc, &again), SYS_ERR_CAP_CROSS_OVERLAP);
    if (ask(CORE_MSG_XCAP_SEEN, NULL, w)) {
        test_report(w[1] == 1, "xcap: core 1 sees core 0's answer in its own frame");
        test_report(w[2] == SYS_ERR_CAP_CROSSED,
                    "xcap: core 1's revoke of the lent frame is refused (%s)", err_getcode(w[2]));
        test_report(w[3] == SYS_ERR_CAP_CROSS_OWN_RAM,
                    "xcap: core 1 cannot import its own RAM (%s)", err_getcode(w[3]));
    } else {
        test_report(false, "xcap: core 1 answers XCAP_SEEN");
    }
}

/* 2': a copy of the lent RAM that reaches another domain over LMP is lent
 * too: tests/user/t_lent gets one at spawn, sends it to us and receives
 * it back (init's name service: LMP sends the fast path makes) and tries
 * to retype it; its results are its own, its clean end is ours. */
static void check_lent_copies(struct capref ram)
{
    struct spawn_caps caps = { .extra = { ram } };
    char *argv[] = { "t_lent", NULL };
    uint32_t id;
    if (TEST_ERR(start_domain(1, argv, 0, &caps, 0, &id), SYS_ERR_OK)) {
        wait_reaped(id);
    }
}

/* 2: our RAM, lent to core 1, which makes a frame of it. */
static void check_ram_to_core1(void)
{
    uint32_t desc[CAP_DESC_WORDS], w[UMP_PAYLOAD_WORDS];
    struct capref ram, frame;
    if (!TEST_ERR(ram_alloc(&ram, 2 * XCAP_PAGE), SYS_ERR_OK) ||
        !TEST_ERR(xcap_export(ram, desc), SYS_ERR_OK) ||
        !TEST_ERR(slot_alloc(&frame), SYS_ERR_OK)) {
        return;
    }
    TEST_ERR(cap_retype(frame, ram, 0, ObjType_Frame, XCAP_PAGE, 1), SYS_ERR_CAP_LENT);
    TEST_ERR(cap_revoke(ram), SYS_ERR_CAP_CROSSED);
    slot_free(frame);
    check_lent_copies(ram);
    if (!test_report(ask(CORE_MSG_XCAP_RAM, desc, w), "xcap: core 1 answers XCAP_RAM")) {
        return;
    }
    test_report(w[1] == SYS_ERR_OK && w[2] == SYS_ERR_OK && w[3] == SYS_ERR_OK && w[4] == 1,
                "xcap: core 1 imports core 0's RAM, retypes it into a frame and uses it "
                "(%s, %s, %s)", err_getcode(w[1]), err_getcode(w[2]), err_getcode(w[3]));
    test_report(w[5] == SYS_ERR_CAP_CROSSED,
                "xcap: core 1's revoke of the borrowed RAM is refused (%s)", err_getcode(w[5]));
}

/* 3: what the kernel refuses, each with its own error. */
static void check_refusals(const uint32_t core1_desc[CAP_DESC_WORDS])
{
    const struct bootinfo *bi = (const struct bootinfo *)BOOTINFO_VADDR;
    struct capability_info own, shared;
    struct capref c;
    if (!TEST_ERR(cap_identify(taskcn_cap(TASKCN_SLOT_ARGSPAGE), &own), SYS_ERR_OK) ||
        !TEST_ERR(cap_identify(taskcn_cap(TASKCN_SLOT_COREFRAME), &shared), SYS_ERR_OK)) {
        return;
    }
    const struct { uint32_t d[CAP_DESC_WORDS]; errval_t err; const char *what; } bad[] = {
        { { ObjType_L2CNode, CAPRIGHTS_READ_WRITE, core1_desc[2], OBJSIZE_L2CNODE },
          SYS_ERR_CAP_CROSS_TYPE, "a CNode" },
        { { ObjType_Frame, 0x80, core1_desc[2], XCAP_PAGE }, SYS_ERR_CAP_CROSS_DESC,
          "unknown rights" },
        { { ObjType_Frame, CAPRIGHTS_READ, core1_desc[2] + 8, XCAP_PAGE },
          SYS_ERR_CAP_CROSS_DESC, "a misaligned base" },
        { { ObjType_RAM, CAPRIGHTS_READ_WRITE, own.base, XCAP_PAGE },
          SYS_ERR_CAP_CROSS_OWN_RAM, "this core's own RAM" },
        { { ObjType_Frame, CAPRIGHTS_READ_WRITE, XCAP_PAGE, XCAP_PAGE },
          SYS_ERR_CAP_CROSS_NOT_RAM, "memory outside RAM" },
        { { ObjType_Frame, CAPRIGHTS_READ_WRITE, bi->ram_base, XCAP_PAGE },
          SYS_ERR_CAP_CROSS_RANGE, "the kernel image" },
        { { ObjType_Frame, CAPRIGHTS_READ_WRITE, shared.base, XCAP_PAGE },
          SYS_ERR_CAP_CROSS_RANGE, "the page the inits share" },
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        errval_t err = xcap_import(bad[i].d, &c);
        test_report(err == bad[i].err, "xcap: importing %s is refused (%s)", bad[i].what,
                    err_getcode(err));
    }
    uint32_t d[CAP_DESC_WORDS];
    struct capref empty;
    TEST_ERR(xcap_export(taskcn_cap(TASKCN_SLOT_TASKCN), d), SYS_ERR_CAP_CROSS_TYPE);
    if (TEST_ERR(slot_alloc(&empty), SYS_ERR_OK)) {
        TEST_ERR(xcap_export(empty, d), SYS_ERR_CAP_NOT_FOUND);
        slot_free(empty);
    }
    struct cap_desc good;
    cap_desc_from_words(&good, core1_desc);
    TEST_ERR(kernel_cap_import(cores_kernel_cap(), &good,
                               capref_addr(taskcn_cap(TASKCN_SLOT_ARGSPAGE)), CAP_LEVEL_L2),
             SYS_ERR_SLOT_IN_USE);

    /* A READ-only Kernel capability does neither. */
    struct capref ro;
    struct cap_desc cd;
    if (!TEST_ERR(slot_alloc(&ro), SYS_ERR_OK) ||
        !TEST_ERR(slot_alloc(&c), SYS_ERR_OK)) {
        return;
    }
    TEST_ERR(cap_copy_rights(ro, taskcn_cap(TASKCN_SLOT_KERNELCAP), CAPRIGHTS_READ), SYS_ERR_OK);
    TEST_ERR(kernel_cap_export(capref_addr(ro), capref_addr(taskcn_cap(TASKCN_SLOT_ARGSPAGE)),
                               CAP_LEVEL_L2, &cd), SYS_ERR_INSUFFICIENT_RIGHTS);
    cap_desc_from_words(&cd, core1_desc);
    TEST_ERR(kernel_cap_import(capref_addr(ro), &cd, capref_addr(c), capref_level(c)),
             SYS_ERR_INSUFFICIENT_RIGHTS);
    TEST_ERR(cap_delete(ro), SYS_ERR_OK);
    slot_free(ro);
    slot_free(c);
}

void cores_xcap_check(void)
{
    uint32_t core1_desc[CAP_DESC_WORDS] = { 0 };
    check_frame_from_core1(core1_desc);
    check_ram_to_core1();
    check_refusals(core1_desc);
}
