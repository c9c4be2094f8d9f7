/*
 * libsys/ump_chan.c -- UMP channels on the waitset (<sys/ump_chan.h>;
 * docs/multikernel.md, "UMP").  The ring logic is libsys/ump_ring.c.
 */
#include <stddef.h>
#include <sys/invoke.h>
#include <sys/threads.h>
#include <sys/ump_chan.h>

/*
 * A poll that found nothing: the other side runs on another core, so say
 * so with YIELD (ARM ARM A8.8.426: a hint that this thread is waiting; a
 * NOP on the Cortex-A9).  QEMU's round-robin vCPU loop, which the -icount
 * test runs use, switches to the other core on it at once; without it the
 * other core would get its turn only at the next timer deadline, and a
 * round trip would cost two time slices.
 */
void ump_chan_relax(void)
{
#ifdef __arm__
    __asm__ volatile("yield" ::: "memory");
#endif
}

/* (The host tests, tests/host/test_ump_chan.c, compile this file too.) */
#ifdef __arm__
#define ump_dmb() __asm__ volatile("dmb ish" ::: "memory")
#else
#define ump_dmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

errval_t ump_chan_init(struct ump_chan *uc, void *buf, size_t bytes, bool first)
{
    waitset_chanstate_init(&uc->recv_ws);
    uc->wake = NULL;
    uc->wake_arg = NULL;
    uc->peer_down = NULL;
    if (bytes < 4 * UMP_LINE_BYTES) {
        return LIB_ERR_UMP_BAD_FRAME;
    }
    struct ump_sleep_line *flags = (struct ump_sleep_line *)((char *)buf + bytes / 2);
    uc->mine = &flags[first ? 0 : 1];
    uc->peer = &flags[first ? 1 : 0];
    return ump_ring_init(&uc->ring, buf, bytes / 2, first);
}

/* The peer's kernel wrote its lines, DMB, then the word (kernel/smp.c,
 * smp_dispatcher_stopped): so the word (ump_chan_peer_gone, inline in
 * sys/ump_chan.h), DMB, then the ring (ARM ARM A3.8.3). */
bool ump_chan_peer_gone_slow(struct ump_chan *uc)
{
    ump_dmb();
    return !ump_ring_can_recv(&uc->ring);
}

/* After a message: wake the peer if it said it sleeps. */
static void notify(struct ump_chan *uc)
{
    ump_dmb();                  /* our line before the peer's flag */
    if (uc->peer->asleep && uc->wake != NULL) {
        uc->peer->asleep = 0;
        uc->wake(uc->wake_arg);
    }
}

errval_t ump_chan_send(struct ump_chan *uc, const uint32_t *words, unsigned len)
{
    errval_t err = ump_ring_send(&uc->ring, words, len);
    if (err_is_ok(err)) {
        notify(uc);
    }
    return err;
}

bool ump_chan_prepare_sleep(struct ump_chan *uc)
{
    uc->mine->asleep = 1;
    ump_dmb();                  /* our flag before the ring's lines */
    if (ump_ring_can_recv(&uc->ring)) {
        uc->mine->asleep = 0;
        return false;
    }
    /* (A peer whose core stops after this still wakes us: its kernel
     * sets the word, then raises the wake SGI, which finds us asleep or
     * is kept for our next block; the poll then sees the word.) */
    return true;
}

void ump_chan_awake(struct ump_chan *uc)
{
    uc->mine->asleep = 0;
}

errval_t ump_chan_send_retry(struct ump_chan *uc, const uint32_t *words,
                             unsigned len, uint32_t tries)
{
    for (uint32_t i = 0; ; i++) {
        errval_t err = ump_chan_send(uc, words, len);
        if (err != LIB_ERR_UMP_FULL || (tries != 0 && i + 1 >= tries)) {
            return err;
        }
        if (ump_chan_peer_gone(uc)) {
            return LIB_ERR_UMP_PEER_DOWN;   /* nobody will read */
        }
        ump_chan_relax();       /* the receiver runs on its core meanwhile */
        thread_yield();
    }
}

errval_t ump_chan_recv(struct ump_chan *uc, uint32_t *words, unsigned *len)
{
    return ump_ring_recv(&uc->ring, words, len);
}

static struct ump_chan *chan_of(struct waitset_chanstate *cs)
{
    return (struct ump_chan *)((char *)cs - offsetof(struct ump_chan, recv_ws));
}

/* The waitset's poll: is a message waiting -- or is the peer gone, so
 * that its waiter hears it?  (Then we are awake: a sender need not raise
 * the SGI for us any more.)  No YIELD here: the waitset polls a sleeping
 * waitset's channels each time it looks for events (waitset.c), and a
 * poll loop relaxes itself. */
static bool recv_poll(struct waitset_chanstate *cs)
{
    struct ump_chan *uc = chan_of(cs);
    if (ump_ring_can_recv(&uc->ring) || ump_chan_peer_gone(uc)) {
        ump_chan_awake(uc);
        return true;
    }
    return false;
}

static bool recv_prepare_sleep(struct waitset_chanstate *cs)
{
    return ump_chan_prepare_sleep(chan_of(cs));
}

static void recv_awake(struct waitset_chanstate *cs)
{
    ump_chan_awake(chan_of(cs));
}

errval_t ump_chan_register_recv(struct ump_chan *uc, struct waitset *ws,
                                struct event_closure closure)
{
    uc->recv_ws.poll = recv_poll;
    uc->recv_ws.prepare_sleep = recv_prepare_sleep;
    uc->recv_ws.awake = recv_awake;
    return waitset_chan_register_polled(ws, &uc->recv_ws, closure);
}
