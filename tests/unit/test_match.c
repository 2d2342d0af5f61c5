/* test_match.c: differential test of the Hyperscan matcher (lib/match.c) against the slow
 * obvious PCRE2 reference (ref_matcher.h): on every example text of the fixture packs (and of
 * the shipped rules/ when they load) and on a few hundred generated strings, both must report
 * the same rules with the same spans, and agree on which rules fire before group resolution.
 * Also: the memo of recent texts never changes a result, and the compiled-database cache gives
 * the same matches as a fresh compile and ignores a damaged file. */
#include "../harness.h"
#include "memo_trio.h"
#include "ref_matcher.h"
#include "sunlight.h"
#include "rules.h"

#include <dirent.h>
#include <unistd.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t next_rand(void) { return (uint32_t)(t_xorshift(&rng) >> 11); }

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
    /* The reference knows no `reads`: compare with every rule considered. */
    sl_status st = sl_match_reads(m, SL_READS_EVERY, text, len, hs, CAP, &nh);
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

/* How match.c scans: "ice" has one width, so its start is its end less 3 and it has no
 * start-of-match database of its own; the patterns of varying width each have one. */
static void test_scan_shape(void) {
    sl_rules *R = NULL;
    char err[256];
    CHECK_INT(sl_rules_load(&R, "tests/data/rules/basic.rules", err, sizeof err), SL_OK);
    if (!R) return;
    size_t fixed = 0, own = 0;
    for (size_t i = 0; i < R->npats; i++) {
        const char *e = R->pats[i].expr;
        CHECK(!R->width[i] != !R->som[i]);
        if (!strcmp(e, "ice")) CHECK_INT(R->width[i], 3);
        if (!strcmp(e, "ice\\W+cream") || !strcmp(e, "immigration\\W+and\\W+customs"))
            CHECK(R->som[i] != NULL);
        fixed += R->width[i] != 0;
        own += R->som[i] != NULL;
    }
    CHECK(fixed > 0 && own > 0);
    CHECK_INT(fixed + own, R->npats);
    sl_rules_free(R);
}

/* Generated texts for the memo and cache tests: example words glued with separators, with
 * heavy repetition (as in real exports) and some texts over the memo's length limit. */
static size_t gen_text(const sl_rules *r, char *buf, size_t cap, uint32_t i) {
    size_t len = 0;
    uint32_t x = i % 97 == 0 ? i : i % 61; /* mostly one of 61 recurring texts */
    int words = 1 + (int)(x % 5);
    for (int k = 0; k < words && r->nex; k++) {
        const char *w = r->ex[(x * 7 + (uint32_t)k * 13) % r->nex].text;
        int k2 = snprintf(buf + len, cap - len, "%s%s", k ? " / " : "", w);
        if (k2 < 0 || (size_t)k2 >= cap - len) break;
        len += (size_t)k2;
    }
    if (i % 89 == 0) { /* a long text, never remembered */
        while (len + 10 < cap && len < 300) buf[len++] = 'x';
        len += (size_t)snprintf(buf + len, cap - len, " ice hold");
    }
    return len;
}

static int same_hits(const sl_hit *a, size_t na, const sl_hit *b, size_t nb, size_t cap) {
    if (na != nb) return 0;
    for (size_t i = 0; i < na && i < cap; i++)
        if (a[i].rule != b[i].rule || a[i].start != b[i].start || a[i].end != b[i].end) return 0;
    return 1;
}

/* The memo must never change a result: a matcher without memo, one with the default memo and
 * one with a 4-slot memo over a 256-byte ring (constant collisions and overwrites) agree on
 * every text, for every `reads`, also when the caller's cap is smaller than the hits. */
