/* json.c: JSON logs (see json.h), streamed through yajl 64 KiB at a time, fed a line at a time
 * so that every callback knows its text line (JSON has no raw line break inside a token).
 * Each pass runs the same event handlers over a stack of frames, one per open object or array,
 * each with its role: outside any table, a table, a record, a value inside a record. The
 * columns pass only names columns; the rows pass gathers each record's cells (rowbuf.h). */
#include "json.h"

#include "decode.h"
#include "rowbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_parse.h>

#define JS_CHUNK ((size_t)64 << 10)
#define MAX_TABLES 256u                    /* further lists of records are said, not read */
#define MAX_HEADS 64u                      /* "columns" lists remembered */
#define MAX_FRAMES 1024u                   /* deeper nesting is refused as damage */
#define NAME_MAX_BYTES 200u                /* a longer key is cut, for a column's name */
#define FIRST_VALUE_MAX ((uint64_t)1 << 20)/* a first value longer than this: one document */
#define SNIFF_MAX 4096u
#define NAMES_BUDGET ((size_t)16 << 20)  /* bytes of all names kept: keys past it are dropped */

/* What an open object or array is. */
enum {
    R_OUTER_MAP,  /* an object outside any table: its arrays may be tables */
    R_OUTER_ARR,  /* an array outside any table: a table once its first element is a container */
    R_TABLE,      /* a list of records */
    R_HEADS,      /* a "columns" list: names for an array of arrays */
    R_HEAD_OBJ,   /* an object in that list: its "name" is one */
    R_RECORD_MAP, /* a record that is an object: a value per key */
    R_RECORD_ARR, /* a record that is an array: a value per position */
    R_FLAT_MAP,   /* an object inside a record's object: its keys joined with dots */
    R_VALUE,      /* an array inside a record: one cell */
    R_RAW,        /* anything deeper: compact JSON text */
    R_SKIP        /* ignored (deep inside a "columns" list, a table past the cap) */
};

typedef struct {
    unsigned char role, is_map, first, nonflat, head_key;
    unsigned char want, got; /* R_HEAD_OBJ: the key's kind and the kept name's: 2 "name",
                                1 "fieldName", "title" and the like, 0 other */
    long col;        /* R_VALUE, R_RAW: the cell its text goes to (-1: inside another);
                        R_RECORD_ARR: the next position */
    size_t path_len; /* R_OUTER_*: c->path's length before this frame's key */
    size_t col_len;  /* R_RECORD_MAP, R_FLAT_MAP: c->col's length at the frame's start */
    int map_id;      /* R_OUTER_MAP: an id, so that a table finds its sibling "columns" */
    int head;        /* R_HEADS, R_HEAD_OBJ: the list's index */
} frame;

/* A list of names (a table's columns, a "columns" list), found by name through a hash. */
typedef struct {
    sl_buf text;
    struct span { size_t off, len; } *span; /* each name's place in text */
    size_t n, cap;
    uint32_t *slot; /* index + 1; 0 = empty */
    size_t nslot;
} names;

typedef struct {
    names cols;
    char name[NAME_MAX_BYTES + 16];
    int positional; /* its records are arrays */
    int map_id;     /* the object holding it, -1 at the top */
    int head;       /* the "columns" list naming it, -1 for none */
    size_t width;   /* positional: the widest record */
    uint64_t dropped; /* values past the column cap */
} table;

typedef struct {
    names list;
    int map_id;
} heads;

typedef struct {
    const sl_html_opts *o;
    const sl_xlsx_cb *cb;
    yajl_handle h;
    int deliver;   /* the rows pass (else the columns pass) */
    int lines;     /* JSON Lines: every value at the top is a record of table 0 */
    int line_start, skip_line; /* JSON Lines: a line begins with the next byte; the rest of a
                                  line that did not parse is being skipped */
    frame fr[MAX_FRAMES];
    size_t nfr;
    sl_buf path, col, headname;
    table *tabs;
    size_t ntabs, tab_seen, too_many;
    heads hd[MAX_HEADS];
    size_t nhd;
    int nmaps;
    size_t names_bytes; /* of every table's names and every "columns" list */
    uint64_t line, top_values;
    /* what the file holds, for a file with no table */
    int top_kind; /* 0 nothing yet, '{', '[', 's' (a plain value) */
    uint64_t top_elems;
    sl_buf top_keys;
    size_t ntop_keys;
    /* the table being read (rows pass) */
    int cur;
    sl_xlsx_sheet sh;
    int skip, halted, stopped;
    uint64_t recnum, rec_line, cut_record;
    int in_record;
    /* the record being gathered (rows pass) */
    struct ent { size_t col, off, len; } *ents;
    size_t nents, capents;
    sl_buf text, joined, raw;
    int over;
    long maxpos; /* positional: the record's last position */
    sl_rowbuf rb;
    uint64_t file_size;
    sl_encoding enc; /* of the file: UTF-16 and Windows-1252 are decoded to UTF-8 */
    sl_status st;
} jctx;

static void jdiag(jctx *c, sl_severity sev, const char *code, const char *sheet, uint64_t record,
                  uint64_t line, const char *msg) {
    sl_sheet_diag(c->o->diag, c->o->diag_ud, c->o->cite ? c->o->cite : "JSON file", sheet, sev,
                  code, record, line, msg);
}

static int nomem(jctx *c) {
    if (!c->st) c->st = SL_ENOMEM;
    c->stopped = 1;
    return 0; /* the callback's answer: stop parsing */
}

/* ---- names ---------------------------------------------------------------------------- */

static uint32_t name_hash(const char *p, size_t n) { return (uint32_t)sl_hash_fast(p, n, 7); }

/* Bytes at off in b, which holds nothing yet when every text so far was empty. */
static const char *at(const sl_buf *b, size_t off) { return b->p ? b->p + off : ""; }

static long names_find(const names *s, const char *p, size_t n) {
    if (!s->nslot) return -1;
    for (size_t i = name_hash(p, n) & (s->nslot - 1);; i = (i + 1) & (s->nslot - 1)) {
        uint32_t k = s->slot[i];
        if (!k) return -1;
        const struct span *w = &s->span[k - 1];
        if (w->len == n && (!n || memcmp(at(&s->text, w->off), p, n) == 0)) return k - 1;
    }
}

