/* test_cell.c: cell states (BRIEF.md "Cells and values"): empty, vendor and agency redaction,
 * statutes typed in place of a value, partial redaction, placeholders, and the values that
 * must stay values (wildcard plates, "Test drive stolen", penal-code reasons). */
#include "cell.h"
#include "../harness.h"

#include <stdint.h>
#include <stdlib.h>


#define ST(field, text, want)                                                                 \
    do {                                                                                      \
        const char *s_ = (text);                                                              \
        sl_cell_state got_ = sl_cell_classify((field), s_, strlen(s_));                       \
        if (got_ == (want)) t_pass++;                                                         \
        else {                                                                                \
            t_fail++;                                                                         \
            fprintf(stderr, "%s:%d: [%s] \"%s\" is %s, expected %s\n", __FILE__, __LINE__,    \
                    sl_field_name(field), s_, sl_cell_state_name(got_), sl_cell_state_name(want)); \
        }                                                                                     \
    } while (0)

/* The caller trims; check that a trimmed leading-space variant classifies the same. */
static sl_cell_state trimmed(sl_field f, const char *s)
{
    sl_slice t = sl_trim((sl_slice){s, strlen(s)});
    return sl_cell_classify(f, t.p, t.len);
}

static void test_empty(void)
{
    ST(SL_F_REASON, "", SL_CELL_EMPTY);
    ST(SL_F_REASON, " ", SL_CELL_EMPTY);
    ST(SL_F_REASON, " \t\r\n ", SL_CELL_EMPTY);
    ST(SL_F_REASON, "\xC2\xA0", SL_CELL_EMPTY); /* NBSP */
    ST(SL_F_PLATE, "", SL_CELL_EMPTY);
    ST(SL_F_NETWORKS, "  ", SL_CELL_EMPTY);
    CHECK_INT(sl_cell_classify(SL_F_REASON, NULL, 0), SL_CELL_EMPTY);
}

static void test_vendor(void)
{
    ST(SL_F_NAME, "***", SL_CELL_VENDOR_REDACTED);
    ST(SL_F_PLATE, "***", SL_CELL_VENDOR_REDACTED);
    ST(SL_F_FILTERS, "***", SL_CELL_VENDOR_REDACTED);
    ST(SL_F_USER_ID, "***", SL_CELL_VENDOR_REDACTED);
    ST(SL_F_REASON, "********", SL_CELL_VENDOR_REDACTED);
    ST(SL_F_PLATE, "*******", SL_CELL_VENDOR_REDACTED);
    ST(SL_F_NAME, " ***", SL_CELL_VENDOR_REDACTED);
    CHECK_INT(trimmed(SL_F_NAME, "  ***  "), SL_CELL_VENDOR_REDACTED);
    ST(SL_F_REASON, "*** / ***", SL_CELL_VENDOR_REDACTED);
    ST(SL_F_REASON, "*", SL_CELL_PLACEHOLDER);
    ST(SL_F_REASON, "**", SL_CELL_PLACEHOLDER);
}

