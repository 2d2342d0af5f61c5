/* evaluate.c: precision and recall of the rule packs on a labeled set. Each text is read as
 * a reason cell (its state from sl_cell_classify, so redacted texts are not classified and
 * placeholders are), classified with sl_classify, and its categories compared with the
 * expected ones. Counts per category; thresholds come from the packs. */
#include "evaluate.h"

#include "cell.h"

#include <stdlib.h>
#include <string.h>

#define FLAGS_CAP 64

typedef struct {
    const char *name;
    uint64_t tp, fp, fn, support;
    int has_floor;
    double min_p, min_r;
} sl_ecat;

struct sl_eval {
    const sl_rules *r;
    sl_matcher *m;
    sl_ecat *cat;
    size_t ncat;
    uint32_t *rule_cat;     /* category index of each rule */
    unsigned char *want;    /* per category, scratch for one text */
    unsigned char *got;
    uint32_t *why;          /* per category: index into flags of the first flag, scratch */
    uint64_t texts;
};

static size_t find_cat(const sl_eval *e, const char *p, size_t n) {
    for (size_t i = 0; i < e->ncat; i++)
        if (strlen(e->cat[i].name) == n && memcmp(e->cat[i].name, p, n) == 0) return i;
    return SIZE_MAX;
}

sl_status sl_eval_new(sl_eval **out, const sl_rules *r, sl_matcher *m) {
    *out = NULL;
    sl_eval *e = calloc(1, sizeof *e);
    if (!e) return SL_ENOMEM;
    e->r = r;
    e->m = m;
    size_t nr = sl_rules_count(r);
    e->cat = calloc(nr ? nr : 1, sizeof *e->cat);
    e->rule_cat = calloc(nr ? nr : 1, sizeof *e->rule_cat);
    if (!e->cat || !e->rule_cat) {
        sl_eval_free(e);
        return SL_ENOMEM;
    }
    for (size_t i = 0; i < nr; i++) {
        sl_rule_info ri;
        sl_rules_info(r, i, &ri);
        /* a rule that reads only the organization's name never reads a reason: its category
         * is not measured here (tests/e2e/planted_truth.sh measures it on the generator's) */
        if (!(ri.reads & ~SL_READS_ORG)) {
            e->rule_cat[i] = UINT32_MAX;
            continue;
        }
        size_t c = find_cat(e, ri.category, strlen(ri.category));
        if (c == SIZE_MAX) {
            c = e->ncat++;
            e->cat[c].name = ri.category;
        }
        e->rule_cat[i] = (uint32_t)c;
    }
    for (size_t i = 0; i < sl_rules_threshold_count(r); i++) {
        sl_threshold t;
        sl_rules_threshold(r, i, &t);
        size_t c = find_cat(e, t.category, strlen(t.category));
        if (c == SIZE_MAX) continue; /* a floor for a category no rule reports: nothing to do */
        e->cat[c].has_floor = 1;
        e->cat[c].min_p = t.precision;
        e->cat[c].min_r = t.recall;
    }
    e->want = calloc(e->ncat ? e->ncat : 1, 1);
    e->got = calloc(e->ncat ? e->ncat : 1, 1);
    e->why = calloc(e->ncat ? e->ncat : 1, sizeof *e->why);
    if (!e->want || !e->got || !e->why) {
        sl_eval_free(e);
        return SL_ENOMEM;
    }
    *out = e;
    return SL_OK;
}

void sl_eval_free(sl_eval *e) {
    if (!e) return;
    free(e->cat);
    free(e->rule_cat);
    free(e->want);
    free(e->got);
    free(e->why);
    free(e);
}

/* Parses the comma-joined expected list into e->want. */
static sl_status parse_expected(sl_eval *e, const char *p, size_t n, char *err, size_t errlen) {
    memset(e->want, 0, e->ncat);
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && p[j] != ',') j++;
        sl_slice s = sl_trim((sl_slice){p + i, j - i});
        if (s.len) {
            size_t c = find_cat(e, s.p, s.len);
            if (c == SIZE_MAX) {
                if (err) sl_fmt(err, errlen, "unknown category '%.*s'", (int)s.len, s.p);
                return SL_EFORMAT;
            }
            e->want[c] = 1;
        }
        i = j + 1;
    }
    return SL_OK;
}

