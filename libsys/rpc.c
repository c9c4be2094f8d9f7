/*
 * libsys/rpc.c -- the RPC layer (sys/rpc.h, docs/rpc.md).
 *
 *   client                                server
 *   rpc_call ---- request (fragments) ---> waitset event -> rpc_recv_event
 *     waits on its endpoint                 reassemble, handlers[method]()
 *            <--- response (fragments) ---  rpc_send(RESPONSE, same seq)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/rpc.h>
#include <sys/disp.h>
#include <sys/payload.h>

#define CHAN_BUF_WORDS  256

uint32_t rpc_frame_threshold = RPC_FRAME_THRESHOLD_DEFAULT;

errval_t rpc_chan_init(struct rpc_chan *rc, struct capref remote)
{
    memset(rc, 0, sizeof(*rc));
    thread_mutex_init(&rc->call_lock);
    rpc_reasm_init(&rc->rx, malloc, free);
    return lmp_chan_accept(&rc->lc, CHAN_BUF_WORDS, remote);
}

void rpc_payload_free(struct rpc_payload *p)
{
    if (p->bytes != NULL) {         /* most payloads have none: skip the call */
        free(p->bytes);
        p->bytes = NULL;
    }
}

/* ---- sending ---------------------------------------------------------- */

/*
 * The last LMP message of an RPC message hands the CPU to the receiver
 * (a sync send), and is sent with this dispatcher *disabled*.  The kernel
 * then keeps our registers in the disabled save area, and when the peer
 * answers with a sync send of its own -- the response, or the next
 * request -- it resumes us right after the system call, with the answer
 * already in our ring: no run() upcall, no thread switch, which is most
 * of the cost of a round trip otherwise (docs/messaging.md, section 5;
 * the numbers: docs/lmp.md, section 5).
 * Should the answer not be there yet, rpc_recv blocks the thread as
 * usual.  Only the one attempt runs disabled: retrying may yield.
 */
static errval_t send_last(struct rpc_chan *rc, struct capref cap, uint32_t nw,
                          const uint32_t *words)
{
    bool was = disp_disable();
    errval_t err = lmp_chan_send(&rc->lc, LMP_SEND_FLAGS_DEFAULT, cap, nw, words);
    if (!was) {
        disp_enable();
    }
    if (lmp_err_is_transient(err)) {
        err = lmp_chan_send_tries(&rc->lc, LMP_SEND_FLAGS_DEFAULT, cap, nw, words,
                                  rc->send_tries);
    }
    return err;
}

/* Why a send of rc failed, as the RPC layer names it. */
static errval_t send_error(errval_t err)
{
    if (err == SYS_ERR_LMP_TARGET_DEAD || err == SYS_ERR_CAP_NOT_FOUND) {
        return LIB_ERR_RPC_PEER_DEAD;   /* a stopped peer, or its endpoint is gone */
    }
    return lmp_err_is_transient(err) ? LIB_ERR_RPC_PEER_STUCK : err;   /* out of tries */
}

errval_t rpc_send(struct rpc_chan *rc, enum rpc_method m, uint8_t kind,
                  uint16_t seq, const struct rpc_payload *p)
{
    struct rpc_msg msg;             /* every field set below (no memset: hot) */
    struct capref cap = p->cap;
    errval_t err;

    /* Responses carry the server's verdict as their first scalar. */
    uint32_t base = kind == RPC_KIND_RESPONSE ? 1 : 0;
    if (p->nscalar + base > RPC_MAX_SCALARS) {
        return LIB_ERR_RPC_TOO_LARGE;
    }
    msg.method = m;
    msg.kind = kind;
    msg.large = false;
    msg.seq = seq;
    msg.bytes = p->bytes;
    msg.len = p->len;
    msg.scalar[0] = p->err;
    for (uint32_t i = 0; i < p->nscalar; i++) {
        msg.scalar[base + i] = p->scalar[i];
    }
    msg.nscalar = p->nscalar + base;

    if (p->len <= rpc_frame_threshold) {
        payload_release(&rc->frame);        /* no large messages for now */
    } else {
        if (!capref_is_null(cap)) {
            return LIB_ERR_RPC_TOO_LARGE;   /* one capability per message */
        }
        if ((err = payload_put(&rc->frame, p->bytes, p->len, &cap))) {
            return err;
        }
        msg.large = true;
    }
    unsigned n = rpc_wire_count(&msg);
    if (n == 0) {
        return LIB_ERR_RPC_TOO_LARGE;       /* rpc_wire_check refused it */
    }
    for (unsigned i = 0; i < n; i++) {
        uint32_t words[LMP_MSG_WORDS];
        uint32_t nw = rpc_wire_encode(&msg, i, words);
        struct capref c = i == 0 ? cap : NULL_CAP;
        if (i + 1 < n) {
            /* Fragments before the last only fill the receiver's buffer.
             * (The first try inline: it nearly always goes through.) */
            err = lmp_chan_send(&rc->lc, LMP_FLAG_NONBLOCK, c, nw, words);
            if (lmp_err_is_transient(err)) {
                err = lmp_chan_send_tries(&rc->lc, LMP_FLAG_NONBLOCK, c, nw, words,
                                          rc->send_tries);
            }
        } else {
            err = send_last(rc, c, nw, words);
        }
        if (err_is_fail(err)) {
            return send_error(err);
        }
    }
    return SYS_ERR_OK;
}

