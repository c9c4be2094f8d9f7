/*
 * tests/user/t_bind -- a server that cannot set up another client's channel
 * refuses the bind with a named error instead of leaving the client
 * waiting (libsys/rpc.c, rpc_handle_bind).
 *
 *   t_bind server    publishes "bindtest" after using up all but three of
 *                    its LMP endpoints; answers echoes until told to stop
 *   t_bind client    binds until refused: the channels it got work, and
 *                    every bind after the first refusal is refused too,
 *                    each with LIB_ERR_LMP_NO_BUFFER_SPACE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/rpc.h>
#include <systest.h>
#include <if/init.h>

#define FREE_LEFT   3
#define BINDS       (FREE_LEFT + 5)

static bool finished;

static void h_number(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    (void)req;
    (void)resp;
    finished = true;
}

static const rpc_handler_fn handlers[RPC_INIT_COUNT] = {
    [RPC_BIND] = rpc_handle_bind,
    [RPC_ECHO] = rpc_handle_echo,
    [RPC_NUMBER] = h_number,
};

static int server(void)
{
    static struct rpc_chan listener;
    static struct lmp_chan hog[LMP_ENDPOINTS_MAX];
    unsigned n = 0;

    rpc_chan_init(&listener, NULL_CAP);
    /* Take every endpoint there is, then give back all but FREE_LEFT. */
    while (n < LMP_ENDPOINTS_MAX && err_is_ok(lmp_chan_accept(&hog[n], 16, NULL_CAP))) {
        n++;
    }
    for (unsigned i = 0; i < FREE_LEFT && n > 0; i++) {
        lmp_chan_destroy(&hog[--n]);
    }
    rpc_serve(&listener, handlers, RPC_INIT_COUNT, get_default_waitset());
    rpc_name_register(get_init_rpc(), "bindtest", listener.lc.local_cap);
    while (!finished) {
        event_dispatch(get_default_waitset());
    }
    return 0;
}

static int client(void)
{
    struct capref ep;
    struct rpc_chan *rc[BINDS];
    errval_t err[BINDS];

    while (err_is_fail(rpc_name_lookup(get_init_rpc(), "bindtest", &ep))) {
        thread_yield();
        sys_yield(CPTR_NULL);
    }
    unsigned bound = 0;
    for (unsigned i = 0; i < BINDS; i++) {
        rc[i] = NULL;
        err[i] = rpc_bind(ep, &rc[i]);
        if (err_is_ok(err[i]) && bound == i) {
            bound++;
        }
    }
    /* (The server may itself have used one of the endpoints it left free,
     * for a channel of its own opened on demand: so "at most".) */
    test_report(bound >= 1 && bound <= FREE_LEFT,
                "%u binds succeeded before the first refusal", bound);
    unsigned refused = 0;
    for (unsigned i = bound; i < BINDS; i++) {
        refused += err[i] == LIB_ERR_LMP_NO_BUFFER_SPACE;
    }
    test_report(refused == BINDS - bound,
                "every later bind is refused with LIB_ERR_LMP_NO_BUFFER_SPACE (%u of %u)",
                refused, BINDS - bound);
    bool ok = true;
    for (unsigned i = 0; i < bound; i++) {
        struct rpc_payload req = { .nscalar = 1, .scalar = { 100 + i } }, resp;
        ok = ok && err_is_ok(rpc_echo(rc[i], &req, &resp)) &&
             resp.nscalar == 1 && resp.scalar[0] == 100 + i;
    }
    test_report(ok, "the channels bound before the refusals still work");
    struct rpc_payload bye = { .nscalar = 1 }, resp;
    if (err_is_ok(err[0])) {
        rpc_call(rc[0], RPC_NUMBER, &bye, &resp);
    }
    return 0;
}

int main(int argc, char **argv)
{
    return argc > 1 && strcmp(argv[1], "server") == 0 ? server() : client();
}
