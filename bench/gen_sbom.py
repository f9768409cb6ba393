#!/usr/bin/env python3
"""gen_sbom.py - the data of the supply-chain benchmark (bench/sbom.sh), python3 stdlib only.

Writes into OUT:
  portfolio/NNNN.cdx.json  a portfolio of CycloneDX 1.6 SBOMs (default 1,000 of them with
                           1,000,000 components in all) over npm, PyPI, Maven, Debian and Go
                           packages, one per product;
  osv.zip                  OSV advisories (default 200,000) over the same packages, one JSON
                           file per advisory, flat, as in OSV's per-ecosystem all.zip: the
                           history the portfolio's products were reviewed against;
  osv-new.zip              a later batch (default 2,000), published after they passed, mostly
                           fixed in recent versions: what the watch must catch;
  big.cdx.json             one SBOM of 10,000 components (the single-SBOM analysis);
  huge.cdx.json            one pretty-printed SBOM of about 50 MB (peak memory of a read);
  truth.json               what a correct matcher must find in big.cdx.json and in the whole
                           portfolio against osv.zip, and what osv-new.zip adds (matches,
                           vulnerable components, cases to flag), computed here from the
                           version indices the data was made from (so the benchmark also
                           checks the engine's answers).

Everything is drawn from one seeded generator: the same arguments give the same bytes.

Realism, and why the numbers are what they are:
- Each ecosystem's packages carry 12 to 28 versions in that ecosystem's own spelling and order:
  SemVer with pre-releases (npm; Go with a leading "v"), PEP 440 with rc and post releases
  (PyPI), Maven with -rcN qualifiers, Debian with revisions, "~" pre-releases, "+debNuM"
  security updates and the occasional epoch. The index of a version in its list is its true
  place in the order, which is what truth.json is computed from.
- Popularity is skewed (a few packages in many SBOMs, as real dependency trees are), and so are
  advisories (popular packages get more of them). Components mostly use recent versions and
  advisories are mostly fixed in older ones, so that about 3% of components are vulnerable:
  real hits, not every component.
- Advisories use OSV's range shapes: "introduced": "0", a later introduction, "fixed",
  "last_affected", explicit versions[]; SEMVER ranges for npm and Go, ECOSYSTEM otherwise. One
  in ten GHSA advisories has a twin under another database's id sharing its CVE alias: one
  vulnerability under two ids, which must count once. CVSS v3.1 vectors (some v4.0, some none),
  and a few remote-code-execution weaknesses (CWE-94).
- Components carry bom-refs, purls, suppliers (most with a country), SHA-256 hashes and
  licences; a few lack a supplier, a hash or a version (unknown provenance). Some SBOMs hold a
  VEX statement (not_affected) for one of their real hits.
"""
import argparse
import hashlib
import json
import os
import random
import sys
import zipfile

ECOSYSTEMS = ["npm", "PyPI", "Maven", "Debian", "Go"]
SYLLABLES = ["ka", "vo", "tril", "mex", "ra", "dun", "sel", "po", "lin", "zar", "qu", "ito",
             "bel", "nor", "vex", "il", "tam", "gor", "fen", "ul", "sto", "cri", "dal", "mo",
             "pex", "ran", "shi", "tor", "wen", "yal", "bri", "cho", "fla", "gri", "hu", "jem"]
SUFFIXES = ["core", "utils", "client", "parser", "http", "json", "cli", "io", "auth", "db",
            "log", "net", "crypto", "xml", "yaml", "api", "sdk", "async", "cache", "test"]
LICENSES = ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC", "GPL-2.0-only", "LGPL-2.1-or-later",
            "MPL-2.0", "BSD-2-Clause"]
COUNTRIES = ["CN", "US", "DE", "JP", "GB", "FR", "KR", "IN", "NL", "SE"]
SUPPLIERS = 600  # distinct supplier organisations
CVSS3 = [
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
    "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
    "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N",
    "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L",
    "CVSS:3.1/AV:L/AC:H/PR:H/UI:N/S:U/C:L/I:N/A:N",
]
CVSS4 = [
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N",
]
GHSA_ALPHABET = "23456789cfghjmpqrvwx"


