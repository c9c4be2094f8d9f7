/*
 * user/t_caps -- capability operations and bad input through the real
 * system call path: every bad argument gets its named error back, and the
 * kernel keeps running (the tests after each one prove it).
 */
#include <stdio.h>
#include <string.h>
#include <sys/cspace.h>
#include <sys/invoke.h>
#include <sys/paging.h>
#include <sys/ram.h>
#include <sys/systest.h>
#include <sprat/bootinfo.h>
#include <sprat/lmp.h>

#define ROOTCN TASKCN_CAP(TASKCN_SLOT_ROOTCN)
#define FIXED_VA 0x78000000u

static struct capref fresh(void)
{
    struct capref c;
    slot_alloc(&c);
    return c;
}

static void syscall_word_errors(void)
{
    TEST_ERR(sys_raw(0x01000000u | SYSW(SYS_NOP, 0, 0), 0, 0, 0).err,
             SYS_ERR_INVARGS_SYSCALL);
    TEST_ERR(sys_raw(SYSW(9, 0, 0), 0, 0, 0).err, SYS_ERR_ILLEGAL_SYSCALL);
    TEST_ERR(sys_nop(), SYS_ERR_OK);
}

static void lookup_errors(void)
{
    struct capref empty = fresh();
    TEST_ERR(cap_invoke(capref_addr(empty), 1, 0).err, SYS_ERR_CAP_NOT_FOUND);
    TEST_ERR(cap_invoke(CAPADDR(300, 0), 1, 0).err, SYS_ERR_L1_INDEX_OUT_OF_RANGE);
    TEST_ERR(cap_invoke_l(ROOTCN, 3, CNodeCmd_Identify, 0, NULL).err,
             SYS_ERR_CAP_LOOKUP_DEPTH);
    TEST_ERR(cap_invoke(CAPADDR(200, 5), 1, 0).err, SYS_ERR_CNODE_NOT_FOUND);

    /* A root slot that holds something other than a CNode. */
    uint32_t r;
    root_slot_alloc(&r);
    struct capref inroot = { ROOT_CNODE, r };
    TEST_ERR(mem_retype_at(inroot, ObjType_Frame, 4096), SYS_ERR_OK);
    TEST_ERR(cap_invoke(CAPADDR(r, 1), 1, 0).err, SYS_ERR_CNODE_TYPE);
    TEST_ERR(cap_delete(inroot), SYS_ERR_OK);
}

static void debug_print_errors(void)
{
    TEST_ERR(sys_debug_print((const char *)0x80000000u, 4), SYS_ERR_KERNEL_ADDRESS);
    TEST_ERR(sys_debug_print((const char *)0xc0001000u, 4), SYS_ERR_KERNEL_ADDRESS);
    TEST_ERR(sys_debug_print((const char *)0x7ffffffeu, 8), SYS_ERR_ADDRESS_RANGE);
    TEST_ERR(sys_debug_print((const char *)0x00001000u, 4), SYS_ERR_BAD_USER_POINTER);
    TEST_ERR(sys_debug_print("x", DEBUG_PRINT_MAX + 1), SYS_ERR_ADDRESS_RANGE);
    TEST_ERR(sys_debug_print("", 0), SYS_ERR_OK);
}

