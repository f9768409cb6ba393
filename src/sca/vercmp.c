/*
 * vercmp.c - the entry points of vercmp.h: dispatch to each ecosystem's version order (one file
 * per order, vercmp_<order>.c), the map from OSV ecosystems and purl types to orders and package
 * families, OSV's affected-range evaluation, and the package keys an advisory and an SBOM
 * component meet on. The whole-portfolio re-match calls these millions of times, so nothing here
 * allocates: ranges are evaluated in one pass and keys are written into the caller's buffer.
 */
#include "netreview/vercmp.h"

#include "netreview/ident.h"
#include "netreview/version.h"
#include "sca/vercmp_int.h"

#include <stdint.h>
#include <string.h>

#include "netreview/banned.h"

int nr__numcmp(const char *a, size_t an, const char *b, size_t bn)
{
    int r;

    while (an > 0 && *a == '0') {
        a++;
        an--;
    }
    while (bn > 0 && *b == '0') {
        b++;
        bn--;
    }
    if (an != bn)
        return an < bn ? -1 : 1;
    r = an > 0 ? memcmp(a, b, an) : 0;
    return (r > 0) - (r < 0);
}

int nr__bytecmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    int r = n > 0 ? memcmp(a, b, n) : 0;

    if (r != 0)
        return r < 0 ? -1 : 1;
    return an == bn ? 0 : an < bn ? -1 : 1;
}

int nr__bytecmp_lower(const char *a, size_t an, const char *b, size_t bn)
{
    size_t n = an < bn ? an : bn;

    for (size_t i = 0; i < n; i++) {
        unsigned char ca = (unsigned char)nr__lower(a[i]), cb = (unsigned char)nr__lower(b[i]);
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return an == bn ? 0 : an < bn ? -1 : 1;
}

bool nr__all_digits(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!nr__is_digit(s[i]))
            return false;
    return true;
}

const char *nr_order_name(enum nr_order o)
{
    static const char *const names[NR_ORDER__COUNT] = {
        [NR_ORDER_GENERIC] = "generic", [NR_ORDER_SEMVER] = "semver", [NR_ORDER_DPKG] = "dpkg",
        [NR_ORDER_RPM] = "rpm",         [NR_ORDER_APK] = "apk",       [NR_ORDER_PEP440] = "pep440",
        [NR_ORDER_MAVEN] = "maven",     [NR_ORDER_NUGET] = "nuget",   [NR_ORDER_GEM] = "gem",
    };

    if ((unsigned)o >= NR_ORDER__COUNT)
        return "?";
    return names[o];
}

int nr_vercmp(enum nr_order o, const char *a, const char *b)
{
    if (a == NULL)
        a = "";
    if (b == NULL)
        b = "";
    switch (o) {
    case NR_ORDER_SEMVER:
        return nr__semver_cmp(a, b);
    case NR_ORDER_DPKG:
        return nr__dpkg_cmp(a, b);
    case NR_ORDER_RPM:
        return nr__rpm_cmp(a, b);
    case NR_ORDER_APK:
        return nr__apk_cmp(a, b);
    case NR_ORDER_PEP440:
        return nr__pep440_cmp(a, b);
    case NR_ORDER_MAVEN:
        return nr__maven_cmp(a, b);
    case NR_ORDER_NUGET:
        return nr__nuget_cmp(a, b);
    case NR_ORDER_GEM:
        return nr__gem_cmp(a, b);
    default:
        return nr_version_cmp(a, b);
    }
}

/* An empty string is no version in any order, although RubyGems reads "" as 0: a component
 * whose version is empty cannot be placed in a range. */
