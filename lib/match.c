/* match.c: compiles every pattern of every pack into one Hyperscan block-mode database and
 * classifies texts with it: word-boundary post-filter, except/unless exclusions, group
 * resolution. Also explains a classification step by step and checks the packs' examples.
 *
 * Spans are needed for explain and for span overlap, hence start of match (SOM). Tracking it
 * in one database of every pattern costs 2.5 times a scan without it, so each text is scanned
 * twice: first by one database of every pattern compiled HS_FLAG_CASELESS alone (which pattern
 * ends where), then, for each pattern that ended somewhere it could match, by that pattern's
 * own HS_FLAG_CASELESS | HS_FLAG_SOM_LEFTMOST database. A pattern whose matches all have the
 * same width needs no second scan: its start is its end less the width. The events are those
 * one SOM database of every pattern gives (the leftmost start for each end), since Hyperscan
 * matches each pattern of a database independently. HS_FLAG_UTF8 is NOT used: texts come
 * straight from records releases and may hold invalid UTF-8, on which Hyperscan's UTF-8 mode
 * is undefined; patterns therefore match bytes (a non-ASCII letter in a pattern still matches
 * itself, byte for byte).
 * No DOTALL or MULTILINE: `.` does not match a newline, ^ and $ are the ends of the text. */
#include "redact.h"
#include "rules.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SL_MATCH_MAX_EVENTS (1u << 20) /* pattern matches kept for one text */
#define PLATE_SPANS 8 /* plates looked at in one text: matches in later ones stand */

