/* test_named.c: the plates named with --plate. Normalisation and the refusals (a wildcard,
 * too short, other characters, too long, a ninth plate); how a row searched one: its plate
 * cell (among several plates, any case and spacing; not a longer or shorter plate), a
 * wildcard pattern there ('*' any run, '?' one character; a pattern with fewer than two
 * letters or digits and a redaction mask fit nothing), free text naming it with case, spaces
 * and dashes ignored but not inside a longer word; cells that are not values are not read. */
#include "../harness.h"
#include "named.h"

static sl_search row(const char *plate, sl_cell_state pst, const char *reason) {
    sl_search q;
    memset(&q, 0, sizeof q);
    for (int f = 0; f < SL_F_COUNT; f++) q.f[f].st = SL_CELL_ABSENT;
    q.f[SL_F_PLATE] = (sl_cell){plate, plate ? strlen(plate) : 0, pst};
    q.f[SL_F_REASON] =
        (sl_cell){reason, reason ? strlen(reason) : 0, reason ? SL_CELL_VALUE : SL_CELL_ABSENT};
    return q;
}

static unsigned how(const sl_named *nm, const char *plate, sl_cell_state pst, const char *reason) {
    sl_search q = row(plate, pst, reason);
    return sl_named_how(nm, 0, &q);
}

static void test_init(void) {
    sl_named nm;
    char err[300];
    const char *ok[] = {" 7abc-123 ", "LOVE IT", "7ABC123"};
    CHECK_INT(sl_named_init(&nm, ok, 3, err, sizeof err), SL_OK);
    CHECK_INT(nm.n, 2); /* "7abc-123" and "7ABC123" are one plate */
    CHECK_STR(nm.plate[0], "7ABC123");
    CHECK_STR(nm.plate[1], "LOVEIT");
    const char *bad[][1] = {{"7AB*"}, {"7AB?23"}, {"x"}, {"--"}, {"ABC/123"}, {"ABC_123"},
                            {"ABCDEFGHIJKLMNOPQ"}};
    for (size_t i = 0; i < SL_ARRAY_LEN(bad); i++) {
        err[0] = '\0';
        CHECK_INT(sl_named_init(&nm, bad[i], 1, err, sizeof err), SL_EUSAGE);
        CHECK(err[0] != '\0');
    }
    const char *nine[] = {"A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9"};
    CHECK_INT(sl_named_init(&nm, nine, 8, err, sizeof err), SL_OK);
    CHECK_INT(sl_named_init(&nm, nine, 9, err, sizeof err), SL_EUSAGE);
    CHECK(strstr(err, "does not run lists") != NULL);
    CHECK_INT(sl_named_init(&nm, NULL, 0, err, sizeof err), SL_OK);
    CHECK_INT(nm.n, 0);
}

static void test_how(void) {
    sl_named nm;
    char err[300];
    const char *p[] = {"7ABC123"};
    CHECK_INT(sl_named_init(&nm, p, 1, err, sizeof err), SL_OK);
    /* the plate cell */
    CHECK_INT(how(&nm, "7ABC123", SL_CELL_VALUE, NULL), SL_NAMED_CELL);
    CHECK_INT(how(&nm, "7abc 123", SL_CELL_VALUE, NULL), SL_NAMED_CELL);
    CHECK_INT(how(&nm, "XYZ999, 7abc-123", SL_CELL_VALUE, NULL), SL_NAMED_CELL);
    CHECK_INT(how(&nm, "7ABC1234", SL_CELL_VALUE, NULL), 0);
    CHECK_INT(how(&nm, "7ABC12", SL_CELL_VALUE, NULL), 0);
    CHECK_INT(how(&nm, "7ABC123", SL_CELL_VENDOR_REDACTED, NULL), 0);
    CHECK_INT(how(&nm, "7ABC123", SL_CELL_PARTIAL, NULL), SL_NAMED_CELL);
    /* a wildcard pattern */
    CHECK_INT(how(&nm, "7AB*", SL_CELL_VALUE, NULL), SL_NAMED_PATTERN);
    CHECK_INT(how(&nm, "*BC12*", SL_CELL_VALUE, NULL), SL_NAMED_PATTERN);
    CHECK_INT(how(&nm, "7ABC12?", SL_CELL_VALUE, NULL), SL_NAMED_PATTERN);
    CHECK_INT(how(&nm, "7ABC1?", SL_CELL_VALUE, NULL), 0);
    CHECK_INT(how(&nm, "8AB*", SL_CELL_VALUE, NULL), 0);
    CHECK_INT(how(&nm, "7*", SL_CELL_VALUE, NULL), 0); /* one letter or digit: fits anything */
    CHECK_INT(how(&nm, "***", SL_CELL_VALUE, NULL), 0);
    CHECK_INT(how(&nm, "XYZ999; 7A*3", SL_CELL_VALUE, NULL), SL_NAMED_PATTERN);
    /* free text */
    CHECK_INT(how(&nm, "XYZ999", SL_CELL_VALUE, "following 7abc 123 for a friend"), SL_NAMED_TEXT);
    CHECK_INT(how(&nm, NULL, SL_CELL_ABSENT, "tag 7-ABC-123"), SL_NAMED_TEXT);
    CHECK_INT(how(&nm, NULL, SL_CELL_ABSENT, "case X7ABC123"), 0);
    CHECK_INT(how(&nm, NULL, SL_CELL_ABSENT, "7ABC1234 stolen"), 0);
    CHECK_INT(how(&nm, "7ABC123", SL_CELL_VALUE, "plate 7ABC123"), SL_NAMED_CELL | SL_NAMED_TEXT);
    sl_search q = row("XYZ999", SL_CELL_VALUE, "theft");
    q.f[SL_F_FILTERS] = (sl_cell){"plate=7ABC123", 13, SL_CELL_VALUE};
    CHECK_INT(sl_named_how(&nm, 0, &q), SL_NAMED_TEXT);
    CHECK_INT(sl_named_match(&nm, &q), 1u);
    CHECK_INT(sl_named_how(&nm, 1, &q), 0); /* no such plate */
    CHECK_STR(sl_named_how_name(SL_NAMED_CELL | SL_NAMED_TEXT), "plate+text");
    CHECK_STR(sl_named_how_name(SL_NAMED_PATTERN), "pattern");
}

