/* test_rules.c: rule packs: parsing, errors with file:line, groups and priorities, except vs
 * unless, word boundaries on the traps naive matching falls into, explain, examples, pack info.
 * Fixtures: tests/data/rules/. */
#include "../harness.h"
#include "core.h"
#include "sunlight.h"

static const sl_rules *R;

static long rule_index(const sl_rules *r, const char *id) {
    for (size_t i = 0; i < sl_rules_count(r); i++) {
        sl_rule_info ri;
        sl_rules_info(r, i, &ri);
        if (!strcmp(ri.id, id)) return (long)i;
    }
    return -1;
}

/* The ids that fire on text, space-joined, in rule order, each with its span: "id@s-e". */
static const char *fires(sl_matcher *m, uint32_t reads, const char *text) {
    static char out[512];
    sl_hit hits[16];
    size_t n = 99;
    out[0] = '\0';
    sl_status st = sl_match_reads(m, reads, text, strlen(text), hits, 16, &n);
    if (st) return "ERROR";
    size_t off = 0;
    for (size_t i = 0; i < n && i < 16; i++) {
        sl_rule_info ri;
        sl_rules_info(R, hits[i].rule, &ri);
        int k = snprintf(out + off, sizeof out - off, "%s%s@%u-%u", i ? " " : "", ri.id,
                         hits[i].start, hits[i].end);
        if (k > 0) off += (size_t)k;
    }
    return out;
}

static sl_status load_err(const char *path, char *err, size_t errlen) {
    sl_rules *r = NULL;
    sl_status st = sl_rules_load(&r, path, err, errlen);
    CHECK(st == SL_OK ? r != NULL : r == NULL);
    sl_rules_free(r);
    return st;
}

static void test_errors(void) {
    char err[512];
    CHECK_INT(load_err("tests/data/rules/bad_regex.rules", err, sizeof err), SL_ERULES);
    CHECK(strstr(err, "tests/data/rules/bad_regex.rules:10: rule bad.paren: pattern '(foo' does not compile") == err);
    CHECK_INT(load_err("tests/data/rules/bad_duplicate_id.rules", err, sizeof err), SL_ERULES);
    CHECK_STR(err, "tests/data/rules/bad_duplicate_id.rules:8: duplicate rule id 'dup.a' (first "
                   "defined at tests/data/rules/bad_duplicate_id.rules:4)");
    CHECK_INT(load_err("tests/data/rules/bad_unknown_keyword.rules", err, sizeof err), SL_ERULES);
    CHECK_STR(err, "tests/data/rules/bad_unknown_keyword.rules:7: rule unk.a: unknown keyword 'matchh'");
    CHECK_INT(load_err("tests/data/rules/bad_no_pattern.rules", err, sizeof err), SL_ERULES);
    CHECK_STR(err, "tests/data/rules/bad_no_pattern.rules:4: rule nopat.a: no match or match_part pattern");
    CHECK_INT(load_err("tests/data/rules/bad_no_label.rules", err, sizeof err), SL_ERULES);
    CHECK_STR(err, "tests/data/rules/bad_no_label.rules:4: rule nolabel.a: no label");
    CHECK_INT(load_err("tests/data/rules/bad_no_pack.rules", err, sizeof err), SL_ERULES);
    CHECK_STR(err, "tests/data/rules/bad_no_pack.rules:1: the first directive must be 'pack NAME', not 'version'");
    CHECK_INT(load_err("tests/data/rules/bad_threshold.rules", err, sizeof err), SL_ERULES);
    CHECK(strstr(err, "tests/data/rules/bad_threshold.rules:3: threshold must read") == err);
    CHECK_INT(load_err("tests/data/rules/bad_priority.rules", err, sizeof err), SL_ERULES);
    CHECK_STR(err, "tests/data/rules/bad_priority.rules:5: rule pri.a: priority 'high' is not an "
                   "integer in [-1000000, 1000000]");
    /* the counts' own categories: every row, and rows that searched a plate named with --plate */
    CHECK_INT(load_err("tests/data/rules/bad_reserved_category.rules", err, sizeof err), SL_ERULES);
    CHECK_STR(err, "tests/data/rules/bad_reserved_category.rules:5: rule res.a: category "
                   "'named_plate' is kept for the counts' own use");
    CHECK_INT(load_err("tests/data/rules/bad_reserved_pack_category.rules", err, sizeof err), SL_ERULES);
    CHECK_STR(err, "tests/data/rules/bad_reserved_pack_category.rules:3: category 'all' is kept "
                   "for the counts' own use");
    CHECK_INT(load_err("tests/data/rules/bad_empty_match.rules", err, sizeof err), SL_ERULES);
    CHECK(strstr(err, "tests/data/rules/bad_empty_match.rules:5: rule empty.a: pattern 'x*'") == err);
    CHECK_INT(load_err("tests/data/rules/no_such.rules", err, sizeof err), SL_ERULES);
    CHECK(strstr(err, "tests/data/rules/no_such.rules: ") == err);
    /* A descriptive rule may not name a category a finding rule reports: rows flagged for
     * something else would list it while the counts leave them out. */
    CHECK_INT(load_err("tests/data/rules/descriptive_shares_category", err, sizeof err), SL_ERULES);
    CHECK_STR(err, "tests/data/rules/descriptive_shares_category/b_values.rules:6: rule "
                   "values.traffic of a pack with 'finding no' names category low_level_offenses, "
                   "which rule finding.parking (a finding) reports: a descriptive rule needs a "
                   "category of its own");
    /* A folder with no packs at all. */
    CHECK_INT(load_err("tests/data", err, sizeof err), SL_ERULES);
    CHECK_STR(err, "tests/data: no *.rules files in this folder");
    /* A folder holding a bad pack fails as a whole and names the file. */
    CHECK_INT(load_err("tests/data/rules", err, sizeof err), SL_ERULES);
    CHECK(strstr(err, "tests/data/rules/bad_") == err);
}

