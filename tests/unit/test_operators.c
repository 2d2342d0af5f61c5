/* test_operators.c: users compared with their colleagues (lib/operators.c). The binomial tail
 * against exact values and an independent sum; then each rule of a finding at its edge (rows,
 * hits, colleagues, ratio, Bonferroni), logs without an organization column, NUL bytes, categories not compared, per-source staging, the cap, and the order of findings. */
#include "../harness.h"
#include "operators.h"

#include <math.h>

/* n rows of user in org (a log's cite with in_log), each under cat (NULL: none). */
static void add_n(sl_operators *o, const char *org, size_t org_len, int in_log, sl_op_kind kind,
                  const char *user, size_t user_len, const char *cat, int n) {
    const char *cats[1] = {cat};
    int ok = 1;
    for (int i = 0; i < n; i++)
        ok &= sl_operators_add(o, org, org_len, in_log, kind, user, user_len, cats, cat ? 1 : 0) ==
              SL_OK;
    CHECK(ok);
}

static void add(sl_operators *o, const char *org, size_t org_len, sl_op_kind kind,
                const char *user, const char *cat, int n) {
    add_n(o, org, org_len, 0, kind, user, strlen(user), cat, n);
}

/* The same in a log with no organization column, its cite log. */
static void add_log(sl_operators *o, const char *log, const char *user, const char *cat, int n) {
    add_n(o, log, strlen(log), 1, SL_OP_USER_ID, user, strlen(user), cat, n);
}

/* A user's rows: total, and how many under cat. */
static void user(sl_operators *o, const char *org, const char *name, int rows, const char *cat,
                 int hits) {
    add(o, org, strlen(org), SL_OP_NAME, name, cat, hits);
    add(o, org, strlen(org), SL_OP_NAME, name, NULL, rows - hits);
}

/* P(X >= k) summed term by term in long double, for the tail's check. */
static double tail_ref(unsigned n, unsigned k, double p) {
    long double s = 0;
    for (unsigned i = k; i <= n; i++)
        s += expl(lgammal(n + 1.0L) - lgammal(i + 1.0L) - lgammal(n - i + 1.0L) +
                  i * logl(p) + (n - i) * log1pl(-p));
    return (double)s;
}

static int close_rel(double a, double b) { return fabs(a - b) <= 1e-9 * fabs(b) + 1e-300; }

static void test_tail(void) {
    CHECK(close_rel(sl_binomial_tail(10, 5, 0.5), 638.0 / 1024.0));
    CHECK(close_rel(sl_binomial_tail(20, 20, 0.5), ldexp(1.0, -20)));
    CHECK(sl_binomial_tail(10, 0, 0.3) == 1.0);
    CHECK(sl_binomial_tail(10, 11, 0.3) == 0.0);
    CHECK(sl_binomial_tail(10, 3, 0.0) == 0.0); /* nobody else did it: impossible by chance */
    CHECK(sl_binomial_tail(10, 3, 1.0) == 1.0);
    static const struct {
        unsigned n, k;
        double p;
    } C[] = {{100, 30, 0.02}, {1000, 50, 0.01}, {207, 70, 0.0264}, {30, 29, 0.24},
             {5000, 40, 0.004}, {60, 20, 0.3}};
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++) {
        double a = sl_binomial_tail(C[i].n, C[i].k, C[i].p), b = tail_ref(C[i].n, C[i].k, C[i].p);
        if (!close_rel(a, b)) fprintf(stderr, "tail(%u, %u, %g) = %.17g, expected %.17g\n",
                                      C[i].n, C[i].k, C[i].p, a, b);
        CHECK(close_rel(a, b));
    }
}

/* What sl_operators_finish gives. */
typedef struct {
    const sl_op_count *c;
    const sl_op_finding *f;
    size_t nc, nf;
    uint64_t tests;
} result;

static result finish(sl_operators *o) {
    result r;
    CHECK_INT(sl_operators_finish(o, &r.c, &r.nc, &r.f, &r.nf, &r.tests), SL_OK);
    return r;
}

