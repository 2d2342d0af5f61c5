/* xls.c: Excel 97-2003 workbooks (see xls.h) through FreeXL; rows gathered with rowbuf.h.
 * FreeXL runs in a child process (sl_xls_read_fd): fuzzing found it reading past a string
 * whose declared length passes its record, which can crash the process on a damaged file; a
 * crash of the child is reported as damage, and the scan goes on. */
#include "xls.h"

#include "rowbuf.h"
#include "timeparse.h"

#include <errno.h>
#include <fcntl.h>
#include <freexl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

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
            sl_time_format(secs, num);
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
            sl_rowbuf_over_msg(&c->rb, m);
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

/* ---- FreeXL in a child process -------------------------------------------------------------
 * The child runs sl_xls_read with callbacks that write what they get to a pipe; the parent
 * reads the messages and calls the caller's callbacks with them. Messages: a tag byte, then
 * fields (integers little-endian as in memory: both ends are this process's image):
 *   'S' u32 index, str name          a sheet begins
 *   'R' u64 record, u8 err, u32 n, n x str    a row
 *   'E' u64 rows, u64 blank, u8 failed        the sheet ends
 *   'D' u8 severity, str code, str source, u64 record, u64 line, str message
 *   'X' i32 status                    the end
 * where str is u32 length + bytes. */

typedef struct {
    int fd;
    int broken; /* the parent stopped reading */
} wire;

static void w_put(wire *w, const void *p, size_t n) {
    const char *b = p;
    while (n && !w->broken) {
        ssize_t k = write(w->fd, b, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            w->broken = 1;
            return;
        }
        b += k;
        n -= (size_t)k;
    }
}
static void w_u8(wire *w, uint8_t v) { w_put(w, &v, 1); }
static void w_u32(wire *w, uint32_t v) { w_put(w, &v, 4); }
static void w_u64(wire *w, uint64_t v) { w_put(w, &v, 8); }
static void w_str(wire *w, const char *p, size_t n) {
    w_u32(w, (uint32_t)n);
    w_put(w, p, n);
}
static void w_cstr(wire *w, const char *s) { w_str(w, s ? s : "", s ? strlen(s) : 0); }

static int ch_begin(void *ud, const sl_xlsx_sheet *sh) {
    w_u8(ud, 'S');
    w_u32(ud, sh->index);
    w_cstr(ud, sh->name);
    return 0;
}
/* For tests only: the child dies by SIGSEGV before handing out this record of a sheet. */
static uint64_t die_at;

static int ch_row(void *ud, const sl_xlsx_sheet *sh, const sl_csv_row *r) {
    SL_UNUSED(sh);
    wire *w = ud;
    if (die_at && r->record == die_at) raise(SIGSEGV);
    w_u8(w, 'R');
    w_u64(w, r->record);
    w_u8(w, (uint8_t)r->err);
    w_u32(w, (uint32_t)r->ncells);
    for (size_t i = 0; i < r->ncells; i++) w_str(w, r->cells[i].p, r->cells[i].len);
    return w->broken;
}
static void ch_end(void *ud, const sl_xlsx_sheet *sh) {
    w_u8(ud, 'E');
    w_u64(ud, sh->rows);
    w_u64(ud, sh->blank_rows);
    w_u8(ud, (uint8_t)sh->failed);
}
static void ch_diag(void *ud, const sl_diag *d) {
    w_u8(ud, 'D');
    w_u8(ud, (uint8_t)d->severity);
    w_cstr(ud, d->code);
    w_cstr(ud, d->source);
    w_u64(ud, d->record);
    w_u64(ud, d->line);
    w_cstr(ud, d->message);
}

/* The parent's end: a buffered reader of the pipe. */
typedef struct {
    int fd;
    char buf[1 << 16];
    size_t at, len;
    int eof;
} rd;

static int r_get(rd *r, void *out, size_t n) {
    char *o = out;
    while (n) {
        if (r->at == r->len) {
            if (r->eof) return -1;
            ssize_t k = read(r->fd, r->buf, sizeof r->buf);
            if (k < 0 && errno == EINTR) continue;
            if (k <= 0) {
                r->eof = 1;
                return -1;
            }
            r->at = 0;
            r->len = (size_t)k;
        }
        size_t m = r->len - r->at < n ? r->len - r->at : n;
        memcpy(o, r->buf + r->at, m);
        r->at += m;
        o += m;
        n -= m;
    }
    return 0;
}
static int r_u8(rd *r, uint8_t *v) { return r_get(r, v, 1); }
static int r_u32(rd *r, uint32_t *v) { return r_get(r, v, 4); }
static int r_u64(rd *r, uint64_t *v) { return r_get(r, v, 8); }
/* A string into b (reset first), NUL-terminated. */
static int r_str(rd *r, sl_buf *b) {
    uint32_t n;
    sl_buf_reset(b);
    if (r_u32(r, &n) || sl_buf_grow(b, (size_t)n + 1)) return -1;
    if (r_get(r, b->p, n)) return -1;
    b->len = n;
    return sl_buf_nul(b) ? -1 : 0;
}

