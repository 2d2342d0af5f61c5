/* release.c: checks over the whole release once every source is read: truncation, periods,
 * overlaps, file-name dates, duplicate and re-released content, producers. Works on per-source
 * summaries only (no rows), so it costs nothing next to reading. */
#include "release.h"
#include "timeparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400
#define CUT_SLACK (36 * 3600) /* monthly files cut at local midnight, in any US zone */

/* ---- fingerprints ----------------------------------------------------------------------- */

/* FNV-1a's basis and prime, and the final mix. The hashes are stored (fingerprints in the
 * database), so every function below must give sl_hash64's values exactly; the row functions
 * only avoid copying bytes into a buffer before hashing them. */
#define FNV_BASIS SL_FNV_BASIS
#define FNV_PRIME SL_FNV_PRIME

static inline uint64_t fnv_mix(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

uint64_t sl_hash64(const void *p, size_t n, uint64_t seed) {
    const unsigned char *b = p;
    uint64_t h = FNV_BASIS ^ seed;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= FNV_PRIME;
    }
    return fnv_mix(h);
}

static uint64_t mix_i64(uint64_t h, int64_t v) { return sl_hash64(&v, sizeof v, h); }

/* Organization names compared lower-cased with white space runs collapsed (at most 256 bytes
 * of the collapsed text count, as when it was built in a buffer first). */
static uint64_t hash_org(const sl_cell *c, uint64_t seed) {
    uint64_t h = FNV_BASIS ^ seed;
    size_t n = 0;
    int sp = 0;
    for (size_t i = 0; i < c->len && n < 256; i++) {
        unsigned char ch = (unsigned char)c->p[i];
        if (sl_isspace(ch)) { sp = 1; continue; }
        if (sp && n) {
            h = (h ^ ' ') * FNV_PRIME;
            n++;
        }
        sp = 0;
        if (n < 256) {
            h = (h ^ sl_tolower(ch)) * FNV_PRIME;
            n++;
        }
    }
    return fnv_mix(h);
}

uint64_t sl_row_key(const sl_search *q) {
    uint64_t h;
    const sl_cell *id = &q->f[SL_F_ID];
    if (id->st == SL_CELL_VALUE && id->len) {
        /* The first 64 bytes of the id, lower-cased; sl_search_from_row may have hashed
         * them already (key_early, for this very cell). */
        size_t n = id->len < 64 ? id->len : 64;
        if (q->key_early_p && q->key_early_p == id->p && n == id->len)
            h = fnv_mix(q->key_early);
        else
            h = fnv_mix(sl_fnv1a_lower(FNV_BASIS ^ 1, id->p, n));
    } else {
        h = hash_org(&q->f[SL_F_ORG], 2);
        h = mix_i64(h, q->search_time);
        h = mix_i64(h, q->networks);
        h = mix_i64(h, q->tf_start);
        h = mix_i64(h, q->tf_end);
    }
    return h ? h : 1;
}

/* Keeps key when it is among the SL_SKETCH_K smallest distinct keys seen (mins is a max-heap:
 * once full, almost every key is refused by one comparison with the largest). */
static void sketch_add(sl_fingerprint *fp, uint64_t key) {
    uint64_t *h = fp->mins;
    uint32_t n = fp->nmin;
    if (n == SL_SKETCH_K && key >= h[0]) return;
    for (uint32_t i = 0; i < n; i++)
        if (h[i] == key) return; /* the same row key again */
    size_t i;
    if (n < SL_SKETCH_K) { /* sift up */
        i = fp->nmin++;
        while (i && h[(i - 1) / 2] < key) {
            h[i] = h[(i - 1) / 2];
            i = (i - 1) / 2;
        }
    } else { /* replace the largest, sift down */
        i = 0;
        for (;;) {
            size_t c = 2 * i + 1;
            if (c >= n) break;
            if (c + 1 < n && h[c + 1] > h[c]) c++;
            if (h[c] <= key) break;
            h[i] = h[c];
            i = c;
        }
    }
    h[i] = key;
}

void sl_fingerprint_add_hash(sl_fingerprint *fp, uint64_t key, uint64_t state) {
    fp->n++;
    fp->key_sum += key;
    fp->key_xor ^= key;
    fp->state_sum += state;
    fp->state_xor ^= state;
    sketch_add(fp, key);
}

