/*
 * schema.c - the versioned schema (interface: store_int.h). Migration N is applied once, in
 * its own transaction, and recorded in schema_migrations; a released migration is never edited,
 * a change is a new one. The text is portable SQL with one token, {ID}, that each backend
 * expands to its 64-bit generated primary key.
 */
#include "store_int.h"

#include "netreview/banned.h"

static const char nr_migration_1[] =
    /* Installation-wide facts: crypto suite, office key id, audit head. */
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"

    /* Organisations: kind is one of the roles of MISSION.md's table (not public). */
    "CREATE TABLE orgs (\n"
    "  id {ID}, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, sector TEXT,\n"
    "  country TEXT, cii INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);\n"
    "CREATE TABLE competitors (\n"
    "  org_id BIGINT NOT NULL REFERENCES orgs(id), competitor_id BIGINT NOT NULL REFERENCES "
    "orgs(id),\n"
    "  PRIMARY KEY (org_id, competitor_id));\n"
    "CREATE TABLE users (\n"
    "  id {ID}, login TEXT NOT NULL UNIQUE, name TEXT NOT NULL,\n"
    "  org_id BIGINT NOT NULL REFERENCES orgs(id), role TEXT NOT NULL,\n"
    "  password_hash TEXT, public_key TEXT, sealed_private_key TEXT, key_id TEXT,\n"
    "  disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);\n"

    /* Products and services with their versions and identifiers (R9 looks them up). */
    "CREATE TABLE products (\n"
    "  id {ID}, name TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'product',\n"
    "  provider_id BIGINT NOT NULL REFERENCES orgs(id), description TEXT,\n"
    "  cpe TEXT, purl TEXT, created_at TEXT NOT NULL, UNIQUE (provider_id, name));\n"
    "CREATE TABLE product_versions (\n"
    "  id {ID}, product_id BIGINT NOT NULL REFERENCES products(id), version TEXT NOT NULL,\n"
    "  cpe TEXT, purl TEXT, released_on TEXT, created_at TEXT NOT NULL,\n"
    "  UNIQUE (product_id, version));\n"

    /* R5: the registry of designated institutions; R6: the experts committee. */
    "CREATE TABLE institutions (\n"
    "  id {ID}, org_id BIGINT NOT NULL UNIQUE REFERENCES orgs(id), methods TEXT NOT NULL,\n"
    "  designated_from TEXT NOT NULL, designated_until TEXT, designation_ref TEXT,\n"
    "  created_at TEXT NOT NULL);\n"
    "CREATE TABLE experts (\n"
    "  id {ID}, user_id BIGINT NOT NULL UNIQUE REFERENCES users(id), field TEXT,\n"
    "  appointed_from TEXT NOT NULL, appointed_until TEXT, created_at TEXT NOT NULL);\n"
    "CREATE TABLE affiliations (\n"
    "  id {ID}, holder_kind TEXT NOT NULL, holder_id BIGINT NOT NULL,\n"
    "  org_id BIGINT NOT NULL REFERENCES orgs(id), relation TEXT NOT NULL,\n"
    "  since TEXT, until TEXT, created_at TEXT NOT NULL);\n"
    "CREATE INDEX affiliations_holder ON affiliations (holder_kind, holder_id);\n"

    /* Cases and their phase history (R13 deadlines, R12 time per phase). */
    "CREATE TABLE cases (\n"
    "  id {ID}, ref TEXT NOT NULL UNIQUE, title TEXT NOT NULL, procedure TEXT NOT NULL,\n"
    "  product_id BIGINT REFERENCES products(id), versions TEXT NOT NULL DEFAULT '*',\n"
    "  trigger TEXT NOT NULL, trigger_detail TEXT,\n"
    "  raised_by_org BIGINT REFERENCES orgs(id), raised_by_user BIGINT REFERENCES users(id),\n"
    "  sector TEXT, operator_id BIGINT REFERENCES orgs(id),\n"
    "  phase TEXT NOT NULL, phase_entered_at TEXT NOT NULL, phase_entered_on TEXT NOT NULL,\n"
    "  phase_due TEXT, paused_on TEXT,\n"
    "  scoping_result TEXT, scoping_reason TEXT, closed_reason TEXT,\n"
    "  re_review_of BIGINT REFERENCES cases(id), watch_reason TEXT,\n"
    "  opened_at TEXT NOT NULL, updated_at TEXT NOT NULL);\n"
    "CREATE INDEX cases_phase ON cases (phase);\n"
    "CREATE INDEX cases_product ON cases (product_id);\n"
    "CREATE TABLE case_phases (\n"
    "  id {ID}, case_id BIGINT NOT NULL REFERENCES cases(id), phase TEXT NOT NULL,\n"
    "  transition TEXT, actor_id BIGINT REFERENCES users(id), reason TEXT,\n"
    "  entered_at TEXT NOT NULL, due TEXT, left_at TEXT);\n"
    "CREATE INDEX case_phases_case ON case_phases (case_id);\n"
    "CREATE TABLE material_requests (\n"
    "  id {ID}, case_id BIGINT NOT NULL REFERENCES cases(id), phase TEXT NOT NULL,\n"
    "  what TEXT NOT NULL, requested_by BIGINT REFERENCES users(id), requested_at TEXT NOT "
    "NULL,\n"
    "  requested_on TEXT NOT NULL, received_by BIGINT REFERENCES users(id), received_at TEXT,\n"
    "  received_on TEXT, paused_days INTEGER);\n"
    "CREATE INDEX material_requests_case ON material_requests (case_id);\n"
    "CREATE TABLE extensions (\n"
    "  id {ID}, case_id BIGINT NOT NULL REFERENCES cases(id), phase TEXT NOT NULL,\n"
    "  days INTEGER NOT NULL, reason TEXT NOT NULL, actor_id BIGINT REFERENCES users(id),\n"
    "  at TEXT NOT NULL, old_due TEXT, new_due TEXT);\n"

    /* R3: the provider's signed security commitment. */
    "CREATE TABLE commitments (\n"
    "  id {ID}, case_id BIGINT NOT NULL REFERENCES cases(id), text TEXT NOT NULL,\n"
    "  text_hash TEXT NOT NULL, signed_by BIGINT NOT NULL REFERENCES users(id),\n"
    "  signature TEXT NOT NULL, key_id TEXT NOT NULL, signed_at TEXT NOT NULL);\n"

    /* R3, R10: evaluation tasks with their signed reports. */
    "CREATE TABLE tasks (\n"
    "  id {ID}, case_id BIGINT NOT NULL REFERENCES cases(id),\n"
    "  institution_id BIGINT NOT NULL REFERENCES institutions(id), method TEXT NOT NULL,\n"
    "  status TEXT NOT NULL, due TEXT, standards TEXT,\n"
    "  assigned_by BIGINT REFERENCES users(id), assigned_at TEXT NOT NULL,\n"
    "  report TEXT, report_hash TEXT, report_signature TEXT, report_key_id TEXT,\n"
    "  reported_by BIGINT REFERENCES users(id), reported_at TEXT);\n"
    "CREATE INDEX tasks_case ON tasks (case_id);\n"

    /* Evidence files are content-addressed (SHA-256) and encrypted under the data directory. */
    "CREATE TABLE evidence (\n"
    "  id {ID}, case_id BIGINT NOT NULL REFERENCES cases(id), task_id BIGINT REFERENCES "
    "tasks(id),\n"
    "  sha256 TEXT NOT NULL, size BIGINT NOT NULL, media_type TEXT NOT NULL, filename TEXT,\n"
    "  description TEXT, confidential INTEGER NOT NULL DEFAULT 1,\n"
    "  added_by BIGINT REFERENCES users(id), added_at TEXT NOT NULL);\n"
    "CREATE INDEX evidence_case ON evidence (case_id);\n"
    "CREATE TABLE findings (\n"
    "  id {ID}, case_id BIGINT NOT NULL REFERENCES cases(id), task_id BIGINT REFERENCES "
    "tasks(id),\n"
    "  category TEXT NOT NULL, severity TEXT NOT NULL, title TEXT NOT NULL, detail TEXT,\n"
    "  evidence_ids TEXT, source TEXT NOT NULL, created_by BIGINT REFERENCES users(id),\n"
    "  created_at TEXT NOT NULL);\n"
    "CREATE INDEX findings_case ON findings (case_id);\n"

    /* R6: panels, members (with exclusions and their reasons) and sealed scores. */
    "CREATE TABLE panels (\n"
    "  id {ID}, case_id BIGINT NOT NULL UNIQUE REFERENCES cases(id),\n"
    "  formed_by BIGINT REFERENCES users(id), formed_at TEXT NOT NULL,\n"
    "  recommendation TEXT, medians TEXT, computed_at TEXT);\n"
    "CREATE TABLE panel_members (\n"
    "  id {ID}, panel_id BIGINT NOT NULL REFERENCES panels(id),\n"
    "  expert_id BIGINT NOT NULL REFERENCES experts(id), status TEXT NOT NULL, reason TEXT,\n"
    "  at TEXT NOT NULL, UNIQUE (panel_id, expert_id));\n"
    "CREATE TABLE scores (\n"
    "  id {ID}, panel_id BIGINT NOT NULL REFERENCES panels(id),\n"
    "  expert_id BIGINT NOT NULL REFERENCES experts(id), dimension TEXT NOT NULL,\n"
    "  level TEXT NOT NULL, reason TEXT NOT NULL, signature TEXT NOT NULL, key_id TEXT NOT "
    "NULL,\n"
    "  submitted_at TEXT NOT NULL, UNIQUE (panel_id, expert_id, dimension));\n"

    /* R7: signed decisions, their publication; R9 reads them through the gate. */
    "CREATE TABLE decisions (\n"
    "  id {ID}, case_id BIGINT NOT NULL REFERENCES cases(id),\n"
    "  product_id BIGINT REFERENCES products(id), outcome TEXT NOT NULL,\n"
    "  rationale TEXT NOT NULL, conditions TEXT, versions TEXT NOT NULL,\n"
    "  valid_from TEXT NOT NULL, valid_until TEXT NOT NULL, visibility TEXT NOT NULL,\n"
    "  audience TEXT, recommendation TEXT, justification TEXT,\n"
    "  payload TEXT NOT NULL, signature TEXT NOT NULL, key_id TEXT NOT NULL, suite TEXT NOT "
    "NULL,\n"
    "  decided_by BIGINT REFERENCES users(id), decided_at TEXT NOT NULL,\n"
    "  status TEXT NOT NULL, revoked_at TEXT, revoke_reason TEXT);\n"
    "CREATE INDEX decisions_product ON decisions (product_id);\n"
    "CREATE INDEX decisions_case ON decisions (case_id);\n"
    "CREATE TABLE publications (\n"
    "  id {ID}, decision_id BIGINT NOT NULL REFERENCES decisions(id),\n"
    "  case_id BIGINT NOT NULL REFERENCES cases(id), visibility TEXT NOT NULL, audience TEXT,\n"
    "  published_by BIGINT REFERENCES users(id), published_at TEXT NOT NULL, withdrawn_at "
    "TEXT);\n"

    /* R2: public complaints and CII operators' procurement declarations. */
    "CREATE TABLE complaints (\n"
    "  id {ID}, product_id BIGINT REFERENCES products(id), product_name TEXT, version TEXT,\n"
    "  text TEXT NOT NULL, contact TEXT, source_addr TEXT, received_at TEXT NOT NULL,\n"
    "  case_id BIGINT REFERENCES cases(id));\n"
    "CREATE INDEX complaints_product ON complaints (product_id);\n"
    "CREATE TABLE declarations (\n"
    "  id {ID}, operator_id BIGINT NOT NULL REFERENCES orgs(id),\n"
    "  product_id BIGINT NOT NULL REFERENCES products(id), versions TEXT NOT NULL,\n"
    "  purpose TEXT, contract_ref TEXT, declared_by BIGINT REFERENCES users(id),\n"
    "  declared_at TEXT NOT NULL, case_id BIGINT REFERENCES cases(id));\n"

    /* R11: the hash-chained audit log. */
    "CREATE TABLE audit (\n"
    "  id {ID}, at TEXT NOT NULL, actor_id BIGINT, actor TEXT NOT NULL, action TEXT NOT NULL,\n"
    "  case_id BIGINT, object TEXT, detail TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT "
    "NULL);\n"
    "CREATE INDEX audit_case ON audit (case_id);\n";

