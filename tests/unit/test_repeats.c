/* test_repeats.c: one user, one plate, many searches (lib/repeats.c). Each rule of a finding at
 * its edge (searches, days), pairs sharing the first pass's slots, one search in two logs
 * counted once, searches in many logs (kept by their searches, not their rows), plates
 * normalised and refused (wildcards, too long, no letter or digit), rows without a time,
 * users kept apart (organizations, logs, names with NUL bytes), case numbers,
 * per-source staging in memory and after a spill, the same findings whatever the memory
 * budget, the order, the cap, and a spill file that cannot be made. */
#include "../harness.h"
#include "repeats.h"
#include "timeparse.h"

#include <errno.h>
#include <unistd.h>

#define DAY 86400
#define T0 INT64_C(1756684800) /* 2025-09-01T00:00:00Z */

static char dir[64];
static sl_key *key;

static sl_repeats *fresh(size_t memory) {
    char prefix[128];
    snprintf(prefix, sizeof prefix, "%s/db", dir);
    sl_repeats *r = sl_repeats_new(prefix);
    CHECK(r != NULL);
    if (r && memory) sl_repeats_set_memory(r, memory * 64);
    return r;
}

static sl_op_key who(const char *org, const char *user) {
    sl_op_key k = {org, strlen(org), 0, SL_OP_NAME, user, strlen(user), NULL};
    return k;
}

/* A row with a case number cs, a reason rs (NULL: none) and flagged or not. */
static void add_full(sl_repeats *r, const sl_op_key *w, const char *plate, int64_t t,
                     const char *cs, const char *rs, int flagged, uint32_t source,
                     uint64_t record) {
    const sl_repeat_what x = {cs, rs, cs ? strlen(cs) : 0, rs ? strlen(rs) : 0, flagged,
                              source, record, record + 1};
    sl_status rc = sl_repeats_add(r, w, plate, strlen(plate), t, &x);
    if (rc) CHECK_INT(rc, SL_OK); /* counted when it fails only: thousands of rows per test */
}

static void add(sl_repeats *r, const sl_op_key *w, const char *plate, int64_t t, const char *cs,
                uint32_t source, uint64_t record) {
    add_full(r, w, plate, t, cs, NULL, 0, source, record);
}

/* n searches of plate by w, one every hour from t, spread over days days. */
static void searches(sl_repeats *r, const sl_op_key *w, const char *plate, int n, int days,
                     int64_t t, uint32_t source) {
    for (int i = 0; i < n; i++)
        add(r, w, plate, t + (int64_t)(i % days) * DAY + 3600 * (i / days), NULL, source,
            (uint64_t)i + 2);
}

typedef struct {
    const sl_repeat *f;
    size_t nf;
    const sl_repeat_row *rows;
    size_t nrows;
    sl_repeats_seen seen;
} result;

static result finish(sl_repeats *r) {
    result x;
    CHECK_INT(sl_repeats_finish(r, key, &x.f, &x.nf, &x.rows, &x.nrows, &x.seen), SL_OK);
    return x;
}

static void token_of(const char *plate, char out[SL_TOKEN_LEN + 1]) {
    CHECK(sl_plate_token(key, plate, strlen(plate), out) > 0);
}

static void test_one(void) {
    sl_repeats *r = fresh(0);
    sl_op_key a = who("Alder PD", "Ann Lee");
    searches(r, &a, "abc-123", 10, 3, T0, 1);
    result x = finish(r);
    CHECK_INT(x.nf, 1);
    CHECK_INT(x.seen.rows, 10);
    if (x.nf == 1) {
        char tok[SL_TOKEN_LEN + 1];
        token_of("ABC123", tok);
        CHECK_STR(x.f[0].token, tok);
        CHECK_MEM(x.f[0].k.org, x.f[0].k.org_len, "Alder PD");
        CHECK_MEM(x.f[0].k.user, x.f[0].k.user_len, "Ann Lee");
        CHECK_INT(x.f[0].k.kind, SL_OP_NAME);
        CHECK(x.f[0].k.category == NULL);
        CHECK_INT(x.f[0].reasons, 0);
        CHECK_INT(x.f[0].no_reason, 10);
        CHECK_INT(x.f[0].flagged, 0);
        CHECK_INT(x.f[0].searches, 10);
        CHECK_INT(x.f[0].rows, 10);
        CHECK_INT(x.f[0].days, 3);
        CHECK_INT(x.f[0].with_case, 0);
        CHECK_INT(x.f[0].cases, 0);
        CHECK_INT(x.f[0].first, T0);
        CHECK_INT(x.f[0].last, T0 + 2 * DAY + 2 * 3600);
        CHECK_INT(x.f[0].nrows, 10);
        int sorted = 1;
        for (size_t i = 1; i < x.nrows; i++) sorted &= x.rows[i - 1].t <= x.rows[i].t;
        CHECK(sorted);
    }
    sl_repeats_free(r);
}

