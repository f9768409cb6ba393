/*
 * test_registry.c - unit tests of src/model/registry.c (interface: review.h, "registry"): every
 * rule of the registry accepted and refused, signing with a user's own key, and the conflict of
 * interest check of R6 and R10.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fixture.h"
#include "netreview/review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

#define TODAY "2026-03-02T09:00:00Z"

struct ctx {
    struct nr_fixture fx;
    struct nr_review *rv;
    struct nr_actor *admin;
    int64_t committee, office, experts_committee, lab, lab2, huaxin, pacific, nordic, bank;
};

static int setup(void **state)
{
    struct ctx *c = calloc(1, sizeof(*c));
    struct nr_err err;
    struct nr_org_spec orgs[] = {
        {"Review Committee", "committee", NULL, "CN", false},
        {"Review Office", "office", NULL, "CN", false},
        {"Experts Committee", "experts_committee", NULL, "CN", false},
        {"China Testing Lab", "institution", NULL, "CN", false},
        {"Second Lab", "institution", NULL, "CN", false},
        {"Huaxin Networks", "provider", NULL, "CN", false},
        {"Pacific Routers", "provider", NULL, "US", false},
        {"Nordic Switches", "provider", NULL, "SE", false},
        {"State Bank", "operator", "finance", "CN", true},
    };
    int64_t *ids[] = {&c->committee, &c->office, &c->experts_committee,
                      &c->lab,       &c->lab2,   &c->huaxin,
                      &c->pacific,   &c->nordic, &c->bank};

    setenv("NETREVIEW_NOW", TODAY, 1);
    nr_fixture_open(&c->fx, "cn-2017");
    c->rv = &c->fx.rv;
    c->admin = &c->fx.admin;
    for (size_t i = 0; i < NR_ARRAY_LEN(orgs); i++) {
        nr_err_init(&err);
        int rc = nr_org_add(c->rv, c->admin, &orgs[i], ids[i], &err);
        if (rc) {
            fprintf(stderr, "setup: %s\n", err.msg);
            return -1;
        }
    }
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    struct ctx *c = *state;
    nr_fixture_close(&c->fx);
    free(c);
    setenv("NETREVIEW_NOW", TODAY, 1);
    return 0;
}

static int64_t audit_count(struct ctx *c)
{
    int64_t n = -1;
    assert_int_equal(nr_store_query_int(c->rv->st, NULL, &n, "SELECT COUNT(*) FROM audit", ""), 0);
    return n;
}

static char *last_audit_action(struct ctx *c)
{
    char *s = NULL;
    assert_int_equal(nr_store_query_text(c->rv->st, NULL, &s,
                                         "SELECT action || ' ' || object FROM audit ORDER BY id "
                                         "DESC LIMIT 1",
                                         ""),
                     0);
    return s;
}

static void assert_last_audit(struct ctx *c, const char *want)
{
    char *s = last_audit_action(c);
    assert_string_equal(s, want);
    nr_free(s);
}

static int64_t add_user(struct ctx *c, const char *login, const char *org, const char *role)
{
    struct nr_user_spec u = {login, "A Person", org, role, "correct horse battery"};
    struct nr_err err;
    int64_t id = 0;
    nr_err_init(&err);
    int rc = nr_user_add(c->rv, c->admin, &u, &id, &err);
    if (rc)
        fprintf(stderr, "add_user %s: %s\n", login, err.msg);
    assert_int_equal(rc, 0);
    return id;
}

static void load(struct ctx *c, const char *login, struct nr_actor *a)
{
    assert_int_equal(nr_actor_load(c->rv, login, a, NULL), 0);
}

/* ---- organisations ---- */

static void test_org_add(void **state)
{
    struct ctx *c = *state;
    struct nr_err err;
    int64_t id = 0, found = 0, before;
    struct nr_org_spec ok = {"Telecom Dept", "sector_dept", "telecom", NULL, false};

    nr_err_init(&err);
    assert_int_equal(nr_org_add(c->rv, c->admin, &ok, &id, &err), 0);
    assert_true(id > 0);
    assert_last_audit(c, "org.add org:10");
    assert_int_equal(nr_org_find(c->rv, "Telecom Dept", &found, NULL), 0);
    assert_int_equal(found, id);
    assert_int_equal(nr_org_find(c->rv, "10", &found, NULL), 0);
    assert_int_equal(found, id);
    nr_err_init(&err);
    assert_int_equal(nr_org_find(c->rv, "Nobody Inc", &found, &err), NR_ENOTFOUND);
    assert_string_equal(err.field, "org");

    before = audit_count(c);
    struct {
        struct nr_org_spec o;
        int code;
        const char *field;
    } bad[] = {
        {{"Telecom Dept", "sector_dept", "telecom", NULL, false}, NR_EEXISTS, "name"},
        {{"X Corp", "vendor", NULL, NULL, false}, NR_EINVAL, "kind"},
        {{"X Corp", "public", NULL, NULL, false}, NR_EINVAL, "kind"},
        {{"X Corp", "expert", NULL, NULL, false}, NR_EINVAL, "kind"},
        {{"X Corp", NULL, NULL, NULL, false}, NR_EINVAL, "kind"},
        {{"", "provider", NULL, NULL, false}, NR_EINVAL, "name"},
        {{NULL, "provider", NULL, NULL, false}, NR_EINVAL, "name"},
        {{"12345", "provider", NULL, NULL, false}, NR_EINVAL, "name"},
        {{"Bad\nName", "provider", NULL, NULL, false}, NR_EINVAL, "name"},
        {{"Bad \xff name", "provider", NULL, NULL, false}, NR_EINVAL, "name"},
        {{"X Corp", "operator", "Finance", NULL, false}, NR_EINVAL, "sector"},
        {{"X Corp", "operator", "e-gov", NULL, false}, NR_EINVAL, "sector"},
        {{"X Corp", "sector_dept", NULL, NULL, false}, NR_EINVAL, "sector"},
        {{"X Corp", "protection_dept", "", NULL, false}, NR_EINVAL, "sector"},
        {{"X Corp", "provider", NULL, NULL, true}, NR_EINVAL, "cii"},
    };
    for (size_t i = 0; i < NR_ARRAY_LEN(bad); i++) {
        nr_err_init(&err);
        id = 99;
        assert_int_equal(nr_org_add(c->rv, c->admin, &bad[i].o, &id, &err), bad[i].code);
        assert_string_equal(err.field, bad[i].field);
        assert_true(err.msg[0] != '\0');
        assert_int_equal(id, 0);
    }
    /* A long name is refused. */
    char longname[300];
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    struct nr_org_spec toolong = {longname, "provider", NULL, NULL, false};
    assert_int_equal(nr_org_add(c->rv, c->admin, &toolong, &id, NULL), NR_ETOOBIG);
    /* Nothing of the refused additions stays, not even an audit entry. */
    assert_int_equal(audit_count(c), before);

    /* UTF-8 names are fine, and CII operators with their sector. */
    struct nr_org_spec utf8 = {"华信网络", "provider", NULL, "CN", false};
    assert_int_equal(nr_org_add(c->rv, c->admin, &utf8, &id, NULL), 0);
    struct nr_org_spec grid = {"Grid Co", "operator", "energy", "CN", true};
    assert_int_equal(nr_org_add(c->rv, c->admin, &grid, &id, NULL), 0);
}

