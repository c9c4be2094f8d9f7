/*
 * tests/user/t_rpc -- the RPC layer and the client API end to end.
 *
 *   t_rpc api          every call of the client API against init, the
 *                      memory server and the serial driver; strings and
 *                      byte buffers of 0, 1, one LMP payload exactly, one
 *                      more byte, 4 KiB and 1 MiB (and random lengths),
 *                      checked byte for byte; two threads on one channel
 *   t_rpc stress N     N calls to the "rpctest" service with sequence
 *                      numbers, ECHO and PING in turn (t_rpcsrv checks them
 *                      on its side); then the fixed layout's odd cases,
 *                      and those of a capability in the answer
 *   t_rpc die          sends the first half of a request to "rpctest",
 *                      takes memory from the memory server, and faults
 *   t_rpc die-reply    sends more requests than its buffer holds answers
 *                      to, and faults while "rpctest" is stuck sending
 *   t_rpc die-memserv  sends half a request to the memory server, faults
 *   t_rpc server-dies  calls "rpcdie", which faults in the middle of the
 *                      call: the call must end with LIB_ERR_RPC_PEER_DEAD
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/rpc.h>
#include <rpctest.h>
#include <systest.h>
#include <if/init.h>
#include <if/memserv.h>
#include <if/serial.h>

#define MIB (1024u * 1024)

static uint32_t rng = 12345;
static uint32_t rnd(void)               /* a fixed sequence: runs repeat */
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

/* A service's channel; it may not have registered yet. */
static struct rpc_chan *connect_to(const char *name)
{
    struct rpc_chan *rc = NULL;
    errval_t err;
    while ((err = rpc_connect(name, &rc)) == LIB_ERR_NAME_NOT_FOUND) {
        thread_yield();
        sys_yield(CPTR_NULL);
    }
    if (err_is_fail(err)) {
        DEBUG_ERR(err, "connecting to %s", name);
    }
    return rc;
}

static void fill(uint8_t *buf, uint32_t len, bool text)
{
    for (uint32_t i = 0; i < len; i++) {
        buf[i] = text ? (uint8_t)(' ' + rnd() % 95) : (uint8_t)rnd();
    }
}

/* Raw payloads: nscalar scalars and len bytes, echoed by init. */
static bool echo_bytes(struct rpc_chan *rc, uint32_t nscalar, uint32_t len)
{
    uint8_t *buf = malloc(len + 1);
    struct rpc_payload req = { .nscalar = nscalar, .bytes = buf, .len = len };
    struct rpc_payload resp;
    fill(buf, len, false);
    for (uint32_t i = 0; i < nscalar; i++) {
        req.scalar[i] = rnd();
    }
    errval_t err = rpc_echo(rc, &req, &resp);
    bool ok = err_is_ok(err) && resp.len == len && resp.nscalar == nscalar &&
              memcmp(resp.scalar, req.scalar, nscalar * 4) == 0 &&
              (len == 0 || memcmp(resp.bytes, buf, len) == 0);
    rpc_payload_free(&resp);
    free(buf);
    return ok;
}

/* A string through the typed stubs, there and back. */
static bool echo_string(uint32_t len)
{
    char *s = malloc(len + 1);
    char *back = NULL;
    fill((uint8_t *)s, len, true);
    s[len] = '\0';
    errval_t err = rpc_test_echo_string(get_init_rpc(), s, &back);
    bool ok = err_is_ok(err) && back && strlen(back) == len && memcmp(back, s, len) == 0;
    if (!ok) {
        printf("t_rpc: string of %u bytes: %s, got %u bytes\n", (unsigned)len,
               err_getcode(err), back ? (unsigned)strlen(back) : 0);
    }
    free(back);
    free(s);
    return ok;
}