static void test_edges(void) {
    sl_repeats *r = fresh(0);
    sl_op_key a = who("A PD", "nine"), b = who("A PD", "two days"), c = who("A PD", "ten");
    searches(r, &a, "AAA111", 9, 9, T0, 1);    /* nine searches on nine days */
    searches(r, &b, "BBB222", 40, 2, T0, 1);   /* forty on two days: a burst */
    searches(r, &c, "CCC333", 10, 3, T0, 1);   /* the edge of both */
    /* midnight: 23:59:59 and 00:00:00 are two days */
    sl_op_key d = who("A PD", "midnight");
    add(r, &d, "DDD444", T0 + DAY - 1, NULL, 1, 2);
    for (int i = 0; i < 8; i++) add(r, &d, "DDD444", T0 + DAY + i, NULL, 1, 3);
    add(r, &d, "DDD444", T0 + 2 * DAY, NULL, 1, 4);
    result x = finish(r);
    CHECK_INT(x.nf, 2);
    if (x.nf == 2) {
        /* the same numbers (10 searches, 3 days, 10 rows): by user */
        CHECK_MEM(x.f[0].k.user, x.f[0].k.user_len, "midnight");
        CHECK_INT(x.f[0].days, 3);
        CHECK_INT(x.f[0].searches, 10);
        CHECK_INT(x.f[0].rows, 10);
        CHECK_MEM(x.f[1].k.user, x.f[1].k.user_len, "ten");
    }
    sl_repeats_free(r);
}

/* Many small pairs share the first pass's slots (1,024 for up to 512 rows, more after): their
 * rows add up there, and the exact count must still keep them apart. */
static void test_crowd(void) {
    sl_repeats *r = fresh(0);
    sl_op_key a = who("A PD", "Ann");
    char p[16];
    for (int i = 0; i < 3000; i++) {
        snprintf(p, sizeof p, "CR%04d", i);
        searches(r, &a, p, 9, 3, T0 + i, 1);
    }
    searches(r, &a, "CR9999", 10, 3, T0, 1);
    result x = finish(r);
    CHECK_INT(x.seen.rows, 3000 * 9 + 10);
    CHECK_INT(x.nf, 1);
    if (x.nf == 1) {
        char tok[SL_TOKEN_LEN + 1];
        token_of("CR9999", tok);
        CHECK_STR(x.f[0].token, tok);
        CHECK_INT(x.f[0].searches, 10);
    }
    sl_repeats_free(r);
}

/* One search in an organization audit and a network audit: two rows, one search. */
static void test_two_logs(void) {
    sl_repeats *r = fresh(0);
    sl_op_key a = who("A PD", "Ann");
    searches(r, &a, "XYZ789", 9, 3, T0, 1);
    searches(r, &a, "xyz 789", 9, 3, T0, 2); /* the same nine, written otherwise */
    result x = finish(r);
    CHECK_INT(x.nf, 0); /* 18 rows, 9 searches */
    CHECK_INT(x.seen.rows, 18);
    sl_repeats_free(r);
    r = fresh(0);
    searches(r, &a, "XYZ789", 10, 3, T0, 2);
    searches(r, &a, "XYZ-789", 10, 3, T0, 1);
    x = finish(r);
    CHECK_INT(x.nf, 1);
    if (x.nf == 1) {
        CHECK_INT(x.f[0].searches, 10);
        CHECK_INT(x.f[0].rows, 20);
        /* rows by time, then source, then record */
        CHECK_INT(x.rows[0].source, 1);
        CHECK_INT(x.rows[1].source, 2);
        CHECK_INT(x.rows[0].t, x.rows[1].t);
        CHECK_INT(x.rows[0].record, 2);
        CHECK_INT(x.rows[0].line, 3);
    }
    sl_repeats_free(r);
}

