/* html.c: web pages (see html.h). libxml2's HTML push parser, with SAX callbacks only (no tree
 * is built), fed 64 KiB at a time; cell texts are gathered per row into one buffer, as in
 * xlsx.c. Parse errors are not reported: real pages are full of them and a browser shows them
 * anyway; what matters here (no table, a table cut off) is reported by this module. */
#include "html.h"

#include "decode.h"
#include "out.h"
#include "rowbuf.h"

#include <errno.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h> /* xmlSwitchToEncoding */
#include <pthread.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define HTML_CHUNK ((size_t)64 << 10)
#define MAX_COLSPAN 1000u /* a larger colspan is taken as 1: no export spans more columns */
#define TITLE_MAX 120u

typedef struct {
    htmlParserCtxtPtr px;
    const sl_html_opts *o;
    const sl_xlsx_cb *cb;
    sl_xlsx_sheet sh;
    char name[32];
    unsigned ntables, depth;
    uint64_t opened, closed; /* <table> tags parsed; "</table" written in the page's bytes */
    char tail[8];            /* the last bytes of the previous chunk, for a tag split by it */
    size_t ntail;
    long table_start;     /* bytes consumed when the outermost <table> began */
    int skip, stopped;       /* skip: the consumer wants none of this table (sheet_begin) */
    uint64_t cut_row;        /* the row delivered as cut off, 0 if none */
    int finishing;           /* in the parser's last call: what it closes now, the page did not */
    /* the row being gathered */
    int in_row, in_cell, space, rowspan_said;
    uint64_t rownum, row_line;
    sl_rowbuf rb;
    unsigned pad;         /* empty cells still owed by the open cell's colspan */
    unsigned open_rows;   /* the open cell's rowspan, and its first column */
    size_t open_col;
    /* cells of rows above that span into the next ones (rowspan), by column: the rows still
     * owed their text; columns past SL_ROWBUF_MAX_CELLS are not tracked (the row is over) */
    struct span_cell { unsigned left; sl_buf text; } *spans;
    size_t nspans;
    /* the page's <title>, for the message about a page without a table */
    int in_title;
    sl_buf title;
    sl_status st;
} hctx;

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static void xml_init(void) { xmlInitParser(); }

static void hdiag(hctx *c, sl_severity sev, const char *code, int in_table, uint64_t record,
                  uint64_t line, const char *msg) {
    sl_sheet_diag(c->o->diag, c->o->diag_ud, c->o->cite ? c->o->cite : "page",
                  in_table ? c->name : NULL, sev, code, record, line, msg);
}

static void stop(hctx *c, sl_status st) {
    if (st && !c->st) c->st = st;
    c->stopped = 1;
    xmlStopParser(c->px);
}

static uint64_t cur_line(const hctx *c) {
    long l = xmlSAX2GetLineNumber(c->px);
    return l > 0 ? (uint64_t)l : 0;
}

/* The tags the reader acts on. libxml2 gives HTML tag names in lower case; compared case-blind
 * all the same, on the first byte before the rest (a strcasecmp per tag and name cost the
 * reader a tenth of its time). */
enum { T_OTHER, T_TABLE, T_TITLE, T_TR, T_CELL, T_BREAK };

static int name_is(const char *s, const char *lower) {
    for (; *lower; s++, lower++)
        if ((*s | 0x20) != *lower) return 0;
    return *s == '\0';
}

static int tag_of(const xmlChar *name) {
    const char *s = (const char *)name;
    if (!s) return T_OTHER;
    switch (s[0] | 0x20) {
    case 't':
        if (name_is(s + 1, "d") || name_is(s + 1, "h")) return T_CELL;
        if (name_is(s + 1, "r")) return T_TR;
        if (name_is(s + 1, "able")) return T_TABLE;
        if (name_is(s + 1, "itle")) return T_TITLE;
        return T_OTHER;
    case 'b': return name_is(s + 1, "r") ? T_BREAK : T_OTHER;
    case 'p': return s[1] == '\0' ? T_BREAK : T_OTHER;
    case 'd': return name_is(s + 1, "iv") ? T_BREAK : T_OTHER;
    case 'l': return name_is(s + 1, "i") ? T_BREAK : T_OTHER;
    default: return T_OTHER;
    }
}