static void test_org_roles(void **state)
{
    struct ctx *c = *state;
    struct nr_actor office, provider, pub, committee;
    struct nr_err err;
    int64_t id = 0;
    struct nr_org_spec o = {"Power Dept", "sector_dept", "energy", NULL, false};

    add_user(c, "off1", "Review Office", "office");
    add_user(c, "hx1", "Huaxin Networks", "provider");
    add_user(c, "com1", "Review Committee", "committee");
    load(c, "off1", &office);
    load(c, "hx1", &provider);
    load(c, "com1", &committee);
    nr_actor_public(&pub);

    nr_err_init(&err);
    assert_int_equal(nr_org_add(c->rv, &provider, &o, &id, &err), NR_EFORBIDDEN);
    assert_string_equal(err.msg, "role provider may not add organisations");
    assert_int_equal(nr_org_add(c->rv, &pub, &o, &id, NULL), NR_EFORBIDDEN);
    assert_int_equal(nr_org_add(c->rv, &office, &o, &id, NULL), 0);
    o.name = "Water Dept";
    o.sector = "water";
    assert_int_equal(nr_org_add(c->rv, &committee, &o, &id, NULL), 0);
    assert_int_equal(nr_org_competitor_add(c->rv, &provider, c->huaxin, c->pacific, NULL),
                     NR_EFORBIDDEN);
}

static void test_competitors(void **state)
{
    struct ctx *c = *state;
    struct nr_err err;
    json_t *list = NULL, *row;
    size_t i;

    nr_err_init(&err);
    assert_int_equal(nr_org_competitor_add(c->rv, c->admin, c->huaxin, c->pacific, &err), 0);
    assert_last_audit(c, "org.competitor_add org:6");
    /* Either direction of a recorded pair is the same pair. */
    nr_err_init(&err);
    assert_int_equal(nr_org_competitor_add(c->rv, c->admin, c->pacific, c->huaxin, &err),
                     NR_EEXISTS);
    assert_int_equal(nr_org_competitor_add(c->rv, c->admin, c->huaxin, c->pacific, NULL),
                     NR_EEXISTS);
    nr_err_init(&err);
    assert_int_equal(nr_org_competitor_add(c->rv, c->admin, c->huaxin, c->huaxin, &err), NR_EINVAL);
    assert_string_equal(err.field, "competitor");
    nr_err_init(&err);
    assert_int_equal(nr_org_competitor_add(c->rv, c->admin, c->huaxin, c->lab, &err), NR_EINVAL);
    assert_string_equal(err.field, "competitor");
    assert_int_equal(nr_org_competitor_add(c->rv, c->admin, 999, c->huaxin, NULL), NR_ENOTFOUND);

    assert_int_equal(nr_org_list(c->rv, &list, NULL), 0);
    assert_int_equal(json_array_size(list), 9);
    json_array_foreach(list, i, row)
    {
        const char *name = json_string_value(json_object_get(row, "name"));
        json_t *comp = json_object_get(row, "competitors");
        assert_true(json_is_array(comp));
        if (strcmp(name, "Huaxin Networks") == 0) {
            assert_int_equal(json_array_size(comp), 1);
            assert_string_equal(json_string_value(json_array_get(comp, 0)), "Pacific Routers");
        } else if (strcmp(name, "Pacific Routers") == 0) {
            assert_int_equal(json_array_size(comp), 1);
            assert_string_equal(json_string_value(json_array_get(comp, 0)), "Huaxin Networks");
        } else if (strcmp(name, "State Bank") == 0) {
            assert_true(json_is_true(json_object_get(row, "cii")));
            assert_string_equal(json_string_value(json_object_get(row, "sector")), "finance");
            assert_string_equal(json_string_value(json_object_get(row, "kind")), "operator");
        } else {
            assert_int_equal(json_array_size(comp), 0);
        }
    }
    json_decref(list);
}

/* ---- users ---- */

static void test_user_add(void **state)
{
    struct ctx *c = *state;
    struct nr_err err;
    int64_t id = 0, before;
    char *hash = NULL, *pub = NULL, *sealed = NULL, *key_id = NULL;

    id = add_user(c, "lab.tester-1", "China Testing Lab", "institution");
    assert_last_audit(c, "user.add user:1");
    assert_int_equal(nr_store_query_text(c->rv->st, NULL, &hash,
                                         "SELECT password_hash FROM users WHERE id = ?", "i", id),
                     0);
    assert_non_null(strstr(hash, "$argon2id$"));
    assert_int_equal(nr_password_verify(hash, "correct horse battery"), 0);
    assert_int_equal(nr_password_verify(hash, "wrong"), NR_EAUTH);
    assert_int_equal(nr_store_query_text(c->rv->st, NULL, &pub,
                                         "SELECT public_key FROM users WHERE id = ?", "i", id),
                     0);
    assert_non_null(strstr(pub, "BEGIN PUBLIC KEY"));
    assert_int_equal(nr_store_query_text(c->rv->st, NULL, &sealed,
                                         "SELECT sealed_private_key FROM users WHERE id = ?", "i",
                                         id),
                     0);
    /* R11: the private key is not stored in the clear. */
    assert_null(strstr(sealed, "PRIVATE"));
    assert_int_equal(nr_store_query_text(c->rv->st, NULL, &key_id,
                                         "SELECT key_id FROM users WHERE id = ?", "i", id),
                     0);
    assert_int_equal(strlen(key_id), 32);
    nr_free(hash);
    nr_free(pub);
    nr_free(sealed);
    nr_free(key_id);

    /* Each role in an organisation of its kind; experts in the experts committee. */
    add_user(c, "expert1", "Experts Committee", "expert");
    add_user(c, "off", "Review Office", "office");
    add_user(c, "bank1", "State Bank", "operator");
    /* No password: acts only through --as on the machine. */
    struct nr_user_spec nopw = {"nopw", "No Password", "Huaxin Networks", "provider", NULL};
    assert_int_equal(nr_user_add(c->rv, c->admin, &nopw, &id, NULL), 0);

    before = audit_count(c);
    struct {
        struct nr_user_spec u;
        int code;
        const char *field;
    } bad[] = {
        {{"lab.tester-1", "Dup", "China Testing Lab", "institution", NULL}, NR_EEXISTS, "login"},
        {{"Upper", "X", "China Testing Lab", "institution", NULL}, NR_EINVAL, "login"},
        {{"a", "X", "China Testing Lab", "institution", NULL}, NR_EINVAL, "login"},
        {{"has space", "X", "China Testing Lab", "institution", NULL}, NR_EINVAL, "login"},
        {{"semi;colon", "X", "China Testing Lab", "institution", NULL}, NR_EINVAL, "login"},
        {{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "X",
          "China Testing Lab", "institution", NULL},
         NR_EINVAL,
         "login"},
        {{"", "X", "China Testing Lab", "institution", NULL}, NR_EINVAL, "login"},
        {{"local-admin", "X", "Review Office", "office", NULL}, NR_EINVAL, "login"},
        {{"newuser", "", "China Testing Lab", "institution", NULL}, NR_EINVAL, "name"},
        {{"newuser", "X", "China Testing Lab", "public", NULL}, NR_EINVAL, "role"},
        {{"newuser", "X", "China Testing Lab", "boss", NULL}, NR_EINVAL, "role"},
        {{"newuser", "X", "Huaxin Networks", "institution", NULL}, NR_EINVAL, "role"},
        {{"newuser", "X", "Review Office", "expert", NULL}, NR_EINVAL, "role"},
        {{"newuser", "X", "Experts Committee", "office", NULL}, NR_EINVAL, "role"},
        {{"newuser", "X", "Review Office", "committee", NULL}, NR_EINVAL, "role"},
        {{"newuser", "X", "Nowhere", "provider", NULL}, NR_ENOTFOUND, "org"},
        {{"newuser", "X", "Huaxin Networks", "provider", "short"}, NR_EINVAL, "password"},
    };
    for (size_t i = 0; i < NR_ARRAY_LEN(bad); i++) {
        nr_err_init(&err);
        id = 99;
        assert_int_equal(nr_user_add(c->rv, c->admin, &bad[i].u, &id, &err), bad[i].code);
        assert_string_equal(err.field, bad[i].field);
        assert_int_equal(id, 0);
    }
    nr_err_init(&err);
    struct nr_user_spec wrong = {"newuser", "X", "Huaxin Networks", "institution", NULL};
    assert_int_equal(nr_user_add(c->rv, c->admin, &wrong, &id, &err), NR_EINVAL);
    assert_string_equal(err.msg, "a user with role institution belongs to an organisation of "
                                 "kind institution; Huaxin Networks is of kind provider");
    assert_int_equal(audit_count(c), before);
}

