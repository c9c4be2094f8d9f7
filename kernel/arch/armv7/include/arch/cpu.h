/*
 * kernel/arch/armv7/include/arch/cpu.h -- identifying the processor; the
 * user-accessible registers the kernel closes.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <types.h>

/* MIDR fields (ARM ARM B4.1.105). */
struct cpu_id {
    uint32_t midr;
    uint8_t implementer;        /* bits 31:24, 0x41 = ARM */
    uint8_t variant;            /* bits 23:20, the "r" of rNpN */
    uint8_t architecture;       /* bits 19:16, 0xf = see CPUID scheme */
    uint16_t part;              /* bits 15:4 */
    uint8_t revision;           /* bits 3:0, the "p" of rNpN */
    const char *implementer_name;
    const char *part_name;
};

void cpu_identify(uint32_t midr, struct cpu_id *id);
/* Before the first domain runs: no user access to TEEHBR or VFP (cpu.c). */
void cpu_close_user_registers(void);

#endif
