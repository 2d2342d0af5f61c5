/* out_common.c: shared by the output writers: files written whole (path.tmp, then rename),
 * UTF-8 cleaning and the escapes of CSV, JSON and HTML. Every writer turns invalid UTF-8 bytes
 * into U+FFFD so that the outputs are always valid UTF-8 whatever the inputs held. */
#include "out.h"

#include "store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OUT_FLUSH_AT (64 * 1024)

sl_status sl_out_open(sl_out *o, const char *path) {
    memset(o, 0, sizeof *o);
    size_t n = strlen(path);
    o->path = sl_strdup(path);
    o->tmp = malloc(n + 5);
    if (!o->path || !o->tmp) {
        o->rc = SL_ENOMEM;
        snprintf(o->msg, sizeof o->msg, "%s: out of memory", path);
        return o->rc;
    }
    memcpy(o->tmp, path, n);
    memcpy(o->tmp + n, ".tmp", 5);
    o->f = fopen(o->tmp, "w+b"); /* read back by flagged.csv's in-place patch */
    if (!o->f) {
        o->rc = SL_EIO;
        snprintf(o->msg, sizeof o->msg, "%s: cannot write: %s", o->tmp, strerror(errno));
        return o->rc;
    }
    return SL_OK;
}

sl_status sl_out_flush(sl_out *o, int force) {
    if (o->rc) return o->rc;
    if (!o->f || (!force && o->b.len < OUT_FLUSH_AT) || o->b.len == 0) return SL_OK;
    if (fwrite(o->b.p, 1, o->b.len, o->f) != o->b.len) {
        o->rc = SL_EIO;
        snprintf(o->msg, sizeof o->msg, "%s: write failed: %s", o->tmp, strerror(errno));
        return o->rc;
    }
    o->b.len = 0;
    return SL_OK;
}

sl_status sl_out_close(sl_out *o, char *err, size_t errlen) {
    sl_out_flush(o, 1);
    if (o->f) {
        if (fclose(o->f) != 0 && !o->rc) {
            o->rc = SL_EIO;
            snprintf(o->msg, sizeof o->msg, "%s: write failed: %s", o->tmp, strerror(errno));
        }
        o->f = NULL;
        if (!o->rc && rename(o->tmp, o->path) != 0) {
            o->rc = SL_EIO;
            snprintf(o->msg, sizeof o->msg, "%s: cannot rename into place: %s", o->path, strerror(errno));
        }
        if (o->rc) unlink(o->tmp);
    }
    sl_status rc = o->rc;
    if (rc && err && errlen) snprintf(err, errlen, "%s", o->msg[0] ? o->msg : sl_status_str(rc));
    free(o->path);
    free(o->tmp);
    sl_buf_free(&o->b);
    memset(o, 0, sizeof *o);
    return rc;
}

size_t sl_utf8_len(const unsigned char *p, size_t n) {
    unsigned char c = p[0];
    if (c < 0x80) return 1;
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
    else return 0;
    if (len > n) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    /* overlong forms, surrogates, beyond U+10FFFF */
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

static const char REPLACEMENT[] = "\xEF\xBF\xBD";

size_t sl_out_utf8_valid(const char *p, size_t n) {
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 0;
    while (i < n) {
        uint64_t w;
        if (i + 8 <= n && (memcpy(&w, u + i, 8), !(w & UINT64_C(0x8080808080808080)))) {
            i += 8; /* eight ASCII bytes */
            continue;
        }
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t l = sl_utf8_len(u + i, n - i);
        if (!l) return i;
        i += l;
    }
    return n;
}

sl_status sl_out_utf8(sl_buf *b, const char *p, size_t n) {
    const unsigned char *u = (const unsigned char *)p;
    size_t i = sl_out_utf8_valid(p, n), run = 0; /* the valid prefix, usually all of it */
    sl_status rc = SL_OK;
    while (i < n && !rc) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t l = sl_utf8_len(u + i, n - i);
        if (l) {
            i += l;
            continue;
        }
        rc = sl_buf_append(b, p + run, i - run);
        if (!rc) rc = sl_buf_append(b, REPLACEMENT, 3);
        run = ++i;
    }
    return rc ? rc : sl_buf_append(b, p + run, n - run);
}

