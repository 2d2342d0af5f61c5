/* fuzz_xmlp.c: differential libFuzzer harness for the tokenizer in front of expat (xmlp.h).
 * The input's first two bytes choose how the rest is cut into blocks and after which end tag
 * a callback stops the parse; the rest is parsed by the tokenizer (handing over to expat where
 * it does not take the input) and by expat alone. The traces must be the same: every start tag
 * with its attributes, every end tag, the text between them, and the end (ok, stopped, or the
 * same error at the same line and byte). expat alone does not always say the same thing of
 * the same broken input cut differently (after the root, "junk after document element" or
 * "not well-formed", at different bytes), so the trace must be one of expat's own: in one
 * block, in the tokenizer's blocks, or byte by byte.
 * Build with `make fuzz` (needs clang); run, from the repository root, with the parts of the
 * test workbooks as seeds (two bytes of choices in front of each):
 *   mkdir -p /tmp/xmlp_corpus && for f in tests/data/xlsx/[a-z]*.xlsx; do
 *     for m in $(unzip -Z1 "$f" | grep 'xml$'); do
 *       { printf 'AB'; unzip -p "$f" "$m"; } > "/tmp/xmlp_corpus/$(basename "$f")_$(echo "$m" | tr / _)"
 *     done; done
 *   build/fuzz/fuzz_xmlp -max_total_time=600 /tmp/xmlp_corpus
 * Keep any input that makes the traces differ as a case in tests/unit/test_xmlp.c. */
#include "../tests/unit/xmlp_trace.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    static const size_t sizes[8] = {0, 1, 2, 3, 7, 64, 4096, 65536 + 17};
    size_t blocks[2] = {sizes[data[0] & 7], sizes[data[0] >> 3 & 7]};
    long stop_after = data[1] & 0x80 ? (long)(data[1] & 0x7F) + 1 : 0;
    const char *s = (const char *)data + 2;
    size_t n = size - 2;
    static const size_t one = 1;
    xt_trace a, b;
    xt_parse(&a, s, n, 0, blocks, 2, stop_after, NULL);
    int same = 0;
    for (int k = 0; k < 3 && !same; k++) {
        if (k == 0) xt_parse(&b, s, n, 1, NULL, 0, stop_after, NULL);
        else if (k == 1) xt_parse(&b, s, n, 1, blocks, 2, stop_after, NULL);
        else xt_parse(&b, s, n, 1, &one, 1, stop_after, NULL);
        same = a.out.len == b.out.len && memcmp(a.out.p, b.out.p, a.out.len) == 0;
        if (!same && k == 2) {
            fprintf(stderr, "tokenizer:\n%s\nexpat:\n%s\n", a.out.p, b.out.p);
            __builtin_trap();
        }
        sl_buf_free(&b.out);
    }
    sl_buf_free(&a.out);
    return 0;
}
