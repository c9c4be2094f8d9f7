/*
 * tests/user/t_relay -- services through init's relays (user/sys/init/relay.c,
 * docs/multikernel.md, "Binding across cores").
 *
 * PREFIX goes before every service name: "relay:" (the default) binds
 * through a relay on this core; "-" (none) binds as usual, which on a
 * core without the service goes through the relays across cores.
 *
 *   t_relay calls [PREFIX]        every method of "rpctest" (t_rpcsrv 1),
 *                                 "memserv" and "serial": scalars, bytes
 *                                 inline and in a frame, a capability each
 *                                 way (a Frame to rpctest, RAM from and
 *                                 to memserv), a method the server lacks
 *   t_relay bad [PREFIX]          names no service has; more channels than
 *                                 one client may have (run it again and
 *                                 again: init's relays come back)
 *   t_relay server-dies [PREFIX]  "rpcdie" (t_rpcsrv die) faults in the
 *                                 middle of the call: LIB_ERR_RPC_PEER_DEAD
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/ram.h>
#include <sys/rpc.h>
#include <sys/rpc_service.h>
#include <systest.h>
#include <if/init.h>
#include <if/memserv.h>
#include <if/serial.h>

static const char *prefix = "relay:";

/* PREFIX + name, bound; waits while the service has not registered. */
static struct rpc_chan *bind_to(const char *name)
{
    char full[64];
    struct rpc_chan *rc = NULL;
    errval_t err;
    snprintf(full, sizeof(full), "%s%s", prefix, name);
    while ((err = rpc_connect(full, &rc)) == LIB_ERR_NAME_NOT_FOUND) {
        thread_yield();
        sys_yield(CPTR_NULL);
    }
    test_report(err_is_ok(err), "bound to %s (%s)", full, err_getcode(err));
    return err_is_ok(err) ? rc : NULL;
}

/* ECHO of nscalar scalars and len bytes: all of them come back. */
static bool echo(struct rpc_chan *rc, uint32_t nscalar, uint32_t len)
{
    struct rpc_payload req = { .nscalar = nscalar }, resp;
    uint8_t *buf = len ? malloc(len) : NULL;
    for (uint32_t i = 0; i < nscalar; i++) {
        req.scalar[i] = 0x5eed0000u + i;
    }
    for (uint32_t i = 0; i < len && buf; i++) {
        buf[i] = (uint8_t)(i * 7 + 3);
    }
    req.bytes = buf;
    req.len = buf ? len : 0;
    errval_t err = rpc_echo(rc, &req, &resp);
    bool ok = err_is_ok(err) && resp.nscalar == nscalar && resp.len == req.len &&
              (len == 0 || memcmp(resp.bytes, buf, len) == 0);
    for (uint32_t i = 0; ok && i < nscalar; i++) {
        ok = resp.scalar[i] == req.scalar[i];
    }
    rpc_payload_free(&resp);
    free(buf);
    return test_report(ok, "echo of %u scalars and %u bytes (%s)", (unsigned)nscalar,
                       (unsigned)len, err_getcode(err));
}

/* A method no interface has: the server's own answer comes back. */
static void unknown_method(struct rpc_chan *rc, const char *name)
{
    struct rpc_payload req = { .nscalar = 1, .scalar = { 1 } }, resp;
    errval_t err = rpc_call(rc, 250, &req, &resp);
    rpc_payload_free(&resp);
    test_report(err == LIB_ERR_RPC_UNKNOWN_METHOD, "%s: method 250 is unknown (%s)",
                name, err_getcode(err));
}

/* t_rpcsrv's "rpctest": every size of payload; calls (seq, our id) in
 * order, which t_rpcsrv checks came from us (the relay vouched for us),
 * and NUMBER says how many. */
static void rpctest(void)
{
    struct rpc_chan *rc = bind_to("rpctest");
    if (rc == NULL) {
        return;
    }
    echo(rc, 0, 0);
    echo(rc, 7, 0);
    echo(rc, 3, 100);
    echo(rc, 1, 4096);                  /* in a shared frame */
    echo(rc, 0, 60000);
    unknown_method(rc, "rpctest");
    /* A capability with the call: t_rpcsrv says what came (HELLO's number). */
    struct capref frame;
    struct rpc_payload req = { 0 }, resp;
    errval_t err = frame_alloc(&frame, 4096);
    if (err_is_ok(err)) {
        req.cap = frame;
        err = rpc_call(rc, RPC_HELLO, &req, &resp);
        cap_destroy(frame);
    }
    test_report(err_is_ok(err) && resp.nscalar == 2 && resp.scalar[0] == ObjType_Frame &&
                resp.scalar[1] == 4096, "a Frame capability of 4 KiB reached the server (%s)",
                err_getcode(err));
    uint32_t n = 20, bad = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct rpc_payload call = { .nscalar = 2, .scalar = { i, disp_domain_id() } }, answer;
        bad += err_is_fail(rpc_echo(rc, &call, &answer)) || answer.scalar[0] != i;
        rpc_payload_free(&answer);
    }
    test_report(bad == 0, "%u calls in order", (unsigned)n);
    TEST_ERR(rpc_send_number(rc, n), SYS_ERR_OK);
}

