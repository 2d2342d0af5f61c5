/* evaluate.h: measures the rule packs on a labeled set (the tests/eval files): each text is
 * classified as a reason field with sl_classify semantics and its categories compared with
 * the expected ones; per category true and false positives and negatives, precision, recall
 * and the pack's threshold. Used by `sunlight rules eval`; the library part prints nothing. */
#ifndef SL_EVALUATE_H
#define SL_EVALUATE_H

#include "classify.h"

typedef struct sl_eval sl_eval;

/* r and m are borrowed and must outlive the evaluator. */
sl_status sl_eval_new(sl_eval **out, const sl_rules *r, sl_matcher *m);
void sl_eval_free(sl_eval *e);

/* One disagreement on one text: a category predicted but not expected (fp = 1, rule and
 * span say why) or expected but not predicted (fp = 0, rule = UINT32_MAX). */
typedef struct {
    const char *category;
    int fp;
    uint32_t rule;
    uint32_t start, end;
} sl_eval_miss;
typedef void (*sl_eval_miss_fn)(void *ud, const sl_eval_miss *m);

/* Classifies text (as a reason) and counts it against `expected`, a comma-joined list of
 * categories (empty: none). Returns SL_EFORMAT when expected names a category that no loaded
 * rule reports (a typo in the labels), with the name in err. on_miss may be NULL. */
sl_status sl_eval_add(sl_eval *e, const char *text, size_t len, const char *expected,
                      size_t elen, sl_eval_miss_fn on_miss, void *ud, char *err, size_t errlen);

/* Results per category, in the order categories first appear in the loaded rules. */
typedef struct {
    const char *category;
    uint64_t tp, fp, fn, support; /* support = texts expected to have the category */
    double precision, recall;     /* 1.0 when nothing was predicted / expected */
    int has_floor;                /* a pack sets a threshold for it */
    double min_precision, min_recall;
    int pass;                     /* no floor, or both floors met and support > 0 */
} sl_eval_row;

size_t sl_eval_count(const sl_eval *e);
void sl_eval_row_get(const sl_eval *e, size_t i, sl_eval_row *out);
/* Texts read, and micro-averaged totals over all categories. */
void sl_eval_total(const sl_eval *e, uint64_t *texts, sl_eval_row *out);

#endif
