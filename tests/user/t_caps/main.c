/*
 * tests/user/t_caps -- capability operations and bad input through the real
 * system call path: every bad argument gets its named error back, and the
 * kernel keeps running (the tests after each one prove it).
 */
#include <stdio.h>
#include <string.h>
#include <sys/cspace.h>
#include <sys/debug.h>
#include <sys/invoke.h>
#include <sys/paging.h>
#include <sys/ram.h>
#include <systest.h>
#include <sprat/bootinfo.h>
#include <sprat/dispatcher.h>
#include <sprat/lmp.h>
#include <sprat/lmp.h>

#define ROOTCN TASKCN_CAP(TASKCN_SLOT_ROOTCN)
#define FIXED_VA 0x78000000u
#define OWN_L1 CAPADDR(ROOTCN_SLOT_PAGECN, 0)

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
    /* The null call changes no register but r0 (sys_nop() tells the
     * compiler so): the fast path answers it after its first test, which
     * uses r2 (lmp_fastpath.S, block 1n). */
    struct sys_regs regs = { { 0, 0x11111111u, 0x22222222u, 0x33333333u } };
    sys_call(&regs);
    test_report(regs.r[0] == 0 && regs.r[1] == 0x11111111u && regs.r[2] == 0x22222222u &&
                regs.r[3] == 0x33333333u, "the null system call leaves r1-r3 as they were");
}

static void lookup_errors(void)
{
    struct capref empty = fresh();
    TEST_ERR(cap_invoke(capref_addr(empty), 1, 0).err, SYS_ERR_CAP_NOT_FOUND);
    TEST_ERR(cap_invoke(CAPADDR(300, 0), 1, 0).err, SYS_ERR_L1_INDEX_OUT_OF_RANGE);
    TEST_ERR(cap_invoke_l(ROOTCN, 3, CNodeCmd_Identify, 0, NULL).err,
             SYS_ERR_CAP_LOOKUP_DEPTH);
    TEST_ERR(cap_invoke(CAPADDR(200, 5), 1, 0).err, SYS_ERR_CNODE_NOT_FOUND);
    /* An L2 CNode has 256 slots: a destination index past them. */
    struct capref frame;
    TEST_ERR(frame_alloc(&frame, 4096), SYS_ERR_OK);
    TEST_ERR(cap_invoke(ROOTCN, CNodeCmd_Copy, 6, CAPADDR(empty.cnode, 0), CAP_LEVEL_L1, 300,
                        capref_addr(frame), CAP_LEVEL_L2, CAPRIGHTS_READ).err,
             SYS_ERR_L2_INDEX_OUT_OF_RANGE);
    TEST_ERR(cap_invoke(ROOTCN, CNodeCmd_Copy, 6, CAPADDR(200, 0), CAP_LEVEL_L1, 1,
                        capref_addr(frame), CAP_LEVEL_L2, CAPRIGHTS_READ).err,
             SYS_ERR_CAP_NOT_FOUND);        /* no CNode in that root slot */
    TEST_ERR(cap_invoke(ROOTCN, CNodeCmd_Copy, 6, capref_addr(frame), CAP_LEVEL_L2, 1,
                        capref_addr(frame), CAP_LEVEL_L2, CAPRIGHTS_READ).err,
             SYS_ERR_CNODE_TYPE);           /* a frame is no destination */
    TEST_ERR(cap_invoke(ROOTCN, CNodeCmd_Identify, 2, capref_addr(frame), 9).err,
             SYS_ERR_CAP_LOOKUP_DEPTH);
    mem_free(frame);
    /* Address 0 is no null capability: it names the task CNode's own
     * capability (include/sprat/caps.h, CPTR_NULL). */
    struct capability_info ti;
    TEST_ERR(cap_identify(NULL_CAP, &ti), SYS_ERR_OK);
    test_report(ti.type == ObjType_L2CNode, "address 0 (CPTR_NULL) names the task CNode");

    /* A root slot that holds something other than a CNode. */
    uint32_t r;
    root_slot_alloc(&r);
    struct capref inroot = { ROOT_CNODE, r };
    TEST_ERR(mem_retype_at(inroot, ObjType_Frame, 4096), SYS_ERR_OK);
    TEST_ERR(cap_invoke(CAPADDR(r, 1), 1, 0).err, SYS_ERR_CNODE_TYPE);
    TEST_ERR(cap_delete(inroot), SYS_ERR_OK);
}

/* Pointers into the kernel's half, or nowhere, in the other calls that
 * take one; and yields to things that are not dispatchers. */
