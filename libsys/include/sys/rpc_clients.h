/*
 * libsys/include/sys/rpc_clients.h -- the private channels clients bound
 * to a server (rpc_handle_bind), kept so that the server can close those
 * of clients that are gone: each holds an LMP endpoint, and a server has
 * only LMP_ENDPOINTS_MAX of them.
 */
#ifndef LIBSYS_RPC_CLIENTS_H
#define LIBSYS_RPC_CLIENTS_H

#include <stdbool.h>
#include <sys/rpc.h>

#define RPC_CLIENTS_MAX 128

struct rpc_clients {
    struct rpc_chan *chan[RPC_CLIENTS_MAX];
};

/* Remember a newly bound channel (from the listener's on_bind hook);
 * false if the set is full. */
bool rpc_clients_add(struct rpc_clients *set, struct rpc_chan *rc);

/* Close and free every remembered channel for which gone(rc, arg) is
 * true (gone may forget its own references to rc first); returns how
 * many were closed. */
typedef bool (*rpc_client_gone_fn)(struct rpc_chan *rc, void *arg);
unsigned rpc_clients_close_if(struct rpc_clients *set, rpc_client_gone_fn gone, void *arg);

#endif
