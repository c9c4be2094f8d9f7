/*
 * user/sys/serial -- the serial driver (docs/rpc.md, "The serial driver").
 *
 * It owns the console UART (a DevFrame) and its interrupt (an IRQ
 * capability whose interrupts arrive as LMP messages on one of our
 * endpoints), and serves every domain's terminal output and input:
 *
 * Output, a line at a time.  Each domain's output (each of its streams:
 * libc's stdout has one per thread) collects in a line buffer of its own
 * and goes to the UART when the line is complete, so two domains' text
 * never mixes inside a line.  The foreground domain's
 * unfinished line (a prompt, the echo of what the user types) is shown
 * at once; if another domain's line has to go out meanwhile, the
 * unfinished line is rubbed out, the other line printed in its place,
 * and the unfinished line drawn again below it.  A backspace takes the
 * character before it off the line (so the buffer holds what the screen
 * shows, however much the user edits).  A line longer than LINE_BYTES
 * goes out in pieces, each on a line of its own.
 *
 * Input, to the foreground domain only.  Typed characters wait in a ring
 * until the foreground domain asks for them (GETCHAR), oldest first, each
 * exactly once (a reply that cannot be delivered keeps its character).
 * When the ring is full we stop taking characters out of the UART, whose
 * FIFO then fills and makes the sender (QEMU, a terminal) wait: nothing is
 * lost.  Input is raw: no echo, no line editing; only CR becomes LF.
 * init decides who is in the foreground (SET_FOREGROUND); when that domain
 * dies, init (domain 1) has the terminal again.
 *
 * Ctrl-C, while another domain than init holds the terminal, is not
 * input: it answers init's INTERRUPT_WAIT call with that domain's id
 * (init then kills it), and the input typed ahead for that domain is
 * dropped.  The byte is seen here, in the interrupt handler, so this
 * works whatever the foreground domain does: spin, or wait in an RPC.
 * At init's prompt Ctrl-C is an ordinary character (it drops the line).
 *
 * Our own messages go straight to the UART.  We never call another domain
 * after start-up (not even the memory server: no RAM refills), so any
 * domain, the memory server included, may print through us.
 *
 * Capabilities from init: TASKCN_SLOTS_FREE = the UART's DevFrame,
 * TASKCN_SLOTS_FREE + 1 = its IRQ.  argv[1] names the UART model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/paging.h>
#include <sys/ram.h>
#include <sys/rpc_service.h>
#include <sys/stdio_backend.h>
#include <sys/waitset.h>
#include <sprat/bootinfo.h>
#include <sprat/domain_id.h>
#include <if/serial.h>

#define INIT_DOMAIN_ID  DOMAIN_ID(0, DOMAIN_ID_INIT_NUMBER)    /* it runs on core 0 */
#define INPUT_BYTES     256
#define LINE_BYTES      256
#define MAX_WAITERS     8
#define MAX_WRITERS     64
#define CTRL_C          0x03
/* Carriage return, then ESC [ K: erase to the end of the line (VT100;
 * ECMA-48 "EL"): rubs out an unfinished line that fits on one row. */
#define ERASE_LINE      "\r\x1b[K"
#define SERIAL_MAX_REQUEST_BYTES (16u * 1024)

static volatile uint32_t *uart;
static struct capref irq_cap;

/* ---- the UART ------------------------------------------------------------ */

/*
 * The two UART models the boards have, as the few operations this driver
 * needs (the kernel has set each one up: 8N1, 115200 baud).  argv[1]
 * names the model.
 */
struct uart_model {
    const char *name;
    bool (*tx_full)(void);
    void (*tx)(char c);
    bool (*rx_ready)(void);
    char (*rx)(void);
    void (*rx_irq)(bool on);        /* receive interrupts on or off */
    void (*rx_irq_clear)(void);     /* before the receive FIFO is drained */
};

/* PL011 (ARM DDI 0183): vexpress-a9, virt.  Register indices are byte
 * offsets / 4. */
#define UARTDR      (0x00 / 4)
#define UARTFR      (0x18 / 4)
#define UARTIMSC    (0x38 / 4)
#define UARTICR     (0x44 / 4)
#define FR_RXFE     (1u << 4)   /* receive FIFO empty */
#define FR_TXFF     (1u << 5)   /* transmit FIFO full */
#define INT_RX      (1u << 4)   /* receive */
#define INT_RT      (1u << 6)   /* receive timeout */

