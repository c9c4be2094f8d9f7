/*
 * kernel/syscall.c -- the system call layer: decode the system call word,
 * find the invoked capability, and hand the invocation to its type's
 * handler (docs/syscalls.md).
 *
 * Results go back into the trap frame: r0 = errval_t, r1-r3 = values of
 * invocations that return some.  Every other register is left alone.
 */
#include <kernel.h>
#include <smp.h>
#include <xcap.h>
#include <syscall.h>
#include <dispatch.h>
#include <sched.h>
#include <invocation.h>
#include <lmp.h>
#include <plat.h>
#include <timer.h>
#include <arch/armv7.h>
#include <arch/cp15.h>
#include <arch/vm.h>
#ifdef CONFIG_TEST
#include <ktest.h>
#endif

/* ---- user memory ----------------------------------------------------- */

/* Ask the MMU whether the current user mode may read (write) va: the
 * ATS1CUR/ATS1CUW operations translate va with user permissions and set
 * PAR.F (bit 0) if the access would fault (ARM ARM B4.2.4). */
static bool user_page_accessible(vaddr_t va, bool for_write)
{
    uint32_t par;

    if (for_write) {
        __asm__ volatile("mcr p15, 0, %0, c7, c8, 3" :: "r"(va));   /* ATS1CUW */
    } else {
        __asm__ volatile("mcr p15, 0, %0, c7, c8, 2" :: "r"(va));   /* ATS1CUR */
    }
    isb();
    __asm__ volatile("mrc p15, 0, %0, c7, c4, 0" : "=r"(par));      /* PAR */
    return (par & 1) == 0;
}

errval_t user_access_ok(vaddr_t uaddr, size_t len, bool for_write)
{
    if (len == 0) {
        return SYS_ERR_OK;
    }
    if (uaddr >= USER_VLIMIT) {
        return SYS_ERR_KERNEL_ADDRESS;
    }
    if (len > USER_VLIMIT - uaddr) {
        return SYS_ERR_ADDRESS_RANGE;
    }
    for (vaddr_t page = ALIGN_DOWN(uaddr, BASE_PAGE_SIZE); page < uaddr + len;
         page += BASE_PAGE_SIZE) {
        if (!user_page_accessible(page, for_write)) {
            return SYS_ERR_BAD_USER_POINTER;
        }
    }
    return SYS_ERR_OK;
}

/* ---- SYS_DEBUG_PRINT --------------------------------------------------- */

static errval_t sys_debug_print(struct trap_frame *tf, unsigned method)
{
    vaddr_t text = tf->r[1];
    size_t len = tf->r[2];

    if (len > DEBUG_PRINT_MAX) {
        return SYS_ERR_ADDRESS_RANGE;
    }
    errval_t err = user_access_ok(text, len, false);
    if (err_is_fail(err)) {
        return err;
    }
    const char *s = (const char *)text;     /* checked: readable user memory */
    switch (method) {
    case DEBUG_PRINT_TEXT:
        console_put_user(s, len, true);
        return SYS_ERR_OK;
#ifdef CONFIG_TEST
    case DEBUG_PRINT_TEST_OK:
    case DEBUG_PRINT_TEST_FAIL: {
        char name[128];
        size_t n = MIN(len, sizeof(name) - 1);
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];  /* one TAP line, plain */
            name[i] = (c < 0x20 || c >= 0x7f) ? ' ' : (char)c;
        }
        name[n] = '\0';
        ktap_report(method == DEBUG_PRINT_TEST_OK, name);
        return SYS_ERR_OK;
    }
#endif
    default:
        return SYS_ERR_ILLEGAL_SYSCALL;
    }
}

/* ---- SYS_YIELD -------------------------------------------------------------- */

/*
 * Yield from disabled code means "nothing to do until a message comes":
 * the context is dropped (the next dispatch is a run() upcall) and, unless
 * the dispatcher says it has work or a message is already waiting, it
 * blocks.  Yield from enabled code keeps the thread's context in the
 * enabled area; the dispatcher stays runnable.
 */
