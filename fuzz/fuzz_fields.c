/* fuzz_fields.c: libFuzzer harness for the per-cell parsers: timestamps, time frames, Excel
 * serials, cell states for every field, and redaction of free text. Invariants: no crash,
 * a parsed time formats back to a string that parses to the same second, and redaction never
 * leaves the row's own plate in its output. Build with `make fuzz` (needs clang); run:
 *   build/fuzz/fuzz_fields -max_total_time=60 tests/data/csv */
#include "cell.h"
#include "redact.h"
#include "timeparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void check(int ok) {
    if (!ok) __builtin_trap();
}

static sl_key *key;

static sl_key *get_key(void) {
    if (key) return key;
    char dir[] = "/tmp/sl_fuzz_key_XXXXXX";
    if (!mkdtemp(dir)) return NULL;
    char path[64];
    snprintf(path, sizeof path, "%s/k", dir);
    char err[128];
    if (sl_key_open(&key, path, NULL, err, sizeof err)) key = NULL;
    return key;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *p = (const char *)data;
    int64_t t, a, b;
    if (sl_time_parse(p, size, &t)) {
        char iso[21];
        sl_time_format(t, iso);
        int64_t back;
        check(sl_time_parse(iso, strlen(iso), &back) && back == t);
    }
    if (sl_time_parse_serial(p, size, &t)) { /* 2000 .. 2099, to the second */
        check(t >= INT64_C(946684800) && t < INT64_C(4102444800));
    }
    (void)sl_timeframe_parse(p, size, &a, &b);
    if (size >= 8) {
        double d;
        memcpy(&d, data, sizeof d);
        (void)sl_time_from_excel(d, &t);
    }
    for (int f = 0; f < SL_F_COUNT; f++) {
        sl_cell_state st = sl_cell_classify((sl_field)f, p, size);
        check(st > SL_CELL_ABSENT && st < SL_CELL__COUNT);
    }
    sl_key *k = get_key();
    if (k && size) {
        /* The first byte says how long the row's own plate is, taken from the text itself. */
        size_t pl = data[0] % 9;
        const char *plate = p + 1;
        if (pl + 1 > size) pl = size - 1;
        sl_buf out = {0};
        if (sl_redact(k, p, size, plate, pl, SL_REDACT_PLATES | SL_REDACT_PERSONAL, &out) == SL_OK &&
            pl >= 5) {
            int alnum = 1;
            for (size_t i = 0; i < pl; i++) alnum &= sl_isalnum((unsigned char)plate[i]);
            if (alnum && out.len >= pl) {
                for (size_t i = 0; i + pl <= out.len; i++)
                    check(memcmp(out.p + i, plate, pl) != 0 ||
                          (i > 0 && sl_isalnum((unsigned char)out.p[i - 1])) ||
                          (i + pl < out.len && sl_isalnum((unsigned char)out.p[i + pl])));
            }
        }
        sl_buf_free(&out);
    }
    return 0;
}