/* One organization, four users at 2% and one at 30%: one finding with every number. */
static void test_one_finding(void) {
    sl_operators *o = sl_operators_new();
    CHECK_INT(sl_operators_measure(o, "immigration"), SL_OK);
    CHECK_INT(sl_operators_measure(o, "immigration"), SL_OK); /* once */
    const char *names[] = {"Ann Lee", "Bo Diaz", "Cy Park", "Di Wu"};
    for (int i = 0; i < 4; i++) user(o, "Town PD", names[i], 100, "immigration", 2);
    user(o, "Town PD", "Ed Fox", 100, "immigration", 30);
    result r = finish(o);
    CHECK_INT(r.tests, 5);
    CHECK_INT(r.nc, 10); /* five users, "all" and immigration each */
    CHECK_INT(r.nf, 1);
    if (r.nf == 1) {
        CHECK_MEM(r.f[0].k.org, r.f[0].k.org_len, "Town PD");
        CHECK_INT(r.f[0].k.kind, SL_OP_NAME);
        CHECK_STR(r.f[0].k.user, "Ed Fox");
        CHECK_STR(r.f[0].k.category, "immigration");
        CHECK_INT(r.f[0].rows, 100);
        CHECK_INT(r.f[0].hits, 30);
        CHECK_INT(r.f[0].peers, 4);
        CHECK_INT(r.f[0].peer_rows, 400);
        CHECK_INT(r.f[0].peer_hits, 8);
        char want[32], got[32];
        snprintf(want, sizeof want, "%.3g", tail_ref(100, 30, 0.02));
        snprintf(got, sizeof got, "%.3g", r.f[0].p_value);
        CHECK_STR(got, want);
    }
    /* the counts in (organization, kind, user, category) order */
    CHECK_STR(r.c[0].k.user, "Ann Lee");
    CHECK_STR(r.c[0].k.category, "all");
    CHECK_INT(r.c[0].rows, 100);
    CHECK_STR(r.c[1].k.category, "immigration");
    CHECK_INT(r.c[1].rows, 2);
    CHECK_STR(r.c[9].k.user, "Ed Fox");
    CHECK_INT(r.c[9].rows, 30);
    sl_operators_free(o);
}

/* How many findings one organization gives: four colleagues of 100 rows with peer_hits hits
 * in all, and the user with rows rows and hits hits. */
static size_t one_case(int rows, int hits, int peer_hits, int colleagues, const char *measured) {
    sl_operators *o = sl_operators_new();
    sl_operators_measure(o, measured);
    for (int i = 0; i < colleagues; i++) {
        char n[24];
        snprintf(n, sizeof n, "peer %d", i);
        int h = peer_hits / colleagues + (i < peer_hits % colleagues);
        user(o, "Town PD", n, 100, "immigration", h);
    }
    user(o, "Town PD", "subject", rows, "immigration", hits);
    result r = finish(o);
    for (size_t i = 0; i < r.nf; i++) CHECK(r.f[i].p_value <= SL_OP_ALPHA / (double)r.tests);
    size_t n = 0;
    for (size_t i = 0; i < r.nf; i++) n += strcmp(r.f[i].k.user, "subject") == 0;
    sl_operators_free(o);
    return n;
}

