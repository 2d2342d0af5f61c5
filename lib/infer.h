/* infer.h: reading columns from what their values look like. For header-less files, the
 * first records are enough to recognise a search audit's columns (UUIDs, timestamps, two-line
 * time frames, counts, "... TX PD" organizations, search types, moderation words, plates,
 * free text); for a row one cell wider or narrower than its header, the same shapes tell
 * whether its values are shifted and where. Weak evidence gives no answer, never a guess. */
#ifndef SL_INFER_H
#define SL_INFER_H

#include "schema.h"

/* Shapes a value can have (several at once). */
enum {
    SL_SHAPE_EMPTY = 1u << 0,
    SL_SHAPE_WILD = 1u << 1,      /* ***, REDACTED: fits any column, proves nothing */
    SL_SHAPE_UUID = 1u << 2,
    SL_SHAPE_TIME = 1u << 3,      /* one timestamp (timeparse.h forms) */
    SL_SHAPE_TIMEFRAME = 1u << 4, /* two timestamps: two lines, or "a to b" */
    SL_SHAPE_INT = 1u << 5,       /* 0..9,999,999, thousands commas allowed */
    SL_SHAPE_ORG = 1u << 6,       /* "Houston TX PD", "Sonoma County CA SO", "[Federal] ..." */
    SL_SHAPE_STYPE = 1u << 7,     /* lookup, search, convoy, ... [- Mobile] */
    SL_SHAPE_MOD = 1u << 8,       /* allow, block, warn */
    SL_SHAPE_PLATE = 1u << 9,     /* 2-8 upper-case letters and digits, both present */
    SL_SHAPE_PERSON = 1u << 10,   /* two to four capitalised words */
    SL_SHAPE_TEXT = 1u << 11      /* anything with a letter */
};

/* Shapes of one trimmed value. */
unsigned sl_value_shape(const char *p, size_t len);

/* One buffered record. */
typedef struct {
    const sl_slice *cells;
    size_t n;
} sl_infer_row;

typedef struct {
    double confidence;  /* 0..1: how consistently the recognised columns hold their shape */
    unsigned rows;      /* records looked at */
    char note[256];     /* "inferred from values: col 1 id, col 2 user_id, ..." */
} sl_infer_info;

#define SL_INFER_MIN_ROWS 3
#define SL_INFER_MIN_CONFIDENCE 0.8

/* Recognises columns from the values of rows (e.g. the first 50 records). On success fills
 * *out (names[i] are the inferred field names, or "" for unknown columns; release with
 * sl_schema_clear), sets info and returns 1. Returns 0 and leaves *out cleared when the
 * evidence is weak: fewer than SL_INFER_MIN_ROWS rows, no search time, fewer than two other
 * typed columns (organization, networks, ids, time frame, search type), or a confidence below
 * SL_INFER_MIN_CONFIDENCE. Returns -1 when out of memory. */
int sl_infer_schema(const sl_infer_row *rows, size_t nrows, sl_schema *out, sl_infer_info *info);

/* ---- shifted rows ------------------------------------------------------------------------- */

typedef enum {
    SL_SHIFT_NONE = 0, /* kept as is: the values do not show a shift (or not where) */
    SL_SHIFT_MERGED,   /* one extra cell: cells at..at+1 joined with the delimiter */
    SL_SHIFT_DROPPED,  /* one extra cell: the empty cell at `at` dropped */
    SL_SHIFT_INSERTED  /* one missing cell: an empty cell inserted at column `at` */
} sl_shift_kind;

const char *sl_shift_name(sl_shift_kind k); /* "none", "merged", "dropped", "inserted" */

/* For a row whose width n is s->ncols + 1 or s->ncols - 1, decides from the typed columns
 * (search time, time frame, ids, counts, search type, moderation, organization) whether the
 * values sit one column off, and where. When they do, writes the realigned row into out
 * (s->ncols slices, borrowing from cells or, for a merge, from scratch, which is reset and
 * holds the joined text until its next use), sets *at (MERGED: the first joined cell;
 * DROPPED: the row index of the dropped cell; INSERTED: the column left empty), and returns
 * the kind; otherwise
 * returns SL_SHIFT_NONE and leaves out untouched. Ties are broken toward free-text columns
 * (reason first) for an extra cell and toward usually-empty columns for a missing one. */
sl_shift_kind sl_shift_fix(const sl_schema *s, const sl_slice *cells, size_t n, char delim,
                           sl_buf *scratch, sl_slice *out, size_t *at);

#endif
