/* test_counts.c: organization x month x category counts against a plain reference (every key
 * written out and summed): 30,000 rows over organizations of every length (empty, one byte,
 * longer than any buffer, with a NUL byte), unknown and negative times, categories passed
 * through a buffer whose text changes (the same pointer, another name), sources kept and
 * dropped; the sorted order is checked byte by byte. */
#include "../harness.h"
#include "counts.h"
#include "timeparse.h"

typedef struct {
    char *key; /* org \0 month \0 category */
    size_t len, olen, mlen;
    uint64_t rows;
} ref_cell;

typedef struct {
    ref_cell *c;
    size_t n, cap;
} ref_tab;

static void ref_add(ref_tab *r, const char *org, size_t ol, int64_t t, const char *cat) {
    char month[8] = "";
    if (t != SL_TIME_NONE) sl_time_month(t, month);
    size_t ml = strlen(month), cl = strlen(cat), len = ol + 1 + ml + 1 + cl;
    char *k = malloc(len + 1);
    memcpy(k, org, ol);
    k[ol] = '\0';
    memcpy(k + ol + 1, month, ml + 1);
    memcpy(k + ol + 1 + ml + 1, cat, cl + 1);
    for (size_t i = 0; i < r->n; i++)
        if (r->c[i].len == len && memcmp(r->c[i].key, k, len) == 0) {
            r->c[i].rows++;
            free(k);
            return;
        }
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 256;
        r->c = realloc(r->c, r->cap * sizeof *r->c);
    }
    r->c[r->n++] = (ref_cell){k, len, ol, ml, 1};
}

static int ref_cmp(const void *a, const void *b) {
    const ref_cell *x = a, *y = b;
    int c = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

static void ref_merge(ref_tab *into, ref_tab *from) {
    for (size_t i = 0; i < from->n; i++) {
        ref_cell *f = &from->c[i];
        size_t j = 0;
        while (j < into->n && !(into->c[j].len == f->len && memcmp(into->c[j].key, f->key, f->len) == 0)) j++;
        if (j < into->n) {
            into->c[j].rows += f->rows;
            free(f->key);
        } else {
            if (into->n == into->cap) {
                into->cap = into->cap ? into->cap * 2 : 256;
                into->c = realloc(into->c, into->cap * sizeof *into->c);
            }
            into->c[into->n++] = *f;
        }
    }
    from->n = 0;
}

static void ref_clear(ref_tab *r) {
    for (size_t i = 0; i < r->n; i++) free(r->c[i].key);
    r->n = 0;
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

int main(void) {
    static const char *const orgs[] = {"Springfield PD", "", "X", "Shelby County SO",
                                       "[Federal] HSI", "Org\0WithNul", "Ä Umlaut Sheriff"};
    static const size_t org_len[] = {14, 0, 1, 16, 13, 11, 17};
    char long_org[300];
    memset(long_org, 'L', sizeof long_org);
    static const char *const names[] = {"immigration", "civil_matters", "vague_or_no_purpose",
                                        "first_amendment", "", "a", "all"};
    sl_counts *c = sl_counts_new();
    CHECK(c != NULL);
    ref_tab run = {0}, pend = {0};
    char catbuf[32]; /* one pointer, changing names */
    int staging = 0, failed = 0;
    for (int i = 0; i < 30000; i++) {
        if (i % 3000 == 0) { /* a source ends (kept or dropped), another begins */
            if (staging) {
                int keep = (i / 3000) % 3 != 1;
                failed += sl_counts_close(c, keep) != SL_OK;
                if (keep) ref_merge(&run, &pend);
                else ref_clear(&pend);
            }
            staging = i < 27000; /* the last rows are counted outside any source */
            if (staging) sl_counts_open(c);
        }
        size_t o = next() % 8;
        const char *org = o == 7 ? long_org : orgs[o];
        size_t ol = o == 7 ? sizeof long_org : org_len[o];
        int64_t t;
        switch (next() % 6) {
        case 0: t = SL_TIME_NONE; break;
        case 1: t = -86400 * (int64_t)(next() % 1000) - 1; break; /* before 1970 */
        default: t = 1700000000 + (int64_t)(next() % 40000000); break;
        }
        const char *cats[4];
        size_t nc = next() % 4;
        for (size_t k = 0; k < nc; k++) {
            if (k == 0 && next() % 4 == 0) {
                snprintf(catbuf, sizeof catbuf, "%s", names[next() % 7]);
                cats[k] = catbuf;
            } else {
                cats[k] = names[next() % 7];
            }
            for (size_t j = 0; j < k; j++) /* distinct, as the scan passes them */
                if (strcmp(cats[j], cats[k]) == 0) cats[k] = "distinct_fill";
        }
        int all = next() % 5 != 0;
        failed += sl_counts_add(c, org, ol, t, cats, nc, all) != SL_OK;
        ref_tab *r = staging ? &pend : &run;
        if (all) ref_add(r, org, ol, t, "all");
        for (size_t k = 0; k < nc; k++) ref_add(r, org, ol, t, cats[k]);
    }
    CHECK_INT(failed, 0);
    qsort(run.c, run.n, sizeof *run.c, ref_cmp);
    const sl_count *got;
    size_t n;
    CHECK_INT(sl_counts_sorted(c, &got, &n), SL_OK);
    CHECK_INT(n, run.n);
    size_t bad = 0;
    for (size_t i = 0; i < n && i < run.n; i++) {
        const char *k = run.c[i].key;
        size_t ol = run.c[i].olen;
        const char *month = k + ol + 1, *cat = month + run.c[i].mlen + 1;
        if (got[i].org_len != ol || memcmp(got[i].org, k, ol) || strcmp(got[i].month, month) ||
            strcmp(got[i].category, cat) || got[i].rows != run.c[i].rows) {
            if (bad++ < 5)
                fprintf(stderr, "cell %zu: got %.*s|%s|%s|%llu, expected %s|%s|%s|%llu\n", i,
                        (int)got[i].org_len, got[i].org, got[i].month, got[i].category,
                        (unsigned long long)got[i].rows, k, month, cat, /* org up to a NUL */
                        (unsigned long long)run.c[i].rows);
        }
    }
    CHECK_INT(bad, 0);
    /* the reference saw long, empty and NUL-holding organizations, negative and unknown times */
    CHECK(run.n > 500);
    /* sorted twice: the same cells */
    const sl_count *again;
    size_t n2;
    CHECK_INT(sl_counts_sorted(c, &again, &n2), SL_OK);
    CHECK_INT(n2, n);
    ref_clear(&run);
    ref_clear(&pend);
    free(run.c);
    free(pend.c);
    sl_counts_free(c);

    /* empty counts: nothing sorted */
    c = sl_counts_new();
    CHECK_INT(sl_counts_sorted(c, &got, &n), SL_OK);
    CHECK_INT(n, 0);
    sl_counts_free(c);
    TEST_END();
}
