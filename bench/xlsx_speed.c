/* xlsx_speed.c: CPU time of the workbook reader on one .xlsx beside expat alone (empty handlers)
 * over the same XML parts, which bounded the reader until its own tokenizer took the plain XML
 * (lib/xmlp.c), and decompression alone, which still bounds it. Not built by default:
 *   cc -O2 -Iinclude -Ilib bench/xlsx_speed.c build/libsunlight.a \
 *      $(pkg-config --libs libhs sqlite3 libcrypto libarchive expat) -lm -o /tmp/xlsxspeed
 *   /tmp/xlsxspeed build/bench/xlsx-150M-1/network_audit_big.xlsx */
#include "xlsx.h"

#include <archive.h>
#include <archive_entry.h>
#include <expat.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BLOCK (1024 * 1024)

static unsigned long long g_rows, g_cells, g_sink;

static double cpu_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int on_row(void *ud, const sl_xlsx_sheet *sh, const sl_csv_row *r) {
    (void)ud; (void)sh;
    g_rows++;
    g_cells += r->ncells;
    return 0;
}

static unsigned long long g_sheet_xml;

static void on_sheet_end(void *ud, const sl_xlsx_sheet *sh) {
    (void)ud;
    g_sheet_xml += sh->xml_bytes;
}

static void XMLCALL x_start(void *ud, const XML_Char *n, const XML_Char **a) {
    (void)ud; (void)a;
    g_sink += (unsigned char)n[0];
}

static void XMLCALL x_end(void *ud, const XML_Char *n) {
    (void)ud;
    g_sink += (unsigned char)n[0];
}

static void XMLCALL x_text(void *ud, const XML_Char *s, int len) {
    (void)ud; (void)s;
    g_sink += (unsigned)len;
}

/* Streams every .xml member under xl/ through expat (parse set) or only inflates it.
 * Returns the bytes of XML, or -1. */
static long long ceiling(const char *path, int parse) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    struct archive *a = archive_read_new();
    archive_read_support_format_zip_seekable(a);
    long long total = 0;
    char *buf = malloc(BLOCK);
    if (!buf || archive_read_open_fd(a, fd, BLOCK) != ARCHIVE_OK) total = -1;
    struct archive_entry *e;
    while (total >= 0 && archive_read_next_header(a, &e) == ARCHIVE_OK) {
        const char *n = archive_entry_pathname(e);
        size_t len = n ? strlen(n) : 0;
        if (!n || strncmp(n, "xl/", 3) != 0 || len < 4 || strcmp(n + len - 4, ".xml") != 0)
            continue;
        XML_Parser xp = parse ? XML_ParserCreate("UTF-8") : NULL;
        if (xp) {
            XML_SetElementHandler(xp, x_start, x_end);
            XML_SetCharacterDataHandler(xp, x_text);
        }
        for (;;) {
            void *b = xp ? XML_GetBuffer(xp, BLOCK) : buf;
            la_ssize_t got = b ? archive_read_data(a, b, BLOCK) : -1;
            if (got < 0) { total = -1; break; }
            total += got;
            if (xp && XML_ParseBuffer(xp, (int)got, got == 0) != XML_STATUS_OK) {
                total = -1;
                break;
            }
            if (got == 0) break;
        }
        if (xp) XML_ParserFree(xp);
    }
    archive_read_free(a);
    free(buf);
    close(fd);
    return total;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: xlsx_speed BOOK.xlsx\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    sl_xlsx_opts o = {0};
    sl_xlsx_cb cb = {0};
    cb.row = on_row;
    cb.sheet_end = on_sheet_end;
    double t0 = cpu_now();
    sl_status st = sl_xlsx_read_fd(fd, &o, &cb);
    double t_reader = cpu_now() - t0;
    close(fd);
    t0 = cpu_now();
    long long xml = ceiling(argv[1], 1);
    double t_expat = cpu_now() - t0;
    t0 = cpu_now();
    long long xml2 = ceiling(argv[1], 0);
    double t_inflate = cpu_now() - t0;
    if (st != SL_OK || xml < 0 || xml2 != xml) {
        fprintf(stderr, "xlsx_speed: read failed (%s)\n", sl_status_str(st));
        return 1;
    }
    double mb = (double)g_sheet_xml / 1048576.0;
    printf("sheet XML %.1f MB, all XML parts %.1f MB, %llu rows, %llu cells\n", mb,
           (double)xml / 1048576.0, g_rows, g_cells);
    printf("reader:           %.3f s CPU  %6.1f MB/s of sheet XML  %.0f rows/s\n", t_reader,
           mb / t_reader, (double)g_rows / t_reader);
    printf("expat, all parts: %.3f s CPU  %6.1f MB/s of sheet XML (expat alone)\n", t_expat,
           mb / t_expat);
    printf("inflate only:     %.3f s CPU  %6.1f MB/s of sheet XML\n", t_inflate,
           mb / t_inflate);
    return 0;
}
