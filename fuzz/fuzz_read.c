/* fuzz_read.c: libFuzzer harness for everything behind sl_read_file: format sniffing, ZIP,
 * tar, 7z, gzip, zstd, xz, bzip2, XLSX and OpenDocument spreadsheets, Word and OpenDocument
 * text tables (libarchive + expat), web pages (libxml2), Excel 97-2003 workbooks (FreeXL), JSON
 * (yajl), UTF-16 and Windows-1252 decoding, and the CSV parser.
 * The input is written to a file and read like any input; every row delivered must respect the
 * reader's invariants, and reading the same file twice must give the same rows and hashes.
 * Build with `make fuzz` (needs clang); run, from the repository root:
 *   mkdir -p /tmp/read_corpus && cp -r tests/data/xlsx tests/data/zip tests/data/gz tests/data/html \
 *     tests/data/xls tests/data/ods tests/data/archives tests/data/word tests/data/json \
 *     /tmp/read_corpus/
 *   build/fuzz/fuzz_read -max_total_time=60 -rss_limit_mb=2048 /tmp/read_corpus
 * Keep any crasher as a regression input in tests/data/, named for what it breaks. */
#include "read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    uint64_t rows, cells, bytes, sources;
    uint64_t digest; /* order-sensitive hash of everything delivered */
} tally;

static void check(int ok) {
    if (!ok) __builtin_trap();
}

static void mix(tally *t, const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) t->digest = (t->digest ^ b[i]) * 1099511628211ull;
}

static int on_begin(void *ud, const sl_source *src) {
    tally *t = ud;
    check(src->id > 0 && src->cite != NULL);
    t->sources++;
    return 0;
}

static int on_row(void *ud, const sl_source *src, const sl_csv_row *row) {
    tally *t = ud;
    /* record 0: the header a JSON list's keys make (csv.h), no record of the file */
    check(row->record >= 1 || (src->format && strcmp(src->format, "json") == 0));
    check(row->err != SL_CSV_TOO_LARGE || row->ncells == 0);
    t->rows++;
    for (size_t i = 0; i < row->ncells; i++) {
        check(row->cells[i].len == 0 || row->cells[i].p != NULL);
        mix(t, row->cells[i].p, row->cells[i].len);
        t->cells++;
        t->bytes += row->cells[i].len;
    }
    mix(t, &row->record, sizeof row->record);
    return 0;
}

static void on_end(void *ud, const sl_source *src) {
    tally *t = ud;
    mix(t, src->sha256, strlen(src->sha256));
}

static void on_diag(void *ud, const sl_diag *d) {
    (void)ud;
    check(d->code != NULL && d->message != NULL);
}

static void read_once(const char *path, tally *t) {
    sl_reader_cb cb = {on_begin, on_row, on_end, NULL, on_diag, t, NULL};
    sl_read_opts ro = {64 * 1024, 3, 64u << 20};
    uint32_t next = 1;
    (void)sl_read_file(path, &ro, &cb, &next);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[] = "/tmp/sl_fuzz_read_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return 0;
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0) break;
        off += (size_t)w;
    }
    close(fd);
    tally a = {0, 0, 0, 0, 1469598103934665603ull}, b = a;
    read_once(path, &a);
    read_once(path, &b);
    check(a.rows == b.rows && a.cells == b.cells && a.digest == b.digest);
    unlink(path);
    return 0;
}
