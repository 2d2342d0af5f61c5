/* test_redact.c: plates and personal data in free text, positive and negative cases. Tokens are
 * computed with a fixed test key so expected strings can name them exactly. */
#include "../harness.h"
#include "redact.h"
#include "plate_labels.h"

#include <ctype.h>
#include <unistd.h>

static sl_key *key;
static sl_buf out;

#define P SL_REDACT_PLATES
#define PP (SL_REDACT_PLATES | SL_REDACT_PERSONAL)

static const char *red(unsigned flags, const char *text, const char *plate) {
    sl_buf_reset(&out);
    sl_status rc = sl_redact(key, text, strlen(text), plate, plate ? strlen(plate) : 0, flags, &out);
    if (rc) return "(error)";
    sl_buf_nul(&out);
    return out.p;
}

/* Expected text with "{PLATE}" replaced by the token of `plate`. */
static const char *expect(const char *fmt, const char *plate) {
    static char buf[1024];
    char tok[SL_TOKEN_LEN + 1];
    sl_plate_token(key, plate, strlen(plate), tok);
    const char *at = strstr(fmt, "{PLATE}");
    if (!at) return fmt;
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - fmt), fmt, tok, at + 7);
    return buf;
}

static void untouched(unsigned flags, const char *text) { CHECK_STR(red(flags, text, NULL), text); }

/* The memo gives the same two forms as redacting directly: on first sight, on a repeat, when
 * slots collide (more texts than slots), and when the row's own plate is in the text; and a
 * repeat is answered from it, not redacted again. */
static void memo_matches_direct(void) {
    static const char *const texts[] = {
        "investigation", "ICE hold, call 555-234-5678", "stolen veh ABC1234", "DOB 01/02/1980 suspect",
        "plate 7XYZ999 seen at 100 Main St", "", "x", "tag 1234567 and jdoe@example.com",
        "seen *ABC1234 at 5th", "case 7 **1234567", "LOVEME*ABC1234 9", "veh (ABC1234) 4",
        "+XY 1",
        /* a long text, with a phone, a plate, an address and a date of birth */
        "suspect vehicle plate 7XYZ999 seen near 100 Main St by a caller at 555-234-5678, "
        "follow up with the detective about DOB 01/02/1980",
    };
    static const char *const plates[] = {NULL, "ABC1234", "1234567", "XY"};
    sl_redact_memo *m = sl_redact_memo_new(key);
    CHECK(m != NULL);
    if (!m) return;
    sl_buf a = {0}, b = {0}, ws = {0}, wp = {0};
    char text[256];
    int bad = 0, checked = 0;
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < 24000; i++) {
            const char *t = texts[i % SL_ARRAY_LEN(texts)];
            if (i >= SL_ARRAY_LEN(texts) * 4) { /* more distinct texts than slots: they collide */
                snprintf(text, sizeof text, "%s #%zu", t, i % 20000);
                t = text;
            }
            const char *pl = plates[(i / 7) % SL_ARRAY_LEN(plates)];
            size_t pn = pl ? strlen(pl) : 0;
            sl_buf_reset(&a);
            sl_buf_reset(&b);
            sl_buf_reset(&ws);
            sl_buf_reset(&wp);
            if (sl_buf_puts(&a, "<")) bad++; /* the memo appends, keeping what is there */
            if (sl_redact_memo_both(m, t, strlen(t), pl, pn, &a, &b) != SL_OK) bad++;
            sl_buf_puts(&ws, "<");
            sl_redact(key, t, strlen(t), pl, pn, SL_REDACT_PLATES, &ws);
            sl_redact(key, ws.p + 1, ws.len - 1, NULL, 0, SL_REDACT_PLATES | SL_REDACT_PERSONAL, &wp);
            if (a.len != ws.len || memcmp(a.p, ws.p, a.len) || b.len != wp.len ||
                (b.len && memcmp(b.p, wp.p, b.len))) {
                if (bad++ < 3) fprintf(stderr, "memo differs on \"%s\" plate %s\n", t, pl ? pl : "-");
            }
            checked++;
        }
    }
    CHECK_INT(bad, 0);
    CHECK_INT(checked, 72000);
    /* a repeat is answered by the memo, short or long */
    sl_redact_memo_free(m);
    m = sl_redact_memo_new(key);
    if (!m) return;
    for (size_t i = 0; i < SL_ARRAY_LEN(texts) * 2; i++) {
        const char *t = texts[i % SL_ARRAY_LEN(texts)];
        sl_buf_reset(&a);
        sl_buf_reset(&b);
        sl_redact_memo_both(m, t, strlen(t), NULL, 0, &a, &b);
    }
    CHECK_INT(sl_redact_memo_hits(m), SL_ARRAY_LEN(texts) - 1); /* "" is not remembered */
    /* the row's own plate is found however it is typed */
    CHECK_INT(sl_redact_mentions_plate("seen abc-1234 today", 19, "ABC1234", 7), 1);
    CHECK_INT(sl_redact_mentions_plate("seen abc-1235 today", 19, "ABC1234", 7), 0);
    CHECK_INT(sl_redact_mentions_plate("investigation", 13, NULL, 0), 0);
    sl_buf_free(&a);
    sl_buf_free(&b);
    sl_buf_free(&ws);
    sl_buf_free(&wp);
    sl_redact_memo_free(m);
}