static void payload_sizes(struct rpc_chan *init)
{
    /* The first LMP message of a request holds 4 * (10 - 2 - nscalar)
     * payload bytes (rpc_wire.h): 32 with no scalars (a string request),
     * 24 with two; each further fragment 36.  Sizes around both edges,
     * around the frame threshold, 4 KiB and 1 MiB. */
    const uint32_t t = RPC_FRAME_THRESHOLD_DEFAULT;
    uint32_t sizes[] = { 0, 1, 32, 33, 68, 69, t, t + 1, 4096, MIB };
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        test_report(echo_string(sizes[i]),
                    "string of %u bytes there and back, byte for byte", (unsigned)sizes[i]);
    }
    uint32_t raw[] = { 0, 1, 23, 24, 25, 60, 61, t, t + 1, 4096, 65536, MIB };
    for (unsigned i = 0; i < sizeof(raw) / sizeof(raw[0]); i++) {
        test_report(echo_bytes(init, 2, raw[i]),
                    "raw payload of 2 scalars and %u bytes comes back byte for byte",
                    (unsigned)raw[i]);
    }
    bool ok = true;
    unsigned n = 0;
    for (; n < 200 && ok; n++) {
        uint32_t len = rnd() % (n < 150 ? 300 : 20000);
        /* A response carries one scalar more: the server's error. */
        ok = echo_bytes(init, rnd() % RPC_MAX_SCALARS, len) && echo_string(len);
    }
    test_report(ok, "%u random lengths and contents come back byte for byte", n);
    /* An answer that cannot be sent: the caller is told, not left waiting. */
    struct rpc_payload full = { .nscalar = RPC_MAX_SCALARS }, resp;
    TEST_ERR(rpc_echo(init, &full, &resp), LIB_ERR_RPC_TOO_LARGE);
    rpc_payload_free(&resp);
    test_report(echo_bytes(init, 1, 100), "the channel works on after that");
}

/* Two threads on one channel: each call waits for the one in flight and
 * gets its own answer. */
#define CALLS_PER_THREAD 200
static int same_channel_caller(void *arg)
{
    int bad = 0;
    for (uint32_t i = 0; i < CALLS_PER_THREAD; i++) {
        struct rpc_payload req = { .nscalar = 2, .scalar = { (uint32_t)(uintptr_t)arg, i } };
        struct rpc_payload resp;
        errval_t err = rpc_echo(get_init_rpc(), &req, &resp);
        bad += err_is_fail(err) || resp.nscalar != 2 ||
               resp.scalar[0] != (uint32_t)(uintptr_t)arg || resp.scalar[1] != i;
        rpc_payload_free(&resp);
    }
    return bad;
}

static void two_threads_one_channel(void)
{
    struct thread *t1 = thread_create(same_channel_caller, (void *)1);
    struct thread *t2 = thread_create(same_channel_caller, (void *)2);
    int bad1 = 1, bad2 = 1;
    thread_join(t1, &bad1);
    thread_join(t2, &bad2);
    test_report(bad1 == 0 && bad2 == 0,
                "two threads, %d calls each on one channel: every answer to its caller",
                CALLS_PER_THREAD);
}

static void memory_server(void)
{
    struct capref ram;
    size_t got = 0;
    TEST_ERR(rpc_get_ram_cap(get_memserv_rpc(), 64 * 1024, 4096, &ram, &got), SYS_ERR_OK);
    struct capability_info info;
    test_report(err_is_ok(cap_identify(ram, &info)) && info.type == ObjType_RAM &&
                info.bytes == 64 * 1024 && got == 64 * 1024,
                "rpc_get_ram_cap returns a RAM capability of the size asked for");
    TEST_ERR(rpc_get_ram_cap(get_memserv_rpc(), 5000, 1, &ram, &got), SYS_ERR_OK);
    test_report(got == 8192, "a request is rounded up to whole pages: %u", (unsigned)got);
    TEST_ERR(rpc_get_ram_cap(get_memserv_rpc(), 0, 4096, &ram, NULL), MM_ERR_BAD_REQUEST);
    TEST_ERR(rpc_get_ram_cap(get_memserv_rpc(), 4096, 3, &ram, NULL), MM_ERR_BAD_REQUEST);
    TEST_ERR(rpc_get_ram_cap(get_memserv_rpc(), 4096, 48 * 1024, &ram, NULL),
             MM_ERR_BAD_REQUEST);
    TEST_ERR(rpc_get_ram_cap(get_memserv_rpc(), 0xfffff001u, 4096, &ram, NULL),
             MM_ERR_BAD_REQUEST);
    size_t ms_free = 0, ms_total = 0, init_free = 0;
    TEST_ERR(rpc_mem_info(get_init_rpc(), &ms_free, &ms_total, &init_free), SYS_ERR_OK);
    test_report(ms_free > 0 && ms_free < ms_total && init_free > 0,
                "rpc_mem_info: memory server %u of %u KiB free, init %u KiB",
                (unsigned)(ms_free >> 10), (unsigned)(ms_total >> 10),
                (unsigned)(init_free >> 10));
    /* Only init may use the control methods: on a client channel they do
     * not exist. */
    TEST_ERR(rpc_mem_stats(get_memserv_rpc(), NULL, NULL, NULL), LIB_ERR_RPC_UNKNOWN_METHOD);
    TEST_ERR(rpc_serial_set_foreground(get_serial_rpc(), disp_domain_id()),
             LIB_ERR_RPC_UNKNOWN_METHOD);
    TEST_ERR(rpc_serial_set_home(get_serial_rpc(), disp_domain_id()),
             LIB_ERR_RPC_UNKNOWN_METHOD);
}

