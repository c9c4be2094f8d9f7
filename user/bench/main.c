/*
 * user/bench -- microbenchmarks (make bench; docs/lmp.md).
 *
 *   bench server        the other side: an LMP endpoint "benchlmp" that
 *                       answers every message, and an RPC echo "benchrpc"
 *   bench client N      N iterations of each measurement
 *
 * Time comes from the board's timestamp counter (SYS_NOP/NOP_TIMESTAMP):
 * PMCCNTR where the CPU has a working one, else the Cortex-A9 global
 * timer.  Under QEMU's `-icount shift=0` one guest instruction takes
 * exactly 1 ns of virtual time, so ns are instruction counts there.
 * Results: "bench: <name>: <value> <unit>" lines, one per measurement.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/lmp_chan.h>
#include <sys/rpc.h>
#include <sys/threads.h>

static uint32_t hz;

/* Nanoseconds (= instructions under icount shift=0) per iteration, x10. */
static uint64_t per_iter_x10(uint64_t t0, uint64_t t1, unsigned n)
{
    return (t1 - t0) * 10000000000ull / hz / n;
}

static void report(const char *what, uint64_t t0, uint64_t t1, unsigned n)
{
    uint64_t v = per_iter_x10(t0, t1, n);
    printf("bench: %s: %u.%u ns (= instructions under icount) per iteration, %u iterations\n",
           what, (unsigned)(v / 10), (unsigned)(v % 10), n);
}

/* ---- the server ------------------------------------------------------- */

static void h_echo(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    resp->nscalar = req->nscalar;
    for (uint32_t i = 0; i < req->nscalar; i++) {
        resp->scalar[i] = req->scalar[i];
    }
    resp->bytes = req->bytes;
    resp->len = req->len;
    req->bytes = NULL;
}

/* The client is finished: so are we, once this call's response is out
 * (exiting here would leave the client waiting for it forever). */
static bool finished;

static void h_number(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    (void)req;
    (void)resp;
    finished = true;
}

static const rpc_handler_fn handlers[RPC_METHOD_COUNT] = {
    [RPC_BIND] = rpc_handle_bind,
    [RPC_ECHO] = h_echo,
    [RPC_NUMBER] = h_number,
};

/* Answer LMP pings, each with the same words, as directly as possible. */
static int lmp_responder(void *arg)
{
    struct lmp_chan *ch = arg;
    struct lmp_recv_msg m;
    struct capref cap;

    lmp_endpoint_wait(ch->endpoint);
    lmp_chan_recv(ch, &m, &cap);
    ch->remote_cap = cap;
    for (;;) {
        lmp_endpoint_wait(ch->endpoint);
        while (err_is_ok(lmp_chan_recv(ch, &m, NULL))) {
            lmp_chan_send(ch, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, m.len, m.words);
        }
    }
    return 0;
}

#define QUIT 0xdeadbeefu

/*
 * The endpoint-level responder: once the first message is in, it runs
 * disabled and never waits -- each reply is a sync send that hands the CPU
 * to the client, and by the time the client hands it back (its next sync
 * send) the next message is already in the ring.  This is the round trip
 * of the kernel path itself: send, directed switch, receive, reply.
 */
static int raw_responder(void *arg)
{
    struct lmp_chan *ch = arg;
    struct lmp_recv_msg m;
    struct capref cap;

    lmp_endpoint_wait(ch->endpoint);
    lmp_chan_recv(ch, &m, &cap);
    ch->remote_cap = cap;
    lmp_endpoint_wait(ch->endpoint);
    disp_disable();
    for (;;) {
        if (err_is_fail(lmp_chan_recv(ch, &m, NULL))) {
            disp_enable();
            lmp_endpoint_wait(ch->endpoint);
            disp_disable();
            continue;
        }
        if (m.words[0] == QUIT) {
            break;
        }
        lmp_chan_send(ch, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, m.len, m.words);
    }
    disp_enable();
    return 0;
}

static int __attribute__((noreturn)) server(void)
{
    static struct lmp_chan ch, raw;
    static struct rpc_chan listener;
    struct waitset *ws = get_default_waitset();

    lmp_chan_accept(&raw, 64, NULL_CAP);
    rpc_name_register(get_init_rpc(), "benchraw", raw.local_cap);
    thread_create(raw_responder, &raw);
    lmp_chan_accept(&ch, 64, NULL_CAP);
    rpc_name_register(get_init_rpc(), "benchlmp", ch.local_cap);
    rpc_chan_init(&listener, NULL_CAP);
    rpc_serve(&listener, handlers, ws);
    rpc_name_register(get_init_rpc(), "benchrpc", listener.lc.local_cap);
    thread_create(lmp_responder, &ch);
    while (!finished) {
        event_dispatch(ws);
    }
    exit(0);
}

/* ---- the client --------------------------------------------------------- */

static struct capref lookup(const char *name)
{
    struct capref ep;
    while (err_is_fail(rpc_name_lookup(get_init_rpc(), name, &ep))) {
        thread_yield();
        sys_yield(CPTR_NULL);
    }
    return ep;
}

