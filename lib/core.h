/* core.h: the small core every module may use and which depends on nothing else:
 * growable byte buffers with a cap, a bump arena reset per batch, SHA-256 hex, and
 * bounded string helpers. No module below depends on anything downstream of it. */
#ifndef SL_CORE_H
#define SL_CORE_H

#include "sunlight.h"
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SL_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define SL_UNUSED(x) ((void)(x))

/* Growable buffer. cap_limit 0 means SIZE_MAX/2. Appending past cap_limit fails with
 * SL_ELIMIT and leaves the buffer unchanged. */
typedef struct {
    char *p;
    size_t len, cap, cap_limit;
} sl_buf;

/* Room for extra more bytes (and a NUL). Inline where there is room already, the case on every
 * row of a scan; sl_buf_grow otherwise, and for capped buffers. */
sl_status sl_buf_grow(sl_buf *b, size_t extra);
static inline sl_status sl_buf_reserve(sl_buf *b, size_t extra) {
    if (!b->cap_limit && extra < b->cap - b->len) return SL_OK;
    return sl_buf_grow(b, extra);
}
static inline sl_status sl_buf_append(sl_buf *b, const void *p, size_t n) {
    if (n == 0) return SL_OK;
    sl_status rc = sl_buf_reserve(b, n);
    if (rc) return rc;
    memcpy(b->p + b->len, p, n);
    b->len += n;
    return SL_OK;
}
sl_status sl_buf_putc(sl_buf *b, char c);
sl_status sl_buf_puts(sl_buf *b, const char *s);
sl_status sl_buf_printf(sl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
sl_status sl_buf_vprintf(sl_buf *b, const char *fmt, va_list ap);
/* Ensures p[len] == '\0' (not counted in len). */
sl_status sl_buf_nul(sl_buf *b);
void sl_buf_reset(sl_buf *b);
void sl_buf_free(sl_buf *b);

/* Bump arena: many small allocations freed together by sl_arena_reset/free. */
typedef struct sl_arena_block sl_arena_block;
typedef struct {
    sl_arena_block *head;
    size_t block_size;
} sl_arena;

void sl_arena_init(sl_arena *a, size_t block_size);
void *sl_arena_alloc(sl_arena *a, size_t n); /* 16-byte aligned; NULL on ENOMEM */
char *sl_arena_strndup(sl_arena *a, const char *p, size_t n);
void sl_arena_reset(sl_arena *a); /* keeps the first block */
void sl_arena_free(sl_arena *a);

/* Allocation helpers that never abort: NULL on failure, checked by callers. */
char *sl_strdup(const char *s);
char *sl_strndup(const char *p, size_t n);
/* Room for need elements of size bytes in the array *p of *cap allocated, doubling (from 16):
 * SL_ENOMEM when it cannot (the array is then unchanged). */
sl_status sl_grow(void **p, size_t *cap, size_t need, size_t size);
void *sl_reallocarray(void *p, size_t n, size_t size); /* overflow-checked */

/* Formats into a fixed buffer, always NUL-terminated, truncating. Returns dst. */
char *sl_fmt(char *dst, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A count with thousands separators for people: 1234567 -> "1,234,567". Returns out. */
char *sl_fmt_count(int64_t v, char out[32]);

/* A fast 64-bit hash for private in-memory tables (lookups compare the full key, so only
 * speed and spread matter; never persisted: sl_hash64 in release.h is the stable one). */
uint64_t sl_hash_fast(const void *p, size_t n, uint64_t seed);
/* The same over the bytes lower-cased (sl_tolower): texts compared without case. */
uint64_t sl_hash_lower(const void *p, size_t n, uint64_t seed);

/* FNV-1a, the hash under the fingerprints stored in databases (sl_hash64 in release.h adds a
 * final mix): its basis and prime, and its steps over n bytes lower-cased (sl_tolower) from
 * state h, without the mix. */
#define SL_FNV_BASIS UINT64_C(1469598103934665603)
#define SL_FNV_PRIME UINT64_C(1099511628211)
uint64_t sl_fnv1a_lower(uint64_t h, const void *p, size_t n);

/* The file-name part of a path (after the last '/'); NULL for NULL. Borrows from p. */
const char *sl_path_base(const char *p);

/* An anonymous temporary file, opened for reading and writing and already unlinked, in
 * $TMPDIR (an absolute path) or else /tmp, so that a big release can be given room elsewhere
 * (tmpfile() ignores TMPDIR); NULL with errno set. sl_tmpdir names the folder used. */
FILE *sl_tmpfile(void);
const char *sl_tmpdir(void);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void sl_hex(const unsigned char *in, size_t n, char *out);

/* sl_tolower on each byte of a word at once: bit 5 set in the bytes 'A'..'Z', the others
 * (bytes past 0x7F too) left alone. Seven-bit additions cannot carry between bytes. */
static inline uint64_t sl_lower8(uint64_t w) {
    const uint64_t low7 = w & UINT64_C(0x7F7F7F7F7F7F7F7F);
    const uint64_t ge_a = low7 + UINT64_C(0x3F3F3F3F3F3F3F3F); /* top bit: byte >= 'A' */
    const uint64_t gt_z = low7 + UINT64_C(0x2525252525252525); /* top bit: byte > 'Z' */
    const uint64_t upper = ge_a & ~gt_z & ~w & UINT64_C(0x8080808080808080);
    return w | upper >> 2;
}

/* Bytes a[0..an) against b[0..bn), the shorter first when one begins the other (texts that may
 * hold NUL bytes). */
static inline int sl_cmp_bytes(const char *a, size_t an, const char *b, size_t bn) {
    int r = memcmp(a, b, an < bn ? an : bn);
    return r ? r : (an > bn) - (an < bn);
}

/* ASCII helpers (locale-independent). */
static inline int sl_isspace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static inline int sl_isdigit(unsigned char c) { return c >= '0' && c <= '9'; }
static inline int sl_isalpha(unsigned char c) { return (unsigned char)((c | 32) - 'a') < 26; }
static inline int sl_isalnum(unsigned char c) { return sl_isdigit(c) || sl_isalpha(c); }
static inline unsigned char sl_tolower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 32) : c; }
static inline unsigned char sl_toupper(unsigned char c) { return (c >= 'a' && c <= 'z') ? (unsigned char)(c & ~32) : c; }
/* The little-endian 32-bit number at p (file formats from Windows: OLE2, TNEF). */
static inline uint32_t sl_le32(const void *vp) {
    const unsigned char *p = vp;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Trims ASCII white space (and NBSP U+00A0 as UTF-8) from both ends of a slice. */
sl_slice sl_trim(sl_slice s);
/* ASCII case-insensitive equality of a slice and a C string. */
int sl_slice_ieq(sl_slice s, const char *z);
/* Whether the n bytes at p end in suffix (given in lower case), ignoring ASCII case. */
int sl_ends_with_ci(const char *p, size_t n, const char *suffix);
/* Whether p[0, n) holds the bytes of needle (a non-empty C string) anywhere. */
int sl_mem_has(const void *p, size_t n, const char *needle);
int sl_slice_eq(sl_slice s, const char *z);
/* Code point cp (at most U+10FFFF) as UTF-8 at out (room for 4 bytes): the bytes written. */
size_t sl_utf8_put(uint32_t cp, char *out);

/* Streaming SHA-256 (OpenSSL EVP underneath). */
typedef struct sl_sha256 sl_sha256;
sl_sha256 *sl_sha256_new(void);
void sl_sha256_update(sl_sha256 *h, const void *p, size_t n);
/* Writes 64 hex chars + NUL into hex; the hasher may not be updated afterwards. */
void sl_sha256_final(sl_sha256 *h, char hex[65]);
void sl_sha256_free(sl_sha256 *h);
/* Hashes a whole file; SL_EIO on failure. */
sl_status sl_sha256_file(const char *path, char hex[65]);
/* The same of an open file, from its first byte (pread: the file offset is not moved). */
sl_status sl_sha256_fd(int fd, char hex[65]);
/* Adds an open file's bytes, from its first, to h (pread, as above); adds their count to
 * *bytes when bytes is not NULL (so several files can be hashed as one). */
sl_status sl_sha256_add_fd(sl_sha256 *h, int fd, uint64_t *bytes);

/* Exactly n bytes read or written at offset off (the descriptor's own offset untouched),
 * retrying short and interrupted calls: 0, or -1 with errno set (EIO when the file ends
 * first, or a write makes no progress). */
int sl_pread_all(int fd, void *p, size_t n, uint64_t off);
int sl_pwrite_all(int fd, const void *p, size_t n, uint64_t off);
/* read(2) at the descriptor's offset until n bytes, the end of the file or an error: the bytes
 * read (fewer than n only at the end), or -1 with errno set. */
long sl_read_full(int fd, void *p, size_t n);

/* pthread_create for the library's own threads, which start with every signal blocked: the
 * program's handlers (the command line's Ctrl-C, which sets sl_scan_opts.stop) run on its own
 * thread, never on a writer or hashing thread. 0 or an error number. */
int sl_thread_start(pthread_t *th, void *(*fn)(void *), void *arg);

#endif
