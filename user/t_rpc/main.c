/*
 * user/t_rpc -- the RPC client API end to end.
 *
 *   t_rpc api          every call of the client API (init, the memory
 *                      server, the serial driver), payloads of 0, 1, one
 *                      message exactly, one more byte, 4 KiB and 1 MiB
 *   t_rpc stress N     N calls to the "rpctest" echo server with
 *                      sequence numbers
 *   t_rpc die          binds to "rpctest", sends half a request, dies
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/rpc.h>
#include <sys/systest.h>

static struct rpc_chan *echo_server(void)
{
    struct capref ep;
    struct rpc_chan *rc = NULL;
    while (err_is_fail(rpc_name_lookup(get_init_rpc(), "rpctest", &ep))) {
        thread_yield();
        sys_yield(CPTR_NULL);
    }
    errval_t err = rpc_bind(ep, &rc);
    if (err_is_fail(err)) {
        DEBUG_ERR(err, "bind to rpctest");
    }
    return rc;
}

static bool echo_bytes(struct rpc_chan *rc, uint32_t len)
{
    uint8_t *buf = malloc(len + 1);
    for (uint32_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)(i * 7 + len);
    }
    struct rpc_payload req = { .nscalar = 2, .scalar = { len, ~len }, .bytes = buf, .len = len };
    struct rpc_payload resp;
    errval_t err = rpc_echo(rc, &req, &resp);
    bool ok = err_is_ok(err) && resp.len == len && resp.nscalar == 2 &&
              resp.scalar[0] == len && resp.scalar[1] == ~len &&
              (len == 0 || memcmp(resp.bytes, buf, len) == 0);
    rpc_payload_free(&resp);
    free(buf);
    return test_report(ok, "RPC echo of %u bytes comes back byte for byte", (unsigned)len);
}

static int api(void)
{
    struct rpc_chan *init = get_init_rpc();
    TEST_ERR(rpc_send_number(init, 42), SYS_ERR_OK);
    TEST_ERR(rpc_send_string(init, "hello, init"), SYS_ERR_OK);
    TEST_ERR(rpc_send_string(init, ""), SYS_ERR_OK);

    /* One LMP message holds 4 * (10 - 2 - 2) = 24 payload bytes next to
     * two scalars; the echo's response carries one scalar more. */
    uint32_t sizes[] = { 0, 1, 23, 24, 25, 512, 513, 4096, 1024 * 1024 };
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        echo_bytes(init, sizes[i]);
    }

    struct capref ram;
    size_t got = 0;
    TEST_ERR(rpc_get_ram_cap(get_memserv_rpc(), 64 * 1024, 4096, &ram, &got), SYS_ERR_OK);
    struct capability_info info;
    test_report(err_is_ok(cap_identify(ram, &info)) && info.type == ObjType_RAM &&
                info.bytes == 64 * 1024 && got == 64 * 1024,
                "rpc_get_ram_cap returns a RAM capability of the size asked for");
    TEST_ERR(rpc_get_ram_cap(get_memserv_rpc(), 0, 4096, &ram, NULL), MM_ERR_BAD_REQUEST);
    TEST_ERR(rpc_get_ram_cap(get_memserv_rpc(), 4096, 3, &ram, NULL), MM_ERR_BAD_REQUEST);

    /* Both characters first: a result line in between would be cut. */
    errval_t e1 = rpc_serial_putchar(get_serial_rpc(), '+');
    errval_t e2 = rpc_serial_putchar(get_serial_rpc(), '\n');
    TEST_ERR(e1, SYS_ERR_OK);
    TEST_ERR(e2, SYS_ERR_OK);
    TEST_ERR(rpc_serial_write(get_serial_rpc(), "t_rpc: serial write\n", 20), SYS_ERR_OK);
    char c;
    TEST_ERR(rpc_serial_getchar(get_serial_rpc(), &c), SERIAL_ERR_NOT_FOREGROUND);

    uint32_t id = 0;
    TEST_ERR(rpc_process_spawn(init, "hello spawned by rpc", &id), SYS_ERR_OK);
    char *name = NULL, *list = NULL;
    TEST_ERR(rpc_process_get_name(init, id, &name), SYS_ERR_OK);
    test_report(name && strcmp(name, "hello") == 0, "rpc_process_get_name: %s", name ? name : "?");
    free(name);
    TEST_ERR(rpc_process_get_name(init, 1, &name), SYS_ERR_OK);
    test_report(name && strcmp(name, "init") == 0, "domain 1 is init");
    free(name);
    TEST_ERR(rpc_process_list(init, &list), SYS_ERR_OK);
    test_report(list && strstr(list, "1 init\n") && strstr(list, "t_rpc"),
                "rpc_process_list names init and us");
    free(list);
    int status = -1;
    rpc_process_wait(init, id, &status);
    test_report(status == 0, "rpc_process_wait: the spawned domain exited with 0");
    TEST_ERR(rpc_process_spawn(init, "no_such_module", &id), LIB_ERR_SPAWN_NO_MODULE);
    TEST_ERR(rpc_process_get_name(init, 999, &name), SPAWN_ERR_DOMAIN_NOT_FOUND);
    struct capref ep;
    TEST_ERR(rpc_name_lookup(init, "no such name", &ep), LIB_ERR_NAME_NOT_FOUND);
    return 0;
}

static int stress(int n)
{
    struct rpc_chan *rc = echo_server();
    int bad = 0;
    for (int i = 0; i < n && rc; i++) {
        struct rpc_payload req = { .nscalar = 2, .scalar = { (uint32_t)i, disp_domain_id() } };
        struct rpc_payload resp;
        errval_t err = rpc_echo(rc, &req, &resp);
        if (err_is_fail(err) || resp.nscalar != 2 || resp.scalar[0] != (uint32_t)i) {
            if (bad++ < 3) {
                printf("t_rpc: call %d: %s, got %u\n", i, err_getcode(err),
                       (unsigned)resp.scalar[0]);
            }
        }
        rpc_payload_free(&resp);
    }
    if (rc) {
        rpc_send_number(rc, 0);     /* tell the server we are done */
    }
    return test_report(rc && bad == 0, "%d RPCs with sequence numbers: all answered in order",
                       n) ? 0 : 1;
}

/* Start a two-fragment request and die before the second fragment. */
static int die(void)
{
    struct rpc_chan *rc = echo_server();
    char buf[100] = { 0 };
    struct rpc_msg msg = { .method = RPC_ECHO, .kind = RPC_KIND_REQUEST, .seq = 1,
                           .bytes = (uint8_t *)buf, .len = sizeof(buf) };
    uint32_t words[LMP_MSG_WORDS];
    uint32_t n = rpc_wire_encode(&msg, 0, words);
    if (rc) {
        lmp_chan_send(&rc->lc, LMP_FLAG_NONBLOCK, NULL_CAP, n, words);
    }
    struct capref ram;
    rpc_get_ram_cap(get_memserv_rpc(), 1024 * 1024, 4096, &ram, NULL);
    *(volatile int *)0 = 0;         /* and die, holding memory */
    return 1;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "api";
    if (strcmp(mode, "stress") == 0) {
        return stress(argc > 2 ? atoi(argv[2]) : 1000);
    }
    if (strcmp(mode, "die") == 0) {
        return die();
    }
    return api();
}
