/*
 * user/sys/init/xcap.c -- init moves RAM and Frame capabilities between
 * cores with its Kernel capability (KernelCmd_CapExport on the lending
 * core, KernelCmd_CapImport on the borrowing one; docs/multikernel.md,
 * "Capabilities crossing cores").  Only the inits hold a Kernel
 * capability, so every capability that crosses passes through them, as
 * through Barrelfish's monitors.
 */
#include <sys/invoke.h>
#include "cores.h"
#include "xcap.h"

errval_t xcap_export(struct capref cap, uint32_t desc[CAP_DESC_WORDS])
{
    struct cap_desc d;
    errval_t err = kernel_cap_export(cores_kernel_cap(), capref_addr(cap),
                                     capref_level(cap), &d);
    if (err_is_ok(err)) {
        cap_desc_to_words(&d, desc);
    }
    return err;
}

errval_t xcap_import(const uint32_t desc[CAP_DESC_WORDS], struct capref *ret)
{
    struct cap_desc d;
    cap_desc_from_words(&d, desc);
    errval_t err = slot_alloc(ret);
    if (err_is_fail(err)) {
        return err;
    }
    err = kernel_cap_import(cores_kernel_cap(), &d, capref_addr(*ret), capref_level(*ret));
    if (err_is_fail(err)) {
        slot_free(*ret);
    }
    return err;
}
