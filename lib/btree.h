/* btree.h: one SQLite table written page by page, outside SQLite, for the tables that take a
 * row per flagged search (flagged_rows, and flagged_searches at the end) and per new hit
 * (hit_sets). SQLite's own insert costs
 * about 2 µs a row (bench/RESULTS.md), more than everything else a flagged row costs. Rows here arrive in rowid
 * order and are never updated, the one case in which a table B-tree can be built bottom-up:
 * each row is encoded as a SQLite record into the leaf page being filled, full leaves (and the
 * overflow pages of long rows) go to a spill file, and the interior pages are built when the
 * table is complete. sl_btree_splice then appends the pages to a committed database file that
 * no connection is using, makes them the content of the (empty) table whose root page it is
 * given, and updates the file's header: the file format is SQLite's documented one
 * (https://www.sqlite.org/fileformat2.html), read back by SQLite itself and checked by
 * PRAGMA integrity_check in the tests. */
#ifndef SL_BTREE_H
#define SL_BTREE_H

#include "core.h"

typedef struct sl_btree sl_btree;

/* One column value of a row: NULL, an integer, or text (n bytes, UTF-8 as given). */
typedef enum { SL_BV_NULL = 0, SL_BV_INT, SL_BV_TEXT } sl_bval_type;
typedef struct {
    sl_bval_type type;
    int64_t i;
    const char *p;
    size_t n;
} sl_bval;

/* A writer for a table of pages of page_size bytes (a power of two, 512..65536), spilling to a
 * file at spill_path that is unlinked at once (it is never left behind). */
sl_status sl_btree_open(sl_btree **out, const char *spill_path, uint32_t page_size);
void sl_btree_free(sl_btree *b);

/* Appends a row. rowid must be greater than the last row's. A column stored as the rowid
 * (INTEGER PRIMARY KEY) is given as NULL, as SQLite stores it. */
sl_status sl_btree_append(sl_btree *b, int64_t rowid, const sl_bval *v, size_t n);

/* A point to come back to: sl_btree_rollback forgets every row appended since the last mark
 * (or since open, without one). */
void sl_btree_mark(sl_btree *b);
sl_status sl_btree_rollback(sl_btree *b);

uint64_t sl_btree_rows(const sl_btree *b);

/* Makes the rows the content of the table whose root page is `root` in the SQLite database at
 * db_path, which must be committed and closed (or idle), use this page size, no reserved
 * bytes, UTF-8 and schema format 4, and whose root page must be an empty table leaf. Done at
 * most once. Without rows nothing is changed. */
sl_status sl_btree_splice(sl_btree *b, const char *db_path, uint32_t root);

/* Copies the pages through memory at the splice, as where the kernel cannot copy between files
 * (copy_file_range unsupported): for the tests, which run on a file system where it can. */
void sl_btree_copy_through_memory(sl_btree *b);

/* What the last failure was, for a person ("writing the spill file: No space left on device"). */
const char *sl_btree_errmsg(const sl_btree *b);

#endif
