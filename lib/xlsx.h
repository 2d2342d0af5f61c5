/* xlsx.h: streaming readers of spreadsheet zips. Excel workbooks (a zip of XML parts, read
 * with libarchive and expat): a first pass loads workbook.xml (sheet names and order), its
 * rels, sharedStrings and styles wherever they sit in the zip; then each sheet is streamed from
 * the archive into the XML parser and handed out row by row as sl_csv_row, so a 1,048,575-row
 * sheet is never held whole. OpenDocument spreadsheets (.ods): content.xml streamed once
 * through the same zip and row machinery (sl_ods_read_fd). DOCTYPE and entity declarations are
 * refused (no XML bombs). */
#ifndef SL_XLSX_H
#define SL_XLSX_H

#include "csv.h"

typedef struct {
    size_t max_record;    /* bytes of one row's cell texts; 0 = 1 MiB (larger rows: err set) */
    size_t max_shared;    /* bytes of all shared strings; 0 = 1 GiB */
    uint64_t max_inflate; /* bytes decompressed from the workbook over all passes; 0 = 64 GiB */
    const char *cite;     /* the workbook as cited in messages ("book.xlsx", "a.zip > b.xlsx") */
    sl_diag_fn diag;      /* may be NULL */
    void *diag_ud;
    void (*progress)(void *ud, uint64_t bytes); /* may be NULL: compressed bytes of the parts
                                                   parsed since the last call; a part read
                                                   twice counts twice */
    void *progress_ud;
    int expat_only;       /* sheets and shared strings parsed by expat alone, without the
                             tokenizer in front (xmlp.h): for tests that compare the two */
} sl_xlsx_opts;

/* One sheet. Strings live until sheet_end returns. */
typedef struct {
    const char *name;      /* as in workbook.xml */
    const char *part;      /* zip member, e.g. "xl/worksheets/sheet1.xml" */
    unsigned index;        /* 0-based, workbook order */
    /* Final at sheet_end: */
    uint64_t rows;         /* non-blank rows handed out */
    uint64_t blank_rows;   /* blank rows between row 1 and the last non-blank row, skipped */
    uint64_t xml_bytes;    /* bytes of sheet XML parsed */
    int failed;            /* the sheet XML was damaged or refused (reported through diag) */
    char sha256[65];       /* hex of the sheet part's bytes ("" if the part was not read whole) */
} sl_xlsx_sheet;

/* Rows: record = line = the sheet row number (1-based, from r="..."); cells fill gaps between
 * present cells with empty ones (column letters, not order, decide); first_line is the cell
 * texts tab-joined with line breaks shown as spaces. Callbacks return non-zero to skip
 * (sheet_begin) or stop (row) the current sheet; the reader goes on with the next sheet. */
typedef struct {
    int (*sheet_begin)(void *ud, const sl_xlsx_sheet *sh);
    int (*row)(void *ud, const sl_xlsx_sheet *sh, const sl_csv_row *row);
    void (*sheet_end)(void *ud, const sl_xlsx_sheet *sh);
    void *ud;
} sl_xlsx_cb;

/* Reads the workbook in fd (a seekable regular file; rewound for each pass, not closed).
 * Returns SL_OK when every sheet was read; SL_EFORMAT when the workbook or a sheet is damaged
 * or refused, SL_ELIMIT when a cap was hit (the other sheets are still read where possible;
 * every problem is reported through diag with the cite). */
sl_status sl_xlsx_read_fd(int fd, const sl_xlsx_opts *opts, const sl_xlsx_cb *cb);

/* Reads the OpenDocument spreadsheet (.ods) in fd: the tables of its content.xml, streamed
 * once, each handed out as a sheet (name = table:name; part = "content.xml"; sha256 = the
 * given hash of the .ods file, since every table sits in the one part; xml_bytes = the table's
 * bytes of content.xml). Rows: record = line = the row number, counting the repeats that
 * LibreOffice stores once (number-rows-repeated: equal rows side by side are handed out once
 * per repeat; blank ones count as blank_rows). Cells: number-columns-repeated repeats a cell;
 * numbers are the value (office:value, as for .xlsx), not the text shown; a date is written
 * "2025-10-01T06:59:22Z" (spreadsheet times carry no zone: UTC, as every time here), a time
 * "13:02:33", a boolean TRUE or FALSE, other cells their text, paragraphs joined by line
 * breaks, comments (office:annotation) left out. A row callback that returns non-zero stops
 * its table (sheet_end is still called); the next table is read. Broken XML ends the reading
 * (ods.damaged, naming the table and the last row read; the table is marked failed); a
 * password-protected file is ods.encrypted. Returns SL_OK, SL_EFORMAT, SL_ELIMIT, SL_EIO or
 * SL_ENOMEM. */