static void test_folder(void) {
    sl_rules *r = NULL;
    char err[256];
    CHECK_INT(sl_rules_load(&r, "tests/data/rules/multi/", err, sizeof err), SL_OK);
    if (!r) { fprintf(stderr, "%s\n", err); return; }
    CHECK_INT(sl_rules_pack_count(r), 2);
    sl_pack_info pi;
    sl_rules_pack_info(r, 0, &pi); /* sorted by file name: a_first before b_second */
    CHECK_STR(pi.name, "first");
    CHECK_STR(pi.version, "1");
    CHECK_STR(pi.path, "a_first.rules");
    CHECK_STR(pi.category, "personal");
    CHECK_STR(pi.sha256, "aaead6c2b17cffddc05372ec207a80934dfe2e47d8540cace649747fe003b22c");
    sl_rules_pack_info(r, 1, &pi);
    CHECK_STR(pi.name, "second");
    CHECK_STR(pi.version, "2.1");
    CHECK_STR(pi.path, "b_second.rules");
    CHECK_STR(pi.category, "second");
    CHECK(pi.about == NULL);
    CHECK_STR(pi.sha256, "7236d2528c8acfdf3f54b29c1444515653bca32340c29193cdee12517408ff69");
    CHECK_INT(sl_rules_count(r), 2);
    sl_rule_info ri;
    sl_rules_info(r, 0, &ri);
    CHECK_STR(ri.id, "first.ex");
    CHECK_STR(ri.category, "personal");
    CHECK_STR(ri.file, "tests/data/rules/multi/a_first.rules");
    CHECK_INT(ri.line, 5);
    sl_rules_info(r, 1, &ri);
    CHECK_STR(ri.id, "second.protest");
    CHECK_STR(ri.category, "second");
    CHECK(ri.group == NULL);
    CHECK_INT(ri.priority, 100);
    CHECK_INT(ri.reads, SL_READS_ALL);
    size_t pass = 0, fail = 0;
    CHECK_INT(sl_rules_test(r, NULL, NULL, &pass, &fail), SL_OK);
    CHECK_INT(pass, 4);
    CHECK_INT(fail, 0);
    sl_rules_free(r);
}

