/* repeats.c: rows kept by (user, plate), then counted pair by pair at the end. A kept row is a
 * fixed 64-byte record (the plate normalised inside it, so that a finding's token is computed
 * once, at the end, not for every row). Past the memory budget the records go to a spill file
 * (spill.c) in partitions by the pair's hash, so that each partition can be read back, sorted
 * and counted alone: the memory needed at the end is one partition's share, not the whole
 * release's. */
#include "repeats.h"

#include "named.h"
#include "spill.h"
#include "timeparse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PARTS 64
/* Records gathered per partition before one write: 64 KiB blocks (4 MiB of buffers once
 * spilled). Each partition is read back block by block, and a 30 GB input has evicted the
 * spill from the page cache by then: with 2 KiB blocks, the 151-million-row collection's
 * 4.8 GB of plates took 38 s to read back from disk. */
#define BATCH 1024

typedef struct {
    uint64_t h; /* hash of user and plate: the spill file and the first sort key */
    int64_t t;
    uint64_t record, line;
    uint32_t user, source;
    uint32_t case_h, reason_h; /* 0: no case number, no reason */
    uint8_t plen, flagged;
    char plate[SL_REPEATS_PLATE_MAX];
} rec;
_Static_assert(sizeof(rec) == 64, "a kept row is 64 bytes");

typedef struct {
    size_t org, user;  /* offsets of the texts in names */
    size_t org_len, user_len;
    int in_log;
    sl_op_kind kind;
    uint64_t h;
} user_ent;

struct sl_repeats {
    char *spill;
    size_t memory;     /* records held before spilling */
    sl_repeats_why gave_up;
    int spill_errno;   /* with SL_REPEATS_SPILL_FAILED: why */
    /* users: texts, entries, an open-addressing index of entry + 1 (0 empty) */
    sl_buf names;
    user_ent *users;
    size_t nusers, capusers;
    uint32_t *slot;
    size_t nslot;
    /* kept rows */
    rec *r;
    size_t n, cap;
    sl_spill *sp;      /* PARTS partitions, by the hash's top bits */
    int spilled;
    uint64_t nspill;   /* records written to the spill files */
    /* staging */
    size_t mark;
    uint64_t mark_spill;
    sl_spill_sources srcs; /* sources seen since open, and those dropped once spilled */
    /* results */
    sl_repeat *f;
    size_t nf, capf;
    sl_repeat_row *rows;
    size_t nrows, caprows;
    sl_repeats_seen seen;
    int finished;
};

sl_repeats *sl_repeats_new(const char *spill) {
    sl_repeats *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    if (!(r->spill = sl_strdup(spill ? spill : ""))) {
        free(r);
        return NULL;
    }
    r->memory = SL_REPEATS_MEMORY / sizeof(rec);
    return r;
}

void sl_repeats_free(sl_repeats *r) {
    if (!r) return;
    sl_spill_free(r->sp);
    free(r->spill);
    sl_buf_free(&r->names);
    free(r->users);
    free(r->slot);
    free(r->r);
    sl_spill_sources_free(&r->srcs);
    free(r->f);
    free(r->rows);
    free(r);
}

void sl_repeats_set_memory(sl_repeats *r, size_t bytes) {
    r->memory = bytes / sizeof(rec) ? bytes / sizeof(rec) : 1;
}

sl_repeats_why sl_repeats_gave_up(const sl_repeats *r) { return r->gave_up; }

int sl_repeats_spill_errno(const sl_repeats *r) { return r->spill_errno; }

static void give_up(sl_repeats *r, sl_repeats_why why) {
    if (why == SL_REPEATS_SPILL_FAILED) r->spill_errno = errno;
    r->gave_up = why;
    free(r->r); /* the memory goes back at once, and the spill files' space */
    r->r = NULL;
    r->n = r->cap = 0;
    sl_spill_free(r->sp);
    r->sp = NULL;
}

static int same_user(const sl_repeats *r, const user_ent *e, const sl_op_key *w) {
    return e->in_log == (w->in_log != 0) && e->kind == w->kind && e->org_len == w->org_len &&
           e->user_len == w->user_len &&
           memcmp(r->names.p + e->org, w->org, w->org_len) == 0 &&
           memcmp(r->names.p + e->user, w->user, w->user_len) == 0;
}

