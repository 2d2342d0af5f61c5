/* xls.c: Excel 97-2003 workbooks (see xls.h) through FreeXL; rows gathered with rowbuf.h. */
#include "xls.h"

#include "rowbuf.h"
#include "timeparse.h"

#include <freexl.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const sl_html_opts *o;
    const sl_xlsx_cb *cb;
    sl_xlsx_sheet sh;
    sl_buf name;
    sl_rowbuf rb;
} xlctx;

static void xldiag(const xlctx *c, sl_severity sev, const char *code, const char *sheet,
                   uint64_t record, const char *msg) {
    sl_sheet_diag(c->o->diag, c->o->diag_ud, c->o->cite ? c->o->cite : "workbook", sheet, sev,
                  code, record, record, msg);
}

/* FreeXL's error codes, for people. */
static const char *why_not(int rc) {
    switch (rc) {
    case FREEXL_FILE_NOT_FOUND: return "the file cannot be opened";
    case FREEXL_INSUFFICIENT_MEMORY: return "out of memory";
    case FREEXL_INVALID_CFBF_HEADER:
    case FREEXL_CFBF_INVALID_SIGNATURE:
    case FREEXL_CFBF_INVALID_SECTOR_SIZE: return "its file header is damaged";
    case FREEXL_CFBF_READ_ERROR:
    case FREEXL_CFBF_SEEK_ERROR: return "it ends before the data it announces (cut off?)";
    case FREEXL_CFBF_EMPTY_FAT_CHAIN:
    case FREEXL_CFBF_ILLEGAL_FAT_ENTRY:
    case FREEXL_INVALID_MINI_STREAM:
    case FREEXL_CFBF_ILLEGAL_MINI_FAT_ENTRY: return "its table of sectors is damaged";
    case FREEXL_BIFF_INVALID_BOF: return "a worksheet's first record is damaged";
    case FREEXL_BIFF_INVALID_SST:
    case FREEXL_BIFF_ILLEGAL_SST_INDEX: return "its table of shared texts is damaged";
    case FREEXL_INVALID_CHARACTER:
    case FREEXL_UNSUPPORTED_CHARSET: return "its texts are in a character set that cannot be read";
    case FREEXL_CRAFTED_FILE: return "it is severely damaged (or crafted)";
    default: return "it is damaged";
    }
}

/* One cell's text into the open cell of c->rb. Returns 0, or the FreeXL error. */
static int put_cell(xlctx *c, const FreeXL_CellValue *v) {
    char num[32];
    const char *t = NULL;
    size_t n = 0;
    switch (v->type) {
    case FREEXL_CELL_INT:
        n = (size_t)snprintf(num, sizeof num, "%d", v->value.int_value);
        t = num;
        break;
    case FREEXL_CELL_DOUBLE:
        sl_xlsx_format_number(v->value.double_value, num);
        t = num;
        n = strlen(num);
        break;
    case FREEXL_CELL_DATE:
    case FREEXL_CELL_DATETIME: { /* "2025-06-02" or "2025-06-02 13:02:33", as UTC */
        int64_t secs;
        t = v->value.text_value ? v->value.text_value : "";
        n = strlen(t);
        if (sl_time_parse(t, n, &secs)) {
            char iso[21];
            sl_time_format(secs, iso);
            memcpy(num, iso, sizeof iso);
            t = num;
            n = strlen(num);
        }
        break;
    }
    case FREEXL_CELL_TEXT:
    case FREEXL_CELL_SST_TEXT:
    case FREEXL_CELL_TIME:
        t = v->value.text_value ? v->value.text_value : "";
        n = strlen(t);
        break;
    default: break; /* FREEXL_CELL_NULL */
    }
    return n && sl_rowbuf_put(&c->rb, t, n) ? FREEXL_INSUFFICIENT_MEMORY : 0;
}

/* Sheet s (selected): its rows. Returns SL_OK or SL_ENOMEM. */
static sl_status read_rows(xlctx *c, const void *h, const char *sheet) {
    unsigned int rows = 0;
    unsigned short cols = 0;
    if (freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK) return SL_OK;
    uint64_t blank = 0; /* rows with no cell since the last row handed out */
    unsigned bad_cells = 0;
    int bad_code = 0;
    uint64_t bad_row = 0;
    for (unsigned int r = 0; r < rows; r++) {
        FreeXL_CellValue v;
        unsigned short last = 0; /* one past the last cell with a value */
        for (unsigned short k = cols; k > 0; k--) {
            if (freexl_get_cell_value(h, r, (unsigned short)(k - 1), &v) == FREEXL_OK &&
                v.type != FREEXL_CELL_NULL) {
                last = k;
                break;
            }
        }
        if (!last) {
            blank++;
            continue;
        }
        c->sh.blank_rows += blank;
        blank = 0;
        sl_rowbuf_reset(&c->rb);
        for (unsigned short k = 0; k < last && !c->rb.over; k++) {
            if (sl_rowbuf_cell(&c->rb)) return SL_ENOMEM;
            int e = freexl_get_cell_value(h, r, k, &v);
            if (e == FREEXL_OK) e = put_cell(c, &v);
            if (e == FREEXL_INSUFFICIENT_MEMORY) return SL_ENOMEM;
            if (e && !bad_cells++) {
                bad_code = e;
                bad_row = (uint64_t)r + 1;
            }
        }
        c->sh.rows++;
        sl_csv_row row = {0};
        if (sl_rowbuf_row(&c->rb, &row)) return SL_ENOMEM;
        row.record = row.line = (uint64_t)r + 1;
        row.nlines = 1;
        row.err = c->rb.over ? SL_CSV_TOO_LARGE : SL_CSV_OK;
        if (c->rb.over) {
            char m[160];
            sl_fmt(m, sizeof m, "row larger than %zu bytes or %u cells: skipped",
                   c->o->max_record ? c->o->max_record : (size_t)1 << 20, SL_ROWBUF_MAX_CELLS);
            xldiag(c, SL_DIAG_WARN, "xls.record_too_large", sheet, row.record, m);
        }
        if (c->cb->row && c->cb->row(c->cb->ud, &c->sh, &row)) break; /* no more is wanted */
    }
    if (bad_cells) {
        char m[240];
        sl_fmt(m, sizeof m, "%u cell%s could not be read (FreeXL error %d, first in row %llu): "
                            "left empty; check them against another copy",
               bad_cells, bad_cells == 1 ? "" : "s", bad_code, (unsigned long long)bad_row);
        xldiag(c, SL_DIAG_WARN, "xls.cell", sheet, bad_row, m);
    }
    return SL_OK;
}

