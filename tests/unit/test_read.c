/* test_read.c: from paths to sources. Walks a folder tree made in a temporary folder (sorted,
 * hidden and repeated files skipped and reported), reads files with known SHA-256 values, checks
 * progress adds up to the file size, sniffs delimiters, and refuses binary formats. */
#include "../harness.h"

#include "read_int.h"

#include <fcntl.h>
#include <unistd.h>

/* ---- recording what the reader says --------------------------------------------------------- */

typedef struct {
    sl_buf log;          /* "begin ...", "row ...", "end ..." lines */
    sl_buf diags;        /* "code path\n" */
    uint64_t progress;   /* bytes reported */
    unsigned progress_calls;
    uint64_t rows;
    int stop_begin;      /* begin returns 1 */
    uint64_t stop_row;   /* row returns 1 at this record */
    char sha[65];
    uint64_t size;
} rec;

static void on_diag(void *ud, const sl_diag *d)
{
    rec *r = ud;
    sl_buf_printf(&r->diags, "%s %s\n", d->code, d->source ? d->source : "-");
}

static int on_begin(void *ud, const sl_source *src)
{
    rec *r = ud;
    sl_buf_printf(&r->log, "begin %u %s %s %s %d\n", src->id, src->cite, src->format,
                  src->encoding, src->delim);
    return r->stop_begin;
}

static int on_row(void *ud, const sl_source *src, const sl_csv_row *row)
{
    rec *r = ud;
    r->rows++;
    sl_buf_printf(&r->log, "row %u r%llu l%llu n%zu", src->id, (unsigned long long)row->record,
                  (unsigned long long)row->line, row->ncells);
    if (row->ncells) sl_buf_printf(&r->log, " %.*s", (int)row->cells[0].len, row->cells[0].p);
    sl_buf_putc(&r->log, '\n');
    return r->stop_row == row->record;
}

static void on_end(void *ud, const sl_source *src)
{
    rec *r = ud;
    memcpy(r->sha, src->sha256, sizeof r->sha);
    r->size = src->size;
    sl_buf_printf(&r->log, "end %u %s %llu\n", src->id, src->sha256, (unsigned long long)src->size);
}

static void on_progress(void *ud, uint64_t n)
{
    rec *r = ud;
    r->progress += n;
    r->progress_calls++;
}

static sl_reader_cb make_cb(rec *r)
{
    sl_reader_cb cb = {on_begin, on_row, on_end, on_progress, on_diag, r, r};
    return cb;
}

static const char *text(sl_buf *b)
{
    sl_buf_nul(b);
    return b->p ? b->p : "";
}

static void rec_free(rec *r)
{
    sl_buf_free(&r->log);
    sl_buf_free(&r->diags);
}

static int write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t w = fwrite(p, 1, n, f);
    return fclose(f) == 0 && w == n ? 0 : -1;
}

/* ---- folders --------------------------------------------------------------------------------- */

