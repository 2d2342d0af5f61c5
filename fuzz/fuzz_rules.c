/* fuzz_rules.c: libFuzzer harness for the rule-pack parser and the matcher. The input is a
 * rule pack; when it loads, its own examples are checked, and every example text is matched
 * and explained. The parser must refuse bad packs with a message, never crash. Build with
 * `make fuzz` (needs clang); run:
 *   mkdir -p /tmp/rules_corpus && cp rules/[a-z]*.rules /tmp/rules_corpus
 *   build/fuzz/fuzz_rules -max_total_time=60 -timeout=20 /tmp/rules_corpus */
#include "sunlight.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void check(int ok) {
    if (!ok) __builtin_trap();
}

static void on_explain(void *ud, const sl_explain_event *e) {
    (void)ud;
    check(e->start <= e->end);
    if (e->kind == SL_EXPLAIN_IN_PLATE) /* a hit dropped as part of a plate lies inside it */
        check(e->by_start <= e->start && e->end <= e->by_end &&
              e->by_end - e->by_start > e->end - e->start);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 64 * 1024) return 0;
    setenv("SUNLIGHT_CACHE", "off", 1);
    char path[] = "/tmp/sl_fuzz_rules_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    sl_rules *r = NULL;
    char err[512] = "";
    sl_status st = sl_rules_load(&r, path, err, sizeof err);
    unlink(path);
    if (st) {
        check(err[0] != '\0');
        return 0;
    }
    size_t pass = 0, fail = 0;
    (void)sl_rules_test(r, NULL, NULL, &pass, &fail);
    sl_matcher *m = NULL;
    if (sl_matcher_new(&m, r) == SL_OK) {
        sl_hit hits[16];
        size_t n = 0;
        const char *texts[] = {"assist ICE with locate", "police hold on vehicle", "", "x"};
        for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
            if (sl_match(m, texts[i], strlen(texts[i]), hits, 16, &n) == SL_OK)
                for (size_t j = 0; j < n && j < 16; j++) check(hits[j].start <= hits[j].end);
            (void)sl_rules_explain(r, texts[i], strlen(texts[i]), on_explain, NULL);
        }
        sl_matcher_free(m);
    }
    sl_rules_free(r);
    return 0;
}
