/* match.c: compiles every pattern of every pack into one Hyperscan block-mode database and
 * classifies texts with it: word-boundary post-filter, except/unless exclusions, group
 * resolution. Also explains a classification step by step and checks the packs' examples.
 *
 * Flags: HS_FLAG_CASELESS | HS_FLAG_SOM_LEFTMOST. Spans are needed for explain and for span
 * overlap, hence SOM. HS_FLAG_UTF8 is NOT used: texts come straight from records releases and
 * may hold invalid UTF-8, on which Hyperscan's UTF-8 mode is undefined; patterns therefore
 * match bytes (a non-ASCII letter in a pattern still matches itself, byte for byte).
 * No DOTALL or MULTILINE: `.` does not match a newline, ^ and $ are the ends of the text. */
#include "rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SL_MATCH_MAX_EVENTS (1u << 20) /* pattern matches kept for one text */

static void seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...) {
    if (!err || !errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---- compile ------------------------------------------------------------------------------- */

#define SL_HS_FLAGS (HS_FLAG_CASELESS | HS_FLAG_SOM_LEFTMOST)

sl_status sl_rules_compile(sl_rules *r, char *err, size_t errlen) {
    r->db = NULL;
    if (!r->npats) return SL_OK; /* packs without rules: nothing ever fires */
    if (r->npats > UINT32_MAX / 2) {
        seterr(err, errlen, "too many patterns (%zu)", r->npats);
        return SL_ERULES;
    }
    const char **exprs = calloc(r->npats, sizeof *exprs);
    unsigned *flags = calloc(r->npats, sizeof *flags);
    unsigned *ids = calloc(r->npats, sizeof *ids);
    if (!exprs || !flags || !ids) {
        free(exprs);
        free(flags);
        free(ids);
        return SL_ENOMEM;
    }
    for (size_t i = 0; i < r->npats; i++) {
        exprs[i] = r->pats[i].expr;
        flags[i] = SL_HS_FLAGS;
        ids[i] = (unsigned)i;
    }
    hs_compile_error_t *ce = NULL;
    hs_error_t he = hs_compile_multi(exprs, flags, ids, (unsigned)r->npats, HS_MODE_BLOCK, NULL,
                                     &r->db, &ce);
    sl_status st = SL_OK;
    if (he != HS_SUCCESS) {
        st = SL_ERULES;
        r->db = NULL;
        const char *msg = ce && ce->message ? ce->message : "unknown error";
        if (!strncmp(msg, "Pattern matches empty buffer", 28))
            msg = "it can match an empty text (every pattern must need at least one character)";
        int idx = ce ? ce->expression : -1;
        if (idx >= 0 && (size_t)idx < r->npats) {
            const sl_pattern *p = &r->pats[idx];
            const sl_rule *ru = &r->rules[p->rule];
            /* Start-of-match tracking makes some patterns too large; say so when that is why. */
            hs_database_t *probe = NULL;
            hs_compile_error_t *ce2 = NULL;
            int som_only = hs_compile(p->expr, HS_FLAG_CASELESS, HS_MODE_BLOCK, NULL, &probe,
                                      &ce2) == HS_SUCCESS;
            hs_free_database(probe);
            hs_free_compile_error(ce2);
            if (som_only)
                seterr(err, errlen,
                       "%s:%u: rule %s: pattern '%s' compiles only without start-of-match "
                       "tracking, which sunlight needs for spans (Hyperscan: %s); simplify it, "
                       "e.g. shorter bounded repeats",
                       r->packs[ru->pack].file, p->line, ru->id, p->expr, msg);
            else
                seterr(err, errlen, "%s:%u: rule %s: pattern '%s' does not compile: %s",
                       r->packs[ru->pack].file, p->line, ru->id, p->expr, msg);
        } else {
            seterr(err, errlen, "rule packs do not compile: %s", msg);
        }
    }
    hs_free_compile_error(ce);
    free(exprs);
    free(flags);
    free(ids);
    return st;
}

/* ---- matcher ------------------------------------------------------------------------------- */

typedef struct {
    uint32_t rule;
    uint32_t cls;   /* 0 candidate (match, match_part), 1 except, 2 unless */
    uint32_t pat;
    uint32_t start, end;
    uint32_t aux;   /* except events: running max of end over the rule's excepts so far */
} sl_ev;

typedef struct {
    uint32_t rule, pat, start, end;
} sl_fired;

struct sl_matcher {
    const sl_rules *r;
    hs_scratch_t *scratch;
    sl_ev *ev;
    size_t nev, capev;
    int overflow;    /* SL_ENOMEM or SL_ELIMIT hit inside the callback */
    const unsigned char *text;
    size_t len;
    uint32_t reads;
    sl_fired *fired; /* nrules */
    uint32_t *gbest; /* ngroups: index into fired, UINT32_MAX when none */
};

sl_status sl_matcher_new(sl_matcher **out, const sl_rules *r) {
    *out = NULL;
    sl_matcher *m = calloc(1, sizeof *m);
    if (!m) return SL_ENOMEM;
    m->r = r;
    m->capev = 256;
    m->ev = calloc(m->capev, sizeof *m->ev);
    m->fired = calloc(r->nrules ? r->nrules : 1, sizeof *m->fired);
    m->gbest = malloc((r->ngroups ? r->ngroups : 1) * sizeof *m->gbest);
    if (!m->ev || !m->fired || !m->gbest) {
        sl_matcher_free(m);
        return SL_ENOMEM;
    }
    for (uint32_t g = 0; g < r->ngroups; g++) m->gbest[g] = UINT32_MAX;
    if (r->db && hs_alloc_scratch(r->db, &m->scratch) != HS_SUCCESS) {
        sl_matcher_free(m);
        return SL_ENOMEM;
    }
    *out = m;
    return SL_OK;
}

void sl_matcher_free(sl_matcher *m) {
    if (!m) return;
    hs_free_scratch(m->scratch);
    free(m->ev);
    free(m->fired);
    free(m->gbest);
    free(m);
}

/* Word boundaries: a match may not start between two word characters nor end between two
 * (word characters: ASCII letters and digits). Applied to the leftmost start Hyperscan
 * reports for each end offset. */
static inline int bounds_ok(const unsigned char *t, size_t len, size_t s, size_t e) {
    if (s > 0 && s < len && sl_isalnum(t[s]) && sl_isalnum(t[s - 1])) return 0;
    if (e > s && e < len && sl_isalnum(t[e - 1]) && sl_isalnum(t[e])) return 0;
    return 1;
}

static const uint32_t kind_cls[4] = {0, 0, 1, 2};

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                    void *ctx) {
    (void)flags;
    sl_matcher *m = ctx;
    const sl_pattern *p = &m->r->pats[id];
    if (!(m->r->rules[p->rule].reads & m->reads)) return 0;
    if (p->kind != SL_PAT_PART && !bounds_ok(m->text, m->len, (size_t)from, (size_t)to)) return 0;
    if (m->nev == m->capev) {
        if (m->capev >= SL_MATCH_MAX_EVENTS) {
            m->overflow = SL_ELIMIT;
            return 1;
        }
        sl_ev *q = sl_reallocarray(m->ev, m->capev * 2, sizeof *q);
        if (!q) {
            m->overflow = SL_ENOMEM;
            return 1;
        }
        m->ev = q;
        m->capev *= 2;
    }
    sl_ev *e = &m->ev[m->nev++];
    e->rule = p->rule;
    e->cls = kind_cls[p->kind];
    e->pat = id;
    e->start = (uint32_t)from;
    e->end = (uint32_t)to;
    e->aux = 0;
    return 0;
}

static int ev_cmp(const sl_ev *a, const sl_ev *b) {
    if (a->rule != b->rule) return a->rule < b->rule ? -1 : 1;
    if (a->cls != b->cls) return a->cls < b->cls ? -1 : 1;
    if (a->start != b->start) return a->start < b->start ? -1 : 1;
    if (a->end != b->end) return a->end < b->end ? -1 : 1;
    if (a->pat != b->pat) return a->pat < b->pat ? -1 : 1;
    return 0;
}

static int ev_qcmp(const void *a, const void *b) { return ev_cmp(a, b); }

static void sort_events(sl_ev *ev, size_t n) {
    if (n > 24) {
        qsort(ev, n, sizeof *ev, ev_qcmp);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        sl_ev x = ev[i];
        size_t j = i;
        while (j > 0 && ev_cmp(&ev[j - 1], &x) > 0) {
            ev[j] = ev[j - 1];
            j--;
        }
        ev[j] = x;
    }
}

/* Runs the database over the text, leaving boundary-checked events in m->ev. */
static sl_status scan(sl_matcher *m, uint32_t reads, const char *text, size_t len) {
    m->nev = 0;
    m->overflow = 0;
    if (!m->r->db) return SL_OK;
    if (len > UINT32_MAX) return SL_ELIMIT;
    m->text = (const unsigned char *)(text ? text : "");
    m->len = len;
    m->reads = reads;
    hs_error_t he = hs_scan(m->r->db, (const char *)m->text, (unsigned)len, 0, m->scratch,
                            on_match, m);
    if (m->overflow) return (sl_status)m->overflow;
    if (he != HS_SUCCESS) return SL_EINTERNAL;
    sort_events(m->ev, m->nev);
    return SL_OK;
}

typedef struct {
    sl_explain_fn cb;
    void *ud;
} sl_explainer;

/* Whether an except of the sorted run ex[0..n) overlaps [s, e). ex[i].aux is the max end of
 * ex[0..i]: binary-search the last except starting before e, then compare its running max. */
static const sl_ev *except_hit(const sl_ev *ex, size_t n, uint32_t s, uint32_t e, int want) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ex[mid].start < e) lo = mid + 1;
        else hi = mid;
    }
    if (lo == 0 || ex[lo - 1].aux <= s) return NULL;
    if (!want) return ex; /* any non-NULL */
    for (size_t i = 0; i < lo; i++)
        if (ex[i].end > s) return &ex[i];
    return NULL;
}

