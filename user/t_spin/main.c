/*
 * user/t_spin -- burns CPU for several time slices without yielding, then
 * exits: two of these started together must both finish (round robin).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/systest.h>

int main(int argc, char **argv)
{
    volatile uint32_t x = 0;
    uint32_t n = argc > 1 ? (uint32_t)atoi(argv[1]) : 5000000u;
    for (uint32_t i = 0; i < n; i++) {
        x += i;
    }
    return test_report(x != 1, "%s: spun %u iterations and was not starved",
                       argc > 2 ? argv[2] : "t_spin", (unsigned)n) ? 0 : 1;
}
