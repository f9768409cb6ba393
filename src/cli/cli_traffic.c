/*
 * cli_traffic.c - `netreview analyze traffic` and `netreview monitor` (interface: cli.h; the
 * engine is traffic.h): a capture file analysed against the provider's declaration, on its own
 * or attached to a case as evidence with its findings, and a live interface watched with
 * periodic summaries until a duration passes or SIGINT/SIGTERM asks it to stop.
 */
#include "cli.h"

#include "netreview/pkt.h"
#include "netreview/traffic.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "netreview/banned.h"

static const char nr_analyze_traffic_usage[] =
    "usage: netreview analyze traffic FILE [--declared FILE] [--device ADDR[,ADDR]]\n"
    "                 [--max-flows N] [--json] [--case CASE [--task TASK] --as USER]\n"
    "\n"
    "Reads a pcap or pcapng capture of the product under test and reports what it talks to:\n"
    "destinations by bytes (the undeclared ones first), the services it listens on, the\n"
    "protocols (nDPI), and findings with the flows and packet numbers to check them in tshark.\n"
    "\n"
    "  --declared FILE   the provider's declaration (JSON, docs/MONITORING.md); without it\n"
    "                    everything is context and only clear-text credentials and remote\n"
    "                    access are findings\n"
    "  --device ADDR     the product's addresses (default: per IP version, the address in at\n"
    "                    least half of the flows)\n"
    "  --max-flows N     flows held at once (default 262144); the oldest are ended beyond it\n"
    "  --json            the report as JSON (its fields are described in traffic.h)\n"
    "  --case CASE       attach the capture (and the declaration) to the case as evidence and\n"
    "                    record the findings (office, or the institution of a task); --task\n"
    "                    names the task the work belongs to\n"
    "\n"
    "Exit codes: 0 analysed; 7 not a capture, a malformed declaration, or a capture cut short\n"
    "(the report of what was read is printed first); 3, 4, 6 as for every command.\n";

static const char nr_monitor_usage[] =
    "usage: netreview monitor IFACE [--declared FILE] [--device ADDR[,ADDR]] [--duration S]\n"
    "                 [--interval S] [--filter BPF] [--max-flows N] [--json]\n"
    "\n"
    "Watches a live interface (libpcap, not promiscuous) and prints a summary every --interval\n"
    "seconds (default 10) and the full report when --duration seconds have passed (default: until\n"
    "SIGINT or SIGTERM). With --json the summaries go to stderr and the final report, as JSON, to\n"
    "stdout. Capturing needs the right to (root or CAP_NET_RAW).\n";

static int parse_count(const char *usage, const char *opt, const char *v, uint64_t max,
                       uint64_t *out)
{
    char *end;
    unsigned long long n;

    errno = 0;
    n = v ? strtoull(v, &end, 10) : 0;
    if (v == NULL || *v == '\0' || *v == '-' || errno || *end != '\0' || n == 0 || n > max)
        return nr_cli_usage(usage, "%s must be a number from 1 to %llu", opt,
                            (unsigned long long)max);
    *out = n;
    return 0;
}

static void print_report(struct nr_cli *cli, json_t *report)
{
    if (cli->json)
        nr_cli_print_json(json_incref(report));
    else
        nr_traffic_report_print(report, stdout);
}

