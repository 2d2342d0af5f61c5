/* infer.c: value shapes, header-less column recognition and shifted-row realignment. All of
 * it reads values only, bounded by the rows and cells given; it refuses rather than guesses
 * when the shapes do not agree strongly enough. */
#include "infer.h"
#include "timeparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shapes ----------------------------------------------------------------------------- */

static int is_hex(unsigned char c) { return sl_isdigit(c) || ((c | 32) >= 'a' && (c | 32) <= 'f'); }

static int is_uuid(const char *p, size_t len) {
    if (len != 36) return 0;
    for (size_t i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (p[i] != '-') return 0;
        } else if (!is_hex((unsigned char)p[i])) {
            return 0;
        }
    }
    return 1;
}

static int is_int(const char *p, size_t len) {
    size_t nd = 0, group = 0;
    int commas = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (sl_isdigit(c)) {
            nd++;
            group++;
        } else if (c == ',' && group && group <= 3 && (!commas || group == 3)) {
            commas = 1;
            group = 0;
        } else {
            return 0;
        }
    }
    return nd && nd <= 7 && (!commas || group == 3);
}

static const char *const states[] = {
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL",
    "IN", "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE",
    "NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR", "PA", "PR", "RI", "SC", "SD", "TN", "TX",
    "UT", "VA", "VT", "WA", "WI", "WV", "WY"};

static int is_state(const char *p, size_t len) {
    if (len != 2) return 0;
    for (size_t i = 0; i < SL_ARRAY_LEN(states); i++)
        if (p[0] == states[i][0] && p[1] == states[i][1]) return 1;
    return 0;
}

/* "Houston TX PD", "Sonoma County CA SO", "[Federal] ...": a state code after a first word. */
static int is_org(const char *p, size_t len) {
    if (len >= 9 && !memcmp(p, "[Federal]", 9)) return 1;
    size_t i = 0, word = 0;
    while (i < len) {
        while (i < len && p[i] == ' ') i++;
        size_t j = i;
        while (j < len && p[j] != ' ') j++;
        if (j > i) {
            if (word > 0 && is_state(p + i, j - i)) return 1;
            word++;
        }
        i = j;
    }
    return 0;
}

static int ieq(const char *p, size_t len, const char *z) {
    return sl_slice_ieq((sl_slice){p, len}, z);
}

static int is_stype(const char *p, size_t len) {
    static const char *const types[] = {"lookup", "search", "convoy", "visual", "freeform",
                                        "multigeo", "apilookup", "hotlist", "hotlistlookup",
                                        "vehicle", "plate", "image", "multi-geo", "audio"};
    const char *m = NULL;
    for (size_t i = 0; i + 2 < len; i++)
        if (p[i] == ' ' && p[i + 1] == '-') { m = p + i; break; }
    if (m) {
        sl_slice rest = sl_trim((sl_slice){m + 2, len - (size_t)(m + 2 - p)});
        if (!sl_slice_ieq(rest, "mobile")) return 0;
        len = (size_t)(m - p);
    }
    for (size_t i = 0; i < SL_ARRAY_LEN(types); i++)
        if (ieq(p, len, types[i])) return 1;
    return 0;
}

static int is_plate(const char *p, size_t len) {
    if (len < 2 || len > 8) return 0;
    int dig = 0, let = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (sl_isdigit(c)) dig = 1;
        else if (c >= 'A' && c <= 'Z') let = 1;
        else if (c != '*' && c != '?') return 0;
    }
    return dig && let;
}

static int is_person(const char *p, size_t len) {
    size_t words = 0, i = 0;
    while (i < len) {
        while (i < len && p[i] == ' ') i++;
        if (i >= len) break;
        if (!(p[i] >= 'A' && p[i] <= 'Z')) return 0;
        size_t j = i;
        while (j < len && p[j] != ' ') {
            unsigned char c = (unsigned char)p[j];
            if (!sl_isalpha(c) && c != '-' && c != '\'' && c != '.' && c < 0x80) return 0;
            j++;
        }
        words++;
        i = j;
    }
    return words >= 2 && words <= 4;
}