static void test_info(void) {
    CHECK_INT(sl_rules_count(R), 5);
    sl_rule_info ri;
    sl_rules_info(R, 0, &ri);
    CHECK_STR(ri.id, "immigration.ice_hold");
    CHECK_STR(ri.label, "ICE hold, detainer or pickup");
    CHECK_STR(ri.pack, "immigration");
    CHECK_STR(ri.category, "immigration");
    CHECK_STR(ri.group, "immig");
    CHECK_INT(ri.priority, 10);
    CHECK_STR(ri.means, "Names an ICE hold. Second line.");
    CHECK_STR(ri.matters, "State law; self-help too."); /* a hyphen after a letter goes on */
    CHECK_STR(ri.false_pos, "ice as slang - or a typo."); /* a lone dash does not */
    CHECK_STR(ri.false_neg, "misspellings.");
    CHECK_STR(ri.file, "tests/data/rules/basic.rules");
    CHECK_INT(ri.line, 10);
    sl_rules_info(R, 3, &ri);
    CHECK_STR(ri.id, "immigration.cbp");
    CHECK_INT(ri.reads, SL_READS_REASON | SL_READS_OFFENSE);
    CHECK(ri.means == NULL);
    sl_rules_info(R, 4, &ri);
    CHECK_STR(ri.category, "removal");
    CHECK_INT(ri.reads, SL_READS_PROMPT);

    sl_pack_info pi;
    CHECK_INT(sl_rules_pack_count(R), 1);
    sl_rules_pack_info(R, 0, &pi);
    CHECK_STR(pi.name, "immigration");
    CHECK_STR(pi.version, "3");
    CHECK_STR(pi.path, "basic.rules");
    CHECK_STR(pi.about, "Test pack: immigration enforcement. Second about line.");
    char hex[65];
    CHECK_INT(sl_sha256_file("tests/data/rules/basic.rules", hex), SL_OK);
    CHECK_STR(pi.sha256, hex);
    CHECK_INT(strlen(pi.sha256), 64);

    CHECK_INT(sl_rules_threshold_count(R), 1);
    sl_threshold t;
    sl_rules_threshold(R, 0, &t);
    CHECK_STR(t.category, "immigration");
    CHECK(t.precision == 0.9);
    CHECK(t.recall == 0.75);
    CHECK_STR(t.pack, "immigration");
    CHECK_INT(t.line, 8);
}