bool nr_vercmp_valid(enum nr_order o, const char *v)
{
    if (v == NULL || *v == '\0')
        return false;
    switch (o) {
    case NR_ORDER_SEMVER:
        return nr__semver_valid(v);
    case NR_ORDER_DPKG:
        return nr__dpkg_valid(v);
    case NR_ORDER_RPM:
        return nr__rpm_valid(v);
    case NR_ORDER_APK:
        return nr__apk_valid(v);
    case NR_ORDER_PEP440:
        return nr__pep440_valid(v);
    case NR_ORDER_MAVEN:
        return nr__maven_valid(v);
    case NR_ORDER_NUGET:
        return nr__nuget_valid(v);
    case NR_ORDER_GEM:
        return nr__gem_valid(v);
    default:
        return true;
    }
}

/* --- Ecosystems and families -------------------------------------------------------------- */

enum name_rule {
    NAME_AS_WRITTEN,
    NAME_LOWER,
    NAME_PEP503 /* lower case, each run of "-", "_", "." becomes "-" */
};

struct family {
    const char *name; /* OSV's spelling */
    enum nr_order order;
    enum name_rule rule;
};

/* The OSV ecosystems (https://ossf.github.io/osv-schema/#defined-ecosystems) with a version order
 * of their own. Beyond vercmp.h's list: SwiftURL versions are SemVer; Wolfi, Chainguard and
 * MinimOS are apk distributions; openEuler, Photon OS and Azure Linux rpm ones. */
static const struct family families[] = {
    {"npm", NR_ORDER_SEMVER, NAME_AS_WRITTEN},
    {"PyPI", NR_ORDER_PEP440, NAME_PEP503},
    {"Maven", NR_ORDER_MAVEN, NAME_AS_WRITTEN},
    {"Go", NR_ORDER_SEMVER, NAME_AS_WRITTEN},
    {"crates.io", NR_ORDER_SEMVER, NAME_LOWER},
    {"RubyGems", NR_ORDER_GEM, NAME_LOWER},
    {"NuGet", NR_ORDER_NUGET, NAME_LOWER},
    {"Hex", NR_ORDER_SEMVER, NAME_LOWER},
    {"Pub", NR_ORDER_SEMVER, NAME_LOWER},
    {"Packagist", NR_ORDER_GENERIC, NAME_LOWER},
    {"SwiftURL", NR_ORDER_SEMVER, NAME_AS_WRITTEN},
    {"Debian", NR_ORDER_DPKG, NAME_AS_WRITTEN},
    {"Ubuntu", NR_ORDER_DPKG, NAME_AS_WRITTEN},
    {"Alpine", NR_ORDER_APK, NAME_AS_WRITTEN},
    {"Wolfi", NR_ORDER_APK, NAME_AS_WRITTEN},
    {"Chainguard", NR_ORDER_APK, NAME_AS_WRITTEN},
    {"MinimOS", NR_ORDER_APK, NAME_AS_WRITTEN},
    {"Red Hat", NR_ORDER_RPM, NAME_AS_WRITTEN},
    {"AlmaLinux", NR_ORDER_RPM, NAME_AS_WRITTEN},
    {"Rocky Linux", NR_ORDER_RPM, NAME_AS_WRITTEN},
    {"SUSE", NR_ORDER_RPM, NAME_AS_WRITTEN},
    {"openSUSE", NR_ORDER_RPM, NAME_AS_WRITTEN},
    {"Mageia", NR_ORDER_RPM, NAME_AS_WRITTEN},
    {"openEuler", NR_ORDER_RPM, NAME_AS_WRITTEN},
    {"Photon OS", NR_ORDER_RPM, NAME_AS_WRITTEN},
    {"Azure Linux", NR_ORDER_RPM, NAME_AS_WRITTEN},
    {"GitHub Actions", NR_ORDER_GENERIC, NAME_AS_WRITTEN},
    {"Hackage", NR_ORDER_GENERIC, NAME_AS_WRITTEN},
    {"CRAN", NR_ORDER_GENERIC, NAME_AS_WRITTEN},
    {"ConanCenter", NR_ORDER_GENERIC, NAME_AS_WRITTEN},
    {"Bitnami", NR_ORDER_GENERIC, NAME_AS_WRITTEN},
};

