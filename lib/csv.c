/* csv.c: the streaming RFC 4180 push parser behind csv.h. One resumable state machine finds
 * cell and record ends (plain records inside a chunk take a 64-byte block scan that decides
 * the same); a record lying inside the caller's chunk is handed out without copying, one that
 * spans chunks is carried in a buffer capped at max_record. Results do not depend on how the
 * input is cut into chunks (tests feed every file one byte at a time to prove it). */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#define SL_CSV_SSE2 1
/* AVX2 code is compiled for x86-64 with GCC or Clang and used only where the CPU has it. */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__has_include)
#if __has_include(<immintrin.h>)
#include <immintrin.h>
#define SL_CSV_AVX2 1
#define SL_AVX2_TARGET __attribute__((target("avx2,popcnt,bmi,bmi2")))
#endif
#endif
#endif

#define CSV_DEFAULT_MAX_RECORD ((size_t)1 << 20)
#define CSV_DEFAULT_MAX_CELLS 4096
#define CSV_NONE ((size_t)-1)

/* Where the scanner is inside the current cell. */
enum { S_START, S_UNQ, S_QUO, S_QQ };

/* How a cell's content is got from its raw bytes. */
enum {
    C_PLAIN,  /* unquoted: the raw bytes */
    C_QUOTED, /* "..." with no escapes: raw bytes minus the two quotes */
    C_ESCAPED /* "" escapes, text after the closing quote, or unterminated: copied */
};

typedef struct {
    size_t off, len; /* raw span, offsets from the record's first byte */
    int type;
} csv_cell;

struct sl_csv {
    sl_csv_row_fn cb;
    void *ud;
    unsigned char delim;
    size_t max_record, max_cells;
    unsigned char special[256]; /* 1 for delim, quote, CR, LF: bytes that stop an unquoted run */
    int avx2;                   /* the CPU has AVX2, POPCNT and BMI: scan_fast uses them */

    /* stream state */
    uint64_t record, line, pos; /* next record number, its line, bytes consumed after the BOM */
    int stopped, skip_lf, had_bom, bom_decided;
    unsigned bom_n;
    char bom_hold[3];
    sl_status oom;

    /* current record (valid while in_rec) */
    int in_rec, st, cell_type, too_large, ended, escaped;
    int sliced;   /* scan_fast filled the slices already (the record lies in the chunk) */
    unsigned hi; /* a byte >= 0x80 may be in the record: validate UTF-8 */
    uint64_t rec_offset;
    size_t scanned;   /* record bytes scanned in earlier chunks (carry mode) */
    size_t cell_off;  /* raw start of the current cell */
    size_t first_eol; /* offset of the first line break inside the record, or CSV_NONE */
    size_t last_cr;   /* offset of the last CR inside quotes, or CSV_NONE */
    uint32_t nlines;
    size_t ncells;

    csv_cell *cells;
    sl_slice *slices;
    size_t cells_cap;
    char *carry; /* bytes of a record spanning chunks, at most max_record */
    size_t carry_len, carry_cap;
    sl_buf scratch; /* unescaped cell contents */
};

static void reset_record(sl_csv *c);

sl_status sl_csv_new(sl_csv **out, const sl_csv_opts *opts, sl_csv_row_fn cb, void *ud)
{
    *out = NULL;
    if (!cb) return SL_EUSAGE;
    sl_csv *c = calloc(1, sizeof *c);
    if (!c) return SL_ENOMEM;
    c->cb = cb;
    c->ud = ud;
    c->delim = (unsigned char)(opts && opts->delim ? opts->delim : ',');
    c->max_record = opts && opts->max_record ? opts->max_record : CSV_DEFAULT_MAX_RECORD;
    c->max_cells = opts && opts->max_cells ? opts->max_cells : CSV_DEFAULT_MAX_CELLS;
    if (c->delim == '"' || c->delim == '\r' || c->delim == '\n') {
        free(c);
        return SL_EUSAGE;
    }
    c->special[c->delim] = c->special['"'] = c->special['\r'] = c->special['\n'] = 1;
#ifdef SL_CSV_AVX2
    __builtin_cpu_init();
    c->avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") &&
              __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
              !(opts && opts->no_avx2);
#endif
    c->record = 1;
    c->line = 1;
    reset_record(c);
    *out = c;
    return SL_OK;
}

