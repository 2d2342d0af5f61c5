/* fuzz_json.c: libFuzzer harness for the JSON reader (json.h): the input is read as a JSON
 * file (and, for JSON Lines, under a .jsonl name), every row's cells touched, with a small
 * record cap so that the cap's path is taken too. Checks what json.h promises: rows of at most
 * SL_ROWBUF_MAX_CELLS cells, the header row numbered 0 and records from 1 in order, every
 * message from this reader.
 * Build with `make fuzz` (needs clang); run, from the repository root:
 *   rm -rf /tmp/json_corpus && cp -r tests/data/json /tmp/json_corpus
 *   build/fuzz/fuzz_json -max_total_time=60 -rss_limit_mb=2048 /tmp/json_corpus
 * Keep any crasher as a regression input in tests/data/json/, named for what it breaks. */
#include "json.h"
#include "rowbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void check(int ok) {
    if (!ok) __builtin_trap();
}

typedef struct {
    uint64_t last;
    int open;
} state;

static int on_begin(void *ud, const sl_xlsx_sheet *sh) {
    state *s = ud;
    check(!s->open && sh->name != NULL && *sh->name);
    s->open = 1;
    s->last = 0;
    return 0;
}

static int on_row(void *ud, const sl_xlsx_sheet *sh, const sl_csv_row *r) {
    state *s = ud;
    (void)sh;
    check(s->open && r->ncells <= SL_ROWBUF_MAX_CELLS);
    check(r->record == 0 ? s->last == 0 : r->record > s->last);
    s->last = r->record;
    volatile unsigned char sum = 0;
    for (size_t i = 0; i < r->ncells; i++)
        for (size_t k = 0; k < r->cells[i].len; k++) sum ^= (unsigned char)r->cells[i].p[k];
    for (size_t k = 0; k < r->first_line.len; k++) sum ^= (unsigned char)r->first_line.p[k];
    return 0;
}

static void on_end(void *ud, const sl_xlsx_sheet *sh) {
    state *s = ud;
    (void)sh;
    check(s->open);
    s->open = 0;
}

static void on_diag(void *ud, const sl_diag *d) {
    (void)ud;
    check(d->code != NULL && d->message != NULL &&
          (strncmp(d->code, "json.", 5) == 0 || strcmp(d->code, "read.io") == 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FILE *f = tmpfile();
    if (!f) return 0;
    if (size && fwrite(data, 1, size, f) != size) {
        fclose(f);
        return 0;
    }
    fflush(f);
    static const char *const names[] = {"fuzz.json", "fuzz.jsonl"};
    for (size_t k = 0; k < 2; k++) {
        state s = {0, 0};
        sl_html_opts o = {k ? 64 : 0, names[k], "ab", on_diag, NULL};
        sl_xlsx_cb cb = {on_begin, on_row, on_end, &s};
        (void)sl_json_read_fd(fileno(f), &o, &cb);
        check(!s.open);
    }
    (void)sl_json_sniff(data, size);
    fclose(f);
    return 0;
}
