/*
 * user/sys/init/cores.h -- init starts the other cores' CPU drivers
 * (user/sys/init/cores.c; docs/multikernel.md, "Booting a core").
 */
#ifndef INIT_CORES_H
#define INIT_CORES_H

#include <sys/rpc.h>
#include <sys/ump_chan.h>
#include <if/core.h>

/* Start every core the board has besides this one, and say so. */
void cores_start(void);

/* SYS_ERR_OK if cores_rpc (below) reaches core's init, else
 * SPAWN_ERR_CORE_NO_INIT, or SPAWN_ERR_CORE_DOWN once its init died. */
errval_t cores_rpc_ready(unsigned core);

/* A test image's end on the boot core: until the other cores' boot-list
 * lines have run and their domains ended (if there were any). */
void cores_wait_boot_lists(void);

/* May init.0 send domains to core (its boot list's "@core N", the process
 * methods)?  SYS_ERR_OK (core 0 too), SPAWN_ERR_CORE_INVALID (no such core
 * on the board), SPAWN_ERR_CORE_NO_INIT (it did not start),
 * SPAWN_ERR_CORE_DOWN (its init died: docs/multikernel.md, section 7.1). */
errval_t core_check(unsigned core);

/* Test images ("@cores", tests/user/init_test/cores_check.c): the Kernel
 * capability's StartCore refuses what it must, and UMP to the other core's
 * init works (reported as test results). */
void cores_check(void);

/* "@umpbench N" (tests/user/init_test/cores_bench.c): make bench's UMP
 * rows, N iterations each, in tests/bench's BENCH format. */
void cores_bench(unsigned n);

/* What the test build shares with init: the inits' channel over the page
 * both cores were given, opening it, a blocking receive, the SGIs sent. */
extern struct ump_chan cores_chan;
extern uint32_t cores_wakes_sent;
errval_t cores_chan_open(bool first);
void cores_recv_wait(uint32_t *w, unsigned *len);
capaddr_t cores_kernel_cap(void);

/* The inits' RPC channels (core.idl; docs/multikernel.md, "RPC over
 * UMP"): cores_rpc calls the other core's init, which serves the methods
 * of core_handlers on a thread that never waits for us (so do we, on a
 * channel of our own).  cores_rpc_open sets up both in the core frame,
 * serves ours in ws and makes this init its core's wake target; the boot
 * core's init does it in cores_start (first = true; its cores_serve
 * thread dispatches ws), core 1's in core_init_main (its main thread).
 * Capabilities cross on them once the inits set the channels' hooks
 * (rpc_chan_set_cap_hooks). */
extern struct rpc_chan cores_rpc;
/* CORE_SLOW_ECHO's bound: a caller cannot hold an init up for longer. */
#define CORE_SLOW_ECHO_MAX_ROUNDS   1000
extern const rpc_handler_fn core_handlers[RPC_CORE_COUNT];
errval_t cores_rpc_open(bool first, struct waitset *ws);
/* Is cores_rpc open (is there an init on the other core to call, alive)? */
bool cores_rpc_opened(void);
/* The boot core's cores_serve thread, after each event: has core 1's init died
 * (docs/multikernel.md, section 7.1)?  Then forget that core. */
void cores_notice_down(void);
/* A UMP channel of this init's to the other core's (relay.c): wake() set
 * to the SGI to that core. */
void cores_set_wake(struct ump_chan *uc);

/* The rest of main() for init on a core other than the boot core
 * ("init core=N"): its memory server, then its main thread serves the
 * boot core's init over their raw UMP channel (main.c serves the rest). */
int core_init_main(unsigned core);

#endif
