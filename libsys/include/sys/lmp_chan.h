/*
 * libsys/include/sys/lmp_chan.h -- an LMP channel: our endpoint (receive
 * side) plus an endpoint capability to the other side (docs/messaging.md).
 */
#ifndef LIBSYS_LMP_CHAN_H
#define LIBSYS_LMP_CHAN_H

#include <stdbool.h>
#include <sys/cspace.h>
#include <sys/invoke.h>
#include <sys/lmp_endpoint.h>
#include <sys/threads.h>
#include <sys/waitset.h>

struct lmp_chan {
    struct lmp_endpoint *endpoint;      /* where we receive */
    struct capref local_cap;            /* an endpoint cap to it, for the peer */
    struct capref remote_cap;           /* the peer's endpoint: set it with */
    capaddr_t remote_addr;              /* lmp_chan_set_remote, which keeps
                                         * its address here for every send */
    struct waitset_chanstate recv_ws;   /* "a message is waiting" */
    struct waitset_chanstate send_ws;   /* "try sending again" */
};

/* Make remote the peer's endpoint: every send goes to it from now on.
 * Its address is computed here, once, and not on every send (about 4
 * instructions a send: docs/lmp.md, section 3); so a channel's remote_cap
 * is only ever set through this. */
static inline void lmp_chan_set_remote(struct lmp_chan *lc, struct capref remote)
{
    lc->remote_cap = remote;
    lc->remote_addr = capref_addr(remote);
}

/* Set up the receive side (buf_words of buffer); remote may be NULL_CAP
 * and filled in later (lmp_chan_set_remote). */
errval_t lmp_chan_accept(struct lmp_chan *lc, uint32_t buf_words,
                         struct capref remote);
void lmp_chan_destroy(struct lmp_chan *lc);
/* Accept with remote = a listener's endpoint, and send it our endpoint
 * capability as the first message; the listener takes it with
 * lmp_chan_recv and makes it its remote_cap. */
errval_t lmp_chan_bind(struct lmp_chan *lc, uint32_t buf_words, struct capref remote);

/*
 * Send len (<= LMP_MSG_WORDS) words and optionally a capability
 * (send_cap not null; moved if flags has LMP_FLAG_GIVEAWAY, else copied).
 * flags: LMP_SEND_FLAGS_DEFAULT (sync: yield to the receiver) or
 * LMP_FLAG_NONBLOCK.  A full receive buffer (or receive slot) is
 * transient (lmp_err_is_transient): retry after yielding or register_send.
 */
/* The system call word of a send of len words with these flags, and the
 * address of the capability to send (0 for none) -- what lmp_ep_send_raw
 * takes. */
static inline uint32_t lmp_send_word(uint32_t flags, uint32_t len, struct capref send_cap,
                                     capaddr_t *cap_addr)
{
    uint32_t word = SYSW(SYS_INVOKE, 0, 0) | (len << SYSW_LEN_SHIFT) |
                    (flags & (SYSW_FLAG_SYNC | SYSW_FLAG_NONBLOCK | SYSW_FLAG_GIVEAWAY));
    *cap_addr = 0;
    if (!capref_is_null(send_cap)) {
        word |= SYSW_FLAG_CAP;
        *cap_addr = capref_addr(send_cap);
    }
    return word;
}

static inline errval_t lmp_chan_send(struct lmp_chan *lc, uint32_t flags,
                                     struct capref send_cap, uint32_t len,
                                     const uint32_t *words)
{
    /* Inline: flags and send_cap are usually constants at the call site,
     * and this is on the path of every message. */
    if (len > LMP_MSG_WORDS) {
        return SYS_ERR_LMP_PAYLOAD_TOO_LONG;
    }
    capaddr_t cap;
    uint32_t word = lmp_send_word(flags, len, send_cap, &cap);
    if (!(flags & LMP_FLAG_SYNC)) {
        return lmp_ep_send_raw(word, lc->remote_addr, cap, words);
    }
    /* A sync send hands the CPU to the receiver; made *disabled*, it lets
     * the receiver's answer resume us right after the system call, from
     * the disabled save area, with the answer in our ring: no run()
     * upcall, no thread switch (docs/messaging.md, section 5). */
    bool was = disp_disable();
    errval_t err = lmp_ep_send_raw(word, lc->remote_addr, cap, words);
    if (!was) {
        disp_enable();
    }
    return err;
}
/* The same, retrying (and yielding) while the buffer is full. */
errval_t lmp_chan_send_retry(struct lmp_chan *lc, uint32_t flags,
                             struct capref send_cap, uint32_t len,
                             const uint32_t *words);
/* The same, but at most `tries` attempts (0: no limit); then the transient
 * error itself is returned.  Servers send this way: a receiver that never
 * drains its buffer must not hold them for ever (docs/reliability.md). */
errval_t lmp_chan_send_tries(struct lmp_chan *lc, uint32_t flags,
                             struct capref send_cap, uint32_t len,
                             const uint32_t *words, uint32_t tries);
/* Errors that go away once the receiver has run: its buffer is full, or
 * it has not yet taken the last capability out of its receive slot. */
static inline bool lmp_err_is_transient(errval_t err)
{
    return err == SYS_ERR_LMP_BUF_OVERFLOW || err == SYS_ERR_LMP_CAPTRANSFER_DST_FULL;
}

/* Take the next message (LIB_ERR_LMP_NO_MESSAGE if none); an incoming
 * capability is returned in *cap (else NULL_CAP), or deleted if cap is
 * NULL. */
static inline errval_t lmp_chan_recv(struct lmp_chan *lc, struct lmp_recv_msg *msg,
                                     struct capref *cap)
{
    return lmp_endpoint_recv(lc->endpoint, msg, cap);
}

/* The next message in place, and giving its space back
 * (lmp_endpoint_peek, lmp_endpoint_consume). */
static inline bool lmp_chan_peek(struct lmp_chan *lc, struct lmp_peek *p)
{
    return lmp_endpoint_peek(lc->endpoint, p);
}

static inline void lmp_chan_consume(const struct lmp_peek *p)
{
    lmp_endpoint_consume(p);
}

static inline bool lmp_chan_can_recv(struct lmp_chan *lc)
{
    return lmp_endpoint_has_message(lc->endpoint);
}

/* One-shot event registrations (sys/waitset.h). */
errval_t lmp_chan_register_recv(struct lmp_chan *lc, struct waitset *ws,
                                struct event_closure closure);
errval_t lmp_chan_register_send(struct lmp_chan *lc, struct waitset *ws,
                                struct event_closure closure);
errval_t lmp_chan_deregister_recv(struct lmp_chan *lc);

#endif