typedef struct {
    rd in;
    sl_buf name, code, source, msg, cell;
    sl_rowbuf rb;
    sl_xlsx_sheet sh;
    int in_sheet, skip;
    uint64_t rows_seen, last_record;
} parent;

/* Reads the child's messages until 'X' (returns 1 and sets *st) or the pipe ends (0). */
static int relay(parent *p, const sl_html_opts *opts, const sl_xlsx_cb *cb, sl_status *st) {
    uint8_t tag;
    while (r_u8(&p->in, &tag) == 0) {
        if (tag == 'S') {
            uint32_t idx;
            if (r_u32(&p->in, &idx) || r_str(&p->in, &p->name)) return 0;
            memset(&p->sh, 0, sizeof p->sh);
            p->sh.name = p->name.p;
            p->sh.index = idx;
            if (opts->sha256) sl_fmt(p->sh.sha256, sizeof p->sh.sha256, "%s", opts->sha256);
            p->in_sheet = 1;
            p->rows_seen = p->last_record = 0;
            p->skip = cb->sheet_begin ? cb->sheet_begin(cb->ud, &p->sh) : 0;
        } else if (tag == 'R') {
            uint64_t record;
            uint8_t err;
            uint32_t n;
            if (r_u64(&p->in, &record) || r_u8(&p->in, &err) || r_u32(&p->in, &n)) return 0;
            sl_rowbuf_reset(&p->rb);
            for (uint32_t i = 0; i < n; i++) {
                if (r_str(&p->in, &p->cell)) return 0;
                if (sl_rowbuf_cell(&p->rb) || sl_rowbuf_put(&p->rb, p->cell.p, p->cell.len)) {
                    *st = SL_ENOMEM;
                    return 1;
                }
            }
            p->rows_seen++;
            p->last_record = record;
            if (p->skip || !p->in_sheet) continue;
            sl_csv_row row = {0};
            if (sl_rowbuf_row(&p->rb, &row)) {
                *st = SL_ENOMEM;
                return 1;
            }
            row.record = row.line = record;
            row.nlines = 1;
            row.err = (sl_csv_err)err;
            if (cb->row && cb->row(cb->ud, &p->sh, &row)) p->skip = 1; /* the rest of the sheet */
        } else if (tag == 'E') {
            uint64_t rows, blank;
            uint8_t failed;
            if (r_u64(&p->in, &rows) || r_u64(&p->in, &blank) || r_u8(&p->in, &failed)) return 0;
            p->sh.rows = rows;
            p->sh.blank_rows = blank;
            p->sh.failed = failed;
            p->in_sheet = 0;
            if (cb->sheet_end) cb->sheet_end(cb->ud, &p->sh);
        } else if (tag == 'D') {
            uint8_t sev;
            sl_diag d = {0};
            if (r_u8(&p->in, &sev) || r_str(&p->in, &p->code) || r_str(&p->in, &p->source) ||
                r_u64(&p->in, &d.record) || r_u64(&p->in, &d.line) || r_str(&p->in, &p->msg))
                return 0;
            d.severity = (sl_severity)sev;
            d.code = p->code.p;
            d.source = p->source.len ? p->source.p : NULL;
            d.message = p->msg.p;
            if (opts->diag) opts->diag(opts->diag_ud, &d);
        } else if (tag == 'X') {
            uint32_t v;
            if (r_u32(&p->in, &v)) return 0;
            *st = (sl_status)(int32_t)v;
            return 1;
        } else {
            return 0;
        }
    }
    return 0;
}

