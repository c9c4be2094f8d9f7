/*
 * libsys/include/aos/aos_rpc.h -- the course handout's `aos_rpc` client
 * interface, over Sprat's RPC (docs/rpc.md, "Code written for the
 * course").
 *
 * Code written against the handout's interface compiles unchanged with
 * `#include <aos/aos_rpc.h>`.  Every function is a thin inline wrapper
 * over an rpc_* call of sys/rpc.h.
 *
 * One channel type for every service, as in the handout: Sprat has a
 * channel per service (init, the memory server, the serial driver), made
 * by libsys on first use, and a struct aos_rpc routes each call to the
 * service that implements it, whichever aos_rpc_get_*_channel() it came
 * from.  So course code that asks the init channel for RAM (the memory
 * server lived in init in the handout's first milestone) still works.
 *
 * Differences from the handout, each for a reason:
 *   - struct aos_rpc holds no state of its own (the channels are libsys');
 *     aos_rpc_init() only clears it.
 *   - domainid_t is Sprat's 32-bit domain id, which carries its core
 *     (sprat/domain_id.h); coreid_t a core number: a core the board does
 *     not have answers SPAWN_ERR_CORE_INVALID, one that runs no init
 *     SPAWN_ERR_CORE_NO_INIT (PROCESS_SPAWN_ON).
 *   - aos_rpc_process_spawn's cmdline is "name arg...", optionally led by
 *     NAME=value environment settings (the boot list's syntax).
 */
#ifndef AOS_AOS_RPC_H
#define AOS_AOS_RPC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/rpc.h>
#include <if/init.h>
#include <if/memserv.h>
#include <if/serial.h>

typedef uint32_t domainid_t;
typedef uint8_t coreid_t;

struct aos_rpc {
    int unused;                 /* calls are routed by what they ask */
};

static inline errval_t aos_rpc_init(struct aos_rpc *rpc)
{
    if (rpc != NULL) {
        rpc->unused = 0;
    }
    return SYS_ERR_OK;
}

/* The one struct aos_rpc every getter hands out: NULL while the service
 * it is named after does not exist (yet). */
static inline struct aos_rpc *aos_rpc_route(struct rpc_chan *service)
{
    static struct aos_rpc routed;
    return service ? &routed : NULL;
}

static inline struct aos_rpc *aos_rpc_get_init_channel(void)
{
    return aos_rpc_route(get_init_rpc());
}

static inline struct aos_rpc *aos_rpc_get_memory_channel(void)
{
    return aos_rpc_route(get_memserv_rpc());
}

static inline struct aos_rpc *aos_rpc_get_serial_channel(void)
{
    return aos_rpc_route(get_serial_rpc());
}

/* Processes are init's business in Sprat. */
static inline struct aos_rpc *aos_rpc_get_process_channel(void)
{
    return aos_rpc_route(get_init_rpc());
}

/* ---- init: numbers and strings ---------------------------------------------- */

static inline errval_t aos_rpc_send_number(struct aos_rpc *chan, uintptr_t val)
{
    (void)chan;
    return rpc_send_number(get_init_rpc(), (uint32_t)val);
}

static inline errval_t aos_rpc_send_string(struct aos_rpc *chan, const char *string)
{
    (void)chan;
    return rpc_send_string(get_init_rpc(), string);
}

/* ---- the memory server -------------------------------------------------------- */

/* alignment: 0 (no constraint) or a power of two (docs/rpc.md). */
static inline errval_t aos_rpc_get_ram_cap(struct aos_rpc *chan, size_t bytes,
                                           size_t alignment, struct capref *retcap,
                                           size_t *ret_bytes)
{
    (void)chan;
    return rpc_get_ram_cap(get_memserv_rpc(), bytes, alignment, retcap, ret_bytes);
}

/* ---- the serial driver -------------------------------------------------------- */

/* Foreground domain only: others get SERIAL_ERR_NOT_FOREGROUND. */
static inline errval_t aos_rpc_serial_getchar(struct aos_rpc *chan, char *retc)
{
    (void)chan;
    return rpc_serial_getchar(get_serial_input_rpc(), retc);
}

/* In order with printf's output (rpc_serial_putchar). */
static inline errval_t aos_rpc_serial_putchar(struct aos_rpc *chan, char c)
{
    (void)chan;
    return rpc_serial_putchar(get_serial_rpc(), c);
}

/* ---- processes (init) ----------------------------------------------------------- */

static inline errval_t aos_rpc_process_spawn(struct aos_rpc *chan, char *cmdline,
                                             coreid_t core, domainid_t *newpid)
{
    (void)chan;
    /* init joins name and args with a blank and splits the result into
     * argv: the whole command line can go as the name. */
    return rpc_process_spawn_on(get_init_rpc(), core, cmdline, "", newpid);
}

/* *name is malloc'd: free it. */
static inline errval_t aos_rpc_process_get_name(struct aos_rpc *chan, domainid_t pid,
                                                char **name)
{
    (void)chan;
    return rpc_process_get_name(get_init_rpc(), pid, name);
}

/* *pids is malloc'd: free it. */
static inline errval_t aos_rpc_process_get_all_pids(struct aos_rpc *chan,
                                                    domainid_t **pids, size_t *pid_count)
{
    (void)chan;
    return rpc_process_get_all_pids(get_init_rpc(), pids, pid_count);
}

#endif