/* Searches seen in many logs (a collection of agencies' audits): a pair of 10 searches in 3
 * logs each is a finding of 10 searches and 30 rows; a pair of 9 searches in 5 logs (45 rows)
 * and 200 pairs of one search in 60 logs each are none; in memory and spilled alike. */
static void test_copies(size_t memory) {
    sl_repeats *r = fresh(memory);
    sl_op_key a = who("A PD", "Ann"), b = who("A PD", "Bob");
    for (uint32_t src = 1; src <= 3; src++) searches(r, &a, "ABC123", 10, 3, T0, src);
    for (uint32_t src = 1; src <= 5; src++) searches(r, &a, "DEF456", 9, 3, T0, src);
    char plate[16];
    for (int i = 0; i < 200; i++) {
        snprintf(plate, sizeof plate, "W%04dZ", i);
        for (uint32_t src = 1; src <= 60; src++)
            add(r, &b, plate, T0 + 7 * (int64_t)i, NULL, src, (uint64_t)i + 2);
    }
    result x = finish(r);
    CHECK_INT(x.seen.rows, 30 + 45 + 200 * 60);
    CHECK_INT(x.nf, 1);
    if (x.nf == 1) {
        char tok[SL_TOKEN_LEN + 1];
        token_of("ABC123", tok);
        CHECK_STR(x.f[0].token, tok);
        CHECK_INT(x.f[0].searches, 10);
        CHECK_INT(x.f[0].rows, 30);
        CHECK_INT(x.f[0].days, 3);
        CHECK_INT(x.nrows, 30);
    }
    sl_repeats_free(r);
}

/* Plates that are not kept, and rows without a time. */
static void test_refused(void) {
    sl_repeats *r = fresh(0);
    sl_op_key a = who("A PD", "Ann");
    searches(r, &a, "AB*123", 12, 4, T0, 1);            /* a wildcard pattern */
    searches(r, &a, "AB?123", 12, 4, T0, 1);
    searches(r, &a, "ABCDEFGHIJKLMNO", 12, 4, T0, 1);   /* 15: not one plate */
    searches(r, &a, "- / -", 12, 4, T0, 1);             /* no letter or digit */
    searches(r, &a, "7-", 12, 4, T0, 1);                /* one */
    for (int i = 0; i < 12; i++) add(r, &a, "NOTIME1", SL_TIME_NONE, NULL, 1, 2);
    result x = finish(r);
    CHECK_INT(x.nf, 0);
    CHECK_INT(x.seen.rows, 0);
    sl_repeats_free(r);
    r = fresh(0);
    searches(r, &a, "ABCDEFGHIJKLMN", 12, 4, T0, 1);  /* 14: kept */
    searches(r, &a, "7Q", 12, 4, T0, 1);              /* two: kept */
    x = finish(r);
    CHECK_INT(x.nf, 2);
    sl_repeats_free(r);
}

/* Users apart: another user, another organization, a log named as an organization, user id
 * against name, names differing after a NUL byte. */
static void test_users_apart(void) {
    sl_repeats *r = fresh(0);
    static const char n1[] = "Ann\0X", n2[] = "Ann\0Y";
    sl_op_key k[6] = {who("A PD", "Ann"), who("A PD", "Bob"), who("B PD", "Ann"),
                      who("A PD", "Ann"), who("A PD", "Ann"), who("A PD", "Ann")};
    k[3].in_log = 1;
    k[4].kind = SL_OP_USER_ID;
    k[5].user = n1;
    k[5].user_len = sizeof n1 - 1;
    for (int i = 0; i < 6; i++) searches(r, &k[i], "PLT100", 5, 3, T0 + i, 1);
    sl_op_key k6 = k[5];
    k6.user = n2;
    searches(r, &k6, "PLT100", 5, 3, T0 + 7, 1);
    result x = finish(r);
    CHECK_INT(x.nf, 0);
    sl_repeats_free(r);
    r = fresh(0);
    searches(r, &k[5], "PLT100", 10, 3, T0, 1);
    x = finish(r);
    CHECK_INT(x.nf, 1);
    if (x.nf == 1) CHECK_INT(x.f[0].k.user_len, 5); /* the NUL and what follows kept */
    sl_repeats_free(r);
}

