/*
 * user/init -- the first domain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ram.h>

int main(int argc, char **argv)
{
    printf("init: started, %u KiB of RAM to hand out\n",
           (unsigned)(ram_free_bytes() / 1024));
    char *p = malloc(100000);
    for (int i = 0; i < 100000; i++) p[i] = i;
    printf("init: malloc ok\n");
    return 0;
}