static void test_user_roles(void **state)
{
    struct ctx *c = *state;
    struct nr_actor office, committee, bank;
    struct nr_err err;
    int64_t id;
    struct nr_user_spec com = {"com2", "Member", "Review Committee", "committee", NULL};
    struct nr_user_spec lab = {"lab2", "Tester", "China Testing Lab", "institution", NULL};

    add_user(c, "off", "Review Office", "office");
    add_user(c, "com", "Review Committee", "committee");
    add_user(c, "bank1", "State Bank", "operator");
    load(c, "off", &office);
    load(c, "com", &committee);
    load(c, "bank1", &bank);

    /* The office keeps the registry but may not make committee members. */
    nr_err_init(&err);
    assert_int_equal(nr_user_add(c->rv, &office, &com, &id, &err), NR_EFORBIDDEN);
    assert_string_equal(err.field, "role");
    assert_int_equal(nr_user_add(c->rv, &committee, &com, &id, NULL), 0);
    assert_int_equal(nr_user_add(c->rv, &office, &lab, &id, NULL), 0);
    lab.login = "lab3";
    nr_err_init(&err);
    assert_int_equal(nr_user_add(c->rv, &bank, &lab, &id, &err), NR_EFORBIDDEN);
    assert_string_equal(err.msg, "role operator may not add users");
}

static void test_user_list(void **state)
{
    struct ctx *c = *state;
    json_t *list = NULL, *u;

    add_user(c, "hx1", "Huaxin Networks", "provider");
    assert_int_equal(nr_user_list(c->rv, &list, NULL), 0);
    assert_int_equal(json_array_size(list), 1);
    u = json_array_get(list, 0);
    assert_string_equal(json_string_value(json_object_get(u, "login")), "hx1");
    assert_string_equal(json_string_value(json_object_get(u, "role")), "provider");
    assert_string_equal(json_string_value(json_object_get(u, "org")), "Huaxin Networks");
    assert_int_equal(json_integer_value(json_object_get(u, "org_id")), c->huaxin);
    assert_true(json_is_true(json_object_get(u, "has_password")));
    assert_true(json_is_false(json_object_get(u, "disabled")));
    /* Secrets never leave the database through the list. */
    assert_null(json_object_get(u, "password_hash"));
    assert_null(json_object_get(u, "sealed_private_key"));
    json_decref(list);
}

static void sign_and_verify(struct ctx *c)
{
    struct nr_actor a;
    struct nr_key *pub = NULL;
    char *sig = NULL, *pem = NULL, *stored_id = NULL, key_id[33];
    const char msg[] = "evaluation report of case NR-2026-0001";
    struct nr_err err;

    add_user(c, "lab1", "China Testing Lab", "institution");
    load(c, "lab1", &a);
    nr_err_init(&err);
    assert_int_equal(nr_user_sign(c->rv, &a, msg, strlen(msg), &sig, key_id, &err), 0);
    assert_non_null(sig);
    assert_int_equal(nr_store_query_text(c->rv->st, NULL, &pem,
                                         "SELECT public_key FROM users WHERE login = 'lab1'", ""),
                     0);
    assert_int_equal(nr_store_query_text(c->rv->st, NULL, &stored_id,
                                         "SELECT key_id FROM users WHERE login = 'lab1'", ""),
                     0);
    assert_string_equal(key_id, stored_id);
    /* R10: anyone holding the stored public key can check the signature. */
    assert_int_equal(nr_key_from_pem(pem, strlen(pem), &pub, NULL), 0);
    assert_int_equal(nr_verify(pub, msg, strlen(msg), sig, NULL), 0);
    assert_int_equal(nr_verify(pub, "altered", 7, sig, NULL), NR_EBADSIG);
    nr_free(sig);
    sig = NULL;

    /* Another user's key does not verify it. */
    struct nr_actor b;
    add_user(c, "lab2", "Second Lab", "institution");
    load(c, "lab2", &b);
    assert_int_equal(nr_user_sign(c->rv, &b, msg, strlen(msg), &sig, key_id, NULL), 0);
    assert_int_equal(nr_verify(pub, msg, strlen(msg), sig, NULL), NR_EBADSIG);
    nr_free(sig);
    sig = NULL;

    /* The local administrator and the public have no key. */
    nr_err_init(&err);
    assert_int_equal(nr_user_sign(c->rv, c->admin, msg, strlen(msg), &sig, key_id, &err),
                     NR_EFORBIDDEN);
    assert_null(sig);
    struct nr_actor pub_actor;
    nr_actor_public(&pub_actor);
    assert_int_equal(nr_user_sign(c->rv, &pub_actor, msg, strlen(msg), &sig, key_id, NULL),
                     NR_EFORBIDDEN);

    /* A damaged sealed key is reported as such, never used. */
    assert_int_equal(nr_store_exec(c->rv->st, NULL,
                                   "UPDATE users SET sealed_private_key = 'AAAA' WHERE login = "
                                   "'lab1'",
                                   ""),
                     0);
    assert_int_equal(nr_user_sign(c->rv, &a, msg, strlen(msg), &sig, key_id, NULL), NR_ETAMPERED);
    assert_null(sig);
    nr_key_free(pub);
    nr_free(pem);
    nr_free(stored_id);
}

static void test_user_sign(void **state)
{
    sign_and_verify(*state);
}

static void test_user_sign_sm(void **state)
{
    struct ctx *c = *state;
    struct nr_org_spec lab = {"China Testing Lab", "institution", NULL, NULL, false};
    struct nr_org_spec lab2 = {"Second Lab", "institution", NULL, NULL, false};

    /* Same checks in an installation of the Chinese national suite (SM2). */
    nr_fixture_close(&c->fx);
    nr_fixture_open_suite(&c->fx, "cn-2017", NR_SUITE_SM);
    c->rv = &c->fx.rv;
    c->admin = &c->fx.admin;
    assert_int_equal(nr_org_add(c->rv, c->admin, &lab, NULL, NULL), 0);
    assert_int_equal(nr_org_add(c->rv, c->admin, &lab2, NULL, NULL), 0);
    sign_and_verify(c);
}

/* ---- products ---- */

