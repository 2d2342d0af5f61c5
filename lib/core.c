/* core.c: the small core: status names, field and cell-state names, growable buffers with a
 * cap, a bump arena, bounded string helpers and streaming SHA-256 over OpenSSL's EVP. Depends
 * on nothing else in lib/. */
#include "core.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

const char *sl_status_str(sl_status st) {
    switch (st) {
    case SL_OK: return "ok";
    case SL_ENOMEM: return "out of memory";
    case SL_EIO: return "input/output error";
    case SL_EFORMAT: return "unreadable format";
    case SL_ELIMIT: return "size or depth limit reached";
    case SL_ERULES: return "rule pack error";
    case SL_EUSAGE: return "bad usage";
    case SL_ENOINPUT: return "no usable input";
    case SL_EDB: return "database error";
    case SL_ECRYPTO: return "key or hashing error";
    case SL_EINTERNAL: return "internal error";
    case SL_ECANCELED: return "stopped before the end";
    }
    return "unknown status";
}

static const char *const field_names[SL_F_COUNT] = {
    [SL_F_ID] = "id",
    [SL_F_NAME] = "name",
    [SL_F_USER_ID] = "user_id",
    [SL_F_ORG] = "org",
    [SL_F_NETWORKS] = "networks",
    [SL_F_DEVICES] = "devices",
    [SL_F_TIME_FRAME] = "time_frame",
    [SL_F_TF_START] = "time_frame_start",
    [SL_F_TF_END] = "time_frame_end",
    [SL_F_PLATE] = "plate",
    [SL_F_REASON] = "reason",
    [SL_F_CASE] = "case_number",
    [SL_F_OFFENSE] = "offense_type",
    [SL_F_FILTERS] = "filters",
    [SL_F_SEARCH_TIME] = "search_time",
    [SL_F_SEARCH_DATE] = "search_date",
    [SL_F_SEARCH_TYPE] = "search_type",
    [SL_F_TEXT_PROMPT] = "text_prompt",
    [SL_F_MODERATION] = "moderation",
};

const char *sl_field_name(sl_field f) {
    return ((unsigned)f < SL_F_COUNT && field_names[f]) ? field_names[f] : "unknown";
}

static const char *const cell_state_names[SL_CELL__COUNT] = {
    [SL_CELL_ABSENT] = "not_exported",
    [SL_CELL_EMPTY] = "empty",
    [SL_CELL_VALUE] = "value",
    [SL_CELL_PLACEHOLDER] = "placeholder",
    [SL_CELL_VENDOR_REDACTED] = "vendor_redacted",
    [SL_CELL_AGENCY_REDACTED] = "agency_redacted",
    [SL_CELL_PARTIAL] = "partly_redacted",
};

const char *sl_cell_state_name(sl_cell_state s) {
    return ((unsigned)s < SL_CELL__COUNT) ? cell_state_names[s] : "unknown";
}

/* ---- buffers ------------------------------------------------------------------------------ */

sl_status sl_buf_grow(sl_buf *b, size_t extra) {
    size_t limit = b->cap_limit ? b->cap_limit : SIZE_MAX / 2;
    if (extra > limit || b->len > limit - extra) return SL_ELIMIT;
    size_t need = b->len + extra + 1; /* room for a NUL */
    if (need <= b->cap) return SL_OK;
    size_t ncap = b->cap ? b->cap : 256;
    while (ncap < need) ncap = ncap > SIZE_MAX / 4 ? need : ncap * 2;
    if (ncap > limit + 1) ncap = limit + 1;
    char *np = realloc(b->p, ncap);
    if (!np) return SL_ENOMEM;
    b->p = np;
    b->cap = ncap;
    return SL_OK;
}


sl_status sl_buf_putc(sl_buf *b, char c) { return sl_buf_append(b, &c, 1); }

sl_status sl_buf_puts(sl_buf *b, const char *s) { return sl_buf_append(b, s, strlen(s)); }

sl_status sl_buf_vprintf(sl_buf *b, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) { va_end(ap2); return SL_EINTERNAL; }
    sl_status rc;
    if ((size_t)n < sizeof small) {
        rc = sl_buf_append(b, small, (size_t)n);
    } else {
        rc = sl_buf_reserve(b, (size_t)n);
        if (!rc) {
            vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap2);
            b->len += (size_t)n;
        }
    }
    va_end(ap2);
    return rc;
}

