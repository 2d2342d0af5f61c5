/* test_xls.c: Excel 97-2003 workbooks (lib/xls.c) on the fixtures of tests/data/xls/ (written
 * by tests/data/make_fixtures.py with biff8.py): worksheets in order, text, numbers and
 * date-time cells, a blank row counted and not handed out, a shared string table, a consumer
 * that skips a sheet or stops one, the row cap, a workbook cut off, one protected by a
 * password, a Word document (an OLE2 file too), a file that is not there, the same workbook
 * read through an open descriptor (FreeXL in a child process), and that child dying. */
#include "harness.h"
#include "xls.h"

#include <fcntl.h>
#include <unistd.h>

typedef struct {
    sl_buf dump, diags;
    int skip_sheet;       /* sheet_begin returns 1 for this sheet index + 1 */
    uint64_t stop_at;     /* row returns 1 at this record */
} coll;

static int c_begin(void *ud, const sl_xlsx_sheet *sh) {
    coll *c = ud;
    sl_buf_printf(&c->dump, "S %u %s\n", sh->index, sh->name);
    return c->skip_sheet && (int)sh->index + 1 == c->skip_sheet;
}
static int c_row(void *ud, const sl_xlsx_sheet *sh, const sl_csv_row *r) {
    SL_UNUSED(sh);
    coll *c = ud;
    sl_buf_printf(&c->dump, "R %llu@%llu%s:", (unsigned long long)r->record,
                  (unsigned long long)r->line, r->err == SL_CSV_TOO_LARGE ? " BIG" : "");
    for (size_t i = 0; i < r->ncells; i++)
        sl_buf_printf(&c->dump, "%s%.*s", i ? "|" : "", (int)r->cells[i].len, r->cells[i].p);
    sl_buf_puts(&c->dump, "\n");
    return c->stop_at && r->record == c->stop_at;
}
static void c_end(void *ud, const sl_xlsx_sheet *sh) {
    coll *c = ud;
    sl_buf_printf(&c->dump, "E %llu blank %llu%s sha %s\n", (unsigned long long)sh->rows,
                  (unsigned long long)sh->blank_rows, sh->failed ? " failed" : "", sh->sha256);
}
static void c_diag(void *ud, const sl_diag *d) {
    coll *c = ud;
    sl_buf_printf(&c->diags, "%c %s %llu [%s]: %s\n", "IWE"[d->severity], d->code,
                  (unsigned long long)d->record, d->source ? d->source : "", d->message);
}

static sl_status run(const char *path, coll *c, size_t max_record) {
    sl_buf_reset(&c->dump);
    sl_buf_reset(&c->diags);
    sl_html_opts o = {max_record, "book.xls", "ab12", c_diag, c, NULL, NULL};
    sl_xlsx_cb cb = {c_begin, c_row, c_end, c};
    sl_status st = sl_xls_read(path, &o, &cb);
    sl_buf_nul(&c->dump);
    sl_buf_nul(&c->diags);
    return st;
}

#define AUDIT_ROWS                                                                              \
    "R 1@1:Name|Org Name|Total Networks Searched|License Plate|Reason|Case #|Search Time\n"     \
    "R 2@2:José Núñez|Springfield PD|14|KPX4471|assist ICE with locate|25-101|"                 \
    "2025-06-02T13:02:33Z\n"

static void test_read(void) {
    coll c = {0};
    CHECK_INT(run("tests/data/xls/audit_saved_as_97_2003.xls", &c, 0), SL_OK);
    CHECK_STR(c.dump.p, "S 0 Notes\nR 1@1:Released under a public records request\n"
                        "R 2@2:Plates are partly redacted\nE 2 blank 0 sha ab12\n"
                        "S 1 Network Audit\n" AUDIT_ROWS
                        "R 4@4:Ann Lee|Shelbyville SO|2||stolen vehicle|25-102|2025-06-03T06:00:00Z\n"
                        "R 5@5:B Jones|Capital City PD|1.5|MWR215|Immigration (criminal)||"
                        "2025-06-04T00:00:00Z\n"
                        "E 4 blank 1 sha ab12\n");
    CHECK_STR(c.diags.p, "");

    /* the same through an open descriptor (a zip member spooled to a temporary file) */
    int fd = open("tests/data/xls/audit_saved_as_97_2003.xls", O_RDONLY);
    CHECK(fd >= 0);
    sl_buf first = {0};
    sl_buf_append(&first, c.dump.p, c.dump.len);
    sl_buf_reset(&c.dump);
    sl_html_opts o = {0, "book.xls", "ab12", c_diag, &c, NULL, NULL};
    sl_xlsx_cb cb = {c_begin, c_row, c_end, &c};
    CHECK_INT(sl_xls_read_fd(fd, &o, &cb), SL_OK);
    sl_buf_nul(&c.dump);
    CHECK(c.dump.len == first.len && memcmp(c.dump.p, first.p, first.len) == 0);
    close(fd);
    sl_buf_free(&first);

    /* a shared string table (LABELSST cells), as Excel itself writes text */
    CHECK_INT(run("tests/data/xls/shared_strings_table.xls", &c, 0), SL_OK);
    CHECK_STR(c.dump.p, "S 0 Audit\n" AUDIT_ROWS "E 2 blank 0 sha ab12\n");

    /* a consumer that skips the notes and stops the audit at record 2 */
    c.skip_sheet = 1;
    c.stop_at = 2;
    CHECK_INT(run("tests/data/xls/audit_saved_as_97_2003.xls", &c, 0), SL_OK);
    CHECK_STR(c.dump.p, "S 0 Notes\nE 0 blank 0 sha ab12\nS 1 Network Audit\n" AUDIT_ROWS
                        "E 2 blank 0 sha ab12\n");
    c.skip_sheet = 0;
    c.stop_at = 0;

    /* the row cap: a row over it is handed out empty and said */
    CHECK_INT(run("tests/data/xls/shared_strings_table.xls", &c, 40), SL_OK);
    CHECK_STR(c.dump.p, "S 0 Audit\nR 1@1 BIG:\nR 2@2 BIG:\nE 2 blank 0 sha ab12\n");
    CHECK(strstr(c.diags.p, "W xls.record_too_large 1 [book.xls > Audit]: row larger than 40 "
                            "bytes") != NULL);
    sl_buf_free(&c.dump);
    sl_buf_free(&c.diags);
}