static void row_put(hctx *c, const char *p, size_t n) {
    if (sl_rowbuf_put(&c->rb, p, n)) stop(c, SL_ENOMEM);
}

static void cell_add(hctx *c) {
    if (sl_rowbuf_cell(&c->rb)) stop(c, SL_ENOMEM);
}

/* The open cell spans open_rows rows (and 1 + pad columns): the rows below owe its text to
 * its first column and an empty cell to the others, as the page shows them. */
static void span_keep(hctx *c, sl_slice text) {
    size_t need = c->open_col + 1 + c->pad;
    if (need > SL_ROWBUF_MAX_CELLS) return;
    if (need > c->nspans) {
        struct span_cell *n = realloc(c->spans, need * sizeof *n);
        if (!n) {
            stop(c, SL_ENOMEM);
            return;
        }
        memset(n + c->nspans, 0, (need - c->nspans) * sizeof *n);
        c->spans = n;
        c->nspans = need;
    }
    for (size_t col = c->open_col; col < need; col++) {
        struct span_cell *s = &c->spans[col];
        s->left = c->open_rows - 1;
        sl_buf_reset(&s->text);
        if (col == c->open_col && text.len && sl_buf_append(&s->text, text.p, text.len))
            stop(c, SL_ENOMEM);
    }
}

/* Gives the row the cells owed to it from above, at its next column and on while owed; with
 * to_end, also those past cells the row lacks (empty cells between). */
static void span_fill(hctx *c, int to_end) {
    size_t last = 0;
    if (to_end)
        for (size_t col = c->rb.ncells; col < c->nspans; col++)
            if (c->spans[col].left) last = col + 1;
    for (size_t col = c->rb.ncells; col < c->nspans && !c->stopped && !c->rb.over; col++) {
        struct span_cell *s = &c->spans[col];
        if (!s->left && col >= last) break;
        cell_add(c);
        if (s->left) {
            s->left--;
            row_put(c, s->text.p, s->text.len);
        }
    }
}

static void cell_end(hctx *c) {
    if (!c->in_cell) return;
    c->in_cell = 0;
    sl_slice k = sl_rowbuf_open_cell(&c->rb);
    size_t trail = 0;
    while (trail < k.len && k.p[k.len - 1 - trail] == '\n') trail++; /* a trailing <br> */
    sl_rowbuf_unput(&c->rb, trail);
    if (c->open_rows > 1) span_keep(c, sl_rowbuf_open_cell(&c->rb));
    for (; c->pad; c->pad--) cell_add(c);
}

static void row_end(hctx *c) {
    if (!c->in_row) return;
    cell_end(c);
    span_fill(c, 1);
    c->in_row = 0;
    if (c->skip || c->stopped) return;
    c->sh.rows++;
    sl_csv_row r = {0};
    if (sl_rowbuf_row(&c->rb, &r)) {
        stop(c, SL_ENOMEM);
        return;
    }
    uint64_t now = cur_line(c);
    r.record = c->rownum;
    r.line = c->row_line;
    r.nlines = now > c->row_line ? (uint32_t)(now - c->row_line + 1) : 1;
    r.err = c->rb.over ? SL_CSV_TOO_LARGE : SL_CSV_OK;
    if (c->finishing && c->opened > c->closed) { /* cut off inside it (html.cut follows) */
        r.err = SL_CSV_CUT;
        c->cut_row = r.record;
    }
    if (c->rb.over) {
        char m[160];
        sl_rowbuf_over_msg(&c->rb, m);
        hdiag(c, SL_DIAG_WARN, "html.record_too_large", 1, r.record, r.line, m);
    }
    if (c->cb->row && c->cb->row(c->cb->ud, &c->sh, &r))
        stop(c, SL_OK); /* nothing more is wanted: the page is not parsed further */
}

static void row_begin(hctx *c) {
    row_end(c);
    c->in_row = 1;
    c->rownum++;
    c->row_line = cur_line(c);
    sl_rowbuf_reset(&c->rb);
}