static void test_memo(const char *path) {
    sl_rules *r = NULL;
    char err[512];
    if (sl_rules_load(&r, path, err, sizeof err) != SL_OK) {
        SKIP("rules do not load for the memo test");
        return;
    }
    sl_matcher *m[3];
    CHECK(memo_trio(r, m));
    if (!m[0]) {
        sl_rules_free(r);
        return;
    }
    sl_matcher *plain = m[0], *dflt = m[1], *tiny = m[2];
    CHECK_INT(sl_matcher_set_memo(tiny, 3, 256), SL_EUSAGE); /* not a power of two */
    static const uint32_t reads[] = {SL_READS_REASON, SL_READS_ALL, SL_READS_EVERY,
                                     SL_READS_DROPDOWN, SL_READS_REASON | SL_READS_WHOLE};
    int diff = 0, fired = 0;
    char buf[600];
    for (uint32_t i = 0; i < 6000; i++) {
        size_t len = gen_text(r, buf, sizeof buf, i);
        uint32_t rd = reads[(i / 3) % SL_ARRAY_LEN(reads)];
        size_t cap = i % 5 == 0 ? 1 : 16;
        sl_hit a[16], b[16], c[16];
        size_t na = 0, nb = 0, nc = 0;
        sl_status sa = sl_match_reads(plain, rd, buf, len, a, cap, &na);
        sl_status sb = sl_match_reads(dflt, rd, buf, len, b, cap, &nb);
        sl_status sc = sl_match_reads(tiny, rd, buf, len, c, cap, &nc);
        if (na) fired++;
        if (sa != sb || sa != sc || !same_hits(a, na, b, nb, cap) || !same_hits(a, na, c, nc, cap)) {
            if (diff++ < 5)
                fprintf(stderr, "MEMO MISMATCH on \"%.*s\" reads %u: %zu / %zu / %zu hits\n",
                        (int)len, buf, rd, na, nb, nc);
        }
    }
    CHECK_INT(diff, 0);
    CHECK(fired > 1000); /* the texts do fire rules: the comparison bites */
    memo_trio_free(m);
    sl_rules_free(r);
}

/* Hits of every generated text, concatenated, for comparing two loads of the same packs. */
static size_t all_hits(const sl_rules *r, sl_hit *out, size_t cap) {
    sl_matcher *m = NULL;
    if (sl_matcher_new(&m, r) != SL_OK) return 0;
    sl_matcher_set_memo(m, 0, 0);
    size_t k = 0;
    char buf[600];
    for (uint32_t i = 0; i < 400; i++) {
        size_t len = gen_text(r, buf, sizeof buf, i * 3 + 1), n = 0;
        sl_hit h[8];
        if (sl_match_reads(m, SL_READS_EVERY, buf, len, h, 8, &n) != SL_OK) break;
        for (size_t j = 0; j < n && j < 8 && k < cap; j++) out[k++] = h[j];
        if (k < cap) out[k++] = (sl_hit){UINT32_MAX, (uint32_t)i, (uint32_t)n};
    }
    sl_matcher_free(m);
    return k;
}

static int remove_dir_files(const char *dir, int corrupt) {
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') continue;
        char f[1024];
        snprintf(f, sizeof f, "%s/%s", dir, de->d_name);
        if (corrupt) {
            /* Flip one byte in the middle of the serialized database. */
            FILE *fp = fopen(f, "r+b");
            if (!fp) continue;
            fseek(fp, 0, SEEK_END);
            long sz = ftell(fp);
            fseek(fp, sz / 2, SEEK_SET);
            int c = fgetc(fp);
            fseek(fp, sz / 2, SEEK_SET);
            fputc(c ^ 0x5a, fp);
            fclose(fp);
        } else {
            remove(f);
        }
        n++;
    }
    closedir(d);
    return n;
}

/* The compiled-database cache: a second load comes from the cache and matches exactly as the
 * first; a corrupted or truncated cache file is ignored (compiled again, same results); and
 * SUNLIGHT_CACHE=off never touches the folder. */
