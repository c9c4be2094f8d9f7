/*
 * tests/user/init_test/cores_check.c -- "@cores" in a test boot list: the
 * Kernel capability's StartCore refuses what it must, and UMP to the other
 * core's init works -- 10,000 round trips, a wake by SGI, a full ring,
 * capabilities crossing (cores_xcap.c), a fault on the other core -- and
 * RPC over UMP between the inits, both ways, every method
 * (docs/multikernel.md).  The channels and the
 * start-up are init's own (user/sys/init/cores.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/cspace.h>
#include <sys/rpc.h>
#include <sys/invoke.h>
#include <sys/threads.h>
#include <sys/ump_chan.h>
#include <systest.h>
#include "core_msg.h"
#include "cores.h"
#include "xcap.h"
#include "init_test.h"

/* ---- the boot core's init: tests of the channel (test images) ---------- */

/* 10,000 round trips, each checked by its sequence number. */
static void check_ping_pong(void)
{
    const uint32_t rounds = 10000;
    uint32_t bad = 0, w[UMP_PAYLOAD_WORDS];
    unsigned len;
    uint32_t hz;
    uint64_t t0 = sys_timestamp(&hz);
    cores_wakes_sent = 0;
    for (uint32_t seq = 0; seq < rounds; seq++) {
        w[0] = CORE_MSG_ECHO;
        w[1] = seq;
        if (err_is_fail(ump_chan_send_retry(&cores_chan, w, 2, 0))) {
            bad++;
            continue;
        }
        cores_recv_wait(w, &len);
        bad += (len != 2 || w[0] != CORE_MSG_ECHO || w[1] != seq);
    }
    uint64_t ticks = sys_timestamp(&hz) - t0;
    test_report(bad == 0, "ump: %u round trips to core 1, none lost, duplicated "
                "or reordered", (unsigned)rounds);
    printf("ump: cross-core round trip %u timestamp ticks at %u Hz (QEMU, not "
           "hardware), %u wake SGIs to a sleeping core 1\n",
           (unsigned)(ticks / rounds), (unsigned)hz, (unsigned)cores_wakes_sent);
}

/* Round trips to a core 1 that is asleep each time: only the wake SGI
 * (KernelCmd_WakeCore) brings the answer. */
static void check_wake(void)
{
    const uint32_t rounds = 100;
    uint32_t ok = 0, hz, w[UMP_PAYLOAD_WORDS];
    unsigned len;
    uint64_t ticks = 0;
    cores_wakes_sent = 0;
    for (uint32_t seq = 0; seq < rounds; seq++) {
        if (!WAIT_FOR(cores_chan.peer->asleep)) {
            break;
        }
        uint64_t t0 = sys_timestamp(&hz);
        w[0] = CORE_MSG_ECHO;
        w[1] = seq;
        ump_chan_send_retry(&cores_chan, w, 2, 0);
        bool got = WAIT_FOR(ump_chan_recv(&cores_chan, w, &len) != LIB_ERR_UMP_EMPTY);
        ticks += sys_timestamp(&hz) - t0;
        if (!got || len != 2 || w[1] != seq) {
            break;
        }
        ok++;
    }
    test_report(ok == rounds && cores_wakes_sent == rounds,
                "ump: %u messages to a sleeping core 1, each woken by an SGI "
                "(%u answered, %u SGIs)", (unsigned)rounds, (unsigned)ok,
                (unsigned)cores_wakes_sent);
    printf("ump: round trip with the wake SGI %u timestamp ticks at %u Hz\n",
           (unsigned)(ticks / rounds), (unsigned)hz);
}

/* A stream faster than its reader (core 1 reads slowly): the sender
 * meets a full ring and waits; every message arrives once, in order. */
static void check_full_ring(void)
{
    const uint32_t count = 1000;
    uint32_t fulls = 0, w[UMP_PAYLOAD_WORDS];
    unsigned len;
    for (uint32_t seq = 0; seq < count; ) {
        w[0] = CORE_MSG_COUNT;
        w[1] = seq;
        errval_t err = ump_chan_send(&cores_chan, w, 2);
        if (err == LIB_ERR_UMP_FULL) {
            fulls++;
            ump_chan_relax();
            thread_yield();
        } else {
            seq++;
        }
    }
    w[0] = CORE_MSG_COUNT_END;
    ump_chan_send_retry(&cores_chan, w, 1, 0);
    cores_recv_wait(w, &len);
    test_report(fulls > 0, "ump: a sender faster than its reader finds the ring full");
    test_report(len == 3 && w[0] == CORE_MSG_COUNT_END && w[1] == count && w[2] == 0,
                "ump: all %u messages of the stream arrived once, in order",
                (unsigned)count);
}