static void test_agency(void)
{
    const char *forms[] = {
        "REDACTED", "redacted", "Redacted", "[REDACTED]", "(REDACTED)", "<redacted>",
        "\"Redacted\"", "{Redacted}", "REDACTED.", "[Redacted]:", "\xE2\x80\x9CRedacted\xE2\x80\x9D",
        "###", "#####", "# # #", "* * *", "*  *  *", "** **",
        "\xE2\x96\x88\xE2\x96\x88\xE2\x96\x88",             /* ███ */
        "\xE2\x96\x88",                                      /* █ */
        "\xE2\x96\x88\xE2\x96\x88 \xE2\x96\x88\xE2\x96\x88", /* ██ ██ */
        "\xE2\x96\x87\xE2\x96\x87",                          /* ▇▇ */
        "\xE2\x96\xA0\xE2\x96\xA0\xE2\x96\xA0",             /* ■■■ */
        "Withheld", "WITHHELD", "EXEMPT", "Exempt", "exemption",
        "Redacted per CPRA", "Redacted - privacy", "Withheld per public records act",
        "7923.600 GC", "GC 7923.600", "Gov. Code 7923.600", "Gov Code \xC2\xA7 7923.600",
        "Government Code section 7923.600", "GC \xC2\xA7""7923.600(a)", "G.C. 7927.705",
        "GC 6254(f)", "Gov. Code 6254(k)", "Cal. Gov. Code \xC2\xA7 6254(f)",
        "RCW 42.56.240", "RCW 42.56.240(1)", "5 ILCS 140/7(1)(d)", "5 ILCS 140/7(1)(c)",
        "ORS 192.345", "ORS 192.345(3)", "5 U.S.C. 552(b)(7)(C)", "5 USC \xC2\xA7 552(b)(6)",
        "CGS 1-210(b)(3)", "M.G.L. c. 4, \xC2\xA7 7(26)(f)", "G.L. c. 4 \xC2\xA7 7(26)",
        "Exempt per GC 7923.600", "Exempt per PC 832.7", "Exempt under RCW 42.56.240",
        "Exempt pursuant to Gov. Code 7923.600", "Withheld - 5 ILCS 140/7(1)(d)",
        "Exempt 7923.600", "REDACTED GC 7923.600", "[REDACTED] - GC 7923.600",
        "Redacted per Gov Code", "CPRA 7923.600", "Exempt per CPRA",
        "\xE2\x96\x88\xE2\x96\x88\xE2\x96\x88 GC 7923.600",
        "### / ###",
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(forms); i++) ST(SL_F_REASON, forms[i], SL_CELL_AGENCY_REDACTED);
    ST(SL_F_NAME, "REDACTED", SL_CELL_AGENCY_REDACTED);
    ST(SL_F_PLATE, "REDACTED", SL_CELL_AGENCY_REDACTED);
    ST(SL_F_PLATE, "###", SL_CELL_AGENCY_REDACTED);
    ST(SL_F_PLATE, "* * *", SL_CELL_AGENCY_REDACTED);
    ST(SL_F_CASE, "GC 7923.600", SL_CELL_AGENCY_REDACTED);
    ST(SL_F_ORG, "[REDACTED]", SL_CELL_AGENCY_REDACTED);
    ST(SL_F_NETWORKS, "REDACTED", SL_CELL_AGENCY_REDACTED);
    /* Leading-space variants, once trimmed. */
    CHECK_INT(trimmed(SL_F_REASON, " REDACTED"), SL_CELL_AGENCY_REDACTED);
    CHECK_INT(trimmed(SL_F_REASON, "\xC2\xA0[REDACTED] "), SL_CELL_AGENCY_REDACTED);
    CHECK_INT(trimmed(SL_F_REASON, "   7923.600 GC"), SL_CELL_AGENCY_REDACTED);
    ST(SL_F_REASON, " REDACTED", SL_CELL_AGENCY_REDACTED); /* classify trims too */
}

static void test_partial(void)
{
    const char *forms[] = {
        "REDACTED / 459 SUS", "[REDACTED] stolen vehicle", "J. [REDACTED]",
        "REDACTED 459", "Stolen vehicle (REDACTED)", "*** / 459 SUS", "stolen * * * vehicle",
        "\xE2\x96\x88\xE2\x96\x88\xE2\x96\x88 stolen", "Smith \xE2\x96\x88\xE2\x96\x88",
        "REDACTED / 10851 VC", "### stolen", "Case ###-1234", "GC 7923.600 stolen vehicle",
        "Withheld / missing person", "Redacted 7923.600", "Suspect J*** in stolen car",
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(forms); i++) ST(SL_F_REASON, forms[i], SL_CELL_PARTIAL);
    ST(SL_F_NAME, "J***", SL_CELL_PARTIAL);
    ST(SL_F_NAME, "J. ***", SL_CELL_PARTIAL);
    ST(SL_F_NAME, "John S**", SL_CELL_PARTIAL);
    ST(SL_F_NAME, "J*", SL_CELL_PARTIAL);
    ST(SL_F_NAME, "Sm***h, John", SL_CELL_PARTIAL);
    ST(SL_F_ORG, "[REDACTED] PD", SL_CELL_PARTIAL);
    ST(SL_F_CASE, "25-REDACTED", SL_CELL_VALUE); /* marker glued into a token: not recognised */
    ST(SL_F_CASE, "25 - REDACTED", SL_CELL_PARTIAL);
}

