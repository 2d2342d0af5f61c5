/* counts.c: searches counted by organization x month x category. Every row of every log comes
 * through here, so a row costs one hash of its organization and month (a "group", numbered when
 * first seen) and, per category, one probe of a table keyed by two numbers; no text is built or
 * compared per category. The texts are put together once, at the end, to sort the cells. */
#include "counts.h"

#include "timeparse.h"

#include <stdlib.h>
#include <string.h>

/* An (organization, month) seen: its key org \0 month \0 lives in the arena. */
typedef struct {
    uint64_t hash;
    uint32_t id; /* 1-based; 0: empty slot */
} group_slot;

/* A cell: k = group << 32 | category, both 1-based (0: empty slot). */
typedef struct {
    uint64_t k;
    uint64_t rows;
} cell;

typedef struct {
    cell *cells;
    size_t n, cap; /* cap a power of two */
} cell_tab;

typedef struct {
    const char *name; /* copy */
    const char *last; /* the caller's pointer last seen for this name: tried first */
} category;

struct sl_counts {
    group_slot *gslots;
    size_t gcap;
    char **gkey; /* by group id - 1 */
    size_t *glen, *golen; /* by group id - 1: the key's length, its organization's */
    size_t ngroups, gkcap;
    category *cat; /* by category id - 1 */
    size_t ncat, catcap;
    cell_tab run, pend;
    int staging;
    char month[8]; /* month of the day month_day */
    size_t mlen;
    int64_t month_day;
    sl_buf key;
    sl_arena arena; /* group keys, category names, the sorted cells' texts */
    sl_count *sorted;
    size_t cap; /* cells (and groups) at most */
    uint32_t last_group; /* the last row's (sl_counts_group) */
};

sl_counts *sl_counts_new(void) {
    sl_counts *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->month_day = INT64_MIN;
    c->cap = SL_COUNTS_CAP;
    sl_arena_init(&c->arena, 64 * 1024);
    return c;
}

void sl_counts_set_cap(sl_counts *c, size_t cap) {
    c->cap = cap && cap < SL_COUNTS_CAP ? cap : SL_COUNTS_CAP;
}

void sl_counts_free(sl_counts *c) {
    if (!c) return;
    free(c->gslots);
    free(c->gkey);
    free(c->glen);
    free(c->golen);
    free(c->cat);
    free(c->run.cells);
    free(c->pend.cells);
    free(c->sorted);
    sl_buf_free(&c->key);
    sl_arena_free(&c->arena);
    free(c);
}

/* Multiplicative hash of a cell's two numbers; the table takes its high bits. */
static inline size_t cell_slot(uint64_t k, size_t cap) {
    return (size_t)((k * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & (cap - 1);
}

static sl_status cells_grow(cell_tab *t) {
    size_t ncap = t->cap ? t->cap * 2 : 1024;
    cell *nc = calloc(ncap, sizeof *nc);
    if (!nc) return SL_ENOMEM;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->cells[i].k) continue;
        size_t j = cell_slot(t->cells[i].k, ncap);
        while (nc[j].k) j = (j + 1) & (ncap - 1);
        nc[j] = t->cells[i];
    }
    free(t->cells);
    t->cells = nc;
    t->cap = ncap;
    return SL_OK;
}

/* Room for one more cell in t. */
static sl_status cells_room(cell_tab *t, size_t limit) {
    if (t->cap && (t->n + 1) * 10 <= t->cap * 7) return SL_OK;
    if (t->n >= limit) return SL_ELIMIT;
    return cells_grow(t);
}

static sl_status cells_add(cell_tab *t, uint64_t k, uint64_t rows, size_t limit) {
    size_t j = t->cap ? cell_slot(k, t->cap) : 0;
    if (t->cap) {
        for (; t->cells[j].k; j = (j + 1) & (t->cap - 1))
            if (t->cells[j].k == k) {
                t->cells[j].rows += rows;
                return SL_OK;
            }
    }
    sl_status rc = cells_room(t, limit);
    if (rc) return rc;
    j = cell_slot(k, t->cap);
    while (t->cells[j].k) j = (j + 1) & (t->cap - 1);
    t->cells[j] = (cell){k, rows};
    t->n++;
    return SL_OK;
}

