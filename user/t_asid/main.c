/*
 * user/t_asid -- address space identifiers run out, are reported, and are
 * recycled when address spaces die (kernel/vnode.c).
 *
 * The kernel gives an L1 page table an ASID when the first dispatcher is
 * set up with it, and takes it back when the table is destroyed.  This
 * test sets up dispatchers with fresh L1 tables until the kernel has no
 * ASID left (SYS_ERR_NO_ASID), checks that spawning then fails cleanly,
 * frees some tables and checks that their ASIDs serve again -- for a set-up
 * and for a real domain that runs and exits -- and finally that after all
 * of it exactly as many ASIDs are free as at the start.  It must run alone
 * (between @wait lines): it takes every free ASID.
 */
#include <stdio.h>
#include <sys/invoke.h>
#include <sys/ram.h>
#include <sys/rpc.h>
#include <sys/systest.h>
#include <sprat/bootinfo.h>
#include <sprat/dispatcher.h>

#define MAX_TABLES  300             /* more than there are ASIDs (255) */

static struct capref disp[MAX_TABLES], l1[MAX_TABLES];
static struct capref frame;         /* one dispatcher frame for all: none runs */

/* A dispatcher with its own new L1 table; SYS_ERR_NO_ASID when the kernel
 * has no ASID for the table (both objects are freed again then). */
static errval_t make_one(unsigned i)
{
    errval_t err;
    if ((err = mem_retype(ObjType_Dispatcher, 0, &disp[i]))) {
        return err;
    }
    if ((err = mem_retype(ObjType_VNode_ARM_l1, 0, &l1[i]))) {
        mem_free(disp[i]);
        return err;
    }
    err = cap_invoke(capref_addr(disp[i]), DispatcherCmd_Setup, 5,
                     TASKCN_CAP(TASKCN_SLOT_ROOTCN), capref_addr(l1[i]),
                     capref_addr(frame), CPTR_NULL, 0).err;
    if (err_is_fail(err)) {
        mem_free(disp[i]);
        mem_free(l1[i]);
    }
    return err;
}

/* The dispatcher goes first (it holds a copy of the table), then the
 * table: deleting its last capability destroys it and frees its ASID. */
static void free_one(unsigned i)
{
    mem_free(disp[i]);
    mem_free(l1[i]);
}

/* Take every free ASID; returns how many there were. */
static unsigned take_all(errval_t *last)
{
    unsigned n = 0;
    while (n < MAX_TABLES && err_is_ok(*last = make_one(n))) {
        n++;
    }
    return n;
}

int main(void)
{
    struct rpc_chan *init = get_init_rpc();
    errval_t err;

    if (!test_report(err_is_ok(frame_alloc(&frame, DISPATCHER_FRAME_BYTES)) && init,
                     "t_asid: a frame and init's channel")) {
        return 1;
    }
    unsigned n = take_all(&err);
    test_report(n > 0 && n < 255 && err == SYS_ERR_NO_ASID,
                "%u dispatchers with their own tables, then SYS_ERR_NO_ASID (%s)", n,
                err_getcode(err));

    /* No ASID: a spawn fails, is reported, and init goes on. */
    bool all_refused = true;
    for (int i = 0; i < 8; i++) {
        uint32_t id;
        err = rpc_process_spawn(init, "hello", "no asid", &id);
        all_refused &= err == SYS_ERR_NO_ASID;
    }
    test_report(all_refused && err_is_ok(rpc_send_number(init, 255)),
                "without a free ASID spawning fails (%s) and init goes on", err_getcode(err));

    /* Free one: its ASID serves the next table. */
    free_one(n - 1);
    TEST_ERR(make_one(n - 1), SYS_ERR_OK);
    TEST_ERR(make_one(n), SYS_ERR_NO_ASID);

    /* Free two more: a real domain runs and exits on a recycled ASID. */
    free_one(n - 1);
    free_one(n - 2);
    uint32_t id = 0;
    int status = -1;
    err = rpc_process_spawn(init, "hello", "on a recycled ASID", &id);
    if (err_is_ok(err)) {
        err = rpc_process_wait(init, id, &status);
    }
    test_report(err_is_ok(err) && status == 0,
                "a domain runs and exits on a recycled ASID (%s, status %d)",
                err_getcode(err), status);

    /* Everything back: exactly as many ASIDs as at the start. */
    for (unsigned i = 0; i < n - 2; i++) {
        free_one(i);
    }
    unsigned again = take_all(&err);
    test_report(again == n && err == SYS_ERR_NO_ASID,
                "every ASID came back: %u free again (%u at first)", again, n);
    for (unsigned i = 0; i < again; i++) {
        free_one(i);
    }
    mem_free(frame);
    return 0;
}
