/*
 * libsys/rpc_ump.c -- the RPC layer's UMP transport (sys/rpc_ump.h;
 * docs/multikernel.md, "RPC over UMP").  rpc.c branches here once, on
 * rc->ump, in rpc_call, rpc_send, rpc_serve and rpc_chan_destroy; the
 * LMP paths stay as they were.
 *
 *   client (one core)                       server (the other core)
 *   rpc_call -> rpc_ump_call                ump_event (polled in its waitset)
 *     lines of 7 words ----- UMP ring ----->  reassemble, rpc_serve_request
 *     sleeps in a waitset of its own          (the handler, rpc_reply)
 *     <---------------- UMP ring ----------- rpc_send -> rpc_ump_send
 *
 * An RPC message is cut into lines by rpc_wire at width UMP_PAYLOAD_WORDS.
 * A capability travels as a description (RPC_CAP_DESC_WORDS words, made
 * by the channel's cap_export hook) in a line of its own, sent right
 * before the message's first line:
 *
 *   word 0: RPC_HDR(method, RPC_KIND_PEER_DEAD, LARGE, 0, seq)
 *   words 1-4: the description
 *
 * -- a header no RPC message has: PEER_DEAD notices (LMP only) never
 * have LARGE set, and RPC messages never have kind 3.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/rpc.h>
#include <sys/threads.h>
#include <sys/waitset.h>

#define W   UMP_PAYLOAD_WORDS

#define CAP_LINE_HDR(m, seq)    RPC_HDR(m, RPC_KIND_PEER_DEAD, 1, 0, seq)
#define CAP_LINE_WORDS          (1 + RPC_CAP_DESC_WORDS)

static bool is_cap_line(const uint32_t *w, unsigned n)
{
    return n == CAP_LINE_WORDS && RPC_HDR_KIND(w[0]) == RPC_KIND_PEER_DEAD &&
           RPC_HDR_LARGE(w[0]);
}

errval_t rpc_chan_init_ump(struct rpc_chan *rc, void *buf, size_t bytes, bool first)
{
    memset(rc, 0, sizeof(*rc));
    thread_mutex_init(&rc->call_lock);
    rpc_reasm_init(&rc->rx, malloc, free);
    struct rpc_ump *u = calloc(1, sizeof(*u));
    if (u == NULL) {
        return LIB_ERR_MALLOC_FAIL;
    }
    errval_t err = ump_chan_init(&u->uc, buf, bytes, first);
    if (err_is_fail(err)) {
        free(u);
        return err;
    }
    rc->ump = u;
    rc->frame.cap = RPC_UMP_NO_FRAME;   /* sys/rpc_ump.h */
    return SYS_ERR_OK;
}

void rpc_chan_set_cap_hooks(struct rpc_chan *rc, rpc_cap_export_fn cap_export,
                            rpc_cap_import_fn cap_import)
{
    if (rc->ump != NULL) {
        rc->ump->cap_export = cap_export;
        rc->ump->cap_import = cap_import;
    }
}

void rpc_ump_destroy(struct rpc_chan *rc)
{
    if (rc->ump->uc.recv_ws.state != CHAN_UNREGISTERED) {
        waitset_chan_deregister(&rc->ump->uc.recv_ws);
    }
    cap_destroy(rc->rx_cap);
    rc->rx_cap = NULL_CAP;
    if (rc->rx.active) {
        free(rc->rx.msg.bytes);
        rc->rx.active = false;
    }
    free(rc->ump);
    rc->ump = NULL;
    rc->frame.cap = NULL_CAP;
    rc->dead = true;
}

/* ---- sending ---------------------------------------------------------- */

/* One line, retried while the ring is full: tries times (rc->send_tries;
 * 0: until it goes).  A peer that does not read is stuck, as over LMP. */
static errval_t send_line(struct rpc_chan *rc, const uint32_t *w, unsigned n)
{
    errval_t err = ump_chan_send_retry(&rc->ump->uc, w, n, rc->send_tries);
    return err == LIB_ERR_UMP_FULL        ? LIB_ERR_RPC_PEER_STUCK
         : err == LIB_ERR_UMP_PEER_DOWN   ? LIB_ERR_RPC_PEER_DEAD : err;
}

/* The capability's line: its description from the export hook. */
static errval_t send_cap(struct rpc_chan *rc, unsigned m, uint16_t seq, struct capref cap)
{
    uint32_t w[CAP_LINE_WORDS] = { CAP_LINE_HDR(m, seq) };
    if (rc->ump->cap_export == NULL) {
        return LIB_ERR_RPC_CAP_CROSS_CORE;
    }
    errval_t err = rc->ump->cap_export(cap, &w[1]);
    return err_is_fail(err) ? err : send_line(rc, w, CAP_LINE_WORDS);
}

/* One message: the same as over LMP (a response's first scalar is the
 * server's verdict), inline whatever its size.  Its lines must not mix
 * with another message's on the ring: the caller holds rc->call_lock
 * (rpc_ump_send, rpc_ump_call), or sends a response (see there). */