/* The memory server: a RAM capability comes back through the relay, and
 * goes back through it. */
static void memserv(void)
{
    struct rpc_chan *rc = bind_to("memserv");
    struct capref ram;
    size_t got = 0;
    struct capability_info info = { 0 };
    if (rc == NULL) {
        return;
    }
    errval_t err = rpc_get_ram_cap(rc, 8192, 4096, &ram, &got);
    if (err_is_ok(err)) {
        err = cap_identify(ram, &info);
    }
    test_report(err_is_ok(err) && info.type == ObjType_RAM && info.bytes == 8192 && got == 8192,
                "memserv: RAM_CAP, a RAM capability of 8 KiB (%s)", err_getcode(err));
    /* The memory server takes it back only from the domain it granted it
     * to: the relay said who we are. */
    TEST_ERR(rpc_free_ram_cap(rc, ram), SYS_ERR_OK);
    unknown_method(rc, "memserv");
    struct rpc_payload req = { 0 }, resp;
    TEST_ERR(rpc_call(rc, RPC_MEM_STATS, &req, &resp), LIB_ERR_RPC_UNKNOWN_METHOD);
}

/* The serial driver: a line on the terminal. */
static void serial(void)
{
    struct rpc_chan *rc = bind_to("serial");
    if (rc == NULL) {
        return;
    }
    static const char line[] = "t_relay: a line through the relay\n";
    TEST_ERR(rpc_serial_write(rc, line, strlen(line)), SYS_ERR_OK);
    static const char stream[] = "t_relay: a stream through the relay\n";
    TEST_ERR(rpc_serial_write_stream(rc, 7, stream, strlen(stream)), SYS_ERR_OK);
    /* The serial driver keeps a line per stream: a line written in two
     * halves with another stream's line between comes out whole -- which
     * the kernel console (the fallback) would not do. */
    TEST_ERR(rpc_serial_write_stream(rc, 8, "t_relay: one stream, ", 21), SYS_ERR_OK);
    TEST_ERR(rpc_serial_write_stream(rc, 9, "t_relay: another stream\n", 24), SYS_ERR_OK);
    TEST_ERR(rpc_serial_write_stream(rc, 8, "joined by the serial driver\n", 28), SYS_ERR_OK);
    TEST_ERR(rpc_serial_set_home(rc, disp_domain_id()), LIB_ERR_RPC_UNKNOWN_METHOD);
}

static int calls(void)
{
    rpctest();
    memserv();
    serial();
    return 0;
}

static int bad(void)
{
    struct rpc_chan *rc;
    char full[64];
    snprintf(full, sizeof(full), "%snosuch", prefix);
    TEST_ERR(rpc_connect(full, &rc), LIB_ERR_NAME_NOT_FOUND);
    TEST_ERR(rpc_connect(prefix, &rc), LIB_ERR_NAME_NOT_FOUND);
    /* A relay to a relay is no service. */
    TEST_ERR(rpc_connect("relay:relay:memserv", &rc), LIB_ERR_NAME_NOT_FOUND);
    /* Channels through relays are limited per client: the service's
     * own limit (it counts our channels, not init's), or init's on
     * relays, refuses one of the first few. */
    snprintf(full, sizeof(full), "%smemserv", prefix);
    errval_t err = SYS_ERR_OK;
    unsigned n;
    for (n = 0; n <= RPC_SERVICE_CHANNELS_PER_CLIENT && err_is_ok(err); n++) {
        err = rpc_connect(full, &rc);
    }
    test_report(err == LIB_ERR_RPC_TOO_MANY_CHANNELS,
                "channel %u to %s refused (%s)", n, full, err_getcode(err));
    return 0;
}

static int server_dies(void)
{
    struct rpc_chan *rc = bind_to("rpcdie");
    struct rpc_payload req = { .nscalar = 1, .scalar = { 1 } }, resp;
    if (rc == NULL) {
        return 1;
    }
    TEST_ERR(rpc_echo(rc, &req, &resp), LIB_ERR_RPC_PEER_DEAD);
    TEST_ERR(rpc_echo(rc, &req, &resp), LIB_ERR_RPC_PEER_DEAD);
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "calls";
    if (argc > 2) {
        prefix = strcmp(argv[2], "-") == 0 ? "" : argv[2];
    }
    if (strcmp(mode, "bad") == 0) {
        return bad();
    }
    if (strcmp(mode, "server-dies") == 0) {
        return server_dies();
    }
    return calls();
}