/* From sorted events, the rules that fire before group resolution (in rule order) with the
 * span of their first surviving match. Explains MATCH and VETO when x is given. */
static size_t resolve_raw(sl_matcher *m, const sl_explainer *x) {
    const sl_rules *r = m->r;
    sl_ev *ev = m->ev;
    size_t n = m->nev, nf = 0, a = 0;
    while (a < n) {
        uint32_t rule = ev[a].rule;
        size_t b = a, c, d;
        while (b < n && ev[b].rule == rule) b++;
        for (c = a; c < b && ev[c].cls == 0; c++) {}
        for (d = c; d < b && ev[d].cls == 1; d++) {}
        uint32_t mx = 0;
        for (size_t i = c; i < d; i++) {
            if (ev[i].end > mx) mx = ev[i].end;
            ev[i].aux = mx;
        }
        const sl_ev *unless = d < b ? &ev[d] : NULL;
        const sl_ev *best = NULL;
        for (size_t i = a; i < c; i++) {
            const sl_ev *e = &ev[i];
            const sl_ev *veto = unless ? unless : except_hit(ev + c, d - c, e->start, e->end, x != NULL);
            if (x) {
                sl_explain_event xe = {SL_EXPLAIN_MATCH, rule, r->pats[e->pat].expr, e->start,
                                       e->end, NULL, 0, 0, 0};
                x->cb(x->ud, &xe);
                if (veto) {
                    xe.kind = SL_EXPLAIN_VETO;
                    xe.by = r->pats[veto->pat].expr;
                    xe.by_start = veto->start;
                    xe.by_end = veto->end;
                    xe.by_unless = veto->cls == 2;
                    x->cb(x->ud, &xe);
                }
            }
            if (!veto && !best) {
                best = e;
                if (!x) break;
            }
        }
        if (best) m->fired[nf++] = (sl_fired){rule, best->pat, best->start, best->end};
        a = b;
    }
    return nf;
}