static void table_begin(hctx *c) {
    c->ntables++;
    sl_fmt(c->name, sizeof c->name, "table %u", c->ntables);
    memset(&c->sh, 0, sizeof c->sh);
    c->sh.name = c->name;
    c->sh.index = c->ntables - 1;
    if (c->o->sha256) sl_fmt(c->sh.sha256, sizeof c->sh.sha256, "%s", c->o->sha256);
    c->table_start = xmlByteConsumed(c->px);
    c->rownum = 0;
    c->in_row = c->in_cell = 0;
    c->rowspan_said = 0;
    for (size_t i = 0; i < c->nspans; i++) c->spans[i].left = 0;
    c->skip = c->cb->sheet_begin ? c->cb->sheet_begin(c->cb->ud, &c->sh) : 0;
}

/* Said as the parser closes, at the page's end, a table the page did not close. */
static void say_cut(hctx *c) {
    char m[300], last[120] = "";
    if (c->cut_row)
        sl_fmt(last, sizeof last, ", and its last row (record %llu) is incomplete: counted as "
                                  "cut off, not read", (unsigned long long)c->cut_row);
    sl_fmt(m, sizeof m, "the page ends inside a table (%llu <table> tag%s, %llu </table>): "
                        "the file may be cut off%s",
           (unsigned long long)c->opened, c->opened == 1 ? "" : "s",
           (unsigned long long)c->closed, last);
    hdiag(c, SL_DIAG_WARN, "html.cut", 1, c->cut_row, 0, m);
}

static void table_end(hctx *c) {
    row_end(c);
    if (c->finishing && c->opened > c->closed && !c->stopped) say_cut(c);
    long now = xmlByteConsumed(c->px);
    c->sh.xml_bytes = now > c->table_start ? (uint64_t)(now - c->table_start) : 0;
    if (c->cb->sheet_end) c->cb->sheet_end(c->cb->ud, &c->sh);
}

static const char *attr(const xmlChar **atts, const char *name) {
    for (size_t i = 0; atts && atts[i]; i += 2)
        if (strcasecmp((const char *)atts[i], name) == 0) return (const char *)atts[i + 1];
    return NULL;
}

static unsigned span(const char *v) {
    unsigned long n = 0;
    if (!v) return 1;
    while (*v == ' ') v++;
    for (; *v >= '0' && *v <= '9' && n <= MAX_COLSPAN; v++) n = n * 10 + (unsigned)(*v - '0');
    return n >= 1 && n <= MAX_COLSPAN ? (unsigned)n : 1;
}

static void line_break(hctx *c) {
    if (!c->in_cell || c->rb.over) return;
    sl_slice k = sl_rowbuf_open_cell(&c->rb);
    if (k.len && k.p[k.len - 1] != '\n') row_put(c, "\n", 1);
    c->space = 0;
}

static void on_start(void *ud, const xmlChar *name, const xmlChar **atts) {
    hctx *c = ud;
    if (c->stopped) return;
    int tag = tag_of(name);
    if (tag == T_TABLE) {
        c->opened++;
        if (c->depth++ == 0) table_begin(c);
        else row_end(c); /* a nested table: its rows are rows of the outer one */
        return;
    }
    if (tag == T_TITLE) {
        c->in_title = 1;
        return;
    }
    if (!c->depth) return;
    if (tag == T_TR) {
        row_begin(c);
    } else if (tag == T_CELL) {
        if (!c->in_row) row_begin(c);
        cell_end(c);
        span_fill(c, 0);
        cell_add(c);
        if (c->stopped) return;
        c->in_cell = 1;
        c->space = 0;
        c->pad = span(attr(atts, "colspan")) - 1;
        c->open_col = c->rb.ncells - 1;
        c->open_rows = span(attr(atts, "rowspan"));
        if (c->open_rows > 1 && !c->rowspan_said && !c->skip) {
            c->rowspan_said = 1;
            hdiag(c, SL_DIAG_INFO, "html.rowspan", 1, c->rownum, cur_line(c),
                  "cells span several rows (the first in this record): as the page shows "
                  "them, each row they span is given their text");
        }
    } else if (tag == T_BREAK) {
        line_break(c);
    }
}

static void on_end(void *ud, const xmlChar *name) {
    hctx *c = ud;
    if (c->stopped) return;
    int tag = tag_of(name);
    if (tag == T_TITLE) {
        c->in_title = 0;
    } else if (tag == T_TABLE) {
        if (!c->depth) return;
        if (--c->depth == 0) table_end(c);
        else row_end(c);
    } else if (c->depth && tag == T_TR) {
        row_end(c);
    } else if (c->depth && tag == T_CELL) {
        cell_end(c);
    }
}