static void test_placeholder(void)
{
    const char *forms[] = {
        "none", "None", "NONE", "n/a", "N/A", "na", "NA", "N.A.", "N / A", "null", "NULL", "nil",
        "-", "--", "---", "x", "X", "xx", "XX", "test", "Test", "TEST", "0", "00", ".", "?",
        "...", "no reason", "No Reason", "unknown", "Unknown", "(none)", "--none--", "<null>",
        "!", "/", "\xE2\x80\x94", "N/A.", "not applicable", "\xE2\x80\x94\xE2\x80\x94", "_", "#",
        "##", "* *", "\xC2\xA7",
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(forms); i++) ST(SL_F_REASON, forms[i], SL_CELL_PLACEHOLDER);
    ST(SL_F_CASE, "0", SL_CELL_PLACEHOLDER);
    ST(SL_F_CASE, "000", SL_CELL_PLACEHOLDER);
    ST(SL_F_CASE, "N/A", SL_CELL_PLACEHOLDER);
    ST(SL_F_CASE, "none", SL_CELL_PLACEHOLDER);
    ST(SL_F_NAME, "test", SL_CELL_PLACEHOLDER);
    ST(SL_F_PLATE, "x", SL_CELL_PLACEHOLDER);
    ST(SL_F_NETWORKS, "-", SL_CELL_PLACEHOLDER);
    ST(SL_F_NETWORKS, "n/a", SL_CELL_PLACEHOLDER);
    CHECK_INT(trimmed(SL_F_REASON, "  n/a  "), SL_CELL_PLACEHOLDER);
}

static void test_value(void)
{
    const char *forms[] = {
        "Test drive stolen", "test drive", "Stolen vehicle", "459 PC", "PC 459", "10851 VC",
        "11350 HS", "459 SUS", "RCW 46.61.502", "ORS 811.700", "GC investigation", "Exempt vehicle",
        "investigation", "Investigation - stolen", "x ray", "None of your business? no: stolen",
        "ICE", "homicide 25-1234", "Immigration (civil/administrative) -", "Other - Not Applicable",
        "Kidnapping / Amber Alert", "stolen * vehicle", "stolen ** urgent", "Case #23-1234",
        "Redaction request followup? no", "CPRA", "FOIA request", "Gov", "1", "7923.600",
        "Jos\xC3\xA9", "\xE5\xBC\xA0\xE4\xBC\x9F", "5 ILCS 70/1 stolen", "unknown suspect",
        "none given? yes stolen", "testing 123", "N/A stolen", "0 stolen", "GC 6200", "GC 1234",
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(forms); i++) ST(SL_F_REASON, forms[i], SL_CELL_VALUE);
    /* Counts: zero is a value. */
    ST(SL_F_NETWORKS, "0", SL_CELL_VALUE);
    ST(SL_F_DEVICES, "0", SL_CELL_VALUE);
    ST(SL_F_NETWORKS, "00", SL_CELL_VALUE);
    ST(SL_F_NETWORKS, "1,234", SL_CELL_VALUE);
    ST(SL_F_DEVICES, "2510", SL_CELL_VALUE);
    /* Plates and filters: '*' is a wildcard. */
    ST(SL_F_PLATE, "ABC*123", SL_CELL_VALUE);
    ST(SL_F_PLATE, "*BC123", SL_CELL_VALUE);
    ST(SL_F_PLATE, "ABC***", SL_CELL_VALUE);
    ST(SL_F_PLATE, "***123", SL_CELL_VALUE);
    ST(SL_F_PLATE, "7ABC123", SL_CELL_VALUE);
    ST(SL_F_PLATE, "A?C123", SL_CELL_VALUE);
    ST(SL_F_FILTERS, "Make: Toyota*, Color: Red", SL_CELL_VALUE);
    ST(SL_F_FILTERS, "plate ABC***", SL_CELL_VALUE);
    ST(SL_F_NAME, "John Smith", SL_CELL_VALUE);
    ST(SL_F_NAME, "J. Smith", SL_CELL_VALUE);
    ST(SL_F_ORG, "Houston TX PD", SL_CELL_VALUE);
    ST(SL_F_ORG, "[Federal] DHS HSI", SL_CELL_VALUE);
    ST(SL_F_ORG, "Sonoma County CA SO [Inactive]", SL_CELL_VALUE);
    ST(SL_F_CASE, "25-1234", SL_CELL_VALUE);
    ST(SL_F_CASE, "0123", SL_CELL_VALUE);
    ST(SL_F_ID, "5869ce7e-98f2-47e7-a3c2-5e6bff4def4a", SL_CELL_VALUE);
    ST(SL_F_SEARCH_TIME, "6/1/2025, 1:02:03 PM UTC", SL_CELL_VALUE);
    ST(SL_F_TIME_FRAME, "6/1/2025, 12:00:00 PM UTC\n6/2/2025, 6:00:00 AM UTC", SL_CELL_VALUE);
    ST(SL_F_SEARCH_TYPE, "lookup - Mobile", SL_CELL_VALUE);
    ST(SL_F_MODERATION, "allow", SL_CELL_VALUE);
}