/* sl_redact_unchanged says 1 only for texts that both redactions leave as they are, and says
 * it for plain reasons, so that the store can skip the memo for them. */
static void unchanged_is_unchanged(void) {
    static const char *const texts[] = {
        "investigation", "Stolen vehicle - suspect fled", "LOVEIT seen on 5th", "loveit seen",
        "mail jdoe@example.com", "plate ABC1234", "DOB 01/02/1980", "tag LOVEIT today",
        "Assist ICE with locate", "", "*** redacted ***", "call (555) 234 5678",
        "seen L-O-V-E-I-T", "Main St. robbery, white male", "caf\xc3\xa9 \xff broken",
        "seen *LOVEIT", "seen **LOVEIT, ***", "ABC*LOVEIT", "SO25-59130", "case 2025-001234",
        "10-851 stolen vehicle", "Case 25-1234 LOVEIT", "for 555-234-5678", "ABC1234",
        "123-45-6789", "dob 1/2/80", "a@b", "4 Main Street",
    };
    static const char *const plates[] = {NULL, "LOVEIT", "ABC1234"};
    sl_buf a = {0}, b = {0};
    int wrong = 0, yes = 0;
    for (size_t i = 0; i < SL_ARRAY_LEN(texts); i++)
        for (size_t j = 0; j < SL_ARRAY_LEN(plates); j++) {
            const char *t = texts[i], *pl = plates[j];
            size_t n = strlen(t), pn = pl ? strlen(pl) : 0;
            if (!sl_redact_unchanged(t, n, pl, pn)) continue;
            yes++;
            sl_buf_reset(&a);
            sl_buf_reset(&b);
            sl_redact(key, t, n, pl, pn, SL_REDACT_PLATES, &a);
            sl_redact(key, t, n, pl, pn, SL_REDACT_PLATES | SL_REDACT_PERSONAL, &b);
            if (a.len != n || b.len != n || (n && (memcmp(a.p, t, n) || memcmp(b.p, t, n)))) {
                if (wrong++ < 3) fprintf(stderr, "said unchanged, changed: \"%s\" plate %s\n", t, pl ? pl : "-");
            }
        }
    CHECK_INT(wrong, 0);
    CHECK(yes >= 20);
    CHECK_INT(sl_redact_unchanged("Assist ICE with locate", 22, "ABC1234", 7), 1);
    /* with digits: unchanged when nothing is found, as a case number; changed otherwise */
    CHECK_INT(sl_redact_unchanged("SO25-59130", 10, NULL, 0), 1);
    CHECK_INT(sl_redact_unchanged("10-851 stolen vehicle", 21, "ABC1234", 7), 1);
    CHECK_INT(sl_redact_unchanged("plate ABC1234", 13, NULL, 0), 0);
    CHECK_INT(sl_redact_unchanged("call (555) 234 5678", 19, NULL, 0), 0);
    CHECK_INT(sl_redact_unchanged("Case 25-1234 LOVEIT", 19, "LOVEIT", 6), 0);
    CHECK_INT(sl_redact_unchanged("tag LOVEIT today", 16, "LOVEIT", 6), 0);  /* the row's plate */
    CHECK_INT(sl_redact_unchanged("tag *LOVEIT", 11, "LOVEIT", 6), 0);       /* after a '*' too */
    CHECK_INT(sl_redact_mentions_plate("ABC*LOVEIT x", 12, "LOVEIT", 6), 1);
    CHECK_INT(sl_redact_unchanged("tag LOVEIT today", 16, NULL, 0), 1);      /* no digit: kept */
    CHECK_INT(sl_redact_unchanged("mail jdoe@example.com", 21, NULL, 0), 0); /* an e-mail */
    CHECK_INT(sl_redact_unchanged("plate ABC1234", 13, NULL, 0), 0);        /* a digit */
    CHECK_INT(sl_redact_unchanged("", 0, "ABC1234", 7), 1);
    sl_buf_free(&a);
    sl_buf_free(&b);
}

/* The words of plate_labels.h: after each, a number split off by a space ("SEC 1234", either
 * case) or a dash in lower case ("sec-1234") stays as typed, and the plate rule of
 * rules/sensitive_data.rules vetoes each, so that the rule reports no plate there either (the
 * lists were kept apart by hand before). In upper case with a dash ("SEC-1234") it is printed
 * the way plates are, and tokenized whatever the letters: the rule does not report it, but
 * the redactor errs on the side of the driver. */
