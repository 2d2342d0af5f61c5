/* csv_speed.c: times the CSV parser (and, with --read, the whole plain-file reader with SHA-256)
 * on one file. Not built by default:
 *   cc -O2 -Iinclude -Ilib bench/csv_speed.c build/libsunlight.a \
 *      $(pkg-config --libs libhs sqlite3 libcrypto libarchive expat) -o /tmp/csvspeed
 *   python3 bench/gen_audit.py 200 > /tmp/audit.csv && /tmp/csvspeed /tmp/audit.csv */
#include "csv.h"
#include "read.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct {
    uint64_t records, cells, bytes;
} counts;

static int on_row(void *ud, const sl_csv_row *row)
{
    counts *k = ud;
    k->records++;
    k->cells += row->ncells;
    for (size_t i = 0; i < row->ncells; i++) k->bytes += row->cells[i].len;
    return 0;
}

static int on_src_row(void *ud, const sl_source *src, const sl_csv_row *row)
{
    (void)src;
    return on_row(ud, row);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: the machine is shared */
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: csv_speed FILE [--read]\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)size + 1);
    if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "cannot load %s\n", argv[1]);
        return 1;
    }
    fclose(f);

    for (int rep = 0; rep < 5; rep++) {
        counts k = {0, 0, 0};
        sl_csv *c = NULL;
        if (sl_csv_new(&c, NULL, on_row, &k) != SL_OK) return 1;
        double t0 = now();
        const size_t chunk = (size_t)1 << 20;
        for (size_t i = 0; i < (size_t)size; i += chunk) {
            size_t n = (size_t)size - i < chunk ? (size_t)size - i : chunk;
            sl_csv_feed(c, data + i, n);
        }
        sl_csv_finish(c);
        double dt = now() - t0;
        sl_csv_free(c);
        printf("parse: %.1f MB in %.3f s = %.0f MB/s (%llu records, %llu cells)\n", size / 1e6, dt,
               size / 1e6 / dt, (unsigned long long)k.records, (unsigned long long)k.cells);
    }
    if (argc > 2) { /* the reader: read(2) in 1 MiB chunks + SHA-256 + parse */
        counts k = {0, 0, 0};
        sl_reader_cb cb = {0};
        cb.row = on_src_row;
        cb.ud = &k;
        uint32_t id = 1;
        double t0 = now();
        sl_status st = sl_read_file(argv[1], NULL, &cb, &id);
        double dt = now() - t0;
        printf("read+sha256+parse: %.0f MB/s (%s, %llu records)\n", size / 1e6 / dt,
               sl_status_str(st), (unsigned long long)k.records);
    }
    free(data);
    return 0;
}