void sl_csv_free(sl_csv *c)
{
    if (!c) return;
    free(c->cells);
    free(c->slices);
    free(c->carry);
    sl_buf_free(&c->scratch);
    free(c);
}

int sl_csv_had_bom(const sl_csv *c) { return c && c->had_bom; }

/* ---- scanning ------------------------------------------------------------------------------ */

/* Next index >= i holding the delimiter, a quote, CR or LF; n if none. Notes high bytes. */
static inline size_t skip_unquoted(const sl_csv *c, const unsigned char *p, size_t i, size_t n,
                                   unsigned *hi)
{
#ifdef SL_CSV_SSE2
    const __m128i vd = _mm_set1_epi8((char)c->delim), vq = _mm_set1_epi8('"');
    const __m128i vr = _mm_set1_epi8('\r'), vn = _mm_set1_epi8('\n');
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, vd), _mm_cmpeq_epi8(v, vq)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, vr), _mm_cmpeq_epi8(v, vn)));
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        *hi |= (unsigned)_mm_movemask_epi8(v);
        if (mask) return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
#endif
    while (i < n && !c->special[p[i]]) {
        *hi |= p[i] & 0x80u;
        i++;
    }
    return i;
}

/* Next index >= i holding a quote, CR or LF; n if none. */
static inline size_t skip_quoted(const unsigned char *p, size_t i, size_t n, unsigned *hi)
{
#ifdef SL_CSV_SSE2
    const __m128i vq = _mm_set1_epi8('"'), vr = _mm_set1_epi8('\r'), vn = _mm_set1_epi8('\n');
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, vq),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, vr), _mm_cmpeq_epi8(v, vn)));
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        *hi |= (unsigned)_mm_movemask_epi8(v);
        if (mask) return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
#endif
    while (i < n && p[i] != '"' && p[i] != '\r' && p[i] != '\n') {
        *hi |= p[i] & 0x80u;
        i++;
    }
    return i;
}

static int grow_cells(sl_csv *c)
{
    size_t cap = c->cells_cap ? c->cells_cap * 2 : 64;
    if (cap > c->max_cells) cap = c->max_cells;
    csv_cell *nc = sl_reallocarray(c->cells, cap, sizeof *nc);
    if (!nc) return -1;
    c->cells = nc;
    sl_slice *ns = sl_reallocarray(c->slices, cap, sizeof *ns);
    if (!ns) return -1;
    c->slices = ns;
    c->cells_cap = cap;
    return 0;
}

/* The rare ends of end_cell: the cell cap, or growing the cell arrays. */
static void end_cell_slow(sl_csv *c, size_t end)
{
    if (c->too_large) return;
    if (c->ncells == c->max_cells) {
        c->too_large = 1;
        return;
    }
    if (grow_cells(c) != 0) {
        c->oom = SL_ENOMEM;
        c->too_large = 1;
        return;
    }
    csv_cell *cell = &c->cells[c->ncells++];
    cell->off = c->cell_off;
    cell->len = end - c->cell_off;
    cell->type = c->cell_type;
}

/* Closes the current cell, whose raw bytes end before record offset `end`. */
static inline void end_cell(sl_csv *c, size_t end)
{
    if (c->ncells < c->cells_cap && !c->too_large) {
        csv_cell *cell = &c->cells[c->ncells++];
        cell->off = c->cell_off;
        cell->len = end - c->cell_off;
        cell->type = c->cell_type;
    } else {
        end_cell_slow(c, end);
    }
    c->escaped |= c->cell_type == C_ESCAPED;
    c->cell_off = end + 1;
    c->cell_type = C_PLAIN;
}

/* A line break inside quotes at record offset off: CRLF counts once. */
static void quoted_eol(sl_csv *c, unsigned char b, size_t off)
{
    if (c->first_eol == CSV_NONE) c->first_eol = off;
    if (b == '\n' && off > 0 && c->last_cr == off - 1) return;
    c->nlines++;
    if (b == '\r') c->last_cr = off;
}

/* Scans p[0..n), the next bytes of the current record, of which p[0] is at record offset adj.
 * Returns the index of the CR or LF ending the record (c->ended set), or n. The states are
 * labels: a cell boundary costs a direct jump, not a trip through a switch. */
