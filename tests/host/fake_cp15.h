/*
 * tests/host/fake_cp15.h -- a recording fake of the CP15 layer
 * (kernel/arch/armv7/include/arch/cp15.h) for host tests.
 *
 * Compiled with HOST_TEST, cp15.h declares every barrier, cache, branch
 * predictor and TLB maintenance instruction and every register access as
 * an ordinary function; tests/host/fake_cp15.c defines them.  Each
 * operation is appended to a log (op and operand), so a test can check
 * which maintenance the kernel's C code did, on what, and in what order.
 * Registers (TTBR0, CONTEXTIDR, ...) are plain variables the test can set
 * and read.
 *
 * Use:  fake_cp15_reset();  ...run kernel code...;  then look at
 * fake_cp15_log[0 .. fake_cp15_count - 1], or use the helpers below.
 */
#ifndef FAKE_CP15_H
#define FAKE_CP15_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

enum fake_cp15_op {
    OP_DSB, OP_DMB, OP_ISB,
    OP_DCCMVAC, OP_DCCMVAU,         /* clean D line to PoC / PoU: arg = address */
    OP_ICIALLU, OP_BPIALL,
    OP_TLBIALL, OP_TLBIASID, OP_TLBIMVA,    /* arg = ASID / MVA|ASID */
    OP_WRITE_TTBR0, OP_WRITE_CONTEXTIDR,    /* arg = value written */
    OP_WRITE_OTHER,                 /* any other register write: arg = value */
    OP_NUM
};

struct fake_cp15_entry {
    enum fake_cp15_op op;
    uintptr_t arg;
};

#define FAKE_CP15_LOG_MAX 65536
extern struct fake_cp15_entry fake_cp15_log[FAKE_CP15_LOG_MAX];
extern size_t fake_cp15_count;

/* The register file. */
extern uint32_t fake_cp15_ttbr0, fake_cp15_contextidr;
extern uint32_t fake_cp15_ttbr1;    /* the kernel's table (asid.c reads it) */
extern uint32_t fake_cp15_ctr;      /* Cache Type: DminLine = 32 bytes by default */

/* Empty the log and put the registers back to their reset values. */
void fake_cp15_reset(void);

/* The op's name ("DCCMVAU"), for messages. */
const char *fake_cp15_name(enum fake_cp15_op op);

/* Index of the first entry at or after `from` with op (and, if match_arg,
 * with arg); -1 if there is none. */
long fake_cp15_find(size_t from, enum fake_cp15_op op, bool match_arg, uintptr_t arg);

/* How many entries in [from, to) have op. */
size_t fake_cp15_count_op(size_t from, size_t to, enum fake_cp15_op op);

/* Print the log (for a failing test's output). */
void fake_cp15_dump(void);

#endif
