/*
 * libsys/include/sys/stdio_backend.h -- where stdout goes and stdin comes
 * from: the kernel's debug print until the serial driver takes over.
 */
#ifndef LIBSYS_STDIO_BACKEND_H
#define LIBSYS_STDIO_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sprat/errors.h>

struct stdio_backend {
    /* One line, or the unfinished start of one (fflush); stream tells
     * whose: the writing thread's id. */
    void (*write)(uint32_t stream, const char *buf, size_t len);
    int (*read_char)(void);                          /* -1: no input */
};

/* Write c after what the calling thread has buffered for stdout: the
 * line so far plus c goes out through out(arg, stream, ...) now, with
 * stdout's stream number, so that output written another way (the serial
 * RPC) stays in order with printf's.  If out fails, c is dropped, the
 * buffered line kept, and out's error returned. */
typedef errval_t (*stdio_write_fn)(void *arg, uint32_t stream, const char *buf, size_t len);
errval_t stdio_put_through(char c, stdio_write_fn out, void *arg);

/* NULL restores the kernel's debug print. */
void stdio_set_backend(const struct stdio_backend *b);
void libsys_stdio_init(void);
void libsys_stdio_flush(void);

/* A line from stdin, echoed as it is typed (backspace rubs out); at most
 * size - 1 characters are kept.  false: no input (not the foreground
 * domain, or no terminal). */
bool stdio_read_line(char *buf, size_t size);

#endif