static void plate_labels(void) {
#define LABEL(w) w,
    static const char *const labels[] = {SL_PLATE_LABELS(LABEL)};
#undef LABEL
    for (size_t i = 0; i < sizeof labels / sizeof *labels; i++) {
        char t[32];
        snprintf(t, sizeof t, "seen %s 1234, %s-4321", labels[i], labels[i]);
        CHECK_STR(red(P, t, NULL), t);
        snprintf(t, sizeof t, "seen %s 1234", labels[i]);
        for (char *c = t; *c; c++) *c = (char)toupper((unsigned char)*c);
        CHECK_STR(red(P, t, NULL), t);
    }
    CHECK_STR(red(P, "SEC-1234", NULL), expect("{PLATE}", "SEC1234"));
    FILE *f = fopen("rules/sensitive_data.rules", "r");
    CHECK(f != NULL);
    if (!f) return;
    char line[2048], veto[2048] = "";
    while (fgets(line, sizeof line, f)) /* the veto of words before three or four digits */
        if (!strncmp(line, "except", 6) && strstr(line, ")\\W?\\d{3,4}")) {
            const char *a = strchr(line, '(');
            const char *b = a ? strchr(a, ')') : NULL;
            if (a && b) snprintf(veto, sizeof veto, "|%.*s|", (int)(b - a - 1), a + 1);
        }
    fclose(f);
    CHECK(veto[0] != '\0');
    for (size_t i = 0; i < sizeof labels / sizeof *labels; i++) {
        char w[16];
        snprintf(w, sizeof w, "|%s|", labels[i]);
        if (!strstr(veto, w)) fprintf(stderr, "rules/sensitive_data.rules: the plate rule does not veto \"%s\"\n", labels[i]);
        CHECK(strstr(veto, w) != NULL);
    }
}

/* What the plate rules of rules/sensitive_data.rules report as a plate, the redactor tokenizes:
 * a row flagged "license plate typed into the reason" must not show that plate in flagged.csv
 * or the database. Plates of every shape the rule knows (and some it does not), in upper, lower
 * and mixed case, split by nothing, a space, a dash or other punctuation, inside the contexts
 * reasons put them in. Wherever the rule fires, the plate's letters and digits must not be left
 * in the redacted text, in order, outside a token. (Before this check, "stolen veh abc-123"
 * was reported as a plate and kept as typed.) */
static void norm_untokened(const char *s, char *o, size_t cap) {
    size_t k = 0;
    for (size_t i = 0; s[i] && k + 1 < cap; i++) {
        if (!strncmp(s + i, "pt_", 3)) { /* a token: a barrier, not letters */
            size_t j = i + 3;
            while (isxdigit((unsigned char)s[j])) j++;
            if (j - i - 3 == 16) { /* "pt_" and 16 hex digits (token.c) */
                o[k++] = '|';
                i = j - 1;
                continue;
            }
        }
        if (isalnum((unsigned char)s[i])) o[k++] = (char)toupper((unsigned char)s[i]);
    }
    o[k] = '\0';
}

/* The packs at path and a matcher over them; 0 (and a failed check) when either fails. */
static int load_packs(const char *path, sl_rules **r, sl_matcher **m) {
    char err[512];
    *r = NULL;
    *m = NULL;
    CHECK_INT(sl_rules_load(r, path, err, sizeof err), SL_OK);
    if (*r) CHECK_INT(sl_matcher_new(m, *r), SL_OK);
    if (*m) return 1;
    sl_rules_free(*r);
    return 0;
}

/* shape with each '^' drawn as a digit and each '~' as a letter: upper case (letters 0), lower
 * case (1) or each its own (2); other bytes as written. */
static void draw(char *v, size_t cap, const char *shape, int letters, uint64_t *st) {
    snprintf(v, cap, "%s", shape);
    for (char *c = v; *c; c++) {
        *st = *st * 6364136223846793005u + 1442695040888963407u;
        unsigned x = (unsigned)(*st >> 33);
        if (*c == '^') *c = (char)('0' + x % 10);
        else if (*c == '~') *c = (char)(((letters == 1 || (letters == 2 && (x >> 8) % 2)) ? 'a' : 'A') + x % 26);
    }
}

