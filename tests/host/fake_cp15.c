/*
 * tests/host/fake_cp15.c -- the recording fake of the CP15 layer; see
 * fake_cp15.h for what it is for and how to use it.
 */
#include <stdio.h>
#include <string.h>
#include "fake_cp15.h"

/* The declarations the kernel's code sees (cp15.h under HOST_TEST). */
#include <types.h>
#include "../../kernel/arch/armv7/include/arch/cp15.h"

struct fake_cp15_entry fake_cp15_log[FAKE_CP15_LOG_MAX];
size_t fake_cp15_count;
uint32_t fake_cp15_ttbr0, fake_cp15_contextidr;
uint32_t fake_cp15_ttbr1;
uint32_t fake_cp15_ctr;

#define CTR_DMINLINE_32_BYTES (3u << 16)    /* log2(8 words) */

static void record(enum fake_cp15_op op, uintptr_t arg)
{
    if (fake_cp15_count == FAKE_CP15_LOG_MAX) {
        fprintf(stderr, "fake_cp15: log full\n");
        return;
    }
    fake_cp15_log[fake_cp15_count].op = op;
    fake_cp15_log[fake_cp15_count].arg = arg;
    fake_cp15_count++;
}

void fake_cp15_reset(void)
{
    fake_cp15_count = 0;
    fake_cp15_ttbr0 = 0;
    fake_cp15_contextidr = 0;
    fake_cp15_ctr = CTR_DMINLINE_32_BYTES;
}

static const char *const names[OP_NUM] = {
    [OP_DSB] = "DSB", [OP_DMB] = "DMB", [OP_ISB] = "ISB",
    [OP_DCCMVAC] = "DCCMVAC", [OP_DCCMVAU] = "DCCMVAU",
    [OP_ICIALLU] = "ICIALLU", [OP_BPIALL] = "BPIALL",
    [OP_TLBIALL] = "TLBIALL", [OP_TLBIASID] = "TLBIASID", [OP_TLBIMVA] = "TLBIMVA",
    [OP_WRITE_TTBR0] = "write TTBR0", [OP_WRITE_CONTEXTIDR] = "write CONTEXTIDR",
    [OP_WRITE_OTHER] = "write (other register)",
};

const char *fake_cp15_name(enum fake_cp15_op op)
{
    return op < OP_NUM ? names[op] : "?";
}

long fake_cp15_find(size_t from, enum fake_cp15_op op, bool match_arg, uintptr_t arg)
{
    for (size_t i = from; i < fake_cp15_count; i++) {
        if (fake_cp15_log[i].op == op && (!match_arg || fake_cp15_log[i].arg == arg)) {
            return (long)i;
        }
    }
    return -1;
}

size_t fake_cp15_count_op(size_t from, size_t to, enum fake_cp15_op op)
{
    size_t n = 0;
    for (size_t i = from; i < to && i < fake_cp15_count; i++) {
        n += fake_cp15_log[i].op == op;
    }
    return n;
}

void fake_cp15_dump(void)
{
    for (size_t i = 0; i < fake_cp15_count; i++) {
        fprintf(stderr, "  %4zu %-22s %#lx\n", i, fake_cp15_name(fake_cp15_log[i].op),
                (unsigned long)fake_cp15_log[i].arg);
    }
}

/* ---- the CP15 layer's functions ------------------------------------------ */

void dsb(void) { record(OP_DSB, 0); }
void dmb(void) { record(OP_DMB, 0); }
void isb(void) { record(OP_ISB, 0); }
void dccmvac(uintptr_t v) { record(OP_DCCMVAC, v); }
void dccmvau(uintptr_t v) { record(OP_DCCMVAU, v); }
void iciallu(void) { record(OP_ICIALLU, 0); }
void bpiall(void) { record(OP_BPIALL, 0); }
void tlbiall(void) { record(OP_TLBIALL, 0); }
void tlbiasid(uintptr_t v) { record(OP_TLBIASID, v); }
void tlbimva(uintptr_t v) { record(OP_TLBIMVA, v); }

uint32_t cp15_read_ctr(void) { return fake_cp15_ctr; }
uint32_t cp15_read_ttbr0(void) { return fake_cp15_ttbr0; }
uint32_t cp15_read_ttbr1(void) { return fake_cp15_ttbr1; }
uint32_t cp15_read_contextidr(void) { return fake_cp15_contextidr; }
void cp15_write_ttbr0(uint32_t v)
{
    fake_cp15_ttbr0 = v;
    record(OP_WRITE_TTBR0, v);
}
void cp15_write_contextidr(uint32_t v)
{
    fake_cp15_contextidr = v;
    record(OP_WRITE_CONTEXTIDR, v);
}