static void test_edges(void) {
    /* hits: none of the colleagues did it (p = 0): five rows are a finding, four are not */
    CHECK_INT(one_case(20, 5, 0, 4, "immigration"), 1);
    CHECK_INT(one_case(20, 4, 0, 4, "immigration"), 0);
    /* rows: 19 rows all in the category are not tested */
    CHECK_INT(one_case(19, 19, 0, 4, "immigration"), 0);
    CHECK_INT(one_case(20, 20, 0, 4, "immigration"), 1);
    /* colleagues: three are needed */
    CHECK_INT(one_case(40, 30, 0, 3, "immigration"), 1);
    CHECK_INT(one_case(40, 30, 0, 2, "immigration"), 0);
    /* colleagues' rows: test_peer_rows */
    /* ratio: 3 times is enough, just under is not, however many rows (10% against 3.33..%:
     * peer_hits 40 of 1200 needs twelve colleagues) */
    CHECK_INT(one_case(2000, 200, 40, 12, "immigration"), 1); /* 10% = 3 x 3.33% */
    CHECK_INT(one_case(2000, 199, 40, 12, "immigration"), 0); /* 9.95% < 3 x */
    /* Bonferroni: 5 of 20 against 5% is p = 0.016, far from 0.01 / 5 */
    CHECK_INT(one_case(20, 5, 20, 4, "immigration"), 0);
    /* a category not measured (read from the organization's name) is not compared */
    CHECK_INT(one_case(40, 30, 0, 4, "federal_searcher"), 0);
}

/* Colleagues' rows below 50: three colleagues of 16 rows. */
static void test_peer_rows(void) {
    for (int each = 16; each <= 17; each++) {
        sl_operators *o = sl_operators_new();
        sl_operators_measure(o, "x");
        user(o, "PD", "a", each, NULL, 0);
        user(o, "PD", "b", each, NULL, 0);
        user(o, "PD", "c", 18, NULL, 0);
        user(o, "PD", "s", 30, "x", 30);
        result r = finish(o);
        /* 16 + 16 + 18 = 50 colleagues' rows: tested; 17 + 17 + 18 = 52 too; the colleagues
         * themselves (under 20 rows, or with the subject's 30 among theirs) only when big
         * enough */
        int found = 0;
        for (size_t i = 0; i < r.nf; i++) found += strcmp(r.f[i].k.user, "s") == 0;
        CHECK_INT(found, 1);
        sl_operators_free(o);
    }
    sl_operators *o = sl_operators_new();
    sl_operators_measure(o, "x");
    user(o, "PD", "a", 16, NULL, 0);
    user(o, "PD", "b", 16, NULL, 0);
    user(o, "PD", "c", 17, NULL, 0); /* 49 colleagues' rows */
    user(o, "PD", "s", 30, "x", 30);
    result r = finish(o);
    CHECK_INT(r.nf, 0);
    CHECK_INT(r.tests, 0);
    sl_operators_free(o);
}

/* Logs without an organization column (keyed by their cites) are apart from each other, and
 * from an organization named as a log is cited. */
