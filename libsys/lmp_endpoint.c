/*
 * libsys/lmp_endpoint.c -- receiving LMP messages (sys/lmp_endpoint.h).
 *
 * The kernel appends each message to the endpoint's ring (a header word,
 * then the payload) and sets bit `id` of lmp_pending in the dispatcher
 * frame.  We read at `consumed` and advance it; the kernel never writes
 * past what we consumed, so no locking with the kernel is needed.
 *
 * Buffers are carved from the frame's LMP area with a small first-fit
 * bitmap of 64-byte units.
 */
#include <string.h>
#include <sys/lmp_endpoint.h>
#include <sys/disp.h>
#include <sys/threads.h>

#define UNIT            64u
#define AREA_BYTES      (DISPATCHER_FRAME_BYTES - DISP_LMP_AREA_OFFSET)
#define UNITS           (AREA_BYTES / UNIT)

static uint8_t unit_used[UNITS];
static struct lmp_endpoint endpoints[LMP_ENDPOINTS_MAX];

static bool area_alloc(uint32_t bytes, uint32_t *offset)
{
    uint32_t n = (bytes + UNIT - 1) / UNIT;
    for (uint32_t i = 0; i + n <= UNITS; i++) {
        uint32_t j = 0;
        while (j < n && !unit_used[i + j]) {
            j++;
        }
        if (j == n) {
            memset(&unit_used[i], 1, n);
            *offset = DISP_LMP_AREA_OFFSET + i * UNIT;
            return true;
        }
        i += j;
    }
    return false;
}

static void area_free(uint32_t offset, uint32_t bytes)
{
    uint32_t first = (offset - DISP_LMP_AREA_OFFSET) / UNIT;
    memset(&unit_used[first], 0, (bytes + UNIT - 1) / UNIT);
}

errval_t lmp_endpoint_alloc_recv_slot(struct lmp_endpoint *ep)
{
    errval_t err = slot_alloc(&ep->recv_slot);
    if (err_is_ok(err)) {
        ep->kern->recv_slot = capref_addr(ep->recv_slot);
    }
    return err;
}

errval_t lmp_endpoint_create(struct lmp_endpoint **ret, uint32_t buf_words,
                             struct capref *ep_cap)
{
    struct lmp_endpoint *ep = NULL;
    errval_t err;

    /* A power-of-two ring lets the kernel's fast path index it with a
     * mask (the Cortex-A9 has no divide instruction). */
    uint32_t words = buf_words > LMP_MSG_WORDS + 1 ? buf_words : LMP_MSG_WORDS + 1;
    words = 1u << (32 - __builtin_clz(words - 1));     /* next power of two */
    uint32_t bytes = LMP_ENDPOINT_HEADER_BYTES + 4 * words;
    thread_lock_libsys();
    for (uint32_t i = 0; i < LMP_ENDPOINTS_MAX; i++) {
        if (!endpoints[i].in_use) {
            ep = &endpoints[i];
            ep->id = i;
            break;
        }
    }
    if (ep == NULL || !area_alloc(bytes, &ep->buf_offset)) {
        thread_unlock_libsys();
        return LIB_ERR_LMP_NO_BUFFER_SPACE;
    }
    ep->in_use = true;
    thread_unlock_libsys();

    ep->buf_bytes = bytes;
    ep->kern = (struct lmp_endpoint_kern *)(DISPATCHER_VADDR + ep->buf_offset);
    memset((void *)ep->kern, 0, bytes);
    ep->kern->id = ep->id;
    ep->waiters = (struct thread_queue){ NULL, NULL };
    ep->notify = NULL;
    if ((err = lmp_endpoint_alloc_recv_slot(ep)) ||
        (err = slot_alloc(ep_cap)) ||
        (err = cap_mint(*ep_cap, taskcn_cap(TASKCN_SLOT_SELFEP),
                        CAPRIGHTS_ALLRIGHTS, ep->buf_offset, bytes))) {
        lmp_endpoint_destroy(ep);
        return err;
    }
    *ret = ep;
    return SYS_ERR_OK;
}

void lmp_endpoint_destroy(struct lmp_endpoint *ep)
{
    cap_destroy(ep->recv_slot);     /* the receive slot, and a capability
                                     * that may have come into it */
    ep->recv_slot = NULL_CAP;
    thread_lock_libsys();
    area_free(ep->buf_offset, ep->buf_bytes);
    ep->in_use = false;
    thread_unlock_libsys();
}

static uint32_t ring_words(const struct lmp_endpoint *ep)
{
    return (ep->buf_bytes - LMP_ENDPOINT_HEADER_BYTES) / 4;
}

bool lmp_endpoint_has_message(struct lmp_endpoint *ep)
{
    return ep->kern->delivered != ep->kern->consumed;
}

errval_t lmp_endpoint_recv(struct lmp_endpoint *ep, struct lmp_recv_msg *msg,
                           struct capref *cap)
{
    volatile struct lmp_endpoint_kern *k = ep->kern;
    uint32_t mask = ring_words(ep) - 1;         /* a power of two */
    uint32_t c = k->consumed;

    if (k->delivered == c) {
        return LIB_ERR_LMP_NO_MESSAGE;
    }
    uint32_t hdr = k->buf[c & mask];
    msg->len = hdr & LMP_HDR_LEN_MASK;
    msg->has_cap = (hdr & LMP_HDR_CAP) != 0;
    if (msg->len > LMP_MSG_WORDS) {
        msg->len = LMP_MSG_WORDS;   /* cannot happen: the kernel checks */
    }
    for (uint32_t i = 0; i < msg->len; i++) {
        msg->words[i] = k->buf[(c + 1 + i) & mask];
    }
    __asm__ volatile("" ::: "memory");
    k->consumed = c + 1 + (hdr & LMP_HDR_LEN_MASK);
    if (msg->has_cap) {
        if (cap) {
            *cap = ep->recv_slot;
        }
        lmp_endpoint_alloc_recv_slot(ep);
    }
    return SYS_ERR_OK;
}

void lmp_endpoint_wait(struct lmp_endpoint *ep)
{
    disp_disable();
    while (!lmp_endpoint_has_message(ep)) {
        thread_block_disabled(&ep->waiters);
    }
    disp_enable();
}

void lmp_endpoints_poll(void)
{
    struct dispatcher_shared *sh = disp_shared();
    uint32_t delivered = sh->lmp_delivered;
    uint32_t pending = sh->lmp_pending;

    if (pending == 0) {
        return;
    }
    sh->lmp_pending = 0;            /* clear first: nothing is lost */
    /* ... except a bit the kernel set between our load and that store (we
     * can be preempted there, disabled or not).  The kernel also counts
     * every delivery: if the count moved, look at every endpoint. */
    bool lost = sh->lmp_delivered != delivered;
    for (uint32_t i = 0; i < LMP_ENDPOINTS_MAX; i++) {
        struct lmp_endpoint *ep = &endpoints[i];
        if (!ep->in_use || !((pending & (1u << i)) ||
                             (lost && lmp_endpoint_has_message(ep)))) {
            continue;
        }
        while (thread_wake_one_disabled(&ep->waiters)) {
        }
        if (ep->notify) {
            ep->notify(ep, ep->notify_arg);
        }
    }
}