static errval_t send_message(struct rpc_chan *rc, unsigned m, uint8_t kind, uint16_t seq,
                             const struct rpc_payload *p)
{
    uint32_t base = kind == RPC_KIND_RESPONSE ? 1 : 0;
    if (p->nscalar + base > RPC_MAX_SCALARS) {
        return LIB_ERR_RPC_TOO_LARGE;
    }
    struct rpc_msg msg = { .method = m, .kind = kind, .seq = seq, .bytes = p->bytes,
                           .len = p->len, .nscalar = p->nscalar + base,
                           .scalar = { p->err } };
    memcpy(&msg.scalar[base], p->scalar, p->nscalar * sizeof(uint32_t));
    unsigned n = rpc_wire_count_w(&msg, W);
    if (n == 0) {
        return LIB_ERR_RPC_TOO_LARGE;       /* rpc_wire_check_w refused it */
    }
    errval_t err = SYS_ERR_OK;
    if (!capref_is_null(p->cap)) {
        err = send_cap(rc, m, seq, p->cap);
    }
    for (unsigned i = 0; i < n && err_is_ok(err); i++) {
        uint32_t w[RPC_WIRE_MAX_WORDS];
        uint32_t nw = rpc_wire_encode_w(&msg, i, w, W);
        err = send_line(rc, w, nw);
    }
    return err;
}

/* rpc_send over UMP.  A request -- a one-way notice, such as init's
 * CORE_DIED -- takes rc->call_lock, which rpc_ump_call holds for its
 * request and answer: a notice sent by one thread while another is in a
 * call cannot put its lines between the call's (an LMP message is one
 * message; here it is several lines).  A response takes no lock: a
 * server answers on its channel from the one thread that serves it
 * (rpc_serve's waitset; a deferred answer from that thread too). */
errval_t rpc_ump_send(struct rpc_chan *rc, unsigned m, uint8_t kind, uint16_t seq,
                      const struct rpc_payload *p)
{
    if (kind == RPC_KIND_RESPONSE) {
        return send_message(rc, m, kind, seq, p);
    }
    thread_mutex_lock(&rc->call_lock);
    errval_t err = send_message(rc, m, kind, seq, p);
    thread_mutex_unlock(&rc->call_lock);
    return err;
}

/* ---- receiving -------------------------------------------------------- */

static void drop_rx_cap(struct rpc_chan *rc)
{
    cap_destroy(rc->rx_cap);
    rc->rx_cap = NULL_CAP;
    rc->ump->rx_cap_err = SYS_ERR_OK;
}

/* A capability's line: re-create the capability now (import hook), or
 * remember why not; the message it comes with gets it or the error. */
static void take_cap_line(struct rpc_chan *rc, const uint32_t *w)
{
    struct rpc_ump *u = rc->ump;
    drop_rx_cap(rc);
    u->rx_cap_err = u->cap_import == NULL ? LIB_ERR_RPC_CAP_CROSS_CORE
                                          : u->cap_import(&w[1], &rc->rx_cap);
    if (err_is_fail(u->rx_cap_err)) {
        rc->rx_cap = NULL_CAP;
    }
}

/*
 * Feed one line to the reassembler (as rpc.c's rx_feed for LMP).  When
 * it completes an RPC message, *done points to it (its bytes and *cap are
 * the caller's; *cap_err: its capability could not be imported), else
 * *done is NULL.
 */
static errval_t feed(struct rpc_chan *rc, const uint32_t *w, unsigned n,
                     struct rpc_msg **done, struct capref *cap, errval_t *cap_err)
{
    bool complete;
    bool was_active = rc->rx.active;

    *done = NULL;
    if (is_cap_line(w, n)) {
        take_cap_line(rc, w);
        return SYS_ERR_OK;
    }
    errval_t err = rpc_wire_decode_w(&rc->rx, w, n, W, &complete);
    if (err_is_fail(err) && was_active && RPC_HDR_KIND(w[0]) != RPC_KIND_FRAG) {
        /* The previous message was cut short; this one starts anew. */
        err = rpc_wire_decode_w(&rc->rx, w, n, W, &complete);
    }
    if (err_is_fail(err)) {
        drop_rx_cap(rc);
        return err;
    }
    if (complete) {
        *cap = rc->rx_cap;
        *cap_err = rc->ump->rx_cap_err;
        rc->rx_cap = NULL_CAP;
        rc->ump->rx_cap_err = SYS_ERR_OK;
        *done = &rc->rx.msg;
    }
    return SYS_ERR_OK;
}

static void discard(struct rpc_msg *msg, struct capref cap)
{
    free(msg->bytes);
    msg->bytes = NULL;
    cap_destroy(cap);
}

/*
 * Until a line is there: sleep, not spin.  A waitset of our own holds
 * only this channel; get_next_event puts the thread (and, with nothing
 * else to run, the dispatcher) to sleep after setting our "asleep" flag,
 * and the peer's wake SGI -- or any LMP message -- brings it back
 * (libsys/waitset.c, "Sleeping with polled channels").
 */
