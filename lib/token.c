/* token.c: the secret plate key and keyed plate tokens. A token is "pt_" + the first 16 hex
 * characters of HMAC-SHA256(key, normalised plate); plates holding the wildcards * or ? are
 * hashed with a domain prefix and shown with a trailing "~", so a wildcard pattern can never
 * share a token with a real plate. Without the key, a token cannot be tested against guesses. */
#include "core.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#define SL_KEY_BYTES 32
#define SL_KEY_HEX (2 * SL_KEY_BYTES)

/* Prefix fed to the MAC before a wildcard pattern. Normalised plates hold only [A-Z0-9*?],
 * so no plate's input can start with '~' and the two families cannot collide. */
static const char wildcard_domain[] = "~wildcard:";

struct sl_key {
    unsigned char raw[SL_KEY_BYTES];
    EVP_MAC *mac;
    EVP_MAC_CTX *base; /* HMAC-SHA256 initialised with the key; duplicated per token */
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

static sl_status key_init_mac(sl_key *k) {
    k->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (!k->mac) return SL_ECRYPTO;
    k->base = EVP_MAC_CTX_new(k->mac);
    if (!k->base) return SL_ECRYPTO;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_MAC_init(k->base, k->raw, SL_KEY_BYTES, params) != 1) return SL_ECRYPTO;
    return SL_OK;
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
    EVP_MAC_CTX_free(k->base);
    EVP_MAC_free(k->mac);
    OPENSSL_cleanse(k->raw, sizeof k->raw);
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
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_dup(k->base);
    if (!ctx) return 0;
    int ok = 1;
    if (wild) ok = EVP_MAC_update(ctx, (const unsigned char *)wildcard_domain,
                                  sizeof wildcard_domain - 1) == 1;
    unsigned char chunk[64];
    size_t n = 0;
    for (size_t i = 0; ok && i < len; i++) {
        unsigned char c = norm((unsigned char)plate[i]);
        if (!c) continue;
        chunk[n++] = c;
        if (n == sizeof chunk) {
            ok = EVP_MAC_update(ctx, chunk, n) == 1;
            n = 0;
        }
    }
    if (ok && n) ok = EVP_MAC_update(ctx, chunk, n) == 1;
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t maclen = 0;
    if (ok) ok = EVP_MAC_final(ctx, mac, &maclen, sizeof mac) == 1 && maclen >= 8;
    EVP_MAC_CTX_free(ctx);
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
