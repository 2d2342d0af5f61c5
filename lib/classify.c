/* classify.c: turns one search into category flags. Splits a 2026 dropdown reason into its
 * category part (read by `reads dropdown` rules, whose set is the table of known categories)
 * and its free-text detail; reads each comma-joined offense value, the text prompt and the
 * organization's name (`reads org`); keeps one flag per rule. Runs for every row of a scan,
 * so it allocates nothing. */
#include "classify.h"
#include "rules.h"

#include <string.h>

#define HITS_CAP 64      /* rules firing on one text; more are counted, not kept */
#define SEEN_CAP 256     /* distinct rules remembered per search for de-duplication */
#define SPLIT_TRIES 8    /* '-' positions tried when looking for `Category - detail` */
#define OFFENSE_VALUES 64 /* comma-joined offense values read per cell */

static int is_blank_or_plus(unsigned char c) { return sl_isspace(c) || c == '+'; }

static sl_slice trim_plus(const char *p, size_t len) {
    size_t a = 0, b = len;
    while (a < b && is_blank_or_plus((unsigned char)p[a])) a++;
    while (b > a && is_blank_or_plus((unsigned char)p[b - 1])) b--;
    sl_slice s = {p + a, b - a};
    return sl_trim(s);
}

int sl_classify_reads_state(sl_cell_state st) {
    return st == SL_CELL_VALUE || st == SL_CELL_PLACEHOLDER || st == SL_CELL_PARTIAL;
}

/* Whether some dropdown-reading rule matches the whole of s. */
static int is_dropdown_category(sl_matcher *m, const sl_rules *r, sl_slice s) {
    sl_hit hits[HITS_CAP];
    size_t n = 0;
    if (!s.len) return 0;
    if (sl_match_reads(m, SL_READS_DROPDOWN, s.p, s.len, hits, HITS_CAP, &n)) return 0;
    if (n > HITS_CAP) n = HITS_CAP;
    for (size_t i = 0; i < n; i++) {
        sl_rule_info ri;
        sl_rules_info(r, hits[i].rule, &ri);
        if ((ri.reads & SL_READS_DROPDOWN) && hits[i].start == 0 && hits[i].end == s.len) return 1;
    }
    return 0;
}

int sl_reason_split_rules(sl_matcher *m, const sl_rules *r, const char *p, size_t len,
                          sl_slice *category, sl_slice *detail) {
    if (!m || !r || !p) return 0;
    int tries = 0;
    for (size_t i = 0; i < len && tries < SPLIT_TRIES; i++) {
        size_t dash = 0; /* bytes of the separator at i */
        if (p[i] == '-') dash = 1;
        else if (i + 2 < len && (unsigned char)p[i] == 0xE2 && (unsigned char)p[i + 1] == 0x80 &&
                 ((unsigned char)p[i + 2] == 0x93 || (unsigned char)p[i + 2] == 0x94))
            dash = 3; /* en or em dash */
        if (!dash) continue;
        tries++;
        /* "Hit-and-Run": a dash between two word characters is not the separator. */
        if (dash == 1 && i > 0 && i + 1 < len && sl_isalnum((unsigned char)p[i - 1]) &&
            sl_isalnum((unsigned char)p[i + 1]))
            continue;
        sl_slice left = trim_plus(p, i);
        if (!is_dropdown_category(m, r, left)) continue;
        *category = left;
        *detail = trim_plus(p + i + dash, len - i - dash);
        return 1;
    }
    return 0;
}

typedef struct {
    sl_flag *out;
    size_t cap, n;        /* flags written, distinct rules counted */
    uint32_t seen[SEEN_CAP];
    size_t nseen;
    int failed;           /* a match failed (limit, memory): the result is not remembered */
} sl_acc;

static int acc_seen(sl_acc *a, uint32_t rule) {
    for (size_t i = 0; i < a->nseen; i++)
        if (a->seen[i] == rule) return 1;
    return 0;
}

/* Adds a rule's hit unless the rule already has one. */
static void acc_add(sl_acc *a, uint32_t rule, sl_field f, uint32_t start, uint32_t end) {
    if (acc_seen(a, rule)) return;
    if (a->nseen < SEEN_CAP) a->seen[a->nseen++] = rule;
    if (a->n < a->cap) a->out[a->n] = (sl_flag){rule, f, start, end};
    a->n++;
}

/* Matches `text`, a slice of the field's full text starting at byte `base`, and adds each new
 * rule's first hit. */
static void acc_match(sl_acc *a, sl_matcher *m, uint32_t reads, sl_field f, const char *text,
                      size_t len, size_t base) {
    sl_hit hits[HITS_CAP];
    size_t n = 0;
    if (!len) return;
    if (sl_match_reads(m, reads, text, len, hits, HITS_CAP, &n)) {
        a->failed = 1;
        return;
    }
    if (n > HITS_CAP) n = HITS_CAP;
    for (size_t i = 0; i < n; i++)
        acc_add(a, hits[i].rule, f, (uint32_t)(base + hits[i].start),
                (uint32_t)(base + hits[i].end));
}