static void test_product_add(void **state)
{
    struct ctx *c = *state;
    struct nr_err err;
    int64_t id = 0, before, found;
    char *cpe = NULL;
    struct nr_product_spec ok = {"HX-8000 Router",
                                 "product",
                                 "Huaxin Networks",
                                 "core router",
                                 "CPE:2.3:h:Huaxin:hx-8000:*:*:*:*:*:*:*:*",
                                 "pkg:generic/huaxin/hx-os"};

    nr_err_init(&err);
    assert_int_equal(nr_product_add(c->rv, c->admin, &ok, &id, &err), 0);
    assert_last_audit(c, "product.add product:1");
    /* Identifiers are kept in canonical form. */
    assert_int_equal(nr_store_query_text(c->rv->st, NULL, &cpe,
                                         "SELECT cpe FROM products WHERE id = ?", "i", id),
                     0);
    assert_string_equal(cpe, "cpe:2.3:h:huaxin:hx-8000:*:*:*:*:*:*:*:*");
    nr_free(cpe);
    /* A service of the same provider; a product of the same name by another provider. */
    struct nr_product_spec svc = {"HX Cloud", "service", "Huaxin Networks", NULL, NULL, NULL};
    assert_int_equal(nr_product_add(c->rv, c->admin, &svc, &id, NULL), 0);
    struct nr_product_spec same = {"HX Cloud", NULL, "Pacific Routers", NULL, NULL, NULL};
    assert_int_equal(nr_product_add(c->rv, c->admin, &same, &id, NULL), 0);

    before = audit_count(c);
    struct {
        struct nr_product_spec p;
        int code;
        const char *field;
    } bad[] = {
        {{"HX-8000 Router", NULL, "Huaxin Networks", NULL, NULL, NULL}, NR_EEXISTS, "name"},
        {{"Lab Box", NULL, "China Testing Lab", NULL, NULL, NULL}, NR_EINVAL, "provider"},
        {{"Lab Box", NULL, "State Bank", NULL, NULL, NULL}, NR_EINVAL, "provider"},
        {{"Lab Box", NULL, "Nobody", NULL, NULL, NULL}, NR_ENOTFOUND, "provider"},
        {{"Lab Box", NULL, NULL, NULL, NULL, NULL}, NR_EINVAL, "provider"},
        {{"Lab Box", "gadget", "Huaxin Networks", NULL, NULL, NULL}, NR_EINVAL, "kind"},
        {{"", NULL, "Huaxin Networks", NULL, NULL, NULL}, NR_EINVAL, "name"},
        {{"42", NULL, "Huaxin Networks", NULL, NULL, NULL}, NR_EINVAL, "name"},
        {{"cpe:thing", NULL, "Huaxin Networks", NULL, NULL, NULL}, NR_EINVAL, "name"},
        {{"Lab Box", NULL, "Huaxin Networks", NULL, "cpe:2.3:h:huaxin", NULL}, NR_EPARSE, "cpe"},
        {{"Lab Box", NULL, "Huaxin Networks", NULL, "cpe:/h:huaxin:hx", NULL}, NR_EPARSE, "cpe"},
        {{"Lab Box", NULL, "Huaxin Networks", NULL, "cpe:2.3:h:*:*:*:*:*:*:*:*:*:*", NULL},
         NR_EINVAL,
         "cpe"},
        {{"Lab Box", NULL, "Huaxin Networks", NULL, NULL, "generic/huaxin/box"}, NR_EPARSE, "purl"},
        {{"Lab Box", NULL, "Huaxin Networks", NULL, NULL, "pkg:generic/a b"}, NR_EPARSE, "purl"},
        /* Another product's identifiers would make the gate ambiguous. */
        {{"Lab Box", NULL, "Huaxin Networks", NULL, "cpe:2.3:h:huaxin:hx-8000:2.0:*:*:*:*:*:*:*",
          NULL},
         NR_EEXISTS,
         "cpe"},
        {{"Lab Box", NULL, "Huaxin Networks", NULL, NULL, "pkg:generic/huaxin/hx-os@9"},
         NR_EEXISTS,
         "purl"},
    };
    for (size_t i = 0; i < NR_ARRAY_LEN(bad); i++) {
        nr_err_init(&err);
        id = 99;
        assert_int_equal(nr_product_add(c->rv, c->admin, &bad[i].p, &id, &err), bad[i].code);
        assert_string_equal(err.field, bad[i].field);
        assert_int_equal(id, 0);
    }
    assert_int_equal(audit_count(c), before);
    assert_int_equal(nr_product_find(c->rv, "Lab Box", &found, NULL), NR_ENOTFOUND);
}

static void test_product_roles(void **state)
{
    struct ctx *c = *state;
    struct nr_actor hx, pac, bank;
    struct nr_err err;
    int64_t id = 0;
    struct nr_product_spec p = {"HX-1", NULL, "Huaxin Networks", NULL, NULL, NULL};

    add_user(c, "hx1", "Huaxin Networks", "provider");
    add_user(c, "pac1", "Pacific Routers", "provider");
    add_user(c, "bank1", "State Bank", "operator");
    load(c, "hx1", &hx);
    load(c, "pac1", &pac);
    load(c, "bank1", &bank);
    /* R2: a provider registers its own products, nobody else's. */
    nr_err_init(&err);
    assert_int_equal(nr_product_add(c->rv, &pac, &p, &id, &err), NR_EFORBIDDEN);
    assert_string_equal(err.field, "provider");
    assert_int_equal(nr_product_add(c->rv, &bank, &p, &id, NULL), NR_EFORBIDDEN);
    assert_int_equal(nr_product_add(c->rv, &hx, &p, &id, NULL), 0);
    assert_int_equal(nr_product_version_add(c->rv, &hx, id, "1.0", NULL, NULL, NULL), 0);
    assert_int_equal(nr_product_version_add(c->rv, &pac, id, "1.1", NULL, NULL, NULL),
                     NR_EFORBIDDEN);
    assert_int_equal(nr_product_version_add(c->rv, &bank, id, "1.1", NULL, NULL, NULL),
                     NR_EFORBIDDEN);
}

static void test_product_versions(void **state)
{
    struct ctx *c = *state;
    struct nr_err err;
    int64_t id = 0, before;
    json_t *p = NULL, *v;
    struct nr_product_spec spec = {"HX-8000 Router",
                                   NULL,
                                   "Huaxin Networks",
                                   NULL,
                                   "cpe:2.3:h:huaxin:hx-8000:*:*:*:*:*:*:*:*",
                                   "pkg:generic/huaxin/hx-os"};

    assert_int_equal(nr_product_add(c->rv, c->admin, &spec, &id, NULL), 0);
    nr_err_init(&err);
    assert_int_equal(nr_product_version_add(c->rv, c->admin, id, "2.0",
                                            "cpe:2.3:h:huaxin:hx-8000:2.0:*:*:*:*:*:*:*",
                                            "pkg:generic/huaxin/hx-os@2.0", &err),
                     0);
    assert_last_audit(c, "product.version_add product:1");
    assert_int_equal(nr_product_version_add(c->rv, c->admin, id, "1.10", NULL, NULL, NULL), 0);
    assert_int_equal(nr_product_version_add(c->rv, c->admin, id, "1.9", NULL, NULL, NULL), 0);

    before = audit_count(c);
    struct {
        const char *version, *cpe, *purl;
        int code;
        const char *field;
    } bad[] = {
        {"2.0", NULL, NULL, NR_EEXISTS, "version"},
        {"", NULL, NULL, NR_EINVAL, "version"},
        {"2 beta", NULL, NULL, NR_EPARSE, "version"},
        {"3.0", "cpe:2.3:h:huaxin:hx-8000:2.0:*:*:*:*:*:*:*", NULL, NR_EINVAL, "cpe"},
        {"3.0", "cpe:2.3:h:huaxin:hx-8000:*:*:*:*:*:*:*:*", NULL, NR_EINVAL, "cpe"},
        {"3.0", "cpe:2.3:h:pacific:pr-1:3.0:*:*:*:*:*:*:*", NULL, NR_EINVAL, "cpe"},
        {"3.0", "cpe:2.3:h:huaxin", NULL, NR_EPARSE, "cpe"},
        {"3.0", NULL, "pkg:generic/huaxin/hx-os@2.0", NR_EINVAL, "purl"},
        {"3.0", NULL, "pkg:generic/huaxin/hx-os", NR_EINVAL, "purl"},
        {"3.0", NULL, "pkg:generic/pacific/pr-os@3.0", NR_EINVAL, "purl"},
        {"3.0", NULL, "pkg:", NR_EPARSE, "purl"},
    };
    for (size_t i = 0; i < NR_ARRAY_LEN(bad); i++) {
        nr_err_init(&err);
        assert_int_equal(nr_product_version_add(c->rv, c->admin, id, bad[i].version, bad[i].cpe,
                                                bad[i].purl, &err),
                         bad[i].code);
        assert_string_equal(err.field, bad[i].field);
    }
    nr_err_init(&err);
    assert_int_equal(nr_product_version_add(c->rv, c->admin, 77, "1.0", NULL, NULL, &err),
                     NR_ENOTFOUND);
    assert_string_equal(err.field, "product");
    assert_int_equal(audit_count(c), before);

    /* Versions show in version order, not by entry. */
    assert_int_equal(nr_product_show(c->rv, id, &p, NULL), 0);
    assert_string_equal(json_string_value(json_object_get(p, "name")), "HX-8000 Router");
    assert_string_equal(json_string_value(json_object_get(p, "provider")), "Huaxin Networks");
    assert_int_equal(json_integer_value(json_object_get(p, "version_count")), 3);
    v = json_object_get(p, "versions");
    assert_int_equal(json_array_size(v), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(v, 0), "version")), "1.9");
    assert_string_equal(json_string_value(json_object_get(json_array_get(v, 1), "version")),
                        "1.10");
    assert_string_equal(json_string_value(json_object_get(json_array_get(v, 2), "version")), "2.0");
    assert_string_equal(json_string_value(json_object_get(json_array_get(v, 2), "purl")),
                        "pkg:generic/huaxin/hx-os@2.0");
    json_decref(p);
    assert_int_equal(nr_product_show(c->rv, 77, &p, NULL), NR_ENOTFOUND);
    assert_null(p);

    assert_int_equal(nr_product_list(c->rv, &p, NULL), 0);
    assert_int_equal(json_array_size(p), 1);
    json_decref(p);
}