static int is_wild(const char *p, size_t len) {
    if (ieq(p, len, "redacted") || ieq(p, len, "[redacted]")) return 1;
    if (!len) return 0;
    for (size_t i = 0; i < len; i++)
        if (p[i] != '*' && p[i] != '#') return 0;
    return 1;
}

unsigned sl_value_shape(const char *p, size_t len) {
    sl_slice t = sl_trim((sl_slice){p, len});
    p = t.p;
    len = t.len;
    if (!len) return SL_SHAPE_EMPTY;
    if (is_wild(p, len)) return SL_SHAPE_WILD;
    unsigned s = 0;
    int64_t a, b;
    if (is_uuid(p, len)) s |= SL_SHAPE_UUID;
    if (is_int(p, len)) s |= SL_SHAPE_INT;
    else if (sl_time_parse(p, len, &a)) s |= SL_SHAPE_TIME;
    else if (sl_timeframe_parse(p, len, &a, &b)) s |= SL_SHAPE_TIMEFRAME;
    if (ieq(p, len, "allow") || ieq(p, len, "block") || ieq(p, len, "warn")) s |= SL_SHAPE_MOD;
    if (is_stype(p, len)) s |= SL_SHAPE_STYPE;
    if (is_plate(p, len)) s |= SL_SHAPE_PLATE;
    if (is_org(p, len)) s |= SL_SHAPE_ORG;
    if (!(s & SL_SHAPE_ORG) && is_person(p, len)) s |= SL_SHAPE_PERSON;
    for (size_t i = 0; i < len; i++)
        if (sl_isalpha((unsigned char)p[i]) || (unsigned char)p[i] >= 0x80) {
            s |= SL_SHAPE_TEXT;
            break;
        }
    return s;
}

/* ---- header-less files ------------------------------------------------------------------ */

#define INFER_MAX_COLS 64

typedef struct {
    unsigned nonempty, wild;
    unsigned hits[12]; /* per shape bit */
    int taken;
} col_stat;

static int bit_index(unsigned shape) {
    int i = 0;
    while (shape > 1) { shape >>= 1; i++; }
    return i;
}

/* Share of the column's informative cells (non-empty, not redacted) that have `shape`. */
static double ratio(const col_stat *c, unsigned shape) {
    unsigned inf = c->nonempty - c->wild;
    return inf ? (double)c->hits[bit_index(shape)] / inf : 0.0;
}

/* The first free column whose informative cells have `shape` at least `min` of the time,
 * filled in at least half the rows. */
static int pick(col_stat *cs, size_t ncols, unsigned shape, double min, unsigned rows) {
    for (size_t i = 0; i < ncols; i++) {
        if (cs[i].taken || cs[i].nonempty * 2 < rows) continue;
        if (cs[i].nonempty == cs[i].wild) continue;
        if (ratio(&cs[i], shape) >= min) return (int)i;
    }
    return -1;
}