static void rule_plates_are_tokenized(void) {
    sl_rules *r;
    sl_matcher *m;
    if (!load_packs("rules/sensitive_data.rules", &r, &m)) return;
    uint32_t plate_rule = UINT32_MAX, alert_rule = UINT32_MAX;
    for (size_t i = 0; i < sl_rules_count(r); i++) {
        sl_rule_info ri;
        sl_rules_info(r, i, &ri);
        if (!strcmp(ri.id, "sensitive_data.plate")) plate_rule = (uint32_t)i;
        if (!strcmp(ri.id, "sensitive_data.alert_plate")) alert_rule = (uint32_t)i;
    }
    CHECK(plate_rule != UINT32_MAX && alert_rule != UINT32_MAX);
    /* drawn by draw(), in the three cases */
    static const char *const shapes[] = {
        "^~~~^^^", "~~~^^^^", "~~~^^^", "^^^~~~", "~~^^^^^", "^^~~^^^", "~^^^^^^",
        "~~~ ^^^^", "~~~-^^^^", "~~~.^^^^", "~~~/^^^^", "~~~:^^^^", "~~~#^^^^", "~~~ ^^^",
        "~~~-^^^", "~~~.^^^", "^^^ ~~~", "^^^-~~~", "^^^.~~~", "^~~~ ^^^", "^~~~-^^^",
        "^~~~.^^^", "~~ ^^^^^", "^^ ~~^^^", "~~~~ ^^^",
    };
    static const char *const contexts[] = {
        "%s", "stolen veh %s", "seen %s today", "plate %s", "tag# %s", "LP: %s stolen",
        "Other image search from alerts page associated with Alert: INVESTIGATION %s - "
        "2025-06-18T19:17:43.792Z",
        "Other image search from alerts page associated with Alert: Stolen Vehicle %s - "
        "2025-08-19T23:56:22.939Z",
        "white Honda (%s) seen", "veh %s.", "BOLO %s, armed",
    };
    uint64_t st = 0x9e3779b97f4a7c15u;
    int fired = 0, leaked = 0;
    for (size_t si = 0; si < SL_ARRAY_LEN(shapes); si++)
        for (int k = 0; k < 60; k++) {
            char plate[16];
            draw(plate, sizeof plate, shapes[si], k % 3, &st);
            char pn[16];
            norm_untokened(plate, pn, sizeof pn);
            for (size_t ci = 0; ci < SL_ARRAY_LEN(contexts); ci++) {
                char text[256];
                snprintf(text, sizeof text, contexts[ci], plate);
                sl_hit hits[64];
                size_t nh = 0;
                CHECK_INT(sl_match(m, text, strlen(text), hits, SL_ARRAY_LEN(hits), &nh), SL_OK);
                int fires = 0;
                for (size_t h = 0; h < nh && h < SL_ARRAY_LEN(hits); h++)
                    if (hits[h].rule == plate_rule || hits[h].rule == alert_rule) fires = 1;
                if (!fires) continue;
                fired++;
                char rn[512];
                norm_untokened(red(P, text, NULL), rn, sizeof rn);
                if (strstr(rn, pn)) {
                    if (leaked++ < 10)
                        fprintf(stderr, "plate rule fires on \"%s\", the redactor keeps it: \"%s\"\n",
                                text, red(P, text, NULL));
                }
            }
        }
    CHECK(fired > 1000); /* the check checked something */
    CHECK_INT(leaked, 0);
    sl_matcher_free(m);
    sl_rules_free(r);
}

/* The same for every rule of the sensitive_data pack and the published form: what the report
 * shows as a date of birth, an SSN, a phone number, a license number, an address or a plate
 * is redacted there. Texts: the rules' own examples and tests/eval/reasons.tsv. */
static void check_published(sl_matcher *m, const sl_rules *r, const char *text, int *fired,
                            int *leaked) {
    sl_hit hits[64];
    size_t nh = 0;
    if (sl_match(m, text, strlen(text), hits, SL_ARRAY_LEN(hits), &nh) != SL_OK) return;
    char rn[1024];
    norm_untokened(red(PP, text, NULL), rn, sizeof rn);
    for (size_t h = 0; h < nh && h < SL_ARRAY_LEN(hits); h++) {
        sl_rule_info ri;
        sl_rules_info(r, hits[h].rule, &ri);
        if (strcmp(ri.pack, "sensitive_data") != 0) continue;
        (*fired)++;
        char span[256], sn[256];
        snprintf(span, sizeof span, "%.*s", (int)(hits[h].end - hits[h].start), text + hits[h].start);
        norm_untokened(span, sn, sizeof sn);
        if (sn[0] && strstr(rn, sn) && (*leaked)++ < 10)
            fprintf(stderr, "%s fires on [%s] in \"%s\"; published: \"%s\"\n", ri.id, span, text,
                    red(PP, text, NULL));
    }
}

static void example_cb(void *ud, const sl_example_result *e) {
    void **a = ud;
    if (e->expect_fire) check_published(a[0], a[1], e->text, a[2], a[3]);
}

/* Personal data of the shapes the pack's rules describe, drawn as in rule_plates_are_tokenized:
 * '^' a digit (any, 0 and 1 too), '~' an upper-case letter (draw). */
