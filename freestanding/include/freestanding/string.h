/*
 * freestanding/include/freestanding/string.h -- the memory and string
 * routines freestanding/arch/armv7/string.S gives the kernel and user
 * programs alike, for code that must build on both sides (and on the
 * host, where the C library has them): no C library header is needed.
 */
#ifndef FREESTANDING_STRING_H
#define FREESTANDING_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
size_t strlen(const char *s);

#endif
