/*
 * kernel/arch/armv7/cache.S -- whole-cache maintenance by set/way.
 *
 * Walks every data/unified cache level up to the Level of Coherence as
 * CLIDR and CCSIDR describe them (ARM ARM B4.2.1 and B6.2.2).  It is used at
 * boot before the MMU is on, so it is position independent (the literal
 * pool is reached PC-relative) and uses no stack and no memory.
 */
    .text
    .syntax unified
    .arm
    .global dcache_all_by_setway
/*
 * dcache_all_by_setway -- maintain every line of every data cache level.
 *   in:       r0 = 1: clean and invalidate (DCCISW)
 *                  0: invalidate only (DCISW)
 *   clobbers: r0-r3, r7-r12, flags
 *   register use: r8 = CLIDR, r3 = 2*LoC, r10 = 2*level (the CSSELR/SW
 *   level field), r2 = log2(line bytes), r7 = ways-1, r11 = way shift,
 *   r9 = set counter, r1 = way counter, r12 = operation
 */
dcache_all_by_setway:
    mov     r12, r0
    mrc     p15, 1, r8, c0, c0, 1       @ CLIDR
    ands    r3, r8, #0x07000000         @ LoC, bits 26:24
    mov     r3, r3, lsr #23             @ r3 = 2 * LoC
    beq     4f                          @ LoC = 0: nothing to do
    mov     r10, #0
1:  add     r2, r10, r10, lsr #1        @ r2 = 3 * level: Ctype field offset
    mov     r1, r8, lsr r2
    and     r1, r1, #7
    cmp     r1, #2                      @ 0 none, 1 I-only: skip the level
    blt     3f
    mcr     p15, 2, r10, c0, c0, 0      @ CSSELR: this level, data side
    isb
    mrc     p15, 1, r1, c0, c0, 0       @ CCSIDR
    and     r2, r1, #7
    add     r2, r2, #4                  @ log2(line length in bytes)
    ldr     r7, =0x3ff
    ands    r7, r7, r1, lsr #3          @ associativity - 1
    clz     r11, r7                     @ the way number sits in the top bits
    ldr     r9, =0x7fff
    ands    r9, r9, r1, lsr #13         @ number of sets - 1
2:  mov     r1, r7
5:  orr     r0, r10, r1, lsl r11        @ level | way
    orr     r0, r0, r9, lsl r2          @       | set
    cmp     r12, #0
    mcrne   p15, 0, r0, c7, c14, 2      @ DCCISW: clean and invalidate
    mcreq   p15, 0, r0, c7, c6, 2       @ DCISW: invalidate
    subs    r1, r1, #1
    bge     5b
    subs    r9, r9, #1
    bge     2b
3:  add     r10, r10, #2
    cmp     r3, r10
    bgt     1b
4:  mov     r0, #0
    mcr     p15, 2, r0, c0, c0, 0       @ CSSELR back to level 1
    dsb
    isb
    bx      lr
    .ltorg
