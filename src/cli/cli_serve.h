/*
 * cli_serve.h - `netreview serve`: the HTTP API and the gate server (defined in cli_serve.c; the
 * other families are declared in cli.h).
 */
#ifndef NETREVIEW_CLI_SERVE_H
#define NETREVIEW_CLI_SERVE_H

#include "cli.h"

int nr_cli_serve(struct nr_cli *cli, int argc, char **argv);

#endif