int nr_cli_analyze_traffic(struct nr_cli *cli, int argc, char **argv)
{
    const char *pos[1], *declared = NULL, *device = NULL, *max_flows = NULL, *case_ref = NULL,
                        *task = NULL;
    struct nr_opt opts[] = {{"declared", true, &declared, NULL},   {"device", true, &device, NULL},
                            {"max-flows", true, &max_flows, NULL}, {"case", true, &case_ref, NULL},
                            {"task", true, &task, NULL},           {NULL, false, NULL, NULL}};
    struct nr_traffic_options o;
    struct nr_declared decl;
    struct nr_err err;
    json_t *report = NULL;
    uint64_t nflows = 0;
    int64_t case_id = 0, task_id = 0;
    int npos, rc;

    /* argv starts at "traffic", or at "analyze" when the family hands its argv on unchanged. */
    int first =
        argc > 1 && strcmp(argv[0], "traffic") != 0 && strcmp(argv[1], "traffic") == 0 ? 2 : 1;
    rc = nr_cli_parse(cli, argc, argv, first, opts, pos, 1, &npos, nr_analyze_traffic_usage);
    if (rc)
        return rc;
    if (npos != 1)
        return nr_cli_usage(nr_analyze_traffic_usage, "analyze traffic needs a capture FILE");
    if (max_flows &&
        (rc = parse_count(nr_analyze_traffic_usage, "--max-flows", max_flows, 1u << 24, &nflows)))
        return rc;
    if (task && case_ref == NULL)
        return nr_cli_usage(nr_analyze_traffic_usage, "--task goes with --case");
    if (task && nr_cli_id(task, &task_id) != 0)
        return nr_cli_usage(nr_analyze_traffic_usage, "--task must be a task id");
    nr_err_init(&err);

    if (case_ref) {
        rc = nr_cli_open(cli, NR_CLI_USER);
        if (rc)
            return rc;
        rc = nr_case_resolve(&cli->rv, &cli->actor, case_ref, &case_id, &err);
        if (rc == 0)
            rc = nr_traffic_attach_file(&cli->rv, &cli->actor, case_id, task_id, pos[0], declared,
                                        device, (size_t)nflows, &report, &err);
        if (rc)
            return nr_cli_fail(cli, rc, &err);
        if (cli->json) {
            nr_cli_print_json(report);
        } else {
            nr_traffic_report_print(report, stdout);
            printf("\nrecorded on case %s: analysis %lld, capture evidence %lld%s, %zu findings\n",
                   case_ref, (long long)json_integer_value(json_object_get(report, "analysis_id")),
                   (long long)json_integer_value(json_object_get(report, "capture_evidence_id")),
                   declared ? " with its declaration" : "",
                   json_array_size(json_object_get(report, "finding_ids")));
            json_decref(report);
        }
        return NR_EXIT_OK;
    }

    memset(&decl, 0, sizeof(decl));
    if (declared) {
        rc = nr_declared_load(declared, &decl, &err);
        if (rc) {
            nr_declared_release(&decl);
            return nr_cli_fail(cli, rc, &err);
        }
    }
    memset(&o, 0, sizeof(o));
    o.declared = declared ? &decl : NULL;
    o.device = device;
    o.max_flows = (size_t)nflows;
    o.progress = true;
    rc = nr_traffic_analyze_file(pos[0], &o, &report, &err);
    if (report) {
        /* A capture cut short still gives what was read before, then the error. */
        print_report(cli, report);
        json_decref(report);
    }
    nr_declared_release(&decl);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    return NR_EXIT_OK;
}

/* --- monitor ------------------------------------------------------------------------------- */

static volatile sig_atomic_t nr_monitor_stop;
static struct nr_capture *volatile nr_monitor_capture;

static void nr_monitor_signal(int sig)
{
    (void)sig;
    nr_monitor_stop = 1;
    if (nr_monitor_capture)
        nr_capture_break(nr_monitor_capture);
}

/* A live capture on Linux (TPACKET_V3) may block in libpcap while the link is idle, past its
 * timeout; a tick five times a second wakes it (nr_capture_next then returns 0) so that the
 * summaries and --duration keep time whatever the traffic. */