sl_status sl_eval_add(sl_eval *e, const char *text, size_t len, const char *expected,
                      size_t elen, sl_eval_miss_fn on_miss, void *ud, char *err, size_t errlen) {
    sl_status st = parse_expected(e, expected, elen, err, errlen);
    if (st) return st;
    sl_search s;
    memset(&s, 0, sizeof s);
    for (int f = 0; f < SL_F_COUNT; f++) s.f[f].st = SL_CELL_ABSENT;
    sl_slice t = sl_trim((sl_slice){text, len});
    s.f[SL_F_REASON].p = t.p;
    s.f[SL_F_REASON].len = t.len;
    s.f[SL_F_REASON].st = t.len ? sl_cell_classify(SL_F_REASON, t.p, t.len) : SL_CELL_EMPTY;
    s.networks = s.devices = -1;

    sl_flag flags[FLAGS_CAP];
    size_t nf = sl_classify(e->m, e->r, &s, flags, FLAGS_CAP);
    if (nf > FLAGS_CAP) nf = FLAGS_CAP;
    memset(e->got, 0, e->ncat);
    for (size_t i = 0; i < nf; i++) {
        uint32_t c = e->rule_cat[flags[i].rule];
        if (c == UINT32_MAX) continue; /* not measured (reads names only) */
        if (!e->got[c]) e->why[c] = (uint32_t)i;
        e->got[c] = 1;
    }
    e->texts++;
    for (size_t c = 0; c < e->ncat; c++) {
        sl_ecat *k = &e->cat[c];
        if (e->want[c]) k->support++;
        if (e->want[c] && e->got[c]) k->tp++;
        else if (e->got[c]) {
            k->fp++;
            if (on_miss) {
                const sl_flag *fl = &flags[e->why[c]];
                /* Spans are relative to the trimmed text; report them relative to text. */
                uint32_t off = (uint32_t)(t.p - text);
                sl_eval_miss mi = {k->name, 1, fl->rule, fl->start + off, fl->end + off};
                on_miss(ud, &mi);
            }
        } else if (e->want[c]) {
            k->fn++;
            if (on_miss) {
                sl_eval_miss mi = {k->name, 0, UINT32_MAX, 0, 0};
                on_miss(ud, &mi);
            }
        }
    }
    return SL_OK;
}

size_t sl_eval_count(const sl_eval *e) { return e->ncat; }

static void fill_row(sl_eval_row *o, uint64_t tp, uint64_t fp, uint64_t fn, uint64_t support) {
    o->tp = tp;
    o->fp = fp;
    o->fn = fn;
    o->support = support;
    o->precision = tp + fp ? (double)tp / (double)(tp + fp) : 1.0;
    o->recall = tp + fn ? (double)tp / (double)(tp + fn) : 1.0;
}

void sl_eval_row_get(const sl_eval *e, size_t i, sl_eval_row *out) {
    const sl_ecat *k = &e->cat[i];
    memset(out, 0, sizeof *out);
    out->category = k->name;
    fill_row(out, k->tp, k->fp, k->fn, k->support);
    out->has_floor = k->has_floor;
    out->min_precision = k->min_p;
    out->min_recall = k->min_r;
    /* A floor with no labeled example is a gap in the set, not a pass. The tiny epsilon keeps
     * 0.95 == 19/20 from failing on rounding. */
    out->pass = !k->has_floor || (k->support > 0 && out->precision + 1e-9 >= k->min_p &&
                                  out->recall + 1e-9 >= k->min_r);
}

void sl_eval_total(const sl_eval *e, uint64_t *texts, sl_eval_row *out) {
    uint64_t tp = 0, fp = 0, fn = 0, sup = 0;
    int pass = 1;
    for (size_t i = 0; i < e->ncat; i++) {
        sl_eval_row r;
        sl_eval_row_get(e, i, &r);
        tp += r.tp;
        fp += r.fp;
        fn += r.fn;
        sup += r.support;
        if (!r.pass) pass = 0;
    }
    memset(out, 0, sizeof *out);
    out->category = "overall";
    fill_row(out, tp, fp, fn, sup);
    out->pass = pass;
    if (texts) *texts = e->texts;
}