static sl_status rehash(sl_repeats *r, size_t nslot) {
    uint32_t *s = calloc(nslot, sizeof *s);
    if (!s) return SL_ENOMEM;
    for (size_t i = 0; i < r->nusers; i++) {
        size_t j = (size_t)r->users[i].h & (nslot - 1);
        while (s[j]) j = (j + 1) & (nslot - 1);
        s[j] = (uint32_t)i + 1;
    }
    free(r->slot);
    r->slot = s;
    r->nslot = nslot;
    return SL_OK;
}

/* The user's index, added when new; UINT32_MAX once the cap is reached. */
static sl_status user_of(sl_repeats *r, const sl_op_key *w, uint32_t *out) {
    uint64_t h = sl_hash_fast(w->org, w->org_len, (uint64_t)w->kind * 2 + (w->in_log != 0));
    h = sl_hash_fast(w->user, w->user_len, h);
    if (r->nslot) {
        for (size_t j = (size_t)h & (r->nslot - 1); r->slot[j]; j = (j + 1) & (r->nslot - 1)) {
            const user_ent *e = &r->users[r->slot[j] - 1];
            if (e->h == h && same_user(r, e, w)) {
                *out = r->slot[j] - 1;
                return SL_OK;
            }
        }
    }
    if (r->nusers >= SL_REPEATS_USERS_CAP) {
        *out = UINT32_MAX;
        return SL_OK;
    }
    if (sl_grow((void **)&r->users, &r->capusers, r->nusers + 1, sizeof *r->users))
        return SL_ENOMEM;
    user_ent *e = &r->users[r->nusers];
    e->org = r->names.len;
    sl_status rc = sl_buf_append(&r->names, w->org, w->org_len);
    if (!rc) rc = sl_buf_putc(&r->names, '\0');
    e->user = r->names.len;
    if (!rc) rc = sl_buf_append(&r->names, w->user, w->user_len);
    if (!rc) rc = sl_buf_putc(&r->names, '\0');
    if (rc) return rc;
    e->org_len = w->org_len;
    e->user_len = w->user_len;
    e->in_log = w->in_log != 0;
    e->kind = w->kind;
    e->h = h;
    r->nusers++;
    if (r->nusers * 2 > r->nslot) {
        if ((rc = rehash(r, r->nslot ? r->nslot * 2 : 64))) {
            r->nusers--;
            return rc;
        }
    } else {
        size_t j = (size_t)h & (r->nslot - 1);
        while (r->slot[j]) j = (j + 1) & (r->nslot - 1);
        r->slot[j] = (uint32_t)r->nusers;
    }
    *out = (uint32_t)r->nusers - 1;
    return SL_OK;
}

/* The records in memory go to the spill file, by partition. */
static sl_status spill(sl_repeats *r) {
    sl_status rc = SL_OK;
    if (!r->sp && (rc = sl_spill_new(&r->sp, r->spill, "-plates", sizeof(rec), PARTS, BATCH)))
        return rc;
    for (size_t i = 0; !rc && i < r->n; i++)
        rc = sl_spill_put(r->sp, (unsigned)(r->r[i].h >> 58), &r->r[i]);
    if (rc) return rc;
    r->nspill += r->n;
    r->n = 0;
    r->spilled = 1;
    return SL_OK;
}

/* A text's 32-bit hash, trimmed and without case (A-Z as a-z); 0 when nothing is left. The
 * high half of sl_hash_lower: it depends on every byte (the low half of its last product does
 * not depend on the last bytes). */
static uint32_t text_hash(const char *p, size_t n) {
    while (p && n && sl_isspace((unsigned char)*p)) p++, n--;
    while (p && n && sl_isspace((unsigned char)p[n - 1])) n--;
    if (!p || !n) return 0;
    return (uint32_t)(sl_hash_lower(p, n, 0) >> 32) | 1;
}

