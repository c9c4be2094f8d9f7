/*
 * tests/user/t_args -- the command line and the environment a domain is
 * started with.  The boot list starts it twice:
 *   GREETING=hello-world EMPTY= t_args full two three
 *   t_args none
 * and it checks exactly what those lines must give it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/disp.h>
#include <systest.h>

extern char **environ;

static unsigned env_count(void)
{
    unsigned n = 0;
    while (environ[n] != NULL) {
        n++;
    }
    return n;
}

static bool str_is(const char *s, const char *want)
{
    return s != NULL && strcmp(s, want) == 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";

    test_report(str_is(argv[0], "t_args") && str_is(disp_name(), "t_args") &&
                argv[argc] == NULL, "%s: argv[0] and the domain's name", mode);
    if (strcmp(mode, "full") == 0) {
        test_report(argc == 4 && str_is(argv[2], "two") && str_is(argv[3], "three"),
                    "full: the arguments arrive in order (argc %d)", argc);
        test_report(env_count() == 2 && str_is(getenv("GREETING"), "hello-world") &&
                    str_is(getenv("EMPTY"), "") && getenv("MISSING") == NULL &&
                    getenv("t_args") == NULL,
                    "full: the environment is GREETING and EMPTY (%u entries)", env_count());
        /* setenv copies environ to the heap before changing it. */
        test_report(setenv("ADDED", "1", 0) == 0 && str_is(getenv("ADDED"), "1") &&
                    str_is(getenv("GREETING"), "hello-world") && env_count() == 3,
                    "full: setenv adds to the inherited environment");
    } else {
        test_report(argc == 2 && env_count() == 0 && getenv("GREETING") == NULL,
                    "none: one argument and an empty environment");
    }
    return 0;
}
