/* test_xmlss.c: Excel 2003 XML spreadsheets (lib/xmlss.c): what is taken for one, cells placed
 * by ss:Index and ss:MergeAcross, DateTime to UTC text, line breaks and rich text in a cell,
 * missing rows counted as blank, several worksheets, a consumer that skips a sheet, a DOCTYPE
 * refused, a file cut off inside a row, a file with no worksheet, the row cap; each read with
 * the tokenizer in front of expat and by expat alone, which must agree. */
#include "harness.h"
#include "xmlss.h"

#include <unistd.h>

typedef struct {
    sl_buf dump, diags;
    int skip_at;
} coll;

static int c_begin(void *ud, const sl_xlsx_sheet *sh) {
    coll *c = ud;
    sl_buf_printf(&c->dump, "S %s\n", sh->name);
    return 0;
}
static int c_row(void *ud, const sl_xlsx_sheet *sh, const sl_csv_row *r) {
    SL_UNUSED(sh);
    coll *c = ud;
    sl_buf_printf(&c->dump, "R %llu@%llu%s:", (unsigned long long)r->record,
                  (unsigned long long)r->line,
                  r->err == SL_CSV_CUT ? " CUT" : r->err == SL_CSV_TOO_LARGE ? " BIG" : "");
    for (size_t i = 0; i < r->ncells; i++)
        sl_buf_printf(&c->dump, "%s%.*s", i ? "|" : "", (int)r->cells[i].len, r->cells[i].p);
    sl_buf_printf(&c->dump, " {%.*s}\n", (int)r->first_line.len, r->first_line.p);
    return c->skip_at && r->record == (uint64_t)c->skip_at;
}
static void c_end(void *ud, const sl_xlsx_sheet *sh) {
    coll *c = ud;
    sl_buf_printf(&c->dump, "E %llu blank %llu%s sha %s\n", (unsigned long long)sh->rows,
                  (unsigned long long)sh->blank_rows, sh->failed ? " failed" : "", sh->sha256);
}
static void c_diag(void *ud, const sl_diag *d) {
    coll *c = ud;
    sl_buf_printf(&c->diags, "%c %s %llu@%llu [%s]: %s\n", "IWE"[d->severity], d->code,
                  (unsigned long long)d->record, (unsigned long long)d->line,
                  d->source ? d->source : "", d->message);
}

/* Reads text as a file, with the tokenizer in front of expat (expat_only 0) or without. */
static sl_status run_with(const char *text, coll *c, size_t max_record, int expat_only) {
    sl_buf_reset(&c->dump);
    sl_buf_reset(&c->diags);
    char path[] = "/tmp/sl_test_xmlss_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return SL_EIO;
    unlink(path);
    size_t n = strlen(text);
    if (write(fd, text, n) != (ssize_t)n) {
        close(fd);
        return SL_EIO;
    }
    sl_html_opts o = {max_record, "book.xls", "cd34", c_diag, c};
    o.expat_only = expat_only;
    sl_xlsx_cb cb = {c_begin, c_row, c_end, c};
    sl_status st = sl_xmlss_read_fd(fd, &o, &cb);
    close(fd);
    sl_buf_nul(&c->dump);
    sl_buf_nul(&c->diags);
    return st;
}

/* run_with both ways: the same rows, lines, sheets and messages (lib/xmlp.c's promise). */
static sl_status run(const char *text, coll *c, size_t max_record) {
    coll e = {0};
    e.skip_at = c->skip_at;
    sl_status se = run_with(text, &e, max_record, 1);
    sl_status st = run_with(text, c, max_record, 0);
    CHECK_INT(st, se);
    CHECK_STR(c->dump.p ? c->dump.p : "", e.dump.p ? e.dump.p : "");
    CHECK_STR(c->diags.p ? c->diags.p : "", e.diags.p ? e.diags.p : "");
    sl_buf_free(&e.dump);
    sl_buf_free(&e.diags);
    return st;
}

#define HEAD "<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n" \
             "<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" " \
             "xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\">\n"

