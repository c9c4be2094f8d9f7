/*
 * libsys/include/sys/cspace.h -- naming capability slots, the slot
 * allocator, and the capability operations (invocations of the domain's
 * root CNode; docs/capabilities.md).
 */
#ifndef LIBSYS_CSPACE_H
#define LIBSYS_CSPACE_H

#include <stdbool.h>
#include <stdint.h>
#include <sprat/bootinfo.h>
#include <sprat/caps.h>
#include <sprat/errors.h>

/*
 * A slot: slot `slot` of the L2 CNode in root slot `cnode` (a level-2
 * address), or, with cnode == ROOT_CNODE, slot `slot` of the root CNode
 * itself (a level-1 address: where L2 CNodes live).
 */
struct capref {
    uint32_t cnode;
    uint32_t slot;
};

#define ROOT_CNODE  0xffffffffu
#define NULL_CAP ((struct capref){ 0, 0 })

static inline capaddr_t capref_addr(struct capref c)
{
    return c.cnode == ROOT_CNODE ? CAPADDR(c.slot, 0) : CAPADDR(c.cnode, c.slot);
}
static inline unsigned capref_level(struct capref c)
{
    return c.cnode == ROOT_CNODE ? CAP_LEVEL_L1 : CAP_LEVEL_L2;
}
static inline bool capref_is_null(struct capref c)
{
    return c.cnode == 0 && c.slot == 0;
}
static inline struct capref taskcn_cap(uint32_t slot)
{
    return (struct capref){ ROOTCN_SLOT_TASKCN, slot };
}

/* What identify tells about a capability. */
struct capability_info {
    unsigned type;          /* enum objtype */
    unsigned rights;
    /* Memory objects (RAM, Frame, DevFrame, CNodes, VNodes, Dispatcher):
     * the physical range.  EndPoint: its buffer's offset and length in
     * the receiver's dispatcher frame.  Kernel, IRQTable, IRQ: 0, 0. */
    uint32_t base;
    uint32_t bytes;
};

/* ---- operations -------------------------------------------------------- */

/* count objects of type (objsize bytes each; 0 for fixed-size types) from
 * src at byte offset, into slots dest.slot, dest.slot + 1, ... */
errval_t cap_retype(struct capref dest, struct capref src, uint32_t offset,
                    unsigned type, uint32_t objsize, uint32_t count);
errval_t cap_copy(struct capref dest, struct capref src);
errval_t cap_copy_rights(struct capref dest, struct capref src, unsigned rights);
errval_t cap_mint(struct capref dest, struct capref src, unsigned rights,
                  uint32_t param1, uint32_t param2);
errval_t cap_delete(struct capref cap);
errval_t cap_revoke(struct capref cap);
errval_t cap_identify(struct capref cap, struct capability_info *info);
/* Delete the capability and free its slot; nothing for NULL_CAP. */
void cap_destroy(struct capref cap);

/* The same with the destination CNode named by address and level (e.g. an
 * L1 CNode of another domain held in one of our slots). */
errval_t cap_copy_into(capaddr_t cnode, unsigned level, uint32_t slot,
                       struct capref src);
/* Move every slot of our root CNode into the larger L1CNode new_root, which
 * becomes our root; the old root object's capability lands in retslot. */
errval_t cnode_resize(struct capref new_root, struct capref retslot);

/* ---- slot allocation ----------------------------------------------------- */

/* Initialise from the CNodes the domain was given (called at start-up). */
void slot_alloc_init(void);
errval_t slot_alloc(struct capref *ret);
void slot_free(struct capref slot);
/* n (1-32) slots side by side in one L2 CNode, for a retype of n objects
 * in one system call (ram_alloc_pages); each is freed with slot_free. */
errval_t slot_alloc_run(uint32_t n, struct capref *first);
/* A free slot of the root CNode (for an L2 CNode the domain adds). */
errval_t root_slot_alloc(uint32_t *ret);
void root_slot_free(uint32_t slot);
/* Grow the root CNode to slots (a multiple of 256, at most 1024): more L2
 * CNodes, and so more capabilities, for this domain.  Addresses stay valid. */
errval_t root_cnode_grow(uint32_t slots);
/* Free slots left (for tests and statistics). */
uint32_t slot_alloc_free_count(void);
/* Slots still to be had, counting CNodes not yet made (an estimate). */
uint32_t slot_alloc_capacity(void);

#endif
