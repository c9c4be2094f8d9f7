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

/*
 * The frame: the two rings in its lower half, and in its upper half one
 * line per side holding that side's "I am asleep" flag.  A receiver with
 * nothing to do sets its flag, then looks at its ring once more, and
 * sleeps; a sender looks at the peer's flag after each message and, if it
 * is set, clears it and calls wake(wake_arg) -- an SGI to the peer's core
 * (KernelCmd_WakeCore).  Each side writes its flag, DMB, then reads the
 * other's data (and the sender: data, DMB, flag), so at least one of them
 * sees the other (ARM ARM A3.8.4, DMB orders stores before loads too).
 */
struct ump_sleep_line {
    volatile uint32_t asleep;
} __attribute__((aligned(UMP_LINE_BYTES)));

struct ump_chan {
    struct ump_ring ring;
    struct waitset_chanstate recv_ws;   /* "a message is waiting" (polled) */
    struct ump_sleep_line *mine, *peer;
    void (*wake)(void *arg);            /* wake the peer's core (or NULL) */
    void *wake_arg;
    /* Nonzero once the peer's core has stopped (or NULL: never asked): the
     * inits point it at the peer core's word in their core frame, which
     * that core's kernel sets when its init dies (<sprat/core_frame.h>). */
    const volatile uint32_t *peer_down;
};

/* Use the mapped, zeroed frame [buf, buf + bytes); first: see
 * ump_ring_init (the rings take the lower half). */
errval_t ump_chan_init(struct ump_chan *uc, void *buf, size_t bytes, bool first);

/* A receiver about to sleep: true if it may (its flag is set and nothing
 * came meanwhile), false if a message is there after all. */
bool ump_chan_prepare_sleep(struct ump_chan *uc);
/* Awake again (clears our flag). */
void ump_chan_awake(struct ump_chan *uc);

/* Send len (<= UMP_PAYLOAD_WORDS) words; LIB_ERR_UMP_FULL is transient. */
errval_t ump_chan_send(struct ump_chan *uc, const uint32_t *words, unsigned len);
/* The same, yielding while the ring is full (at most tries attempts; 0:
 * no limit). */
errval_t ump_chan_send_retry(struct ump_chan *uc, const uint32_t *words,
                             unsigned len, uint32_t tries);
/* The next message, or LIB_ERR_UMP_EMPTY. */
errval_t ump_chan_recv(struct ump_chan *uc, uint32_t *words, unsigned *len);

/* The peer is gone: its peer_down word is set and, read after it, no
 * line of its is left in our ring (its last ones are still ours to
 * read).  Then a receiver waits no more -- the waitset's poll reports the
 * channel, as for a message -- and a sender's retries end with
 * LIB_ERR_UMP_PEER_DOWN. */
bool ump_chan_peer_gone_slow(struct ump_chan *uc);
static inline bool ump_chan_peer_gone(struct ump_chan *uc)
{
    /* Inline: every poll that finds nothing asks (a word, most often 0). */
    return uc->peer_down != NULL && *uc->peer_down != 0 && ump_chan_peer_gone_slow(uc);
}

/* Between two polls that found nothing: let the other core run (YIELD). */
void ump_chan_relax(void);

/* Run closure (once) when a message is waiting; the waitset polls the
 * ring, and a thread with nothing else to wait for sleeps until the
 * peer's wake SGI (libsys/waitset.c; docs/multikernel.md, section 4.2).
 * Re-register after each event. */
errval_t ump_chan_register_recv(struct ump_chan *uc, struct waitset *ws,
                                struct event_closure closure);

#endif