static bool pl011_tx_full(void)     { return uart[UARTFR] & FR_TXFF; }
static void pl011_tx(char c)        { uart[UARTDR] = (uint8_t)c; }
static bool pl011_rx_ready(void)    { return !(uart[UARTFR] & FR_RXFE); }
static char pl011_rx(void)          { return (char)uart[UARTDR]; }
static void pl011_rx_clear(void)    { uart[UARTICR] = INT_RX | INT_RT; }

static void pl011_rx_irq(bool on)
{
    if (on) {
        uart[UARTIMSC] |= INT_RX | INT_RT;
    } else {
        uart[UARTIMSC] &= ~(INT_RX | INT_RT);
    }
}

/* 16550 with 4-byte registers (the PandaBoard's OMAP4 UART3; the kernel's
 * kernel/dev/ns16550.c sets it up).  Reading RHR until the FIFO is empty
 * is what clears the receive and receive-timeout interrupts; IER bit 0
 * enables both. */
#define NS_RHR      0
#define NS_THR      0
#define NS_IER      1
#define NS_LSR      5
#define IER_RHR     (1u << 0)
#define LSR_DR      (1u << 0)
#define LSR_THRE    (1u << 5)

static bool ns16550_tx_full(void)   { return !(uart[NS_LSR] & LSR_THRE); }
static void ns16550_tx(char c)      { uart[NS_THR] = (uint8_t)c; }
static bool ns16550_rx_ready(void)  { return uart[NS_LSR] & LSR_DR; }
static char ns16550_rx(void)        { return (char)uart[NS_RHR]; }
static void ns16550_rx_clear(void)  { }

static void ns16550_rx_irq(bool on)
{
    if (on) {
        uart[NS_IER] |= IER_RHR;
    } else {
        uart[NS_IER] &= ~IER_RHR;
    }
}

static const struct uart_model models[] = {
    { "pl011", pl011_tx_full, pl011_tx, pl011_rx_ready, pl011_rx, pl011_rx_irq,
      pl011_rx_clear },
    { "ns16550", ns16550_tx_full, ns16550_tx, ns16550_rx_ready, ns16550_rx,
      ns16550_rx_irq, ns16550_rx_clear },
};
static const struct uart_model *model;

static void uart_putc(char c)
{
    while (model->tx_full()) {
    }
    model->tx(c);
}

static void uart_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n') {
            uart_putc('\r');
        }
        uart_putc(s[i]);
    }
}

/* ---- output: one line buffer per domain ------------------------------------ */

struct writer {
    bool used;
    uint32_t domain;
    uint32_t stream;            /* stdout: the writing thread */
    size_t len;                 /* bytes in line */
    size_t shown;               /* of which on the screen already */
    char line[LINE_BYTES];
};

static struct writer writers[MAX_WRITERS];
static struct writer *on_screen;    /* whose unfinished line ends the screen */
static uint32_t foreground = INIT_DOMAIN_ID;
/* Where the terminal goes back when the foreground domain ends: the shell
 * (SET_HOME), init until there is one.  Ctrl-C at home is a key like any
 * other (the shell's line editor drops the line). */
static uint32_t home = INIT_DOMAIN_ID;

/* LAB 7 UNUSED */
static struct writer *writer_of(uint32_t domain, uint32_t stream, bool create)
{
    struct writer *free_slot = NULL;
    for (unsigned i = 0; i < MAX_WRITERS; i++) {
        if (writers[i].used && writers[i].domain == domain && writers[i].stream == stream) {
            return &writers[i];
        }
        if (!writers[i].used && free_slot == NULL) {
            free_slot = &writers[i];
        }
    }
    if (create && free_slot) {
        memset(free_slot, 0, sizeof(*free_slot));
        free_slot->used = true;
        free_slot->domain = domain;
        free_slot->stream = stream;
        return free_slot;
    }
    return NULL;
}

/* The rest of w's line onto the screen; it ends the screen line now. */
static void show(struct writer *w)
{
    if (on_screen != w) {
        if (on_screen) {
            uart_write(ERASE_LINE, strlen(ERASE_LINE));  /* the other one off */
            on_screen->shown = 0;       /* ... it is drawn again later */
        }
        w->shown = 0;
        on_screen = w;
    }
    uart_write(w->line + w->shown, w->len - w->shown);
    w->shown = w->len;
}

/* w's line is finished (or full): out with it, on a line of its own. */
static void finish_line(struct writer *w)
{
    struct writer *cut = on_screen != w ? on_screen : NULL;
    show(w);
    uart_write("\n", 1);
    w->len = w->shown = 0;
    on_screen = NULL;
    if (cut && cut->len > 0) {
        show(cut);                      /* the unfinished line again */
    }
}

