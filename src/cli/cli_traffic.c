/* cli_traffic.c - TEMPORARY placeholder while the engine is built; replaced by its owner. */
#include "cli.h"

int nr_cli_analyze_traffic(struct nr_cli *cli, int argc, char **argv)
{
    (void)cli;(void)argc;(void)argv;return NR_EXIT_ERROR;
}
int nr_cli_monitor(struct nr_cli *cli, int argc, char **argv)
{
    (void)cli;(void)argc;(void)argv;return NR_EXIT_ERROR;
}
