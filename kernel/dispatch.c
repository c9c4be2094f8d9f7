/*
 * kernel/dispatch.c -- dispatchers: set-up, upcalls, faults, stopping and
 * tear-down, and the Dispatcher capability's invocations.
 *
 * The upcall discipline (docs/dispatch.md, after Barrelfish):
 *   - resuming a dispatcher that is *disabled* restores its disabled save
 *     area exactly where it was (no upcall);
 *   - resuming an *enabled* one sets disabled = 1 and enters run(udisp) on
 *     the dispatcher stack; the user-level scheduler finds the interrupted
 *     thread in the enabled save area;
 *   - a fault while enabled, with a handler registered, saves the context
 *     in the enabled area and enters pagefault()/trap() disabled;
 *   - anything else that faults is stopped and reported.
 */
#include <kernel.h>
#include <smp.h>
#include <dispatch.h>
#include <sched.h>
#include <lmp.h>
#include <vnode.h>
#include <invocation.h>
#include <fault_catch.h>
#include <arch/armv7.h>
#include <arch/asid.h>
#include <arch/cp15.h>
#include <arch/vm.h>

static uint32_t next_dcb_id = 1;
static struct dcb *reap_list;
static struct dcb *death_list;

/* Only PSR_USER_BITS (arch/armv7.h) survive from a saved CPSR: a
 * dispatcher cannot make itself privileged, mask interrupts or switch
 * endianness by editing its save area.
 * Mirrored in lmp_fastpath.S, block 11a. */
uint32_t dispatch_sanitize_cpsr(uint32_t cpsr)
{
    return (cpsr & PSR_USER_BITS) | MODE_USR;   /* block 11a: the DCB's
                                                 * psr_user_bits, the same */
}

/* Mirrored in lmp_fastpath.S, blocks 10 and 10' (which calls this when
 * the cached ASID is stale). */
uint32_t dispatch_asid(struct dcb *d)
{
    if (!asid_valid(d->asid, d->ttbr0)) {
        d->asid = asid_get(d->ttbr0);   /* new, or lost in a rollover */
        d->asid_slot = &asid_owner[d->asid];
    }
    return d->asid;
}

/* The safe sequence is vspace_load's (asid.c); the LMP fast path's copy
 * is lmp_fastpath.S, block 10. */
void dispatch_switch_vspace(struct dcb *d)
{
    vspace_load(d->ttbr0, dispatch_asid(d));
}

/*
 * The user-visible CPU state that belongs to a dispatcher but is not in
 * its trap frame.  TPIDRURW is the one register user code can both read
 * and write that the kernel does not otherwise touch: without this,
 * every domain would read what the previous one wrote there.  It is kept
 * per dispatcher (libsys threads share it; docs/dispatch.md, section 4).
 * The other such state -- the exclusive monitor, TPIDRURO -- is reset or
 * reloaded on every return to user mode instead (vectors.S, sched_exit).
 * Mirrored in lmp_fastpath.S, block 9 (save) and block 10 (load).
 */
void dispatch_save_cpu_state(struct dcb *d)
{
    d->tpidrurw = cp15_read_tpidrurw();
}

static void load_cpu_state(struct dcb *d)
{
    cp15_write_tpidrurw(d->tpidrurw);
}

/* Enter a user-level upcall: entry(a0, a1, a2, a3) on the dispatcher stack.
 * Mirrored in lmp_fastpath.S, block 11b (the run() upcall, a1-a3 zero). */
static void upcall(struct dcb *d, struct trap_frame *tf, uint32_t entry,
                   uint32_t a1, uint32_t a2, uint32_t a3)
{
    struct dispatcher_shared *sh = d->shared;

    memset(tf, 0, sizeof(*tf));
    tf->r[0] = sh->udisp;
    tf->r[1] = a1;
    tf->r[2] = a2;
    tf->r[3] = a3;
    tf->sp = sh->stack_top;
    tf->pc = entry & ~1u;                   /* bit 0 set: a Thumb function */
    tf->cpsr = MODE_USR | ((entry & 1) ? PSR_T : 0);
}