static size_t scan(sl_csv *c, const unsigned char *p, size_t n, size_t adj)
{
    size_t i = 0;
    unsigned hi = c->hi;
    const unsigned char d = c->delim;
    unsigned char b;

    switch (c->st) {
    case S_UNQ: goto unquoted;
    case S_QUO: goto quoted;
    case S_QQ: goto quote_in_quoted;
    default: break;
    }
cell_start:
    if (i == n) {
        c->st = S_START;
        goto out;
    }
    if (p[i] == '"') {
        c->cell_type = C_QUOTED;
        i++;
        goto quoted;
    }
unquoted:
    i = skip_unquoted(c, p, i, n, &hi);
    if (i == n) {
        c->st = S_UNQ;
        goto out;
    }
    b = p[i];
    if (b == d) {
        end_cell(c, adj + i);
        i++;
        goto cell_start;
    }
    if (b == '"') { /* a quote inside an unquoted cell is a literal quote */
        i++;
        goto unquoted;
    }
    end_cell(c, adj + i);
    goto ended;
quoted:
    i = skip_quoted(p, i, n, &hi);
    if (i == n) {
        c->st = S_QUO;
        goto out;
    }
    if (p[i] == '"') {
        i++;
        goto quote_in_quoted;
    }
    quoted_eol(c, p[i], adj + i);
    i++;
    goto quoted;
quote_in_quoted: /* just after a quote inside a quoted cell */
    if (i == n) {
        c->st = S_QQ;
        goto out;
    }
    b = p[i];
    if (b == '"') {
        c->cell_type = C_ESCAPED;
        i++;
        goto quoted;
    }
    if (b == d) {
        end_cell(c, adj + i);
        i++;
        goto cell_start;
    }
    if (b == '\r' || b == '\n') {
        end_cell(c, adj + i);
        goto ended;
    }
    c->cell_type = C_ESCAPED; /* text after the closing quote is kept literally */
    goto unquoted;
out:
    c->hi = hi;
    return n;
ended:
    c->st = S_START;
    c->hi = hi;
    c->ended = 1;
    return i;
}

#ifdef SL_CSV_SSE2
/* ---- whole records, 64 bytes at a time -------------------------------------------------------
 * Most records are plain: every quote opens a cell or closes one just before a delimiter or the
 * line end. For those the quoted stretches are the prefix XOR of the quote bits, and the cell
 * and record ends are the delimiters and line ends outside them, found 64 bytes at a time
 * without a branch per byte or per state. Anything else (an escaped "", a quote inside an
 * unquoted cell, text after a closing quote, a record running past the chunk, more cells than
 * the arrays hold) is left to scan(), which decides every record the same way. */

/* What a scan needs of 64 bytes: where the quotes, delimiters, CRs and LFs are (bit i for
 * byte i), and whether any byte has its top bit set. */
typedef struct {
    uint64_t q, dl, cr, lf;
    unsigned hi;
} block_bits;

static inline uint64_t eq16(__m128i v, __m128i k)
{
    return (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, k));
}

static inline block_bits bits_sse2(const unsigned char *p, unsigned char d)
{
    const __m128i *src = (const __m128i *)(const void *)p;
    const __m128i a = _mm_loadu_si128(src), b = _mm_loadu_si128(src + 1);
    const __m128i c = _mm_loadu_si128(src + 2), e = _mm_loadu_si128(src + 3);
    const __m128i kq = _mm_set1_epi8('"'), kd = _mm_set1_epi8((char)d);
    const __m128i kr = _mm_set1_epi8('\r'), kn = _mm_set1_epi8('\n');
    block_bits r;
    r.q = eq16(a, kq) | eq16(b, kq) << 16 | eq16(c, kq) << 32 | eq16(e, kq) << 48;
    r.dl = eq16(a, kd) | eq16(b, kd) << 16 | eq16(c, kd) << 32 | eq16(e, kd) << 48;
    r.cr = eq16(a, kr) | eq16(b, kr) << 16 | eq16(c, kr) << 32 | eq16(e, kr) << 48;
    r.lf = eq16(a, kn) | eq16(b, kn) << 16 | eq16(c, kn) << 32 | eq16(e, kn) << 48;
    r.hi = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, e)));
    return r;
}

