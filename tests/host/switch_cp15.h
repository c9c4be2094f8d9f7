/*
 * tests/host/switch_cp15.h -- a minimal recording stand-in for
 * kernel/arch/armv7/include/arch/cp15.h, for test_asid.c: the CP15
 * accesses kernel/arch/armv7/asid.c makes become calls that append to a
 * log, so the test can check their order (docs/dispatch.md, section 6).
 * It is force-included (-include) before asid.c and defines cp15.h's
 * include guard, so the real header -- inline assembly -- is skipped.
 */
#ifndef SWITCH_CP15_H
#define SWITCH_CP15_H
#define ARCH_CP15_H

#include <stdint.h>

enum cp15_op { W_TTBR0, W_CONTEXTIDR, ISB, DSB, TLBIALL, TLBIASID };

struct cp15_event {
    enum cp15_op op;
    uint32_t value;
};

#define CP15_LOG_MAX 4096
extern struct cp15_event cp15_log[CP15_LOG_MAX];
extern unsigned cp15_count;
extern uint32_t fake_ttbr0, fake_ttbr1, fake_contextidr;

uint32_t cp15_read_ttbr0(void);
uint32_t cp15_read_ttbr1(void);
void cp15_write_ttbr0(uint32_t v);
void cp15_write_contextidr(uint32_t v);
void isb(void);
void dsb(void);
void tlb_invalidate_all(void);
void tlb_invalidate_asid(uint32_t asid);

#endif
