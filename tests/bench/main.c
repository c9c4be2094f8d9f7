/*
 * tests/bench -- the microbenchmarks of `make bench` (docs/lmp.md).
 *
 *   bench server        the other side: LMP endpoints that answer, an RPC
 *                       server, a partner for yield ping-pong
 *   bench client N      N timed iterations of each measurement, after a
 *                       warm-up of N/100 (at least 10)
 *   bench first         exits at once with the clock (bench_spawn's child)
 *   bench xcore N       on core 1 (the client starts it): the cross-core
 *                       RPC row, through the relays
 *
 * Time comes from libsys' timing library (sys/timing.h): the cycle
 * counter where it counts, else the board's timestamp counter in ns --
 * under QEMU's `-icount shift=0` one ns is exactly one instruction.
 * Every result is printed twice: for people,
 *     bench: <what>: <value> <unit> per <thing>, <n> iterations
 * and for scripts/bench.py,
 *     BENCH <name> <value> <unit> n=<n>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/invoke.h>
#include <sys/lmp_chan.h>
#include <sys/paging.h>
#include <sys/ram.h>
#include <sys/rpc.h>
#include <sys/rpc_service.h>
#include <sys/threads.h>
#include <sys/timing.h>
#include <if/init.h>
#include <if/memserv.h>

/* Commands on the raw channel (word 0 of each message). */
enum {
    CMD_ECHO = 1,           /* answer with the same words */
    CMD_ONEWAY,             /* words 1-2: the sender's clock; answer 1 word */
    CMD_ONEWAY_RESULT,      /* answer: mean one-way time x10, 2 words */
    CMD_YIELD,              /* yield (enabled) until the next message */
    CMD_QUIT,
};

/* A result of value / 1000, printed with three decimals: as many as the
 * shortest measurements need (a null system call is a few instructions). */
static void report_x1000(const char *name, const char *what, const char *per,
                         uint64_t x1000, unsigned n)
{
    unsigned whole = (unsigned)(x1000 / 1000), frac = (unsigned)(x1000 % 1000);
    printf("bench: %s: %u.%03u %s per %s, %u iterations\n", what, whole, frac,
           timing_unit(), per, n);
    printf("BENCH %s %u.%03u %s n=%u\n", name, whole, frac, timing_unit(), n);
}

static void report(const char *name, const char *what, const char *per,
                   uint64_t x10, unsigned n)
{
    printf("bench: %s: %u.%u %s per %s, %u iterations\n", what,
           (unsigned)(x10 / 10), (unsigned)(x10 % 10), timing_unit(), per, n);
    printf("BENCH %s %u.%u %s n=%u\n", name, (unsigned)(x10 / 10),
           (unsigned)(x10 % 10), timing_unit(), n);
}

static unsigned warmup(unsigned n)
{
    return n / 100 > 10 ? n / 100 : 10;
}

/* ==== the server ========================================================= */

/*
 * The raw responder: once the first message is in, it runs disabled and
 * never waits -- each answer is a sync send that hands the CPU to the
 * client, and by the time the client hands it back (its next sync send)
 * the next message is already in the ring.  What a round trip then costs
 * is the kernel path itself: send, directed switch, receive, answer.
 */
/* Not expected while measuring: take the next message into c->msg,
 * waiting for it enabled if it is not there (both ends of the raw channel
 * run disabled).  Out of line, so that the measured loops do not carry
 * its registers and constants. */
static __attribute__((noinline)) void raw_recv(struct lmp_call *c)
{
    while (err_is_fail(lmp_endpoint_recv(c->reply, &c->msg, NULL))) {
        disp_enable();
        lmp_endpoint_wait(c->reply);
        disp_disable();
    }
}

/* The raw responder's commands but the echo; false for CMD_QUIT.  Out of
 * line for the same reason.  The clock is read first: CMD_ONEWAY's
 * reading is "the responder has the message" (bench_oneway). */
static __attribute__((noinline)) bool raw_command(struct lmp_chan *ch,
                                                  const struct lmp_recv_msg *m)
{
    static uint64_t oneway_sum, oneway_n;
    uint64_t now = timing_now();

    switch (m->words[0]) {
    case CMD_ONEWAY: {
        /* the client subtracts the clock's own cost (bench_oneway) */
        oneway_sum += now - ((uint64_t)m->words[2] << 32 | m->words[1]);
        oneway_n++;
        lmp_chan_send(ch, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, 1, m->words);
        break;
    }
    case CMD_ONEWAY_RESULT: {
        uint64_t mean = timing_mean_x10(0, oneway_sum, oneway_n);
        uint32_t w[2] = { (uint32_t)mean, (uint32_t)(mean >> 32) };
        oneway_sum = oneway_n = 0;
        lmp_chan_send(ch, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, 2, w);
        break;
    }
    case CMD_YIELD:
        /* Enabled yields: the kernel saves the thread in the enabled
         * area and enters the other domain; each return is a run()
         * upcall and a thread resume -- a full dispatcher switch. */
        disp_enable();
        while (!lmp_chan_can_recv(ch)) {
            sys_yield(CPTR_NULL);
        }
        disp_disable();
        break;
    case CMD_QUIT:
        disp_enable();
        return false;
    default:
        lmp_chan_send(ch, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, m->len, m->words);
        break;
    }
    return true;
}