sl_status sl_xls_read_fd(int fd, const sl_html_opts *opts, const sl_xlsx_cb *cb) {
    static const sl_xlsx_cb no_cb;
    if (!cb) cb = &no_cb;
    char path[64];
    sl_fmt(path, sizeof path, "/proc/self/fd/%d", fd);
    int pp[2];
    if (pipe(pp) != 0) return SL_EIO;
    pid_t pid = fork();
    if (pid < 0) {
        close(pp[0]);
        close(pp[1]);
        return SL_EIO;
    }
    if (pid == 0) { /* the child: FreeXL, and nothing else of the process */
        close(pp[0]);
        signal(SIGPIPE, SIG_IGN);
        signal(SIGSEGV, SIG_DFL);
        const char *t = getenv("SUNLIGHT_TEST_XLS_CHILD_DIES_AT");
        die_at = t ? strtoull(t, NULL, 10) : 0;
        wire w = {pp[1], 0};
        sl_html_opts co = *opts;
        co.diag = ch_diag;
        co.diag_ud = &w;
        co.progress = NULL;
        sl_xlsx_cb cc = {ch_begin, ch_row, ch_end, &w};
        sl_status st = sl_xls_read(path, &co, &cc);
        w_u8(&w, 'X');
        w_u32(&w, (uint32_t)(int32_t)st);
        _exit(0); /* no atexit handlers, no stdio flush: they are the parent's */
    }
    close(pp[1]);
    parent *p = calloc(1, sizeof *p);
    sl_status st = SL_OK;
    int done = 0;
    if (!p) st = SL_ENOMEM;
    else {
        p->in.fd = pp[0];
        p->rb.max_record = opts->max_record;
        done = relay(p, opts, cb, &st);
    }
    close(pp[0]); /* a child still writing gets EPIPE and ends */
    if (!done) kill(pid, SIGKILL);
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {}
    if (p && !done && st != SL_ENOMEM) {
        char m[400], where[160] = "";
        if (p->in_sheet)
            sl_fmt(where, sizeof where, " in sheet \"%s\" after row %llu", p->sh.name,
                   (unsigned long long)p->last_record);
        sl_fmt(m, sizeof m, "the Excel 97-2003 reader (FreeXL) failed on this file%s (%s %d): it "
                            "is damaged; rows before it were read, nothing after. Get the file "
                            "again, or open it in Excel and save it as CSV",
               where, WIFSIGNALED(ws) ? "signal" : "exit status",
               WIFSIGNALED(ws) ? WTERMSIG(ws) : WEXITSTATUS(ws));
        sl_sheet_diag(opts->diag, opts->diag_ud, opts->cite ? opts->cite : "workbook", NULL,
                      SL_DIAG_ERROR, "xls.damaged", 0, 0, m);
        if (p->in_sheet) {
            p->sh.failed = 1;
            p->sh.rows = p->rows_seen;
            if (cb->sheet_end) cb->sheet_end(cb->ud, &p->sh);
        }
        st = SL_EFORMAT;
    }
    if (p) {
        sl_buf_free(&p->name);
        sl_buf_free(&p->code);
        sl_buf_free(&p->source);
        sl_buf_free(&p->msg);
        sl_buf_free(&p->cell);
        sl_rowbuf_free(&p->rb);
        free(p);
    }
    return st;
}

/* Streams that tell what an OLE2 file is. */
enum {
    OLE_ENCRYPTED = 1, /* "EncryptedPackage": an .xlsx, .docx or .pptx protected by a password */
    OLE_WORD = 2,      /* "WordDocument": a Word 97-2003 document */
    OLE_POWERPOINT = 4,
    OLE_OUTLOOK = 8,   /* "__properties_version1.0": an Outlook message (.msg) */
    OLE_WORKBOOK = 16  /* "Workbook" (BIFF8) or "Book" (BIFF5): a workbook, whatever it embeds */
};

/* Which of those streams the OLE2 file at fd names (read with pread: the offset is left
 * alone), reading no further once one of the streams in `enough` is found. A directory entry
 * (128 bytes, at a multiple of 128 in the file, since sectors are 512-byte aligned) begins
 * with its name in UTF-16LE, NUL-ended. */
static unsigned ole_streams(int fd, unsigned enough) {
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {{"EncryptedPackage", OLE_ENCRYPTED},
                 {"WordDocument", OLE_WORD},
                 {"PowerPoint Document", OLE_POWERPOINT},
                 {"__properties_version1.0", OLE_OUTLOOK},
                 {"Workbook", OLE_WORKBOOK},
                 {"Book", OLE_WORKBOOK}};
    unsigned char want[SL_ARRAY_LEN(names)][64];
    size_t wn[SL_ARRAY_LEN(names)];
    for (size_t k = 0; k < SL_ARRAY_LEN(names); k++) {
        size_t n = 0;
        for (const char *p = names[k].name; *p; p++) { /* the longest, 23, fits */
            want[k][n++] = (unsigned char)*p;
            want[k][n++] = 0;
        }
        want[k][n++] = 0;
        want[k][n++] = 0;
        wn[k] = n;
    }
    enum { CHUNK = 1 << 16 }; /* a multiple of 128 */
    unsigned char *buf = malloc(CHUNK);
    unsigned found = 0;
    ssize_t got;
    for (uint64_t off = 0; buf && !(found & enough) && (got = pread(fd, buf, CHUNK, (off_t)off)) > 0;
         off += (uint64_t)got)
        for (ssize_t e = 0; e + 128 <= got; e += 128)
            for (size_t k = 0; k < SL_ARRAY_LEN(names); k++)
                if (buf[e + 1] == 0 && memcmp(buf + e, want[k], wn[k]) == 0) found |= names[k].bit;
    free(buf);
    return found;
}

