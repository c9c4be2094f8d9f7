/*
 * libsys/ump_ring.c -- the two rings of a UMP channel
 * (<sys/ump_ring.h>; docs/multikernel.md, "UMP").  Pure logic over
 * shared memory plus two barriers, so tests/host/test_ump_ring.c runs it
 * on the host.
 *
 * The ordering rules (ARM ARM A3.8.4, "Memory barriers", DMB): the
 * sender's payload stores must be observed before its control-word store,
 * and the receiver's payload loads must not be satisfied before its
 * control-word load -- one DMB on each side.  The receiver's ack, written
 * in a later line of its own, is ordered after its payload loads by the
 * same DMB on its sending side: the sender never reuses a line that is
 * still being read.  The frame must be Normal Shareable memory so that
 * the other core's caches are kept coherent (docs/multikernel.md).
 */
#include <string.h>
#include <sys/ump_ring.h>

#ifdef __arm__
#define ump_barrier() __asm__ volatile("dmb ish" ::: "memory")
#else
#define ump_barrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

/* Room is kept for one ack-only line, so that a side whose ring is full
 * of data can still tell the peer what it has read (no deadlock when both
 * send at once). */
#define UMP_ACK_RESERVE 1

errval_t ump_ring_init(struct ump_ring *r, void *frame, size_t bytes, bool first)
{
    uint32_t lines = (uint32_t)(bytes / 2 / UMP_LINE_BYTES);

    memset(r, 0, sizeof(*r));
    if (frame == NULL || ((uintptr_t)frame % UMP_LINE_BYTES) != 0 ||
        lines < 4 || (lines & (lines - 1)) != 0) {
        return LIB_ERR_UMP_BAD_FRAME;
    }
    struct ump_line *lower = frame, *upper = lower + lines;
    r->lines = lines;
    r->tx = first ? lower : upper;
    r->rx = first ? upper : lower;
    return SYS_ERR_OK;
}

/* The epoch bit line number seq carries: 1 on the first pass, so that the
 * zeroed frame reads as "nothing new". */
static uint32_t epoch_of(const struct ump_ring *r, uint32_t seq)
{
    return ((seq / r->lines) & 1) ? 0 : UMP_CTRL_EPOCH;
}

/* The 16-bit ack field names the peer's read count mod 2^16; it never
 * runs more than a ring ahead of what we know, so widen it from there. */
static void take_ack(struct ump_ring *r, uint32_t ctrl)
{
    uint32_t delta = ((ctrl & UMP_CTRL_ACK_MASK) - r->tx_acked) & UMP_CTRL_ACK_MASK;
    if (delta <= r->tx_seq - r->tx_acked) {
        r->tx_acked += delta;
    }
}

static bool line_is_new(const struct ump_ring *r, uint32_t seq, uint32_t *ctrl)
{
    *ctrl = r->rx[seq & (r->lines - 1)].ctrl;
    return (*ctrl & UMP_CTRL_EPOCH) == epoch_of(r, seq);
}

static void put_line(struct ump_ring *r, const uint32_t *words, unsigned len, uint32_t flags)
{
    struct ump_line *l = &r->tx[r->tx_seq & (r->lines - 1)];
    for (unsigned i = 0; i < len; i++) {
        l->word[i] = words[i];
    }
    ump_barrier();              /* payload before the control word */
    l->ctrl = epoch_of(r, r->tx_seq) | flags | (len << UMP_CTRL_LEN_SHIFT) |
              (r->rx_seq & UMP_CTRL_ACK_MASK);
    r->tx_seq++;
    r->rx_told = r->rx_seq;
}

/* Read the acks of every new line, and consume the ack-only lines at the
 * head of the receive ring: a blocked sender learns of room this way
 * without taking the user's messages. */
static void absorb(struct ump_ring *r)
{
    uint32_t ctrl;
    for (uint32_t seq = r->rx_seq; seq - r->rx_seq < r->lines && line_is_new(r, seq, &ctrl); seq++) {
        take_ack(r, ctrl);
        if (seq == r->rx_seq && (ctrl & UMP_CTRL_ACK_ONLY)) {
            r->rx_seq++;
        }
    }
}

errval_t ump_ring_send(struct ump_ring *r, const uint32_t *words, unsigned len)
{
    if (len > UMP_PAYLOAD_WORDS) {
        return LIB_ERR_UMP_BAD_LENGTH;
    }
    if (ump_ring_in_flight(r) >= r->lines - UMP_ACK_RESERVE) {
        absorb(r);
        if (ump_ring_in_flight(r) >= r->lines - UMP_ACK_RESERVE) {
            return LIB_ERR_UMP_FULL;
        }
    }
    put_line(r, words, len, 0);
    return SYS_ERR_OK;
}

bool ump_ring_can_recv(struct ump_ring *r)
{
    uint32_t ctrl;
    absorb(r);
    return line_is_new(r, r->rx_seq, &ctrl);
}

/* Tell the peer what we have read once half a ring is unacknowledged
 * (if our own ring has room; else a later line carries it). */
static void maybe_ack(struct ump_ring *r)
{
    if (r->rx_seq - r->rx_told >= r->lines / 2 &&
        ump_ring_in_flight(r) < r->lines) {
        put_line(r, NULL, 0, UMP_CTRL_ACK_ONLY);
    }
}

errval_t ump_ring_recv(struct ump_ring *r, uint32_t *words, unsigned *len)
{
    uint32_t ctrl;
    if (!ump_ring_can_recv(r)) {
        return LIB_ERR_UMP_EMPTY;
    }
    line_is_new(r, r->rx_seq, &ctrl);
    ump_barrier();              /* the control word before the payload */
    const struct ump_line *l = &r->rx[r->rx_seq & (r->lines - 1)];
    unsigned n = (ctrl >> UMP_CTRL_LEN_SHIFT) & UMP_CTRL_LEN_MASK;
    if (n > UMP_PAYLOAD_WORDS) {
        n = UMP_PAYLOAD_WORDS;  /* a corrupt peer: never read past the line */
    }
    for (unsigned i = 0; i < n; i++) {
        words[i] = l->word[i];
    }
    *len = n;
    take_ack(r, ctrl);
    r->rx_seq++;
    maybe_ack(r);
    return SYS_ERR_OK;
}
