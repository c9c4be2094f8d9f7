/*
 * user/sys/init/names.c -- init's name server (docs/rpc.md): NAME_REGISTER
 * publishes a capability under a name, NAME_LOOKUP hands out a copy; a
 * name goes when the domain that registered it ends.
 */
#include <string.h>
#include <sys/debug.h>
#include <sys/rpc.h>
#include <sys/threads.h>
#include <if/init.h>
#include "init.h"

#define MAX_NAMES       16
/* What one domain may hold at a time (docs/reliability.md, "Resource
 * limits"); one more is refused with LIB_ERR_NAME_LIMIT. */
#define NAMES_PER_DOMAIN    4

static struct { char name[NAME_BYTES]; struct capref ep; uint32_t owner; } names[MAX_NAMES];

static struct capref name_find(const char *name)
{
    for (unsigned i = 0; i < MAX_NAMES; i++) {
        if (names[i].name[0] && strcmp(names[i].name, name) == 0) {
            return names[i].ep;
        }
    }
    return NULL_CAP;
}

static uint32_t name_owner(unsigned i) { return names[i].name[0] ? names[i].owner : 0; }

void h_register(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_name_register_req in;
    /* (Any capability: names publish frames too, e.g. tests/user/t_spin.) */
    if ((resp->err = rpc_name_register_req_unpack(req, &in))) {
        return;
    }
    thread_mutex_lock(&lock);
    resp->err = LIB_ERR_NAME_IN_USE;
    if (owned_by(rc->client_id, MAX_NAMES, name_owner) >= NAMES_PER_DOMAIN) {
        resp->err = LIB_ERR_NAME_LIMIT;
    } else if (capref_is_null(name_find(in.name)) && strlen(in.name) < NAME_BYTES &&
               in.name[0]) {
        resp->err = LIB_ERR_NAME_NOT_FOUND;         /* no room */
        for (unsigned i = 0; i < MAX_NAMES; i++) {
            if (names[i].name[0] == '\0') {
                strcpy(names[i].name, in.name);
                names[i].ep = in.endpoint;
                names[i].owner = rc->client_id;
                req->cap = NULL_CAP;
                resp->err = SYS_ERR_OK;
                break;
            }
        }
    }
    thread_mutex_unlock(&lock);
}

void h_lookup(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_name_lookup_req in;
    if ((resp->err = rpc_name_lookup_req_unpack(req, &in))) {
        return;
    }
    thread_mutex_lock(&lock);
    struct capref ep = name_find(in.name);
    thread_mutex_unlock(&lock);
    resp->err = capref_is_null(ep) ? LIB_ERR_NAME_NOT_FOUND
        : rpc_name_lookup_resp_pack(resp, &(struct rpc_name_lookup_resp){ ep });  /* a copy */
}

void names_forget_locked(uint32_t id)
{
    for (unsigned i = 0; i < MAX_NAMES; i++) {
        if (names[i].name[0] && names[i].owner == id) {
            names[i].name[0] = '\0';
            cap_destroy(names[i].ep);
        }
    }
}
