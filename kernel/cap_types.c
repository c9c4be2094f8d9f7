/*
 * kernel/cap_types.c -- the kernel's per-type tables: the rights each
 * invocation needs (the size, alignment and retype rules are the table in
 * include/sprat/objtypes.h, shared with libsys; docs/capabilities.md).
 */
#include <cap.h>

const char *cap_type_name(unsigned type)
{
    return type < ObjType_Num ? objtype_info(type)->name : "invalid";
}

/*
 * The rights each invocation needs on the invoked capability, once:
 * READ to ask about an object, WRITE to change it or what it holds.  (The
 * capabilities named in the arguments are checked by the operation itself:
 * a retype source needs WRITE, a destination CNode WRITE, a frame mapped
 * writable WRITE, and so on.)  lmp_fastpath.S, block 2d, has the delete's
 * WRITE on both CNode types written in (tests/host/test_caps.c,
 * test_delete_fast, checks that the table still says so).
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
        [KernelCmd_CapExport] = W, [KernelCmd_CapImport] = W,
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
