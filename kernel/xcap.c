/*
 * kernel/xcap.c -- capabilities crossing cores, the invocation side:
 * KernelCmd_CapExport and KernelCmd_CapImport on the Kernel capability
 * (WRITE right; docs/multikernel.md, "Capabilities crossing cores").
 *
 * The capability side (marks, the description, the revoke refusal) is
 * kernel/cap_cross.c.  This file decides where imported memory may lie:
 * inside one other core's share of RAM (kernel/smp.c, smp_core_ram) --
 * never in the importing core's own share (its kernel already hands that
 * out), never in the kernel image, the per-core copies or the page the
 * inits share, which no share contains.
 */
#include <kernel.h>
#include <smp.h>
#include <xcap.h>
#include <invocation.h>
#include <sprat/xcap.h>

static bool inside(paddr_t base, uint32_t bytes, const struct smp_ram *r)
{
    return base >= r->base && base < r->end && bytes <= r->end - base;
}

static bool overlaps(paddr_t base, uint32_t bytes, const struct smp_ram *r)
{
    return base < r->end && r->base < base + bytes;
}

/* May this core borrow [base, base + bytes)?  cap_desc_check() has ruled
 * out a range past 4 GiB. */
static errval_t import_range_check(paddr_t base, uint32_t bytes)
{
    struct smp_ram own;
    if (!cap_range_is_ram(base, bytes)) {
        return SYS_ERR_CAP_CROSS_NOT_RAM;
    }
    smp_core_ram(my_core, &own);
    if (overlaps(base, bytes, &own)) {
        return SYS_ERR_CAP_CROSS_OWN_RAM;
    }
    for (unsigned core = 0; core < MIN(plat_num_cores(), (unsigned)SMP_MAX_CORES); core++) {
        struct smp_ram r;
        smp_core_ram(core, &r);
        if (core != my_core && inside(base, bytes, &r)) {
            return SYS_ERR_OK;
        }
    }
    return SYS_ERR_CAP_CROSS_RANGE;
}

/* cap, cap_level -> r1 = type | rights << 8, r2 = base, r3 = bytes */
errval_t xcap_export(struct invocation *inv)
{
    struct cte *cte;
    unsigned level = inv->args[1] ? inv->args[1] : CAP_LEVEL_L2;
    errval_t err = cap_lookup(inv->root, inv->args[0], level, &cte);
    if (err_is_fail(err)) {
        return err;
    }
    struct cap_desc d;
    err = cap_export(cte, &d);
    if (err_is_ok(err)) {
        inv->ret[0] = d.type | d.rights << 8;
        inv->ret[1] = d.base;
        inv->ret[2] = d.bytes;
    }
    return err;
}

/* type, rights, base, bytes, dest, dest_level */
errval_t xcap_import(struct invocation *inv)
{
    const uint32_t *a = inv->args;
    struct cap_desc d = { a[0], a[1], a[2], a[3] };
    struct cte *dest;
    errval_t err;

    if ((err = cap_desc_check(&d)) || (err = import_range_check(d.base, d.bytes)) ||
        (err = lookup_writable_slot(inv, a[4], a[5], &dest))) {
        return err;
    }
    return cap_import(dest, &d);
}
