/* test_csv.c: the streaming CSV parser. Each edge-case file in tests/data/csv is parsed whole,
 * one byte at a time and in random chunks, and every way must give the same exact records;
 * random inputs are also checked against a slow, obvious byte-by-byte reference parser. */
#include "../harness.h"

#include "csv.h"

#include <stdint.h>

/* ---- dumping records as text --------------------------------------------------------------- */

typedef struct {
    sl_buf out;
    uint64_t stop_at; /* return 1 from the callback at this record (0 = never) */
} dump_ctx;

static void put_bytes(sl_buf *b, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\n') sl_buf_puts(b, "\\n");
        else if (c == '\r') sl_buf_puts(b, "\\r");
        else if (c == '\\' || c == '[' || c == ']') sl_buf_printf(b, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f) sl_buf_printf(b, "\\x%02x", c);
        else sl_buf_putc(b, (char)c);
    }
}

static void dump_row(sl_buf *b, uint64_t record, uint64_t line, uint32_t nlines, uint64_t offset,
                     uint32_t invalid, int err, const char *fl, size_t fllen)
{
    sl_buf_printf(b, "r%llu l%llu n%u o%llu u%u e%d f[", (unsigned long long)record,
                  (unsigned long long)line, nlines, (unsigned long long)offset, invalid, err);
    put_bytes(b, fl, fllen);
    sl_buf_puts(b, "]:");
}

static int on_row(void *ud, const sl_csv_row *row)
{
    dump_ctx *d = ud;
    dump_row(&d->out, row->record, row->line, row->nlines, row->offset, row->invalid_utf8,
             (int)row->err, row->first_line.p, row->first_line.len);
    for (size_t k = 0; k < row->ncells; k++) {
        sl_buf_putc(&d->out, '[');
        put_bytes(&d->out, row->cells[k].p, row->cells[k].len);
        sl_buf_putc(&d->out, ']');
    }
    sl_buf_putc(&d->out, '\n');
    return d->stop_at && row->record == d->stop_at;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Parses data with chunk sizes: 0 = whole, 1 = one byte at a time, 2 = random 1..37,
 * 3 = random 1..5000. Returns a malloc'd dump ("BOM\n" first when a BOM was dropped). */
static char *parse(const char *data, size_t n, const sl_csv_opts *opts, int mode, uint64_t stop_at)
{
    dump_ctx d;
    memset(&d, 0, sizeof d);
    d.stop_at = stop_at;
    sl_csv *c = NULL;
    if (sl_csv_new(&c, opts, on_row, &d) != SL_OK) return NULL;
    size_t i = 0;
    while (i < n) {
        size_t k = n - i;
        if (mode == 1) k = 1;
        else if (mode == 2) k = 1 + (size_t)(rnd() % 37);
        else if (mode == 3) k = 1 + (size_t)(rnd() % 5000);
        if (k > n - i) k = n - i;
        if (sl_csv_feed(c, data + i, k) != SL_OK) break;
        i += k;
    }
    sl_csv_finish(c);
    if (sl_csv_had_bom(c)) sl_buf_puts(&d.out, "BOM\n");
    sl_csv_free(c);
    sl_buf_nul(&d.out);
    return d.out.p ? d.out.p : sl_strdup("");
}

/* Parses a file every way; checks all agree and equal `want`. */
static void check_file(const char *name, const sl_csv_opts *opts, const char *want)
{
    char path[256];
    sl_fmt(path, sizeof path, "tests/data/csv/%s", name);
    size_t n = 0;
    char *data = t_read_file(path, &n);
    CHECK(data != NULL);
    if (!data) return;
    char *whole = parse(data, n, opts, 0, 0);
    if (strcmp(whole, want) != 0) fprintf(stderr, "--- %s\n%s--- expected\n%s", name, whole, want);
    CHECK_STR(whole, want);
    for (int mode = 1; mode <= 3; mode++) {
        for (int rep = 0; rep < (mode == 1 ? 1 : 20); rep++) {
            char *got = parse(data, n, opts, mode, 0);
            if (strcmp(got, whole) != 0) {
                fprintf(stderr, "%s: mode %d differs:\n%s", name, mode, got);
                CHECK_STR(got, whole);
                free(got);
                goto done;
            }
            free(got);
        }
    }
    CHECK(1);
done:
    free(whole);
    free(data);
}

/* ---- the slow reference parser ------------------------------------------------------------- */

static uint32_t ref_invalid_utf8(const unsigned char *p, size_t n)
{
    uint32_t bad = 0;
    size_t i = 0;
    while (i < n) {
        unsigned b = p[i++];
        if (b < 0x80) continue;
        unsigned need = 0, lo = 0x80, hi = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) need = 1;
        else if (b >= 0xE0 && b <= 0xEF) need = 2, lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
        else if (b >= 0xF0 && b <= 0xF4) need = 3, lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
        else { bad++; continue; }
        while (need--) {
            if (i < n && p[i] >= lo && p[i] <= hi) { i++; lo = 0x80; hi = 0xBF; }
            else { bad++; break; }
        }
    }
    return bad;
}

