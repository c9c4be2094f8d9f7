/*
 * tests/bench -- the microbenchmarks of `make bench` (docs/lmp.md).
 *
 *   bench server        the other side: LMP endpoints that answer, an RPC
 *                       server, a partner for yield ping-pong
 *   bench client N      N timed iterations of each measurement, after a
 *                       warm-up of N/100 (at least 10)
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
#include <sys/ram.h>
#include <sys/rpc.h>
#include <sys/threads.h>
#include <sys/timing.h>

/* Commands on the raw channel (word 0 of each message). */
enum {
    CMD_ECHO = 1,           /* answer with the same words */
    CMD_ONEWAY,             /* words 1-2: the sender's clock; answer 1 word */
    CMD_ONEWAY_RESULT,      /* answer: mean one-way time x10, 2 words */
    CMD_YIELD,              /* yield (enabled) until the next message */
    CMD_QUIT,
};

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

static uint64_t clock_cost;     /* what a timing_now() costs, to subtract */

/*
 * The raw responder: once the first message is in, it runs disabled and
 * never waits -- each answer is a sync send that hands the CPU to the
 * client, and by the time the client hands it back (its next sync send)
 * the next message is already in the ring.  What a round trip then costs
 * is the kernel path itself: send, directed switch, receive, answer.
 */
