/*
 * user/sys/init/cores.c -- init starts the CPU driver of every other core
 * through its Kernel capability, as Barrelfish's monitor does with its
 * kernel capability (docs/multikernel.md, "Booting a core").  The kernel
 * checks the capability (WRITE right) and the core number; what runs on
 * the new core is that core's own kernel instance.
 *
 * The two inits then talk over the page the kernel gave both (the core
 * frame): the raw UMP channel cores_chan (its tests and bench rows) and
 * the RPC channels cores_rpc (core.idl; docs/multikernel.md, "RPC over
 * UMP").  Both inits sleep when idle: each is its core's wake target, and
 * each channel's wake() raises the SGI on the other core.
 */
#include <stdio.h>
#include <string.h>
#include <sys/cspace.h>
#include <sys/invoke.h>
#include <sys/paging.h>
#include <sys/ram.h>
#include <sys/disp.h>
#include <sys/threads.h>
#include <sys/rpc.h>
#include <sys/ump_chan.h>
#include <sys/vregion.h>
#include <sprat/bootinfo.h>
#include <sprat/core_frame.h>
#include "core_msg.h"
#include "cores.h"
#include "init.h"
#include "xcap.h"

/*
 * The core frame (docs/multikernel.md, section 4):
 *   0x000  cores_chan (rings 0x000-0x7ff, "asleep" flags 0x800, 0x820)
 *   0xa00  cores_rpc, core 0 calls core 1 (rings 0xa00-0xaff, flags 0xb00)
 *   0xc00  cores_rpc, core 1 calls core 0 (rings 0xc00-0xcff, flags 0xd00)
 * The boot core's init is the "first" side of each.  An RPC channel has
 * rings of 4 lines: 3 in flight, enough for init-to-init calls (a longer
 * message waits for acks, ump_ring.c).
 */
#define CORE_FRAME_BYTES        4096
#define CORE_FRAME_CHAN         0x000
#define CORE_FRAME_RPC_TO_1     0xa00
#define CORE_FRAME_RPC_TO_0     0xc00
#define CORE_FRAME_RPC_BYTES    0x200

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

/* Where the core frame is mapped (once, for every channel in it). */
static errval_t core_frame(char **ret)
{
    static uint32_t va;
    if (va == 0) {
        errval_t err = paging_map_frame(&va, taskcn_cap(TASKCN_SLOT_COREFRAME),
                                        CORE_FRAME_BYTES, VREGION_FLAGS_READ_WRITE);
        if (err_is_fail(err)) {
            va = 0;
            return err;
        }
    }
    *ret = (char *)va;
    return SYS_ERR_OK;
}

/* Core `core`'s "init died" word in the core frame (its kernel sets it:
 * <sprat/core_frame.h>), or NULL if the frame cannot be mapped. */
static const volatile uint32_t *down_word(unsigned core)
{
    char *frame;
    return err_is_ok(core_frame(&frame))
         ? (const volatile uint32_t *)(frame + CORE_FRAME_DOWN_WORD(core)) : NULL;
}

/* A channel's wake(): the SGI to the other core (first: we are core 0);
 * and with down (the inits' RPC channels, not the raw one of the tests
 * and bench rows), it is gone once the other core has stopped. */
static void set_wake(struct ump_chan *uc, bool first, bool down)
{
    uc->wake = wake_core;
    uc->wake_arg = (void *)(uintptr_t)(first ? 1 : 0);
    uc->peer_down = down ? down_word(first ? 1 : 0) : NULL;
}

/* Opened once: the tests (@cores) and the benchmarks (@umpbench) of a
 * test image share it. */
errval_t cores_chan_open(bool first)
{
    static bool opened;
    char *frame;
    if (opened) {
        return SYS_ERR_OK;
    }
    errval_t err = core_frame(&frame);
    if (err_is_fail(err)) {
        return err;
    }
    /* ump_chan_init's layout for the whole page: the rings in its lower
     * half, the flags at its middle (they end at 0x840). */
    err = ump_chan_init(&cores_chan, frame + CORE_FRAME_CHAN, CORE_FRAME_BYTES, first);
    set_wake(&cores_chan, first, false);
    opened = err_is_ok(err);
    return err;
}