/* Set bits of x, without a branch and without assuming a popcnt instruction. */
static inline uint32_t count_bits_swar(uint64_t x)
{
    x -= (x >> 1) & UINT64_C(0x5555555555555555);
    x = (x & UINT64_C(0x3333333333333333)) + ((x >> 2) & UINT64_C(0x3333333333333333));
    x = (x + (x >> 4)) & UINT64_C(0x0F0F0F0F0F0F0F0F);
    return (uint32_t)((x * UINT64_C(0x0101010101010101)) >> 56);
}

#ifdef SL_CSV_AVX2
/* The same with AVX2: 32 bytes a compare. Chosen at run time (sl_csv_new), never assumed. */
SL_AVX2_TARGET static inline block_bits bits_avx2(const unsigned char *p, unsigned char d)
{
    const __m256i *src = (const __m256i *)(const void *)p;
    const __m256i a = _mm256_loadu_si256(src), b = _mm256_loadu_si256(src + 1);
    const __m256i kq = _mm256_set1_epi8('"'), kd = _mm256_set1_epi8((char)d);
    const __m256i kr = _mm256_set1_epi8('\r'), kn = _mm256_set1_epi8('\n');
#define EQ32(v, k) ((uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8((v), (k))))
    block_bits r;
    r.q = EQ32(a, kq) | EQ32(b, kq) << 32;
    r.dl = EQ32(a, kd) | EQ32(b, kd) << 32;
    r.cr = EQ32(a, kr) | EQ32(b, kr) << 32;
    r.lf = EQ32(a, kn) | EQ32(b, kn) << 32;
#undef EQ32
    r.hi = (unsigned)_mm256_movemask_epi8(_mm256_or_si256(a, b));
    return r;
}
#endif

/* Bit i set when an odd number of bits 0..i of x are set. */
static inline uint64_t prefix_xor(uint64_t x)
{
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
}

/* Scans the record starting at p[0] (n bytes available, n > 64) and fills the cells and line
 * counts as scan() would. Returns the index of the CR or LF ending it, or CSV_NONE (nothing
 * kept) when the record is not plain or does not end within n bytes. Written once, compiled
 * twice (scan_fast_sse2, scan_fast_avx2): avx2 is a constant in each. */