static void test_cases(void) {
    sl_repeats *r = fresh(0);
    sl_op_key a = who("A PD", "Ann");
    /* 12 searches: 6 with case 25-100 (in two spellings of case), 2 with 25-200, 4 without;
     * one search's second copy has no case number but the search still has one */
    for (int i = 0; i < 12; i++) {
        const char *cs = i < 3 ? "25-100" : i < 6 ? "25-100 " : i < 8 ? "25-200" : NULL;
        if (i == 4) cs = "25-abc";
        add(r, &a, "CAS123", T0 + (i % 4) * DAY + i, cs, 1, (uint64_t)i + 2);
    }
    add(r, &a, "CAS123", T0 + 0 * DAY + 0, NULL, 2, 9);
    result x = finish(r);
    CHECK_INT(x.nf, 1);
    if (x.nf == 1) {
        CHECK_INT(x.f[0].searches, 12);
        CHECK_INT(x.f[0].rows, 13);
        CHECK_INT(x.f[0].with_case, 8);
        /* "25-100" (with a trailing space too), "25-abc", "25-200" */
        CHECK_INT(x.f[0].cases, 3);
    }
    sl_repeats_free(r);
    r = fresh(0);
    for (int i = 0; i < 10; i++)
        add(r, &a, "CAS123", T0 + (i % 3) * DAY + i, i % 2 ? "SO25-1" : "so25-1", 1, 2);
    x = finish(r);
    CHECK_INT(x.nf, 1);
    if (x.nf == 1) CHECK_INT(x.f[0].cases, 1); /* compared without case */
    sl_repeats_free(r);
}

/* Reasons and flags, by search: a search whose copies differ (one flagged, one with a reason
 * the other lacks) counts once, with what any of its rows holds. */
static void test_reasons(void) {
    sl_repeats *r = fresh(0);
    sl_op_key a = who("A PD", "Ann");
    static const char *const rs[12] = {"inv", "INV ", " inv", "Inv", "stolen car", "stolen car",
                                       NULL, NULL, "check", "inv", NULL, "check"};
    for (int i = 0; i < 12; i++)
        add_full(r, &a, "RSN123", T0 + (i % 3) * DAY + i, NULL, rs[i], i < 2, 1, (uint64_t)i + 2);
    /* the second copies of searches 6 and 10, with a reason and flagged */
    add_full(r, &a, "RSN123", T0 + 0 * DAY + 6, NULL, "personal", 1, 2, 8);
    add_full(r, &a, "RSN123", T0 + 1 * DAY + 10, NULL, NULL, 1, 2, 12);
    result x = finish(r);
    CHECK_INT(x.nf, 1);
    if (x.nf == 1) {
        CHECK_INT(x.f[0].searches, 12);
        CHECK_INT(x.f[0].rows, 14);
        CHECK_INT(x.f[0].reasons, 4);   /* inv, stolen car, check, personal */
        CHECK_INT(x.f[0].no_reason, 2); /* searches 7 and 10 */
        CHECK_INT(x.f[0].flagged, 4);   /* searches 0, 1, 6, 10 */
    }
    sl_repeats_free(r);
}

/* Reasons compared without case, eight bytes at a time: only A-Z change, not the bytes beside
 * them ('@' before A, '[' after Z) nor bytes past 0x7f. */
