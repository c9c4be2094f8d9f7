/*
 * tests/user/t_lmpcall -- lmp_ep_call, the LMP call in assembly
 * (libsys/arch/armv7/lmp_call.S; docs/lmp.md, section 3, "A call").
 *
 *   t_lmpcall server   publishes "lmpcall" and serves with lmp_ep_call as
 *                      its reply-and-receive: echoes, answers with a
 *                      capability, or takes a request without answering
 *   t_lmpcall client   calls it (1 and 10 words, every length across the
 *                      ring's end, a capability in the answer, no answer),
 *                      then checks every case of the receive against the
 *                      C receive, lmp_endpoint_recv, on endpoints of its
 *                      own: from the same ring state both must give the
 *                      same error, message and counters
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

enum { CMD_ECHO = 1, CMD_CAP, CMD_SILENT, CMD_QUIT };

#define ROUNDS      200         /* calls of every length, across the ring's end */

static void call_init(struct lmp_call *c, struct lmp_chan *ch, struct capref cap)
{
    capaddr_t cap_addr;
    uint32_t word = lmp_send_word(LMP_FLAG_SYNC, 0, cap, &cap_addr);
    lmp_call_init(c, word, capref_addr(ch->remote_cap), cap_addr, ch->endpoint);
}

/* Take the next request into c->msg, waiting for it. */
static void recv_wait(struct lmp_call *c)
{
    while (err_is_fail(lmp_endpoint_recv(c->reply, &c->msg, NULL))) {
        lmp_endpoint_wait(c->reply);
    }
}

static int server(void)
{
    struct lmp_chan ch;
    struct lmp_call c, withcap;
    struct capref cap, frame;
    errval_t err;

    if ((err = lmp_chan_accept(&ch, 64, NULL_CAP)) ||
        (err = rpc_name_register(get_init_rpc(), "lmpcall", ch.local_cap)) ||
        (err = frame_alloc(&frame, 4096))) {
        DEBUG_ERR(err, "server start");
        return 1;
    }
    lmp_endpoint_wait(ch.endpoint);
    lmp_chan_recv(&ch, &c.msg, &cap);       /* the client's endpoint */
    lmp_chan_set_remote(&ch, cap);
    call_init(&c, &ch, NULL_CAP);
    call_init(&withcap, &ch, frame);
    recv_wait(&c);
    for (;;) {
        switch (c.msg.words[0]) {
        case CMD_ECHO:
            err = lmp_ep_call(&c);          /* the answer: the request */
            break;
        case CMD_CAP:
            withcap.msg = c.msg;
            err = lmp_ep_call(&withcap);    /* the same, with the frame */
            c.msg = withcap.msg;
            break;
        case CMD_SILENT:
            err = LIB_ERR_LMP_NO_MESSAGE;   /* no answer: wait for the next */
            break;
        default:
            return 0;
        }
        if (err_is_fail(err)) {
            recv_wait(&c);
        }
    }
}

static void fill(struct lmp_recv_msg *m, uint32_t cmd, uint32_t len, uint32_t seed)
{
    m->len = len;
    for (uint32_t i = 0; i < LMP_MSG_WORDS; i++) {
        m->words[i] = seed * 2654435761u + i;
    }
    m->words[0] = cmd;
}

/* A call whose answer must be the request again (and no capability). */
static bool echoed(struct lmp_call *c, uint32_t len, uint32_t seed)
{
    struct lmp_recv_msg want;
    fill(&want, CMD_ECHO, len, seed);
    c->msg = want;
    errval_t err = lmp_ep_call(c);
    return err_is_ok(err) && c->msg.len == len && !c->msg.has_cap &&
           memcmp(c->msg.words, want.words, 4 * len) == 0;
}

