/*
 * kernel/include/cap.h -- capabilities, capability table entries (CTEs),
 * the derivation database (MDB) and the capability operations.
 *
 * See docs/capabilities.md.  The code behind this header is pure C with no
 * hardware access, so the same files are compiled into the kernel and into
 * the host unit tests (tests/host/test_caps.c).
 *
 *   include/sprat/objtypes.h  the one table of per-type rules (size,
 *                        alignment, what it may be retyped into)
 *   kernel/cap_types.c   the rights each invocation needs
 *   kernel/mdb.c         the derivation database
 *   kernel/cap.c         lookup, retype, copy, mint, delete, revoke, move
 *   kernel/cnode.c       the CNode invocations (system call side)
 *   kernel/cap_cross.c   capabilities crossing cores: export, import, the
 *                        marks that stop a revoke (kernel/xcap.c: the
 *                        Kernel invocations)
 */
#ifndef SPRAT_CAP_H
#define SPRAT_CAP_H

#include <types.h>
#include <sprat/caps.h>
#include <sprat/objtypes.h>
#include <sprat/errors.h>

/*
 * A capability: the type, the rights, and the object it names.
 *
 *   base, bytes   the object's physical memory.  Every type backed by memory
 *                 has it (PhysAddr, RAM, Frame, DevFrame, CNodes, VNodes,
 *                 Dispatcher).  An EndPoint carries its dispatcher's range
 *                 (so that the dispatcher's memory stays "in use" while any
 *                 endpoint to it exists).  Kernel, IRQTable, IRQ: 0, 0.
 *   param1/2      type-specific: EndPoint = receive buffer offset and length
 *                 in bytes inside the receiver's dispatcher frame (0, 0 until
 *                 minted); IRQ = param1 is the interrupt number.
 *   fast, kva     derived, never set by hand: CAPFAST_* (below), what the
 *                 LMP fast path may do with the capability; and the kernel's
 *                 address of the object it reads through it (cap_kva).
 *
 * Capabilities made from one another by copy (or by a mint that changes no
 * parameter) are *copies*: they name the same object with the same fields
 * (rights may differ) and form one copy group in the MDB.  Two capabilities
 * made by separate retypes or mints are never copies, even when their
 * fields are equal (two endpoints minted with the same buffer): each has a
 * derivation of its own.
 */
struct capability {
    uint8_t  type;          /* enum objtype */
    uint8_t  rights;        /* CAPRIGHTS_* */
    uint8_t  fast;          /* CAPFAST_*: cap_fast_bits() of the rest */
    uint8_t  reserved;      /* 0 */
    void    *kva;           /* cap_kva() of the rest */
    paddr_t  base;
    uint32_t bytes;
    uint32_t param1;
    uint32_t param2;
};

/*
 * capability.fast: the questions lmp_fastpath.S asks of a capability --
 * its type, its rights and (an EndPoint) whether it is minted -- answered
 * once, by cap_fast_bits(), whenever a capability is written into a slot
 * (cte_set, kernel/cap.c: retype, copy, mint, import and the boot
 * capabilities all go through it).  A move and the fast path's own copy
 * (block 5c) carry the capability whole, rights included, so its bits
 * stay true; nothing changes type, rights or parameters in place.  The
 * fast path then tests one bit of the word its ldrd reads anyway, where
 * it compared a type, masked rights against a constant that is no ARM
 * immediate, and tested param2 (docs/lmp.md, "Round six").  The C paths
 * test the fields themselves, to name each error; a capability whose bit
 * is clear goes to them.  mdb_check_invariants() checks every slot's bits.
 */
#define CAPFAST_L2CNODE     (1u << 0)   /* L2CNode: a level-2 lookup goes through */
#define CAPFAST_L2CNODE_W   (1u << 1)   /* L2CNode with WRITE: a slot of it may be
                                         * filled (find_recv_slot) or emptied */
#define CAPFAST_CNODE_W     (1u << 2)   /* L1CNode or L2CNode with WRITE: it may
                                         * be invoked to delete (cap_invoke_rights) */
