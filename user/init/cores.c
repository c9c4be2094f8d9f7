/*
 * user/init/cores.c -- init starts the CPU driver of every other core
 * through its Kernel capability, as Barrelfish's monitor does with its
 * kernel capability (docs/multikernel.md, "Booting a core").  The kernel
 * checks the capability (WRITE right) and the core number; what runs on
 * the new core is that core's own kernel instance.
 */
#include <stdio.h>
#include <sys/cspace.h>
#include <sys/invoke.h>
#include <sys/paging.h>
#include <sys/ram.h>
#include <sys/systest.h>
#include <sys/disp.h>
#include <sys/threads.h>
#include <sys/ump_chan.h>
#include <sys/vregion.h>
#include <sprat/bootinfo.h>
#include "core_msg.h"
#include "cores.h"

#define CORE_FRAME_BYTES    4096

/* The inits' channel, over the page the kernel gave both
 * (TASKCN_SLOT_COREFRAME); the boot core's init is its "first" side. */
static struct ump_chan chan;

/* chan.wake: an SGI to the other core, through the Kernel capability. */
static uint32_t wakes_sent;

static void wake_core(void *arg)
{
    wakes_sent++;
    kernel_wake_core(TASKCN_CAP(TASKCN_SLOT_KERNELCAP), (unsigned)(uintptr_t)arg);
}

static errval_t chan_open(bool first)
{
    uint32_t va;
    errval_t err = paging_map_frame(&va, taskcn_cap(TASKCN_SLOT_COREFRAME),
                                    CORE_FRAME_BYTES, VREGION_FLAGS_READ_WRITE);
    if (err_is_fail(err)) {
        return err;
    }
    err = ump_chan_init(&chan, (void *)va, CORE_FRAME_BYTES, first);
    chan.wake = wake_core;
    chan.wake_arg = (void *)(uintptr_t)(first ? 1 : 0);
    return err;
}

/* The next message, yielding while there is none. */
static void recv_wait(uint32_t *w, unsigned *len)
{
    while (ump_chan_recv(&chan, w, len) == LIB_ERR_UMP_EMPTY) {
        ump_chan_relax();
        thread_yield();
    }
}

static capaddr_t kernel_cap(void)
{
    return TASKCN_CAP(TASKCN_SLOT_KERNELCAP);
}

void cores_start(void)
{
    unsigned cores;
    errval_t err = kernel_num_cores(kernel_cap(), &cores);
    if (err_is_fail(err)) {
        printf("init: cannot ask for the number of cores: %s\n", err_getstring(err));
        return;
    }
    for (unsigned core = 1; core < cores; core++) {
        err = kernel_start_core(kernel_cap(), core);
        if (err_is_fail(err)) {
            printf("init: core %u did not start: %s\n", core, err_getstring(err));
        } else {
            printf("init: core %u started (%u cores)\n", core, cores);
        }
    }
}

/* ---- the boot core's init: tests of the channel (test images) ---------- */

/* 10,000 round trips, each checked by its sequence number. */
static void check_ping_pong(void)
{
    const uint32_t rounds = 10000;
    uint32_t bad = 0, w[UMP_PAYLOAD_WORDS];
    unsigned len;
    uint32_t hz;
    uint64_t t0 = sys_timestamp(&hz);
    wakes_sent = 0;
    for (uint32_t seq = 0; seq < rounds; seq++) {
        w[0] = CORE_MSG_ECHO;
        w[1] = seq;
        if (err_is_fail(ump_chan_send_retry(&chan, w, 2, 0))) {
            bad++;
            continue;
        }
        recv_wait(w, &len);
        bad += (len != 2 || w[0] != CORE_MSG_ECHO || w[1] != seq);
    }
    uint64_t ticks = sys_timestamp(&hz) - t0;
    test_report(bad == 0, "ump: %u round trips to core 1, none lost, duplicated "
                "or reordered", (unsigned)rounds);
    printf("ump: cross-core round trip %u timestamp ticks at %u Hz (QEMU, not "
           "hardware), %u wake SGIs to a sleeping core 1\n",
           (unsigned)(ticks / rounds), (unsigned)hz, (unsigned)wakes_sent);
}

/* How long check_wake waits for core 1 (it answers within microseconds;
 * a lost wake would leave it asleep for good): 1/PATIENCE_FRACTION s. */
#define PATIENCE_FRACTION   20

/* Poll until cond holds (evaluated once per round: it may take a
 * message) or the patience runs out; true if it held. */
#define WAIT_FOR(cond) ({                                                   \
        uint32_t hz_;                                                       \
        uint64_t end_ = sys_timestamp(&hz_);                                \
        bool held_;                                                         \
        end_ += hz_ / PATIENCE_FRACTION;                                    \
        while (!(held_ = (cond)) && sys_timestamp(&hz_) < end_) {           \
            ump_chan_relax();                                               \
            thread_yield();                                                 \
        }                                                                   \
        held_; })

/* Round trips to a core 1 that is asleep each time: only the wake SGI
 * (KernelCmd_WakeCore) brings the answer. */
