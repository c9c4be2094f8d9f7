/*
 * user/sys/init/init.h -- what init's files share (docs/rpc.md): the domain
 * table (procmgr.c), the names (names.c), the services (services.c), a
 * domain's end (death.c), the boot list (bootlist.c), the system's services
 * (system.c), the prompt (shell.c) and the test directives (spawntest.c).
 * Everything below marked "lock held" is called with `lock` held.
 */
#ifndef INIT_INIT_H
#define INIT_INIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sprat/errors.h>

#include <sprat/domain_id.h>

/* The core this init runs on (0: the boot core), and init's own id and
 * name there ("init", "init.1"; main.c). */
extern unsigned init_core;
extern const char *init_name;
#define INIT_DOMAIN_ID  domain_id_init(init_core)

#include <sys/rpc.h>
#include <sys/spawn.h>
#include <sys/threads.h>
#include <if/init.h>

#define MAX_DOMAINS     64
#define MAX_ARGS        16
#define MAX_WAITERS     MAX_DOMAINS     /* PROCESS_WAIT: one per caller */
#define NAME_BYTES      32

/* ---- main.c: what every file shares ------------------------------------ */

extern struct thread_mutex lock;        /* guards every table */
extern struct thread_cond changed;      /* a domain ended, a service came */
extern struct waitset *ws;              /* the event thread's */
extern const rpc_handler_fn init_handlers[RPC_INIT_COUNT];
/* SYS_ERR_WRONG_CAP_TYPE unless cap is an endpoint. */
errval_t check_endpoint(struct capref cap);
/* How many of a table's n entries domain id owns (owner_at(i): entry i's
 * owner, 0 if free): the per-domain limits of names.c and services.c. */
unsigned owned_by(uint32_t id, unsigned n, uint32_t (*owner_at)(unsigned));

/* ---- procmgr.c: the domains --------------------------------------------- */

struct domain {
    bool running;
    bool expect_fault;
    bool any_end;                   /* a hostile child: no end is a failure */
    bool killed;
    bool dying;                     /* being reaped: no longer findable */
    bool system;                    /* memserv, serial: not to be killed */
    size_t ram;                     /* the RAM it was started with; 0 until
                                     * it runs (still being built) */
    struct spawninfo si;
    uint32_t parent;                /* who spawned it (PROCESS_SPAWN); 0: init */
    struct rpc_chan chan;           /* its channel to us */
    struct { struct rpc_chan *rc; uint16_t seq; } waiters[MAX_WAITERS];
    unsigned num_waiters;           /* PROCESS_WAIT calls */
    struct {                        /* its SERVICE_CONNECT, for the connector */
        bool pending;
        uint16_t seq;
        char name[NAME_BYTES];
        struct capref ep;
    } connect;
};

extern struct domain domains[MAX_DOMAINS];
extern unsigned num_running;

#define START_EXPECT_FAULT  1u
#define START_FOREGROUND    2u      /* it gets the terminal */
#define START_SYSTEM        4u      /* memserv, serial: kill refuses */
/* PROCESS_SPAWN of "?name": a domain that may end any way at all (the
 * fuzzer's hostile children, docs/reliability.md); not a test result,
 * and any domain may stop it with PROCESS_KILL. */
#define START_ANY_END       8u

/* Start argv[0] (leading NAME=value words: its environment); extra: the
 * capabilities it gets besides init's (NULL: none); ram: 0 for the default. */
errval_t start_domain(int argc, char **argv, unsigned flags,
                      const struct spawn_caps *extra, size_t ram, uint32_t *id_out);
/* The running domain id, not being reaped (lock held), or NULL. */
struct domain *domain_by_id(uint32_t id);
/* A domain whose SERVICE_CONNECT waits for the connector (lock held). */
struct domain *next_connect_locked(void);
/* Drop the PROCESS_WAIT calls domain dead made (lock held). */
void procmgr_forget_waits_locked(const struct domain *dead);
/* d ended with status: keep it for its parent (lock held). */
void exited_domain_ended(struct domain *d, uint32_t id, int status);
/* Until no domain but the system's (only those called name, if not NULL;
 * not those that serve others, if but_servers) runs. */
void wait_running(const char *name, bool but_servers);
/* Until domain id has been reaped (another thread reaps it). */
void wait_reaped(uint32_t id);
void h_spawn(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp);
void h_get_name(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp);
void h_list(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp);
void h_wait(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp);
void h_kill(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp);
void h_run(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp);
void h_ps(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp);
void h_modules(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp);
/* The shell's domain (terminal.c), 0 until it runs: it may give a domain
 * the terminal (PROCESS_RUN) and stop any but the system's. */
extern uint32_t shell_id;

/* Start boot module name with args on this core for domain parent (of
 * any core: PROCESS_SPAWN and remote.c's CORE_SPAWN). */