static void retype_errors(void)
{
    struct capref ram, a = fresh(), b = fresh();
    TEST_ERR(ram_alloc(&ram, 64 * 1024), SYS_ERR_OK);
    TEST_ERR(cap_retype(a, ram, 0, ObjType_EndPoint, 0, 1), SYS_ERR_ILLEGAL_DEST_TYPE);
    TEST_ERR(cap_retype(a, ram, 0, ObjType_Frame, 1000, 1), SYS_ERR_RETYPE_INVALID_SIZE);
    TEST_ERR(cap_retype(a, ram, 100, ObjType_Frame, 4096, 1), SYS_ERR_RETYPE_MISALIGNED);
    TEST_ERR(cap_retype(a, ram, 0, ObjType_Frame, 128 * 1024, 1), SYS_ERR_RETYPE_OUT_OF_RANGE);
    TEST_ERR(cap_retype(a, ram, 0xfffff000u, ObjType_Frame, 8192, 1), SYS_ERR_RETYPE_OUT_OF_RANGE);
    TEST_ERR(cap_retype(a, ram, 0, ObjType_Frame, 4096, 0), SYS_ERR_RETYPE_INVALID_COUNT);
    TEST_ERR(cap_retype(a, ram, 0, ObjType_Frame, 4096, 1), SYS_ERR_OK);
    TEST_ERR(cap_retype(b, ram, 0, ObjType_Frame, 4096, 1), SYS_ERR_RETYPE_OVERLAP);
    TEST_ERR(cap_retype(a, ram, 8192, ObjType_Frame, 4096, 1), SYS_ERR_SLOT_IN_USE);
    TEST_ERR(cap_retype((struct capref){ a.cnode, 255 }, ram, 8192, ObjType_Frame, 4096, 2),
             SYS_ERR_DEST_RANGE);
    TEST_ERR(cap_retype(b, a, 0, ObjType_VNode_ARM_l2, 0, 1), SYS_ERR_ILLEGAL_DEST_TYPE);

    /* Delete gives the range back; identify tells what is where. */
    struct capability_info ai, ri;
    cap_identify(a, &ai);
    cap_identify(ram, &ri);
    test_report(ai.type == ObjType_Frame && ai.base == ri.base && ai.bytes == 4096,
                "identify reports type, base and size");
    TEST_ERR(cap_delete(a), SYS_ERR_OK);
    TEST_ERR(cap_delete(a), SYS_ERR_CAP_NOT_FOUND);
    TEST_ERR(cap_retype(b, ram, 0, ObjType_Frame, 4096, 1), SYS_ERR_OK);

    /* Rights: a read-only copy cannot be mapped writable, nor regain rights.
     * (FIXED_VA: free address space between the heap and the stack.) */
    struct capref ro = fresh(), rw = fresh();
    TEST_ERR(cap_copy_rights(ro, b, CAPRIGHTS_READ), SYS_ERR_OK);
    TEST_ERR(cap_copy_rights(rw, ro, CAPRIGHTS_READ_WRITE), SYS_ERR_RIGHTS_ESCALATION);
    TEST_ERR(paging_map_fixed(FIXED_VA, ro, 4096, VREGION_FLAGS_READ_WRITE),
             SYS_ERR_INSUFFICIENT_RIGHTS);
    TEST_ERR(paging_map_fixed(FIXED_VA, ro, 4096, VREGION_FLAGS_READ), SYS_ERR_OK);
    TEST_ERR(paging_map_fixed(FIXED_VA + 4096, ro, 4096, VREGION_FLAGS_READ),
             SYS_ERR_CAP_ALREADY_MAPPED);

    /* Revoke removes every copy but the one revoked, and all descendants. */
    TEST_ERR(cap_copy(rw, b), SYS_ERR_OK);
    TEST_ERR(cap_revoke(b), SYS_ERR_OK);
    struct capability_info ci;
    TEST_ERR(cap_identify(ro, &ci), SYS_ERR_CAP_NOT_FOUND);
    TEST_ERR(cap_identify(rw, &ci), SYS_ERR_CAP_NOT_FOUND);
    TEST_ERR(cap_revoke(ram), SYS_ERR_OK);
    TEST_ERR(cap_identify(b, &ci), SYS_ERR_CAP_NOT_FOUND);
}

static void vnode_errors(void)
{
    struct capref l1 = { ROOTCN_SLOT_PAGECN, 0 }, l2, frame, ram;
    TEST_ERR(mem_retype(ObjType_VNode_ARM_l2, 0, &l2), SYS_ERR_OK);
    TEST_ERR(frame_alloc(&frame, 8192), SYS_ERR_OK);
    TEST_ERR(ram_alloc(&ram, 4096), SYS_ERR_OK);
    TEST_ERR(cap_invoke(capref_addr(l1), VNodeCmd_Map, 3, 2048, capref_addr(l2), 2).err,
             SYS_ERR_VNODE_SLOT_INVALID);
    TEST_ERR(cap_invoke(capref_addr(l1), VNodeCmd_Map, 3, 0x400, capref_addr(frame), 2).err,
             SYS_ERR_VNODE_TYPE);
    TEST_ERR(cap_invoke(capref_addr(l2), VNodeCmd_Map, 6, 0, capref_addr(ram), 2, 0, 1, 3).err,
             SYS_ERR_VNODE_TYPE);
    TEST_ERR(cap_invoke(capref_addr(l2), VNodeCmd_Map, 6, 0, capref_addr(frame), 2, 0, 3, 3).err,
             SYS_ERR_FRAME_OFFSET_INVALID);
    TEST_ERR(cap_invoke(capref_addr(l2), VNodeCmd_Map, 6, 255, capref_addr(frame), 2, 0, 2, 3).err,
             SYS_ERR_VNODE_SLOT_INVALID);
    TEST_ERR(cap_invoke(capref_addr(l2), VNodeCmd_Map, 6, 0, capref_addr(frame), 2, 100, 1, 3).err,
             SYS_ERR_MISALIGNED);
    TEST_ERR(cap_invoke(capref_addr(l2), VNodeCmd_Map, 6, 4, capref_addr(frame), 2, 0, 2, 3).err,
             SYS_ERR_OK);
    TEST_ERR(cap_invoke(capref_addr(l2), VNodeCmd_Unmap, 2, 4, 1).err, SYS_ERR_VNODE_NOT_MAPPED);
    TEST_ERR(cap_invoke(capref_addr(l2), VNodeCmd_Unmap, 2, 9, 1).err, SYS_ERR_VNODE_NOT_MAPPED);
    TEST_ERR(cap_invoke(capref_addr(l2), VNodeCmd_Unmap, 2, 4, 2).err, SYS_ERR_OK);
    /* Deleting a mapped frame unmaps it; deleting a table forgets its maps. */
    TEST_ERR(cap_invoke(capref_addr(l2), VNodeCmd_Map, 6, 4, capref_addr(frame), 2, 0, 2, 3).err,
             SYS_ERR_OK);
    TEST_ERR(mem_free(l2), SYS_ERR_OK);
    TEST_ERR(cap_invoke(capref_addr(l1), VNodeCmd_Unmap, 1, 0x7ff).err,
             SYS_ERR_VNODE_NOT_MAPPED);
    TEST_ERR(mem_free(frame), SYS_ERR_OK);
    TEST_ERR(cap_invoke(capref_addr(ram), 1, 0).err, SYS_ERR_ILLEGAL_INVOCATION);
    mem_free(ram);
}

