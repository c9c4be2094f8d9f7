/*
 * user/sys/init/main.c -- the first domain: start-up and the channels it
 * serves (docs/messaging.md, docs/rpc.md).
 *
 * init starts the system's services (system.c: the memory server, the
 * serial driver), then the domains of the boot list (bootlist.c); serves
 * every domain's channel to it -- processes (procmgr.c), names (names.c),
 * services (services.c); reports how each domain ends and tells the
 * services, so they take its memory and channels back (death.c); and,
 * outside test images, starts the shell (terminal.c, user/sys/shell).
 *
 * Threads: the event thread serves every channel and the death endpoint;
 * the main thread runs the boot list and then the prompt; the connector
 * thread forwards SERVICE_CONNECT requests to the services (services.c),
 * so that a slow service never holds up the event thread; the prompt's
 * interrupt thread waits for Ctrl-C (terminal.c); with a second core, the
 * cores_serve thread serves core 1's init (cores.c).  `lock` guards the tables
 * of every file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/invoke.h>
#include <sys/ram.h>
#include <sys/rpc.h>
#include <sys/rpc_service.h>
#include <sys/threads.h>
#include <if/init.h>
#include "init.h"
#include "cores.h"

struct thread_mutex lock = THREAD_MUTEX_INITIALIZER;
struct thread_cond changed = THREAD_COND_INITIALIZER;
struct waitset *ws;

/* ---- the channel's small methods ------------------------------------------ */

static const char *caller_name(struct rpc_chan *rc)
{
    struct domain *d = rc->st;
    return d ? d->si.name : "?";
}

/* A capability a client says is an endpoint, checked: anything else
 * would break our answers (HELLO) or be handed on to a service. */
errval_t check_endpoint(struct capref cap)
{
    struct capability_info info;
    errval_t err = cap_identify(cap, &info);
    if (err_is_ok(err) && info.type != ObjType_EndPoint) {
        err = SYS_ERR_WRONG_CAP_TYPE;
    }
    return err;
}

/* How many of the n entries a table has are owned by domain id
 * (owner_at(i) is entry i's owner, or 0 for a free entry). */
unsigned owned_by(uint32_t id, unsigned n, uint32_t (*owner_at)(unsigned))
{
    unsigned count = 0;
    for (unsigned i = 0; i < n; i++) {
        count += owner_at(i) == id;
    }
    return count;
}

static void h_hello(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_hello_req in;
    if ((resp->err = rpc_hello_req_unpack(req, &in)) ||
        (resp->err = check_endpoint(in.endpoint))) {
        return;
    }
    cap_destroy(rc->lc.remote_cap);
    lmp_chan_set_remote(&rc->lc, in.endpoint);   /* where our answers go from now on */
    req->cap = NULL_CAP;
}

static void h_number(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_number_req in;
    if ((resp->err = rpc_number_req_unpack(req, &in)) == SYS_ERR_OK) {
        printf("init: %s sent the number %u\n", caller_name(rc), (unsigned)in.number);
    }
}

static void h_string(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_string_req in;
    if ((resp->err = rpc_string_req_unpack(req, &in)) == SYS_ERR_OK) {
        printf("init: %s sent a string of %u bytes: %.60s\n", caller_name(rc),
               (unsigned)strlen(in.string), in.string);
    }
}

static void h_mem_info(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_mem_info_req in;
    struct rpc_mem_info_resp out = { .init_free = ram_free_bytes() };
    if ((resp->err = rpc_mem_info_req_unpack(req, &in)) ||
        (resp->err = memserv_stats(&out.memserv_free, &out.memserv_total, NULL))) {
        return;
    }
    resp->err = rpc_mem_info_resp_pack(resp, &out);
}

/* MEM_INFO of core in.core: ours, or its init's (remote.c). */
static void h_mem_info_on(struct rpc_chan *rc, struct rpc_payload *req,
                          struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_mem_info_on_req in;
    struct mem_numbers m;
    if ((resp->err = rpc_mem_info_on_req_unpack(req, &in))) {
        return;
    }
    resp->err = in.core == init_core ? mem_numbers(&m) : remote_mem(in.core, &m);
    if (err_is_ok(resp->err)) {
        resp->err = rpc_mem_info_on_resp_pack(resp, &(struct rpc_mem_info_on_resp){
                                                  m.memserv_free, m.memserv_total,
                                                  m.init_free });
    }
}

