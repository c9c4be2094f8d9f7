/*
 * kernel/arch/armv7/cpu.c -- decoding the Main ID Register for the banner,
 * and starting the performance monitor's cycle counter for benchmarks.
 */
#include <kernel.h>
#include <arch/cpu.h>
#include <arch/cp15.h>

#define IMPLEMENTER_ARM     0x41

static const struct {
    uint16_t part;
    const char *name;
} arm_parts[] = {
    { 0xc05, "Cortex-A5" },
    { 0xc07, "Cortex-A7" },
    { 0xc08, "Cortex-A8" },
    { 0xc09, "Cortex-A9" },
    { 0xc0d, "Cortex-A12" },
    { 0xc0e, "Cortex-A17" },
    { 0xc0f, "Cortex-A15" },
};

static const char *implementer_name(uint8_t imp)
{
    switch (imp) {
    case IMPLEMENTER_ARM: return "ARM";
    case 0x51: return "Qualcomm";
    case 0x56: return "Marvell";
    case 0x69: return "Intel";
    default:   return "unknown implementer";
    }
}

void cpu_identify(uint32_t midr, struct cpu_id *id)
{
    id->midr = midr;
    id->implementer = midr >> 24;
    id->variant = (midr >> 20) & 0xf;
    id->architecture = (midr >> 16) & 0xf;
    id->part = (midr >> 4) & 0xfff;
    id->revision = midr & 0xf;
    id->implementer_name = implementer_name(id->implementer);
    id->part_name = "unknown part";
    if (id->implementer == IMPLEMENTER_ARM) {
        for (size_t i = 0; i < ARRAY_SIZE(arm_parts); i++) {
            if (arm_parts[i].part == id->part) {
                id->part_name = arm_parts[i].name;
            }
        }
    }
}

/*
 * The cycle counter (ARM ARM C12): PMCR.E enables the performance
 * monitor, PMCR.C zeroes the cycle counter (PMCR.D = 0: it counts every
 * cycle, not every 64th), PMCNTENSET bit 31 starts it, and PMUSERENR.EN
 * lets user mode read it -- one instruction, no system call, which is
 * what libsys' timing library wants (docs/lmp.md, "Measuring").  User
 * mode may then also reset or stop it: that can only spoil measurements,
 * never the system.  Where a CPU model has no working counter (QEMU's
 * Cortex-A9 reads 0), the library sees it not advance and falls back to
 * the global timer.
 */
#define PMCR_E          (1u << 0)
#define PMCR_C          (1u << 2)
#define PMCNTEN_CYCLES  (1u << 31)
#define PMUSERENR_EN    (1u << 0)

void cpu_pmu_enable(void)
{
    cp15_write_pmcr(PMCR_E | PMCR_C);
    cp15_write_pmovsr(PMCNTEN_CYCLES);      /* clear a stale overflow */
    cp15_write_pmcntenset(PMCNTEN_CYCLES);
    cp15_write_pmuserenr(PMUSERENR_EN);
    isb();
}