static void pointer_and_yield_errors(void)
{
    TEST_ERR(sys_raw(SYSW(SYS_RESUME, 0, 0), 0x80000000u, 0, 0).err, SYS_ERR_KERNEL_ADDRESS);
    TEST_ERR(sys_raw(SYSW(SYS_RESUME, 0, 0), 0xfffffff0u, 0, 0).err, SYS_ERR_KERNEL_ADDRESS);
    TEST_ERR(sys_raw(SYSW(SYS_RESUME, 0, 0), 0x7ffffff0u, 0, 0).err, SYS_ERR_ADDRESS_RANGE);
    TEST_ERR(sys_raw(SYSW(SYS_RESUME, 0, 0), 0x00001000u, 0, 0).err, SYS_ERR_BAD_USER_POINTER);
    static uint32_t area[20];
    TEST_ERR(sys_raw(SYSW(SYS_RESUME, 0, 0), (uint32_t)area + 2, 0, 0).err, SYS_ERR_MISALIGNED);
    TEST_ERR(sys_yield(CAPADDR(ROOTCN_SLOT_PAGECN, 0)), SYS_ERR_WRONG_CAP_TYPE);
    TEST_ERR(sys_yield(CAPADDR(ROOTCN_SLOT_TASKCN, 200)), SYS_ERR_CAP_NOT_FOUND);
    TEST_ERR(sys_yield(CAPADDR(999, 0)), SYS_ERR_L1_INDEX_OUT_OF_RANGE);
    TEST_ERR(sys_yield(CPTR_NULL), SYS_ERR_OK);
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
    TEST_ERR(cap_retype(a, ram, 0, ObjType_L1CNode, 20 * 1024, 1), SYS_ERR_RETYPE_INVALID_SIZE);
    TEST_ERR(cap_retype(a, ram, 0, ObjType_Dispatcher, 4096, 1), SYS_ERR_RETYPE_INVALID_SIZE);
    /* A page-aligned offset at which an L1 table (16 KiB aligned) cannot
     * start, whatever the RAM's own alignment (ram_alloc gives pages). */
    struct capability_info where;
    cap_identify(ram, &where);
    uint32_t l1_off = (where.base + 0x1000) % (16 * 1024) == 0 ? 0x2000 : 0x1000;
    TEST_ERR(cap_retype(a, ram, l1_off, ObjType_VNode_ARM_l1, 0, 1), SYS_ERR_RETYPE_MISALIGNED);
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
    test_report(ai.type == ObjType_Frame && ai.base == ri.base && ai.bytes == 4096 &&
                ai.rights == CAPRIGHTS_ALLRIGHTS && ri.type == ObjType_RAM &&
                ri.bytes == 64 * 1024, "identify reports type, base, size and rights");
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
    TEST_ERR(vnode_map_table(capref_addr(l1), 2048, capref_addr(l2)),
             SYS_ERR_VNODE_SLOT_INVALID);
    TEST_ERR(vnode_map_table(capref_addr(l1), 0x400, capref_addr(frame)),
             SYS_ERR_VNODE_TYPE);
    TEST_ERR(vnode_map(capref_addr(l2), 0, capref_addr(ram), 0, 1, 3),
             SYS_ERR_VNODE_TYPE);
    TEST_ERR(vnode_map(capref_addr(l2), 0, capref_addr(frame), 0, 3, 3),
             SYS_ERR_FRAME_OFFSET_INVALID);
    TEST_ERR(vnode_map(capref_addr(l2), 255, capref_addr(frame), 0, 2, 3),
             SYS_ERR_VNODE_SLOT_INVALID);
    TEST_ERR(vnode_map(capref_addr(l2), 0, capref_addr(frame), 100, 1, 3),
             SYS_ERR_MISALIGNED);
    TEST_ERR(vnode_map(capref_addr(l2), 4, capref_addr(frame), 0, 2, 3),
             SYS_ERR_OK);
    TEST_ERR(vnode_unmap(capref_addr(l2), 4, 1), SYS_ERR_VNODE_NOT_MAPPED);
    TEST_ERR(vnode_unmap(capref_addr(l2), 9, 1), SYS_ERR_VNODE_NOT_MAPPED);
    TEST_ERR(vnode_unmap(capref_addr(l2), 4, 2), SYS_ERR_OK);
    /* Deleting a mapped frame unmaps it; deleting a table forgets its maps. */
    TEST_ERR(vnode_map(capref_addr(l2), 4, capref_addr(frame), 0, 2, 3),
             SYS_ERR_OK);
    TEST_ERR(mem_free(l2), SYS_ERR_OK);
    TEST_ERR(vnode_unmap(capref_addr(l1), 0x7ff, 1),
             SYS_ERR_VNODE_NOT_MAPPED);
    TEST_ERR(mem_free(frame), SYS_ERR_OK);
    TEST_ERR(cap_invoke(capref_addr(ram), 1, 0).err, SYS_ERR_ILLEGAL_INVOCATION);
    mem_free(ram);
}