static void test_product_find(void **state)
{
    struct ctx *c = *state;
    struct nr_err err;
    int64_t router = 0, sw = 0, cloud1 = 0, cloud2 = 0, bare = 0, found = 0;
    char ref[24];
    struct nr_product_spec a = {"HX-8000 Router",
                                NULL,
                                "Huaxin Networks",
                                NULL,
                                "cpe:2.3:h:huaxin:hx-8000:*:*:*:*:*:*:*:*",
                                NULL};
    struct nr_product_spec b = {"PR Switch_OS",
                                NULL,
                                "Pacific Routers",
                                NULL,
                                "cpe:2.3:o:pacific:switch_os:-:*:*:*:*:*:*:*",
                                "pkg:npm/%40pacific/switch-ui"};
    struct nr_product_spec c1 = {"Cloud", NULL, "Huaxin Networks", NULL, NULL, NULL};
    struct nr_product_spec c2 = {"Cloud", NULL, "Pacific Routers", NULL, NULL, NULL};
    struct nr_product_spec d = {"Bare", NULL, "Nordic Switches", NULL, NULL, NULL};

    assert_int_equal(nr_product_add(c->rv, c->admin, &a, &router, NULL), 0);
    assert_int_equal(nr_product_add(c->rv, c->admin, &b, &sw, NULL), 0);
    assert_int_equal(nr_product_add(c->rv, c->admin, &c1, &cloud1, NULL), 0);
    assert_int_equal(nr_product_add(c->rv, c->admin, &c2, &cloud2, NULL), 0);
    assert_int_equal(nr_product_add(c->rv, c->admin, &d, &bare, NULL), 0);
    /* A product known only through its versions' identifiers. */
    assert_int_equal(nr_product_version_add(c->rv, c->admin, bare, "5.1",
                                            "cpe:2.3:a:nordic:bare_fw:5.1:*:*:*:*:*:*:*",
                                            "pkg:deb/debian/bare-fw@5.1", NULL),
                     0);

    snprintf(ref, sizeof(ref), "%lld", (long long)router);
    assert_int_equal(nr_product_find(c->rv, ref, &found, NULL), 0);
    assert_int_equal(found, router);
    assert_int_equal(nr_product_find(c->rv, "HX-8000 Router", &found, NULL), 0);
    assert_int_equal(found, router);
    /* CPE: the product's CPE with the version ignored, any case. */
    assert_int_equal(
        nr_product_find(c->rv, "cpe:2.3:h:huaxin:hx-8000:3.2.1:*:*:*:*:*:*:*", &found, NULL), 0);
    assert_int_equal(found, router);
    assert_int_equal(
        nr_product_find(c->rv, "CPE:2.3:H:HUAXIN:HX-8000:*:*:*:*:*:*:*:*", &found, NULL), 0);
    assert_int_equal(found, router);
    /* An underscore is a literal, not a LIKE wildcard. */
    assert_int_equal(
        nr_product_find(c->rv, "cpe:2.3:o:pacific:switch_os:1.0:*:*:*:*:*:*:*", &found, NULL), 0);
    assert_int_equal(found, sw);
    assert_int_equal(
        nr_product_find(c->rv, "cpe:2.3:o:pacific:switchxos:1.0:*:*:*:*:*:*:*", &found, NULL),
        NR_ENOTFOUND);
    /* Another part is another product. */
    assert_int_equal(
        nr_product_find(c->rv, "cpe:2.3:a:huaxin:hx-8000:*:*:*:*:*:*:*:*", &found, NULL),
        NR_ENOTFOUND);
    /* Through a version's CPE. */
    assert_int_equal(
        nr_product_find(c->rv, "cpe:2.3:a:nordic:bare_fw:6.0:*:*:*:*:*:*:*", &found, NULL), 0);
    assert_int_equal(found, bare);
    /* purl: matched on its base; the percent-encoded namespace survives. */
    assert_int_equal(nr_product_find(c->rv, "pkg:npm/%40pacific/switch-ui@4.2.0", &found, NULL), 0);
    assert_int_equal(found, sw);
    assert_int_equal(nr_product_find(c->rv, "pkg:deb/debian/bare-fw@5.2?arch=arm64", &found, NULL),
                     0);
    assert_int_equal(found, bare);
    assert_int_equal(nr_product_find(c->rv, "pkg:deb/debian/other@5.2", &found, NULL),
                     NR_ENOTFOUND);

    nr_err_init(&err);
    assert_int_equal(nr_product_find(c->rv, "Cloud", &found, &err), NR_EINVAL);
    assert_string_equal(err.field, "product");
    assert_int_equal(found, 0);
    nr_err_init(&err);
    assert_int_equal(nr_product_find(c->rv, "Nothing", &found, &err), NR_ENOTFOUND);
    assert_string_equal(err.field, "product");
    assert_int_equal(nr_product_find(c->rv, "999", &found, NULL), NR_ENOTFOUND);
    nr_err_init(&err);
    assert_int_equal(nr_product_find(c->rv, "cpe:2.3:broken", &found, &err), NR_EPARSE);
    assert_string_equal(err.field, "cpe");
    assert_int_equal(nr_product_find(c->rv, "", &found, NULL), NR_EINVAL);
    (void)cloud1;
    (void)cloud2;
}

/* ---- institutions (R5) ---- */

