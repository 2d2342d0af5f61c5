/* test_html.c: web pages (lib/html.c): what is taken for a page, cell texts as a browser shows
 * them, tables as sheets, optional closing tags, nested tables, a page without a table, a page
 * cut off inside a table (also with "</table>" split by a read boundary), the row cap, cells
 * spanning rows, a Windows-1252 page, a consumer that skips a table. */
#include "harness.h"
#include "html.h"

#include <unistd.h>

typedef struct {
    sl_buf dump;  /* "S name" / "R record@line: a|b" (E! for an error row) / "E rows" */
    sl_buf diags; /* "code record: message" */
    sl_buf lines; /* first_line of each row */
    int skip_after; /* row callback returns 1 at this record (0: never) */
    const char *cite; /* the page's name (NULL: page.html) */
    char sha[65];
    uint64_t bytes;
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
    sl_buf_putc(&c->dump, '\n');
    sl_buf_printf(&c->lines, "%.*s\n", (int)r->first_line.len, r->first_line.p);
    return c->skip_after && r->record == (uint64_t)c->skip_after;
}
static void c_end(void *ud, const sl_xlsx_sheet *sh) {
    coll *c = ud;
    sl_buf_printf(&c->dump, "E %llu\n", (unsigned long long)sh->rows);
    memcpy(c->sha, sh->sha256, sizeof c->sha);
    c->bytes = sh->xml_bytes;
}
static void c_diag(void *ud, const sl_diag *d) {
    coll *c = ud;
    sl_buf_printf(&c->diags, "%c %s %llu [%s]: %s\n", "IWE"[d->severity], d->code, (unsigned long long)d->record,
                  d->source ? d->source : "", d->message);
}

/* Reads the page held in text (n bytes) through a temporary file. */
static sl_status run_n(const char *text, size_t n, coll *c, size_t max_record) {
    sl_buf_reset(&c->dump);
    sl_buf_reset(&c->diags);
    sl_buf_reset(&c->lines);
    char path[] = "/tmp/sl_test_html_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return SL_EIO;
    unlink(path);
    if (write(fd, text, n) != (ssize_t)n) {
        close(fd);
        return SL_EIO;
    }
    sl_html_opts o = {max_record, c->cite ? c->cite : "page.html", "ab12", c_diag, c};
    sl_xlsx_cb cb = {c_begin, c_row, c_end, c};
    sl_status st = sl_html_read_fd(fd, &o, &cb);
    close(fd);
    sl_buf_nul(&c->dump);
    sl_buf_nul(&c->diags);
    sl_buf_nul(&c->lines);
    return st;
}
static sl_status run(const char *text, coll *c) { return run_n(text, strlen(text), c, 0); }

static int has(const sl_buf *b, const char *s) { return b->p && strstr(b->p, s) != NULL; }

static void test_sniff(void) {
    static const struct { const char *text; int page; } cases[] = {
        {"<!DOCTYPE html>\n<html>", 1},
        {"\xEF\xBB\xBF  <!doctype HTML><html>", 1},
        {"<!-- saved from url=(0042)https://example.org -->\r\n<html lang=en>", 1},
        {"<html xmlns:o=\"urn:schemas-microsoft-com:office:office\">", 1},
        {"<TABLE border=1><tr>", 1},
        {"<meta charset=\"utf-8\"><title>x</title>", 1},
        {"<title>Audit</title>", 1},
        {"Name,Org Name,Reason\n<html>,x,y\n", 0},      /* a CSV, whatever its cells hold */
        {"<htmlish>", 0},
        {"<!-- a comment that never ends", 0},
        {"<?xml version=\"1.0\"?><Workbook>", 0},
        {"", 0},
        {"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>sunlight report</title>", 0},
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
        int got = sl_html_sniff((const unsigned char *)cases[i].text, strlen(cases[i].text));
        if (got != cases[i].page) fprintf(stderr, "sniff case %zu: \"%s\"\n", i, cases[i].text);
        CHECK_INT(got, cases[i].page);
    }
}

static void test_cells(void) {
    coll c = {0};
    CHECK_INT(run("<html><head><title>T</title><style>td{x:y}</style></head><body>\n"
                  "<table>\n"
                  "<tr><th> Name </th><th>Time\n  Frame</th><th colspan=\"2\">Reason</th></tr>\n"
                  "<tr><td>&nbsp;</td><td>a<br>b<br/></td><td>x&nbsp;&nbsp; y</td><td><p>one</p><p>two</p></td></tr>\n"
                  "<tr><td>A &amp; B</td><td><b>bold</b> text</td><td><script>var x=1;</script>s</td><td>\xC3\xA9</td></tr>\n"
                  "</table></body></html>\n", &c), SL_OK);
    CHECK_STR(c.dump.p, "S table 1\n"
                        "R 1@3:Name|Time Frame|Reason|\n"
                        "R 2@5:|a\nb|x y|one\ntwo\n"
                        "R 3@6:A & B|bold text|s|\xC3\xA9\n"
                        "E 3\n");
    CHECK_STR(c.lines.p, "Name\tTime Frame\tReason\t\n\ta b\tx y\tone two\nA & B\tbold text\ts\t\xC3\xA9\n");
    CHECK_STR(c.sha, "ab12");
    CHECK(c.bytes > 100);
    CHECK_STR(c.diags.p, "");
    sl_buf_free(&c.dump); sl_buf_free(&c.diags); sl_buf_free(&c.lines);
}

