/*
 * include/sprat/xcap.h -- a capability crossing cores: the description
 * KernelCmd_CapExport gives and KernelCmd_CapImport takes (shared by the
 * kernel, kernel/xcap.c, and libsys; docs/multikernel.md, "Capabilities
 * crossing cores").
 *
 * No capability is known to two CPU drivers: what crosses is this
 * description, carried by the two inits in a message, and re-created on
 * the other core as a capability of that core's own.
 */
#ifndef SPRAT_XCAP_H
#define SPRAT_XCAP_H

#include <stdint.h>

/* Words of a description in a message (the RPC layer's cap_export and
 * cap_import hooks carry exactly these, in this order). */
#define CAP_DESC_WORDS  4

struct cap_desc {
    uint32_t type;          /* ObjType_RAM or ObjType_Frame */
    uint32_t rights;        /* CAPRIGHTS_* */
    uint32_t base;          /* physical address, page aligned */
    uint32_t bytes;         /* a nonzero multiple of the page size */
};

static inline void cap_desc_to_words(const struct cap_desc *d, uint32_t w[CAP_DESC_WORDS])
{
    w[0] = d->type;
    w[1] = d->rights;
    w[2] = d->base;
    w[3] = d->bytes;
}

static inline void cap_desc_from_words(struct cap_desc *d, const uint32_t w[CAP_DESC_WORDS])
{
    d->type = w[0];
    d->rights = w[1];
    d->base = w[2];
    d->bytes = w[3];
}

#endif