int sl_infer_schema(const sl_infer_row *rows, size_t nrows, sl_schema *out, sl_infer_info *info) {
    memset(out, 0, sizeof *out);
    for (int f = 0; f < SL_F_COUNT; f++) out->col[f] = -1;
    memset(info, 0, sizeof *info);
    info->rows = (unsigned)nrows;
    if (nrows < SL_INFER_MIN_ROWS) {
        sl_fmt(info->note, sizeof info->note, "too few records (%zu) to infer columns", nrows);
        return 0;
    }
    size_t ncols = 0;
    for (size_t r = 0; r < nrows; r++)
        if (rows[r].n > ncols) ncols = rows[r].n;
    if (ncols > INFER_MAX_COLS || ncols < 3) {
        sl_fmt(info->note, sizeof info->note, "%zu columns: not an audit shape", ncols);
        return 0;
    }
    col_stat cs[INFER_MAX_COLS];
    memset(cs, 0, sizeof cs);
    for (size_t r = 0; r < nrows; r++) {
        for (size_t i = 0; i < rows[r].n; i++) {
            unsigned sh = sl_value_shape(rows[r].cells[i].p, rows[r].cells[i].len);
            if (sh & SL_SHAPE_EMPTY) continue;
            cs[i].nonempty++;
            if (sh & SL_SHAPE_WILD) cs[i].wild++;
            for (int b = 0; b < 12; b++)
                if (sh & (1u << b)) cs[i].hits[b]++;
        }
    }
    unsigned nr = (unsigned)nrows;
    int typed = 0;
    double conf_sum = 0;
    int conf_n = 0;
#define TAKE(field, shape, min)                                                   \
    do {                                                                          \
        int c_ = pick(cs, ncols, (shape), (min), nr);                             \
        if (c_ >= 0) {                                                            \
            out->col[field] = c_;                                                 \
            cs[c_].taken = 1;                                                     \
            conf_sum += ratio(&cs[c_], (shape));                                  \
            conf_n++;                                                             \
        }                                                                         \
    } while (0)
    TAKE(SL_F_TIME_FRAME, SL_SHAPE_TIMEFRAME, 0.8);
    TAKE(SL_F_SEARCH_TIME, SL_SHAPE_TIME, 0.8);
    TAKE(SL_F_ID, SL_SHAPE_UUID, 0.9);
    TAKE(SL_F_USER_ID, SL_SHAPE_UUID, 0.9);
    TAKE(SL_F_NETWORKS, SL_SHAPE_INT, 0.9);
    TAKE(SL_F_ORG, SL_SHAPE_ORG, 0.6);
    TAKE(SL_F_SEARCH_TYPE, SL_SHAPE_STYPE, 0.9);
    for (int f = 0; f < SL_F_COUNT; f++)
        if (out->col[f] >= 0 && f != SL_F_SEARCH_TIME) typed++;
    /* Moderation is filled for freeform searches only: any filled share will do. */
    for (size_t i = 0; i < ncols; i++) {
        if (cs[i].taken || !cs[i].nonempty || cs[i].nonempty == cs[i].wild) continue;
        if (ratio(&cs[i], SL_SHAPE_MOD) >= 0.99) {
            out->col[SL_F_MODERATION] = (int)i;
            cs[i].taken = 1;
            break;
        }
    }
    TAKE(SL_F_PLATE, SL_SHAPE_PLATE, 0.7);
    TAKE(SL_F_NAME, SL_SHAPE_PERSON, 0.8);
    /* The reason: the first remaining column of free text, filled in at least half the rows.
     * A column redacted throughout tells nothing and stays unknown. */
    for (size_t i = 0; i < ncols; i++) {
        if (cs[i].taken || cs[i].nonempty * 2 < nr) continue;
        if (cs[i].nonempty > cs[i].wild && ratio(&cs[i], SL_SHAPE_TEXT) >= 0.5) {
            out->col[SL_F_REASON] = (int)i;
            cs[i].taken = 1;
            break;
        }
    }
#undef TAKE
    info->confidence = conf_n ? conf_sum / conf_n : 0;
    if (out->col[SL_F_SEARCH_TIME] < 0 || typed < 2 ||
        info->confidence < SL_INFER_MIN_CONFIDENCE) {
        sl_fmt(info->note, sizeof info->note,
               "values too weak to infer columns (search time %s, %d other typed columns, "
               "confidence %.2f)",
               out->col[SL_F_SEARCH_TIME] < 0 ? "not found" : "found", typed, info->confidence);
        sl_schema_clear(out);
        return 0;
    }

    out->ncols = ncols;
    sl_buf note = {0};
    sl_buf_puts(&note, "inferred from values:");
    for (size_t i = 0; i < ncols; i++) {
        const char *nm = "";
        out->unknown[i] = 1;
        for (int f = 0; f < SL_F_COUNT; f++)
            if (out->col[f] == (int)i) {
                nm = sl_field_name((sl_field)f);
                out->unknown[i] = 0;
                out->mapped++;
                sl_buf_printf(&note, " col %zu %s,", i + 1, nm);
            }
        if (!(out->names[i] = sl_strdup(nm))) {
            out->ncols = i;
            sl_schema_clear(out);
            sl_buf_free(&note);
            return -1;
        }
    }
    if (note.len && note.p[note.len - 1] == ',') note.len--;
    sl_fmt(info->note, sizeof info->note, "%.*s", (int)note.len, note.p ? note.p : "");
    sl_buf_free(&note);
    if (out->col[SL_F_ORG] >= 0 || out->col[SL_F_TIME_FRAME] >= 0)
        out->kind = SL_KIND_AUDIT;
    else if (out->col[SL_F_USER_ID] >= 0)
        out->kind = SL_KIND_PORTAL;
    else
        out->kind = SL_KIND_AUDIT;
    return 1;
}

