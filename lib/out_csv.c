/* out_csv.c: flagged.csv, the flagged rows for a spreadsheet: provenance first (source, SHA-256,
 * member, sheet, record, line), then categories and rules, then the export's own columns under
 * Flock's names. Meant to be shared, so free text has personal data
 * and plates redacted; cells that a spreadsheet would run as formulas are neutralised. */
#include "store.h"

#include "out.h"
#include "redact.h"

#include <sqlite3.h>
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* A UTF-8 byte order mark before the header: without it Excel, where reporters open this
 * file, reads it as Windows-1252 and shows "José" as "JosÃ©". */
static const char BOM[] = "\xEF\xBB\xBF";

static const char HEADER[] =
    "source,sha256,member,sheet,record,line,categories,rules,ID,Name,Org Name,"
    "Total Networks Searched,Total Devices Searched,Time Frame Start,Time Frame End,"
    "License Plate,Reason,Case #,Offense Type,Filters,Search Time,Search Type,Text Prompt,"
    "Moderation\n";

static const char ROWS_SQL[] =
    "SELECT s.cite, s.sha256, s.member, s.sheet, r.record, r.line, r.categories, r.search_id,"
    " r.name, r.org, r.networks, r.devices, r.tf_start, r.tf_end, r.plate_token, r.reason,"
    " r.case_number, r.offense, r.filters, r.search_time, r.search_type, r.text_prompt,"
    " r.moderation, r.hit_set"
    " FROM flagged_rows r JOIN sources s ON s.id = r.source_id"
    " ORDER BY r.source_id, r.record, r.row_id";

static const char RULES_SQL[] =
    "SELECT DISTINCT rule_id FROM hit_sets WHERE set_id = ?1 ORDER BY rule_id";

int sl_flagged_csv_is_header(const sl_slice *cells, size_t n) {
    /* the columns sunlight puts before the export's own, up to "rules", then at least four */
    const char *h = HEADER;
    for (size_t i = 0;; i++) {
        size_t k = strcspn(h, ",\n");
        if (i >= n) return 0;
        sl_slice c = sl_trim(cells[i]);
        if (i == 0 && c.len >= 3 && memcmp(c.p, BOM, 3) == 0) c.p += 3, c.len -= 3; /* not the
            file's first line (a title above it): the reader left our BOM in the cell */
        if (c.len != k || memcmp(c.p, h, k) != 0) return 0;
        if (k == 5 && memcmp(h, "rules", 5) == 0) return n >= i + 1 + 4;
        h += k + 1;
    }
}

/* One cell: formula neutralised, RFC 4180 quoted when `quote` (the text holds a comma, quote or
 * line break). `p` must be clean UTF-8. Written in runs straight into the buffer: flagged.csv is
 * as large as the flagged part of the input. */
static sl_status put_cell_q(sl_buf *b, const char *p, size_t n, int first, int quote) {
    /* A formula lead: = + - @ tab CR, and NUL, which a spreadsheet may drop to find one of the
     * others behind it. A byte test: strchr per cell was 2% of a scan. */
    int lead = 0;
    if (n > 0) {
        unsigned char c0 = (unsigned char)p[0];
        lead = c0 == '=' || c0 == '+' || c0 == '-' || c0 == '@' || c0 == '\t' || c0 == '\r' ||
               c0 == '\0';
    }
    if (n > SIZE_MAX / 2 - 8) return SL_ELIMIT;
    sl_status rc = sl_buf_reserve(b, (quote ? 2 * n : n) + 4);
    if (rc) return rc;
    char *o = b->p + b->len;
    if (!first) *o++ = ',';
    if (quote) *o++ = '"';
    if (lead) *o++ = '\'';
    if (quote) {
        const char *q;
        while (n && (q = memchr(p, '"', n)) != NULL) {
            size_t k = (size_t)(q - p) + 1;
            memcpy(o, p, k);
            o += k;
            *o++ = '"';
            p += k;
            n -= k;
        }
    }
    memcpy(o, p, n);
    o += n;
    if (quote) *o++ = '"';
    b->len = (size_t)(o - b->p);
    return SL_OK;
}