static void serial(void)
{
    /* Both characters first: a result line in between would be cut. */
    errval_t e1 = rpc_serial_putchar(get_serial_rpc(), '+');
    errval_t e2 = rpc_serial_putchar(get_serial_rpc(), '\n');
    TEST_ERR(e1, SYS_ERR_OK);
    TEST_ERR(e2, SYS_ERR_OK);
    TEST_ERR(rpc_serial_write(get_serial_rpc(), "t_rpc: serial write\n", 20), SYS_ERR_OK);
    char c;
    TEST_ERR(rpc_serial_getchar(get_serial_rpc(), &c), SERIAL_ERR_NOT_FOREGROUND);
    uint32_t id;
    TEST_ERR(rpc_serial_interrupt_wait(get_serial_rpc(), &id), SERIAL_ERR_NOT_INIT);
    test_report(getchar() == EOF, "stdin of a background domain is at its end");
}

static void processes(struct rpc_chan *init)
{
    uint32_t id = 0;
    TEST_ERR(rpc_process_spawn(init, "hello", "spawned by rpc", &id), SYS_ERR_OK);
    char *name = NULL, *list = NULL;
    TEST_ERR(rpc_process_get_name(init, id, &name), SYS_ERR_OK);
    test_report(name && strcmp(name, "hello") == 0, "rpc_process_get_name: %s", name ? name : "?");
    free(name);
    TEST_ERR(rpc_process_get_name(init, 1, &name), SYS_ERR_OK);
    test_report(name && strcmp(name, "init") == 0, "domain 1 is init");
    free(name);
    TEST_ERR(rpc_process_list(init, &list), SYS_ERR_OK);
    test_report(list && strstr(list, "1 init\n") && strstr(list, " t_rpc\n") &&
                strstr(list, " memserv\n") && strstr(list, " serial\n"),
                "rpc_process_list names init, the services and us");
    free(list);
    int status = -1;
    TEST_ERR(rpc_process_wait(init, id, &status), SYS_ERR_OK);
    test_report(status == 0, "rpc_process_wait: the spawned domain exited with 0");
    TEST_ERR(rpc_process_wait(init, id, &status), SPAWN_ERR_DOMAIN_NOT_FOUND);
    TEST_ERR(rpc_process_spawn(init, "no_such_module", "", &id), LIB_ERR_SPAWN_NO_MODULE);
    TEST_ERR(rpc_process_spawn(init, "", "", &id), LIB_ERR_SPAWN_ARGS);
    TEST_ERR(rpc_process_get_name(init, 999, &name), SPAWN_ERR_DOMAIN_NOT_FOUND);
    /* The shell's methods: giving a domain the terminal and stopping any
     * domain are the shell's alone (a test image has no shell). */
    TEST_ERR(rpc_process_run(init, 0, "hello", "", &id), SPAWN_ERR_NOT_SHELL);
    TEST_ERR(rpc_process_kill(init, 2), SPAWN_ERR_NOT_KILLABLE);
    TEST_ERR(rpc_process_ps(init, &list), SYS_ERR_OK);
    test_report(list && strstr(list, "1 running ") && strstr(list, " init\n") &&
                strstr(list, " t_rpc\n") && strstr(list, " KiB") == NULL,
                "rpc_process_ps: a line per domain, init running");
    free(list);
    list = NULL;
    TEST_ERR(rpc_process_modules(init, &list), SYS_ERR_OK);
    test_report(list && strstr(list, "hello ") && strstr(list, "bootlist") == NULL,
                "rpc_process_modules: the modules, not the boot list");
    free(list);
}