/* Adds a name (another index even when it is there already, for a "columns" list); returns
 * its index, -1 past SL_ROWBUF_MAX_CELLS names, -2 out of memory. */
static long names_add(names *s, const char *p, size_t n) {
    if (s->n >= SL_ROWBUF_MAX_CELLS) return -1;
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 16;
        struct span *a = sl_reallocarray(s->span, nc, sizeof *a);
        if (!a) return -2;
        s->span = a;
        s->cap = nc;
    }
    if ((s->n + 1) * 2 > s->nslot) {
        size_t ns = s->nslot ? s->nslot * 2 : 32;
        uint32_t *sl = calloc(ns, sizeof *sl);
        if (!sl) return -2;
        for (size_t k = 0; k < s->n; k++) {
            size_t i = name_hash(at(&s->text, s->span[k].off), s->span[k].len) & (ns - 1);
            while (sl[i]) i = (i + 1) & (ns - 1);
            sl[i] = (uint32_t)k + 1;
        }
        free(s->slot);
        s->slot = sl;
        s->nslot = ns;
    }
    s->span[s->n] = (struct span){s->text.len, n};
    if (sl_buf_append(&s->text, p, n)) return -2;
    size_t i = name_hash(p, n) & (s->nslot - 1);
    while (s->slot[i]) i = (i + 1) & (s->nslot - 1);
    s->slot[i] = (uint32_t)s->n + 1;
    return (long)s->n++;
}

static void names_free(names *s) {
    sl_buf_free(&s->text);
    free(s->span);
    free(s->slot);
    memset(s, 0, sizeof *s);
}

/* A key as a name: control characters (a line break in a key) become spaces, and a name is
 * cut at NAME_MAX_BYTES (at a character's start). */
static sl_status put_name(sl_buf *b, const unsigned char *p, size_t n) {
    if (n > NAME_MAX_BYTES) {
        n = NAME_MAX_BYTES;
        while (n && (p[n] & 0xC0) == 0x80) n--;
    }
    if (sl_buf_reserve(b, n)) return SL_ENOMEM;
    for (size_t i = 0; i < n; i++)
        b->p[b->len++] = (char)(p[i] < 0x20 || p[i] == 0x7F ? ' ' : p[i]);
    return SL_OK;
}

/* ---- compact JSON text of a value deep inside a record ---------------------------------- */

static sl_status raw_string(sl_buf *b, const unsigned char *p, size_t n) {
    static const char hex[] = "0123456789abcdef";
    sl_status st = sl_buf_putc(b, '"');
    for (size_t i = 0; i < n && !st; i++) {
        unsigned char ch = p[i];
        char e[7] = {'\\', 0, 0, 0, 0, 0, 0};
        size_t k = 2;
        switch (ch) {
        case '"': e[1] = '"'; break;
        case '\\': e[1] = '\\'; break;
        case '\n': e[1] = 'n'; break;
        case '\r': e[1] = 'r'; break;
        case '\t': e[1] = 't'; break;
        default:
            if (ch >= 0x20) {
                st = sl_buf_putc(b, (char)ch);
                continue;
            }
            memcpy(e + 1, "u00", 3);
            e[4] = hex[ch >> 4];
            e[5] = hex[ch & 15];
            k = 6;
        }
        st = sl_buf_append(b, e, k);
    }
    return st ? st : sl_buf_putc(b, '"');
}

/* The answer to an append to the text of a value deep inside a record: past the record cap
 * (the buffers' cap_limit) the record is over, and its text is dropped. */
static int deep(jctx *c, sl_status st) {
    if (st == SL_ELIMIT) c->over = 1;
    else if (st) return nomem(c);
    return 1;
}

/* The comma before an element of an array being written as text. */
static sl_status raw_sep(jctx *c, frame *f) {
    sl_status st = !f->is_map && !f->first ? sl_buf_putc(&c->raw, ',') : SL_OK;
    f->first = 0;
    return st;
}

/* ---- tables and records ---------------------------------------------------------------- */

static frame *top(jctx *c) { return c->nfr ? &c->fr[c->nfr - 1] : NULL; }

/* The object holding the frame at depth i, for a table's sibling "columns": -1 at the top. */
static int holder(const jctx *c) {
    for (size_t i = c->nfr; i-- > 0;)
        if (c->fr[i].role == R_OUTER_MAP) return c->fr[i].map_id;
    return -1;
}

static void header_row(jctx *c, const names *s) {
    sl_rowbuf_reset(&c->rb);
    for (size_t k = 0; k < s->n; k++)
        if (sl_rowbuf_cell(&c->rb) ||
            sl_rowbuf_put(&c->rb, at(&s->text, s->span[k].off), s->span[k].len)) {
            nomem(c);
            return;
        }
    sl_csv_row r = {0};
    if (sl_rowbuf_row(&c->rb, &r)) {
        nomem(c);
        return;
    }
    r.record = 0;
    r.line = c->line;
    r.nlines = 1;
    if (c->cb->row && c->cb->row(c->cb->ud, &c->sh, &r)) c->halted = c->stopped = 1;
}

/* A list of records begins: named in the columns pass, handed out in the rows pass. Returns
 * 0 when it is past the cap (its frame is then skipped). */
static int table_open(jctx *c, int positional) {
    size_t idx = c->tab_seen++;
    if (idx >= MAX_TABLES) {
        c->too_many++;
        return 0;
    }
    if (!c->deliver) {
        table *n = sl_reallocarray(c->tabs, idx + 1, sizeof *n);
        if (!n) return nomem(c), 0;
        c->tabs = n;
        table *t = &c->tabs[idx];
        memset(t, 0, sizeof *t);
        c->ntabs = idx + 1;
        t->positional = positional;
        t->map_id = holder(c);
        t->head = -1;
        const char *base = c->path.len ? c->path.p : "records";
        size_t blen = c->path.len ? c->path.len : 7;
        unsigned same = 1;
        for (size_t k = 0; k < idx; k++) {
            size_t l = strlen(c->tabs[k].name);
            const char *nm = c->tabs[k].name;
            if (l >= blen && memcmp(nm, base, blen) == 0 && (l == blen || nm[blen] == ' ')) same++;
        }
        if (same > 1) sl_fmt(t->name, sizeof t->name, "%.*s %u", (int)blen, base, same);
        else sl_fmt(t->name, sizeof t->name, "%.*s", (int)blen, base);
        return 1;
    }
    table *t = &c->tabs[idx];
    c->cur = (int)idx;
    memset(&c->sh, 0, sizeof c->sh);
    c->sh.name = t->name;
    c->sh.index = (unsigned)idx;
    c->sh.xml_bytes = c->file_size;
    if (c->o->sha256) sl_fmt(c->sh.sha256, sizeof c->sh.sha256, "%s", c->o->sha256);
    c->recnum = 0;
    c->skip = c->cb->sheet_begin ? c->cb->sheet_begin(c->cb->ud, &c->sh) : 0;
    if (c->skip) return 1;
    if (!t->positional) header_row(c, &t->cols);
    else if (t->head >= 0) header_row(c, &c->hd[t->head].list);
    return 1;
}