static int raw_responder(void *arg)
{
    struct lmp_chan *ch = arg;
    struct lmp_recv_msg m;
    struct capref cap;
    uint64_t oneway_sum = 0, oneway_n = 0;

    lmp_endpoint_wait(ch->endpoint);
    lmp_chan_recv(ch, &m, &cap);
    ch->remote_cap = cap;
    lmp_endpoint_wait(ch->endpoint);
    disp_disable();
    for (;;) {
        /* (a capability that comes is deleted: NULL asks for that) */
        if (err_is_fail(lmp_chan_recv(ch, &m, NULL))) {
            disp_enable();
            lmp_endpoint_wait(ch->endpoint);
            disp_disable();
            continue;
        }
        switch (m.words[0]) {
        case CMD_ONEWAY: {
            uint64_t now = timing_now();
            oneway_sum += now - ((uint64_t)m.words[2] << 32 | m.words[1]) - clock_cost;
            oneway_n++;
            lmp_chan_send(ch, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, 1, m.words);
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
            return 0;
        default:
            lmp_chan_send(ch, LMP_SEND_FLAGS_DEFAULT, NULL_CAP, m.len, m.words);
            break;
        }
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
    ch->remote_cap = cap;
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

static const rpc_handler_fn handlers[RPC_METHOD_COUNT] = {
    [RPC_BIND] = rpc_handle_bind,
    [RPC_ECHO] = rpc_handle_echo,
    [RPC_STRING] = h_string,
    [RPC_BYTES] = h_bytes,
    [RPC_NUMBER] = h_number,
};

static int server(void)
{
    static struct lmp_chan ch, raw;
    static struct rpc_chan listener;
    struct waitset *ws = get_default_waitset();

    timing_init();
    uint64_t t0 = timing_now();
    uint64_t t1 = timing_now();
    clock_cost = t1 - t0;
    lmp_chan_accept(&raw, 64, NULL_CAP);
    rpc_name_register(get_init_rpc(), "benchraw", raw.local_cap);
    thread_create(raw_responder, &raw);
    lmp_chan_accept(&ch, 64, NULL_CAP);
    rpc_name_register(get_init_rpc(), "benchlmp", ch.local_cap);
    thread_create(lmp_responder, &ch);
    rpc_chan_init(&listener, NULL_CAP);
    rpc_serve(&listener, handlers, ws);
    /* Its clients (rpc_handle_bind) send inline messages of any size. */
    rpc_reasm_limit(&listener.rx, RPC_MAX_BYTES, RPC_MAX_BYTES);
    rpc_name_register(get_init_rpc(), "benchrpc", listener.lc.local_cap);
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

/* Eight null system calls, or eight nops in their place: the difference
 * is what the system calls cost beyond a nop. */
static void eight_syscalls(void)
{
    __asm__ volatile("mov r0, #0\n svc #0\n mov r0, #0\n svc #0\n"
                     "mov r0, #0\n svc #0\n mov r0, #0\n svc #0\n"
                     "mov r0, #0\n svc #0\n mov r0, #0\n svc #0\n"
                     "mov r0, #0\n svc #0\n mov r0, #0\n svc #0\n" ::: "r0", "memory");
}

static void eight_nops(void)
{
    __asm__ volatile("mov r0, #0\n nop\n mov r0, #0\n nop\n"
                     "mov r0, #0\n nop\n mov r0, #0\n nop\n"
                     "mov r0, #0\n nop\n mov r0, #0\n nop\n"
                     "mov r0, #0\n nop\n mov r0, #0\n nop\n" ::: "r0", "memory");
}

static void bench_syscalls(unsigned n)
{
    uint64_t t0 = timing_now();
    for (unsigned i = 0; i < n; i++) {
        eight_nops();
    }
    uint64_t t1 = timing_now();
    for (unsigned i = 0; i < n; i++) {
        eight_syscalls();
    }
    uint64_t t2 = timing_now();
    /* (syscall loop - nop loop) per system call, + the nop it replaced */
    uint64_t x10 = timing_mean_x10(t1 - t0, t2 - t1, 8ull * n) + 10;
    report("null_syscall", "null system call (svc to return)", "call", x10, n * 8);

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
 * One round trip at the endpoint level: the send stub with its system
 * call word and endpoint address computed once (lmp_chan_send recomputes
 * them each time), the kernel, and the inline receive.  Sent while
 * disabled, so the answer resumes us right after the system call.
 */
struct raw_send {
    uint32_t word;          /* SYS_INVOKE | length | sync (| cap) */
    capaddr_t ep;
    capaddr_t cap;
};

static struct raw_send raw_send_of(struct lmp_chan *ch, uint32_t words, struct capref cap)
{
    struct raw_send r = { .ep = capref_addr(ch->remote_cap) };
    r.word = lmp_send_word(LMP_FLAG_SYNC, words, cap, &r.cap);
    return r;
}

static void raw_roundtrip(struct lmp_chan *ch, const struct raw_send *r, const uint32_t *w)
{
    struct lmp_recv_msg m;
    lmp_ep_send_raw(r->word, r->ep, r->cap, w);
    while (err_is_fail(lmp_endpoint_recv(ch->endpoint, &m, NULL))) {
        disp_enable();                  /* not expected: the answer is there */
        lmp_endpoint_wait(ch->endpoint);
        disp_disable();
    }
}

/* The mean round trip of n raw_roundtrip()s after a warm-up, x10. */
static uint64_t time_raw_roundtrips(struct lmp_chan *ch, const struct raw_send *r,
                                    const uint32_t *w, unsigned n)
{
    for (unsigned i = 0; i < warmup(n); i++) {
        raw_roundtrip(ch, r, w);
    }
    uint64_t t0 = timing_now();
    for (unsigned i = 0; i < n; i++) {
        raw_roundtrip(ch, r, w);
    }
    return timing_mean_x10(t0, timing_now(), n);
}

static void bench_lmp_raw(unsigned n)
{
    struct lmp_chan ch;
    uint32_t w[LMP_MSG_WORDS] = { CMD_ECHO };

    lmp_chan_accept(&ch, 64, lookup("benchraw"));
    lmp_chan_send_retry(&ch, LMP_SEND_FLAGS_DEFAULT, ch.local_cap, 1, w);
    disp_disable();
    struct raw_send one = raw_send_of(&ch, 1, NULL_CAP);
    raw_roundtrip(&ch, &one, w);            /* the responder is in its loop */

    static const uint32_t sizes[] = { 1, LMP_MSG_WORDS };
    for (unsigned s = 0; s < 2; s++) {
        struct raw_send r = raw_send_of(&ch, sizes[s], NULL_CAP);
        uint64_t x10 = time_raw_roundtrips(&ch, &r, w, n);
        char name[32], what[64];
        snprintf(name, sizeof(name), "lmp_roundtrip_%uw", (unsigned)sizes[s]);
        snprintf(what, sizeof(what), "LMP round trip, %u word%s, endpoint level",
                 (unsigned)sizes[s], sizes[s] > 1 ? "s" : "");
        report(name, what, "round trip", x10, n);
    }

    /* With a capability copied to the responder each time (it deletes it):
     * the capability transfer is always the C path. */
    struct capref frame;
    frame_alloc(&frame, 4096);
    struct raw_send withcap = raw_send_of(&ch, 1, frame);
    report("lmp_roundtrip_cap", "LMP round trip, 1 word and a capability, endpoint level",
           "round trip", time_raw_roundtrips(&ch, &withcap, w, n), n);

    /* One way: the responder takes its clock when it has the message and
     * subtracts ours, taken before the send (and the cost of a reading). */
    uint32_t ow[3] = { CMD_ONEWAY };
    uint32_t r[1] = { CMD_ONEWAY_RESULT };
    struct raw_send three = raw_send_of(&ch, 3, NULL_CAP);
    for (unsigned i = 0; i < warmup(n) + n; i++) {
        if (i == warmup(n)) {
            raw_roundtrip(&ch, &one, r);    /* drop the warm-up's sum */
        }
        uint64_t now = timing_now();
        ow[1] = (uint32_t)now;
        ow[2] = (uint32_t)(now >> 32);
        raw_roundtrip(&ch, &three, ow);
    }
    struct lmp_recv_msg m;
    lmp_ep_send_raw(one.word, one.ep, 0, r);
    while (err_is_fail(lmp_endpoint_recv(ch.endpoint, &m, NULL))) {
    }
    report("lmp_oneway", "LMP one way, 3 words, send to the receiver holding it",
           "message", (uint64_t)m.words[1] << 32 | m.words[0], n);

    /* Yield ping-pong: both domains yield (enabled) to each other. */
    uint32_t y[1] = { CMD_YIELD };
    lmp_ep_send_raw(one.word, one.ep, 0, y);
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
    raw_roundtrip(&ch, &one, w);            /* ends the responder's yielding */
    uint32_t q[1] = { CMD_QUIT };
    lmp_ep_send_raw(one.word, one.ep, 0, q);
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

static void bench_rpc(unsigned n)
{
    struct rpc_chan *rc = NULL;
    struct rpc_payload resp;
    if (err_is_fail(rpc_bind(lookup("benchrpc"), &rc))) {
        printf("bench: cannot bind to benchrpc\n");
        return;
    }

    struct rpc_payload req = { .nscalar = 1 };
    uint64_t t0 = 0;
    for (unsigned i = 0; i < warmup(n) + n; i++) {
        if (i == warmup(n)) {
            t0 = timing_now();
        }
        req.scalar[0] = i;
        rpc_echo(rc, &req, &resp);
    }
    uint64_t t1 = timing_now();
    report("rpc_roundtrip", "RPC round trip (one scalar each way, waitset server)",
           "call", timing_mean_x10(t0, t1, n), n);

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
    errval_t err = cap_invoke(capref_addr(l2), VNodeCmd_Map, 6, 0, capref_addr(frame),
                              CAP_LEVEL_L2, 0, 1, flags).err;
    return err ? err : cap_invoke(capref_addr(l2), VNodeCmd_Unmap, 2, 0, 1).err;
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

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "server") == 0) {
        return server();
    }
    unsigned n = argc > 2 ? (unsigned)atoi(argv[2]) : 10000;
    bool cycles = timing_init();
    printf("bench: clock is the %s, in %s; %u iterations each\n",
           cycles ? "cycle counter" : "timestamp counter (no working cycle counter)",
           timing_unit(), n);
    bench_syscalls(n);
    bench_lmp_raw(n);
    bench_lmp_chan(n);
    bench_rpc(n);
    bench_mapping(n);
    printf("bench: done\n");
    return 0;
}
