/*
 * tests/user/t_hostile -- a malicious client of the system's servers, written
 * against the RPC wire format (sys/rpc_wire.h) rather than the stubs
 * (docs/reliability.md, "Servers under attack").  Each mode is one attack
 * from issue 17 and checks, as TAP results, what the attacked server
 * answers; t_witness, running beside it, checks that everyone else is
 * still served.  Counts are arguments, so `make fuzz` can run them long.
 *
 *   t_hostile partial N   N channels to the memory server (only
 *                         RPC_SERVICE_CHANNELS_PER_CLIENT are granted),
 *                         on each the first message of a 4 MiB inline
 *                         RAM_CAP request; the same to init and the
 *                         serial driver: each refuses it at once
 *                         (LIB_ERR_RPC_TOO_LARGE) and then serves a
 *                         proper call on that channel
 *   t_hostile caps N      N requests carrying an unwanted capability to
 *                         each server: no server keeps one (their free
 *                         memory, which new slots would take, stays put)
 *   t_hostile channels N  N connections to the memory server: beyond
 *                         the limit refused with a named error
 *   t_hostile noread SERVER N HOLD_MS
 *                         N requests to SERVER (memserv, init, serial)
 *                         without reading an answer, then alive for
 *                         HOLD_MS: the server drops us and serves others
 *   t_hostile spawn N     N children (each "t_hostile sleep 50") asked
 *                         of init at once: CHILDREN_PER_DOMAIN (8) run,
 *                         the rest are refused by name
 *   t_hostile heap N      takes all but 4096 capability slots, then
 *                         grows its heap a MiB at a time (at most N):
 *                         malloc returns NULL before the slots run out
 *   t_hostile waits N     N PROCESS_WAIT requests for one domain on one
 *                         channel: one is kept, the rest refused
 *   t_hostile names N     N names registered: 4 kept, the rest refused;
 *                         run twice, the second run gets the same names
 *                         (the first's were forgotten when it ended)
 *   t_hostile deaf MS     registers a service and never reads what init
 *                         sends it (a DOMAIN_DIED notice per death), for
 *                         at least MS milliseconds and until it is the
 *                         last t_hostile: init gives up on it, says so
 *   t_hostile sleep MS    alive for MS milliseconds of virtual time
 *   t_hostile garbage N   N rounds of malformed messages to each server
 *                         (wrong methods, lying lengths, short and long
 *                         fragments, interleaved calls, a false PEER_DEAD
 *                         notice, capabilities where none belong); after
 *                         each, a proper call on the same channel works
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/disp.h>
#include <sys/invoke.h>
#include <sys/rpc.h>
#include <sys/rpc_service.h>
#include <systest.h>
#include <if/init.h>
#include <if/memserv.h>
#include <if/serial.h>

#define MIB             (1024u * 1024)
#define ANSWER_TRIES    2000    /* yields we wait for an answer that must come */

static uint16_t next_seq = 0x8000;      /* apart from the stubs' numbers */

/* A channel to service `name` (it exists: init started it before us). */
static struct rpc_chan *channel_to(const char *name, errval_t *err)
{
    struct rpc_chan *rc = NULL;
    *err = rpc_connect(name, &rc);
    return err_is_ok(*err) ? rc : NULL;
}

static void yield(void)
{
    thread_yield();
    sys_yield(CPTR_NULL);
}

/* ---- the wire, by hand -------------------------------------------------- */

/* One LMP message, not waiting for room. */
static errval_t send_raw(struct rpc_chan *rc, struct capref cap, uint32_t n,
                         const uint32_t *words)
{
    return lmp_chan_send(&rc->lc, LMP_FLAG_NONBLOCK, cap, n, words);
}