static void test_collect(const char *tmp)
{
    char dir[512], p[600], outside[600];
    sl_fmt(dir, sizeof dir, "%s/tree", tmp);
    mkdir(dir, 0755);
    static const char *const dirs[] = {"a", "a/sub", ".git", "a/.cache"};
    for (size_t i = 0; i < SL_ARRAY_LEN(dirs); i++) {
        sl_fmt(p, sizeof p, "%s/%s", dir, dirs[i]);
        CHECK_INT(mkdir(p, 0755), 0);
    }
    static const char *const files[] = {"b.csv", "A.csv", "a/z.csv", "a/sub/y.tsv",
                                        "a/.hidden.csv", ".git/x.csv", "a/.cache/c.csv"};
    for (size_t i = 0; i < SL_ARRAY_LEN(files); i++) {
        sl_fmt(p, sizeof p, "%s/%s", dir, files[i]);
        CHECK_INT(write_file(p, "x\n", 2), 0);
    }
    sl_fmt(outside, sizeof outside, "%s/outside.csv", tmp);
    CHECK_INT(write_file(outside, "y\n", 2), 0);
    sl_fmt(p, sizeof p, "%s/ext.csv", dir); /* link to a file elsewhere: followed */
    CHECK_INT(symlink(outside, p), 0);
    sl_fmt(p, sizeof p, "%s/l.csv", dir); /* second name of b.csv: read once */
    CHECK_INT(symlink("b.csv", p), 0);
    sl_fmt(p, sizeof p, "%s/dlink", dir); /* link to a folder: not followed (loops) */
    CHECK_INT(symlink("a", p), 0);
    sl_fmt(p, sizeof p, "%s/broken.csv", dir);
    CHECK_INT(symlink("nowhere.csv", p), 0);

    char slash[520], missing[520];
    sl_fmt(slash, sizeof slash, "%s/", dir);
    sl_fmt(missing, sizeof missing, "%s/missing.csv", tmp);
    const char *paths[] = {dir, missing, slash, outside};
    rec r;
    memset(&r, 0, sizeof r);
    char **out = NULL;
    size_t n = 0;
    CHECK_INT(sl_inputs_collect(paths, 4, on_diag, &r, &out, &n), SL_OK);
    sl_buf got = {0};
    for (size_t i = 0; i < n; i++) {
        /* print relative to tmp so the expected text is fixed */
        const char *f = out[i];
        if (strncmp(f, tmp, strlen(tmp)) == 0) f += strlen(tmp);
        sl_buf_printf(&got, "%s\n", f);
    }
    CHECK_STR(text(&got), "/outside.csv\n/tree/A.csv\n/tree/a/sub/y.tsv\n/tree/a/z.csv\n/tree/b.csv\n");
    sl_buf_free(&got);
    sl_inputs_free(out, n);

    /* each problem reported once per walk (the tree is walked twice: as dir and dir/) */
    const char *d = text(&r.diags);
    char want[700];
    sl_fmt(want, sizeof want, "read.hidden_skipped %s/.git\n", dir);
    CHECK(strstr(d, want) != NULL);
    sl_fmt(want, sizeof want, "read.hidden_skipped %s/a/.hidden.csv\n", dir);
    CHECK(strstr(d, want) != NULL);
    sl_fmt(want, sizeof want, "read.hidden_skipped %s/a/.cache\n", dir);
    CHECK(strstr(d, want) != NULL);
    sl_fmt(want, sizeof want, "read.not_found %s\n", missing);
    CHECK(strstr(d, want) != NULL);
    sl_fmt(want, sizeof want, "read.not_found %s/broken.csv\n", dir);
    CHECK(strstr(d, want) != NULL);
    sl_fmt(want, sizeof want, "read.symlink_skipped %s/dlink\n", dir);
    CHECK(strstr(d, want) != NULL);
    /* ext.csv is outside.csv under another name: kept under the first name in byte order */
    sl_fmt(want, sizeof want, "read.duplicate_skipped %s/ext.csv\n", dir);
    CHECK(strstr(d, want) != NULL);
    sl_fmt(want, sizeof want, "read.duplicate_skipped %s/l.csv\n", dir);
    CHECK(strstr(d, want) != NULL);
    CHECK(strstr(d, "x.csv") == NULL); /* nothing inside a hidden folder is looked at */
    rec_free(&r);

    /* nothing found: no list, still SL_OK; NULL frees are fine */
    memset(&r, 0, sizeof r);
    const char *none[] = {missing};
    CHECK_INT(sl_inputs_collect(none, 1, on_diag, &r, &out, &n), SL_OK);
    CHECK_INT(n, 0);
    CHECK(out == NULL);
    sl_inputs_free(NULL, 0);
    rec_free(&r);
}

/* ---- reading files --------------------------------------------------------------------------- */

