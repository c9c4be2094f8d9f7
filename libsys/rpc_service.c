/*
 * libsys/rpc_service.c -- services (sys/rpc_service.h): the control
 * channel from init, a private channel per client, and clean-up when a
 * client's domain dies.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/rpc_service.h>
#include <if/init.h>

struct rpc_service_client {
    struct rpc_chan chan;               /* first: a client's rc is this */
    struct rpc_service_client *next;
};

static struct rpc_service *service_of(struct rpc_chan *ctl)
{
    return (struct rpc_service *)((char *)ctl - offsetof(struct rpc_service, ctl));
}

static unsigned channels_of(struct rpc_service *svc, uint32_t domain_id)
{
    unsigned n = 0;
    for (struct rpc_service_client *c = svc->clients; c != NULL; c = c->next) {
        n += c->chan.client_id == domain_id;
    }
    return n;
}

/* A new client channel gets the service's request limit. */
static void limit_requests(struct rpc_service *svc, struct rpc_chan *rc)
{
    if (svc->max_request_bytes != 0) {
        uint32_t max = svc->max_request_bytes;
        rpc_reasm_limit(&rc->rx, max < rc->rx.max_inline ? max : rc->rx.max_inline, max);
    }
}

/* NEW_CLIENT(domain id, its endpoint): a channel for that client only. */
static void h_new_client(struct rpc_chan *ctl, struct rpc_payload *req,
                         struct rpc_payload *resp)
{
    struct rpc_service *svc = service_of(ctl);
    struct rpc_new_client_req in;
    if ((resp->err = rpc_new_client_req_unpack(req, &in))) {
        return;
    }
    if (channels_of(svc, in.domain_id) >= RPC_SERVICE_CHANNELS_PER_CLIENT) {
        resp->err = LIB_ERR_RPC_TOO_MANY_CHANNELS;
        return;
    }
    struct rpc_service_client *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        resp->err = LIB_ERR_MALLOC_FAIL;
        return;
    }
    resp->err = rpc_chan_init(&c->chan, in.endpoint);
    if (err_is_fail(resp->err)) {
        free(c);
        return;
    }
    req->cap = NULL_CAP;                /* the channel's now */
    c->chan.client_id = in.domain_id;
    if (svc->client_new) {
        svc->client_new(&c->chan);
    }
    rpc_serve(&c->chan, svc->handlers, svc->num_handlers, svc->ws);
    rpc_serve_fixed(&c->chan, svc->fixed_dispatch, svc->fixed_handlers);
    limit_requests(svc, &c->chan);
    c->next = svc->clients;
    svc->clients = c;
    svc->num_clients++;
    struct rpc_new_client_resp out = { .service_endpoint = c->chan.lc.local_cap };
    resp->err = rpc_new_client_resp_pack(resp, &out);   /* sent as a copy */
}

/* DOMAIN_DIED(id), a notification: drop every channel of that domain. */
static void h_domain_died(struct rpc_chan *ctl, struct rpc_payload *req,
                          struct rpc_payload *resp)
{
    struct rpc_service *svc = service_of(ctl);
    struct rpc_domain_died_req in;
    resp->err = LIB_ERR_RPC_DEFERRED;   /* notifications get no answer */
    if (err_is_fail(rpc_domain_died_req_unpack(req, &in))) {
        return;
    }
    for (struct rpc_service_client **p = &svc->clients; *p != NULL;) {
        struct rpc_service_client *c = *p;
        if (c->chan.client_id != in.domain_id) {
            p = &c->next;
            continue;
        }
        *p = c->next;
        svc->num_clients--;
        if (svc->client_gone) {
            svc->client_gone(&c->chan);
        }
        rpc_chan_destroy(&c->chan);
        free(c);
    }
    if (svc->domain_died) {
        svc->domain_died(in.domain_id);
    }
}

/* The control channel's table: the service's control methods, and libsys'
 * NEW_CLIENT and DOMAIN_DIED at their shared numbers. */
static errval_t make_ctl_table(struct rpc_service *svc)
{
    unsigned n = svc->control ? svc->num_control : 0;
    svc->num_ctl = n > RPC_BASE_COUNT ? n : RPC_BASE_COUNT;
    svc->ctl_table = calloc(svc->num_ctl, sizeof(rpc_handler_fn));
    if (svc->ctl_table == NULL) {
        return LIB_ERR_MALLOC_FAIL;
    }
    for (unsigned m = 0; m < n; m++) {
        svc->ctl_table[m] = svc->control[m];
    }
    svc->ctl_table[RPC_NEW_CLIENT] = h_new_client;
    svc->ctl_table[RPC_DOMAIN_DIED] = h_domain_died;
    return SYS_ERR_OK;
}

errval_t rpc_service_start(struct rpc_service *svc, struct waitset *ws)
{
    errval_t err;
    struct capref init_ep;

    svc->ws = ws;
    svc->clients = NULL;
    svc->num_clients = 0;
    if ((err = make_ctl_table(svc)) ||
        (err = rpc_chan_init(&svc->ctl, NULL_CAP)) ||
        (err = rpc_serve(&svc->ctl, svc->ctl_table, svc->num_ctl, ws))) {
        return err;
    }
    /* init answers with the endpoint of its end of the control channel. */
    err = rpc_service_register(get_init_rpc(), svc->name, svc->ctl.lc.local_cap, &init_ep);
    if (err_is_fail(err)) {
        return err;
    }
    lmp_chan_set_remote(&svc->ctl.lc, init_ep);
    svc->ctl.client_id = 1;
    return SYS_ERR_OK;
}
