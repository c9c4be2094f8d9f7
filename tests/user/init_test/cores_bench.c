/*
 * tests/user/init_test/cores_bench.c -- "@umpbench N" in a boot list: the
 * UMP rows of `make bench`, measured by the boot core's init against core
 * 1's init over their channel (user/sys/init/cores.c; docs/multikernel.md
 * section 5, docs/lmp.md's table).  Printed in tests/bench's format,
 *     BENCH <name> <value> <unit> n=<n>
 * so scripts/bench.py lists them beside the same-core LMP figures.
 *
 * rpc_roundtrip_xcore: a scalar RPC (ECHO of one word) from this init to
 * core 1's over cores_rpc, as rpc_roundtrip is on one core; both inits
 * sleep between messages, as they do in the system.
 *
 * One-way figures are the SENDER's cost of a message (ump_chan_send):
 * a one-way latency would need a clock common to both cores, and the
 * cycle counters that `virt` times with are each core's own, reset when
 * that core starts (kernel/timestamp.c).
 */
#include <stdio.h>
#include <sys/cspace.h>
#include <sys/rpc.h>
#include <sys/timing.h>
#include "core_msg.h"
#include "cores.h"
#include "init_test.h"

static unsigned failures;

static void report(const char *name, const char *what, uint64_t x10, unsigned n)
{
    printf("bench: %s: %u.%u %s, %u iterations\n", what, (unsigned)(x10 / 10),
           (unsigned)(x10 % 10), timing_unit(), n);
    printf("BENCH %s %u.%u %s n=%u\n", name, (unsigned)(x10 / 10),
           (unsigned)(x10 % 10), timing_unit(), n);
}

/* Send words[0..len) and wait for the answer; true if it is words[0]. */
static bool call(uint32_t *w, unsigned len)
{
    uint32_t cmd = w[0];
    unsigned rlen;
    if (err_is_fail(ump_chan_send_retry(&cores_chan, w, len, 0))) {
        return false;
    }
    cores_recv_wait(w, &rlen);
    return rlen > 0 && w[0] == cmd;
}

/* Core 1 polls without sleeping (on) or sleeps between messages (off). */
static void set_spin(bool on)
{
    uint32_t w[UMP_PAYLOAD_WORDS] = { CORE_MSG_SPIN, on };
    failures += !call(w, 2);
}

/* The clock's own cost: two readings in a row, subtracted from timings
 * of one call each. */
static uint64_t clock_cost(unsigned n)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < n; i++) {
        uint64_t t0 = timing_now();
        sum += timing_now() - t0;
    }
    return sum;
}

/* Round trips: core 1 awake (spinning), or asleep before each message so
 * that only the wake SGI brings it in. */
static void bench_roundtrip(unsigned n, bool wake)
{
    uint32_t w[UMP_PAYLOAD_WORDS];
    uint64_t sum = 0;
    unsigned done = 0;
    cores_wakes_sent = 0;
    for (uint32_t seq = 0; seq < n; seq++) {
        if (wake && !WAIT_FOR(cores_chan.peer->asleep)) {
            break;
        }
        w[0] = CORE_MSG_ECHO;
        w[1] = seq;
        uint64_t t0 = timing_now();
        bool ok = call(w, 2) && w[1] == seq;
        sum += timing_now() - t0;
        if (!ok) {
            break;
        }
        done++;
    }
    bool sgis_right = cores_wakes_sent == (wake ? n : 0);
    if (done != n || !sgis_right) {
        failures++;
        printf("bench: ump round trips: %u of %u answered, %u wake SGIs: calls failed\n",
               done, n, (unsigned)cores_wakes_sent);
    }
    if (wake) {
        report("ump_roundtrip_wake", "UMP round trip to a sleeping core 1, with the "
               "wake SGI", timing_mean_x10(clock_cost(n), sum, n), n);
    } else {
        report("ump_roundtrip", "UMP round trip to core 1 awake, no SGI",
               timing_mean_x10(clock_cost(n), sum, n), n);
    }
}

/* One message each, timed on the sender: core 1 awake (a full ring is
 * waited out untimed), or asleep, when the send raises the wake SGI. */
