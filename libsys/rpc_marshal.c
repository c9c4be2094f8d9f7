/*
 * libsys/rpc_marshal.c -- typed parameters in and out of a struct
 * rpc_payload (sys/rpc_marshal.h has the layout).  No system calls: the
 * host test compiles this file as it is.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/rpc_marshal.h>

size_t rpc_strlen(const char *s)
{
    return s ? strlen(s) : 0;
}

errval_t rpc_marshal_bytes(struct rpc_payload *p, unsigned n, const void *const *ptr,
                           const size_t *len, bool copy)
{
    /* LAB 6 BEGIN: return LIB_ERR_NOT_IMPLEMENTED; */
    size_t total = 0;

    p->bytes = NULL;
    p->len = 0;
    if (n > 0 && p->nscalar + n - 1 > RPC_MAX_SCALARS) {
        return LIB_ERR_RPC_TOO_LARGE;
    }
    for (unsigned i = 0; i < n; i++) {
        if (len[i] > RPC_MAX_BYTES) {
            return LIB_ERR_RPC_TOO_LARGE;
        }
        total += len[i] + (i + 1 < n);          /* a NUL after all but the last */
        if (i + 1 < n) {
            p->scalar[p->nscalar++] = (uint32_t)len[i];
        }
    }
    if (total > RPC_MAX_BYTES) {
        return LIB_ERR_RPC_TOO_LARGE;
    }
    if (n == 1 && !copy) {
        p->bytes = (uint8_t *)ptr[0];           /* sent from where it is */
        p->len = (uint32_t)len[0];
        return SYS_ERR_OK;
    }
    if (n == 0 || (total == 0 && !copy)) {
        return SYS_ERR_OK;
    }
    uint8_t *buf = malloc(total + 1);
    if (buf == NULL) {
        return LIB_ERR_MALLOC_FAIL;
    }
    size_t off = 0;
    for (unsigned i = 0; i < n; i++) {
        if (len[i] > 0) {
            memcpy(buf + off, ptr[i], len[i]);
        }
        off += len[i];
        buf[off++] = '\0';                      /* the last one: past the end */
    }
    p->bytes = buf;
    p->len = (uint32_t)total;
    return SYS_ERR_OK;
    /* LAB 6 END */
}

errval_t rpc_unmarshal_bytes(const struct rpc_payload *p, unsigned first, unsigned n,
                             const uint8_t **ptr, size_t *len)
{
    /* LAB 6 BEGIN: return LIB_ERR_NOT_IMPLEMENTED; */
    static const uint8_t empty[1];
    size_t off = 0;

    if (n == 0) {
        return p->len == 0 ? SYS_ERR_OK : LIB_ERR_RPC_BAD_MESSAGE;
    }
    if (first + n - 1 > p->nscalar || (p->len > 0 && p->bytes == NULL)) {
        return LIB_ERR_RPC_BAD_MESSAGE;
    }
    for (unsigned i = 0; i + 1 < n; i++) {
        size_t l = p->scalar[first + i];
        /* The item and its NUL inside the payload (l is a scalar the
         * sender chose: compare without adding to off first). */
        if (l >= p->len - off || p->bytes[off + l] != '\0') {
            return LIB_ERR_RPC_BAD_MESSAGE;
        }
        ptr[i] = p->bytes + off;
        len[i] = l;
        off += l + 1;
    }
    ptr[n - 1] = p->len > off ? p->bytes + off : empty;
    len[n - 1] = p->len - off;
    return SYS_ERR_OK;
    /* LAB 6 END */
}

errval_t rpc_copy_out_str(char **dst, const char *src)
{
    if (dst == NULL) {
        return SYS_ERR_OK;
    }
    *dst = strdup(src ? src : "");
    return *dst ? SYS_ERR_OK : LIB_ERR_MALLOC_FAIL;
}

errval_t rpc_copy_out_buf(void **dst, size_t *dst_len, const void *src, size_t len)
{
    if (dst == NULL) {
        return SYS_ERR_OK;
    }
    *dst = malloc(len + 1);
    if (*dst == NULL) {
        return LIB_ERR_MALLOC_FAIL;
    }
    if (len > 0) {
        memcpy(*dst, src, len);
    }
    ((uint8_t *)*dst)[len] = '\0';
    if (dst_len) {
        *dst_len = len;
    }
    return SYS_ERR_OK;
}