def name_words(r, n):
    return "".join(r.choice(SYLLABLES) for _ in range(n))


# ---- versions: each list is in its ecosystem's order, oldest first ----

def semver_walk(r, n, go=False):
    major = 0 if go and r.random() < 0.5 else r.choice([0, 1, 1, 2, 3])
    if go:
        major = min(major, 1)  # Go modules at v2+ change their path
    minor, patch = r.randrange(4), r.randrange(6)
    out = []
    while len(out) < n:
        step = r.random()
        if step < 0.6:
            patch += 1
        elif step < 0.9 or go and major >= 1:
            minor, patch = minor + 1, 0
        else:
            major, minor, patch = major + 1, 0, 0
        out.append((major, minor, patch, patch == 0 and r.random() < 0.25))
    return out


def versions_for(r, eco, n):
    out = []
    if eco in ("npm", "Go", "Maven", "PyPI"):
        for major, minor, patch, pre in semver_walk(r, n, go=eco == "Go"):
            base = "%d.%d.%d" % (major, minor, patch)
            if pre:
                out.append({"npm": base + "-rc.1", "Go": "v" + base + "-rc.1",
                            "Maven": base + "-rc1", "PyPI": base + "rc1"}[eco])
            out.append("v" + base if eco == "Go" else base)
            if eco == "PyPI" and r.random() < 0.1:
                out.append(base + ".post1")
    else:  # Debian: upstream-revision, "~" pre-releases, +debNuM updates, an epoch now and then
        epoch, epoch_at = "", r.randrange(n) if r.random() < 0.05 else n
        for step, (major, minor, patch, pre) in enumerate(semver_walk(r, n)):
            base = "%d.%d.%d" % (major, minor, patch)
            if step == epoch_at:
                epoch = "1:"  # upstream renumbered backwards: the epoch keeps the order
            if pre:
                out.append("%s%s~rc1-1" % (epoch, base))
            out.append("%s%s-1" % (epoch, base))
            if r.random() < 0.3:
                out.append("%s%s-1+deb12u1" % (epoch, base))
            if r.random() < 0.1:
                out.append("%s%s-2" % (epoch, base))
    return out[:n] if len(out) > n else out


class Package:
    __slots__ = ("eco", "name", "group", "versions", "advisories", "later", "supplier",
                 "country", "license")

    def purl(self, version):
        if self.eco == "npm":
            if self.name.startswith("@"):
                scope, base = self.name[1:].split("/", 1)
                return "pkg:npm/%%40%s/%s@%s" % (scope, base, version)
            return "pkg:npm/%s@%s" % (self.name, version)
        if self.eco == "PyPI":
            return "pkg:pypi/%s@%s" % (self.name, version)
        if self.eco == "Maven":
            return "pkg:maven/%s/%s@%s" % (self.group, self.name, version)
        if self.eco == "Debian":
            return "pkg:deb/debian/%s@%s?arch=amd64&distro=debian-12" % (
                self.name, version.replace(":", "%3A"))
        return "pkg:golang/%s@%s" % (self.name, version)

    def base_purl(self):
        """The purl without a version (nor qualifiers)."""
        return self.purl("").split("?")[0].rstrip("@")

    def osv_package(self):
        if self.eco == "Maven":
            return {"ecosystem": "Maven", "name": "%s:%s" % (self.group, self.name)}
        if self.eco == "Debian":
            return {"ecosystem": "Debian:12", "name": self.name}
        return {"ecosystem": self.eco, "name": self.name}