static void drawn_personal_data(sl_matcher *m, const sl_rules *r, int *fired, int *leaked) {
    static const char *const shapes[] = {
        "DOB ^^/^^/^^^^", "dob: ^-^-^^", "DOB ^^^^^^^^", "dob ^^^^^^", "born ^^ ^^ ^^^^",
        "d.o.b. ^^^^.^^.^^", "date of birth ^^-^^-^^^^", "birthdate ^^/^^/^^", "^^/^^/19^^",
        "^.^.200^", "DOB=^^/^^/^^^^", "SSN ^^^-^^-^^^^", "ssn# ^^^^^^^^^", "ssn ^^^ ^^ ^^^^",
        "social security number ^^^.^^.^^^^", "^^^-^^-^^^^", "DL# ~^^^^^^^", "OLN ^^^^^",
        "drivers license ~~^^^^^^", "CDL ^^^^^^^^", "lic ^^^^^^^", "phone ^^^-^^^-^^^^",
        "(^^^) ^^^-^^^^", "(^^^)^^^-^^^^", "^^^.^^^.^^^^", "^^^ ^^^ ^^^^", "cell ^^^^^^^^^^",
        "ph ^^^^^^^", "tel: ^^^^^^^^", "^^^^ Main St", "^^^ N Oak Ave", "^^ Elm Street",
        "^^^^ west pine road", "apt ^^~", "unit #^^", "apartment ^^^",
    };
    static const char *const contexts[] = {"%s", "suspect %s wanted", "re: %s, call back"};
    uint64_t st = 0x2545f4914f6cdd1du;
    for (size_t si = 0; si < SL_ARRAY_LEN(shapes); si++)
        for (int k = 0; k < 40; k++) {
            char v[64];
            draw(v, sizeof v, shapes[si], 0, &st);
            for (size_t ci = 0; ci < SL_ARRAY_LEN(contexts); ci++) {
                char text[256];
                snprintf(text, sizeof text, contexts[ci], v);
                check_published(m, r, text, fired, leaked);
            }
        }
}

static void published_hides_what_rules_report(void) {
    sl_rules *r;
    sl_matcher *m;
    if (!load_packs("rules", &r, &m)) return;
    int fired = 0, leaked = 0;
    void *ud[4] = {m, r, &fired, &leaked};
    size_t np = 0, nf = 0;
    CHECK_INT(sl_rules_test(r, example_cb, ud, &np, &nf), SL_OK);
    FILE *f = fopen("tests/eval/reasons.tsv", "r");
    CHECK(f != NULL);
    char line[2048];
    while (f && fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        if (!tab || line[0] == '#') continue;
        *tab = '\0';
        check_published(m, r, line, &fired, &leaked);
    }
    if (f) fclose(f);
    drawn_personal_data(m, r, &fired, &leaked);
    CHECK(fired > 3000);
    CHECK_INT(leaked, 0);
    sl_matcher_free(m);
    sl_rules_free(r);
}

