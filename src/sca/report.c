/*
 * report.c - the supply-chain report for a person (interface sca.h, nr_sca_report_print): the
 * analysis JSON of nr_sca_analyze turned into a summary line, a table of the findings, the
 * findings a VEX statement suppressed, the provenance gaps and the busiest suppliers. It reads
 * only the JSON, so that the CLI prints the same for a report it analysed and one the API sent.
 */
#include "netreview/sca.h"

#include <stdio.h>
#include <string.h>

#include "netreview/banned.h"

#define REPORT_COL_MAX      40 /* widest column of the table, in bytes */
#define REPORT_SUPPLIERS    5  /* suppliers and countries shown */
#define REPORT_ROWS_PRINTED 500

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static long long num(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

/* The advisory ids of a finding as "GHSA-..., CVE-..." within the table's widest column, the
 * ids that do not fit counted: "GHSA-... +2". */
static void ids_text(const json_t *f, char *out, size_t n)
{
    const json_t *ids = json_object_get(f, "advisories");
    size_t len = 0, count = json_array_size(ids), shown = 0;

    out[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        const char *id = json_string_value(json_array_get(ids, i));
        size_t need = strlen(id ? id : "") + (i ? 2 : 0);
        /* Keep room for " +N" unless this is the last id. */
        if (shown && len + need + (i + 1 < count ? 4 : 0) > REPORT_COL_MAX)
            break;
        if (len + need + 1 > n)
            break;
        snprintf(out + len, n - len, "%s%s", i ? ", " : "", id ? id : "");
        len += need;
        shown++;
    }
    if (shown < count)
        snprintf(out + len, n - len, " +%zu", count - shown);
}

static int width(const char *s)
{
    size_t n = strlen(s);
    return (int)(n > REPORT_COL_MAX ? REPORT_COL_MAX : n);
}

static void shares(const json_t *list, const char *label, const char *title, FILE *fp)
{
    size_t i;
    json_t *e;

    if (json_array_size(list) == 0)
        return;
    fprintf(fp, "%s:", title);
    json_array_foreach(list, i, e)
    {
        if (i == REPORT_SUPPLIERS) {
            fprintf(fp, " ... (%zu in all)", json_array_size(list));
            break;
        }
        fprintf(fp, "%s %s %lld (%.1f%%)", i ? "," : "", str(e, label), num(e, "components"),
                json_number_value(json_object_get(e, "share")) * 100.0);
    }
    fputc('\n', fp);
}

void nr_sca_report_print(const json_t *report, FILE *fp)
{
    const json_t *sbom = json_object_get(report, "sbom");
    const json_t *sum = json_object_get(report, "summary");
    const json_t *sev = json_object_get(sum, "by_severity");
    const json_t *findings = json_object_get(report, "findings");
    int wc = 9, wv = 7, wa = 10;
    size_t i, shown = 0, suppressed = 0;
    json_t *f;
    char ids[256];

    fprintf(fp, "%s %s", str(sbom, "format"), str(sbom, "spec_version"));
    if (*str(sbom, "subject"))
        fprintf(fp, " of %s%s%s", str(sbom, "subject"), *str(sbom, "subject_version") ? " " : "",
                str(sbom, "subject_version"));
    fprintf(fp,
            ": %lld components, %lld vulnerable, %lld vulnerabilities (%lld critical, %lld high, "
            "%lld medium, %lld low), %lld suppressed by VEX; %lld advisories; %.3f s\n",
            num(sum, "components"), num(sum, "vulnerable_components"), num(sum, "vulnerabilities"),
            num(sev, "critical"), num(sev, "high"), num(sev, "medium"), num(sev, "low"),
            num(sum, "suppressed"), num(report, "advisories"),
            json_number_value(json_object_get(report, "seconds")));
    if (json_object_get(report, "sbom_id"))
        fprintf(fp, "recorded as SBOM %lld, evidence %lld, %zu findings\n", num(report, "sbom_id"),
                num(report, "evidence_id"),
                json_array_size(json_object_get(report, "finding_ids")));

    json_array_foreach(findings, i, f)
    {
        const json_t *c = json_object_get(f, "component");
        if (json_is_true(json_object_get(f, "suppressed")))
            continue;
        ids_text(f, ids, sizeof(ids));
        if (width(str(c, "name")) > wc)
            wc = width(str(c, "name"));
        if (width(str(c, "version")) > wv)
            wv = width(str(c, "version"));
        if (width(ids) > wa)
            wa = width(ids);
    }
    json_array_foreach(findings, i, f)
    {
        const json_t *c = json_object_get(f, "component");
        if (json_is_true(json_object_get(f, "suppressed"))) {
            suppressed++;
            continue;
        }
        if (shown == 0)
            fprintf(fp, "\n%-8s  %-*s  %-*s  %-*s  %s\n", "SEVERITY", wc, "COMPONENT", wv,
                    "VERSION", wa, "ADVISORIES", "FIXED");
        if (++shown > REPORT_ROWS_PRINTED)
            continue;
        ids_text(f, ids, sizeof(ids));
        fprintf(fp, "%-8s  %-*.*s  %-*.*s  %-*.*s  %s\n", str(f, "severity"), wc, wc,
                str(c, "name"), wv, wv, str(c, "version"), wa, wa, ids,
                *str(f, "fixed") ? str(f, "fixed") : "-");
    }
    if (shown > REPORT_ROWS_PRINTED)
        fprintf(fp, "... %zu more findings (--json shows every one)\n",
                shown - REPORT_ROWS_PRINTED);
    if (suppressed) {
        fprintf(fp, "\nsuppressed by VEX:\n");
        json_array_foreach(findings, i, f)
        {
            const json_t *c = json_object_get(f, "component"), *vex = json_object_get(f, "vex");
            if (!json_is_true(json_object_get(f, "suppressed")))
                continue;
            ids_text(f, ids, sizeof(ids));
            fprintf(fp, "  %s %s: %s (%s%s%s)\n", str(c, "name"), str(c, "version"), ids,
                    str(vex, "state"), *str(vex, "justification") ? ", " : "",
                    str(vex, "justification"));
        }
    }
    fputc('\n', fp);
    if (num(sum, "unknown_provenance"))
        fprintf(fp,
                "unknown provenance: %lld of %lld components (no supplier %lld, no version %lld, "
                "no hash %lld, no identifier %lld)\n",
                num(sum, "unknown_provenance"), num(sum, "components"), num(sum, "no_supplier"),
                num(sum, "no_version"), num(sum, "no_hash"), num(sum, "no_identifier"));
    else
        fprintf(fp, "provenance: every component names its supplier, version, hash and "
                    "identifier\n");
    shares(json_object_get(report, "suppliers"), "supplier", "top suppliers", fp);
    shares(json_object_get(report, "countries"), "country", "countries", fp);
}