/* The family part of an ecosystem: up to the first ":" ("Debian:12", "Red Hat:rhel_aus:8.4"). */
static size_t family_len(const char *ecosystem)
{
    const char *colon = strchr(ecosystem, ':');

    return colon != NULL ? (size_t)(colon - ecosystem) : strlen(ecosystem);
}

/* OSV's names are exact; a different case is still taken (data from other tools varies). */
static const struct family *family_find(const char *name, size_t n)
{
    for (size_t i = 0; i < NR_ARRAY_LEN(families); i++)
        if (strlen(families[i].name) == n && nr__bytecmp_lower(families[i].name, n, name, n) == 0)
            return &families[i];
    return NULL;
}

enum nr_order nr_order_for_ecosystem(const char *ecosystem)
{
    const struct family *f;

    if (ecosystem == NULL || *ecosystem == '\0')
        return NR_ORDER_GENERIC;
    f = family_find(ecosystem, family_len(ecosystem));
    return f != NULL ? f->order : NR_ORDER_GENERIC;
}

static bool eq_nocase(const char *a, const char *b)
{
    size_t n = strlen(b);

    return a != NULL && strlen(a) == n && nr__bytecmp_lower(a, n, b, n) == 0;
}

const char *nr_pkg_family_of_purl(const char *type, const char *namespace)
{
    static const struct {
        const char *type, *family;
    } plain[] = {
        {"npm", "npm"},
        {"pypi", "PyPI"},
        {"maven", "Maven"},
        {"golang", "Go"},
        {"cargo", "crates.io"},
        {"gem", "RubyGems"},
        {"nuget", "NuGet"},
        {"hex", "Hex"},
        {"pub", "Pub"},
        {"composer", "Packagist"},
        {"github", "GitHub Actions"},
        {"swift", "SwiftURL"},
        {"hackage", "Hackage"},
        {"cran", "CRAN"},
        {"conan", "ConanCenter"},
        {"bitnami", "Bitnami"},
    };
    static const struct {
        const char *namespace, *family;
    } rpm[] = {
        {"redhat", "Red Hat"},      {"almalinux", "AlmaLinux"}, {"rocky", "Rocky Linux"},
        {"suse", "SUSE"},           {"opensuse", "openSUSE"},   {"mageia", "Mageia"},
        {"openeuler", "openEuler"},
    };

    if (type == NULL)
        return "";
    for (size_t i = 0; i < NR_ARRAY_LEN(plain); i++)
        if (eq_nocase(type, plain[i].type))
            return plain[i].family;
    if (eq_nocase(type, "deb"))
        return eq_nocase(namespace, "ubuntu") ? "Ubuntu" : "Debian";
    if (eq_nocase(type, "apk")) {
        if (eq_nocase(namespace, "wolfi"))
            return "Wolfi";
        if (eq_nocase(namespace, "chainguard"))
            return "Chainguard";
        return "Alpine";
    }
    if (eq_nocase(type, "rpm")) {
        for (size_t i = 0; i < NR_ARRAY_LEN(rpm); i++)
            if (eq_nocase(namespace, rpm[i].namespace))
                return rpm[i].family;
        return "Red Hat";
    }
    return type;
}

enum nr_order nr_order_for_purl_type(const char *type)
{
    const char *family;

    if (type == NULL || *type == '\0')
        return NR_ORDER_GENERIC;
    family = nr_pkg_family_of_purl(type, NULL);
    return nr_order_for_ecosystem(family);
}

/* --- OSV ranges ----------------------------------------------------------------------------- */

static bool is_introduced_zero(const struct nr_osv_event *e)
{
    return e->kind == NR_OSV_INTRODUCED && strcmp(e->version, "0") == 0;
}

/* True when e sorts after best: by version ("introduced 0" first of all), then introduced before
 * fixed and last_affected at one version. */