static int needs_quote(const char *p, size_t n) {
    return memchr(p, ',', n) || memchr(p, '"', n) || memchr(p, '\n', n) || memchr(p, '\r', n);
}

static sl_status put_cell(sl_buf *b, const char *p, size_t n, int first) {
    return put_cell_q(b, p, n, first, needs_quote(p, n));
}

sl_status sl_out_csv_cell(sl_buf *b, const char *p, size_t n, int first) {
    return put_cell(b, p, n, first);
}

typedef struct {
    sl_buf clean, red;
    const sl_key *k;
} cells;

/* Bytes that make a cell need quotes. */
static const unsigned char QUOTE_BYTE[128] = {[','] = 1, ['"'] = 1, ['\n'] = 1, ['\r'] = 1};

size_t sl_out_csv_ascii(const char *p, size_t n, int *quote) {
    size_t i = 0;
    int q = 0;
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(','), dq = _mm_set1_epi8('"');
    const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'), nul = _mm_setzero_si128();
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        unsigned high = (unsigned)_mm_movemask_epi8(v) | /* bytes >= 0x80, and NULs */
                        (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nul));
        __m128i sp = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, dq)),
                                  _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)));
        unsigned special = (unsigned)_mm_movemask_epi8(sp);
        if (high) { /* the run ends inside this block: count only what comes before */
            unsigned before = (1u << __builtin_ctz(high)) - 1;
            q |= (special & before) != 0;
            i += (size_t)__builtin_ctz(high);
            if (q) *quote = 1;
            return i;
        }
        q |= special != 0;
    }
#endif
    while (i < n && (unsigned char)p[i] < 0x80 && p[i]) q |= QUOTE_BYTE[(unsigned char)p[i++]];
    if (q) *quote = 1;
    return i;
}

/* p with invalid UTF-8 and NUL bytes as U+FFFD. A NUL ends the cell, the line or the file
 * for many readers (Python's csv module before 3.11 refuses the file), so none is written. */
static sl_status clean_text(sl_buf *out, const char *p, size_t n) {
    size_t run = 0;
    for (const char *z; run < n && (z = memchr(p + run, '\0', n - run)) != NULL;) {
        size_t k = (size_t)(z - p);
        sl_status rc = sl_out_utf8(out, p + run, k - run);
        if (!rc) rc = sl_buf_append(out, "\xEF\xBF\xBD", 3);
        if (rc) return rc;
        run = k + 1;
    }
    return sl_out_utf8(out, p + run, n - run);
}

static sl_status text_cell(cells *c, sl_buf *b, const char *p, size_t n, int first) {
    /* one pass for the usual ASCII cell: quoting decided on the way */
    int quote = 0;
    size_t run = sl_out_csv_ascii(p, n, &quote);
    if (run == n) return put_cell_q(b, p, n, first, quote);
    if (!memchr(p + run, '\0', n - run) && sl_out_utf8_valid(p + run, n - run) == n - run)
        return put_cell(b, p, n, first);
    sl_buf_reset(&c->clean);
    sl_status rc = clean_text(&c->clean, p, n);
    return rc ? rc : put_cell(b, c->clean.p ? c->clean.p : "", c->clean.len, first);
}

static sl_status col_cell(cells *c, sl_buf *b, sqlite3_stmt *s, int i) {
    size_t n;
    const char *p = sl_out_col(s, i, &n);
    return text_cell(c, b, p, n, 0);
}

/* Free text: personal data and plates redacted first. */
static sl_status free_text(cells *c, sl_buf *b, const char *p, size_t n) {
    sl_buf_reset(&c->red);
    sl_status rc = sl_redact(c->k, p, n, NULL, 0, SL_REDACT_PERSONAL | SL_REDACT_PLATES, &c->red);
    return rc ? rc : text_cell(c, b, c->red.p ? c->red.p : "", c->red.len, 0);
}