/* The group of key (org \0 month \0, the organization org_len bytes), numbered when new. */
static sl_status group_of(sl_counts *c, const char *key, size_t len, size_t org_len, uint32_t *id) {
    uint64_t h = sl_hash_fast(key, len, 0);
    if (c->gcap) {
        for (size_t j = (size_t)h & (c->gcap - 1); c->gslots[j].id; j = (j + 1) & (c->gcap - 1)) {
            const group_slot *g = &c->gslots[j];
            if (g->hash == h && c->glen[g->id - 1] == len && memcmp(c->gkey[g->id - 1], key, len) == 0) {
                *id = g->id;
                return SL_OK;
            }
        }
    }
    if (c->ngroups >= c->cap) return SL_ELIMIT; /* every group comes with a cell */
    if (!c->gcap || (c->ngroups + 1) * 10 > c->gcap * 7) {
        size_t ncap = c->gcap ? c->gcap * 2 : 1024;
        group_slot *ns = calloc(ncap, sizeof *ns);
        if (!ns) return SL_ENOMEM;
        for (size_t i = 0; i < c->gcap; i++) {
            if (!c->gslots[i].id) continue;
            size_t j = (size_t)c->gslots[i].hash & (ncap - 1);
            while (ns[j].id) j = (j + 1) & (ncap - 1);
            ns[j] = c->gslots[i];
        }
        free(c->gslots);
        c->gslots = ns;
        c->gcap = ncap;
    }
    if (c->ngroups == c->gkcap) {
        size_t ncap = c->gkcap ? c->gkcap * 2 : 256;
        char **nk = realloc(c->gkey, ncap * sizeof *nk);
        if (!nk) return SL_ENOMEM;
        c->gkey = nk;
        size_t *nl = realloc(c->glen, ncap * sizeof *nl);
        if (!nl) return SL_ENOMEM;
        c->glen = nl;
        size_t *no = realloc(c->golen, ncap * sizeof *no);
        if (!no) return SL_ENOMEM;
        c->golen = no;
        c->gkcap = ncap;
    }
    char *copy = sl_arena_strndup(&c->arena, key, len);
    if (!copy) return SL_ENOMEM;
    c->gkey[c->ngroups] = copy;
    c->glen[c->ngroups] = len;
    c->golen[c->ngroups] = org_len;
    *id = (uint32_t)++c->ngroups;
    size_t j = (size_t)h & (c->gcap - 1);
    while (c->gslots[j].id) j = (j + 1) & (c->gcap - 1);
    c->gslots[j] = (group_slot){h, *id};
    return SL_OK;
}

/* The number of category name: the caller's pointer is tried first (rule packs hand the same
 * one every time), its text always compared. */
static sl_status category_of(sl_counts *c, const char *name, uint32_t *id) {
    for (size_t i = 0; i < c->ncat; i++)
        if (c->cat[i].last == name && strcmp(c->cat[i].name, name) == 0) return *id = (uint32_t)i + 1, SL_OK;
    for (size_t i = 0; i < c->ncat; i++)
        if (strcmp(c->cat[i].name, name) == 0) {
            c->cat[i].last = name;
            return *id = (uint32_t)i + 1, SL_OK;
        }
    if (c->ncat == c->catcap) {
        size_t ncap = c->catcap ? c->catcap * 2 : 32;
        category *n = realloc(c->cat, ncap * sizeof *n);
        if (!n) return SL_ENOMEM;
        c->cat = n;
        c->catcap = ncap;
    }
    char *copy = sl_arena_strndup(&c->arena, name, strlen(name));
    if (!copy) return SL_ENOMEM;
    c->cat[c->ncat] = (category){copy, name};
    *id = (uint32_t)++c->ncat;
    return SL_OK;
}

sl_status sl_counts_add(sl_counts *c, const char *org, size_t org_len, int64_t t,
                        const char *const *cats, size_t ncats, int all) {
    /* The month of the day last seen: rows of a log come in time order, days repeat. */
    if (t == SL_TIME_NONE) {
        c->month[0] = '\0';
        c->mlen = 0;
        c->month_day = INT64_MIN;
    } else if (t / 86400 != c->month_day || t < 0) {
        sl_time_month(t, c->month);
        c->mlen = strlen(c->month);
        c->month_day = t < 0 ? INT64_MIN : t / 86400;
    }
    return sl_counts_add_pair(c, org, org_len, c->month, c->mlen, cats, ncats, all);
}

