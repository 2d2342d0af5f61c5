/* test_container.c: zip (nested folders, zips in zips, workbooks inside), gzip and zstd
 * containers and text encodings, read end to end through sl_read_file; zip bombs refused in
 * bounded time by the ratio check and by the total cap. Fixtures: tests/data/make_fixtures.py. */
#include "container.h"
#include "harness.h"
#include "read_int.h"

#include <archive.h>
#include <archive_entry.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

typedef struct {
    sl_buf out, diags, first;
    uint64_t rows[64];
    char sha[64][65];
} coll;

static int c_begin(void *ud, const sl_source *s) {
    coll *c = ud;
    if (s->id < 64) c->rows[s->id] = 0;
    return 0;
}
static int c_row(void *ud, const sl_source *s, const sl_csv_row *r) {
    coll *c = ud;
    if (s->id < 64) c->rows[s->id]++;
    if (r->record == 2) {
        sl_buf_printf(&c->first, "%u:", s->id);
        for (size_t i = 0; i < r->ncells; i++)
            sl_buf_printf(&c->first, "%s%.*s", i ? "|" : "", (int)r->cells[i].len, r->cells[i].p);
        sl_buf_putc(&c->first, '\n');
    }
    return 0;
}
static void c_end(void *ud, const sl_source *s) {
    coll *c = ud;
    sl_buf_printf(&c->out, "%u<%u %s [%s %s%s%s] rows=%llu size=%llu\n", s->id, s->parent, s->cite,
                  s->format ? s->format : "?", s->encoding ? s->encoding : "?",
                  s->member ? " m=" : "", s->member ? s->member : "",
                  (unsigned long long)(s->id < 64 ? c->rows[s->id] : 0),
                  (unsigned long long)s->size);
    if (s->id < 64) memcpy(c->sha[s->id], s->sha256, 65);
}
static void c_diag(void *ud, const sl_diag *d) {
    coll *c = ud;
    sl_buf_printf(&c->diags, "%s [%s]: %s\n", d->code, d->source ? d->source : "", d->message);
}

static sl_status run(const char *path, coll *c, const sl_read_opts *o) {
    memset(c, 0, sizeof *c);
    sl_reader_cb cb = {c_begin, c_row, c_end, NULL, c_diag, c, c};
    uint32_t id = 1;
    sl_status st = sl_read_file(path, o, &cb, &id);
    sl_buf_nul(&c->out);
    sl_buf_nul(&c->diags);
    sl_buf_nul(&c->first);
    return st;
}
static void done(coll *c) { sl_buf_free(&c->out); sl_buf_free(&c->diags); sl_buf_free(&c->first); }

#define FIRST_ROW_TSV "Jos\xC3\xA9 N\xC3\xBA\xC3\xB1" "ez|Springfield PD|06/01/2025| 1:02:03 PM UTC|" \
    "th\xC3\xA9" "ft \xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x80\x93 5\xE2\x82\xAC"
#define FIRST_ROW "Jos\xC3\xA9 N\xC3\xBA\xC3\xB1" "ez|Springfield PD|06/01/2025, 1:02:03 PM UTC|" \
    "th\xC3\xA9" "ft \xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x80\x93 5\xE2\x82\xAC"