static void test_matching(void) {
    sl_matcher *m = NULL;
    CHECK_INT(sl_matcher_new(&m, R), SL_OK);
    if (!m) return;
    /* Word-boundary traps: none of these is ICE. */
    const char *traps[] = {"police", "service", "justice", "notice", "price", "office", "slice",
                           "Police Dept", "POLICE HOLD", "police hold", "police pickup",
                           "ice cream", "Ice Cream social", "icy roads", "ice on icy roads",
                           "icebox", "noticed", "hsiang", "customs"};
    for (size_t i = 0; i < SL_ARRAY_LEN(traps); i++) {
        const char *got = fires(m, SL_READS_ALL, traps[i]);
        if (*got) fprintf(stderr, "trap '%s' fired: %s\n", traps[i], got);
        CHECK_STR(got, "");
    }
    /* Plain hits, with spans. */
    CHECK_STR(fires(m, SL_READS_ALL, "assist ICE"), "immigration.ice@7-10");
    CHECK_STR(fires(m, SL_READS_ALL, "ICE"), "immigration.ice@0-3");
    CHECK_STR(fires(m, SL_READS_ALL, "(ice)"), "immigration.ice@1-4");
    CHECK_STR(fires(m, SL_READS_ALL, "police assist ice."), "immigration.ice@14-17");
    CHECK_STR(fires(m, SL_READS_ALL, "Immigration and Customs Enforcement"),
              "immigration.ice@0-23");
    /* Group: ice_hold (priority 10) beats ice (20); hsi ties ice at 20: earlier rule wins. */
    CHECK_STR(fires(m, SL_READS_ALL, "ICE hold"), "immigration.ice_hold@0-8");
    CHECK_STR(fires(m, SL_READS_ALL, "ice - detainer"), "immigration.ice_hold@0-14");
    CHECK_STR(fires(m, SL_READS_ALL, "HSI and ICE"), "immigration.ice@8-11");
    CHECK_STR(fires(m, SL_READS_ALL, "HSI case"), "immigration.hsi@0-3");
    /* except vetoes only the overlapped match; a later match survives. */
    CHECK_STR(fires(m, SL_READS_ALL, "ice cream then ICE agents"), "immigration.ice@15-18");
    /* unless vetoes the whole rule. */
    CHECK_STR(fires(m, SL_READS_ALL, "ICE warned of icy roads"), "");
    CHECK_STR(fires(m, SL_READS_ALL, "ICE hold; icy roads"), "immigration.ice_hold@0-8");
    /* match_part matches inside words; other rules group independently. */
    CHECK_STR(fires(m, SL_READS_ALL, "xcbpx and ICE"), "immigration.ice@10-13 immigration.cbp@1-4");
    /* reads: cbp reads reason+offense, deport reads prompt. */
    CHECK_STR(fires(m, SL_READS_REASON, "CBP deportation"), "immigration.cbp@0-3");
    CHECK_STR(fires(m, SL_READS_PROMPT, "CBP deportation"), "immigration.deport@4-15");
    CHECK_STR(fires(m, SL_READS_ALL, "CBP deportation"),
              "immigration.cbp@0-3 immigration.deport@4-15");
    CHECK_STR(fires(m, SL_READS_OFFENSE, "ICE hold, deported"), "immigration.ice_hold@0-8");
    /* Many matches: the first surviving span is reported. */
    CHECK_STR(fires(m, SL_READS_ALL, "ice ice ice"), "immigration.ice@0-3");
    /* Empty and odd bytes. */
    CHECK_STR(fires(m, SL_READS_ALL, ""), "");
    CHECK_STR(fires(m, SL_READS_ALL, "\xff\xfe ICE \xc3"), "immigration.ice@3-6");
    CHECK_STR(fires(m, SL_READS_ALL, "caf\xc3\xa9ice"), "immigration.ice@5-8");
    /* cap smaller than the number of hits: n still counts them all. */
    sl_hit h[1];
    size_t n = 0;
    const char *t = "xcbpx and ICE";
    CHECK_INT(sl_match(m, t, strlen(t), h, 1, &n), SL_OK);
    CHECK_INT(n, 2);
    CHECK_INT(h[0].rule, rule_index(R, "immigration.ice"));
    sl_matcher_free(m);
}

typedef struct {
    char log[2048];
    size_t off;
} explain_log;

static void on_explain(void *ud, const sl_explain_event *e) {
    explain_log *x = ud;
    static const char *kinds[] = {"MATCH", "VETO", "SUPPRESS", "FIRE", "NOT_A_WORD"};
    if ((unsigned)e->kind >= sizeof kinds / sizeof kinds[0]) {
        t_fail++;
        fprintf(stderr, "unknown explain event kind %d\n", (int)e->kind);
        return;
    }
    sl_rule_info ri;
    sl_rules_info(R, e->rule, &ri);
    int k = snprintf(x->log + x->off, sizeof x->log - x->off, "%s %s '%s' %u-%u", kinds[e->kind],
                     ri.id, e->pattern, e->start, e->end);
    if (k > 0) x->off += (size_t)k;
    if (e->by) {
        k = snprintf(x->log + x->off, sizeof x->log - x->off, " by '%s' %u-%u", e->by,
                     e->by_start, e->by_end);
        if (k > 0) x->off += (size_t)k;
    }
    if (x->off < sizeof x->log - 1) x->log[x->off++] = '\n';
    x->log[x->off] = '\0';
}