static void test_known_file(void)
{
    const char *path = "tests/data/csv/quoted_newline_time_frame.csv";
    rec r;
    memset(&r, 0, sizeof r);
    sl_reader_cb cb = make_cb(&r);
    uint32_t id = 7;
    CHECK_INT(sl_read_file(path, NULL, &cb, &id), SL_OK);
    CHECK_INT(id, 8);
    CHECK_STR(text(&r.log),
              "begin 7 tests/data/csv/quoted_newline_time_frame.csv csv utf-8 44\n"
              "row 7 r1 l1 n4 Name\n"
              "row 7 r2 l2 n4 J Doe\n"
              "row 7 r3 l4 n4 A B\n"
              "end 7 4a1db6df44f2625e09a8fb74cb359e6c9a938c03159d565921b39a6f334e4e21 153\n");
    CHECK_INT(r.progress, 153);
    CHECK_STR(text(&r.diags), "");
    rec_free(&r);

    /* begin may decline a source: no rows, but end still comes with the whole file's hash */
    memset(&r, 0, sizeof r);
    r.stop_begin = 1;
    cb = make_cb(&r);
    CHECK_INT(sl_read_file(path, NULL, &cb, &id), SL_OK);
    CHECK_INT(r.rows, 0);
    CHECK_STR(r.sha, "4a1db6df44f2625e09a8fb74cb359e6c9a938c03159d565921b39a6f334e4e21");
    CHECK_INT(r.progress, 153);
    rec_free(&r);

    /* row may stop a source */
    memset(&r, 0, sizeof r);
    r.stop_row = 2;
    cb = make_cb(&r);
    CHECK_INT(sl_read_file(path, NULL, &cb, &id), SL_OK);
    CHECK_INT(r.rows, 2);
    CHECK_STR(r.sha, "4a1db6df44f2625e09a8fb74cb359e6c9a938c03159d565921b39a6f334e4e21");
    rec_free(&r);
}

static void test_formats(void)
{
    rec r;
    memset(&r, 0, sizeof r);
    sl_reader_cb cb = make_cb(&r);
    uint32_t id = 1;
    CHECK_INT(sl_read_file("tests/data/csv/tab_delimited.tsv", NULL, &cb, &id), SL_OK);
    CHECK_INT(sl_read_file("tests/data/csv/semicolon_delimited.csv", NULL, &cb, &id), SL_OK);
    CHECK_INT(sl_read_file("tests/data/csv/bom_utf8.csv", NULL, &cb, &id), SL_OK);
    CHECK_INT(sl_read_file("tests/data/csv/empty_file.csv", NULL, &cb, &id), SL_OK);
    CHECK_INT(sl_read_file("tests/data/csv/pipe_delimited.txt", NULL, &cb, &id), SL_OK);
    CHECK_STR(text(&r.log),
              "begin 1 tests/data/csv/tab_delimited.tsv tsv utf-8 9\n"
              "row 1 r1 l1 n3 Name\n"
              "row 1 r2 l2 n3 J Doe\n"
              "end 1 31c0fa4d8a326ec71a98f965c2dbe2a4d1e1387a8055a598330989f3573cab55 45\n"
              "begin 2 tests/data/csv/semicolon_delimited.csv ssv utf-8 59\n"
              "row 2 r1 l1 n3 Name\n"
              "row 2 r2 l2 n3 J Doe\n"
              "end 2 ef0e95a3c0ed404c7a303e13b17a53db6ffb2067ad3c6a257f5c06afd8b4abff 42\n"
              "begin 3 tests/data/csv/bom_utf8.csv csv utf-8-bom 44\n"
              "row 3 r1 l1 n2 ID\n"
              "row 3 r2 l2 n2 1\n"
              "end 3 ed86a66d13478b577ed2d7d00409f501c65b3913fb43365e10a1ad6903cbf295 20\n"
              "begin 4 tests/data/csv/empty_file.csv csv utf-8 44\n"
              "end 4 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 0\n"
              "begin 5 tests/data/csv/pipe_delimited.txt psv utf-8 124\n"
              "row 5 r1 l1 n3 Name\n"
              "row 5 r2 l2 n3 J Doe\n"
              "end 5 959f380324e028be659121c1f77327c95813b3729a58d48598dbc253f5ab258c 42\n");
    CHECK_INT(id, 6);
    rec_free(&r);
}