/* ---- RPC over UMP (cores_rpc, core.idl) ------------------------------------ */

/* ECHO of ns scalars and len bytes to core 1: the same must come back. */
static bool echo_once(uint32_t ns, uint32_t len)
{
    uint8_t *bytes = malloc(len + 1);
    struct rpc_payload req = { .nscalar = ns, .bytes = bytes, .len = len }, resp;
    if (bytes == NULL) {
        return false;
    }
    for (uint32_t i = 0; i < ns; i++) {
        req.scalar[i] = 0x1000u * ns + i;
    }
    for (uint32_t i = 0; i < len; i++) {
        bytes[i] = (uint8_t)(i * 13 + len);
    }
    errval_t err = rpc_echo(&cores_rpc, &req, &resp);
    bool ok = err_is_ok(err) && resp.nscalar == ns && resp.len == len &&
              memcmp(resp.scalar, req.scalar, ns * sizeof(uint32_t)) == 0 &&
              (len == 0 || memcmp(resp.bytes, bytes, len) == 0);
    if (!ok) {
        printf("rpc over ump: ECHO of %u scalars, %u bytes: %s, %u scalars, %u bytes back\n",
               (unsigned)ns, (unsigned)len, err_getstring(err), (unsigned)resp.nscalar,
               (unsigned)resp.len);
    }
    rpc_payload_free(&resp);
    free(bytes);
    return ok;
}

/* Every scalar count an ECHO can carry (7: with the answer's verdict, 8
 * words -- more than a first line holds, so they spill into a second),
 * and byte counts around the line boundaries and over many lines. */
static void check_rpc_echo(void)
{
    static const uint32_t lens[] = { 0, 1, 19, 20, 21, 24, 25, 100, 1000, 4096, 10000 };
    unsigned bad = 0, calls = 0;
    for (uint32_t ns = 0; ns < RPC_MAX_SCALARS; ns++) {
        bad += !echo_once(ns, 0);
        calls++;
    }
    test_report(bad == 0, "rpc over ump: ECHO of 0 to 7 scalars to core 1");
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        bad += !echo_once(i % RPC_MAX_SCALARS, lens[i]);
        calls++;
    }
    test_report(bad == 0, "rpc over ump: ECHO of 0 to 10000 bytes (up to 418 lines) to "
                "core 1, %u calls", calls);
    /* 8 scalars go, but 8 and the verdict cannot come back: core 1's
     * init says so, as over LMP. */
    struct rpc_payload resp;
    TEST_ERR(rpc_echo(&cores_rpc, &(struct rpc_payload){ .nscalar = RPC_MAX_SCALARS }, &resp),
             LIB_ERR_RPC_TOO_LARGE);
}

/* Capability hooks for the tests: a description that names the slot,
 * or an export that fails. */
static errval_t describe_slot(struct capref cap, uint32_t desc[RPC_CAP_DESC_WORDS])
{
    desc[0] = cap.cnode;
    desc[1] = cap.slot;
    desc[2] = desc[3] = 0;
    return SYS_ERR_OK;
}

static errval_t refuse_export(struct capref cap, uint32_t desc[RPC_CAP_DESC_WORDS])
{
    (void)cap;
    (void)desc;
    return SYS_ERR_WRONG_CAP_TYPE;
}

/* Our side describes the capability its own way; core 1's init imports
 * with its hook (xcap_import, cores_rpc_open), which its kernel refuses
 * (type 0 is no RAM or Frame): it answers the request with that error
 * without running the handler, and the channel stays in step.  An
 * export that fails gives its own error and sends nothing. */