static void names(struct rpc_chan *init)
{
    struct capref ep, got;
    struct lmp_chan ch;
    lmp_chan_accept(&ch, 64, NULL_CAP);
    ep = ch.local_cap;
    TEST_ERR(rpc_name_lookup(init, "no such name", &got), LIB_ERR_NAME_NOT_FOUND);
    TEST_ERR(rpc_name_register(init, "t_rpc.ep", ep), SYS_ERR_OK);
    TEST_ERR(rpc_name_register(init, "t_rpc.ep", ep), LIB_ERR_NAME_IN_USE);
    TEST_ERR(rpc_name_lookup(init, "t_rpc.ep", &got), SYS_ERR_OK);
    struct capability_info a, b;
    cap_identify(ep, &a);
    test_report(err_is_ok(cap_identify(got, &b)) && b.type == ObjType_EndPoint &&
                a.base == b.base, "rpc_name_lookup returns the endpoint registered");
    struct rpc_chan *rc;
    TEST_ERR(rpc_connect("no such service", &rc), LIB_ERR_NAME_NOT_FOUND);
    /* A service's control endpoint is not for anyone else. */
    TEST_ERR(rpc_name_lookup(init, "memserv", &got), LIB_ERR_NAME_NOT_FOUND);
}

/* Malformed requests are refused with a named error, and the channel
 * goes on working. */
static void bad_requests(struct rpc_chan *init)
{
    struct rpc_payload req = { .nscalar = 3, .scalar = { 1, 2, 3 } }, resp;
    TEST_ERR(rpc_call(init, RPC_PROCESS_GET_NAME, &req, &resp), LIB_ERR_RPC_BAD_MESSAGE);
    rpc_payload_free(&resp);
    /* Two strings whose length word points past the payload. */
    req = (struct rpc_payload){ .nscalar = 1, .scalar = { 1000 }, .bytes = (uint8_t *)"ab",
                                .len = 2 };
    TEST_ERR(rpc_call(init, RPC_PROCESS_SPAWN, &req, &resp), LIB_ERR_RPC_BAD_MESSAGE);
    rpc_payload_free(&resp);
    req = (struct rpc_payload){ 0 };
    TEST_ERR(rpc_call(init, RPC_INIT_COUNT + 3, &req, &resp), LIB_ERR_RPC_UNKNOWN_METHOD);
    rpc_payload_free(&resp);
    /* Each server's table is as long as its own interface: the first
     * number past it, and a number only another interface has (init's
     * last method, past the memory server's table), are unknown. */
    TEST_ERR(rpc_call(init, RPC_INIT_COUNT, &req, &resp), LIB_ERR_RPC_UNKNOWN_METHOD);
    rpc_payload_free(&resp);
    TEST_ERR(rpc_call(get_memserv_rpc(), RPC_MEMSERV_COUNT, &req, &resp),
             LIB_ERR_RPC_UNKNOWN_METHOD);
    rpc_payload_free(&resp);
    TEST_ERR(rpc_call(get_memserv_rpc(), RPC_INIT_COUNT - 1, &req, &resp),
             LIB_ERR_RPC_UNKNOWN_METHOD);
    rpc_payload_free(&resp);
    TEST_ERR(rpc_call(get_serial_rpc(), RPC_SERIAL_COUNT, &req, &resp),
             LIB_ERR_RPC_UNKNOWN_METHOD);
    rpc_payload_free(&resp);
    TEST_ERR(rpc_send_number(init, 7), SYS_ERR_OK);
}

static int api(void)
{
    struct rpc_chan *init = get_init_rpc();
    TEST_ERR(rpc_send_number(init, 42), SYS_ERR_OK);
    TEST_ERR(rpc_send_string(init, "hello, init"), SYS_ERR_OK);
    TEST_ERR(rpc_send_string(init, ""), SYS_ERR_OK);
    memory_server();                /* before big payloads take our quota */
    payload_sizes(init);
    two_threads_one_channel();
    serial();
    processes(init);
    names(init);
    bad_requests(init);
    return 0;
}

/* Threads pinging one channel: the generated stub takes the channel's
 * lock as rpc_call does, and each answer reaches its caller. */
static int same_channel_pinger(void *arg)
{
    struct rpc_chan *rc = arg;
    int bad = 0;
    for (uint32_t i = 0; i < CALLS_PER_THREAD; i++) {
        uint32_t v = RPCTEST_PING_UNCOUNTED | (uint32_t)thread_count() << 16 | i, echo = 0;
        bad += rpc_ping(rc, v, &echo) != SYS_ERR_OK || echo != v;
    }
    return bad;
}

/*
 * The fixed layout (docs/rpc.md, section 3) where it leaves the common
 * case: an error with the answer, a deferred answer, a request and an
 * answer of the wrong shape, an error that comes without scalars, a
 * channel that keeps a frame from a large message, two threads.
 */