static void bench_null_syscall(unsigned n)
{
    uint64_t t0 = sys_timestamp(NULL);
    for (unsigned i = 0; i < n; i++) {
        sys_nop();
    }
    uint64_t t1 = sys_timestamp(NULL);
    report("null system call (svc to return, with the C call around it)", t0, t1, n);
}

static void bench_lmp_raw(unsigned n)
{
    struct lmp_chan ch;
    struct lmp_recv_msg m;
    uint32_t w[LMP_MSG_WORDS] = { 0 };

    lmp_chan_accept(&ch, 64, lookup("benchraw"));
    lmp_chan_send_retry(&ch, LMP_SEND_FLAGS_DEFAULT, ch.local_cap, 1, w);
    /* One round trip to get the responder into its disabled loop. */
    lmp_chan_send(&ch, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, 1, w);
    lmp_endpoint_wait(ch.endpoint);
    lmp_chan_recv(&ch, &m, NULL);
    for (unsigned words = 1; words <= LMP_MSG_WORDS; words += LMP_MSG_WORDS - 1) {
        disp_disable();
        uint64_t t0 = sys_timestamp(NULL);
        for (unsigned i = 0; i < n; i++) {
            w[0] = i;
            lmp_chan_send(&ch, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, words, w);
            while (err_is_fail(lmp_chan_recv(&ch, &m, NULL))) {
                disp_enable();          /* not expected: the reply is there */
                lmp_endpoint_wait(ch.endpoint);
                disp_disable();
            }
        }
        uint64_t t1 = sys_timestamp(NULL);
        disp_enable();
        char what[96];
        snprintf(what, sizeof(what), "LMP round trip, %u word%s, endpoint level",
                 words, words > 1 ? "s" : "");
        report(what, t0, t1, n);
    }
    w[0] = QUIT;
    lmp_chan_send(&ch, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, 1, w);
}

static void bench_lmp(unsigned n)
{
    struct lmp_chan ch;
    struct lmp_recv_msg m;
    uint32_t w[LMP_MSG_WORDS] = { 0 };

    lmp_chan_accept(&ch, 64, lookup("benchlmp"));
    lmp_chan_send_retry(&ch, LMP_SEND_FLAGS_DEFAULT, ch.local_cap, 1, w);
    for (unsigned words = 1; words <= LMP_MSG_WORDS; words += LMP_MSG_WORDS - 1) {
        uint64_t t0 = sys_timestamp(NULL);
        for (unsigned i = 0; i < n; i++) {
            w[0] = i;
            lmp_chan_send(&ch, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, words, w);
            while (err_is_fail(lmp_chan_recv(&ch, &m, NULL))) {
                lmp_endpoint_wait(ch.endpoint);
            }
        }
        uint64_t t1 = sys_timestamp(NULL);
        char what[96];
        snprintf(what, sizeof(what), "LMP round trip, %u word%s, through libsys threads",
                 words, words > 1 ? "s" : "");
        report(what, t0, t1, n);
    }
}

static void bench_rpc(unsigned n)
{
    struct rpc_chan *rc = NULL;
    if (err_is_fail(rpc_bind(lookup("benchrpc"), &rc))) {
        printf("bench: cannot bind to benchrpc\n");
        return;
    }
    struct rpc_payload req = { .nscalar = 1 }, resp;
    uint64_t t0 = sys_timestamp(NULL);
    for (unsigned i = 0; i < n; i++) {
        req.scalar[0] = i;
        rpc_echo(rc, &req, &resp);
    }
    uint64_t t1 = sys_timestamp(NULL);
    report("RPC round trip (one scalar, waitset server)", t0, t1, n);

    /* Inline fragments against a shared frame, by payload size. */
    static uint8_t buf[64 * 1024];
    uint32_t sizes[] = { 256, 1024, 2048, 4096, 8192, 16384, 65536 };
    for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        unsigned reps = n / 50 + 2;
        for (int frame = 0; frame <= 1; frame++) {
            rpc_frame_threshold = frame ? 0 : RPC_MAX_BYTES;
            struct rpc_payload big = { .bytes = buf, .len = sizes[s] };
            t0 = sys_timestamp(NULL);
            for (unsigned i = 0; i < reps; i++) {
                rpc_echo(rc, &big, &resp);
                rpc_payload_free(&resp);
            }
            t1 = sys_timestamp(NULL);
            char what[96];
            snprintf(what, sizeof(what), "RPC echo of %u bytes %s", (unsigned)sizes[s],
                     frame ? "in a shared frame" : "in fragments");
            report(what, t0, t1, reps);
        }
    }
    rpc_frame_threshold = RPC_FRAME_THRESHOLD_DEFAULT;
    struct rpc_payload bye = { .nscalar = 1 };
    rpc_call(rc, RPC_NUMBER, &bye, &resp);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "server") == 0) {
        return server();
    }
    unsigned n = argc > 2 ? (unsigned)atoi(argv[2]) : 1000;
    sys_timestamp(&hz);
    printf("bench: timestamp counter at %u Hz, %u iterations\n", (unsigned)hz, n);
    bench_null_syscall(n);
    bench_lmp_raw(n);
    bench_lmp(n);
    bench_rpc(n);
    printf("bench: done\n");
    return 0;
}