/* The delimiter ref_parse splits on (',' unless a test sets another for its inputs). */
static char ref_delim = ',';

/* Whole-buffer, byte-at-a-time implementation of the same grammar. */
static char *ref_parse(const char *s, size_t n, size_t max_record, size_t max_cells)
{
    sl_buf out = {0};
    size_t pos = 0;
    int bom = n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0;
    if (bom) { s += 3; n -= 3; }
    uint64_t record = 1, line = 1;
    while (pos < n) {
        size_t start = pos, i = pos, ncells = 0, first_eol = (size_t)-1, last_cr = (size_t)-1;
        uint32_t nlines = 1;
        int st = 0, unterminated = 0; /* 0 start, 1 unquoted, 2 quoted, 3 quote in quoted */
        sl_buf cells = {0}, cur = {0};
        for (;;) {
            if (i == n) { unterminated = st == 2; break; }
            char b = s[i];
            int eol = b == '\r' || b == '\n';
            if (st == 2) {
                if (b == '"') st = 3;
                else {
                    if (eol) {
                        if (first_eol == (size_t)-1) first_eol = i - start;
                        if (!(b == '\n' && last_cr == i - 1)) nlines++;
                        if (b == '\r') last_cr = i;
                    }
                    sl_buf_putc(&cur, b);
                }
                i++;
                continue;
            }
            if (st == 3 && b == '"') { sl_buf_putc(&cur, '"'); st = 2; i++; continue; }
            if (b == ref_delim || eol) {
                sl_buf_putc(&cells, '['); put_bytes(&cells, cur.p, cur.len); sl_buf_putc(&cells, ']');
                sl_buf_reset(&cur); ncells++; st = 0;
                if (eol) break;
                i++;
                continue;
            }
            if (st == 0 && b == '"') { st = 2; i++; continue; }
            sl_buf_putc(&cur, b); st = 1; i++;
        }
        if (i == n) {
            sl_buf_putc(&cells, '['); put_bytes(&cells, cur.p, cur.len); sl_buf_putc(&cells, ']');
            ncells++;
        }
        size_t len = i - start;
        size_t fl = first_eol == (size_t)-1 ? len : first_eol;
        int big = len > max_record || ncells > max_cells;
        if (big && fl > max_record) fl = max_record;
        dump_row(&out, record, line, nlines, start, big ? 0 : ref_invalid_utf8((const unsigned char *)s + start, len),
                 unterminated ? SL_CSV_UNTERMINATED : big ? SL_CSV_TOO_LARGE : SL_CSV_OK, s + start, fl);
        if (!big) sl_buf_append(&out, cells.p, cells.len);
        sl_buf_putc(&out, '\n');
        sl_buf_free(&cells); sl_buf_free(&cur);
        record++;
        line += nlines;
        pos = i;
        if (pos < n) {
            pos++;
            if (s[i] == '\r' && pos < n && s[pos] == '\n') pos++;
        }
    }
    if (bom) sl_buf_puts(&out, "BOM\n");
    sl_buf_nul(&out);
    return out.p ? out.p : sl_strdup("");
}