static void test_nested(void) {
    coll c;
    CHECK_INT(run("tests/data/zip/nested.zip", &c, NULL), SL_OK);
    CHECK_STR(c.out.p,
        "2<1 tests/data/zip/nested.zip > release/2025/jan.csv [csv utf-8 m=release/2025/jan.csv] rows=3 size=190\n"
        "3<1 tests/data/zip/nested.zip > release/2025/feb.tsv [tsv utf-8 m=release/2025/feb.tsv] rows=3 size=186\n"
        "5<4 tests/data/zip/nested.zip > release/book.xlsx > Inline [xlsx utf-8 m=release/book.xlsx] rows=3 size=788\n"
        "6<4 tests/data/zip/nested.zip > release/book.xlsx > Prefixed [xlsx utf-8 m=release/book.xlsx] rows=1 size=394\n"
        "4<1 tests/data/zip/nested.zip > release/book.xlsx [xlsx utf-8 m=release/book.xlsx] rows=0 size=1988\n"
        "7<1 tests/data/zip/nested.zip > release/mar.csv.gz [gzip utf-8 m=release/mar.csv.gz] rows=3 size=190\n"
        "1<0 tests/data/zip/nested.zip [zip binary] rows=0 size=3075\n");
    CHECK_STR(c.diags.p,
        "archive.member_skipped [tests/data/zip/nested.zip > release/.DS_Store]: member skipped: a hidden file\n"
        "archive.member_skipped [tests/data/zip/nested.zip > __MACOSX/release/2025/._jan.csv]: member skipped: macOS resource data (__MACOSX/)\n");
    CHECK_STR(c.first.p, "2:" FIRST_ROW "\n3:" FIRST_ROW_TSV "\n5:Hello|line one\nline two & <three>\n7:" FIRST_ROW "\n");
    /* The same decompressed bytes give the same hash, whatever the container. */
    CHECK_INT(strlen(c.sha[2]), 64);
    CHECK_STR(c.sha[7], c.sha[2]);
    char sha[65];
    CHECK_INT(sl_sha256_file("tests/data/zip/nested.zip", sha), SL_OK);
    CHECK_STR(c.sha[1], sha);
    char gz[65];
    strcpy(gz, c.sha[2]);
    done(&c);

    CHECK_INT(run("tests/data/gz/gzipped.csv.gz", &c, NULL), SL_OK);
    CHECK_STR(c.out.p, "1<0 tests/data/gz/gzipped.csv.gz [gzip utf-8] rows=3 size=190\n");
    CHECK_STR(c.sha[1], gz);
    CHECK_STR(c.first.p, "1:" FIRST_ROW "\n");
    done(&c);
    /* Cut off at 60% of its bytes: every byte that inflates before the damage is read (zlib:
     * 164,792, as Python's zlib gives; libarchive's filter dropped its last 64 KiB block and
     * gave 131,072), then the record it broke off in is delivered as cut and the damage
     * reported (it used to lose it all). */
    CHECK_INT(run("tests/data/gz/cut_off_at_60_percent.csv.gz", &c, NULL), SL_OK); /* reported, not fatal */
    CHECK_STR(c.out.p, "1<0 tests/data/gz/cut_off_at_60_percent.csv.gz [gzip utf-8] rows=2363 "
                       "size=164792\n");
    CHECK_STR(c.sha[1], "");
    CHECK_STR(c.diags.p, "archive.damaged [tests/data/gz/cut_off_at_60_percent.csv.gz]: cannot "
                         "decompress past byte 164792 of its content: truncated gzip input; "
                         "what came before was read\n");
    CHECK_STR(c.first.p, "1:Officer 0|Springfield PD|06/01/2025, 1:00:00 PM UTC|case 0000000\n");
    done(&c);
    /* Cut within its first 64 KiB of text: libarchive could not even open it */
    CHECK_INT(run("tests/data/gz/cut_off_within_its_first_64_kib.csv.gz", &c, NULL), SL_OK);
    CHECK_STR(c.out.p, "1<0 tests/data/gz/cut_off_within_its_first_64_kib.csv.gz [gzip utf-8] "
                       "rows=393 size=27008\n");
    CHECK_STR(c.diags.p, "archive.damaged [tests/data/gz/cut_off_within_its_first_64_kib.csv.gz]: "
                         "cannot decompress past byte 27008 of its content: truncated gzip "
                         "input; what came before was read\n");
    CHECK_STR(c.first.p, "1:Officer 0|Springfield PD|06/01/2025, 1:00:00 PM UTC|case 0000000\n");
    done(&c);
    /* A zip member whose CRC does not match its content: read as found, and said. */
    CHECK_INT(run("tests/data/zip/member_wrong_checksum.zip", &c, NULL), SL_OK);
    CHECK_STR(c.out.p, "2<1 tests/data/zip/member_wrong_checksum.zip > audit.csv [csv utf-8 "
                       "m=audit.csv] rows=3 size=190\n"
                       "1<0 tests/data/zip/member_wrong_checksum.zip [zip binary] rows=0 "
                       "size=290\n");
    CHECK(c.diags.p && strstr(c.diags.p, "archive.bad_checksum [tests/data/zip/member_wrong_"
                                         "checksum.zip > audit.csv]: its content does not match "
                                         "what the archive recorded (ZIP bad CRC: ") != NULL);
    done(&c);
    CHECK_INT(run("tests/data/gz/zstd.csv.zst", &c, NULL), SL_OK);
    CHECK_STR(c.out.p, "1<0 tests/data/gz/zstd.csv.zst [zstd utf-8] rows=3 size=190\n");
    CHECK_STR(c.sha[1], gz);
    done(&c);
}