sl_status sl_repeats_add(sl_repeats *r, const sl_op_key *who, const char *plate, size_t plate_len,
                         int64_t t, const sl_repeat_what *w) {
    if (r->gave_up || r->finished || t == SL_TIME_NONE) return SL_OK;
    char pl[SL_REPEATS_PLATE_MAX];
    size_t alnum, wild;
    const size_t n = sl_plate_norm(plate, plate_len, pl, sizeof pl, &alnum, &wild);
    if (n == SIZE_MAX || wild || alnum < 2) return SL_OK; /* too long, a pattern, no plate */
    uint32_t u;
    sl_status rc = user_of(r, who, &u);
    if (rc) return rc;
    if (u == UINT32_MAX) {
        give_up(r, SL_REPEATS_TOO_MANY_USERS);
        return SL_OK;
    }
    if ((rc = sl_spill_sources_stage(&r->srcs, w->source))) return rc;
    if (r->n == r->memory && (rc = spill(r))) {
        if (rc != SL_EIO) return rc;
        give_up(r, SL_REPEATS_SPILL_FAILED); /* a full disk, say: the scan goes on without */
        return SL_OK;
    }
    if (sl_grow((void **)&r->r, &r->cap, r->n + 1, sizeof *r->r)) return SL_ENOMEM;
    rec *x = &r->r[r->n++]; /* made in place: no copy of 64 bytes per row */
    memset(x, 0, sizeof *x); /* the padding too: records are written to files whole */
    memcpy(x->plate, pl, n);
    x->plen = (uint8_t)n;
    x->h = sl_hash_fast(pl, n, (uint64_t)u * 0x9E3779B97F4A7C15u + 1);
    x->t = t;
    x->record = w->record;
    x->line = w->line;
    x->user = u;
    x->source = w->source;
    x->case_h = text_hash(w->case_no, w->case_len);
    x->reason_h = text_hash(w->reason, w->reason_len);
    x->flagged = w->flagged != 0;
    return SL_OK;
}

void sl_repeats_open(sl_repeats *r) {
    r->mark = r->n;
    r->mark_spill = r->nspill;
    sl_spill_sources_mark(&r->srcs);
}

sl_status sl_repeats_close(sl_repeats *r, int keep) {
    if (!keep && !r->gave_up) {
        if (r->nspill == r->mark_spill) r->n = r->mark; /* still all in memory: taken back */
        else if (sl_spill_sources_drop(&r->srcs)) return SL_ENOMEM;
    }
    sl_spill_sources_mark(&r->srcs);
    return SL_OK;
}

static int cmp_rec(const void *pa, const void *pb) {
    const rec *a = pa, *b = pb;
    if (a->h != b->h) return a->h < b->h ? -1 : 1;
    if (a->user != b->user) return a->user < b->user ? -1 : 1;
    if (a->plen != b->plen) return a->plen < b->plen ? -1 : 1;
    int c = memcmp(a->plate, b->plate, a->plen);
    if (c) return c;
    if (a->t != b->t) return a->t < b->t ? -1 : 1;
    if (a->source != b->source) return a->source < b->source ? -1 : 1;
    if (a->record != b->record) return a->record < b->record ? -1 : 1;
    return 0;
}

static int same_pair(const rec *a, const rec *b) {
    return a->h == b->h && a->user == b->user && a->plen == b->plen &&
           memcmp(a->plate, b->plate, a->plen) == 0;
}

static int cmp_u32(const void *pa, const void *pb) {
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return (a > b) - (a < b);
}


static int64_t day_of(int64_t t) { return t >= 0 ? t / 86400 : -((-t + 86399) / 86400); }

/* How many distinct values v[0..n) holds, sorting it. */
static uint64_t distinct(uint32_t *v, size_t n) {
    if (n > 1) qsort(v, n, sizeof *v, cmp_u32);
    uint64_t d = 0;
    for (size_t i = 0; i < n; i++) d += (uint64_t)(!i || v[i] != v[i - 1]);
    return d;
}

/* One pair's records a[0..n) (at least SL_REPEATS_MIN_SEARCHES), sorted by time: a finding
 * when searched often enough. cases and reasons are scratch room for n hashes each. */