static void seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...) {
    if (!err || !errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---- compile ------------------------------------------------------------------------------- */

#define SL_HS_SCAN_FLAGS HS_FLAG_CASELESS                        /* r->db: which pattern ends where */
#define SL_HS_SOM_FLAGS (HS_FLAG_CASELESS | HS_FLAG_SOM_LEFTMOST) /* r->som[i]: where it starts */

/* Frees the databases, keeping r->som and r->width (zeroed). */
static void free_dbs(sl_rules *r) {
    hs_free_database(r->db);
    r->db = NULL;
    for (size_t i = 0; r->som && i < r->npats; i++) {
        hs_free_database(r->som[i]);
        r->som[i] = NULL;
    }
    if (r->width) memset(r->width, 0, r->npats * sizeof *r->width);
}

/* Frees what sl_rules_compile made. */
void sl_rules_uncompile(sl_rules *r) {
    free_dbs(r);
    free(r->som);
    free(r->width);
    r->som = NULL;
    r->width = NULL;
}

/* The message for a pattern Hyperscan refuses. */
static void pattern_error(const sl_rules *r, size_t idx, const char *msg, int som, char *err,
                          size_t errlen) {
    if (!msg) msg = "unknown error";
    if (!strncmp(msg, "Pattern matches empty buffer", 28))
        msg = "it can match an empty text (every pattern must need at least one character)";
    const sl_pattern *p = &r->pats[idx];
    const sl_rule *ru = &r->rules[p->rule];
    if (som) /* Start-of-match tracking makes some patterns too large; say so when that is why. */
        seterr(err, errlen,
               "%s:%u: rule %s: pattern '%s' compiles only without start-of-match "
               "tracking, which sunlight needs for spans (Hyperscan: %s); simplify it, "
               "e.g. shorter bounded repeats",
               r->packs[ru->pack].file, p->line, ru->id, p->expr, msg);
    else
        seterr(err, errlen, "%s:%u: rule %s: pattern '%s' does not compile: %s",
               r->packs[ru->pack].file, p->line, ru->id, p->expr, msg);
}

/* r->db from every pattern, then each pattern's width and, when it varies, its own SOM
 * database. r->som and r->width are allocated (zeroed) by the caller. */
static sl_status compile_db(sl_rules *r, const char **exprs, const unsigned *flags,
                            const unsigned *ids, char *err, size_t errlen) {
    hs_compile_error_t *ce = NULL;
    if (hs_compile_multi(exprs, flags, ids, (unsigned)r->npats, HS_MODE_BLOCK, NULL, &r->db,
                         &ce) != HS_SUCCESS) {
        r->db = NULL;
        int idx = ce ? ce->expression : -1;
        const char *msg = ce && ce->message ? ce->message : NULL;
        if (idx >= 0 && (size_t)idx < r->npats) pattern_error(r, (size_t)idx, msg, 0, err, errlen);
        else seterr(err, errlen, "rule packs do not compile: %s", msg ? msg : "unknown error");
        hs_free_compile_error(ce);
        return SL_ERULES;
    }
    for (size_t i = 0; i < r->npats; i++) {
        hs_expr_info_t *info = NULL;
        ce = NULL;
        if (hs_expression_info(exprs[i], SL_HS_SCAN_FLAGS, &info, &ce) == HS_SUCCESS && info &&
            info->min_width == info->max_width && info->min_width > 0)
            r->width[i] = info->min_width;
        free(info); /* Hyperscan's misc allocator: malloc unless set otherwise, as here */
        hs_free_compile_error(ce);
        if (r->width[i]) continue;
        ce = NULL;
        unsigned fl = SL_HS_SOM_FLAGS; /* the pattern's own id, which on_match reads */
        if (hs_compile_multi(&exprs[i], &fl, &ids[i], 1, HS_MODE_BLOCK, NULL, &r->som[i], &ce) !=
            HS_SUCCESS) {
            r->som[i] = NULL;
            pattern_error(r, i, ce ? ce->message : NULL, 1, err, errlen);
            hs_free_compile_error(ce);
            return SL_ERULES;
        }
    }
    return SL_OK;
}


/* ---- compiled-database cache ----------------------------------------------------------------
 * Compiling ~500 patterns costs seconds of CPU at every start, so the compiled databases are
 * kept in a cache folder ($SUNLIGHT_CACHE, else $XDG_CACHE_HOME/sunlight, else
 * $HOME/.cache/sunlight; SUNLIGHT_CACHE=off disables it). The key hashes exactly what the
 * compiler is given (every pattern, its id and flags) plus the packs' bytes (as their SHA-256,
 * in load order), hs_version(), the host platform and a format version. The file carries the
 * key and the SHA-256 of its payload: r->db, then per pattern its width and its own database
 * (each database as an 8-byte little-endian length and Hyperscan's serialized bytes, length 0
 * for none). Anything that does not check out is ignored and the databases compiled afresh.
 * The cache is not an output: it never changes what matches, and every failure to read or
 * write it is silent. */

#define SL_HSCACHE_FORMAT "sunlight-hsdb-2"
#define SL_HSCACHE_MAGIC "SLHSDB2\n"
#define SL_HSCACHE_MAX (256u << 20) /* a payload larger than this is not ours */

/* Writes the cache folder into dir (created 0700 when missing). 0 when there is none. */
static int cache_dir(char *dir, size_t cap) {
    const char *env = getenv("SUNLIGHT_CACHE");
    int n;
    if (env && *env) {
        if (!strcmp(env, "off")) return 0;
        n = snprintf(dir, cap, "%s", env);
    } else if ((env = getenv("XDG_CACHE_HOME")) && *env) {
        n = snprintf(dir, cap, "%s/sunlight", env);
    } else if ((env = getenv("HOME")) && *env) {
        n = snprintf(dir, cap, "%s/.cache/sunlight", env);
    } else {
        return 0;
    }
    if (n <= 0 || (size_t)n >= cap) return 0;
    /* mkdir -p, each missing level 0700. */
    for (char *q = dir + 1; *q; q++) {
        if (*q != '/') continue;
        *q = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            *q = '/';
            return 0;
        }
        *q = '/';
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) return 0;
    return 1;
}

static void hash_u64(sl_sha256 *h, uint64_t v) {
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
    sl_sha256_update(h, b, sizeof b);
}

static void hash_str(sl_sha256 *h, const char *z) {
    size_t n = strlen(z);
    hash_u64(h, n);
    sl_sha256_update(h, z, n);
}

/* The cache key of a pattern set, as hex. 0 on failure. */
static int cache_key(const sl_rules *r, const char *const *exprs, const unsigned *flags,
                     const unsigned *ids, char hex[65]) {
    sl_sha256 *h = sl_sha256_new();
    if (!h) return 0;
    hash_str(h, SL_HSCACHE_FORMAT);
    hash_str(h, hs_version());
    hs_platform_info_t plat;
    memset(&plat, 0, sizeof plat);
    if (hs_populate_platform(&plat) != HS_SUCCESS) {
        sl_sha256_final(h, hex);
        sl_sha256_free(h);
        return 0;
    }
    hash_u64(h, plat.tune);
    hash_u64(h, plat.cpu_features);
    hash_u64(h, HS_MODE_BLOCK);
    hash_u64(h, r->npacks);
    for (size_t i = 0; i < r->npacks; i++) hash_str(h, r->packs[i].sha256);
    hash_u64(h, r->npats);
    for (size_t i = 0; i < r->npats; i++) {
        hash_u64(h, ids[i]);
        hash_u64(h, flags[i]);
        hash_str(h, exprs[i]);
    }
    sl_sha256_final(h, hex);
    sl_sha256_free(h);
    return 1;
}

static uint64_t get_le(const unsigned char *p, int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

static sl_status put_le(sl_buf *b, uint64_t v, int n) {
    unsigned char x[8];
    for (int i = 0; i < n; i++) x[i] = (unsigned char)(v >> (8 * i));
    return sl_buf_append(b, x, (size_t)n);
}

/* One database of a payload at *at: NULL in *db for length 0. 0 when it does not check out. */
static int payload_db(const unsigned char *p, size_t len, size_t *at, hs_database_t **db) {
    *db = NULL;
    if (len - *at < 8) return 0;
    uint64_t n = get_le(p + *at, 8);
    *at += 8;
    if (n > len - *at) return 0;
    if (n && hs_deserialize_database((const char *)p + *at, (size_t)n, db) != HS_SUCCESS) {
        *db = NULL;
        return 0;
    }
    *at += (size_t)n;
    return 1;
}

/* r's databases from a payload; 1 when it is whole and every database deserializes. */
static int payload_load(sl_rules *r, const unsigned char *p, size_t len) {
    size_t at = 0;
    if (!payload_db(p, len, &at, &r->db) || !r->db) return 0;
    for (size_t i = 0; i < r->npats; i++) {
        if (len - at < 4) return 0;
        r->width[i] = (uint32_t)get_le(p + at, 4);
        at += 4;
        if (!payload_db(p, len, &at, &r->som[i])) return 0;
        if (!r->width[i] == !r->som[i]) return 0; /* exactly one of the two */
    }
    return at == len;
}

/* Reads and checks cached databases into r; 0 (and none in r) when absent or not exactly
 * what was written. */
static int cache_load(sl_rules *r, const char *file, const char *key) {
    FILE *f = fopen(file, "rb");
    if (!f) return 0;
    int ok = 0;
    char head[8 + 64 + 16 + 64];
    unsigned char *bytes = NULL;
    if (fread(head, 1, sizeof head, f) != sizeof head) goto out;
    if (memcmp(head, SL_HSCACHE_MAGIC, 8) || memcmp(head + 8, key, 64)) goto out;
    uint64_t len = 0;
    for (int i = 0; i < 16; i++) {
        char c = head[72 + i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0) goto out;
        len = len << 4 | (uint64_t)v;
    }
    if (!len || len > SL_HSCACHE_MAX) goto out;
    bytes = malloc((size_t)len + 1);
    if (!bytes) goto out;
    /* One byte more than announced must not be there. */
    if (fread(bytes, 1, (size_t)len + 1, f) != (size_t)len) goto out;
    char sum[65];
    sl_sha256 *h = sl_sha256_new();
    if (!h) goto out;
    sl_sha256_update(h, bytes, (size_t)len);
    sl_sha256_final(h, sum);
    sl_sha256_free(h);
    if (memcmp(sum, head + 88, 64)) goto out;
    ok = payload_load(r, bytes, (size_t)len);
out:
    if (!ok) free_dbs(r);
    free(bytes);
    fclose(f);
    return ok;
}

/* Keeps the folder's cached databases under SL_HSCACHE_BUDGET bytes by removing the oldest
 * (packs edited often leave one file per version). Best effort, like everything here. */
#define SL_HSCACHE_BUDGET (64u << 20)
#define SL_HSCACHE_SCAN 256 /* files looked at */

typedef struct {
    char name[80];
    time_t mtime;
    off_t size;
} cache_file;

static int cache_file_newer(const void *a, const void *b) {
    const cache_file *x = a, *y = b;
    if (x->mtime != y->mtime) return x->mtime > y->mtime ? -1 : 1;
    return strcmp(x->name, y->name);
}

static void cache_prune(const char *dir, const char *keep) {
    DIR *d = opendir(dir);
    if (!d) return;
    cache_file *fs = malloc(SL_HSCACHE_SCAN * sizeof *fs);
    size_t n = 0;
    struct dirent *de;
    while (fs && n < SL_HSCACHE_SCAN && (de = readdir(d)) != NULL) {
        size_t nl = strlen(de->d_name);
        if (nl != 3 + 64 + 3 || strncmp(de->d_name, "hs-", 3) || strcmp(de->d_name + 67, ".db"))
            continue;
        char f[4200];
        struct stat sb;
        int k = snprintf(f, sizeof f, "%s/%s", dir, de->d_name);
        if (k <= 0 || (size_t)k >= sizeof f || lstat(f, &sb) != 0 || !S_ISREG(sb.st_mode)) continue;
        memcpy(fs[n].name, de->d_name, nl + 1);
        fs[n].mtime = sb.st_mtime;
        fs[n].size = sb.st_size;
        n++;
    }
    closedir(d);
    if (!fs) return;
    qsort(fs, n, sizeof *fs, cache_file_newer);
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        int mine = strstr(keep, fs[i].name) != NULL;
        total += (uint64_t)fs[i].size;
        if (mine || total <= SL_HSCACHE_BUDGET) continue;
        char f[4200];
        int k = snprintf(f, sizeof f, "%s/%s", dir, fs[i].name);
        if (k > 0 && (size_t)k < sizeof f) unlink(f);
    }
    free(fs);
}

/* One database into a payload: its length, then its serialized bytes. */
static sl_status payload_put(sl_buf *b, const hs_database_t *db) {
    char *bytes = NULL;
    size_t len = 0;
    if (db && (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS || !bytes)) return SL_EINTERNAL;
    sl_status rc = put_le(b, len, 8);
    if (!rc) rc = sl_buf_append(b, bytes, len);
    free(bytes); /* Hyperscan's misc allocator: malloc */
    return rc;
}

/* Writes r's databases next to their final name and renames the file into place. */
static void cache_store(const char *dir, const char *file, const char *key, const sl_rules *r) {
    sl_buf pay = {0};
    sl_status rc = payload_put(&pay, r->db);
    for (size_t i = 0; !rc && i < r->npats; i++) {
        rc = put_le(&pay, r->width[i], 4);
        if (!rc) rc = payload_put(&pay, r->som[i]);
    }
    if (rc) {
        sl_buf_free(&pay);
        return;
    }
    const char *bytes = pay.p;
    size_t len = pay.len;
    char tmp[4200];
    int n = snprintf(tmp, sizeof tmp, "%s/.hs-%ld-%p.tmp", dir, (long)getpid(), (void *)&tmp);
    FILE *f = NULL;
    if (n <= 0 || (size_t)n >= sizeof tmp || len > SL_HSCACHE_MAX) goto out;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) goto out;
    f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        unlink(tmp);
        goto out;
    }
    char head[8 + 64 + 16 + 64 + 1];
    sl_sha256 *h = sl_sha256_new();
    if (!h) goto fail;
    sl_sha256_update(h, bytes, len);
    char sum[65];
    sl_sha256_final(h, sum);
    sl_sha256_free(h);
    memcpy(head, SL_HSCACHE_MAGIC, 8);
    memcpy(head + 8, key, 64);
    snprintf(head + 72, 17, "%016llx", (unsigned long long)len);
    memcpy(head + 88, sum, 64);
    if (fwrite(head, 1, 152, f) != 152 || fwrite(bytes, 1, len, f) != len) goto fail;
    if (fclose(f) != 0) {
        f = NULL;
        goto fail;
    }
    f = NULL;
    if (rename(tmp, file) != 0) unlink(tmp);
    else cache_prune(dir, file);
    goto out;
