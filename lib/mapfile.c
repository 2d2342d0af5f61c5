/* mapfile.c: reads `--map FILE` mappings (docs/MAPS.md) and applies them: a matching header
 * becomes an sl_schema, and timestamps are read with the map's strptime-like format. Parsing is
 * line by line, strict, and names file and line on any mistake. */
#include "mapfile.h"
#include "timeparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAP_MAX_COLS 64
#define MAP_MAX_MATCH 16
#define MAP_MAX_BYTES (64 * 1024)

typedef struct {
    char *header;
    sl_field field;
} map_col;

struct sl_mapfile {
    char *origin, *name, *kind, *time_format;
    int has_offset;
    int64_t offset; /* seconds east of UTC the log's times are written in */
    char *match[MAP_MAX_MATCH];
    size_t nmatch;
    map_col cols[MAP_MAX_COLS];
    size_t ncols;
};

/* ---- parsing the file ------------------------------------------------------------------ */

typedef struct {
    const char *p, *end;
} cursor;

static void skip_ws(cursor *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t')) c->p++;
}

/* A quoted string ("..." with \" and \\) or a bare word up to white space or a comma. */
static char *take_value(cursor *c) {
    skip_ws(c);
    if (c->p >= c->end) return NULL;
    sl_buf b = {0};
    if (*c->p == '"') {
        c->p++;
        while (c->p < c->end && *c->p != '"') {
            if (*c->p == '\\' && c->p + 1 < c->end) c->p++;
            if (sl_buf_putc(&b, *c->p++)) { sl_buf_free(&b); return NULL; }
        }
        if (c->p >= c->end) { sl_buf_free(&b); return NULL; } /* unterminated */
        c->p++;
    } else {
        while (c->p < c->end && *c->p != ' ' && *c->p != '\t' && *c->p != ',')
            if (sl_buf_putc(&b, *c->p++)) { sl_buf_free(&b); return NULL; }
    }
    if (sl_buf_nul(&b)) { sl_buf_free(&b); return NULL; }
    return b.p ? b.p : sl_strdup("");
}

static int field_by_name(const char *z, sl_field *f) {
    for (int i = 0; i < SL_F_COUNT; i++)
        if (!strcmp(z, sl_field_name((sl_field)i))) { *f = (sl_field)i; return 1; }
    return 0;
}

/* "+05:30", "-0500", "Z" to seconds east of UTC. */
static int parse_offset(const char *z, int64_t *out) {
    size_t n = strlen(z);
    if (n == 1 && (z[0] == 'Z' || z[0] == 'z')) { *out = 0; return 1; }
    if (n < 5 || (z[0] != '+' && z[0] != '-')) return 0;
    const char *d = z + 1;
    if (!sl_isdigit((unsigned char)d[0]) || !sl_isdigit((unsigned char)d[1])) return 0;
    const char *m = d + 2;
    if (*m == ':') m++;
    if (strlen(m) != 2 || !sl_isdigit((unsigned char)m[0]) || !sl_isdigit((unsigned char)m[1]))
        return 0;
    int hh = (d[0] - '0') * 10 + (d[1] - '0'), mm = (m[0] - '0') * 10 + (m[1] - '0');
    if (hh > 14 || mm > 59) return 0;
    *out = (z[0] == '-' ? -1 : 1) * (int64_t)(hh * 3600 + mm * 60);
    return 1;
}

static int is_ident(const char *z) {
    if (!*z) return 0;
    for (; *z; z++)
        if (!(sl_isalnum((unsigned char)*z) || *z == '_')) return 0;
    return 1;
}

#define FAIL(...)                                              \
    do {                                                       \
        char what_[400];                                       \
        sl_fmt(what_, sizeof what_, __VA_ARGS__);              \
        if (errlen) sl_fmt(err, errlen, "%s:%u: %s", origin, lineno, what_); \
        goto fail;                                             \
    } while (0)