static void table_close(jctx *c) {
    if (!c->deliver || c->cur < 0) return;
    table *t = &c->tabs[c->cur];
    if (t->dropped && !c->skip) {
        char m[300];
        sl_fmt(m, sizeof m, "%llu value%s of keys past the %u-th column (or positions past it) "
                            "are in no output: a table this wide is not a log's",
               (unsigned long long)t->dropped, t->dropped == 1 ? "" : "s", SL_ROWBUF_MAX_CELLS);
        jdiag(c, SL_DIAG_WARN, "json.too_many_columns", t->name, 0, 0, m);
    }
    if (c->cb->sheet_end) c->cb->sheet_end(c->cb->ud, &c->sh);
    c->cur = -1;
}

static void record_open(jctx *c) {
    c->recnum++;
    c->rec_line = c->line;
    c->in_record = 1;
    c->nents = 0;
    c->maxpos = -1;
    c->over = 0;
    sl_buf_reset(&c->text);
}

static int ent_cmp(const void *a, const void *b) {
    const struct ent *x = a, *y = b;
    if (x->col != y->col) return x->col < y->col ? -1 : 1;
    return x->off < y->off ? -1 : x->off > y->off; /* as they came */
}

/* Hands out the record gathered: cut, it is the one the reading broke off in (its cells as
 * read); malformed, a line of JSON Lines that does not parse (no cells). */
enum { REC_WHOLE, REC_CUT, REC_MALFORMED };

static void record_close(jctx *c, int cut) {
    c->in_record = 0;
    if (!c->deliver || c->cur < 0 || c->skip || c->halted) return;
    table *t = &c->tabs[c->cur];
    c->sh.rows++;
    size_t ncols = t->positional ? (size_t)(c->maxpos + 1) : t->cols.n;
    if (c->nents > 1) qsort(c->ents, c->nents, sizeof *c->ents, ent_cmp);
    sl_rowbuf_reset(&c->rb);
    size_t e = 0;
    for (size_t col = 0; col < ncols && !c->over; col++) {
        if (sl_rowbuf_cell(&c->rb)) return (void)nomem(c);
        for (int k = 0; e < c->nents && c->ents[e].col == col; e++, k++) /* a key given twice */
            if ((k && sl_rowbuf_put(&c->rb, "\n", 1)) ||
                sl_rowbuf_put(&c->rb, at(&c->text, c->ents[e].off), c->ents[e].len))
                return (void)nomem(c);
    }
    if (c->over || cut == REC_MALFORMED) c->rb.over = 1; /* the row's cells dropped */
    sl_csv_row r = {0};
    if (sl_rowbuf_row(&c->rb, &r)) return (void)nomem(c);
    r.record = c->recnum;
    r.line = c->rec_line;
    r.nlines = c->line >= c->rec_line ? (uint32_t)(c->line - c->rec_line + 1) : 1;
    r.err = c->rb.over ? SL_CSV_TOO_LARGE : SL_CSV_OK;
    if (cut == REC_CUT) {
        r.err = SL_CSV_CUT;
        c->cut_record = r.record;
    } else if (cut == REC_MALFORMED) {
        r.err = SL_CSV_MALFORMED;
    }
    if (r.err == SL_CSV_TOO_LARGE) {
        char m[160];
        sl_rowbuf_over_msg(&c->rb, m);
        jdiag(c, SL_DIAG_WARN, "json.record_too_large", t->name, r.record, r.line, m);
    }
    if (c->cb->row && c->cb->row(c->cb->ud, &c->sh, &r)) c->halted = c->stopped = 1;
}

/* The table whose records are being read: in the rows pass the one open, in the columns pass
 * the last one met (tables do not nest: a list inside a record is a value); NULL for none. */
static table *current(jctx *c) {
    size_t i = c->deliver ? (size_t)c->cur : c->tab_seen - 1;
    return (c->deliver ? c->cur >= 0 : c->tab_seen > 0) && i < c->ntabs ? &c->tabs[i] : NULL;
}

/* JSON Lines: the one table, opened with the first line (a line that did not parse opens it
 * too, so that it is counted); whether it is being read. */
static int lines_table(jctx *c, int positional) {
    if (!c->tab_seen) (void)table_open(c, positional);
    return current(c) != NULL;
}

/* A cell's text, for the column col (-1: a key past the cap). */
static void cell_put(jctx *c, long col, const char *p, size_t n) {
    table *t = current(c);
    if (!t) return;
    if (col < 0 || col >= (long)SL_ROWBUF_MAX_CELLS) {
        if (c->deliver) t->dropped++;
        return;
    }
    if (t->positional) {
        if (col > c->maxpos) c->maxpos = col;
        if ((size_t)col + 1 > t->width) t->width = (size_t)col + 1;
    }
    if (!c->deliver || c->over) return;
    size_t cap = c->o->max_record ? c->o->max_record : (size_t)1 << 20;
    if (c->text.len + n > cap) {
        c->over = 1;
        return;
    }
    if (c->nents == c->capents) {
        size_t nc = c->capents ? c->capents * 2 : 32;
        struct ent *ne = sl_reallocarray(c->ents, nc, sizeof *ne);
        if (!ne) return (void)nomem(c);
        c->ents = ne;
        c->capents = nc;
    }
    c->ents[c->nents++] = (struct ent){(size_t)col, c->text.len, n};
    if (sl_buf_append(&c->text, p, n)) nomem(c);
}