static void dispatcher_and_ep_errors(void)
{
    struct capref disp, ep = fresh(), minted = fresh(), frame;
    TEST_ERR(mem_retype(ObjType_Dispatcher, 0, &disp), SYS_ERR_OK);
    TEST_ERR(dispatcher_run(capref_addr(disp)), SYS_ERR_DISP_NOT_SET_UP);
    TEST_ERR(frame_alloc(&frame, 4096), SYS_ERR_OK);
    TEST_ERR(dispatcher_setup(capref_addr(disp), capref_addr(frame),
                              CAPADDR(ROOTCN_SLOT_PAGECN, 0), capref_addr(frame), 0, 0),
             SYS_ERR_DISP_CSPACE_TYPE);
    TEST_ERR(dispatcher_setup(capref_addr(disp), ROOTCN, capref_addr(frame),
                              capref_addr(frame), 0, 0),
             SYS_ERR_DISP_VSPACE_TYPE);
    TEST_ERR(dispatcher_setup(capref_addr(disp), ROOTCN, CAPADDR(ROOTCN_SLOT_PAGECN, 0),
                              capref_addr(frame), 0, 0),
             SYS_ERR_DISP_FRAME_SIZE);
    TEST_ERR(cap_retype(ep, disp, 0, ObjType_EndPoint, 0, 1), SYS_ERR_OK);
    TEST_ERR(cap_mint(minted, ep, CAPRIGHTS_ALLRIGHTS, 0x100, 64), SYS_ERR_INVALID_MINT_PARAMS);
    TEST_ERR(cap_mint(minted, ep, CAPRIGHTS_ALLRIGHTS, 0x4002, 64), SYS_ERR_INVALID_MINT_PARAMS);
    TEST_ERR(cap_mint(minted, ep, CAPRIGHTS_ALLRIGHTS, 0xff00, 0x200), SYS_ERR_INVALID_MINT_PARAMS);
    TEST_ERR(cap_mint(minted, ep, CAPRIGHTS_ALLRIGHTS, 0x4000, 8), SYS_ERR_INVALID_MINT_PARAMS);
    /* A ring of 11 or 60 words: not a power of two. */
    TEST_ERR(cap_mint(minted, ep, CAPRIGHTS_ALLRIGHTS, 0x4000, LMP_ENDPOINT_MIN_BYTES),
             SYS_ERR_INVALID_MINT_PARAMS);
    TEST_ERR(cap_mint(minted, ep, CAPRIGHTS_ALLRIGHTS, 0x4000, 0x100), SYS_ERR_INVALID_MINT_PARAMS);
    TEST_ERR(cap_mint(minted, ep, CAPRIGHTS_ALLRIGHTS, 0x4000, LMP_ENDPOINT_BYTES(64)),
             SYS_ERR_OK);
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

/* Every invocation needs its right on the invoked capability (READ to ask,
 * WRITE to change), and the capabilities it names need theirs. */
static void rights_errors(void)
{
    struct capref ro_root = fresh(), wo_root = fresh(), ram, ro_ram = fresh(), dest = fresh();
    TEST_ERR(cap_copy_rights(ro_root, taskcn_cap(TASKCN_SLOT_ROOTCN), CAPRIGHTS_READ), SYS_ERR_OK);
    TEST_ERR(cap_copy_rights(wo_root, taskcn_cap(TASKCN_SLOT_ROOTCN), CAPRIGHTS_WRITE), SYS_ERR_OK);
    TEST_ERR(ram_alloc(&ram, 16 * 1024), SYS_ERR_OK);
    /* A read-only CNode capability may identify but not change anything... */
    TEST_ERR(cap_invoke(capref_addr(ro_root), CNodeCmd_Identify, 2, capref_addr(ram), 2).err,
             SYS_ERR_OK);
    TEST_ERR(cap_invoke(capref_addr(ro_root), CNodeCmd_Copy, 6, CAPADDR(dest.cnode, 0), 1,
                        dest.slot, capref_addr(ram), 2, CAPRIGHTS_READ).err,
             SYS_ERR_INSUFFICIENT_RIGHTS);
    TEST_ERR(cap_invoke(capref_addr(ro_root), CNodeCmd_Delete, 2, capref_addr(ram), 2).err,
             SYS_ERR_INSUFFICIENT_RIGHTS);
    TEST_ERR(cap_invoke(capref_addr(ro_root), CNodeCmd_Retype, 9, capref_addr(ram), 2, 0,
                        ObjType_Frame, 4096, 1, CAPADDR(dest.cnode, 0), 1, dest.slot).err,
             SYS_ERR_INSUFFICIENT_RIGHTS);
    /* ... a write-only one may change but not ask. */
    TEST_ERR(cap_invoke(capref_addr(wo_root), CNodeCmd_Identify, 2, capref_addr(ram), 2).err,
             SYS_ERR_INSUFFICIENT_RIGHTS);
    TEST_ERR(cap_invoke(capref_addr(wo_root), CNodeCmd_Copy, 6, CAPADDR(dest.cnode, 0), 1,
                        dest.slot, capref_addr(ram), 2, CAPRIGHTS_READ).err, SYS_ERR_OK);
    TEST_ERR(cap_delete(dest), SYS_ERR_OK);
    /* Retype needs WRITE on the source and on the destination CNode. */
    TEST_ERR(cap_copy_rights(ro_ram, ram, CAPRIGHTS_READ), SYS_ERR_OK);
    TEST_ERR(cap_retype(dest, ro_ram, 0, ObjType_Frame, 4096, 1), SYS_ERR_INSUFFICIENT_RIGHTS);
    uint32_t r;
    TEST_ERR(root_slot_alloc(&r), SYS_ERR_OK);
    struct capref cn = { ROOT_CNODE, r }, ro_cn = fresh();
    TEST_ERR(mem_retype_at(cn, ObjType_L2CNode, 0), SYS_ERR_OK);
    TEST_ERR(cap_copy_rights(ro_cn, cn, CAPRIGHTS_READ), SYS_ERR_OK);
    TEST_ERR(cap_invoke(ROOTCN, CNodeCmd_Retype, 9, capref_addr(ram), 2, 0, ObjType_Frame, 4096,
                        1, capref_addr(ro_cn), 2, 0).err, SYS_ERR_INSUFFICIENT_RIGHTS);
    TEST_ERR(cap_invoke(ROOTCN, CNodeCmd_Retype, 9, capref_addr(ram), 2, 0, ObjType_Frame, 4096,
                        1, capref_addr(cn), 1, 0).err, SYS_ERR_OK);
    /* Page tables: mapping needs WRITE on the table. */
    struct capref l2, ro_l2 = fresh(), frame = { r, 0 };
    TEST_ERR(mem_retype(ObjType_VNode_ARM_l2, 0, &l2), SYS_ERR_OK);
    TEST_ERR(cap_copy_rights(ro_l2, l2, CAPRIGHTS_READ), SYS_ERR_OK);
    TEST_ERR(vnode_map(capref_addr(ro_l2), 0, capref_addr(frame), 0, 1, VREGION_FLAGS_READ),
             SYS_ERR_INSUFFICIENT_RIGHTS);
    TEST_ERR(vnode_unmap(capref_addr(ro_l2), 0, 1),
             SYS_ERR_INSUFFICIENT_RIGHTS);
    TEST_ERR(vnode_map(capref_addr(l2), 0, capref_addr(frame), 0, 1, VREGION_FLAGS_READ),
             SYS_ERR_OK);
    /* Dispatchers: Query needs READ, the rest WRITE. */
    struct capref disp, ro_disp = fresh(), wo_disp = fresh();
    TEST_ERR(mem_retype(ObjType_Dispatcher, 0, &disp), SYS_ERR_OK);
    TEST_ERR(cap_copy_rights(ro_disp, disp, CAPRIGHTS_READ), SYS_ERR_OK);
    TEST_ERR(cap_copy_rights(wo_disp, disp, CAPRIGHTS_WRITE), SYS_ERR_OK);
    TEST_ERR(dispatcher_query(capref_addr(ro_disp), NULL), SYS_ERR_OK);
    TEST_ERR(dispatcher_run(capref_addr(ro_disp)),
             SYS_ERR_INSUFFICIENT_RIGHTS);
    TEST_ERR(dispatcher_stop(capref_addr(ro_disp), 0),
             SYS_ERR_INSUFFICIENT_RIGHTS);
    TEST_ERR(dispatcher_query(capref_addr(wo_disp), NULL),
             SYS_ERR_INSUFFICIENT_RIGHTS);
    TEST_ERR(dispatcher_run(capref_addr(wo_disp)), SYS_ERR_DISP_NOT_SET_UP);
    /* Endpoints: a send needs WRITE, a capability transfer GRANT too. */
    struct capref ep = fresh(), minted = fresh(), ro_ep = fresh(), nogrant = fresh();
    TEST_ERR(cap_retype(ep, disp, 0, ObjType_EndPoint, 0, 1), SYS_ERR_OK);
    TEST_ERR(cap_mint(minted, ep, CAPRIGHTS_ALLRIGHTS, DISP_LMP_AREA_OFFSET, LMP_ENDPOINT_BYTES(64)), SYS_ERR_OK);
    TEST_ERR(cap_copy_rights(ro_ep, minted, CAPRIGHTS_READ), SYS_ERR_OK);
    TEST_ERR(cap_copy_rights(nogrant, minted, CAPRIGHTS_READ_WRITE), SYS_ERR_OK);
    uint32_t words[LMP_MSG_WORDS] = { 0 };
    TEST_ERR(lmp_ep_send_raw(SYSW(SYS_INVOKE, 0, 0) | SYSW_FLAG_NONBLOCK, capref_addr(ro_ep),
                             0, words), SYS_ERR_INSUFFICIENT_RIGHTS);
    TEST_ERR(lmp_ep_send_raw(SYSW(SYS_INVOKE, 0, 0) | SYSW_FLAG_CAP, capref_addr(nogrant),
                             capref_addr(ram), words), SYS_ERR_LMP_NO_GRANT);
    TEST_ERR(lmp_ep_send_raw(SYSW(SYS_INVOKE, 0, 0), capref_addr(nogrant), 0, words),
             SYS_ERR_DISP_NOT_SET_UP);      /* the rights were enough */
    /* No rights at all: not even a look. */
    struct capref none = fresh();
    TEST_ERR(cap_copy_rights(none, disp, CAPRIGHTS_NORIGHTS), SYS_ERR_OK);
    TEST_ERR(dispatcher_query(capref_addr(none), NULL),
             SYS_ERR_INSUFFICIENT_RIGHTS);
    TEST_ERR(cap_revoke(disp), SYS_ERR_OK);
    TEST_ERR(mem_free(disp), SYS_ERR_OK);
    TEST_ERR(cap_delete(ro_root), SYS_ERR_OK);
    TEST_ERR(cap_delete(wo_root), SYS_ERR_OK);
    TEST_ERR(mem_free(l2), SYS_ERR_OK);
    cap_delete(ro_l2);
    TEST_ERR(cap_delete(ro_cn), SYS_ERR_OK);
    TEST_ERR(mem_free(cn), SYS_ERR_OK);     /* with the frame in it */
    root_slot_free(r);
    cap_delete(ro_ram);
    TEST_ERR(mem_free(ram), SYS_ERR_OK);
}

/* A second dispatcher in this domain's CSpace and address space, with a
 * frame of its own and an endpoint into that frame. */
struct other {
    struct capref ram, disp, frame, ep, minted;
};

static void other_make(struct other *o, struct capref vspace)
{
    o->disp = fresh();
    o->ep = fresh();
    o->minted = fresh();
    TEST_ERR(ram_alloc(&o->ram, 4096), SYS_ERR_OK);
    TEST_ERR(cap_retype(o->disp, o->ram, 0, ObjType_Dispatcher, 0, 1), SYS_ERR_OK);
    TEST_ERR(frame_alloc(&o->frame, DISPATCHER_FRAME_BYTES), SYS_ERR_OK);
    TEST_ERR(dispatcher_setup(capref_addr(o->disp), ROOTCN, capref_addr(vspace),
                              capref_addr(o->frame), CPTR_NULL, 0),
             SYS_ERR_OK);
    TEST_ERR(cap_retype(o->ep, o->disp, 0, ObjType_EndPoint, 0, 1), SYS_ERR_OK);
    TEST_ERR(cap_mint(o->minted, o->ep, CAPRIGHTS_ALLRIGHTS, DISP_LMP_AREA_OFFSET, LMP_ENDPOINT_BYTES(64)),
             SYS_ERR_OK);
}

static errval_t other_send(struct other *o)
{
    uint32_t words[LMP_MSG_WORDS] = { 1, 2, 3 };
    return lmp_ep_send_raw(SYSW(SYS_INVOKE, 0, 0) | (3u << SYSW_LEN_SHIFT),
                           capref_addr(o->minted), 0, words);
}

static uint32_t other_state(struct other *o)
{
    struct dispatcher_status st;
    return err_is_ok(dispatcher_query(capref_addr(o->disp), &st)) ? st.state : 0xffffffffu;
}

/*
 * Deleting the last copy of a dispatcher stops it for good (messages to it
 * fail) and, once its endpoints are gone too, its memory can be retyped
 * again.  Revoking a capability it runs with stops it as well, instead of
 * leaving it running on memory that could become something else.
 */
static void dispatcher_lifecycle(void)
{
    struct other o;
    other_make(&o, (struct capref){ ROOTCN_SLOT_PAGECN, 0 });
    TEST_ERR(other_send(&o), SYS_ERR_OK);
    test_report(other_state(&o) == 1 /* set up, not running */, "a set-up dispatcher receives");
    struct capref copy = fresh();
    TEST_ERR(cap_copy(copy, o.disp), SYS_ERR_OK);
    TEST_ERR(cap_delete(o.disp), SYS_ERR_OK);         /* not the last copy */
    TEST_ERR(other_send(&o), SYS_ERR_OK);
    TEST_ERR(cap_delete(copy), SYS_ERR_OK);           /* the last one */
    TEST_ERR(other_send(&o), SYS_ERR_LMP_TARGET_DEAD);
    TEST_ERR(cap_retype(o.disp, o.ram, 0, ObjType_Dispatcher, 0, 1), SYS_ERR_RETYPE_OVERLAP);
    TEST_ERR(cap_delete(o.minted), SYS_ERR_OK);
    TEST_ERR(cap_delete(o.ep), SYS_ERR_OK);
    TEST_ERR(cap_retype(o.disp, o.ram, 0, ObjType_Dispatcher, 0, 1), SYS_ERR_OK);
    TEST_ERR(cap_delete(o.disp), SYS_ERR_OK);
    TEST_ERR(mem_free(o.frame), SYS_ERR_OK);
    TEST_ERR(mem_free(o.ram), SYS_ERR_OK);

    /* Revoking its frame (our copy keeps it) takes the dispatcher's copy:
     * it stops rather than have the kernel write into freed memory. */
    other_make(&o, (struct capref){ ROOTCN_SLOT_PAGECN, 0 });
    TEST_ERR(cap_revoke(o.frame), SYS_ERR_OK);
    test_report(other_state(&o) == 4, "revoking a dispatcher's frame stops it");
    TEST_ERR(other_send(&o), SYS_ERR_LMP_TARGET_DEAD);
    TEST_ERR(dispatcher_run(capref_addr(o.disp)), SYS_ERR_DISP_DEAD);
    TEST_ERR(cap_revoke(o.ram), SYS_ERR_OK);
    TEST_ERR(mem_free(o.frame), SYS_ERR_OK);
    TEST_ERR(mem_free(o.ram), SYS_ERR_OK);
    /* The same for its address space: an L1 page table of its own. */
    struct capref l1;
    TEST_ERR(mem_retype(ObjType_VNode_ARM_l1, 0, &l1), SYS_ERR_OK);
    other_make(&o, l1);
    TEST_ERR(other_send(&o), SYS_ERR_OK);
    TEST_ERR(cap_revoke(l1), SYS_ERR_OK);
    test_report(other_state(&o) == 4, "revoking a dispatcher's page table stops it");
    TEST_ERR(mem_free(l1), SYS_ERR_OK);
    TEST_ERR(cap_revoke(o.ram), SYS_ERR_OK);
    TEST_ERR(mem_free(o.frame), SYS_ERR_OK);
    TEST_ERR(mem_free(o.ram), SYS_ERR_OK);
    /* We ourselves still run, in our own address space and CSpace. */
    TEST_ERR(dispatcher_query(capref_addr(taskcn_cap(TASKCN_SLOT_DISPATCHER)), NULL),
             SYS_ERR_OK);
}

/*
 * libsys' cap_delete of a capability of which another copy remains is done
 * by lmp_fastpath.S (blocks 1d-5d); everything else goes to C, which names
 * every error.  The same calls in usertest and usertest-slow (no fast
 * path): each case must give the C path's result, and leave the
 * derivation database as C leaves it -- which the retype overlap check
 * and the unmap below look at.
 */
static void del(capaddr_t slot, uint32_t level, errval_t expect, const char *what)
{
    errval_t err = cap_invoke2(ROOTCN, CNodeCmd_Delete, slot, level);
    test_report(err == expect, "delete of %s: %s (expected %s)", what,
                err_getcode(err), err_getcode(expect));
}

static void delete_paths(void)
{
    struct capref ram, x = fresh(), a = fresh(), f = fresh(), probe = fresh();
    struct capability_info ci;
    TEST_ERR(ram_alloc(&ram, 16 * 1024), SYS_ERR_OK);
    TEST_ERR(cap_retype(x, ram, 0, ObjType_RAM, 8192, 1), SYS_ERR_OK);

    /* A copy right after its source (copy_of_prev): the receiver's case. */
    TEST_ERR(cap_copy(a, x), SYS_ERR_OK);
    del(capref_addr(a), 2, SYS_ERR_OK, "a copy after its source");
    TEST_ERR(cap_identify(a, &ci), SYS_ERR_CAP_NOT_FOUND);
    TEST_ERR(cap_identify(x, &ci), SYS_ERR_OK);
    /* The head of a copy group: the next copy heads it now, and is still
     * the child of ram that covers [0, 8 KiB) -- not a copy of ram, which
     * would let a retype of that range through. */
    TEST_ERR(cap_copy(a, x), SYS_ERR_OK);
    del(capref_addr(x), 2, SYS_ERR_OK, "the head of a copy group");
    TEST_ERR(cap_identify(a, &ci), SYS_ERR_OK);
    TEST_ERR(cap_retype(probe, ram, 0, ObjType_Frame, 4096, 1), SYS_ERR_RETYPE_OVERLAP);
    /* The last copy of plain memory without descendants: C's shortcut
     * (cap_hook_destroy); the range is free again. */
    del(capref_addr(a), 2, SYS_ERR_OK, "the last copy of a RAM");
    TEST_ERR(cap_retype(probe, ram, 0, ObjType_Frame, 4096, 1), SYS_ERR_OK);
    TEST_ERR(cap_delete(probe), SYS_ERR_OK);

    /* The last copy with descendants: the general path, which hands them
     * to its parent -- the frame still blocks a retype of its range. */
    TEST_ERR(cap_retype(x, ram, 0, ObjType_RAM, 8192, 1), SYS_ERR_OK);
    TEST_ERR(cap_retype(f, x, 4096, ObjType_Frame, 4096, 1), SYS_ERR_OK);
    del(capref_addr(x), 2, SYS_ERR_OK, "the last copy, with a descendant");
    TEST_ERR(cap_identify(f, &ci), SYS_ERR_OK);
    TEST_ERR(cap_retype(probe, ram, 4096, ObjType_Frame, 4096, 1), SYS_ERR_RETYPE_OVERLAP);

    /* A mapped copy: C unmaps it -- the table entry is free again for
     * the next map (a stale entry would be SYS_ERR_VNODE_SLOT_IN_USE). */
    struct capref l2;
    TEST_ERR(mem_retype(ObjType_VNode_ARM_l2, 0, &l2), SYS_ERR_OK);
    TEST_ERR(cap_copy(a, f), SYS_ERR_OK);
    TEST_ERR(vnode_map(capref_addr(l2), 4, capref_addr(a), 0, 1, VREGION_FLAGS_READ), SYS_ERR_OK);
    del(capref_addr(a), 2, SYS_ERR_OK, "a mapped copy");
    TEST_ERR(vnode_unmap(capref_addr(l2), 4, 1), SYS_ERR_VNODE_NOT_MAPPED);
    TEST_ERR(vnode_map(capref_addr(l2), 4, capref_addr(f), 0, 1, VREGION_FLAGS_READ), SYS_ERR_OK);
    TEST_ERR(vnode_unmap(capref_addr(l2), 4, 1), SYS_ERR_OK);
    TEST_ERR(cap_identify(f, &ci), SYS_ERR_OK);

    /* Bad addresses and rights: each named by C, nothing deleted. */
    TEST_ERR(cap_copy(a, f), SYS_ERR_OK);
    uint32_t r;
    TEST_ERR(root_slot_alloc(&r), SYS_ERR_OK);
    struct capref inroot = { ROOT_CNODE, r }, ro_root = fresh(), task_cn = fresh();
    TEST_ERR(mem_retype_at(inroot, ObjType_Frame, 4096), SYS_ERR_OK);
    del(CAPADDR(0xffffffu, 0), 2, SYS_ERR_L1_INDEX_OUT_OF_RANGE, "an L1 index past the root");
    del(CAPADDR(200, 5), 2, SYS_ERR_CNODE_NOT_FOUND, "a slot under an empty root slot");
    del(CAPADDR(r, 1), 2, SYS_ERR_CNODE_TYPE, "a slot under a frame in the root");
    del(capref_addr(fresh()), 2, SYS_ERR_CAP_NOT_FOUND, "an empty slot");
    del(capref_addr(a), 3, SYS_ERR_CAP_LOOKUP_DEPTH, "level 3");
    TEST_ERR(cap_invoke2(capref_addr(f), CNodeCmd_Delete, capref_addr(a), 2),
             SYS_ERR_ILLEGAL_INVOCATION);               /* not a CNode */
    TEST_ERR(cap_invoke2(capref_addr(probe), CNodeCmd_Delete, capref_addr(a), 2),
             SYS_ERR_CAP_NOT_FOUND);                    /* nothing invoked */
    TEST_ERR(cap_copy_rights(ro_root, taskcn_cap(TASKCN_SLOT_ROOTCN), CAPRIGHTS_READ), SYS_ERR_OK);
    TEST_ERR(cap_invoke2(capref_addr(ro_root), CNodeCmd_Delete, capref_addr(a), 2),
             SYS_ERR_INSUFFICIENT_RIGHTS);              /* the CNode without WRITE */
    /* The slot's L2 CNode without WRITE: a read-only copy of one in the
     * root, the frame copy in it reached through that copy. */
    uint32_t r2;
    TEST_ERR(root_slot_alloc(&r2), SYS_ERR_OK);
    TEST_ERR(cap_copy_rights((struct capref){ ROOT_CNODE, r2 },
                             (struct capref){ ROOT_CNODE, a.cnode }, CAPRIGHTS_READ),
             SYS_ERR_OK);
    del(CAPADDR(r2, a.slot), 2, SYS_ERR_INSUFFICIENT_RIGHTS, "a slot of a read-only CNode");
    TEST_ERR(cap_identify(a, &ci), SYS_ERR_OK);         /* all refused: still there */
    /* An L2 CNode invoked (the task CNode's own capability): the same
     * delete, in the caller's CSpace. */
    TEST_ERR(cap_copy_rights(task_cn, (struct capref){ ROOT_CNODE, ROOTCN_SLOT_TASKCN },
                             CAPRIGHTS_READ_WRITE), SYS_ERR_OK);
    TEST_ERR(cap_invoke2(capref_addr(task_cn), CNodeCmd_Delete, capref_addr(a), 2), SYS_ERR_OK);
    TEST_ERR(cap_identify(a, &ci), SYS_ERR_CAP_NOT_FOUND);

    TEST_ERR(cap_delete((struct capref){ ROOT_CNODE, r2 }), SYS_ERR_OK);
    root_slot_free(r2);
    TEST_ERR(cap_delete(inroot), SYS_ERR_OK);
    root_slot_free(r);
    TEST_ERR(cap_delete(ro_root), SYS_ERR_OK);
    TEST_ERR(cap_delete(task_cn), SYS_ERR_OK);
    TEST_ERR(mem_free(l2), SYS_ERR_OK);
    TEST_ERR(cap_revoke(ram), SYS_ERR_OK);
    TEST_ERR(mem_free(ram), SYS_ERR_OK);
}

/* Deleting the last capability to a CNode deletes what is in it. */
static void cnode_contents_deleted(void)
{
    struct capref ram, cn = fresh(), other = fresh();
    TEST_ERR(ram_alloc(&ram, 64 * 1024), SYS_ERR_OK);
    TEST_ERR(cap_retype(cn, ram, 0, ObjType_L2CNode, 0, 1), SYS_ERR_OK);
    /* a frame retyped straight into slot 3 of the new CNode */
    TEST_ERR(cap_invoke(ROOTCN, CNodeCmd_Retype, 9, capref_addr(ram), 2, 0x8000, ObjType_Frame,
                        0x8000, 1, capref_addr(cn), 2, 3).err, SYS_ERR_OK);
    TEST_ERR(cap_retype(other, ram, 0x8000, ObjType_Frame, 4096, 1), SYS_ERR_RETYPE_OVERLAP);
    TEST_ERR(cap_delete(cn), SYS_ERR_OK);
    TEST_ERR(cap_retype(other, ram, 0x8000, ObjType_Frame, 4096, 1), SYS_ERR_OK);
    TEST_ERR(cap_retype(cn, ram, 0, ObjType_Frame, 0x8000, 1), SYS_ERR_OK);   /* its memory too */
    TEST_ERR(cap_revoke(ram), SYS_ERR_OK);
    TEST_ERR(mem_free(ram), SYS_ERR_OK);
}

/* The root CNode grows: more L2 CNodes, every old address still good. */
static void root_cnode_growth(void)
{
    struct capref big, small, ret = fresh();
    TEST_ERR(mem_retype(ObjType_L1CNode, 512 * CTE_SIZE, &big), SYS_ERR_OK);
    TEST_ERR(mem_retype(ObjType_L1CNode, 256 * CTE_SIZE, &small), SYS_ERR_OK);
    TEST_ERR(cap_invoke(ROOTCN, CNodeCmd_Resize, 5, capref_addr(small), 2,
                        CAPADDR(ret.cnode, 0), 1, ret.slot).err, SYS_ERR_CNODE_RESIZE);
    TEST_ERR(cap_invoke(ROOTCN, CNodeCmd_Resize, 5, capref_addr(big), 2,
                        capref_addr(big), 2, 0).err, SYS_ERR_CNODE_RESIZE_SLOT);
    TEST_ERR(cap_invoke(ROOTCN, CNodeCmd_Resize, 5, capref_addr(big), 2,
                        ROOTCN, 2, 250).err, SYS_ERR_CNODE_RESIZE_SLOT);
    TEST_ERR(cap_invoke(capref_addr(small), CNodeCmd_Resize, 5, capref_addr(big), 2,
                        CAPADDR(ret.cnode, 0), 1, ret.slot).err, SYS_ERR_ILLEGAL_INVOCATION);
    TEST_ERR(cap_invoke(CAPADDR(ROOTCN_SLOT_TASKCN, 0), CNodeCmd_Resize, 5, capref_addr(big), 2,
                        CAPADDR(ret.cnode, 0), 1, ret.slot).err, SYS_ERR_ILLEGAL_INVOCATION);
    TEST_ERR(mem_free(big), SYS_ERR_OK);
    TEST_ERR(mem_free(small), SYS_ERR_OK);
    slot_free(ret);

    TEST_ERR(dispatcher_query(CAPADDR(300, 0), NULL),
             SYS_ERR_L1_INDEX_OUT_OF_RANGE);
    TEST_ERR(root_cnode_grow(512), SYS_ERR_OK);
    TEST_ERR(dispatcher_query(CAPADDR(300, 0), NULL), SYS_ERR_CNODE_NOT_FOUND);
    TEST_ERR(dispatcher_query(CAPADDR(512, 0), NULL),
             SYS_ERR_L1_INDEX_OUT_OF_RANGE);
    struct capability_info ci;
    TEST_ERR(cap_identify((struct capref){ ROOTCN_SLOT_TASKCN, TASKCN_SLOT_ROOTCN }, &ci),
             SYS_ERR_OK);
    test_report(ci.type == ObjType_L1CNode && ci.bytes == 512 * CTE_SIZE,
                "the root CNode has 512 slots now");
    TEST_ERR(dispatcher_query(capref_addr(taskcn_cap(TASKCN_SLOT_DISPATCHER)), NULL),
             SYS_ERR_OK);                   /* old addresses work */
    /* Fill the old root slots, then use one past them. */
    uint32_t got[256], n = 0, r = 0;
    while (n < 256 && err_is_ok(root_slot_alloc(&r)) && r < 256) {
        got[n++] = r;
    }
    test_report(r >= 256 && r < 512, "a root slot beyond the first 256 (%u)", (unsigned)r);
    struct capref cn = { ROOT_CNODE, r }, frame = { r, 7 };
    TEST_ERR(mem_retype_at(cn, ObjType_L2CNode, 0), SYS_ERR_OK);
    TEST_ERR(mem_retype_at(frame, ObjType_Frame, 4096), SYS_ERR_OK);
    TEST_ERR(cap_identify(frame, &ci), SYS_ERR_OK);
    TEST_ERR(mem_free(frame), SYS_ERR_OK);
    TEST_ERR(mem_free(cn), SYS_ERR_OK);
    root_slot_free(r);
    while (n > 0) {
        root_slot_free(got[--n]);
    }
    TEST_ERR(root_cnode_grow(512), SYS_ERR_CNODE_RESIZE);     /* not bigger */
}

/* DEBUG_ERR names the domain, the place, the error and its sentence
 * (usertest.cfg checks the line). */
static void debug_err_line(void)
{
    DEBUG_ERR(SYS_ERR_CAP_NOT_FOUND, "looking up slot %d", 7);
    test_report(err_is_fail(SYS_ERR_CAP_NOT_FOUND) && !err_is_fail(SYS_ERR_OK) &&
                strcmp(err_getstring(SYS_ERR_RETYPE_OVERLAP),
                       "retype region overlaps an existing descendant") == 0,
                "err_is_fail and err_getstring");
}

int main(void)
{
    syscall_word_errors();
    lookup_errors();
    pointer_and_yield_errors();
    debug_print_errors();
    retype_errors();
    vnode_errors();
    dispatcher_and_ep_errors();
    rights_errors();
    dispatcher_lifecycle();
    delete_paths();
    cnode_contents_deleted();
    root_cnode_growth();
    debug_err_line();
    return 0;
}