errval_t spawn_for(uint32_t parent, const char *name, const char *args, unsigned flags,
                   uint32_t *id);
/* PROCESS_KILL of id (any core): by_shell may stop any domain but the
 * system's, others only those started as "?name". */
errval_t kill_checked(uint32_t id, bool by_shell);
/* This core's "id state KiB name" table (PROCESS_PS), malloc'd. */
char *process_table(void);
void h_spawn_on(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp);

/* ---- remote.c: domains of other cores ------------------------------------ */

/* Ask core's init (not ours) to start name for parent; the errors of
 * PROCESS_SPAWN_ON. */
errval_t remote_spawn(unsigned core, uint32_t parent, const char *name, const char *args,
                      unsigned flags, uint32_t *id);
errval_t remote_kill(uint32_t id, bool by_shell);
errval_t remote_name(uint32_t id, char **name);
struct mem_numbers;
errval_t remote_mem(unsigned core, struct mem_numbers *m);
/* table (PROCESS_PS's, malloc'd) with every other core's appended. */
char *remote_ps_append(char *table);
/* PROCESS_WAIT of another core's domain (lock held): SYS_ERR_OK with
 * *status, LIB_ERR_RPC_DEFERRED (answered at its CORE_DIED), or an error. */
errval_t remote_wait_locked(struct rpc_chan *rc, uint32_t id, int *status);
/* dead's waits and records of children on other cores go (lock held). */
void remote_forget_locked(const struct domain *dead);
/* d, started for a domain of another core, ended: tell that core's init. */
void remote_tell_death(const struct domain *d, uint32_t id, int status);
/* The other core's init has died (cores.c): its domains are gone for
 * their parents here (SPAWN_ERR_CORE_DOWN) and for our services. */
void remote_core_down(void);
/* core.idl's process methods, served to the other init. */
void h_core_spawn(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp);
void h_core_kill(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp);
void h_core_ps(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp);
void h_core_mem(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp);
void h_core_name(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp);
void h_core_died(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp);

/* ---- names.c ----------------------------------------------------------- */

void h_register(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp);
void h_lookup(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp);
/* The names domain id registered go (lock held). */
void names_forget_locked(uint32_t id);

/* ---- services.c --------------------------------------------------------- */

void h_service_register(struct rpc_chan *rc, struct rpc_payload *req,
                        struct rpc_payload *resp);
void h_connect(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp);
/* The thread that asks services for their clients' channels. */
int connector(void *arg);
/* A channel for client to service name, whose endpoint is ep (ours to
 * keep: the client's watch); LIB_ERR_NAME_NOT_FOUND if there is none. */
errval_t connect_service(const char *name, uint32_t client, struct capref ep,
                         struct capref *service_ep);
/* Tell whoever waits on ep that the service (domain id service) died. */
void tell_peer_dead(struct capref ep, uint32_t service);
/* rpc_connect in init itself (rpc_connect_hook). */
errval_t connect_local(const char *name, struct capref endpoint, struct capref *service_ep);
/* Has service name registered (and not died)? */
bool service_exists(const char *name);
/* Until service name has registered (start-up). */
void wait_for_service(const char *name);
/* Does domain id serve others (lock held)? */
bool owns_service(uint32_t id);
/* Domain id's services and watches go; their clients are told (lock held). */
void services_forget_locked(uint32_t id);
/* Tell every service (one-way) that domain id is gone. */
void tell_services(uint32_t id);
errval_t memserv_stats(size_t *free_bytes, size_t *total, uint32_t *clients);

/* ---- relay.c: a client's calls forwarded to a service ------------------ */

/* SERVICE_CONNECT("relay:NAME"): a channel to NAME through a relay on
 * this core (relay.c's header). */
#define RELAY_PREFIX    "relay:"
/* A relay for client (endpoint ep, ours to keep) to local service name;
 * *service_ep: the endpoint the client gets (the caller deletes it). */
errval_t relay_connect_local(const char *name, uint32_t client, struct capref ep,
                             struct capref *service_ep);
/* A relay for client to service name on the other core (through its
 * init, CORE_CONNECT); relay_remote_possible: is there one to ask? */
bool relay_remote_possible(void);
/* Make the relays' threads and frames now (relay.c: init of core 1). */
void relays_prepare(void);
errval_t relay_connect_remote(const char *name, uint32_t client, struct capref ep,
                              struct capref *service_ep);
/* Domain id is gone: its relays stop (lock held); true if the other
 * core's init must hear of it: relays_tell_other_core (lock not held). */
bool relays_forget_locked(uint32_t id);
void relays_tell_other_core(uint32_t id);
/* Is id a client on the other core with a far relay here (lock held)? */
bool relay_client_across_locked(uint32_t id);
/* The other core's init has died (cores.c): our far relays' clients are
 * gone -- their relays stop and our services hear of it. */
