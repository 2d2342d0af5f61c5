/* test_token.c: the plate key (creation, mode 0600, reopening, refusing a malformed file) and
 * plate tokens (normalisation, a known HMAC-SHA256 vector, the wildcard family). Expected
 * values were computed with `openssl dgst -sha256 -mac HMAC -macopt hexkey:KEY`. */
#include "../harness.h"
#include "sunlight.h"

#include <unistd.h>

#define KEY_HEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

static char tmpdir[] = "/tmp/sl_test_token_XXXXXX";

static void write_file(const char *path, const char *s) {
    FILE *f = fopen(path, "wb");
    if (!f) return;
    fputs(s, f);
    fclose(f);
}

static const char *tok(const sl_key *k, const char *plate) {
    static char out[SL_TOKEN_LEN + 1];
    size_t n = sl_plate_token(k, plate, strlen(plate), out);
    if (n != strlen(out)) return "LENGTH MISMATCH";
    return out;
}

static void test_known_vector(void) {
    char path[256];
    snprintf(path, sizeof path, "%s/known.key", tmpdir);
    write_file(path, KEY_HEX "\n");
    sl_key *k = NULL;
    int created = -1;
    char err[256];
    CHECK_INT(sl_key_open(&k, path, &created, err, sizeof err), SL_OK);
    CHECK_INT(created, 0);
    if (!k) return;
    /* HMAC-SHA256(key, "ABC123") = 3f58476740dcebd3de6224f6123288b4... */
    CHECK_STR(tok(k, "ABC123"), "pt_3f58476740dcebd3");
    CHECK_STR(tok(k, "abc-123"), "pt_3f58476740dcebd3");
    CHECK_STR(tok(k, "ABC 123"), "pt_3f58476740dcebd3");
    CHECK_STR(tok(k, "abc123"), "pt_3f58476740dcebd3");
    CHECK_STR(tok(k, " a.b.c 1-2-3 "), "pt_3f58476740dcebd3");
    CHECK_STR(tok(k, "\xc3\x89" "ABC123"), "pt_3f58476740dcebd3"); /* non-ASCII dropped */
    CHECK_STR(tok(k, "7abc"), "pt_d82f9d97ed23b17b");
    /* longer than one 64-byte block, fed in two pieces: "A1" x 50, dashes dropped */
    char longp[160] = "";
    for (int i = 0; i < 50; i++) strcat(longp, i % 7 ? "A1" : "a-1");
    CHECK_STR(tok(k, longp), "pt_d1eb9f96fed8ba50");
    /* Wildcards: "~wildcard:" domain prefix, then "AB*12?", shown with a trailing '~'. */
    CHECK_STR(tok(k, "ab*12?"), "pt_d0bada62e436cf16~");
    CHECK_STR(tok(k, "AB * 12 ?"), "pt_d0bada62e436cf16~");
    CHECK_INT(strlen(tok(k, "ab*12?")), SL_TOKEN_LEN);
    char plain[SL_TOKEN_LEN + 1];
    snprintf(plain, sizeof plain, "%s", tok(k, "AB12"));
    CHECK(strcmp(plain, tok(k, "AB*12")) != 0);
    CHECK_INT(strlen(plain), 19);
    /* Nothing to tokenize. */
    char out[SL_TOKEN_LEN + 1] = "junk";
    CHECK_INT(sl_plate_token(k, "", 0, out), 0);
    CHECK_STR(out, "");
    CHECK_INT(sl_plate_token(k, "***", 3, out), 0);
    CHECK_INT(sl_plate_token(k, " - . ", 5, out), 0);
    CHECK_INT(sl_plate_token(k, "\xc3\x89", 2, out), 0);
    /* Length is honoured (no reading past len). */
    CHECK_INT(sl_plate_token(k, "ABC123XYZ", 6, out), 19);
    CHECK_STR(out, "pt_3f58476740dcebd3");
    sl_key_free(k);
    /* Upper-case hex and CRLF are accepted too. */
    write_file(path, "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F\r\n");
    CHECK_INT(sl_key_open(&k, path, NULL, err, sizeof err), SL_OK);
    if (k) CHECK_STR(tok(k, "abc123"), "pt_3f58476740dcebd3");
    sl_key_free(k);
    unlink(path);
}