static void test_cache(const char *path) {
    char dir[] = "/tmp/sl_hscache_XXXXXX";
    if (!mkdtemp(dir)) {
        SKIP("no temporary folder for the cache test");
        return;
    }
    char sub[300];
    snprintf(sub, sizeof sub, "%s/deeper/cache", dir); /* created by the library, 0700 */
    const char *old = getenv("SUNLIGHT_CACHE");
    char *saved = old ? strdup(old) : NULL;
    setenv("SUNLIGHT_CACHE", sub, 1);
    enum { CAP = 4000 };
    static sl_hit h1[CAP], h2[CAP], h3[CAP];
    char err[512];
    sl_rules *r1 = NULL, *r2 = NULL, *r3 = NULL, *r4 = NULL;
    CHECK_INT(sl_rules_load(&r1, path, err, sizeof err), SL_OK);
    CHECK_INT(sl_rules_load(&r2, path, err, sizeof err), SL_OK);
    if (r1 && r2) {
        CHECK_INT(r1->db_cached, 0);
        CHECK_INT(r2->db_cached, 1);
        struct stat sb;
        CHECK(stat(sub, &sb) == 0 && (sb.st_mode & 0777) == 0700);
        size_t n1 = all_hits(r1, h1, CAP), n2 = all_hits(r2, h2, CAP);
        CHECK(n1 > 400);
        CHECK(n1 == n2 && !memcmp(h1, h2, n1 * sizeof *h1));
        CHECK_INT(remove_dir_files(sub, 1), 1);
        CHECK_INT(sl_rules_load(&r3, path, err, sizeof err), SL_OK);
        if (r3) {
            CHECK_INT(r3->db_cached, 0);
            size_t n3 = all_hits(r3, h3, CAP);
            CHECK(n1 == n3 && !memcmp(h1, h3, n1 * sizeof *h1));
        }
        /* Rewritten by the load above: good again. */
        CHECK_INT(sl_rules_load(&r4, path, err, sizeof err), SL_OK);
        if (r4) CHECK_INT(r4->db_cached, 1);
        sl_rules_free(r4);
        r4 = NULL;
        /* Cut to half: ignored. */
        DIR *d = opendir(sub);
        struct dirent *de;
        while (d && (de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.') continue;
            char f[1024];
            snprintf(f, sizeof f, "%s/%s", sub, de->d_name);
            if (stat(f, &sb) == 0) CHECK(truncate(f, sb.st_size / 2) == 0);
        }
        if (d) closedir(d);
        CHECK_INT(sl_rules_load(&r4, path, err, sizeof err), SL_OK);
        if (r4) CHECK_INT(r4->db_cached, 0);
        sl_rules_free(r4);
        r4 = NULL;
        /* Off: compiled, nothing written. */
        remove_dir_files(sub, 0);
        setenv("SUNLIGHT_CACHE", "off", 1);
        CHECK_INT(sl_rules_load(&r4, path, err, sizeof err), SL_OK);
        if (r4) CHECK_INT(r4->db_cached, 0);
        CHECK_INT(remove_dir_files(sub, 0), 0);
    }
    sl_rules_free(r1);
    sl_rules_free(r2);
    sl_rules_free(r3);
    sl_rules_free(r4);
    remove_dir_files(sub, 0);
    rmdir(sub);
    snprintf(sub, sizeof sub, "%s/deeper", dir);
    rmdir(sub);
    rmdir(dir);
    if (saved) setenv("SUNLIGHT_CACHE", saved, 1);
    else unsetenv("SUNLIGHT_CACHE");
    free(saved);
}

int main(void) {
    test_reference();
    test_scan_shape();
    test_memo("tests/data/rules/multi");
    if (path_exists("rules")) test_memo("rules");
    test_cache("tests/data/rules/multi");
    run_pack("tests/data/rules/basic.rules", 400, 1);
    run_pack("tests/data/rules/multi", 200, 1);
    run_pack("rules", 400, 0);
    TEST_END();
}
