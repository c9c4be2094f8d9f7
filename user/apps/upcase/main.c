/*
 * user/apps/upcase -- a demonstration of terminal input: reads lines from
 * stdin (through the serial driver, which gives keys only to the
 * foreground domain) and prints them in capitals.  An empty line ends it.
 *   sprat> run upcase
 */
#include <ctype.h>
#include <stdio.h>
#include <sys/stdio_backend.h>

int main(void)
{
    char line[128];
    printf("upcase: type lines; an empty line ends\n");
    while (stdio_read_line(line, sizeof(line)) && line[0] != '\0') {
        for (char *p = line; *p; p++) {
            *p = (char)toupper((unsigned char)*p);
        }
        printf("%s\n", line);
    }
    return 0;
}
