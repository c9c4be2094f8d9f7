/*
 * freestanding/arch/armv7/string.S -- memcpy, memmove, memset and strlen
 * for the kernel and for user programs (the kernel links it, and libsys.a
 * holds a copy built with the user flags).
 *
 * Why not the C library's: Debian's picolibc is built for size, and its
 * memcpy, memset and strlen handle one byte per loop pass -- three or four
 * instructions a byte.  The message paths copy and clear whole structures on every
 * call, so that dominated an RPC.  These move 32 bytes with one ldm/stm
 * pair when both pointers are word-aligned (the usual case: structures
 * and malloc'd buffers) -- 44 with eleven registers from 512 bytes on, the
 * bulk of a large RPC payload (copy_bulk, set_bulk) -- then single words,
 * then bytes.  Misaligned copies go byte by byte: rare, and always
 * correct.
 *
 * Linked before the C library, these definitions are the ones used.
 * All three follow the AAPCS: r0-r3 and r12 are scratch, r4-r11 are
 * saved where used.
 */
    .text
    .syntax unified
    .arm

/*
 * memcpy -- copy n bytes; the areas must not overlap.
 *   in:  r0 = dst, r1 = src, r2 = n
 *   out: r0 = dst
 * Aligned: from COPY_BULK bytes on, eight 44-byte ldm/stm pairs a pass
 * (copy_bulk); then two 32-byte pairs a pass from 64 bytes on (and one
 * pair for a 32-byte block left over), then 8-byte passes, then the last
 * 0-7 bytes by testing the bits of the count.
 */
#define COPY_BULK       512             /* at least one bulk pass, 352 */
#define BULK_PASS       352             /* 8 x 44 bytes */
    .global memcpy
    .type   memcpy, %function
memcpy:
    mov     r12, r0                     @ the return value
    orr     r3, r0, r1
    tst     r3, #3
    bne     copy_bytes                  @ misaligned: byte by byte
copy_aligned:
    subs    r2, r2, #64
    addlo   r2, r2, #64                 @ fewer than 64 bytes: n again
    blo     copy_small
    cmp     r2, #COPY_BULK - 64
    bhs     copy_bulk
    push    {r4-r10}
1:  ldm     r1!, {r3-r10}               @ 64 bytes a pass: 6 instructions,
    stm     r0!, {r3-r10}               @ 0.09 a byte (one 32-byte pair
    ldm     r1!, {r3-r10}               @ a pass was 0.16: the loop's
    stm     r0!, {r3-r10}               @ subs/branch paid twice as often)
    subs    r2, r2, #64
    bhs     1b
    tst     r2, #32                     @ r2 = bytes left - 64: bit 5 of
    ldmne   r1!, {r3-r10}               @ the bytes left says whether a
    stmne   r0!, {r3-r10}               @ 32-byte block remains
    pop     {r4-r10}
    and     r2, r2, #31                 @ 0-31 bytes left (left - 64 has
                                        @ the same bits 4:0 as left)
copy_small:
    subs    r2, r2, #8
    blo     copy_tail
    push    {r4}
2:  ldm     r1!, {r3-r4}                @ 8 bytes a pass
    stm     r0!, {r3-r4}
    subs    r2, r2, #8
    bhs     2b
    pop     {r4}
copy_tail:                              @ r2 = bytes left - 8: bits 2:0
    tst     r2, #4                      @ are the bytes left
    ldrne   r3, [r1], #4
    strne   r3, [r0], #4
    tst     r2, #2
    ldrhne  r3, [r1], #2
    strhne  r3, [r0], #2
    tst     r2, #1
    ldrbne  r3, [r1]
    strbne  r3, [r0]
    mov     r0, r12
    bx      lr
copy_bytes:
    subs    r2, r2, #1
    ldrbhs  r3, [r1], #1
    strbhs  r3, [r0], #1
    bhi     copy_bytes
    mov     r0, r12
    bx      lr