sl_status sl_out_json_str(sl_buf *b, const char *p, size_t n) {
    const unsigned char *u = (const unsigned char *)p;
    sl_status rc = sl_buf_putc(b, '"');
    for (size_t i = 0; i < n && !rc;) {
        unsigned char c = u[i];
        if (c == '"' || c == '\\') {
            rc = sl_buf_putc(b, '\\');
            if (!rc) rc = sl_buf_putc(b, (char)c);
            i++;
        } else if (c == '\n') { rc = sl_buf_puts(b, "\\n"); i++; }
        else if (c == '\t') { rc = sl_buf_puts(b, "\\t"); i++; }
        else if (c == '\r') { rc = sl_buf_puts(b, "\\r"); i++; }
        else if (c < 0x20 || c == 0x7F) { rc = sl_buf_printf(b, "\\u%04x", c); i++; }
        else {
            size_t l = sl_utf8_len(u + i, n - i);
            if (!l) { rc = sl_buf_append(b, REPLACEMENT, 3); i++; }
            else if (l == 3 && c == 0xE2 && u[i + 1] == 0x80 && (u[i + 2] == 0xA8 || u[i + 2] == 0xA9)) {
                /* U+2028/2029: valid JSON, but they break JavaScript string literals */
                rc = sl_buf_printf(b, "\\u%04x", u[i + 2] == 0xA8 ? 0x2028 : 0x2029);
                i += 3;
            } else {
                rc = sl_buf_append(b, p + i, l);
                i += l;
            }
        }
    }
    return rc ? rc : sl_buf_putc(b, '"');
}

sl_status sl_out_html(sl_buf *b, const char *p, size_t n) {
    const unsigned char *u = (const unsigned char *)p;
    sl_status rc = SL_OK;
    for (size_t i = 0; i < n && !rc;) {
        unsigned char c = u[i];
        switch (c) {
        case '&': rc = sl_buf_puts(b, "&amp;"); i++; continue;
        case '<': rc = sl_buf_puts(b, "&lt;"); i++; continue;
        case '>': rc = sl_buf_puts(b, "&gt;"); i++; continue;
        case '"': rc = sl_buf_puts(b, "&quot;"); i++; continue;
        case '\'': rc = sl_buf_puts(b, "&#39;"); i++; continue;
        case '\n': case '\t': rc = sl_buf_putc(b, (char)c); i++; continue;
        default: break;
        }
        if (c < 0x20 || c == 0x7F) { rc = sl_buf_putc(b, ' '); i++; continue; }
        size_t l = sl_utf8_len(u + i, n - i);
        if (!l) { rc = sl_buf_append(b, REPLACEMENT, 3); i++; }
        else { rc = sl_buf_append(b, p + i, l); i += l; }
    }
    return rc;
}

const char *sl_out_col(struct sqlite3_stmt *s, int i, size_t *len) {
    const char *t = (const char *)sqlite3_column_text(s, i);
    *len = t ? (size_t)sqlite3_column_bytes(s, i) : 0;
    return t ? t : "";
}

sl_status sl_out_prepare(struct sqlite3 *db, const char *sql, struct sqlite3_stmt **s, char *err,
                         size_t errlen) {
    if (sqlite3_prepare_v2(db, sql, -1, s, NULL) == SQLITE_OK) return SL_OK;
    if (err && errlen) snprintf(err, errlen, "reading the database: %s", sqlite3_errmsg(db));
    *s = NULL;
    return SL_EDB;
}

