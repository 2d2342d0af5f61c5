/* harness.h: the tiny test harness. Each test program checks with CHECK* macros and ends with
 * TEST_END(), which prints "N passed, N failed, N skipped" as its last line; tests/run.sh adds
 * those lines up. Paths in tests are relative to the repository root (run.sh runs from there). */
#ifndef SL_HARNESS_H
#define SL_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int t_pass, t_fail, t_skip;

#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (cond) t_pass++;                                                             \
        else { t_fail++; fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } \
    } while (0)

#define CHECK_INT(a, b)                                                                 \
    do {                                                                                \
        long long a_ = (long long)(a), b_ = (long long)(b);                             \
        if (a_ == b_) t_pass++;                                                         \
        else { t_fail++; fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n",     \
                                 __FILE__, __LINE__, #a, a_, #b, b_); }                 \
    } while (0)

#define CHECK_STR(a, b)                                                                 \
    do {                                                                                \
        const char *a_ = (a), *b_ = (b);                                                \
        if (a_ && b_ && strcmp(a_, b_) == 0) t_pass++;                                  \
        else { t_fail++; fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n",      \
                                 __FILE__, __LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } \
    } while (0)

#define CHECK_MEM(p, n, z)                                                              \
    do {                                                                                \
        const char *p_ = (const char *)(p); size_t n_ = (n); const char *z_ = (z);      \
        if (p_ && strlen(z_) == n_ && memcmp(p_, z_, n_) == 0) t_pass++;                \
        else { t_fail++; fprintf(stderr, "%s:%d: %s == \"%.*s\", expected \"%s\"\n",     \
                                 __FILE__, __LINE__, #p, (int)n_, p_ ? p_ : "", z_); }  \
    } while (0)

/* A test that cannot run here (e.g. ../shared/data missing) says so and counts as skipped. */
#define SKIP(why)                                                                       \
    do { t_skip++; fprintf(stderr, "skipped: %s\n", why); } while (0)

static inline const char *shared_data_dir(void) {
    const char *d = getenv("SL_SHARED_DATA");
    return d && *d ? d : "../shared/data";
}
static inline int path_exists(const char *p) { struct stat sb; return stat(p, &sb) == 0; }

/* The whole file, NUL-terminated, in memory the caller frees; its length in *len. NULL when it
 * cannot be read. */
static inline char *t_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0, k;
    char *p = malloc(cap);
    while (p && (k = fread(p + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (cap - n - 1 == 0) {
            char *np = realloc(p, cap * 2);
            if (!np) { free(p); p = NULL; break; }
            p = np;
            cap *= 2;
        }
    }
    fclose(f);
    if (!p) return NULL;
    p[n] = '\0';
    if (len) *len = n;
    return p;
}

/* xorshift64: the tests' deterministic random numbers (state must start non-zero). */
static inline uint64_t t_xorshift(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Removes a test's temporary folder and everything in it. */
static inline void t_remove_tree(const char *dir) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

#define TEST_END()                                                                      \
    do {                                                                                \
        printf("%d passed, %d failed, %d skipped\n", t_pass, t_fail, t_skip);           \
        return t_fail ? 1 : 0;                                                          \
    } while (0)

#endif