void relays_core_down(void);
/* The other core's init's calls (core.idl). */
void h_core_connect(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp);
void h_core_client_gone(struct rpc_chan *rc, struct rpc_payload *req,
                        struct rpc_payload *resp);
void h_core_frame_done(struct rpc_chan *rc, struct rpc_payload *req,
                       struct rpc_payload *resp);

/* ---- death.c ------------------------------------------------------------ */

extern struct lmp_chan death_chan;      /* the kernel's death messages */
void death_event(void *arg);

/* ---- bootlist.c ---------------------------------------------------------- */

extern bool test_mode;                  /* @test (the test build's) */
extern unsigned failures;               /* domains that did not end as expected */
extern const char *quota_kib;           /* @quota, or NULL: memserv's default */
extern unsigned other_core_lines;       /* "@core N" lines of other cores */
/* Run each line of the boot list; settings (@...) on the first pass only,
 * everything else on the second. */
void run_bootlist(bool first_pass);

/* ---- system.c ------------------------------------------------------------ */

/* A service, and the device capabilities it gets (system.c). */
struct service_desc {
    const char *name;           /* its boot module */
    const char *device;         /* a device region's name (bootinfo), or
                                 * DEVICE_CONSOLE, or NULL: no device */
    bool irq;                   /* the device's interrupt too */
};
#define DEVICE_CONSOLE  "console"   /* the first device: the console UART */

/* Start the system's services (memserv, then system_services[]) and wait
 * until each has registered. */
void start_services(void);
/* Start s->name with argv[1..argc) and s's device capabilities: the
 * DevFrame in TASKCN_SLOTS_FREE, the IRQ in TASKCN_SLOTS_FREE + 1, the
 * device's name as its first argument.  SPAWN_ERR_NO_DEVICE: no such
 * device; SPAWN_ERR_DEVICE_IRQ: an interrupt init does not know. */
errval_t start_service(const struct service_desc *s, int argc, char **argv,
                       unsigned flags, uint32_t *id);

/* ---- tests/user/init_test: the test build of init ----------------------
 * The test images' init is init's files plus tests/user/init_test/ (the
 * test directives, the boot-time checks, the memory test, test_report);
 * the release init does not link them, and there these weak declarations
 * are NULL (a file that defines them is all the test build adds). */

/* A test directive (@test, @memtest, @spawntest): run it, true; false if
 * it is none. */
bool init_test_directive(int argc, char **argv, bool first_pass) __attribute__((weak));
/* In a test image (@test), before the system's services start. */
void init_test_boot_checks(void) __attribute__((weak));
/* Domain d ended as expected (ok) or not, while it is reaped (lock held):
 * a test result in a test image, for a domain not started as "?name". */
void init_test_domain_ended(const struct domain *d, bool ok) __attribute__((weak));
/* On a core other than the boot core: a message from the boot core's init
 * that init's own handler does not know (the tests' CORE_MSG_XCAP_*,
 * tests/user/init_test/cores_xcap.c); true if it was one. */
bool init_test_core_msg(const uint32_t *w, unsigned len) __attribute__((weak));

/* ---- procmgr.c, services.c, bootlist.c: more of the domains, memory and
 * command lines (the shell's methods, the test build) --------------------- */

/* Start boot module name with the blank-separated arguments args. */
errval_t spawn_command(const char *name, const char *args, unsigned flags, uint32_t *id);
/* Stop domain id; it is reaped like any domain that ends: its memory and
 * channels come back.  SPAWN_ERR_SYSTEM_DOMAIN for init, memserv, serial. */
errval_t kill_domain(uint32_t id);
void set_foreground(uint32_t id);
bool domain_name(uint32_t id, char *name, size_t size);

struct domain_info {
    uint32_t id;
    char name[32];
    uint32_t state;                 /* enum dispatcher_state (sprat/caps.h) */
    size_t ram;                     /* started with (init: what it holds) */
};
unsigned domain_list(struct domain_info *out, unsigned max);

/* Free memory: the memory server's, and init's (for spawning). */
struct mem_numbers {
    size_t memserv_free, memserv_total, init_free;
};
errval_t mem_numbers(struct mem_numbers *m);
errval_t memserv_usage(uint32_t id, size_t *bytes);

/* Split line into at most max blank-separated words ('#' ends it). */
int split(char *line, char **argv, int max);

/* ---- terminal.c ---------------------------------------------------------- */

/* The thread that waits for Ctrl-C at the serial driver. */
void terminal_interrupts_start(void);
/* Start the shell and give it the terminal for good. */
void terminal_start_shell(void);
/* The serial driver's foreground domain, and the one the terminal goes
 * back to when that one ends (services.c). */
void set_home(uint32_t id);

#endif
