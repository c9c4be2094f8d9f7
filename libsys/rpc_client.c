/*
 * libsys/rpc_client.c -- a domain's channels to init, the memory server
 * and the serial driver, and what libc and malloc do with them.  The
 * typed client stubs themselves are generated from libsys/if/init.idl,
 * memserv.idl and serial.idl.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/rpc.h>
#include <sys/ram.h>
#include <sys/stdio_backend.h>
#include <sprat/bootinfo.h>
#include <if/init.h>
#include <if/memserv.h>
#include <if/serial.h>

errval_t (*rpc_connect_hook)(const char *name, struct capref endpoint,
                             struct capref *service_endpoint);

/* The well-known channels are made once, by whichever thread needs one
 * first. */
static struct thread_mutex channels_lock = THREAD_MUTEX_INITIALIZER;

struct rpc_chan *get_init_rpc(void)
{
    static struct rpc_chan chan;
    static struct rpc_chan *rc;
    struct capability_info info;

    thread_mutex_lock(&channels_lock);
    if (rc == NULL && err_is_ok(cap_identify(taskcn_cap(TASKCN_SLOT_INITEP), &info)) &&
        info.type == ObjType_EndPoint &&
        err_is_ok(rpc_chan_init(&chan, taskcn_cap(TASKCN_SLOT_INITEP)))) {
        /* HELLO tells init where to send its answers. */
        if (err_is_ok(rpc_hello(&chan, chan.lc.local_cap))) {
            rc = &chan;
        }
    }
    thread_mutex_unlock(&channels_lock);
    return rc;
}

/* rpc_connect into rc's storage. */
static errval_t connect_into(const char *name, struct rpc_chan *rc)
{
    struct capref ep;
    errval_t err = rpc_chan_init(rc, NULL_CAP);
    if (err_is_fail(err)) {
        return err;
    }
    /* init gets a copy of our endpoint: it hands one to the service, and
     * keeps one to tell us if the service dies. */
    if (rpc_connect_hook) {
        err = rpc_connect_hook(name, rc->lc.local_cap, &ep);
    } else {
        err = rpc_service_connect(get_init_rpc(), name, rc->lc.local_cap, &ep);
    }
    if (err_is_fail(err)) {
        lmp_chan_destroy(&rc->lc);
        return err;
    }
    lmp_chan_set_remote(&rc->lc, ep);
    return SYS_ERR_OK;
}

errval_t rpc_connect(const char *name, struct rpc_chan **ret)
{
    struct rpc_chan *rc = malloc(sizeof(*rc));
    if (rc == NULL) {
        return LIB_ERR_MALLOC_FAIL;
    }
    errval_t err = connect_into(name, rc);
    if (err_is_fail(err)) {
        free(rc);
        return err;
    }
    *ret = rc;
    return SYS_ERR_OK;
}

/* A service's channel, made on first use; NULL (and tried again next
 * time) while the service does not exist yet.  Static storage, and no
 * allocation on the way: the memory server's channel is first needed
 * from inside malloc (sbrk refilling the heap). */
struct service_chan {
    struct rpc_chan chan;
    bool ready;
};

static struct rpc_chan *connected(struct service_chan *sc, const char *name)
{
    /* Made once, never unmade, and made under the lock: once it is ready
     * no lock is needed to use it.  (Every rpc_get_ram_cap of a program
     * passes here; the mutex was 50 of its instructions, docs/rpc.md.) */
    if (sc->ready) {
        return &sc->chan;
    }
    thread_mutex_lock(&channels_lock);
    if (!sc->ready) {
        sc->ready = err_is_ok(connect_into(name, &sc->chan));
    }
    thread_mutex_unlock(&channels_lock);
    return sc->ready ? &sc->chan : NULL;
}

struct rpc_chan *get_memserv_rpc(void)
{
    static struct service_chan memserv;
    return connected(&memserv, "memserv");
}

/* stdout: the serial driver, on every core -- a domain of another core
 * binds to the boot core's driver through the relays in both inits
 * (docs/multikernel.md, "Binding across cores"). */
