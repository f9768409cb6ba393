/*
 * cvss.c - CVSS base scores of vector strings (interface: osv.h, nr_cvss_score and
 * nr_cvss_severity). OSV records carry severities as vectors only, so the engine computes the
 * number itself, the way FIRST's specifications and reference calculators do:
 *
 * - v3.0 and v3.1 (specification section 7.1): Impact Sub-Score, Exploitability, the scope
 *   change, and Roundup. v3.1's Roundup works on integers (appendix A) so that 4.0000000001
 *   style float noise does not round up; v3.0's is the plain ceiling to one decimal.
 * - v2 (specification section 3.2.1): the base equation, rounded to one decimal.
 * - v4.0 (specification section 8): the MacroVector method. A vector falls into one of 270
 *   MacroVectors (EQ1..EQ6); each MacroVector's score is the table FIRST publishes with the
 *   specification (cvss_lookup.js of the reference calculator, BSD-2-Clause, reproduced below as
 *   data). The score is interpolated down from it by the vector's severity distance to the
 *   highest vector of its MacroVector, in proportion to the drop to the next lower MacroVector
 *   of each EQ, as the reference calculator (cvss_score.js) does, including its float arithmetic
 *   (levels 0.0/0.1/0.2/0.3, differences summed in the same order) so that knife-edge vectors
 *   round the same way: half up, ties that float arithmetic puts one ULP low included, as the
 *   reference does since its 2024 rounding fix. Threat (E) and environmental metrics (CR, IR,
 *   AR and M*) count as the reference calculator counts them; supplemental metrics are
 *   validated and ignored.
 *
 * Temporal and environmental metrics of v2 and v3 are validated and ignored: the result is the
 * base score. Metrics may come in any order but each at most once; every base metric is needed.
 */
#include "netreview/osv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "netreview/banned.h"

#define CVSS_MAX_LEN     512 /* a v4 vector with every metric is about 200 bytes */
#define CVSS_MAX_METRICS 32
#define CVSS_MAX_VALUES  6

struct cvss_metric {
    const char *name;
    const char *values[CVSS_MAX_VALUES]; /* NULL-terminated when fewer */
    bool base;                           /* mandatory */
};

/* The metrics of one version, and for each metric of a parsed vector the index of its value in
 * `values`, or -1 when absent. */
struct cvss_vec {
    const struct cvss_metric *metrics;
    size_t nmetrics;
    int val[CVSS_MAX_METRICS];
};

static const struct cvss_metric cvss_v2[] = {
    {"AV", {"L", "A", "N"}, true},
    {"AC", {"H", "M", "L"}, true},
    {"Au", {"M", "S", "N"}, true},
    {"C", {"N", "P", "C"}, true},
    {"I", {"N", "P", "C"}, true},
    {"A", {"N", "P", "C"}, true},
    {"E", {"U", "POC", "F", "H", "ND"}, false},
    {"RL", {"OF", "TF", "W", "U", "ND"}, false},
    {"RC", {"UC", "UR", "C", "ND"}, false},
    {"CDP", {"N", "L", "LM", "MH", "H", "ND"}, false},
    {"TD", {"N", "L", "M", "H", "ND"}, false},
    {"CR", {"L", "M", "H", "ND"}, false},
    {"IR", {"L", "M", "H", "ND"}, false},
    {"AR", {"L", "M", "H", "ND"}, false},
};

static const struct cvss_metric cvss_v3[] = {
    {"AV", {"N", "A", "L", "P"}, true},
    {"AC", {"L", "H"}, true},
    {"PR", {"N", "L", "H"}, true},
    {"UI", {"N", "R"}, true},
    {"S", {"U", "C"}, true},
    {"C", {"H", "L", "N"}, true},
    {"I", {"H", "L", "N"}, true},
    {"A", {"H", "L", "N"}, true},
    {"E", {"X", "U", "P", "F", "H"}, false},
    {"RL", {"X", "O", "T", "W", "U"}, false},
    {"RC", {"X", "U", "R", "C"}, false},
    {"CR", {"X", "L", "M", "H"}, false},
    {"IR", {"X", "L", "M", "H"}, false},
    {"AR", {"X", "L", "M", "H"}, false},
    {"MAV", {"X", "N", "A", "L", "P"}, false},
    {"MAC", {"X", "L", "H"}, false},
    {"MPR", {"X", "N", "L", "H"}, false},
    {"MUI", {"X", "N", "R"}, false},
    {"MS", {"X", "U", "C"}, false},
    {"MC", {"X", "N", "L", "H"}, false},
    {"MI", {"X", "N", "L", "H"}, false},
    {"MA", {"X", "N", "L", "H"}, false},
};

