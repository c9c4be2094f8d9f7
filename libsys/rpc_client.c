/*
 * libsys/rpc_client.c -- a domain's channels to init, the memory server
 * and the serial driver, and the typed client stubs (one per RPC of
 * include/sprat/rpc_methods.def that clients call).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/rpc.h>
#include <sys/disp.h>
#include <sys/ram.h>
#include <sys/stdio_backend.h>
#include <sprat/bootinfo.h>

static bool have_cap(struct capref c)
{
    struct capability_info info;
    return err_is_ok(cap_identify(c, &info)) && info.type == ObjType_EndPoint;
}

struct rpc_chan *get_init_rpc(void)
{
    static struct rpc_chan chan;
    static struct rpc_chan *rc;
    if (rc == NULL && have_cap(taskcn_cap(TASKCN_SLOT_INITEP)) &&
        err_is_ok(rpc_chan_init(&chan, taskcn_cap(TASKCN_SLOT_INITEP)))) {
        /* HELLO tells init where to send its answers. */
        struct rpc_payload req = { .nscalar = 1, .scalar = { disp_domain_id() },
                                   .cap = chan.lc.local_cap };
        struct rpc_payload resp;
        if (err_is_ok(rpc_call(&chan, RPC_HELLO, &req, &resp))) {
            rc = &chan;
        }
        rpc_payload_free(&resp);
    }
    return rc;
}

static struct rpc_chan *bound(struct rpc_chan **rc, uint32_t slot)
{
    if (*rc == NULL && have_cap(taskcn_cap(slot))) {
        rpc_bind(taskcn_cap(slot), rc);
    }
    return *rc;
}

struct rpc_chan *get_memserv_rpc(void)
{
    static struct rpc_chan *rc;
    return bound(&rc, TASKCN_SLOT_MEMSERV_EP);
}

struct rpc_chan *get_serial_rpc(void)
{
    static struct rpc_chan *rc;
    return bound(&rc, TASKCN_SLOT_SERIAL_EP);
}

/* ---- the stubs ---------------------------------------------------------- */

static errval_t call_simple(struct rpc_chan *rc, enum rpc_method m,
                            struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_payload ignore;
    errval_t err = rpc_call(rc, m, req, resp ? resp : &ignore);
    if (resp == NULL) {
        rpc_payload_free(&ignore);
    }
    return err;
}

errval_t rpc_send_number(struct rpc_chan *rc, uint32_t number)
{
    struct rpc_payload req = { .nscalar = 1, .scalar = { number } };
    return call_simple(rc, RPC_NUMBER, &req, NULL);
}

errval_t rpc_send_string(struct rpc_chan *rc, const char *string)
{
    struct rpc_payload req = { .bytes = (uint8_t *)string, .len = strlen(string) };
    return call_simple(rc, RPC_STRING, &req, NULL);
}

errval_t rpc_get_ram_cap(struct rpc_chan *rc, size_t bytes, size_t alignment,
                         struct capref *ret, size_t *ret_bytes)
{
    struct rpc_payload req = { .nscalar = 2, .scalar = { bytes, alignment } };
    struct rpc_payload resp;
    errval_t err = rpc_call(rc, RPC_RAM_CAP, &req, &resp);
    if (err_is_ok(err)) {
        *ret = resp.cap;
        if (ret_bytes) {
            *ret_bytes = resp.nscalar > 0 ? resp.scalar[0] : 0;
        }
    }
    rpc_payload_free(&resp);
    return err;
}

errval_t rpc_serial_putchar(struct rpc_chan *rc, char c)
{
    struct rpc_payload req = { .nscalar = 1, .scalar = { (uint8_t)c } };
    return call_simple(rc, RPC_SERIAL_PUTCHAR, &req, NULL);
}

errval_t rpc_serial_getchar(struct rpc_chan *rc, char *c)
{
    struct rpc_payload req = { 0 };
    struct rpc_payload resp;
    errval_t err = rpc_call(rc, RPC_SERIAL_GETCHAR, &req, &resp);
    if (err_is_ok(err)) {
        *c = resp.nscalar > 0 ? (char)resp.scalar[0] : 0;
    }
    rpc_payload_free(&resp);
    return err;
}

errval_t rpc_serial_write(struct rpc_chan *rc, const char *buf, size_t len)
{
    struct rpc_payload req = { .bytes = (uint8_t *)buf, .len = len };
    return call_simple(rc, RPC_SERIAL_WRITE, &req, NULL);
}

