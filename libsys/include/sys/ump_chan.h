/*
 * libsys/include/sys/ump_chan.h -- a UMP channel: the rings of
 * <sys/ump_ring.h> over a mapped shared frame, with its receive side in a
 * waitset's polled queue (Barrelfish TN-011 section 3: a polled channel is
 * checked each time the waitset looks for events; libsys/ump_chan.c;
 * docs/multikernel.md, "UMP").  The calls mirror lmp_chan's (send, a
 * send that retries while the ring is full, recv, register_recv), so code
 * written against one reads the same against the other.
 */
#ifndef LIBSYS_UMP_CHAN_H
#define LIBSYS_UMP_CHAN_H

#include <sys/ump_ring.h>
#include <sys/waitset.h>

struct ump_chan {
    struct ump_ring ring;
    struct waitset_chanstate recv_ws;   /* "a message is waiting" (polled) */
};

/* Use the mapped, zeroed frame [buf, buf + bytes); first: see ump_ring_init. */
errval_t ump_chan_init(struct ump_chan *uc, void *buf, size_t bytes, bool first);

/* Send len (<= UMP_PAYLOAD_WORDS) words; LIB_ERR_UMP_FULL is transient. */
errval_t ump_chan_send(struct ump_chan *uc, const uint32_t *words, unsigned len);
/* The same, yielding while the ring is full (at most tries attempts; 0:
 * no limit). */
errval_t ump_chan_send_retry(struct ump_chan *uc, const uint32_t *words,
                             unsigned len, uint32_t tries);
/* The next message, or LIB_ERR_UMP_EMPTY. */
errval_t ump_chan_recv(struct ump_chan *uc, uint32_t *words, unsigned *len);

/* Between two polls that found nothing: let the other core run (YIELD). */
void ump_chan_relax(void);

/* Run closure (once) when a message is waiting; the waitset polls the
 * ring while it has nothing else to do.  Re-register after each event. */
errval_t ump_chan_register_recv(struct ump_chan *uc, struct waitset *ws,
                                struct event_closure closure);

#endif