static void fixed_layout(struct rpc_chan *rc)
{
    uint32_t v = 0;
    size_t a, b, c;
    TEST_ERR(rpc_ping(rc, RPCTEST_PING_REFUSE, &v), LIB_ERR_NOT_IMPLEMENTED);
    TEST_ERR(rpc_ping(rc, RPCTEST_PING_LATER, &v), SYS_ERR_OK);
    test_report(v == RPCTEST_PING_LATER + 1, "a deferred PING answered by rpc_ping_reply");
    struct rpc_payload req = { .nscalar = 2 }, resp;
    TEST_ERR(rpc_call(rc, RPC_PING, &req, &resp), LIB_ERR_RPC_BAD_MESSAGE);
    rpc_payload_free(&resp);
    TEST_ERR(rpc_mem_info(rc, &a, &b, &c), LIB_ERR_RPC_BAD_MESSAGE);
    TEST_ERR(rpc_ping(get_memserv_rpc(), 1, &v), LIB_ERR_RPC_UNKNOWN_METHOD);
    /* A large echo leaves a frame kept on both sides: the next fixed call
     * and its answer go the general way, and release it. */
    static uint8_t big[2 * RPC_FRAME_THRESHOLD_DEFAULT];
    req = (struct rpc_payload){ .nscalar = 0, .bytes = big, .len = sizeof(big) };
    TEST_ERR(rpc_echo(rc, &req, &resp), SYS_ERR_OK);
    rpc_payload_free(&resp);
    v = 0;
    TEST_ERR(rpc_ping(rc, RPCTEST_PING_UNCOUNTED | 5, &v), SYS_ERR_OK);
    TEST_ERR(rpc_ping(rc, RPCTEST_PING_UNCOUNTED | 6, &v), SYS_ERR_OK);
    test_report(v == (RPCTEST_PING_UNCOUNTED | 6), "PING after a large message, both ways");
    struct thread *t1 = thread_create(same_channel_pinger, rc);
    struct thread *t2 = thread_create(same_channel_pinger, rc);
    int bad1 = 1, bad2 = 1;
    thread_join(t1, &bad1);
    thread_join(t2, &bad2);
    test_report(bad1 == 0 && bad2 == 0,
                "two threads, %d PINGs each on one channel: every answer to its caller",
                CALLS_PER_THREAD);
}

/*
 * rpc_get_ram_cap's stub (rpc_call_fixed_cap, docs/rpc.md section 6)
 * where it leaves the common case -- answers of the wrong shape from
 * "rpctest" (rpctest.h): without the capability, with two scalars, an
 * error that brings one -- each named, and the capability that came
 * deleted (no slot lost); the right shape with the capability asked for
 * or not.  `how` says which path: alone (read in place) or beside a
 * second thread (the channel's lock, the general receive).
 */
static void fixed_cap_answers(struct rpc_chan *rc, const char *how)
{
    struct capref cap = NULL_CAP;
    struct capability_info info = { 0 };
    size_t bytes = 0;
    uint32_t slots = slot_alloc_free_count();
    errval_t e1 = rpc_get_ram_cap(rc, RPCTEST_RAM_NO_CAP, 0, &cap, &bytes);
    errval_t e2 = rpc_get_ram_cap(rc, RPCTEST_RAM_TWO, 0, &cap, &bytes);
    errval_t e3 = rpc_get_ram_cap(rc, RPCTEST_RAM_ERR_CAP, 0, &cap, &bytes);
    errval_t e4 = rpc_get_ram_cap(rc, RPCTEST_RAM_OK, 0, NULL, NULL);
    test_report(e1 == LIB_ERR_RPC_BAD_MESSAGE && e2 == LIB_ERR_RPC_BAD_MESSAGE &&
                e3 == LIB_ERR_NOT_IMPLEMENTED && e4 == SYS_ERR_OK &&
                capref_is_null(cap) && bytes == 0 && slot_alloc_free_count() == slots,
                "rpc_get_ram_cap, %s: an answer without its capability, with two scalars "
                "(%s, %s), an error with one (%s), one not asked for: %u slots free before, "
                "%u after", how, err_getcode(e1), err_getcode(e2), err_getcode(e3),
                (unsigned)slots, (unsigned)slot_alloc_free_count());
    TEST_ERR(rpc_get_ram_cap(rc, RPCTEST_RAM_OK, 0, &cap, &bytes), SYS_ERR_OK);
    test_report(err_is_ok(cap_identify(cap, &info)) && info.type == ObjType_EndPoint &&
                bytes == 4096, "rpc_get_ram_cap, %s: the capability (type %u) and the "
                "scalar (%u) of the right shape", how, (unsigned)info.type, (unsigned)bytes);
    cap_destroy(cap);
}

