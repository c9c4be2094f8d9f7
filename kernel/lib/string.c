/*
 * kernel/lib/string.c -- the few string and memory routines the kernel uses.
 *
 * GCC may emit calls to memcpy/memset/memmove/memcmp itself (for structure
 * copies), so these must exist under their standard names.  memcpy,
 * memmove, memset and strlen are the assembly ones
 * freestanding/arch/armv7/string.S provides to the kernel and to user programs
 * alike.
 */
#include <kernel.h>

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != '\0') {
        n++;
    }
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return (uint8_t)*a - (uint8_t)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n > 0; n--, a++, b++) {
        if (*a != *b || *a == '\0') {
            return (uint8_t)*a - (uint8_t)*b;
        }
    }
    return 0;
}

/* Copy at most size-1 characters and always terminate (when size > 0). */
char *strlcpy_k(char *dst, const char *src, size_t size)
{
    size_t i = 0;
    if (size == 0) {
        return dst;
    }
    for (; i + 1 < size && src[i] != '\0'; i++) {
        dst[i] = src[i];
    }
    dst[i] = '\0';
    return dst;
}