static void nr_monitor_tick(int sig)
{
    (void)sig;
    if (nr_monitor_capture)
        nr_capture_break(nr_monitor_capture);
}

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int nr_cli_monitor(struct nr_cli *cli, int argc, char **argv)
{
    const char *pos[1], *declared = NULL, *device = NULL, *duration = NULL, *interval = NULL,
                        *filter = NULL, *max_flows = NULL;
    struct nr_opt opts[] = {{"declared", true, &declared, NULL},
                            {"device", true, &device, NULL},
                            {"duration", true, &duration, NULL},
                            {"interval", true, &interval, NULL},
                            {"filter", true, &filter, NULL},
                            {"max-flows", true, &max_flows, NULL},
                            {NULL, false, NULL, NULL}};
    struct nr_traffic_options o;
    struct nr_declared decl;
    struct nr_traffic *t = NULL;
    struct nr_capture *c = NULL;
    struct sigaction sa, old_int, old_term, old_alrm;
    struct itimerval tick, no_tick;
    struct nr_err err, cut;
    struct nr_pkt p;
    json_t *report = NULL;
    uint64_t dur = 0, every = 10, nflows = 0;
    double start, next;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 1, opts, pos, 1, &npos, nr_monitor_usage);
    if (rc)
        return rc;
    if (npos != 1)
        return nr_cli_usage(nr_monitor_usage, "monitor needs an interface (e.g. eth0, lo)");
    if (duration &&
        (rc = parse_count(nr_monitor_usage, "--duration", duration, 366u * 86400, &dur)))
        return rc;
    if (interval && (rc = parse_count(nr_monitor_usage, "--interval", interval, 86400, &every)))
        return rc;
    if (max_flows &&
        (rc = parse_count(nr_monitor_usage, "--max-flows", max_flows, 1u << 24, &nflows)))
        return rc;
    nr_err_init(&err);
    nr_err_init(&cut);
    memset(&decl, 0, sizeof(decl));
    if (declared) {
        rc = nr_declared_load(declared, &decl, &err);
        if (rc)
            goto out;
    }
    memset(&o, 0, sizeof(o));
    o.declared = declared ? &decl : NULL;
    o.device = device;
    o.max_flows = (size_t)nflows;
    o.source = pos[0];
    rc = nr_traffic_new(&o, &t, &err);
    if (rc)
        goto out;
    rc = nr_capture_open_live(pos[0], filter, &c, &err);
    if (rc)
        goto out;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = nr_monitor_signal;
    sigemptyset(&sa.sa_mask);
    nr_monitor_stop = 0;
    nr_monitor_capture = c;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sa.sa_handler = nr_monitor_tick;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, &old_alrm);
    memset(&tick, 0, sizeof(tick));
    tick.it_interval.tv_usec = 200000;
    tick.it_value.tv_usec = 200000;
    setitimer(ITIMER_REAL, &tick, NULL);
    fprintf(stderr, "netreview: monitoring %s%s%s%s; summaries every %llu s\n", pos[0],
            filter ? " with filter \"" : "", filter ? filter : "", filter ? "\"" : "",
            (unsigned long long)every);

    start = mono_now();
    next = start + (double)every;
    memset(&p, 0, sizeof(p));
    while (!nr_monitor_stop) {
        int r = nr_capture_next(c, &p, &cut);
        double now;
        if (r == 1)
            nr_traffic_packet(t, &p);
        else if (r == 0 && nr_monitor_stop)
            break;
        else if (r < 0) {
            rc = r;
            break;
        }
        now = mono_now();
        if (dur && now - start >= (double)dur)
            break;
        if (now >= next) {
            json_t *snap = NULL;
            char line[256], ts[NR_TIME_STR];
            if (nr_traffic_report(t, nr_capture_stats(c), NULL, &snap, NULL) == 0) {
                nr_traffic_summary_line(snap, line, sizeof(line));
                nr_time_fmt(nr_time_now(), ts);
                fprintf(cli->json ? stderr : stdout, "%s %s\n", ts, line);
                fflush(cli->json ? stderr : stdout);
            }
            json_decref(snap);
            next += (double)every;
            if (next < now)
                next = now + (double)every;
        }
    }
    memset(&no_tick, 0, sizeof(no_tick));
    setitimer(ITIMER_REAL, &no_tick, NULL);
    sigaction(SIGALRM, &old_alrm, NULL);
    nr_monitor_capture = NULL;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);

    nr_traffic_finish(t);
    if (nr_traffic_report(t, nr_capture_stats(c), rc ? &cut : NULL, &report, &err) == 0) {
        if (!cli->json)
            fputc('\n', stdout);
        print_report(cli, report);
        json_decref(report);
    }
    if (rc)
        err = cut;
out:
    if (c)
        nr_capture_close(c);
    nr_traffic_free(t);
    nr_declared_release(&decl);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    return NR_EXIT_OK;
}
