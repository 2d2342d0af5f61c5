/* fuzz_csv.c: libFuzzer harness for the streaming CSV parser. Each input is parsed whole and
 * again cut into two chunks at a point taken from the input; both must give the same records,
 * and every record must keep the parser's invariants (numbering, lines, caps). Not built by
 * default (clang may be absent). Build and run from the repository root:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_POSIX_C_SOURCE=200809L \
 *       -D_DEFAULT_SOURCE -Iinclude -Ilib fuzz/fuzz_csv.c lib/csv.c lib/core.c -lcrypto \
 *       -o /tmp/fuzz_csv
 *   rm -rf /tmp/csv_corpus && cp -r tests/data/csv /tmp/csv_corpus
 *   /tmp/fuzz_csv -max_total_time=60 /tmp/csv_corpus
 * Keep any crasher as a regression input in tests/data/csv/, named for what it breaks. */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    sl_buf dump;
    uint64_t next_record, next_line, last_end;
    size_t max_record, max_cells;
} fuzz_ctx;

static void check(int ok)
{
    if (!ok) __builtin_trap();
}

static int on_row(void *ud, const sl_csv_row *row)
{
    fuzz_ctx *f = ud;
    check(row->record == f->next_record);
    check(row->line == f->next_line);
    check(row->nlines >= 1);
    check(row->offset >= f->last_end);
    check(row->err == SL_CSV_OK ? row->ncells >= 1 : 1);
    check(row->err == SL_CSV_TOO_LARGE ? row->ncells == 0 : 1);
    check(row->ncells <= f->max_cells);
    check(row->first_line.len <= f->max_record || row->ncells > 0);
    size_t total = 0;
    for (size_t i = 0; i < row->ncells; i++) total += row->cells[i].len;
    check(total <= f->max_record);
    f->next_record++;
    f->next_line += row->nlines;
    f->last_end = row->offset + row->first_line.len;
    sl_buf_printf(&f->dump, "%llu %llu %u %llu %u %d %zu|", (unsigned long long)row->record,
                  (unsigned long long)row->line, row->nlines, (unsigned long long)row->offset,
                  row->invalid_utf8, (int)row->err, row->ncells);
    sl_buf_append(&f->dump, row->first_line.p, row->first_line.len);
    for (size_t i = 0; i < row->ncells; i++) {
        sl_buf_printf(&f->dump, "|%zu:", row->cells[i].len);
        sl_buf_append(&f->dump, row->cells[i].p, row->cells[i].len);
    }
    sl_buf_putc(&f->dump, '\n');
    return 0;
}

static void run(const uint8_t *data, size_t size, size_t cut, const sl_csv_opts *o, sl_buf *out)
{
    fuzz_ctx f;
    memset(&f, 0, sizeof f);
    f.next_record = f.next_line = 1;
    f.max_record = o->max_record;
    f.max_cells = o->max_cells;
    sl_csv *c = NULL;
    if (sl_csv_new(&c, o, on_row, &f) != SL_OK) __builtin_trap();
    sl_csv_feed(c, (const char *)data, cut);
    sl_csv_feed(c, (const char *)data + cut, size - cut);
    sl_csv_finish(c);
    sl_buf_printf(&f.dump, "bom %d\n", sl_csv_had_bom(c));
    sl_csv_free(c);
    *out = f.dump;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    /* first byte: options; second: where to cut */
    sl_csv_opts o = {",\t;,"[data[0] & 3], (data[0] & 4) ? (size_t)16 + (data[0] >> 3) : 4096,
                     (data[0] & 4) ? (size_t)1 + (data[0] >> 5) : 64};
    size_t cut = size > 2 ? data[1] % (size - 2) : 0;
    data += 2;
    size -= 2;
    sl_buf whole, split;
    run(data, size, size, &o, &whole);
    run(data, size, cut, &o, &split);
    check(whole.len == split.len && memcmp(whole.p, split.p, whole.len) == 0);
    sl_buf_free(&whole);
    sl_buf_free(&split);
    return 0;
}