/*
 * copy_bulk -- memcpy's loop for large aligned copies (a large RPC
 * payload's megabyte, docs/rpc.md section 3): eleven registers a transfer,
 * r3-r12 and lr, so 352 bytes take 16 ldm/stm and the loop's subs and
 * branch -- 0.051 instructions a byte against the 64-byte loop's 0.094
 * (an ldm/stm counts once however many registers it moves: what -icount
 * measures; on the Cortex-A9 it is one beat per register either way,
 * TRM chapter 10, "Load/store multiple").
 *   in:  r0 = dst, r1 = src (both word aligned), r2 = n - 64 >= COPY_BULK - 64,
 *        r12 = the return value
 *   out: back to copy_aligned with r2 = the 0..351 bytes left, r0/r1
 *        advanced, r12 restored; r4-r11 and lr as they were
 */
copy_bulk:
    push    {r0, r4-r11, lr}            @ r0 keeps the return value's place
    sub     r2, r2, #BULK_PASS - 64     @ n - BULK_PASS >= 0
1:  ldm     r1!, {r3-r12, lr}
    stm     r0!, {r3-r12, lr}
    ldm     r1!, {r3-r12, lr}
    stm     r0!, {r3-r12, lr}
    ldm     r1!, {r3-r12, lr}
    stm     r0!, {r3-r12, lr}
    ldm     r1!, {r3-r12, lr}
    stm     r0!, {r3-r12, lr}
    ldm     r1!, {r3-r12, lr}
    stm     r0!, {r3-r12, lr}
    ldm     r1!, {r3-r12, lr}
    stm     r0!, {r3-r12, lr}
    ldm     r1!, {r3-r12, lr}
    stm     r0!, {r3-r12, lr}
    ldm     r1!, {r3-r12, lr}
    stm     r0!, {r3-r12, lr}
    subs    r2, r2, #BULK_PASS
    bhs     1b
    add     r2, r2, #BULK_PASS          @ 0..351 bytes left
    pop     {r12}                       @ the return value
    pop     {r4-r11, lr}
    b       copy_aligned
    .size   memcpy, . - memcpy

/*
 * memmove -- copy n bytes; the areas may overlap.
 *   in:  r0 = dst, r1 = src, r2 = n
 *   out: r0 = dst
 * Forwards is safe unless dst lies inside [src, src + n): then the copy
 * runs backwards, byte by byte (overlapping moves are rare).
 */
    .global memmove
    .type   memmove, %function
memmove:
    sub     r3, r0, r1                  @ dst - src (unsigned)
    cmp     r3, r2
    bhs     memcpy                      @ dst < src or dst >= src + n
    mov     r12, r0
1:  subs    r2, r2, #1
    ldrbhs  r3, [r1, r2]
    strbhs  r3, [r0, r2]
    bhi     1b
    mov     r0, r12
    bx      lr
    .size   memmove, . - memmove

/*
 * memset -- fill n bytes with the byte c.
 *   in:  r0 = dst, r1 = c, r2 = n
 *   out: r0 = dst
 * Bytes up to a word boundary, then as memcpy: from COPY_BULK bytes on
 * eight 44-byte stores a pass (set_bulk), 32-byte passes from 64 bytes
 * on, 8-byte passes, and the last 0-7 bytes by the bits of n.
 */
    .global memset
    .type   memset, %function
memset:
    mov     r12, r0                     @ the return value
    and     r1, r1, #0xff
    orr     r1, r1, r1, lsl #8
    orr     r1, r1, r1, lsl #16         @ c in all four bytes
    mov     r3, r1
1:  tst     r0, #3                      @ bytes up to a word boundary
    beq     2f
    subs    r2, r2, #1
    blo     set_done
    strb    r1, [r0], #1
    b       1b
2:  cmp     r2, #64
    blo     set_small
    cmp     r2, #COPY_BULK
    bhs     set_bulk