static void test_sniff(void) {
    static const struct { const char *text; int is; } cases[] = {
        {HEAD, 1},
        {"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<ss:Workbook xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\">", 1},
        {"<?xml version=\"1.0\"?><?mso-application progid=\"Excel.Sheet\"?><Workbook>", 1},
        {"<?xml version=\"1.0\"?><rss version=\"2.0\">", 0},
        {"<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">", 0}, /* no declaration */
        {"Name,Org Name\n", 0},
        {"<?xm", 0},
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
        int got = sl_xmlss_sniff((const unsigned char *)cases[i].text, strlen(cases[i].text));
        if (got != cases[i].is) fprintf(stderr, "sniff case %zu\n", i);
        CHECK_INT(got, cases[i].is);
    }
    /* the search the sniffers share (core.c) */
    CHECK_INT(sl_mem_has("xxExcel.Sheet", 13, "Excel.Sheet"), 1);
    CHECK_INT(sl_mem_has("Excel.Sheetxx", 13, "Excel.Sheet"), 1);
    CHECK_INT(sl_mem_has("xxExcel.Shee", 12, "Excel.Sheet"), 0); /* cut at the end */
    CHECK_INT(sl_mem_has("EExcel.Sheet", 11, "Excel.Sheet"), 0); /* n, not the string, bounds it */
    CHECK_INT(sl_mem_has(NULL, 0, "x"), 0);
}

static void test_cells(void) {
    coll c = {0};
    CHECK_INT(run(HEAD
                  "<Worksheet ss:Name=\"Network Audit\"><Table>\n"
                  "<Row><Cell><Data ss:Type=\"String\">Name</Data></Cell><Cell ss:Index=\"3\"><Data ss:Type=\"String\">Time Frame</Data></Cell>"
                  "<Cell ss:MergeAcross=\"1\"><Data ss:Type=\"String\">Search Time</Data></Cell><Cell><Data ss:Type=\"Number\">12</Data></Cell></Row>\n"
                  "<Row ss:Index=\"4\"><Cell><ss:Data ss:Type=\"String\" xmlns=\"http://www.w3.org/TR/REC-html40\"><B>Jos\xC3\xA9</B> N</ss:Data>"
                  "<Comment><Data>a note</Data></Comment></Cell>"
                  "<Cell><Data ss:Type=\"String\">05/01/2025, 12:00:00 AM UTC&#10;05/08/2025, 11:59:59 PM UTC</Data></Cell>"
                  "<Cell><Data ss:Type=\"DateTime\">2025-05-08T14:15:00.000</Data></Cell>"
                  "<Cell><Data ss:Type=\"DateTime\">2025-05-08</Data></Cell></Row>\n"
                  "<Row/>\n"
                  "</Table></Worksheet>\n"
                  "<Worksheet ss:Name=\"Notes\"><Table><Row><Cell><Data ss:Type=\"String\">Released &amp; redacted</Data></Cell></Row></Table></Worksheet>\n"
                  "</Workbook>\n", &c, 0), SL_OK);
    CHECK_STR(c.dump.p,
              "S Network Audit\n"
              "R 1@5:Name||Time Frame|Search Time||12 {Name\t\tTime Frame\tSearch Time\t\t12}\n"
              "R 4@6:Jos\xC3\xA9 N|05/01/2025, 12:00:00 AM UTC\n05/08/2025, 11:59:59 PM UTC|2025-05-08T14:15:00Z|2025-05-08"
              " {Jos\xC3\xA9 N\t05/01/2025, 12:00:00 AM UTC 05/08/2025, 11:59:59 PM UTC\t2025-05-08T14:15:00Z\t2025-05-08}\n"
              "R 5@7: {}\n"
              "E 3 blank 2 sha cd34\n"
              "S Notes\n"
              "R 1@9:Released & redacted {Released & redacted}\n"
              "E 1 blank 0 sha cd34\n");
    CHECK_STR(c.diags.p, "");
    /* a consumer that wants no more stops the reading; the sheet still ends */
    c.skip_at = 1;
    CHECK_INT(run(HEAD "<Worksheet ss:Name=\"A\"><Table><Row><Cell><Data>1</Data></Cell></Row><Row><Cell><Data>2</Data></Cell></Row></Table></Worksheet>"
                  "<Worksheet><Table><Row><Cell><Data>3</Data></Cell></Row></Table></Worksheet></Workbook>", &c, 0), SL_OK);
    CHECK_STR(c.dump.p, "S A\nR 1@4:1 {1}\nE 1 blank 0 sha cd34\n");
    CHECK_STR(c.diags.p, "");
    c.skip_at = 0;
    CHECK_INT(run(HEAD "<Worksheet><Table><Row><Cell><Data>3</Data></Cell></Row></Table></Worksheet></Workbook>", &c, 0), SL_OK);
    CHECK_STR(c.dump.p, "S Sheet1\nR 1@4:3 {3}\nE 1 blank 0 sha cd34\n");
    /* a worksheet opened inside a row (damaged, found by fuzz_read): the row ends first */
    CHECK_INT(run(HEAD "<Worksheet ss:Name=\"A\"><Table><Row><Cell><Data>1</Data></Cell>"
                  "<Worksheet ss:Name=\"B\"><Table><Row><Cell><Data>2</Data></Cell></Row></Table></Worksheet>"
                  "</Row></Table></Worksheet></Workbook>", &c, 0), SL_OK);
    CHECK_STR(c.dump.p, "S A\nR 1@4:1 {1}\nE 1 blank 0 sha cd34\nS B\nR 1@4:2 {2}\nE 1 blank 0 sha cd34\n");
    sl_buf_free(&c.dump); sl_buf_free(&c.diags);
}

static void test_damage(void) {
    coll c = {0};
    /* cut off inside a row: the rows before are read, that row is cut off */
    CHECK_INT(run(HEAD "<Worksheet ss:Name=\"Audit\"><Table>\n<Row><Cell><Data>Name</Data></Cell></Row>\n"
                  "<Row><Cell><Data>C Doe</Data></Cell></Row>\n<Row><Cell><Data>D R", &c, 0), SL_EFORMAT);
    CHECK_STR(c.dump.p, "S Audit\nR 1@5:Name {Name}\nR 2@6:C Doe {C Doe}\nR 3@7 CUT:D R {D R}\nE 3 blank 0 failed sha cd34\n");
    CHECK(strstr(c.diags.p, "E xmlss.damaged 3@7 [book.xls > Audit]: broken XML at line 7 (") != NULL);
    CHECK(strstr(c.diags.p, "the row it broke off in is counted as cut off") != NULL);
    /* a DOCTYPE is refused before anything is read */
    CHECK_INT(run("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]>"
                  "<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\"><Worksheet><Table>"
                  "<Row><Cell><Data>&a;</Data></Cell></Row></Table></Worksheet></Workbook>", &c, 0), SL_EFORMAT);
    CHECK_STR(c.dump.p, "");
    CHECK(strstr(c.diags.p, "E xmlss.damaged 0@1 [book.xls]: the spreadsheet holds a DOCTYPE: entity declarations are refused") != NULL);
    /* no worksheet */
    CHECK_INT(run(HEAD "<DocumentProperties/></Workbook>", &c, 0), SL_OK);
    CHECK_STR(c.diags.p, "W xmlss.no_sheet 0@0 [book.xls]: an Excel 2003 XML spreadsheet with no worksheet: nothing read from it\n");
    /* the row cap */
    CHECK_INT(run(HEAD "<Worksheet ss:Name=\"A\"><Table><Row><Cell><Data>0123456789</Data></Cell><Cell><Data>0123456789</Data></Cell></Row>"
                  "<Row><Cell><Data>ok</Data></Cell></Row></Table></Worksheet></Workbook>", &c, 16), SL_OK);
    CHECK_STR(c.dump.p, "S A\nR 1@4 BIG: {}\nR 2@4:ok {ok}\nE 2 blank 0 sha cd34\n");
    CHECK(strstr(c.diags.p, "W xmlss.record_too_large 1@4 [book.xls > A]") != NULL);
    sl_buf_free(&c.dump); sl_buf_free(&c.diags);
}

int main(void) {
    test_sniff();
    test_cells();
    test_damage();
    TEST_END();
}