static int cmp_u64(const void *x, const void *y) {
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

uint64_t sl_fingerprint_shared(const sl_fingerprint *a, const sl_fingerprint *b, int *exact) {
    uint64_t sa[SL_SKETCH_K], sb[SL_SKETCH_K];
    size_t na = a->nmin, nb = b->nmin;
    memcpy(sa, a->mins, na * sizeof *sa);
    memcpy(sb, b->mins, nb * sizeof *sb);
    qsort(sa, na, sizeof *sa, cmp_u64);
    qsort(sb, nb, sizeof *sb, cmp_u64);
    int whole = na < SL_SKETCH_K && nb < SL_SKETCH_K; /* both sketches are the whole sets */
    /* Walk the union in order: all of it when whole, else its SL_SKETCH_K smallest keys, which
     * are a uniform sample of the union; count those held by both. */
    size_t i = 0, j = 0, taken = 0, both = 0;
    while ((i < na || j < nb) && (whole || taken < SL_SKETCH_K)) {
        if (j >= nb || (i < na && sa[i] < sb[j])) i++;
        else if (i >= na || sb[j] < sa[i]) j++;
        else { i++; j++; both++; }
        taken++;
    }
    if (exact) *exact = whole;
    if (whole || !taken) return both;
    /* |A and B| = J |A or B|, and |A or B| = (|A| + |B|) / (1 + J) with J = both / taken. */
    double jac = (double)both / (double)taken;
    double est = jac * (double)(a->n + b->n) / (1.0 + jac) + 0.5;
    uint64_t cap = a->n < b->n ? a->n : b->n;
    return est >= (double)cap ? cap : (uint64_t)est;
}

uint64_t sl_fingerprint_add(sl_fingerprint *fp, const sl_search *q) {
    uint64_t key = sl_row_key(q);
    fp->ids += q->f[SL_F_ID].st == SL_CELL_VALUE && q->f[SL_F_ID].len; /* as sl_row_key */
    /* The hash of every field's cell state, one byte each, seeded with the key. Not exported
     * and empty both mean "nothing here": a column one format drops must not make the same
     * rows look different. */
    uint64_t h = FNV_BASIS ^ key;
#pragma GCC unroll 32
    for (int f = 0; f < SL_F_COUNT; f++) {
        unsigned st = (unsigned)q->f[f].st;
        if (st == SL_CELL_ABSENT) st = SL_CELL_EMPTY;
        h = (h ^ (unsigned char)st) * FNV_PRIME;
    }
    sl_fingerprint_add_hash(fp, key, fnv_mix(h));
    return key;
}

static int fp_same_keys(const sl_fingerprint *a, const sl_fingerprint *b) {
    return a->n && a->n == b->n && a->key_sum == b->key_sum && a->key_xor == b->key_xor;
}

static int fp_same_states(const sl_fingerprint *a, const sl_fingerprint *b) {
    return a->state_sum == b->state_sum && a->state_xor == b->state_xor;
}

/* ---- names ------------------------------------------------------------------------------ */

static const char *const month_names[12] = {"january", "february", "march", "april", "may",
                                            "june", "july", "august", "september", "october",
                                            "november", "december"};

/* Month name (full, or its first three letters; "sept" too) at p, bounded by non-letters. */
static int month_at(const char *s, size_t i, size_t n, size_t *len) {
    if (i > 0 && sl_isalpha((unsigned char)s[i - 1]) &&
        !(s[i - 1] >= 'a' && s[i - 1] <= 'z' && s[i] >= 'A' && s[i] <= 'Z'))
        return 0; /* inside a word, unless at a camelCase boundary */
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(month_names[m]), k = 0;
        while (i + k < n && k < full && sl_tolower((unsigned char)s[i + k]) == month_names[m][k]) k++;
        int ok = k == full || k == 3 || (m == 8 && k == 4);
        if (!ok) continue;
        if (i + k < n && sl_isalpha((unsigned char)s[i + k]) &&
            !(s[i + k] >= 'A' && s[i + k] <= 'Z'))
            continue;
        *len = k;
        return m + 1;
    }
    return 0;
}

static int digits_at(const char *s, size_t i, size_t n, size_t k) {
    if (i + k > n) return 0;
    for (size_t j = 0; j < k; j++)
        if (!sl_isdigit((unsigned char)s[i + j])) return 0;
    return (i == 0 || !sl_isdigit((unsigned char)s[i - 1])) &&
           (i + k == n || !sl_isdigit((unsigned char)s[i + k]));
}

static int num2(const char *s) { return (s[0] - '0') * 10 + (s[1] - '0'); }
static int num4(const char *s) { return num2(s) * 100 + num2(s + 2); }
static int is_sep(char c) { return c == '-' || c == '_' || c == ' ' || c == '.'; }

/* Any run of digits (a year, a 6-digit YYYYMM, or the digits of a longer date). */
static size_t digit_run(const char *s, size_t i, size_t n) {
    size_t k = 0;
    while (i + k < n && sl_isdigit((unsigned char)s[i + k])) k++;
    return k;
}