static void test_sniff(const char *tmp)
{
    struct {
        const char *name;
        const char *bytes;
        size_t n;
        const char *kind;
    } cases[] = {
        {"nul.csv", "a,b\n1,\0\n", 8, "binary"},
        {"z.csv", "PK\3\4\24\0\0\0\10\0", 10, "zip"},
        {"data.xlsx", "PK\3\4\24\0\0\0\10\0", 10, "xlsx"},
        {"g.csv.gz", "\x1f\x8b\x08\0\0\0\0\0", 8, "gzip"},
        {"s.csv.zst", "\x28\xb5\x2f\xfd\0\0", 6, "zstd"},
        {"w16.csv", "\xff\xfe" "a\0,\0b\0", 8, "utf-16le"},
        {"nobom16.csv", "a\0,\0b\0\n\0", 8, "utf-16le"},
        {"old.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", 10, "xls"},
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
        char p[600], want[700];
        sl_fmt(p, sizeof p, "%s/%s", tmp, cases[i].name);
        CHECK_INT(write_file(p, cases[i].bytes, cases[i].n), 0);
        CHECK_STR(sl_read_kind_name(sl_read_sniff((const unsigned char *)cases[i].bytes, cases[i].n,
                                                  cases[i].name)),
                  cases[i].kind);
        /* zip, xlsx, gzip, zstd and UTF-16 are read now: see tests/unit/test_container.c */
        if (strcmp(cases[i].kind, "xls") == 0) { /* read by xls.c: ten bytes are no workbook */
            rec r;
            memset(&r, 0, sizeof r);
            sl_reader_cb cb = make_cb(&r);
            uint32_t id = 1;
            CHECK_INT(sl_read_file(p, NULL, &cb, &id), SL_OK);
            sl_fmt(want, sizeof want, "xls.damaged %s\n", p);
            CHECK_STR(text(&r.diags), want);
            CHECK_INT(r.progress, cases[i].n);
            rec_free(&r);
            continue;
        }
        if (strcmp(cases[i].kind, "binary") != 0) continue;
        rec r;
        memset(&r, 0, sizeof r);
        sl_reader_cb cb = make_cb(&r);
        uint32_t id = 1;
        CHECK_INT(sl_read_file(p, NULL, &cb, &id), SL_OK);
        CHECK_STR(text(&r.log), ""); /* never handed to the CSV parser */
        CHECK_INT(id, 1);
        sl_fmt(want, sizeof want, "read.unsupported_format %s\n", p);
        CHECK_STR(text(&r.diags), want);
        CHECK_INT(r.progress, cases[i].n);
        rec_free(&r);
    }
    /* Text with a stray NUL is read as text, every row, with a warning naming the file; a NUL
     * among few bytes, or many control bytes, is still not text. */
    {
        char body[600];
        size_t n = 0;
        n += (size_t)snprintf(body + n, sizeof body - n, "Name,Org Name,Reason\n");
        for (int i = 0; i < 12; i++)
            n += (size_t)snprintf(body + n, sizeof body - n, "Ofc %d,Town PD,stolen vehicle %d\n", i, i);
        body[40] = '\0'; /* inside the second row's reason */
        char p[600], want[700];
        sl_fmt(p, sizeof p, "%s/nul_byte_in_cell.csv", tmp);
        CHECK_INT(write_file(p, body, n), 0);
        CHECK_STR(sl_read_kind_name(sl_read_sniff((const unsigned char *)body, n, p)), "text");
        rec r;
        memset(&r, 0, sizeof r);
        sl_reader_cb cb = make_cb(&r);
        uint32_t id = 1;
        CHECK_INT(sl_read_file(p, NULL, &cb, &id), SL_OK);
        CHECK_INT(r.rows, 13); /* the header and twelve rows */
        sl_fmt(want, sizeof want, "read.nul_bytes %s\n", p);
        CHECK_STR(text(&r.diags), want);
        rec_free(&r);
        unsigned char ctrl[400];
        for (size_t i = 0; i < sizeof ctrl; i++) ctrl[i] = (unsigned char)(i % 7 == 0 ? 1 : 'a');
        ctrl[10] = 0;
        CHECK_STR(sl_read_kind_name(sl_read_sniff(ctrl, sizeof ctrl, "c.csv")), "binary");
        memset(ctrl, 'a', sizeof ctrl);
        ctrl[10] = 0;
        ctrl[20] = 0x02;
        CHECK_STR(sl_read_kind_name(sl_read_sniff(ctrl, sizeof ctrl, "c.csv")), "text");
        ctrl[30] = 0x03;
        ctrl[31] = 0x04; /* 4 control bytes in 400: 1%, still text */
        CHECK_STR(sl_read_kind_name(sl_read_sniff(ctrl, sizeof ctrl, "c.csv")), "text");
        ctrl[32] = 0x05; /* 5: more than 1% */
        CHECK_STR(sl_read_kind_name(sl_read_sniff(ctrl, sizeof ctrl, "c.csv")), "binary");
    }
    /* an OOXML zip is a workbook whatever its name */
    static const char ooxml[] = "PK\3\4\24\0\6\0\10\0\0\0!\0\0\0\0\0\0\0\0\0\0\0\0\0\23\0\0\0"
                                "[Content_Types].xml";
    CHECK_STR(sl_read_kind_name(sl_read_sniff((const unsigned char *)ooxml, sizeof ooxml - 1, "x.zip")),
              "xlsx");
    CHECK_STR(sl_read_kind_name(sl_read_sniff((const unsigned char *)"a,b\n", 4, NULL)), "text");
}