sl_status sl_ods_read_fd(int fd, const sl_xlsx_opts *opts, const char *sha256,
                         const sl_xlsx_cb *cb);

/* Reads the tables of a text document: a Word document (.docx, docx set: word/document.xml)
 * or an OpenDocument text (.odt: content.xml, as sl_ods_read_fd reads it). Each table is a
 * sheet, named by its table:name or "table 1", "table 2", ... (Word's have no names); the
 * prose around them is not read. A table inside a cell is left out (a warning); in a .docx,
 * a cell's text is that of its <w:t> runs (not deleted text or field codes), its paragraphs
 * as lines, and a cell spanning columns (w:gridSpan) is followed by empty ones. A document
 * with no table is said in a note (docx.no_table, odt.no_table): a letter is no log. Codes
 * and messages begin "docx." or "odt." as the .ods reader's begin "ods.". */
sl_status sl_doc_read_fd(int fd, const sl_xlsx_opts *opts, const char *sha256,
                         const sl_xlsx_cb *cb, int docx);

/* What a zip is, told from its members: xl/workbook.xml (a workbook), word/document.xml,
 * ppt/presentation.xml, or an OpenDocument "mimetype" member. */
typedef enum {
    SL_ZIP_ARCHIVE = 0,      /* an archive of files (or not a zip): its members are read */
    SL_ZIP_WORKBOOK,         /* an Excel workbook: read by this module */
    SL_ZIP_WORD,             /* a Word document: its tables are read (sl_doc_read_fd) */
    SL_ZIP_POWERPOINT,       /* a presentation: not read */
    SL_ZIP_ODF_TEXT,         /* an OpenDocument text: its tables are read */
    SL_ZIP_ODF_PRESENTATION,
    SL_ZIP_ODF_SPREADSHEET   /* an OpenDocument spreadsheet: read by sl_ods_read_fd */
} sl_zip_kind;

/* What the zip in fd is (rewinds fd). */
sl_zip_kind sl_xlsx_probe_fd(int fd);
/* What an office document that is not read is called for people ("Word document"); NULL
 * for an archive or a workbook (those are read). */
const char *sl_zip_kind_unread(sl_zip_kind k);
/* What is said of such a document after its name ("Word document: ..."), for a file or a
 * member: what is skipped follows. */
#define SL_UNREAD_ADVICE "not read (yet); if it holds a log, export it as CSV"

/* For the expat readers (xlsx.c, xmlss.c): an element or attribute name without its prefix
 * ("ss:Index" -> "Index"), and the value of the attribute of that local name (NULL if none). */
const char *sl_xml_local_name(const char *n);
const char *sl_xml_attr(const char **atts, const char *name);

/* Sends msg through diag (when set), cited "cite > sheet", or cite alone when sheet is NULL:
 * the readers of sheets and tables (xlsx.c, html.c, xmlss.c) all cite so. */
void sl_sheet_diag(sl_diag_fn diag, void *ud, const char *cite, const char *sheet,
                   sl_severity sev, const char *code, uint64_t record, uint64_t line,
                   const char *msg);

/* Formats a number as the shortest decimal that reads back to the same double ("12", not
 * "12.0"). out needs 32 bytes. Exposed for tests. */
void sl_xlsx_format_number(double v, char out[32]);
/* The text of a numeric cell: s (n bytes, NUL-terminated) read as strtod reads it, then an
 * Excel date serial (date set, value in range) as "YYYY-MM-DDTHH:MM:SSZ", else the number as
 * sl_xlsx_format_number writes it. Returns the length written to out (32 bytes), 0 when s is
 * not wholly a number (the cell shows s as is). Plain integers and short decimals take a fast
 * path with the same result. Exposed for tests. */
size_t sl_xlsx_number_text(const char *s, size_t n, int date, char out[32]);
/* Whether an Excel number format code shows a date or time (d, m, y, h, s outside quotes,
 * brackets and escapes). Exposed for tests. */
int sl_xlsx_format_is_date(const char *code);

#endif