/* The first LMP message of a request announcing len payload bytes. */
static errval_t send_first(struct rpc_chan *rc, uint8_t method, uint16_t seq,
                           uint32_t nscalar, const uint32_t *scalars, uint32_t len,
                           struct capref cap)
{
    uint32_t w[LMP_MSG_WORDS] = { 0 };
    uint32_t inline_bytes = rpc_wire_first_capacity(nscalar);
    bool last = len <= inline_bytes;
    w[0] = RPC_HDR(method, RPC_KIND_REQUEST, 0, nscalar, seq) | (last ? RPC_HDR_LAST_BIT : 0);
    w[1] = len;
    memcpy(&w[RPC_FIRST_WORDS], scalars, 4 * nscalar);
    uint32_t payload_words = ((last ? len : inline_bytes) + 3) / 4;
    return send_raw(rc, cap, RPC_FIRST_WORDS + nscalar + payload_words, w);
}

/* The next answer on rc within `tries` yields: its error word (the
 * server's verdict), or LIB_ERR_LMP_NO_MESSAGE if none came.  Whatever
 * came with it is dropped. */
static errval_t await_answer(struct rpc_chan *rc, uint16_t seq, unsigned tries)
{
    struct rpc_reasm r;
    rpc_reasm_init(&r, malloc, free);
    for (unsigned i = 0; i < tries;) {
        struct lmp_recv_msg m;
        struct capref cap;
        if (err_is_fail(lmp_chan_recv(&rc->lc, &m, &cap))) {
            yield();
            i++;
            continue;
        }
        cap_destroy(cap);
        bool done = false;
        if (err_is_ok(rpc_wire_decode(&r, m.words, m.len, &done)) && done) {
            free(r.msg.bytes);
            if (r.msg.kind == RPC_KIND_RESPONSE && r.msg.seq == seq && r.msg.nscalar > 0) {
                return r.msg.scalar[0];
            }
        }
    }
    return LIB_ERR_LMP_NO_MESSAGE;
}

/* A proper call, by hand, bounded: RAM_CAP of bytes (memserv), GET_NAME
 * of ourselves (init), a write of nothing (serial). */
struct target {
    const char *name;
    uint8_t method;
    unsigned num_methods;               /* its handler table's length */
    uint32_t nscalar;
    uint32_t scalar[2];
    errval_t want;
};

static struct target targets[3];

static void targets_init(void)
{
    targets[0] = (struct target){ "memserv", RPC_RAM_CAP, RPC_MEMSERV_COUNT, 2, { 0, 4096 }, MM_ERR_BAD_REQUEST };
    targets[1] = (struct target){ "init", RPC_PROCESS_GET_NAME, RPC_INIT_COUNT, 1, { disp_domain_id() },
                                  SYS_ERR_OK };
    targets[2] = (struct target){ "serial", RPC_SERIAL_WRITE, RPC_SERIAL_COUNT, 0, { 0 }, SYS_ERR_OK };
}

static errval_t proper_call(struct rpc_chan *rc, const struct target *t, struct capref cap)
{
    uint16_t seq = next_seq++;
    errval_t err = send_first(rc, t->method, seq, t->nscalar, t->scalar, 0, cap);
    return err_is_fail(err) ? err : await_answer(rc, seq, ANSWER_TRIES);
}

/* Our channel to target t: a fresh one, or init's. */
static struct rpc_chan *open_target(const struct target *t)
{
    errval_t err = SYS_ERR_OK;
    struct rpc_chan *rc = strcmp(t->name, "init") == 0 ? get_init_rpc()
                                                       : channel_to(t->name, &err);
    if (rc == NULL) {
        DEBUG_ERR(err, "connecting to %s", t->name);
    }
    return rc;
}

/* ---- the attacks ---------------------------------------------------------- */

