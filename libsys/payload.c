/*
 * libsys/payload.c -- payload frames (sys/payload.h, docs/rpc.md section
 * 3): the bytes of a large RPC message in a Frame capability.
 *
 * The whole life of a payload frame is here, so that the RPC layer above
 * calls one function to send one and one to receive one:
 *   sender:   payload_put     allocate and map, or reuse; copy in
 *             payload_release unmap and free the kept frame
 *   receiver: payload_take    map, copy out, unmap, delete the capability
 */
#include <stdlib.h>
#include <string.h>
#include <sys/paging.h>
#include <sys/payload.h>
#include <sys/ram.h>

#define PAGE 4096u

static uint32_t page_round(uint32_t len)
{
    return (len + PAGE - 1) & ~(PAGE - 1);
}

void payload_release(struct payload_frame *pf)
{
    if (!capref_is_null(pf->cap)) {
        paging_unmap(pf->va, pf->bytes);
        mem_free(pf->cap);
        pf->cap = NULL_CAP;
    }
}

/*
 * A mapped frame of at least bytes in pf.  The one kept from the last
 * large message is reused when big enough -- the peer deleted its copy
 * before our next message could go out (a request is answered before the
 * next one; a response was read before the next request) -- so a stream
 * of large messages costs no new RAM, no retype, no zeroing of a fresh
 * megabyte, and no map and unmap of its pages (make bench: 2,100
 * instructions a message of 4 KiB, 13,600 of 1 MiB; docs/rpc.md, section 3).  One too small is
 * replaced.
 */
static errval_t frame_for(struct payload_frame *pf, uint32_t bytes)
{
    if (!capref_is_null(pf->cap) && pf->bytes >= bytes) {
        return SYS_ERR_OK;
    }
    payload_release(pf);
    errval_t err = frame_alloc(&pf->cap, bytes);
    if (err_is_ok(err)) {
        err = paging_map_frame(&pf->va, pf->cap, bytes, VREGION_FLAGS_READ_WRITE);
        if (err_is_fail(err)) {
            mem_free(pf->cap);
        }
    }
    if (err_is_fail(err)) {
        pf->cap = NULL_CAP;
        return err;
    }
    pf->bytes = bytes;
    return SYS_ERR_OK;
}

errval_t payload_put(struct payload_frame *pf, const void *bytes, uint32_t len,
                     struct capref *cap)
{
    errval_t err = frame_for(pf, page_round(len));
    if (err_is_fail(err)) {
        return err;
    }
    memcpy((void *)pf->va, bytes, len);
    *cap = pf->cap;
    return SYS_ERR_OK;
}

errval_t payload_take(struct capref frame, uint32_t len, uint8_t **bytes)
{
    uint32_t size = page_round(len);
    uint32_t va;
    errval_t err = LIB_ERR_RPC_BAD_MESSAGE;

    *bytes = malloc(len + 1);
    if (*bytes == NULL) {
        err = LIB_ERR_MALLOC_FAIL;
    } else if (!capref_is_null(frame) && size > 0 &&
               err_is_ok(err = paging_map_frame(&va, frame, size, VREGION_FLAGS_READ))) {
        memcpy(*bytes, (void *)va, len);
        (*bytes)[len] = 0;
        paging_unmap(va, size);
    }
    cap_destroy(frame);
    if (err_is_fail(err)) {
        free(*bytes);
        *bytes = NULL;
    }
    return err;
}
