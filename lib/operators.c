/* operators.c: search rows counted by organization x user x category (lib/counts.c keyed by
 * the user instead of the month), then each user compared with the other users of their
 * organization. The comparison is made once, at the end, over the counts alone: no row is
 * kept. */
#include "operators.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sl_operators {
    sl_counts *c;         /* NULL once the cap was reached */
    int gave_up;
    char **measure;       /* categories compared */
    size_t nmeasure, capmeasure;
    sl_buf key;           /* kind byte (upper case in a log with no organization) + user */
    sl_op_count *counts;
    sl_op_finding *findings;
    size_t nfindings;
};

sl_operators *sl_operators_new(void) {
    sl_operators *o = calloc(1, sizeof *o);
    if (!o) return NULL;
    if (!(o->c = sl_counts_new())) {
        free(o);
        return NULL;
    }
    sl_counts_set_cap(o->c, SL_OPERATORS_CAP);
    return o;
}

void sl_operators_free(sl_operators *o) {
    if (!o) return;
    sl_counts_free(o->c);
    for (size_t i = 0; i < o->nmeasure; i++) free(o->measure[i]);
    free(o->measure);
    sl_buf_free(&o->key);
    free(o->counts);
    free(o->findings);
    free(o);
}

sl_status sl_operators_measure(sl_operators *o, const char *category) {
    for (size_t i = 0; i < o->nmeasure; i++)
        if (strcmp(o->measure[i], category) == 0) return SL_OK;
    if (o->nmeasure == o->capmeasure) {
        size_t ncap = o->capmeasure ? o->capmeasure * 2 : 16;
        char **n = realloc(o->measure, ncap * sizeof *n);
        if (!n) return SL_ENOMEM;
        o->measure = n;
        o->capmeasure = ncap;
    }
    if (!(o->measure[o->nmeasure] = sl_strdup(category))) return SL_ENOMEM;
    o->nmeasure++;
    return SL_OK;
}

static void give_up(sl_operators *o) {
    o->gave_up = 1;
    sl_counts_free(o->c); /* the memory it held goes back at once */
    o->c = NULL;
}

sl_status sl_operators_add(sl_operators *o, const char *org, size_t org_len, int in_log,
                           sl_op_kind kind, const char *user, size_t user_len,
                           const char *const *cats, size_t ncats) {
    if (!o->c) return SL_OK;
    sl_buf *k = &o->key;
    sl_buf_reset(k);
    /* 'N', 'U' for a log's users: never the same group as an organization of that name */
    sl_status rc = sl_buf_putc(k, (char)(in_log ? kind - 'a' + 'A' : kind));
    if (!rc && user_len) rc = sl_buf_append(k, user, user_len);
    if (!rc) rc = sl_counts_add_pair(o->c, org, org_len, k->p, k->len, cats, ncats, 1);
    if (rc == SL_ELIMIT) {
        give_up(o);
        rc = SL_OK;
    }
    return rc;
}

void sl_operators_open(sl_operators *o) {
    if (o->c) sl_counts_open(o->c);
}

sl_status sl_operators_close(sl_operators *o, int keep) {
    if (!o->c) return SL_OK;
    sl_status rc = sl_counts_close(o->c, keep);
    if (rc == SL_ELIMIT) {
        give_up(o);
        rc = SL_OK;
    }
    return rc;
}

int sl_operators_gave_up(const sl_operators *o) { return o->gave_up; }

double sl_binomial_tail(uint64_t n, uint64_t k, double p) {
    if (k == 0) return 1.0;
    if (k > n || p <= 0.0) return 0.0;
    if (p >= 1.0) return 1.0;
    const double dn = (double)n, dk = (double)k;
    /* the first term in logs, then the others relative to it */
    const double first = lgamma(dn + 1) - lgamma(dk + 1) - lgamma(dn - dk + 1) + dk * log(p) +
                         (dn - dk) * log1p(-p);
    const double r = p / (1.0 - p);
    double sum = 1.0, t = 1.0;
    for (uint64_t i = k; i < n; i++) {
        t *= (double)(n - i) / (double)(i + 1) * r;
        sum += t;
        if (t < sum * 1e-16) break;
    }
    const double v = exp(first + log(sum));
    return v > 1.0 ? 1.0 : v;
}

/* Three significant digits: the last bits of lgamma and exp are the C library's, not ours. */
static double round3(double v) {
    char b[32];
    snprintf(b, sizeof b, "%.3g", v);
    return strtod(b, NULL);
}

static int same_org(const sl_op_key *a, const sl_op_key *b) {
    return a->in_log == b->in_log && a->org_len == b->org_len &&
           memcmp(a->org, b->org, a->org_len) == 0;
}

static int same_user(const sl_op_key *a, const sl_op_key *b) {
    return same_org(a, b) && a->kind == b->kind && a->user_len == b->user_len &&
           memcmp(a->user, b->user, a->user_len) == 0;
}


/* Organization (a log first), kind, user, category: an organization's cells together even when
 * its name holds a NUL byte, which sl_counts_sorted's order of whole keys does not promise. */
static int cmp_key(const sl_op_key *a, const sl_op_key *b) {
    int r = sl_cmp_bytes(a->org, a->org_len, b->org, b->org_len);
    if (r) return r;
    if (a->in_log != b->in_log) return b->in_log - a->in_log;
    if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
    if ((r = sl_cmp_bytes(a->user, a->user_len, b->user, b->user_len))) return r;
    return strcmp(a->category, b->category);
}

static int cmp_count(const void *a, const void *b) {
    return cmp_key(&((const sl_op_count *)a)->k, &((const sl_op_count *)b)->k);
}