static void test_institution(void **state)
{
    struct ctx *c = *state;
    struct nr_err err;
    int64_t id = 0, before;
    json_t *list = NULL, *row;
    struct nr_institution_spec ok = {"China Testing Lab", " lab_testing , online_monitoring",
                                     "2026-01-01", "2028-12-31", "Notice 2026/1"};

    nr_err_init(&err);
    assert_int_equal(nr_institution_designate(c->rv, c->admin, &ok, &id, &err), 0);
    assert_last_audit(c, "institution.designate institution:1");
    /* From defaults to today; no until is open-ended. */
    struct nr_institution_spec open = {"Second Lab", "background_investigation", NULL, NULL, NULL};
    assert_int_equal(nr_institution_designate(c->rv, c->admin, &open, &id, NULL), 0);

    assert_int_equal(nr_institution_list(c->rv, &list, NULL), 0);
    assert_int_equal(json_array_size(list), 2);
    row = json_array_get(list, 0);
    assert_string_equal(json_string_value(json_object_get(row, "methods")),
                        "lab_testing,online_monitoring");
    assert_string_equal(json_string_value(json_object_get(row, "org")), "China Testing Lab");
    assert_string_equal(json_string_value(json_object_get(row, "designation_ref")),
                        "Notice 2026/1");
    assert_true(json_is_true(json_object_get(row, "in_force")));
    assert_true(json_is_array(json_object_get(row, "affiliations")));
    row = json_array_get(list, 1);
    assert_string_equal(json_string_value(json_object_get(row, "designated_from")), "2026-03-02");
    assert_true(json_is_null(json_object_get(row, "designated_until")));
    json_decref(list);

    before = audit_count(c);
    struct {
        struct nr_institution_spec s;
        int code;
        const char *field;
    } bad[] = {
        {{"China Testing Lab", "lab_testing", NULL, NULL, NULL}, NR_EEXISTS, "org"},
        {{"Huaxin Networks", "lab_testing", NULL, NULL, NULL}, NR_EINVAL, "org"},
        {{"Nowhere Lab", "lab_testing", NULL, NULL, NULL}, NR_ENOTFOUND, "org"},
        {{"Review Office", "lab_testing", NULL, NULL, NULL}, NR_EINVAL, "org"},
        {{"China Testing Lab", "penetration_testing", NULL, NULL, NULL}, NR_EINVAL, "methods"},
        {{"China Testing Lab", "lab_testing,,online_monitoring", NULL, NULL, NULL},
         NR_EINVAL,
         "methods"},
        {{"China Testing Lab", "lab_testing,lab_testing", NULL, NULL, NULL}, NR_EINVAL, "methods"},
        {{"China Testing Lab", "lab_testing,", NULL, NULL, NULL}, NR_EINVAL, "methods"},
        {{"China Testing Lab", "", NULL, NULL, NULL}, NR_EINVAL, "methods"},
        {{"China Testing Lab", NULL, NULL, NULL, NULL}, NR_EINVAL, "methods"},
        {{"China Testing Lab", "lab_testing", "2026-05-01", "2026-04-30", NULL},
         NR_EINVAL,
         "until"},
        {{"China Testing Lab", "lab_testing", "2026-02-30", NULL, NULL}, NR_EPARSE, "from"},
        {{"China Testing Lab", "lab_testing", "2026-01-01", "next year", NULL}, NR_EPARSE, "until"},
    };
    for (size_t i = 0; i < NR_ARRAY_LEN(bad); i++) {
        nr_err_init(&err);
        id = 99;
        assert_int_equal(nr_institution_designate(c->rv, c->admin, &bad[i].s, &id, &err),
                         bad[i].code);
        assert_string_equal(err.field, bad[i].field);
        assert_int_equal(id, 0);
    }
    nr_err_init(&err);
    struct nr_institution_spec outside = {"China Testing Lab", "penetration_testing", NULL, NULL,
                                          NULL};
    nr_institution_designate(c->rv, c->admin, &outside, &id, &err);
    assert_non_null(strstr(err.msg, "penetration_testing is not a method of procedure cn-2017"));
    assert_int_equal(audit_count(c), before);

    /* Roles: the office may designate, a provider or an institution may not. */
    struct nr_actor office, lab;
    struct nr_org_spec third = {"Third Lab", "institution", NULL, NULL, false};
    assert_int_equal(nr_org_add(c->rv, c->admin, &third, NULL, NULL), 0);
    add_user(c, "off", "Review Office", "office");
    add_user(c, "lab1", "China Testing Lab", "institution");
    load(c, "off", &office);
    load(c, "lab1", &lab);
    struct nr_institution_spec s3 = {"Third Lab", "on_site_inspection", NULL, NULL, NULL};
    assert_int_equal(nr_institution_designate(c->rv, &lab, &s3, &id, NULL), NR_EFORBIDDEN);
    assert_int_equal(nr_institution_designate(c->rv, &office, &s3, &id, NULL), 0);

    /* An expired designation shows as not in force. */
    assert_int_equal(nr_store_exec(c->rv->st, NULL,
                                   "UPDATE institutions SET designated_until = '2026-03-01' "
                                   "WHERE id = ?",
                                   "i", id),
                     0);
    assert_int_equal(nr_institution_list(c->rv, &list, NULL), 0);
    assert_true(json_is_false(json_object_get(json_array_get(list, 2), "in_force")));
    json_decref(list);
}

/* ---- experts (R6) ---- */

static void test_expert(void **state)
{
    struct ctx *c = *state;
    struct nr_actor office, committee;
    struct nr_err err;
    int64_t id = 0, before;
    json_t *list = NULL, *row;

    add_user(c, "exp1", "Experts Committee", "expert");
    add_user(c, "exp2", "Experts Committee", "expert");
    add_user(c, "off", "Review Office", "office");
    add_user(c, "com", "Review Committee", "committee");
    load(c, "off", &office);
    load(c, "com", &committee);

    nr_err_init(&err);
    assert_int_equal(nr_expert_appoint(c->rv, c->admin, "exp1", "network security", "2026-01-01",
                                       "2030-12-31", &id, &err),
                     0);
    assert_last_audit(c, "expert.appoint expert:1");
    /* R5: the committee appoints; the office does not. */
    nr_err_init(&err);
    assert_int_equal(nr_expert_appoint(c->rv, &office, "exp2", NULL, NULL, NULL, &id, &err),
                     NR_EFORBIDDEN);
    assert_int_equal(id, 0);
    assert_int_equal(nr_expert_appoint(c->rv, &committee, "exp2", NULL, NULL, NULL, &id, NULL), 0);

    before = audit_count(c);
    struct {
        const char *login, *from, *until;
        int code;
        const char *field;
    } bad[] = {
        {"exp1", NULL, NULL, NR_EEXISTS, "login"},
        {"off", NULL, NULL, NR_EINVAL, "login"},
        {"ghost", NULL, NULL, NR_ENOTFOUND, "login"},
        {NULL, NULL, NULL, NR_EINVAL, "login"},
        {"exp2", "2026-05-01", "2026-01-01", NR_EINVAL, "until"},
        {"exp2", "01/05/2026", NULL, NR_EPARSE, "from"},
    };
    for (size_t i = 0; i < NR_ARRAY_LEN(bad); i++) {
        nr_err_init(&err);
        assert_int_equal(nr_expert_appoint(c->rv, c->admin, bad[i].login, NULL, bad[i].from,
                                           bad[i].until, &id, &err),
                         bad[i].code);
        assert_string_equal(err.field, bad[i].field);
    }
    assert_int_equal(audit_count(c), before);

    assert_int_equal(nr_expert_list(c->rv, &list, NULL), 0);
    assert_int_equal(json_array_size(list), 2);
    row = json_array_get(list, 0);
    assert_string_equal(json_string_value(json_object_get(row, "login")), "exp1");
    assert_string_equal(json_string_value(json_object_get(row, "field")), "network security");
    assert_true(json_is_true(json_object_get(row, "in_force")));
    row = json_array_get(list, 1);
    assert_string_equal(json_string_value(json_object_get(row, "appointed_from")), "2026-03-02");
    json_decref(list);
}

/* ---- affiliations and conflicts (R6, R10) ---- */

