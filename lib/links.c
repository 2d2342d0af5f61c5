/* links.c: search rows kept as 32-byte records, then linked into searches at the end by two
 * sorts: by composite key (to find each key's ID, and the keys that fit two searches), then by
 * the search each row was given, in 16-byte records (to count searches and the categories
 * they carry). Both sorts are radix sorts on a hash. */
#include "links.h"

#include "core.h"
#include "timeparse.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t c;    /* composite key (0: none) */
    uint64_t u;    /* hash of the ID (0: none) */
    uint32_t cats; /* one bit per category */
    uint32_t det;  /* hash of what else the row holds: two rows of one source under one key
                      and with different det are two searches */
    uint32_t src;
    uint32_t row;  /* a flagged row: its number among them, from 1 (0: not flagged) */
} rec;
_Static_assert(sizeof(rec) == 32, "a kept row is 32 bytes");

/* A row once given its search (0: a search alone). */
typedef struct {
    uint64_t id;
    uint32_t cats, src;
} srch;
_Static_assert(sizeof(srch) == 16, "a row given its search is 16 bytes");

/* Organizations seen, by a hash of their bytes, with the hash of their compared form. */
#define ORG_MEMO 1024u
typedef struct {
    uint64_t raw, norm;
    size_t len;
} org_memo;

struct sl_links {
    rec *r;
    size_t n, cap, max;
    size_t mark;
    size_t keyed_no_id; /* rows with a composite key and no ID: 0, and keys need no sort */
    size_t mark_keyed;
    uint64_t nflagged, mark_flagged; /* rows with a category */
    uint64_t *search_of;
    uint32_t nsrc;                   /* sources: the largest id kept, plus one */
    uint64_t *src_rows, *src_repeats;
    sl_links_why gave_up;
    int in_place;       /* sort without a second buffer (tests) */
    const char *cat_p[SL_LINKS_CATS]; /* categories as passed, in the order first seen */
    size_t ncat;
    sl_links_cat res_cats[SL_LINKS_CATS];
    org_memo org[ORG_MEMO];
    int finished;
};

sl_links *sl_links_new(void) {
    sl_links *l = calloc(1, sizeof *l);
    if (l) l->max = SL_LINKS_MAX_ROWS;
    return l;
}

void sl_links_free(sl_links *l) {
    if (!l) return;
    free(l->r);
    free(l->search_of);
    free(l->src_rows);
    free(l->src_repeats);
    free(l);
}

void sl_links_set_max_rows(sl_links *l, size_t rows) { l->max = rows ? rows : 1; }

void sl_links_set_in_place(sl_links *l, int in_place) { l->in_place = in_place; }

sl_links_why sl_links_gave_up(const sl_links *l) { return l->gave_up; }

static void give_up(sl_links *l, sl_links_why why) {
    l->gave_up = why;
    free(l->r);
    l->r = NULL;
    l->n = l->cap = l->mark = 0;
}

static int cat_bit(sl_links *l, const char *c) {
    for (size_t i = 0; i < l->ncat; i++)
        if (l->cat_p[i] == c) return (int)i;
    for (size_t i = 0; i < l->ncat; i++) /* the same text passed by another pointer */
        if (!strcmp(l->cat_p[i], c)) return (int)i;
    if (l->ncat == SL_LINKS_CATS) return -1;
    l->cat_p[l->ncat] = c;
    return (int)l->ncat++;
}

/* What else the row holds, beside its key: the cells that tell two searches of one second
 * apart. Cell states count too: "***" and a name are two different rows of one source. */
static uint32_t detail(const sl_search *s) {
    static const sl_field f[] = {SL_F_NAME,    SL_F_USER_ID, SL_F_PLATE,       SL_F_REASON,
                                 SL_F_CASE,    SL_F_OFFENSE, SL_F_FILTERS,     SL_F_SEARCH_TYPE,
                                 SL_F_DEVICES, SL_F_TEXT_PROMPT};
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
        const sl_cell *c = &s->f[f[i]];
        h = sl_hash_fast(c->p ? c->p : "", c->p ? c->len : 0, h + (uint64_t)c->st + 1);
    }
    return (uint32_t)(h >> 32);
}

