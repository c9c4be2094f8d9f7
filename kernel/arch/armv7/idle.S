/*
 * kernel/arch/armv7/idle.S -- what the CPU runs when no dispatcher is
 * runnable.
 *
 * The scheduler "dispatches" the idle loop like a dispatcher: it writes this
 * address, SVC mode with IRQs enabled and sp = the top of the SVC stack
 * into the trap frame and leaves through exception_return.  An interrupt
 * then saves a frame at the very top of the stack, exactly where an entry
 * from user mode would, so the kernel stack is empty again after every
 * switch (docs/architecture.md).
 *
 *   in:  SVC mode, IRQs unmasked, sp = svc_stack_top
 *   out: never returns; an IRQ leaves it through the exception vectors
 */
#include <arch/trap.h>

    .text
    .syntax unified
    .arm
    .global idle_loop
idle_loop:
    dsb                                 @ finish outstanding memory traffic
    wfi                                 @ sleep until an interrupt
    b       idle_loop

/*
 * sched_start -- leave kernel_main for good: put a trap frame at the top of
 * the SVC stack (exactly where an exception from user mode puts one), let
 * the scheduler fill it in, and "return" through it.  kernel_main's own
 * stack frame is abandoned, which is why this cannot be C.
 *   in:  nothing
 *   out: does not return
 */
    .global sched_start
sched_start:
    ldr     sp, =svc_stack_top
    sub     sp, sp, #TF_SIZE            @ the frame
    mov     r4, sp
    bic     sp, sp, #7                  @ AAPCS: 8-byte aligned for the call
    mov     r0, r4
    bl      sched_dispatch_first
    mov     sp, r4
    b       exception_return
