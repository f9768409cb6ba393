/*
 * cli_watch.c - `netreview watch`: re-matches the SBOMs of every product whose decision is in
 * force against the advisories imported since, and flags the decisions new advisories hit (R14;
 * interface: cli.h, the work is sca.h's nr_sca_watch). `netreview serve` does the same
 * periodically after imports (server.c); this is the command for cron and for the impatient.
 */
#include "cli.h"

#include "netreview/sca.h"

#include <stdio.h>
#include <string.h>

#include "netreview/banned.h"

#define NR_WATCH_PAGE 1000 /* nr_case_list's largest page */

static const char nr_watch_usage[] =
    "usage: netreview watch [--json] [--as office]\n"
    "\n"
    "Re-matches the stored SBOMs of every case whose decision is in force (passed or passed with\n"
    "conditions) against the advisories in the database, after `netreview osv import`. A match\n"
    "not seen before flags its case \"re-review suggested: <advisory> (<severity>) affects\n"
    "<component> <version>\", which the office's case view and the gate feed show (R14). Running\n"
    "it again without a new import flags nothing. Only the local administrator (no --as) and the\n"
    "office may run it.\n"
    "\n"
    "Prints the counts (SBOMs, components, matches, new matches, cases flagged, seconds) and the\n"
    "cases flagged. Options: --json prints {\"stats\": {...}, \"flagged\": [cases]}.\n"
    "Exit codes: see `netreview --help`.\n";

static const char *nr_watch_str(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "-";
}

/* The cases this run flagged: those whose watch_at is not older than the run. */
static int nr_watch_flagged(struct nr_cli *cli, const char *started, json_t **out,
                            struct nr_err *err)
{
    struct nr_case_filter f;
    json_t *flagged = json_array(), *page = NULL, *c;
    size_t i;
    int rc;

    memset(&f, 0, sizeof(f));
    f.limit = NR_WATCH_PAGE;
    for (;;) {
        rc = nr_case_list(&cli->rv, &cli->actor, &f, &page, err);
        if (rc) {
            json_decref(flagged);
            return rc;
        }
        json_array_foreach(page, i, c)
        {
            const char *at = json_string_value(json_object_get(c, "watch_at"));
            if (at && strcmp(at, started) >= 0)
                json_array_append_new(
                    flagged,
                    json_pack("{s:O,s:O,s:O,s:O,s:O}", "id", json_object_get(c, "id"), "ref",
                              json_object_get(c, "ref"), "title", json_object_get(c, "title"),
                              "watch_reason", json_object_get(c, "watch_reason"), "watch_at",
                              json_object_get(c, "watch_at")));
        }
        if (json_array_size(page) < NR_WATCH_PAGE) {
            json_decref(page);
            break;
        }
        json_decref(page);
        f.offset += NR_WATCH_PAGE;
    }
    *out = flagged;
    return 0;
}

int nr_cli_watch(struct nr_cli *cli, int argc, char **argv)
{
    struct nr_opt opts[] = {{NULL, false, NULL, NULL}};
    struct nr_sca_watch_stats st;
    struct nr_err err;
    char started[NR_TIME_STR];
    const char *pos[1];
    json_t *flagged = NULL, *stats, *c;
    size_t i;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 1, opts, pos, 0, &npos, nr_watch_usage);
    if (rc)
        return rc;
    rc = nr_cli_open(cli, NR_CLI_ADMIN);
    if (rc)
        return rc;
    nr_err_init(&err);
    memset(&st, 0, sizeof(st));
    nr_time_fmt(nr_time_now(), started);
    rc = nr_sca_watch(&cli->rv, &cli->actor, &st, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    /* The flags are committed; a failure to list them now is reported but does not undo them. */
    rc = st.flagged > 0 ? nr_watch_flagged(cli, started, &flagged, &err) : 0;
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    if (flagged == NULL)
        flagged = json_array();
    stats = json_pack("{s:I,s:I,s:I,s:I,s:I,s:f,s:f}", "sboms", (json_int_t)st.sboms, "components",
                      (json_int_t)st.components, "matches", (json_int_t)st.matches, "new_matches",
                      (json_int_t)st.new_matches, "flagged", (json_int_t)st.flagged,
                      "index_seconds", st.index_seconds, "match_seconds", st.match_seconds);
    if (cli->json) {
        nr_cli_print_json(json_pack("{s:o,s:o}", "stats", stats, "flagged", flagged));
        return NR_EXIT_OK;
    }
    printf("re-matched %lld SBOM%s (%lld components) in %.3f s (index %.3f s): %lld match%s, "
           "%lld new; %lld case%s flagged\n",
           (long long)st.sboms, st.sboms == 1 ? "" : "s", (long long)st.components,
           st.match_seconds, st.index_seconds, (long long)st.matches, st.matches == 1 ? "" : "es",
           (long long)st.new_matches, (long long)st.flagged, st.flagged == 1 ? "" : "s");
    /* Whole reasons, not a table's cut cells: the reason is what the office acts on. */
    json_array_foreach(flagged, i, c)
    {
        printf("  %s  %s\n      %s\n", nr_watch_str(c, "ref"), nr_watch_str(c, "title"),
               nr_watch_str(c, "watch_reason"));
    }
    json_decref(stats);
    json_decref(flagged);
    return NR_EXIT_OK;
}