/* The fast path for plain ASCII cells must decide exactly as the full scan: a differential
 * test over generated cells made of the fragments that matter (codes, acronyms, markers,
 * section numbers, masks, mixed case numbers, placeholders, separators, non-ASCII). */
static uint64_t rng_state = 0x2545F4914F6CDD1Dull;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 17);
}

static void test_fast_path(void)
{
    static const char *const frag[] = {
        "7923.600", "GC", "gov", "Gov't", "Code", "6254(f)", "FOIA", "cpra", "U.S.C.", "552",
        "(b)(7)(C)", "REDACTED", "redacted", "Withheld", "exempt", "exemption", "per", "pursuant",
        "to", "459", "PC", "SUS", "VC", "0", "000", "SO25-22861", "2025-67236875", "ABC123",
        "stolen", "vehicle", "N/A", "na", "none", "test", "Test drive", "unk", "x", "ICE", "hold",
        "42.56.240", "RCW", "140/7(1)(d)", "ILCS", "192.345", "ORS", "Mariposa County NM SO",
        "***", "*", "#", "###", "J***", "\xc2\xa7", "\xc2\xa0", "\xe2\x96\x88", "caf\xc3\xa9",
        "[", "]", "(", ")", "\"", "'", "-", ".", "--none--", "12:00", "unredacted", "nonexempt",
        "Sect.", "ch", "a", "and", "Cal.", "Penal", "1-210(b)(3)", "66", "MGL", "7(26)",
    };
    static const char *const sep[] = {" ", " ", "", ",", ", ", "/", ";", "|", "-", " - ", ".", "\t"};
    static const sl_field fields[] = {SL_F_REASON, SL_F_NAME, SL_F_ORG, SL_F_PLATE, SL_F_CASE,
                                      SL_F_FILTERS, SL_F_NETWORKS, SL_F_USER_ID};
    int diff = 0, seen[SL_CELL__COUNT] = {0};
    char buf[256];
    for (int it = 0; it < 200000; it++) {
        size_t len = 0;
        int parts = 1 + (int)(rnd() % 4);
        for (int k = 0; k < parts; k++) {
            const char *sp = k ? sep[rnd() % SL_ARRAY_LEN(sep)] : "";
            const char *w = frag[rnd() % SL_ARRAY_LEN(frag)];
            int n = snprintf(buf + len, sizeof buf - len, "%s%s", sp, w);
            if (n < 0 || (size_t)n >= sizeof buf - len) break;
            len += (size_t)n;
        }
        sl_field f = fields[rnd() % SL_ARRAY_LEN(fields)];
        sl_slice t = sl_trim((sl_slice){buf, len});
        sl_cell_state a = sl_cell_classify(f, t.p, t.len);
        sl_cell_state b = sl_cell_classify_full(f, t.p, t.len);
        if ((int)a >= 0 && a < SL_CELL__COUNT) seen[a]++;
        if (a != b && diff++ < 10)
            fprintf(stderr, "FAST PATH MISMATCH [%s] \"%.*s\": %s, full scan %s\n",
                    sl_field_name(f), (int)t.len, t.p, sl_cell_state_name(a),
                    sl_cell_state_name(b));
    }
    CHECK_INT(diff, 0);
    /* The generated cells reach every decision, so the comparison bites. */
    CHECK(seen[SL_CELL_VALUE] > 1000);
    CHECK(seen[SL_CELL_PLACEHOLDER] > 100);
    CHECK(seen[SL_CELL_AGENCY_REDACTED] > 100);
    CHECK(seen[SL_CELL_PARTIAL] > 100);
    CHECK(seen[SL_CELL_VENDOR_REDACTED] > 10);
}

