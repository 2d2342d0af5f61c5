/* token.c: the secret plate key and keyed plate tokens. A token is "pt_" + the first 16 hex
 * characters of HMAC-SHA256(key, normalised plate); plates holding the wildcards * or ? are
 * hashed with a domain prefix and shown with a trailing "~", so a wildcard pattern can never
 * share a token with a real plate. Without the key, a token cannot be tested against guesses.
 *
 * HMAC (RFC 2104) is computed here from two SHA-256 states taken once per key, after the key's
 * inner and outer pads, and copied for each token: OpenSSL's EVP_MAC needs a context duplicated
 * per token, which cost 1.15 µs a token in allocations against 0.26 µs this way (measured;
 * about 0.4 s per GB of network audit, where plate-like words in free text are tokenized).
 * The low-level SHA256_* calls are deprecated in OpenSSL 3 in favour of EVP, which has no
 * allocation-free way to copy a digest state; they remain in OpenSSL 3 and use the same
 * SHA-NI code. The tests check tokens against values computed by `openssl dgst -mac HMAC`. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "core.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#define SL_KEY_BYTES 32
#define SL_KEY_HEX (2 * SL_KEY_BYTES)

/* Prefix fed to the MAC before a wildcard pattern. Normalised plates hold only [A-Z0-9*?],
 * so no plate's input can start with '~' and the two families cannot collide. */
static const char wildcard_domain[] = "~wildcard:";

struct sl_key {
    unsigned char raw[SL_KEY_BYTES];
    SHA256_CTX inner, outer; /* SHA-256 after the key's inner and outer pads; copied per token */
};

static void seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...) {
    if (!err || !errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static int hexval(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = sl_tolower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Creates every missing folder above the file at path, mode 0700. */
static int make_parents(const char *path) {
    char *dir = sl_strdup(path);
    if (!dir) return ENOMEM;
    int rc = 0;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            rc = errno;
            break;
        }
        *p = '/';
    }
    free(dir);
    return rc;
}

/* Reads and checks an existing key file. */
static sl_status read_key(const char *path, unsigned char raw[SL_KEY_BYTES], char *err,
                          size_t errlen) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        seterr(err, errlen, "%s: cannot open plate key: %s", path, strerror(errno));
        return SL_ECRYPTO;
    }
    char buf[SL_KEY_HEX + 8];
    size_t n = 0;
    while (n < sizeof buf) {
        ssize_t k = read(fd, buf + n, sizeof buf - n);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            int e = errno;
            close(fd);
            seterr(err, errlen, "%s: cannot read plate key: %s", path, strerror(e));
            return SL_ECRYPTO;
        }
        if (k == 0) break;
        n += (size_t)k;
    }
    close(fd);
    size_t end = n;
    while (end > SL_KEY_HEX && (buf[end - 1] == '\n' || buf[end - 1] == '\r')) end--;
    int ok = end == SL_KEY_HEX;
    for (size_t i = 0; ok && i < SL_KEY_BYTES; i++) {
        int hi = hexval((unsigned char)buf[2 * i]), lo = hexval((unsigned char)buf[2 * i + 1]);
        if (hi < 0 || lo < 0) ok = 0;
        else raw[i] = (unsigned char)(hi << 4 | lo);
    }
    OPENSSL_cleanse(buf, sizeof buf);
    if (!ok) {
        seterr(err, errlen,
               "%s: not a sunlight plate key (expected exactly 64 hex characters and an "
               "optional newline); refusing to use or replace it",
               path);
        return SL_ECRYPTO;
    }
    return SL_OK;
}

/* Creates a new key file; returns SL_OK, or EEXIST in *exists when someone else was first. */
static sl_status create_key(const char *path, unsigned char raw[SL_KEY_BYTES], int *exists,
                            char *err, size_t errlen) {
    *exists = 0;
    int e = make_parents(path);
    if (e) {
        seterr(err, errlen, "%s: cannot create the folder for the plate key: %s", path, strerror(e));
        return SL_ECRYPTO;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) {
            *exists = 1;
            return SL_OK;
        }
        seterr(err, errlen, "%s: cannot create plate key: %s", path, strerror(errno));
        return SL_ECRYPTO;
    }
    if (RAND_bytes(raw, SL_KEY_BYTES) != 1) {
        close(fd);
        unlink(path);
        seterr(err, errlen, "%s: no random bytes for a new plate key", path);
        return SL_ECRYPTO;
    }
    char hex[SL_KEY_HEX + 2];
    sl_hex(raw, SL_KEY_BYTES, hex);
    hex[SL_KEY_HEX] = '\n';
    size_t off = 0;
    int bad = 0;
    while (off < SL_KEY_HEX + 1) {
        ssize_t k = write(fd, hex + off, SL_KEY_HEX + 1 - off);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            bad = 1;
            break;
        }
        off += (size_t)k;
    }
    OPENSSL_cleanse(hex, sizeof hex);
    if (!bad && fsync(fd) != 0) bad = 1;
    if (close(fd) != 0) bad = 1;
    if (bad) {
        unlink(path);
        seterr(err, errlen, "%s: cannot write plate key", path);
        return SL_ECRYPTO;
    }
    return SL_OK;
}

