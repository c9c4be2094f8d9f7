/*
 * user/sys/init/xcap.h -- init moves capabilities between cores
 * (user/sys/init/xcap.c; docs/multikernel.md, "Capabilities crossing
 * cores").  The two functions have the signatures of an RPC-over-UMP
 * channel's cap_export and cap_import hooks: a capability in a message to
 * the other core travels as these four words.
 */
#ifndef INIT_XCAP_H
#define INIT_XCAP_H

#include <stdint.h>
#include <sys/cspace.h>
#include <sprat/xcap.h>

/* The description of the RAM or Frame capability cap, for the other
 * core's init; cap (and every copy of it) is marked lent from now on:
 * keep it -- it is this core's record that the memory is in use there. */
errval_t xcap_export(struct capref cap, uint32_t desc[CAP_DESC_WORDS]);

/* The capability desc names, re-created on this core in a newly allocated
 * slot *ret (freed again on an error). */
errval_t xcap_import(const uint32_t desc[CAP_DESC_WORDS], struct capref *ret);

#endif
