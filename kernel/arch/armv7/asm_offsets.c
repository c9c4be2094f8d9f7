/*
 * kernel/arch/armv7/asm_offsets.c -- the source of arch/asm_offsets.h: the
 * byte offsets into C structures and the C constants that the LMP fast
 * path (lmp_fastpath.S) reads (docs/lmp.md, "The fast path block by
 * block"; docs/extending.md, "Changing the LMP fast path").
 *
 * Never linked into the kernel.  The build compiles this file with -S
 * (the Linux/Barrelfish asm-offsets technique): each DEFINE() leaves a line
 * "@@ASM_OFFSET NAME #value" in the assembler output, where the compiler
 * itself has computed value (an offsetof, an enum, a macro), and a sed
 * rule in the Makefile turns those lines into
 * build/<plat>/<variant>/gen/arch/asm_offsets.h.  A changed structure thus
 * changes the fast path's offsets by itself; only a changed *order* the
 * assembly relies on (one ldm/ldrd for several fields) needs the checks
 * at the end, which stop the build.
 */
#include <stddef.h>
#include <cap.h>
#include <dispatch.h>
#include <sprat/lmp.h>
#include <arch/armv7.h>
#include <arch/vm.h>

/* "i": a compile-time constant, printed as an immediate (#n). */
#define DEFINE(name, value) \
    __asm__ volatile("\n@@ASM_OFFSET " #name " %0" : : "i" (value))
#define OFFSET(name, type, field)   DEFINE(name, offsetof(type, field))

void asm_offsets(void);
void asm_offsets(void)
{
    /* struct capability, at the start of a struct cte */
    OFFSET(CAP_TYPE, struct capability, type);          /* uint8_t */
    OFFSET(CAP_RIGHTS, struct capability, rights);      /* uint8_t */
    OFFSET(CAP_FAST, struct capability, fast);          /* uint8_t */
    /* where fast sits in the word at CAP_TYPE (little-endian) */
    DEFINE(CAP_FAST_SHIFT, 8 * (offsetof(struct capability, fast) -
                                offsetof(struct capability, type)));
    OFFSET(CAP_KVA, struct capability, kva);
    OFFSET(CAP_BASE, struct capability, base);
    OFFSET(CAP_BYTES, struct capability, bytes);
    OFFSET(CAP_PARAM1, struct capability, param1);
    OFFSET(CAP_PARAM2, struct capability, param2);
    DEFINE(CTE_SIZE_SHIFT, __builtin_ctz(sizeof(struct cte)));
    /* struct cte: a capability copied on the fast path (block 5c) */
    OFFSET(CTE_MDB_PREV, struct cte, mdb.prev);
    OFFSET(CTE_MDB_NEXT, struct cte, mdb.next);
    OFFSET(CTE_MDB_DEPTH, struct cte, mdb.depth);
    OFFSET(CTE_MAP, struct cte, map);
    OFFSET(CTE_MAP_RETYPED_TO, struct cte, map.retyped_to);
    OFFSET(CTE_WORK, struct cte, work);
    /* struct cte: a copy deleted on the fast path (blocks 4d, 5d; 5c reads
     * copy_of_prev and cross as the word after depth: asserted below) */
    OFFSET(CTE_MDB_COPY_OF_PREV, struct cte, mdb.copy_of_prev);
    OFFSET(CTE_MAP_TABLE, struct cte, map.table);
    OFFSET(CTE_FLAGS, struct cte, flags);

    /* struct dcb */
    OFFSET(DCB_CSPACE, struct dcb, cspace);
    OFFSET(DCB_STATE, struct dcb, state);
    OFFSET(DCB_SHARED, struct dcb, shared);
    OFFSET(DCB_FRAME_KVA, struct dcb, frame_kva);
    OFFSET(DCB_TTBR0, struct dcb, ttbr0);
    OFFSET(DCB_ASID, struct dcb, asid);
    OFFSET(DCB_TPIDRURW, struct dcb, tpidrurw);
    OFFSET(DCB_ROOT_SLOTS, struct dcb, root_slots);
    OFFSET(DCB_ENABLED_AREA, struct dcb, enabled_area);

    /* struct dispatcher_shared */
    OFFSET(DS_DISABLED, struct dispatcher_shared, disabled);
    OFFSET(DS_UDISP, struct dispatcher_shared, udisp);
    OFFSET(DS_RUN_ENTRY, struct dispatcher_shared, run_entry);
    OFFSET(DS_STACK_TOP, struct dispatcher_shared, stack_top);
    OFFSET(DS_THREAD_POINTER, struct dispatcher_shared, thread_pointer);
    OFFSET(DS_LMP_PENDING, struct dispatcher_shared, lmp_pending);
    OFFSET(DS_LMP_DELIVERED, struct dispatcher_shared, lmp_delivered);
    OFFSET(DS_ENABLED_AREA, struct dispatcher_shared, enabled_area);
    OFFSET(DS_DISABLED_AREA, struct dispatcher_shared, disabled_area);

    /* struct lmp_endpoint_kern */
    OFFSET(LEP_DELIVERED, struct lmp_endpoint_kern, delivered);
    OFFSET(LEP_CONSUMED, struct lmp_endpoint_kern, consumed);
    OFFSET(LEP_RECV_SLOT, struct lmp_endpoint_kern, recv_slot);
    OFFSET(LEP_ID, struct lmp_endpoint_kern, id);
    OFFSET(LEP_BUF, struct lmp_endpoint_kern, buf);

    /* Constants the C headers spell in ways the assembler does not take
     * (enums, unsigned suffixes). */
    DEFINE(ASM_KERNEL_VBASE, KERNEL_VBASE);
    DEFINE(ASM_CAPFAST_L2CNODE, CAPFAST_L2CNODE);
    DEFINE(ASM_CAPFAST_L2CNODE_W, CAPFAST_L2CNODE_W);
    DEFINE(ASM_CAPFAST_CNODE_W, CAPFAST_CNODE_W);
    DEFINE(ASM_CAPFAST_SEND, CAPFAST_SEND);
    DEFINE(ASM_CAPFAST_SEND_CAP, CAPFAST_SEND_CAP);
    DEFINE(ASM_LMP_HDR_CAP, LMP_HDR_CAP);
    DEFINE(ASM_TYPE_NULL, ObjType_Null);
    DEFINE(ASM_TYPE_RAM, ObjType_RAM);
    DEFINE(ASM_TYPE_PHYSADDR, ObjType_PhysAddr);
    DEFINE(ASM_DCB_RUNNABLE, DCB_RUNNABLE);
    DEFINE(ASM_DCB_BLOCKED, DCB_BLOCKED);
    DEFINE(ASM_L2_CNODE_BITS, L2_CNODE_BITS);
    DEFINE(ASM_CTE_HELD, CTE_HELD);
    DEFINE(ASM_CAP_LEVEL_L2, CAP_LEVEL_L2);
    /* libsys' cap_delete: cap_invoke2's word (syscall_delete_fast) */
    DEFINE(ASM_SYSW_CNODE_DELETE, SYSW(SYS_INVOKE, CAP_LEVEL_L2, CNodeCmd_Delete));
}

/* ---- the orders the fast path relies on ------------------------------ */
#define AT(type, field)     offsetof(type, field)

STATIC_ASSERT(sizeof(struct cte) == 1u << __builtin_ctz(sizeof(struct cte)),
              "CTE size a power of two: the fast path shifts by CTE_SIZE_SHIFT");
STATIC_ASSERT(AT(struct cte, cap) == 0, "a CTE starts with its capability");
STATIC_ASSERT(AT(struct capability, rights) == AT(struct capability, type) + 1 &&
              AT(struct capability, fast) == AT(struct capability, type) + 2 &&
              AT(struct capability, kva) == AT(struct capability, type) + 4,
              "blocks 2 and 3: one ldrd of type, rights, fast (tested as bits "
              "16-23 of the first word) and kva");
STATIC_ASSERT((CAPFAST_L2CNODE | CAPFAST_L2CNODE_W | CAPFAST_CNODE_W |
               CAPFAST_SEND | CAPFAST_SEND_CAP) <= 0xff,
              "blocks 2, 3, 2d: capability.fast is a byte, each bit one ARM immediate");
STATIC_ASSERT(AT(struct capability, param2) == AT(struct capability, param1) + 4,
              "block 5's ldrd of param1, param2");
/* Block 10 loads these nine with one ldm from the DCB's address. */
STATIC_ASSERT(AT(struct dcb, shared) == 0 &&
              AT(struct dcb, frame_kva) == AT(struct dcb, shared) + 4 &&
              AT(struct dcb, ttbr0) == AT(struct dcb, shared) + 8 &&
              AT(struct dcb, asid) == AT(struct dcb, shared) + 12 &&
              AT(struct dcb, tpidrurw) == AT(struct dcb, shared) + 16 &&
              AT(struct dcb, asid_slot) == AT(struct dcb, shared) + 20 &&
              AT(struct dcb, kernel_ttbr) == AT(struct dcb, shared) + 24 &&
              AT(struct dcb, psr_user_bits) == AT(struct dcb, shared) + 28 &&
              AT(struct dcb, disabled_area) == AT(struct dcb, shared) + 32,
              "DCB fields in ldm order");
STATIC_ASSERT(AT(struct dcb, root_kva) == AT(struct dcb, root_slots) + 4 &&
              AT(struct dcb, root_slots) <= 255,
              "block 2's ldrd of root_slots, root_kva");
STATIC_ASSERT(AT(struct trap_frame, r[0]) == 0, "block 9's ldm sp! from the frame");
STATIC_ASSERT(AT(struct dispatcher_shared, disabled) == 0 &&
              AT(struct dispatcher_shared, thread_pointer) == 4,
              "block 10's ldrd of disabled, thread_pointer from the shared page");
STATIC_ASSERT(AT(struct dispatcher_shared, lmp_delivered) ==
              AT(struct dispatcher_shared, lmp_pending) + 4,
              "block 7's ldrd/strd of pending, delivered");
STATIC_ASSERT(AT(struct lmp_endpoint_kern, consumed) ==
              AT(struct lmp_endpoint_kern, delivered) + 4,
              "block 5's ldrd of delivered, consumed");
/* Block 5c writes a CTE as the C path's cte_set + mdb_insert_copy +
 * cap_copy's mark leave it: the capability (one ldm/stm of five words),
 * then the MDB node (prev, next, depth and the word of copy_of_prev and
 * cross: one stm, after one ldm of the source's next, depth and that word,
 * which gets copy_of_prev set -- cross is the source's, and the padding
 * after it is 0 in every CTE: cte_clear zeroes whole slots and nothing
 * stores there), then zeros to the end but the retype mark. */
STATIC_ASSERT(sizeof(struct capability) == 24 && AT(struct cte, mdb) == 24,
              "block 5c: six words of capability, the MDB node after them");
STATIC_ASSERT(AT(struct cte, mdb.next) == AT(struct cte, mdb.prev) + 4 &&
              AT(struct cte, mdb.depth) == AT(struct cte, mdb.prev) + 8 &&
              AT(struct cte, mdb.copy_of_prev) == AT(struct cte, mdb.prev) + 12 &&
              AT(struct cte, map) == AT(struct cte, mdb.prev) + 16,
              "block 5c's stm of prev, next, depth, copy_of_prev");
STATIC_ASSERT(sizeof(bool) == 1 &&
              AT(struct cte, mdb.cross) == AT(struct cte, mdb.copy_of_prev) + 1 &&
              sizeof(((struct mdb_node *)0)->cross) == 1 &&
              sizeof(struct mdb_node) == AT(struct mdb_node, copy_of_prev) + 4,
              "block 5c: copy_of_prev, then cross, then padding fill one word "
              "(copy_of_prev | cross << 8, little-endian)");
STATIC_ASSERT(sizeof(struct mapping_info) == 12 &&
              AT(struct cte, map.retyped_to) == AT(struct cte, map) + 8 &&
              AT(struct cte, work) == AT(struct cte, map) + 12 &&
              sizeof(((struct cte *)0)->work) == 8 &&
              AT(struct cte, flags) == AT(struct cte, map) + 20 &&
              sizeof(struct cte) == AT(struct cte, map) + 24,
              "block 5c: map, work and flags fill the CTE after the MDB node");
STATIC_ASSERT(PSR_T == 1 << 5, "block 11b makes PSR_T with lsl #5");
STATIC_ASSERT(DCB_BLOCKED == DCB_RUNNABLE + 1,
              "block 4: runnable or blocked is state - RUNNABLE <= 1");
/* The delete (blocks 4d-5d): copy_of_prev is one byte (ldrb/strb,
 * leaving `cross` beside it alone); prev and next in one ldrd; a CTE is
 * emptied with two stm of eight zero registers (cte_clear). */
STATIC_ASSERT(sizeof(bool) == 1, "blocks 4d, 5d: copy_of_prev is a byte");
STATIC_ASSERT(sizeof(struct cte) == 64, "block 5d: two stm of eight words empty a CTE");
STATIC_ASSERT(SYSW(SYS_INVOKE, CAP_LEVEL_L2, CNodeCmd_Delete) <= 0xffff,
              "block 1d: the delete's word fits movw");