int sl_name_months(const char *name, int *y1, int *m1, int *y2, int *m2) {
    const char *base = sl_path_base(name);
    size_t n = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot && dot != base && n - (size_t)(dot - base) <= 5) n = (size_t)(dot - base);
    int ys[8], ms[8], found = 0;
    for (size_t i = 0; i < n && found < 8;) {
        size_t ml, run = sl_isdigit((unsigned char)base[i]) ? digit_run(base, i, n) : 0;
        int y = 0, m = 0;
        size_t adv = 1;
        if (run == 4 && num4(base + i) >= 2000 && num4(base + i) <= 2099) {
            y = num4(base + i);
            size_t j = i + 4;
            while (j < n && is_sep(base[j])) j++;
            if (j > i + 4 && j - (i + 4) <= 2 && digits_at(base, j, n, 2) && num2(base + j) >= 1 && num2(base + j) <= 12) {
                m = num2(base + j); /* YYYY-MM */
                adv = j + 2 - i;
            } else if (j - (i + 4) <= 2 && j < n && (m = month_at(base, j, n, &ml))) {
                adv = j + ml - i; /* YYYY_December */
            } else if (j > i + 4 && j - (i + 4) <= 2 && digits_at(base, j, n, 2) && num2(base + j) > 12) {
                m = 0;
            }
        } else if (run == 8 && num4(base + i) >= 2000 && num4(base + i) <= 2099 &&
                   num2(base + i + 4) >= 1 && num2(base + i + 4) <= 12) {
            y = num4(base + i); /* YYYYMMDD */
            m = num2(base + i + 4);
            adv = 8;
        } else if (run == 6 && num4(base + i) >= 2000 && num4(base + i) <= 2099 &&
                   num2(base + i + 4) >= 1 && num2(base + i + 4) <= 12) {
            y = num4(base + i); /* YYYYMM */
            m = num2(base + i + 4);
            adv = 6;
        } else if ((run == 2 || run == 1) && i + run < n && is_sep(base[i + run])) {
            int mm = run == 2 ? num2(base + i) : base[i] - '0';
            size_t j = i + run + 1;
            if (mm >= 1 && mm <= 12 && digits_at(base, j, n, 4) && num4(base + j) >= 2000 &&
                num4(base + j) <= 2099) {
                y = num4(base + j); /* MM-YYYY */
                m = mm;
                adv = j + 4 - i;
            }
        } else if (run == 0 && (m = month_at(base, i, n, &ml))) {
            size_t j = i + ml;
            while (j < n && (is_sep(base[j]) || base[j] == ',') && j - (i + ml) < 2) j++;
            if (digits_at(base, j, n, 4) && num4(base + j) >= 2000 && num4(base + j) <= 2099) {
                y = num4(base + j); /* June 2025, Dec2025 */
                adv = j + 4 - i;
            } else {
                m = 0;
            }
        }
        if (!m || !y) {
            adv = run ? run : 1;
            m = 0;
        }
        if (m && y) {
            int dup = 0;
            for (int k = 0; k < found; k++)
                if (ys[k] == y && ms[k] == m) dup = 1;
            if (!dup) {
                ys[found] = y;
                ms[found] = m;
                found++;
            }
        }
        i += adv;
    }
    if (!found) return 0;
    /* The first and the last months named, in time order. */
    int lo = 0, hi = 0;
    for (int k = 1; k < found; k++) {
        if (ys[k] * 12 + ms[k] < ys[lo] * 12 + ms[lo]) lo = k;
        if (ys[k] * 12 + ms[k] > ys[hi] * 12 + ms[hi]) hi = k;
    }
    *y1 = ys[lo];
    *m1 = ms[lo];
    *y2 = ys[hi];
    *m2 = ms[hi];
    return lo == hi ? 1 : 2;
}

static int is_state(const char *p, size_t len) {
    static const char st[] = "AKALARAZCACOCTDCDEFLGAHIIAIDILINKSKYLAMAMDMEMIMNMOMSMTNCNDNENHNJNMNVNY"
                             "OHOKORPAPRRISCSDTNTXUTVAVTWAWIWVWY";
    if (len != 2) return 0;
    for (size_t i = 0; st[i]; i += 2)
        if (p[0] == st[i] && p[1] == st[i + 1]) return 1;
    return 0;
}

static int is_suffix(const char *p, size_t len) {
    static const char *const sx[] = {"PD", "SO", "SD", "DPS", "SP", "HP", "DA", "PS", "DOC",
                                     "CHP", "DSO", "MPD", "SPD", "Police", "Sheriff"};
    for (size_t i = 0; i < SL_ARRAY_LEN(sx); i++)
        if (strlen(sx[i]) == len && !memcmp(p, sx[i], len)) return 1;
    return 0;
}

static int is_name_word(const char *p, size_t len) {
    static const char *const stop[] = {"Network", "Audit", "Organization", "Org", "Search",
                                       "Flock", "Export", "Log", "Logs", "Searches", "Data",
                                       "Report", "Records", "Release", "Final", "Copy"};
    if (!len || !(p[0] >= 'A' && p[0] <= 'Z')) return 0;
    for (size_t i = 0; i < len; i++)
        if (!sl_isalpha((unsigned char)p[i])) return 0;
    for (size_t i = 0; i < SL_ARRAY_LEN(stop); i++)
        if (strlen(stop[i]) == len && !memcmp(p, stop[i], len)) return 0;
    return 1;
}

int sl_name_agency(const char *name, char *out, size_t cap) {
    const char *base = sl_path_base(name);
    size_t n = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot && dot != base) n = (size_t)(dot - base);
    struct { const char *p; size_t len; } tok[32];
    size_t nt = 0;
    for (size_t i = 0; i < n && nt < 32;) {
        while (i < n && (is_sep(base[i]) || base[i] == '(' || base[i] == ')')) i++;
        size_t j = i;
        while (j < n && !is_sep(base[j]) && base[j] != '(' && base[j] != ')') j++;
        if (j > i) {
            tok[nt].p = base + i;
            tok[nt].len = j - i;
            nt++;
        }
        i = j;
    }
    for (size_t i = 1; i + 1 < nt; i++) {
        if (!is_state(tok[i].p, tok[i].len) || !is_suffix(tok[i + 1].p, tok[i + 1].len)) continue;
        size_t s = i;
        while (s > 0 && is_name_word(tok[s - 1].p, tok[s - 1].len)) s--;
        if (s == i) continue;
        size_t len = 0;
        for (size_t k = s; k <= i + 1; k++) {
            if (len + tok[k].len + 2 > cap) return 0;
            if (k > s) out[len++] = ' ';
            memcpy(out + len, tok[k].p, tok[k].len);
            len += tok[k].len;
        }
        out[len] = '\0';
        return 1;
    }
    return 0;
}