static int64_t one_int(struct sqlite3 *db, const char *sql, int *ok) {
    sqlite3_stmt *s = NULL;
    int64_t v = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        *ok = 0;
        return 0;
    }
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
    else if (rc != SQLITE_DONE) *ok = 0;
    sqlite3_finalize(s);
    return v;
}

sl_status sl_out_totals_get(struct sqlite3 *db, sl_out_totals *t, char *err, size_t errlen) {
    memset(t, 0, sizeof *t);
    int ok = 1;
    t->files = one_int(db, "SELECT COUNT(*) FROM sources WHERE parent_id IS NULL", &ok);
    t->bytes = one_int(db, "SELECT COALESCE(SUM(size), 0) FROM sources WHERE parent_id IS NULL", &ok);
    t->sources = one_int(db,
                         "SELECT COUNT(*) FROM sources s WHERE NOT EXISTS"
                         " (SELECT 1 FROM sources c WHERE c.parent_id = s.id)",
                         &ok);
    t->records = one_int(db, "SELECT COALESCE(SUM(records), 0) FROM sources", &ok);
    /* sources.searches holds the rows parsed; for event logs and reference lists those are
     * events and list entries, counted apart so that searches mean searches. */
    t->searches = one_int(db, "SELECT COALESCE(SUM(searches), 0) FROM sources WHERE kind NOT IN"
                              " " SL_OUT_NON_SEARCH_KINDS, &ok);
    t->other_parsed = one_int(db, "SELECT COALESCE(SUM(searches), 0) FROM sources WHERE kind IN"
                                  " " SL_OUT_NON_SEARCH_KINDS, &ok);
    t->rejected = one_int(db, "SELECT COALESCE(SUM(rejected), 0) FROM sources", &ok);
    t->header_repeats = one_int(db, "SELECT COALESCE(SUM(header_repeats), 0) FROM sources", &ok);
    t->blank = one_int(db, "SELECT COALESCE(SUM(blank), 0) FROM sources", &ok);
    t->set_aside = one_int(db, "SELECT COALESCE(SUM(set_aside), 0) FROM sources", &ok);
    t->invalid_utf8 = one_int(db, "SELECT COALESCE(SUM(invalid_utf8), 0) FROM sources", &ok);
    /* per source, as counted while storing (a repeated source has 0): equal to COUNT(*) of
     * flagged_rows, which would read the whole table */
    t->flagged = one_int(db, "SELECT COALESCE(SUM(flagged), 0) FROM sources", &ok);
    t->unaccounted =
        t->records - t->searches - t->other_parsed - t->rejected - t->header_repeats - t->blank -
        t->set_aside;
    t->diag[0] = one_int(db, "SELECT COUNT(*) FROM diagnostics WHERE severity = 'info'", &ok);
    t->diag[1] = one_int(db, "SELECT COUNT(*) FROM diagnostics WHERE severity = 'warn'", &ok);
    t->diag[2] = one_int(db, "SELECT COUNT(*) FROM diagnostics WHERE severity = 'error'", &ok);
    sqlite3_stmt *s = NULL;
    if (ok && sqlite3_prepare_v2(db, "SELECT reason, SUM(count) FROM rejections GROUP BY reason", -1, &s,
                                 NULL) == SQLITE_OK) {
        while (sqlite3_step(s) == SQLITE_ROW) {
            const char *r = (const char *)sqlite3_column_text(s, 0);
            for (int i = 0; r && i < SL_REJ__COUNT && i < 8; i++)
                if (strcmp(r, sl_reject_name((sl_reject)i)) == 0) t->rejected_by[i] = sqlite3_column_int64(s, 1);
        }
    } else {
        ok = 0;
    }
    sqlite3_finalize(s);
    if (!ok) {
        if (err && errlen) snprintf(err, errlen, "reading the database: %s", sqlite3_errmsg(db));
        return SL_EDB;
    }
    return SL_OK;
}