/* ---- cores_rpc: init to init over RPC -------------------------------------- */

/* cores_rpc: this init calls the other; served: the other calls us. */
struct rpc_chan cores_rpc;
static struct rpc_chan cores_rpc_served;
static unsigned this_core;              /* set by core_init_main */

static void h_core_info(struct rpc_chan *rc, struct rpc_payload *req,
                        struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_core_info_req in;
    struct rpc_core_info_resp out = { .core = this_core,
                                      .ram_free_kib = (uint32_t)(ram_free_bytes() >> 10) };
    if ((resp->err = rpc_core_info_req_unpack(req, &in)) == SYS_ERR_OK) {
        resp->err = rpc_core_info_resp_pack(resp, &out);
    }
}

/* Answer late: the tests need a caller that must wait (asleep). */
static void h_core_slow_echo(struct rpc_chan *rc, struct rpc_payload *req,
                             struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_core_slow_echo_req in;
    if ((resp->err = rpc_core_slow_echo_req_unpack(req, &in)) != SYS_ERR_OK) {
        return;
    }
    uint32_t rounds = in.rounds < CORE_SLOW_ECHO_MAX_ROUNDS ? in.rounds
                                                            : CORE_SLOW_ECHO_MAX_ROUNDS;
    for (uint32_t i = 0; i < rounds; i++) {
        ump_chan_relax();
        thread_yield();
    }
    resp->err = rpc_core_slow_echo_resp_pack(resp, &(struct rpc_core_slow_echo_resp){ .echoed = in.value });
}

/* BYTES: taken, answered empty (the RPC layer frees them). */
static void h_bytes(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    (void)req;
    (void)resp;
}

/* What each init serves the other. */
const rpc_handler_fn core_handlers[RPC_CORE_COUNT] = {
    [RPC_ECHO] = rpc_handle_echo,
    [RPC_BYTES] = h_bytes,
    [RPC_CORE_INFO] = h_core_info,
    [RPC_CORE_SLOW_ECHO] = h_core_slow_echo,
    [RPC_CORE_SPAWN] = h_core_spawn,        /* remote.c: the process methods */
    [RPC_CORE_KILL] = h_core_kill,
    [RPC_CORE_PS] = h_core_ps,
    [RPC_CORE_MEM] = h_core_mem,
    [RPC_CORE_NAME] = h_core_name,
    [RPC_CORE_DIED] = h_core_died,
    [RPC_CORE_CONNECT] = h_core_connect,
    [RPC_CORE_CLIENT_GONE] = h_core_client_gone,
    [RPC_CORE_FRAME_DONE] = h_core_frame_done,
};

static bool rpc_opened;
/* The other core's init has died (core_went_down): the boot core's view. */
static volatile bool other_down;

bool cores_rpc_opened(void)
{
    return rpc_opened && !other_down;
}

/* A binding's channel to the other core (relay.c): its wake() raises the
 * SGI there, and it is gone once that core has stopped. */
void cores_set_wake(struct ump_chan *uc)
{
    set_wake(uc, init_core == 0, true);
}

errval_t cores_rpc_ready(unsigned core)
{
    /* Two cores: cores_rpc reaches the other one. */
    if (!rpc_opened || core >= 2 || core == init_core) {
        return SPAWN_ERR_CORE_NO_INIT;
    }
    return other_down ? SPAWN_ERR_CORE_DOWN : SYS_ERR_OK;
}

/*
 * The other core's init has died (docs/multikernel.md, section 7.1): its
 * kernel set its word in the core frame and raised the wake SGI, and the
 * core has stopped.  A call waiting on one of our channels to it ends by
 * itself (LIB_ERR_RPC_PEER_DEAD: sys/ump_chan.h's peer_down); here the
 * boot core's init forgets that core: every process method for it is
 * refused with SPAWN_ERR_CORE_DOWN from now on, the parents waiting for
 * its domains are answered, and our services hear that its domains --
 * their clients through our far relays -- have gone.
 */