/* The column of the key path in c->col, in the table being read; named in the columns pass. */
static long col_of_key(jctx *c) {
    table *t = current(c);
    if (!t) return -1;
    const char *name = at(&c->col, 0);
    long k = names_find(&t->cols, name, c->col.len);
    if (k >= 0 || c->deliver) return k;
    if (c->names_bytes + c->col.len > NAMES_BUDGET) return -1;
    k = names_add(&t->cols, name, c->col.len);
    if (k == -2) nomem(c);
    if (k >= 0) c->names_bytes += c->col.len;
    return k;
}

/* ---- events ------------------------------------------------------------------------------- */

static int header_key(const unsigned char *k, size_t n) {
    static const char *const keys[] = {"columns", "fields", "headers", "header", "cols",
                                       "column_names", "columnnames"};
    for (size_t i = 0; i < SL_ARRAY_LEN(keys); i++)
        if (sl_slice_ieq((sl_slice){(const char *)k, n}, keys[i])) return 1;
    return 0;
}

/* A value that is no container: its text in the place its frame gives it. */
static int scalar(jctx *c, const char *p, size_t n, int is_string) {
    frame *f = top(c);
    if (!f) {
        c->top_values++;
        if (!c->top_kind) c->top_kind = 's';
        if (c->lines) { /* a line holding a plain value: a record of one cell */
            if (!lines_table(c, 1)) return !c->stopped;
            record_open(c);
            cell_put(c, 0, p, n);
            record_close(c, REC_WHOLE);
        }
        return !c->stopped;
    }
    if (c->nfr == 1 && f->role == R_OUTER_ARR) c->top_elems++;
    switch (f->role) {
    case R_OUTER_ARR: f->first = 0; break;
    case R_HEADS:
        if (!c->deliver && c->names_bytes + n <= NAMES_BUDGET) {
            if (names_add(&c->hd[f->head].list, p, n) == -2) return nomem(c);
            c->names_bytes += n;
        }
        break;
    case R_HEAD_OBJ:
        if (is_string && f->want > f->got) { /* "name" over "fieldName" */
            sl_buf_reset(&c->headname);
            if (put_name(&c->headname, (const unsigned char *)p, n)) return nomem(c);
            f->got = f->want;
        }
        break;
    case R_TABLE: { /* a plain value among records: a record of one cell */
        record_open(c);
        if (current(c) && current(c)->positional) cell_put(c, 0, p, n);
        else if (c->deliver && !c->skip) {
            char m[200];
            sl_fmt(m, sizeof m, "a plain value (\"%.*s\") among the objects of this list: not a "
                                "record with columns; counted as a blank row",
                   (int)(n > 60 ? 60 : n), p);
            jdiag(c, SL_DIAG_WARN, "json.not_a_record", current(c)->name, c->recnum,
                  c->line, m);
        }
        record_close(c, REC_WHOLE);
        break;
    }
    case R_RECORD_MAP:
    case R_FLAT_MAP: cell_put(c, col_of_key(c), p, n); break;
    case R_RECORD_ARR: cell_put(c, f->col++, p, n); break;
    case R_VALUE:
        if (c->deliver) {
            sl_status st = f->first ? SL_OK : sl_buf_append(&c->joined, ", ", 2);
            if (!st) st = sl_buf_append(&c->joined, p, n);
            if (!st) st = raw_sep(c, f);
            if (!st)
                st = is_string ? raw_string(&c->raw, (const unsigned char *)p, n)
                               : sl_buf_append(&c->raw, p, n);
            if (!deep(c, st)) return 0;
        }
        f->first = 0;
        break;
    case R_RAW:
        if (c->deliver) {
            sl_status st = raw_sep(c, f);
            if (!st)
                st = is_string ? raw_string(&c->raw, (const unsigned char *)p, n)
                               : sl_buf_append(&c->raw, p, n);
            if (!deep(c, st)) return 0;
        }
        break;
    default: break;
    }
    return !c->stopped;
}

/* null: an empty cell, in its column; written as such deep inside a record */
static int on_null(void *ud) {
    jctx *c = ud;
    frame *f = top(c);
    if (f && (f->role == R_VALUE || f->role == R_RAW)) return scalar(c, "null", 4, 0);
    return scalar(c, "", 0, 0);
}

static int on_bool(void *ud, int v) { return scalar(ud, v ? "true" : "false", v ? 4 : 5, 0); }

static int on_number(void *ud, const char *p, size_t n) { return scalar(ud, p, n, 0); }

static int on_string(void *ud, const unsigned char *p, size_t n) {
    return scalar(ud, (const char *)p, n, 1);
}

