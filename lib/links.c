/* links.c: search rows kept as 32-byte records, then linked into searches at the end by two
 * sorts: by composite key (to find each key's ID, and the keys that fit two searches), then by
 * the search each row was given, in 16-byte records (to count searches and the categories
 * they carry). Both sorts are radix sorts on a hash. Past the memory budget the records go to
 * two spill files in partitions by the top bits of that hash: the rows with a key by their key,
 * the others by their search; at the end each key partition is resolved and its rows go on to
 * the search partitions, which are then counted one at a time, in the order of their hashes,
 * so that the result is the one the records in memory would have given. */
#include "links.h"

#include "core.h"
#include "counts.h"
#include "spill.h"
#include "timeparse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t c;    /* composite key (0: none) */
    uint64_t u;    /* hash of the ID (0: none) */
    uint32_t cats; /* one bit per category */
    uint32_t det;  /* hash of what else the row holds: two rows of one source under one key
                      and with different det are two searches */
    uint32_t src;
    uint32_t row;  /* a flagged row (cats not 0): its number among them, from 1; another row:
                      its cell (0: none) and reach bucket (place) */
} rec;
_Static_assert(sizeof(rec) == 32, "a kept row is 32 bytes");

/* A row once given its search (0: a search alone), with its cell (0: none) and reach bucket
 * (place). Its categories are its flagged row's (flagged_row): a row without one has none. */
typedef struct {
    uint64_t id;
    uint32_t cell, src;
} srch;

/* A cell and a reach bucket in 32 bits: the cell in the low CELL_BITS (the counts' groups are
 * fewer), the bucket above. */
#define CELL_BITS 24
#define CELL_MASK ((1u << CELL_BITS) - 1)
_Static_assert(SL_COUNTS_CAP <= CELL_MASK, "a counts group number fits in a place");
_Static_assert(SL_LINKS_REACH <= 8, "a reach bucket fits above a cell");
static inline uint32_t place(uint32_t cell, unsigned reach) {
    return cell | (uint32_t)reach << CELL_BITS;
}
static inline uint32_t place_cell(uint32_t p) { return p & CELL_MASK; }
static inline unsigned place_reach(uint32_t p) { return p >> CELL_BITS; }
_Static_assert(sizeof(srch) == 16, "a row given its search is 16 bytes");

/* A flagged row that is not a search alone: its search's hash, its number and categories. */
typedef struct {
    uint64_t id;
    uint32_t row, cats;
} flagged_row;

/* A flagged row of a search, by its cell (for counting the search once per cell). */
typedef struct {
    uint32_t cell, cats;
} cell_row;

#define PARTS 256    /* spill partitions, by a hash's top bits */
#define PART_BITS 8
#define BATCH 1024   /* records gathered per partition before one write (32 KiB) */

/* Organizations seen, by a hash of their bytes, with the hash of their compared form. */
#define ORG_MEMO 1024u
typedef struct {
    uint64_t raw, norm;
    size_t len;
} org_memo;

