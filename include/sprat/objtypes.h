/*
 * include/sprat/objtypes.h -- the one table of per-type object rules: how
 * big an object of each type is, how its base must be aligned, and what it
 * may be retyped into (docs/capabilities.md, "Object types"; adding a type:
 * docs/extending.md).
 *
 * The kernel enforces these rules (kernel/cap.c, retype_check; its
 * objtype_info reads this table) and libsys plans by them (libsys/ram.c
 * places objects in RAM it holds, libsys/spawn.c sizes a new domain), so
 * both read this one table: no size or alignment is written anywhere else.
 * The table is a static array inside an inline function: every file that
 * asks gets the same constant data, with no object file of its own to link.
 */
#ifndef SPRAT_OBJTYPES_H
#define SPRAT_OBJTYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sprat/caps.h>

/*
 * Per type:
 *   name            for reports
 *   fixed_bytes     nonzero: every object of this type has this size
 *   min_bytes       variable-size types: smallest object, and the size must
 *                   be a multiple of it
 *   align           alignment of the object's base (and of its size)
 *   retype_to       bit mask of (1 << objtype): what this type may be
 *                   retyped into
 *   zero_on_create  retype clears the object's memory
 */
struct objtype_info {
    const char *name;
    uint32_t fixed_bytes;
    uint32_t min_bytes;
    uint32_t align;
    uint32_t retype_to;
    bool zero_on_create;
};

#define OBJTYPE_BIT(type)   (1u << (type))

/* The rules of type, or NULL for a number that is no type. */
static inline const struct objtype_info *objtype_info(unsigned type)
{
#define T OBJTYPE_BIT
#define KIB 1024u
    /*
     * The retype rules, once:
     *   PhysAddr  -> RAM (memory), DevFrame (device registers), or smaller
     *               PhysAddr ranges: untyped physical address space.
     *   RAM       -> smaller RAM, or any kernel object made of memory.
     *               Objects the kernel itself reads (CNodes, page tables,
     *               DCBs) can only come from RAM, never from a Frame a
     *               domain could map.
     *   Frame     -> smaller Frames (split a frame to map parts of it).
     *   Dispatcher-> EndPoint: an endpoint names a dispatcher and takes no
     *               memory of its own.
     */
    static const struct objtype_info table[ObjType_Num] = {
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
        /* The hardware wants a 16 KiB aligned L1 table (TTBR0 with
         * TTBCR.N = 1 needs only 8 KiB, but 16 keeps the rule simple;
         * ARM ARM B4.1.154) and 1 KiB aligned L2 tables (B3.5.1); each is
         * followed by its shadow half. */
        [ObjType_VNode_ARM_l1] = { "VNode_ARM_l1", OBJSIZE_VNODE_ARM_L1, 0, 16 * KIB, 0, true },
        [ObjType_VNode_ARM_l2] = { "VNode_ARM_l2", OBJSIZE_VNODE_ARM_L2, 0, 1 * KIB, 0, true },
        [ObjType_Dispatcher]   = { "Dispatcher", OBJSIZE_DISPATCHER, 0, 1 * KIB,
                                   T(ObjType_EndPoint), true },
        [ObjType_EndPoint]     = { "EndPoint", 0, 0, 1, 0, false },
        [ObjType_Kernel]       = { "Kernel", 0, 0, 1, 0, false },
        [ObjType_IRQTable]     = { "IRQTable", 0, 0, 1, 0, false },
        [ObjType_IRQ]          = { "IRQ", 0, 0, 1, 0, false },
    };
#undef KIB
#undef T
    return type < ObjType_Num ? &table[type] : NULL;
}

/* The bytes one object of type takes when the caller asks for bytes:
 * the fixed size where the type has one. */
static inline uint32_t objtype_bytes(unsigned type, uint32_t bytes)
{
    const struct objtype_info *t = objtype_info(type);
    return t != NULL && t->fixed_bytes != 0 ? t->fixed_bytes : bytes;
}

/* Whether every object of type has the same size (false for a non-type):
 * a retype into it then names size 0, "the type's size". */
static inline bool objtype_fixed(unsigned type)
{
    const struct objtype_info *t = objtype_info(type);
    return t != NULL && t->fixed_bytes != 0;
}

/* The alignment of an object of type's base (1 for a non-type). */
static inline uint32_t objtype_align(unsigned type)
{
    const struct objtype_info *t = objtype_info(type);
    return t != NULL ? t->align : 1;
}

#endif
