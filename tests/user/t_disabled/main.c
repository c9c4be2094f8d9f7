/*
 * tests/user/t_disabled -- the enabled/disabled discipline: a dispatcher
 * preempted while disabled resumes exactly where it was (no run()
 * upcall); one preempted while enabled comes back through run().
 */
#include <stdio.h>
#include <sys/disp.h>
#include <sys/threads.h>
#include <systest.h>

int main(void)
{
    struct dispatcher_shared *sh = disp_shared();

    /* Disabled: wait until the kernel has saved us to the disabled area. */
    disp_disable();
    uint32_t runs = disp_run_count();
    /* The kernel writes the save area behind the compiler's back. */
    volatile uint32_t *saved = &sh->disabled_area.pc;
    *saved = 0;
    volatile uint32_t spins = 0;
    while (*saved == 0 && spins < 200000000u) {
        spins++;
    }
    uint32_t saved_pc = *saved, saved_sp = sh->disabled_area.sp, loop_sp;
    __asm__ volatile("mov %0, sp" : "=r"(loop_sp));
    uint32_t runs_after = disp_run_count();
    disp_enable();
    if (saved_pc == 0 || runs_after != runs || saved_sp != loop_sp) {
        printf("# saved pc %#x sp %#x (ours %#x) after %u spins, run() upcalls %u -> %u\n",
               (unsigned)saved_pc, (unsigned)saved_sp, (unsigned)loop_sp, (unsigned)spins,
               (unsigned)runs, (unsigned)runs_after);
    }
    test_report(saved_pc != 0 && runs_after == runs && saved_sp == loop_sp,
                "preempted while disabled: saved to the disabled area, resumed in place, "
                "no run() upcall");

    /* Enabled: spin until the kernel has saved us to the enabled area
     * (its pc is no longer the 0 we put there), which happens when it
     * preempts us; we come back through run().  The saved context must be
     * the spin loop's own: its pc inside the loop, its stack pointer. */
    uint32_t pc, sp, my_sp, lo, hi, left = 400000000u;
    runs = disp_run_count();
    __asm__ volatile(
        "   mov   %[my_sp], sp\n"
        "   adr   %[lo], 1f\n"
        "   adr   %[hi], 3f\n"
        "   mov   %[pc], #0\n"
        "1: str   %[pc], [%[area], #60]\n"     /* enabled_area.pc = 0 */
        "2: ldr   %[pc], [%[area], #60]\n"
        "   cmp   %[pc], #0\n"
        "   bne   3f\n"
        "   subs  %[left], %[left], #1\n"
        "   bne   2b\n"
        "3: ldr   %[sp], [%[area], #52]\n"      /* enabled_area.sp */
        "4:\n"
        : [pc] "=&r"(pc), [sp] "=&r"(sp), [my_sp] "=&r"(my_sp), [lo] "=&r"(lo),
          [hi] "=&r"(hi), [left] "+r"(left)
        : [area] "r"(&sh->enabled_area)
        : "cc", "memory");
    uint32_t runs_now = disp_run_count();
    if (pc < lo || pc > hi || sp != my_sp) {
        printf("# enabled area: pc %#x (loop %#x-%#x), sp %#x (ours %#x)\n", (unsigned)pc,
               (unsigned)lo, (unsigned)hi, (unsigned)sp, (unsigned)my_sp);
    }
    test_report(runs_now > runs, "preempted while enabled: re-entered through run()");
    test_report(pc >= lo && pc <= hi && sp == my_sp,
                "preempted while enabled: the thread's context is in the enabled area");
    return 0;
}