static void test_create(void) {
    char path[400], dir[256];
    snprintf(dir, sizeof dir, "%s/new/sub", tmpdir);
    snprintf(path, sizeof path, "%s/plate.key", dir);
    sl_key *k = NULL;
    int created = 0;
    char err[256];
    CHECK_INT(sl_key_open(&k, path, &created, err, sizeof err), SL_OK);
    CHECK_INT(created, 1);
    struct stat sb;
    CHECK_INT(stat(path, &sb), 0);
    CHECK_INT(sb.st_mode & 0777, 0600);
    CHECK_INT(sb.st_size, 65);
    CHECK_INT(stat(dir, &sb), 0);
    CHECK_INT(sb.st_mode & 0777, 0700);
    char t1[SL_TOKEN_LEN + 1] = "", t2[SL_TOKEN_LEN + 1] = "";
    if (k) sl_plate_token(k, "7XYZ123", 7, t1);
    sl_key_free(k);
    k = NULL;
    CHECK_INT(sl_key_open(&k, path, &created, err, sizeof err), SL_OK);
    CHECK_INT(created, 0);
    if (k) sl_plate_token(k, "7 xyz 123", 9, t2);
    CHECK_INT(strlen(t1), 19);
    CHECK_STR(t1, t2);
    sl_key_free(k);
    /* Another key gives another token. */
    char p2[256];
    snprintf(p2, sizeof p2, "%s/other.key", tmpdir);
    CHECK_INT(sl_key_open(&k, p2, &created, err, sizeof err), SL_OK);
    CHECK_INT(created, 1);
    if (k) {
        sl_plate_token(k, "7XYZ123", 7, t2);
        CHECK(strcmp(t1, t2) != 0);
    }
    sl_key_free(k);
    unlink(p2);
    unlink(path);
    rmdir(dir);
    snprintf(dir, sizeof dir, "%s/new", tmpdir);
    rmdir(dir);
}

static void test_malformed(void) {
    char path[256], err[256];
    snprintf(path, sizeof path, "%s/bad.key", tmpdir);
    const char *bad[] = {"", "abc\n", KEY_HEX "00\n", "g0" "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", KEY_HEX "\nextra\n",
                         " " KEY_HEX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_file(path, bad[i]);
        sl_key *k = (sl_key *)1;
        err[0] = '\0';
        CHECK_INT(sl_key_open(&k, path, NULL, err, sizeof err), SL_ECRYPTO);
        CHECK(k == NULL);
        CHECK(strstr(err, "not a sunlight plate key") != NULL);
    }
    /* The malformed file is left alone, never replaced. */
    struct stat sb;
    CHECK_INT(stat(path, &sb), 0);
    CHECK_INT(sb.st_size, (long)strlen(" " KEY_HEX));
    unlink(path);
}

static void test_default_path(void) {
    char buf[256];
    setenv("SUNLIGHT_KEY", "/x/y.key", 1);
    CHECK_STR(sl_key_default_path(buf, sizeof buf), "/x/y.key");
    unsetenv("SUNLIGHT_KEY");
    setenv("XDG_CONFIG_HOME", "/cfg", 1);
    CHECK_STR(sl_key_default_path(buf, sizeof buf), "/cfg/sunlight/plate.key");
    unsetenv("XDG_CONFIG_HOME");
    setenv("HOME", "/home/u", 1);
    CHECK_STR(sl_key_default_path(buf, sizeof buf), "/home/u/.config/sunlight/plate.key");
    CHECK(sl_key_default_path(buf, 10) == NULL);
    unsetenv("HOME");
    CHECK(sl_key_default_path(buf, sizeof buf) == NULL);
}

int main(void) {
    if (!mkdtemp(tmpdir)) {
        SKIP("cannot create a temporary folder");
        TEST_END();
    }
    test_known_vector();
    test_create();
    test_malformed();
    test_default_path();
    rmdir(tmpdir);
    TEST_END();
}