/* A backspace: the last character leaves the line, and the screen's
 * cursor steps back over it if it was shown ("\b \b" rubs it out). */
/* LAB 7 UNUSED */
static void rub_out(struct writer *w, bool shown_now)
{
    if (shown_now && w->len > w->shown) {
        show(w);                        /* what comes before it first */
    }
    if (w->len > 0) {
        w->len--;
        if (w->shown > w->len) {        /* on the screen: w is on_screen */
            uart_putc('\b');
            w->shown = w->len;
        }
    }
}

static void write_bytes(uint32_t domain, uint32_t stream, const char *s, size_t len)
{
    /* LAB 7 BEGIN: uart_write(s, len); */
    struct writer *w = writer_of(domain, stream, true);
    if (w == NULL) {
        uart_write(s, len);             /* no room to buffer: as it comes */
        return;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n') {
            finish_line(w);
            continue;
        }
        if (s[i] == '\b') {
            rub_out(w, domain == foreground);
            continue;
        }
        w->line[w->len++] = s[i];
        if (w->len == LINE_BYTES) {
            finish_line(w);             /* a very long line: in pieces */
        }
    }
    if (w->len > 0 && domain == foreground) {
        show(w);
    }
    /* LAB 7 END */
}

/* A domain died: what it left unfinished still goes out. */
static void writers_gone(uint32_t domain)
{
    for (unsigned i = 0; i < MAX_WRITERS; i++) {
        struct writer *w = &writers[i];
        if (w->used && w->domain == domain) {
            if (w->len > 0) {
                finish_line(w);
            }
            if (on_screen == w) {
                on_screen = NULL;
            }
            w->used = false;
        }
    }
}

static void h_putchar(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_serial_putchar_req in;
    if ((resp->err = rpc_serial_putchar_req_unpack(req, &in)) == SYS_ERR_OK) {
        write_bytes(rc->client_id, 0, &in.c, 1);
    }
}

static void h_write(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_serial_write_req in;
    if ((resp->err = rpc_serial_write_req_unpack(req, &in)) == SYS_ERR_OK) {
        write_bytes(rc->client_id, 0, in.buf, in.buf_len);
    }
}

static void h_write_stream(struct rpc_chan *rc, struct rpc_payload *req,
                           struct rpc_payload *resp)
{
    struct rpc_serial_write_stream_req in;
    if ((resp->err = rpc_serial_write_stream_req_unpack(req, &in)) == SYS_ERR_OK) {
        write_bytes(rc->client_id, in.stream, in.buf, in.buf_len);
    }
}

/* ---- input ---------------------------------------------------------------- */

static char input[INPUT_BYTES];
static unsigned in_head, in_tail;           /* ring: tail == head is empty */
static bool rx_stopped;                     /* ring full: UART interrupts off */

/* GETCHAR calls of the foreground domain waiting for a key, oldest first. */
static struct { struct rpc_chan *rc; uint16_t seq; } waiters[MAX_WAITERS];
static unsigned num_waiters;

/* Ctrl-C typed at a domain other than init, not yet told to init, and
 * init's INTERRUPT_WAIT call (rc NULL: none). */
static uint32_t interrupted;
static struct { struct rpc_chan *rc; uint16_t seq; } interrupt_waiter;

/* Answer init's INTERRUPT_WAIT if there is something to tell. */
static void tell_interrupt(void)
{
    if (interrupted == 0 || interrupt_waiter.rc == NULL) {
        return;
    }
    struct rpc_serial_interrupt_wait_resp out = { interrupted };
    if (err_is_ok(rpc_serial_interrupt_wait_reply(interrupt_waiter.rc, interrupt_waiter.seq,
                                                  &out))) {
        interrupted = 0;
    }
    interrupt_waiter.rc = NULL;
}

/* Ctrl-C at the foreground domain: init is to stop it, and what was
 * typed ahead for it goes with it. */
static void interrupt(void)
{
    in_tail = in_head;
    interrupted = foreground;
    tell_interrupt();
}

/* A new foreground domain gets what was typed ahead, a Ctrl-C too
 * ("run dice" and Ctrl-C before dice even started): what came before it
 * is dropped, what came after stays for init's prompt. */
static void typed_ahead_interrupt(void)
{
    for (unsigned i = in_tail; i != in_head; i = (i + 1) % INPUT_BYTES) {
        if (input[i] == CTRL_C) {
            in_tail = (i + 1) % INPUT_BYTES;
            interrupted = foreground;
            tell_interrupt();
            return;
        }
    }
}