static void test_errors(const char *tmp)
{
    rec r;
    memset(&r, 0, sizeof r);
    sl_reader_cb cb = make_cb(&r);
    uint32_t id = 1;
    char p[600], want[700];
    sl_fmt(p, sizeof p, "%s/does-not-exist.csv", tmp);
    CHECK_INT(sl_read_file(p, NULL, &cb, &id), SL_EIO);
    sl_fmt(want, sizeof want, "read.io %s\n", p);
    CHECK_STR(text(&r.diags), want);
    sl_buf_reset(&r.diags);
    CHECK_INT(sl_read_file(tmp, NULL, &cb, &id), SL_EIO); /* a folder */
    sl_fmt(want, sizeof want, "read.io %s\n", tmp);
    CHECK_STR(text(&r.diags), want);
    CHECK_STR(text(&r.log), "");
    CHECK_INT(id, 1);
    rec_free(&r);
    /* no callbacks at all is fine */
    CHECK_INT(sl_read_file("tests/data/csv/lf_records.csv", NULL, NULL, NULL), SL_OK);
}

/* Reads the file at p (whose bytes are b) hashing on the calling thread, then on a second:
 * the same log, rows records, a log holding needle, b's SHA-256 and size; and stopped at
 * record 1000, still b's SHA-256. plain: UTF-8 read directly (progress reported per chunk,
 * no diagnostics). */
static void read_both_ways(const char *p, const sl_buf *b, uint64_t rows, const char *needle, int plain)
{
    char want_sha[65];
    sl_sha256 *h = sl_sha256_new();
    sl_sha256_update(h, b->p, b->len);
    sl_sha256_final(h, want_sha);
    sl_sha256_free(h);
    sl_buf first = {0};
    for (int t = 0; t < 2; t++) {
        rec r;
        memset(&r, 0, sizeof r);
        sl_reader_cb cb = make_cb(&r);
        uint32_t id = 1;
        sl_read_opts o = {0, 0, 0, t};
        CHECK_INT(sl_read_file(p, &o, &cb, &id), SL_OK);
        CHECK_INT(r.rows, rows);
        CHECK_INT(r.progress, b->len);
        CHECK_INT(r.size, b->len);
        CHECK_STR(r.sha, want_sha);
        CHECK(strstr(text(&r.log), needle) != NULL);
        if (plain) {
            CHECK(r.progress_calls >= 9);
            CHECK_STR(text(&r.diags), "");
        }
        if (t == 0) sl_buf_append(&first, r.log.p, r.log.len);
        else CHECK(r.log.len == first.len && memcmp(r.log.p, first.p, first.len) == 0);
        rec_free(&r);
        /* stopped at record 1000: the rest is read for the hash */
        memset(&r, 0, sizeof r);
        cb = make_cb(&r);
        r.stop_row = 1000;
        CHECK_INT(sl_read_file(p, &o, &cb, &id), SL_OK);
        CHECK_INT(r.rows, 1000); /* the header is a record too */
        CHECK_STR(r.sha, want_sha);
        rec_free(&r);
    }
    sl_buf_free(&first);
}

/* A file of several MiB: records straddle the 1 MiB reads, progress and hash cover it all.
 * It has more than SL_HASH_THREAD_MIN bytes and of more chunks than the hashing thread's
 * ring holds: the same rows, log and SHA-256 whether it is hashed on the calling thread or
 * beside it, also when the source is stopped early (the rest is still hashed) and when the
 * text goes through the decoder (cp1252). */