/* v4 metric indexes into cvss_v4[]: the scorer reads values by these. */
enum {
    V4_AV,
    V4_AC,
    V4_AT,
    V4_PR,
    V4_UI,
    V4_VC,
    V4_VI,
    V4_VA,
    V4_SC,
    V4_SI,
    V4_SA,
    V4_E,
    V4_CR,
    V4_IR,
    V4_AR,
    V4_MAV,
    V4_MAC,
    V4_MAT,
    V4_MPR,
    V4_MUI,
    V4_MVC,
    V4_MVI,
    V4_MVA,
    V4_MSC,
    V4_MSI,
    V4_MSA,
    V4__SCORED /* the supplemental metrics follow and do not count */
};

static const struct cvss_metric cvss_v4[] = {
    {"AV", {"N", "A", "L", "P"}, true},
    {"AC", {"L", "H"}, true},
    {"AT", {"N", "P"}, true},
    {"PR", {"N", "L", "H"}, true},
    {"UI", {"N", "P", "A"}, true},
    {"VC", {"H", "L", "N"}, true},
    {"VI", {"H", "L", "N"}, true},
    {"VA", {"H", "L", "N"}, true},
    {"SC", {"H", "L", "N"}, true},
    {"SI", {"H", "L", "N"}, true},
    {"SA", {"H", "L", "N"}, true},
    {"E", {"X", "A", "P", "U"}, false},
    {"CR", {"X", "H", "M", "L"}, false},
    {"IR", {"X", "H", "M", "L"}, false},
    {"AR", {"X", "H", "M", "L"}, false},
    {"MAV", {"X", "N", "A", "L", "P"}, false},
    {"MAC", {"X", "L", "H"}, false},
    {"MAT", {"X", "N", "P"}, false},
    {"MPR", {"X", "N", "L", "H"}, false},
    {"MUI", {"X", "N", "P", "A"}, false},
    {"MVC", {"X", "H", "L", "N"}, false},
    {"MVI", {"X", "H", "L", "N"}, false},
    {"MVA", {"X", "H", "L", "N"}, false},
    {"MSC", {"X", "H", "L", "N"}, false},
    {"MSI", {"X", "S", "H", "L", "N"}, false},
    {"MSA", {"X", "S", "H", "L", "N"}, false},
    {"S", {"X", "N", "P"}, false},
    {"AU", {"X", "N", "Y"}, false},
    {"R", {"X", "A", "U", "I"}, false},
    {"V", {"X", "D", "C"}, false},
    {"RE", {"X", "L", "M", "H"}, false},
    {"U", {"X", "Clear", "Green", "Amber", "Red"}, false},
};

