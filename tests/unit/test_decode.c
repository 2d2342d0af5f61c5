/* test_decode.c: encoding decision (BOM, UTF-8, Windows-1252 fallback) and the streaming
 * UTF-16 / Windows-1252 transcoders, fed in every chunk size so that code units, surrogate
 * pairs and multi-byte output are split at every possible point. */
#include "decode.h"
#include "harness.h"

static const char CSV[] =
    "Name,Org Name,Search Time,Reason\r\n"
    "Jos\xC3\xA9 N\xC3\xBA\xC3\xB1" "ez,Springfield PD,\"06/01/2025, 1:02:03 PM UTC\","
    "th\xC3\xA9" "ft \xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x80\x93 5\xE2\x82\xAC\r\n"
    "Ann Lee,Shelbyville SO,\"06/02/2025, 4:05:06 AM UTC\",stolen vehicle\r\n";
static const char EMOJI_LINE[] = "Emoji \xF0\x9F\x98\x80,X PD,\"06/03/2025, 1:00:00 PM UTC\",test\r\n";

static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char buf[1 << 16];
    *n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

/* Decodes p[0,n) in chunks of `chunk` bytes through an output buffer of `ocap` bytes. */
static size_t decode_all(sl_encoding enc, const char *p, size_t n, size_t chunk, size_t ocap,
                         char *dst, size_t dcap, uint64_t *replaced) {
    sl_decoder *d;
    if (sl_decoder_new(&d, enc) != SL_OK) return 0;
    char out[64];
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t len = n - i < chunk ? n - i : chunk;
        size_t used, w;
        sl_decoder_push(d, p + i, len, out, ocap, &used, &w);
        if (o + w <= dcap) memcpy(dst + o, out, w);
        o += w;
        i += used;
    }
    size_t w;
    sl_decoder_finish(d, out, ocap, &w);
    if (o + w <= dcap) memcpy(dst + o, out, w);
    o += w;
    *replaced = sl_decoder_replaced(d);
    sl_decoder_free(d);
    return o;
}