static void test_reason_case(void) {
    sl_repeats *r = fresh(0);
    sl_op_key a = who("A PD", "Ann");
    static const char *const rs[12] = {
        "Stolen Vehicle Recovery", "stolen vehicle recovery", "STOLEN VEHICLE RECOVERY", /* 1 */
        "stolen vehicle recoverz",                                                       /* 2 */
        "AB@[CD@[ef", "ab@[cd@[EF",                                                      /* 3 */
        "ab`{cd`{ef",                                                                    /* 4 */
        "caf\xc3\xa9 visit", "CAF\xc3\xa9 VISIT",                                        /* 5 */
        "CAF\xc3\x89 VISIT",                                                               /* 6 */
        "ZZZZZZZZAAAAAAAA", "zzzzzzzzaaaaaaaa"};                                         /* 7 */
    for (int i = 0; i < 12; i++)
        add_full(r, &a, "CAS777", T0 + (i % 3) * DAY + i, NULL, rs[i], 0, 1, (uint64_t)i + 2);
    result x = finish(r);
    CHECK_INT(x.nf, 1);
    if (x.nf == 1) CHECK_INT(x.f[0].reasons, 7);
    sl_repeats_free(r);
}

/* A duplicate source is left out, whether its rows are still in memory or already spilled. */
static void test_staging(size_t memory) {
    sl_repeats *r = fresh(memory);
    sl_op_key a = who("A PD", "Ann");
    sl_repeats_open(r);
    searches(r, &a, "STG100", 6, 3, T0, 1);
    CHECK_INT(sl_repeats_close(r, 1), SL_OK);
    sl_repeats_open(r);
    searches(r, &a, "STG100", 6, 3, T0 + 100, 2); /* a duplicate: dropped */
    CHECK_INT(sl_repeats_close(r, 0), SL_OK);
    sl_repeats_open(r);
    searches(r, &a, "STG100", 3, 3, T0 + 200, 3);
    CHECK_INT(sl_repeats_close(r, 1), SL_OK);
    result x = finish(r);
    CHECK_INT(x.nf, 0); /* 9 searches kept */
    CHECK_INT(x.seen.rows, 9);
    sl_repeats_free(r);
    r = fresh(memory);
    sl_repeats_open(r);
    searches(r, &a, "STG100", 6, 3, T0, 1);
    CHECK_INT(sl_repeats_close(r, 1), SL_OK);
    sl_repeats_open(r);
    searches(r, &a, "STG100", 4, 3, T0 + 300, 3);
    CHECK_INT(sl_repeats_close(r, 1), SL_OK);
    x = finish(r);
    CHECK_INT(x.nf, 1);
    if (x.nf == 1) CHECK_INT(x.f[0].searches, 10);
    sl_repeats_free(r);
}

/* The same rows, in memory and through the spill files: the same findings, byte for byte. */
static void test_spill_same(void) {
    sl_repeats *m = fresh(0), *s = fresh(7);
    uint64_t st = 12345;
    char plates[40][16];
    for (int i = 0; i < 40; i++) snprintf(plates[i], sizeof plates[i], "P%03dX", i);
    const char *users[5] = {"Ann", "Bob", "Cy", "Di", "Ed"};
    for (int i = 0; i < 3000; i++) {
        st = st * 6364136223846793005u + 1442695040888963407u;
        uint32_t v = (uint32_t)(st >> 33);
        sl_op_key w = who(v % 7 ? "A PD" : "B SO", users[v % 5]);
        const char *p = plates[(v >> 3) % ((v >> 20) % 4 ? 40 : 3)]; /* three plates often */
        int64_t t = T0 + (int64_t)((v >> 8) % (60 * DAY)) / 600 * 600;
        const char *cs = v % 3 ? NULL : (v >> 11) % 2 ? "C1" : "C2";
        add(m, &w, p, t, cs, 1 + (v >> 12) % 4, (uint64_t)i + 2);
        add(s, &w, p, t, cs, 1 + (v >> 12) % 4, (uint64_t)i + 2);
    }
    result a = finish(m), b = finish(s);
    CHECK(a.nf > 3);
    CHECK_INT(a.nf, b.nf);
    CHECK_INT(a.nrows, b.nrows);
    CHECK_INT(a.seen.rows, b.seen.rows);
    int same = a.nf == b.nf && a.nrows == b.nrows;
    for (size_t i = 0; same && i < a.nf; i++) {
        const sl_repeat *x = &a.f[i], *y = &b.f[i];
        same = !strcmp(x->token, y->token) && x->searches == y->searches && x->rows == y->rows &&
               x->days == y->days && x->with_case == y->with_case && x->cases == y->cases &&
               x->first == y->first && x->last == y->last && x->nrows == y->nrows &&
               x->k.user_len == y->k.user_len && !memcmp(x->k.user, y->k.user, x->k.user_len) &&
               x->k.org_len == y->k.org_len && !memcmp(x->k.org, y->k.org, x->k.org_len);
        for (size_t j = 0; same && j < x->nrows; j++) {
            const sl_repeat_row *p = &a.rows[x->row0 + j], *q = &b.rows[y->row0 + j];
            same = p->source == q->source && p->record == q->record && p->line == q->line &&
                   p->t == q->t;
        }
    }
    CHECK(same);
    /* the order: searches, then days, then rows */
    int ordered = 1;
    for (size_t i = 1; i < a.nf; i++) {
        const sl_repeat *x = &a.f[i - 1], *y = &a.f[i];
        ordered &= x->searches > y->searches ||
                   (x->searches == y->searches && (x->days > y->days ||
                                                   (x->days == y->days && x->rows >= y->rows)));
    }
    CHECK(ordered);
    sl_repeats_free(m);
    sl_repeats_free(s);
    /* nothing left beside the database: the spill files were removed when opened */
    char p0[128];
    snprintf(p0, sizeof p0, "%s/db-plates-0", dir);
    CHECK(access(p0, F_OK) != 0);
}