static void check_rpc_cap_hooks(void)
{
    struct rpc_payload req = { .nscalar = 1, .scalar = { 9 },
                               .cap = taskcn_cap(TASKCN_SLOT_COREFRAME) }, resp;
    rpc_chan_set_cap_hooks(&cores_rpc, describe_slot, NULL);
    TEST_ERR(rpc_call(&cores_rpc, RPC_ECHO, &req, &resp), SYS_ERR_CAP_CROSS_TYPE);
    rpc_chan_set_cap_hooks(&cores_rpc, refuse_export, NULL);
    TEST_ERR(rpc_call(&cores_rpc, RPC_ECHO, &req, &resp), SYS_ERR_WRONG_CAP_TYPE);
    rpc_chan_set_cap_hooks(&cores_rpc, xcap_export, xcap_import);   /* the inits' own */
    test_report(echo_once(2, 30), "rpc over ump: the channel works after a capability that "
                "core 1 could not import");
}

static void check_rpc_methods(void)
{
    static uint8_t bytes[3000];
    uint32_t core = ~0u, kib = 0;
    TEST_ERR(rpc_core_info(&cores_rpc, &core, &kib), SYS_ERR_OK);
    test_report(core == 1 && kib > 0, "rpc over ump: CORE_INFO: core 1's init runs on core %u, "
                "has RAM left", (unsigned)core);
    TEST_ERR(rpc_send_bytes(&cores_rpc, bytes, 0), SYS_ERR_OK);
    TEST_ERR(rpc_send_bytes(&cores_rpc, bytes, sizeof(bytes)), SYS_ERR_OK);
    struct rpc_payload req = { .nscalar = 1, .scalar = { 5 } }, resp;
    TEST_ERR(rpc_call(&cores_rpc, RPC_CORE_COUNT, &req, &resp), LIB_ERR_RPC_UNKNOWN_METHOD);
    TEST_ERR(rpc_call(&cores_rpc, 255, &req, &resp), LIB_ERR_RPC_UNKNOWN_METHOD);
    /* No capability hooks on the channel: a capability cannot go. */
    req.cap = taskcn_cap(TASKCN_SLOT_COREFRAME);
    rpc_chan_set_cap_hooks(&cores_rpc, NULL, NULL);
    TEST_ERR(rpc_call(&cores_rpc, RPC_ECHO, &req, &resp), LIB_ERR_RPC_CAP_CROSS_CORE);
    /* With the inits' hooks (cores_rpc_open), the kernel refuses to
     * export this one: the page both cores share is in no RAM. */
    rpc_chan_set_cap_hooks(&cores_rpc, xcap_export, xcap_import);
    TEST_ERR(rpc_call(&cores_rpc, RPC_ECHO, &req, &resp), SYS_ERR_CAP_CROSS_RANGE);
    test_report(echo_once(3, 50), "rpc over ump: the channel works after the refusals");
}

/* The other way: core 1's init calls ours (served by our event thread
 * while this thread waits on the raw channel). */
static void check_rpc_back(void)
{
    uint32_t w[UMP_PAYLOAD_WORDS] = { CORE_MSG_RPC_BACK };
    unsigned len;
    ump_chan_send_retry(&cores_chan, w, 1, 0);
    cores_recv_wait(w, &len);
    test_report(len == 3 && w[0] == CORE_MSG_RPC_BACK && w[1] == 0 && w[2] == 0,
                "rpc over ump: core 1's init calls ours: every method, the right core "
                "(%u failed, core %u)", (unsigned)w[1], (unsigned)w[2]);
}

/* Core 1's init's count of wake SGIs since the last time we asked. */
static uint32_t core1_wakes(void)
{
    uint32_t w[UMP_PAYLOAD_WORDS] = { CORE_MSG_WAKES };
    unsigned len;
    ump_chan_send_retry(&cores_chan, w, 1, 0);
    cores_recv_wait(w, &len);
    return len == 2 && w[0] == CORE_MSG_WAKES ? w[1] : 0;
}

/* Our thread waits asleep in rpc_call, not spinning: core 1's init
 * answers CORE_SLOW_ECHO only after giving up its turn a few times, so
 * the answer comes when we have asked to be woken, and core 1 must raise
 * the wake SGI for it (it says how many it raised).  A client that polled
 * would never ask to be woken. */
static void check_rpc_sleeps(void)
{
    const uint32_t rounds = 10;
    uint32_t bad = 0, value;
    core1_wakes();
    for (uint32_t i = 0; i < rounds; i++) {
        bad += err_is_fail(rpc_core_slow_echo(&cores_rpc, 5, i, &value)) || value != i;
    }
    uint32_t theirs = core1_wakes();
    test_report(bad == 0 && theirs == rounds, "rpc over ump: a caller waits asleep, woken by "
                "core 1's SGI (%u calls, %u SGIs)", (unsigned)rounds, (unsigned)theirs);
    /* Bad input: a caller cannot hold core 1's init up for long. */
    TEST_ERR(rpc_core_slow_echo(&cores_rpc, 0xffffffffu, 7, &value), SYS_ERR_OK);
}