static int cmp_finding(const void *pa, const void *pb) {
    const sl_op_finding *a = pa, *b = pb;
    if (a->p_value != b->p_value) return a->p_value < b->p_value ? -1 : 1;
    /* higher share first, compared exactly: hits/rows against hits/rows */
    const unsigned __int128 x = (unsigned __int128)a->hits * b->rows;
    const unsigned __int128 y = (unsigned __int128)b->hits * a->rows;
    if (x != y) return x > y ? -1 : 1;
    return cmp_key(&a->k, &b->k);
}

/* The index of category in the measured list, or -1. */
static long measure_of(const sl_operators *o, const char *category) {
    for (size_t i = 0; i < o->nmeasure; i++)
        if (strcmp(o->measure[i], category) == 0) return (long)i;
    return -1;
}

/* The candidates of one organization's cells [a, b): every user tested against the others. */
static sl_status judge_org(sl_operators *o, const sl_op_count *a, const sl_op_count *b,
                           uint64_t *org_hits, size_t *cap, uint64_t *tests) {
    /* the organization's rows, users and rows per measured category */
    uint64_t org_rows = 0, users = 0;
    memset(org_hits, 0, o->nmeasure * sizeof *org_hits);
    for (const sl_op_count *c = a; c < b; c++) {
        if (strcmp(c->k.category, "all") == 0) {
            org_rows += c->rows;
            users++;
            continue;
        }
        long m = measure_of(o, c->k.category);
        if (m >= 0) org_hits[m] += c->rows;
    }
    if (users < SL_OP_MIN_PEERS + 1) return SL_OK;
    for (const sl_op_count *u = a; u < b;) {
        const sl_op_count *e = u;
        while (e < b && same_user(&u->k, &e->k)) e++;
        uint64_t rows = 0;
        for (const sl_op_count *c = u; c < e; c++)
            if (strcmp(c->k.category, "all") == 0) rows = c->rows;
        if (rows < SL_OP_MIN_ROWS || org_rows - rows < SL_OP_MIN_PEER_ROWS) {
            u = e;
            continue;
        }
        *tests += o->nmeasure;
        for (const sl_op_count *c = u; c < e; c++) {
            long m = measure_of(o, c->k.category);
            if (m < 0 || c->rows < SL_OP_MIN_HITS) continue;
            const uint64_t k = c->rows, peer_rows = org_rows - rows, peer_hits = org_hits[m] - k;
            const double p0 = (double)peer_hits / (double)peer_rows;
            /* k / rows >= RATIO * p0, without dividing */
            if ((double)k * (double)peer_rows < SL_OP_RATIO * (double)peer_hits * (double)rows)
                continue;
            if (o->nfindings == *cap) {
                size_t ncap = *cap ? *cap * 2 : 64;
                sl_op_finding *n = realloc(o->findings, ncap * sizeof *n);
                if (!n) return SL_ENOMEM;
                o->findings = n;
                *cap = ncap;
            }
            o->findings[o->nfindings++] = (sl_op_finding){
                c->k, rows, k, users - 1, peer_rows, peer_hits, sl_binomial_tail(rows, k, p0)};
        }
        u = e;
    }
    return SL_OK;
}

sl_status sl_operators_finish(sl_operators *o, const sl_op_count **counts, size_t *ncounts,
                              const sl_op_finding **findings, size_t *nfindings,
                              uint64_t *tests) {
    *counts = NULL;
    *findings = NULL;
    *ncounts = *nfindings = 0;
    *tests = 0;
    free(o->counts);
    free(o->findings);
    o->counts = NULL;
    o->findings = NULL;
    o->nfindings = 0;
    if (!o->c) return SL_OK;
    const sl_count *cells;
    size_t n;
    sl_status rc = sl_counts_sorted(o->c, &cells, &n);
    if (rc || !n) return rc;
    if (!(o->counts = malloc(n * sizeof *o->counts))) return SL_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *second = cells[i].month; /* the kind's byte, then the user */
        const int in_log = second[0] >= 'A' && second[0] <= 'Z';
        o->counts[i] = (sl_op_count){{cells[i].org, cells[i].org_len, in_log,
                                      (sl_op_kind)(in_log ? second[0] - 'A' + 'a' : second[0]),
                                      second + 1, cells[i].month_len - 1, cells[i].category},
                                     cells[i].rows};
    }
    qsort(o->counts, n, sizeof *o->counts, cmp_count);
    uint64_t *org_hits = calloc(o->nmeasure ? o->nmeasure : 1, sizeof *org_hits);
    if (!org_hits) return SL_ENOMEM;
    size_t cap = 0;
    for (size_t i = 0; !rc && i < n;) {
        size_t j = i;
        while (j < n && same_org(&o->counts[i].k, &o->counts[j].k)) j++;
        rc = judge_org(o, o->counts + i, o->counts + j, org_hits, &cap, tests);
        i = j;
    }
    free(org_hits);
    if (rc) return rc;
    /* Bonferroni over every (user, category) pair tested */
    const double bar = *tests ? SL_OP_ALPHA / (double)*tests : 0.0;
    size_t kept = 0;
    for (size_t i = 0; i < o->nfindings; i++) {
        if (o->findings[i].p_value > bar) continue;
        o->findings[kept] = o->findings[i];
        o->findings[kept].p_value = round3(o->findings[kept].p_value);
        kept++;
    }
    o->nfindings = kept;
    if (kept) qsort(o->findings, kept, sizeof *o->findings, cmp_finding);
    *counts = o->counts;
    *ncounts = n;
    *findings = o->findings;
    *nfindings = kept;
    return SL_OK;
}
