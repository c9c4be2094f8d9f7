/*
 * libsys/lmp_chan.c -- LMP channels (sys/lmp_chan.h).
 */
#include <sys/lmp_chan.h>
#include <sys/invoke.h>
#include <sys/disp.h>

/* LAB 5 BEGIN */
/* The endpoint's messages trigger the channel's receive registration. */
static void endpoint_notify(struct lmp_endpoint *ep, void *arg)
{
    struct lmp_chan *lc = arg;
    (void)ep;
    if (lc->recv_ws.state == CHAN_IDLE) {
        waitset_chan_trigger(&lc->recv_ws);
    }
}
/* LAB 5 END */

errval_t lmp_chan_accept(struct lmp_chan *lc, uint32_t buf_words,
                         struct capref remote)
{
    lmp_chan_set_remote(lc, remote);   /* remote_cap and the address sends use */
    /* LAB 5 BEGIN: return LIB_ERR_NOT_IMPLEMENTED; */
    errval_t err = lmp_endpoint_create(&lc->endpoint, buf_words, &lc->local_cap);
    if (err_is_fail(err)) {
        return err;
    }
    waitset_chanstate_init(&lc->recv_ws);
    waitset_chanstate_init(&lc->send_ws);
    lc->endpoint->notify_arg = lc;
    lc->endpoint->notify = endpoint_notify;
    return SYS_ERR_OK;
    /* LAB 5 END */
}

void lmp_chan_destroy(struct lmp_chan *lc)
{
    if (lc->recv_ws.state != CHAN_UNREGISTERED) {
        waitset_chan_deregister(&lc->recv_ws);
    }
    if (lc->send_ws.state != CHAN_UNREGISTERED) {
        waitset_chan_deregister(&lc->send_ws);
    }
    cap_destroy(lc->local_cap);
    lmp_endpoint_destroy(lc->endpoint);
}

errval_t lmp_chan_send_retry(struct lmp_chan *lc, uint32_t flags,
                             struct capref send_cap, uint32_t len,
                             const uint32_t *words)
{
    return lmp_chan_send_tries(lc, flags, send_cap, len, words, 0);
}

errval_t lmp_chan_send_tries(struct lmp_chan *lc, uint32_t flags,
                             struct capref send_cap, uint32_t len,
                             const uint32_t *words, uint32_t tries)
{
    for (uint32_t i = 1;; i++) {
        errval_t err = lmp_chan_send(lc, flags, send_cap, len, words);
        if (!lmp_err_is_transient(err) || i == tries) {
            return err;
        }
        /* Give the receiver the CPU so it can drain its buffer. */
        thread_yield();
        sys_yield(CPTR_NULL);
    }
}

errval_t lmp_chan_register_recv(struct lmp_chan *lc, struct waitset *ws,
                                struct event_closure closure)
{
    bool was = disp_disable();
    errval_t err = waitset_chan_register(ws, &lc->recv_ws, closure);
    /* A message may already be waiting: then the event has happened. */
    if (err_is_ok(err) && lmp_chan_can_recv(lc)) {
        waitset_chan_trigger(&lc->recv_ws);
    }
    disp_restore(was);
    return err;
}

errval_t lmp_chan_deregister_recv(struct lmp_chan *lc)
{
    return waitset_chan_deregister(&lc->recv_ws);
}

/* The sender cannot see the receiver's buffer, so "may send again" is a
 * polled event that fires at the next dispatch, after others have run. */
static bool send_poll(struct waitset_chanstate *cs)
{
    (void)cs;
    return true;
}

errval_t lmp_chan_register_send(struct lmp_chan *lc, struct waitset *ws,
                                struct event_closure closure)
{
    lc->send_ws.poll = send_poll;
    return waitset_chan_register_polled(ws, &lc->send_ws, closure);
}

/* The client side of the handshake (docs/messaging.md, section 4). */
errval_t lmp_chan_bind(struct lmp_chan *lc, uint32_t buf_words, struct capref remote)
{
    uint32_t bind = 0;
    errval_t err = lmp_chan_accept(lc, buf_words, remote);
    if (err_is_ok(err)) {
        err = lmp_chan_send_retry(lc, LMP_SEND_FLAGS_DEFAULT, lc->local_cap, 1, &bind);
        if (err_is_fail(err)) {
            lmp_chan_destroy(lc);
        }
    }
    return err;
}
