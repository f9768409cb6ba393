/* cli_osv.c - TEMPORARY placeholder while the engine is built; replaced by its owner. */
#include "cli.h"

int nr_cli_osv(struct nr_cli *cli, int argc, char **argv)
{
    (void)cli;(void)argc;(void)argv;return NR_EXIT_ERROR;
}