static void test_big_file(const char *tmp)
{
    sl_buf b = {0};
    sl_buf_puts(&b, "n,Time Frame,Reason\n");
    unsigned k = 0;
    while (b.len < (size_t)9500000) {
        sl_buf_printf(&b, "%u,\"01/0%u/2025, 10:00:00 AM UTC\n01/0%u/2025, 11:00:00 AM UTC\",r%u\n",
                      k, k % 9 + 1, k % 9 + 1, k);
        k++;
    }
    char p[600];
    sl_fmt(p, sizeof p, "%s/big.csv", tmp);
    CHECK_INT(write_file(p, b.p, b.len), 0);
    CHECK(b.len > SL_HASH_THREAD_MIN);
    char last[100]; /* the last record starts on line 2 + 2 * (k - 1) */
    sl_fmt(last, sizeof last, "row 1 r%u l%u n3 %u\nend", k + 1, 2 + 2 * (k - 1), k - 1);
    read_both_ways(p, &b, k + 1, last, 1);
    /* cp1252 (a lone 0xE9 in the header): decoded, and still hashed as it is on disk */
    memcpy(b.p + 3, "\xE9", 1);
    CHECK_INT(write_file(p, b.p, b.len), 0);
    read_both_ways(p, &b, k + 1, "windows-1252", 0);
    sl_buf_free(&b);
}

/* A web page, an XML spreadsheet and a workbook report their bytes as they are read, so the
 * progress line moves during a large one (it stood still until the file's end: one call with
 * the whole size); the calls still add up to the file's size. */
static void test_progress_of_own_readers(const char *tmp)
{
    sl_buf page = {0}, xml = {0};
    sl_buf_puts(&page, "<html><body><table>\n<tr><td>Org Name</td><td>Reason</td>"
                       "<td>Search Time</td></tr>\n");
    sl_buf_puts(&xml, "<?xml version=\"1.0\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:"
                      "office:spreadsheet\" xmlns:ss=\"urn:schemas-microsoft-com:office:"
                      "spreadsheet\">\n<Worksheet ss:Name=\"Audit\"><Table>\n");
    for (unsigned k = 0; k < 6000; k++) {
        sl_buf_printf(&page, "<tr><td>Town PD</td><td>case %u</td><td>2025-01-02</td></tr>\n", k);
        sl_buf_printf(&xml, "<Row><Cell><Data ss:Type=\"String\">Town PD</Data></Cell>"
                            "<Cell><Data ss:Type=\"String\">case %u</Data></Cell></Row>\n", k);
    }
    sl_buf_puts(&page, "</table></body></html>\n");
    sl_buf_puts(&xml, "</Table></Worksheet></Workbook>\n");
    CHECK(page.len > 4 * 65536 && xml.len > 4 * 65536);
    char pp[600], xp[600];
    sl_fmt(pp, sizeof pp, "%s/export.xls", tmp);
    sl_fmt(xp, sizeof xp, "%s/report.xml", tmp);
    CHECK_INT(write_file(pp, page.p, page.len), 0);
    CHECK_INT(write_file(xp, xml.p, xml.len), 0);
    struct { const char *path; uint64_t size, rows; unsigned min_calls; } cases[] = {
        {pp, page.len, 6001, 4},
        {xp, xml.len, 6000, 4},
        {"tests/data/xlsx/strings_after_sheets.xlsx", 0, 0, 2},
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
        rec r;
        memset(&r, 0, sizeof r);
        sl_reader_cb cb = make_cb(&r);
        uint32_t id = 1;
        CHECK_INT(sl_read_file(cases[i].path, NULL, &cb, &id), SL_OK);
        struct stat sb;
        CHECK_INT(stat(cases[i].path, &sb), 0);
        CHECK_INT(r.progress, (uint64_t)sb.st_size);
        if (cases[i].size) CHECK_INT(r.progress, cases[i].size);
        if (cases[i].rows) CHECK_INT(r.rows, cases[i].rows);
        CHECK(r.progress_calls >= cases[i].min_calls);
        rec_free(&r);
    }
    sl_buf_free(&page);
    sl_buf_free(&xml);
}

/* A file that grows while it is read gets "read.changed"; the hash and size recorded are
 * those of the bytes read. */
static const char *grow_path;
static int grow_row(void *ud, const sl_source *src, const sl_csv_row *row)
{
    if (row->record == 1) {
        FILE *f = fopen(grow_path, "ab");
        if (f) {
            fputs("c,d\n", f);
            fclose(f);
        }
    }
    return on_row(ud, src, row);
}

