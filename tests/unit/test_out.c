/* test_out.c: the writers' shared helpers (lib/out.h): the ASCII-run and quoting scan of
 * flagged.csv cells (16 bytes at a time) against a byte-by-byte reference on random texts of
 * every length and offset, one flagged.csv cell (formula leads, quoting), and the escaping of
 * JSON and HTML text. */
#include "../harness.h"
#include "out.h"

static uint64_t rng = 0x243F6A8885A308D3ull;
static uint64_t rnd(void) { return t_xorshift(&rng); }

static size_t reference(const char *p, size_t n, int *quote) {
    size_t i = 0;
    while (i < n && (unsigned char)p[i] < 0x80 && p[i]) {
        if (p[i] == ',' || p[i] == '"' || p[i] == '\n' || p[i] == '\r') *quote = 1;
        i++;
    }
    return i;
}

static void test_csv_ascii(void) {
    static const struct { const char *s; size_t run; int quote; } cases[] = {
        {"", 0, 0},
        {"plain text", 10, 0},
        {"a,b", 3, 1},
        {"0123456789abcdef0123456789abcdef", 32, 0},
        {"0123456789abcdef0123456789abcde\"", 32, 1},
        {"0123456789abcdef\xC3\xA9,later comma, past the run", 16, 0},
        {"0123456789a,cdef\xC3\xA9", 16, 1},
        {"0123456789abcd\n\xE2\x80\x9C", 15, 1},
        {"\xC3\xA9", 0, 0},
        {"0123456789abcdef0123456789a,\0", 28, 1}, /* a NUL ends the run */
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
        int q = 0;
        size_t len = strlen(cases[i].s) + (i + 1 == SL_ARRAY_LEN(cases)); /* the last: its NUL */
        CHECK_INT(sl_out_csv_ascii(cases[i].s, len, &q), cases[i].run);
        CHECK_INT(q, cases[i].quote);
    }
    /* random texts: mostly letters, some quote bytes, some high bytes, at every offset */
    static const char alphabet[] = "abcdefghij klmno,\"\n\r\x80\xC3\xFF\0";
    char buf[200];
    int bad = 0;
    for (int t = 0; t < 100000 && !bad; t++) {
        size_t n = (size_t)(rnd() % 80), off = (size_t)(rnd() % 16);
        unsigned mix = (unsigned)(rnd() % 4); /* 0: letters only ... 3: anything */
        for (size_t k = 0; k < n; k++) {
            size_t lim = mix == 0 ? 16 : mix == 1 ? 20 : sizeof alphabet - 1;
            if (mix == 3 || rnd() % 8 == 0) lim = sizeof alphabet - 1;
            buf[off + k] = alphabet[rnd() % lim];
        }
        int q1 = 0, q2 = 0;
        size_t a = sl_out_csv_ascii(buf + off, n, &q1), b = reference(buf + off, n, &q2);
        if (a != b || q1 != q2) {
            bad = 1;
            fprintf(stderr, "text %d (n %zu, off %zu): run %zu/%zu quote %d/%d\n", t, n, off, a, b,
                    q1, q2);
        }
    }
    CHECK_INT(bad, 0);
    int q = 1; /* left as it was when nothing needs quotes */
    CHECK_INT(sl_out_csv_ascii("abc", 3, &q), 3);
    CHECK_INT(q, 1);
}

/* Every formula lead is neutralised, and only at the start of a cell; quoting comes first. */
static void test_csv_cell(void) {
    static const struct { const char *in; size_t n; const char *out; size_t outn; } cases[] = {
        {"=1+2", 4, "'=1+2", 5},
        {"+1", 2, "'+1", 3},
        {"-Evil", 5, "'-Evil", 6},
        {"@SUM(A1)", 8, "'@SUM(A1)", 9},
        {"\tx", 2, "'\tx", 3},
        {"\rx", 2, "\"'\rx\"", 5},
        {"\0=1", 3, "'\0=1", 4},
        {"=a,b", 4, "\"'=a,b\"", 7},
        {"a=b-c", 5, "a=b-c", 5},
        {"say \"hi\"", 8, "\"say \"\"hi\"\"\"", 12},
        {"", 0, "", 0},
        {" =x", 3, " =x", 3},
    };
    sl_buf b = {0};
    for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
        sl_buf_reset(&b);
        CHECK_INT(sl_out_csv_cell(&b, cases[i].in, cases[i].n, 1), SL_OK);
        int same = b.len == cases[i].outn && (b.len == 0 || memcmp(b.p, cases[i].out, b.len) == 0);
        if (!same) fprintf(stderr, "csv cell %zu: got \"%.*s\"\n", i, (int)b.len, b.p ? b.p : "");
        CHECK(same);
    }
    sl_buf_reset(&b);
    CHECK_INT(sl_out_csv_cell(&b, "=x", 2, 0), SL_OK); /* not first: the comma, then the cell */
    CHECK_MEM(b.p, b.len, ",'=x");
    sl_buf_free(&b);
}

static void test_escaping(void) {
    sl_buf b = {0};
    CHECK_INT(sl_out_json_str(&b, "a\"b\\c\n\x01\xFF", 8), SL_OK);
    CHECK_MEM(b.p, b.len, "\"a\\\"b\\\\c\\n\\u0001\xEF\xBF\xBD\"");
    sl_buf_reset(&b);
    CHECK_INT(sl_out_html(&b, "<a href='x'>&amp;</a>", 21), SL_OK);
    CHECK_MEM(b.p, b.len, "&lt;a href=&#39;x&#39;&gt;&amp;amp;&lt;/a&gt;");
    sl_buf_reset(&b);
    CHECK_INT(sl_out_utf8(&b, "ok\xC3\xA9\xC3", 5), SL_OK);
    CHECK_MEM(b.p, b.len, "ok\xC3\xA9\xEF\xBF\xBD");
    CHECK_INT(sl_out_utf8_valid("ok\xC3\xA9\xC3", 5), 4);
    sl_buf_free(&b);
}

int main(void) {
    test_csv_ascii();
    test_csv_cell();
    test_escaping();
    TEST_END();
}
