/*
 * user/init/cores.c -- init starts the CPU driver of every other core
 * through its Kernel capability, as Barrelfish's monitor does with its
 * kernel capability (docs/multikernel.md, "Booting a core").  The kernel
 * checks the capability (WRITE right) and the core number; what runs on
 * the new core is that core's own kernel instance.
 */
#include <stdio.h>
#include <sys/cspace.h>
#include <sys/invoke.h>
#include <sys/systest.h>
#include <sprat/bootinfo.h>
#include "cores.h"

static capaddr_t kernel_cap(void)
{
    return TASKCN_CAP(TASKCN_SLOT_KERNELCAP);
}

void cores_start(void)
{
    unsigned cores;
    errval_t err = kernel_num_cores(kernel_cap(), &cores);
    if (err_is_fail(err)) {
        printf("init: cannot ask for the number of cores: %s\n", err_getstring(err));
        return;
    }
    for (unsigned core = 1; core < cores; core++) {
        err = kernel_start_core(kernel_cap(), core);
        if (err_is_fail(err)) {
            printf("init: core %u did not start: %s\n", core, err_getstring(err));
        } else {
            printf("init: core %u started (%u cores)\n", core, cores);
        }
    }
}

/* Core numbers and rights a StartCore must refuse, each with its error. */
void cores_check(void)
{
    unsigned cores;
    TEST_ERR(kernel_num_cores(kernel_cap(), &cores), SYS_ERR_OK);
    TEST_ERR(kernel_start_core(kernel_cap(), 0), SYS_ERR_CORE_STARTED);
    TEST_ERR(kernel_start_core(kernel_cap(), cores), SYS_ERR_CORE_INVALID);
    TEST_ERR(kernel_start_core(kernel_cap(), 0xffffffffu), SYS_ERR_CORE_INVALID);
    if (cores > 1) {
        TEST_ERR(kernel_start_core(kernel_cap(), 1), SYS_ERR_CORE_STARTED);
    }

    struct capref readonly;
    if (err_is_fail(slot_alloc(&readonly))) {
        test_report(false, "cores: a free slot");
        return;
    }
    TEST_ERR(cap_copy_rights(readonly, taskcn_cap(TASKCN_SLOT_KERNELCAP), CAPRIGHTS_READ),
             SYS_ERR_OK);
    TEST_ERR(kernel_start_core(capref_addr(readonly), 1), SYS_ERR_INSUFFICIENT_RIGHTS);
    TEST_ERR(cap_delete(readonly), SYS_ERR_OK);
    slot_free(readonly);
}
