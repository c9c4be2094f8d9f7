/*
 * tests/kernel/fault_catch_asm.S -- setjmp/longjmp for fault_catch() and
 * a few instructions that fault on purpose.
 */
    .text
    .syntax unified
    .arm

    .global fault_catch_setjmp
/*
 * fault_catch_setjmp -- save the caller's callee-saved state.
 *   in:  r0 = struct fault_jmp *
 *   out: r0 = 0 (and later 1, when fault_catch_longjmp returns here)
 */
fault_catch_setjmp:
    stmia   r0, {r4-r11, sp, lr}
    mov     r0, #0
    bx      lr

    .global fault_catch_longjmp
/*
 * fault_catch_longjmp -- return from fault_catch_setjmp a second time.
 *   in:  r0 = struct fault_jmp *, r1 = value to return
 */
fault_catch_longjmp:
    ldmia   r0, {r4-r11, sp, lr}
    mov     r0, r1
    bx      lr

    .global fault_catch_landing
/*
 * fault_catch_landing -- where the fault handler resumes a caught fault.
 *   in:  r0 = struct fault_jmp * (set in the trap frame)
 */
fault_catch_landing:
    mov     r1, #1
    b       fault_catch_longjmp

    .global ktest_undefined_insn
/*
 * ktest_undefined_insn -- its first instruction is permanently undefined
 * (UDF #0, ARM ARM A8.8.247), so the fault address is the function's.
 */
ktest_undefined_insn:
    .word   0xe7f000f0
    bx      lr