/* Past the users' cap: nothing is counted, and the rows' memory goes back. */
static void test_cap(void) {
    sl_repeats *r = fresh(0);
    sl_op_key a = who("A PD", "Ann");
    searches(r, &a, "CAP100", 10, 3, T0, 1);
    char name[16];
    int ok = 1;
    for (uint32_t i = 0; i <= SL_REPEATS_USERS_CAP; i++) {
        snprintf(name, sizeof name, "u%u", i);
        sl_op_key w = who("A PD", name);
        const sl_repeat_what x = {NULL, NULL, 0, 0, 0, 1, 2, 3};
        ok &= sl_repeats_add(r, &w, "CAP200", 6, T0, &x) == SL_OK;
    }
    CHECK(ok);
    CHECK_INT(sl_repeats_gave_up(r), SL_REPEATS_TOO_MANY_USERS);
    result x = finish(r);
    CHECK_INT(x.nf, 0);
    CHECK_INT(x.seen.rows, 0);
    /* a second finish is refused */
    CHECK_INT(sl_repeats_finish(r, key, &x.f, &x.nf, &x.rows, &x.nrows, &x.seen), SL_EINTERNAL);
    sl_repeats_free(r);
}

/* A spill file that cannot be made: the counting gives up, says why, and the scan goes on. */
static void test_spill_fails(void) {
    sl_repeats *r = sl_repeats_new("/nonexistent-sunlight-dir/db");
    sl_repeats_set_memory(r, 64);
    sl_op_key a = who("A PD", "Ann");
    CHECK_INT(sl_repeats_gave_up(r), SL_REPEATS_COUNTING);
    searches(r, &a, "ABC123", 12, 4, T0, 1);
    CHECK_INT(sl_repeats_gave_up(r), SL_REPEATS_SPILL_FAILED);
    CHECK_INT(sl_repeats_spill_errno(r), ENOENT);
    result x = finish(r);
    CHECK_INT(x.nf, 0);
    CHECK_INT(x.seen.rows, 0);
    sl_repeats_free(r);
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/sl_test_repeats_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char kp[128], err[256];
    snprintf(kp, sizeof kp, "%s/key", dir);
    CHECK_INT(sl_key_open(&key, kp, NULL, err, sizeof err), SL_OK);
    if (key) {
        test_one();
        test_edges();
        test_crowd();
        test_two_logs();
        test_copies(0);
        test_copies(100); /* spilled */
        test_refused();
        test_users_apart();
        test_cases();
        test_reasons();
        test_reason_case();
        test_staging(0);
        test_staging(2);
        test_spill_same();
        test_cap();
        test_spill_fails();
    }
    sl_key_free(key);
    unlink(kp);
    rmdir(dir);
    TEST_END();
}