/* Issue 17, item 1: partly sent 4 MiB requests, on every channel we get. */
static void partial(int channels)
{
    struct capref none = NULL_CAP;
    int granted = 0, refused = 0, answered = 0;
    for (int i = 0; i < channels; i++) {
        errval_t err;
        struct rpc_chan *rc = channel_to("memserv", &err);
        if (rc == NULL) {
            refused += err == LIB_ERR_RPC_TOO_MANY_CHANNELS;
            continue;
        }
        granted++;
        uint16_t seq = next_seq++;
        uint32_t sc[2] = { 4096, 4096 };
        send_first(rc, RPC_RAM_CAP, seq, 2, sc, 4 * MIB, none);
        answered += await_answer(rc, seq, ANSWER_TRIES) == LIB_ERR_RPC_TOO_LARGE &&
                    proper_call(rc, &targets[0], none) == MM_ERR_BAD_REQUEST;
    }
    test_report(granted <= RPC_SERVICE_CHANNELS_PER_CLIENT && granted + refused == channels,
                "memserv grants %d of %d channels to one client, refuses the rest with "
                "LIB_ERR_RPC_TOO_MANY_CHANNELS", granted, channels);
    test_report(granted > 0 && answered == granted, "memserv refuses a half-sent 4 MiB "
                "request at once (LIB_ERR_RPC_TOO_LARGE) on each of %d channels, and the "
                "channel serves on", granted);
    for (unsigned t = 1; t < 3; t++) {
        struct rpc_chan *rc = open_target(&targets[t]);
        uint16_t seq = next_seq++;
        uint32_t sc[1] = { disp_domain_id() };
        send_first(rc, targets[t].method, seq, targets[t].nscalar, sc, 4 * MIB, none);
        errval_t err = await_answer(rc, seq, ANSWER_TRIES);
        test_report(err == LIB_ERR_RPC_TOO_LARGE &&
                    proper_call(rc, &targets[t], none) == targets[t].want,
                    "%s refuses a half-sent 4 MiB request at once (%s), and serves on",
                    targets[t].name, err_getcode(err));
    }
}

/* The memory numbers a capability kept by a server would move: each kept
 * one takes a slot, and every 256 slots a new CNode out of its RAM. */
static bool mem_numbers(size_t *memserv_free, size_t *init_free)
{
    size_t total;
    return err_is_ok(rpc_mem_info(get_init_rpc(), memserv_free, &total, init_free));
}

/* Issue 17, item 2: requests that carry a capability nobody asked for. */
static void caps(int n)
{
    struct capref ram;
    struct rpc_chan *rc[3];
    errval_t err = rpc_get_ram_cap(get_memserv_rpc(), 4096, 4096, &ram, NULL);
    for (unsigned t = 0; t < 3; t++) {
        rc[t] = open_target(&targets[t]);
    }
    if (err_is_fail(err) || !rc[0] || !rc[1] || !rc[2]) {
        DEBUG_ERR(err, "setting up");
        test_report(false, "capabilities with requests: set up");
        return;
    }
    size_t ms0, in0, ms1, in1;
    for (unsigned t = 0; t < 3; t++) {
        proper_call(rc[t], &targets[t], ram);          /* warm-up */
    }
    bool ok = mem_numbers(&ms0, &in0);
    for (int i = 0; i < n && ok; i++) {
        for (unsigned t = 0; t < 3; t++) {
            ok &= proper_call(rc[t], &targets[t], ram) == targets[t].want;
        }
    }
    test_report(ok, "%d requests with an unwanted capability to each of memserv, init "
                "and serial: every one answered", n);
    ok = ok && mem_numbers(&ms1, &in1);
    if (ok && (ms1 != ms0 || in1 != in0)) {
        printf("t_hostile: free memory moved: memory server %ld KiB, init %ld KiB\n",
               ((long)ms1 - (long)ms0) / 1024, ((long)in1 - (long)in0) / 1024);
    }
    test_report(ok && ms1 == ms0 && in1 == in0, "after them, the memory server and init "
                "have the free memory they had: no capability kept");
    cap_destroy(ram);
}

/* Issue 17, item 3: channels without end. */
static void channels(int n)
{
    int granted = 0;
    errval_t last = SYS_ERR_OK;
    for (int i = 0; i < n; i++) {
        struct rpc_chan *rc = channel_to("memserv", &last);
        granted += rc != NULL;
    }
    test_report(granted <= RPC_SERVICE_CHANNELS_PER_CLIENT &&
                (n <= RPC_SERVICE_CHANNELS_PER_CLIENT || last == LIB_ERR_RPC_TOO_MANY_CHANNELS),
                "%d connections to memserv: %d granted, then %s", n, granted,
                err_getcode(last));
}