/* The common case: while the request in c->msg is an echo, the answer is
 * the request -- back it goes, and the next comes into c->msg.  Out of
 * line, so that the loop carries nothing of the other commands. */
static __attribute__((noinline)) void raw_echo(struct lmp_call *c)
{
    while (c->msg.words[0] == CMD_ECHO) {
        if (err_is_fail(lmp_ep_call(c))) {
            raw_recv(c);
        }
    }
}

static int raw_responder(void *arg)
{
    struct lmp_chan *ch = arg;
    struct lmp_call c;
    struct capref cap;

    lmp_endpoint_wait(ch->endpoint);
    lmp_chan_recv(ch, &c.msg, &cap);
    lmp_chan_set_remote(ch, cap);
    /* Endpoint level, as the client: lmp_ep_call as the reply-and-receive,
     * the answer's system call word (but its length) and the endpoint's
     * address computed once.  (A capability that comes is deleted.) */
    capaddr_t none;
    lmp_call_init(&c, lmp_send_word(LMP_SEND_FLAGS_DEFAULT, 0, NULL_CAP, &none),
                  capref_addr(ch->remote_cap), 0, ch->endpoint);
    disp_disable();
    raw_recv(&c);
    for (;;) {
        raw_echo(&c);
        if (!raw_command(ch, &c.msg)) {
            return 0;
        }
        raw_recv(&c);
    }
}

/* The same pings answered through libsys as a program would: a thread
 * waiting on the endpoint, lmp_chan_recv, lmp_chan_send. */
static int lmp_responder(void *arg)
{
    struct lmp_chan *ch = arg;
    struct lmp_recv_msg m;
    struct capref cap;

    lmp_endpoint_wait(ch->endpoint);
    lmp_chan_recv(ch, &m, &cap);
    lmp_chan_set_remote(ch, cap);
    for (;;) {
        lmp_endpoint_wait(ch->endpoint);
        while (err_is_ok(lmp_chan_recv(ch, &m, NULL))) {
            lmp_chan_send(ch, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, m.len, m.words);
        }
    }
    return 0;
}

/* send_string's server side, minus the printing init does. */
static void h_string(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    (void)req;
    (void)resp;
}

