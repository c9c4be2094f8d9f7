/*
 * include/sprat/caps.h -- capability types, rights, addresses and the
 * invocations of each type (shared by kernel and user code).
 *
 * The size and alignment rules of every type are in one table,
 * include/sprat/objtypes.h; docs/capabilities.md explains them.
 */
#ifndef SPRAT_CAPS_H
#define SPRAT_CAPS_H

#include <stdint.h>

/* ---- types ----------------------------------------------------------- */
enum objtype {
    ObjType_Null = 0,       /* an empty slot */
    ObjType_PhysAddr,       /* physical address range, not yet typed */
    ObjType_RAM,            /* untyped RAM: can be retyped into objects */
    ObjType_Frame,          /* RAM a domain may map into its address space */
    ObjType_DevFrame,       /* device registers a domain may map uncached */
    ObjType_L1CNode,        /* root CNode: slots hold L2CNode capabilities */
    ObjType_L2CNode,        /* 256 slots of capabilities */
    ObjType_VNode_ARM_l1,   /* first-level translation table */
    ObjType_VNode_ARM_l2,   /* second-level translation table */
    ObjType_Dispatcher,     /* a dispatcher (the unit of scheduling) */
    ObjType_EndPoint,       /* LMP endpoint into a dispatcher */
    ObjType_Kernel,         /* privileged kernel operations (init only) */
    ObjType_IRQTable,       /* hands out IRQ capabilities (init only) */
    ObjType_IRQ,            /* one interrupt line, delivered over LMP */
    ObjType_Num
};

/* ---- rights ---------------------------------------------------------- */
#define CAPRIGHTS_READ      (1u << 0)
#define CAPRIGHTS_WRITE     (1u << 1)
#define CAPRIGHTS_GRANT     (1u << 2)   /* EndPoint: may carry capabilities */
#define CAPRIGHTS_ALLRIGHTS (CAPRIGHTS_READ | CAPRIGHTS_WRITE | CAPRIGHTS_GRANT)
#define CAPRIGHTS_READ_WRITE (CAPRIGHTS_READ | CAPRIGHTS_WRITE)
#define CAPRIGHTS_NORIGHTS  0u

/* ---- capability addresses --------------------------------------------- */
/*
 * A capability address (capaddr_t) names a slot in the caller's CSpace:
 * bits 31:8 index the root L1 CNode, bits 7:0 the L2 CNode found there.
 * Address level 2 is a full slot address; level 1 uses only bits 31:8 and
 * names an L1 slot (which holds an L2CNode capability).
 */
typedef uint32_t capaddr_t;

#define L2_CNODE_BITS       8
#define L2_CNODE_SLOTS      (1u << L2_CNODE_BITS)   /* 256 */
#define L1_CNODE_MIN_SLOTS  L2_CNODE_SLOTS          /* smallest root CNode */
#define CAPADDR(l1, l2)     (((capaddr_t)(l1) << L2_CNODE_BITS) | (capaddr_t)(l2))
#define CAPADDR_L1(a)       ((a) >> L2_CNODE_BITS)
#define CAPADDR_L2(a)       ((a) & (L2_CNODE_SLOTS - 1))
/* "No capability" where an argument may be absent (a yield's target, a
 * death endpoint, an LMP receive slot).  As an ordinary address it is
 * L1 0, L2 0: slot 0 of the task CNode, which holds the task CNode's own
 * capability -- identify answers for it, and deleting or revoking it cuts
 * a domain off from its task CNode (found by t_fuzz, docs/reliability.md). */
#define CPTR_NULL           ((capaddr_t)0)

#define CAP_LEVEL_L1        1
#define CAP_LEVEL_L2        2

/* Bytes one capability slot occupies in a CNode object. */
#define CTE_SIZE            64

/* ---- object sizes that are fixed ---------------------------------------- */
#define BASE_PAGE_SIZE      4096u
#define OBJSIZE_L2CNODE     (L2_CNODE_SLOTS * CTE_SIZE)     /* 16 KiB */
/* Page tables carry a shadow array next to the hardware table: one
 * back-pointer per entry to the capability that is mapped there, so that
 * deleting either side of a mapping can find the other without a search. */
#define ARM_L1_TABLE_BYTES  16384u
#define ARM_L2_TABLE_BYTES  1024u
#define OBJSIZE_VNODE_ARM_L1 (2 * ARM_L1_TABLE_BYTES)       /* 32 KiB */
#define OBJSIZE_VNODE_ARM_L2 (2 * ARM_L2_TABLE_BYTES)       /* 2 KiB */
#define ARM_L1_USER_ENTRIES 2048u                           /* below 2 GiB */
#define ARM_L2_ENTRIES      256u
#define OBJSIZE_DISPATCHER  1024u                           /* the kernel's DCB */

/* ---- invocations -------------------------------------------------------- */
/*
 * Capability operations are invocations of the caller's root L1CNode
 * (TASKCN_SLOT_ROOTCN); addresses in the arguments are resolved in the
 * caller's CSpace.  Arguments are in r2, r3, ... in the order listed.
 */