#define COUNT_BITS(x) (avx2 ? (uint32_t)__builtin_popcountll(x) : count_bits_swar(x))
static inline __attribute__((always_inline)) size_t scan_fast_body(sl_csv *c, const unsigned char *p,
                                                                   size_t n, const int avx2)
{
    const unsigned char d = c->delim;
    uint64_t inq_carry = 0;   /* all ones when the previous block ended inside quotes */
    uint64_t start_carry = 1; /* bit 0: the block's first byte starts a cell */
    uint64_t close_carry = 0; /* the previous block ended with a closing quote */
    uint64_t cr_carry = 0;    /* the previous block ended with a CR inside quotes */
    size_t ncells = 0, cell_off = 0, first_eol = CSV_NONE;
    uint32_t nlines = 1;
    unsigned hi = 0;
    for (size_t o = 0; o + 64 < n; o += 64) { /* p[o + 64] is readable: see the cell loop */
#ifdef SL_CSV_AVX2
        const block_bits bb = avx2 ? bits_avx2(p + o, d) : bits_sse2(p + o, d);
#else
        const block_bits bb = bits_sse2(p + o, d);
#endif
        const uint64_t q = bb.q, dl = bb.dl, cr = bb.cr, lf = bb.lf;
        const uint64_t inq = prefix_xor(q) ^ inq_carry;
        const uint64_t eol = (cr | lf) & ~inq;
        const uint64_t valid = eol ? (eol ^ (eol - 1)) : ~UINT64_C(0); /* bits up to the end */
        const uint64_t sep = dl & ~inq & valid;
        const uint64_t open = q & inq & valid, close = q & ~inq & valid;
        /* An opening quote must start a cell; a closing one must be followed by a delimiter
         * or the line end. */
        if (open & ~((sep << 1) | start_carry)) return CSV_NONE;
        if (close_carry && !((dl | cr | lf) & 1)) return CSV_NONE;
        if (close & ~(((dl | cr | lf) >> 1) | (UINT64_C(1) << 63))) return CSV_NONE;
        /* High bytes anywhere in the block: only a hint to look for invalid UTF-8. */
        hi |= bb.hi;
        /* Line breaks inside quotes: a CRLF counts once. Without branches: where a record's
         * line break falls among its blocks is not predictable. */
        const uint64_t qcr = cr & inq & valid, qlf = lf & inq & valid, qeol = qcr | qlf;
        const size_t at_eol = o + (size_t)__builtin_ctzll(qeol | UINT64_C(1) << 63);
        const size_t cand = at_eol | ((size_t)0 - (size_t)(qeol == 0)); /* CSV_NONE if none */
        first_eol ^= (first_eol ^ cand) & ((size_t)0 - (size_t)(cand < first_eol));
        nlines += COUNT_BITS(qcr) + COUNT_BITS(qlf & ~((qcr << 1) | cr_carry));
        /* Cell ends, taken four at a time: the entries past the last end are written but not
         * counted, so the loop ends on a count rather than on each bit. Cells go straight to
         * the slices handed out (the record lies in p): a cell starting with a quote is a
         * quoted cell here, its content between the quotes. */
        uint64_t ends = sep | (eol & (UINT64_C(0) - eol)); /* the first line end only */
        const size_t nends = COUNT_BITS(ends);
        const size_t next_off = ends ? o + 64 - (size_t)__builtin_clzll(ends) : cell_off;
        if (ncells + nends + 4 > c->cells_cap) return CSV_NONE;
        sl_slice *out = &c->slices[ncells];
        for (size_t k = 0; k < nends; k += 4, out += 4) {
            for (int u = 0; u < 4; u++) {
                const size_t at = o + (size_t)__builtin_ctzll(ends | UINT64_C(1) << 63);
                ends &= ends - 1;
                /* past the last end at is o + 63 and cell_off at most o + 64 */
                const size_t quoted = (size_t)(p[cell_off] == '"') & (size_t)(at > cell_off);
                out[u].p = (const char *)p + cell_off + quoted;
                out[u].len = at - cell_off - 2 * quoted;
                cell_off = at + 1;
            }
        }
        /* The last group may have run past the last end: restart after the real one. */
        ncells += nends;
        cell_off = next_off;
        if (eol) {
            const size_t end = o + (size_t)__builtin_ctzll(eol);
            c->ncells = ncells;
            c->nlines = nlines;
            c->first_eol = first_eol; /* last_cr matters only inside scan() */
            c->hi = hi;
            c->escaped = 0;
            c->sliced = 1;
            c->st = S_START;
            c->ended = 1;
            return end;
        }
        inq_carry = (uint64_t)0 - (inq >> 63);
        start_carry = sep >> 63;
        close_carry = close >> 63;
        cr_carry = qcr >> 63;
    }
    return CSV_NONE;
}
#undef COUNT_BITS

static size_t scan_fast_sse2(sl_csv *c, const unsigned char *p, size_t n)
{
    return scan_fast_body(c, p, n, 0);
}

#ifdef SL_CSV_AVX2
SL_AVX2_TARGET static size_t scan_fast_avx2(sl_csv *c, const unsigned char *p, size_t n)
{
    return scan_fast_body(c, p, n, 1);
}
#endif

static size_t scan_fast(sl_csv *c, const unsigned char *p, size_t n)
{
#ifdef SL_CSV_AVX2
    if (c->avx2) return scan_fast_avx2(c, p, n);
#endif
    return scan_fast_sse2(c, p, n);
}
#endif

/* ---- delivery ------------------------------------------------------------------------------ */

/* Invalid UTF-8 sequences in p[0..n), counted as a decoder would emit U+FFFD (one for each
 * maximal ill-formed subpart). ASCII is skipped eight bytes at a time. */
static uint32_t count_invalid_utf8(const unsigned char *p, size_t n)
{
    uint32_t bad = 0;
    size_t i = 0;
    while (i < n) {
        if (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (!(w & 0x8080808080808080ull)) {
                i += 8;
                continue;
            }
        }
        unsigned char b = p[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        unsigned need;
        unsigned char lo = 0x80, hi = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) need = 1;
        else if (b == 0xE0) need = 2, lo = 0xA0;
        else if (b == 0xED) need = 2, hi = 0x9F;
        else if (b >= 0xE1 && b <= 0xEF) need = 2;
        else if (b == 0xF0) need = 3, lo = 0x90;
        else if (b >= 0xF1 && b <= 0xF3) need = 3;
        else if (b == 0xF4) need = 3, hi = 0x8F;
        else {
            bad++;
            i++;
            continue;
        }
        i++;
        for (; need > 0; need--) {
            if (i < n && p[i] >= lo && p[i] <= hi) {
                i++;
                lo = 0x80;
                hi = 0xBF;
            } else {
                bad++;
                break;
            }
        }
    }
    return bad;
}