static void check_wake(void)
{
    const uint32_t rounds = 100;
    uint32_t ok = 0, hz, w[UMP_PAYLOAD_WORDS];
    unsigned len;
    uint64_t ticks = 0;
    wakes_sent = 0;
    for (uint32_t seq = 0; seq < rounds; seq++) {
        if (!WAIT_FOR(chan.peer->asleep)) {
            break;
        }
        uint64_t t0 = sys_timestamp(&hz);
        w[0] = CORE_MSG_ECHO;
        w[1] = seq;
        ump_chan_send_retry(&chan, w, 2, 0);
        bool got = WAIT_FOR(ump_chan_recv(&chan, w, &len) != LIB_ERR_UMP_EMPTY);
        ticks += sys_timestamp(&hz) - t0;
        if (!got || len != 2 || w[1] != seq) {
            break;
        }
        ok++;
    }
    test_report(ok == rounds && wakes_sent == rounds,
                "ump: %u messages to a sleeping core 1, each woken by an SGI "
                "(%u answered, %u SGIs)", (unsigned)rounds, (unsigned)ok,
                (unsigned)wakes_sent);
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
        errval_t err = ump_chan_send(&chan, w, 2);
        if (err == LIB_ERR_UMP_FULL) {
            fulls++;
            ump_chan_relax();
            thread_yield();
        } else {
            seq++;
        }
    }
    w[0] = CORE_MSG_COUNT_END;
    ump_chan_send_retry(&chan, w, 1, 0);
    recv_wait(w, &len);
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
    ump_chan_send_retry(&chan, w, 1, 0);
    recv_wait(w, &len);
    test_report(w[0] == CORE_MSG_FAULT, "ump: core 1's init told us it will fault");
}

static void check_channel(void)
{
    TEST_ERR(chan_open(true), SYS_ERR_OK);
    check_ping_pong();
    check_wake();
    check_full_ring();
    check_remote_fault();
}

/* Core numbers and rights a StartCore must refuse, each with its error;
 * then the channel to core 1's init. */
void cores_check(void)
{
    unsigned cores;
    TEST_ERR(kernel_num_cores(kernel_cap(), &cores), SYS_ERR_OK);
    TEST_ERR(kernel_start_core(kernel_cap(), 0), SYS_ERR_CORE_STARTED);
    TEST_ERR(kernel_start_core(kernel_cap(), cores), SYS_ERR_CORE_INVALID);
    TEST_ERR(kernel_start_core(kernel_cap(), 0xffffffffu), SYS_ERR_CORE_INVALID);
    if (cores > 1) {
        TEST_ERR(kernel_start_core(kernel_cap(), 1), SYS_ERR_CORE_STARTED);
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

/* ---- init on another core ------------------------------------------------ */

static struct waitset *core_ws;
static uint32_t stream_seen, stream_disorder;

/* Read slowly: a stream's sender must outrun us (check_full_ring). */
static void dawdle(void)
{
    for (volatile int i = 0; i < 2000; i++) {
    }
}

static void handle(const uint32_t *w, unsigned len)
{
    uint32_t r[UMP_PAYLOAD_WORDS] = { w[0] };
    switch (len > 0 ? w[0] : 0) {
    case CORE_MSG_ECHO:
        r[1] = len > 1 ? w[1] : 0;
        ump_chan_send_retry(&chan, r, 2, 0);
        break;
    case CORE_MSG_COUNT:
        stream_disorder += (len < 2 || w[1] != stream_seen);
        stream_seen++;
        dawdle();
        break;
    case CORE_MSG_COUNT_END:
        r[1] = stream_seen;
        r[2] = stream_disorder;
        stream_seen = stream_disorder = 0;
        ump_chan_send_retry(&chan, r, 3, 0);
        break;
    case CORE_MSG_FAULT:
        ump_chan_send_retry(&chan, r, 1, 0);
        printf("init.1: faulting on purpose\n");
        *(volatile uint32_t *)0 = 1;
        break;
    default:
        printf("init.1: unknown message %u ignored\n", (unsigned)w[0]);
    }
}

/* Sleeping between messages: the main thread blocks on sleepers; the
 * dispatcher sleeps in the kernel until the boot core's wake SGI
 * (KernelCmd_WakeTarget), and then, before it picks a thread, this poll
 * hook sees the message and wakes the main thread. */
static struct thread_queue sleepers;
static void (*next_hook)(void);

static void wake_hook(void)
{
    if (sleepers.head != NULL && ump_ring_can_recv(&chan.ring)) {
        ump_chan_awake(&chan);
        thread_wake_one_disabled(&sleepers);
    }
    if (next_hook != NULL) {
        next_hook();
    }
}

static void sleep_until_message(void)
{
    disp_disable();
    if (ump_chan_prepare_sleep(&chan)) {
        thread_block_disabled(&sleepers);
    }
    disp_enable();
}

/* Polled-queue event: take every waiting message, then wait again. */
static void serve(void *arg)
{
    uint32_t w[UMP_PAYLOAD_WORDS];
    unsigned len;
    (void)arg;
    while (err_is_ok(ump_chan_recv(&chan, w, &len))) {
        handle(w, len);
    }
    ump_chan_register_recv(&chan, core_ws, MKCLOSURE(serve, NULL));
}

int core_init_main(unsigned core)
{
    printf("init.%u: started on core %u, %u MiB of RAM\n", core, core,
           (unsigned)(ram_free_bytes() >> 20));
    errval_t err = chan_open(false);
    if (err_is_fail(err)) {
        printf("init.%u: no channel to the boot core: %s\n", core, err_getstring(err));
        return 1;
    }
    core_ws = get_default_waitset();
    next_hook = disp_poll_hook;
    disp_poll_hook = wake_hook;
    err = kernel_wake_target(kernel_cap());
    if (err_is_fail(err)) {
        printf("init.%u: cannot be woken: %s\n", core, err_getstring(err));
    }
    ump_chan_register_recv(&chan, core_ws, MKCLOSURE(serve, NULL));
    printf("init.%u: serving the boot core's init over UMP\n", core);
    for (;;) {
        while (err_is_ok(event_dispatch_non_block(core_ws))) {
        }
        sleep_until_message();
    }
}