static bool event_after(enum nr_order o, const struct nr_osv_event *e,
                        const struct nr_osv_event *best)
{
    bool ez = is_introduced_zero(e), bz = is_introduced_zero(best);
    int c;

    if (ez || bz)
        c = ez == bz ? 0 : ez ? -1 : 1;
    else
        c = nr_vercmp(o, e->version, best->version);
    if (c != 0)
        return c > 0;
    return e->kind != NR_OSV_INTRODUCED && best->kind == NR_OSV_INTRODUCED;
}

/* Walking the sorted events, the state after v is set by the last event that applies at v, so
 * one pass that keeps the greatest applying event gives the same answer without sorting. */
bool nr_osv_range_affected(enum nr_order o, const struct nr_osv_event *events, size_t n,
                           const char *version)
{
    const struct nr_osv_event *best = NULL;
    bool has_limit = false, below_limit = false;

    if (events == NULL || n == 0 || version == NULL)
        return false;
    for (size_t i = 0; i < n; i++) {
        const struct nr_osv_event *e = &events[i];
        bool applies;

        if (e->version == NULL)
            continue;
        switch (e->kind) {
        case NR_OSV_LIMIT:
            has_limit = true;
            if (strcmp(e->version, "*") == 0 || nr_vercmp(o, version, e->version) < 0)
                below_limit = true;
            continue;
        case NR_OSV_INTRODUCED:
            applies = is_introduced_zero(e) || nr_vercmp(o, e->version, version) <= 0;
            break;
        case NR_OSV_FIXED:
            applies = nr_vercmp(o, e->version, version) <= 0;
            break;
        case NR_OSV_LAST_AFFECTED:
            applies = nr_vercmp(o, e->version, version) < 0;
            break;
        default:
            continue;
        }
        if (applies && (best == NULL || event_after(o, e, best)))
            best = e;
    }
    if (has_limit && !below_limit)
        return false;
    return best != NULL && best->kind == NR_OSV_INTRODUCED;
}

/* --- Package keys --------------------------------------------------------------------------- */

/* Writes a key into a caller's buffer, normalising the name on the way. */
struct key_writer {
    char *out;
    size_t cap; /* bytes usable, NUL included */
    size_t len;
    bool overflow;
    enum name_rule rule;
    bool in_sep; /* NAME_PEP503: the last byte written was a "-" standing for a separator run */
};

static void kw_byte(struct key_writer *w, char c)
{
    if (w->len + 1 >= w->cap) {
        w->overflow = true;
        return;
    }
    w->out[w->len++] = c;
}

static void kw_raw(struct key_writer *w, const char *s)
{
    for (; *s != '\0'; s++)
        kw_byte(w, *s);
}

/* Writes the first n bytes of s as a name, normalised by the family's rule. */
static void kw_name_n(struct key_writer *w, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        switch (w->rule) {
        case NAME_PEP503:
            if (c == '-' || c == '_' || c == '.') {
                if (!w->in_sep)
                    kw_byte(w, '-');
                w->in_sep = true;
                continue;
            }
            w->in_sep = false;
            kw_byte(w, nr__lower(c));
            break;
        case NAME_LOWER:
            kw_byte(w, nr__lower(c));
            break;
        default:
            kw_byte(w, c);
            break;
        }
    }
}

static void kw_name(struct key_writer *w, const char *s)
{
    kw_name_n(w, s, strlen(s));
}

static int kw_finish(struct key_writer *w, struct nr_err *err)
{
    if (w->overflow) {
        if (w->cap > 0)
            w->out[0] = '\0';
        return nr_err_set(err, NR_ETOOBIG, "package", "package: key longer than %zu bytes",
                          w->cap > 0 ? w->cap - 1 : 0);
    }
    w->out[w->len] = '\0';
    return 0;
}

/* Starts a key "Family/" for the family spelled by the first n bytes of family. */
static void kw_start(struct key_writer *w, char *out, size_t n, const char *family, size_t flen)
{
    const struct family *f = family_find(family, flen);

    w->out = out;
    w->cap = n < NR_PKG_KEY_MAX ? n : NR_PKG_KEY_MAX;
    w->len = 0;
    w->overflow = false;
    w->in_sep = false;
    w->rule = f != NULL ? f->rule : NAME_AS_WRITTEN;
    if (f != NULL) {
        kw_raw(w, f->name);
    } else {
        for (size_t i = 0; i < flen; i++)
            kw_byte(w, family[i]);
    }
    kw_byte(w, '/');
}