static void test_random_against_reference(void)
{
    static const char alphabet[] = "ab,,\"\"\r\n\n \xc3\xa9\xff\xef\xbb\xbf";
    char buf[300];
    int bad = 0;
    for (int iter = 0; iter < 3000 && !bad; iter++) {
        size_t n = (size_t)(rnd() % sizeof buf);
        int sparse = iter % 2; /* long runs without specials exercise the 16-byte scans */
        for (size_t i = 0; i < n; i++) {
            if (sparse && rnd() % 10) buf[i] = (char)('a' + rnd() % 26);
            else buf[i] = alphabet[rnd() % (sizeof alphabet - 1)];
        }
        if (iter % 7 == 0 && n >= 3) memcpy(buf, "\xEF\xBB\xBF", 3);
        sl_csv_opts o = {',', 0, 0};
        o.no_avx2 = iter % 2;
        if (iter % 3 == 0) { o.max_record = 1 + (size_t)(rnd() % 40); o.max_cells = 1 + (size_t)(rnd() % 6); }
        char *want = ref_parse(buf, n, o.max_record ? o.max_record : 1 << 20,
                               o.max_cells ? o.max_cells : 4096);
        for (int mode = 0; mode <= 3 && !bad; mode++) {
            char *got = parse(buf, n, &o, mode, 0);
            if (strcmp(got, want) != 0) {
                bad = 1;
                fprintf(stderr, "random input %d (mode %d, max_record %zu, max_cells %zu):\n", iter,
                        mode, o.max_record, o.max_cells);
                sl_buf in = {0};
                put_bytes(&in, buf, n);
                sl_buf_nul(&in);
                fprintf(stderr, "input: %s\ngot:\n%swant:\n%s", in.p ? in.p : "", got, want);
                sl_buf_free(&in);
            }
            free(got);
        }
        free(want);
    }
    CHECK(!bad);
}

/* Well-formed records with now and then a defect, long enough for the 64-byte record scan:
 * quoted cells holding delimiters, quotes and line breaks (LF, CRLF, CR) across block edges,
 * records wider than the cell arrays, and every defect that must leave it for the byte scan. */
static void test_random_plain_records(void)
{
    static const char *const cells[] = {
        "", "abc", "Alder Creek CA PD", "\"x, y\"", "\"09/24/2025, 06:55:00 AM UTC\n10/01/2025\"",
        "\"a\r\nb\"", "\"a\rb\"", "\"\"", "***", "caf\xc3\xa9", "\"\xff\xfe\"",
        "0a3e808a-0a5c-4a2c-9b4b-beab27902715", "\"Make: Ford, Model: F-150\"",
        /* defects: escaped quote, quote inside a cell, text after the closing quote */
        "\"say \"\"hi\"\"\"", "ab\"c", "\"ab\"c", "\"unterminated",
    };
    static const char *const eols[] = {"\n", "\r\n", "\r", "\n"};
    char *buf = malloc(8192);
    int bad = 0;
    if (!buf) {
        CHECK(buf != NULL);
        return;
    }
    for (int iter = 0; iter < 2000 && !bad; iter++) {
        size_t n = 0, target = 64 + (size_t)(rnd() % 4000);
        int defects = iter % 4 == 0;
        const char delim = ",\t;"[iter % 3]; /* the cells' commas are content for the others */
        while (n < target) {
            size_t width = iter % 9 == 0 ? 1 + (size_t)(rnd() % 150) : 1 + (size_t)(rnd() % 14);
            for (size_t k = 0; k < width && n < target + 2000; k++) {
                size_t pick = (size_t)(rnd() % (defects ? SL_ARRAY_LEN(cells) : SL_ARRAY_LEN(cells) - 4));
                size_t m = strlen(cells[pick]);
                if (k) buf[n++] = delim;
                memcpy(buf + n, cells[pick], m);
                n += m;
            }
            const char *e = eols[rnd() % SL_ARRAY_LEN(eols)];
            memcpy(buf + n, e, strlen(e));
            n += strlen(e);
        }
        if (rnd() % 2) n -= (size_t)(rnd() % 3); /* sometimes no final line end */
        sl_csv_opts o = {delim, 0, 0};
        o.no_avx2 = iter % 2; /* both block scanners, where the CPU has AVX2 */
        if (iter % 5 == 0) o.max_cells = 1 + (size_t)(rnd() % 100);
        ref_delim = delim;
        char *want = ref_parse(buf, n, 1 << 20, o.max_cells ? o.max_cells : 4096);
        ref_delim = ',';
        /* an allocation of exactly n bytes: a read past the input shows under ASan */
        char *exact = malloc(n ? n : 1);
        if (!exact) break;
        memcpy(exact, buf, n);
        for (int mode = 0; mode <= 3 && !bad; mode++) {
            char *got = parse(exact, n, &o, mode, 0);
            if (strcmp(got, want) != 0) {
                bad = 1;
                fprintf(stderr, "plain records %d (mode %d, max_cells %zu) differ\ngot:\n%swant:\n%s",
                        iter, mode, o.max_cells, got, want);
            }
            free(got);
        }
        free(exact);
        free(want);
    }
    free(buf);
    CHECK(!bad);
}