/* Writes the content of an escaped cell's raw bytes s[0..n) to out; returns its length. */
static size_t unescape(const char *s, size_t n, char *out)
{
    size_t i = 1, o = 0; /* s[0] is the opening quote */
    while (i < n) {
        if (s[i] != '"') {
            out[o++] = s[i++];
        } else if (i + 1 < n && s[i + 1] == '"') {
            out[o++] = '"';
            i += 2;
        } else { /* closing quote: the rest is literal */
            for (i++; i < n; i++) out[o++] = s[i];
        }
    }
    return o;
}

static void reset_record(sl_csv *c)
{
    c->in_rec = 0;
    c->st = S_START;
    c->cell_type = C_PLAIN;
    c->too_large = 0;
    c->ended = 0;
    c->escaped = 0;
    c->sliced = 0;
    c->hi = 0;
    c->scanned = 0;
    c->cell_off = 0;
    c->first_eol = CSV_NONE;
    c->last_cr = CSV_NONE;
    c->nlines = 1;
    c->ncells = 0;
    c->carry_len = 0;
}

/* Hands the finished record of len bytes to the callback. base holds its first `avail` bytes
 * (all of them unless it grew past max_record). eol_len is the bytes of its line end (0 or 1;
 * a CRLF's LF is skipped later). Returns the callback's verdict. */
static int deliver(sl_csv *c, const char *base, size_t avail, size_t len, size_t eol_len,
                   sl_csv_err err)
{
    sl_csv_row row;
    memset(&row, 0, sizeof row);
    row.record = c->record;
    row.line = c->line;
    row.offset = c->rec_offset;
    row.nlines = c->nlines;
    row.err = err;
    size_t fl = c->first_eol == CSV_NONE ? len : c->first_eol;

    if (c->too_large || len > c->max_record || avail < len) {
        /* A stray quote that runs to the end of the input says more than "too large" */
        row.err = err == SL_CSV_UNTERMINATED ? SL_CSV_UNTERMINATED : SL_CSV_TOO_LARGE;
        if (fl > c->max_record) fl = c->max_record;
        if (fl > avail) fl = avail;
        row.cells = c->slices;
        row.ncells = 0;
    } else {
        if (c->escaped) {
            sl_buf_reset(&c->scratch);
            if (sl_buf_reserve(&c->scratch, len + 1) != SL_OK) {
                c->oom = SL_ENOMEM;
                return 1;
            }
        }
        char *out = c->scratch.p;
        if (c->sliced) {
            /* scan_fast wrote them */
        } else if (!c->escaped) {
            /* Plain and quoted cells only: one shape, no branch per cell. */
            for (size_t k = 0; k < c->ncells; k++) {
                const csv_cell *cell = &c->cells[k];
                const size_t q = cell->type == C_QUOTED;
                c->slices[k].p = base + cell->off + q;
                c->slices[k].len = cell->len - 2 * q;
            }
        } else for (size_t k = 0; k < c->ncells; k++) {
            const csv_cell *cell = &c->cells[k];
            sl_slice *s = &c->slices[k];
            if (cell->type == C_PLAIN) {
                s->p = base + cell->off;
                s->len = cell->len;
            } else if (cell->type == C_QUOTED) {
                s->p = base + cell->off + 1;
                s->len = cell->len - 2;
            } else {
                s->p = out;
                s->len = unescape(base + cell->off, cell->len, out);
                out += s->len;
            }
        }
        row.cells = c->slices;
        row.ncells = c->ncells;
        if (c->hi) row.invalid_utf8 = count_invalid_utf8((const unsigned char *)base, len);
    }
    row.first_line.p = base;
    row.first_line.len = fl;

    int stop = c->cb(c->ud, &row);
    c->record++;
    c->line += c->nlines;
    c->pos = c->rec_offset + len + eol_len;
    reset_record(c);
    if (stop) c->stopped = 1;
    return stop;
}

