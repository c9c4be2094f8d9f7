/*
 * kernel/include/lmp.h -- LMP delivery in the kernel (kernel/lmp.c); the
 * buffer format is <sprat/lmp.h>, the design docs/lmp.md.
 */
#ifndef SPRAT_KERNEL_LMP_H
#define SPRAT_KERNEL_LMP_H

#include <cap.h>
#include <dispatch.h>
#include <sprat/lmp.h>

/*
 * Deliver len words (and, if send_cap is not NULL, that capability: moved
 * when giveaway, else copied) on the minted endpoint ep.  All or nothing:
 * on any error nothing is written.  On success the receiver is runnable.
 * The kernel uses it for its own messages (death, IRQ) with send_cap NULL.
 */
errval_t lmp_deliver(const struct capability *ep, const uint32_t *words,
                     unsigned len, struct cte *send_cap, bool giveaway);

/* SYS_INVOKE of an EndPoint (the slow path): send and maybe yield. */
void lmp_send(struct trap_frame *tf, struct cte *ep_cte);

/* The dispatcher an endpoint leads to. */
static inline struct dcb *lmp_ep_dcb(const struct capability *ep)
{
    return dcb_from_cap(ep);
}

#endif
