/*
 * tests/user/t_lmp -- LMP between two domains and every LMP error.
 *
 *   t_lmp server    publishes an endpoint as "lmptest", then checks
 *                   100,000 numbered messages arrive in order, none lost
 *                   or doubled, maps a frame it is sent, and checks that
 *                   a RAM capability copied to it is a copy of the
 *                   client's in the derivation database
 *   t_lmp client    finds it, sends the messages (in bursts that keep
 *                   filling the server's buffer), sends the frame and
 *                   the RAM capability, and tests the error cases against
 *                   endpoints of its own
 *
 * Last, the two ends of a send (ends_client, ends_server): every
 * combination of the sync and non-blocking flags, with and without a
 * capability, of every length -- only a sync send without the
 * non-blocking flag hands the CPU to the receiver.
 */
#include <stdio.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/lmp_chan.h>
#include <sys/paging.h>
#include <sys/ram.h>
#include <sys/rpc.h>
#include <systest.h>
#include <if/init.h>

#define NMSG        100000u
#define MAGIC       0x5a5a0000u
#define FRAME_WORDS 1024
#define CAP_MSGS    8           /* 10-word messages with a capability */
#define ENDS_CASES  (4 * 2 * (LMP_MSG_WORDS + 1))   /* flags x cap x length */
/* Ring counters start here, so that the first messages cross the wrap of
 * the counters at 2^32 (docs/lmp.md): on the fast path between the two
 * domains, on the C path in own_endpoint_errors (and everywhere in the
 * msgtest-slow image). */
#define NEAR_WRAP   0xfffffffau

static void counters_near_wrap(struct lmp_chan *ch)
{
    ch->endpoint->kern->delivered = NEAR_WRAP;
    ch->endpoint->kern->consumed = NEAR_WRAP;
}

static void fill(uint32_t *w, uint32_t seq)
{
    for (uint32_t i = 0; i < LMP_MSG_WORDS; i++) {
        w[i] = seq * 2654435761u + i;
    }
    w[0] = seq;
}

static int copied_ram(struct lmp_chan *ch);
static int ends_server(struct lmp_chan *ch);

static int server(void)
{
    struct lmp_chan ch;
    struct lmp_recv_msg m;
    struct capref cap;
    errval_t err;

    if ((err = lmp_chan_accept(&ch, 4 * (LMP_MSG_WORDS + 1), NULL_CAP)) ||
        (counters_near_wrap(&ch), err = rpc_name_register(get_init_rpc(), "lmptest", ch.local_cap))) {
        DEBUG_ERR(err, "server start");
        return 1;
    }
    /* The first message brings the client's endpoint (lmp_chan_bind). */
    lmp_endpoint_wait(ch.endpoint);
    lmp_chan_recv(&ch, &m, &cap);
    lmp_chan_set_remote(&ch, cap);
    test_report(m.has_cap && !capref_is_null(cap), "LMP: bind brings the client's endpoint");

    uint32_t expect = 0, bad = 0;
    while (expect < NMSG) {
        lmp_endpoint_wait(ch.endpoint);
        /* Stop at the last numbered message: what follows it (the frame
         * below) may already be in the buffer and is not ours to take. */
        while (expect < NMSG && err_is_ok(lmp_chan_recv(&ch, &m, NULL))) {
            uint32_t w[LMP_MSG_WORDS];
            fill(w, expect);
            if (m.len != LMP_MSG_WORDS || memcmp(w, m.words, sizeof(w)) != 0) {
                if (bad++ < 3) {
                    printf("t_lmp: message %u: got seq %u len %u\n", (unsigned)expect,
                           (unsigned)m.words[0], (unsigned)m.len);
                }
            }
            expect++;
        }
    }
    test_report(bad == 0, "LMP: %u messages in order, none lost, doubled or changed",
                (unsigned)NMSG);

    /* Then a frame, moved to us: map it and read the sender's data. */
    lmp_endpoint_wait(ch.endpoint);
    err = lmp_chan_recv(&ch, &m, &cap);
    uint32_t va = 0;
    bool ok = err_is_ok(err) && m.has_cap && m.words[0] == MAGIC &&
              err_is_ok(paging_map_frame(&va, cap, 4096, VREGION_FLAGS_READ));
    for (uint32_t i = 0; ok && i < FRAME_WORDS; i++) {
        ok = ((uint32_t *)va)[i] == (MAGIC | i);
    }
    test_report(ok, "LMP: a frame sent over the channel is mapped and shows the sender's data");
    uint32_t done = 1;
    lmp_chan_send_retry(&ch, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, 1, &done);
    return copied_ram(&ch);
}