/* The memo returns what sl_cell_classify returns, whatever the order of lookups: texts that
 * share a slot and alternate in it, texts alike in the words the hash reads (same first,
 * middle and last eight bytes, or short texts one byte apart), more texts than slots, fields
 * that stop being looked up and start again, and texts too long to keep. */
static void test_memo(void)
{
    static const char *const stems[] = {
        "***", "REDACTED", "n/a", "none", "Alder Creek CA PD", "7923.600 GC", "REDACTED / 459 SUS",
        "Stolen Vehicle - 10851 VC", "x", "lookup", "search - Mobile", "###", "test",
        "Make: Ford, Model: F-150", "Other - Not Applicable", "0", "abcdefghabcdefghabcdefgh",
    };
    sl_cell_memo *m = calloc(1, sizeof *m);
    if (!m) {
        CHECK(m != NULL);
        return;
    }
    static const sl_field fields[] = {SL_F_REASON, SL_F_NAME, SL_F_ORG, SL_F_PLATE, SL_F_CASE,
                                      SL_F_FILTERS, SL_F_NETWORKS, SL_F_SEARCH_TYPE};
    int diff = 0;
    char buf[128];
    for (int it = 0; it < 400000; it++) {
        size_t len;
        uint64_t r = rnd() | (uint64_t)rnd() << 32;
        const char *stem = stems[r % SL_ARRAY_LEN(stems)];
        size_t sl = strlen(stem);
        if (it % 3 == 0) {
            /* unique-ish texts: case numbers, more of them than slots */
            len = (size_t)snprintf(buf, sizeof buf, "CR%u-%u", (unsigned)(r >> 8) % 30,
                                   (unsigned)(rnd() % 20000));
        } else if (it % 3 == 1) {
            /* a stem with one byte changed inside: same first and last words when long */
            memcpy(buf, stem, sl);
            len = sl;
            if (sl > 2 && (r >> 20) % 2) buf[1 + (r >> 24) % (sl - 2)] = (char)('#' + (r >> 32) % 60);
        } else {
            /* a stem repeated: up to 90 bytes, past what the memo keeps */
            size_t times = 1 + (r >> 16) % 5;
            len = 0;
            for (size_t k = 0; k < times && len + sl + 1 < sizeof buf; k++) {
                memcpy(buf + len, stem, sl);
                len += sl;
                buf[len++] = ' ';
            }
            len--;
        }
        sl_field f = fields[rnd() % SL_ARRAY_LEN(fields)];
        sl_cell_state a = sl_cell_classify_memo(m, f, buf, len);
        sl_cell_state b = sl_cell_classify(f, buf, len);
        if (a != b && diff++ < 10)
            fprintf(stderr, "MEMO MISMATCH [%s] \"%.*s\": %s, classify %s\n", sl_field_name(f),
                    (int)len, buf, sl_cell_state_name(a), sl_cell_state_name(b));
    }
    CHECK_INT(diff, 0);
    /* Two texts in turn, whatever slot they land in: each keeps its own answer. */
    for (int k = 0; k < 100; k++) {
        CHECK_INT(sl_cell_classify_memo(m, SL_F_REASON, "REDACTED", 8), SL_CELL_AGENCY_REDACTED);
        CHECK_INT(sl_cell_classify_memo(m, SL_F_REASON, "REDACTEE", 8), SL_CELL_VALUE);
        CHECK_INT(sl_cell_classify_memo(m, SL_F_REASON, "n/a", 3), SL_CELL_PLACEHOLDER);
        CHECK_INT(sl_cell_classify_memo(m, SL_F_REASON, "n/b", 3), SL_CELL_VALUE);
        CHECK_INT(sl_cell_classify_memo(m, SL_F_NETWORKS, "0", 1), SL_CELL_VALUE);
        CHECK_INT(sl_cell_classify_memo(m, SL_F_REASON, "0", 1), SL_CELL_PLACEHOLDER);
    }
    /* The same text in two fields, in turn (the vendor's mask as name and as plate on every
     * row): two slots, so neither field is judged too varied to look up. */
    memset(m, 0, sizeof *m);
    int turn_diff = 0;
    for (int k = 0; k < 3 * SL_CELL_MEMO_WINDOW; k++) {
        turn_diff += sl_cell_classify_memo(m, SL_F_NAME, "***", 3) != SL_CELL_VENDOR_REDACTED;
        turn_diff += sl_cell_classify_memo(m, SL_F_PLATE, "***", 3) != SL_CELL_VENDOR_REDACTED;
        turn_diff += sl_cell_classify_memo(m, SL_F_ORG, "Alder Creek CA PD", 17) != SL_CELL_VALUE;
        turn_diff += sl_cell_classify_memo(m, SL_F_REASON, "Alder Creek CA PD", 17) != SL_CELL_VALUE;
    }
    CHECK_INT(turn_diff, 0);
    CHECK_INT(m->skip[SL_F_NAME] + m->skip[SL_F_PLATE] + m->skip[SL_F_ORG] + m->skip[SL_F_REASON], 0);
    CHECK(m->hits[SL_F_PLATE] > 0);

    /* A field whose cells never repeat is left out for a while, with the same answers. */
    int bypass_diff = 0;
    for (int k = 0; k < 3 * SL_CELL_MEMO_WINDOW; k++) {
        int n = snprintf(buf, sizeof buf, "2025-%07d", k);
        if (sl_cell_classify_memo(m, SL_F_CASE, buf, (size_t)n) != SL_CELL_VALUE) bypass_diff++;
    }
    CHECK_INT(bypass_diff, 0);
    CHECK(m->skip[SL_F_CASE] > 0);
    CHECK_INT(sl_cell_classify_memo(m, SL_F_CASE, "n/a", 3), SL_CELL_PLACEHOLDER);
    CHECK_INT(sl_cell_classify_memo(NULL, SL_F_REASON, "***", 3), SL_CELL_VENDOR_REDACTED);

    /* The comparison behind the hash: any one byte changed anywhere is told apart. */
    int same_bad = 0;
    for (size_t n = 1; n <= SL_CELL_MEMO_TEXT; n++) {
        char x[SL_CELL_MEMO_TEXT], y[SL_CELL_MEMO_TEXT];
        for (size_t i = 0; i < n; i++) x[i] = (char)('a' + i % 26);
        for (size_t i = 0; i < n; i++) {
            memcpy(y, x, n);
            y[i] = '#';
            if (n >= SL_CELL_MEMO_MIN ? sl_cell_memo_same(x, y, n)
                                      : sl_cell_memo_short_key(x, n) == sl_cell_memo_short_key(y, n))
                same_bad++;
        }
        if (n >= SL_CELL_MEMO_MIN ? !sl_cell_memo_same(x, x, n)
                                  : sl_cell_memo_short_key(x, n) != sl_cell_memo_short_key(x, n))
            same_bad++;
    }
    CHECK_INT(same_bad, 0);
    /* A slot holding another text under the same hash (a collision, made by hand): the lookup
     * must classify rather than take the slot's answer. */
    static const char *const coll[] = {"Alder Creek CA PD", "REDACTED", "n/a", "allow",
                                       "abcdefghijklmnopqrstuvwxyz0123456789"};
    for (size_t k = 0; k < SL_ARRAY_LEN(coll); k++) {
        const char *t = coll[k];
        size_t n = strlen(t);
        memset(m, 0, sizeof *m);
        sl_cell_state want = sl_cell_classify(SL_F_REASON, t, n);
        CHECK_INT(sl_cell_classify_memo(m, SL_F_REASON, t, n), want);
        /* find its slot, and change one byte of the kept text and the answer */
        size_t found = 0;
        for (size_t i = 0; i < SL_CELL_MEMO_SLOTS; i++) {
            sl_cell_memo_slot *sl = &m->slot[i];
            if (sl->len != n) continue;
            found++;
            sl->text[n < SL_CELL_MEMO_MIN ? 2 : n / 2] ^= 1; /* kept as a word when short */
            sl->st = (uint8_t)(want == SL_CELL_VALUE ? SL_CELL_PARTIAL : SL_CELL_VALUE);
        }
        CHECK_INT(found, 1);
        CHECK_INT(sl_cell_classify_memo(m, SL_F_REASON, t, n), want);
        CHECK_INT(sl_cell_classify_memo(m, SL_F_REASON, t, n), want); /* and once refilled */
    }
    CHECK_INT(sl_cell_classify_memo(m, SL_F_REASON, "", 0), SL_CELL_EMPTY);
    free(m);
}

int main(void)
{
    test_memo();
    test_fast_path();
    test_empty();
    test_vendor();
    test_agency();
    test_partial();
    test_placeholder();
    test_value();
    TEST_END();
}