/* ---- the files ------------------------------------------------------------------------------ */

static void test_files(void)
{
    check_file("quoted_newline_time_frame.csv", NULL,
               "r1 l1 n1 o0 u0 e0 f[Name,Org Name,Time Frame,Reason]:[Name][Org Name][Time Frame][Reason]\n"
               "r2 l2 n2 o32 u0 e0 f[\"J Doe\",Town PD,\"01/02/2025, 10:00:00 AM UTC]:[J Doe][Town PD]"
               "[01/02/2025, 10:00:00 AM UTC\\n01/03/2025, 10:00:00 AM UTC][stolen car]\n"
               "r3 l4 n1 o117 u0 e0 f[A B,\"Sonoma County CA SO\",\"x\",theft]:[A B][Sonoma County CA SO][x][theft]\n");
    check_file("crlf_records.csv", NULL,
               "r1 l1 n1 o0 u0 e0 f[a,b,c]:[a][b][c]\n"
               "r2 l2 n1 o7 u0 e0 f[1,2,3]:[1][2][3]\n"
               "r3 l3 n2 o14 u0 e0 f[\"x]:[x\\r\\ny][][z]\n");
    check_file("lf_records.csv", NULL,
               "r1 l1 n1 o0 u0 e0 f[a,b,c]:[a][b][c]\n"
               "r2 l2 n1 o6 u0 e0 f[1,2,3]:[1][2][3]\n"
               "r3 l3 n1 o12 u0 e0 f[4,5,6]:[4][5][6]\n");
    check_file("bom_utf8.csv", NULL,
               "r1 l1 n1 o0 u0 e0 f[ID,Reason]:[ID][Reason]\n"
               "r2 l2 n1 o10 u0 e0 f[1,test]:[1][test]\n"
               "BOM\n");
    check_file("no_final_newline.csv", NULL,
               "r1 l1 n1 o0 u0 e0 f[a,b]:[a][b]\n"
               "r2 l2 n1 o4 u0 e0 f[1,2]:[1][2]\n"
               "r3 l3 n1 o8 u0 e0 f[3,4]:[3][4]\n");
    check_file("unterminated_quote_at_eof.csv", NULL,
               "r1 l1 n1 o0 u0 e0 f[a,b]:[a][b]\n"
               "r2 l2 n2 o4 u0 e2 f[1,\"open]:[1][open\\nand never closed]\n");
    check_file("escaped_quotes.csv", NULL,
               "r1 l1 n1 o0 u0 e0 f[a,b]:[a][b]\n"
               "r2 l2 n1 o4 u0 e0 f[\"say \"\"hi\"\"\",\"\"\"\"]:[say \"hi\"][\"]\n"
               "r3 l3 n1 o22 u0 e0 f[\"\",x]:[][x]\n"
               "r4 l4 n1 o27 u0 e0 f[\"ab\"cd,e\"f]:[abcd][e\"f]\n");
    check_file("invalid_utf8_bytes.csv", NULL,
               "r1 l1 n1 o0 u0 e0 f[a,b]:[a][b]\n"
               "r2 l2 n1 o4 u0 e0 f[caf\\xc3\\xa9,ok]:[caf\\xc3\\xa9][ok]\n"
               "r3 l3 n1 o13 u2 e0 f[bad\\xff,\\xc3(]:[bad\\xff][\\xc3(]\n"
               "r4 l4 n1 o21 u4 e0 f[\"\\xe2\\x82\",\\xed\\xa0\\x80]:[\\xe2\\x82][\\xed\\xa0\\x80]\n");
    sl_csv_opts small = {',', 64, 0};
    check_file("oversize_record.csv", &small,
               "r1 l1 n1 o0 u0 e0 f[a,b]:[a][b]\n"
               "r2 l2 n1 o4 u0 e0 f[1,2]:[1][2]\n"
               "r3 l3 n2 o8 u0 e1 f[xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx]:\n"
               "r4 l5 n1 o233 u0 e0 f[3,4]:[3][4]\n");
    check_file("blank_lines.csv", NULL,
               "r1 l1 n1 o0 u0 e0 f[a,b]:[a][b]\n"
               "r2 l2 n1 o4 u0 e0 f[]:[]\n"
               "r3 l3 n1 o5 u0 e0 f[1,2]:[1][2]\n"
               "r4 l4 n1 o10 u0 e0 f[]:[]\n"
               "r5 l5 n1 o12 u0 e0 f[]:[]\n"
               "r6 l6 n1 o13 u0 e0 f[3,4]:[3][4]\n");
    sl_csv_opts tab = {'\t', 0, 0};
    check_file("tab_delimited.tsv", &tab,
               "r1 l1 n1 o0 u0 e0 f[Name\\x09Org Name\\x09Reason]:[Name][Org Name][Reason]\n"
               "r2 l2 n1 o21 u0 e0 f[J Doe\\x09\"Town, PD\"\\x09case 1]:[J Doe][Town, PD][case 1]\n");
    sl_csv_opts semi = {';', 0, 0};
    check_file("semicolon_delimited.csv", &semi,
               "r1 l1 n1 o0 u0 e0 f[Name;Org Name;Reason]:[Name][Org Name][Reason]\n"
               "r2 l2 n1 o21 u0 e0 f[J Doe;Town, PD;\"a;b\"]:[J Doe][Town, PD][a;b]\n");
    check_file("empty_file.csv", NULL, "");
    check_file("header_only.csv", NULL, "r1 l1 n1 o0 u0 e0 f[ID,Name,Reason]:[ID][Name][Reason]\n");
}

