/*
 * main.c - the netreview command: dispatches git-style subcommands (interface: cli.h).
 */
#include <stdio.h>

int main(void)
{
    puts("netreview");
    return 0;
}
