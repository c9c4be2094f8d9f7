/*
 * kernel/include/dispatch.h -- dispatcher control blocks and their life
 * cycle (see docs/dispatch.md; the scheduler is sched.h).
 *
 * A DCB lives in the memory of a Dispatcher object (a user retyped RAM into
 * it), so the kernel allocates nothing.  It holds copies of the capabilities
 * the dispatcher runs with -- its CSpace root, its L1 page table, its frame
 * and its death endpoint -- as CTEs that take part in the derivation
 * database, so none of those objects can disappear while the DCB uses them.
 */
#ifndef SPRAT_DISPATCH_H
#define SPRAT_DISPATCH_H

#include <cap.h>
#include <sprat/dispatcher.h>
#include <arch/trap.h>

/* A save area is a trap frame in the dispatcher's memory (the same layout,
 * <sprat/dispatcher.h>): for trap_frame_copy. */
STATIC_ASSERT(sizeof(struct save_area) == TF_SIZE, "save area = trap frame");
static inline struct trap_frame *save_area_frame(struct save_area *a)
{
    return (struct trap_frame *)a;
}

enum dcb_state {
    /* DispatcherCmd_Query reports these: sprat/caps.h names them. */
    DCB_NEW = DispatcherState_New,            /* retyped, not set up */
    DCB_READY = DispatcherState_Ready,        /* set up, not yet made runnable */
    DCB_RUNNABLE = DispatcherState_Runnable,  /* on the run queue (or running) */
    DCB_BLOCKED = DispatcherState_Blocked,    /* yielded with nothing to do; a
                                               * message wakes it */
    DCB_STOPPED = DispatcherState_Stopped,    /* exited or faulted; never runs again */
};

struct dcb {
    /* What the LMP fast path reads of a DCB comes first: the nine words
     * below with one ldm from the DCB's own address (lmp_fastpath.S, block
     * 10), the root's with an ldrd, whose immediate offset is at most 255
     * bytes (ARM ARM, LDRD (immediate)). */
    struct dispatcher_shared *shared;   /* kernel pointer into the frame */
    lvaddr_t frame_kva;         /* kernel address of the whole frame */
    paddr_t ttbr0;              /* TTBR0 value: the L1 table's physical
                                 * address with the walk attributes */
    uint32_t asid;              /* its table's ASID, if still valid
                                 * (asid_valid; dispatch_asid) */
    uint32_t tpidrurw;          /* TPIDRURW while it is not running */
    const uint32_t *asid_slot;  /* &asid_owner[asid], always: the fast
                                 * path tests asid_valid with one load */
    uint32_t kernel_ttbr;       /* TTBR1 of the core it runs on: the table
                                 * without user entries that the ASID
                                 * switch goes through (asid.c; block 10) */
    uint32_t psr_user_bits;     /* PSR_USER_BITS, the CPSR bits a saved
                                 * state keeps (dispatch_sanitize_cpsr):
                                 * a register of block 10's ldm, where
                                 * block 11a would load a literal */
    struct save_area *disabled_area;    /* &shared->disabled_area: block
                                 * 11a restores from it */
    /* The CSpace root's slots, as the fast path's lookups want them:
     * their number (0 if there is no root) and their kernel address, no
     * physical-to-kernel conversion (dispatch_root_changed). */
    uint32_t root_slots;
    struct cte *root_kva;
    /* &shared->enabled_area, where the fast path finds the save areas
     * and the disabled flag (block 9; dispatch_setup sets it). */
    struct save_area *enabled_area;

    struct cte cspace;          /* L1CNode: the dispatcher's CSpace root */
    struct cte vspace;          /* VNode_ARM_l1: its address space */
    struct cte frame;           /* Frame: its dispatcher frame */
    struct cte death_ep;        /* EndPoint told when it stops (or Null) */
    uint32_t death_badge;

    uint32_t state;             /* enum dcb_state */
    struct dcb *rq_next;        /* run queue: circular, doubly linked */
    struct dcb *rq_prev;
    struct dcb *reap_next;      /* on the list of DCBs to tear down */
    struct dcb *death_next;     /* on the list of undelivered death notices */
    bool death_pending;
    uint32_t death_msg[5];

    uint32_t id;                /* a number for reports (unique per boot) */
    uint32_t faults;            /* unhandled faults (0 or 1: it stops) */
    uint32_t exit_status;
    uint32_t reason;            /* DEATH_* once stopped */
    bool destroyed;             /* its last capability was deleted */
};
STATIC_ASSERT(sizeof(struct dcb) <= OBJSIZE_DISPATCHER, "DCB fits its object");

static inline struct dcb *dcb_from_cap(const struct capability *cap)
{
    return (struct dcb *)cap_phys_to_kptr(cap->base);
}

/* Dispatcher life cycle (kernel/dispatch.c). */
void dispatch_fault(struct trap_frame *tf, unsigned type);
void dispatch_stop(struct dcb *d, uint32_t reason, uint32_t status,
                   uint32_t pc);
void dispatch_destroy(struct dcb *d);       /* its last cap was deleted */
void dispatch_held_deleted(struct cte *cte);/* a CTE_HELD slot of a DCB */
void dispatch_reap(void);                   /* free DCBs whose caps died */
void dispatch_retry_deaths(void);           /* from the timer tick */
/* Make d's registers the ones in tf, entering through run() if enabled. */
void dispatch_resume(struct dcb *d, struct trap_frame *tf);
/* The user-mode CPSR a dispatcher may have: flags and Thumb bit only. */
uint32_t dispatch_sanitize_cpsr(uint32_t cpsr);
void dispatch_switch_vspace(struct dcb *d);
/* d->cspace changed: refresh what the fast path reads of it. */
void dispatch_root_changed(struct dcb *d);
/* d's ASID, a new one if its cached one is no longer valid. */
uint32_t dispatch_asid(struct dcb *d);
/* d leaves the CPU: keep the user-visible CPU state that is not in its
 * trap frame (TPIDRURW; docs/dispatch.md, section 4). */
void dispatch_save_cpu_state(struct dcb *d);
/* Set up d (DispatcherCmd_Setup's work, also used at boot for init). */
errval_t dispatch_setup(struct dcb *d, struct cte *cspace, struct cte *vspace,
                        struct cte *frame, struct cte *death_ep,
                        uint32_t badge);
/* After a root CNode resize (kernel/cnode.c): make root d's CSpace root. */
errval_t cnode_replace_root(struct dcb *d, struct cte *root);

#endif