/*
 * A RAM capability copied (not moved) from another domain -- with the
 * fast path on, copied by lmp_fastpath.S, block 5c: it must be what
 * cap_copy makes.  The client made a Frame of its first page before
 * sending it, so the copy must carry the retype mark (a retype of that
 * page finds the Frame) and sit in the client's copy group, before the
 * Frame (the client's revoke deletes it and what we made from it).
 */
static int copied_ram(struct lmp_chan *ch)
{
    struct lmp_recv_msg m;
    struct capref ram, frame;
    struct capability_info info;

    lmp_endpoint_wait(ch->endpoint);
    errval_t err = lmp_chan_recv(ch, &m, &ram);
    test_report(err_is_ok(err) && m.has_cap && m.len == 2 && m.words[0] == MAGIC &&
                err_is_ok(cap_identify(ram, &info)) && info.type == ObjType_RAM &&
                info.base == m.words[1] && info.bytes == 2 * 4096,
                "LMP: a RAM capability copied from another domain arrives whole");
    /* Then copies of it with 10 words each: 11 ring words a message in a
     * ring of 64, so some cross the ring's end (the fast path's wrap_hdr:
     * the header with the capability bit, then word by word). */
    uint32_t bad = 0;
    for (uint32_t i = 0; i < CAP_MSGS; i++) {
        struct capref copy;
        uint32_t w[LMP_MSG_WORDS];
        lmp_endpoint_wait(ch->endpoint);
        err = lmp_chan_recv(ch, &m, &copy);
        fill(w, i);
        if (err_is_fail(err) || !m.has_cap || m.len != LMP_MSG_WORDS ||
            memcmp(w, m.words, sizeof(w)) != 0 || err_is_fail(cap_identify(copy, &info)) ||
            info.type != ObjType_RAM) {
            bad++;
        }
        cap_destroy(copy);
    }
    test_report(bad == 0, "LMP: %u messages of 10 words with a capability, across the ring's end",
                (unsigned)CAP_MSGS);
    slot_alloc(&frame);
    TEST_ERR(cap_retype(frame, ram, 0, ObjType_Frame, 4096, 1), SYS_ERR_RETYPE_OVERLAP);
    TEST_ERR(cap_retype(frame, ram, 4096, ObjType_Frame, 4096, 1), SYS_ERR_OK);
    uint32_t done = 2;
    lmp_chan_send_retry(ch, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, 1, &done);
    lmp_endpoint_wait(ch->endpoint);
    lmp_chan_recv(ch, &m, NULL);            /* the client has revoked its RAM */
    TEST_ERR(cap_identify(ram, &info), SYS_ERR_CAP_NOT_FOUND);
    TEST_ERR(cap_identify(frame, &info), SYS_ERR_CAP_NOT_FOUND);
    lmp_chan_send_retry(ch, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, 1, &done);
    return ends_server(ch);
}

/* The words of ends case i, and what the server answers for them: their
 * sum, the length, whether a capability came. */
static uint32_t ends_sum(const uint32_t *w, uint32_t len)
{
    uint32_t sum = 0;
    for (uint32_t k = 0; k < len; k++) {
        sum = sum * 31 + w[k];
    }
    return sum;
}

/* The server's half: answer each of the client's ENDS_CASES messages with
 * a sync send of its sum, length and capability bit. */
static int ends_server(struct lmp_chan *ch)
{
    for (uint32_t i = 0; i < ENDS_CASES; i++) {
        struct lmp_recv_msg m;
        struct capref cap = NULL_CAP;
        lmp_endpoint_wait(ch->endpoint);
        if (err_is_fail(lmp_chan_recv(ch, &m, &cap))) {
            i--;
            continue;
        }
        uint32_t answer[3] = { ends_sum(m.words, m.len), m.len, m.has_cap };
        if (m.has_cap) {
            cap_destroy(cap);
        }
        lmp_chan_send_retry(ch, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, 3, answer);
    }
    return 0;
}