int nr_pkg_key_osv(const char *ecosystem, const char *name, char *out, size_t n, struct nr_err *err)
{
    struct key_writer w;
    size_t flen;

    if (ecosystem == NULL || (flen = family_len(ecosystem)) == 0)
        return nr_err_set(err, NR_EINVAL, "package", "package: empty ecosystem");
    if (name == NULL || *name == '\0')
        return nr_err_set(err, NR_EINVAL, "package", "package: empty name");
    if (out == NULL || n == 0)
        return nr_err_set(err, NR_ETOOBIG, "package", "package: no room for the key");
    kw_start(&w, out, n, ecosystem, flen);
    kw_name(&w, name);
    return kw_finish(&w, err);
}

/* How a purl type spells the package name an OSV advisory names. */
enum purl_name { PURL_NAME_ONLY, PURL_SLASH, PURL_MAVEN, PURL_NPM };

static enum purl_name purl_name_form(const char *type)
{
    static const char *const name_only[] = {"deb",     "rpm",   "apk",     "pypi", "cargo",
                                            "gem",     "nuget", "hex",     "pub",  "cran",
                                            "hackage", "conan", "bitnami", "alpm"};

    if (eq_nocase(type, "maven"))
        return PURL_MAVEN;
    if (eq_nocase(type, "npm"))
        return PURL_NPM;
    for (size_t i = 0; i < NR_ARRAY_LEN(name_only); i++)
        if (eq_nocase(type, name_only[i]))
            return PURL_NAME_ONLY;
    /* golang, composer, github, swift and unknown types: the namespace is part of the name. */
    return PURL_SLASH;
}

/* vercmp.h: the source package a distribution's binary package was built from, which is what
 * Debian's, Ubuntu's and Alpine's advisories name, as the `upstream` qualifier of syft and Trivy
 * gives it: "name" or "name@version" for deb and apk, the source RPM's file name
 * "name-version-release.src.rpm" for rpm. *len gets its length; p->name when there is none. */
static const char *purl_source_name(const struct nr_purl *p, size_t *len)
{
    const char *up = NULL;
    size_t n;

    *len = strlen(p->name);
    if (eq_nocase(p->type, "deb") || eq_nocase(p->type, "apk")) {
        up = nr_purl_qualifier(p, "upstream");
        if (up == NULL)
            return p->name;
        n = strcspn(up, "@");
    } else if (eq_nocase(p->type, "rpm")) {
        static const char tail[] = ".src.rpm";
        const size_t tl = sizeof(tail) - 1;
        size_t dashes = 0;

        up = nr_purl_qualifier(p, "upstream");
        if (up == NULL || (n = strlen(up)) <= tl || memcmp(up + n - tl, tail, tl) != 0)
            return p->name;
        /* The name is everything before the second-to-last "-": names may hold dashes
         * ("python3-libs"), version and release may not. */
        n -= tl;
        while (n > 0 && dashes < 2)
            if (up[--n] == '-')
                dashes++;
        if (dashes < 2)
            return p->name;
    } else {
        return p->name;
    }
    if (n == 0)
        return p->name;
    *len = n;
    return up;
}