static void sys_yield(struct trap_frame *tf)
{
    struct dcb *d = dcb_current();
    struct dispatcher_shared *sh = d->shared;
    struct dcb *target = NULL;

    if (tf->r[1] != CPTR_NULL) {
        struct cte *cte;
        errval_t err = cap_lookup(&d->cspace.cap, tf->r[1], CAP_LEVEL_L2, &cte);
        if (err_is_fail(err)) {
            tf->r[0] = err;
            return;
        }
        if (cte->cap.type != ObjType_Dispatcher) {
            tf->r[0] = SYS_ERR_WRONG_CAP_TYPE;
            return;
        }
        target = dcb_from_cap(&cte->cap);
        if (target->state != DCB_RUNNABLE) {
            tf->r[0] = SYS_ERR_YIELD_TARGET;
            return;
        }
    }
    tf->r[0] = SYS_ERR_OK;
    if (sh->disabled) {
        sh->disabled = 0;
        dispatch_save_cpu_state(d);         /* TPIDRURW is not dropped */
        dcb_set_current(NULL);             /* context dropped */
        if (!sh->haswork && sh->lmp_pending == 0 && !smp_take_wake(d)) {
            sched_remove(d);
            d->state = DCB_BLOCKED;
        }
    } else {
        sched_save_current(tf);
    }
    sched_dispatch(tf, target);
}

/* ---- SYS_RESUME ----------------------------------------------------------- */

/*
 * Leave disabled mode into a saved thread context, restoring what user
 * code cannot restore itself (the Thumb IT state).  libsys uses it only
 * for such contexts; others it resumes without entering the kernel.
 */
static void sys_resume(struct trap_frame *tf)
{
    vaddr_t area = tf->r[1];
    errval_t err = user_access_ok(area, sizeof(struct trap_frame), false);
    if (err_is_fail(err) || area % 4 != 0) {
        tf->r[0] = err_is_fail(err) ? err : SYS_ERR_MISALIGNED;
        return;
    }
    memcpy(tf, (const void *)area, sizeof(*tf));
    tf->cpsr = dispatch_sanitize_cpsr(tf->cpsr);
    if (tf->cpsr & PSR_T) {
        tf->pc &= ~1u;                  /* the interworking bit, if set */
    }
    dcb_current()->shared->disabled = 0;
}

/* ---- the Kernel capability ---------------------------------------------- */

errval_t kernel_invoke(struct invocation *inv)
{
    switch (inv->method) {
    case KernelCmd_Shutdown:
#ifdef CONFIG_TEST
        kprintf("kernel: shutdown requested (status %u)\n", (unsigned)inv->args[0]);
        if (inv->args[0] != 0) {
            ktap_report(false, "init reported failure");
        }
        ktap_finish();
#else
        return SYS_ERR_KERNEL_OP;
#endif
    case KernelCmd_Info:
        inv->ret[0] = plat_ram_size();
        inv->ret[1] = (uint32_t)kernel_ticks;
        inv->ret[2] = plat_num_cores();
        return SYS_ERR_OK;
    case KernelCmd_StartCore:
        return smp_start_core(inv->args[0]);
    case KernelCmd_WakeCore:
        return smp_wake_core(inv->args[0]);
    case KernelCmd_WakeTarget:
        smp_set_wake_target(inv->caller);
        return SYS_ERR_OK;
    case KernelCmd_CapExport:
        return xcap_export_invoke(inv);
    case KernelCmd_CapImport:
        return xcap_import_invoke(inv);
    default:
        return SYS_ERR_KERNEL_OP;
    }
}

/* ---- SYS_INVOKE ------------------------------------------------------------- */

/* Mirrored in lmp_fastpath.S, block 1 (the system call word of an LMP
 * send) and block 2 (the lookup). */