/* Splits "K:V/K:V/..." into vec. The caller has removed the "CVSS:x.y/" prefix. */
static int cvss_split(const char *s, size_t len, struct cvss_vec *vec, struct nr_err *err)
{
    size_t i = 0;

    for (size_t m = 0; m < vec->nmetrics; m++)
        vec->val[m] = -1;
    if (len == 0)
        return nr_err_set(err, NR_EPARSE, "cvss", "empty vector");
    while (i <= len) {
        size_t start = i, colon = 0, klen, vlen;
        size_t m;
        int v;

        while (i < len && s[i] != '/') {
            if (s[i] == ':' && colon == 0)
                colon = i;
            i++;
        }
        if (colon == 0 || colon == start || colon + 1 == i)
            return nr_err_set(err, NR_EPARSE, "cvss", "\"%.*s\" is not a metric:value pair",
                              (int)(i - start > 40 ? 40 : i - start), s + start);
        klen = colon - start;
        vlen = i - colon - 1;
        for (m = 0; m < vec->nmetrics; m++)
            if (strlen(vec->metrics[m].name) == klen &&
                memcmp(vec->metrics[m].name, s + start, klen) == 0)
                break;
        if (m == vec->nmetrics)
            return nr_err_set(err, NR_EPARSE, "cvss", "unknown metric \"%.*s\"",
                              (int)(klen > 40 ? 40 : klen), s + start);
        if (vec->val[m] >= 0)
            return nr_err_set(err, NR_EPARSE, "cvss", "metric %s given twice",
                              vec->metrics[m].name);
        for (v = 0; v < CVSS_MAX_VALUES && vec->metrics[m].values[v]; v++)
            if (strlen(vec->metrics[m].values[v]) == vlen &&
                memcmp(vec->metrics[m].values[v], s + colon + 1, vlen) == 0)
                break;
        if (v == CVSS_MAX_VALUES || vec->metrics[m].values[v] == NULL)
            return nr_err_set(err, NR_EPARSE, "cvss", "metric %s: value \"%.*s\" is not allowed",
                              vec->metrics[m].name, (int)(vlen > 40 ? 40 : vlen), s + colon + 1);
        vec->val[m] = v;
        i++; /* past the "/" (or the end) */
        if (i == len)
            return nr_err_set(err, NR_EPARSE, "cvss", "vector ends with \"/\"");
    }
    for (size_t m = 0; m < vec->nmetrics; m++)
        if (vec->metrics[m].base && vec->val[m] < 0)
            return nr_err_set(err, NR_EPARSE, "cvss", "base metric %s is missing",
                              vec->metrics[m].name);
    return 0;
}

/* The value letters of metric m ("N", "H"...), for the tables below. */
static const char *cvss_val(const struct cvss_vec *vec, int m)
{
    return vec->val[m] < 0 ? "X" : vec->metrics[m].values[vec->val[m]];
}

/* ---- v2 ---- */

static double cvss_round1(double x)
{
    return floor(x * 10.0 + 0.5) / 10.0;
}

static double cvss_v2_score(const struct cvss_vec *v)
{
    static const double av[] = {0.395, 0.646, 1.0}, ac[] = {0.35, 0.61, 0.71},
                        au[] = {0.45, 0.56, 0.704}, cia[] = {0.0, 0.275, 0.660};
    double impact =
        10.41 * (1.0 - (1.0 - cia[v->val[3]]) * (1.0 - cia[v->val[4]]) * (1.0 - cia[v->val[5]]));
    double expl = 20.0 * av[v->val[0]] * ac[v->val[1]] * au[v->val[2]];
    double f = impact == 0.0 ? 0.0 : 1.176;
    return cvss_round1(((0.6 * impact) + (0.4 * expl) - 1.5) * f);
}

/* ---- v3 ---- */

/* v3.1 appendix A: integer arithmetic, so that float noise never rounds up a whole tenth. */
static double cvss_roundup31(double x)
{
    long long i = llround(x * 100000.0);
    if (i % 10000 == 0)
        return (double)i / 100000.0;
    return (floor((double)i / 10000.0) + 1.0) / 10.0;
}

static double cvss_roundup30(double x)
{
    return ceil(x * 10.0) / 10.0;
}

static double cvss_v3_score(const struct cvss_vec *v, bool v31)
{
    static const double av[] = {0.85, 0.62, 0.55, 0.2}, ac[] = {0.77, 0.44}, ui[] = {0.85, 0.62},
                        cia[] = {0.56, 0.22, 0.0};
    bool changed = v->val[4] == 1;
    double pr = v->val[2] == 0   ? 0.85
                : v->val[2] == 1 ? (changed ? 0.68 : 0.62)
                                 : (changed ? 0.5 : 0.27);
    double iss = 1.0 - (1.0 - cia[v->val[5]]) * (1.0 - cia[v->val[6]]) * (1.0 - cia[v->val[7]]);
    double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss;
    double expl = 8.22 * av[v->val[0]] * ac[v->val[1]] * pr * ui[v->val[3]];
    double raw;

    if (impact <= 0)
        return 0.0;
    raw = changed ? fmin(1.08 * (impact + expl), 10.0) : fmin(impact + expl, 10.0);
    return v31 ? cvss_roundup31(raw) : cvss_roundup30(raw);
}

/* ---- v4 ---- */

/* MacroVector scores, indexed by the six EQ digits as a decimal number (eq1 eq2 eq3 eq4 eq5
 * eq6): FIRST's published table. Combinations that cannot occur are absent (score < 0). */
struct cvss_macro {
    int key;
    double score;
};

