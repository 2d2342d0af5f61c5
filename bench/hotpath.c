/* hotpath.c: times the per-row path of a scan in stages, on one CSV file, to see where the
 * time goes without the outputs: 1 = read (file, SHA-256, CSV), 2 = + header check and search
 * record (schema, cell states, times), 3 = + classification (rule packs). Not built by default:
 *   cc -O2 -Iinclude -Ilib bench/hotpath.c build/libsunlight.a \
 *      $(pkg-config --libs libhs sqlite3 libcrypto libarchive expat) -lm -o /tmp/hotpath
 *   /tmp/hotpath FILE.csv STAGE [RULES_DIR] */
#include "classify.h"
#include "read.h"
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    int stage;
    int have_schema;
    sl_schema schema;
    sl_matcher *m;
    sl_rules *r;
    uint64_t rows, searches, flagged, repeats, bytes;
} ctx;

static int on_begin(void *ud, const sl_source *src) {
    (void)src;
    ctx *c = ud;
    if (c->have_schema) sl_schema_clear(&c->schema);
    c->have_schema = 0;
    return 0;
}

static int on_row(void *ud, const sl_source *src, const sl_csv_row *row) {
    ctx *c = ud;
    c->rows++;
    if (c->stage < 2) return 0;
    if (!c->have_schema) {
        c->have_schema = sl_schema_from_header(&c->schema, row->cells, row->ncells, src->path);
        return 0;
    }
    if (sl_schema_is_header_again(&c->schema, row->cells, row->ncells)) {
        c->repeats++;
        return 0;
    }
    sl_search q;
    sl_search_from_row(&c->schema, row->cells, row->ncells, &q);
    c->searches++;
    if (c->stage < 3) return 0;
    sl_flag flags[16];
    if (sl_classify(c->m, c->r, &q, flags, 16)) c->flagged++;
    return 0;
}

static void on_progress(void *ud, uint64_t n) { ((ctx *)ud)->bytes += n; }

static double cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: hotpath FILE.csv STAGE(1-3) [RULES_DIR]\n");
        return 2;
    }
    ctx c;
    memset(&c, 0, sizeof c);
    c.stage = atoi(argv[2]);
    if (c.stage >= 3) {
        char err[512];
        if (sl_rules_load(&c.r, argc > 3 ? argv[3] : "rules", err, sizeof err)) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
        if (sl_matcher_new(&c.m, c.r)) return 1;
    }
    sl_reader_cb cb;
    memset(&cb, 0, sizeof cb);
    cb.begin = on_begin;
    cb.row = on_row;
    cb.progress = on_progress;
    cb.ud = &c;
    uint32_t id = 1;
    double t0 = cpu_now();
    sl_status st = sl_read_file(argv[1], NULL, &cb, &id);
    double t = cpu_now() - t0;
    printf("stage %d: %llu rows, %llu searches, %llu flagged, %.1f MB in %.3f CPU-s: %.0f MB/s, "
           "%.3f us/row (st %d)\n",
           c.stage, (unsigned long long)c.rows, (unsigned long long)c.searches,
           (unsigned long long)c.flagged, c.bytes / 1e6, t, c.bytes / 1e6 / t,
           t * 1e6 / (double)(c.rows ? c.rows : 1), (int)st);
    if (c.have_schema) sl_schema_clear(&c.schema);
    sl_matcher_free(c.m);
    sl_rules_free(c.r);
    return 0;
}