uint64_t sl_ole_needs(int fd) {
    unsigned char h[512];
    if (pread(fd, h, sizeof h, 0) != (ssize_t)sizeof h || memcmp(h, SL_OLE2_MAGIC, 8) != 0)
        return 0;
    unsigned shift = (unsigned)h[30] | (unsigned)h[31] << 8;
    if (shift != 9 && shift != 12) return 0;
    uint64_t ssz = (uint64_t)1 << shift, need = ssz;
    uint32_t nfat = sl_le32(h + 44);
    unsigned char *sec = malloc(ssz);
    if (!sec) return 0;
    for (uint32_t k = 0; k < nfat && k < 109; k++) { /* the FAT sectors the header lists */
        uint32_t s = sl_le32(h + 76 + 4 * k);
        if (s >= 0xFFFFFFFAu) continue;
        if ((s + 2ull) * ssz > need) need = (s + 2ull) * ssz;
        if (pread(fd, sec, ssz, (off_t)((s + 1ull) * ssz)) != (ssize_t)ssz) break; /* cut there */
        for (uint64_t i = 0; i < ssz / 4; i++) { /* every sector this part of the FAT uses */
            uint32_t v = sl_le32(sec + 4 * i);
            uint64_t idx = (uint64_t)k * (ssz / 4) + i;
            if (v != 0xFFFFFFFFu && (idx + 2) * ssz > need) need = (idx + 2) * ssz;
        }
    }
    free(sec);
    return need;
}

const char *sl_ole_format(int fd) {
    /* a workbook (most files here) is told as soon as its stream's name is met */
    unsigned k = ole_streams(fd, OLE_WORKBOOK | OLE_ENCRYPTED);
    if (k & (OLE_WORKBOOK | OLE_ENCRYPTED)) return "xls";
    return k & OLE_OUTLOOK ? "msg" : k & OLE_WORD ? "doc" : k & OLE_POWERPOINT ? "ppt" : "xls";
}

/* Whether the OLE2 file at fd is shorter than its own index says (cut off): then what it
 * holds cannot be told, since the names that tell it are past the cut; the message says so. */
static int cut_short(int fd, char *m, size_t cap) {
    struct stat sb;
    uint64_t need = fd >= 0 ? sl_ole_needs(fd) : 0;
    int cut = fd >= 0 && fstat(fd, &sb) == 0 && need > (uint64_t)sb.st_size;
    if (cut)
        sl_fmt(m, cap, "an Office 97-2003 file cut off before its end (%llu bytes, where its own "
               "index needs %llu): what it holds (a workbook, a document, an Outlook message) "
               "cannot be told or read; get the file again",
               (unsigned long long)sb.st_size, (unsigned long long)need);
    return cut;
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
        char m_cut[300];
        int ofd = open(path, O_RDONLY | O_CLOEXEC);
        unsigned k = ofd >= 0 ? ole_streams(ofd, 0) : 0;
        int cut = !(k & (OLE_WORD | OLE_POWERPOINT | OLE_OUTLOOK | OLE_ENCRYPTED)) &&
                  cut_short(ofd, m_cut, sizeof m_cut);
        if (ofd >= 0) close(ofd);
        if (k & OLE_ENCRYPTED)
            xldiag(&c, SL_DIAG_ERROR, "xls.encrypted", NULL, 0,
                   "protected by a password (an encrypted .xlsx, .docx or .pptx): it cannot be "
                   "read without the password. Open it with the password and save it as CSV");
        else if (k & OLE_OUTLOOK) /* a log is often sent as an e-mail's attachment */
            xldiag(&c, SL_DIAG_WARN, "xls.not_a_workbook", NULL, 0,
                   "an Outlook e-mail message (.msg), not a workbook: read it as a message "
                   "(sl_read_file does, for its attachments)");
        else if (cut)
            xldiag(&c, SL_DIAG_ERROR, "xls.damaged", NULL, 0, m_cut);
        else
            xldiag(&c, SL_DIAG_WARN, "xls.not_a_workbook", NULL, 0,
                   k & OLE_WORD         ? "a Word 97-2003 document (.doc), not a workbook: "
                                          SL_UNREAD_ADVICE
                   : k & OLE_POWERPOINT ? "a PowerPoint 97-2003 presentation (.ppt), not a "
                                          "workbook: " SL_UNREAD_ADVICE
                                        : "an Office 97-2003 file that holds no Excel workbook "
                                          "(and is no Word, PowerPoint or Outlook file "
                                          "either): " SL_UNREAD_ADVICE);
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