#define CAPFAST_SEND        (1u << 3)   /* minted EndPoint with WRITE: lmp_send */
#define CAPFAST_SEND_CAP    (1u << 4)   /* ... and GRANT: a send with a capability */

uint8_t cap_fast_bits(const struct capability *cap);

/*
 * capability.kva: the kernel's pointer to the object the kernel reads
 * through the capability -- an L1CNode's or L2CNode's slots, a
 * Dispatcher's (and so an EndPoint's) DCB: cap_phys_to_kptr(base), kept
 * so that the fast path need not add the physical-to-kernel offset (a
 * capability holds the physical base: retype, identify and revoke read
 * it).  NULL for every other type.  Set with `fast`, in cte_set.
 */
void *cap_kva(const struct capability *cap);

struct cte;

/*
 * The derivation database: one doubly linked list through every non-empty
 * CTE in the system, in derivation order (a depth-first walk of the
 * derivation tree).  A CTE's copies are adjacent to it, each marked
 * copy_of_prev; its descendants are the run of entries after its copy group
 * whose depth is greater than its own.
 */
struct mdb_node {
    struct cte *prev;
    struct cte *next;
    uint32_t depth;         /* 0 for the capabilities the kernel creates at boot */
    bool copy_of_prev;      /* in the same copy group as prev */
    uint8_t cross;          /* MDB_CROSS_*: the object is known on another core */
};

/*
 * mdb_node.cross: the capability crossed cores (kernel/xcap.c;
 * docs/multikernel.md, "Capabilities crossing cores").  Every copy of a
 * marked capability carries the same mark (cap_copy), so the mark is the
 * copy group's.  Barrelfish keeps the same knowledge in its mdbnode's
 * remote_copies / remote_ancs / remote_descs bits; Sprat, which has no
 * distributed revoke, uses it to refuse what would need one.
 */
#define MDB_CROSS_LENT      (1u << 0)   /* exported: the record that another
                                         * core may use this memory */
#define MDB_CROSS_BORROWED  (1u << 1)   /* imported from another core */

/*
 * Where a capability is mapped (Frame, DevFrame: in an L2 table;
 * VNode_ARM_l2: in an L1 table).  Each copy maps at most once; the page
 * table keeps a back-pointer to this CTE per entry (its shadow half).
 * table == 0 means "not mapped".
 */
struct mapping_info {
    paddr_t  table;         /* physical address of the VNode object */
    uint16_t entry;         /* first entry */
    uint16_t count;         /* number of entries (pages) */
    union {
        uint32_t offset;    /* byte offset into the object of the first page */
        uint32_t retyped_to;/* RAM and PhysAddr, which are never mapped
                             * (table stays 0): the retype high-water mark,
                             * the same in every copy (cap.c) */
    };
};

/* cte.flags */
#define CTE_HELD    (1u << 0)   /* a slot the kernel holds for an object that
                                 * runs with it: a dispatcher's CSpace root,
                                 * L1 page table or frame (struct dcb) */

/* One capability slot.  A CNode object is an array of these. */
struct cte {
    struct capability cap;
    struct mdb_node mdb;
    struct mapping_info map;
    struct {                    /* CNode destruction's work list (cap.c) */
        struct cte *next;
        uint32_t slots;
    } work;
    uint32_t flags;             /* CTE_*; a copy does not inherit them */
};
/* On the target a CTE is exactly one CTE_SIZE slot.  The host tests have
 * 64-bit pointers, so their CTEs are larger and a CNode holds fewer. */
#ifndef HOST_TEST
STATIC_ASSERT(sizeof(struct cte) == CTE_SIZE, "a CTE is one CNode slot");
#endif

/* ---- the type tables (include/sprat/objtypes.h, kernel/cap_types.c) --- */

/* The size, alignment and retype rules of a type are the shared table,
 * objtype_info() in include/sprat/objtypes.h. */
const char *cap_type_name(unsigned type);