/* Group resolution over m->fired[0..nf): writes the winners as hits, explains SUPPRESS/FIRE. */
static size_t resolve_groups(sl_matcher *m, size_t nf, sl_hit *hits, size_t cap,
                             const sl_explainer *x) {
    const sl_rules *r = m->r;
    for (size_t i = 0; i < nf; i++) {
        uint32_t g = r->rules[m->fired[i].rule].group_idx;
        if (g == UINT32_MAX) continue;
        uint32_t cur = m->gbest[g];
        /* Strictly lower wins, so on a tie the earlier rule (in load order) stays. */
        if (cur == UINT32_MAX ||
            r->rules[m->fired[i].rule].priority < r->rules[m->fired[cur].rule].priority)
            m->gbest[g] = (uint32_t)i;
    }
    size_t nh = 0;
    for (size_t i = 0; i < nf; i++) {
        const sl_fired *f = &m->fired[i];
        uint32_t g = r->rules[f->rule].group_idx;
        int win = g == UINT32_MAX || m->gbest[g] == i;
        if (x) {
            sl_explain_event xe = {win ? SL_EXPLAIN_FIRE : SL_EXPLAIN_SUPPRESS, f->rule,
                                   r->pats[f->pat].expr, f->start, f->end, NULL, 0, 0, 0};
            if (!win) {
                const sl_fired *w = &m->fired[m->gbest[g]];
                xe.by = r->rules[w->rule].id;
                xe.by_start = w->start;
                xe.by_end = w->end;
            }
            x->cb(x->ud, &xe);
        }
        if (!win) continue;
        if (nh < cap) hits[nh] = (sl_hit){f->rule, f->start, f->end};
        nh++;
    }
    for (size_t i = 0; i < nf; i++) {
        uint32_t g = r->rules[m->fired[i].rule].group_idx;
        if (g != UINT32_MAX) m->gbest[g] = UINT32_MAX;
    }
    return nh;
}