/* The organization lower-cased with white space runs collapsed, as the release checks compare
 * it (release.c), hashed; remembered by a hash of its bytes, since a log names a few thousand
 * organizations in millions of rows. */
static uint64_t org_hash(sl_links *l, const sl_cell *org) {
    const uint64_t raw = sl_hash_fast(org->p, org->len, 0x2c);
    org_memo *m = &l->org[raw & (ORG_MEMO - 1)];
    if (m->raw == raw && m->len == org->len && m->norm) return m->norm;
    char b[256];
    size_t n = 0;
    int sp = 0;
    for (size_t i = 0; i < org->len && n < sizeof b; i++) {
        unsigned char ch = (unsigned char)org->p[i];
        if (sl_isspace(ch)) {
            sp = 1;
            continue;
        }
        if (sp && n && n < sizeof b - 1) b[n++] = ' ';
        sp = 0;
        b[n++] = (char)sl_tolower(ch);
    }
    *m = (org_memo){raw, sl_hash_fast(b, n, 0x2d) | 1, org->len};
    return m->norm;
}

static inline uint64_t mix(uint64_t h, int64_t v) {
    h = (h ^ (uint64_t)v) * 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 29);
}

/* The composite key: the organization, the search time, the networks searched and the time
 * frame. */
static uint64_t composite(sl_links *l, const sl_search *s) {
    uint64_t h = org_hash(l, &s->f[SL_F_ORG]);
    h = mix(h, s->search_time);
    h = mix(h, s->networks);
    h = mix(h, s->tf_start);
    h = mix(h, s->tf_end);
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ull;
    return h ^ (h >> 32);
}

sl_status sl_links_add(sl_links *l, const sl_search *s, uint64_t row_key,
                       const char *const *cats, size_t ncats, uint32_t source) {
    if (l->gave_up || l->finished) return SL_OK;
    uint32_t bits = 0;
    for (size_t i = 0; i < ncats; i++) {
        int b = cat_bit(l, cats[i]);
        if (b < 0) {
            give_up(l, SL_LINKS_TOO_MANY_CATS);
            return SL_OK;
        }
        bits |= 1u << b;
    }
    if (l->n == l->max) {
        give_up(l, SL_LINKS_TOO_MANY_ROWS);
        return SL_OK;
    }
    if (l->n == l->cap && sl_grow((void **)&l->r, &l->cap, l->n + 1, sizeof *l->r))
        return SL_ENOMEM;
    rec *r = &l->r[l->n++];
    const sl_cell *id = &s->f[SL_F_ID], *org = &s->f[SL_F_ORG];
    r->u = id->st == SL_CELL_VALUE && id->len ? row_key | 1 : 0; /* the ID's hash */
    r->c = 0;
    if (org->st == SL_CELL_VALUE && org->len && s->search_time != SL_TIME_NONE)
        r->c = composite(l, s) | 1;
    l->keyed_no_id += r->c && !r->u;
    r->cats = bits;
    r->det = r->u ? 0 : detail(s); /* only rows without an ID are told apart by it */
    r->src = source;
    if (source >= l->nsrc) l->nsrc = source + 1;
    r->row = ncats ? (uint32_t)++l->nflagged : 0;
    return SL_OK;
}

void sl_links_open(sl_links *l) {
    l->mark = l->n;
    l->mark_keyed = l->keyed_no_id;
    l->mark_flagged = l->nflagged;
}

void sl_links_close(sl_links *l, int keep) {
    if (!keep && l->mark <= l->n) {
        l->n = l->mark;
        l->keyed_no_id = l->mark_keyed;
        l->nflagged = l->mark_flagged;
    }
    l->mark = l->n;
    l->mark_keyed = l->keyed_no_id;
    l->mark_flagged = l->nflagged;
}

static int cmp_key(const void *a, const void *b) {
    const rec *x = a, *y = b;
    if (x->c != y->c) return x->c < y->c ? -1 : 1;
    if (x->src != y->src) return x->src < y->src ? -1 : 1;
    if (x->det != y->det) return x->det < y->det ? -1 : 1;
    return (x->u > y->u) - (x->u < y->u);
}