static int is_blank(unsigned char ch) {
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f';
}

static void on_text(void *ud, const xmlChar *ch, int len) {
    hctx *c = ud;
    if (c->stopped || len <= 0) return;
    const unsigned char *p = ch, *e = ch + len;
    if (c->in_title) {
        for (; p < e && c->title.len < TITLE_MAX; p++) {
            int blank = is_blank(*p);
            if (blank && c->title.len && c->title.p[c->title.len - 1] == ' ') continue;
            if (sl_buf_putc(&c->title, blank ? ' ' : (char)*p)) stop(c, SL_ENOMEM);
        }
        return;
    }
    if (!c->in_cell || c->rb.over) return;
    while (p < e && !c->rb.over && !c->stopped) {
        int nbsp = p + 1 < e && p[0] == 0xC2 && p[1] == 0xA0;
        if (is_blank(*p) || nbsp) {
            p += nbsp ? 2 : 1;
            sl_slice k = sl_rowbuf_open_cell(&c->rb);
            if (k.len && k.p[k.len - 1] != '\n') c->space = 1;
            continue;
        }
        const unsigned char *q = p;
        while (q < e && !is_blank(*q) && !(q + 1 < e && q[0] == 0xC2 && q[1] == 0xA0)) q++;
        if (c->space) row_put(c, " ", 1);
        c->space = 0;
        row_put(c, (const char *)p, (size_t)(q - p));
        p = q;
    }
}

static void on_cdata(void *ud, const xmlChar *ch, int len) { /* <script>, <style> */
    SL_UNUSED(ud);
    SL_UNUSED(ch);
    SL_UNUSED(len);
}

static void on_error(void *ud, xmlErrorPtr err) { /* a page's HTML errors are not news */
    SL_UNUSED(ud);
    SL_UNUSED(err);
}

/* Counts "</table" in the page's own bytes. At the end of its input the parser closes what is
 * still open, so only the bytes tell a table closed by the page from one cut off. */
static void count_closes(hctx *c, const char *p, size_t n) {
    enum { L = 7 }; /* strlen("</table") */
    char edge[2 * L];
    size_t k = n < L - 1 ? n : L - 1;
    memcpy(edge, c->tail, c->ntail);
    memcpy(edge + c->ntail, p, k);
    for (size_t i = 0; i < c->ntail && i + L <= c->ntail + k; i++) /* split by the boundary */
        if (strncasecmp(edge + i, "</table", L) == 0) c->closed++;
    for (const char *q = p, *e = p + n; (q = memchr(q, '<', (size_t)(e - q))) != NULL; q++)
        if ((size_t)(e - q) >= L && q[1] == '/' && strncasecmp(q, "</table", L) == 0) c->closed++;
    if (n >= L - 1) { /* keep the stream's last L-1 bytes */
        memcpy(c->tail, p + n - (L - 1), L - 1);
        c->ntail = L - 1;
    } else {
        size_t m = c->ntail + k, keep = m < L - 1 ? m : L - 1;
        memmove(c->tail, edge + m - keep, keep);
        c->ntail = keep;
    }
}

/* Whether the page declares a Latin charset (windows-1252, iso-8859-1, latin1, us-ascii) within
 * its first bytes: browsers read all of them as Windows-1252, and so does this reader. */
static int declares_latin(const char *p, size_t n) {
    static const char *const latin[] = {"windows-1252", "iso-8859-1", "latin1", "cp1252",
                                        "us-ascii", "ascii", "iso-8859-15"};
    for (size_t i = 0; i + 7 <= n; i++) {
        if ((p[i] | 0x20) != 'c' || strncasecmp(p + i, "charset", 7) != 0) continue;
        size_t k = i + 7;
        while (k < n && (p[k] == ' ' || p[k] == '=' || p[k] == '"' || p[k] == '\'')) k++;
        for (size_t l = 0; l < SL_ARRAY_LEN(latin); l++) {
            size_t ln = strlen(latin[l]);
            if (k + ln < n && strncasecmp(p + k, latin[l], ln) == 0 &&
                !(p[k + ln] == '-' || (p[k + ln] >= '0' && p[k + ln] <= '9')))
                return 1;
        }
        return 0; /* the first declaration decides */
    }
    return 0;
}