static void drop_waiter(unsigned i)
{
    memmove(&waiters[i], &waiters[i + 1], (num_waiters - i - 1) * sizeof(waiters[0]));
    num_waiters--;
}

/* Move typed characters from the UART into the ring while there is room. */
static void take_input(void)
{
    while (model->rx_ready()) {
        unsigned next = (in_head + 1) % INPUT_BYTES;
        if (next == in_tail) {
            /* Full: leave the rest in the UART, whose full FIFO holds the
             * sender back, until the foreground domain reads. */
            model->rx_irq(false);
            rx_stopped = true;
            return;
        }
        char c = model->rx();
        if (c == CTRL_C && foreground != home) {
            interrupt();
            continue;
        }
        input[in_head] = c == '\r' ? '\n' : c;
        in_head = next;
    }
}

/* Give waiting characters to waiting foreground callers. */
static void deliver_input(void)
{
    while (num_waiters > 0 && in_head != in_tail) {
        struct rpc_serial_getchar_resp out = { input[in_tail] };
        errval_t err = rpc_serial_getchar_reply(waiters[0].rc, waiters[0].seq, &out);
        drop_waiter(0);
        if (err_is_ok(err)) {
            in_tail = (in_tail + 1) % INPUT_BYTES;  /* delivered: exactly once */
        }
    }
    if (rx_stopped && (in_head + 1) % INPUT_BYTES != in_tail) {
        rx_stopped = false;
        take_input();
        if (!rx_stopped) {
            model->rx_irq(true);
        }
    }
}

static void h_getchar(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    struct rpc_serial_getchar_req in;
    if ((resp->err = rpc_serial_getchar_req_unpack(req, &in))) {
        return;
    }
    if (rc->client_id != foreground) {
        resp->err = SERIAL_ERR_NOT_FOREGROUND;
        return;
    }
    if (num_waiters == MAX_WAITERS) {
        resp->err = LIB_ERR_RPC_BUSY;
        return;
    }
    waiters[num_waiters].rc = rc;
    waiters[num_waiters].seq = rc->cur_seq;
    num_waiters++;
    resp->err = LIB_ERR_RPC_DEFERRED;   /* answered when a key comes */
    deliver_input();
}

/* init waits here for Ctrl-C (see the top of this file). */
static void h_interrupt_wait(struct rpc_chan *rc, struct rpc_payload *req,
                             struct rpc_payload *resp)
{
    struct rpc_serial_interrupt_wait_req in;
    if ((resp->err = rpc_serial_interrupt_wait_req_unpack(req, &in))) {
        return;
    }
    if (rc->client_id != INIT_DOMAIN_ID) {
        resp->err = SERIAL_ERR_NOT_INIT;
        return;
    }
    if (interrupt_waiter.rc != NULL) {
        resp->err = LIB_ERR_RPC_BUSY;
        return;
    }
    interrupt_waiter.rc = rc;
    interrupt_waiter.seq = rc->cur_seq;
    resp->err = LIB_ERR_RPC_DEFERRED;   /* answered at the next Ctrl-C */
    tell_interrupt();
}

/* Callers that lose the terminal are told so. */
static void drop_waiters_not_foreground(void)
{
    for (unsigned i = 0; i < num_waiters;) {
        if (waiters[i].rc->client_id != foreground) {
            rpc_reply(waiters[i].rc, RPC_SERIAL_GETCHAR, waiters[i].seq,
                      &(struct rpc_payload){ .err = SERIAL_ERR_NOT_FOREGROUND });
            drop_waiter(i);
        } else {
            i++;
        }
    }
}

static void h_set_foreground(struct rpc_chan *rc, struct rpc_payload *req,
                             struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_serial_set_foreground_req in;
    if ((resp->err = rpc_serial_set_foreground_req_unpack(req, &in)) == SYS_ERR_OK) {
        foreground = in.domain_id;
        drop_waiters_not_foreground();
        if (foreground != home) {
            typed_ahead_interrupt();
            deliver_input();            /* (and take input again if full) */
        }
    }
}

/* SET_HOME (init only: the control channel): the shell; it holds the
 * terminal from now on. */
static void h_set_home(struct rpc_chan *rc, struct rpc_payload *req, struct rpc_payload *resp)
{
    (void)rc;
    struct rpc_serial_set_home_req in;
    if ((resp->err = rpc_serial_set_home_req_unpack(req, &in)) == SYS_ERR_OK) {
        home = in.domain_id;
        foreground = home;
        drop_waiters_not_foreground();
        deliver_input();
    }
}