int main(void) {
    char dir[] = "/tmp/sl_test_redact_XXXXXX";
    if (!mkdtemp(dir)) { fprintf(stderr, "mkdtemp failed\n"); return 1; }
    char kpath[256];
    snprintf(kpath, sizeof kpath, "%s/plate.key", dir);
    FILE *f = fopen(kpath, "w");
    fputs("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", f);
    fclose(f);
    char err[256];
    CHECK_INT(sl_key_open(&key, kpath, NULL, err, sizeof err), SL_OK);
    if (!key) TEST_END();

    /* where plates are, for the matcher (which reads the letters of a plate as no word) */
    {
        uint32_t sp[2][2];
        const char *t = "felony stop CBP 4226 armed, then plate abc-1234";
        CHECK_INT(sl_redact_plate_spans(t, strlen(t), sp, 2), 2);
        CHECK_INT(sp[0][0], 12);
        CHECK_INT(sp[0][1], 20);
        CHECK_INT(sp[1][0], 39);
        CHECK_INT(sp[1][1], 47);
        CHECK_INT(sl_redact_plate_spans(t, strlen(t), sp, 1), 2); /* counted past cap */
        t = "ICE hold 12345, HSI case 2024-001, DHS 2024 case";
        CHECK_INT(sl_redact_plate_spans(t, strlen(t), sp, 2), 0);
        CHECK_INT(sl_redact_plate_spans("no digits here", 14, sp, 2), 0);
        CHECK_INT(sl_redact_plate_spans(NULL, 0, sp, 2), 0);
    }

    /* plate-shaped words */
    CHECK_STR(red(P, "stolen veh ABC1234", NULL), expect("stolen veh {PLATE}", "ABC1234"));
    CHECK_STR(red(P, "7ABC123 seen", NULL), expect("{PLATE} seen", "7ABC123"));
    CHECK_STR(red(P, "hit on 8kjh22.", NULL), expect("hit on {PLATE}.", "8KJH22"));
    CHECK_STR(red(P, "TX ABC-1234 wanted", NULL), expect("TX {PLATE} wanted", "ABC1234"));
    CHECK_STR(red(P, "case CR24001", NULL), expect("case {PLATE}", "CR24001"));
    CHECK_STR(red(P, "partial AB*123 seen", NULL), expect("partial {PLATE} seen", "AB*123"));
    /* printed with a space, upper case (these were left as typed) */
    CHECK_STR(red(P, "veh ABC 1234 seen", NULL), expect("veh {PLATE} seen", "ABC1234"));
    CHECK_STR(red(P, "7ABC 123.", NULL), expect("{PLATE}.", "7ABC123"));
    CHECK_STR(red(P, "TX ABC 123 seen", NULL), expect("TX {PLATE} seen", "ABC123"));
    CHECK_STR(red(P, "wildcard (ABC 1234*)", NULL), expect("wildcard ({PLATE}*)", "ABC1234"));
    CHECK_STR(red(P, "seen abc-1234", NULL), expect("seen {PLATE}", "ABC1234"));
    CHECK_STR(red(P, "veh xyz 1234 seen", NULL), expect("veh {PLATE} seen", "XYZ1234"));
    CHECK_STR(red(P, "veh 7abc-123", NULL), expect("veh {PLATE}", "7ABC123"));
    untouched(P, "abc 123, ABCD 1234, 1ABC 1234, ABC 12345, ABC 12, ABC 1234-56, ABC 1234 5678");
    untouched(P, "CR-abc-1234, mid-2024, case 2025-1234, apt 1234, cfs 1234");
    /* case numbers with a year and a dash, immigration forms (these were tokens) */
    untouched(P, "case CR25-0004, SO24-1187, P25-123456; ICE I-247A detainer, I-213, N-400");
    CHECK_STR(red(P, "veh CR2-50004 seen", NULL), expect("veh {PLATE} seen", "CR250004"));
    CHECK_STR(red(P, "AB-1234C", NULL), expect("{PLATE}", "AB1234C"));
    untouched(P, "DUI 2024, CAD 1234, 8 USC 1324, SGT 4412, OFC 1234, STOLEN VEH FOR 1234, Fri 2130");
    /* three letters, a dash and three digits in any case (the plate rule reports them; lower
     * case was left as typed), three digits and three upper-case letters split by a space */
    CHECK_STR(red(P, "stolen veh abc-123", NULL), expect("stolen veh {PLATE}", "ABC123"));
    CHECK_STR(red(P, "seen 391 NCQ today", NULL), expect("seen {PLATE} today", "391NCQ"));
    CHECK_STR(red(P, "veh 391NCQ,", NULL), expect("veh {PLATE},", "391NCQ"));
    CHECK_STR(red(P, "589hpm", NULL), expect("{PLATE}", "589HPM"));
    untouched(P, "sec-123, rte-101, 100 BLK, 120 MPH, 200 LBS, 123 OAK ST, 100 AVE, 555 123 ABC");
    untouched(P, "391 ncq, 12-123 ABC, 1/123 ABC");
    /* split by a dot, a slash, '#' or ':' (these were left as typed); three digits after
     * three letters only in upper case, labels and years stay */
    CHECK_STR(red(P, "stolen veh ABC.1234", NULL), expect("stolen veh {PLATE}", "ABC1234"));
    CHECK_STR(red(P, "veh ABC/123 seen", NULL), expect("veh {PLATE} seen", "ABC123"));
    CHECK_STR(red(P, "lpr hit abc#1234.", NULL), expect("lpr hit {PLATE}.", "ABC1234"));
    CHECK_STR(red(P, "(XYZ:4455)", NULL), expect("({PLATE})", "XYZ4455"));
    CHECK_STR(red(P, "veh 7abc.123", NULL), expect("veh {PLATE}", "7ABC123"));
    untouched(P, "abc.123, REF#1234, Tel:1234, CAD#2024123, DUI.2024, APT/123, Jan.2025, INC#1234");
    untouched(P, "ABC.1234.56, ABC/1234/5678, x.abc.1234, CR/abc/1234, ABC.12345, ABCD.1234, AB.1234");
    /* the plate of the alert a search was started from, whatever its shape */
    CHECK_STR(red(P, "Other image search from alerts page associated with Alert: Stolen Vehicle "
                     "MIMSY - 2025-08-22T04:59:53.198Z", NULL),
              expect("Other image search from alerts page associated with Alert: Stolen Vehicle "
                     "{PLATE} - 2025-08-22T04:59:53.198Z", "MIMSY"));
    untouched(P, "Stolen Vehicle MIMSY - 2025-08-22T04:59:53.198Z (no alert)");
    untouched(P, "Alert: Stolen Vehicle MIMSY - 2025-08 and Alert: LONGERTHAN8 - 2025-08-22T04");
    plate_labels();
    /* words after a plate keyword, even all digits or split */
    CHECK_STR(red(P, "plate 1234567 stolen", NULL), expect("plate {PLATE} stolen", "1234567"));
    CHECK_STR(red(P, "tag ABC 123 seen", NULL), expect("tag {PLATE} seen", "ABC123"));
    CHECK_STR(red(P, "LP: 123 ABC", NULL), expect("LP: {PLATE}", "123ABC"));
    CHECK_STR(red(P, "license plate # 4455667", NULL), expect("license plate # {PLATE}", "4455667"));
    CHECK_STR(red(P, "plate TX 1234567", NULL), expect("plate TX {PLATE}", "1234567"));
    CHECK_STR(red(P, "lic no. 98765", NULL), expect("lic no. {PLATE}", "98765"));
    /* the row's own plate, even when it would not look like one */
    CHECK_STR(red(P, "looking for LOVEME owner", "LOVEME"), expect("looking for {PLATE} owner", "LOVEME"));
    CHECK_STR(red(P, "veh abc 12 seen", "ABC12"), expect("veh {PLATE} seen", "ABC12"));
    CHECK_STR(red(P, "a,\"x\",LOVEME,b", "LOVEME"), expect("a,\"x\",{PLATE},b", "LOVEME"));
    CHECK_STR(red(P, "LOVEMEX stays", "LOVEME"), "LOVEMEX stays");
    CHECK_STR(red(P, "2nd XYZ999 here", "ABC123, XYZ999"), expect("2nd {PLATE} here", "XYZ999"));
    /* after asterisks (a mask, a wildcard): found by fuzz_fields, these were left as typed */
    CHECK_STR(red(P, "seen *LOVEME today", "LOVEME"), expect("seen *{PLATE} today", "LOVEME"));
    CHECK_STR(red(P, "seen **LOVEME", "LOVEME"), expect("seen **{PLATE}", "LOVEME"));
    CHECK_STR(red(P, "ABC*LOVEME x", "LOVEME"), expect("ABC*{PLATE} x", "LOVEME"));
    CHECK_STR(red(P, "veh **ABC1234 seen", NULL), expect("veh **{PLATE} seen", "ABC1234"));
    CHECK_STR(red(P, "veh ***ABC1234", NULL), expect("veh ***{PLATE}", "ABC1234"));
    CHECK_STR(red(P, "*** ABC1234", NULL), expect("*** {PLATE}", "ABC1234"));
    CHECK_STR(red(P, "veh *ABC1234 seen", NULL), expect("veh {PLATE} seen", "*ABC1234")); /* wildcard */
    CHECK_STR(red(P, "partial ABC*123", NULL), expect("partial {PLATE}", "ABC*123"));   /* one plate */
    /* after a '(' or '+' that starts no phone number (found by fuzz_fields) */
    CHECK_STR(red(P, "white Honda (ABC1234) seen", NULL), expect("white Honda ({PLATE}) seen", "ABC1234"));
    CHECK_STR(red(P, "x +7ABC123", NULL), expect("x +{PLATE}", "7ABC123"));
    CHECK_STR(red(P, "veh (LOVEME)", "LOVEME"), expect("veh ({PLATE})", "LOVEME"));
    CHECK_STR(red(P, "+LOVEME#", "LOVEME"), expect("+{PLATE}#", "LOVEME"));
    CHECK_STR(red(PP, "call (555) 234-5678 re (ABC1234)", NULL), expect("call [PHONE] re ({PLATE})", "ABC1234"));
    untouched(PP, "(see case) +more");
    untouched(PP, "*** redacted *** stolen");
    untouched(PP, "a*b*c and **");
    /* not plates */
    untouched(P, "Houston TX PD");
    untouched(P, "Case 25-001234");
    untouched(P, "case 2025/123 and 2025-CR-0123");
    untouched(P, "10851 VC stolen vehicle, 10851VC");
    untouched(P, "21st street, 1990s, 10AM, 24HR");
    /* a split archive's volumes (a file name in a message); the row's own plate still goes */
    untouched(P, "put release.part1.rar, release.Part12.rar and release.part100.rar together");
    CHECK_STR(red(P, "saw PART1 again", "PART1"), expect("saw {PLATE} again", "PART1"));
    CHECK_STR(red(P, "veh PART1234", NULL), expect("veh {PLATE}", "PART1234"));
    untouched(P, "blue 4-door sedan, 24-hour watch, COVID-19");
    untouched(P, "investigation 2025001234");
    untouched(P, "plate reader hit, tag along, license suspended");
    untouched(P, "expired tags 2023, plates 2024.");
    CHECK_STR(red(P, "tag 2023 ABC", NULL), expect("tag {PLATE}", "2023ABC"));
    CHECK_STR(red(P, "tag 3023", NULL), expect("tag {PLATE}", "3023"));
    untouched(P, "Sonoma County CA SO [Federal] [Inactive]");
    untouched(P, "");
    untouched(P, "expired license\t2025-07-02T20:02:16Z\t20:00:00");
    untouched(PP, "2025-06-18T00:02:05Z and 2026-03-05T14:37:50.538Z");
    untouched(PP, "\"5869ce7e-98f2-47e7-a3c2-5e6bff4def4a\",\"2025-06-18 00:02:04.789\",2510");
    /* tokens survive a second pass unchanged */
    {
        char once[256];
        snprintf(once, sizeof once, "%s", red(P, "stolen ABC1234", NULL));
        CHECK_STR(red(PP, once, NULL), once);
    }
    /* without a key plates still go: a label instead of a token */
    {
        sl_buf b = {0};
        CHECK_INT(sl_redact(NULL, "veh ABC1234", 11, NULL, 0, P, &b), SL_OK);
        CHECK_MEM(b.p, b.len, "veh [PLATE]");
        sl_buf_free(&b);
    }

    /* personal data */
    CHECK_STR(red(PP, "subject DOB 01/02/1980 wanted", NULL), "subject [DOB] wanted");
    CHECK_STR(red(PP, "d.o.b.: 1980-01-02", NULL), "[DOB]");
    CHECK_STR(red(PP, "born on March 3, 1975", NULL), "[DOB]");
    CHECK_STR(red(PP, "juvenile dob 3/4/2012 runaway", NULL), "juvenile [DOB] runaway");
    CHECK_STR(red(PP, "male 4/5/1990 w/m", NULL), "male [DOB] w/m");
    /* read after a label as the sensitive_data rules read it (these were left as typed) */
    CHECK_STR(red(PP, "DOB 04151990 and DOB=01/02/1980", NULL), "[DOB] and [DOB]");
    CHECK_STR(red(PP, "born 01 02 1980; d.o.b. 1980.01.02", NULL), "[DOB]; [DOB]");
    CHECK_STR(red(PP, "social security number 123.45.6789", NULL), "[SSN]");
    CHECK_STR(red(PP, "ph 2345678, (555)123-4567, 555-123-4567", NULL), "ph [PHONE], [PHONE], [PHONE]");
    CHECK_STR(red(PP, "victim apt 12B, apartment #4", NULL), "victim [ADDRESS], [ADDRESS]");
    untouched(PP, "unit 12 responded, apt complex, 12/31/2010, DOB unknown");
    /* texts that end right after an area code's ')', in a buffer of their exact size, so that
     * ASan sees a read past the end (one was there) */
    static const char *const cut[] = {"555)", "x 555)", "(555)", "call 555)", "555) 1"};
    for (size_t i = 0; i < SL_ARRAY_LEN(cut); i++) {
        size_t len = strlen(cut[i]);
        char *exact = malloc(len);
        sl_buf b = {0};
        CHECK(exact != NULL);
        if (!exact) break;
        memcpy(exact, cut[i], len);
        CHECK_INT(sl_redact(key, exact, len, NULL, 0, PP, &b), SL_OK);
        CHECK_MEM(b.p, b.len, cut[i]);
        sl_buf_free(&b);
        free(exact);
    }
    CHECK_STR(red(PP, "theft on 06/01/2025", NULL), "theft on 06/01/2025");
    CHECK_STR(red(PP, "SSN 123-45-6789", NULL), "[SSN]");
    CHECK_STR(red(PP, "ss# 123456789 x", NULL), "[SSN] x");
    CHECK_STR(red(PP, "id 123-45-6789.", NULL), "id [SSN].");
    CHECK_STR(red(PP, "call (555) 234-5678 now", NULL), "call [PHONE] now");
    CHECK_STR(red(PP, "rp 555-234-5678", NULL), "rp [PHONE]");
    CHECK_STR(red(PP, "rp +1 555.234.5678", NULL), "rp [PHONE]");
    CHECK_STR(red(PP, "cell 5552345678", NULL), "cell [PHONE]");
    CHECK_STR(red(PP, "case 2025234567", NULL), "case 2025234567");
    CHECK_STR(red(PP, "mail john.doe+x@example.com.", NULL), "mail [EMAIL].");
    CHECK_STR(red(PP, "DL D1234567 susp", NULL), "[DL] susp");
    CHECK_STR(red(PP, "OLN: CA B7654321", NULL), "[DL]");
    CHECK_STR(red(PP, "driver's license # 12345678", NULL), "[DL]");
    CHECK_STR(red(PP, "license # X12345", NULL), "[DL]");
    CHECK_STR(red(PP, "DL suspended", NULL), "DL suspended");
    CHECK_STR(red(PP, "lives at 123 Main St, Apt 4 w/ gf", NULL), "lives at [ADDRESS] w/ gf");
    CHECK_STR(red(PP, "1400 N. Elm Avenue", NULL), "[ADDRESS]");
    CHECK_STR(red(PP, "near 45 W 21st St.", NULL), "near [ADDRESS]");
    CHECK_STR(red(PP, "2 people walking on Main St", NULL), "2 people walking on Main St");
    /* the same text with personal data off: only plates */
    CHECK_STR(red(P, "DOB 01/02/1980 SSN 123-45-6789", NULL), "DOB 01/02/1980 SSN 123-45-6789");
    /* officers and agencies stay named */
    untouched(PP, "Houston TX PD");
    untouched(PP, "Ofc. J. Smith #4412 for Harris County TX SO");
    untouched(PP, "Case 25-001234 459 PC burglary");
    untouched(PP, "Immigration (civil/administrative) -");
    /* both at once */
    CHECK_STR(red(PP, "veh ABC1234 reg to DOB 1/2/1970 at 9 Oak Ln", NULL),
              expect("veh {PLATE} reg to [DOB] at [ADDRESS]", "ABC1234"));
    /* invalid UTF-8 and NUL-free binary are copied, never overrun */
    {
        const char bin[] = "\xff\xfe ABC1234 \xc3";
        sl_buf b = {0};
        CHECK_INT(sl_redact(key, bin, sizeof bin - 1, NULL, 0, PP, &b), SL_OK);
        CHECK(b.len > 0 && memcmp(b.p, "\xff\xfe pt_", 6) == 0 && b.p[b.len - 1] == '\xc3');
        sl_buf_free(&b);
    }

    sl_buf_free(&out);
    memo_matches_direct();
    unchanged_is_unchanged();
    rule_plates_are_tokenized();
    published_hides_what_rules_report();
    sl_key_free(key);
    unlink(kpath);
    rmdir(dir);
    TEST_END();
}
