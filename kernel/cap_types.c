/*
 * kernel/cap_types.c -- the one table of per-type rules: how big an object
 * of each type is, how it must be aligned, and what it may be retyped into.
 */
#include <cap.h>

#define T(type)         (1u << (type))
#define KIB             1024u

/*
 * The retype rules, once:
 *   PhysAddr  -> RAM (memory), DevFrame (device registers), or smaller
 *               PhysAddr ranges: untyped physical address space.
 *   RAM       -> smaller RAM, or any kernel object made of memory.  Objects
 *               the kernel itself reads (CNodes, page tables, DCBs) can only
 *               come from RAM, never from a Frame a domain could map.
 *   Frame     -> smaller Frames (split a frame to map parts of it).
 *   Dispatcher-> EndPoint: an endpoint names a dispatcher and takes no
 *               memory of its own.
 */
static const struct cap_type_info type_info[ObjType_Num] = {
    [ObjType_Null]         = { "Null", 0, 0, 1, 0, false },
    [ObjType_PhysAddr]     = { "PhysAddr", 0, 4 * KIB, 4 * KIB,
                               T(ObjType_RAM) | T(ObjType_DevFrame) |
                               T(ObjType_PhysAddr), false },
    [ObjType_RAM]          = { "RAM", 0, 4 * KIB, 4 * KIB,
                               T(ObjType_RAM) | T(ObjType_Frame) |
                               T(ObjType_L1CNode) | T(ObjType_L2CNode) |
                               T(ObjType_VNode_ARM_l1) | T(ObjType_VNode_ARM_l2) |
                               T(ObjType_Dispatcher), false },
    [ObjType_Frame]        = { "Frame", 0, 4 * KIB, 4 * KIB, T(ObjType_Frame), true },
    [ObjType_DevFrame]     = { "DevFrame", 0, 4 * KIB, 4 * KIB, 0, false },
    /* A root CNode: any multiple of 256 slots; CTE arrays are 64-byte
     * aligned so a CTE never straddles a cache line pair. */
    [ObjType_L1CNode]      = { "L1CNode", 0, L1_CNODE_MIN_SLOTS * CTE_SIZE, 4 * KIB,
                               0, true },
    [ObjType_L2CNode]      = { "L2CNode", OBJSIZE_L2CNODE, 0, 4 * KIB, 0, true },
    /* The hardware wants a 16 KiB aligned L1 table (TTBR0 with TTBCR.N = 1
     * needs only 8 KiB, but 16 keeps the rule simple) and 1 KiB aligned L2
     * tables; each is followed by its shadow half. */
    [ObjType_VNode_ARM_l1] = { "VNode_ARM_l1", OBJSIZE_VNODE_ARM_L1, 0, 16 * KIB, 0, true },
    [ObjType_VNode_ARM_l2] = { "VNode_ARM_l2", OBJSIZE_VNODE_ARM_L2, 0, 1 * KIB, 0, true },
    [ObjType_Dispatcher]   = { "Dispatcher", OBJSIZE_DISPATCHER, 0, 1 * KIB,
                               T(ObjType_EndPoint), true },
    [ObjType_EndPoint]     = { "EndPoint", 0, 0, 1, 0, false },
    [ObjType_Kernel]       = { "Kernel", 0, 0, 1, 0, false },
    [ObjType_IRQTable]     = { "IRQTable", 0, 0, 1, 0, false },
    [ObjType_IRQ]          = { "IRQ", 0, 0, 1, 0, false },
};

const struct cap_type_info *cap_type_info(unsigned type)
{
    return type < ObjType_Num ? &type_info[type] : NULL;
}

const char *cap_type_name(unsigned type)
{
    return type < ObjType_Num ? type_info[type].name : "invalid";
}
