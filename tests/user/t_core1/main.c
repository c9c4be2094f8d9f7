/*
 * tests/user/t_core1 -- a domain on the second core (docs/multikernel.md,
 * "Domains on core 1"), started from a boot list as "@core 1 t_core1 ...":
 *   t_core1 report CORE   it runs on core CORE (its domain id says so), its
 *                         init and memory server are that core's (the
 *                         memory server's total is that core's RAM, not the
 *                         boot core's), and memory from it works
 *   t_core1 fault         faults; its init reports and removes it
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/disp.h>
#include <sys/rpc.h>
#include <sprat/domain_id.h>
#include <systest.h>
#include <if/init.h>

/* A core other than the boot core has 32 MiB in all (kernel/smp.c,
 * SMP_CORE_RAM_BYTES): its memory server can have no more. */
#define CORE_RAM_KIB    (32u * 1024)

static int report(unsigned core)
{
    uint32_t id = disp_domain_id();
    printf("t_core1: running on core %u as domain %u\n", domain_id_core(id), (unsigned)id);
    test_report(domain_id_core(id) == core && domain_id_valid(id),
                "t_core1: its domain id %u names core %u", (unsigned)id, core);
    size_t mm_free = 0, mm_total = 0, init_free = 0;
    errval_t err = rpc_mem_info(get_init_rpc(), &mm_free, &mm_total, &init_free);
    bool small = mm_total > 0 && (mm_total >> 10) < CORE_RAM_KIB;
    test_report(err_is_ok(err) && small == (core != 0),
                "t_core1: core %u's memory server has %u KiB", core,
                (unsigned)(mm_total >> 10));
    /* More than a domain starts with: the rest comes from the memory server. */
    size_t bytes = 6u << 20;
    char *p = malloc(bytes);
    if (p != NULL) {
        memset(p, 0x5a, bytes);
    }
    test_report(p != NULL && p[bytes - 1] == 0x5a, "t_core1: 6 MiB from core %u's memory",
                core);
    free(p);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "report") == 0) {
        return report((unsigned)atoi(argv[2]));
    }
    if (argc > 1 && strcmp(argv[1], "fault") == 0) {
        printf("t_core1: faulting on core %u\n", domain_id_core(disp_domain_id()));
        *(volatile int *)0 = 1;
        return 1;
    }
    printf("t_core1: usage: t_core1 report CORE | fault\n");
    return 2;
}