/* ---- receiving ---------------------------------------------------------------- */

static void drop_rx_cap(struct rpc_chan *rc)
{
    cap_destroy(rc->rx_cap);
    rc->rx_cap = NULL_CAP;
}

/*
 * Feed waiting LMP messages to the reassembler until an RPC message is
 * complete.  Then *done points to it (rc->rx.msg: valid until the next
 * pump; its bytes, and the capability in *cap, are the caller's);
 * *done is NULL when the ring ran dry first.
 */
static errval_t rx_pump(struct rpc_chan *rc, struct rpc_msg **done, struct capref *cap)
{
    struct lmp_recv_msg lm;
    struct capref c;
    bool complete;

    *done = NULL;
    for (;;) {
        errval_t err = lmp_chan_recv(&rc->lc, &lm, &c);
        if (err_is_fail(err)) {
            return err == LIB_ERR_LMP_NO_MESSAGE ? SYS_ERR_OK : err;
        }
        bool was_active = rc->rx.active;
        err = rpc_wire_decode(&rc->rx, lm.words, lm.len, &complete);
        if (err_is_fail(err) && was_active &&
            RPC_HDR_KIND(lm.words[0]) != RPC_KIND_FRAG) {
            /* The previous message was cut short and dropped; this one is
             * the start of a new message: decode it afresh. */
            drop_rx_cap(rc);
            err = rpc_wire_decode(&rc->rx, lm.words, lm.len, &complete);
        }
        if (err_is_fail(err)) {
            drop_rx_cap(rc);
            cap_destroy(c);
            return err;
        }
        if (!capref_is_null(c)) {
            rc->rx_cap = c;
        }
        if (complete) {
            struct rpc_msg *msg = &rc->rx.msg;
            *cap = rc->rx_cap;
            rc->rx_cap = NULL_CAP;
            if (msg->large) {
                err = payload_take(*cap, msg->len, &msg->bytes);
                *cap = NULL_CAP;
            }
            *done = msg;
            return err;
        }
    }
}

/* The next whole message, waiting for it if need be (see rx_pump). */
static errval_t rpc_recv(struct rpc_chan *rc, struct rpc_msg **msg, struct capref *cap)
{
    for (;;) {
        errval_t err = rx_pump(rc, msg, cap);
        if (err_is_fail(err) || *msg != NULL) {
            return err;
        }
        lmp_endpoint_wait(rc->lc.endpoint);
    }
}

/* Every field of p but err (which the caller sets). */
static void msg_to_payload(const struct rpc_msg *msg, struct capref cap,
                           uint32_t skip, struct rpc_payload *p)
{
    p->nscalar = msg->nscalar > skip ? msg->nscalar - skip : 0;
    for (uint32_t i = 0; i < p->nscalar; i++) {
        p->scalar[i] = msg->scalar[skip + i];
    }
    p->bytes = msg->bytes;
    p->len = msg->len;
    p->cap = cap;
}

/* An empty payload (cheaper than a memset of the whole structure: the
 * scalars beyond nscalar mean nothing). */
static void payload_clear(struct rpc_payload *p)
{
    p->nscalar = 0;
    p->bytes = NULL;
    p->len = 0;
    p->cap = NULL_CAP;
    p->err = SYS_ERR_OK;
}

/* ---- client -------------------------------------------------------------------- */