sl_status sl_mapfile_parse(sl_mapfile **out, const char *text, size_t len, const char *origin,
                           char *err, size_t errlen) {
    *out = NULL;
    if (errlen) err[0] = '\0';
    sl_mapfile *m = calloc(1, sizeof *m);
    if (!m || !(m->origin = sl_strdup(origin))) {
        free(m);
        return SL_ENOMEM;
    }
    unsigned lineno = 0;
    char *v = NULL, *w = NULL;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && text[j] != '\n') j++;
        lineno++;
        cursor c = {text + i, text + j};
        if (c.end > c.p && c.end[-1] == '\r') c.end--;
        i = j + 1;
        skip_ws(&c);
        if (c.p >= c.end || *c.p == '#') continue;
        const char *kw = c.p;
        while (c.p < c.end && *c.p != ' ' && *c.p != '\t') c.p++;
        sl_slice key = {kw, (size_t)(c.p - kw)};

        if (sl_slice_eq(key, "name") || sl_slice_eq(key, "kind") ||
            sl_slice_eq(key, "time_format") || sl_slice_eq(key, "utc_offset")) {
            if (!(v = take_value(&c)) || !*v) FAIL("%.*s needs a value", (int)key.len, key.p);
            skip_ws(&c);
            if (c.p < c.end && *c.p != '#') FAIL("unexpected text after the value (quote it)");
            char **slot = sl_slice_eq(key, "name") ? &m->name
                          : sl_slice_eq(key, "kind") ? &m->kind
                          : sl_slice_eq(key, "time_format") ? &m->time_format : NULL;
            if (slot) {
                if (*slot) FAIL("%.*s given twice", (int)key.len, key.p);
                if (slot == &m->kind && !is_ident(v))
                    FAIL("kind must be a word of letters, digits and _ (e.g. dmv_query)");
                *slot = v;
            } else {
                if (!parse_offset(v, &m->offset)) FAIL("utc_offset must look like -05:00 or Z");
                m->has_offset = 1;
                free(v);
            }
            v = NULL;
        } else if (sl_slice_eq(key, "match_header")) {
            for (;;) {
                if (!(v = take_value(&c)) || !*v) FAIL("match_header needs header cells, comma-separated");
                if (m->nmatch == MAP_MAX_MATCH) FAIL("more than %d match_header cells", MAP_MAX_MATCH);
                m->match[m->nmatch++] = v;
                v = NULL;
                skip_ws(&c);
                if (c.p < c.end && *c.p == ',') { c.p++; continue; }
                if (c.p < c.end && *c.p != '#') FAIL("match_header cells are separated by commas");
                break;
            }
        } else if (sl_slice_eq(key, "column")) {
            if (!(v = take_value(&c)) || !*v) FAIL("column needs a header cell");
            skip_ws(&c);
            if (c.end - c.p < 2 || c.p[0] != '-' || c.p[1] != '>')
                FAIL("column \"%s\" needs -> and a field", v);
            c.p += 2;
            if (!(w = take_value(&c)) || !*w) FAIL("column \"%s\" needs a field after ->", v);
            sl_field f;
            if (!field_by_name(w, &f)) {
                char list[300] = "";
                size_t ll = 0;
                for (int k = 0; k < SL_F_COUNT && ll < sizeof list; k++)
                    ll += (size_t)snprintf(list + ll, sizeof list - ll, "%s%s", k ? ", " : "",
                                           sl_field_name((sl_field)k));
                FAIL("unknown field \"%s\" (fields: %s)", w, list);
            }
            for (size_t k = 0; k < m->ncols; k++)
                if (m->cols[k].field == f) FAIL("field %s mapped twice", w);
            if (m->ncols == MAP_MAX_COLS) FAIL("more than %d columns", MAP_MAX_COLS);
            m->cols[m->ncols++] = (map_col){v, f};
            v = NULL;
            free(w);
            w = NULL;
            skip_ws(&c);
            if (c.p < c.end && *c.p != '#') FAIL("unexpected text after the field");
        } else {
            FAIL("unknown keyword \"%.*s\" (name, kind, match_header, column, time_format, "
                 "utc_offset)", (int)key.len, key.p);
        }
    }
    lineno = 0;
    if (!m->name) FAIL("no name line");
    if (!m->kind) FAIL("no kind line");
    if (!m->nmatch) FAIL("no match_header line: which header cells identify this log?");
    int has_time = 0;
    for (size_t k = 0; k < m->ncols; k++)
        if (m->cols[k].field == SL_F_SEARCH_TIME || m->cols[k].field == SL_F_SEARCH_DATE) has_time = 1;
    if (!has_time) FAIL("no column mapped to search_time (or search_date)");
    *out = m;
    return SL_OK;
fail:
    free(v);
    free(w);
    sl_mapfile_free(m);
    return SL_EUSAGE;
}
#undef FAIL

sl_status sl_mapfile_load(sl_mapfile **out, const char *path, char *err, size_t errlen) {
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open the map file", path);
        return SL_EIO;
    }
    sl_buf b = {0};
    b.cap_limit = MAP_MAX_BYTES;
    char chunk[4096];
    size_t n;
    sl_status rc = SL_OK;
    while (!rc && (n = fread(chunk, 1, sizeof chunk, f)) > 0) rc = sl_buf_append(&b, chunk, n);
    int rerr = ferror(f);
    fclose(f);
    if (rc || rerr) {
        snprintf(err, errlen, "%s: %s", path,
                 rc == SL_ELIMIT ? "map file larger than 64 KiB" : "cannot read the map file");
        sl_buf_free(&b);
        return rc == SL_ENOMEM ? SL_ENOMEM : rc ? SL_ELIMIT : SL_EIO;
    }
    rc = sl_mapfile_parse(out, b.p ? b.p : "", b.len, path, err, errlen);
    sl_buf_free(&b);
    return rc;
}

