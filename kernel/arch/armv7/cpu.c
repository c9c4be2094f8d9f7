/*
 * kernel/arch/armv7/cpu.c -- decoding the Main ID Register for the banner,
 * and closing user access to registers every domain would share
 * (docs/dispatch.md, section 4).
 */
#include <kernel.h>
#include <arch/cpu.h>

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


/* ID_PFR0.State3 (bits 15:12): 1 if ThumbEE is implemented (ARM ARM
 * B4.1.91); the Cortex-A9 has it. */
#define ID_PFR0_THUMBEE(pfr0)   (((pfr0) >> 12) & 0xf)
#define TEECR_XED               1u      /* user access to TEEHBR: UNDEFINED */

/*
 * TEEHBR, the ThumbEE handler base, is a register user mode may read and
 * write unless TEECR.XED is set (ARM ARM, chapter A2, "Thumb Execution
 * Environment": TEECR and TEEHBR).  Nothing in Sprat uses ThumbEE, so instead of
 * switching it with every dispatcher we take it away: a user access is
 * then an undefined instruction.  Without this, a value one domain writes
 * there is read by the next (tests/user/t_switch).
 */
void cpu_close_user_registers(void)
{
    /* CPACR = 0: no access to CP10/CP11 (VFP, Advanced SIMD) at any level
     * (ARM ARM B4.1.40).  Everything is built soft-float, so no VFP
     * register is ever switched: a boot loader that granted access must
     * not leave them shared. */
    __asm__ volatile("mcr p15, 0, %0, c1, c0, 2" :: "r"(0) : "memory");
    uint32_t pfr0;
    __asm__ volatile("mrc p15, 0, %0, c0, c1, 0" : "=r"(pfr0));
    if (ID_PFR0_THUMBEE(pfr0) != 0) {
        __asm__ volatile("mcr p14, 6, %0, c0, c0, 0" :: "r"(TEECR_XED) : "memory");
    }
    __asm__ volatile("isb" ::: "memory");
}