static void test_structure(void) {
    coll c = {0};
    /* optional closing tags, two tables, a nested table read as rows of the outer one */
    CHECK_INT(run("<table><tr><td>a<td>b<tr><td>c</table>\n"
                  "<table><tr><td>outer<td><table><tr><td>in1</td></tr><tr><td>in2</td></tr></table>"
                  "</td></tr><tr><td>last</td></tr></table>", &c), SL_OK);
    CHECK_STR(c.dump.p, "S table 1\nR 1@1:a|b\nR 2@1:c\nE 2\n"
                        "S table 2\nR 1@2:outer|\nR 2@2:in1\nR 3@2:in2\nR 4@2:last\nE 4\n");
    CHECK_STR(c.diags.p, "");
    /* a consumer that wants no more stops the page; the table still ends */
    c.skip_after = 1;
    CHECK_INT(run("<table><tr><td>a</td></tr><tr><td>b</td></tr></table>"
                  "<table><tr><td>c</td></tr></table>", &c), SL_OK);
    CHECK_STR(c.dump.p, "S table 1\nR 1@1:a\nE 1\n");
    CHECK_STR(c.diags.p, "");
    c.skip_after = 0;
    /* cells spanning rows: each row they span gets their text, as the page shows it, so the
     * cells after them stay in their columns (they moved one column left); said once per
     * table */
    CHECK_INT(run("<table><tr><td rowspan=2>x</td><td>1</td></tr><tr><td>2</td></tr>"
                  "<tr><td rowspan=\"3\">y</td></tr></table>", &c), SL_OK);
    CHECK_STR(c.dump.p, "S table 1\nR 1@1:x|1\nR 2@1:x|2\nR 3@1:y\nE 3\n");
    CHECK(has(&c.diags, "I html.rowspan 1 [page.html > table 1]"));
    CHECK(!strstr(strstr(c.diags.p, "html.rowspan") + 1, "html.rowspan"));
    /* an organization's name spanning its searches, in the middle column and in the last;
     * a span with a colspan owes empty cells to its other columns; a row that lacks cells
     * before a span still owed gets empty ones; a span does not reach into the next table */
    CHECK_INT(run("<table><tr><th>Name<th>Org Name<th>Reason<th>Case</tr>"
                  "<tr><td>Ann<td rowspan=3>Town PD<td>ICE hold<td rowspan=2>25-1</tr>"
                  "<tr><td>Bob<td>theft</tr>"
                  "<tr><td>Cy<td>fraud<td>25-2</tr>"
                  "<tr><td colspan=2 rowspan=2>Both<td>a<td>b</tr>"
                  "<tr><td>c</tr>"
                  "<tr><td>x<td>y<td>z<td rowspan=2>w</tr>"
                  "<tr><td>v</tr></table>"
                  "<table><tr><td>next</tr></table>", &c), SL_OK);
    CHECK_STR(c.dump.p, "S table 1\nR 1@1:Name|Org Name|Reason|Case\n"
                        "R 2@1:Ann|Town PD|ICE hold|25-1\nR 3@1:Bob|Town PD|theft|25-1\n"
                        "R 4@1:Cy|Town PD|fraud|25-2\nR 5@1:Both||a|b\nR 6@1:Both||c\n"
                        "R 7@1:x|y|z|w\nR 8@1:v|||w\nE 8\n"
                        "S table 2\nR 1@1:next\nE 1\n");
    sl_buf_free(&c.dump); sl_buf_free(&c.diags); sl_buf_free(&c.lines);
}