static void test_sniff(void) {
    char why[256];
    size_t bom;
    CHECK_INT(sl_encoding_sniff("\xEF\xBB\xBF" "a,b", 6, 1, &bom, why, sizeof why), SL_ENC_UTF8_BOM);
    CHECK_INT(bom, 3);
    CHECK_STR(why, "UTF-8 byte order mark");
    CHECK_INT(sl_encoding_sniff("\xFF\xFE" "a\0", 4, 1, &bom, why, sizeof why), SL_ENC_UTF16LE);
    CHECK_INT(bom, 2);
    CHECK_INT(sl_encoding_sniff("\xFE\xFF\0a", 4, 1, &bom, NULL, 0), SL_ENC_UTF16BE);
    CHECK_INT(sl_encoding_sniff("a,b\n", 4, 1, &bom, why, sizeof why), SL_ENC_UTF8);
    CHECK_INT(bom, 0);
    CHECK_STR(why, "plain ASCII (read as UTF-8) in the first 4 bytes");
    CHECK_INT(sl_encoding_sniff(CSV, strlen(CSV), 1, NULL, why, sizeof why), SL_ENC_UTF8);
    CHECK(strncmp(why, "valid UTF-8", 11) == 0);
    /* caf\xE9: invalid UTF-8, every byte defined in cp1252. */
    CHECK_INT(sl_encoding_sniff("caf\xE9,\x93q\x94\n", 9, 1, NULL, why, sizeof why), SL_ENC_CP1252);
    CHECK_STR(why, "not valid UTF-8 (3 invalid bytes in the first 9, first 0xE9 at byte 3); "
                   "every byte is defined in Windows-1252");
    /* UTF-8 with one damaged byte: its valid accented characters outnumber the invalid
     * bytes, so it is UTF-8 (read as cp1252 it turned "Jos\xC3\xA9" into "Jos\xC3\x83\xC2\xA9"). */
    static const char damaged[] = "Jos\xC3\xA9 N\xC3\xBA\xC3\xB1""ez,caf\xC3\xA9,N\xC3\xBA\xFF\n";
    CHECK_INT(sl_encoding_sniff(damaged, sizeof damaged - 1, 1, NULL, why, sizeof why), SL_ENC_UTF8);
    CHECK_STR(why, "UTF-8 with 1 invalid byte among 5 valid multi-byte characters in the first 25 "
                   "bytes (first 0xFF at byte 23): read as UTF-8, invalid bytes kept and counted");
    /* as many valid pairs as invalid bytes: Windows-1252 ("\xC3\xA9" is "Ã©" there) */
    CHECK_INT(sl_encoding_sniff("\xC3\xA9t\xE9,\xE8", 6, 1, NULL, NULL, 0), SL_ENC_CP1252);
    /* 0x81 is undefined in cp1252: stays UTF-8, invalid bytes counted downstream. */
    CHECK_INT(sl_encoding_sniff("caf\xE9\x81\n", 6, 1, NULL, why, sizeof why), SL_ENC_UTF8);
    CHECK(strstr(why, "0x81 at 4 is undefined in Windows-1252") != NULL);
    /* A sequence cut by the sniff window is not evidence; cut by end of file it is. */
    CHECK_INT(sl_encoding_sniff("ab\xC3", 3, 0, NULL, NULL, 0), SL_ENC_UTF8);
    CHECK_INT(sl_encoding_sniff("ab\xC3", 3, 1, NULL, NULL, 0), SL_ENC_CP1252);
    /* Overlong and surrogate encodings are invalid UTF-8. */
    CHECK_INT(sl_encoding_sniff("\xC0\xAF", 2, 1, NULL, NULL, 0), SL_ENC_CP1252);
    CHECK_INT(sl_encoding_sniff("\xED\xA0\x80", 3, 1, NULL, NULL, 0), SL_ENC_CP1252);
    CHECK_STR(sl_encoding_name(SL_ENC_CP1252), "windows-1252");
    CHECK_STR(sl_encoding_name(SL_ENC_UTF16BE), "utf-16be");

    size_t n;
    const char *p = slurp("tests/data/text/cp1252_fallback.csv", &n);
    CHECK(p != NULL);
    if (p) CHECK_INT(sl_encoding_sniff(p, n, 1, NULL, NULL, 0), SL_ENC_CP1252);
    p = slurp("tests/data/text/utf16le_bom.csv", &n);
    if (p) CHECK_INT(sl_encoding_sniff(p, n, 1, NULL, NULL, 0), SL_ENC_UTF16LE);
    p = slurp("tests/data/text/utf8_bom.csv", &n);
    if (p) CHECK_INT(sl_encoding_sniff(p, n, 1, NULL, NULL, 0), SL_ENC_UTF8_BOM);
}

static void test_file(const char *path, sl_encoding enc, const char *expect1, const char *expect2) {
    size_t n;
    const char *p = slurp(path, &n);
    CHECK(p != NULL);
    if (!p) return;
    char want[2048];
    snprintf(want, sizeof want, "%s%s", expect1, expect2);
    static char got[4096];
    int all_ok = 1;
    for (size_t chunk = 1; chunk <= 9; chunk++)
        for (size_t ocap = 8; ocap <= 12; ocap += 4) {
            uint64_t rep;
            size_t o = decode_all(enc, p, n, chunk, ocap, got, sizeof got, &rep);
            if (o != strlen(want) || memcmp(got, want, o) != 0 || rep != 0) {
                all_ok = 0;
                fprintf(stderr, "%s: chunk %zu ocap %zu: got %zu bytes\n", path, chunk, ocap, o);
            }
        }
    CHECK(all_ok);
}