static void sys_invoke(struct trap_frame *tf)
{
    uint32_t word = tf->r[0];
    unsigned level = (word >> SYSW_LEVEL_SHIFT) & SYSW_LEVEL_MASK;
    struct dcb *caller = dcb_current();     /* one mrc (sched.h) */
    struct cte *cte;

    errval_t err = cap_lookup(&caller->cspace.cap, tf->r[1],
                              level ? level : CAP_LEVEL_L2, &cte);
    if (err_is_fail(err)) {
        tf->r[0] = err;
        return;
    }
    if (cte->cap.type == ObjType_EndPoint) {
        lmp_send(tf, cte);          /* sets r0 only; may switch */
        return;
    }
    struct invocation inv = {
        .caller = caller,
        .root = &caller->cspace.cap,
        .cte = cte,
        .word = word,
        .method = (word >> SYSW_METHOD_SHIFT) & SYSW_METHOD_MASK,
        .args = &tf->r[2],
    };
    uint8_t need = cap_invoke_rights(cte->cap.type, inv.method);
    if ((cte->cap.rights & need) != need) {
        err = SYS_ERR_INSUFFICIENT_RIGHTS;
    } else {
        err = cap_type_invoke(&inv);       /* kernel/cap_hooks.c */
    }
    tf->r[0] = err;
    tf->r[1] = inv.ret[0];
    tf->r[2] = inv.ret[1];
    tf->r[3] = inv.ret[2];
}

/*
 * libsys' cap_delete (both addresses level 2) of a slot whose deletion
 * destroys nothing -- a received capability dropped, a RAM copy given
 * back: cnode_delete_fast does invoke_delete_revoke's checks and
 * cap_delete_leaf the delete, without the invocation's general path
 * (sys_invoke, cap_type_invoke, cnode_invoke, cap_delete) and without
 * sched_exit: no dispatcher changed state and nothing was queued to reap,
 * so sched_choose would keep the caller; only its TPIDRURO is loaded, as
 * on every exit through C.  Anything else changes nothing here and takes
 * the general path, which names every error as before.  Off in the kernel
 * without the LMP fast path (CONFIG_NO_LMP_FASTPATH), so that the slow
 * variant runs every delete the general way (docs/lmp.md, section 5).
 * Mirrored in lmp_fastpath.S, blocks 1d-5d, which take the common case
 * (another copy remains) before this: what reaches here is what they
 * leave -- the last copy, the list's first entry -- and their refusals,
 * which this refuses too; their return (5d) is this one's.
 */
bool syscall_delete_fast(struct trap_frame *tf)
{
#ifdef CONFIG_NO_LMP_FASTPATH
    (void)tf;
    return false;
#else
    if (tf->r[0] != SYSW(SYS_INVOKE, CAP_LEVEL_L2, CNodeCmd_Delete) ||
        tf->r[3] != CAP_LEVEL_L2 ||
        !cnode_delete_fast(&dcb_current()->cspace.cap, tf->r[1], tf->r[2])) {
        return false;
    }
    tf->r[0] = SYS_ERR_OK;
    tf->r[1] = tf->r[2] = tf->r[3] = 0;     /* no results, as sys_invoke */
    cp15_write_tpidruro(dcb_current()->shared->thread_pointer);
    return true;
#endif
}

void syscall_handle(struct trap_frame *tf)
{
    uint32_t word = tf->r[0];

    if (word & SYSW_RESERVED_MASK) {
        tf->r[0] = SYS_ERR_INVARGS_SYSCALL;
        return;
    }
    switch ((word >> SYSW_SYS_SHIFT) & SYSW_SYS_MASK) {
    case SYS_NOP:
        switch ((word >> SYSW_METHOD_SHIFT) & SYSW_METHOD_MASK) {
        case NOP_TIMESTAMP: {
            uint64_t t = plat_timestamp();
            tf->r[1] = (uint32_t)t;
            tf->r[2] = (uint32_t)(t >> 32);
            tf->r[3] = plat_timestamp_hz();
            break;
        }
        case NOP_TIMESTAMP_SOURCE:
            tf->r[1] = plat_timestamp_source();
            tf->r[2] = plat_timestamp_hz();
            break;
        }
        tf->r[0] = SYS_ERR_OK;
        break;
    case SYS_INVOKE:
        sys_invoke(tf);
        break;
    case SYS_YIELD:
        sys_yield(tf);
        break;
    case SYS_RESUME:
        sys_resume(tf);
        break;
    case SYS_DEBUG_PRINT:
        tf->r[0] = sys_debug_print(tf, (word >> SYSW_METHOD_SHIFT) & SYSW_METHOD_MASK);
        break;
    default:
        tf->r[0] = SYS_ERR_ILLEGAL_SYSCALL;
        break;
    }
}