/* R1: a declaration for a national-security or public-interest system is always in scope. */
static const char nr_migration_2[] =
    "ALTER TABLE declarations ADD COLUMN national_security INTEGER NOT NULL DEFAULT 0;\n";

/* The server: sessions (cookie + CSRF), API tokens (stored hashed, scoped), failed sign-ins
 * (throttling per user and per address), evidence uploads in parts. */
static const char nr_migration_3[] =
    "CREATE TABLE sessions (\n"
    "  id {ID}, token_hash TEXT NOT NULL UNIQUE, csrf TEXT NOT NULL,\n"
    "  user_id BIGINT NOT NULL REFERENCES users(id), created_at TEXT NOT NULL,\n"
    "  expires_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, client TEXT, revoked_at TEXT);\n"
    "CREATE TABLE api_tokens (\n"
    "  id {ID}, token_hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, name TEXT NOT NULL,\n"
    "  user_id BIGINT NOT NULL REFERENCES users(id), scopes TEXT NOT NULL,\n"
    "  created_by BIGINT REFERENCES users(id), created_at TEXT NOT NULL, expires_at TEXT,\n"
    "  last_used_at TEXT, revoked_at TEXT);\n"
    "CREATE TABLE login_failures (\n"
    "  id {ID}, login TEXT NOT NULL, client TEXT NOT NULL, at TEXT NOT NULL);\n"
    "CREATE INDEX login_failures_login ON login_failures (login, at);\n"
    "CREATE INDEX login_failures_client ON login_failures (client, at);\n"
    "CREATE TABLE uploads (\n"
    "  id {ID}, token TEXT NOT NULL UNIQUE, case_id BIGINT NOT NULL REFERENCES cases(id),\n"
    "  task_id BIGINT REFERENCES tasks(id), filename TEXT NOT NULL, media_type TEXT,\n"
    "  description TEXT, public_doc INTEGER NOT NULL DEFAULT 0, size BIGINT NOT NULL,\n"
    "  received BIGINT NOT NULL DEFAULT 0, created_by BIGINT NOT NULL REFERENCES users(id),\n"
    "  created_at TEXT NOT NULL, completed_at TEXT, evidence_id BIGINT REFERENCES evidence(id));\n"
    "CREATE INDEX complaints_source ON complaints (source_addr, received_at);\n";