/* Issue 17, item 4: a client that sends and never reads. */
static void sleep_ms(int ms);

static void noread(const char *server, int n, int hold_ms)
{
    const struct target *t = NULL;
    for (unsigned i = 0; i < 3; i++) {
        t = strcmp(targets[i].name, server) == 0 ? &targets[i] : t;
    }
    struct rpc_chan *rc = t ? open_target(t) : NULL;
    /* Our other channel: the one libsys made (a second fresh one could
     * be over the limit of channels per client). */
    struct rpc_chan *other = !t ? NULL : t->method == RPC_RAM_CAP ? get_memserv_rpc()
                             : t->method == RPC_SERIAL_WRITE ? get_serial_rpc() : NULL;
    if (rc == NULL) {
        test_report(false, "noread: no channel to %s", server ? server : "?");
        return;
    }
    /* A valid request each time; for memserv one that gets memory, so
     * that the answer brings a capability into our receive slot. */
    struct target ask = *t;
    if (ask.method == RPC_RAM_CAP) {
        ask.scalar[0] = 4096;
    }
    int sent = 0;
    for (int i = 0; i < n; i++) {
        if (err_is_fail(send_first(rc, ask.method, next_seq++, ask.nscalar, ask.scalar, 0,
                                   NULL_CAP))) {
            yield();                    /* its buffer is full: let it work */
            continue;
        }
        sent++;
    }
    printf("t_hostile: %d requests to %s, no answer read; holding on\n", sent, server);
    /* Alive for hold_ms of (virtual) time, yielding: a server still
     * trying to answer us would stall everyone that long. */
    sleep_ms(hold_ms);
    if (other) {
        /* Our other channel: the server must not be stuck on the first. */
        errval_t err = proper_call(other, t, NULL_CAP);
        test_report(err == t->want, "%s serves our other channel while we do not read "
                    "on the first (%s)", server, err_getcode(err));
    } else {
        test_report(sent > 0, "%d requests to %s, none of the answers read", sent, server);
    }
}

/* Malformed messages on rc, then a proper call: it must be answered. */
static bool garbage_round(struct rpc_chan *rc, const struct target *t, struct capref cap,
                          uint32_t r)
{
    uint32_t w[LMP_MSG_WORDS] = { 0 };
    uint32_t sc[2] = { r, r * 7 };
    /* An unknown method, and one past the table. */
    send_first(rc, 0xff, next_seq++, 0, sc, 0, NULL_CAP);
    send_first(rc, t->num_methods, next_seq++, 1, sc, 0, cap);
    /* A length that lies: says 100, brings the words of 8. */
    w[0] = RPC_HDR(t->method, RPC_KIND_REQUEST, 0, 0, next_seq++) | RPC_HDR_LAST_BIT;
    w[1] = 100;
    send_raw(rc, NULL_CAP, LMP_MSG_WORDS, w);
    /* A first message wanting fragments, then a fragment too long, one
     * skipped, one of another call, and a new call cutting in. */
    uint16_t s = next_seq++;
    send_first(rc, t->method, s, 0, sc, 200, NULL_CAP);
    w[0] = RPC_HDR(t->method, RPC_KIND_FRAG, 0, 1, s);
    send_raw(rc, NULL_CAP, LMP_MSG_WORDS, w);
    w[0] = RPC_HDR(t->method, RPC_KIND_FRAG, 0, 3, s) | RPC_HDR_LAST_BIT;
    send_raw(rc, NULL_CAP, 2, w);
    w[0] = RPC_HDR(t->method, RPC_KIND_FRAG, 0, 1, s + 1);
    send_raw(rc, cap, LMP_MSG_WORDS, w);
    send_first(rc, t->method, next_seq++, 0, sc, 200, NULL_CAP);
    /* A fragment with nothing in progress, a false PEER_DEAD notice, a
     * response where requests belong, and an empty message. */
    w[0] = RPC_HDR(t->method, RPC_KIND_FRAG, 0, 1, 0) | RPC_HDR_LAST_BIT;
    send_raw(rc, NULL_CAP, 1, w);
    w[0] = RPC_HDR(0, RPC_KIND_PEER_DEAD, 0, 0, 0) | RPC_HDR_LAST_BIT;
    w[1] = disp_domain_id();
    send_raw(rc, NULL_CAP, 2, w);
    w[0] = RPC_HDR(t->method, RPC_KIND_RESPONSE, 0, 0, next_seq++) | RPC_HDR_LAST_BIT;
    w[1] = 0;
    send_raw(rc, cap, 2, w);
    send_raw(rc, NULL_CAP, 0, w);
    /* The refusals' answers are not read: proper_call skips them. */
    return proper_call(rc, t, NULL_CAP) == t->want;
}

