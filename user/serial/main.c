/*
 * user/serial -- the serial driver: owns the console UART (a DevFrame) and
 * its interrupt (an IRQ capability whose messages arrive on our endpoint),
 * writes every domain's output a whole line at a time, and gives typed
 * characters only to the foreground domain (docs/serial.md).
 *
 * Capabilities from init: TASKCN_SLOTS_FREE = the UART's DevFrame,
 * TASKCN_SLOTS_FREE + 1 = its IRQ.  argv[1] names the UART model.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/debug.h>
#include <sys/paging.h>
#include <sys/rpc.h>
#include <sys/rpc_clients.h>
#include <sys/stdio_backend.h>
#include <sys/waitset.h>
#include <sprat/bootinfo.h>

/*
 * The two UART models the boards have, as the few operations this driver
 * needs.  The kernel has already set each one up (8N1, 115200 baud).
 */
struct uart_model {
    const char *name;
    bool (*tx_full)(void);
    void (*tx)(char c);
    bool (*rx_ready)(void);
    char (*rx)(void);
    void (*rx_irq_enable)(void);
    void (*rx_irq_clear)(void);     /* after draining the receive FIFO */
};

static volatile uint32_t *uart;

/* PL011 (ARM DDI 0183): vexpress-a9, virt.  Register indices are byte
 * offsets / 4. */
#define UARTDR      (0x00 / 4)
#define UARTFR      (0x18 / 4)
#define UARTIMSC    (0x38 / 4)
#define UARTICR     (0x44 / 4)
#define FR_RXFE     (1u << 4)
#define FR_TXFF     (1u << 5)
#define INT_RX      (1u << 4)   /* receive */
#define INT_RT      (1u << 6)   /* receive timeout */

static bool pl011_tx_full(void)       { return uart[UARTFR] & FR_TXFF; }
static void pl011_tx(char c)          { uart[UARTDR] = (uint8_t)c; }
static bool pl011_rx_ready(void)      { return !(uart[UARTFR] & FR_RXFE); }
static char pl011_rx(void)            { return (char)uart[UARTDR]; }
static void pl011_rx_irq_enable(void) { uart[UARTIMSC] |= INT_RX | INT_RT; }
static void pl011_rx_irq_clear(void)  { uart[UARTICR] = INT_RX | INT_RT; }

/* 16550 with 4-byte registers (OMAP4 UART3 on the PandaBoard, kernel/dev/
 * ns16550.c).  Reading RHR until the FIFO is empty is what clears the
 * receive and receive-timeout interrupts; IER bit 0 enables both. */
#define NS_RHR      0
#define NS_THR      0
#define NS_IER      1
#define NS_LSR      5
#define IER_RHR     (1u << 0)
#define LSR_DR      (1u << 0)
#define LSR_THRE    (1u << 5)

static bool ns16550_tx_full(void)       { return !(uart[NS_LSR] & LSR_THRE); }
static void ns16550_tx(char c)          { uart[NS_THR] = (uint8_t)c; }
static bool ns16550_rx_ready(void)      { return uart[NS_LSR] & LSR_DR; }
static char ns16550_rx(void)            { return (char)uart[NS_RHR]; }
static void ns16550_rx_irq_enable(void) { uart[NS_IER] |= IER_RHR; }
static void ns16550_rx_irq_clear(void)  { }

static const struct uart_model models[] = {
    { "pl011", pl011_tx_full, pl011_tx, pl011_rx_ready, pl011_rx,
      pl011_rx_irq_enable, pl011_rx_irq_clear },
    { "ns16550", ns16550_tx_full, ns16550_tx, ns16550_rx_ready, ns16550_rx,
      ns16550_rx_irq_enable, ns16550_rx_irq_clear },
};
static const struct uart_model *model;

#define INPUT_BYTES 256
#define MAX_WAITERS 8

static char input[INPUT_BYTES];
static unsigned in_head, in_tail;           /* ring of typed characters */
static uint32_t foreground;                 /* domain id that gets input */

/* GETCHAR calls of the foreground domain waiting for a key. */
static struct { struct rpc_chan *rc; uint16_t seq; } waiters[MAX_WAITERS];
static unsigned num_waiters;

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

/* Give waiting characters to waiting foreground callers, oldest first. */
static void deliver_input(void)
{
    while (num_waiters > 0 && in_head != in_tail) {
        struct rpc_payload resp = { .nscalar = 1,
                                    .scalar = { (uint8_t)input[in_tail] } };
        in_tail = (in_tail + 1) % INPUT_BYTES;
        rpc_reply(waiters[0].rc, RPC_SERIAL_GETCHAR, waiters[0].seq, &resp);
        memmove(&waiters[0], &waiters[1], (num_waiters - 1) * sizeof(waiters[0]));
        num_waiters--;
    }
}

static void handle_putchar(struct rpc_chan *rc, struct rpc_payload *req,
                           struct rpc_payload *resp)
{
    (void)rc;
    (void)resp;
    char c = req->nscalar > 0 ? (char)req->scalar[0] : 0;
    uart_write(&c, 1);
}

static void handle_write(struct rpc_chan *rc, struct rpc_payload *req,
                         struct rpc_payload *resp)
{
    (void)rc;
    (void)resp;
    /* One request is written whole: callers send whole lines. */
    uart_write((const char *)req->bytes, req->len);
}

static void handle_getchar(struct rpc_chan *rc, struct rpc_payload *req,
                           struct rpc_payload *resp)
{
    (void)req;
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
    resp->err = LIB_ERR_RPC_DEFERRED;
    deliver_input();
}