/* Mirrored in lmp_fastpath.S: block 11a (disabled), block 11b (enabled),
 * block 10 (address space and CPU state). */
void dispatch_resume(struct dcb *d, struct trap_frame *tf)
{
    struct dispatcher_shared *sh = d->shared;

    if (sh->disabled) {
        trap_frame_copy(tf, save_area_frame(&sh->disabled_area));
        tf->cpsr = dispatch_sanitize_cpsr(tf->cpsr);
    } else {
        sh->disabled = 1;
        upcall(d, tf, sh->run_entry, 0, 0, 0);
    }
    dispatch_switch_vspace(d);
    load_cpu_state(d);
}

/* Send d's death notice; false if the buffer was full (retry later). */
static bool death_deliver(struct dcb *d)
{
    if (d->death_ep.cap.type != ObjType_EndPoint) {
        return true;                    /* nobody to tell */
    }
    errval_t err = lmp_deliver(&d->death_ep.cap, d->death_msg, 5, NULL, false);
    return err != SYS_ERR_LMP_BUF_OVERFLOW;
}

static void death_list_remove(struct dcb *d)
{
    for (struct dcb **p = &death_list; *p; p = &(*p)->death_next) {
        if (*p == d) {
            *p = d->death_next;
            break;
        }
    }
    d->death_pending = false;
}

void dispatch_retry_deaths(void)
{
    struct dcb *d = death_list;
    while (d != NULL) {
        struct dcb *next = d->death_next;
        if (death_deliver(d)) {
            death_list_remove(d);
        }
        d = next;
    }
}

void dispatch_stop(struct dcb *d, uint32_t reason, uint32_t status, uint32_t pc)
{
    if (d->state == DCB_STOPPED || d->state == DCB_NEW) {
        return;
    }
    sched_remove(d);
    d->state = DCB_STOPPED;
    d->reason = reason;
    d->exit_status = status;
    if (d == dcb_current()) {
        dcb_set_current(NULL);         /* its registers are not kept */
    }
    uint32_t msg[5] = { LMP_KMSG_DEATH, d->death_badge, reason, status, pc };
    memcpy(d->death_msg, msg, sizeof(msg));
    if (!death_deliver(d)) {
        /* The creator's buffer is full: a death notice must not be lost,
         * so try again on every tick until it fits. */
        d->death_pending = true;
        d->death_next = death_list;
        death_list = d;
    }
    smp_dispatcher_stopped(d);          /* init's death: smp.c */
}

void dispatch_fault(struct trap_frame *tf, unsigned type)
{
    struct dcb *d = dcb_current();
    struct dispatcher_shared *sh = d->shared;
    struct fault_info fi;

    fault_describe(tf, type, &fi);
    bool disabled = sh->disabled != 0;
    uint32_t entry = type == EXC_UNDEF ? sh->trap_entry : sh->pagefault_entry;

    if (!disabled && entry != 0) {
        memcpy(&sh->enabled_area, tf, sizeof(*tf));
        sh->disabled = 1;
        if (type == EXC_UNDEF) {
            upcall(d, tf, entry, type, fi.pc, 0);
        } else {
            upcall(d, tf, entry, fi.address, fi.status, fi.pc);
        }
        return;
    }
    memcpy(&sh->trap_area, tf, sizeof(*tf));
    d->faults++;
    /* The name is the domain's to write: printed escaped, never raw. */
    kprintf("kernel: domain '");
    console_put_user(sh->name, strnlen(sh->name, sizeof(sh->name)), false);
    kprintf("' (dispatcher %u) faulted%s and is stopped: ", (unsigned)d->id,
            disabled ? " while disabled" : " with no handler");
    fault_report(&fi);
    dispatch_stop(d, DEATH_FAULT, fi.address, fi.pc);
}

/* Mirrored in lmp_fastpath.S, block 2 (LOOKUP reads root_slots and
 * root_kva where cap_lookup_slot reads the root capability): every change
 * of d->cspace (dispatch_setup, cnode_replace_root) calls this.  A root
 * that is not an L1 CNode has no slots for the fast path, which then
 * leaves the lookup to C (SYS_ERR_CNODE_TYPE). */