fail:
    if (f) fclose(f);
    unlink(tmp);
out:
    sl_buf_free(&pay);
}

sl_status sl_rules_compile(sl_rules *r, char *err, size_t errlen) {
    r->db = NULL;
    r->som = NULL;
    r->width = NULL;
    r->db_cached = 0;
    if (!r->npats) return SL_OK; /* packs without rules: nothing ever fires */
    if (r->npats > UINT32_MAX / 2) {
        seterr(err, errlen, "too many patterns (%zu)", r->npats);
        return SL_ERULES;
    }
    const char **exprs = calloc(r->npats, sizeof *exprs);
    unsigned *flags = calloc(r->npats, sizeof *flags);
    unsigned *ids = calloc(r->npats, sizeof *ids);
    r->som = calloc(r->npats, sizeof *r->som);
    r->width = calloc(r->npats, sizeof *r->width);
    sl_status st = SL_OK;
    if (!exprs || !flags || !ids || !r->som || !r->width) {
        st = SL_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < r->npats; i++) {
        exprs[i] = r->pats[i].expr;
        flags[i] = SL_HS_SCAN_FLAGS;
        ids[i] = (unsigned)i;
    }
    char dir[4096], file[4200], key[65];
    int cache = cache_dir(dir, sizeof dir) && cache_key(r, exprs, flags, ids, key);
    if (cache) {
        int n = snprintf(file, sizeof file, "%s/hs-%s.db", dir, key);
        cache = n > 0 && (size_t)n < sizeof file;
    }
    if (cache && cache_load(r, file, key)) {
        r->db_cached = 1;
        goto out;
    }
    st = compile_db(r, exprs, flags, ids, err, errlen);
    if (!st && cache) cache_store(dir, file, key, r);
out:
    if (st) sl_rules_uncompile(r);
    free(exprs);
    free(flags);
    free(ids);
    return st;
}

