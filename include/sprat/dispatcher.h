/*
 * include/sprat/dispatcher.h -- the dispatcher frame: memory shared between
 * the kernel and a dispatcher (see docs/dispatch.md).
 *
 * Every dispatcher owns one frame of DISPATCHER_FRAME_BYTES, handed to the
 * kernel with DispatcherCmd_Setup.  The kernel reaches it through its
 * linear map of RAM; the dispatcher maps it at DISPATCHER_VADDR
 * (<sprat/vm_layout.h>).  Layout of the frame:
 *
 *   0x00000  +---------------------------+
 *            | dispatcher (upcall) stack |  grows down from DISP_STACK_TOP;
 *            |                           |  the page below the frame is left
 *   0x03000  +---------------------------+  unmapped as a guard
 *            | struct dispatcher_shared  |  flags, entry points, save areas
 *   0x04000  +---------------------------+
 *            | LMP endpoint buffers      |  struct lmp_endpoint_kern each,
 *            |                           |  placed by the dispatcher (mint)
 *   0x10000  +---------------------------+
 */
#ifndef SPRAT_DISPATCHER_H
#define SPRAT_DISPATCHER_H

#include <stdint.h>

#define DISPATCHER_FRAME_BYTES  0x10000u
#define DISP_STACK_TOP          0x3000u
#define DISP_SHARED_OFFSET      0x3000u
#define DISP_LMP_AREA_OFFSET    0x4000u
#define DISP_NAME_LEN           32

/* A saved register context: r0-r12, sp, lr, pc, cpsr (the same layout as
 * the kernel's struct trap_frame). */
struct save_area {
    uint32_t r[13];
    uint32_t sp;
    uint32_t lr;
    uint32_t pc;
    uint32_t cpsr;
};

/*
 * The upcalls (all entered in user mode, disabled, on the dispatcher
 * stack, with r0 = the frame's user address):
 *   run(udisp)                             scheduled after being enabled,
 *                                          or after yielding while disabled
 *   pagefault(udisp, addr, fsr, pc)        data/prefetch abort while enabled;
 *                                          the faulting context is in the
 *                                          enabled save area
 *   trap(udisp, kind, pc)                  undefined instruction while
 *                                          enabled (kind = EXC_UNDEF);
 *                                          context as above
 * A fault while disabled, or with no entry point registered, stops the
 * dispatcher and the kernel reports it.
 */
struct dispatcher_shared {
    /* ---- written by the dispatcher, read by the kernel ---- */
    volatile uint32_t disabled;     /* nonzero: dispatcher code is running */
    /* The running thread's TLS pointer: the kernel loads it into TPIDRURO
     * (which user code can read but not write) whenever it returns to this
     * dispatcher, so libsys sets it and makes a null system call when it
     * switches threads.  Right after `disabled`: the LMP fast path reads
     * both with one ldrd (lmp_fastpath.S, block 10). */
    volatile uint32_t thread_pointer;
    volatile uint32_t haswork;      /* nonzero: stay runnable after a yield */
    uint32_t udisp;                 /* user address of the frame */
    uint32_t run_entry;             /* upcall entry points (user addresses) */
    uint32_t pagefault_entry;
    uint32_t trap_entry;
    uint32_t crit_pc_low;           /* libsys only (the kernel ignores them): */
    uint32_t crit_pc_high;          /*   its thread-resume window, see docs */
    uint32_t stack_top;             /* user address of the upcall stack top */

    /* ---- written by the kernel ---- */
    volatile uint32_t lmp_pending;  /* bit (id % 32) per endpoint with news */
    volatile uint32_t lmp_delivered;/* messages delivered, ever: libsys
                                     * checks it across clearing lmp_pending
                                     * (lmp_endpoints_poll) */
    uint32_t reserved[4];

    /* ---- identity, set up by whoever creates the dispatcher ---- */
    char name[DISP_NAME_LEN];       /* shown in fault reports */
    uint32_t domain_id;

    /* ---- save areas, written by the kernel ---- */
    struct save_area enabled_area;  /* preempted while enabled */
    struct save_area disabled_area; /* preempted while disabled */
    struct save_area trap_area;     /* faulted while disabled (for reports) */
};

#endif
