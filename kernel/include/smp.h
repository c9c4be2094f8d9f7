/*
 * kernel/include/smp.h -- more than one core: each runs its own CPU driver
 * (the multikernel; docs/multikernel.md, "Booting a core").
 *
 * Every core has its own copy of the kernel's .data, .bss, page tables and
 * stacks (the per-core region of linker/kernel.ld.S), mapped at the same
 * kernel virtual address by that core's own kernel_l1, so the kernel's C
 * code and its assembly fast paths read "their" globals without knowing
 * which core they run on.  The only memory the CPU drivers share is the
 * .shared section: the boot hand-over below and the console lock.
 */
#ifndef SPRAT_SMP_H
#define SPRAT_SMP_H

/* Cores Sprat can run (the Cortex-A9 MPCore of the PandaBoard has two). */
#define SMP_MAX_CORES       2

/* struct smp_boot's fields as boot.S reads them (MMU off). */
#define SMP_BOOT_TTBR0      0
#define SMP_BOOT_TTBR1      4
#define SMP_BOOT_CORE       8

/* The SGI that wakes a core (QEMU's vexpress boot stub, and a core idle
 * waiting for UMP messages). */
#define SMP_SGI_WAKE        0

#ifndef __ASSEMBLY__
#include <types.h>
#include <sprat/errors.h>

/*
 * What the boot core leaves for a starting core, cleaned to memory: the
 * new core reads it with its MMU and caches off (boot.S,
 * _start_secondary).
 */
struct smp_boot {
    uint32_t ttbr0;             /* an identity map for the MMU switch-on */
    uint32_t ttbr1;             /* the core's own kernel_l1 */
    uint32_t core;
    volatile uint32_t up[SMP_MAX_CORES];    /* set by the core once it runs */
};

/* This CPU driver's core (per-core variable; 0 on the boot core). */
extern unsigned my_core;

/* Start core `core` (KernelCmd_StartCore): SYS_ERR_OK once it reported. */
errval_t smp_start_core(uint32_t core);

/* RAM split at boot (docs/multikernel.md, "Memory"): every core but the
 * boot core gets SMP_CORE_RAM_BYTES at the top of RAM for its own init;
 * the first page of core 1's share is the frame the inits share (their
 * first UMP channel), known on both cores and in no RAM capability. */
#define SMP_CORE_RAM_BYTES  (32u << 20)
struct smp_ram {
    paddr_t base, end;          /* this core's init gets [base, end) */
    paddr_t shared_frame;       /* the page shared by the cores' inits */
};
void smp_core_ram(unsigned core, struct smp_ram *ram);

/* RAM after the kernel image kept back for the other cores' copies of
 * the per-core region (startup.c); 0 on a board with one core. */
size_t smp_reserved_bytes(void);

/*
 * Waking a UMP receiver on another core (docs/multikernel.md, "UMP"):
 * smp_wake_core raises the wake SGI there; that core's handler makes its
 * wake target runnable if it is blocked, else remembers the wake, which
 * the target's next blocking yield then takes (smp_take_wake) instead of
 * blocking -- so a wake that comes between "the ring is empty" and the
 * yield is not lost.
 */
errval_t smp_wake_core(uint32_t core);
struct dcb;
void smp_set_wake_target(struct dcb *d);
bool smp_take_wake(struct dcb *d);
void smp_forget_dcb(struct dcb *d);     /* d is being destroyed */

/* This core's init: built (startup.c), and any dispatcher's stop
 * (dispatch_stop): when it is init's, the other cores' inits are told
 * through the core frame (<sprat/core_frame.h>) and woken, and a core
 * other than the boot core stops (docs/multikernel.md, section 7.1). */
void smp_init_built(struct dcb *d);
void smp_dispatcher_stopped(struct dcb *d);

/* This core's interrupt handlers for the other cores' SGIs (every core,
 * after its GIC is up). */
void smp_init_core(void);

/* The secondary core's C entry (boot.S). */
void kernel_secondary_main(uint32_t core);

/* Board code (kernel/plat/<board>/): how many cores the board has, and
 * how to start one at the physical address entry_pa (MMU off, SVC or Hyp
 * mode).  SYS_ERR_OK if the board accepted the request. */
unsigned plat_num_cores(void);
errval_t plat_start_core(unsigned core, paddr_t entry_pa);
/* A secondary core's devices: map them into its own table, reset nothing
 * the boot core set up. */
void plat_init_secondary(void);
void plat_irq_init_secondary(void);
#endif

#endif