int nr_pkg_key_purl(const struct nr_purl *p, char *out, size_t n, struct nr_err *err)
{
    struct key_writer w;
    const char *family, *ns;
    enum purl_name form;

    if (p == NULL || p->type == NULL || *p->type == '\0')
        return nr_err_set(err, NR_EINVAL, "package", "package: empty purl type");
    if (p->name == NULL || *p->name == '\0')
        return nr_err_set(err, NR_EINVAL, "package", "package: empty name");
    if (out == NULL || n == 0)
        return nr_err_set(err, NR_ETOOBIG, "package", "package: no room for the key");
    family = nr_pkg_family_of_purl(p->type, p->namespace);
    ns = p->namespace != NULL && *p->namespace != '\0' ? p->namespace : NULL;
    form = purl_name_form(p->type);
    kw_start(&w, out, n, family, strlen(family));
    if (ns != NULL && form != PURL_NAME_ONLY) {
        if (form == PURL_NPM && ns[0] != '@')
            kw_byte(&w, '@');
        kw_name(&w, ns);
        kw_byte(&w, form == PURL_MAVEN ? ':' : '/');
    }
    if (form == PURL_NAME_ONLY) {
        size_t len;
        const char *src = purl_source_name(p, &len);
        kw_name_n(&w, src, len);
    } else {
        kw_name(&w, p->name);
    }
    return kw_finish(&w, err);
}

/* --- Releases ------------------------------------------------------------------------------ */

static size_t span_digits(const char *s)
{
    size_t n = 0;

    while (s[n] >= '0' && s[n] <= '9')
        n++;
    return n;
}

/* The length of a "digits.digits" prefix of s ("22.04" of "22.04:LTS", "3.18" of "3.18.4"), or
 * 0. */
static size_t span_major_minor(const char *s)
{
    size_t a = span_digits(s), b;

    if (a == 0 || s[a] != '.')
        return 0;
    b = span_digits(s + a + 1);
    return b == 0 ? 0 : a + 1 + b;
}

/* Writes prefix and s[0..len) into out; 0 (and out "") when it does not fit. */
static size_t release_put(char *out, size_t n, const char *prefix, const char *s, size_t len)
{
    size_t pl = strlen(prefix);

    if (out == NULL || n == 0 || pl + len + 1 > n)
        return 0;
    memcpy(out, prefix, pl);
    memcpy(out + pl, s, len);
    out[pl + len] = '\0';
    return pl + len;
}

static bool has_prefix_nocase(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);

    return strlen(s) >= n && nr__bytecmp_lower(s, n, prefix, n) == 0;
}

/* The release a purl's distro qualifier names, in the spelling of the OSV ecosystems: Debian
 * "debian-12", "debian-12.4" or a codename give "12"; "ubuntu-22.04" or a codename "22.04";
 * Alpine (apk) "alpine-3.18", "3.18.4" or "v3.18" give "v3.18". */
static size_t release_of_distro(bool apk, const char *d, char *out, size_t n)
{
    static const struct {
        const char *codename, *release;
    } codenames[] = {
        {"jessie", "8"},     {"stretch", "9"},      {"buster", "10"},    {"bullseye", "11"},
        {"bookworm", "12"},  {"trixie", "13"},      {"forky", "14"},     {"xenial", "16.04"},
        {"bionic", "18.04"}, {"focal", "20.04"},    {"jammy", "22.04"},  {"mantic", "23.10"},
        {"noble", "24.04"},  {"oracular", "24.10"}, {"plucky", "25.04"},
    };
    size_t len;

    if (apk) {
        if (has_prefix_nocase(d, "alpine-"))
            d += 7;
        if (*d == 'v' || *d == 'V')
            d++;
        len = span_major_minor(d);
        if (len == 0 || (d[len] != '\0' && d[len] != '.'))
            return 0;
        return release_put(out, n, "v", d, len);
    }
    if (has_prefix_nocase(d, "debian-")) {
        d += 7;
        len = span_digits(d);
        if (len > 0 && (d[len] == '\0' || d[len] == '.'))
            return release_put(out, n, "", d, len);
    } else if (has_prefix_nocase(d, "ubuntu-")) {
        d += 7;
        len = span_major_minor(d);
        if (len > 0 && (d[len] == '\0' || d[len] == '.'))
            return release_put(out, n, "", d, len);
    }
    for (size_t i = 0; i < NR_ARRAY_LEN(codenames); i++)
        if (eq_nocase(d, codenames[i].codename))
            return release_put(out, n, "", codenames[i].release, strlen(codenames[i].release));
    return 0;
}

