/* test_classify.c: the classifier over the shipped packs (rules/): splitting 2026 dropdown
 * reasons against the dropdown table, reading category part, detail and whole reason with the
 * right rules, multi-select offense cells, prompts, cell states (redacted reasons are not read,
 * placeholders are), de-duplication by rule, the output cap, and the memo of reasons. */
#include "harness.h"

#include "classify.h"
#include "memo_trio.h"

static const sl_rules *R;

static uint32_t rule_id(const char *id) {
    for (size_t i = 0; i < sl_rules_count(R); i++) {
        sl_rule_info ri;
        sl_rules_info(R, i, &ri);
        if (strcmp(ri.id, id) == 0) return (uint32_t)i;
    }
    fprintf(stderr, "no rule %s\n", id);
    return UINT32_MAX;
}

static void blank(sl_search *s) {
    memset(s, 0, sizeof *s);
    for (int f = 0; f < SL_F_COUNT; f++) s->f[f].st = SL_CELL_ABSENT;
}

static void set(sl_search *s, sl_field f, const char *text, sl_cell_state st) {
    s->f[f].p = text;
    s->f[f].len = strlen(text);
    s->f[f].st = st;
}

/* Index of the flag for rule id, or -1. */
static int find(const sl_flag *fl, size_t n, const char *id) {
    uint32_t r = rule_id(id);
    for (size_t i = 0; i < n; i++)
        if (fl[i].rule == r) return (int)i;
    return -1;
}

static void test_split(sl_matcher *m) {
    sl_slice c = {0}, d = {0};
    const char *t = "Immigration (civil/administrative) -";
    CHECK_INT(sl_reason_split_rules(m, R, t, strlen(t), &c, &d), 1);
    CHECK_MEM(c.p, c.len, "Immigration (civil/administrative)");
    CHECK_INT(d.len, 0);

    t = "Other - Not Applicable";
    CHECK_INT(sl_reason_split_rules(m, R, t, strlen(t), &c, &d), 1);
    CHECK_MEM(c.p, c.len, "Other");
    CHECK_MEM(d.p, d.len, "Not Applicable");

    t = "Stolen Vehicle - white honda";
    CHECK_INT(sl_reason_split_rules(m, R, t, strlen(t), &c, &d), 1);
    CHECK_MEM(c.p, c.len, "Stolen Vehicle");
    CHECK_MEM(d.p, d.len, "white honda");
    CHECK_INT(c.p - t, 0);
    CHECK_INT(d.p - t, 17);

    /* The dash inside a category is not the separator. */
    t = "Hit-and-Run - pedestrian";
    CHECK_INT(sl_reason_split_rules(m, R, t, strlen(t), &c, &d), 1);
    CHECK_MEM(c.p, c.len, "Hit-and-Run");
    CHECK_MEM(d.p, d.len, "pedestrian");

    /* Portal URL-encoding and an en dash. */
    t = "Stolen+Vehicle+-+white+honda";
    CHECK_INT(sl_reason_split_rules(m, R, t, strlen(t), &c, &d), 1);
    CHECK_MEM(c.p, c.len, "Stolen+Vehicle");
    CHECK_MEM(d.p, d.len, "white+honda");
    t = "Stolen Vehicle \xe2\x80\x93 grey nissan";
    CHECK_INT(sl_reason_split_rules(m, R, t, strlen(t), &c, &d), 1);
    CHECK_MEM(d.p, d.len, "grey nissan");

    /* Ordinary text with a dash is not split unless the left side is a known category. */
    sl_slice keep = {"x", 1};
    c = d = keep;
    t = "stolen veh - red honda";
    CHECK_INT(sl_reason_split_rules(m, R, t, strlen(t), &c, &d), 0);
    CHECK(c.p == keep.p && d.p == keep.p);
    t = "assist ICE - locate";
    CHECK_INT(sl_reason_split_rules(m, R, t, strlen(t), &c, &d), 0);
    t = "Immigration (civil/administrative)";
    CHECK_INT(sl_reason_split_rules(m, R, t, strlen(t), &c, &d), 0);
    t = "- Other";
    CHECK_INT(sl_reason_split_rules(m, R, t, strlen(t), &c, &d), 0);
    CHECK_INT(sl_reason_split_rules(m, R, "", 0, &c, &d), 0);
    t = "Other - x";
    CHECK_INT(sl_reason_split_rules(m, R, t, strlen(t), &c, &d), 1);
    CHECK_MEM(d.p, d.len, "x");
}