static void test_changed_while_read(const char *tmp)
{
    char path[600];
    sl_fmt(path, sizeof path, "%s/growing.csv", tmp);
    CHECK_INT(write_file(path, "Name,Reason\na,b\n", 16), 0);
    grow_path = path;
    rec r;
    memset(&r, 0, sizeof r);
    sl_reader_cb cb = make_cb(&r);
    cb.row = grow_row;
    uint32_t id = 1;
    CHECK_INT(sl_read_file(path, NULL, &cb, &id), SL_OK);
    CHECK(strstr(text(&r.diags), "read.changed") != NULL);
    CHECK(r.size == 16 || r.size == 20);
    rec_free(&r);
    /* the same file, left alone: no warning */
    memset(&r, 0, sizeof r);
    cb = make_cb(&r);
    CHECK_INT(sl_read_file(path, NULL, &cb, &id), SL_OK);
    CHECK_STR(text(&r.diags), "");
    CHECK_INT(r.size, 20);
    rec_free(&r);
}


/* Volumes: which numbered parts are read joined (tests/data/volumes, make_fixtures.py), and
 * what a joined read gives: the parts' bytes in order, hashed and sized as one file, cited as
 * the first part. */
static void test_volumes(void)
{
#define V "tests/data/volumes/"
    static const struct {
        const char *files[4];
        size_t run;
        const char *missing;
    } cases[] = {
        {{V "numbered/release.zip.001", V "numbered/release.zip.002", V "numbered/release.zip.003"},
         3, ""},
        {{V "one_missing/release.zip.001", V "one_missing/release.zip.003"}, 1, "release.zip.002"},
        {{V "split_zip/release.z01", V "split_zip/release.zip"}, 2, ""},
        {{V "split_zip_without_its_last_part/release.z01"}, 1, "release.zip"},
        /* the .zip's end record says two parts come before it: the second is missing */
        {{V "split_zip_missing_a_middle_part/release.z01", V "split_zip_missing_a_middle_part/release.zip"},
         2, "release.z02"},
        {{V "text_cut_in_two/audit.csv.001", V "text_cut_in_two/audit.csv.002"}, 2, ""},
        {{V "rar/release.part1.rar", V "rar/release.part2.rar", V "rar/release.part3.rar"}, 3, ""},
        {{V "rar/release.part1.rar", V "rar/release.part3.rar"}, 1, "release.part2.rar"},
        /* each part begins with the same header: whole exports, read apart */
        {{V "whole_exports_numbered/audit.001", V "whole_exports_numbered/audit.002"}, 1, ""},
        /* not a first volume, no volume number, too few digits, parts of different files */
        {{V "numbered/release.zip.002", V "numbered/release.zip.003"}, 1, ""},
        {{"tests/data/csv/quoted_newline_time_frame.csv"}, 1, ""},
        {{V "numbered/release.zip.001", V "numbered/release.zip.02"}, 1, ""},
        {{V "numbered/release.zip.001", V "text_cut_in_two/audit.csv.002"}, 1, ""},
    };
    for (size_t c = 0; c < SL_ARRAY_LEN(cases); c++) {
        size_t n = 0;
        while (n < 4 && cases[c].files[n]) n++;
        char missing[64] = "x";
        CHECK_INT(sl_volume_run((char *const *)cases[c].files, n, 0, missing, sizeof missing),
                  cases[c].run);
        CHECK_STR(missing, cases[c].missing);
    }
    /* joined: the zip cut in three reads as the whole, its hash that of the parts in order */
    char *parts[] = {V "numbered/release.zip.001", V "numbered/release.zip.002",
                     V "numbered/release.zip.003"};
    sl_sha256 *h = sl_sha256_new();
    uint64_t size = 0;
    for (int i = 0; i < 3; i++) {
        FILE *f = fopen(parts[i], "rb");
        char b[4096];
        size_t k;
        while (f && (k = fread(b, 1, sizeof b, f)) > 0) {
            sl_sha256_update(h, b, k);
            size += k;
        }
        if (f) fclose(f);
    }
    char want[65];
    sl_sha256_final(h, want);
    sl_sha256_free(h);
    rec r;
    memset(&r, 0, sizeof r);
    sl_reader_cb cb = make_cb(&r);
    uint32_t id = 1;
    CHECK_INT(sl_read_volumes(parts, 3, NULL, &cb, &id), SL_OK);
    CHECK_INT(r.rows, 3001); /* the header and 3,000 rows */
    CHECK(strstr(text(&r.log), "begin 2 " V "numbered/release.zip.001 > export/audit.csv csv") != NULL);
    CHECK_INT(r.progress, size);
    CHECK_STR(text(&r.diags), "read.volumes " V "numbered/release.zip.001\n");
    rec_free(&r);
    /* the container's hash: the parts joined */
    memset(&r, 0, sizeof r);
    cb = make_cb(&r);
    CHECK_INT(sl_read_volumes(parts, 3, NULL, &cb, &id), SL_OK);
    char line[200];
    snprintf(line, sizeof line, "end 3 %s %llu\n", want, (unsigned long long)size);
    CHECK(strstr(text(&r.log), line) != NULL);
    rec_free(&r);
    /* a RAR in volumes: read across them by libarchive, not joined; one volume's head says
     * it is one (RAR 5 and RAR 4), a whole archive's does not */
    char *rar[] = {V "rar/release.part1.rar", V "rar/release.part2.rar", V "rar/release.part3.rar"};
    memset(&r, 0, sizeof r);
    cb = make_cb(&r);
    CHECK_INT(sl_read_volumes(rar, 3, NULL, &cb, &id), SL_OK);
    CHECK_INT(r.rows, 301);
    CHECK(strstr(text(&r.log), "begin 6 " V "rar/release.part1.rar > export/audit.csv csv") != NULL);
    CHECK_STR(text(&r.diags), "read.volumes " V "rar/release.part1.rar\n");
    rec_free(&r);
    const char *heads[] = {V "rar/release.part2.rar", V "rar_volume_alone/old_style.rar",
                           "tests/data/archives/release.rar", "tests/data/archives/release_rar5.rar"};
    for (int i = 0; i < 4; i++) {
        unsigned char hb[64];
        int fd = open(heads[i], O_RDONLY);
        ssize_t hn = fd >= 0 ? read(fd, hb, sizeof hb) : -1;
        if (fd >= 0) close(fd);
        CHECK(hn > 0);
        CHECK_INT(sl_rar_is_volume(hb, hn > 0 ? (size_t)hn : 0), i < 2);
    }
    /* the temporary file goes in $TMPDIR: one that does not exist is said, naming it */
    const char *old_tmp = getenv("TMPDIR");
    char *keep = old_tmp ? strdup(old_tmp) : NULL;
    setenv("TMPDIR", "/nonexistent-sunlight-test", 1);
    memset(&r, 0, sizeof r);
    cb = make_cb(&r);
    CHECK_INT(sl_read_volumes(parts, 3, NULL, &cb, &id), SL_EIO);
    CHECK_STR(text(&r.diags), "read.io " V "numbered/release.zip.001\n");
    rec_free(&r);
    CHECK_STR(sl_tmpdir(), "/nonexistent-sunlight-test");
    setenv("TMPDIR", "relative/dir", 1); /* not absolute: /tmp */
    CHECK_STR(sl_tmpdir(), "/tmp");
    if (keep) setenv("TMPDIR", keep, 1);
    else unsetenv("TMPDIR");
    free(keep);
    /* a part that cannot be read: said, naming it */
    char *gone[] = {V "numbered/release.zip.001", V "numbered/no_such.zip.002"};
    memset(&r, 0, sizeof r);
    cb = make_cb(&r);
    CHECK_INT(sl_read_volumes(gone, 2, NULL, &cb, &id), SL_EIO);
    CHECK_STR(text(&r.diags), "read.io " V "numbered/no_such.zip.002\n");
    rec_free(&r);
#undef V
}

int main(void)
{
    char tmp[] = "/tmp/sl_test_read_XXXXXX";
    if (!mkdtemp(tmp)) {
        fprintf(stderr, "cannot make a temporary folder\n");
        return 1;
    }
    test_collect(tmp);
    test_known_file();
    test_formats();
    test_sniff(tmp);
    test_errors(tmp);
    test_big_file(tmp);
    test_progress_of_own_readers(tmp);
    test_changed_while_read(tmp);
    test_volumes();
    t_remove_tree(tmp);
    TEST_END();
}
