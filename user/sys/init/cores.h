/*
 * user/sys/init/cores.h -- init starts the other cores' CPU drivers
 * (user/sys/init/cores.c; docs/multikernel.md, "Booting a core").
 */
#ifndef INIT_CORES_H
#define INIT_CORES_H

#include <sys/rpc.h>
#include <sys/ump_chan.h>

/* Start every core the board has besides this one, and say so. */
void cores_start(void);

/* The inits' RPC channel: this init calls the other core's on cores_rpc
 * (core.idl).  cores_rpc_ready(core): SYS_ERR_OK if cores_rpc reaches
 * core's init, else SPAWN_ERR_CORE_NO_INIT. */
extern struct rpc_chan cores_rpc;
errval_t cores_rpc_ready(unsigned core);

/* A test image's end on the boot core: until the other cores' boot-list
 * lines have run and their domains ended (if there were any). */
void cores_wait_boot_lists(void);

/* May init.0 send domains to core (its boot list's "@core N", the process
 * methods)?  SYS_ERR_OK (core 0 too), SPAWN_ERR_CORE_INVALID (no such core
 * on the board), SPAWN_ERR_CORE_NO_INIT (it did not start). */
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

/* The rest of main() for init on a core other than the boot core
 * ("init core=N"): its memory server, then its main thread serves the
 * boot core's init over their raw UMP channel (main.c serves the rest). */
int core_init_main(unsigned core);

#endif
