/*
 * user/sys/init/cores.c -- init starts the CPU driver of every other core
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
#include <sys/disp.h>
#include <sys/threads.h>
#include <sys/ump_chan.h>
#include <sys/vregion.h>
#include <sprat/bootinfo.h>
#include "core_msg.h"
#include "cores.h"
#include "init.h"

#define CORE_FRAME_BYTES    4096

/* The inits' channel, over the page the kernel gave both
 * (TASKCN_SLOT_COREFRAME); the boot core's init is its "first" side. */
struct ump_chan cores_chan;

/* cores_chan.wake: an SGI to the other core, through the Kernel capability. */
uint32_t cores_wakes_sent;

static void wake_core(void *arg)
{
    cores_wakes_sent++;
    kernel_wake_core(TASKCN_CAP(TASKCN_SLOT_KERNELCAP), (unsigned)(uintptr_t)arg);
}

/* Opened once: the tests (@cores) and the benchmarks (@umpbench) of a
 * test image share it. */
errval_t cores_chan_open(bool first)
{
    static bool opened;
    if (opened) {
        return SYS_ERR_OK;
    }
    uint32_t va;
    errval_t err = paging_map_frame(&va, taskcn_cap(TASKCN_SLOT_COREFRAME),
                                    CORE_FRAME_BYTES, VREGION_FLAGS_READ_WRITE);
    if (err_is_fail(err)) {
        return err;
    }
    err = ump_chan_init(&cores_chan, (void *)va, CORE_FRAME_BYTES, first);
    cores_chan.wake = wake_core;
    cores_chan.wake_arg = (void *)(uintptr_t)(first ? 1 : 0);
    opened = err_is_ok(err);
    return err;
}

/* The next message, yielding while there is none. */
void cores_recv_wait(uint32_t *w, unsigned *len)
{
    while (ump_chan_recv(&cores_chan, w, len) == LIB_ERR_UMP_EMPTY) {
        ump_chan_relax();
        thread_yield();
    }
}

capaddr_t cores_kernel_cap(void)
{
    return TASKCN_CAP(TASKCN_SLOT_KERNELCAP);
}

/* Not yet: RPC over UMP (the cores_rpc channels) comes with h-ump's part. */
struct rpc_chan cores_rpc;

errval_t cores_rpc_ready(unsigned core)
{
    (void)core;
    return SPAWN_ERR_CORE_NO_INIT;
}

/* The board's cores, and which of them run an init (the boot core's view). */
static unsigned num_cores = 1;
static bool core_up[DOMAIN_ID_MAX_CORES] = { true };

errval_t core_check(unsigned core)
{
    if (core >= num_cores || core >= DOMAIN_ID_MAX_CORES) {
        return SPAWN_ERR_CORE_INVALID;
    }
    return core_up[core] ? SYS_ERR_OK : SPAWN_ERR_CORE_NO_INIT;
}

void cores_start(void)
{
    unsigned cores;
    errval_t err = kernel_num_cores(cores_kernel_cap(), &cores);
    if (err_is_fail(err)) {
        printf("init: cannot ask for the number of cores: %s\n", err_getstring(err));
        return;
    }
    num_cores = cores;
    for (unsigned core = 1; core < cores && core < DOMAIN_ID_MAX_CORES; core++) {
        err = kernel_start_core(cores_kernel_cap(), core);
        core_up[core] = err_is_ok(err);
        if (err_is_fail(err)) {
            printf("init: core %u did not start: %s\n", core, err_getstring(err));
        } else {
            printf("init: core %u started (%u cores)\n", core, cores);
        }
    }
}

/* ---- init on another core ------------------------------------------------ */

static struct waitset *core_ws;
static uint32_t stream_seen, stream_disorder;
/* CORE_MSG_SPIN: poll without sleeping (make bench's figures without the
 * wake SGI). */
static bool spinning;
/* This core's boot-list lines have run and their domains have ended. */
static volatile bool bootlist_done;

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
        ump_chan_send_retry(&cores_chan, r, 2, 0);
        break;
    case CORE_MSG_COUNT:
    case CORE_MSG_SINK:
        stream_disorder += (len < 2 || w[1] != stream_seen);
        stream_seen++;
        if (w[0] == CORE_MSG_COUNT) {
            dawdle();
        }
        break;
    case CORE_MSG_COUNT_END:
        r[1] = stream_seen;
        r[2] = stream_disorder;
        stream_seen = stream_disorder = 0;
        ump_chan_send_retry(&cores_chan, r, 3, 0);
        break;
    case CORE_MSG_SPIN:
        spinning = len > 1 && w[1] != 0;
        ump_chan_send_retry(&cores_chan, r, 1, 0);
        break;
    case CORE_MSG_DONE:
        r[1] = bootlist_done;
        ump_chan_send_retry(&cores_chan, r, 2, 0);
        break;
    case CORE_MSG_FAULT:
        ump_chan_send_retry(&cores_chan, r, 1, 0);
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
    if (sleepers.head != NULL && ump_ring_can_recv(&cores_chan.ring)) {
        ump_chan_awake(&cores_chan);
        thread_wake_one_disabled(&sleepers);
    }
    if (next_hook != NULL) {
        next_hook();
    }
}