/* ---- small cases ----------------------------------------------------------------------------- */

static void check_text(const char *data, const sl_csv_opts *o, const char *want)
{
    size_t n = strlen(data);
    for (int mode = 0; mode <= 2; mode++) {
        char *got = parse(data, n, o, mode, 0);
        CHECK_STR(got, want);
        free(got);
    }
}

static void test_small(void)
{
    /* a lone CR ends a line outside quotes and counts as a line break inside them */
    check_text("a\rb\r\nc\r\"x\ry\"\n", NULL,
               "r1 l1 n1 o0 u0 e0 f[a]:[a]\n"
               "r2 l2 n1 o2 u0 e0 f[b]:[b]\n"
               "r3 l3 n1 o5 u0 e0 f[c]:[c]\n"
               "r4 l4 n2 o7 u0 e0 f[\"x]:[x\\ry]\n");
    /* too many cells: reported once, the next record is fine */
    sl_csv_opts two = {',', 0, 2};
    check_text("a,b,c\n1,2\n", &two,
               "r1 l1 n1 o0 u0 e1 f[a,b,c]:\n"
               "r2 l2 n1 o6 u0 e0 f[1,2]:[1][2]\n");
    /* exactly at the byte cap is fine, one more is too large */
    sl_csv_opts four = {',', 4, 0};
    check_text("abcd\nabcde\nx\n", &four,
               "r1 l1 n1 o0 u0 e0 f[abcd]:[abcd]\n"
               "r2 l2 n1 o5 u0 e1 f[abcd]:\n"
               "r3 l3 n1 o11 u0 e0 f[x]:[x]\n");
    /* a stray quote running to the end past the cap: unterminated, cells dropped */
    sl_csv_opts eight = {',', 8, 0};
    check_text("a\n\"0123456789\nabc,def\n", &eight,
               "r1 l1 n1 o0 u0 e0 f[a]:[a]\n"
               "r2 l2 n3 o2 u0 e2 f[\"0123456]:\n");
    /* a stream that is only part of a BOM is data */
    check_text("\xEF\xBB", NULL, "r1 l1 n1 o0 u1 e0 f[\\xef\\xbb]:[\\xef\\xbb]\n");
    /* a BOM alone gives no record */
    check_text("\xEF\xBB\xBF", NULL, "BOM\n");
    /* trailing delimiter, closing quote at end of input */
    check_text("a,\n\"q\"", NULL, "r1 l1 n1 o0 u0 e0 f[a,]:[a][]\nr2 l2 n1 o3 u0 e0 f[\"q\"]:[q]\n");
    /* long unquoted and quoted runs go through the 16-byte scan */
    check_text("0123456789abcdefghij,\"0123456789abcdefghij\"\"0123456789\"\n", NULL,
               "r1 l1 n1 o0 u0 e0 f[0123456789abcdefghij,\"0123456789abcdefghij\"\"0123456789\"]:"
               "[0123456789abcdefghij][0123456789abcdefghij\"0123456789]\n");

    /* the callback can stop the stream */
    const char *d = "a\nb\nc\n";
    for (int mode = 0; mode <= 1; mode++) {
        char *got = parse(d, strlen(d), NULL, mode, 2);
        CHECK_STR(got, "r1 l1 n1 o0 u0 e0 f[a]:[a]\nr2 l2 n1 o2 u0 e0 f[b]:[b]\n");
        free(got);
    }

    /* bad options */
    sl_csv *c = NULL;
    sl_csv_opts q = {'"', 0, 0};
    CHECK_INT(sl_csv_new(&c, &q, on_row, NULL), SL_EUSAGE);
    CHECK(c == NULL);
    sl_csv_free(NULL);
}