static void test_logs(void) {
    sl_operators *o = sl_operators_new();
    sl_operators_measure(o, "x");
    /* two logs, three users each, the same ids, and an organization named as the first log:
     * together u3 would have eight colleagues */
    for (int l = 0; l < 2; l++) {
        const char *log = l ? "portal_b.csv" : "portal_a.csv";
        add_log(o, log, "u1", NULL, 100);
        add_log(o, log, "u2", NULL, 100);
        add_log(o, log, "u3", "x", 40);
    }
    add_n(o, "portal_a.csv", 12, 0, SL_OP_USER_ID, "u1", 2, NULL, 100);
    add_n(o, "portal_a.csv", 12, 0, SL_OP_USER_ID, "u2", 2, NULL, 100);
    result r = finish(o);
    CHECK_INT(r.nf, 0);
    CHECK_INT(r.tests, 0);
    CHECK_INT(r.nc, 10); /* per log: u1, u2 "all"; u3 "all" and x; the organization's two */
    /* in order: the log, then the organization of its cite's name, then the other log */
    CHECK_MEM(r.c[0].k.org, r.c[0].k.org_len, "portal_a.csv");
    CHECK_INT(r.c[0].k.in_log, 1);
    CHECK_INT(r.c[0].k.kind, SL_OP_USER_ID);
    CHECK_MEM(r.c[0].k.user, r.c[0].k.user_len, "u1");
    CHECK_INT(r.c[0].rows, 100);
    CHECK_MEM(r.c[3].k.category, strlen(r.c[3].k.category), "x");
    CHECK_INT(r.c[4].k.in_log, 0);
    CHECK_MEM(r.c[4].k.org, r.c[4].k.org_len, "portal_a.csv");
    CHECK_MEM(r.c[5].k.user, r.c[5].k.user_len, "u2");
    CHECK_MEM(r.c[9].k.org, r.c[9].k.org_len, "portal_b.csv");
    CHECK_INT(r.c[9].k.in_log, 1);
    sl_operators_free(o);
    /* one more colleague in one log makes u3 a finding there, and only there */
    o = sl_operators_new();
    sl_operators_measure(o, "x");
    for (int l = 0; l < 2; l++) {
        const char *log = l ? "portal_b.csv" : "portal_a.csv";
        add_log(o, log, "u1", NULL, 100);
        add_log(o, log, "u2", NULL, 100);
        add_log(o, log, "u3", "x", 40);
        if (l) add_log(o, log, "u4", NULL, 100);
    }
    r = finish(o);
    CHECK_INT(r.nf, 1);
    if (r.nf == 1) {
        CHECK_MEM(r.f[0].k.org, r.f[0].k.org_len, "portal_b.csv");
        CHECK_INT(r.f[0].k.in_log, 1);
        CHECK_INT(r.f[0].k.kind, SL_OP_USER_ID);
        CHECK_MEM(r.f[0].k.user, r.f[0].k.user_len, "u3");
        CHECK_INT(r.f[0].peers, 3);
    }
    sl_operators_free(o);
}

/* Names with a NUL byte (a damaged export) are kept whole: "a\0b" and "a\0c" are two users. */
static void test_nul(void) {
    sl_operators *o = sl_operators_new();
    sl_operators_measure(o, "x");
    add_n(o, "P\0D", 3, 0, SL_OP_NAME, "a\0b", 3, "x", 30);
    add_n(o, "P\0D", 3, 0, SL_OP_NAME, "a\0c", 3, NULL, 100);
    add_n(o, "P\0D", 3, 0, SL_OP_NAME, "a\0d", 3, NULL, 100);
    add_n(o, "P\0D", 3, 0, SL_OP_NAME, "a", 1, NULL, 100);
    result r = finish(o);
    CHECK_INT(r.nc, 5);
    CHECK_INT(r.c[0].k.user_len, 1);
    CHECK_INT(r.c[1].k.user_len, 3);
    CHECK(memcmp(r.c[1].k.user, "a\0b", 3) == 0);
    CHECK_INT(r.c[1].k.org_len, 3);
    CHECK_INT(r.nf, 1);
    if (r.nf == 1) {
        CHECK(r.f[0].k.user_len == 3 && memcmp(r.f[0].k.user, "a\0b", 3) == 0);
        CHECK_INT(r.f[0].peers, 3);
    }
    sl_operators_free(o);
}

/* An organization "A" with users by name and by id, and one named "A\0o": in the order of
 * whole keys ("A\0n...", "A\0o\0...", "A\0u...") A's users would be split in two; they are
 * compared together. */
static void test_nul_org_order(void) {
    sl_operators *o = sl_operators_new();
    sl_operators_measure(o, "x");
    add_n(o, "A", 1, 0, SL_OP_NAME, "s", 1, "x", 30);
    add_n(o, "A", 1, 0, SL_OP_NAME, "p1", 2, NULL, 100);
    add_n(o, "A", 1, 0, SL_OP_NAME, "p2", 2, NULL, 100);
    add_n(o, "A", 1, 0, SL_OP_USER_ID, "p3", 2, NULL, 100);
    add_n(o, "A\0o", 3, 0, SL_OP_NAME, "q", 1, NULL, 100);
    result r = finish(o);
    CHECK_INT(r.nf, 1);
    if (r.nf == 1) CHECK_INT(r.f[0].peers, 3);
    CHECK_INT(r.c[4].k.kind, SL_OP_USER_ID); /* A's four users, then "A\0o" */
    CHECK_INT(r.c[5].k.org_len, 3);
    sl_operators_free(o);
}

