/*
 * user/t_disabled -- the enabled/disabled discipline: a dispatcher
 * preempted while disabled resumes exactly where it was (no run()
 * upcall); one preempted while enabled comes back through run().
 */
#include <stdio.h>
#include <sys/disp.h>
#include <sys/threads.h>
#include <sys/systest.h>

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
    uint32_t saved_pc = *saved;
    uint32_t runs_after = disp_run_count();
    disp_enable();
    if (saved_pc == 0 || runs_after != runs) {
        printf("# saved pc %#x after %u spins, run() upcalls %u -> %u\n",
               (unsigned)saved_pc, (unsigned)spins, (unsigned)runs, (unsigned)runs_after);
    }
    test_report(saved_pc != 0 && runs_after == runs,
                "preempted while disabled: resumed in place, no run() upcall");

    /* Enabled: spin until run() has been entered. */
    runs = disp_run_count();
    spins = 0;
    while (disp_run_count() == runs && spins < 200000000u) {
        spins++;
    }
    test_report(disp_run_count() > runs, "preempted while enabled: re-entered through run()");
    return 0;
}