/* The client's half: for each case, is the answer there as soon as the
 * send returns (the server ran: a switch), and is it the right one?  The
 * send is made disabled (lmp_chan_send's sync sends are), so the server's
 * answer resumes us right after it.  A timer tick between the send and
 * the look could run the server anyway: a case that disagrees is tried
 * again, and fails only three times in a row. */
static void ends_client(struct lmp_chan *ch)
{
    struct capref cap;
    frame_alloc(&cap, 4096);
    static const uint32_t kinds[4] = { 0, LMP_FLAG_NONBLOCK, LMP_FLAG_SYNC | LMP_FLAG_NONBLOCK,
                                       LMP_FLAG_SYNC };
    unsigned wrong_end = 0, wrong_answer = 0;
    for (uint32_t i = 0; i < ENDS_CASES; i++) {
        uint32_t flags = kinds[i % 4], len = i / 8, w[LMP_MSG_WORDS];
        struct capref c = (i / 4) % 2 ? cap : NULL_CAP;
        bool switches = flags == LMP_FLAG_SYNC, ok_end = false;
        fill(w, i);
        for (unsigned tries = 0; tries < 3 && !ok_end; tries++) {
            capaddr_t ca;
            uint32_t word = lmp_send_word(flags, len, c, &ca);
            struct lmp_peek p;
            bool was = disp_disable();
            errval_t err = lmp_ep_send_raw(word, ch->remote_addr, ca, w);
            bool answered = lmp_endpoint_peek(ch->endpoint, &p);
            if (!was) {
                disp_enable();
            }
            struct lmp_recv_msg m;
            while (err_is_ok(err) && err_is_fail(lmp_chan_recv(ch, &m, NULL))) {
                lmp_endpoint_wait(ch->endpoint);
            }
            ok_end = err_is_ok(err) && answered == switches;
            if (err_is_fail(err) || m.len != 3 || m.words[0] != ends_sum(w, len) ||
                m.words[1] != len || m.words[2] != !capref_is_null(c)) {
                if (wrong_answer++ < 3) {
                    printf("t_lmp: ends case %u (flags %#x, cap %d, %u words): answer wrong\n",
                           (unsigned)i, (unsigned)flags, !capref_is_null(c), (unsigned)len);
                }
            }
        }
        if (!ok_end && wrong_end++ < 3) {
            printf("t_lmp: ends case %u (flags %#x, cap %d, %u words): %s\n", (unsigned)i,
                   (unsigned)flags, !capref_is_null(c), (unsigned)len,
                   switches ? "no switch to the receiver" : "a switch to the receiver");
        }
    }
    cap_destroy(cap);
    test_report(wrong_end == 0 && wrong_answer == 0,
                "LMP: %u sends, every flag, with and without a capability, every length: "
                "only sync, blocking ones switch",
                (unsigned)ENDS_CASES);
}