/* Keeps bytes of a record that spans chunks, never more than max_record of them. */
static void carry_append(sl_csv *c, const char *p, size_t n)
{
    if (n == 0) return;
    if (c->carry_len >= c->max_record) {
        c->too_large = 1;
        return;
    }
    if (n > c->max_record - c->carry_len) {
        n = c->max_record - c->carry_len;
        c->too_large = 1;
    }
    if (c->carry_len + n > c->carry_cap) {
        size_t cap = c->carry_cap ? c->carry_cap : 4096;
        while (cap < c->carry_len + n) cap *= 2;
        if (cap > c->max_record) cap = c->max_record;
        char *np = realloc(c->carry, cap);
        if (!np) {
            c->oom = SL_ENOMEM;
            c->too_large = 1;
            return;
        }
        c->carry = np;
        c->carry_cap = cap;
    }
    memcpy(c->carry + c->carry_len, p, n);
    c->carry_len += n;
}

static sl_status feed_body(sl_csv *c, const char *buf, size_t n)
{
    const unsigned char *p = (const unsigned char *)buf;
    size_t i = 0;

    if (n == 0 || c->stopped) return c->oom;
    if (c->in_rec) { /* carry mode: the record began in an earlier chunk */
        size_t j = scan(c, p, n, c->scanned);
        carry_append(c, buf, j);
        if (!c->ended) {
            c->scanned += n;
            return c->oom;
        }
        if (p[j] == '\r') c->skip_lf = 1;
        if (deliver(c, c->carry, c->carry_len, c->scanned + j, 1, SL_CSV_OK)) return c->oom;
        i = j + 1;
    }
    while (i < n) {
        if (c->skip_lf) {
            c->skip_lf = 0;
            if (p[i] == '\n') {
                i++;
                c->pos++;
                continue;
            }
        }
        c->in_rec = 1;
        c->rec_offset = c->pos;
        size_t j = CSV_NONE;
#ifdef SL_CSV_SSE2
        if (n - i > 64) j = scan_fast(c, p + i, n - i);
#endif
        if (j == CSV_NONE) j = scan(c, p + i, n - i, 0);
        if (!c->ended) {
            carry_append(c, buf + i, n - i);
            c->scanned = n - i;
            break;
        }
        if (p[i + j] == '\r') c->skip_lf = 1;
        if (deliver(c, buf + i, j, j, 1, SL_CSV_OK)) break;
        i += j + 1;
    }
    return c->oom;
}

sl_status sl_csv_feed(sl_csv *c, const char *buf, size_t len)
{
    static const char bom[3] = {'\xEF', '\xBB', '\xBF'};
    if (!c) return SL_EUSAGE;
    if (c->stopped) return SL_OK;
    if (!c->bom_decided) {
        while (len > 0 && c->bom_n < 3 && buf[0] == bom[c->bom_n]) {
            c->bom_hold[c->bom_n++] = buf[0];
            buf++;
            len--;
        }
        if (c->bom_n == 3) {
            c->bom_decided = 1;
            c->had_bom = 1;
        } else if (len == 0) {
            return SL_OK; /* still a BOM prefix: wait for more */
        } else {
            c->bom_decided = 1;
            sl_status rc = feed_body(c, c->bom_hold, c->bom_n);
            if (rc) return rc;
        }
    }
    return feed_body(c, buf, len);
}

static sl_status finish(sl_csv *c, int cut)
{
    if (!c) return SL_EUSAGE;
    if (!c->bom_decided) {
        c->bom_decided = 1;
        sl_status rc = feed_body(c, c->bom_hold, c->bom_n);
        if (rc) return rc;
    }
    if (c->stopped || !c->in_rec) return c->oom;
    sl_csv_err err = cut ? SL_CSV_CUT : SL_CSV_OK;
    if (c->st == S_QUO) {
        if (!cut) err = SL_CSV_UNTERMINATED;
        c->cell_type = C_ESCAPED;
    }
    end_cell(c, c->scanned);
    deliver(c, c->carry, c->carry_len, c->scanned, 0, err);
    c->stopped = 1; /* the stream is over */
    return c->oom;
}

sl_status sl_csv_finish(sl_csv *c) { return finish(c, 0); }

sl_status sl_csv_finish_cut(sl_csv *c) { return finish(c, 1); }