static int start(jctx *c, int is_map) {
    if (c->nfr == MAX_FRAMES) {
        if (!c->st) c->st = SL_EFORMAT;
        return 0;
    }
    frame *f = top(c);
    frame nf;
    memset(&nf, 0, sizeof nf);
    nf.is_map = (unsigned char)is_map;
    nf.first = 1;
    nf.col = -1;
    nf.head = -1;
    if (!f) {
        c->top_values++;
        if (!c->top_kind) c->top_kind = is_map ? '{' : '[';
        if (c->lines) {
            if (!lines_table(c, !is_map)) nf.role = R_SKIP;
            else {
                nf.role = is_map ? R_RECORD_MAP : R_RECORD_ARR;
                if (!is_map) nf.col = 0;
                record_open(c);
                sl_buf_reset(&c->col);
            }
        } else {
            nf.role = is_map ? R_OUTER_MAP : R_OUTER_ARR;
            sl_buf_reset(&c->path);
            if (is_map) nf.map_id = c->nmaps++;
        }
        c->fr[c->nfr++] = nf;
        return !c->stopped;
    }
    if (c->nfr == 1 && f->role == R_OUTER_ARR) c->top_elems++;
    if (f->role == R_OUTER_ARR && f->first) { /* its first element: a list of records */
        f->first = 0;
        if (table_open(c, !is_map)) f->role = R_TABLE;
        else f->role = R_SKIP;
        if (c->stopped) return 0;
    }
    switch (f->role) {
    case R_OUTER_MAP:
        if (is_map) {
            nf.role = R_OUTER_MAP;
            nf.map_id = c->nmaps++;
        } else if (f->head_key && c->nhd < MAX_HEADS) {
            nf.role = R_HEADS;
            nf.head = (int)c->nhd;
            if (!c->deliver) {
                memset(&c->hd[c->nhd], 0, sizeof c->hd[c->nhd]);
                c->hd[c->nhd].map_id = f->map_id;
            }
            c->nhd++;
        } else nf.role = R_OUTER_ARR;
        nf.path_len = c->path.len;
        break;
    case R_OUTER_ARR:
        nf.role = is_map ? R_OUTER_MAP : R_OUTER_ARR;
        if (is_map) nf.map_id = c->nmaps++;
        nf.path_len = c->path.len;
        break;
    case R_TABLE:
        nf.role = is_map ? R_RECORD_MAP : R_RECORD_ARR;
        if (!is_map) nf.col = 0;
        record_open(c);
        sl_buf_reset(&c->col);
        break;
    case R_HEADS:
        nf.role = is_map ? R_HEAD_OBJ : R_SKIP;
        nf.head = f->head;
        sl_buf_reset(&c->headname);
        break;
    case R_RECORD_MAP:
    case R_FLAT_MAP:
        if (is_map) {
            nf.role = R_FLAT_MAP;
            nf.col_len = c->col.len;
            break;
        }
        nf.role = R_VALUE;
        nf.col = col_of_key(c);
        sl_buf_reset(&c->joined);
        sl_buf_reset(&c->raw);
        if (c->deliver && !deep(c, sl_buf_putc(&c->raw, '['))) return 0;
        break;
    case R_RECORD_ARR:
        nf.role = is_map ? R_RAW : R_VALUE;
        nf.col = f->col++;
        sl_buf_reset(&c->joined);
        sl_buf_reset(&c->raw);
        if (c->deliver && !deep(c, sl_buf_putc(&c->raw, is_map ? '{' : '['))) return 0;
        break;
    case R_VALUE:
    case R_RAW:
        f->nonflat = 1;
        nf.role = R_RAW;
        if (c->deliver) {
            sl_status st = raw_sep(c, f);
            if (!st) st = sl_buf_putc(&c->raw, is_map ? '{' : '[');
            if (!deep(c, st)) return 0;
        }
        break;
    default: nf.role = R_SKIP; break;
    }
    c->fr[c->nfr++] = nf;
    return !c->stopped;
}

static int on_start_map(void *ud) { return start(ud, 1); }
static int on_start_array(void *ud) { return start(ud, 0); }

static int end(jctx *c) {
    if (!c->nfr) return 1;
    frame f = c->fr[--c->nfr];
    frame *up = top(c);
    switch (f.role) {
    case R_TABLE: table_close(c); break;
    case R_HEAD_OBJ:
        if (!c->deliver && c->names_bytes + c->headname.len <= NAMES_BUDGET) {
            if (names_add(&c->hd[f.head].list, at(&c->headname, 0), c->headname.len) == -2)
                return nomem(c);
            c->names_bytes += c->headname.len;
        }
        break;
    case R_RECORD_MAP:
    case R_RECORD_ARR: record_close(c, REC_WHOLE); break;
    case R_FLAT_MAP:
        c->col.len = f.col_len;
        break;
    case R_VALUE:
        if (c->deliver) {
            if (!deep(c, sl_buf_putc(&c->raw, ']'))) return 0;
            sl_buf *b = f.nonflat ? &c->raw : &c->joined;
            cell_put(c, f.col, at(b, 0), b->len);
        } else cell_put(c, f.col, "", 0);
        break;
    case R_RAW:
        if (c->deliver && !deep(c, sl_buf_putc(&c->raw, f.is_map ? '}' : ']'))) return 0;
        if (f.col >= 0) cell_put(c, f.col, at(&c->raw, 0), c->deliver ? c->raw.len : 0);
        break;
    default: break;
    }
    if (up && (up->role == R_OUTER_MAP || up->role == R_OUTER_ARR)) c->path.len = f.path_len;
    return !c->stopped;
}

static int on_end(void *ud) { return end(ud); }

static int on_key(void *ud, const unsigned char *k, size_t n) {
    jctx *c = ud;
    frame *f = top(c);
    if (!f) return 1;
    switch (f->role) {
    case R_OUTER_MAP:
        c->path.len = f->path_len;
        if ((c->path.len && sl_buf_putc(&c->path, '.')) || put_name(&c->path, k, n))
            return nomem(c);
        f->head_key = (unsigned char)header_key(k, n);
        if (c->nfr == 1 && c->ntop_keys < 6) { /* for a file with no table */
            if (c->ntop_keys < 5 &&
                sl_buf_printf(&c->top_keys, "%s\"%.*s\"", c->ntop_keys ? ", " : "",
                              (int)(n > 40 ? 40 : n), (const char *)k))
                return nomem(c);
            c->ntop_keys++;
        }
        break;
    case R_HEAD_OBJ: {
        sl_slice s = {(const char *)k, n};
        f->want = sl_slice_ieq(s, "name") ? 2
                      : sl_slice_ieq(s, "fieldName") || sl_slice_ieq(s, "field") ||
                              sl_slice_ieq(s, "title") || sl_slice_ieq(s, "label")
                          ? 1
                          : 0;
        break;
    }
    case R_RECORD_MAP:
    case R_FLAT_MAP:
        c->col.len = f->col_len;
        if ((c->col.len && sl_buf_putc(&c->col, '.')) || put_name(&c->col, k, n))
            return nomem(c);
        break;
    case R_RAW:
        if (c->deliver) {
            sl_status st = f->first ? SL_OK : sl_buf_putc(&c->raw, ',');
            if (!st) st = raw_string(&c->raw, k, n);
            if (!st) st = sl_buf_putc(&c->raw, ':');
            if (!deep(c, st)) return 0;
        }
        f->first = 0;
        break;
    default: break;
    }
    return !c->stopped;
}

static const yajl_callbacks callbacks = {
    on_null, on_bool, NULL, NULL, on_number, on_string, on_start_map, on_key, on_end,
    on_start_array, on_end};

/* ---- passes ----------------------------------------------------------------------------- */