sl_status sl_buf_printf(sl_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sl_status rc = sl_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

sl_status sl_buf_nul(sl_buf *b) {
    sl_status rc = sl_buf_reserve(b, 0);
    if (rc) return rc;
    b->p[b->len] = '\0';
    return SL_OK;
}

void sl_buf_reset(sl_buf *b) { b->len = 0; }

void sl_buf_free(sl_buf *b) {
    if (!b) return;
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* ---- arena -------------------------------------------------------------------------------- */

struct sl_arena_block {
    sl_arena_block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

void sl_arena_init(sl_arena *a, size_t block_size) {
    a->head = NULL;
    a->block_size = block_size ? block_size : 64 * 1024;
}

void *sl_arena_alloc(sl_arena *a, size_t n) {
    n = (n + 15) & ~(size_t)15;
    if (n == 0) n = 16;
    sl_arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t sz = n > a->block_size ? n : a->block_size;
        sl_arena_block *nb = malloc(sizeof *nb + sz);
        if (!nb) return NULL;
        nb->used = 0;
        nb->size = sz;
        /* A block bigger than usual goes behind the head so the head keeps its free room. */
        if (b && sz > a->block_size) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

char *sl_arena_strndup(sl_arena *a, const char *p, size_t n) {
    char *s = sl_arena_alloc(a, n + 1);
    if (!s) return NULL;
    if (n) memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

void sl_arena_reset(sl_arena *a) {
    sl_arena_block *b = a->head;
    if (!b) return;
    sl_arena_block *rest = b->next;
    while (rest) {
        sl_arena_block *n = rest->next;
        free(rest);
        rest = n;
    }
    b->next = NULL;
    b->used = 0;
}

void sl_arena_free(sl_arena *a) {
    if (!a) return;
    sl_arena_block *b = a->head;
    while (b) {
        sl_arena_block *n = b->next;
        free(b);
        b = n;
    }
    a->head = NULL;
}

/* ---- strings ------------------------------------------------------------------------------ */

char *sl_strdup(const char *s) { return s ? sl_strndup(s, strlen(s)) : NULL; }

char *sl_strndup(const char *p, size_t n) {
    char *s = malloc(n + 1);
    if (!s) return NULL;
    if (n) memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

void *sl_reallocarray(void *p, size_t n, size_t size) {
    if (size && n > SIZE_MAX / size) return NULL;
    size_t bytes = n * size;
    return realloc(p, bytes ? bytes : 1);
}

sl_status sl_grow(void **p, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return SL_OK;
    size_t n = *cap ? *cap : 16;
    while (n < need) {
        if (n > SIZE_MAX / 2) return SL_ENOMEM;
        n *= 2;
    }
    void *q = sl_reallocarray(*p, n, size);
    if (!q) return SL_ENOMEM;
    *p = q;
    *cap = n;
    return SL_OK;
}

char *sl_fmt(char *dst, size_t cap, const char *fmt, ...) {
    if (!cap) return dst;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, cap, fmt, ap);
    va_end(ap);
    if (n < 0) dst[0] = '\0';
    return dst;
}

char *sl_fmt_count(int64_t v, char out[32]) {
    char d[24];
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    int n = snprintf(d, sizeof d, "%llu", u), j = 0;
    if (v < 0) out[j++] = '-';
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) out[j++] = ',';
        out[j++] = d[i];
    }
    out[j] = '\0';
    return out;
}

/* sl_hash_fast's steps, each word lower-cased first when lower is set (a constant: each
 * caller gets its own code). */
static inline __attribute__((always_inline)) uint64_t hash_words(const void *p, size_t n,
                                                                 uint64_t seed, int lower) {
    const unsigned char *b = p;
    const uint64_t m = 0x9e3779b97f4a7c15ull;
    uint64_t h = seed ^ (uint64_t)n * m, w;
    for (; n >= 8; b += 8, n -= 8) {
        memcpy(&w, b, 8);
        h = (h ^ (lower ? sl_lower8(w) : w)) * m;
        h ^= h >> 29;
    }
    /* the last n < 8 bytes in memory order, as memcpy(&w, b, n) would put them on a
     * little-endian machine, without the library call a variable-length memcpy costs */
    w = 0;
    unsigned sh = 0;
    if (n & 4) {
        uint32_t x;
        memcpy(&x, b, 4);
        w = x;
        b += 4;
        sh = 32;
    }
    if (n & 2) {
        uint16_t x;
        memcpy(&x, b, 2);
        w |= (uint64_t)x << sh;
        b += 2;
        sh += 16;
    }
    if (n & 1) w |= (uint64_t)*b << sh;
    h = (h ^ (lower ? sl_lower8(w) : w)) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
    return h;
}

uint64_t sl_hash_fast(const void *p, size_t n, uint64_t seed) { return hash_words(p, n, seed, 0); }

uint64_t sl_hash_lower(const void *p, size_t n, uint64_t seed) { return hash_words(p, n, seed, 1); }

uint64_t sl_fnv1a_lower(uint64_t h, const void *vp, size_t n) {
    const unsigned char *p = vp;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (; n >= 8; p += 8, n -= 8) { /* eight bytes lower-cased at once, in memory order */
        uint64_t w;
        memcpy(&w, p, 8);
        w = sl_lower8(w);
        h = (h ^ (w & 0xFF)) * SL_FNV_PRIME;
        h = (h ^ (w >> 8 & 0xFF)) * SL_FNV_PRIME;
        h = (h ^ (w >> 16 & 0xFF)) * SL_FNV_PRIME;
        h = (h ^ (w >> 24 & 0xFF)) * SL_FNV_PRIME;
        h = (h ^ (w >> 32 & 0xFF)) * SL_FNV_PRIME;
        h = (h ^ (w >> 40 & 0xFF)) * SL_FNV_PRIME;
        h = (h ^ (w >> 48 & 0xFF)) * SL_FNV_PRIME;
        h = (h ^ (w >> 56)) * SL_FNV_PRIME;
    }
    if (n >= 4) { /* four more (a UUID's last four), the same way */
        uint32_t x;
        memcpy(&x, p, 4);
        uint64_t w = sl_lower8(x);
        h = (h ^ (w & 0xFF)) * SL_FNV_PRIME;
        h = (h ^ (w >> 8 & 0xFF)) * SL_FNV_PRIME;
        h = (h ^ (w >> 16 & 0xFF)) * SL_FNV_PRIME;
        h = (h ^ (w >> 24 & 0xFF)) * SL_FNV_PRIME;
        p += 4;
        n -= 4;
    }
#endif
    for (size_t i = 0; i < n; i++) h = (h ^ sl_tolower(p[i])) * SL_FNV_PRIME;
    return h;
}

const char *sl_tmpdir(void) {
    const char *d = getenv("TMPDIR");
    return d && d[0] == '/' ? d : "/tmp";
}

FILE *sl_tmpfile(void) {
    const char *d = sl_tmpdir();
    size_t n = strlen(d);
    char *path = malloc(n + sizeof "/sunlight-XXXXXX");
    if (!path) return NULL;
    memcpy(path, d, n);
    memcpy(path + n, "/sunlight-XXXXXX", sizeof "/sunlight-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) {
        free(path);
        return NULL;
    }
    unlink(path); /* gone from the folder; the file lives until it is closed */
    free(path);
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    FILE *f = fdopen(fd, "w+b");
    if (!f) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return f;
}

const char *sl_path_base(const char *p) {
    if (!p) return NULL;
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

void sl_hex(const unsigned char *in, size_t n, char *out) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

sl_slice sl_trim(sl_slice s) {
    const unsigned char *p = (const unsigned char *)s.p;
    size_t a = 0, b = s.len;
    for (;;) {
        if (a < b && sl_isspace(p[a])) a++;
        else if (b - a >= 2 && p[a] == 0xC2 && p[a + 1] == 0xA0) a += 2; /* NBSP */
        else break;
    }
    for (;;) {
        if (b > a && sl_isspace(p[b - 1])) b--;
        else if (b - a >= 2 && p[b - 2] == 0xC2 && p[b - 1] == 0xA0) b -= 2;
        else break;
    }
    sl_slice r = {s.p ? s.p + a : s.p, b - a};
    return r;
}

int sl_slice_ieq(sl_slice s, const char *z) {
    size_t n = strlen(z);
    if (n != s.len) return 0;
    for (size_t i = 0; i < n; i++)
        if (sl_tolower((unsigned char)s.p[i]) != sl_tolower((unsigned char)z[i])) return 0;
    return 1;
}

int sl_mem_has(const void *p, size_t n, const char *needle) {
    size_t k = strlen(needle);
    if (n < k) return 0; /* also keeps an empty cell's NULL pointer out of memchr */
    const char *q = p, *e = q + n;
    for (; (q = memchr(q, needle[0], (size_t)(e - q))) != NULL; q++)
        if ((size_t)(e - q) >= k && memcmp(q, needle, k) == 0) return 1;
    return 0;
}

int sl_ends_with_ci(const char *p, size_t n, const char *suffix) {
    size_t k = strlen(suffix);
    if (k > n) return 0;
    for (size_t i = 0; i < k; i++)
        if (sl_tolower((unsigned char)p[n - k + i]) != (unsigned char)suffix[i]) return 0;
    return 1;
}

int sl_slice_eq(sl_slice s, const char *z) {
    size_t n = strlen(z);
    return n == s.len && (n == 0 || memcmp(s.p, z, n) == 0);
}

size_t sl_utf8_put(uint32_t cp, char *o) {
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* ---- SHA-256 ------------------------------------------------------------------------------ */

struct sl_sha256 {
    EVP_MD_CTX *ctx;
};

sl_sha256 *sl_sha256_new(void) {
    sl_sha256 *h = malloc(sizeof *h);
    if (!h) return NULL;
    h->ctx = EVP_MD_CTX_new();
    if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(h->ctx);
        free(h);
        return NULL;
    }
    return h;
}

void sl_sha256_update(sl_sha256 *h, const void *p, size_t n) {
    if (h && n) EVP_DigestUpdate(h->ctx, p, n);
}

void sl_sha256_final(sl_sha256 *h, char hex[65]) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!h || EVP_DigestFinal_ex(h->ctx, md, &mdlen) != 1 || mdlen != 32) {
        hex[0] = '\0';
        return;
    }
    sl_hex(md, 32, hex);
}

void sl_sha256_free(sl_sha256 *h) {
    if (!h) return;
    EVP_MD_CTX_free(h->ctx);
    free(h);
}

sl_status sl_sha256_add_fd(sl_sha256 *h, int fd, uint64_t *bytes) {
    char *buf = malloc(1 << 20);
    if (!buf) return SL_ENOMEM;
    sl_status rc = SL_OK;
    uint64_t off = 0;
    for (;;) {
        ssize_t n = pread(fd, buf, 1 << 20, (off_t)off);
        if (n < 0) {
            if (errno == EINTR) continue;
            rc = SL_EIO;
            break;
        }
        if (n == 0) break;
        sl_sha256_update(h, buf, (size_t)n);
        off += (uint64_t)n;
    }
    if (bytes) *bytes += off;
    free(buf);
    return rc;
}

sl_status sl_sha256_fd(int fd, char hex[65]) {
    sl_sha256 *h = sl_sha256_new();
    if (!h) return SL_ENOMEM;
    sl_status rc = sl_sha256_add_fd(h, fd, NULL);
    if (!rc) sl_sha256_final(h, hex);
    sl_sha256_free(h);
    return rc;
}

sl_status sl_sha256_file(const char *path, char hex[65]) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return SL_EIO;
    sl_status rc = sl_sha256_fd(fd, hex);
    close(fd);
    return rc;
}

/* ---- positioned I/O ------------------------------------------------------------------------ */

static int pio_all(int fd, char *p, size_t n, uint64_t off, int writing) {
    while (n) {
        ssize_t k = writing ? pwrite(fd, p, n, (off_t)off) : pread(fd, p, n, (off_t)off);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return -1;
        if (k == 0) {
            errno = EIO;
            return -1;
        }
        p += k;
        n -= (size_t)k;
        off += (uint64_t)k;
    }
    return 0;
}

int sl_pread_all(int fd, void *p, size_t n, uint64_t off) { return pio_all(fd, p, n, off, 0); }

long sl_read_full(int fd, void *p, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, (char *)p + got, n - got);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return -1;
        if (k == 0) break;
        got += (size_t)k;
    }
    return (long)got;
}

/* pio_all only reads from p when writing. */
int sl_pwrite_all(int fd, const void *p, size_t n, uint64_t off) {
    return pio_all(fd, (char *)(uintptr_t)p, n, off, 1);
}

int sl_thread_start(pthread_t *th, void *(*fn)(void *), void *arg) {
    sigset_t all, old;
    sigfillset(&all);
    int e = pthread_sigmask(SIG_SETMASK, &all, &old); /* the new thread inherits the mask */
    if (e) return e;
    e = pthread_create(th, NULL, fn, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return e;
}