static void test_reason(sl_matcher *m) {
    sl_search s;
    sl_flag fl[16];
    size_t n;

    /* Dropdown category part: the dropdown rule, not the free-text ones (civil, immigra-). */
    blank(&s);
    set(&s, SL_F_REASON, "Immigration (civil/administrative) -", SL_CELL_VALUE);
    n = sl_classify(m, R, &s, fl, 16);
    CHECK_INT(n, 1);
    CHECK_INT(fl[0].rule, rule_id("immigration.dropdown_civil"));
    CHECK_INT(fl[0].field, SL_F_REASON);
    CHECK_INT(fl[0].start, 0);
    CHECK_INT(fl[0].end, 34);

    /* Category and detail both reported; detail spans are relative to the full reason. */
    blank(&s);
    set(&s, SL_F_REASON, "Stolen Vehicle - ICE request", SL_CELL_VALUE);
    n = sl_classify(m, R, &s, fl, 16);
    CHECK_INT(n, 2);
    int a = find(fl, n, "dropdown.stolen_vehicle"), b = find(fl, n, "immigration.ice");
    CHECK(a >= 0 && b >= 0);
    if (a >= 0 && b >= 0) {
        CHECK_INT(fl[a].start, 0);
        CHECK_INT(fl[a].end, 14);
        CHECK_INT(fl[b].start, 17);
        CHECK_INT(fl[b].end, 20);
    }

    /* The whole reason is judged for vagueness: an open category with a placeholder detail. */
    blank(&s);
    set(&s, SL_F_REASON, "Other - Not Applicable", SL_CELL_VALUE);
    n = sl_classify(m, R, &s, fl, 16);
    CHECK_INT(n, 2);
    CHECK(find(fl, n, "dropdown.other") >= 0);
    CHECK(find(fl, n, "vague.placeholder") >= 0);
    blank(&s);
    set(&s, SL_F_REASON, "Burglary - Not Applicable", SL_CELL_VALUE);
    n = sl_classify(m, R, &s, fl, 16);
    CHECK_INT(n, 1);
    CHECK(find(fl, n, "dropdown.burglary") == 0);

    /* A legacy reason is read whole: no dropdown rule, free-text rules fire. */
    blank(&s);
    set(&s, SL_F_REASON, "Immigration (civil/administrative)", SL_CELL_VALUE);
    n = sl_classify(m, R, &s, fl, 16);
    CHECK_INT(n, 1);
    CHECK_INT(fl[0].rule, rule_id("immigration.general"));
    blank(&s);
    set(&s, SL_F_REASON, "police hold on vehicle", SL_CELL_VALUE);
    CHECK_INT(sl_classify(m, R, &s, fl, 16), 0);

    /* Cell states: redacted and empty reasons are not read, placeholders are. */
    blank(&s);
    set(&s, SL_F_REASON, "ICE", SL_CELL_AGENCY_REDACTED);
    CHECK_INT(sl_classify(m, R, &s, fl, 16), 0);
    set(&s, SL_F_REASON, "ICE", SL_CELL_VENDOR_REDACTED);
    CHECK_INT(sl_classify(m, R, &s, fl, 16), 0);
    set(&s, SL_F_REASON, "", SL_CELL_EMPTY);
    CHECK_INT(sl_classify(m, R, &s, fl, 16), 0);
    set(&s, SL_F_REASON, "n/a", SL_CELL_PLACEHOLDER);
    n = sl_classify(m, R, &s, fl, 16);
    CHECK_INT(n, 1);
    CHECK_INT(fl[0].rule, rule_id("vague.placeholder"));
    set(&s, SL_F_REASON, ".", SL_CELL_PLACEHOLDER);
    n = sl_classify(m, R, &s, fl, 16);
    CHECK_INT(n, 1);
    CHECK_INT(fl[0].rule, rule_id("vague.short"));
    set(&s, SL_F_REASON, "REDACTED / ICE hold", SL_CELL_PARTIAL);
    n = sl_classify(m, R, &s, fl, 16);
    CHECK_INT(n, 1);
    CHECK_INT(fl[0].rule, rule_id("immigration.ice_hold"));
    CHECK_INT(fl[0].start, 11);
}