static void test_zip_in_zip(void) {
    coll c;
    CHECK_INT(run("tests/data/zip/zip_in_zip.zip", &c, NULL), SL_OK);
    CHECK_STR(c.out.p,
        "3<2 tests/data/zip/zip_in_zip.zip > inner.zip > x.csv [csv utf-8 m=inner.zip > x.csv] rows=2 size=10\n"
        "5<4 tests/data/zip/zip_in_zip.zip > inner.zip > deeper.zip > y.csv [csv utf-8 m=inner.zip > deeper.zip > y.csv] rows=2 size=10\n"
        "4<2 tests/data/zip/zip_in_zip.zip > inner.zip > deeper.zip [zip utf-8 m=inner.zip > deeper.zip] rows=0 size=120\n"
        "2<1 tests/data/zip/zip_in_zip.zip > inner.zip [zip utf-8 m=inner.zip] rows=0 size=289\n"
        "1<0 tests/data/zip/zip_in_zip.zip [zip binary] rows=0 size=296\n");
    CHECK_STR(c.diags.p ? c.diags.p : "", "");
    done(&c);
    /* Depth bound: the zip inside the zip inside the zip is not opened. */
    sl_read_opts o = {0, 1, 0};
    CHECK_INT(run("tests/data/zip/zip_in_zip.zip", &c, &o), SL_OK);
    CHECK_STR(c.diags.p, "archive.too_deep [tests/data/zip/zip_in_zip.zip > inner.zip > deeper.zip]: "
                         "nested archive skipped: deeper than 1 levels\n");
    CHECK(strstr(c.out.p, "y.csv") == NULL && strstr(c.out.p, "x.csv") != NULL);
    done(&c);
}

static void test_encodings(void) {
    static const char *files[][3] = {
        {"tests/data/text/utf16le_bom.csv", "utf-16le", "read.encoding [tests/data/text/utf16le_bom.csv]: read as utf-16le: UTF-16 little-endian byte order mark\n"},
        {"tests/data/text/utf16be_bom.csv", "utf-16be", "read.encoding [tests/data/text/utf16be_bom.csv]: read as utf-16be: UTF-16 big-endian byte order mark\n"},
        {"tests/data/text/cp1252_fallback.csv", "windows-1252", "read.encoding_fallback [tests/data/text/cp1252_fallback.csv]: read as windows-1252: not valid UTF-8 (8 invalid bytes in the first 178, first 0xE9 at byte 37); every byte is defined in Windows-1252\n"},
        {"tests/data/text/utf8_bom.csv", "utf-8-bom", ""},
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(files); i++) {
        coll c;
        CHECK_INT(run(files[i][0], &c, NULL), SL_OK);
        char want[512];
        long size = 0;
        FILE *f = fopen(files[i][0], "rb");
        if (f) { fseek(f, 0, SEEK_END); size = ftell(f); fclose(f); }
        int rows = strstr(files[i][0], "utf16") ? 4 : 3;
        sl_fmt(want, sizeof want, "1<0 %s [csv %s] rows=%d size=%ld\n", files[i][0], files[i][1],
               rows, size);
        CHECK_STR(c.out.p, want);
        CHECK_STR(c.first.p, "1:" FIRST_ROW "\n");
        CHECK_STR(c.diags.p ? c.diags.p : "", files[i][2]);
        char sha[65];
        sl_sha256_file(files[i][0], sha);
        CHECK_STR(c.sha[1], sha); /* the file's own bytes, not the decoded ones */
        done(&c);
    }
}