void sl_mapfile_free(sl_mapfile *m) {
    if (!m) return;
    free(m->origin);
    free(m->name);
    free(m->kind);
    free(m->time_format);
    for (size_t k = 0; k < m->nmatch; k++) free(m->match[k]);
    for (size_t k = 0; k < m->ncols; k++) free(m->cols[k].header);
    free(m);
}

const char *sl_mapfile_name(const sl_mapfile *m) { return m->name; }
const char *sl_mapfile_kind(const sl_mapfile *m) { return m->kind; }
const char *sl_mapfile_origin(const sl_mapfile *m) { return m->origin; }
const char *sl_mapfile_time_format(const sl_mapfile *m) { return m->time_format; }

/* ---- applying it ----------------------------------------------------------------------- */

static sl_slice header_cell(sl_slice s) {
    s = sl_trim(s);
    if (s.len >= 3 && !memcmp(s.p, "\xEF\xBB\xBF", 3)) s = sl_trim((sl_slice){s.p + 3, s.len - 3});
    return s;
}

static int find_col(const sl_slice *cells, size_t n, const char *z) {
    for (size_t i = 0; i < n && i < SL_SCHEMA_MAX_COLS; i++)
        if (sl_slice_ieq(header_cell(cells[i]), z)) return (int)i;
    return -1;
}

int sl_mapfile_apply(const sl_mapfile *m, const sl_slice *cells, size_t n, sl_schema *out) {
    memset(out, 0, sizeof *out);
    for (int f = 0; f < SL_F_COUNT; f++) out->col[f] = -1;
    for (size_t k = 0; k < m->nmatch; k++)
        if (find_col(cells, n, m->match[k]) < 0) return 0;
    size_t stored = n < SL_SCHEMA_MAX_COLS ? n : SL_SCHEMA_MAX_COLS;
    out->ncols = n;
    for (size_t i = 0; i < stored; i++) {
        sl_slice h = header_cell(cells[i]);
        out->unknown[i] = 1;
        if (!h.len) out->blank++;
        if (!(out->names[i] = sl_strndup(h.p ? h.p : "", h.len))) {
            out->ncols = i;
            sl_schema_clear(out);
            return -1;
        }
    }
    for (size_t k = 0; k < m->ncols; k++) {
        int c = find_col(cells, n, m->cols[k].header);
        if (c < 0 || !out->unknown[c]) continue; /* absent: not exported */
        out->col[m->cols[k].field] = c;
        out->unknown[c] = 0;
        out->mapped++;
    }
    out->kind = SL_KIND_AUDIT;
    for (int k = SL_KIND_NETWORK_AUDIT; k < SL_KIND__COUNT; k++)
        if (!strcmp(m->kind, sl_kind_name((sl_kind)k))) out->kind = (sl_kind)k;
    return 1;
}

/* ---- time formats ---------------------------------------------------------------------- */

static int num(const char **p, const char *end, unsigned maxd, int *out) {
    unsigned nd = 0;
    int v = 0;
    while (*p < end && nd < maxd && sl_isdigit((unsigned char)**p)) {
        v = v * 10 + (**p - '0');
        (*p)++;
        nd++;
    }
    if (!nd) return 0;
    *out = v;
    return 1;
}

static int month_name(const char **p, const char *end, int *mon) {
    static const char *const names[] = {"january", "february", "march", "april", "may", "june",
                                        "july", "august", "september", "october", "november",
                                        "december"};
    for (int i = 0; i < 12; i++) {
        size_t full = strlen(names[i]), k = 0;
        while (*p + k < end && k < full && sl_tolower((unsigned char)(*p)[k]) == names[i][k]) k++;
        if (k == full || (k >= 3 && (*p + k >= end || !sl_isalpha((unsigned char)(*p)[k])))) {
            *p += k;
            *mon = i + 1;
            return 1;
        }
    }
    return 0;
}