/* The organization's name is read by `reads org` rules only (rules/searcher.rules), and only
 * when it is a value; reason rules do not read it. */
static void test_org(sl_matcher *m) {
    sl_search s;
    sl_flag fl[16];
    size_t n;
    blank(&s);
    set(&s, SL_F_REASON, "burglary", SL_CELL_VALUE);
    set(&s, SL_F_ORG, "[Federal] ICE ERO Dallas", SL_CELL_VALUE);
    n = sl_classify(m, R, &s, fl, 16);
    CHECK_INT(n, 1);
    CHECK_INT(fl[0].rule, rule_id("searcher.immigration_agency"));
    CHECK_INT(fl[0].field, SL_F_ORG);
    CHECK_INT(fl[0].start, 10);
    CHECK_INT(fl[0].end, 13);
    /* an immigration word in the name is not an immigration reason */
    CHECK(find(fl, n, "immigration.ice") < 0);
    set(&s, SL_F_ORG, "[Federal] ATF Phoenix", SL_CELL_VALUE);
    n = sl_classify(m, R, &s, fl, 16);
    CHECK_INT(n, 1);
    CHECK_INT(fl[0].rule, rule_id("searcher.federal_agency"));
    set(&s, SL_F_ORG, "Federal Way WA PD", SL_CELL_VALUE);
    CHECK_INT(sl_classify(m, R, &s, fl, 16), 0);
    set(&s, SL_F_ORG, "[Federal] ICE ERO Dallas", SL_CELL_VENDOR_REDACTED);
    CHECK_INT(sl_classify(m, R, &s, fl, 16), 0);
    /* both ways at once: the reason says ICE, the organization is one */
    set(&s, SL_F_REASON, "ICE hold", SL_CELL_VALUE);
    set(&s, SL_F_ORG, "US Border Patrol", SL_CELL_VALUE);
    n = sl_classify(m, R, &s, fl, 16);
    CHECK_INT(n, 2);
    CHECK(find(fl, n, "immigration.ice_hold") == 0 && find(fl, n, "searcher.immigration_agency") == 1);
    /* packs with no rule that reads names leave the name alone */
    sl_rules *ri = NULL;
    sl_matcher *mi = NULL;
    char err[256];
    CHECK_INT(sl_rules_load(&ri, "rules/immigration.rules", err, sizeof err), SL_OK);
    if (ri && sl_matcher_new(&mi, ri) == SL_OK) {
        set(&s, SL_F_REASON, "burglary", SL_CELL_VALUE);
        set(&s, SL_F_ORG, "ICE", SL_CELL_VALUE);
        CHECK_INT(sl_classify(mi, ri, &s, fl, 16), 0);
        sl_matcher_free(mi);
    }
    sl_rules_free(ri);
}

/* Flock's "More Like This: <reason>": the rest is read as the whole reason, spans stay
 * relative to the full text; the prefix alone, or inside a text, is read as written. */