static void core_went_down(void)
{
    other_down = true;
    printf("init: core 1's init has died, and core 1 has stopped with its domains\n");
    remote_core_down();
    relays_core_down();
}

/* After each event of the cores_serve thread (below), the one thread that
 * calls it.  No polled channel of its own is needed to wake us: the word
 * makes cores_rpc_served's poll report its channel (ump_chan_peer_gone),
 * an event in that thread's waitset, after which this looks. */
void cores_notice_down(void)
{
    static const volatile uint32_t *word;
    if (init_core != 0 || !rpc_opened || other_down) {
        return;
    }
    if (word == NULL && (word = down_word(1)) == NULL) {
        return;
    }
    if (*word != 0) {
        core_went_down();
    }
}

errval_t cores_rpc_open(bool first, struct waitset *serve_ws)
{
    char *frame;
    if (rpc_opened) {
        return SYS_ERR_OK;
    }
    errval_t err = core_frame(&frame);
    if (err_is_fail(err)) {
        return err;
    }
    /* The boot core calls on TO_1 and serves TO_0; core 1 the reverse. */
    char *calls = frame + (first ? CORE_FRAME_RPC_TO_1 : CORE_FRAME_RPC_TO_0);
    char *served = frame + (first ? CORE_FRAME_RPC_TO_0 : CORE_FRAME_RPC_TO_1);
    if ((err = rpc_chan_init_ump(&cores_rpc, calls, CORE_FRAME_RPC_BYTES, first)) ||
        (err = rpc_chan_init_ump(&cores_rpc_served, served, CORE_FRAME_RPC_BYTES, first))) {
        return err;
    }
    set_wake(&cores_rpc.ump->uc, first, true);
    set_wake(&cores_rpc_served.ump->uc, first, true);
    /* Capabilities in the inits' calls cross (relay.c's frames). */
    rpc_chan_set_cap_hooks(&cores_rpc, xcap_export, xcap_import);
    rpc_chan_set_cap_hooks(&cores_rpc_served, xcap_export, xcap_import);
    /* We sleep in serve_ws; the other init's SGI must find us (our core's
     * wake target), and then the waitset's poll hook sees the message. */
    if ((err = kernel_wake_target(cores_kernel_cap())) ||
        (err = rpc_serve(&cores_rpc_served, core_handlers, RPC_CORE_COUNT, serve_ws))) {
        return err;
    }
    rpc_opened = true;
    return SYS_ERR_OK;
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

/* The board's cores, and which of them run an init (the boot core's view). */
static unsigned num_cores = 1;
static bool core_up[DOMAIN_ID_MAX_CORES] = { true };

errval_t core_check(unsigned core)
{
    if (core >= num_cores || core >= DOMAIN_ID_MAX_CORES) {
        return SPAWN_ERR_CORE_INVALID;
    }
    if (!core_up[core]) {
        return SPAWN_ERR_CORE_NO_INIT;
    }
    return core != 0 && other_down ? SPAWN_ERR_CORE_DOWN : SYS_ERR_OK;
}

/*
 * The boot core's init serves cores_rpc on a thread and waitset of their
 * own, as core 1's serves it on its main thread: a thread that never
 * waits for the other init.  On the event thread it would deadlock them:
 * our event thread waits in a call to init.1 (the shell's `kill` of a
 * core-1 domain: CORE_KILL), init.1 answers once the domain is reaped,
 * and init.1's reap waits for cores_rpc's call lock, held by its thread
 * that is binding the domain's stdin or stdout to our serial driver and
 * waits for our answer to CORE_CONNECT -- which our event thread would
 * never give.  No handler of core_handlers waits for the other init.
 */
static int cores_serve(void *arg)
{
    for (;;) {
        event_dispatch(arg);            /* asleep until init.1 calls */
        cores_notice_down();            /* or dies */
    }
    return 0;
}

static void cores_serve_start(void)
{
    static struct waitset served_ws;
    waitset_init(&served_ws);
    errval_t err = cores_rpc_open(true, &served_ws);
    if (err_is_ok(err) && thread_create(cores_serve, &served_ws) == NULL) {
        err = LIB_ERR_MALLOC_FAIL;
    }
    if (err_is_fail(err)) {
        printf("init: no RPC channel to core 1: %s\n", err_getstring(err));
    }
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
    if (cores > 1) {
        cores_serve_start();
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

/* CORE_MSG_RPC_BACK: call the boot core's init over cores_rpc -- every
 * method it serves, scalars spilling into a second line, bytes over many
 * lines -- and return the number of calls that went wrong; *core: the
 * core it says it runs on. */
static uint32_t cores_rpc_back(uint32_t *core)
{
    static uint8_t bytes[1000];
    uint32_t kib, bad = 0;
    for (unsigned i = 0; i < sizeof(bytes); i++) {
        bytes[i] = (uint8_t)(i * 7 + 1);
    }
    *core = ~0u;
    bad += err_is_fail(rpc_core_info(&cores_rpc, core, &kib));
    struct rpc_payload req = { .nscalar = 7, .scalar = { 1, 2, 3, 4, 5, 6, 7 },
                               .bytes = bytes, .len = sizeof(bytes) };
    struct rpc_payload resp;
    errval_t err = rpc_echo(&cores_rpc, &req, &resp);
    bad += err_is_fail(err) || resp.nscalar != 7 || resp.scalar[6] != 7 ||
           resp.len != sizeof(bytes) || memcmp(resp.bytes, bytes, sizeof(bytes)) != 0;
    rpc_payload_free(&resp);
    bad += err_is_fail(rpc_send_bytes(&cores_rpc, bytes, sizeof(bytes)));
    bad += rpc_call(&cores_rpc, RPC_CORE_COUNT, &(struct rpc_payload){ 0 }, &resp) !=
           LIB_ERR_RPC_UNKNOWN_METHOD;
    return bad;
}

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
    case CORE_MSG_RPC_BACK:
        r[1] = cores_rpc_back(&r[2]);
        ump_chan_send_retry(&cores_chan, r, 3, 0);
        break;
    case CORE_MSG_WAKES:
        r[1] = cores_wakes_sent;
        cores_wakes_sent = 0;
        ump_chan_send_retry(&cores_chan, r, 2, 0);
        break;
    case CORE_MSG_FAULT:
        ump_chan_send_retry(&cores_chan, r, 1, 0);
        printf("init.1: faulting on purpose\n");
        *(volatile uint32_t *)0 = 1;
        break;
    default:            /* the test build's messages, or none */
        if (init_test_core_msg == NULL || !init_test_core_msg(w, len)) {
            printf("init.1: unknown message %u ignored\n", (unsigned)w[0]);
        }
    }
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
    for (unsigned asks = 0; asks < DONE_PATIENCE_ASKS && !other_down; asks++) {
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
    if (other_down) {
        return;                         /* (core_went_down said so) */
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
    /* A waitset of its own, for the boot core's init alone (the raw
     * channel, cores_rpc): the main thread serves it and never waits for
     * the boot core's init, so a call of init.0 is answered even while
     * the event thread (the default waitset: our domains) waits in a call
     * to init.0 -- both inits calling each other cannot deadlock. */
    static struct waitset boot_core_ws;
    waitset_init(&boot_core_ws);
    core_ws = &boot_core_ws;
    this_core = core;
    errval_t err = cores_chan_open(false);
    if (err_is_ok(err)) {
        err = cores_rpc_open(false, core_ws);
    }
    if (err_is_fail(err)) {
        printf("init.%u: no channel to the boot core: %s\n", core, err_getstring(err));
        return 1;
    }
    ump_chan_register_recv(&cores_chan, core_ws, MKCLOSURE(serve, NULL));
    run_bootlist(true);                 /* the settings: @test, @quota */
    start_services();                   /* its memory server */
    relays_prepare();                   /* its domains' stdout crosses */
    thread_create(bootlist_thread, NULL);   /* its lines: "@core N ..." */
    printf("init.%u: serving the boot core's init over UMP\n", core);
    for (;;) {
        if (!spinning) {
            event_dispatch(core_ws);    /* asleep until a message comes */
            continue;
        }
        while (err_is_ok(event_dispatch_non_block(core_ws))) {
        }
        ump_chan_relax();
        thread_yield();
    }
}