def make_universe(r, per_ecosystem):
    pkgs, seen = [], set()
    for eco in ECOSYSTEMS:
        made = 0
        while made < per_ecosystem:
            a, b = name_words(r, r.randint(2, 3)), r.choice(SUFFIXES)
            p = Package()
            p.eco, p.group = eco, None
            if eco == "npm":
                p.name = "@%s/%s-%s" % (name_words(r, 2), a, b) if r.random() < 0.1 else "%s-%s" % (a, b)
            elif eco == "PyPI":
                p.name = "%s-%s" % (a, b) if r.random() < 0.5 else "py%s" % a
            elif eco == "Maven":
                p.group = "%s.%s" % (r.choice(["org", "com", "io", "net"]), name_words(r, 2))
                p.name = "%s-%s" % (a, b)
            elif eco == "Debian":
                p.name = "lib%s%s" % (a, r.choice(["", "1", "2", "-dev", "-bin"]))
                if p.name.endswith("-dev") or p.name.endswith("-bin"):
                    p.name = p.name[:-4]
            else:
                p.name = "%s/%s/%s" % (r.choice(["github.com", "gitlab.com", "golang.org/x"]),
                                       name_words(r, 2), a)
                if p.name.startswith("golang.org/x/"):
                    p.name = "golang.org/x/%s" % a
            key = (eco, p.group, p.name)
            if key in seen:
                continue
            seen.add(key)
            p.versions = versions_for(r, eco, r.randint(12, 28))
            p.advisories, p.later = [], []
            s = r.randrange(SUPPLIERS)
            p.supplier = "%s %s" % (name_words(random.Random(s), 2).capitalize(),
                                    ["Software", "Labs", "Foundation", "Systems", "Project"][s % 5])
            p.country = COUNTRIES[s % len(COUNTRIES)] if s % 7 else None
            p.license = LICENSES[s % len(LICENSES)]
            pkgs.append(p)
            made += 1
    return pkgs


def popular(r, n):
    """An index in [0, n) skewed towards 0: a few packages are in many SBOMs."""
    return min(n - 1, int(n * r.random() ** 2.2))


# ---- advisories ----

def ghsa(r, used):
    while True:
        g = "GHSA-" + "-".join("".join(r.choice(GHSA_ALPHABET) for _ in range(4)) for _ in range(3))
        if g not in used:
            used.add(g)
            return g


class Ids:
    """Advisory ids and CVE numbers handed out so far: every record of both sets is unique."""

    def __init__(self):
        self.seq, self.used = {}, set()

    def next(self, prefix, year):
        self.seq[prefix, year] = self.seq.get((prefix, year), 0) + 1
        return self.seq[prefix, year]


def make_advisories(r, pkgs, count, ids_state, attr="advisories", recent=False):
    """Fills pkg.<attr> with (kind, a, b, cve, ids) where kind 'range' means introduced index
    a to fixed index b (exclusive), 'last' introduced a to last_affected b (inclusive), 'list'
    the explicit versions at indices a (a tuple); cve names the vulnerability (every id of the
    group has it as an alias) and ids counts the group's advisories. Yields the OSV records.
    recent: advisories published this year, fixed mostly in recent versions (what a new batch
    of an advisory database looks like), instead of the history."""
    made = 0
    while made < count:
        p = pkgs[popular(r, len(pkgs))]
        v = len(p.versions)
        f = max(1, min(v - 1, int(v * (r.betavariate(4.0, 1.2) if recent else r.betavariate(1.2, 2.5)))))
        i = 0 if r.random() < 0.4 else r.randrange(0, f)
        shape = r.random()
        if shape < 0.75:
            kind, a, b = "range", i, f
        elif shape < 0.9:
            kind, a, b = "last", i, f - 1
        else:
            kind, a, b = "list", tuple(sorted(r.sample(range(f), min(f, r.randint(1, 3))))), None
        year = 2026 if recent else r.randint(2016, 2026)
        cve = "CVE-%d-%d" % (year, 10000 + ids_state.next("CVE", year))
        ids = [ghsa(r, ids_state.used)] if p.eco in ("npm", "Maven", "PyPI") or r.random() < 0.3 else []
        if p.eco == "PyPI" and (not ids or r.random() < 0.1):
            ids.append("PYSEC-%d-%d" % (year, ids_state.next("PYSEC", year)))
        elif p.eco == "Go" and (not ids or r.random() < 0.1):
            ids.append("GO-%d-%04d" % (year, ids_state.next("GO", year)))
        elif p.eco == "Debian":
            ids = ["DEBIAN-%s" % cve]
        elif p.eco in ("npm", "Maven") and r.random() < 0.1:
            ids.append("OSV-%d-%d" % (year, ids_state.next("OSV", year)))  # a twin elsewhere
        ids = ids[: max(1, count - made)]
        getattr(p, attr).append((kind, a, b, cve, len(ids)))
        sev = r.random()
        rce = r.random() < 0.03
        for osv_id in ids:
            aliases = [cve] + [x for x in ids if x != osv_id]
            yield osv_record(r, p, osv_id, aliases, kind, a, b, year, sev, rce, cve)
            made += 1


