/* test_match.c: differential test of the Hyperscan matcher (lib/match.c) against the slow
 * obvious PCRE2 reference (ref_matcher.h): on every example text of the fixture packs (and of
 * the shipped rules/ when they load) and on a few hundred generated strings, both must report
 * the same rules with the same spans, and agree on which rules fire before group resolution. */
#include "../harness.h"
#include "ref_matcher.h"
#include "sunlight.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

/* Words to build texts from: the traps of BRIEF.md plus every word of every example. */
static const char *base_words[] = {
    "ice", "ICE", "police", "service", "justice", "notice", "price", "office", "slice", "cream",
    "icy", "roads", "hold", "detainer", "pickup", "pick-up", "warrant", "hsi", "HSI", "cbp",
    "immigration", "and", "customs", "enforcement", "homeland", "security", "investigations",
    "deport", "deportation", "sports", "protest", "protesters", "sit-in", "visit", "in", "ex",
    "wife", "press", "charges", "church", "custody", "x", "7", "\xc3\xa9", "_",
};
static const char *seps[] = {" ", " ", " ", "-", ".", ",", "", "  ", "/", "\n", "(", ")", "_"};

typedef struct {
    char **w;
    size_t n, cap;
} wordlist;

static void add_word(wordlist *wl, const char *p, size_t n) {
    if (!n || wl->n >= 4096) return;
    for (size_t i = 0; i < wl->n; i++)
        if (strlen(wl->w[i]) == n && !memcmp(wl->w[i], p, n)) return;
    if (wl->n == wl->cap) {
        size_t nc = wl->cap ? wl->cap * 2 : 64;
        char **q = realloc(wl->w, nc * sizeof *q);
        if (!q) return;
        wl->w = q;
        wl->cap = nc;
    }
    char *s = malloc(n + 1);
    if (!s) return;
    memcpy(s, p, n);
    s[n] = '\0';
    wl->w[wl->n++] = s;
}

typedef struct {
    int texts, mismatches, raw_mismatches;
} diff_stats;

static void fmt_hits(char *out, size_t cap, const sl_rules *r, const uint32_t *rule,
                     const uint32_t *s, const uint32_t *e, size_t n, size_t stride) {
    size_t off = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && off < cap; i++) {
        sl_rule_info ri;
        sl_rules_info(r, rule[i * stride], &ri);
        int k = snprintf(out + off, cap - off, "%s%s@%u-%u", i ? " " : "", ri.id, s[i * stride],
                         e[i * stride]);
        if (k > 0) off += (size_t)k;
    }
}

/* Compares one text; reports the first few mismatches in full. */
static void compare(const sl_rules *r, sl_matcher *m, const ref_matcher *rm, const char *text,
                    size_t len, diff_stats *ds) {
    enum { CAP = 64 };
    sl_hit hs[CAP];
    ref_hit rh[CAP];
    size_t nh = 0;
    ds->texts++;
    sl_status st = sl_match(m, text, len, hs, CAP, &nh);
    int nr = ref_match(rm, text, len, rh, CAP, NULL);
    int same = st == SL_OK && nr >= 0 && (size_t)nr == nh && nh <= CAP;
    for (size_t i = 0; same && i < nh; i++)
        same = hs[i].rule == rh[i].rule && hs[i].start == rh[i].start && hs[i].end == rh[i].end;
    if (same) return;
    if (ds->mismatches++ < 10) {
        char a[1024], b[1024];
        size_t na = nh < CAP ? nh : CAP, nb = nr > 0 ? ((size_t)nr < CAP ? (size_t)nr : CAP) : 0;
        fmt_hits(a, sizeof a, r, &hs[0].rule, &hs[0].start, &hs[0].end, na, 3);
        fmt_hits(b, sizeof b, r, &rh[0].rule, &rh[0].start, &rh[0].end, nb, 3);
        fprintf(stderr, "MISMATCH on \"%.*s\":\n  hyperscan: %s (st %d)\n  reference: %s (n %d)\n",
                (int)len, text, a, (int)st, b, nr);
    }
}

typedef struct {
    const ref_matcher *rm;
    size_t nrules;
    diff_stats *ds;
} ex_ctx;

/* sl_rules_test's verdict (before group resolution) must equal the reference's raw fire. */
static void on_example(void *ud, const sl_example_result *res) {
    ex_ctx *c = ud;
    unsigned char *raw = calloc(c->nrules ? c->nrules : 1, 1);
    ref_hit h[64];
    if (!raw) return;
    int n = ref_match(c->rm, res->text, strlen(res->text), h, 64, raw);
    if (n < 0 || raw[res->rule] != (res->fired != 0)) {
        if (c->ds->raw_mismatches++ < 10)
            fprintf(stderr, "RAW MISMATCH %s:%u \"%s\": engine fired=%d, reference=%d\n",
                    res->file, res->line, res->text, res->fired, n < 0 ? -1 : raw[res->rule]);
    }
    free(raw);
}