static const struct cvss_macro cvss_v4_lookup[] = {
    {0, 10},       {1, 9.9},      {10, 9.8},     {11, 9.5},     {20, 9.5},     {21, 9.2},
    {100, 10},     {101, 9.6},    {110, 9.3},    {111, 8.7},    {120, 9.1},    {121, 8.1},
    {200, 9.3},    {201, 9},      {210, 8.9},    {211, 8},      {220, 8.1},    {221, 6.8},
    {1000, 9.8},   {1001, 9.5},   {1010, 9.5},   {1011, 9.2},   {1020, 9},     {1021, 8.4},
    {1100, 9.3},   {1101, 9.2},   {1110, 8.9},   {1111, 8.1},   {1120, 8.1},   {1121, 6.5},
    {1200, 8.8},   {1201, 8},     {1210, 7.8},   {1211, 7},     {1220, 6.9},   {1221, 4.8},
    {2001, 9.2},   {2011, 8.2},   {2021, 7.2},   {2101, 7.9},   {2111, 6.9},   {2121, 5},
    {2201, 6.9},   {2211, 5.5},   {2221, 2.7},   {10000, 9.9},  {10001, 9.7},  {10010, 9.5},
    {10011, 9.2},  {10020, 9.2},  {10021, 8.5},  {10100, 9.5},  {10101, 9.1},  {10110, 9},
    {10111, 8.3},  {10120, 8.4},  {10121, 7.1},  {10200, 9.2},  {10201, 8.1},  {10210, 8.2},
    {10211, 7.1},  {10220, 7.2},  {10221, 5.3},  {11000, 9.5},  {11001, 9.3},  {11010, 9.2},
    {11011, 8.5},  {11020, 8.5},  {11021, 7.3},  {11100, 9.2},  {11101, 8.2},  {11110, 8},
    {11111, 7.2},  {11120, 7},    {11121, 5.9},  {11200, 8.4},  {11201, 7},    {11210, 7.1},
    {11211, 5.2},  {11220, 5},    {11221, 3},    {12001, 8.6},  {12011, 7.5},  {12021, 5.2},
    {12101, 7.1},  {12111, 5.2},  {12121, 2.9},  {12201, 6.3},  {12211, 2.9},  {12221, 1.7},
    {100000, 9.8}, {100001, 9.5}, {100010, 9.4}, {100011, 8.7}, {100020, 9.1}, {100021, 8.1},
    {100100, 9.4}, {100101, 8.9}, {100110, 8.6}, {100111, 7.4}, {100120, 7.7}, {100121, 6.4},
    {100200, 8.7}, {100201, 7.5}, {100210, 7.4}, {100211, 6.3}, {100220, 6.3}, {100221, 4.9},
    {101000, 9.4}, {101001, 8.9}, {101010, 8.8}, {101011, 7.7}, {101020, 7.6}, {101021, 6.7},
    {101100, 8.6}, {101101, 7.6}, {101110, 7.4}, {101111, 5.8}, {101120, 5.9}, {101121, 5},
    {101200, 7.2}, {101201, 5.7}, {101210, 5.7}, {101211, 5.2}, {101220, 5.2}, {101221, 2.5},
    {102001, 8.3}, {102011, 7},   {102021, 5.4}, {102101, 6.5}, {102111, 5.8}, {102121, 2.6},
    {102201, 5.3}, {102211, 2.1}, {102221, 1.3}, {110000, 9.5}, {110001, 9},   {110010, 8.8},
    {110011, 7.6}, {110020, 7.6}, {110021, 7},   {110100, 9},   {110101, 7.7}, {110110, 7.5},
    {110111, 6.2}, {110120, 6.1}, {110121, 5.3}, {110200, 7.7}, {110201, 6.6}, {110210, 6.8},
    {110211, 5.9}, {110220, 5.2}, {110221, 3},   {111000, 8.9}, {111001, 7.8}, {111010, 7.6},
    {111011, 6.7}, {111020, 6.2}, {111021, 5.8}, {111100, 7.4}, {111101, 5.9}, {111110, 5.7},
    {111111, 5.7}, {111120, 4.7}, {111121, 2.3}, {111200, 6.1}, {111201, 5.2}, {111210, 5.7},
    {111211, 2.9}, {111220, 2.4}, {111221, 1.6}, {112001, 7.1}, {112011, 5.9}, {112021, 3},
    {112101, 5.8}, {112111, 2.6}, {112121, 1.5}, {112201, 2.3}, {112211, 1.3}, {112221, 0.6},
    {200000, 9.3}, {200001, 8.7}, {200010, 8.6}, {200011, 7.2}, {200020, 7.5}, {200021, 5.8},
    {200100, 8.6}, {200101, 7.4}, {200110, 7.4}, {200111, 6.1}, {200120, 5.6}, {200121, 3.4},
    {200200, 7},   {200201, 5.4}, {200210, 5.2}, {200211, 4},   {200220, 4},   {200221, 2.2},
    {201000, 8.5}, {201001, 7.5}, {201010, 7.4}, {201011, 5.5}, {201020, 6.2}, {201021, 5.1},
    {201100, 7.2}, {201101, 5.7}, {201110, 5.5}, {201111, 4.1}, {201120, 4.6}, {201121, 1.9},
    {201200, 5.3}, {201201, 3.6}, {201210, 3.4}, {201211, 1.9}, {201220, 1.9}, {201221, 0.8},
    {202001, 6.4}, {202011, 5.1}, {202021, 2},   {202101, 4.7}, {202111, 2.1}, {202121, 1.1},
    {202201, 2.4}, {202211, 0.9}, {202221, 0.4}, {210000, 8.8}, {210001, 7.5}, {210010, 7.3},
    {210011, 5.3}, {210020, 6},   {210021, 5},   {210100, 7.3}, {210101, 5.5}, {210110, 5.9},
    {210111, 4},   {210120, 4.1}, {210121, 2},   {210200, 5.4}, {210201, 4.3}, {210210, 4.5},
    {210211, 2.2}, {210220, 2},   {210221, 1.1}, {211000, 7.5}, {211001, 5.5}, {211010, 5.8},
    {211011, 4.5}, {211020, 4},   {211021, 2.1}, {211100, 6.1}, {211101, 5.1}, {211110, 4.8},
    {211111, 1.8}, {211120, 2},   {211121, 0.9}, {211200, 4.6}, {211201, 1.8}, {211210, 1.7},
    {211211, 0.7}, {211220, 0.8}, {211221, 0.2}, {212001, 5.3}, {212011, 2.4}, {212021, 1.4},
    {212101, 2.4}, {212111, 1.2}, {212121, 0.5}, {212201, 1},   {212211, 0.3}, {212221, 0.1},
};