/* FreeXL runs in a child process: a child that dies (as FreeXL may on a damaged file) is
 * reported as damage, naming the sheet and the last row read; the rows before are kept and
 * the sheet still ends. */
static void test_child_dies(void) {
    coll c = {0};
    int fd = open("tests/data/xls/audit_saved_as_97_2003.xls", O_RDONLY);
    CHECK(fd >= 0);
    setenv("SUNLIGHT_TEST_XLS_CHILD_DIES_AT", "4", 1);
    sl_html_opts o = {0, "book.xls", "ab12", c_diag, &c, NULL, NULL};
    sl_xlsx_cb cb = {c_begin, c_row, c_end, &c};
    CHECK_INT(sl_xls_read_fd(fd, &o, &cb), SL_EFORMAT);
    unsetenv("SUNLIGHT_TEST_XLS_CHILD_DIES_AT");
    close(fd);
    sl_buf_nul(&c.dump);
    sl_buf_nul(&c.diags);
    CHECK_STR(c.dump.p, "S 0 Notes\nR 1@1:Released under a public records request\n"
                        "R 2@2:Plates are partly redacted\nE 2 blank 0 sha ab12\n"
                        "S 1 Network Audit\n" AUDIT_ROWS "E 2 blank 0 failed sha ab12\n");
    CHECK_STR(c.diags.p, "E xls.damaged 0 [book.xls]: the Excel 97-2003 reader (FreeXL) failed on "
                         "this file in sheet \"Network Audit\" after row 2 (signal 11): it is "
                         "damaged; rows before it were read, nothing after. Get the file again, or "
                         "open it in Excel and save it as CSV\n");
    /* found by fuzz_read: a string longer than its record, which FreeXL reads past (under
     * ASan the child dies). Without ASan what FreeXL then reads is whatever lies past its
     * buffer: it mostly refuses the text (damage), now and then finds no workbook at all (a
     * note that the file holds none). Either way it is said, and the scan goes on. */
    fd = open("tests/data/xls/string_longer_than_its_record.xls", O_RDONLY);
    CHECK(fd >= 0);
    sl_buf_reset(&c.dump);
    sl_buf_reset(&c.diags);
    CHECK_INT(sl_xls_read_fd(fd, &o, &cb), SL_EFORMAT);
    close(fd);
    sl_buf_nul(&c.diags);
    CHECK(strncmp(c.diags.p, "E xls.damaged 0 [book.xls]: ", 28) == 0 ||
          strncmp(c.diags.p, "W xls.not_a_workbook 0 [book.xls]: ", 35) == 0);
    sl_buf_free(&c.dump);
    sl_buf_free(&c.diags);
}