static void wait_line(struct rpc_chan *rc)
{
    struct waitset ws;
    struct event_closure c;
    waitset_init(&ws);
    if (err_is_ok(ump_chan_register_recv(&rc->ump->uc, &ws, MKCLOSURE(NULL, NULL)))) {
        get_next_event(&ws, &c);
    }
}

/* The client: the response to call (m, seq); anything else is dropped. */
static errval_t recv_response(struct rpc_chan *rc, unsigned m, uint16_t seq,
                              struct rpc_payload *resp)
{
    uint32_t w[W];
    unsigned n;
    for (;;) {
        errval_t err = ump_chan_recv(&rc->ump->uc, w, &n), cap_err;
        if (err == LIB_ERR_UMP_EMPTY) {
            if (ump_chan_peer_gone(&rc->ump->uc)) {
                return LIB_ERR_RPC_PEER_DEAD;   /* its core stopped: no answer */
            }
            wait_line(rc);
            continue;
        }
        struct rpc_msg *msg;
        struct capref cap;
        if (err_is_fail(err) || (err = feed(rc, w, n, &msg, &cap, &cap_err))) {
            return err;
        }
        if (msg == NULL) {
            continue;                   /* more lines to come */
        }
        if (msg->kind != RPC_KIND_RESPONSE || msg->seq != seq || msg->method != m ||
            msg->nscalar < 1) {
            discard(msg, cap);          /* a stale or foreign message */
            continue;
        }
        if (err_is_fail(cap_err)) {
            discard(msg, cap);
            return cap_err;
        }
        rpc_msg_to_payload(msg, cap, 1, resp);
        resp->err = msg->scalar[0];
        return SYS_ERR_OK;
    }
}

errval_t rpc_ump_call(struct rpc_chan *rc, unsigned m, const struct rpc_payload *req,
                      struct rpc_payload *resp)
{
    thread_mutex_lock(&rc->call_lock);
    uint16_t seq = ++rc->seq;
    errval_t err = send_message(rc, m, RPC_KIND_REQUEST, seq, req);
    if (err_is_ok(err)) {
        err = recv_response(rc, m, seq, resp);
    }
    if (err == LIB_ERR_RPC_PEER_DEAD) {
        rc->dead = true;                /* as over LMP (rpc.c) */
    }
    thread_mutex_unlock(&rc->call_lock);
    return err_is_fail(err) ? err : resp->err;
}

/* ---- server ----------------------------------------------------------- */

/* One line that came to a server.  False: stop reading for now. */
static bool serve_line(struct rpc_chan *rc, const uint32_t *w, unsigned n)
{
    struct rpc_msg *msg;
    struct capref cap;
    errval_t cap_err;
    errval_t err = feed(rc, w, n, &msg, &cap, &cap_err);
    if (err_is_fail(err)) {
        /* As over LMP: a request too large for our limits, or without
         * memory for its bytes, is answered with why; the rest dropped. */
        if ((err == LIB_ERR_RPC_TOO_LARGE || err == LIB_ERR_MALLOC_FAIL) &&
            rc->rx.msg.kind == RPC_KIND_REQUEST) {
            rpc_reply(rc, rc->rx.msg.method, rc->rx.msg.seq,
                      &(struct rpc_payload){ .err = err });
        }
        return false;
    }
    if (msg == NULL) {
        return true;
    }
    if (msg->kind != RPC_KIND_REQUEST) {
        discard(msg, cap);
    } else if (err_is_fail(cap_err)) {
        /* Its capability could not come across: the handler never sees
         * the request, its caller hears why. */
        uint8_t method = msg->method;
        uint16_t seq = msg->seq;
        discard(msg, cap);
        rpc_reply(rc, method, seq, &(struct rpc_payload){ .err = cap_err });
    } else {
        struct rpc_payload req = { .err = SYS_ERR_OK };
        rpc_msg_to_payload(msg, cap, 0, &req);
        rpc_serve_request(rc, msg->method, msg->seq, &req);
    }
    return true;
}

/* The waitset's event: a line is waiting.  Take every line there is,
 * then wait again (as rpc.c's rpc_recv_event). */
static void ump_event(void *arg)
{
    struct rpc_chan *rc = arg;
    uint32_t w[W];
    unsigned n;
    while (!rc->dead && err_is_ok(ump_chan_recv(&rc->ump->uc, w, &n))) {
        if (!serve_line(rc, w, n)) {
            break;
        }
    }
    if (!rc->dead && ump_chan_peer_gone(&rc->ump->uc)) {
        rc->dead = true;                /* its core stopped: nothing will come */
    }
    if (!rc->dead) {
        ump_chan_register_recv(&rc->ump->uc, rc->ws, MKCLOSURE(ump_event, rc));
    }
}

errval_t rpc_ump_serve(struct rpc_chan *rc)
{
    rc->send_tries = RPC_UMP_SERVE_SEND_TRIES;
    return ump_chan_register_recv(&rc->ump->uc, rc->ws, MKCLOSURE(ump_event, rc));
}