/* A case on a product of the provider, written directly: the check reads only the tables. */
static int64_t make_case(struct ctx *c, int64_t provider)
{
    struct nr_product_spec p = {NULL, NULL, NULL, NULL, NULL, NULL};
    char name[64], provider_ref[24], ref[32];
    int64_t product = 0, id = 0, n = 0;

    assert_int_equal(nr_store_query_int(c->rv->st, NULL, &n, "SELECT COUNT(*) FROM cases", ""), 0);
    snprintf(name, sizeof(name), "Product %lld", (long long)n + 1);
    snprintf(provider_ref, sizeof(provider_ref), "%lld", (long long)provider);
    snprintf(ref, sizeof(ref), "NR-2026-%04lld", (long long)n + 1);
    p.name = name;
    p.provider = provider_ref;
    if (provider)
        assert_int_equal(nr_product_add(c->rv, c->admin, &p, &product, NULL), 0);
#define CASE_INSERT                                                                                \
    "INSERT INTO cases (ref, title, procedure, product_id, trigger, phase, phase_entered_at, "     \
    "phase_entered_on, opened_at, updated_at) VALUES (?, 'T', 'cn-2017', ?, "                      \
    "'provider_application', 'evaluation', ?, '2026-03-02', ?, ?) RETURNING id"
    if (provider)
        assert_int_equal(nr_store_query_int(c->rv->st, NULL, &id, CASE_INSERT, "tittt", ref,
                                            product, TODAY, TODAY, TODAY),
                         0);
    else
        assert_int_equal(nr_store_query_int(c->rv->st, NULL, &id, CASE_INSERT, "tnttt", ref, TODAY,
                                            TODAY, TODAY),
                         0);
    return id;
}

static int64_t user_id(struct ctx *c, const char *login)
{
    int64_t id = 0;
    assert_int_equal(nr_store_query_int(c->rv->st, NULL, &id,
                                        "SELECT id FROM users WHERE login = ?", "t", login),
                     0);
    return id;
}

static void check(struct ctx *c, const char *kind, int64_t holder, int64_t case_id, bool want,
                  const char *reason)
{
    struct nr_arena ar;
    bool conflicted = !want;
    char *why = (char *)"unset";
    struct nr_err err;

    nr_arena_init(&ar);
    nr_err_init(&err);
    int rc = nr_conflict_check(c->rv, kind, holder, case_id, &conflicted, &why, &ar, &err);
    if (rc)
        fprintf(stderr, "conflict check: %s\n", err.msg);
    assert_int_equal(rc, 0);
    assert_int_equal(conflicted, want);
    if (reason)
        assert_string_equal(why, reason);
    else
        assert_null(why);
    nr_arena_release(&ar);
}

static void test_affiliation_add(void **state)
{
    struct ctx *c = *state;
    struct nr_actor bank;
    struct nr_err err;
    int64_t before;
    char *until = NULL;

    add_user(c, "exp1", "Experts Committee", "expert");
    add_user(c, "off", "Review Office", "office");
    add_user(c, "bank1", "State Bank", "operator");
    load(c, "bank1", &bank);

    nr_err_init(&err);
    assert_int_equal(nr_affiliation_add(c->rv, c->admin, "expert", "exp1", "Huaxin Networks",
                                        "consultant", &err),
                     0);
    assert_last_audit(c, "affiliation.add affiliation:1");
    assert_int_equal(nr_affiliation_add(c->rv, c->admin, "institution", "China Testing Lab",
                                        "Pacific Routers", "shareholder", NULL),
                     0);
    /* R10: a former employment counts three years from the day it is recorded. */
    assert_int_equal(nr_affiliation_add(c->rv, c->admin, "expert", "exp1", "Nordic Switches",
                                        "former_employee", NULL),
                     0);
    assert_int_equal(nr_store_query_text(c->rv->st, NULL, &until,
                                         "SELECT until FROM affiliations WHERE relation = "
                                         "'former_employee'",
                                         ""),
                     0);
    assert_string_equal(until, "2029-03-02");
    nr_free(until);

    before = audit_count(c);
    struct {
        const char *kind, *holder, *org, *relation;
        int code;
        const char *field;
    } bad[] = {
        {"expert", "exp1", "Huaxin Networks", "consultant", NR_EEXISTS, "relation"},
        {"person", "exp1", "Huaxin Networks", "employee", NR_EINVAL, "holder_kind"},
        {NULL, "exp1", "Huaxin Networks", "employee", NR_EINVAL, "holder_kind"},
        {"expert", "exp1", "Huaxin Networks", "friend", NR_EINVAL, "relation"},
        {"expert", "exp1", "Huaxin Networks", NULL, NR_EINVAL, "relation"},
        {"expert", "off", "Huaxin Networks", "employee", NR_EINVAL, "holder"},
        {"expert", "ghost", "Huaxin Networks", "employee", NR_ENOTFOUND, "holder"},
        {"institution", "Huaxin Networks", "Pacific Routers", "employee", NR_EINVAL, "holder"},
        {"institution", "China Testing Lab", "China Testing Lab", "employee", NR_EINVAL, "org"},
        {"expert", "exp1", "Nowhere", "employee", NR_ENOTFOUND, "org"},
        {"expert", "exp1", NULL, "employee", NR_EINVAL, "org"},
    };
    for (size_t i = 0; i < NR_ARRAY_LEN(bad); i++) {
        nr_err_init(&err);
        assert_int_equal(nr_affiliation_add(c->rv, c->admin, bad[i].kind, bad[i].holder, bad[i].org,
                                            bad[i].relation, &err),
                         bad[i].code);
        assert_string_equal(err.field, bad[i].field);
    }
    nr_err_init(&err);
    assert_int_equal(
        nr_affiliation_add(c->rv, &bank, "expert", "exp1", "Pacific Routers", "employee", &err),
        NR_EFORBIDDEN);
    assert_int_equal(audit_count(c), before);

    /* The expert list carries the affiliations, each with whether it is in force. */
    json_t *list = NULL, *aff;
    assert_int_equal(nr_expert_appoint(c->rv, c->admin, "exp1", NULL, NULL, NULL, NULL, NULL), 0);
    assert_int_equal(nr_expert_list(c->rv, &list, NULL), 0);
    aff = json_object_get(json_array_get(list, 0), "affiliations");
    assert_int_equal(json_array_size(aff), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(aff, 0), "org")),
                        "Huaxin Networks");
    assert_string_equal(json_string_value(json_object_get(json_array_get(aff, 0), "relation")),
                        "consultant");
    assert_true(json_is_true(json_object_get(json_array_get(aff, 1), "in_force")));
    json_decref(list);
}

static void test_conflict_relations(void **state)
{
    struct ctx *c = *state;
    static const char *const relations[] = {"employee",     "consultant", "shareholder",
                                            "board_member", "contractor", "former_employee"};
    static const char *const text[] = {"employee",     "consultant", "shareholder",
                                       "board member", "contractor", "former employee"};
    int64_t case_id = make_case(c, c->huaxin);
    char login[32], want[128];

    /* Each relation with the provider is a conflict, named in the reason. */
    for (size_t i = 0; i < NR_ARRAY_LEN(relations); i++) {
        snprintf(login, sizeof(login), "expert%zu", i);
        add_user(c, login, "Experts Committee", "expert");
        check(c, "expert", user_id(c, login), case_id, false, NULL);
        assert_int_equal(nr_affiliation_add(c->rv, c->admin, "expert", login, "Huaxin Networks",
                                            relations[i], NULL),
                         0);
        snprintf(want, sizeof(want), "%s of Huaxin Networks (the provider)", text[i]);
        check(c, "expert", user_id(c, login), case_id, true, want);
    }
    /* An affiliation with an organisation that is neither provider nor competitor is not. */
    add_user(c, "clean", "Experts Committee", "expert");
    assert_int_equal(
        nr_affiliation_add(c->rv, c->admin, "expert", "clean", "State Bank", "board_member", NULL),
        0);
    check(c, "expert", user_id(c, "clean"), case_id, false, NULL);

    /* Institutions, by their organisation. */
    check(c, "institution", c->lab, case_id, false, NULL);
    assert_int_equal(nr_affiliation_add(c->rv, c->admin, "institution", "China Testing Lab",
                                        "Huaxin Networks", "contractor", NULL),
                     0);
    check(c, "institution", c->lab, case_id, true, "contractor of Huaxin Networks (the provider)");
    check(c, "institution", c->lab2, case_id, false, NULL);

    /* Unknown holders and cases are reported, not guessed. */
    struct nr_arena ar;
    bool conflicted;
    char *why;
    nr_arena_init(&ar);
    assert_int_equal(nr_conflict_check(c->rv, "expert", 999, case_id, &conflicted, &why, &ar, NULL),
                     NR_ENOTFOUND);
    assert_int_equal(
        nr_conflict_check(c->rv, "institution", c->huaxin, case_id, &conflicted, &why, &ar, NULL),
        NR_ENOTFOUND);
    assert_int_equal(
        nr_conflict_check(c->rv, "expert", user_id(c, "clean"), 999, &conflicted, &why, &ar, NULL),
        NR_ENOTFOUND);
    assert_int_equal(nr_conflict_check(c->rv, "nobody", 1, case_id, &conflicted, &why, &ar, NULL),
                     NR_EINVAL);
    nr_arena_release(&ar);
}

