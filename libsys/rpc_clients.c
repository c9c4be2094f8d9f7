/*
 * libsys/rpc_clients.c -- the channels a server's clients bound
 * (sys/rpc_clients.h).
 */
#include <stdlib.h>
#include <sys/lmp_chan.h>
#include <sys/rpc_clients.h>

bool rpc_clients_add(struct rpc_clients *set, struct rpc_chan *rc)
{
    for (unsigned i = 0; i < RPC_CLIENTS_MAX; i++) {
        if (set->chan[i] == NULL) {
            set->chan[i] = rc;
            return true;
        }
    }
    return false;
}

unsigned rpc_clients_close_if(struct rpc_clients *set, rpc_client_gone_fn gone, void *arg)
{
    unsigned n = 0;
    for (unsigned i = 0; i < RPC_CLIENTS_MAX; i++) {
        struct rpc_chan *rc = set->chan[i];
        if (rc != NULL && gone(rc, arg)) {
            rc->dead = true;
            lmp_chan_destroy(&rc->lc);
            free(rc);
            set->chan[i] = NULL;
            n++;
        }
    }
    return n;
}