/* ---- the release ------------------------------------------------------------------------ */

typedef struct {
    sl_release_src s;
    sl_release_verdict v;
    char producer_buf[160];
    char how_buf[200];
    int by_folder;    /* its producer is its folder's (decide_folder_producers) */
    uint64_t repeats; /* rows repeating a search among the source's own (sl_release_linked) */
} entry;

typedef struct {
    const char *code;
    sl_severity sev;
    uint32_t *ids;
    size_t nids;
    char *msg;
} finding_store;

struct sl_release {
    char *producer_opt;
    entry *e;
    size_t n, cap;
    sl_finding *f;
    finding_store *fs;
    size_t nf, capf;
    int linked; /* the rows were linked into searches: entries' repeats are known */
};

sl_status sl_release_new(sl_release **out, const char *producer) {
    *out = calloc(1, sizeof **out);
    if (!*out) return SL_ENOMEM;
    if (producer && *producer && !((*out)->producer_opt = sl_strdup(producer))) {
        free(*out);
        *out = NULL;
        return SL_ENOMEM;
    }
    return SL_OK;
}

static void decide_duplicate(sl_release *r, entry *b);

static char *dup_or_empty(const char *z) { return sl_strdup(z ? z : ""); }

sl_status sl_release_add(sl_release *r, const sl_release_src *src) {
    if (r->n == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 16;
        entry *ne = sl_reallocarray(r->e, nc, sizeof *ne);
        if (!ne) return SL_ENOMEM;
        r->e = ne;
        r->cap = nc;
    }
    entry *e = &r->e[r->n];
    memset(e, 0, sizeof *e);
    e->s = *src;
    e->s.cite = dup_or_empty(src->cite);
    e->s.name = dup_or_empty(src->name);
    e->s.sha256 = dup_or_empty(src->sha256);
    e->s.series = dup_or_empty(src->series ? src->series : src->name);
    e->s.dominant_org = src->dominant_org ? sl_strdup(src->dominant_org) : NULL;
    if (!e->s.cite || !e->s.name || !e->s.sha256 || !e->s.series ||
        (src->dominant_org && !e->s.dominant_org)) {
        free((char *)e->s.series);
        free((char *)e->s.cite);
        free((char *)e->s.name);
        free((char *)e->s.sha256);
        free((char *)e->s.dominant_org);
        return SL_ENOMEM;
    }
    decide_duplicate(r, e);
    r->n++;
    return SL_OK;
}