/* strptime-like, locale- and TZ-free. */
static int parse_fmt(const char *fmt, const char *p, size_t len, int64_t *out) {
    const char *end = p + len;
    int y = -1, mo = 1, d = 1, H = 0, M = 0, S = 0, pm = -1, h12 = 0;
    int64_t off = 0;
    for (const char *f = fmt; *f; f++) {
        if (*f == ' ' || *f == '\t') {
            while (p < end && sl_isspace((unsigned char)*p)) p++;
            continue;
        }
        if (*f != '%') {
            if (p >= end || *p != *f) return 0;
            p++;
            continue;
        }
        f++;
        int v;
        switch (*f) {
        case 'Y': if (!num(&p, end, 4, &y)) return 0; break;
        case 'y': if (!num(&p, end, 2, &v)) return 0; y = v < 70 ? 2000 + v : 1900 + v; break;
        case 'm': if (!num(&p, end, 2, &mo)) return 0; break;
        case 'd': if (!num(&p, end, 2, &d)) return 0; break;
        case 'H': if (!num(&p, end, 2, &H)) return 0; break;
        case 'I': if (!num(&p, end, 2, &H)) return 0; h12 = 1; break;
        case 'M': if (!num(&p, end, 2, &M)) return 0; break;
        case 'S': if (!num(&p, end, 2, &S)) return 0; break;
        case 'f': if (!num(&p, end, 9, &v)) return 0; break; /* fraction: dropped */
        case 'b': if (!month_name(&p, end, &mo)) return 0; break;
        case 'p':
            if (end - p < 2) return 0;
            if ((p[0] | 32) == 'a') pm = 0;
            else if ((p[0] | 32) == 'p') pm = 1;
            else return 0;
            if ((p[1] | 32) != 'm') return 0;
            p += 2;
            break;
        case 'z': {
            if (p < end && (*p == 'Z' || *p == 'z')) { p++; off = 0; break; }
            char buf[8];
            size_t k = 0;
            while (p < end && k < 6 && (sl_isdigit((unsigned char)*p) || *p == '+' || *p == '-' || *p == ':'))
                buf[k++] = *p++;
            buf[k] = '\0';
            if (!parse_offset(buf, &off)) return 0;
            break;
        }
        case '%': if (p >= end || *p != '%') return 0; p++; break;
        default: return 0;
        }
    }
    while (p < end && sl_isspace((unsigned char)*p)) p++;
    if (p != end || y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31) return 0;
    if (h12) {
        if (H < 1 || H > 12 || pm < 0) return 0;
        H = H % 12 + (pm ? 12 : 0);
    } else if (pm >= 0 && H <= 12) {
        H = H % 12 + (pm ? 12 : 0);
    }
    if (H > 23 || M > 59 || S > 60) return 0;
    /* Reject impossible days (Feb 30) by a round trip through the day count. */
    int64_t days = sl_days_from_civil(y, (unsigned)mo, (unsigned)d);
    if (mo < 12 ? sl_days_from_civil(y, (unsigned)mo + 1, 1) <= days
                : sl_days_from_civil(y + 1, 1, 1) <= days)
        return 0;
    *out = days * 86400 + H * 3600 + M * 60 + S - off;
    return 1;
}

int sl_mapfile_parse_time(const sl_mapfile *m, const char *p, size_t len, int64_t *out) {
    sl_slice t = sl_trim((sl_slice){p, len});
    int64_t v;
    int ok = m->time_format ? parse_fmt(m->time_format, t.p, t.len, &v) : sl_time_parse(t.p, t.len, &v);
    if (!ok) return 0;
    *out = v - (m->has_offset ? m->offset : 0);
    return 1;
}

static void refix(const sl_mapfile *m, sl_search *q, sl_field f, int64_t *slot) {
    const sl_cell *c = &q->f[f];
    if (c->st != SL_CELL_VALUE) return;
    q->bad &= ~(1u << f);
    if (!sl_mapfile_parse_time(m, c->p, c->len, slot)) {
        *slot = SL_TIME_NONE;
        q->bad |= 1u << f;
    }
}

void sl_mapfile_fix_times(const sl_mapfile *m, sl_search *q) {
    if (!m->time_format && !m->has_offset) return;
    const sl_cell *d = &q->f[SL_F_SEARCH_DATE], *t = &q->f[SL_F_SEARCH_TIME];
    if (d->st == SL_CELL_VALUE && t->st == SL_CELL_VALUE) {
        char joined[256];
        int jn = snprintf(joined, sizeof joined, "%.*s %.*s", (int)d->len, d->p, (int)t->len, t->p);
        q->bad &= ~((1u << SL_F_SEARCH_DATE) | (1u << SL_F_SEARCH_TIME));
        if (jn <= 0 || (size_t)jn >= sizeof joined ||
            !sl_mapfile_parse_time(m, joined, (size_t)jn, &q->search_time)) {
            q->search_time = SL_TIME_NONE;
            q->bad |= 1u << SL_F_SEARCH_TIME;
        }
    } else if (t->st == SL_CELL_VALUE) {
        refix(m, q, SL_F_SEARCH_TIME, &q->search_time);
    } else if (d->st == SL_CELL_VALUE) {
        refix(m, q, SL_F_SEARCH_DATE, &q->search_time);
    }
    refix(m, q, SL_F_TF_START, &q->tf_start);
    refix(m, q, SL_F_TF_END, &q->tf_end);
}