size_t sl_reason_start(const char *p, size_t len) {
    static const char pre[] = "more like this";
    const size_t n = sizeof pre - 1;
    size_t i = 0;
    if (!p) return 0;
    while (i < len && sl_isspace((unsigned char)p[i])) i++;
    if (len - i < n + 1) return 0;
    for (size_t k = 0; k < n; k++)
        if (sl_tolower((unsigned char)p[i + k]) != (unsigned char)pre[k]) return 0;
    i += n;
    while (i < len && p[i] == ' ') i++;
    if (i >= len || p[i] != ':') return 0;
    sl_slice rest = trim_plus(p + i + 1, len - i - 1);
    return rest.len ? (size_t)(rest.p - p) : 0;
}

/* A dropdown reason is read three ways: its category part by `reads dropdown` rules, its
 * detail by `reads reason` rules, and the whole text by `reads whole` rules (which judge the
 * reason as a whole, e.g. "Other - Not Applicable" says nothing, "Burglary - n/a" does). A
 * legacy reason is one text read by both `reason` and `whole` rules. */
static void classify_reason_now(sl_acc *a, sl_matcher *m, const sl_rules *r, const sl_cell *c) {
    const size_t base = sl_reason_start(c->p, c->len);
    const sl_slice t = {c->p + base, c->len - base};
    sl_slice cat, det;
    if (sl_reason_split_rules(m, r, t.p, t.len, &cat, &det)) {
        acc_match(a, m, SL_READS_DROPDOWN, SL_F_REASON, cat.p, cat.len, (size_t)(cat.p - c->p));
        acc_match(a, m, SL_READS_REASON, SL_F_REASON, det.p, det.len, (size_t)(det.p - c->p));
        acc_match(a, m, SL_READS_WHOLE, SL_F_REASON, t.p, t.len, base);
        return;
    }
    acc_match(a, m, SL_READS_REASON | SL_READS_WHOLE, SL_F_REASON, t.p, t.len, base);
}

/* The reason is read first, so its flags depend on its text alone: reasons repeat massively
 * (dropdown values, one constant reason per agency), and a repeated one is looked up once in
 * the matcher's memo instead of being split and matched three ways again. */
#define REASON_KEY (SL_MEMO_KEY | 1u)

static void classify_reason(sl_acc *a, sl_matcher *m, const sl_rules *r, const sl_cell *c) {
    sl_hit kept[SL_MATCHER_MEMO_HITS];
    size_t n = 0;
    if (sl_matcher_recall(m, REASON_KEY, c->p, c->len, kept, SL_MATCHER_MEMO_HITS, &n)) {
        for (size_t i = 0; i < n; i++)
            acc_add(a, kept[i].rule, SL_F_REASON, kept[i].start, kept[i].end);
        return;
    }
    size_t before = a->n;
    classify_reason_now(a, m, r, c);
    n = a->n - before;
    if (before || a->failed || a->n > a->cap || n > SL_MATCHER_MEMO_HITS) return;
    for (size_t i = 0; i < n; i++)
        kept[i] = (sl_hit){a->out[i].rule, a->out[i].start, a->out[i].end};
    sl_matcher_remember(m, REASON_KEY, c->p, c->len, kept, n);
}

/* Each comma-joined value of a multi-select offense cell is read on its own. */
static void classify_offense(sl_acc *a, sl_matcher *m, const sl_cell *c) {
    size_t i = 0;
    int values = 0;
    while (i <= c->len && values < OFFENSE_VALUES) {
        size_t j = i;
        while (j < c->len && c->p[j] != ',') j++;
        sl_slice v = trim_plus(c->p + i, j - i);
        if (v.len) {
            acc_match(a, m, SL_READS_OFFENSE, SL_F_OFFENSE, v.p, v.len, (size_t)(v.p - c->p));
            values++;
        }
        i = j + 1;
    }
}

size_t sl_classify(sl_matcher *m, const sl_rules *r, const sl_search *s, sl_flag *out,
                   size_t cap) {
    sl_acc a;
    a.out = out;
    a.cap = out ? cap : 0;
    a.n = 0;
    a.nseen = 0;
    a.failed = 0;
    if (!m || !r || !s) return 0;
    const sl_cell *reason = &s->f[SL_F_REASON];
    if (reason->p && sl_classify_reads_state(reason->st)) classify_reason(&a, m, r, reason);
    const sl_cell *off = &s->f[SL_F_OFFENSE];
    if (off->p && sl_classify_reads_state(off->st)) classify_offense(&a, m, off);
    const sl_cell *pr = &s->f[SL_F_TEXT_PROMPT];
    if (pr->p && sl_classify_reads_state(pr->st))
        acc_match(&a, m, SL_READS_PROMPT, SL_F_TEXT_PROMPT, pr->p, pr->len, 0);
    /* The organization's name, by the rules that read it (who searched, not why); names
     * repeat on nearly every row, so the matcher's memo answers almost every time. */
    const sl_cell *org = &s->f[SL_F_ORG];
    if ((r->reads_any & SL_READS_ORG) && org->p && org->st == SL_CELL_VALUE)
        acc_match(&a, m, SL_READS_ORG, SL_F_ORG, org->p, org->len, 0);
    return a.n;
}
