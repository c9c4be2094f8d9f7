/*
 * user/t_rpcsrv -- an echo server published as "rpctest", checking that
 * each client's calls arrive in order (scalar 0 counts up per client).
 * argv[1]: how many clients it waits for before reporting and exiting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/rpc.h>
#include <sys/systest.h>

struct client { uint32_t next; bool bad; };

static int clients_done, clients_expected, out_of_order;

static void on_bind(struct rpc_chan *rc)
{
    rc->st = calloc(1, sizeof(struct client));
}

static void h_echo(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct client *c = rc->st;
    if (c && req->nscalar == 2) {       /* stress calls: (seq, domain) */
        if (req->scalar[0] != c->next) {
            out_of_order++;
        }
        c->next = req->scalar[0] + 1;
    }
    resp->nscalar = req->nscalar;
    memcpy(resp->scalar, req->scalar, sizeof(req->scalar));
    resp->bytes = req->bytes;
    resp->len = req->len;
    req->bytes = NULL;
}

static void h_number(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    (void)req;
    (void)resp;
    clients_done++;                     /* a client says it is finished */
}

static const rpc_handler_fn handlers[RPC_METHOD_COUNT] = {
    [RPC_BIND] = rpc_handle_bind,
    [RPC_ECHO] = h_echo,
    [RPC_NUMBER] = h_number,
};

int main(int argc, char **argv)
{
    struct rpc_chan listener;
    struct waitset *ws = get_default_waitset();
    errval_t err;

    clients_expected = argc > 1 ? atoi(argv[1]) : 1;
    if ((err = rpc_chan_init(&listener, NULL_CAP))) {
        DEBUG_ERR(err, "listener");
        return 1;
    }
    listener.on_bind = on_bind;
    rpc_serve(&listener, handlers, ws);
    rpc_name_register(get_init_rpc(), "rpctest", listener.lc.local_cap);
    while (clients_done < clients_expected) {
        event_dispatch(ws);
    }
    return test_report(out_of_order == 0, "echo server: every client's calls came in order")
               ? 0 : 1;
}