static int cmp_search(const void *a, const void *b) {
    const srch *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static int cmp_source(const void *a, const void *b) {
    const srch *x = a, *y = b;
    return (x->src > y->src) - (x->src < y->src);
}

/* A flagged row that is not a search alone: its search's hash and its number. */
typedef struct {
    uint64_t id;
    uint32_t row, pad;
} flagged_row;

static int cmp_flagged(const void *a, const void *b) {
    const flagged_row *x = a, *y = b;
    if (x->id != y->id) return x->id < y->id ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

/* Both record types begin with the 64-bit hash they are sorted by. */
static inline uint64_t key_of(const char *p) {
    uint64_t k;
    memcpy(&k, p, sizeof k);
    return k;
}

/* Records of key 0 moved to the front; returns how many. */
static inline size_t zeros_first(char *r, size_t n, size_t sz) {
    size_t z = 0;
    char t[32];
    for (size_t i = 0; i < n; i++)
        if (key_of(r + i * sz) == 0) {
            memcpy(t, r + z * sz, sz);
            memcpy(r + z * sz, r + i * sz, sz);
            memcpy(r + i * sz, t, sz);
            z++;
        }
    return z;
}

#define DIGIT 11 /* bits per radix pass */
#define TOP (2 * DIGIT)

/* Sorts n records of sz bytes by cmp: insertion for a few, qsort for more. */
static inline __attribute__((always_inline)) void
sort_run(char *r, size_t n, size_t sz, int (*cmp)(const void *, const void *)) {
    if (n > 16) {
        qsort(r, n, sz, cmp);
        return;
    }
    char x[32];
    for (size_t i = 1; i < n; i++) {
        memcpy(x, r + i * sz, sz);
        size_t j = i;
        while (j > 0 && cmp(r + (j - 1) * sz, x) > 0) {
            memcpy(r + j * sz, r + (j - 1) * sz, sz);
            j--;
        }
        memcpy(r + j * sz, x, sz);
    }
}

/* Sorts n records of sz bytes by cmp, whose first key is the hash they begin with: records
 * sorted by its top TOP bits leave runs of a record or two, each sorted alone. Two radix
 * passes (both digits counted in one pass first) through a second buffer: spare when it holds
 * n records, else one allocated when there is memory for it (a pass reads in order and writes
 * to 2,048 places at once); else one pass in place by the top 16 bits (an American flag sort),
 * several times slower: its writes go anywhere. qsort over the whole array was a quarter of a
 * scan's time. Inlined for each record size, so that every copy is of a known size. */
static inline __attribute__((always_inline)) sl_status
sort_records(char *r, size_t n, size_t sz, int (*cmp)(const void *, const void *), int in_place,
             char *spare, size_t spare_bytes) {
    if (n < 4096) {
        if (n > 1) qsort(r, n, sz, cmp);
        return SL_OK;
    }
    char *tmp = in_place ? NULL : spare_bytes >= n * sz ? spare : malloc(n * sz);
    const int top = tmp ? TOP : 16; /* the bits the records end sorted by */
    if (tmp) {
        size_t cnt[2][1u << DIGIT]; /* the lower digit first, then the top one */
        const uint64_t mask = (1u << DIGIT) - 1;
        memset(cnt, 0, sizeof cnt);
        for (size_t i = 0; i < n; i++) {
            const uint64_t k = key_of(r + i * sz);
            cnt[0][(k >> (64 - TOP)) & mask]++;
            cnt[1][(k >> (64 - TOP + DIGIT)) & mask]++;
        }
        char *from = r, *to = tmp;
        for (int pass = 0; pass < 2; pass++) {
            const int shift = 64 - TOP + pass * DIGIT;
            size_t sum = 0;
            for (size_t b = 0; b < (1u << DIGIT); b++) {
                size_t c = cnt[pass][b];
                cnt[pass][b] = sum;
                sum += c;
            }
            for (size_t i = 0; i < n; i++)
                memcpy(to + cnt[pass][(key_of(from + i * sz) >> shift) & mask]++ * sz,
                       from + i * sz, sz);
            char *t = from;
            from = to;
            to = t;
        }
        if (tmp != spare) free(tmp); /* two passes: the records are back in r */
    } else {
        const size_t nb = (size_t)1 << top;
        size_t *start = calloc(2 * nb + 1, sizeof *start);
        if (!start) return SL_ENOMEM;
        size_t *next = start + nb + 1;
        for (size_t i = 0; i < n; i++) start[(key_of(r + i * sz) >> (64 - top)) + 1]++;
        for (size_t b = 0; b < nb; b++) {
            start[b + 1] += start[b];
            next[b] = start[b];
        }
        char x[32], y[32];
        for (size_t b = 0; b < nb; b++) {
            while (next[b] < start[b + 1]) {
                memcpy(x, r + next[b] * sz, sz);
                size_t d = key_of(x) >> (64 - top);
                while (d != b) { /* put x where it goes, take what was there */
                    memcpy(y, r + next[d] * sz, sz);
                    memcpy(r + next[d]++ * sz, x, sz);
                    memcpy(x, y, sz);
                    d = key_of(x) >> (64 - top);
                }
                memcpy(r + next[b]++ * sz, x, sz);
            }
        }
        free(start);
    }
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && (key_of(r + b * sz) >> (64 - top)) == (key_of(r + a * sz) >> (64 - top)))
            b++;
        sort_run(r + a * sz, b - a, sz, cmp);
        a = b;
    }
    return SL_OK;
}