static sl_status add_finding(sl_release *r, const char *code, sl_severity sev, const uint32_t *ids,
                             size_t nids, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static sl_status add_finding(sl_release *r, const char *code, sl_severity sev, const uint32_t *ids,
                             size_t nids, const char *fmt, ...) {
    if (r->nf == r->capf) {
        size_t nc = r->capf ? r->capf * 2 : 16;
        finding_store *nfs = sl_reallocarray(r->fs, nc, sizeof *nfs);
        if (!nfs) return SL_ENOMEM;
        r->fs = nfs;
        r->capf = nc;
    }
    sl_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    sl_status rc = sl_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (!rc) rc = sl_buf_nul(&b);
    uint32_t *cp = nids ? sl_reallocarray(NULL, nids, sizeof *cp) : NULL;
    if (rc || (nids && !cp)) {
        sl_buf_free(&b);
        free(cp);
        return rc ? rc : SL_ENOMEM;
    }
    if (nids) memcpy(cp, ids, nids * sizeof *cp);
    r->fs[r->nf++] = (finding_store){code, sev, cp, nids, b.p};
    return SL_OK;
}

static void fmt_day(int64_t t, char out[21]) {
    sl_time_format(t, out);
    out[10] = '\0';
}

static void fmt_count(uint64_t v, char out[32]) {
    sl_fmt_count(v > INT64_MAX ? INT64_MAX : (int64_t)v, out);
}

int sl_release_truncation(uint64_t n) {
    if (n == SL_SPREADSHEET_ROWS - 1 || n == SL_SPREADSHEET_ROWS) return SL_TRUNC_EXCEL;
    if (n == 65535 || n == 65536) return SL_TRUNC_XLS;
    if (n >= 10000 && n % 10000 == 0) return SL_TRUNC_ROUND;
    return 0;
}

static sl_status check_truncation(sl_release *r, entry *e) {
    char c[32];
    fmt_count(e->s.records, c);
    int t = sl_release_truncation(e->s.records);
    if (t == SL_TRUNC_EXCEL)
        return add_finding(r, "release.truncated_excel_limit", SL_DIAG_WARN, &e->s.id, 1,
                           "%s has exactly %s data rows, the Excel row limit: the export was "
                           "probably cut off and later rows are missing", e->s.cite, c);
    if (t == SL_TRUNC_XLS)
        return add_finding(r, "release.truncated_excel_limit", SL_DIAG_WARN, &e->s.id, 1,
                           "%s has exactly %s data rows, the old Excel (.xls) row limit: the "
                           "export was probably cut off", e->s.cite, c);
    if (t == SL_TRUNC_ROUND)
        return add_finding(r, "release.round_count", SL_DIAG_WARN, &e->s.id, 1,
                           "%s has a suspiciously round %s data rows: the export may have been "
                           "cut off at a limit", e->s.cite, c);
    return SL_OK;
}

static sl_status check_name_dates(sl_release *r, entry *e) {
    int y1, m1, y2, m2;
    if (!sl_name_months(e->s.name, &y1, &m1, &y2, &m2)) return SL_OK;
    e->v.name_year = y1;
    e->v.name_month = m1;
    e->v.name_year2 = y2;
    e->v.name_month2 = m2;
    if (e->s.time_min == SL_TIME_NONE || e->s.time_max == SL_TIME_NONE) return SL_OK;
    int64_t lo = sl_days_from_civil(y1, (unsigned)m1, 1) * DAY;
    int64_t hi = (m2 == 12 ? sl_days_from_civil(y2 + 1, 1, 1) : sl_days_from_civil(y2, (unsigned)m2 + 1, 1)) * DAY;
    char a[21], b[21], named[40];
    fmt_day(e->s.time_min, a);
    fmt_day(e->s.time_max, b);
    if (y1 == y2 && m1 == m2)
        snprintf(named, sizeof named, "%04d-%02d", y1, m1);
    else
        snprintf(named, sizeof named, "%04d-%02d to %04d-%02d", y1, m1, y2, m2);
    if (e->s.time_max < lo - CUT_SLACK || e->s.time_min >= hi + CUT_SLACK)
        return add_finding(r, "release.name_date_mismatch", SL_DIAG_WARN, &e->s.id, 1,
                           "the file name of %s says %s, but its rows run from %s to %s: "
                           "the name is wrong, or the wrong file was released",
                           e->s.cite, named, a, b);
    if (e->s.time_min < lo - CUT_SLACK || e->s.time_max >= hi + CUT_SLACK)
        return add_finding(r, "release.name_date_wider", SL_DIAG_INFO, &e->s.id, 1,
                           "the file name of %s says %s, but its rows run from %s to %s, "
                           "beyond that period", e->s.cite, named, a, b);
    return SL_OK;
}

static void decide_producer(sl_release *r, entry *e) {
    if (r->producer_opt) {
        e->v.producer = r->producer_opt;
        e->v.producer_how = "--producer option";
        return;
    }
    if (sl_name_agency(e->s.name, e->producer_buf, sizeof e->producer_buf)) {
        e->v.producer = e->producer_buf;
        e->v.producer_how = "file name";
        return;
    }
    if (e->s.kind == SL_KIND_ORG_AUDIT && e->s.dominant_org && e->s.rows &&
        e->s.dominant_rows * 2 > e->s.rows) {
        snprintf(e->producer_buf, sizeof e->producer_buf, "%s", e->s.dominant_org);
        char c1[32], c2[32];
        fmt_count(e->s.dominant_rows, c1);
        fmt_count(e->s.rows, c2);
        snprintf(e->how_buf, sizeof e->how_buf,
                 "dominant organization of the organization audit (%s of %s rows)", c1, c2);
        e->v.producer = e->producer_buf;
        e->v.producer_how = e->how_buf;
    }
}

/* The length of the folder part of a cite: up to its last '/' ("coll/Alder_Creek_CA_PD" of
 * "coll/Alder_Creek_CA_PD/network_audit.csv", "r.zip > A" of "r.zip > A/x.csv"), 0 at the top. */
static size_t folder_len(const char *cite) {
    const char *slash = strrchr(cite, '/');
    return slash ? (size_t)(slash - cite) : 0;
}

/* A network audit names no searcher of its own (its rows are everyone's searches on the
 * agency's cameras), so its producer is neither a name nor a dominant organization. An agency's
 * release holds both its audits, and a collection keeps each release in a folder of its own:
 * a network audit whose folder holds sources of one producer only, decided by a file name or
 * an organization audit, is that producer's. Without this, the network audits of a collection
 * of 56 agencies, all named network_audit.csv, were one series, and every two of them that
 * cover the same months made an overlap warning: 1,540 of them. */
static void decide_folder_producers(sl_release *r) {
    for (size_t i = 0; i < r->n; i++) {
        entry *e = &r->e[i];
        if (e->v.producer || e->s.kind != SL_KIND_NETWORK_AUDIT) continue;
        const size_t fl = folder_len(e->s.cite);
        const entry *one = NULL;
        int several = 0;
        for (size_t k = 0; k < r->n && !several; k++) {
            const entry *o = &r->e[k];
            if (!o->v.producer || o->by_folder || folder_len(o->s.cite) != fl ||
                strncmp(o->s.cite, e->s.cite, fl) != 0)
                continue;
            if (!one) one = o;
            else if (!sl_slice_ieq((sl_slice){one->v.producer, strlen(one->v.producer)},
                                   o->v.producer))
                several = 1;
        }
        if (!one || several) continue;
        snprintf(e->producer_buf, sizeof e->producer_buf, "%s", one->v.producer);
        snprintf(e->how_buf, sizeof e->how_buf, "%s of the same folder (%s)",
                 one->s.kind == SL_KIND_ORG_AUDIT ? "organization audit" : "source",
                 one->s.cite);
        e->v.producer = e->producer_buf;
        e->v.producer_how = e->how_buf;
        e->by_folder = 1;
    }
}

/* A file name's letters only, lower-cased, without folders and extension: "Network_Audit"
 * for "x/Network_Audit_2025-06.csv", so the months of one series compare equal. */
static void series_stem(const char *name, char *out, size_t cap) {
    const char *base = sl_path_base(name);
    const char *gt = strstr(base, " > ");
    size_t n = gt ? (size_t)(gt - base) : strlen(base);
    const char *dot = memchr(base, '.', n);
    if (dot && dot != base) n = (size_t)(dot - base);
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++)
        if (sl_isalpha((unsigned char)base[i])) out[o++] = (char)sl_tolower((unsigned char)base[i]);
    out[o] = '\0';
}

