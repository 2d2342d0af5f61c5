/* classify.h: reads one search the way the rule packs say: the reason (a 2026 dropdown reason
 * split into its category part and free-text detail, a legacy reason as a whole), each
 * comma-joined value of the offense cell, and the text prompt, each with the rules whose
 * `reads` names that text (docs/RULES.md: reason, whole, dropdown, offense, prompt). Shared by
 * the scan and by `sunlight rules eval`. */
#ifndef SL_CLASSIFY_H
#define SL_CLASSIFY_H

#include "store.h"

/* Rules that read the category part of a dropdown reason (`reads dropdown`, SL_READS_DROPDOWN)
 * are the table of known dropdown categories: a left side is a category when one of them
 * matches it whole. */

/* Splits a 2026 dropdown reason `Category - detail`. Returns 1 when the text has that shape:
 * the text left of a '-' (trimmed of blanks and '+') is a known dropdown category according to
 * the loaded rules. Then category and detail (trimmed, possibly empty) point into p.
 * Returns 0 otherwise ("stolen veh - red honda" is ordinary text) and leaves both untouched.
 * Needs the matcher to look the category up; no allocation. */
int sl_reason_split_rules(sl_matcher *m, const sl_rules *r, const char *p, size_t len,
                          sl_slice *category, sl_slice *detail);

/* Classifies a search: the reason (unless empty, absent or redacted; placeholders are read),
 * each offense value, the text prompt, the organization's name (a value, by `reads org`
 * rules). Writes up to cap flags, one per rule (the first field and span where it fired, in
 * the order reason, offense, prompt, organization), and returns how many rules fired (may
 * exceed cap). Spans are byte offsets in the field's full (trimmed) text as held by the
 * search. No allocation: a fixed hit buffer per call. */
size_t sl_classify(sl_matcher *m, const sl_rules *r, const sl_search *s, sl_flag *out,
                   size_t cap);

/* Whether a cell in this state is read by the classifier: values, placeholders and partly
 * redacted cells (their unredacted part still says something). */
int sl_classify_reads_state(sl_cell_state st);

#endif