enum cnode_cmd {
    /* src, src_level, offset, objtype, objsize, count,
     * dest_cnode, dest_cnode_level, dest_slot */
    CNodeCmd_Retype = 1,
    /* dest_cnode, dest_cnode_level, dest_slot, src, src_level, rights */
    CNodeCmd_Copy,
    /* dest_cnode, dest_cnode_level, dest_slot, src, src_level, rights,
     * param1, param2 (EndPoint: buffer offset and length in bytes) */
    CNodeCmd_Mint,
    /* cap, cap_level */
    CNodeCmd_Delete,
    /* cap, cap_level */
    CNodeCmd_Revoke,
    /* cap, cap_level -> r1 = type | rights << 8, r2 = base, r3 = bytes
     * (EndPoint: r2 = buffer offset, r3 = buffer length) */
    CNodeCmd_Identify,
    /* L1CNode only: new_root, new_root_level, retslot_cnode,
     * retslot_level, retslot -- move every slot into the larger new root,
     * which replaces the invoked one (the old root object ends up in retslot) */
    CNodeCmd_Resize,
};

enum vnode_cmd {
    /* L1: entry, l2_vnode_cap, l2_level
     * L2: entry, frame_cap, frame_level, offset, page_count, flags
     *     (offset: bytes into the frame, page aligned; the pages go into
     *     entries [entry, entry + page_count) of this one table) */
    VNodeCmd_Map = 1,
    /* L1: entry            L2: entry, page_count */
    VNodeCmd_Unmap,
};

/* Mapping flags for VNodeCmd_Map on an L2 table. */
#define VREGION_FLAGS_READ      (1u << 0)
#define VREGION_FLAGS_WRITE     (1u << 1)
#define VREGION_FLAGS_EXECUTE   (1u << 2)
#define VREGION_FLAGS_NOCACHE   (1u << 3)
#define VREGION_FLAGS_READ_WRITE (VREGION_FLAGS_READ | VREGION_FLAGS_WRITE)

enum dispatcher_cmd {
    /* cspace_root, vspace_root, disp_frame, death_ep (CPTR_NULL = none),
     * death_badge: copy the caps into the dispatcher; must be the first
     * invocation.  death_ep receives a message if the dispatcher dies. */
    DispatcherCmd_Setup = 1,
    DispatcherCmd_Run,          /* make it runnable */
    /* status: stop the dispatcher for good (a domain exits through its
     * own dispatcher capability); the death endpoint is told */
    DispatcherCmd_Stop,
    /* -> r1 = state, r2 = faults, r3 = exit status */
    DispatcherCmd_Query,
};

/* DispatcherCmd_Query's state (the kernel's enum dcb_state is made of
 * these: kernel/include/dispatch.h). */
enum dispatcher_state {
    DispatcherState_New = 0,        /* retyped, not set up */
    DispatcherState_Ready,          /* set up, not yet made runnable */
    DispatcherState_Runnable,       /* on the run queue (or running) */
    DispatcherState_Blocked,        /* yielded with nothing to do */
    DispatcherState_Stopped,        /* exited or faulted; never runs again */
};

enum kernel_cmd {
    /* status: end a test run (test builds only: prints the TAP plan and
     * leaves QEMU through semihosting) */
    KernelCmd_Shutdown = 1,
    /* -> r1 = bytes of RAM in the system, r2 = kernel tick count,
     *    r3 = cores on the board (docs/multikernel.md) */
    KernelCmd_Info,
    /* core: start the CPU driver on another core (boot core only; errors
     * SYS_ERR_CORE_INVALID, _STARTED, _NOT_BOOT, _START_FAILED) */
    KernelCmd_StartCore,
    /* core: raise the wake SGI on that core (a UMP receiver sleeps there;
     * SYS_ERR_CORE_INVALID for this core or none) */
    KernelCmd_WakeCore,
    /* make the caller the dispatcher this core's wake SGI makes runnable */
    KernelCmd_WakeTarget,
    /* cap, cap_level -> r1 = type | rights << 8, r2 = base, r3 = bytes: the
     * description (struct cap_desc, <sprat/xcap.h>) of a RAM or Frame
     * capability another core's init may import; marks it (and its
     * copies) as lent (docs/multikernel.md, "Capabilities crossing cores") */
    KernelCmd_CapExport,
    /* type, rights, base, bytes (a description), dest, dest_level: re-create
     * it in the empty slot dest on this core, marked as borrowed */
    KernelCmd_CapImport,
};

enum irqtable_cmd {
    /* irq, dest_cnode, dest_level, dest_slot: make an IRQ capability */
    IRQTableCmd_Get = 1,
};

enum irq_cmd {
    /* ep, ep_level: deliver this interrupt as an LMP message to ep */
    IRQCmd_Connect = 1,
    IRQCmd_Ack,                 /* unmask after handling */
};

#endif
