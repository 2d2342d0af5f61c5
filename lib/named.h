/* named.h: the plates a user names with `--plate` (a defense attorney's client's car): which
 * search rows searched them, and how. BRIEF.md: plate tokens exist so that "a person who
 * already knows a plate ... can ask whether and by whom it was searched". The plates stay in
 * memory; every output shows only their tokens. */
#ifndef SL_NAMED_H
#define SL_NAMED_H

#include "schema.h"

/* A handful, on purpose: this answers a question about plates someone already knows; it is
 * not a way to run lists of plates (BRIEF.md, "What sunlight is not"). */
#define SL_NAMED_MAX 8
#define SL_NAMED_CAP 16 /* characters of one normalised plate */
/* The category its rows are counted under, beside the rule packs' categories. */
#define SL_NAMED_CATEGORY "named_plate"

/* How a row searched a named plate (bits). */
enum {
    SL_NAMED_CELL = 1,    /* the plate cell holds it (ignoring case, spaces and dashes) */
    SL_NAMED_PATTERN = 2, /* a wildcard pattern in the plate cell fits it ("7AB*", "7ABC12?") */
    SL_NAMED_TEXT = 4     /* a free-text cell names it (reason, case number, offense, filters,
                             text prompt) */
};

typedef struct {
    size_t n;
    char plate[SL_NAMED_MAX][SL_NAMED_CAP + 1]; /* upper case, letters and digits only */
    size_t len[SL_NAMED_MAX];
    char all[SL_NAMED_MAX * (SL_NAMED_CAP + 1)]; /* the plates comma-joined, as lib/redact.c
                                                    reads a plate cell */
    size_t all_len;
} sl_named;

/* Normalises and keeps the plates given (upper case, letters and digits; spaces, dashes and
 * dots dropped; a plate given twice kept once). SL_EUSAGE, with the reason in err, for more
 * than SL_NAMED_MAX plates, a wildcard, fewer than two letters or digits, or more than
 * SL_NAMED_CAP. */
sl_status sl_named_init(sl_named *nm, const char *const *plates, size_t n, char *err,
                        size_t errlen);

/* How the row searched named plate i (SL_NAMED_* bits), 0 when it did not. */
unsigned sl_named_how(const sl_named *nm, size_t i, const sl_search *q);
/* Bit i set when text (a free-text cell, an event's detail) names plate i, as lib/redact.c
 * finds a row's own plate: case, spaces and dashes ignored, not inside a longer word. */
uint32_t sl_named_in_text(const sl_named *nm, const char *p, size_t len);
/* Bit i set when the row searched named plate i. */
uint32_t sl_named_match(const sl_named *nm, const sl_search *q);
/* A plate as --plate and the plate repeats read one: p[0..n)'s letters and digits upper-cased
 * and the wildcards * and ? kept, anything else dropped, into out (cap bytes). Its length, or
 * SIZE_MAX when longer than cap (a text typed in the plate column); *alnum counts its letters
 * and digits, *wild its wildcards. */
size_t sl_plate_norm(const char *p, size_t n, char *out, size_t cap, size_t *alnum, size_t *wild);
/* The plates of a plate cell's text p[0..len), split by , ; | / or a line break (as
 * lib/redact.c reads a row's plate): the next one from *at as [*start, *end), *at moved past
 * it; 0 when none is left. Pieces may be empty or hold no plate: the caller judges them. */
int sl_plate_cell_next(const char *p, size_t len, size_t *at, size_t *start, size_t *end);
/* Words for a `how`: "plate", "pattern", "text", joined by '+' ("plate+text"). */
const char *sl_named_how_name(unsigned how);

#endif