static yajl_handle parser(const yajl_callbacks *cbs, void *ud) {
    yajl_handle h = yajl_alloc(cbs, NULL, ud);
    if (!h) return NULL;
    yajl_config(h, yajl_allow_multiple_values, 1);
    yajl_config(h, yajl_dont_validate_strings, 1); /* invalid UTF-8 is kept as bytes */
    return h;
}

/* yajl's message ("parse error: invalid object key (must be a string)"), on one line. */
static void yajl_message(yajl_handle h, const unsigned char *p, size_t n, char out[200]) {
    unsigned char *e = yajl_get_error(h, 0, p, n);
    sl_fmt(out, 200, "%s", e ? (const char *)e : "unreadable");
    if (e) yajl_free_error(h, e);
    for (char *q = out; *q; q++)
        if (*q == '\n' || *q == '\r') *q = ' ';
    size_t l = strlen(out);
    while (l && out[l - 1] == ' ') out[--l] = '\0';
}

/* JSON Lines: a line that does not parse (as a save that stopped mid-line and went on leaves)
 * does not end the reading. Its record (or the line, when no record began) is handed out as
 * malformed and said (its lines: from where it began to upto), and a new parser starts.
 * Returns 0 when none can be made. */
static int resync(jctx *c, const char *why, uint64_t upto) {
    uint64_t from = c->in_record ? c->rec_line : c->line;
    if (!c->in_record && lines_table(c, 0)) record_open(c);
    uint64_t rec = c->in_record ? c->recnum : 0;
    if (c->in_record) record_close(c, REC_MALFORMED);
    if (c->deliver && !c->skip && !c->halted) {
        char m[400], lines[64];
        if (from < upto)
            sl_fmt(lines, sizeof lines, "lines %llu-%llu are", (unsigned long long)from,
                   (unsigned long long)upto);
        else sl_fmt(lines, sizeof lines, "line %llu is", (unsigned long long)from);
        sl_fmt(m, sizeof m, "%s not whole JSON (%s): counted as malformed and skipped; reading "
                            "goes on at the next line",
               lines, why);
        jdiag(c, SL_DIAG_WARN, "json.bad_line", current(c) ? current(c)->name : NULL, rec, from,
              m);
    }
    yajl_free(c->h);
    c->h = parser(&callbacks, c);
    c->nfr = 0;
    if (!c->h) return nomem(c);
    return !c->stopped;
}

/* Feeds n bytes a line at a time, counting lines. Returns yajl's status. */
static yajl_status feed(jctx *c, const unsigned char *p, size_t n) {
    int retried = 0;
    while (n) {
        const unsigned char *nl = memchr(p, '\n', n);
        size_t k = nl ? (size_t)(nl - p) + 1 : n;
        if (c->skip_line) { /* the rest of a line that did not parse */
            if (nl) {
                c->skip_line = 0;
                c->line++;
                c->line_start = 1;
            }
            p += k;
            n -= k;
            continue;
        }
        yajl_status s = yajl_parse(c->h, p, k);
        if (s == yajl_status_error && c->lines && !c->stopped) {
            /* a value left open by the lines before: this line is read again, on its own */
            int again = c->line_start && c->in_record && c->rec_line < c->line && !retried;
            char why[200];
            yajl_message(c->h, p, k, why);
            if (!resync(c, why, again ? c->line - 1 : c->line)) return s;
            if (again) {
                retried = 1;
                continue;
            }
            s = yajl_status_ok;
            if (!nl) c->skip_line = 1;
        }
        if (s != yajl_status_ok) return s;
        retried = 0;
        c->line_start = nl != NULL;
        if (nl) c->line++;
        p += k;
        n -= k;
    }
    return yajl_status_ok;
}

/* The file as UTF-8, from its start: a UTF-8 BOM dropped, UTF-16 (PowerShell's Out-File
 * writes it) and Windows-1252 decoded. */
typedef struct {
    int fd, first;
    sl_decoder *dec;
    unsigned char *raw;
} input;

#define RAW_CHUNK (JS_CHUNK / 4) /* decoded, at most 3 bytes for each, plus what is held */

static sl_status input_open(input *in, int fd, sl_encoding enc) {
    memset(in, 0, sizeof *in);
    in->fd = fd;
    in->first = 1;
    if (lseek(fd, 0, SEEK_SET) < 0) return SL_EIO;
    if (enc == SL_ENC_UTF8 || enc == SL_ENC_UTF8_BOM) return SL_OK;
    in->raw = malloc(RAW_CHUNK);
    if (!in->raw) return SL_ENOMEM;
    return sl_decoder_new(&in->dec, enc);
}

/* Reads the next UTF-8 bytes into out (JS_CHUNK bytes): their count, 0 at the end, -1 on a
 * read error. *raw gets the file's bytes read. */
static ssize_t input_read(input *in, unsigned char *out, uint64_t *raw) {
    for (;;) {
        ssize_t n = read(in->fd, in->dec ? in->raw : out, in->dec ? RAW_CHUNK : JS_CHUNK);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        *raw = (uint64_t)n;
        int first = in->first;
        in->first = 0;
        if (!in->dec) {
            if (first && n >= 3 && out[0] == 0xEF && out[1] == 0xBB && out[2] == 0xBF) {
                memmove(out, out + 3, (size_t)n - 3);
                n -= 3;
                if (!n) continue;
            }
            return n;
        }
        size_t used = 0, olen = 0;
        if (n == 0) sl_decoder_finish(in->dec, (char *)out, JS_CHUNK, &olen);
        else sl_decoder_push(in->dec, in->raw, (size_t)n, (char *)out, JS_CHUNK, &used, &olen);
        if (n == 0 || olen) return (ssize_t)olen; /* a chunk that held only a BOM: read on */
    }
}

static void input_close(input *in) {
    if (in->dec) sl_decoder_free(in->dec);
    free(in->raw);
}

/* One pass over the file. Returns SL_OK, SL_EFORMAT (damaged or cut off: what and where in
 * *why and *line), SL_EIO. */