errval_t rpc_call(struct rpc_chan *rc, enum rpc_method m,
                  const struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_msg *msg;
    struct capref cap;
    errval_t err;

    payload_clear(resp);
    if (rc == NULL || rc->dead) {
        return LIB_ERR_RPC_PEER_DEAD;
    }
    thread_mutex_lock(&rc->call_lock);
    uint16_t seq = ++rc->seq;
    err = rpc_send(rc, m, RPC_KIND_REQUEST, seq, req);
    while (err_is_ok(err)) {
        err = rpc_recv(rc, &msg, &cap);
        if (err_is_fail(err)) {
            break;
        }
        if (msg->kind == RPC_KIND_RESPONSE && msg->seq == seq && msg->method == m &&
            msg->nscalar >= 1) {
            msg_to_payload(msg, cap, 1, resp);
            resp->err = msg->scalar[0];
            break;
        }
        free(msg->bytes);           /* a stale or foreign message */
        cap_destroy(cap);
    }
    if (err == LIB_ERR_RPC_PEER_DEAD) {
        rc->dead = true;
    }
    thread_mutex_unlock(&rc->call_lock);
    return err_is_fail(err) ? err : resp->err;
}

/* ---- server ---------------------------------------------------------------------- */

static void rpc_recv_event(void *arg);

/*
 * One request.  Whatever came with it and the handler did not take is
 * freed here: its bytes, and its capability -- else every request that
 * carries one, wanted or not, would cost the server a slot for good
 * (docs/reliability.md).
 */
static void serve_one(struct rpc_chan *rc, struct rpc_msg *msg, struct capref cap)
{
    struct rpc_payload req, resp;
    payload_clear(&req);
    payload_clear(&resp);
    msg_to_payload(msg, cap, 0, &req);
    if (msg->kind == RPC_KIND_REQUEST) {
        rpc_handler_fn h = msg->method < RPC_METHOD_COUNT ? rc->handlers[msg->method] : NULL;
        if (h == NULL) {
            resp.err = LIB_ERR_RPC_UNKNOWN_METHOD;
        } else {
            h(rc, &req, &resp);
        }
        if (resp.err != LIB_ERR_RPC_DEFERRED) {
            rpc_reply(rc, msg->method, msg->seq, &resp);
        }
    }
    rpc_payload_free(&req);
    if (!capref_is_null(req.cap)) {     /* most requests have none: skip the call */
        cap_destroy(req.cap);
    }
}

/* A request refused before its handler saw it: too large for this
 * channel's limits, or no memory for its bytes.  Its caller hears why
 * (rx.msg still has the header); anything else malformed is dropped. */
static void refuse(struct rpc_chan *rc, errval_t err)
{
    if ((err == LIB_ERR_RPC_TOO_LARGE || err == LIB_ERR_MALLOC_FAIL) &&
        rc->rx.msg.kind == RPC_KIND_REQUEST) {
        rpc_reply(rc, rc->rx.msg.method, rc->rx.msg.seq, &(struct rpc_payload){ .err = err });
    }
}

static void rpc_recv_event(void *arg)
{
    struct rpc_chan *rc = arg;
    struct rpc_msg *msg;
    struct capref cap;

    for (;;) {
        errval_t err = rx_pump(rc, &msg, &cap);
        if (err_is_fail(err)) {
            refuse(rc, err);
            break;
        }
        if (msg == NULL) {
            break;
        }
        rc->cur_seq = msg->seq;
        rc->cur_method = msg->method;
        serve_one(rc, msg, cap);
        if (rc->dead) {
            break;              /* dropped (rpc_chan_drop): served no more */
        }
    }
    if (!rc->dead) {
        lmp_chan_register_recv(&rc->lc, rc->ws, MKCLOSURE(rpc_recv_event, rc));
    }
}

errval_t rpc_serve(struct rpc_chan *rc, const rpc_handler_fn *handlers,
                   struct waitset *ws)
{
    rc->handlers = handlers;
    rc->ws = ws;
    rc->send_tries = RPC_SERVE_SEND_TRIES;
    if (rc->rx.max_inline > RPC_SERVE_MAX_INLINE) {
        rpc_reasm_limit(&rc->rx, RPC_SERVE_MAX_INLINE, rc->rx.max_bytes);
    }
    return lmp_chan_register_recv(&rc->lc, ws, MKCLOSURE(rpc_recv_event, rc));
}