sl_status sl_match_reads(sl_matcher *m, uint32_t reads, const char *text, size_t len,
                         sl_hit *hits, size_t cap, size_t *n) {
    *n = 0;
    sl_status st = scan(m, reads, text, len);
    if (st) return st;
    if (!m->nev) return SL_OK;
    size_t nf = resolve_raw(m, NULL);
    *n = resolve_groups(m, nf, hits, cap, NULL);
    return SL_OK;
}

sl_status sl_match(sl_matcher *m, const char *text, size_t len, sl_hit *hits, size_t cap,
                   size_t *n) {
    return sl_match_reads(m, SL_READS_ALL, text, len, hits, cap, n);
}

sl_status sl_rules_explain(const sl_rules *r, const char *text, size_t len, sl_explain_fn cb,
                           void *ud) {
    sl_matcher *m;
    sl_status st = sl_matcher_new(&m, r);
    if (st) return st;
    st = scan(m, SL_READS_ALL, text, len);
    if (!st) {
        sl_explainer x = {cb, ud};
        size_t nf = resolve_raw(m, &x);
        resolve_groups(m, nf, NULL, 0, &x);
    }
    sl_matcher_free(m);
    return st;
}

sl_status sl_rules_test(const sl_rules *r, sl_example_fn cb, void *ud, size_t *npass,
                        size_t *nfail) {
    size_t pass = 0, fail = 0;
    if (npass) *npass = 0;
    if (nfail) *nfail = 0;
    sl_matcher *m;
    sl_status st = sl_matcher_new(&m, r);
    if (st) return st;
    for (size_t i = 0; i < r->nex; i++) {
        const sl_example *e = &r->ex[i];
        st = scan(m, SL_READS_ALL, e->text, strlen(e->text));
        if (st) break;
        size_t nf = resolve_raw(m, NULL);
        int fired = 0;
        for (size_t k = 0; k < nf && !fired; k++) fired = m->fired[k].rule == e->rule;
        if (fired == e->yes) pass++;
        else fail++;
        if (cb) {
            sl_example_result res = {e->rule, e->text, e->yes, fired,
                                     r->packs[r->rules[e->rule].pack].file, e->line};
            cb(ud, &res);
        }
    }
    sl_matcher_free(m);
    if (npass) *npass = pass;
    if (nfail) *nfail = fail;
    return st;
}