set_32:
    push    {r4-r9}
    mov     r4, r1
    mov     r5, r1
    mov     r6, r1
    mov     r7, r1
    mov     r8, r1
    mov     r9, r1
3:  stm     r0!, {r1, r3-r9}            @ 32 bytes a pass
    sub     r2, r2, #32
    cmp     r2, #32
    bhs     3b
    pop     {r4-r9}
set_small:
    subs    r2, r2, #8
    blo     set_tail
4:  stm     r0!, {r1, r3}               @ 8 bytes a pass
    subs    r2, r2, #8
    bhs     4b
set_tail:                               @ r2 = bytes left - 8: bits 2:0
    tst     r2, #4                      @ are the bytes left
    strne   r1, [r0], #4
    tst     r2, #2
    strhne  r1, [r0], #2
    tst     r2, #1
    strbne  r1, [r0]
set_done:
    mov     r0, r12
    bx      lr

/*
 * set_bulk -- memset's loop for large fills (picolibc's malloc clears
 * every block it hands out: a large RPC payload's megabyte, docs/rpc.md
 * section 3): eleven registers a store, as copy_bulk, 352 bytes in ten
 * instructions -- 0.028 a byte against the 32-byte loop's 0.125.
 *   in:  r0 = dst (word aligned), r1 = r3 = c in all four bytes,
 *        r2 = n >= COPY_BULK, r12 = the return value
 *   out: to set_32 with r2 = the 0..351 bytes left, r0 advanced, r1, r3
 *        and r12 as they were; r4-r11 and lr as they were
 */
set_bulk:
    push    {r4-r11, lr}
    push    {r12}
    mov     r4, r1
    mov     r5, r1
    mov     r6, r1
    mov     r7, r1
    mov     r8, r1
    mov     r9, r1
    mov     r10, r1
    mov     r11, r1
    mov     r12, r1
    mov     lr, r1
    sub     r2, r2, #BULK_PASS
1:  stm     r0!, {r3-r12, lr}
    stm     r0!, {r3-r12, lr}
    stm     r0!, {r3-r12, lr}
    stm     r0!, {r3-r12, lr}
    stm     r0!, {r3-r12, lr}
    stm     r0!, {r3-r12, lr}
    stm     r0!, {r3-r12, lr}
    stm     r0!, {r3-r12, lr}
    subs    r2, r2, #BULK_PASS
    bhs     1b
    add     r2, r2, #BULK_PASS          @ 0..351 bytes left
    pop     {r12}
    pop     {r4-r11, lr}
    cmp     r2, #64
    bhs     set_32
    b       set_small
    .size   memset, . - memset

/*
 * strlen -- the length of a NUL-terminated string.
 *   in:  r0 = s
 *   out: r0 = bytes before the NUL
 * Bytes up to a word boundary, then a word at a time: a word w holds a
 * zero byte exactly when (w - 0x01010101) & ~w & 0x80808080 is nonzero
 * (a byte that borrows through 0 sets its top bit, which ~w keeps only if
 * it was clear before).  Then the zero's place in that word, byte by byte.
 * Words are read only at aligned addresses, so never across a page the
 * string does not reach.
 */
    .global strlen
    .type   strlen, %function
strlen:
    mov     r1, r0                      @ the start
1:  tst     r0, #3
    beq     2f
    ldrb    r2, [r0], #1
    cmp     r2, #0
    bne     1b
    sub     r0, r0, r1
    sub     r0, r0, #1
    bx      lr
2:  ldr     r12, =0x01010101
3:  ldr     r2, [r0], #4
    sub     r3, r2, r12
    bic     r3, r3, r2
    tst     r3, r12, lsl #7             @ & 0x80808080
    beq     3b
    sub     r0, r0, #4                  @ back to that word
4:  ldrb    r2, [r0], #1
    cmp     r2, #0
    bne     4b
    sub     r0, r0, r1
    sub     r0, r0, #1
    bx      lr
    .size   strlen, . - strlen
    .ltorg
