/*
 * tests/kernel/test_string.c -- the assembly memcpy, memmove and memset
 * and strlen (freestanding/arch/armv7/string.S, shared by the kernel and user
 * programs)
 * against a byte-at-a-time reference: every source and destination
 * alignment, every length up to a few 32-byte blocks, guard bytes on
 * both sides untouched, overlapping moves in both directions.
 */
#include <kernel.h>
#include <ktest.h>

#define AREA    224
#define MAXLEN  200             /* memcpy: two 64-byte passes, a 32-byte
                                 * block, 8-byte passes and a ragged tail */
#define GUARD   0xa5

static uint8_t src[AREA], dst[AREA], want[AREA];

static void fill(uint8_t *p, unsigned n, unsigned seed)
{
    for (unsigned i = 0; i < n; i++) {
        p[i] = (uint8_t)(seed * 31 + i * 7 + 1);
    }
}

static bool same(const uint8_t *a, const uint8_t *b, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return false;
        }
    }
    return true;
}

KTEST(memcpy_every_alignment_and_length)
{
    unsigned bad = 0;
    for (unsigned so = 0; so < 4; so++) {
        for (unsigned d_o = 0; d_o < 4; d_o++) {
            for (unsigned n = 0; n <= MAXLEN; n++) {
                fill(src, AREA, so + n);
                for (unsigned i = 0; i < AREA; i++) {
                    dst[i] = want[i] = GUARD;
                }
                for (unsigned i = 0; i < n; i++) {
                    want[8 + d_o + i] = src[8 + so + i];
                }
                void *r = memcpy(&dst[8 + d_o], &src[8 + so], n);
                bad += r != &dst[8 + d_o] || !same(dst, want, AREA);
            }
        }
    }
    KT_EXPECT_EQ(bad, 0);
}

/* Large aligned copies take copy_bulk (352-byte passes from 512 bytes
 * on) and then the loops above for the rest: every length across the
 * threshold and three bulk passes, each word of the result checked and
 * the guard bytes on both sides untouched. */
#define BULK_AREA   1408
#define BULK_MAX    (BULK_AREA - 16)
static uint8_t bsrc[BULK_AREA], bdst[BULK_AREA];

KTEST(memcpy_bulk_lengths)
{
    unsigned bad = 0;
    fill(bsrc, BULK_AREA, 3);
    for (unsigned n = 440; n <= BULK_MAX; n++) {
        for (unsigned i = 0; i < BULK_AREA; i++) {
            bdst[i] = GUARD;
        }
        void *r = memcpy(&bdst[8], &bsrc[8], n);
        bad += r != &bdst[8];
        for (unsigned i = 0; i < BULK_AREA; i++) {
            bool in = i >= 8 && i < 8 + n;
            bad += bdst[i] != (in ? bsrc[i] : GUARD);
        }
    }
    KT_EXPECT_EQ(bad, 0);
}

/* Large fills take set_bulk (352-byte passes from 512 bytes on), from
 * every alignment of the start, then the loops below for the rest. */
KTEST(memset_bulk_lengths)
{
    unsigned bad = 0;
    for (unsigned d_o = 0; d_o < 4; d_o += 3) {
        for (unsigned n = 440; n <= BULK_MAX - 4; n += 1 + 6 * d_o) {
            for (unsigned i = 0; i < BULK_AREA; i++) {
                bdst[i] = GUARD;
            }
            void *r = memset(&bdst[8 + d_o], 0x5a, n);
            bad += r != &bdst[8 + d_o];
            for (unsigned i = 0; i < BULK_AREA; i++) {
                bool in = i >= 8 + d_o && i < 8 + d_o + n;
                bad += bdst[i] != (in ? 0x5a : GUARD);
            }
        }
    }
    KT_EXPECT_EQ(bad, 0);
}

KTEST(memset_every_alignment_and_length)
{
    unsigned bad = 0;
    for (unsigned d_o = 0; d_o < 4; d_o++) {
        for (unsigned n = 0; n <= MAXLEN; n++) {
            for (unsigned i = 0; i < AREA; i++) {
                dst[i] = want[i] = GUARD;
            }
            for (unsigned i = 0; i < n; i++) {
                want[8 + d_o + i] = 0x3c;
            }
            void *r = memset(&dst[8 + d_o], 0x123c, n);   /* only the low byte counts */
            bad += r != &dst[8 + d_o] || !same(dst, want, AREA);
        }
    }
    KT_EXPECT_EQ(bad, 0);
}

KTEST(memmove_overlapping_both_ways)
{
    unsigned bad = 0;
    for (int shift = -9; shift <= 9; shift++) {
        for (unsigned n = 0; n <= MAXLEN; n++) {
            unsigned from = 24, to = (unsigned)(24 + shift);
            fill(dst, AREA, n);
            fill(src, AREA, n);                     /* the old contents */
            for (unsigned i = 0; i < AREA; i++) {
                want[i] = src[i];
            }
            for (unsigned i = 0; i < n; i++) {
                want[to + i] = src[from + i];       /* what a move means */
            }
            void *r = memmove(&dst[to], &dst[from], n);
            bad += r != &dst[to] || !same(dst, want, AREA);
        }
    }
    KT_EXPECT_EQ(bad, 0);
}

KTEST(strlen_every_alignment_and_length)
{
    unsigned bad = 0;
    for (unsigned at = 0; at < 4; at++) {
        for (unsigned n = 0; n <= 70; n++) {
            for (unsigned i = 0; i < AREA; i++) {
                src[i] = (uint8_t)(0x80 | (i * 13 + n));   /* never 0: any zero is ours */
            }
            src[8 + at + n] = 0;
            bad += strlen((const char *)&src[8 + at]) != n;
        }
    }
    KT_EXPECT_EQ(bad, 0);
}
