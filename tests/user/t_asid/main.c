/*
 * tests/user/t_asid -- no domain can exhaust the address space identifiers
 * (kernel/arch/armv7/asid.c, docs/dispatch.md section 6).
 *
 * There are 255 ASIDs for user tables.  This test makes more dispatchers
 * than that, each with an L1 table of its own, and runs every one of them:
 * each helper's table maps one page of code -- "yield; loop" -- so a
 * helper runs, yields while disabled ("nothing to do") and blocks.  Every
 * run needs an ASID, so the kernel must recycle them (a rollover).  Then
 * another domain must still spawn and run, the helpers must all run a
 * second time (their tables lost their ASIDs), and this domain, whose own
 * ASID went in the rollovers too, keeps working.  Finally everything is
 * freed, which gives back the tables' ASIDs.
 */
#include <stdio.h>
#include <string.h>
#include <sys/cspace.h>
#include <sys/invoke.h>
#include <sys/paging.h>
#include <sys/ram.h>
#include <sys/rpc.h>
#include <systest.h>
#include <sprat/bootinfo.h>
#include <sprat/dispatcher.h>
#include <if/init.h>

#define HELPERS     300             /* more than there are ASIDs (255) */
#define HELPER_L1   0x100           /* the helpers' code at 256 MiB ... */
#define HELPER_VA   (HELPER_L1 << 20)   /* ... in their own tables */
#define PAGE        4096u

static struct capref disp[HELPERS], l1[HELPERS], l2[HELPERS], code_copy[HELPERS];
static struct capref frame;         /* one dispatcher frame for all helpers */
static struct capref code;          /* the page of code they all run */

/* The helpers' program (ARM): sys_yield(CPTR_NULL) for ever.  Entered
 * disabled through run(), the yield blocks the helper. */
static const uint32_t helper_code[] = {
    0xe3a00002,     /* mov r0, #SYS_YIELD (the whole system call word) */
    0xe3a01000,     /* mov r1, #0 (CPTR_NULL: anyone) */
    0xef000000,     /* svc #0 */
    0xeafffffb,     /* b   the first instruction */
};

/* The shared dispatcher frame and the code page, written here. */
static errval_t prepare(void)
{
    uint32_t frame_va, code_va;
    errval_t err;

    if ((err = frame_alloc(&frame, DISPATCHER_FRAME_BYTES)) ||
        (err = paging_map_frame(&frame_va, frame, DISPATCHER_FRAME_BYTES,
                                VREGION_FLAGS_READ_WRITE)) ||
        (err = frame_alloc(&code, PAGE)) ||
        (err = paging_map_frame(&code_va, code, PAGE, VREGION_FLAGS_READ_WRITE))) {
        return err;
    }
    memcpy((void *)code_va, helper_code, sizeof(helper_code));
    struct dispatcher_shared *sh = (void *)(frame_va + DISP_SHARED_OFFSET);
    sh->run_entry = HELPER_VA;
    sh->stack_top = HELPER_VA + PAGE;       /* never used */
    strcpy(sh->name, "t_asid helper");
    return SYS_ERR_OK;
}

/* Helper i: its own L1 table, with an L2 table mapping the code page. */
static errval_t make_one(unsigned i)
{
    errval_t err;
    if ((err = mem_retype(ObjType_Dispatcher, 0, &disp[i])) ||
        (err = mem_retype(ObjType_VNode_ARM_l1, 0, &l1[i])) ||
        (err = mem_retype(ObjType_VNode_ARM_l2, 0, &l2[i])) ||
        (err = slot_alloc(&code_copy[i])) ||
        (err = cap_copy(code_copy[i], code))) {
        return err;
    }
    err = vnode_map_table(capref_addr(l1[i]), HELPER_L1, capref_addr(l2[i]));
    if (err_is_ok(err)) {
        err = vnode_map(capref_addr(l2[i]), 0, capref_addr(code_copy[i]), 0, 1,
                        VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE);
    }
    if (err_is_ok(err)) {
        err = dispatcher_setup(capref_addr(disp[i]), TASKCN_CAP(TASKCN_SLOT_ROOTCN),
                               capref_addr(l1[i]), capref_addr(frame), CPTR_NULL, 0);
    }
    return err;
}

/* The dispatcher first (it holds a copy of the table), then the tables:
 * deleting the L1 table's last capability gives back its ASID. */
static void free_one(unsigned i)
{
    mem_free(disp[i]);
    cap_delete(code_copy[i]);
    slot_free(code_copy[i]);
    mem_free(l2[i]);
    mem_free(l1[i]);
}

/* Make every helper runnable and yield until all of them ran and blocked;
 * returns how many did. */
static unsigned run_all(void)
{
    for (unsigned i = 0; i < HELPERS; i++) {
        dispatcher_run(capref_addr(disp[i]));
    }
    unsigned blocked = 0;
    for (int round = 0; round < 20 && blocked < HELPERS; round++) {
        sys_yield(CPTR_NULL);
        blocked = 0;
        for (unsigned i = 0; i < HELPERS; i++) {
            struct dispatcher_status st;
            blocked += err_is_ok(dispatcher_query(capref_addr(disp[i]), &st)) &&
                       st.state == DispatcherState_Blocked && st.faults == 0;
        }
    }
    return blocked;
}

/* Another domain spawns and runs to its end. */
static bool spawn_hello(struct rpc_chan *init, const char *args)
{
    uint32_t id = 0;
    int status = -1;
    errval_t err = rpc_process_spawn(init, "hello", args, &id);
    if (err_is_ok(err)) {
        err = rpc_process_wait(init, id, &status);
    }
    return test_report(err_is_ok(err) && status == 0,
                       "a domain spawns and runs %s (%s, status %d)", args,
                       err_getcode(err), status);
}

int main(void)
{
    struct rpc_chan *init = get_init_rpc();
    errval_t err = SYS_ERR_OK;

    if (!test_report(init && err_is_ok(prepare()), "t_asid: frames and init's channel")) {
        return 1;
    }
    unsigned n = 0;
    while (n < HELPERS && err_is_ok(err = make_one(n))) {
        n++;
    }
    test_report(n == HELPERS, "%u dispatchers set up, each with a table of its own (%s)",
                n, err_getcode(err));
    if (n < HELPERS) {
        return 1;
    }
    unsigned ran = run_all();
    test_report(ran == HELPERS, "all %u ran, each on an ASID of its own table (%u)",
                HELPERS, ran);
    spawn_hello(init, "after 300 address spaces ran");

    /* The helpers' tables lost their ASIDs in the rollovers: they get new
     * ones, and this domain (whose ASID went too) still works. */
    ran = run_all();
    test_report(ran == HELPERS, "all %u ran again after the rollovers (%u)", HELPERS, ran);
    volatile uint32_t probe[64];
    for (unsigned i = 0; i < 64; i++) {
        probe[i] = i * 7;
    }
    unsigned bad = 0;
    for (unsigned i = 0; i < 64; i++) {
        bad += probe[i] != i * 7;
    }
    test_report(bad == 0, "this domain's memory reads back after the rollovers");

    for (unsigned i = 0; i < n; i++) {
        free_one(i);
    }
    spawn_hello(init, "after the tables are freed");
    return 0;
}
