/*
 * user/apps/memeater -- a demonstration of the memory server: takes N MiB
 * (argv[1], default 16) in 1 MiB pieces, shows free memory before and
 * after, and holds it: in the foreground until you press Enter, in the
 * background until it is killed.  Either way the memory server gets all
 * of it back when the domain ends.
 *   sprat> free
 *   sprat> start memeater 8
 *   sprat> free
 *   sprat> kill ID
 *   sprat> free
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/rpc.h>
#include <sys/stdio_backend.h>
#include <if/init.h>
#include <if/memserv.h>

#define MIB (1024u * 1024)

static unsigned free_kib(void)
{
    size_t ms_free = 0, ms_total = 0, init_free = 0;
    rpc_mem_info(get_init_rpc(), &ms_free, &ms_total, &init_free);
    return (unsigned)((ms_free + init_free) >> 10);
}

int main(int argc, char **argv)
{
    unsigned want = argc > 1 ? (unsigned)atoi(argv[1]) : 16;
    unsigned got = 0;
    errval_t err = SYS_ERR_OK;
    printf("memeater: free memory %u KiB; taking %u MiB\n", free_kib(), want);
    while (got < want) {
        struct capref ram;
        err = rpc_get_ram_cap(get_memserv_rpc(), MIB, BASE_PAGE_SIZE, &ram, NULL);
        if (err_is_fail(err)) {
            printf("memeater: the memory server refused MiB %u: %s (%s)\n", got + 1,
                   err_getcode(err), err_getstring(err));
            break;
        }
        got++;
    }
    printf("memeater: holding %u MiB; free memory now %u KiB\n", got, free_kib());
    printf("memeater: press Enter to give it back (in the background: kill me)\n");
    char line[8];
    if (!stdio_read_line(line, sizeof(line))) {
        for (;;) {
            event_dispatch(get_default_waitset());  /* nothing comes: sleep */
        }
    }
    return 0;
}
