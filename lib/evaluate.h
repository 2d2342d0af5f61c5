/* evaluate.h: measures the rule packs on a labeled set (the tests/eval files): each text is
 * classified as a reason field with sl_classify semantics and its categories compared with
 * the expected ones; per category true and false positives and negatives, precision, recall
 * and the pack's threshold. Used by `sunlight rules eval`; the library part prints nothing. */
#ifndef SL_EVALUATE_H
#define SL_EVALUATE_H

#include "classify.h"

/* The evaluator's API is public: include/sunlight.h, "measuring the packs". */

#endif