static sl_status sort_keys(rec *r, size_t n, int in_place) {
    return sort_records((char *)r, n, sizeof *r, cmp_key, in_place, NULL, 0);
}

static sl_status sort_searches(srch *r, size_t n, int in_place, srch *spare, size_t spare_n) {
    return sort_records((char *)r, n, sizeof *r, cmp_search, in_place, (char *)spare,
                        spare_n * sizeof *spare);
}

static sl_status sort_flagged(flagged_row *r, size_t n, int in_place) {
    return sort_records((char *)r, n, sizeof *r, cmp_flagged, in_place, NULL, 0);
}

static void sort_by_source(srch *r, size_t n) {
    sort_run((char *)r, n, sizeof *r, cmp_source);
}

/* Gives each row of one composite key [a, b) its search: the key's one ID, or the key itself,
 * or, when the key is ambiguous, the row's own ID (0 without one: a search alone). */
static void resolve_key(rec *r, size_t a, size_t b, sl_links_result *o) {
    uint64_t id = 0;
    int ambiguous = 0;
    const rec *prev = NULL; /* the last row without an ID */
    for (size_t i = a; i < b; i++) {
        if (r[i].u) {
            if (id && r[i].u != id) ambiguous = 1;
            id = r[i].u;
            continue;
        }
        /* sorted by source and detail: two rows of one source without an ID that differ are
         * two searches (the same row twice in a file is one search, listed twice) */
        if (prev && prev->src == r[i].src && prev->det != r[i].det) ambiguous = 1;
        prev = &r[i];
    }
    if (ambiguous) o->refused_keys++;
    for (size_t i = a; i < b; i++) {
        if (r[i].u) {
            o->by_id++;
            r[i].c = r[i].u;
        } else if (ambiguous) {
            o->refused++;
            r[i].c = 0;
        } else {
            o->by_key++;
            r[i].c = id ? id : r[i].c;
        }
    }
}

