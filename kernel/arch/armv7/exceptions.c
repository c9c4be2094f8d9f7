/*
 * kernel/arch/armv7/exceptions.c -- what happens after an exception stub
 * has saved the interrupted context (vectors.S).
 *
 * Interrupts go to irq_handle().  A fault in the kernel itself is a kernel
 * bug: we print the cause, decoded from the fault status register, and a
 * register dump, then panic -- unless an in-kernel test armed a fault
 * catcher (fault_catch.h), in which case the fault is recorded and the test
 * resumes.
 */
#include <kernel.h>
#include <irq.h>
#include <fault_catch.h>
#include <arch/armv7.h>
#include <arch/cp15.h>
#include <arch/trap.h>
#include <dispatch.h>
#include <sched.h>
#include <syscall.h>

/*
 * Short-descriptor fault status encodings: FS[4] is FSR bit 10, FS[3:0]
 * are bits 3:0 (ARM ARM B4.1.52, table B3-23).
 */
static const struct {
    uint8_t fs;
    const char *name;
} fault_names[] = {
    { 0x01, "alignment fault" },
    { 0x02, "debug event" },
    { 0x03, "access flag fault (section)" },
    { 0x04, "fault on instruction cache maintenance" },
    { 0x05, "translation fault (section)" },
    { 0x06, "access flag fault (page)" },
    { 0x07, "translation fault (page)" },
    { 0x08, "synchronous external abort" },
    { 0x09, "domain fault (section)" },
    { 0x0b, "domain fault (page)" },
    { 0x0c, "external abort on translation table walk (first level)" },
    { 0x0d, "permission fault (section)" },
    { 0x0e, "external abort on translation table walk (second level)" },
    { 0x0f, "permission fault (page)" },
    { 0x10, "TLB conflict abort" },
    { 0x14, "lockdown abort" },
    { 0x16, "asynchronous external abort" },
    { 0x18, "asynchronous parity error on memory access" },
    { 0x19, "synchronous parity error on memory access" },
    { 0x1a, "coprocessor abort" },
    { 0x1c, "parity error on translation table walk (first level)" },
    { 0x1e, "parity error on translation table walk (second level)" },
};

#define FSR_FS(fsr)     ((((fsr) >> 6) & 0x10) | ((fsr) & 0xf))
#define DFSR_WNR        (1 << 11)   /* the faulting access was a write */

const char *fault_status_name(uint32_t fsr)
{
    uint32_t fs = FSR_FS(fsr);
    for (size_t i = 0; i < ARRAY_SIZE(fault_names); i++) {
        if (fault_names[i].fs == fs) {
            return fault_names[i].name;
        }
    }
    return "unknown fault status";
}

static const char *mode_name(uint32_t cpsr)
{
    switch (cpsr & MODE_MASK) {
    case MODE_USR: return "usr";
    case MODE_FIQ: return "fiq";
    case MODE_IRQ: return "irq";
    case MODE_SVC: return "svc";
    case MODE_ABT: return "abt";
    case MODE_UND: return "und";
    case MODE_SYS: return "sys";
    case MODE_HYP: return "hyp";
    default:       return "???";
    }
}

void trap_frame_dump(const struct trap_frame *tf)
{
    for (int i = 0; i < 13; i += 4) {
        for (int j = i; j < i + 4 && j < 13; j++) {
            kprintf("  r%-2d %08x", j, (unsigned)tf->r[j]);
        }
        kprintf("\n");
    }
    kprintf("  sp  %08x  lr  %08x  pc  %08x  cpsr %08x (%s mode%s%s)\n",
            (unsigned)tf->sp, (unsigned)tf->lr, (unsigned)tf->pc,
            (unsigned)tf->cpsr, mode_name(tf->cpsr),
            tf->cpsr & PSR_T ? ", thumb" : "",
            tf->cpsr & PSR_I ? ", irq off" : "");
}

/* Fill in the cause of a fault: its kind, address and status. */
void fault_describe(const struct trap_frame *tf, unsigned type,
                           struct fault_info *fi)
{
    fi->type = type;
    fi->pc = tf->pc;
    switch (type) {
    case EXC_DABT:
        fi->status = cp15_read_dfsr();
        fi->address = cp15_read_dfar();
        fi->cause = fault_status_name(fi->status);
        fi->is_write = (fi->status & DFSR_WNR) != 0;
        break;
    case EXC_PABT:
        fi->status = cp15_read_ifsr();
        fi->address = cp15_read_ifar();
        fi->cause = fault_status_name(fi->status);
        fi->is_write = false;
        break;
    case EXC_UNDEF:
        fi->status = 0;
        fi->address = tf->pc;
        fi->cause = "undefined instruction";
        fi->is_write = false;
        break;
    default:
        fi->status = 0;
        fi->address = tf->pc;
        fi->cause = type == EXC_SVC ? "supervisor call from the kernel"
                                    : "unexpected FIQ";
        fi->is_write = false;
        break;
    }
}

static const char *exception_name(unsigned type)
{
    switch (type) {
    case EXC_UNDEF: return "undefined instruction";
    case EXC_SVC:   return "supervisor call";
    case EXC_PABT:  return "prefetch abort";
    case EXC_DABT:  return "data abort";
    case EXC_IRQ:   return "IRQ";
    case EXC_FIQ:   return "FIQ";
    default:        return "unknown exception";
    }
}

void fault_report(const struct fault_info *fi)
{
    kprintf("%s at pc %p: %s, address %p", exception_name(fi->type),
            (void *)fi->pc, fi->cause, (void *)fi->address);
    if (fi->type == EXC_DABT) {
        kprintf(" (%s, DFSR %08x)", fi->is_write ? "write" : "read",
                (unsigned)fi->status);
    } else if (fi->type == EXC_PABT) {
        kprintf(" (IFSR %08x)", (unsigned)fi->status);
    }
    kprintf("\n");
}

/* A fault taken while the kernel itself was running. */
static void kernel_fault(struct trap_frame *tf, unsigned type)
{
    struct fault_info fi;

    fault_describe(tf, type, &fi);
    kprintf("\nkernel %s\n", exception_name(type));
    fault_report(&fi);
    trap_frame_dump(tf);
    if (fault_catch_take(tf, &fi)) {
        return;                 /* an in-kernel test expected this fault */
    }
    panic("%s in the kernel", exception_name(type));
}

void exception_dispatch(struct trap_frame *tf, unsigned type)
{
    /* Only user code makes system calls (svc_entry, vectors.S). */
    if (type == EXC_SVC && syscall_delete_fast(tf)) {
        return;                 /* done: nothing for sched_exit to decide */
    }
    bool from_user = (tf->cpsr & MODE_MASK) == MODE_USR;

    if (type == EXC_UNDEF && (tf->cpsr & PSR_T)) {
        tf->pc += 2;            /* the stub assumed a 4-byte ARM instruction */
    }

    if (type == EXC_IRQ) {
        irq_handle(tf);
    } else if (!from_user || type == EXC_FIQ) {
        /* Nothing in Sprat raises an FIQ: one is a hardware or kernel
         * error, not the interrupted domain's fault. */
        kernel_fault(tf, type);
        return;                 /* a test caught it: resume the kernel */
    } else if (type == EXC_SVC) {
        syscall_handle(tf);
    } else {
        dispatch_fault(tf, type);
    }
    /* Whatever happened, decide who runs next: tf is rewritten if it is
     * not the dispatcher (or idle loop) that entered. */
    sched_exit(tf);
}
