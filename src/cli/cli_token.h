/*
 * cli_token.h - `netreview token`: the office's API tokens from the command line (defined in
 * cli_token.c; the other families are declared in cli.h).
 */
#ifndef NETREVIEW_CLI_TOKEN_H
#define NETREVIEW_CLI_TOKEN_H

#include "cli.h"

int nr_cli_token(struct nr_cli *cli, int argc, char **argv);

#endif