/* Real exports, when the shared sample folder is present: chunking must not matter. */
static void test_shared_samples(void)
{
    static const char *files[] = {"portal/EPDSearchAuditLogs.csv", "portal/search_audit.a871b2fc.csv",
                                  "eventlog/san-mateo-event-logs.csv"};
    if (!path_exists(shared_data_dir())) {
        SKIP("shared data folder absent");
        return;
    }
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char path[512];
        sl_fmt(path, sizeof path, "%s/%s", shared_data_dir(), files[f]);
        size_t n = 0;
        char *data = t_read_file(path, &n);
        if (!data) {
            SKIP(path);
            continue;
        }
        char *whole = parse(data, n, NULL, 0, 0);
        char *ones = parse(data, n, NULL, 1, 0);
        char *rnd3 = parse(data, n, NULL, 3, 0);
        char *want = ref_parse(data, n, 1 << 20, 4096);
        CHECK(strcmp(whole, ones) == 0);
        CHECK(strcmp(whole, rnd3) == 0);
        CHECK(strcmp(whole, want) == 0);
        if (f == 0) {
            /* 4,294 searches + header, no final newline: the last record still arrives */
            size_t lines = 0;
            for (const char *p = whole; *p; p++) lines += *p == '\n';
            CHECK_INT(lines, 4295);
        }
        free(whole);
        free(ones);
        free(rnd3);
        free(want);
        free(data);
    }
}

/* The input broke off (read error, damaged archive): the record begun is delivered as cut,
 * inside or outside quotes; a stream that broke off between records delivers nothing more. */
static void test_finish_cut(void)
{
    static const struct { const char *in, *want; } cases[] = {
        {"a,b\n1,2\n3,par", "r1 l1 n1 o0 u0 e0 f[a,b]:[a][b]\nr2 l2 n1 o4 u0 e0 f[1,2]:[1][2]\n"
                             "r3 l3 n1 o8 u0 e3 f[3,par]:[3][par]\n"},
        {"a,b\n\"x\ny", "r1 l1 n1 o0 u0 e0 f[a,b]:[a][b]\nr2 l2 n2 o4 u0 e3 f[\"x]:[x\\ny]\n"},
        {"a,b\n1,2\n", "r1 l1 n1 o0 u0 e0 f[a,b]:[a][b]\nr2 l2 n1 o4 u0 e0 f[1,2]:[1][2]\n"},
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
        dump_ctx d;
        memset(&d, 0, sizeof d);
        sl_csv *c = NULL;
        CHECK_INT(sl_csv_new(&c, NULL, on_row, &d), SL_OK);
        CHECK_INT(sl_csv_feed(c, cases[i].in, strlen(cases[i].in)), SL_OK);
        CHECK_INT(sl_csv_finish_cut(c), SL_OK);
        CHECK_INT(sl_csv_finish_cut(c), SL_OK); /* once only */
        sl_csv_free(c);
        sl_buf_nul(&d.out);
        CHECK_STR(d.out.p ? d.out.p : "", cases[i].want);
        sl_buf_free(&d.out);
    }
}

int main(void)
{
    test_finish_cut();
    test_files();
    test_small();
    test_random_against_reference();
    test_random_plain_records();
    test_shared_samples();
    TEST_END();
}