/* ---- shifted rows ----------------------------------------------------------------------- */

const char *sl_shift_name(sl_shift_kind k) {
    switch (k) {
    case SL_SHIFT_NONE: return "none";
    case SL_SHIFT_MERGED: return "merged";
    case SL_SHIFT_DROPPED: return "dropped";
    case SL_SHIFT_INSERTED: return "inserted";
    }
    return "none";
}

/* The shape a typed field's value must have, 0 for untyped fields. */
static unsigned field_shape(sl_field f) {
    switch (f) {
    case SL_F_SEARCH_TIME: case SL_F_SEARCH_DATE: case SL_F_TF_START: case SL_F_TF_END:
        return SL_SHAPE_TIME;
    case SL_F_TIME_FRAME: return SL_SHAPE_TIMEFRAME;
    case SL_F_ID: case SL_F_USER_ID: return SL_SHAPE_UUID;
    case SL_F_NETWORKS: case SL_F_DEVICES: return SL_SHAPE_INT;
    case SL_F_SEARCH_TYPE: return SL_SHAPE_STYPE;
    case SL_F_MODERATION: return SL_SHAPE_MOD;
    case SL_F_ORG: return SL_SHAPE_ORG;
    default: return 0;
    }
}

/* Typed field of each column (or SL_F_COUNT). */
static void column_fields(const sl_schema *s, sl_field *cf, size_t ncols) {
    for (size_t i = 0; i < ncols; i++) cf[i] = SL_F_COUNT;
    for (int f = 0; f < SL_F_COUNT; f++)
        if (s->col[f] >= 0 && (size_t)s->col[f] < ncols) cf[s->col[f]] = (sl_field)f;
}

/* Cell shown at column j under alignment k: extra (n = ncols + 1) merges k and k+1; missing
 * (n = ncols - 1) has an empty cell at k. Returns the cell's index in the row, or -1 for the
 * inserted empty cell; *merged set when j == k under a merge. */
static long cell_for(size_t j, size_t k, int extra, int *merged) {
    *merged = 0;
    if (j < k) return (long)j;
    if (j == k) {
        if (extra) { *merged = 1; return (long)j; }
        return -1;
    }
    return extra ? (long)j + 1 : (long)j - 1;
}

static int fits(sl_field f, const sl_slice *c) {
    unsigned want = f < SL_F_COUNT ? field_shape(f) : 0;
    if (!want) return 0;
    return (sl_value_shape(c->p, c->len) & want) != 0;
}

/* Typed columns whose value has its shape under alignment k; a merged column counts when
 * either part fits. */