static void h_echo_string(struct rpc_chan *rc, struct rpc_payload *req,
                          struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_test_echo_string_req in;
    if ((resp->err = rpc_test_echo_string_req_unpack(req, &in)) == SYS_ERR_OK) {
        resp->err = rpc_test_echo_string_resp_pack(resp,
                        &(struct rpc_test_echo_string_resp){ in.s });
    }
}

/* Every method a domain's channel to init serves. */
const rpc_handler_fn init_handlers[RPC_INIT_COUNT] = {
    [RPC_HELLO] = h_hello,
    [RPC_NUMBER] = h_number,
    [RPC_STRING] = h_string,
    [RPC_PROCESS_SPAWN] = h_spawn,
    [RPC_PROCESS_SPAWN_ON] = h_spawn_on,
    [RPC_PROCESS_GET_NAME] = h_get_name,
    [RPC_PROCESS_LIST] = h_list,
    [RPC_PROCESS_WAIT] = h_wait,
    [RPC_PROCESS_KILL] = h_kill,
    [RPC_PROCESS_RUN] = h_run,
    [RPC_PROCESS_PS] = h_ps,
    [RPC_PROCESS_MODULES] = h_modules,
    [RPC_NAME_REGISTER] = h_register,
    [RPC_NAME_LOOKUP] = h_lookup,
    [RPC_SERVICE_REGISTER] = h_service_register,
    [RPC_SERVICE_CONNECT] = h_connect,
    [RPC_MEM_INFO] = h_mem_info,
    [RPC_MEM_INFO_ON] = h_mem_info_on,
    [RPC_ECHO] = rpc_handle_echo,
    [RPC_TEST_ECHO_STRING] = h_echo_string,
};

static int event_loop(void *arg)
{
    (void)arg;
    for (;;) {
        event_dispatch(ws);
    }
    return 0;
}

unsigned init_core;
const char *init_name = "init";

/* "init core=N" on core N (kernel/startup.c): this init's core and name. */
static void take_core(int argc, char *argv[])
{
    static char name[8];
    if (argc > 1 && strncmp(argv[1], "core=", 5) == 0) {
        init_core = (unsigned)atoi(argv[1] + 5);
        snprintf(name, sizeof(name), "init.%u", init_core);
        init_name = name;
    }
}

int main(int argc, char *argv[])
{
    errval_t err;

    take_core(argc, argv);
    ws = get_default_waitset();
    rpc_connect_hook = connect_local;
    if (init_core == 0) {
        printf("init: started, %u MiB of RAM to hand out\n",
               (unsigned)(ram_free_bytes() >> 20));
        cores_start();
    }
    if ((err = lmp_chan_accept(&death_chan, 64 * 6, NULL_CAP)) ||
        (err = lmp_chan_register_recv(&death_chan, ws, MKCLOSURE(death_event, NULL)))) {
        DEBUG_ERR(err, "creating the death endpoint");
        return 1;
    }
    thread_create(event_loop, NULL);
    thread_create(connector, NULL);
    if (init_core != 0) {
        return core_init_main(init_core);   /* cores.c: init of another core */
    }
    run_bootlist(true);
    if (test_mode && init_test_boot_checks) {
        init_test_boot_checks();
    }
    start_services();
    if (!test_mode) {
        terminal_interrupts_start();    /* Ctrl-C from here on */
    }
    run_bootlist(false);
    /* A test image ends when every domain has; otherwise the prompt
     * comes when all have ended but those that serve others. */
    wait_running(NULL, !test_mode);
    if (test_mode) {
        cores_wait_boot_lists();
        printf("init: all boot-list domains have ended\n");
        kernel_shutdown(TASKCN_CAP(TASKCN_SLOT_KERNELCAP), failures);
    }
    cores_wait_boot_lists();            /* core 1's output before the prompt */
    terminal_start_shell();
    /* The event, connector and interrupt threads serve from here on. */
    thread_mutex_lock(&lock);
    for (;;) {
        thread_cond_wait(&changed, &lock);
    }
    return 0;
}