/* ---- matcher ------------------------------------------------------------------------------- */

typedef struct {
    uint32_t rule;
    uint32_t cls;   /* 0 candidate (match, match_part), 1 except, 2 unless */
    uint32_t pat;
    uint32_t start, end;
    uint32_t aux;   /* except events: running max of end over the rule's excepts so far */
} sl_ev;

typedef struct {
    uint32_t rule, pat, start, end;
} sl_fired;

/* ---- memo ------------------------------------------------------------------------------------
 * Records releases repeat reasons massively (dropdown values, "stolen vehicle", one constant
 * reason per agency), so the final hits of recent texts are remembered. A direct-mapped table
 * keyed by (hash, reads, length) whose entries point into a ring of text bytes; a hit needs the
 * stored text to be byte-equal, so a hash collision only costs a miss. The ring is addressed
 * with 64-bit logical offsets: an entry is valid while its bytes have not been written over.
 * Bounded: slots x sizeof(entry) + ring bytes, allocated on first use. Results are identical
 * with and without it (tests/unit/test_match.c checks). */

#define SL_MEMO_SLOTS_DEFAULT (1u << 16)
#define SL_MEMO_RING_DEFAULT (16u << 20)

typedef struct {
    uint64_t hash;
    uint64_t off;          /* logical ring offset of the text; UINT64_MAX when empty */
    uint32_t len, reads;
    uint32_t n;            /* rules that fired */
    sl_hit hits[SL_MATCHER_MEMO_HITS];
} sl_memo_ent;

typedef struct {
    size_t slots;          /* power of two; 0 disables the memo */
    size_t ring_cap;       /* bytes; >= SL_MATCHER_MEMO_TEXT */
    sl_memo_ent *ent;
    unsigned char *ring;
    uint64_t head;         /* logical bytes written so far */
    int failed;            /* allocation failed once: run without */
} sl_memo;

static int memo_ready(sl_memo *mo) {
    if (mo->ent) return 1;
    if (!mo->slots || mo->failed) return 0;
    mo->ent = malloc(mo->slots * sizeof *mo->ent);
    mo->ring = malloc(mo->ring_cap);
    if (!mo->ent || !mo->ring) {
        free(mo->ent);
        free(mo->ring);
        mo->ent = NULL;
        mo->ring = NULL;
        mo->failed = 1;
        return 0;
    }
    for (size_t i = 0; i < mo->slots; i++) mo->ent[i].off = UINT64_MAX;
    mo->head = 0;
    return 1;
}