/* Error cases against an endpoint of our own dispatcher. */
static void own_endpoint_errors(void)
{
    struct lmp_chan self;
    struct capref noGrant, noWrite, frame;
    uint32_t w[LMP_MSG_WORDS] = { 1, 2, 3 };

    lmp_chan_accept(&self, 2 * (LMP_MSG_WORDS + 1), NULL_CAP);
    lmp_chan_set_remote(&self, self.local_cap);
    counters_near_wrap(&self);
    uint32_t word = SYSW(SYS_INVOKE, 0, 0);
    TEST_ERR(lmp_ep_send_raw(word | 11u << SYSW_LEN_SHIFT, capref_addr(self.remote_cap),
                             0, w), SYS_ERR_LMP_PAYLOAD_TOO_LONG);
    /* Fill the buffer: the third message does not fit, and nothing the
     * receiver has not read yet is touched. */
    TEST_ERR(lmp_chan_send(&self, LMP_FLAG_NONBLOCK, NULL_CAP, 10, w), SYS_ERR_OK);
    w[0] = 2;
    TEST_ERR(lmp_chan_send(&self, LMP_FLAG_NONBLOCK, NULL_CAP, 10, w), SYS_ERR_OK);
    TEST_ERR(lmp_chan_send(&self, LMP_FLAG_NONBLOCK, NULL_CAP, 10, w), SYS_ERR_LMP_BUF_OVERFLOW);
    struct lmp_recv_msg m1, m2;
    lmp_chan_recv(&self, &m1, NULL);
    lmp_chan_recv(&self, &m2, NULL);
    test_report(m1.len == 10 && m1.words[0] == 1 && m1.words[2] == 3 && m2.len == 10 &&
                m2.words[0] == 2 && m2.words[2] == 3 && !lmp_chan_can_recv(&self),
                "LMP: a full buffer refuses, and keeps what it had (across the 2^32 wrap)");

    /* Capability transfer errors. */
    slot_alloc(&noGrant);
    slot_alloc(&noWrite);
    frame_alloc(&frame, 4096);
    cap_copy_rights(noGrant, self.local_cap, CAPRIGHTS_READ_WRITE);
    cap_copy_rights(noWrite, self.local_cap, CAPRIGHTS_READ);
    struct lmp_chan ng = self, nw = self;
    lmp_chan_set_remote(&ng, noGrant);
    lmp_chan_set_remote(&nw, noWrite);
    TEST_ERR(lmp_chan_send(&ng, LMP_FLAG_NONBLOCK, frame, 1, w), SYS_ERR_LMP_NO_GRANT);
    TEST_ERR(lmp_chan_send(&nw, LMP_FLAG_NONBLOCK, NULL_CAP, 1, w), SYS_ERR_INSUFFICIENT_RIGHTS);
    struct capref empty;
    slot_alloc(&empty);
    TEST_ERR(lmp_chan_send(&self, LMP_FLAG_NONBLOCK, empty, 1, w), SYS_ERR_LMP_CAPTRANSFER_SRC);
    struct capref keep = self.endpoint->recv_slot;
    self.endpoint->kern->recv_slot = CPTR_NULL;
    TEST_ERR(lmp_chan_send(&self, LMP_FLAG_NONBLOCK, frame, 1, w),
             SYS_ERR_LMP_CAPTRANSFER_DST_LOOKUP);
    self.endpoint->kern->recv_slot = capref_addr(frame);      /* occupied */
    TEST_ERR(lmp_chan_send(&self, LMP_FLAG_NONBLOCK, frame, 1, w),
             SYS_ERR_LMP_CAPTRANSFER_DST_FULL);
    self.endpoint->kern->recv_slot = capref_addr(keep);
    test_report(!lmp_chan_can_recv(&self), "LMP: failed sends deliver nothing");
    /* A copy leaves the sender's capability; a move takes it. */
    TEST_ERR(lmp_chan_send(&self, LMP_FLAG_NONBLOCK, frame, 1, w), SYS_ERR_OK);
    struct capability_info info;
    TEST_ERR(cap_identify(frame, &info), SYS_ERR_OK);
    struct capref got;
    lmp_chan_recv(&self, &m1, &got);
    TEST_ERR(lmp_chan_send(&self, LMP_FLAG_NONBLOCK | LMP_FLAG_GIVEAWAY, frame, 1, w), SYS_ERR_OK);
    TEST_ERR(cap_identify(frame, &info), SYS_ERR_CAP_NOT_FOUND);
    struct capref got2;
    lmp_chan_recv(&self, &m2, &got2);
    test_report(m1.has_cap && m2.has_cap && err_is_ok(cap_identify(got2, &info)) &&
                info.type == ObjType_Frame, "LMP: copied and moved capabilities arrive");

    /* The method field means nothing to an endpoint: such a send is an
     * ordinary one (the fast path leaves it to C, which ignores the field;
     * the other capability types' invocations all have a method). */
    w[1] = 0x77;
    TEST_ERR(lmp_ep_send_raw(word | 9u << SYSW_METHOD_SHIFT | 2u << SYSW_LEN_SHIFT |
                             LMP_FLAG_NONBLOCK, capref_addr(self.remote_cap), 0, w), SYS_ERR_OK);
    TEST_ERR(lmp_chan_recv(&self, &m1, NULL), SYS_ERR_OK);
    test_report(m1.len == 2 && m1.words[0] == w[0] && m1.words[1] == 0x77 && !m1.has_cap,
                "LMP: an endpoint send with a method set is an ordinary send");

    /* A stopped receiver, and a revoked endpoint. */
    struct capref disp, dframe, ep, ep2;
    mem_retype(ObjType_Dispatcher, 0, &disp);
    frame_alloc(&dframe, DISPATCHER_FRAME_BYTES);
    slot_alloc(&ep);
    slot_alloc(&ep2);
    dispatcher_setup(capref_addr(disp), TASKCN_CAP(TASKCN_SLOT_ROOTCN),
                     CAPADDR(ROOTCN_SLOT_PAGECN, 0), capref_addr(dframe), 0, 0);
    cap_retype(ep, disp, 0, ObjType_EndPoint, 0, 1);
    cap_mint(ep2, ep, CAPRIGHTS_ALLRIGHTS, DISP_LMP_AREA_OFFSET, LMP_ENDPOINT_BYTES(64));
    TEST_ERR(dispatcher_stop(capref_addr(disp), 0), SYS_ERR_OK);
    struct lmp_chan dead = self;
    lmp_chan_set_remote(&dead, ep2);
    TEST_ERR(lmp_chan_send(&dead, LMP_FLAG_NONBLOCK, NULL_CAP, 1, w), SYS_ERR_LMP_TARGET_DEAD);
    TEST_ERR(cap_revoke(disp), SYS_ERR_OK);
    TEST_ERR(lmp_chan_send(&dead, LMP_FLAG_NONBLOCK, NULL_CAP, 1, w), SYS_ERR_CAP_NOT_FOUND);
    TEST_ERR(lmp_ep_send_raw(word | 1u << SYSW_LEN_SHIFT, capref_addr(dframe), 0, w),
             SYS_ERR_ILLEGAL_INVOCATION);
}