static void test_utf16_errors(void) {
    char got[64];
    uint64_t rep;
    /* LE: high surrogate then 'A' -> U+FFFD A; lone low surrogate -> U+FFFD; then 'B'. */
    const char le[] = "\x00\xD8" "A\x00" "\x00\xDC" "B\x00";
    size_t o = decode_all(SL_ENC_UTF16LE, le, 8, 1, 8, got, sizeof got, &rep);
    CHECK_MEM(got, o, "\xEF\xBF\xBD" "A" "\xEF\xBF\xBD" "B");
    CHECK_INT(rep, 2);
    /* High surrogate at the very end, and an odd trailing byte. */
    o = decode_all(SL_ENC_UTF16BE, "\0a\xD8\x3D", 4, 3, 8, got, sizeof got, &rep);
    CHECK_MEM(got, o, "a\xEF\xBF\xBD");
    CHECK_INT(rep, 1);
    o = decode_all(SL_ENC_UTF16LE, "a\0b", 3, 2, 8, got, sizeof got, &rep);
    CHECK_MEM(got, o, "a\xEF\xBF\xBD");
    CHECK_INT(rep, 1);
    /* A BOM only at the start is dropped; later U+FEFF is kept. */
    o = decode_all(SL_ENC_UTF16LE, "\xFF\xFE" "a\0\xFF\xFE", 6, 4, 8, got, sizeof got, &rep);
    CHECK_MEM(got, o, "a\xEF\xBB\xBF");
    /* Supplementary plane via a pair split across chunks. */
    o = decode_all(SL_ENC_UTF16BE, "\xD8\x3D\xDE\x00", 4, 1, 8, got, sizeof got, &rep);
    CHECK_MEM(got, o, "\xF0\x9F\x98\x80");
    CHECK_INT(rep, 0);
}

static void test_cp1252(void) {
    char in[32], got[256];
    for (int i = 0; i < 32; i++) in[i] = (char)(0x80 + i);
    uint64_t rep;
    size_t o = decode_all(SL_ENC_CP1252, in, 32, 5, 8, got, sizeof got, &rep);
    CHECK_INT(rep, 5); /* 81 8D 8F 90 9D */
    CHECK_MEM(got, o,
              "\xE2\x82\xAC\xEF\xBF\xBD\xE2\x80\x9A\xC6\x92\xE2\x80\x9E\xE2\x80\xA6\xE2\x80\xA0"
              "\xE2\x80\xA1\xCB\x86\xE2\x80\xB0\xC5\xA0\xE2\x80\xB9\xC5\x92\xEF\xBF\xBD\xC5\xBD"
              "\xEF\xBF\xBD\xEF\xBF\xBD\xE2\x80\x98\xE2\x80\x99\xE2\x80\x9C\xE2\x80\x9D\xE2\x80"
              "\xA2\xE2\x80\x93\xE2\x80\x94\xCB\x9C\xE2\x84\xA2\xC5\xA1\xE2\x80\xBA\xC5\x93\xEF"
              "\xBF\xBD\xC5\xBE\xC5\xB8");
    o = decode_all(SL_ENC_CP1252, "\xA0\xE9\xFF", 3, 1, 8, got, sizeof got, &rep);
    CHECK_MEM(got, o, "\xC2\xA0\xC3\xA9\xC3\xBF");
    /* UTF-8 passes through untouched, whatever the chunking. */
    o = decode_all(SL_ENC_UTF8, CSV, strlen(CSV), 7, 8, got, sizeof got, &rep);
    CHECK_MEM(got, o, CSV);
}

int main(void) {
    test_sniff();
    test_file("tests/data/text/utf16le_bom.csv", SL_ENC_UTF16LE, CSV, EMOJI_LINE);
    test_file("tests/data/text/utf16be_bom.csv", SL_ENC_UTF16BE, CSV, EMOJI_LINE);
    test_file("tests/data/text/cp1252_fallback.csv", SL_ENC_CP1252, CSV, "");
    test_utf16_errors();
    test_cp1252();
    TEST_END();
}
