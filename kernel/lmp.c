/*
 * kernel/lmp.c -- local message passing, the C slow path (docs/lmp.md).
 *
 * A send is an invocation of an EndPoint capability: the payload is in the
 * sender's registers r3..r12 (the trap frame), an optional capability to
 * transfer is named by r2.  The message goes into a ring buffer inside the
 * receiver's dispatcher frame (struct lmp_endpoint_kern, <sprat/lmp.h>),
 * which the receiver reads without entering the kernel.
 *
 * Every check happens before anything is written, so a failed send leaves
 * both sides exactly as they were: the sender still holds its message (in
 * its registers, which a send never changes except r0) and may retry.
 *
 * The assembly fast path (kernel/arch/armv7/lmp_fastpath.S) handles the
 * common case before this code runs and must behave identically: each
 * function below names the blocks of it that mirror it, and
 * docs/extending.md has the checklist for changing either.
 */
#include <kernel.h>
#include <lmp.h>
#include <sched.h>
#include <syscall.h>
#include <sprat/lmp.h>

/* Words of ring space in an endpoint buffer of the given byte length: a
 * power of two (mint checks it, ep_buffer_valid in kernel/cap.c). */
static inline uint32_t ring_words(uint32_t buf_bytes)
{
    return (buf_bytes - LMP_ENDPOINT_HEADER_BYTES) / 4;
}

/* Find the receiver's empty receive slot for an incoming capability.
 * Mirrored in lmp_fastpath.S, block 5c (the CNode's write right there is
 * CAPFAST_L2CNODE_W: cap_fast_bits, kernel/cap.c). */
static errval_t find_recv_slot(struct dcb *d, capaddr_t addr, struct cte **slot)
{
    const struct capability *cnode;

    if (addr == CPTR_NULL) {
        return SYS_ERR_LMP_CAPTRANSFER_DST_LOOKUP;
    }
    errval_t err = cap_lookup_slot(&d->cspace.cap, addr, CAP_LEVEL_L2, slot, &cnode);
    if (err_is_fail(err) || !(cnode->rights & CAPRIGHTS_WRITE)) {
        return SYS_ERR_LMP_CAPTRANSFER_DST_LOOKUP;
    }
    if ((*slot)->cap.type != ObjType_Null) {
        return SYS_ERR_LMP_CAPTRANSFER_DST_FULL;
    }
    return SYS_ERR_OK;
}

/* Mirrored in lmp_fastpath.S: block 4 (receiver state), block 5 (minted,
 * room), block 5c (the receive slot and the copy of a capability), block
 * 6, 6c and 6' (header, payload, count), block 7 and 7' (pending bit,
 * counter, wake-up). */
errval_t lmp_deliver(const struct capability *ep, const uint32_t *words,
                     unsigned len, struct cte *send_cap, bool giveaway)
{
    struct dcb *d = lmp_ep_dcb(ep);
    struct cte *slot = NULL;
    errval_t err;

    if (ep->param2 == 0) {
        return SYS_ERR_LMP_EP_NOT_MINTED;
    }
    if (len > LMP_MSG_WORDS) {
        return SYS_ERR_LMP_PAYLOAD_TOO_LONG;
    }
    if (d->state == DCB_STOPPED || d->destroyed) {
        return SYS_ERR_LMP_TARGET_DEAD;
    }
    if (d->state == DCB_NEW) {
        return SYS_ERR_DISP_NOT_SET_UP;
    }

    /* The buffer was checked against the frame layout when the endpoint
     * was minted, and the frame is at least DISPATCHER_FRAME_BYTES. */
    struct lmp_endpoint_kern *buf =
        (struct lmp_endpoint_kern *)(d->frame_kva + ep->param1);
    uint32_t size = ring_words(ep->param2);
    uint32_t delivered = buf->delivered;
    uint32_t used = delivered - buf->consumed;
    /* used > size means the receiver scribbled on its counters: refuse
     * rather than overwrite unread messages. */
    if (used > size || size - used < len + 1) {
        return SYS_ERR_LMP_BUF_OVERFLOW;
    }
    if (send_cap != NULL) {
        err = find_recv_slot(d, buf->recv_slot, &slot);
        if (err_is_fail(err)) {
            return err;
        }
        if (giveaway) {
            cap_move(slot, send_cap);
        } else {
            err = cap_copy(slot, send_cap, send_cap->cap.rights);
            if (err_is_fail(err)) {
                return err;
            }
        }
    }

    /* A mask, as in the fast path: continuous across the counters' wrap
     * at 2^32 because size is a power of two. */
    uint32_t mask = size - 1;
    buf->buf[delivered & mask] = LMP_HDR(len, send_cap != NULL);
    for (unsigned i = 0; i < len; i++) {
        buf->buf[(delivered + 1 + i) & mask] = words[i];
    }
    /* The receiver may be reading concurrently only on another core, which
     * LMP does not do; the barrier keeps the compiler from publishing the
     * count before the words. */
    __asm__ volatile("" ::: "memory");
    buf->delivered = delivered + len + 1;
    d->shared->lmp_pending |= 1u << (buf->id % 32);
    d->shared->lmp_delivered++;
    if (d->state == DCB_BLOCKED) {
        sched_make_runnable(d);
    }
    return SYS_ERR_OK;
}

/*
 * SYS_INVOKE on an EndPoint: a send.  r0 (the result) is the only register
 * this changes; with the sync flag (and no non-blocking flag) the sender
 * then yields directly to the receiver.
 * Mirrored in lmp_fastpath.S: block 3 (write right; there one bit,
 * CAPFAST_SEND, which cap_fast_bits in kernel/cap.c derives from these
 * rights and lmp_deliver's minted test), block 1c (a capability copied,
 * not moved: GIVEAWAY stays here) and 5c (the grant right,
 * CAPFAST_SEND_CAP; the capability sent), blocks 1 and 6c (the flags:
 * only a sync, blocking send reaches the copy of blocks 2-7 that goes on
 * to switch), blocks 9-11 (the switch).
 */
void lmp_send(struct trap_frame *tf, struct cte *ep_cte)
{
    uint32_t word = tf->r[0];
    struct capability ep = ep_cte->cap;     /* a giveaway may empty ep_cte */
    unsigned len = (word >> SYSW_LEN_SHIFT) & SYSW_LEN_MASK;
    struct cte *send_cap = NULL;
    errval_t err;

    if (!(ep.rights & CAPRIGHTS_WRITE)) {
        err = SYS_ERR_INSUFFICIENT_RIGHTS;
        goto out;
    }
    if (word & SYSW_FLAG_CAP) {
        if (!(ep.rights & CAPRIGHTS_GRANT)) {
            err = SYS_ERR_LMP_NO_GRANT;
            goto out;
        }
        err = cap_lookup(&dcb_current()->cspace.cap, tf->r[2], CAP_LEVEL_L2, &send_cap);
        if (err_is_fail(err)) {
            err = SYS_ERR_LMP_CAPTRANSFER_SRC;
            goto out;
        }
    }
    err = lmp_deliver(&ep, &tf->r[3], len, send_cap,
                      (word & SYSW_FLAG_GIVEAWAY) != 0);
out:
    tf->r[0] = err;
    if (err_is_ok(err) && (word & SYSW_FLAG_SYNC) && !(word & SYSW_FLAG_NONBLOCK)) {
        struct dcb *receiver = lmp_ep_dcb(&ep);
        if (receiver != dcb_current() && receiver->state == DCB_RUNNABLE) {
            sched_save_current(tf);
            sched_dispatch(tf, receiver);
        }
    }
}