static void run_pack(const char *path, int ngen, int must_load) {
    sl_rules *r = NULL;
    char err[512] = "";
    sl_status st = sl_rules_load(&r, path, err, sizeof err);
    if (st) {
        if (must_load) {
            CHECK_INT(st, SL_OK);
            fprintf(stderr, "%s\n", err);
        } else {
            char why[700];
            snprintf(why, sizeof why, "%s does not load here (%s)", path, err);
            SKIP(why);
        }
        return;
    }
    ref_matcher rm;
    if (ref_open(&rm, r, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", path, err);
        CHECK(0);
        sl_rules_free(r);
        return;
    }
    sl_matcher *m = NULL;
    CHECK_INT(sl_matcher_new(&m, r), SL_OK);
    diff_stats ds = {0, 0, 0};
    wordlist wl = {0};
    for (size_t i = 0; i < SL_ARRAY_LEN(base_words); i++)
        add_word(&wl, base_words[i], strlen(base_words[i]));
    for (size_t i = 0; m && i < r->nex; i++) {
        const char *t = r->ex[i].text;
        compare(r, m, &rm, t, strlen(t), &ds);
        /* Split the example into words for the generator. */
        size_t a = 0, n = strlen(t);
        while (a < n) {
            while (a < n && !ref_isalnum((unsigned char)t[a])) a++;
            size_t b = a;
            while (b < n && ref_isalnum((unsigned char)t[b])) b++;
            add_word(&wl, t + a, b - a);
            a = b;
        }
    }
    size_t nex_texts = (size_t)ds.texts;
    char buf[512];
    for (int g = 0; m && g < ngen; g++) {
        size_t len = 0;
        int words = 1 + (int)(next_rand() % 7);
        for (int k = 0; k < words; k++) {
            const char *w = wl.w[next_rand() % wl.n];
            const char *sep = k ? seps[next_rand() % SL_ARRAY_LEN(seps)] : "";
            uint32_t glue = next_rand() % 10; /* sometimes glue letters on: inside-word cases */
            char pre[3] = "", post[3] = "";
            if (glue == 0) memcpy(pre, "xa", 3);
            if (glue == 1) memcpy(post, "s", 2);
            if (glue == 2) memcpy(post, "ly", 3);
            int k2 = snprintf(buf + len, sizeof buf - len, "%s%s%s%s", sep, pre, w, post);
            if (k2 < 0 || (size_t)k2 >= sizeof buf - len) break;
            len += (size_t)k2;
        }
        compare(r, m, &rm, buf, len, &ds);
    }
    ex_ctx c = {&rm, r->nrules, &ds};
    size_t pass = 0, fail = 0;
    CHECK_INT(sl_rules_test(r, on_example, &c, &pass, &fail), SL_OK);
    fprintf(stderr, "%s: %d texts (%zu examples), %d mismatches, %d raw mismatches\n", path,
            ds.texts, nex_texts, ds.mismatches, ds.raw_mismatches);
    CHECK(ds.texts >= ngen);
    CHECK_INT(ds.mismatches, 0);
    CHECK_INT(ds.raw_mismatches, 0);
    for (size_t i = 0; i < wl.n; i++) free(wl.w[i]);
    free(wl.w);
    sl_matcher_free(m);
    ref_close(&rm);
    sl_rules_free(r);
}

/* The reference itself must bite: spot checks with known answers. */
static void test_reference(void) {
    sl_rules *r = NULL;
    char err[256];
    CHECK_INT(sl_rules_load(&r, "tests/data/rules/basic.rules", err, sizeof err), SL_OK);
    if (!r) return;
    ref_matcher rm;
    CHECK_INT(ref_open(&rm, r, err, sizeof err), 0);
    ref_hit h[8];
    CHECK_INT(ref_match(&rm, "police", 6, h, 8, NULL), 0);
    CHECK_INT(ref_match(&rm, "ICE hold", 8, h, 8, NULL), 1);
    CHECK_INT(h[0].rule, 0);
    CHECK_INT(h[0].end, 8);
    CHECK_INT(ref_match(&rm, "ice cream then ICE", 18, h, 8, NULL), 1);
    CHECK_INT(h[0].rule, 1);
    CHECK_INT(h[0].start, 15);
    ref_close(&rm);
    sl_rules_free(r);
}

int main(void) {
    test_reference();
    run_pack("tests/data/rules/basic.rules", 400, 1);
    run_pack("tests/data/rules/multi", 200, 1);
    run_pack("rules", 400, 0);
    TEST_END();
}
