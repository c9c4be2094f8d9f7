/* user/apps/dice -- a service that rolls dice: a finished example of the
 * shape the tutorial of docs/rpc.md (section 9) builds. */
#include <stdio.h>
#include <sys/debug.h>
#include <sys/rpc_service.h>
#include <if/dice.h>

static uint32_t state = 12345;

static void h_roll(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_dice_roll_req in;
    if ((resp->err = rpc_dice_roll_req_unpack(req, &in))) {
        return;                         /* not a well-formed DICE_ROLL */
    }
    if (in.sides == 0) {
        resp->err = LIB_ERR_RPC_BAD_MESSAGE;
        return;
    }
    state = state * 1103515245u + 12345u;
    struct rpc_dice_roll_resp out = { .value = 1 + (state >> 8) % in.sides };
    resp->err = rpc_dice_roll_resp_pack(resp, &out);
    printf("dice: domain %u rolled %u\n", (unsigned)rc->client_id, (unsigned)out.value);
}

static const rpc_handler_fn handlers[RPC_DICE_COUNT] = {
    [RPC_DICE_ROLL] = h_roll,
};

int main(void)
{
    static struct rpc_service svc = { .name = "dice", .handlers = handlers,
                                      .num_handlers = RPC_DICE_COUNT };
    struct waitset *ws = get_default_waitset();
    errval_t err = rpc_service_start(&svc, ws);
    if (err_is_fail(err)) {
        DEBUG_ERR(err, "starting the dice service");
        return 1;
    }
    printf("dice: serving\n");
    for (;;) {
        event_dispatch(ws);
    }
}
