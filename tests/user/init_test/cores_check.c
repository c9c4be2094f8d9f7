/*
 * tests/user/init_test/cores_check.c -- "@cores" in a test boot list: the
 * Kernel capability's StartCore refuses what it must, and UMP to the other
 * core's init works -- 10,000 round trips, a wake by SGI, a full ring,
 * capabilities crossing (cores_xcap.c), a fault on the other core
 * (docs/multikernel.md).  The channel and the
 * start-up are init's own (user/sys/init/cores.c).
 */
#include <stdio.h>
#include <sys/cspace.h>
#include <sys/invoke.h>
#include <sys/threads.h>
#include <sys/ump_chan.h>
#include <systest.h>
#include "core_msg.h"
#include "cores.h"
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

/* The other core's init faults; this core goes on (the rest of the test
 * image runs on it). */
static void check_remote_fault(void)
{
    uint32_t w[UMP_PAYLOAD_WORDS] = { CORE_MSG_FAULT };
    unsigned len;
    ump_chan_send_retry(&cores_chan, w, 1, 0);
    cores_recv_wait(w, &len);
    test_report(w[0] == CORE_MSG_FAULT, "ump: core 1's init told us it will fault");
}

static void check_channel(void)
{
    TEST_ERR(cores_chan_open(true), SYS_ERR_OK);
    check_ping_pong();
    check_wake();
    check_full_ring();
    cores_xcap_check();
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