/* The entry for the text if it is remembered, else NULL. */
static const sl_memo_ent *memo_get(const sl_memo *mo, uint64_t h, uint32_t reads,
                                   const char *text, size_t len) {
    const sl_memo_ent *e = &mo->ent[h & (mo->slots - 1)];
    if (e->off == UINT64_MAX || e->hash != h || e->len != len || e->reads != reads) return NULL;
    if (mo->head - e->off > mo->ring_cap) return NULL; /* written over since */
    if (len && memcmp(mo->ring + (e->off % mo->ring_cap), text, len)) return NULL;
    return e;
}

static void memo_put(sl_memo *mo, uint64_t h, uint32_t reads, const char *text, size_t len,
                     const sl_hit *hits, size_t n) {
    size_t at = (size_t)(mo->head % mo->ring_cap);
    if (at + len > mo->ring_cap) { /* texts stay contiguous: wrap to the ring's start */
        mo->head += mo->ring_cap - at;
        at = 0;
    }
    sl_memo_ent *e = &mo->ent[h & (mo->slots - 1)];
    if (len) memcpy(mo->ring + at, text, len);
    e->hash = h;
    e->off = mo->head;
    e->len = (uint32_t)len;
    e->reads = reads;
    e->n = (uint32_t)n;
    for (size_t i = 0; i < n; i++) e->hits[i] = hits[i];
    mo->head += len;
}

static void memo_free(sl_memo *mo) {
    free(mo->ent);
    free(mo->ring);
    mo->ent = NULL;
    mo->ring = NULL;
}


struct sl_matcher {
    const sl_rules *r;
    hs_scratch_t *scratch;
    sl_ev *ev;
    size_t nev, capev;
    int overflow;    /* SL_ENOMEM or SL_ELIMIT hit inside the callback */
    const unsigned char *text;
    size_t len;
    uint32_t reads;
    sl_fired *fired; /* nrules */
    uint32_t *gbest; /* ngroups: index into fired, UINT32_MAX when none */
    uint8_t *need;   /* npats: the pattern's SOM database is to scan the text */
    uint32_t *needl; /* the patterns whose need is set, nneed of them */
    size_t nneed;
    sl_memo memo;
    /* explain only: told about matches refused by the word-boundary rule */
    sl_explain_fn xcb;
    void *xud;
    unsigned xlast_pat;
    unsigned long long xlast_start;
};

sl_status sl_matcher_new(sl_matcher **out, const sl_rules *r) {
    *out = NULL;
    sl_matcher *m = calloc(1, sizeof *m);
    if (!m) return SL_ENOMEM;
    m->r = r;
    m->capev = 256;
    m->ev = calloc(m->capev, sizeof *m->ev);
    m->fired = calloc(r->nrules ? r->nrules : 1, sizeof *m->fired);
    m->gbest = malloc((r->ngroups ? r->ngroups : 1) * sizeof *m->gbest);
    m->need = calloc(r->npats ? r->npats : 1, sizeof *m->need);
    m->needl = calloc(r->npats ? r->npats : 1, sizeof *m->needl);
    if (!m->ev || !m->fired || !m->gbest || !m->need || !m->needl) {
        sl_matcher_free(m);
        return SL_ENOMEM;
    }
    for (uint32_t g = 0; g < r->ngroups; g++) m->gbest[g] = UINT32_MAX;
    m->memo.slots = SL_MEMO_SLOTS_DEFAULT;
    m->memo.ring_cap = SL_MEMO_RING_DEFAULT;
    /* one scratch, grown to fit every database */
    int ok = !r->db || hs_alloc_scratch(r->db, &m->scratch) == HS_SUCCESS;
    for (size_t i = 0; ok && r->db && i < r->npats; i++)
        ok = !r->som[i] || hs_alloc_scratch(r->som[i], &m->scratch) == HS_SUCCESS;
    if (!ok) {
        sl_matcher_free(m);
        return SL_ENOMEM;
    }
    *out = m;
    return SL_OK;
}

void sl_matcher_free(sl_matcher *m) {
    if (!m) return;
    hs_free_scratch(m->scratch);
    memo_free(&m->memo);
    free(m->ev);
    free(m->fired);
    free(m->gbest);
    free(m->need);
    free(m->needl);
    free(m);
}

sl_status sl_matcher_set_memo(sl_matcher *m, size_t slots, size_t ring_bytes) {
    if (slots & (slots - 1)) return SL_EUSAGE;
    if (slots && ring_bytes < SL_MATCHER_MEMO_TEXT) return SL_EUSAGE;
    memo_free(&m->memo);
    m->memo.slots = slots;
    m->memo.ring_cap = ring_bytes;
    m->memo.failed = 0;
    return SL_OK;
}

/* Word boundaries: a match may not start between two word characters nor end between two
 * (word characters: ASCII letters and digits). Applied to the leftmost start Hyperscan
 * reports for each end offset. */
static inline int bounds_ok(const unsigned char *t, size_t len, size_t s, size_t e) {
    if (s > 0 && s < len && sl_isalnum(t[s]) && sl_isalnum(t[s - 1])) return 0;
    if (e > s && e < len && sl_isalnum(t[e - 1]) && sl_isalnum(t[e])) return 0;
    return 1;
}

