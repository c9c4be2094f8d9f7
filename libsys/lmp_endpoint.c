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
    struct capref slot;
    /* Until a new slot is there, the kernel refuses capabilities (and the
     * old slot, now someone else's, is no longer ours to delete). */
    ep->kern->recv_slot = CPTR_NULL;
    ep->recv_slot = NULL_CAP;
    errval_t err = slot_alloc(&slot);
    if (err_is_ok(err)) {
        ep->recv_slot = slot;
        ep->kern->recv_slot = capref_addr(slot);
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
    ep->recv_slot = NULL_CAP;           /* until one is allocated below */
    thread_unlock_libsys();

    ep->buf_bytes = bytes;
    ep->ring_mask = words - 1;
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

bool lmp_endpoint_has_message(struct lmp_endpoint *ep)
{
    return ep->kern->delivered != ep->kern->consumed;
}

struct capref lmp_endpoint_take_cap(struct lmp_endpoint *ep)
{
    struct capref cap = ep->recv_slot;      /* the caller's now */
    lmp_endpoint_alloc_recv_slot(ep);
    return cap;
}

/* A capability came with the message just taken: hand it over (or
 * delete it, if the caller does not want it). */
static errval_t __attribute__((noinline))
recv_cap(struct lmp_endpoint *ep, struct capref *cap)
{
    if (cap == NULL) {
        return cap_delete(ep->recv_slot);   /* the slot is reused */
    }
    *cap = lmp_endpoint_take_cap(ep);
    return SYS_ERR_OK;
}

/*
 * The receive path is short because it runs once per message: the ring
 * mask is precomputed, a message that does not wrap past the end of the
 * ring (most of them) is copied without masking every index, and the rare
 * capability is handled out of line.  Only the two counters are read and
 * written as volatile: `consumed` is advanced after the words are copied
 * (the barrier keeps the compiler from moving it earlier), and until then
 * the kernel will not reuse their space.
 */
errval_t lmp_endpoint_recv_any(struct lmp_endpoint *ep, struct lmp_recv_msg *msg,
                               struct capref *cap)
{
    struct lmp_endpoint_kern *k = ep->kern;
    uint32_t c = k->consumed;

    if (k->delivered == c) {
        return LIB_ERR_LMP_NO_MESSAGE;
    }
    uint32_t mask = ep->ring_mask;
    uint32_t at = c & mask;
    uint32_t hdr = k->buf[at];
    uint32_t len = hdr & LMP_HDR_LEN_MASK;
    if (len > LMP_MSG_WORDS) {
        len = LMP_MSG_WORDS;        /* cannot happen: the kernel checks */
    }
    msg->len = len;
    msg->has_cap = (hdr & LMP_HDR_CAP) != 0;
    const uint32_t *src = &k->buf[at + 1];
    if (at + len <= mask) {
        for (uint32_t i = 0; i < len; i++) {
            msg->words[i] = src[i];
        }
    } else {
        for (uint32_t i = 0; i < len; i++) {
            msg->words[i] = k->buf[(at + 1 + i) & mask];
        }
    }
    __asm__ volatile("" ::: "memory");
    k->consumed = c + 1 + (hdr & LMP_HDR_LEN_MASK);
    if (hdr & LMP_HDR_CAP) {
        return recv_cap(ep, cap);
    }
    if (cap) {
        *cap = NULL_CAP;
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
    sh->lmp_pending = 0;            /* clear first: nothing is lost ... */
    /* ... except a bit the kernel set between our load and that store (we
     * can be preempted there, disabled or not).  The kernel also counts
     * every delivery: if the count moved, every endpoint with a message
     * counts as pending. */
    if (sh->lmp_delivered != delivered) {
        for (uint32_t i = 0; i < LMP_ENDPOINTS_MAX; i++) {
            if (endpoints[i].in_use && lmp_endpoint_has_message(&endpoints[i])) {
                pending |= 1u << i;
            }
        }
    }
    while (pending != 0) {          /* only the endpoints with news */
        uint32_t i = __builtin_ctz(pending);
        pending &= pending - 1;
        struct lmp_endpoint *ep = &endpoints[i];
        if (!ep->in_use) {
            continue;
        }
        while (thread_wake_one_disabled(&ep->waiters)) {
        }
        if (ep->notify) {
            ep->notify(ep, ep->notify_arg);
        }
    }
}