static void test_no_table_and_cut(void) {
    coll c = {0};
    /* named as an export: most likely a failed download; named as a page: a note */
    c.cite = "audit_2025-05.csv";
    CHECK_INT(run("<!DOCTYPE html><html><head><title>Sign in &ndash;\n Portal</title></head>"
                  "<body><form><input name=u></form></body></html>", &c), SL_OK);
    CHECK_STR(c.dump.p, "");
    CHECK(has(&c.diags, "W html.no_table 0 [audit_2025-05.csv]: a web page titled \"Sign in \xE2\x80\x93 Portal\" with no table: not an export. A download that failed"));
    c.cite = "README.HTM";
    CHECK_INT(run("<p>nothing here</p>", &c), SL_OK);
    CHECK_STR(c.diags.p, "I html.no_table 0 [README.HTM]: a web page with no table: not a log; nothing read from it\n");
    c.cite = NULL;
    /* cut inside a row: the row is handed out as cut off, and the page is said to be cut */
    CHECK_INT(run("<table><tr><th>Name</th><th>Reason</th></tr>\n<tr><td>C</td><td>warrant</td></tr>\n"
                  "<tr><td>D</td><td>ass", &c), SL_OK);
    CHECK_STR(c.dump.p, "S table 1\nR 1@1:Name|Reason\nR 2@2:C|warrant\nR 3@3 CUT:D|ass\nE 3\n");
    CHECK(has(&c.diags, "W html.cut 3 [page.html > table 1]: the page ends inside a table (1 <table> tag, 0 </table>)"));
    CHECK(has(&c.diags, "last row (record 3) is incomplete"));
    /* cut after a row's end: every row whole, the page still said to be cut */
    CHECK_INT(run("<table><tr><td>a</td></tr>\n<tr><td>b</td></tr>\n", &c), SL_OK);
    CHECK_STR(c.dump.p, "S table 1\nR 1@1:a\nR 2@2:b\nE 2\n");
    CHECK(has(&c.diags, "html.cut 0 [page.html > table 1]"));
    CHECK(!has(&c.diags, "incomplete"));
    /* "</table>" split by the reader's 64 KiB boundary is still seen */
    for (size_t at = 65530; at <= 65537; at++) {
        sl_buf p = {0};
        sl_buf_puts(&p, "<table><tr><td>a</td></tr><!--");
        while (p.len < at - 3) sl_buf_putc(&p, 'x');
        sl_buf_puts(&p, "-->");
        CHECK_INT(p.len, at);
        sl_buf_puts(&p, "</TABLE>\n");
        CHECK_INT(run_n(p.p, p.len, &c, 0), SL_OK);
        CHECK_STR(c.dump.p, "S table 1\nR 1@1:a\nE 1\n");
        if (has(&c.diags, "html.cut")) fprintf(stderr, "</table> at %zu taken for a cut\n", at);
        CHECK(!has(&c.diags, "html.cut"));
        sl_buf_free(&p);
    }
    sl_buf_free(&c.dump); sl_buf_free(&c.diags); sl_buf_free(&c.lines);
}

static void test_cap_and_encoding(void) {
    coll c = {0};
    CHECK_INT(run_n("<table><tr><td>short</td></tr><tr><td>0123456789</td><td>0123456789</td></tr>"
                    "<tr><td>ok</td></tr></table>", 102, &c, 16), SL_OK);
    CHECK_STR(c.dump.p, "S table 1\nR 1@1:short\nR 2@1 BIG:\nR 3@1:ok\nE 3\n");
    CHECK(has(&c.diags, "W html.record_too_large 2 [page.html > table 1]"));
    /* a page in Windows-1252, as Excel's "Save as Web Page" writes it */
    CHECK_INT(run("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
                  "charset=windows-1252\"></head><body><table><tr><td>Jos\xE9 \x96 N\xFA\xF1"
                  "ez</td></tr></table></body></html>", &c), SL_OK);
    CHECK_STR(c.dump.p, "S table 1\nR 1@1:Jos\xC3\xA9 \xE2\x80\x93 N\xC3\xBA\xC3\xB1" "ez\nE 1\n");
    /* a byte its charset leaves undefined: U+FFFD, and the rows after it are still read
     * (libxml2's own conversion stopped the page there) */
    CHECK_INT(run("<html><head><meta charset=\"windows-1252\"></head><body><table><tr><td>a\x90"
                  "b</td></tr><tr><td>after</td></tr></table></body></html>", &c), SL_OK);
    CHECK_STR(c.dump.p, "S table 1\nR 1@1:a\xEF\xBF\xBD" "b\nR 2@1:after\nE 2\n");
    /* UTF-8 with a damaged byte: U+FFFD, the rest read */
    CHECK_INT(run("<table><tr><td>Jos\xC3\xA9 N\xC3\xBA\xC3\xB1" "ez \xFF</td></tr><tr><td>after</td></tr></table>", &c), SL_OK);
    CHECK_STR(c.dump.p, "S table 1\nR 1@1:Jos\xC3\xA9 N\xC3\xBA\xC3\xB1" "ez \xEF\xBF\xBD\nR 2@1:after\nE 2\n");
    /* a UTF-8 character cut by the reader's 64 KiB boundary is joined again */
    for (size_t cut = 1; cut <= 2; cut++) {
        sl_buf p = {0};
        sl_buf_puts(&p, "<table><tr><td>");
        while (p.len < 65536 - cut) sl_buf_putc(&p, 'x');
        sl_buf_puts(&p, "\xC3\xA9</td></tr></table>");
        CHECK_INT(run_n(p.p, p.len, &c, 0), SL_OK);
        const char *e = strstr(c.dump.p, "x\xC3\xA9\n");
        if (!e) fprintf(stderr, "character cut at %zu not joined\n", cut);
        CHECK(e != NULL);
        sl_buf_free(&p);
    }
    sl_buf_free(&c.dump); sl_buf_free(&c.diags); sl_buf_free(&c.lines);
}

int main(void) {
    test_sniff();
    test_cells();
    test_structure();
    test_no_table_and_cut();
    test_cap_and_encoding();
    TEST_END();
}
