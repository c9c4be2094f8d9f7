/*
 * libsys/include/sys/rpc_ump.h -- RPC over a UMP channel: the same
 * rpc_call, rpc_serve, rpc_reply and rpc_chan_destroy as over LMP, with
 * the RPC message cut into UMP lines of UMP_PAYLOAD_WORDS (7) words
 * (rpc_wire's _w functions) instead of LMP messages of 10
 * (libsys/rpc_ump.c; docs/multikernel.md, "RPC over UMP").
 *
 * Differences from LMP, all because the peer is on another core:
 * - payloads travel inline, whatever their size: a payload frame would
 *   be a capability, and capabilities cross cores only through the inits;
 * - a capability in a payload crosses only through the channel's hooks
 *   (cap_export on the sender, cap_import on the receiver: the inits'
 *   xcap_export/xcap_import); without them, a call or an answer that
 *   carries one gets LIB_ERR_RPC_CAP_CROSS_CORE;
 * - no PEER_DEAD notice comes across cores: a peer that is alive but
 *   does not answer keeps its caller waiting -- asleep, not spinning --
 *   for good; a peer whose core stopped (its init died: uc.peer_down,
 *   sys/ump_chan.h) ends a call waiting for it, and every later one,
 *   with LIB_ERR_RPC_PEER_DEAD, and a server's channel goes dead.
 * Set uc.wake / uc.wake_arg of rc->ump (sys/ump_chan.h) so that a
 * message wakes a sleeping peer core.
 */
#ifndef LIBSYS_RPC_UMP_H
#define LIBSYS_RPC_UMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/cspace.h>
#include <sys/ump_chan.h>

/* A server's answer waits out a full ring for this many tries (a YIELD
 * and a thread_yield each) before it gives its client up as stuck: a
 * ring has only a few lines, and the reader is on another core, which
 * reads them as soon as it runs -- unless it died (over LMP: 16 tries,
 * RPC_SERVE_SEND_TRIES, for a reader on this core). */
#define RPC_UMP_SERVE_SEND_TRIES    100000

/* A capability's description on the wire: what cap_export makes and
 * cap_import takes (a line of its own before the message, rpc_ump.c). */
#define RPC_CAP_DESC_WORDS  4

typedef errval_t (*rpc_cap_export_fn)(struct capref cap, uint32_t desc[RPC_CAP_DESC_WORDS]);
typedef errval_t (*rpc_cap_import_fn)(const uint32_t desc[RPC_CAP_DESC_WORDS],
                                      struct capref *ret);

/* What an rpc_chan over UMP has besides an LMP one's state (rc->ump). */
struct rpc_ump {
    struct ump_chan uc;
    rpc_cap_export_fn cap_export;   /* NULL: no capability leaves */
    rpc_cap_import_fn cap_import;   /* NULL: none comes in */
    errval_t rx_cap_err;            /* the capability of the message being
                                     * received could not be imported */
};

/* A UMP rpc_chan's frame.cap: it holds no payload frame, but rpc_send's
 * fast path (LMP's, untouched: no test of its own for UMP) takes only a
 * channel whose frame.cap is null, so a UMP channel's is this -- a slot
 * no capability is ever in -- and rpc_send's one branch to rpc_ump_send
 * comes after that test. */
#define RPC_UMP_NO_FRAME    ((struct capref){ ROOT_CNODE, 0xffffffffu })

struct rpc_chan;
struct rpc_payload;
struct waitset;

/* Set both hooks of a UMP rpc_chan (either may be NULL). */
void rpc_chan_set_cap_hooks(struct rpc_chan *rc, rpc_cap_export_fn cap_export,
                            rpc_cap_import_fn cap_import);

/* ---- libsys internal: rpc.c's one branch on rc->ump leads here -------- */
errval_t rpc_ump_call(struct rpc_chan *rc, unsigned m, const struct rpc_payload *req,
                      struct rpc_payload *resp);
errval_t rpc_ump_send(struct rpc_chan *rc, unsigned m, uint8_t kind, uint16_t seq,
                      const struct rpc_payload *p);
errval_t rpc_ump_serve(struct rpc_chan *rc);
void rpc_ump_destroy(struct rpc_chan *rc);
/* rpc.c's handling of one request (handler, answer, clean-up). */
void rpc_serve_request(struct rpc_chan *rc, uint8_t m, uint16_t seq, struct rpc_payload *req);

#endif
