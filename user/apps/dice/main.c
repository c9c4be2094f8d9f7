/* user/apps/dice -- a service that rolls dice: a finished example of the
 * shape the tutorial of docs/rpc.md (section 9) builds. */
#include <stdio.h>
#include <sys/debug.h>
#include <sys/rpc_service.h>
#include <if/dice.h>

static uint32_t state = 12345;

/*
 * DICE_ROLL has scalars only both ways, so it is served by a typed handler:
 * the generated dispatch (rpc_dice_fixed_dispatch) calls it with the
 * request's scalar and sends what it returns and fills in -- no struct
 * rpc_payload to unpack or pack (docs/rpc.md, section 2).  What it returns
 * is what the caller's rpc_dice_roll returns.
 */
static errval_t roll(struct rpc_chan *rc, uint32_t sides, uint32_t *value)
{
    if (sides == 0) {
        return LIB_ERR_RPC_BAD_MESSAGE;
    }
    state = state * 1103515245u + 12345u;
    *value = 1 + (state >> 8) % sides;
    printf("dice: domain %u rolled %u\n", (unsigned)rc->client_id, (unsigned)*value);
    return SYS_ERR_OK;
}

static const struct rpc_dice_fixed_handlers typed = { .dice_roll = roll };

int main(void)
{
    /* No handler table: every method with a payload is unknown here. */
    static struct rpc_service svc = { .name = "dice",
                                      .fixed_dispatch = rpc_dice_fixed_dispatch,
                                      .fixed_handlers = &typed };
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