/* A dropped source's rows are forgotten, a kept one's added. */
static void test_staging(void) {
    sl_operators *o = sl_operators_new();
    sl_operators_measure(o, "x");
    sl_operators_open(o);
    user(o, "PD", "a", 10, "x", 5);
    CHECK_INT(sl_operators_close(o, 0), SL_OK);
    sl_operators_open(o);
    user(o, "PD", "a", 7, "x", 3);
    CHECK_INT(sl_operators_close(o, 1), SL_OK);
    user(o, "PD", "a", 1, NULL, 0); /* outside any source */
    result r = finish(o);
    CHECK_INT(r.nc, 2);
    CHECK_INT(r.c[0].rows, 8);
    CHECK_INT(r.c[1].rows, 3);
    CHECK(!sl_operators_gave_up(o));
    sl_operators_free(o);
}

/* Past the cap the counting stops, says so, and nothing is written or judged. */
static void test_cap(void) {
    sl_operators *o = sl_operators_new();
    sl_operators_measure(o, "x");
    char name[16];
    size_t i = 0;
    int ok = 1;
    for (; i <= SL_OPERATORS_CAP && !sl_operators_gave_up(o); i++) {
        snprintf(name, sizeof name, "u%zu", i);
        ok &= sl_operators_add(o, "PD", 2, 0, SL_OP_NAME, name, strlen(name), NULL, 0) == SL_OK;
    }
    CHECK(ok);
    CHECK(sl_operators_gave_up(o));
    CHECK_INT(i, SL_OPERATORS_CAP + 1);
    CHECK_INT(sl_operators_add(o, "PD", 2, 0, SL_OP_NAME, "late", 4, NULL, 0), SL_OK);
    sl_operators_open(o);
    CHECK_INT(sl_operators_close(o, 1), SL_OK);
    result r = finish(o);
    CHECK_INT(r.nc, 0);
    CHECK_INT(r.nf, 0);
    sl_operators_free(o);
}

/* Findings by p, then share; two organizations, two categories. */
static void test_order(void) {
    sl_operators *o = sl_operators_new();
    sl_operators_measure(o, "x");
    sl_operators_measure(o, "y");
    for (int org = 0; org < 2; org++) {
        const char *on = org ? "B PD" : "A PD";
        for (int i = 0; i < 4; i++) {
            char n[16];
            snprintf(n, sizeof n, "p%d", i);
            user(o, on, n, 100, NULL, 0);
        }
        /* in both: s never done by the others, at 40% (x) and 20% (y) of 100 rows */
        add(o, on, 4, SL_OP_NAME, "s", "x", 40);
        add(o, on, 4, SL_OP_NAME, "s", "y", 20);
        add(o, on, 4, SL_OP_NAME, "s", NULL, 40);
    }
    result r = finish(o);
    CHECK_INT(r.nf, 4);
    if (r.nf == 4) { /* all p = 0: the higher share first, then organization */
        CHECK(r.f[0].p_value == 0.0);
        CHECK_STR(r.f[0].k.category, "x");
        CHECK_MEM(r.f[0].k.org, r.f[0].k.org_len, "A PD");
        CHECK_STR(r.f[1].k.category, "x");
        CHECK_MEM(r.f[1].k.org, r.f[1].k.org_len, "B PD");
        CHECK_STR(r.f[2].k.category, "y");
        CHECK_MEM(r.f[2].k.org, r.f[2].k.org_len, "A PD");
        CHECK_STR(r.f[3].k.category, "y");
    }
    sl_operators_free(o);
}

int main(void) {
    test_tail();
    test_one_finding();
    test_edges();
    test_peer_rows();
    test_logs();
    test_nul();
    test_nul_org_order();
    test_staging();
    test_cap();
    test_order();
    TEST_END();
}