static sl_status judge(sl_repeats *r, const sl_key *k, const rec *a, size_t n, uint32_t *cases,
                       uint32_t *reasons) {
    uint64_t searches = 0, days = 0, with_case = 0, no_reason = 0, flagged = 0;
    size_t ncase = 0, nreason = 0;
    int64_t last_day = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        int has_case = 0, has_reason = 0, any_flag = 0;
        for (; j < n && a[j].t == a[i].t; j++) {
            if (a[j].case_h) {
                has_case = 1;
                cases[ncase++] = a[j].case_h;
            }
            if (a[j].reason_h) {
                has_reason = 1;
                reasons[nreason++] = a[j].reason_h;
            }
            any_flag |= a[j].flagged;
        }
        searches++;
        with_case += (uint64_t)has_case;
        no_reason += (uint64_t)!has_reason;
        flagged += (uint64_t)any_flag;
        int64_t d = day_of(a[i].t);
        if (!days || d != last_day) days++;
        last_day = d;
        i = j;
    }
    if (searches < SL_REPEATS_MIN_SEARCHES || days < SL_REPEATS_MIN_DAYS) return SL_OK;
    if (sl_grow((void **)&r->f, &r->capf, r->nf + 1, sizeof *r->f) ||
        sl_grow((void **)&r->rows, &r->caprows, r->nrows + n, sizeof *r->rows))
        return SL_ENOMEM;
    sl_repeat *f = &r->f[r->nf];
    memset(f, 0, sizeof *f);
    if (!sl_plate_token(k, a[0].plate, a[0].plen, f->token)) return SL_EINTERNAL;
    const user_ent *u = &r->users[a[0].user];
    f->k.org = r->names.p + u->org;
    f->k.org_len = u->org_len;
    f->k.in_log = u->in_log;
    f->k.kind = u->kind;
    f->k.user = r->names.p + u->user;
    f->k.user_len = u->user_len;
    f->searches = searches;
    f->rows = n;
    f->days = days;
    f->with_case = with_case;
    f->cases = distinct(cases, ncase);
    f->reasons = distinct(reasons, nreason);
    f->no_reason = no_reason;
    f->flagged = flagged;
    f->first = a[0].t;
    f->last = a[n - 1].t;
    f->row0 = r->nrows;
    f->nrows = n;
    for (size_t i = 0; i < n; i++)
        r->rows[r->nrows++] = (sl_repeat_row){a[i].source, a[i].record, a[i].line, a[i].t};
    r->nf++;
    return SL_OK;
}

/* Keeps of a[0..*n) the rows of pairs that may have SL_REPEATS_MIN_SEARCHES searches: each
 * distinct (pair hash, time) counted once by the pair's hash, in a table of saturating bytes
 * (pairs that share a slot add up), through an exact set of the (hash, time) seen. A search
 * seen in many logs is many rows of one time: in a collection of agencies' audits a nationwide
 * search is a row in each, and kept by a count of rows, the rows of such searches cost 24 s
 * of sorting on the 151-million-row collection (62 s of counting, now 38). */
static sl_status keep_searches(rec *a, size_t *n) {
    const size_t m = *n;
    size_t slots = 1024;
    while (slots < 2 * m) slots *= 2;
    typedef struct {
        uint64_t h;
        int64_t t;
    } seen_t;
    seen_t *set = malloc(slots * sizeof *set);
    uint64_t *used = calloc(slots / 64, sizeof *used);
    uint8_t *cnt = calloc(slots, 1);
    if (!set || !used || !cnt) {
        free(set);
        free(used);
        free(cnt);
        return SL_ENOMEM;
    }
    for (size_t i = 0; i < m; i++) {
        uint64_t x = a[i].h ^ (uint64_t)a[i].t * UINT64_C(0x9E3779B97F4A7C15);
        x ^= x >> 31;
        x *= UINT64_C(0xbf58476d1ce4e5b9);
        x ^= x >> 29;
        size_t j = (size_t)x & (slots - 1);
        for (;; j = (j + 1) & (slots - 1)) {
            if (!(used[j / 64] >> (j % 64) & 1)) { /* new: counted */
                used[j / 64] |= UINT64_C(1) << (j % 64);
                set[j] = (seen_t){a[i].h, a[i].t};
                uint8_t *c = &cnt[a[i].h & (slots - 1)];
                *c += *c < 255;
                break;
            }
            if (set[j].h == a[i].h && set[j].t == a[i].t) break; /* a search seen already */
        }
    }
    size_t kept = 0;
    for (size_t i = 0; i < m; i++)
        if (cnt[a[i].h & (slots - 1)] >= SL_REPEATS_MIN_SEARCHES) a[kept++] = a[i];
    free(set);
    free(used);
    free(cnt);
    *n = kept;
    return SL_OK;
}

/* Judges each pair of a[0..n); rows of dropped sources are left out first. A pair of fewer
 * rows than SL_REPEATS_MIN_SEARCHES cannot be a finding, and nearly every pair is one: a first
 * pass counts rows by the pair's hash in a table of saturating bytes (pairs that share a slot
 * add up, so a row kept is only a candidate), a second counts the searches of the rows kept
 * (keep_searches), and only candidates are sorted and judged. Sorting every row cost 5% of a
 * scan of plates and names. */