/* The rights an invocation (method) of a capability of this type needs on
 * the invoked capability; 0 for a method the type does not have (its
 * handler then answers SYS_ERR_ILLEGAL_INVOCATION).  EndPoint sends check
 * their rights in the LMP code (WRITE, and GRANT to carry a capability). */
uint8_t cap_invoke_rights(unsigned type, unsigned method);

/* ---- memory access (the only thing the host tests replace) ------------ */

/* A kernel pointer to physical address pa (in the kernel's linear map of
 * RAM).  Host tests define it over an arena of their own.  In the kernel
 * it is one addition, inline: every lookup calls it twice, and the call
 * was most of its cost (docs/lmp.md). */
#ifdef HOST_TEST
void *cap_phys_to_kptr(paddr_t pa);
#else
#include <arch/vm.h>
static inline void *cap_phys_to_kptr(paddr_t pa)
{
    return (void *)phys_to_kva(pa);
}
#endif

/* Is [base, base + bytes) all RAM the kernel maps (so that objects can be
 * made in it)?  PhysAddr -> RAM asks; device registers are not RAM. */
bool cap_range_is_ram(paddr_t base, uint64_t bytes);

/* ---- lookup ----------------------------------------------------------- */

/*
 * Resolve a capability address in the CSpace whose root is the L1CNode
 * capability root.  level 2 names a slot in an L2 CNode, level 1 a slot of
 * the root (which holds an L2CNode capability).  On success *slot is the
 * CTE (possibly empty: type Null) and, if cnode is not NULL, *cnode is the
 * CNode capability that holds the slot (for the write-right check).
 * Errors: SYS_ERR_CAP_LOOKUP_DEPTH (level not 1 or 2; level 0 is taken
 * as 2 by the system call layer before calling this),
 * SYS_ERR_L1_INDEX_OUT_OF_RANGE, SYS_ERR_CNODE_NOT_FOUND (empty L1 slot),
 * SYS_ERR_CNODE_TYPE (root not an L1CNode, or the L1 slot not an L2CNode).
 */
errval_t cap_lookup_slot(const struct capability *root, capaddr_t addr,
                         unsigned level, struct cte **slot,
                         const struct capability **cnode);

/* As cap_lookup_slot, but the slot must hold a capability
 * (else SYS_ERR_CAP_NOT_FOUND). */
errval_t cap_lookup(const struct capability *root, capaddr_t addr,
                    unsigned level, struct cte **ret);

/*
 * The slot at a level-2 address, or NULL wherever cap_lookup_slot(root,
 * addr, CAP_LEVEL_L2, ...) fails (the caller then asks it for the named
 * error); *cnode = the L2 CNode capability that holds the slot.  The same
 * two steps, inline, for the paths that run on every message: the delete
 * shortcut (cnode_delete_fast) and lmp_fastpath.S, block 2, mirror
 * cap_lookup_slot.  tests/host/test_caps.c checks that the two agree.
 */
static inline struct cte *cap_slot_l2(const struct capability *root, capaddr_t addr,
                                      const struct capability **cnode)
{
    uint32_t i1 = CAPADDR_L1(addr), i2 = CAPADDR_L2(addr);

    if (root->type != ObjType_L1CNode || i1 >= root->bytes / sizeof(struct cte)) {
        return NULL;
    }
    const struct cte *l1 = (const struct cte *)cap_phys_to_kptr(root->base) + i1;
    if (l1->cap.type != ObjType_L2CNode || i2 >= l1->cap.bytes / sizeof(struct cte)) {
        return NULL;
    }
    *cnode = &l1->cap;
    return (struct cte *)cap_phys_to_kptr(l1->cap.base) + i2;
}

/* The n-th slot of a CNode capability (L1CNode or L2CNode), or NULL if n
 * is past its end (slots: bytes / sizeof(struct cte)). */
struct cte *cnode_slot(const struct capability *cnode, uint32_t n);
uint32_t cnode_slots(const struct capability *cnode);

/* ---- operations ------------------------------------------------------- */

