/*
 * tests/user/t_paging -- the paging library: frames mapped where asked or where
 * there is room (L2 tables made on demand), and lazily backed memory --
 * the heap, the main thread's stack, regions from paging_alloc_lazy --
 * whose pages get frames in the page-fault upcall when first touched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/paging.h>
#include <sys/ram.h>
#include <systest.h>
#include <sprat/vm_layout.h>

#define PAGE    4096u
#define MIB     (1u << 20)

void *sbrk(ptrdiff_t increment);

/* Faults served since the last call. */
static uint32_t new_faults(void)
{
    static uint32_t last;
    uint32_t now = paging_faults_served();
    uint32_t n = now - last;
    last = now;
    return n;
}

static void lazy_heap(void)
{
    const uint32_t bytes = 2 * MIB;

    /* picolibc's malloc zero-fills every block it hands out, so each page
     * of a fresh block is first touched -- and backed -- right there. */
    new_faults();
    volatile uint8_t *p = malloc(bytes);
    uint32_t served = new_faults();
    if (p == NULL) {
        test_report(false, "malloc of 2 MiB");
        return;
    }
    test_report(served >= bytes / PAGE && served <= bytes / PAGE + 2 &&
                p[0] == 0 && p[bytes - 1] == 0,
                "malloc of 2 MiB: the pagefault upcall backs its pages (%u faults)",
                (unsigned)served);
    free((void *)p);
    p = malloc(bytes);
    test_report(p != NULL && new_faults() == 0,
                "freed heap memory is reused without new faults");
    free((void *)p);

    /* The heap region below the break is backed page by page, on first
     * touch only. */
    uint8_t *raw = sbrk(MIB + PAGE);
    volatile uint8_t *q = (uint8_t *)(((uint32_t)raw + PAGE - 1) & ~(PAGE - 1));
    uint32_t up_front = new_faults();
    q[0] = 1;
    q[MIB / 2] = 2;
    q[MIB - 1] = 3;
    served = new_faults();
    test_report(raw != (void *)-1 && up_front == 0 && served == 3 && q[1] == 0 &&
                q[MIB / 2] == 2 && q[MIB - 1] == 3,
                "growing the heap backs nothing; three touched pages, three faults (%u, %u)",
                (unsigned)up_front, (unsigned)served);

    /* Far more than the domain has: NULL, and the domain goes on. */
    void *huge = malloc(256 * MIB);
    test_report(huge == NULL, "a 256 MiB malloc the domain cannot back returns NULL");
    free(huge);

    /* The page-fault handler backs heap pages only below the break. */
    uint32_t brk = (uint32_t)sbrk(0);
    uint32_t above = (brk + 2 * MIB) & ~(PAGE - 1);
    test_report(paging_handle_fault(above) == LIB_ERR_PAGEFAULT &&
                paging_handle_fault(0x00001000) == LIB_ERR_PAGEFAULT &&
                paging_handle_fault(0x78000000) == LIB_ERR_PAGEFAULT &&
                new_faults() == 0,
                "no page is backed above the heap's break, in the NULL guard or unreserved space");
}

static void lazy_region(void)
{
    uint32_t va;
    errval_t err = paging_alloc_lazy(&va, 4 * MIB);
    if (!test_report(err_is_ok(err), "paging_alloc_lazy reserves 4 MiB")) {
        return;
    }
    new_faults();
    volatile uint32_t *w = (volatile uint32_t *)va;
    w[0] = 0x11111111;
    w[(MIB + 8) / 4] = 0x22222222;              /* another MiB: another L2 table */
    w[(4 * MIB - 4) / 4] = 0x33333333;
    test_report(new_faults() == 3 && w[0] == 0x11111111 && w[(MIB + 8) / 4] == 0x22222222 &&
                w[(4 * MIB - 4) / 4] == 0x33333333 && w[1] == 0,
                "a lazy region: three touched pages, three frames, zero-filled");
}

/* Uses about 1 KiB of stack per level. */
static uint32_t deep(uint32_t n)
{
    volatile uint8_t buf[1000];
    buf[n % sizeof(buf)] = (uint8_t)n;
    if (n == 0) {
        return buf[0];
    }
    return deep(n - 1) + buf[n % sizeof(buf)] - (uint8_t)n + 1;
}

static void stack_growth(void)
{
    new_faults();
    uint32_t r = deep(300);                     /* ~300 KiB: past the 64 KiB mapped */
    uint32_t served = new_faults();
    test_report(r == 300 && served >= 40,
                "the main thread's stack grows on demand (%u faults)", (unsigned)served);
}

static void mapping(void)
{
    struct capref frame, copy;
    uint32_t alias;

    if (err_is_fail(frame_alloc(&frame, 4 * PAGE)) || err_is_fail(slot_alloc(&copy)) ||
        err_is_fail(cap_copy(copy, frame))) {
        test_report(false, "paging: a frame and a copy of it");
        return;
    }
    /* A fixed address two pages below a MiB boundary: two L2 tables. */
    uint32_t fixed = 0x78200000 - 2 * PAGE;      /* between heap and stack */
    errval_t err = paging_map_fixed(fixed, frame, 4 * PAGE, VREGION_FLAGS_READ_WRITE);
    test_report(err_is_ok(err), "paging_map_fixed across a MiB boundary: %s", err_getcode(err));
    errval_t err2 = paging_map_frame(&alias, copy, 4 * PAGE, VREGION_FLAGS_READ);
    if (err_is_ok(err) && err_is_ok(err2)) {
        for (uint32_t i = 0; i < 4; i++) {
            ((volatile uint32_t *)fixed)[i * PAGE / 4] = 0xa0 + i;
        }
        bool same = true;
        for (uint32_t i = 0; i < 4; i++) {
            same &= ((volatile uint32_t *)alias)[i * PAGE / 4] == 0xa0 + i;
        }
        test_report(same, "a second mapping of the frame sees the same memory");
    }
    struct capref other;
    if (err_is_ok(frame_alloc(&other, PAGE))) {
        test_report(paging_map_fixed(fixed + PAGE, other, PAGE, VREGION_FLAGS_READ_WRITE) ==
                        LIB_ERR_VREGION_OVERLAP &&
                    paging_map_fixed(USER_HEAP_BASE, other, PAGE, VREGION_FLAGS_READ_WRITE) ==
                        LIB_ERR_VREGION_OVERLAP &&
                    paging_map_fixed(DISP_GUARD_VADDR, other, PAGE, VREGION_FLAGS_READ_WRITE) ==
                        LIB_ERR_VREGION_OVERLAP,
                    "paging_map_fixed refuses a range in use, the heap, the upcall stack's guard");
        mem_free(other);
    }
    uint64_t free_before = paging_free_vspace_bytes();
    test_report(err_is_ok(paging_unmap(fixed, 4 * PAGE)) &&
                err_is_ok(paging_unmap(alias, 4 * PAGE)) &&
                paging_free_vspace_bytes() == free_before + 8 * PAGE,
                "unmapping gives the address ranges back");
    /* The range is free again: the frame can go back at the same place. */
    err = paging_map_fixed(fixed, frame, 4 * PAGE, VREGION_FLAGS_READ);
    test_report(err_is_ok(err) && ((volatile uint32_t *)fixed)[PAGE / 4] == 0xa1,
                "the same range maps again after the unmap");
    paging_unmap(fixed, 4 * PAGE);
    cap_delete(copy);
    slot_free(copy);
    mem_free(frame);
}

int main(void)
{
    lazy_heap();
    lazy_region();
    stack_growth();
    mapping();
    return 0;
}
