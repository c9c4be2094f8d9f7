/*
 * libsys/arch/armv7/resume.S -- saving and resuming thread contexts
 * (docs/dispatch.md).  Both use struct save_area (<sprat/dispatcher.h>):
 * r0-r12 at 0, sp at 52, lr at 56, pc at 60, cpsr at 64.
 */
    .text
    .syntax unified
    .arm

/*
 * context_save -- like setjmp: record the caller's callee-saved state.
 *   in:  r0 = struct save_area *
 *   out: r0 = 0 now; when the context is later resumed, execution returns
 *        from this call a second time with r0 = 1
 */
    .global context_save
    .type   context_save, %function
context_save:
    mov     r1, #1
    str     r1, [r0]                    @ r0 as resumed: 1
    add     r1, r0, #16
    stm     r1, {r4-r12}                @ r4-r12 (r12 for completeness)
    str     sp, [r0, #52]
    str     lr, [r0, #56]
    str     lr, [r0, #60]               @ resume at our return address
    mrs     r1, apsr
    str     r1, [r0, #64]
    mov     r0, #0
    bx      lr
    .size   context_save, . - context_save

/*
 * disp_resume -- leave disabled mode and jump into a thread's context.
 *   in:  r0 = struct save_area * (pc with bit 0 set for Thumb code),
 *        r1 = &dispatcher_shared.disabled; called disabled
 *   out: does not return
 *
 * Between the store that enables the dispatcher and the ldm that loads the
 * thread's registers, a preemption saves *this* code's registers to the
 * enabled area.  run() recognises a pc inside [resume_window_start,
 * resume_window_end) and resumes the thread from its control block again
 * instead, which is correct because the control block was never changed.
 */
    .global disp_resume
    .global resume_window_start
    .global resume_window_end
    .type   disp_resume, %function
disp_resume:
    ldr     r2, [r0, #64]
    msr     APSR_nzcvqg, r2             @ the thread's condition flags
    mov     r2, #0
resume_window_start:
    str     r2, [r1]                    @ enabled from here on
    ldm     r0, {r0-r12, sp, lr, pc}    @ everything, pc last (interworks)
resume_window_end:
    .size   disp_resume, . - disp_resume