static sl_status count_all(sl_repeats *r, const sl_key *k, rec *a, size_t n) {
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!sl_spill_sources_dropped(&r->srcs, a[i].source)) a[m++] = a[i];
    r->seen.rows += m;
    size_t slots = 1024;
    while (slots < 2 * m) slots *= 2;
    uint8_t *cnt = calloc(slots, 1);
    if (!cnt) return SL_ENOMEM;
    for (size_t i = 0; i < m; i++) {
        uint8_t *c = &cnt[a[i].h & (slots - 1)];
        *c += *c < 255;
    }
    size_t kept = 0;
    for (size_t i = 0; i < m; i++)
        if (cnt[a[i].h & (slots - 1)] >= SL_REPEATS_MIN_SEARCHES) a[kept++] = a[i];
    free(cnt);
    if (kept >= SL_REPEATS_MIN_SEARCHES) {
        sl_status krc = keep_searches(a, &kept);
        if (krc) return krc;
    }
    if (kept > 1) qsort(a, kept, sizeof *a, cmp_rec);
    uint32_t *scratch = NULL; /* case hashes, then reason hashes */
    size_t capscratch = 0;
    sl_status rc = SL_OK;
    for (size_t i = 0; !rc && i < kept;) {
        size_t j = i + 1;
        while (j < kept && same_pair(&a[i], &a[j])) j++;
        if (j - i >= SL_REPEATS_MIN_SEARCHES) {
            rc = sl_grow((void **)&scratch, &capscratch, 2 * (j - i), sizeof *scratch);
            if (!rc) rc = judge(r, k, a + i, j - i, scratch, scratch + (j - i));
        }
        i = j;
    }
    free(scratch);
    return rc;
}

static int cmp_finding(const void *pa, const void *pb) {
    const sl_repeat *a = pa, *b = pb;
    if (a->searches != b->searches) return a->searches > b->searches ? -1 : 1;
    if (a->days != b->days) return a->days > b->days ? -1 : 1;
    if (a->rows != b->rows) return a->rows > b->rows ? -1 : 1;
    int c = sl_cmp_bytes(a->k.org, a->k.org_len, b->k.org, b->k.org_len);
    if (c) return c;
    if (a->k.in_log != b->k.in_log) return a->k.in_log - b->k.in_log;
    if (a->k.kind != b->k.kind) return (int)a->k.kind - (int)b->k.kind;
    c = sl_cmp_bytes(a->k.user, a->k.user_len, b->k.user, b->k.user_len);
    return c ? c : strcmp(a->token, b->token);
}

/* One spill file back into memory, counted. */
static sl_status count_part(sl_repeats *r, const sl_key *k, unsigned p) {
    const uint64_t n = sl_spill_count(r->sp, p);
    if (!n) return SL_OK;
    if (n > SIZE_MAX / sizeof(rec) || sl_grow((void **)&r->r, &r->cap, (size_t)n, sizeof *r->r))
        return SL_ENOMEM;
    sl_status rc = sl_spill_read(r->sp, p, r->r);
    return rc ? rc : count_all(r, k, r->r, (size_t)n);
}

sl_status sl_repeats_finish(sl_repeats *r, const sl_key *k, const sl_repeat **findings,
                            size_t *nfindings, const sl_repeat_row **rows, size_t *nrows,
                            sl_repeats_seen *seen) {
    *findings = NULL;
    *nfindings = 0;
    *rows = NULL;
    *nrows = 0;
    memset(seen, 0, sizeof *seen);
    if (r->finished) return SL_EINTERNAL;
    r->finished = 1;
    if (r->gave_up) return SL_OK;
    sl_spill_sources_seal(&r->srcs);
    sl_status rc = SL_OK;
    if (!r->spilled) {
        rc = count_all(r, k, r->r, r->n);
    } else {
        rc = spill(r);
        for (unsigned p = 0; !rc && p < PARTS; p++) rc = count_part(r, k, p);
        if (rc == SL_EIO) { /* nothing half counted is shown */
            give_up(r, SL_REPEATS_SPILL_FAILED);
            r->nf = r->nrows = 0;
            r->seen.rows = 0;
            return SL_OK;
        }
    }
    free(r->r); /* the kept rows are spent */
    r->r = NULL;
    r->n = r->cap = 0;
    sl_spill_free(r->sp);
    r->sp = NULL;
    if (rc) return rc;
    if (r->nf > 1) qsort(r->f, r->nf, sizeof *r->f, cmp_finding); /* never NULL to qsort */
    *findings = r->f;
    *nfindings = r->nf;
    *rows = r->rows;
    *nrows = r->nrows;
    *seen = r->seen;
    return SL_OK;
}