static void test_not_read(void) {
    coll c = {0};
    CHECK_INT(run("tests/data/xls/workbook_cut_off.xls", &c, 0), SL_EFORMAT);
    CHECK_STR(c.dump.p, "");
    CHECK(strstr(c.diags.p, "E xls.damaged 0 [book.xls]: cannot be read as an Excel 97-2003 "
                            "workbook: it ends before the data it announces (cut off?)") != NULL);
    CHECK_INT(run("tests/data/xls/password_protected.xls", &c, 0), SL_EFORMAT);
    CHECK_STR(c.dump.p, "");
    CHECK(strstr(c.diags.p, "E xls.encrypted 0 [book.xls]: no worksheet could be read") != NULL);
    CHECK_INT(run("tests/data/xls/word_97_document.doc", &c, 0), SL_EFORMAT);
    CHECK_STR(c.dump.p, "");
    CHECK(strstr(c.diags.p, "W xls.not_a_workbook 0 [book.xls]: a Word 97-2003 document "
                            "(.doc), not a workbook: not read (yet)") != NULL);
    CHECK(strstr(c.diags.p, "xls.encrypted") == NULL);
    /* a PowerPoint presentation, and an Outlook message (whose attachments may hold the log):
     * each said to be what it is, not "a Word or PowerPoint document?" */
    CHECK_INT(run("tests/data/xls/powerpoint_97_presentation.ppt", &c, 0), SL_EFORMAT);
    CHECK_STR(c.dump.p, "");
    CHECK(strstr(c.diags.p, "W xls.not_a_workbook 0 [book.xls]: a PowerPoint 97-2003 "
                            "presentation (.ppt), not a workbook") != NULL);
    CHECK_INT(run("tests/data/xls/export_sent_as_outlook_message.msg", &c, 0), SL_EFORMAT);
    CHECK_STR(c.dump.p, "");
    /* (the scan reads a .msg as a message, for its attachments: test_mail) */
    CHECK(strstr(c.diags.p, "W xls.not_a_workbook 0 [book.xls]: an Outlook e-mail message "
                            "(.msg), not a workbook: read it as a message") != NULL);
    CHECK(strstr(c.diags.p, "Word") == NULL);
    /* what the sources table lists each OLE2 file as */
    static const struct {
        const char *file, *format;
    } kinds[] = {{"word_97_document.doc", "doc"}, {"powerpoint_97_presentation.ppt", "ppt"},
                 {"export_sent_as_outlook_message.msg", "msg"}, {"audit_saved_as_97_2003.xls", "xls"},
                 {"password_protected.xlsx", "xls"}, {"password_protected.xls", "xls"}};
    for (size_t i = 0; i < SL_ARRAY_LEN(kinds); i++) {
        char path[200];
        snprintf(path, sizeof path, "tests/data/xls/%s", kinds[i].file);
        int fd = open(path, O_RDONLY);
        CHECK(fd >= 0);
        CHECK_STR(sl_ole_format(fd), kinds[i].format);
        if (fd >= 0) close(fd);
    }
    /* a workbook whose directory also names a "WordDocument" (an embedded document) is
     * still a workbook: the workbook's bytes, then such an entry at a multiple of 128 */
    char tmp[] = "/tmp/sl_test_ole_XXXXXX";
    int t = mkstemp(tmp);
    CHECK(t >= 0);
    FILE *src = fopen("tests/data/xls/audit_saved_as_97_2003.xls", "rb");
    char b[4096];
    size_t k, total = 0;
    while (src && t >= 0 && (k = fread(b, 1, sizeof b, src)) > 0) total += (size_t)write(t, b, k);
    if (src) fclose(src);
    unsigned char entry[128] = {0};
    const char *nm = "WordDocument";
    for (size_t j = 0; nm[j]; j++) entry[2 * j] = (unsigned char)nm[j];
    if (t >= 0) {
        CHECK(pwrite(t, entry, sizeof entry, (off_t)((total + 127) / 128 * 128)) == sizeof entry);
        CHECK_STR(sl_ole_format(t), "xls");
        /* the same entry is seen where no workbook is named: the .ppt then reads as a Word file */
        CHECK(ftruncate(t, 0) == 0);
        src = fopen("tests/data/xls/powerpoint_97_presentation.ppt", "rb");
        total = 0;
        while (src && (k = fread(b, 1, sizeof b, src)) > 0) total += (size_t)pwrite(t, b, k, (off_t)total);
        if (src) fclose(src);
        CHECK_STR(sl_ole_format(t), "ppt");
        CHECK(pwrite(t, entry, sizeof entry, (off_t)((total + 127) / 128 * 128)) == sizeof entry);
        CHECK_STR(sl_ole_format(t), "doc");
        close(t);
    }
    unlink(tmp);
    /* an .xlsx protected by a password: OLE2 with an EncryptedPackage stream */
    CHECK_INT(run("tests/data/xls/password_protected.xlsx", &c, 0), SL_EFORMAT);
    CHECK_STR(c.dump.p, "");
    CHECK(strstr(c.diags.p, "E xls.encrypted 0 [book.xls]: protected by a password (an "
                            "encrypted .xlsx, .docx or .pptx)") != NULL);
    CHECK(strstr(c.diags.p, "xls.not_a_workbook") == NULL);
    CHECK_INT(run("tests/data/xls/no_such_file.xls", &c, 0), SL_EFORMAT);
    CHECK(strstr(c.diags.p, "E xls.damaged 0 [book.xls]: cannot be read as an Excel 97-2003 "
                            "workbook: the file cannot be opened") != NULL);
    /* no callbacks at all */
    sl_html_opts o = {0};
    CHECK_INT(sl_xls_read("tests/data/xls/audit_saved_as_97_2003.xls", &o, NULL), SL_OK);
    sl_buf_free(&c.dump);
    sl_buf_free(&c.diags);
}

int main(void) {
    test_read();
    test_child_dies();
    test_not_read();
    TEST_END();
}