/* The key's pads hashed once (the key is shorter than SHA-256's 64-byte block: zero-padded). */
static sl_status key_init_mac(sl_key *k) {
    unsigned char pad[64];
    int ok = 1;
    for (int which = 0; which < 2 && ok; which++) {
        memset(pad, which ? 0x5c : 0x36, sizeof pad);
        for (size_t i = 0; i < SL_KEY_BYTES; i++) pad[i] ^= k->raw[i];
        SHA256_CTX *c = which ? &k->outer : &k->inner;
        ok = SHA256_Init(c) == 1 && SHA256_Update(c, pad, sizeof pad) == 1;
    }
    OPENSSL_cleanse(pad, sizeof pad);
    return ok ? SL_OK : SL_ECRYPTO;
}

sl_status sl_key_open(sl_key **out, const char *path, int *created, char *err, size_t errlen) {
    *out = NULL;
    if (created) *created = 0;
    if (!path || !*path) {
        seterr(err, errlen, "no plate key path");
        return SL_EUSAGE;
    }
    sl_key *k = calloc(1, sizeof *k);
    if (!k) return SL_ENOMEM;
    sl_status st = SL_OK;
    struct stat sb;
    if (stat(path, &sb) != 0 && errno == ENOENT) {
        int exists = 0;
        st = create_key(path, k->raw, &exists, err, errlen);
        if (!st && exists) st = read_key(path, k->raw, err, errlen);
        else if (!st && created) *created = 1;
    } else {
        st = read_key(path, k->raw, err, errlen);
    }
    if (!st && key_init_mac(k) != SL_OK) {
        seterr(err, errlen, "OpenSSL has no HMAC-SHA256");
        st = SL_ECRYPTO;
    }
    if (st) {
        sl_key_free(k);
        return st;
    }
    *out = k;
    return SL_OK;
}

void sl_key_free(sl_key *k) {
    if (!k) return;
    OPENSSL_cleanse(k, sizeof *k);
    free(k);
}

const char *sl_key_default_path(char *buf, size_t cap) {
    const char *env = getenv("SUNLIGHT_KEY");
    int n;
    if (env && *env) {
        n = snprintf(buf, cap, "%s", env);
    } else if ((env = getenv("XDG_CONFIG_HOME")) && *env) {
        n = snprintf(buf, cap, "%s/sunlight/plate.key", env);
    } else if ((env = getenv("HOME")) && *env) {
        n = snprintf(buf, cap, "%s/.config/sunlight/plate.key", env);
    } else {
        return NULL;
    }
    if (n < 0 || (size_t)n >= cap) return NULL;
    return buf;
}

/* Normalised plate byte, or 0 when the byte is dropped. */
static inline unsigned char norm(unsigned char c) {
    if (sl_isalnum(c)) return sl_toupper(c);
    if (c == '*' || c == '?') return c;
    return 0;
}

size_t sl_plate_token(const sl_key *k, const char *plate, size_t len, char out[SL_TOKEN_LEN + 1]) {
    out[0] = '\0';
    if (!k || !plate) return 0;
    int alnum = 0, wild = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)plate[i];
        if (sl_isalnum(c)) alnum = 1;
        else if (c == '*' || c == '?') wild = 1;
    }
    if (!alnum) return 0;
    SHA256_CTX ctx = k->inner; /* HMAC: H(outer pad || H(inner pad || message)) */
    int ok = 1;
    if (wild) ok = SHA256_Update(&ctx, wildcard_domain, sizeof wildcard_domain - 1) == 1;
    unsigned char chunk[64];
    size_t n = 0;
    for (size_t i = 0; ok && i < len; i++) {
        unsigned char c = norm((unsigned char)plate[i]);
        if (!c) continue;
        chunk[n++] = c;
        if (n == sizeof chunk) {
            ok = SHA256_Update(&ctx, chunk, n) == 1;
            n = 0;
        }
    }
    if (ok && n) ok = SHA256_Update(&ctx, chunk, n) == 1;
    unsigned char inner[SHA256_DIGEST_LENGTH], mac[SHA256_DIGEST_LENGTH];
    if (ok) ok = SHA256_Final(inner, &ctx) == 1;
    ctx = k->outer;
    if (ok) ok = SHA256_Update(&ctx, inner, sizeof inner) == 1 && SHA256_Final(mac, &ctx) == 1;
    OPENSSL_cleanse(&ctx, sizeof ctx);
    if (!ok) return 0;
    char hex[17];
    sl_hex(mac, 8, hex);
    memcpy(out, "pt_", 3);
    memcpy(out + 3, hex, 16);
    size_t tl = 19;
    if (wild) out[tl++] = '~';
    out[tl] = '\0';
    return tl;
}
