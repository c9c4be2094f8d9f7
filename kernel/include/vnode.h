/*
 * kernel/include/vnode.h -- page-table objects (kernel/vnode.c).
 *
 * An L1 VNode object is 32 KiB: the 16 KiB hardware table (only the lower
 * ARM_L1_USER_ENTRIES entries are used: TTBCR.N = 1 gives TTBR0 the lower
 * 2 GiB) followed by a 16 KiB shadow of struct cte pointers, one per entry,
 * naming the L2 VNode capability mapped there.  (A table's ASID is not
 * kept here: tables borrow ASIDs, arch/asid.h.)
 *
 * An L2 VNode object is 2 KiB: the 1 KiB hardware table of 256 small-page
 * entries and 256 back-pointers to the Frame/DevFrame capability mapped
 * at each entry.
 */
#ifndef SPRAT_VNODE_H
#define SPRAT_VNODE_H

#include <cap.h>

/* Map src (an L2 table into an L1 table, or count pages of a frame from
 * byte offset into an L2 table) at entry.  VNodeCmd_Map's work. */
errval_t vnode_map(struct cte *vnode, uint32_t entry, struct cte *src,
                   uint32_t offset, uint32_t count, uint32_t flags);

/* Hooks of cap.h for page tables and mapped capabilities. */
void vnode_created(const struct capability *cap);
void vnode_unmap_cte(struct cte *cte);
void vnode_moved(struct cte *dest);
void vnode_destroy(const struct capability *cap);

#endif