static void test_more_like_this(sl_matcher *m) {
    sl_search s;
    sl_flag fl[16];
    size_t n;
    static const struct {
        const char *text;
        size_t start;
    } starts[] = {{"More Like This: investigation", 16}, {"more like this:inv", 15},
                  {" MORE LIKE THIS :  Other - n/a", 19}, {"More Like This: ", 0},
                  {"More Like This:", 0}, {"More Like This investigation", 0},
                  {"see More Like This: inv", 0}, {"More Like Th", 0}, {"", 0}};
    for (size_t i = 0; i < SL_ARRAY_LEN(starts); i++)
        CHECK_INT(sl_reason_start(starts[i].text, strlen(starts[i].text)), starts[i].start);
    CHECK_INT(sl_reason_start(NULL, 0), 0);

    blank(&s);
    set(&s, SL_F_REASON, "More Like This: investigation", SL_CELL_VALUE);
    n = sl_classify(m, R, &s, fl, 16);
    CHECK_INT(n, 1);
    CHECK_INT(fl[0].rule, rule_id("vague.placeholder"));
    CHECK_INT(fl[0].start, 16);
    CHECK_INT(fl[0].end, 29);

    /* A dropdown reason behind the prefix is split as one. */
    set(&s, SL_F_REASON, "More Like This: Other - n/a", SL_CELL_VALUE);
    n = sl_classify(m, R, &s, fl, 16);
    CHECK_INT(n, 2);
    int a = find(fl, n, "dropdown.other");
    CHECK(a >= 0 && find(fl, n, "vague.placeholder") >= 0);
    if (a >= 0) CHECK_INT(fl[a].start, 16);

    set(&s, SL_F_REASON, "More Like This: assist ICE", SL_CELL_VALUE);
    n = sl_classify(m, R, &s, fl, 16);
    CHECK_INT(n, 1);
    CHECK_INT(fl[0].rule, rule_id("immigration.ice"));
    CHECK_INT(fl[0].start, 23);

    set(&s, SL_F_REASON, "More Like This: ST2", SL_CELL_VALUE);
    CHECK_INT(sl_classify(m, R, &s, fl, 16), 0);
}

static void test_offense_prompt(sl_matcher *m) {
    sl_search s;
    sl_flag fl[16];
    size_t n;

    /* Multi-select offense: each value read alone, spans relative to the whole cell. */
    blank(&s);
    set(&s, SL_F_OFFENSE, "Stolen Vehicle, Immigration (civil/administrative)", SL_CELL_VALUE);
    n = sl_classify(m, R, &s, fl, 16);
    CHECK_INT(n, 2);
    int a = find(fl, n, "dropdown.stolen_vehicle"), b = find(fl, n, "immigration.dropdown_civil");
    CHECK(a >= 0 && b >= 0);
    if (a >= 0 && b >= 0) {
        CHECK_INT(fl[a].field, SL_F_OFFENSE);
        CHECK_INT(fl[a].start, 0);
        CHECK_INT(fl[a].end, 14);
        CHECK_INT(fl[b].start, 16);
        CHECK_INT(fl[b].end, 50);
    }
    /* "Other" as an offense value is a dropdown value, not a vague reason. */
    set(&s, SL_F_OFFENSE, "Other", SL_CELL_VALUE);
    n = sl_classify(m, R, &s, fl, 16);
    CHECK_INT(n, 1);
    CHECK_INT(fl[0].rule, rule_id("dropdown.other"));
    set(&s, SL_F_OFFENSE, ",, ,", SL_CELL_PLACEHOLDER);
    CHECK_INT(sl_classify(m, R, &s, fl, 16), 0);

    /* Prompt, and de-duplication by rule across fields (first field wins). */
    blank(&s);
    set(&s, SL_F_TEXT_PROMPT, "truck seen near ICE office", SL_CELL_VALUE);
    n = sl_classify(m, R, &s, fl, 16);
    CHECK_INT(n, 1);
    CHECK_INT(fl[0].field, SL_F_TEXT_PROMPT);
    CHECK_INT(fl[0].start, 16);
    set(&s, SL_F_REASON, "assist ICE", SL_CELL_VALUE);
    n = sl_classify(m, R, &s, fl, 16);
    CHECK_INT(n, 1);
    CHECK_INT(fl[0].field, SL_F_REASON);

    /* The cap: the count of rules is returned, at most cap flags are written. */
    blank(&s);
    set(&s, SL_F_REASON, "ICE hold, protest at city hall, custody dispute", SL_CELL_VALUE);
    n = sl_classify(m, R, &s, fl, 16);
    CHECK_INT(n, 3);
    sl_flag one[1];
    CHECK_INT(sl_classify(m, R, &s, one, 1), 3);
    CHECK_INT(one[0].rule, fl[0].rule);
    CHECK_INT(sl_classify(m, R, &s, NULL, 0), 3);
}