/* Whether p[0, n) (n < 4) is the start of a UTF-8 sequence that the next bytes may complete. */
static int utf8_unfinished(const unsigned char *p, size_t n) {
    size_t need = p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : p[0] >= 0xE0 && p[0] <= 0xEF ? 3
                : p[0] >= 0xC2 && p[0] <= 0xDF ? 2 : 0;
    if (!need || n >= need) return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80) return 0;
    return 1;
}

/* The page's bytes to libxml2, always as UTF-8: libxml2's own conversion stops the page at
 * the first byte its charset does not define (the rows after it lost), and takes a page that
 * says nothing for Latin-1. Windows-1252 goes through decode.h; in UTF-8, invalid bytes become
 * U+FFFD (sl_out_utf8, as in the outputs), and a sequence cut by the read boundary waits for
 * the next chunk. */
typedef struct {
    sl_decoder *dec; /* NULL: UTF-8 */
    char carry[4];
    size_t ncarry;
    sl_buf work, out;
} feeder;

static void parse(hctx *c, const char *p, size_t n, int final) {
    if (n || final) htmlParseChunk(c->px, p, (int)n, final);
}

static void feed(hctx *c, feeder *f, const char *p, size_t n, int final) {
    size_t cap = 3 * (HTML_CHUNK + 4);
    sl_buf_reset(&f->out);
    if (sl_buf_reserve(&f->out, cap)) {
        stop(c, SL_ENOMEM);
        return;
    }
    if (f->dec) {
        while (n && !c->stopped) {
            size_t used, olen;
            sl_decoder_push(f->dec, p, n, f->out.p, cap, &used, &olen);
            parse(c, f->out.p, olen, 0);
            p += used;
            n -= used;
        }
        size_t olen = 0;
        if (final) sl_decoder_finish(f->dec, f->out.p, cap, &olen);
        parse(c, f->out.p, olen, final);
        return;
    }
    sl_buf_reset(&f->work);
    if (sl_buf_append(&f->work, f->carry, f->ncarry) || sl_buf_append(&f->work, p, n)) {
        stop(c, SL_ENOMEM);
        return;
    }
    size_t len = f->work.len, keep = 0;
    for (size_t t = 1; !final && t < 4 && t <= len && !keep; t++)
        if (utf8_unfinished((const unsigned char *)f->work.p + len - t, t)) keep = t;
    f->ncarry = keep;
    memcpy(f->carry, f->work.p + len - keep, keep);
    if (sl_out_utf8(&f->out, f->work.p, len - keep)) {
        stop(c, SL_ENOMEM);
        return;
    }
    parse(c, f->out.p, f->out.len, final);
}

static void quiet(void *ud, const char *fmt, ...) { /* libxml2 would print to stderr */
    SL_UNUSED(ud);
    SL_UNUSED(fmt);
}

int sl_html_sniff(const unsigned char *p, size_t n) {
    static const char *const starts[] = {"<!doctype html", "<html", "<head", "<body",
                                         "<meta",          "<title", "<table"};
    size_t i = 0;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) i = 3;
    for (;;) {
        while (i < n && is_blank(p[i])) i++;
        if (i + 4 <= n && memcmp(p + i, "<!--", 4) == 0) { /* a comment first */
            const unsigned char *end = NULL;
            for (size_t k = i + 4; k + 3 <= n && !end; k++)
                if (memcmp(p + k, "-->", 3) == 0) end = p + k + 3;
            if (!end) return 0;
            i = (size_t)(end - p);
            continue;
        }
        break;
    }
    /* sunlight's own report.html copied into a release is left to the text reader, which
     * recognises it and sets it aside (scan.c): its tables are counts, not a log */
    if (sl_mem_has(p, n < 4096 ? n : 4096, "<title>sunlight report</title>")) return 0;
    for (size_t s = 0; s < SL_ARRAY_LEN(starts); s++) {
        size_t l = strlen(starts[s]);
        if (i + l < n && strncasecmp((const char *)p + i, starts[s], l) == 0) {
            unsigned char after = p[i + l];
            if (after == '>' || is_blank(after) || (s > 0 && after == '/')) return 1;
        }
    }
    return 0;
}