static void garbage(int n)
{
    struct capref ram;
    errval_t err = rpc_get_ram_cap(get_memserv_rpc(), 4096, 4096, &ram, NULL);
    for (unsigned t = 0; t < 3 && err_is_ok(err); t++) {
        struct rpc_chan *rc = open_target(&targets[t]);
        int ok = 0;
        for (int i = 0; rc && i < n; i++) {
            ok += garbage_round(rc, &targets[t], ram, (uint32_t)i);
        }
        test_report(ok == n, "%s: %d rounds of malformed messages, each followed by a "
                    "proper call that is answered (%d were)", targets[t].name, n, ok);
    }
    cap_destroy(ram);
}

/* Children without end: only so many may run at once. */
static void spawn_many(int n)
{
    int started = 0;
    errval_t err = SYS_ERR_OK;
    for (int i = 0; i < n; i++) {
        uint32_t id;
        err = rpc_process_spawn(get_init_rpc(), "t_hostile", "sleep 50", &id);
        started += err_is_ok(err);
    }
    test_report(started == (n < 8 ? n : 8) && (n <= 8 || err == SPAWN_ERR_TOO_MANY_CHILDREN),
                "%d children asked for: %d started, then %s", n, started, err_getcode(err));
}

/* Does another t_hostile domain run (PROCESS_LIST's "id name" lines)? */
static bool others_running(void)
{
    char *list = NULL;
    unsigned n = 0;
    if (err_is_ok(rpc_process_list(get_init_rpc(), &list))) {
        for (char *p = list; (p = strstr(p, " t_hostile\n")) != NULL; p++) {
            n++;
        }
    }
    free(list);
    return n > 1;                       /* we are one of them */
}

/* A service that never reads its control channel: init's notices to it
 * (DOMAIN_DIED, when any domain ends) must not stop init.  Its ring is
 * the smallest there is, so that a few deaths fill it. */
static void deaf_service(int hold_ms)
{
    static struct lmp_chan ctl;
    struct capref init_ep;
    errval_t err = lmp_chan_accept(&ctl, 1, NULL_CAP);
    if (err_is_ok(err)) {
        err = rpc_service_register(get_init_rpc(), "deaf", ctl.local_cap, &init_ep);
    }
    test_report(err_is_ok(err), "a service registered that will never read (%s)",
                err_getcode(err));
    /* Deaf while the other attackers' domains die (their deaths are the
     * notices): a time alone would depend on how fast they run. */
    sleep_ms(hold_ms);
    while (others_running()) {
        sleep_ms(10);
    }
}

/* PROCESS_WAIT sent again and again for one domain (ourselves) without
 * waiting for the answers: init keeps one, refuses the rest. */