sl_status sl_xls_read_fd(int fd, const sl_html_opts *opts, const sl_xlsx_cb *cb) {
    char path[64];
    sl_fmt(path, sizeof path, "/proc/self/fd/%d", fd);
    return sl_xls_read(path, opts, cb);
}

sl_status sl_xls_read(const char *path, const sl_html_opts *opts, const sl_xlsx_cb *cb) {
    static const sl_xlsx_cb no_cb;
    if (!cb) cb = &no_cb;
    xlctx c;
    memset(&c, 0, sizeof c);
    c.o = opts;
    c.cb = cb;
    c.rb.max_record = opts->max_record;
    const void *h = NULL;
    int rc = freexl_open(path, &h);
    if (rc == FREEXL_INSUFFICIENT_MEMORY) {
        freexl_close(h);
        return SL_ENOMEM;
    }
    if (rc == FREEXL_BIFF_WORKBOOK_NOT_FOUND) {
        freexl_close(h);
        xldiag(&c, SL_DIAG_WARN, "xls.not_a_workbook", NULL, 0,
               "an Office 97-2003 file that holds no Excel workbook (a Word or PowerPoint "
               "document?): " SL_UNREAD_ADVICE);
        return SL_EFORMAT;
    }
    if (rc != FREEXL_OK) {
        freexl_close(h);
        char m[300];
        sl_fmt(m, sizeof m, "cannot be read as an Excel 97-2003 workbook: %s (FreeXL error "
                            "%d); nothing read from it. Get the file again, or open it in "
                            "Excel and save it as CSV", why_not(rc), rc);
        xldiag(&c, SL_DIAG_ERROR, "xls.damaged", NULL, 0, m);
        return SL_EFORMAT;
    }
    unsigned int pw = 0, nsheets = 0;
    freexl_get_info(h, FREEXL_BIFF_PASSWORD, &pw);
    if (pw == FREEXL_BIFF_OBFUSCATED) {
        freexl_close(h);
        xldiag(&c, SL_DIAG_ERROR, "xls.encrypted", NULL, 0,
               "the workbook is protected by a password: its cells cannot be read; ask for "
               "it without one, or open it in Excel and save it as CSV");
        return SL_EFORMAT;
    }
    freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &nsheets);
    if (nsheets == 0) { /* FreeXL stops at an encryption record without saying why */
        freexl_close(h);
        xldiag(&c, SL_DIAG_ERROR, "xls.encrypted", NULL, 0,
               "no worksheet could be read from the workbook: it is most likely protected by "
               "a password (or damaged); ask for it without one, or open it in Excel and save "
               "it as CSV");
        return SL_EFORMAT;
    }
    sl_status st = SL_OK;
    for (unsigned int s = 0; s < nsheets && s <= 0xFFFF && st == SL_OK; s++) {
        const char *sn = NULL;
        if (freexl_get_worksheet_name(h, (unsigned short)s, &sn) != FREEXL_OK) sn = NULL;
        sl_buf_reset(&c.name);
        if ((sn && *sn ? sl_buf_puts(&c.name, sn) : sl_buf_printf(&c.name, "Sheet%u", s + 1)) ||
            sl_buf_nul(&c.name)) {
            st = SL_ENOMEM;
            break;
        }
        memset(&c.sh, 0, sizeof c.sh);
        c.sh.name = c.name.p;
        c.sh.index = s;
        if (opts->sha256) sl_fmt(c.sh.sha256, sizeof c.sh.sha256, "%s", opts->sha256);
        if (cb->sheet_begin && cb->sheet_begin(cb->ud, &c.sh)) {
            if (cb->sheet_end) cb->sheet_end(cb->ud, &c.sh);
            continue;
        }
        int sel = freexl_select_active_worksheet(h, (unsigned short)s);
        if (sel == FREEXL_INSUFFICIENT_MEMORY) st = SL_ENOMEM;
        else if (sel != FREEXL_OK) {
            char m[240];
            sl_fmt(m, sizeof m, "the worksheet cannot be read: %s (FreeXL error %d)",
                   why_not(sel), sel);
            xldiag(&c, SL_DIAG_ERROR, "xls.damaged", c.sh.name, 0, m);
            c.sh.failed = 1;
        } else {
            st = read_rows(&c, h, c.sh.name);
        }
        if (cb->sheet_end) cb->sheet_end(cb->ud, &c.sh);
    }
    freexl_close(h);
    sl_rowbuf_free(&c.rb);
    sl_buf_free(&c.name);
    return st;
}