/*
 * Retype: make count objects of type, each objsize bytes (ignored for
 * fixed-size types, pass 0), from the source's memory starting at offset,
 * into count consecutive empty slots of dest_cnode starting at dest_slot.
 * The new capabilities are children of src in the MDB, with src's rights.
 * Errors: SYS_ERR_ILLEGAL_DEST_TYPE, SYS_ERR_RETYPE_INVALID_SIZE,
 * SYS_ERR_RETYPE_MISALIGNED, SYS_ERR_RETYPE_OUT_OF_RANGE,
 * SYS_ERR_RETYPE_INVALID_COUNT, SYS_ERR_RETYPE_OVERLAP (the range overlaps
 * a live descendant of src), SYS_ERR_DEST_RANGE, SYS_ERR_SLOT_IN_USE,
 * SYS_ERR_INSUFFICIENT_RIGHTS (src lacks WRITE), SYS_ERR_RETYPE_NOT_RAM
 * (PhysAddr -> RAM over memory that is not RAM).
 * Dispatcher -> EndPoint makes unminted endpoints (param1 = param2 = 0);
 * offset and objsize are ignored for endpoints.
 * A single object of the source's own type and size is refused
 * (SYS_ERR_RETYPE_INVALID_SIZE): it would be indistinguishable from a copy.
 */
errval_t cap_retype(struct cte *src, uint32_t offset, unsigned type,
                    uint32_t objsize, uint32_t count,
                    const struct capability *dest_cnode, uint32_t dest_slot);

/*
 * Copy src into the empty slot dest with the given rights -- asking for a
 * right src lacks is SYS_ERR_RIGHTS_ESCALATION.  The copy joins src's copy
 * group in the MDB (placed right after src, same depth).
 */
errval_t cap_copy(struct cte *dest, struct cte *src, uint8_t rights);

/*
 * Mint: a copy with new type-specific parameters.  EndPoint: param1/param2
 * are the buffer offset and length (validated against the dispatcher frame
 * layout of <sprat/dispatcher.h> and <sprat/lmp.h>: offset in the LMP area,
 * 4-byte aligned, length >= LMP_ENDPOINT_MIN_BYTES, a ring of a power of
 * two words, inside the frame; else
 * SYS_ERR_INVALID_MINT_PARAMS; only an unminted endpoint can be given a
 * buffer).  A mint that sets parameters makes a child of src (revoking src
 * takes it back); a mint with src's own parameters is a copy.  Types
 * without parameters accept only their own (0, 0).
 */
errval_t cap_mint(struct cte *dest, struct cte *src, uint8_t rights,
                  uint32_t param1, uint32_t param2);

/*
 * Delete the capability in slot cte (which becomes Null).  If it was the
 * last copy of its object, the object is destroyed: a CNode's slots are
 * deleted (recursively, without unbounded kernel recursion), other types
 * through cap_hook_destroy().  Descendants of a destroyed object are not
 * deleted: they stay in the MDB as descendants of its parent.  Deleting a
 * slot marked CTE_HELD (only a revoke reaches those) calls
 * cap_hook_held_deleted() first.
 */
errval_t cap_delete(struct cte *cte);

/*
 * The delete that destroys nothing and moves nothing, and so needs none of
 * cap_delete's general work: the slot holds a capability that is neither
 * mapped nor CTE_HELD, and either another copy of its object remains (the
 * common case: a capability received and dropped, whose sender keeps its
 * own), or it is the last copy of a plain memory object (PhysAddr, RAM,
 * Frame, DevFrame) with no descendants.  Then the slot leaves the MDB and
 * is emptied (and such a memory object's cap_hook_destroy() is called, as
 * cap_delete would).  Returns false, having changed nothing, for anything
 * else: the caller must use cap_delete (cnode_delete_fast, kernel/cnode.c;
 * docs/capabilities.md).
 */
bool cap_delete_leaf(struct cte *cte);