/* A client channel goes away: forget its waiting calls. */
static void client_gone(struct rpc_chan *rc)
{
    if (interrupt_waiter.rc == rc) {
        interrupt_waiter.rc = NULL;
    }
    for (unsigned i = 0; i < num_waiters;) {
        if (waiters[i].rc == rc) {
            drop_waiter(i);
        } else {
            i++;
        }
    }
}

static void domain_died(uint32_t domain)
{
    writers_gone(domain);
    if (domain == foreground) {
        foreground = home;
    }
    if (domain == home) {
        home = INIT_DOMAIN_ID;
    }
}

static const rpc_handler_fn handlers[RPC_SERIAL_COUNT] = {
    [RPC_SERIAL_PUTCHAR] = h_putchar,
    [RPC_SERIAL_WRITE] = h_write,
    [RPC_SERIAL_WRITE_STREAM] = h_write_stream,
    [RPC_SERIAL_GETCHAR] = h_getchar,
    [RPC_SERIAL_INTERRUPT_WAIT] = h_interrupt_wait,
};

static const rpc_handler_fn control[RPC_SERIAL_COUNT] = {
    [RPC_SERIAL_SET_FOREGROUND] = h_set_foreground,
    [RPC_SERIAL_SET_HOME] = h_set_home,
};

/* The interrupt message: take the input, then unmask the line. */
static struct lmp_chan irq_chan;

static void irq_event(void *arg)
{
    (void)arg;
    struct lmp_recv_msg msg;
    while (err_is_ok(lmp_chan_recv(&irq_chan, &msg, NULL))) {
    }
    /* Clear the interrupt before emptying the FIFO, not after: a character
     * that comes in between would otherwise have its interrupt cleared
     * and wait in the FIFO for good (the PL011 raises RX only when the
     * FIFO level reaches the trigger, not for every character). */
    model->rx_irq_clear();
    take_input();
    irq_ack(capref_addr(irq_cap));
    deliver_input();
    lmp_chan_register_recv(&irq_chan, get_default_waitset(), MKCLOSURE(irq_event, NULL));
}

/* Our own printf goes straight to the UART. */
static void direct_write(uint32_t stream, const char *s, size_t len)
{
    (void)stream;
    uart_write(s, len);
}
static int no_input(void) { return -1; }
static const struct stdio_backend direct = { direct_write, no_input };

int main(int argc, char **argv)
{
    static struct rpc_service svc = {
        .name = "serial", .handlers = handlers, .num_handlers = RPC_SERIAL_COUNT,
        .control = control, .num_control = RPC_SERIAL_COUNT,
        .client_gone = client_gone, .domain_died = domain_died,
        /* Writes come a line (stdio: 256 bytes) at a time; the bound is
         * what one request may make us allocate (docs/reliability.md). */
        .max_request_bytes = SERIAL_MAX_REQUEST_BYTES,
    };
    struct capref dev = taskcn_cap(TASKCN_SLOTS_FREE);
    struct waitset *ws = get_default_waitset();
    uint32_t va;
    errval_t err;

    irq_cap = taskcn_cap(TASKCN_SLOTS_FREE + 1);
    ram_refill_hook = NULL;             /* see above: we call no one */
    for (size_t i = 0; argc > 1 && i < sizeof(models) / sizeof(models[0]); i++) {
        if (strcmp(argv[1], models[i].name) == 0) {
            model = &models[i];
        }
    }
    if (model == NULL) {
        printf("serial: no driver for UART '%s'\n", argc > 1 ? argv[1] : "?");
        return 1;
    }
    if ((err = paging_map_frame(&va, dev, BASE_PAGE_SIZE,
                                VREGION_FLAGS_READ_WRITE | VREGION_FLAGS_NOCACHE))) {
        DEBUG_ERR(err, "mapping the UART");
        return 1;
    }
    uart = (volatile uint32_t *)va;
    stdio_set_backend(&direct);

    if ((err = lmp_chan_accept(&irq_chan, 64, NULL_CAP)) ||
        (err = irq_connect(capref_addr(irq_cap), capref_addr(irq_chan.local_cap)))) {
        DEBUG_ERR(err, "connecting the UART interrupt");
        return 1;
    }
    model->rx_irq(true);
    lmp_chan_register_recv(&irq_chan, ws, MKCLOSURE(irq_event, NULL));

    if ((err = rpc_service_start(&svc, ws))) {
        DEBUG_ERR(err, "serial start-up");
        return 1;
    }
    for (;;) {
        event_dispatch(ws);
    }
}