sl_status sl_counts_add_pair(sl_counts *c, const char *org, size_t org_len, const char *second,
                             size_t second_len, const char *const *cats, size_t ncats, int all) {
    if (!org) org_len = 0;
    if (!second) second_len = 0;
    sl_buf *b = &c->key;
    sl_buf_reset(b);
    sl_status rc = sl_buf_reserve(b, org_len + second_len + 2);
    if (rc) return rc;
    if (org_len) memcpy(b->p, org, org_len);
    b->p[org_len] = '\0';
    if (second_len) memcpy(b->p + org_len + 1, second, second_len);
    b->p[org_len + 1 + second_len] = '\0';
    b->len = org_len + second_len + 2;
    uint32_t g;
    if ((rc = group_of(c, b->p, b->len, org_len, &g))) return rc;
    c->last_group = g;
    cell_tab *tab = c->staging ? &c->pend : &c->run;
    for (size_t i = 0; i < ncats + (all != 0); i++) {
        const char *name = all && i == 0 ? "all" : cats[i - (all != 0)];
        uint32_t cid;
        if ((rc = category_of(c, name ? name : "", &cid))) return rc;
        if ((rc = cells_add(tab, (uint64_t)g << 32 | cid, 1, c->cap))) return rc;
    }
    return SL_OK;
}

uint32_t sl_counts_group(const sl_counts *c) { return c->last_group; }

void sl_counts_open(sl_counts *c) {
    c->staging = 1;
    if (c->pend.cells) memset(c->pend.cells, 0, c->pend.cap * sizeof *c->pend.cells);
    c->pend.n = 0;
}

sl_status sl_counts_close(sl_counts *c, int keep) {
    if (!c->staging) return SL_OK;
    c->staging = 0;
    sl_status rc = SL_OK;
    for (size_t i = 0; keep && i < c->pend.cap && !rc; i++)
        if (c->pend.cells[i].k)
            rc = cells_add(&c->run, c->pend.cells[i].k, c->pend.cells[i].rows, c->cap);
    if (c->pend.cells) memset(c->pend.cells, 0, c->pend.cap * sizeof *c->pend.cells);
    c->pend.n = 0;
    return rc;
}

/* A sorted cell's whole key, org \0 month \0 category, compared as bytes (shorter first). */
typedef struct {
    const char *key;
    size_t len, org_len, group_len;
    uint64_t rows;
    uint32_t group;
} whole;

static int cmp_whole(const void *a, const void *b) {
    const whole *x = a, *y = b;
    int r = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);
    return r ? r : (x->len > y->len) - (x->len < y->len);
}

sl_status sl_counts_sorted(sl_counts *c, const sl_count **out, size_t *n) {
    *out = NULL;
    *n = 0;
    free(c->sorted);
    c->sorted = NULL;
    size_t m = c->run.n;
    if (!m) return SL_OK;
    whole *w = malloc(m * sizeof *w);
    sl_count *s = malloc(m * sizeof *s);
    if (!w || !s) {
        free(w);
        free(s);
        return SL_ENOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < c->run.cap; i++) {
        const cell *e = &c->run.cells[i];
        if (!e->k) continue;
        const char *gk = c->gkey[(e->k >> 32) - 1];
        size_t gl = c->glen[(e->k >> 32) - 1], ol = c->golen[(e->k >> 32) - 1];
        const char *cat = c->cat[(uint32_t)e->k - 1].name;
        size_t cl = strlen(cat);
        char *key = sl_arena_alloc(&c->arena, gl + cl + 1);
        if (!key) {
            free(w);
            free(s);
            return SL_ENOMEM;
        }
        memcpy(key, gk, gl);
        memcpy(key + gl, cat, cl + 1);
        w[k++] = (whole){key, gl + cl, ol, gl, e->rows, (uint32_t)(e->k >> 32)};
    }
    qsort(w, k, sizeof *w, cmp_whole);
    for (size_t i = 0; i < k; i++)
        s[i] = (sl_count){w[i].key, w[i].org_len, w[i].key + w[i].org_len + 1,
                          w[i].group_len - w[i].org_len - 2, w[i].key + w[i].group_len,
                          w[i].rows, w[i].group};
    free(w);
    c->sorted = s;
    *out = s;
    *n = k;
    return SL_OK;
}