static sl_status free_cell(cells *c, sl_buf *b, sqlite3_stmt *s, int i) {
    size_t n;
    const char *p = sl_out_col(s, i, &n);
    return free_text(c, b, p, n);
}

/* ",N" (decimal, as %lld would write it), or "," when has is 0. */
static sl_status int_val(sl_buf *b, int has, long long v) {
    char tmp[24];
    size_t k = sizeof tmp;
    tmp[--k] = ',';
    if (has) {
        unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
        char d[21];
        size_t nd = 0;
        do {
            d[nd++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (v < 0) d[nd++] = '-';
        k = 0;
        tmp[k++] = ',';
        while (nd) tmp[k++] = d[--nd];
        return sl_buf_append(b, tmp, k);
    }
    return sl_buf_append(b, tmp + k, 1);
}

static sl_status int_cell(sl_buf *b, sqlite3_stmt *s, int i) {
    int has = sqlite3_column_type(s, i) != SQLITE_NULL;
    return int_val(b, has, has ? (long long)sqlite3_column_int64(s, i) : 0);
}

sl_status sl_write_flagged_csv(struct sqlite3 *db, const sl_key *k, const char *path, char *err,
                               size_t errlen) {
    sqlite3_stmt *rows = NULL, *rules = NULL;
    sl_status rc = sl_out_prepare(db, ROWS_SQL, &rows, err, errlen);
    if (!rc) rc = sl_out_prepare(db, RULES_SQL, &rules, err, errlen);
    if (rc) {
        sqlite3_finalize(rows);
        return rc;
    }
    sl_out o;
    cells c = {.k = k};
    sl_buf joined = {0};
    rc = sl_out_open(&o, path);
    if (!rc) rc = sl_buf_puts(&o.b, BOM);
    if (!rc) rc = sl_buf_puts(&o.b, HEADER);
    int sr = SQLITE_DONE;
    while (!rc && (sr = sqlite3_step(rows)) == SQLITE_ROW) {
        sl_buf *b = &o.b;
        size_t n0;
        const char *p0 = sl_out_col(rows, 0, &n0);
        rc = text_cell(&c, b, p0, n0, 1); /* source: the first cell, no comma before it */
        if (!rc) rc = col_cell(&c, b, rows, 1);
        if (!rc) rc = col_cell(&c, b, rows, 2);
        if (!rc) rc = col_cell(&c, b, rows, 3);
        if (!rc) rc = int_cell(b, rows, 4);
        if (!rc) rc = int_cell(b, rows, 5);
        if (!rc) rc = col_cell(&c, b, rows, 6);
        /* rules that fired on the row, distinct and sorted */
        sl_buf_reset(&joined);
        sqlite3_bind_int64(rules, 1, sqlite3_column_int64(rows, 23));
        while (!rc && sqlite3_step(rules) == SQLITE_ROW) {
            size_t n;
            const char *p = sl_out_col(rules, 0, &n);
            if (joined.len) rc = sl_buf_putc(&joined, ',');
            if (!rc) rc = sl_buf_append(&joined, p, n);
        }
        sqlite3_reset(rules);
        if (!rc) rc = text_cell(&c, b, joined.p ? joined.p : "", joined.len, 0);
        if (!rc) rc = col_cell(&c, b, rows, 7);   /* ID */
        if (!rc) rc = col_cell(&c, b, rows, 8);   /* Name */
        if (!rc) rc = col_cell(&c, b, rows, 9);   /* Org Name */
        if (!rc) rc = int_cell(b, rows, 10);      /* Total Networks Searched */
        if (!rc) rc = int_cell(b, rows, 11);      /* Total Devices Searched */
        if (!rc) rc = col_cell(&c, b, rows, 12);  /* Time Frame Start */
        if (!rc) rc = col_cell(&c, b, rows, 13);  /* Time Frame End */
        if (!rc) rc = col_cell(&c, b, rows, 14);  /* License Plate: the token */
        if (!rc) rc = free_cell(&c, b, rows, 15); /* Reason */
        if (!rc) rc = free_cell(&c, b, rows, 16); /* Case # */
        if (!rc) rc = free_cell(&c, b, rows, 17); /* Offense Type */
        if (!rc) rc = free_cell(&c, b, rows, 18); /* Filters */
        if (!rc) rc = col_cell(&c, b, rows, 19);  /* Search Time */
        if (!rc) rc = col_cell(&c, b, rows, 20);  /* Search Type */
        if (!rc) rc = free_cell(&c, b, rows, 21); /* Text Prompt */
        if (!rc) rc = col_cell(&c, b, rows, 22);  /* Moderation */
        if (!rc) rc = sl_buf_putc(b, '\n');
        if (!rc) rc = sl_out_flush(&o, 0);
    }
    if (!rc && sr != SQLITE_DONE) {
        rc = SL_EDB;
        snprintf(o.msg, sizeof o.msg, "reading flagged rows: %s", sqlite3_errmsg(db));
    }
    if (rc && !o.rc) {
        o.rc = rc;
        if (!o.msg[0]) snprintf(o.msg, sizeof o.msg, "%s: %s", path, sl_status_str(rc));
    }
    sqlite3_finalize(rows);
    sqlite3_finalize(rules);
    sl_buf_free(&c.clean);
    sl_buf_free(&c.red);
    sl_buf_free(&joined);
    return sl_out_close(&o, err, errlen);
}

#define Z0(z) (z) ? (z) : "", (z) ? strlen(z) : 0

/* ---- streaming: flagged.csv written while the scan runs ---------------------------------- */

/* A source's lines go straight out, its SHA-256 cell (known only at the source's end: the
 * bytes are hashed once, as they are read) written as a placeholder and overwritten in place
 * when the source ends; a source dropped as a repeat is cut off the end of the file. Lines are
 * held instead (in memory up to SPOOL_MEM bytes, then in a spool file beside the output,
 * unlinked as soon as it is open) only when the output cannot be cut back, or when the source
 * ends without a hash (not read to its end): they are then written again with an empty cell. */
#define SPOOL_MEM (16u << 20)
#define PATCH_CHUNK (1u << 20)
static const char SHA_PLACEHOLDER[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct sl_flagged_csv {
    sl_out o;
    cells c;           /* text cells (its key unused: the store hands over published texts) */
    sl_buf mem;        /* framed lines of the open source: 4-byte length, then the line */
    FILE *spool;
    char *spool_path;
    int spooled;       /* lines of the open source are in the spool */
    sl_buf pre;        /* the open source's four cells */
    size_t sha_at;     /* where the SHA-256 cell starts in pre */
    int direct;        /* the open source's lines go straight to the output */
    int patch;         /* ... with the placeholder in place of its SHA-256 */
    off_t start;       /* output offset where the direct source's lines begin */
    uint32_t *lens;    /* lengths of the direct source's lines, for the patch */
    size_t nlens, caplens;
    sl_buf chunk;      /* patch scratch */
};

sl_status sl_flagged_csv_open(sl_flagged_csv **out, const char *path, char *err, size_t errlen) {
    *out = NULL;
    sl_flagged_csv *f = calloc(1, sizeof *f);
    if (!f) return SL_ENOMEM;
    sl_status rc = sl_out_open(&f->o, path);
    if (!rc) rc = sl_buf_puts(&f->o.b, BOM);
    if (!rc) rc = sl_buf_puts(&f->o.b, HEADER);
    if (rc) {
        if (err && errlen) snprintf(err, errlen, "%s", f->o.msg[0] ? f->o.msg : sl_status_str(rc));
        sl_flagged_csv_close(f, 0, NULL, 0);
        return rc;
    }
    *out = f;
    return SL_OK;
}

static sl_status spool_out(sl_flagged_csv *f) {
    if (!f->spool) {
        size_t n = strlen(f->o.path);
        f->spool_path = malloc(n + 7);
        if (!f->spool_path) return SL_ENOMEM;
        memcpy(f->spool_path, f->o.path, n);
        memcpy(f->spool_path + n, ".spool", 7);
        f->spool = fopen(f->spool_path, "w+b");
        if (!f->spool) {
            snprintf(f->o.msg, sizeof f->o.msg, "%s: cannot write: %s", f->spool_path, strerror(errno));
            return f->o.rc = SL_EIO;
        }
        unlink(f->spool_path); /* nothing left behind, whatever happens */
        setvbuf(f->spool, NULL, _IOFBF, 1u << 20);
    }
    if (f->mem.len && fwrite(f->mem.p, 1, f->mem.len, f->spool) != f->mem.len) {
        snprintf(f->o.msg, sizeof f->o.msg, "%s: write failed: %s", f->spool_path, strerror(errno));
        return f->o.rc = SL_EIO;
    }
    f->mem.len = 0;
    f->spooled = 1;
    return SL_OK;
}

/* The source's four cells, as every line of it starts. */
static sl_status make_pre(sl_flagged_csv *f, const char *cite, const char *sha256, const char *member,
                          const char *sheet) {
    sl_buf_reset(&f->pre);
    sl_status rc = text_cell(&f->c, &f->pre, Z0(cite), 1);
    f->sha_at = f->pre.len + 1; /* after the comma */
    if (!rc) rc = text_cell(&f->c, &f->pre, Z0(sha256), 0);
    if (!rc) rc = text_cell(&f->c, &f->pre, Z0(member), 0);
    if (!rc) rc = text_cell(&f->c, &f->pre, Z0(sheet), 0);
    return rc;
}

sl_status sl_flagged_csv_source_begin(sl_flagged_csv *f, const char *cite, const char *sha256,
                                      const char *member, const char *sheet) {
    f->direct = f->patch = 0;
    f->nlens = 0;
    if (f->o.rc) return f->o.rc;
    if (!f->o.f || f->mem.len || f->spooled) return SL_OK;
    off_t pos = ftello(f->o.f);
    if (pos < 0) return SL_OK; /* cannot cut back or patch: hold the lines instead */
    int known = sha256 && sha256[0];
    sl_status rc = make_pre(f, cite, known ? sha256 : SHA_PLACEHOLDER, member, sheet);
    if (rc) return f->o.rc = rc;
    f->start = pos + (off_t)f->o.b.len;
    f->direct = 1;
    f->patch = !known;
    return SL_OK;
}

/* Cuts the output back to where the direct source's lines began: the source was dropped. */
static sl_status cut_back(sl_flagged_csv *f) {
    sl_out *o = &f->o;
    off_t pos = ftello(o->f);
    if (pos < 0) return SL_EIO;
    if (f->start >= pos) {
        o->b.len = (size_t)(f->start - pos);
        return SL_OK;
    }
    o->b.len = 0;
    if (fflush(o->f) != 0 || ftruncate(fileno(o->f), f->start) != 0 || fseeko(o->f, f->start, SEEK_SET) != 0) {
        snprintf(o->msg, sizeof o->msg, "%s: %s", o->tmp, strerror(errno));
        return SL_EIO;
    }
    return SL_OK;
}

sl_status sl_flagged_csv_row(sl_flagged_csv *f, const sl_store_row *row, const sl_store_written *w) {
    if (f->o.rc) return f->o.rc;
    const sl_search *s = row->s;
    cells *c = &f->c;
    int direct = f->direct;
    sl_buf *b = direct ? &f->o.b : &f->mem;
    size_t at = b->len;
    sl_status rc = direct ? sl_buf_append(b, f->pre.p, f->pre.len) : sl_buf_reserve(b, 4);
    if (rc) {
        b->len = at;
        return f->o.rc = rc;
    }
    if (!direct) b->len += 4;
    rc = int_val(b, 1, (long long)(row->record > INT64_MAX ? INT64_MAX : row->record));
    if (!rc) rc = int_val(b, row->line != 0, (long long)(row->line > INT64_MAX ? INT64_MAX : row->line));
    if (!rc) rc = text_cell(c, b, w->categories.p, w->categories.len, 0);
    /* rules that fired on the row, distinct and sorted (bytewise, as SQLite's ORDER BY) */
    if (!rc) rc = text_cell(c, b, w->rules.p ? w->rules.p : "", w->rules.len, 0);
    const sl_cell *id = &s->f[SL_F_ID];
#define RAW(fld) (s->f[fld].st == SL_CELL_ABSENT ? "" : s->f[fld].p), (s->f[fld].st == SL_CELL_ABSENT ? 0 : s->f[fld].len)
#define Z(z) (z) ? (z) : "", (z) ? strlen(z) : 0
#define PUB(i) (w->pub[i].p ? w->pub[i].p : ""), w->pub[i].len
    if (!rc) rc = text_cell(c, b, id->st == SL_CELL_VALUE ? id->p : "", id->st == SL_CELL_VALUE ? id->len : 0, 0);
    if (!rc) rc = text_cell(c, b, RAW(SL_F_NAME), 0);
    if (!rc) rc = text_cell(c, b, RAW(SL_F_ORG), 0);
    if (!rc) rc = int_val(b, s->networks >= 0, (long long)s->networks);
    if (!rc) rc = int_val(b, s->devices >= 0, (long long)s->devices);
    if (!rc) rc = text_cell(c, b, Z(w->tf_start), 0);
    if (!rc) rc = text_cell(c, b, Z(w->tf_end), 0);
    if (!rc) rc = text_cell(c, b, Z(w->plate_token), 0);
    if (!rc) rc = text_cell(c, b, PUB(0), 0); /* Reason */
    if (!rc) rc = text_cell(c, b, PUB(1), 0); /* Case # */
    if (!rc) rc = text_cell(c, b, PUB(2), 0); /* Offense Type */
    if (!rc) rc = text_cell(c, b, PUB(3), 0); /* Filters */
    if (!rc) rc = text_cell(c, b, Z(w->search_time), 0);
    if (!rc) rc = text_cell(c, b, RAW(SL_F_SEARCH_TYPE), 0);
    if (!rc) rc = text_cell(c, b, PUB(4), 0); /* Text Prompt */
    if (!rc) rc = text_cell(c, b, RAW(SL_F_MODERATION), 0);
#undef RAW
#undef Z
#undef PUB
    if (!rc) rc = sl_buf_putc(b, '\n');
    if (!rc && !direct && b->len - at - 4 > UINT32_MAX) rc = SL_ELIMIT;
    if (rc) {
        b->len = at;
        return f->o.rc = rc;
    }
    if (direct) {
        if (f->patch) {
            if (b->len - at > UINT32_MAX) return f->o.rc = SL_ELIMIT;
            if (f->nlens == f->caplens) {
                size_t cap = f->caplens ? f->caplens * 2 : 4096;
                uint32_t *nl = realloc(f->lens, cap * sizeof *nl);
                if (!nl) return f->o.rc = SL_ENOMEM;
                f->lens = nl;
                f->caplens = cap;
            }
            f->lens[f->nlens++] = (uint32_t)(b->len - at);
        }
        return sl_out_flush(&f->o, 0);
    }
    uint32_t n = (uint32_t)(b->len - at - 4);
    memcpy(b->p + at, &n, 4);
    if (b->len >= SPOOL_MEM) return spool_out(f);
    return SL_OK;
}

/* Writes one held line with the source's cells in front. */
static sl_status emit_line(sl_flagged_csv *f, const char *p, size_t n) {
    sl_status rc = sl_buf_append(&f->o.b, f->pre.p, f->pre.len);
    if (!rc) rc = sl_buf_append(&f->o.b, p, n);
    if (!rc) rc = sl_out_flush(&f->o, 0);
    return rc;
}

static sl_status emit_framed(sl_flagged_csv *f, const char *p, size_t len) {
    sl_status rc = SL_OK;
    for (size_t i = 0; i + 4 <= len && !rc;) {
        uint32_t n;
        memcpy(&n, p + i, 4);
        rc = emit_line(f, p + i + 4, n);
        i += 4 + (size_t)n;
    }
    return rc;
}

/* The same over a mapping of the spool, letting go of the pages read every SPOOL_MEM bytes so
 * that resident memory stays bounded however large the source. */
static sl_status emit_mapped(sl_flagged_csv *f, const char *p, size_t len) {
    sl_status rc = SL_OK;
    size_t dropped = 0;
    long pg = sysconf(_SC_PAGESIZE);
    size_t page = pg > 0 ? (size_t)pg : 4096;
    for (size_t i = 0; i + 4 <= len && !rc;) {
        uint32_t n;
        memcpy(&n, p + i, 4);
        rc = emit_line(f, p + i + 4, n);
        i += 4 + (size_t)n;
        if (i - dropped >= SPOOL_MEM) {
            size_t upto = i / page * page;
            madvise((void *)(p + dropped), upto - dropped, MADV_DONTNEED);
            dropped = upto;
        }
    }
    return rc;
}

static sl_status io_error(sl_flagged_csv *f) {
    snprintf(f->o.msg, sizeof f->o.msg, "%s: %s", f->o.tmp, strerror(errno));
    return SL_EIO;
}

/* Takes the direct lines of the open source back into the held form (framed, without their
 * source cells), reading them from the output about PATCH_CHUNK bytes at a time, and cuts
 * them off the output: for a source that ended without a hash to cite. */
static sl_status rehold_lines(sl_flagged_csv *f) {
    if (sl_out_flush(&f->o, 1) || fflush(f->o.f) != 0) return f->o.rc ? f->o.rc : io_error(f);
    int fd = fileno(f->o.f);
    off_t off = f->start;
    for (size_t i = 0; i < f->nlens;) {
        size_t span = 0, j = i;
        while (j < f->nlens && (j == i || span + f->lens[j] <= PATCH_CHUNK)) span += f->lens[j++];
        sl_buf_reset(&f->chunk);
        sl_status rc = sl_buf_reserve(&f->chunk, span);
        if (rc) return rc;
        if (sl_pread_all(fd, f->chunk.p, span, (uint64_t)off)) return io_error(f);
        const char *p = f->chunk.p;
        for (; i < j; p += f->lens[i++]) {
            uint32_t body = f->lens[i] - (uint32_t)f->pre.len;
            rc = sl_buf_append(&f->mem, &body, 4);
            if (!rc) rc = sl_buf_append(&f->mem, p + f->pre.len, body);
            if (!rc && f->mem.len >= SPOOL_MEM) rc = spool_out(f);
            if (rc) return rc;
        }
        off += (off_t)span;
    }
    return cut_back(f);
}

/* Writes sha over the placeholder of every direct line of the open source, through shared
 * mappings of the output of at most PATCH_MAP bytes each (pages just written, still in the page
 * cache: only the 64 bytes of each line are touched, nothing is copied back and forth). */
#define PATCH_MAP ((size_t)16 << 20)

static sl_status patch_mapped(sl_flagged_csv *f, const char *sha) {
    if (sl_out_flush(&f->o, 1) || fflush(f->o.f) != 0) return f->o.rc ? f->o.rc : io_error(f);
    long pg = sysconf(_SC_PAGESIZE);
    off_t page = pg > 0 ? (off_t)pg : 4096;
    int fd = fileno(f->o.f);
    off_t end = f->start;
    for (size_t j = 0; j < f->nlens; j++) end += f->lens[j];
    char *map = NULL;
    off_t mbeg = 0, mend = 0, pos = f->start;
    sl_status rc = SL_OK;
    for (size_t i = 0; i < f->nlens; pos += f->lens[i++]) {
        if (f->lens[i] < f->sha_at + 64) continue;
        off_t at = pos + (off_t)f->sha_at;
        if (!map || at < mbeg || at + 64 > mend) {
            if (map) munmap(map, (size_t)(mend - mbeg));
            mbeg = at / page * page;
            mend = mbeg + (off_t)PATCH_MAP < end ? mbeg + (off_t)PATCH_MAP : end;
            void *m = mmap(NULL, (size_t)(mend - mbeg), PROT_READ | PROT_WRITE, MAP_SHARED, fd, mbeg);
            if (m == MAP_FAILED) {
                map = NULL;
                rc = io_error(f);
                break;
            }
            map = m;
        }
        memcpy(map + (at - mbeg), sha, 64);
    }
    if (map) munmap(map, (size_t)(mend - mbeg));
    return rc;
}

sl_status sl_flagged_csv_source_end(sl_flagged_csv *f, int keep, const char *cite,
                                    const char *sha256, const char *member, const char *sheet) {
    sl_status rc = f->o.rc;
    if (f->direct) {
        f->direct = 0;
        int patch = f->patch, held = 0;
        f->patch = 0;
        if (!rc && !keep) {
            rc = cut_back(f);
        } else if (!rc && patch && f->nlens && sha256 && strlen(sha256) == 64) {
            rc = patch_mapped(f, sha256);
        } else if (!rc && patch && f->nlens) {
            /* no hash to cite (the source was not read to its end): the lines are written
             * again below, with an empty cell */
            rc = rehold_lines(f);
            held = !rc;
        }
        f->nlens = 0;
        if (!held) {
            if (rc && !f->o.rc) {
                f->o.rc = rc;
                if (!f->o.msg[0]) snprintf(f->o.msg, sizeof f->o.msg, "%s: %s", f->o.path, sl_status_str(rc));
            }
            return f->o.rc;
        }
    }
    if (!rc && keep && (f->mem.len || f->spooled)) {
        rc = make_pre(f, cite, sha256, member, sheet);
        if (!rc && f->spooled) {
            /* read back through a mapping: no copy into a read buffer */
            rc = spool_out(f);
            off_t size = 0;
            if (!rc && (fflush(f->spool) != 0 || (size = lseek(fileno(f->spool), 0, SEEK_END)) < 0))
                rc = SL_EIO;
            if (!rc && size > 0) {
                void *m = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fileno(f->spool), 0);
                if (m == MAP_FAILED) rc = SL_EIO;
                else {
                    madvise(m, (size_t)size, MADV_SEQUENTIAL);
                    rc = emit_mapped(f, m, (size_t)size);
                    munmap(m, (size_t)size);
                }
            }
        } else if (!rc) {
            rc = emit_framed(f, f->mem.p, f->mem.len);
        }
        if (rc && !f->o.rc) {
            f->o.rc = rc;
            if (!f->o.msg[0]) snprintf(f->o.msg, sizeof f->o.msg, "%s: %s", f->o.path, sl_status_str(rc));
        }
    }
    f->mem.len = 0;
    if (f->spooled) {
        f->spooled = 0;
        if (fseek(f->spool, 0, SEEK_SET) != 0 || ftruncate(fileno(f->spool), 0) != 0) {
            if (!f->o.rc) {
                f->o.rc = SL_EIO;
                snprintf(f->o.msg, sizeof f->o.msg, "%s: %s", f->spool_path, strerror(errno));
            }
        }
    }
    return f->o.rc;
}

const char *sl_flagged_csv_errmsg(const sl_flagged_csv *f) {
    return f && f->o.rc && f->o.msg[0] ? f->o.msg : "";
}

sl_status sl_flagged_csv_close(sl_flagged_csv *f, int commit, char *err, size_t errlen) {
    if (!f) return SL_OK;
    if (!commit && !f->o.rc) f->o.rc = SL_EIO; /* removes the temporary */
    sl_status rc = sl_out_close(&f->o, commit ? err : NULL, commit ? errlen : 0);
    if (f->spool) fclose(f->spool);
    free(f->spool_path);
    sl_buf_free(&f->mem);
    sl_buf_free(&f->pre);
    sl_buf_free(&f->chunk);
    free(f->lens);
    sl_buf_free(&f->c.clean);
    sl_buf_free(&f->c.red);
    free(f);
    return commit ? rc : SL_OK;
}
