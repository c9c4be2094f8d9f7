/*
 * user/t_mem -- asks the memory server for RAM in 64 KiB pieces until it
 * refuses: the refusal must be the quota error, exactly argv[1] KiB must
 * have been granted, and no two grants may overlap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/rpc.h>
#include <sys/systest.h>

#define PIECE (64 * 1024)
#define MAX_PIECES 512

int main(int argc, char **argv)
{
    uint32_t quota = (argc > 1 ? (uint32_t)atoi(argv[1]) : 2048) * 1024;
    static struct capability_info got[MAX_PIECES];
    unsigned n = 0;
    size_t total = 0;
    errval_t err = SYS_ERR_OK;

    while (n < MAX_PIECES) {
        struct capref ram;
        size_t bytes;
        err = rpc_get_ram_cap(get_memserv_rpc(), PIECE, 4096, &ram, &bytes);
        if (err_is_fail(err)) {
            break;
        }
        cap_identify(ram, &got[n++]);
        total += bytes;
    }
    bool disjoint = true;
    for (unsigned i = 0; i < n; i++) {
        for (unsigned j = i + 1; j < n; j++) {
            if (got[i].base < got[j].base + got[j].bytes &&
                got[j].base < got[i].base + got[i].bytes) {
                disjoint = false;
            }
        }
    }
    test_report(err == MM_ERR_QUOTA_EXCEEDED, "memserv refuses beyond the quota: %s",
                err_getcode(err));
    test_report(total == quota, "memserv granted exactly the quota: %u of %u KiB",
                (unsigned)(total >> 10), (unsigned)(quota >> 10));
    test_report(disjoint, "%u grants, no two overlap", n);
    return 0;
}
