/* test_redact_memo.c: the redaction memo returns exactly what sl_redact returns. Differential
 * over many generated texts (repeats, plates, personal data, the row's own plate typed in or
 * not), with tables of 1, 4 and the default number of slots and byte bounds small enough to empty the memo. */
#include "../harness.h"
#include "redact.h"

#include <stdlib.h>
#include <unistd.h>

static const char *const WORDS[] = {
    "investigation", "INVESTIGATION", "ICE", "hold", "assist", "with", "locate", "ABC1234",
    "7ABC123", "abc-1234", "plate", "tag", "DOB", "01/02/1980", "555-123-4567", "SSN",
    "123-45-6789", "john@example.com", "123 Main St", "stolen", "vehicle", "CR24001",
    "25-001234", "10851VC", "police", "hold,", "Immigration (criminal)", "***", "", "  ",
    "2025-07-02T20:02:16Z", "8KJH22", "XYZ 987", "xyz987", "lic", "no.", "4455667", "Jan 2, 1980",
    "c7b7d8ca-fe87-4a3c-8cd9-22c2aaa8a7e4", "REDACTED / 459 SUS", "tow release", "(555) 123 4567"};
static const char *const PLATES[] = {NULL, "ABC1234", "xyz987", "8KJH22", "ABC1234, 7ABC123",
                                     "AB", "ICE", "investigation", "X"};

static uint64_t rng = 0x243f6a8885a308d3ull;
static unsigned next_u(unsigned n) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* A text of 1-4 words from a pool of 40 shapes: texts repeat a lot, as in real exports. */
static size_t make_text(char *buf, size_t cap) {
    size_t len = 0, nw = 1 + next_u(4);
    for (size_t w = 0; w < nw; w++) {
        const char *s = WORDS[next_u((unsigned)SL_ARRAY_LEN(WORDS))];
        int n = snprintf(buf + len, cap - len, "%s%s", w ? (next_u(3) ? " " : "-") : "", s);
        if (n < 0 || (size_t)n >= cap - len) break;
        len += (size_t)n;
    }
    return len;
}

static int run(const sl_key *key, size_t entries, size_t bytes, unsigned flags, unsigned iters,
               uint64_t *hits) {
    sl_redact_memo *m = sl_redact_memo_new(entries, bytes);
    if (!m) return -1;
    sl_buf a = {0}, b = {0};
    int bad = 0;
    char text[512];
    for (unsigned it = 0; it < iters && !bad; it++) {
        size_t n = make_text(text, sizeof text);
        const char *pl = PLATES[next_u((unsigned)SL_ARRAY_LEN(PLATES))];
        size_t pn = pl ? strlen(pl) : 0;
        sl_buf_reset(&a);
        sl_buf_reset(&b);
        /* something already in the buffer: the memo appends, as sl_redact does */
        sl_buf_puts(&a, "x");
        sl_buf_puts(&b, "x");
        sl_status r1 = sl_redact(key, text, n, pl, pn, flags, &a);
        sl_status r2 = sl_redact_memo_text(m, key, text, n, pl, pn, flags, &b);
        if (r1 != r2 || a.len != b.len || (a.len && memcmp(a.p, b.p, a.len))) {
            fprintf(stderr, "memo differs on \"%.*s\" (plate %s, flags %u)\n", (int)n, text,
                    pl ? pl : "-", flags);
            bad = 1;
        }
    }
    uint64_t miss;
    sl_redact_memo_stats(m, hits, &miss);
    if (getenv("MEMO_VERBOSE")) fprintf(stderr, "%zu slots: %llu hits\n", entries, (unsigned long long)*hits);
    sl_redact_memo_free(m);
    sl_buf_free(&a);
    sl_buf_free(&b);
    return bad;
}

int main(void) {
    char dir[] = "/tmp/sl_test_memo_XXXXXX";
    if (!mkdtemp(dir)) { fprintf(stderr, "mkdtemp failed\n"); return 1; }
    char kpath[256];
    snprintf(kpath, sizeof kpath, "%s/plate.key", dir);
    FILE *f = fopen(kpath, "w");
    if (!f) { fprintf(stderr, "cannot write key\n"); return 1; }
    fputs("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", f);
    fclose(f);
    sl_key *key = NULL;
    char err[256];
    CHECK_INT(sl_key_open(&key, kpath, NULL, err, sizeof err), SL_OK);
    if (!key) TEST_END();

    static const unsigned FLAGS[] = {SL_REDACT_PLATES, SL_REDACT_PLATES | SL_REDACT_PERSONAL};
    for (size_t fi = 0; fi < SL_ARRAY_LEN(FLAGS); fi++) {
        uint64_t hits = 0;
        CHECK_INT(run(key, 1, 0, FLAGS[fi], 20000, &hits), 0);        /* every text collides */
        CHECK_INT(run(key, 4, 256, FLAGS[fi], 20000, &hits), 0);      /* tiny, emptied often */
        CHECK(hits > 0);
        CHECK_INT(run(key, 0, 0, FLAGS[fi], 20000, &hits), 0);        /* the default bounds */
        CHECK(hits > 2000);                                           /* texts repeat: served */
    }

    /* the row's own plate typed into the text bypasses the memo; elsewhere it is served */
    sl_redact_memo *m = sl_redact_memo_new(16, 0);
    CHECK(m != NULL);
    sl_buf b = {0};
    uint64_t h, mi;
    sl_buf_reset(&b);
    CHECK_INT(sl_redact_memo_text(m, key, "seen xyz 987 twice", 18, "XYZ987", 6, SL_REDACT_PLATES, &b), SL_OK);
    sl_buf_nul(&b);
    CHECK(b.len > 0 && strstr(b.p, "xyz 987") == NULL);
    sl_redact_memo_stats(m, &h, &mi);
    CHECK_INT((int)(h + mi), 0);
    sl_buf_reset(&b);
    CHECK_INT(sl_redact_memo_text(m, key, "seen xyz 987 twice", 18, NULL, 0, SL_REDACT_PLATES, &b), SL_OK);
    CHECK_MEM(b.p, b.len, "seen xyz 987 twice");
    sl_buf_reset(&b);
    CHECK_INT(sl_redact_memo_text(m, key, "seen xyz 987 twice", 18, "ABC1234", 7, SL_REDACT_PLATES, &b), SL_OK);
    CHECK_MEM(b.p, b.len, "seen xyz 987 twice");
    sl_redact_memo_stats(m, &h, &mi);
    CHECK_INT((int)h, 1);
    CHECK_INT((int)mi, 1);
    /* another flag set than the first call's bypasses it, and still redacts */
    sl_buf_reset(&b);
    CHECK_INT(sl_redact_memo_text(m, key, "DOB 01/02/1980", 14, NULL, 0, SL_REDACT_PLATES | SL_REDACT_PERSONAL, &b), SL_OK);
    CHECK_MEM(b.p, b.len, "[DOB]");
    sl_redact_memo_stats(m, &h, &mi);
    CHECK_INT((int)(h + mi), 2);
    sl_redact_memo_free(m);
    sl_buf_free(&b);
    CHECK_INT(sl_redact_memo_text(NULL, key, "x", 1, NULL, 0, SL_REDACT_PLATES, &b), SL_OK);
    sl_buf_free(&b);

    sl_key_free(key);
    unlink(kpath);
    rmdir(dir);
    TEST_END();
}
