/*
 * include/sprat/lmp.h -- the LMP receive buffer shared by the kernel
 * (writer) and the receiving dispatcher (reader); see docs/lmp.md.
 *
 * An EndPoint capability is minted with the byte offset and length of one
 * of these inside the receiver's dispatcher frame (the offset must be in
 * the LMP area, 4-byte aligned, and the buffer must hold at least one
 * message of LMP_MSG_WORDS words plus its header, in a ring of a power of
 * two words: LMP_ENDPOINT_BYTES(16), (32), ...).
 *
 * The ring: words are written at buf[delivered & (cap - 1)] and read at
 * buf[consumed & (cap - 1)], cap = (length - sizeof header) / 4.  Both
 * counters only grow (modulo 2^32: a power-of-two ring makes the index
 * continuous across that wrap).  A message is one header word followed by
 * its payload words; it may wrap around the end of the ring.
 */
#ifndef SPRAT_LMP_H
#define SPRAT_LMP_H

#include <stdint.h>
#include <sprat/caps.h>
#include <sprat/syscall.h>

struct lmp_endpoint_kern {
    volatile uint32_t delivered;    /* kernel: words written so far */
    volatile uint32_t consumed;     /* receiver: words consumed so far */
    volatile capaddr_t recv_slot;   /* receiver: level-2 address of an empty
                                     * slot for an incoming capability, or
                                     * CPTR_NULL to refuse capabilities */
    volatile uint32_t id;           /* receiver: the kernel sets bit
                                     * (id % 32) of lmp_pending on delivery */
    uint32_t buf[];
};

#define LMP_ENDPOINT_HEADER_BYTES   16u
#define LMP_ENDPOINT_MIN_BYTES \
    (LMP_ENDPOINT_HEADER_BYTES + 4u * (LMP_MSG_WORDS + 1))
/* The bytes of an endpoint buffer whose ring is `words` long (a power of
 * two, at least 16 for LMP_ENDPOINT_MIN_BYTES). */
#define LMP_ENDPOINT_BYTES(words)   (LMP_ENDPOINT_HEADER_BYTES + 4u * (words))

/* The header word of each message in the ring. */
#define LMP_HDR_LEN_MASK    0xffu        /* payload words */
#define LMP_HDR_CAP         (1u << 8)    /* a capability was put in recv_slot */
#define LMP_HDR(len, cap)   ((uint32_t)(len) | ((cap) ? LMP_HDR_CAP : 0))

/*
 * Kernel-generated messages (sent on an endpoint the way a dispatcher
 * would, first payload word = the kind):
 *   DEATH: [LMP_KMSG_DEATH, badge, reason, status_or_address, pc]
 *   IRQ:   [LMP_KMSG_IRQ, irq]
 */
#define LMP_KMSG_DEATH      0x6b640001u
#define LMP_KMSG_IRQ        0x6b690001u

/* Reasons in a DEATH message. */
#define DEATH_EXIT          1   /* DispatcherCmd_Stop: status = exit status */
#define DEATH_FAULT         2   /* unhandled fault: status = fault address */
#define DEATH_DELETED       3   /* its last dispatcher capability was deleted */
#define DEATH_REVOKED       4   /* a capability it runs with (CSpace root, L1
                                   page table, frame) was revoked from under
                                   it: status = that capability's type */

#endif
