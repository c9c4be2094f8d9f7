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

/*
 * The rights each invocation needs on the invoked capability, once:
 * READ to ask about an object, WRITE to change it or what it holds.  (The
 * capabilities named in the arguments are checked by the operation itself:
 * a retype source needs WRITE, a destination CNode WRITE, a frame mapped
 * writable WRITE, and so on.)
 */
#define R CAPRIGHTS_READ
#define W CAPRIGHTS_WRITE
#define INVOKE_METHODS 8        /* method numbers 1..7 */
static const uint8_t invoke_rights[ObjType_Num][INVOKE_METHODS] = {
    [ObjType_L1CNode] = {
        [CNodeCmd_Retype] = W, [CNodeCmd_Copy] = W, [CNodeCmd_Mint] = W,
        [CNodeCmd_Delete] = W, [CNodeCmd_Revoke] = W, [CNodeCmd_Identify] = R,
        [CNodeCmd_Resize] = W,
    },
    [ObjType_L2CNode] = {
        [CNodeCmd_Retype] = W, [CNodeCmd_Copy] = W, [CNodeCmd_Mint] = W,
        [CNodeCmd_Delete] = W, [CNodeCmd_Revoke] = W, [CNodeCmd_Identify] = R,
    },
    [ObjType_VNode_ARM_l1] = { [VNodeCmd_Map] = W, [VNodeCmd_Unmap] = W },
    [ObjType_VNode_ARM_l2] = { [VNodeCmd_Map] = W, [VNodeCmd_Unmap] = W },
    [ObjType_Dispatcher] = {
        [DispatcherCmd_Setup] = W, [DispatcherCmd_Run] = W,
        [DispatcherCmd_Stop] = W, [DispatcherCmd_Query] = R,
    },
    [ObjType_Kernel] = {
        [KernelCmd_Shutdown] = W, [KernelCmd_Info] = R, [KernelCmd_StartCore] = W,
        [KernelCmd_WakeCore] = W, [KernelCmd_WakeTarget] = W,
    },
    [ObjType_IRQTable] = { [IRQTableCmd_Get] = W },
    [ObjType_IRQ] = { [IRQCmd_Connect] = W, [IRQCmd_Ack] = W },
};
#undef R
#undef W

uint8_t cap_invoke_rights(unsigned type, unsigned method)
{
    if (type >= ObjType_Num || method >= INVOKE_METHODS) {
        return 0;
    }
    return invoke_rights[type][method];
}