static int score(const sl_field *cf, size_t ncols, const sl_slice *cells, size_t k, int extra) {
    int sc = 0;
    for (size_t j = 0; j < ncols; j++) {
        if (cf[j] == SL_F_COUNT || !field_shape(cf[j])) continue;
        int merged;
        long ci = cell_for(j, k, extra, &merged);
        if (ci < 0) continue;
        if (fits(cf[j], &cells[ci]) || (merged && fits(cf[j], &cells[ci + 1]))) sc++;
    }
    return sc;
}

static int prefer_extra(sl_field f) {
    switch (f) {
    case SL_F_REASON: return 4;
    case SL_F_FILTERS: case SL_F_TEXT_PROMPT: case SL_F_OFFENSE: return 3;
    case SL_F_CASE: case SL_F_NAME: return 2;
    case SL_F_COUNT: return 1; /* an unknown column */
    default: return 0;
    }
}

static int prefer_missing(sl_field f) {
    switch (f) {
    case SL_F_CASE: case SL_F_FILTERS: case SL_F_TEXT_PROMPT: case SL_F_OFFENSE:
    case SL_F_MODERATION: case SL_F_PLATE: return 3;
    case SL_F_REASON: case SL_F_NAME: return 2;
    case SL_F_COUNT: return 1;
    default: return 0;
    }
}

sl_shift_kind sl_shift_fix(const sl_schema *s, const sl_slice *cells, size_t n, char delim,
                           sl_buf *scratch, sl_slice *out, size_t *at) {
    size_t ncols = s->ncols;
    if (ncols < 2 || ncols > SL_SCHEMA_MAX_COLS || (n != ncols + 1 && n + 1 != ncols))
        return SL_SHIFT_NONE;
    int extra = n == ncols + 1;
    sl_field cf[SL_SCHEMA_MAX_COLS];
    column_fields(s, cf, ncols);

    /* As is: cells by position (the last extra cell ignored, the missing last cell empty). */
    int asis = score(cf, ncols, cells, ncols - 1, extra);
    int best = -1;
    size_t bestk = 0;
    int bestpref = -1;
    for (size_t k = 0; k < ncols; k++) {
        int sc = score(cf, ncols, cells, k, extra);
        int pref = extra ? prefer_extra(cf[k]) : prefer_missing(cf[k]);
        if (sc > best || (sc == best && pref > bestpref)) {
            best = sc;
            bestk = k;
            bestpref = pref;
        }
    }
    /* The as-is alignment is the same as k = ncols - 1 except that a merge would join the
     * last two cells; it must be beaten outright. */
    if (best <= asis) return SL_SHIFT_NONE;

    sl_shift_kind kind;
    if (!extra) {
        kind = SL_SHIFT_INSERTED;
    } else if (sl_trim(cells[bestk]).len == 0 || sl_trim(cells[bestk + 1]).len == 0) {
        kind = SL_SHIFT_DROPPED;
    } else {
        kind = SL_SHIFT_MERGED;
        sl_buf_reset(scratch);
        char d = delim ? delim : ',';
        if (sl_buf_append(scratch, cells[bestk].p, cells[bestk].len) || sl_buf_putc(scratch, d) ||
            sl_buf_append(scratch, cells[bestk + 1].p, cells[bestk + 1].len))
            return SL_SHIFT_NONE;
    }
    for (size_t j = 0; j < ncols; j++) {
        int merged;
        long ci = cell_for(j, bestk, extra, &merged);
        if (ci < 0) {
            out[j] = (sl_slice){"", 0};
        } else if (merged) {
            if (kind == SL_SHIFT_MERGED)
                out[j] = (sl_slice){scratch->p, scratch->len};
            else
                out[j] = sl_trim(cells[ci]).len ? cells[ci] : cells[ci + 1];
        } else {
            out[j] = cells[ci];
        }
    }
    *at = kind == SL_SHIFT_DROPPED && sl_trim(cells[bestk]).len ? bestk + 1 : bestk;
    return kind;
}