/* A zip with one deflated member of n bytes of zeros, written with libarchive. */
static int write_zero_zip(const char *path, uint64_t n) {
    struct archive *a = archive_write_new();
    archive_write_set_format_zip(a);
    if (archive_write_open_filename(a, path) != ARCHIVE_OK) { archive_write_free(a); return -1; }
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, "zeros.csv");
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)n);
    archive_write_header(a, e);
    static char zeros[1 << 16];
    for (uint64_t k = 0; k < n; k += sizeof zeros) archive_write_data(a, zeros, sizeof zeros);
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
    return 0;
}

static void test_bombs(void) {
    coll c;
    clock_t t0 = clock();
    /* 256 MiB of zeros in 344 bytes of bzip2: refused by the ratio check past 100 MiB. */
    CHECK_INT(run("tests/data/zip/bomb_bzip2_256mib.zip", &c, NULL), SL_OK);
    CHECK(strstr(c.diags.p, "archive.bomb [tests/data/zip/bomb_bzip2_256mib.zip > zeros.csv]: "
                            "refused: member expands more than 1000:1") != NULL);
    CHECK(strstr(c.diags.p, "possible zip bomb") != NULL);
    CHECK(strstr(c.out.p, "1<0 tests/data/zip/bomb_bzip2_256mib.zip [zip binary] rows=0") != NULL);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK(secs < 20.0);
    fprintf(stderr, "bzip2 bomb refused in %.2f s\n", secs);
    done(&c);

    /* A deflate member past the archive cap (cap set small for the test). */
    char dir[] = "/tmp/sl_test_bomb_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    sl_fmt(path, sizeof path, "%s/zeros.zip", dir);
    CHECK_INT(write_zero_zip(path, (uint64_t)64 << 20), 0);
    sl_read_opts o = {0, 0, (uint64_t)8 << 20};
    CHECK_INT(run(path, &c, &o), SL_OK);
    char want[512];
    sl_fmt(want, sizeof want, "archive.bomb [%s > zeros.csv]: refused: more than 8388608 bytes "
                              "decompressed from one archive (cap reached; possible zip bomb)\n",
           path);
    CHECK(c.diags.p && strstr(c.diags.p, want) != NULL);
    done(&c);
    unlink(path);
    /* The same past the cap in a .gz of one text, which zlib inflates (not libarchive): the
     * guard sees it as well. */
    sl_fmt(path, sizeof path, "%s/zeros.csv.gz", dir);
    gzFile gz = gzopen(path, "wb9");
    CHECK(gz != NULL);
    static char zeros[1 << 16];
    memset(zeros, '0', sizeof zeros);
    int written = 1; /* 64 MiB of '0' */
    for (int i = 0; gz && i < 1024; i++) written &= gzwrite(gz, zeros, sizeof zeros) == (int)sizeof zeros;
    CHECK(written && gz && gzclose(gz) == Z_OK);
    CHECK_INT(run(path, &c, &o), SL_OK);
    sl_fmt(want, sizeof want, "archive.bomb [%s]: refused: more than 8388608 bytes decompressed "
                              "from one archive (cap reached; possible zip bomb)\n", path);
    CHECK(c.diags.p && strstr(c.diags.p, want) != NULL);
    done(&c);
    unlink(path);
    rmdir(dir);
}

