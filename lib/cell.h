/* cell.h: what a cell holds, beyond its text. Decides, per field, whether a cell is empty,
 * a value, a placeholder, redacted by the vendor (***), redacted by the agency (REDACTED,
 * [REDACTED], ###, * * *, block glyphs, a statute typed in place of the value such as
 * "7923.600 GC"), or partly redacted ("REDACTED / 459 SUS"). A '*' inside a plate or a
 * filter is a wildcard, not a mask. */
#ifndef SL_CELL_H
#define SL_CELL_H

#include "core.h"

#include <string.h>

/* Classifies a trimmed cell for field f. Never SL_CELL_ABSENT (that is the schema's call). */
sl_cell_state sl_cell_classify(sl_field f, const char *p, size_t len);

/* The same decision without the fast path for plain ASCII cells: the reference the fast path
 * is tested against (tests/unit/test_cell.c). */
sl_cell_state sl_cell_classify_full(sl_field f, const char *p, size_t len);

/* A memo of sl_cell_classify decisions, for cells that repeat (organizations, reasons,
 * filters, search types: a few hundred distinct texts over a million rows). Direct-mapped by a
 * hash of (field, text); a slot keeps the whole text and is used only on an exact match, so
 * results are those of sl_cell_classify. All zero bytes is a valid empty memo (no allocation,
 * nothing to free). A field whose cells rarely repeat (case numbers) stops being looked up
 * after a trial window, so it does not evict the others, and is tried again later. */
#define SL_CELL_MEMO_SLOTS 4096
#define SL_CELL_MEMO_TEXT 56 /* longer cells are classified each time */

typedef struct {
    uint32_t h;      /* upper half of the hash (the lower bits chose the slot) */
    uint8_t len;     /* 0: empty slot */
    uint8_t field;
    uint8_t st;
    uint8_t pad_;
    char text[SL_CELL_MEMO_TEXT];
} sl_cell_memo_slot;

typedef struct {
    sl_cell_memo_slot slot[SL_CELL_MEMO_SLOTS];
    uint32_t tries[SL_F_COUNT], hits[SL_F_COUNT]; /* in the current trial window */
    uint32_t skip[SL_F_COUNT]; /* lookups left to bypass the memo for this field */
} sl_cell_memo;

/* Classifies a miss and keeps it in slot s (internal to the lookup below). */
sl_cell_state sl_cell_memo_fill(sl_cell_memo_slot *s, uint32_t tag, sl_field f, const char *p,
                                size_t len, uint64_t key);

/* The lookup, inline so that each field's call site keeps its own branch history (the cells
 * of a field are alike; the lengths of successive fields' cells are not). */
enum { SL_CELL_MEMO_WINDOW = 4096, SL_CELL_MEMO_BYPASS = 1 << 16 };
#define SL_CELL_MEMO_MIN 8 /* shorter texts are kept as one word, not as text */

/* Hash of (field, text) of at least SL_CELL_MEMO_MIN bytes from three words: the first, the
 * middle and the last eight bytes (overlapping in short texts). Texts alike in those bytes
 * share a slot and take turns in it; lookups compare the whole text, so that costs time,
 * never a wrong answer. */
static inline uint64_t sl_cell_memo_hash(sl_field f, const char *p, size_t len)
{
    uint64_t a, b, m;
    memcpy(&a, p, 8);
    memcpy(&m, p + len / 2 - 4, 8);
    memcpy(&b, p + len - 8, 8);
    uint64_t h = (a ^ ((uint64_t)f << 56 | (uint64_t)len << 48)) * 0x9e3779b97f4a7c15ull;
    h ^= (b + (h >> 29)) * 0xff51afd7ed558ccdull;
    h ^= (m + (h >> 31)) * 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 32);
}

/* Whether the len (>= SL_CELL_MEMO_MIN) bytes at x and y are equal. Up to 24 bytes the first,
 * middle and last words cover every byte. */
static inline int sl_cell_memo_same(const char *x, const char *y, size_t len)
{
    if (len > 24) return memcmp(x, y, len) == 0;
    uint64_t a, b, c, d, e, g;
    memcpy(&a, x, 8);
    memcpy(&b, y, 8);
    memcpy(&c, x + len / 2 - 4, 8);
    memcpy(&d, y + len / 2 - 4, 8);
    memcpy(&e, x + len - 8, 8);
    memcpy(&g, y + len - 8, 8);
    return ((a ^ b) | (c ^ d) | (e ^ g)) == 0;
}

/* A text of 1 to 7 bytes as one word that tells it apart from every other text of its length:
 * two overlapping 4-byte loads, or the first, middle and last byte. */
static inline uint64_t sl_cell_memo_short_key(const char *p, size_t len)
{
    if (len >= 4) {
        uint32_t x, y;
        memcpy(&x, p, 4);
        memcpy(&y, p + len - 4, 4);
        return (uint64_t)x | (uint64_t)y << 32;
    }
    return (uint64_t)(unsigned char)p[0] | (uint64_t)(unsigned char)p[len / 2] << 8 |
           (uint64_t)(unsigned char)p[len - 1] << 16;
}

/* Whether the memo is worth asking for field f now; ends a trial window when one is full. */
static inline int sl_cell_memo_use(sl_cell_memo *m, sl_field f)
{
    if (m->skip[f]) {
        m->skip[f]--;
        return 0;
    }
    if (++m->tries[f] == SL_CELL_MEMO_WINDOW) {
        /* Under one hit in four, the field's cells do not repeat enough to pay the lookup
         * and the slots they take from fields whose cells do. */
        if (m->hits[f] < SL_CELL_MEMO_WINDOW / 4) m->skip[f] = SL_CELL_MEMO_BYPASS;
        m->tries[f] = m->hits[f] = 0;
    }
    return 1;
}

/* sl_cell_classify through the memo m (m may be NULL: no memo). Same result, always. */
static inline __attribute__((always_inline)) sl_cell_state sl_cell_classify_memo(sl_cell_memo *m, sl_field f, const char *p,
                                                  size_t len)
{
    if (!m || !p || len == 0 || len > SL_CELL_MEMO_TEXT || (unsigned)f >= SL_F_COUNT ||
        !sl_cell_memo_use(m, f))
        return sl_cell_classify(f, p, len);
    uint64_t h, key = 0;
    if (len < SL_CELL_MEMO_MIN) {
        /* Short texts are their own key: one word compared, kept in the slot's text. */
        key = sl_cell_memo_short_key(p, len);
        h = (key ^ ((uint64_t)f << 56 | (uint64_t)len << 48)) * 0x9e3779b97f4a7c15ull;
    } else {
        h = sl_cell_memo_hash(f, p, len);
    }
    /* Every bit into the slot's bits: "***" as a name and as a plate must not share a slot. */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    sl_cell_memo_slot *s = &m->slot[h & (SL_CELL_MEMO_SLOTS - 1)];
    const uint32_t tag = (uint32_t)(h >> 32);
    if (s->h == tag && s->len == len && s->field == f) {
        uint64_t k;
        memcpy(&k, s->text, 8);
        if (len < SL_CELL_MEMO_MIN ? k == key : sl_cell_memo_same(s->text, p, len)) {
            m->hits[f]++;
            return (sl_cell_state)s->st;
        }
    }
    return sl_cell_memo_fill(s, tag, f, p, len, key);
}

#endif