static void bench_oneway(unsigned n, bool wake)
{
    uint32_t w[UMP_PAYLOAD_WORDS] = { CORE_MSG_SINK };
    uint64_t sum = 0;
    unsigned sent = 0;
    cores_wakes_sent = 0;
    while (sent < n) {
        if (wake && !WAIT_FOR(cores_chan.peer->asleep)) {
            break;
        }
        w[1] = sent;
        uint64_t t0 = timing_now();
        errval_t err = ump_chan_send(&cores_chan, w, 2);
        uint64_t t1 = timing_now();
        if (err == LIB_ERR_UMP_FULL) {
            ump_chan_relax();
            thread_yield();
            continue;
        }
        if (err_is_fail(err)) {
            break;
        }
        sum += t1 - t0;
        sent++;
    }
    uint32_t r[UMP_PAYLOAD_WORDS] = { CORE_MSG_COUNT_END };
    bool ok = call(r, 1) && r[1] == n && r[2] == 0;
    if (!ok || sent != n || cores_wakes_sent != (wake ? n : 0)) {
        failures++;
        printf("bench: ump one-way: %u of %u sent, %u wake SGIs: calls failed\n",
               sent, n, (unsigned)cores_wakes_sent);
    }
    if (wake) {
        report("ump_oneway_send_wake", "UMP send to a sleeping core 1, with the wake "
               "SGI (sender's cost)", timing_mean_x10(clock_cost(n), sum, n), n);
    } else {
        report("ump_oneway_send", "UMP send to core 1 awake (sender's cost)",
               timing_mean_x10(clock_cost(n), sum, n), n);
    }
}

/* A stream of n messages to core 1 awake, from the first send to core
 * 1's count of them: the time per message, and bytes of payload per
 * 1000 units. */
static void bench_stream(unsigned n)
{
    uint32_t w[UMP_PAYLOAD_WORDS] = { CORE_MSG_SINK };
    uint64_t t0 = timing_now();
    for (uint32_t seq = 0; seq < n; seq++) {
        w[1] = seq;
        if (err_is_fail(ump_chan_send_retry(&cores_chan, w, UMP_PAYLOAD_WORDS, 0))) {
            break;
        }
    }
    uint32_t r[UMP_PAYLOAD_WORDS] = { CORE_MSG_COUNT_END };
    bool ok = call(r, 1) && r[1] == n && r[2] == 0;
    uint64_t t1 = timing_now();
    if (!ok) {
        failures++;
        printf("bench: ump stream: core 1 counted %u of %u: calls failed\n",
               (unsigned)r[1], n);
    }
    uint64_t x10 = timing_mean_x10(t0, t1, n);
    report("ump_stream", "UMP stream to core 1 awake, per message of "
           "7 words", x10, n);
    uint64_t per_k = x10 ? UMP_PAYLOAD_WORDS * 4 * 10000ull / x10 : 0;
    printf("BENCH ump_stream_throughput %u bytes/1000%s n=%u\n", (unsigned)per_k,
           timing_unit(), n);
}

/* Cross-core RPC round trips: ECHO of one scalar over cores_rpc, to a
 * core 1 whose init sleeps in its waitset between calls. */
static void bench_rpc(unsigned n)
{
    uint64_t sum = 0;
    unsigned done = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct rpc_payload req = { .nscalar = 1, .scalar = { i } }, resp;
        uint64_t t0 = timing_now();
        errval_t err = rpc_echo(&cores_rpc, &req, &resp);
        sum += timing_now() - t0;
        if (err_is_fail(err) || resp.nscalar != 1 || resp.scalar[0] != i) {
            break;
        }
        done++;
    }
    if (done != n) {
        failures++;
        printf("bench: rpc over ump: %u of %u calls answered: calls failed\n", done, n);
    }
    report("rpc_roundtrip_xcore", "RPC round trip to core 1's init over UMP (cores_rpc, "
           "one scalar)", timing_mean_x10(clock_cost(n), sum, n), n);
}

void cores_bench(unsigned n)
{
    unsigned cores;
    timing_init();
    if (err_is_fail(kernel_num_cores(cores_kernel_cap(), &cores)) || cores < 2 ||
        err_is_fail(cores_chan_open(true))) {
        printf("bench: no second core: no UMP rows\n");
        return;
    }
    unsigned n_wake = n / 10 > 10 ? n / 10 : 10;
    failures = 0;
    set_spin(true);
    bench_roundtrip(n, false);
    bench_oneway(n, false);
    bench_stream(n);
    set_spin(false);
    bench_roundtrip(n_wake, true);
    bench_oneway(n_wake, true);
    bench_rpc(n);
    if (failures) {
        printf("bench: %u UMP calls failed\n", failures);
    }
}