static void test_top_xlsx(void) {
    coll c;
    CHECK_INT(run("tests/data/xlsx/entity_bomb.xlsx", &c, NULL), SL_OK);
    CHECK_STR(c.out.p,
        "2<1 tests/data/xlsx/entity_bomb.xlsx > Bomb [xlsx utf-8] rows=0 size=1000\n"
        "3<1 tests/data/xlsx/entity_bomb.xlsx > Fine [xlsx utf-8] rows=1 size=353\n"
        "1<0 tests/data/xlsx/entity_bomb.xlsx [xlsx utf-8] rows=0 size=1902\n");
    CHECK_STR(c.diags.p, "xlsx.xml_refused [tests/data/xlsx/entity_bomb.xlsx > Bomb]: xlsx: "
                         "entity declarations refused (possible XML bomb)\n");
    done(&c);
    CHECK_INT(run("tests/data/xlsx/blank_rows.xlsx", &c, NULL), SL_OK);
    CHECK_STR(c.diags.p, "xlsx.blank_rows [tests/data/xlsx/blank_rows.xlsx > Blanks]: 3 blank rows skipped\n");
    done(&c);
    CHECK_INT(sl_magic_sniff("\x28\xB5\x2F\xFD", 4), SL_MAGIC_ZSTD);
    CHECK_INT(sl_magic_sniff("PK\3\4", 4), SL_MAGIC_ZIP);
    CHECK_INT(sl_magic_sniff("\x1F\x8B\x08", 3), SL_MAGIC_GZIP);
    CHECK_INT(sl_magic_sniff("id,x", 4), SL_MAGIC_NONE);
}

/* Member names that are not ASCII. Under the C locale libarchive could not convert a UTF-8
 * name and the members from it on were lost ("damaged zip"); a name in another charset comes
 * through as its bytes; a name that says it is UTF-8 and is not gets a made-up name and a
 * warning, and its data is still read. Each zip's second member comes after the odd name. */
static void test_member_names(void) {
    static const struct {
        const char *zip, *name; /* the first member's name as cited */
        unsigned size;
        const char *diag; /* how the diagnostics begin ("" for none) */
    } cases[] = {
        {"member_name_utf8.zip", "B\xC3\xBAsqueda \xE2\x80\x93 enero.csv", 618, ""},
        {"member_name_cp1252_unflagged.zip", "B\xFAsqueda \x96 enero.csv", 612, ""},
        {"member_name_flagged_utf8_but_not.zip", "(member 1, name unreadable)", 612,
         "archive.member_name [tests/data/zip/member_name_flagged_utf8_but_not.zip]: member 1: "
         "its name cannot be read ("},
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
        char path[200], want[1200];
        snprintf(path, sizeof path, "tests/data/zip/%s", cases[i].zip);
        snprintf(want, sizeof want,
                 "2<1 %s > %s [csv utf-8 m=%s] rows=3 size=190\n"
                 "3<1 %s > after.csv [csv utf-8 m=after.csv] rows=3 size=190\n"
                 "1<0 %s [zip binary] rows=0 size=%u\n",
                 path, cases[i].name, cases[i].name, path, path, cases[i].size);
        coll c;
        CHECK_INT(run(path, &c, NULL), SL_OK);
        CHECK_STR(c.out.p, want);
        if (cases[i].diag[0]) CHECK(strncmp(c.diags.p, cases[i].diag, strlen(cases[i].diag)) == 0);
        else CHECK_STR(c.diags.p, "");
        done(&c);
    }
}

/* A member a password protects is an error naming it (before, a note alone, and the zip
 * called empty when it held nothing else); the members around it are read. */
static void test_encrypted_member(void) {
    coll c;
    const char *z = "tests/data/zip/member_protected_by_password.zip";
    CHECK_INT(run(z, &c, NULL), SL_OK);
    CHECK(strstr(c.out.p, "> before.csv [csv utf-8 m=before.csv] rows=3") != NULL);
    CHECK(strstr(c.out.p, "> after.csv [csv utf-8 m=after.csv] rows=3") != NULL);
    CHECK(strstr(c.out.p, "audit.csv") == NULL);
    CHECK_STR(c.diags.p, "archive.encrypted [tests/data/zip/member_protected_by_password.zip > "
                         "audit.csv]: member not read: the zip protects it with a password. "
                         "Unpack the archive with the password and scan the files it holds\n");
    done(&c);
}

