/*
 * kernel/include/types.h -- basic types for the freestanding kernel.
 *
 * Only the compiler's own headers are available (no C library).
 */
#ifndef SPRAT_TYPES_H
#define SPRAT_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

typedef uint32_t paddr_t;   /* a physical address */
typedef uint32_t vaddr_t;   /* a virtual address, user or kernel */
typedef uint32_t lvaddr_t;  /* a kernel virtual address (upper half) */

#define ARRAY_SIZE(a)     (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)         ((a) < (b) ? (a) : (b))
#define MAX(a, b)         ((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a)    (((x) + ((a) - 1)) & ~((a) - 1))
#define ALIGN_DOWN(x, a)  ((x) & ~((a) - 1))
#define IS_ALIGNED(x, a)  (((x) & ((a) - 1)) == 0)

#define NORETURN          __attribute__((noreturn))
#define UNUSED            __attribute__((unused))
#define PACKED            __attribute__((packed))
#define ALIGNED(n)        __attribute__((aligned(n)))
#define SECTION(s)        __attribute__((section(s)))

#define STATIC_ASSERT(c, msg) _Static_assert(c, msg)

#endif