static const uint32_t kind_cls[4] = {0, 0, 1, 2};

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                    void *ctx) {
    (void)flags;
    sl_matcher *m = ctx;
    const sl_pattern *p = &m->r->pats[id];
    if (!(m->r->rules[p->rule].reads & m->reads)) return 0;
    if (p->kind != SL_PAT_PART && !bounds_ok(m->text, m->len, (size_t)from, (size_t)to)) {
        /* Explain says why "ice" in "police" counts for nothing, once per pattern and start. */
        if (m->xcb && p->kind == SL_PAT_MATCH && !(m->xlast_pat == id && m->xlast_start == from)) {
            m->xlast_pat = id;
            m->xlast_start = from;
            sl_explain_event xe = {SL_EXPLAIN_NOT_A_WORD, p->rule, p->expr, (uint32_t)from,
                                   (uint32_t)to, NULL, 0, 0, 0};
            m->xcb(m->xud, &xe);
        }
        return 0;
    }
    if (m->nev == m->capev) {
        if (m->capev >= SL_MATCH_MAX_EVENTS) {
            m->overflow = SL_ELIMIT;
            return 1;
        }
        sl_ev *q = sl_reallocarray(m->ev, m->capev * 2, sizeof *q);
        if (!q) {
            m->overflow = SL_ENOMEM;
            return 1;
        }
        m->ev = q;
        m->capev *= 2;
    }
    sl_ev *e = &m->ev[m->nev++];
    e->rule = p->rule;
    e->cls = kind_cls[p->kind];
    e->pat = id;
    e->start = (uint32_t)from;
    e->end = (uint32_t)to;
    e->aux = 0;
    return 0;
}

/* The first scan's callback (r->db, no start of match): a fixed-width pattern's match is
 * complete already; another pattern is marked for its own SOM database, unless this end rules
 * it out whatever the start (inside a word) and no explainer wants to hear of it. */
static int on_end(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                  void *ctx) {
    (void)from;
    sl_matcher *m = ctx;
    const sl_rules *r = m->r;
    uint32_t w = r->width[id];
    if (w) return on_match(id, to - w, to, flags, ctx);
    if (m->need[id]) return 0;
    const sl_pattern *p = &r->pats[id];
    if (!(r->rules[p->rule].reads & m->reads)) return 0;
    if (!m->xcb && p->kind != SL_PAT_PART && to > 0 && to < m->len &&
        sl_isalnum(m->text[to - 1]) && sl_isalnum(m->text[to]))
        return 0;
    m->need[id] = 1;
    m->needl[m->nneed++] = id;
    return 0;
}

static int ev_cmp(const sl_ev *a, const sl_ev *b) {
    if (a->rule != b->rule) return a->rule < b->rule ? -1 : 1;
    if (a->cls != b->cls) return a->cls < b->cls ? -1 : 1;
    if (a->start != b->start) return a->start < b->start ? -1 : 1;
    if (a->end != b->end) return a->end < b->end ? -1 : 1;
    if (a->pat != b->pat) return a->pat < b->pat ? -1 : 1;
    return 0;
}

static int ev_qcmp(const void *a, const void *b) { return ev_cmp(a, b); }

static void sort_events(sl_ev *ev, size_t n) {
    if (n > 24) {
        qsort(ev, n, sizeof *ev, ev_qcmp);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        sl_ev x = ev[i];
        size_t j = i;
        while (j > 0 && ev_cmp(&ev[j - 1], &x) > 0) {
            ev[j] = ev[j - 1];
            j--;
        }
        ev[j] = x;
    }
}

/* Drops the matches (not the exclusions) that lie inside, and short of, what reads as a
 * license plate typed into the text (redact.c's finders): "CBP" in "felony stop CBP 4226
 * armed" is a plate's letters, which every output shows as the plate's token, not the agency.
 * A match spanning the whole plate (a rule about plates in reasons) stands. */
static void drop_plate_parts(sl_matcher *m) {
    size_t k = 0;
    while (k < m->nev && m->ev[k].cls != 0) k++;
    if (k == m->nev) return; /* no match to drop */
    uint32_t sp[PLATE_SPANS][2];
    size_t ns = sl_redact_plate_spans((const char *)m->text, m->len, sp, PLATE_SPANS);
    if (ns > PLATE_SPANS) ns = PLATE_SPANS; /* matches in later plates stand */
    if (!ns) return;
    size_t n = 0;
    for (size_t i = 0; i < m->nev; i++) {
        const sl_ev *e = &m->ev[i];
        size_t j = 0;
        if (e->cls == 0)
            while (j < ns && !(e->start >= sp[j][0] && e->end <= sp[j][1] &&
                               e->end - e->start < sp[j][1] - sp[j][0]))
                j++;
        if (e->cls != 0 || j == ns) {
            m->ev[n++] = *e;
            continue;
        }
        if (m->xcb) {
            sl_explain_event xe = {SL_EXPLAIN_IN_PLATE, e->rule, m->r->pats[e->pat].expr,
                                   e->start, e->end, NULL, sp[j][0], sp[j][1], 0};
            m->xcb(m->xud, &xe);
        }
    }
    m->nev = n;
}