static int producer_eq(const entry *a, const entry *b) {
    if (!a->v.producer || !b->v.producer) {
        if (a->v.producer || b->v.producer) return 0;
        char x[128], y[128];
        series_stem(a->s.series, x, sizeof x);
        series_stem(b->s.series, y, sizeof y);
        return x[0] && !strcmp(x, y);
    }
    return sl_slice_ieq((sl_slice){a->v.producer, strlen(a->v.producer)}, b->v.producer);
}

/* How source b repeats the earlier source a, or NULL. */
static const char *dup_how(const sl_release_src *a, const sl_release_src *b) {
    if (!a->records || !b->records) return NULL;
    if (a->sha256[0] && !strcmp(a->sha256, b->sha256)) return "same bytes";
    if (fp_same_keys(&a->fp, &b->fp))
        return fp_same_states(&a->fp, &b->fp) ? "same rows in another format"
                                              : "same rows, different redactions";
    return NULL;
}

/* Decides, as each source is added, whether it repeats an earlier one: the first earlier
 * source that is not itself a repeat and holds the same content is the canonical copy. */
static void decide_duplicate(sl_release *r, entry *b) {
    for (size_t i = 0; i < r->n; i++) {
        entry *a = &r->e[i];
        if (a == b || a->v.duplicate_of) continue;
        const char *h = dup_how(&a->s, &b->s);
        if (!h) continue;
        b->v.duplicate_of = a->s.id;
        b->v.duplicate_how = h;
        return;
    }
}

static sl_status check_duplicates(sl_release *r) {
    for (size_t i = 0; i < r->n; i++) {
        entry *a = &r->e[i];
        if (a->v.duplicate_of || !a->s.records) continue;
        for (size_t j = i + 1; j < r->n; j++) {
            entry *b = &r->e[j];
            if (b->v.duplicate_of != a->s.id) continue;
            const char *h = b->v.duplicate_how;
            char c[32];
            fmt_count(b->s.fp.n ? b->s.fp.n : b->s.records, c);
            sl_status rc;
            uint32_t pair[2] = {a->s.id, b->s.id};
            if (!strcmp(h, "same rows, different redactions"))
                rc = add_finding(r, "release.rereleased_redactions", SL_DIAG_INFO, pair, 2,
                                 "%s holds the same %s searches as %s with different redactions "
                                 "(a later release of the same period?); counted once, from %s",
                                 b->s.cite, c, a->s.cite, a->s.cite);
            else if (!strcmp(h, "same bytes"))
                rc = add_finding(r, "release.duplicate_bytes", SL_DIAG_WARN, pair, 2,
                                 "%s is byte for byte the same as %s; its %s rows are counted "
                                 "once, from %s", b->s.cite, a->s.cite, c, a->s.cite);
            else
                rc = add_finding(r, "release.duplicate_rows", SL_DIAG_WARN, pair, 2,
                                 "%s holds the same %s rows as %s in another format; counted "
                                 "once, from %s", b->s.cite, c, a->s.cite, a->s.cite);
            if (rc) return rc;
        }
    }
    return SL_OK;
}

static int cmp_entry_time(const void *x, const void *y) {
    const entry *a = *(entry *const *)x, *b = *(entry *const *)y;
    if (a->s.time_min != b->s.time_min) return a->s.time_min < b->s.time_min ? -1 : 1;
    return a->s.id < b->s.id ? -1 : a->s.id > b->s.id;
}