void dispatch_root_changed(struct dcb *d)
{
    bool l1 = d->cspace.cap.type == ObjType_L1CNode;

    d->root_slots = l1 ? cnode_slots(&d->cspace.cap) : 0;
    d->root_kva = l1 ? cnode_slot(&d->cspace.cap, 0) : NULL;
}

errval_t dispatch_setup(struct dcb *d, struct cte *cspace, struct cte *vspace,
                        struct cte *frame, struct cte *death_ep, uint32_t badge)
{
    if (d->state != DCB_NEW) {
        return SYS_ERR_DISP_ALREADY_SET_UP;
    }
    if (cspace->cap.type != ObjType_L1CNode) {
        return SYS_ERR_DISP_CSPACE_TYPE;
    }
    if (vspace->cap.type != ObjType_VNode_ARM_l1) {
        return SYS_ERR_DISP_VSPACE_TYPE;
    }
    if (frame->cap.type != ObjType_Frame) {
        return SYS_ERR_WRONG_CAP_TYPE;
    }
    if (frame->cap.bytes < DISPATCHER_FRAME_BYTES) {
        return SYS_ERR_DISP_FRAME_SIZE;
    }
    if ((frame->cap.rights & CAPRIGHTS_READ_WRITE) != CAPRIGHTS_READ_WRITE) {
        return SYS_ERR_INSUFFICIENT_RIGHTS;
    }
    if (death_ep != NULL) {
        if (death_ep->cap.type != ObjType_EndPoint) {
            return SYS_ERR_WRONG_CAP_TYPE;
        }
        if (death_ep->cap.param2 == 0) {
            return SYS_ERR_LMP_EP_NOT_MINTED;
        }
    }
    /* Nothing can fail from here on: take the copies.  The ones it runs
     * with are marked held: revoking one of them stops the dispatcher
     * (dispatch_held_deleted) before the object can go away under it. */
    cap_copy(&d->cspace, cspace, cspace->cap.rights);
    cap_copy(&d->vspace, vspace, vspace->cap.rights);
    cap_copy(&d->frame, frame, frame->cap.rights);
    d->cspace.flags = d->vspace.flags = d->frame.flags = CTE_HELD;
    dispatch_root_changed(d);
    if (death_ep != NULL) {
        cap_copy(&d->death_ep, death_ep, death_ep->cap.rights);
    }
    d->death_badge = badge;
    d->frame_kva = (lvaddr_t)cap_phys_to_kptr(frame->cap.base);
    d->shared = (struct dispatcher_shared *)(d->frame_kva + DISP_SHARED_OFFSET);
    d->enabled_area = &d->shared->enabled_area;
    d->disabled_area = &d->shared->disabled_area;
    d->kernel_ttbr = cp15_read_ttbr1();     /* a DCB runs on this core only */
    d->psr_user_bits = PSR_USER_BITS;
    d->ttbr0 = vspace->cap.base | TTBR_WALK_WBWA;   /* ready for TTBR0 */
    d->asid = 0;                /* none yet: the first switch gets one */
    d->asid_slot = &asid_owner[0];  /* 0: never a table's (asid.h) */
    d->tpidrurw = 0;
    d->id = next_dcb_id++;
    d->state = DCB_READY;
    return SYS_ERR_OK;
}

/* ---- tear-down -------------------------------------------------------- */

/*
 * The last Dispatcher capability was deleted (cap_hook_destroy).  The DCB's
 * own capability copies cannot be deleted right here -- we are inside
 * cap_delete -- so the DCB is queued and dispatch_reap() finishes the job
 * at the end of the system call, before anything else can use the memory.
 */
void dispatch_destroy(struct dcb *d)
{
    if (d->destroyed) {
        return;
    }
    smp_forget_dcb(d);
    if (d->state != DCB_NEW) {
        dispatch_stop(d, DEATH_DELETED, 0, 0);
    }
    d->destroyed = true;
    d->reap_next = reap_list;
    reap_list = d;
}

