/* named.c: the plates a user names with `--plate`, and the rows that searched them (named.h).
 * A row searched a named plate when its plate cell holds it, when a wildcard pattern there
 * fits it, or when one of its free-text cells names it as lib/redact.c finds the row's own
 * plate in text (case, spaces and dashes ignored), so that what is found here is also what
 * the redactor tokenizes. Only rows of a scan given plates come here. */
#include "named.h"
#include "redact.h"

#include <stdio.h>

sl_status sl_named_init(sl_named *nm, const char *const *plates, size_t n, char *err,
                        size_t errlen) {
    memset(nm, 0, sizeof *nm);
    for (size_t i = 0; i < n; i++) {
        const char *p = plates[i] ? plates[i] : "";
        char norm[SL_NAMED_CAP + 1];
        size_t len = 0, other = 0;
        for (const char *c = p; *c; c++) {
            unsigned char u = (unsigned char)*c;
            if (u == '*' || u == '?') {
                snprintf(err, errlen, "--plate \"%s\": a wildcard; name whole plates (a search "
                         "with a wildcard pattern that fits one is found by the scan)", p);
                return SL_EUSAGE;
            }
            if (!sl_isalnum(u)) {
                if (u != ' ' && u != '-' && u != '.') other++;
                continue;
            }
            if (len == SL_NAMED_CAP) {
                snprintf(err, errlen, "--plate \"%.40s\": longer than %d letters and digits",
                         p, SL_NAMED_CAP);
                return SL_EUSAGE;
            }
            norm[len++] = (char)sl_toupper(u);
        }
        norm[len] = '\0';
        if (len < 2 || other) {
            snprintf(err, errlen, "--plate \"%.40s\": not a plate (letters and digits, with "
                     "spaces or dashes if you like)", p);
            return SL_EUSAGE;
        }
        size_t k = 0;
        while (k < nm->n && strcmp(nm->plate[k], norm)) k++;
        if (k < nm->n) continue; /* given twice */
        if (nm->n == SL_NAMED_MAX) {
            snprintf(err, errlen, "more than %d plates named: --plate answers whether and by whom "
                     "plates someone already knows were searched; it does not run lists",
                     SL_NAMED_MAX);
            return SL_EUSAGE;
        }
        memcpy(nm->plate[nm->n], norm, len + 1);
        nm->len[nm->n++] = len;
        if (nm->all_len) nm->all[nm->all_len++] = ',';
        memcpy(nm->all + nm->all_len, norm, len);
        nm->all_len += len;
    }
    return SL_OK;
}

/* Glob match of a normalised pattern ('*' any run, '?' one character) against a plate. */
static int glob_fits(const char *pat, size_t pn, const char *s, size_t sn) {
    size_t p = 0, q = 0, star = SIZE_MAX, mark = 0;
    while (q < sn) {
        if (p < pn && (pat[p] == '?' || pat[p] == s[q])) {
            p++;
            q++;
        } else if (p < pn && pat[p] == '*') {
            star = p++;
            mark = q;
        } else if (star != SIZE_MAX) {
            p = star + 1;
            q = ++mark;
        } else {
            return 0;
        }
    }
    while (p < pn && pat[p] == '*') p++;
    return p == pn;
}

size_t sl_plate_norm(const char *p, size_t n, char *out, size_t cap, size_t *alnum, size_t *wild) {
    size_t len = 0;
    *alnum = *wild = 0;
    for (size_t j = 0; j < n; j++) {
        unsigned char u = (unsigned char)p[j];
        if (!sl_isalnum(u) && u != '*' && u != '?') continue;
        if (len == cap) return SIZE_MAX;
        out[len++] = (char)(sl_isalnum(u) ? sl_toupper(u) : u);
        if (sl_isalnum(u)) (*alnum)++;
        else (*wild)++;
    }
    return len;
}

int sl_plate_cell_next(const char *p, size_t len, size_t *at, size_t *start, size_t *end) {
    if (!p || *at >= len) return 0;
    size_t b = *at;
    for (; b < len; b++) { /* a switch, not strchr per byte: this runs on every plate cell */
        const char c = p[b];
        if (c == ',' || c == ';' || c == '|' || c == '/' || c == '\n' || c == '\r') break;
    }
    *start = *at;
    *end = b;
    *at = b + 1;
    return 1;
}

/* The plate cell: plates split by , ; | / or a line break (as lib/redact.c reads a row's
 * plate), each normalised; an exact one or a wildcard pattern with two letters or digits. */
static unsigned cell_how(const sl_named *nm, size_t i, const sl_cell *c) {
    if ((c->st != SL_CELL_VALUE && c->st != SL_CELL_PARTIAL) || !c->p) return 0;
    unsigned how = 0;
    size_t at = 0, a, b;
    while (sl_plate_cell_next(c->p, c->len, &at, &a, &b)) {
        char norm[64];
        size_t alnum, wild;
        const size_t len = sl_plate_norm(c->p + a, b - a, norm, sizeof norm, &alnum, &wild);
        if (len != SIZE_MAX && alnum >= 2) { /* SIZE_MAX: a text typed in the plate column */
            if (!wild && len == nm->len[i] && !memcmp(norm, nm->plate[i], len))
                how |= SL_NAMED_CELL;
            else if (wild && glob_fits(norm, len, nm->plate[i], nm->len[i]))
                how |= SL_NAMED_PATTERN;
        }
    }
    return how;
}

static const sl_field TEXT_FIELDS[] = {SL_F_REASON, SL_F_CASE, SL_F_OFFENSE, SL_F_FILTERS,
                                       SL_F_TEXT_PROMPT};

/* The text is walked once for all the plates (it is read on every row of a scan given
 * plates, and seldom names one), then plate by plate only when one of them is there. */
uint32_t sl_named_in_text(const sl_named *nm, const char *p, size_t len) {
    if (!nm->n || !p || len < 2 || !sl_redact_mentions_plate(p, len, nm->all, nm->all_len))
        return 0;
    if (nm->n == 1) return 1;
    uint32_t m = 0;
    for (size_t i = 0; i < nm->n; i++)
        if (sl_redact_mentions_plate(p, len, nm->plate[i], nm->len[i])) m |= 1u << i;
    return m;
}

/* The named plates the row's free-text cells name. */
static uint32_t text_mask(const sl_named *nm, const sl_search *q) {
    uint32_t m = 0;
    for (size_t f = 0; f < SL_ARRAY_LEN(TEXT_FIELDS); f++) {
        const sl_cell *c = &q->f[TEXT_FIELDS[f]];
        if (c->st != SL_CELL_ABSENT) m |= sl_named_in_text(nm, c->p, c->len);
    }
    return m;
}

unsigned sl_named_how(const sl_named *nm, size_t i, const sl_search *q) {
    if (i >= nm->n) return 0;
    unsigned how = cell_how(nm, i, &q->f[SL_F_PLATE]);
    if (text_mask(nm, q) & (1u << i)) how |= SL_NAMED_TEXT;
    return how;
}

uint32_t sl_named_match(const sl_named *nm, const sl_search *q) {
    uint32_t m = 0;
    for (size_t i = 0; i < nm->n; i++)
        if (cell_how(nm, i, &q->f[SL_F_PLATE])) m |= 1u << i;
    return m == (1u << nm->n) - 1 ? m : m | text_mask(nm, q);
}

const char *sl_named_how_name(unsigned how) {
    static const char *const names[8] = {"", "plate", "pattern", "plate+pattern", "text",
                                         "plate+text", "pattern+text", "plate+pattern+text"};
    return names[how & 7];
}