errval_t rpc_process_spawn(struct rpc_chan *rc, const char *cmdline,
                           uint32_t *domain_id)
{
    struct rpc_payload req = { .bytes = (uint8_t *)cmdline, .len = strlen(cmdline) };
    struct rpc_payload resp;
    errval_t err = rpc_call(rc, RPC_PROCESS_SPAWN, &req, &resp);
    if (err_is_ok(err) && domain_id) {
        *domain_id = resp.nscalar > 0 ? resp.scalar[0] : 0;
    }
    rpc_payload_free(&resp);
    return err;
}

/* Calls whose answer is a string: hand over the malloc'd bytes. */
static errval_t call_string(struct rpc_chan *rc, enum rpc_method m,
                            struct rpc_payload *req, char **out)
{
    struct rpc_payload resp;
    errval_t err = rpc_call(rc, m, req, &resp);
    if (err_is_ok(err)) {
        *out = resp.bytes ? (char *)resp.bytes : strdup("");
        return SYS_ERR_OK;
    }
    rpc_payload_free(&resp);
    return err;
}

errval_t rpc_process_get_name(struct rpc_chan *rc, uint32_t domain_id, char **name)
{
    struct rpc_payload req = { .nscalar = 1, .scalar = { domain_id } };
    return call_string(rc, RPC_PROCESS_GET_NAME, &req, name);
}

errval_t rpc_process_list(struct rpc_chan *rc, char **list)
{
    struct rpc_payload req = { 0 };
    return call_string(rc, RPC_PROCESS_LIST, &req, list);
}

errval_t rpc_process_wait(struct rpc_chan *rc, uint32_t domain_id, int *status)
{
    struct rpc_payload req = { .nscalar = 1, .scalar = { domain_id } };
    struct rpc_payload resp;
    errval_t err = rpc_call(rc, RPC_PROCESS_WAIT, &req, &resp);
    if (err_is_ok(err) && status) {
        *status = resp.nscalar > 0 ? (int)resp.scalar[0] : 0;
    }
    rpc_payload_free(&resp);
    return err;
}

errval_t rpc_name_register(struct rpc_chan *rc, const char *name, struct capref ep)
{
    struct rpc_payload req = { .bytes = (uint8_t *)name, .len = strlen(name), .cap = ep };
    return call_simple(rc, RPC_NAME_REGISTER, &req, NULL);
}

errval_t rpc_name_lookup(struct rpc_chan *rc, const char *name, struct capref *ep)
{
    struct rpc_payload req = { .bytes = (uint8_t *)name, .len = strlen(name) };
    struct rpc_payload resp;
    errval_t err = rpc_call(rc, RPC_NAME_LOOKUP, &req, &resp);
    if (err_is_ok(err)) {
        *ep = resp.cap;
    }
    rpc_payload_free(&resp);
    return err;
}

errval_t rpc_echo(struct rpc_chan *rc, const struct rpc_payload *req,
                  struct rpc_payload *resp)
{
    return rpc_call(rc, RPC_ECHO, req, resp);
}

/* When the domain's own RAM runs low, ask the memory server for more. */
static errval_t refill_from_memserv(size_t bytes)
{
    struct rpc_chan *rc = get_memserv_rpc();
    struct capref ram;
    if (rc == NULL) {
        return LIB_ERR_RAM_ALLOC;
    }
    errval_t err = rpc_get_ram_cap(rc, bytes, 4096, &ram, NULL);
    if (err_is_ok(err)) {
        err = ram_add_source(ram);
    }
    return err;
}

/* stdout and stdin through the serial driver, once there is one. */
static void serial_write_line(const char *buf, size_t len)
{
    struct rpc_chan *rc = get_serial_rpc();
    if (rc == NULL || err_is_fail(rpc_serial_write(rc, buf, len))) {
        sys_debug_print(buf, len);
    }
}

static int serial_read_char(void)
{
    struct rpc_chan *rc = get_serial_rpc();
    char c;
    if (rc == NULL || err_is_fail(rpc_serial_getchar(rc, &c))) {
        return -1;
    }
    return (unsigned char)c;
}

static const struct stdio_backend serial_backend = { serial_write_line, serial_read_char };

void rpc_client_init(void)
{
    ram_refill_hook = refill_from_memserv;
    if (have_cap(taskcn_cap(TASKCN_SLOT_SERIAL_EP))) {
        stdio_set_backend(&serial_backend);
    }
}

void rpc_client_use_serial(void)
{
    stdio_set_backend(&serial_backend);
}
