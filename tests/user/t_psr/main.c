/*
 * tests/user/t_psr -- a disabled domain resumed by a sync answer keeps
 * only the user bits of the CPSR saved in its disabled save area
 * (docs/lmp.md, "The fast path block by block", block 11a; the C path:
 * dispatch_sanitize_cpsr, kernel/dispatch.c).  The save area is user
 * memory: whoever has the dispatcher frame mapped may write it while the
 * domain is switched out, so the kernel must not trust its mode and
 * mask bits.
 *
 *   t_psr server   publishes "psr", maps the client's dispatcher frame
 *                  (sent to it as a capability), and when the client's
 *                  probe arrives, writes SVC mode, I and F masked and the
 *                  Q flag into the client's saved CPSR (and a mark into
 *                  its saved r5), then answers with a sync send: the
 *                  client, disabled, resumes from that area (block 11a
 *                  with the fast path on, dispatch_resume without)
 *   t_psr client   binds, sends its frame, then sends the probe disabled
 *                  and reads its CPSR with the first instruction after
 *                  the svc: user mode, I and F clear, Q kept
 *
 * A wrong mask would resume the client in SVC mode with interrupts off:
 * the instruction after the mrs (msr cpsr_c, ignored in User mode, ARM
 * ARM B9.3.12) puts it back in User mode with interrupts on, so a broken
 * kernel gives a "not ok", not a hang.
 */
#include <stdio.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/lmp_chan.h>
#include <sys/paging.h>
#include <sys/rpc.h>
#include <sys/threads.h>
#include <sprat/bootinfo.h>
#include <sprat/dispatcher.h>
#include <if/init.h>
#include <systest.h>

/* CPSR fields (ARM ARM B1.3.3, "Program Status Registers"); the kernel's
 * names are in kernel/arch/armv7/include/arch/armv7.h, which user code
 * does not include. */
#define CPSR_MODE_MASK  0x1fu
#define CPSR_MODE_USR   0x10u
#define CPSR_MODE_SVC   0x13u
#define CPSR_F          (1u << 6)
#define CPSR_I          (1u << 7)
#define CPSR_Q          (1u << 27)      /* a user bit no compiled code sets */

#define MARK_R5         0x5a5a1234u     /* the server's mark in the saved r5 */

enum { CMD_FRAME = 1, CMD_PROBE, CMD_ANSWER };

/* Take the next message, waiting for it. */
static void recv_wait(struct lmp_chan *ch, struct lmp_recv_msg *msg, struct capref *cap)
{
    while (err_is_fail(lmp_chan_recv(ch, msg, cap))) {
        lmp_endpoint_wait(ch->endpoint);
    }
}

static int server(void)
{
    struct lmp_chan ch;
    struct lmp_recv_msg msg;
    struct capref cap;
    uint32_t va;
    errval_t err;

    if ((err = lmp_chan_accept(&ch, 64, NULL_CAP)) ||
        (err = rpc_name_register(get_init_rpc(), "psr", ch.local_cap))) {
        DEBUG_ERR(err, "server start");
        return 1;
    }
    recv_wait(&ch, &msg, &cap);             /* the client's endpoint */
    lmp_chan_set_remote(&ch, cap);
    recv_wait(&ch, &msg, &cap);             /* its dispatcher frame */
    if (msg.words[0] != CMD_FRAME ||
        (err = paging_map_frame(&va, cap, DISPATCHER_FRAME_BYTES, VREGION_FLAGS_READ_WRITE))) {
        DEBUG_ERR(err, "mapping the client's dispatcher frame");
        return 1;
    }
    struct dispatcher_shared *sh = (struct dispatcher_shared *)(va + DISP_SHARED_OFFSET);
    recv_wait(&ch, &msg, &cap);             /* the probe: the client is switched out */
    uint32_t saved = sh->disabled_area.cpsr;
    bool disabled = sh->disabled != 0;
    sh->disabled_area.cpsr = (saved & ~CPSR_MODE_MASK) | CPSR_MODE_SVC | CPSR_I | CPSR_F | CPSR_Q;
    sh->disabled_area.r[5] = MARK_R5;
    uint32_t answer = CMD_ANSWER;
    err = lmp_chan_send(&ch, LMP_FLAG_SYNC, NULL_CAP, 1, &answer);
    test_report(msg.words[0] == CMD_PROBE && disabled && (saved & CPSR_MODE_MASK) == CPSR_MODE_USR &&
                    err_is_ok(err),
                "t_psr: the probing client was disabled, saved in user mode (cpsr %#x)",
                (unsigned)saved);
    return 0;
}

/*
 * The probe: a sync send of one word, disabled, and the CPSR read right
 * after the svc, where the answer resumes us.  r5 comes back from the
 * save area (the server's mark).  In: remote = the server's endpoint.
 */
static uint32_t probe(capaddr_t remote, uint32_t *r5_out, errval_t *err)
{
    capaddr_t cap_addr;
    register uint32_t r0 __asm__("r0") = lmp_send_word(LMP_FLAG_SYNC, 1, NULL_CAP, &cap_addr);
    register uint32_t r1 __asm__("r1") = remote;
    register uint32_t r2 __asm__("r2") = cap_addr;
    register uint32_t r3 __asm__("r3") = CMD_PROBE;
    register uint32_t r5 __asm__("r5") = 0;
    uint32_t psr;
    __asm__ volatile("svc   #0\n\t"
                     "mrs   %[psr], cpsr\n\t"
                     "msr   cpsr_c, #0x10\n\t"      /* User mode, I and F clear */
                     : "+r"(r0), "+r"(r5), [psr] "=&r"(psr)
                     : "r"(r1), "r"(r2), "r"(r3)
                     : "r12", "cc", "memory");
    *r5_out = r5;
    *err = r0;
    return psr;
}

static int client(void)
{
    struct lmp_chan ch;
    struct lmp_recv_msg msg;
    struct capref server_ep;
    errval_t err;

    while (err_is_fail(rpc_name_lookup(get_init_rpc(), "psr", &server_ep))) {
        thread_yield();
    }
    uint32_t cmd = CMD_FRAME;
    if ((err = lmp_chan_bind(&ch, 64, server_ep)) ||
        (err = lmp_chan_send(&ch, LMP_FLAG_SYNC, taskcn_cap(TASKCN_SLOT_DISPFRAME), 1, &cmd))) {
        DEBUG_ERR(err, "bind and send the frame");
        test_report(false, "t_psr: bind");
        return 1;
    }
    bool was = disp_disable();
    uint32_t r5;
    uint32_t psr = probe(ch.remote_addr, &r5, &err);
    /* The answer is in the ring already: it is what resumed us (not the
     * scheduler, between the server's edit and its answer). */
    errval_t got = lmp_chan_recv(&ch, &msg, NULL);
    if (!was) {
        disp_enable();
    }
    __asm__ volatile("msr   APSR_nzcvq, #0" ::: "cc");      /* Q off again */
    test_report(err_is_ok(err) && r5 == MARK_R5 && err_is_ok(got) && msg.words[0] == CMD_ANSWER,
                "t_psr: resumed by the answer from the edited disabled area");
    test_report((psr & CPSR_MODE_MASK) == CPSR_MODE_USR && (psr & (CPSR_I | CPSR_F)) == 0,
                "t_psr: the saved CPSR's SVC mode and I, F masks were dropped (cpsr %#x)",
                (unsigned)psr);
    test_report((psr & CPSR_Q) != 0, "t_psr: its user flag Q was kept");
    return 0;
}

int main(int argc, char **argv)
{
    return argc > 1 && strcmp(argv[1], "server") == 0 ? server() : client();
}
