/*
 * kernel/arch/armv7/asm_offsets.c -- compile-time checks that
 * arch/asm_offsets.h matches the C structures the fast path reads.
 * (No code: only static assertions.)
 */
#include <stddef.h>
#include <cap.h>
#include <dispatch.h>
#include <sprat/lmp.h>
#include <arch/asm_offsets.h>
#include <arch/vm.h>

#define CHECK(type, field, value) \
    STATIC_ASSERT(offsetof(type, field) == (value), #type "." #field)

CHECK(struct capability, type, CAP_TYPE);
CHECK(struct capability, rights, CAP_RIGHTS);
CHECK(struct capability, base, CAP_BASE);
CHECK(struct capability, bytes, CAP_BYTES);
CHECK(struct capability, param1, CAP_PARAM1);
CHECK(struct capability, param2, CAP_PARAM2);
STATIC_ASSERT(sizeof(struct cte) == (1 << CTE_SIZE_SHIFT), "CTE size");
CHECK(struct cte, cap, 0);
CHECK(struct dcb, cspace, DCB_CSPACE);
CHECK(struct dcb, state, DCB_STATE);
CHECK(struct dcb, shared, DCB_SHARED);
CHECK(struct dcb, frame_kva, DCB_FRAME_KVA);
CHECK(struct dcb, ttbr0, DCB_TTBR0);
CHECK(struct dcb, asid, DCB_ASID);
CHECK(struct dcb, tpidrurw, DCB_TPIDRURW);
/* Block 10 loads these five with one ldm. */
STATIC_ASSERT(DCB_FRAME_KVA == DCB_SHARED + 4 && DCB_TTBR0 == DCB_SHARED + 8 &&
              DCB_ASID == DCB_SHARED + 12 && DCB_TPIDRURW == DCB_SHARED + 16,
              "DCB fields in ldm order");
STATIC_ASSERT(TF_R0 == 0, "block 9's ldmib");
CHECK(struct dispatcher_shared, disabled, DS_DISABLED);
CHECK(struct dispatcher_shared, udisp, DS_UDISP);
CHECK(struct dispatcher_shared, run_entry, DS_RUN_ENTRY);
CHECK(struct dispatcher_shared, stack_top, DS_STACK_TOP);
CHECK(struct dispatcher_shared, thread_pointer, DS_THREAD_POINTER);
CHECK(struct dispatcher_shared, lmp_pending, DS_LMP_PENDING);
CHECK(struct dispatcher_shared, lmp_delivered, DS_LMP_DELIVERED);
CHECK(struct dispatcher_shared, enabled_area, DS_ENABLED_AREA);
CHECK(struct dispatcher_shared, disabled_area, DS_DISABLED_AREA);
CHECK(struct lmp_endpoint_kern, delivered, LEP_DELIVERED);
CHECK(struct lmp_endpoint_kern, consumed, LEP_CONSUMED);
CHECK(struct lmp_endpoint_kern, id, LEP_ID);
CHECK(struct lmp_endpoint_kern, buf, LEP_BUF);
STATIC_ASSERT(DCB_RUNNABLE == ASM_DCB_RUNNABLE && DCB_BLOCKED == ASM_DCB_BLOCKED,
              "DCB states");
STATIC_ASSERT(KERNEL_VBASE == ASM_KERNEL_VBASE, "kernel base");
STATIC_ASSERT(CAPRIGHTS_WRITE == ASM_CAPRIGHTS_WRITE, "write right");
STATIC_ASSERT(ObjType_L2CNode == ASM_TYPE_L2CNODE, "L2CNode type");
STATIC_ASSERT(ObjType_EndPoint == ASM_TYPE_ENDPOINT, "EndPoint type");
STATIC_ASSERT(L2_CNODE_BITS == ASM_L2_CNODE_BITS, "L2 index bits");
