/*
 * libsys/include/sys/ump_ring.h -- the rings of a UMP channel: user-level
 * message passing over one shared frame, for two domains on different
 * cores or the same core (libsys/ump_ring.c; docs/multikernel.md, "UMP").
 *
 * The frame holds two rings of cache-line-sized messages, one per
 * direction; each side only writes its send ring and only reads its
 * receive ring, so no line bounces between the caches in both
 * directions.  A line is 32 bytes, the Cortex-A9's L1 data cache line
 * (Cortex-A9 TRM r4p1 7.1, "About the L1 memory system": 32-byte lines;
 * CTR.DminLine says 8 words): seven payload words and a control word
 * written last:
 *
 *   bit 31     epoch: flips every pass around the ring, so the receiver
 *              knows a line is new without the sender ever clearing one
 *   bit 20     ack only: carries no payload for the user
 *   bits 19:16 payload length in words (0-7)
 *   bits 15:0  ack: how many lines the writer has read from ITS receive
 *              ring (mod 2^16) -- the flow control of Barrelfish TN-011
 *              section 5.2: a sender never overwrites a line the receiver
 *              has not read.
 */
#ifndef LIBSYS_UMP_RING_H
#define LIBSYS_UMP_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sprat/errors.h>

#define UMP_LINE_BYTES      32
#define UMP_PAYLOAD_WORDS   7

#define UMP_CTRL_EPOCH      (1u << 31)
#define UMP_CTRL_ACK_ONLY   (1u << 20)
#define UMP_CTRL_LEN_SHIFT  16
#define UMP_CTRL_LEN_MASK   0xfu
#define UMP_CTRL_ACK_MASK   0xffffu

struct ump_line {
    volatile uint32_t word[UMP_PAYLOAD_WORDS];
    volatile uint32_t ctrl;
} __attribute__((aligned(UMP_LINE_BYTES)));

/* One side's view of a channel. */
struct ump_ring {
    struct ump_line *tx, *rx;   /* our send ring, our receive ring */
    uint32_t lines;             /* lines per ring (a power of two) */
    uint32_t tx_seq;            /* lines we have written */
    uint32_t tx_acked;          /* of those, lines the peer has read */
    uint32_t rx_seq;            /* lines we have read */
    uint32_t rx_told;           /* rx_seq as we last told the peer */
};

/*
 * Use frame [frame, frame + bytes) (zeroed before either side starts) as
 * a channel's two rings; the side with first = true sends in the lower
 * half.  LIB_ERR_UMP_BAD_FRAME unless the halves hold a power of two of
 * at least 4 lines and the frame is line-aligned.
 */
errval_t ump_ring_init(struct ump_ring *r, void *frame, size_t bytes, bool first);

/* Send len (<= UMP_PAYLOAD_WORDS) words.  LIB_ERR_UMP_FULL (transient)
 * while the peer has not read enough; LIB_ERR_UMP_BAD_LENGTH. */
errval_t ump_ring_send(struct ump_ring *r, const uint32_t *words, unsigned len);

/* Is a message for the user waiting?  (Takes in acks on the way.) */
bool ump_ring_can_recv(struct ump_ring *r);

/* Take the next message: its words (up to UMP_PAYLOAD_WORDS) and length.
 * LIB_ERR_UMP_EMPTY if there is none. */
errval_t ump_ring_recv(struct ump_ring *r, uint32_t *words, unsigned *len);

/* Lines sent and not yet known to be read (for tests and statistics). */
static inline uint32_t ump_ring_in_flight(const struct ump_ring *r)
{
    return r->tx_seq - r->tx_acked;
}

#endif