struct rpc_chan *get_serial_rpc(void)
{
    static struct service_chan serial;
    return connected(&serial, "serial");
}

/* When the domain's own RAM runs low, ask the memory server for more: a
 * good chunk, so that we do not ask for every page, and half as much
 * each time the quota refuses, down to what is needed. */
#define REFILL_CHUNK (4u * 1024 * 1024)

static errval_t refill_from_memserv(size_t min_bytes)
{
    struct rpc_chan *rc = get_memserv_rpc();
    size_t chunk = min_bytes > REFILL_CHUNK ? min_bytes : REFILL_CHUNK;
    struct capref ram;
    errval_t err;
    if (rc == NULL) {
        return LIB_ERR_RAM_ALLOC;
    }
    for (;;) {
        err = rpc_get_ram_cap(rc, chunk, BASE_PAGE_SIZE, &ram, NULL);
        if (err != MM_ERR_QUOTA_EXCEEDED || chunk == min_bytes) {
            break;
        }
        chunk = chunk / 2 > min_bytes ? chunk / 2 : min_bytes;
    }
    if (err_is_ok(err)) {
        err = ram_add_source(ram);
    }
    return err;
}

/* stdout and stdin through the serial driver; the kernel's console until
 * there is one (or if it has gone). */
static void serial_write_line(uint32_t stream, const char *buf, size_t len)
{
    if (err_is_fail(rpc_serial_write_stream(get_serial_rpc(), stream, buf, len))) {
        sys_debug_print(buf, len);
    }
}

/* stdin has a channel of its own: a thread waiting for a key holds its
 * channel (one call in flight per channel) and must not hold up another
 * thread's output.  On every core, as stdout: a domain of another core
 * reads the keys through the relays when it holds the terminal (`run -c
 * 1`), and end of input when it does not (docs/multikernel.md, "Binding
 * across cores"). */
struct rpc_chan *get_serial_input_rpc(void)
{
    static struct service_chan input;
    return connected(&input, "serial");
}

static int serial_read_char(void)
{
    char c;
    if (err_is_fail(rpc_serial_getchar(get_serial_input_rpc(), &c))) {
        return -1;
    }
    return (unsigned char)c;
}

/* SERIAL_PUTCHAR by itself would be a stream apart from printf's (the
 * serial driver keeps one line per stream): the character joins the
 * calling thread's stdout line instead, and that line so far goes out
 * through rc now, on stdout's stream -- one ordered stream. */
static errval_t write_through(void *rc, uint32_t stream, const char *buf, size_t len)
{
    return rpc_serial_write_stream(rc, stream, buf, len);
}

errval_t rpc_serial_putchar(struct rpc_chan *rc, char c)
{
    return stdio_put_through(c, write_through, rc);
}

/* PROCESS_LIST's "id name" lines, just the ids. */
errval_t rpc_process_get_all_pids(struct rpc_chan *rc, uint32_t **pids, size_t *count)
{
    char *list, *p;
    errval_t err = rpc_process_list(rc, &list);
    if (err_is_fail(err)) {
        return err;
    }
    size_t n = 1;                       /* lines: at most one more than newlines */
    for (p = list; *p; p++) {
        n += *p == '\n';
    }
    uint32_t *ids = malloc(n * sizeof(*ids));
    if (ids == NULL) {
        free(list);
        return LIB_ERR_MALLOC_FAIL;
    }
    /* (A last line without its newline -- a server's answer is not to be
     * trusted -- still counts, and ends the walk.) */
    n = 0;
    for (p = list; *p; p++) {
        ids[n++] = (uint32_t)strtoul(p, NULL, 10);
        if ((p = strchr(p, '\n')) == NULL) {
            break;
        }
    }
    free(list);
    *pids = ids;
    *count = n;
    return SYS_ERR_OK;
}

static const struct stdio_backend serial_backend = { serial_write_line, serial_read_char };

void rpc_client_init(void)
{
    ram_refill_hook = refill_from_memserv;
    stdio_set_backend(&serial_backend);
}
