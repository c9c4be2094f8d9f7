/*
 * libsys/include/sys/payload.h -- payload frames: bytes too many for
 * inline LMP fragments travel in a Frame capability sent with the first
 * fragment (docs/rpc.md, section 3).
 *
 * Below RPC and beside the channel: rpc.c decides *when* a payload goes in
 * a frame (rpc_frame_threshold); this module does the rest -- allocate or
 * reuse the frame, map it, copy, unmap, and free it.  It knows nothing of
 * RPC messages, only bytes and frames.
 */
#ifndef LIBSYS_PAYLOAD_H
#define LIBSYS_PAYLOAD_H

#include <stdint.h>
#include <sys/cspace.h>

/* A sender's frame, kept between large messages of one channel. */
struct payload_frame {
    struct capref cap;          /* NULL_CAP: none held */
    uint32_t bytes;             /* its size, a multiple of 4 KiB */
    uint32_t va;                /* where it stays mapped while held */
};

/*
 * Copy len bytes into pf's frame (allocated, or grown, as needed) and set
 * *cap to the frame capability to send.  The frame stays mapped (read/
 * write, at pf->va) for as long as it is held.  The receiver gets a copy of the
 * capability and deletes it once it has read the bytes (payload_take), so
 * the next large message may reuse the frame.
 */
errval_t payload_put(struct payload_frame *pf, const void *bytes, uint32_t len,
                     struct capref *cap);

/* Give pf's frame back (a small message came: hold no memory between large
 * ones; or the channel is destroyed).  Nothing held: nothing done. */
void payload_release(struct payload_frame *pf);

/*
 * The receiving side: len bytes out of frame into *bytes (malloc'd, with
 * a NUL after them, the caller's to free).  frame is deleted in every
 * case.  LIB_ERR_RPC_BAD_MESSAGE if no frame came or it is too small to
 * map len bytes from, LIB_ERR_MALLOC_FAIL if there is no memory for the copy.
 */
errval_t payload_take(struct capref frame, uint32_t len, uint8_t **bytes);

#endif