static void dispatcher_and_ep_errors(void)
{
    struct capref disp, ep = fresh(), minted = fresh(), frame;
    TEST_ERR(mem_retype(ObjType_Dispatcher, 0, &disp), SYS_ERR_OK);
    TEST_ERR(cap_invoke(capref_addr(disp), DispatcherCmd_Run, 0).err, SYS_ERR_DISP_NOT_SET_UP);
    TEST_ERR(frame_alloc(&frame, 4096), SYS_ERR_OK);
    TEST_ERR(cap_invoke(capref_addr(disp), DispatcherCmd_Setup, 5, capref_addr(frame),
                        CAPADDR(ROOTCN_SLOT_PAGECN, 0), capref_addr(frame), 0, 0).err,
             SYS_ERR_DISP_CSPACE_TYPE);
    TEST_ERR(cap_invoke(capref_addr(disp), DispatcherCmd_Setup, 5, ROOTCN,
                        capref_addr(frame), capref_addr(frame), 0, 0).err,
             SYS_ERR_DISP_VSPACE_TYPE);
    TEST_ERR(cap_invoke(capref_addr(disp), DispatcherCmd_Setup, 5, ROOTCN,
                        CAPADDR(ROOTCN_SLOT_PAGECN, 0), capref_addr(frame), 0, 0).err,
             SYS_ERR_DISP_FRAME_SIZE);
    TEST_ERR(cap_retype(ep, disp, 0, ObjType_EndPoint, 0, 1), SYS_ERR_OK);
    TEST_ERR(cap_mint(minted, ep, CAPRIGHTS_ALLRIGHTS, 0x100, 64), SYS_ERR_INVALID_MINT_PARAMS);
    TEST_ERR(cap_mint(minted, ep, CAPRIGHTS_ALLRIGHTS, 0x4002, 64), SYS_ERR_INVALID_MINT_PARAMS);
    TEST_ERR(cap_mint(minted, ep, CAPRIGHTS_ALLRIGHTS, 0xff00, 0x200), SYS_ERR_INVALID_MINT_PARAMS);
    TEST_ERR(cap_mint(minted, ep, CAPRIGHTS_ALLRIGHTS, 0x4000, 8), SYS_ERR_INVALID_MINT_PARAMS);
    TEST_ERR(cap_mint(minted, ep, CAPRIGHTS_ALLRIGHTS, 0x4000, 0x100), SYS_ERR_OK);
    TEST_ERR(lmp_ep_send_raw(SYSW(SYS_INVOKE, 0, 0), capref_addr(ep), 0,
                             (uint32_t[LMP_MSG_WORDS]){ 0 }), SYS_ERR_LMP_EP_NOT_MINTED);
    TEST_ERR(lmp_ep_send_raw(SYSW(SYS_INVOKE, 0, 0), capref_addr(minted), 0,
                             (uint32_t[LMP_MSG_WORDS]){ 0 }), SYS_ERR_DISP_NOT_SET_UP);
    /* Revoking the dispatcher's RAM-level cap takes the endpoints along. */
    TEST_ERR(cap_revoke(disp), SYS_ERR_OK);
    struct capability_info ci;
    TEST_ERR(cap_identify(minted, &ci), SYS_ERR_CAP_NOT_FOUND);
    mem_free(disp);
    mem_free(frame);
}

int main(void)
{
    syscall_word_errors();
    lookup_errors();
    debug_print_errors();
    retype_errors();
    vnode_errors();
    dispatcher_and_ep_errors();
    return 0;
}