sl_status sl_html_read_fd(int fd, const sl_html_opts *opts, const sl_xlsx_cb *cb) {
    static const sl_xlsx_cb no_cb;
    if (!cb) cb = &no_cb;
    pthread_once(&xml_once, xml_init);
    if (lseek(fd, 0, SEEK_SET) < 0) return SL_EIO;
    char *buf = malloc(HTML_CHUNK);
    if (!buf) return SL_ENOMEM;
    hctx c;
    memset(&c, 0, sizeof c);
    c.o = opts;
    c.cb = cb;
    c.rb.max_record = opts->max_record;
    htmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.startElement = on_start;
    sax.endElement = on_end;
    sax.characters = on_text;
    sax.ignorableWhitespace = on_text;
    sax.cdataBlock = on_cdata;
    sax.serror = on_error;
    sax.initialized = XML_SAX2_MAGIC; /* so that serror, not stderr, receives parse errors */
    c.px = htmlCreatePushParserCtxt(&sax, &c, NULL, 0, NULL, XML_CHAR_ENCODING_NONE);
    if (!c.px) {
        free(buf);
        return SL_ENOMEM;
    }
    htmlCtxtUseOptions(c.px, HTML_PARSE_NONET | HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC);
    xmlSwitchEncoding(c.px, XML_CHAR_ENCODING_UTF8);
    xmlGenericErrorFunc old_err = xmlGenericError; /* this thread's; put back below */
    void *old_err_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, quiet);
    feeder f = {0};
    sl_status rc = SL_OK;
    int first = 1;
    while (rc == SL_OK) {
        ssize_t n = read(fd, buf, HTML_CHUNK);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            hdiag(&c, SL_DIAG_ERROR, "read.io", 0, 0, 0, "read failed: the rest of the page is lost");
            rc = SL_EIO;
            break;
        }
        if (first && n > 0 &&
            (declares_latin(buf, (size_t)n) ||
             sl_encoding_sniff(buf, (size_t)n, (size_t)n < HTML_CHUNK, NULL, NULL, 0) == SL_ENC_CP1252) &&
            sl_decoder_new(&f.dec, SL_ENC_CP1252) != SL_OK) {
            rc = SL_ENOMEM;
            break;
        }
        first = 0;
        if (n > 0 && opts->progress) opts->progress(opts->progress_ud, (uint64_t)n);
        count_closes(&c, buf, (size_t)n);
        c.finishing = n == 0;
        feed(&c, &f, buf, (size_t)n, n == 0);
        if (n == 0 || c.stopped) break;
    }
    xmlSetGenericErrorFunc(old_err_ctx, old_err);
    if (f.dec) sl_decoder_free(f.dec);
    sl_buf_free(&f.work);
    sl_buf_free(&f.out);
    c.finishing = 1;
    if (c.depth) { /* stopped, or the parser did not close it (it does at the end) */
        c.depth = 0;
        table_end(&c);
    }
    if (!c.ntables && !c.st && rc == SL_OK) {
        char m[400], t[TITLE_MAX + 16] = "";
        sl_slice ts = sl_trim((sl_slice){c.title.p ? c.title.p : "", c.title.len});
        if (ts.len) sl_fmt(t, sizeof t, " titled \"%.*s\"", (int)ts.len, ts.p);
        const char *cite = opts->cite ? opts->cite : "";
        size_t n = strlen(cite);
        if (sl_ends_with_ci(cite, n, ".html") || sl_ends_with_ci(cite, n, ".htm") ||
            sl_ends_with_ci(cite, n, ".xhtml")) { /* a page named as one: a cover note, an index */
            sl_fmt(m, sizeof m, "a web page%s with no table: not a log; nothing read from it", t);
            hdiag(&c, SL_DIAG_INFO, "html.no_table", 0, 0, 0, m);
        } else { /* named as an export, but a page: most often a download that failed */
            sl_fmt(m, sizeof m, "a web page%s with no table: not an export. A download that "
                                "failed or timed out often saves a sign-in or error page under "
                                "the export's name; get the file again", t);
            hdiag(&c, SL_DIAG_WARN, "html.no_table", 0, 0, 0, m);
        }
    }
    if (c.st) rc = c.st;
    htmlFreeParserCtxt(c.px);
    free(buf);
    sl_rowbuf_free(&c.rb);
    sl_buf_free(&c.title);
    for (size_t i = 0; i < c.nspans; i++) sl_buf_free(&c.spans[i].text);
    free(c.spans);
    return rc;
}