void dispatch_reap(void)
{
    while (reap_list != NULL) {
        struct dcb *d = reap_list;
        reap_list = d->reap_next;
        if (d->death_pending) {
            death_list_remove(d);
        }
        /* Deleting these may destroy further objects (and queue further
         * DCBs); the loop picks those up. */
        cap_delete(&d->death_ep);
        cap_delete(&d->frame);
        cap_delete(&d->vspace);
        cap_delete(&d->cspace);
    }
}

/*
 * One of the capabilities d runs with is being deleted by a revoke (the DCB
 * itself lets go of them only in dispatch_reap and cnode_replace_root).
 * Its kernel pointers into that object (CSpace root, TTBR0, the shared
 * frame) would dangle once the memory is retyped, so d stops for good.
 */
void dispatch_held_deleted(struct cte *cte)
{
    struct dcb *d;

    switch (cte->cap.type) {
    case ObjType_L1CNode:
        d = (struct dcb *)((char *)cte - offsetof(struct dcb, cspace));
        break;
    case ObjType_VNode_ARM_l1:
        d = (struct dcb *)((char *)cte - offsetof(struct dcb, vspace));
        break;
    default:
        d = (struct dcb *)((char *)cte - offsetof(struct dcb, frame));
        break;
    }
    dispatch_stop(d, DEATH_REVOKED, cte->cap.type, 0);
}

errval_t cnode_replace_root(struct dcb *d, struct cte *root)
{
    d->cspace.flags = 0;            /* not a revoke: d keeps running */
    cap_delete(&d->cspace);         /* the old root: retslot still has it */
    errval_t err = cap_copy(&d->cspace, root, root->cap.rights);
    if (err_is_ok(err)) {
        d->cspace.flags = CTE_HELD;
    }
    dispatch_root_changed(d);
    return err;
}

/* ---- invocations -------------------------------------------------------- */

static errval_t lookup_arg(struct invocation *inv, capaddr_t addr,
                           struct cte **ret)
{
    return cap_lookup(inv->root, addr, CAP_LEVEL_L2, ret);
}

static errval_t invoke_setup(struct invocation *inv, struct dcb *d)
{
    struct cte *cspace, *vspace, *frame, *ep = NULL;
    errval_t err;

    if ((err = lookup_arg(inv, inv->args[0], &cspace)) ||
        (err = lookup_arg(inv, inv->args[1], &vspace)) ||
        (err = lookup_arg(inv, inv->args[2], &frame))) {
        return err;
    }
    if (inv->args[3] != CPTR_NULL && (err = lookup_arg(inv, inv->args[3], &ep))) {
        return err;
    }
    return dispatch_setup(d, cspace, vspace, frame, ep, inv->args[4]);
}

errval_t dispatcher_invoke(struct invocation *inv)
{
    struct dcb *d = dcb_from_cap(&inv->cte->cap);

    switch (inv->method) {
    case DispatcherCmd_Setup:
        return invoke_setup(inv, d);
    case DispatcherCmd_Run:
        if (d->state == DCB_NEW) {
            return SYS_ERR_DISP_NOT_SET_UP;
        }
        if (d->state == DCB_STOPPED) {
            return SYS_ERR_DISP_DEAD;
        }
        sched_make_runnable(d);
        return SYS_ERR_OK;
    case DispatcherCmd_Stop:
        if (d->state == DCB_NEW) {
            return SYS_ERR_DISP_NOT_SET_UP;
        }
        if (d->state == DCB_STOPPED) {
            return SYS_ERR_DISP_DEAD;
        }
        dispatch_stop(d, DEATH_EXIT, inv->args[0], 0);
        return SYS_ERR_OK;
    case DispatcherCmd_Query:
        inv->ret[0] = d->state;
        inv->ret[1] = d->faults;
        inv->ret[2] = d->exit_status;
        return SYS_ERR_OK;
    default:
        return SYS_ERR_ILLEGAL_INVOCATION;
    }
}