/* Channels come and go (a server's clients do): nothing may be lost. */
/* The rights of a send to another, running domain -- the fast path's
 * case (a send to oneself, as above, is C's): with it on, one bit of the
 * endpoint capability decides (capability.fast: lmp_fastpath.S, blocks 3
 * and 1c), and a capability needs GRANT, any send WRITE.  A refused send
 * delivers nothing: the server would see a message out of order. */
static void rights_to_another(const struct lmp_chan *ch)
{
    struct capref ng, nw, frame;
    uint32_t w[1] = { MAGIC };

    slot_alloc(&ng);
    slot_alloc(&nw);
    frame_alloc(&frame, 4096);
    TEST_ERR(cap_copy_rights(ng, ch->remote_cap, CAPRIGHTS_READ_WRITE), SYS_ERR_OK);
    TEST_ERR(cap_copy_rights(nw, ch->remote_cap, CAPRIGHTS_READ), SYS_ERR_OK);
    struct lmp_chan c_ng = *ch, c_nw = *ch;
    lmp_chan_set_remote(&c_ng, ng);
    lmp_chan_set_remote(&c_nw, nw);
    TEST_ERR(lmp_chan_send(&c_ng, LMP_FLAG_NONBLOCK, frame, 1, w), SYS_ERR_LMP_NO_GRANT);
    TEST_ERR(lmp_chan_send(&c_nw, LMP_FLAG_NONBLOCK, NULL_CAP, 1, w),
             SYS_ERR_INSUFFICIENT_RIGHTS);
    cap_destroy(ng);
    cap_destroy(nw);
    cap_destroy(frame);
}

static void channels_come_and_go(void)
{
    uint32_t slots = slot_alloc_free_count();
    bool ok = true;
    for (int i = 0; i < 300 && ok; i++) {
        struct lmp_chan ch;
        ok = err_is_ok(lmp_chan_accept(&ch, 64, NULL_CAP));
        if (ok) {
            lmp_chan_destroy(&ch);
        }
    }
    test_report(ok && slot_alloc_free_count() == slots,
                "LMP: 300 channels made and destroyed, no endpoint or slot lost (%u, %u)",
                (unsigned)slots, (unsigned)slot_alloc_free_count());
}