/* Runs the database over the text, leaving boundary-checked events in m->ev. */
static sl_status scan(sl_matcher *m, uint32_t reads, const char *text, size_t len) {
    m->nev = 0;
    m->overflow = 0;
    if (!m->r->db) return SL_OK;
    if (len > UINT32_MAX) return SL_ELIMIT;
    m->text = (const unsigned char *)(text ? text : "");
    m->len = len;
    m->reads = reads;
    m->nneed = 0;
    hs_error_t he = hs_scan(m->r->db, (const char *)m->text, (unsigned)len, 0, m->scratch,
                            on_end, m);
    for (size_t k = 0; k < m->nneed; k++) {
        uint32_t id = m->needl[k];
        m->need[id] = 0;
        if (he == HS_SUCCESS)
            he = hs_scan(m->r->som[id], (const char *)m->text, (unsigned)len, 0, m->scratch,
                         on_match, m);
    }
    m->nneed = 0;
    if (m->overflow) return (sl_status)m->overflow;
    if (he != HS_SUCCESS) return SL_EINTERNAL;
    drop_plate_parts(m);
    sort_events(m->ev, m->nev);
    return SL_OK;
}

typedef struct {
    sl_explain_fn cb;
    void *ud;
} sl_explainer;

/* Whether an except of the sorted run ex[0..n) overlaps [s, e). ex[i].aux is the max end of
 * ex[0..i]: binary-search the last except starting before e, then compare its running max. */
static const sl_ev *except_hit(const sl_ev *ex, size_t n, uint32_t s, uint32_t e, int want) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ex[mid].start < e) lo = mid + 1;
        else hi = mid;
    }
    if (lo == 0 || ex[lo - 1].aux <= s) return NULL;
    if (!want) return ex; /* any non-NULL */
    for (size_t i = 0; i < lo; i++)
        if (ex[i].end > s) return &ex[i];
    return NULL;
}

/* From sorted events, the rules that fire before group resolution (in rule order) with the
 * span of their first surviving match. Explains MATCH and VETO when x is given. */
static size_t resolve_raw(sl_matcher *m, const sl_explainer *x) {
    const sl_rules *r = m->r;
    sl_ev *ev = m->ev;
    size_t n = m->nev, nf = 0, a = 0;
    while (a < n) {
        uint32_t rule = ev[a].rule;
        size_t b = a, c, d;
        while (b < n && ev[b].rule == rule) b++;
        for (c = a; c < b && ev[c].cls == 0; c++) {}
        for (d = c; d < b && ev[d].cls == 1; d++) {}
        uint32_t mx = 0;
        for (size_t i = c; i < d; i++) {
            if (ev[i].end > mx) mx = ev[i].end;
            ev[i].aux = mx;
        }
        const sl_ev *unless = d < b ? &ev[d] : NULL;
        const sl_ev *best = NULL;
        for (size_t i = a; i < c; i++) {
            const sl_ev *e = &ev[i];
            const sl_ev *veto = unless ? unless : except_hit(ev + c, d - c, e->start, e->end, x != NULL);
            if (x) {
                sl_explain_event xe = {SL_EXPLAIN_MATCH, rule, r->pats[e->pat].expr, e->start,
                                       e->end, NULL, 0, 0, 0};
                x->cb(x->ud, &xe);
                if (veto) {
                    xe.kind = SL_EXPLAIN_VETO;
                    xe.by = r->pats[veto->pat].expr;
                    xe.by_start = veto->start;
                    xe.by_end = veto->end;
                    xe.by_unless = veto->cls == 2;
                    x->cb(x->ud, &xe);
                }
            }
            if (!veto && !best) {
                best = e;
                if (!x) break;
            }
        }
        if (best) m->fired[nf++] = (sl_fired){rule, best->pat, best->start, best->end};
        a = b;
    }
    return nf;
}

/* Group resolution over m->fired[0..nf): writes the winners as hits, explains SUPPRESS/FIRE. */
static size_t resolve_groups(sl_matcher *m, size_t nf, sl_hit *hits, size_t cap,
                             const sl_explainer *x) {
    const sl_rules *r = m->r;
    for (size_t i = 0; i < nf; i++) {
        uint32_t g = r->rules[m->fired[i].rule].group_idx;
        if (g == UINT32_MAX) continue;
        uint32_t cur = m->gbest[g];
        /* Strictly lower wins, so on a tie the earlier rule (in load order) stays. */
        if (cur == UINT32_MAX ||
            r->rules[m->fired[i].rule].priority < r->rules[m->fired[cur].rule].priority)
            m->gbest[g] = (uint32_t)i;
    }
    size_t nh = 0;
    for (size_t i = 0; i < nf; i++) {
        const sl_fired *f = &m->fired[i];
        uint32_t g = r->rules[f->rule].group_idx;
        int win = g == UINT32_MAX || m->gbest[g] == i;
        if (x) {
            sl_explain_event xe = {win ? SL_EXPLAIN_FIRE : SL_EXPLAIN_SUPPRESS, f->rule,
                                   r->pats[f->pat].expr, f->start, f->end, NULL, 0, 0, 0};
            if (!win) {
                const sl_fired *w = &m->fired[m->gbest[g]];
                xe.by = r->rules[w->rule].id;
                xe.by_start = w->start;
                xe.by_end = w->end;
            }
            x->cb(x->ud, &xe);
        }
        if (!win) continue;
        if (nh < cap) hits[nh] = (sl_hit){f->rule, f->start, f->end};
        nh++;
    }
    for (size_t i = 0; i < nf; i++) {
        uint32_t g = r->rules[m->fired[i].rule].group_idx;
        if (g != UINT32_MAX) m->gbest[g] = UINT32_MAX;
    }
    return nh;
}