/* Round trips of a scalar call, timed (make bench has the exact figure:
 * rpc_roundtrip_xcore). */
static void time_rpc(void)
{
    const uint32_t rounds = 100;
    uint32_t hz, bad = 0;
    uint64_t t0 = sys_timestamp(&hz);
    for (uint32_t i = 0; i < rounds; i++) {
        struct rpc_payload req = { .nscalar = 1, .scalar = { i } }, resp;
        bad += err_is_fail(rpc_echo(&cores_rpc, &req, &resp)) || resp.scalar[0] != i;
    }
    uint64_t ticks = sys_timestamp(&hz) - t0;
    test_report(bad == 0, "rpc over ump: %u scalar calls to core 1", (unsigned)rounds);
    printf("rpc over ump: cross-core round trip %u timestamp ticks at %u Hz\n",
           (unsigned)(ticks / rounds), (unsigned)hz);
}

static void check_rpc(void)
{
    check_rpc_echo();
    check_rpc_methods();
    check_rpc_cap_hooks();
    check_rpc_back();
    check_rpc_sleeps();
    time_rpc();
}

/* The other core's init faults; this core goes on (the rest of the test
 * image runs on it).  A call to it then ends with its core's stop -- the
 * kernel there says so in the core frame and wakes us -- and every later
 * one at once (docs/multikernel.md, section 7.1); the process methods
 * say SPAWN_ERR_CORE_DOWN once our event thread has seen it. */
static void check_remote_fault(void)
{
    uint32_t w[UMP_PAYLOAD_WORDS] = { CORE_MSG_FAULT }, core, kib;
    unsigned len;
    ump_chan_send_retry(&cores_chan, w, 1, 0);
    cores_recv_wait(w, &len);
    test_report(w[0] == CORE_MSG_FAULT, "ump: core 1's init told us it will fault");
    TEST_ERR(rpc_core_info(&cores_rpc, &core, &kib), LIB_ERR_RPC_PEER_DEAD);
    TEST_ERR(rpc_core_info(&cores_rpc, &core, &kib), LIB_ERR_RPC_PEER_DEAD);
    test_report(WAIT_FOR(core_check(1) == SPAWN_ERR_CORE_DOWN),
                "cores: core 1 is down for the process methods (SPAWN_ERR_CORE_DOWN)");
}

static void check_channel(void)
{
    TEST_ERR(cores_chan_open(true), SYS_ERR_OK);
    check_ping_pong();
    check_wake();
    check_full_ring();
    cores_xcap_check();
    check_rpc();
    check_remote_fault();
}

/* Core numbers and rights a StartCore must refuse, each with its error;
 * then the channel to core 1's init. */
void cores_check(void)
{
    unsigned cores;
    TEST_ERR(kernel_num_cores(cores_kernel_cap(), &cores), SYS_ERR_OK);
    TEST_ERR(kernel_start_core(cores_kernel_cap(), 0), SYS_ERR_CORE_STARTED);
    TEST_ERR(kernel_start_core(cores_kernel_cap(), cores), SYS_ERR_CORE_INVALID);
    TEST_ERR(kernel_start_core(cores_kernel_cap(), 0xffffffffu), SYS_ERR_CORE_INVALID);
    if (cores > 1) {
        TEST_ERR(kernel_start_core(cores_kernel_cap(), 1), SYS_ERR_CORE_STARTED);
    }

    struct capref readonly;
    if (err_is_fail(slot_alloc(&readonly))) {
        test_report(false, "cores: a free slot");
        return;
    }
    TEST_ERR(cap_copy_rights(readonly, taskcn_cap(TASKCN_SLOT_KERNELCAP), CAPRIGHTS_READ),
             SYS_ERR_OK);
    TEST_ERR(kernel_start_core(capref_addr(readonly), 1), SYS_ERR_INSUFFICIENT_RIGHTS);
    TEST_ERR(cap_delete(readonly), SYS_ERR_OK);
    slot_free(readonly);
    if (cores > 1) {
        check_channel();
    }
}

