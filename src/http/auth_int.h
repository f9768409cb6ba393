/*
 * auth_int.h - what the sign-in files (auth.c, api_session.c) need from the server that
 * http_int.h does not give yet (private to src/http/).
 *
 * nr_http_behind_tls is defined by server.c (which keeps the config) and declared in
 * server_int.h too; it belongs in http_int.h, section "the server", beside nr_http_gate_cache.
 * Once it is there this header can go.
 */
#ifndef NETREVIEW_AUTH_INT_H
#define NETREVIEW_AUTH_INT_H

#include "http_int.h"

/* Whether the server runs behind TLS (struct nr_http_config.behind_tls): session cookies then
 * carry Secure. */
bool nr_http_behind_tls(struct nr_http_server *srv);

#endif