struct sl_links {
    rec *r;             /* rows in memory */
    size_t n, cap;
    size_t memory;      /* rows held in memory before spilling */
    uint64_t rows, max; /* rows kept (in memory and spilled), and the most */
    size_t mark;
    uint64_t mark_rows;
    size_t keyed_no_id; /* rows with a composite key and no ID: 0, and keys need no sort */
    size_t mark_keyed;
    uint64_t nflagged, mark_flagged; /* rows with a category */
    uint32_t *search_of;
    /* spilling */
    char *spill;        /* the spill files' path, less a suffix (NULL: no spilling) */
    sl_spill *keyed;    /* rows with a composite key, by its top bits */
    sl_spill *given;    /* rows without one, then every row given its search, by its top bits */
    uint32_t spread;    /* where the next row that is a search alone goes */
    uint64_t nspill, mark_spill;
    int spill_errno;
    sl_spill_sources srcs; /* sources seen since open, and those dropped once spilled */
    flagged_row *fr;    /* the flagged rows of a search of several rows, while counting */
    size_t capfr;
    /* the cells of flagged rows: counts.c's (organization, month) groups, numbered from 1 */
    uint32_t ncells;    /* the largest seen */
    uint32_t *cell_of;  /* per flagged row (row - 1): its cell - 1 and reach bucket (place) */
    size_t capcell_of;
    uint32_t *cell_cat; /* at the end: ncells x ncat searches, cell 1 first */
    uint32_t *cell_all; /* at the end: per cell, the searches among all its rows */
    int cell_missing;   /* a row was kept without a cell: cell_all is not known */
    /* at the end: searches per category bit (SL_LINKS_CATS: all) and reach bucket */
    uint64_t reach[SL_LINKS_CATS + 1][SL_LINKS_REACH];
    cell_row *cr;       /* one search's flagged rows, while counting */
    size_t capcr;
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

sl_links *sl_links_new(const char *spill) {
    sl_links *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->max = SL_LINKS_MAX_ROWS;
    l->memory = SL_LINKS_MEMORY_ROWS;
    if (spill && !(l->spill = sl_strdup(spill))) {
        free(l);
        return NULL;
    }
    return l;
}

static void spill_free(sl_links *l) {
    sl_spill_free(l->keyed);
    sl_spill_free(l->given);
    l->keyed = l->given = NULL;
}

void sl_links_free(sl_links *l) {
    if (!l) return;
    spill_free(l);
    free(l->spill);
    sl_spill_sources_free(&l->srcs);
    free(l->fr);
    free(l->cell_of);
    free(l->cell_cat);
    free(l->cell_all);
    free(l->cr);
    free(l->r);
    free(l->search_of);
    free(l->src_rows);
    free(l->src_repeats);
    free(l);
}

void sl_links_set_max_rows(sl_links *l, uint64_t rows) { l->max = rows ? rows : 1; }

void sl_links_set_memory(sl_links *l, size_t rows) { l->memory = rows ? rows : 1; }

void sl_links_set_in_place(sl_links *l, int in_place) { l->in_place = in_place; }

sl_links_why sl_links_gave_up(const sl_links *l) { return l->gave_up; }

int sl_links_spill_errno(const sl_links *l) { return l->spill_errno; }

static void give_up(sl_links *l, sl_links_why why) {
    if (why == SL_LINKS_SPILL_FAILED) l->spill_errno = errno;
    l->gave_up = why;
    free(l->r); /* the memory goes back at once, and the spill files' space */
    l->r = NULL;
    l->n = l->cap = l->mark = 0;
    spill_free(l);
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

/* The bit of a category already kept, by its text; ncat when none is. */
static size_t cat_find(const sl_links *l, const char *category) {
    size_t bit = 0;
    while (bit < l->ncat && strcmp(l->cat_p[bit], category)) bit++;
    return bit;
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

/* Flock's account tags at either end of a compared organization, "[federal] " before it and
 * " [inactive]" after it, left out: a tag says how an export saw the account the day it was
 * made (BRIEF.md: an inactive account still appears searching), so one search exported before
 * and after its account was tagged is still one. Returns the length left; *from, where the
 * name begins. */
static size_t untagged(const char *b, size_t n, size_t *from) {
    static const char fed[] = "[federal] ", inact[] = " [inactive]";
    *from = 0;
    if (n > sizeof fed - 1 && !memcmp(b, fed, sizeof fed - 1)) *from = sizeof fed - 1;
    if (n - *from > sizeof inact - 1 && !memcmp(b + n - (sizeof inact - 1), inact, sizeof inact - 1))
        n -= sizeof inact - 1;
    return n - *from;
}

/* The organization lower-cased with white space runs collapsed, as the release checks compare
 * it (release.c), without an account tag (untagged), hashed; remembered by a hash of its
 * bytes, since a log names a few thousand organizations in millions of rows. */
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
    size_t from;
    n = untagged(b, n, &from);
    *m = (org_memo){raw, sl_hash_fast(b + from, n, 0x2d) | 1, org->len};
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

/* The partition of a row given its search: by the search's top bits; a row that is a search
 * alone goes anywhere, and they are spread. */
static unsigned search_part(sl_links *l, uint64_t search) {
    return search ? (unsigned)(search >> (64 - PART_BITS)) : l->spread++ % PARTS;
}

/* The rows in memory go to the spill files: those with a key by the key, the others by their
 * search (their ID, or none). SL_EIO with errno set when a file could not be made or written;
 * without a spill path, SL_EIO too (the rows then are too many). */
static sl_status spill(sl_links *l) {
    if (!l->spill) return SL_EIO;
    sl_status rc = SL_OK;
    for (int k = 0; k < 2 && !rc; k++) {
        sl_spill **sp = k ? &l->given : &l->keyed;
        if (!*sp)
            rc = sl_spill_new(sp, l->spill, k ? "-links-searches" : "-links-keys", sizeof(rec),
                              PARTS, BATCH);
    }
    for (size_t i = 0; !rc && i < l->n; i++) {
        rec x = l->r[i];
        if (x.c) {
            rc = sl_spill_put(l->keyed, (unsigned)(x.c >> (64 - PART_BITS)), &x);
        } else {
            x.c = x.u; /* its search: its ID, or none */
            x.det = 0; /* a row without a key (see finish_spilled) */
            rc = sl_spill_put(l->given, search_part(l, x.c), &x);
        }
    }
    if (rc) return rc;
    l->nspill += l->n;
    l->n = 0;
    return SL_OK;
}

sl_status sl_links_add(sl_links *l, const sl_search *s, uint64_t row_key,
                       const char *const *cats, size_t ncats, uint32_t source, uint32_t cell,
                       unsigned reach) {
    if (l->gave_up || l->finished) return SL_OK;
    if (ncats && !cell) return SL_EINTERNAL; /* a flagged row is counted somewhere */
    if (cell > CELL_MASK) return SL_EINTERNAL;
    if (reach >= SL_LINKS_REACH) reach = SL_LINKS_REACH - 1;
    uint32_t bits = 0;
    for (size_t i = 0; i < ncats; i++) {
        int b = cat_bit(l, cats[i]);
        if (b < 0) {
            give_up(l, SL_LINKS_TOO_MANY_CATS);
            return SL_OK;
        }
        bits |= 1u << b;
    }
    if (l->rows == l->max) {
        give_up(l, SL_LINKS_TOO_MANY_ROWS);
        return SL_OK;
    }
    sl_status rc;
    if ((rc = sl_spill_sources_stage(&l->srcs, source))) return rc;
    if (l->n == l->memory && (rc = spill(l))) {
        if (rc != SL_EIO) return rc;
        give_up(l, l->spill ? SL_LINKS_SPILL_FAILED : SL_LINKS_TOO_MANY_ROWS);
        return SL_OK;
    }
    if (l->n == l->cap && sl_grow((void **)&l->r, &l->cap, l->n + 1, sizeof *l->r))
        return SL_ENOMEM;
    l->rows++;
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
    /* the field of a flagged row's number holds another row's cell: a flagged row's is in
     * cell_of, which the flagged rows' counting needs anyway */
    r->row = ncats ? (uint32_t)++l->nflagged : place(cell, reach);
    if (cell > l->ncells) l->ncells = cell;
    if (!cell) l->cell_missing = 1;
    if (ncats) {
        if (l->nflagged > l->capcell_of &&
            sl_grow((void **)&l->cell_of, &l->capcell_of, l->nflagged, sizeof *l->cell_of))
            return SL_ENOMEM;
        l->cell_of[l->nflagged - 1] = place(cell - 1, reach);
    }
    return SL_OK;
}

static void mark(sl_links *l) {
    l->mark = l->n;
    l->mark_rows = l->rows;
    l->mark_spill = l->nspill;
    l->mark_keyed = l->keyed_no_id;
    l->mark_flagged = l->nflagged;
    sl_spill_sources_mark(&l->srcs);
}

void sl_links_open(sl_links *l) { mark(l); }

sl_status sl_links_close(sl_links *l, int keep) {
    if (!keep && !l->gave_up) {
        if (l->nspill != l->mark_spill) { /* some of its rows are spilled: left out by source */
            if (sl_spill_sources_drop(&l->srcs)) return SL_ENOMEM;
            l->n = 0; /* what is left in memory is its too */
        } else {
            l->n = l->mark; /* still all in memory: taken back */
        }
        l->rows = l->mark_rows;
        l->keyed_no_id = l->mark_keyed;
        l->nflagged = l->mark_flagged; /* the store numbers its next flagged rows again */
    }
    mark(l);
    return SL_OK;
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

/* Sorts n records of sz bytes by cmp: insertion for a few, qsort for more, nothing when they
 * are in order already. A run is often one search's rows (all equal by their search), and in
 * a collection of many agencies' audits a wide search's rows are dozens: qsort on such runs
 * was a tenth of the linking of the 151-million-row collection. */
static inline __attribute__((always_inline)) void
sort_run(char *r, size_t n, size_t sz, int (*cmp)(const void *, const void *)) {
    if (n > 16) {
        size_t i = 1;
        while (i < n && cmp(r + (i - 1) * sz, r + i * sz) <= 0) i++;
        if (i < n) qsort(r, n, sz, cmp);
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

/* Sorts n records of sz bytes by cmp, whose first key is the hash they begin with, and whose
 * top skip bits are all the same (the records of one spill partition): records sorted by the
 * next TOP bits leave runs of a record or two, each sorted alone. Two radix passes (both
 * digits counted in one pass first) through a second buffer: spare when it holds n records,
 * else one allocated when there is memory for it (a pass reads in order and writes to 2,048
 * places at once); else one pass in place by the next 16 bits (an American flag sort),
 * several times slower: its writes go anywhere. qsort over the whole array was a quarter of a
 * scan's time. Inlined for each record size, so that every copy is of a known size. */
static inline __attribute__((always_inline)) sl_status
sort_records(char *r, size_t n, size_t sz, int (*cmp)(const void *, const void *), int in_place,
             char *spare, size_t spare_bytes, int skip) {
    if (n < 4096) {
        if (n > 1) qsort(r, n, sz, cmp);
        return SL_OK;
    }
    char *tmp = in_place ? NULL : spare_bytes >= n * sz ? spare : malloc(n * sz);
    const int top = tmp ? TOP : 16; /* the bits below skip the records end sorted by */
#define BITS(p) (key_of(p) << skip)
    if (tmp) {
        size_t cnt[2][1u << DIGIT]; /* the lower digit first, then the top one */
        const uint64_t mask = (1u << DIGIT) - 1;
        memset(cnt, 0, sizeof cnt);
        for (size_t i = 0; i < n; i++) {
            const uint64_t k = BITS(r + i * sz);
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
                memcpy(to + cnt[pass][(BITS(from + i * sz) >> shift) & mask]++ * sz,
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
        for (size_t i = 0; i < n; i++) start[(BITS(r + i * sz) >> (64 - top)) + 1]++;
        for (size_t b = 0; b < nb; b++) {
            start[b + 1] += start[b];
            next[b] = start[b];
        }
        char x[32], y[32];
        for (size_t b = 0; b < nb; b++) {
            while (next[b] < start[b + 1]) {
                memcpy(x, r + next[b] * sz, sz);
                size_t d = BITS(x) >> (64 - top);
                while (d != b) { /* put x where it goes, take what was there */
                    memcpy(y, r + next[d] * sz, sz);
                    memcpy(r + next[d]++ * sz, x, sz);
                    memcpy(x, y, sz);
                    d = BITS(x) >> (64 - top);
                }
                memcpy(r + next[b]++ * sz, x, sz);
            }
        }
        free(start);
    }
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && (BITS(r + b * sz) >> (64 - top)) == (BITS(r + a * sz) >> (64 - top)))
            b++;
        sort_run(r + a * sz, b - a, sz, cmp);
        a = b;
    }
#undef BITS
    return SL_OK;
}

static sl_status sort_keys(rec *r, size_t n, int in_place, int skip) {
    return sort_records((char *)r, n, sizeof *r, cmp_key, in_place, NULL, 0, skip);
}

static sl_status sort_searches(srch *r, size_t n, int in_place, srch *spare, size_t spare_n,
                               int skip) {
    return sort_records((char *)r, n, sizeof *r, cmp_search, in_place, (char *)spare,
                        spare_n * sizeof *spare, skip);
}

static sl_status sort_flagged(flagged_row *r, size_t n, int in_place, int skip) {
    return sort_records((char *)r, n, sizeof *r, cmp_flagged, in_place, NULL, 0, skip);
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

/* Resolves the keys of n rows sorted by key (rows without a key first, z of them): c becomes
 * each row's search. */
static void resolve_keys(rec *r, size_t n, size_t z, sl_links_result *o) {
    size_t i = 0;
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
}

static int cmp_cell(const void *a, const void *b) {
    const cell_row *x = a, *y = b;
    return (x->cell > y->cell) - (x->cell < y->cell);
}

/* Counts a search once in each cell of its m flagged rows fr[0..m), under the categories of
 * its rows there. */
static sl_status count_cells(sl_links *l, const flagged_row *fr, size_t m) {
    if (m == 1) {
        uint32_t *cc = l->cell_cat + (size_t)place_cell(l->cell_of[fr->row - 1]) * l->ncat;
        for (uint32_t b = fr->cats; b; b &= b - 1) cc[__builtin_ctz(b)]++;
        return SL_OK;
    }
    if (m > l->capcr && sl_grow((void **)&l->cr, &l->capcr, m, sizeof *l->cr)) return SL_ENOMEM;
    for (size_t k = 0; k < m; k++)
        l->cr[k] = (cell_row){place_cell(l->cell_of[fr[k].row - 1]), fr[k].cats};
    sort_run((char *)l->cr, m, sizeof *l->cr, cmp_cell);
    for (size_t k = 0; k < m;) {
        uint32_t bits = 0;
        size_t j = k;
        for (; j < m && l->cr[j].cell == l->cr[k].cell; j++) bits |= l->cr[j].cats;
        uint32_t *cc = l->cell_cat + (size_t)l->cr[k].cell * l->ncat;
        for (; bits; bits &= bits - 1) cc[__builtin_ctz(bits)]++;
        k = j;
    }
    return SL_OK;
}

/* A search's reach bucket: the highest known among its rows' places p[0..m), else unknown. */
static unsigned search_reach(const srch *q, size_t m) {
    unsigned best = SL_LINKS_REACH - 1;
    for (size_t k = 0; k < m; k++) {
        const unsigned b = place_reach(q[k].cell);
        if (b != SL_LINKS_REACH - 1 && (best == SL_LINKS_REACH - 1 || b > best)) best = b;
    }
    return best;
}

/* Counts a search of category bits cats in its reach bucket b, under all and each category. */
static void count_reach(sl_links *l, uint32_t cats, unsigned b) {
    l->reach[SL_LINKS_CATS][b]++;
    for (; cats; cats &= cats - 1) l->reach[__builtin_ctz(cats)][b]++;
}

/* Counts a search once in each cell of its m rows q[0..m) (cells 0, unknown, are not). */
static sl_status count_all(sl_links *l, const srch *q, size_t m) {
    const uint32_t c0 = place_cell(q[0].cell);
    size_t k = 1;
    while (k < m && place_cell(q[k].cell) == c0) k++;
    if (k == m) { /* one cell: most searches */
        if (c0) l->cell_all[c0 - 1]++;
        return SL_OK;
    }
    if (m > l->capcr && sl_grow((void **)&l->cr, &l->capcr, m, sizeof *l->cr)) return SL_ENOMEM;
    for (k = 0; k < m; k++) l->cr[k] = (cell_row){place_cell(q[k].cell), 0};
    sort_run((char *)l->cr, m, sizeof *l->cr, cmp_cell);
    for (k = 0; k < m; k++)
        if (l->cr[k].cell && (!k || l->cr[k].cell != l->cr[k - 1].cell))
            l->cell_all[l->cr[k].cell - 1]++;
    return SL_OK;
}

/* What the counting gathers across spill partitions. */
typedef struct {
    uint64_t per_cat[SL_LINKS_CATS], rows_cat[SL_LINKS_CATS];
    uint64_t alone;         /* searches of one row alone */
    uint64_t alone_flagged; /* those that are flagged rows */
    uint64_t several;       /* searches of several rows (numbered 1.. in the order of hashes) */
} tally;

/* Counts n rows given their search (c: 0 for a search alone), all the rows of each of their
 * searches, whose hashes share their top skip bits. Each flagged row of a search of several
 * rows gets that search's number among such searches; one that is a search alone gets 0, and
 * is numbered at the end. Each row becomes its search, categories and source, in place (the
 * 16-byte record i ends before the 32-byte record i + 1 starts); a row that is a search alone
 * is counted here and dropped. The rest are sorted by search through the 32-byte records'
 * second half, free by then. */
static sl_status count_rows(sl_links *l, rec *r, size_t n, int skip, sl_links_result *o,
                            tally *t) {
    srch *q = (srch *)(void *)r, *spare = (srch *)(void *)((char *)r + n * sizeof *q);
    size_t m = 0, nfr = 0;
    for (size_t i = 0; i < n; i++) {
        const rec x = r[i];
        l->src_rows[x.src]++;
        for (uint32_t b = x.cats; b; b &= b - 1) t->rows_cat[__builtin_ctz(b)]++;
        const uint32_t pl = x.cats ? l->cell_of[x.row - 1] + 1 : x.row; /* cell from 1 */
        if (!x.c) {
            t->alone++;
            if (place_cell(pl)) l->cell_all[place_cell(pl) - 1]++;
            count_reach(l, x.cats, place_reach(pl));
            if (x.cats) { /* search_of stays 0 */
                t->alone_flagged++;
                const flagged_row one = {0, x.row, x.cats};
                count_cells(l, &one, 1);
            }
            for (uint32_t b = x.cats; b; b &= b - 1) t->per_cat[__builtin_ctz(b)]++;
            continue;
        }
        if (x.cats) {
            if (nfr == l->capfr && sl_grow((void **)&l->fr, &l->capfr, nfr + 1, sizeof *l->fr))
                return SL_ENOMEM;
            l->fr[nfr++] = (flagged_row){x.c, x.row, x.cats};
        }
        q[m++] = (srch){x.c, pl, x.src};
    }
    flagged_row *fr = l->fr;
    if (sort_searches(q, m, l->in_place, spare, n, skip) ||
        sort_flagged(fr, nfr, l->in_place, skip))
        return SL_ENOMEM;
    size_t f = 0; /* the next flagged row, in the searches' order */
    for (size_t i = 0; i < m;) {
        size_t j = i + 1;
        int several = 0;
        while (j < m && q[j].id == q[i].id) {
            if (q[j].src != q[i].src) several = 1;
            j++;
        }
        t->several++;
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
        if (count_all(l, q + i, j - i)) return SL_ENOMEM;
        /* its categories: its flagged rows' (the others have none) */
        uint32_t bits = 0;
        const size_t f0 = f;
        for (; f < nfr && fr[f].id == q[i].id; f++) {
            l->search_of[fr[f].row - 1] = (uint32_t)t->several;
            bits |= fr[f].cats;
        }
        count_reach(l, bits, search_reach(q + i, j - i));
        for (; bits; bits &= bits - 1) t->per_cat[__builtin_ctz(bits)]++;
        if (f > f0 && count_cells(l, fr + f0, f - f0)) return SL_ENOMEM;
        i = j;
    }
    return SL_OK;
}

/* Drops the rows of dropped sources from r[0..n); returns how many are left. */
static size_t keep_rows(const sl_links *l, rec *r, size_t n) {
    if (!l->srcs.ndropped) return n;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!sl_spill_sources_dropped(&l->srcs, r[i].src)) r[m++] = r[i];
    return m;
}

/* One spill partition read back into l->r (with room for its sort's second half); returns
 * the rows kept, or SIZE_MAX on failure with *rc set. */
static size_t read_part(sl_links *l, sl_spill *sp, unsigned p, sl_status *rc) {
    const uint64_t n = sl_spill_count(sp, p);
    *rc = SL_OK;
    if (!n) return 0;
    if (n > SIZE_MAX / sizeof(rec) || sl_grow((void **)&l->r, &l->cap, (size_t)n, sizeof *l->r)) {
        *rc = SL_ENOMEM;
        return SIZE_MAX;
    }
    if ((*rc = sl_spill_read(sp, p, l->r))) return SIZE_MAX;
    return keep_rows(l, l->r, (size_t)n);
}

/* The spilled rows linked: each key partition resolved, its rows sent on to the search
 * partitions, which are then counted in the order of their hashes. */
static sl_status finish_spilled(sl_links *l, sl_links_result *o, tally *t) {
    sl_status rc = spill(l);
    if (!rc) sl_spill_sources_seal(&l->srcs);
    for (unsigned p = 0; !rc && p < PARTS; p++) {
        size_t n = read_part(l, l->keyed, p, &rc);
        if (rc) break;
        if ((rc = sort_keys(l->r, n, l->in_place, PART_BITS))) break;
        resolve_keys(l->r, n, 0, o);
        for (size_t i = 0; !rc && i < n; i++) {
            l->r[i].det = 1; /* counted here (below: rows spilled without a key, det 0) */
            rc = sl_spill_put(l->given, search_part(l, l->r[i].c), &l->r[i]);
        }
    }
    for (unsigned p = 0; !rc && p < PARTS; p++) {
        size_t n = read_part(l, l->given, p, &rc);
        if (rc) break;
        for (size_t i = 0; i < n; i++) /* those of the key partitions were counted there */
            if (!l->r[i].det) {
                if (l->r[i].u) o->by_id++;
                else o->no_key++;
            }
        rc = count_rows(l, l->r, n, PART_BITS, o, t);
    }
    return rc;
}

sl_status sl_links_finish(sl_links *l, sl_links_result *o) {
    memset(o, 0, sizeof *o);
    if (l->finished || l->gave_up) return SL_OK;
    l->finished = 1;
    o->rows = l->rows;
    tally t;
    memset(&t, 0, sizeof t);
    if ((l->nflagged && !(l->search_of = calloc(l->nflagged, sizeof *l->search_of))) ||
        (l->ncells && l->ncat &&
         !(l->cell_cat = calloc((size_t)l->ncells * l->ncat, sizeof *l->cell_cat))) ||
        (l->ncells && !(l->cell_all = calloc(l->ncells, sizeof *l->cell_all))) ||
        !(l->src_rows = calloc(l->nsrc + 1, sizeof *l->src_rows)) ||
        !(l->src_repeats = calloc(l->nsrc + 1, sizeof *l->src_repeats)))
        return SL_ENOMEM;
    sl_status rc = SL_OK;
    if (l->nspill) {
        if ((rc = finish_spilled(l, o, &t)) == SL_EIO) { /* nothing half counted is shown */
            give_up(l, SL_LINKS_SPILL_FAILED);
            memset(o, 0, sizeof *o);
            return SL_OK;
        }
    } else {
        /* First: each composite key, its ID and whether it fits two searches; c becomes the
         * row's search. Rows without a key keep their ID as their search. */
        rec *r = l->r;
        const size_t n = l->n;
        size_t z = n;
        if (l->keyed_no_id) { /* else every row has an ID or no key: its ID is its search */
            z = zeros_first((char *)r, n, sizeof *r);
            rc = sort_keys(r + z, n - z, l->in_place, 0);
        }
        /* the flagged rows' array at its size: grown by doubling, it took 30 MB more on the
         * 1 GB bench */
        if (!rc && l->nflagged > l->capfr) {
            free(l->fr);
            l->capfr = 0;
            if (!(l->fr = malloc(l->nflagged * sizeof *l->fr))) rc = SL_ENOMEM;
            else l->capfr = l->nflagged;
        }
        if (!rc) {
            resolve_keys(r, n, z, o);
            rc = count_rows(l, r, n, 0, o, &t);
        }
    }
    spill_free(l);
    free(l->r); /* the records are not needed past here */
    l->r = NULL;
    l->n = l->cap = 0;
    free(l->fr);
    l->fr = NULL;
    l->capfr = 0;
    if (rc) return rc;
    /* The flagged rows that are a search alone are numbered first, in the order of the rows;
     * then the searches of several rows, in the order of their hashes (count_rows). */
    uint32_t k = 0;
    for (uint64_t i = 0; i < l->nflagged; i++)
        l->search_of[i] = l->search_of[i] ? l->search_of[i] + (uint32_t)t.alone_flagged : ++k;
    o->searches = t.alone + t.several;
    o->search_of = l->search_of;
    o->flagged = l->nflagged;
    o->source_rows = l->src_rows;
    o->source_repeats = l->src_repeats;
    o->nsources = l->nsrc;
    for (size_t c = 0; c < l->ncat; c++)
        l->res_cats[c] = (sl_links_cat){l->cat_p[c], t.rows_cat[c], t.per_cat[c]};
    o->cats = l->res_cats;
    o->ncats = l->ncat;
    return SL_OK;
}

int sl_links_cell_searches(const sl_links *l, uint32_t cell, const char *category,
                           uint64_t *out) {
    *out = 0;
    if (!l->finished || l->gave_up) return 0;
    if (!strcmp(category, "all")) { /* every row's cell is known, or none is counted */
        if (l->cell_missing) return 0;
        if (cell && cell <= l->ncells) *out = l->cell_all[cell - 1];
        return 1;
    }
    const size_t bit = cat_find(l, category);
    if (bit == l->ncat) return 0; /* not a category of the rows linked */
    if (cell && cell <= l->ncells) *out = l->cell_cat[(size_t)(cell - 1) * l->ncat + bit];
    return 1;
}

int sl_links_reach_searches(const sl_links *l, const char *category, unsigned b, uint64_t *out) {
    *out = 0;
    if (!l->finished || l->gave_up || b >= SL_LINKS_REACH) return 0;
    size_t bit = SL_LINKS_CATS;
    if (strcmp(category, "all") && (bit = cat_find(l, category)) == l->ncat)
        return 0; /* not a category of the rows linked */
    *out = l->reach[bit][b];
    return 1;
}