static void test_conflict_competitors(void **state)
{
    struct ctx *c = *state;
    int64_t huaxin_case = make_case(c, c->huaxin);
    int64_t pacific_case = make_case(c, c->pacific);
    int64_t nordic_case = make_case(c, c->nordic);

    add_user(c, "exp1", "Experts Committee", "expert");
    assert_int_equal(
        nr_affiliation_add(c->rv, c->admin, "expert", "exp1", "Pacific Routers", "employee", NULL),
        0);
    check(c, "expert", user_id(c, "exp1"), huaxin_case, false, NULL);
    /* Recorded as (huaxin, pacific): counts on a Huaxin case... */
    assert_int_equal(nr_org_competitor_add(c->rv, c->admin, c->huaxin, c->pacific, NULL), 0);
    check(c, "expert", user_id(c, "exp1"), huaxin_case, true,
          "employee of Pacific Routers (a competitor of the provider)");
    check(c, "expert", user_id(c, "exp1"), pacific_case, true,
          "employee of Pacific Routers (the provider)");
    check(c, "expert", user_id(c, "exp1"), nordic_case, false, NULL);

    /* ...and the other direction: recorded as (nordic, huaxin), an affiliation with Huaxin
     * counts on a Nordic case, and one with Nordic on a Huaxin case. */
    add_user(c, "exp2", "Experts Committee", "expert");
    assert_int_equal(nr_affiliation_add(c->rv, c->admin, "expert", "exp2", "Nordic Switches",
                                        "shareholder", NULL),
                     0);
    check(c, "expert", user_id(c, "exp2"), huaxin_case, false, NULL);
    assert_int_equal(nr_org_competitor_add(c->rv, c->admin, c->nordic, c->huaxin, NULL), 0);
    check(c, "expert", user_id(c, "exp2"), huaxin_case, true,
          "shareholder of Nordic Switches (a competitor of the provider)");
    check(c, "expert", user_id(c, "exp1"), nordic_case, false, NULL);
    assert_int_equal(nr_affiliation_add(c->rv, c->admin, "expert", "exp1", "Huaxin Networks",
                                        "consultant", NULL),
                     0);
    check(c, "expert", user_id(c, "exp1"), nordic_case, true,
          "consultant of Huaxin Networks (a competitor of the provider)");
    /* Several affiliations: the provider first, then the competitors. */
    check(c, "expert", user_id(c, "exp1"), huaxin_case, true,
          "consultant of Huaxin Networks (the provider); employee of Pacific Routers (a "
          "competitor of the provider)");

    /* Institutions too. */
    assert_int_equal(nr_affiliation_add(c->rv, c->admin, "institution", "Second Lab",
                                        "Pacific Routers", "board_member", NULL),
                     0);
    check(c, "institution", c->lab2, huaxin_case, true,
          "board member of Pacific Routers (a competitor of the provider)");
}

static void test_conflict_expiry(void **state)
{
    struct ctx *c = *state;
    int64_t case_id = make_case(c, c->huaxin);
    int64_t exp1, exp2;

    add_user(c, "exp1", "Experts Committee", "expert");
    add_user(c, "exp2", "Experts Committee", "expert");
    exp1 = user_id(c, "exp1");
    exp2 = user_id(c, "exp2");
    assert_int_equal(
        nr_affiliation_add(c->rv, c->admin, "expert", "exp1", "Huaxin Networks", "employee", NULL),
        0);
    check(c, "expert", exp1, case_id, true, "employee of Huaxin Networks (the provider)");
    /* An affiliation that ended no longer counts. */
    assert_int_equal(nr_store_exec(c->rv->st, NULL,
                                   "UPDATE affiliations SET until = '2026-03-01' WHERE "
                                   "holder_id = ?",
                                   "i", exp1),
                     0);
    check(c, "expert", exp1, case_id, false, NULL);
    /* Nor one that has not begun. */
    assert_int_equal(nr_store_exec(c->rv->st, NULL,
                                   "UPDATE affiliations SET since = '2026-03-03', until = NULL "
                                   "WHERE holder_id = ?",
                                   "i", exp1),
                     0);
    check(c, "expert", exp1, case_id, false, NULL);
    /* Once ended, the same relation can be recorded anew. */
    assert_int_equal(nr_store_exec(c->rv->st, NULL,
                                   "UPDATE affiliations SET since = '2020-01-01', until = "
                                   "'2025-01-01' WHERE holder_id = ?",
                                   "i", exp1),
                     0);
    assert_int_equal(
        nr_affiliation_add(c->rv, c->admin, "expert", "exp1", "Huaxin Networks", "employee", NULL),
        0);
    check(c, "expert", exp1, case_id, true, "employee of Huaxin Networks (the provider)");

    /* R10: a former employment counts for three years after it is recorded, then not. */
    assert_int_equal(nr_affiliation_add(c->rv, c->admin, "expert", "exp2", "Huaxin Networks",
                                        "former_employee", NULL),
                     0);
    setenv("NETREVIEW_NOW", "2029-03-02T12:00:00Z", 1);
    check(c, "expert", exp2, case_id, true, "former employee of Huaxin Networks (the provider)");
    setenv("NETREVIEW_NOW", "2029-03-03T00:00:00Z", 1);
    check(c, "expert", exp2, case_id, false, NULL);
    setenv("NETREVIEW_NOW", TODAY, 1);
}

static void test_conflict_special(void **state)
{
    struct ctx *c = *state;
    int64_t none = make_case(c, 0);
    int64_t case_id = make_case(c, c->huaxin);

    add_user(c, "exp1", "Experts Committee", "expert");
    assert_int_equal(
        nr_affiliation_add(c->rv, c->admin, "expert", "exp1", "Huaxin Networks", "employee", NULL),
        0);
    /* A case without a product has no provider to be partial to. */
    check(c, "expert", user_id(c, "exp1"), none, false, NULL);
    /* An institution that is the provider itself is conflicted without any affiliation (the
     * kinds keep this from happening through the API; the check does not rely on them). */
    assert_int_equal(nr_store_exec(c->rv->st, NULL,
                                   "UPDATE products SET provider_id = ? WHERE id = (SELECT "
                                   "product_id FROM cases WHERE id = ?)",
                                   "ii", c->lab, case_id),
                     0);
    check(c, "institution", c->lab, case_id, true, "it is the provider, China Testing Lab");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_org_add, setup, teardown),
        cmocka_unit_test_setup_teardown(test_org_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_competitors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_add, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_sign, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_sign_sm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_product_add, setup, teardown),
        cmocka_unit_test_setup_teardown(test_product_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_product_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_product_find, setup, teardown),
        cmocka_unit_test_setup_teardown(test_institution, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expert, setup, teardown),
        cmocka_unit_test_setup_teardown(test_affiliation_add, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflict_relations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflict_competitors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflict_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflict_special, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