/* The supply-chain engine (sca.h, osv.h): OSV advisories with their aliases and affected
 * packages (ranges in the compact text form of osv.h), SBOMs attached to cases with their
 * components, and the matches already seen, so that the watch (R14) flags only new ones. The
 * online-monitoring engine (traffic.h) keeps one row per analysed capture. */
static const char nr_migration_4[] =
    "CREATE TABLE advisories (\n"
    "  id {ID}, osv_id TEXT NOT NULL UNIQUE, modified TEXT NOT NULL, published TEXT,\n"
    "  withdrawn TEXT, summary TEXT, severity TEXT NOT NULL, cvss_vector TEXT,\n"
    "  cvss_score10 INTEGER, rce INTEGER NOT NULL DEFAULT 0, auth_bypass INTEGER NOT NULL "
    "DEFAULT 0,\n"
    "  fixed TEXT, imported_at TEXT NOT NULL);\n"
    "CREATE TABLE advisory_aliases (\n"
    "  advisory_id BIGINT NOT NULL REFERENCES advisories(id), alias TEXT NOT NULL,\n"
    "  PRIMARY KEY (advisory_id, alias));\n"
    "CREATE INDEX advisory_aliases_alias ON advisory_aliases (alias);\n"
    "CREATE TABLE advisory_packages (\n"
    "  id {ID}, advisory_id BIGINT NOT NULL REFERENCES advisories(id),\n"
    "  ecosystem TEXT NOT NULL, name TEXT NOT NULL, pkg_key TEXT NOT NULL,\n"
    "  ranges TEXT, versions TEXT);\n"
    "CREATE INDEX advisory_packages_advisory ON advisory_packages (advisory_id);\n"
    "CREATE INDEX advisory_packages_key ON advisory_packages (pkg_key);\n"
    "CREATE TABLE sboms (\n"
    "  id {ID}, case_id BIGINT NOT NULL REFERENCES cases(id), task_id BIGINT REFERENCES "
    "tasks(id),\n"
    "  evidence_id BIGINT REFERENCES evidence(id), format TEXT NOT NULL, spec_version TEXT,\n"
    "  subject TEXT, subject_version TEXT, components INTEGER NOT NULL,\n"
    "  created_by BIGINT REFERENCES users(id), created_at TEXT NOT NULL, matched_at TEXT);\n"
    "CREATE INDEX sboms_case ON sboms (case_id);\n"
    "CREATE TABLE sbom_components (\n"
    "  id {ID}, sbom_id BIGINT NOT NULL REFERENCES sboms(id), ref TEXT, name TEXT NOT NULL,\n"
    "  grp TEXT, version TEXT, purl TEXT, cpe TEXT, supplier TEXT, pkg_key TEXT);\n"
    "CREATE INDEX sbom_components_sbom ON sbom_components (sbom_id);\n"
    "CREATE TABLE sbom_vex (\n"
    "  sbom_id BIGINT NOT NULL REFERENCES sboms(id), vuln_id TEXT NOT NULL, ref TEXT,\n"
    "  state TEXT NOT NULL, justification TEXT, detail TEXT);\n"
    "CREATE INDEX sbom_vex_sbom ON sbom_vex (sbom_id);\n"
    "CREATE TABLE sbom_matches (\n"
    "  component_id BIGINT NOT NULL REFERENCES sbom_components(id),\n"
    "  advisory_id BIGINT NOT NULL REFERENCES advisories(id),\n"
    "  sbom_id BIGINT NOT NULL REFERENCES sboms(id), first_seen TEXT NOT NULL,\n"
    "  finding_id BIGINT REFERENCES findings(id), PRIMARY KEY (component_id, advisory_id));\n"
    "CREATE INDEX sbom_matches_sbom ON sbom_matches (sbom_id);\n"
    "CREATE TABLE traffic_analyses (\n"
    "  id {ID}, case_id BIGINT NOT NULL REFERENCES cases(id), task_id BIGINT REFERENCES "
    "tasks(id),\n"
    "  capture_evidence_id BIGINT REFERENCES evidence(id),\n"
    "  declared_evidence_id BIGINT REFERENCES evidence(id), packets BIGINT NOT NULL,\n"
    "  flows BIGINT NOT NULL, findings INTEGER NOT NULL, summary TEXT NOT NULL,\n"
    "  created_by BIGINT REFERENCES users(id), created_at TEXT NOT NULL);\n"
    "CREATE INDEX traffic_analyses_case ON traffic_analyses (case_id);\n"
    "ALTER TABLE cases ADD COLUMN watch_at TEXT;\n";

const char *const nr__migrations[] = {nr_migration_1, nr_migration_2, nr_migration_3,
                                      nr_migration_4};
const int nr__migration_count = (int)(sizeof(nr__migrations) / sizeof(nr__migrations[0]));