/* send_bytes's server side: the bytes are taken (serve_one frees them). */
static void h_bytes(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_bytes_req in;
    (void)rc;
    resp->err = rpc_bytes_req_unpack(req, &in);
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

static const rpc_handler_fn handlers[RPC_INIT_COUNT] = {
    [RPC_BIND] = rpc_handle_bind,
    [RPC_ECHO] = rpc_handle_echo,
    [RPC_STRING] = h_string,
    [RPC_BYTES] = h_bytes,
    [RPC_NUMBER] = h_number,
};

/* PING's typed handler: the generated dispatch serves it from the words of
 * the message (docs/rpc.md, section 2); the clients of rpc_handle_bind get
 * it too. */
static const struct rpc_init_fixed_handlers typed = { .ping = rpc_handle_ping };
/* "benchsvc": a service (rpc_service.c) that echoes, for the rows of
 * channels made through init -- straight, and through a relay
 * (bench_relay). */
static const rpc_handler_fn service_handlers[RPC_BASE_COUNT] = {
    [RPC_ECHO] = rpc_handle_echo,
};

static int server(void)
{
    static struct rpc_service svc = {
        .name = "benchsvc", .handlers = service_handlers, .num_handlers = RPC_BASE_COUNT,
    };
    static struct lmp_chan ch, raw;
    static struct rpc_chan listener;
    struct waitset *ws = get_default_waitset();

    timing_init();
    lmp_chan_accept(&raw, 64, NULL_CAP);
    rpc_name_register(get_init_rpc(), "benchraw", raw.local_cap);
    thread_create(raw_responder, &raw);
    lmp_chan_accept(&ch, 64, NULL_CAP);
    rpc_name_register(get_init_rpc(), "benchlmp", ch.local_cap);
    thread_create(lmp_responder, &ch);
    rpc_chan_init(&listener, NULL_CAP);
    rpc_serve(&listener, handlers, RPC_INIT_COUNT, ws);
    rpc_serve_fixed(&listener, rpc_init_fixed_dispatch, &typed);
    /* Its clients (rpc_handle_bind) send inline messages of any size. */
    rpc_reasm_limit(&listener.rx, RPC_MAX_BYTES, RPC_MAX_BYTES);
    rpc_name_register(get_init_rpc(), "benchrpc", listener.lc.local_cap);
    rpc_service_start(&svc, ws);
    while (!finished) {
        event_dispatch(ws);
    }
    exit(0);
}

/* ==== the client ========================================================= */

static struct capref lookup(const char *name)
{
    struct capref ep;
    while (err_is_fail(rpc_name_lookup(get_init_rpc(), name, &ep))) {
        thread_yield();
        sys_yield(CPTR_NULL);
    }
    return ep;
}

/* n passes of eight null system calls, or of eight nops in their place:
 * the difference is what the system calls cost beyond a nop.  The loop is
 * in the asm too, so that both have the same two loop instructions (with
 * the loops in C, GCC gave them different overheads and the result read
 * 3.875 instead of 4). */
static void syscall_loop(unsigned n)
{
    __asm__ volatile("1: mov r0, #0\n svc #0\n mov r0, #0\n svc #0\n"
                     "mov r0, #0\n svc #0\n mov r0, #0\n svc #0\n"
                     "mov r0, #0\n svc #0\n mov r0, #0\n svc #0\n"
                     "mov r0, #0\n svc #0\n mov r0, #0\n svc #0\n"
                     "subs %0, %0, #1\n bne 1b\n" : "+r"(n) :: "r0", "cc", "memory");
}

static void nop_loop(unsigned n)
{
    __asm__ volatile("1: mov r0, #0\n nop\n mov r0, #0\n nop\n"
                     "mov r0, #0\n nop\n mov r0, #0\n nop\n"
                     "mov r0, #0\n nop\n mov r0, #0\n nop\n"
                     "mov r0, #0\n nop\n mov r0, #0\n nop\n"
                     "subs %0, %0, #1\n bne 1b\n" : "+r"(n) :: "r0", "cc", "memory");
}

static void bench_syscalls(unsigned n)
{
    if (n == 0) {
        return;             /* the asm loops run at least once */
    }
    uint64_t t0 = timing_now();
    nop_loop(n);
    uint64_t t1 = timing_now();
    syscall_loop(n);
    uint64_t t2 = timing_now();
    /* (syscall loop - nop loop) per system call, + the nop it replaced;
     * in thousandths: the figure is a few instructions, and one decimal
     * hid the fraction a difference in the loops gives.  Only the trap:
     * svc, the vector's branch, svc_entry's test for a null call and the
     * return. */
    uint64_t x1000 = timing_mean_scaled(t1 - t0, t2 - t1, 8ull * n, 1000) + 1000;
    report_x1000("null_syscall", "null system call, the trap only (svc to return)", "call",
                 x1000, n * 8);

    /* A system call that goes all the way through the C dispatcher. */
    for (unsigned i = 0; i < warmup(n); i++) {
        sys_raw(SYSW(SYS_NOP, 0, NOP_C_PATH), 0, 0, 0);
    }
    t0 = timing_now();
    for (unsigned i = 0; i < n; i++) {
        sys_raw(SYSW(SYS_NOP, 0, NOP_C_PATH), 0, 0, 0);
    }
    t1 = timing_now();
    report("syscall_c_path", "system call through the C path (SYS_NOP, NOP_C_PATH)",
           "call", timing_mean_x10(t0, t1, n), n);
}

/*
 * One round trip at the endpoint level: lmp_ep_call (libsys/arch/armv7/
 * lmp_call.S) with its system call word and endpoint address computed
 * once (lmp_chan_send recomputes them each time), the kernel, and the
 * receive of the answer in the same routine.  Sent while disabled, so the
 * answer resumes us right after the system call.  c->msg goes both ways:
 * the responder echoes it, so what comes back is the next request.
 */
static void raw_call_init(struct lmp_call *c, struct lmp_chan *ch, struct capref cap,
                          uint32_t len, uint32_t cmd)
{
    capaddr_t cap_addr;
    uint32_t word = lmp_send_word(LMP_FLAG_SYNC, 0, cap, &cap_addr);
    lmp_call_init(c, word, capref_addr(ch->remote_cap), cap_addr, ch->endpoint);
    c->msg.len = len;
    c->msg.words[0] = cmd;
}

static inline void raw_call(struct lmp_call *c)
{
    if (err_is_fail(lmp_ep_call(c))) {
        raw_recv(c);                    /* not expected: the answer is there */
    }
}

/* n (>= 1) round trips.  Never inline, and the label raw_roundtrip at
 * the top of the loop's body (no instruction): `scripts/trace.py --at
 * raw_roundtrip` traces one round trip from there to there (docs/lmp.md,
 * section 5). */
static __attribute__((noinline)) void raw_roundtrips(struct lmp_call *c, unsigned n)
{
    do {
        __asm__ volatile(".global raw_roundtrip\nraw_roundtrip:");
        raw_call(c);
    } while (--n);
}

/* The mean round trip of n after a warm-up, x10; checks that the echo
 * came back as it went (else the loop measured something else). */
static uint64_t time_raw_roundtrips(struct lmp_call *c, unsigned n)
{
    uint32_t len = c->msg.len, cmd = c->msg.words[0];
    raw_roundtrips(c, warmup(n));
    uint64_t t0 = timing_now();
    raw_roundtrips(c, n);
    uint64_t x10 = timing_mean_x10(t0, timing_now(), n);
    if (c->msg.len != len || c->msg.words[0] != cmd) {
        printf("bench: the raw echo came back changed (len %u)\n", (unsigned)c->msg.len);
    }
    return x10;
}

/*
 * One way: the responder reads the clock when it has the message and sums
 * (its reading - ours, taken before the send).  What a reading itself
 * costs -- from where one samples the clock to where the next one does --
 * is measured here in the same loop shape, the send replaced by nothing,
 * and subtracted: the mean of both, in tenths.
 */
static volatile uint32_t oneway_words[3];   /* stands for the message */

static uint64_t oneway_clock_x10(unsigned n)
{
    volatile uint32_t *ow = oneway_words;
    uint64_t sum = 0;
    for (unsigned i = 0; i < n; i++) {
        uint64_t now = timing_now();
        ow[1] = (uint32_t)now;
        ow[2] = (uint32_t)(now >> 32);
        sum += timing_now() - now;
    }
    return timing_mean_x10(0, sum, n);
}

static void bench_oneway(struct lmp_call *c, unsigned n)
{
    uint32_t *ow = c->msg.words;
    for (unsigned i = 0; i < warmup(n) + n; i++) {
        if (i == warmup(n)) {
            c->msg.len = 1;             /* drop the warm-up's sum */
            ow[0] = CMD_ONEWAY_RESULT;
            raw_call(c);
        }
        c->msg.len = 3;
        ow[0] = CMD_ONEWAY;
        uint64_t now = timing_now();
        ow[1] = (uint32_t)now;
        ow[2] = (uint32_t)(now >> 32);
        raw_call(c);
    }
    c->msg.len = 1;
    ow[0] = CMD_ONEWAY_RESULT;
    raw_call(c);
    uint64_t total = (uint64_t)ow[1] << 32 | ow[0];
    uint64_t clock = oneway_clock_x10(n);
    report("lmp_oneway", "LMP one way, 3 words, send to the receiver holding it",
           "message", total > clock ? total - clock : 0, n);
}

static void bench_lmp_raw(unsigned n)
{
    struct lmp_chan ch;
    struct lmp_call c;
    uint32_t w[1] = { CMD_ECHO };

    lmp_chan_accept(&ch, 64, lookup("benchraw"));
    lmp_chan_send_retry(&ch, LMP_SEND_FLAGS_DEFAULT, ch.local_cap, 1, w);
    disp_disable();
    raw_call_init(&c, &ch, NULL_CAP, 1, CMD_ECHO);
    raw_call(&c);                           /* the responder is in its loop */

    static const uint32_t sizes[] = { 1, LMP_MSG_WORDS };
    for (unsigned s = 0; s < 2; s++) {
        raw_call_init(&c, &ch, NULL_CAP, sizes[s], CMD_ECHO);
        uint64_t x10 = time_raw_roundtrips(&c, n);
        char name[32], what[64];
        snprintf(name, sizeof(name), "lmp_roundtrip_%uw", (unsigned)sizes[s]);
        snprintf(what, sizeof(what), "LMP round trip, %u word%s, endpoint level",
                 (unsigned)sizes[s], sizes[s] > 1 ? "s" : "");
        report(name, what, "round trip", x10, n);
    }

    /* With a capability copied to the responder each time (it deletes it):
     * the capability transfer is always the C path.  frame_alloc is an RPC
     * to the memory server, which runs us enabled; the measurement runs
     * disabled like the rows above (the answer resumes us after our
     * system call) -- said here, not left to where frame_alloc happens to
     * leave us: enabled, every answer would be a run() upcall. */
    struct capref frame;
    disp_enable();
    frame_alloc(&frame, 4096);
    disp_disable();
    struct lmp_call withcap;
    raw_call_init(&withcap, &ch, frame, 1, CMD_ECHO);
    report("lmp_roundtrip_cap", "LMP round trip, 1 word and a capability (deleted), disabled",
           "round trip", time_raw_roundtrips(&withcap, n), n);

    bench_oneway(&c, n);

    /* Yield ping-pong: both domains yield (enabled) to each other. */
    uint32_t one = c.word | 1u << SYSW_LEN_SHIFT;
    uint32_t y[1] = { CMD_YIELD };
    lmp_ep_send_raw(one, c.ep, 0, y);
    disp_enable();
    for (unsigned i = 0; i < warmup(n); i++) {
        sys_yield(CPTR_NULL);
    }
    uint64_t t0 = timing_now();
    for (unsigned i = 0; i < n; i++) {
        sys_yield(CPTR_NULL);
    }
    uint64_t t1 = timing_now();
    report("yield_pingpong", "yield ping-pong (two dispatcher switches, run() upcalls)",
           "round trip", timing_mean_x10(t0, t1, n), n);
    disp_disable();
    raw_call_init(&c, &ch, NULL_CAP, 1, CMD_ECHO);
    raw_call(&c);                           /* ends the responder's yielding */
    uint32_t q[1] = { CMD_QUIT };
    lmp_ep_send_raw(one, c.ep, 0, q);
    disp_enable();
    mem_free(frame);
}

static void bench_lmp_chan(unsigned n)
{
    struct lmp_chan ch;
    struct lmp_recv_msg m;
    uint32_t w[LMP_MSG_WORDS] = { 0 };

    lmp_chan_accept(&ch, 64, lookup("benchlmp"));
    lmp_chan_send_retry(&ch, LMP_SEND_FLAGS_DEFAULT, ch.local_cap, 1, w);
    static const uint32_t sizes[] = { 1, LMP_MSG_WORDS };
    for (unsigned s = 0; s < 2; s++) {
        uint64_t t0 = 0;
        for (unsigned i = 0; i < warmup(n) + n; i++) {
            if (i == warmup(n)) {
                t0 = timing_now();
            }
            w[0] = i;
            lmp_chan_send(&ch, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, sizes[s], w);
            while (err_is_fail(lmp_chan_recv(&ch, &m, NULL))) {
                lmp_endpoint_wait(ch.endpoint);
            }
        }
        uint64_t t1 = timing_now();
        char name[32], what[80];
        snprintf(name, sizeof(name), "lmp_chan_roundtrip_%uw", (unsigned)sizes[s]);
        snprintf(what, sizeof(what), "LMP round trip, %u word%s, lmp_chan and threads",
                 (unsigned)sizes[s], sizes[s] > 1 ? "s" : "");
        report(name, what, "round trip", timing_mean_x10(t0, t1, n), n);
    }
}

/* n echo calls of one scalar on a channel to "benchsvc" by this name:
 * row `name`. */
static void echo_row(const char *service, const char *name, const char *what, unsigned n)
{
    struct rpc_chan *rc = NULL;
    struct rpc_payload req = { .nscalar = 1 }, resp;
    errval_t err;
    while ((err = rpc_connect(service, &rc)) == LIB_ERR_NAME_NOT_FOUND) {
        thread_yield();
        sys_yield(CPTR_NULL);
    }
    if (err_is_fail(err)) {
        printf("bench: cannot connect to %s: %s\n", service, err_getcode(err));
        return;
    }
    uint64_t t0 = 0;
    for (unsigned i = 0; i < warmup(n) + n; i++) {
        if (i == warmup(n)) {
            t0 = timing_now();
        }
        req.scalar[0] = i;
        rpc_echo(rc, &req, &resp);
    }
    report(name, what, "call", timing_mean_x10(t0, timing_now(), n), n);
}

/* The same echo on a service's channel made through init, straight;
 * through the two relays on this core (user/sys/init/relay.c); and from
 * core 1 through the relays in both inits (docs/multikernel.md, "Binding
 * across cores"): `bench xcore N` there, started once this core's rows
 * are done, so that its work is not counted in theirs (under -icount
 * both cores share one clock). */
static void bench_relay(unsigned n)
{
    uint32_t id;
    int status;
    echo_row("benchsvc", "rpc_roundtrip_service",
             "RPC round trip to a service (one scalar each way)", n);
    echo_row("relay:benchsvc", "rpc_roundtrip_relay",
             "RPC round trip to a service through a relay in init", n);
    char args[16];
    snprintf(args, sizeof(args), "xcore %u", n);
    if (err_is_fail(rpc_process_spawn_on(get_init_rpc(), 1, "bench", args, &id)) ||
        err_is_fail(rpc_process_wait(get_init_rpc(), id, &status))) {
        printf("bench: no cross-core row (no core 1)\n");
    }
}

static void bench_rpc(unsigned n)
{
    struct rpc_chan *rc = NULL;
    struct rpc_payload resp;
    if (err_is_fail(rpc_bind(lookup("benchrpc"), &rc))) {
        printf("bench: cannot bind to benchrpc\n");
        return;
    }

    /* A scalar call through its generated stub and the server's typed
     * handler (the fixed layout both ways, docs/rpc.md, section 3) ... */
    uint64_t t0 = 0;
    uint32_t echo;
    for (unsigned i = 0; i < warmup(n) + n; i++) {
        if (i == warmup(n)) {
            t0 = timing_now();
        }
        rpc_ping(rc, i, &echo);
    }
    uint64_t t1 = timing_now();
    report("rpc_roundtrip", "RPC round trip (one scalar each way, waitset server)",
           "call", timing_mean_x10(t0, t1, n), n);

    /* ... and the same through struct rpc_payload: rpc_call, the server's
     * handler table (rpc_handle_echo) */
    struct rpc_payload req = { .nscalar = 1 };
    for (unsigned i = 0; i < warmup(n) + n; i++) {
        if (i == warmup(n)) {
            t0 = timing_now();
        }
        req.scalar[0] = i;
        rpc_echo(rc, &req, &resp);
    }
    t1 = timing_now();
    report("rpc_roundtrip_payload", "RPC round trip, the same through rpc_payload "
           "(rpc_echo, handler table)", "call", timing_mean_x10(t0, t1, n), n);

    /* get_ram_cap from the memory server (4 KiB each; given back to the
     * slot allocator, not to the server: the boot list's quota allows). */
    unsigned failed = 0;
    errval_t last_err = SYS_ERR_OK;
    for (unsigned i = 0; i < warmup(n) + n; i++) {
        if (i == warmup(n)) {
            t0 = timing_now();
        }
        struct capref ram;
        errval_t err = rpc_get_ram_cap(get_memserv_rpc(), 4096, 4096, &ram, NULL);
        if (err_is_ok(err)) {
            cap_destroy(ram);
        } else {
            failed++;
            last_err = err;
        }
    }
    t1 = timing_now();
    if (failed) {           /* a measurement of refusals is not this one */
        printf("bench: rpc_get_ram_cap: %u calls failed: %s\n", failed, err_getcode(last_err));
    }
    report("rpc_get_ram_cap", "rpc_get_ram_cap of 4 KiB (with cap_delete)", "call",
           timing_mean_x10(t0, t1, n), n);

    /* send_string throughput. */
    static const uint32_t lens[] = { 64, 4096, 1024 * 1024 };
    static const char *const lnames[] = { "64", "4k", "1m" };
    char *s = malloc(1024 * 1024 + 1);
    for (unsigned l = 0; l < 3; l++) {
        memset(s, 'a' + l, lens[l]);
        s[lens[l]] = 0;
        unsigned reps = n;
        for (unsigned i = 0; i < warmup(reps) + reps; i++) {
            if (i == warmup(reps)) {
                t0 = timing_now();
            }
            rpc_send_string(rc, s);
        }
        t1 = timing_now();
        uint64_t x10 = timing_mean_x10(t0, t1, reps);
        char name[32], what[64];
        snprintf(name, sizeof(name), "rpc_send_string_%s", lnames[l]);
        snprintf(what, sizeof(what), "rpc_send_string of %u bytes", (unsigned)lens[l]);
        report(name, what, "call", x10, reps);
        /* bytes per 1000 units: per microsecond when the unit is ns */
        uint64_t per_k = x10 ? (uint64_t)lens[l] * 10000 / x10 : 0;
        printf("bench: rpc_send_string of %u bytes: %u bytes per 1000 %s\n",
               (unsigned)lens[l], (unsigned)per_k, timing_unit());
        printf("BENCH %s_throughput %u bytes/1000%s n=%u\n", name, (unsigned)per_k,
               timing_unit(), reps);
    }

    /* The same bytes with their length (rpc_send_bytes): no strlen, and
     * the 1 MiB in one copy each side (docs/rpc.md, section 3). */
    for (unsigned l = 1; l < 3; l++) {
        unsigned reps = n;
        memset(s, 'a' + l, lens[l]);
        for (unsigned i = 0; i < warmup(reps) + reps; i++) {
            if (i == warmup(reps)) {
                t0 = timing_now();
            }
            rpc_send_bytes(rc, s, lens[l]);
        }
        t1 = timing_now();
        char name[32], what[64];
        snprintf(name, sizeof(name), "rpc_send_bytes_%s", lnames[l]);
        snprintf(what, sizeof(what), "rpc_send_bytes of %u bytes", (unsigned)lens[l]);
        report(name, what, "call", timing_mean_x10(t0, t1, reps), reps);
    }
    free(s);

    /* Inline fragments against a shared frame, by payload size, on
     * send_string: its bytes go one way only (an echo's response would
     * follow the server's threshold).  Where the two cross is
     * RPC_FRAME_THRESHOLD_DEFAULT (sys/rpc.h). */
    static const uint32_t sizes[] = { 256, 512, 1024, 2048, 4096, 16384, 65536 };
    s = malloc(65536 + 1);
    for (unsigned k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        unsigned reps = n / 50 + 2;
        memset(s, 'x', sizes[k]);
        s[sizes[k]] = 0;
        for (int frame = 0; frame <= 1; frame++) {
            rpc_frame_threshold = frame ? 0 : RPC_MAX_BYTES;
            for (unsigned i = 0; i < warmup(reps) + reps; i++) {
                if (i == warmup(reps)) {
                    t0 = timing_now();
                }
                rpc_send_string(rc, s);
            }
            t1 = timing_now();
            char name[40], what[64];
            snprintf(name, sizeof(name), "rpc_string_%u_%s", (unsigned)sizes[k],
                     frame ? "frame" : "fragments");
            snprintf(what, sizeof(what), "rpc_send_string of %u bytes %s", (unsigned)sizes[k],
                     frame ? "in a shared frame" : "in fragments");
            report(name, what, "call", timing_mean_x10(t0, t1, reps), reps);
        }
    }
    free(s);
    rpc_frame_threshold = RPC_FRAME_THRESHOLD_DEFAULT;
    bench_relay(n);                     /* while the server serves */
    struct rpc_payload bye = { .nscalar = 1 };
    rpc_call(rc, RPC_NUMBER, &bye, &resp);
}

/*
 * What the cache maintenance of issue 12 costs (docs/hardware.md, "Caches"):
 * mapping a 4 KiB frame read/write (the descriptor cleaned) and executable
 * (also the frame cleaned to PoU line by line, I-cache and branch predictor
 * invalidated), each with its unmap; and making an L2 table (zeroed, and
 * its 1 KiB cleaned) with its delete.  The table is never mapped itself.
 */
#define BENCH_PAGE 4096u

static errval_t map_once(struct capref l2, struct capref frame, uint32_t flags)
{
    errval_t err = vnode_map(capref_addr(l2), 0, capref_addr(frame), 0, 1, flags);
    return err ? err : vnode_unmap(capref_addr(l2), 0, 1);
}

static void bench_map_flags(struct capref l2, struct capref frame, unsigned n,
                            uint32_t flags, const char *name, const char *what)
{
    for (unsigned i = 0; i < warmup(n); i++) {
        map_once(l2, frame, flags);
    }
    uint64_t t0 = timing_now();
    for (unsigned i = 0; i < n; i++) {
        errval_t err = map_once(l2, frame, flags);
        if (err_is_fail(err)) {
            DEBUG_ERR(err, "%s", name);
            return;
        }
    }
    report(name, what, "map+unmap", timing_mean_x10(t0, timing_now(), n), n);
}

static void bench_mapping(unsigned n)
{
    struct capref ram, frame, l2, tmp;
    errval_t err;
    if ((err = ram_alloc(&ram, BENCH_PAGE)) || (err = frame_alloc(&frame, BENCH_PAGE)) ||
        (err = slot_alloc(&l2)) || (err = slot_alloc(&tmp)) ||
        (err = cap_retype(l2, ram, 0, ObjType_VNode_ARM_l2, 0, 1))) {
        DEBUG_ERR(err, "bench_mapping set-up");
        return;
    }
    bench_map_flags(l2, frame, n, VREGION_FLAGS_READ_WRITE, "map_frame_rw",
                    "map and unmap a 4 KiB frame read/write");
    bench_map_flags(l2, frame, n, VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE,
                    "map_frame_exec", "map and unmap a 4 KiB frame executable");
    uint64_t t0 = timing_now();
    for (unsigned i = 0; i < n; i++) {
        if ((err = cap_retype(tmp, ram, OBJSIZE_VNODE_ARM_L2, ObjType_VNode_ARM_l2, 0, 1)) ||
            (err = cap_delete(tmp))) {
            DEBUG_ERR(err, "retype_l2_table");
            return;
        }
    }
    report("retype_l2_table", "retype RAM into an L2 table and delete it",
           "retype+delete", timing_mean_x10(t0, timing_now(), n), n);
}

/*
 * Memory the way a program gets it: a frame from the memory server
 * (rpc_get_ram_cap), retyped and mapped -- timed with its unmap and
 * deletes, which every iteration needs to run again -- and the heap's
 * first touch of a page: the kernel's data abort, the page-fault upcall,
 * back_page (a frame and its mapping, paging.c) and the resume.  The
 * frames are not given back to the memory server: n is a tenth of the
 * other rows' (4 MiB at n = 1000), within the boot list's quota.
 */
void *sbrk(ptrdiff_t increment);        /* libsys/paging.c: the heap's break */

static void bench_memory(unsigned n)
{
    errval_t err = SYS_ERR_OK;
    uint64_t t0 = timing_now();
    for (unsigned i = 0; i < n && err_is_ok(err); i++) {
        struct capref ram, frame;
        uint32_t va;
        if ((err = rpc_get_ram_cap(get_memserv_rpc(), BENCH_PAGE, BENCH_PAGE, &ram, NULL)) ||
            (err = slot_alloc(&frame)) ||
            (err = cap_retype(frame, ram, 0, ObjType_Frame, BENCH_PAGE, 1)) ||
            (err = paging_map_frame(&va, frame, BENCH_PAGE, VREGION_FLAGS_READ_WRITE)) ||
            (err = paging_unmap(va, BENCH_PAGE))) {
            DEBUG_ERR(err, "frame_get_retype_map");
            return;
        }
        cap_destroy(frame);
        cap_destroy(ram);
    }
    report("frame_get_retype_map",
           "rpc_get_ram_cap + retype to a Frame + map (with unmap and deletes)",
           "frame", timing_mean_x10(t0, timing_now(), n), n);

    /* First touch of heap pages: 256 of them (1 MiB), fresh from sbrk --
     * malloc may hand out pages it had before, already backed. */
    const unsigned pages = 256;
    char *heap = sbrk(pages * BENCH_PAGE + BENCH_PAGE);
    if (heap == (char *)-1) {
        printf("bench: heap_first_touch: no memory\n");
        return;
    }
    uint32_t first = ((uint32_t)heap + BENCH_PAGE - 1) & ~(BENCH_PAGE - 1);
    uint32_t served = paging_faults_served();
    t0 = timing_now();
    for (unsigned i = 0; i < pages; i++) {
        ((volatile char *)first)[i * BENCH_PAGE] = 1;
    }
    uint64_t t1 = timing_now();
    if (paging_faults_served() - served != pages) {     /* not first touches */
        printf("bench: heap_first_touch: %u faults for %u pages\n",
               (unsigned)(paging_faults_served() - served), pages);
    }
    report("heap_first_touch", "first touch of a heap page (page fault handled in user space)",
           "page", timing_mean_x10(t0, t1, pages), pages);
}

/*
 * Spawning a domain, through init as every program does (rpc_process_spawn
 * and rpc_process_wait, docs/spawning.md): the child is this program
 * started as "bench first", whose main() at once exits with the low 32
 * bits of the clock.  Timed from before the spawn request to that reading
 * -- the child's main(), after libsys's start-up, not its very first
 * instruction: the clock is a system call only C can make -- and to the
 * answer of the wait, which comes once init has been told of the exit.
 * A spawn is some 10^5 instructions: n is a thousandth of the others'.
 */
static void bench_spawn(unsigned n)
{
    uint64_t to_main = 0, t0, t1 = 0, start = timing_now();
    for (unsigned i = 0; i < n; i++) {
        uint32_t id;
        int status;
        t0 = timing_now();
        /* "?": any end is the child's to choose -- its status is data */
        errval_t err = rpc_process_spawn(get_init_rpc(), "?bench", "first", &id);
        if (err_is_ok(err)) {
            err = rpc_process_wait(get_init_rpc(), id, &status);
        }
        t1 = timing_now();
        if (err_is_fail(err)) {
            DEBUG_ERR(err, "bench_spawn");
            return;
        }
        to_main += (uint32_t)status - (uint32_t)t0;     /* modulo 2^32 */
    }
    report("spawn_to_main", "spawn a domain until its main() runs", "spawn",
           timing_mean_x10(0, to_main, n), n);
    report("spawn_to_exit", "spawn a domain until its exit is reported (it exits at once)",
           "spawn", timing_mean_x10(start, t1, n), n);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "first") == 0) {
        return (int)(uint32_t)timing_now();     /* for bench_spawn */
    }
    if (argc > 1 && strcmp(argv[1], "server") == 0) {
        return server();
    }
    unsigned n = argc > 2 ? (unsigned)atoi(argv[2]) : 10000;
    if (argc > 1 && strcmp(argv[1], "xcore") == 0) {      /* on core 1 */
        timing_init();
        echo_row("benchsvc", "rpc_roundtrip_xcore_relay",
                 "RPC round trip from core 1 to a service on core 0, through the relays", n);
        return 0;
    }
    bool cycles = timing_init();
    printf("bench: clock is the %s, in %s; %u iterations each\n",
           cycles ? "cycle counter" : "timestamp counter (no working cycle counter)",
           timing_unit(), n);
    bench_syscalls(n);
    bench_lmp_raw(n);
    bench_lmp_chan(n);
    bench_memory(n >= 10 ? n / 10 : 1);     /* before bench_rpc's get_ram_caps */
    bench_rpc(n);
    bench_mapping(n);
    bench_spawn(n >= 1000 ? n / 1000 : 1);
    printf("bench: done\n");
    return 0;
}
