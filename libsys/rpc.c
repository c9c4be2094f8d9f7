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

void rpc_chan_destroy(struct rpc_chan *rc)
{
    if (rc->ump != NULL) {
        rpc_ump_destroy(rc);
        return;
    }
    lmp_chan_destroy(&rc->lc);
    cap_destroy(rc->lc.remote_cap);
    cap_destroy(rc->rx_cap);
    if (rc->rx.active) {
        free(rc->rx.msg.bytes);
    }
    payload_release(&rc->frame);
    rc->dead = true;
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
 * (a sync send, which lmp_chan_send makes with this dispatcher disabled:
 * the kernel keeps our registers in the disabled save area, and when the
 * peer answers with a sync send of its own -- the response, or the next
 * request -- it resumes us right after the system call, with the answer
 * already in our ring: no run() upcall, no thread switch, which is most
 * of the cost of a round trip otherwise; docs/messaging.md, section 5;
 * the numbers: docs/lmp.md, section 5).
 * Should the answer not be there yet, recv_response blocks the thread as
 * usual.  A full ring is retried (yielding between tries).
 */
static errval_t send_last(struct rpc_chan *rc, struct capref cap, uint32_t nw,
                          const uint32_t *words)
{
    errval_t err = lmp_chan_send(&rc->lc, LMP_SEND_FLAGS_DEFAULT, cap, nw, words);
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

/*
 * The fixed layout.  Most RPCs carry a few scalar words and no bytes: the
 * whole message is one LMP message [header|LAST, length 0, scalars]
 * (sys/rpc_wire.h).  put_fixed writes it and fixed_layout recognises it
 * straight between payload and LMP words, without the general encoder and
 * reassembler (docs/rpc.md, section 3).  The words are exactly the ones
 * rpc_wire_encode makes for such a message, and fixed_layout accepts only
 * what rpc_wire_decode would: anything else takes the general path, which
 * validates and names the error as before.
 */
#define HDR_NSCALAR_MASK    (0xfu << 12)

/* The words of a scalar-only payload under header hdr (nscalar included);
 * a response (base 1) has the server's error first.  Returns the count. */
static inline uint32_t put_fixed(uint32_t hdr, uint32_t base, const struct rpc_payload *p,
                                 uint32_t words[LMP_MSG_WORDS])
{
    words[0] = hdr | RPC_HDR_LAST_BIT;
    words[1] = 0;
    words[RPC_FIRST_WORDS] = p->err;
    for (uint32_t i = 0; i < p->nscalar; i++) {
        words[RPC_FIRST_WORDS + base + i] = p->scalar[i];
    }
    return RPC_FIRST_WORDS + base + p->nscalar;
}

/* Is lm one whole scalar-only message whose header, masked by mask and
 * with its scalar count left out, is want?  (The count must then match
 * the words that came; the kernel never delivers more than 10.) */
static inline bool fixed_layout(const struct lmp_recv_msg *lm, uint32_t mask, uint32_t want)
{
    uint32_t h = lm->words[0];
    return lm->len >= RPC_FIRST_WORDS && (h & mask & ~HDR_NSCALAR_MASK) == want &&
           lm->len == RPC_FIRST_WORDS + RPC_HDR_NSCALAR(h) && lm->words[1] == 0;
}

/* The scalars of a fixed-layout message, from word 2 + skip on, into p
 * (an empty payload but for them and the capability). */
static inline void take_fixed(const struct lmp_recv_msg *lm, uint32_t skip, struct capref cap,
                              struct rpc_payload *p)
{
    uint32_t n = lm->len - RPC_FIRST_WORDS - skip;
    for (uint32_t i = 0; i < n; i++) {
        p->scalar[i] = lm->words[RPC_FIRST_WORDS + skip + i];
    }
    p->nscalar = n;
    p->bytes = NULL;
    p->len = 0;
    p->cap = cap;
}

/* rpc_send for a scalar-only payload (p->len == 0) of a request or
 * response: one LMP message in the fixed layout. */
static errval_t send_fixed(struct rpc_chan *rc, unsigned m, uint8_t kind,
                           uint16_t seq, const struct rpc_payload *p)
{
    uint32_t words[LMP_MSG_WORDS];
    uint32_t base = kind;           /* RESPONSE (1): the server's verdict first */
    if (p->nscalar + base > RPC_MAX_SCALARS) {
        return LIB_ERR_RPC_TOO_LARGE;
    }
    uint32_t nw = put_fixed(RPC_HDR(m, kind, 0, p->nscalar + base, seq), base, p, words);
    errval_t err = send_last(rc, p->cap, nw, words);
    return err_is_fail(err) ? send_error(err) : SYS_ERR_OK;
}

errval_t rpc_send(struct rpc_chan *rc, unsigned m, uint8_t kind,
                  uint16_t seq, const struct rpc_payload *p)
{
    struct rpc_msg msg;             /* every field set below (no memset: hot) */
    struct capref cap = p->cap;
    errval_t err;

    /* (A UMP channel's frame.cap is RPC_UMP_NO_FRAME, never null: it
     * always comes past this test, to the branch below.) */
    if (p->len == 0 && kind <= RPC_KIND_RESPONSE && capref_is_null(rc->frame.cap)) {
        return send_fixed(rc, m, kind, seq, p);
    }
    if (rc->ump != NULL) {
        return rpc_ump_send(rc, m, kind, seq, p);
    }
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
 * Feed one LMP message (lm, with capability c) to the reassembler.  When
 * it completes an RPC message, *done points to it (rc->rx.msg: valid until
 * the next feed; its bytes, and the capability in *cap, are the caller's);
 * else *done is NULL: more fragments are to come.
 */
static errval_t rx_feed(struct rpc_chan *rc, const struct lmp_recv_msg *lm, struct capref c,
                        struct rpc_msg **done, struct capref *cap)
{
    bool complete;
    bool was_active = rc->rx.active;

    *done = NULL;
    errval_t err = rpc_wire_decode(&rc->rx, lm->words, lm->len, &complete);
    if (err_is_fail(err) && was_active && RPC_HDR_KIND(lm->words[0]) != RPC_KIND_FRAG) {
        /* The previous message was cut short and dropped; this one is
         * the start of a new message: decode it afresh. */
        drop_rx_cap(rc);
        err = rpc_wire_decode(&rc->rx, lm->words, lm->len, &complete);
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
    }
    return err;
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

/*
 * Wait for the response to call (m, seq).  The common answer -- scalars
 * only, in one LMP message -- is recognised by one masked compare of its
 * header (method, kind, seq, LAST, not LARGE) and copied straight into
 * resp.  Everything else goes through the reassembler; a stale or foreign
 * message is dropped.
 */
static inline __attribute__((always_inline)) errval_t
recv_response(struct rpc_chan *rc, unsigned m, uint16_t seq, struct rpc_payload *resp)
{
    uint32_t want = RPC_HDR(m, RPC_KIND_RESPONSE, 0, 0, seq) | RPC_HDR_LAST_BIT;
    struct lmp_recv_msg lm;
    struct capref c, cap;
    struct rpc_msg *msg;

    for (;;) {
        errval_t err = lmp_chan_recv(&rc->lc, &lm, &c);
        if (err == LIB_ERR_LMP_NO_MESSAGE) {
            lmp_endpoint_wait(rc->lc.endpoint);
            continue;
        }
        if (err_is_fail(err)) {
            return err;
        }
        if (!rc->rx.active && fixed_layout(&lm, ~0u, want) && lm.len > RPC_FIRST_WORDS) {
            take_fixed(&lm, 1, c, resp);
            resp->err = lm.words[RPC_FIRST_WORDS];
            return SYS_ERR_OK;
        }
        if ((err = rx_feed(rc, &lm, c, &msg, &cap))) {
            return err;
        }
        if (msg == NULL) {
            continue;                   /* fragments to come */
        }
        if (msg->kind == RPC_KIND_RESPONSE && msg->seq == seq && msg->method == m &&
            msg->nscalar >= 1) {
            rpc_msg_to_payload(msg, cap, 1, resp);
            resp->err = msg->scalar[0];
            return SYS_ERR_OK;
        }
        free(msg->bytes);               /* a stale or foreign message */
        cap_destroy(cap);
    }
}

/*
 * One call in flight per channel (sys/rpc.h): the channel's mutex -- but
 * not in a domain of one thread, the caller.  No other thread can call on
 * the channel until this call ends (a thread is made only by a running
 * one, and the one is here), so there is nothing to lock against; that
 * saves a lock and an unlock on every call of most domains (docs/rpc.md,
 * section 3).  Returns whether it locked.
 */
static bool call_lock(struct rpc_chan *rc)
{
    if (thread_count() <= 1) {
        return false;
    }
    thread_mutex_lock(&rc->call_lock);
    return true;
}

errval_t rpc_call(struct rpc_chan *rc, unsigned m,
                  const struct rpc_payload *req, struct rpc_payload *resp)
{
    payload_clear(resp);
    if (rc == NULL || rc->dead) {
        return LIB_ERR_RPC_PEER_DEAD;
    }
    if (rc->ump != NULL) {
        return rpc_ump_call(rc, m, req, resp);
    }
    bool locked = call_lock(rc);
    uint16_t seq = ++rc->seq;
    errval_t err = rpc_send(rc, m, RPC_KIND_REQUEST, seq, req);
    if (err_is_ok(err)) {
        err = recv_response(rc, m, seq, resp);
    }
    if (err == LIB_ERR_RPC_PEER_DEAD) {
        rc->dead = true;
    }
    if (locked) {
        thread_mutex_unlock(&rc->call_lock);
    }
    return err_is_fail(err) ? err : resp->err;
}

/*
 * The answer of a scalar-only call that came the general way (a stale
 * message before it, an error with no scalars, a frame kept from before):
 * into w as rpc_call_fixed promises, or LIB_ERR_RPC_BAD_MESSAGE if it is
 * not of the method's shape (what the generated unpack said before).
 */
static errval_t fixed_from_payload(errval_t err, struct rpc_payload *resp, uint32_t nresp,
                                   uint32_t *w)
{
    if (err_is_ok(err) && (resp->nscalar != nresp || resp->len != 0)) {
        err = LIB_ERR_RPC_BAD_MESSAGE;
    }
    for (uint32_t i = 0; err_is_ok(err) && i < nresp; i++) {
        w[RPC_FIRST_WORDS + 1 + i] = resp->scalar[i];
    }
    cap_destroy(resp->cap);             /* one nobody asked for */
    rpc_payload_free(resp);
    w[RPC_FIRST_WORDS] = err;
    return err;
}

/* The same call through rpc_call, for a channel in any other state. */
static errval_t call_fixed_general(struct rpc_chan *rc, unsigned m, uint32_t nreq,
                                   uint32_t nresp, uint32_t *w)
{
    struct rpc_payload req = { .nscalar = nreq }, resp;
    for (uint32_t i = 0; i < nreq; i++) {
        req.scalar[i] = w[RPC_FIRST_WORDS + i];
    }
    return fixed_from_payload(rpc_call(rc, m, &req, &resp), &resp, nresp, w);
}

/*
 * One fixed-layout message from w (nw words, no capability): the send
 * inline, as lmp_chan_send makes it -- every argument but the count is a
 * constant here -- and only a failure out of line (send_fixed_failed:
 * retried while the peer's ring is full, then named as send_error names
 * it).
 */
static errval_t __attribute__((noinline))
send_fixed_failed(struct rpc_chan *rc, errval_t err, uint32_t nw, const uint32_t *w)
{
    if (lmp_err_is_transient(err)) {
        err = lmp_chan_send_tries(&rc->lc, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, nw, w,
                                  rc->send_tries);
    }
    return err_is_fail(err) ? send_error(err) : SYS_ERR_OK;
}

static inline errval_t send_words(struct rpc_chan *rc, uint32_t nw, const uint32_t *w)
{
    errval_t err = lmp_chan_send(&rc->lc, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, nw, w);
    return err_is_ok(err) ? err : send_fixed_failed(rc, err, nw, w);
}

/*
 * The response to (m, seq) with nresp scalars, as rpc_call_fixed did not
 * find it in place: recv_response waits if nothing is there yet and takes
 * everything else as it always has.  Returns a transport error; the
 * server's is in w[RPC_FIRST_WORDS].
 */
static errval_t recv_fixed_general(struct rpc_chan *rc, unsigned m, uint16_t seq,
                                   uint32_t nresp, uint32_t *w)
{
    struct rpc_payload resp;
    payload_clear(&resp);
    errval_t err = recv_response(rc, m, seq, &resp);
    if (err_is_ok(err)) {
        fixed_from_payload(resp.err, &resp, nresp, w);
    }
    return err;
}

errval_t rpc_call_fixed_rest(struct rpc_chan *rc, unsigned m, uint16_t seq, uint32_t nreq,
                             uint32_t nresp, errval_t err, uint32_t *w)
{
    if (err_is_fail(err)) {
        err = send_fixed_failed(rc, err, RPC_FIRST_WORDS + nreq, w);
    }
    if (err_is_ok(err)) {
        err = recv_fixed_general(rc, m, seq, nresp, w);
    }
    if (err == LIB_ERR_RPC_PEER_DEAD) {
        rc->dead = true;
    }
    return err_is_fail(err) ? err : w[RPC_FIRST_WORDS];
}

errval_t rpc_call_fixed_slow(struct rpc_chan *rc, unsigned m, uint32_t nreq, uint32_t nresp,
                             uint32_t *w)
{
    if (rc == NULL || rc->dead) {
        return LIB_ERR_RPC_PEER_DEAD;
    }
    if (!capref_is_null(rc->frame.cap)) {
        return call_fixed_general(rc, m, nreq, nresp, w);   /* rpc_send releases it */
    }
    bool locked = call_lock(rc);
    uint16_t seq;
    errval_t err = rpc_fixed_send(rc, m, nreq, w, &seq);
    err = rpc_call_fixed_rest(rc, m, seq, nreq, nresp, err, w);
    if (locked) {
        thread_mutex_unlock(&rc->call_lock);
    }
    return err;
}

/* ---- the same with one capability in the answer (rpc_call_fixed_cap) ---- */

/*
 * The answer of such a call that came the general way, into w and *cap as
 * rpc_call_fixed_cap promises: its scalars, and the capability -- which a
 * successful answer must have (the generated unpack's rule before:
 * LIB_ERR_RPC_BAD_MESSAGE).  A capability that came with a failure is
 * deleted here.
 */
static errval_t fixed_cap_from_payload(errval_t err, struct rpc_payload *resp, uint32_t nresp,
                                       uint32_t *w, struct capref *cap)
{
    if (err_is_ok(err) && capref_is_null(resp->cap)) {
        err = LIB_ERR_RPC_BAD_MESSAGE;
    }
    if (err_is_ok(err)) {
        *cap = resp->cap;
        resp->cap = NULL_CAP;           /* the caller's now */
    }
    return fixed_from_payload(err, resp, nresp, w);
}

errval_t rpc_call_fixed_cap_rest(struct rpc_chan *rc, unsigned m, uint16_t seq,
                                 uint32_t nreq, uint32_t nresp, errval_t err, uint32_t *w,
                                 struct capref *cap)
{
    *cap = NULL_CAP;
    if (err_is_fail(err)) {
        err = send_fixed_failed(rc, err, RPC_FIRST_WORDS + nreq, w);
    }
    if (err_is_ok(err)) {
        struct rpc_payload resp;
        payload_clear(&resp);
        err = recv_response(rc, m, seq, &resp);
        if (err_is_ok(err)) {
            fixed_cap_from_payload(resp.err, &resp, nresp, w, cap);
        }
    }
    if (err == LIB_ERR_RPC_PEER_DEAD) {
        rc->dead = true;
    }
    return err_is_fail(err) ? err : w[RPC_FIRST_WORDS];
}

errval_t rpc_call_fixed_cap_slow(struct rpc_chan *rc, unsigned m, uint32_t nreq,
                                 uint32_t nresp, uint32_t *w, struct capref *cap)
{
    *cap = NULL_CAP;
    if (rc == NULL || rc->dead) {
        return LIB_ERR_RPC_PEER_DEAD;
    }
    if (!capref_is_null(rc->frame.cap)) {       /* rpc_send releases it */
        struct rpc_payload req = { .nscalar = nreq }, resp;
        for (uint32_t i = 0; i < nreq; i++) {
            req.scalar[i] = w[RPC_FIRST_WORDS + i];
        }
        return fixed_cap_from_payload(rpc_call(rc, m, &req, &resp), &resp, nresp, w, cap);
    }
    bool locked = call_lock(rc);
    uint16_t seq;
    errval_t err = rpc_fixed_send(rc, m, nreq, w, &seq);
    err = rpc_call_fixed_cap_rest(rc, m, seq, nreq, nresp, err, w, cap);
    if (locked) {
        thread_mutex_unlock(&rc->call_lock);
    }
    return err;
}

/* ---- server ---------------------------------------------------------------------- */

static void rpc_recv_event(void *arg);
static inline void reply_fixed(struct rpc_chan *rc, uint16_t seq, uint32_t hdr, uint32_t *w);

/* A scalar-only request that came the general way (one that wraps past
 * the end of the ring, say) goes to the typed handlers too, as
 * serve_in_place would have sent it.  True: served. */
static inline bool serve_typed(struct rpc_chan *rc, uint8_t m, uint16_t seq,
                               struct rpc_payload *req)
{
    uint32_t w[LMP_MSG_WORDS];
    if (req->len != 0 || rc->fixed_dispatch == NULL || !capref_is_null(req->cap) ||
        req->nscalar > RPC_MAX_SCALARS) {
        return false;
    }
    rc->cur_seq = seq;
    rc->cur_method = m;
    w[0] = RPC_HDR(m, RPC_KIND_REQUEST, 0, req->nscalar, seq) | RPC_HDR_LAST_BIT;
    for (uint32_t i = 0; i < req->nscalar; i++) {
        w[RPC_FIRST_WORDS + i] = req->scalar[i];
    }
    int hdr = rc->fixed_dispatch(rc, rc->fixed_handlers, w, w);
    if (hdr >= 0 && w[RPC_FIRST_WORDS] != LIB_ERR_RPC_DEFERRED) {
        reply_fixed(rc, seq, hdr, w);
    }
    return hdr >= 0;
}

/*
 * One request (method m, sequence number seq): its handler, then the
 * answer.  Whatever came with it and the handler did not take is freed
 * here: its bytes, and its capability -- else every request that carries
 * one, wanted or not, would cost the server a slot for good
 * (docs/reliability.md).
 */
static void serve_one(struct rpc_chan *rc, uint8_t m, uint16_t seq, struct rpc_payload *req)
{
    struct rpc_payload resp;
    payload_clear(&resp);
    rc->cur_seq = seq;
    rc->cur_method = m;
    rpc_handler_fn h = m < rc->num_handlers ? rc->handlers[m]
                     : rc->all_methods ? rc->handlers[0] : NULL;
    if (h == NULL) {
        resp.err = LIB_ERR_RPC_UNKNOWN_METHOD;
    } else {
        h(rc, req, &resp);
    }
    if (resp.err != LIB_ERR_RPC_DEFERRED) {
        rpc_reply(rc, m, seq, &resp);
    }
    rpc_payload_free(req);
    if (!capref_is_null(req->cap)) {    /* most requests have none: skip the call */
        cap_destroy(req->cap);
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

/* One LMP message that came to a server: a fixed-layout request is served
 * at once; anything else goes through the reassembler (a message that is
 * no request, such as a response, is dropped).  False: stop reading. */
static bool serve_lmp(struct rpc_chan *rc, const struct lmp_recv_msg *lm, struct capref c)
{
    struct rpc_payload req;
    struct rpc_msg *msg;
    struct capref cap;

    req.err = SYS_ERR_OK;
    if (!rc->rx.active && fixed_layout(lm, RPC_HDR(0, 3, 1, 0, 0) | RPC_HDR_LAST_BIT,
                                       RPC_HDR(0, RPC_KIND_REQUEST, 0, 0, 0) | RPC_HDR_LAST_BIT)) {
        take_fixed(lm, 0, c, &req);
        if (!serve_typed(rc, RPC_HDR_METHOD(lm->words[0]), RPC_HDR_SEQ(lm->words[0]), &req)) {
            serve_one(rc, RPC_HDR_METHOD(lm->words[0]), RPC_HDR_SEQ(lm->words[0]), &req);
        }
        return true;
    }
    errval_t err = rx_feed(rc, lm, c, &msg, &cap);
    if (err_is_fail(err)) {
        refuse(rc, err);
        return false;
    }
    if (msg != NULL && msg->kind == RPC_KIND_REQUEST) {
        rpc_msg_to_payload(msg, cap, 0, &req);
        if (!serve_typed(rc, msg->method, msg->seq, &req)) {
            serve_one(rc, msg->method, msg->seq, &req);
        }
    } else if (msg != NULL) {
        free(msg->bytes);
        cap_destroy(cap);
    }
    return true;
}

/* The answer of a typed handler (its header hdr, but the sequence number)
 * through rpc_reply: to a dead channel (nothing is sent) or one that keeps
 * a frame (rpc_send releases it). */
static void __attribute__((noinline))
reply_fixed_general(struct rpc_chan *rc, uint16_t seq, uint32_t hdr, uint32_t *w)
{
    uint32_t n = RPC_HDR_NSCALAR(hdr) - 1;
    struct rpc_payload resp = { .nscalar = n, .err = w[RPC_FIRST_WORDS] };
    for (uint32_t i = 0; i < n; i++) {
        resp.scalar[i] = w[RPC_FIRST_WORDS + 1 + i];
    }
    rpc_reply(rc, RPC_HDR_METHOD(hdr), seq, &resp);
}

/* A fixed answer that could not be sent: handled as rpc_reply does. */
static void __attribute__((noinline))
reply_fixed_failed(struct rpc_chan *rc, unsigned m, uint16_t seq, errval_t err)
{
    if (err == LIB_ERR_RPC_PEER_STUCK) {
        rpc_chan_drop(rc);              /* it does not take its answers */
    } else if (err != LIB_ERR_RPC_PEER_DEAD) {
        rpc_send(rc, m, RPC_KIND_RESPONSE, seq, &(struct rpc_payload){ .err = err });
    }
}

/* The answer of a typed handler (w[RPC_FIRST_WORDS] its error, its
 * scalars after it), sent from w as it stands.  Its header hdr, but the
 * sequence number, is what the generated dispatch returned: a constant
 * there (RPC_FIXED_ANSWER), so that only seq is added here. */
static inline void reply_fixed(struct rpc_chan *rc, uint16_t seq, uint32_t hdr, uint32_t *w)
{
    if (rc->dead || !capref_is_null(rc->frame.cap)) {
        reply_fixed_general(rc, seq, hdr, w);
        return;
    }
    w[0] = hdr | (uint32_t)seq << 16;
    w[1] = 0;
    errval_t err = send_words(rc, RPC_FIRST_WORDS + RPC_HDR_NSCALAR(hdr), w);
    if (err_is_fail(err)) {
        reply_fixed_failed(rc, RPC_HDR_METHOD(hdr), seq, err);
    }
}

/* (sys/rpc.h) Sent while the request may still lie in the ring -- the
 * caller gives its space back after the dispatch returns -- which only
 * leaves the client's next request less room until then. */
void rpc_reply_fixed_cap(struct rpc_chan *rc, struct capref cap, uint32_t n, uint32_t *w)
{
    unsigned m = rc->cur_method;
    uint16_t seq = rc->cur_seq;
    if (rc->dead || !capref_is_null(rc->frame.cap)) {
        struct rpc_payload resp = { .nscalar = n, .err = w[RPC_FIRST_WORDS], .cap = cap };
        for (uint32_t i = 0; i < n; i++) {
            resp.scalar[i] = w[RPC_FIRST_WORDS + 1 + i];
        }
        rpc_reply(rc, m, seq, &resp);
        return;
    }
    w[0] = RPC_HDR(m, RPC_KIND_RESPONSE, 0, 1 + n, seq) | RPC_HDR_LAST_BIT;
    w[1] = 0;
    errval_t err = send_last(rc, cap, RPC_FIRST_WORDS + 1 + n, w);
    if (err_is_fail(err)) {
        reply_fixed_failed(rc, m, seq, send_error(err));
    }
}

/* A fixed-layout request in the ring (in) without a typed handler: to
 * serve_one, in a struct rpc_payload, after giving its space back. */
static void __attribute__((noinline))
serve_fixed_payload(struct rpc_chan *rc, unsigned m, uint16_t seq, struct lmp_peek in)
{
    struct rpc_payload req;             /* every field set (no memset: hot) */
    uint32_t nscalar = in.len - RPC_FIRST_WORDS;
    for (uint32_t i = 0; i < nscalar; i++) {
        req.scalar[i] = in.words[RPC_FIRST_WORDS + i];
    }
    lmp_chan_consume(&in);
    req.nscalar = nscalar;
    req.bytes = NULL;
    req.len = 0;
    req.cap = NULL_CAP;
    req.err = SYS_ERR_OK;
    serve_one(rc, m, seq, &req);
}

/*
 * A fixed-layout request read in place (lmp_chan_peek), the common case
 * of a server: the same test as serve_lmp's, made on the ring's words.  A
 * method with a typed handler (rpc_serve_fixed) is served from those very
 * words, and its answer goes out from w -- no lmp_recv_msg, no struct
 * rpc_payload either way; its space in the ring is given back once the
 * dispatch has read it.  Any other method goes to serve_one as before.
 * False: the next message is not such a request (or there is none), and
 * nothing was taken.
 */
static inline bool serve_in_place(struct rpc_chan *rc)
{
    uint32_t w[LMP_MSG_WORDS];
    struct lmp_peek in;
    if (rc->rx.active || !lmp_chan_peek(&rc->lc, &in)) {
        return false;                   /* (fragments to come: not even a look) */
    }
    uint32_t h = in.words[0];
    if ((h & (RPC_HDR(0, 3, 1, 0, 0) | RPC_HDR_LAST_BIT)) !=
            (RPC_HDR(0, RPC_KIND_REQUEST, 0, 0, 0) | RPC_HDR_LAST_BIT) ||
        in.len != RPC_FIRST_WORDS + RPC_HDR_NSCALAR(h) || in.words[1] != 0) {
        return false;
    }
    unsigned m = RPC_HDR_METHOD(h);
    uint16_t seq = RPC_HDR_SEQ(h);
    rc->cur_seq = seq;
    rc->cur_method = m;
    int hdr = rc->fixed_dispatch ? rc->fixed_dispatch(rc, rc->fixed_handlers, in.words, w) : -1;
    if (hdr < 0) {
        serve_fixed_payload(rc, m, seq, in);   /* (by value: in stays in registers) */
        return true;                    /* (it gave the space back) */
    }
    lmp_chan_consume(&in);
    if (w[RPC_FIRST_WORDS] != LIB_ERR_RPC_DEFERRED) {
        reply_fixed(rc, seq, hdr, w);
    }
    return true;
}

static void rpc_recv_event(void *arg)
{
    struct rpc_chan *rc = arg;
    struct lmp_recv_msg lm;
    struct capref c;

    for (;;) {
        if (serve_in_place(rc)) {
            if (rc->dead) {
                break;          /* dropped (rpc_chan_drop) */
            }
            continue;
        }
        errval_t err = lmp_chan_recv(&rc->lc, &lm, &c);
        if (err_is_fail(err)) {
            if (err != LIB_ERR_LMP_NO_MESSAGE) {
                refuse(rc, err);
            }
            break;
        }
        if (!serve_lmp(rc, &lm, c) || rc->dead) {
            break;              /* malformed, or dropped (rpc_chan_drop) */
        }
    }
    if (!rc->dead) {
        lmp_chan_register_recv(&rc->lc, rc->ws, MKCLOSURE(rpc_recv_event, rc));
    }
}

void rpc_serve_fixed(struct rpc_chan *rc, rpc_fixed_dispatch_fn *dispatch,
                     const void *handlers)
{
    rc->fixed_dispatch = dispatch;
    rc->fixed_handlers = handlers;
}

errval_t rpc_serve(struct rpc_chan *rc, const rpc_handler_fn *handlers,
                   unsigned num_handlers, struct waitset *ws)
{
    rc->handlers = handlers;
    rc->num_handlers = num_handlers;
    rc->ws = ws;
    rc->send_tries = RPC_SERVE_SEND_TRIES;
    if (rc->rx.max_inline > RPC_SERVE_MAX_INLINE) {
        rpc_reasm_limit(&rc->rx, RPC_SERVE_MAX_INLINE, rc->rx.max_bytes);
    }
    if (rc->ump != NULL) {
        return rpc_ump_serve(rc);
    }
    return lmp_chan_register_recv(&rc->lc, ws, MKCLOSURE(rpc_recv_event, rc));
}

/* (A table of one entry and no length: serve_one takes it for every
 * method without costing the table lookup of other servers anything.) */
errval_t rpc_serve_all(struct rpc_chan *rc, const rpc_handler_fn *handler,
                       struct waitset *ws)
{
    rc->all_methods = true;
    return rpc_serve(rc, handler, 0, ws);
}

/* serve_one, for the UMP transport (rpc_ump.c). */
void rpc_serve_request(struct rpc_chan *rc, uint8_t m, uint16_t seq, struct rpc_payload *req)
{
    serve_one(rc, m, seq, req);
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

errval_t rpc_reply(struct rpc_chan *rc, unsigned m, uint16_t seq,
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

/* PING, for any server's typed handlers (struct rpc_<NAME>_fixed_handlers):
 * the scalar comes back. */
errval_t rpc_handle_ping(struct rpc_chan *rc, uint32_t value, uint32_t *echo)
{
    (void)rc;
    *echo = value;
    return SYS_ERR_OK;
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
        struct rpc_chan reply = { .send_tries = RPC_SERVE_SEND_TRIES };
        lmp_chan_set_remote(&reply.lc, client_ep);
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
    rpc_serve(rc, listener->handlers, listener->num_handlers, listener->ws);
    rpc_serve_fixed(rc, listener->fixed_dispatch, listener->fixed_handlers);
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
    lmp_chan_set_remote(&rc->lc, resp.cap);  /* from now on: the private channel */
    rpc_payload_free(&resp);
    *ret = rc;
    return SYS_ERR_OK;
}