/* Score of a MacroVector, or NAN when it does not exist (an EQ digit out of range included). */
static double cvss_v4_macro(const int eq[6])
{
    size_t lo = 0, hi = NR_ARRAY_LEN(cvss_v4_lookup);
    int key = 0;

    for (int i = 0; i < 6; i++) {
        if (eq[i] > 9)
            return NAN;
        key = key * 10 + eq[i];
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cvss_v4_lookup[mid].key == key)
            return cvss_v4_lookup[mid].score;
        if (cvss_v4_lookup[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NAN;
}

/* The effective value of a v4 metric (a letter): modified metrics override their base metric,
 * and E, CR, IR, AR not given count as their worst case (A, H, H, H). */
static char cvss_v4_eff(const struct cvss_vec *v, int m)
{
    const char *s;

    if (m >= V4_AV && m <= V4_SA) {
        int mod = V4_MAV + m; /* MAV..MSA follow AV..SA in the same order */
        s = cvss_val(v, mod);
        if (s[0] != 'X')
            return s[0];
        return cvss_val(v, m)[0];
    }
    s = cvss_val(v, m);
    if (s[0] == 'X') {
        if (m == V4_E)
            return 'A';
        if (m == V4_CR || m == V4_IR || m == V4_AR)
            return 'H';
    }
    return s[0];
}

/* Severity levels of the reference calculator: the distance of a value from the worst one, in
 * steps of 0.1. Kept as the same doubles so that sums round as the reference's do. */
static double cvss_v4_level(int m, char c)
{
    switch (m) {
    case V4_AV:
        return c == 'N' ? 0.0 : c == 'A' ? 0.1 : c == 'L' ? 0.2 : 0.3;
    case V4_PR:
    case V4_UI:
        return c == 'N' ? 0.0 : (c == 'L' || c == 'P') ? 0.1 : 0.2;
    case V4_AC:
        return c == 'L' ? 0.0 : 0.1;
    case V4_AT:
        return c == 'N' ? 0.0 : 0.1;
    case V4_VC:
    case V4_VI:
    case V4_VA:
        return c == 'H' ? 0.0 : c == 'L' ? 0.1 : 0.2;
    case V4_SC:
    case V4_SI:
    case V4_SA:
        return c == 'S' ? 0.0 : c == 'H' ? 0.1 : c == 'L' ? 0.2 : 0.3;
    case V4_CR:
    case V4_IR:
    case V4_AR:
        return c == 'H' ? 0.0 : c == 'M' ? 0.1 : 0.2;
    default:
        return 0.0;
    }
}

/* The highest-severity vectors of each EQ's MacroVectors (max_composed.js of the reference
 * calculator), as letters per metric. A "?" is a metric the part does not set. */
struct cvss_v4_max {
    char av, pr, ui;
};
static const struct cvss_v4_max cvss_v4_eq1_max[3][3] = {
    {{'N', 'N', 'N'}},
    {{'A', 'N', 'N'}, {'N', 'L', 'N'}, {'N', 'N', 'P'}},
    {{'P', 'N', 'N'}, {'A', 'L', 'P'}},
};
static const char cvss_v4_eq2_max[2][2][2] = {
    {{'L', 'N'}},
    {{'H', 'N'}, {'L', 'P'}},
};
/* eq3 x eq6: VC VI VA CR IR AR */
static const char cvss_v4_eq36_max[3][2][5][7] = {
    {{"HHHHHH"}, {"HHLMMH", "HHHMMM"}},
    {{"LHHHHH", "HLHHHH"}, {"LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM"}},
    {{{0}}, {"LLLHHH"}},
};
static const char cvss_v4_eq4_max[3][4] = {"HSS", "HHH", "LLL"};
/* Depth of each MacroVector in severity steps, +1 (max_severity.js). */
static const int cvss_v4_eq1_depth[3] = {1, 4, 5};
static const int cvss_v4_eq2_depth[2] = {1, 2};
static const int cvss_v4_eq36_depth[3][2] = {{7, 6}, {8, 8}, {0, 10}};
static const int cvss_v4_eq4_depth[3] = {6, 5, 4};

static double cvss_v4_score(const struct cvss_vec *v)
{
    char av = cvss_v4_eff(v, V4_AV), pr = cvss_v4_eff(v, V4_PR), ui = cvss_v4_eff(v, V4_UI);
    char ac = cvss_v4_eff(v, V4_AC), at = cvss_v4_eff(v, V4_AT);
    char vc = cvss_v4_eff(v, V4_VC), vi = cvss_v4_eff(v, V4_VI), va = cvss_v4_eff(v, V4_VA);
    char sc = cvss_v4_eff(v, V4_SC), si = cvss_v4_eff(v, V4_SI), sa = cvss_v4_eff(v, V4_SA);
    char e = cvss_v4_eff(v, V4_E), cr = cvss_v4_eff(v, V4_CR), ir = cvss_v4_eff(v, V4_IR),
         ar = cvss_v4_eff(v, V4_AR);
    char msi = cvss_val(v, V4_MSI)[0], msa = cvss_val(v, V4_MSA)[0];
    int eq[6], low[6];
    double value, lower[5], dist[14] = {0}, depth[4], mean = 0.0, sum = 0.0;
    int n = 0;

    if (vc == 'N' && vi == 'N' && va == 'N' && sc == 'N' && si == 'N' && sa == 'N')
        return 0.0;

    /* The MacroVector (specification table 24). */
    if (av == 'N' && pr == 'N' && ui == 'N')
        eq[0] = 0;
    else if ((av == 'N' || pr == 'N' || ui == 'N') && av != 'P')
        eq[0] = 1;
    else
        eq[0] = 2;
    eq[1] = (ac == 'L' && at == 'N') ? 0 : 1;
    if (vc == 'H' && vi == 'H')
        eq[2] = 0;
    else if (vc == 'H' || vi == 'H' || va == 'H')
        eq[2] = 1;
    else
        eq[2] = 2;
    if (msi == 'S' || msa == 'S')
        eq[3] = 0;
    else if (sc == 'H' || si == 'H' || sa == 'H')
        eq[3] = 1;
    else
        eq[3] = 2;
    eq[4] = e == 'A' ? 0 : e == 'P' ? 1 : 2;
    eq[5] =
        ((cr == 'H' && vc == 'H') || (ir == 'H' && vi == 'H') || (ar == 'H' && va == 'H')) ? 0 : 1;

    value = cvss_v4_macro(eq);
    if (isnan(value))
        return 0.0; /* cannot happen for a valid vector: every reachable MacroVector is listed */

    /* The next lower MacroVector of each EQ (EQ3 and EQ6 move together). */
    memcpy(low, eq, sizeof(low));
    low[0]++;
    lower[0] = cvss_v4_macro(low);
    memcpy(low, eq, sizeof(low));
    low[1]++;
    lower[1] = cvss_v4_macro(low);
    memcpy(low, eq, sizeof(low));
    if (eq[2] == 0 && eq[5] == 0) {
        double left, right;
        low[5]++;
        left = cvss_v4_macro(low);
        memcpy(low, eq, sizeof(low));
        low[2]++;
        right = cvss_v4_macro(low);
        /* As the reference: the left one only when it is strictly higher. */
        lower[2] = left > right ? left : right;
    } else if (eq[2] == 1 && eq[5] == 0) {
        low[5]++;
        lower[2] = cvss_v4_macro(low);
    } else if (eq[2] == 2) {
        low[2]++;
        low[5]++;
        lower[2] = cvss_v4_macro(low);
    } else {
        low[2]++;
        lower[2] = cvss_v4_macro(low);
    }
    memcpy(low, eq, sizeof(low));
    low[3]++;
    lower[3] = cvss_v4_macro(low);
    memcpy(low, eq, sizeof(low));
    low[4]++;
    lower[4] = cvss_v4_macro(low);

    /* The first highest vector of the MacroVector that is at least as severe as this one in
     * every metric; its distances (the last one tried when none is, as the reference does). */
    {
        const char *v36[5];
        size_t n1 = 0, n2 = 0, n36 = 0;
        bool found = false;

        while (n1 < 3 && cvss_v4_eq1_max[eq[0]][n1].av)
            n1++;
        while (n2 < 2 && cvss_v4_eq2_max[eq[1]][n2][0])
            n2++;
        for (size_t i = 0; i < 5; i++)
            if (cvss_v4_eq36_max[eq[2]][eq[5]][i][0])
                v36[n36++] = cvss_v4_eq36_max[eq[2]][eq[5]][i];
        for (size_t i1 = 0; i1 < n1 && !found; i1++)
            for (size_t i2 = 0; i2 < n2 && !found; i2++)
                for (size_t i3 = 0; i3 < n36 && !found; i3++) {
                    const struct cvss_v4_max *m1 = &cvss_v4_eq1_max[eq[0]][i1];
                    const char *m2 = cvss_v4_eq2_max[eq[1]][i2], *m3 = v36[i3];
                    const char *m4 = cvss_v4_eq4_max[eq[3]];
                    dist[0] = cvss_v4_level(V4_AV, av) - cvss_v4_level(V4_AV, m1->av);
                    dist[1] = cvss_v4_level(V4_PR, pr) - cvss_v4_level(V4_PR, m1->pr);
                    dist[2] = cvss_v4_level(V4_UI, ui) - cvss_v4_level(V4_UI, m1->ui);
                    dist[3] = cvss_v4_level(V4_AC, ac) - cvss_v4_level(V4_AC, m2[0]);
                    dist[4] = cvss_v4_level(V4_AT, at) - cvss_v4_level(V4_AT, m2[1]);
                    dist[5] = cvss_v4_level(V4_VC, vc) - cvss_v4_level(V4_VC, m3[0]);
                    dist[6] = cvss_v4_level(V4_VI, vi) - cvss_v4_level(V4_VI, m3[1]);
                    dist[7] = cvss_v4_level(V4_VA, va) - cvss_v4_level(V4_VA, m3[2]);
                    dist[8] = cvss_v4_level(V4_SC, sc) - cvss_v4_level(V4_SC, m4[0]);
                    dist[9] = cvss_v4_level(V4_SI, si) - cvss_v4_level(V4_SI, m4[1]);
                    dist[10] = cvss_v4_level(V4_SA, sa) - cvss_v4_level(V4_SA, m4[2]);
                    dist[11] = cvss_v4_level(V4_CR, cr) - cvss_v4_level(V4_CR, m3[3]);
                    dist[12] = cvss_v4_level(V4_IR, ir) - cvss_v4_level(V4_IR, m3[4]);
                    dist[13] = cvss_v4_level(V4_AR, ar) - cvss_v4_level(V4_AR, m3[5]);
                    found = true;
                    for (size_t k = 0; k < 14; k++)
                        if (dist[k] < 0)
                            found = false;
                }
    }

    depth[0] = cvss_v4_eq1_depth[eq[0]] * 0.1;
    depth[1] = cvss_v4_eq2_depth[eq[1]] * 0.1;
    depth[2] = cvss_v4_eq36_depth[eq[2]][eq[5]] * 0.1;
    depth[3] = cvss_v4_eq4_depth[eq[3]] * 0.1;
    {
        double cur[4];
        cur[0] = dist[0] + dist[1] + dist[2];
        cur[1] = dist[3] + dist[4];
        cur[2] = dist[5] + dist[6] + dist[7] + dist[11] + dist[12] + dist[13];
        cur[3] = dist[8] + dist[9] + dist[10];
        for (int i = 0; i < 4; i++) {
            if (isnan(lower[i]))
                continue;
            n++;
            sum += (value - lower[i]) * (cur[i] / depth[i]);
        }
        /* EQ5 (exploit maturity) has no depth: a lower MacroVector only counts in the mean. */
        if (!isnan(lower[4]))
            n++;
    }
    if (n > 0)
        mean = sum / n;
    value -= mean;
    if (value < 0)
        value = 0.0;
    if (value > 10)
        value = 10.0;
    /* Half up, lifted by 1e-6 first: a tie such as 6.1 - 0.45 lands one ULP below 5.65 in
     * binary, and the reference rounds it up since its 2024 rounding fix. */
    return floor((value + 1e-6) * 10.0 + 0.5) / 10.0;
}

int nr_cvss_score(const char *vector, double *score, struct nr_err *err)
{
    struct cvss_vec vec;
    size_t len;
    int rc;

    *score = 0.0;
    if (vector == NULL)
        return nr_err_set(err, NR_EPARSE, "cvss", "no vector");
    len = strlen(vector);
    if (len > CVSS_MAX_LEN)
        return nr_err_set(err, NR_EPARSE, "cvss", "vector longer than %d bytes", CVSS_MAX_LEN);
    if (strncmp(vector, "CVSS:", 5) == 0) {
        bool v31 = strncmp(vector, "CVSS:3.1/", 9) == 0;
        if (v31 || strncmp(vector, "CVSS:3.0/", 9) == 0) {
            vec.metrics = cvss_v3;
            vec.nmetrics = NR_ARRAY_LEN(cvss_v3);
            rc = cvss_split(vector + 9, len - 9, &vec, err);
            if (rc == 0)
                *score = cvss_v3_score(&vec, v31);
            return rc;
        }
        if (strncmp(vector, "CVSS:4.0/", 9) == 0) {
            vec.metrics = cvss_v4;
            vec.nmetrics = NR_ARRAY_LEN(cvss_v4);
            rc = cvss_split(vector + 9, len - 9, &vec, err);
            if (rc == 0)
                *score = cvss_v4_score(&vec);
            return rc;
        }
        len = strcspn(vector, "/");
        return nr_err_set(err, NR_EPARSE, "cvss", "unsupported version \"%.*s\"",
                          (int)(len > 16 ? 16 : len), vector);
    }
    /* v2 has no prefix; NVD writes it in parentheses sometimes. */
    vec.metrics = cvss_v2;
    vec.nmetrics = NR_ARRAY_LEN(cvss_v2);
    if (len >= 2 && vector[0] == '(' && vector[len - 1] == ')')
        rc = cvss_split(vector + 1, len - 2, &vec, err);
    else
        rc = cvss_split(vector, len, &vec, err);
    if (rc == 0)
        *score = cvss_v2_score(&vec);
    return rc;
}

const char *nr_cvss_severity(double score)
{
    if (score >= 9.0)
        return "critical";
    if (score >= 7.0)
        return "high";
    if (score >= 4.0)
        return "medium";
    if (score > 0.0)
        return "low";
    return "info";
}