def osv_record(r, p, osv_id, aliases, kind, a, b, year, sev, rce, cve):
    rng_type = "SEMVER" if p.eco in ("npm", "Go") else "ECOSYSTEM"
    affected = {"package": dict(p.osv_package(), purl=p.base_purl())}
    if kind == "list":
        affected["versions"] = [p.versions[k] for k in a]
    else:
        intro = "0" if a == 0 else p.versions[a]
        if rng_type == "SEMVER" and intro != "0":
            intro = intro.lstrip("v")
        last = p.versions[b]
        if rng_type == "SEMVER":
            last = last.lstrip("v")
        events = [{"introduced": intro}, {"fixed" if kind == "range" else "last_affected": last}]
        affected["ranges"] = [{"type": rng_type, "events": events}]
        if kind == "range" and r.random() < 0.5:
            # Databases often list the affected versions as well as the range.
            affected["versions"] = p.versions[a:b]
    rec = {
        "schema_version": "1.6.0",
        "id": osv_id,
        "modified": "%d-%02d-%02dT%02d:00:00Z" % (min(2026, year + 1), r.randint(1, 12),
                                                  r.randint(1, 28), r.randint(0, 23)),
        "published": "%d-%02d-%02dT00:00:00Z" % (year, r.randint(1, 12), r.randint(1, 28)),
        "aliases": aliases,
        "summary": ("Remote code execution in %s" if rce else "Denial of service in %s")
        % p.name if sev < 0.5 else "Improper input validation in %s" % p.name,
        "details": "%s before the fixed version mishandles crafted input (%s)." % (p.name, cve),
        "affected": [affected],
        "references": [{"type": "ADVISORY", "url": "https://osv.dev/vulnerability/" + osv_id}],
    }
    if sev < 0.85:
        rec["severity"] = [{"type": "CVSS_V3", "score": CVSS3[int(sev * 100) % len(CVSS3)]}]
        if sev < 0.05:
            rec["severity"] = [{"type": "CVSS_V4", "score": CVSS4[int(sev * 1000) % 2]}]
    ds = {"severity": ["LOW", "MODERATE", "HIGH", "CRITICAL"][int(sev * 4) % 4]}
    if rce:
        ds["cwe_ids"] = ["CWE-94"]
    rec["database_specific"] = ds
    return rec


# ---- SBOMs ----

def component(r, p, k, ref, rich=False):
    """A CycloneDX component of package p at version index k (None: no version)."""
    c = {"type": "library", "bom-ref": ref, "name": p.name}
    if p.eco == "Maven":
        c["group"] = p.group
    elif p.eco == "npm" and p.name.startswith("@"):
        c["group"], c["name"] = p.name[1:].split("/", 1)
        c["group"] = "@" + c["group"]
    if k is not None:
        c["version"] = p.versions[k]
        c["purl"] = p.purl(p.versions[k])
    else:
        c["purl"] = p.base_purl()
    if r.random() > 0.05:
        c["supplier"] = {"name": p.supplier}
        if p.country:
            c["supplier"]["address"] = {"country": p.country}
    if r.random() > 0.03:
        digest = hashlib.sha256(("%s@%s" % (c["purl"], k)).encode()).hexdigest()
        c["hashes"] = [{"alg": "SHA-256", "content": digest}]
        if rich:
            c["hashes"].append({"alg": "SHA-512", "content": hashlib.sha512(digest.encode()).hexdigest()})
    c["licenses"] = [{"license": {"id": p.license}}]
    if rich:
        c["description"] = "The %s package (%s), as shipped in the product's image." % (p.name, p.eco)
        c["externalReferences"] = [{"type": "website", "url": "https://example.org/%s" % p.name},
                                   {"type": "vcs", "url": "https://example.org/git/%s.git" % p.name}]
        c["properties"] = [{"name": "build:layer", "value": str(r.randrange(12))}]
    return c


