/* xmlss.c: Excel 2003 XML spreadsheets (see xmlss.h), streamed 64 KiB at a time through xmlp.h
 * (expat, with a tokenizer in front for plain UTF-8; a file in another encoding is expat's);
 * rows gathered with rowbuf.h. Element names are matched by local name, so that a writer's
 * prefixes (ss:, x:, none) do not matter. */
#include "xmlss.h"

#include "rowbuf.h"
#include "xmlp.h"

#include <expat.h>
#include <string.h>
#include <unistd.h>

#define XS_CHUNK ((size_t)64 << 10)
#define MAX_GAP 16384u /* a cell's ss:Index further than this past the last cell is refused */

typedef struct {
    sl_xmlp *xp;
    const sl_html_opts *o;
    const sl_xlsx_cb *cb;
    sl_xlsx_sheet sh;
    sl_buf name;       /* the worksheet's name */
    unsigned nsheets;
    int in_sheet, in_row, in_cell, in_data, in_comment, datetime, skip, failed;
    int halted; /* a row callback asked for no more: not damage */
    uint64_t rownum, last_row, row_line;
    long long sheet_start;
    unsigned long col, merge; /* cells placed in the row; empty cells owed by MergeAcross */
    size_t data_at;           /* the open cell's length when its <Data> began */
    sl_rowbuf rb;
    sl_status st;
    char msg[200];
} xsctx;

/* A positive decimal number (at most 9 digits), or 0. */
static unsigned long num(const char *s) {
    unsigned long v = 0;
    size_t k = 0;
    if (!s) return 0;
    for (; s[k] >= '0' && s[k] <= '9' && k < 9; k++) v = v * 10 + (unsigned long)(s[k] - '0');
    return s[k] == '\0' ? v : 0;
}

static void xsdiag(xsctx *c, sl_severity sev, const char *code, int in_sheet, uint64_t record,
                   uint64_t line, const char *msg) {
    sl_sheet_diag(c->o->diag, c->o->diag_ud, c->o->cite ? c->o->cite : "spreadsheet",
                  in_sheet ? (c->sh.name ? c->sh.name : "?") : NULL, sev, code, record, line, msg);
}

static void fail(xsctx *c, sl_status st, const char *msg) {
    if (!c->st) {
        c->st = st;
        sl_fmt(c->msg, sizeof c->msg, "%s", msg);
    }
    sl_xmlp_stop(c->xp);
}

static void cell_open(xsctx *c) {
    if (sl_rowbuf_cell(&c->rb)) fail(c, SL_ENOMEM, "out of memory");
    c->col++;
}

static void row_deliver(xsctx *c, sl_csv_err err) {
    c->in_row = c->in_cell = c->in_data = 0;
    if (c->skip || c->st) return;
    c->sh.rows++;
    sl_csv_row r = {0};
    if (sl_rowbuf_row(&c->rb, &r)) {
        fail(c, SL_ENOMEM, "out of memory");
        return;
    }
    uint64_t now = sl_xmlp_line(c->xp);
    r.record = c->rownum;
    r.line = c->row_line;
    r.nlines = now > c->row_line ? (uint32_t)(now - c->row_line + 1) : 1;
    r.err = err ? err : c->rb.over ? SL_CSV_TOO_LARGE : SL_CSV_OK;
    if (r.err == SL_CSV_TOO_LARGE) {
        char m[160];
        sl_rowbuf_over_msg(&c->rb, m);
        xsdiag(c, SL_DIAG_WARN, "xmlss.record_too_large", 1, r.record, r.line, m);
    }
    if (c->cb->row && c->cb->row(c->cb->ud, &c->sh, &r)) { /* no more is wanted */
        c->skip = c->halted = 1;
        sl_xmlp_stop(c->xp);
    }
}