sl_status sl_links_finish(sl_links *l, sl_links_result *o) {
    memset(o, 0, sizeof *o);
    if (l->finished || l->gave_up) return SL_OK;
    l->finished = 1;
    rec *r = l->r;
    const size_t n = l->n;
    o->rows = n;
    uint64_t per_cat[SL_LINKS_CATS] = {0}, rows_cat[SL_LINKS_CATS] = {0};
    /* First: each composite key, its ID and whether it fits two searches; c becomes the row's
     * search. Rows without a key keep their ID as their search. */
    size_t i = 0, z = 0;
    if (!l->keyed_no_id) { /* every row has an ID or no key: its ID is its search */
        for (; i < n; i++) {
            if (r[i].u) o->by_id++;
            else o->no_key++;
            r[i].c = r[i].u;
        }
    } else {
        z = zeros_first((char *)r, n, sizeof *r);
        if (sort_keys(r + z, n - z, l->in_place)) return SL_ENOMEM;
    }
    for (; i < z; i++) { /* no key */
        if (r[i].u) {
            o->by_id++;
            r[i].c = r[i].u;
        } else o->no_key++;
    }
    while (i < n) {
        size_t j = i + 1;
        while (j < n && r[j].c == r[i].c) j++;
        resolve_key(r, i, j, o);
        i = j;
    }
    /* Then the searches. Each row becomes its search, categories and source, in place (the
     * 16-byte record i ends before the 32-byte record i + 1 starts); a row that is a search
     * alone is counted here and dropped. The rest are sorted by search through the 32-byte
     * records' second half, free by then. */
    srch *q = (srch *)(void *)r, *spare = (srch *)(void *)((char *)r + n * sizeof *q);
    /* the flagged rows' searches: numbered here for rows that are a search alone, gathered
     * with their search's hash for the others */
    flagged_row *fr = NULL;
    size_t nfr = 0;
    if (l->nflagged && (!(l->search_of = calloc(l->nflagged, sizeof *l->search_of)) ||
                        !(fr = malloc(l->nflagged * sizeof *fr)))) {
        free(fr);
        return SL_ENOMEM;
    }
    if (!(l->src_rows = calloc(l->nsrc + 1, sizeof *l->src_rows)) ||
        !(l->src_repeats = calloc(l->nsrc + 1, sizeof *l->src_repeats))) {
        free(fr);
        return SL_ENOMEM;
    }
    size_t m = 0;
    for (i = 0; i < n; i++) {
        const rec x = r[i];
        l->src_rows[x.src]++;
        for (uint32_t b = x.cats; b; b &= b - 1) rows_cat[__builtin_ctz(b)]++;
        if (!x.c) {
            o->searches++;
            if (x.row) l->search_of[x.row - 1] = o->searches;
            for (uint32_t b = x.cats; b; b &= b - 1) per_cat[__builtin_ctz(b)]++;
            continue;
        }
        if (x.row) fr[nfr++] = (flagged_row){x.c, x.row, 0};
        q[m++] = (srch){x.c, x.cats, x.src};
    }
    if (sort_searches(q, m, l->in_place, spare, n) || sort_flagged(fr, nfr, l->in_place)) {
        free(fr);
        return SL_ENOMEM;
    }
    size_t f = 0; /* the next flagged row, in the searches' order */
    for (i = 0; i < m;) {
        size_t j = i + 1;
        uint32_t bits = q[i].cats;
        int several = 0;
        while (j < m && q[j].id == q[i].id) {
            bits |= q[j].cats;
            if (q[j].src != q[i].src) several = 1;
            j++;
        }
        o->searches++;
        if (several) {
            o->several++;
            o->several_rows += j - i;
        }
        if (j - i > 1) { /* its rows by source: a source's second row of it repeats it */
            sort_by_source(q + i, j - i);
            for (size_t k = i + 1; k < j; k++)
                if (q[k].src == q[k - 1].src) {
                    l->src_repeats[q[k].src]++;
                    o->repeats++;
                }
        }
        for (; bits; bits &= bits - 1) per_cat[__builtin_ctz(bits)]++;
        for (; f < nfr && fr[f].id == q[i].id; f++) l->search_of[fr[f].row - 1] = o->searches;
        i = j;
    }
    free(fr);
    o->search_of = l->search_of;
    o->flagged = l->nflagged;
    o->source_rows = l->src_rows;
    o->source_repeats = l->src_repeats;
    o->nsources = l->nsrc;
    for (size_t c = 0; c < l->ncat; c++)
        l->res_cats[c] = (sl_links_cat){l->cat_p[c], rows_cat[c], per_cat[c]};
    o->cats = l->res_cats;
    o->ncats = l->ncat;
    free(l->r); /* the records are not needed past here */
    l->r = NULL;
    l->n = l->cap = 0;
    return SL_OK;
}