static void against_the_server(void)
{
    struct lmp_chan ch;
    struct lmp_call c;
    struct capref server_ep;
    errval_t err;

    while (err_is_fail(rpc_name_lookup(get_init_rpc(), "lmpcall", &server_ep))) {
        thread_yield();
    }
    if ((err = lmp_chan_bind(&ch, 64, server_ep))) {
        DEBUG_ERR(err, "bind");
        test_report(false, "lmp_ep_call: bind");
        return;
    }
    call_init(&c, &ch, NULL_CAP);
    bool was = disp_disable();      /* the answer resumes us after the svc */
    test_report(echoed(&c, 1, 1) && echoed(&c, LMP_MSG_WORDS, 2),
                "lmp_ep_call: a 1-word and a 10-word call, answered");
    /* Every length, again and again: the answers (len + 1 words each in a
     * ring of 64) cross the ring's end, where the C receive takes them. */
    uint32_t bad = 0, wrapped = 0;
    for (uint32_t i = 0; i < ROUNDS; i++) {
        uint32_t len = 1 + i % LMP_MSG_WORDS;
        uint32_t at = c.kern->consumed & c.ring_mask;
        wrapped += at + len > c.ring_mask;
        bad += !echoed(&c, len, i);
    }
    test_report(bad == 0 && wrapped > 0 && c.kern->consumed == c.kern->delivered,
                "lmp_ep_call: %u calls of 1-10 words, %u answers across the ring's end",
                (unsigned)ROUNDS, (unsigned)wrapped);

    /* An answer with a capability goes to the C receive, which deletes
     * the capability (as lmp_endpoint_recv(ep, msg, NULL) does). */
    fill(&c.msg, CMD_CAP, 3, 7);
    err = lmp_ep_call(&c);
    test_report(err_is_ok(err) && c.msg.has_cap && c.msg.len == 3 && c.msg.words[0] == CMD_CAP &&
                c.kern->consumed == c.kern->delivered,
                "lmp_ep_call: an answer with a capability, through the C receive");
    test_report(echoed(&c, 2, 8), "lmp_ep_call: the call after it");

    /* No answer: the server takes the request and waits for the next. */
    fill(&c.msg, CMD_SILENT, 1, 9);
    uint32_t consumed = c.kern->consumed;
    TEST_ERR(lmp_ep_call(&c), LIB_ERR_LMP_NO_MESSAGE);
    test_report(c.msg.len == 1 && c.msg.words[0] == CMD_SILENT && c.kern->consumed == consumed,
                "lmp_ep_call: no answer leaves the message and the ring as they were");
    test_report(echoed(&c, 4, 10), "lmp_ep_call: and the next call is answered");

    uint32_t quit = CMD_QUIT;
    lmp_chan_send(&ch, LMP_FLAG_SYNC, NULL_CAP, 1, &quit);
    if (!was) {
        disp_enable();
    }
}

/* ==== every case against the C receive, on endpoints of our own ======== */

struct outcome {
    errval_t err;
    struct lmp_recv_msg msg;
    uint32_t delivered, consumed;
};

/*
 * A ring state: the counters at `at` (both), then `forged` (if not 0)
 * written as the header at consumed's place with `skip` words after it
 * counted as delivered -- a message the kernel never wrote.
 */
struct ring_state {
    uint32_t at, forged, skip;
};

static void set_ring(struct lmp_endpoint *ep, const struct ring_state *s)
{
    struct lmp_endpoint_kern *k = ep->kern;
    k->consumed = s->at;
    k->delivered = s->at;
    if (s->forged) {
        k->buf[s->at & ep->ring_mask] = s->forged;
        for (uint32_t i = 1; i <= s->skip; i++) {
            k->buf[(s->at + i) & ep->ring_mask] = 0xf0 + i;
        }
        k->delivered = s->at + 1 + s->skip;
    }
}

/*
 * From ring state s, send msg (len words, the capability at cap_addr if
 * word says so) to the endpoint capability at to, then receive from
 * ep: with lmp_ep_call, or (c_path) with lmp_ep_send_raw and the C
 * lmp_endpoint_recv.  The outcome: the error, the message, the counters.
 */
static struct outcome run(bool c_path, struct lmp_endpoint *ep, capaddr_t to, uint32_t word,
                          capaddr_t cap_addr, const struct ring_state *s,
                          const struct lmp_recv_msg *msg)
{
    struct lmp_call c;
    struct outcome o;

    lmp_call_init(&c, word, to, cap_addr, ep);
    c.msg = *msg;
    set_ring(ep, s);
    if (c_path) {
        o.err = lmp_ep_send_raw(lmp_call_word(c.word, msg->len), to, cap_addr, msg->words);
        if (err_is_ok(o.err)) {
            o.err = lmp_endpoint_recv(ep, &c.msg, NULL);
        }
    } else {
        o.err = lmp_ep_call(&c);
    }
    o.msg = c.msg;
    o.delivered = ep->kern->delivered;
    o.consumed = ep->kern->consumed;
    return o;
}

static bool same(const struct outcome *a, const struct outcome *b)
{
    return a->err == b->err && a->msg.len == b->msg.len && a->msg.has_cap == b->msg.has_cap &&
           memcmp(a->msg.words, b->msg.words, sizeof(a->msg.words)) == 0 &&
           a->delivered == b->delivered && a->consumed == b->consumed;
}