static void sheet_end(xsctx *c) {
    if (!c->in_sheet) return;
    c->in_sheet = 0;
    long long now = sl_xmlp_byte(c->xp);
    c->sh.xml_bytes = now > c->sheet_start ? (uint64_t)(now - c->sheet_start) : 0;
    c->sh.failed = c->failed;
    if (c->cb->sheet_end) c->cb->sheet_end(c->cb->ud, &c->sh);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    xsctx *c = ud;
    const char *n = sl_xml_local_name(name);
    if (strcmp(n, "Worksheet") == 0) {
        if (c->in_row) row_deliver(c, SL_CSV_OK); /* a worksheet inside another: damaged, */
        sheet_end(c);                              /* but read on */
        c->nsheets++;
        sl_buf_reset(&c->name);
        const char *sn = sl_xml_attr(atts, "Name");
        if ((sn && *sn ? sl_buf_puts(&c->name, sn) : sl_buf_printf(&c->name, "Sheet%u", c->nsheets)) ||
            sl_buf_nul(&c->name)) {
            fail(c, SL_ENOMEM, "out of memory");
            return;
        }
        memset(&c->sh, 0, sizeof c->sh);
        c->sh.name = c->name.p;
        c->sh.index = c->nsheets - 1;
        if (c->o->sha256) sl_fmt(c->sh.sha256, sizeof c->sh.sha256, "%s", c->o->sha256);
        c->sheet_start = sl_xmlp_byte(c->xp);
        c->in_sheet = 1;
        c->rownum = c->last_row = 0;
        c->skip = c->cb->sheet_begin ? c->cb->sheet_begin(c->cb->ud, &c->sh) : 0;
    } else if (!c->in_sheet) {
        return;
    } else if (strcmp(n, "Row") == 0) {
        if (c->in_row) row_deliver(c, SL_CSV_OK);
        unsigned long at = num(sl_xml_attr(atts, "Index"));
        c->rownum = at > c->last_row ? at : c->last_row + 1;
        c->sh.blank_rows += c->rownum - c->last_row - 1;
        c->last_row = c->rownum;
        c->row_line = sl_xmlp_line(c->xp);
        sl_rowbuf_reset(&c->rb);
        c->in_row = 1;
        c->col = 0;
    } else if (strcmp(n, "Cell") == 0 && c->in_row) {
        unsigned long at = num(sl_xml_attr(atts, "Index"));
        if (at > c->col + 1 + MAX_GAP) at = 0; /* not a column any export has */
        while (at > c->col + 1 && !c->st) cell_open(c); /* the empty cells before it */
        cell_open(c);
        c->merge = num(sl_xml_attr(atts, "MergeAcross"));
        if (c->merge > MAX_GAP) c->merge = 0;
        c->in_cell = 1;
    } else if (strcmp(n, "Comment") == 0 && c->in_cell) {
        c->in_comment = 1; /* a note pinned to the cell, not its value */
    } else if (strcmp(n, "Data") == 0 && c->in_cell && !c->in_comment) {
        const char *t = sl_xml_attr(atts, "Type");
        c->datetime = t && strcmp(t, "DateTime") == 0;
        c->data_at = sl_rowbuf_open_cell(&c->rb).len;
        c->in_data = 1;
    }
}

/* "2025-05-06T10:00:00.000" (Excel writes no zone; every time here is UTC) to
 * "2025-05-06T10:00:00Z", in the open cell; anything else is left as written. */
static void datetime_end(xsctx *c) {
    sl_slice v = sl_rowbuf_open_cell(&c->rb);
    if (v.len < c->data_at + 19) return;
    const char *d = v.p + c->data_at;
    size_t n = v.len - c->data_at;
    if (d[4] != '-' || d[7] != '-' || d[10] != 'T' || d[13] != ':' || d[16] != ':') return;
    if (n > 19 && d[19] != '.') return;
    sl_rowbuf_unput(&c->rb, n - 19);
    if (sl_rowbuf_put(&c->rb, "Z", 1)) fail(c, SL_ENOMEM, "out of memory");
}

static void XMLCALL on_end(void *ud, const XML_Char *name) {
    xsctx *c = ud;
    const char *n = sl_xml_local_name(name);
    if (strcmp(n, "Worksheet") == 0) {
        if (c->in_row) row_deliver(c, SL_CSV_OK);
        sheet_end(c);
    } else if (strcmp(n, "Row") == 0 && c->in_row) {
        row_deliver(c, SL_CSV_OK);
    } else if (strcmp(n, "Cell") == 0 && c->in_cell) {
        c->in_cell = c->in_data = c->in_comment = 0;
        for (; c->merge && !c->st; c->merge--) cell_open(c);
    } else if (strcmp(n, "Comment") == 0) {
        c->in_comment = 0;
    } else if (strcmp(n, "Data") == 0 && c->in_data) {
        c->in_data = 0;
        if (c->datetime) datetime_end(c);
    }
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len) {
    xsctx *c = ud;
    if (c->in_data && len > 0 && sl_rowbuf_put(&c->rb, s, (size_t)len))
        fail(c, SL_ENOMEM, "out of memory");
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int internal) {
    SL_UNUSED(name); SL_UNUSED(sysid); SL_UNUSED(pubid); SL_UNUSED(internal);
    fail(ud, SL_EFORMAT, "a DOCTYPE: entity declarations are refused (possible XML bomb)");
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int param, const XML_Char *value,
                              int vlen, const XML_Char *base, const XML_Char *sys,
                              const XML_Char *pub, const XML_Char *notation) {
    SL_UNUSED(name); SL_UNUSED(param); SL_UNUSED(value); SL_UNUSED(vlen);
    SL_UNUSED(base); SL_UNUSED(sys); SL_UNUSED(pub); SL_UNUSED(notation);
    fail(ud, SL_EFORMAT, "an entity declaration: refused (possible XML bomb)");
}

