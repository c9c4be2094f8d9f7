/*
 * libsys/include/sys/lmp_call_layout.h -- the byte offsets that
 * libsys/arch/armv7/lmp_call.S reads struct lmp_call, struct lmp_recv_msg
 * and the ring's header at (docs/lmp.md, section 3, "A call").
 *
 * Plain numbers, so that the assembly can include this file; the C side
 * checks each against offsetof() where the structures are defined
 * (sys/lmp_endpoint.h), so a field moved in C fails the build instead of
 * the call.
 */
#ifndef LIBSYS_LMP_CALL_LAYOUT_H
#define LIBSYS_LMP_CALL_LAYOUT_H

/* struct lmp_call: word, ep and cap just below the message, so that one
 * ldmda from &msg loads them and msg.len; kern, ring_mask and last (the
 * ring's last word) below them, so that one ldmdb from &msg loads the
 * three */
#define LMP_CALL_KERN           0       /* kern, ring_mask, last */
#define LMP_CALL_WORD           12      /* word, then ep and cap */
#define LMP_CALL_MSG_LEN        24      /* msg.len: lmp_call.S's base */
#define LMP_CALL_MSG_WORDS      28      /* msg.words[0] */
#define LMP_CALL_MSG_HAS_CAP    68      /* msg.has_cap (a byte) */
#define LMP_CALL_REPLY          72      /* reply */

/* lmp_call_word's saturation (sys/lmp_endpoint.h): the system call
 * word's 4-bit length field and a sign bit (ssat's width) */
#define LMP_CALL_LEN_SAT        5

/* struct lmp_endpoint_kern (sprat/lmp.h) */
#define LMP_KERN_CONSUMED       4
#define LMP_KERN_BUF            16      /* = LMP_ENDPOINT_HEADER_BYTES */

#endif