/* Both ways from the same state; reports whether they agree and the
 * assembly's outcome is `want` (and, for a message, that its first word
 * is want_w0).  Returns the assembly's outcome. */
static struct outcome check(const char *what, struct lmp_endpoint *ep, capaddr_t to,
                            uint32_t word, capaddr_t cap_addr, const struct ring_state *s,
                            const struct lmp_recv_msg *msg, errval_t want, uint32_t want_len)
{
    struct outcome asm_o = run(false, ep, to, word, cap_addr, s, msg);
    struct outcome c_o = run(true, ep, to, word, cap_addr, s, msg);
    bool ok = same(&asm_o, &c_o) && asm_o.err == want &&
              (err_is_fail(want) || asm_o.msg.len == want_len);
    if (!ok) {
        printf("t_lmpcall: %s: asm err %u len %u cap %d consumed %u, "
               "C err %u len %u cap %d consumed %u\n", what,
               (unsigned)asm_o.err, (unsigned)asm_o.msg.len, asm_o.msg.has_cap,
               (unsigned)asm_o.consumed, (unsigned)c_o.err, (unsigned)c_o.msg.len,
               c_o.msg.has_cap, (unsigned)c_o.consumed);
    }
    test_report(ok, "lmp_ep_call = lmp_endpoint_recv: %s", what);
    return asm_o;
}