static void test_explain(void) {
    explain_log x = {{0}, 0};
    const char *t = "ice cream, then ICE hold";
    CHECK_INT(sl_rules_explain(R, t, strlen(t), on_explain, &x), SL_OK);
    CHECK_STR(x.log,
              "MATCH immigration.ice_hold 'ice\\W{0,3}(hold|detainer|warrant|pick\\W?up)' 16-24\n"
              "MATCH immigration.ice 'ice' 0-3\n"
              "VETO immigration.ice 'ice' 0-3 by 'ice\\W+cream' 0-9\n"
              "MATCH immigration.ice 'ice' 16-19\n"
              "FIRE immigration.ice_hold 'ice\\W{0,3}(hold|detainer|warrant|pick\\W?up)' 16-24\n"
              "SUPPRESS immigration.ice 'ice' 16-19 by 'immigration.ice_hold' 16-24\n");
    explain_log y = {{0}, 0};
    t = "ICE on icy roads";
    CHECK_INT(sl_rules_explain(R, t, strlen(t), on_explain, &y), SL_OK);
    CHECK_STR(y.log, "MATCH immigration.ice 'ice' 0-3\n"
                     "VETO immigration.ice 'ice' 0-3 by 'icy\\W+roads' 7-16\n");
    explain_log z = {{0}, 0};
    t = "police notice";
    CHECK_INT(sl_rules_explain(R, t, strlen(t), on_explain, &z), SL_OK);
    /* The "ice" inside police and notice is shown as refused by the word-boundary rule. */
    CHECK_STR(z.log, "NOT_A_WORD immigration.ice 'ice' 3-6\n"
                     "NOT_A_WORD immigration.ice 'ice' 10-13\n");
    /* A pattern of varying width that ends inside a word: a scan skips its start-of-match
     * pass (no start can save it), explain must not, to show it. */
    explain_log w = {{0}, 0};
    t = "notice holder";
    CHECK_INT(sl_rules_explain(R, t, strlen(t), on_explain, &w), SL_OK);
    CHECK_STR(w.log, "NOT_A_WORD immigration.ice 'ice' 3-6\n"
                     "NOT_A_WORD immigration.ice_hold 'ice\\W{0,3}(hold|detainer|warrant|pick\\W?up)' 3-11\n");
}

typedef struct {
    int n;
    char first[256];
} fail_log;

static void on_example(void *ud, const sl_example_result *res) {
    fail_log *f = ud;
    if (res->fired == res->expect_fire) return;
    if (f->n++ == 0)
        snprintf(f->first, sizeof f->first, "%s:%u %u %d \"%s\"", res->file, res->line, res->rule,
                 res->expect_fire, res->text);
}

static void test_examples(void) {
    size_t pass = 0, fail = 0;
    fail_log fl = {0, ""};
    CHECK_INT(sl_rules_test(R, on_example, &fl, &pass, &fail), SL_OK);
    CHECK_INT(pass, 25);
    CHECK_INT(fail, 0);
    CHECK_INT(fl.n, 0);
    if (fl.n) fprintf(stderr, "first failure: %s\n", fl.first);

    sl_rules *r = NULL;
    char err[256];
    CHECK_INT(sl_rules_load(&r, "tests/data/rules/failing_examples.rules", err, sizeof err), SL_OK);
    if (!r) return;
    fail_log f2 = {0, ""};
    CHECK_INT(sl_rules_test(r, on_example, &f2, &pass, &fail), SL_OK);
    CHECK_INT(pass, 1);
    CHECK_INT(fail, 2);
    CHECK_INT(f2.n, 2);
    CHECK_STR(f2.first, "tests/data/rules/failing_examples.rules:6 0 1 \"police\"");
    sl_rules_free(r);
}

int main(void) {
    sl_rules *r = NULL;
    char err[512] = "";
    sl_status st = sl_rules_load(&r, "tests/data/rules/basic.rules", err, sizeof err);
    CHECK_INT(st, SL_OK);
    if (st) {
        fprintf(stderr, "cannot load basic.rules: %s\n", err);
        TEST_END();
    }
    R = r;
    test_info();
    test_matching();
    test_explain();
    test_examples();
    test_errors();
    test_folder();
    sl_rules_free(r);
    TEST_END();
}