def pick_version(r, p):
    if r.random() < 0.005:
        return None
    v = len(p.versions)
    return v - 1 - min(v - 1, int(r.expovariate(0.6)))


def hits(p, k, later=False):
    """The vulnerabilities (CVE -> advisories in its group) of p that affect version index k,
    among the history (osv.zip) or, later, the new batch (osv-new.zip)."""
    out = {}
    if k is None:
        return out
    for kind, a, b, cve, ids in (p.later if later else p.advisories):
        if kind == "range" and a <= k < b or kind == "last" and a <= k <= b or \
                kind == "list" and k in a:
            out[cve] = ids
    return out


def sbom(r, pkgs, n, serial, subject, version, rich=False, vex=True, unique=True):
    comps, deps = [], []
    truth = {"components": n, "vulnerable_components": 0, "matches": 0, "advisory_matches": 0,
             "new_advisory_matches": 0, "new_vulnerable_components": 0,
             "vulnerable_components_all": 0}
    chosen = set()
    root = "%s@%s" % (subject, version)
    for j in range(n):
        while True:
            p = pkgs[popular(r, len(pkgs))]
            if not unique or id(p) not in chosen:
                break
        chosen.add(id(p))
        k = pick_version(r, p)
        ref = "c%d" % j
        comps.append(component(r, p, k, ref, rich))
        h = hits(p, k)
        truth["matches"] += len(h)
        truth["advisory_matches"] += sum(h.values())
        truth["vulnerable_components"] += bool(h)
        h2 = hits(p, k, later=True)
        truth["new_advisory_matches"] += sum(h2.values())
        truth["new_vulnerable_components"] += bool(h2)
        truth["vulnerable_components_all"] += bool(h or h2)
        if h and vex and "vex" not in truth and r.random() < 0.3:
            truth["vex"] = (ref, min(h))
    for j in range(n):
        if j % 3 == 0 and n > 1:
            deps.append({"ref": "c%d" % j, "dependsOn": ["c%d" % r.randrange(n) for _ in range(2)]})
    deps.insert(0, {"ref": root, "dependsOn": ["c%d" % j for j in range(min(n, 50))]})
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:%s" % serial,
        "version": 1,
        "metadata": {
            "timestamp": "2026-11-01T00:00:00Z",
            "tools": {"components": [{"type": "application", "name": "gen_sbom.py"}]},
            "component": {"type": "firmware", "bom-ref": root, "name": subject, "version": version,
                          "purl": "pkg:generic/portfolio/%s@%s" % (subject.lower().replace(" ", "-"), version)},
        },
        "components": comps,
        "dependencies": deps,
    }
    if "vex" in truth:
        ref, cve = truth.pop("vex")
        truth["suppressed"] = 1
        doc["vulnerabilities"] = [{"id": cve, "bom-ref": "v1",
                                   "analysis": {"state": "not_affected",
                                                "justification": "code_not_reachable",
                                                "detail": "the product never calls the affected function"},
                                   "affects": [{"ref": ref}]}]
    return doc, truth


def sizes(r, count, total, most):
    """count SBOM sizes summing to total, spread like real products (lognormal), each from 20
    to most components."""
    raw = [r.lognormvariate(0, 0.8) for _ in range(count)]
    scale = total / sum(raw)
    out = [max(20, int(x * scale)) for x in raw]
    out = [min(x, most) for x in out]
    diff = total - sum(out)
    i = 0
    while diff:
        step = 1 if diff > 0 else -1
        j = i % count
        if 20 < out[j] + step <= most:
            out[j] += step
            diff -= step
        i += 1
    return out


def write_json(path, doc, indent=None):
    with open(path, "w") as f:
        if indent:
            json.dump(doc, f, indent=indent)
        else:
            json.dump(doc, f, separators=(",", ":"))
        f.write("\n")


def product_name(r, i):
    kind = ["Gateway", "Router", "Controller", "Platform", "Server", "Agent", "Switch", "Suite"]
    return "%s %s %04d" % (name_words(r, 2).capitalize(), r.choice(kind), i)