static void against_the_c_receive(void)
{
    struct lmp_chan self, other;
    struct capref frame, empty, nowrite;
    struct lmp_recv_msg m;
    capaddr_t none;

    lmp_chan_accept(&self, 32, NULL_CAP);
    lmp_chan_accept(&other, 32, NULL_CAP);
    struct lmp_endpoint *ep = self.endpoint;
    capaddr_t to = capref_addr(self.local_cap);
    uint32_t mask = ep->ring_mask;          /* 31 */
    uint32_t word = lmp_send_word(LMP_FLAG_SYNC, 0, NULL_CAP, &none);
    frame_alloc(&frame, 4096);
    slot_alloc(&empty);
    slot_alloc(&nowrite);
    cap_copy_rights(nowrite, self.local_cap, CAPRIGHTS_READ);

    /* Sent to ourselves: the kernel puts the message in our ring (no
     * switch), and the receive takes it from there. */
    struct ring_state plain = { 0xfffffff0u, 0, 0 };  /* the counters wrap 2^32 */
    fill(&m, 5, 1, 1);
    struct outcome o = check("1 word", ep, to, word, 0, &plain, &m, SYS_ERR_OK, 1);
    test_report(o.msg.words[0] == 5 && o.consumed == plain.at + 2 && o.consumed == o.delivered,
                "lmp_ep_call: 1 word received, consumed past it");
    fill(&m, 6, LMP_MSG_WORDS, 2);
    o = check("10 words", ep, to, word, 0, &plain, &m, SYS_ERR_OK, LMP_MSG_WORDS);
    test_report(memcmp(o.msg.words, m.words, sizeof(m.words)) == 0 && !o.msg.has_cap,
                "lmp_ep_call: 10 words received whole");
    fill(&m, 7, 0, 3);
    check("0 words", ep, to, word, 0, &plain, &m, SYS_ERR_OK, 0);

    /* Across the ring's end: the header at the last word but 3. */
    struct ring_state wrap = { mask - 3, 0, 0 };
    fill(&m, 8, LMP_MSG_WORDS, 4);
    o = check("a message across the ring's end", ep, to, word, 0, &wrap, &m, SYS_ERR_OK,
              LMP_MSG_WORDS);
    test_report(memcmp(o.msg.words, m.words, sizeof(m.words)) == 0,
                "lmp_ep_call: the words across the ring's end in order");
    struct ring_state to_end = { mask - 3, 0, 0 };      /* exactly to the end */
    fill(&m, 9, 3, 5);
    check("a message ending at the ring's end", ep, to, word, 0, &to_end, &m, SYS_ERR_OK, 3);

    /* A capability with the answer: the C receive takes it (and deletes
     * the capability). */
    uint32_t capword = lmp_send_word(LMP_FLAG_SYNC, 0, frame, &none);
    fill(&m, 10, 2, 6);
    o = check("a capability with the message", ep, to, capword, capref_addr(frame), &plain,
              &m, SYS_ERR_OK, 2);
    test_report(o.msg.has_cap, "lmp_ep_call: the capability bit reported");

    /* Forged headers: what the ring says is not trusted. */
    struct ring_state len11 = { 100, LMP_MSG_WORDS + 1, LMP_MSG_WORDS + 1 };
    fill(&m, 11, 1, 7);
    check("a forged header of 11 words", ep, to, word, 0, &len11, &m, SYS_ERR_OK,
          LMP_MSG_WORDS);
    struct ring_state len12 = { 200, LMP_MSG_WORDS + 2, LMP_MSG_WORDS + 2 };
    check("a forged header of 12 words", ep, to, word, 0, &len12, &m, SYS_ERR_OK,
          LMP_MSG_WORDS);
    struct ring_state len255 = { 300, 255, 12 };
    check("a forged header of 255 words", ep, to, word, 0, &len255, &m, SYS_ERR_OK,
          LMP_MSG_WORDS);
    /* An answer of each length after a message of another: msg.len must
     * be the answer's (lmp_call.S stores it with the words, or apart for
     * 10 words), and the words the answer's. */
    for (uint32_t n = 1; n <= LMP_MSG_WORDS; n++) {
        struct ring_state answer = { 3, n, n };
        char what[48];
        snprintf(what, sizeof(what), "an answer of %u words after %u", (unsigned)n,
                 (unsigned)(n == LMP_MSG_WORDS ? 1 : LMP_MSG_WORDS));
        fill(&m, 14, n == LMP_MSG_WORDS ? 1 : LMP_MSG_WORDS, 10 + n);
        o = check(what, ep, to, word, 0, &answer, &m, SYS_ERR_OK, n);
        test_report(o.msg.words[0] == 0xf1 && o.msg.words[n - 1] == 0xf0 + n &&
                    o.consumed == answer.at + 1 + n, "lmp_ep_call: %s, in place", what);
    }
    struct ring_state past = { mask - 1, 5, 5 };        /* 5 words from the last but one */
    check("a forged header running past the ring's end", ep, to, word, 0, &past, &m,
          SYS_ERR_OK, 5);
    struct ring_state huge = { 7, 0x12345605u, 5 };     /* high bits set */
    check("a forged header with high bits", ep, to, word, 0, &huge, &m, SYS_ERR_OK, 5);

    /* No answer: the message goes to another endpoint; ours is empty. */
    fill(&m, 12, 1, 8);
    o = check("no answer", ep, capref_addr(other.local_cap), word, 0, &plain, &m,
              LIB_ERR_LMP_NO_MESSAGE, 0);
    test_report(o.msg.words[0] == 12 && o.consumed == plain.at,
                "lmp_ep_call: no answer leaves the message and the ring as they were");
    lmp_endpoint_recv(other.endpoint, &m, NULL);

    /* A send that fails returns its error and receives nothing, though a
     * message is waiting. */
    struct ring_state waiting = { 40, 1, 1 };
    fill(&m, 13, 1, 9);
    o = check("a send to an empty slot", ep, capref_addr(empty), word, 0, &waiting, &m,
              SYS_ERR_CAP_NOT_FOUND, 0);
    test_report(o.consumed == waiting.at && o.msg.words[0] == 13,
                "lmp_ep_call: a failed send consumes nothing");
    check("a send without the write right", ep, capref_addr(nowrite), word, 0, &waiting, &m,
          SYS_ERR_INSUFFICIENT_RIGHTS, 0);
    m.len = LMP_MSG_WORDS + 1;
    check("11 words to send", ep, to, word, 0, &waiting, &m, SYS_ERR_LMP_PAYLOAD_TOO_LONG, 0);
    m.len = 16;                             /* would spill into the flags */
    check("16 words to send", ep, to, word, 0, &waiting, &m, SYS_ERR_LMP_PAYLOAD_TOO_LONG, 0);
    m.len = 0x7fffffffu;
    check("a length of 2^31 - 1 to send", ep, to, word, 0, &waiting, &m,
          SYS_ERR_LMP_PAYLOAD_TOO_LONG, 0);
    m.len = 0x80000001u;                    /* negative to ssat: reserved bits */
    check("a length of 2^31 + 1 to send", ep, to, word, 0, &waiting, &m,
          SYS_ERR_INVARGS_SYSCALL, 0);
    m.len = 0xffffffffu;
    check("a length of 2^32 - 1 to send", ep, to, word, 0, &waiting, &m,
          SYS_ERR_INVARGS_SYSCALL, 0);
}

static int client(void)
{
    against_the_server();
    against_the_c_receive();
    return 0;
}

int main(int argc, char **argv)
{
    return argc > 1 && strcmp(argv[1], "server") == 0 ? server() : client();
}