static sl_status check_overlaps(sl_release *r) {
    entry **v = sl_reallocarray(NULL, r->n ? r->n : 1, sizeof *v);
    if (!v) return SL_ENOMEM;
    size_t nv = 0;
    for (size_t i = 0; i < r->n; i++)
        if (!r->e[i].v.duplicate_of && r->e[i].s.time_min != SL_TIME_NONE && r->e[i].s.rows &&
            r->e[i].s.kind != SL_KIND_UNKNOWN)
            v[nv++] = &r->e[i];
    qsort(v, nv, sizeof *v, cmp_entry_time);
    sl_status rc = SL_OK;
    for (size_t i = 0; i < nv && !rc; i++) {
        for (size_t j = i + 1; j < nv && !rc; j++) {
            entry *a = v[i], *b = v[j];
            if (b->s.time_min > a->s.time_max) break; /* sorted by start: no later one overlaps */
            if (a->s.kind != b->s.kind || !producer_eq(a, b)) continue;
            int64_t ov = (a->s.time_max < b->s.time_max ? a->s.time_max : b->s.time_max) - b->s.time_min;
            char x[21], y[21], size[48];
            sl_time_format(b->s.time_min, x);
            sl_time_format(a->s.time_max < b->s.time_max ? a->s.time_max : b->s.time_max, y);
            if (ov < 2 * DAY)
                snprintf(size, sizeof size, "%.1f hours", (double)ov / 3600.0);
            else
                snprintf(size, sizeof size, "%.1f days", (double)ov / DAY);
            uint32_t pair[2] = {a->s.id, b->s.id};
            int small = ov <= CUT_SLACK;
            /* How many rows the two hold in common (by row key: the search id, else
             * organization, time to the second, networks and time frame). */
            int exact = 0;
            uint64_t shared = sl_fingerprint_shared(&a->s.fp, &b->s.fp, &exact);
            char n1[32], n2[32], n3[32], more[32];
            const entry *lo = a->s.fp.n <= b->s.fp.n ? a : b, *hi = lo == a ? b : a;
            if (shared > lo->s.fp.n) shared = lo->s.fp.n; /* an estimate past the whole */
            fmt_count(shared, n1);
            fmt_count(a->s.fp.n, n2);
            fmt_count(b->s.fp.n, n3);
            sl_buf both = {0};
            /* A file with search IDs and one without have no row key in common: their rows
             * are keyed by the ID in one, by organization, time and networks in the other. */
            const int ids_one_side = (a->s.fp.ids == 0) != (b->s.fp.ids == 0);
            if (!shared && ids_one_side)
                rc = sl_buf_puts(&both, r->linked
                                            ? "their rows cannot be compared here (search IDs in "
                                              "one, none in the other); the linking of rows into "
                                              "searches joins them by organization, time and "
                                              "networks (see Rows and searches)"
                                            : "their rows cannot be compared (search IDs in one, "
                                              "none in the other)");
            else if (!shared)
                rc = sl_buf_puts(&both, "no row is in both (by search id, or organization, time "
                                        "and networks)");
            else
                rc = sl_buf_printf(&both, "%s%s row%s of %s and %s %s in both",
                                   exact ? "" : "about ", n1, shared == 1 ? "" : "s", n2, n3,
                                   shared == 1 ? "is" : "are");
            /* Every row of the smaller is in the larger: the larger is most likely a later or
             * fuller export of the same log (a re-release), not a second log; unless its more
             * rows only repeat searches it lists already (known once the rows are linked). */
            if (!rc && shared && shared == lo->s.fp.n && lo->s.fp.n < hi->s.fp.n) {
                const uint64_t extra = hi->s.fp.n - lo->s.fp.n;
                const uint64_t rep = r->linked && hi->repeats > lo->repeats
                                         ? hi->repeats - lo->repeats : 0;
                char nrep[32];
                fmt_count(extra, more);
                fmt_count(rep, nrep);
                if (rep >= extra) {
                    rc = sl_buf_printf(&both, ", %severy row of %s, and the %s more row%s of %s "
                                       "repeat searches it lists already (see Rows and "
                                       "searches): the same log", exact ? "" : "likely ",
                                       lo->s.cite, more, extra == 1 ? "" : "s", hi->s.cite);
                } else { /* not linked (inspect): repeats cannot be told from more searches */
                    char tail[80] = "";
                    if (rep) snprintf(tail, sizeof tail, ", %s of which repeat searches it lists "
                                      "already", nrep);
                    else if (!r->linked) snprintf(tail, sizeof tail, "; a scan tells which");
                    rc = sl_buf_printf(&both, ", %severy row of %s: %s looks like a fuller export "
                                       "of the same log%s (%s more row%s%s)",
                                       exact ? "" : "likely ", lo->s.cite, hi->s.cite,
                                       r->linked ? "" : ", or one that lists searches twice",
                                       more, extra == 1 ? "" : "s", tail);
                }
            }
            if (!rc && shared) /* linked rows are one search, whatever their copies */
                rc = sl_buf_puts(&both, r->linked ? ": rows counted twice, searches once"
                                                  : ": counted twice");
            if (!rc) rc = sl_buf_nul(&both);
            if (rc) {
                sl_buf_free(&both);
                break;
            }
            rc = add_finding(r, "release.period_overlap", small ? SL_DIAG_INFO : SL_DIAG_WARN,
                             pair, 2,
                             "%s and %s (%s%s%s) overlap by %s, from %s to %s%s%s", a->s.cite,
                             b->s.cite, sl_kind_name(a->s.kind), a->v.producer ? ", " : "",
                             a->v.producer ? a->v.producer : "", size, x, y,
                             small ? ": files cut at local midnight overlap like this; " : ": ",
                             both.p);
            sl_buf_free(&both);
        }
    }
    free(v);
    return rc;
}

/* The way a producer was decided, without its per-source detail in parentheses ("dominant
 * organization of the organization audit (499 of 499 rows)"): sources decided the same way
 * are reported together. */
static size_t how_len(const char *how) {
    const char *p = strstr(how, " (");
    return p ? (size_t)(p - how) : strlen(how);
}

static int how_eq(const char *a, const char *b) {
    size_t n = how_len(a);
    return n == how_len(b) && !strncmp(a, b, n);
}