def add_truth(total, t):
    for k in ("components", "vulnerable_components", "matches", "advisory_matches", "suppressed",
              "new_advisory_matches", "new_vulnerable_components", "vulnerable_components_all",
              "flagged"):
        total[k] = total.get(k, 0) + t.get(k, 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--sboms", type=int, default=1000)
    ap.add_argument("--components", type=int, default=1000000)
    ap.add_argument("--advisories", type=int, default=200000)
    ap.add_argument("--new-advisories", type=int, default=2000,
                    help="the batch of osv-new.zip, published after the portfolio passed")
    ap.add_argument("--packages", type=int, default=8000, help="packages per ecosystem")
    ap.add_argument("--big", type=int, default=10000, help="components of big.cdx.json")
    ap.add_argument("--huge-mb", type=float, default=50.0, help="size of huge.cdx.json in MB")
    ap.add_argument("--seed", type=int, default=20261121)
    args = ap.parse_args()
    if args.sboms < 1 or args.components < 20 * args.sboms:
        ap.error("every SBOM needs at least 20 components")
    r = random.Random(args.seed)
    os.makedirs(os.path.join(args.out, "portfolio"), exist_ok=True)

    pkgs = make_universe(r, args.packages)
    ids = Ids()
    with zipfile.ZipFile(os.path.join(args.out, "osv.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        for rec in make_advisories(r, pkgs, args.advisories, ids):
            z.writestr(rec["id"] + ".json", json.dumps(rec, separators=(",", ":")))
    with zipfile.ZipFile(os.path.join(args.out, "osv-new.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        for rec in make_advisories(r, pkgs, args.new_advisories, ids, "later", recent=True):
            z.writestr(rec["id"] + ".json", json.dumps(rec, separators=(",", ":")))
    print("gen_sbom: %d advisories and %d new ones over %d packages"
          % (args.advisories, args.new_advisories, len(pkgs)), file=sys.stderr)

    truth = {"portfolio": {}, "sboms": args.sboms}
    most = min(8000, len(pkgs) // 2)  # distinct packages of one SBOM
    if args.components > most * args.sboms or args.big > len(pkgs) // 2:
        ap.error("too few packages for SBOMs that large: raise --packages")
    for i, n in enumerate(sizes(r, args.sboms, args.components, most)):
        doc, t = sbom(r, pkgs, n, "00000000-0000-4000-8000-%012d" % i, product_name(r, i + 1),
                      "%d.%d.%d" % (r.randint(1, 9), r.randrange(10), r.randrange(20)))
        write_json(os.path.join(args.out, "portfolio", "%04d.cdx.json" % (i + 1)), doc)
        t["flagged"] = int(t["new_advisory_matches"] > 0)
        add_truth(truth["portfolio"], t)
    print("gen_sbom: %d SBOMs, %d components" % (args.sboms, truth["portfolio"]["components"]),
          file=sys.stderr)

    doc, t = sbom(r, pkgs, args.big, "00000000-0000-4000-8000-b16b16b16b16", "Big Product",
                  "10.0.0")
    write_json(os.path.join(args.out, "big.cdx.json"), doc)
    truth["big"] = t

    # About huge-mb megabytes, pretty-printed as most tools write SBOMs: measure a sample, then
    # make as many components as that size takes. A large image repeats packages in several
    # versions, so packages may repeat here.
    sample, _ = sbom(random.Random(1), pkgs, 200, "sample", "Huge Product", "1.0.0", rich=True,
                     vex=False, unique=False)
    per = len(json.dumps(sample, indent=2)) / 200.0
    count = max(1, int(args.huge_mb * 1e6 / per))
    doc, t = sbom(r, pkgs, count, "00000000-0000-4000-8000-0000000000ff", "Huge Product", "1.0.0",
                  rich=True, vex=False, unique=False)
    write_json(os.path.join(args.out, "huge.cdx.json"), doc, indent=2)
    truth["huge"] = t
    truth["huge"]["bytes"] = os.path.getsize(os.path.join(args.out, "huge.cdx.json"))
    write_json(os.path.join(args.out, "truth.json"), truth, indent=2)
    print("gen_sbom: big %d components, huge %d components (%.1f MB)"
          % (args.big, count, truth["huge"]["bytes"] / 1e6), file=sys.stderr)


if __name__ == "__main__":
    main()