/* Releases packed as tar (plain, gzip, xz, bzip2, zstd), 7z and RAR (4 and 5): read member by
 * member like a zip, the container a source with the file's hash (before, a .tar, .7z or .rar
 * was skipped as a binary file and a .tar.gz read as one binary text). A cut-off .tar.gz or
 * .rar: the rows before the cut are read, the cut said for the member and for the archive. */
static void test_tar_and_7z(void) {
    static const struct {
        const char *file, *format;
        unsigned size;
    } cases[] = {
        {"release.tar", "tar", 10240}, {"release.tar.gz", "tar.gz", 386},
        {"release.tar.xz", "tar.xz", 424}, {"release.tar.bz2", "tar.bz2", 409},
        {"release.tar.zst", "tar.zst", 358}, {"release.7z", "7z", 443},
        {"release.rar", "rar", 465},         {"release_rar5.rar", "rar", 428},
    };
    for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
        char path[200], want[600], sha[65];
        snprintf(path, sizeof path, "tests/data/archives/%s", cases[i].file);
        coll c;
        CHECK_INT(run(path, &c, NULL), SL_OK);
        snprintf(want, sizeof want, "<1 %s > export/audit.csv [csv utf-8 m=export/audit.csv] "
                 "rows=3 size=190\n", path);
        CHECK(strstr(c.out.p, want) != NULL);
        snprintf(want, sizeof want, "1<0 %s [%s binary] rows=0 size=%u\n", path, cases[i].format,
                 cases[i].size);
        CHECK(strstr(c.out.p, want) != NULL);
        if (!strstr(c.out.p, want)) fprintf(stderr, "%s", c.out.p);
        CHECK(strstr(c.out.p, "README.txt") != NULL);
        CHECK(strstr(c.out.p, ".DS_Store") == NULL); /* a hidden file, skipped with a note */
        CHECK(strstr(c.diags.p, "export/.DS_Store]: member skipped: a hidden file") != NULL);
        CHECK_INT(sl_sha256_file(path, sha), SL_OK);
        CHECK_STR(c.sha[1], sha);
        CHECK_STR(c.first.p + strcspn(c.first.p, ":") + 1, FIRST_ROW "\n");
        done(&c);
    }
    coll c;
    CHECK_INT(run("tests/data/archives/cut_off_halfway.tar.gz", &c, NULL), SL_OK);
    CHECK(strstr(c.out.p, "2<1 tests/data/archives/cut_off_halfway.tar.gz > audit_a.csv [csv utf-8 "
                          "m=audit_a.csv] rows=1875") != NULL);
    CHECK(strstr(c.out.p, "audit_b.csv") == NULL);
    CHECK(strstr(c.diags.p, "archive.damaged [tests/data/archives/cut_off_halfway.tar.gz > "
                            "audit_a.csv]: cannot decompress past byte 130560 of its content") != NULL);
    CHECK(strstr(c.diags.p, "archive.damaged [tests/data/archives/cut_off_halfway.tar.gz]: damaged "
                            "archive, members after this point not read") != NULL);
    done(&c);
    CHECK_INT(run("tests/data/archives/cut_off_halfway.rar", &c, NULL), SL_OK);
    CHECK(strstr(c.out.p, "2<1 tests/data/archives/cut_off_halfway.rar > audit_a.csv [csv utf-8 "
                          "m=audit_a.csv] rows=2010") != NULL);
    CHECK(strstr(c.out.p, "audit_b.csv") == NULL);
    CHECK(strstr(c.diags.p, "archive.damaged [tests/data/archives/cut_off_halfway.rar > "
                            "audit_a.csv]: cannot decompress past byte 140049 of its content") != NULL);
    CHECK(strstr(c.diags.p, "archive.damaged [tests/data/archives/cut_off_halfway.rar]: damaged "
                            "rar, members after this point not read") != NULL);
    done(&c);
    /* Cut within the first 64 KiB of its member, the bytes its encoding is sniffed from:
     * those bytes are read (all of them were lost, while said to be read). */
    CHECK_INT(run("tests/data/archives/cut_off_within_its_first_64_kib.rar", &c, NULL), SL_OK);
    CHECK(strstr(c.out.p, "2<1 tests/data/archives/cut_off_within_its_first_64_kib.rar > "
                          "audit_a.csv [csv utf-8 m=audit_a.csv] rows=579 size=39937") != NULL);
    CHECK(strstr(c.diags.p, "cannot decompress past byte 39937 of its content") != NULL);
    CHECK_STR(c.first.p + strcspn(c.first.p, ":") + 1,
              "Officer 0|Springfield PD|06/01/2025, 1:00:00 PM UTC|case 0000000\n");
    done(&c);
    CHECK_INT(run("tests/data/archives/member_protected_by_password.rar", &c, NULL), SL_OK);
    CHECK(strstr(c.diags.p, "archive.encrypted [tests/data/archives/member_protected_by_password.rar"
                            " > export/audit.csv]: member not read: the archive protects it with "
                            "a password") != NULL);
    CHECK(strstr(c.out.p, "rows=3") == NULL);
    CHECK(strstr(c.out.p, "export/README.txt") != NULL); /* the members without one are read */
    done(&c);
    /* 7z with a password: on its members (each an error naming it), or on its list of files
     * too (one error for the archive) */
    CHECK_INT(run("tests/data/archives/member_protected_by_password.7z", &c, NULL), SL_OK);
    CHECK(strstr(c.diags.p, "archive.encrypted [tests/data/archives/member_protected_by_password.7z"
                            " > export/audit.csv]: member not read: the archive protects it with "
                            "a password") != NULL);
    CHECK(strstr(c.out.p, "rows=3") == NULL);
    done(&c);
    CHECK_INT(run("tests/data/archives/protected_by_password_list_too.7z", &c, NULL), SL_OK);
    CHECK_STR(c.diags.p, "archive.encrypted [tests/data/archives/protected_by_password_list_too.7z]"
                         ": protected by a password, its list of files too: nothing can be read "
                         "from it. Unpack the archive with the password and scan the files it "
                         "holds\n");
    done(&c);
    CHECK_INT(sl_magic_sniff("\xFD" "7zXZ\0", 6), SL_MAGIC_XZ);
    CHECK_INT(sl_magic_sniff("7z\xBC\xAF\x27\x1C", 6), SL_MAGIC_7Z);
    CHECK_INT(sl_magic_sniff("Rar!\x1A\x07\x00", 7), SL_MAGIC_RAR);
    CHECK_INT(sl_magic_sniff("Rar!\x1A\x07\x01\x00", 8), SL_MAGIC_RAR);
    CHECK_INT(sl_magic_sniff("Rar!\x1A\x07\x01", 7), SL_MAGIC_NONE); /* cut before RAR 5's 0 */
    CHECK_INT(sl_magic_sniff("Rar!,Springfield PD", 19), SL_MAGIC_NONE);
    CHECK_INT(sl_magic_sniff("BZh91AY&SY", 10), SL_MAGIC_BZIP2);
    CHECK_INT(sl_magic_sniff("BZh1,Springfield PD,assist", 26), SL_MAGIC_NONE); /* a text */
    CHECK_STR(sl_magic_name(SL_MAGIC_TAR), "tar");
    CHECK(sl_magic_is_stream(SL_MAGIC_XZ) && !sl_magic_is_stream(SL_MAGIC_7Z));
}

int main(void) {
    test_tar_and_7z();
    test_encrypted_member();
    test_member_names();
    test_nested();
    test_zip_in_zip();
    test_encodings();
    test_bombs();
    test_top_xlsx();
    TEST_END();
}