/* sl_named_match walks the texts once for every plate, then plate by plate */
static void test_match(void) {
    sl_named nm;
    char err[300];
    const char *p[] = {"7ABC123", "LOVEIT", "XYZ999"};
    CHECK_INT(sl_named_init(&nm, p, 3, err, sizeof err), SL_OK);
    CHECK_STR(nm.all, "7ABC123,LOVEIT,XYZ999");
    sl_search q = row("XYZ999", SL_CELL_VALUE, "saw loveit near 7abc-124");
    CHECK_INT(sl_named_match(&nm, &q), 6u);
    q = row("***", SL_CELL_VENDOR_REDACTED, "7ABC123 and loveit");
    CHECK_INT(sl_named_match(&nm, &q), 3u);
    q = row("7ABC123", SL_CELL_VALUE, "theft");
    CHECK_INT(sl_named_match(&nm, &q), 1u);
    q = row(NULL, SL_CELL_ABSENT, "love it");
    CHECK_INT(sl_named_match(&nm, &q), 2u); /* spaces ignored, as the redactor reads a plate */
    q = row(NULL, SL_CELL_ABSENT, "lovely");
    CHECK_INT(sl_named_match(&nm, &q), 0u);
    /* one text (an event's detail) */
    CHECK_INT(sl_named_in_text(&nm, "Plate: xyz-999; note: LOVE IT", 29), 6u);
    CHECK_INT(sl_named_in_text(&nm, "Plate: XYZ9999", 14), 0u);
    CHECK_INT(sl_named_in_text(&nm, NULL, 0), 0u);
}

/* The plate cell's pieces, as --plate and the plate repeats read them. */
static void test_cell_pieces(void) {
    static const char c[] = "7ABC123, 9ZZZ111;X|Y/Z\nQ\r";
    static const char *const want[] = {"7ABC123", " 9ZZZ111", "X", "Y", "Z", "Q"};
    size_t at = 0, a, b, n = 0;
    int same = 1;
    while (sl_plate_cell_next(c, sizeof c - 1, &at, &a, &b)) {
        same &= n < 6 && b - a == strlen(want[n]) && !memcmp(c + a, want[n], b - a);
        n++;
    }
    CHECK(same);
    CHECK_INT(n, 6);
    at = 0;
    CHECK(!sl_plate_cell_next(c, 0, &at, &a, &b));
    CHECK(!sl_plate_cell_next(NULL, 4, &at, &a, &b));
    at = 0; /* empty pieces are given too */
    CHECK(sl_plate_cell_next(",A", 2, &at, &a, &b) && a == 0 && b == 0);
    CHECK(sl_plate_cell_next(",A", 2, &at, &a, &b) && a == 1 && b == 2);
    CHECK(!sl_plate_cell_next(",A", 2, &at, &a, &b));
}

int main(void) {
    test_cell_pieces();
    test_match();
    test_init();
    test_how();
    TEST_END();
}