/* One finding per producer: its sources, and how they were attributed ("2 sources attributed
 * to A PD (from the dominant organization of the organization audit)", or with several ways
 * "5 sources attributed to A PD: 2 by the dominant organization of the organization audit, 3
 * by the organization audit of the same folder"); a way of one source keeps its detail. A
 * collection of 56 agencies had two lines each before. */
static sl_status report_producers(sl_release *r) {
    for (size_t i = 0; i < r->n; i++) {
        entry *a = &r->e[i];
        if (!a->v.producer || !a->s.rows) continue;
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++)
            if (r->e[k].v.producer && r->e[k].s.rows && producer_eq(a, &r->e[k])) seen = 1;
        if (seen) continue;
        uint32_t ids[64];
        size_t nids = 0, total = 0;
        const entry *how_first[8]; /* the first source of each way, in order */
        size_t how_n[8], nhow = 0, other = 0;
        for (size_t k = i; k < r->n; k++) {
            const entry *e = &r->e[k];
            if (!e->v.producer || !e->s.rows || !producer_eq(a, e)) continue;
            if (nids < SL_ARRAY_LEN(ids)) ids[nids++] = e->s.id;
            total++;
            size_t h = 0;
            while (h < nhow && !how_eq(how_first[h]->v.producer_how, e->v.producer_how)) h++;
            if (h == nhow && nhow < SL_ARRAY_LEN(how_first)) {
                how_first[nhow] = e;
                how_n[nhow++] = 0;
            }
            if (h < nhow) how_n[h]++;
            else other++;
        }
        sl_buf ways = {0};
        sl_status rc = SL_OK;
        for (size_t h = 0; h < nhow && !rc; h++) {
            const char *how = how_first[h]->v.producer_how;
            const int n = (int)how_len(how);
            if (nhow == 1)
                rc = sl_buf_printf(&ways, "the %.*s%s", n, how, how_n[h] == 1 ? how + n : "");
            else
                rc = sl_buf_printf(&ways, "%s%zu by the %.*s%s", h ? ", " : "", how_n[h], n, how,
                                   how_n[h] == 1 ? how + n : "");
        }
        if (!rc && other) rc = sl_buf_printf(&ways, ", %zu otherwise", other);
        if (!rc) rc = sl_buf_nul(&ways);
        if (!rc)
            rc = add_finding(r, "release.producer", SL_DIAG_INFO, ids, nids,
                             nhow == 1 ? "%zu source%s attributed to %s (from %s)"
                                       : "%zu source%s attributed to %s: %s",
                             total, total == 1 ? "" : "s", a->v.producer, ways.p);
        sl_buf_free(&ways);
        if (rc) return rc;
    }
    return SL_OK;
}

sl_status sl_release_check(sl_release *r) {
    sl_status rc = SL_OK;
    for (size_t i = 0; i < r->n && !rc; i++) {
        decide_producer(r, &r->e[i]);
        rc = check_truncation(r, &r->e[i]);
        if (!rc) rc = check_name_dates(r, &r->e[i]);
    }
    if (!rc && !r->producer_opt) decide_folder_producers(r);
    if (!rc) rc = check_duplicates(r);
    if (!rc) rc = check_overlaps(r);
    if (!rc) rc = report_producers(r);
    if (rc) return rc;
    free(r->f);
    r->f = sl_reallocarray(NULL, r->nf ? r->nf : 1, sizeof *r->f);
    if (!r->f) return SL_ENOMEM;
    for (size_t i = 0; i < r->nf; i++)
        r->f[i] = (sl_finding){r->fs[i].code, r->fs[i].sev, r->fs[i].ids, r->fs[i].nids, r->fs[i].msg};
    return SL_OK;
}

size_t sl_release_finding_count(const sl_release *r) { return r && r->f ? r->nf : 0; }

const sl_finding *sl_release_finding(const sl_release *r, size_t i) {
    return r && r->f && i < r->nf ? &r->f[i] : NULL;
}

const char *sl_release_cite_of(const sl_release *r, uint32_t id) {
    for (size_t i = 0; r && i < r->n; i++)
        if (r->e[i].s.id == id) return r->e[i].s.cite;
    return NULL;
}

void sl_release_linked(sl_release *r, const uint64_t *repeats, uint32_t n) {
    r->linked = 1;
    for (size_t i = 0; i < r->n; i++)
        r->e[i].repeats = r->e[i].s.id < n ? repeats[r->e[i].s.id] : 0;
}

const sl_release_verdict *sl_release_verdict_of(const sl_release *r, uint32_t id) {
    for (size_t i = 0; r && i < r->n; i++)
        if (r->e[i].s.id == id) return &r->e[i].v;
    return NULL;
}

void sl_release_free(sl_release *r) {
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) {
        free((char *)r->e[i].s.cite);
        free((char *)r->e[i].s.name);
        free((char *)r->e[i].s.sha256);
        free((char *)r->e[i].s.series);
        free((char *)r->e[i].s.dominant_org);
    }
    for (size_t i = 0; i < r->nf; i++) {
        free(r->fs[i].ids);
        free(r->fs[i].msg);
    }
    free(r->e);
    free(r->fs);
    free(r->f);
    free(r->producer_opt);
    free(r);
}
