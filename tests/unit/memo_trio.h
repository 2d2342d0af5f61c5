/* memo_trio.h: three matchers over the same rules, for tests that a memo never changes a
 * result: m[0] without memo, m[1] with the default memo, m[2] with a 4-slot memo over a
 * 256-byte ring (constant collisions and overwrites). Test-only (lib/rules.h). */
#ifndef SL_MEMO_TRIO_H
#define SL_MEMO_TRIO_H

#include "rules.h"

/* Returns 1 when all three are made and sized; else 0, with what was made freed. */
static int memo_trio(const sl_rules *r, sl_matcher *m[3]) {
    m[0] = m[1] = m[2] = NULL;
    int ok = sl_matcher_new(&m[0], r) == SL_OK && sl_matcher_new(&m[1], r) == SL_OK &&
             sl_matcher_new(&m[2], r) == SL_OK && sl_matcher_set_memo(m[0], 0, 0) == SL_OK &&
             sl_matcher_set_memo(m[2], 4, 256) == SL_OK;
    if (ok) return 1;
    for (int i = 0; i < 3; i++) sl_matcher_free(m[i]);
    m[0] = m[1] = m[2] = NULL;
    return 0;
}

static void memo_trio_free(sl_matcher *m[3]) {
    for (int i = 0; i < 3; i++) sl_matcher_free(m[i]);
}

#endif
