/*
 * tests/user/t_rpcsrv -- test services.
 *
 *   t_rpcsrv N     the service "rpctest": echoes (ECHO through the
 *                  handler table, PING through a typed handler and the
 *                  generated dispatch), and checks that each client's
 *                  calls arrive in order (scalar 0 counts up per client)
 *                  and all of them (the client's last NUMBER says how many
 *                  it made), each from the domain it says (scalar 1) on a
 *                  channel init made for that domain.  A capability on
 *                  HELLO's number is answered with its type and size.
 *                  For the fixed layout's odd cases, PING of
 *                  RPCTEST_PING_REFUSE is refused, of RPCTEST_PING_LATER
 *                  answered after the event (a deferred answer), and
 *                  MEM_INFO answered with no scalars: the wrong shape;
 *                  rpc_get_ram_cap (HELLO's number here) answered in the
 *                  shape its byte count asks for (rpctest.h).
 *                  Reports and exits after N clients.
 *   t_rpcsrv die   the service "rpcdie": faults in the middle of the first
 *                  call it gets, so that the caller sees its server die.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/rpc_service.h>
#include <systest.h>
#include <if/init.h>
#include <if/memserv.h>

#include <rpctest.h>

struct client { uint32_t next; };

static int clients_done, clients_expected, out_of_order, miscounted, impostors;

static void client_new(struct rpc_chan *rc)
{
    rc->st = calloc(1, sizeof(struct client));
}

static void client_gone(struct rpc_chan *rc)
{
    free(rc->st);
}

static void h_echo(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct client *c = rc->st;
    if (c && req->nscalar == 2) {       /* stress calls: (seq, domain) */
        if (req->scalar[0] != c->next) {
            out_of_order++;
        }
        c->next = req->scalar[0] + 1;
        impostors += req->scalar[1] != rc->client_id;  /* init vouched for it */
    }
    rpc_handle_echo(rc, req, resp);
}

/* A client is finished: it says how many calls it made. */
static void h_number(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct client *c = rc->st;
    struct rpc_number_req in;
    if ((resp->err = rpc_number_req_unpack(req, &in)) == SYS_ERR_OK) {
        if (c == NULL || c->next != in.number) {
            printf("t_rpcsrv: domain %u made %u calls, %u arrived\n",
                   (unsigned)rc->client_id, (unsigned)in.number, c ? (unsigned)c->next : 0);
            miscounted++;
        }
        clients_done++;
    }
}

_Static_assert((int)RPC_RAM_CAP == (int)RPC_HELLO, "RAM_CAP comes to h_identify");

/* rpc_get_ram_cap's request (RPCTEST_RAM_*): an answer of the shape asked
 * for; the capability is a copy of our endpoint (rpc_reply sends copies). */
static bool ram_cap_answer(struct rpc_chan *rc, struct rpc_payload *req,
                           struct rpc_payload *resp)
{
    uint32_t how = req->scalar[0];
    if (!capref_is_null(req->cap) || req->nscalar != 2 || how < RPCTEST_RAM_OK ||
        how > RPCTEST_RAM_TWO) {
        return false;
    }
    resp->err = how == RPCTEST_RAM_ERR_CAP ? LIB_ERR_NOT_IMPLEMENTED : SYS_ERR_OK;
    resp->cap = how == RPCTEST_RAM_NO_CAP ? NULL_CAP : rc->lc.local_cap;
    resp->nscalar = how == RPCTEST_RAM_TWO ? 2 : 1;
    resp->scalar[0] = resp->scalar[1] = 4096;
    return true;
}

/* A capability sent to us (on init's HELLO number): what it is, as
 * scalars (type, bytes), so the client sees it arrived whole. */
static void h_identify(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct capability_info info;
    if (ram_cap_answer(rc, req, resp)) {
        return;
    }
    if ((resp->err = cap_identify(req->cap, &info)) == SYS_ERR_OK) {
        resp->nscalar = 2;
        resp->scalar[0] = info.type;
        resp->scalar[1] = info.bytes;
    }
}

static const rpc_handler_fn echo_handlers[RPC_INIT_COUNT] = {
    [RPC_HELLO] = h_identify,
    [RPC_ECHO] = h_echo,
    [RPC_NUMBER] = h_number,
    [RPC_MEM_INFO] = rpc_handle_echo,   /* 0 scalars back: not MEM_INFO's 3 */
};

/* The PING waiting for its deferred answer (RPCTEST_PING_LATER). */
static struct rpc_chan *later_rc;
static uint16_t later_seq;

/* PING's typed handler: stress calls count up like ECHO's scalar 0. */
static errval_t h_ping(struct rpc_chan *rc, uint32_t value, uint32_t *echo)
{
    struct client *c = rc->st;
    if (value == RPCTEST_PING_REFUSE) {
        return LIB_ERR_NOT_IMPLEMENTED;
    }
    if (value == RPCTEST_PING_LATER) {
        later_rc = rc;
        later_seq = rc->cur_seq;
        return LIB_ERR_RPC_DEFERRED;
    }
    if (c && value < RPCTEST_PING_UNCOUNTED) {
        out_of_order += value != c->next;
        c->next = value + 1;
    }
    *echo = value;
    return SYS_ERR_OK;
}

static const struct rpc_init_fixed_handlers typed = { .ping = h_ping };

static void h_die(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    (void)req;
    (void)resp;
    *(volatile int *)0 = 0;             /* the caller waits for an answer */
}

static const rpc_handler_fn die_handlers[RPC_INIT_COUNT] = {
    [RPC_ECHO] = h_die,
};

int main(int argc, char **argv)
{
    static struct rpc_service svc = { .client_new = client_new, .client_gone = client_gone };
    struct waitset *ws = get_default_waitset();
    bool die = argc > 1 && strcmp(argv[1], "die") == 0;
    errval_t err;

    svc.name = die ? "rpcdie" : "rpctest";
    svc.handlers = die ? die_handlers : echo_handlers;
    svc.num_handlers = RPC_INIT_COUNT;
    if (!die) {
        svc.fixed_dispatch = rpc_init_fixed_dispatch;
        svc.fixed_handlers = &typed;
    }
    clients_expected = argc > 1 && !die ? atoi(argv[1]) : 1;
    if ((err = rpc_service_start(&svc, ws))) {
        DEBUG_ERR(err, "service start");
        return 1;
    }
    while (clients_done < clients_expected) {
        event_dispatch(ws);
        if (later_rc != NULL) {         /* answer the deferred PING now */
            struct rpc_ping_resp out = { .echo = RPCTEST_PING_LATER + 1 };
            rpc_ping_reply(later_rc, later_seq, &out);
            later_rc = NULL;
        }
    }
    test_report(out_of_order == 0, "echo service: every client's calls came in order");
    test_report(impostors == 0, "echo service: every client's calls came on a channel "
                "made for its domain id");
    return test_report(miscounted == 0, "echo service: every call of %d clients arrived, once",
                       clients_expected) ? 0 : 1;
}
