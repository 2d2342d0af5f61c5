/* counts.h: searches counted by organization x month x category, in memory, for the counts
 * table (docs/SCHEMA.md). Internal to lib/ (the store owns one). */
#ifndef SL_COUNTS_H
#define SL_COUNTS_H

#include "core.h"

#include <stdint.h>

/* Cap on distinct (organization, month, category) cells: bounded by the data's shape, not by
 * its row count; this only stops a pathological input from eating memory (SL_ELIMIT). */
#define SL_COUNTS_CAP (1u << 22)

typedef struct sl_counts sl_counts;

sl_counts *sl_counts_new(void);
void sl_counts_free(sl_counts *c);

/* Counts one row under each of cats (distinct), and under "all" too when all is 1. t is the
 * search time (SL_TIME_NONE: month ""). On a failure (SL_ENOMEM, SL_ELIMIT) the row may be
 * counted under some of its categories and not the others: the counts are no longer whole,
 * and the caller must not write them (the store fails the run). */
sl_status sl_counts_add(sl_counts *c, const char *org, size_t org_len, int64_t t,
                        const char *const *cats, size_t ncats, int all);

/* The same keyed by any second text instead of a month (sl_count.month is then that text; it
 * may hold a NUL byte, as the organization may): the operators of lib/operators.c. */
sl_status sl_counts_add_pair(sl_counts *c, const char *org, size_t org_len, const char *second,
                             size_t second_len, const char *const *cats, size_t ncats, int all);

/* The (organization, month) group of the last row added (from 1; 0 before any): the same
 * number for the same organization bytes and month (or second text), whatever the staging. */
uint32_t sl_counts_group(const sl_counts *c);

/* A lower cap on cells and groups than SL_COUNTS_CAP (0: SL_COUNTS_CAP), for counts that must
 * give up early rather than fail the run. */
void sl_counts_set_cap(sl_counts *c, size_t cap);

/* Staging for one source: between open and close, counts go aside; close adds them to the
 * run's (keep 1) or forgets them (keep 0). */
void sl_counts_open(sl_counts *c);
sl_status sl_counts_close(sl_counts *c, int keep);

/* One cell of the run's counts. */
typedef struct {
    const char *org; /* org_len bytes (it may hold a NUL byte); month and category end in NUL */
    size_t org_len;
    const char *month; /* or the second text of sl_counts_add_pair, month_len bytes */
    size_t month_len;
    const char *category;
    uint64_t rows;
    uint32_t group; /* its organization and month's, as sl_counts_group gave it */
} sl_count;

/* The run's cells sorted by the bytes of org, then month, then category. The array and the
 * texts live until sl_counts_free. */
sl_status sl_counts_sorted(sl_counts *c, const sl_count **out, size_t *n);

#endif