static sl_status match_uncached(sl_matcher *m, uint32_t reads, const char *text, size_t len,
                                sl_hit *hits, size_t cap, size_t *n) {
    *n = 0;
    sl_status st = scan(m, reads, text, len);
    if (st) return st;
    if (!m->nev) return SL_OK;
    size_t nf = resolve_raw(m, NULL);
    *n = resolve_groups(m, nf, hits, cap, NULL);
    return SL_OK;
}

int sl_matcher_recall(sl_matcher *m, uint32_t key, const char *text, size_t len, sl_hit *hits,
                      size_t cap, size_t *n) {
    if (!(key & SL_MEMO_KEY) || len > SL_MATCHER_MEMO_TEXT || !memo_ready(&m->memo)) return 0;
    if (!text) text = "";
    const sl_memo_ent *e = memo_get(&m->memo, sl_hash_fast(text, len, key), key, text, len);
    if (!e) return 0;
    *n = e->n < cap ? e->n : cap;
    for (size_t i = 0; i < *n; i++) hits[i] = e->hits[i];
    return 1;
}

void sl_matcher_remember(sl_matcher *m, uint32_t key, const char *text, size_t len,
                         const sl_hit *hits, size_t n) {
    if (!(key & SL_MEMO_KEY) || len > SL_MATCHER_MEMO_TEXT || n > SL_MATCHER_MEMO_HITS ||
        !memo_ready(&m->memo))
        return;
    if (!text) text = "";
    memo_put(&m->memo, sl_hash_fast(text, len, key), key, text, len, hits, n);
}

sl_status sl_match_reads(sl_matcher *m, uint32_t reads, const char *text, size_t len,
                         sl_hit *hits, size_t cap, size_t *n) {
    reads &= ~SL_MEMO_KEY; /* no rule reads that bit; it keys the callers' own results */
    if (len > SL_MATCHER_MEMO_TEXT || !m->r->db || !memo_ready(&m->memo))
        return match_uncached(m, reads, text, len, hits, cap, n);
    if (!text) text = "";
    uint64_t h = sl_hash_fast(text, len, reads);
    const sl_memo_ent *e = memo_get(&m->memo, h, reads, text, len);
    if (e) {
        for (size_t i = 0; i < e->n && i < cap; i++) hits[i] = e->hits[i];
        *n = e->n;
        return SL_OK;
    }
    /* Matched into a local array so the memo keeps every hit whatever the caller's cap. */
    sl_hit mine[SL_MATCHER_MEMO_HITS];
    sl_status st = match_uncached(m, reads, text, len, mine, SL_MATCHER_MEMO_HITS, n);
    if (st) return st;
    if (*n > SL_MATCHER_MEMO_HITS) return match_uncached(m, reads, text, len, hits, cap, n);
    for (size_t i = 0; i < *n && i < cap; i++) hits[i] = mine[i];
    memo_put(&m->memo, h, reads, text, len, mine, *n);
    return SL_OK;
}

sl_status sl_match(sl_matcher *m, const char *text, size_t len, sl_hit *hits, size_t cap,
                   size_t *n) {
    return sl_match_reads(m, SL_READS_ALL, text, len, hits, cap, n);
}

sl_status sl_rules_explain(const sl_rules *r, const char *text, size_t len, sl_explain_fn cb,
                           void *ud) {
    sl_matcher *m;
    sl_status st = sl_matcher_new(&m, r);
    if (st) return st;
    m->xcb = cb;
    m->xud = ud;
    m->xlast_pat = UINT_MAX;
    st = scan(m, SL_READS_EVERY, text, len);
    if (!st) {
        sl_explainer x = {cb, ud};
        size_t nf = resolve_raw(m, &x);
        resolve_groups(m, nf, NULL, 0, &x);
    }
    sl_matcher_free(m);
    return st;
}

sl_status sl_rules_test(const sl_rules *r, sl_example_fn cb, void *ud, size_t *npass,
                        size_t *nfail) {
    size_t pass = 0, fail = 0;
    if (npass) *npass = 0;
    if (nfail) *nfail = 0;
    sl_matcher *m;
    sl_status st = sl_matcher_new(&m, r);
    if (st) return st;
    for (size_t i = 0; i < r->nex; i++) {
        const sl_example *e = &r->ex[i];
        st = scan(m, SL_READS_EVERY, e->text, strlen(e->text));
        if (st) break;
        size_t nf = resolve_raw(m, NULL);
        int fired = 0;
        for (size_t k = 0; k < nf && !fired; k++) fired = m->fired[k].rule == e->rule;
        if (fired == e->yes) pass++;
        else fail++;
        if (cb) {
            sl_example_result res = {e->rule, e->text, e->yes, fired,
                                     r->packs[r->rules[e->rule].pack].file, e->line};
            cb(ud, &res);
        }
    }
    sl_matcher_free(m);
    if (npass) *npass = pass;
    if (nfail) *nfail = fail;
    return st;
}