static void handle_set_foreground(struct rpc_chan *rc, struct rpc_payload *req,
                                  struct rpc_payload *resp)
{
    (void)rc;
    (void)resp;
    uint32_t id = req->nscalar > 0 ? req->scalar[0] : 0;
    if (id != foreground) {
        /* Callers that lost the terminal are told so. */
        while (num_waiters > 0) {
            struct rpc_payload no = { .err = SERIAL_ERR_NOT_FOREGROUND };
            num_waiters--;
            rpc_reply(waiters[num_waiters].rc, RPC_SERIAL_GETCHAR,
                      waiters[num_waiters].seq, &no);
        }
    }
    foreground = id;
}

/*
 * The private channels clients bound.  A client that ends leaves its
 * channel behind, and channels are few (one LMP endpoint each): so before
 * every new binding the channels of clients that are gone are closed.  A
 * client is gone when its endpoint capability is: init revoked everything
 * the client was made of, our copy included.
 */
static struct rpc_clients channels;

static void on_bind(struct rpc_chan *rc)
{
    rpc_clients_add(&channels, rc);
}

/* Is the client gone?  Then forget its GETCHAR calls too. */
static bool client_gone(struct rpc_chan *rc, void *arg)
{
    struct capability_info info;
    (void)arg;
    if (err_is_ok(cap_identify(rc->lc.remote_cap, &info))) {
        return false;
    }
    for (unsigned i = 0; i < num_waiters;) {
        if (waiters[i].rc == rc) {
            memmove(&waiters[i], &waiters[i + 1], (num_waiters - i - 1) * sizeof(waiters[0]));
            num_waiters--;
        } else {
            i++;
        }
    }
    return true;
}

static void handle_bind(struct rpc_chan *rc, struct rpc_payload *req,
                        struct rpc_payload *resp)
{
    rpc_clients_close_if(&channels, client_gone, NULL);
    rpc_handle_bind(rc, req, resp);
}

static const rpc_handler_fn handlers[RPC_METHOD_COUNT] = {
    [RPC_BIND] = handle_bind,
    [RPC_SERIAL_PUTCHAR] = handle_putchar,
    [RPC_SERIAL_WRITE] = handle_write,
    [RPC_SERIAL_GETCHAR] = handle_getchar,
    [RPC_SERIAL_SET_FOREGROUND] = handle_set_foreground,
};

/* The interrupt message: drain the receive FIFO, then unmask the line. */
static struct lmp_chan irq_chan;

static void irq_event(void *arg)
{
    (void)arg;
    struct lmp_recv_msg msg;
    while (err_is_ok(lmp_chan_recv(&irq_chan, &msg, NULL))) {
    }
    while (model->rx_ready()) {
        char c = model->rx();
        unsigned next = (in_head + 1) % INPUT_BYTES;
        if (next != in_tail) {          /* full: the character is dropped */
            input[in_head] = c == '\r' ? '\n' : c;
            in_head = next;
        }
    }
    model->rx_irq_clear();
    cap_invoke(capref_addr(taskcn_cap(TASKCN_SLOTS_FREE + 1)), IRQCmd_Ack, 0);
    deliver_input();
    lmp_chan_register_recv(&irq_chan, get_default_waitset(), MKCLOSURE(irq_event, NULL));
}

/* Our own printf goes straight to the UART. */
static int no_input(void) { return -1; }
static const struct stdio_backend direct = { uart_write, no_input };

int main(int argc, char **argv)
{
    struct capref dev = taskcn_cap(TASKCN_SLOTS_FREE);
    struct capref irq = taskcn_cap(TASKCN_SLOTS_FREE + 1);
    struct waitset *ws = get_default_waitset();
    struct rpc_chan listener;
    uint32_t va;
    errval_t err;

    for (size_t i = 0; argc > 1 && i < sizeof(models) / sizeof(models[0]); i++) {
        if (strcmp(argv[1], models[i].name) == 0) {
            model = &models[i];
        }
    }
    if (model == NULL) {
        printf("serial: no driver for UART '%s'\n", argc > 1 ? argv[1] : "?");
        return 1;
    }
    if ((err = paging_map_frame(&va, dev, 4096,
                                VREGION_FLAGS_READ_WRITE | VREGION_FLAGS_NOCACHE))) {
        DEBUG_ERR(err, "mapping the UART");
        return 1;
    }
    uart = (volatile uint32_t *)va;
    stdio_set_backend(&direct);
    foreground = 1;                     /* init holds the terminal first */

    if ((err = lmp_chan_accept(&irq_chan, 64, NULL_CAP)) ||
        (err = cap_invoke(capref_addr(irq), IRQCmd_Connect, 2,
                          capref_addr(irq_chan.local_cap), CAP_LEVEL_L2).err)) {
        DEBUG_ERR(err, "connecting the UART interrupt");
        return 1;
    }
    model->rx_irq_enable();
    lmp_chan_register_recv(&irq_chan, ws, MKCLOSURE(irq_event, NULL));

    if ((err = rpc_chan_init(&listener, NULL_CAP)) ||
        (listener.on_bind = on_bind, false) ||
        (err = rpc_serve(&listener, handlers, ws)) ||
        (err = rpc_name_register(get_init_rpc(), "serial", listener.lc.local_cap))) {
        DEBUG_ERR(err, "serial start-up");
        return 1;
    }
    for (;;) {
        event_dispatch(ws);
    }
}