static void sleep_until_message(void)
{
    disp_disable();
    if (ump_chan_prepare_sleep(&cores_chan)) {
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
    while (err_is_ok(ump_chan_recv(&cores_chan, w, &len))) {
        handle(w, len);
    }
    ump_chan_register_recv(&cores_chan, core_ws, MKCLOSURE(serve, NULL));
}

static int bootlist_thread(void *arg)
{
    (void)arg;
    run_bootlist(false);
    wait_running(NULL, !test_mode);     /* as the boot core's init does */
    bootlist_done = true;
    return 0;
}

/* Let the other core run for 1/n s (YIELD ends this core's turn in
 * QEMU's round-robin; a hint on the hardware). */
static void pause_ticks(unsigned n)
{
    uint32_t hz;
    uint64_t end = sys_timestamp(&hz);
    end += hz / n;
    while (sys_timestamp(&hz) < end) {
        ump_chan_relax();
        thread_yield();
    }
}

/* Core 1's init answers within a second, or it has died. */
#define DONE_PATIENCE_ASKS  100

/* The boot core's init, before the prompt, at a test image's end or at
 * "@waitcores":
 * until core 1's init says its boot-list lines are done (CORE_MSG_DONE,
 * asked every 1/100 s), so that its domains' output (the kernel console)
 * comes before the prompt.  A test image without "@core" lines does not
 * ask: its core 1 may have been made to fault (@cores). */
void cores_wait_boot_lists(void)
{
    if (!core_up[1] || (test_mode && other_core_lines == 0) ||
        err_is_fail(cores_chan_open(true))) {
        return;
    }
    for (unsigned asks = 0; asks < DONE_PATIENCE_ASKS; asks++) {
        uint32_t w[UMP_PAYLOAD_WORDS] = { CORE_MSG_DONE };
        unsigned len = 0;
        ump_chan_send_retry(&cores_chan, w, 1, DONE_PATIENCE_ASKS);
        for (unsigned i = 0; i < DONE_PATIENCE_ASKS && len == 0; i++) {
            if (ump_chan_recv(&cores_chan, w, &len) == LIB_ERR_UMP_EMPTY) {
                pause_ticks(DONE_PATIENCE_ASKS * 10);
            }
        }
        if (len == 2 && w[0] == CORE_MSG_DONE && w[1] != 0) {
            return;
        }
        pause_ticks(100);
    }
    printf("init: core 1's init has not finished its boot-list lines\n");
    failures++;
}

/* Init on another core: the same init as the boot core's (main.c has
 * started its event and connector threads), with its own memory server
 * from this core's RAM and its own names and services; its main thread
 * then serves the raw channel (the tests and bench rows), sleeping while
 * there is nothing to do. */
int core_init_main(unsigned core)
{
    printf("init.%u: started on core %u, %u MiB of RAM\n", core, core,
           (unsigned)(ram_free_bytes() >> 20));
    errval_t err = cores_chan_open(false);
    if (err_is_fail(err)) {
        printf("init.%u: no channel to the boot core: %s\n", core, err_getstring(err));
        return 1;
    }
    /* A waitset of its own: the event thread's blocks, this one polls. */
    static struct waitset raw_ws;
    waitset_init(&raw_ws);
    core_ws = &raw_ws;
    next_hook = disp_poll_hook;
    disp_poll_hook = wake_hook;
    err = kernel_wake_target(cores_kernel_cap());
    if (err_is_fail(err)) {
        printf("init.%u: cannot be woken: %s\n", core, err_getstring(err));
    }
    ump_chan_register_recv(&cores_chan, core_ws, MKCLOSURE(serve, NULL));
    run_bootlist(true);                 /* the settings: @test, @quota */
    start_services();                   /* its memory server */
    thread_create(bootlist_thread, NULL);   /* its lines: "@core N ..." */
    printf("init.%u: serving the boot core's init over UMP\n", core);
    for (;;) {
        while (err_is_ok(event_dispatch_non_block(core_ws))) {
        }
        if (spinning) {
            ump_chan_relax();
            thread_yield();
        } else {
            sleep_until_message();
        }
    }
}
