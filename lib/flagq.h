/* flagq.h: hands flagged rows from the scan to their writers (the database's flagged_rows and
 * hit_sets, and flagged.csv). With a writer thread the scan goes on reading while rows are
 * written: each row is copied into a batch, and batches are written one by one in the order
 * they were filled, so the outputs are byte for byte those of writing at once. Without a
 * thread, a push writes at once.
 *
 * While a writer thread may be busy, the scan touches the store only through
 * sl_store_count_row (which keeps its own state); before any other call on the store or on
 * flagged.csv it calls sl_flagq_sync. */
#ifndef SL_FLAGQ_H
#define SL_FLAGQ_H

#include "store.h"

typedef struct sl_flagq sl_flagq;

/* thread: 1 to write on a thread of its own (falls back to writing at once when no thread
 * can be started), 0 to write at once. fcsv may be NULL. */
sl_status sl_flagq_new(sl_flagq **out, int thread, sl_store *st, sl_flagged_csv *fcsv,
                       const sl_key *k, const sl_rules *r);
/* Whether rows are written on a thread of their own. */
int sl_flagq_threaded(const sl_flagq *q);
/* Writes the row, at once or later. Returns the first error of any row pushed so far that is
 * known (a later error surfaces at a later push or at sync). */
sl_status sl_flagq_push(sl_flagq *q, const sl_store_row *row);
/* Returns when every row pushed has been written; the first error, if any. */
sl_status sl_flagq_sync(sl_flagq *q);
/* Syncs, stops the thread and frees. */
void sl_flagq_free(sl_flagq *q);

#endif
