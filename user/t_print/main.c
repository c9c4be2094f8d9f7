/*
 * user/t_print -- prints 40 lines of 60 copies of one letter (argv[1]);
 * four of these at once must never mix inside a line.
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    char c = argc > 1 ? argv[1][0] : 'X';
    char line[61];
    memset(line, c, 60);
    line[60] = '\0';
    for (int i = 0; i < 40; i++) {
        printf("%s\n", line);
    }
    return 0;
}