size_t nr_pkg_release_osv(const char *ecosystem, char *out, size_t n)
{
    const struct family *f;
    const char *s;
    size_t flen, len;

    if (out != NULL && n > 0)
        out[0] = '\0';
    if (ecosystem == NULL)
        return 0;
    flen = family_len(ecosystem);
    f = family_find(ecosystem, flen);
    if (f == NULL || ecosystem[flen] != ':')
        return 0;
    s = ecosystem + flen + 1;
    if (strcmp(f->name, "Debian") == 0) {
        len = span_digits(s);
        if (len > 0 && (s[len] == '\0' || s[len] == '.' || s[len] == ':'))
            return release_put(out, n, "", s, len);
    } else if (strcmp(f->name, "Ubuntu") == 0) {
        /* "Ubuntu:22.04:LTS", "Ubuntu:Pro:18.04:LTS": the first numeric segment. */
        for (; *s != '\0'; s += strcspn(s, ":"), s += *s == ':') {
            if (*s < '0' || *s > '9')
                continue;
            len = span_major_minor(s);
            if (len > 0 && (s[len] == '\0' || s[len] == ':'))
                return release_put(out, n, "", s, len);
            break;
        }
    } else if (strcmp(f->name, "Alpine") == 0) {
        if (*s == 'v' || *s == 'V')
            s++;
        len = span_major_minor(s);
        if (len > 0 && (s[len] == '\0' || s[len] == ':' || s[len] == '.'))
            return release_put(out, n, "v", s, len);
    }
    return 0;
}

size_t nr_pkg_release_purl(const struct nr_purl *p, char *out, size_t n)
{
    const char *d;
    bool apk;

    if (out != NULL && n > 0)
        out[0] = '\0';
    if (p == NULL || p->type == NULL)
        return 0;
    apk = eq_nocase(p->type, "apk");
    if (!apk && !eq_nocase(p->type, "deb"))
        return 0;
    d = nr_purl_qualifier(p, "distro");
    return d != NULL ? release_of_distro(apk, d, out, n) : 0;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The watch reads this for every stored component: a scan of the text, no parse. */
size_t nr_pkg_release_purl_text(const char *purl, char *out, size_t n)
{
    char d[64];
    const char *s, *q, *hash;
    size_t tlen;
    bool apk;

    if (out != NULL && n > 0)
        out[0] = '\0';
    if (purl == NULL || strlen(purl) < 4 || nr__bytecmp_lower(purl, 4, "pkg:", 4) != 0)
        return 0;
    s = purl + 4;
    while (*s == '/')
        s++;
    tlen = strcspn(s, "/?#@");
    apk = tlen == 3 && nr__bytecmp_lower(s, 3, "apk", 3) == 0;
    if (!apk && !(tlen == 3 && nr__bytecmp_lower(s, 3, "deb", 3) == 0))
        return 0;
    q = strchr(s, '?');
    hash = strchr(s, '#');
    if (q == NULL || (hash != NULL && hash < q))
        return 0;
    for (s = q + 1; *s != '\0' && *s != '#'; s += *s == '&') {
        size_t klen = strcspn(s, "=&#"), dl = 0;

        if (s[klen] != '=' || klen != 6 || nr__bytecmp_lower(s, 6, "distro", 6) != 0) {
            s += strcspn(s, "&#");
            continue;
        }
        for (s += klen + 1; *s != '\0' && *s != '&' && *s != '#'; s++) {
            int c = (unsigned char)*s;

            if (c == '%') {
                int hi = hex_value(s[1]), lo = hi < 0 ? -1 : hex_value(s[2]);
                if (lo < 0)
                    return 0; /* nr_purl_parse rejects the purl */
                c = hi * 16 + lo;
                s += 2;
            }
            if (dl + 1 >= sizeof(d))
                return 0;
            d[dl++] = (char)c;
        }
        d[dl] = '\0';
        return release_of_distro(apk, d, out, n);
    }
    return 0;
}