/* Delete every copy of cte except cte itself, then every descendant.  If
 * cte itself lives in a CNode that one of its descendants destroys, it goes
 * too and the revoke ends there (its remaining descendants pass to its
 * parent, as for any deletion). */
errval_t cap_revoke(struct cte *cte);

/*
 * Capabilities crossing cores (kernel/xcap.c checks where the memory lies
 * before it calls these; docs/multikernel.md).
 *
 * cap_export: the description of a RAM or Frame capability for another
 * core, marking it and its copies MDB_CROSS_LENT.  Errors:
 * SYS_ERR_CAP_CROSS_TYPE, SYS_ERR_CAP_CROSS_FOREIGN (it was itself
 * imported), SYS_ERR_CAP_CROSS_IN_USE (RAM with descendants: objects this
 * core's kernel uses would be in memory the other core may retype).
 *
 * cap_desc_check: the description's own shape (SYS_ERR_CAP_CROSS_TYPE,
 * SYS_ERR_CAP_CROSS_DESC for rights beyond CAPRIGHTS_ALLRIGHTS, a size
 * or base that is not a nonzero multiple of the type's alignment, a range
 * past 4 GiB).
 *
 * cap_import: re-create a description in the empty slot dest as a root
 * capability marked MDB_CROSS_BORROWED.  Errors: cap_desc_check's,
 * SYS_ERR_SLOT_IN_USE, SYS_ERR_CAP_CROSS_OVERLAP (some capability on this
 * core already names part of the range: a range is borrowed once).
 *
 * A lent capability cannot be retyped (SYS_ERR_CAP_LENT); a revoke that
 * would delete a capability marked either way is refused before anything
 * is deleted (SYS_ERR_CAP_CROSSED): cap_revoke_reaches_crossed() asks.
 */
struct cap_desc;
bool cap_revoke_reaches_crossed(struct cte *cte);
errval_t cap_export(struct cte *cte, struct cap_desc *desc);
errval_t cap_desc_check(const struct cap_desc *desc);
errval_t cap_import(struct cte *dest, const struct cap_desc *desc);

/* Move a capability to the empty slot dest (src becomes Null); MDB links
 * and mapping back-pointers follow it. */
void cap_move(struct cte *dest, struct cte *src);

/* Create a root capability (MDB depth 0) in an empty slot: the kernel uses
 * it at boot for the caps it hands init. */
void cap_create_root(struct cte *dest, const struct capability *cap);

/* MDB queries (kernel/mdb.c). */
bool mdb_has_copies(const struct cte *cte);
bool mdb_has_descendants(const struct cte *cte);
/* Do a and b name the same object with the same fields (rights aside)? */
bool cap_is_copy(const struct capability *a, const struct capability *b);
/* For tests and assertions: check the whole list's invariants. */
bool mdb_check_invariants(void);

/* ---- hooks into the rest of the kernel --------------------------------
 * Implemented by the kernel (kernel/dispatch.c, kernel/vnode.c, ...) and by
 * stubs in the host tests. */

/* A mapped capability (cte->map.table != 0) is leaving its slot: remove its
 * page-table entries and clear cte->map. */
void cap_hook_unmap(struct cte *cte);

/* Retype made a new object (zeroed if its type says so): page tables are
 * cleaned from the data cache here so the table walker sees the zeros. */
void cap_hook_created(const struct capability *cap);

/* A capability moved from one slot to another: fix the page table's
 * back-pointer if it is mapped (dest->map.table != 0). */
void cap_hook_moved(struct cte *dest, struct cte *src);

/* The last copy of an object of these types was deleted: Dispatcher (stop
 * it for good), VNode_ARM_l1/l2 (unmap every entry), IRQ (disconnect).
 * Called with the capability's value; the slot is already empty. */
void cap_hook_destroy(const struct capability *cap);

/* A CTE_HELD slot is being deleted (a revoke of the object's copies or of
 * an ancestor): whatever runs with it must stop before the object can go
 * (kernel/dispatch.c stops the dispatcher). */
void cap_hook_held_deleted(struct cte *cte);

#endif