static sl_status run_pass(jctx *c, int fd, char why[200], int *cut) {
    input in;
    sl_status rc = input_open(&in, fd, c->enc);
    unsigned char *buf = rc ? NULL : malloc(JS_CHUNK);
    c->h = buf ? parser(&callbacks, c) : NULL;
    if (!c->h) {
        input_close(&in);
        free(buf);
        return rc ? rc : SL_ENOMEM;
    }
    c->nfr = 0;
    c->line = 1;
    c->line_start = 1;
    c->skip_line = 0;
    c->tab_seen = 0;
    c->too_many = 0;
    c->nhd = 0;
    c->nmaps = 0;
    c->top_values = 0;
    c->top_kind = 0;
    c->top_elems = 0;
    c->ntop_keys = 0;
    sl_buf_reset(&c->top_keys);
    c->cur = -1;
    *cut = 0;
    why[0] = '\0';
    for (;;) {
        uint64_t raw = 0;
        ssize_t n = input_read(&in, buf, &raw);
        if (n < 0) {
            rc = SL_EIO;
            break;
        }
        if (c->deliver && raw && c->o->progress) c->o->progress(c->o->progress_ud, raw);
        yajl_status s = n == 0 ? yajl_complete_parse(c->h) : feed(c, buf, (size_t)n);
        if (s == yajl_status_client_canceled) { /* a row callback, the depth, memory */
            if (c->halted) break;
            if (c->st == SL_EFORMAT) sl_fmt(why, 200, "nested deeper than %u levels", MAX_FRAMES);
            rc = c->st == SL_EFORMAT ? SL_EFORMAT : SL_ENOMEM;
            break;
        }
        if (s == yajl_status_error) {
            if (n == 0 && c->nfr) *cut = 1;
            else yajl_message(c->h, buf, (size_t)n, why);
            rc = SL_EFORMAT;
            break;
        }
        if (n == 0) break;
    }
    yajl_free(c->h);
    c->h = NULL;
    free(buf);
    input_close(&in);
    return rc;
}

/* What the first bytes hold, for the sniff and for telling JSON Lines: tokens read, and
 * where the first value ends (then, with stop, the parser is stopped there). */
typedef struct {
    int depth, done, stop, tokens;
} first_ctx;

static int fv_token(first_ctx *f, int depth_change) {
    f->tokens++;
    f->depth += depth_change;
    if (f->depth == 0) f->done = 1; /* a plain value at the top, or the end of the first */
    return !(f->stop && f->done);
}
static int fv_scalar(void *ud) { return fv_token(ud, 0); }
static int fv_bool(void *ud, int v) {
    SL_UNUSED(v);
    return fv_token(ud, 0);
}
static int fv_number(void *ud, const char *p, size_t n) {
    SL_UNUSED(p);
    SL_UNUSED(n);
    return fv_token(ud, 0);
}
static int fv_string(void *ud, const unsigned char *p, size_t n) {
    SL_UNUSED(p);
    SL_UNUSED(n);
    first_ctx *f = ud;
    return f->depth ? (f->tokens++, 1) : fv_token(f, 0); /* a key or a value in a container */
}
static int fv_start(void *ud) {
    ((first_ctx *)ud)->depth++;
    ((first_ctx *)ud)->tokens++;
    return 1;
}
static int fv_end(void *ud) { return fv_token(ud, -1); }

static const yajl_callbacks first_callbacks = {
    fv_scalar, fv_bool, NULL, NULL, fv_number, fv_string, fv_start, fv_string, fv_end,
    fv_start, fv_end};

static int several_values(int fd, sl_encoding enc) {
    input in;
    unsigned char *buf = input_open(&in, fd, enc) ? NULL : malloc(JS_CHUNK);
    first_ctx fc = {0, 0, 1, 0};
    yajl_handle h = buf ? parser(&first_callbacks, &fc) : NULL;
    int several = 0;
    uint64_t before = 0, raw; /* bytes read before this chunk */
    while (h && !several) {
        ssize_t n = input_read(&in, buf, &raw);
        if (n <= 0) break;
        size_t off = 0; /* where the first value ended, in this chunk */
        if (!fc.done) {
            if (before >= FIRST_VALUE_MAX) break; /* a long first value: one document */
            if (yajl_parse(h, buf, (size_t)n) == yajl_status_error) break;
            if (fc.done) off = yajl_get_bytes_consumed(h);
        }
        before += (uint64_t)n;
        if (!fc.done) continue;
        for (size_t i = off; i < (size_t)n && !several; i++) several = !sl_isspace(buf[i]);
    }
    if (h) yajl_free(h);
    free(buf);
    input_close(&in);
    return several;
}

/* ---- the reader ------------------------------------------------------------------------- */

static int sniff_utf8(const unsigned char *p, size_t n) {
    size_t i = 0;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) i = 3;
    while (i < n && sl_isspace(p[i])) i++;
    if (i == n || (p[i] != '{' && p[i] != '[')) return 0;
    /* sunlight's own summary.json copied into a release is set aside by the text reader */
    if (sl_mem_has(p, n, "\"sunlight_version\"")) return 0;
    first_ctx fc = {0, 0, 0, 0};
    yajl_handle h = parser(&first_callbacks, &fc);
    if (!h) return 0;
    yajl_status s = yajl_parse(h, p + i, n - i);
    yajl_free(h);
    /* JSON as far as it goes, or damaged after a key and its value or two elements (then it is
     * read, and its damage said): "[Federal] ICE" or "{a,b}" stop at once */
    return s != yajl_status_error || fc.tokens >= 4;
}

int sl_json_sniff(const unsigned char *p, size_t n) {
    if (n > SNIFF_MAX) n = SNIFF_MAX;
    if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
        char out[3 * SNIFF_MAX + 16]; /* UTF-16 with its BOM: its head decoded */
        size_t used = 0, olen = 0;
        sl_decoder *d;
        if (sl_decoder_new(&d, p[0] == 0xFF ? SL_ENC_UTF16LE : SL_ENC_UTF16BE)) return 0;
        sl_decoder_push(d, p, n, out, sizeof out, &used, &olen);
        sl_decoder_free(d);
        return sniff_utf8((const unsigned char *)out, olen);
    }
    return sniff_utf8(p, n);
}

/* Names a positional table's columns from a "columns" list as wide as its rows: its
 * sibling's first, else any. */