/* The matcher's memo keeps a reason's whole classification: a matcher without memo, one with
 * the default memo and one with a 4-slot memo (constant collisions with the per-`reads`
 * entries, constant overwrites) give the same flags for every search, read in an order that
 * repeats each reason with other offenses and prompts and with caps of 1, 2 and 16. */
static void test_memo(const sl_rules *r) {
    static const char *reasons[] = {
        "Immigration (civil/administrative)",
        "Immigration (civil/administrative) - assist ICE with locate",
        "Other - Not Applicable",
        "Stolen Vehicle - white honda",
        "Hit-and-Run - pedestrian",
        "ICE hold, protest at city hall, custody dispute",
        "ICE hold, protest at city hall, custody dispute, abortion clinic, personal, border patrol",
        "police hold on vehicle",
        "investigation",
        "",
        "Other - ICE detainer - HSI",
        "Burglary - n/a",
    };
    static const char *offenses[] = {"", "Immigration (criminal), Other", "Other"};
    static const char *prompts[] = {"", "truck seen near ICE office"};
    sl_matcher *m[3];
    CHECK(memo_trio(r, m));
    if (!m[0]) return;
    sl_matcher *plain = m[0], *dflt = m[1], *tiny = m[2];
    int diff = 0, flagged = 0, many = 0;
    for (uint32_t i = 0; i < 600; i++) {
        sl_search s;
        blank(&s);
        set(&s, SL_F_REASON, reasons[(i * 7) % SL_ARRAY_LEN(reasons)], SL_CELL_VALUE);
        set(&s, SL_F_OFFENSE, offenses[(i / 5) % SL_ARRAY_LEN(offenses)], SL_CELL_VALUE);
        set(&s, SL_F_TEXT_PROMPT, prompts[(i / 3) % SL_ARRAY_LEN(prompts)], SL_CELL_VALUE);
        size_t cap = i % 3 == 0 ? 1 : i % 3 == 1 ? 2 : 16;
        sl_flag a[16], b[16], c[16];
        size_t na = sl_classify(plain, r, &s, a, cap);
        size_t nb = sl_classify(dflt, r, &s, b, cap);
        size_t nc = sl_classify(tiny, r, &s, c, cap);
        size_t kept = na < cap ? na : cap;
        if (na) flagged++;
        if (na > 4) many++;
        if (na != nb || na != nc || memcmp(a, b, kept * sizeof *a) ||
            memcmp(a, c, kept * sizeof *a)) {
            if (diff++ < 5)
                fprintf(stderr, "MEMO MISMATCH on \"%s\" cap %zu: %zu / %zu / %zu flags\n",
                        s.f[SL_F_REASON].p, cap, na, nb, nc);
        }
    }
    CHECK_INT(diff, 0);
    CHECK(flagged > 300); /* the searches do fire rules: the comparison bites */
    CHECK(many > 0);      /* and some fire more rules than the memo keeps */
    memo_trio_free(m);
}

int main(void) {
    sl_rules *r = NULL;
    sl_matcher *m = NULL;
    char err[512];
    if (sl_rules_load(&r, "rules", err, sizeof err) || sl_matcher_new(&m, r)) {
        fprintf(stderr, "cannot load rules: %s\n", err);
        CHECK(0);
        TEST_END();
    }
    R = r;
    test_split(m);
    test_reason(m);
    test_more_like_this(m);
    test_org(m);
    test_offense_prompt(m);
    test_memo(r);
    sl_matcher_free(m);
    sl_rules_free(r);
    TEST_END();
}
