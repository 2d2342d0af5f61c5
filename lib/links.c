/* links.c: search rows kept as 32-byte records, then linked into searches at the end by two
 * sorts: by composite key (to find each key's ID, and the keys that fit two searches), then by
 * the search each row was given (to count searches and the categories they carry). */
#include "links.h"

#include "core.h"
#include "timeparse.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t c;    /* composite key (0: none); at the end, the row's search (0: a search alone) */
    uint64_t u;    /* hash of the ID (0: none) */
    uint64_t cats; /* one bit per category */
    uint32_t det;  /* hash of what else the row holds: two rows of one source under one key
                      and with different det are two searches */
    uint32_t src;
} rec;
_Static_assert(sizeof(rec) == 32, "a kept row is 32 bytes");

struct sl_links {
    rec *r;
    size_t n, cap, max;
    size_t mark;
    size_t keyed_no_id; /* rows with a composite key and no ID: 0, and keys need no sort */
    size_t mark_keyed;
    sl_links_why gave_up;
    int in_place;       /* sort without a second buffer (tests) */
    const char *cat_p[SL_LINKS_CATS]; /* categories as passed, in the order first seen */
    size_t ncat;
    sl_links_cat res_cats[SL_LINKS_CATS];
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

/* The composite key: the organization lower-cased with white space runs collapsed (as the
 * release checks compare it, release.c), the search time, the networks searched and the time
 * frame. */
static uint64_t composite(const sl_search *s) {
    char b[256];
    size_t n = 0;
    const sl_cell *org = &s->f[SL_F_ORG];
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
    const int64_t v[4] = {s->search_time, s->networks, s->tf_start, s->tf_end};
    return sl_hash_fast(v, sizeof v, sl_hash_fast(b, n, 0x2c));
}

sl_status sl_links_add(sl_links *l, const sl_search *s, const char *const *cats, size_t ncats,
                       uint32_t source) {
    if (l->gave_up || l->finished) return SL_OK;
    uint64_t bits = 0;
    for (size_t i = 0; i < ncats; i++) {
        int b = cat_bit(l, cats[i]);
        if (b < 0) {
            give_up(l, SL_LINKS_TOO_MANY_CATS);
            return SL_OK;
        }
        bits |= 1ull << b;
    }
    if (l->n == l->max) {
        give_up(l, SL_LINKS_TOO_MANY_ROWS);
        return SL_OK;
    }
    if (l->n == l->cap && sl_grow((void **)&l->r, &l->cap, l->n + 1, sizeof *l->r))
        return SL_ENOMEM;
    rec *r = &l->r[l->n++];
    const sl_cell *id = &s->f[SL_F_ID], *org = &s->f[SL_F_ORG];
    r->u = 0;
    if (id->st == SL_CELL_VALUE && id->len)
        r->u = sl_hash_lower(id->p, id->len < 64 ? id->len : 64, 0x1d) | 1;
    r->c = 0;
    if (org->st == SL_CELL_VALUE && org->len && s->search_time != SL_TIME_NONE)
        r->c = composite(s) | 1;
    l->keyed_no_id += r->c && !r->u;
    r->cats = bits;
    r->det = r->u ? 0 : detail(s); /* only rows without an ID are told apart by it */
    r->src = source;
    return SL_OK;
}

void sl_links_open(sl_links *l) {
    l->mark = l->n;
    l->mark_keyed = l->keyed_no_id;
}

void sl_links_close(sl_links *l, int keep) {
    if (!keep && l->mark <= l->n) {
        l->n = l->mark;
        l->keyed_no_id = l->mark_keyed;
    }
    l->mark = l->n;
    l->mark_keyed = l->keyed_no_id;
}

static int cmp_key(const void *a, const void *b) {
    const rec *x = a, *y = b;
    if (x->c != y->c) return x->c < y->c ? -1 : 1;
    if (x->src != y->src) return x->src < y->src ? -1 : 1;
    if (x->det != y->det) return x->det < y->det ? -1 : 1;
    return (x->u > y->u) - (x->u < y->u);
}

static int cmp_search(const void *a, const void *b) {
    const rec *x = a, *y = b;
    return (x->c > y->c) - (x->c < y->c);
}

/* Rows with c 0 moved to the front; returns how many. */
static size_t zeros_first(rec *r, size_t n) {
    size_t z = 0;
    for (size_t i = 0; i < n; i++)
        if (r[i].c == 0) {
            rec t = r[z];
            r[z++] = r[i];
            r[i] = t;
        }
    return z;
}

/* Sorts [a, a + m) by cmp: insertion for a few rows, qsort for more. */
static void sort_run(rec *r, size_t a, size_t m, int (*cmp)(const void *, const void *)) {
    if (m <= 1) return;
    if (m > 16) {
        qsort(r + a, m, sizeof *r, cmp);
        return;
    }
    for (size_t i = a + 1; i < a + m; i++) {
        rec x = r[i];
        size_t j = i;
        while (j > a && cmp(&r[j - 1], &x) > 0) {
            r[j] = r[j - 1];
            j--;
        }
        r[j] = x;
    }
}

#define DIGIT 11 /* bits per radix pass */
#define TOP (2 * DIGIT)

/* Sorts by cmp, whose first key is c: c is a hash, so rows sorted by its top TOP bits leave
 * runs of a row or two, each sorted alone. Two radix passes through a second buffer when
 * there is memory for it (a pass reads in order and writes to 2,048 places at once), else
 * one pass in place by the top 16 bits (an American flag sort), several times slower: its
 * writes go anywhere.
 * qsort over the whole array was a quarter of a scan's time. */
static sl_status sort_rows(rec *r, size_t n, int (*cmp)(const void *, const void *),
                           int in_place) {
    if (n < 4096) {
        if (n > 1) qsort(r, n, sizeof *r, cmp);
        return SL_OK;
    }
    rec *tmp = in_place ? NULL : malloc(n * sizeof *r);
    const int top = tmp ? TOP : 16; /* the bits the rows end sorted by */
    if (tmp) {
        size_t cnt[1u << DIGIT];
        const uint64_t mask = (1u << DIGIT) - 1;
        rec *from = r, *to = tmp;
        for (int pass = 0; pass < 2; pass++) {
            const int shift = 64 - TOP + pass * DIGIT;
            memset(cnt, 0, sizeof cnt);
            for (size_t i = 0; i < n; i++) cnt[(from[i].c >> shift) & mask]++;
            size_t sum = 0;
            for (size_t b = 0; b < (1u << DIGIT); b++) {
                size_t c = cnt[b];
                cnt[b] = sum;
                sum += c;
            }
            for (size_t i = 0; i < n; i++) to[cnt[(from[i].c >> shift) & mask]++] = from[i];
            rec *t = from;
            from = to;
            to = t;
        }
        free(tmp); /* two passes: the rows are back in r */
    } else {
        size_t *start = calloc(2 * ((size_t)1 << top) + 1, sizeof *start);
        if (!start) return SL_ENOMEM;
        const size_t nb = (size_t)1 << top;
        size_t *next = start + nb + 1;
        for (size_t i = 0; i < n; i++) start[(r[i].c >> (64 - top)) + 1]++;
        for (size_t b = 0; b < nb; b++) {
            start[b + 1] += start[b];
            next[b] = start[b];
        }
        for (size_t b = 0; b < nb; b++) {
            while (next[b] < start[b + 1]) {
                rec x = r[next[b]];
                size_t d = x.c >> (64 - top);
                while (d != b) { /* put x where it goes, take what was there */
                    rec y = r[next[d]];
                    r[next[d]++] = x;
                    x = y;
                    d = x.c >> (64 - top);
                }
                r[next[b]++] = x;
            }
        }
        free(start);
    }
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && (r[b].c >> (64 - top)) == (r[a].c >> (64 - top))) b++;
        sort_run(r, a, b - a, cmp);
        a = b;
    }
    return SL_OK;
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
    for (size_t i = 0; i < n; i++)
        for (uint64_t b = r[i].cats; b; b &= b - 1) rows_cat[__builtin_ctzll(b)]++;
    /* First: each composite key, its ID and whether it fits two searches. Rows without a key
     * keep their ID as their search. */
    size_t i = 0, z = 0;
    if (!l->keyed_no_id) { /* every row has an ID or no key: its ID is its search */
        for (; i < n; i++) {
            if (r[i].u) o->by_id++;
            else o->no_key++;
            r[i].c = r[i].u;
        }
    } else {
        z = zeros_first(r, n);
        if (sort_rows(r + z, n - z, cmp_key, l->in_place)) return SL_ENOMEM;
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
    /* Then the searches: rows sorted by the search they were given. */
    z = zeros_first(r, n);
    if (sort_rows(r + z, n - z, cmp_search, l->in_place)) return SL_ENOMEM;
    for (i = 0; i < n;) {
        size_t j = i + 1;
        uint64_t bits = r[i].cats;
        int several = 0;
        if (r[i].c) {
            while (j < n && r[j].c == r[i].c) {
                bits |= r[j].cats;
                if (r[j].src != r[i].src) several = 1;
                j++;
            }
        }
        o->searches++;
        if (several) {
            o->several++;
            o->several_rows += j - i;
        }
        for (; bits; bits &= bits - 1) per_cat[__builtin_ctzll(bits)]++;
        i = j;
    }
    for (size_t c = 0; c < l->ncat; c++)
        l->res_cats[c] = (sl_links_cat){l->cat_p[c], rows_cat[c], per_cat[c]};
    o->cats = l->res_cats;
    o->ncats = l->ncat;
    free(l->r); /* the records are not needed past here */
    l->r = NULL;
    l->n = l->cap = 0;
    return SL_OK;
}