static int client(void)
{
    struct lmp_chan ch;
    struct capref server_ep;
    struct lmp_recv_msg m;
    errval_t err;

    own_endpoint_errors();
    channels_come_and_go();
    while (err_is_fail(rpc_name_lookup(get_init_rpc(), "lmptest", &server_ep))) {
        thread_yield();
        sys_yield(CPTR_NULL);
    }
    if ((err = lmp_chan_bind(&ch, 4 * (LMP_MSG_WORDS + 1), server_ep))) {
        DEBUG_ERR(err, "client channel");
        return 1;
    }
    rights_to_another(&ch);

    unsigned overflows = 0;
    for (uint32_t seq = 0; seq < NMSG; seq++) {
        uint32_t w[LMP_MSG_WORDS];
        fill(w, seq);
        /* Bursts without yielding fill the receiver's buffer; every 64th
         * message is a synchronous send that hands it the CPU. */
        uint32_t flags = seq % 64 == 63 ? LMP_SEND_FLAGS_DEFAULT : LMP_FLAG_NONBLOCK;
        while ((err = lmp_chan_send(&ch, flags, NULL_CAP, LMP_MSG_WORDS, w)) ==
               SYS_ERR_LMP_BUF_OVERFLOW) {
            overflows++;
            sys_yield(CPTR_NULL);
        }
        if (err_is_fail(err)) {
            DEBUG_ERR(err, "send %u", (unsigned)seq);
            return 1;
        }
    }
    test_report(overflows > 0, "LMP: the receiver's buffer filled up %u times on the way",
                overflows);

    struct capref frame;
    uint32_t va, magic = MAGIC;
    frame_alloc(&frame, 4096);
    paging_map_frame(&va, frame, 4096, VREGION_FLAGS_READ_WRITE);
    for (uint32_t i = 0; i < FRAME_WORDS; i++) {
        ((uint32_t *)va)[i] = MAGIC | i;
    }
    paging_unmap(va, 4096);
    TEST_ERR(lmp_chan_send_retry(&ch, LMP_SEND_FLAGS_DEFAULT | LMP_FLAG_GIVEAWAY, frame, 1,
                                 &magic), SYS_ERR_OK);
    struct capability_info info;
    TEST_ERR(cap_identify(frame, &info), SYS_ERR_CAP_NOT_FOUND);
    lmp_endpoint_wait(ch.endpoint);
    lmp_chan_recv(&ch, &m, NULL);

    /* A copy of RAM with a Frame made from its first page (copied_ram). */
    struct capref pool, ram, first;
    ram_alloc(&pool, 4 * 4096);
    slot_alloc(&ram);
    slot_alloc(&first);
    TEST_ERR(cap_retype(ram, pool, 0, ObjType_RAM, 2 * 4096, 1), SYS_ERR_OK);
    TEST_ERR(cap_retype(first, ram, 0, ObjType_Frame, 4096, 1), SYS_ERR_OK);
    cap_identify(ram, &info);
    uint32_t w2[2] = { MAGIC, info.base };
    TEST_ERR(lmp_chan_send_retry(&ch, LMP_SEND_FLAGS_DEFAULT, ram, 2, w2), SYS_ERR_OK);
    TEST_ERR(cap_identify(ram, &info), SYS_ERR_OK);         /* a copy: ours stays */
    for (uint32_t i = 0; i < CAP_MSGS; i++) {
        uint32_t w[LMP_MSG_WORDS];
        fill(w, i);
        TEST_ERR(lmp_chan_send_retry(&ch, LMP_SEND_FLAGS_DEFAULT, ram, LMP_MSG_WORDS, w),
                 SYS_ERR_OK);
    }
    lmp_endpoint_wait(ch.endpoint);
    lmp_chan_recv(&ch, &m, NULL);
    TEST_ERR(cap_revoke(ram), SYS_ERR_OK);
    TEST_ERR(cap_identify(first, &info), SYS_ERR_CAP_NOT_FOUND);
    lmp_chan_send_retry(&ch, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, 1, w2);
    lmp_endpoint_wait(ch.endpoint);
    lmp_chan_recv(&ch, &m, NULL);
    cap_destroy(ram);
    cap_destroy(pool);
    ends_client(&ch);
    return 0;
}

int main(int argc, char **argv)
{
    return argc > 1 && strcmp(argv[1], "server") == 0 ? server() : client();
}