static void match_heads(jctx *c) {
    for (size_t t = 0; t < c->ntabs; t++) {
        table *tb = &c->tabs[t];
        if (!tb->positional || !tb->width) continue;
        for (int pass = 0; pass < 2 && tb->head < 0; pass++)
            for (size_t k = 0; k < c->nhd && k < MAX_HEADS; k++)
                if (c->hd[k].list.n == tb->width && (pass || c->hd[k].map_id == tb->map_id)) {
                    tb->head = (int)k;
                    break;
                }
    }
}

static void say_no_records(jctx *c) {
    char m[500], what[300];
    if (sl_buf_nul(&c->top_keys)) return;
    if (c->top_kind == '{' && c->ntop_keys)
        sl_fmt(what, sizeof what, "one object with the keys %s%s", c->top_keys.p,
               c->ntop_keys > 5 ? ", ..." : "");
    else if (c->top_kind == '{') sl_fmt(what, sizeof what, "one empty object");
    else if (c->top_kind == '[' && c->top_elems)
        sl_fmt(what, sizeof what, "a list of %llu plain value%s", (unsigned long long)c->top_elems,
               c->top_elems == 1 ? "" : "s");
    else if (c->top_kind == '[') sl_fmt(what, sizeof what, "an empty list");
    else sl_fmt(what, sizeof what, "a single plain value");
    sl_fmt(m, sizeof m, "JSON with no list of records (it holds %s): not a log as far as sunlight "
                        "can tell; nothing read from it. A log in JSON is a list of objects, "
                        "one per search",
           what);
    jdiag(c, SL_DIAG_WARN, "json.no_records", NULL, 0, 0, m);
}

sl_encoding sl_json_encoding(int fd) {
    unsigned char *head = malloc(SL_SNIFF_WINDOW);
    long n = head && lseek(fd, 0, SEEK_SET) == 0 ? sl_read_full(fd, head, SL_SNIFF_WINDOW) : -1;
    sl_encoding e = n > 0 ? sl_encoding_sniff(head, (size_t)n, (size_t)n < SL_SNIFF_WINDOW,
                                              NULL, NULL, 0)
                          : SL_ENC_UTF8;
    free(head);
    return e;
}

sl_status sl_json_read_fd(int fd, const sl_html_opts *opts, const sl_xlsx_cb *cb) {
    static const sl_xlsx_cb no_cb;
    if (!cb) cb = &no_cb;
    jctx *c = calloc(1, sizeof *c);
    if (!c) return SL_ENOMEM;
    c->o = opts;
    c->cb = cb;
    c->cur = -1;
    c->rb.max_record = opts->max_record;
    size_t cap = opts->max_record ? opts->max_record : (size_t)1 << 20;
    c->raw.cap_limit = c->joined.cap_limit = cap; /* a value deep in a record: the record's cap */
    off_t size = lseek(fd, 0, SEEK_END);
    c->file_size = size > 0 ? (uint64_t)size : 0;
    c->enc = sl_json_encoding(fd);
    const char *cite = opts->cite ? opts->cite : "";
    size_t cl = strlen(cite);
    c->lines = sl_ends_with_ci(cite, cl, ".jsonl") || sl_ends_with_ci(cite, cl, ".ndjson") ||
               several_values(fd, c->enc);
    char why[200];
    int cut = 0;
    /* the columns pass: names every table's columns; its damage is said by the rows pass */
    sl_status rc = run_pass(c, fd, why, &cut);
    if (rc == SL_OK || rc == SL_EFORMAT) {
        c->st = SL_OK;
        match_heads(c);
        c->deliver = 1;
        c->halted = c->stopped = 0;
        rc = run_pass(c, fd, why, &cut);
    }
    if (c->st && !c->halted) rc = c->st == SL_EFORMAT ? SL_EFORMAT : c->st;
    uint64_t line = c->line;
    /* what was open when the reading stopped: the record it broke off in, its table */
    int damaged = rc == SL_EFORMAT && !c->halted;
    if (c->in_record) record_close(c, damaged ? REC_CUT : REC_WHOLE);
    const char *tname = c->cur >= 0 ? c->tabs[c->cur].name : NULL;
    if (damaged) {
        char m[600], rec[160] = "";
        if (c->cut_record)
            sl_fmt(rec, sizeof rec, "; record %llu, the one it broke off in, is counted as cut "
                                    "off", (unsigned long long)c->cut_record);
        else if (!c->ntabs)
            sl_fmt(rec, sizeof rec, "; no list of records came before, so nothing is read");
        if (cut)
            sl_fmt(m, sizeof m, "the file ends inside a value at line %llu: it is cut off (a "
                                "download or copy that stopped?); what came before the cut is "
                                "read%s",
                   (unsigned long long)line, rec);
        else
            sl_fmt(m, sizeof m, "damaged JSON at line %llu (%s): reading stops there, and what "
                                "follows is not read%s",
                   (unsigned long long)line, why, rec);
        jdiag(c, cut ? SL_DIAG_WARN : SL_DIAG_ERROR, cut ? "json.cut_off" : "json.damaged", tname,
              c->cut_record, line, m);
    }
    if (c->cur >= 0) table_close(c);
    if (c->too_many) {
        char m[300];
        sl_fmt(m, sizeof m, "%zu more lists of records past the first %u: not read", c->too_many,
               MAX_TABLES);
        jdiag(c, SL_DIAG_WARN, "json.too_many_tables", NULL, 0, 0, m);
    }
    if (rc == SL_OK && !c->ntabs) say_no_records(c);
    if (rc == SL_EIO)
        jdiag(c, SL_DIAG_ERROR, "read.io", tname, 0, 0,
              "read failed: the rest of the file is lost");
    for (size_t t = 0; t < c->ntabs; t++) names_free(&c->tabs[t].cols);
    for (size_t k = 0; k < MAX_HEADS; k++) names_free(&c->hd[k].list);
    free(c->tabs);
    free(c->ents);
    sl_buf_free(&c->path);
    sl_buf_free(&c->col);
    sl_buf_free(&c->headname);
    sl_buf_free(&c->top_keys);
    sl_buf_free(&c->text);
    sl_buf_free(&c->joined);
    sl_buf_free(&c->raw);
    sl_rowbuf_free(&c->rb);
    free(c);
    return rc;
}
