/* html.h: web pages in a release. Many systems' "Export to Excel" writes an HTML table under
 * a .xls name, and a download that failed saves a sign-in or error page under the export's
 * name. A page is streamed through libxml2's HTML parser (expat cannot read HTML: unclosed
 * tags, &nbsp;) and each outermost <table> is handed out like a workbook sheet ("table 1",
 * "table 2", ...), row by row, so a page of a million rows is never held whole. A page with
 * no table is reported as what it most likely is. */
#ifndef SL_HTML_H
#define SL_HTML_H

#include "xlsx.h" /* sl_xlsx_sheet and sl_xlsx_cb: a table is handed out as a sheet */

typedef struct {
    size_t max_record; /* bytes of one row's cell texts; 0 = 1 MiB (larger rows: err set) */
    const char *cite;  /* the page as cited in messages ("export.xls", "a.zip > b.html") */
    const char *sha256;/* hex of the page's bytes, given to every table (a table has no bytes
                          of its own to hash); may be NULL */
    sl_diag_fn diag;   /* may be NULL */
    void *diag_ud;
    void (*progress)(void *ud, uint64_t bytes); /* may be NULL: the file's bytes read since
                                                   the last call, as they are read */
    void *progress_ud;
    int expat_only;    /* Excel 2003 XML (xmlss.c): parsed by expat alone, without the tokenizer
                          in front (xmlp.h): for tests that compare the two */
} sl_html_opts;

/* Whether the first n bytes of a text stream are a web page: after an optional BOM, blanks
 * and comments, "<!DOCTYPE html", "<html", "<head", "<body", "<meta", "<title" or "<table"
 * (any case); not sunlight's own report.html (the text reader sets that aside). */
int sl_html_sniff(const unsigned char *p, size_t n);

/* Reads the page in fd (rewound; not closed). Rows: every <tr> of a table is one record,
 * numbered from 1 within its table (header row = record 1), blank rows included; line is the
 * page's text line where the <tr> starts. A cell's text is what a browser shows: blanks and
 * &nbsp; runs become one space, trimmed; <br> (and a <p> or <div> after text) is a line
 * break; colspan="N" adds N-1 empty cells; a cell with rowspan="N" is repeated in the N-1
 * rows below at its column (its colspan's cells empty), so their cells keep their columns.
 * A table nested inside another is read as rows of the outer one. sh->sha256 is
 * opts->sha256; sh->xml_bytes the bytes from <table> to </table>. Reported through diag: a
 * page without a table (html.no_table, with its title), a page cut off inside a table
 * (html.cut), cells spanning rows (html.rowspan, a note), rows over the cap
 * (html.record_too_large). A row callback that returns non-zero stops the reading of the
 * page (so that a stopped scan does not parse on to the end of a large page); sheet_end is
 * still called. opts->progress gets the bytes as they are read. Returns SL_OK, SL_EIO when
 * fd cannot be read, SL_ENOMEM. */
sl_status sl_html_read_fd(int fd, const sl_html_opts *opts, const sl_xlsx_cb *cb);

#endif
