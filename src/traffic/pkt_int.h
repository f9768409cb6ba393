/*
 * pkt_int.h - internals shared by the files of the packet path (decode.c, capture.c) and by their
 * tests and fuzz harness; not part of pkt.h's contract.
 */
#ifndef NETREVIEW_PKT_INT_H
#define NETREVIEW_PKT_INT_H

#include <stdbool.h>

/* LINKTYPE_RAW as written in file headers; libpcap reports it as DLT_RAW, but a caller that
 * passes the file's own value still gets raw IP. */
#define NR__LINKTYPE_RAW 101

/* Whether nr_pkt_decode understands link type dlt (the list of pkt.h). */
bool nr__pkt_dlt_supported(int dlt);

#endif
