/* user/apps/roll -- rolls the dice service's dice: a finished example of the
 * shape the tutorial of docs/rpc.md (section 9) builds. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/rpc.h>
#include <if/dice.h>

int main(int argc, char **argv)
{
    uint32_t sides = argc > 1 ? (uint32_t)atoi(argv[1]) : 6, value;
    struct rpc_chan *dice;
    errval_t err = rpc_connect("dice", &dice);
    if (err_is_ok(err)) {
        err = rpc_dice_roll(dice, sides, &value);
    }
    if (err_is_fail(err)) {
        printf("roll: %s\n", err_getstring(err));
        return 1;
    }
    printf("roll: %u\n", (unsigned)value);
    return 0;
}
