/*
 * tests/user/t_lent -- a lent capability stays lent when it is copied to
 * another domain over LMP (docs/multikernel.md, "Capabilities crossing
 * cores"; docs/lmp.md, block 5c).
 *
 * Started by the boot core's init during "@cores" (check_lent_copies in
 * tests/user/init_test/cores_xcap.c) with a RAM capability that init
 * exported to core 1 in TASKCN_SLOTS_FREE.  It publishes that capability
 * under a name in init's name service (an LMP send to init) and looks it
 * up again (init's answer: an LMP send carrying a copy to this domain) --
 * both sync sends of one copied capability to another dispatcher, which
 * the fast path (lmp_fastpath.S, block 5c) makes.  Every copy of a lent
 * capability carries its mark (cap_copy), so a retype of the copy
 * received must be refused with SYS_ERR_CAP_LENT as the original's is.
 */
#include <sys/cspace.h>
#include <sys/invoke.h>
#include <sys/rpc.h>
#include <systest.h>
#include <if/init.h>

#define LENT_NAME   "t_lent.ram"
#define LENT_PAGE   4096u

/* A Frame retyped from the first page of ram: SYS_ERR_CAP_LENT, we hope. */
static errval_t retype_page(struct capref ram)
{
    struct capref frame;
    errval_t err = slot_alloc(&frame);
    if (err_is_fail(err)) {
        return err;
    }
    err = cap_retype(frame, ram, 0, ObjType_Frame, LENT_PAGE, 1);
    if (err_is_ok(err)) {
        cap_destroy(frame);
    } else {
        slot_free(frame);
    }
    return err;
}

int main(void)
{
    struct rpc_chan *init = get_init_rpc();
    struct capref lent = taskcn_cap(TASKCN_SLOTS_FREE), copy;
    struct capability_info info;
    bool ok = TEST_ERR(cap_identify(lent, &info), SYS_ERR_OK) &&
              test_report(info.type == ObjType_RAM && info.bytes >= LENT_PAGE,
                          "t_lent: TASKCN_SLOTS_FREE holds init's lent RAM");
    ok = ok && test_report(retype_page(lent) == SYS_ERR_CAP_LENT,
                           "t_lent: the copy init gave at spawn is lent (no retype)");
    ok = ok && TEST_ERR(rpc_name_register(init, LENT_NAME, lent), SYS_ERR_OK) &&
         TEST_ERR(rpc_name_lookup(init, LENT_NAME, &copy), SYS_ERR_OK);
    if (ok) {
        errval_t err = retype_page(copy);
        ok = test_report(err == SYS_ERR_CAP_LENT,
                         "t_lent: a lent capability copied over LMP is still lent (%s)",
                         err_getcode(err));
    }
    return ok ? 0 : 1;
}