static void waits(int n)
{
    struct rpc_chan *rc = get_init_rpc();
    uint32_t sc[1] = { disp_domain_id() };
    int busy = 0;
    for (int i = 0; i < n; i++) {
        uint16_t seq = next_seq++;
        send_first(rc, RPC_PROCESS_WAIT, seq, 1, sc, 0, NULL_CAP);
        busy += await_answer(rc, seq, i == 0 ? 50 : ANSWER_TRIES) == LIB_ERR_RPC_BUSY;
    }
    test_report(busy == n - 1, "%d waits for one domain from one client: one kept, %d "
                "refused with LIB_ERR_RPC_BUSY", n, busy);
}

/* Names without end: NAMES_PER_DOMAIN (4) are kept, and forgotten when we
 * end (a later run registers the same names). */
static void names(int n)
{
    int kept = 0;
    errval_t err = SYS_ERR_OK;
    for (int i = 0; i < n; i++) {
        char name[24];
        snprintf(name, sizeof(name), "hostile%d", i);
        err = rpc_name_register(get_init_rpc(), name, get_init_rpc()->lc.local_cap);
        kept += err_is_ok(err);
    }
    test_report(kept == (n < 4 ? n : 4) && (n <= 4 || err == LIB_ERR_NAME_LIMIT),
                "%d names registered by one domain: %d kept, then %s", n, kept,
                err_getcode(err));
}

/* The heap grown a MiB at a time, every page touched, until malloc says
 * no: it must say so (NULL) before the slot allocator -- one slot per
 * heap page -- runs dry under the page-fault handler (a fault).  First
 * most slots are taken (as a server's would be by capabilities it
 * holds), so that slots, not RAM, run out first. */
#define HEAP_SLOTS_LEFT 4096
static void heap_until_refused(int max_mib)
{
    struct capref slot;
    while (slot_alloc_capacity() > HEAP_SLOTS_LEFT && err_is_ok(slot_alloc(&slot))) {
    }
    int mib = 0;
    for (; mib < max_mib; mib++) {
        volatile uint8_t *p = malloc(MIB);
        if (p == NULL) {
            break;
        }
        for (uint32_t i = 0; i < MIB; i += 4096) {
            p[i] = (uint8_t)mib;
        }
    }
    test_report(mib < max_mib, "the heap grew to %d MiB, then malloc returned NULL (no "
                "fault), with %u slots left", mib, (unsigned)slot_alloc_free_count());
}

/* Alive for ms of virtual time, then exit. */
static void sleep_ms(int ms)
{
    uint32_t hz = 0;
    sys_timestamp_source(&hz);
    uint64_t until = sys_timestamp(NULL) + (uint64_t)ms * (hz / 1000);
    while (sys_timestamp(NULL) < until) {
        yield();
    }
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    int n = argc > 2 ? atoi(argv[2]) : 1;
    targets_init();
    /* Our channel to the serial driver, made now through init: once init
     * has dropped us (noread init) we could make none. */
    printf("t_hostile: %s\n", mode);
    if (strcmp(mode, "partial") == 0) {
        partial(n);
    } else if (strcmp(mode, "caps") == 0) {
        caps(n);
    } else if (strcmp(mode, "channels") == 0) {
        channels(n);
    } else if (strcmp(mode, "noread") == 0 && argc > 4) {
        noread(argv[2], atoi(argv[3]), atoi(argv[4]));
    } else if (strcmp(mode, "garbage") == 0) {
        garbage(n);
    } else if (strcmp(mode, "heap") == 0) {
        heap_until_refused(n);
    } else if (strcmp(mode, "waits") == 0) {
        waits(n);
    } else if (strcmp(mode, "names") == 0) {
        names(n);
    } else if (strcmp(mode, "deaf") == 0) {
        deaf_service(n);
    } else if (strcmp(mode, "spawn") == 0) {
        spawn_many(n);
    } else if (strcmp(mode, "sleep") == 0) {
        sleep_ms(n);
    } else {
        printf("usage: t_hostile partial|caps|channels|garbage|heap|spawn|waits|names|deaf|sleep N | noread SERVER N HOLD_MS\n");
        return 1;
    }
    return 0;
}