int sl_xmlss_sniff(const unsigned char *p, size_t n) {
    size_t i = 0;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) i = 3;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) i++;
    if (n - i < 5 || memcmp(p + i, "<?xml", 5) != 0) return 0;
    if (n > 4096) n = 4096;
    return sl_mem_has(p, n, "urn:schemas-microsoft-com:office:spreadsheet") ||
           sl_mem_has(p, n, "progid=\"Excel.Sheet\"");
}

sl_status sl_xmlss_read_fd(int fd, const sl_html_opts *opts, const sl_xlsx_cb *cb) {
    static const sl_xlsx_cb no_cb;
    if (!cb) cb = &no_cb;
    if (lseek(fd, 0, SEEK_SET) < 0) return SL_EIO;
    xsctx c;
    memset(&c, 0, sizeof c);
    c.o = opts;
    c.cb = cb;
    c.rb.max_record = opts->max_record;
    /* expat takes the declared encoding (UTF-8, UTF-16, ISO-8859-1); the tokenizer only UTF-8 */
    sl_xmlp_def def = {&c, on_start, on_end, on_text, on_doctype, on_entity, opts->expat_only,
                       NULL};
    c.xp = sl_xmlp_new(&def);
    if (!c.xp) return SL_ENOMEM;
    sl_status rc = SL_OK;
    for (;;) {
        char *buf = sl_xmlp_buffer(c.xp, XS_CHUNK);
        if (!buf) {
            rc = SL_ENOMEM;
            break;
        }
        long n = sl_read_full(fd, buf, XS_CHUNK);
        if (n < 0) {
            xsdiag(&c, SL_DIAG_ERROR, "read.io", 0, 0, 0, "read failed: the rest of the file is lost");
            rc = SL_EIO;
            break;
        }
        if (n > 0 && opts->progress) opts->progress(opts->progress_ud, (uint64_t)n);
        if (sl_xmlp_parse(c.xp, (size_t)n, n == 0)) {
            if (!c.st && sl_xmlp_out_of_memory(c.xp)) c.st = SL_ENOMEM;
            if (c.st == SL_ENOMEM || c.halted) break;
            uint64_t line = sl_xmlp_line(c.xp);
            char m[400];
            if (c.st) /* refused */
                sl_fmt(m, sizeof m, "the spreadsheet holds %s; not read past line %llu", c.msg,
                       (unsigned long long)line);
            else
                sl_fmt(m, sizeof m, "broken XML at line %llu (%s): the file is damaged or cut "
                                    "off; nothing after it is read%s",
                       (unsigned long long)line, sl_xmlp_error(c.xp),
                       c.in_row ? ", and the row it broke off in is counted as cut off" : "");
            xsdiag(&c, SL_DIAG_ERROR, "xmlss.damaged", c.in_sheet, c.in_row ? c.rownum : 0,
                   c.in_row ? c.row_line : line, m);
            c.failed = 1;
            if (c.in_row) row_deliver(&c, SL_CSV_CUT);
            sheet_end(&c);
            rc = SL_EFORMAT;
            break;
        }
        if (n == 0) break;
    }
    if (c.st == SL_ENOMEM) rc = SL_ENOMEM;
    if (c.in_sheet) { /* a read error, no memory, or stopped: the sheet still ends */
        if (c.in_row && rc == SL_EIO) row_deliver(&c, SL_CSV_CUT);
        sheet_end(&c);
    }
    if (!c.nsheets && rc == SL_OK)
        xsdiag(&c, SL_DIAG_WARN, "xmlss.no_sheet", 0, 0, 0,
               "an Excel 2003 XML spreadsheet with no worksheet: nothing read from it");
    sl_xmlp_free(c.xp);
    sl_rowbuf_free(&c.rb);
    sl_buf_free(&c.name);
    return rc;
}