static volatile bool beside_stop;

static int beside(void *arg)
{
    (void)arg;
    while (!beside_stop) {
        thread_yield();
    }
    return 0;
}

static int stress(int n)
{
    struct rpc_chan *rc = connect_to("rpctest");
    int bad = 0;
    for (int i = 0; i < n && rc; i++) {
        struct rpc_payload req = { .nscalar = 2, .scalar = { (uint32_t)i, disp_domain_id() } };
        struct rpc_payload resp;
        errval_t err;
        if (i % 2) {                    /* the generated stub, the typed handler */
            uint32_t echo = 0;
            err = rpc_ping(rc, (uint32_t)i, &echo);
            resp = (struct rpc_payload){ .nscalar = 2, .scalar = { echo, disp_domain_id() } };
        } else {
            err = rpc_echo(rc, &req, &resp);
        }
        if (err_is_fail(err) || resp.nscalar != 2 || resp.scalar[0] != (uint32_t)i ||
            resp.scalar[1] != disp_domain_id()) {
            if (bad++ < 3) {
                printf("t_rpc: call %d: %s, got %u\n", i, err_getcode(err),
                       (unsigned)resp.scalar[0]);
            }
        }
        rpc_payload_free(&resp);
    }
    if (rc) {
        fixed_layout(rc);
        fixed_cap_answers(rc, "alone");
        struct thread *t = thread_create(beside, NULL);
        fixed_cap_answers(rc, "beside a second thread");
        beside_stop = true;
        thread_join(t, NULL);
        rpc_send_number(rc, (uint32_t)n);       /* we are done: how many calls */
    }
    return test_report(rc && bad == 0, "%d RPCs with sequence numbers: each answer the "
                       "one to its call", n) ? 0 : 1;
}

/* The first LMP message of a request with more to come, and nothing more. */
static void send_half(struct rpc_chan *rc, unsigned m)
{
    char buf[100] = { 0 };
    struct rpc_msg msg = { .method = m, .kind = RPC_KIND_REQUEST, .seq = 1,
                           .bytes = (uint8_t *)buf, .len = sizeof(buf) };
    uint32_t words[LMP_MSG_WORDS];
    uint32_t n = rpc_wire_encode(&msg, 0, words);
    lmp_chan_send(&rc->lc, LMP_FLAG_NONBLOCK, NULL_CAP, n, words);
}

static void __attribute__((noreturn)) fault(void)
{
    *(volatile int *)0 = 0;
    for (;;) {
    }
}

static int die(const char *how)
{
    struct capref ram;
    rpc_get_ram_cap(get_memserv_rpc(), MIB, 4096, &ram, NULL);    /* held when we die */
    if (strcmp(how, "die-memserv") == 0) {
        send_half(get_memserv_rpc(), RPC_RAM_CAP);
        fault();
    }
    struct rpc_chan *rc = connect_to("rpctest");
    if (rc && strcmp(how, "die") == 0) {
        send_half(rc, RPC_ECHO);
    } else if (rc) {
        /* Requests without waiting for the answers: seven words each in
         * our endpoint's ring, which holds 36 of them; the server answers
         * as the requests come and is stuck at the 37th when we die.
         * (Three scalars: two would count as stress calls in t_rpcsrv.) */
        for (uint16_t seq = 1; seq <= 60; seq++) {
            struct rpc_payload req = { .nscalar = 3, .scalar = { seq, 0, 0 } };
            rpc_send(rc, RPC_ECHO, RPC_KIND_REQUEST, seq, &req);
        }
    }
    fault();
}

static int server_dies(void)
{
    struct rpc_chan *rc = connect_to("rpcdie");
    struct rpc_payload req = { .nscalar = 1, .scalar = { 1 } }, resp;
    TEST_ERR(rpc_echo(rc, &req, &resp), LIB_ERR_RPC_PEER_DEAD);
    TEST_ERR(rpc_echo(rc, &req, &resp), LIB_ERR_RPC_PEER_DEAD);
    struct rpc_chan *again;
    TEST_ERR(rpc_connect("rpcdie", &again), LIB_ERR_NAME_NOT_FOUND);
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "api";
    if (strcmp(mode, "stress") == 0) {
        return stress(argc > 2 ? atoi(argv[2]) : 1000);
    }
    if (strncmp(mode, "die", 3) == 0) {
        return die(mode);
    }
    if (strcmp(mode, "server-dies") == 0) {
        return server_dies();
    }
    return api();
}