void rpc_chan_drop(struct rpc_chan *rc)
{
    char line[96];
    if (rc->dead) {
        return;
    }
    rc->dead = true;
    if (rc->lc.recv_ws.state != CHAN_UNREGISTERED) {
        lmp_chan_deregister_recv(&rc->lc);
    }
    /* Loud, and straight to the console: the serial driver may be the
     * server doing the dropping. */
    int n = snprintf(line, sizeof(line), "%s: dropped client domain %u: it does not "
                     "take its messages\n", disp_name(), (unsigned)rc->client_id);
    sys_debug_print(line, n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

errval_t rpc_reply(struct rpc_chan *rc, enum rpc_method m, uint16_t seq,
                   struct rpc_payload *resp)
{
    errval_t err = rc->dead ? LIB_ERR_RPC_PEER_DEAD
                            : rpc_send(rc, m, RPC_KIND_RESPONSE, seq, resp);
    if (err_is_fail(err) && err != LIB_ERR_RPC_PEER_DEAD) {
        if (err == LIB_ERR_RPC_PEER_STUCK) {
            rpc_chan_drop(rc);          /* it does not take its answers */
        } else {
            /* The answer cannot go out (too many scalars, no memory for a
             * frame): send why, or the caller would wait for it forever. */
            struct rpc_payload why = { .err = err };
            rpc_send(rc, m, RPC_KIND_RESPONSE, seq, &why);
        }
    }
    rpc_payload_free(resp);
    return err;
}

/* RPC_ECHO, for any server: the request's scalars and bytes come back. */
void rpc_handle_echo(struct rpc_chan *rc, struct rpc_payload *req,
                     struct rpc_payload *resp)
{
    (void)rc;
    resp->nscalar = req->nscalar;
    for (uint32_t i = 0; i < req->nscalar; i++) {
        resp->scalar[i] = req->scalar[i];
    }
    resp->bytes = req->bytes;           /* handed over, not copied */
    resp->len = req->len;
    req->bytes = NULL;
}

/* ---- binding to a server's public endpoint ---------------------------------------- */

/*
 * The listener side: a BIND request carries the client's endpoint; we make
 * a private channel for that client, serve it with the listener's handler
 * table, and answer BIND on the new channel with its endpoint.
 */
void rpc_handle_bind(struct rpc_chan *listener, struct rpc_payload *req,
                     struct rpc_payload *resp)
{
    resp->err = LIB_ERR_RPC_DEFERRED;       /* answered on the new channel */
    if (capref_is_null(req->cap)) {
        return;
    }
    struct capref client_ep = req->cap;
    req->cap = NULL_CAP;                    /* ours from here on */
    struct rpc_chan *rc = malloc(sizeof(*rc));
    errval_t err = rc == NULL ? LIB_ERR_MALLOC_FAIL : rpc_chan_init(rc, client_ep);
    if (err_is_fail(err)) {
        /* No channel for this client (no memory, no endpoint buffer left):
         * tell it so on its own endpoint, which it is waiting on. */
        struct rpc_chan reply = { .lc = { .remote_cap = client_ep },
                                  .send_tries = RPC_SERVE_SEND_TRIES };
        struct rpc_payload refused = { .err = err };
        rpc_send(&reply, RPC_BIND, RPC_KIND_RESPONSE, listener->cur_seq, &refused);
        cap_destroy(client_ep);
        free(rc);
        return;
    }
    rc->client_id = req->nscalar > 0 ? req->scalar[0] : 0;
    if (listener->on_bind) {
        listener->on_bind(rc);
    }
    rc->on_bind = listener->on_bind;
    rpc_serve(rc, listener->handlers, listener->ws);
    rpc_reasm_limit(&rc->rx, listener->rx.max_inline, listener->rx.max_bytes);
    struct rpc_payload ok = { .cap = rc->lc.local_cap };
    rpc_send(rc, RPC_BIND, RPC_KIND_RESPONSE, listener->cur_seq, &ok);
}

errval_t rpc_bind(struct capref server_ep, struct rpc_chan **ret)
{
    struct rpc_chan *rc = malloc(sizeof(*rc));
    struct rpc_payload req = { .nscalar = 1, .scalar = { disp_domain_id() } };
    struct rpc_payload resp;
    errval_t err;

    if (rc == NULL) {
        return LIB_ERR_MALLOC_FAIL;
    }
    if ((err = rpc_chan_init(rc, server_ep))) {
        free(rc);
        return err;
    }
    req.cap = rc->lc.local_cap;
    err = rpc_call(rc, RPC_BIND, &req, &resp);
    if (err_is_ok(err) && capref_is_null(resp.cap)) {
        err = LIB_ERR_LMP_CHAN_INIT;
    }
    if (err_is_fail(err)) {
        lmp_chan_destroy(&rc->lc);
        free(rc);
        return err;
    }
    rc->lc.remote_cap = resp.cap;       /* from now on: the private channel */
    rpc_payload_free(&resp);
    *ret = rc;
    return SYS_ERR_OK;
}
