/*
 * kernel/irqcap.c -- IRQTable and IRQ capabilities: a user-level driver
 * receives its device's interrupt as an LMP message.
 *
 * The IRQTable capability (init only) makes one IRQ capability per line.
 * IRQCmd_Connect names an endpoint; from then on the line is unmasked and
 * each interrupt masks it at the GIC and sends [LMP_KMSG_IRQ, irq] to the
 * endpoint.  The driver handles the device and invokes IRQCmd_Ack, which
 * unmasks the line again.  Masking until the ack is what lets a
 * level-triggered device (a UART with data waiting) be handled in user
 * space without an interrupt storm.
 */
#include <kernel.h>
#include <irq.h>
#include <irqcap.h>
#include <lmp.h>
#include <plat.h>
#include <invocation.h>
#include <dev/gicv2.h>

#define IRQCAP_MAX 256

/* Kernel-owned CTEs holding the connected endpoints: copies in the MDB,
 * so revoking the endpoint also disconnects the interrupt. */
static struct cte irq_ep[IRQCAP_MAX];
static bool irq_has_cap[IRQCAP_MAX];
static bool irq_undelivered[IRQCAP_MAX];

/* May user space have this line?  Only the listed devices' interrupts. */
static bool irq_is_user_device(uint32_t irq)
{
    size_t n;
    const struct plat_device *devs = plat_devices(&n);

    for (size_t i = 0; i < n; i++) {
        if (devs[i].irq != 0 && devs[i].irq == irq && irq < IRQCAP_MAX) {
            return true;
        }
    }
    return false;
}

static void irqcap_deliver(unsigned irq)
{
    uint32_t msg[2] = { LMP_KMSG_IRQ, irq };

    if (irq_ep[irq].cap.type != ObjType_EndPoint) {
        irq_undelivered[irq] = false;   /* disconnected: stays masked */
        return;
    }
    errval_t err = lmp_deliver(&irq_ep[irq].cap, msg, 2, NULL, false);
    /* A full buffer: keep the line masked and try again on the next tick. */
    irq_undelivered[irq] = err == SYS_ERR_LMP_BUF_OVERFLOW;
}

static void irqcap_handler(unsigned irq, void *arg)
{
    (void)arg;
    gic_disable(irq);           /* until the driver acknowledges it */
    irqcap_deliver(irq);
}

void irqcap_retry(void)
{
    for (unsigned irq = 0; irq < IRQCAP_MAX; irq++) {
        if (irq_undelivered[irq]) {
            irqcap_deliver(irq);
        }
    }
}

void irqcap_destroy(unsigned irq)
{
    if (irq >= IRQCAP_MAX) {
        return;
    }
    if (irq_has_cap[irq]) {
        irq_unregister(irq);
    }
    irq_has_cap[irq] = false;
    irq_undelivered[irq] = false;
    if (irq_ep[irq].cap.type != ObjType_Null) {
        cap_delete(&irq_ep[irq]);
    }
}

static errval_t irqtable_get(struct invocation *inv)
{
    uint32_t irq = inv->args[0];
    struct cte *cn;
    errval_t err;

    if (!irq_is_user_device(irq)) {
        return SYS_ERR_IRQ_INVALID;
    }
    if (irq_has_cap[irq]) {
        return SYS_ERR_IRQ_IN_USE;
    }
    err = cap_lookup(inv->root, inv->args[1], inv->args[2] ? inv->args[2] : CAP_LEVEL_L2, &cn);
    if (err_is_fail(err)) {
        return err;
    }
    if (cn->cap.type != ObjType_L1CNode && cn->cap.type != ObjType_L2CNode) {
        return SYS_ERR_CNODE_TYPE;
    }
    if (!(cn->cap.rights & CAPRIGHTS_WRITE)) {
        return SYS_ERR_INSUFFICIENT_RIGHTS;
    }
    struct cte *dest = cnode_slot(&cn->cap, inv->args[3]);
    if (dest == NULL) {
        return SYS_ERR_L2_INDEX_OUT_OF_RANGE;
    }
    if (dest->cap.type != ObjType_Null) {
        return SYS_ERR_SLOT_IN_USE;
    }
    struct capability cap = {
        .type = ObjType_IRQ, .rights = CAPRIGHTS_ALLRIGHTS, .param1 = irq,
    };
    cap_create_root(dest, &cap);
    irq_has_cap[irq] = true;
    return SYS_ERR_OK;
}

static errval_t irq_connect(struct invocation *inv, uint32_t irq)
{
    struct cte *ep;
    errval_t err;

    err = cap_lookup(inv->root, inv->args[0], inv->args[1] ? inv->args[1] : CAP_LEVEL_L2, &ep);
    if (err_is_fail(err)) {
        return err;
    }
    if (ep->cap.type != ObjType_EndPoint) {
        return SYS_ERR_WRONG_CAP_TYPE;
    }
    if (ep->cap.param2 == 0) {
        return SYS_ERR_LMP_EP_NOT_MINTED;
    }
    if (irq_ep[irq].cap.type != ObjType_Null) {
        cap_delete(&irq_ep[irq]);
    }
    err = cap_copy(&irq_ep[irq], ep, ep->cap.rights);
    if (err_is_fail(err)) {
        return err;
    }
    irq_register(irq, irqcap_handler, NULL);
    return SYS_ERR_OK;
}

errval_t irq_invoke(struct invocation *inv)
{
    const struct capability *cap = &inv->cte->cap;

    if (cap->type == ObjType_IRQTable) {
        if (inv->method != IRQTableCmd_Get) {
            return SYS_ERR_ILLEGAL_INVOCATION;
        }
        return irqtable_get(inv);
    }
    uint32_t irq = cap->param1;
    switch (inv->method) {
    case IRQCmd_Connect:
        return irq_connect(inv, irq);
    case IRQCmd_Ack:
        if (irq_ep[irq].cap.type != ObjType_EndPoint) {
            return SYS_ERR_IRQ_NO_ENDPOINT;
        }
        gic_enable(irq);
        return SYS_ERR_OK;
    default:
        return SYS_ERR_ILLEGAL_INVOCATION;
    }
}
